//! Pinyin annotation (注音) of articles. The author marks words in the body with 【】 — `【岢岚】`, or
//! `【岢岚|kě lán】` to give the reading — and the system fills the reading of each character and
//! renders the word as HTML ruby. Everything the author typed is HTML-escaped: the only markup in
//! the output is the `<p>`, `<ruby>` and `<rt>` this module writes.
//!
//! Rare characters — outside the 3,755 characters of level 1 of GB 2312, the common set every
//! school child reads — are offered for marking: [`rare_chars`] lists them, [`mark_rare`] marks them.

use ::pinyin::ToPinyin;

const OPEN: char = '【';
const CLOSE: char = '】';

/// Whether a character is a CJK ideograph.
pub fn is_han(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x3134F)
}

/// Whether a CJK ideograph is in the common set (GB 2312 level 1: rows 16–55).
pub fn is_common(c: char) -> bool {
    let mut buf = [0u8; 4];
    let (bytes, _, unmappable) = encoding_rs::GBK.encode(c.encode_utf8(&mut buf));
    !unmappable && bytes.len() == 2 && (0xB0..=0xD7).contains(&bytes[0]) && (0xA1..=0xFE).contains(&bytes[1])
}

/// The reading of one character with its tone mark (岢 → kě), if it has one.
pub fn reading(c: char) -> Option<&'static str> {
    c.to_pinyin().map(|p| p.with_tone())
}

/// One piece of a body: plain text, or a marked word with the reading given by the author.
#[derive(Debug, PartialEq, Eq)]
enum Piece<'a> {
    Plain(&'a str),
    Marked { word: &'a str, given: Option<&'a str> },
}

fn pieces(body: &str) -> Vec<Piece<'_>> {
    let mut out = Vec::new();
    let mut rest = body;
    while let Some(i) = rest.find(OPEN) {
        let after = &rest[i + OPEN.len_utf8()..];
        // An unclosed mark, or one spanning lines, is plain text.
        match after.find(CLOSE).filter(|j| !after[..*j].contains('\n') && *j > 0) {
            Some(j) => {
                if i > 0 {
                    out.push(Piece::Plain(&rest[..i]));
                }
                let inner = &after[..j];
                let (word, given) = match inner.split_once('|') {
                    Some((w, r)) => (w, Some(r.trim()).filter(|r| !r.is_empty())),
                    None => (inner, None),
                };
                out.push(Piece::Marked { word, given });
                rest = &after[j + CLOSE.len_utf8()..];
            }
            None => {
                out.push(Piece::Plain(&rest[..i + OPEN.len_utf8()]));
                rest = after;
            }
        }
    }
    if !rest.is_empty() {
        out.push(Piece::Plain(rest));
    }
    out
}

/// HTML-escapes text (also quotes, so the output is safe in attributes too).
pub use crate::text::escape_html as escape;

fn ruby(word: &str, given: Option<&str>) -> String {
    let chars: Vec<char> = word.chars().collect();
    let hans = chars.iter().filter(|c| is_han(**c)).count();
    let syllables: Vec<&str> = given.map(|g| g.split_whitespace().collect()).unwrap_or_default();
    let mut out = String::from("<ruby>");
    if given.is_some() && syllables.len() != hans {
        // A reading that does not split by character annotates the whole word.
        out.push_str(&escape(word));
        out.push_str(&format!("<rt>{}</rt></ruby>", escape(given.unwrap_or(""))));
        return out;
    }
    let mut given_iter = syllables.into_iter();
    for c in chars {
        out.push_str(&escape(&c.to_string()));
        let r = if is_han(c) {
            match given {
                Some(_) => given_iter.next().map(str::to_owned),
                None => reading(c).map(str::to_owned),
            }
        } else {
            None
        };
        out.push_str(&format!("<rt>{}</rt>", escape(&r.unwrap_or_default())));
    }
    out.push_str("</ruby>");
    out
}

