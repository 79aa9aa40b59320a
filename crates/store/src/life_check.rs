//! 年审 (yearly life and eligibility check): a campaign over a subtree with a deadline; people
//! are confirmed one by one; closing the campaign after its deadline suspends — never deletes —
//! those not confirmed, each with a reason and an audit entry.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::Value;
use serde::Serialize;
use serde_json::json;
use shuangyong_domain::OrgPath;
use shuangyong_domain::person::PersonStatus;

use crate::audit::{self, Actor, Change};
use crate::org::Page;
use crate::registry::{self, PersonRow};
use crate::{Scope, Store, StoreError, Tx, now};

#[derive(Debug, Clone, Serialize)]
pub struct Campaign {
    pub id: i64,
    pub org_path: OrgPath,
    pub year: i32,
    pub name: String,
    pub deadline: NaiveDate,
    pub closed_at: Option<DateTime<Utc>>,
    /// The part of the campaign this viewer covers: the campaign's unit, or the viewer's own unit
    /// when it lies below (a village contact in a township's campaign). Counts are over it.
    pub area: OrgPath,
    /// People due (status 正常 in the area, or confirmed already).
    pub due: i64,
    pub confirmed: i64,
}

impl Campaign {
    pub fn outstanding(&self) -> i64 {
        self.due - self.confirmed
    }
}

/// Opens a campaign for a unit in scope.
pub async fn open(
    store: &Store,
    tx: &Tx,
    actor: &Actor,
    scope: &Scope,
    unit: &OrgPath,
    year: i32,
    deadline: NaiveDate,
) -> Result<i64, StoreError> {
    if !scope.contains(unit) {
        return Err(StoreError::invalid("所选单位不在您的管辖范围内"));
    }
    if !(2000..=2100).contains(&year) {
        return Err(StoreError::invalid("年度应为四位年份，如 2024"));
    }
    let clash = store
        .query_one(
            tx,
            "SELECT id FROM life_check_campaign WHERE org_path = $1 AND year = $2",
            [unit.as_str().into(), year.into()],
        )
        .await?;
    if clash.is_some() {
        return Err(StoreError::Conflict(format!("{year}年度该单位的年审已经开启，请在列表中打开它")));
    }
    let name = format!("{year}年度优抚对象年审");
    let id: i64 = store
        .query_one(
            tx,
            "INSERT INTO life_check_campaign (county, org_path, year, name, deadline, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            [
                unit.county().into(),
                unit.as_str().into(),
                year.into(),
                name.clone().into(),
                deadline.into(),
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
            entity: "life_check_campaign",
            entity_id: id.to_string(),
            org_path: unit.to_string(),
            summary: format!("开启{name}（截止 {deadline}）"),
            before: None,
            after: Some(json!({"year": year, "deadline": deadline, "org_path": unit})),
        },
    )
    .await?;
    Ok(id)
}

/// One campaign in scope, with its counts.
pub async fn get(store: &Store, scope: &Scope, id: i64) -> Result<Campaign, StoreError> {
    let r = store
        .query_one(
            store.conn(),
            "SELECT id, org_path, year, name, deadline, closed_at FROM life_check_campaign WHERE id = $1",
            [id.into()],
        )
        .await?
        .ok_or(StoreError::NotFound)?;
    let path: String = r.try_get("", "org_path")?;
    let org_path = OrgPath::parse(&path).map_err(|_| anyhow::anyhow!("stored path {path}"))?;
    let area = if scope.contains(&org_path) {
        org_path.clone()
    } else if org_path.contains(scope.root()) {
        scope.root().clone()
    } else {
        return Err(StoreError::NotFound);
    };
    let sub = Scope::new(area.clone());
    let (in_area, vals) = sub.sql("p.org_path", 2);
    let mut params: Vec<Value> = vec![id.into()];
    params.extend(vals);
    let counts = store
        .query_one(
            store.conn(),
            &format!(
                "SELECT COUNT(*) AS due, COALESCE(SUM(CASE WHEN c.person_id IS NULL THEN 0 ELSE 1 END), 0) AS confirmed \
                 FROM person p LEFT JOIN life_check c ON c.person_id = p.id AND c.campaign_id = $1 \
                 WHERE {} AND (p.status = 'normal' OR c.person_id IS NOT NULL)",
                in_area
            ),
            params,
        )
        .await?
        .ok_or_else(|| anyhow::anyhow!("count returned nothing"))?;
    Ok(Campaign {
        id,
        org_path,
        area,
        year: r.try_get("", "year")?,
        name: r.try_get("", "name")?,
        deadline: r.try_get("", "deadline")?,
        closed_at: r.try_get("", "closed_at")?,
        due: counts.try_get("", "due")?,
        confirmed: counts
            .try_get::<i64>("", "confirmed")
            .or_else(|_| counts.try_get::<i32>("", "confirmed").map(i64::from))?,
    })
}

