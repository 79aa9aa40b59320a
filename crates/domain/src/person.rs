//! Coded values of a person in the registry (优抚对象): household registration, status, registry
//! categories, disability cause and grade, and a survivor's relation to the serviceman.
//!
//! Every enum has a stable English `code()` (what the database stores; never rename one), a Chinese
//! `label()` (what screens and printouts show), `from_code`, and `parse_label`, which reads the label
//! or one of the synonyms found in the county's old spreadsheets.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::width::to_half_width;

/// A label that matches no value; the message lists what may be typed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("无法识别的{what}“{value}”，请填写：{accepted}")]
pub struct LabelError {
    /// What was being read, e.g. `户籍性质`.
    pub what: &'static str,
    /// The text as given.
    pub value: String,
    /// The labels that are accepted, joined by `、`.
    pub accepted: String,
}

impl LabelError {
    pub(crate) fn new(what: &'static str, value: &str, labels: &[&str]) -> Self {
        LabelError { what, value: value.trim().to_owned(), accepted: labels.join("、") }
    }
}

/// The key a label is compared by: half-width, with all white space removed (`农 村` is `农村`).
pub(crate) fn label_key(raw: &str) -> String {
    to_half_width(raw).chars().filter(|c| !c.is_whitespace()).collect()
}

/// Declares a coded enum. One line per variant: `Variant => "code", "标签", ["同义词", …];`.
/// Generating the five methods from one table keeps code, label and synonyms from drifting apart.
macro_rules! coded_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident ($what:literal) {
            $( $(#[$vmeta:meta])* $variant:ident => $code:literal, $label:literal, [$($syn:literal),* $(,)?]; )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
        }

        impl $name {
            /// Every value, in display order.
            pub const ALL: [$name; [$(stringify!($variant)),+].len()] = [$($name::$variant),+];

            /// The stable code stored in the database.
            pub fn code(self) -> &'static str {
                match self { $( $name::$variant => $code, )+ }
            }

            pub fn from_code(code: &str) -> Option<$name> {
                $name::ALL.into_iter().find(|v| v.code() == code)
            }

            /// The Chinese label shown to users.
            pub fn label(self) -> &'static str {
                match self { $( $name::$variant => $label, )+ }
            }

            /// Other spellings accepted by [`Self::parse_label`] besides the label.
            pub fn synonyms(self) -> &'static [&'static str] {
                match self { $( $name::$variant => &[$($syn),*], )+ }
            }

            /// Reads a label or a synonym, ignoring spaces and full-width forms.
            pub fn parse_label(raw: &str) -> Option<$name> {
                let key = label_key(raw);
                $name::ALL.into_iter().find(|v| v.label() == key || v.synonyms().contains(&key.as_str()))
            }

            /// Reads a code, a label or a synonym (form fields and imported cells), with a Chinese
            /// message listing the labels when nothing matches.
            pub fn parse(raw: &str) -> Result<$name, LabelError> {
                $name::from_code(raw.trim())
                    .or_else(|| $name::parse_label(raw))
                    .ok_or_else(|| LabelError::new($what, raw, &$name::ALL.map($name::label)))
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.label())
            }
        }

        impl Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.code())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let code = String::deserialize(d)?;
                $name::from_code(&code)
                    .ok_or_else(|| serde::de::Error::custom(format!("unknown {} code `{code}`", stringify!($name))))
            }
        }
    };
}

pub(crate) use coded_enum;

coded_enum! {
    /// Household registration (户籍性质). 农村籍 decides the 老兵生活补助.
    pub enum Registration ("户籍性质") {
        Rural => "rural", "农村", ["农业", "农村户口", "农业户口", "农村籍"];
        Urban => "urban", "城镇", ["非农业", "城市", "城镇户口", "非农业户口", "城镇籍"];
    }
}

coded_enum! {
    /// Whether a person is currently served and paid. A person who misses the yearly check is
    /// suspended, never deleted; death stops payment from the following month.
    pub enum PersonStatus ("人员状态") {
        Normal => "normal", "正常", ["在册"];
        Suspended => "suspended", "暂停", ["停发", "暂停发放"];
        Deceased => "deceased", "死亡", ["去世", "已故", "病故"];
        MovedOut => "moved_out", "迁出", ["转出", "已迁出"];
    }
}

