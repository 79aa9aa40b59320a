//! Phone numbers and bank accounts: normalising what people type, and masking for screens and
//! printouts (个人信息保护法 art. 28: shown in full only to a permitted role, and that view is logged).

use crate::width::to_half_width;

/// Masks a phone number: an 11-digit mobile (starting with 1) keeps its first 3 and last 4 digits (`138****5678`);
/// anything else keeps its last 4 characters only. Four characters or fewer are starred entirely,
/// since "the last four" would then be the whole number.
pub fn mask_phone(phone: &str) -> String {
    let chars: Vec<char> = phone.chars().collect();
    if chars.len() == 11 && chars[0] == '1' && chars.iter().all(char::is_ascii_digit) {
        return keep_ends(&chars, 3, 4);
    }
    keep_ends(&chars, 0, 4)
}

/// Masks a bank account: first 4 and last 4 kept (`6222***********0123`). Eight characters or fewer
/// are starred entirely.
pub fn mask_account(account: &str) -> String {
    let chars: Vec<char> = account.chars().collect();
    keep_ends(&chars, 4, 4)
}

/// Keeps `head` and `tail` characters and stars the rest, one `*` per character; stars everything
/// when nothing would be hidden otherwise.
fn keep_ends(chars: &[char], head: usize, tail: usize) -> String {
    if chars.len() <= head + tail {
        return "*".repeat(chars.len());
    }
    let stars = chars.len() - head - tail;
    chars[..head].iter().chain(std::iter::repeat_n(&'*', stars)).chain(&chars[head + stars..]).collect()
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PhoneError {
    #[error("电话号码不能为空，请填写11位手机号或带区号的固定电话（如 0350-1234567）")]
    Empty,
    #[error("电话号码中不应有“{0}”，请只填数字，固定电话可用“-”隔开区号，如 0350-1234567")]
    Character(char),
    #[error("手机号应为以1开头的11位数字，“{0}”是{1}位，请核对")]
    Mobile(String, usize),
    #[error("固定电话“{0}”应为区号（3至4位，以0开头）加7至8位号码，如 0350-1234567，请核对")]
    Landline(String),
    #[error("固定电话“{0}”缺少区号，请加上区号，如 0350-{0}")]
    NoAreaCode(String),
    #[error("无法识别电话号码“{0}”，请填写11位手机号或带区号的固定电话（如 0350-1234567）")]
    Unrecognised(String),
}

/// Normalises a phone number to `13812345678` (mobile) or `0350-1234567` (landline, one dash
/// after the area code). Spaces, dashes, brackets and a `+86`/`0086`/`86` prefix are removed.
pub fn normalize_phone(raw: &str) -> Result<String, PhoneError> {
    let folded = to_half_width(raw);
    let shown = folded.trim().to_owned();
    let compact: String = folded.chars().filter(|c| !c.is_whitespace()).collect();
    if compact.is_empty() {
        return Err(PhoneError::Empty);
    }
    if let Some(c) = compact.chars().find(|c| !(c.is_ascii_digit() || matches!(c, '-' | '+' | '(' | ')'))) {
        return Err(PhoneError::Character(c));
    }
    let body = compact.strip_prefix("+86").or_else(|| compact.strip_prefix("0086")).unwrap_or(&compact);
    if body.contains('+') {
        return Err(PhoneError::Character('+'));
    }
    let digits: String = body.chars().filter(char::is_ascii_digit).collect();
    // A bare 86 before a mobile number, as copied from some systems.
    let digits = match digits.strip_prefix("86") {
        Some(rest) if rest.len() == 11 && rest.starts_with('1') => rest.to_owned(),
        _ => digits,
    };
    match digits.as_bytes().first() {
        None => Err(PhoneError::Unrecognised(shown)),
        Some(b'1') if digits.len() == 11 => Ok(digits),
        Some(b'1') => Err(PhoneError::Mobile(shown, digits.len())),
        Some(b'0') => landline(body, &digits).ok_or(PhoneError::Landline(shown)),
        Some(_) if (7..=8).contains(&digits.len()) => Err(PhoneError::NoAreaCode(digits)),
        Some(_) => Err(PhoneError::Unrecognised(shown)),
    }
}

/// `0350-1234567` from a body starting with 0. Where the typist separated the area code
/// (`0350-…`, `(0350)…`) that split is used; otherwise the national plan decides: 010 and 02x are
/// 3-digit area codes, all others 4.
fn landline(body: &str, digits: &str) -> Option<String> {
    let typed_area: String = body.split(['-', ')']).next().unwrap_or("").chars().filter(char::is_ascii_digit).collect();
    let area_len = if body.contains(['-', ')']) && typed_area.len() != digits.len() {
        typed_area.len()
    } else if digits.starts_with("01") || digits.starts_with("02") {
        3
    } else {
        4
    };
    let local_len = digits.len().checked_sub(area_len)?;
    ((3..=4).contains(&area_len) && (7..=8).contains(&local_len))
        .then(|| format!("{}-{}", &digits[..area_len], &digits[area_len..]))
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AccountError {
    #[error("银行账号不能为空，请填写12至30位数字的账号")]
    Empty,
    #[error("银行账号中不应有“{0}”，请只填数字（空格可以保留）")]
    Character(char),
    #[error("银行账号应为12至30位数字，您输入的是{0}位，请核对")]
    Length(usize),
}

/// Normalises a bank account: spaces removed (`6222 0212 3456 7890 123` as printed on cards),
/// full-width digits folded; 12 to 30 digits.
pub fn normalize_account(raw: &str) -> Result<String, AccountError> {
    let digits: String = to_half_width(raw).chars().filter(|c| !c.is_whitespace()).collect();
    if digits.is_empty() {
        return Err(AccountError::Empty);
    }
    if let Some(c) = digits.chars().find(|c| !c.is_ascii_digit()) {
        return Err(AccountError::Character(c));
    }
    if !(12..=30).contains(&digits.len()) {
        return Err(AccountError::Length(digits.len()));
    }
    Ok(digits)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn masks_phones() {
        for (raw, want) in [
            ("13812345678", "138****5678"),
            ("0350-1234567", "********4567"),
            ("03501234567", "*******4567"),
            ("12345", "*2345"),
            ("1234", "****"),
            ("", ""),
        ] {
            assert_eq!(mask_phone(raw), want, "{raw}");
        }
    }

    #[test]
    fn masks_accounts() {
        for (raw, want) in [
            ("6222021234567890123", "6222***********0123"),
            ("622202123456", "6222****3456"),
            ("123456789", "1234*6789"),
            ("12345678", "********"),
            ("", ""),
        ] {
            assert_eq!(mask_account(raw), want, "{raw}");
        }
    }

    #[test]
    fn normalizes_phones() {
        for (raw, want) in [
            ("13812345678", "13812345678"),
            (" 138 1234 5678 ", "13812345678"),
            ("138-1234-5678", "13812345678"),
            ("+86 138 1234 5678", "13812345678"),
            ("+8613812345678", "13812345678"),
            ("008613812345678", "13812345678"),
            ("8613812345678", "13812345678"),
            ("１３８１２３４５６７８", "13812345678"),
            ("0350-1234567", "0350-1234567"),
            ("0350 1234567", "0350-1234567"),
            ("03501234567", "0350-1234567"),
            ("(0350)1234567", "0350-1234567"),
            ("（0350）1234567", "0350-1234567"),
            ("0350－1234567", "0350-1234567"),
            ("010-12345678", "010-12345678"),
            ("01012345678", "010-12345678"),
            ("02112345678", "021-12345678"),
            ("0351-12345678", "0351-12345678"),
        ] {
            assert_eq!(normalize_phone(raw), Ok(want.to_owned()), "{raw}");
        }
    }

    #[test]
    fn phone_errors_say_what_to_fix() {
        for (raw, want, message) in [
            ("", PhoneError::Empty, "电话号码不能为空，请填写11位手机号或带区号的固定电话（如 0350-1234567）"),
            (
                "138a1234567",
                PhoneError::Character('a'),
                "电话号码中不应有“a”，请只填数字，固定电话可用“-”隔开区号，如 0350-1234567",
            ),
            (
                "1381234567",
                PhoneError::Mobile("1381234567".into(), 10),
                "手机号应为以1开头的11位数字，“1381234567”是10位，请核对",
            ),
            (
                "0350-12345",
                PhoneError::Landline("0350-12345".into()),
                "固定电话“0350-12345”应为区号（3至4位，以0开头）加7至8位号码，如 0350-1234567，请核对",
            ),
            (
                "2345678",
                PhoneError::NoAreaCode("2345678".into()),
                "固定电话“2345678”缺少区号，请加上区号，如 0350-2345678",
            ),
            (
                "456",
                PhoneError::Unrecognised("456".into()),
                "无法识别电话号码“456”，请填写11位手机号或带区号的固定电话（如 0350-1234567）",
            ),
            (
                "--",
                PhoneError::Unrecognised("--".into()),
                "无法识别电话号码“--”，请填写11位手机号或带区号的固定电话（如 0350-1234567）",
            ),
        ] {
            let err = normalize_phone(raw).unwrap_err();
            assert_eq!(err, want, "{raw}");
            assert_eq!(err.to_string(), message, "{raw}");
        }
        for bad in ["1234567", "03501", "0-1234567", "035012-34567", "0350-123456789", "138+1234567"] {
            assert!(normalize_phone(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn normalizes_accounts() {
        assert_eq!(normalize_account("6222 0212 3456 7890 123"), Ok("6222021234567890123".into()));
        assert_eq!(normalize_account("６２２２０２１２３４５６"), Ok("622202123456".into()));
        assert_eq!(normalize_account("1".repeat(30).as_str()), Ok("1".repeat(30)));
        for (raw, want, message) in [
            ("  ", AccountError::Empty, "银行账号不能为空，请填写12至30位数字的账号"),
            ("6222-0212-3456", AccountError::Character('-'), "银行账号中不应有“-”，请只填数字（空格可以保留）"),
            ("12345678901", AccountError::Length(11), "银行账号应为12至30位数字，您输入的是11位，请核对"),
            (&"1".repeat(31), AccountError::Length(31), "银行账号应为12至30位数字，您输入的是31位，请核对"),
        ] {
            let err = normalize_account(raw).unwrap_err();
            assert_eq!(err, want, "{raw}");
            assert_eq!(err.to_string(), message, "{raw}");
        }
    }

    proptest! {
        #[test]
        fn masking_keeps_length_and_hides_the_middle(s in "[0-9]{0,30}") {
            let m = mask_account(&s);
            prop_assert_eq!(m.chars().count(), s.len());
            let p = mask_phone(&s);
            prop_assert_eq!(p.chars().count(), s.len());
            // Never shows more than 7 of the digits.
            prop_assert!(p.chars().filter(|c| *c != '*').count() <= 7);
            prop_assert!(m.chars().filter(|c| *c != '*').count() <= 8);
        }

        #[test]
        fn mobiles_normalize_to_themselves(rest in "[3-9][0-9]{9}", sep in "[ -]?") {
            let mobile = format!("1{rest}");
            let typed = format!("+86{sep}{}{sep}{}{sep}{}", &mobile[..3], &mobile[3..7], &mobile[7..]);
            prop_assert_eq!(normalize_phone(&typed), Ok(mobile.clone()));
            prop_assert_eq!(mask_phone(&mobile), format!("{}****{}", &mobile[..3], &mobile[7..]));
        }

        #[test]
        fn normalized_landlines_are_stable(area in "0[3-9][0-9]{2}", local in "[2-8][0-9]{6,7}") {
            let once = normalize_phone(&format!("{area}{local}")).unwrap();
            prop_assert_eq!(&once, &format!("{area}-{local}"));
            prop_assert_eq!(normalize_phone(&once), Ok(once.clone()));
        }
    }
}
