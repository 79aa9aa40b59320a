//! 帮扶服务 in the browser and the API: a housing case with its evidence, a medical claim drawn
//! from its fund, the training rate, the printable window list; another township's evidence
//! files are never served.

use axum::http::{Method, StatusCode, header};
use chrono::NaiveDate;
use shuangyong_domain::cases::{AidRule, HousingWay, PlacementWay, TrainingResult, WindowKind};
use shuangyong_domain::{OrgPath, Role};
use shuangyong_store::Scope;
use shuangyong_store::audit::Actor;
use shuangyong_store::cases::attachment::{self, CaseKind};
use shuangyong_store::cases::housing::{self, HousingInput};
use shuangyong_store::cases::medical::{self, ClaimInput, FundInput};
use shuangyong_store::cases::placement::{self, CourseInput, PlacementInput};
use shuangyong_store::cases::windows::{self, WindowInput};

use crate::support::{TestApp, add_person};

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

const PDF: &[u8] = b"%PDF-1.4\n%% assessment report\n";

/// Records of every kind of case for a person of a village, for the authorisation matrix:
/// (housing, fund, claim, placement, course, window, attachment) ids.
pub struct CaseTargets {
    pub housing: String,
    pub fund: String,
    pub claim: String,
    pub placement: String,
    pub course: String,
    pub window: String,
    pub attachment: String,
}

pub async fn seed_targets(app: &TestApp, village: &str, person: i64) -> CaseTargets {
    let s = app.store();
    let county = Scope::new(OrgPath::parse("140929").unwrap());
    let township = OrgPath::parse(&village[..9]).unwrap();
    let a = Actor::system("test");
    let tx = s.begin_write().await.unwrap();
    let h = housing::create(
        s,
        &tx,
        &a,
        &county,
        HousingInput {
            person_id: person,
            need: "漏雨".into(),
            way: HousingWay::Repair,
            cost_fen: 0,
            subsidy_fen: 0,
            registered_on: day(2024, 1, 2),
            note: String::new(),
        },
    )
    .await
    .unwrap();
    let fund = medical::create_fund(
        s,
        &tx,
        &a,
        &county,
        FundInput {
            org_path: township.clone(),
            year: 2024,
            name: format!("{township}救助金"),
            source: "县财政".into(),
            received_fen: 10_000_000,
            rule: AidRule { share_bp: 5000, yearly_cap_fen: 2_000_000 },
        },
    )
    .await
    .unwrap();
    let claim = medical::submit(
        s,
        &tx,
        &a,
        &county,
        ClaimInput {
            person_id: person,
            fund_id: fund,
            hospital: "县医院".into(),
            admitted_on: day(2024, 2, 1),
            discharged_on: day(2024, 2, 9),
            total_fen: 100_000,
            insurance_fen: 40_000,
        },
    )
    .await
    .unwrap();
    let pl = placement::create(
        s,
        &tx,
        &a,
        &county,
        PlacementInput {
            person_id: person,
            way: PlacementWay::SelfEmployed,
            discharged_on: day(2023, 9, 1),
            employer: String::new(),
            placed_on: Some(day(2023, 10, 1)),
            note: String::new(),
        },
    )
    .await
    .unwrap();
    let course = placement::create_course(
        s,
        &tx,
        &a,
        &county,
        CourseInput {
            org_path: township.clone(),
            name: "电工培训".into(),
            institution: "职校".into(),
            starts_on: day(2023, 10, 1),
            ends_on: day(2023, 11, 1),
        },
    )
    .await
    .unwrap();
    let w = windows::create(
        s,
        &tx,
        &a,
        &county,
        WindowInput {
            org_path: township,
            name: "汽车站优先窗口".into(),
            kind: WindowKind::Station,
            address: "汽车站".into(),
            contact: String::new(),
            services: "优先购票".into(),
            in_service: true,
            since: None,
        },
    )
    .await
    .unwrap();
    let att = attachment::attach(s, &tx, &a, &county, CaseKind::Housing, h.id, "评估.pdf", PDF).await.unwrap();
    tx.commit().await.unwrap();
    CaseTargets {
        housing: h.id.to_string(),
        fund: fund.to_string(),
        claim: claim.id.to_string(),
        placement: pl.id.to_string(),
        course: course.to_string(),
        window: w.id.to_string(),
        attachment: att.id.to_string(),
    }
}

