//! The work system through the API: every record type under `/api/v1/work/{kind}` — list (by
//! year, unit, category), one record, create, change — and its yearly totals. Values travel as
//! the strings a form holds (amounts as decimals, dates as `YYYY-MM-DD`, choices as codes), and
//! come back with their Chinese reading.

use std::collections::BTreeMap;

use axum::extract::{Path, Query, State};
use axum::routing::get;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use shuangyong_domain::work::{self, Kind};
use shuangyong_store::org::Page;
use shuangyong_store::work::{self as store_work, Record, totals};
use utoipa::ToSchema;

use super::ApiJson;
use crate::AppState;
use crate::ctx::ApiAuth;
use crate::error::{ApiError, ApiResult, AppError};
use crate::work::{ListQuery, form_values, save};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/work/{kind}", get(list).post(create))
        .route("/api/v1/work/{kind}/totals", get(yearly))
        .route("/api/v1/work/{kind}/{id}", get(one).put(update))
}

fn kind_of(key: &str) -> Result<&'static Kind, ApiError> {
    work::kind(key).ok_or(ApiError(AppError::NotFound))
}

#[derive(Serialize, ToSchema)]
pub struct WorkRecord {
    pub id: i64,
    /// The record type: groups, members, meetings, measures, plans, plan-items, honours, bases,
    /// events, articles, projects, evacuations, visits, contributions.
    pub kind: String,
    pub org_path: String,
    pub year: i32,
    pub title: String,
    /// Field → value as a form holds it (send these back to change the record).
    pub values: BTreeMap<String, String>,
    /// Field → value as read (labels of codes, amounts with their unit).
    pub display: BTreeMap<String, String>,
    /// Warnings: 逾期, 超预算, 未完全落实.
    pub flags: Vec<String>,
    /// Send it back with a change: a change made in between is refused, not overwritten.
    pub version: i64,
}

