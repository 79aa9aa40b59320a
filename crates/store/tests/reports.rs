//! The annual summary of a county the code has never seen: shaped unlike the demo (provincial
//! honours only, from the 1990s; no evacuations, no education base; projects of every category),
//! checked sentence by sentence against queries over its records; and, for generated record sets,
//! a summary that names only what the records name and writes only figures they produce.

use std::collections::{BTreeMap, BTreeSet};

use proptest::prelude::*;
use shuangyong_domain::report::{Block, Span};
use shuangyong_domain::work::{self, Kind, Val};
use shuangyong_domain::{OrgKind, OrgPath};
use shuangyong_store::audit::Actor;
use shuangyong_store::testing::{self, TestDb};
use shuangyong_store::{Scope, Store, reports, work as store_work};

const COUNTY: &str = "130999";

fn path(s: &str) -> OrgPath {
    OrgPath::parse(s).unwrap()
}

fn scope() -> Scope {
    Scope::new(path(COUNTY))
}

async fn setup() -> TestDb {
    testing::with_units(&[
        (COUNTY, "柳河县", OrgKind::County),
        ("130999/01", "河东镇", OrgKind::Township),
        ("130999/01/001", "北庄村", OrgKind::Village),
        ("130999/90", "驻柳某部", OrgKind::MilitaryUnit),
    ])
    .await
}

async fn add(s: &Store, kind: &'static Kind, at: &str, pairs: &[(&str, String)]) {
    let m: BTreeMap<String, String> = pairs.iter().map(|(k, v)| ((*k).to_owned(), v.clone())).collect();
    let vals: Vec<Val> = kind.parse(&m).unwrap_or_else(|e| panic!("{}: {e:?}", kind.key));
    let tx = s.begin_write().await.unwrap();
    store_work::create(s, &tx, &Actor::system("test"), &scope(), kind, &path(at), vals).await.unwrap();
    tx.commit().await.unwrap();
}

fn v(x: impl ToString) -> String {
    x.to_string()
}

async fn n(s: &Store, sql: &str) -> i64 {
    s.query_one(s.conn(), sql, []).await.unwrap().unwrap().try_get::<i64>("", "n").unwrap()
}

fn text(blocks: &[Block]) -> String {
    blocks.iter().map(Block::text).collect::<Vec<_>>().join("\n")
}

/// Names of the demo county that must never reach another county's summary.
const DEMO_NAMES: &[&str] = &["岢岚", "毛主席路居馆", "团城", "岚漪", "三井", "烈士陵园", "四套班子"];

#[test]
fn the_default_template_names_no_county() {
    for name in DEMO_NAMES {
        assert!(!reports::DEFAULT_TEMPLATE.contains(name), "{name} in the default template");
    }
    assert!(reports::template_errors(reports::DEFAULT_TEMPLATE).is_empty());
}