#[tokio::test]
async fn evidence_of_another_townships_case_is_never_served() {
    let app = TestApp::spawn().await;
    let lanyi_person = add_person(&app, "王建国", "140929/01/001").await;
    let t = seed_targets(&app, "140929/01/001", lanyi_person).await;
    app.add_user("lanyi", Role::TownshipClerk, "140929/01").await;
    app.add_user("sanjing", Role::TownshipClerk, "140929/02").await;

    let mut own = app.login("lanyi").await;
    let res = own.get(&format!("/cases/attachments/{}", t.attachment)).await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.headers.get(header::CONTENT_TYPE).unwrap(), "application/pdf");
    assert_eq!(res.body.as_bytes(), PDF);
    let county = Scope::new(OrgPath::parse("140929").unwrap());
    let f = shuangyong_store::audit::Filter { entity: Some("housing_case".into()), ..Default::default() };
    let (entries, _) = shuangyong_store::audit::list(app.store(), &county, &f, Default::default()).await.unwrap();
    assert!(
        entries.iter().any(|e| e.action == "download" && e.summary.contains("评估.pdf")),
        "each opening is audited"
    );
    let page = own.get(&format!("/cases/housing/{}", t.housing)).await;
    assert!(page.body.contains("评估.pdf"), "the case page lists its evidence");

    let mut other = app.login("sanjing").await;
    for path in [
        format!("/cases/attachments/{}", t.attachment),
        format!("/cases/housing/{}", t.housing),
        format!("/cases/medical/claims/{}", t.claim),
    ] {
        let res = other.get(&path).await;
        assert_eq!(res.status, StatusCode::NOT_FOUND, "{path}");
        assert!(!res.body.as_bytes().windows(PDF.len()).any(|w| w == PDF));
    }
    // Nor may they add evidence to it.
    let res = other.upload(&format!("/cases/housing/{}/attachments", t.housing), "x.pdf", PDF).await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    assert_eq!(app.store().count("case_attachment").await.unwrap(), 1);

    // A page dressed as a PDF is refused with the reason; a real one is kept.
    let res = own.upload(&format!("/cases/housing/{}/attachments", t.housing), "x.pdf", b"<html><script>").await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let page = own.get(res.location()).await;
    assert!(page.body.contains("未保存") && page.body.contains("PDF、JPEG、PNG、XLSX、DOCX"), "{}", page.body);
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR-photo";
    let res = own.upload(&format!("/cases/housing/{}/attachments", t.housing), "现场照片.png", png).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert!(own.get(res.location()).await.body.contains("已上传证明材料“现场照片.png”"));
    assert_eq!(app.store().count("case_attachment").await.unwrap(), 2);
}