impl From<Record> for WorkRecord {
    fn from(r: Record) -> Self {
        let today = shuangyong_domain::clock::today(shuangyong_store::now());
        let mut values = form_values(&r);
        values.remove("org_path");
        values.remove("version");
        WorkRecord {
            id: r.id,
            kind: r.kind.key.to_owned(),
            org_path: r.org_path.to_string(),
            year: r.year,
            title: r.title(),
            display: r
                .kind
                .fields
                .iter()
                .enumerate()
                .map(|(i, f)| (f.name.to_owned(), r.kind.display(i, &r.vals)))
                .collect(),
            flags: r.kind.flags(&r.vals, today).into_iter().map(str::to_owned).collect(),
            values,
            version: r.version,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct WorkList {
    pub items: Vec<WorkRecord>,
    pub total: i64,
    pub page: u64,
    pub per_page: u64,
}

/// Records of a type in the caller's subtree, newest first.
#[utoipa::path(get, path = "/api/v1/work/{kind}", tag = "双拥工作",
    params(("kind" = String, Path), ("year" = Option<String>, Query), ("unit" = Option<String>, Query),
        ("choice" = Option<String>, Query, description = "类别代码（会议类别、项目类别、贡献类别等）"),
        ("q" = Option<String>, Query), ("parent" = Option<String>, Query),
        ("page" = Option<u64>, Query), ("per_page" = Option<u64>, Query)),
    responses((status = 200, body = WorkList), (status = 404, body = crate::error::ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    ApiAuth(auth): ApiAuth,
    Path(key): Path<String>,
    Query(q): Query<ListQuery>,
) -> ApiResult<WorkList> {
    let kind = kind_of(&key)?;
    let page = Page::new(q.page, q.per_page);
    let (records, total) = store_work::list(&state.store, &auth.scope(), kind, &q.filter()?, page).await?;
    Ok(Json(WorkList {
        items: records.into_iter().map(Into::into).collect(),
        total,
        page: page.number,
        per_page: page.size,
    }))
}

/// One record.
#[utoipa::path(get, path = "/api/v1/work/{kind}/{id}", tag = "双拥工作", params(("kind" = String, Path), ("id" = i64, Path)),
    responses((status = 200, body = WorkRecord), (status = 404, body = crate::error::ErrorBody)))]
pub async fn one(
    State(state): State<AppState>,
    ApiAuth(auth): ApiAuth,
    Path((key, id)): Path<(String, i64)>,
) -> ApiResult<WorkRecord> {
    let kind = kind_of(&key)?;
    Ok(Json(store_work::get(&state.store, &auth.scope(), kind, id).await?.into()))
}

/// A body: field → value (strings or numbers), with `org_path` (default: the caller's unit) and,
/// for a change, `version`. Articles take `mark_rare: "1"` to mark rare characters for pinyin.
#[derive(Deserialize, ToSchema)]
#[schema(value_type = Object)]
pub struct WorkBody(pub BTreeMap<String, serde_json::Value>);

fn strings(body: WorkBody) -> BTreeMap<String, String> {
    body.0
        .into_iter()
        .map(|(k, v)| {
            let s = match v {
                serde_json::Value::String(s) => s,
                serde_json::Value::Null => String::new(),
                other => other.to_string(),
            };
            (k, s)
        })
        .collect()
}

/// Create a record.
#[utoipa::path(post, path = "/api/v1/work/{kind}", tag = "双拥工作", request_body = WorkBody, params(("kind" = String, Path)),
    responses((status = 200, body = WorkRecord), (status = 403, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    ApiAuth(auth): ApiAuth,
    Path(key): Path<String>,
    ApiJson(body): ApiJson<WorkBody>,
) -> ApiResult<WorkRecord> {
    let kind = kind_of(&key)?;
    Ok(Json(save(&state, &auth, kind, None, strings(body)).await?.into()))
}

/// Change a record (all fields are sent; a field left out is emptied).
#[utoipa::path(put, path = "/api/v1/work/{kind}/{id}", tag = "双拥工作", request_body = WorkBody,
    params(("kind" = String, Path), ("id" = i64, Path)),
    responses((status = 200, body = WorkRecord), (status = 403, body = crate::error::ErrorBody),
        (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    ApiAuth(auth): ApiAuth,
    Path((key, id)): Path<(String, i64)>,
    ApiJson(body): ApiJson<WorkBody>,
) -> ApiResult<WorkRecord> {
    let kind = kind_of(&key)?;
    Ok(Json(save(&state, &auth, kind, Some(id), strings(body)).await?.into()))
}

#[derive(Deserialize)]
pub struct TotalsQuery {
    from: Option<i32>,
    to: Option<i32>,
    #[serde(default)]
    by: String,
}

#[derive(Serialize, ToSchema)]
pub struct TotalRow {
    pub year: i32,
    /// Codes of the grouping field, when `by` was given.
    pub group: Vec<String>,
    pub records: i64,
    /// Field → sum (amounts ×100: fen for 元).
    pub sums: BTreeMap<String, i64>,
}

/// Yearly totals of a type in the caller's subtree: records and sums of counts and amounts, by
/// year and optionally by one field (`by=kind`, `by=category`).
#[utoipa::path(get, path = "/api/v1/work/{kind}/totals", tag = "双拥工作",
    params(("kind" = String, Path), ("from" = Option<i32>, Query), ("to" = Option<i32>, Query), ("by" = Option<String>, Query)),
    responses((status = 200, body = Vec<TotalRow>), (status = 422, body = crate::error::ErrorBody)))]
pub async fn yearly(
    State(state): State<AppState>,
    ApiAuth(auth): ApiAuth,
    Path(key): Path<String>,
    Query(q): Query<TotalsQuery>,
) -> ApiResult<Vec<TotalRow>> {
    let kind = kind_of(&key)?;
    let this = chrono::Datelike::year(&shuangyong_domain::clock::today(shuangyong_store::now()));
    let (from, to) = (q.from.unwrap_or(this - 4), q.to.unwrap_or(this));
    if !(2000..=2100).contains(&from) || !(2000..=2100).contains(&to) || from > to || to - from > 50 {
        return Err(AppError::invalid("年度范围应为四位年份，起始不晚于截止，如 from=2020&to=2024").into());
    }
    let by: Vec<&'static str> = match q.by.trim() {
        "" => Vec::new(),
        b => vec![kind.field(b).map(|f| f.name).ok_or_else(|| AppError::invalid(format!("没有名为 {b} 的字段")))?],
    };
    let rows = totals::by_year(&state.store, &auth.scope(), kind, from..=to, &by).await?;
    Ok(Json(
        rows.into_iter()
            .map(|t| TotalRow {
                year: t.year,
                group: t.group,
                records: t.records,
                sums: t.sums.into_iter().map(|(k, v)| (k.to_owned(), v)).collect(),
            })
            .collect(),
    ))
}
