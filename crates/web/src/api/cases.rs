//! 帮扶服务 through the API: housing cases, medical funds and claims, placements and training,
//! priority windows and preferential treatments. Bodies are the pages' forms as JSON (amounts in
//! 元 as text, dates as YYYY-MM-DD); answers carry amounts in fen.

use axum::extract::{Path, Query, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use shuangyong_domain::cases::{HousingState, Rate};
use shuangyong_store::cases::housing::{self, HousingCase, SolvedYear};
use shuangyong_store::cases::medical::{self, Claim, Fund};
use shuangyong_store::cases::placement::{self, Placement};
use shuangyong_store::cases::windows::{self, Treatment, Window};
use shuangyong_store::org::Page;

use super::ApiJson;
use crate::AppState;
use crate::cases::housing_pages::{HousingForm, HousingQuery, StateForm};
use crate::cases::medical_pages::{ClaimForm, ClaimQuery, FundForm, RejectForm};
use crate::cases::placement_pages::{PlacementForm, PlacementQuery};
use crate::cases::windows_pages::{TreatmentForm, TreatmentQuery, WindowForm, WindowQuery};
use crate::cases::{date_field, this_year, year_of};
use crate::ctx::ApiAuth;
use crate::error::{ApiResult, AppError};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/cases/housing", get(housing_list).post(housing_create))
        .route("/api/v1/cases/housing/solved", get(housing_solved))
        .route("/api/v1/cases/housing/{id}", get(housing_one).put(housing_update))
        .route("/api/v1/cases/housing/{id}/state", post(housing_state))
        .route("/api/v1/cases/medical/funds", get(funds).post(fund_create))
        .route("/api/v1/cases/medical/funds/{id}", get(fund_one))
        .route("/api/v1/cases/medical/claims", get(claims).post(claim_submit))
        .route("/api/v1/cases/medical/claims/{id}", get(claim_one))
        .route("/api/v1/cases/medical/claims/{id}/approve", post(claim_approve))
        .route("/api/v1/cases/medical/claims/{id}/reject", post(claim_reject))
        .route("/api/v1/cases/placements", get(placements).post(placement_create))
        .route("/api/v1/cases/placements/{id}", get(placement_one).put(placement_update))
        .route("/api/v1/cases/training", get(training))
        .route("/api/v1/cases/windows", get(windows_list).post(window_create))
        .route("/api/v1/cases/treatments", get(treatments).post(treatment_create))
}

/// One page of a list.
#[derive(Serialize)]
pub struct List<T> {
    pub items: Vec<T>,
    pub total: i64,
    pub page: u64,
    pub per_page: u64,
}

fn list<T>(items: Vec<T>, total: i64, page: Page) -> Json<List<T>> {
    Json(List { items, total, page: page.number, per_page: page.size })
}

/// Housing cases in the caller's subtree.
#[utoipa::path(get, path = "/api/v1/cases/housing", tag = "帮扶服务",
    params(("q" = Option<String>, Query), ("unit" = Option<String>, Query), ("state" = Option<String>, Query),
        ("way" = Option<String>, Query), ("year" = Option<String>, Query), ("page" = Option<u64>, Query)),
    responses((status = 200, description = "一页住房保障案件")))]
pub async fn housing_list(
    State(state): State<AppState>,
    ApiAuth(auth): ApiAuth,
    Query(q): Query<HousingQuery>,
) -> ApiResult<List<HousingCase>> {
    auth.require(auth.user.role.may_read_people())?;
    let page = Page::new(q.page, q.per_page);
    let (rows, total) = housing::list(&state.store, &auth.scope(), &q.filter()?, page).await?;
    Ok(list(rows, total, page))
}

#[derive(Deserialize)]
pub struct YearsQuery {
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
}

/// Households solved per year (cases completed), by way.
#[utoipa::path(get, path = "/api/v1/cases/housing/solved", tag = "帮扶服务",
    params(("from" = Option<String>, Query), ("to" = Option<String>, Query)),
    responses((status = 200, description = "每年解决户数")))]
