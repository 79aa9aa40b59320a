//! The registry through the API: search and list, one person, register, edit, reveal.

use axum::extract::{Path, Query, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use shuangyong_store::org::Page;
use shuangyong_store::registry::{self, Person, PersonRow};
use shuangyong_store::{StoreError, Tx};
use utoipa::ToSchema;

use super::ApiJson;
use crate::AppState;
use crate::ctx::ApiAuth;
use crate::error::{ApiError, ApiResult, AppError};
use crate::registry::ListQuery;
use crate::registry::form::PersonForm;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/persons", get(list).post(create))
        .route("/api/v1/persons/{id}", get(one).put(update))
        .route("/api/v1/persons/{id}/reveal", post(reveal))
}

#[derive(Serialize, ToSchema)]
pub struct PersonListItem {
    pub id: i64,
    pub name: String,
    /// Masked: 140929********123X.
    pub id_number: String,
    pub sex: String,
    pub birth_date: NaiveDate,
    pub org_path: String,
    pub status: String,
    pub categories: Vec<String>,
}

impl From<PersonRow> for PersonListItem {
    fn from(r: PersonRow) -> Self {
        PersonListItem {
            id: r.id,
            name: r.name,
            id_number: r.id_masked,
            sex: r.sex.label().into(),
            birth_date: r.birth_date,
            org_path: r.org_path,
            status: r.status.code().into(),
            categories: r.categories.iter().map(|c| c.code().to_owned()).collect(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct PersonList {
    pub items: Vec<PersonListItem>,
    /// How many match; for a search, counted up to 1000 (see `more`).
    pub total: i64,
    /// A search found more than `total` people: its pages end at `total`; narrow it (see `hint`).
    pub more: bool,
    /// What to do when `more`: 找到超过1000人，请输入更完整的姓名、拼音或身份证号后几位缩小范围.
    pub hint: Option<String>,
    pub page: u64,
    pub per_page: u64,
}

/// People in the caller's subtree. `q` searches names, pinyin (full or initials), the last 4–6
/// characters or the whole ID number, and phones; exact matches first. A search counts at most
/// 1,000 matches (`more` says when there are more).
#[utoipa::path(get, path = "/api/v1/persons", tag = "优抚对象",
    params(("q" = Option<String>, Query), ("unit" = Option<String>, Query), ("category" = Option<String>, Query),
        ("status" = Option<String>, Query), ("min_age" = Option<String>, Query), ("max_age" = Option<String>, Query),
        ("page" = Option<u64>, Query), ("per_page" = Option<u64>, Query)),
    responses((status = 200, body = PersonList)))]
pub async fn list(
    State(state): State<AppState>,
    ApiAuth(auth): ApiAuth,
    Query(q): Query<ListQuery>,
) -> ApiResult<PersonList> {
    auth.require(auth.user.role.may_read_people())?;
    let page = Page::new(q.page, q.per_page);
    let (rows, total) = registry::list(&state.store, &auth.scope(), &q.filter()?, page).await?;
    Ok(Json(PersonList {
        items: rows.into_iter().map(Into::into).collect(),
        total: total.count,
        more: total.capped,
        hint: crate::registry::narrow_hint(&total),
        page: page.number,
        per_page: page.size,
    }))
}

#[derive(Serialize, ToSchema)]
pub struct PersonView {
    pub id: i64,
    pub name: String,
    pub id_number: String,
    pub sex: String,
    pub birth_date: NaiveDate,
    pub ethnicity: String,
    pub registration: String,
    pub org_path: String,
    pub address: String,
    pub phone: String,
    pub bank_account: String,
    pub bank_name: String,
    pub status: String,
    pub status_date: Option<NaiveDate>,
    pub status_reason: String,
    /// 残疾军人（因战六级）, …
    pub categories: Vec<String>,
    pub category_codes: Vec<String>,
    pub note: String,
    /// Send it back with an update: a change made in between is refused, not overwritten.
    pub version: i64,
}

impl From<Person> for PersonView {
    fn from(p: Person) -> Self {
        PersonView {
            id: p.id,
            name: p.name,
            id_number: p.id_masked,
            sex: p.sex.label().into(),
            birth_date: p.birth_date,
            ethnicity: p.ethnicity,
            registration: p.registration.code().into(),
            org_path: p.org_path.to_string(),
            address: p.address,
            phone: p.phone_masked,
            bank_account: p.bank_account_masked,
            bank_name: p.bank_name,
            status: p.status.code().into(),
            status_date: p.status_date,
            status_reason: p.status_reason,
            categories: p.categories.iter().map(|c| c.describe()).collect(),
            category_codes: p.categories.iter().map(|c| c.category.code().to_owned()).collect(),
            note: p.note,
            version: p.version,
        }
    }
}

/// One person (sensitive fields masked).
#[utoipa::path(get, path = "/api/v1/persons/{id}", tag = "优抚对象", params(("id" = i64, Path)),
    responses((status = 200, body = PersonView), (status = 404, body = crate::error::ErrorBody)))]
