//! The JSON API: login, one error shape, scope, the OpenAPI document and Swagger UI.

use axum::http::{Method, StatusCode, header};
use serde_json::json;
use shuangyong_domain::Role;

use crate::support::{PASSWORD, TestApp};

#[tokio::test]
async fn login_me_and_the_error_shape() {
    let app = TestApp::spawn().await;
    app.add_user("boss", Role::Admin, "140929").await;
    let mut c = app.client();
    let res = c.get("/api/v1/me").await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    assert_eq!(res.json()["error"]["code"], "unauthenticated");
    let res = c.json(Method::POST, "/api/v1/login", json!({"username": "boss", "password": "nope"})).await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    let res = c.json(Method::POST, "/api/v1/login", json!({"username": "boss"})).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.json()["error"]["message"].as_str().unwrap().contains("JSON"));
    let res = c.json(Method::POST, "/api/v1/login", json!({"username": "boss", "password": PASSWORD})).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    c.csrf = res.json()["csrf_token"].as_str().unwrap().to_owned();
    let me = c.get("/api/v1/me").await.json();
    assert_eq!(me["role"], "admin");
    assert_eq!(me["org_path"], "140929");
    let res = c
        .json(
            Method::POST,
            "/api/v1/users",
            json!({"username": "x", "display_name": "", "role": "boss", "org_path": "1", "password": "1"}),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    let err = &res.json()["error"];
    assert_eq!(err["code"], "invalid");
    for f in ["username", "display_name", "role", "org_path", "password"] {
        assert!(err["fields"][f].is_string(), "field {f}: {err}");
    }
    let res = c
        .json(
            Method::POST,
            "/api/v1/users",
            json!({"username": "sanjing", "display_name": "三井", "role": "township_clerk", "org_path": "140929/02", "password": "Start-2024x"}),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let id = res.json()["id"].as_i64().unwrap();
    let res = c
        .json(
            Method::POST,
            "/api/v1/users",
            json!({"username": "sanjing", "display_name": "三井", "role": "township_clerk", "org_path": "140929/02", "password": "Start-2024x"}),
        )
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    let res = c.json(Method::POST, &format!("/api/v1/users/{id}/disabled"), json!({"disabled": true})).await;
    assert_eq!(res.json()["disabled"], true);
    let res = c.json(Method::POST, "/api/v1/logout", json!({})).await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(c.get("/api/v1/me").await.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn lists_are_scoped_to_the_callers_subtree() {
    let app = TestApp::spawn().await;
    app.add_user("townadmin", Role::Admin, "140929/02").await;
    app.add_user("other", Role::Leader, "140929/01").await;
    let mut c = app.login("townadmin").await;
    let units = c.get("/api/v1/org-units").await.json();
    let paths: Vec<&str> = units.as_array().unwrap().iter().map(|u| u["path"].as_str().unwrap()).collect();
    assert_eq!(paths, ["140929/02", "140929/02/001"]);
    let users = c.get("/api/v1/users").await.json();
    assert_eq!(users["total"], 1);
    assert_eq!(users["items"][0]["username"], "townadmin");
    let res = c.json(Method::PUT, "/api/v1/org-units/140929/01", json!({"name": "改名"})).await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    let res = c
        .json(Method::POST, "/api/v1/org-units", json!({"path": "140929/01/009", "name": "外村", "kind": "village"}))
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    let res = c
        .json(Method::POST, "/api/v1/org-units", json!({"path": "140929/02/009", "name": "新村", "kind": "village"}))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.json()["kind_label"], "村");
}

#[tokio::test]
async fn the_openapi_document_and_swagger_ui_are_served_to_users() {
    let app = TestApp::spawn().await;
    app.add_user("boss", Role::Admin, "140929").await;
    let mut anon = app.client();
    assert_eq!(anon.get("/api/docs/").await.status, StatusCode::SEE_OTHER);
    assert_eq!(anon.get("/api/v1/openapi.json").await.status, StatusCode::UNAUTHORIZED);
    let mut c = app.login("boss").await;
    let doc = c.get("/api/v1/openapi.json").await.json();
    for p in ["/api/v1/me", "/api/v1/org-units", "/api/v1/users", "/api/v1/audit", "/api/v1/audit/verify"] {
        assert!(doc["paths"][p].is_object(), "{p} documented");
    }
    assert!(doc["components"]["schemas"]["ErrorBody"].is_object());
    let ui = c.get("/api/docs/").await;
    assert_eq!(ui.status, StatusCode::OK);
    assert!(ui.body.contains("swagger"), "{}", &ui.body[..ui.body.len().min(300)]);
    let init = c.get("/api/docs/swagger-initializer.js").await;
    assert!(init.body.contains("/api/v1/openapi.json"));
    assert!(init.headers.get(header::CONTENT_TYPE).is_some());
}

#[tokio::test]
async fn auditors_read_and_verify_the_log_through_the_api() {
    let app = TestApp::spawn().await;
    app.add_user("auditor", Role::Auditor, "140929").await;
    let mut c = app.login("auditor").await;
    let list = c.get("/api/v1/audit?entity=org_unit").await.json();
    assert_eq!(list["total"], 6);
    let seq = list["items"][0]["seq"].as_i64().unwrap();
    let one = c.get(&format!("/api/v1/audit/{seq}")).await.json();
    assert_eq!(one["entity"], "org_unit");
    let v = c.get("/api/v1/audit/verify").await.json();
    assert_eq!(v["intact"], true);
    let bad = c.get("/api/v1/audit?to=yesterday").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
}
