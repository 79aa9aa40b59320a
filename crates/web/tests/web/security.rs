//! Security checks over every route of the matrix: every write refuses a missing or wrong CSRF
//! token and changes nothing; injection and markup strings through every form and search box the
//! pages offer (and every query string and JSON body of the table) never give a server error,
//! come back escaped, and match nothing they should not; stored markup is escaped on every page.

use std::collections::{BTreeMap, BTreeSet};

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use shuangyong_domain::Role;

use crate::matrix::{ROUTES, Route, Seed, Send, request, seed, work_routes};
use crate::support::{Client, TestApp, TestResponse};

/// What an attacker types into a box.
const PAYLOADS: &[&str] = &[
    "' OR 1=1 --",
    "'; DROP TABLE person; --",
    "\"><script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "%",
    "_",
    "\\",
    "\0",
    "\u{202E}gnp.exe",
];

/// Markup that must never come back as markup.
const RAW: &[&str] = &["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "\"><script>"];

/// A long string: `n` characters and markup at its end (a URL holds less than a form).
fn long_payload(n: usize) -> String {
    "长".repeat(n / 5) + &"x".repeat(n - n / 5) + "<script>alert(1)</script>"
}

fn routes() -> impl Iterator<Item = &'static Route> {
    ROUTES.iter().chain(work_routes().iter())
}

fn is_html(res: &TestResponse) -> bool {
    res.headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|v| v.starts_with("text/html"))
}

/// The row counts of every table but the sessions', the audit chain's length and the names
/// people and units carry: what a refused write must leave as it was.
async fn state(app: &TestApp) -> BTreeMap<String, String> {
    let s = app.store();
    let tables = match s.backend() {
        shuangyong_store::Backend::Sqlite => {
            "SELECT name AS t FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        }
        shuangyong_store::Backend::Postgres => {
            "SELECT table_name::text AS t FROM information_schema.tables WHERE table_schema = 'public' \
             AND table_type = 'BASE TABLE'"
        }
    };
    let mut out = BTreeMap::new();
    for r in s.query_all(s.conn(), tables, []).await.unwrap() {
        let t: String = r.try_get("", "t").unwrap();
        if matches!(t.as_str(), "user_session" | "login_attempt") {
            continue;
        }
        let n = s.count_of(s.conn(), &format!("SELECT COUNT(*) AS n FROM {t}"), []).await.unwrap();
        out.insert(t, n.to_string());
    }
    for (what, sql) in [
        ("unit names", "SELECT name AS v FROM org_unit ORDER BY id"),
        ("person names", "SELECT name AS v FROM person ORDER BY id"),
        ("user states", "SELECT username || ':' || CAST(disabled AS TEXT) AS v FROM app_user ORDER BY id"),
    ] {
        let rows = s.query_all(s.conn(), sql, []).await.unwrap();
        let v: Vec<String> = rows.iter().map(|r| r.try_get::<String>("", "v").unwrap()).collect();
        out.insert(what.into(), v.join("|"));
    }
    out
}

fn is_csrf_refusal(res: &TestResponse) -> bool {
    res.status == StatusCode::FORBIDDEN && (res.body.contains("安全校验未通过") || res.body.contains("\"csrf\""))
}

#[tokio::test]
async fn every_write_refuses_a_missing_or_wrong_csrf_token_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let seed = seed(&app).await;
    app.add_user("boss", Role::Admin, "140929").await;
    app.add_user("other", Role::Admin, "140929").await;
    let mut c = app.login("boss").await;
    // A real token, of another session: as worthless here as a made-up one.
    let other = app.login("other").await.csrf;
    let good = c.csrf.clone();
    let before = state(&app).await;
    let mut checked = 0;
    let mut failures = Vec::new();
    let writes = routes().filter(|r| !matches!(r.send, Send::Get)).collect::<Vec<_>>();
    let logout = crate::matrix::logout_route();
    for route in writes.into_iter().chain(std::iter::once(&logout)) {
        for target in &seed.targets {
            let fill = |s: &str| seed.fill(target, s);
            let path = fill(route.path);
            for (how, token) in
                [("no token", ""), ("a made-up token", "not-the-token"), ("another session's token", &other)]
            {
                let mut req = request(route, &path, &fill, token);
                if token.is_empty() {
                    req = strip_token(req).await;
                }
                let res = c.send(req).await;
                checked += 1;
                if !is_csrf_refusal(&res) {
                    failures.push(format!(
                        "{} {path} with {how}: {} {}",
                        route_method(route),
                        res.status,
                        res.location()
                    ));
                }
            }
            // The right token from another site.
            let mut req = request(route, &path, &fill, &good);
            req.headers_mut().insert("sec-fetch-site", "cross-site".parse().unwrap());
            let res = c.send(req).await;
            checked += 1;
            if !is_csrf_refusal(&res) {
                failures.push(format!("{} {path} cross-site: {}", route_method(route), res.status));
            }
        }
    }
    assert_eq!(c.csrf, good, "the session is the same");
    assert_eq!(c.get("/").await.status, StatusCode::OK, "still logged in: the logout was refused too");
    assert_eq!(state(&app).await, before, "a refused write changed something");
    println!("CSRF: {checked} refused writes checked");
    assert!(failures.is_empty(), "{} of {checked} not refused:\n{}", failures.len(), failures.join("\n"));
    assert!(checked > 600, "the table shrank: {checked}");
}

