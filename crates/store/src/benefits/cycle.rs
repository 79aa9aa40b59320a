//! Payment cycles: every enrolment of a program in force for a month, computed and frozen in a few
//! statements (person, amount, and the person's version, whose bank account stays readable as it
//! was at that moment: person_account_history, see [`LINE_ACCOUNT`]) — one program, or
//! the month of every program in one transaction (`run_all`), each its own cycle; back-pay for
//! months paid at a rate since raised, and again for lines the bank returned as failed; approval by
//! a second person; the bank file; the bank's return file.
//!
//! Amounts follow [`shuangyong_domain::money::monthly_share`], written once more in SQL below
//! (`A / 12 + CASE WHEN k <= A % 12 THEN 1 ELSE 0 END`); a test checks the two agree.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{QueryResult, Value};
use serde::Serialize;
use serde_json::json;
use shuangyong_domain::benefits::{CycleStatus, StandardRow, line_kind_label, line_status_label, standard_in_force};
use shuangyong_domain::money::yuan;
use shuangyong_domain::{OrgPath, Period};

use super::{Program, program, standard_rows};
use crate::audit::{self, Actor, Change};
use crate::export::{ExportFormat, escape_cell};
use crate::org::Page;
use crate::{Scope, Store, StoreError, Tx, now};

/// What `cycle run` prints.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct RunSummary {
    pub cycle: i64,
    /// The program's code, and its name for messages.
    pub program: String,
    pub program_name: String,
    pub period: String,
    pub lines: i64,
    pub total_fen: i64,
    pub skipped: i64,
    /// Lines of back-pay and of re-payment of failed lines among `lines`.
    pub backpay_lines: i64,
    pub backpay_fen: i64,
}

/// The SQL expression of one month's share of `annual` (an SQL expression) in calendar month `k`.
fn month_share_sql(annual: &str, k: u32) -> String {
    format!("(({annual}) / 12 + CASE WHEN {k} <= ({annual}) % 12 THEN 1 ELSE 0 END)")
}

/// The annual amount in force for each key of `program` during `period`.
pub fn rates(program: &Program, rows: &[StandardRow], period: Period) -> Vec<(String, i64)> {
    program
        .kind
        .standard_keys()
        .into_iter()
        .filter_map(|(k, _)| standard_in_force(rows, &k, period.first_day()).map(|r| (k, r.annual_fen)))
        .collect()
}

/// One program's cycle of a run: the program, its new cycle, the standards it pays by.
struct Planned<'a> {
    program: &'a Program,
    cycle: i64,
    /// Every standard of the program (for back-pay of earlier months).
    standards: Vec<StandardRow>,
    /// The annual amount of each key in force this month.
    rates: Vec<(String, i64)>,
}

/// `cyc(program_id, cycle_id)` as a CTE over parameters numbered from `first`.
fn cycle_cte(planned: &[Planned], first: usize, params: &mut Vec<Value>) -> String {
    let mut s = String::from("cyc(program_id, cycle_id) AS (VALUES ");
    for (i, Planned { program, cycle, .. }) in planned.iter().enumerate() {
        let n = first + 2 * i;
        if i > 0 {
            s.push_str(", ");
        }
        let _ = write!(s, "(CAST(${n} AS BIGINT), CAST(${} AS BIGINT))", n + 1);
        params.extend([program.id.into(), (*cycle).into()]);
    }
    s.push(')');
    s
}

/// Computes and freezes the cycle of `program` for `period` in the county of `county`.
pub async fn run(
    store: &Store,
    actor: &Actor,
    county: &OrgPath,
    program: &Program,
    period: Period,
) -> Result<RunSummary, StoreError> {
    let mut done = run_many(store, actor, county, std::slice::from_ref(program), period).await?;
    done.pop().ok_or_else(|| anyhow::anyhow!("no cycle computed").into())
}

/// Computes and freezes, in one transaction, the month's cycle of every active program not yet
/// computed for `period` (the month's payments in one step). Refused when none is left.
pub async fn run_all(
    store: &Store,
    actor: &Actor,
    county: &OrgPath,
    period: Period,
) -> Result<Vec<RunSummary>, StoreError> {
    let done: Vec<i64> = store
        .query_all(
            store.conn(),
            "SELECT program_id FROM benefit_cycle WHERE county = $1 AND period = $2",
            [county.county().into(), period.to_string().into()],
        )
        .await?
        .iter()
        .map(|r| r.try_get::<i64>("", "program_id"))
        .collect::<Result<_, _>>()?;
    let programs: Vec<Program> = super::programs(store)
        .await?
        .into_iter()
        .filter(|p| p.active && (p.county.is_empty() || p.county == county.county()) && !done.contains(&p.id))
        .collect();
    if programs.is_empty() {
        return Err(StoreError::Conflict(format!(
            "{}年{}月各项目的发放都已计算过，不能重复计算；请到各批次页面审批和导出",
            period.year(),
            period.month()
        )));
    }
    run_many(store, actor, county, &programs, period).await
}

/// Computes and freezes the cycles of `programs` for `period`, all in one transaction.
async fn run_many(
    store: &Store,
    actor: &Actor,
    county: &OrgPath,
    programs: &[Program],
    period: Period,
) -> Result<Vec<RunSummary>, StoreError> {
    if programs.is_empty() {
        return Ok(Vec::new());
    }
    // A province's month is a million lines: they stay in the writer's page cache until the
    // commit (at 1,000,000 enrolments the usual 64 MiB spills the lines and their index into the
    // WAL), and the people they are made from are read through the map of the database file.
    store.with_large_write_cache(crate::Bulk::Reading, compute(store, actor, county, programs, period)).await
}

