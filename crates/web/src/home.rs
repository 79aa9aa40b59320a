//! 工作台: the first page after login — who you are, what you cover, what you did last.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::State;
use axum::routing::get;
use shuangyong_domain::OrgKind;
use shuangyong_store::audit::{self, Entry, Filter};
use shuangyong_store::org::{self, Page};
use shuangyong_store::user;

use crate::AppState;
use crate::ctx::Auth;
use crate::error::AppError;
use crate::layout::Layout;

pub fn router() -> Router<AppState> {
    Router::new().route("/", get(show))
}

#[derive(Template, WebTemplate)]
#[template(path = "home.html")]
struct HomePage {
    layout: Layout,
    scope_path: String,
    unit_counts: Vec<(&'static str, usize)>,
    users: Option<i64>,
    recent: Vec<Entry>,
    recent_title: &'static str,
}

async fn show(State(state): State<AppState>, auth: Auth) -> Result<HomePage, AppError> {
    let scope = auth.scope();
    let units = org::list(&state.store, &scope).await?;
    let unit_counts = OrgKind::ALL
        .into_iter()
        .map(|k| (k.label(), units.iter().filter(|u| u.kind == k).count()))
        .filter(|(_, n)| *n > 0)
        .collect();
    let users = if auth.user.role.is_admin() {
        Some(user::list(&state.store, &scope, Page::new(None, Some(1))).await?.1)
    } else {
        None
    };
    // Auditors and admins see the latest changes in their scope; everybody else their own.
    let (filter, recent_title) = if auth.user.role.may_read_audit() {
        (Filter::default(), "最近的操作记录")
    } else {
        (Filter { actor_id: Some(auth.user.id), ..Default::default() }, "我最近的操作")
    };
    let (recent, _) = audit::list(&state.store, &scope, &filter, Page::new(None, Some(8))).await?;
    let layout = Layout::new(&state, &auth.ctx, "home", &[], "工作台").await?;
    Ok(HomePage { layout, scope_path: scope.root().to_string(), unit_counts, users, recent, recent_title })
}
