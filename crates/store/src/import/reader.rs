//! Reads an uploaded table — CSV (UTF-8 or GBK/GB18030, detected) or XLSX — into header and rows
//! of cells. What cannot be read at all is a [`FileError`]; what is odd about a cell (a formula, a
//! number where text belongs) is kept on the cell for the row parser to report.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};

/// The longest cell accepted; longer ones are reported, not stored.
pub const MAX_CELL_CHARS: usize = 500;

#[derive(Debug, Clone, PartialEq)]
pub enum CellKind {
    Text,
    /// A number cell of a spreadsheet (digits may have been lost to floating point).
    Number,
    /// A date cell of a spreadsheet, already turned into `YYYY-MM-DD`.
    Date,
    /// A formula: never evaluated, always refused.
    Formula,
    /// A spreadsheet error value (#N/A, #REF!, …).
    Error,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    pub text: String,
    pub kind: CellKind,
}

impl Cell {
    pub fn text(s: impl Into<String>) -> Cell {
        Cell { text: s.into(), kind: CellKind::Text }
    }
}

#[derive(Debug, Clone)]
pub struct Row {
    /// The row number as the user sees it in the file (the header is row 1).
    pub number: usize,
    pub cells: Vec<Cell>,
}

#[derive(Debug, Clone)]
pub struct Table {
    pub headers: Vec<String>,
    pub rows: Vec<Row>,
}

/// Why a file cannot be read at all. Messages say what to do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FileError {
    #[error("文件是空的，请选择填好数据的文件")]
    Empty,
    #[error("这是旧版 Excel（.xls）文件，请在 Excel 中“另存为” .xlsx 或 CSV 后再导入")]
    OldExcel,
    #[error("无法读取这个 Excel 文件（{0}）：文件可能已损坏或没有传完整，请重新保存后再试")]
    BadXlsx(String),
    #[error("文件编码无法识别：请在 Excel 中另存为“CSV UTF-8”或 .xlsx 后再导入")]
    Encoding,
    #[error("第{row}行无法按 CSV 读取（{reason}）：请检查引号是否成对，或另存为 .xlsx 后再导入")]
    BadCsv { row: usize, reason: String },
    #[error("文件里没有表头行：第一行应为“姓名,身份证号,…”，请下载导入模板对照")]
    NoHeader,
}

/// Reads a whole file; the kind is told by its content, not its name.
pub fn read_table(bytes: &[u8]) -> Result<Table, FileError> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(FileError::Empty);
    }
    if bytes.starts_with(b"PK\x03\x04") {
        return read_xlsx(bytes);
    }
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return Err(FileError::OldExcel);
    }
    read_csv(&decode(bytes)?)
}

/// UTF-8 (with or without BOM), else GB18030 (a superset of GBK, what Chinese Excel writes).
pub fn decode(bytes: &[u8]) -> Result<String, FileError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if let Ok(s) = std::str::from_utf8(bytes) {
        return Ok(s.to_owned());
    }
    let (text, _, had_errors) = encoding_rs::GB18030.decode(bytes);
    if had_errors || text.contains('\0') {
        return Err(FileError::Encoding);
    }
    Ok(text.into_owned())
}

fn clean_header(h: &str) -> String {
    shuangyong_domain::width::to_half_width(h).trim().trim_matches('\u{feff}').replace([' ', '\u{3000}'], "")
}

fn read_csv(text: &str) -> Result<Table, FileError> {
    let mut rdr = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    let mut headers = None;
    let mut rows = Vec::new();
    let bytes = text.as_bytes();
    let (mut line, mut counted_to) = (1usize, 0usize);
    for (i, rec) in rdr.records().enumerate() {
        let rec = rec.map_err(|e| FileError::BadCsv {
            row: e.position().map(|p| p.line() as usize).unwrap_or(i + 1),
            reason: csv_reason(&e),
        })?;
        // The line the record starts on: the reader skips blank lines, so count them here from
        // the record's byte offset.
        let mut start = rec.position().map(|p| p.byte() as usize).unwrap_or(counted_to).min(bytes.len());
        while start < bytes.len() && (bytes[start] == b'\n' || bytes[start] == b'\r') {
            start += 1;
        }
        line += line_breaks(bytes, counted_to, start);
        counted_to = start;
        let number = line;
        if headers.is_none() {
            let hs: Vec<String> = rec.iter().map(clean_header).collect();
            if hs.iter().all(|h| h.is_empty()) {
                continue;
            }
            headers = Some(hs);
            continue;
        }
        let cells: Vec<Cell> = rec
            .iter()
            .map(|c| {
                let kind = if c.trim_start().starts_with('=') { CellKind::Formula } else { CellKind::Text };
                Cell { text: c.to_owned(), kind }
            })
            .collect();
        if cells.iter().all(|c| c.text.trim().is_empty()) {
            continue;
        }
        rows.push(Row { number, cells });
    }
    Ok(Table { headers: headers.ok_or(FileError::NoHeader)?, rows })
}

/// The line breaks in `bytes[from..to]`: `\n`, `\r\n` and a lone `\r` (old Mac Excel's "CSV
/// (Macintosh)"), each one line, as the CSV reader ends records on all three.
fn line_breaks(bytes: &[u8], from: usize, to: usize) -> usize {
    (from..to).filter(|&i| bytes[i] == b'\n' || (bytes[i] == b'\r' && bytes.get(i + 1) != Some(&b'\n'))).count()
}

fn csv_reason(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::Utf8 { .. } => "含有无法识别的字符".into(),
        _ => "格式错误".into(),
    }
}

