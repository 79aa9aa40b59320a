//! `TestApp`: a fresh database with a small org tree and one user per role, and a `Client` that
//! keeps its session cookie and CSRF token like a browser.

use std::net::SocketAddr;

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::extract::ConnectInfo;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use shuangyong_domain::{OrgKind, OrgPath, Role};
use shuangyong_store::audit::Actor;
use shuangyong_store::testing::{self, TestDb};
use shuangyong_store::user::{self, NewUser, User};
use shuangyong_store::{Scope, Store};
use shuangyong_web::{AppState, Config, app};
use tower::ServiceExt;

pub const PASSWORD: &str = "Passw0rd-test";

pub struct TestApp {
    pub db: TestDb,
    pub router: Router,
}

/// The tree every test app has.
pub const UNITS: &[(&str, &str, OrgKind)] = &[
    ("140929", "岢岚县", OrgKind::County),
    ("140929/01", "岚漪镇", OrgKind::Township),
    ("140929/02", "三井镇", OrgKind::Township),
    ("140929/01/001", "东街村", OrgKind::Village),
    ("140929/02/001", "团城村", OrgKind::Village),
    ("140929/90", "驻岢某部", OrgKind::MilitaryUnit),
];

impl TestApp {
    pub async fn spawn() -> TestApp {
        let db = testing::with_units(UNITS).await;
        let router = app(AppState::new(db.store.clone(), Config::default()));
        TestApp { db, router }
    }

    pub fn store(&self) -> &Store {
        &self.db.store
    }

    pub async fn add_user(&self, username: &str, role: Role, at: &str) -> User {
        let s = self.store();
        let tx = s.begin_write().await.unwrap();
        let u = user::create(
            s,
            &tx,
            &Actor::system("test"),
            &Scope::new(OrgPath::parse("140929").unwrap()),
            NewUser {
                username: username.into(),
                display_name: format!("测试{username}"),
                role,
                org_path: OrgPath::parse(at).unwrap(),
                password: PASSWORD.into(),
            },
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        u
    }

    pub fn client(&self) -> Client<'_> {
        Client { app: self, cookie: None, csrf: String::new(), ip: [127, 0, 0, 1] }
    }

    /// A logged-in client.
    pub async fn login(&self, username: &str) -> Client<'_> {
        let mut c = self.client();
        c.login(username, PASSWORD).await;
        c
    }
}

#[derive(Debug)]
pub struct TestResponse {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl TestResponse {
    pub fn location(&self) -> &str {
        self.headers.get(header::LOCATION).and_then(|v| v.to_str().ok()).unwrap_or("")
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
}

pub struct Client<'a> {
    pub app: &'a TestApp,
    pub cookie: Option<String>,
    pub csrf: String,
    pub ip: [u8; 4],
}

fn extract_csrf(body: &str) -> Option<String> {
    let i = body.find("name=\"_csrf\" value=\"")?;
    let rest = &body[i + "name=\"_csrf\" value=\"".len()..];
    Some(rest[..rest.find('"')?].to_owned())
}

impl Client<'_> {
    pub async fn send(&mut self, req: Request<Body>) -> TestResponse {
        let mut req = req;
        req.extensions_mut().insert(ConnectInfo(SocketAddr::from((self.ip, 40000))));
        if let Some(c) = &self.cookie {
            req.headers_mut().insert(header::COOKIE, format!("sy_session={c}").parse().unwrap());
        }
        let res = self.app.router.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        if let Some(sc) = headers.get(header::SET_COOKIE).and_then(|v| v.to_str().ok()) {
            let value = sc.split(';').next().unwrap().trim_start_matches("sy_session=").to_owned();
            self.cookie = (!value.is_empty()).then_some(value);
        }
        let body = String::from_utf8_lossy(&to_bytes(res.into_body(), 64 << 20).await.unwrap()).into_owned();
        if let Some(t) = extract_csrf(&body) {
            self.csrf = t;
        }
        TestResponse { status, headers, body }
    }

    pub async fn get(&mut self, path: &str) -> TestResponse {
        self.send(Request::get(path).body(Body::empty()).unwrap()).await
    }

    /// Posts a form the way our pages do: with the page's CSRF token, from our own origin.
    pub async fn post_form(&mut self, path: &str, fields: &[(&str, &str)]) -> TestResponse {
        let mut all: Vec<(&str, &str)> = vec![("_csrf", &self.csrf)];
        all.extend_from_slice(fields);
        let body = serde_urlencoded::to_string(&all).unwrap();
        self.post_raw(path, body).await
    }

    pub async fn post_raw(&mut self, path: &str, body: String) -> TestResponse {
        let req = Request::post(path)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header("sec-fetch-site", "same-origin")
            .body(Body::from(body))
            .unwrap();
        self.send(req).await
    }

    /// Uploads a file as a browser does: multipart, the CSRF token in the query string.
    pub async fn upload(&mut self, path: &str, file_name: &str, bytes: &[u8]) -> TestResponse {
        let boundary = "----shuangyongTestBoundary7MA4YWxk";
        let mut body = Vec::new();
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let sep = if path.contains('?') { '&' } else { '?' };
        let req = Request::post(format!("{path}{sep}_csrf={}", self.csrf))
            .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={boundary}"))
            .header("sec-fetch-site", "same-origin")
            .body(Body::from(body))
            .unwrap();
        self.send(req).await
    }

    /// Sends JSON with the CSRF header, as an API client does.
    pub async fn json(&mut self, method: Method, path: &str, body: serde_json::Value) -> TestResponse {
        let req = Request::builder()
            .method(method)
            .uri(path)
            .header(header::CONTENT_TYPE, "application/json")
            .header("x-csrf-token", self.csrf.clone())
            .body(Body::from(body.to_string()))
            .unwrap();
        self.send(req).await
    }

    pub async fn login(&mut self, username: &str, password: &str) -> TestResponse {
        let page = self.get("/login").await;
        assert_eq!(page.status, StatusCode::OK);
        let res = self.post_form("/login", &[("username", username), ("password", password)]).await;
        if res.status == StatusCode::SEE_OTHER {
            // Pick up the new session's CSRF token.
            self.get("/").await;
        }
        res
    }
}

static NEXT_SEQ: std::sync::atomic::AtomicU16 = std::sync::atomic::AtomicU16::new(1);

/// Registers a synthetic person in a unit and returns their id.
pub async fn add_person(app: &TestApp, name: &str, at: &str) -> i64 {
    add_person_born(app, name, at, None).await
}

/// The same, born on a given day (two people of one name and birthday in a township are flagged).
pub async fn add_person_born(app: &TestApp, name: &str, at: &str, born: Option<chrono::NaiveDate>) -> i64 {
    use shuangyong_domain::id_number::make;
    use shuangyong_domain::person::{Category, PersonStatus, Registration};
    use shuangyong_store::registry::{self, CategoryInput, PersonInput};
    let seq = NEXT_SEQ.fetch_add(2, std::sync::atomic::Ordering::Relaxed) % 1000;
    let birth =
        born.unwrap_or(chrono::NaiveDate::from_ymd_opt(1950, 1, 1).unwrap() + chrono::Duration::days(seq as i64));
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
            phone: Some("13800001234".into()),
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
