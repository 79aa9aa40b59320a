//! 安置 and 技能培训 pages: placements (way, employer, date, state) with the placement and
//! training rates by township, training courses with enrolments, and those still due training.

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use shuangyong_domain::OrgPath;
use shuangyong_domain::cases::{PlacementState, PlacementWay, Rate, TrainingResult};
use shuangyong_store::cases::placement::{
    self, Course, CourseInput, Enrolment, Placement, PlacementFilter, PlacementInput, Stats,
};
use shuangyong_store::org::{OrgUnit, Page};

use super::{TRAIL, after_form, date_field, id_field, opt_date, unit_name, units, year_of};
use crate::AppState;
use crate::ctx::Auth;
use crate::error::AppError;
use crate::layout::{Layout, Pager, query_string};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/cases/placement", get(list).post(create))
        .route("/cases/placement/new", get(new))
        .route("/cases/placement/export.xlsx", get(export))
        .route("/cases/placement/{id}", get(show).post(update))
        .route("/cases/training", get(training))
        .route("/cases/training/courses", post(create_course))
        .route("/cases/training/courses/{id}", get(course))
        .route("/cases/training/courses/{id}/enrol", post(enrol))
        .route("/cases/training/due.xlsx", get(due_export))
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct PlacementQuery {
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub unit: String,
    #[serde(default)]
    pub way: String,
    #[serde(default)]
    pub state: String,
    #[serde(default)]
    pub year: String,
    pub page: Option<u64>,
    pub per_page: Option<u64>,
}

impl PlacementQuery {
    pub fn filter(&self) -> Result<PlacementFilter, AppError> {
        Ok(PlacementFilter {
            unit: OrgPath::parse(&self.unit).ok(),
            way: PlacementWay::from_code(&self.way),
            state: PlacementState::from_code(&self.state),
            year: year_of(&self.year)?,
            q: Some(self.q.clone()).filter(|q| !q.trim().is_empty()),
        })
    }

    pub fn query_string(&self) -> String {
        query_string(&[
            ("q", &self.q),
            ("unit", &self.unit),
            ("way", &self.way),
            ("state", &self.state),
            ("year", &self.year),
        ])
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "cases/placements.html")]
struct ListPage {
    layout: Layout,
    q: PlacementQuery,
    error: Option<String>,
    rows: Vec<Placement>,
    stats: Option<Stats>,
    units: Vec<OrgUnit>,
    names: HashMap<String, String>,
    pager: Pager,
    ways: &'static [PlacementWay],
    states: &'static [PlacementState],
    may_edit: bool,
}

impl ListPage {
    fn unit_of(&self, p: &Placement) -> String {
        unit_name(&self.names, &p.org_path)
    }
}

async fn list(
    State(state): State<AppState>,
    auth: Auth,
    Query(q): Query<PlacementQuery>,
) -> Result<ListPage, AppError> {
    auth.require(auth.user.role.may_read_people())?;
    let page = Page::new(q.page, q.per_page);
    let (rows, total, stats, error) = match q.filter() {
        Ok(f) => {
            let (rows, total) = placement::list(&state.store, &auth.scope(), &f, page).await?;
            let stats = placement::stats(&state.store, &auth.scope(), f.year).await?;
            (rows, total, Some(stats), None)
        }
        Err(e) => (Vec::new(), 0, None, Some(e.to_string())),
    };
    let (units, names) = units(&state, &auth).await?;
    let layout = Layout::new(&state, &auth.ctx, "cases", TRAIL, "安置").await?;
    Ok(ListPage {
        layout,
        pager: Pager::new(page, total, &q.query_string()),
        q,
        error,
        rows,
        stats,
        units,
        names,
        ways: &PlacementWay::ALL,
        states: &PlacementState::ALL,
        may_edit: auth.user.role.may_edit_people(),
    })
}

async fn export(
    State(state): State<AppState>,
    auth: Auth,
    Query(q): Query<PlacementQuery>,
) -> Result<Response, AppError> {
    auth.require(auth.user.role.may_read_people())?;
    let rows = placement::all(&state.store, &auth.scope(), &q.filter()?).await?;
    super::export_list(
        &state,
        &auth,
        ("placement", "安置", placement::EXPORT_HEADERS),
        &rows,
        |p| &p.org_path,
        placement::export_row,
    )
    .await
}

