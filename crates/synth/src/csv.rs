//! The people as the registry's import file: UTF-8 CSV, header first.

use std::fmt::Write as _;
use std::io::{self, BufWriter, Write};

use chrono::{Datelike, NaiveDate};

use crate::generator::{Generator, SynthPerson};

/// The import template header, in this order (the same columns as the store's import template).
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

/// Writes `n` people as the import CSV (UTF-8 without BOM, header first, `\n` line ends) to `w`;
/// returns rows written. Dates as `YYYY-MM`; categories joined with `、`; grade as e.g. `六级`;
/// cause `因战`/`因公`/`因病`; status `正常` etc.; sex `男`/`女` matching the ID; 享受待遇 the
/// programs' names joined with `、` (empty for [`crate::Mix::County`]).
/// Output is buffered here, so `w` may be a bare file.
pub fn write_csv<W: Write>(generator: &mut Generator, n: usize, w: W) -> io::Result<usize> {
    let mut out = BufWriter::with_capacity(1 << 16, w);
    out.write_all(HEADERS.join(",").as_bytes())?;
    out.write_all(b"\n")?;
    let mut line = String::with_capacity(256);
    for _ in 0..n {
        line.clear();
        push_row(&mut line, &generator.person());
        out.write_all(line.as_bytes())?;
    }
    out.flush()?;
    Ok(n)
}

/// One row, `\n` included.
fn push_row(line: &mut String, p: &SynthPerson) {
    push_field(line, &p.name);
    for cell in [p.id_number.as_str(), p.id_number.sex().label(), p.ethnicity, p.registration.label()] {
        line.push(',');
        line.push_str(cell);
    }
    line.push(',');
    push_field(line, &p.unit);
    line.push(',');
    for (i, c) in p.categories.iter().enumerate() {
        if i > 0 {
            line.push('、');
        }
        line.push_str(c.label());
    }
    line.push(',');
    push_month(line, p.enlisted);
    line.push(',');
    push_month(line, p.discharged);
    let mut programs = String::new();
    for (i, k) in p.programs.iter().enumerate() {
        if i > 0 {
            programs.push('、');
        }
        programs.push_str(k.label());
    }
    for cell in [
        p.cause.map_or("", |c| c.label()),
        p.grade.map_or("", |g| g.label()),
        p.phone.as_deref().unwrap_or(""),
        p.bank_account.as_deref().unwrap_or(""),
        p.bank_name,
        &programs,
        p.status.label(),
    ] {
        line.push(',');
        line.push_str(cell);
    }
    line.push('\n');
}

fn push_month(line: &mut String, date: Option<NaiveDate>) {
    if let Some(d) = date {
        write!(line, "{:04}-{:02}", d.year(), d.month()).expect("writing to a String cannot fail");
    }
}

/// A free-text cell, quoted when it holds a comma, a quote or a line break (RFC 4180).
fn push_field(line: &mut String, text: &str) {
    if text.contains([',', '"', '\n', '\r']) {
        line.push('"');
        line.push_str(&text.replace('"', "\"\""));
        line.push('"');
    } else {
        line.push_str(text);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_only_what_needs_it() {
        for (raw, want) in [
            ("岚漪镇", "岚漪镇"),
            ("140929/01", "140929/01"),
            ("甲,乙", "\"甲,乙\""),
            ("说\"好\"", "\"说\"\"好\"\"\""),
            ("一\n二", "\"一\n二\""),
        ] {
            let mut s = String::new();
            push_field(&mut s, raw);
            assert_eq!(s, want, "{raw:?}");
        }
    }

    #[test]
    fn writes_header_and_rows() {
        let mut g = Generator::new(1, vec!["140929".into()], vec!["团城村,岚漪镇".into()]);
        let mut out = Vec::new();
        assert_eq!(write_csv(&mut g, 3, &mut out).unwrap(), 3);
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 4);
        assert_eq!(
            lines[0],
            "姓名,身份证号,性别,民族,户籍性质,所属单位,人员类别,入伍时间,退役时间,伤残性质,伤残等级,联系电话,银行账号,开户银行,享受待遇,状态"
        );
        for row in &lines[1..] {
            // 15 separators outside the one quoted unit.
            assert!(row.contains(",\"团城村,岚漪镇\","), "{row}");
            assert_eq!(row.replace("\"团城村,岚漪镇\"", "").matches(',').count(), 15, "{row}");
        }
    }

    #[test]
    fn writes_nothing_but_the_header_for_zero() {
        let mut g = Generator::new(1, vec!["140929".into()], vec!["岚漪镇".into()]);
        let mut out = Vec::new();
        assert_eq!(write_csv(&mut g, 0, &mut out).unwrap(), 0);
        assert_eq!(out.iter().filter(|&&b| b == b'\n').count(), 1);
    }
}
