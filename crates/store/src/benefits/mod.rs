//! 优抚待遇: programs and their effective-dated standards, the facts the eligibility rules judge,
//! applications and their approvals, enrolments, and payment cycles (in [`cycle`]).

pub mod applications;
mod bulk_enrol;
pub mod cycle;

pub use bulk_enrol::{claim_batch_sql, enrol_claims};

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ConnectionTrait, QueryResult, Value};
use serde::Serialize;
use serde_json::json;
use shuangyong_domain::benefits::{
    self as rules, AgeStart, CategoryFact, Facts, ProgramKind, RuleSettings, StandardRow, Verdict,
};
use shuangyong_domain::money::yuan;
use shuangyong_domain::person::{Category, DisabilityCause, DisabilityGrade, Relation};
use shuangyong_domain::{OrgPath, Period};

use crate::audit::{self, Actor, Change};
use crate::{Scope, Store, StoreError, Tx, now};

/// A benefit program.
#[derive(Debug, Clone, Serialize)]
pub struct Program {
    pub id: i64,
    /// `''` for the national programs, the county code for a county's own.
    pub county: String,
    pub code: String,
    pub name: String,
    pub kind: ProgramKind,
    pub national: bool,
    pub active: bool,
    pub note: String,
}

impl Program {
    fn from_row(r: &QueryResult) -> Result<Program, StoreError> {
        let kind: String = r.try_get("", "kind")?;
        Ok(Program {
            id: r.try_get("", "id")?,
            county: r.try_get("", "county")?,
            code: r.try_get("", "code")?,
            name: r.try_get("", "name")?,
            kind: ProgramKind::from_code(&kind).ok_or_else(|| anyhow::anyhow!("stored kind {kind}"))?,
            national: r.try_get::<i64>("", "national")? != 0,
            active: r.try_get::<i64>("", "active")? != 0,
            note: r.try_get("", "note")?,
        })
    }

    pub fn kind_label(&self) -> &'static str {
        self.kind.label()
    }
}

const PROGRAM_COLUMNS: &str = "id, county, code, name, kind, national, active, note";

/// All programs, national first.
pub async fn programs(store: &Store) -> Result<Vec<Program>, StoreError> {
    store
        .query_all(
            store.conn(),
            &format!("SELECT {PROGRAM_COLUMNS} FROM benefit_program ORDER BY national DESC, id"),
            [],
        )
        .await?
        .iter()
        .map(Program::from_row)
        .collect()
}

pub async fn program(store: &Store, id: i64) -> Result<Program, StoreError> {
    let r = store
        .query_one(store.conn(), &format!("SELECT {PROGRAM_COLUMNS} FROM benefit_program WHERE id = $1"), [id.into()])
        .await?
        .ok_or(StoreError::NotFound)?;
    Program::from_row(&r)
}

/// A program by its code (`rural_veteran_elderly`), or a clear message naming the codes.
pub async fn program_by_code(store: &Store, code: &str) -> Result<Program, StoreError> {
    let r = store
        .query_one(
            store.conn(),
            &format!("SELECT {PROGRAM_COLUMNS} FROM benefit_program WHERE code = $1"),
            [code.trim().into()],
        )
        .await?;
    match r {
        Some(r) => Program::from_row(&r),
        None => {
            let codes: Vec<String> = programs(store).await?.into_iter().map(|p| p.code).collect();
            Err(StoreError::invalid(format!("没有代码为“{}”的待遇项目；可用的代码：{}", code.trim(), codes.join("、"))))
        }
    }
}

/// What an administrator gives for a new (county top-up) program.
#[derive(Debug, Clone)]
pub struct NewProgram {
    pub code: String,
    pub name: String,
    pub kind: ProgramKind,
    pub note: String,
}

