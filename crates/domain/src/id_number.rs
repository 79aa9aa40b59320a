//! Resident identity numbers (公民身份号码, GB 11643-1999): 6-digit address code, 8-digit birth date,
//! 3-digit sequence (odd = male) and a check character by ISO 7064 MOD 11-2.
//!
//! An [`IdNumber`] is always the 18-character form with an uppercase `X`; old 15-digit numbers are
//! converted when read. The number is sensitive personal information: screens show [`IdNumber::masked`],
//! and `Debug` prints the masked form so that a stray `{:?}` in a log does not leak it.

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::person::{LabelError, label_key};
use crate::width::to_half_width;

/// ISO 7064 MOD 11-2 weights of the first 17 digits (2^(18-i) mod 11).
const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
/// The check character for each value of the weighted sum mod 11.
const CHECK_CHARS: &[u8; 11] = b"10X98765432";

/// The earliest birth date accepted. 1800, not 1900: the standard's own example 440524188001010014
/// is born in 1880, and a registry of old soldiers' survivors must not reject such records.
pub const MIN_BIRTH: NaiveDate = NaiveDate::from_ymd_opt(1800, 1, 1).unwrap();
/// The latest birth date accepted.
pub const MAX_BIRTH: NaiveDate = NaiveDate::from_ymd_opt(2099, 12, 31).unwrap();

/// A valid 18-character resident ID number. The only ways to get one are [`IdNumber::parse`] and
/// [`make`], so holding one means the checksum, address code and birth date are sound.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct IdNumber(String);

/// Why a typed ID number was refused; each message says where to look.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    #[error("身份证号不能为空，请填写18位身份证号")]
    Empty,
    #[error("身份证号应为18位（或旧的15位），您输入的是{0}位，请核对")]
    Length(usize),
    #[error("身份证号第{position}位“{found}”不是数字（只有18位号码的最后一位可以是 X），请核对")]
    Character { position: usize, found: char },
    #[error("身份证号前6位地址码“{0}”无效（首位应为1至8），请核对")]
    Region(String),
    #[error("身份证号中的出生日期“{0}”不是有效日期（应为1800年至2099年间真实存在的年月日），请核对")]
    BirthDate(String),
    #[error("身份证号校验位应为 {expected}，实为 {found}，请核对是否有数字录错")]
    CheckChar { expected: char, found: char },
}

/// The check character of the first 17 digits (ASCII `b'0'..=b'9'`).
///
/// # Panics
/// If a byte is not an ASCII digit: callers pass digits they have already checked.
pub fn check_char(first17: &[u8; 17]) -> char {
    let sum: u32 = first17
        .iter()
        .zip(WEIGHTS)
        .map(|(&b, w)| {
            assert!(b.is_ascii_digit(), "check_char: byte {b:#04x} is not an ASCII digit");
            u32::from(b - b'0') * w
        })
        .sum();
    char::from(CHECK_CHARS[(sum % 11) as usize])
}

/// Builds a valid, fictitious number from its parts: for generators of demo data and for tests.
///
/// # Panics
/// If `region` is not 6 digits starting with 1–8, `birth` is outside [`MIN_BIRTH`]..=[`MAX_BIRTH`],
/// or `seq` is over 999. These are programming errors, not user input.
pub fn make(region: &str, birth: NaiveDate, seq: u16) -> IdNumber {
    assert!(region_ok(region), "make: bad region code {region:?}");
    assert!((MIN_BIRTH..=MAX_BIRTH).contains(&birth), "make: birth date {birth} out of range");
    assert!(seq <= 999, "make: sequence {seq} over 999");
    let first17 = format!("{region}{}{seq:03}", birth.format("%Y%m%d"));
    let check = check_char(first17.as_bytes().try_into().expect("17 ASCII digits"));
    IdNumber(format!("{first17}{check}"))
}

fn region_ok(region: &str) -> bool {
    region.len() == 6 && region.bytes().all(|b| b.is_ascii_digit()) && (b'1'..=b'8').contains(&region.as_bytes()[0])
}

