//! The summary's template: text a county edits, filled from its records.
//!
//! - A line starting with `# ` is the title, `## ` a heading, `//` a note for the author; any other
//!   line is a paragraph.
//! - `{key}` writes a figure (近2.3亿元, linked to its records) or a plain value (`{county}`,
//!   `{from}`, `{to}`); `{names:key}` writes the names of a list (毛主席路居馆、烈士陵园).
//! - `{if key}…{else}…{end}` writes its first part when the records have the key (a figure other
//!   than zero, a list with a name), else the second; `{if !key}` is the opposite, `{if key>1}`,
//!   `{if key>=2}`, `{if key=1}` compare a figure; several conditions, separated by spaces, must all
//!   hold, and `{if a or b}` holds when either does. A block may span lines when `{if …}` and
//!   `{end}` stand on lines of their own.
//! - `{each key}…{end}` writes its body once for each item of a list, where `{name}` is the item's
//!   name and `{value}` its figure; `{each key|，}` separates the items with `，` (default `、`).
//! - `{{` and `}}` write braces.
//!
//! What the records lack is never written: a clause (up to `，`, `；` or `。`) holding a figure of
//! zero or a key the records do not have is left out, and the sentence closed where it now ends;
//! a heading with no figure under it is dropped and the headings renumbered (一、二、…).

use std::collections::BTreeMap;

use super::{Block, Entry, Facts, Figure, Span};