coded_enum! {
    /// Cause of a serviceman's disability. Rates differ by cause, and 因病 has grades 1–6 only.
    pub enum DisabilityCause ("致残原因") {
        War => "war", "因战", ["战伤", "因战致残"];
        Duty => "duty", "因公", ["公伤", "因公致残"];
        Illness => "illness", "因病", ["病残", "因病致残"];
    }
}

coded_enum! {
    /// The registry categories the county pays or serves. A person may hold several at once.
    pub enum Category ("优抚类别") {
        DisabledServiceman => "disabled_serviceman", "残疾军人", ["伤残军人", "残疾退役军人"];
        MartyrSurvivor => "martyr_survivor", "烈士遗属", ["烈属", "烈士家属"];
        DutyDeathSurvivor => "duty_death_survivor", "因公牺牲军人遗属", ["因公牺牲遗属"];
        IllnessDeathSurvivor => "illness_death_survivor", "病故军人遗属", ["病故遗属"];
        /// Entered service by 1954-10-31.
        Demobilized => "demobilized", "在乡复员军人", ["复员军人"];
        IllReturnee => "ill_returnee", "带病回乡退伍军人", ["带病回乡"];
        /// Including the 8023 unit and nuclear tests.
        WarVeteran => "war_veteran", "参战参试退役人员", ["参战退役人员", "参试退役人员", "参战参试人员"];
        /// Aged 60 or over.
        MartyrElderlyChild => "martyr_elderly_child", "烈士老年子女", [];
        /// The 老兵生活补助 group: entered service 1954-11-01..=2011-10-31, 60+, rural.
        RuralVeteran => "rural_veteran", "农村籍退役士兵", ["农村退役士兵"];
        Veteran => "veteran", "退役军人", [];
        ActiveFamily => "active_family", "现役军人家属", ["军属", "现役军属"];
        PreferentialCard => "preferential_card", "优待证持证人", ["优待证", "优待证持有人"];
    }
}

coded_enum! {
    /// A survivor's relation to the serviceman the benefit derives from.
    pub enum Relation ("与军人关系") {
        Parent => "parent", "父母", ["父亲", "母亲"];
        Spouse => "spouse", "配偶", ["妻子", "丈夫"];
        Child => "child", "子女", ["儿子", "女儿"];
        Sibling => "sibling", "兄弟姐妹", ["兄弟", "姐妹", "哥哥", "弟弟", "姐姐", "妹妹"];
    }
}

impl Category {
    /// The three survivor groups (三属): they carry a [`Relation`] to a serviceman.
    pub fn is_survivor(self) -> bool {
        matches!(self, Category::MartyrSurvivor | Category::DutyDeathSurvivor | Category::IllnessDeathSurvivor)
    }

    /// Whether a record of this category must carry a disability cause and grade.
    pub fn needs_disability(self) -> bool {
        self == Category::DisabledServiceman
    }
}

/// A disability grade, 1 (most severe) to 10. Note the derived order is numeric, so the *smaller*
/// grade is the more severe one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct DisabilityGrade(u8);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GradeError {
    #[error("残疾等级不能为空，请填写1至10级，如 6 或 六级")]
    Empty,
    #[error("无法识别残疾等级“{0}”，请填写1至10级，如 6、6级 或 六级")]
    Unrecognised(String),
    #[error("残疾等级只有1至10级（1级最重），“{0}”不在范围内，请核对")]
    OutOfRange(String),
}

const GRADE_LABELS: [&str; 10] = ["一级", "二级", "三级", "四级", "五级", "六级", "七级", "八级", "九级", "十级"];

impl DisabilityGrade {
    /// Grades 1 to 10 in order.
    pub const ALL: [DisabilityGrade; 10] = [
        DisabilityGrade(1),
        DisabilityGrade(2),
        DisabilityGrade(3),
        DisabilityGrade(4),
        DisabilityGrade(5),
        DisabilityGrade(6),
        DisabilityGrade(7),
        DisabilityGrade(8),
        DisabilityGrade(9),
        DisabilityGrade(10),
    ];

