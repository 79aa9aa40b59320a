//! Imported 享受待遇 turned into enrolments in bulk: claims read in batches, the facts of each
//! batch's people loaded in a few queries, every claim judged in memory by the same rule as
//! [`super::judge`], and the enrolments written with multi-row INSERTs — one transaction, one
//! audit entry, however many claims.

use std::collections::HashMap;

use chrono::NaiveDate;
use sea_orm::{ConnectionTrait, Value};
use serde_json::json;
use shuangyong_domain::benefits::{self as rules, Facts, ProgramKind, StandardRow};
use shuangyong_domain::person::{PersonStatus, Registration};
use shuangyong_domain::{OrgPath, Period};

use super::{Program, Received, category_fact, kind_of_claim, programs, receiving, rule_settings};
use crate::audit::{self, Actor, Change};
use crate::db::{insert_sql, placeholders};
use crate::{Scope, Store, StoreError, now};

/// Claims read, judged and written per round. Each round's statements stay well under SQLite's
/// 32,766 parameters (the INSERT is cut at [`INSERT_ROWS`]).
const BATCH: i64 = 2_000;
/// Enrolments per INSERT statement (9 parameters each).
const INSERT_ROWS: usize = 1_000;

/// What the rules and the enrolment step need of a person.
pub(super) struct Person {
    /// The facts, `receiving` left empty (it depends on the program judged).
    pub(super) facts: Facts,
    /// Programs in force and 享受待遇 claimed, in that order.
    pub(super) received: Vec<Received>,
    /// The person's enrolments by program: `true` while in force (no end month).
    enrolled: HashMap<i64, bool>,
}

/// Reads the facts of `ids` (distinct) in five queries: a batch of claims' people, or one person.
pub(super) async fn people<C: ConnectionTrait>(
    store: &Store,
    conn: &C,
    ids: &[i64],
) -> Result<HashMap<i64, Person>, StoreError> {
    let list = placeholders(store.backend(), 1, ids.len());
    let params = || ids.iter().map(|&i| Value::from(i)).collect::<Vec<_>>();
    let mut out: HashMap<i64, Person> = HashMap::with_capacity(ids.len());
    for r in store
        .query_all(
            conn,
            &format!("SELECT id, birth_date, registration, status, status_date FROM person WHERE id IN ({list})"),
            params(),
        )
        .await?
    {
        let registration: String = r.try_get("", "registration")?;
        let status: String = r.try_get("", "status")?;
        let facts = Facts {
            birth_date: r.try_get("", "birth_date")?,
            registration: Registration::from_code(&registration).unwrap_or(Registration::Urban),
            status: PersonStatus::from_code(&status).unwrap_or(PersonStatus::Normal),
            status_date: r.try_get("", "status_date")?,
            categories: Vec::new(),
            service: Vec::new(),
            receiving: Vec::new(),
        };
        out.insert(r.try_get("", "id")?, Person { facts, received: Vec::new(), enrolled: HashMap::new() });
    }
    for r in store
        .query_all(
            conn,
            &format!(
                "SELECT person_id, category, cause, grade, relation, since FROM person_category \
                 WHERE person_id IN ({list}) ORDER BY id"
            ),
            params(),
        )
        .await?
    {
        if let (Some(p), Some(c)) = (out.get_mut(&r.try_get("", "person_id")?), category_fact(&r)) {
            p.facts.categories.push(c);
        }
    }
    for r in store
        .query_all(
            conn,
            &format!(
                "SELECT person_id, enlisted, discharged FROM service_record WHERE person_id IN ({list}) ORDER BY id"
            ),
            params(),
        )
        .await?
    {
        if let Some(p) = out.get_mut(&r.try_get("", "person_id")?) {
            p.facts.service.push((r.try_get("", "enlisted")?, r.try_get("", "discharged")?));
        }
    }
    for r in store
        .query_all(
            conn,
            &format!(
                "SELECT e.person_id, e.end_month, p.id, p.name, p.kind FROM benefit_enrolment e \
                 JOIN benefit_program p ON p.id = e.program_id WHERE e.person_id IN ({list}) ORDER BY p.id"
            ),
            params(),
        )
        .await?
    {
        let Some(person) = out.get_mut(&r.try_get("", "person_id")?) else { continue };
        let program_id: i64 = r.try_get("", "id")?;
        let active = r.try_get::<Option<String>>("", "end_month")?.is_none();
        person.enrolled.insert(program_id, active);
        if active {
            let kind: String = r.try_get("", "kind")?;
            person.received.push(Received::Enrolled {
                program_id,
                name: r.try_get("", "name")?,
                kind: ProgramKind::from_code(&kind),
            });
        }
    }
    for r in store
        .query_all(
            conn,
            &format!("SELECT person_id, program FROM benefit_claim WHERE person_id IN ({list}) ORDER BY id"),
            params(),
        )
        .await?
    {
        if let Some(p) = out.get_mut(&r.try_get("", "person_id")?) {
            p.received.push(Received::Claimed(r.try_get("", "program")?));
        }
    }
    Ok(out)
}

