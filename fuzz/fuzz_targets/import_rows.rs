//! The import's reading of a file, up to (not including) the database: `read_table` (CSV in UTF-8
//! or GBK, XLSX), the header check and `parse_rows` against a fixed set of units — what
//! `store::import::plan` runs before it looks at the registry.
//!
//! Each input is tried three ways: as a whole file; as the rows under the template's header (so
//! the fuzzer need not find the header first); and the same with the cells given spreadsheet kinds
//! (number, date, formula, error value) chosen by the input's first bytes, which a CSV cannot have.
//!
//! Checked: nothing panics; row numbers rise; every row is either accepted or has at least one
//! mistake with a reason, never both; an accepted row is a whole person (name, valid ID number,
//! a category, a known unit, service dates in order, disability facts where the category needs
//! them).
#![no_main]

use std::collections::BTreeSet;

use libfuzzer_sys::fuzz_target;
use shuangyong_domain::org::{OrgKind, OrgPath};
use shuangyong_store::import::HEADERS;
use shuangyong_store::import::parse::{Columns, UnitIndex, parse_rows};
use shuangyong_store::import::reader::{CellKind, MAX_CELL_CHARS, Table, read_table};
use shuangyong_store::org::OrgUnit;

/// The units of the store's import tests: two villages share a name.
const UNITS: [(&str, &str, OrgKind); 7] = [
    ("140929", "岢岚县", OrgKind::County),
    ("140929/01", "岚漪镇", OrgKind::Township),
    ("140929/02", "三井镇", OrgKind::Township),
    ("140929/01/001", "东街村", OrgKind::Village),
    ("140929/01/002", "新建村", OrgKind::Village),
    ("140929/02/001", "团城村", OrgKind::Village),
    ("140929/02/002", "新建村", OrgKind::Village),
];

const KINDS: [CellKind; 5] = [CellKind::Text, CellKind::Number, CellKind::Date, CellKind::Formula, CellKind::Error];

fn units() -> Vec<OrgUnit> {
    UNITS
        .iter()
        .enumerate()
        .map(|(i, (path, name, kind))| {
            let path = OrgPath::parse(path).unwrap();
            OrgUnit {
                id: i as i64 + 1,
                parent_path: path.parent().map(|p| p.to_string()),
                path,
                name: (*name).to_owned(),
                kind: *kind,
                sort: i as i32,
                note: String::new(),
            }
        })
        .collect()
}

fuzz_target!(|data: &[u8]| {
    let units = units();
    let index = UnitIndex::new(&units);
    let paths: BTreeSet<String> = units.iter().map(|u| u.path.to_string()).collect();

    // 1. The whole file.
    if let Ok(table) = read_table(data) {
        check(&table, &index, &paths);
    }

    // 2. The rows under the template's header.
    let mut file = HEADERS.join(",").into_bytes();
    file.push(b'\n');
    file.extend_from_slice(data);
    let Ok(mut table) = read_table(&file) else { return };
    check(&table, &index, &paths);

    // 3. The same cells as a spreadsheet would type them.
    if data.is_empty() {
        return;
    }
    for row in &mut table.rows {
        for (j, cell) in row.cells.iter_mut().enumerate() {
            cell.kind = KINDS[usize::from(data[j % data.len()]) % KINDS.len()].clone();
        }
    }
    check(&table, &index, &paths);
});

fn check(table: &Table, index: &UnitIndex, paths: &BTreeSet<String>) {
    let numbers: Vec<usize> = table.rows.iter().map(|r| r.number).collect();
    assert!(numbers.windows(2).all(|w| w[0] < w[1]), "row numbers do not rise: {numbers:?}");
    assert!(numbers.first().is_none_or(|n| *n >= 2), "a data row before the header: {numbers:?}");
    let Ok(columns) = Columns::new(&table.headers) else { return };
    let (accepted, errors) = parse_rows(table, &columns, index);

    let all: BTreeSet<usize> = numbers.iter().copied().collect();
    let good: BTreeSet<usize> = accepted.iter().map(|a| a.row).collect();
    let bad: BTreeSet<usize> = errors.iter().map(|e| e.row).collect();
    assert_eq!(good.len(), accepted.len(), "a row accepted twice");
    assert!(good.is_disjoint(&bad), "rows both accepted and refused: {:?}", good.intersection(&bad));
    assert_eq!(good.union(&bad).copied().collect::<BTreeSet<_>>(), all, "rows neither accepted nor refused");
    for e in &errors {
        assert!(!e.reason.trim().is_empty(), "a mistake without a reason: {e:?}");
    }

    for a in &accepted {
        let p = &a.input;
        let row = a.row;
        assert!(!p.name.is_empty() && p.name.chars().count() <= MAX_CELL_CHARS, "row {row}: name {:?}", p.name);
        assert_eq!(p.name, p.name.trim(), "row {row}: name not trimmed");
        let id = p.id_number.as_ref().unwrap_or_else(|| panic!("row {row}: accepted without an ID number"));
        assert_eq!(id.as_str().len(), 18);
        assert!(!p.categories.is_empty(), "row {row}: accepted without a category");
        assert!(paths.contains(&p.org_path.to_string()), "row {row}: unknown unit {}", p.org_path);
        for c in &p.categories {
            assert!(!c.category.is_survivor(), "row {row}: a survivor without relation");
            if c.category.needs_disability() {
                assert!(c.cause.is_some() && c.grade.is_some(), "row {row}: {:?} without cause or grade", c.category);
            }
        }
        for s in &p.service {
            if let (Some(a), Some(b)) = (s.enlisted, s.discharged) {
                assert!(a <= b, "row {row}: discharged {b} before enlisted {a}");
            }
        }
        for text in [&p.ethnicity, &p.bank_name] {
            assert!(text.chars().count() <= MAX_CELL_CHARS, "row {row}: a cell over {MAX_CELL_CHARS} chars");
        }
    }
}