/// The date of 8 ASCII digits `YYYYMMDD`, if it is real and in range.
fn birth_of(digits: &str) -> Option<NaiveDate> {
    let date = NaiveDate::parse_from_str(digits, "%Y%m%d").ok()?;
    (MIN_BIRTH..=MAX_BIRTH).contains(&date).then_some(date)
}

impl IdNumber {
    /// Reads a typed number: surrounding spaces (also full-width) are trimmed, full-width digits and
    /// a lowercase `x` accepted, and a legacy 15-digit number converted to 18 (birth year 19yy).
    pub fn parse(raw: &str) -> Result<IdNumber, IdError> {
        let folded = to_half_width(raw);
        let chars: Vec<char> = folded.trim().chars().collect();
        let len = chars.len();
        match len {
            0 => return Err(IdError::Empty),
            15 | 18 => {}
            _ => return Err(IdError::Length(len)),
        }
        for (i, &c) in chars.iter().enumerate() {
            let is_check = len == 18 && i == 17;
            if !(c.is_ascii_digit() || (is_check && c.eq_ignore_ascii_case(&'x'))) {
                return Err(IdError::Character { position: i + 1, found: c });
            }
        }
        // All ASCII from here on, so byte slicing is safe.
        let s: String = chars.into_iter().collect::<String>().to_ascii_uppercase();
        let first17 = if len == 15 { format!("{}19{}", &s[..6], &s[6..]) } else { s[..17].to_owned() };
        if !region_ok(&first17[..6]) {
            return Err(IdError::Region(first17[..6].to_owned()));
        }
        if birth_of(&first17[6..14]).is_none() {
            return Err(IdError::BirthDate(first17[6..14].to_owned()));
        }
        let expected = check_char(first17.as_bytes().try_into().expect("17 ASCII digits"));
        if len == 18 {
            let found = char::from(s.as_bytes()[17]);
            if found != expected {
                return Err(IdError::CheckChar { expected, found });
            }
        }
        Ok(IdNumber(format!("{first17}{expected}")))
    }

    /// The full 18-character number. Showing it on a screen is a "reveal" that must be audited.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn birth_date(&self) -> NaiveDate {
        birth_of(&self.0[6..14]).expect("validated at construction")
    }

    /// From the 17th digit: odd is male.
    pub fn sex(&self) -> Sex {
        if (self.0.as_bytes()[16] - b'0') % 2 == 1 { Sex::Male } else { Sex::Female }
    }

    /// The 6-digit address code (GB/T 2260) of the place the number was issued, e.g. `140929`.
    pub fn region(&self) -> &str {
        &self.0[..6]
    }

    /// First 6 and last 4 kept, the 8 birth-date digits starred: `140929********123X`.
    pub fn masked(&self) -> String {
        format!("{}********{}", &self.0[..6], &self.0[14..])
    }

    /// The last `n` characters (all 18 if `n` is larger), e.g. for "last four digits" look-ups.
    pub fn tail(&self, n: usize) -> &str {
        &self.0[18 - n.min(18)..]
    }

    /// Age in full years (周岁) on `date`; 0 before birth. Someone born on 29 February turns a year
    /// older on 1 March in common years.
    pub fn age_on(&self, date: NaiveDate) -> u32 {
        let birth = self.birth_date();
        if date < birth {
            return 0;
        }
        let years = date.year() - birth.year();
        let had_birthday = (date.month(), date.day()) >= (birth.month(), birth.day());
        (if had_birthday { years } else { years - 1 }) as u32
    }
}

impl fmt::Display for IdNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Masked, so that debug logging never writes the full number.
impl fmt::Debug for IdNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "IdNumber({})", self.masked())
    }
}

impl FromStr for IdNumber {
    type Err = IdError;
    fn from_str(s: &str) -> Result<Self, IdError> {
        IdNumber::parse(s)
    }
}

impl<'de> Deserialize<'de> for IdNumber {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        IdNumber::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// Sex, as coded in the ID number and shown on forms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Sex {
    Male,
    Female,
}

impl Sex {
    pub const ALL: [Sex; 2] = [Sex::Male, Sex::Female];

