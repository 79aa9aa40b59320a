//! The work records: create and edit in scope with audit entries, unique records, parents and
//! links, and the yearly totals the reports read — over fixed records, with years without any.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use shuangyong_domain::work::{self, Kind, Val};
use shuangyong_domain::{OrgKind, OrgPath};
use shuangyong_store::audit::{self, Actor, Verdict};
use shuangyong_store::org::Page;
use shuangyong_store::testing::{self, TestDb};
use shuangyong_store::work::{self as store_work, Filter, Record, totals};
use shuangyong_store::{Scope, StoreError};

fn path(s: &str) -> OrgPath {
    OrgPath::parse(s).unwrap()
}

fn county() -> Scope {
    Scope::new(path("140929"))
}

async fn setup() -> TestDb {
    testing::with_units(&[
        ("140929", "岢岚县", OrgKind::County),
        ("140929/01", "岚漪镇", OrgKind::Township),
        ("140929/02", "三井镇", OrgKind::Township),
        ("140929/01/001", "东街村", OrgKind::Village),
        ("140929/02/001", "团城村", OrgKind::Village),
        ("140929/90", "驻岢某部", OrgKind::MilitaryUnit),
    ])
    .await
}

fn vals(kind: &Kind, pairs: &[(&str, &str)]) -> Vec<Val> {
    let m: BTreeMap<String, String> = pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
    kind.parse(&m).unwrap_or_else(|e| panic!("{}: {e:?}", kind.key))
}

async fn add(db: &TestDb, kind: &'static Kind, at: &str, pairs: &[(&str, &str)]) -> Result<Record, StoreError> {
    add_in(db, &county(), kind, at, pairs).await
}

async fn add_in(
    db: &TestDb,
    scope: &Scope,
    kind: &'static Kind,
    at: &str,
    pairs: &[(&str, &str)],
) -> Result<Record, StoreError> {
    let s = &db.store;
    let tx = s.begin_write().await.unwrap();
    let r = store_work::create(s, &tx, &Actor::system("test"), scope, kind, &path(at), vals(kind, pairs)).await?;
    tx.commit().await.unwrap();
    Ok(r)
}

