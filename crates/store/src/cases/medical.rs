//! 医疗救助 (一站式): yearly funds and the claims paid from them. A claim's aid is computed by the
//! fund's rule (a share of the self-paid part, a yearly cap per person). Approving a claim draws
//! the aid from the fund in the same transaction with a conditional UPDATE, so the balance never
//! goes below zero however many claims are approved at once.

use chrono::NaiveDate;
use sea_orm::{ConnectionTrait, QueryResult};
use serde::Serialize;
use serde_json::json;
use shuangyong_domain::cases::{Aid, AidRule, ClaimState, compute_aid, yuan};
use shuangyong_domain::{OrgPath, text};

use super::{Where, int, parse_path, person_in_scope};
use crate::audit::{self, Actor, Change};
use crate::org::Page;
use crate::{Scope, Store, StoreError, Tx, now};

#[derive(Debug, Clone)]
pub struct FundInput {
    pub org_path: OrgPath,
    pub year: i32,
    pub name: String,
    /// Where the money comes from: 县财政, 福彩公益金, 社会捐助 …
    pub source: String,
    pub received_fen: i64,
    pub rule: AidRule,
}

#[derive(Debug, Clone, Serialize)]
pub struct Fund {
    pub id: i64,
    pub org_path: OrgPath,
    pub year: i32,
    pub name: String,
    pub source: String,
    pub received_fen: i64,
    /// Drawn by approved claims.
    pub paid_fen: i64,
    /// Aid of claims waiting for a decision.
    pub committed_fen: i64,
    pub rule: AidRule,
    pub approved: i64,
    pub waiting: i64,
}

impl Fund {
    pub fn balance_fen(&self) -> i64 {
        self.received_fen - self.paid_fen
    }
    pub fn received(&self) -> String {
        yuan(self.received_fen)
    }
    pub fn paid(&self) -> String {
        yuan(self.paid_fen)
    }
    pub fn committed(&self) -> String {
        yuan(self.committed_fen)
    }
    pub fn balance(&self) -> String {
        yuan(self.balance_fen())
    }
    pub fn share(&self) -> String {
        self.rule.share_label()
    }
    pub fn cap(&self) -> String {
        yuan(self.rule.yearly_cap_fen)
    }
}

/// Whether a fund serves the scope: a fund of the county serves its townships, and a fund of a
/// township lies in the county's scope.
fn fund_visible(scope: &Scope, fund: &OrgPath) -> bool {
    scope.contains(fund) || fund.contains(scope.root())
}

/// Opens a yearly fund (for a unit in scope; normally the county).
pub async fn create_fund(
    store: &Store,
    tx: &Tx,
    actor: &Actor,
    scope: &Scope,
    input: FundInput,
) -> Result<i64, StoreError> {
    if !scope.contains(&input.org_path) {
        return Err(StoreError::invalid("所选单位不在您的管辖范围内"));
    }
    let name = text::clean(&input.name);
    if name.is_empty() {
        return Err(StoreError::invalid("请填写基金名称，如“2024年度重点优抚对象医疗救助金”"));
    }
    if !(2000..=2100).contains(&input.year) {
        return Err(StoreError::invalid("年度应为四位年份，如 2024"));
    }
    if input.received_fen <= 0 {
        return Err(StoreError::invalid("到位资金应大于 0 元"));
    }
    input.rule.validate().map_err(StoreError::Invalid)?;
    let id: i64 = store
        .query_one(
            tx,
            "INSERT INTO medical_fund (county, org_path, year, name, source, received_fen, paid_fen, share_bp, yearly_cap_fen, \
             created_at) VALUES ($1, $2, $3, $4, $5, $6, 0, $7, $8, $9) RETURNING id",
            [
                input.org_path.county().into(),
                input.org_path.as_str().into(),
                input.year.into(),
                name.clone().into(),
                text::clean(&input.source).into(),
                input.received_fen.into(),
                (input.rule.share_bp as i32).into(),
                input.rule.yearly_cap_fen.into(),
                now().into(),
            ],
        )
        .await
        .map_err(|e| crate::db::conflict_on_unique(e, "该单位本年度已有同名基金，请换一个名称"))?
        .ok_or_else(|| anyhow::anyhow!("insert returned nothing"))?
        .try_get("", "id")?;
    audit::append(
        store,
        tx,
        actor,
        Change {
            action: "create",
            entity: "medical_fund",
            entity_id: id.to_string(),
            org_path: input.org_path.to_string(),
            summary: format!("设立医疗救助基金“{name}”，到位 {} 元", yuan(input.received_fen)),
            before: None,
            after: Some(json!({"year": input.year, "source": input.source, "received_fen": input.received_fen,
                "rule": input.rule})),
        },
    )
    .await?;
    Ok(id)
}

