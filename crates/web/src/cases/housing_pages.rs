//! 住房保障 pages: the list (by township, state, way, year solved), a new case, a case with its
//! state steps and evidence files, and the export.

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Multipart, Path, Query, State};
use axum::response::Response;
use axum::routing::{get, post};
use serde::Deserialize;
use shuangyong_domain::OrgPath;
use shuangyong_domain::cases::{HousingState, HousingWay};
use shuangyong_store::cases::attachment::{self, Attachment, CaseKind};
use shuangyong_store::cases::housing::{self, HousingCase, HousingFilter, HousingInput};
use shuangyong_store::org::{OrgUnit, Page};

use super::{TRAIL, after_form, date_field, id_field, money, unit_name, units, year_of};
use crate::AppState;
use crate::ctx::Auth;
use crate::error::AppError;
use crate::layout::{Layout, Pager, query_string};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/cases/housing", get(list).post(create))
        .route("/cases/housing/new", get(new))
        .route("/cases/housing/export.xlsx", get(export))
        .route("/cases/housing/{id}", get(show).post(update))
        .route("/cases/housing/{id}/edit", get(edit))
        .route("/cases/housing/{id}/state", post(advance))
        .route("/cases/housing/{id}/attachments", post(upload).layer(DefaultBodyLimit::max(super::UPLOAD_LIMIT)))
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct HousingQuery {
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub unit: String,
    #[serde(default)]
    pub state: String,
    #[serde(default)]
    pub way: String,
    #[serde(default)]
    pub year: String,
    pub page: Option<u64>,
    pub per_page: Option<u64>,
}

impl HousingQuery {
    pub fn filter(&self) -> Result<HousingFilter, AppError> {
        Ok(HousingFilter {
            unit: OrgPath::parse(&self.unit).ok(),
            state: HousingState::from_code(&self.state),
            way: HousingWay::from_code(&self.way),
            year: year_of(&self.year)?,
            q: Some(self.q.clone()).filter(|q| !q.trim().is_empty()),
        })
    }

    pub fn query_string(&self) -> String {
        query_string(&[
            ("q", &self.q),
            ("unit", &self.unit),
            ("state", &self.state),
            ("way", &self.way),
            ("year", &self.year),
        ])
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "cases/housing_list.html")]
struct ListPage {
    layout: Layout,
    q: HousingQuery,
    error: Option<String>,
    rows: Vec<HousingCase>,
    units: Vec<OrgUnit>,
    names: HashMap<String, String>,
    pager: Pager,
    states: &'static [HousingState],
    ways: &'static [HousingWay],
    may_edit: bool,
}

impl ListPage {
    fn unit_of(&self, c: &HousingCase) -> String {
        unit_name(&self.names, &c.org_path)
    }
}

async fn list(State(state): State<AppState>, auth: Auth, Query(q): Query<HousingQuery>) -> Result<ListPage, AppError> {
    auth.require(auth.user.role.may_read_people())?;
    let page = Page::new(q.page, q.per_page);
    let (rows, total, error) = match q.filter() {
        Ok(f) => {
            let (rows, total) = housing::list(&state.store, &auth.scope(), &f, page).await?;
            (rows, total, None)
        }
        Err(e) => (Vec::new(), 0, Some(e.to_string())),
    };
    let (units, names) = units(&state, &auth).await?;
    let layout = Layout::new(&state, &auth.ctx, "cases", TRAIL, "住房保障").await?;
    Ok(ListPage {
        layout,
        pager: Pager::new(page, total, &q.query_string()),
        q,
        error,
        rows,
        units,
        names,
        states: &HousingState::ALL,
        ways: &HousingWay::ALL,
        may_edit: auth.user.role.may_edit_people(),
    })
}

async fn export(
    State(state): State<AppState>,
    auth: Auth,
    Query(q): Query<HousingQuery>,
) -> Result<Response, AppError> {
    auth.require(auth.user.role.may_read_people())?;
    let rows = housing::all(&state.store, &auth.scope(), &q.filter()?).await?;
    super::export_list(
        &state,
        &auth,
        ("housing_case", "住房保障", housing::EXPORT_HEADERS),
        &rows,
        |c| &c.org_path,
        housing::export_row,
    )
    .await
}

#[derive(Template, WebTemplate)]
#[template(path = "cases/housing_new.html")]
struct NewPage {
    layout: Layout,
    /// The case being edited, or none for a new one.
    c: Option<HousingCase>,
    person: String,
    ways: &'static [HousingWay],
    today: String,
}

#[derive(Deserialize)]
struct PersonQuery {
    #[serde(default)]
    person: String,
}

async fn new(State(state): State<AppState>, auth: Auth, Query(q): Query<PersonQuery>) -> Result<NewPage, AppError> {
    auth.require(auth.user.role.may_edit_people())?;
    let layout =
        Layout::new(&state, &auth.ctx, "cases", &[TRAIL[0], ("住房保障", "/cases/housing")], "登记住房保障案件")
            .await?;
    Ok(NewPage {
        layout,
        c: None,
        person: q.person,
        ways: &HousingWay::ALL,
        today: shuangyong_domain::clock::today(shuangyong_store::now()).to_string(),
    })
}

/// The fields of the case form (also the API's body).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct HousingForm {
    /// The person's record number in the registry.
    #[serde(default)]
    pub person_id: String,
    #[serde(default)]
    pub need: String,
    /// build, lend, rent, repair (or 建, 借, 租, 维修).
    #[serde(default)]
    pub way: String,
    /// 元
    #[serde(default)]
    pub cost: String,
    /// 元
    #[serde(default)]
    pub subsidy: String,
    #[serde(default)]
    pub registered_on: String,
    #[serde(default)]
    pub note: String,
}