#[tokio::test]
async fn every_type_is_created_read_listed_and_edited_with_audit_entries() {
    let db = setup().await;
    let s = &db.store;
    let group = add(
        &db,
        &work::GROUPS,
        "140929",
        &[("name", "双拥工作领导小组"), ("kind", "leading_group"), ("term_start", "2021-03-01")],
    )
    .await
    .unwrap();
    let plan = add(&db, &work::PLANS, "140929", &[("year", "2023"), ("title", "2023年军地互办实事")]).await.unwrap();
    let base = add(&db, &work::BASES, "140929", &[("name", "毛主席路居馆"), ("kind", "defence"), ("since", "2010")])
        .await
        .unwrap();
    let (g, p, b) = (group.id.to_string(), plan.id.to_string(), base.id.to_string());
    let samples: Vec<(&'static Kind, Vec<(&str, &str)>)> = vec![
        (
            &work::MEMBERS,
            vec![("group_id", &g), ("name", "王明"), ("member_role", "leader"), ("term_start", "2021-03-01")],
        ),
        (
            &work::MEETINGS,
            vec![
                ("kind", "party_military"),
                ("title", "县委议军会"),
                ("held_on", "2023-01-10"),
                ("chair", "县委书记"),
                ("attendance", "25"),
            ],
        ),
        (&work::MEASURES, vec![("year", "2023"), ("item", "budget"), ("status", "done")]),
        (
            &work::PLAN_ITEMS,
            vec![
                ("plan_id", &p),
                ("side", "county"),
                ("title", "修缮营区道路"),
                ("owner", "县交通局"),
                ("state", "planned"),
            ],
        ),
        (&work::HONOURS, vec![("year", "2020"), ("title", "national"), ("round", "10")]),
        (
            &work::EVENTS,
            vec![
                ("kind", "oath"),
                ("title", "入党宣誓"),
                ("held_on", "2023-07-01"),
                ("base_id", &b),
                ("organiser", "县委组织部"),
                ("participants", "60"),
            ],
        ),
        (
            &work::ARTICLES,
            vec![
                ("title", "走进岢岚"),
                ("author", "县融媒体中心"),
                ("dated", "2023-08-01"),
                ("state", "draft"),
                ("body", "【岢岚】"),
            ],
        ),
        (
            &work::PROJECTS,
            vec![
                ("year", "2023"),
                ("category", "defence_road"),
                ("title", "某国防公路"),
                ("amount", "1500000"),
                ("unit", "yuan"),
            ],
        ),
        (
            &work::EVACUATIONS,
            vec![("held_on", "2023-05-02"), ("operation", "某任务"), ("people", "900"), ("accidents", "0")],
        ),
        (
            &work::VISITS,
            vec![
                ("visited_on", "2023-01-18"),
                ("leaders", "县委书记"),
                ("visited_unit", "驻岢某部"),
                ("amount", "20000"),
            ],
        ),
        (
            &work::CONTRIBUTIONS,
            vec![("happened_on", "2023-04-01"), ("kind", "patients"), ("title", "义诊"), ("people", "300")],
        ),
    ];
    let audit_before = audit::count(s, s.conn()).await.unwrap();
    for (kind, pairs) in &samples {
        let at = if kind.key == "contributions" { "140929/90" } else { "140929" };
        let r = add(&db, kind, at, pairs).await.unwrap_or_else(|e| panic!("{}: {e}", kind.key));
        let again = store_work::get(s, &county(), kind, r.id).await.unwrap();
        assert_eq!(again.vals, r.vals, "{}", kind.key);
        assert_eq!((again.year, again.org_path.as_str()), (r.year, at), "{}", kind.key);
        let want = match kind.key {
            "honours" => 2020,
            "members" => 2021,
            _ => 2023,
        };
        assert_eq!(r.year, want, "{}", kind.key);
        let (list, total) = store_work::list(s, &county(), kind, &Filter::default(), Page::default()).await.unwrap();
        assert_eq!((total, list[0].id), (1, r.id), "{}", kind.key);
        // Edit: change the title field, keep the rest.
        let mut changed: Vec<(&str, &str)> = pairs.clone();
        let title_field = kind.title;
        if matches!(kind.field(title_field).unwrap().kind, work::FieldKind::Text) {
            changed.retain(|(k, _)| *k != title_field);
            changed.push((title_field, "已修改"));
        }
        let tx = s.begin_write().await.unwrap();
        let after = store_work::update(
            s,
            &tx,
            &Actor::system("test"),
            &county(),
            kind,
            r.id,
            Some(r.version),
            &r.org_path,
            vals(kind, &changed),
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        assert_eq!(after.version, 2, "{}", kind.key);
        let history = audit::for_entity(s, kind.table, &r.id.to_string()).await.unwrap();
        assert_eq!(history.iter().map(|e| e.action.as_str()).collect::<Vec<_>>(), ["update", "create"], "{}", kind.key);
    }
    assert_eq!(audit::count(s, s.conn()).await.unwrap(), audit_before + 2 * samples.len() as i64);
    assert!(matches!(audit::verify(s).await.unwrap(), Verdict::Intact { .. }));
    // The plan item counts in its plan's year, and follows it when the plan moves.
    let (items, _) = store_work::list(
        s,
        &county(),
        &work::PLAN_ITEMS,
        &Filter { year: Some(2023), ..Default::default() },
        Page::default(),
    )
    .await
    .unwrap();
    assert_eq!(items.len(), 1);
    let tx = s.begin_write().await.unwrap();
    store_work::update(
        s,
        &tx,
        &Actor::system("test"),
        &county(),
        &work::PLANS,
        plan.id,
        None,
        &plan.org_path,
        vals(&work::PLANS, &[("year", "2024"), ("title", "2024年军地互办实事")]),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let item = store_work::get(s, &county(), &work::PLAN_ITEMS, items[0].id).await.unwrap();
    assert_eq!(item.year, 2024);
}

#[tokio::test]
async fn scope_limits_reading_and_writing() {
    let db = setup().await;
    let s = &db.store;
    let town1 = Scope::new(path("140929/01"));
    let ev = |title: &'static str| {
        [
            ("kind", "siren"),
            ("title", title),
            ("held_on", "2024-09-18"),
            ("organiser", "县人防办"),
            ("participants", "100"),
        ]
    };
    let a = add(&db, &work::EVENTS, "140929/01/001", &ev("东街村警报鸣放")).await.unwrap();
    let b = add(&db, &work::EVENTS, "140929/02/001", &ev("团城村警报鸣放")).await.unwrap();
    let (list, total) = store_work::list(s, &town1, &work::EVENTS, &Filter::default(), Page::default()).await.unwrap();
    assert_eq!((total, list[0].id), (1, a.id));
    assert!(matches!(store_work::get(s, &town1, &work::EVENTS, b.id).await, Err(StoreError::NotFound)));
    // Writing outside the subtree is refused and writes nothing.
    let before = s.count("edu_event").await.unwrap();
    let e = add_in(&db, &town1, &work::EVENTS, "140929/02/001", &ev("越权")).await.unwrap_err();
    assert!(matches!(e, StoreError::Invalid(ref m) if m.contains("管辖范围")), "{e}");
    assert_eq!(s.count("edu_event").await.unwrap(), before);
    let tx = s.begin_write().await.unwrap();
    let e =
        store_work::update(s, &tx, &Actor::system("t"), &town1, &work::EVENTS, b.id, None, &b.org_path, b.vals.clone())
            .await
            .unwrap_err();
    assert!(matches!(e, StoreError::NotFound));
    drop(tx);
    // The unit filter narrows within scope; the year filter too.
    let f = Filter { unit: Some(path("140929/02")), ..Default::default() };
    assert_eq!(store_work::list(s, &county(), &work::EVENTS, &f, Page::default()).await.unwrap().1, 1);
    let f = Filter { year: Some(2023), ..Default::default() };
    assert_eq!(store_work::list(s, &county(), &work::EVENTS, &f, Page::default()).await.unwrap().1, 0);
    let f = Filter { q: Some("团城".into()), choice: Some("siren".into()), ..Default::default() };
    assert_eq!(store_work::list(s, &county(), &work::EVENTS, &f, Page::default()).await.unwrap().1, 1);
    // Several kinds at once, as a figure summed over two categories links to them.
    let mut oath = ev("东街村入党宣誓");
    oath[0].1 = "oath";
    add(&db, &work::EVENTS, "140929/01/001", &oath).await.unwrap();
    let kinds = |c: &str| Filter { choice: Some(c.into()), ..Default::default() };
    for (choice, n) in [("siren", 2), ("oath", 1), ("siren,oath", 3), ("oath, culture", 1), ("culture", 0)] {
        assert_eq!(
            store_work::list(s, &county(), &work::EVENTS, &kinds(choice), Page::default()).await.unwrap().1,
            n,
            "{choice}"
        );
    }
}

#[tokio::test]
async fn a_plan_covers_the_troops_below_it_and_its_items_stay_inside() {
    let db = setup().await;
    let s = &db.store;
    let troops = Scope::new(path("140929/90"));
    let plan = add(&db, &work::PLANS, "140929", &[("year", "2024"), ("title", "2024年互办实事")]).await.unwrap();
    // The liaison officer's unit lies under the county: the plan is readable and can be picked.
    assert_eq!(store_work::get(s, &troops, &work::PLANS, plan.id).await.unwrap().id, plan.id);
    let options = store_work::options(s, &troops, &work::PLANS).await.unwrap();
    assert_eq!(options.iter().map(|o| o.0).collect::<Vec<_>>(), [plan.id]);
    let p = plan.id.to_string();
    let item =
        [("plan_id", p.as_str()), ("side", "troops"), ("title", "义诊"), ("owner", "驻岢某部"), ("state", "planned")];
    add_in(&db, &troops, &work::PLAN_ITEMS, "140929/90", &item).await.unwrap();
    // A plan of a township does not cover the troops; items must lie within their plan's unit.
    let town = add(&db, &work::PLANS, "140929/01", &[("year", "2024"), ("title", "镇计划")]).await.unwrap();
    let t = town.id.to_string();
    let e = add_in(
        &db,
        &troops,
        &work::PLAN_ITEMS,
        "140929/90",
        &[("plan_id", &t), ("side", "troops"), ("title", "x"), ("owner", "x"), ("state", "planned")],
    )
    .await
    .unwrap_err();
    assert!(matches!(e, StoreError::Invalid(ref m) if m.contains("所属计划")), "{e}");
    let e = add(
        &db,
        &work::PLAN_ITEMS,
        "140929/90",
        &[("plan_id", &t), ("side", "troops"), ("title", "x"), ("owner", "x"), ("state", "planned")],
    )
    .await
    .unwrap_err();
    assert!(matches!(e, StoreError::Invalid(ref m) if m.contains("下级单位")), "{e}");
    // Meetings are not containers: the county's meetings stay out of the troops' sight.
    let m = add(
        &db,
        &work::MEETINGS,
        "140929",
        &[("kind", "leading_group"), ("title", "x"), ("held_on", "2024-01-01"), ("chair", "x")],
    )
    .await
    .unwrap();
    assert!(matches!(store_work::get(s, &troops, &work::MEETINGS, m.id).await, Err(StoreError::NotFound)));
}

#[tokio::test]
async fn one_plan_a_year_and_one_checklist_item_a_year() {
    let db = setup().await;
    add(&db, &work::PLANS, "140929", &[("year", "2024"), ("title", "a")]).await.unwrap();
    let e = add(&db, &work::PLANS, "140929", &[("year", "2024"), ("title", "b")]).await.unwrap_err();
    assert!(matches!(e, StoreError::Conflict(ref m) if m.contains("不要重复登记")), "{e}");
    add(&db, &work::PLANS, "140929/01", &[("year", "2024"), ("title", "镇")]).await.unwrap();
    add(&db, &work::MEASURES, "140929", &[("year", "2024"), ("item", "budget"), ("status", "done")]).await.unwrap();
    let e = add(&db, &work::MEASURES, "140929", &[("year", "2024"), ("item", "budget"), ("status", "partial")])
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Conflict(_)));
    // Editing into a clash is refused too.
    let other = add(&db, &work::MEASURES, "140929", &[("year", "2024"), ("item", "annual_plan"), ("status", "done")])
        .await
        .unwrap();
    let s = &db.store;
    let tx = s.begin_write().await.unwrap();
    let e = store_work::update(
        s,
        &tx,
        &Actor::system("t"),
        &county(),
        &work::MEASURES,
        other.id,
        None,
        &other.org_path,
        vals(&work::MEASURES, &[("year", "2024"), ("item", "budget"), ("status", "done")]),
    )
    .await
    .unwrap_err();
    assert!(matches!(e, StoreError::Conflict(_)));
}

