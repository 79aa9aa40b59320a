//! 统计报告: every figure of the dashboard and the summary, computed from the records in a scope
//! and a span of years, with the link to those records; the lists of names the records carry; what
//! the records lack (the checklist shown before a summary is made). The summary's template is a
//! setting staff edit; a default without any county's names ships with the program.

use std::collections::BTreeMap;

use sea_orm::Value;
use serde_json::json;
use shuangyong_domain::OrgPath;
use shuangyong_domain::figures::{More, Style};
use shuangyong_domain::report::{Block, Facts, Figure, Section};

use crate::audit::{self, Actor, Change};
use crate::{Scope, Store, StoreError, Tx};

mod checklist;
mod document;
mod lists;

pub use checklist::{Gap, checklist};
pub use document::{BODY_FONT, HEADING_FONT, TITLE_FONT, docx, html};
pub use lists::{LISTS, ListDef, lists};

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
    m("honours_national", Section::Leadership, "连续荣获全国双拥模范县", "次", Style::Cn),
    m("honours_provincial", Section::Leadership, "连续被评为省级双拥模范县", "届", Style::Cn),
    m("honours_municipal", Section::Leadership, "连续被评为市级双拥模范县", "届", Style::Cn),
    m("groups", Section::Leadership, "双拥工作机构（领导小组、办公室、工作组）", "个", Style::Cn),
    m("meetings", Section::Leadership, "召开双拥相关会议", "次", YU),
    m("measures", Section::Leadership, "“五纳入五统一”已落实事项", "项", Style::Exact),
    m("plan_items", Section::Leadership, "军地互办实事", "件", YU),
    m("events", Section::Publicity, "开展宣传教育活动", "次", YU),
    m("events_participants", Section::Publicity, "宣传教育活动参与", "人次", DUO),
    m("support_total", Section::Support, "拥军支前资金（各类项目合计）", "元", YU),
    m("evacuation_ops", Section::Support, "支援部队任务疏散群众", "次", YU),
    m("evacuation_people", Section::Support, "疏散群众", "人", DUO),
    m("evacuation_accidents", Section::Support, "疏散中发生安全事故", "起", Style::Exact),
    m("visits", Section::Support, "县领导走访慰问部队", "次", YU),
    m("people", Section::Policy, "在册优抚对象", "名", Style::Exact),
    m("rural_veteran_elderly", Section::Policy, "享受老兵生活补助（60周岁以上农村籍退役士兵）", "名", Style::Exact),
    m("disability_pension", Section::Policy, "享受残疾抚恤金的残疾军人", "名", Style::Exact),
    m("benefit_paid", Section::Policy, "发放优抚金", "元", YU),
    m("housing_solved", Section::Policy, "解决重点优抚对象住房困难", "户", YU),
    m("medical_fund", Section::Policy, "重点优抚对象医疗救助资金", "元", YU),
    m("medical_claims", Section::Policy, "“一站式”结算医疗救助", "人次", YU),
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
];

/// Plain values a template may use: the unit's name, the years, the months paid.
pub const VARS: &[(&str, &str)] = &[
    ("county", "单位名称"),
    ("from", "起始年份"),
    ("to", "截止年份"),
    ("span", "年份范围（如 2020—2024年，一年时为 2024年）"),
    ("since", "开头语的时间（如 2020年以来，一年时为 2024年）"),
    ("benefit_months", "发放优抚金的月份（如 2024年9月至12月）"),
];

/// The metric of a key.
pub fn metric(key: &str) -> Option<&'static Metric> {
    METRICS.iter().find(|m| m.key == key)
}

