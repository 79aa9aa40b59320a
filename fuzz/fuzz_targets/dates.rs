//! The import's date reading: `parse_date` and `Period::parse` on any text, `from_excel_serial` on
//! any number. None panics; an accepted date is in range, reads back from its stored form and from
//! its 年月日 form, and consecutive serials are consecutive days.
#![no_main]

use chrono::{Datelike, Days, NaiveDate};
use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;
use shuangyong_domain::dates::{Period, Precision, from_excel_serial, parse_date};

#[derive(Debug, Arbitrary)]
struct Input<'a> {
    serial: f64,
    text: &'a str,
}

fuzz_target!(|input: Input<'_>| {
    text(input.text);
    serial(input.serial);
});

fn text(raw: &str) {
    let parsed = parse_date(raw);
    let period = Period::parse(raw);
    let Ok(p) = parsed else {
        assert!(!parsed.unwrap_err().to_string().is_empty());
        assert!(period.is_err());
        return;
    };
    let d = p.date;
    assert!((1800..=2099).contains(&d.year()), "{raw:?} → {d}");
    // The stored form and the Chinese form read back to the same date and precision.
    assert_eq!(parse_date(&p.to_string()), Ok(p), "{raw:?}");
    let chinese = match p.precision {
        Precision::Month => {
            assert_eq!(d.day(), 1, "{raw:?}: a month is its 1st day");
            format!("{}年{}月", d.year(), d.month())
        }
        Precision::Day => format!("{}年{}月{}日", d.year(), d.month(), d.day()),
    };
    assert_eq!(parse_date(&chinese), Ok(p), "{raw:?} as {chinese}");
    // A period is exactly a month-precision date.
    match (p.precision, period) {
        (Precision::Month, Ok(m)) => {
            assert_eq!(m, p.period());
            assert_eq!(m.first_day(), d);
            assert_eq!(Period::parse(&m.to_string()), Ok(m));
            assert_eq!(m.next().prev(), m);
            assert!(m.last_day() >= d);
        }
        (Precision::Day, Err(_)) => {}
        (precision, period) => panic!("{raw:?}: {precision:?} date but Period::parse gave {period:?}"),
    }
}

fn serial(x: f64) {
    let got = from_excel_serial(x);
    if !x.is_finite() {
        assert_eq!(got, None);
        return;
    }
    // The time of day does not matter.
    let day = x.floor();
    assert_eq!(got, from_excel_serial(day), "{x}");
    let Some(d) = got else { return };
    let first = NaiveDate::from_ymd_opt(1900, 1, 1).unwrap();
    assert!(d >= first && d <= NaiveDate::from_ymd_opt(9999, 12, 31).unwrap(), "{x} → {d}");
    // Serial 1 is 1900-01-01 and 61 is 1900-03-01 (60 is Excel's fictitious 1900-02-29).
    let offset = if day < 60.0 { day - 1.0 } else { day - 2.0 };
    assert_eq!(Some(d), first.checked_add_days(Days::new(offset as u64)), "{x}");
    if let Some(next) = from_excel_serial(day + 1.0) {
        assert_eq!(d.succ_opt(), Some(next), "{x}");
    }
}
