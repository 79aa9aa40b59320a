//! Pinyin search keys of personal names, so that a clerk can find 曾国藩 by typing `zengguofan` or
//! `zgf`. Each character gets its default reading from the `pinyin` crate, except the surname:
//! many surnames are read differently from the common word (曾 is zēng as a surname, céng as
//! "once"), so the first character (or the first two, for compound surnames) comes from our table.
//!
//! Only the surname position is overridden: a surname character inside the given name keeps its
//! default reading (王曾 gives `wangceng`). That is usually right, and where it is not the user
//! can still find the person by the surname and the other initials.

// `::pinyin` is the external crate, not this module.
use ::pinyin::ToPinyin;

use crate::width::to_half_width;

/// Compound surnames whose reading differs from the characters' defaults. Checked before
/// [`SURNAMES`], since 单于 and 乐正 start with single surnames of their own.
const COMPOUND_SURNAMES: &[(&str, [&str; 2])] = &[
    ("万俟", ["mo", "qi"]),
    ("尉迟", ["yu", "chi"]),
    ("单于", ["chan", "yu"]),
    ("澹台", ["tan", "tai"]),
    ("中行", ["zhong", "hang"]),
    ("乐正", ["yue", "zheng"]),
    ("长孙", ["zhang", "sun"]),
    ("子车", ["zi", "ju"]),
];

/// Single surnames read differently from the default, applied to the first character only.
const SURNAMES: &[(char, &str)] = &[
    ('曾', "zeng"),
    ('单', "shan"),
    ('解', "xie"),
    ('仇', "qiu"),
    ('区', "ou"),
    ('查', "zha"),
    ('朴', "piao"),
    ('盖', "ge"),
    ('乐', "yue"),
    ('覃', "qin"),
    ('缪', "miao"),
    ('员', "yun"),
    ('贠', "yun"),
    ('翟', "zhai"),
    ('秘', "bi"),
    ('种', "chong"),
    ('重', "chong"),
    ('繁', "po"),
    ('都', "du"),
    ('六', "lu"),
    ('薄', "bo"),
    ('乜', "nie"),
    ('阚', "kan"),
    ('卜', "bu"),
    ('祭', "zhai"),
    ('句', "gou"),
    ('召', "shao"),
    ('能', "nai"),
    ('隗', "wei"),
    ('黑', "he"),
    ('蕃', "pi"),
    ('折', "she"),
    ('佴', "nai"),
    ('粘', "nian"),
    ('藏', "zang"),
    ('扎', "za"),
];

/// The search keys of a name, both lowercase ASCII: `full` is the whole pinyin without tones or
/// spaces (`ü` written `v`), `initials` the first letter of each syllable.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct NameKeys {
    pub full: String,
    pub initials: String,
}

/// Computes the search keys of a personal name. Latin letters and digits are kept lowercased, a
/// run of them counting as one syllable (`Zhang San` gives `zhangsan` / `zs`); `·` of minority
/// names, spaces, punctuation and characters without a reading are dropped.
pub fn name_keys(name: &str) -> NameKeys {
    let folded = to_half_width(name);
    let chars: Vec<char> = folded.trim().chars().collect();
    let mut syllables: Vec<String> = Vec::new();

    let head: String = chars.iter().take(2).collect();
    let rest = if let Some((_, readings)) = COMPOUND_SURNAMES.iter().find(|(s, _)| *s == head) {
        syllables.extend(readings.iter().map(|r| (*r).to_owned()));
        &chars[2..]
    } else if let Some((_, reading)) = chars.first().and_then(|c| SURNAMES.iter().find(|(s, _)| s == c)) {
        syllables.push((*reading).to_owned());
        &chars[1..]
    } else {
        &chars[..]
    };

    let mut latin = String::new();
    for &c in rest {
        if c.is_ascii_alphanumeric() {
            latin.push(c.to_ascii_lowercase());
            continue;
        }
        if !latin.is_empty() {
            syllables.push(std::mem::take(&mut latin));
        }
        if let Some(reading) = c.to_pinyin().map(|p| ascii_reading(p.plain())).filter(|r| !r.is_empty()) {
            syllables.push(reading);
        }
    }
    if !latin.is_empty() {
        syllables.push(latin);
    }

    NameKeys { full: syllables.concat(), initials: syllables.iter().filter_map(|s| s.chars().next()).collect() }
}

