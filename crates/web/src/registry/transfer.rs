//! Import (upload → preview with every row's mistakes → commit) and export of people.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Multipart, Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use shuangyong_store::export::{self, ExportFormat};
use shuangyong_store::import::{self, Report};

use super::ListQuery;
use crate::AppState;
use crate::ctx::Auth;
use crate::error::AppError;
use crate::layout::{Layout, flash};

/// The largest file the browser may upload; bigger files go through `shuangyong import`.
pub const MAX_UPLOAD: usize = 64 * 1024 * 1024;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/registry/import", get(page).post(upload).layer(DefaultBodyLimit::max(MAX_UPLOAD)))
        .route("/registry/import/template.xlsx", get(template))
        .route("/registry/import/{id}/commit", post(commit))
        .route("/registry/export", get(export_list))
}

#[derive(Template, WebTemplate)]
#[template(path = "registry/import.html")]
struct ImportPage {
    layout: Layout,
    headers: &'static [&'static str],
    report: Option<Report>,
    upload_id: Option<i64>,
    file_name: String,
    max_mb: usize,
}

async fn import_page(
    state: &AppState,
    auth: &Auth,
    report: Option<Report>,
    upload_id: Option<i64>,
    file_name: String,
) -> Result<ImportPage, AppError> {
    let layout = Layout::new(state, &auth.ctx, "registry", &[("优抚对象", "/registry")], "批量导入").await?;
    Ok(ImportPage { layout, headers: &import::HEADERS, report, upload_id, file_name, max_mb: MAX_UPLOAD >> 20 })
}

async fn page(State(state): State<AppState>, auth: Auth) -> Result<ImportPage, AppError> {
    auth.require(auth.user.role.may_edit_people())?;
    import_page(&state, &auth, None, None, String::new()).await
}

async fn template(auth: Auth) -> Result<Response, AppError> {
    auth.require(auth.user.role.may_edit_people())?;
    let bytes = export::template()?;
    Ok(download(bytes, "优抚对象导入模板.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
}

pub(crate) fn download(bytes: Vec<u8>, name: &str, mime: &'static str) -> Response {
    // RFC 6266 / 5987: an ASCII fallback and the UTF-8 name.
    let encoded: String = name
        .bytes()
        .map(|b| if b.is_ascii_alphanumeric() || b == b'.' { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect();
    let disposition = format!(
        "attachment; filename=\"export.{}\"; filename*=UTF-8''{encoded}",
        name.rsplit('.').next().unwrap_or("bin")
    );
    ([(header::CONTENT_TYPE, mime.to_owned()), (header::CONTENT_DISPOSITION, disposition)], bytes).into_response()
}

/// Reads the file, checks every row, keeps the file (sealed) and shows what a commit would do.
async fn upload(State(state): State<AppState>, auth: Auth, mut form: Multipart) -> Result<Response, AppError> {
    auth.require(auth.user.role.may_edit_people())?;
    let mut file: Option<(String, Vec<u8>)> = None;
    while let Some(field) = form.next_field().await.map_err(|_| AppError::invalid("上传未完成，请重新选择文件上传"))?
    {
        if field.name() == Some("file") {
            let name = field.file_name().unwrap_or("upload").to_owned();
            let bytes = field.bytes().await.map_err(|_| {
                AppError::invalid(format!(
                    "文件过大或上传中断：网页上传不超过 {} MB，更大的文件请用命令行导入",
                    MAX_UPLOAD >> 20
                ))
            })?;
            file = Some((name, bytes.to_vec()));
        }
    }
    let Some((name, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        let report = Report {
            file_error: Some("请先选择要导入的文件（CSV 或 XLSX）".into()), ..Default::default()
        };
        let page = import_page(&state, &auth, Some(report), None, String::new()).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    let plan = import::plan(&state.store, &auth.scope(), &bytes).await?;
    let report = plan.report.clone();
    let upload_id = if report.file_error.is_none() && report.accepted > 0 {
        Some(import::save_upload(&state.store, auth.user.id, auth.user.org_path.county(), &name, &bytes).await?)
    } else {
        None
    };
    Ok(import_page(&state, &auth, Some(report), upload_id, name).await?.into_response())
}

/// Commits a previewed upload: checked again (the registry may have changed since), then written
/// in one transaction.
async fn commit(State(state): State<AppState>, auth: Auth, Path(id): Path<i64>) -> Result<Response, AppError> {
    auth.require(auth.user.role.may_edit_people())?;
    let (name, bytes) = import::load_upload(&state.store, auth.user.id, id).await?;
    let plan = import::plan(&state.store, &auth.scope(), &bytes).await?;
    let report = import::commit(&state.store, &auth.user.actor(), &auth.scope(), plan, &name, &bytes, &|_| {}).await?;
    import::drop_upload(&state.store, id).await?;
    let message = format!(
        "已导入 {} 人；有错误未导入 {} 行；已登记未改动 {} 人",
        report.accepted, report.rejected, report.unchanged
    );
    flash(&state, &auth.ctx, &message).await?;
    Ok(Redirect::to("/registry").into_response())
}

#[derive(Deserialize)]
struct ExportQuery {
    #[serde(flatten)]
    list: ListQuery,
    #[serde(default)]
    format: String,
    #[serde(default)]
    full: String,
}

/// The filtered list as a file; full values only for roles that may see them.
async fn export_list(
    State(state): State<AppState>,
    auth: Auth,
    Query(q): Query<ExportQuery>,
) -> Result<Response, AppError> {
    auth.require(auth.user.role.may_read_people())?;
    let full = q.full == "1";
    if full {
        auth.require(auth.user.role.may_reveal())?;
    }
    let format = if q.format == "csv" { ExportFormat::Csv } else { ExportFormat::Xlsx };
    let filter = q.list.filter()?;
    let (bytes, _) = export::persons(&state.store, &auth.user.actor(), &auth.scope(), &filter, full, format).await?;
    let stamp = shuangyong_store::now().format("%Y%m%d");
    Ok(match format {
        ExportFormat::Csv => download(bytes, &format!("优抚对象{stamp}.csv"), "text/csv; charset=utf-8"),
        ExportFormat::Xlsx => download(
            bytes,
            &format!("优抚对象{stamp}.xlsx"),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
    })
}