#[tokio::test]
async fn a_stale_version_is_refused() {
    let db = setup().await;
    let s = &db.store;
    let r = add(
        &db,
        &work::VISITS,
        "140929",
        &[("visited_on", "2024-01-20"), ("leaders", "县长"), ("visited_unit", "某部")],
    )
    .await
    .unwrap();
    let tx = s.begin_write().await.unwrap();
    let e = store_work::update(
        s,
        &tx,
        &Actor::system("t"),
        &county(),
        &work::VISITS,
        r.id,
        Some(r.version + 1),
        &r.org_path,
        r.vals.clone(),
    )
    .await
    .unwrap_err();
    assert!(matches!(e, StoreError::Conflict(_)));
}

#[tokio::test]
async fn the_checklist_shows_missing_items_plainly() {
    let db = setup().await;
    let s = &db.store;
    add(&db, &work::MEASURES, "140929", &[("year", "2023"), ("item", "budget"), ("status", "done")]).await.unwrap();
    add(&db, &work::MEASURES, "140929", &[("year", "2023"), ("item", "annual_plan"), ("status", "partial")])
        .await
        .unwrap();
    let m = totals::measures(s, &county(), 2022..=2023).await.unwrap();
    let got: Vec<(i32, &str, i64)> = m.iter().map(|t| (t.year, t.group[0].as_str(), t.records)).collect();
    assert_eq!(got, [(2023, "done", 1), (2023, "partial", 1)]);
    let list = totals::checklist(s, &county(), &path("140929"), 2023).await.unwrap();
    assert_eq!(list.len(), 5);
    let state: Vec<(&str, bool, bool)> = list.iter().map(|i| (i.item, i.record.is_some(), i.done())).collect();
    assert_eq!(
        state,
        [
            ("development_plan", false, false),
            ("performance_review", false, false),
            ("defence_education", false, false),
            ("annual_plan", true, false),
            ("budget", true, true)
        ]
    );
    assert!(totals::checklist(s, &county(), &path("140929"), 2022).await.unwrap().iter().all(|i| i.record.is_none()));
    let town = Scope::new(path("140929/01"));
    assert!(matches!(totals::checklist(s, &town, &path("140929"), 2023).await, Err(StoreError::NotFound)));
}

