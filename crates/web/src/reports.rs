//! 统计报告: the dashboard (the year's figures by the five sections, trends and townships as SVG,
//! each figure a link to its records), the annual summary in HTML and Word, and its template.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Form, Router};
use serde::Deserialize;
use shuangyong_domain::report::{Block, Figure, Section, Span};
use shuangyong_store::reports;

use crate::AppState;
use crate::ctx::Auth;
use crate::error::AppError;
use crate::layout::{Layout, flash};
use crate::svg::{self, Bar};
use shuangyong_domain::text::escape_html as escape;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/reports", get(dashboard))
        .route("/reports/summary", get(summary))
        .route("/reports/summary.docx", get(summary_docx))
        .route("/reports/template", get(template_page).post(save_template))
        .merge(assessment_router())
}

/// Metrics drawn year by year, and by township.
const TRENDS: &[&str] = &["events_participants", "evacuation_people", "support_total", "benefit_paid"];
const BY_UNIT: &[&str] = &["people", "rural_veteran_elderly", "housing_solved"];

/// The latest year with payments, or this year.
async fn default_year(state: &AppState) -> Result<i32, AppError> {
    use chrono::Datelike;
    let latest = state
        .store
        .query_one(state.store.conn(), "SELECT MAX(period) AS p FROM benefit_cycle", [])
        .await?
        .and_then(|r| r.try_get::<Option<String>>("", "p").ok().flatten())
        .and_then(|p| p.get(..4).and_then(|y| y.parse().ok()));
    Ok(latest.unwrap_or_else(|| shuangyong_store::benefits::today().year()))
}

fn year_arg(raw: &Option<String>) -> Option<i32> {
    raw.as_deref().and_then(|s| s.trim().parse().ok()).filter(|y| (2000..=2100).contains(y))
}

#[derive(Deserialize)]
struct YearQuery {
    year: Option<String>,
}

struct SectionView {
    label: &'static str,
    figures: Vec<Figure>,
}

struct Chart {
    title: String,
    svg: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "reports/dashboard.html")]
struct DashboardPage {
    layout: Layout,
    year: i32,
    years: Vec<i32>,
    sections: Vec<SectionView>,
    charts: Vec<Chart>,
}

async fn dashboard(
    State(state): State<AppState>,
    auth: Auth,
    Query(q): Query<YearQuery>,
) -> Result<DashboardPage, AppError> {
    let year = match year_arg(&q.year) {
        Some(y) => y,
        None => default_year(&state).await?,
    };
    let scope = auth.scope();
    let store = &state.store;
    let figures = reports::figures(store, &scope, year, year).await?;
    let lists = reports::lists(store, &scope, year, year).await?;
    let sections = Section::ALL
        .into_iter()
        .map(|s| {
            // The metrics in their order, then each named entry with a figure (a base's visits, a
            // category's funds), so that the parts stand beside their total.
            let mut figs: Vec<Figure> = reports::METRICS
                .iter()
                .filter(|m| m.section == s)
                .filter_map(|m| figures.get(m.key).cloned())
                .collect();
            for def in reports::LISTS.iter().filter(|d| d.section == s) {
                figs.extend(lists.get(def.key).into_iter().flatten().filter_map(|e| e.figure.clone()));
            }
            SectionView { label: s.label(), figures: figs }
        })
        .collect();
    let mut charts = Vec::new();
    for key in TRENDS {
        let Some(m) = reports::metric(key) else { continue };
        let mut bars = Vec::new();
        for (y, v) in reports::by_year(store, &scope, key, year - 4, year).await? {
            let f = Figure::new(m.key, m.section, m.label, v, m.measure, m.style, String::new());
            bars.push(Bar { label: format!("{y}年"), value: v, words: f.words(), href: format!("/reports?year={y}") });
        }
        charts.push(Chart {
            title: format!("{}（{}—{}年）", m.label, year - 4, year),
            svg: svg::columns(m.label, &bars),
        });
    }
    for key in BY_UNIT {
        let Some(m) = reports::metric(key) else { continue };
        let mut bars = Vec::new();
        // Each bar links to the records its figure was computed from (the unit's own list).
        for (name, _, v, href) in reports::by_unit(store, &scope, key, year, year).await? {
            let f = Figure::new(m.key, m.section, m.label, v, m.measure, m.style, String::new());
            bars.push(Bar { label: name, value: v, words: f.words(), href });
        }
        if !bars.is_empty() {
            charts.push(Chart { title: format!("{}（按单位）", m.label), svg: svg::hbars(m.label, &bars) });
        }
    }
    let this = shuangyong_store::benefits::today();
    use chrono::Datelike;
    let years = (2018..=this.year()).rev().collect();
    let layout = Layout::new(&state, &auth.ctx, "reports", &[], format!("{year}年双拥工作统计")).await?;
    Ok(DashboardPage { layout, year, years, sections, charts })
}