#[derive(Debug, Clone, PartialEq, Eq)]
enum Cond {
    Has(String),
    Not(String),
    Cmp(String, Op, i64),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Gt,
    Ge,
    Eq,
    Lt,
    Le,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Node {
    Text(String),
    Field(String),
    Names(String),
    /// Alternatives (`or`), each a list of conditions that must all hold.
    If {
        conds: Vec<Vec<Cond>>,
        then: Vec<Node>,
        other: Vec<Node>,
    },
    Each {
        key: String,
        sep: String,
        body: Vec<Node>,
    },
}

/// A tag of the template: `{…}` without the braces.
enum Tag {
    Field(String),
    Names(String),
    If(Vec<Vec<Cond>>),
    Else,
    End,
    Each(String, String),
}

fn parse_cond(raw: &str) -> Result<Cond, String> {
    if let Some(k) = raw.strip_prefix('!') {
        return Ok(Cond::Not(k.trim().to_owned()));
    }
    for (sym, op) in [(">=", Op::Ge), ("<=", Op::Le), (">", Op::Gt), ("<", Op::Lt), ("=", Op::Eq)] {
        if let Some((k, n)) = raw.split_once(sym) {
            let n = n.trim().parse::<i64>().map_err(|_| format!("条件“{raw}”中“{sym}”后应为整数，如 {{if {k}>1}}"))?;
            return Ok(Cond::Cmp(k.trim().to_owned(), op, n));
        }
    }
    Ok(Cond::Has(raw.to_owned()))
}

fn parse_tag(inner: &str) -> Result<Tag, String> {
    let inner = inner.trim();
    if inner == "else" {
        return Ok(Tag::Else);
    }
    if inner == "end" {
        return Ok(Tag::End);
    }
    if let Some(rest) = inner.strip_prefix("if ") {
        let mut alternatives = Vec::new();
        for alt in rest.split(" or ") {
            let conds = alt.split_whitespace().map(parse_cond).collect::<Result<Vec<_>, _>>()?;
            if conds.is_empty() {
                return Err("{if} 后应写数据项，如 {if evacuation_ops}，或 {if a or b}".to_owned());
            }
            alternatives.push(conds);
        }
        return Ok(Tag::If(alternatives));
    }
    if let Some(rest) = inner.strip_prefix("each ") {
        let (key, sep) = rest.split_once('|').unwrap_or((rest, "、"));
        return Ok(Tag::Each(key.trim().to_owned(), sep.to_owned()));
    }
    if let Some(key) = inner.strip_prefix("names:") {
        return Ok(Tag::Names(key.trim().to_owned()));
    }
    if inner.is_empty() {
        return Err("有一处空的 {}：请写上数据项名称，或用 {{ 和 }} 写花括号".to_owned());
    }
    Ok(Tag::Field(inner.to_owned()))
}

/// An open block while parsing: what it is and the nodes gathered so far.
enum Frame {
    Root(Vec<Node>),
    If { conds: Vec<Vec<Cond>>, then: Vec<Node>, other: Option<Vec<Node>> },
    Each { key: String, sep: String, body: Vec<Node> },
}

impl Frame {
    fn push(&mut self, n: Node) {
        match self {
            Frame::Root(v) | Frame::Each { body: v, .. } => v.push(n),
            Frame::If { then, other, .. } => other.as_mut().unwrap_or(then).push(n),
        }
    }
}

/// Parses a template into nodes, with the first mistake as a sentence for its author.
fn parse(template: &str) -> Result<Vec<Node>, String> {
    // Notes for the author are whole lines; everything else, line breaks included, is parsed.
    let body: String = template
        .replace("\r\n", "\n")
        .lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .map(|l| format!("{}\n", l.trim_end()))
        .collect();
    let mut stack = vec![Frame::Root(Vec::new())];
    let mut text = String::new();
    let mut rest = body.as_str();
    fn add(stack: &mut [Frame], n: Node) {
        if let Some(f) = stack.last_mut() {
            f.push(n);
        }
    }
    let flush = |text: &mut String, stack: &mut Vec<Frame>| {
        if !text.is_empty() {
            add(stack, Node::Text(std::mem::take(text)));
        }
    };
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
        let Some(end) = tail.find('}') else {
            return Err(format!("“{}”处的 {{ 没有对应的 }}", tail.chars().take(12).collect::<String>()));
        };
        let inner = &tail[1..end];
        if inner.contains('{') || inner.contains('\n') {
            return Err(format!("“{{{}”处的 {{ 没有对应的 }}", inner.chars().take(12).collect::<String>()));
        }
        rest = &tail[end + 1..];
        flush(&mut text, &mut stack);
        match parse_tag(inner)? {
            Tag::Field(k) => add(&mut stack, Node::Field(k)),
            Tag::Names(k) => add(&mut stack, Node::Names(k)),
            Tag::If(conds) => stack.push(Frame::If { conds, then: Vec::new(), other: None }),
            Tag::Each(key, sep) => stack.push(Frame::Each { key, sep, body: Vec::new() }),
            Tag::Else => match stack.last_mut() {
                Some(Frame::If { other: other @ None, .. }) => *other = Some(Vec::new()),
                _ => return Err("有一处 {else} 不在 {if …} 和 {end} 之间".to_owned()),
            },
            Tag::End => {
                let node = match stack.pop() {
                    Some(Frame::If { conds, then, other }) => {
                        Node::If { conds, then, other: other.unwrap_or_default() }
                    }
                    Some(Frame::Each { key, sep, body }) => Node::Each { key, sep, body },
                    _ => return Err("有一处 {end} 前面没有对应的 {if …} 或 {each …}".to_owned()),
                };
                add(&mut stack, node);
            }
        }
    }
    text.push_str(rest);
    flush(&mut text, &mut stack);
    match stack.pop() {
        Some(Frame::Root(nodes)) if stack.is_empty() => Ok(nodes),
        _ => Err("有 {if …} 或 {each …} 没有以 {end} 结束".to_owned()),
    }
}

/// Every key the nodes use, in order, each with whether it stands inside an `{each}`.
fn key_uses(nodes: &[Node], in_each: bool, out: &mut Vec<(String, bool)>) {
    for n in nodes {
        match n {
            Node::Text(_) => {}
            Node::Field(k) | Node::Names(k) => out.push((k.clone(), in_each)),
            Node::If { conds, then, other } => {
                for c in conds.iter().flatten() {
                    match c {
                        Cond::Has(k) | Cond::Not(k) | Cond::Cmp(k, _, _) => out.push((k.clone(), in_each)),
                    }
                }
                key_uses(then, in_each, out);
                key_uses(other, in_each, out);
            }
            Node::Each { key, body, .. } => {
                out.push((key.clone(), in_each));
                key_uses(body, true, out);
            }
        }
    }
}

