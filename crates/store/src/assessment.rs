//! Model-county self-assessment: scoring sheets imported from XLSX or CSV, sub-items linked to their
//! evidence and scored, the score computed, exported as XLSX.

use chrono::{DateTime, Utc};
use sea_orm::QueryResult;
use serde::Serialize;
use serde_json::json;
use shuangyong_domain::OrgPath;
use shuangyong_domain::assessment::{self as rules, Line, Score};

use crate::audit::{self, Actor, Change};
use crate::export::escape_cell;
use crate::import::RowError;
use crate::{Scope, Store, StoreError, Tx, now};

/// The columns a sheet must have (and the names provinces use for them).
const AREA: &[&str] = &["领域", "考评领域", "一级指标", "考评项目"];
const ITEM: &[&str] = &["项目", "考评内容", "二级指标", "考评指标"];
const SUB: &[&str] = &["子项", "三级指标", "考评细则", "考评要点"];
const POINTS: &[&str] = &["分值", "分数", "标准分"];
const VETO: &[&str] = &["否决", "一票否决", "是否否决", "否决项"];
const CRITERIA: &[&str] = &["评分标准", "评分办法", "说明"];

/// A parsed sub-item, before it is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewItem {
    pub area: String,
    pub item: String,
    pub sub_item: String,
    pub points: i64,
    pub veto: bool,
    pub criteria: String,
}

/// Reads a scoring sheet: area and item may be left blank under the first row of a group (merged
/// cells), they carry down. Every mistake is reported with its row.
pub fn parse_sheet(bytes: &[u8]) -> Result<Result<Vec<NewItem>, Vec<RowError>>, StoreError> {
    let table = crate::import::read_table(bytes).map_err(|e| StoreError::invalid(e.to_string()))?;
    let col = |names: &[&str]| table.headers.iter().position(|h| names.contains(&h.trim()));
    let (Some(a), Some(i), Some(s), Some(p)) = (col(AREA), col(ITEM), col(SUB), col(POINTS)) else {
        return Err(StoreError::invalid(
            "评分表须有“领域、项目、子项、分值”四列（可另有“否决”“评分标准”列），请对照省里下发的评分表调整表头",
        ));
    };
    let (v, c) = (col(VETO), col(CRITERIA));
    let mut items = Vec::new();
    let mut errors = Vec::new();
    let (mut area, mut item) = (String::new(), String::new());
    for row in &table.rows {
        let cell = |k: usize| row.cells.get(k).map(|c| shuangyong_domain::text::clean(&c.text)).unwrap_or_default();
        let (ra, ri, rs) = (cell(a), cell(i), cell(s));
        if ra.is_empty() && ri.is_empty() && rs.is_empty() && cell(p).is_empty() {
            continue;
        }
        if !ra.is_empty() {
            area = ra;
        }
        if !ri.is_empty() {
            item = ri;
        }
        let veto = v.is_some_and(|k| rules::is_veto(&cell(k)));
        let err = |column: &str, reason: String| RowError { row: row.number, column: column.to_owned(), reason };
        if area.is_empty() || item.is_empty() {
            errors.push(err("领域", "领域和项目不能为空：请在每组的第一行填写".to_owned()));
            continue;
        }
        let sub = if rs.is_empty() { item.clone() } else { rs };
        match rules::parse_points(&cell(p)) {
            Ok(points) if points == 0 && !veto => {
                errors.push(err("分值", "分值为空或为0：非否决项须有分值".to_owned()))
            }
            Ok(points) => items.push(NewItem {
                area: area.clone(),
                item: item.clone(),
                sub_item: sub,
                points: if veto { 0 } else { points },
                veto,
                criteria: c.map(cell).unwrap_or_default(),
            }),
            Err(e) => errors.push(err("分值", e)),
        }
    }
    if items.is_empty() && errors.is_empty() {
        return Err(StoreError::invalid("评分表里没有考评条目，请检查文件"));
    }
    Ok(if errors.is_empty() { Ok(items) } else { Err(errors) })
}