#[tokio::test]
async fn another_countys_summary_says_what_its_records_say_and_nothing_else() {
    let db = setup().await;
    let s = &db.store;
    // Nine provincial rounds, the first in 1990; no national honour.
    for round in 1..=9 {
        let year = 1990 + (round - 1) * 4;
        add(s, &work::HONOURS, COUNTY, &[("year", v(year)), ("title", v("provincial")), ("round", v(round))]).await;
    }
    for (name, kind) in
        [("双拥工作领导小组", "leading_group"), ("双拥办", "office"), ("拥军优属服务队", "service_group")]
    {
        add(s, &work::GROUPS, COUNTY, &[("name", v(name)), ("kind", v(kind)), ("term_start", v("2019-05-01"))]).await;
    }
    // A body whose term ended before the span is not one of the span's.
    add(
        s,
        &work::GROUPS,
        COUNTY,
        &[
            ("name", v("旧工作组")),
            ("kind", v("other")),
            ("term_start", v("2012-01-01")),
            ("term_end", v("2016-12-31")),
        ],
    )
    .await;
    for (i, kind) in
        ["leading_group", "leading_group", "party_military", "veterans_group", "veterans_group"].iter().enumerate()
    {
        let date = format!("{}-03-1{i}", 2021 + i % 4);
        add(
            s,
            &work::MEETINGS,
            COUNTY,
            &[("kind", v(kind)), ("title", v("会议")), ("held_on", date), ("chair", v("县长"))],
        )
        .await;
    }
    add(
        s,
        &work::EVENTS,
        COUNTY,
        &[
            ("kind", v("siren")),
            ("title", v("防空警报试鸣")),
            ("held_on", v("2023-09-18")),
            ("organiser", v("人防办")),
            ("participants", v(12_000)),
        ],
    )
    .await;
    for d in ["2022-01-20", "2024-07-30"] {
        add(
            s,
            &work::VISITS,
            COUNTY,
            &[("visited_on", v(d)), ("leaders", v("县领导")), ("visited_unit", v("驻柳某部"))],
        )
        .await;
    }
    // 1.2亿元 over every money category, 5000 亩 and 35 人 in their own units.
    let money = [
        ("defence_road", 50_000_000),
        ("relocation", 20_000_000),
        ("greening", 10_000_000),
        ("family_employment", 15_000_000),
        ("troop_hiring", 5_000_000),
        ("central_village", 12_000_000),
        ("other", 8_000_000),
    ];
    for (i, (cat, amount)) in money.iter().enumerate() {
        let at = if *cat == "central_village" { "130999/01/001" } else { COUNTY };
        let year = 2021 + (i as i32) % 4;
        add(
            s,
            &work::PROJECTS,
            at,
            &[
                ("year", v(year)),
                ("category", v(cat)),
                ("title", v("项目")),
                ("amount", v(amount)),
                ("unit", v("yuan")),
            ],
        )
        .await;
    }
    add(
        s,
        &work::PROJECTS,
        COUNTY,
        &[("year", v(2022)), ("category", v("forest")), ("title", v("退耕")), ("amount", v(5000)), ("unit", v("mu"))],
    )
    .await;
    add(
        s,
        &work::PROJECTS,
        COUNTY,
        &[
            ("year", v(2023)),
            ("category", v("troop_hiring")),
            ("title", v("雇工")),
            ("amount", v(35)),
            ("unit", v("person")),
        ],
    )
    .await;

    let (blocks, gaps) = reports::summary_with_checklist(s, &scope(), 2021, 2024).await.unwrap();
    let t = text(&blocks);
    let paragraphs: Vec<&str> = t.lines().collect();
    assert_eq!(paragraphs[0], "柳河县2021—2024年双拥工作总结");
    // Honours: the provincial run, in words; no national honour is claimed.
    assert!(paragraphs[1].ends_with("军地同心、军民同行，连续九届被评为全省双拥模范县。"), "{}", paragraphs[1]);
    assert!(!t.contains("全国"), "{t}");
    // Organisation: the bodies as recorded, counted in words; meetings by the kinds held.
    assert_eq!(paragraphs[2], "一、强化组织领导，健全双拥工作机制");
    assert!(paragraphs[3].contains("健全双拥工作领导小组、双拥办、拥军优属服务队三个工作机构。"), "{}", paragraphs[3]);
    assert!(!t.contains("旧工作组"));
    let meetings = n(s, "SELECT COUNT(*) AS n FROM work_meeting").await;
    assert!(
        paragraphs[3]
            .contains(&format!("召开双拥工作领导小组会议、县委议军会、退役军人事务工作领导小组会议等会议{meetings}次")),
        "{}",
        paragraphs[3]
    );
    assert!(
        !paragraphs[3].contains("五纳入") && !paragraphs[3].contains("互办实事"),
        "nothing recorded: {}",
        paragraphs[3]
    );
    // Publicity: one siren drill, one kind named, no base.
    assert_eq!(paragraphs[4], "二、强化宣传教育，营造浓厚双拥氛围");
    assert_eq!(paragraphs[5], "开展防空警报鸣放等宣传教育活动1次，参与群众1.2万人次。");
    // Support: every category counts toward the total; 亩 and 人 stay in their units.
    let total = n(s, "SELECT CAST(SUM(amount) AS BIGINT) AS n FROM support_project WHERE unit = 'yuan'").await / 100;
    assert_eq!(total, 120_000_000);
    assert_eq!(paragraphs[6], "三、强化服务保障，全力支持部队建设");
    assert_eq!(
        paragraphs[7],
        "坚持部队所需、地方所能，累计投入各类拥军支前资金1.2亿元，其中国防公路建设5000万元，\
         营区周边搬迁和营区绿化3000万元，随军家属就业和部队雇工安置2000万元，中心村建设1200万元，\
         其他拥军支前项目800万元；退耕还林5000亩，部队雇工安置35人，与部队共建北庄中心村。"
    );
    // No evacuations: no sentence about them, no "零事故".
    assert_eq!(paragraphs[8], "县领导走访慰问部队2次。");
    assert!(!t.contains("疏散") && !t.contains("事故"), "{t}");
    // Sections without records are gone, the rest numbered on; the closing sentence stays.
    assert_eq!(paragraphs.len(), 10, "{t}");
    assert_eq!(paragraphs[9], "今后，柳河县将继续巩固和发展军政军民团结，推动双拥工作再上新台阶。");
    for name in DEMO_NAMES {
        assert!(!t.contains(name), "{name}: {t}");
    }
    for b in &blocks {
        for sp in b.spans() {
            if let Span::Figure(f) = sp {
                assert!(f.value != 0, "a zero written: {f:?}");
            }
        }
    }
    assert!(!t.contains("缺少数据") && !t.contains("0次") && !t.contains("0项"), "{t}");
    // What it lacks is named for the clerk, with where to enter it.
    let said: BTreeSet<&str> = gaps.iter().map(|g| g.text.as_str()).collect();
    for want in [
        "2021年没有“五纳入五统一”记录",
        "2024年没有互办实事计划",
        "2021年没有宣传教育活动记录",
        "2021—2024年没有支援部队任务疏散记录（如确无此项工作，可不录入）",
        "2021—2024年没有驻军贡献记录",
        "2021—2024年优抚对象名册中没有在册人员",
    ] {
        assert!(said.contains(want), "{want} in {said:?}");
    }
    assert!(!said.iter().any(|g| g.contains("五纳入") && g.starts_with("2020")), "only the span's years");
    assert!(!said.iter().any(|g| g.contains("命名记录") || g.contains("拥军支前项目")), "{said:?}");
    // The dashboard's figures are the same, by the same rules.
    let f = reports::figures(s, &scope(), 2021, 2024).await.unwrap();
    assert_eq!((f["honours_provincial"].words(), f.get("honours_national")), ("九届".to_owned(), None));
    assert_eq!(f["support_total"].value, total);
    assert_eq!(f["groups"].words(), "三个");
    // The Word file carries the same sentences.
    let doc = docx_rs::read_docx(&reports::docx(&blocks).unwrap()).unwrap().json();
    assert!(doc.contains("连续九届被评为全省双拥模范县") && doc.contains("与部队共建北庄中心村"));
}

