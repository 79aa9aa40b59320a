//! 优抚待遇 through the API: programs and standards, a person's benefits, applications and their
//! steps, payment cycles and their lines. The same store calls and the same checks as the pages.

use axum::extract::{Path, Query, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::NaiveDate;
use serde::Deserialize;
use serde_json::{Value, json};
use shuangyong_domain::Period;
use shuangyong_domain::benefits::ApplicationStatus;
use shuangyong_store::benefits::applications;
use shuangyong_store::benefits::cycle::{self, LineFilter};
use shuangyong_store::benefits::{self, Program};
use shuangyong_store::org::Page;
use utoipa::ToSchema;

use super::ApiJson;
use crate::AppState;
use crate::ctx::ApiAuth;
use crate::error::{ApiResult, AppError};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/benefits/programs", get(programs))
        .route("/api/v1/benefits/programs/{id}/standards", post(set_standard))
        .route("/api/v1/persons/{id}/benefits", get(person_benefits))
        .route("/api/v1/benefits/applications", get(list_applications).post(submit))
        .route("/api/v1/benefits/applications/{id}", get(application))
        .route("/api/v1/benefits/applications/{id}/review", post(review))
        .route("/api/v1/benefits/applications/{id}/decide", post(decide))
        .route("/api/v1/benefits/cycles", get(cycles).post(run))
        .route("/api/v1/benefits/cycles/{id}", get(one_cycle))
        .route("/api/v1/benefits/cycles/{id}/lines", get(lines))
        .route("/api/v1/benefits/cycles/{id}/approve", post(approve))
}

fn to_json<T: serde::Serialize>(v: &T) -> Result<Value, AppError> {
    serde_json::to_value(v).map_err(|e| AppError::Internal(anyhow::anyhow!("json: {e}")))
}

/// Programs, each with its standards table.
#[utoipa::path(get, path = "/api/v1/benefits/programs", tag = "优抚待遇", responses((status = 200, description = "项目及标准")))]
pub async fn programs(State(state): State<AppState>, ApiAuth(auth): ApiAuth) -> ApiResult<Value> {
    auth.require(auth.user.role.may_read_people())?;
    let mut out = Vec::new();
    for p in benefits::programs(&state.store).await? {
        let standards = benefits::standards(&state.store, &p).await?;
        let mut v = to_json(&p)?;
        v["kind"] = json!(p.kind.code());
        v["standards"] = to_json(&standards)?;
        out.push(v);
    }
    Ok(Json(json!({ "items": out })))
}

#[derive(Deserialize, ToSchema)]
pub struct StandardBody {
    pub key: String,
    pub annual_fen: i64,
    pub effective_from: NaiveDate,
    #[serde(default)]
    pub note: String,
}

/// Sets a standard from a date (a past date means back-pay in the next cycle).
#[utoipa::path(post, path = "/api/v1/benefits/programs/{id}/standards", tag = "优抚待遇", params(("id" = i64, Path)),
    request_body = StandardBody, responses((status = 200, description = "已保存")))]
pub async fn set_standard(
    State(state): State<AppState>,
    ApiAuth(auth): ApiAuth,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<StandardBody>,
) -> ApiResult<Value> {
    auth.require(auth.user.role.may_decide_benefits())?;
    let program = benefits::program(&state.store, id).await?;
    let tx = state.store.begin_write().await?;
    let sid = benefits::set_standard(
        &state.store,
        &tx,
        &auth.user.actor(),
        &program,
        &b.key,
        b.annual_fen,
        b.effective_from,
        &b.note,
    )
    .await?;
    tx.commit().await?;
    Ok(Json(json!({ "id": sid })))
}

/// Every program judged for a person today: verdict with reasons, enrolment, application in progress.
#[utoipa::path(get, path = "/api/v1/persons/{id}/benefits", tag = "优抚待遇", params(("id" = i64, Path)),
    responses((status = 200, description = "各项目的规则判定")))]
pub async fn person_benefits(
    State(state): State<AppState>,
    ApiAuth(auth): ApiAuth,
    Path(id): Path<i64>,
) -> ApiResult<Value> {
    auth.require(auth.user.role.may_read_people())?;
    let list = benefits::for_person(&state.store, &auth.scope(), id, benefits::today()).await?;
    let items: Vec<Value> = list
        .iter()
        .map(|b| {
            json!({
                "program": b.program.code, "program_name": b.program.name, "eligible": b.verdict.eligible,
                "verdict": b.verdict_text, "met": b.verdict.met, "unmet": b.verdict.unmet, "to_check": b.verdict.to_check,
                "annual_fen": b.verdict.annual_fen, "enrolment": b.enrolment, "pending_application": b.pending.as_ref().map(|p| p.0),
            })
        })
        .collect();
    Ok(Json(json!({ "items": items })))
}

#[derive(Deserialize)]
pub struct AppQuery {
    #[serde(default)]
    status: String,
    program: Option<i64>,
    page: Option<u64>,
    per_page: Option<u64>,
}