/// The statement that reads the next batch of claims in scope (`$3` the last claim id read, `$4`
/// the batch size), with its scope parameters. It walks the claims in id order (SQLite keeps the
/// order of a CROSS JOIN): with a large county's statistics SQLite would otherwise walk every
/// person of the county and sort their claims, for every batch (28 s instead of 3 s at 200,000
/// people, quadratic beyond).
#[doc(hidden)]
pub fn claim_batch_sql(scope: &Scope) -> (String, Vec<Value>) {
    let (in_scope, vals) = scope.sql("p.org_path", 1);
    (
        format!(
            "SELECT c.id, c.person_id, c.program, p.org_path FROM benefit_claim c CROSS JOIN person p \
             WHERE p.id = c.person_id AND {in_scope} AND c.id > $3 ORDER BY c.id LIMIT $4"
        ),
        vals.into(),
    )
}

/// Turns the eligible imported claims in scope into enrolments from the month of `day` (the rule's
/// first month if later); ineligible ones and unrecognised texts stay listed for a person to decide.
/// A claim of a program the person is already enrolled in is consumed without a second enrolment.
/// Returns how many claims were consumed.
///
/// The result is what judging claim by claim gives (the tests compare): consuming a claim turns
/// it into an enrolment of its kind's national program, which counts as received exactly as the
/// claim did, so no claim's verdict depends on the order they are taken in.
///
/// A province's rolls are a million claims: the work runs with the writer's page cache grown
/// (`Store::with_large_write_cache`), so the people read and the enrolments written stay in memory.
pub async fn enrol_claims(store: &Store, actor: &Actor, scope: &Scope, day: NaiveDate) -> Result<usize, StoreError> {
    store.with_large_write_cache(crate::Bulk::Reading, enrol(store, actor, scope, day)).await
}

