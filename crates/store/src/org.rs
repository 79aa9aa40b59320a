//! The org tree (组织体系): units with path codes.

use sea_orm::{QueryResult, Value};
use serde::Serialize;
use serde_json::json;
use shuangyong_domain::{OrgKind, OrgPath, text};

use crate::audit::{self, Actor, Change};
use crate::{Scope, Store, StoreError, Tx, now};

/// One page of a list: 1-based page number and page size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    pub number: u64,
    pub size: u64,
}

impl Page {
    pub const DEFAULT_SIZE: u64 = 20;

    pub fn new(number: Option<u64>, size: Option<u64>) -> Page {
        Page { number: number.unwrap_or(1).max(1), size: size.unwrap_or(Self::DEFAULT_SIZE).clamp(1, 200) }
    }

    pub fn limit(&self) -> i64 {
        self.size as i64
    }

    pub fn offset(&self) -> i64 {
        ((self.number - 1) * self.size) as i64
    }
}

impl Default for Page {
    fn default() -> Self {
        Page::new(None, None)
    }
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct OrgUnit {
    pub id: i64,
    pub path: OrgPath,
    pub parent_path: Option<String>,
    pub name: String,
    pub kind: OrgKind,
    pub sort: i32,
    pub note: String,
}

impl OrgUnit {
    fn from_row(r: &QueryResult) -> Result<OrgUnit, StoreError> {
        let path: String = r.try_get("", "path")?;
        let kind: String = r.try_get("", "kind")?;
        Ok(OrgUnit {
            id: r.try_get("", "id")?,
            path: OrgPath::parse(&path).map_err(|e| anyhow::anyhow!("stored path {path}: {e}"))?,
            parent_path: r.try_get("", "parent_path")?,
            name: r.try_get("", "name")?,
            kind: OrgKind::from_code(&kind).ok_or_else(|| anyhow::anyhow!("stored kind {kind}"))?,
            sort: r.try_get("", "sort")?,
            note: r.try_get("", "note")?,
        })
    }

