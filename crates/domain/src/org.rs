//! The organisation tree: county → township → village/community/enterprise, with resident military
//! units under the county. Every unit has a path code in the GB/T 2260 style (`140929`,
//! `140929/01`, `140929/01/003`); a user's scope is a path, and "may see" is a prefix test.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A validated path code of an org unit.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct OrgPath(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OrgPathError {
    #[error("单位编码不能为空，请填写如 140929 或 140929/01 的编码")]
    Empty,
    #[error("县级编码应为6位数字（如 140929），请检查“{0}”")]
    BadCounty(String),
    #[error("下级编码第{level}级应为{width}位数字（如 {example}），请检查“{segment}”")]
    BadSegment { level: usize, width: usize, example: &'static str, segment: String },
    #[error("单位编码最多三级（县/乡镇/村），请检查“{0}”")]
    TooDeep(String),
}

impl OrgPath {
    /// Parses a path such as `140929/01/003`.
    pub fn parse(raw: &str) -> Result<Self, OrgPathError> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Err(OrgPathError::Empty);
        }
        let segments: Vec<&str> = raw.split('/').collect();
        if segments.len() > 3 {
            return Err(OrgPathError::TooDeep(raw.to_owned()));
        }
        let county = segments[0];
        if county.len() != 6 || !county.bytes().all(|b| b.is_ascii_digit()) {
            return Err(OrgPathError::BadCounty(county.to_owned()));
        }
        for (i, seg) in segments.iter().enumerate().skip(1) {
            let (width, example) = if i == 1 { (2, "01") } else { (3, "003") };
            if seg.len() != width || !seg.bytes().all(|b| b.is_ascii_digit()) {
                return Err(OrgPathError::BadSegment { level: i + 1, width, example, segment: (*seg).to_owned() });
            }
        }
        Ok(Self(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// 1 for the county, 2 for a township or resident unit, 3 for a village.
    pub fn depth(&self) -> usize {
        self.0.split('/').count()
    }

    /// The county code, the first segment (the distribution key of every table).
    pub fn county(&self) -> &str {
        self.0.split('/').next().unwrap_or(&self.0)
    }

    pub fn parent(&self) -> Option<OrgPath> {
        self.0.rsplit_once('/').map(|(p, _)| OrgPath(p.to_owned()))
    }

    /// The last segment, e.g. `003` of `140929/01/003`.
    pub fn last_segment(&self) -> &str {
        self.0.rsplit('/').next().unwrap_or(&self.0)
    }

    /// A child path with the given segment, validated.
    pub fn child(&self, segment: &str) -> Result<OrgPath, OrgPathError> {
        OrgPath::parse(&format!("{}/{}", self.0, segment))
    }

    /// Whether `other` is this unit or lies below it: the scope test.
    pub fn contains(&self, other: &OrgPath) -> bool {
        other.0 == self.0
            || (other.0.len() > self.0.len()
                && other.0.starts_with(&self.0)
                && other.0.as_bytes()[self.0.len()] == b'/')
    }

    /// The SQL `LIKE` pattern for the strict descendants of this path (`140929/01/%`). Paths are
    /// digits and slashes only, so no LIKE wildcard can hide in them.
    pub fn descendants_pattern(&self) -> String {
        format!("{}/%", self.0)
    }
}

impl fmt::Display for OrgPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for OrgPath {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        OrgPath::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// The kind of an org unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrgKind {
    County,
    Township,
    Subdistrict,
    Village,
    Community,
    Enterprise,
    MilitaryUnit,
}

impl OrgKind {
    pub const ALL: [OrgKind; 7] = [
        OrgKind::County,
        OrgKind::Township,
        OrgKind::Subdistrict,
        OrgKind::Village,
        OrgKind::Community,
        OrgKind::Enterprise,
        OrgKind::MilitaryUnit,
    ];

    pub fn code(self) -> &'static str {
        match self {
            OrgKind::County => "county",
            OrgKind::Township => "township",
            OrgKind::Subdistrict => "subdistrict",
            OrgKind::Village => "village",
            OrgKind::Community => "community",
            OrgKind::Enterprise => "enterprise",
            OrgKind::MilitaryUnit => "military_unit",
        }
    }

    pub fn from_code(code: &str) -> Option<OrgKind> {
        OrgKind::ALL.into_iter().find(|k| k.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            OrgKind::County => "县",
            OrgKind::Township => "乡镇",
            OrgKind::Subdistrict => "街道",
            OrgKind::Village => "村",
            OrgKind::Community => "社区",
            OrgKind::Enterprise => "企事业单位",
            OrgKind::MilitaryUnit => "驻地部队",
        }
    }

    /// The depth of path a unit of this kind has.
    pub fn depth(self) -> usize {
        match self {
            OrgKind::County => 1,
            OrgKind::Township | OrgKind::Subdistrict | OrgKind::MilitaryUnit => 2,
            OrgKind::Village | OrgKind::Community | OrgKind::Enterprise => 3,
        }
    }

    /// The kinds a new unit may have under a parent of this kind.
    pub fn child_kinds(self) -> &'static [OrgKind] {
        match self {
            OrgKind::County => &[OrgKind::Township, OrgKind::Subdistrict, OrgKind::MilitaryUnit],
            OrgKind::Township | OrgKind::Subdistrict => &[OrgKind::Village, OrgKind::Community, OrgKind::Enterprise],
            _ => &[],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_three_levels() {
        for ok in ["140929", "140929/01", "140929/01/003", " 140929/12 "] {
            assert!(OrgPath::parse(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "14092",
            "1409290",
            "140929/1",
            "140929/01/3",
            "140929/01/003/1",
            "14092a",
            "140929/0a",
            "140929//01",
            "140929/01/%",
        ] {
            assert!(OrgPath::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(OrgPath::parse("140929/01/003").unwrap().depth(), 3);
    }

    #[test]
    fn errors_say_what_to_fix_in_chinese() {
        let e = OrgPath::parse("140929/1").unwrap_err().to_string();
        assert!(e.contains("第2级应为2位数字"), "{e}");
    }

    #[test]
    fn contains_is_a_prefix_on_whole_segments() {
        let county = OrgPath::parse("140929").unwrap();
        let t1 = OrgPath::parse("140929/01").unwrap();
        let t10 = OrgPath::parse("140929/10").unwrap();
        let v = OrgPath::parse("140929/01/003").unwrap();
        assert!(county.contains(&county));
        assert!(county.contains(&v));
        assert!(t1.contains(&v));
        assert!(!t10.contains(&v));
        assert!(!v.contains(&t1));
        assert!(!OrgPath::parse("140920").unwrap().contains(&t1));
        assert_eq!(v.parent(), Some(t1.clone()));
        assert_eq!(t1.descendants_pattern(), "140929/01/%");
    }

    proptest::proptest! {
        #[test]
        fn contains_agrees_with_parent_chain(t in 0u8..100, v in 0u16..1000, t2 in 0u8..100) {
            let a = OrgPath::parse(&format!("140929/{t:02}")).unwrap();
            let b = OrgPath::parse(&format!("140929/{t2:02}/{v:03}")).unwrap();
            proptest::prop_assert_eq!(a.contains(&b), b.parent() == Some(a.clone()));
        }
    }
}