/// A record set drawn at random: events at bases and elsewhere, projects, bodies, honours.
#[derive(Debug, Clone)]
struct Records {
    bases: Vec<String>,
    /// (kind index, base index or none, participants)
    events: Vec<(usize, Option<usize>, i64)>,
    /// (category index, amount in 元)
    projects: Vec<(usize, i64)>,
    groups: Vec<String>,
    national: Vec<i64>,
    visits: usize,
}

fn records() -> impl Strategy<Value = Records> {
    let name = "[甲乙丙丁戊己庚辛壬癸]{2,4}";
    (
        proptest::collection::vec(name, 0..3),
        proptest::collection::vec((0usize..10, proptest::option::of(0usize..3), 0i64..5_000), 0..6),
        proptest::collection::vec((0usize..8, 0i64..100_000_000), 0..6),
        proptest::collection::btree_set(name, 0..4),
        proptest::collection::btree_set(1i64..12, 0..4),
        0usize..4,
    )
        .prop_map(|(bases, events, projects, groups, national, visits)| Records {
            bases: bases.into_iter().map(|b| format!("{b}基地")).collect::<BTreeSet<_>>().into_iter().collect(),
            events,
            projects,
            groups: groups.into_iter().map(|g| format!("{g}组")).collect(),
            national: national.into_iter().collect(),
            visits,
        })
}