/// The mistakes of a template, as sentences for its author: its syntax, and keys the system does
/// not know (`known`, plus `name` and `value` inside `{each}`).
pub fn check(template: &str, known: &dyn Fn(&str) -> bool) -> Vec<String> {
    let nodes = match parse(template) {
        Ok(n) => n,
        Err(e) => return vec![e],
    };
    let mut uses = Vec::new();
    key_uses(&nodes, false, &mut uses);
    let mut out: Vec<String> = Vec::new();
    for (k, in_each) in uses {
        if known(&k) || (in_each && matches!(k.as_str(), "name" | "value")) {
            continue;
        }
        let msg = format!("模板中的 {{{k}}} 不是可用的数据项，请对照下方“可用数据项”改正");
        if !out.contains(&msg) {
            out.push(msg);
        }
    }
    out
}

/// A piece of output before clauses are judged: a span, or a key the records do not fill.
#[derive(Debug, Clone)]
enum Piece {
    Span(Span),
    Lacking,
}

struct Ctx<'a> {
    facts: &'a Facts,
    entry: Option<&'a Entry>,
}

impl Ctx<'_> {
    fn figure(&self, key: &str) -> Option<&Figure> {
        match (key, self.entry) {
            ("value", Some(e)) => e.figure.as_ref(),
            _ => self.facts.figures.get(key),
        }
    }

    fn has(&self, key: &str) -> bool {
        if let ("name", Some(e)) = (key, self.entry) {
            return !e.name.is_empty();
        }
        if let Some(f) = self.figure(key) {
            return f.value != 0;
        }
        if let Some(v) = self.facts.vars.get(key) {
            return !v.is_empty();
        }
        self.facts.lists.get(key).is_some_and(|l| !l.is_empty())
    }

    fn holds(&self, c: &Cond) -> bool {
        match c {
            Cond::Has(k) => self.has(k),
            Cond::Not(k) => !self.has(k),
            Cond::Cmp(k, op, n) => self.figure(k).is_some_and(|f| match op {
                Op::Gt => f.value > *n,
                Op::Ge => f.value >= *n,
                Op::Eq => f.value == *n,
                Op::Lt => f.value < *n,
                Op::Le => f.value <= *n,
            }),
        }
    }

    fn names(&self, key: &str, out: &mut Vec<Piece>) {
        match self.facts.lists.get(key).filter(|l| !l.is_empty()) {
            Some(list) => {
                for (i, e) in list.iter().enumerate() {
                    if i > 0 {
                        out.push(Piece::Span(Span::Text("、".to_owned())));
                    }
                    out.push(Piece::Span(Span::Name(e.name.clone())));
                }
            }
            None => out.push(Piece::Lacking),
        }
    }

    fn eval(&self, nodes: &[Node], out: &mut Vec<Piece>) {
        for n in nodes {
            match n {
                Node::Text(t) => out.push(Piece::Span(Span::Text(t.clone()))),
                Node::Field(k) => {
                    if let ("name", Some(e)) = (k.as_str(), self.entry) {
                        out.push(Piece::Span(Span::Name(e.name.clone())));
                    } else if let Some(f) = self.figure(k) {
                        // A zero is never worded as an achievement: its clause is left out.
                        out.push(if f.value == 0 { Piece::Lacking } else { Piece::Span(Span::Figure(f.clone())) });
                    } else if let Some(v) = self.facts.vars.get(k).filter(|v| !v.is_empty()) {
                        out.push(Piece::Span(Span::Name(v.clone())));
                    } else if self.facts.lists.contains_key(k) {
                        self.names(k, out);
                    } else {
                        out.push(Piece::Lacking);
                    }
                }
                Node::Names(k) => self.names(k, out),
                Node::If { conds, then, other } => {
                    let holds = conds.iter().any(|alt| alt.iter().all(|c| self.holds(c)));
                    let branch = if holds { then } else { other };
                    self.eval(branch, out);
                }
                Node::Each { key, sep, body } => {
                    let Some(list) = self.facts.lists.get(key).filter(|l| !l.is_empty()) else {
                        out.push(Piece::Lacking);
                        continue;
                    };
                    for (i, e) in list.iter().enumerate() {
                        if i > 0 {
                            out.push(Piece::Span(Span::Text(sep.clone())));
                        }
                        Ctx { facts: self.facts, entry: Some(e) }.eval(body, out);
                    }
                }
            }
        }
    }
}

