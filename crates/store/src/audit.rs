//! The audit log: append-only, hash-chained, written in the same transaction as the change.
//!
//! Each entry's hash is SHA-256 over its own fields and the previous entry's hash. `audit_head`
//! holds the last sequence number and hash; appends lock it (on PostgreSQL `FOR UPDATE`; on SQLite
//! the write transaction already holds the database lock), so entries are numbered without gaps.
//! [`verify`] walks the chain and names the first entry that was altered, inserted or removed.

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, QueryResult, Value};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::{Backend, Scope, Store, StoreError, Tx, now};

pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Who made a change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub user_id: Option<i64>,
    pub name: String,
}

impl Actor {
    /// The command line, run by the machine's operator.
    pub fn system(what: &str) -> Actor {
        Actor { user_id: None, name: format!("系统({what})") }
    }
}

/// One change to record.
#[derive(Debug, Clone)]
pub struct Change<'a> {
    pub action: &'a str,
    pub entity: &'a str,
    pub entity_id: String,
    /// The org unit the record belongs to: auditors of a township see their township's entries.
    pub org_path: String,
    /// One Chinese line for the list: 新增用户 zhangsan.
    pub summary: String,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

/// An entry as stored.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Entry {
    pub seq: i64,
    pub county: String,
    pub at: DateTime<Utc>,
    pub actor_id: Option<i64>,
    pub actor_name: String,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    pub org_path: String,
    pub summary: String,
    pub before_json: Option<String>,
    pub after_json: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

impl Entry {
    /// When it happened, in Beijing time (for screens).
    pub fn local_at(&self) -> chrono::DateTime<chrono::FixedOffset> {
        shuangyong_domain::clock::beijing(self.at)
    }

    /// The hash this entry should carry, from its fields and `prev_hash`.
    pub fn compute_hash(&self) -> String {
        let mut h = Sha256::new();
        let fields: [&str; 12] = [
            &self.seq.to_string(),
            &self.county,
            &self.at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
            &self.actor_id.map(|i| i.to_string()).unwrap_or_default(),
            &self.actor_name,
            &self.action,
            &self.entity,
            &self.entity_id,
            &self.org_path,
            &self.summary,
            self.before_json.as_deref().unwrap_or("\u{0}"),
            self.after_json.as_deref().unwrap_or("\u{0}"),
        ];
        for f in fields {
            // Length-prefixed, so that moving text from one field to the next changes the hash.
            h.update((f.len() as u64).to_be_bytes());
            h.update(f.as_bytes());
        }
        h.update(self.prev_hash.as_bytes());
        hex::encode(h.finalize())
    }

    fn from_row(r: &QueryResult) -> Result<Entry, StoreError> {
        Ok(Entry {
            seq: r.try_get("", "seq")?,
            county: r.try_get("", "county")?,
            at: r.try_get("", "at")?,
            actor_id: r.try_get("", "actor_id")?,
            actor_name: r.try_get("", "actor_name")?,
            action: r.try_get("", "action")?,
            entity: r.try_get("", "entity")?,
            entity_id: r.try_get("", "entity_id")?,
            org_path: r.try_get("", "org_path")?,
            summary: r.try_get("", "summary")?,
            before_json: r.try_get("", "before_json")?,
            after_json: r.try_get("", "after_json")?,
            prev_hash: r.try_get("", "prev_hash")?,
            hash: r.try_get("", "hash")?,
        })
    }
}

const COLUMNS: &str = "seq, county, at, actor_id, actor_name, action, entity, entity_id, org_path, \
                       summary, before_json, after_json, prev_hash, hash";

