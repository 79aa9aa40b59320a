//! 军人依法优先 and 权益保障 pages: the register of priority windows (with a printable list for
//! posting), and the preferential treatments granted per person.

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::get;
use axum::{Form, Router};
use serde::Deserialize;
use shuangyong_domain::OrgPath;
use shuangyong_domain::cases::{TreatmentKind, WindowKind};
use shuangyong_store::cases::windows::{
    self, Treatment, TreatmentFilter, TreatmentInput, Window, WindowFilter, WindowInput,
};
use shuangyong_store::org::{OrgUnit, Page};

use super::{TRAIL, after_form, date_field, id_field, opt_date, unit_name, units, year_of};
use crate::AppState;
use crate::ctx::Auth;
use crate::error::AppError;
use crate::layout::{Layout, Pager, query_string};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/cases/windows", get(list).post(create))
        .route("/cases/windows/print", get(print))
        .route("/cases/windows/export.xlsx", get(export))
        .route("/cases/windows/{id}", get(show).post(update))
        .route("/cases/treatments", get(treatments).post(grant))
        .route("/cases/treatments/export.xlsx", get(treatments_export))
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct WindowQuery {
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub unit: String,
    #[serde(default)]
    pub kind: String,
    /// `1` in service, `0` not, empty all.
    #[serde(default)]
    pub in_service: String,
    pub page: Option<u64>,
    pub per_page: Option<u64>,
}

impl WindowQuery {
    pub fn filter(&self) -> WindowFilter {
        WindowFilter {
            unit: OrgPath::parse(&self.unit).ok(),
            kind: WindowKind::from_code(&self.kind),
            in_service: match self.in_service.as_str() {
                "1" => Some(true),
                "0" => Some(false),
                _ => None,
            },
            q: Some(self.q.clone()).filter(|q| !q.trim().is_empty()),
        }
    }

    pub fn query_string(&self) -> String {
        query_string(&[("q", &self.q), ("unit", &self.unit), ("kind", &self.kind), ("in_service", &self.in_service)])
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "cases/windows.html")]
struct ListPage {
    layout: Layout,
    q: WindowQuery,
    rows: Vec<Window>,
    units: Vec<OrgUnit>,
    names: HashMap<String, String>,
    pager: Pager,
    kinds: &'static [WindowKind],
    may_edit: bool,
}

impl ListPage {
    fn unit_of(&self, w: &Window) -> String {
        unit_name(&self.names, &w.org_path)
    }
}

/// Anyone signed in may read the register: it is public information.
async fn list(State(state): State<AppState>, auth: Auth, Query(q): Query<WindowQuery>) -> Result<ListPage, AppError> {
    let page = Page::new(q.page, q.per_page);
    let (rows, total) = windows::list(&state.store, &auth.scope(), &q.filter(), page).await?;
    let (units, names) = units(&state, &auth).await?;
    let layout = Layout::new(&state, &auth.ctx, "cases", TRAIL, "军人依法优先窗口").await?;
    Ok(ListPage {
        layout,
        pager: Pager::new(page, total, &q.query_string()),
        q,
        rows,
        units: units.into_iter().filter(|u| u.path.depth() <= 2).collect(),
        names,
        kinds: &WindowKind::ALL,
        may_edit: auth.user.role.is_manager(),
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "cases/windows_print.html")]
struct PrintPage {
    layout: Layout,
    groups: Vec<(WindowKind, Vec<Window>)>,
    today: String,
}

/// The windows in service, grouped by kind, laid out for printing and posting.
async fn print(State(state): State<AppState>, auth: Auth, Query(q): Query<WindowQuery>) -> Result<PrintPage, AppError> {
    let filter = WindowFilter { in_service: Some(true), ..q.filter() };
    let all = windows::all(&state.store, &auth.scope(), &filter).await?;
    let groups = WindowKind::ALL
        .iter()
        .map(|k| (*k, all.iter().filter(|w| w.kind == *k).cloned().collect::<Vec<_>>()))
        .filter(|(_, ws)| !ws.is_empty())
        .collect();
    let layout =
        Layout::new(&state, &auth.ctx, "cases", &[TRAIL[0], ("优先窗口", "/cases/windows")], "军人依法优先窗口一览")
            .await?;
    Ok(PrintPage { layout, groups, today: shuangyong_domain::clock::today(shuangyong_store::now()).to_string() })
}

async fn export(State(state): State<AppState>, auth: Auth, Query(q): Query<WindowQuery>) -> Result<Response, AppError> {
    let rows = windows::all(&state.store, &auth.scope(), &q.filter()).await?;
    super::export_list(
        &state,
        &auth,
        ("priority_window", "优先窗口", windows::WINDOW_HEADERS),
        &rows,
        |w| &w.org_path,
        windows::window_export_row,
    )
    .await
}

/// The window form (also the API's body).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct WindowForm {
    #[serde(default)]
    pub unit: String,
    #[serde(default)]
    pub name: String,
    /// mall, bank, station, hospital, hall, scenic, other
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub contact: String,
    #[serde(default)]
    pub services: String,
    /// `1` in service, anything else not.
    #[serde(default)]
    pub in_service: String,
    #[serde(default)]
    pub since: String,
}