/// Whether a template may use a key: a metric, a list or a plain value.
pub fn known(key: &str) -> bool {
    metric(key).is_some() || LISTS.iter().any(|l| l.key == key) || VARS.iter().any(|(k, _)| *k == key)
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
    let contribution = async |kind: &str, field: &str| -> Result<i64, StoreError> {
        let t = totals::contributions(store, scope, years.clone()).await?;
        let n: i64 = t.iter().filter(|y| y.group[0] == kind).map(|y| y.sum(field)).sum();
        Ok(if field == "amount" { n / 100 } else { n })
    };
    let v = match key {
        "honours_national" | "honours_provincial" | "honours_municipal" => {
            let title = &key["honours_".len()..];
            // Rounds in a row up to `to`: the honours of every year, not of `to` alone.
            let n = totals::consecutive_rounds(store, scope, title, to).await?;
            if n == 0 {
                return Ok(None);
            }
            (n, format!("/org/honours?unit={unit}&choice={title}"))
        }
        "groups" => (
            lists::group_names(store, scope, from, to).await?.len() as i64,
            format!("/org/groups?unit={unit}&active={from}-{to}"),
        ),
        "measures" => {
            let t = totals::measures(store, scope, years.clone()).await?;
            (t.iter().filter(|y| y.group[0] == "done").map(|y| y.records).sum(), href("/org/measures", ""))
        }
        "meetings" => (records(&totals::meetings(store, scope, years.clone()).await?), href("/org/meetings", "")),
        "plan_items" => (
            records(&totals::by_year(store, scope, &shuangyong_domain::work::PLAN_ITEMS, years.clone(), &[]).await?),
            href("/org/plan-items", ""),
        ),
        "events" => (records(&totals::events(store, scope, years.clone()).await?), href("/publicity/events", "")),
        "events_participants" => {
            (sum(&totals::events(store, scope, years.clone()).await?, "participants"), href("/publicity/events", ""))
        }
        "support_total" => {
            let t = totals::projects(store, scope, years.clone()).await?;
            let fen: i64 = t.iter().filter(|y| y.group[1] == "yuan").map(|y| y.sum("amount")).sum();
            (fen / 100, href("/support/projects", ""))
        }
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
        "medical_claims" => {
            let (in_scope, vals) = scope.sql("c.org_path", 1);
            let mut params: Vec<Value> = vals.into();
            params.push(i64::from(from).into());
            params.push(i64::from(to).into());
            let n = store
                .count_of(
                    store.conn(),
                    &format!(
                        "SELECT COUNT(*) AS n FROM medical_claim c JOIN medical_fund f ON f.id = c.fund_id \
                         WHERE {in_scope} AND c.state = 'approved' AND f.year >= $3 AND f.year <= $4"
                    ),
                    params,
                )
                .await?;
            (n, "/cases/medical".to_owned())
        }
        _ => return Ok(None),
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

/// Everything the records say for a scope and years: figures, lists of names, plain values.
pub async fn facts(store: &Store, scope: &Scope, from: i32, to: i32) -> Result<Facts, StoreError> {
    let unit = crate::org::get(store, scope, scope.root()).await?;
    let mut facts = Facts { figures: figures(store, scope, from, to).await?, ..Default::default() };
    facts.lists = lists(store, scope, from, to).await?;
    facts.vars.insert("county".into(), unit.name);
    facts.vars.insert("from".into(), from.to_string());
    facts.vars.insert("to".into(), to.to_string());
    let (span, since) = if from == to {
        (format!("{to}年"), format!("{to}年"))
    } else {
        (format!("{from}—{to}年"), format!("{from}年以来"))
    };
    facts.vars.insert("span".into(), span);
    facts.vars.insert("since".into(), since);
    facts.vars.insert("benefit_months".into(), benefit_months(store, scope, from, to).await?);
    facts.known.extend(METRICS.iter().map(|m| m.key.to_owned()));
    facts.known.extend(LISTS.iter().map(|l| l.key.to_owned()));
    facts.known.extend(VARS.iter().map(|(k, _)| (*k).to_owned()));
    Ok(facts)
}

/// The months the span's payments cover, as a report writes them: 2024年9月至12月,
/// 2020年1月至2024年12月, 2024年9月; empty without payments.
async fn benefit_months(store: &Store, scope: &Scope, from: i32, to: i32) -> Result<String, StoreError> {
    let (in_scope, vals) = scope.sql("l.org_path", 1);
    let mut params: Vec<Value> = vals.into();
    params.push(format!("{from:04}-01").into());
    params.push(format!("{to:04}-12").into());
    let row = store
        .query_one(
            store.conn(),
            &format!(
                "SELECT MIN(l.for_period) AS a, MAX(l.for_period) AS b FROM benefit_cycle_line l \
                 WHERE {in_scope} AND l.status <> 'failed' AND l.for_period >= $3 AND l.for_period <= $4"
            ),
            params,
        )
        .await?;
    let get = |c: &str| row.as_ref().and_then(|r| r.try_get::<Option<String>>("", c).ok().flatten());
    let (Some(a), Some(b)) = (get("a"), get("b")) else { return Ok(String::new()) };
    Ok(months_words(&a, &b))
}

/// `2024-09`, `2024-12` → 2024年9月至12月.
pub fn months_words(first: &str, last: &str) -> String {
    let split = |p: &str| -> (String, u32) {
        let (y, m) = p.split_once('-').unwrap_or((p, "1"));
        (y.to_owned(), m.parse().unwrap_or(1))
    };
    let ((ya, ma), (yb, mb)) = (split(first), split(last));
    if (ya.as_str(), ma) == (yb.as_str(), mb) {
        format!("{ya}年{ma}月")
    } else if ya == yb {
        format!("{ya}年{ma}月至{mb}月")
    } else {
        format!("{ya}年{ma}月至{yb}年{mb}月")
    }
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

/// The template that ships with the program: no county's names, every sentence conditional on
/// the records it reports.
pub const DEFAULT_TEMPLATE: &str = include_str!("../../templates/summary.txt");

/// The summary's template: the one staff saved, or the default.
pub async fn template(store: &Store) -> Result<String, StoreError> {
    Ok(crate::setting::get(store, TEMPLATE_SETTING).await?.unwrap_or_else(|| DEFAULT_TEMPLATE.to_owned()))
}

/// The mistakes of a template (syntax, unknown keys), as sentences for its author.
pub fn template_errors(text: &str) -> Vec<String> {
    shuangyong_domain::report::check(text, &known)
}

/// Saves an edited template (empty restores the default); one with mistakes is refused.
pub async fn set_template(store: &Store, tx: &Tx, actor: &Actor, text: &str) -> Result<(), StoreError> {
    let text = text.replace("\r\n", "\n");
    if text.chars().count() > 20_000 {
        return Err(StoreError::invalid("模板不超过2万字，请精简"));
    }
    if let Some(e) = template_errors(&text).first() {
        return Err(StoreError::invalid(e.clone()));
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

fn check_span(from: i32, to: i32) -> Result<(), StoreError> {
    if from > to || !(2000..=2100).contains(&from) || !(2000..=2100).contains(&to) {
        return Err(StoreError::invalid("年份应为四位数字，起始年份不晚于截止年份，如 2020—2024"));
    }
    Ok(())
}

/// The summary's blocks for a scope and years: the template filled from the records.
pub async fn summary(store: &Store, scope: &Scope, from: i32, to: i32) -> Result<Vec<Block>, StoreError> {
    check_span(from, to)?;
    let facts = facts(store, scope, from, to).await?;
    Ok(shuangyong_domain::report::render(&template(store).await?, &facts))
}

/// The summary and what its records lack, for the page that makes it.
pub async fn summary_with_checklist(
    store: &Store,
    scope: &Scope,
    from: i32,
    to: i32,
) -> Result<(Vec<Block>, Vec<Gap>), StoreError> {
    check_span(from, to)?;
    let facts = facts(store, scope, from, to).await?;
    let template = template(store).await?;
    let mut gaps: Vec<Gap> =
        template_errors(&template).into_iter().map(|text| Gap { text, href: "/reports/template".to_owned() }).collect();
    gaps.extend(checklist(store, scope, &facts, from, to).await?);
    Ok((shuangyong_domain::report::render(&template, &facts), gaps))
}
