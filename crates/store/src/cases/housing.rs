//! 住房保障: one case per household, solved by 建, 借, 租 or 维修, moving 登记 → 评估 → 批准 →
//! 实施 → 完成 (or 驳回). The number of households solved per year counts completed cases.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use sea_orm::QueryResult;
use serde::Serialize;
use serde_json::json;
use shuangyong_domain::cases::{HousingState, HousingWay, yuan};
use shuangyong_domain::{OrgPath, text};

use super::{Where, int, parse_path, person_in_scope};
use crate::audit::{self, Actor, Change};
use crate::org::Page;
use crate::{Scope, Store, StoreError, Tx, now};

/// What a clerk types for a case.
#[derive(Debug, Clone)]
pub struct HousingInput {
    pub person_id: i64,
    /// The need, in the clerk's words: 房屋漏雨, 无房居住 …
    pub need: String,
    pub way: HousingWay,
    pub cost_fen: i64,
    pub subsidy_fen: i64,
    pub registered_on: NaiveDate,
    pub note: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct HousingCase {
    pub id: i64,
    pub org_path: OrgPath,
    pub person_id: i64,
    pub person_name: String,
    pub need: String,
    pub way: HousingWay,
    pub state: HousingState,
    pub cost_fen: i64,
    pub subsidy_fen: i64,
    pub registered_on: NaiveDate,
    pub completed_on: Option<NaiveDate>,
    /// Why it was rejected, or the last step's remark.
    pub state_note: String,
    pub note: String,
    pub version: i64,
}

impl HousingCase {
    pub fn cost(&self) -> String {
        yuan(self.cost_fen)
    }
    pub fn subsidy(&self) -> String {
        yuan(self.subsidy_fen)
    }
    pub fn next_states(&self) -> &'static [HousingState] {
        self.state.next()
    }
    fn snapshot(&self) -> serde_json::Value {
        json!({"person_id": self.person_id, "need": self.need, "way": self.way, "state": self.state,
            "cost_fen": self.cost_fen, "subsidy_fen": self.subsidy_fen, "registered_on": self.registered_on,
            "completed_on": self.completed_on, "state_note": self.state_note, "note": self.note})
    }
}

const COLUMNS: &str = "h.id, h.org_path, h.person_id, p.name AS person_name, h.need, h.way, h.state, h.cost_fen, \
    h.subsidy_fen, h.registered_on, h.completed_on, h.state_note, h.note, h.version";

fn from_row(r: &QueryResult) -> Result<HousingCase, StoreError> {
    let way: String = r.try_get("", "way")?;
    let state: String = r.try_get("", "state")?;
    Ok(HousingCase {
        id: r.try_get("", "id")?,
        org_path: parse_path(&r.try_get::<String>("", "org_path")?)?,
        person_id: r.try_get("", "person_id")?,
        person_name: r.try_get("", "person_name")?,
        need: r.try_get("", "need")?,
        way: HousingWay::from_code(&way).ok_or_else(|| anyhow::anyhow!("stored way {way}"))?,
        state: HousingState::from_code(&state).ok_or_else(|| anyhow::anyhow!("stored state {state}"))?,
        cost_fen: r.try_get("", "cost_fen")?,
        subsidy_fen: r.try_get("", "subsidy_fen")?,
        registered_on: r.try_get("", "registered_on")?,
        completed_on: r.try_get("", "completed_on")?,
        state_note: r.try_get("", "state_note")?,
        note: r.try_get("", "note")?,
        version: int(r, "version")?,
    })
}

fn validate(input: &HousingInput) -> Result<(), StoreError> {
    if text::clean(&input.need).is_empty() {
        return Err(StoreError::invalid("请填写住房困难情况（如：房屋年久失修、漏雨）"));
    }
    if input.cost_fen < 0 || input.subsidy_fen < 0 {
        return Err(StoreError::invalid("费用和补助不能为负数"));
    }
    if input.subsidy_fen > input.cost_fen && input.cost_fen > 0 {
        return Err(StoreError::invalid("补助金额不能超过总费用，请核对"));
    }
    Ok(())
}

