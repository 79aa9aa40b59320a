//! 审计日志: browse, filter and verify the hash-chained log. Auditors and administrators.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::routing::get;
use chrono::NaiveDate;
use serde::Deserialize;
use shuangyong_store::audit::{self, Entry, Filter, Verdict};
use shuangyong_store::org::Page;

use crate::AppState;
use crate::ctx::Auth;
use crate::error::AppError;
use crate::layout::{Layout, Pager, query_string};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/audit", get(list))
        .route("/admin/audit/verify", get(verify))
        .route("/admin/audit/{seq}", get(show))
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct AuditQuery {
    #[serde(default)]
    pub actor: String,
    #[serde(default)]
    pub entity: String,
    #[serde(default)]
    pub action: String,
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
    #[serde(default)]
    pub q: String,
    pub page: Option<u64>,
}

/// Parses a filter; a date that does not parse is reported, not ignored.
pub fn to_filter(q: &AuditQuery) -> Result<Filter, AppError> {
    let date = |s: &str, what: &str| -> Result<Option<NaiveDate>, AppError> {
        if s.trim().is_empty() {
            return Ok(None);
        }
        NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
            .map(Some)
            .map_err(|_| AppError::invalid(format!("{what}应为“年-月-日”格式，如 2024-08-01")))
    };
    Ok(Filter {
        actor: Some(q.actor.clone()),
        actor_id: None,
        entity: Some(q.entity.clone()),
        action: Some(q.action.clone()),
        from: date(&q.from, "开始日期")?,
        to: date(&q.to, "结束日期")?,
        text: Some(q.q.clone()),
    })
}

pub const ENTITIES: &[(&str, &str)] = &[("org_unit", "单位"), ("app_user", "用户")];
pub const ACTIONS: &[(&str, &str)] = &[
    ("create", "新增"),
    ("update", "修改"),
    ("disable", "停用"),
    ("enable", "启用"),
    ("reset_password", "重置密码"),
    ("change_password", "修改密码"),
    ("login", "登录"),
    ("lock", "锁定"),
];

#[derive(Template, WebTemplate)]
#[template(path = "admin/audit.html")]
struct ListPage {
    layout: Layout,
    q: AuditQuery,
    error: Option<String>,
    entries: Vec<Entry>,
    pager: Pager,
    entities: &'static [(&'static str, &'static str)],
    actions: &'static [(&'static str, &'static str)],
}

async fn list(State(state): State<AppState>, auth: Auth, Query(q): Query<AuditQuery>) -> Result<ListPage, AppError> {
    auth.require(auth.user.role.may_read_audit())?;
    let page = Page::new(q.page, None);
    let (entries, total, error) = match to_filter(&q) {
        Ok(f) => {
            let (e, t) = audit::list(&state.store, &auth.scope(), &f, page).await?;
            (e, t, None)
        }
        Err(e) => (Vec::new(), 0, Some(e.to_string())),
    };
    let query = query_string(&[
        ("actor", &q.actor),
        ("entity", &q.entity),
        ("action", &q.action),
        ("from", &q.from),
        ("to", &q.to),
        ("q", &q.q),
    ]);
    let layout = Layout::new(&state, &auth.ctx, "admin", &[("系统管理", "/admin")], "审计日志").await?;
    Ok(ListPage {
        layout,
        q,
        error,
        entries,
        pager: Pager::new(page, total, &query),
        entities: ENTITIES,
        actions: ACTIONS,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/audit_entry.html")]
struct EntryPage {
    layout: Layout,
    e: Entry,
    before: String,
    after: String,
}

fn pretty(json: &Option<String>) -> String {
    json.as_deref()
        .and_then(|s| serde_json::from_str::<serde_json::Value>(s).ok())
        .and_then(|v| serde_json::to_string_pretty(&v).ok())
        .unwrap_or_default()
}

async fn show(State(state): State<AppState>, auth: Auth, Path(seq): Path<i64>) -> Result<EntryPage, AppError> {
    auth.require(auth.user.role.may_read_audit())?;
    let e = audit::get(&state.store, &auth.scope(), seq).await?;
    let layout = Layout::new(
        &state,
        &auth.ctx,
        "admin",
        &[("系统管理", "/admin"), ("审计日志", "/admin/audit")],
        format!("第 {} 条", e.seq),
    )
    .await?;
    Ok(EntryPage { before: pretty(&e.before_json), after: pretty(&e.after_json), layout, e })
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/audit_verify.html")]
struct VerifyPage {
    layout: Layout,
    intact: bool,
    message: String,
}

/// Walks the whole chain now and says whether it is intact.
async fn verify(State(state): State<AppState>, auth: Auth) -> Result<VerifyPage, AppError> {
    auth.require(auth.user.role.may_read_audit())?;
    let verdict = audit::verify(&state.store).await?;
    let layout =
        Layout::new(&state, &auth.ctx, "admin", &[("系统管理", "/admin"), ("审计日志", "/admin/audit")], "校验哈希链")
            .await?;
    Ok(VerifyPage { layout, intact: matches!(verdict, Verdict::Intact { .. }), message: verdict.to_string() })
}
