//! Users through the API (administrators).

use axum::extract::{Path, Query, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use shuangyong_store::org::Page;
use shuangyong_store::user::{self, NewUser, User};
use utoipa::{IntoParams, ToSchema};

use super::ApiJson;
use crate::AppState;
use crate::admin::users::{UserForm, check_user_form};
use crate::ctx::ApiAuth;
use crate::error::{ApiError, ApiResult, AppError};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/users", get(list).post(create))
        .route("/api/v1/users/{id}/password", post(reset_password))
        .route("/api/v1/users/{id}/disabled", post(set_disabled))
}

#[derive(Serialize, ToSchema)]
pub struct UserView {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub org_path: String,
    pub disabled: bool,
    pub last_login_at: Option<DateTime<Utc>>,
}

impl From<User> for UserView {
    fn from(u: User) -> Self {
        UserView {
            id: u.id,
            username: u.username,
            display_name: u.display_name,
            role: u.role.code().to_owned(),
            org_path: u.org_path.to_string(),
            disabled: u.disabled,
            last_login_at: u.last_login_at,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct UserList {
    pub items: Vec<UserView>,
    pub total: i64,
    pub page: u64,
    pub per_page: u64,
}

#[derive(Deserialize, IntoParams)]
pub struct PageParams {
    /// 1-based page number.
    pub page: Option<u64>,
    /// Rows per page, 1–200 (default 20).
    pub per_page: Option<u64>,
}

/// Users in the caller's subtree.
#[utoipa::path(get, path = "/api/v1/users", tag = "系统管理", params(PageParams), responses((status = 200, body = UserList)))]
pub async fn list(
    State(state): State<AppState>,
    ApiAuth(auth): ApiAuth,
    Query(p): Query<PageParams>,
) -> ApiResult<UserList> {
    auth.require(auth.user.role.is_admin())?;
    let page = Page::new(p.page, p.per_page);
    let (users, total) = user::list(&state.store, &auth.scope(), page).await?;
    Ok(Json(UserList {
        items: users.into_iter().map(Into::into).collect(),
        total,
        page: page.number,
        per_page: page.size,
    }))
}

#[derive(Deserialize, ToSchema)]
pub struct NewUserBody {
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub org_path: String,
    pub password: String,
}

/// Add a user.
#[utoipa::path(post, path = "/api/v1/users", tag = "系统管理", request_body = NewUserBody,
    responses((status = 200, body = UserView), (status = 422, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    ApiAuth(auth): ApiAuth,
    ApiJson(b): ApiJson<NewUserBody>,
) -> ApiResult<UserView> {
    auth.require(auth.user.role.is_admin())?;
    let form = UserForm {
        username: b.username.clone(),
        display_name: b.display_name.clone(),
        role: b.role,
        org_path: b.org_path,
        password: b.password.clone(),
    };
    let (checked, fields) = check_user_form(&form);
    let Some((role, org_path)) = checked.filter(|_| fields.is_empty()) else {
        return Err(ApiError(AppError::Invalid { message: "请修正标出的字段".into(), fields }));
    };
    let tx = state.store.begin_write().await?;
    let new = NewUser { username: b.username, display_name: b.display_name, role, org_path, password: b.password };
    let u = user::create(&state.store, &tx, &auth.user.actor(), &auth.scope(), new).await?;
    tx.commit().await?;
    Ok(Json(u.into()))
}

#[derive(Deserialize, ToSchema)]
pub struct PasswordBody {
    pub password: String,
}

/// Set a new password; the user's sessions end.
#[utoipa::path(post, path = "/api/v1/users/{id}/password", tag = "系统管理", request_body = PasswordBody,
    params(("id" = i64, Path)), responses((status = 200, body = UserView), (status = 422, body = crate::error::ErrorBody)))]
pub async fn reset_password(
    State(state): State<AppState>,
    ApiAuth(auth): ApiAuth,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<PasswordBody>,
) -> ApiResult<UserView> {
    auth.require(auth.user.role.is_admin())?;
    let tx = state.store.begin_write().await?;
    let u = user::reset_password(&state.store, &tx, &auth.user.actor(), &auth.scope(), id, b.password).await?;
    tx.commit().await?;
    Ok(Json(u.into()))
}

#[derive(Deserialize, ToSchema)]
pub struct DisabledBody {
    pub disabled: bool,
}

/// Disable or enable an account.
#[utoipa::path(post, path = "/api/v1/users/{id}/disabled", tag = "系统管理", request_body = DisabledBody,
    params(("id" = i64, Path)), responses((status = 200, body = UserView)))]
pub async fn set_disabled(
    State(state): State<AppState>,
    ApiAuth(auth): ApiAuth,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<DisabledBody>,
) -> ApiResult<UserView> {
    auth.require(auth.user.role.is_admin())?;
    let tx = state.store.begin_write().await?;
    let u = user::set_disabled(&state.store, &tx, &auth.user.actor(), &auth.scope(), id, b.disabled).await?;
    tx.commit().await?;
    Ok(Json(u.into()))
}