pub async fn housing_solved(
    State(state): State<AppState>,
    ApiAuth(auth): ApiAuth,
    Query(q): Query<YearsQuery>,
) -> ApiResult<Vec<SolvedYear>> {
    auth.require(auth.user.role.may_read_people())?;
    let to = year_of(&q.to)?.unwrap_or_else(this_year);
    let from = year_of(&q.from)?.unwrap_or(to - 4);
    if from > to || to - from > 50 {
        return Err(AppError::invalid("年度范围不正确：起始年度应不晚于结束年度，且不超过 50 年").into());
    }
    Ok(Json(housing::solved_by_year(&state.store, &auth.scope(), from, to).await?))
}

#[utoipa::path(get, path = "/api/v1/cases/housing/{id}", tag = "帮扶服务", params(("id" = i64, Path)),
    responses((status = 200, description = "住房保障案件"), (status = 404, body = crate::error::ErrorBody)))]
pub async fn housing_one(
    State(state): State<AppState>,
    ApiAuth(auth): ApiAuth,
    Path(id): Path<i64>,
) -> ApiResult<HousingCase> {
    auth.require(auth.user.role.may_read_people())?;
    Ok(Json(housing::get(&state.store, &auth.scope(), id).await?))
}

#[utoipa::path(post, path = "/api/v1/cases/housing", tag = "帮扶服务", request_body = HousingForm,
    responses((status = 200, description = "已登记的案件"), (status = 422, body = crate::error::ErrorBody)))]
pub async fn housing_create(
    State(state): State<AppState>,
    ApiAuth(auth): ApiAuth,
    ApiJson(f): ApiJson<HousingForm>,
) -> ApiResult<HousingCase> {
    auth.require(auth.user.role.may_edit_people())?;
    let input = f.parse()?;
    let tx = state.store.begin_write().await?;
    let c = housing::create(&state.store, &tx, &auth.user.actor(), &auth.scope(), input).await?;
    tx.commit().await?;
    Ok(Json(c))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct HousingUpdate {
    #[serde(flatten)]
    pub form: HousingForm,
    /// The version read with the case: a change made in between is refused.
    pub version: i64,
}

#[utoipa::path(put, path = "/api/v1/cases/housing/{id}", tag = "帮扶服务", request_body = HousingUpdate, params(("id" = i64, Path)),
    responses((status = 200, description = "修改后的案件"), (status = 409, body = crate::error::ErrorBody)))]
pub async fn housing_update(
    State(state): State<AppState>,
    ApiAuth(auth): ApiAuth,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<HousingUpdate>,
) -> ApiResult<HousingCase> {
    auth.require(auth.user.role.may_edit_people())?;
    housing::get(&state.store, &auth.scope(), id).await?;
    let input = b.form.parse()?;
    let tx = state.store.begin_write().await?;
    let c = housing::update(&state.store, &tx, &auth.user.actor(), &auth.scope(), id, b.version, input).await?;
    tx.commit().await?;
    Ok(Json(c))
}

/// Moves a case to its next state (managers).
#[utoipa::path(post, path = "/api/v1/cases/housing/{id}/state", tag = "帮扶服务", request_body = StateForm, params(("id" = i64, Path)),
    responses((status = 200, description = "办理后的案件"), (status = 422, body = crate::error::ErrorBody)))]
pub async fn housing_state(
    State(state): State<AppState>,
    ApiAuth(auth): ApiAuth,
    Path(id): Path<i64>,
    ApiJson(f): ApiJson<StateForm>,
) -> ApiResult<HousingCase> {
    auth.require(auth.user.role.is_manager())?;
    housing::get(&state.store, &auth.scope(), id).await?;
    let to = HousingState::parse(&f.to).map_err(|e| AppError::invalid(e.to_string()))?;
    let on = date_field(&f.on, "办理日期")?;
    let tx = state.store.begin_write().await?;
    let c = housing::advance(&state.store, &tx, &auth.user.actor(), &auth.scope(), id, to, on, &f.note).await?;
    tx.commit().await?;
    Ok(Json(c))
}

#[utoipa::path(get, path = "/api/v1/cases/medical/funds", tag = "帮扶服务",
    responses((status = 200, description = "医疗救助基金：到位、已支出、待审核、余额")))]
pub async fn funds(State(state): State<AppState>, ApiAuth(auth): ApiAuth) -> ApiResult<Vec<Fund>> {
    auth.require(auth.user.role.may_read_people())?;
    Ok(Json(medical::funds(&state.store, &auth.scope()).await?))
}

