//! Export of a filtered list of people to XLSX or CSV, in the import template's columns (so an
//! export with full values can be imported elsewhere). Sensitive fields are masked unless the
//! caller may and asks to see them; every export is an audit entry.

use rust_xlsxwriter::{Format, Workbook};
use shuangyong_domain::id_number::IdNumber;
use shuangyong_domain::mask::{mask_account, mask_phone};

use crate::audit::{self, Actor, Change};
use crate::import::HEADERS;
use crate::org::Page;
use crate::registry::{self, Filter};
use crate::{Scope, Store, StoreError};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    Xlsx,
    Csv,
}

impl ExportFormat {
    /// From a file name's extension.
    pub fn from_file_name(name: &str) -> Option<ExportFormat> {
        let lower = name.to_lowercase();
        if lower.ends_with(".xlsx") {
            Some(ExportFormat::Xlsx)
        } else if lower.ends_with(".csv") {
            Some(ExportFormat::Csv)
        } else {
            None
        }
    }
}

/// Makes a cell safe to open in a spreadsheet: text starting with = + - @ (or a tab/CR that
/// Excel strips) would be read as a formula, so it gets a leading apostrophe.
pub fn escape_cell(s: &str) -> String {
    match s.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{s}"),
        _ => s.to_owned(),
    }
}

/// The rows of an export, as text in the template's column order.
async fn rows(store: &Store, scope: &Scope, filter: &Filter, full: bool) -> Result<Vec<[String; 16]>, StoreError> {
    let crypto = store.crypto()?;
    let mut out = Vec::new();
    let mut page = Page::new(Some(1), Some(200));
    loop {
        let (list, total) = registry::list_uncapped(store, scope, filter, page).await?;
        if list.is_empty() {
            break;
        }
        for r in &list {
            let row = store
                .query_one(
                    store.conn(),
                    "SELECT p.id_sealed, p.phone_sealed, p.bank_account_sealed, p.bank_name, p.ethnicity, p.registration, \
                     p.status, o.name AS unit_name FROM person p JOIN org_unit o ON o.path = p.org_path WHERE p.id = $1",
                    [r.id.into()],
                )
                .await?
                .ok_or(StoreError::NotFound)?;
            let p = registry::get(store, scope, r.id).await?;
            let id_plain = crypto.open("id_number", &row.try_get::<Vec<u8>>("", "id_sealed")?)?;
            let phone: Option<Vec<u8>> = row.try_get("", "phone_sealed")?;
            let acct: Option<Vec<u8>> = row.try_get("", "bank_account_sealed")?;
            let phone = phone.map(|b| crypto.open("phone", &b)).transpose()?.unwrap_or_default();
            let acct = acct.map(|b| crypto.open("bank_account", &b)).transpose()?.unwrap_or_default();
            let (id_text, phone_text, acct_text) = if full {
                (id_plain, phone, acct)
            } else {
                (
                    IdNumber::parse(&id_plain).map(|i| i.masked()).unwrap_or_default(),
                    if phone.is_empty() { phone } else { mask_phone(&phone) },
                    if acct.is_empty() { acct } else { mask_account(&acct) },
                )
            };
            let disabled = p.categories.iter().find(|c| c.grade.is_some());
            let claims = store
                .query_all(
                    store.conn(),
                    "SELECT program FROM benefit_claim WHERE person_id = $1 ORDER BY id",
                    [r.id.into()],
                )
                .await?
                .iter()
                .map(|c| c.try_get::<String>("", "program"))
                .collect::<Result<Vec<_>, _>>()?;
            let first_service = p.service.first();
            let month = |d: Option<chrono::NaiveDate>| d.map(|d| d.format("%Y-%m").to_string()).unwrap_or_default();
            out.push([
                p.name.clone(),
                id_text,
                p.sex.label().to_owned(),
                p.ethnicity.clone(),
                p.registration.label().to_owned(),
                row.try_get::<String>("", "unit_name")?,
                p.categories.iter().map(|c| c.category.label()).collect::<Vec<_>>().join("、"),
                month(first_service.and_then(|s| s.enlisted)),
                month(first_service.and_then(|s| s.discharged)),
                disabled.and_then(|c| c.cause).map(|c| c.label().to_owned()).unwrap_or_default(),
                disabled.and_then(|c| c.grade).map(|g| g.label().to_owned()).unwrap_or_default(),
                phone_text,
                acct_text,
                p.bank_name.clone(),
                claims.join("、"),
                p.status.label().to_owned(),
            ]);
        }
        if (page.number * page.size) as i64 >= total.count {
            break;
        }
        page.number += 1;
    }
    Ok(out)
}