/// Appends an entry inside the caller's transaction and returns its sequence number.
pub async fn append(store: &Store, tx: &Tx, actor: &Actor, change: Change<'_>) -> Result<i64, StoreError> {
    let lock = match store.backend() {
        Backend::Postgres => " FOR UPDATE",
        Backend::Sqlite => "",
    };
    let head = store
        .query_one(tx, &format!("SELECT seq, hash FROM audit_head WHERE id = 1{lock}"), [])
        .await?
        .ok_or_else(|| anyhow::anyhow!("audit_head row is missing"))?;
    let last_seq: i64 = head.try_get("", "seq")?;
    let prev_hash: String = head.try_get("", "hash")?;
    let county = change.org_path.split('/').next().unwrap_or_default().to_owned();
    let mut entry = Entry {
        seq: last_seq + 1,
        county,
        at: now(),
        actor_id: actor.user_id,
        actor_name: actor.name.clone(),
        action: change.action.to_owned(),
        entity: change.entity.to_owned(),
        entity_id: change.entity_id,
        org_path: change.org_path,
        summary: change.summary,
        before_json: change.before.map(|v| v.to_string()),
        after_json: change.after.map(|v| v.to_string()),
        prev_hash,
        hash: String::new(),
    };
    entry.hash = entry.compute_hash();
    store
        .exec(
            tx,
            &format!(
                "INSERT INTO audit_log ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)"
            ),
            [
                entry.seq.into(),
                entry.county.clone().into(),
                entry.at.into(),
                entry.actor_id.into(),
                entry.actor_name.clone().into(),
                entry.action.clone().into(),
                entry.entity.clone().into(),
                entry.entity_id.clone().into(),
                entry.org_path.clone().into(),
                entry.summary.clone().into(),
                entry.before_json.clone().into(),
                entry.after_json.clone().into(),
                entry.prev_hash.clone().into(),
                entry.hash.clone().into(),
            ],
        )
        .await?;
    store
        .exec(
            tx,
            "UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1",
            [entry.seq.into(), entry.hash.clone().into()],
        )
        .await?;
    Ok(entry.seq)
}

/// What [`verify`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Intact { entries: i64 },
    Broken { seq: i64, problem: Problem },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    /// The entry's content no longer matches its hash.
    Altered,
    /// The entry does not follow the one before it: it was put in behind the application's back.
    Inserted,
    /// The entry with this number is gone.
    Missing,
}

impl std::fmt::Display for Verdict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Verdict::Intact { entries } => {
                write!(f, "审计日志完整：共 {entries} 条，哈希链校验通过。")
            }
            Verdict::Broken { seq, problem } => {
                let what = match problem {
                    Problem::Altered => "内容被篡改（与其哈希不符）",
                    Problem::Inserted => "为外部插入（与前一条的哈希链接不上）",
                    Problem::Missing => "已缺失（被删除）",
                };
                write!(f, "审计日志被破坏：第 {seq} 条{what}。请立即保全数据库文件并报告安全管理员。")
            }
        }
    }
}

/// Walks the whole chain in order, in pages, and returns the first break.
pub async fn verify(store: &Store) -> Result<Verdict, StoreError> {
    let head = store
        .query_one(store.conn(), "SELECT seq, hash FROM audit_head WHERE id = 1", [])
        .await?
        .ok_or_else(|| anyhow::anyhow!("audit_head row is missing"))?;
    let head_seq: i64 = head.try_get("", "seq")?;
    let head_hash: String = head.try_get("", "hash")?;
    let mut expected_seq = 1i64;
    let mut prev_hash = GENESIS.to_owned();
    let mut prev_prev_hash = String::new();
    let mut after = 0i64;
    loop {
        let rows = store
            .query_all(
                store.conn(),
                &format!("SELECT {COLUMNS} FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT 5000"),
                [after.into()],
            )
            .await?;
        if rows.is_empty() {
            break;
        }
        for r in &rows {
            let e = Entry::from_row(r)?;
            after = e.seq;
            if e.seq > head_seq {
                // Past the head the application advanced: appended behind its back.
                return Ok(Verdict::Broken { seq: e.seq, problem: Problem::Inserted });
            }
            if e.seq > expected_seq {
                return Ok(Verdict::Broken { seq: expected_seq, problem: Problem::Missing });
            }
            let self_ok = e.compute_hash() == e.hash;
            if e.prev_hash != prev_hash {
                // The link is broken. If this entry links to the one before the previous, the
                // previous one was slipped in; if it is itself intact, the previous one was changed
                // and re-hashed; otherwise this one was changed.
                let verdict = if e.prev_hash == prev_prev_hash {
                    Verdict::Broken { seq: e.seq - 1, problem: Problem::Inserted }
                } else if self_ok && e.seq > 1 {
                    Verdict::Broken { seq: e.seq - 1, problem: Problem::Altered }
                } else {
                    Verdict::Broken { seq: e.seq, problem: Problem::Altered }
                };
                return Ok(verdict);
            }
            if !self_ok {
                return Ok(Verdict::Broken { seq: e.seq, problem: Problem::Altered });
            }
            prev_prev_hash = std::mem::replace(&mut prev_hash, e.hash);
            expected_seq += 1;
        }
    }
    let last = expected_seq - 1;
    if last < head_seq {
        return Ok(Verdict::Broken { seq: last + 1, problem: Problem::Missing });
    }
    if prev_hash != head_hash {
        // The last entry was changed and re-hashed: the head still holds its true hash.
        return Ok(Verdict::Broken { seq: last, problem: Problem::Altered });
    }
    Ok(Verdict::Intact { entries: last })
}