    /// A grade from its number, e.g. as stored in the database.
    pub fn new(grade: u8) -> Result<DisabilityGrade, GradeError> {
        if (1..=10).contains(&grade) {
            Ok(DisabilityGrade(grade))
        } else {
            Err(GradeError::OutOfRange(grade.to_string()))
        }
    }

    /// Reads `6`, `6级`, `六级`, `六`, `十级`, full-width digits, with spaces anywhere.
    pub fn parse(raw: &str) -> Result<DisabilityGrade, GradeError> {
        let key = label_key(raw);
        if key.is_empty() {
            return Err(GradeError::Empty);
        }
        let body = key.strip_suffix('级').unwrap_or(&key);
        if !body.is_empty() && body.bytes().all(|b| b.is_ascii_digit()) {
            // Parse wide so that `255` or `300` is "out of range", not "unrecognised".
            let grade = body.parse::<u32>().ok().and_then(|n| u8::try_from(n).ok());
            return grade.and_then(|n| Self::new(n).ok()).ok_or_else(|| GradeError::OutOfRange(raw.trim().to_owned()));
        }
        GRADE_LABELS
            .iter()
            .position(|l| l.strip_suffix('级') == Some(body))
            .map(|i| DisabilityGrade(i as u8 + 1))
            .ok_or_else(|| GradeError::Unrecognised(raw.trim().to_owned()))
    }

    pub fn get(self) -> u8 {
        self.0
    }

    /// `一级` … `十级`.
    pub fn label(self) -> &'static str {
        GRADE_LABELS[usize::from(self.0 - 1)]
    }

    /// Grades 1 to 10 in order (the same as [`Self::ALL`]).
    pub fn all() -> impl Iterator<Item = DisabilityGrade> {
        DisabilityGrade::ALL.into_iter()
    }
}

impl fmt::Display for DisabilityGrade {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

impl<'de> Deserialize<'de> for DisabilityGrade {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let n = u8::deserialize(d)?;
        DisabilityGrade::new(n).map_err(serde::de::Error::custom)
    }
}

/// Whether a grade exists for a cause: 因病 disability is assessed at grades 1–6 only.
pub fn check_grade(cause: DisabilityCause, grade: DisabilityGrade) -> Result<(), String> {
    if cause == DisabilityCause::Illness && grade.get() > 6 {
        return Err(format!("因病致残只评一级至六级，{}不适用，请核对致残原因或残疾等级", grade.label()));
    }
    Ok(())
}

