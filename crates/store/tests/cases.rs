//! 帮扶服务 at the store: housing state machine, the medical fund under concurrent approvals,
//! placement and training rates, windows and treatments, evidence files and scope.

use chrono::NaiveDate;
use shuangyong_domain::cases::{
    AidRule, ClaimState, HousingState, HousingWay, PlacementState, PlacementWay, TrainingResult, TreatmentKind,
    WindowKind,
};
use shuangyong_domain::id_number::make;
use shuangyong_domain::person::{Category, PersonStatus, Registration};
use shuangyong_domain::{OrgKind, OrgPath};
use shuangyong_store::audit::{self, Actor, Verdict};
use shuangyong_store::cases::attachment::{self, CaseKind};
use shuangyong_store::cases::housing::{self, HousingFilter, HousingInput};
use shuangyong_store::cases::medical::{self, ClaimFilter, ClaimInput, FundInput};
use shuangyong_store::cases::placement::{self, CourseInput, PlacementInput};
use shuangyong_store::cases::windows::{self, TreatmentFilter, TreatmentInput, WindowFilter, WindowInput};
use shuangyong_store::org::Page;
use shuangyong_store::registry::{self, CategoryInput, PersonInput};
use shuangyong_store::testing::{self, TestDb};
use shuangyong_store::{Scope, Store, StoreError};

fn path(s: &str) -> OrgPath {
    OrgPath::parse(s).unwrap()
}

