//! The pages do what a clerk expects: forms keep input and say what is wrong, lists page,
//! saves flash a message, every change lands in the audit log.

use axum::http::StatusCode;
use shuangyong_domain::Role;
use shuangyong_store::audit::{self, Verdict};

use crate::support::TestApp;

#[tokio::test]
async fn adding_a_user_with_mistakes_keeps_the_input_and_marks_each_field() {
    let app = TestApp::spawn().await;
    app.add_user("boss", Role::Admin, "140929").await;
    let mut c = app.login("boss").await;
    assert_eq!(c.get("/admin/users/new").await.status, StatusCode::OK);
    let res = c
        .post_form(
            "/admin/users",
            &[
                ("username", "Li Si"),
                ("display_name", "李四"),
                ("role", ""),
                ("org_path", "140929/01"),
                ("password", "short"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("有 3 处需要修改"), "{}", res.body);
    assert!(res.body.contains("用户名应为3至32位"));
    assert!(res.body.contains("请选择角色"));
    assert!(res.body.contains("密码至少8位"));
    assert!(res.body.contains("value=\"李四\""), "input kept");
    assert!(res.body.contains("value=\"140929/01\" selected"), "unit kept");
    let res = c
        .post_form(
            "/admin/users",
            &[
                ("username", "lisi"),
                ("display_name", "李四"),
                ("role", "township_clerk"),
                ("org_path", "140929/01"),
                ("password", "Start-2024x"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let page = c.get(res.location()).await;
    assert!(page.body.contains("已新增用户 lisi"), "flash shown once");
    assert!(page.body.contains("乡镇业务员"));
    assert!(!c.get(res.location()).await.body.contains("已新增用户 lisi"), "flash gone");
    // A second user with the same name is refused beside the field.
    let res = c
        .post_form(
            "/admin/users",
            &[
                ("username", "lisi"),
                ("display_name", "李四"),
                ("role", "leader"),
                ("org_path", "140929"),
                ("password", "Start-2024x"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("已被使用"));
    // The new user can log in with the initial password.
    let mut lisi = app.client();
    assert_eq!(lisi.login("lisi", "Start-2024x").await.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn a_township_admin_cannot_place_users_outside_the_township() {
    let app = TestApp::spawn().await;
    app.add_user("townadmin", Role::Admin, "140929/01").await;
    let mut c = app.login("townadmin").await;
    let form = c.get("/admin/users/new").await;
    assert!(!form.body.contains("140929/02"), "other townships are not offered");
    let res = c
        .post_form(
            "/admin/users",
            &[
                ("username", "sneaky"),
                ("display_name", "某"),
                ("role", "admin"),
                ("org_path", "140929"),
                ("password", "Start-2024x"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("管辖范围"));
}

#[tokio::test]
async fn admins_edit_the_org_tree_and_every_change_is_audited() {
    let app = TestApp::spawn().await;
    app.add_user("boss", Role::Admin, "140929").await;
    let mut c = app.login("boss").await;
    let tree = c.get("/org").await;
    assert!(tree.body.contains("岚漪镇") && tree.body.contains("驻岢某部"));
    let unit = c.get("/org/unit/140929/01").await;
    assert!(unit.body.contains("新增下级单位") && unit.body.contains("建议 002"));
    // A bad segment keeps the form and says why.
    let res = c
        .post_form("/org/new", &[("parent", "140929/01"), ("kind", "village"), ("segment", "2"), ("name", "西街村")])
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("3位数字") && res.body.contains("value=\"西街村\""), "{}", res.body);
    let res = c
        .post_form("/org/new", &[("parent", "140929/01"), ("kind", "village"), ("segment", "002"), ("name", "西街村")])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(res.location(), "/org/unit/140929/01/002");
    // The same code twice is refused.
    let res = c
        .post_form("/org/new", &[("parent", "140929/01"), ("kind", "village"), ("segment", "002"), ("name", "又一个")])
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("已被使用"));
    let res = c.post_form("/org/unit/140929/01/002", &[("name", "西街社区"), ("sort", "x")]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("排序号应为整数"));
    let res = c.post_form("/org/unit/140929/01/002", &[("name", "西街社区"), ("sort", "3")]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let log = c.get("/admin/audit?entity=org_unit&q=西街").await;
    assert!(log.body.contains("新增单位 140929/01/002 西街村"), "{}", log.body);
    assert!(log.body.contains("修改单位 140929/01/002 西街社区"));
    // The entry page shows before and after.
    let (entries, _) = audit::list(
        app.store(),
        &shuangyong_store::Scope::new(shuangyong_domain::OrgPath::parse("140929").unwrap()),
        &audit::Filter { action: Some("update".into()), ..Default::default() },
        Default::default(),
    )
    .await
    .unwrap();
    let page = c.get(&format!("/admin/audit/{}", entries[0].seq)).await;
    assert!(page.body.contains("西街村") && page.body.contains("西街社区") && page.body.contains("boss"));
    assert!(matches!(audit::verify(app.store()).await.unwrap(), Verdict::Intact { .. }));
    let verify = c.get("/admin/audit/verify").await;
    assert!(verify.body.contains("哈希链校验通过"));
}

#[tokio::test]
async fn the_audit_list_filters_pages_and_reports_bad_dates() {
    let app = TestApp::spawn().await;
    app.add_user("auditor", Role::Auditor, "140929").await;
    for i in 0..25 {
        app.add_user(&format!("user{i:02}"), Role::Leader, "140929/02").await;
    }
    let mut c = app.login("auditor").await;
    let page1 = c.get("/admin/audit?entity=app_user&action=create").await;
    assert!(page1.body.contains("共 26 条，第 1 / 2 页"), "{}", page1.body);
    assert!(page1.body.contains("?entity=app_user&#38;action=create&#38;page=2"), "{}", page1.body);
    let page2 = c.get("/admin/audit?entity=app_user&action=create&page=2").await;
    assert!(page2.body.contains("第 2 / 2 页"));
    let bad = c.get("/admin/audit?from=2024-13-01").await;
    assert_eq!(bad.status, StatusCode::OK);
    assert!(bad.body.contains("开始日期应为"));
    let today = shuangyong_domain::clock::today(chrono::Utc::now()).to_string();
    let dated = c.get(&format!("/admin/audit?from={today}&to={today}&q=user07")).await;
    assert!(dated.body.contains("共 1 条"), "{}", dated.body);
}

#[tokio::test]
async fn the_workbench_shows_what_the_user_covers() {
    let app = TestApp::spawn().await;
    app.add_user("lanyi", Role::TownshipClerk, "140929/01").await;
    app.add_user("leader", Role::Leader, "140929").await;
    let mut c = app.login("lanyi").await;
    let home = c.get("/").await;
    assert!(home.body.contains("岚漪镇的乡镇业务员") && home.body.contains("140929/01"), "{}", home.body);
    assert!(home.body.contains("我最近的操作") && home.body.contains("从 127.0.0.1 登录"));
    assert!(!home.body.contains("系统管理"), "no admin menu for a clerk");
    let mut l = app.login("leader").await;
    let home = l.get("/").await;
    assert!(home.body.contains("您的角色为只读"));
    // The phone layout and print rules are in the stylesheet the pages link.
    let css = l.get("/assets/app.css").await;
    assert!(css.body.contains("@media (max-width: 640px)") && css.body.contains("@media print"));
}
