//! Small helpers for text users type.

/// Trims and collapses inner runs of white space (including the full-width space U+3000) to one
/// ASCII space. Names typed into forms and spreadsheets carry all kinds of stray spaces.
pub fn clean(s: &str) -> String {
    s.split(|c: char| c.is_whitespace() || c == '\u{3000}').filter(|p| !p.is_empty()).collect::<Vec<_>>().join(" ")
}

/// HTML-escapes text (also quotes, so the output is safe in attributes too).
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn cleans_spaces() {
        assert_eq!(super::clean("  岚漪镇\u{3000} 团城村 "), "岚漪镇 团城村");
        assert_eq!(super::clean(""), "");
    }
}
