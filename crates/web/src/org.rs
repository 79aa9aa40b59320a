//! 组织体系: the org tree. Everyone sees their own subtree; administrators edit it.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use shuangyong_domain::{OrgKind, OrgPath};
use shuangyong_store::org::{self, NewUnit, OrgUnit, UnitEdit};

use crate::AppState;
use crate::ctx::Auth;
use crate::error::{AppError, FieldErrors};
use crate::layout::{Layout, flash};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/org", get(tree))
        .route("/org/new", post(create))
        .route("/org/unit/{*path}", get(show).post(update))
}

#[derive(Template, WebTemplate)]
#[template(path = "org/tree.html")]
struct TreePage {
    layout: Layout,
    units: Vec<OrgUnit>,
    may_edit: bool,
}

/// The whole subtree in scope, indented by level.
async fn tree(State(state): State<AppState>, auth: Auth) -> Result<TreePage, AppError> {
    let units = org::list(&state.store, &auth.scope()).await?;
    let layout = Layout::new(&state, &auth.ctx, "org", &[], "组织机构").await?;
    Ok(TreePage { layout, units, may_edit: auth.user.role.is_admin() })
}

fn parse_path(raw: &str) -> Result<OrgPath, AppError> {
    OrgPath::parse(raw).map_err(|_| AppError::NotFound)
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct UnitForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    sort: String,
    #[serde(default)]
    note: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct NewUnitForm {
    #[serde(default)]
    parent: String,
    #[serde(default)]
    segment: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    sort: String,
    #[serde(default)]
    note: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "org/unit.html")]
struct UnitPage {
    layout: Layout,
    unit: OrgUnit,
    parent: Option<OrgUnit>,
    children: Vec<OrgUnit>,
    may_edit: bool,
    edit: UnitForm,
    edit_errors: FieldErrors,
    new: NewUnitForm,
    new_errors: FieldErrors,
    child_kinds: Vec<(&'static str, &'static str)>,
    next_segment: String,
}

async fn unit_page(
    state: &AppState,
    auth: &Auth,
    path: &OrgPath,
    edit: Option<(UnitForm, FieldErrors)>,
    new: Option<(NewUnitForm, FieldErrors)>,
) -> Result<UnitPage, AppError> {
    let scope = auth.scope();
    let unit = org::get(&state.store, &scope, path).await?;
    let parent = match unit.path.parent() {
        Some(p) if scope.contains(&p) => Some(org::get(&state.store, &scope, &p).await?),
        _ => None,
    };
    let children = org::children(&state.store, &scope, path).await?;
    let (edit, edit_errors) = edit.unwrap_or_else(|| {
        (UnitForm { name: unit.name.clone(), sort: unit.sort.to_string(), note: unit.note.clone() }, FieldErrors::new())
    });
    let next_segment = org::next_child_segment(&state.store, path).await?;
    let child_kinds: Vec<(&str, &str)> = unit.kind.child_kinds().iter().map(|k| (k.code(), k.label())).collect();
    let (new, new_errors) = new.unwrap_or_else(|| {
        let kind = child_kinds.first().map(|k| k.0.to_owned()).unwrap_or_default();
        (
            NewUnitForm { parent: path.to_string(), segment: next_segment.clone(), kind, ..Default::default() },
            FieldErrors::new(),
        )
    });
    let mut trail: Vec<(String, String)> = vec![("组织机构".into(), "/org".into())];
    let mut ancestors = Vec::new();
    let mut p = unit.path.parent();
    while let Some(pp) = p {
        if scope.contains(&pp) {
            ancestors.push(pp.clone());
        }
        p = pp.parent();
    }
    for a in ancestors.iter().rev() {
        if let Ok(u) = org::get(&state.store, &scope, a).await {
            trail.push((u.name, format!("/org/unit/{}", u.path)));
        }
    }
    let trail_refs: Vec<(&str, &str)> = trail.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    let layout = Layout::new(state, &auth.ctx, "org", &trail_refs, unit.name.clone()).await?;
    Ok(UnitPage {
        layout,
        may_edit: auth.user.role.is_admin(),
        unit,
        parent,
        children,
        edit,
        edit_errors,
        new,
        new_errors,
        child_kinds,
        next_segment,
    })
}

