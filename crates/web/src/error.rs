//! One error type for the whole web layer. HTML handlers return it as a Chinese page, API handlers
//! wrap it in [`ApiError`] and it becomes `{"error": {"code", "message", "fields"}}`. Unexpected
//! errors are logged with their cause and shown as a generic sentence.

use std::collections::BTreeMap;

use askama::Template;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Serialize;
use shuangyong_store::StoreError;

/// Field name → Chinese message.
pub type FieldErrors = BTreeMap<&'static str, String>;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("请先登录")]
    Unauthenticated,
    #[error("您的角色无权进行此操作；如确需办理，请联系系统管理员调整权限")]
    Forbidden,
    #[error("页面或记录不存在，或不在您的管辖范围内")]
    NotFound,
    #[error("页面已过期或来源不明（安全校验未通过），请刷新页面后重新提交")]
    Csrf,
    #[error("{message}")]
    Invalid { message: String, fields: FieldErrors },
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    TooMany(String),
    #[error("系统内部错误，请稍后重试；如果问题持续，请联系系统管理员")]
    Internal(#[source] anyhow::Error),
    /// The database's storage refused (disk full, read-only): the message says so.
    #[error("{0}")]
    Unavailable(String, #[source] anyhow::Error),
}

impl AppError {
    pub fn invalid(message: impl Into<String>) -> Self {
        AppError::Invalid { message: message.into(), fields: FieldErrors::new() }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            AppError::Unauthenticated => StatusCode::UNAUTHORIZED,
            AppError::Forbidden | AppError::Csrf => StatusCode::FORBIDDEN,
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Invalid { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::TooMany(_) => StatusCode::TOO_MANY_REQUESTS,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
            AppError::Unavailable(..) => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            AppError::Unauthenticated => "unauthenticated",
            AppError::Forbidden => "forbidden",
            AppError::NotFound => "not_found",
            AppError::Csrf => "csrf",
            AppError::Invalid { .. } => "invalid",
            AppError::Conflict(_) => "conflict",
            AppError::TooMany(_) => "too_many_requests",
            AppError::Internal(_) => "internal",
            AppError::Unavailable(..) => "unavailable",
        }
    }

    fn log(&self) {
        match self {
            AppError::Internal(e) => tracing::error!(error = ?e, "internal error"),
            AppError::Unavailable(_, e) => tracing::error!(error = ?e, "storage error"),
            _ => {}
        }
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Invalid(m) => AppError::invalid(m),
            StoreError::NotFound => AppError::NotFound,
            StoreError::Conflict(m) => AppError::Conflict(m),
            StoreError::Duplicate { message, .. } => AppError::Conflict(message),
            StoreError::Storage { message, source } => AppError::Unavailable(message, source.into()),
            StoreError::Db(e) => AppError::Internal(e.into()),
            StoreError::Other(e) => AppError::Internal(e),
        }
    }
}

impl From<sea_orm::DbErr> for AppError {
    fn from(e: sea_orm::DbErr) -> Self {
        AppError::Internal(e.into())
    }
}

impl From<anyhow::Error> for AppError {
    fn from(e: anyhow::Error) -> Self {
        AppError::Internal(e)
    }
}

impl From<askama::Error> for AppError {
    fn from(e: askama::Error) -> Self {
        AppError::Internal(e.into())
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    status: u16,
    message: &'a str,
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        self.log();
        if let AppError::Unauthenticated = self {
            return Redirect::to("/login").into_response();
        }
        let message = self.to_string();
        let page = ErrorPage { status: self.status().as_u16(), message: &message };
        match page.render() {
            Ok(html) => (self.status(), [(header::CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response(),
            Err(_) => (self.status(), message).into_response(),
        }
    }
}

/// The API's rendering of [`AppError`].
#[derive(Debug)]
pub struct ApiError(pub AppError);

impl<E: Into<AppError>> From<E> for ApiError {
    fn from(e: E) -> Self {
        ApiError(e.into())
    }
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    /// A stable code: unauthenticated, forbidden, not_found, csrf, invalid, conflict, too_many_requests, internal.
    pub code: String,
    /// A Chinese sentence for the user, saying what to do.
    pub message: String,
    /// Field name → message, for invalid input.
    pub fields: BTreeMap<String, String>,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let e = self.0;
        e.log();
        let fields = match &e {
            AppError::Invalid { fields, .. } => fields.iter().map(|(k, v)| ((*k).to_owned(), v.clone())).collect(),
            _ => BTreeMap::new(),
        };
        let body = ErrorBody { error: ErrorDetail { code: e.code().to_owned(), message: e.to_string(), fields } };
        (e.status(), axum::Json(body)).into_response()
    }
}

pub type ApiResult<T> = Result<axum::Json<T>, ApiError>;
