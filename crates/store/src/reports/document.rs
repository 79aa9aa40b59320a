//! The summary as a document: Word (公文 fonts and margins) and a standalone printable HTML page.

use shuangyong_domain::report::{Block, Span};
use shuangyong_domain::text::escape_html as escape;

use crate::StoreError;

/// Fonts and sizes of a 公文 (GB/T 9704): title 小标宋 二号, headings 黑体 三号, body 仿宋_GB2312 三号.
pub const TITLE_FONT: &str = "方正小标宋简体";
pub const HEADING_FONT: &str = "黑体";
pub const BODY_FONT: &str = "仿宋_GB2312";

/// The summary as a Word document: A4, 公文 margins, fonts and sizes, page numbers in the footer.
pub fn docx(blocks: &[Block]) -> Result<Vec<u8>, StoreError> {
    use Block;
    use docx_rs::{
        AlignmentType, Docx, Footer, LineSpacing, LineSpacingType, PageMargin, PageNum, Paragraph, Run, RunFonts,
        SpecialIndentType,
    };
    let fonts = |f: &str| RunFonts::new().east_asia(f).ascii(f).hi_ansi(f);
    // 28 points exactly between lines; sizes in half-points (二号 22pt, 三号 16pt).
    let spacing = || LineSpacing::new().line_rule(LineSpacingType::Exact).line(560);
    let mut doc = Docx::new().page_size(11906, 16838).page_margin(PageMargin {
        top: 2098,
        bottom: 1984,
        left: 1587,
        right: 1474,
        header: 851,
        footer: 992,
        gutter: 0,
    });
    for b in blocks {
        let text = b.text();
        let p = match b {
            Block::Title(_) => Paragraph::new()
                .add_run(Run::new().add_text(text).fonts(fonts(TITLE_FONT)).size(44))
                .align(AlignmentType::Center)
                .line_spacing(LineSpacing::new().line_rule(LineSpacingType::Exact).line(700).after(300)),
            Block::Heading(_) => Paragraph::new()
                .add_run(Run::new().add_text(text).fonts(fonts(HEADING_FONT)).size(32))
                .indent(None, Some(SpecialIndentType::FirstLine(640)), None, None)
                .line_spacing(spacing()),
            Block::Paragraph(_) => Paragraph::new()
                .add_run(Run::new().add_text(text).fonts(fonts(BODY_FONT)).size(32))
                .indent(None, Some(SpecialIndentType::FirstLine(640)), None, None)
                .align(AlignmentType::Both)
                .line_spacing(spacing()),
        };
        doc = doc.add_paragraph(p);
    }
    let footer =
        Footer::new().add_paragraph(Paragraph::new().add_page_num(PageNum::new()).align(AlignmentType::Center));
    doc = doc.footer(footer);
    let mut buf = std::io::Cursor::new(Vec::new());
    doc.build().pack(&mut buf).map_err(|e| anyhow::anyhow!("docx: {e}"))?;
    Ok(buf.into_inner())
}

/// The summary as a standalone, printable HTML page; each figure links to its records on `base`
/// (the server's address, e.g. `http://127.0.0.1:8080`).
pub fn html(blocks: &[Block], base: &str) -> String {
    let mut body = String::new();
    let mut title = String::new();
    for b in blocks {
        let mut inner = String::new();
        for s in b.spans() {
            match s {
                Span::Text(t) | Span::Name(t) => inner.push_str(&escape(t)),
                Span::Figure(f) => inner.push_str(&format!(
                    "<a href=\"{}{}\" title=\"{}：{}\">{}</a>",
                    escape(base),
                    escape(&f.href),
                    escape(&f.label),
                    f.value,
                    escape(&f.words())
                )),
            }
        }
        match b {
            Block::Title(_) => {
                title = b.text();
                body.push_str(&format!("<h1>{inner}</h1>\n"));
            }
            Block::Heading(_) => body.push_str(&format!("<h2>{inner}</h2>\n")),
            Block::Paragraph(_) => body.push_str(&format!("<p>{inner}</p>\n")),
        }
    }
    format!(
        "<!doctype html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>{}</title><style>\
         body{{max-width:42em;margin:2em auto;font:16pt/1.75 \"{BODY_FONT}\",\"FangSong\",serif}}\
         h1{{text-align:center;font:22pt \"{TITLE_FONT}\",\"SimSun\",serif}}h2{{font:16pt \"{HEADING_FONT}\",sans-serif;text-indent:2em}}\
         p{{text-indent:2em;text-align:justify}}a{{color:inherit}}@media print{{a{{text-decoration:none}}}}</style></head>\
         <body>\n{body}</body></html>\n",
        escape(&title)
    )
}
