//! 帮扶服务: assistance cases. Housing cases (住房保障), medical aid funds and claims (医疗救助),
//! placement and training (安置, 技能培训), priority windows and preferential treatments
//! (军人依法优先, 权益保障), and the evidence files attached to cases. Every case belongs to a
//! person of the registry and carries that person's org unit: scope is a prefix test on it.

use sea_orm::{ConnectionTrait, QueryResult, Value};
use shuangyong_domain::OrgPath;

use crate::audit::{self, Actor, Change};
use crate::{Scope, Store, StoreError};

pub mod attachment;
pub mod housing;
pub mod medical;
pub mod placement;
pub mod windows;

/// The person a case is about, read for a new case: must lie in the scope. Returns the name and
/// the unit the case will belong to.
pub(crate) async fn person_in_scope<C: ConnectionTrait>(
    store: &Store,
    conn: &C,
    scope: &Scope,
    person_id: i64,
) -> Result<(String, OrgPath), StoreError> {
    let r = store
        .query_one(conn, "SELECT name, org_path FROM person WHERE id = $1", [person_id.into()])
        .await?
        .ok_or_else(|| StoreError::invalid("所选人员不存在：请在优抚对象中查到此人后再登记"))?;
    let path: String = r.try_get("", "org_path")?;
    let org_path = parse_path(&path)?;
    if !scope.contains(&org_path) {
        return Err(StoreError::invalid("所选人员不在您的管辖范围内，请由其所在乡镇或县级业务员登记"));
    }
    Ok((r.try_get("", "name")?, org_path))
}

pub(crate) fn parse_path(path: &str) -> Result<OrgPath, StoreError> {
    OrgPath::parse(path).map_err(|_| anyhow::anyhow!("stored path {path}").into())
}

/// An integer column or aggregate, whichever width the engine returns.
pub(crate) fn int(r: &QueryResult, col: &str) -> Result<i64, StoreError> {
    r.try_get::<i64>("", col).or_else(|_| r.try_get::<i32>("", col).map(i64::from)).map_err(Into::into)
}

/// A WHERE clause built up condition by condition, `?` in each condition replaced by the next
/// `$n`. It always starts with the scope.
pub(crate) struct Where {
    parts: Vec<String>,
    pub params: Vec<Value>,
}

impl Where {
    pub fn new(scope: &Scope, column: &str) -> Where {
        let (cond, vals) = scope.sql(column, 1);
        Where { parts: vec![cond], params: vals.into() }
    }

    pub fn push(&mut self, sql: &str, values: Vec<Value>) {
        let mut s = sql.to_owned();
        for v in values {
            self.params.push(v);
            s = s.replacen('?', &format!("${}", self.params.len()), 1);
        }
        self.parts.push(s);
    }

    /// Narrows to a unit's subtree.
    pub fn unit(&mut self, column: &str, unit: Option<&OrgPath>) {
        if let Some(u) = unit {
            let (cond, v) = Scope::new(u.clone()).sql(column, self.params.len() + 1);
            self.params.extend(v);
            self.parts.push(cond);
        }
    }

    /// A name containing the text typed.
    pub fn name(&mut self, column: &str, q: Option<&str>) {
        if let Some(q) = q.map(str::trim).filter(|q| !q.is_empty()) {
            self.push(&format!("{column} LIKE ? ESCAPE '\\'"), vec![crate::audit::contains_pattern(q).into()]);
        }
    }

    pub fn sql(&self) -> String {
        self.parts.join(" AND ")
    }

    /// The placeholders for LIMIT and OFFSET after the conditions.
    pub fn page(&self) -> (usize, usize) {
        (self.params.len() + 1, self.params.len() + 2)
    }

    /// One page of `SELECT {columns} {from} WHERE … ORDER BY {order}` with the total count.
    pub async fn paged<T>(
        &self,
        store: &Store,
        (columns, from, order): (&str, &str, &str),
        page: crate::org::Page,
        row: impl Fn(&sea_orm::QueryResult) -> Result<T, StoreError>,
    ) -> Result<(Vec<T>, i64), StoreError> {
        let total = store
            .count_of(store.conn(), &format!("SELECT COUNT(*) AS n {from} WHERE {}", self.sql()), self.params.clone())
            .await?;
        let (l, o) = self.page();
        let mut params = self.params.clone();
        params.push(page.limit().into());
        params.push(page.offset().into());
        let rows = store
            .query_all(
                store.conn(),
                &format!("SELECT {columns} {from} WHERE {} ORDER BY {order} LIMIT ${l} OFFSET ${o}", self.sql()),
                params,
            )
            .await?;
        Ok((rows.iter().map(row).collect::<Result<_, _>>()?, total))
    }
}

/// A list written to an XLSX sheet, every cell text (escaped against formulas), and the export
/// recorded in the audit log.
pub async fn export_sheet(
    store: &Store,
    actor: &Actor,
    scope: &Scope,
    entity: &str,
    title: &str,
    headers: &[&str],
    rows: &[Vec<String>],
) -> Result<Vec<u8>, StoreError> {
    use rust_xlsxwriter::{Format, Workbook};
    let build = || -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
        let mut wb = Workbook::new();
        let sheet = wb.add_worksheet();
        sheet.set_name(title)?;
        let bold = Format::new().set_bold();
        let text = Format::new().set_num_format("@");
        for (c, h) in headers.iter().enumerate() {
            sheet.write_string_with_format(0, c as u16, *h, &bold)?;
            sheet.set_column_format(c as u16, &text)?;
            sheet.set_column_width(c as u16, 16)?;
        }
        for (i, r) in rows.iter().enumerate() {
            for (c, v) in r.iter().enumerate() {
                sheet.write_string_with_format((i + 1) as u32, c as u16, crate::export::escape_cell(v), &text)?;
            }
        }
        sheet.set_freeze_panes(1, 0)?;
        wb.save_to_buffer()
    };
    let bytes = build().map_err(|e| anyhow::anyhow!("xlsx: {e}"))?;
    let tx = store.begin_write().await?;
    audit::append(
        store,
        &tx,
        actor,
        Change {
            action: "export",
            entity,
            entity_id: String::new(),
            org_path: scope.root().to_string(),
            summary: format!("导出{title} {} 条（XLSX）", rows.len()),
            before: None,
            after: Some(serde_json::json!({"rows": rows.len()})),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(bytes)
}
