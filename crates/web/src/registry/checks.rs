//! Near duplicates for managers to decide, and yearly life checks (年审).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use shuangyong_domain::OrgPath;
use shuangyong_domain::dates::parse_date;
use shuangyong_store::duplicates::{self, Flag};
use shuangyong_store::life_check::{self, Campaign};
use shuangyong_store::org::{self, OrgUnit, Page};
use shuangyong_store::registry::PersonRow;

use crate::AppState;
use crate::ctx::Auth;
use crate::error::AppError;
use crate::layout::{Layout, Pager, flash};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/registry/duplicates", get(duplicates_page))
        .route("/registry/duplicates/{id}/keep", post(keep))
        .route("/registry/duplicates/{id}/merge", post(merge))
        .route("/registry/life-checks", get(campaigns).post(open))
        .route("/registry/life-checks/{id}", get(campaign))
        .route("/registry/life-checks/{id}/confirm", post(confirm))
        .route("/registry/life-checks/{id}/close", post(close))
}

#[derive(Deserialize)]
struct PageQuery {
    page: Option<u64>,
}

#[derive(Template, WebTemplate)]
#[template(path = "registry/duplicates.html")]
struct DuplicatesPage {
    layout: Layout,
    flags: Vec<Flag>,
    pager: Pager,
}

async fn duplicates_page(
    State(state): State<AppState>,
    auth: Auth,
    Query(q): Query<PageQuery>,
) -> Result<DuplicatesPage, AppError> {
    auth.require(auth.user.role.is_manager())?;
    let page = Page::new(q.page, None);
    let (flags, total) = duplicates::list_open(&state.store, &auth.scope(), page).await?;
    let layout = Layout::new(&state, &auth.ctx, "registry", &[("优抚对象", "/registry")], "疑似重复").await?;
    Ok(DuplicatesPage { layout, flags, pager: Pager::new(page, total, "") })
}

async fn keep(State(state): State<AppState>, auth: Auth, Path(id): Path<i64>) -> Result<Response, AppError> {
    auth.require(auth.user.role.is_manager())?;
    let tx = state.store.begin_write().await?;
    let f = duplicates::keep_both(&state.store, &tx, &auth.user.actor(), &auth.scope(), id).await?;
    tx.commit().await?;
    flash(&state, &auth.ctx, &format!("已确认 {} 的两条记录是两个人", f.a.name)).await?;
    Ok(Redirect::to("/registry/duplicates").into_response())
}

#[derive(Deserialize)]
struct MergeForm {
    keep: i64,
}

async fn merge(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Form(f): Form<MergeForm>,
) -> Result<Response, AppError> {
    auth.require(auth.user.role.is_manager())?;
    let tx = state.store.begin_write().await?;
    let kept = duplicates::merge(&state.store, &tx, &auth.user.actor(), &auth.scope(), id, f.keep).await?;
    tx.commit().await?;
    flash(&state, &auth.ctx, "已合并：保留的记录带上了另一条的类别和服役经历，另一条已删除（审计日志中可查）").await?;
    Ok(Redirect::to(&format!("/registry/{kept}")).into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "registry/life_checks.html")]
struct CampaignsPage {
    layout: Layout,
    campaigns: Vec<Campaign>,
    units: Vec<OrgUnit>,
    may_open: bool,
    default_year: i32,
    error: Option<String>,
}

async fn campaigns_page(state: &AppState, auth: &Auth, error: Option<String>) -> Result<CampaignsPage, AppError> {
    let campaigns = life_check::list(&state.store, &auth.scope()).await?;
    let units = org::list(&state.store, &auth.scope()).await?.into_iter().filter(|u| u.path.depth() <= 2).collect();
    let layout = Layout::new(state, &auth.ctx, "registry", &[("优抚对象", "/registry")], "年审").await?;
    use chrono::Datelike;
    Ok(CampaignsPage {
        layout,
        campaigns,
        units,
        may_open: auth.user.role.is_manager(),
        default_year: shuangyong_domain::clock::today(shuangyong_store::now()).year(),
        error,
    })
}