/// Imports a sheet for a unit in scope, all or nothing.
#[allow(clippy::too_many_arguments)]
pub async fn import(
    store: &Store,
    tx: &Tx,
    actor: &Actor,
    scope: &Scope,
    unit: &OrgPath,
    name: &str,
    year: i32,
    file_name: &str,
    bytes: &[u8],
) -> Result<Result<i64, Vec<RowError>>, StoreError> {
    if !scope.contains(unit) {
        return Err(StoreError::invalid("所选单位不在您的管辖范围内"));
    }
    let name = shuangyong_domain::text::clean(name);
    if name.is_empty() {
        return Err(StoreError::invalid("请填写评分表名称，如 山西省双拥模范县（市）考评细则（2025年）"));
    }
    if !(2000..=2100).contains(&year) {
        return Err(StoreError::invalid("年度应为四位年份，如 2025"));
    }
    let items = match parse_sheet(bytes)? {
        Ok(items) => items,
        Err(errors) => return Ok(Err(errors)),
    };
    let id: i64 = store
        .query_one(
            tx,
            "INSERT INTO assessment_sheet (county, org_path, name, year, file_name, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
            [
                unit.county().into(),
                unit.as_str().into(),
                name.clone().into(),
                i64::from(year).into(),
                file_name.into(),
                actor.name.clone().into(),
                now().into(),
            ],
        )
        .await?
        .ok_or_else(|| anyhow::anyhow!("insert returned nothing"))?
        .try_get("", "id")?;
    for (seq, it) in items.iter().enumerate() {
        store
            .exec(
                tx,
                "INSERT INTO assessment_item (sheet_id, county, seq, area, item, sub_item, points, veto, criteria) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                [
                    id.into(),
                    unit.county().into(),
                    (seq as i64 + 1).into(),
                    it.area.clone().into(),
                    it.item.clone().into(),
                    it.sub_item.clone().into(),
                    it.points.into(),
                    i64::from(it.veto).into(),
                    it.criteria.clone().into(),
                ],
            )
            .await?;
    }
    let vetoes = items.iter().filter(|i| i.veto).count();
    let max: i64 = items.iter().map(|i| i.points).sum();
    audit::append(
        store,
        tx,
        actor,
        Change {
            action: "import",
            entity: "assessment_sheet",
            entity_id: id.to_string(),
            org_path: unit.to_string(),
            summary: format!("导入评分表“{name}”：{}条（否决项{vetoes}条），满分{}分", items.len(), rules::points(max)),
            before: None,
            after: Some(json!({"file": file_name, "items": items.len(), "vetoes": vetoes, "max": max})),
        },
    )
    .await?;
    Ok(Ok(id))
}

