//! Logging in and out, throttling, CSRF, session fixation, security headers.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use shuangyong_domain::Role;

use crate::support::{PASSWORD, TestApp};

#[tokio::test]
async fn a_visitor_is_sent_to_the_login_page() {
    let app = TestApp::spawn().await;
    let mut c = app.client();
    let res = c.get("/").await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(res.location(), "/login");
    let res = c.get("/login").await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(res.body.contains("登录双拥工作平台"));
    let cookie = res.headers.get(header::SET_COOKIE).unwrap().to_str().unwrap();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"), "{cookie}");
}

#[tokio::test]
async fn wrong_password_is_refused_in_chinese_and_keeps_the_user_name() {
    let app = TestApp::spawn().await;
    app.add_user("lanyi", Role::TownshipClerk, "140929/01").await;
    let mut c = app.client();
    let res = c.login("lanyi", "wrong-password1").await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    assert!(res.body.contains("用户名或密码不正确"), "{}", res.body);
    assert!(res.body.contains("value=\"lanyi\""));
    assert_eq!(c.get("/").await.status, StatusCode::SEE_OTHER, "still not logged in");
}

#[tokio::test]
async fn repeated_failures_lock_the_account_from_that_address() {
    let app = TestApp::spawn().await;
    app.add_user("lanyi", Role::TownshipClerk, "140929/01").await;
    let mut c = app.client();
    for _ in 0..4 {
        assert_eq!(c.login("lanyi", "wrong-password1").await.status, StatusCode::UNAUTHORIZED);
    }
    let res = c.login("lanyi", "wrong-password1").await;
    assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(res.body.contains("已被锁定") && res.body.contains("分钟后再试"), "{}", res.body);
    // The right password does not help while locked…
    let res = c.login("lanyi", PASSWORD).await;
    assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS);
    // …but another address is not locked out.
    let mut other = app.client();
    other.ip = [10, 1, 2, 3];
    assert_eq!(other.login("lanyi", PASSWORD).await.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn login_changes_the_session_id_and_logout_ends_it() {
    let app = TestApp::spawn().await;
    app.add_user("lanyi", Role::TownshipClerk, "140929/01").await;
    let mut c = app.client();
    c.get("/login").await;
    let before = c.cookie.clone().expect("an anonymous session for the form");
    let res = c.post_form("/login", &[("username", "lanyi"), ("password", PASSWORD)]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(res.location(), "/");
    let after = c.cookie.clone().unwrap();
    assert_ne!(before, after, "session fixation: the id must change at login");
    // The pre-login id is worth nothing now.
    let mut planted = app.client();
    planted.cookie = Some(before);
    assert_eq!(planted.get("/").await.status, StatusCode::SEE_OTHER);
    let home = c.get("/").await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(home.body.contains("测试lanyi"));
    let res = c.post_form("/logout", &[]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(res.location(), "/login");
    assert!(c.cookie.is_none(), "cookie cleared");
    let mut replay = app.client();
    replay.cookie = Some(after);
    assert_eq!(replay.get("/").await.status, StatusCode::SEE_OTHER, "the old session is gone server-side");
}

#[tokio::test]
async fn csrf_token_missing_or_wrong_is_refused() {
    let app = TestApp::spawn().await;
    app.add_user("boss", Role::Admin, "140929").await;
    let mut c = app.login("boss").await;
    let good = c.csrf.clone();
    // Missing.
    let res = c.post_raw("/org/unit/140929/01", "name=x".into()).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert!(res.body.contains("安全校验未通过"));
    // Wrong.
    c.csrf = "not-the-token".into();
    assert_eq!(c.post_form("/org/unit/140929/01", &[("name", "x")]).await.status, StatusCode::FORBIDDEN);
    // Right token, but sent from another site.
    let req = Request::post("/org/unit/140929/01")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header("sec-fetch-site", "cross-site")
        .body(Body::from(format!("_csrf={good}&name=x")))
        .unwrap();
    assert_eq!(c.send(req).await.status, StatusCode::FORBIDDEN);
    let req = Request::post("/org/unit/140929/01")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::HOST, "127.0.0.1:8080")
        .header(header::ORIGIN, "http://evil.example")
        .body(Body::from(format!("_csrf={good}&name=x")))
        .unwrap();
    assert_eq!(c.send(req).await.status, StatusCode::FORBIDDEN);
    // API without the header.
    c.csrf = String::new();
    let res = c.json(axum::http::Method::POST, "/api/v1/users/1/disabled", serde_json::json!({"disabled": true})).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert_eq!(res.json()["error"]["code"], "csrf");
    // Nothing changed.
    c.csrf = good;
    let unit = c.get("/org/unit/140929/01").await;
    assert!(unit.body.contains("岚漪镇"));
    // And the right token works.
    let res = c.post_form("/org/unit/140929/01", &[("name", "岚漪镇（改）"), ("sort", "1")]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn login_form_itself_needs_the_csrf_token() {
    let app = TestApp::spawn().await;
    app.add_user("lanyi", Role::TownshipClerk, "140929/01").await;
    let mut c = app.client();
    c.get("/login").await;
    let res = c.post_raw("/login", format!("username=lanyi&password={PASSWORD}")).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn every_page_carries_the_security_headers() {
    let app = TestApp::spawn().await;
    app.add_user("boss", Role::Admin, "140929").await;
    let mut c = app.login("boss").await;
    for path in ["/login", "/", "/org", "/admin/users", "/admin/audit", "/nope", "/api/v1/me"] {
        let res = c.get(path).await;
        let csp = res.headers.get(header::CONTENT_SECURITY_POLICY).unwrap().to_str().unwrap();
        assert!(csp.contains("frame-ancestors 'none'") && csp.contains("script-src 'self'"), "{path}: {csp}");
        assert!(!csp.contains("unsafe-inline") || path.starts_with("/api/docs"), "{path}");
        assert_eq!(res.headers.get(header::X_CONTENT_TYPE_OPTIONS).unwrap(), "nosniff");
        assert_eq!(res.headers.get(header::X_FRAME_OPTIONS).unwrap(), "DENY");
    }
}

#[tokio::test]
async fn a_disabled_account_is_thrown_out_at_once() {
    let app = TestApp::spawn().await;
    app.add_user("boss", Role::Admin, "140929").await;
    let clerk = app.add_user("lanyi", Role::TownshipClerk, "140929/01").await;
    let mut clerk_client = app.login("lanyi").await;
    assert_eq!(clerk_client.get("/").await.status, StatusCode::OK);
    let mut admin = app.login("boss").await;
    admin.get(&format!("/admin/users/{}", clerk.id)).await;
    let res = admin.post_form(&format!("/admin/users/{}/disable", clerk.id), &[]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(clerk_client.get("/").await.status, StatusCode::SEE_OTHER);
    let res = clerk_client.login("lanyi", PASSWORD).await;
    assert!(res.body.contains("该账号已停用"), "{}", res.body);
}

#[tokio::test]
async fn users_change_their_own_password_and_other_sessions_end() {
    let app = TestApp::spawn().await;
    app.add_user("lanyi", Role::TownshipClerk, "140929/01").await;
    let mut phone = app.login("lanyi").await;
    let mut pc = app.login("lanyi").await;
    pc.get("/account/password").await;
    let res = pc
        .post_form("/account/password", &[("current", "wrong"), ("new", "New-pass-2024"), ("repeat", "New-pass-2024")])
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("当前密码不正确"));
    let res =
        pc.post_form("/account/password", &[("current", PASSWORD), ("new", "New-pass-2024"), ("repeat", "typo")]).await;
    assert!(res.body.contains("两次输入的新密码不一致"));
    let res = pc
        .post_form("/account/password", &[("current", PASSWORD), ("new", "New-pass-2024"), ("repeat", "New-pass-2024")])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert!(pc.get("/").await.body.contains("密码已修改"));
    assert_eq!(phone.get("/").await.status, StatusCode::SEE_OTHER, "the other device is logged out");
    let mut again = app.client();
    assert_eq!(again.login("lanyi", PASSWORD).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(again.login("lanyi", "New-pass-2024").await.status, StatusCode::SEE_OTHER);
}
