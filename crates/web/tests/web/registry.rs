//! The registry pages: register with field errors, refuse a second registration with a link,
//! search, reveal (audited, by role), edit, scope.

use axum::http::{Method, StatusCode};
use shuangyong_domain::Role;
use shuangyong_domain::id_number::make;

use crate::support::{TestApp, add_person};

fn id(seq: u16) -> String {
    make("140929", chrono::NaiveDate::from_ymd_opt(1956, 5, 17).unwrap(), seq).as_str().to_owned()
}

#[tokio::test]
async fn a_clerk_registers_a_person_and_finds_them_by_initials() {
    let app = TestApp::spawn().await;
    app.add_user("lanyi", Role::TownshipClerk, "140929/01").await;
    let mut c = app.login("lanyi").await;
    assert!(c.get("/").await.body.contains("优抚对象"), "menu entry");
    let form = c.get("/registry/new").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(!form.body.contains("三井镇"), "only units in scope are offered");
    // Mistakes: a bad check digit, a 因病 grade 8, a bad date; the input stays.
    let mut bad_id = id(123);
    let last = bad_id.pop().unwrap();
    bad_id.push(if last == '0' { '1' } else { '0' });
    let res = c
        .post_form(
            "/registry",
            &[
                ("name", "张三"),
                ("id_number", &bad_id),
                ("registration", "rural"),
                ("org_path", "140929/01/001"),
                ("categories", "disabled_serviceman"),
                ("categories", "rural_veteran"),
                ("cause", "illness"),
                ("grade", "八级"),
                ("enlisted_0", "1975年13月"),
                ("phone", "12345"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("校验位"), "{}", res.body);
    assert!(res.body.contains("六级"));
    assert!(res.body.contains("第1行"));
    assert!(res.body.contains("value=\"张三\""));
    assert!(res.body.contains("value=\"rural_veteran\" checked"));
    let good = id(123);
    let res = c
        .post_form(
            "/registry",
            &[
                ("name", "张三"),
                ("id_number", &good),
                ("registration", "rural"),
                ("org_path", "140929/01/001"),
                ("categories", "disabled_serviceman"),
                ("categories", "rural_veteran"),
                ("cause", "war"),
                ("grade", "六级"),
                ("enlisted_0", "1975年3月"),
                ("discharged_0", "1980.01"),
                ("phone", "138 1234 5678"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let page = c.get(res.location()).await;
    assert!(page.body.contains("已登记 张三"));
    assert!(page.body.contains("残疾军人（因战六级）"));
    assert!(page.body.contains("138****5678") && !page.body.contains("13812345678"));
    assert!(page.body.contains(&format!("{}********{}", &good[..6], &good[14..])));
    assert!(page.body.contains("1975-03"));
    // Found by initials, full pinyin and the last four digits; the list shows masked IDs only.
    for q in ["zs", "zhangsan", &good[14..]] {
        let list = c.get(&format!("/registry?q={q}")).await;
        assert!(list.body.contains("张三"), "search {q}");
        assert!(!list.body.contains(&good), "masked in the list");
    }
    // A second registration of the same number is refused with a link to the first.
    let res = c
        .post_form(
            "/registry",
            &[
                ("name", "张三"),
                ("id_number", &good),
                ("registration", "rural"),
                ("org_path", "140929/01/001"),
                ("categories", "veteran"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("只能登记一人") && res.body.contains("打开已有记录"), "{}", res.body);
}

#[tokio::test]
async fn reveals_are_for_permitted_roles_and_audited() {
    let app = TestApp::spawn().await;
    app.add_user("lanyi", Role::TownshipClerk, "140929/01").await;
    app.add_user("village", Role::VillageContact, "140929/01/001").await;
    app.add_user("auditor", Role::Auditor, "140929").await;
    let pid = add_person(&app, "王五", "140929/01/001").await;
    let mut v = app.login("village").await;
    let page = v.get(&format!("/registry/{pid}")).await;
    assert!(page.body.contains("王五") && !page.body.contains("查看完整"), "no reveal button for a village contact");
    assert_eq!(
        v.post_form(&format!("/registry/{pid}/reveal"), &[("field", "phone")]).await.status,
        StatusCode::FORBIDDEN
    );
    let mut c = app.login("lanyi").await;
    c.get(&format!("/registry/{pid}")).await;
    let res = c.post_form(&format!("/registry/{pid}/reveal"), &[("field", "phone")]).await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(res.body.contains("13800001234") && res.body.contains("已记入审计日志"));
    let mut a = app.login("auditor").await;
    let log = a.get("/admin/audit?q=完整联系电话").await;
    assert!(log.body.contains("查看 王五 的完整联系电话"), "{}", log.body);
    // The API says the same.
    let res =
        c.json(Method::POST, &format!("/api/v1/persons/{pid}/reveal"), serde_json::json!({"field": "phone"})).await;
    assert_eq!(res.json()["value"], "13800001234");
}

#[tokio::test]
async fn a_township_clerk_never_sees_another_townships_people() {
    let app = TestApp::spawn().await;
    app.add_user("sanjing", Role::TownshipClerk, "140929/02").await;
    let theirs = add_person(&app, "岚漪人", "140929/01/001").await;
    let ours = add_person(&app, "三井人", "140929/02/001").await;
    let mut c = app.login("sanjing").await;
    let list = c.get("/registry").await;
    assert!(list.body.contains("三井人") && !list.body.contains("岚漪人"));
    assert!(!c.get("/registry?q=岚漪人").await.body.contains("岚漪人</a>"));
    assert_eq!(c.get(&format!("/registry/{theirs}")).await.status, StatusCode::NOT_FOUND);
    assert_eq!(c.get(&format!("/registry/{theirs}/edit")).await.status, StatusCode::NOT_FOUND);
    assert_eq!(c.get(&format!("/api/v1/persons/{theirs}")).await.status, StatusCode::NOT_FOUND);
    let api = c.get("/api/v1/persons?q=rén").await.json();
    assert!(api["items"].as_array().unwrap().iter().all(|p| p["name"] != "岚漪人"));
    let all = c.get("/api/v1/persons").await.json();
    assert_eq!(all["total"], 1);
    assert_eq!(all["items"][0]["id"], ours);
    assert!(all["items"][0]["id_number"].as_str().unwrap().contains("********"));
}

#[tokio::test]
async fn editing_keeps_what_was_not_retyped_and_refuses_stale_forms() {
    let app = TestApp::spawn().await;
    app.add_user("lanyi", Role::TownshipClerk, "140929/01").await;
    let pid = add_person(&app, "赵六", "140929/01/001").await;
    let mut c = app.login("lanyi").await;
    let form = c.get(&format!("/registry/{pid}/edit")).await;
    assert!(form.body.contains("不修改请留空") && form.body.contains("value=\"赵六\""));
    assert!(!form.body.contains("13800001234"), "the edit form never carries the full phone");
    let fields = [
        ("name", "赵陆"),
        ("registration", "urban"),
        ("org_path", "140929/01/001"),
        ("categories", "veteran"),
        ("version", "1"),
    ];
    let res = c.post_form(&format!("/registry/{pid}"), &fields).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let page = c.get(&format!("/registry/{pid}")).await;
    assert!(page.body.contains("赵陆") && page.body.contains("城镇") && page.body.contains("138****1234"));
    assert!(page.body.contains("修改优抚对象 赵陆"), "history on the page");
    // The same stale form again: refused, not overwritten.
    let res = c.post_form(&format!("/registry/{pid}"), &fields).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("已被他人修改"));
}

#[tokio::test]
async fn bad_search_input_is_harmless() {
    let app = TestApp::spawn().await;
    app.add_user("lanyi", Role::TownshipClerk, "140929/01").await;
    add_person(&app, "张三", "140929/01/001").await;
    let mut c = app.login("lanyi").await;
    for q in ["'; DROP TABLE person; --", "<script>alert(1)</script>", "%", "%25_", "\\", "张' OR '1'='1"] {
        let res = c
            .get(&format!("/registry?q={}", serde_urlencoded::to_string([("", q)]).unwrap().trim_start_matches('=')))
            .await;
        assert_eq!(res.status, StatusCode::OK, "{q}");
        assert!(!res.body.contains("<script>alert(1)</script>"), "escaped: {q}");
        assert!(!res.body.contains("张三</a>"), "no match for {q}");
    }
    let bad_age = c.get("/registry?min_age=abc").await;
    assert!(bad_age.body.contains("最小年龄应为整数"));
    assert_eq!(app.store().count("person").await.unwrap(), 1);
}