fn county() -> Scope {
    Scope::new(path("140929"))
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn actor() -> Actor {
    Actor::system("test")
}

async fn setup() -> TestDb {
    testing::with_units(&[
        ("140929", "岢岚县", OrgKind::County),
        ("140929/01", "岚漪镇", OrgKind::Township),
        ("140929/02", "三井镇", OrgKind::Township),
        ("140929/01/001", "东街村", OrgKind::Village),
        ("140929/02/001", "团城村", OrgKind::Village),
    ])
    .await
}

async fn person(s: &Store, n: u16, at: &str) -> i64 {
    let birth = day(1960, 1, 1) + chrono::Duration::days(i64::from(n) * 3);
    let tx = s.begin_write().await.unwrap();
    let p = registry::create(
        s,
        &tx,
        &actor(),
        &county(),
        PersonInput {
            name: format!("测试{n}号"),
            id_number: Some(make("140929", birth, n % 1000)),
            ethnicity: "汉族".into(),
            registration: Registration::Rural,
            org_path: path(at),
            address: String::new(),
            phone: None,
            bank_account: None,
            bank_name: String::new(),
            status: PersonStatus::Normal,
            status_date: None,
            status_reason: String::new(),
            categories: vec![CategoryInput::plain(Category::Veteran)],
            service: vec![],
            note: String::new(),
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    p.id
}

async fn audit_count(s: &Store) -> i64 {
    audit::count(s, s.conn()).await.unwrap()
}

fn housing_input(person_id: i64, way: HousingWay) -> HousingInput {
    HousingInput {
        person_id,
        need: "房屋年久失修，雨季漏雨".into(),
        way,
        cost_fen: 3_000_000,
        subsidy_fen: 2_000_000,
        registered_on: day(2022, 3, 1),
        note: String::new(),
    }
}

#[tokio::test]
async fn a_housing_case_moves_step_by_step_and_refuses_illegal_moves() {
    let db = setup().await;
    let s = &db.store;
    let pid = person(s, 1, "140929/01/001").await;
    let tx = s.begin_write().await.unwrap();
    let c = housing::create(s, &tx, &actor(), &county(), housing_input(pid, HousingWay::Repair)).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(c.state, HousingState::Registered);

    // Straight to 完成: refused, with a Chinese reason, nothing written.
    let before = audit_count(s).await;
    let tx = s.begin_write().await.unwrap();
    let e = housing::advance(s, &tx, &actor(), &county(), c.id, HousingState::Completed, day(2022, 5, 1), "")
        .await
        .unwrap_err();
    drop(tx);
    assert!(matches!(&e, StoreError::Invalid(m) if m.contains("不能直接改为“完成”") && m.contains("评估")), "{e}");
    assert_eq!(audit_count(s).await, before);
    assert_eq!(housing::get(s, &county(), c.id).await.unwrap().state, HousingState::Registered);

    // A second open case for the same household: refused.
    let tx = s.begin_write().await.unwrap();
    let e = housing::create(s, &tx, &actor(), &county(), housing_input(pid, HousingWay::Rent)).await.unwrap_err();
    assert!(matches!(e, StoreError::Conflict(_)), "{e}");
    drop(tx);

    for (to, on) in [
        (HousingState::Assessed, day(2022, 3, 10)),
        (HousingState::Approved, day(2022, 4, 1)),
        (HousingState::InProgress, day(2022, 5, 1)),
        (HousingState::Completed, day(2022, 9, 30)),
    ] {
        let tx = s.begin_write().await.unwrap();
        housing::advance(s, &tx, &actor(), &county(), c.id, to, on, "").await.unwrap();
        tx.commit().await.unwrap();
    }
    let done = housing::get(s, &county(), c.id).await.unwrap();
    assert_eq!((done.state, done.completed_on), (HousingState::Completed, Some(day(2022, 9, 30))));
    // Closed: neither rejected nor edited any more.
    let tx = s.begin_write().await.unwrap();
    let e = housing::advance(s, &tx, &actor(), &county(), c.id, HousingState::Rejected, day(2022, 10, 1), "x")
        .await
        .unwrap_err();
    assert!(e.to_string().contains("已完成"), "{e}");
    let e = housing::update(s, &tx, &actor(), &county(), c.id, done.version, housing_input(pid, HousingWay::Build))
        .await
        .unwrap_err();
    assert!(e.to_string().contains("不能再修改"), "{e}");
    drop(tx);

    // Rejecting needs a reason.
    let p2 = person(s, 2, "140929/02/001").await;
    let tx = s.begin_write().await.unwrap();
    let c2 = housing::create(s, &tx, &actor(), &county(), housing_input(p2, HousingWay::Build)).await.unwrap();
    let e = housing::advance(s, &tx, &actor(), &county(), c2.id, HousingState::Rejected, day(2022, 4, 1), " ")
        .await
        .unwrap_err();
    assert!(e.to_string().contains("理由"), "{e}");
    housing::advance(s, &tx, &actor(), &county(), c2.id, HousingState::Rejected, day(2022, 4, 1), "已有住房")
        .await
        .unwrap();
    tx.commit().await.unwrap();

    // Counted per year: one solved in 2022, the rejected one not at all.
    let years = housing::solved_by_year(s, &county(), 2021, 2023).await.unwrap();
    assert_eq!(years.iter().map(|y| (y.year, y.households)).collect::<Vec<_>>(), vec![(2021, 0), (2022, 1), (2023, 0)]);
    assert!(years[1].by_way.contains(&(HousingWay::Repair, 1)));
    // Scope: 三井镇 sees neither 岚漪镇's case nor counts it.
    let sanjing = Scope::new(path("140929/02"));
    assert!(matches!(housing::get(s, &sanjing, c.id).await, Err(StoreError::NotFound)));
    assert_eq!(housing::solved_by_year(s, &sanjing, 2022, 2022).await.unwrap()[0].households, 0);
    let (rows, total) = housing::list(
        s,
        &sanjing,
        &HousingFilter { state: Some(HousingState::Rejected), ..Default::default() },
        Page::default(),
    )
    .await
    .unwrap();
    assert_eq!((rows.len(), total), (1, 1));
    assert_eq!(rows[0].state_note, "已有住房");
    assert!(matches!(audit::verify(s).await.unwrap(), Verdict::Intact { .. }));
}

#[tokio::test]
async fn a_housing_case_for_a_person_outside_the_scope_is_refused() {
    let db = setup().await;
    let s = &db.store;
    let pid = person(s, 3, "140929/01/001").await;
    let tx = s.begin_write().await.unwrap();
    let e = housing::create(s, &tx, &actor(), &Scope::new(path("140929/02")), housing_input(pid, HousingWay::Rent))
        .await
        .unwrap_err();
    assert!(e.to_string().contains("不在您的管辖范围"), "{e}");
}

async fn fund(s: &Store, received_fen: i64) -> i64 {
    let tx = s.begin_write().await.unwrap();
    let id = medical::create_fund(
        s,
        &tx,
        &actor(),
        &county(),
        FundInput {
            org_path: path("140929"),
            year: 2024,
            name: format!("2024年度医疗救助金（{received_fen}）"),
            source: "县财政".into(),
            received_fen,
            rule: AidRule { share_bp: 5000, yearly_cap_fen: 2_000_000 },
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    id
}

fn claim(person_id: i64, fund_id: i64) -> ClaimInput {
    ClaimInput {
        person_id,
        fund_id,
        hospital: "岢岚县人民医院".into(),
        admitted_on: day(2024, 3, 1),
        discharged_on: day(2024, 3, 10),
        total_fen: 80_000,
        insurance_fen: 20_000,
    }
}

/// 60 claims of 300 元 each against a fund of 10,000 元, all approved at once: exactly 33 are
/// paid, the fund holds 100 元, and every refused approval says the balance is short.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_approvals_never_overdraw_the_fund() {
    let db = setup().await;
    let s = &db.store;
    let fund_id = fund(s, 1_000_000).await;
    let mut claim_ids = Vec::new();
    for n in 0..60u16 {
        let pid = person(s, 100 + n, if n % 2 == 0 { "140929/01/001" } else { "140929/02/001" }).await;
        let tx = s.begin_write().await.unwrap();
        let c = medical::submit(s, &tx, &actor(), &county(), claim(pid, fund_id)).await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!(c.aid_fen, 30_000, "{:?}", c.reasons);
        claim_ids.push(c.id);
    }
    let f = medical::get_fund(s, &county(), fund_id).await.unwrap();
    assert_eq!((f.committed_fen, f.waiting), (60 * 30_000, 60));
    let audit_before = audit_count(s).await;

    let mut tasks = Vec::new();
    for id in claim_ids.clone() {
        let s = s.clone();
        tasks.push(tokio::spawn(async move {
            let tx = s.begin_write().await?;
            let c = medical::approve(&s, &tx, &Actor::system("并发审批"), &county(), id).await?;
            tx.commit().await?;
            Ok::<_, StoreError>(c)
        }));
    }
    let mut approved = 0;
    let mut refused = Vec::new();
    for t in tasks {
        match t.await.unwrap() {
            Ok(c) => {
                assert_eq!(c.state, ClaimState::Approved);
                approved += 1;
            }
            Err(e) => refused.push(e),
        }
    }
    assert_eq!(approved, 33, "engine {}: refused {:?}", testing::engine(), refused.first());
    assert_eq!(refused.len(), 27);
    for e in &refused {
        assert!(
            matches!(e, StoreError::Invalid(m) if m.contains("余额不足") && m.contains("300.00") && m.contains("100.00")),
            "{e}"
        );
    }
    let f = medical::get_fund(s, &county(), fund_id).await.unwrap();
    assert_eq!((f.paid_fen, f.balance_fen()), (33 * 30_000, 10_000));
    assert_eq!((f.approved, f.waiting), (33, 27));
    // The refused claims still wait, untouched; one audit entry per approval and none for a refusal.
    let (waiting, _) = medical::claims(
        s,
        &county(),
        &ClaimFilter { state: Some(ClaimState::Submitted), fund_id: Some(fund_id), ..Default::default() },
        Page::new(None, Some(100)),
    )
    .await
    .unwrap();
    assert_eq!(waiting.len(), 27);
    assert_eq!(audit_count(s).await - audit_before, 33);
    let sum: i64 = s
        .query_one(
            s.conn(),
            "SELECT CAST(COALESCE(SUM(aid_fen), 0) AS BIGINT) AS n FROM medical_claim WHERE state = 'approved'",
            [],
        )
        .await
        .unwrap()
        .unwrap()
        .try_get("", "n")
        .unwrap();
    assert_eq!(sum, f.paid_fen);
    assert!(matches!(audit::verify(s).await.unwrap(), Verdict::Intact { .. }));
}

#[tokio::test]
async fn a_claim_is_decided_once_and_the_yearly_cap_holds() {
    let db = setup().await;
    let s = &db.store;
    let fund_id = fund(s, 50_000_000).await;
    let pid = person(s, 7, "140929/01/001").await;
    let big = |fund_id| ClaimInput { total_fen: 3_000_000, insurance_fen: 1_000_000, ..claim(pid, fund_id) };
    let tx = s.begin_write().await.unwrap();
    let a = medical::submit(s, &tx, &actor(), &county(), big(fund_id)).await.unwrap();
    let b = medical::submit(s, &tx, &actor(), &county(), big(fund_id)).await.unwrap();
    tx.commit().await.unwrap();
    // 50% of 20,000 元 each; the cap is 20,000 元 a year.
    assert_eq!((a.aid_fen, b.aid_fen), (1_000_000, 1_000_000));
    let tx = s.begin_write().await.unwrap();
    medical::approve(s, &tx, &actor(), &county(), a.id).await.unwrap();
    tx.commit().await.unwrap();
    // Approved twice: refused.
    let tx = s.begin_write().await.unwrap();
    let e = medical::approve(s, &tx, &actor(), &county(), a.id).await.unwrap_err();
    assert!(e.to_string().contains("已批准"), "{e}");
    let e = medical::reject(s, &tx, &actor(), &county(), a.id, "重复").await.unwrap_err();
    assert!(e.to_string().contains("不能再改为“未批准”"), "{e}");
    drop(tx);
    // A third claim now gets what remains of the cap, with the reason.
    let tx = s.begin_write().await.unwrap();
    let c = medical::submit(s, &tx, &actor(), &county(), big(fund_id)).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(c.aid_fen, 1_000_000);
    let tx = s.begin_write().await.unwrap();
    medical::approve(s, &tx, &actor(), &county(), b.id).await.unwrap();
    tx.commit().await.unwrap();
    let tx = s.begin_write().await.unwrap();
    let c = medical::approve(s, &tx, &actor(), &county(), c.id).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(c.aid_fen, 0);
    assert!(c.reasons.iter().any(|r| r.contains("超过年度上限")), "{:?}", c.reasons);
    // Rejecting needs a reason; the reason is kept.
    let tx = s.begin_write().await.unwrap();
    let d = medical::submit(s, &tx, &actor(), &county(), claim(pid, fund_id)).await.unwrap();
    assert!(medical::reject(s, &tx, &actor(), &county(), d.id, "").await.is_err());
    let d = medical::reject(s, &tx, &actor(), &county(), d.id, "非本县户籍").await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!((d.state, d.decision_note.as_str()), (ClaimState::Rejected, "非本县户籍"));
    // Bad input writes nothing.
    let tx = s.begin_write().await.unwrap();
    let e = medical::submit(s, &tx, &actor(), &county(), ClaimInput { insurance_fen: 90_000, ..claim(pid, fund_id) })
        .await
        .unwrap_err();
    assert!(e.to_string().contains("超过了住院总费用"), "{e}");
    // A fund topped up: a claim refused for the balance can then be approved.
    drop(tx);
    let small = fund(s, 10_000).await;
    let p2 = person(s, 8, "140929/01/001").await;
    let tx = s.begin_write().await.unwrap();
    let e = medical::submit(s, &tx, &actor(), &county(), claim(p2, small)).await.unwrap();
    tx.commit().await.unwrap();
    let tx = s.begin_write().await.unwrap();
    assert!(medical::approve(s, &tx, &actor(), &county(), e.id).await.unwrap_err().to_string().contains("余额不足"));
    drop(tx);
    let tx = s.begin_write().await.unwrap();
    assert!(medical::add_receipt(s, &tx, &actor(), &county(), small, 0, "x").await.is_err());
    assert!(medical::add_receipt(s, &tx, &actor(), &Scope::new(path("140929/01")), small, 100_000, "x").await.is_err());
    let f = medical::add_receipt(s, &tx, &actor(), &county(), small, 100_000, "县财政追加拨付").await.unwrap();
    assert_eq!(f.received_fen, 110_000);
    medical::approve(s, &tx, &actor(), &county(), e.id).await.unwrap();
    tx.commit().await.unwrap();
    let tx = s.begin_write().await.unwrap();
    // Another township neither sees the claims nor may approve them.
    let sanjing = Scope::new(path("140929/02"));
    assert!(matches!(medical::get_claim(s, &sanjing, a.id).await, Err(StoreError::NotFound)));
    assert!(matches!(medical::approve(s, &tx, &actor(), &sanjing, b.id).await, Err(StoreError::NotFound)));
    // …but sees the county's fund.
    assert_eq!(medical::funds(s, &sanjing).await.unwrap().len(), 2);
}

#[tokio::test]
async fn placement_and_training_rates_by_year_and_township() {
    let db = setup().await;
    let s = &db.store;
    let mut ids = Vec::new();
    // (township village, way, discharged, placed)
    let rows = [
        ("140929/01/001", PlacementWay::SelfEmployed, day(2023, 9, 1), true),
        ("140929/01/001", PlacementWay::SelfEmployed, day(2023, 9, 1), true),
        ("140929/02/001", PlacementWay::SelfEmployed, day(2023, 9, 1), true),
        ("140929/02/001", PlacementWay::Assigned, day(2023, 12, 1), true),
        ("140929/02/001", PlacementWay::Assigned, day(2023, 12, 1), false),
        ("140929/01/001", PlacementWay::SelfEmployed, day(2022, 9, 1), true),
    ];
    for (n, (at, way, discharged, placed)) in rows.iter().enumerate() {
        let pid = person(s, 200 + n as u16, at).await;
        let tx = s.begin_write().await.unwrap();
        let p = placement::create(
            s,
            &tx,
            &actor(),
            &county(),
            PlacementInput {
                person_id: pid,
                way: *way,
                discharged_on: *discharged,
                employer: if *placed { "岢岚县供电公司".into() } else { String::new() },
                placed_on: placed.then(|| *discharged + chrono::Duration::days(60)),
                note: String::new(),
            },
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        ids.push((pid, p.id));
    }
    // Empty year: nobody due, rate shown as —.
    let st = placement::stats(s, &county(), Some(2020)).await.unwrap();
    assert_eq!((st.training.due, st.training.label()), (0, "—".to_owned()));

    let tx = s.begin_write().await.unwrap();
    let course = placement::create_course(
        s,
        &tx,
        &actor(),
        &county(),
        CourseInput {
            org_path: path("140929"),
            name: "电工技能培训".into(),
            institution: "岢岚县职业技术学校".into(),
            starts_on: day(2023, 10, 1),
            ends_on: day(2023, 11, 30),
        },
    )
    .await
    .unwrap();
    placement::enrol(s, &tx, &actor(), &county(), course, ids[0].0, TrainingResult::Passed).await.unwrap();
    placement::enrol(s, &tx, &actor(), &county(), course, ids[1].0, TrainingResult::Enrolled).await.unwrap();
    tx.commit().await.unwrap();

    let st = placement::stats(s, &county(), Some(2023)).await.unwrap();
    assert_eq!((st.training.done, st.training.due, st.training.label()), (1, 3, "33.33%".to_owned()));
    assert_eq!((st.placement.done, st.placement.due), (1, 2));
    let lanyi = st.by_township.iter().find(|(t, _, _)| t.as_str() == "140929/01").unwrap();
    assert_eq!((lanyi.2.done, lanyi.2.due), (1, 2));
    let due = placement::still_due(s, &county(), Some(2023)).await.unwrap();
    assert_eq!(due.iter().map(|p| p.person_id).collect::<Vec<_>>().len(), 2);
    assert!(!due.iter().any(|p| p.person_id == ids[0].0));

    // Passing the rest brings the year to 100%.
    let tx = s.begin_write().await.unwrap();
    for (pid, _) in &ids[1..3] {
        placement::enrol(s, &tx, &actor(), &county(), course, *pid, TrainingResult::Passed).await.unwrap();
    }
    tx.commit().await.unwrap();
    let st = placement::stats(s, &county(), Some(2023)).await.unwrap();
    assert_eq!(st.training.label(), "100%");
    assert!(placement::still_due(s, &county(), Some(2023)).await.unwrap().is_empty());

    // A placed person cannot be put back to waiting; a second record for one person is refused.
    let tx = s.begin_write().await.unwrap();
    let e = placement::update(
        s,
        &tx,
        &actor(),
        &county(),
        ids[0].1,
        PlacementInput {
            person_id: ids[0].0,
            way: PlacementWay::SelfEmployed,
            discharged_on: day(2023, 9, 1),
            employer: String::new(),
            placed_on: None,
            note: String::new(),
        },
    )
    .await
    .unwrap_err();
    assert!(e.to_string().contains("不能改回待安置"), "{e}");
    let e = placement::create(
        s,
        &tx,
        &actor(),
        &county(),
        PlacementInput {
            person_id: ids[0].0,
            way: PlacementWay::SelfEmployed,
            discharged_on: day(2023, 9, 1),
            employer: String::new(),
            placed_on: None,
            note: String::new(),
        },
    )
    .await
    .unwrap_err();
    assert!(matches!(e, StoreError::Conflict(_)), "{e}");
    drop(tx);
    let p = placement::get(s, &county(), ids[4].1).await.unwrap();
    assert_eq!(p.state, PlacementState::Pending);
    assert!(matches!(placement::get(s, &Scope::new(path("140929/01")), ids[4].1).await, Err(StoreError::NotFound)));
}

#[tokio::test]
async fn windows_and_treatments_are_registered_filtered_and_scoped() {
    let db = setup().await;
    let s = &db.store;
    let tx = s.begin_write().await.unwrap();
    for (name, kind, at) in [
        ("岢岚汽车站军人优先窗口", WindowKind::Station, "140929/01"),
        ("农商银行岚漪支行优先窗口", WindowKind::Bank, "140929/01"),
        ("三井镇便民服务中心优先窗口", WindowKind::Hall, "140929/02"),
    ] {
        windows::create(
            s,
            &tx,
            &actor(),
            &county(),
            WindowInput {
                org_path: path(at),
                name: name.into(),
                kind,
                address: "县城".into(),
                contact: "0350-1234567".into(),
                services: "优先办理".into(),
                in_service: true,
                since: Some(day(2021, 8, 1)),
            },
        )
        .await
        .unwrap();
    }
    let e = windows::create(
        s,
        &tx,
        &actor(),
        &Scope::new(path("140929/02")),
        WindowInput {
            org_path: path("140929/01"),
            name: "x".into(),
            kind: WindowKind::Mall,
            address: "x".into(),
            contact: String::new(),
            services: String::new(),
            in_service: true,
            since: None,
        },
    )
    .await
    .unwrap_err();
    assert!(e.to_string().contains("管辖范围"), "{e}");
    tx.commit().await.unwrap();
    let (rows, total) = windows::list(
        s,
        &county(),
        &WindowFilter { kind: Some(WindowKind::Bank), ..Default::default() },
        Page::default(),
    )
    .await
    .unwrap();
    assert_eq!((total, rows[0].name.as_str()), (1, "农商银行岚漪支行优先窗口"));
    let (_, total) =
        windows::list(s, &Scope::new(path("140929/02")), &WindowFilter::default(), Page::default()).await.unwrap();
    assert_eq!(total, 1);

    let pid = person(s, 300, "140929/02/001").await;
    let tx = s.begin_write().await.unwrap();
    windows::grant(
        s,
        &tx,
        &actor(),
        &county(),
        TreatmentInput {
            person_id: pid,
            kind: TreatmentKind::Schooling,
            granted_on: day(2023, 9, 1),
            description: "子女优先入学".into(),
        },
    )
    .await
    .unwrap();
    let e = windows::grant(
        s,
        &tx,
        &actor(),
        &county(),
        TreatmentInput {
            person_id: pid,
            kind: TreatmentKind::Marriage,
            granted_on: day(2023, 9, 1),
            description: "".into(),
        },
    )
    .await
    .unwrap_err();
    assert!(e.to_string().contains("优待内容"), "{e}");
    tx.commit().await.unwrap();
    let (rows, total) = windows::treatments(
        s,
        &county(),
        &TreatmentFilter { person_id: Some(pid), ..Default::default() },
        Page::default(),
    )
    .await
    .unwrap();
    assert_eq!((total, rows[0].kind), (1, TreatmentKind::Schooling));
    let (_, total) =
        windows::treatments(s, &Scope::new(path("140929/01")), &TreatmentFilter::default(), Page::default())
            .await
            .unwrap();
    assert_eq!(total, 0);
}

#[tokio::test]
async fn evidence_files_are_checked_hashed_and_served_only_in_scope() {
    let db = setup().await;
    let s = &db.store;
    let pid = person(s, 400, "140929/01/001").await;
    let tx = s.begin_write().await.unwrap();
    let c = housing::create(s, &tx, &actor(), &county(), housing_input(pid, HousingWay::Build)).await.unwrap();
    tx.commit().await.unwrap();
    let pdf = b"%PDF-1.4\n% evidence of the assessment\n".to_vec();
    let tx = s.begin_write().await.unwrap();
    let a = attachment::attach(s, &tx, &actor(), &county(), CaseKind::Housing, c.id, "C:\\扫描\\评估报告.pdf", &pdf)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!((a.file_name.as_str(), a.content_type.as_str()), ("评估报告.pdf", "application/pdf"));
    use sha2::Digest;
    assert_eq!(a.sha256, hex::encode(sha2::Sha256::digest(&pdf)));

    // An HTML page named .pdf and an oversized file: refused, nothing stored.
    let tx = s.begin_write().await.unwrap();
    let e =
        attachment::attach(s, &tx, &actor(), &county(), CaseKind::Housing, c.id, "x.pdf", b"<html>").await.unwrap_err();
    assert!(e.to_string().contains("PDF、JPEG、PNG、XLSX、DOCX"), "{e}");
    let big = [b"%PDF-".to_vec(), vec![0u8; attachment::MAX_BYTES]].concat();
    let e =
        attachment::attach(s, &tx, &actor(), &county(), CaseKind::Housing, c.id, "big.pdf", &big).await.unwrap_err();
    assert!(e.to_string().contains("超过上限"), "{e}");
    drop(tx);
    assert_eq!(s.count("case_attachment").await.unwrap(), 1);

    // Served to the county and the township, never to another township.
    let (meta, bytes) = attachment::fetch(s, &Scope::new(path("140929/01")), a.id).await.unwrap();
    assert_eq!((meta.id, bytes), (a.id, pdf));
    assert!(matches!(attachment::fetch(s, &Scope::new(path("140929/02")), a.id).await, Err(StoreError::NotFound)));
    assert!(matches!(
        attachment::list(s, &Scope::new(path("140929/02")), CaseKind::Housing, c.id).await,
        Err(StoreError::NotFound)
    ));
    let tx = s.begin_write().await.unwrap();
    let e = attachment::attach(
        s,
        &tx,
        &actor(),
        &Scope::new(path("140929/02")),
        CaseKind::Housing,
        c.id,
        "a.pdf",
        b"%PDF-1",
    )
    .await
    .unwrap_err();
    assert!(matches!(e, StoreError::NotFound));
}

/// Ten claims of one person approved at once: together they never pass the yearly cap.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_approvals_keep_a_persons_yearly_cap() {
    let db = setup().await;
    let s = &db.store;
    let tx = s.begin_write().await.unwrap();
    let fund_id = medical::create_fund(
        s,
        &tx,
        &actor(),
        &county(),
        FundInput {
            org_path: path("140929"),
            year: 2024,
            name: "救助金".into(),
            source: "县财政".into(),
            received_fen: 100_000_000,
            rule: AidRule { share_bp: 5000, yearly_cap_fen: 200_000 },
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let pid = person(s, 500, "140929/01/001").await;
    let mut ids = Vec::new();
    for _ in 0..10 {
        let tx = s.begin_write().await.unwrap();
        ids.push(medical::submit(s, &tx, &actor(), &county(), claim(pid, fund_id)).await.unwrap().id);
        tx.commit().await.unwrap();
    }
    let mut tasks = Vec::new();
    for id in ids {
        let s = s.clone();
        tasks.push(tokio::spawn(async move {
            let tx = s.begin_write().await?;
            let c = medical::approve(&s, &tx, &Actor::system("并发审批"), &county(), id).await?;
            tx.commit().await?;
            Ok::<_, StoreError>(c.aid_fen)
        }));
    }
    let mut total = 0;
    for t in tasks {
        total += t.await.unwrap().unwrap();
    }
    assert_eq!(total, 200_000, "engine {}", testing::engine());
    let f = medical::get_fund(s, &county(), fund_id).await.unwrap();
    assert_eq!(f.paid_fen, 200_000);
}
