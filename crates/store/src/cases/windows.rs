//! 军人依法优先 and 权益保障: the register of priority windows and services (商场, 银行, 车站 …),
//! and the preferential treatments granted to people (救助, 培训, 就业, 升学, 婚姻 …).

use chrono::NaiveDate;
use sea_orm::{ConnectionTrait, QueryResult};
use serde::Serialize;
use serde_json::json;
use shuangyong_domain::cases::{TreatmentKind, WindowKind};
use shuangyong_domain::{OrgPath, text};

use super::housing::year_range;
use super::{Where, int, parse_path, person_in_scope};
use crate::audit::{self, Actor, Change};
use crate::org::Page;
use crate::{Scope, Store, StoreError, Tx, now};

#[derive(Debug, Clone)]
pub struct WindowInput {
    pub org_path: OrgPath,
    pub name: String,
    pub kind: WindowKind,
    pub address: String,
    pub contact: String,
    /// What the window offers: 优先办理, 优先购票, 优先就诊 …
    pub services: String,
    pub in_service: bool,
    pub since: Option<NaiveDate>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Window {
    pub id: i64,
    pub org_path: OrgPath,
    pub name: String,
    pub kind: WindowKind,
    pub address: String,
    pub contact: String,
    pub services: String,
    pub in_service: bool,
    pub since: Option<NaiveDate>,
}

impl Window {
    /// The day it opened, or nothing.
    pub fn since_text(&self) -> String {
        self.since.map(|d| d.to_string()).unwrap_or_default()
    }