fn route_method(route: &Route) -> &'static str {
    match &route.send {
        Send::Get => "GET",
        Send::Json(m, _) if *m == Method::PUT => "PUT",
        Send::Json(m, _) if *m == Method::DELETE => "DELETE",
        _ => "POST",
    }
}

/// The request without any token: no header, no `_csrf` in the query or the form.
async fn strip_token(req: Request<Body>) -> Request<Body> {
    let (mut parts, body) = req.into_parts();
    parts.headers.remove("x-csrf-token");
    let uri = parts.uri.to_string();
    let (path, query) = uri.split_once('?').unwrap_or((&uri, ""));
    let kept: Vec<&str> = query.split('&').filter(|p| !p.is_empty() && !p.starts_with("_csrf=")).collect();
    parts.uri = if kept.is_empty() { path.to_owned() } else { format!("{path}?{}", kept.join("&")) }.parse().unwrap();
    let bytes = axum::body::to_bytes(body, 1 << 20).await.unwrap();
    let is_form = parts
        .headers
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.to_str().unwrap_or("").starts_with("application/x-www-form-urlencoded"));
    let bytes = if is_form {
        let fields: Vec<(String, String)> = serde_urlencoded::from_bytes(&bytes).unwrap();
        let kept: Vec<_> = fields.into_iter().filter(|(k, _)| k != "_csrf").collect();
        serde_urlencoded::to_string(&kept).unwrap().into_bytes().into()
    } else {
        bytes
    };
    Request::from_parts(parts, Body::from(bytes))
}

/// A form on a page: where it goes and the names of its fields.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Form {
    method: String,
    action: String,
    multipart: bool,
    fields: Vec<(String, String)>,
}

fn unescape(s: &str) -> String {
    let mut s = s.to_owned();
    for (from, to) in
        [("&quot;", "\""), ("&#34;", "\""), ("&#x27;", "'"), ("&#39;", "'"), ("&lt;", "<"), ("&#60;", "<")]
    {
        s = s.replace(from, to);
    }
    for (from, to) in [("&gt;", ">"), ("&#62;", ">"), ("&amp;", "&"), ("&#38;", "&")] {
        s = s.replace(from, to);
    }
    s
}

/// The payloads' markup as a page shows it, escaped (named or numbered entities).
fn shows_escaped(body: &str) -> bool {
    ["&lt;script&gt;alert(1)", "&#60;script&#62;alert(1)", "&lt;img src=x", "&#60;img src=x"]
        .iter()
        .any(|e| body.contains(e))
}

fn attr(tag: &str, name: &str) -> Option<String> {
    let key = format!(" {name}=\"");
    let i = tag.find(&key)? + key.len();
    Some(unescape(&tag[i..i + tag[i..].find('"')?]))
}

/// Every form of a page and its named fields (the field's type: text, hidden, select…).
fn forms(html: &str) -> Vec<Form> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find("<form") {
        let after = &rest[i..];
        let Some(end) = after.find("</form>") else { break };
        let inner = &after[..end];
        let tag = &inner[..inner.find('>').unwrap_or(inner.len())];
        let mut fields = Vec::new();
        for (open, default_kind) in [("<input", "text"), ("<select", "select"), ("<textarea", "textarea")] {
            let mut s = inner;
            while let Some(j) = s.find(open) {
                let t = &s[j..j + s[j..].find('>').unwrap_or(s.len() - j)];
                if let Some(name) = attr(t, "name") {
                    let kind = attr(t, "type").unwrap_or_else(|| default_kind.into());
                    if name != "_csrf" && !matches!(kind.as_str(), "submit" | "button" | "file" | "reset") {
                        fields.push((name, kind));
                    }
                }
                s = &s[j + open.len()..];
            }
        }
        fields.sort();
        fields.dedup();
        out.push(Form {
            method: attr(tag, "method").unwrap_or_else(|| "get".into()).to_lowercase(),
            action: attr(tag, "action").unwrap_or_default(),
            multipart: attr(tag, "enctype").is_some_and(|e| e.contains("multipart")),
            fields,
        });
        rest = &after[end..];
    }
    out
}

