//! Applications for a program: a village contact or township clerk submits, the township reviews,
//! the county approves (into an enrolment) or rejects with a reason. The rule's verdict is kept at
//! submission and judged again at every step; nobody reviews or approves their own submission.

use chrono::{DateTime, Utc};
use sea_orm::{QueryResult, Value};
use serde::Serialize;
use serde_json::json;
use shuangyong_domain::benefits::{ApplicationStatus, Step, application_step};
use shuangyong_domain::{OrgPath, Period};

use super::{Program, enrol, judge, program};
use crate::audit::{self, Actor, Change};
use crate::org::Page;
use crate::{Scope, Store, StoreError, Tx, now};

#[derive(Debug, Clone, Serialize)]
pub struct Application {
    pub id: i64,
    pub org_path: String,
    pub person_id: i64,
    pub person_name: String,
    pub program_id: i64,
    pub program_name: String,
    pub status: ApplicationStatus,
    pub eligible: bool,
    /// The verdict when submitted.
    pub verdict: String,
    pub note: String,
    pub submitted_by: i64,
    pub submitted_by_name: String,
    pub submitted_at: DateTime<Utc>,
    pub reviewed_by_name: Option<String>,
    pub reviewed_at: Option<DateTime<Utc>>,
    pub review_note: String,
    pub decided_by_name: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
    pub decision_note: String,
    pub start_month: Option<String>,
    pub enrolment_id: Option<i64>,
}

impl Application {
    fn from_row(r: &QueryResult) -> Result<Application, StoreError> {
        let status: String = r.try_get("", "status")?;
        Ok(Application {
            id: r.try_get("", "id")?,
            org_path: r.try_get("", "org_path")?,
            person_id: r.try_get("", "person_id")?,
            person_name: r.try_get("", "person_name")?,
            program_id: r.try_get("", "program_id")?,
            program_name: r.try_get("", "program_name")?,
            status: ApplicationStatus::from_code(&status).ok_or_else(|| anyhow::anyhow!("stored status {status}"))?,
            eligible: r.try_get::<i64>("", "eligible")? != 0,
            verdict: r.try_get("", "verdict")?,
            note: r.try_get("", "note")?,
            submitted_by: r.try_get("", "submitted_by")?,
            submitted_by_name: r.try_get("", "submitted_by_name")?,
            submitted_at: r.try_get("", "submitted_at")?,
            reviewed_by_name: r.try_get("", "reviewed_by_name")?,
            reviewed_at: r.try_get("", "reviewed_at")?,
            review_note: r.try_get("", "review_note")?,
            decided_by_name: r.try_get("", "decided_by_name")?,
            decided_at: r.try_get("", "decided_at")?,
            decision_note: r.try_get("", "decision_note")?,
            start_month: r.try_get("", "start_month")?,
            enrolment_id: r.try_get("", "enrolment_id")?,
        })
    }

    pub fn status_label(&self) -> &'static str {
        self.status.label()
    }

    pub fn submitted_local(&self) -> String {
        shuangyong_domain::clock::beijing(self.submitted_at).format("%Y-%m-%d %H:%M").to_string()
    }
}

const COLUMNS: &str = "a.id, a.org_path, a.person_id, p.name AS person_name, a.program_id, g.name AS program_name, a.status, \
     a.eligible, a.verdict, a.note, a.submitted_by, a.submitted_by_name, a.submitted_at, a.reviewed_by_name, a.reviewed_at, \
     a.review_note, a.decided_by_name, a.decided_at, a.decision_note, a.start_month, a.enrolment_id \
     FROM benefit_application a JOIN person p ON p.id = a.person_id JOIN benefit_program g ON g.id = a.program_id";

fn user_id(actor: &Actor) -> Result<i64, StoreError> {
    actor.user_id.ok_or_else(|| StoreError::invalid("申请须由登录的工作人员办理"))
}

fn clean_note(note: &str) -> Result<String, StoreError> {
    let note = shuangyong_domain::text::clean(note);
    if note.chars().count() > 500 {
        return Err(StoreError::invalid("意见或说明不超过500字，请精简"));
    }
    Ok(note)
}