const FUND_COLUMNS: &str = "f.id, f.org_path, f.year, f.name, f.source, f.received_fen, f.paid_fen, f.share_bp, f.yearly_cap_fen, \
    (SELECT CAST(COALESCE(SUM(c.aid_fen), 0) AS BIGINT) FROM medical_claim c WHERE c.fund_id = f.id AND c.state = 'submitted') AS committed_fen, \
    (SELECT COUNT(*) FROM medical_claim c WHERE c.fund_id = f.id AND c.state = 'submitted') AS waiting, \
    (SELECT COUNT(*) FROM medical_claim c WHERE c.fund_id = f.id AND c.state = 'approved') AS approved";

fn fund_row(r: &QueryResult) -> Result<Fund, StoreError> {
    Ok(Fund {
        id: r.try_get("", "id")?,
        org_path: parse_path(&r.try_get::<String>("", "org_path")?)?,
        year: int(r, "year")? as i32,
        name: r.try_get("", "name")?,
        source: r.try_get("", "source")?,
        received_fen: r.try_get("", "received_fen")?,
        paid_fen: r.try_get("", "paid_fen")?,
        committed_fen: int(r, "committed_fen")?,
        rule: AidRule { share_bp: int(r, "share_bp")? as u32, yearly_cap_fen: r.try_get("", "yearly_cap_fen")? },
        approved: int(r, "approved")?,
        waiting: int(r, "waiting")?,
    })
}

async fn load_fund<C: ConnectionTrait>(store: &Store, conn: &C, id: i64) -> Result<Fund, StoreError> {
    let r = store
        .query_one(conn, &format!("SELECT {FUND_COLUMNS} FROM medical_fund f WHERE f.id = $1"), [id.into()])
        .await?
        .ok_or(StoreError::NotFound)?;
    fund_row(&r)
}

/// One fund serving the scope.
pub async fn get_fund(store: &Store, scope: &Scope, id: i64) -> Result<Fund, StoreError> {
    let f = load_fund(store, store.conn(), id).await?;
    if !fund_visible(scope, &f.org_path) {
        return Err(StoreError::NotFound);
    }
    Ok(f)
}

/// The funds serving the scope, newest year first.
pub async fn funds(store: &Store, scope: &Scope) -> Result<Vec<Fund>, StoreError> {
    let rows = store
        .query_all(
            store.conn(),
            &format!("SELECT {FUND_COLUMNS} FROM medical_fund f WHERE f.county = $1 ORDER BY f.year DESC, f.id DESC"),
            [scope.root().county().into()],
        )
        .await?;
    let mut out = Vec::new();
    for r in rows {
        let f = fund_row(&r)?;
        if fund_visible(scope, &f.org_path) {
            out.push(f);
        }
    }
    Ok(out)
}

