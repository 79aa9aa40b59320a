//! The work system's records (组织体系, 宣传教育, 服务保障, 驻军贡献): one generic store over the record
//! types described in [`shuangyong_domain::work`]. Every read takes a [`Scope`]; every change writes
//! its audit entry in the same transaction. SQL names come only from the static descriptions, never
//! from input. Yearly totals, which the reports read, are in [`totals`].

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ConnectionTrait, QueryResult, Value};
use serde::Serialize;
use serde_json::json;
use shuangyong_domain::OrgPath;
use shuangyong_domain::work::{FieldKind, KINDS, Kind, Val, YearFrom};

use crate::audit::{self, Actor, Change};
use crate::db::conflict_on_unique;
use crate::org::Page;
use crate::{Scope, Store, StoreError, Tx, now};

pub mod export;
pub mod files;
pub mod totals;

/// One record of a type.
#[derive(Debug, Clone, Serialize)]
pub struct Record {
    pub id: i64,
    #[serde(skip)]
    pub kind: &'static Kind,
    pub org_path: OrgPath,
    pub year: i32,
    /// In the order of the type's fields.
    pub vals: Vec<Val>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Record {
    pub fn get(&self, name: &str) -> &Val {
        self.kind.index(name).map(|i| &self.vals[i]).unwrap_or(&Val::Null)
    }

    pub fn title(&self) -> String {
        self.kind.title_of(&self.vals)
    }

    /// The values by field name, as the audit log keeps them.
    pub fn snapshot(&self) -> serde_json::Value {
        snapshot(self.kind, &self.org_path, &self.vals)
    }
}

fn snapshot(kind: &Kind, org_path: &OrgPath, vals: &[Val]) -> serde_json::Value {
    let mut m = serde_json::Map::new();
    m.insert("org_path".into(), json!(org_path));
    for (f, v) in kind.fields.iter().zip(vals) {
        m.insert(f.name.into(), json!(v));
    }
    serde_json::Value::Object(m)
}

/// What a list asks for.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub year: Option<i32>,
    /// Records of this unit and below.
    pub unit: Option<OrgPath>,
    /// Children of this record (types with a parent), or records linking to it (events at a base).
    pub parent: Option<i64>,
    /// A code of the type's first choice field (category, kind, side …), or several separated by
    /// commas (a figure summed over two categories links to the records of both).
    pub choice: Option<String>,
    /// Part of the title.
    pub q: Option<String>,
    /// Records whose term (`term_start`, `term_end`) covers part of these years: the working
    /// bodies in place during a span, whatever year their term began.
    pub active: Option<(i32, i32)>,
}

/// The field that ties a record to another: its parent, or else its first link.
pub fn link_field(kind: &Kind) -> Option<&'static shuangyong_domain::work::Field> {
    kind.fields
        .iter()
        .find(|f| matches!(f.kind, FieldKind::Parent(_)))
        .or_else(|| kind.fields.iter().find(|f| matches!(f.kind, FieldKind::Ref(_))))
}

/// The first choice field of a type: what lists filter by besides year and unit.
pub fn choice_field(kind: &Kind) -> Option<&'static shuangyong_domain::work::Field> {
    kind.fields.iter().find(|f| matches!(f.kind, FieldKind::Choice(_)))
}

fn columns(kind: &Kind) -> String {
    let mut c = String::from("id, org_path, rec_year, version, created_at, updated_at");
    for f in kind.fields {
        c.push_str(", ");
        c.push_str(f.name);
    }
    c
}

fn from_row(kind: &'static Kind, r: &QueryResult) -> Result<Record, StoreError> {
    let path: String = r.try_get("", "org_path")?;
    let mut vals = Vec::with_capacity(kind.fields.len());
    for f in kind.fields {
        let v = if f.kind.is_integer() {
            r.try_get::<Option<i64>>("", f.name)?.map(Val::Int).unwrap_or(Val::Null)
        } else if f.kind == FieldKind::Date {
            r.try_get::<Option<NaiveDate>>("", f.name)?.map(Val::Date).unwrap_or(Val::Null)
        } else {
            Val::Text(r.try_get::<String>("", f.name)?)
        };
        vals.push(v);
    }
    Ok(Record {
        id: r.try_get("", "id")?,
        kind,
        org_path: OrgPath::parse(&path).map_err(|e| anyhow::anyhow!("stored path {path}: {e}"))?,
        year: r.try_get::<i64>("", "rec_year")? as i32,
        vals,
        version: r.try_get("", "version")?,
        created_at: r.try_get("", "created_at")?,
        updated_at: r.try_get("", "updated_at")?,
    })
}