/// Registers a case (state 登记) for a person in scope.
pub async fn create(
    store: &Store,
    tx: &Tx,
    actor: &Actor,
    scope: &Scope,
    input: HousingInput,
) -> Result<HousingCase, StoreError> {
    validate(&input)?;
    let (name, org_path) = person_in_scope(store, tx, scope, input.person_id).await?;
    let open = store
        .count_of(
            tx,
            "SELECT COUNT(*) AS n FROM housing_case WHERE person_id = $1 AND state NOT IN ('completed', 'rejected')",
            [input.person_id.into()],
        )
        .await?;
    if open > 0 {
        return Err(StoreError::Conflict(format!("{name} 已有一件办理中的住房保障案件，请在该案件中继续办理")));
    }
    let t = now();
    let id: i64 = store
        .query_one(
            tx,
            "INSERT INTO housing_case (county, org_path, person_id, need, way, state, cost_fen, subsidy_fen, registered_on, \
             note, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id",
            [
                org_path.county().into(),
                org_path.as_str().into(),
                input.person_id.into(),
                text::clean(&input.need).into(),
                input.way.code().into(),
                HousingState::Registered.code().into(),
                input.cost_fen.into(),
                input.subsidy_fen.into(),
                input.registered_on.into(),
                text::clean(&input.note).into(),
                t.into(),
            ],
        )
        .await?
        .ok_or_else(|| anyhow::anyhow!("insert returned nothing"))?
        .try_get("", "id")?;
    let c = load(store, tx, id).await?;
    audit::append(
        store,
        tx,
        actor,
        Change {
            action: "create",
            entity: "housing_case",
            entity_id: id.to_string(),
            org_path: org_path.to_string(),
            summary: format!("登记 {name} 的住房保障案件（{}）", c.way.label()),
            before: None,
            after: Some(c.snapshot()),
        },
    )
    .await?;
    Ok(c)
}

async fn load<C: sea_orm::ConnectionTrait>(store: &Store, conn: &C, id: i64) -> Result<HousingCase, StoreError> {
    let r = store
        .query_one(
            conn,
            &format!("SELECT {COLUMNS} FROM housing_case h JOIN person p ON p.id = h.person_id WHERE h.id = $1"),
            [id.into()],
        )
        .await?
        .ok_or(StoreError::NotFound)?;
    from_row(&r)
}

/// One case in scope.
pub async fn get(store: &Store, scope: &Scope, id: i64) -> Result<HousingCase, StoreError> {
    let c = load(store, store.conn(), id).await?;
    if !scope.contains(&c.org_path) {
        return Err(StoreError::NotFound);
    }
    Ok(c)
}

/// Changes the details of a case still open. `version` is the one the form was loaded with.
pub async fn update(
    store: &Store,
    tx: &Tx,
    actor: &Actor,
    scope: &Scope,
    id: i64,
    version: i64,
    input: HousingInput,
) -> Result<HousingCase, StoreError> {
    validate(&input)?;
    let before = load(store, tx, id).await?;
    if !scope.contains(&before.org_path) {
        return Err(StoreError::NotFound);
    }
    if before.state.is_final() {
        return Err(StoreError::invalid(format!("该案件已{}，不能再修改", before.state.label())));
    }
    if input.person_id != before.person_id {
        return Err(StoreError::invalid("案件的对象不能更改；如登记错了人，请驳回此件后重新登记"));
    }
    let n = store
        .exec(
            tx,
            "UPDATE housing_case SET need = $1, way = $2, cost_fen = $3, subsidy_fen = $4, registered_on = $5, note = $6, \
             version = version + 1, updated_at = $7 WHERE id = $8 AND version = $9",
            [
                text::clean(&input.need).into(),
                input.way.code().into(),
                input.cost_fen.into(),
                input.subsidy_fen.into(),
                input.registered_on.into(),
                text::clean(&input.note).into(),
                now().into(),
                id.into(),
                version.into(),
            ],
        )
        .await?;
    if n == 0 {
        return Err(StoreError::Conflict("该案件刚被他人修改过，请刷新页面后重新填写".into()));
    }
    let after = load(store, tx, id).await?;
    audit::append(
        store,
        tx,
        actor,
        Change {
            action: "update",
            entity: "housing_case",
            entity_id: id.to_string(),
            org_path: after.org_path.to_string(),
            summary: format!("修改 {} 的住房保障案件", after.person_name),
            before: Some(before.snapshot()),
            after: Some(after.snapshot()),
        },
    )
    .await?;
    Ok(after)
}

