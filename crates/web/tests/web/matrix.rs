//! The authorisation matrix: every route × every role (and a visitor) × a target inside and
//! outside the user's subtree. Later areas add their routes to `ROUTES`.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use shuangyong_domain::{OrgPath, Role};
use shuangyong_store::Scope;
use shuangyong_store::audit::{self, Filter};

use crate::support::TestApp;

/// Who may use a route (once logged in).
#[derive(Clone, Copy)]
enum Who {
    Anyone,
    Admin,
    AuditReader,
    PeopleReader,
    PeopleEditor,
    Revealer,
    Manager,
}

impl Who {
    fn allows(self, role: Role) -> bool {
        match self {
            Who::Anyone => true,
            Who::Admin => role.is_admin(),
            Who::AuditReader => role.may_read_audit(),
            Who::PeopleReader => role.may_read_people(),
            Who::PeopleEditor => role.may_edit_people(),
            Who::Revealer => role.may_reveal(),
            Who::Manager => role.is_manager(),
        }
    }
}

enum Send {
    Get,
    /// A multipart upload of an empty file.
    Upload,
    Form(&'static [(&'static str, &'static str)]),
    Json(Method, &'static str),
}

struct Route {
    send: Send,
    /// `{unit}`, `{user}` and `{seq}` are replaced by a target inside or outside the subtree.
    path: &'static str,
    who: Who,
}

const fn r(send: Send, path: &'static str, who: Who) -> Route {
    Route { send, path, who }
}

const ROUTES: &[Route] = &[
    r(Send::Get, "/", Who::Anyone),
    r(Send::Get, "/org", Who::Anyone),
    r(Send::Get, "/account/password", Who::Anyone),
    r(Send::Form(&[("current", "wrong"), ("new", "x"), ("repeat", "x")]), "/account/password", Who::Anyone),
    r(Send::Get, "/org/unit/{unit}", Who::Anyone),
    r(Send::Form(&[("name", "")]), "/org/unit/{unit}", Who::Admin),
    r(Send::Form(&[("parent", "{unit}"), ("kind", "village"), ("segment", "9")]), "/org/new", Who::Admin),
    r(Send::Get, "/admin", Who::AuditReader),
    r(Send::Get, "/admin/users", Who::Admin),
    r(Send::Get, "/admin/users/new", Who::Admin),
    r(Send::Form(&[("username", "")]), "/admin/users", Who::Admin),
    r(Send::Get, "/admin/users/{user}", Who::Admin),
    r(Send::Form(&[("password", "x")]), "/admin/users/{user}/password", Who::Admin),
    r(Send::Form(&[]), "/admin/users/{user}/disable", Who::Admin),
    r(Send::Form(&[]), "/admin/users/{user}/enable", Who::Admin),
    r(Send::Get, "/admin/audit", Who::AuditReader),
    r(Send::Get, "/admin/audit/verify", Who::AuditReader),
    r(Send::Get, "/admin/audit/{seq}", Who::AuditReader),
    r(Send::Get, "/api/v1/me", Who::Anyone),
    r(Send::Get, "/api/v1/org-units", Who::Anyone),
    r(
        Send::Json(Method::POST, r#"{"path": "{unit}", "name": "", "kind": "village"}"#),
        "/api/v1/org-units",
        Who::Admin,
    ),
    r(Send::Json(Method::PUT, r#"{"name": ""}"#), "/api/v1/org-units/{unit}", Who::Admin),
    r(Send::Get, "/api/v1/users", Who::Admin),
    r(
        Send::Json(Method::POST, r#"{"username": "", "display_name": "", "role": "", "org_path": "", "password": ""}"#),
        "/api/v1/users",
        Who::Admin,
    ),
    r(Send::Json(Method::POST, r#"{"password": "x"}"#), "/api/v1/users/{user}/password", Who::Admin),
    r(Send::Json(Method::POST, r#"{"disabled": false}"#), "/api/v1/users/{user}/disabled", Who::Admin),
    r(Send::Get, "/api/v1/audit", Who::AuditReader),
    r(Send::Get, "/api/v1/audit/verify", Who::AuditReader),
    r(Send::Get, "/api/v1/audit/{seq}", Who::AuditReader),
    r(Send::Get, "/registry", Who::PeopleReader),
    r(Send::Get, "/registry?q=zs&category=veteran&min_age=60", Who::PeopleReader),
    r(Send::Get, "/registry/new", Who::PeopleEditor),
    r(Send::Form(&[("name", "")]), "/registry", Who::PeopleEditor),
    r(Send::Get, "/registry/import", Who::PeopleEditor),
    r(Send::Upload, "/registry/import", Who::PeopleEditor),
    r(Send::Form(&[]), "/registry/import/999999/commit", Who::PeopleEditor),
    r(Send::Get, "/registry/import/template.xlsx", Who::PeopleEditor),
    r(Send::Get, "/registry/export?format=csv", Who::PeopleReader),
    r(Send::Get, "/registry/export?format=xlsx&full=1", Who::Revealer),
    r(Send::Get, "/registry/duplicates", Who::Manager),
    r(Send::Form(&[]), "/registry/duplicates/{flag}/keep", Who::Manager),
    r(Send::Form(&[("keep", "0")]), "/registry/duplicates/{flag}/merge", Who::Manager),
    r(Send::Get, "/registry/life-checks", Who::PeopleReader),
    r(Send::Form(&[("unit", ""), ("year", "x")]), "/registry/life-checks", Who::Manager),
    r(Send::Get, "/registry/life-checks/{campaign}", Who::PeopleReader),
    r(
        Send::Form(&[("person_id", "{person}"), ("method", "当面")]),
        "/registry/life-checks/{campaign}/confirm",
        Who::PeopleEditor,
    ),
    r(Send::Form(&[]), "/registry/life-checks/{campaign}/close", Who::Manager),
    r(Send::Get, "/registry/{person}", Who::PeopleReader),
    r(Send::Get, "/registry/{person}/edit", Who::PeopleEditor),
    r(Send::Form(&[("name", "")]), "/registry/{person}", Who::PeopleEditor),
    r(Send::Form(&[("field", "id_number")]), "/registry/{person}/reveal", Who::Revealer),
    r(Send::Get, "/api/v1/persons", Who::PeopleReader),
    r(Send::Get, "/api/v1/persons/{person}", Who::PeopleReader),
    r(Send::Json(Method::POST, r#"{"name": ""}"#), "/api/v1/persons", Who::PeopleEditor),
    r(Send::Json(Method::PUT, r#"{"name": ""}"#), "/api/v1/persons/{person}", Who::PeopleEditor),
    r(Send::Json(Method::POST, r#"{"field": "phone"}"#), "/api/v1/persons/{person}/reveal", Who::Revealer),
    r(Send::Get, "/cases", Who::PeopleReader),
    r(Send::Get, "/cases/housing?state=completed&year=2024&way=repair", Who::PeopleReader),
    r(Send::Get, "/cases/housing/new", Who::PeopleEditor),
    r(Send::Form(&[("person_id", "")]), "/cases/housing", Who::PeopleEditor),
    r(Send::Get, "/cases/housing/export.xlsx", Who::PeopleReader),
    r(Send::Get, "/cases/housing/{housing}", Who::PeopleReader),
    r(Send::Get, "/cases/housing/{housing}/edit", Who::PeopleEditor),
    r(Send::Form(&[("person_id", ""), ("version", "1")]), "/cases/housing/{housing}", Who::PeopleEditor),
    r(Send::Form(&[("to", "")]), "/cases/housing/{housing}/state", Who::Manager),
    r(Send::Upload, "/cases/housing/{housing}/attachments", Who::PeopleEditor),
    r(Send::Get, "/cases/attachments/{attachment}", Who::PeopleReader),
    r(Send::Get, "/cases/medical", Who::PeopleReader),
    r(Send::Form(&[("unit", "")]), "/cases/medical/funds", Who::Manager),
    r(Send::Get, "/cases/medical/funds/{fund}", Who::PeopleReader),
    r(Send::Form(&[("amount", "")]), "/cases/medical/funds/{fund}/receipts", Who::Manager),
    r(Send::Get, "/cases/medical/claims?state=submitted", Who::PeopleReader),
    r(Send::Get, "/cases/medical/claims/new", Who::PeopleEditor),
    r(Send::Form(&[("person_id", "")]), "/cases/medical/claims", Who::PeopleEditor),
    r(Send::Get, "/cases/medical/claims/export.xlsx", Who::PeopleReader),
    r(Send::Get, "/cases/medical/claims/{claim}", Who::PeopleReader),
    r(Send::Form(&[]), "/cases/medical/claims/{claim}/approve", Who::Manager),
    r(Send::Form(&[("reason", "")]), "/cases/medical/claims/{claim}/reject", Who::Manager),
    r(Send::Upload, "/cases/medical/claims/{claim}/attachments", Who::PeopleEditor),
    r(Send::Get, "/cases/placement?year=2023&way=self_employed", Who::PeopleReader),
    r(Send::Get, "/cases/placement/new", Who::PeopleEditor),
    r(Send::Form(&[("person_id", "")]), "/cases/placement", Who::PeopleEditor),
    r(Send::Get, "/cases/placement/export.xlsx", Who::PeopleReader),
    r(Send::Get, "/cases/placement/{placement}", Who::PeopleReader),
    r(Send::Form(&[("person_id", "")]), "/cases/placement/{placement}", Who::PeopleEditor),
    r(Send::Get, "/cases/training?year=2023", Who::PeopleReader),
    r(Send::Get, "/cases/training/due.xlsx", Who::PeopleReader),
    r(Send::Form(&[("unit", "")]), "/cases/training/courses", Who::Manager),
    r(Send::Get, "/cases/training/courses/{course}", Who::PeopleReader),
    r(Send::Form(&[("person_id", "")]), "/cases/training/courses/{course}/enrol", Who::PeopleEditor),
    r(Send::Get, "/cases/windows?kind=station", Who::Anyone),
    r(Send::Get, "/cases/windows/print", Who::Anyone),
    r(Send::Get, "/cases/windows/export.xlsx", Who::Anyone),
    r(Send::Form(&[("unit", "")]), "/cases/windows", Who::Manager),
    r(Send::Get, "/cases/windows/{window}", Who::Anyone),
    r(Send::Form(&[("unit", "")]), "/cases/windows/{window}", Who::Manager),
    r(Send::Get, "/cases/treatments", Who::PeopleReader),
    r(Send::Form(&[("person_id", "")]), "/cases/treatments", Who::PeopleEditor),
    r(Send::Get, "/cases/treatments/export.xlsx", Who::PeopleReader),
    r(Send::Get, "/api/v1/cases/housing", Who::PeopleReader),
    r(Send::Get, "/api/v1/cases/housing/solved", Who::PeopleReader),
    r(Send::Get, "/api/v1/cases/housing/{housing}", Who::PeopleReader),
    r(Send::Json(Method::POST, r#"{"person_id": ""}"#), "/api/v1/cases/housing", Who::PeopleEditor),
    r(
        Send::Json(Method::PUT, r#"{"person_id": "", "version": 1}"#),
        "/api/v1/cases/housing/{housing}",
        Who::PeopleEditor,
    ),
    r(Send::Json(Method::POST, r#"{"to": ""}"#), "/api/v1/cases/housing/{housing}/state", Who::Manager),
    r(Send::Get, "/api/v1/cases/medical/funds", Who::PeopleReader),
    r(Send::Get, "/api/v1/cases/medical/funds/{fund}", Who::PeopleReader),
    r(Send::Json(Method::POST, r#"{"unit": ""}"#), "/api/v1/cases/medical/funds", Who::Manager),
    r(Send::Get, "/api/v1/cases/medical/claims", Who::PeopleReader),
    r(Send::Get, "/api/v1/cases/medical/claims/{claim}", Who::PeopleReader),
    r(Send::Json(Method::POST, r#"{"person_id": ""}"#), "/api/v1/cases/medical/claims", Who::PeopleEditor),
    r(Send::Json(Method::POST, "{}"), "/api/v1/cases/medical/claims/{claim}/approve", Who::Manager),
    r(Send::Json(Method::POST, r#"{"reason": ""}"#), "/api/v1/cases/medical/claims/{claim}/reject", Who::Manager),
    r(Send::Get, "/api/v1/cases/placements", Who::PeopleReader),
    r(Send::Get, "/api/v1/cases/placements/{placement}", Who::PeopleReader),
    r(Send::Json(Method::POST, r#"{"person_id": ""}"#), "/api/v1/cases/placements", Who::PeopleEditor),
    r(Send::Json(Method::PUT, r#"{"person_id": ""}"#), "/api/v1/cases/placements/{placement}", Who::PeopleEditor),
    r(Send::Get, "/api/v1/cases/training?year=2023", Who::PeopleReader),
    r(Send::Get, "/api/v1/cases/windows", Who::Anyone),
    r(Send::Json(Method::POST, r#"{"unit": ""}"#), "/api/v1/cases/windows", Who::Manager),
    r(Send::Get, "/api/v1/cases/treatments", Who::PeopleReader),
    r(Send::Json(Method::POST, r#"{"person_id": ""}"#), "/api/v1/cases/treatments", Who::PeopleEditor),
    r(Send::Get, "/api/v1/openapi.json", Who::Anyone),
    r(Send::Get, "/api/docs/", Who::Anyone),
];

/// A target: a unit, a user and an audit entry, all in one village.
struct Target {
    unit: String,
    user: String,
    seq: String,
    person: String,
    flag: String,
    campaign: String,
    cases: crate::cases::CaseTargets,
}

#[derive(Debug, PartialEq, Eq, Clone, Copy)]
enum Outcome {
    /// Sent to log in: 303 to /login for pages, 401 for the API.
    Login,
    Forbidden,
    NotFound,
    /// Served: 200, a redirect elsewhere than the login page, or 422 for the invalid bodies
    /// the table sends (the check came after authorisation).
    Allowed,
}

fn classify(status: StatusCode, location: &str) -> Outcome {
    match status {
        StatusCode::UNAUTHORIZED => Outcome::Login,
        StatusCode::SEE_OTHER if location == "/login" => Outcome::Login,
        StatusCode::FORBIDDEN => Outcome::Forbidden,
        StatusCode::NOT_FOUND => Outcome::NotFound,
        // 409: a decision already taken by an earlier case of the table (authorised all the same).
        StatusCode::OK | StatusCode::SEE_OTHER | StatusCode::UNPROCESSABLE_ENTITY | StatusCode::CONFLICT => {
            Outcome::Allowed
        }
        other => panic!("unexpected status {other}"),
    }
}

#[tokio::test]
async fn every_route_for_every_role_inside_and_outside_the_subtree() {
    let app = TestApp::spawn().await;
    let county = Scope::new(OrgPath::parse("140929").unwrap());
    // Targets in a village of 岚漪镇 (inside for users of 140929/01) and of 三井镇 (outside).
    let mut targets = Vec::new();
    for (village, name) in [("140929/01/001", "inside01"), ("140929/02/001", "outside02")] {
        let u = app.add_user(name, Role::VillageContact, village).await;
        let f = Filter { entity: Some("org_unit".into()), text: Some(village.into()), ..Default::default() };
        let (entries, _) = audit::list(app.store(), &county, &f, Default::default()).await.unwrap();
        let person = crate::support::add_person(&app, name, village).await;
        // Two records of one name and birthday: a flag for the township's managers.
        let born = chrono::NaiveDate::from_ymd_opt(1948, 8, 1);
        crate::support::add_person_born(&app, &format!("{name}重名"), village, born).await;
        crate::support::add_person_born(&app, &format!("{name}重名"), village, born).await;
        let township = &village[..9];
        let s = app.store();
        let flag: i64 = s
            .query_one(s.conn(), "SELECT id FROM duplicate_flag WHERE org_path = $1", [township.into()])
            .await
            .unwrap()
            .unwrap()
            .try_get("", "id")
            .unwrap();
        let tx = s.begin_write().await.unwrap();
        let deadline = chrono::NaiveDate::from_ymd_opt(2099, 12, 31).unwrap();
        let campaign = shuangyong_store::life_check::open(
            s,
            &tx,
            &shuangyong_store::audit::Actor::system("test"),
            &county,
            &OrgPath::parse(township).unwrap(),
            2024,
            deadline,
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        targets.push(Target {
            unit: village.into(),
            user: u.id.to_string(),
            seq: entries[0].seq.to_string(),
            person: person.to_string(),
            flag: flag.to_string(),
            campaign: campaign.to_string(),
            cases: crate::cases::seed_targets(&app, village, person).await,
        });
    }
    // Every role bound to 岚漪镇, and the county-wide admin and auditor.
    let mut actors: Vec<(Option<Role>, &str)> = vec![(None, "")];
    for role in Role::ALL {
        actors.push((Some(role), "140929/01"));
    }
    actors.push((Some(Role::Admin), "140929"));
    actors.push((Some(Role::Auditor), "140929"));

    let mut checked = 0;
    let mut failures = Vec::new();
    for (i, (role, at)) in actors.iter().enumerate() {
        let mut c = match role {
            Some(role) => {
                let name = format!("actor{i}");
                app.add_user(&name, *role, at).await;
                app.login(&name).await
            }
            None => {
                let mut c = app.client();
                c.get("/login").await;
                c
            }
        };
        for route in ROUTES {
            let templated = route.path.contains('{')
                || matches!(route.send, Send::Form(f) if f.iter().any(|(_, v)| v.contains('{')))
                || matches!(route.send, Send::Json(_, b) if b.contains('{') && b.contains("{unit}"));
            for target in if templated { &targets[..] } else { &targets[..1] } {
                let fill = |s: &str| {
                    s.replace("{unit}", &target.unit)
                        .replace("{user}", &target.user)
                        .replace("{seq}", &target.seq)
                        .replace("{person}", &target.person)
                        .replace("{flag}", &target.flag)
                        .replace("{campaign}", &target.campaign)
                        .replace("{housing}", &target.cases.housing)
                        .replace("{fund}", &target.cases.fund)
                        .replace("{claim}", &target.cases.claim)
                        .replace("{placement}", &target.cases.placement)
                        .replace("{course}", &target.cases.course)
                        .replace("{window}", &target.cases.window)
                        .replace("{attachment}", &target.cases.attachment)
                };
                let path = fill(route.path);
                let req = match route.send {
                    Send::Get => Request::get(&path).body(Body::empty()).unwrap(),
                    Send::Upload => {
                        let b = "----matrixBoundary";
                        let body = format!(
                            "--{b}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x.csv\"\r\n\r\n\r\n--{b}--\r\n"
                        );
                        Request::post(format!("{path}?_csrf={}", c.csrf))
                            .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={b}"))
                            .body(Body::from(body))
                            .unwrap()
                    }
                    Send::Form(fields) => {
                        let mut all = vec![("_csrf".to_owned(), c.csrf.clone())];
                        all.extend(fields.iter().map(|(k, v)| ((*k).to_owned(), fill(v))));
                        Request::post(&path)
                            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                            .body(Body::from(serde_urlencoded::to_string(&all).unwrap()))
                            .unwrap()
                    }
                    Send::Json(ref m, body) => Request::builder()
                        .method(m.clone())
                        .uri(&path)
                        .header(header::CONTENT_TYPE, "application/json")
                        .header("x-csrf-token", c.csrf.clone())
                        .body(Body::from(fill(body)))
                        .unwrap(),
                };
                let method = req.method().clone();
                let res = c.send(req).await;
                let got = classify(res.status, res.location());
                let inside =
                    OrgPath::parse(at).map(|p| p.contains(&OrgPath::parse(&target.unit).unwrap())).unwrap_or(false);
                let expected = match role {
                    // A visitor holds only the login form's session: sent to log in.
                    None => Outcome::Login,
                    Some(r) if !route.who.allows(*r) => Outcome::Forbidden,
                    Some(_) if templated && !inside => Outcome::NotFound,
                    Some(_) => Outcome::Allowed,
                };
                checked += 1;
                if got != expected {
                    failures.push(format!(
                        "{method} {path} as {:?}@{at}: expected {expected:?}, got {got:?} ({})",
                        role.map(|r| r.code()),
                        res.status
                    ));
                }
            }
        }
    }
    eprintln!("authorisation matrix: {checked} cases checked, {} failed", failures.len());
    println!("authorisation matrix: {checked} cases checked");
    assert!(failures.is_empty(), "{} of {checked} cases failed:\n{}", failures.len(), failures.join("\n"));
    assert!(checked > 400, "the matrix shrank: {checked}");
}

#[tokio::test]
async fn a_visitor_finds_nothing_but_the_login_page_and_public_assets() {
    let app = TestApp::spawn().await;
    let mut c = app.client();
    for path in ["/login", "/assets/app.css", "/assets/icon.svg", "/healthz"] {
        assert_eq!(c.get(path).await.status, StatusCode::OK, "{path}");
    }
    for path in ["/", "/org", "/admin/users", "/admin/audit/1", "/nothing-here", "/api/docs/"] {
        let res = c.get(path).await;
        assert_eq!((res.status, res.location()), (StatusCode::SEE_OTHER, "/login"), "{path}");
    }
    for path in ["/api/v1/me", "/api/v1/users", "/api/v1/openapi.json", "/api/v1/nothing"] {
        assert_eq!(c.get(path).await.status, StatusCode::UNAUTHORIZED, "{path}");
    }
}
