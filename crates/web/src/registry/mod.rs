//! 优抚对象: the registry of people — list and search, person page, register and edit, reveal.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, RawForm, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use shuangyong_domain::OrgPath;
use shuangyong_domain::person::{Category, DisabilityCause, PersonStatus, Registration, Relation};
use shuangyong_store::audit::Entry;
use shuangyong_store::org::{self, OrgUnit, Page};
use shuangyong_store::registry::{self, Filter, Person, PersonRow, Sensitive, Total};
use shuangyong_store::{StoreError, Tx};

use crate::AppState;
use crate::ctx::Auth;
use crate::error::{AppError, FieldErrors};
use crate::layout::{Layout, Pager, flash, query_string};

pub mod checks;
pub mod form;
pub mod transfer;
use form::PersonForm;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/registry", get(list).post(create))
        .route("/registry/new", get(new))
        .route("/registry/{id}", get(show).post(update))
        .route("/registry/{id}/edit", get(edit))
        .route("/registry/{id}/reveal", post(reveal))
        .merge(transfer::router())
        .merge(checks::router())
}

/// The list's query string.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub unit: String,
    #[serde(default)]
    pub category: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub min_age: String,
    #[serde(default)]
    pub max_age: String,
    pub page: Option<u64>,
    pub per_page: Option<u64>,
}

impl ListQuery {
    /// The store filter; an age that is not a number is reported.
    pub fn filter(&self) -> Result<Filter, AppError> {
        let age = |s: &str, what: &str| -> Result<Option<u32>, AppError> {
            let s = s.trim();
            if s.is_empty() {
                return Ok(None);
            }
            s.parse::<u32>().map(Some).map_err(|_| AppError::invalid(format!("{what}应为整数岁数，如 60")))
        };
        Ok(Filter {
            unit: OrgPath::parse(&self.unit).ok(),
            category: Category::from_code(&self.category),
            status: PersonStatus::from_code(&self.status),
            min_age: age(&self.min_age, "最小年龄")?,
            max_age: age(&self.max_age, "最大年龄")?,
            q: Some(self.q.clone()).filter(|q| !q.trim().is_empty()),
            today: None,
        })
    }

    pub fn query_string(&self) -> String {
        query_string(&[
            ("q", &self.q),
            ("unit", &self.unit),
            ("category", &self.category),
            ("status", &self.status),
            ("min_age", &self.min_age),
            ("max_age", &self.max_age),
        ])
    }
}

pub fn categories() -> Vec<(&'static str, &'static str)> {
    Category::ALL.iter().map(|c| (c.code(), c.label())).collect()
}

fn statuses() -> Vec<(&'static str, &'static str)> {
    PersonStatus::ALL.iter().map(|s| (s.code(), s.label())).collect()
}

#[derive(Template, WebTemplate)]
#[template(path = "registry/list.html")]
struct ListPage {
    layout: Layout,
    q: ListQuery,
    error: Option<String>,
    rows: Vec<PersonRow>,
    units: Vec<OrgUnit>,
    unit_names: std::collections::HashMap<String, String>,
    pager: Pager,
    /// A search that found more than it counted: how to narrow it.
    narrow: Option<String>,
    categories: Vec<(&'static str, &'static str)>,
    statuses: Vec<(&'static str, &'static str)>,
    may_edit: bool,
    may_reveal: bool,
}

/// What a search that found more people than it counts tells the user to do.
pub fn narrow_hint(total: &Total) -> Option<String> {
    total
        .capped
        .then(|| format!("找到超过{}人，请输入更完整的姓名、拼音或身份证号后几位缩小范围", registry::SEARCH_COUNT_CAP))
}