async fn compute(
    store: &Store,
    actor: &Actor,
    county: &OrgPath,
    programs: &[Program],
    period: Period,
) -> Result<Vec<RunSummary>, StoreError> {
    let started = std::time::Instant::now();
    let county = county.county().to_owned();
    let p = period.to_string();
    let tx = store.begin_write().await?;
    let mut planned: Vec<Planned> = Vec::with_capacity(programs.len());
    for program in largest_first(store, &tx, programs).await? {
        let existing = store
            .query_one(
                &tx,
                "SELECT id FROM benefit_cycle WHERE county = $1 AND program_id = $2 AND period = $3",
                [county.clone().into(), program.id.into(), p.clone().into()],
            )
            .await?;
        if let Some(r) = existing {
            let id: i64 = r.try_get("", "id")?;
            return Err(StoreError::Conflict(format!(
                "{}{}年{}月的发放已经计算过（批次{id}），不能重复计算；标准调整或发放失败的金额会在下个月计算时自动补发",
                program.name,
                period.year(),
                period.month()
            )));
        }
        let cycle: i64 = store
            .query_one(
                &tx,
                "INSERT INTO benefit_cycle (county, program_id, period, status, created_by, created_by_name, created_at) \
                 VALUES ($1, $2, $3, 'computed', $4, $5, $6) RETURNING id",
                [
                    county.clone().into(),
                    program.id.into(),
                    p.clone().into(),
                    actor.user_id.into(),
                    actor.name.clone().into(),
                    now().into(),
                ],
            )
            .await?
            .ok_or_else(|| anyhow::anyhow!("insert returned nothing"))?
            .try_get("", "id")?;
        let standards = standard_rows(store, &tx, program.id).await?;
        let rates = rates(program, &standards, period);
        planned.push(Planned { program, cycle, standards, rates });
    }
    for Planned { cycle, rates, .. } in &planned {
        for (k, a) in rates {
            store
                .exec(
                    &tx,
                    "INSERT INTO benefit_cycle_rate (cycle_id, for_period, std_key, annual_fen, settled_fen) VALUES ($1, $2, $3, $4, $4)",
                    [(*cycle).into(), p.clone().into(), k.clone().into(), (*a).into()],
                )
                .await?;
        }
    }
    let ids: Vec<i64> = planned.iter().map(|c| c.cycle).collect();
    tracing::debug!(cycles = ?ids, period = %p, "cycle: transaction begun");
    // Enrolments of the programs (a condition on `e.program_id`) in force this month ($1), in the
    // county ($2) …
    let in_force = |programs: &str| {
        format!("{programs} AND e.county = $2 AND e.start_month <= $1 AND (e.end_month IS NULL OR e.end_month >= $1)")
    };
    // … of people paid this month: alive, or died this month or later ($3: its first day).
    let payable =
        "(p.status = 'normal' OR (p.status = 'deceased' AND p.status_date IS NOT NULL AND p.status_date >= $3))";
    // Each program's lines in a statement of their own, in the order of the program's enrolments
    // (the line index by cycle and enrolment grows at its end), then its back-pay lines, whose ids
    // follow (`backpay_spans`, for the totals). A line's rate is its cycle's row of
    // benefit_cycle_rate (written above), found by its key; a program with one standard in force
    // (the 老兵生活补助's per year of service, most of a month's lines) takes it as a parameter
    // instead of a look-up per line.
    let mut backpay_spans = Vec::with_capacity(planned.len());
    for Planned { program, cycle, standards, rates } in &planned {
        let mut params: Vec<Value> = vec![
            p.clone().into(),
            county.clone().into(),
            period.first_day().into(),
            (*cycle).into(),
            program.id.into(),
        ];
        let (annual, rate_join, rate_cond) = match rates.as_slice() {
            [(key, annual)] => {
                params.extend([Value::from(key.clone()), Value::from(*annual)]);
                ("CAST($7 AS BIGINT)", "", "e.std_key = $6")
            }
            _ => (
                "r.annual_fen",
                " CROSS JOIN benefit_cycle_rate r",
                "r.cycle_id = $4 AND r.for_period = $1 AND r.std_key = e.std_key",
            ),
        };
        let amount = month_share_sql(&format!("{annual} * e.units"), period.month());
        store
            .exec(
                &tx,
                &format!(
                    "INSERT INTO benefit_cycle_line (cycle_id, county, org_path, person_id, enrolment_id, kind, for_period, \
                     std_key, units, annual_fen, amount_fen, name, person_version, status) \
                     SELECT $4, e.county, p.org_path, p.id, e.id, 'regular', $1, e.std_key, e.units, {annual}, {amount}, \
                     p.name, p.version, 'pending' \
                     FROM benefit_enrolment e CROSS JOIN person p{rate_join} \
                     WHERE p.id = e.person_id AND {rate_cond} \
                     AND {} AND {payable} AND p.bank_account_sealed IS NOT NULL",
                    in_force("e.program_id = $5")
                ),
                params,
            )
            .await?;
        let regular_end = last_line(store, &tx).await?;
        backpay(store, &tx, *cycle, &county, program, standards).await?;
        backpay_spans.push((regular_end, last_line(store, &tx).await?));
    }
    tracing::debug!(elapsed = ?started.elapsed(), "cycle: lines and back-pay written");
    // Left out: people not paid this month, found through the partial index person_unpaid (few),
    // each joined to their enrolments by person (one look-up each), each enrolment to its program's
    // cycle of this run: SQLite keeps CROSS JOIN's order …
    let reason = "CASE \
           WHEN p.status = 'deceased' THEN '已于' || COALESCE(CAST(p.status_date AS TEXT), '（日期不详）') || '去世，次月起停发' \
           WHEN p.status = 'suspended' THEN '待遇已暂停' || CASE WHEN p.status_reason <> '' THEN '：' || p.status_reason ELSE '' END \
           WHEN p.status = 'moved_out' THEN '已迁出本县' \
           ELSE '缺少银行账号：本月未生成发放明细，请补录账号' END";
    let mut params: Vec<Value> = vec![p.clone().into(), county.clone().into(), period.first_day().into()];
    let cyc = cycle_cte(&planned, params.len() + 1, &mut params);
    store
        .exec(
            &tx,
            &format!(
                "WITH {cyc} INSERT INTO benefit_cycle_skip (cycle_id, county, org_path, person_id, enrolment_id, name, reason) \
                 SELECT c.cycle_id, e.county, p.org_path, p.id, e.id, p.name, {reason} \
                 FROM person p CROSS JOIN benefit_enrolment e CROSS JOIN cyc c \
                 WHERE e.person_id = p.id AND (p.status <> 'normal' OR p.bank_account_sealed IS NULL) AND {} \
                 AND NOT ({payable} AND p.bank_account_sealed IS NOT NULL)",
                in_force("e.program_id = c.program_id")
            ),
            params,
        )
        .await?;
    // … and, only when some key of a table has no standard in force, enrolments of such a key.
    for Planned { program, cycle, rates, .. } in &planned {
        if rates.len() >= program.kind.standard_keys().len() {
            continue;
        }
        let params: Vec<Value> = vec![
            p.clone().into(),
            county.clone().into(),
            period.first_day().into(),
            program.id.into(),
            (*cycle).into(),
        ];
        store
            .exec(
                &tx,
                &format!(
                    "INSERT INTO benefit_cycle_skip (cycle_id, county, org_path, person_id, enrolment_id, name, reason) \
                     SELECT $5, e.county, p.org_path, p.id, e.id, p.name, '没有适用的标准（' || e.std_key || '），请在标准表中录入' \
                     FROM benefit_enrolment e CROSS JOIN person p \
                     LEFT JOIN benefit_cycle_rate r ON r.cycle_id = $5 AND r.for_period = $1 AND r.std_key = e.std_key \
                     WHERE p.id = e.person_id AND {} AND r.std_key IS NULL \
                     AND {payable} AND p.bank_account_sealed IS NOT NULL",
                    in_force("e.program_id = $4")
                ),
                params,
            )
            .await?;
    }
    tracing::debug!(elapsed = ?started.elapsed(), "cycle: people left out listed");
    let mut summaries = Vec::with_capacity(programs.len());
    for (Planned { program, cycle, .. }, (after, upto)) in planned.iter().zip(backpay_spans) {
        let cycle = *cycle;
        // All of the cycle's lines through its index (rows in the index's order); the back-pay
        // lines by their ids (`+cycle_id`: not through the index; on PostgreSQL another county's
        // run may have taken ids between).
        let [lines, total_fen] = cycle_sum(store, &tx, "cycle_id = $1", [cycle.into()]).await?;
        let [backpay_lines, backpay_fen] =
            cycle_sum(store, &tx, "id > $1 AND id <= $2 AND +cycle_id = $3", [after.into(), upto.into(), cycle.into()])
                .await?;
        let skipped = store
            .count_of(&tx, "SELECT COUNT(*) AS n FROM benefit_cycle_skip WHERE cycle_id = $1", [cycle.into()])
            .await?;
        let summary = RunSummary {
            cycle,
            program: program.code.clone(),
            program_name: program.name.clone(),
            period: p.clone(),
            lines,
            total_fen,
            skipped,
            backpay_lines,
            backpay_fen,
        };
        store
            .exec(
                &tx,
                "UPDATE benefit_cycle SET lines = $1, total_fen = $2, skipped = $3 WHERE id = $4",
                [summary.lines.into(), summary.total_fen.into(), skipped.into(), cycle.into()],
            )
            .await?;
        audit::append(
            store,
            &tx,
            actor,
            Change {
                action: "run",
                entity: "benefit_cycle",
                entity_id: cycle.to_string(),
                org_path: county.clone(),
                summary: format!(
                    "计算{}{}发放：{}条，合计{}元（其中补发{}条{}元），未发放{}人",
                    program.name,
                    p,
                    summary.lines,
                    yuan(summary.total_fen),
                    summary.backpay_lines,
                    yuan(summary.backpay_fen),
                    skipped
                ),
                before: None,
                after: Some(serde_json::to_value(&summary).map_err(|e| anyhow::anyhow!("{e}"))?),
            },
        )
        .await?;
        summaries.push(summary);
    }
    tracing::debug!(elapsed = ?started.elapsed(), "cycle: totals and audit written");
    tx.commit().await?;
    tracing::debug!(cycles = summaries.len(), elapsed = ?started.elapsed(), "cycle: committed");
    // Reported in the order asked for.
    summaries.sort_by_key(|s| programs.iter().position(|p| p.code == s.program));
    Ok(summaries)
}