#[derive(Deserialize)]
struct SpanQuery {
    from: Option<String>,
    to: Option<String>,
}

async fn span(state: &AppState, q: &SpanQuery) -> Result<(i32, i32), AppError> {
    let to = match year_arg(&q.to) {
        Some(y) => y,
        None => default_year(state).await?,
    };
    let from = year_arg(&q.from).unwrap_or(to - 4);
    if from > to {
        return Err(AppError::invalid("起始年份不能晚于截止年份"));
    }
    Ok((from, to))
}

/// A block as HTML: escaped text, figures as links to their records.
pub struct BlockView {
    pub tag: &'static str,
    pub html: String,
}

fn view(blocks: &[Block]) -> Vec<BlockView> {
    blocks
        .iter()
        .map(|b| {
            let mut html = String::new();
            for s in b.spans() {
                match s {
                    Span::Text(t) | Span::Name(t) => html.push_str(&escape(t)),
                    Span::Figure(f) => html.push_str(&format!(
                        "<a class=\"figure\" href=\"{}\" title=\"{}：{}{}\">{}</a>",
                        escape(&f.href),
                        escape(&f.label),
                        f.value,
                        escape(&f.measure),
                        escape(&f.words())
                    )),
                }
            }
            let tag = match b {
                Block::Title(_) => "h1",
                Block::Heading(_) => "h2",
                Block::Paragraph(_) => "p",
            };
            BlockView { tag, html }
        })
        .collect()
}

#[derive(Template, WebTemplate)]
#[template(path = "reports/summary.html")]
struct SummaryPage {
    layout: Layout,
    from: i32,
    to: i32,
    blocks: Vec<BlockView>,
    /// What the records lack, told before the document is downloaded.
    gaps: Vec<reports::Gap>,
    may_edit: bool,
}

async fn summary(
    State(state): State<AppState>,
    auth: Auth,
    Query(q): Query<SpanQuery>,
) -> Result<SummaryPage, AppError> {
    let (from, to) = span(&state, &q).await?;
    let (blocks, gaps) = reports::summary_with_checklist(&state.store, &auth.scope(), from, to).await?;
    let layout = Layout::new(&state, &auth.ctx, "reports", &[("统计报告", "/reports")], "双拥工作总结").await?;
    Ok(SummaryPage { layout, from, to, blocks: view(&blocks), gaps, may_edit: auth.user.role.may_decide_benefits() })
}

async fn summary_docx(
    State(state): State<AppState>,
    auth: Auth,
    Query(q): Query<SpanQuery>,
) -> Result<Response, AppError> {
    let (from, to) = span(&state, &q).await?;
    let blocks = reports::summary(&state.store, &auth.scope(), from, to).await?;
    let bytes = reports::docx(&blocks)?;
    let name = format!("双拥工作总结_{from}-{to}.docx");
    Ok(crate::registry::transfer::download(
        bytes,
        &name,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ))
}