pub async fn one(State(state): State<AppState>, ApiAuth(auth): ApiAuth, Path(id): Path<i64>) -> ApiResult<PersonView> {
    auth.require(auth.user.role.may_read_people())?;
    Ok(Json(registry::get(&state.store, &auth.scope(), id).await?.into()))
}

fn refusal(e: StoreError) -> ApiError {
    match e {
        StoreError::Duplicate { message, existing_id } => {
            let mut fields = crate::error::FieldErrors::new();
            fields.insert("id_number", format!("{message}（已有记录编号 {existing_id}）"));
            ApiError(AppError::Invalid { message: "身份证号已登记".into(), fields })
        }
        other => ApiError(other.into()),
    }
}

/// Register a person.
#[utoipa::path(post, path = "/api/v1/persons", tag = "优抚对象", request_body = PersonForm,
    responses((status = 200, body = PersonView), (status = 422, body = crate::error::ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    ApiAuth(auth): ApiAuth,
    ApiJson(form): ApiJson<PersonForm>,
) -> ApiResult<PersonView> {
    auth.require(auth.user.role.may_edit_people())?;
    let input = form
        .parse(None)
        .map_err(|fields| ApiError(AppError::Invalid { message: "请修正标出的字段".into(), fields }))?;
    let tx = state.store.begin_write().await?;
    let p = registry::create(&state.store, &tx, &auth.user.actor(), &auth.scope(), input).await.map_err(refusal)?;
    tx.commit().await?;
    Ok(Json(p.into()))
}

/// Change a person; sensitive fields left empty keep their values.
#[utoipa::path(put, path = "/api/v1/persons/{id}", tag = "优抚对象", request_body = PersonForm, params(("id" = i64, Path)),
    responses((status = 200, body = PersonView), (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    ApiAuth(auth): ApiAuth,
    Path(id): Path<i64>,
    ApiJson(form): ApiJson<PersonForm>,
) -> ApiResult<PersonView> {
    auth.require(auth.user.role.may_edit_people())?;
    let current = registry::get(&state.store, &auth.scope(), id).await?;
    let input = form
        .parse(Some(&current))
        .map_err(|fields| ApiError(AppError::Invalid { message: "请修正标出的字段".into(), fields }))?;
    let tx: Tx = state.store.begin_write().await?;
    let p = registry::update(&state.store, &tx, &auth.user.actor(), &auth.scope(), id, form.version, input)
        .await
        .map_err(refusal)?;
    tx.commit().await?;
    Ok(Json(p.into()))
}

#[derive(Deserialize, ToSchema)]
pub struct RevealBody {
    /// id_number, phone or bank_account
    pub field: String,
}

#[derive(Serialize, ToSchema)]
pub struct Revealed {
    pub field: String,
    pub value: String,
}

/// The full value of one sensitive field (roles that may see it; audited).
#[utoipa::path(post, path = "/api/v1/persons/{id}/reveal", tag = "优抚对象", request_body = RevealBody, params(("id" = i64, Path)),
    responses((status = 200, body = Revealed), (status = 403, body = crate::error::ErrorBody)))]
pub async fn reveal(
    State(state): State<AppState>,
    ApiAuth(auth): ApiAuth,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<RevealBody>,
) -> ApiResult<Revealed> {
    let (_, value) = crate::registry::reveal_value(&state, &auth, id, &b.field).await?;
    Ok(Json(Revealed { field: b.field, value }))
}
