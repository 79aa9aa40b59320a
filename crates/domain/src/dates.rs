//! Dates as they appear in forms and old spreadsheets, Excel date serials, and payment periods
//! (months). Service records often know only the month (入伍 1975年3月), so a parsed date carries
//! its precision.

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, Days, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::width::to_half_width;

/// The written forms [`parse_date`] accepts, quoted in its error messages.
const FORMS: &str = "1975-03-05、1975.3.5、1975/03/05、1975年3月5日、19750305；只有年月时写 1975-03、1975.03、1975/3、1975年3月、197503";

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    #[error("日期不能为空，请填写如 1975-03-05 或 1975-03")]
    Empty,
    #[error("无法识别日期“{0}”，可用的写法：{forms}", forms = FORMS)]
    Unrecognised(String),
    #[error("日期“{0}”不存在（月份为1至12，日不能超过当月天数），请核对；可用的写法：{forms}", forms = FORMS)]
    Impossible(String),
    #[error("日期“{0}”的年份应在1800至2099之间，请核对")]
    Year(String),
    #[error("“{0}”应为年月（不含日），如 2024-08")]
    NotAMonth(String),
}

/// How much of a date was given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Precision {
    /// Only year and month; the date is the 1st of the month.
    Month,
    Day,
}

/// A date read from text, with its precision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ParsedDate {
    pub date: NaiveDate,
    pub precision: Precision,
}

impl ParsedDate {
    /// The month the date falls in.
    pub fn period(self) -> Period {
        Period::of(self.date)
    }
}

/// `1975-03` for a month, `1975-03-05` for a day: the form to store and show.
impl fmt::Display for ParsedDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.precision {
            Precision::Month => write!(f, "{}", self.date.format("%Y-%m")),
            Precision::Day => write!(f, "{}", self.date.format("%Y-%m-%d")),
        }
    }
}

/// Reads a date: `1975-03-05`, `1975.3.5`, `1975/03/05`, `1975年3月5日`, `19750305`, or a month
/// only (day 1, [`Precision::Month`]): `1975-03`, `1975.03`, `1975/3`, `1975年3月`, `197503`. Full-width digits and punctuation are folded and
/// white space ignored; the year must be 1800–2099 (the same bound as ID numbers).
pub fn parse_date(raw: &str) -> Result<ParsedDate, DateError> {
    let s: String = to_half_width(raw).chars().filter(|c| !c.is_whitespace()).collect();
    // The Chinese full stop is what an IME types for "." when not switched to English.
    let s = s.replace('。', ".");
    if s.is_empty() {
        return Err(DateError::Empty);
    }
    let shown = || raw.trim().to_owned();
    let parts = split_parts(&s).ok_or_else(|| DateError::Unrecognised(shown()))?;
    let widths_ok = parts[0].len() == 4 && parts[1..].iter().all(|p| (1..=2).contains(&p.len()));
    if !widths_ok || !parts.iter().all(|p| p.bytes().all(|b| b.is_ascii_digit())) {
        return Err(DateError::Unrecognised(shown()));
    }
    // Digits only and at most 4 long, so these parses cannot fail.
    let n: Vec<u32> = parts.iter().map(|p| p.parse().unwrap_or(0)).collect();
    let year = n[0] as i32;
    if !(1800..=2099).contains(&year) {
        return Err(DateError::Year(shown()));
    }
    let (day, precision) = if n.len() == 3 { (n[2], Precision::Day) } else { (1, Precision::Month) };
    let date = NaiveDate::from_ymd_opt(year, n[1], day).ok_or_else(|| DateError::Impossible(shown()))?;
    Ok(ParsedDate { date, precision })
}

