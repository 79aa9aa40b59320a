//! The user's own account: changing the password.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Form, Router};
use serde::Deserialize;
use shuangyong_store::{StoreError, session, user};

use crate::AppState;
use crate::ctx::Auth;
use crate::error::{AppError, FieldErrors};
use crate::layout::{Layout, flash};

pub fn router() -> Router<AppState> {
    Router::new().route("/account/password", get(show).post(change))
}

#[derive(Template, WebTemplate)]
#[template(path = "account_password.html")]
struct PasswordPage {
    layout: Layout,
    errors: FieldErrors,
}

async fn show(State(state): State<AppState>, auth: Auth) -> Result<PasswordPage, AppError> {
    let layout = Layout::new(&state, &auth.ctx, "account", &[], "修改密码").await?;
    Ok(PasswordPage { layout, errors: FieldErrors::new() })
}

#[derive(Deserialize)]
struct PasswordForm {
    #[serde(default)]
    current: String,
    #[serde(default)]
    new: String,
    #[serde(default)]
    repeat: String,
}

async fn change(State(state): State<AppState>, auth: Auth, Form(f): Form<PasswordForm>) -> Result<Response, AppError> {
    let mut errors = FieldErrors::new();
    if f.new != f.repeat {
        errors.insert("repeat", "两次输入的新密码不一致，请重新输入".into());
    } else {
        let tx = state.store.begin_write().await?;
        match user::change_own_password(&state.store, &tx, &auth.user, &f.current, f.new).await {
            Ok(()) => {
                tx.commit().await?;
                if let Some(t) = &auth.ctx.token {
                    session::end_others(&state.store, auth.user.id, t).await?;
                }
                flash(&state, &auth.ctx, "密码已修改；您在其他设备上的登录已退出").await?;
                return Ok(Redirect::to("/").into_response());
            }
            Err(StoreError::Invalid(m)) if m.contains("当前密码") => {
                errors.insert("current", m);
            }
            Err(StoreError::Invalid(m)) => {
                errors.insert("new", m);
            }
            Err(e) => return Err(e.into()),
        }
    }
    let layout = Layout::new(&state, &auth.ctx, "account", &[], "修改密码").await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, PasswordPage { layout, errors }).into_response())
}