#[tokio::test]
async fn yearly_totals_over_fixed_records_with_years_without_any() {
    let db = setup().await;
    let s = &db.store;
    for (d, people, acc) in [("2021-03-01", "900", "0"), ("2021-08-09", "1,100", "0"), ("2023-05-01", "2500", "1")] {
        add(
            &db,
            &work::EVACUATIONS,
            "140929/01",
            &[("held_on", d), ("operation", "任务"), ("people", people), ("accidents", acc)],
        )
        .await
        .unwrap();
    }
    let t = totals::evacuations(s, &county(), 2020..=2023).await.unwrap();
    let got: Vec<(i32, i64, i64, i64)> =
        t.iter().map(|t| (t.year, t.records, t.sum("people"), t.sum("accidents"))).collect();
    assert_eq!(got, [(2020, 0, 0, 0), (2021, 2, 2000, 0), (2022, 0, 0, 0), (2023, 1, 2500, 1)]);
    // In a township's scope, the other township's records do not count.
    let t = totals::evacuations(s, &Scope::new(path("140929/02")), 2021..=2021).await.unwrap();
    assert_eq!((t[0].records, t[0].sum("people")), (0, 0));

    for (y, cat, amount, unit) in [
        ("2020", "defence_road", "45000000", "yuan"),
        ("2020", "defence_road", "0.5", "yuan"),
        ("2021", "defence_road", "30000000", "yuan"),
        ("2021", "forest", "6000", "mu"),
        ("2022", "forest", "5,500.5", "mu"),
    ] {
        add(
            &db,
            &work::PROJECTS,
            "140929",
            &[("year", y), ("category", cat), ("title", "p"), ("amount", amount), ("unit", unit)],
        )
        .await
        .unwrap();
    }
    let road = totals::project_sum(s, &county(), 2020..=2024, "defence_road", "yuan").await.unwrap();
    assert_eq!(road, 7_500_000_050);
    assert_eq!(totals::project_sum(s, &county(), 2020..=2024, "forest", "mu").await.unwrap(), 1_150_050);
    assert_eq!(totals::project_sum(s, &county(), 2023..=2024, "forest", "mu").await.unwrap(), 0);
    let by = totals::projects(s, &county(), 2021..=2021).await.unwrap();
    let got: Vec<(Vec<String>, i64, i64)> = by.iter().map(|t| (t.group.clone(), t.records, t.sum("amount"))).collect();
    assert_eq!(
        got,
        [
            (vec!["defence_road".to_owned(), "yuan".to_owned()], 1, 3_000_000_000),
            (vec!["forest".to_owned(), "mu".to_owned()], 1, 600_000)
        ]
    );

    let base = add(&db, &work::BASES, "140929", &[("name", "毛主席路居馆"), ("kind", "defence"), ("since", "2010")])
        .await
        .unwrap();
    let other = add(&db, &work::BASES, "140929", &[("name", "烈士陵园"), ("kind", "memorial"), ("since", "2012")])
        .await
        .unwrap();
    let (b, o) = (base.id.to_string(), other.id.to_string());
    for (d, at, n, kind) in [
        ("2022-07-01", b.as_str(), "120", "oath"),
        ("2022-09-01", b.as_str(), "800", "study_visit"),
        ("2022-04-04", o.as_str(), "500", "qingming"),
        ("2024-04-04", b.as_str(), "75", "oath"),
        ("2024-09-18", "", "3000", "siren"),
    ] {
        add(
            &db,
            &work::EVENTS,
            "140929",
            &[
                ("kind", kind),
                ("title", "活动"),
                ("held_on", d),
                ("base_id", at),
                ("organiser", "县委宣传部"),
                ("participants", n),
            ],
        )
        .await
        .unwrap();
    }
    assert_eq!(
        totals::base_visits(s, &county(), base.id, 2021..=2024).await.unwrap(),
        [(2021, 0), (2022, 920), (2023, 0), (2024, 75)]
    );
    let bases = totals::bases(s, &county(), 2009..=2012).await.unwrap();
    let got: Vec<(i32, &str)> = bases.iter().map(|t| (t.year, t.group[0].as_str())).collect();
    assert_eq!(got, [(2010, "defence"), (2012, "memorial")]);
    let all_years = totals::by_year(s, &county(), &work::BASES, 2010..=2011, &[]).await.unwrap();
    assert_eq!(all_years.iter().map(|t| (t.year, t.records)).collect::<Vec<_>>(), [(2010, 1), (2011, 0)]);
    let ev = totals::events(s, &county(), 2024..=2024).await.unwrap();
    let got: Vec<(&str, i64, i64)> =
        ev.iter().map(|t| (t.group[0].as_str(), t.records, t.sum("participants"))).collect();
    assert_eq!(got, [("oath", 1, 75), ("siren", 1, 3000)]);

    for (d, kind, amount, people) in [
        ("2021-06-01", "student_aid", "20000", "10"),
        ("2022-06-01", "student_aid", "20000", "10"),
        ("2022-03-01", "patients", "", "1500"),
        ("2022-03-02", "patients", "", "1600"),
    ] {
        add(
            &db,
            &work::CONTRIBUTIONS,
            "140929/90",
            &[("happened_on", d), ("kind", kind), ("title", "t"), ("amount", amount), ("people", people)],
        )
        .await
        .unwrap();
    }
    let c = totals::contributions(s, &county(), 2022..=2022).await.unwrap();
    let got: Vec<(&str, i64, i64, i64)> =
        c.iter().map(|t| (t.group[0].as_str(), t.records, t.sum("amount"), t.sum("people"))).collect();
    assert_eq!(got, [("patients", 2, 0, 3100), ("student_aid", 1, 2_000_000, 10)]);

    for (d, amount) in [("2024-01-20", "50000"), ("2024-07-30", "30000.5"), ("2022-07-31", "")] {
        add(
            &db,
            &work::VISITS,
            "140929",
            &[("visited_on", d), ("leaders", "四套班子"), ("visited_unit", "某部"), ("amount", amount)],
        )
        .await
        .unwrap();
    }
    let v = totals::visits(s, &county(), 2022..=2024).await.unwrap();
    let got: Vec<(i32, i64, i64)> = v.iter().map(|t| (t.year, t.records, t.sum("amount"))).collect();
    assert_eq!(got, [(2022, 1, 0), (2023, 0, 0), (2024, 2, 8_000_050)]);

    for (kind, d) in
        [("leading_group", "2024-02-01"), ("leading_group", "2024-08-01"), ("party_military", "2024-01-05")]
    {
        add(&db, &work::MEETINGS, "140929", &[("kind", kind), ("title", "会"), ("held_on", d), ("chair", "书记")])
            .await
            .unwrap();
    }
    let m = totals::meetings(s, &county(), 2023..=2024).await.unwrap();
    let got: Vec<(i32, &str, i64)> = m.iter().map(|t| (t.year, t.group[0].as_str(), t.records)).collect();
    assert_eq!(got, [(2024, "leading_group", 2), (2024, "party_military", 1)]);

    for (state, d) in [("draft", "2024-01-01"), ("published", "2024-02-01"), ("published", "2023-02-01")] {
        add(
            &db,
            &work::ARTICLES,
            "140929",
            &[("title", "文"), ("author", "某"), ("dated", d), ("state", state), ("body", "正文")],
        )
        .await
        .unwrap();
    }
    let a = totals::articles(s, &county(), 2024..=2024).await.unwrap();
    assert_eq!(
        a.iter().map(|t| (t.group[0].as_str(), t.records)).collect::<Vec<_>>(),
        [("draft", 1), ("published", 1)]
    );
}

