//! 统计报告: every figure of the dashboard and the summary, computed from the records in a scope
//! and a span of years, with the link to those records. The summary's template is a setting staff
//! edit; a default ships with the program.

use std::collections::BTreeMap;

use sea_orm::Value;
use serde_json::json;
use shuangyong_domain::OrgPath;
use shuangyong_domain::figures::{More, Style};
use shuangyong_domain::report::{Figure, Section};

use crate::audit::{self, Actor, Change};
use crate::{Scope, Store, StoreError, Tx};

/// A figure the system knows how to compute.
pub struct Metric {
    pub key: &'static str,
    pub section: Section,
    pub label: &'static str,
    pub measure: &'static str,
    pub style: Style,
}

const YU: Style = Style::About(More::Yu);

/// Every metric, by section.
pub const METRICS: &[Metric] = &[
    Metric {
        key: "people", section: Section::Policy, label: "在册优抚对象", measure: "名", style: Style::Exact
    },
    Metric {
        key: "rural_veteran_elderly",
        section: Section::Policy,
        label: "享受老兵生活补助（60周岁以上农村籍退役士兵）",
        measure: "名",
        style: Style::Exact,
    },
    Metric {
        key: "disability_pension",
        section: Section::Policy,
        label: "享受残疾抚恤金的残疾军人",
        measure: "名",
        style: Style::Exact,
    },
    Metric { key: "benefit_paid", section: Section::Policy, label: "发放优抚金", measure: "元", style: YU },
];

/// The metric of a key.
pub fn metric(key: &str) -> Option<&'static Metric> {
    METRICS.iter().find(|m| m.key == key)
}

/// The years `from..=to` as the bounds of dates (`YYYY-01-01`, `YYYY-12-31`) and months.
struct Span {
    from: i32,
    to: i32,
}

impl Span {
    fn first_month(&self) -> String {
        format!("{:04}-01", self.from)
    }
    fn last_month(&self) -> String {
        format!("{:04}-12", self.to)
    }
}

/// One metric over a scope and years; `None` for an unknown key.
pub async fn value(
    store: &Store,
    scope: &Scope,
    key: &str,
    from: i32,
    to: i32,
) -> Result<Option<(i64, String)>, StoreError> {
    let span = Span { from, to };
    let (in_scope, vals) = scope.sql("p.org_path", 1);
    let mut params: Vec<Value> = vals.into();
    let unit = scope.root().as_str().to_owned();
    let (sql, href) = match key {
        "people" => (
            format!("SELECT COUNT(*) AS n FROM person p WHERE {in_scope} AND p.status = 'normal'"),
            format!("/registry?unit={unit}&status=normal"),
        ),
        "rural_veteran_elderly" | "disability_pension" => {
            let program = crate::benefits::program_by_code(store, key).await?;
            params.push(program.id.into());
            params.push(span.last_month().into());
            (
                format!(
                    "SELECT COUNT(*) AS n FROM benefit_enrolment e JOIN person p ON p.id = e.person_id \
                     WHERE {in_scope} AND e.program_id = $3 AND e.start_month <= $4 AND e.end_month IS NULL"
                ),
                format!("/benefits/programs/{}/enrolled?unit={unit}", program.id),
            )
        }
        "benefit_paid" => {
            params.push(span.first_month().into());
            params.push(span.last_month().into());
            (
                format!(
                    "SELECT CAST(COALESCE(SUM(l.amount_fen), 0) AS BIGINT) AS n FROM benefit_cycle_line l \
                     WHERE {} AND l.status <> 'failed' AND l.for_period >= $3 AND l.for_period <= $4",
                    in_scope.replace("p.org_path", "l.org_path")
                ),
                "/benefits/cycles".to_owned(),
            )
        }
        _ => return Ok(None),
    };
    let n =
        store.query_one(store.conn(), &sql, params).await?.map(|r| r.try_get::<i64>("", "n")).transpose()?.unwrap_or(0);
    // Money is summed in fen and reported in 元.
    let n = if key == "benefit_paid" { n / 100 } else { n };
    Ok(Some((n, href)))
}

/// Every figure over a scope and years, by key.
pub async fn figures(store: &Store, scope: &Scope, from: i32, to: i32) -> Result<BTreeMap<String, Figure>, StoreError> {
    let mut out = BTreeMap::new();
    for m in METRICS {
        if let Some((v, href)) = value(store, scope, m.key, from, to).await? {
            out.insert(m.key.to_owned(), Figure::new(m.key, m.section, m.label, v, m.measure, m.style, href));
        }
    }
    Ok(out)
}

/// A metric year by year.
pub async fn by_year(
    store: &Store,
    scope: &Scope,
    key: &str,
    from: i32,
    to: i32,
) -> Result<Vec<(i32, i64)>, StoreError> {
    let mut out = Vec::new();
    for y in from..=to {
        if let Some((v, _)) = value(store, scope, key, y, y).await? {
            out.push((y, v));
        }
    }
    Ok(out)
}