/// Moves a case to its next state on `on`. Rejecting needs a reason; completing records the
/// day the household was solved.
#[allow(clippy::too_many_arguments)]
pub async fn advance(
    store: &Store,
    tx: &Tx,
    actor: &Actor,
    scope: &Scope,
    id: i64,
    to: HousingState,
    on: NaiveDate,
    note: &str,
) -> Result<HousingCase, StoreError> {
    let before = load(store, tx, id).await?;
    if !scope.contains(&before.org_path) {
        return Err(StoreError::NotFound);
    }
    before.state.transition(to).map_err(StoreError::Invalid)?;
    let note = text::clean(note);
    if to == HousingState::Rejected && note.is_empty() {
        return Err(StoreError::invalid("驳回须写明理由，以便告知申请人"));
    }
    if on < before.registered_on {
        return Err(StoreError::invalid(format!("办理日期不能早于登记日期 {}", before.registered_on)));
    }
    let completed_on = (to == HousingState::Completed).then_some(on);
    let n = store
        .exec(
            tx,
            "UPDATE housing_case SET state = $1, completed_on = $2, state_note = $3, version = version + 1, updated_at = $4 \
             WHERE id = $5 AND state = $6",
            [
                to.code().into(),
                completed_on.into(),
                note.clone().into(),
                now().into(),
                id.into(),
                before.state.code().into(),
            ],
        )
        .await?;
    if n == 0 {
        return Err(StoreError::Conflict("该案件刚被他人办理过，请刷新页面查看最新状态".into()));
    }
    let after = load(store, tx, id).await?;
    audit::append(
        store,
        tx,
        actor,
        Change {
            action: "state",
            entity: "housing_case",
            entity_id: id.to_string(),
            org_path: after.org_path.to_string(),
            summary: format!(
                "{} 的住房保障案件：{} → {}（{on}）{}",
                after.person_name,
                before.state.label(),
                to.label(),
                if note.is_empty() { String::new() } else { format!("：{note}") }
            ),
            before: Some(json!({"state": before.state})),
            after: Some(json!({"state": to, "on": on, "note": note})),
        },
    )
    .await?;
    Ok(after)
}

/// A list filter.
#[derive(Debug, Clone, Default)]
pub struct HousingFilter {
    pub unit: Option<OrgPath>,
    pub state: Option<HousingState>,
    pub way: Option<HousingWay>,
    /// Completed in this year.
    pub year: Option<i32>,
    pub q: Option<String>,
}

fn where_of(scope: &Scope, f: &HousingFilter) -> Where {
    let mut w = Where::new(scope, "h.org_path");
    w.unit("h.org_path", f.unit.as_ref());
    if let Some(s) = f.state {
        w.push("h.state = ?", vec![s.code().into()]);
    }
    if let Some(way) = f.way {
        w.push("h.way = ?", vec![way.code().into()]);
    }
    if let Some(y) = f.year {
        let (a, b) = year_range(y);
        w.push("h.completed_on >= ? AND h.completed_on <= ?", vec![a.into(), b.into()]);
    }
    w.name("p.name", f.q.as_deref());
    w
}

pub(crate) fn year_range(y: i32) -> (NaiveDate, NaiveDate) {
    (NaiveDate::from_ymd_opt(y, 1, 1).unwrap_or_default(), NaiveDate::from_ymd_opt(y, 12, 31).unwrap_or_default())
}

