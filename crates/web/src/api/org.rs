//! The org tree through the API.

use axum::extract::{Path, State};
use axum::routing::get;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use shuangyong_domain::{OrgKind, OrgPath};
use shuangyong_store::org::{self, NewUnit, OrgUnit, UnitEdit};
use utoipa::ToSchema;

use super::ApiJson;
use crate::AppState;
use crate::ctx::ApiAuth;
use crate::error::{ApiError, ApiResult, AppError, FieldErrors};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/org-units", get(list).post(create))
        .route("/api/v1/org-units/{*path}", axum::routing::put(update))
}

#[derive(Serialize, ToSchema)]
pub struct Unit {
    /// Path code, e.g. 140929/01/003.
    pub path: String,
    pub parent_path: Option<String>,
    pub name: String,
    /// county, township, subdistrict, village, community, enterprise, military_unit
    pub kind: String,
    pub kind_label: String,
    pub sort: i32,
    pub note: String,
}

impl From<OrgUnit> for Unit {
    fn from(u: OrgUnit) -> Unit {
        Unit {
            path: u.path.to_string(),
            parent_path: u.parent_path,
            name: u.name,
            kind: u.kind.code().to_owned(),
            kind_label: u.kind.label().to_owned(),
            sort: u.sort,
            note: u.note,
        }
    }
}

/// Every unit in the caller's subtree, in tree order.
#[utoipa::path(get, path = "/api/v1/org-units", tag = "组织体系", responses((status = 200, body = Vec<Unit>)))]
pub async fn list(State(state): State<AppState>, ApiAuth(auth): ApiAuth) -> ApiResult<Vec<Unit>> {
    let units = org::list(&state.store, &auth.scope()).await?;
    Ok(Json(units.into_iter().map(Unit::from).collect()))
}

#[derive(Deserialize, ToSchema)]
pub struct NewUnitBody {
    pub path: String,
    pub name: String,
    pub kind: String,
    #[serde(default)]
    pub sort: i32,
    #[serde(default)]
    pub note: String,
}

/// Add a unit (administrators).
#[utoipa::path(post, path = "/api/v1/org-units", tag = "组织体系", request_body = NewUnitBody,
    responses((status = 200, body = Unit), (status = 422, body = crate::error::ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    ApiAuth(auth): ApiAuth,
    ApiJson(body): ApiJson<NewUnitBody>,
) -> ApiResult<Unit> {
    auth.require(auth.user.role.is_admin())?;
    let mut fields = FieldErrors::new();
    let path = OrgPath::parse(&body.path).map_err(|e| fields.insert("path", e.to_string())).ok();
    let kind = OrgKind::from_code(&body.kind);
    if kind.is_none() {
        fields.insert(
            "kind",
            "单位类型应为 county、township、subdistrict、village、community、enterprise 或 military_unit".into(),
        );
    }
    let (Some(path), Some(kind)) = (path, kind) else {
        return Err(ApiError(AppError::Invalid { message: "请修正标出的字段".into(), fields }));
    };
    let scope = auth.scope();
    let parent_in_scope = path.parent().is_some_and(|p| scope.contains(&p));
    if !parent_in_scope {
        return Err(ApiError(AppError::NotFound));
    }
    let tx = state.store.begin_write().await?;
    let u = org::create(
        &state.store,
        &tx,
        &auth.user.actor(),
        NewUnit { path, name: body.name, kind, sort: body.sort, note: body.note },
    )
    .await?;
    tx.commit().await?;
    Ok(Json(u.into()))
}

#[derive(Deserialize, ToSchema)]
pub struct UpdateUnitBody {
    pub name: String,
    #[serde(default)]
    pub sort: i32,
    #[serde(default)]
    pub note: String,
}

/// Rename a unit or change its order and note (administrators).
#[utoipa::path(put, path = "/api/v1/org-units/{path}", tag = "组织体系", request_body = UpdateUnitBody,
    params(("path" = String, Path, description = "path code, e.g. 140929/01")),
    responses((status = 200, body = Unit), (status = 404, body = crate::error::ErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    ApiAuth(auth): ApiAuth,
    Path(raw): Path<String>,
    ApiJson(body): ApiJson<UpdateUnitBody>,
) -> ApiResult<Unit> {
    auth.require(auth.user.role.is_admin())?;
    let path = OrgPath::parse(&raw).map_err(|_| AppError::NotFound)?;
    let tx = state.store.begin_write().await?;
    let u = org::update(
        &state.store,
        &tx,
        &auth.user.actor(),
        &auth.scope(),
        &path,
        UnitEdit { name: body.name, sort: body.sort, note: body.note },
    )
    .await?;
    tx.commit().await?;
    Ok(Json(u.into()))
}