/// `programs` with the most enrolled first (of every county: a count that reads the programs'
/// index alone, a few hundredths of a second at a million). The largest program's people are most
/// of the person table; its lines, written first, read their rows in the table's order, and the
/// smaller programs' people — one row in ten or fewer — are then found where they were just read.
/// Written last, the largest program cost about as much, and the smaller ones each paid for
/// reading their scattered rows first: the benchmark's cycle row at 1,000,000, three runs of three
/// months alternating with the order by program id, took a median of 2.46 s against 2.74 s.
async fn largest_first<'a>(store: &Store, tx: &Tx, programs: &'a [Program]) -> Result<Vec<&'a Program>, StoreError> {
    let mut order: Vec<&Program> = programs.iter().collect();
    if order.len() > 1 {
        let enrolled: BTreeMap<i64, i64> = store
            .query_all(tx, "SELECT program_id, COUNT(*) AS n FROM benefit_enrolment GROUP BY program_id", [])
            .await?
            .iter()
            .map(|r| Ok((r.try_get("", "program_id")?, r.try_get("", "n")?)))
            .collect::<Result<_, StoreError>>()?;
        order.sort_by_key(|p| std::cmp::Reverse(enrolled.get(&p.id).copied().unwrap_or(0)));
    }
    Ok(order)
}

/// The number and the sum of the payment lines `condition` selects.
async fn cycle_sum<const N: usize>(
    store: &Store,
    tx: &Tx,
    condition: &str,
    params: [Value; N],
) -> Result<[i64; 2], StoreError> {
    let r = store
        .query_one(
            tx,
            &format!(
                "SELECT COUNT(*) AS n, CAST(COALESCE(SUM(amount_fen), 0) AS BIGINT) AS total \
                 FROM benefit_cycle_line WHERE {condition}"
            ),
            params,
        )
        .await?
        .ok_or_else(|| anyhow::anyhow!("a sum returned nothing"))?;
    Ok([r.try_get("", "n")?, r.try_get("", "total")?])
}

/// The id of the last payment line (0 when there is none).
async fn last_line(store: &Store, tx: &Tx) -> Result<i64, StoreError> {
    store.count_of(tx, "SELECT COALESCE(MAX(id), 0) AS n FROM benefit_cycle_line", []).await
}

