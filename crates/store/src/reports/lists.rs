//! The names the records carry, for the summary and the dashboard: the working bodies, the kinds of
//! meetings and events held, the bases visited, the support by category, the villages built with
//! the troops, the places of priority windows. A name appears only when a record of the span has it.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use sea_orm::Value;
use shuangyong_domain::cases::{HousingWay, WindowKind};
use shuangyong_domain::figures::{More, Style};
use shuangyong_domain::report::{Entry, Figure, Section};
use shuangyong_domain::work::{self, PROJECT_REPORT_GROUPS};

use super::work_href;
use crate::work::totals;
use crate::{Scope, Store, StoreError};

/// A list the system knows how to fill.
pub struct ListDef {
    pub key: &'static str,
    pub section: Section,
    pub label: &'static str,
}

const fn l(key: &'static str, section: Section, label: &'static str) -> ListDef {
    ListDef { key, section, label }
}

/// Every list, by section.
pub const LISTS: &[ListDef] = &[
    l("group_names", Section::Leadership, "工作机构的名称"),
    l("meeting_kinds", Section::Leadership, "召开的会议类别"),
    l("event_kinds", Section::Publicity, "开展的宣传教育活动类别"),
    l("base_visits", Section::Publicity, "各教育基地接待参观学习人次（{name}、{value}）"),
    l("support_funds", Section::Support, "各类拥军支前资金（{name}、{value}，元）"),
    l("support_other", Section::Support, "以亩、人计的拥军支前项目（{name}、{value}）"),
    l("joint_villages", Section::Support, "军地共建的中心村"),
    l("housing_ways", Section::Policy, "解决住房困难的方式"),
    l("window_kinds", Section::Policy, "设立军人优先窗口的场所类别"),
    l("memorials", Section::Policy, "期间建成的烈士纪念设施"),
    l("infrastructure_places", Section::Purpose, "驻军援建基础设施的地方"),
];

fn named(names: impl IntoIterator<Item = String>) -> Vec<Entry> {
    names.into_iter().map(|name| Entry { name, figure: None }).collect()
}

fn first_last(from: i32, to: i32) -> Result<(NaiveDate, NaiveDate), StoreError> {
    let first = NaiveDate::from_ymd_opt(from, 1, 1).ok_or_else(|| anyhow::anyhow!("year {from}"))?;
    let last = NaiveDate::from_ymd_opt(to, 12, 31).ok_or_else(|| anyhow::anyhow!("year {to}"))?;
    Ok((first, last))
}

/// 工作机构 whose term covers part of the span, named once each as recorded, leading group first.
pub async fn group_names(store: &Store, scope: &Scope, from: i32, to: i32) -> Result<Vec<String>, StoreError> {
    let (cond, vals) = scope.sql("org_path", 1);
    let mut params: Vec<Value> = vals.into();
    let (first, last) = first_last(from, to)?;
    params.push(last.into());
    params.push(first.into());
    let rows = store
        .query_all(
            store.conn(),
            &format!(
                "SELECT name, kind, MIN(id) AS first_id FROM work_group WHERE {cond} \
                 AND term_start <= $3 AND (term_end IS NULL OR term_end >= $4) GROUP BY name, kind"
            ),
            params,
        )
        .await?;
    let mut out: Vec<(usize, i64, String)> = Vec::new();
    for r in rows {
        let kind: String = r.try_get("", "kind")?;
        let order = work::GROUP_KINDS.iter().position(|(c, _)| *c == kind).unwrap_or(usize::MAX);
        out.push((order, r.try_get("", "first_id")?, r.try_get("", "name")?));
    }
    out.sort();
    let mut names: Vec<String> = Vec::new();
    for (_, _, n) in out {
        if !names.contains(&n) {
            names.push(n);
        }
    }
    Ok(names)
}

/// The labels of the choices that records of the span hold, in the choices' order, without 其他.
fn labels_held(totals: &[totals::YearTotal], choices: &[(&str, &str)]) -> Vec<String> {
    choices
        .iter()
        .filter(|(code, _)| *code != "other")
        .filter(|(code, _)| totals.iter().any(|t| t.group[0] == *code && t.records > 0))
        .map(|(_, label)| (*label).to_owned())
        .collect()
}