    /// `男` / `女`.
    pub fn label(self) -> &'static str {
        match self {
            Sex::Male => "男",
            Sex::Female => "女",
        }
    }

    /// The stored code, `M` / `F`.
    pub fn code(self) -> &'static str {
        match self {
            Sex::Male => "M",
            Sex::Female => "F",
        }
    }

    pub fn from_code(code: &str) -> Option<Sex> {
        Sex::ALL.into_iter().find(|s| s.code() == code)
    }

    /// Reads `男`, `女`, `男性`, `女性`, `M`, `F` (either case, spaces and full width ignored), so it
    /// also reads back the stored code.
    pub fn parse_label(raw: &str) -> Option<Sex> {
        match label_key(raw).to_ascii_uppercase().as_str() {
            "男" | "男性" | "M" => Some(Sex::Male),
            "女" | "女性" | "F" => Some(Sex::Female),
            _ => None,
        }
    }

    /// As [`Sex::parse_label`], with a Chinese message when nothing matches.
    pub fn parse(raw: &str) -> Result<Sex, LabelError> {
        Sex::parse_label(raw).ok_or_else(|| LabelError::new("性别", raw, &["男", "女"]))
    }
}

impl fmt::Display for Sex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

impl Serialize for Sex {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

impl<'de> Deserialize<'de> for Sex {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let code = String::deserialize(d)?;
        Sex::from_code(&code).ok_or_else(|| serde::de::Error::custom(format!("unknown sex code `{code}`")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn id(s: &str) -> IdNumber {
        IdNumber::parse(s).unwrap()
    }

    #[test]
    fn standard_examples_are_valid() {
        let a = id("11010519491231002X");
        assert_eq!(a.as_str(), "11010519491231002X");
        assert_eq!(a.birth_date(), date(1949, 12, 31));
        assert_eq!(a.sex(), Sex::Female);
        assert_eq!(a.region(), "110105");

        let b = id("440524188001010014");
        assert_eq!(b.birth_date(), date(1880, 1, 1));
        assert_eq!(b.sex(), Sex::Male);
        assert_eq!(b.region(), "440524");
    }

    #[test]
    fn accepts_what_people_type() {
        for raw in [
            "11010519491231002x",
            " 11010519491231002X ",
            "\u{3000}11010519491231002X\u{3000}",
            "１１０１０５１９４９１２３１００２Ｘ",
            "１１０１０５１９４９１２３１００２ｘ",
            "\t11010519491231002X\n",
        ] {
            assert_eq!(IdNumber::parse(raw).map(|i| i.to_string()), Ok("11010519491231002X".to_owned()), "{raw:?}");
        }
    }

    #[test]
    fn converts_fifteen_digits() {
        for (old, new) in [
            ("110105491231002", "11010519491231002X"),
            ("440524800101001", "440524198001010013"),
            ("140929500101123", "140929195001011234"),
        ] {
            let n = id(old);
            assert_eq!(n.as_str(), new, "{old}");
            assert_eq!(id(new), n);
        }
    }

    #[test]
    fn check_char_matches_known_numbers() {
        assert_eq!(check_char(b"11010519491231002"), 'X');
        assert_eq!(check_char(b"44052418800101001"), '4');
        assert_eq!(check_char(b"00000000000000000"), '1');
    }

    #[test]
    fn every_error_says_what_to_fix() {
        for (raw, want, message) in [
            ("", IdError::Empty, "身份证号不能为空，请填写18位身份证号"),
            ("   ", IdError::Empty, "身份证号不能为空，请填写18位身份证号"),
            ("1101051949123100", IdError::Length(16), "身份证号应为18位（或旧的15位），您输入的是16位，请核对"),
            ("11010519491231002X1", IdError::Length(19), "身份证号应为18位（或旧的15位），您输入的是19位，请核对"),
            (
                "1101051949123100XX",
                IdError::Character { position: 17, found: 'X' },
                "身份证号第17位“X”不是数字（只有18位号码的最后一位可以是 X），请核对",
            ),
            (
                "11010519491231 02X",
                IdError::Character { position: 15, found: ' ' },
                "身份证号第15位“ ”不是数字（只有18位号码的最后一位可以是 X），请核对",
            ),
            (
                "11010549123100X",
                IdError::Character { position: 15, found: 'X' },
                "身份证号第15位“X”不是数字（只有18位号码的最后一位可以是 X），请核对",
            ),
            (
                "110105一9491231002X",
                IdError::Character { position: 7, found: '一' },
                "身份证号第7位“一”不是数字（只有18位号码的最后一位可以是 X），请核对",
            ),
            (
                "010105194912310028",
                IdError::Region("010105".into()),
                "身份证号前6位地址码“010105”无效（首位应为1至8），请核对",
            ),
            (
                "910105194912310028",
                IdError::Region("910105".into()),
                "身份证号前6位地址码“910105”无效（首位应为1至8），请核对",
            ),
            (
                "110105194902300028",
                IdError::BirthDate("19490230".into()),
                "身份证号中的出生日期“19490230”不是有效日期（应为1800年至2099年间真实存在的年月日），请核对",
            ),
            (
                "110105179912310028",
                IdError::BirthDate("17991231".into()),
                "身份证号中的出生日期“17991231”不是有效日期（应为1800年至2099年间真实存在的年月日），请核对",
            ),
            (
                "110105491331002",
                IdError::BirthDate("19491331".into()),
                "身份证号中的出生日期“19491331”不是有效日期（应为1800年至2099年间真实存在的年月日），请核对",
            ),
            (
                "110105194912310021",
                IdError::CheckChar { expected: 'X', found: '1' },
                "身份证号校验位应为 X，实为 1，请核对是否有数字录错",
            ),
            (
                "44052418800101001x",
                IdError::CheckChar { expected: '4', found: 'X' },
                "身份证号校验位应为 4，实为 X，请核对是否有数字录错",
            ),
        ] {
            let err = IdNumber::parse(raw).unwrap_err();
            assert_eq!(err, want, "{raw:?}");
            assert_eq!(err.to_string(), message, "{raw:?}");
        }
    }

    #[test]
    fn birth_date_bounds() {
        assert!(IdNumber::parse(make("110105", MIN_BIRTH, 1).as_str()).is_ok());
        assert!(IdNumber::parse(make("110105", MAX_BIRTH, 1).as_str()).is_ok());
        assert!(IdNumber::parse(make("110105", date(2000, 2, 29), 1).as_str()).is_ok());
        assert_eq!(IdNumber::parse("110105190002290027"), Err(IdError::BirthDate("19000229".into())));
    }

    #[test]
    fn masks_and_tails() {
        let n = make("140929", date(1950, 1, 1), 123);
        assert_eq!(n.as_str(), "140929195001011234");
        assert_eq!(n.masked(), "140929********1234");
        assert_eq!(id("11010519491231002X").masked(), "110105********002X");
        assert_eq!(n.tail(4), "1234");
        assert_eq!(n.tail(0), "");
        assert_eq!(n.tail(18), n.as_str());
        assert_eq!(n.tail(30), n.as_str());
        assert_eq!(format!("{n:?}"), "IdNumber(140929********1234)");
        assert_eq!(n.to_string(), "140929195001011234");
    }

    #[test]
    fn age_in_full_years() {
        let n = make("140929", date(1964, 8, 15), 11);
        for (on, want) in [
            (date(1964, 8, 15), 0),
            (date(1964, 1, 1), 0),
            (date(2024, 8, 14), 59),
            (date(2024, 8, 15), 60),
            (date(2024, 12, 31), 60),
            (date(2025, 1, 1), 60),
        ] {
            assert_eq!(n.age_on(on), want, "{on}");
        }
        let leap = make("140929", date(1964, 2, 29), 11);
        assert_eq!(leap.age_on(date(2025, 2, 28)), 60);
        assert_eq!(leap.age_on(date(2025, 3, 1)), 61);
        assert_eq!(leap.age_on(date(2024, 2, 29)), 60);
    }

    #[test]
    fn serde_is_the_string_and_validates() {
        let n = id("11010519491231002X");
        assert_eq!(serde_json::to_string(&n).unwrap(), "\"11010519491231002X\"");
        assert_eq!(serde_json::from_str::<IdNumber>("\"11010519491231002x\"").unwrap(), n);
        let e = serde_json::from_str::<IdNumber>("\"110105194912310021\"").unwrap_err().to_string();
        assert!(e.contains("校验位应为 X"), "{e}");
        assert_eq!("11010519491231002X".parse::<IdNumber>(), Ok(n));
    }

    #[test]
    fn sex_labels_and_codes() {
        for (raw, want) in [
            ("男", Sex::Male),
            ("男性", Sex::Male),
            ("M", Sex::Male),
            ("m", Sex::Male),
            (" 女 ", Sex::Female),
            ("女性", Sex::Female),
            ("F", Sex::Female),
            ("ｆ", Sex::Female),
        ] {
            assert_eq!(Sex::parse_label(raw), Some(want), "{raw}");
            assert_eq!(Sex::parse(raw), Ok(want), "{raw}");
        }
        assert_eq!(Sex::parse_label("未知"), None);
        assert_eq!(Sex::parse("未知").unwrap_err().to_string(), "无法识别的性别“未知”，请填写：男、女");
        for s in Sex::ALL {
            assert_eq!(Sex::from_code(s.code()), Some(s));
            assert_eq!(Sex::parse_label(s.label()), Some(s));
            assert_eq!(Sex::parse_label(s.code()), Some(s));
            assert_eq!(serde_json::from_str::<Sex>(&serde_json::to_string(&s).unwrap()).unwrap(), s);
        }
        assert_eq!(serde_json::to_string(&Sex::Female).unwrap(), "\"F\"");
    }

    #[test]
    #[should_panic(expected = "bad region code")]
    fn make_refuses_a_bad_region() {
        make("010105", date(1950, 1, 1), 1);
    }

    /// Any valid number: a region with first digit 1–8, a date in range, a sequence.
    fn valid_number() -> impl Strategy<Value = IdNumber> {
        let days = (MAX_BIRTH - MIN_BIRTH).num_days();
        ("[1-8][0-9]{5}", 0..=days, 0u16..=999)
            .prop_map(|(region, d, seq)| make(&region, MIN_BIRTH + chrono::Days::new(d as u64), seq))
    }

    proptest! {
        #[test]
        fn made_numbers_parse_and_round_trip(
            region in "[1-8][0-9]{5}",
            d in 0..=(MAX_BIRTH - MIN_BIRTH).num_days(),
            seq in 0u16..=999,
        ) {
            let birth = MIN_BIRTH + chrono::Days::new(d as u64);
            let n = make(&region, birth, seq);
            let parsed = IdNumber::parse(n.as_str()).unwrap();
            prop_assert_eq!(&parsed, &n);
            prop_assert_eq!(parsed.birth_date(), birth);
            prop_assert_eq!(parsed.region(), region.as_str());
            prop_assert_eq!(parsed.sex(), if seq % 2 == 1 { Sex::Male } else { Sex::Female });
            prop_assert_eq!(IdNumber::parse(&n.as_str().to_ascii_lowercase()).unwrap(), n);
        }

        #[test]
        fn every_one_character_change_is_caught(n in valid_number(), pos in 0usize..18, new in 0usize..11) {
            let mut bytes = n.as_str().as_bytes().to_vec();
            let replacement = if pos == 17 { b"0123456789X"[new] } else { b"0123456789"[new % 10] };
            prop_assume!(bytes[pos] != replacement);
            bytes[pos] = replacement;
            let changed = String::from_utf8(bytes).unwrap();
            prop_assert!(IdNumber::parse(&changed).is_err(), "{} accepted", changed);
        }

        #[test]
        fn fifteen_digit_form_converts_to_the_same_number(
            region in "[1-8][0-9]{5}",
            d in 0..=(date(1999, 12, 31) - date(1900, 1, 1)).num_days(),
            seq in 0u16..=999,
        ) {
            let n = make(&region, date(1900, 1, 1) + chrono::Days::new(d as u64), seq);
            let old = format!("{}{}", &n.as_str()[..6], &n.as_str()[8..17]);
            prop_assert_eq!(IdNumber::parse(&old).unwrap(), n);
        }
    }
}