/// Adds a county's own program of one of the national kinds (a top-up with its own standards).
pub async fn create_program(
    store: &Store,
    tx: &Tx,
    actor: &Actor,
    county: &OrgPath,
    p: &NewProgram,
) -> Result<i64, StoreError> {
    let code = p.code.trim();
    if code.len() < 3
        || code.len() > 40
        || !code.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        || !code.as_bytes()[0].is_ascii_lowercase()
    {
        return Err(StoreError::invalid(
            "项目代码须为3–40位小写字母、数字或下划线，以字母开头，例如 county_veteran_topup",
        ));
    }
    let name = shuangyong_domain::text::clean(&p.name);
    if name.is_empty() || name.chars().count() > 60 {
        return Err(StoreError::invalid("请填写项目名称（不超过60个字）"));
    }
    let clash = store
        .query_one(
            tx,
            "SELECT id FROM benefit_program WHERE code = $1 OR name = $2",
            [code.into(), name.clone().into()],
        )
        .await?;
    if clash.is_some() {
        return Err(StoreError::Conflict(format!("已有代码为“{code}”或名称为“{name}”的项目，请换一个")));
    }
    let id: i64 = store
        .query_one(
            tx,
            "INSERT INTO benefit_program (county, code, name, kind, national, active, note, created_at) \
             VALUES ($1, $2, $3, $4, 0, 1, $5, $6) RETURNING id",
            [
                county.county().into(),
                code.into(),
                name.clone().into(),
                p.kind.code().into(),
                shuangyong_domain::text::clean(&p.note).into(),
                now().into(),
            ],
        )
        .await?
        .ok_or_else(|| anyhow::anyhow!("insert returned nothing"))?
        .try_get("", "id")?;
    audit::append(
        store,
        tx,
        actor,
        Change {
            action: "create",
            entity: "benefit_program",
            entity_id: id.to_string(),
            org_path: county.to_string(),
            summary: format!("新增待遇项目 {name}（{code}，按{}规则）", p.kind.label()),
            before: None,
            after: Some(json!({"code": code, "name": name, "kind": p.kind.code()})),
        },
    )
    .await?;
    Ok(id)
}

/// A row of a standards table as screens show it.
#[derive(Debug, Clone, Serialize)]
pub struct Standard {
    pub id: i64,
    pub key: String,
    pub key_label: String,
    pub annual_fen: i64,
    pub effective_from: NaiveDate,
    pub note: String,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

impl Standard {
    pub fn annual_yuan(&self) -> String {
        yuan(self.annual_fen)
    }