/// A filter for browsing the log.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub actor: Option<String>,
    pub actor_id: Option<i64>,
    pub entity: Option<String>,
    pub action: Option<String>,
    pub from: Option<chrono::NaiveDate>,
    pub to: Option<chrono::NaiveDate>,
    pub text: Option<String>,
}

/// One page of entries in scope, newest first, and the total.
pub async fn list(
    store: &Store,
    scope: &Scope,
    filter: &Filter,
    page: crate::org::Page,
) -> Result<(Vec<Entry>, i64), StoreError> {
    let (cond, vals) = scope.sql("org_path", 1);
    let mut wh = vec![cond];
    let mut params: Vec<Value> = vals.into();
    let mut push = |sql: &str, v: Value, params: &mut Vec<Value>| {
        params.push(v);
        wh.push(sql.replace('?', &format!("${}", params.len())));
    };
    if let Some(a) = filter.actor.as_deref().filter(|s| !s.is_empty()) {
        push("actor_name LIKE ? ESCAPE '\\'", contains_pattern(a).into(), &mut params);
    }
    if let Some(id) = filter.actor_id {
        push("actor_id = ?", id.into(), &mut params);
    }
    if let Some(a) = filter.entity.as_deref().filter(|s| !s.is_empty()) {
        push("entity = ?", a.into(), &mut params);
    }
    if let Some(a) = filter.action.as_deref().filter(|s| !s.is_empty()) {
        push("action = ?", a.into(), &mut params);
    }
    if let Some(d) = filter.from {
        push("at >= ?", shuangyong_domain::clock::day_start(d).into(), &mut params);
    }
    if let Some(d) = filter.to.and_then(|d| d.succ_opt()) {
        push("at < ?", shuangyong_domain::clock::day_start(d).into(), &mut params);
    }
    if let Some(t) = filter.text.as_deref().filter(|s| !s.is_empty()) {
        push("summary LIKE ? ESCAPE '\\'", contains_pattern(t).into(), &mut params);
    }
    let wh = wh.join(" AND ");
    let total = store
        .count_of(store.conn(), &format!("SELECT COUNT(*) AS n FROM audit_log WHERE {wh}"), params.clone())
        .await?;
    let n = params.len();
    params.push(page.limit().into());
    params.push(page.offset().into());
    let rows = store
        .query_all(
            store.conn(),
            &format!("SELECT {COLUMNS} FROM audit_log WHERE {wh} ORDER BY seq DESC LIMIT ${} OFFSET ${}", n + 1, n + 2),
            params,
        )
        .await?;
    let entries = rows.iter().map(Entry::from_row).collect::<Result<Vec<_>, _>>()?;
    Ok((entries, total))
}

/// One entry by number, if in scope.
pub async fn get(store: &Store, scope: &Scope, seq: i64) -> Result<Entry, StoreError> {
    let (cond, vals) = scope.sql("org_path", 2);
    let mut params = vec![Value::from(seq)];
    params.extend(vals);
    let row = store
        .query_one(store.conn(), &format!("SELECT {COLUMNS} FROM audit_log WHERE seq = $1 AND {cond}"), params)
        .await?
        .ok_or(StoreError::NotFound)?;
    Entry::from_row(&row)
}

/// A LIKE pattern matching text that contains `s` literally: `%`, `_` and `\` are escaped, for
/// use with `LIKE … ESCAPE '\'` (the same on both engines). Dropping the wildcards instead would
/// turn a search for `%` into no filter at all, listing everything.
pub(crate) fn contains_pattern(s: &str) -> String {
    let escaped = s.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
    format!("%{escaped}%")
}

/// Every entry of a connection, for tests and the command line's own checks.
pub async fn count<C: ConnectionTrait>(store: &Store, conn: &C) -> Result<i64, StoreError> {
    store.count_of(conn, "SELECT COUNT(*) AS n FROM audit_log", []).await
}

/// Every entry about one record, newest first (callers check the record's scope).
pub async fn for_entity(store: &Store, entity: &str, entity_id: &str) -> Result<Vec<Entry>, StoreError> {
    let rows = store
        .query_all(
            store.conn(),
            &format!(
                "SELECT {COLUMNS} FROM audit_log WHERE entity = $1 AND entity_id = $2 ORDER BY seq DESC LIMIT 500"
            ),
            [entity.into(), entity_id.into()],
        )
        .await?;
    rows.iter().map(Entry::from_row).collect()
}