#[tokio::test]
async fn members_serving_count_people_once_and_follow_their_terms() {
    let db = setup().await;
    let s = &db.store;
    let g = add(
        &db,
        &work::GROUPS,
        "140929",
        &[("name", "领导小组"), ("kind", "leading_group"), ("term_start", "2020-01-01")],
    )
    .await
    .unwrap();
    let o = add(
        &db,
        &work::GROUPS,
        "140929",
        &[("name", "国防教育组"), ("kind", "service_group"), ("term_start", "2020-01-01")],
    )
    .await
    .unwrap();
    let (g, o) = (g.id.to_string(), o.id.to_string());
    for (grp, name, from, to) in [
        (g.as_str(), "王明", "2020-01-01", "2021-12-31"),
        (g.as_str(), "王明", "2022-01-01", ""),
        (o.as_str(), "王明", "2020-01-01", ""),
        (g.as_str(), "李华", "2020-01-01", "2022-06-30"),
        (g.as_str(), "赵强", "2022-07-01", ""),
    ] {
        add(
            &db,
            &work::MEMBERS,
            "140929",
            &[("group_id", grp), ("name", name), ("member_role", "member"), ("term_start", from), ("term_end", to)],
        )
        .await
        .unwrap();
    }
    let got = totals::members_serving(s, &county(), 2019..=2023).await.unwrap();
    assert_eq!(got, [(2019, 0), (2020, 2), (2021, 2), (2022, 3), (2023, 2)]);
    let groups = totals::groups(s, &county(), 2020..=2021).await.unwrap();
    assert_eq!(
        groups.iter().map(|t| (t.year, t.group[0].as_str(), t.records)).collect::<Vec<_>>(),
        [(2020, "leading_group", 1), (2020, "service_group", 1)]
    );
}

