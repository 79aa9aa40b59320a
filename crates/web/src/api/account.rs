//! Logging in and out through the API, and who am I.

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use shuangyong_store::session;
use shuangyong_store::user::{self, LoginError, User};
use utoipa::ToSchema;

use super::ApiJson;
use crate::AppState;
use crate::ctx::{ApiAuth, Ctx, session_cookie};
use crate::error::{ApiError, ApiResult, AppError};

pub fn router() -> Router<AppState> {
    Router::new().route("/api/v1/login", post(login)).route("/api/v1/logout", post(logout)).route("/api/v1/me", get(me))
}

#[derive(Serialize, ToSchema)]
pub struct Me {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    /// admin, county_clerk, township_clerk, village_contact, troop_liaison, leader, auditor
    pub role: String,
    pub role_label: String,
    /// The unit the user is bound to; they see its subtree only.
    pub org_path: String,
    /// Send this as the X-CSRF-Token header with every change.
    pub csrf_token: String,
}

impl Me {
    fn new(u: &User, csrf: &str) -> Me {
        Me {
            id: u.id,
            username: u.username.clone(),
            display_name: u.display_name.clone(),
            role: u.role.code().to_owned(),
            role_label: u.role.label().to_owned(),
            org_path: u.org_path.to_string(),
            csrf_token: csrf.to_owned(),
        }
    }
}

#[derive(Deserialize, ToSchema)]
pub struct LoginBody {
    pub username: String,
    pub password: String,
}

/// Log in; sets the session cookie and returns the user with the CSRF token.
#[utoipa::path(post, path = "/api/v1/login", tag = "账号", request_body = LoginBody,
    responses((status = 200, body = Me), (status = 401, body = crate::error::ErrorBody), (status = 429, body = crate::error::ErrorBody)))]
pub async fn login(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiJson(body): ApiJson<LoginBody>,
) -> Result<Response, ApiError> {
    match user::authenticate(&state.store, &body.username, &body.password, &ctx.ip).await? {
        Ok(u) => {
            let s = session::login(&state.store, ctx.token.as_deref(), u.clone()).await?;
            let mut res = Json(Me::new(&u, &s.csrf_token)).into_response();
            res.headers_mut().insert(header::SET_COOKIE, session_cookie(&s.token, state.config.cookie_secure));
            Ok(res)
        }
        Err(e @ LoginError::Locked { .. }) => Err(ApiError(AppError::TooMany(e.to_string()))),
        Err(LoginError::Disabled) => Err(ApiError(AppError::Forbidden)),
        Err(LoginError::BadCredentials) => Err(ApiError(AppError::Unauthenticated)),
    }
}

#[derive(Serialize, ToSchema)]
pub struct Done {
    pub ok: bool,
}

/// Log out.
#[utoipa::path(post, path = "/api/v1/logout", tag = "账号", responses((status = 200, body = Done)))]
pub async fn logout(State(state): State<AppState>, ApiAuth(auth): ApiAuth) -> Result<Response, ApiError> {
    if let Some(t) = &auth.ctx.token {
        session::logout(&state.store, t).await?;
    }
    let mut res = Json(Done { ok: true }).into_response();
    res.headers_mut().insert(header::SET_COOKIE, session_cookie("", state.config.cookie_secure));
    Ok(res)
}

/// The logged-in user and the CSRF token for changes.
#[utoipa::path(get, path = "/api/v1/me", tag = "账号", responses((status = 200, body = Me), (status = 401, body = crate::error::ErrorBody)))]
pub async fn me(ApiAuth(auth): ApiAuth) -> ApiResult<Me> {
    Ok(Json(Me::new(&auth.user, &auth.ctx.csrf)))
}