async fn enrol(store: &Store, actor: &Actor, scope: &Scope, day: NaiveDate) -> Result<usize, StoreError> {
    let started = std::time::Instant::now();
    let all = programs(store).await?;
    let settings = rule_settings(store).await?;
    let national: HashMap<ProgramKind, &Program> = ProgramKind::ALL
        .into_iter()
        .filter_map(|k| all.iter().find(|p| p.national && p.kind == k).map(|p| (k, p)))
        .collect();
    let tx = store.begin_write().await?;
    let mut standards: HashMap<i64, Vec<StandardRow>> = HashMap::new();
    for r in
        store.query_all(&tx, "SELECT program_id, std_key, annual_fen, effective_from FROM benefit_standard", []).await?
    {
        standards.entry(r.try_get("", "program_id")?).or_default().push(StandardRow {
            key: r.try_get("", "std_key")?,
            annual_fen: r.try_get("", "annual_fen")?,
            effective_from: r.try_get("", "effective_from")?,
        });
    }
    let this_month = Period::of(day);
    let t = now();
    let (sql, vals) = claim_batch_sql(scope);
    let (mut last, mut done) = (0i64, 0usize);
    loop {
        let mut params = vals.clone();
        params.push(last.into());
        params.push(BATCH.into());
        let batch = store.query_all(&tx, &sql, params).await?;
        let Some(end) = batch.last() else { break };
        last = end.try_get("", "id")?;
        let mut ids: Vec<i64> = batch.iter().map(|r| r.try_get("", "person_id")).collect::<Result<_, _>>()?;
        ids.sort_unstable();
        ids.dedup();
        let mut people = people(store, &tx, &ids).await?;

        let mut consumed: Vec<i64> = Vec::new();
        let mut inserts: Vec<Value> = Vec::new();
        for r in &batch {
            let text: String = r.try_get("", "program")?;
            let Some(program) = kind_of_claim(&text).and_then(|k| national.get(&k).copied()) else { continue };
            let Some(person) = people.get_mut(&r.try_get("", "person_id")?) else { continue };
            person.facts.receiving = receiving(&person.received, Some(program));
            let rows = standards.get(&program.id).map(Vec::as_slice).unwrap_or_default();
            let v = rules::evaluate(program.kind, &person.facts, rows, day, settings);
            if !v.eligible {
                continue;
            }
            let start = v.start.map_or(this_month, |s| s.max(this_month));
            let person_id: i64 = r.try_get("", "person_id")?;
            match person.enrolled.get(&program.id) {
                // Already receiving it: the claim is consumed, nothing is added.
                Some(true) => {}
                // Enrolled once and ended: taken up again, as `enrol` does.
                Some(false) => {
                    store
                        .exec(
                            &tx,
                            "UPDATE benefit_enrolment SET std_key = $1, units = $2, start_month = $3, end_month = NULL, \
                             application_id = NULL, source = 'import' WHERE person_id = $4 AND program_id = $5",
                            [
                                v.key.clone().into(),
                                v.units.into(),
                                start.to_string().into(),
                                person_id.into(),
                                program.id.into(),
                            ],
                        )
                        .await?;
                }
                None => {
                    let org_path: String = r.try_get("", "org_path")?;
                    let county = OrgPath::parse(&org_path).map(|p| p.county().to_owned()).unwrap_or_default();
                    inserts.extend([
                        county.into(),
                        person_id.into(),
                        program.id.into(),
                        v.key.clone().into(),
                        v.units.into(),
                        start.to_string().into(),
                        Value::from(None::<i64>),
                        "import".into(),
                        t.into(),
                    ]);
                }
            }
            // The claim becomes the enrolment: what the person receives stays the same.
            person.enrolled.insert(program.id, true);
            person.received.retain(|x| !matches!(x, Received::Claimed(c) if *c == text));
            if !person
                .received
                .iter()
                .any(|x| matches!(x, Received::Enrolled { program_id, .. } if *program_id == program.id))
            {
                person.received.push(Received::Enrolled {
                    program_id: program.id,
                    name: program.name.clone(),
                    kind: Some(program.kind),
                });
            }
            consumed.push(r.try_get("", "id")?);
        }
        for rows in inserts.chunks(INSERT_ROWS * 9) {
            let sql = insert_sql(
                store.backend(),
                "INSERT INTO benefit_enrolment (county, person_id, program_id, std_key, units, start_month, \
                 application_id, source, created_at) VALUES",
                rows.len() / 9,
                9,
                "",
            );
            store.exec(&tx, &sql, rows.to_vec()).await?;
        }
        if !consumed.is_empty() {
            store
                .exec(
                    &tx,
                    &format!(
                        "DELETE FROM benefit_claim WHERE id IN ({})",
                        placeholders(store.backend(), 1, consumed.len())
                    ),
                    consumed.iter().map(|&i| Value::from(i)).collect::<Vec<_>>(),
                )
                .await?;
        }
        done += consumed.len();
    }
    audit::append(
        store,
        &tx,
        actor,
        Change {
            action: "enrol",
            entity: "benefit_claim",
            entity_id: String::new(),
            org_path: scope.root().to_string(),
            summary: format!("导入的享受待遇经规则核对后纳入发放 {done} 人"),
            before: None,
            after: Some(json!({"enrolled": done})),
        },
    )
    .await?;
    tx.commit().await?;
    tracing::debug!(done, elapsed = ?started.elapsed(), "claims enrolled");
    Ok(done)
}