    fn snapshot(&self) -> serde_json::Value {
        json!({"name": self.name, "kind": self.kind, "address": self.address, "contact": self.contact,
            "services": self.services, "in_service": self.in_service, "since": self.since, "org_path": self.org_path})
    }
}

const COLUMNS: &str = "w.id, w.org_path, w.name, w.kind, w.address, w.contact, w.services, w.in_service, w.since";

fn window_row(r: &QueryResult) -> Result<Window, StoreError> {
    let kind: String = r.try_get("", "kind")?;
    Ok(Window {
        id: r.try_get("", "id")?,
        org_path: parse_path(&r.try_get::<String>("", "org_path")?)?,
        name: r.try_get("", "name")?,
        kind: WindowKind::from_code(&kind).ok_or_else(|| anyhow::anyhow!("stored kind {kind}"))?,
        address: r.try_get("", "address")?,
        contact: r.try_get("", "contact")?,
        services: r.try_get("", "services")?,
        in_service: int(r, "in_service")? != 0,
        since: r.try_get("", "since")?,
    })
}

fn check(scope: &Scope, input: &WindowInput) -> Result<(), StoreError> {
    if !scope.contains(&input.org_path) {
        return Err(StoreError::invalid("所选单位不在您的管辖范围内"));
    }
    if text::clean(&input.name).is_empty() {
        return Err(StoreError::invalid("请填写窗口名称，如“岢岚汽车站军人依法优先窗口”"));
    }
    if text::clean(&input.address).is_empty() {
        return Err(StoreError::invalid("请填写地址，便于军人和家属找到"));
    }
    Ok(())
}

async fn load<C: ConnectionTrait>(store: &Store, conn: &C, id: i64) -> Result<Window, StoreError> {
    let r = store
        .query_one(conn, &format!("SELECT {COLUMNS} FROM priority_window w WHERE w.id = $1"), [id.into()])
        .await?
        .ok_or(StoreError::NotFound)?;
    window_row(&r)
}

pub async fn get(store: &Store, scope: &Scope, id: i64) -> Result<Window, StoreError> {
    let w = load(store, store.conn(), id).await?;
    if !scope.contains(&w.org_path) {
        return Err(StoreError::NotFound);
    }
    Ok(w)
}

pub async fn create(
    store: &Store,
    tx: &Tx,
    actor: &Actor,
    scope: &Scope,
    input: WindowInput,
) -> Result<Window, StoreError> {
    check(scope, &input)?;
    let t = now();
    let id: i64 = store
        .query_one(
            tx,
            "INSERT INTO priority_window (county, org_path, name, kind, address, contact, services, in_service, since, \
             created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING id",
            [
                input.org_path.county().into(),
                input.org_path.as_str().into(),
                text::clean(&input.name).into(),
                input.kind.code().into(),
                text::clean(&input.address).into(),
                text::clean(&input.contact).into(),
                text::clean(&input.services).into(),
                i32::from(input.in_service).into(),
                input.since.into(),
                t.into(),
            ],
        )
        .await?
        .ok_or_else(|| anyhow::anyhow!("insert returned nothing"))?
        .try_get("", "id")?;
    let w = load(store, tx, id).await?;
    audit::append(
        store,
        tx,
        actor,
        Change {
            action: "create",
            entity: "priority_window",
            entity_id: id.to_string(),
            org_path: w.org_path.to_string(),
            summary: format!("登记优先窗口“{}”（{}）", w.name, w.kind.label()),
            before: None,
            after: Some(w.snapshot()),
        },
    )
    .await?;
    Ok(w)
}

pub async fn update(
    store: &Store,
    tx: &Tx,
    actor: &Actor,
    scope: &Scope,
    id: i64,
    input: WindowInput,
) -> Result<Window, StoreError> {
    check(scope, &input)?;
    let before = load(store, tx, id).await?;
    if !scope.contains(&before.org_path) {
        return Err(StoreError::NotFound);
    }
    store
        .exec(
            tx,
            "UPDATE priority_window SET org_path = $1, name = $2, kind = $3, address = $4, contact = $5, services = $6, \
             in_service = $7, since = $8, updated_at = $9 WHERE id = $10",
            [
                input.org_path.as_str().into(),
                text::clean(&input.name).into(),
                input.kind.code().into(),
                text::clean(&input.address).into(),
                text::clean(&input.contact).into(),
                text::clean(&input.services).into(),
                i32::from(input.in_service).into(),
                input.since.into(),
                now().into(),
                id.into(),
            ],
        )
        .await?;
    let after = load(store, tx, id).await?;
    audit::append(
        store,
        tx,
        actor,
        Change {
            action: "update",
            entity: "priority_window",
            entity_id: id.to_string(),
            org_path: after.org_path.to_string(),
            summary: format!("修改优先窗口“{}”{}", after.name, if after.in_service { "" } else { "（已停用）" }),
            before: Some(before.snapshot()),
            after: Some(after.snapshot()),
        },
    )
    .await?;
    Ok(after)
}

#[derive(Debug, Clone, Default)]
pub struct WindowFilter {
    pub unit: Option<OrgPath>,
    pub kind: Option<WindowKind>,
    pub in_service: Option<bool>,
    pub q: Option<String>,
}

fn window_where(scope: &Scope, f: &WindowFilter) -> Where {
    let mut w = Where::new(scope, "w.org_path");
    w.unit("w.org_path", f.unit.as_ref());
    if let Some(k) = f.kind {
        w.push("w.kind = ?", vec![k.code().into()]);
    }
    if let Some(s) = f.in_service {
        w.push("w.in_service = ?", vec![i32::from(s).into()]);
    }
    w.name("w.name", f.q.as_deref());
    w
}

pub async fn list(
    store: &Store,
    scope: &Scope,
    f: &WindowFilter,
    page: Page,
) -> Result<(Vec<Window>, i64), StoreError> {
    window_where(scope, f)
        .paged(store, (COLUMNS, "FROM priority_window w", "w.kind, w.org_path, w.id"), page, window_row)
        .await
}

pub async fn all(store: &Store, scope: &Scope, f: &WindowFilter) -> Result<Vec<Window>, StoreError> {
    let w = window_where(scope, f);
    let rows = store
        .query_all(
            store.conn(),
            &format!("SELECT {COLUMNS} FROM priority_window w WHERE {} ORDER BY w.kind, w.org_path, w.id", w.sql()),
            w.params,
        )
        .await?;
    rows.iter().map(window_row).collect()
}

pub const WINDOW_HEADERS: &[&str] =
    &["编号", "名称", "类别", "所属单位", "地址", "联系方式", "优先服务内容", "是否在用", "设立日期"];

pub fn window_export_row(w: &Window, unit_name: &str) -> Vec<String> {
    vec![
        w.id.to_string(),
        w.name.clone(),
        w.kind.label().to_owned(),
        unit_name.to_owned(),
        w.address.clone(),
        w.contact.clone(),
        w.services.clone(),
        if w.in_service { "在用" } else { "停用" }.to_owned(),
        w.since.map(|d| d.to_string()).unwrap_or_default(),
    ]
}

// ---- preferential treatments ----

#[derive(Debug, Clone)]
pub struct TreatmentInput {
    pub person_id: i64,
    pub kind: TreatmentKind,
    pub granted_on: NaiveDate,
    pub description: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Treatment {
    pub id: i64,
    pub org_path: OrgPath,
    pub person_id: i64,
    pub person_name: String,
    pub kind: TreatmentKind,
    pub granted_on: NaiveDate,
    pub description: String,
}

const T_COLUMNS: &str = "t.id, t.org_path, t.person_id, p.name AS person_name, t.kind, t.granted_on, t.description";
const T_FROM: &str = "FROM preferential_treatment t JOIN person p ON p.id = t.person_id";

fn treatment_row(r: &QueryResult) -> Result<Treatment, StoreError> {
    let kind: String = r.try_get("", "kind")?;
    Ok(Treatment {
        id: r.try_get("", "id")?,
        org_path: parse_path(&r.try_get::<String>("", "org_path")?)?,
        person_id: r.try_get("", "person_id")?,
        person_name: r.try_get("", "person_name")?,
        kind: TreatmentKind::from_code(&kind).ok_or_else(|| anyhow::anyhow!("stored kind {kind}"))?,
        granted_on: r.try_get("", "granted_on")?,
        description: r.try_get("", "description")?,
    })
}

/// Records a treatment granted to a person in scope.
pub async fn grant(
    store: &Store,
    tx: &Tx,
    actor: &Actor,
    scope: &Scope,
    input: TreatmentInput,
) -> Result<i64, StoreError> {
    let (name, org_path) = person_in_scope(store, tx, scope, input.person_id).await?;
    let description = text::clean(&input.description);
    if description.is_empty() {
        return Err(StoreError::invalid("请写明优待内容，如“优先安排公益性岗位”"));
    }
    let id: i64 = store
        .query_one(
            tx,
            "INSERT INTO preferential_treatment (county, org_path, person_id, kind, granted_on, description, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
            [
                org_path.county().into(),
                org_path.as_str().into(),
                input.person_id.into(),
                input.kind.code().into(),
                input.granted_on.into(),
                description.clone().into(),
                now().into(),
            ],
        )
        .await?
        .ok_or_else(|| anyhow::anyhow!("insert returned nothing"))?
        .try_get("", "id")?;
    audit::append(
        store,
        tx,
        actor,
        Change {
            action: "create",
            entity: "preferential_treatment",
            entity_id: id.to_string(),
            org_path: org_path.to_string(),
            summary: format!("记录 {name} 享受优待（{}）：{description}", input.kind.label()),
            before: None,
            after: Some(json!({"kind": input.kind, "granted_on": input.granted_on})),
        },
    )
    .await?;
    Ok(id)
}

#[derive(Debug, Clone, Default)]
pub struct TreatmentFilter {
    pub unit: Option<OrgPath>,
    pub kind: Option<TreatmentKind>,
    pub year: Option<i32>,
    pub person_id: Option<i64>,
    pub q: Option<String>,
}

fn treatment_where(scope: &Scope, f: &TreatmentFilter) -> Where {
    let mut w = Where::new(scope, "t.org_path");
    w.unit("t.org_path", f.unit.as_ref());
    if let Some(k) = f.kind {
        w.push("t.kind = ?", vec![k.code().into()]);
    }
    if let Some(y) = f.year {
        let (a, b) = year_range(y);
        w.push("t.granted_on >= ? AND t.granted_on <= ?", vec![a.into(), b.into()]);
    }
    if let Some(p) = f.person_id {
        w.push("t.person_id = ?", vec![p.into()]);
    }
    w.name("p.name", f.q.as_deref());
    w
}

pub async fn treatments(
    store: &Store,
    scope: &Scope,
    f: &TreatmentFilter,
    page: Page,
) -> Result<(Vec<Treatment>, i64), StoreError> {
    treatment_where(scope, f)
        .paged(store, (T_COLUMNS, T_FROM, "t.granted_on DESC, t.id DESC"), page, treatment_row)
        .await
}

pub async fn all_treatments(store: &Store, scope: &Scope, f: &TreatmentFilter) -> Result<Vec<Treatment>, StoreError> {
    let w = treatment_where(scope, f);
    let rows = store
        .query_all(
            store.conn(),
            &format!("SELECT {T_COLUMNS} {T_FROM} WHERE {} ORDER BY t.org_path, t.granted_on, t.id", w.sql()),
            w.params,
        )
        .await?;
    rows.iter().map(treatment_row).collect()
}

pub const TREATMENT_HEADERS: &[&str] = &["编号", "姓名", "所属单位", "优待项目", "日期", "内容"];

pub fn treatment_export_row(t: &Treatment, unit_name: &str) -> Vec<String> {
    vec![
        t.id.to_string(),
        t.person_name.clone(),
        unit_name.to_owned(),
        t.kind.label().to_owned(),
        t.granted_on.to_string(),
        t.description.clone(),
    ]
}
