//! 优抚待遇: programs and standards, the application inbox, payment cycles and their lines,
//! over-payments to recover, and imported 享受待遇 checked against the rules.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{DefaultBodyLimit, Multipart, Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use shuangyong_domain::benefits::{AgeStart, ApplicationStatus, ProgramKind};
use shuangyong_domain::money::parse_yuan;
use shuangyong_domain::{OrgPath, Period, Role};
use shuangyong_store::benefits::applications::{self, Application};
use shuangyong_store::benefits::cycle::{self, Cycle, Line, LineFilter, Overpaid, Skip, TownshipTotal};
use shuangyong_store::benefits::{self, ClaimCheck, NewProgram, PersonBenefit, Program, Standard};
use shuangyong_store::export::ExportFormat;
use shuangyong_store::org::{self, OrgUnit, Page};
use shuangyong_store::registry::{self, Person};
use shuangyong_store::{StoreError, Tx};

use crate::AppState;
use crate::ctx::Auth;
use crate::error::AppError;
use crate::layout::{Layout, Pager, flash, query_string};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/benefits", get(overview))
        .route("/benefits/programs", post(create_program))
        .route("/benefits/programs/{id}", get(program_page))
        .route("/benefits/programs/{id}/standards", post(add_standard))
        .route("/benefits/programs/{id}/enrolled", get(enrolled_page))
        .route("/benefits/settings", post(settings))
        .route("/benefits/applications", get(inbox).post(submit))
        .route("/benefits/applications/new", get(new_application))
        .route("/benefits/applications/{id}", get(application_page))
        .route("/benefits/applications/{id}/review", post(review))
        .route("/benefits/applications/{id}/decide", post(decide))
        .route("/benefits/cycles", get(cycles).post(run_cycle))
        .route("/benefits/cycles/{id}", get(cycle_page))
        .route("/benefits/cycles/{id}/lines", get(lines_page))
        .route("/benefits/cycles/{id}/approve", post(approve_cycle))
        .route("/benefits/cycles/{id}/export", post(export_cycle))
        .route("/benefits/cycles/{id}/return", post(bank_return).layer(DefaultBodyLimit::max(16 << 20)))
        .route("/benefits/overpaid", get(overpaid))
        .route("/benefits/claims", get(claims).post(enrol_claims))
}

const AREA: &str = "benefits";
const HOME: (&str, &str) = ("优抚待遇", "/benefits");