/// A metric for each township (or each unit one level below the scope's root).
pub async fn by_unit(
    store: &Store,
    scope: &Scope,
    key: &str,
    from: i32,
    to: i32,
) -> Result<Vec<(String, OrgPath, i64)>, StoreError> {
    let mut out = Vec::new();
    for u in crate::org::children(store, scope, scope.root()).await? {
        if matches!(u.kind, shuangyong_domain::OrgKind::MilitaryUnit) {
            continue;
        }
        let sub = Scope::new(u.path.clone());
        if let Some((v, _)) = value(store, &sub, key, from, to).await? {
            out.push((u.name, u.path, v));
        }
    }
    Ok(out)
}

/// The setting that holds the summary's template.
pub const TEMPLATE_SETTING: &str = "report.summary_template";

/// The template that ships with the program.
pub const DEFAULT_TEMPLATE: &str = include_str!("../templates/summary.txt");

/// The summary's template: the one staff saved, or the default.
pub async fn template(store: &Store) -> Result<String, StoreError> {
    Ok(crate::setting::get(store, TEMPLATE_SETTING).await?.unwrap_or_else(|| DEFAULT_TEMPLATE.to_owned()))
}

/// Saves an edited template (empty restores the default).
pub async fn set_template(store: &Store, tx: &Tx, actor: &Actor, text: &str) -> Result<(), StoreError> {
    let text = text.replace("\r\n", "\n");
    if text.chars().count() > 20_000 {
        return Err(StoreError::invalid("模板不超过2万字，请精简"));
    }
    let before = template(store).await?;
    let saved = if text.trim().is_empty() { DEFAULT_TEMPLATE.to_owned() } else { text };
    crate::setting::set(store, tx, TEMPLATE_SETTING, &saved).await?;
    audit::append(
        store,
        tx,
        actor,
        Change {
            action: "update",
            entity: "setting",
            entity_id: TEMPLATE_SETTING.to_owned(),
            org_path: String::new(),
            summary: "修改双拥工作总结模板".to_owned(),
            before: Some(json!({ "template": before })),
            after: Some(json!({ "template": saved })),
        },
    )
    .await?;
    Ok(())
}

/// Fonts and sizes of a 公文 (GB/T 9704): title 小标宋 二号, headings 黑体 三号, body 仿宋_GB2312 三号.
pub const TITLE_FONT: &str = "方正小标宋简体";
pub const HEADING_FONT: &str = "黑体";
pub const BODY_FONT: &str = "仿宋_GB2312";

/// The summary as a Word document: A4, 公文 margins, fonts and sizes, page numbers in the footer.
pub fn docx(blocks: &[shuangyong_domain::report::Block]) -> Result<Vec<u8>, StoreError> {
    use docx_rs::{
        AlignmentType, Docx, Footer, LineSpacing, LineSpacingType, PageMargin, PageNum, Paragraph, Run, RunFonts,
        SpecialIndentType,
    };
    use shuangyong_domain::report::Block;
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

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// The summary as a standalone, printable HTML page; each figure links to its records on `base`
/// (the server's address, e.g. `http://127.0.0.1:8080`).
pub fn html(blocks: &[shuangyong_domain::report::Block], base: &str) -> String {
    use shuangyong_domain::report::{Block, Span};
    let mut body = String::new();
    let mut title = String::new();
    for b in blocks {
        let mut inner = String::new();
        for s in b.spans() {
            match s {
                Span::Text(t) => inner.push_str(&escape(t)),
                Span::Figure(f) => inner.push_str(&format!(
                    "<a href=\"{}{}\" title=\"{}：{}\">{}</a>",
                    escape(base),
                    escape(&f.href),
                    escape(&f.label),
                    f.value,
                    escape(&f.words())
                )),
                Span::Missing(k) => inner.push_str(&format!("<mark>【缺少数据：{}】</mark>", escape(k))),
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

/// The summary's blocks for a scope and years: the template with the figures filled in.
pub async fn summary(
    store: &Store,
    scope: &Scope,
    from: i32,
    to: i32,
) -> Result<Vec<shuangyong_domain::report::Block>, StoreError> {
    if from > to || !(2000..=2100).contains(&from) || !(2000..=2100).contains(&to) {
        return Err(StoreError::invalid("年份应为四位数字，起始年份不晚于截止年份，如 2020—2024"));
    }
    let figures = figures(store, scope, from, to).await?;
    let unit = crate::org::get(store, scope, scope.root()).await?;
    let mut vars = BTreeMap::new();
    vars.insert("county", unit.name);
    vars.insert("from", from.to_string());
    vars.insert("to", to.to_string());
    Ok(shuangyong_domain::report::render(&template(store).await?, &figures, &vars))
}