async fn summary_of(r: &Records) -> (Vec<Block>, BTreeSet<String>, BTreeMap<&'static str, i64>) {
    let db = setup().await;
    let s = &db.store;
    let mut names: BTreeSet<String> =
        ["柳河县", "2021", "2024", "2021—2024年", "2021年以来"].iter().map(|n| (*n).to_owned()).collect();
    let mut base_ids = Vec::new();
    for b in &r.bases {
        add(s, &work::BASES, COUNTY, &[("name", b.clone()), ("kind", v("defence")), ("since", v(2010))]).await;
        base_ids.push(n(s, "SELECT MAX(id) AS n FROM edu_base").await);
        names.insert(b.clone());
    }
    let mut want = BTreeMap::new();
    for (kind, base, people) in &r.events {
        let (code, label) = work::EVENT_KINDS[*kind];
        let mut pairs = vec![
            ("kind", v(code)),
            ("title", v("活动")),
            ("held_on", v("2022-05-01")),
            ("organiser", v("县")),
            ("participants", v(people)),
        ];
        if let Some(id) = base.and_then(|b| base_ids.get(b)) {
            pairs.push(("base_id", v(id)));
        }
        add(s, &work::EVENTS, COUNTY, &pairs).await;
        names.insert(label.to_owned());
        *want.entry("events").or_insert(0) += 1;
        *want.entry("events_participants").or_insert(0) += people;
    }
    for (cat, amount) in &r.projects {
        let (code, _) = work::PROJECT_CATEGORIES[*cat];
        let unit = if code == "forest" { "mu" } else { "yuan" };
        add(
            s,
            &work::PROJECTS,
            COUNTY,
            &[("year", v(2023)), ("category", v(code)), ("title", v("项目")), ("amount", v(amount)), ("unit", v(unit))],
        )
        .await;
        if unit == "yuan" {
            *want.entry("support_total").or_insert(0) += amount;
        }
    }
    // Report groups are named from their categories' labels.
    for g in work::PROJECT_REPORT_GROUPS {
        let labels: Vec<&str> = g.iter().map(|(_, l)| *l).collect();
        for k in 1..=labels.len() {
            for w in labels.windows(k) {
                names.insert(w.join("和"));
            }
        }
        if labels.len() == 2 {
            names.insert(format!("{}和{}", labels[0], labels[1]));
        }
    }
    for g in &r.groups {
        add(
            s,
            &work::GROUPS,
            COUNTY,
            &[("name", g.clone()), ("kind", v("service_group")), ("term_start", v("2020-01-01"))],
        )
        .await;
        names.insert(g.clone());
    }
    for round in &r.national {
        add(s, &work::HONOURS, COUNTY, &[("year", v(1990 + round * 4)), ("title", v("national")), ("round", v(round))])
            .await;
    }
    for i in 0..r.visits {
        add(
            s,
            &work::VISITS,
            COUNTY,
            &[("visited_on", format!("2024-0{}-01", i + 1)), ("leaders", v("县领导")), ("visited_unit", v("某部"))],
        )
        .await;
        *want.entry("visits").or_insert(0) += 1;
    }
    want.insert("groups", r.groups.len() as i64);
    // Rounds named after the span's last year do not count yet.
    let named: Vec<i64> = r.national.iter().copied().filter(|round| 1990 + round * 4 <= 2024).collect();
    want.insert("honours_national", shuangyong_domain::work::consecutive_rounds(&named));
    (reports::summary(s, &scope(), 2021, 2024).await.unwrap(), names, want)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 8, ..ProptestConfig::default() })]

    /// For generated record sets, the summary names only what the records name, writes no zero,
    /// and each figure it writes is the one its records produce.
    #[test]
    fn a_summary_never_names_or_counts_what_its_records_do_not(r in records()) {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let (blocks, names, want) = rt.block_on(summary_of(&r));
        for b in &blocks {
            for sp in b.spans() {
                match sp {
                    Span::Name(nm) => prop_assert!(names.contains(nm), "{} is no record's name: {}", nm, text(&blocks)),
                    Span::Figure(f) => {
                        prop_assert!(f.value != 0, "a zero: {:?}", f);
                        if let Some(w) = want.get(f.key.as_str()) {
                            prop_assert_eq!(f.value, *w, "{}", f.key);
                        }
                    }
                    Span::Text(_) => {}
                }
            }
        }
        let t = text(&blocks);
        prop_assert!(!t.contains("缺少数据"), "{}", t);
        for name in DEMO_NAMES {
            prop_assert!(!t.contains(name), "{}: {}", name, t);
        }
    }
}
