//! Money is integer fen (分). This module writes and reads amounts in 元 and splits an annual amount
//! into monthly payments.
//!
//! **The monthly rounding rule.** An annual amount `A` (fen) is paid in calendar month `k` (1–12) as
//! `⌊A/12⌋`, plus one fen in the first `A mod 12` months of the year (January first). So the twelve
//! months of a year always sum to exactly `A`, no month differs from another by more than one fen,
//! and a higher annual amount never gives a lower month. The same formula is used by the payment
//! cycle (in SQL: `A / 12 + CASE WHEN k <= A % 12 THEN 1 ELSE 0 END`) and by back-pay.

use std::fmt;

/// The payment for calendar month `month` (1–12) of an annual amount, by the rule above.
pub fn monthly_share(annual_fen: i64, month: u32) -> i64 {
    debug_assert!((1..=12).contains(&month), "month {month}");
    let k = i64::from(month.clamp(1, 12));
    annual_fen / 12 + i64::from(k <= annual_fen % 12)
}

/// `288000` → `2880.00`; negative amounts get a leading minus sign.
pub fn yuan(fen: i64) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    let abs = fen.unsigned_abs();
    format!("{sign}{}.{:02}", abs / 100, abs % 100)
}

/// `288000` → `2,880.00`: for tables and bank files read by people.
pub fn yuan_grouped(fen: i64) -> String {
    let plain = yuan(fen);
    let (sign, rest) = plain.strip_prefix('-').map_or(("", plain.as_str()), |r| ("-", r));
    let (int, frac) = rest.split_once('.').unwrap_or((rest, "00"));
    let mut grouped = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!("{sign}{grouped}.{frac}")
}

/// Why an amount typed in 元 was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("金额不能为空，请填写以元为单位的金额，例如 2880 或 2880.50")]
    Empty,
    #[error("金额“{0}”不是数字，请填写以元为单位的金额，例如 2880 或 2880.50")]
    NotANumber(String),
    #[error("金额“{0}”最多两位小数（精确到分），请改正")]
    TooPrecise(String),
    #[error("金额“{0}”不能为负数")]
    Negative(String),
    #[error("金额“{0}”过大，请核对")]
    TooLarge(String),
}

/// Reads an amount in 元: `2880`, `2880.5`, `2,880.50`, `2880元`, `￥2880`. Never negative.
pub fn parse_yuan(raw: &str) -> Result<i64, MoneyError> {
    let t: String =
        crate::width::to_half_width(raw.trim()).chars().filter(|c| !matches!(c, ',' | ' ' | '¥' | '￥')).collect();
    let t = t.strip_suffix('元').unwrap_or(&t);
    if t.is_empty() {
        return Err(MoneyError::Empty);
    }
    if t.starts_with('-') {
        return Err(MoneyError::Negative(raw.trim().to_owned()));
    }
    let (int, frac) = t.split_once('.').unwrap_or((t, ""));
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(int) || !(frac.is_empty() || digits(frac)) {
        return Err(MoneyError::NotANumber(raw.trim().to_owned()));
    }
    if frac.len() > 2 {
        return Err(MoneyError::TooPrecise(raw.trim().to_owned()));
    }
    let too_large = || MoneyError::TooLarge(raw.trim().to_owned());
    let yuan: i64 = int.parse().map_err(|_| too_large())?;
    let cents: i64 = if frac.is_empty() { 0 } else { format!("{frac:0<2}").parse().map_err(|_| too_large())? };
    yuan.checked_mul(100).and_then(|f| f.checked_add(cents)).filter(|f| *f < 100_000_000_000_000).ok_or_else(too_large)
}

/// An amount of money for display: `Fen(288000)` shows as `2880.00`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Fen(pub i64);

impl fmt::Display for Fen {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&yuan(self.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn writes_yuan() {
        for (fen, plain, grouped) in [
            (0, "0.00", "0.00"),
            (5, "0.05", "0.05"),
            (288000, "2880.00", "2,880.00"),
            (13188000, "131880.00", "131,880.00"),
            (-150, "-1.50", "-1.50"),
            (100000000, "1000000.00", "1,000,000.00"),
        ] {
            assert_eq!(yuan(fen), plain);
            assert_eq!(yuan_grouped(fen), grouped);
        }
    }

    #[test]
    fn reads_yuan() {
        for (raw, fen) in [
            ("2880", 288000),
            ("2880.5", 288050),
            ("2,880.50", 288050),
            ("２８８０元", 288000),
            ("￥0.01", 1),
            (" 720 ", 72000),
        ] {
            assert_eq!(parse_yuan(raw), Ok(fen), "{raw}");
        }
        assert_eq!(parse_yuan(""), Err(MoneyError::Empty));
        assert!(matches!(parse_yuan("abc"), Err(MoneyError::NotANumber(_))));
        assert!(matches!(parse_yuan("1.234"), Err(MoneyError::TooPrecise(_))));
        assert!(matches!(parse_yuan("-5"), Err(MoneyError::Negative(_))));
        assert!(matches!(parse_yuan("99999999999999999999"), Err(MoneyError::TooLarge(_))));
        assert!(parse_yuan("1.2.3").is_err());
    }

    #[test]
    fn monthly_shares_of_known_amounts() {
        // 720 元 a year is 60 元 every month.
        assert!((1..=12).all(|k| monthly_share(72000, k) == 6000));
        // 100 fen: 8 fen a month and the 4 fen left over go to January–April.
        let months: Vec<i64> = (1..=12).map(|k| monthly_share(100, k)).collect();
        assert_eq!(months, vec![9, 9, 9, 9, 8, 8, 8, 8, 8, 8, 8, 8]);
        // 2024's grade-1 因战 standard, 131880 元, is 10990 元 every month.
        assert!((1..=12).all(|k| monthly_share(13_188_000, k) == 1_099_000));
    }

    proptest! {
        #[test]
        fn twelve_months_sum_to_the_annual_amount(a in 0i64..10_000_000_000) {
            let total: i64 = (1..=12).map(|k| monthly_share(a, k)).sum();
            prop_assert_eq!(total, a);
            for k in 1..=12 {
                let m = monthly_share(a, k);
                prop_assert!(m == a / 12 || m == a / 12 + 1);
            }
        }

        #[test]
        fn a_rise_never_lowers_a_month(a in 0i64..1_000_000_000, rise in 0i64..100_000_000, k in 1u32..=12) {
            prop_assert!(monthly_share(a + rise, k) >= monthly_share(a, k));
        }

        #[test]
        fn yuan_round_trips(f in 0i64..1_000_000_000_000) {
            prop_assert_eq!(parse_yuan(&yuan(f)), Ok(f));
            prop_assert_eq!(parse_yuan(&yuan_grouped(f)), Ok(f));
        }
    }
}