#[utoipa::path(get, path = "/api/v1/cases/medical/funds/{id}", tag = "帮扶服务", params(("id" = i64, Path)),
    responses((status = 200, description = "一个基金"), (status = 404, body = crate::error::ErrorBody)))]
pub async fn fund_one(State(state): State<AppState>, ApiAuth(auth): ApiAuth, Path(id): Path<i64>) -> ApiResult<Fund> {
    auth.require(auth.user.role.may_read_people())?;
    Ok(Json(medical::get_fund(&state.store, &auth.scope(), id).await?))
}

#[utoipa::path(post, path = "/api/v1/cases/medical/funds", tag = "帮扶服务", request_body = FundForm,
    responses((status = 200, description = "新基金"), (status = 422, body = crate::error::ErrorBody)))]
pub async fn fund_create(
    State(state): State<AppState>,
    ApiAuth(auth): ApiAuth,
    ApiJson(f): ApiJson<FundForm>,
) -> ApiResult<Fund> {
    auth.require(auth.user.role.is_manager())?;
    let input = f.parse()?;
    let tx = state.store.begin_write().await?;
    let id = medical::create_fund(&state.store, &tx, &auth.user.actor(), &auth.scope(), input).await?;
    tx.commit().await?;
    Ok(Json(medical::get_fund(&state.store, &auth.scope(), id).await?))
}

#[utoipa::path(get, path = "/api/v1/cases/medical/claims", tag = "帮扶服务",
    params(("q" = Option<String>, Query), ("unit" = Option<String>, Query), ("state" = Option<String>, Query),
        ("fund" = Option<String>, Query), ("year" = Option<String>, Query), ("page" = Option<u64>, Query)),
    responses((status = 200, description = "一页救助申请")))]
pub async fn claims(
    State(state): State<AppState>,
    ApiAuth(auth): ApiAuth,
    Query(q): Query<ClaimQuery>,
) -> ApiResult<List<Claim>> {
    auth.require(auth.user.role.may_read_people())?;
    let page = Page::new(q.page, q.per_page);
    let (rows, total) = medical::claims(&state.store, &auth.scope(), &q.filter()?, page).await?;
    Ok(list(rows, total, page))
}

#[utoipa::path(get, path = "/api/v1/cases/medical/claims/{id}", tag = "帮扶服务", params(("id" = i64, Path)),
    responses((status = 200, description = "一件申请及其核定依据"), (status = 404, body = crate::error::ErrorBody)))]
pub async fn claim_one(State(state): State<AppState>, ApiAuth(auth): ApiAuth, Path(id): Path<i64>) -> ApiResult<Claim> {
    auth.require(auth.user.role.may_read_people())?;
    Ok(Json(medical::get_claim(&state.store, &auth.scope(), id).await?))
}

#[utoipa::path(post, path = "/api/v1/cases/medical/claims", tag = "帮扶服务", request_body = ClaimForm,
    responses((status = 200, description = "受理的申请，含核定救助金额"), (status = 422, body = crate::error::ErrorBody)))]
pub async fn claim_submit(
    State(state): State<AppState>,
    ApiAuth(auth): ApiAuth,
    ApiJson(f): ApiJson<ClaimForm>,
) -> ApiResult<Claim> {
    auth.require(auth.user.role.may_edit_people())?;
    let input = f.parse()?;
    let tx = state.store.begin_write().await?;
    let c = medical::submit(&state.store, &tx, &auth.user.actor(), &auth.scope(), input).await?;
    tx.commit().await?;
    Ok(Json(c))
}

/// Approves a claim and draws its aid from the fund; refused (422) when the balance is short.
#[utoipa::path(post, path = "/api/v1/cases/medical/claims/{id}/approve", tag = "帮扶服务", params(("id" = i64, Path)),
    responses((status = 200, description = "已批准的申请"), (status = 422, body = crate::error::ErrorBody)))]
pub async fn claim_approve(
    State(state): State<AppState>,
    ApiAuth(auth): ApiAuth,
    Path(id): Path<i64>,
) -> ApiResult<Claim> {
    auth.require(auth.user.role.is_manager())?;
    medical::get_claim(&state.store, &auth.scope(), id).await?;
    let tx = state.store.begin_write().await?;
    let c = medical::approve(&state.store, &tx, &auth.user.actor(), &auth.scope(), id).await?;
    tx.commit().await?;
    Ok(Json(c))
}

