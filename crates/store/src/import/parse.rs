//! Turns rows of the import template into `PersonInput`s, collecting every mistake with its row,
//! column and a Chinese reason.

use std::collections::HashMap;

use serde::Serialize;
use shuangyong_domain::OrgPath;
use shuangyong_domain::dates::parse_date;
use shuangyong_domain::id_number::{IdNumber, Sex};
use shuangyong_domain::mask::{normalize_account, normalize_phone};
use shuangyong_domain::person::{
    Category, DisabilityCause, DisabilityGrade, PersonStatus, Registration, check_grade, split_multi,
};

use super::reader::{Cell, CellKind, MAX_CELL_CHARS, Row, Table};
use crate::org::OrgUnit;
use crate::registry::{CategoryInput, PersonInput, ServiceInput};

/// The template's columns, in order.
pub const HEADERS: [&str; 16] = [
    "姓名",
    "身份证号",
    "性别",
    "民族",
    "户籍性质",
    "所属单位",
    "人员类别",
    "入伍时间",
    "退役时间",
    "伤残性质",
    "伤残等级",
    "联系电话",
    "银行账号",
    "开户银行",
    "享受待遇",
    "状态",
];
/// Columns a file must have.
pub const REQUIRED: [&str; 4] = ["姓名", "身份证号", "所属单位", "人员类别"];

/// One mistake.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowError {
    pub row: usize,
    pub column: String,
    pub reason: String,
}

/// A row that parsed.
#[derive(Debug, Clone)]
pub struct Accepted {
    pub row: usize,
    pub input: PersonInput,
    /// 享受待遇 as written: programs the person already receives.
    pub programs: Vec<String>,
}

/// Where each known column is in this file.
pub struct Columns {
    index: HashMap<&'static str, usize>,
}

impl Columns {
    /// Maps the header; missing required columns and repeated ones are file-level mistakes.
    pub fn new(headers: &[String]) -> Result<Columns, String> {
        let mut index = HashMap::new();
        for (i, h) in headers.iter().enumerate() {
            if let Some(known) = HEADERS.iter().find(|k| **k == h.as_str())
                && index.insert(*known, i).is_some()
            {
                return Err(format!("表头“{known}”出现了两次，请删去多余的一列"));
            }
        }
        let missing: Vec<&str> = REQUIRED.iter().filter(|r| !index.contains_key(**r)).copied().collect();
        if !missing.is_empty() {
            return Err(format!(
                "缺少必需的列：{}。表头应为：{}（可下载导入模板对照）",
                missing.join("、"),
                HEADERS.join(",")
            ));
        }
        Ok(Columns { index })
    }

    fn get<'a>(&self, row: &'a Row, name: &str) -> Option<&'a Cell> {
        self.index.get(name).and_then(|i| row.cells.get(*i))
    }
}

/// Units a file may name, by code or by name, within the importer's scope.
pub struct UnitIndex {
    by_path: HashMap<String, OrgPath>,
    by_name: HashMap<String, Vec<OrgUnit>>,
}

impl UnitIndex {
    pub fn new(units: &[OrgUnit]) -> UnitIndex {
        let mut by_name: HashMap<String, Vec<OrgUnit>> = HashMap::new();
        for u in units {
            by_name.entry(u.name.clone()).or_default().push(u.clone());
        }
        UnitIndex { by_path: units.iter().map(|u| (u.path.to_string(), u.path.clone())).collect(), by_name }
    }

    /// A unit by its code or name. A name held by several units is a mistake that lists them.
    pub fn find(&self, raw: &str) -> Result<OrgPath, String> {
        let key = shuangyong_domain::width::to_half_width(raw).trim().to_owned();
        if key.is_empty() {
            return Err("请填写所属单位（名称或编码）".into());
        }
        if let Some(p) = self.by_path.get(&key) {
            return Ok(p.clone());
        }
        match self.by_name.get(&key).map(Vec::as_slice) {
            Some([one]) => Ok(one.path.clone()),
            Some(many) => Err(format!(
                "单位名称“{key}”有{}个：{}，请改填编码",
                many.len(),
                many.iter().map(|u| format!("{}（{}）", u.name, u.path)).collect::<Vec<_>>().join("、")
            )),
            None => Err(format!("找不到单位“{key}”，或不在您的管辖范围内：请填写组织机构中的单位名称或编码")),
        }
    }
}

/// A row's ID number (when it reads) and the row parsed, or its mistakes.
type Parsed = (Option<IdNumber>, Result<Accepted, Vec<RowError>>);

