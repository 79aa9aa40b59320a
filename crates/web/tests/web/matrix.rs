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
    BenefitsDecider,
    /// Writes the work system's records.
    WorkWriter,
    /// Writes the troops' records (staff and liaison officers).
    TroopWriter,
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
            Who::BenefitsDecider => role.may_decide_benefits(),
            Who::WorkWriter => role.may_write_work(),
            Who::TroopWriter => role.may_write_troop_side(),
        }
    }
}

pub(crate) enum Send {
    Get,
    /// A multipart upload of an empty file.
    Upload,
    Form(&'static [(&'static str, &'static str)]),
    Json(Method, &'static str),
}

pub(crate) struct Route {
    pub(crate) send: Send,
    /// `{unit}`, `{user}` and `{seq}` are replaced by a target inside or outside the subtree.
    pub(crate) path: &'static str,
    who: Who,
}

const fn r(send: Send, path: &'static str, who: Who) -> Route {
    Route { send, path, who }
}

pub(crate) const ROUTES: &[Route] = &[
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
    r(Send::Get, "/benefits", Who::PeopleReader),
    r(Send::Form(&[("code", "")]), "/benefits/programs", Who::Admin),
    r(Send::Get, "/benefits/programs/7", Who::PeopleReader),
    r(Send::Form(&[("key", ""), ("annual", "")]), "/benefits/programs/7/standards", Who::BenefitsDecider),
    r(Send::Form(&[("age_start", "")]), "/benefits/settings", Who::Admin),
    r(Send::Get, "/benefits/applications", Who::PeopleReader),
    r(Send::Get, "/benefits/applications?status=all&mine=1", Who::PeopleReader),
    r(Send::Get, "/benefits/applications/new?person={person}", Who::PeopleEditor),
    r(Send::Form(&[("person", "{person}"), ("program", "")]), "/benefits/applications", Who::PeopleEditor),
    r(Send::Get, "/benefits/applications/{application}", Who::PeopleReader),
    r(Send::Form(&[("note", "")]), "/benefits/applications/{application}/review", Who::Manager),
    r(Send::Form(&[("decision", "")]), "/benefits/applications/{application}/decide", Who::BenefitsDecider),
    r(Send::Get, "/benefits/cycles", Who::PeopleReader),
    r(Send::Form(&[("program", ""), ("period", "")]), "/benefits/cycles", Who::BenefitsDecider),
    r(Send::Get, "/benefits/cycles/{cycle}", Who::PeopleReader),
    r(Send::Get, "/benefits/cycles/{cycle}/lines?kind=regular", Who::PeopleReader),
    r(Send::Form(&[]), "/benefits/cycles/{cycle}/approve", Who::BenefitsDecider),
    r(Send::Form(&[("format", "csv")]), "/benefits/cycles/{cycle}/export", Who::BenefitsDecider),
    r(Send::Upload, "/benefits/cycles/{cycle}/return", Who::BenefitsDecider),
    r(Send::Get, "/benefits/overpaid", Who::PeopleReader),
    r(Send::Get, "/benefits/claims", Who::PeopleReader),
    r(Send::Form(&[]), "/benefits/claims", Who::BenefitsDecider),
    r(Send::Get, "/api/v1/benefits/programs", Who::PeopleReader),
    r(
        Send::Json(Method::POST, r#"{"key": "x", "annual_fen": 1, "effective_from": "2025-08-01"}"#),
        "/api/v1/benefits/programs/7/standards",
        Who::BenefitsDecider,
    ),
    r(Send::Get, "/api/v1/persons/{person}/benefits", Who::PeopleReader),
    r(Send::Get, "/api/v1/benefits/applications", Who::PeopleReader),
    r(
        Send::Json(Method::POST, r#"{"person_id": {person}, "program": "nope"}"#),
        "/api/v1/benefits/applications",
        Who::PeopleEditor,
    ),
    r(Send::Get, "/api/v1/benefits/applications/{application}", Who::PeopleReader),
    r(Send::Json(Method::POST, r#"{"note": ""}"#), "/api/v1/benefits/applications/{application}/review", Who::Manager),
    r(
        Send::Json(Method::POST, r#"{"decision": "x"}"#),
        "/api/v1/benefits/applications/{application}/decide",
        Who::BenefitsDecider,
    ),
    r(Send::Get, "/api/v1/benefits/cycles", Who::PeopleReader),
    r(
        Send::Json(Method::POST, r#"{"program": "nope", "period": "2025-01"}"#),
        "/api/v1/benefits/cycles",
        Who::BenefitsDecider,
    ),
    r(Send::Get, "/api/v1/benefits/cycles/{cycle}", Who::PeopleReader),
    r(Send::Get, "/api/v1/benefits/cycles/{cycle}/lines", Who::PeopleReader),
    r(Send::Json(Method::POST, "{}"), "/api/v1/benefits/cycles/{cycle}/approve", Who::BenefitsDecider),
    r(Send::Get, "/benefits/programs/7/enrolled", Who::PeopleReader),
    r(Send::Get, "/reports", Who::Anyone),
    r(Send::Get, "/reports?year=2024", Who::Anyone),
    r(Send::Get, "/reports/summary?from=2020&to=2024", Who::Anyone),
    r(Send::Get, "/reports/summary.docx?from=2020&to=2024", Who::Anyone),
    r(Send::Get, "/reports/template", Who::BenefitsDecider),
    r(Send::Form(&[("text", "")]), "/reports/template", Who::BenefitsDecider),
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
    r(Send::Get, "/reports/assessment", Who::Anyone),
    r(Send::Upload, "/reports/assessment", Who::WorkWriter),
    r(Send::Get, "/reports/assessment/{sheet}", Who::Anyone),
    r(Send::Form(&[("awarded", "1")]), "/reports/assessment/{sheet}/items/{sheet_item}", Who::WorkWriter),
    r(Send::Get, "/reports/assessment/{sheet}/export.xlsx", Who::Anyone),
    r(Send::Get, "/api/v1/openapi.json", Who::Anyone),
    r(Send::Get, "/api/docs/", Who::Anyone),
];

/// Logging out: a write like any other.
pub(crate) fn logout_route() -> Route {
    r(Send::Form(&[]), "/logout", Who::Anyone)
}

/// A target: a unit, a user and an audit entry, all in one village.
pub(crate) struct Target {
    unit: String,
    user: String,
    seq: String,
    person: String,
    flag: String,
    campaign: String,
    application: String,
    sheet: String,
    sheet_item: String,
    cases: crate::cases::CaseTargets,
    /// `{work:KEY}`: a record of each work type, by key.
    work: Vec<(String, String)>,
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

/// What the routes' placeholders are filled with: a target inside 岚漪镇 (first) and one in
/// 三井镇, and a county-wide cycle.
pub(crate) struct Seed {
    pub(crate) targets: Vec<Target>,
    pub(crate) cycle: String,
}

pub(crate) async fn seed(app: &TestApp) -> Seed {
    let county = Scope::new(OrgPath::parse("140929").unwrap());
    // Targets in a village of 岚漪镇 (inside for users of 140929/01) and of 三井镇 (outside).
    let mut targets = Vec::new();
    for (village, name) in [("140929/01/001", "inside01"), ("140929/02/001", "outside02")] {
        let u = app.add_user(name, Role::VillageContact, village).await;
        let f = Filter { entity: Some("org_unit".into()), text: Some(village.into()), ..Default::default() };
        let (entries, _) = audit::list(app.store(), &county, &f, Default::default()).await.unwrap();
        let person = crate::support::add_person(app, name, village).await;
        // Two records of one name and birthday: a flag for the township's managers.
        let born = chrono::NaiveDate::from_ymd_opt(1948, 8, 1);
        crate::support::add_person_born(app, &format!("{name}重名"), village, born).await;
        crate::support::add_person_born(app, &format!("{name}重名"), village, born).await;
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
        let program = shuangyong_store::benefits::program_by_code(s, "rural_veteran_elderly").await.unwrap();
        let application =
            shuangyong_store::benefits::applications::submit(s, &tx, &u.actor(), &county, person, program.id, "")
                .await
                .unwrap();
        let sheet = shuangyong_store::assessment::import(
            s,
            &tx,
            &shuangyong_store::audit::Actor::system("test"),
            &county,
            &OrgPath::parse(village).unwrap(),
            "考评细则",
            2025,
            "sheet.csv",
            "领域,项目,子项,分值\n组织领导,领导机构,成立领导小组,2\n".as_bytes(),
        )
        .await
        .unwrap()
        .unwrap();
        let sheet_item: i64 = s
            .query_one(&tx, "SELECT id FROM assessment_item WHERE sheet_id = $1", [sheet.into()])
            .await
            .unwrap()
            .unwrap()
            .try_get("", "id")
            .unwrap();
        tx.commit().await.unwrap();
        targets.push(Target {
            unit: village.into(),
            user: u.id.to_string(),
            seq: entries[0].seq.to_string(),
            person: person.to_string(),
            flag: flag.to_string(),
            campaign: campaign.to_string(),
            application: application.to_string(),
            sheet: sheet.to_string(),
            sheet_item: sheet_item.to_string(),
            cases: crate::cases::seed_targets(app, village, person).await,
            work: work_targets(app, village).await,
        });
    }
    // A county-wide cycle (not a subtree target: every reader of the county sees it).
    let program = shuangyong_store::benefits::program_by_code(app.store(), "rural_veteran_elderly").await.unwrap();
    let cycle = shuangyong_store::benefits::cycle::run(
        app.store(),
        &shuangyong_store::audit::Actor::system("test"),
        &OrgPath::parse("140929").unwrap(),
        &program,
        shuangyong_domain::Period::new(2024, 9).unwrap(),
    )
    .await
    .unwrap()
    .cycle
    .to_string();
    Seed { targets, cycle }
}

impl Seed {
    /// `s` with every placeholder replaced by the target's record (and the county's cycle).
    pub(crate) fn fill(&self, target: &Target, s: &str) -> String {
        let cycle = &self.cycle;
        let mut s = s
            .replace("{unit}", &target.unit)
            .replace("{user}", &target.user)
            .replace("{seq}", &target.seq)
            .replace("{person}", &target.person)
            .replace("{flag}", &target.flag)
            .replace("{campaign}", &target.campaign)
            .replace("{application}", &target.application)
            .replace("{sheet_item}", &target.sheet_item)
            .replace("{sheet}", &target.sheet)
            .replace("{cycle}", cycle)
            .replace("{housing}", &target.cases.housing)
            .replace("{fund}", &target.cases.fund)
            .replace("{claim}", &target.cases.claim)
            .replace("{placement}", &target.cases.placement)
            .replace("{course}", &target.cases.course)
            .replace("{window}", &target.cases.window)
            .replace("{attachment}", &target.cases.attachment);
        for (key, id) in &target.work {
            s = s.replace(&format!("{{work:{key}}}"), id);
        }
        s
    }
}

/// The request a route's table row describes, with `csrf` as its token.
pub(crate) fn request(route: &Route, path: &str, fill: &dyn Fn(&str) -> String, csrf: &str) -> Request<Body> {
    match route.send {
        Send::Get => Request::get(path).body(Body::empty()).unwrap(),
        Send::Upload => {
            let b = "----matrixBoundary";
            let body = format!(
                "--{b}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x.csv\"\r\n\r\n\r\n--{b}--\r\n"
            );
            Request::post(format!("{path}?_csrf={}", csrf))
                .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={b}"))
                .body(Body::from(body))
                .unwrap()
        }
        Send::Form(fields) => {
            let mut all = vec![("_csrf".to_owned(), csrf.to_owned())];
            all.extend(fields.iter().map(|(k, v)| ((*k).to_owned(), fill(v))));
            Request::post(path)
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(serde_urlencoded::to_string(&all).unwrap()))
                .unwrap()
        }
        Send::Json(ref m, body) => Request::builder()
            .method(m.clone())
            .uri(path)
            .header(header::CONTENT_TYPE, "application/json")
            .header("x-csrf-token", csrf)
            .body(Body::from(fill(body)))
            .unwrap(),
    }
}

#[tokio::test]
async fn every_route_for_every_role_inside_and_outside_the_subtree() {
    let app = TestApp::spawn().await;
    let seed = seed(&app).await;
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
        for route in ROUTES.iter().chain(work_routes().iter()) {
            let templated = route.path.replace("{cycle}", "").contains('{')
                || matches!(route.send, Send::Form(f) if f.iter().any(|(_, v)| v.contains('{')))
                || matches!(route.send, Send::Json(_, b) if b.contains('{') && b.contains("{unit}"));
            for target in if templated { &seed.targets[..] } else { &seed.targets[..1] } {
                let fill = |s: &str| seed.fill(target, s);
                let path = fill(route.path);
                let req = request(route, &path, &fill, &c.csrf);
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
    assert!(checked > 3000, "the matrix shrank: {checked}");
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
    // What the login page links to is public, and all there is.
    let login = c.get("/login").await;
    let mut linked = Vec::new();
    for attr in ["href=\"", "src=\""] {
        for part in login.body.split(attr).skip(1) {
            linked.push(part[..part.find('"').unwrap()].to_owned());
        }
    }
    for link in linked.iter().filter(|l| !l.starts_with('#')) {
        assert!(link.starts_with('/'), "the login page links away, to {link}");
        let res = c.get(link).await;
        if link == "/login" || link.starts_with("/assets/") {
            assert_eq!(res.status, StatusCode::OK, "{link}");
        } else {
            assert_eq!((res.status, res.location()), (StatusCode::SEE_OTHER, "/login"), "{link}");
        }
    }
    // Every route of the table, every method, its placeholders filled with real records: a
    // visitor without a cookie, with a made-up one, and with the login form's session (and its
    // token) is sent to log in; a write without a session is refused by its missing token first.
    let seed = seed(&app).await;
    let names = ["inside01", "outside02", "测试inside01"];
    let mut checked = 0;
    let mut failures = Vec::new();
    for route in ROUTES.iter().chain(work_routes().iter()) {
        for target in &seed.targets {
            let fill = |s: &str| seed.fill(target, s);
            let path = fill(route.path);
            for cookie in [None, Some("made-up-session".to_owned()), c.cookie.clone()] {
                let mut v = app.client();
                v.cookie = cookie.clone();
                let token = if cookie == c.cookie { c.csrf.clone() } else { String::new() };
                let res = v.send(request(route, &path, &fill, &token)).await;
                checked += 1;
                let login = matches!(classify(res.status, res.location()), Outcome::Login);
                let refused_write = !matches!(route.send, Send::Get)
                    && cookie != c.cookie
                    && res.status == StatusCode::FORBIDDEN
                    && (res.body.contains("安全校验未通过") || res.body.contains("\"csrf\""));
                if !(login || refused_write) {
                    failures.push(format!("{path} ({cookie:?}): {} {}", res.status, res.location()));
                }
                if let Some(n) = names.iter().find(|n| res.body.contains(*n)) {
                    failures.push(format!("{path} ({cookie:?}) shows {n}"));
                }
            }
        }
    }
    println!("visitor crawl: {checked} requests");
    assert!(failures.is_empty(), "{} of {checked}:\n{}", failures.len(), failures.join("\n"));
    assert!(checked > 1000, "the table shrank: {checked}");
}

/// The routes of the work system: for every record type its pages and API.
pub(crate) fn work_routes() -> &'static [Route] {
    static ROUTES: std::sync::OnceLock<Vec<Route>> = std::sync::OnceLock::new();
    ROUTES.get_or_init(|| {
        let leak = |s: String| -> &'static str { Box::leak(s.into_boxed_str()) };
        let mut out = vec![
            r(Send::Get, "/org/work", Who::Anyone),
            r(Send::Get, "/publicity", Who::Anyone),
            r(Send::Get, "/support", Who::Anyone),
            r(Send::Get, "/troops", Who::Anyone),
            r(Send::Get, "/org/measures/checklist?year=2024", Who::Anyone),
            r(Send::Get, "/org/measures/checklist?year=2024&unit={unit}", Who::Anyone),
            r(Send::Get, "/org/meetings/{work:meetings}/files/{work:file}", Who::Anyone),
        ];
        for kind in shuangyong_domain::work::KINDS {
            let base = format!("/{}/{}", kind.area, kind.key);
            let key = kind.key;
            let writer = match kind.writers {
                shuangyong_domain::work::Writers::Staff => Who::WorkWriter,
                _ => Who::TroopWriter,
            };
            // A form with every field empty but the side: refused as invalid once authorised.
            let side: &'static [(&'static str, &'static str)] =
                if key == "plan-items" { &[("side", "troops")] } else { &[] };
            out.extend([
                r(Send::Get, leak(base.clone()), Who::Anyone),
                r(Send::Get, leak(format!("{base}?year=2024&unit=140929&q=x&choice=x")), Who::Anyone),
                r(Send::Get, leak(format!("{base}/new")), writer),
                r(Send::Form(side), leak(base.clone()), writer),
                r(Send::Get, leak(format!("{base}/export.xlsx?year=2024")), Who::Anyone),
                r(Send::Get, leak(format!("{base}/{{work:{key}}}")), Who::Anyone),
                r(Send::Get, leak(format!("{base}/{{work:{key}}}/edit")), writer),
                r(Send::Form(side), leak(format!("{base}/{{work:{key}}}")), writer),
                r(Send::Upload, leak(format!("{base}/{{work:{key}}}/files")), writer),
                r(Send::Get, leak(format!("/api/v1/work/{key}")), Who::Anyone),
                r(Send::Get, leak(format!("/api/v1/work/{key}/totals?from=2020&to=2024")), Who::Anyone),
                r(Send::Get, leak(format!("/api/v1/work/{key}/{{work:{key}}}")), Who::Anyone),
                r(
                    Send::Json(Method::POST, if key == "plan-items" { r#"{"side": "troops"}"# } else { "{}" }),
                    leak(format!("/api/v1/work/{key}")),
                    writer,
                ),
                r(
                    Send::Json(Method::PUT, if key == "plan-items" { r#"{"side": "troops"}"# } else { "{}" }),
                    leak(format!("/api/v1/work/{key}/{{work:{key}}}")),
                    writer,
                ),
            ]);
        }
        out
    })
}

/// One record of each work type in a village (parents first); the plan item is on the troops' side.
async fn work_targets(app: &TestApp, village: &str) -> Vec<(String, String)> {
    use shuangyong_domain::work::{self, Kind};
    let s = app.store();
    let county = Scope::new(OrgPath::parse("140929").unwrap());
    let at = OrgPath::parse(village).unwrap();
    let mut ids: Vec<(String, String)> = Vec::new();
    let mut add = async |kind: &'static Kind, pairs: &[(&str, &str)]| -> String {
        let m = pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
        let vals = kind.parse(&m).unwrap_or_else(|e| panic!("{}: {e:?}", kind.key));
        let tx = s.begin_write().await.unwrap();
        let rec = shuangyong_store::work::create(s, &tx, &audit::Actor::system("test"), &county, kind, &at, vals)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        ids.push((kind.key.to_owned(), rec.id.to_string()));
        rec.id.to_string()
    };
    let g = add(&work::GROUPS, &[("name", "组"), ("kind", "other"), ("term_start", "2024-01-01")]).await;
    let p = add(&work::PLANS, &[("year", "2024"), ("title", "计划")]).await;
    let b = add(&work::BASES, &[("name", "基地"), ("kind", "other"), ("since", "2020")]).await;
    add(&work::MEMBERS, &[("group_id", &g), ("name", "某"), ("member_role", "member"), ("term_start", "2024-01-01")])
        .await;
    add(&work::MEETINGS, &[("kind", "other"), ("title", "会"), ("held_on", "2024-01-01"), ("chair", "某")]).await;
    add(&work::MEASURES, &[("year", "2024"), ("item", "budget"), ("status", "done")]).await;
    add(
        &work::PLAN_ITEMS,
        &[("plan_id", &p), ("side", "troops"), ("title", "事"), ("owner", "某部"), ("state", "planned")],
    )
    .await;
    add(&work::HONOURS, &[("year", "2020"), ("title", "provincial"), ("round", "1")]).await;
    add(
        &work::EVENTS,
        &[
            ("kind", "oath"),
            ("title", "宣誓"),
            ("held_on", "2024-07-01"),
            ("base_id", &b),
            ("organiser", "某"),
            ("participants", "5"),
        ],
    )
    .await;
    add(
        &work::ARTICLES,
        &[("title", "文"), ("author", "某"), ("dated", "2024-01-01"), ("state", "draft"), ("body", "【岢岚】")],
    )
    .await;
    add(
        &work::PROJECTS,
        &[("year", "2024"), ("category", "other"), ("title", "项目"), ("amount", "1"), ("unit", "yuan")],
    )
    .await;
    add(&work::EVACUATIONS, &[("held_on", "2024-05-01"), ("operation", "任务"), ("people", "1"), ("accidents", "0")])
        .await;
    add(&work::VISITS, &[("visited_on", "2024-01-01"), ("leaders", "某"), ("visited_unit", "某部")]).await;
    add(
        &work::CONTRIBUTIONS,
        &[("happened_on", "2024-01-01"), ("kind", "patients"), ("title", "义诊"), ("people", "3")],
    )
    .await;
    assert_eq!(ids.len(), work::KINDS.len());
    let meeting: i64 = ids.iter().find(|(k, _)| k == "meetings").unwrap().1.parse().unwrap();
    let tx = s.begin_write().await.unwrap();
    let f = shuangyong_store::work::files::attach(
        s,
        &tx,
        &audit::Actor::system("test"),
        &county,
        &work::MEETINGS,
        meeting,
        "纪要.pdf",
        b"%PDF",
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    ids.push(("file".to_owned(), f.id.to_string()));
    ids
}
