//! 帮扶服务: housing cases, medical aid funds and claims, placement and training, priority
//! windows and preferential treatments, and their evidence files. Forms that fail come back to
//! their page with the reason in the flash message; nothing is written.

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Multipart, Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use chrono::{Datelike, NaiveDate};
use shuangyong_domain::OrgPath;
use shuangyong_domain::cases::{Rate, parse_yuan};
use shuangyong_domain::dates::parse_date;
use shuangyong_store::cases::attachment::{self, Attachment, CaseKind};
use shuangyong_store::cases::housing::{self, SolvedYear};
use shuangyong_store::cases::medical::{self, Fund};
use shuangyong_store::cases::placement;
use shuangyong_store::cases::windows::{self, WindowFilter};
use shuangyong_store::org::{self, OrgUnit, Page};

use crate::AppState;
use crate::ctx::Auth;
use crate::error::AppError;
use crate::layout::{Layout, flash};

pub mod housing_pages;
pub mod medical_pages;
pub mod placement_pages;
pub mod windows_pages;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/cases", get(overview))
        .route("/cases/attachments/{id}", get(download_attachment))
        .merge(housing_pages::router())
        .merge(medical_pages::router())
        .merge(placement_pages::router())
        .merge(windows_pages::router())
}

/// The breadcrumb of every page of the area.
pub(crate) const TRAIL: &[(&str, &str)] = &[("帮扶服务", "/cases")];

/// The current year in Beijing.
pub(crate) fn this_year() -> i32 {
    shuangyong_domain::clock::today(shuangyong_store::now()).year()
}

/// Units in scope, for filters and forms, and their names by path.
pub(crate) async fn units(state: &AppState, auth: &Auth) -> Result<(Vec<OrgUnit>, HashMap<String, String>), AppError> {
    let units = org::list(&state.store, &auth.scope()).await?;
    let names = units.iter().map(|u| (u.path.to_string(), u.name.clone())).collect();
    Ok((units, names))
}

pub(crate) fn unit_name(names: &HashMap<String, String>, path: &OrgPath) -> String {
    names.get(path.as_str()).cloned().unwrap_or_else(|| path.to_string())
}

/// A filter's year: empty is none, anything else must be a year.
pub(crate) fn year_of(raw: &str) -> Result<Option<i32>, AppError> {
    let s = raw.trim();
    if s.is_empty() {
        return Ok(None);
    }
    match s.parse::<i32>() {
        Ok(y) if (1950..=2100).contains(&y) => Ok(Some(y)),
        _ => Err(AppError::invalid("年度应为四位年份，如 2024")),
    }
}

/// A required date field.
pub(crate) fn date_field(raw: &str, what: &str) -> Result<NaiveDate, AppError> {
    if raw.trim().is_empty() {
        return Err(AppError::invalid(format!("请填写{what}，如 2024-03-01")));
    }
    parse_date(raw).map(|d| d.date).map_err(|e| AppError::invalid(format!("{what}：{e}")))
}

/// An optional date field.
pub(crate) fn opt_date(raw: &str, what: &str) -> Result<Option<NaiveDate>, AppError> {
    if raw.trim().is_empty() { Ok(None) } else { date_field(raw, what).map(Some) }
}

/// A money field in 元; empty is 0 when `optional`.
pub(crate) fn money(raw: &str, what: &str, optional: bool) -> Result<i64, AppError> {
    if optional && raw.trim().is_empty() {
        return Ok(0);
    }
    parse_yuan(raw).map_err(|e| AppError::invalid(format!("{what}：{e}")))
}

pub(crate) fn id_field(raw: &str, what: &str) -> Result<i64, AppError> {
    raw.trim().parse::<i64>().map_err(|_| AppError::invalid(format!("请填写{what}（数字编号）")))
}

/// After a form: on success a message and the next page; on a mistake the user can fix, the
/// message and back to the form's page. Other errors (not found, forbidden) pass through.
/// The form page to return to with the person kept: only a person number goes back into the
/// address (anything else typed there would make a malformed, or unsendable, redirect).
pub(crate) fn back_to_new(page: &str, person: &str) -> String {
    match person.trim().parse::<i64>() {
        Ok(id) => format!("{page}?person={id}"),
        Err(_) => page.to_owned(),
    }
}

pub(crate) async fn after_form(
    state: &AppState,
    auth: &Auth,
    result: Result<(String, String), AppError>,
    back: &str,
) -> Result<Response, AppError> {
    match result {
        Ok((message, to)) => {
            flash(state, &auth.ctx, &message).await?;
            Ok(Redirect::to(&to).into_response())
        }
        Err(e @ (AppError::Invalid { .. } | AppError::Conflict(_))) => {
            flash(state, &auth.ctx, &format!("未保存：{e}")).await?;
            Ok(Redirect::to(back).into_response())
        }
        Err(e) => Err(e),
    }
}