    pub fn monthly_yuan(&self) -> String {
        yuan(self.annual_fen / 12)
    }
}

/// A program's standards table, by key then date.
pub async fn standards(store: &Store, program: &Program) -> Result<Vec<Standard>, StoreError> {
    let order: Vec<String> = program.kind.standard_keys().into_iter().map(|(k, _)| k).collect();
    let mut rows: Vec<Standard> = store
        .query_all(
            store.conn(),
            "SELECT id, std_key, annual_fen, effective_from, note, created_by, created_at FROM benefit_standard \
             WHERE program_id = $1 ORDER BY effective_from, id",
            [program.id.into()],
        )
        .await?
        .iter()
        .map(|r| {
            let key: String = r.try_get("", "std_key")?;
            Ok(Standard {
                id: r.try_get("", "id")?,
                key_label: program.kind.key_label(&key),
                key,
                annual_fen: r.try_get("", "annual_fen")?,
                effective_from: r.try_get("", "effective_from")?,
                note: r.try_get("", "note")?,
                created_by: r.try_get("", "created_by")?,
                created_at: r.try_get("", "created_at")?,
            })
        })
        .collect::<Result<_, StoreError>>()?;
    rows.sort_by_key(|s| (order.iter().position(|k| *k == s.key).unwrap_or(usize::MAX), s.effective_from));
    Ok(rows)
}

/// A program's standards as the rules read them.
pub async fn standard_rows<C: ConnectionTrait>(
    store: &Store,
    conn: &C,
    program_id: i64,
) -> Result<Vec<StandardRow>, StoreError> {
    store
        .query_all(
            conn,
            "SELECT std_key, annual_fen, effective_from FROM benefit_standard WHERE program_id = $1",
            [program_id.into()],
        )
        .await?
        .iter()
        .map(|r| {
            Ok(StandardRow {
                key: r.try_get("", "std_key")?,
                annual_fen: r.try_get("", "annual_fen")?,
                effective_from: r.try_get("", "effective_from")?,
            })
        })
        .collect()
}

/// Sets the amount for a key from a date: a new row, or a correction of the row of that same date.
/// A date in the past means back-pay in the next cycle for months already paid at the old rate.
#[allow(clippy::too_many_arguments)]
pub async fn set_standard(
    store: &Store,
    tx: &Tx,
    actor: &Actor,
    program: &Program,
    key: &str,
    annual_fen: i64,
    effective_from: NaiveDate,
    note: &str,
) -> Result<i64, StoreError> {
    if !program.kind.standard_keys().iter().any(|(k, _)| k == key) {
        return Err(StoreError::invalid(format!("“{key}”不是{}的标准档次，请从列表中选择", program.name)));
    }
    if annual_fen <= 0 {
        return Err(StoreError::invalid("年标准须大于0元"));
    }
    let before = store
        .query_one(
            tx,
            "SELECT id, annual_fen FROM benefit_standard WHERE program_id = $1 AND std_key = $2 AND effective_from = $3",
            [program.id.into(), key.into(), effective_from.into()],
        )
        .await?;
    let note = shuangyong_domain::text::clean(note);
    let label = program.kind.key_label(key);
    let (id, before_json) = match before {
        Some(r) => {
            let id: i64 = r.try_get("", "id")?;
            let old: i64 = r.try_get("", "annual_fen")?;
            store
                .exec(
                    tx,
                    "UPDATE benefit_standard SET annual_fen = $1, note = $2, created_by = $3, created_at = $4 WHERE id = $5",
                    [annual_fen.into(), note.clone().into(), actor.name.clone().into(), now().into(), id.into()],
                )
                .await?;
            (id, Some(json!({"annual_fen": old})))
        }
        None => {
            let id: i64 = store
                .query_one(
                    tx,
                    "INSERT INTO benefit_standard (county, program_id, std_key, annual_fen, effective_from, note, created_by, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
                    [
                        program.county.clone().into(),
                        program.id.into(),
                        key.into(),
                        annual_fen.into(),
                        effective_from.into(),
                        note.clone().into(),
                        actor.name.clone().into(),
                        now().into(),
                    ],
                )
                .await?
                .ok_or_else(|| anyhow::anyhow!("insert returned nothing"))?
                .try_get("", "id")?;
            (id, None)
        }
    };
    audit::append(
        store,
        tx,
        actor,
        Change {
            action: if before_json.is_some() { "update" } else { "create" },
            entity: "benefit_standard",
            entity_id: id.to_string(),
            org_path: if program.county.is_empty() { String::new() } else { program.county.clone() },
            summary: format!("{}标准 {label}：自{effective_from}起每年{}元", program.name, yuan(annual_fen)),
            before: before_json,
            after: Some(json!({"program": program.code, "key": key, "annual_fen": annual_fen, "effective_from": effective_from})),
        },
    )
    .await?;
    Ok(id)
}

const AGE_START_SETTING: &str = "benefits.age_start";

/// The rules' settings (the month the age-60 subsidies start).
pub async fn rule_settings(store: &Store) -> Result<RuleSettings, StoreError> {
    let age_start =
        crate::setting::get(store, AGE_START_SETTING).await?.and_then(|v| AgeStart::from_code(&v)).unwrap_or_default();
    Ok(RuleSettings { age_start })
}

pub async fn set_age_start(store: &Store, tx: &Tx, actor: &Actor, age_start: AgeStart) -> Result<(), StoreError> {
    let before = rule_settings(store).await?.age_start;
    crate::setting::set(store, tx, AGE_START_SETTING, age_start.code()).await?;
    audit::append(
        store,
        tx,
        actor,
        Change {
            action: "update",
            entity: "setting",
            entity_id: AGE_START_SETTING.to_owned(),
            org_path: String::new(),
            summary: format!("待遇规则设置：{}", age_start.label()),
            before: Some(json!({"age_start": before.code()})),
            after: Some(json!({"age_start": age_start.code()})),
        },
    )
    .await?;
    Ok(())
}

/// What a person receives: enrolments in force, and 享受待遇 recorded on import (which count as
/// received until they are checked into enrolments).
#[derive(Debug, Clone)]
enum Received {
    Enrolled { program_id: i64, name: String, kind: Option<ProgramKind> },
    Claimed(String),
}

/// The national periodic pensions among `received`, leaving out the program judged.
fn receiving(received: &[Received], except: Option<&Program>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for r in received {
        if let Received::Enrolled { program_id, name, kind } = r
            && except.is_none_or(|p| p.id != *program_id)
            && kind.is_some_and(ProgramKind::is_periodic_pension)
        {
            out.push(name.clone());
        }
    }
    for r in received {
        if let Received::Claimed(text) = r
            && let Some(kind) = kind_of_claim(text)
            && kind.is_periodic_pension()
            && except.is_none_or(|p| p.kind != kind)
            && !out.contains(text)
        {
            out.push(text.clone());
        }
    }
    out
}

/// Reads a person's facts for the rules. `except` leaves one program out of what they receive.
pub async fn facts<C: ConnectionTrait>(
    store: &Store,
    conn: &C,
    person_id: i64,
    except: Option<&Program>,
) -> Result<Facts, StoreError> {
    Ok(load_facts(store, conn, person_id, except).await?.0)
}

/// The facts (judged for `except`, if given) and what the person receives, to judge other programs
/// without reading the person again.
async fn load_facts<C: ConnectionTrait>(
    store: &Store,
    conn: &C,
    person_id: i64,
    except: Option<&Program>,
) -> Result<(Facts, Vec<Received>), StoreError> {
    let mut people = bulk_enrol::people(store, conn, &[person_id]).await?;
    let mut person = people.remove(&person_id).ok_or(StoreError::NotFound)?;
    person.facts.receiving = receiving(&person.received, except);
    Ok((person.facts, person.received))
}

/// A `person_category` row as the rules see it (`None` for a category code this build does not know).
fn category_fact(r: &QueryResult) -> Option<CategoryFact> {
    let category = Category::from_code(&r.try_get::<String>("", "category").ok()?)?;
    let grade: Option<i64> = r.try_get::<Option<i32>>("", "grade").ok().flatten().map(i64::from);
    Some(CategoryFact {
        category,
        cause: r.try_get::<Option<String>>("", "cause").ok().flatten().and_then(|c| DisabilityCause::from_code(&c)),
        grade: grade.and_then(|g| DisabilityGrade::new(g as u8).ok()),
        relation: r.try_get::<Option<String>>("", "relation").ok().flatten().and_then(|c| Relation::from_code(&c)),
        since: since_date(r),
    })
}

fn since_date(r: &QueryResult) -> Option<NaiveDate> {
    if let Ok(Some(d)) = r.try_get::<Option<NaiveDate>>("", "since") {
        return Some(d);
    }
    let s: Option<String> = r.try_get("", "since").ok().flatten();
    s.and_then(|s| shuangyong_domain::parse_date(&s).ok()).map(|p| p.date)
}

/// The program a 享受待遇 entry of an import names: by name, code, or the words clerks use.
pub fn kind_of_claim(text: &str) -> Option<ProgramKind> {
    let t = text.trim();
    if let Some(k) = ProgramKind::ALL.into_iter().find(|k| k.label() == t || k.code() == t) {
        return Some(k);
    }
    let has = |w: &str| t.contains(w);
    Some(if has("老兵") || has("农村籍") {
        ProgramKind::RuralVeteranElderly
    } else if has("残疾") || has("伤残") {
        ProgramKind::DisabilityPension
    } else if has("烈士") && (has("子女") || has("老年")) {
        ProgramKind::MartyrElderlyChildSubsidy
    } else if has("三属") || has("遗属") || has("定期抚恤") {
        ProgramKind::SurvivorPension
    } else if has("复员") {
        ProgramKind::DemobilizedSubsidy
    } else if has("带病") {
        ProgramKind::IllReturneeSubsidy
    } else if has("参战") || has("参试") {
        ProgramKind::WarVeteranSubsidy
    } else {
        return None;
    })
}

/// Judges a person for a program on `day`.
pub async fn judge<C: ConnectionTrait>(
    store: &Store,
    conn: &C,
    person_id: i64,
    program: &Program,
    day: NaiveDate,
) -> Result<Verdict, StoreError> {
    let facts = facts(store, conn, person_id, Some(program)).await?;
    let rows = standard_rows(store, conn, program.id).await?;
    let settings = rule_settings(store).await?;
    Ok(rules::evaluate(program.kind, &facts, &rows, day, settings))
}

/// An enrolment as screens show it.
#[derive(Debug, Clone, Serialize)]
pub struct Enrolment {
    pub id: i64,
    pub person_id: i64,
    pub program_id: i64,
    pub program_name: String,
    pub std_key: String,
    pub units: i64,
    pub start_month: String,
    pub end_month: Option<String>,
    pub source: String,
}

/// A person's benefits: each active program with the rule's verdict today and the enrolment, if any.
#[derive(Debug, Clone, Serialize)]
pub struct PersonBenefit {
    pub program: Program,
    pub verdict: Verdict,
    pub verdict_text: String,
    pub enrolment: Option<Enrolment>,
    /// An application in progress, if any: (id, status label).
    pub pending: Option<(i64, String)>,
}

/// Every program judged for a person in scope, on `day`.
pub async fn for_person(
    store: &Store,
    scope: &Scope,
    person_id: i64,
    day: NaiveDate,
) -> Result<Vec<PersonBenefit>, StoreError> {
    crate::registry::get(store, scope, person_id).await?;
    let enrolments = enrolments_of(store, person_id).await?;
    let pending = store
        .query_all(
            store.conn(),
            "SELECT id, program_id, status FROM benefit_application WHERE person_id = $1 AND status IN ('submitted', 'reviewed')",
            [person_id.into()],
        )
        .await?;
    // One read of the person, of every standard and of the settings, then each program judged.
    let (mut facts, received) = load_facts(store, store.conn(), person_id, None).await?;
    let settings = rule_settings(store).await?;
    let mut standards: std::collections::HashMap<i64, Vec<StandardRow>> = std::collections::HashMap::new();
    for r in store
        .query_all(store.conn(), "SELECT program_id, std_key, annual_fen, effective_from FROM benefit_standard", [])
        .await?
    {
        standards.entry(r.try_get("", "program_id")?).or_default().push(StandardRow {
            key: r.try_get("", "std_key")?,
            annual_fen: r.try_get("", "annual_fen")?,
            effective_from: r.try_get("", "effective_from")?,
        });
    }
    let mut out = Vec::new();
    for program in programs(store).await?.into_iter().filter(|p| p.active) {
        facts.receiving = receiving(&received, Some(&program));
        let rows = standards.get(&program.id).map(Vec::as_slice).unwrap_or_default();
        let verdict = rules::evaluate(program.kind, &facts, rows, day, settings);
        let pending = pending
            .iter()
            .find(|r| r.try_get::<i64>("", "program_id").ok() == Some(program.id))
            .map(|r| -> Result<(i64, String), StoreError> {
                let status: String = r.try_get("", "status")?;
                Ok((
                    r.try_get("", "id")?,
                    rules::ApplicationStatus::from_code(&status).map_or("", |s| s.label()).to_owned(),
                ))
            })
            .transpose()?;
        out.push(PersonBenefit {
            verdict_text: verdict.text(),
            verdict,
            enrolment: enrolments.iter().find(|e| e.program_id == program.id).cloned(),
            program,
            pending,
        });
    }
    Ok(out)
}

/// A person's enrolments (the caller has checked scope).
pub async fn enrolments_of(store: &Store, person_id: i64) -> Result<Vec<Enrolment>, StoreError> {
    store
        .query_all(
            store.conn(),
            "SELECT e.id, e.person_id, e.program_id, p.name AS program_name, e.std_key, e.units, e.start_month, e.end_month, e.source \
             FROM benefit_enrolment e JOIN benefit_program p ON p.id = e.program_id WHERE e.person_id = $1 ORDER BY e.id",
            [person_id.into()],
        )
        .await?
        .iter()
        .map(|r| {
            Ok(Enrolment {
                id: r.try_get("", "id")?,
                person_id: r.try_get("", "person_id")?,
                program_id: r.try_get("", "program_id")?,
                program_name: r.try_get("", "program_name")?,
                std_key: r.try_get("", "std_key")?,
                units: r.try_get("", "units")?,
                start_month: r.try_get("", "start_month")?,
                end_month: r.try_get("", "end_month")?,
                source: r.try_get("", "source")?,
            })
        })
        .collect()
}

/// Enrols a person whose verdict is eligible, from `start` (never before the rule's first month).
#[allow(clippy::too_many_arguments)]
pub(crate) async fn enrol(
    store: &Store,
    tx: &Tx,
    person_id: i64,
    county: &str,
    program: &Program,
    verdict: &Verdict,
    start: Period,
    application_id: Option<i64>,
    source: &str,
) -> Result<i64, StoreError> {
    let existing = store
        .query_one(
            tx,
            "SELECT id, end_month FROM benefit_enrolment WHERE person_id = $1 AND program_id = $2",
            [person_id.into(), program.id.into()],
        )
        .await?;
    if let Some(r) = existing {
        let end: Option<String> = r.try_get("", "end_month")?;
        if end.is_none() {
            return Err(StoreError::Conflict(format!("此人已在享受{}，不能重复纳入", program.name)));
        }
        let id: i64 = r.try_get("", "id")?;
        store
            .exec(
                tx,
                "UPDATE benefit_enrolment SET std_key = $1, units = $2, start_month = $3, end_month = NULL, application_id = $4, source = $5 WHERE id = $6",
                [
                    verdict.key.clone().into(),
                    verdict.units.into(),
                    start.to_string().into(),
                    application_id.into(),
                    source.into(),
                    id.into(),
                ],
            )
            .await?;
        return Ok(id);
    }
    let id: i64 = store
        .query_one(
            tx,
            "INSERT INTO benefit_enrolment (county, person_id, program_id, std_key, units, start_month, application_id, source, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
            [
                county.into(),
                person_id.into(),
                program.id.into(),
                verdict.key.clone().into(),
                verdict.units.into(),
                start.to_string().into(),
                application_id.into(),
                source.into(),
                now().into(),
            ],
        )
        .await?
        .ok_or_else(|| anyhow::anyhow!("insert returned nothing"))?
        .try_get("", "id")?;
    Ok(id)
}

/// After a person's record changed: each of their enrolments takes the basis (grade, group, years
/// of service) the rule now gives, so the next cycle pays by it. Frozen lines are not touched.
pub async fn refresh_person(store: &Store, tx: &Tx, person_id: i64) -> Result<(), StoreError> {
    let day = crate::benefits::today();
    for e in store
        .query_all(
            tx,
            "SELECT id, program_id, std_key, units FROM benefit_enrolment WHERE person_id = $1 AND end_month IS NULL",
            [person_id.into()],
        )
        .await?
    {
        let program = program(store, e.try_get("", "program_id")?).await?;
        let v = judge(store, tx, person_id, &program, day).await?;
        let (key, units): (String, i64) = (e.try_get("", "std_key")?, e.try_get("", "units")?);
        let needs_key = matches!(program.kind.basis(), rules::Basis::CauseGrade | rules::Basis::SurvivorGroup);
        let new_key = if needs_key && v.key.is_empty() { key.clone() } else { v.key.clone() };
        let new_units = if program.kind.basis() == rules::Basis::PerServiceYear {
            let f = facts(store, tx, person_id, Some(&program)).await?;
            rules::service_years(&f.service).unwrap_or(units)
        } else {
            1
        };
        if new_key != key || new_units != units {
            store
                .exec(
                    tx,
                    "UPDATE benefit_enrolment SET std_key = $1, units = $2 WHERE id = $3",
                    [new_key.into(), new_units.into(), e.try_get::<i64>("", "id")?.into()],
                )
                .await?;
        }
    }
    Ok(())
}

/// Imported 享受待遇 checked against the rules: each claim with its program and verdict.
#[derive(Debug, Clone, Serialize)]
pub struct ClaimCheck {
    pub claim_id: i64,
    pub person_id: i64,
    pub person_name: String,
    pub org_path: String,
    pub text: String,
    pub program: Option<Program>,
    pub verdict_text: String,
    pub eligible: bool,
}

/// The imported 享受待遇 in scope that are not yet enrolments, judged on `day`.
pub async fn claims(store: &Store, scope: &Scope, day: NaiveDate, limit: i64) -> Result<Vec<ClaimCheck>, StoreError> {
    // In claim order (see `claim_batch_sql`): not every person of the county, then a sort.
    let (in_scope, vals) = scope.sql("p.org_path", 1);
    let mut params: Vec<Value> = vals.into();
    params.push(limit.into());
    let rows = store
        .query_all(
            store.conn(),
            &format!(
                "SELECT c.id, c.person_id, c.program, p.name, p.org_path FROM benefit_claim c CROSS JOIN person p \
                 WHERE p.id = c.person_id AND {in_scope} ORDER BY c.id LIMIT $3"
            ),
            params,
        )
        .await?;
    let all = programs(store).await?;
    let mut out = Vec::new();
    for r in rows {
        let text: String = r.try_get("", "program")?;
        let person_id: i64 = r.try_get("", "person_id")?;
        let program = kind_of_claim(&text).and_then(|k| all.iter().find(|p| p.national && p.kind == k).cloned());
        let (verdict_text, eligible) = match &program {
            Some(p) => {
                let v = judge(store, store.conn(), person_id, p, day).await?;
                (v.text(), v.eligible)
            }
            None => (format!("无法识别“{text}”是哪个待遇项目，请核对后手工办理"), false),
        };
        out.push(ClaimCheck {
            claim_id: r.try_get("", "id")?,
            person_id,
            person_name: r.try_get("", "name")?,
            org_path: r.try_get("", "org_path")?,
            text,
            program,
            verdict_text,
            eligible,
        });
    }
    Ok(out)
}

/// Today in Beijing: the day rules are judged on.
pub fn today() -> NaiveDate {
    shuangyong_domain::clock::today(now())
}

/// A person in a program, for the list of those enrolled.
#[derive(Debug, Clone, Serialize)]
pub struct Enrolled {
    pub person_id: i64,
    pub name: String,
    pub org_path: String,
    pub start_month: String,
    pub std_key: String,
    pub units: i64,
    pub source: String,
}

/// Those enrolled in a program (in force, started by `until` if given), in a unit of the scope.
pub async fn enrolled(
    store: &Store,
    scope: &Scope,
    program_id: i64,
    until: Option<&str>,
    page: crate::org::Page,
) -> Result<(Vec<Enrolled>, i64), StoreError> {
    let (in_scope, vals) = scope.sql("p.org_path", 1);
    let mut params: Vec<Value> = vals.into();
    params.push(program_id.into());
    params.push(until.unwrap_or("9999-12").into());
    let wh = format!("{in_scope} AND e.program_id = $3 AND e.start_month <= $4 AND e.end_month IS NULL");
    let total = store
        .count_of(
            store.conn(),
            &format!("SELECT COUNT(*) AS n FROM benefit_enrolment e JOIN person p ON p.id = e.person_id WHERE {wh}"),
            params.clone(),
        )
        .await?;
    params.push(page.limit().into());
    params.push(page.offset().into());
    let list = store
        .query_all(
            store.conn(),
            &format!(
                "SELECT p.id, p.name, p.org_path, e.start_month, e.std_key, e.units, e.source FROM benefit_enrolment e \
                 JOIN person p ON p.id = e.person_id WHERE {wh} ORDER BY p.org_path, p.name_pinyin LIMIT $5 OFFSET $6"
            ),
            params,
        )
        .await?
        .iter()
        .map(|r| {
            Ok(Enrolled {
                person_id: r.try_get("", "id")?,
                name: r.try_get("", "name")?,
                org_path: r.try_get("", "org_path")?,
                start_month: r.try_get("", "start_month")?,
                std_key: r.try_get("", "std_key")?,
                units: r.try_get("", "units")?,
                source: r.try_get("", "source")?,
            })
        })
        .collect::<Result<_, StoreError>>()?;
    Ok((list, total))
}
