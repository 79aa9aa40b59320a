//! `IdNumber::parse` on any text: it never panics, and whatever it accepts is a sound 18-character
//! number that reads back to itself, keeps the digits it was given (15-digit numbers gain "19"),
//! and turns invalid when any one of its first 17 digits is changed.
#![no_main]

use libfuzzer_sys::fuzz_target;
use shuangyong_domain::id_number::{IdNumber, MAX_BIRTH, MIN_BIRTH, Sex, check_char};
use shuangyong_domain::width::to_half_width;

fuzz_target!(|raw: &str| {
    match IdNumber::parse(raw) {
        Ok(id) => check(raw, &id),
        Err(e) => assert!(!e.to_string().is_empty()),
    }
});

fn check(raw: &str, id: &IdNumber) {
    let s = id.as_str();
    let b = s.as_bytes();
    assert_eq!(b.len(), 18, "{s:?}");
    assert!(b[..17].iter().all(u8::is_ascii_digit), "{s:?}");
    assert_eq!(char::from(b[17]), check_char(b[..17].try_into().unwrap()), "{s:?}");
    assert!((b'1'..=b'8').contains(&b[0]), "{s:?}");

    // What was typed, as the parser sees it: the digits are kept, a 15-digit number gains "19".
    let typed: String = to_half_width(raw).trim().to_ascii_uppercase();
    match typed.len() {
        18 => assert_eq!(typed, s),
        15 => assert_eq!(format!("{}19{}", &typed[..6], &typed[6..]), s[..17]),
        n => panic!("accepted {n} characters: {raw:?}"),
    }

    // It reads back to itself, also in lower case and through FromStr.
    assert_eq!(IdNumber::parse(s).as_ref(), Ok(id));
    assert_eq!(IdNumber::parse(&s.to_ascii_lowercase()).as_ref(), Ok(id));
    assert_eq!(s.parse::<IdNumber>().as_ref(), Ok(id));
    assert_eq!(id.to_string(), s);

    // The derived facts agree with the digits.
    let birth = id.birth_date();
    assert!((MIN_BIRTH..=MAX_BIRTH).contains(&birth));
    assert_eq!(birth.format("%Y%m%d").to_string(), s[6..14]);
    let male = (b[16] - b'0') % 2 == 1;
    assert_eq!(id.sex(), if male { Sex::Male } else { Sex::Female });
    assert_eq!(id.region(), &s[..6]);
    assert_eq!(id.masked(), format!("{}********{}", &s[..6], &s[14..]));
    assert_eq!(id.tail(4), &s[14..]);
    assert_eq!(id.tail(99), s);
    assert_eq!(id.age_on(MIN_BIRTH), 0);
    let _ = id.age_on(MAX_BIRTH);
    assert!(!format!("{id:?}").contains(&s[6..14]), "Debug must not show the birth date");

    // MOD 11-2 catches every single-digit mistake: no other digit in any place keeps it valid.
    for pos in 0..17 {
        for d in b'0'..=b'9' {
            if d == b[pos] {
                continue;
            }
            let mut wrong = b.to_vec();
            wrong[pos] = d;
            let wrong = String::from_utf8(wrong).unwrap();
            assert!(IdNumber::parse(&wrong).is_err(), "{wrong} accepted after changing digit {}", pos + 1);
        }
    }
}