/// Records more money received by a fund of a unit in scope (a second allocation, a donation).
pub async fn add_receipt(
    store: &Store,
    tx: &Tx,
    actor: &Actor,
    scope: &Scope,
    fund_id: i64,
    amount_fen: i64,
    note: &str,
) -> Result<Fund, StoreError> {
    let before = load_fund(store, tx, fund_id).await?;
    if !fund_visible(scope, &before.org_path) {
        return Err(StoreError::NotFound);
    }
    if !scope.contains(&before.org_path) {
        return Err(StoreError::invalid("只有基金所属单位及其上级可以登记到位资金"));
    }
    if amount_fen <= 0 {
        return Err(StoreError::invalid("到位金额应大于 0 元"));
    }
    let note = text::clean(note);
    if note.is_empty() {
        return Err(StoreError::invalid("请写明资金来源或文号，如“县财政追加拨付”"));
    }
    store
        .exec(
            tx,
            "UPDATE medical_fund SET received_fen = received_fen + $1 WHERE id = $2",
            [amount_fen.into(), fund_id.into()],
        )
        .await?;
    let after = load_fund(store, tx, fund_id).await?;
    audit::append(
        store,
        tx,
        actor,
        Change {
            action: "receive",
            entity: "medical_fund",
            entity_id: fund_id.to_string(),
            org_path: after.org_path.to_string(),
            summary: format!(
                "“{}”到位资金 {} 元（{note}），累计到位 {} 元",
                after.name,
                yuan(amount_fen),
                after.received()
            ),
            before: Some(json!({"received_fen": before.received_fen})),
            after: Some(json!({"received_fen": after.received_fen, "note": note})),
        },
    )
    .await?;
    Ok(after)
}

