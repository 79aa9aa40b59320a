//! Yearly totals of the work records, which the dashboard and the annual summary read: counts and
//! sums by year (and by a category where the figure needs one), always within a scope. A year
//! without records is reported with zeros where the total is not broken down.

use std::collections::BTreeMap;
use std::ops::RangeInclusive;

use chrono::NaiveDate;
use sea_orm::Value;
use serde::Serialize;
use shuangyong_domain::work::{self, FieldKind, Kind, MEASURE_ITEMS};

use super::Record;
use crate::{Scope, Store, StoreError};

/// The records of one year (and group) and the sums of their count and amount fields.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct YearTotal {
    pub year: i32,
    /// The codes (or ids) of the grouping fields, in the order asked.
    pub group: Vec<String>,
    pub records: i64,
    /// Field name → sum (amounts ×100, as stored).
    pub sums: BTreeMap<&'static str, i64>,
}

impl YearTotal {
    pub fn sum(&self, field: &str) -> i64 {
        self.sums.get(field).copied().unwrap_or(0)
    }
}

/// The fields that add up: counts and amounts.
fn summed(kind: &Kind) -> Vec<&'static str> {
    kind.fields.iter().filter(|f| matches!(f.kind, FieldKind::Count | FieldKind::Amount(_))).map(|f| f.name).collect()
}