/// Submits an application for a person in scope. Refused when the person already receives the
/// program or has an application for it in progress.
pub async fn submit(
    store: &Store,
    tx: &Tx,
    actor: &Actor,
    scope: &Scope,
    person_id: i64,
    program_id: i64,
    note: &str,
) -> Result<i64, StoreError> {
    let by = user_id(actor)?;
    let person = crate::registry::get(store, scope, person_id).await?;
    let program = program(store, program_id).await?;
    if !program.active {
        return Err(StoreError::invalid(format!("{}已停用，不能再申请", program.name)));
    }
    let note = clean_note(note)?;
    let open = store
        .query_one(
            tx,
            "SELECT id FROM benefit_application WHERE person_id = $1 AND program_id = $2 AND status IN ('submitted', 'reviewed')",
            [person_id.into(), program_id.into()],
        )
        .await?;
    if let Some(r) = open {
        let id: i64 = r.try_get("", "id")?;
        return Err(StoreError::Conflict(format!(
            "{}已有一份{}申请正在办理（编号{id}），请在申请列表中查看",
            person.name, program.name
        )));
    }
    let enrolled = store
        .query_one(
            tx,
            "SELECT id FROM benefit_enrolment WHERE person_id = $1 AND program_id = $2 AND end_month IS NULL",
            [person_id.into(), program_id.into()],
        )
        .await?;
    if enrolled.is_some() {
        return Err(StoreError::Conflict(format!("{}已在享受{}，无需再申请", person.name, program.name)));
    }
    let verdict = judge(store, tx, person_id, &program, crate::benefits::today()).await?;
    let id: i64 = store
        .query_one(
            tx,
            "INSERT INTO benefit_application (county, org_path, person_id, program_id, status, eligible, verdict, note, \
             submitted_by, submitted_by_name, submitted_at) VALUES ($1, $2, $3, $4, 'submitted', $5, $6, $7, $8, $9, $10) RETURNING id",
            [
                person.org_path.county().into(),
                person.org_path.as_str().into(),
                person_id.into(),
                program_id.into(),
                i64::from(verdict.eligible).into(),
                verdict.text().into(),
                note.clone().into(),
                by.into(),
                actor.name.clone().into(),
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
            action: "submit",
            entity: "benefit_application",
            entity_id: id.to_string(),
            org_path: person.org_path.to_string(),
            summary: format!("提交{}申请：{}（规则判定：{}）", program.name, person.name, verdict.text()),
            before: None,
            after: Some(
                json!({"person_id": person_id, "program": program.code, "eligible": verdict.eligible, "note": note}),
            ),
        },
    )
    .await?;
    Ok(id)
}

/// One application in scope.
pub async fn get(store: &Store, scope: &Scope, id: i64) -> Result<Application, StoreError> {
    let r = store
        .query_one(store.conn(), &format!("SELECT {COLUMNS} WHERE a.id = $1"), [id.into()])
        .await?
        .ok_or(StoreError::NotFound)?;
    let a = Application::from_row(&r)?;
    if !scope.contains_str(&a.org_path) {
        return Err(StoreError::NotFound);
    }
    Ok(a)
}

async fn locked(store: &Store, tx: &Tx, scope: &Scope, id: i64) -> Result<Application, StoreError> {
    let r = store
        .query_one(tx, &format!("SELECT {COLUMNS} WHERE a.id = $1"), [id.into()])
        .await?
        .ok_or(StoreError::NotFound)?;
    let a = Application::from_row(&r)?;
    if !scope.contains_str(&a.org_path) {
        return Err(StoreError::NotFound);
    }
    Ok(a)
}

/// The township's review: passes the application on to the county.
pub async fn review(
    store: &Store,
    tx: &Tx,
    actor: &Actor,
    scope: &Scope,
    id: i64,
    note: &str,
) -> Result<(), StoreError> {
    let by = user_id(actor)?;
    let a = locked(store, tx, scope, id).await?;
    let next = application_step(a.status, Step::Review, a.submitted_by == by).map_err(StoreError::invalid)?;
    let note = clean_note(note)?;
    let program = program(store, a.program_id).await?;
    let verdict = judge(store, tx, a.person_id, &program, crate::benefits::today()).await?;
    let n = store
        .exec(
            tx,
            "UPDATE benefit_application SET status = $1, reviewed_by = $2, reviewed_by_name = $3, reviewed_at = $4, review_note = $5 \
             WHERE id = $6 AND status = $7",
            [
                next.code().into(),
                by.into(),
                actor.name.clone().into(),
                now().into(),
                note.clone().into(),
                id.into(),
                a.status.code().into(),
            ],
        )
        .await?;
    if n != 1 {
        return Err(StoreError::Conflict("申请刚被其他人办理过，请刷新后再看".to_owned()));
    }
    audit::append(
        store,
        tx,
        actor,
        Change {
            action: "review",
            entity: "benefit_application",
            entity_id: id.to_string(),
            org_path: a.org_path.clone(),
            summary: format!("乡镇审核通过{}申请：{}（规则判定：{}）", a.program_name, a.person_name, verdict.text()),
            before: Some(json!({"status": a.status.code()})),
            after: Some(json!({"status": next.code(), "note": note})),
        },
    )
    .await?;
    Ok(())
}