/// The placement form (also the API's body).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct PlacementForm {
    #[serde(default)]
    pub person_id: String,
    /// self_employed, assigned, retired, supported, monthly_pension, transferred, demobilized
    #[serde(default)]
    pub way: String,
    #[serde(default)]
    pub discharged_on: String,
    #[serde(default)]
    pub employer: String,
    /// Empty while waiting for placement.
    #[serde(default)]
    pub placed_on: String,
    #[serde(default)]
    pub note: String,
}

impl PlacementForm {
    pub fn parse(&self) -> Result<PlacementInput, AppError> {
        Ok(PlacementInput {
            person_id: id_field(&self.person_id, "人员编号")?,
            way: PlacementWay::parse(&self.way).map_err(|e| AppError::invalid(e.to_string()))?,
            discharged_on: date_field(&self.discharged_on, "退役日期")?,
            employer: self.employer.clone(),
            placed_on: opt_date(&self.placed_on, "安置日期")?,
            note: self.note.clone(),
        })
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "cases/placement_form.html")]
struct FormPage {
    layout: Layout,
    p: Option<Placement>,
    person: String,
    ways: &'static [PlacementWay],
    may_edit: bool,
}

#[derive(Deserialize)]
struct PersonQuery {
    #[serde(default)]
    person: String,
}

async fn new(State(state): State<AppState>, auth: Auth, Query(q): Query<PersonQuery>) -> Result<FormPage, AppError> {
    auth.require(auth.user.role.may_edit_people())?;
    let layout = Layout::new(&state, &auth.ctx, "cases", &[TRAIL[0], ("安置", "/cases/placement")], "登记安置").await?;
    Ok(FormPage { layout, p: None, person: q.person, ways: &PlacementWay::ALL, may_edit: true })
}

async fn create(State(state): State<AppState>, auth: Auth, Form(f): Form<PlacementForm>) -> Result<Response, AppError> {
    auth.require(auth.user.role.may_edit_people())?;
    let result = async {
        let input = f.parse()?;
        let tx = state.store.begin_write().await?;
        let p = placement::create(&state.store, &tx, &auth.user.actor(), &auth.scope(), input).await?;
        tx.commit().await?;
        Ok((format!("已登记 {} 的安置（{}）", p.person_name, p.state.label()), format!("/cases/placement/{}", p.id)))
    }
    .await;
    after_form(&state, &auth, result, &super::back_to_new("/cases/placement/new", &f.person_id)).await
}

async fn show(State(state): State<AppState>, auth: Auth, Path(id): Path<i64>) -> Result<FormPage, AppError> {
    auth.require(auth.user.role.may_read_people())?;
    let p = placement::get(&state.store, &auth.scope(), id).await?;
    let layout = Layout::new(
        &state,
        &auth.ctx,
        "cases",
        &[TRAIL[0], ("安置", "/cases/placement")],
        format!("{} 的安置", p.person_name),
    )
    .await?;
    Ok(FormPage {
        layout,
        person: p.person_id.to_string(),
        p: Some(p),
        ways: &PlacementWay::ALL,
        may_edit: auth.user.role.may_edit_people(),
    })
}

async fn update(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Form(f): Form<PlacementForm>,
) -> Result<Response, AppError> {
    auth.require(auth.user.role.may_edit_people())?;
    placement::get(&state.store, &auth.scope(), id).await?;
    let result = async {
        let input = f.parse()?;
        let tx = state.store.begin_write().await?;
        let p = placement::update(&state.store, &tx, &auth.user.actor(), &auth.scope(), id, input).await?;
        tx.commit().await?;
        Ok((format!("已保存 {} 的安置（{}）", p.person_name, p.state.label()), format!("/cases/placement/{id}")))
    }
    .await;
    after_form(&state, &auth, result, &format!("/cases/placement/{id}")).await
}

#[derive(Deserialize)]
struct YearQuery {
    #[serde(default)]
    year: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "cases/training.html")]
struct TrainingPage {
    layout: Layout,
    year: String,
    error: Option<String>,
    training: Rate,
    by_township: Vec<(OrgPath, Rate, Rate)>,
    due: Vec<Placement>,
    courses: Vec<Course>,
    units: Vec<OrgUnit>,
    names: HashMap<String, String>,
    may_create: bool,
}

impl TrainingPage {
    fn name_of(&self, p: &OrgPath) -> String {
        unit_name(&self.names, p)
    }
}

