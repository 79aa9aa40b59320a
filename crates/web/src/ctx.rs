//! The request context: session → user → scope. A middleware loads the session from its cookie,
//! checks CSRF on every state-changing request, and adds security headers to every response.

use std::net::SocketAddr;

use axum::body::{Body, to_bytes};
use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, header, request::Parts};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use shuangyong_store::user::User;
use shuangyong_store::{Scope, session};
use subtle::ConstantTimeEq;

use crate::AppState;
use crate::error::{ApiError, AppError};

pub const COOKIE: &str = "sy_session";
/// The largest form body the CSRF check reads; uploads put the token in the query string.
const MAX_FORM: usize = 2 * 1024 * 1024;

/// What the middleware learnt about the request.
#[derive(Debug, Clone, Default)]
pub struct Ctx {
    pub token: Option<String>,
    pub user: Option<User>,
    pub csrf: String,
    pub ip: String,
}

impl<S: Send + Sync> FromRequestParts<S> for Ctx {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(parts.extensions.get::<Ctx>().cloned().unwrap_or_default())
    }
}

/// A logged-in user; HTML handlers that take it send visitors to the login page.
#[derive(Debug, Clone)]
pub struct Auth {
    pub user: User,
    pub ctx: Ctx,
}

impl Auth {
    pub fn scope(&self) -> Scope {
        self.user.scope()
    }

    /// Refuses unless `allowed`.
    pub fn require(&self, allowed: bool) -> Result<(), AppError> {
        if allowed { Ok(()) } else { Err(AppError::Forbidden) }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Auth {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, s: &S) -> Result<Self, Self::Rejection> {
        let ctx = Ctx::from_request_parts(parts, s).await?;
        match ctx.user.clone() {
            Some(user) => Ok(Auth { user, ctx }),
            None => Err(AppError::Unauthenticated),
        }
    }
}

/// The same for API handlers: 401 with the JSON error body.
pub struct ApiAuth(pub Auth);

impl<S: Send + Sync> FromRequestParts<S> for ApiAuth {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, s: &S) -> Result<Self, Self::Rejection> {
        Auth::from_request_parts(parts, s).await.map(ApiAuth).map_err(ApiError)
    }
}

pub fn cookie_value(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

/// The Set-Cookie value for a session token (empty token: delete the cookie).
pub fn session_cookie(token: &str, secure: bool) -> HeaderValue {
    let max_age = if token.is_empty() { "; Max-Age=0".to_owned() } else { String::new() };
    let secure = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!("{COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict{secure}{max_age}"))
        .unwrap_or_else(|_| HeaderValue::from_static("sy_session=; Max-Age=0"))
}

fn is_api(path: &str) -> bool {
    path.starts_with("/api/")
}

fn reject(path: &str, e: AppError) -> Response {
    if is_api(path) { ApiError(e).into_response() } else { e.into_response() }
}

/// Whether the request comes from our own pages: `Sec-Fetch-Site` (sent by every current browser)
/// must not be cross-site, and an `Origin`, if sent, must be this host.
fn same_origin(headers: &HeaderMap) -> bool {
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok())
        && !matches!(site, "same-origin" | "none")
    {
        return false;
    }
    if let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        let host = headers.get(header::HOST).and_then(|v| v.to_str().ok()).unwrap_or("");
        let origin_host = origin.split_once("://").map(|(_, h)| h).unwrap_or(origin);
        return origin != "null" && origin_host == host;
    }
    true
}

/// Whether a form or query (`%00`) or a JSON body (`\u0000`) carries a NUL character.
fn has_nul(bytes: &[u8], json: bool) -> bool {
    let escaped: &[u8] = if json { b"\\u0000" } else { b"%00" };
    bytes.contains(&0) || bytes.windows(escaped.len()).any(|w| w == escaped)
}

fn nul_refused() -> AppError {
    AppError::invalid(
        "提交的内容含有空字符（NUL，一种看不见的控制字符），未保存。请删除后重新提交；从其他系统复制来的文字可能带有它。",
    )
}

