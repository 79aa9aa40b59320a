//! What every page shares: the user bar, the menu, breadcrumbs, the flash message, pagination.

use shuangyong_domain::Role;
use shuangyong_store::org::Page;
use shuangyong_store::user::User;
use shuangyong_store::{org, session};

use crate::AppState;
use crate::ctx::Ctx;
use crate::error::AppError;

/// An entry of the top menu. Areas appear here as they land (DESIGN.md's table).
#[derive(Debug, Clone)]
pub struct MenuItem {
    pub label: &'static str,
    pub href: &'static str,
    pub active: bool,
}

/// The areas of work and who sees them in the menu.
const AREAS: &[(&str, &str, &str)] = &[
    ("home", "工作台", "/"),
    ("org", "组织体系", "/org"),
    ("publicity", "宣传教育", "/publicity"),
    ("support", "服务保障", "/support"),
    ("registry", "优抚对象", "/registry"),
    ("benefits", "优抚待遇", "/benefits"),
    ("cases", "帮扶服务", "/cases"),
    ("troops", "驻军贡献", "/troops"),
    ("reports", "统计报告", "/reports"),
    ("admin", "系统管理", "/admin"),
];

fn area_visible(area: &str, role: Role) -> bool {
    match area {
        "admin" => role.is_admin() || role.may_read_audit(),
        "registry" | "benefits" | "cases" => role.may_read_people(),
        _ => true,
    }
}

#[derive(Debug, Clone)]
pub struct Crumb {
    pub label: String,
    pub href: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Layout {
    pub title: String,
    pub user: Option<User>,
    pub unit_name: String,
    pub csrf: String,
    pub flash: Option<String>,
    pub menu: Vec<MenuItem>,
    pub crumbs: Vec<Crumb>,
}

impl Layout {
    /// The layout of a page in `area`, titled `title`, under the breadcrumbs `trail`
    /// (label, link) — the title itself is the last crumb. Takes the flash message.
    pub async fn new(
        state: &AppState,
        ctx: &Ctx,
        area: &str,
        trail: &[(&str, &str)],
        title: impl Into<String>,
    ) -> Result<Layout, AppError> {
        let title = title.into();
        let flash = match &ctx.token {
            Some(t) => session::take_flash(&state.store, t).await?,
            None => None,
        };
        let (menu, unit_name) = match &ctx.user {
            Some(u) => {
                let menu = AREAS
                    .iter()
                    .filter(|(key, _, _)| area_visible(key, u.role))
                    .map(|(key, label, href)| MenuItem { label, href, active: *key == area })
                    .collect();
                let unit = org::get(&state.store, &u.scope(), &u.org_path).await.map(|u| u.name).unwrap_or_default();
                (menu, unit)
            }
            None => (Vec::new(), String::new()),
        };
        let mut crumbs: Vec<Crumb> = Vec::new();
        if ctx.user.is_some() && area != "home" {
            crumbs.push(Crumb { label: "工作台".into(), href: Some("/".into()) });
        }
        crumbs.extend(trail.iter().map(|(l, h)| Crumb { label: (*l).to_owned(), href: Some((*h).to_owned()) }));
        crumbs.push(Crumb { label: title.clone(), href: None });
        Ok(Layout { title, user: ctx.user.clone(), unit_name, csrf: ctx.csrf.clone(), flash, menu, crumbs })
    }
}

/// Pagination links for a list; `query` is the list's filter query without the page.
#[derive(Debug, Clone)]
pub struct Pager {
    pub total: i64,
    /// More rows match than `total` (a search counts only so far): shown as "1000 条以上".
    pub more: bool,
    pub page: u64,
    pub pages: u64,
    pub prev: Option<String>,
    pub next: Option<String>,
}

impl Pager {
    pub fn new(page: Page, total: i64, query: &str) -> Pager {
        let pages = (total.max(0) as u64).div_ceil(page.size).max(1);
        let link = |n: u64| {
            let sep = if query.is_empty() { "" } else { "&" };
            format!("?{query}{sep}page={n}")
        };
        Pager {
            total,
            more: false,
            page: page.number,
            pages,
            prev: (page.number > 1).then(|| link(page.number - 1)),
            next: (page.number < pages).then(|| link(page.number + 1)),
        }
    }

    /// The pager of a search that counted up to a cap: the pages end at the cap.
    pub fn capped(page: Page, total: i64, more: bool, query: &str) -> Pager {
        Pager { more, ..Pager::new(page, total, query) }
    }
}

/// Stores a one-time message for the next page of this session.
pub async fn flash(state: &AppState, ctx: &Ctx, message: &str) -> Result<(), AppError> {
    if let Some(t) = &ctx.token {
        session::set_flash(&state.store, t, message).await?;
    }
    Ok(())
}

/// A query string from pairs, leaving out empty values.
pub fn query_string(pairs: &[(&str, &str)]) -> String {
    let kept: Vec<(&str, &str)> = pairs.iter().copied().filter(|(_, v)| !v.is_empty()).collect();
    serde_urlencoded::to_string(kept).unwrap_or_default()
}
