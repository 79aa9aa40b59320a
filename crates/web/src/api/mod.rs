//! The JSON API under `/api/v1`: the same store calls as the pages, one error shape, and its
//! OpenAPI document with an offline Swagger UI at `/api/docs`.

use axum::extract::{FromRequest, Request};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Router, middleware};
use serde::de::DeserializeOwned;
use utoipa::OpenApi;
use utoipa_swagger_ui::SwaggerUi;

use crate::AppState;
use crate::ctx::Ctx;
use crate::error::{ApiError, AppError};

pub mod account;
pub mod audit;
pub mod benefits;
pub mod cases;
pub mod org;
pub mod registry;
pub mod users;
pub mod work;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "双拥工作平台 API",
        version = "1",
        description = "县双拥办工作平台的 JSON 接口。登录后凭会话 Cookie 访问；\
        所有修改请求须带 X-CSRF-Token 请求头（其值见 GET /api/v1/me）。错误统一为 {\"error\": {\"code\", \"message\", \"fields\"}}。"
    ),
    paths(
        account::login,
        account::logout,
        account::me,
        org::list,
        org::create,
        org::update,
        users::list,
        users::create,
        users::reset_password,
        users::set_disabled,
        audit::list,
        audit::entry,
        audit::verify,
        benefits::programs,
        benefits::set_standard,
        benefits::person_benefits,
        benefits::list_applications,
        benefits::submit,
        benefits::application,
        benefits::review,
        benefits::decide,
        benefits::cycles,
        benefits::run,
        benefits::one_cycle,
        benefits::lines,
        benefits::approve,
        cases::housing_list,
        cases::housing_solved,
        cases::housing_one,
        cases::housing_create,
        cases::housing_update,
        cases::housing_state,
        cases::funds,
        cases::fund_one,
        cases::fund_create,
        cases::claims,
        cases::claim_one,
        cases::claim_submit,
        cases::claim_approve,
        cases::claim_reject,
        cases::placements,
        cases::placement_one,
        cases::placement_create,
        cases::placement_update,
        cases::training,
        cases::windows_list,
        cases::window_create,
        cases::treatments,
        cases::treatment_create,
        work::list,
        work::one,
        work::create,
        work::update,
        work::yearly,
    ),
    components(schemas(
        crate::error::ErrorBody,
        crate::error::ErrorDetail,
        benefits::StandardBody,
        benefits::SubmitBody,
        benefits::NoteBody,
        benefits::DecideBody,
        benefits::RunBody
    ))
)]
pub struct ApiDoc;

pub fn router() -> Router<AppState> {
    let docs: Router<AppState> =
        Router::from(SwaggerUi::new("/api/docs").url("/api/v1/openapi.json", ApiDoc::openapi()));
    Router::new()
        .merge(account::router())
        .merge(org::router())
        .merge(registry::router())
        .merge(benefits::router())
        .merge(users::router())
        .merge(audit::router())
        .merge(cases::router())
        .merge(work::router())
        .merge(docs.route_layer(middleware::from_fn(docs_need_login)))
}

/// The API documents are for users of the system: visitors go to the login page first.
async fn docs_need_login(ctx: Ctx, req: Request, next: middleware::Next) -> Response {
    if ctx.user.is_none() {
        if req.uri().path().starts_with("/api/v1/") {
            return ApiError(AppError::Unauthenticated).into_response();
        }
        return Redirect::to("/login").into_response();
    }
    next.run(req).await
}

/// A JSON body whose rejection speaks the API's error shape.
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;
    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(ApiJson(v)),
            Err(e) => Err(ApiError(AppError::invalid(format!(
                "请求内容不是有效的 JSON 或缺少必填字段（{}），请按接口文档 /api/docs 修改后重试",
                e.body_text()
            )))),
        }
    }
}