/// A file download with its Chinese name.
pub(crate) fn download(bytes: Vec<u8>, name: &str, mime: &str, inline: bool) -> Response {
    let encoded: String = name
        .bytes()
        .map(|b| if b.is_ascii_alphanumeric() || b == b'.' { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect();
    let ext = name.rsplit('.').next().unwrap_or("bin");
    let disposition = format!(
        "{}; filename=\"file.{ext}\"; filename*=UTF-8''{encoded}",
        if inline { "inline" } else { "attachment" }
    );
    (
        [
            (header::CONTENT_TYPE, mime.to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
            (header::CONTENT_SECURITY_POLICY, "default-src 'none'; sandbox".to_owned()),
        ],
        bytes,
    )
        .into_response()
}

pub(crate) const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// Records as an XLSX download: one row each with its unit's name, the export audited.
pub(crate) async fn export_list<T>(
    state: &AppState,
    auth: &Auth,
    (entity, title, headers): (&str, &str, &[&str]),
    rows: &[T],
    org_path: impl Fn(&T) -> &OrgPath,
    row: impl Fn(&T, &str) -> Vec<String>,
) -> Result<Response, AppError> {
    let (_, names) = units(state, auth).await?;
    let cells: Vec<Vec<String>> = rows.iter().map(|r| row(r, &unit_name(&names, org_path(r)))).collect();
    let bytes = shuangyong_store::cases::export_sheet(
        &state.store,
        &auth.user.actor(),
        &auth.scope(),
        entity,
        title,
        headers,
        &cells,
    )
    .await?;
    Ok(download(bytes, &export_name(title), XLSX, false))
}

/// The name of an export file: 住房保障20241128.xlsx.
pub(crate) fn export_name(what: &str) -> String {
    format!("{what}{}.xlsx", shuangyong_store::now().format("%Y%m%d"))
}

/// Reads the `file` part of an upload.
pub(crate) async fn read_upload(mut form: Multipart) -> Result<(String, Vec<u8>), AppError> {
    let mut file = None;
    while let Some(field) = form.next_field().await.map_err(|_| AppError::invalid("上传未完成，请重新选择文件上传"))?
    {
        if field.name() == Some("file") {
            let name = field.file_name().unwrap_or("").to_owned();
            let bytes = field.bytes().await.map_err(|_| {
                AppError::invalid(format!("文件过大或上传中断：单个文件不超过 {} MB", attachment::MAX_BYTES >> 20))
            })?;
            file = Some((name, bytes.to_vec()));
        }
    }
    file.ok_or_else(|| AppError::invalid("请选择要上传的证明材料文件"))
}

/// Stores an uploaded evidence file for a case; used by the housing and claim pages.
pub(crate) async fn upload_to(
    state: &AppState,
    auth: &Auth,
    kind: CaseKind,
    id: i64,
    form: Multipart,
) -> Result<Response, AppError> {
    auth.require(auth.user.role.may_edit_people())?;
    let back = kind.href(id);
    let result = async {
        let (name, bytes) = read_upload(form).await?;
        let tx = state.store.begin_write().await?;
        let a =
            attachment::attach(&state.store, &tx, &auth.user.actor(), &auth.scope(), kind, id, &name, &bytes).await?;
        tx.commit().await?;
        Ok((format!("已上传证明材料“{}”", a.file_name), back.clone()))
    }
    .await;
    after_form(state, auth, result, &back).await
}

/// The body limit of upload routes: the file plus the multipart framing.
pub(crate) const UPLOAD_LIMIT: usize = attachment::MAX_BYTES + 64 * 1024;

/// Serves an evidence file to users whose scope covers its case.
async fn download_attachment(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    auth.require(auth.user.role.may_read_people())?;
    let (a, bytes): (Attachment, Vec<u8>) =
        attachment::open(&state.store, &auth.user.actor(), &auth.scope(), id).await?;
    let inline = a.content_type == "application/pdf" || a.content_type.starts_with("image/");
    Ok(download(bytes, &a.file_name, &a.content_type, inline))
}

#[derive(Template, WebTemplate)]
#[template(path = "cases/index.html")]
struct Overview {
    layout: Layout,
    years: Vec<SolvedYear>,
    solved_total: i64,
    since: i32,
    funds: Vec<Fund>,
    placement: Rate,
    training: Rate,
    windows_in_service: i64,
}

/// The area's front page: the figures of each line of work, each linking to its records.
async fn overview(State(state): State<AppState>, auth: Auth) -> Result<Overview, AppError> {
    auth.require(auth.user.role.may_read_people())?;
    let scope = auth.scope();
    let year = this_year();
    // The last ten years, from the first with a household solved.
    let mut years = housing::solved_by_year(&state.store, &scope, year - 9, year).await?;
    let first = years.iter().position(|y| y.households > 0).unwrap_or(years.len().saturating_sub(1));
    years.drain(..first);
    let solved_total = years.iter().map(|y| y.households).sum();
    let since = years.first().map(|y| y.year).unwrap_or(year);
    let funds = medical::funds(&state.store, &scope).await?;
    let stats = placement::stats(&state.store, &scope, None).await?;
    let (_, windows_in_service) = windows::list(
        &state.store,
        &scope,
        &WindowFilter { in_service: Some(true), ..Default::default() },
        Page::new(None, Some(1)),
    )
    .await?;
    let layout = Layout::new(&state, &auth.ctx, "cases", &[], "帮扶服务").await?;
    Ok(Overview {
        layout,
        years,
        solved_total,
        since,
        funds,
        placement: stats.placement,
        training: stats.training,
        windows_in_service,
    })
}