/// Parses every row. An ID number on several rows makes all of them mistakes: which one is right
/// is for the clerk to say, not for the import to guess.
pub fn parse_rows(table: &Table, columns: &Columns, units: &UnitIndex) -> (Vec<Accepted>, Vec<RowError>) {
    // Rows are independent: parsed on every core, in order, then checked against each other.
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(8);
    let per = table.rows.len().div_ceil(threads).max(1);
    let parsed: Vec<Parsed> = std::thread::scope(|s| {
        let parts: Vec<_> = table
            .rows
            .chunks(per)
            .map(|rows| {
                s.spawn(move || {
                    rows.iter()
                        .map(|row| {
                            let id = columns.get(row, "身份证号").and_then(|c| IdNumber::parse(&c.text).ok());
                            (id, parse_row(row, columns, units))
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        parts.into_iter().flat_map(|p| p.join().expect("a row parser panicked")).collect()
    });
    let mut rows_of: HashMap<&str, Vec<usize>> = HashMap::new();
    for (row, (id, _)) in table.rows.iter().zip(&parsed) {
        if let Some(id) = id {
            rows_of.entry(id.as_str()).or_default().push(row.number);
        }
    }
    let mut repeated: HashMap<usize, String> = HashMap::new();
    for rows in rows_of.values().filter(|rows| rows.len() > 1) {
        for r in rows {
            let others: Vec<String> = rows.iter().filter(|o| *o != r).map(|o| format!("第{o}行")).collect();
            repeated.insert(*r, others.join("、"));
        }
    }
    let mut accepted = Vec::new();
    let mut errors = Vec::new();
    for (row, (_, parsed)) in table.rows.iter().zip(parsed) {
        if let Some(others) = repeated.get(&row.number) {
            errors.push(RowError {
                row: row.number,
                column: "身份证号".into(),
                reason: format!("与{others}的身份证号相同，同一人只能出现一次：请核对后只保留一行"),
            });
            if let Err(mut e) = parsed {
                errors.append(&mut e);
            }
            continue;
        }
        match parsed {
            Ok(a) => accepted.push(a),
            Err(mut e) => errors.append(&mut e),
        }
    }
    (accepted, errors)
}

/// The mistakes of one row, and the cells read so far.
struct RowCheck<'a> {
    row: &'a Row,
    columns: &'a Columns,
    errs: Vec<RowError>,
}

impl RowCheck<'_> {
    fn err(&mut self, column: &str, reason: impl Into<String>) {
        self.errs.push(RowError { row: self.row.number, column: column.into(), reason: reason.into() });
    }

    fn cell(&self, name: &str) -> Option<&Cell> {
        self.columns.get(self.row, name)
    }

    /// The trimmed text of a column ("" when absent or empty), or `None` when the cell itself is
    /// unusable (a formula, an error value, far too long) — that mistake is already recorded.
    fn text(&mut self, name: &str) -> Option<String> {
        let Some(cell) = self.cell(name).cloned() else { return Some(String::new()) };
        match cell.kind {
            CellKind::Formula => {
                self.err(name, "单元格是公式，不能导入：请复制后“选择性粘贴—数值”再导入");
                return None;
            }
            CellKind::Error => {
                self.err(name, format!("单元格是错误值 {}，请改正", cell.text));
                return None;
            }
            _ => {}
        }
        if cell.text.chars().count() > MAX_CELL_CHARS {
            self.err(name, format!("内容过长（超过{MAX_CELL_CHARS}个字），请核对"));
            return None;
        }
        Some(cell.text.trim().to_owned())
    }

    /// An optional date column.
    fn date(&mut self, name: &str) -> Option<chrono::NaiveDate> {
        let raw = self.text(name)?;
        if raw.is_empty() {
            return None;
        }
        match parse_date(&raw) {
            Ok(d) => Some(d.date),
            Err(e) => {
                self.err(name, e.to_string());
                None
            }
        }
    }
}

fn parse_row(row: &Row, columns: &Columns, units: &UnitIndex) -> Result<Accepted, Vec<RowError>> {
    let mut c = RowCheck { row, columns, errs: Vec::new() };
    let name = c.text("姓名").unwrap_or_default();
    if name.is_empty() && c.errs.is_empty() {
        c.err("姓名", "请填写姓名");
    }
    let id = match c.text("身份证号") {
        None => None,
        Some(raw) if raw.is_empty() => {
            c.err("身份证号", "请填写身份证号");
            None
        }
        Some(raw) => {
            let as_number = c.cell("身份证号").is_some_and(|cell| cell.kind == CellKind::Number) && raw.len() > 15;
            if as_number || raw.contains("E+") || raw.contains("e+") {
                c.err("身份证号", "身份证号被 Excel 存成了数字，末几位已丢失：请把该列设为“文本”格式后重新填写");
                None
            } else {
                match IdNumber::parse(&raw) {
                    Ok(i) => Some(i),
                    Err(e) => {
                        c.err("身份证号", e.to_string());
                        None
                    }
                }
            }
        }
    };
    if let Some(i) = &id {
        let sex = c.text("性别").unwrap_or_default();
        if !sex.is_empty() {
            match Sex::parse_label(&sex) {
                Some(s) if s != i.sex() => c.err("性别", format!("与身份证号不符：身份证号显示为{}", i.sex().label())),
                Some(_) => {}
                None => c.err("性别", format!("性别应填“男”或“女”，实为“{sex}”")),
            }
        }
    }
    let ethnicity = c.text("民族").unwrap_or_default();
    let registration = match c.text("户籍性质") {
        Some(r) if r.is_empty() => Some(Registration::Rural),
        Some(r) => Registration::parse(&r).map_err(|e| c.err("户籍性质", e.to_string())).ok(),
        None => None,
    };
    let org_path = match c.text("所属单位") {
        Some(u) => units.find(&u).map_err(|e| c.err("所属单位", e)).ok(),
        None => None,
    };
    let mut categories = Vec::new();
    match c.text("人员类别") {
        Some(raw) if raw.is_empty() => c.err("人员类别", "请填写人员类别，多个用“、”分隔"),
        Some(raw) => {
            for part in split_multi(&raw) {
                match Category::parse(&part) {
                    Ok(cat) => categories.push(CategoryInput::plain(cat)),
                    Err(e) => c.err("人员类别", e.to_string()),
                }
            }
        }
        None => {}
    }
    let enlisted = c.date("入伍时间");
    let discharged = c.date("退役时间");
    if let (Some(a), Some(b)) = (enlisted, discharged)
        && b < a
    {
        c.err("退役时间", "退役时间早于入伍时间，请核对");
    }
    let cause_raw = c.text("伤残性质").unwrap_or_default();
    let grade_raw = c.text("伤残等级").unwrap_or_default();
    if categories.iter().any(|x| x.category.needs_disability()) {
        let cause = DisabilityCause::parse(&cause_raw).map_err(|e| c.err("伤残性质", e.to_string())).ok();
        let grade = DisabilityGrade::parse(&grade_raw).map_err(|e| c.err("伤残等级", e.to_string())).ok();
        if let (Some(k), Some(g)) = (cause, grade)
            && let Err(m) = check_grade(k, g)
        {
            c.err("伤残等级", m);
        }
        for x in categories.iter_mut().filter(|x| x.category.needs_disability()) {
            x.cause = cause;
            x.grade = grade;
        }
    }
    if categories.iter().any(|x| x.category.is_survivor()) {
        c.err("人员类别", "三属（烈士、因公牺牲、病故军人遗属）须填写与军人的关系，请在系统中逐个登记");
    }
    let phone = match c.text("联系电话") {
        Some(p) if !p.is_empty() => normalize_phone(&p).map_err(|e| c.err("联系电话", e.to_string())).ok(),
        _ => None,
    };
    let bank_account = match c.text("银行账号") {
        Some(a) if !a.is_empty() => {
            if c.cell("银行账号").is_some_and(|cell| cell.kind == CellKind::Number) && a.len() > 15 {
                c.err("银行账号", "银行账号被 Excel 存成了数字，末几位可能已丢失：请把该列设为“文本”格式后重新填写");
                None
            } else {
                normalize_account(&a).map_err(|e| c.err("银行账号", e.to_string())).ok()
            }
        }
        _ => None,
    };
    let bank_name = c.text("开户银行").unwrap_or_default();
    let programs = split_multi(&c.text("享受待遇").unwrap_or_default());
    let status = match c.text("状态") {
        Some(s) if s.is_empty() => Some(PersonStatus::Normal),
        Some(s) => PersonStatus::parse(&s).map_err(|e| c.err("状态", e.to_string())).ok(),
        None => None,
    };
    if !c.errs.is_empty() {
        return Err(c.errs);
    }
    let (Some(registration), Some(org_path), Some(status)) = (registration, org_path, status) else {
        return Err(vec![RowError { row: row.number, column: String::new(), reason: "无法读取此行".into() }]);
    };
    let service = if enlisted.is_some() || discharged.is_some() {
        vec![ServiceInput { enlisted, discharged, ..Default::default() }]
    } else {
        Vec::new()
    };
    Ok(Accepted {
        row: row.number,
        input: PersonInput {
            name,
            id_number: id,
            ethnicity,
            registration,
            org_path,
            address: String::new(),
            phone,
            bank_account,
            bank_name,
            status,
            status_date: None,
            status_reason: String::new(),
            categories,
            service,
            note: String::new(),
        },
        programs,
    })
}
