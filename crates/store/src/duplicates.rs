//! Near duplicates: two records with the same name and birth date in one township, flagged when
//! the second is registered. A manager either keeps both (they are two people) or merges them
//! (one record was entered twice with different ID numbers): the kept record takes the other's
//! categories, service records and claims, and the other is deleted. Both are audited.

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::json;

use crate::audit::{self, Actor, Change};
use crate::org::Page;
use crate::registry::{self, Person};
use crate::{Scope, Store, StoreError, Tx, now};

#[derive(Debug, Clone, Serialize)]
pub struct Flag {
    pub id: i64,
    pub org_path: String,
    pub reason: String,
    pub status: String,
    pub created_at: DateTime<Utc>,
    pub a: Person,
    pub b: Person,
}

impl Flag {
    pub fn status_label(&self) -> &'static str {
        match self.status.as_str() {
            "open" => "待处理",
            "kept" => "确认为两人",
            "merged" => "已合并",
            _ => "未知",
        }
    }
}

/// Open flags in scope, oldest first, one page, with the total.
pub async fn list_open(store: &Store, scope: &Scope, page: Page) -> Result<(Vec<Flag>, i64), StoreError> {
    let (cond, vals) = scope.sql("org_path", 1);
    let params: Vec<sea_orm::Value> = vals.into();
    let total: i64 = store
        .count_of(
            store.conn(),
            &format!("SELECT COUNT(*) AS n FROM duplicate_flag WHERE status = 'open' AND {cond}"),
            params.clone(),
        )
        .await?;
    let mut p = params;
    p.push(page.limit().into());
    p.push(page.offset().into());
    let rows = store
        .query_all(
            store.conn(),
            &format!("SELECT id FROM duplicate_flag WHERE status = 'open' AND {cond} ORDER BY id LIMIT $3 OFFSET $4"),
            p,
        )
        .await?;
    let mut out = Vec::new();
    for r in rows {
        out.push(get(store, scope, r.try_get("", "id")?).await?);
    }
    Ok((out, total))
}

/// One flag in scope, with both people.
pub async fn get(store: &Store, scope: &Scope, id: i64) -> Result<Flag, StoreError> {
    let r = store
        .query_one(
            store.conn(),
            "SELECT id, org_path, person_a, person_b, reason, status, created_at FROM duplicate_flag WHERE id = $1",
            [id.into()],
        )
        .await?
        .ok_or(StoreError::NotFound)?;
    let org_path: String = r.try_get("", "org_path")?;
    if !scope.contains_str(&org_path) {
        return Err(StoreError::NotFound);
    }
    Ok(Flag {
        id,
        reason: r.try_get("", "reason")?,
        status: r.try_get("", "status")?,
        created_at: r.try_get("", "created_at")?,
        a: registry::get(store, &Scope::new(scope.root().clone()), r.try_get("", "person_a")?).await?,
        b: registry::get(store, &Scope::new(scope.root().clone()), r.try_get("", "person_b")?).await?,
        org_path,
    })
}

async fn resolve(store: &Store, tx: &Tx, actor: &Actor, id: i64, status: &str) -> Result<(), StoreError> {
    let n = store
        .exec(
            tx,
            "UPDATE duplicate_flag SET status = $1, resolved_by = $2, resolved_at = $3 WHERE id = $4 AND status = 'open'",
            [status.into(), actor.name.clone().into(), now().into(), id.into()],
        )
        .await?;
    if n == 0 {
        return Err(StoreError::Conflict("这条疑似重复已有人处理过，请刷新页面".into()));
    }
    Ok(())
}

/// The two records are two people: the flag is closed.
pub async fn keep_both(store: &Store, tx: &Tx, actor: &Actor, scope: &Scope, id: i64) -> Result<Flag, StoreError> {
    let flag = get(store, scope, id).await?;
    resolve(store, tx, actor, id, "kept").await?;
    audit::append(
        store,
        tx,
        actor,
        Change {
            action: "keep_both",
            entity: "duplicate_flag",
            entity_id: id.to_string(),
            org_path: flag.org_path.clone(),
            summary: format!(
                "确认 {}（{}）与 {}（{}）为两人",
                flag.a.name, flag.a.id_masked, flag.b.name, flag.b.id_masked
            ),
            before: None,
            after: Some(json!({"person_a": flag.a.id, "person_b": flag.b.id})),
        },
    )
    .await?;
    Ok(flag)
}

/// One person entered twice: `keep` (one of the two) stays and takes what the other had; the
/// other record is deleted. Returns the kept person's id.
pub async fn merge(
    store: &Store,
    tx: &Tx,
    actor: &Actor,
    scope: &Scope,
    id: i64,
    keep: i64,
) -> Result<i64, StoreError> {
    let flag = get(store, scope, id).await?;
    let (kept, dropped) = if keep == flag.a.id {
        (&flag.a, &flag.b)
    } else if keep == flag.b.id {
        (&flag.b, &flag.a)
    } else {
        return Err(StoreError::invalid("请选择保留两条记录中的哪一条"));
    };
    resolve(store, tx, actor, id, "merged").await?;
    // Categories the kept record lacks, all service records and claims move over.
    store
        .exec(
            tx,
            "UPDATE person_category SET person_id = $1 WHERE person_id = $2 AND category NOT IN \
             (SELECT category FROM person_category WHERE person_id = $1)",
            [kept.id.into(), dropped.id.into()],
        )
        .await?;
    store
        .exec(tx, "UPDATE service_record SET person_id = $1 WHERE person_id = $2", [kept.id.into(), dropped.id.into()])
        .await?;
    store
        .exec(
            tx,
            "UPDATE benefit_claim SET person_id = $1 WHERE person_id = $2 AND program NOT IN \
             (SELECT program FROM benefit_claim WHERE person_id = $1)",
            [kept.id.into(), dropped.id.into()],
        )
        .await?;
    store
        .exec(
            tx,
            "UPDATE person_category SET serviceman_id = $1 WHERE serviceman_id = $2",
            [kept.id.into(), dropped.id.into()],
        )
        .await?;
    store.exec(tx, "DELETE FROM person WHERE id = $1", [dropped.id.into()]).await?;
    store
        .exec(
            tx,
            "UPDATE person SET version = version + 1, updated_at = $1 WHERE id = $2",
            [now().into(), kept.id.into()],
        )
        .await?;
    audit::append(
        store,
        tx,
        actor,
        Change {
            action: "merge",
            entity: "person",
            entity_id: kept.id.to_string(),
            org_path: kept.org_path.to_string(),
            summary: format!(
                "合并重复记录：保留 {}（{}），删除 {}（{}）",
                kept.name, kept.id_masked, dropped.name, dropped.id_masked
            ),
            before: Some(json!({"kept": kept.id, "dropped": dropped.id, "dropped_record": {
                "name": dropped.name, "id_number": dropped.id_masked, "birth_date": dropped.birth_date,
                "org_path": dropped.org_path, "categories": dropped.categories.iter().map(|c| c.describe()).collect::<Vec<_>>(),
            }})),
            after: Some(json!({"flag": id})),
        },
    )
    .await?;
    Ok(kept.id)
}