impl WindowForm {
    pub fn parse(&self) -> Result<WindowInput, AppError> {
        Ok(WindowInput {
            org_path: OrgPath::parse(&self.unit).map_err(|_| AppError::invalid("请选择所在单位"))?,
            name: self.name.clone(),
            kind: WindowKind::parse(&self.kind).map_err(|e| AppError::invalid(e.to_string()))?,
            address: self.address.clone(),
            contact: self.contact.clone(),
            services: self.services.clone(),
            in_service: self.in_service == "1",
            since: opt_date(&self.since, "设立日期")?,
        })
    }
}

async fn create(State(state): State<AppState>, auth: Auth, Form(f): Form<WindowForm>) -> Result<Response, AppError> {
    auth.require(auth.user.role.is_manager())?;
    let result = async {
        let input = f.parse()?;
        let tx = state.store.begin_write().await?;
        let w = windows::create(&state.store, &tx, &auth.user.actor(), &auth.scope(), input).await?;
        tx.commit().await?;
        Ok((format!("已登记“{}”", w.name), "/cases/windows".to_owned()))
    }
    .await;
    after_form(&state, &auth, result, "/cases/windows").await
}

#[derive(Template, WebTemplate)]
#[template(path = "cases/window.html")]
struct WindowPage {
    layout: Layout,
    w: Window,
    units: Vec<OrgUnit>,
    kinds: &'static [WindowKind],
    may_edit: bool,
}

async fn show(State(state): State<AppState>, auth: Auth, Path(id): Path<i64>) -> Result<WindowPage, AppError> {
    let w = windows::get(&state.store, &auth.scope(), id).await?;
    let (units, _) = units(&state, &auth).await?;
    let layout =
        Layout::new(&state, &auth.ctx, "cases", &[TRAIL[0], ("优先窗口", "/cases/windows")], w.name.clone()).await?;
    Ok(WindowPage {
        layout,
        w,
        units: units.into_iter().filter(|u| u.path.depth() <= 2).collect(),
        kinds: &WindowKind::ALL,
        may_edit: auth.user.role.is_manager(),
    })
}