const CLAUSE_ENDS: &[char] = &['，', '；', '。', '！', '？'];
const SENTENCE_ENDS: &[char] = &['。', '！', '？'];

/// A clause: its pieces without the punctuation that ends it, and that punctuation.
struct Clause {
    pieces: Vec<Piece>,
    end: Option<char>,
}

impl Clause {
    fn keep(&self) -> bool {
        let lacking = self.pieces.iter().any(|p| matches!(p, Piece::Lacking));
        let empty = self.pieces.iter().all(|p| matches!(p, Piece::Span(Span::Text(t)) if t.trim().is_empty()));
        !lacking && !empty
    }
}

/// Splits a line into clauses at the punctuation of its text (names are never split).
fn clauses(line: Vec<Piece>) -> Vec<Clause> {
    let mut out = Vec::new();
    let mut cur = Vec::new();
    for p in line {
        match p {
            Piece::Span(Span::Text(t)) => {
                let mut rest = t.as_str();
                while let Some(i) = rest.find(CLAUSE_ENDS) {
                    let c = rest[i..].chars().next().unwrap_or('，');
                    if i > 0 {
                        cur.push(Piece::Span(Span::Text(rest[..i].to_owned())));
                    }
                    out.push(Clause { pieces: std::mem::take(&mut cur), end: Some(c) });
                    rest = &rest[i + c.len_utf8()..];
                }
                if !rest.is_empty() {
                    cur.push(Piece::Span(Span::Text(rest.to_owned())));
                }
            }
            other => cur.push(other),
        }
    }
    if !cur.is_empty() {
        out.push(Clause { pieces: cur, end: None });
    }
    out
}

/// The line with the clauses the records cannot fill left out, each sentence closed where it now
/// ends.
fn judge(line: Vec<Piece>) -> Vec<Span> {
    let mut out: Vec<Span> = Vec::new();
    let mut sentence: Vec<Clause> = Vec::new();
    let close = |sentence: &mut Vec<Clause>, out: &mut Vec<Span>| {
        let end = sentence.last().and_then(|c| c.end);
        let mut kept: Vec<Clause> = sentence.drain(..).filter(Clause::keep).collect();
        if let Some(last) = kept.last_mut() {
            last.end = end;
        }
        for c in kept {
            for p in c.pieces {
                if let Piece::Span(s) = p {
                    out.push(s);
                }
            }
            if let Some(e) = c.end {
                out.push(Span::Text(e.to_string()));
            }
        }
    };
    for c in clauses(line) {
        let ends = c.end.is_none_or(|e| SENTENCE_ENDS.contains(&e));
        sentence.push(c);
        if ends {
            close(&mut sentence, &mut out);
        }
    }
    close(&mut sentence, &mut out);
    merge_text(out)
}

/// Adjacent text spans joined, so that a block's spans alternate as written.
fn merge_text(spans: Vec<Span>) -> Vec<Span> {
    let mut out: Vec<Span> = Vec::new();
    for s in spans {
        match (out.last_mut(), s) {
            (Some(Span::Text(a)), Span::Text(b)) => a.push_str(&b),
            (_, s) => out.push(s),
        }
    }
    out
}

/// Splits the evaluated pieces into lines at the line breaks of their text.
fn lines(pieces: Vec<Piece>) -> Vec<Vec<Piece>> {
    let mut out: Vec<Vec<Piece>> = Vec::new();
    let mut line = Vec::new();
    for p in pieces {
        match p {
            Piece::Span(Span::Text(t)) if t.contains('\n') => {
                for (i, part) in t.split('\n').enumerate() {
                    if i > 0 {
                        out.push(std::mem::take(&mut line));
                    }
                    if !part.is_empty() {
                        line.push(Piece::Span(Span::Text(part.to_owned())));
                    }
                }
            }
            p => line.push(p),
        }
    }
    out.push(line);
    out
}

/// Takes `prefix` off the line's first text, if it starts with it.
fn strip_prefix(line: &mut [Piece], prefix: &str) -> bool {
    if let Some(Piece::Span(Span::Text(t))) = line.first_mut()
        && let Some(rest) = t.strip_prefix(prefix)
    {
        *t = rest.to_owned();
        return true;
    }
    false
}

const NUMERALS: [&str; 10] = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];