async fn campaigns(State(state): State<AppState>, auth: Auth) -> Result<CampaignsPage, AppError> {
    auth.require(auth.user.role.may_read_people())?;
    campaigns_page(&state, &auth, None).await
}

#[derive(Deserialize)]
struct OpenForm {
    #[serde(default)]
    unit: String,
    #[serde(default)]
    year: String,
    #[serde(default)]
    deadline: String,
}

async fn open(State(state): State<AppState>, auth: Auth, Form(f): Form<OpenForm>) -> Result<Response, AppError> {
    auth.require(auth.user.role.is_manager())?;
    let unit = OrgPath::parse(&f.unit).map_err(|_| AppError::invalid("请选择单位"));
    let year = f.year.trim().parse::<i32>().map_err(|_| AppError::invalid("年度应为四位年份，如 2024"));
    let deadline = parse_date(&f.deadline).map(|d| d.date).map_err(|e| AppError::invalid(format!("截止日期：{e}")));
    let result = match (unit, year, deadline) {
        (Ok(unit), Ok(year), Ok(deadline)) => {
            let tx = state.store.begin_write().await?;
            match life_check::open(&state.store, &tx, &auth.user.actor(), &auth.scope(), &unit, year, deadline).await {
                Ok(id) => {
                    tx.commit().await?;
                    Ok(id)
                }
                Err(e) => Err(AppError::from(e)),
            }
        }
        (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => Err(e),
    };
    match result {
        Ok(id) => {
            flash(&state, &auth.ctx, "已开启年审：请逐人确认，截止后未确认的人将被暂停").await?;
            Ok(Redirect::to(&format!("/registry/life-checks/{id}")).into_response())
        }
        Err(e @ (AppError::Invalid { .. } | AppError::Conflict(_))) => {
            let page = campaigns_page(&state, &auth, Some(e.to_string())).await?;
            Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(e),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "registry/life_check.html")]
struct CampaignPage {
    layout: Layout,
    c: Campaign,
    rows: Vec<PersonRow>,
    pager: Pager,
    may_confirm: bool,
    may_close: bool,
    past_deadline: bool,
}

async fn campaign(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Query(q): Query<PageQuery>,
) -> Result<CampaignPage, AppError> {
    auth.require(auth.user.role.may_read_people())?;
    let c = life_check::get(&state.store, &auth.scope(), id).await?;
    let page = Page::new(q.page, Some(50));
    let (rows, total) = life_check::outstanding(&state.store, &auth.scope(), id, page).await?;
    let layout = Layout::new(
        &state,
        &auth.ctx,
        "registry",
        &[("优抚对象", "/registry"), ("年审", "/registry/life-checks")],
        c.name.clone(),
    )
    .await?;
    let today = shuangyong_domain::clock::today(shuangyong_store::now());
    Ok(CampaignPage {
        layout,
        past_deadline: today >= c.deadline,
        c,
        rows,
        pager: Pager::new(page, total, ""),
        may_confirm: auth.user.role.may_edit_people(),
        may_close: auth.user.role.is_manager(),
    })
}

#[derive(Deserialize)]
struct ConfirmForm {
    person_id: i64,
    #[serde(default)]
    method: String,
}

async fn confirm(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Form(f): Form<ConfirmForm>,
) -> Result<Response, AppError> {
    auth.require(auth.user.role.may_edit_people())?;
    let tx = state.store.begin_write().await?;
    life_check::confirm(&state.store, &tx, &auth.user.actor(), &auth.scope(), id, f.person_id, &f.method).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/registry/life-checks/{id}")).into_response())
}

async fn close(State(state): State<AppState>, auth: Auth, Path(id): Path<i64>) -> Result<Response, AppError> {
    auth.require(auth.user.role.is_manager())?;
    let tx = state.store.begin_write().await?;
    let today = shuangyong_domain::clock::today(shuangyong_store::now());
    let n = life_check::close(&state.store, &tx, &auth.user.actor(), &auth.scope(), id, today).await?;
    tx.commit().await?;
    flash(&state, &auth.ctx, &format!("年审已结束：未确认的 {n} 人已暂停（可在人员页面恢复为正常）")).await?;
    Ok(Redirect::to(&format!("/registry/life-checks/{id}")).into_response())
}