/// Applications in the caller's subtree, newest first.
#[utoipa::path(get, path = "/api/v1/benefits/applications", tag = "优抚待遇",
    params(("status" = Option<String>, Query), ("program" = Option<i64>, Query), ("page" = Option<u64>, Query)),
    responses((status = 200, description = "申请列表")))]
pub async fn list_applications(
    State(state): State<AppState>,
    ApiAuth(auth): ApiAuth,
    Query(q): Query<AppQuery>,
) -> ApiResult<Value> {
    auth.require(auth.user.role.may_read_people())?;
    let filter = applications::Filter {
        status: ApplicationStatus::from_code(&q.status),
        program_id: q.program,
        submitted_by: None,
    };
    let page = Page::new(q.page, q.per_page);
    let (list, total) = applications::list(&state.store, &auth.scope(), &filter, page).await?;
    Ok(Json(json!({ "items": to_json(&list)?, "total": total, "page": page.number, "per_page": page.size })))
}

#[derive(Deserialize, ToSchema)]
pub struct SubmitBody {
    pub person_id: i64,
    /// The program's code (`rural_veteran_elderly`).
    pub program: String,
    #[serde(default)]
    pub note: String,
}

async fn program_arg(state: &AppState, code: &str) -> Result<Program, AppError> {
    Ok(benefits::program_by_code(&state.store, code).await?)
}

/// Submits an application (village contact, township or county staff).
#[utoipa::path(post, path = "/api/v1/benefits/applications", tag = "优抚待遇", request_body = SubmitBody,
    responses((status = 200, description = "已提交"), (status = 409, body = crate::error::ErrorBody)))]
pub async fn submit(
    State(state): State<AppState>,
    ApiAuth(auth): ApiAuth,
    ApiJson(b): ApiJson<SubmitBody>,
) -> ApiResult<Value> {
    auth.require(auth.user.role.may_edit_people())?;
    shuangyong_store::registry::get(&state.store, &auth.scope(), b.person_id).await?;
    let program = program_arg(&state, &b.program).await?;
    let tx = state.store.begin_write().await?;
    let id =
        applications::submit(&state.store, &tx, &auth.user.actor(), &auth.scope(), b.person_id, program.id, &b.note)
            .await?;
    tx.commit().await?;
    Ok(Json(to_json(&applications::get(&state.store, &auth.scope(), id).await?)?))
}

#[utoipa::path(get, path = "/api/v1/benefits/applications/{id}", tag = "优抚待遇", params(("id" = i64, Path)),
    responses((status = 200, description = "申请及当前规则判定")))]
pub async fn application(
    State(state): State<AppState>,
    ApiAuth(auth): ApiAuth,
    Path(id): Path<i64>,
) -> ApiResult<Value> {
    auth.require(auth.user.role.may_read_people())?;
    let a = applications::get(&state.store, &auth.scope(), id).await?;
    let program = benefits::program(&state.store, a.program_id).await?;
    let v = benefits::judge(&state.store, state.store.conn(), a.person_id, &program, benefits::today()).await?;
    let mut out = to_json(&a)?;
    out["verdict_now"] = json!(v.text());
    out["eligible_now"] = json!(v.eligible);
    Ok(Json(out))
}

#[derive(Deserialize, ToSchema)]
pub struct NoteBody {
    #[serde(default)]
    pub note: String,
}

/// The township's review.
#[utoipa::path(post, path = "/api/v1/benefits/applications/{id}/review", tag = "优抚待遇", params(("id" = i64, Path)),
    request_body = NoteBody, responses((status = 200, description = "已审核")))]
pub async fn review(
    State(state): State<AppState>,
    ApiAuth(auth): ApiAuth,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<NoteBody>,
) -> ApiResult<Value> {
    auth.require(auth.user.role.is_manager())?;
    let tx = state.store.begin_write().await?;
    applications::review(&state.store, &tx, &auth.user.actor(), &auth.scope(), id, &b.note).await?;
    tx.commit().await?;
    Ok(Json(to_json(&applications::get(&state.store, &auth.scope(), id).await?)?))
}

#[derive(Deserialize, ToSchema)]
pub struct DecideBody {
    /// `approve` or `reject`.
    pub decision: String,
    #[serde(default)]
    pub note: String,
    /// The first month paid, `YYYY-MM` (default: the month submitted).
    pub start: Option<String>,
}

/// The county's decision (not by the one who submitted).
#[utoipa::path(post, path = "/api/v1/benefits/applications/{id}/decide", tag = "优抚待遇", params(("id" = i64, Path)),
    request_body = DecideBody, responses((status = 200, description = "已审批")))]
pub async fn decide(
    State(state): State<AppState>,
    ApiAuth(auth): ApiAuth,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<DecideBody>,
) -> ApiResult<Value> {
    auth.require(auth.user.role.may_decide_benefits())?;
    applications::get(&state.store, &auth.scope(), id).await?;
    let approve = match b.decision.as_str() {
        "approve" => true,
        "reject" => false,
        _ => return Err(AppError::invalid("decision 应为 approve 或 reject").into()),
    };
    let start = match b.start.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => Some(Period::parse(s).map_err(|e| AppError::invalid(format!("start：{e}（如 2025-01）")))?),
        None => None,
    };
    let tx = state.store.begin_write().await?;
    applications::decide(&state.store, &tx, &auth.user.actor(), &auth.scope(), id, approve, &b.note, start).await?;
    tx.commit().await?;
    Ok(Json(to_json(&applications::get(&state.store, &auth.scope(), id).await?)?))
}