/// A value for SQL, typed even when empty (PostgreSQL wants typed NULLs).
fn sql_value(kind: FieldKind, v: &Val) -> Value {
    match (kind, v) {
        (_, Val::Int(i)) => (*i).into(),
        (_, Val::Date(d)) => (*d).into(),
        (_, Val::Text(t)) => t.clone().into(),
        (FieldKind::Date, Val::Null) => Value::ChronoDate(None),
        (k, Val::Null) if k.is_integer() => Value::BigInt(None),
        (_, Val::Null) => String::new().into(),
    }
}

/// Whether other types hang under (or link to) this one: such records are readable from below,
/// by users whose unit they cover (a liaison officer opens the county's plan to add the troops' items).
fn is_container(kind: &Kind) -> bool {
    KINDS
        .iter()
        .any(|k| k.fields.iter().any(|f| matches!(f.kind, FieldKind::Parent(p) | FieldKind::Ref(p) if p == kind.key)))
}

/// Whether a record at `path` is readable in `scope`.
fn readable(kind: &Kind, scope: &Scope, path: &OrgPath) -> bool {
    scope.contains(path) || (is_container(kind) && path.contains(scope.root()))
}

async fn fetch<C: ConnectionTrait>(
    store: &Store,
    conn: &C,
    kind: &'static Kind,
    id: i64,
) -> Result<Option<Record>, StoreError> {
    let row = store
        .query_one(conn, &format!("SELECT {} FROM {} WHERE id = $1", columns(kind), kind.table), [id.into()])
        .await?;
    row.map(|r| from_row(kind, &r)).transpose()
}

/// One record in scope (or, for records others hang under, covering the scope).
pub async fn get(store: &Store, scope: &Scope, kind: &'static Kind, id: i64) -> Result<Record, StoreError> {
    match fetch(store, store.conn(), kind, id).await? {
        Some(r) if readable(kind, scope, &r.org_path) => Ok(r),
        _ => Err(StoreError::NotFound),
    }
}

/// The condition and parameters of a list, numbered from $1.
fn list_where(kind: &Kind, scope: &Scope, filter: &Filter) -> (String, Vec<Value>) {
    let (cond, vals) = scope.sql("org_path", 1);
    let mut sql = vec![cond];
    let mut params: Vec<Value> = vals.into();
    if let Some(u) = &filter.unit {
        let (c, v) = Scope::new(u.clone()).sql("org_path", params.len() + 1);
        sql.push(c);
        params.extend(v);
    }
    if let Some(y) = filter.year {
        params.push(i64::from(y).into());
        sql.push(format!("rec_year = ${}", params.len()));
    }
    if let (Some(p), Some(link)) = (filter.parent, link_field(kind)) {
        params.push(p.into());
        sql.push(format!("{} = ${}", link.name, params.len()));
    }
    if let (Some(c), Some(cf)) = (filter.choice.as_ref().filter(|c| !c.is_empty()), choice_field(kind)) {
        let mut marks = Vec::new();
        for code in c.split(',').map(str::trim).filter(|c| !c.is_empty()) {
            params.push(code.to_owned().into());
            marks.push(format!("${}", params.len()));
        }
        if !marks.is_empty() {
            sql.push(format!("{} IN ({})", cf.name, marks.join(", ")));
        }
    }
    if let Some((from, to)) = filter.active.filter(|_| kind.index("term_start").is_some())
        && let (Some(first), Some(last)) = (NaiveDate::from_ymd_opt(from, 1, 1), NaiveDate::from_ymd_opt(to, 12, 31))
    {
        params.push(last.into());
        params.push(first.into());
        sql.push(format!(
            "term_start <= ${} AND (term_end IS NULL OR term_end >= ${})",
            params.len() - 1,
            params.len()
        ));
    }
    if let Some(q) = filter.q.as_ref().map(|q| q.trim()).filter(|q| !q.is_empty()) {
        params.push(crate::audit::contains_pattern(q).into());
        sql.push(format!("{} LIKE ${} ESCAPE '\\'", kind.title, params.len()));
    }
    (sql.join(" AND "), params)
}

