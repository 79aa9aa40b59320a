//! Figures in words, the way county reports write them: 近2.3亿元, 660万元, 1000余万元, 10万余元,
//! 3万多人次, 140余次, 116名, 100%.
//!
//! **The rule.**
//!
//! *Unit*: 亿 from 100,000,000 up, 万 from 10,000 up, none below.
//!
//! *Exact* ([`Style::Exact`]): the value in that unit with at most two decimals (8万, 3.8亿, 574万,
//! 116); a value that needs more decimals in 万 or 亿 is written in full (12345).
//!
//! *About* ([`Style::About`]), in this order:
//! (0) a value of at most two significant figures is already round and written exactly (3.8亿,
//! 660万, 140);
//! (1) 近 — when rounding down (2) would drop more than a tenth of the value, and the value is
//! less than a two-significant-figure number and at least 99% of it, write 近 and that number:
//! 228,600,000 → 近2.3亿 (not 2亿余);
//! (2) otherwise round down: with 万 or 亿 keep the whole units when there are at most three digits
//! (12.3万 → 12万, 10.2万 → 10万), else two significant figures (1035万 → 1000万); without a unit,
//! to tens (143 → 140, 23 → 20), or to two significant figures from 1,000 up (5,432 → 5400); below
//! 10 nothing is rounded;
//! (3) 余 (or 多, as the sentence's source has it) marks what was dropped: after the unit (10万余元,
//! 3万多人次), before it when four or more digits stand before the unit (1000余万元), after the
//! number when there is no unit (140余次).
//!
//! *Percentages*: a share to one decimal, whole when exact (100%, 98.5%); nothing due reads "—".
//!
//! *Counts in words* ([`Style::Cn`]): rounds of an honour, times and kinds of things below ten are
//! written in Chinese numerals, as 公文 write them (连续四次, 九届, 六个工作机构); from ten up they are
//! statistics and take Arabic numerals (12届). Every other figure is a statistic: Arabic numerals,
//! rounded as above.
//!
//! The table test [`tests::sentences_of_county_reports`] holds sentences of published county
//! reports and the figure each one writes.

/// How a figure is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// Every digit that matters: 116名, 8万元, 574万元.
    Exact,
    /// Rounded the way reports round, with 近 or the given word for "more than".
    About(More),
    /// A count of rounds, times or kinds: Chinese numerals below ten (四次, 九届), else exact.
    Cn,
}

/// The word for "more than" after a rounded-down figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum More {
    /// 余: 140余次, 10万余元.
    Yu,
    /// 多: 3万多人次.
    Duo,
}

impl More {
    fn word(self) -> &'static str {
        match self {
            More::Yu => "余",
            More::Duo => "多",
        }
    }
}

const WAN: i64 = 10_000;
const YI: i64 = 100_000_000;

fn unit_of(v: i64) -> (i64, &'static str) {
    if v >= YI {
        (YI, "亿")
    } else if v >= WAN {
        (WAN, "万")
    } else {
        (1, "")
    }
}

fn digits(n: i64) -> u32 {
    n.max(1).ilog10() + 1
}

/// `n` in `unit`, with the decimals it needs (at most two are ever asked for).
fn scaled(n: i64, unit: i64) -> String {
    let whole = n / unit;
    let rest = n % unit;
    if rest == 0 {
        return whole.to_string();
    }
    // Two decimals, trailing zeros dropped.
    let hundredths = rest * 100 / unit;
    let s = format!("{whole}.{hundredths:02}");
    s.trim_end_matches('0').trim_end_matches('.').to_owned()
}

/// Whether `n` in `unit` needs at most two decimals.
fn clean_in(n: i64, unit: i64) -> bool {
    unit == 1 || n % (unit / 100) == 0
}

/// 0–9 in Chinese numerals: 四, 九.
pub fn chinese_numeral(n: i64) -> Option<&'static str> {
    const DIGITS: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    usize::try_from(n).ok().and_then(|i| DIGITS.get(i)).copied()
}

