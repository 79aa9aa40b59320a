//! 系统管理: users and the audit log.

use axum::Router;
use axum::response::Redirect;
use axum::routing::get;

use crate::AppState;
use crate::ctx::Auth;
use crate::error::AppError;

pub mod audit;
pub mod users;

pub fn router() -> Router<AppState> {
    Router::new().route("/admin", get(index)).merge(users::router()).merge(audit::router())
}

/// The area's first page for the role.
async fn index(auth: Auth) -> Result<Redirect, AppError> {
    if auth.user.role.is_admin() {
        Ok(Redirect::to("/admin/users"))
    } else if auth.user.role.may_read_audit() {
        Ok(Redirect::to("/admin/audit"))
    } else {
        Err(AppError::Forbidden)
    }
}