/// Cases in scope matching a filter, newest first, one page, with the total.
pub async fn list(
    store: &Store,
    scope: &Scope,
    f: &HousingFilter,
    page: Page,
) -> Result<(Vec<HousingCase>, i64), StoreError> {
    where_of(scope, f)
        .paged(
            store,
            (COLUMNS, "FROM housing_case h JOIN person p ON p.id = h.person_id", "h.registered_on DESC, h.id DESC"),
            page,
            from_row,
        )
        .await
}

/// Every case matching a filter (for export).
pub async fn all(store: &Store, scope: &Scope, f: &HousingFilter) -> Result<Vec<HousingCase>, StoreError> {
    let w = where_of(scope, f);
    let rows = store
        .query_all(
            store.conn(),
            &format!(
                "SELECT {COLUMNS} FROM housing_case h JOIN person p ON p.id = h.person_id WHERE {} \
                 ORDER BY h.org_path, h.registered_on, h.id",
                w.sql()
            ),
            w.params,
        )
        .await?;
    rows.iter().map(from_row).collect()
}

/// Households solved in one year, by way.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct SolvedYear {
    pub year: i32,
    pub by_way: Vec<(HousingWay, i64)>,
    pub households: i64,
    pub subsidy_fen: i64,
}

impl SolvedYear {
    pub fn subsidy(&self) -> String {
        yuan(self.subsidy_fen)
    }
}

/// The households solved (cases completed) per year from `from` to `to`, in scope.
pub async fn solved_by_year(store: &Store, scope: &Scope, from: i32, to: i32) -> Result<Vec<SolvedYear>, StoreError> {
    let mut w = Where::new(scope, "h.org_path");
    w.push("h.state = ?", vec![HousingState::Completed.code().into()]);
    w.push("h.completed_on >= ? AND h.completed_on <= ?", vec![year_range(from).0.into(), year_range(to).1.into()]);
    let rows = store
        .query_all(
            store.conn(),
            &format!("SELECT h.completed_on, h.way, h.subsidy_fen FROM housing_case h WHERE {}", w.sql()),
            w.params,
        )
        .await?;
    let mut years: BTreeMap<i32, (BTreeMap<HousingWay, i64>, i64)> =
        (from..=to).map(|y| (y, Default::default())).collect();
    for r in rows {
        let d: NaiveDate = r.try_get("", "completed_on")?;
        let way: String = r.try_get("", "way")?;
        let way = HousingWay::from_code(&way).ok_or_else(|| anyhow::anyhow!("stored way {way}"))?;
        let e = years.entry(d.year()).or_default();
        *e.0.entry(way).or_default() += 1;
        e.1 += r.try_get::<i64>("", "subsidy_fen")?;
    }
    Ok(years
        .into_iter()
        .map(|(year, (ways, subsidy))| SolvedYear {
            year,
            households: ways.values().sum(),
            by_way: HousingWay::ALL.iter().map(|w| (*w, ways.get(w).copied().unwrap_or(0))).collect(),
            subsidy_fen: subsidy,
        })
        .collect())
}

/// Values for the export sheet.
pub const EXPORT_HEADERS: &[&str] = &[
    "编号",
    "姓名",
    "所属单位",
    "住房困难情况",
    "解决方式",
    "状态",
    "总费用（元）",
    "补助（元）",
    "登记日期",
    "完成日期",
    "备注",
];

pub fn export_row(c: &HousingCase, unit_name: &str) -> Vec<String> {
    vec![
        c.id.to_string(),
        c.person_name.clone(),
        unit_name.to_owned(),
        c.need.clone(),
        c.way.label().to_owned(),
        c.state.label().to_owned(),
        c.cost(),
        c.subsidy(),
        c.registered_on.to_string(),
        c.completed_on.map(|d| d.to_string()).unwrap_or_default(),
        c.note.clone(),
    ]
}