/// `value` of `measure` (元, 人次, 次, 户, 亩 … ; may be empty) written in `style`.
pub fn words(value: i64, measure: &str, style: Style) -> String {
    let v = value.max(0);
    let (unit, uname) = unit_of(v);
    match style {
        Style::Cn => match chinese_numeral(v) {
            Some(n) => format!("{n}{measure}"),
            None => words(v, measure, Style::Exact),
        },
        Style::Exact => {
            if clean_in(v, unit) {
                format!("{}{uname}{measure}", scaled(v, unit))
            } else {
                format!("{v}{measure}")
            }
        }
        Style::About(more) => {
            // 0. Two significant figures or fewer: already round, written exactly (3.8亿, 660万).
            if v < 100 && v % 10 == 0 || v >= 100 && v % 10i64.pow(digits(v) - 2) == 0 {
                return words(v, measure, Style::Exact);
            }
            // 2. Round down.
            let whole = v / unit;
            let floor = if unit > 1 {
                let k = digits(whole);
                if k <= 3 { whole * unit } else { v / (10i64.pow(k - 2) * unit) * (10i64.pow(k - 2) * unit) }
            } else if v < 10 {
                v
            } else {
                let k = digits(v);
                let mag = if k <= 3 { 10 } else { 10i64.pow(k - 2) };
                v / mag * mag
            };
            // 1. 近: rounding down would drop more than a tenth, and the value is just under a
            //    two-significant-figure number.
            if v >= 10 && (v - floor) * 10 > v {
                let mag = 10i64.pow(digits(v) - 2);
                let r = (v + mag - 1) / mag * mag;
                if r > v && v * 100 >= r * 99 {
                    let (ru, rname) = unit_of(r);
                    return format!("近{}{rname}{measure}", scaled(r, ru));
                }
            }
            // 3. Exact, or 余/多 in its place.
            if floor == v {
                return words(v, measure, Style::Exact);
            }
            let number = scaled(floor, unit);
            if unit > 1 && digits(floor / unit) >= 4 {
                format!("{number}{}{uname}{measure}", more.word())
            } else {
                format!("{number}{uname}{}{measure}", more.word())
            }
        }
    }
}

/// A share in percent: `percent(40, 40)` is `100%`, `percent(197, 200)` is `98.5%`; nothing due is "—".
pub fn percent(part: i64, whole: i64) -> String {
    if whole <= 0 {
        return "—".to_owned();
    }
    // In i128 so that `part * 1000` cannot overflow; the size rounded half up, then the sign put
    // back, so that a negative share reads like a positive one (-0.5%, not "0.-4%").
    let (p, w) = (i128::from(part), i128::from(whole));
    let tenths = (p.abs() * 1000 + w / 2) / w;
    let sign = if p < 0 && tenths > 0 { "-" } else { "" };
    if tenths % 10 == 0 { format!("{sign}{}%", tenths / 10) } else { format!("{sign}{}.{}%", tenths / 10, tenths % 10) }
}

#[cfg(test)]
mod tests {
    use super::*;

    const YU: Style = Style::About(More::Yu);
    const DUO: Style = Style::About(More::Duo);

    #[test]
    fn the_reports_figures() {
        let table: &[(i64, &str, Style, &str)] = &[
            // DEMO.md, in the words of the county's report
            (228_600_000, "元", YU, "近2.3亿元"),
            (6_600_000, "元", YU, "660万元"),
            (5_740_000, "元", Style::Exact, "574万元"),
            (380_000_000, "元", YU, "3.8亿元"),
            (10_350_000, "元", YU, "1000余万元"),
            (102_400, "元", YU, "10万余元"),
            (31_250, "人次", DUO, "3万多人次"),
            (123_456, "人", DUO, "12万多人"),
            (143, "次", YU, "140余次"),
            (23, "次", YU, "20余次"),
            (43, "户", YU, "40余户"),
            (52_340, "人次", YU, "5万余人次"),
            (81_200, "人", YU, "8万余人"),
            (203, "人", YU, "200余人"),
            (30_000, "亩", YU, "3万亩"),
            (500_000, "元", YU, "50万元"),
            // exact values are written exactly
            (116, "名", Style::Exact, "116名"),
            (80_000, "元", Style::Exact, "8万元"),
            (40, "名", Style::Exact, "40名"),
            (12_345, "人", Style::Exact, "12345人"),
            (120_000, "人", Style::Exact, "12万人"),
            (0, "次", YU, "0次"),
            (7, "次", YU, "7次"),
            (140, "次", YU, "140次"),
            (1_996, "人", YU, "1900余人"),
            (5_432, "人", YU, "5400余人"),
            (199_000_000, "元", YU, "近2亿元"),
            (250_000_000, "元", YU, "2.5亿元"),
            (1_234_000_000, "元", YU, "12亿余元"),
        ];
        for (v, m, style, want) in table {
            assert_eq!(words(*v, m, *style), *want, "{v} {m} {style:?}");
        }
    }