fn read_xlsx(bytes: &[u8]) -> Result<Table, FileError> {
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(|e| FileError::BadXlsx(short(&e.to_string())))?;
    let name = wb.sheet_names().first().cloned().ok_or_else(|| FileError::BadXlsx("没有工作表".into()))?;
    let range = wb.worksheet_range(&name).map_err(|e| FileError::BadXlsx(short(&e.to_string())))?;
    let formulas = wb.worksheet_formula(&name).ok();
    let (row0, col0) = range.start().unwrap_or((0, 0));
    let mut headers = None;
    let mut rows = Vec::new();
    for (i, r) in range.rows().enumerate() {
        let number = row0 as usize + i + 1;
        let mut cells: Vec<Cell> = r.iter().map(to_cell).collect();
        if let Some(f) = &formulas {
            for (j, cell) in cells.iter_mut().enumerate() {
                let (fr, fc) = (row0 + i as u32, col0 + j as u32);
                if let Some(formula) = f.get_value((fr, fc)).filter(|s| !s.is_empty()) {
                    *cell = Cell { text: format!("={formula}"), kind: CellKind::Formula };
                }
            }
        }
        // Columns before the used range's start are empty.
        let mut padded = vec![Cell::text(""); col0 as usize];
        padded.append(&mut cells);
        if headers.is_none() {
            let hs: Vec<String> = padded.iter().map(|c| clean_header(&c.text)).collect();
            if hs.iter().all(|h| h.is_empty()) {
                continue;
            }
            headers = Some(hs);
            continue;
        }
        if padded.iter().all(|c| c.text.trim().is_empty()) {
            continue;
        }
        rows.push(Row { number, cells: padded });
    }
    Ok(Table { headers: headers.ok_or(FileError::NoHeader)?, rows })
}

fn short(s: &str) -> String {
    s.chars().take(80).collect()
}

fn to_cell(d: &Data) -> Cell {
    match d {
        Data::Empty => Cell::text(""),
        Data::String(s) => Cell::text(s.clone()),
        Data::Int(i) => Cell { text: i.to_string(), kind: CellKind::Number },
        Data::Float(f) => {
            let text = if f.fract() == 0.0 && f.abs() < 1e15 { format!("{}", *f as i64) } else { f.to_string() };
            Cell { text, kind: CellKind::Number }
        }
        Data::Bool(b) => Cell::text(if *b { "是" } else { "否" }),
        Data::DateTime(dt) => match shuangyong_domain::dates::from_excel_serial(dt.as_f64()) {
            Some(d) => Cell { text: d.format("%Y-%m-%d").to_string(), kind: CellKind::Date },
            None => Cell { text: dt.as_f64().to_string(), kind: CellKind::Number },
        },
        Data::DateTimeIso(s) => Cell { text: s.chars().take(10).collect(), kind: CellKind::Date },
        Data::DurationIso(s) => Cell::text(s.clone()),
        Data::Error(e) => Cell { text: format!("{e:?}"), kind: CellKind::Error },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_in_utf8_with_bom_and_in_gbk() {
        let t = read_table("\u{feff}姓名,身份证号\n张三,110105194912310029\n".as_bytes()).unwrap();
        assert_eq!(t.headers, ["姓名", "身份证号"]);
        assert_eq!(t.rows[0].cells[0].text, "张三");
        assert_eq!(t.rows[0].number, 2);
        let (gbk, _, _) = encoding_rs::GBK.encode("姓名,所属单位\n李四,岚漪镇\n");
        let t = read_table(&gbk).unwrap();
        assert_eq!(t.headers, ["姓名", "所属单位"]);
        assert_eq!(t.rows[0].cells[1].text, "岚漪镇");
    }

    #[test]
    fn blank_lines_are_skipped_and_row_numbers_kept() {
        let t = read_table("\n姓名\n\n张三\n,\n李四\n".as_bytes()).unwrap();
        let numbers: Vec<usize> = t.rows.iter().map(|r| r.number).collect();
        assert_eq!(numbers, [4, 6]);
    }

    /// Found by the `import_rows` fuzz target: with CR-only line ends every row was "row 1".
    #[test]
    fn row_numbers_with_any_line_ends() {
        for file in ["姓名\r张三\r\r李四\r", "姓名\r\n张三\r\n\r\n李四\r\n", "姓名\n张三\n\n李四"] {
            let t = read_table(file.as_bytes()).unwrap();
            let numbers: Vec<usize> = t.rows.iter().map(|r| r.number).collect();
            assert_eq!(numbers, [2, 4], "{file:?}");
        }
        // A line break inside quotes is a line of the file too.
        let t = read_table("姓名,备注\r张三,\"甲\r乙\"\r李四,\r".as_bytes()).unwrap();
        let numbers: Vec<usize> = t.rows.iter().map(|r| r.number).collect();
        assert_eq!(numbers, [2, 4]);
    }

    #[test]
    fn formulas_are_marked() {
        let t = read_table("姓名\n=HYPERLINK(\"x\")\n".as_bytes()).unwrap();
        assert_eq!(t.rows[0].cells[0].kind, CellKind::Formula);
    }

    #[test]
    fn files_that_cannot_be_read_say_so() {
        assert_eq!(read_table(b"").unwrap_err(), FileError::Empty);
        assert_eq!(read_table(b"  \n").unwrap_err(), FileError::Empty);
        assert_eq!(read_table(&[0xD0, 0xCF, 0x11, 0xE0, 0, 0]).unwrap_err(), FileError::OldExcel);
        assert!(matches!(read_table(b"PK\x03\x04garbage").unwrap_err(), FileError::BadXlsx(_)));
        assert_eq!(read_table(&[0x80, 0x00, 0x41, 0x00, 0xff]).unwrap_err(), FileError::Encoding);
    }
}