/// Campaigns that cover any of the scope (opened in it, or above it), newest first.
pub async fn list(store: &Store, scope: &Scope) -> Result<Vec<Campaign>, StoreError> {
    let rows = store
        .query_all(
            store.conn(),
            "SELECT id FROM life_check_campaign WHERE county = $1 ORDER BY year DESC, id DESC",
            [scope.root().county().into()],
        )
        .await?;
    let mut out = Vec::new();
    for r in rows {
        match get(store, scope, r.try_get("", "id")?).await {
            Ok(c) => out.push(c),
            Err(StoreError::NotFound) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(out)
}

/// People of a campaign not yet confirmed (status 正常 in its subtree), one page, with the total.
pub async fn outstanding(
    store: &Store,
    scope: &Scope,
    id: i64,
    page: Page,
) -> Result<(Vec<PersonRow>, i64), StoreError> {
    let c = get(store, scope, id).await?;
    let sub = Scope::new(c.area.clone());
    let (in_area, vals) = sub.sql("p.org_path", 2);
    let mut params: Vec<Value> = vec![id.into()];
    params.extend(vals);
    let total: i64 = store
        .count_of(
            store.conn(),
            &format!(
                "SELECT COUNT(*) AS n FROM person p WHERE {} AND p.status = 'normal' AND NOT EXISTS \
                 (SELECT 1 FROM life_check c WHERE c.campaign_id = $1 AND c.person_id = p.id)",
                in_area
            ),
            params.clone(),
        )
        .await?;
    params.push(page.limit().into());
    params.push(page.offset().into());
    let ids = store
        .query_all(
            store.conn(),
            &format!(
                "SELECT p.id FROM person p WHERE {} AND p.status = 'normal' AND NOT EXISTS \
                 (SELECT 1 FROM life_check c WHERE c.campaign_id = $1 AND c.person_id = p.id) \
                 ORDER BY p.org_path, p.name_pinyin, p.id LIMIT $4 OFFSET $5",
                in_area
            ),
            params,
        )
        .await?;
    let mut rows = Vec::new();
    for r in ids {
        let p = registry::get(store, scope, r.try_get("", "id")?).await?;
        rows.push(PersonRow {
            id: p.id,
            org_path: p.org_path.to_string(),
            name: p.name,
            id_masked: p.id_masked,
            sex: p.sex,
            birth_date: p.birth_date,
            status: p.status,
            categories: p.categories.iter().map(|c| c.category).collect(),
        });
    }
    Ok((rows, total))
}

/// Marks a person confirmed in an open campaign (how: 当面, 视频, 上门 …).
pub async fn confirm(
    store: &Store,
    tx: &Tx,
    actor: &Actor,
    scope: &Scope,
    id: i64,
    person_id: i64,
    method: &str,
) -> Result<(), StoreError> {
    let c = get(store, scope, id).await?;
    if c.closed_at.is_some() {
        return Err(StoreError::invalid("该年审已结束，不能再确认"));
    }
    let p = registry::get(store, scope, person_id).await?;
    if !c.area.contains(&p.org_path) {
        return Err(StoreError::invalid("此人不在本次年审的范围内"));
    }
    let done = store
        .query_one(
            tx,
            "SELECT person_id FROM life_check WHERE campaign_id = $1 AND person_id = $2",
            [id.into(), person_id.into()],
        )
        .await?;
    if done.is_some() {
        return Ok(());
    }
    store
        .exec(
            tx,
            "INSERT INTO life_check (campaign_id, person_id, county, confirmed_at, confirmed_by, method) VALUES ($1, $2, $3, $4, $5, $6)",
            [id.into(), person_id.into(), c.org_path.county().into(), now().into(), actor.name.clone().into(), method.into()],
        )
        .await?;
    audit::append(
        store,
        tx,
        actor,
        Change {
            action: "life_check",
            entity: "person",
            entity_id: person_id.to_string(),
            org_path: p.org_path.to_string(),
            summary: format!(
                "{}：确认 {} 健在并符合条件（{}）",
                c.name,
                p.name,
                if method.is_empty() { "未注明方式" } else { method }
            ),
            before: None,
            after: None,
        },
    )
    .await?;
    Ok(())
}

/// Closes a campaign on or after its deadline: everyone still outstanding is suspended (状态
/// 暂停) with the campaign as the reason. Returns how many were suspended.
pub async fn close(
    store: &Store,
    tx: &Tx,
    actor: &Actor,
    scope: &Scope,
    id: i64,
    today: NaiveDate,
) -> Result<usize, StoreError> {
    let c = get(store, scope, id).await?;
    if c.area != c.org_path {
        return Err(StoreError::invalid("只有开启年审的单位及其上级可以结束年审"));
    }
    if c.closed_at.is_some() {
        return Err(StoreError::invalid("该年审已经结束"));
    }
    if today < c.deadline {
        return Err(StoreError::invalid(format!("截止日期 {} 还没到，届时再结束年审", c.deadline)));
    }
    // Everyone outstanding, read inside this transaction, then suspended one by one.
    let sub = Scope::new(c.org_path.clone());
    let (in_area, vals) = sub.sql("p.org_path", 2);
    let mut params: Vec<Value> = vec![id.into()];
    params.extend(vals);
    let rows = store
        .query_all(
            tx,
            &format!(
                "SELECT p.id, p.name, p.org_path FROM person p WHERE {} AND p.status = 'normal' AND NOT EXISTS \
                 (SELECT 1 FROM life_check c WHERE c.campaign_id = $1 AND c.person_id = p.id) ORDER BY p.id",
                in_area
            ),
            params,
        )
        .await?;
    let reason = format!("{}未在截止日期 {} 前确认", c.name, c.deadline);
    let mut suspended = 0;
    for r in rows {
        let pid: i64 = r.try_get("", "id")?;
        let name: String = r.try_get("", "name")?;
        let org_path: String = r.try_get("", "org_path")?;
        store
            .exec(
                tx,
                "UPDATE person SET status = $1, status_date = $2, status_reason = $3, version = version + 1, updated_at = $4 \
                 WHERE id = $5",
                [PersonStatus::Suspended.code().into(), today.into(), reason.clone().into(), now().into(), pid.into()],
            )
            .await?;
        audit::append(
            store,
            tx,
            actor,
            Change {
                action: "suspend",
                entity: "person",
                entity_id: pid.to_string(),
                org_path,
                summary: format!("暂停 {name}：{reason}"),
                before: Some(json!({"status": "normal"})),
                after: Some(json!({"status": "suspended", "status_date": today, "status_reason": reason})),
            },
        )
        .await?;
        suspended += 1;
    }
    store.exec(tx, "UPDATE life_check_campaign SET closed_at = $1 WHERE id = $2", [now().into(), id.into()]).await?;
    audit::append(
        store,
        tx,
        actor,
        Change {
            action: "close",
            entity: "life_check_campaign",
            entity_id: id.to_string(),
            org_path: c.org_path.to_string(),
            summary: format!("结束{}：确认 {} 人，未确认暂停 {} 人", c.name, c.confirmed, suspended),
            before: None,
            after: Some(json!({"confirmed": c.confirmed, "suspended": suspended})),
        },
    )
    .await?;
    Ok(suspended)
}