/// Adds the lines that bring earlier months up to what is due now: months paid at a rate since
/// raised (back-pay), and months whose payment the bank returned as failed (paid again).
async fn backpay(
    store: &Store,
    tx: &Tx,
    cycle: i64,
    county: &str,
    program: &Program,
    rows: &[StandardRow],
) -> Result<(), StoreError> {
    // Rates raised since earlier cycles used (or were last settled at) them, gathered by earlier
    // cycle and month: one statement reads that cycle's lines once for all the keys raised (the
    // disability pension has 26), not once for each key.
    let used = store
        .query_all(
            tx,
            "SELECT cr.cycle_id, cr.for_period, cr.std_key, cr.settled_fen FROM benefit_cycle_rate cr \
             JOIN benefit_cycle c ON c.id = cr.cycle_id WHERE c.program_id = $1 AND c.county = $2 AND cr.cycle_id <> $3",
            [program.id.into(), county.into(), cycle.into()],
        )
        .await?;
    let mut raised: BTreeMap<(i64, Period), Vec<(String, i64)>> = BTreeMap::new();
    for r in used {
        let (old_cycle, for_period, key, settled): (i64, String, String, i64) = (
            r.try_get("", "cycle_id")?,
            r.try_get("", "for_period")?,
            r.try_get("", "std_key")?,
            r.try_get("", "settled_fen")?,
        );
        let period = Period::parse(&for_period).map_err(|_| anyhow::anyhow!("stored period {for_period}"))?;
        let Some(now_rate) = standard_in_force(rows, &key, period.first_day()).map(|r| r.annual_fen) else { continue };
        if now_rate > settled {
            raised.entry((old_cycle, period)).or_default().push((key, now_rate));
        }
    }
    for ((old_cycle, period), keys) in raised {
        reconcile(
            store,
            tx,
            cycle,
            (program.id, county),
            period,
            &keys,
            "SELECT enrolment_id FROM benefit_cycle_line WHERE cycle_id = $3 AND for_period = $2 \
             AND std_key IN (SELECT std_key FROM k)",
            old_cycle,
        )
        .await?;
        for (key, now_rate) in keys {
            store
                .exec(
                    tx,
                    "UPDATE benefit_cycle_rate SET settled_fen = $1 WHERE cycle_id = $2 AND for_period = $3 AND std_key = $4",
                    [now_rate.into(), old_cycle.into(), period.to_string().into(), key.into()],
                )
                .await?;
        }
    }
    // Failed lines of earlier cycles: pay the month again (at today's rate for that month), one
    // statement a month.
    let failed = store
        .query_all(
            tx,
            "SELECT DISTINCT l.for_period, l.std_key FROM benefit_cycle_line l JOIN benefit_cycle c ON c.id = l.cycle_id \
             WHERE l.status = 'failed' AND c.program_id = $1 AND c.county = $2 AND c.id <> $3",
            [program.id.into(), county.into(), cycle.into()],
        )
        .await?;
    let mut failed_months: BTreeMap<Period, Vec<(String, i64)>> = BTreeMap::new();
    for r in failed {
        let (for_period, key): (String, String) = (r.try_get("", "for_period")?, r.try_get("", "std_key")?);
        let period = Period::parse(&for_period).map_err(|_| anyhow::anyhow!("stored period {for_period}"))?;
        let Some(now_rate) = standard_in_force(rows, &key, period.first_day()).map(|r| r.annual_fen) else { continue };
        failed_months.entry(period).or_default().push((key, now_rate));
    }
    for (period, keys) in failed_months {
        reconcile(
            store,
            tx,
            cycle,
            (program.id, county),
            period,
            &keys,
            "SELECT l.enrolment_id FROM benefit_cycle_line l JOIN benefit_cycle c ON c.id = l.cycle_id \
             WHERE l.status = 'failed' AND l.for_period = $2 AND l.std_key IN (SELECT std_key FROM k) AND c.program_id = $3",
            program.id,
        )
        .await?;
    }
    Ok(())
}

/// For the enrolments `candidates` selects (with `$2` the month, `$3` = `candidate_arg`, and `k`
/// the table of `keys` with their annual amounts now), adds a line of what is due for the month at
/// its key's amount minus what was paid (failed lines don't count) in the program's cycles of the
/// county (the month's lines are in cycles of that month or later).
#[allow(clippy::too_many_arguments)]
async fn reconcile(
    store: &Store,
    tx: &Tx,
    cycle: i64,
    (program, county): (i64, &str),
    period: Period,
    keys: &[(String, i64)],
    candidates: &str,
    candidate_arg: i64,
) -> Result<(), StoreError> {
    if keys.is_empty() {
        return Ok(());
    }
    let mut params: Vec<Value> =
        vec![cycle.into(), period.to_string().into(), candidate_arg.into(), program.into(), county.into()];
    let mut table = String::new();
    for (key, annual) in keys {
        params.extend([Value::from(key.clone()), Value::from(*annual)]);
        let n = params.len();
        let _ = write!(table, "{}(${}, CAST(${n} AS BIGINT))", if table.is_empty() { "" } else { ", " }, n - 1);
    }
    let due = month_share_sql("s.annual * s.units", period.month());
    store
        .exec(
            tx,
            &format!(
                "WITH k (std_key, annual) AS (VALUES {table}) \
                 INSERT INTO benefit_cycle_line (cycle_id, county, org_path, person_id, enrolment_id, kind, for_period, std_key, units, \
                 annual_fen, amount_fen, name, person_version, status) \
                 SELECT $1, p.county, p.org_path, p.id, s.enrolment_id, CASE WHEN s.paid = 0 THEN 'retry' ELSE 'backpay' END, $2, \
                 s.std_key, s.units, s.annual, {due} - s.paid, p.name, p.version, 'pending' \
                 FROM (SELECT l.enrolment_id, l.std_key, MAX(k.annual) AS annual, MAX(l.person_id) AS person_id, \
                       MAX(l.units) AS units, CAST(SUM(CASE WHEN l.status = 'failed' THEN 0 ELSE l.amount_fen END) AS BIGINT) AS paid \
                       FROM benefit_cycle c CROSS JOIN benefit_cycle_line l CROSS JOIN k \
                       WHERE c.program_id = $4 AND c.county = $5 AND c.period >= $2 AND l.cycle_id = c.id \
                       AND l.for_period = $2 AND l.std_key = k.std_key AND l.enrolment_id IN ({candidates}) \
                       GROUP BY l.enrolment_id, l.std_key) s \
                 JOIN person p ON p.id = s.person_id \
                 WHERE {due} > s.paid AND p.bank_account_sealed IS NOT NULL"
            ),
            params,
        )
        .await?;
    Ok(())
}

/// [`LINE_ACCOUNT`] as a literal, for [`LINE_COLUMNS`].
macro_rules! line_account {
    () => {
        "CASE WHEN l.person_version IS NULL THEN l.bank_name WHEN ah.id IS NOT NULL THEN ah.bank_name \
         ELSE ap.bank_name END AS bank_name, \
         CASE WHEN l.person_version IS NULL THEN l.account_sealed WHEN ah.id IS NOT NULL THEN ah.account_sealed \
         ELSE ap.bank_account_sealed END AS account_sealed"
    };
}

