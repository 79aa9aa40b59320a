//! The web UI and JSON API of the 双拥 work platform (axum). One module per area of work, each with
//! its `router()`; the root merges them and adds the session/CSRF/security-header middleware.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use shuangyong_store::Store;

pub mod account;
pub mod admin;
pub mod api;
pub mod benefits;
pub mod cases;
pub mod ctx;
pub mod error;
pub mod home;
pub mod layout;
pub mod login;
pub mod org;
pub mod registry;
pub mod reports;
pub mod svg;
pub mod work;

/// Settings of the web server.
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// Mark the session cookie `Secure` (serve behind HTTPS).
    pub cookie_secure: bool,
}

#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub config: Arc<Config>,
}

impl AppState {
    pub fn new(store: Store, config: Config) -> Self {
        AppState { store, config: Arc::new(config) }
    }
}

/// The whole application.
pub fn app(state: AppState) -> Router {
    Router::new()
        .merge(login::router())
        .merge(account::router())
        .merge(home::router())
        .merge(org::router())
        .merge(registry::router())
        .merge(benefits::router())
        .merge(reports::router())
        .merge(work::router())
        .merge(admin::router())
        .merge(cases::router())
        .merge(api::router())
        .route("/healthz", get(|| async { "ok" }))
        .fallback(not_found)
        .layer(axum::middleware::from_fn_with_state(state.clone(), ctx::middleware))
        .route("/assets/{*file}", get(asset))
        .with_state(state)
}

/// Unknown paths: visitors are sent to log in (so a crawl learns nothing), users get a 404.
async fn not_found(ctx: ctx::Ctx, uri: axum::http::Uri) -> Response {
    let e = if ctx.user.is_none() { error::AppError::Unauthenticated } else { error::AppError::NotFound };
    if uri.path().starts_with("/api/") { error::ApiError(e).into_response() } else { e.into_response() }
}

#[derive(rust_embed::RustEmbed)]
#[folder = "assets/"]
struct Assets;

/// Our own CSS, JS and icons, embedded in the binary.
async fn asset(Path(file): Path<String>) -> Response {
    match Assets::get(&file) {
        Some(f) => {
            let mime = match file.rsplit('.').next() {
                Some("css") => "text/css; charset=utf-8",
                Some("js") => "text/javascript; charset=utf-8",
                Some("svg") => "image/svg+xml",
                Some("png") => "image/png",
                _ => "application/octet-stream",
            };
            (
                [
                    (header::CONTENT_TYPE, mime),
                    (header::CACHE_CONTROL, "public, max-age=3600"),
                    (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
                ],
                f.data,
            )
                .into_response()
        }
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

/// Serves until Ctrl-C or SIGTERM, then finishes the requests in flight.
pub async fn serve(state: AppState, listener: tokio::net::TcpListener) -> anyhow::Result<()> {
    let store = state.store.clone();
    // Sweep expired sessions once an hour.
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(3600));
        loop {
            tick.tick().await;
            if let Err(e) = shuangyong_store::session::purge_expired(&store).await {
                tracing::warn!(error = %e, "purging expired sessions");
            }
        }
    });
    axum::serve(listener, app(state).into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(shutdown())
        .await?;
    Ok(())
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}