    /// Sentences of published county reports, and how each figure in them is written.
    #[test]
    fn sentences_of_county_reports() {
        let table: &[(&str, i64, &str, Style, &str)] = &[
            ("连续四次荣获“全国双拥模范县”称号", 4, "次", Style::Cn, "四次"),
            ("连续九届被评为全省双拥模范县", 9, "届", Style::Cn, "九届"),
            ("健全国防教育、军民共建等六个工作机构", 6, "个", Style::Cn, "六个"),
            ("连续12届被评为全省双拥模范县", 12, "届", Style::Cn, "12届"),
            ("投入国防公路建设资金近2.3亿元", 228_600_000, "元", YU, "近2.3亿元"),
            ("接待参观学习3万多人次", 31_250, "人次", DUO, "3万多人次"),
            ("组织群众疏散140余次", 143, "次", YU, "140余次"),
            ("疏散群众12万多人", 123_456, "人", DUO, "12万多人"),
            ("投入团结村等基础设施建设资金1000余万元", 10_460_000, "元", YU, "1000余万元"),
            ("走访慰问部队20余次", 23, "次", YU, "20余次"),
            ("为116名60周岁以上农村籍退役士兵落实老兵生活补助", 116, "名", Style::Exact, "116名"),
        ];
        for (sentence, v, measure, style, want) in table {
            let w = words(*v, measure, *style);
            assert_eq!(w, *want, "{sentence}");
            assert!(sentence.contains(&w), "{sentence} writes {w}");
        }
    }

    #[test]
    fn near_is_only_just_under() {
        // 2% under a round figure is not "near": it is rounded down instead.
        assert_eq!(words(225_400_000, "元", YU), "2亿余元");
        assert_eq!(words(229_000_000, "元", YU), "近2.3亿元");
        assert_eq!(words(147, "次", YU), "140余次");
        assert_eq!(words(149, "次", YU), "140余次");
        assert_eq!(words(81_200, "人", YU), "8万余人", "rounding down drops little: no 近");
    }

    #[test]
    fn percentages() {
        assert_eq!(percent(40, 40), "100%");
        assert_eq!(percent(197, 200), "98.5%");
        assert_eq!(percent(1, 3), "33.3%");
        assert_eq!(percent(0, 5), "0%");
        assert_eq!(percent(0, 0), "—");
    }

    /// Found by the `figures` fuzz target: a negative part read "0.-4%", and `part * 1000`
    /// overflowed from about 9.2e15 up.
    #[test]
    fn percentages_of_any_part() {
        assert_eq!(percent(-1, 200), "-0.5%");
        assert_eq!(percent(-40, 40), "-100%");
        assert_eq!(percent(-1, 10_000), "0%");
        assert_eq!(percent(i64::MAX, i64::MAX), "100%");
        assert_eq!(percent(i64::MAX / 2, i64::MAX), "50%");
        assert_eq!(percent(i64::MIN, 1), "-922337203685477580800%");
    }

    proptest::proptest! {
        #[test]
        fn about_never_overstates_except_near(v in 0i64..10_000_000_000) {
            let w = words(v, "", YU);
            proptest::prop_assert!(!w.is_empty());
            // A figure without 近 is never larger than the value.
            if !w.starts_with('近') {
                let digits: String = w.chars().filter(|c| c.is_ascii_digit() || *c == '.').collect();
                let n: f64 = digits.parse().unwrap();
                let scale = if w.contains('亿') { 1e8 } else if w.contains('万') { 1e4 } else { 1.0 };
                proptest::prop_assert!(n * scale <= v as f64 + 0.5, "{} for {}", w, v);
            }
        }
    }
}
