//! A filtered list of work records as XLSX: the unit, the year and every field as read on screen.
//! Each export is an audit entry.

use std::collections::HashMap;

use rust_xlsxwriter::{Format, Workbook};
use shuangyong_domain::work::{self, FieldKind, Kind};

use super::{Filter, Record};
use crate::audit::{self, Actor, Change};
use crate::export::escape_cell;
use crate::{Scope, Store, StoreError};

/// The rows as text: 单位, 年度, then each field.
async fn rows(
    store: &Store,
    kind: &'static Kind,
    records: &[Record],
) -> Result<(Vec<String>, Vec<Vec<String>>), StoreError> {
    let units: HashMap<String, String> = store
        .query_all(store.conn(), "SELECT path, name FROM org_unit", [])
        .await?
        .iter()
        .map(|r| Ok((r.try_get("", "path")?, r.try_get("", "name")?)))
        .collect::<Result<_, StoreError>>()?;
    let mut linked: HashMap<&str, HashMap<i64, String>> = HashMap::new();
    for f in kind.fields {
        if let FieldKind::Parent(k) | FieldKind::Ref(k) = f.kind
            && let Some(target) = work::kind(k)
        {
            linked.insert(f.name, super::titles(store, target, &super::linked_ids(records, f.name)).await?);
        }
    }
    let mut headers = vec!["单位".to_owned(), "年度".to_owned()];
    headers.extend(kind.fields.iter().map(|f| f.label.to_owned()));
    let mut out = Vec::new();
    for r in records {
        let mut row = vec![units.get(r.org_path.as_str()).cloned().unwrap_or_else(|| r.org_path.to_string())];
        row.push(r.year.to_string());
        for (i, f) in kind.fields.iter().enumerate() {
            let shown = match (linked.get(f.name), r.vals[i].int()) {
                (Some(titles), Some(id)) => titles.get(&id).cloned().unwrap_or_default(),
                _ => kind.display(i, &r.vals),
            };
            row.push(shown);
        }
        out.push(row);
    }
    Ok((headers, out))
}

/// Writes the filtered records as XLSX and records the export. Returns the bytes and the count.
pub async fn xlsx(
    store: &Store,
    actor: &Actor,
    scope: &Scope,
    kind: &'static Kind,
    filter: &Filter,
) -> Result<(Vec<u8>, usize), StoreError> {
    let records = super::all(store, scope, kind, filter).await?;
    let (headers, rows) = rows(store, kind, &records).await?;
    let bytes = write(kind.label, &headers, &rows).map_err(|e| anyhow::anyhow!("xlsx: {e}"))?;
    let tx = store.begin_write().await?;
    audit::append(
        store,
        &tx,
        actor,
        Change {
            action: "export",
            entity: kind.table,
            entity_id: String::new(),
            org_path: scope.root().to_string(),
            summary: format!("导出{} {} 条", kind.label, rows.len()),
            before: None,
            after: Some(serde_json::json!({"rows": rows.len(), "filter": format!("{filter:?}")})),
        },
    )
    .await?;
    tx.commit().await?;
    Ok((bytes, rows.len()))
}

fn write(sheet_name: &str, headers: &[String], rows: &[Vec<String>]) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let mut wb = Workbook::new();
    let sheet = wb.add_worksheet();
    sheet.set_name(sheet_name)?;
    let bold = Format::new().set_bold();
    for (c, h) in headers.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, h, &bold)?;
        sheet.set_column_width(c as u16, 16)?;
    }
    for (i, r) in rows.iter().enumerate() {
        for (c, v) in r.iter().enumerate() {
            sheet.write_string((i + 1) as u32, c as u16, escape_cell(v))?;
        }
    }
    sheet.set_freeze_panes(1, 0)?;
    wb.save_to_buffer()
}