#[derive(Debug, Clone, Serialize)]
pub struct Sheet {
    pub id: i64,
    pub org_path: String,
    pub name: String,
    pub year: i32,
    pub file_name: String,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Item {
    pub id: i64,
    pub seq: i64,
    pub area: String,
    pub item: String,
    pub sub_item: String,
    pub points: i64,
    pub veto: bool,
    pub criteria: String,
    pub awarded: Option<i64>,
    pub vetoed: bool,
    /// One piece of evidence a line: a page of this system (`/support/projects/12`) or a file's name.
    pub evidence: String,
    pub note: String,
}

impl Item {
    pub fn points_text(&self) -> String {
        rules::points(self.points)
    }
    pub fn awarded_text(&self) -> String {
        self.awarded.map(rules::points).unwrap_or_default()
    }
    /// The evidence lines: (text, link if it is a page of this system).
    pub fn evidence_lines(&self) -> Vec<(String, Option<String>)> {
        self.evidence
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(|l| (l.to_owned(), (l.starts_with('/') && !l.starts_with("//")).then(|| l.to_owned())))
            .collect()
    }
    fn line(&self) -> Line {
        Line {
            id: self.id,
            points: self.points,
            veto: self.veto,
            awarded: self.awarded,
            vetoed: self.vetoed,
            has_evidence: !self.evidence.trim().is_empty(),
        }
    }
}

fn item_of(r: &QueryResult) -> Result<Item, StoreError> {
    Ok(Item {
        id: r.try_get("", "id")?,
        seq: r.try_get("", "seq")?,
        area: r.try_get("", "area")?,
        item: r.try_get("", "item")?,
        sub_item: r.try_get("", "sub_item")?,
        points: r.try_get("", "points")?,
        veto: r.try_get::<i64>("", "veto")? != 0,
        criteria: r.try_get("", "criteria")?,
        awarded: r.try_get("", "awarded")?,
        vetoed: r.try_get::<i64>("", "vetoed")? != 0,
        evidence: r.try_get("", "evidence")?,
        note: r.try_get("", "note")?,
    })
}

fn sheet_of(r: &QueryResult) -> Result<Sheet, StoreError> {
    Ok(Sheet {
        id: r.try_get("", "id")?,
        org_path: r.try_get("", "org_path")?,
        name: r.try_get("", "name")?,
        year: r.try_get::<i64>("", "year")? as i32,
        file_name: r.try_get("", "file_name")?,
        created_by: r.try_get("", "created_by")?,
        created_at: r.try_get("", "created_at")?,
    })
}

/// The sheets of the scope's units, newest first.
pub async fn sheets(store: &Store, scope: &Scope) -> Result<Vec<Sheet>, StoreError> {
    let (in_scope, vals) = scope.sql("org_path", 1);
    store
        .query_all(
            store.conn(),
            &format!(
                "SELECT id, org_path, name, year, file_name, created_by, created_at FROM assessment_sheet \
                 WHERE {in_scope} ORDER BY year DESC, id DESC"
            ),
            vals,
        )
        .await?
        .iter()
        .map(sheet_of)
        .collect()
}

/// A sheet in scope with its sub-items and its score.
pub async fn get(store: &Store, scope: &Scope, id: i64) -> Result<(Sheet, Vec<Item>, Score), StoreError> {
    let r = store
        .query_one(
            store.conn(),
            "SELECT id, org_path, name, year, file_name, created_by, created_at FROM assessment_sheet WHERE id = $1",
            [id.into()],
        )
        .await?
        .ok_or(StoreError::NotFound)?;
    let sheet = sheet_of(&r)?;
    if !scope.contains_str(&sheet.org_path) {
        return Err(StoreError::NotFound);
    }
    let items: Vec<Item> = store
        .query_all(
            store.conn(),
            "SELECT id, seq, area, item, sub_item, points, veto, criteria, awarded, vetoed, evidence, note \
             FROM assessment_item WHERE sheet_id = $1 ORDER BY seq",
            [id.into()],
        )
        .await?
        .iter()
        .map(item_of)
        .collect::<Result<_, _>>()?;
    let score = rules::score(&items.iter().map(Item::line).collect::<Vec<_>>());
    Ok((sheet, items, score))
}

/// What a clerk records for a sub-item.
#[derive(Debug, Clone, Default)]
pub struct ItemUpdate {
    /// Hundredths; `None` = not scored yet.
    pub awarded: Option<i64>,
    pub vetoed: bool,
    pub evidence: String,
    pub note: String,
}

/// Scores a sub-item and links its evidence.
pub async fn update_item(
    store: &Store,
    tx: &Tx,
    actor: &Actor,
    scope: &Scope,
    sheet_id: i64,
    item_id: i64,
    u: &ItemUpdate,
) -> Result<(), StoreError> {
    let (sheet, items, _) = get(store, scope, sheet_id).await?;
    let item = items.iter().find(|i| i.id == item_id).ok_or(StoreError::NotFound)?;
    if let Some(a) = u.awarded
        && (a < 0 || a > item.points)
    {
        return Err(StoreError::invalid(format!(
            "“{}”满分{}分，自评得分应在0到{}分之间",
            item.sub_item,
            item.points_text(),
            item.points_text()
        )));
    }
    if item.veto && u.awarded.is_some() {
        return Err(StoreError::invalid("否决项不计分，只需注明是否触及否决情形"));
    }
    let evidence = u.evidence.replace("\r\n", "\n");
    if evidence.chars().count() > 4000 || u.note.chars().count() > 1000 {
        return Err(StoreError::invalid("佐证材料不超过4000字、说明不超过1000字，请精简"));
    }
    store
        .exec(
            tx,
            "UPDATE assessment_item SET awarded = $1, vetoed = $2, evidence = $3, note = $4, updated_by = $5, updated_at = $6 \
             WHERE id = $7 AND sheet_id = $8",
            [
                u.awarded.into(),
                i64::from(item.veto && u.vetoed).into(),
                evidence.trim().to_owned().into(),
                shuangyong_domain::text::clean(&u.note).into(),
                actor.name.clone().into(),
                now().into(),
                item_id.into(),
                sheet_id.into(),
            ],
        )
        .await?;
    audit::append(
        store,
        tx,
        actor,
        Change {
            action: "update",
            entity: "assessment_item",
            entity_id: item_id.to_string(),
            org_path: sheet.org_path.clone(),
            summary: format!(
                "自评“{}”：{}",
                item.sub_item,
                if item.veto {
                    if u.vetoed { "触及否决情形".to_owned() } else { "未触及否决情形".to_owned() }
                } else {
                    u.awarded.map_or("未评分".to_owned(), |a| format!("{}分", rules::points(a)))
                }
            ),
            before: Some(json!({"awarded": item.awarded, "vetoed": item.vetoed, "evidence": item.evidence})),
            after: Some(json!({"awarded": u.awarded, "vetoed": u.vetoed, "evidence": evidence.trim()})),
        },
    )
    .await?;
    Ok(())
}

/// The self-assessment as XLSX: every sub-item with its points, score, evidence; the total and the
/// vetoes at the foot. Recorded in the audit log.
pub async fn export(store: &Store, actor: &Actor, scope: &Scope, id: i64) -> Result<Vec<u8>, StoreError> {
    use rust_xlsxwriter::{Format, Workbook};
    let (sheet, items, score) = get(store, scope, id).await?;
    let build = || -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        ws.set_name("自评")?;
        let bold = Format::new().set_bold();
        let wrap = Format::new().set_text_wrap();
        ws.write_string_with_format(0, 0, escape_cell(&sheet.name), &bold)?;
        let headers = ["序号", "领域", "项目", "子项", "分值", "否决项", "自评得分", "触及否决", "佐证材料", "说明"];
        for (c, h) in headers.iter().enumerate() {
            ws.write_string_with_format(2, c as u16, *h, &bold)?;
        }
        for (r, it) in items.iter().enumerate() {
            let row = r as u32 + 3;
            let cells = [
                it.seq.to_string(),
                it.area.clone(),
                it.item.clone(),
                it.sub_item.clone(),
                it.points_text(),
                if it.veto { "是".into() } else { String::new() },
                it.awarded_text(),
                if it.veto { if it.vetoed { "是".into() } else { "否".into() } } else { String::new() },
                it.evidence.clone(),
                it.note.clone(),
            ];
            for (c, v) in cells.iter().enumerate() {
                ws.write_string_with_format(row, c as u16, escape_cell(v), &wrap)?;
            }
        }
        let foot = items.len() as u32 + 4;
        ws.write_string_with_format(foot, 0, "合计", &bold)?;
        ws.write_string(foot, 4, rules::points(score.max))?;
        ws.write_string(foot, 6, rules::points(score.awarded))?;
        ws.write_string(
            foot + 1,
            0,
            if score.vetoes.is_empty() {
                "未触及否决情形".to_owned()
            } else {
                format!("触及否决情形{}项", score.vetoes.len())
            },
        )?;
        ws.write_string(
            foot + 2,
            0,
            format!("缺少佐证材料{}项，未评分{}项", score.no_evidence.len(), score.unscored.len()),
        )?;
        for (c, w) in [6, 14, 18, 30, 6, 6, 8, 8, 30, 20].into_iter().enumerate() {
            ws.set_column_width(c as u16, w)?;
        }
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
            entity: "assessment_sheet",
            entity_id: id.to_string(),
            org_path: sheet.org_path.clone(),
            summary: format!("导出自评表“{}”", sheet.name),
            before: None,
            after: Some(json!({"max": score.max, "awarded": score.awarded, "vetoes": score.vetoes.len()})),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(bytes)
}
