//! The audit log through the API (auditors and administrators).

use axum::extract::{Path, Query, State};
use axum::routing::get;
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use serde::Serialize;
use shuangyong_store::audit::{self, Entry, Verdict};
use shuangyong_store::org::Page;
use utoipa::ToSchema;

use crate::AppState;
use crate::admin::audit::{AuditQuery, to_filter};
use crate::ctx::ApiAuth;
use crate::error::ApiResult;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/audit", get(list))
        .route("/api/v1/audit/verify", get(verify))
        .route("/api/v1/audit/{seq}", get(entry))
}

#[derive(Serialize, ToSchema)]
pub struct EntryView {
    pub seq: i64,
    pub at: DateTime<Utc>,
    pub actor_id: Option<i64>,
    pub actor_name: String,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    pub org_path: String,
    pub summary: String,
    /// The record before the change, as JSON text.
    pub before_json: Option<String>,
    pub after_json: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

impl From<Entry> for EntryView {
    fn from(e: Entry) -> Self {
        EntryView {
            seq: e.seq,
            at: e.at,
            actor_id: e.actor_id,
            actor_name: e.actor_name,
            action: e.action,
            entity: e.entity,
            entity_id: e.entity_id,
            org_path: e.org_path,
            summary: e.summary,
            before_json: e.before_json,
            after_json: e.after_json,
            prev_hash: e.prev_hash,
            hash: e.hash,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct EntryList {
    pub items: Vec<EntryView>,
    pub total: i64,
    pub page: u64,
    pub per_page: u64,
}

/// Entries in the caller's subtree, newest first. Filters: actor (name contains), entity, action,
/// from / to (YYYY-MM-DD), q (summary contains), page.
#[utoipa::path(get, path = "/api/v1/audit", tag = "系统管理",
    params(("actor" = Option<String>, Query), ("entity" = Option<String>, Query), ("action" = Option<String>, Query),
        ("from" = Option<String>, Query), ("to" = Option<String>, Query), ("q" = Option<String>, Query), ("page" = Option<u64>, Query)),
    responses((status = 200, body = EntryList), (status = 422, body = crate::error::ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    ApiAuth(auth): ApiAuth,
    Query(q): Query<AuditQuery>,
) -> ApiResult<EntryList> {
    auth.require(auth.user.role.may_read_audit())?;
    let filter = to_filter(&q)?;
    let page = Page::new(q.page, None);
    let (entries, total) = audit::list(&state.store, &auth.scope(), &filter, page).await?;
    Ok(Json(EntryList {
        items: entries.into_iter().map(Into::into).collect(),
        total,
        page: page.number,
        per_page: page.size,
    }))
}

/// One entry.
#[utoipa::path(get, path = "/api/v1/audit/{seq}", tag = "系统管理", params(("seq" = i64, Path)),
    responses((status = 200, body = EntryView), (status = 404, body = crate::error::ErrorBody)))]
pub async fn entry(
    State(state): State<AppState>,
    ApiAuth(auth): ApiAuth,
    Path(seq): Path<i64>,
) -> ApiResult<EntryView> {
    auth.require(auth.user.role.may_read_audit())?;
    Ok(Json(audit::get(&state.store, &auth.scope(), seq).await?.into()))
}

#[derive(Serialize, ToSchema)]
pub struct VerifyResult {
    pub intact: bool,
    /// Entries checked, when intact.
    pub entries: Option<i64>,
    /// The first broken entry, when not.
    pub broken_seq: Option<i64>,
    pub message: String,
}

/// Walk the whole hash chain now.
#[utoipa::path(get, path = "/api/v1/audit/verify", tag = "系统管理", responses((status = 200, body = VerifyResult)))]
pub async fn verify(State(state): State<AppState>, ApiAuth(auth): ApiAuth) -> ApiResult<VerifyResult> {
    auth.require(auth.user.role.may_read_audit())?;
    let v = audit::verify(&state.store).await?;
    let message = v.to_string();
    Ok(Json(match v {
        Verdict::Intact { entries } => VerifyResult { intact: true, entries: Some(entries), broken_seq: None, message },
        Verdict::Broken { seq, .. } => VerifyResult { intact: false, entries: None, broken_seq: Some(seq), message },
    }))
}