/// Splits a cell holding several values (`残疾军人、退役军人`, `烈属;军属`) on `、 ; ； , ， / ／`
/// and white space, trimming each part and dropping empty ones.
pub fn split_multi(raw: &str) -> Vec<String> {
    raw.split(|c: char| matches!(c, '、' | ';' | '；' | ',' | '，' | '/' | '／') || c.is_whitespace())
        .filter(|p| !p.is_empty())
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Codes, labels and `ALL` of one enum agree with each other and are unique.
    fn check_table<T: Copy + PartialEq + fmt::Debug>(
        all: &[T],
        code: fn(T) -> &'static str,
        from_code: fn(&str) -> Option<T>,
        label: fn(T) -> &'static str,
        parse_label: fn(&str) -> Option<T>,
        parse: fn(&str) -> Result<T, LabelError>,
        synonyms: fn(T) -> &'static [&'static str],
    ) {
        let mut seen = std::collections::HashSet::new();
        for &v in all {
            let c = code(v);
            assert!(c.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'), "{c} is not snake_case");
            assert!(seen.insert(c), "duplicate code {c}");
            assert!(seen.insert(label(v)), "duplicate label {}", label(v));
            assert_eq!(from_code(c), Some(v));
            assert_eq!(parse_label(label(v)), Some(v));
            assert_eq!(parse_label(&format!(" {} ", label(v))), Some(v));
            assert_eq!(parse_label(c), None, "codes are not labels");
            assert_eq!(parse(c), Ok(v));
            assert_eq!(parse(&format!(" {c} ")), Ok(v));
            assert_eq!(parse(label(v)), Ok(v));
            for s in synonyms(v) {
                assert!(seen.insert(s), "synonym {s} used twice");
                assert_eq!(parse_label(s), Some(v), "{s}");
                assert_eq!(parse(s), Ok(v), "{s}");
            }
        }
        assert_eq!(from_code("nonsense"), None);
        assert_eq!(parse_label(""), None);
        assert_eq!(parse_label("不知道"), None);
        assert!(parse("").is_err());
        assert!(parse("不知道").is_err());
    }

    macro_rules! check {
        ($t:ident) => {
            check_table(&$t::ALL, $t::code, $t::from_code, $t::label, $t::parse_label, $t::parse, $t::synonyms)
        };
    }

    #[test]
    fn every_table_is_consistent() {
        check!(Registration);
        check!(PersonStatus);
        check!(DisabilityCause);
        check!(Category);
        check!(Relation);
    }

    #[test]
    fn codes_are_the_stored_ones() {
        // These strings are in the database: changing one needs a migration.
        let codes: Vec<&str> = Category::ALL.map(Category::code).to_vec();
        assert_eq!(
            codes,
            [
                "disabled_serviceman",
                "martyr_survivor",
                "duty_death_survivor",
                "illness_death_survivor",
                "demobilized",
                "ill_returnee",
                "war_veteran",
                "martyr_elderly_child",
                "rural_veteran",
                "veteran",
                "active_family",
                "preferential_card",
            ]
        );
        assert_eq!(Registration::ALL.map(Registration::code), ["rural", "urban"]);
        assert_eq!(PersonStatus::ALL.map(PersonStatus::code), ["normal", "suspended", "deceased", "moved_out"]);
        assert_eq!(DisabilityCause::ALL.map(DisabilityCause::code), ["war", "duty", "illness"]);
        assert_eq!(Relation::ALL.map(Relation::code), ["parent", "spouse", "child", "sibling"]);
    }

    #[test]
    fn synonyms_from_the_brief() {
        use Category as C;
        for (raw, want) in [
            ("农业", Registration::Rural),
            ("农村户口", Registration::Rural),
            ("农 村", Registration::Rural),
            ("非农业", Registration::Urban),
            ("城市", Registration::Urban),
            ("城镇户口", Registration::Urban),
        ] {
            assert_eq!(Registration::parse_label(raw), Some(want), "{raw}");
        }
        for (raw, want) in
            [("停发", PersonStatus::Suspended), ("去世", PersonStatus::Deceased), ("已故", PersonStatus::Deceased)]
        {
            assert_eq!(PersonStatus::parse_label(raw), Some(want), "{raw}");
        }
        for (raw, want) in [
            ("伤残军人", C::DisabledServiceman),
            ("烈属", C::MartyrSurvivor),
            ("复员军人", C::Demobilized),
            ("参战退役人员", C::WarVeteran),
            ("参试退役人员", C::WarVeteran),
            ("军属", C::ActiveFamily),
            ("优待证", C::PreferentialCard),
            ("因公牺牲军人遗属", C::DutyDeathSurvivor),
        ] {
            assert_eq!(Category::parse_label(raw), Some(want), "{raw}");
        }
        for (raw, want) in [
            ("父亲", Relation::Parent),
            ("母亲", Relation::Parent),
            ("妻子", Relation::Spouse),
            ("丈夫", Relation::Spouse),
            ("儿子", Relation::Child),
            ("女儿", Relation::Child),
            ("兄弟姐妹", Relation::Sibling),
        ] {
            assert_eq!(Relation::parse_label(raw), Some(want), "{raw}");
        }
        assert_eq!(DisabilityCause::parse_label("战伤"), Some(DisabilityCause::War));
        assert_eq!(DisabilityCause::parse("illness"), Ok(DisabilityCause::Illness));
    }

    #[test]
    fn label_errors_list_the_choices() {
        let e = Registration::parse(" 城乡 ").unwrap_err();
        assert_eq!(e.to_string(), "无法识别的户籍性质“城乡”，请填写：农村、城镇");
        let e = Relation::parse("叔叔").unwrap_err().to_string();
        assert!(e.contains("父母、配偶、子女、兄弟姐妹"), "{e}");
    }

    #[test]
    fn survivors_and_disability() {
        let survivors: Vec<Category> = Category::ALL.into_iter().filter(|c| c.is_survivor()).collect();
        assert_eq!(survivors, [Category::MartyrSurvivor, Category::DutyDeathSurvivor, Category::IllnessDeathSurvivor]);
        let disabled: Vec<Category> = Category::ALL.into_iter().filter(|c| c.needs_disability()).collect();
        assert_eq!(disabled, [Category::DisabledServiceman]);
    }

    #[test]
    fn grades_parse_in_every_written_form() {
        for (raw, want) in [
            ("6", 6),
            ("6级", 6),
            ("六级", 6),
            ("六", 6),
            (" 6 级 ", 6),
            ("６", 6),
            ("６级", 6),
            ("一级", 1),
            ("二级", 2),
            ("三级", 3),
            ("四级", 4),
            ("五级", 5),
            ("七级", 7),
            ("八级", 8),
            ("九级", 9),
            ("十级", 10),
            ("10", 10),
            ("01", 1),
        ] {
            assert_eq!(DisabilityGrade::parse(raw).map(DisabilityGrade::get), Ok(want), "{raw}");
        }
        for (raw, want) in [
            ("", GradeError::Empty),
            ("  ", GradeError::Empty),
            ("0", GradeError::OutOfRange("0".into())),
            ("11级", GradeError::OutOfRange("11级".into())),
            ("300", GradeError::OutOfRange("300".into())),
            ("十一级", GradeError::Unrecognised("十一级".into())),
            ("级", GradeError::Unrecognised("级".into())),
            ("6.5", GradeError::Unrecognised("6.5".into())),
            ("-1", GradeError::Unrecognised("-1".into())),
        ] {
            assert_eq!(DisabilityGrade::parse(raw), Err(want), "{raw}");
        }
        assert_eq!(
            DisabilityGrade::parse("11").unwrap_err().to_string(),
            "残疾等级只有1至10级（1级最重），“11”不在范围内，请核对"
        );
    }

    #[test]
    fn grade_labels_round_trip() {
        for g in DisabilityGrade::all() {
            assert_eq!(DisabilityGrade::parse(g.label()), Ok(g));
            assert_eq!(DisabilityGrade::parse(&g.get().to_string()), Ok(g));
            assert_eq!(g.to_string(), g.label());
        }
        assert_eq!(DisabilityGrade::all().count(), 10);
        assert_eq!(DisabilityGrade::ALL.map(DisabilityGrade::get), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
        assert_eq!(DisabilityGrade::new(0), Err(GradeError::OutOfRange("0".into())));
        assert_eq!(DisabilityGrade::new(11), Err(GradeError::OutOfRange("11".into())));
    }

    #[test]
    fn illness_has_grades_one_to_six_only() {
        for cause in DisabilityCause::ALL {
            for g in DisabilityGrade::all() {
                let ok = cause != DisabilityCause::Illness || g.get() <= 6;
                assert_eq!(check_grade(cause, g).is_ok(), ok, "{cause} {g}");
            }
        }
        let e = check_grade(DisabilityCause::Illness, DisabilityGrade::new(7).unwrap()).unwrap_err();
        assert_eq!(e, "因病致残只评一级至六级，七级不适用，请核对致残原因或残疾等级");
    }

    #[test]
    fn splits_multi_valued_cells() {
        for (raw, want) in [
            ("残疾军人、退役军人", vec!["残疾军人", "退役军人"]),
            ("烈属;军属；优待证", vec!["烈属", "军属", "优待证"]),
            (" a , b，c/d ", vec!["a", "b", "c", "d"]),
            ("甲\u{3000}乙\t丙\n丁", vec!["甲", "乙", "丙", "丁"]),
            ("、、 ,", vec![]),
            ("", vec![]),
            ("退役军人", vec!["退役军人"]),
        ] {
            assert_eq!(split_multi(raw), want, "{raw}");
        }
    }

    proptest::proptest! {
        #[test]
        fn split_parts_are_clean(s in "[a-c、;；,，/ ]{0,20}") {
            for part in split_multi(&s) {
                proptest::prop_assert!(!part.is_empty());
                proptest::prop_assert!(part.chars().all(|c| ('a'..='c').contains(&c)), "{part}");
            }
        }
    }
}