/// The order of lists: by date or year, newest first.
fn order(kind: &Kind) -> String {
    let by = match kind.year {
        YearFrom::Date(d) => format!("{d} DESC, "),
        _ => String::new(),
    };
    format!("rec_year DESC, {by}org_path, id DESC")
}

/// One page of records in scope, with the total.
pub async fn list(
    store: &Store,
    scope: &Scope,
    kind: &'static Kind,
    filter: &Filter,
    page: Page,
) -> Result<(Vec<Record>, i64), StoreError> {
    let (cond, mut params) = list_where(kind, scope, filter);
    let total = store
        .count_of(store.conn(), &format!("SELECT COUNT(*) AS n FROM {} WHERE {cond}", kind.table), params.clone())
        .await?;
    params.push(page.limit().into());
    params.push(page.offset().into());
    let n = params.len();
    let rows = store
        .query_all(
            store.conn(),
            &format!(
                "SELECT {} FROM {} WHERE {cond} ORDER BY {} LIMIT ${} OFFSET ${n}",
                columns(kind),
                kind.table,
                order(kind),
                n - 1
            ),
            params,
        )
        .await?;
    let records = rows.iter().map(|r| from_row(kind, r)).collect::<Result<Vec<_>, _>>()?;
    Ok((records, total))
}

/// Every record of a filter (for exports), in list order.
pub async fn all(
    store: &Store,
    scope: &Scope,
    kind: &'static Kind,
    filter: &Filter,
) -> Result<Vec<Record>, StoreError> {
    let (cond, params) = list_where(kind, scope, filter);
    let rows = store
        .query_all(
            store.conn(),
            &format!("SELECT {} FROM {} WHERE {cond} ORDER BY {}", columns(kind), kind.table, order(kind)),
            params,
        )
        .await?;
    rows.iter().map(|r| from_row(kind, r)).collect()
}

/// Records of a type a user may pick as a parent or link: those in scope and those covering it.
pub async fn options(store: &Store, scope: &Scope, kind: &'static Kind) -> Result<Vec<(i64, String)>, StoreError> {
    let (cond, vals) = scope.sql("org_path", 1);
    let mut params: Vec<Value> = vals.into();
    let mut ancestors = Vec::new();
    let mut p = scope.root().parent();
    while let Some(a) = p {
        params.push(a.as_str().into());
        ancestors.push(format!("${}", params.len()));
        p = a.parent();
    }
    let cond = if ancestors.is_empty() { cond } else { format!("({cond} OR org_path IN ({}))", ancestors.join(", ")) };
    let rows = store
        .query_all(
            store.conn(),
            &format!("SELECT {} FROM {} WHERE {cond} ORDER BY {}", columns(kind), kind.table, order(kind)),
            params,
        )
        .await?;
    rows.iter()
        .map(|r| {
            let rec = from_row(kind, r)?;
            Ok((rec.id, format!("{}（{}年）", rec.title(), rec.year)))
        })
        .collect()
}

/// Titles of linked records by id (for lists and exports), whatever their scope: a title is shown
/// only where the record linking to it is visible.
pub async fn titles(store: &Store, kind: &'static Kind, ids: &[i64]) -> Result<HashMap<i64, String>, StoreError> {
    let mut out = HashMap::new();
    for id in ids {
        if out.contains_key(id) {
            continue;
        }
        if let Some(r) = fetch(store, store.conn(), kind, *id).await? {
            out.insert(*id, r.title());
        }
    }
    Ok(out)
}

/// The ids a set of records links to, by field.
pub fn linked_ids(records: &[Record], field: &str) -> Vec<i64> {
    records.iter().filter_map(|r| r.get(field).int()).collect()
}