/// Splits a cleaned date into year, month and maybe day text, by its form; `None` if no form fits.
fn split_parts(s: &str) -> Option<Vec<&str>> {
    if s.bytes().all(|b| b.is_ascii_digit()) {
        return match s.len() {
            6 => Some(vec![&s[..4], &s[4..]]),
            8 => Some(vec![&s[..4], &s[4..6], &s[6..]]),
            _ => None,
        };
    }
    if let Some((year, rest)) = s.split_once('年') {
        let (month, rest) = rest.split_once('月')?;
        if rest.is_empty() {
            return Some(vec![year, month]);
        }
        let day = rest.strip_suffix('日').or_else(|| rest.strip_suffix('号'))?;
        return Some(vec![year, month, day]);
    }
    // One separator, used throughout: `1975-03/05` is refused.
    let sep = s.chars().find(|c| matches!(c, '-' | '.' | '/'))?;
    let parts: Vec<&str> = s.split(sep).collect();
    (2..=3).contains(&parts.len()).then_some(parts)
}

/// The date of an Excel serial in the 1900 date system (what `.xlsx` cells hold): 1 is 1900-01-01;
/// 60 is Excel's fictitious 1900-02-29 and gives `None`, as do serials below 1, past 9999-12-31, or
/// not finite. A time of day (the fraction) is dropped.
pub fn from_excel_serial(serial: f64) -> Option<NaiveDate> {
    if !serial.is_finite() {
        return None;
    }
    let day = serial.floor();
    if !(1.0..=2_958_465.0).contains(&day) || day == 60.0 {
        return None;
    }
    // Before the fictitious leap day serials count from 1899-12-31, after it from 1899-12-30.
    let base = if day < 60.0 { (1899, 12, 31) } else { (1899, 12, 30) };
    NaiveDate::from_ymd_opt(base.0, base.1, base.2)?.checked_add_days(Days::new(day as u64))
}

/// A calendar month: the unit of payment rolls, standards and back-pay.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Period {
    // Field order matters: the derived `Ord` compares year first.
    year: i32,
    month: u32,
}

impl Period {
    /// `None` unless month is 1–12 and the year 1–9999.
    pub fn new(year: i32, month: u32) -> Option<Period> {
        ((1..=9999).contains(&year) && (1..=12).contains(&month)).then_some(Period { year, month })
    }

    /// The month `date` falls in.
    pub fn of(date: NaiveDate) -> Period {
        Period { year: date.year(), month: date.month() }
    }

    /// Reads `2024-08` (and the other month-only forms of [`parse_date`], e.g. `2024年8月`).
    pub fn parse(raw: &str) -> Result<Period, DateError> {
        let parsed = parse_date(raw)?;
        if parsed.precision != Precision::Month {
            return Err(DateError::NotAMonth(raw.trim().to_owned()));
        }
        Ok(parsed.period())
    }

    pub fn year(self) -> i32 {
        self.year
    }