#[tokio::test]
async fn plan_totals_count_done_late_and_over_budget_items_by_side() {
    let db = setup().await;
    let s = &db.store;
    let p = add(&db, &work::PLANS, "140929", &[("year", "2024"), ("title", "计划")]).await.unwrap().id.to_string();
    for (side, state, deadline, budget, spent) in [
        ("county", "done", "2024-05-01", "100000", "90000"),
        ("county", "in_progress", "2024-06-01", "50000", "60000"),
        ("county", "planned", "2024-12-01", "", ""),
        ("troops", "in_progress", "2024-03-01", "", ""),
    ] {
        add(
            &db,
            &work::PLAN_ITEMS,
            "140929",
            &[
                ("plan_id", &p),
                ("side", side),
                ("title", "事项"),
                ("owner", "某单位"),
                ("state", state),
                ("deadline", deadline),
                ("budget", budget),
                ("spent", spent),
            ],
        )
        .await
        .unwrap();
    }
    let today = NaiveDate::from_ymd_opt(2024, 7, 1).unwrap();
    let t = totals::plan_items(s, &county(), 2023..=2024, today).await.unwrap();
    let got: Vec<String> = t
        .iter()
        .map(|t| {
            format!(
                "{} {} {} {} {} {} {} {}",
                t.year, t.side, t.items, t.done, t.late, t.over_budget, t.budget, t.spent
            )
        })
        .collect();
    assert_eq!(got, ["2024 county 3 1 1 1 15000000 15000000", "2024 troops 1 0 1 0 0 0"]);
}