/// Writes the filtered list and records the export. `full` shows sensitive fields in full: only
/// for roles that may reveal (the caller checks), and said so in the audit entry.
pub async fn persons(
    store: &Store,
    actor: &Actor,
    scope: &Scope,
    filter: &Filter,
    full: bool,
    format: ExportFormat,
) -> Result<(Vec<u8>, usize), StoreError> {
    let rows = rows(store, scope, filter, full).await?;
    let bytes = match format {
        ExportFormat::Csv => {
            let mut w = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
            w.write_record(HEADERS).map_err(|e| anyhow::anyhow!("csv: {e}"))?;
            for r in &rows {
                w.write_record(r.iter().map(|c| escape_cell(c))).map_err(|e| anyhow::anyhow!("csv: {e}"))?;
            }
            w.into_inner().map_err(|e| anyhow::anyhow!("csv: {e}"))?
        }
        ExportFormat::Xlsx => xlsx(&rows).map_err(|e| anyhow::anyhow!("xlsx: {e}"))?,
    };
    let tx = store.begin_write().await?;
    audit::append(
        store,
        &tx,
        actor,
        Change {
            action: "export",
            entity: "person",
            entity_id: String::new(),
            org_path: scope.root().to_string(),
            summary: format!(
                "导出人员名单 {} 人（{}，{}）",
                rows.len(),
                if full { "含完整身份证号、电话和账号" } else { "敏感信息已脱敏" },
                match format {
                    ExportFormat::Xlsx => "XLSX",
                    ExportFormat::Csv => "CSV",
                }
            ),
            before: None,
            after: Some(serde_json::json!({"rows": rows.len(), "full": full, "filter": format!("{filter:?}")})),
        },
    )
    .await?;
    tx.commit().await?;
    Ok((bytes, rows.len()))
}

fn xlsx(rows: &[[String; 16]]) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let mut wb = Workbook::new();
    let sheet = wb.add_worksheet();
    sheet.set_name("优抚对象")?;
    let bold = Format::new().set_bold();
    // Every column is text, so IDs and accounts keep all their digits when edited and saved.
    let text = Format::new().set_num_format("@");
    for (c, h) in HEADERS.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, *h, &bold)?;
        sheet.set_column_format(c as u16, &text)?;
    }
    sheet.set_column_width(1, 22)?;
    sheet.set_column_width(12, 24)?;
    for (i, r) in rows.iter().enumerate() {
        for (c, v) in r.iter().enumerate() {
            sheet.write_string_with_format((i + 1) as u32, c as u16, escape_cell(v), &text)?;
        }
    }
    sheet.set_freeze_panes(1, 0)?;
    wb.save_to_buffer()
}

/// The template's example ID number: synthetic, with a valid check character.
const EXAMPLE_ID: &str = "140929195605171239";

/// The import template: the headers, an example row, all columns text.
pub fn template() -> Result<Vec<u8>, StoreError> {
    let example = [
        "张三",
        EXAMPLE_ID,
        "男",
        "汉族",
        "农村",
        "东街村",
        "农村籍退役士兵、退役军人",
        "1975-03",
        "1980-01",
        "",
        "",
        "13812345678",
        "6222021234567890123",
        "农村信用社",
        "老兵生活补助",
        "正常",
    ]
    .map(String::from);
    let mut bytes = xlsx(&[example]).map_err(|e| anyhow::anyhow!("xlsx: {e}"))?;
    bytes.shrink_to_fit();
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_template_example_is_a_valid_number() {
        assert!(shuangyong_domain::id_number::IdNumber::parse(super::EXAMPLE_ID).is_ok());
    }

    #[test]
    fn formula_starts_are_escaped() {
        for s in ["=1+1", "+86", "-2", "@SUM(A1)", "\tx"] {
            assert!(super::escape_cell(s).starts_with('\''), "{s}");
        }
        assert_eq!(super::escape_cell("张三"), "张三");
        assert_eq!(super::escape_cell(""), "");
    }
}
