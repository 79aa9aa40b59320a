//! The report model: figures computed from records (each with the words reports use and a link to
//! the records behind it), the five sections of the county's summary, and the summary's template —
//! text staff edit, with `{key}` where a figure goes.

use std::collections::BTreeMap;

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
    Text(String),
    /// A figure by key, as found in the figures given.
    Figure(Figure),
    /// A `{key}` with no such figure: shown, so the template's author sees it.
    Missing(String),
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
                Span::Text(t) => t.clone(),
                Span::Figure(f) => f.words(),
                Span::Missing(k) => format!("【缺少数据：{k}】"),
            })
            .collect()
    }
}

/// Renders a template: `# ` starts the title, `## ` a heading, any other non-empty line is a
/// paragraph; `{key}` is replaced by the figure of that key (or by a plain value from `vars`, such
/// as `{from}` and `{county}`). `{{` writes a brace.
pub fn render(template: &str, figures: &BTreeMap<String, Figure>, vars: &BTreeMap<&str, String>) -> Vec<Block> {
    let mut out = Vec::new();
    for line in template.lines() {
        let line = line.trim_end();
        if line.trim().is_empty() || line.trim_start().starts_with("//") {
            continue;
        }
        let (kind, body) = if let Some(b) = line.strip_prefix("## ") {
            (1, b)
        } else if let Some(b) = line.strip_prefix("# ") {
            (0, b)
        } else {
            (2, line.trim_start())
        };
        let spans = spans(body, figures, vars);
        out.push(match kind {
            0 => Block::Title(spans),
            1 => Block::Heading(spans),
            _ => Block::Paragraph(spans),
        });
    }
    out
}

fn spans(body: &str, figures: &BTreeMap<String, Figure>, vars: &BTreeMap<&str, String>) -> Vec<Span> {
    let mut out = Vec::new();
    let mut text = String::new();
    let mut rest = body;
    while let Some(i) = rest.find(['{', '}']) {
        text.push_str(&rest[..i]);
        let tail = &rest[i..];
        if tail.starts_with("{{") || tail.starts_with("}}") {
            text.push_str(&tail[..1]);
            rest = &tail[2..];
            continue;
        }
        if let Some(after) = tail.strip_prefix('}') {
            text.push('}');
            rest = after;
            continue;
        }
        match tail.find('}') {
            Some(end) => {
                let key = tail[1..end].trim();
                if let Some(v) = vars.get(key) {
                    text.push_str(v);
                } else {
                    if !text.is_empty() {
                        out.push(Span::Text(std::mem::take(&mut text)));
                    }
                    out.push(match figures.get(key) {
                        Some(f) => Span::Figure(f.clone()),
                        None => Span::Missing(key.to_owned()),
                    });
                }
                rest = &tail[end + 1..];
            }
            None => {
                text.push_str(tail);
                rest = "";
            }
        }
    }
    text.push_str(rest);
    if !text.is_empty() {
        out.push(Span::Text(text));
    }
    out
}

/// The keys a template uses (for the editor: which figures exist, which are missing).
pub fn keys(template: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = template;
    while let Some(i) = rest.find('{') {
        let tail = &rest[i..];
        if let Some(after) = tail.strip_prefix("{{") {
            rest = after;
            continue;
        }
        match tail.find('}') {
            Some(end) => {
                let k = tail[1..end].trim().to_owned();
                if !out.contains(&k) {
                    out.push(k);
                }
                rest = &tail[end + 1..];
            }
            None => break,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::figures::More;

    fn figs() -> BTreeMap<String, Figure> {
        let mut m = BTreeMap::new();
        for f in [
            Figure::new(
                "roads",
                Section::Support,
                "国防公路投入",
                228_600_000,
                "元",
                Style::About(More::Yu),
                "/support?kind=road".into(),
            ),
            Figure::new("veterans", Section::Policy, "老兵生活补助", 116, "名", Style::Exact, "/benefits".into()),
        ] {
            m.insert(f.key.clone(), f);
        }
        m
    }

    #[test]
    fn a_template_renders_with_figures_and_vars() {
        let mut vars = BTreeMap::new();
        vars.insert("county", "岢岚县".to_owned());
        vars.insert("from", "2020".to_owned());
        let t = "# {county}{from}年以来双拥工作总结\n\n## 一、强化服务保障\n投入国防公路建设资金{roads}，为{veterans}老兵落实生活补助{{特此}}。\n// a note for the author\n{nope}";
        let blocks = render(t, &figs(), &vars);
        assert_eq!(blocks.len(), 4);
        assert_eq!(blocks[0].text(), "岢岚县2020年以来双拥工作总结");
        assert!(matches!(blocks[1], Block::Heading(_)));
        assert_eq!(blocks[2].text(), "投入国防公路建设资金近2.3亿元，为116名老兵落实生活补助{特此}。");
        assert!(matches!(&blocks[2].spans()[1], Span::Figure(f) if f.href == "/support?kind=road"));
        assert_eq!(blocks[3].text(), "【缺少数据：nope】");
        assert_eq!(keys(t), vec!["county", "from", "roads", "veterans", "nope"]);
    }
}