/// Counts and sums of a type by year (and by the fields in `by`) within scope. With `by` empty,
/// every year of the range has a row, zeros for years without records.
pub async fn by_year(
    store: &Store,
    scope: &Scope,
    kind: &'static Kind,
    years: RangeInclusive<i32>,
    by: &[&'static str],
) -> Result<Vec<YearTotal>, StoreError> {
    for b in by {
        if kind.index(b).is_none() {
            return Err(anyhow::anyhow!("{} has no field {b}", kind.key).into());
        }
    }
    let sums = summed(kind);
    let (cond, vals) = scope.sql("org_path", 1);
    let mut params: Vec<Value> = vals.into();
    params.push(i64::from(*years.start()).into());
    params.push(i64::from(*years.end()).into());
    let mut select = vec!["rec_year".to_owned()];
    select.extend(by.iter().map(|b| (*b).to_owned()));
    let group = select.join(", ");
    select.push("COUNT(*) AS n".into());
    select.extend(sums.iter().map(|s| format!("CAST(COALESCE(SUM({s}), 0) AS BIGINT) AS sum_{s}")));
    let rows = store
        .query_all(
            store.conn(),
            &format!(
                "SELECT {} FROM {} WHERE {cond} AND rec_year BETWEEN $3 AND $4 GROUP BY {group} ORDER BY {group}",
                select.join(", "),
                kind.table
            ),
            params,
        )
        .await?;
    let mut out = Vec::new();
    for r in rows {
        let mut g = Vec::new();
        for b in by {
            let v = match r.try_get::<Option<String>>("", b) {
                Ok(s) => s.unwrap_or_default(),
                Err(_) => r.try_get::<Option<i64>>("", b)?.map(|i| i.to_string()).unwrap_or_default(),
            };
            g.push(v);
        }
        let mut s = BTreeMap::new();
        for f in &sums {
            s.insert(*f, r.try_get::<i64>("", &format!("sum_{f}"))?);
        }
        out.push(YearTotal {
            year: r.try_get::<i64>("", "rec_year")? as i32,
            group: g,
            records: r.try_get("", "n")?,
            sums: s,
        });
    }
    if by.is_empty() {
        let mut filled = Vec::new();
        for y in years {
            filled.push(out.iter().find(|t| t.year == y).cloned().unwrap_or_else(|| YearTotal {
                year: y,
                group: Vec::new(),
                records: 0,
                sums: sums.iter().map(|s| (*s, 0)).collect(),
            }));
        }
        return Ok(filled);
    }
    Ok(out)
}

/// The latest year with records of a type in scope, if any.
pub async fn latest_year(store: &Store, scope: &Scope, kind: &'static Kind) -> Result<Option<i32>, StoreError> {
    let (cond, vals) = scope.sql("org_path", 1);
    let row = store
        .query_one(
            store.conn(),
            &format!("SELECT MAX(rec_year) AS y FROM {} WHERE {cond}", kind.table),
            Vec::<Value>::from(vals),
        )
        .await?;
    Ok(row.and_then(|r| r.try_get::<Option<i64>>("", "y").ok().flatten()).map(|y| y as i32))
}

/// 工作机构: groups whose term started in each year, by kind.
pub async fn groups(store: &Store, scope: &Scope, years: RangeInclusive<i32>) -> Result<Vec<YearTotal>, StoreError> {
    by_year(store, scope, &work::GROUPS, years, &["kind"]).await
}

/// 机构成员: for each year, how many different people (by name) held a seat at some time in it —
/// a member re-appointed for a new term counts once.
pub async fn members_serving(
    store: &Store,
    scope: &Scope,
    years: RangeInclusive<i32>,
) -> Result<Vec<(i32, i64)>, StoreError> {
    let mut out = Vec::new();
    for y in years {
        let (cond, vals) = scope.sql("org_path", 1);
        let mut params: Vec<Value> = vals.into();
        let first = NaiveDate::from_ymd_opt(y, 1, 1).ok_or_else(|| anyhow::anyhow!("year {y}"))?;
        let last = NaiveDate::from_ymd_opt(y, 12, 31).ok_or_else(|| anyhow::anyhow!("year {y}"))?;
        params.push(last.into());
        params.push(first.into());
        let n = store
            .count_of(
                store.conn(),
                &format!(
                    "SELECT COUNT(DISTINCT name) AS n FROM work_group_member WHERE {cond} \
                     AND term_start <= $3 AND (term_end IS NULL OR term_end >= $4)"
                ),
                params,
            )
            .await?;
        out.push((y, n));
    }
    Ok(out)
}

/// 会议: meetings by year and kind.
pub async fn meetings(store: &Store, scope: &Scope, years: RangeInclusive<i32>) -> Result<Vec<YearTotal>, StoreError> {
    by_year(store, scope, &work::MEETINGS, years, &["kind"]).await
}

/// One item of the 五纳入五统一 checklist of a year: the record, or none — a missing item.
#[derive(Debug, Clone, Serialize)]
pub struct ChecklistItem {
    pub item: &'static str,
    pub label: &'static str,
    pub record: Option<Record>,
}

impl ChecklistItem {
    /// 已落实 only with a record whose status says so.
    pub fn done(&self) -> bool {
        self.record.as_ref().is_some_and(|r| r.get("status").text() == "done")
    }
}

/// 五纳入五统一 of one unit (in scope) for a year: all five items, recorded or not.
pub async fn checklist(
    store: &Store,
    scope: &Scope,
    unit: &shuangyong_domain::OrgPath,
    year: i32,
) -> Result<Vec<ChecklistItem>, StoreError> {
    if !scope.contains(unit) {
        return Err(StoreError::NotFound);
    }
    let filter = super::Filter { year: Some(year), unit: Some(unit.clone()), ..Default::default() };
    let records: Vec<Record> =
        super::all(store, scope, &work::MEASURES, &filter).await?.into_iter().filter(|r| &r.org_path == unit).collect();
    Ok(MEASURE_ITEMS
        .iter()
        .map(|(code, label)| ChecklistItem {
            item: code,
            label,
            record: records.iter().find(|r| r.get("item").text() == *code).cloned(),
        })
        .collect())
}

/// 五纳入五统一: items recorded by year and status.
pub async fn measures(store: &Store, scope: &Scope, years: RangeInclusive<i32>) -> Result<Vec<YearTotal>, StoreError> {
    by_year(store, scope, &work::MEASURES, years, &["status"]).await
}

/// 互办实事 by year and side: items, items done, items late on `today`, budget and spending (fen).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlanTotal {
    pub year: i32,
    pub side: String,
    pub items: i64,
    pub done: i64,
    pub late: i64,
    pub over_budget: i64,
    pub budget: i64,
    pub spent: i64,
}

/// 互办实事: totals by year and side.
pub async fn plan_items(
    store: &Store,
    scope: &Scope,
    years: RangeInclusive<i32>,
    today: NaiveDate,
) -> Result<Vec<PlanTotal>, StoreError> {
    let mut out: Vec<PlanTotal> = Vec::new();
    for y in years {
        let filter = super::Filter { year: Some(y), ..Default::default() };
        for r in super::all(store, scope, &work::PLAN_ITEMS, &filter).await? {
            let side = r.get("side").text().to_owned();
            let flags = r.kind.flags(&r.vals, today);
            let t = match out.iter_mut().position(|t| t.year == y && t.side == side) {
                Some(i) => &mut out[i],
                None => {
                    out.push(PlanTotal {
                        year: y,
                        side,
                        items: 0,
                        done: 0,
                        late: 0,
                        over_budget: 0,
                        budget: 0,
                        spent: 0,
                    });
                    out.last_mut().ok_or_else(|| anyhow::anyhow!("just pushed"))?
                }
            };
            t.items += 1;
            t.done += i64::from(r.get("state").text() == "done");
            t.late += i64::from(flags.contains(&"逾期"));
            t.over_budget += i64::from(flags.contains(&"超预算"));
            t.budget += r.get("budget").int().unwrap_or(0);
            t.spent += r.get("spent").int().unwrap_or(0);
        }
    }
    out.sort_by(|a, b| (a.year, &a.side).cmp(&(b.year, &b.side)));
    Ok(out)
}