/// The county's payment cycles.
#[utoipa::path(get, path = "/api/v1/benefits/cycles", tag = "优抚待遇", responses((status = 200, description = "发放批次")))]
pub async fn cycles(State(state): State<AppState>, ApiAuth(auth): ApiAuth) -> ApiResult<Value> {
    auth.require(auth.user.role.may_read_people())?;
    Ok(Json(json!({ "items": to_json(&cycle::list(&state.store, &auth.scope(), None).await?)? })))
}

#[derive(Deserialize, ToSchema)]
pub struct RunBody {
    /// The program's code, or `all`: every active program not yet computed for the period, in one
    /// transaction (the answer is then a list of such objects).
    pub program: String,
    /// `YYYY-MM`.
    pub period: String,
}

/// Computes and freezes a cycle: `{"cycle", "program", "period", "lines", "total_fen", …}`.
#[utoipa::path(post, path = "/api/v1/benefits/cycles", tag = "优抚待遇", request_body = RunBody,
    responses((status = 200, description = "已计算"), (status = 409, body = crate::error::ErrorBody)))]
pub async fn run(
    State(state): State<AppState>,
    ApiAuth(auth): ApiAuth,
    ApiJson(b): ApiJson<RunBody>,
) -> ApiResult<Value> {
    auth.require(auth.user.role.may_decide_benefits())?;
    let period = Period::parse(&b.period).map_err(|e| AppError::invalid(format!("period：{e}（如 2025-01）")))?;
    if b.program == "all" {
        let runs = cycle::run_all(&state.store, &auth.user.actor(), auth.scope().root(), period).await?;
        return Ok(Json(to_json(&runs)?));
    }
    let program = program_arg(&state, &b.program).await?;
    let r = cycle::run(&state.store, &auth.user.actor(), auth.scope().root(), &program, period).await?;
    Ok(Json(to_json(&r)?))
}

/// One cycle with its totals by township (over the caller's subtree) and the people left out.
#[utoipa::path(get, path = "/api/v1/benefits/cycles/{id}", tag = "优抚待遇", params(("id" = i64, Path)),
    responses((status = 200, description = "批次")))]
pub async fn one_cycle(State(state): State<AppState>, ApiAuth(auth): ApiAuth, Path(id): Path<i64>) -> ApiResult<Value> {
    auth.require(auth.user.role.may_read_people())?;
    let c = cycle::get(&state.store, &auth.scope(), id).await?;
    let towns = cycle::by_township(&state.store, &auth.scope(), id).await?;
    let skips = cycle::skips(&state.store, &auth.scope(), id).await?;
    let mut out = to_json(&c)?;
    out["townships"] = to_json(&towns)?;
    out["skipped_people"] = to_json(&skips)?;
    Ok(Json(out))
}

#[derive(Deserialize)]
pub struct LinesQuery {
    #[serde(default)]
    status: String,
    #[serde(default)]
    kind: String,
    page: Option<u64>,
    per_page: Option<u64>,
}

/// A cycle's lines in the caller's subtree (accounts masked).
#[utoipa::path(get, path = "/api/v1/benefits/cycles/{id}/lines", tag = "优抚待遇", params(("id" = i64, Path),
    ("status" = Option<String>, Query), ("kind" = Option<String>, Query), ("page" = Option<u64>, Query)),
    responses((status = 200, description = "发放明细")))]
pub async fn lines(
    State(state): State<AppState>,
    ApiAuth(auth): ApiAuth,
    Path(id): Path<i64>,
    Query(q): Query<LinesQuery>,
) -> ApiResult<Value> {
    auth.require(auth.user.role.may_read_people())?;
    let page = Page::new(q.page, q.per_page);
    let filter = LineFilter { status: Some(q.status), kind: Some(q.kind), name: None, unit: None };
    let (list, total) = cycle::lines(&state.store, &auth.scope(), id, &filter, page).await?;
    Ok(Json(json!({ "items": to_json(&list)?, "total": total, "page": page.number, "per_page": page.size })))
}

/// Approves a computed cycle (not by the one who ran it).
#[utoipa::path(post, path = "/api/v1/benefits/cycles/{id}/approve", tag = "优抚待遇", params(("id" = i64, Path)),
    responses((status = 200, description = "已审批")))]
pub async fn approve(State(state): State<AppState>, ApiAuth(auth): ApiAuth, Path(id): Path<i64>) -> ApiResult<Value> {
    auth.require(auth.user.role.may_decide_benefits())?;
    let tx = state.store.begin_write().await?;
    cycle::approve(&state.store, &tx, &auth.user.actor(), &auth.scope(), id).await?;
    tx.commit().await?;
    Ok(Json(to_json(&cycle::get(&state.store, &auth.scope(), id).await?)?))
}