/// Commits on success; on a user's mistake, says it in the flash and goes back.
async fn done<T>(
    state: &AppState,
    auth: &Auth,
    tx: Tx,
    result: Result<T, StoreError>,
    ok: impl FnOnce(&T) -> String,
    back: &str,
) -> Result<Response, AppError> {
    match result {
        Ok(v) => {
            tx.commit().await?;
            flash(state, &auth.ctx, &ok(&v)).await?;
            Ok(Redirect::to(back).into_response())
        }
        Err(StoreError::Invalid(m)) | Err(StoreError::Conflict(m)) => {
            drop(tx);
            flash(state, &auth.ctx, &format!("未办理：{m}")).await?;
            Ok(Redirect::to(back).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

// ---------------------------------------------------------------- overview, programs, standards

struct ProgramRow {
    program: Program,
    enrolled: i64,
}

#[derive(Template, WebTemplate)]
#[template(path = "benefits/overview.html")]
struct OverviewPage {
    layout: Layout,
    programs: Vec<ProgramRow>,
    inbox: Vec<(String, String, i64)>,
    is_admin: bool,
    age_start: AgeStart,
    kinds: Vec<(&'static str, &'static str)>,
}

async fn overview(State(state): State<AppState>, auth: Auth) -> Result<OverviewPage, AppError> {
    auth.require(auth.user.role.may_read_people())?;
    let scope = auth.scope();
    let (in_scope, vals) = scope.sql("p.org_path", 1);
    let mut programs = Vec::new();
    for program in benefits::programs(&state.store).await? {
        let mut params: Vec<sea_orm::Value> = vals.clone().into();
        params.push(program.id.into());
        let enrolled = state
            .store
            .count_of(
                state.store.conn(),
                &format!(
                    "SELECT COUNT(*) AS n FROM benefit_enrolment e JOIN person p ON p.id = e.person_id \
                     WHERE {in_scope} AND e.program_id = $3 AND e.end_month IS NULL"
                ),
                params,
            )
            .await?;
        programs.push(ProgramRow { program, enrolled });
    }
    let mut inbox = Vec::new();
    for status in [ApplicationStatus::Submitted, ApplicationStatus::Reviewed] {
        let f = applications::Filter { status: Some(status), ..Default::default() };
        let (_, n) = applications::list(&state.store, &scope, &f, Page::new(Some(1), Some(1))).await?;
        inbox.push((status.label().to_owned(), format!("/benefits/applications?status={}", status.code()), n));
    }
    let layout = Layout::new(&state, &auth.ctx, AREA, &[], "优抚待遇").await?;
    Ok(OverviewPage {
        layout,
        programs,
        inbox,
        is_admin: auth.user.role.is_admin(),
        age_start: benefits::rule_settings(&state.store).await?.age_start,
        kinds: ProgramKind::ALL.iter().map(|k| (k.code(), k.label())).collect(),
    })
}

#[derive(Deserialize)]
struct ProgramForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    note: String,
}

async fn create_program(
    State(state): State<AppState>,
    auth: Auth,
    Form(f): Form<ProgramForm>,
) -> Result<Response, AppError> {
    auth.require(auth.user.role.is_admin())?;
    let Some(kind) = ProgramKind::from_code(&f.kind) else {
        flash(&state, &auth.ctx, "未办理：请选择新项目适用的规则").await?;
        return Ok(Redirect::to("/benefits").into_response());
    };
    let tx = state.store.begin_write().await?;
    let new = NewProgram { code: f.code, name: f.name, kind, note: f.note };
    let r = benefits::create_program(&state.store, &tx, &auth.user.actor(), auth.scope().root(), &new).await;
    let back = match &r {
        Ok(id) => format!("/benefits/programs/{id}"),
        Err(_) => "/benefits".to_owned(),
    };
    done(&state, &auth, tx, r, |_| "已新增待遇项目，请录入它的标准".to_owned(), &back).await
}

#[derive(Deserialize)]
struct SettingsForm {
    #[serde(default)]
    age_start: String,
}

async fn settings(
    State(state): State<AppState>,
    auth: Auth,
    Form(f): Form<SettingsForm>,
) -> Result<Response, AppError> {
    auth.require(auth.user.role.is_admin())?;
    let Some(age_start) = AgeStart::from_code(&f.age_start) else {
        flash(&state, &auth.ctx, "未办理：请选择起发月份的规则").await?;
        return Ok(Redirect::to("/benefits").into_response());
    };
    let tx = state.store.begin_write().await?;
    let r = benefits::set_age_start(&state.store, &tx, &auth.user.actor(), age_start).await;
    done(&state, &auth, tx, r, |_| format!("已设置：{}", age_start.label()), "/benefits").await
}

/// A key of a standards table with its rows, current first.
struct KeyRows {
    label: String,
    key: String,
    current: Option<Standard>,
    history: Vec<Standard>,
}

#[derive(Template, WebTemplate)]
#[template(path = "benefits/program.html")]
struct ProgramPage {
    layout: Layout,
    program: Program,
    keys: Vec<KeyRows>,
    may_edit: bool,
    default_date: String,
    per_year: bool,
}

async fn program_page(State(state): State<AppState>, auth: Auth, Path(id): Path<i64>) -> Result<ProgramPage, AppError> {
    auth.require(auth.user.role.may_read_people())?;
    let program = benefits::program(&state.store, id).await?;
    let rows = benefits::standards(&state.store, &program).await?;
    let today = benefits::today();
    let keys = program
        .kind
        .standard_keys()
        .into_iter()
        .map(|(key, label)| {
            let mut history: Vec<Standard> = rows.iter().filter(|r| r.key == key).cloned().collect();
            history.sort_by_key(|s| std::cmp::Reverse(s.effective_from));
            let current = history.iter().find(|s| s.effective_from <= today).cloned();
            KeyRows { label, key, current, history }
        })
        .collect();
    use chrono::Datelike;
    let layout = Layout::new(&state, &auth.ctx, AREA, &[HOME], program.name.clone()).await?;
    Ok(ProgramPage {
        layout,
        per_year: program.kind == ProgramKind::RuralVeteranElderly,
        program,
        keys,
        may_edit: auth.user.role.may_decide_benefits(),
        default_date: shuangyong_domain::benefits::default_effective_date(today.year()).to_string(),
    })
}

#[derive(Deserialize)]
struct StandardForm {
    #[serde(default)]
    key: String,
    #[serde(default)]
    annual: String,
    #[serde(default)]
    effective_from: String,
    #[serde(default)]
    note: String,
}

async fn add_standard(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Form(f): Form<StandardForm>,
) -> Result<Response, AppError> {
    auth.require(auth.user.role.may_decide_benefits())?;
    let program = benefits::program(&state.store, id).await?;
    let back = format!("/benefits/programs/{id}");
    let annual = parse_yuan(&f.annual).map_err(|e| e.to_string());
    let from = shuangyong_domain::parse_date(&f.effective_from)
        .map(|d| d.date)
        .map_err(|e| format!("生效日期：{e}（如 2025-08-01）"));
    let (annual, from) = match (annual, from) {
        (Ok(a), Ok(d)) => (a, d),
        (Err(e), _) | (_, Err(e)) => {
            flash(&state, &auth.ctx, &format!("未办理：{e}")).await?;
            return Ok(Redirect::to(&back).into_response());
        }
    };
    let tx = state.store.begin_write().await?;
    let r =
        benefits::set_standard(&state.store, &tx, &auth.user.actor(), &program, &f.key, annual, from, &f.note).await;
    let past = from < benefits::today();
    done(
        &state,
        &auth,
        tx,
        r,
        |_| {
            if past {
                format!("已保存标准（自{from}起）。生效日期早于今天：已发放月份的差额将在下次计算发放时自动补发")
            } else {
                format!("已保存标准，自{from}起执行")
            }
        },
        &back,
    )
    .await
}

// ---------------------------------------------------------------- applications

#[derive(Deserialize)]
struct InboxQuery {
    #[serde(default)]
    status: String,
    #[serde(default)]
    program: String,
    #[serde(default)]
    mine: String,
    page: Option<u64>,
}

#[derive(Template, WebTemplate)]
#[template(path = "benefits/applications.html")]
struct InboxPage {
    layout: Layout,
    list: Vec<Application>,
    pager: Pager,
    programs: Vec<Program>,
    status: String,
    program: String,
    mine: bool,
    tabs: Vec<(String, String, bool)>,
}

/// The inbox a role starts on: a township its reviews, the county its decisions.
fn default_status(role: Role) -> &'static str {
    match role {
        Role::TownshipClerk => "submitted",
        Role::Admin | Role::CountyClerk => "reviewed",
        _ => "",
    }
}

async fn inbox(State(state): State<AppState>, auth: Auth, Query(q): Query<InboxQuery>) -> Result<InboxPage, AppError> {
    auth.require(auth.user.role.may_read_people())?;
    let status = if q.status.is_empty() && q.page.is_none() && q.program.is_empty() && q.mine.is_empty() {
        default_status(auth.user.role).to_owned()
    } else {
        q.status.clone()
    };
    let status = if status == "all" { String::new() } else { status };
    let mine = q.mine == "1" || (auth.user.role == Role::VillageContact && q.mine.is_empty());
    let filter = applications::Filter {
        status: ApplicationStatus::from_code(&status),
        program_id: q.program.parse().ok(),
        submitted_by: mine.then_some(auth.user.id),
    };
    let page = Page::new(q.page, None);
    let (list, total) = applications::list(&state.store, &auth.scope(), &filter, page).await?;
    let qs = query_string(&[
        ("status", if status.is_empty() { "all" } else { &status }),
        ("program", &q.program),
        ("mine", if mine { "1" } else { "0" }),
    ]);
    let tabs = [
        ("submitted", "待乡镇审核"),
        ("reviewed", "待县级审批"),
        ("approved", "已批准"),
        ("rejected", "已驳回"),
        ("all", "全部"),
    ]
    .into_iter()
    .map(|(code, label)| {
        let active = status == code || (code == "all" && status.is_empty());
        (label.to_owned(), format!("/benefits/applications?status={code}"), active)
    })
    .collect();
    let layout = Layout::new(&state, &auth.ctx, AREA, &[HOME], "待遇申请").await?;
    Ok(InboxPage {
        layout,
        list,
        pager: Pager::new(page, total, &qs),
        programs: benefits::programs(&state.store).await?,
        status,
        program: q.program,
        mine,
        tabs,
    })
}

#[derive(Deserialize)]
struct NewQuery {
    person: Option<i64>,
}

#[derive(Template, WebTemplate)]
#[template(path = "benefits/application_new.html")]
struct NewApplicationPage {
    layout: Layout,
    person: Person,
    benefits: Vec<PersonBenefit>,
}

async fn new_application(
    State(state): State<AppState>,
    auth: Auth,
    Query(q): Query<NewQuery>,
) -> Result<NewApplicationPage, AppError> {
    auth.require(auth.user.role.may_edit_people())?;
    let Some(id) = q.person else {
        return Err(AppError::invalid("请从人员页面进入申请：先在“优抚对象”中找到此人，再点“申请待遇”"));
    };
    let person = registry::get(&state.store, &auth.scope(), id).await?;
    let benefits = benefits::for_person(&state.store, &auth.scope(), id, benefits::today()).await?;
    let layout =
        Layout::new(&state, &auth.ctx, AREA, &[HOME, ("待遇申请", "/benefits/applications")], "申请待遇").await?;
    Ok(NewApplicationPage { layout, person, benefits })
}

#[derive(Deserialize)]
struct SubmitForm {
    person: i64,
    #[serde(default)]
    program: String,
    #[serde(default)]
    note: String,
}

async fn submit(State(state): State<AppState>, auth: Auth, Form(f): Form<SubmitForm>) -> Result<Response, AppError> {
    auth.require(auth.user.role.may_edit_people())?;
    registry::get(&state.store, &auth.scope(), f.person).await?;
    let back = format!("/benefits/applications/new?person={}", f.person);
    let Ok(program) = f.program.parse::<i64>() else {
        flash(&state, &auth.ctx, "未办理：请选择要申请的待遇项目").await?;
        return Ok(Redirect::to(&back).into_response());
    };
    let tx = state.store.begin_write().await?;
    let r =
        applications::submit(&state.store, &tx, &auth.user.actor(), &auth.scope(), f.person, program, &f.note).await;
    let target = match &r {
        Ok(id) => format!("/benefits/applications/{id}"),
        Err(_) => back,
    };
    done(&state, &auth, tx, r, |_| "申请已提交，等待乡镇审核".to_owned(), &target).await
}

#[derive(Template, WebTemplate)]
#[template(path = "benefits/application.html")]
struct ApplicationPage {
    layout: Layout,
    a: Application,
    verdict_now: String,
    eligible_now: bool,
    may_review: bool,
    may_decide: bool,
    own: bool,
    open: bool,
}

async fn application_page(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
) -> Result<ApplicationPage, AppError> {
    auth.require(auth.user.role.may_read_people())?;
    let a = applications::get(&state.store, &auth.scope(), id).await?;
    let program = benefits::program(&state.store, a.program_id).await?;
    let v = benefits::judge(&state.store, state.store.conn(), a.person_id, &program, benefits::today()).await?;
    let own = a.submitted_by == auth.user.id;
    let role = auth.user.role;
    let layout = Layout::new(
        &state,
        &auth.ctx,
        AREA,
        &[HOME, ("待遇申请", "/benefits/applications")],
        format!("{}：{}", a.program_name, a.person_name),
    )
    .await?;
    Ok(ApplicationPage {
        layout,
        may_review: role.is_manager() && a.status == ApplicationStatus::Submitted && !own,
        may_decide: role.may_decide_benefits() && a.status == ApplicationStatus::Reviewed && !own,
        own,
        open: matches!(a.status, ApplicationStatus::Submitted | ApplicationStatus::Reviewed),
        verdict_now: v.text(),
        eligible_now: v.eligible,
        a,
    })
}

#[derive(Deserialize)]
struct NoteForm {
    #[serde(default)]
    note: String,
}

async fn review(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Form(f): Form<NoteForm>,
) -> Result<Response, AppError> {
    auth.require(auth.user.role.is_manager())?;
    applications::get(&state.store, &auth.scope(), id).await?;
    let tx = state.store.begin_write().await?;
    let r = applications::review(&state.store, &tx, &auth.user.actor(), &auth.scope(), id, &f.note).await;
    done(&state, &auth, tx, r, |_| "已审核，申请转县级审批".to_owned(), &format!("/benefits/applications/{id}")).await
}

#[derive(Deserialize)]
struct DecideForm {
    #[serde(default)]
    decision: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    start: String,
}

async fn decide(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Form(f): Form<DecideForm>,
) -> Result<Response, AppError> {
    auth.require(auth.user.role.may_decide_benefits())?;
    applications::get(&state.store, &auth.scope(), id).await?;
    let back = format!("/benefits/applications/{id}");
    let approve = match f.decision.as_str() {
        "approve" => true,
        "reject" => false,
        _ => {
            flash(&state, &auth.ctx, "未办理：请选择批准或驳回").await?;
            return Ok(Redirect::to(&back).into_response());
        }
    };
    let start = if f.start.trim().is_empty() {
        None
    } else {
        match Period::parse(&f.start) {
            Ok(p) => Some(p),
            Err(e) => {
                flash(&state, &auth.ctx, &format!("未办理：起始月份{e}（如 2025-01）")).await?;
                return Ok(Redirect::to(&back).into_response());
            }
        }
    };
    let tx = state.store.begin_write().await?;
    let r =
        applications::decide(&state.store, &tx, &auth.user.actor(), &auth.scope(), id, approve, &f.note, start).await;
    done(
        &state,
        &auth,
        tx,
        r,
        |_| if approve { "已批准，已纳入发放".to_owned() } else { "已驳回，理由已记录".to_owned() },
        &back,
    )
    .await
}

// ---------------------------------------------------------------- cycles

#[derive(Template, WebTemplate)]
#[template(path = "benefits/cycles.html")]
struct CyclesPage {
    layout: Layout,
    cycles: Vec<Cycle>,
    programs: Vec<Program>,
    may_run: bool,
    next_period: String,
}

async fn cycles(State(state): State<AppState>, auth: Auth) -> Result<CyclesPage, AppError> {
    auth.require(auth.user.role.may_read_people())?;
    let cycles = cycle::list(&state.store, &auth.scope(), None).await?;
    let layout = Layout::new(&state, &auth.ctx, AREA, &[HOME], "发放批次").await?;
    Ok(CyclesPage {
        layout,
        cycles,
        programs: benefits::programs(&state.store).await?.into_iter().filter(|p| p.active).collect(),
        may_run: auth.user.role.may_decide_benefits(),
        next_period: Period::of(benefits::today()).to_string(),
    })
}

#[derive(Deserialize)]
struct RunForm {
    #[serde(default)]
    program: String,
    #[serde(default)]
    period: String,
}

async fn run_cycle(State(state): State<AppState>, auth: Auth, Form(f): Form<RunForm>) -> Result<Response, AppError> {
    auth.require(auth.user.role.may_decide_benefits())?;
    let program = match (f.program.as_str(), f.program.parse::<i64>()) {
        ("all", _) => None,
        (_, Ok(id)) => Some(benefits::program(&state.store, id).await?),
        (_, Err(_)) => {
            flash(&state, &auth.ctx, "未办理：请选择待遇项目").await?;
            return Ok(Redirect::to("/benefits/cycles").into_response());
        }
    };
    let period = match Period::parse(&f.period) {
        Ok(p) => p,
        Err(e) => {
            flash(&state, &auth.ctx, &format!("未办理：发放月份{e}（如 2025-01）")).await?;
            return Ok(Redirect::to("/benefits/cycles").into_response());
        }
    };
    let (actor, county) = (auth.user.actor(), auth.scope().root().clone());
    let done = match &program {
        Some(p) => cycle::run(&state.store, &actor, &county, p, period).await.map(|r| vec![r]),
        None => cycle::run_all(&state.store, &actor, &county, period).await,
    };
    match done {
        Ok(runs) => {
            let text = runs
                .iter()
                .map(|r| {
                    format!(
                        "{}{}：{}条，合计{}元（补发/重发{}条），未发放{}人",
                        r.program_name,
                        r.period,
                        r.lines,
                        shuangyong_domain::money::yuan_grouped(r.total_fen),
                        r.backpay_lines,
                        r.skipped
                    )
                })
                .collect::<Vec<_>>()
                .join("；");
            flash(&state, &auth.ctx, &format!("已计算{text}。请由另一位工作人员审批")).await?;
            let to = match runs.as_slice() {
                [one] => format!("/benefits/cycles/{}", one.cycle),
                _ => "/benefits/cycles".to_owned(),
            };
            Ok(Redirect::to(&to).into_response())
        }
        Err(StoreError::Invalid(m)) | Err(StoreError::Conflict(m)) => {
            flash(&state, &auth.ctx, &format!("未办理：{m}")).await?;
            Ok(Redirect::to("/benefits/cycles").into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "benefits/cycle.html")]
struct CyclePage {
    layout: Layout,
    c: Cycle,
    towns: Vec<TownshipTotal>,
    skips: Vec<Skip>,
    may_approve: bool,
    may_export: bool,
}

async fn cycle_page(State(state): State<AppState>, auth: Auth, Path(id): Path<i64>) -> Result<CyclePage, AppError> {
    auth.require(auth.user.role.may_read_people())?;
    let c = cycle::get(&state.store, &auth.scope(), id).await?;
    let towns = cycle::by_township(&state.store, &auth.scope(), id).await?;
    let skips = cycle::skips(&state.store, &auth.scope(), id).await?;
    let role = auth.user.role;
    let layout = Layout::new(
        &state,
        &auth.ctx,
        AREA,
        &[HOME, ("发放批次", "/benefits/cycles")],
        format!("{} {}", c.program_name, c.period),
    )
    .await?;
    Ok(CyclePage {
        layout,
        may_approve: role.may_decide_benefits() && c.status == shuangyong_domain::benefits::CycleStatus::Computed,
        may_export: role.may_decide_benefits() && c.status != shuangyong_domain::benefits::CycleStatus::Computed,
        c,
        towns,
        skips,
    })
}

#[derive(Deserialize)]
struct LinesQuery {
    #[serde(default)]
    status: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    unit: String,
    page: Option<u64>,
}

#[derive(Template, WebTemplate)]
#[template(path = "benefits/lines.html")]
struct LinesPage {
    layout: Layout,
    c: Cycle,
    lines: Vec<Line>,
    pager: Pager,
    units: Vec<OrgUnit>,
    q: LinesQuery,
}

async fn lines_page(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Query(q): Query<LinesQuery>,
) -> Result<LinesPage, AppError> {
    auth.require(auth.user.role.may_read_people())?;
    let c = cycle::get(&state.store, &auth.scope(), id).await?;
    let filter = LineFilter {
        status: Some(q.status.clone()),
        kind: Some(q.kind.clone()),
        name: Some(q.name.clone()),
        unit: OrgPath::parse(&q.unit).ok(),
    };
    let page = Page::new(q.page, Some(50));
    let (lines, total) = cycle::lines(&state.store, &auth.scope(), id, &filter, page).await?;
    let qs = query_string(&[("status", &q.status), ("kind", &q.kind), ("name", &q.name), ("unit", &q.unit)]);
    let units = org::list(&state.store, &auth.scope()).await?.into_iter().filter(|u| u.path.depth() <= 2).collect();
    let layout = Layout::new(
        &state,
        &auth.ctx,
        AREA,
        &[
            HOME,
            ("发放批次", "/benefits/cycles"),
            (&format!("{} {}", c.program_name, c.period), &format!("/benefits/cycles/{id}")),
        ],
        "发放明细",
    )
    .await?;
    Ok(LinesPage { layout, c, lines, pager: Pager::new(page, total, &qs), units, q })
}

async fn approve_cycle(State(state): State<AppState>, auth: Auth, Path(id): Path<i64>) -> Result<Response, AppError> {
    auth.require(auth.user.role.may_decide_benefits())?;
    let tx = state.store.begin_write().await?;
    let r = cycle::approve(&state.store, &tx, &auth.user.actor(), &auth.scope(), id).await;
    done(&state, &auth, tx, r, |_| "已审批，可以导出银行文件".to_owned(), &format!("/benefits/cycles/{id}")).await
}

#[derive(Deserialize)]
struct ExportForm {
    #[serde(default)]
    format: String,
}

async fn export_cycle(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Form(f): Form<ExportForm>,
) -> Result<Response, AppError> {
    auth.require(auth.user.role.may_decide_benefits())?;
    let (format, ext, mime) = if f.format == "csv" {
        (ExportFormat::Csv, "csv", "text/csv; charset=utf-8")
    } else {
        (ExportFormat::Xlsx, "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    };
    match cycle::export(&state.store, &auth.user.actor(), &auth.scope(), id, format).await {
        Ok(bytes) => {
            let c = cycle::get(&state.store, &auth.scope(), id).await?;
            let name = format!("银行发放文件_{}_{}_批次{id}.{ext}", c.program_name, c.period);
            Ok(crate::registry::transfer::download(bytes, &name, mime))
        }
        Err(StoreError::Invalid(m)) => {
            flash(&state, &auth.ctx, &format!("未办理：{m}")).await?;
            Ok(Redirect::to(&format!("/benefits/cycles/{id}")).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

async fn bank_return(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    mut form: Multipart,
) -> Result<Response, AppError> {
    auth.require(auth.user.role.may_decide_benefits())?;
    let back = format!("/benefits/cycles/{id}");
    let mut bytes = Vec::new();
    while let Some(field) = form.next_field().await.map_err(|_| AppError::invalid("上传未完成，请重新选择文件上传"))?
    {
        if field.name() == Some("file") {
            bytes = field.bytes().await.map_err(|_| AppError::invalid("文件过大或上传中断，请重新上传"))?.to_vec();
        }
    }
    if bytes.is_empty() {
        flash(&state, &auth.ctx, "未办理：请先选择银行回盘文件（CSV 或 XLSX）").await?;
        return Ok(Redirect::to(&back).into_response());
    }
    let message = match cycle::apply_return(&state.store, &auth.user.actor(), &auth.scope(), id, &bytes).await {
        Ok(Ok(s)) => format!(
            "已导入回盘：到账{}条，失败{}条，未变{}条。失败的将在下个月计算时重发",
            s.paid, s.failed, s.unchanged
        ),
        Ok(Err(errors)) => {
            let list: Vec<String> = errors
                .iter()
                .take(5)
                .map(|e| if e.row > 0 { format!("第{}行：{}", e.row, e.message) } else { e.message.clone() })
                .collect();
            format!("未办理：回盘文件有{}处问题，没有做任何修改。{}", errors.len(), list.join("；"))
        }
        Err(StoreError::Invalid(m)) => format!("未办理：{m}"),
        Err(e) => return Err(e.into()),
    };
    flash(&state, &auth.ctx, &message).await?;
    Ok(Redirect::to(&back).into_response())
}

// ---------------------------------------------------------------- over-payments, imported claims

#[derive(Template, WebTemplate)]
#[template(path = "benefits/overpaid.html")]
struct OverpaidPage {
    layout: Layout,
    list: Vec<Overpaid>,
    total: String,
}

async fn overpaid(State(state): State<AppState>, auth: Auth) -> Result<OverpaidPage, AppError> {
    auth.require(auth.user.role.may_read_people())?;
    let list = cycle::overpaid(&state.store, &auth.scope(), None).await?;
    let total = shuangyong_domain::money::yuan_grouped(list.iter().map(|o| o.amount_fen).sum());
    let layout = Layout::new(&state, &auth.ctx, AREA, &[HOME], "待追回").await?;
    Ok(OverpaidPage { layout, list, total })
}

#[derive(Template, WebTemplate)]
#[template(path = "benefits/claims.html")]
struct ClaimsPage {
    layout: Layout,
    list: Vec<ClaimCheck>,
    eligible: usize,
    may_enrol: bool,
}

async fn claims(State(state): State<AppState>, auth: Auth) -> Result<ClaimsPage, AppError> {
    auth.require(auth.user.role.may_read_people())?;
    let list = benefits::claims(&state.store, &auth.scope(), benefits::today(), 500).await?;
    let eligible = list.iter().filter(|c| c.eligible).count();
    let layout = Layout::new(&state, &auth.ctx, AREA, &[HOME], "导入待遇核对").await?;
    Ok(ClaimsPage { layout, list, eligible, may_enrol: auth.user.role.may_decide_benefits() })
}

async fn enrol_claims(State(state): State<AppState>, auth: Auth) -> Result<Response, AppError> {
    auth.require(auth.user.role.may_decide_benefits())?;
    let n = benefits::enrol_claims(&state.store, &auth.user.actor(), &auth.scope(), benefits::today()).await?;
    flash(&state, &auth.ctx, &format!("已将 {n} 条符合规则的导入待遇纳入发放；不符合的仍列在下面，请逐一核实")).await?;
    Ok(Redirect::to("/benefits/claims").into_response())
}

#[derive(Deserialize)]
struct EnrolledQuery {
    #[serde(default)]
    unit: String,
    /// Enrolled by this month (`2024-12`), as a year's figure counts them; empty: now.
    #[serde(default)]
    until: String,
    page: Option<u64>,
}

#[derive(Template, WebTemplate)]
#[template(path = "benefits/enrolled.html")]
struct EnrolledPage {
    layout: Layout,
    program: Program,
    list: Vec<benefits::Enrolled>,
    pager: Pager,
    unit_name: String,
    unit: String,
    until: Option<String>,
}

/// Those enrolled in a program: the records behind the dashboard's counts.
async fn enrolled_page(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Query(q): Query<EnrolledQuery>,
) -> Result<EnrolledPage, AppError> {
    auth.require(auth.user.role.may_read_people())?;
    let program = benefits::program(&state.store, id).await?;
    let scope = match OrgPath::parse(&q.unit) {
        Ok(u) if auth.scope().contains(&u) => shuangyong_store::Scope::new(u),
        _ => auth.scope(),
    };
    let unit_name = org::get(&state.store, &scope, scope.root()).await.map(|u| u.name).unwrap_or_default();
    let page = Page::new(q.page, Some(50));
    let until = Period::parse(q.until.trim()).ok().map(|p| p.to_string());
    let (list, total) = benefits::enrolled(&state.store, &scope, id, until.as_deref(), page).await?;
    let qs = query_string(&[("unit", &q.unit), ("until", until.as_deref().unwrap_or(""))]);
    let layout = Layout::new(
        &state,
        &auth.ctx,
        AREA,
        &[HOME, (&program.name, &format!("/benefits/programs/{id}"))],
        "在享受人员",
    )
    .await?;
    Ok(EnrolledPage { layout, program, list, pager: Pager::new(page, total, &qs), unit_name, unit: q.unit, until })
}
