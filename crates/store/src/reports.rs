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
use shuangyong_domain::text::escape_html as escape;

/// A figure the system knows how to compute.
pub struct Metric {
    pub key: &'static str,
    pub section: Section,
    pub label: &'static str,
    pub measure: &'static str,
    pub style: Style,
}

const YU: Style = Style::About(More::Yu);
const DUO: Style = Style::About(More::Duo);

const fn m(key: &'static str, section: Section, label: &'static str, measure: &'static str, style: Style) -> Metric {
    Metric { key, section, label, measure, style }
}

/// Every metric, by section.
pub const METRICS: &[Metric] = &[
    m("honours_national", Section::Leadership, "连续荣获全国双拥模范县", "次", Style::Exact),
    m("groups", Section::Leadership, "双拥工作机构（领导小组、办公室、服务组）", "个", Style::Exact),
    m("meetings", Section::Leadership, "召开双拥相关会议", "次", YU),
    m("measures", Section::Leadership, "“五纳入五统一”落实事项", "项", Style::Exact),
    m("plan_items", Section::Leadership, "军地互办实事", "件", YU),
    m("events", Section::Publicity, "开展宣传教育活动", "次", YU),
    m("events_participants", Section::Publicity, "宣传教育活动参与", "人次", DUO),
    m("defence_road", Section::Support, "国防公路建设投入", "元", YU),
    m("relocation_greening", Section::Support, "营区周边搬迁和绿化投入", "元", YU),
    m("family_employment", Section::Support, "随军家属就业和部队雇工安置投入", "元", Style::Exact),
    m("forest", Section::Support, "退耕还林", "亩", YU),
    m("evacuation_ops", Section::Support, "支援部队任务疏散群众", "次", YU),
    m("evacuation_people", Section::Support, "疏散群众", "人", DUO),
    m("evacuation_accidents", Section::Support, "疏散中发生安全事故", "起", Style::Exact),
    m("visits", Section::Support, "县领导走访慰问部队", "次", YU),
    m("housing_solved", Section::Policy, "解决重点优抚对象住房困难", "户", YU),
    m("medical_fund", Section::Policy, "重点优抚对象医疗救助资金", "元", YU),
    m("placement_rate", Section::Policy, "退役军人安置率", "%", Style::Exact),
    m("training_rate", Section::Policy, "自主就业退役军人培训率", "%", Style::Exact),
    m("windows", Section::Policy, "在用军人优先窗口", "个", Style::Exact),
    m("contrib_defence_funds", Section::Purpose, "驻军争取国防补助资金", "元", YU),
    m("contrib_infrastructure", Section::Purpose, "驻军援建基础设施", "元", YU),
    m("contrib_medicines", Section::Purpose, "驻军赠送药品", "元", YU),
    m("contrib_patients", Section::Purpose, "驻军诊治群众", "人", YU),
    m("contrib_critical", Section::Purpose, "驻军救治危重病人", "人", YU),
    m("contrib_education", Section::Purpose, "驻军教育群众", "人次", YU),
    m("contrib_student_aid", Section::Purpose, "驻军捐资助学", "元", Style::Exact),
    m("contrib_students", Section::Purpose, "驻军资助贫困学生", "名", Style::Exact),
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

/// A work list's link: `/support/projects?choice=defence_road&unit=…` (and the year, for one year).
fn work_href(path: &str, choice: &str, unit: &str, from: i32, to: i32) -> String {
    let mut h = format!("{path}?unit={unit}");
    if !choice.is_empty() {
        h.push_str(&format!("&choice={choice}"));
    }
    if from == to {
        h.push_str(&format!("&year={from}"));
    }
    h
}

/// The metrics of the work system and the cases, from their own yearly totals.
async fn other_value(
    store: &Store,
    scope: &Scope,
    key: &str,
    from: i32,
    to: i32,
) -> Result<Option<(i64, String)>, StoreError> {
    use crate::work::totals;
    let unit = scope.root().as_str().to_owned();
    let years = from..=to;
    let records = |t: &[totals::YearTotal]| t.iter().map(|y| y.records).sum::<i64>();
    let sum = |t: &[totals::YearTotal], f: &str| t.iter().map(|y| y.sum(f)).sum::<i64>();
    let href = |path: &str, choice: &str| work_href(path, choice, &unit, from, to);
    let project = async |cats: &[&str], unit_code: &str| -> Result<i64, StoreError> {
        let mut n = 0;
        for c in cats {
            n += totals::project_sum(store, scope, years.clone(), c, unit_code).await?;
        }
        Ok(n / 100)
    };
    let contribution = async |kind: &str, field: &str| -> Result<i64, StoreError> {
        let t = totals::contributions(store, scope, years.clone()).await?;
        let n: i64 = t.iter().filter(|y| y.group[0] == kind).map(|y| y.sum(field)).sum();
        Ok(if field == "amount" { n / 100 } else { n })
    };
    let v = match key {
        "honours_national" => (
            totals::consecutive_national_rounds(store, scope, to).await?,
            // Rounds in a row up to `to`: the honours of every year, not of `to` alone.
            format!("/org/honours?unit={unit}&choice=national"),
        ),
        "groups" => (records(&totals::groups(store, scope, years.clone()).await?), href("/org/groups", "")),
        "meetings" => (records(&totals::meetings(store, scope, years.clone()).await?), href("/org/meetings", "")),
        "measures" => (records(&totals::measures(store, scope, years.clone()).await?), href("/org/measures", "")),
        "plan_items" => (
            records(&totals::by_year(store, scope, &shuangyong_domain::work::PLAN_ITEMS, years.clone(), &[]).await?),
            href("/org/plan-items", ""),
        ),
        "events" => (records(&totals::events(store, scope, years.clone()).await?), href("/publicity/events", "")),
        "events_participants" => {
            (sum(&totals::events(store, scope, years.clone()).await?, "participants"), href("/publicity/events", ""))
        }
        "defence_road" => (project(&["defence_road"], "yuan").await?, href("/support/projects", "defence_road")),
        "relocation_greening" => {
            (project(&["relocation", "greening"], "yuan").await?, href("/support/projects", "relocation,greening"))
        }
        "family_employment" => (
            project(&["family_employment", "troop_hiring"], "yuan").await?,
            href("/support/projects", "family_employment"),
        ),
        "forest" => (project(&["forest"], "mu").await?, href("/support/projects", "forest")),
        "evacuation_ops" | "evacuation_people" | "evacuation_accidents" => {
            let t = totals::evacuations(store, scope, years.clone()).await?;
            let n = match key {
                "evacuation_ops" => records(&t),
                "evacuation_people" => sum(&t, "people"),
                _ => sum(&t, "accidents"),
            };
            (n, href("/support/evacuations", ""))
        }
        "visits" => (records(&totals::visits(store, scope, years.clone()).await?), href("/support/visits", "")),
        "contrib_defence_funds" => {
            (contribution("defence_funds", "amount").await?, href("/troops/contributions", "defence_funds"))
        }
        "contrib_infrastructure" => {
            (contribution("infrastructure", "amount").await?, href("/troops/contributions", "infrastructure"))
        }
        "contrib_medicines" => (contribution("medicines", "amount").await?, href("/troops/contributions", "medicines")),
        "contrib_patients" => (contribution("patients", "people").await?, href("/troops/contributions", "patients")),
        "contrib_critical" => (contribution("critical", "people").await?, href("/troops/contributions", "critical")),
        "contrib_education" => (contribution("education", "people").await?, href("/troops/contributions", "education")),
        "contrib_student_aid" => {
            (contribution("student_aid", "amount").await?, href("/troops/contributions", "student_aid"))
        }
        "contrib_students" => {
            (contribution("student_aid", "people").await?, href("/troops/contributions", "student_aid"))
        }
        "housing_solved" => {
            let n =
                crate::cases::housing::solved_by_year(store, scope, from, to).await?.iter().map(|y| y.households).sum();
            // Completed in the year counted (the list filters one year; a span lists them all).
            let year = if from == to { format!("&year={from}") } else { String::new() };
            (n, format!("/cases/housing?state=completed&unit={unit}{year}"))
        }
        "medical_fund" => {
            let (in_scope, vals) = scope.sql("org_path", 1);
            let mut params: Vec<Value> = vals.into();
            params.push(i64::from(from).into());
            params.push(i64::from(to).into());
            let n: i64 = store
                .query_one(
                    store.conn(),
                    &format!(
                        "SELECT CAST(COALESCE(SUM(received_fen), 0) AS BIGINT) AS n FROM medical_fund \
                         WHERE {in_scope} AND year >= $3 AND year <= $4"
                    ),
                    params,
                )
                .await?
                .map(|r| r.try_get::<i64>("", "n"))
                .transpose()?
                .unwrap_or(0);
            (n / 100, "/cases/medical".to_owned())
        }
        "placement_rate" | "training_rate" => {
            let year = (from == to).then_some(from);
            let stats = crate::cases::placement::stats(store, scope, year).await?;
            let rate = if key == "placement_rate" { stats.placement } else { stats.training };
            if rate.due == 0 {
                return Ok(None);
            }
            let pct = (rate.done * 100 + rate.due / 2) / rate.due;
            let path = if key == "placement_rate" { "/cases/placement" } else { "/cases/training" };
            (pct as i64, format!("{path}?unit={unit}"))
        }
        "windows" => {
            let (in_scope, vals) = scope.sql("org_path", 1);
            let n = store
                .count_of(
                    store.conn(),
                    &format!("SELECT COUNT(*) AS n FROM priority_window WHERE {in_scope} AND in_service = 1"),
                    vals,
                )
                .await?;
            (n, "/cases/windows".to_owned())
        }
        _ => match key.strip_prefix("base_visits:") {
            Some(name) => {
                let (in_scope, vals) = scope.sql("org_path", 1);
                let mut params: Vec<Value> = vals.into();
                params.push(name.trim().into());
                let Some(base) = store
                    .query_one(store.conn(), &format!("SELECT id FROM edu_base WHERE {in_scope} AND name = $3"), params)
                    .await?
                else {
                    return Ok(None);
                };
                let id: i64 = base.try_get("", "id")?;
                let n = totals::base_visits(store, scope, id, years.clone()).await?.iter().map(|(_, n)| n).sum();
                (n, format!("/publicity/bases/{id}"))
            }
            None => return Ok(None),
        },
    };
    Ok(Some(v))
}

/// One metric over a scope and years; `None` for an unknown key (or a rate with nobody due).
pub async fn value(
    store: &Store,
    scope: &Scope,
    key: &str,
    from: i32,
    to: i32,
) -> Result<Option<(i64, String)>, StoreError> {
    if !matches!(key, "people" | "rural_veteran_elderly" | "disability_pension" | "benefit_paid") {
        return other_value(store, scope, key, from, to).await;
    }
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
                // Those enrolled by the span's last month, as counted; later enrolments are not.
                format!("/benefits/programs/{}/enrolled?unit={unit}&until={}", program.id, span.last_month()),
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
) -> Result<Vec<(String, OrgPath, i64, String)>, StoreError> {
    let mut out = Vec::new();
    for u in crate::org::children(store, scope, scope.root()).await? {
        if matches!(u.kind, shuangyong_domain::OrgKind::MilitaryUnit) {
            continue;
        }
        let sub = Scope::new(u.path.clone());
        if let Some((v, href)) = value(store, &sub, key, from, to).await? {
            out.push((u.name, u.path, v, href));
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
    let mut figures = figures(store, scope, from, to).await?;
    let template = template(store).await?;
    // Figures the template names with an argument: {base_visits:毛主席路居馆}.
    for key in shuangyong_domain::report::keys(&template) {
        if let Some(name) = key.strip_prefix("base_visits:")
            && let Some((v, href)) = value(store, scope, &key, from, to).await?
        {
            let label = format!("{name}接待参观学习");
            figures.insert(key.clone(), Figure::new(&key, Section::Publicity, &label, v, "人次", DUO, href));
        }
    }
    let unit = crate::org::get(store, scope, scope.root()).await?;
    let mut vars = BTreeMap::new();
    vars.insert("county", unit.name);
    vars.insert("from", from.to_string());
    vars.insert("to", to.to_string());
    Ok(shuangyong_domain::report::render(&template, &figures, &vars))
}
