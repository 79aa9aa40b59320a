//! Figure wording: `figures::words` for any value, measure and style, and `figures::percent` for any
//! part and whole. Neither panics; the words are a well-formed figure followed by the measure, and the
//! figure they state is the value (exact), at most the value (余/多), or just above it (近).
#![no_main]

use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;
use shuangyong_domain::figures::{More, Style, percent, words};

#[derive(Debug, Arbitrary)]
enum StyleIn {
    Exact,
    Yu,
    Duo,
    Cn,
}

#[derive(Debug, Arbitrary)]
struct Input {
    value: i64,
    style: StyleIn,
    part: i64,
    whole: i64,
    measure: String,
}

fuzz_target!(|input: Input| {
    let style = match input.style {
        StyleIn::Exact => Style::Exact,
        StyleIn::Yu => Style::About(More::Yu),
        StyleIn::Duo => Style::About(More::Duo),
        StyleIn::Cn => Style::Cn,
    };
    check_words(input.value, &input.measure, style);
    check_percent(input.part, input.whole);
});

fn check_words(value: i64, measure: &str, style: Style) {
    let w = words(value, measure, style);
    assert!(!w.is_empty());
    let figure = w.strip_suffix(measure).unwrap_or_else(|| panic!("{w:?} does not end in {measure:?}"));
    if style == Style::Cn && value < 10 {
        // Below ten, one Chinese numeral: the value's (below zero, zero's).
        let cn = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
        assert_eq!(figure, cn[value.max(0) as usize], "{value} → {w:?}");
        return;
    }
    // From ten up a count in words is written exactly.
    let style = if style == Style::Cn { Style::Exact } else { style };
    let v = i128::from(value.max(0));
    let read = read_figure(figure).unwrap_or_else(|| panic!("{value} {style:?}: {figure:?} is not a figure"));
    match (style, read.mark) {
        (Style::Exact, Mark::None) => assert_eq!(read.value, v, "{value} → {w:?}"),
        (Style::About(_), Mark::None) => assert_eq!(read.value, v, "{value} → {w:?}"),
        (Style::About(more), Mark::More(m)) => {
            assert_eq!(m, more, "{value} → {w:?}");
            assert!(read.value < v, "{value} → {w:?}");
        }
        (Style::About(_), Mark::Near) => {
            assert!(read.value > v && v * 100 >= read.value * 99, "{value} → {w:?}");
        }
        (Style::Exact | Style::Cn, mark) => panic!("{value} exact → {w:?} ({mark:?})"),
    }
}

#[derive(Debug)]
enum Mark {
    None,
    Near,
    More(More),
}

struct Figure {
    value: i128,
    mark: Mark,
}

/// Reads `[近]digits[.d[d]][余|多][万|亿][余|多]` back into a number (a unit only after a number,
/// one mark at most, decimals only with a unit).
fn read_figure(s: &str) -> Option<Figure> {
    let (near, s) = match s.strip_prefix('近') {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    let end = s.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(s.len());
    let (number, mut rest) = s.split_at(end);
    let mut more = None;
    let mut take_more = |rest: &mut &str| {
        for (c, m) in [('余', More::Yu), ('多', More::Duo)] {
            if let Some(r) = rest.strip_prefix(c) {
                if more.is_some() {
                    return false;
                }
                more = Some(m);
                *rest = r;
            }
        }
        true
    };
    if !take_more(&mut rest) {
        return None;
    }
    let unit: i128 = if let Some(r) = rest.strip_prefix('亿') {
        rest = r;
        100_000_000
    } else if let Some(r) = rest.strip_prefix('万') {
        rest = r;
        10_000
    } else {
        1
    };
    if !take_more(&mut rest) || !rest.is_empty() {
        return None;
    }
    let (whole, frac) = number.split_once('.').unwrap_or((number, ""));
    let digits_ok = |d: &str| d.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() || !digits_ok(whole) || !digits_ok(frac) || frac.len() > 2 {
        return None;
    }
    if (whole.len() > 1 && whole.starts_with('0')) || frac.ends_with('0') || (!frac.is_empty() && unit == 1) {
        return None;
    }
    let hundredths: i128 = format!("{frac:0<2}").parse().ok()?;
    let value = whole.parse::<i128>().ok()? * unit + hundredths * unit / 100;
    let mark = match (near, more) {
        (false, None) => Mark::None,
        (true, None) => Mark::Near,
        (false, Some(m)) => Mark::More(m),
        (true, Some(_)) => return None,
    };
    Some(Figure { value, mark })
}

fn check_percent(part: i64, whole: i64) {
    let p = percent(part, whole);
    if whole <= 0 {
        assert_eq!(p, "—");
        return;
    }
    let number = p.strip_suffix('%').unwrap_or_else(|| panic!("{part}/{whole} → {p:?}"));
    let unsigned = number.strip_prefix('-').unwrap_or(number);
    let (int, tenth) = unsigned.split_once('.').unwrap_or((unsigned, ""));
    let ok = !int.is_empty()
        && int.bytes().all(|b| b.is_ascii_digit())
        && (tenth.is_empty() || (tenth.len() == 1 && tenth != "0" && tenth.bytes().all(|b| b.is_ascii_digit())));
    assert!(ok, "{part}/{whole} → {p:?}");
    // Within half a tenth of a percent of the true share.
    let tenths: i128 = format!("{int}{}", if tenth.is_empty() { "0" } else { tenth }).parse().unwrap();
    let tenths = if number.starts_with('-') { -tenths } else { tenths };
    let (part, whole) = (i128::from(part), i128::from(whole));
    let diff = (tenths * whole - part * 1000).abs();
    assert!(diff * 2 <= whole, "{part}/{whole} → {p:?}");
}