#[derive(Debug, Clone)]
pub struct ClaimInput {
    pub person_id: i64,
    pub fund_id: i64,
    pub hospital: String,
    pub admitted_on: NaiveDate,
    pub discharged_on: NaiveDate,
    pub total_fen: i64,
    pub insurance_fen: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Claim {
    pub id: i64,
    pub org_path: OrgPath,
    pub person_id: i64,
    pub person_name: String,
    pub fund_id: i64,
    pub fund_name: String,
    pub hospital: String,
    pub admitted_on: NaiveDate,
    pub discharged_on: NaiveDate,
    pub total_fen: i64,
    pub insurance_fen: i64,
    pub aid_fen: i64,
    /// How the aid was computed, one reason a line.
    pub reasons: Vec<String>,
    pub state: ClaimState,
    pub decided_by: Option<String>,
    pub decision_note: String,
}

impl Claim {
    pub fn total(&self) -> String {
        yuan(self.total_fen)
    }
    pub fn insurance(&self) -> String {
        yuan(self.insurance_fen)
    }
    pub fn aid(&self) -> String {
        yuan(self.aid_fen)
    }
    pub fn self_paid(&self) -> String {
        yuan(self.total_fen - self.insurance_fen)
    }
}

const CLAIM_COLUMNS: &str = "c.id, c.org_path, c.person_id, p.name AS person_name, c.fund_id, f.name AS fund_name, c.hospital, \
    c.admitted_on, c.discharged_on, c.total_fen, c.insurance_fen, c.aid_fen, c.reasons, c.state, c.decided_by, c.decision_note";
const CLAIM_FROM: &str =
    "FROM medical_claim c JOIN person p ON p.id = c.person_id JOIN medical_fund f ON f.id = c.fund_id";

fn claim_row(r: &QueryResult) -> Result<Claim, StoreError> {
    let state: String = r.try_get("", "state")?;
    let reasons: String = r.try_get("", "reasons")?;
    Ok(Claim {
        id: r.try_get("", "id")?,
        org_path: parse_path(&r.try_get::<String>("", "org_path")?)?,
        person_id: r.try_get("", "person_id")?,
        person_name: r.try_get("", "person_name")?,
        fund_id: r.try_get("", "fund_id")?,
        fund_name: r.try_get("", "fund_name")?,
        hospital: r.try_get("", "hospital")?,
        admitted_on: r.try_get("", "admitted_on")?,
        discharged_on: r.try_get("", "discharged_on")?,
        total_fen: r.try_get("", "total_fen")?,
        insurance_fen: r.try_get("", "insurance_fen")?,
        aid_fen: r.try_get("", "aid_fen")?,
        reasons: reasons.lines().map(str::to_owned).collect(),
        state: ClaimState::from_code(&state).ok_or_else(|| anyhow::anyhow!("stored state {state}"))?,
        decided_by: r.try_get("", "decided_by")?,
        decision_note: r.try_get("", "decision_note")?,
    })
}

async fn load_claim<C: ConnectionTrait>(store: &Store, conn: &C, id: i64) -> Result<Claim, StoreError> {
    let r = store
        .query_one(conn, &format!("SELECT {CLAIM_COLUMNS} {CLAIM_FROM} WHERE c.id = $1"), [id.into()])
        .await?
        .ok_or(StoreError::NotFound)?;
    claim_row(&r)
}

/// One claim in scope.
pub async fn get_claim(store: &Store, scope: &Scope, id: i64) -> Result<Claim, StoreError> {
    let c = load_claim(store, store.conn(), id).await?;
    if !scope.contains(&c.org_path) {
        return Err(StoreError::NotFound);
    }
    Ok(c)
}

/// The aid already approved this fund-year for a person (all funds of that year).
async fn approved_this_year<C: ConnectionTrait>(
    store: &Store,
    conn: &C,
    person_id: i64,
    year: i32,
    except: Option<i64>,
) -> Result<i64, StoreError> {
    let r = store
        .query_one(
            conn,
            "SELECT CAST(COALESCE(SUM(c.aid_fen), 0) AS BIGINT) AS s FROM medical_claim c JOIN medical_fund f ON f.id = c.fund_id \
             WHERE c.person_id = $1 AND c.state = 'approved' AND f.year = $2 AND c.id <> $3",
            [person_id.into(), year.into(), except.unwrap_or(0).into()],
        )
        .await?;
    Ok(r.map(|r| int(&r, "s")).transpose()?.unwrap_or(0))
}

/// What a claim would get, before it is submitted (for the form's preview).
pub async fn preview(store: &Store, scope: &Scope, input: &ClaimInput) -> Result<Aid, StoreError> {
    person_in_scope(store, store.conn(), scope, input.person_id).await?;
    let fund = get_fund(store, scope, input.fund_id).await?;
    let already = approved_this_year(store, store.conn(), input.person_id, fund.year, None).await?;
    compute_aid(input.total_fen, input.insurance_fen, already, fund.rule).map_err(StoreError::Invalid)
}

/// Records a claim for a person in scope (待审核), with its aid computed by the fund's rule.
pub async fn submit(
    store: &Store,
    tx: &Tx,
    actor: &Actor,
    scope: &Scope,
    input: ClaimInput,
) -> Result<Claim, StoreError> {
    let (name, org_path) = person_in_scope(store, tx, scope, input.person_id).await?;
    let fund = load_fund(store, tx, input.fund_id).await?;
    if !fund_visible(scope, &fund.org_path) || !fund.org_path.contains(&org_path) {
        return Err(StoreError::invalid("所选基金不覆盖此人所在单位，请选择县级或本乡镇的基金"));
    }
    let hospital = text::clean(&input.hospital);
    if hospital.is_empty() {
        return Err(StoreError::invalid("请填写就诊医院"));
    }
    if input.discharged_on < input.admitted_on {
        return Err(StoreError::invalid("出院日期不能早于入院日期"));
    }
    let already = approved_this_year(store, tx, input.person_id, fund.year, None).await?;
    let aid = compute_aid(input.total_fen, input.insurance_fen, already, fund.rule).map_err(StoreError::Invalid)?;
    let id: i64 = store
        .query_one(
            tx,
            "INSERT INTO medical_claim (county, org_path, person_id, fund_id, hospital, admitted_on, discharged_on, total_fen, \
             insurance_fen, aid_fen, reasons, state, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) \
             RETURNING id",
            [
                org_path.county().into(),
                org_path.as_str().into(),
                input.person_id.into(),
                input.fund_id.into(),
                hospital.into(),
                input.admitted_on.into(),
                input.discharged_on.into(),
                input.total_fen.into(),
                input.insurance_fen.into(),
                aid.amount_fen.into(),
                aid.reasons.join("\n").into(),
                ClaimState::Submitted.code().into(),
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
            entity: "medical_claim",
            entity_id: id.to_string(),
            org_path: org_path.to_string(),
            summary: format!("受理 {name} 的医疗救助申请，核定 {} 元（{}）", yuan(aid.amount_fen), fund.name),
            before: None,
            after: Some(json!({"fund_id": input.fund_id, "total_fen": input.total_fen,
                "insurance_fen": input.insurance_fen, "aid_fen": aid.amount_fen, "reasons": aid.reasons})),
        },
    )
    .await?;
    load_claim(store, tx, id).await
}

/// Approves a claim in scope and draws its aid from the fund, in the caller's transaction. The
/// aid is computed again (another claim of the person may have been approved since). Refused —
/// with the reason — when the fund's balance does not cover it; nothing is then written.
pub async fn approve(store: &Store, tx: &Tx, actor: &Actor, scope: &Scope, id: i64) -> Result<Claim, StoreError> {
    let first = load_claim(store, tx, id).await?;
    if !scope.contains(&first.org_path) {
        return Err(StoreError::NotFound);
    }
    // On PostgreSQL, approvals from one fund queue here, so the person's yearly total read below
    // includes every approval committed before (SQLite's write transaction is already exclusive).
    if store.backend() == crate::Backend::Postgres {
        store.query_one(tx, "SELECT id FROM medical_fund WHERE id = $1 FOR UPDATE", [first.fund_id.into()]).await?;
    }
    let before = load_claim(store, tx, id).await?;
    before.state.transition(ClaimState::Approved).map_err(StoreError::Invalid)?;
    let fund = load_fund(store, tx, before.fund_id).await?;
    let already = approved_this_year(store, tx, before.person_id, fund.year, Some(id)).await?;
    let aid = compute_aid(before.total_fen, before.insurance_fen, already, fund.rule).map_err(StoreError::Invalid)?;
    // Decide the claim first: of two clerks approving it at once, one wins here.
    let n = store
        .exec(
            tx,
            "UPDATE medical_claim SET state = 'approved', aid_fen = $1, reasons = $2, decided_by = $3, decided_at = $4 \
             WHERE id = $5 AND state = 'submitted'",
            [aid.amount_fen.into(), aid.reasons.join("\n").into(), actor.name.clone().into(), now().into(), id.into()],
        )
        .await?;
    if n == 0 {
        return Err(StoreError::Conflict("该申请刚被他人处理过，请刷新页面查看结果".into()));
    }
    // Then draw the aid: the row only changes if the balance covers it. Concurrent approvals
    // queue on the fund's row and each sees the balance the previous one left.
    let drawn = store
        .exec(
            tx,
            "UPDATE medical_fund SET paid_fen = paid_fen + $2 WHERE id = $1 AND received_fen - paid_fen - $2 >= 0",
            [fund.id.into(), aid.amount_fen.into()],
        )
        .await?;
    if drawn == 0 {
        let now_fund = load_fund(store, tx, fund.id).await?;
        return Err(StoreError::Invalid(format!(
            "基金“{}”余额不足：本申请应救助 {} 元，基金余额仅 {} 元。请先补充资金，或与申请人沟通后驳回",
            now_fund.name,
            yuan(aid.amount_fen),
            now_fund.balance()
        )));
    }
    let after = load_claim(store, tx, id).await?;
    audit::append(
        store,
        tx,
        actor,
        Change {
            action: "approve",
            entity: "medical_claim",
            entity_id: id.to_string(),
            org_path: after.org_path.to_string(),
            summary: format!("批准 {} 的医疗救助 {} 元，从“{}”支出", after.person_name, after.aid(), fund.name),
            before: Some(json!({"state": before.state, "aid_fen": before.aid_fen})),
            after: Some(json!({"state": after.state, "aid_fen": after.aid_fen, "fund_id": fund.id})),
        },
    )
    .await?;
    Ok(after)
}

/// Rejects a claim waiting for a decision; the reason is kept and shown.
pub async fn reject(
    store: &Store,
    tx: &Tx,
    actor: &Actor,
    scope: &Scope,
    id: i64,
    reason: &str,
) -> Result<Claim, StoreError> {
    let before = load_claim(store, tx, id).await?;
    if !scope.contains(&before.org_path) {
        return Err(StoreError::NotFound);
    }
    before.state.transition(ClaimState::Rejected).map_err(StoreError::Invalid)?;
    let reason = text::clean(reason);
    if reason.is_empty() {
        return Err(StoreError::invalid("驳回须写明理由，以便告知申请人"));
    }
    let n = store
        .exec(
            tx,
            "UPDATE medical_claim SET state = 'rejected', decision_note = $1, decided_by = $2, decided_at = $3 \
             WHERE id = $4 AND state = 'submitted'",
            [reason.clone().into(), actor.name.clone().into(), now().into(), id.into()],
        )
        .await?;
    if n == 0 {
        return Err(StoreError::Conflict("该申请刚被他人处理过，请刷新页面查看结果".into()));
    }
    let after = load_claim(store, tx, id).await?;
    audit::append(
        store,
        tx,
        actor,
        Change {
            action: "reject",
            entity: "medical_claim",
            entity_id: id.to_string(),
            org_path: after.org_path.to_string(),
            summary: format!("驳回 {} 的医疗救助申请：{reason}", after.person_name),
            before: Some(json!({"state": before.state})),
            after: Some(json!({"state": after.state, "reason": reason})),
        },
    )
    .await?;
    Ok(after)
}

#[derive(Debug, Clone, Default)]
pub struct ClaimFilter {
    pub unit: Option<OrgPath>,
    pub state: Option<ClaimState>,
    pub fund_id: Option<i64>,
    /// Discharged in this year.
    pub year: Option<i32>,
    pub q: Option<String>,
}

fn claim_where(scope: &Scope, f: &ClaimFilter) -> Where {
    let mut w = Where::new(scope, "c.org_path");
    w.unit("c.org_path", f.unit.as_ref());
    if let Some(s) = f.state {
        w.push("c.state = ?", vec![s.code().into()]);
    }
    if let Some(id) = f.fund_id {
        w.push("c.fund_id = ?", vec![id.into()]);
    }
    if let Some(y) = f.year {
        let (a, b) = super::housing::year_range(y);
        w.push("c.discharged_on >= ? AND c.discharged_on <= ?", vec![a.into(), b.into()]);
    }
    w.name("p.name", f.q.as_deref());
    w
}

/// Claims in scope, newest first, one page, with the total.
pub async fn claims(
    store: &Store,
    scope: &Scope,
    f: &ClaimFilter,
    page: Page,
) -> Result<(Vec<Claim>, i64), StoreError> {
    claim_where(scope, f)
        .paged(store, (CLAIM_COLUMNS, CLAIM_FROM, "c.discharged_on DESC, c.id DESC"), page, claim_row)
        .await
}

/// Every claim matching a filter (for export).
pub async fn all_claims(store: &Store, scope: &Scope, f: &ClaimFilter) -> Result<Vec<Claim>, StoreError> {
    let w = claim_where(scope, f);
    let rows = store
        .query_all(
            store.conn(),
            &format!(
                "SELECT {CLAIM_COLUMNS} {CLAIM_FROM} WHERE {} ORDER BY c.org_path, c.discharged_on, c.id",
                w.sql()
            ),
            w.params,
        )
        .await?;
    rows.iter().map(claim_row).collect()
}

pub const EXPORT_HEADERS: &[&str] = &[
    "编号",
    "姓名",
    "所属单位",
    "基金",
    "医院",
    "入院日期",
    "出院日期",
    "总费用（元）",
    "医保报销（元）",
    "救助（元）",
    "状态",
    "说明",
];

pub fn export_row(c: &Claim, unit_name: &str) -> Vec<String> {
    vec![
        c.id.to_string(),
        c.person_name.clone(),
        unit_name.to_owned(),
        c.fund_name.clone(),
        c.hospital.clone(),
        c.admitted_on.to_string(),
        c.discharged_on.to_string(),
        c.total(),
        c.insurance(),
        c.aid(),
        c.state.label().to_owned(),
        if c.decision_note.is_empty() { c.reasons.join("；") } else { c.decision_note.clone() },
    ]
}