/// The bank and the sealed account a line `l` was paid to, as `bank_name` and `account_sealed`,
/// with [`LINE_ACCOUNT_JOINS`]: its own copy (lines written before schema 9), else the one its
/// person had at the line's version if their bank or account has changed since (the first of
/// person_account_history's rows at or after that version), else the person's current one.
const LINE_ACCOUNT: &str = line_account!();

/// The joins [`LINE_ACCOUNT`] reads.
const LINE_ACCOUNT_JOINS: &str = " LEFT JOIN person_account_history ah ON ah.id = (SELECT h.id FROM person_account_history h \
     WHERE h.person_id = l.person_id AND h.valid_through >= l.person_version ORDER BY h.valid_through LIMIT 1) \
     LEFT JOIN person ap ON ap.id = l.person_id";

/// A cycle as lists show it.
#[derive(Debug, Clone, Serialize)]
pub struct Cycle {
    pub id: i64,
    pub program_id: i64,
    pub program_name: String,
    pub program_code: String,
    pub period: String,
    pub status: CycleStatus,
    pub lines: i64,
    pub total_fen: i64,
    pub skipped: i64,
    pub created_by: Option<i64>,
    pub created_by_name: String,
    pub created_at: DateTime<Utc>,
    pub approved_by_name: Option<String>,
    pub approved_at: Option<DateTime<Utc>>,
    pub exported_at: Option<DateTime<Utc>>,
}

impl Cycle {
    fn from_row(r: &QueryResult) -> Result<Cycle, StoreError> {
        let status: String = r.try_get("", "status")?;
        Ok(Cycle {
            id: r.try_get("", "id")?,
            program_id: r.try_get("", "program_id")?,
            program_name: r.try_get("", "program_name")?,
            program_code: r.try_get("", "program_code")?,
            period: r.try_get("", "period")?,
            status: CycleStatus::from_code(&status).ok_or_else(|| anyhow::anyhow!("stored status {status}"))?,
            lines: r.try_get("", "lines")?,
            total_fen: r.try_get("", "total_fen")?,
            skipped: r.try_get("", "skipped")?,
            created_by: r.try_get("", "created_by")?,
            created_by_name: r.try_get("", "created_by_name")?,
            created_at: r.try_get("", "created_at")?,
            approved_by_name: r.try_get("", "approved_by_name")?,
            approved_at: r.try_get("", "approved_at")?,
            exported_at: r.try_get("", "exported_at")?,
        })
    }

    pub fn status_label(&self) -> &'static str {
        self.status.label()
    }

    pub fn total_yuan(&self) -> String {
        shuangyong_domain::money::yuan_grouped(self.total_fen)
    }

    pub fn created_local(&self) -> String {
        shuangyong_domain::clock::beijing(self.created_at).format("%Y-%m-%d %H:%M").to_string()
    }
}

const CYCLE_COLUMNS: &str = "c.id, c.program_id, g.name AS program_name, g.code AS program_code, c.period, c.status, c.lines, \
     c.total_fen, c.skipped, c.created_by, c.created_by_name, c.created_at, c.approved_by_name, c.approved_at, c.exported_at \
     FROM benefit_cycle c JOIN benefit_program g ON g.id = c.program_id";

/// The county's cycles, newest month first; optionally of one program.
pub async fn list(store: &Store, scope: &Scope, program_id: Option<i64>) -> Result<Vec<Cycle>, StoreError> {
    let mut params: Vec<Value> = vec![scope.root().county().into()];
    let mut sql = format!("SELECT {CYCLE_COLUMNS} WHERE c.county = $1");
    if let Some(p) = program_id {
        params.push(p.into());
        sql.push_str(" AND c.program_id = $2");
    }
    sql.push_str(" ORDER BY c.period DESC, c.id DESC LIMIT 500");
    store.query_all(store.conn(), &sql, params).await?.iter().map(Cycle::from_row).collect()
}

/// One cycle of the viewer's county.
pub async fn get(store: &Store, scope: &Scope, id: i64) -> Result<Cycle, StoreError> {
    let r = store
        .query_one(
            store.conn(),
            &format!("SELECT {CYCLE_COLUMNS} WHERE c.id = $1 AND c.county = $2"),
            [id.into(), scope.root().county().into()],
        )
        .await?
        .ok_or(StoreError::NotFound)?;
    Cycle::from_row(&r)
}

/// Approves a computed cycle. Four eyes: not by the one who ran it.
pub async fn approve(store: &Store, tx: &Tx, actor: &Actor, scope: &Scope, id: i64) -> Result<(), StoreError> {
    let c = get(store, scope, id).await?;
    if c.status != CycleStatus::Computed {
        return Err(StoreError::invalid(format!("该批次{}，不需要再审批", c.status.label())));
    }
    if actor.user_id.is_none() || c.created_by == actor.user_id {
        return Err(StoreError::invalid("发放批次须由计算人以外的工作人员审批"));
    }
    let n = store
        .exec(
            tx,
            "UPDATE benefit_cycle SET status = 'approved', approved_by = $1, approved_by_name = $2, approved_at = $3 \
             WHERE id = $4 AND status = 'computed'",
            [actor.user_id.into(), actor.name.clone().into(), now().into(), id.into()],
        )
        .await?;
    if n != 1 {
        return Err(StoreError::Conflict("该批次刚被其他人办理过，请刷新后再看".to_owned()));
    }
    audit::append(
        store,
        tx,
        actor,
        Change {
            action: "approve",
            entity: "benefit_cycle",
            entity_id: id.to_string(),
            org_path: scope.root().county().to_owned(),
            summary: format!("审批{}{}发放：{}条，合计{}元", c.program_name, c.period, c.lines, yuan(c.total_fen)),
            before: Some(json!({"status": "computed"})),
            after: Some(json!({"status": "approved"})),
        },
    )
    .await?;
    Ok(())
}

/// The bank file's header.
pub const BANK_HEADERS: [&str; 8] = ["序号", "乡镇", "姓名", "银行账号", "开户银行", "金额（元）", "所属月份", "类型"];

