//! What the records lack for a summary, told to the clerk before the document is made: each gap a
//! sentence and the page where it is entered. The document itself leaves such sentences out.

use serde::Serialize;
use shuangyong_domain::report::Facts;
use shuangyong_domain::work;

use crate::work::totals;
use crate::{Scope, Store, StoreError};

/// A gap in the records.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Gap {
    /// 2023年没有“五纳入五统一”记录
    pub text: String,
    /// Where to enter what is missing.
    pub href: String,
}

fn gap(text: impl Into<String>, href: impl Into<String>) -> Gap {
    Gap { text: text.into(), href: href.into() }
}

/// The gaps of a scope's records over the years, given the facts already computed for them.
pub async fn checklist(
    store: &Store,
    scope: &Scope,
    facts: &Facts,
    from: i32,
    to: i32,
) -> Result<Vec<Gap>, StoreError> {
    let years = from..=to;
    let mut out = Vec::new();
    // Yearly records: one checklist, meetings, a plan and events every year.
    let measures = totals::by_year(store, scope, &work::MEASURES, years.clone(), &[]).await?;
    let meetings = totals::by_year(store, scope, &work::MEETINGS, years.clone(), &[]).await?;
    let plans = totals::by_year(store, scope, &work::PLANS, years.clone(), &[]).await?;
    let events = totals::by_year(store, scope, &work::EVENTS, years.clone(), &[]).await?;
    let items = work::MEASURE_ITEMS.len() as i64;
    for y in years {
        let n = |t: &[totals::YearTotal]| t.iter().find(|t| t.year == y).map_or(0, |t| t.records);
        match n(&measures) {
            0 => out.push(gap(format!("{y}年没有“五纳入五统一”记录"), format!("/org/measures?year={y}"))),
            k if k < items => out.push(gap(
                format!("{y}年“五纳入五统一”只记录了{k}项（共{items}项）"),
                format!("/org/measures?year={y}"),
            )),
            _ => {}
        }
        if n(&meetings) == 0 {
            out.push(gap(format!("{y}年没有会议记录"), format!("/org/meetings?year={y}")));
        }
        if n(&plans) == 0 {
            out.push(gap(format!("{y}年没有互办实事计划"), format!("/org/plans?year={y}")));
        }
        if n(&events) == 0 {
            out.push(gap(format!("{y}年没有宣传教育活动记录"), format!("/publicity/events?year={y}")));
        }
    }
    // Over the span: what the summary's sections report.
    let has = |k: &str| facts.figures.get(k).is_some_and(|f| f.value != 0) || facts.lists.contains_key(k);
    let span = format!("{from}—{to}年");
    let checks: &[(&[&str], &str, &str)] = &[
        (
            &["honours_national", "honours_provincial", "honours_municipal"],
            "没有双拥模范县（城）命名记录",
            "/org/honours",
        ),
        (&["groups"], "没有工作机构记录（领导小组、办公室、工作组）", "/org/groups"),
        (&["support_total", "support_other"], "没有拥军支前项目与资金记录", "/support/projects"),
        (&["evacuation_ops"], "没有支援部队任务疏散记录（如确无此项工作，可不录入）", "/support/evacuations"),
        (&["visits"], "没有走访慰问部队记录", "/support/visits"),
        (&["people"], "优抚对象名册中没有在册人员", "/registry"),
        (&["benefit_paid"], "没有已发放的优抚金", "/benefits/cycles"),
        (&["housing_solved"], "没有已完成的住房保障记录", "/cases/housing"),
        (&["medical_fund"], "没有医疗救助资金记录", "/cases/medical"),
        (&["placement_rate", "training_rate"], "没有安置和培训记录", "/cases/placement"),
        (&["windows"], "没有在用的军人优先窗口记录", "/cases/windows"),
        (
            &[
                "contrib_defence_funds",
                "contrib_infrastructure",
                "contrib_medicines",
                "contrib_patients",
                "contrib_critical",
                "contrib_education",
                "contrib_student_aid",
            ],
            "没有驻军贡献记录",
            "/troops/contributions",
        ),
    ];
    for (keys, text, href) in checks {
        if !keys.iter().any(|k| has(k)) {
            out.push(gap(format!("{span}{text}"), *href));
        }
    }
    Ok(out)
}