/// Checks the unit, the parent and links of new values, and works out the record's year.
async fn prepare(
    store: &Store,
    tx: &Tx,
    scope: &Scope,
    kind: &'static Kind,
    org_path: &OrgPath,
    vals: &[Val],
) -> Result<i32, StoreError> {
    if vals.len() != kind.fields.len() {
        return Err(anyhow::anyhow!("{} values for {} fields of {}", vals.len(), kind.fields.len(), kind.key).into());
    }
    if !scope.contains(org_path) {
        return Err(StoreError::invalid("所选单位不在您的管辖范围内，请选择本单位或下级单位"));
    }
    let unit = store.query_one(tx, "SELECT path FROM org_unit WHERE path = $1", [org_path.as_str().into()]).await?;
    if unit.is_none() {
        return Err(StoreError::invalid(format!("单位 {org_path} 不存在，请从列表中选择")));
    }
    let mut parent_year = None;
    for (f, v) in kind.fields.iter().zip(vals) {
        let (FieldKind::Parent(k) | FieldKind::Ref(k), Val::Int(id)) = (f.kind, v) else { continue };
        let Some(target_kind) = shuangyong_domain::work::kind(k) else { continue };
        let target = fetch(store, tx, target_kind, *id).await?.filter(|t| readable(target_kind, scope, &t.org_path));
        let Some(target) = target else {
            return Err(StoreError::invalid(format!("所选{}不存在或不在您的管辖范围内，请重新选择", f.label)));
        };
        if matches!(f.kind, FieldKind::Parent(_)) {
            if !target.org_path.contains(org_path) {
                return Err(StoreError::invalid(format!(
                    "记录的单位应是“{}”所属单位或其下级单位，请重新选择单位",
                    target.title()
                )));
            }
            parent_year = Some(target.year);
        }
    }
    let year = match kind.year {
        YearFrom::Parent => parent_year,
        _ => kind.year_of(vals),
    };
    year.ok_or_else(|| StoreError::invalid("请填写年度或日期"))
}

/// Refuses a second record where the type allows one (one plan a unit a year).
async fn check_unique(
    store: &Store,
    tx: &Tx,
    kind: &Kind,
    org_path: &OrgPath,
    vals: &[Val],
    except: Option<i64>,
) -> Result<(), StoreError> {
    if kind.unique.is_empty() {
        return Ok(());
    }
    let mut params: Vec<Value> = vec![org_path.as_str().into(), except.unwrap_or(0).into()];
    let mut cond = vec!["org_path = $1".to_owned(), "id <> $2".to_owned()];
    let mut what = Vec::new();
    for u in kind.unique {
        let i = kind.index(u).ok_or_else(|| anyhow::anyhow!("unique field {u}"))?;
        params.push(sql_value(kind.fields[i].kind, &vals[i]));
        cond.push(format!("{u} = ${}", params.len()));
        what.push(kind.display(i, vals));
    }
    let clash =
        store.query_one(tx, &format!("SELECT id FROM {} WHERE {}", kind.table, cond.join(" AND ")), params).await?;
    if let Some(r) = clash {
        let id: i64 = r.try_get("", "id")?;
        return Err(StoreError::Conflict(format!(
            "本单位已有{}（{}），编号 {id}：请打开它修改，不要重复登记",
            kind.label,
            what.join("，")
        )));
    }
    Ok(())
}