/// The body as HTML: paragraphs at blank-line or line breaks, marked words as ruby.
pub fn render(body: &str) -> String {
    let mut html = String::new();
    for para in body.replace("\r\n", "\n").split('\n').map(str::trim).filter(|p| !p.is_empty()) {
        html.push_str("<p>");
        for piece in pieces(para) {
            match piece {
                Piece::Plain(t) => html.push_str(&escape(t)),
                Piece::Marked { word, given } => html.push_str(&ruby(word, given)),
            }
        }
        html.push_str("</p>\n");
    }
    html
}

/// Rare characters of the body not yet marked, each once, in order of appearance.
pub fn rare_chars(body: &str) -> Vec<char> {
    let mut out: Vec<char> = Vec::new();
    for piece in pieces(body) {
        if let Piece::Plain(t) = piece {
            for c in t.chars() {
                if is_han(c) && !is_common(c) && !out.contains(&c) {
                    out.push(c);
                }
            }
        }
    }
    out
}

/// The body with every unmarked run of rare characters marked: 岢岚县 → 【岢岚】县.
pub fn mark_rare(body: &str) -> String {
    let mut out = String::with_capacity(body.len() + 16);
    for piece in pieces(body) {
        match piece {
            Piece::Plain(t) => {
                let mut run = String::new();
                for c in t.chars() {
                    if is_han(c) && !is_common(c) {
                        run.push(c);
                        continue;
                    }
                    if !run.is_empty() {
                        out.push(OPEN);
                        out.push_str(&std::mem::take(&mut run));
                        out.push(CLOSE);
                    }
                    out.push(c);
                }
                if !run.is_empty() {
                    out.push(OPEN);
                    out.push_str(&run);
                    out.push(CLOSE);
                }
            }
            Piece::Marked { word, given } => {
                out.push(OPEN);
                out.push_str(word);
                if let Some(g) = given {
                    out.push('|');
                    out.push_str(g);
                }
                out.push(CLOSE);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_marked_word_gets_its_reading_as_ruby() {
        assert_eq!(render("【岢岚】县"), "<p><ruby>岢<rt>kě</rt>岚<rt>lán</rt></ruby>县</p>\n");
        assert_eq!(render("【岢岚|kě lán】"), "<p><ruby>岢<rt>kě</rt>岚<rt>lán</rt></ruby></p>\n");
        assert_eq!(render("【岚漪|lán yī shuǐ】"), "<p><ruby>岚漪<rt>lán yī shuǐ</rt></ruby></p>\n");
    }

    #[test]
    fn everything_typed_is_escaped() {
        let html = render("<script>alert(1)</script> & 【<b>岢</b>|\"><img>】");
        assert!(!html.contains("<script>") && !html.contains("<b>") && !html.contains("<img"), "{html}");
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; "), "{html}");
        assert!(html.contains("&quot;&gt;&lt;img&gt;"), "{html}");
    }

    #[test]
    fn unclosed_or_empty_marks_stay_text_and_lines_become_paragraphs() {
        assert_eq!(render("【岢岚\n县】"), "<p>【岢岚</p>\n<p>县】</p>\n");
        assert_eq!(render("【】"), "<p>【】</p>\n");
    }

    #[test]
    fn rare_characters_are_found_and_marked() {
        assert!(is_common('县') && is_common('毛'));
        assert!(!is_common('岢') && !is_common('岚') && !is_common('漪'));
        assert_eq!(rare_chars("岢岚县岚漪镇，【岢岚】"), vec!['岢', '岚', '漪']);
        assert_eq!(rare_chars("【岢岚】县"), Vec::<char>::new());
        assert_eq!(mark_rare("岢岚县岚漪镇"), "【岢岚】县【岚漪】镇");
        assert_eq!(mark_rare("【岢岚|kě lán】县"), "【岢岚|kě lán】县");
        assert_eq!(render(&mark_rare("岚漪镇")), "<p><ruby>岚<rt>lán</rt>漪<rt>yī</rt></ruby>镇</p>\n");
    }
}