async fn update(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Form(f): Form<WindowForm>,
) -> Result<Response, AppError> {
    auth.require(auth.user.role.is_manager())?;
    windows::get(&state.store, &auth.scope(), id).await?;
    let result = async {
        let input = f.parse()?;
        let tx = state.store.begin_write().await?;
        let w = windows::update(&state.store, &tx, &auth.user.actor(), &auth.scope(), id, input).await?;
        tx.commit().await?;
        Ok((format!("已保存“{}”", w.name), format!("/cases/windows/{id}")))
    }
    .await;
    after_form(&state, &auth, result, &format!("/cases/windows/{id}")).await
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct TreatmentQuery {
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub unit: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub year: String,
    #[serde(default)]
    pub person: String,
    pub page: Option<u64>,
    pub per_page: Option<u64>,
}

impl TreatmentQuery {
    pub fn filter(&self) -> Result<TreatmentFilter, AppError> {
        Ok(TreatmentFilter {
            unit: OrgPath::parse(&self.unit).ok(),
            kind: TreatmentKind::from_code(&self.kind),
            year: year_of(&self.year)?,
            person_id: self.person.trim().parse().ok(),
            q: Some(self.q.clone()).filter(|q| !q.trim().is_empty()),
        })
    }

    pub fn query_string(&self) -> String {
        query_string(&[
            ("q", &self.q),
            ("unit", &self.unit),
            ("kind", &self.kind),
            ("year", &self.year),
            ("person", &self.person),
        ])
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "cases/treatments.html")]
struct TreatmentsPage {
    layout: Layout,
    q: TreatmentQuery,
    error: Option<String>,
    rows: Vec<Treatment>,
    units: Vec<OrgUnit>,
    names: HashMap<String, String>,
    pager: Pager,
    kinds: &'static [TreatmentKind],
    may_edit: bool,
    today: String,
}

impl TreatmentsPage {
    fn unit_of(&self, t: &Treatment) -> String {
        unit_name(&self.names, &t.org_path)
    }
}

async fn treatments(
    State(state): State<AppState>,
    auth: Auth,
    Query(q): Query<TreatmentQuery>,
) -> Result<TreatmentsPage, AppError> {
    auth.require(auth.user.role.may_read_people())?;
    let page = Page::new(q.page, q.per_page);
    let (rows, total, error) = match q.filter() {
        Ok(f) => {
            let (rows, total) = windows::treatments(&state.store, &auth.scope(), &f, page).await?;
            (rows, total, None)
        }
        Err(e) => (Vec::new(), 0, Some(e.to_string())),
    };
    let (units, names) = units(&state, &auth).await?;
    let layout = Layout::new(&state, &auth.ctx, "cases", TRAIL, "优待记录").await?;
    Ok(TreatmentsPage {
        layout,
        pager: Pager::new(page, total, &q.query_string()),
        q,
        error,
        rows,
        units,
        names,
        kinds: &TreatmentKind::ALL,
        may_edit: auth.user.role.may_edit_people(),
        today: shuangyong_domain::clock::today(shuangyong_store::now()).to_string(),
    })
}

async fn treatments_export(
    State(state): State<AppState>,
    auth: Auth,
    Query(q): Query<TreatmentQuery>,
) -> Result<Response, AppError> {
    auth.require(auth.user.role.may_read_people())?;
    let rows = windows::all_treatments(&state.store, &auth.scope(), &q.filter()?).await?;
    super::export_list(
        &state,
        &auth,
        ("preferential_treatment", "优待记录", windows::TREATMENT_HEADERS),
        &rows,
        |t| &t.org_path,
        windows::treatment_export_row,
    )
    .await
}

/// The treatment form (also the API's body).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct TreatmentForm {
    #[serde(default)]
    pub person_id: String,
    /// relief, training, employment, schooling, marriage, medical, transport, other
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub granted_on: String,
    #[serde(default)]
    pub description: String,
}

impl TreatmentForm {
    pub fn parse(&self) -> Result<TreatmentInput, AppError> {
        Ok(TreatmentInput {
            person_id: id_field(&self.person_id, "人员编号")?,
            kind: TreatmentKind::parse(&self.kind).map_err(|e| AppError::invalid(e.to_string()))?,
            granted_on: date_field(&self.granted_on, "日期")?,
            description: self.description.clone(),
        })
    }
}

async fn grant(State(state): State<AppState>, auth: Auth, Form(f): Form<TreatmentForm>) -> Result<Response, AppError> {
    auth.require(auth.user.role.may_edit_people())?;
    let result = async {
        let input = f.parse()?;
        let person = input.person_id;
        let tx = state.store.begin_write().await?;
        windows::grant(&state.store, &tx, &auth.user.actor(), &auth.scope(), input).await?;
        tx.commit().await?;
        Ok(("已记录优待".to_owned(), format!("/cases/treatments?person={person}")))
    }
    .await;
    after_form(&state, &auth, result, "/cases/treatments").await
}