#[utoipa::path(post, path = "/api/v1/cases/medical/claims/{id}/reject", tag = "帮扶服务", request_body = RejectForm, params(("id" = i64, Path)),
    responses((status = 200, description = "已驳回的申请"), (status = 422, body = crate::error::ErrorBody)))]
pub async fn claim_reject(
    State(state): State<AppState>,
    ApiAuth(auth): ApiAuth,
    Path(id): Path<i64>,
    ApiJson(f): ApiJson<RejectForm>,
) -> ApiResult<Claim> {
    auth.require(auth.user.role.is_manager())?;
    medical::get_claim(&state.store, &auth.scope(), id).await?;
    let tx = state.store.begin_write().await?;
    let c = medical::reject(&state.store, &tx, &auth.user.actor(), &auth.scope(), id, &f.reason).await?;
    tx.commit().await?;
    Ok(Json(c))
}

#[utoipa::path(get, path = "/api/v1/cases/placements", tag = "帮扶服务",
    params(("q" = Option<String>, Query), ("unit" = Option<String>, Query), ("way" = Option<String>, Query),
        ("state" = Option<String>, Query), ("year" = Option<String>, Query), ("page" = Option<u64>, Query)),
    responses((status = 200, description = "一页安置记录")))]
pub async fn placements(
    State(state): State<AppState>,
    ApiAuth(auth): ApiAuth,
    Query(q): Query<PlacementQuery>,
) -> ApiResult<List<Placement>> {
    auth.require(auth.user.role.may_read_people())?;
    let page = Page::new(q.page, q.per_page);
    let (rows, total) = placement::list(&state.store, &auth.scope(), &q.filter()?, page).await?;
    Ok(list(rows, total, page))
}

#[utoipa::path(get, path = "/api/v1/cases/placements/{id}", tag = "帮扶服务", params(("id" = i64, Path)),
    responses((status = 200, description = "一条安置记录"), (status = 404, body = crate::error::ErrorBody)))]
pub async fn placement_one(
    State(state): State<AppState>,
    ApiAuth(auth): ApiAuth,
    Path(id): Path<i64>,
) -> ApiResult<Placement> {
    auth.require(auth.user.role.may_read_people())?;
    Ok(Json(placement::get(&state.store, &auth.scope(), id).await?))
}

#[utoipa::path(post, path = "/api/v1/cases/placements", tag = "帮扶服务", request_body = PlacementForm,
    responses((status = 200, description = "新安置记录"), (status = 422, body = crate::error::ErrorBody)))]
pub async fn placement_create(
    State(state): State<AppState>,
    ApiAuth(auth): ApiAuth,
    ApiJson(f): ApiJson<PlacementForm>,
) -> ApiResult<Placement> {
    auth.require(auth.user.role.may_edit_people())?;
    let input = f.parse()?;
    let tx = state.store.begin_write().await?;
    let p = placement::create(&state.store, &tx, &auth.user.actor(), &auth.scope(), input).await?;
    tx.commit().await?;
    Ok(Json(p))
}

#[utoipa::path(put, path = "/api/v1/cases/placements/{id}", tag = "帮扶服务", request_body = PlacementForm, params(("id" = i64, Path)),
    responses((status = 200, description = "修改后的安置记录"), (status = 422, body = crate::error::ErrorBody)))]
pub async fn placement_update(
    State(state): State<AppState>,
    ApiAuth(auth): ApiAuth,
    Path(id): Path<i64>,
    ApiJson(f): ApiJson<PlacementForm>,
) -> ApiResult<Placement> {
    auth.require(auth.user.role.may_edit_people())?;
    placement::get(&state.store, &auth.scope(), id).await?;
    let input = f.parse()?;
    let tx = state.store.begin_write().await?;
    let p = placement::update(&state.store, &tx, &auth.user.actor(), &auth.scope(), id, input).await?;
    tx.commit().await?;
    Ok(Json(p))
}

#[derive(Serialize)]
pub struct TrainingView {
    pub year: Option<i32>,
    pub placement: Rate,
    pub placement_rate: String,
    pub training: Rate,
    pub training_rate: String,
    /// township path, placement rate, training rate
    pub by_township: Vec<(String, Rate, Rate)>,
    pub still_due: Vec<Placement>,
}