/// Numbers the headings that the template numbered (一、…) in the order they now stand.
fn renumber(blocks: &mut [Block]) {
    let mut n = 0;
    for b in blocks.iter_mut() {
        let Block::Heading(spans) = b else { continue };
        let Some(Span::Text(t)) = spans.first_mut() else { continue };
        let Some((num, rest)) = t.split_once('、') else { continue };
        if !NUMERALS.contains(&num) {
            continue;
        }
        if let Some(new) = NUMERALS.get(n) {
            *t = format!("{new}、{rest}");
        }
        n += 1;
    }
}

/// Renders a template with the facts of the records. A template that does not parse renders as
/// nothing: [`check`] tells its author why, and saving refuses it.
pub fn render(template: &str, facts: &Facts) -> Vec<Block> {
    let Ok(nodes) = parse(template) else { return Vec::new() };
    let mut pieces = Vec::new();
    Ctx { facts, entry: None }.eval(&nodes, &mut pieces);
    let mut blocks = Vec::new();
    for mut line in lines(pieces) {
        let kind = if strip_prefix(&mut line, "## ") {
            1
        } else if strip_prefix(&mut line, "# ") {
            0
        } else {
            // Indentation of the template is not the summary's.
            if let Some(Piece::Span(Span::Text(t))) = line.first_mut() {
                *t = t.trim_start().to_owned();
            }
            2
        };
        let spans = judge(line);
        if spans.iter().all(|s| matches!(s, Span::Text(t) if t.trim().is_empty())) {
            continue;
        }
        blocks.push(match kind {
            0 => Block::Title(spans),
            1 => Block::Heading(spans),
            _ => Block::Paragraph(spans),
        });
    }
    // A heading with no figure under it goes: what follows the last section (the closing words)
    // is not that section's report.
    let has_figure = |b: &Block| b.spans().iter().any(|s| matches!(s, Span::Figure(_)));
    let mut kept: Vec<Block> = Vec::new();
    for (i, b) in blocks.iter().enumerate() {
        if matches!(b, Block::Heading(_)) {
            let under = blocks[i + 1..].iter().take_while(|n| matches!(n, Block::Paragraph(_)));
            if !under.clone().any(has_figure) {
                continue;
            }
        }
        kept.push(b.clone());
    }
    renumber(&mut kept);
    kept
}

/// The keys a template names, in order of first use (for the editor).
pub fn keys(template: &str) -> Vec<String> {
    let mut uses = Vec::new();
    if let Ok(nodes) = parse(template) {
        key_uses(&nodes, false, &mut uses);
    }
    let mut out: Vec<String> = Vec::new();
    for (k, in_each) in uses {
        let entry_field = in_each && matches!(k.as_str(), "name" | "value");
        if !entry_field && !out.contains(&k) {
            out.push(k);
        }
    }
    out
}

/// The template's own words, for tests that check a summary says nothing the template and the
/// records do not: every piece of literal text, in order.
pub fn literal_text(template: &str) -> Vec<String> {
    let mut out = Vec::new();
    fn walk(nodes: &[Node], out: &mut Vec<String>) {
        for n in nodes {
            match n {
                Node::Text(t) => out.push(t.clone()),
                Node::Field(_) | Node::Names(_) => {}
                Node::If { then, other, .. } => {
                    walk(then, out);
                    walk(other, out);
                }
                Node::Each { sep, body, .. } => {
                    out.push(sep.clone());
                    walk(body, out);
                }
            }
        }
    }
    if let Ok(nodes) = parse(template) {
        walk(&nodes, &mut out);
    }
    out
}

/// Facts built by hand, for tests and examples: figures and lists by key.
pub fn facts(figures: Vec<Figure>, lists: Vec<(&str, Vec<Entry>)>, vars: &[(&str, &str)]) -> Facts {
    let mut f = Facts::default();
    for fig in figures {
        f.known.insert(fig.key.clone());
        f.figures.insert(fig.key.clone(), fig);
    }
    for (k, l) in lists {
        f.known.insert(k.to_owned());
        f.lists.insert(k.to_owned(), l);
    }
    let vars: BTreeMap<String, String> = vars.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
    f.known.extend(vars.keys().cloned());
    f.vars = vars;
    f
}