async fn list(State(state): State<AppState>, auth: Auth, Query(q): Query<ListQuery>) -> Result<ListPage, AppError> {
    auth.require(auth.user.role.may_read_people())?;
    let page = Page::new(q.page, q.per_page);
    let (rows, total, error) = match q.filter() {
        Ok(f) => {
            let (rows, total) = registry::list(&state.store, &auth.scope(), &f, page).await?;
            (rows, total, None)
        }
        Err(e) => (Vec::new(), Total::exact(0), Some(e.to_string())),
    };
    let units = org::list(&state.store, &auth.scope()).await?;
    let unit_names = units.iter().map(|u| (u.path.to_string(), u.name.clone())).collect();
    let pager = Pager::capped(page, total.count, total.capped, &q.query_string());
    let layout = Layout::new(&state, &auth.ctx, "registry", &[], "优抚对象").await?;
    Ok(ListPage {
        layout,
        error,
        rows,
        units,
        unit_names,
        pager,
        narrow: narrow_hint(&total),
        q,
        categories: categories(),
        statuses: statuses(),
        may_edit: auth.user.role.may_edit_people(),
        may_reveal: auth.user.role.may_reveal(),
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "registry/form.html")]
struct FormPage {
    layout: Layout,
    form: PersonForm,
    errors: FieldErrors,
    editing: Option<Person>,
    units: Vec<OrgUnit>,
    categories: Vec<(&'static str, &'static str)>,
    statuses: Vec<(&'static str, &'static str)>,
    registrations: Vec<(&'static str, &'static str)>,
    causes: Vec<(&'static str, &'static str)>,
    relations: Vec<(&'static str, &'static str)>,
    duplicate_of: Option<i64>,
}

async fn form_page(
    state: &AppState,
    auth: &Auth,
    form: PersonForm,
    errors: FieldErrors,
    editing: Option<Person>,
    duplicate_of: Option<i64>,
) -> Result<FormPage, AppError> {
    let units = org::list(&state.store, &auth.scope()).await?;
    let (trail, title) = match &editing {
        Some(p) => {
            (vec![("优抚对象", "/registry".to_owned()), (p.name.as_str(), format!("/registry/{}", p.id))], "修改")
        }
        None => (vec![("优抚对象", "/registry".to_owned())], "登记优抚对象"),
    };
    let trail: Vec<(&str, &str)> = trail.iter().map(|(a, b)| (*a, b.as_str())).collect();
    let layout = Layout::new(state, &auth.ctx, "registry", &trail, title).await?;
    Ok(FormPage {
        layout,
        form,
        errors,
        editing,
        units,
        categories: categories(),
        statuses: statuses(),
        registrations: Registration::ALL.iter().map(|r| (r.code(), r.label())).collect(),
        causes: DisabilityCause::ALL.iter().map(|c| (c.code(), c.label())).collect(),
        relations: Relation::ALL.iter().map(|r| (r.code(), r.label())).collect(),
        duplicate_of,
    })
}

async fn new(State(state): State<AppState>, auth: Auth) -> Result<FormPage, AppError> {
    auth.require(auth.user.role.may_edit_people())?;
    let form = PersonForm {
        org_path: auth.user.org_path.to_string(),
        registration: Registration::Rural.code().into(),
        status: PersonStatus::Normal.code().into(),
        ethnicity: "汉族".into(),
        service: vec![Default::default(); form::SERVICE_ROWS],
        ..Default::default()
    };
    form_page(&state, &auth, form, FieldErrors::new(), None, None).await
}

/// Where a store refusal belongs on the form.
fn place_error(e: StoreError, errors: &mut FieldErrors) -> Result<Option<i64>, AppError> {
    match e {
        StoreError::Duplicate { existing_id, message } => {
            errors.insert("id_number", message);
            Ok(Some(existing_id))
        }
        StoreError::Invalid(m) => {
            let key = if m.contains("单位") {
                "org_path"
            } else if m.contains("类别") || m.contains("残疾") || m.contains("三属") {
                "categories"
            } else {
                "form"
            };
            errors.insert(key, m);
            Ok(None)
        }
        StoreError::Conflict(m) => {
            errors.insert("form", m);
            Ok(None)
        }
        other => Err(other.into()),
    }
}

async fn create(State(state): State<AppState>, auth: Auth, RawForm(body): RawForm) -> Result<Response, AppError> {
    auth.require(auth.user.role.may_edit_people())?;
    let form = PersonForm::from_pairs(serde_urlencoded::from_bytes(&body).unwrap_or_default());
    let mut errors = FieldErrors::new();
    let mut duplicate_of = None;
    match form.parse(None) {
        Ok(input) => {
            let tx = state.store.begin_write().await?;
            match registry::create(&state.store, &tx, &auth.user.actor(), &auth.scope(), input).await {
                Ok(p) => {
                    tx.commit().await?;
                    flash(&state, &auth.ctx, &format!("已登记 {}", p.name)).await?;
                    return Ok(Redirect::to(&format!("/registry/{}", p.id)).into_response());
                }
                Err(e) => duplicate_of = place_error(e, &mut errors)?,
            }
        }
        Err(e) => errors = e,
    }
    let page = form_page(&state, &auth, form, errors, None, duplicate_of).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

async fn edit(State(state): State<AppState>, auth: Auth, Path(id): Path<i64>) -> Result<FormPage, AppError> {
    auth.require(auth.user.role.may_edit_people())?;
    let p = registry::get(&state.store, &auth.scope(), id).await?;
    form_page(&state, &auth, PersonForm::of(&p), FieldErrors::new(), Some(p), None).await
}

async fn update(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    RawForm(body): RawForm,
) -> Result<Response, AppError> {
    auth.require(auth.user.role.may_edit_people())?;
    let current = registry::get(&state.store, &auth.scope(), id).await?;
    let form = PersonForm::from_pairs(serde_urlencoded::from_bytes(&body).unwrap_or_default());
    let mut errors = FieldErrors::new();
    let mut duplicate_of = None;
    match form.parse(Some(&current)) {
        Ok(input) => {
            let tx = state.store.begin_write().await?;
            match registry::update(&state.store, &tx, &auth.user.actor(), &auth.scope(), id, form.version, input).await
            {
                Ok(p) => {
                    tx.commit().await?;
                    flash(&state, &auth.ctx, &format!("已保存 {} 的修改", p.name)).await?;
                    return Ok(Redirect::to(&format!("/registry/{id}")).into_response());
                }
                Err(e) => duplicate_of = place_error(e, &mut errors)?,
            }
        }
        Err(e) => errors = e,
    }
    let page = form_page(&state, &auth, form, errors, Some(current), duplicate_of).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "registry/person.html")]
struct PersonPage {
    layout: Layout,
    p: Person,
    unit_name: String,
    age: i32,
    history: Vec<Entry>,
    may_edit: bool,
    may_reveal: bool,
    revealed: Option<(&'static str, String)>,
    benefits: Vec<shuangyong_store::benefits::PersonBenefit>,
    payments: Vec<(String, shuangyong_store::benefits::cycle::Line)>,
    overpaid: Vec<shuangyong_store::benefits::cycle::Overpaid>,
}

async fn person_page(
    state: &AppState,
    auth: &Auth,
    id: i64,
    revealed: Option<(&'static str, String)>,
) -> Result<PersonPage, AppError> {
    let scope = auth.scope();
    let p = registry::get(&state.store, &scope, id).await?;
    let unit_name = org::get(&state.store, &scope, &p.org_path).await.map(|u| u.name).unwrap_or_default();
    let history = registry::history(&state.store, &scope, id).await?;
    let benefits =
        shuangyong_store::benefits::for_person(&state.store, &scope, id, shuangyong_store::benefits::today()).await?;
    let payments = shuangyong_store::benefits::cycle::lines_of_person(&state.store, id, 24).await?;
    let overpaid = shuangyong_store::benefits::cycle::overpaid(&state.store, &scope, Some(id)).await?;
    let layout = Layout::new(state, &auth.ctx, "registry", &[("优抚对象", "/registry")], p.name.clone()).await?;
    Ok(PersonPage {
        layout,
        age: p.age_on(shuangyong_domain::clock::today(shuangyong_store::now())),
        unit_name,
        history,
        may_edit: auth.user.role.may_edit_people(),
        may_reveal: auth.user.role.may_reveal(),
        revealed,
        benefits,
        payments,
        overpaid,
        p,
    })
}

async fn show(State(state): State<AppState>, auth: Auth, Path(id): Path<i64>) -> Result<PersonPage, AppError> {
    auth.require(auth.user.role.may_read_people())?;
    person_page(&state, &auth, id, None).await
}

#[derive(Deserialize)]
struct RevealForm {
    field: String,
}

/// Reveals one sensitive field to a role that may see it, audited in the same transaction.
pub async fn reveal_value(
    state: &AppState,
    auth: &Auth,
    id: i64,
    field: &str,
) -> Result<(Sensitive, String), AppError> {
    auth.require(auth.user.role.may_reveal())?;
    let field = Sensitive::from_code(field).ok_or_else(|| AppError::invalid("未知的字段"))?;
    let tx: Tx = state.store.begin_write().await?;
    let value = registry::reveal(&state.store, &tx, &auth.user.actor(), &auth.scope(), id, field).await?;
    tx.commit().await?;
    Ok((field, value))
}

async fn reveal(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Form(f): Form<RevealForm>,
) -> Result<PersonPage, AppError> {
    let (field, value) = reveal_value(&state, &auth, id, &f.field).await?;
    person_page(&state, &auth, id, Some((field.label(), value))).await
}
