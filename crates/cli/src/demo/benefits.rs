//! The demo's benefits: the county's veterans judged by the rules, applications through the
//! three steps, enrolments, and the payment cycles of the last months of 2024.
//!
//! Nobody is flagged by hand: the 116 approved for 老兵生活补助 are the first 116 people (in
//! registration order) whom the rule finds eligible on 2024-12-31 and who receive no other
//! periodic pension; disability pensions go to every 残疾军人 the rule accepts.

use std::collections::HashMap;

use chrono::NaiveDate;
use shuangyong_domain::Period;
use shuangyong_store::audit::Actor;
use shuangyong_store::benefits::{self, Program, applications, cycle};
use shuangyong_store::export::ExportFormat;
use shuangyong_store::user::User;
use shuangyong_store::{Scope, Store};

/// How many veterans the demo approves for 老兵生活补助 (DEMO.md).
pub const RURAL_APPROVED: usize = 116;

/// The day the demo's rules are judged on: the end of the period DEMO.md reports.
fn judged_on() -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 12, 31).expect("valid")
}

pub async fn seed(store: &Store, root: &Scope, users: &HashMap<&str, User>) -> anyhow::Result<()> {
    let user = |name: &str| users.get(name).map(User::actor).ok_or_else(|| anyhow::anyhow!("demo user {name}"));
    let (county, admin) = (user("county")?, user("admin")?);
    let reviewers = [("140929/01", user("lanyi")?), ("140929/02", user("sanjing")?)];
    let reviewer = |org: &str| reviewers.iter().find(|(t, _)| org.starts_with(t)).map_or(&admin, |(_, a)| a);

    let disability = benefits::program_by_code(store, "disability_pension").await?;
    let rural = benefits::program_by_code(store, "rural_veteran_elderly").await?;

    // 残疾军人 first: once they receive a disability pension, they are not eligible for 老兵生活补助.
    let disabled = people(
        store,
        "SELECT p.id, p.org_path FROM person p JOIN person_category c ON c.person_id = p.id \
         WHERE c.category = 'disabled_serviceman' ORDER BY p.id",
    )
    .await?;
    for (id, org) in &disabled {
        let v = benefits::judge(store, store.conn(), *id, &disability, judged_on()).await?;
        if v.eligible {
            apply(store, root, &county, reviewer(org), &admin, *id, &disability, v.start, Step::Approve).await?;
        }
    }
    let veterans = people(
        store,
        "SELECT p.id, p.org_path FROM person p WHERE EXISTS \
         (SELECT 1 FROM service_record s WHERE s.person_id = p.id) ORDER BY p.id",
    )
    .await?;
    let mut approved = 0;
    let mut waiting = 0;
    for (id, org) in &veterans {
        let v = benefits::judge(store, store.conn(), *id, &rural, judged_on()).await?;
        // Eligible and paid within the period reported (not someone whose first month is in 2025).
        if !v.eligible || v.start.is_some_and(|s| s > Period::new(2024, 12).expect("valid")) {
            continue;
        }
        // After the 116 approved, a few applications wait in the inboxes: review, then approval.
        let step = if approved < RURAL_APPROVED {
            approved += 1;
            Step::Approve
        } else if waiting < 6 {
            waiting += 1;
            if waiting <= 3 { Step::Submit } else { Step::Review }
        } else {
            break;
        };
        apply(store, root, &county, reviewer(org), &admin, *id, &rural, v.start, step).await?;
    }
    anyhow::ensure!(approved == RURAL_APPROVED, "the demo county has only {approved} eligible veterans");

    // September to December 2024: computed by the county clerk, approved by the administrator,
    // September and October sent to the bank and reconciled (one account closed in September).
    for program in [&rural, &disability] {
        for m in 9..=12 {
            let period = Period::new(2024, m).expect("valid");
            let r = cycle::run(store, &county, root.root(), program, period).await?;
            if m == 12 {
                continue;
            }
            let tx = store.begin_write().await?;
            cycle::approve(store, &tx, &admin, root, r.cycle).await?;
            tx.commit().await?;
            if m <= 10 {
                cycle::export(store, &county, root, r.cycle, ExportFormat::Csv).await?;
                let (lines, _) = cycle::lines(
                    store,
                    root,
                    r.cycle,
                    &cycle::LineFilter::default(),
                    shuangyong_store::org::Page::new(Some(1), Some(200)),
                )
                .await?;
                let mut file = String::from("序号,结果,说明\n");
                for (i, l) in lines.iter().enumerate() {
                    if m == 9 && i == 0 {
                        file.push_str(&format!("{},失败,账户已销户\n", l.id));
                    } else {
                        file.push_str(&format!("{},成功,\n", l.id));
                    }
                }
                cycle::apply_return(store, &county, root, r.cycle, file.as_bytes())
                    .await?
                    .map_err(|e| anyhow::anyhow!("demo return file: {e:?}"))?;
            }
        }
    }
    Ok(())
}

async fn people(store: &Store, sql: &str) -> anyhow::Result<Vec<(i64, String)>> {
    Ok(store
        .query_all(store.conn(), sql, [])
        .await?
        .iter()
        .map(|r| Ok((r.try_get("", "id")?, r.try_get("", "org_path")?)))
        .collect::<Result<Vec<_>, shuangyong_store::StoreError>>()?)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Step {
    Submit,
    Review,
    Approve,
}

#[allow(clippy::too_many_arguments)]
async fn apply(
    store: &Store,
    root: &Scope,
    submitter: &Actor,
    reviewer: &Actor,
    approver: &Actor,
    person: i64,
    program: &Program,
    first: Option<Period>,
    until: Step,
) -> anyhow::Result<()> {
    let tx = store.begin_write().await?;
    let a = applications::submit(store, &tx, submitter, root, person, program.id, "本人申请，材料齐全").await?;
    if until != Step::Submit {
        applications::review(store, &tx, reviewer, root, a, "经核实情况属实").await?;
    }
    if until == Step::Approve {
        let start = first.unwrap_or(Period::new(2020, 1).expect("valid")).max(Period::new(2020, 1).expect("valid"));
        applications::decide(store, &tx, approver, root, a, true, "符合条件，同意", Some(start)).await?;
    }
    tx.commit().await?;
    Ok(())
}