/// 荣誉: titles received by year and title.
pub async fn honours(store: &Store, scope: &Scope, years: RangeInclusive<i32>) -> Result<Vec<YearTotal>, StoreError> {
    by_year(store, scope, &work::HONOURS, years, &["title"]).await
}

/// How many rounds in a row of one honour (`national`, `provincial`, `municipal`), ending with the
/// latest, the units in scope received (“连续四次荣获全国双拥模范县”). Rounds after `up_to_year` do
/// not count yet.
pub async fn consecutive_rounds(store: &Store, scope: &Scope, title: &str, up_to_year: i32) -> Result<i64, StoreError> {
    let (cond, vals) = scope.sql("org_path", 1);
    let mut params: Vec<Value> = vals.into();
    params.push(title.into());
    params.push(i64::from(up_to_year).into());
    let rows = store
        .query_all(
            store.conn(),
            &format!("SELECT round FROM work_honour WHERE {cond} AND title = $3 AND year <= $4"),
            params,
        )
        .await?;
    let rounds = rows.iter().map(|r| r.try_get::<i64>("", "round")).collect::<Result<Vec<_>, _>>()?;
    Ok(work::consecutive_rounds(&rounds))
}

/// 教育基地: bases by year named and kind.
pub async fn bases(store: &Store, scope: &Scope, years: RangeInclusive<i32>) -> Result<Vec<YearTotal>, StoreError> {
    by_year(store, scope, &work::BASES, years, &["kind"]).await
}

/// 宣传教育活动: events and participants (人次) by year and kind.
pub async fn events(store: &Store, scope: &Scope, years: RangeInclusive<i32>) -> Result<Vec<YearTotal>, StoreError> {
    by_year(store, scope, &work::EVENTS, years, &["kind"]).await
}

/// Person-visits (人次) to one base by year: the participants of the events held at it. Every year
/// of the range has a row.
pub async fn base_visits(
    store: &Store,
    scope: &Scope,
    base_id: i64,
    years: RangeInclusive<i32>,
) -> Result<Vec<(i32, i64)>, StoreError> {
    let rows = by_year(store, scope, &work::EVENTS, years.clone(), &["base_id"]).await?;
    Ok(years
        .map(|y| {
            let n = rows
                .iter()
                .filter(|t| t.year == y && t.group[0] == base_id.to_string())
                .map(|t| t.sum("participants"))
                .sum();
            (y, n)
        })
        .collect())
}

/// 宣传文章: articles by year and state.
pub async fn articles(store: &Store, scope: &Scope, years: RangeInclusive<i32>) -> Result<Vec<YearTotal>, StoreError> {
    by_year(store, scope, &work::ARTICLES, years, &["state"]).await
}

/// 项目与资金: amounts by year, category and unit (元, 亩, 人; ×100 as stored).
pub async fn projects(store: &Store, scope: &Scope, years: RangeInclusive<i32>) -> Result<Vec<YearTotal>, StoreError> {
    by_year(store, scope, &work::PROJECTS, years, &["category", "unit"]).await
}

/// The sum of one category of projects in one unit over the years (×100): 国防公路 in 元.
pub async fn project_sum(
    store: &Store,
    scope: &Scope,
    years: RangeInclusive<i32>,
    category: &str,
    unit: &str,
) -> Result<i64, StoreError> {
    Ok(projects(store, scope, years)
        .await?
        .iter()
        .filter(|t| t.group[0] == category && t.group[1] == unit)
        .map(|t| t.sum("amount"))
        .sum())
}

/// 支援任务疏散: operations, people moved and accidents by year.
pub async fn evacuations(
    store: &Store,
    scope: &Scope,
    years: RangeInclusive<i32>,
) -> Result<Vec<YearTotal>, StoreError> {
    by_year(store, scope, &work::EVACUATIONS, years, &[]).await
}

/// 走访慰问: visits and money given by year.
pub async fn visits(store: &Store, scope: &Scope, years: RangeInclusive<i32>) -> Result<Vec<YearTotal>, StoreError> {
    by_year(store, scope, &work::VISITS, years, &[]).await
}

/// 驻军贡献: amounts (fen) and people by year and kind.
pub async fn contributions(
    store: &Store,
    scope: &Scope,
    years: RangeInclusive<i32>,
) -> Result<Vec<YearTotal>, StoreError> {
    by_year(store, scope, &work::CONTRIBUTIONS, years, &["kind"]).await
}