async fn show(State(state): State<AppState>, auth: Auth, Path(raw): Path<String>) -> Result<UnitPage, AppError> {
    unit_page(&state, &auth, &parse_path(&raw)?, None, None).await
}

fn parse_sort(raw: &str, errors: &mut FieldErrors) -> i32 {
    let raw = raw.trim();
    if raw.is_empty() {
        return 0;
    }
    raw.parse::<i32>().unwrap_or_else(|_| {
        errors.insert("sort", "排序号应为整数，如 1、2、3".into());
        0
    })
}

/// Saves the name, order and note of a unit.
async fn update(
    State(state): State<AppState>,
    auth: Auth,
    Path(raw): Path<String>,
    Form(form): Form<UnitForm>,
) -> Result<Response, AppError> {
    auth.require(auth.user.role.is_admin())?;
    let path = parse_path(&raw)?;
    let mut errors = FieldErrors::new();
    let sort = parse_sort(&form.sort, &mut errors);
    if form.name.trim().is_empty() {
        errors.insert("name", "请填写单位名称".into());
    }
    if errors.is_empty() {
        let tx = state.store.begin_write().await?;
        match org::update(
            &state.store,
            &tx,
            &auth.user.actor(),
            &auth.scope(),
            &path,
            UnitEdit { name: form.name.clone(), sort, note: form.note.clone() },
        )
        .await
        {
            Ok(u) => {
                tx.commit().await?;
                flash(&state, &auth.ctx, &format!("已保存单位“{}”", u.name)).await?;
                return Ok(Redirect::to(&format!("/org/unit/{path}")).into_response());
            }
            Err(shuangyong_store::StoreError::Invalid(m)) => {
                errors.insert("name", m);
            }
            Err(e) => return Err(e.into()),
        }
    }
    let page = unit_page(&state, &auth, &path, Some((form, errors)), None).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

/// Adds a unit under a parent.
async fn create(
    State(state): State<AppState>,
    auth: Auth,
    Form(form): Form<NewUnitForm>,
) -> Result<Response, AppError> {
    auth.require(auth.user.role.is_admin())?;
    let parent = parse_path(&form.parent)?;
    let scope = auth.scope();
    let parent_unit = org::get(&state.store, &scope, &parent).await?;
    let mut errors = FieldErrors::new();
    let sort = parse_sort(&form.sort, &mut errors);
    let kind = OrgKind::from_code(&form.kind).filter(|k| parent_unit.kind.child_kinds().contains(k));
    if kind.is_none() {
        errors.insert("kind", "请选择单位类型".into());
    }
    if form.name.trim().is_empty() {
        errors.insert("name", "请填写单位名称".into());
    }
    let path = match parent.child(form.segment.trim()) {
        Ok(p) => Some(p),
        Err(e) => {
            errors.insert("segment", e.to_string());
            None
        }
    };
    if let (Some(kind), Some(path), true) = (kind, path, errors.is_empty()) {
        let tx = state.store.begin_write().await?;
        let new = NewUnit { path: path.clone(), name: form.name.clone(), kind, sort, note: form.note.clone() };
        match org::create(&state.store, &tx, &auth.user.actor(), new).await {
            Ok(u) => {
                tx.commit().await?;
                flash(&state, &auth.ctx, &format!("已新增单位“{}”（{}）", u.name, u.path)).await?;
                return Ok(Redirect::to(&format!("/org/unit/{}", u.path)).into_response());
            }
            Err(shuangyong_store::StoreError::Invalid(m)) => {
                errors.insert("name", m);
            }
            Err(shuangyong_store::StoreError::Conflict(m)) => {
                errors.insert("segment", m);
            }
            Err(e) => return Err(e.into()),
        }
    }
    let page = unit_page(&state, &auth, &parent, None, Some((form, errors))).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}