/// Writes the bank file of an approved cycle (full account numbers), marks the cycle exported and
/// records the export. The same cycle gives the same bytes every time.
pub async fn export(
    store: &Store,
    actor: &Actor,
    scope: &Scope,
    id: i64,
    format: ExportFormat,
) -> Result<Vec<u8>, StoreError> {
    let c = get(store, scope, id).await?;
    if c.status == CycleStatus::Computed {
        return Err(StoreError::invalid("该批次尚未审批，审批后才能导出银行文件"));
    }
    let crypto = store.crypto()?;
    let rows = store
        .query_all(
            store.conn(),
            &format!(
                "SELECT l.id, COALESCE(o.name, '') AS township, l.name, {LINE_ACCOUNT}, l.amount_fen, l.for_period, l.kind \
                 FROM benefit_cycle_line l LEFT JOIN org_unit o ON o.path = substr(l.org_path, 1, 9){LINE_ACCOUNT_JOINS} \
                 WHERE l.cycle_id = $1 ORDER BY l.enrolment_id, l.id"
            ),
            [id.into()],
        )
        .await?;
    let mut table: Vec<[String; 8]> = Vec::with_capacity(rows.len());
    for r in &rows {
        let sealed: Vec<u8> = r.try_get("", "account_sealed")?;
        table.push([
            r.try_get::<i64>("", "id")?.to_string(),
            r.try_get("", "township")?,
            r.try_get("", "name")?,
            crypto.open("bank_account", &sealed)?,
            r.try_get("", "bank_name")?,
            yuan(r.try_get("", "amount_fen")?),
            r.try_get("", "for_period")?,
            line_kind_label(&r.try_get::<String>("", "kind")?).to_owned(),
        ]);
    }
    let period = Period::parse(&c.period).map_err(|_| anyhow::anyhow!("stored period"))?;
    let bytes = match format {
        ExportFormat::Csv => bank_csv(&table),
        ExportFormat::Xlsx => bank_xlsx(&table, period).map_err(|e| anyhow::anyhow!("xlsx: {e}"))?,
    };
    let tx = store.begin_write().await?;
    store
        .exec(
            &tx,
            "UPDATE benefit_cycle SET status = 'exported', exported_at = COALESCE(exported_at, $1) WHERE id = $2",
            [now().into(), id.into()],
        )
        .await?;
    audit::append(
        store,
        &tx,
        actor,
        Change {
            action: "export",
            entity: "benefit_cycle",
            entity_id: id.to_string(),
            org_path: scope.root().county().to_owned(),
            summary: format!(
                "导出{}{}银行发放文件（{}，{}条，含完整银行账号）",
                c.program_name,
                c.period,
                match format {
                    ExportFormat::Csv => "CSV",
                    ExportFormat::Xlsx => "XLSX",
                },
                table.len()
            ),
            before: None,
            after: Some(json!({"lines": table.len(), "total_fen": c.total_fen})),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(bytes)
}

fn bank_csv(rows: &[[String; 8]]) -> Vec<u8> {
    let mut out = Vec::from("\u{feff}".as_bytes());
    let mut w = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(&mut out);
    let _ = w.write_record(BANK_HEADERS);
    for r in rows {
        let _ = w.write_record(r.iter().map(|c| escape_cell(c)));
    }
    drop(w);
    out
}

fn bank_xlsx(rows: &[[String; 8]], period: Period) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook};
    let mut wb = Workbook::new();
    // A fixed creation time (the period's first day) keeps the file byte-identical between exports.
    let when = ExcelDateTime::from_ymd(period.year() as u16, period.month() as u8, 1)?;
    wb.set_properties(&DocProperties::new().set_creation_datetime(&when));
    let ws = wb.add_worksheet();
    ws.set_name("发放明细")?;
    let bold = Format::new().set_bold();
    let text = Format::new().set_num_format("@");
    for (i, h) in BANK_HEADERS.iter().enumerate() {
        ws.write_string_with_format(0, i as u16, *h, &bold)?;
    }
    for (r, row) in rows.iter().enumerate() {
        for (i, cell) in row.iter().enumerate() {
            ws.write_string_with_format(r as u32 + 1, i as u16, escape_cell(cell), &text)?;
        }
    }
    for (i, w) in [10, 12, 10, 24, 16, 12, 10, 14].into_iter().enumerate() {
        ws.set_column_width(i as u16, w)?;
    }
    wb.save_to_buffer()
}

/// One row of a bank's return file that could not be applied.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ReturnError {
    pub row: usize,
    pub message: String,
}

/// What a return file did.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, Default)]
pub struct ReturnSummary {
    pub paid: i64,
    pub failed: i64,
    pub unchanged: i64,
}