/// Adds a record in a unit within scope.
pub async fn create(
    store: &Store,
    tx: &Tx,
    actor: &Actor,
    scope: &Scope,
    kind: &'static Kind,
    org_path: &OrgPath,
    vals: Vec<Val>,
) -> Result<Record, StoreError> {
    let year = prepare(store, tx, scope, kind, org_path, &vals).await?;
    check_unique(store, tx, kind, org_path, &vals, None).await?;
    let at = now();
    let mut cols = vec!["county", "org_path", "rec_year", "version", "created_at", "updated_at"];
    let mut params: Vec<Value> = vec![
        org_path.county().into(),
        org_path.as_str().into(),
        i64::from(year).into(),
        1i64.into(),
        at.into(),
        at.into(),
    ];
    for (f, v) in kind.fields.iter().zip(&vals) {
        cols.push(f.name);
        params.push(sql_value(f.kind, v));
    }
    let marks: Vec<String> = (1..=params.len()).map(|i| format!("${i}")).collect();
    let id: i64 = store
        .query_one(
            tx,
            &format!("INSERT INTO {} ({}) VALUES ({}) RETURNING id", kind.table, cols.join(", "), marks.join(", ")),
            params,
        )
        .await
        .map_err(|e| conflict_on_unique(e, &format!("本单位已有相同的{}，请打开已有记录修改", kind.label)))?
        .ok_or_else(|| anyhow::anyhow!("insert returned nothing"))?
        .try_get("", "id")?;
    let rec = fetch(store, tx, kind, id).await?.ok_or(StoreError::NotFound)?;
    audit::append(
        store,
        tx,
        actor,
        Change {
            action: "create",
            entity: kind.table,
            entity_id: id.to_string(),
            org_path: org_path.to_string(),
            summary: format!("新增{}“{}”", kind.label, rec.title()),
            before: None,
            after: Some(rec.snapshot()),
        },
    )
    .await?;
    Ok(rec)
}

/// Changes a record in scope. With `version`, a change made in between is refused, not overwritten.
#[allow(clippy::too_many_arguments)]
pub async fn update(
    store: &Store,
    tx: &Tx,
    actor: &Actor,
    scope: &Scope,
    kind: &'static Kind,
    id: i64,
    version: Option<i64>,
    org_path: &OrgPath,
    vals: Vec<Val>,
) -> Result<Record, StoreError> {
    let before =
        fetch(store, tx, kind, id).await?.filter(|r| scope.contains(&r.org_path)).ok_or(StoreError::NotFound)?;
    if version.is_some_and(|v| v != before.version) {
        return Err(StoreError::Conflict("这条记录刚被他人修改过：请重新打开，核对后再保存".into()));
    }
    let year = prepare(store, tx, scope, kind, org_path, &vals).await?;
    check_unique(store, tx, kind, org_path, &vals, Some(id)).await?;
    let mut sets = vec!["org_path = $1".to_owned(), "rec_year = $2".to_owned(), "updated_at = $3".to_owned()];
    let mut params: Vec<Value> = vec![org_path.as_str().into(), i64::from(year).into(), now().into()];
    for (f, v) in kind.fields.iter().zip(&vals) {
        params.push(sql_value(f.kind, v));
        sets.push(format!("{} = ${}", f.name, params.len()));
    }
    params.push(id.into());
    store
        .exec(
            tx,
            &format!(
                "UPDATE {} SET {}, version = version + 1 WHERE id = ${}",
                kind.table,
                sets.join(", "),
                params.len()
            ),
            params,
        )
        .await
        .map_err(|e| conflict_on_unique(e, &format!("本单位已有相同的{}，请打开已有记录修改", kind.label)))?;
    // Children that count in their parent's year follow it.
    for child in KINDS.iter().filter(|k| k.year == YearFrom::Parent) {
        if let Some((pf, pk)) = child.parent()
            && pk.key == kind.key
        {
            store
                .exec(
                    tx,
                    &format!("UPDATE {} SET rec_year = $1 WHERE {} = $2", child.table, pf.name),
                    [i64::from(year).into(), id.into()],
                )
                .await?;
        }
    }
    let after = fetch(store, tx, kind, id).await?.ok_or(StoreError::NotFound)?;
    audit::append(
        store,
        tx,
        actor,
        Change {
            action: "update",
            entity: kind.table,
            entity_id: id.to_string(),
            org_path: org_path.to_string(),
            summary: format!("修改{}“{}”", kind.label, after.title()),
            before: Some(before.snapshot()),
            after: Some(after.snapshot()),
        },
    )
    .await?;
    Ok(after)
}

/// The audit entries of a record readable in scope, newest first: who created, changed, attached.
pub async fn history(
    store: &Store,
    scope: &Scope,
    kind: &'static Kind,
    id: i64,
) -> Result<Vec<audit::Entry>, StoreError> {
    get(store, scope, kind, id).await?;
    audit::for_entity(store, kind.table, &id.to_string()).await
}