/// The county's decision. Approval needs the rule to say 符合 today and makes an enrolment from
/// `start` (default: the later of the rule's first month and the month submitted); rejection needs
/// a reason.
#[allow(clippy::too_many_arguments)]
pub async fn decide(
    store: &Store,
    tx: &Tx,
    actor: &Actor,
    scope: &Scope,
    id: i64,
    approve: bool,
    note: &str,
    start: Option<Period>,
) -> Result<Option<i64>, StoreError> {
    let by = user_id(actor)?;
    let a = locked(store, tx, scope, id).await?;
    let step = if approve { Step::Approve } else { Step::Reject };
    let next = application_step(a.status, step, a.submitted_by == by).map_err(StoreError::invalid)?;
    let note = clean_note(note)?;
    if !approve && note.is_empty() {
        return Err(StoreError::invalid("驳回须写明理由，申请人会看到它"));
    }
    let program: Program = program(store, a.program_id).await?;
    let today = crate::benefits::today();
    let verdict = judge(store, tx, a.person_id, &program, today).await?;
    let mut enrolment = None;
    let mut start_month = None;
    if approve {
        if !verdict.eligible {
            return Err(StoreError::invalid(format!(
                "按规则不能批准：{}。如情况有变，请先更正人员信息，或驳回申请",
                verdict.text()
            )));
        }
        let submitted = Period::of(shuangyong_domain::clock::beijing(a.submitted_at).date_naive());
        let s = start.unwrap_or(verdict.start.map_or(submitted, |e| e.max(submitted)));
        if let Some(earliest) = verdict.start.filter(|e| s < *e) {
            return Err(StoreError::invalid(format!("起始月份不能早于规则允许的{earliest}")));
        }
        let county = OrgPath::parse(&a.org_path).map(|p| p.county().to_owned()).unwrap_or_default();
        enrolment = Some(enrol(store, tx, a.person_id, &county, &program, &verdict, s, Some(id), "application").await?);
        start_month = Some(s.to_string());
    }
    let n = store
        .exec(
            tx,
            "UPDATE benefit_application SET status = $1, decided_by = $2, decided_by_name = $3, decided_at = $4, decision_note = $5, \
             start_month = $6, enrolment_id = $7 WHERE id = $8 AND status = $9",
            [
                next.code().into(),
                by.into(),
                actor.name.clone().into(),
                now().into(),
                note.clone().into(),
                start_month.clone().into(),
                enrolment.into(),
                id.into(),
                a.status.code().into(),
            ],
        )
        .await?;
    if n != 1 {
        return Err(StoreError::Conflict("申请刚被其他人办理过，请刷新后再看".to_owned()));
    }
    let summary = if approve {
        format!(
            "批准{}申请：{}，自{}起发放（规则判定：{}）",
            a.program_name,
            a.person_name,
            start_month.as_deref().unwrap_or(""),
            verdict.text()
        )
    } else {
        format!("驳回{}申请：{}，理由：{note}", a.program_name, a.person_name)
    };
    audit::append(
        store,
        tx,
        actor,
        Change {
            action: if approve { "approve" } else { "reject" },
            entity: "benefit_application",
            entity_id: id.to_string(),
            org_path: a.org_path.clone(),
            summary,
            before: Some(json!({"status": a.status.code()})),
            after: Some(
                json!({"status": next.code(), "note": note, "start_month": start_month, "enrolment_id": enrolment}),
            ),
        },
    )
    .await?;
    Ok(enrolment)
}

/// Which applications to list.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub status: Option<ApplicationStatus>,
    pub program_id: Option<i64>,
    pub submitted_by: Option<i64>,
}

/// Applications in scope, newest first.
pub async fn list(
    store: &Store,
    scope: &Scope,
    filter: &Filter,
    page: Page,
) -> Result<(Vec<Application>, i64), StoreError> {
    let (in_scope, vals) = scope.sql("a.org_path", 1);
    let mut params: Vec<Value> = vals.into();
    let mut conds = vec![in_scope];
    if let Some(s) = filter.status {
        params.push(s.code().into());
        conds.push(format!("a.status = ${}", params.len()));
    }
    if let Some(p) = filter.program_id {
        params.push(p.into());
        conds.push(format!("a.program_id = ${}", params.len()));
    }
    if let Some(u) = filter.submitted_by {
        params.push(u.into());
        conds.push(format!("a.submitted_by = ${}", params.len()));
    }
    let wh = conds.join(" AND ");
    let total = store
        .query_one(store.conn(), &format!("SELECT COUNT(*) AS n FROM benefit_application a WHERE {wh}"), params.clone())
        .await?
        .map(|r| r.try_get::<i64>("", "n"))
        .transpose()?
        .unwrap_or(0);
    params.push(page.limit().into());
    params.push(page.offset().into());
    let n = params.len();
    let list = store
        .query_all(
            store.conn(),
            &format!("SELECT {COLUMNS} WHERE {wh} ORDER BY a.id DESC LIMIT ${} OFFSET ${n}", n - 1),
            params,
        )
        .await?
        .iter()
        .map(Application::from_row)
        .collect::<Result<_, _>>()?;
    Ok((list, total))
}