#[derive(Deserialize)]
pub struct YearQuery {
    #[serde(default)]
    year: String,
}

/// Placement and training rates of a discharge year (all years when absent), by township, and
/// those still due training.
#[utoipa::path(get, path = "/api/v1/cases/training", tag = "帮扶服务", params(("year" = Option<String>, Query)),
    responses((status = 200, description = "安置率、培训率与待培训人员")))]
pub async fn training(
    State(state): State<AppState>,
    ApiAuth(auth): ApiAuth,
    Query(q): Query<YearQuery>,
) -> ApiResult<TrainingView> {
    auth.require(auth.user.role.may_read_people())?;
    let year = year_of(&q.year)?;
    let st = placement::stats(&state.store, &auth.scope(), year).await?;
    let still_due = placement::still_due(&state.store, &auth.scope(), year).await?;
    Ok(Json(TrainingView {
        year,
        placement_rate: st.placement.label(),
        placement: st.placement,
        training_rate: st.training.label(),
        training: st.training,
        by_township: st.by_township.into_iter().map(|(t, p, r)| (t.to_string(), p, r)).collect(),
        still_due,
    }))
}

#[utoipa::path(get, path = "/api/v1/cases/windows", tag = "帮扶服务",
    params(("q" = Option<String>, Query), ("unit" = Option<String>, Query), ("kind" = Option<String>, Query),
        ("in_service" = Option<String>, Query), ("page" = Option<u64>, Query)),
    responses((status = 200, description = "一页优先窗口")))]
pub async fn windows_list(
    State(state): State<AppState>,
    ApiAuth(auth): ApiAuth,
    Query(q): Query<WindowQuery>,
) -> ApiResult<List<Window>> {
    let page = Page::new(q.page, q.per_page);
    let (rows, total) = windows::list(&state.store, &auth.scope(), &q.filter(), page).await?;
    Ok(list(rows, total, page))
}

#[utoipa::path(post, path = "/api/v1/cases/windows", tag = "帮扶服务", request_body = WindowForm,
    responses((status = 200, description = "新登记的窗口"), (status = 422, body = crate::error::ErrorBody)))]
pub async fn window_create(
    State(state): State<AppState>,
    ApiAuth(auth): ApiAuth,
    ApiJson(f): ApiJson<WindowForm>,
) -> ApiResult<Window> {
    auth.require(auth.user.role.is_manager())?;
    let input = f.parse()?;
    let tx = state.store.begin_write().await?;
    let w = windows::create(&state.store, &tx, &auth.user.actor(), &auth.scope(), input).await?;
    tx.commit().await?;
    Ok(Json(w))
}

#[utoipa::path(get, path = "/api/v1/cases/treatments", tag = "帮扶服务",
    params(("q" = Option<String>, Query), ("unit" = Option<String>, Query), ("kind" = Option<String>, Query),
        ("year" = Option<String>, Query), ("person" = Option<String>, Query), ("page" = Option<u64>, Query)),
    responses((status = 200, description = "一页优待记录")))]
pub async fn treatments(
    State(state): State<AppState>,
    ApiAuth(auth): ApiAuth,
    Query(q): Query<TreatmentQuery>,
) -> ApiResult<List<Treatment>> {
    auth.require(auth.user.role.may_read_people())?;
    let page = Page::new(q.page, q.per_page);
    let (rows, total) = windows::treatments(&state.store, &auth.scope(), &q.filter()?, page).await?;
    Ok(list(rows, total, page))
}

#[derive(Serialize)]
pub struct Created {
    pub id: i64,
}

#[utoipa::path(post, path = "/api/v1/cases/treatments", tag = "帮扶服务", request_body = TreatmentForm,
    responses((status = 200, description = "新记录的编号"), (status = 422, body = crate::error::ErrorBody)))]
pub async fn treatment_create(
    State(state): State<AppState>,
    ApiAuth(auth): ApiAuth,
    ApiJson(f): ApiJson<TreatmentForm>,
) -> ApiResult<Created> {
    auth.require(auth.user.role.may_edit_people())?;
    let input = f.parse()?;
    let tx = state.store.begin_write().await?;
    let id = windows::grant(&state.store, &tx, &auth.user.actor(), &auth.scope(), input).await?;
    tx.commit().await?;
    Ok(Json(Created { id }))
}
