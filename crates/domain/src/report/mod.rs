//! The report model: figures computed from records (each with the words reports use and a link to
//! the records behind it), lists of names that records carry, the five sections of the county's
//! summary, and the summary's template ([`template`]) — text staff edit, with `{key}` where a
//! figure goes and conditional blocks around what only some counties have.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::figures::{Style, words};

/// The five sections of a 双拥 summary, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Section {
    Leadership,
    Publicity,
    Support,
    Policy,
    Purpose,
}

impl Section {
    pub const ALL: [Section; 5] =
        [Section::Leadership, Section::Publicity, Section::Support, Section::Policy, Section::Purpose];

    /// 组织领导 …
    pub fn label(self) -> &'static str {
        match self {
            Section::Leadership => "组织领导",
            Section::Publicity => "宣传教育",
            Section::Support => "服务保障",
            Section::Policy => "政策落实",
            Section::Purpose => "宗旨意识",
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Section::Leadership => "leadership",
            Section::Publicity => "publicity",
            Section::Support => "support",
            Section::Policy => "policy",
            Section::Purpose => "purpose",
        }
    }
}

/// A figure: a value counted or summed from records, how reports write it, and where its records are.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Figure {
    pub key: String,
    pub section: Section,
    /// What it counts, for the dashboard: 老兵生活补助在享受人数.
    pub label: String,
    pub value: i64,
    /// 元, 人次, 次 …
    pub measure: String,
    #[serde(skip)]
    pub style: Style,
    /// The list of records the figure was computed from.
    pub href: String,
}

impl Figure {
    pub fn new(
        key: &str,
        section: Section,
        label: &str,
        value: i64,
        measure: &str,
        style: Style,
        href: String,
    ) -> Figure {
        Figure {
            key: key.to_owned(),
            section,
            label: label.to_owned(),
            value,
            measure: measure.to_owned(),
            style,
            href,
        }
    }

    /// The figure in words: 近2.3亿元.
    pub fn words(&self) -> String {
        words(self.value, self.measure.as_str(), self.style)
    }
}

/// A piece of a paragraph.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Span {
    /// The template's own words.
    Text(String),
    /// A figure computed from records.
    Figure(Figure),
    /// A name a record carries (a base, a village, a working body, the county) or a value of the
    /// records such as the months paid.
    Name(String),
}

/// A block of the summary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    Title(Vec<Span>),
    Heading(Vec<Span>),
    Paragraph(Vec<Span>),
}

impl Block {
    pub fn spans(&self) -> &[Span] {
        match self {
            Block::Title(s) | Block::Heading(s) | Block::Paragraph(s) => s,
        }
    }

    /// The block as plain text (figures in words).
    pub fn text(&self) -> String {
        self.spans()
            .iter()
            .map(|s| match s {
                Span::Text(t) | Span::Name(t) => t.clone(),
                Span::Figure(f) => f.words(),
            })
            .collect()
    }
}

/// One named item of a list: a base and its visits, a category and its funds, a village.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Entry {
    pub name: String,
    pub figure: Option<Figure>,
}

/// What the records say for a scope and span of years: figures by key, lists of named items by
/// key, and plain values (the county's name, the years).
#[derive(Debug, Clone, Default)]
pub struct Facts {
    pub figures: BTreeMap<String, Figure>,
    pub lists: BTreeMap<String, Vec<Entry>>,
    pub vars: BTreeMap<String, String>,
    /// Every key the system can fill, whether or not these records have it: a key outside this
    /// set is a mistake in the template, not a gap in the records.
    pub known: BTreeSet<String>,
}

impl Facts {
    /// Every name the facts carry: the lists' names and the plain values.
    pub fn names(&self) -> BTreeSet<&str> {
        let lists = self.lists.values().flatten().map(|e| e.name.as_str());
        lists.chain(self.vars.values().map(String::as_str)).collect()
    }
}

pub mod template;
pub use template::{check, render};

#[cfg(test)]
mod tests;
