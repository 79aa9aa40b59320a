//! Logging in and out.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use shuangyong_store::session;
use shuangyong_store::user::{self, LoginError};

use crate::AppState;
use crate::ctx::{Ctx, session_cookie};
use crate::error::AppError;
use crate::layout::Layout;

pub fn router() -> Router<AppState> {
    Router::new().route("/login", get(show).post(submit)).route("/logout", post(logout))
}

#[derive(Template, WebTemplate)]
#[template(path = "login.html")]
struct LoginPage {
    layout: Layout,
    username: String,
    error: Option<String>,
}

/// The login form. A visitor without a session gets an anonymous one, for the form's CSRF token.
async fn show(State(state): State<AppState>, mut ctx: Ctx) -> Result<Response, AppError> {
    if ctx.user.is_some() {
        return Ok(Redirect::to("/").into_response());
    }
    let mut cookie = None;
    if ctx.token.is_none() {
        let s = session::create_anonymous(&state.store).await?;
        cookie = Some(session_cookie(&s.token, state.config.cookie_secure));
        ctx.token = Some(s.token);
        ctx.csrf = s.csrf_token;
    }
    let layout = Layout::new(&state, &ctx, "login", &[], "登录").await?;
    let mut res = LoginPage { layout, username: String::new(), error: None }.into_response();
    if let Some(c) = cookie {
        res.headers_mut().insert(header::SET_COOKIE, c);
    }
    Ok(res)
}

#[derive(Deserialize)]
struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
}

/// Checks the password; on success replaces the session (new token) and goes to the workbench.
async fn submit(State(state): State<AppState>, ctx: Ctx, Form(form): Form<LoginForm>) -> Result<Response, AppError> {
    let outcome = if form.username.trim().is_empty() || form.password.is_empty() {
        Err(LoginError::BadCredentials)
    } else {
        user::authenticate(&state.store, &form.username, &form.password, &ctx.ip).await?
    };
    match outcome {
        Ok(u) => {
            let s = session::login(&state.store, ctx.token.as_deref(), u).await?;
            let mut res = Redirect::to("/").into_response();
            res.headers_mut().insert(header::SET_COOKIE, session_cookie(&s.token, state.config.cookie_secure));
            Ok(res)
        }
        Err(e) => {
            let status = match e {
                LoginError::Locked { .. } => StatusCode::TOO_MANY_REQUESTS,
                _ => StatusCode::UNAUTHORIZED,
            };
            let error = if form.username.trim().is_empty() || form.password.is_empty() {
                "请输入用户名和密码".to_owned()
            } else {
                e.to_string()
            };
            let layout = Layout::new(&state, &ctx, "login", &[], "登录").await?;
            Ok((status, LoginPage { layout, username: form.username, error: Some(error) }).into_response())
        }
    }
}

async fn logout(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    if let Some(t) = &ctx.token {
        session::logout(&state.store, t).await?;
    }
    let mut res = Redirect::to("/login").into_response();
    res.headers_mut().insert(header::SET_COOKIE, session_cookie("", state.config.cookie_secure));
    Ok(res)
}