/// A toneless reading in ASCII: `ü` is written `v` as on every pinyin keyboard, `ê` as `e`.
fn ascii_reading(plain: &str) -> String {
    plain
        .chars()
        .filter_map(|c| match c {
            'ü' => Some('v'),
            'ê' => Some('e'),
            c if c.is_ascii_alphabetic() => Some(c.to_ascii_lowercase()),
            _ => None,
        })
        .collect()
}

/// Normalises a user's pinyin query to compare with [`NameKeys`]: lowercase ASCII letters and
/// digits only (`Zhang San` and `zhang'san` give `zhangsan`, `lü` gives `lv`). Chinese characters
/// are dropped, so a query typed in Chinese yields an empty key: match it against the name itself,
/// and never search with an empty key (it would match everyone).
pub fn query_key(q: &str) -> String {
    to_half_width(q)
        .chars()
        .filter_map(|c| match c {
            'ü' | 'Ü' => Some('v'),
            c if c.is_ascii_alphanumeric() => Some(c.to_ascii_lowercase()),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn keys(name: &str) -> (String, String) {
        let k = name_keys(name);
        (k.full, k.initials)
    }

    #[test]
    fn names_with_every_overridden_surname() {
        for (name, full, initials) in [
            // Compound surnames.
            ("万俟卨", "moqixie", "mqx"),
            ("尉迟恭", "yuchigong", "ycg"),
            ("单于晓", "chanyuxiao", "cyx"),
            ("澹台灭明", "tantaimieming", "ttmm"),
            ("中行明", "zhonghangming", "zhm"),
            ("乐正克", "yuezhengke", "yzk"),
            ("长孙无忌", "zhangsunwuji", "zswj"),
            ("子车虎", "zijuhu", "zjh"),
            // Single surnames.
            ("曾国藩", "zengguofan", "zgf"),
            ("单田芳", "shantianfang", "stf"),
            ("解缙", "xiejin", "xj"),
            ("仇英", "qiuying", "qy"),
            ("区志强", "ouzhiqiang", "ozq"),
            ("查良镛", "zhaliangyong", "zly"),
            ("朴正熙", "piaozhengxi", "pzx"),
            ("盖叫天", "gejiaotian", "gjt"),
            ("乐嘉", "yuejia", "yj"),
            ("覃国翔", "qinguoxiang", "qgx"),
            ("缪军", "miaojun", "mj"),
            ("员半千", "yunbanqian", "ybq"),
            ("贠小明", "yunxiaoming", "yxm"),
            ("翟志刚", "zhaizhigang", "zzg"),
            ("秘建国", "bijianguo", "bjg"),
            ("种师道", "chongshidao", "csd"),
            ("重华", "chonghua", "ch"),
            ("繁钦", "poqin", "pq"),
            ("都明", "duming", "dm"),
            ("六平", "luping", "lp"),
            ("薄一波", "boyibo", "byb"),
            ("乜红", "niehong", "nh"),
            ("阚泽", "kanze", "kz"),
            ("卜商", "bushang", "bs"),
            ("祭遵", "zhaizun", "zz"),
            ("句龙", "goulong", "gl"),
            ("召忽", "shaohu", "sh"),
            ("能文", "naiwen", "nw"),
            ("隗嚣", "weixiao", "wx"),
            ("黑明", "heming", "hm"),
            ("蕃向", "pixiang", "px"),
            ("折克行", "shekexing", "skx"),
            ("佴华", "naihua", "nh"),
            ("粘罕", "nianhan", "nh"),
            ("藏天朔", "zangtianshuo", "zts"),
            ("扎明", "zaming", "zm"),
        ] {
            assert_eq!(keys(name), (full.to_owned(), initials.to_owned()), "{name}");
        }
    }

    #[test]
    fn ordinary_and_mixed_names() {
        for (name, full, initials) in [
            ("张三", "zhangsan", "zs"),
            ("吕布", "lvbu", "lb"),
            ("李四", "lisi", "ls"),
            ("王小明", "wangxiaoming", "wxm"),
            ("女娲", "nvwa", "nw"),
            ("欧阳修", "ouyangxiu", "oyx"),
            ("诸葛亮", "zhugeliang", "zgl"),
            ("司马光", "simaguang", "smg"),
            (" 刘 备 ", "liubei", "lb"),
            ("\u{3000}关羽\u{3000}", "guanyu", "gy"),
            ("阿依古丽·买买提", "ayigulimaimaiti", "aygl mmt"),
            ("Zhang San", "zhangsan", "zs"),
            ("李Lei", "lilei", "ll"),
            ("ＬＩ雷", "lilei", "ll"),
            ("张三2", "zhangsan2", "zs2"),
            ("", "", ""),
            ("·", "", ""),
        ] {
            let want_initials: String = initials.chars().filter(|c| *c != ' ').collect();
            assert_eq!(keys(name), (full.to_owned(), want_initials), "{name}");
        }
    }

    #[test]
    fn surname_characters_elsewhere_keep_their_default_reading() {
        // Only the surname position is overridden (see the module doc).
        assert_eq!(keys("王曾"), ("wangceng".to_owned(), "wc".to_owned()));
        assert_eq!(keys("李单"), ("lidan".to_owned(), "ld".to_owned()));
        assert_eq!(keys("李查"), ("licha".to_owned(), "lc".to_owned()));
        // 单 alone still reads as the surname; 单于 as the compound.
        assert_eq!(keys("单"), ("shan".to_owned(), "s".to_owned()));
        assert_eq!(keys("单于"), ("chanyu".to_owned(), "cy".to_owned()));
    }

    #[test]
    fn tables_are_lowercase_ascii_without_duplicates() {
        let mut seen = std::collections::HashSet::new();
        for (s, readings) in COMPOUND_SURNAMES {
            assert_eq!(s.chars().count(), 2, "{s}");
            assert!(seen.insert(s.to_string()), "{s}");
            assert!(readings.iter().all(|r| !r.is_empty() && r.bytes().all(|b| b.is_ascii_lowercase())));
        }
        for (c, reading) in SURNAMES {
            assert!(seen.insert(c.to_string()), "{c}");
            assert!(!reading.is_empty() && reading.bytes().all(|b| b.is_ascii_lowercase()), "{c}");
        }
    }

    #[test]
    fn query_keys() {
        for (q, want) in [
            ("Zhang San", "zhangsan"),
            ("zhang'san", "zhangsan"),
            ("Xi’an", "xian"),
            ("  ZGF ", "zgf"),
            ("ＺＨＡＮＧ", "zhang"),
            ("lü", "lv"),
            ("LÜ", "lv"),
            ("张三", ""),
            ("zs2", "zs2"),
        ] {
            assert_eq!(query_key(q), want, "{q}");
        }
    }

    proptest! {
        #[test]
        fn keys_are_lowercase_ascii_and_agree(name in "[\u{4e00}-\u{9fa5}·a-zA-Z0-9 ]{0,8}") {
            let k = name_keys(&name);
            prop_assert!(k.full.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()), "{:?}", k);
            prop_assert!(k.initials.len() <= k.full.len());
            // The query key of the full key is itself: stored keys and queries compare directly.
            prop_assert_eq!(query_key(&k.full), k.full.clone());
            prop_assert_eq!(query_key(&k.initials), k.initials.clone());
        }
    }
}
