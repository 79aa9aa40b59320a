//! The work system's pages and API: a liaison officer writes only the troops' side, articles render
//! pinyin ruby with everything escaped, lists filter and export, the checklist names missing items.

use axum::http::{Method, StatusCode, header};
use serde_json::json;
use shuangyong_domain::Role;

use crate::support::TestApp;

/// Creates a record through the API as `who` and returns its id.
async fn api_create(c: &mut crate::support::Client<'_>, key: &str, body: serde_json::Value) -> i64 {
    let res = c.json(Method::POST, &format!("/api/v1/work/{key}"), body).await;
    assert_eq!(res.status, StatusCode::OK, "{key}: {}", res.body);
    res.json()["id"].as_i64().unwrap()
}

#[tokio::test]
async fn a_liaison_officer_writes_the_troops_side_and_contributions_only() {
    let app = TestApp::spawn().await;
    app.add_user("clerk", Role::CountyClerk, "140929").await;
    app.add_user("liaison", Role::TroopLiaison, "140929/90").await;
    let mut clerk = app.login("clerk").await;
    let plan = api_create(&mut clerk, "plans", json!({"year": 2024, "title": "2024年军地互办实事"})).await;
    let county_item = api_create(
        &mut clerk,
        "plan-items",
        json!({"plan_id": plan, "side": "county", "title": "修缮营区道路", "owner": "县交通局", "state": "in_progress",
               "budget": "100000", "spent": "120000", "deadline": "2024-03-31"}),
    )
    .await;

    let mut liaison = app.login("liaison").await;
    // The plan covers the troops: they open it and see only their own side's items (none yet).
    let page = liaison.get(&format!("/org/plans/{plan}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains("修缮营区道路"), "the county's item is outside the troops' unit");
    let form = liaison.get(&format!("/org/plan-items/new?parent={plan}")).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("部队为地方办") && !form.body.contains("地方为部队办"), "only the troops' side offered");
    let res = liaison
        .post_form(
            "/org/plan-items",
            &[
                ("org_path", "140929/90"),
                ("plan_id", &plan.to_string()),
                ("side", "troops"),
                ("title", "开展义诊进乡村"),
                ("owner", "驻岢某部卫生队"),
                ("state", "planned"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let troops_item: i64 = res.location().rsplit('/').next().unwrap().parse().unwrap();
    // The county's side: neither created, nor read, nor changed by the liaison officer.
    let res = liaison
        .post_form(
            "/org/plan-items",
            &[
                ("org_path", "140929/90"),
                ("plan_id", &plan.to_string()),
                ("side", "county"),
                ("title", "x"),
                ("owner", "x"),
                ("state", "planned"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    let res =
        liaison.json(Method::PUT, &format!("/api/v1/work/plan-items/{county_item}"), json!({"side": "troops"})).await;
    assert_eq!(res.status, StatusCode::NOT_FOUND, "{}", res.body);
    // Changing the own item to the county's side is refused too, and changes nothing.
    let mut body = liaison.get(&format!("/api/v1/work/plan-items/{troops_item}")).await.json()["values"].clone();
    body["side"] = json!("county");
    let res = liaison.json(Method::PUT, &format!("/api/v1/work/plan-items/{troops_item}"), body.clone()).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    body["side"] = json!("troops");
    body["progress"] = json!("50");
    body["org_path"] = json!("140929/90");
    let res = liaison.json(Method::PUT, &format!("/api/v1/work/plan-items/{troops_item}"), body).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.json()["display"]["progress"], "50%");
    // Contributions: yes. Meetings: no.
    let res = liaison
        .json(
            Method::POST,
            "/api/v1/work/contributions",
            json!({"happened_on": "2024-05-01", "kind": "patients", "title": "巡诊", "people": 120}),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.json()["org_path"], "140929/90");
    let res = liaison
        .json(
            Method::POST,
            "/api/v1/work/meetings",
            json!({"kind": "other", "title": "x", "held_on": "2024-01-01", "chair": "x"}),
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    // The county sees both sides, the late and over-budget item marked.
    let page = clerk.get(&format!("/org/plans/{plan}")).await;
    assert!(page.body.contains("开展义诊进乡村") && page.body.contains("修缮营区道路"));
    assert!(page.body.contains("逾期") && page.body.contains("超预算"), "{}", page.body);
}

#[tokio::test]
async fn articles_render_pinyin_ruby_and_escape_what_the_author_typed() {
    let app = TestApp::spawn().await;
    app.add_user("clerk", Role::CountyClerk, "140929").await;
    let mut c = app.login("clerk").await;
    c.get("/publicity/articles/new").await;
    let res = c
        .post_form(
            "/publicity/articles",
            &[
                ("title", "走进<b>岢岚</b>"),
                ("author", "县融媒体中心"),
                ("dated", "2024-08-01"),
                ("state", "published"),
                ("body", "【岢岚】县<script>alert(1)</script>\n岚漪镇"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let page = c.get(res.location()).await;
    assert!(page.body.contains("<ruby>岢<rt>kě</rt>岚<rt>lán</rt></ruby>县"), "{}", page.body);
    assert!(!page.body.contains("<script>alert(1)"), "script must be escaped");
    assert!(page.body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(
        !page.body.contains("<b>岢岚</b>") && page.body.contains("走进&#60;b&#62;岢岚&#60;/b&#62;"),
        "{}",
        page.body
    );
    // 岚漪 is not marked yet: offered for marking, and marked on request.
    assert!(page.body.contains("生僻字未注音：岚漪"), "{}", page.body);
    let id = res.location().rsplit('/').next().unwrap().to_owned();
    let edit = c.get(&format!("/publicity/articles/{id}/edit")).await;
    assert!(edit.body.contains("<strong>岚漪</strong>"));
    let values = c.get(&format!("/api/v1/work/articles/{id}")).await.json()["values"].clone();
    let mut fields: Vec<(String, String)> =
        values.as_object().unwrap().iter().map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned())).collect();
    fields.push(("mark_rare".into(), "1".into()));
    fields.push(("org_path".into(), "140929".into()));
    let refs: Vec<(&str, &str)> = fields.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    let res = c.post_form(&format!("/publicity/articles/{id}"), &refs).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let page = c.get(res.location()).await;
    assert!(page.body.contains("<ruby>岚<rt>lán</rt>漪<rt>yī</rt></ruby>镇"), "{}", page.body);
    assert!(!page.body.contains("生僻字未注音"));
}

#[tokio::test]
async fn lists_filter_by_year_and_unit_export_and_refuse_bad_input_clearly() {
    let app = TestApp::spawn().await;
    app.add_user("clerk", Role::CountyClerk, "140929").await;
    app.add_user("town", Role::TownshipClerk, "140929/01").await;
    let mut c = app.login("clerk").await;
    for (d, at, op) in [("2023-05-01", "140929/01", "甲任务"), ("2024-06-01", "140929/02", "乙任务")] {
        api_create(
            &mut c,
            "evacuations",
            json!({"held_on": d, "operation": op, "people": 1000, "accidents": 0, "org_path": at}),
        )
        .await;
    }
    let page = c.get("/support/evacuations?year=2024").await;
    assert!(page.body.contains("乙任务") && !page.body.contains("甲任务"));
    let page = c.get("/support/evacuations?unit=140929/01").await;
    assert!(page.body.contains("甲任务") && !page.body.contains("乙任务"));
    let page = c.get("/support/evacuations?year=24").await;
    assert!(page.body.contains("年度应为四位年份"));
    let res = c.get("/support/evacuations/export.xlsx?year=2023").await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(res.headers[header::CONTENT_TYPE].to_str().unwrap().contains("spreadsheetml"));
    // The township clerk sees and writes only the township.
    let mut t = app.login("town").await;
    let page = t.get("/support/evacuations").await;
    assert!(page.body.contains("甲任务") && !page.body.contains("乙任务"));
    let res = t
        .json(
            Method::POST,
            "/api/v1/work/evacuations",
            json!({"held_on": "2024-01-01", "operation": "x", "people": 1, "accidents": 0, "org_path": "140929/02"}),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.json()["error"]["message"].as_str().unwrap().contains("管辖范围"));
    // Bad input: every field named, nothing written.
    let before = app.store().count("support_evacuation").await.unwrap();
    let res = c.post_form("/support/evacuations", &[("held_on", "去年"), ("people", "很多")]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("应为日期") && res.body.contains("请填写任务名称") && res.body.contains("不小于0的整数"));
    assert_eq!(app.store().count("support_evacuation").await.unwrap(), before);
    // The area page totals the years up to the latest with records, and projects by category and unit.
    for (amount, unit) in [("1000000", "yuan"), ("500000", "yuan"), ("3000", "mu")] {
        api_create(
            &mut c,
            "projects",
            json!({"year": 2023, "category": "defence_road", "title": "路", "amount": amount, "unit": unit}),
        )
        .await;
    }
    let page = c.get("/support").await;
    assert!(page.body.contains("<td>国防公路</td><td>2</td><td>1,500,000 元</td>"), "{}", page.body);
    assert!(page.body.contains("<td>国防公路</td><td>1</td><td>3,000 亩</td>"));
    assert!(page.body.contains("?year=2024\">2024</a></td><td>1</td><td>1000</td><td>0</td>"), "{}", page.body);
    // Totals through the API, a year without records included.
    let t = c.get("/api/v1/work/evacuations/totals?from=2022&to=2024").await.json();
    assert_eq!(t[0]["records"], 0);
    assert_eq!(t[1]["sums"]["people"], 1000);
    assert_eq!(t[2]["records"], 1);
}

#[tokio::test]
async fn the_checklist_names_missing_items_and_a_stale_edit_is_refused() {
    let app = TestApp::spawn().await;
    app.add_user("clerk", Role::CountyClerk, "140929").await;
    let mut c = app.login("clerk").await;
    let id = api_create(
        &mut c,
        "measures",
        json!({"year": 2024, "item": "budget", "status": "done", "evidence": "县财政预算安排双拥经费"}),
    )
    .await;
    // Without a year, the latest year with records.
    let page = c.get("/org/measures/checklist").await;
    assert!(page.body.contains("有 4 项未落实或没有记录"), "{}", page.body);
    assert_eq!(page.body.matches("缺项：没有记录").count(), 4);
    assert!(page.body.contains("县财政预算安排双拥经费"));
    let rec = c.get(&format!("/api/v1/work/measures/{id}")).await.json();
    let mut body = rec["values"].clone();
    body["version"] = json!(rec["version"].as_i64().unwrap() + 1);
    let res = c.json(Method::PUT, &format!("/api/v1/work/measures/{id}"), body).await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    // A second record of the same item and year is refused with the way out.
    let res = c
        .json(Method::POST, "/api/v1/work/measures", json!({"year": 2024, "item": "budget", "status": "partial"}))
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert!(res.json()["error"]["message"].as_str().unwrap().contains("请打开它修改"));
}

#[tokio::test]
async fn a_base_lists_its_events_and_person_visits() {
    let app = TestApp::spawn().await;
    app.add_user("clerk", Role::CountyClerk, "140929").await;
    let mut c = app.login("clerk").await;
    let base = api_create(&mut c, "bases", json!({"name": "毛主席路居馆", "kind": "defence", "since": 2008})).await;
    let this = chrono::Datelike::year(&chrono::Utc::now());
    for (title, n) in [("入党宣誓甲", 120), ("参观学习乙", 880)] {
        api_create(
            &mut c,
            "events",
            json!({"kind": "oath", "title": title, "held_on": format!("{this}-03-01"), "base_id": base, "organiser": "县委", "participants": n}),
        )
        .await;
    }
    api_create(&mut c, "events", json!({"kind": "siren", "title": "警报试鸣丙", "held_on": format!("{this}-09-18"), "organiser": "人防办", "participants": 5000}))
        .await;
    let page = c.get(&format!("/publicity/bases/{base}")).await;
    assert!(page.body.contains("入党宣誓甲") && page.body.contains("参观学习乙") && !page.body.contains("警报试鸣丙"));
    assert!(page.body.contains(&format!("<td>{this}</td><td>1000</td>")), "{}", page.body);
    let form = c.get(&format!("/publicity/events/new?parent={base}")).await;
    assert!(form.body.contains(&format!("<option value=\"{base}\" selected>")), "{}", form.body);
}

#[tokio::test]
async fn minutes_are_uploaded_to_a_meeting_and_downloaded_as_attachments() {
    let app = TestApp::spawn().await;
    app.add_user("clerk", Role::CountyClerk, "140929").await;
    app.add_user("other", Role::TownshipClerk, "140929/02").await;
    let mut c = app.login("clerk").await;
    let id = api_create(
        &mut c,
        "meetings",
        json!({"kind": "party_military", "title": "2024年县委议军会", "held_on": "2024-01-20", "chair": "县委书记", "org_path": "140929/01"}),
    )
    .await;
    c.get(&format!("/org/meetings/{id}")).await;
    let res = c.upload(&format!("/org/meetings/{id}/files"), "议军会纪要<x>.pdf", b"%PDF-1.4 minutes").await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let page = c.get(&format!("/org/meetings/{id}")).await;
    assert!(page.body.contains("已上传附件") && page.body.contains("议军会纪要&#60;x&#62;.pdf"), "{}", page.body);
    assert!(page.body.contains("为会议“2024年县委议军会”上传附件") && page.body.contains("新增会议“2024年县委议军会”"));
    let href = format!("/org/meetings/{id}/files/");
    let at = page.body.find(&href).unwrap();
    let file_path: String = page.body[at..].chars().take_while(|c| *c != '"').collect();
    let res = c.get(&file_path).await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.body, "%PDF-1.4 minutes");
    assert_eq!(res.headers[header::CONTENT_TYPE], "application/octet-stream");
    assert!(res.headers[header::CONTENT_DISPOSITION].to_str().unwrap().starts_with("attachment;"));
    // Another township cannot fetch it.
    let mut o = app.login("other").await;
    assert_eq!(o.get(&file_path).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_dashboard_and_the_summary_follow_any_countys_records() {
    let app = TestApp::spawn().await;
    app.add_user("clerk", Role::CountyClerk, "140929").await;
    let mut clerk = app.login("clerk").await;
    // Provincial honours only, from the 1990s.
    for (year, round) in [(1996, 1), (2000, 2), (2004, 3)] {
        api_create(&mut clerk, "honours", json!({"year": year, "title": "provincial", "round": round})).await;
    }
    for (cat, amount) in [("defence_road", "3000000"), ("other", "1500000"), ("greening", "500000")] {
        api_create(
            &mut clerk,
            "projects",
            json!({"year": 2024, "category": cat, "title": "项目", "amount": amount, "unit": "yuan"}),
        )
        .await;
    }
    let page = clerk.get("/reports?year=2024").await;
    assert_eq!(page.status, StatusCode::OK);
    // Honours by level, the support total over every category and its parts, each linked.
    let body = &page.body;
    assert!(body.contains("三届") && body.contains("连续被评为省级双拥模范县"), "{body}");
    assert!(!body.contains("连续荣获全国双拥模范县"), "no national honour claimed: {body}");
    assert!(body.contains("500万元") && body.contains("拥军支前资金（各类项目合计）"), "{body}");
    assert!(body.contains("href=\"/org/honours?unit=140929&#38;choice=provincial\""), "{body}");
    assert!(body.contains("其他拥军支前项目") && body.contains("营区绿化"), "{body}");
    // The summary: what is there, and a checklist of what is not, with where to enter it.
    let sum = clerk.get("/reports/summary?from=2024&to=2024").await;
    assert_eq!(sum.status, StatusCode::OK);
    assert!(sum.body.contains("<h1>岢岚县2024年双拥工作总结</h1>"), "{}", sum.body);
    assert!(sum.body.contains(">三届</a>被评为全省双拥模范县"), "{}", sum.body);
    assert!(sum.body.contains("累计投入各类拥军支前资金"), "{}", sum.body);
    assert!(sum.body.contains("待补录") && sum.body.contains("href=\"/org/measures?year=2024\""), "{}", sum.body);
    let article = sum.body.split("<article").nth(1).unwrap();
    assert!(!article.contains("缺少数据") && !article.contains("疏散"), "{article}");
    // A template with a mistake is refused with its reason.
    let mut chief = clerk;
    let res = chief.post_form("/reports/template", &[("text", "# 简报\n{if people}在册{people}")]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let page = chief.get(res.location()).await;
    assert!(page.body.contains("没有以 {end} 结束"), "{}", page.body);
}
