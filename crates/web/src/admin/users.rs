//! Users: list, add, reset password, disable and enable. Administrators only, within their scope.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use shuangyong_domain::{OrgPath, Role};
use shuangyong_store::StoreError;
use shuangyong_store::org::{self, OrgUnit, Page};
use shuangyong_store::user::{self, NewUser, User};

use crate::AppState;
use crate::ctx::Auth;
use crate::error::{AppError, FieldErrors};
use crate::layout::{Layout, Pager, flash};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/users", get(list).post(create))
        .route("/admin/users/new", get(new))
        .route("/admin/users/{id}", get(show))
        .route("/admin/users/{id}/password", post(reset_password))
        .route("/admin/users/{id}/disable", post(disable))
        .route("/admin/users/{id}/enable", post(enable))
}

#[derive(Deserialize)]
pub struct PageQuery {
    page: Option<u64>,
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/users.html")]
struct ListPage {
    layout: Layout,
    users: Vec<User>,
    units: std::collections::HashMap<String, String>,
    pager: Pager,
}

async fn list(State(state): State<AppState>, auth: Auth, Query(q): Query<PageQuery>) -> Result<ListPage, AppError> {
    auth.require(auth.user.role.is_admin())?;
    let page = Page::new(q.page, None);
    let (users, total) = user::list(&state.store, &auth.scope(), page).await?;
    let units =
        org::list(&state.store, &auth.scope()).await?.into_iter().map(|u| (u.path.to_string(), u.name)).collect();
    let layout = Layout::new(&state, &auth.ctx, "admin", &[("系统管理", "/admin")], "用户管理").await?;
    Ok(ListPage { layout, users, units, pager: Pager::new(page, total, "") })
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct UserForm {
    #[serde(default)]
    pub username: String,
    #[serde(default)]
    pub display_name: String,
    #[serde(default)]
    pub role: String,
    #[serde(default)]
    pub org_path: String,
    #[serde(default)]
    pub password: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/user_new.html")]
struct NewPage {
    layout: Layout,
    form: UserForm,
    errors: FieldErrors,
    roles: Vec<(&'static str, &'static str)>,
    units: Vec<OrgUnit>,
}

async fn new_page(state: &AppState, auth: &Auth, form: UserForm, errors: FieldErrors) -> Result<NewPage, AppError> {
    let units = org::list(&state.store, &auth.scope()).await?;
    let layout =
        Layout::new(state, &auth.ctx, "admin", &[("系统管理", "/admin"), ("用户管理", "/admin/users")], "新增用户")
            .await?;
    let roles = Role::ALL.iter().map(|r| (r.code(), r.label())).collect();
    Ok(NewPage { layout, form, errors, roles, units })
}

async fn new(State(state): State<AppState>, auth: Auth) -> Result<NewPage, AppError> {
    auth.require(auth.user.role.is_admin())?;
    let form = UserForm { org_path: auth.user.org_path.to_string(), ..Default::default() };
    new_page(&state, &auth, form, FieldErrors::new()).await
}

/// Checks a user form field by field, so that every mistake is shown beside its field at once.
pub fn check_user_form(form: &UserForm) -> (Option<(Role, OrgPath)>, FieldErrors) {
    let mut errors = FieldErrors::new();
    if let Err(e) = user::validate_username(&form.username) {
        errors.insert("username", e.to_string());
    }
    if form.display_name.trim().is_empty() {
        errors.insert("display_name", "请填写姓名".into());
    }
    if let Err(e) = user::validate_password(&form.password) {
        errors.insert("password", e.to_string());
    }
    let role = Role::from_code(&form.role);
    if role.is_none() {
        errors.insert("role", "请选择角色".into());
    }
    let path = OrgPath::parse(&form.org_path).ok();
    if path.is_none() {
        errors.insert("org_path", "请选择所属单位".into());
    }
    (role.zip(path), errors)
}

async fn create(State(state): State<AppState>, auth: Auth, Form(form): Form<UserForm>) -> Result<Response, AppError> {
    auth.require(auth.user.role.is_admin())?;
    let (checked, mut errors) = check_user_form(&form);
    if let (Some((role, org_path)), true) = (checked, errors.is_empty()) {
        let tx = state.store.begin_write().await?;
        let new = NewUser {
            username: form.username.clone(),
            display_name: form.display_name.clone(),
            role,
            org_path,
            password: form.password.clone(),
        };
        match user::create(&state.store, &tx, &auth.user.actor(), &auth.scope(), new).await {
            Ok(u) => {
                tx.commit().await?;
                flash(&state, &auth.ctx, &format!("已新增用户 {}，请将初始密码当面告知本人", u.username)).await?;
                return Ok(Redirect::to(&format!("/admin/users/{}", u.id)).into_response());
            }
            Err(StoreError::Conflict(m)) => {
                errors.insert("username", m);
            }
            Err(StoreError::Invalid(m)) => {
                errors.insert("org_path", m);
            }
            Err(e) => return Err(e.into()),
        }
    }
    let form = UserForm { password: String::new(), ..form };
    let page = new_page(&state, &auth, form, errors).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/user.html")]
struct ShowPage {
    layout: Layout,
    u: User,
    unit_name: String,
    password_error: Option<String>,
    is_self: bool,
}

async fn show_page(
    state: &AppState,
    auth: &Auth,
    id: i64,
    password_error: Option<String>,
) -> Result<ShowPage, AppError> {
    let u = user::get(&state.store, &auth.scope(), id).await?;
    let unit_name = org::get(&state.store, &auth.scope(), &u.org_path).await.map(|x| x.name).unwrap_or_default();
    let layout = Layout::new(
        state,
        &auth.ctx,
        "admin",
        &[("系统管理", "/admin"), ("用户管理", "/admin/users")],
        format!("{}（{}）", u.display_name, u.username),
    )
    .await?;
    Ok(ShowPage { layout, is_self: u.id == auth.user.id, u, unit_name, password_error })
}

async fn show(State(state): State<AppState>, auth: Auth, Path(id): Path<i64>) -> Result<ShowPage, AppError> {
    auth.require(auth.user.role.is_admin())?;
    show_page(&state, &auth, id, None).await
}

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    password: String,
}

async fn reset_password(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Form(form): Form<PasswordForm>,
) -> Result<Response, AppError> {
    auth.require(auth.user.role.is_admin())?;
    let tx = state.store.begin_write().await?;
    match user::reset_password(&state.store, &tx, &auth.user.actor(), &auth.scope(), id, form.password).await {
        Ok(u) => {
            tx.commit().await?;
            flash(&state, &auth.ctx, &format!("已重置 {} 的密码，其已登录的会话均已退出", u.username)).await?;
            Ok(Redirect::to(&format!("/admin/users/{id}")).into_response())
        }
        Err(StoreError::Invalid(m)) => {
            drop(tx);
            let page = show_page(&state, &auth, id, Some(m)).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

async fn set_disabled(state: AppState, auth: Auth, id: i64, disabled: bool) -> Result<Response, AppError> {
    auth.require(auth.user.role.is_admin())?;
    let tx = state.store.begin_write().await?;
    let u = user::set_disabled(&state.store, &tx, &auth.user.actor(), &auth.scope(), id, disabled).await?;
    tx.commit().await?;
    let what = if disabled { "已停用" } else { "已启用" };
    flash(&state, &auth.ctx, &format!("{what}用户 {}", u.username)).await?;
    Ok(Redirect::to(&format!("/admin/users/{id}")).into_response())
}

async fn disable(State(state): State<AppState>, auth: Auth, Path(id): Path<i64>) -> Result<Response, AppError> {
    set_disabled(state, auth, id, true).await
}

async fn enable(State(state): State<AppState>, auth: Auth, Path(id): Path<i64>) -> Result<Response, AppError> {
    set_disabled(state, auth, id, false).await
}