#[tokio::test]
async fn consecutive_national_honours_are_counted_from_the_rounds() {
    let db = setup().await;
    let s = &db.store;
    assert_eq!(totals::consecutive_rounds(s, &county(), "national", 2024).await.unwrap(), 0);
    for (y, title, round) in [
        ("2004", "national", "5"),
        ("2012", "national", "7"),
        ("2016", "national", "8"),
        ("2020", "national", "9"),
        ("2018", "provincial", "10"),
        ("2025", "national", "10"),
    ] {
        add(&db, &work::HONOURS, "140929", &[("year", y), ("title", title), ("round", round)]).await.unwrap();
    }
    assert_eq!(totals::consecutive_rounds(s, &county(), "national", 2024).await.unwrap(), 3);
    assert_eq!(totals::consecutive_rounds(s, &county(), "national", 2025).await.unwrap(), 4);
    assert_eq!(totals::consecutive_rounds(s, &county(), "national", 2010).await.unwrap(), 1);
    assert_eq!(totals::consecutive_rounds(s, &Scope::new(path("140929/01")), "national", 2025).await.unwrap(), 0);
    let h = totals::honours(s, &county(), 2016..=2020).await.unwrap();
    assert_eq!(
        h.iter().map(|t| (t.year, t.group[0].as_str())).collect::<Vec<_>>(),
        [(2016, "national"), (2018, "provincial"), (2020, "national")]
    );
}