fn form_field(body: &[u8], name: &str) -> Option<String> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(body)
        .ok()?
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
}

/// Loads the session, checks CSRF on POST/PUT/PATCH/DELETE, and sets the security headers.
pub async fn middleware(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_owned();
    let ip = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string())
        .unwrap_or_else(|| "unknown".to_owned());
    let token = cookie_value(req.headers(), COOKIE);
    let loaded = match &token {
        Some(t) => match session::load(&state.store, t).await {
            Ok(s) => s,
            Err(e) => return reject(&path, e.into()),
        },
        None => None,
    };
    let stale_cookie = token.is_some() && loaded.is_none();
    let ctx = Ctx {
        token: loaded.as_ref().map(|s| s.token.clone()),
        user: loaded.as_ref().and_then(|s| s.user.clone()),
        csrf: loaded.map(|s| s.csrf_token).unwrap_or_default(),
        ip,
    };

    let mut req = req;
    let writes = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    // JSON login is the one write without a session: a JSON body cannot be sent cross-site
    // without a CORS preflight, which this server never grants.
    let json_login = path == "/api/v1/login"
        && req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/json"));
    if writes && !json_login {
        if !same_origin(req.headers()) || ctx.csrf.is_empty() {
            return reject(&path, AppError::Csrf);
        }
        let mut sent = req
            .headers()
            .get("x-csrf-token")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
            .or_else(|| req.uri().query().and_then(|q| form_field(q.as_bytes(), "_csrf")));
        let is_form = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
        if sent.is_none() && is_form {
            let (parts, body) = req.into_parts();
            let bytes = match to_bytes(body, MAX_FORM).await {
                Ok(b) => b,
                Err(_) => return reject(&path, AppError::invalid("提交的内容过大，请分批提交")),
            };
            sent = form_field(&bytes, "_csrf");
            req = Request::from_parts(parts, Body::from(bytes));
        }
        let ok = sent.is_some_and(|s| bool::from(s.as_bytes().ct_eq(ctx.csrf.as_bytes())));
        if !ok {
            return reject(&path, AppError::Csrf);
        }
    }

    // A NUL character has no place in any field, and PostgreSQL cannot store one in text: refuse
    // it here, once, with a message, instead of a server error from whichever query meets it.
    if req.uri().query().is_some_and(|q| has_nul(q.as_bytes(), false)) {
        return reject(&path, nul_refused());
    }
    let content_type = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let json = content_type.starts_with("application/json");
    if writes && (json || content_type.starts_with("application/x-www-form-urlencoded")) {
        let (parts, body) = req.into_parts();
        let bytes = match to_bytes(body, MAX_FORM).await {
            Ok(b) => b,
            Err(_) => return reject(&path, AppError::invalid("提交的内容过大，请分批提交")),
        };
        if has_nul(&bytes, json) {
            return reject(&path, nul_refused());
        }
        req = Request::from_parts(parts, Body::from(bytes));
    }

    req.extensions_mut().insert(ctx);
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    if stale_cookie && !h.contains_key(header::SET_COOKIE) {
        h.insert(header::SET_COOKIE, session_cookie("", state.config.cookie_secure));
    }
    security_headers(h, &path);
    res
}

fn security_headers(h: &mut HeaderMap, path: &str) {
    // Swagger UI styles itself inline; no page of ours does, and no page runs inline script.
    let style = if path.starts_with("/api/docs") { "'self' 'unsafe-inline'" } else { "'self'" };
    let csp = format!(
        "default-src 'self'; script-src 'self'; style-src {style}; img-src 'self' data:; \
         object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    );
    if let Ok(v) = HeaderValue::from_str(&csp) {
        h.insert(header::CONTENT_SECURITY_POLICY, v);
    }
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    h.insert("permissions-policy", HeaderValue::from_static("camera=(), microphone=(), geolocation=()"));
    h.insert("cross-origin-opener-policy", HeaderValue::from_static("same-origin"));
    if !path.starts_with("/assets/") && !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
}