impl HousingForm {
    pub fn parse(&self) -> Result<HousingInput, AppError> {
        Ok(HousingInput {
            person_id: id_field(&self.person_id, "人员编号")?,
            need: self.need.clone(),
            way: HousingWay::parse(&self.way).map_err(|e| AppError::invalid(e.to_string()))?,
            cost_fen: money(&self.cost, "总费用", true)?,
            subsidy_fen: money(&self.subsidy, "补助金额", true)?,
            registered_on: date_field(&self.registered_on, "登记日期")?,
            note: self.note.clone(),
        })
    }
}

async fn create(State(state): State<AppState>, auth: Auth, Form(f): Form<HousingForm>) -> Result<Response, AppError> {
    auth.require(auth.user.role.may_edit_people())?;
    let result = async {
        let input = f.parse()?;
        let tx = state.store.begin_write().await?;
        let c = housing::create(&state.store, &tx, &auth.user.actor(), &auth.scope(), input).await?;
        tx.commit().await?;
        Ok((
            format!("已登记 {} 的住房保障案件；评估后请在本页推进办理状态", c.person_name),
            format!("/cases/housing/{}", c.id),
        ))
    }
    .await;
    let back = super::back_to_new("/cases/housing/new", &f.person_id);
    after_form(&state, &auth, result, &back).await
}

#[derive(Template, WebTemplate)]
#[template(path = "cases/housing.html")]
struct ShowPage {
    layout: Layout,
    c: HousingCase,
    unit: String,
    files: Vec<Attachment>,
    may_decide: bool,
    may_edit: bool,
    today: String,
    max_mb: usize,
}

async fn show(State(state): State<AppState>, auth: Auth, Path(id): Path<i64>) -> Result<ShowPage, AppError> {
    auth.require(auth.user.role.may_read_people())?;
    let c = housing::get(&state.store, &auth.scope(), id).await?;
    let files = attachment::list(&state.store, &auth.scope(), CaseKind::Housing, id).await?;
    let (_, names) = units(&state, &auth).await?;
    let layout = Layout::new(
        &state,
        &auth.ctx,
        "cases",
        &[TRAIL[0], ("住房保障", "/cases/housing")],
        format!("{} 的住房保障案件", c.person_name),
    )
    .await?;
    Ok(ShowPage {
        layout,
        unit: unit_name(&names, &c.org_path),
        c,
        files,
        may_decide: auth.user.role.is_manager(),
        may_edit: auth.user.role.may_edit_people(),
        today: shuangyong_domain::clock::today(shuangyong_store::now()).to_string(),
        max_mb: attachment::MAX_BYTES >> 20,
    })
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct StateForm {
    /// assessed, approved, in_progress, completed, rejected
    #[serde(default)]
    pub to: String,
    #[serde(default)]
    pub on: String,
    /// Required when rejecting.
    #[serde(default)]
    pub note: String,
}

/// Moves a case on: managers (county and township clerks) decide.
async fn advance(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Form(f): Form<StateForm>,
) -> Result<Response, AppError> {
    auth.require(auth.user.role.is_manager())?;
    housing::get(&state.store, &auth.scope(), id).await?;
    let result = async {
        let to = HousingState::parse(&f.to).map_err(|e| AppError::invalid(e.to_string()))?;
        let on = date_field(&f.on, "办理日期")?;
        let tx = state.store.begin_write().await?;
        let c = housing::advance(&state.store, &tx, &auth.user.actor(), &auth.scope(), id, to, on, &f.note).await?;
        tx.commit().await?;
        Ok((format!("案件已改为“{}”", c.state.label()), format!("/cases/housing/{id}")))
    }
    .await;
    after_form(&state, &auth, result, &format!("/cases/housing/{id}")).await
}

async fn edit(State(state): State<AppState>, auth: Auth, Path(id): Path<i64>) -> Result<NewPage, AppError> {
    auth.require(auth.user.role.may_edit_people())?;
    let c = housing::get(&state.store, &auth.scope(), id).await?;
    let layout = Layout::new(
        &state,
        &auth.ctx,
        "cases",
        &[TRAIL[0], ("住房保障", "/cases/housing")],
        format!("修改 {} 的住房保障案件", c.person_name),
    )
    .await?;
    Ok(NewPage {
        layout,
        person: c.person_id.to_string(),
        today: c.registered_on.to_string(),
        c: Some(c),
        ways: &HousingWay::ALL,
    })
}

#[derive(Deserialize)]
struct EditForm {
    #[serde(flatten)]
    form: HousingForm,
    #[serde(default)]
    version: String,
}

/// Saves the details of an open case; a change saved by someone else in between is refused.
async fn update(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Form(f): Form<EditForm>,
) -> Result<Response, AppError> {
    auth.require(auth.user.role.may_edit_people())?;
    housing::get(&state.store, &auth.scope(), id).await?;
    let result = async {
        let input = f.form.parse()?;
        let version = f.version.trim().parse::<i64>().map_err(|_| AppError::invalid("页面已过期，请刷新后重新修改"))?;
        let tx = state.store.begin_write().await?;
        let c = housing::update(&state.store, &tx, &auth.user.actor(), &auth.scope(), id, version, input).await?;
        tx.commit().await?;
        Ok((format!("已保存 {} 的住房保障案件", c.person_name), format!("/cases/housing/{id}")))
    }
    .await;
    after_form(&state, &auth, result, &format!("/cases/housing/{id}/edit")).await
}

async fn upload(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    form: Multipart,
) -> Result<Response, AppError> {
    super::upload_to(&state, &auth, CaseKind::Housing, id, form).await
}