    fn snapshot(&self) -> serde_json::Value {
        json!({"path": self.path, "name": self.name, "kind": self.kind.code(), "sort": self.sort, "note": self.note})
    }
}

const COLUMNS: &str = "id, path, parent_path, name, kind, sort, note";

/// What a form or file gives for a new unit.
#[derive(Debug, Clone)]
pub struct NewUnit {
    pub path: OrgPath,
    pub name: String,
    pub kind: OrgKind,
    pub sort: i32,
    pub note: String,
}

fn validate_name(name: &str) -> Result<String, StoreError> {
    let name = text::clean(name);
    if name.is_empty() {
        return Err(StoreError::invalid("请填写单位名称"));
    }
    if name.chars().count() > 60 {
        return Err(StoreError::invalid("单位名称不能超过60个字，请缩短后再保存"));
    }
    Ok(name)
}

/// Adds a unit (the county root when the path has one segment). Checks that the parent exists,
/// that the kind fits the parent's, and that the path is free.
pub async fn create(store: &Store, tx: &Tx, actor: &Actor, unit: NewUnit) -> Result<OrgUnit, StoreError> {
    let name = validate_name(&unit.name)?;
    if unit.kind.depth() != unit.path.depth() {
        return Err(StoreError::invalid(format!(
            "“{}”类单位的编码应为{}级，请检查编码 {}",
            unit.kind.label(),
            unit.kind.depth(),
            unit.path
        )));
    }
    let parent = match unit.path.parent() {
        Some(pp) => {
            let parent = find_in(store, tx, &pp)
                .await?
                .ok_or_else(|| StoreError::invalid(format!("上级单位 {pp} 不存在，请先建立上级单位")))?;
            if !parent.kind.child_kinds().contains(&unit.kind) {
                return Err(StoreError::invalid(format!("“{}”下不能设立“{}”类单位", parent.name, unit.kind.label())));
            }
            Some(pp.to_string())
        }
        None => None,
    };
    if find_in(store, tx, &unit.path).await?.is_some() {
        return Err(StoreError::Conflict(format!("编码 {} 已被使用，请换一个编码", unit.path)));
    }
    let t = now();
    let row = store
        .query_one(
            tx,
            &format!(
                "INSERT INTO org_unit (county, path, parent_path, name, kind, sort, note, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING {COLUMNS}"
            ),
            [
                unit.path.county().into(),
                unit.path.as_str().into(),
                parent.into(),
                name.into(),
                unit.kind.code().into(),
                unit.sort.into(),
                text::clean(&unit.note).into(),
                t.into(),
            ],
        )
        .await
        .map_err(|e| crate::db::conflict_on_unique(e, "该编码已被使用，请换一个编码"))?
        .ok_or_else(|| anyhow::anyhow!("insert returned nothing"))?;
    let created = OrgUnit::from_row(&row)?;
    audit::append(
        store,
        tx,
        actor,
        Change {
            action: "create",
            entity: "org_unit",
            entity_id: created.path.to_string(),
            org_path: created.path.to_string(),
            summary: format!("新增单位 {} {}", created.path, created.name),
            before: None,
            after: Some(created.snapshot()),
        },
    )
    .await?;
    Ok(created)
}

/// What may change of a unit: paths and kinds do not, records hang off them.
#[derive(Debug, Clone)]
pub struct UnitEdit {
    pub name: String,
    pub sort: i32,
    pub note: String,
}

/// Edits the name, sort order and note of a unit in scope.
pub async fn update(
    store: &Store,
    tx: &Tx,
    actor: &Actor,
    scope: &Scope,
    path: &OrgPath,
    edit: UnitEdit,
) -> Result<OrgUnit, StoreError> {
    if !scope.contains(path) {
        return Err(StoreError::NotFound);
    }
    let before = find_in(store, tx, path).await?.ok_or(StoreError::NotFound)?;
    let name = validate_name(&edit.name)?;
    let (sort, note) = (edit.sort, edit.note.as_str());
    store
        .exec(
            tx,
            "UPDATE org_unit SET name = $1, sort = $2, note = $3, updated_at = $4 WHERE path = $5",
            [name.into(), sort.into(), text::clean(note).into(), now().into(), path.as_str().into()],
        )
        .await?;
    let after = find_in(store, tx, path).await?.ok_or(StoreError::NotFound)?;
    audit::append(
        store,
        tx,
        actor,
        Change {
            action: "update",
            entity: "org_unit",
            entity_id: path.to_string(),
            org_path: path.to_string(),
            summary: format!("修改单位 {} {}", path, after.name),
            before: Some(before.snapshot()),
            after: Some(after.snapshot()),
        },
    )
    .await?;
    Ok(after)
}

pub(crate) async fn find_in<C: sea_orm::ConnectionTrait>(
    store: &Store,
    conn: &C,
    path: &OrgPath,
) -> Result<Option<OrgUnit>, StoreError> {
    store
        .query_one(conn, &format!("SELECT {COLUMNS} FROM org_unit WHERE path = $1"), [path.as_str().into()])
        .await?
        .map(|r| OrgUnit::from_row(&r))
        .transpose()
}

/// One unit in scope.
pub async fn get(store: &Store, scope: &Scope, path: &OrgPath) -> Result<OrgUnit, StoreError> {
    if !scope.contains(path) {
        return Err(StoreError::NotFound);
    }
    find_in(store, store.conn(), path).await?.ok_or(StoreError::NotFound)
}

/// Every unit in scope, in tree order (by path).
pub async fn list(store: &Store, scope: &Scope) -> Result<Vec<OrgUnit>, StoreError> {
    let (cond, vals) = scope.sql("path", 1);
    let rows = store
        .query_all(
            store.conn(),
            &format!("SELECT {COLUMNS} FROM org_unit WHERE {cond} ORDER BY path"),
            Vec::<Value>::from(vals),
        )
        .await?;
    rows.iter().map(OrgUnit::from_row).collect()
}

/// The direct children of a unit in scope, by sort order and path.
pub async fn children(store: &Store, scope: &Scope, path: &OrgPath) -> Result<Vec<OrgUnit>, StoreError> {
    if !scope.contains(path) {
        return Err(StoreError::NotFound);
    }
    let rows = store
        .query_all(
            store.conn(),
            &format!("SELECT {COLUMNS} FROM org_unit WHERE parent_path = $1 ORDER BY sort, path"),
            [path.as_str().into()],
        )
        .await?;
    rows.iter().map(OrgUnit::from_row).collect()
}

/// The next free child segment under a unit: `01`, `02`, … for townships, `001`, … for villages.
pub async fn next_child_segment(store: &Store, parent: &OrgPath) -> Result<String, StoreError> {
    let rows = store
        .query_all(store.conn(), "SELECT path FROM org_unit WHERE parent_path = $1", [parent.as_str().into()])
        .await?;
    let mut max = 0u32;
    for r in rows {
        let p: String = r.try_get("", "path")?;
        if let Some(n) = p.rsplit('/').next().and_then(|s| s.parse::<u32>().ok()) {
            max = max.max(n);
        }
    }
    let width = if parent.depth() == 1 { 2 } else { 3 };
    Ok(format!("{:0width$}", max + 1))
}

/// The root of the tree (the county), if the database has one.
pub async fn root(store: &Store) -> Result<Option<OrgUnit>, StoreError> {
    store
        .query_one(
            store.conn(),
            &format!("SELECT {COLUMNS} FROM org_unit WHERE parent_path IS NULL ORDER BY path LIMIT 1"),
            [],
        )
        .await?
        .map(|r| OrgUnit::from_row(&r))
        .transpose()
}