#[derive(Template, WebTemplate)]
#[template(path = "reports/template.html")]
struct TemplatePage {
    layout: Layout,
    text: String,
    metrics: Vec<(&'static str, &'static str, &'static str)>,
    errors: Vec<String>,
}

async fn template_page(State(state): State<AppState>, auth: Auth) -> Result<TemplatePage, AppError> {
    auth.require(auth.user.role.may_decide_benefits())?;
    let text = reports::template(&state.store).await?;
    let mut metrics: Vec<_> = reports::METRICS.iter().map(|m| (m.key, m.label, m.section.label())).collect();
    metrics.extend(reports::LISTS.iter().map(|l| (l.key, l.label, l.section.label())));
    metrics.extend(reports::VARS.iter().map(|(k, label)| (*k, *label, "—")));
    let errors = reports::template_errors(&text);
    let layout = Layout::new(&state, &auth.ctx, "reports", &[("统计报告", "/reports")], "总结模板").await?;
    Ok(TemplatePage { layout, text, metrics, errors })
}

#[derive(Deserialize)]
struct TemplateForm {
    #[serde(default)]
    text: String,
}

async fn save_template(
    State(state): State<AppState>,
    auth: Auth,
    Form(f): Form<TemplateForm>,
) -> Result<Response, AppError> {
    auth.require(auth.user.role.may_decide_benefits())?;
    let tx = state.store.begin_write().await?;
    match reports::set_template(&state.store, &tx, &auth.user.actor(), &f.text).await {
        Ok(()) => {
            tx.commit().await?;
            flash(&state, &auth.ctx, "模板已保存，下面是按新模板生成的总结").await?;
            Ok(Redirect::to("/reports/summary").into_response())
        }
        Err(shuangyong_store::StoreError::Invalid(m)) => {
            // Roll back first: the flash message is a write of its own, which would wait on
            // this transaction's lock until the busy timeout (a 500 after 10 s on SQLite).
            drop(tx);
            flash(&state, &auth.ctx, &format!("未保存：{m}")).await?;
            Ok(Redirect::to("/reports/template").into_response())
        }
        Err(e) => Err(e.into()),
    }
}

// ---------------------------------------------------------------- model-county self-assessment

pub fn assessment_router() -> Router<AppState> {
    use axum::extract::DefaultBodyLimit;
    use axum::routing::post;
    Router::new()
        .route("/reports/assessment", get(sheets_page).post(import_sheet).layer(DefaultBodyLimit::max(16 << 20)))
        .route("/reports/assessment/{id}", get(sheet_page))
        .route("/reports/assessment/{id}/items/{item}", post(score_item))
        .route("/reports/assessment/{id}/export.xlsx", get(export_sheet))
}

#[derive(Template, WebTemplate)]
#[template(path = "reports/assessment_list.html")]
struct SheetsPage {
    layout: Layout,
    sheets: Vec<shuangyong_store::assessment::Sheet>,
    may_write: bool,
    year: i32,
}

async fn sheets_page(State(state): State<AppState>, auth: Auth) -> Result<SheetsPage, AppError> {
    use chrono::Datelike;
    let sheets = shuangyong_store::assessment::sheets(&state.store, &auth.scope()).await?;
    let layout = Layout::new(&state, &auth.ctx, "reports", &[("统计报告", "/reports")], "模范县自评").await?;
    Ok(SheetsPage {
        layout,
        sheets,
        may_write: auth.user.role.may_write_work(),
        year: shuangyong_store::benefits::today().year(),
    })
}

async fn import_sheet(
    State(state): State<AppState>,
    auth: Auth,
    mut form: axum::extract::Multipart,
) -> Result<Response, AppError> {
    auth.require(auth.user.role.may_write_work())?;
    let (mut name, mut year, mut file_name, mut bytes) = (String::new(), String::new(), String::new(), Vec::new());
    while let Some(field) = form.next_field().await.map_err(|_| AppError::invalid("上传未完成，请重新选择文件上传"))?
    {
        match field.name() {
            Some("file") => {
                file_name = field.file_name().unwrap_or("sheet").to_owned();
                bytes = field.bytes().await.map_err(|_| AppError::invalid("文件过大或上传中断，请重新上传"))?.to_vec();
            }
            Some("name") => name = field.text().await.unwrap_or_default(),
            Some("year") => year = field.text().await.unwrap_or_default(),
            _ => {}
        }
    }
    let back = "/reports/assessment";
    if bytes.is_empty() {
        flash(&state, &auth.ctx, "未导入：请选择评分表文件（XLSX 或 CSV）").await?;
        return Ok(Redirect::to(back).into_response());
    }
    let Ok(year) = year.trim().parse::<i32>() else {
        flash(&state, &auth.ctx, "未导入：年度应为四位年份，如 2025").await?;
        return Ok(Redirect::to(back).into_response());
    };
    let tx = state.store.begin_write().await?;
    let unit = auth.scope().root().clone();
    let r = shuangyong_store::assessment::import(
        &state.store,
        &tx,
        &auth.user.actor(),
        &auth.scope(),
        &unit,
        &name,
        year,
        &file_name,
        &bytes,
    )
    .await;
    match r {
        Ok(Ok(id)) => {
            tx.commit().await?;
            flash(&state, &auth.ctx, "评分表已导入，请逐项自评并关联佐证材料").await?;
            Ok(Redirect::to(&format!("/reports/assessment/{id}")).into_response())
        }
        Ok(Err(errors)) => {
            drop(tx);
            let list: Vec<String> =
                errors.iter().take(8).map(|e| format!("第{}行{}：{}", e.row, e.column, e.reason)).collect();
            flash(
                &state,
                &auth.ctx,
                &format!("未导入：评分表有{}处问题，请改正后重新上传。{}", errors.len(), list.join("；")),
            )
            .await?;
            Ok(Redirect::to(back).into_response())
        }
        Err(shuangyong_store::StoreError::Invalid(m)) => {
            drop(tx);
            flash(&state, &auth.ctx, &format!("未导入：{m}")).await?;
            Ok(Redirect::to(back).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "reports/assessment.html")]
struct SheetPage {
    layout: Layout,
    sheet: shuangyong_store::assessment::Sheet,
    items: Vec<shuangyong_store::assessment::Item>,
    max: String,
    awarded: String,
    vetoes: Vec<String>,
    no_evidence: Vec<String>,
    unscored: usize,
    may_write: bool,
}

async fn sheet_page(
    State(state): State<AppState>,
    auth: Auth,
    axum::extract::Path(id): axum::extract::Path<i64>,
) -> Result<SheetPage, AppError> {
    use shuangyong_domain::assessment::points;
    let (sheet, items, score) = shuangyong_store::assessment::get(&state.store, &auth.scope(), id).await?;
    let named = |ids: &[i64]| -> Vec<String> {
        items.iter().filter(|i| ids.contains(&i.id)).map(|i| format!("{}. {}", i.seq, i.sub_item)).collect()
    };
    let layout = Layout::new(
        &state,
        &auth.ctx,
        "reports",
        &[("统计报告", "/reports"), ("模范县自评", "/reports/assessment")],
        sheet.name.clone(),
    )
    .await?;
    Ok(SheetPage {
        layout,
        max: points(score.max),
        awarded: points(score.awarded),
        vetoes: named(&score.vetoes),
        no_evidence: named(&score.no_evidence),
        unscored: score.unscored.len(),
        may_write: auth.user.role.may_write_work(),
        sheet,
        items,
    })
}

#[derive(Deserialize)]
struct ScoreForm {
    #[serde(default)]
    awarded: String,
    #[serde(default)]
    vetoed: String,
    #[serde(default)]
    evidence: String,
    #[serde(default)]
    note: String,
}

async fn score_item(
    State(state): State<AppState>,
    auth: Auth,
    axum::extract::Path((id, item)): axum::extract::Path<(i64, i64)>,
    Form(f): Form<ScoreForm>,
) -> Result<Response, AppError> {
    auth.require(auth.user.role.may_write_work())?;
    shuangyong_store::assessment::get(&state.store, &auth.scope(), id).await?;
    let back = format!("/reports/assessment/{id}#i{item}");
    let awarded = if f.awarded.trim().is_empty() {
        None
    } else {
        match shuangyong_domain::assessment::parse_points(&f.awarded) {
            Ok(p) => Some(p),
            Err(e) => {
                flash(&state, &auth.ctx, &format!("未保存：{e}")).await?;
                return Ok(Redirect::to(&back).into_response());
            }
        }
    };
    let u = shuangyong_store::assessment::ItemUpdate {
        awarded,
        vetoed: f.vetoed == "1",
        evidence: f.evidence,
        note: f.note,
    };
    let tx = state.store.begin_write().await?;
    match shuangyong_store::assessment::update_item(&state.store, &tx, &auth.user.actor(), &auth.scope(), id, item, &u)
        .await
    {
        Ok(()) => {
            tx.commit().await?;
            flash(&state, &auth.ctx, "已保存自评").await?;
        }
        Err(shuangyong_store::StoreError::Invalid(m)) => {
            drop(tx);
            flash(&state, &auth.ctx, &format!("未保存：{m}")).await?;
        }
        Err(e) => return Err(e.into()),
    }
    Ok(Redirect::to(&back).into_response())
}

async fn export_sheet(
    State(state): State<AppState>,
    auth: Auth,
    axum::extract::Path(id): axum::extract::Path<i64>,
) -> Result<Response, AppError> {
    let bytes = shuangyong_store::assessment::export(&state.store, &auth.user.actor(), &auth.scope(), id).await?;
    Ok(crate::registry::transfer::download(
        bytes,
        &format!("模范县自评_{id}.xlsx"),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ))
}