#[tokio::test]
async fn a_claim_is_taken_approved_and_drawn_from_its_fund_in_the_browser() {
    let app = TestApp::spawn().await;
    let person = add_person(&app, "李有福", "140929/01/001").await;
    app.add_user("county", Role::CountyClerk, "140929").await;
    let mut c = app.login("county").await;
    c.get("/cases/medical").await;
    let res = c
        .post_form(
            "/cases/medical/funds",
            &[
                ("unit", "140929"),
                ("year", "2024"),
                ("name", "2024年度医疗救助金"),
                ("source", "县财政"),
                ("received", "1000"),
                ("share_percent", "50"),
                ("yearly_cap", "20000"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let fund_page = res.location().to_owned();
    let fund_id = fund_page.rsplit('/').next().unwrap().to_owned();
    c.get("/cases/medical/claims/new").await;
    let pid = person.to_string();
    let claim_form = |total: &'static str| {
        vec![
            ("person_id", pid.clone()),
            ("fund_id", fund_id.clone()),
            ("hospital", "岢岚县人民医院".to_owned()),
            ("admitted_on", "2024-03-01".to_owned()),
            ("discharged_on", "2024-03-09".to_owned()),
            ("total", total.to_owned()),
            ("insurance", "600".to_owned()),
        ]
    };
    let f: Vec<(&str, String)> = claim_form("2000");
    let fields: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let res = c.post_form("/cases/medical/claims", &fields).await;
    let claim_page = res.location().to_owned();
    let page = c.get(&claim_page).await;
    assert!(page.body.contains("核定救助 700.00 元"), "{}", page.body);
    assert!(page.body.contains("个人自付 1400.00 元"));
    let res = c.post_form(&format!("{claim_page}/approve"), &[]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert!(c.get(res.location()).await.body.contains("700.00 元已从基金中支出"));
    let page = c.get(&fund_page).await;
    assert!(page.body.contains("300.00"), "balance 1000 - 700: {}", page.body);

    // A second claim of 700 元 is more than the 300 元 left: refused with the reason.
    let res = c.post_form("/cases/medical/claims", &fields).await;
    let second = res.location().to_owned();
    let res = c.post_form(&format!("{second}/approve"), &[]).await;
    let page = c.get(res.location()).await;
    assert!(page.body.contains("余额不足") && page.body.contains("余额仅 300.00 元"), "{}", page.body);
    let api = c.json(Method::GET, &format!("/api/v1/cases/medical/funds/{fund_id}"), serde_json::json!({})).await;
    assert_eq!(api.json()["paid_fen"], 70_000);
    let api = c.json(Method::POST, &format!("/api/v1{second}/approve"), serde_json::json!({})).await;
    assert_eq!(api.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", api.body);
    assert!(api.json()["error"]["message"].as_str().unwrap().contains("余额不足"));
}

#[tokio::test]
async fn training_rate_due_list_and_the_printable_window_list() {
    let app = TestApp::spawn().await;
    let a = add_person(&app, "赵铁柱", "140929/01/001").await;
    let b = add_person(&app, "钱大海", "140929/02/001").await;
    let t = seed_targets(&app, "140929/01/001", a).await;
    let s = app.store();
    let county = Scope::new(OrgPath::parse("140929").unwrap());
    let tx = s.begin_write().await.unwrap();
    placement::create(
        s,
        &tx,
        &Actor::system("test"),
        &county,
        PlacementInput {
            person_id: b,
            way: PlacementWay::SelfEmployed,
            discharged_on: day(2023, 12, 1),
            employer: String::new(),
            placed_on: None,
            note: String::new(),
        },
    )
    .await
    .unwrap();
    placement::enrol(s, &tx, &Actor::system("test"), &county, t.course.parse().unwrap(), a, TrainingResult::Passed)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    app.add_user("county", Role::CountyClerk, "140929").await;
    let mut c = app.login("county").await;
    let res = c.json(Method::GET, "/api/v1/cases/training?year=2023", serde_json::json!({})).await;
    let j = res.json();
    assert_eq!((j["training"]["done"].as_i64(), j["training"]["due"].as_i64()), (Some(1), Some(2)));
    assert_eq!(j["training_rate"], "50%");
    assert_eq!(j["still_due"][0]["person_name"], "钱大海");
    let page = c.get("/cases/training?year=2023").await;
    assert!(page.body.contains("钱大海") && page.body.contains("50%"));
    // An empty year: nobody due, shown as —.
    let j = c.json(Method::GET, "/api/v1/cases/training?year=2020", serde_json::json!({})).await.json();
    assert_eq!(j["training_rate"], "—");

    // The printable list shows windows in service only.
    let tx = s.begin_write().await.unwrap();
    windows::create(
        s,
        &tx,
        &Actor::system("test"),
        &county,
        WindowInput {
            org_path: OrgPath::parse("140929/02").unwrap(),
            name: "已撤销的商场窗口".into(),
            kind: WindowKind::Mall,
            address: "老街".into(),
            contact: String::new(),
            services: String::new(),
            in_service: false,
            since: None,
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let page = c.get("/cases/windows/print").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("汽车站优先窗口") && !page.body.contains("已撤销的商场窗口"));
    let all = c.get("/cases/windows").await;
    assert!(all.body.contains("已撤销的商场窗口"));
    // Exports are XLSX files.
    let x = c.get("/cases/windows/export.xlsx").await;
    assert_eq!(x.status, StatusCode::OK);
    assert!(x.body.as_bytes().starts_with(b"PK"));
}

#[tokio::test]
async fn a_housing_case_is_edited_advanced_and_refuses_stale_or_illegal_steps() {
    let app = TestApp::spawn().await;
    let person = add_person(&app, "孙长青", "140929/02/001").await;
    let t = seed_targets(&app, "140929/02/001", person).await;
    app.add_user("sanjing", Role::TownshipClerk, "140929/02").await;
    let mut c = app.login("sanjing").await;
    // The person page leads to the forms, the person filled in.
    let page = c.get(&format!("/registry/{person}")).await;
    assert!(page.body.contains(&format!("/cases/housing/new?person={person}")));
    let form = c.get(&format!("/cases/housing/new?person={person}")).await;
    assert!(form.body.contains(&format!("value=\"{person}\"")));
    let case = format!("/cases/housing/{}", t.housing);
    let edit = c.get(&format!("{case}/edit")).await;
    assert!(edit.body.contains("漏雨"), "the form holds the case");
    let form = |subsidy: &'static str, version: &'static str| {
        let pid = person.to_string();
        move || {
            vec![
                ("person_id", pid.clone()),
                ("need", "漏雨，墙体开裂".to_owned()),
                ("way", "repair".to_owned()),
                ("cost", "30000".to_owned()),
                ("subsidy", subsidy.to_owned()),
                ("registered_on", "2024-01-02".to_owned()),
                ("version", version.to_owned()),
            ]
        }
    };
    let f = form("20000", "1")();
    let fields: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let res = c.post_form(&case, &fields).await;
    assert_eq!(res.location(), case);
    let page = c.get(&case).await;
    assert!(page.body.contains("20000.00 元") && page.body.contains("墙体开裂"), "{}", page.body);
    // The same form again carries the old version: refused, nothing overwritten.
    let f = form("1", "1")();
    let fields: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let res = c.post_form(&case, &fields).await;
    assert!(c.get(res.location()).await.body.contains("刚被他人修改过"));
    assert!(c.get(&case).await.body.contains("20000.00 元"));
    // 登记 → 完成 in one step: refused with the way forward.
    let res = c.post_form(&format!("{case}/state"), &[("to", "completed"), ("on", "2024-05-01")]).await;
    let page = c.get(res.location()).await;
    assert!(page.body.contains("不能直接改为“完成”") && page.body.contains("评估"), "{}", page.body);
    let res = c.post_form(&format!("{case}/state"), &[("to", "assessed"), ("on", "2024-02-01")]).await;
    assert!(c.get(res.location()).await.body.contains("案件已改为“评估”"));
}

#[tokio::test]
async fn a_person_number_that_is_not_one_goes_back_to_an_empty_form_not_into_the_address() {
    let app = TestApp::spawn().await;
    app.add_user("county", Role::CountyClerk, "140929").await;
    let mut c = app.login("county").await;
    c.get("/cases").await;
    for page in ["/cases/housing", "/cases/medical/claims", "/cases/placement"] {
        for typed in ["\"><script>alert(1)</script>", "\u{202E}1", "' OR 1=1 --", "12 "] {
            let res = c.post_form(page, &[("person_id", typed)]).await;
            assert_eq!(res.status, StatusCode::SEE_OTHER, "{page} {typed:?}: {}", res.body);
            let back = if typed == "12 " { format!("{page}/new?person=12") } else { format!("{page}/new") };
            assert_eq!(res.location(), back, "{page} {typed:?}");
        }
    }
}

#[tokio::test]
async fn a_nul_character_is_refused_with_a_message_in_forms_queries_and_json() {
    let app = TestApp::spawn().await;
    app.add_user("county", Role::CountyClerk, "140929").await;
    let mut c = app.login("county").await;
    c.get("/cases").await;
    let before = shuangyong_store::audit::count(app.store(), app.store().conn()).await.unwrap();
    let res = c.post_form("/cases/treatments", &[("person_id", "1"), ("note", "a\0b")]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("空字符"), "{}", res.body);
    let res = c.get("/cases/windows?q=a%00b").await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    let res =
        c.json(Method::POST, "/api/v1/cases/treatments", serde_json::json!({"person_id": "1", "note": "a\0b"})).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(res.json()["error"]["code"], "invalid");
    assert_eq!(shuangyong_store::audit::count(app.store(), app.store().conn()).await.unwrap(), before);
}
