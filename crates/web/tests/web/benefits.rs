//! 优抚待遇 in the browser's terms: a village contact applies, the township reviews, the county
//! approves; a cycle is run, approved by another, exported; the person page shows it all.

use axum::http::{Method, StatusCode, header};
use shuangyong_domain::id_number::make;
use shuangyong_domain::person::{Category, PersonStatus, Registration};
use shuangyong_domain::{OrgPath, Role};
use shuangyong_store::Scope;
use shuangyong_store::audit::Actor;
use shuangyong_store::registry::{self, CategoryInput, PersonInput, ServiceInput};

use crate::support::TestApp;

async fn veteran(app: &TestApp, name: &str, at: &str, seq: u16) -> i64 {
    let birth = chrono::NaiveDate::from_ymd_opt(1956, 5, 17).unwrap();
    let s = app.store();
    let tx = s.begin_write().await.unwrap();
    let p = registry::create(
        s,
        &tx,
        &Actor::system("test"),
        &Scope::new(OrgPath::parse("140929").unwrap()),
        PersonInput {
            name: name.into(),
            id_number: Some(make("140929", birth, seq)),
            ethnicity: "汉族".into(),
            registration: Registration::Rural,
            org_path: OrgPath::parse(at).unwrap(),
            address: String::new(),
            phone: None,
            bank_account: Some("6222021234567890123".into()),
            bank_name: "农村信用社".into(),
            status: PersonStatus::Normal,
            status_date: None,
            status_reason: String::new(),
            categories: vec![CategoryInput::plain(Category::RuralVeteran)],
            service: vec![ServiceInput {
                enlisted: chrono::NaiveDate::from_ymd_opt(1976, 3, 1),
                discharged: chrono::NaiveDate::from_ymd_opt(1980, 1, 15),
                ..Default::default()
            }],
            note: String::new(),
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    p.id
}

#[tokio::test]
async fn apply_review_approve_run_approve_export() {
    let app = TestApp::spawn().await;
    app.add_user("cun", Role::VillageContact, "140929/01/001").await;
    app.add_user("lanyi", Role::TownshipClerk, "140929/01").await;
    app.add_user("county", Role::CountyClerk, "140929").await;
    app.add_user("chief", Role::CountyClerk, "140929").await;
    let person = veteran(&app, "王建国", "140929/01/001", 11).await;
    let rural = shuangyong_store::benefits::program_by_code(app.store(), "rural_veteran_elderly").await.unwrap();

    // The village contact sees the verdicts and applies.
    let mut cun = app.login("cun").await;
    let page = cun.get(&format!("/benefits/applications/new?person={person}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("符合：农村籍；1976年3月入伍（1954-11-01至2011-10-31之间）"), "{}", page.body);
    assert!(page.body.contains("每年2880元"), "{}", page.body);
    let res = cun
        .post_form(
            "/benefits/applications",
            &[("person", &person.to_string()), ("program", &rural.id.to_string()), ("note", "本人申请")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let app_url = res.location().to_owned();
    assert!(app_url.starts_with("/benefits/applications/"), "{app_url}");
    // The contact cannot review; the township sees it in its inbox and reviews.
    assert_eq!(cun.post_form(&format!("{app_url}/review"), &[]).await.status, StatusCode::FORBIDDEN);
    let mut lanyi = app.login("lanyi").await;
    let inbox = lanyi.get("/benefits/applications").await;
    assert!(inbox.body.contains("王建国") && inbox.body.contains("待乡镇审核"), "{}", inbox.body);
    assert!(lanyi.get(&app_url).await.body.contains("审核通过，报县级审批"));
    lanyi.post_form(&format!("{app_url}/review"), &[("note", "属实")]).await;
    // The county approves from September 2024.
    let mut county = app.login("county").await;
    let inbox = county.get("/benefits/applications").await;
    assert!(inbox.body.contains("王建国"), "the county's inbox starts on those reviewed");
    county.post_form(&format!("{app_url}/decide"), &[("decision", "approve"), ("start", "2024-09")]).await;
    let detail = county.get(&app_url).await;
    assert!(detail.body.contains("已批准") && detail.body.contains("2024-09"), "{}", detail.body);

    // The county clerk runs September; the same clerk may not approve it; a colleague does.
    let res = county.post_form("/benefits/cycles", &[("program", &rural.id.to_string()), ("period", "2024-09")]).await;
    let cycle_url = res.location().to_owned();
    assert!(cycle_url.starts_with("/benefits/cycles/"), "{cycle_url}");
    let again =
        county.post_form("/benefits/cycles", &[("program", &rural.id.to_string()), ("period", "2024-09")]).await;
    assert_eq!(again.location(), "/benefits/cycles");
    assert!(county.get("/benefits/cycles").await.body.contains("已经计算过"), "the refusal is told");
    // 全部项目: the other programs of the month in one step, back to the list with each one's figures.
    let page = county.get("/benefits/cycles").await;
    assert!(page.body.contains(r#"<option value="all">全部项目"#), "{}", page.body);
    let all = county.post_form("/benefits/cycles", &[("program", "all"), ("period", "2024-09")]).await;
    assert_eq!(all.location(), "/benefits/cycles");
    let list = county.get("/benefits/cycles").await;
    assert!(
        list.body.contains("已计算残疾抚恤金2024-09：0条") && list.body.contains("请由另一位工作人员审批"),
        "{}",
        list.body
    );
    let twice = county.post_form("/benefits/cycles", &[("program", "all"), ("period", "2024-09")]).await;
    assert_eq!(twice.location(), "/benefits/cycles");
    assert!(county.get("/benefits/cycles").await.body.contains("都已计算过"), "the refusal is told");
    county.post_form(&format!("{cycle_url}/approve"), &[]).await;
    let page = county.get(&cycle_url).await;
    assert!(page.body.contains("计算人以外"), "{}", page.body);
    assert!(page.body.contains("待审批"));
    let mut chief = app.login("chief").await;
    chief.post_form(&format!("{cycle_url}/approve"), &[]).await;
    let page = chief.get(&cycle_url).await;
    assert!(page.body.contains("已审批") && page.body.contains("岚漪镇"), "{}", page.body);
    let file = chief.post_form(&format!("{cycle_url}/export"), &[("format", "csv")]).await;
    assert_eq!(file.status, StatusCode::OK);
    assert!(file.headers.get(header::CONTENT_DISPOSITION).unwrap().to_str().unwrap().contains("attachment"));
    assert!(file.body.contains("6222021234567890123") && file.body.contains("240.00"), "{}", file.body);
    let lines = chief.get(&format!("{cycle_url}/lines")).await;
    assert!(lines.body.contains("王建国") && !lines.body.contains("6222021234567890123"), "masked on screen");

    // The person page shows the enrolment and the payment.
    let p = chief.get(&format!("/registry/{person}")).await;
    assert!(p.body.contains("自2024-09起享受"), "{}", p.body);
    assert!(p.body.contains("当月发放") && p.body.contains("240.00"));
    // And the API says the same.
    let j = chief.json(Method::GET, &format!("/api/v1/persons/{person}/benefits"), serde_json::json!({})).await.json();
    let item = j["items"].as_array().unwrap().iter().find(|i| i["program"] == "rural_veteran_elderly").unwrap().clone();
    assert_eq!(item["eligible"], true);
    assert_eq!(item["annual_fen"], 288_000);
}

#[tokio::test]
async fn standards_are_edited_with_an_audit_entry_and_the_api_runs_cycles() {
    let app = TestApp::spawn().await;
    app.add_user("county", Role::CountyClerk, "140929").await;
    let rural = shuangyong_store::benefits::program_by_code(app.store(), "rural_veteran_elderly").await.unwrap();
    let mut c = app.login("county").await;
    let url = format!("/benefits/programs/{}", rural.id);
    let page = c.get(&url).await;
    assert!(page.body.contains("720.00") && page.body.contains("2024-08-01"), "{}", page.body);
    let bad = c
        .post_form(&format!("{url}/standards"), &[("key", ""), ("annual", "七百"), ("effective_from", "2025-08-01")])
        .await;
    assert_eq!(bad.location(), url);
    assert!(c.get(&url).await.body.contains("不是数字"), "the mistake is told");
    c.post_form(
        &format!("{url}/standards"),
        &[("key", ""), ("annual", "750"), ("effective_from", "2025-08-01"), ("note", "测试文件")],
    )
    .await;
    let page = c.get(&url).await;
    assert!(page.body.contains("750.00"), "{}", page.body);
    let s = app.store();
    let n = s
        .count_of(s.conn(), "SELECT COUNT(*) AS n FROM audit_log WHERE entity = 'benefit_standard'", [])
        .await
        .unwrap();
    assert_eq!(n, 1);
    // The API: run a cycle, refused twice, and its JSON shape.
    let r = c
        .json(
            Method::POST,
            "/api/v1/benefits/cycles",
            serde_json::json!({"program": "rural_veteran_elderly", "period": "2025-01"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let j = r.json();
    assert_eq!(
        (j["program"].as_str(), j["period"].as_str(), j["lines"].as_i64()),
        (Some("rural_veteran_elderly"), Some("2025-01"), Some(0))
    );
    let again = c
        .json(
            Method::POST,
            "/api/v1/benefits/cycles",
            serde_json::json!({"program": "rural_veteran_elderly", "period": "2025-01"}),
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert!(again.json()["error"]["message"].as_str().unwrap().contains("已经计算过"));
    // "all": the month's other programs, a list of the same objects.
    let all = c
        .json(Method::POST, "/api/v1/benefits/cycles", serde_json::json!({"program": "all", "period": "2025-01"}))
        .await;
    assert_eq!(all.status, StatusCode::OK);
    let runs = all.json();
    let runs = runs.as_array().unwrap();
    assert_eq!(runs.len(), 6, "{runs:?}");
    assert!(runs.iter().all(|r| r["period"] == "2025-01" && r["program"] != "rural_veteran_elderly"), "{runs:?}");
    let none = c
        .json(Method::POST, "/api/v1/benefits/cycles", serde_json::json!({"program": "all", "period": "2025-01"}))
        .await;
    assert_eq!(none.status, StatusCode::CONFLICT);
}

/// Enrols `person` in `program` from `start` through submit, review and decision by three hands.
async fn enrol(app: &TestApp, person: i64, program: i64, start: &str) {
    let s = app.store();
    let county = Scope::new(OrgPath::parse("140929").unwrap());
    let tx = s.begin_write().await.unwrap();
    let who = |id: i64| Actor { user_id: Some(id), name: format!("u{id}") };
    let id = shuangyong_store::benefits::applications::submit(s, &tx, &who(100), &county, person, program, "")
        .await
        .unwrap();
    shuangyong_store::benefits::applications::review(s, &tx, &who(101), &county, id, "").await.unwrap();
    shuangyong_store::benefits::applications::decide(
        s,
        &tx,
        &who(102),
        &county,
        id,
        true,
        "",
        Some(shuangyong_domain::Period::parse(start).unwrap()),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
}

/// A past year's figure and the list it links to count the same people: those enrolled later
/// are in neither (the list once showed everyone enrolled now, more than the figure said).
#[tokio::test]
async fn a_years_figure_links_to_that_years_records() {
    let app = TestApp::spawn().await;
    app.add_user("leader", Role::Leader, "140929").await;
    app.add_user("county", Role::CountyClerk, "140929").await;
    let rural = shuangyong_store::benefits::program_by_code(app.store(), "rural_veteran_elderly").await.unwrap();
    let a = veteran(&app, "王建国", "140929/01/001", 11).await;
    let b = veteran(&app, "赵志强", "140929/02/001", 31).await;
    enrol(&app, a, rural.id, "2024-09").await;
    enrol(&app, b, rural.id, "2025-03").await;

    let mut leader = app.login("leader").await;
    let page = leader.get("/reports?year=2024").await;
    let link = format!("/benefits/programs/{}/enrolled?unit=140929&until=2024-12", rural.id);
    assert!(page.body.contains(&format!("href=\"{}\"", link.replace('&', "&#38;"))), "{}", page.body);
    let mut county = app.login("county").await;
    let list = county.get(&link).await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body.contains("王建国") && !list.body.contains("赵志强"), "{}", list.body);
    assert!(list.body.contains("2024-12及以前起发，共 1 人"), "{}", list.body);
    // Without the month, everyone enrolled now.
    let all = county.get(&format!("/benefits/programs/{}/enrolled?unit=140929", rural.id)).await;
    assert!(all.body.contains("王建国") && all.body.contains("赵志强") && all.body.contains("共 2 人"), "{}", all.body);
    // A month that is not one is ignored, not an error.
    let odd = county.get(&format!("/benefits/programs/{}/enrolled?until=2024-13", rural.id)).await;
    assert_eq!(odd.status, StatusCode::OK);
    assert!(odd.body.contains("共 2 人"), "{}", odd.body);

    // Housing solved in a year links to the cases completed in that year; the honours in a row
    // to every year's honours.
    let county_scope = Scope::new(OrgPath::parse("140929").unwrap());
    let (_, href) = shuangyong_store::reports::value(app.store(), &county_scope, "housing_solved", 2024, 2024)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(href, "/cases/housing?state=completed&unit=140929&year=2024");
    // No national honour recorded: no figure claims a run of them.
    let none = shuangyong_store::reports::value(app.store(), &county_scope, "honours_national", 2024, 2024).await;
    assert_eq!(none.unwrap(), None);
}

#[tokio::test]
async fn the_dashboard_links_every_figure_and_a_township_sees_its_own() {
    let app = TestApp::spawn().await;
    app.add_user("county", Role::CountyClerk, "140929").await;
    app.add_user("chief", Role::CountyClerk, "140929").await;
    app.add_user("sanjing", Role::TownshipClerk, "140929/02").await;
    app.add_user("leader", Role::Leader, "140929").await;
    let a = veteran(&app, "王建国", "140929/01/001", 11).await;
    let b = veteran(&app, "赵志强", "140929/02/001", 31).await;
    let rural = shuangyong_store::benefits::program_by_code(app.store(), "rural_veteran_elderly").await.unwrap();
    let s = app.store();
    for (p, start) in [(a, "2024-09"), (b, "2024-09")] {
        enrol(&app, p, rural.id, start).await;
    }
    shuangyong_store::benefits::cycle::run(
        s,
        &Actor::system("test"),
        &OrgPath::parse("140929").unwrap(),
        &rural,
        shuangyong_domain::Period::new(2024, 9).unwrap(),
    )
    .await
    .unwrap();

    let mut leader = app.login("leader").await;
    let page = leader.get("/reports").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("2024年双拥工作统计"), "the latest year with payments by default");
    let link = format!("/benefits/programs/{}/enrolled?unit=140929&until=2024-12", rural.id);
    assert!(page.body.contains(&format!("href=\"{}\"", link.replace('&', "&#38;"))), "{}", page.body);
    assert!(page.body.contains("<svg"), "charts drawn on the server");
    // The figure's link lists exactly the records it counted.
    let mut county_c = app.login("county").await;
    let list = county_c.get(&link).await;
    assert!(
        list.body.contains("王建国") && list.body.contains("赵志强") && list.body.contains("共 2 人"),
        "{}",
        list.body
    );
    // A township clerk's dashboard counts only the township.
    let mut sj = app.login("sanjing").await;
    let page = sj.get("/reports?year=2024").await;
    assert!(page.body.contains("1名") && !page.body.contains("2名"), "{}", page.body);
    // The summary links its figures; the Word file downloads.
    let sum = leader.get("/reports/summary?from=2020&to=2024").await;
    assert!(sum.body.contains("class=\"figure\"") && sum.body.contains("2名"), "{}", sum.body);
    let doc = leader.get("/reports/summary.docx?from=2020&to=2024").await;
    assert_eq!(doc.status, StatusCode::OK);
    assert!(doc.headers.get(header::CONTENT_TYPE).unwrap().to_str().unwrap().contains("wordprocessingml"));
    // Staff edit the template; the summary follows it.
    let mut chief = app.login("chief").await;
    chief
        .post_form("/reports/template", &[("text", "# {county}简报\n老兵补助{rural_veteran_elderly}，<b>粗</b>")])
        .await;
    let sum = chief.get("/reports/summary?from=2024&to=2024").await;
    assert!(sum.body.contains("岢岚县简报") && sum.body.contains("&lt;b&gt;粗"), "escaped: {}", sum.body);
}

#[tokio::test]
async fn a_template_too_long_is_refused_with_a_message_not_a_server_error() {
    let app = TestApp::spawn().await;
    app.add_user("chief", Role::CountyClerk, "140929").await;
    let mut chief = app.login("chief").await;
    chief.get("/reports/template").await;
    // The refusal's message is written after the transaction ends (it used to wait on its lock).
    let res = chief.post_form("/reports/template", &[("text", &"长".repeat(20_001))]).await;
    assert_eq!((res.status, res.location()), (StatusCode::SEE_OTHER, "/reports/template"), "{}", res.body);
    assert!(chief.get("/reports/template").await.body.contains("模板不超过2万字"));
}