/// Applies a bank's return file (CSV or XLSX with columns 序号, 结果 and optionally 说明/失败原因):
/// each line marked 成功 or 失败. All rows are checked first; any error and nothing is changed.
pub async fn apply_return(
    store: &Store,
    actor: &Actor,
    scope: &Scope,
    id: i64,
    bytes: &[u8],
) -> Result<Result<ReturnSummary, Vec<ReturnError>>, StoreError> {
    let c = get(store, scope, id).await?;
    if c.status != CycleStatus::Exported {
        return Err(StoreError::invalid("该批次还没有导出银行文件，导出并发放后才能导入银行回盘文件"));
    }
    let table = crate::import::read_table(bytes).map_err(|e| StoreError::invalid(e.to_string()))?;
    let col = |names: &[&str]| table.headers.iter().position(|h| names.contains(&h.trim()));
    let (Some(seq_col), Some(result_col)) = (col(&["序号", "流水号"]), col(&["结果", "发放结果", "状态"]))
    else {
        return Err(StoreError::invalid(
            "回盘文件须有“序号”和“结果”两列（结果填“成功”或“失败”），请对照导出的银行文件",
        ));
    };
    let note_col = col(&["说明", "失败原因", "备注"]);
    let mut errors = Vec::new();
    let mut updates: Vec<(i64, &'static str, String)> = Vec::new();
    for row in &table.rows {
        let cell = |i: usize| row.cells.get(i).map(|c| c.text.trim().to_owned()).unwrap_or_default();
        let seq = cell(seq_col);
        if seq.is_empty() {
            continue;
        }
        let Ok(line) = seq.parse::<i64>() else {
            errors.push(ReturnError { row: row.number, message: format!("序号“{seq}”不是数字") });
            continue;
        };
        let status = match cell(result_col).as_str() {
            "成功" | "已到账" | "到账" | "paid" | "1" => "paid",
            "失败" | "发放失败" | "退回" | "failed" | "0" => "failed",
            other => {
                errors.push(ReturnError {
                    row: row.number,
                    message: format!("结果“{other}”无法识别，请填“成功”或“失败”"),
                });
                continue;
            }
        };
        updates.push((line, status, note_col.map(cell).unwrap_or_default()));
    }
    let tx = store.begin_write().await?;
    let mut summary = ReturnSummary::default();
    for (line, status, note) in &updates {
        let r = store
            .query_one(
                &tx,
                "SELECT status FROM benefit_cycle_line WHERE id = $1 AND cycle_id = $2",
                [(*line).into(), id.into()],
            )
            .await?;
        let Some(r) = r else {
            errors
                .push(ReturnError { row: 0, message: format!("序号{line}不属于这个批次，请核对文件") });
            continue;
        };
        let was: String = r.try_get("", "status")?;
        if was == *status {
            summary.unchanged += 1;
            continue;
        }
        if was != "pending" {
            errors.push(ReturnError {
                row: 0,
                message: format!(
                    "序号{line}已标记为{}，不能改为{}",
                    line_status_label(&was),
                    line_status_label(status)
                ),
            });
            continue;
        }
        store
            .exec(
                &tx,
                "UPDATE benefit_cycle_line SET status = $1, result_note = $2, settled_at = $3 WHERE id = $4",
                [(*status).into(), note.clone().into(), now().into(), (*line).into()],
            )
            .await?;
        if *status == "paid" {
            summary.paid += 1;
        } else {
            summary.failed += 1;
        }
    }
    if !errors.is_empty() {
        tx.rollback().await?;
        return Ok(Err(errors));
    }
    audit::append(
        store,
        &tx,
        actor,
        Change {
            action: "reconcile",
            entity: "benefit_cycle",
            entity_id: id.to_string(),
            org_path: scope.root().county().to_owned(),
            summary: format!(
                "导入{}{}银行回盘：到账{}条，失败{}条（失败的将在下个月计算时重发）",
                c.program_name, c.period, summary.paid, summary.failed
            ),
            before: None,
            after: Some(serde_json::to_value(&summary).map_err(|e| anyhow::anyhow!("{e}"))?),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(Ok(summary))
}

/// Totals of a cycle by township, over the viewer's scope.
#[derive(Debug, Clone, Serialize)]
pub struct TownshipTotal {
    pub org_path: String,
    pub name: String,
    pub lines: i64,
    pub total_fen: i64,
    pub paid: i64,
    pub failed: i64,
}

impl TownshipTotal {
    pub fn total_yuan(&self) -> String {
        shuangyong_domain::money::yuan_grouped(self.total_fen)
    }
}

pub async fn by_township(store: &Store, scope: &Scope, id: i64) -> Result<Vec<TownshipTotal>, StoreError> {
    get(store, scope, id).await?;
    let (in_scope, vals) = scope.sql("l.org_path", 2);
    let mut params: Vec<Value> = vec![id.into()];
    params.extend(vals);
    store
        .query_all(
            store.conn(),
            &format!(
                "SELECT t.township, COALESCE(o.name, t.township) AS name, t.n, t.total, t.paid, t.failed FROM \
                 (SELECT substr(l.org_path, 1, 9) AS township, COUNT(*) AS n, CAST(SUM(l.amount_fen) AS BIGINT) AS total, \
                  CAST(SUM(CASE WHEN l.status = 'paid' THEN 1 ELSE 0 END) AS BIGINT) AS paid, \
                  CAST(SUM(CASE WHEN l.status = 'failed' THEN 1 ELSE 0 END) AS BIGINT) AS failed \
                  FROM benefit_cycle_line l WHERE l.cycle_id = $1 AND {in_scope} GROUP BY substr(l.org_path, 1, 9)) t \
                 LEFT JOIN org_unit o ON o.path = t.township ORDER BY t.township"
            ),
            params,
        )
        .await?
        .iter()
        .map(|r| {
            Ok(TownshipTotal {
                org_path: r.try_get("", "township")?,
                name: r.try_get("", "name")?,
                lines: r.try_get("", "n")?,
                total_fen: r.try_get("", "total")?,
                paid: r.try_get("", "paid")?,
                failed: r.try_get("", "failed")?,
            })
        })
        .collect()
}

/// A frozen line as screens show it (the account masked).
#[derive(Debug, Clone, Serialize)]
pub struct Line {
    pub id: i64,
    pub org_path: String,
    pub person_id: i64,
    pub name: String,
    pub kind: String,
    pub for_period: String,
    pub amount_fen: i64,
    pub bank_name: String,
    pub account_masked: String,
    pub status: String,
    pub result_note: String,
}

/// The columns [`Line::from_row`] reads, of a line `l` with [`LINE_ACCOUNT_JOINS`].
const LINE_COLUMNS: &str = concat!(
    "l.id, l.org_path, l.person_id, l.name, l.kind, l.for_period, l.amount_fen, ",
    line_account!(),
    ", l.status, l.result_note"
);

impl Line {
    /// A line of [`LINE_COLUMNS`], its account masked.
    fn from_row(r: &QueryResult, crypto: &crate::crypto::FieldCrypto) -> Result<Line, StoreError> {
        let sealed: Vec<u8> = r.try_get("", "account_sealed")?;
        let acct = crypto.open("bank_account", &sealed)?;
        Ok(Line {
            id: r.try_get("", "id")?,
            org_path: r.try_get("", "org_path")?,
            person_id: r.try_get("", "person_id")?,
            name: r.try_get("", "name")?,
            kind: r.try_get("", "kind")?,
            for_period: r.try_get("", "for_period")?,
            amount_fen: r.try_get("", "amount_fen")?,
            bank_name: r.try_get("", "bank_name")?,
            account_masked: shuangyong_domain::mask::mask_account(&acct),
            status: r.try_get("", "status")?,
            result_note: r.try_get("", "result_note")?,
        })
    }

    pub fn kind_label(&self) -> &'static str {
        line_kind_label(&self.kind)
    }
    pub fn status_label(&self) -> &'static str {
        line_status_label(&self.status)
    }
    pub fn amount_yuan(&self) -> String {
        yuan(self.amount_fen)
    }
}

/// Which lines to list.
#[derive(Debug, Clone, Default)]
pub struct LineFilter {
    pub status: Option<String>,
    pub kind: Option<String>,
    pub name: Option<String>,
    pub unit: Option<OrgPath>,
}

pub async fn lines(
    store: &Store,
    scope: &Scope,
    id: i64,
    filter: &LineFilter,
    page: Page,
) -> Result<(Vec<Line>, i64), StoreError> {
    get(store, scope, id).await?;
    let area = match &filter.unit {
        Some(u) if scope.contains(u) => Scope::new(u.clone()),
        _ => scope.clone(),
    };
    let (in_scope, vals) = area.sql("l.org_path", 2);
    let mut params: Vec<Value> = vec![id.into()];
    params.extend(vals);
    let mut conds = vec!["l.cycle_id = $1".to_owned(), in_scope];
    for (col, v) in [("l.status", &filter.status), ("l.kind", &filter.kind), ("l.name", &filter.name)] {
        if let Some(v) = v.as_ref().filter(|v| !v.trim().is_empty()) {
            params.push(v.trim().to_owned().into());
            conds.push(format!("{col} = ${}", params.len()));
        }
    }
    let wh = conds.join(" AND ");
    let total = store
        .count_of(store.conn(), &format!("SELECT COUNT(*) AS n FROM benefit_cycle_line l WHERE {wh}"), params.clone())
        .await?;
    params.push(page.limit().into());
    params.push(page.offset().into());
    let n = params.len();
    let crypto = store.crypto()?;
    let list = store
        .query_all(
            store.conn(),
            &format!(
                "SELECT {LINE_COLUMNS} FROM benefit_cycle_line l{LINE_ACCOUNT_JOINS} WHERE {wh} \
                 ORDER BY l.enrolment_id, l.id LIMIT ${} OFFSET ${n}",
                n - 1
            ),
            params,
        )
        .await?
        .iter()
        .map(|r| Line::from_row(r, crypto))
        .collect::<Result<_, StoreError>>()?;
    Ok((list, total))
}

/// People left out of a cycle, with the reason.
#[derive(Debug, Clone, Serialize)]
pub struct Skip {
    pub person_id: i64,
    pub name: String,
    pub org_path: String,
    pub reason: String,
}

pub async fn skips(store: &Store, scope: &Scope, id: i64) -> Result<Vec<Skip>, StoreError> {
    get(store, scope, id).await?;
    let (in_scope, vals) = scope.sql("org_path", 2);
    let mut params: Vec<Value> = vec![id.into()];
    params.extend(vals);
    store
        .query_all(
            store.conn(),
            &format!(
                "SELECT person_id, name, org_path, reason FROM benefit_cycle_skip WHERE cycle_id = $1 AND {in_scope} \
                 ORDER BY org_path, person_id LIMIT 1000"
            ),
            params,
        )
        .await?
        .iter()
        .map(|r| {
            Ok(Skip {
                person_id: r.try_get("", "person_id")?,
                name: r.try_get("", "name")?,
                org_path: r.try_get("", "org_path")?,
                reason: r.try_get("", "reason")?,
            })
        })
        .collect()
}

/// A month paid after the recipient's death, to recover.
#[derive(Debug, Clone, Serialize)]
pub struct Overpaid {
    pub person_id: i64,
    pub name: String,
    pub org_path: String,
    pub died: NaiveDate,
    pub program_name: String,
    pub for_period: String,
    pub amount_fen: i64,
    pub status: String,
}

impl Overpaid {
    pub fn amount_yuan(&self) -> String {
        yuan(self.amount_fen)
    }
}

/// Months paid (or on their way) after the month of death, for people in scope (or one person).
pub async fn overpaid(store: &Store, scope: &Scope, person: Option<i64>) -> Result<Vec<Overpaid>, StoreError> {
    let (in_scope, vals) = scope.sql("p.org_path", 1);
    let mut params: Vec<Value> = vals.into();
    let mut sql = format!(
        "SELECT p.id, p.name, p.org_path, p.status_date, g.name AS program_name, l.for_period, l.amount_fen, l.status \
         FROM person p JOIN benefit_enrolment e ON e.person_id = p.id JOIN benefit_program g ON g.id = e.program_id \
         JOIN benefit_cycle c ON c.program_id = e.program_id AND c.county = e.county \
         JOIN benefit_cycle_line l ON l.cycle_id = c.id AND l.enrolment_id = e.id \
         WHERE p.status = 'deceased' AND p.status_date IS NOT NULL AND l.status <> 'failed' AND {in_scope}"
    );
    if let Some(id) = person {
        params.push(id.into());
        sql.push_str(" AND p.id = $3");
    }
    sql.push_str(" ORDER BY p.id, l.for_period, l.id");
    let mut out = Vec::new();
    for r in store.query_all(store.conn(), &sql, params).await? {
        let died: NaiveDate = r.try_get("", "status_date")?;
        let for_period: String = r.try_get("", "for_period")?;
        if for_period.as_str() <= Period::of(died).to_string().as_str() {
            continue;
        }
        out.push(Overpaid {
            person_id: r.try_get("", "id")?,
            name: r.try_get("", "name")?,
            org_path: r.try_get("", "org_path")?,
            died,
            program_name: r.try_get("", "program_name")?,
            for_period,
            amount_fen: r.try_get("", "amount_fen")?,
            status: r.try_get("", "status")?,
        });
    }
    Ok(out)
}

/// A person's payment lines, newest first (the caller has checked scope).
pub async fn lines_of_person(store: &Store, person_id: i64, limit: i64) -> Result<Vec<(String, Line)>, StoreError> {
    let crypto = store.crypto()?;
    store
        .query_all(
            store.conn(),
            &format!(
                "SELECT g.name AS program_name, {LINE_COLUMNS} FROM benefit_enrolment e JOIN benefit_program g ON g.id = e.program_id \
                 JOIN benefit_cycle c ON c.program_id = e.program_id AND c.county = e.county \
                 JOIN benefit_cycle_line l ON l.cycle_id = c.id AND l.enrolment_id = e.id{LINE_ACCOUNT_JOINS} \
                 WHERE e.person_id = $1 ORDER BY l.for_period DESC, l.id DESC LIMIT $2"
            ),
            [person_id.into(), limit.into()],
        )
        .await?
        .iter()
        .map(|r| Ok((r.try_get("", "program_name")?, Line::from_row(r, crypto)?)))
        .collect()
}

/// The program of a cycle (for pages).
pub async fn program_of(store: &Store, c: &Cycle) -> Result<Program, StoreError> {
    program(store, c.program_id).await
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_sql_rounding_is_the_domain_rule() {
        // The SQL expression, evaluated by hand as the engines do (integer division and remainder).
        for a in [0i64, 1, 11, 12, 13, 100, 72000, 13_188_000, 999_999_999] {
            for k in 1..=12u32 {
                let sql = a / 12 + i64::from(i64::from(k) <= a % 12);
                assert_eq!(sql, shuangyong_domain::money::monthly_share(a, k));
            }
        }
        assert_eq!(super::month_share_sql("x", 3), "((x) / 12 + CASE WHEN 3 <= (x) % 12 THEN 1 ELSE 0 END)");
    }
}