/// Every page of the table (GET, placeholders filled), as the county's administrator sees it.
async fn pages(c: &mut Client<'_>, seed: &Seed) -> Vec<(String, TestResponse)> {
    let mut out = Vec::new();
    let mut seen = BTreeSet::new();
    for route in routes().filter(|r| matches!(r.send, Send::Get)) {
        for target in &seed.targets {
            let path = seed.fill(target, route.path);
            if seen.insert(path.clone()) {
                let res = c.get(&path).await;
                out.push((path, res));
            }
        }
    }
    out
}

/// Checks an answer to a payload: no server error, and no markup of ours comes back raw.
fn check(what: &str, res: &TestResponse, failures: &mut Vec<String>) {
    if res.status.is_server_error() {
        failures.push(format!("{what}: {}", res.status));
    }
    if is_html(res)
        && let Some(raw) = RAW.iter().find(|r| res.body.contains(*r))
    {
        failures.push(format!("{what}: {raw} came back unescaped"));
    }
}

fn query(fields: &[(String, String)], value: &str) -> String {
    let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, _)| (k.as_str(), value)).collect();
    serde_urlencoded::to_string(&pairs).unwrap()
}

#[tokio::test]
async fn injection_and_markup_through_every_form_and_search_box_are_harmless() {
    let app = TestApp::spawn().await;
    let seed = seed(&app).await;
    app.add_user("boss", Role::Admin, "140929").await;
    let mut c = app.login("boss").await;
    let mut payloads: Vec<String> = PAYLOADS.iter().map(|p| (*p).to_owned()).collect();
    payloads.push(long_payload(1_000));
    payloads.push(long_payload(20_000));
    let mut failures = Vec::new();
    let mut sent = 0;
    let mut echoed_escaped = 0;

    // The forms the pages offer (the logout button aside, which would end this session).
    let mut all_forms = BTreeSet::new();
    for (path, res) in pages(&mut c, &seed).await {
        assert!(!res.status.is_server_error(), "{path}: {}", res.status);
        if is_html(&res) {
            all_forms.extend(forms(&res.body).into_iter().filter(|f| f.action != "/logout" && !f.action.is_empty()));
        }
    }
    let searches = all_forms.iter().filter(|f| f.method == "get").count();
    println!("{} forms found on the pages, {searches} of them searches or filters", all_forms.len());
    assert!(searches >= 10 && all_forms.len() >= 40, "the crawl found too few forms: {all_forms:#?}");
    for form in &all_forms {
        if form.multipart {
            continue;
        }
        for p in &payloads {
            if form.method == "get" && p.len() > 10_000 {
                continue;
            }
            let what = format!("{} {} {:?} = {:.40?}", form.method, form.action, form.fields, p);
            let res = if form.method == "get" {
                let sep = if form.action.contains('?') { '&' } else { '?' };
                let url = format!("{}{sep}{}", form.action, query(&form.fields, p));
                if url.parse::<axum::http::Uri>().is_err() {
                    failures.push(format!("{what}: the form's address is malformed: {url:.200}"));
                    continue;
                }
                c.get(&url).await
            } else {
                let mut all = vec![("_csrf".to_owned(), c.csrf.clone())];
                all.extend(form.fields.iter().map(|(k, _)| (k.clone(), p.clone())));
                c.post_raw(&form.action, serde_urlencoded::to_string(&all).unwrap()).await
            };
            sent += 1;
            check(&what, &res, &mut failures);
            if p.contains('<') && shows_escaped(&res.body) {
                echoed_escaped += 1;
            }
            if res.status == StatusCode::SEE_OTHER && res.location() != "/login" {
                if res.location().parse::<axum::http::Uri>().is_err() {
                    failures.push(format!("{what}: redirected to a malformed address {:?}", res.location()));
                    continue;
                }
                let next = c.get(res.location()).await;
                check(&format!("{what}, then {}", res.location()), &next, &mut failures);
            }
            assert_eq!(c.get("/").await.status, StatusCode::OK, "{what} ended the session");
        }
    }

    // Search boxes match what they are asked, not everything: a name finds its person, the
    // wildcards and the injections find nobody.
    let mut searched = 0;
    for form in all_forms.iter().filter(|f| f.method == "get" && f.fields.iter().any(|(k, _)| k == "q")) {
        let only_q = |v: &str| {
            let sep = if form.action.contains('?') { '&' } else { '?' };
            format!("{}{sep}{}", form.action, serde_urlencoded::to_string([("q", v)]).unwrap())
        };
        // Only boxes that find the person by name, on pages that do not show the name anyway.
        let found = c.get(&only_q("inside01")).await;
        let missed = c.get(&only_q("查无此人")).await;
        if !found.body.contains("inside01") || missed.body.contains("inside01") {
            continue;
        }
        searched += 1;
        for p in ["%", "_", "' OR 1=1 --", "' OR '1'='1", "\\", "%%"] {
            let res = c.get(&only_q(p)).await;
            if let Some(i) = res.body.find("inside01").or_else(|| res.body.find("outside02")) {
                let around: String = res.body[i.saturating_sub(200)..].chars().take(300).collect();
                failures.push(format!("{} q={p:?} matched people it should not: …{around}…", form.action));
            }
        }
    }
    println!("{searched} search boxes checked for wildcards");
    assert!(searched >= 4, "too few search boxes found the person by name: {searched}");
    // The API's search, likewise.
    for p in ["%", "_", "' OR 1=1 --"] {
        let res = c.get(&format!("/api/v1/persons?{}", serde_urlencoded::to_string([("q", p)]).unwrap())).await;
        assert_eq!(res.status, StatusCode::OK, "{p}");
        assert!(!res.body.contains("inside01"), "/api/v1/persons?q={p} matched everyone: {}", res.body);
    }

    // Every query string and JSON body of the table with each value replaced by each payload.
    let target = &seed.targets[0];
    for route in routes() {
        let path = seed.fill(target, route.path);
        for p in &payloads {
            let res = match &route.send {
                Send::Get => {
                    let Some((base, q)) = path.split_once('?').filter(|_| p.len() < 10_000) else { continue };
                    let keys: Vec<(String, String)> =
                        q.split('&').map(|kv| (kv.split('=').next().unwrap_or("").to_owned(), String::new())).collect();
                    c.get(&format!("{base}?{}", query(&keys, p))).await
                }
                Send::Json(m, body) => {
                    let mut v: serde_json::Value = serde_json::from_str(&seed.fill(target, body)).unwrap();
                    if let Some(o) = v.as_object_mut() {
                        for (_, x) in o.iter_mut() {
                            *x = serde_json::Value::String(p.clone());
                        }
                        for k in ["name", "note", "title", "reason", "q"] {
                            o.entry(k).or_insert_with(|| serde_json::Value::String(p.clone()));
                        }
                    }
                    c.json(m.clone(), &path, v).await
                }
                _ => continue,
            };
            sent += 1;
            check(&format!("{} {path} = {p:.40?}", route_method(route)), &res, &mut failures);
        }
    }

    // Every upload of the table, the payload as the file's name and as its content.
    for route in routes().filter(|r| matches!(r.send, Send::Upload)) {
        let path = seed.fill(target, route.path);
        for p in PAYLOADS {
            let res = c.upload(&path, &format!("{p}.csv"), p.as_bytes()).await;
            sent += 1;
            let what = format!("upload {path} named {p:?}");
            check(&what, &res, &mut failures);
            if res.status == StatusCode::SEE_OTHER && res.location() != "/login" {
                let next = c.get(res.location()).await;
                check(&format!("{what}, then {}", res.location()), &next, &mut failures);
            }
        }
    }

    // Markup stored in names (as an import or an old system might leave it) is escaped on
    // every page that shows it.
    let s = app.store();
    s.exec(
        s.conn(),
        "UPDATE org_unit SET name = $1 WHERE path = '140929/01/001'",
        ["<img src=x onerror=alert(1)>".into()],
    )
    .await
    .unwrap();
    s.exec(s.conn(), "UPDATE person SET name = $1", ["\"><script>alert(1)</script>".into()]).await.unwrap();
    let mut shown = 0;
    for (path, res) in pages(&mut c, &seed).await {
        sent += 1;
        check(&format!("GET {path} with stored markup"), &res, &mut failures);
        if shows_escaped(&res.body) {
            shown += 1;
        }
    }
    println!(
        "injection: {sent} requests, {echoed_escaped} answers echoed the markup escaped, {shown} pages showed stored markup escaped"
    );
    assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), failures.join("\n"));
    assert!(echoed_escaped > 0 && shown > 10, "the payloads never came back: the check checked nothing");
}