#[tokio::test]
async fn the_export_is_a_workbook_with_titles_not_ids_and_is_audited() {
    let db = setup().await;
    let s = &db.store;
    let base = add(&db, &work::BASES, "140929", &[("name", "毛主席路居馆"), ("kind", "defence"), ("since", "2010")])
        .await
        .unwrap();
    let b = base.id.to_string();
    add(
        &db,
        &work::EVENTS,
        "140929",
        &[
            ("kind", "oath"),
            ("title", "=HYPERLINK(\"x\")"),
            ("held_on", "2024-07-01"),
            ("base_id", &b),
            ("organiser", "县委"),
            ("participants", "50"),
        ],
    )
    .await
    .unwrap();
    let f = Filter { year: Some(2024), ..Default::default() };
    let (bytes, n) = store_work::export::xlsx(s, &Actor::system("t"), &county(), &work::EVENTS, &f).await.unwrap();
    assert_eq!(n, 1);
    use calamine::{Reader, Xlsx};
    let mut wb: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    let range = wb.worksheet_range("宣传教育活动").unwrap();
    let rows: Vec<Vec<String>> = range.rows().map(|r| r.iter().map(|c| c.to_string()).collect()).collect();
    assert_eq!(rows[0][..4], ["单位", "年度", "活动类别", "活动名称"]);
    assert_eq!(rows[1][..4], ["岢岚县", "2024", "入党宣誓", "'=HYPERLINK(\"x\")"]);
    assert!(rows[1].contains(&"毛主席路居馆".to_owned()));
    let entries = audit::for_entity(s, "edu_event", "").await.unwrap();
    assert_eq!(entries.first().map(|e| e.action.as_str()), Some("export"));
}

#[tokio::test]
async fn files_attach_to_records_in_scope_and_are_audited() {
    use store_work::files;
    let db = setup().await;
    let s = &db.store;
    let m = add(
        &db,
        &work::MEETINGS,
        "140929/01",
        &[("kind", "leading_group"), ("title", "镇会议"), ("held_on", "2024-03-01"), ("chair", "镇长")],
    )
    .await
    .unwrap();
    let town1 = Scope::new(path("140929/01"));
    let town2 = Scope::new(path("140929/02"));
    let tx = s.begin_write().await.unwrap();
    let f = files::attach(
        s,
        &tx,
        &Actor::system("t"),
        &town1,
        &work::MEETINGS,
        m.id,
        "D:\\纪要\\会议纪要.pdf",
        b"%PDF-1.4 minutes",
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    assert_eq!((f.file_name.as_str(), f.size), ("会议纪要.pdf", 16));
    let (info, bytes) = files::get(s, &town1, &work::MEETINGS, m.id, f.id).await.unwrap();
    assert_eq!((info.id, bytes.as_slice()), (f.id, &b"%PDF-1.4 minutes"[..]));
    assert_eq!(files::list(s, &county(), &work::MEETINGS, m.id).await.unwrap().len(), 1);
    // Another township neither reads nor attaches; an empty file is refused.
    assert!(matches!(files::get(s, &town2, &work::MEETINGS, m.id, f.id).await, Err(StoreError::NotFound)));
    let tx = s.begin_write().await.unwrap();
    assert!(matches!(
        files::attach(s, &tx, &Actor::system("t"), &town2, &work::MEETINGS, m.id, "x.pdf", b"x").await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        files::attach(s, &tx, &Actor::system("t"), &town1, &work::MEETINGS, m.id, "x.pdf", b"").await,
        Err(StoreError::Invalid(_))
    ));
    drop(tx);
    // A file of one record is not reachable through another record's id.
    let other = add(
        &db,
        &work::MEETINGS,
        "140929/01",
        &[("kind", "other"), ("title", "另一会议"), ("held_on", "2024-04-01"), ("chair", "某")],
    )
    .await
    .unwrap();
    assert!(matches!(files::get(s, &town1, &work::MEETINGS, other.id, f.id).await, Err(StoreError::NotFound)));
    let history = audit::for_entity(s, "work_meeting", &m.id.to_string()).await.unwrap();
    assert_eq!(history[0].action, "attach");
    assert!(history[0].after_json.as_deref().unwrap().contains(&f.sha256));
}