/// Bases with visits in the span, each with its person-visits, most visited first.
async fn base_visits(store: &Store, scope: &Scope, from: i32, to: i32) -> Result<Vec<Entry>, StoreError> {
    let rows = totals::by_year(store, scope, &work::EVENTS, from..=to, &["base_id"]).await?;
    let mut by_base: BTreeMap<i64, i64> = BTreeMap::new();
    for t in &rows {
        if let Ok(id) = t.group[0].parse::<i64>() {
            *by_base.entry(id).or_default() += t.sum("participants");
        }
    }
    let ids: Vec<i64> = by_base.iter().filter(|(_, n)| **n > 0).map(|(id, _)| *id).collect();
    let names = crate::work::titles(store, &work::BASES, &ids).await?;
    let mut out: Vec<(i64, Entry)> = Vec::new();
    for id in ids {
        let (Some(name), Some(n)) = (names.get(&id), by_base.get(&id)) else { continue };
        let label = format!("{name}接待参观学习");
        let href = format!("/publicity/bases/{id}");
        let figure = Figure::new("base_visits", Section::Publicity, &label, *n, "人次", Style::About(More::Duo), href);
        out.push((*n, Entry { name: name.clone(), figure: Some(figure) }));
    }
    out.sort_by_key(|e| std::cmp::Reverse(e.0));
    Ok(out.into_iter().map(|(_, e)| e).collect())
}

/// Support projects by report group: the groups with records in 元 (`yuan`), or in 亩 and 人.
async fn support(store: &Store, scope: &Scope, from: i32, to: i32, money: bool) -> Result<Vec<Entry>, StoreError> {
    let rows = totals::projects(store, scope, from..=to).await?;
    let unit = scope.root().as_str();
    let units: &[(&str, &str)] = if money { &[("yuan", "元")] } else { &[("mu", "亩"), ("person", "人")] };
    let mut out = Vec::new();
    for (code, measure) in units {
        for group in PROJECT_REPORT_GROUPS {
            let held: Vec<&(&str, &str)> = group
                .iter()
                .filter(|(c, _)| rows.iter().any(|t| t.group[0] == *c && t.group[1] == *code && t.sum("amount") > 0))
                .collect();
            if held.is_empty() {
                continue;
            }
            let hundredths: i64 = rows
                .iter()
                .filter(|t| t.group[1] == *code && held.iter().any(|(c, _)| t.group[0] == *c))
                .map(|t| t.sum("amount"))
                .sum();
            let name = held.iter().map(|(_, label)| *label).collect::<Vec<_>>().join("和");
            let choice = held.iter().map(|(c, _)| *c).collect::<Vec<_>>().join(",");
            let href = work_href("/support/projects", &choice, unit, from, to);
            let key = if money { "support_funds" } else { "support_other" };
            // Funds and land are rounded as reports round them; the people employed are counted.
            let style = if *measure == "人" { Style::Exact } else { Style::About(More::Yu) };
            let figure = Figure::new(key, Section::Support, &name, hundredths / 100, measure, style, href);
            out.push(Entry { name, figure: Some(figure) });
        }
    }
    Ok(out)
}

/// The villages where a central village was built with the troops (projects of `central_village`).
async fn joint_villages(store: &Store, scope: &Scope, from: i32, to: i32) -> Result<Vec<Entry>, StoreError> {
    let (cond, vals) = scope.sql("org_path", 1);
    let mut params: Vec<Value> = vals.into();
    params.push(i64::from(from).into());
    params.push(i64::from(to).into());
    let rows = store
        .query_all(
            store.conn(),
            &format!(
                "SELECT org_path, MIN(id) AS first_id FROM support_project WHERE {cond} \
                 AND category = 'central_village' AND rec_year BETWEEN $3 AND $4 GROUP BY org_path ORDER BY first_id"
            ),
            params,
        )
        .await?;
    let mut names = Vec::new();
    for r in rows {
        let path: String = r.try_get("", "org_path")?;
        let Ok(path) = shuangyong_domain::OrgPath::parse(&path) else { continue };
        let u = crate::org::get(store, scope, &path).await?;
        // Recorded at a township or the county, the village is not known: none is named.
        if !matches!(u.kind, shuangyong_domain::OrgKind::Village) {
            continue;
        }
        let name = work::central_village_name(&u.name);
        if !names.contains(&name) {
            names.push(name);
        }
    }
    Ok(named(names))
}