    pub fn month(self) -> u32 {
        self.month
    }

    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, 1).expect("a period is a valid month")
    }

    pub fn last_day(self) -> NaiveDate {
        self.next().first_day().pred_opt().expect("a period is a valid month")
    }

    pub fn next(self) -> Period {
        self.add_months(1)
    }

    pub fn prev(self) -> Period {
        self.add_months(-1)
    }

    /// The period `n` months later (earlier if negative), e.g. six months of funeral aid.
    pub fn add_months(self, n: i32) -> Period {
        let index = self.index() + n;
        Period { year: index.div_euclid(12), month: index.rem_euclid(12) as u32 + 1 }
    }

    /// How many months from `self` to `other`: 2024-08 → 2024-12 is 4, and negative backwards.
    pub fn months_until(self, other: Period) -> i32 {
        other.index() - self.index()
    }

    /// Months since year 0, for arithmetic.
    fn index(self) -> i32 {
        self.year * 12 + self.month as i32 - 1
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl FromStr for Period {
    type Err = DateError;
    fn from_str(s: &str) -> Result<Self, DateError> {
        Period::parse(s)
    }
}

impl Serialize for Period {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Period {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Period::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn period(y: i32, m: u32) -> Period {
        Period::new(y, m).unwrap()
    }

    #[test]
    fn reads_every_accepted_form() {
        let month = ParsedDate { date: date(1975, 3, 1), precision: Precision::Month };
        let day = ParsedDate { date: date(1975, 3, 5), precision: Precision::Day };
        for (raw, want) in [
            ("1975-03", month),
            ("1975.03", month),
            ("1975/3", month),
            ("1975-3", month),
            ("1975年3月", month),
            ("1975年03月", month),
            ("197503", month),
            ("1975-03-05", day),
            ("1975.3.5", day),
            ("1975/03/05", day),
            ("1975年3月5日", day),
            ("1975年03月05日", day),
            ("1975年3月5号", day),
            ("19750305", day),
            ("  1975-03-05\t", day),
            ("\u{3000}1975年3月\u{3000}", month),
            ("１９７５－０３－０５", day),
            ("１９７５．３．５", day),
            ("１９７５／０３", month),
            ("１９７５年３月５日", day),
            ("1975。3。5", day),
            ("1975 年 3 月 5 日", day),
        ] {
            assert_eq!(parse_date(raw), Ok(want), "{raw:?}");
        }
        assert_eq!(parse_date("1975年3月").unwrap().to_string(), "1975-03");
        assert_eq!(parse_date("1975.3.5").unwrap().to_string(), "1975-03-05");
    }

    #[test]
    fn refuses_with_a_message_naming_the_value() {
        for (raw, want) in [
            ("", DateError::Empty),
            ("  ", DateError::Empty),
            ("1975-02-30", DateError::Impossible("1975-02-30".into())),
            ("1975-13", DateError::Impossible("1975-13".into())),
            ("197513", DateError::Impossible("197513".into())),
            ("1975-00-10", DateError::Impossible("1975-00-10".into())),
            ("19750230", DateError::Impossible("19750230".into())),
            ("1975年2月29日", DateError::Impossible("1975年2月29日".into())),
            ("1975", DateError::Unrecognised("1975".into())),
            ("75-03-05", DateError::Unrecognised("75-03-05".into())),
            ("1975-003-05", DateError::Unrecognised("1975-003-05".into())),
            ("1975-03/05", DateError::Unrecognised("1975-03/05".into())),
            ("1975-03-05-01", DateError::Unrecognised("1975-03-05-01".into())),
            ("1975年3", DateError::Unrecognised("1975年3".into())),
            ("1975年3月5", DateError::Unrecognised("1975年3月5".into())),
            ("三月", DateError::Unrecognised("三月".into())),
            ("1975-a-05", DateError::Unrecognised("1975-a-05".into())),
            ("1975--05", DateError::Unrecognised("1975--05".into())),
            ("1799-12-31", DateError::Year("1799-12-31".into())),
            ("2100-01", DateError::Year("2100-01".into())),
        ] {
            assert_eq!(parse_date(raw), Err(want), "{raw:?}");
        }
        let e = parse_date("1975-02-30").unwrap_err().to_string();
        assert_eq!(
            e,
            "日期“1975-02-30”不存在（月份为1至12，日不能超过当月天数），请核对；可用的写法：1975-03-05、1975.3.5、\
             1975/03/05、1975年3月5日、19750305；只有年月时写 1975-03、1975.03、1975/3、1975年3月、197503"
        );
        let e = parse_date("明天").unwrap_err().to_string();
        assert!(e.starts_with("无法识别日期“明天”，可用的写法：1975-03-05"), "{e}");
        assert_eq!(parse_date("1700-01").unwrap_err().to_string(), "日期“1700-01”的年份应在1800至2099之间，请核对");
    }

    #[test]
    fn excel_serials() {
        for (serial, want) in [
            (1.0, Some(date(1900, 1, 1))),
            (1.75, Some(date(1900, 1, 1))),
            (59.0, Some(date(1900, 2, 28))),
            (60.0, None),
            (60.5, None),
            (61.0, Some(date(1900, 3, 1))),
            (27456.0, Some(date(1975, 3, 3))),
            (45292.0, Some(date(2024, 1, 1))),
            (45505.999, Some(date(2024, 8, 1))),
            (2_958_465.0, Some(date(9999, 12, 31))),
            (2_958_466.0, None),
            (0.0, None),
            (0.5, None),
            (-1.0, None),
            (f64::NAN, None),
            (f64::INFINITY, None),
        ] {
            assert_eq!(from_excel_serial(serial), want, "{serial}");
        }
    }

    #[test]
    fn periods() {
        let p = Period::parse("2024-08").unwrap();
        assert_eq!((p.year(), p.month()), (2024, 8));
        assert_eq!(p.to_string(), "2024-08");
        assert_eq!(p.first_day(), date(2024, 8, 1));
        assert_eq!(p.last_day(), date(2024, 8, 31));
        assert_eq!(period(2024, 2).last_day(), date(2024, 2, 29));
        assert_eq!(p.next(), period(2024, 9));
        assert_eq!(p.prev(), period(2024, 7));
        assert_eq!(period(2024, 12).next(), period(2025, 1));
        assert_eq!(period(2025, 1).prev(), period(2024, 12));
        assert_eq!(p.add_months(6), period(2025, 2));
        assert_eq!(p.add_months(-20), period(2022, 12));
        assert_eq!(p.months_until(period(2024, 12)), 4);
        assert_eq!(p.months_until(period(2023, 8)), -12);
        assert_eq!(p.months_until(p), 0);
        assert!(period(2023, 12) < period(2024, 1));
        assert!(period(2024, 2) < period(2024, 10));
        assert_eq!(Period::of(date(2024, 8, 31)), p);
        assert_eq!(Period::parse("2024年8月"), Ok(p));
        assert_eq!("2024-08".parse::<Period>(), Ok(p));
        assert_eq!(Period::parse("2024-08-01"), Err(DateError::NotAMonth("2024-08-01".into())));
        assert_eq!(Period::parse("2024-08-01").unwrap_err().to_string(), "“2024-08-01”应为年月（不含日），如 2024-08");
        assert!(Period::parse("2024-13").is_err());
        assert_eq!(Period::new(2024, 0), None);
        assert_eq!(Period::new(2024, 13), None);
        assert_eq!(Period::new(0, 1), None);
    }

    #[test]
    fn period_serde_is_the_string() {
        let p = period(2024, 8);
        assert_eq!(serde_json::to_string(&p).unwrap(), "\"2024-08\"");
        assert_eq!(serde_json::from_str::<Period>("\"2024-08\"").unwrap(), p);
        assert!(serde_json::from_str::<Period>("\"2024-8-1\"").is_err());
    }

    proptest! {
        #[test]
        fn formatted_dates_parse_back(d in 0i64..=(date(2099, 12, 31) - date(1800, 1, 1)).num_days()) {
            let day = date(1800, 1, 1) + Days::new(d as u64);
            for fmt in ["%Y-%m-%d", "%Y.%-m.%-d", "%Y/%m/%d", "%Y年%-m月%-d日", "%Y%m%d"] {
                let text = day.format(fmt).to_string();
                prop_assert_eq!(parse_date(&text), Ok(ParsedDate { date: day, precision: Precision::Day }), "{}", text);
            }
            for fmt in ["%Y-%m", "%Y.%m", "%Y/%-m", "%Y年%-m月", "%Y%m"] {
                let text = day.format(fmt).to_string();
                let want = ParsedDate { date: day.with_day(1).unwrap(), precision: Precision::Month };
                prop_assert_eq!(parse_date(&text), Ok(want), "{}", text);
            }
        }

        #[test]
        fn period_arithmetic_agrees(y in 1900i32..2100, m in 1u32..=12, n in -600i32..600) {
            let p = period(y, m);
            let q = p.add_months(n);
            prop_assert_eq!(p.months_until(q), n);
            prop_assert_eq!(q.add_months(-n), p);
            prop_assert_eq!(p.next().prev(), p);
            prop_assert_eq!(p < q, n > 0);
            prop_assert_eq!(Period::of(q.first_day()), q);
            prop_assert_eq!(q.last_day().succ_opt().map(Period::of), Some(q.next()));
        }

        #[test]
        fn excel_serials_are_consecutive_days(s in 61u32..2_958_465) {
            let a = from_excel_serial(f64::from(s)).unwrap();
            prop_assert_eq!(from_excel_serial(f64::from(s + 1)), a.succ_opt());
        }
    }
}
