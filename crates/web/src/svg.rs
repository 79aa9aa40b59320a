//! Charts drawn on the server as SVG (no chart JavaScript): bars with their values, each bar a link
//! to the records behind it.

use shuangyong_domain::text::escape_html as escape;

/// One bar: its label, value, the value in words, and where its records are.
pub struct Bar {
    pub label: String,
    pub value: i64,
    pub words: String,
    pub href: String,
}

/// The width of text at `size` px: CJK characters are a full em, others about half.
fn text_width(s: &str, size: f64) -> f64 {
    s.chars().map(|c| if c.is_ascii() { size * 0.55 } else { size }).sum()
}

/// Horizontal bars, one per row, labelled on the left, values on the right.
pub fn hbars(title: &str, bars: &[Bar]) -> String {
    let size = 13.0;
    let row = 26.0;
    let label_w = bars.iter().map(|b| text_width(&b.label, size)).fold(40.0, f64::max) + 10.0;
    let value_w = bars.iter().map(|b| text_width(&b.words, size)).fold(40.0, f64::max) + 10.0;
    let plot = 360.0;
    let width = label_w + plot + value_w;
    let height = row * bars.len().max(1) as f64 + 8.0;
    let max = bars.iter().map(|b| b.value).max().unwrap_or(0).max(1) as f64;
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 {width:.0} {height:.0}\" width=\"{width:.0}\" height=\"{height:.0}\" role=\"img\" aria-label=\"{}\">",
        escape(title)
    );
    for (i, b) in bars.iter().enumerate() {
        let y = 4.0 + i as f64 * row;
        let w = (b.value.max(0) as f64 / max * plot).max(if b.value > 0 { 2.0 } else { 0.0 });
        s.push_str(&format!(
            "<a href=\"{}\"><title>{}：{}</title><text x=\"{:.0}\" y=\"{:.0}\" font-size=\"{size}\" text-anchor=\"end\">{}</text>\
             <rect x=\"{label_w:.0}\" y=\"{:.0}\" width=\"{w:.1}\" height=\"{:.0}\" class=\"bar\"/>\
             <text x=\"{:.0}\" y=\"{:.0}\" font-size=\"{size}\">{}</text></a>",
            escape(&b.href),
            escape(&b.label),
            escape(&b.words),
            label_w - 8.0,
            y + row * 0.62,
            escape(&b.label),
            y + 4.0,
            row - 8.0,
            label_w + w + 6.0,
            y + row * 0.62,
            escape(&b.words),
        ));
    }
    s.push_str("</svg>");
    s
}

/// Vertical bars over years.
pub fn columns(title: &str, bars: &[Bar]) -> String {
    let size = 12.0;
    let col = 64.0;
    let plot_h = 140.0;
    let width = col * bars.len().max(1) as f64 + 20.0;
    let height = plot_h + 48.0;
    let max = bars.iter().map(|b| b.value).max().unwrap_or(0).max(1) as f64;
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 {width:.0} {height:.0}\" width=\"{width:.0}\" height=\"{height:.0}\" role=\"img\" aria-label=\"{}\">",
        escape(title)
    );
    for (i, b) in bars.iter().enumerate() {
        let x = 10.0 + i as f64 * col;
        let h = (b.value.max(0) as f64 / max * plot_h).max(if b.value > 0 { 2.0 } else { 0.0 });
        let top = 18.0 + plot_h - h;
        s.push_str(&format!(
            "<a href=\"{}\"><title>{}：{}</title><text x=\"{:.0}\" y=\"{:.0}\" font-size=\"{size}\" text-anchor=\"middle\">{}</text>\
             <rect x=\"{:.0}\" y=\"{top:.1}\" width=\"{:.0}\" height=\"{h:.1}\" class=\"bar\"/>\
             <text x=\"{:.0}\" y=\"{:.0}\" font-size=\"{size}\" text-anchor=\"middle\">{}</text></a>",
            escape(&b.href),
            escape(&b.label),
            escape(&b.words),
            x + col / 2.0,
            top - 4.0,
            escape(&b.words),
            x + 10.0,
            col - 20.0,
            x + col / 2.0,
            18.0 + plot_h + 18.0,
            escape(&b.label),
        ));
    }
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_scale_link_and_escape() {
        let bars = vec![
            Bar {
                label: "岚漪镇".into(), value: 100, words: "100名".into(), href: "/registry?unit=140929/01".into()
            },
            Bar { label: "<三井镇>".into(), value: 50, words: "50名".into(), href: "/x?a=1&b=2".into() },
        ];
        let s = hbars("人数", &bars);
        assert!(s.contains("width=\"360.0\""), "the largest fills the plot: {s}");
        assert!(s.contains("width=\"180.0\""), "half as long: {s}");
        assert!(s.contains("&lt;三井镇&gt;") && !s.contains("<三井镇>"));
        assert!(s.contains("href=\"/x?a=1&amp;b=2\""));
        let c = columns("年度", &bars);
        assert!(c.contains("height=\"140.0\"") && c.contains("height=\"70.0\""), "{c}");
    }
}