/// The ways housing cases completed in the span were solved (建、借、租、维修).
async fn housing_ways(store: &Store, scope: &Scope, from: i32, to: i32) -> Result<Vec<Entry>, StoreError> {
    let years = crate::cases::housing::solved_by_year(store, scope, from, to).await?;
    Ok(named(
        HousingWay::ALL
            .iter()
            .filter(|w| years.iter().any(|y| y.by_way.iter().any(|(way, n)| way == *w && *n > 0)))
            .map(|w| w.label().to_owned()),
    ))
}

/// The kinds of places with a priority window in service (商场、银行、车站), without 其他.
async fn window_kinds(store: &Store, scope: &Scope) -> Result<Vec<Entry>, StoreError> {
    let (cond, vals) = scope.sql("org_path", 1);
    let rows = store
        .query_all(
            store.conn(),
            &format!("SELECT DISTINCT kind FROM priority_window WHERE {cond} AND in_service = 1"),
            Vec::<Value>::from(vals),
        )
        .await?;
    let held: Vec<String> = rows.iter().filter_map(|r| r.try_get::<String>("", "kind").ok()).collect();
    Ok(named(
        WindowKind::ALL
            .iter()
            .filter(|k| !matches!(k, WindowKind::Other) && held.iter().any(|h| h == k.code()))
            .map(|k| k.label().to_owned()),
    ))
}

/// Martyrs' memorials (bases of kind `memorial`) named or completed in the span.
async fn memorials(store: &Store, scope: &Scope, from: i32, to: i32) -> Result<Vec<Entry>, StoreError> {
    let (cond, vals) = scope.sql("org_path", 1);
    let mut params: Vec<Value> = vals.into();
    params.push(i64::from(from).into());
    params.push(i64::from(to).into());
    let rows = store
        .query_all(
            store.conn(),
            &format!(
                "SELECT name FROM edu_base WHERE {cond} AND kind = 'memorial' AND since BETWEEN $3 AND $4 \
                 ORDER BY since, id"
            ),
            params,
        )
        .await?;
    Ok(named(rows.iter().filter_map(|r| r.try_get::<String>("", "name").ok())))
}

/// Where the troops built infrastructure (the beneficiaries recorded), in order of first record.
async fn infrastructure_places(store: &Store, scope: &Scope, from: i32, to: i32) -> Result<Vec<Entry>, StoreError> {
    let (cond, vals) = scope.sql("org_path", 1);
    let mut params: Vec<Value> = vals.into();
    params.push(i64::from(from).into());
    params.push(i64::from(to).into());
    let rows = store
        .query_all(
            store.conn(),
            &format!(
                "SELECT beneficiary, MIN(id) AS first_id FROM troops_contribution WHERE {cond} \
                 AND kind = 'infrastructure' AND rec_year BETWEEN $3 AND $4 AND beneficiary IS NOT NULL \
                 AND beneficiary <> '' GROUP BY beneficiary ORDER BY first_id"
            ),
            params,
        )
        .await?;
    Ok(named(rows.iter().filter_map(|r| r.try_get::<String>("", "beneficiary").ok())))
}

/// Every list over a scope and years, by key; a list the records leave empty is absent.
pub async fn lists(
    store: &Store,
    scope: &Scope,
    from: i32,
    to: i32,
) -> Result<BTreeMap<String, Vec<Entry>>, StoreError> {
    let years = from..=to;
    let meetings = totals::meetings(store, scope, years.clone()).await?;
    let events = totals::events(store, scope, years.clone()).await?;
    let all = [
        ("group_names", named(group_names(store, scope, from, to).await?)),
        ("meeting_kinds", named(labels_held(&meetings, work::MEETING_KINDS))),
        ("event_kinds", named(labels_held(&events, work::EVENT_KINDS))),
        ("base_visits", base_visits(store, scope, from, to).await?),
        ("support_funds", support(store, scope, from, to, true).await?),
        ("support_other", support(store, scope, from, to, false).await?),
        ("joint_villages", joint_villages(store, scope, from, to).await?),
        ("housing_ways", housing_ways(store, scope, from, to).await?),
        ("window_kinds", window_kinds(store, scope).await?),
        ("memorials", memorials(store, scope, from, to).await?),
        ("infrastructure_places", infrastructure_places(store, scope, from, to).await?),
    ];
    Ok(all.into_iter().filter(|(_, l)| !l.is_empty()).map(|(k, l)| (k.to_owned(), l)).collect())
}