/// The training rate of a year (all years when empty), by township, and who is still due.
async fn training(
    State(state): State<AppState>,
    auth: Auth,
    Query(q): Query<YearQuery>,
) -> Result<TrainingPage, AppError> {
    auth.require(auth.user.role.may_read_people())?;
    let (year, error) = match year_of(&q.year) {
        Ok(y) => (y, None),
        Err(e) => (None, Some(e.to_string())),
    };
    let stats = placement::stats(&state.store, &auth.scope(), year).await?;
    let due = placement::still_due(&state.store, &auth.scope(), year).await?;
    let courses = placement::courses(&state.store, &auth.scope()).await?;
    let (units, names) = units(&state, &auth).await?;
    let layout = Layout::new(&state, &auth.ctx, "cases", TRAIL, "技能培训").await?;
    Ok(TrainingPage {
        layout,
        year: q.year,
        error,
        training: stats.training,
        by_township: stats.by_township,
        due,
        courses,
        units: units.into_iter().filter(|u| u.path.depth() <= 2).collect(),
        names,
        may_create: auth.user.role.is_manager(),
    })
}

async fn due_export(
    State(state): State<AppState>,
    auth: Auth,
    Query(q): Query<YearQuery>,
) -> Result<Response, AppError> {
    auth.require(auth.user.role.may_read_people())?;
    let due = placement::still_due(&state.store, &auth.scope(), year_of(&q.year)?).await?;
    super::export_list(
        &state,
        &auth,
        ("placement", "待培训人员", placement::EXPORT_HEADERS),
        &due,
        |p| &p.org_path,
        placement::export_row,
    )
    .await
}

/// The course form (also the API's body).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct CourseForm {
    #[serde(default)]
    pub unit: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub institution: String,
    #[serde(default)]
    pub starts_on: String,
    #[serde(default)]
    pub ends_on: String,
}

impl CourseForm {
    pub fn parse(&self) -> Result<CourseInput, AppError> {
        Ok(CourseInput {
            org_path: OrgPath::parse(&self.unit).map_err(|_| AppError::invalid("请选择举办单位"))?,
            name: self.name.clone(),
            institution: self.institution.clone(),
            starts_on: date_field(&self.starts_on, "开始日期")?,
            ends_on: date_field(&self.ends_on, "结束日期")?,
        })
    }
}

async fn create_course(
    State(state): State<AppState>,
    auth: Auth,
    Form(f): Form<CourseForm>,
) -> Result<Response, AppError> {
    auth.require(auth.user.role.is_manager())?;
    let result = async {
        let input = f.parse()?;
        let tx = state.store.begin_write().await?;
        let id = placement::create_course(&state.store, &tx, &auth.user.actor(), &auth.scope(), input).await?;
        tx.commit().await?;
        Ok(("已开设培训项目，请登记参训人员".to_owned(), format!("/cases/training/courses/{id}")))
    }
    .await;
    after_form(&state, &auth, result, "/cases/training").await
}

#[derive(Template, WebTemplate)]
#[template(path = "cases/course.html")]
struct CoursePage {
    layout: Layout,
    c: Course,
    rows: Vec<Enrolment>,
    results: &'static [TrainingResult],
    may_edit: bool,
}

async fn course(State(state): State<AppState>, auth: Auth, Path(id): Path<i64>) -> Result<CoursePage, AppError> {
    auth.require(auth.user.role.may_read_people())?;
    let c = placement::get_course(&state.store, &auth.scope(), id).await?;
    let rows = placement::enrolments(&state.store, &auth.scope(), id).await?;
    let layout =
        Layout::new(&state, &auth.ctx, "cases", &[TRAIL[0], ("技能培训", "/cases/training")], c.name.clone()).await?;
    Ok(CoursePage { layout, c, rows, results: &TrainingResult::ALL, may_edit: auth.user.role.may_edit_people() })
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct EnrolForm {
    #[serde(default)]
    pub person_id: String,
    /// enrolled, passed, failed
    #[serde(default)]
    pub result: String,
}

async fn enrol(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Form(f): Form<EnrolForm>,
) -> Result<Response, AppError> {
    auth.require(auth.user.role.may_edit_people())?;
    placement::get_course(&state.store, &auth.scope(), id).await?;
    let result = async {
        let person_id = id_field(&f.person_id, "人员编号")?;
        let result = TrainingResult::parse(&f.result).map_err(|e| AppError::invalid(e.to_string()))?;
        let tx = state.store.begin_write().await?;
        placement::enrol(&state.store, &tx, &auth.user.actor(), &auth.scope(), id, person_id, result).await?;
        tx.commit().await?;
        Ok((format!("已登记：{}", result.label()), format!("/cases/training/courses/{id}")))
    }
    .await;
    after_form(&state, &auth, result, &format!("/cases/training/courses/{id}")).await
}
