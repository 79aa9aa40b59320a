//! Bulk import of people: file → rows → domain types → per-row errors → preview → commit of the
//! accepted rows in one transaction. People are matched by ID number, so the same file imported
//! twice changes nothing.

pub mod parse;
pub mod reader;

use std::collections::{HashMap, HashSet};

use sea_orm::Value;
use serde::Serialize;
use sha2::{Digest, Sha256};
use shuangyong_domain::text;

use crate::audit::{self, Actor, Change};
use crate::db::{insert_sql, placeholders};
use crate::{Backend, Scope, Store, StoreError, now};
pub use parse::{Accepted, HEADERS, RowError};
pub use reader::{FileError, Table, read_table};

/// What an import would do (preview) or did (commit).
#[derive(Debug, Clone, Serialize, Default)]
pub struct Report {
    /// Rows that are new people and will be (or were) registered.
    pub accepted: usize,
    /// Rows with mistakes: nothing of them is written.
    pub rejected: usize,
    /// Rows whose person is already registered: left as they are.
    pub unchanged: usize,
    pub errors: Vec<RowError>,
    /// The batch written by a commit.
    pub batch: Option<i64>,
    /// A mistake in the file as a whole (nothing is read).
    pub file_error: Option<String>,
    /// 享受待遇 entries of new rows judged by their program's rule (kept until turned into enrolments
    /// on the 导入待遇核对 page).
    pub claims_checked: usize,
    /// Those the rule does not confirm, first ones with the reason (at most [`CLAIM_NOTES`]).
    pub claims_refused: usize,
    pub claim_notes: Vec<ClaimNote>,
}

/// How many refused 享受待遇 a report lists.
pub const CLAIM_NOTES: usize = 200;

/// A 享受待遇 entry the rule does not confirm.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ClaimNote {
    pub row: usize,
    pub name: String,
    pub claim: String,
    pub verdict: String,
}

/// The rows of a file, parsed and checked against the database, ready to commit.
pub struct Plan {
    pub report: Report,
    rows: Vec<Accepted>,
    /// The blind index of each row's ID number (computed once, by the check against the registry).
    id_indexes: Vec<String>,
    total_rows: usize,
}

/// Reads and checks a file within `scope`; writes nothing.
pub async fn plan(store: &Store, scope: &Scope, bytes: &[u8]) -> Result<Plan, StoreError> {
    let empty = |msg: String| Plan {
        report: Report { file_error: Some(msg), ..Default::default() },
        rows: vec![],
        id_indexes: vec![],
        total_rows: 0,
    };
    let table = match read_table(bytes) {
        Ok(t) => t,
        Err(e) => return Ok(empty(e.to_string())),
    };
    let columns = match parse::Columns::new(&table.headers) {
        Ok(c) => c,
        Err(m) => return Ok(empty(m)),
    };
    if table.rows.is_empty() {
        return Ok(empty("文件中只有表头，没有数据行：请在表头下方逐行填写人员".into()));
    }
    let units = crate::org::list(store, scope).await?;
    let index = parse::UnitIndex::new(&units);
    let started = std::time::Instant::now();
    let (accepted, mut errors) = parse::parse_rows(&table, &columns, &index);
    tracing::debug!(rows = table.rows.len(), elapsed = ?started.elapsed(), "import: rows parsed");
    // Against the database: registered in scope = unchanged; registered elsewhere = a mistake.
    let crypto = store.crypto()?;
    let mut existing: HashMap<String, String> = HashMap::new();
    let indexes: Vec<String> = accepted
        .iter()
        .map(|a| crypto.index("id", a.input.id_number.as_ref().map(|i| i.as_str()).unwrap_or_default()))
        .collect();
    for chunk in indexes.chunks(500) {
        let rows = store
            .query_all(
                store.conn(),
                &format!(
                    "SELECT id_index, org_path FROM person WHERE id_index IN ({})",
                    placeholders(store.backend(), 1, chunk.len())
                ),
                chunk.iter().map(|s| Value::from(s.clone())).collect::<Vec<_>>(),
            )
            .await?;
        for r in rows {
            existing.insert(r.try_get("", "id_index")?, r.try_get("", "org_path")?);
        }
    }
    tracing::debug!(elapsed = ?started.elapsed(), "import: checked against the registry");
    let mut rows = Vec::new();
    let mut id_indexes = Vec::new();
    let mut unchanged = 0;
    for (a, idx) in accepted.into_iter().zip(indexes) {
        match existing.get(&idx) {
            Some(path) if scope.contains_str(path) => unchanged += 1,
            Some(_) => errors.push(RowError {
                row: a.row,
                column: "身份证号".into(),
                reason: "该身份证号已在其他单位登记，同一身份证号只能登记一人：请联系县级业务员核实".into(),
            }),
            None => {
                rows.push(a);
                id_indexes.push(idx);
            }
        }
    }
    errors.sort_by_key(|e| e.row);
    let rejected = errors.iter().map(|e| e.row).collect::<HashSet<_>>().len();
    let (claims_checked, claims_refused, claim_notes) = check_claims(store, &rows).await?;
    Ok(Plan {
        report: Report {
            accepted: rows.len(),
            rejected,
            unchanged,
            errors,
            batch: None,
            file_error: None,
            claims_checked,
            claims_refused,
            claim_notes,
        },
        rows,
        id_indexes,
        total_rows: table.rows.len(),
    })
}

/// Judges each 享受待遇 of the new rows by its program's rule, from the row's own facts.
async fn check_claims(store: &Store, rows: &[Accepted]) -> Result<(usize, usize, Vec<ClaimNote>), StoreError> {
    use shuangyong_domain::benefits::{CategoryFact, Facts, ProgramKind, evaluate};
    if rows.iter().all(|a| a.programs.is_empty()) {
        return Ok((0, 0, Vec::new()));
    }
    let programs = crate::benefits::programs(store).await?;
    let settings = crate::benefits::rule_settings(store).await?;
    let mut standards = HashMap::new();
    for p in programs.iter().filter(|p| p.national) {
        standards.insert(p.kind, crate::benefits::standard_rows(store, store.conn(), p.id).await?);
    }
    let today = crate::benefits::today();
    let (mut checked, mut refused, mut notes) = (0, 0, Vec::new());
    for a in rows.iter().filter(|a| !a.programs.is_empty()) {
        let kinds: Vec<Option<ProgramKind>> = a.programs.iter().map(|t| crate::benefits::kind_of_claim(t)).collect();
        let Some(id) = &a.input.id_number else { continue };
        for (text, kind) in a.programs.iter().zip(&kinds) {
            checked += 1;
            let verdict = match kind {
                None => Some(format!("无法识别“{text}”是哪个待遇项目")),
                Some(kind) => {
                    // Other national pensions on the same row count as received.
                    let receiving = a
                        .programs
                        .iter()
                        .zip(&kinds)
                        .filter(|(_, k)| k.is_some_and(|k| k != *kind && k.is_periodic_pension()))
                        .map(|(t, _)| t.clone())
                        .collect();
                    let facts = Facts {
                        birth_date: id.birth_date(),
                        registration: a.input.registration,
                        status: a.input.status,
                        status_date: a.input.status_date,
                        categories: a
                            .input
                            .categories
                            .iter()
                            .map(|c| CategoryFact {
                                category: c.category,
                                cause: c.cause,
                                grade: c.grade,
                                relation: c.relation,
                                since: c.since,
                            })
                            .collect(),
                        service: a.input.service.iter().map(|s| (s.enlisted, s.discharged)).collect(),
                        receiving,
                    };
                    let rows = standards.get(kind).map(Vec::as_slice).unwrap_or_default();
                    let v = evaluate(*kind, &facts, rows, today, settings);
                    (!v.eligible).then(|| v.text())
                }
            };
            if let Some(verdict) = verdict {
                refused += 1;
                if notes.len() < CLAIM_NOTES {
                    notes.push(ClaimNote { row: a.row, name: a.input.name.clone(), claim: text.clone(), verdict });
                }
            }
        }
    }
    Ok((checked, refused, notes))
}

/// From this many new people on, a load on SQLite drops the person indexes and builds them again.
const BULK_ROWS: usize = 20_000;

/// How many people go into one INSERT statement (SQLite allows 32766 parameters).
const CHUNK: usize = 400;

/// Writes the accepted rows of a plan in one transaction, with one audit entry for the batch.
/// `progress` is called with the number of people written so far.
pub async fn commit(
    store: &Store,
    actor: &Actor,
    scope: &Scope,
    plan: Plan,
    file_name: &str,
    bytes: &[u8],
    progress: &(dyn Fn(usize) + Sync),
) -> Result<Report, StoreError> {
    // A large load on SQLite gets room in the writer's page cache: the new rows stay in memory for
    // the index builds instead of spilling into the WAL and being read back for each index (15%
    // less CPU at 200,000 people). The connection's own setting comes back whatever happens.
    let large = plan.rows.len() >= BULK_ROWS;
    store
        .with_large_write_cache(
            if large { crate::Bulk::Writing } else { crate::Bulk::Small },
            write(store, actor, scope, plan, file_name, bytes, progress),
        )
        .await
}

async fn write(
    store: &Store,
    actor: &Actor,
    scope: &Scope,
    plan: Plan,
    file_name: &str,
    bytes: &[u8],
    progress: &(dyn Fn(usize) + Sync),
) -> Result<Report, StoreError> {
    let mut report = plan.report;
    if report.file_error.is_some() || plan.rows.is_empty() {
        return Ok(report);
    }
    let sha = hex::encode(Sha256::digest(bytes));
    let t = now();
    let started = std::time::Instant::now();
    let tx = store.begin_write().await?;
    let county = scope.root().county().to_owned();
    let batch: i64 = store
        .query_one(
            &tx,
            "INSERT INTO import_batch (county, org_path, file_name, sha256, rows_total, accepted, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
            [
                county.clone().into(),
                scope.root().as_str().into(),
                file_name.into(),
                sha.clone().into(),
                (plan.total_rows as i64).into(),
                (plan.rows.len() as i64).into(),
                actor.name.clone().into(),
                t.into(),
            ],
        )
        .await?
        .ok_or_else(|| anyhow::anyhow!("insert returned nothing"))?
        .try_get("", "id")?;
    tracing::debug!(batch, rows = plan.rows.len(), "import: transaction begun");
    // A large load into a small table: drop the secondary indexes and build them again at the
    // end (one sort each instead of a million random inserts), inside the same transaction.
    let rebuild = if store.backend() == Backend::Sqlite && plan.rows.len() >= BULK_ROWS {
        let existing: i64 = store.count_of(&tx, "SELECT COUNT(*) AS n FROM person", []).await?;
        if existing < plan.rows.len() as i64 { drop_indexes(store, &tx, "person").await? } else { Vec::new() }
    } else {
        Vec::new()
    };
    // Ids are given, not returned: reserved for the whole batch inside this transaction, so the
    // statements of every chunk (sealing, blind indexes, search keys) are built on another thread
    // while the database writes the chunk before.
    let first_id = reserve_person_ids(store, &tx, plan.rows.len()).await?;
    let (send, mut receive) = tokio::sync::mpsc::channel::<(usize, Vec<Statement>)>(4);
    let builder = {
        let crypto = store.crypto_shared()?;
        let (backend, county, rows, indexes) = (store.backend(), county.clone(), plan.rows, plan.id_indexes);
        tokio::task::spawn_blocking(move || -> Result<(), StoreError> {
            let mut id = first_id;
            let mut details = Details::new(backend);
            for (chunk, indexes) in rows.chunks(CHUNK).zip(indexes.chunks(CHUNK)) {
                let (person, rows) = chunk_statements(backend, &crypto, &county, batch, t, chunk, indexes, id)?;
                id += chunk.len() as i64;
                let mut statements = vec![person];
                details.add(rows, &mut statements);
                if send.blocking_send((chunk.len(), statements)).is_err() {
                    return Ok(()); // the writer stopped on an error of its own
                }
            }
            let _ = send.blocking_send((0, details.finish()));
            Ok(())
        })
    };
    let mut written = 0;
    while let Some((people, statements)) = receive.recv().await {
        for (sql, params) in statements {
            store.exec(&tx, &sql, params).await?;
        }
        written += people;
        progress(written);
    }
    builder.await.map_err(|e| anyhow::anyhow!("import builder: {e}"))??;
    tracing::debug!(rows = written, elapsed = ?started.elapsed(), "import: people written");
    for create in &rebuild {
        store.exec(&tx, create, []).await?;
    }
    tracing::debug!(indexes = rebuild.len(), elapsed = ?started.elapsed(), "import: indexes rebuilt");
    flag_batch_duplicates(store, &tx, batch).await?;
    tracing::debug!(elapsed = ?started.elapsed(), "import: near duplicates flagged");
    audit::append(
        store,
        &tx,
        actor,
        Change {
            action: "import",
            entity: "import_batch",
            entity_id: batch.to_string(),
            org_path: scope.root().to_string(),
            summary: format!("导入人员 {} 人（文件 {file_name}，另有 {} 人已登记未改动）", written, report.unchanged),
            before: None,
            after: Some(serde_json::json!({
                "file_name": file_name, "sha256": sha, "rows": plan.total_rows, "accepted": written,
                "unchanged": report.unchanged, "rejected": report.rejected,
            })),
        },
    )
    .await?;
    tx.commit().await?;
    tracing::debug!(batch, "import: committed");

    if store.backend() == Backend::Sqlite {
        // Fresh statistics for the planner after a large load (each index sampled: the
        // connections' analysis_limit). ANALYZE writes: on the writer, whose commit leaves the
        // WAL to the checkpoint after the load (on a pooled connection, this commit copied the
        // whole WAL of a million people back into the database file: 8 s).
        let _ = store.exec(store.write_conn(), "PRAGMA optimize", []).await;
        tracing::debug!(elapsed = ?started.elapsed(), "import: statistics refreshed");
    }
    report.batch = Some(batch);
    Ok(report)
}

/// One SQL statement and its parameters.
type Statement = (String, Vec<Value>);

/// The first of `n` person ids this transaction may give: on SQLite the one writer holds the
/// database; on PostgreSQL the table is locked against other inserts while the sequence is moved
/// past the batch.
async fn reserve_person_ids(store: &Store, tx: &crate::Tx, n: usize) -> Result<i64, StoreError> {
    match store.backend() {
        Backend::Sqlite => Ok(store.count_of(tx, "SELECT COALESCE(MAX(id), 0) + 1 AS n FROM person", []).await?),
        Backend::Postgres => {
            store.exec(tx, "LOCK TABLE person IN SHARE ROW EXCLUSIVE MODE", []).await?;
            let first = store.count_of(tx, "SELECT nextval(pg_get_serial_sequence('person', 'id')) AS n", []).await?;
            store
                .exec(
                    tx,
                    "SELECT setval(pg_get_serial_sequence('person', 'id'), $1)",
                    [(first + n as i64 - 1).max(first).into()],
                )
                .await?;
            Ok(first)
        }
    }
}

/// The detail tables an import writes beside each person: the statement head and its width.
const DETAIL_TABLES: [(&str, usize); 3] = [
    ("INSERT INTO person_category (county, person_id, category, cause, grade) VALUES", 5),
    ("INSERT INTO service_record (county, person_id, enlisted, discharged) VALUES", 4),
    ("INSERT INTO benefit_claim (county, person_id, program, source, created_at) VALUES", 5),
];

/// Detail rows gathered across chunks and written in statements of `CHUNK` rows each: every
/// statement but the last of each table has the same text, so the database prepares it once
/// (a statement of however many rows a chunk happened to give was parsed and planned anew).
struct Details {
    backend: Backend,
    rows: [Vec<Value>; 3],
    /// Each table's statement of `CHUNK` rows.
    full: [String; 3],
}

impl Details {
    fn new(backend: Backend) -> Details {
        let full = DETAIL_TABLES.map(|(head, width)| insert_sql(backend, head, CHUNK, width, ""));
        Details { backend, rows: Default::default(), full }
    }

    /// Takes a chunk's detail rows and adds to `out` each statement that is full.
    fn add(&mut self, rows: [Vec<Value>; 3], out: &mut Vec<Statement>) {
        for (((buffer, more), (_, width)), sql) in self.rows.iter_mut().zip(rows).zip(DETAIL_TABLES).zip(&self.full) {
            buffer.extend(more);
            while buffer.len() >= CHUNK * width {
                let rest = buffer.split_off(CHUNK * width);
                out.push((sql.clone(), std::mem::replace(buffer, rest)));
            }
        }
    }

    /// The statements of the rows left over.
    fn finish(self) -> Vec<Statement> {
        let backend = self.backend;
        self.rows
            .into_iter()
            .zip(DETAIL_TABLES)
            .filter(|(values, _)| !values.is_empty())
            .map(|(values, (head, width))| (insert_sql(backend, head, values.len() / width, width, ""), values))
            .collect()
    }
}

/// The statement that writes one chunk of people (ids from `first_id` on), and the values of
/// their categories, service records and 享受待遇 (the rows of `DETAIL_TABLES`, in order).
#[allow(clippy::too_many_arguments)]
fn chunk_statements(
    backend: Backend,
    crypto: &crate::crypto::FieldCrypto,
    county: &str,
    batch: i64,
    t: chrono::DateTime<chrono::Utc>,
    chunk: &[Accepted],
    id_indexes: &[String],
    first_id: i64,
) -> Result<(Statement, [Vec<Value>; 3]), StoreError> {
    const PERSON_WIDTH: usize = 28;
    let mut people: Vec<Value> = Vec::with_capacity(chunk.len() * PERSON_WIDTH);
    let (mut cats, mut svcs, mut claims) = (Vec::new(), Vec::new(), Vec::new());
    for ((k, a), idx) in chunk.iter().enumerate().zip(id_indexes) {
        let id = first_id + k as i64;
        let p = &a.input;
        let idn = p.id_number.as_ref().ok_or_else(|| anyhow::anyhow!("accepted row without an ID"))?;
        let name = text::clean(&p.name);
        people.push(id.into());
        people.extend(crate::registry::new_person_values(crypto, p, idn, idx.clone(), &name, Some(batch)));
        people.extend([Value::from(t), Value::from(t)]);
        let mut seen = HashSet::new();
        for c in p.categories.iter().filter(|c| seen.insert(c.category)) {
            cats.extend([
                county.into(),
                id.into(),
                c.category.code().into(),
                c.cause.map(|x| x.code()).into(),
                c.grade.map(|g| g.get() as i32).into(),
            ]);
        }
        for s in &p.service {
            svcs.extend([county.into(), id.into(), s.enlisted.into(), s.discharged.into()]);
        }
        let mut seen = HashSet::new();
        for program in a.programs.iter().filter(|p| seen.insert(p.as_str())) {
            claims.extend([county.into(), id.into(), program.as_str().into(), "import".into(), t.into()]);
        }
    }
    debug_assert_eq!(people.len(), chunk.len() * PERSON_WIDTH);
    let person = (
        insert_sql(
            backend,
            &format!(
                "INSERT INTO person (id, {}, created_at, updated_at, version) VALUES",
                crate::registry::NEW_PERSON_COLUMNS
            ),
            chunk.len(),
            PERSON_WIDTH,
            ", 1",
        ),
        people,
    );
    Ok((person, [cats, svcs, claims]))
}

/// Drops a table's own (named, droppable) indexes and returns the statements that make them
/// again. Constraint indexes (UNIQUE, primary keys) stay. SQLite only; the benchmark's floor of an
/// import drops and builds the person indexes with it too, as a large import does.
pub async fn drop_indexes(store: &Store, tx: &crate::Tx, table: &str) -> Result<Vec<String>, StoreError> {
    let rows = store
        .query_all(
            tx,
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = $1 AND sql IS NOT NULL",
            [table.into()],
        )
        .await?;
    let mut creates = Vec::new();
    for r in rows {
        let name: String = r.try_get("", "name")?;
        creates.push(r.try_get::<String>("", "sql")?);
        store.exec(tx, &format!("DROP INDEX \"{name}\""), []).await?;
    }
    Ok(creates)
}

/// Flags, in one statement, pairs with the same name and birth date in one township where at
/// least one of the two came with this batch.
async fn flag_batch_duplicates(store: &Store, tx: &crate::Tx, batch: i64) -> Result<u64, StoreError> {
    store
        .exec(
            tx,
            "INSERT INTO duplicate_flag (county, org_path, person_a, person_b, reason, status, created_at) \
             SELECT a.county, substr(a.org_path, 1, 9), a.id, b.id, \
                    '姓名（' || a.name || '）和出生日期相同（导入）', 'open', $2 \
             FROM person a JOIN person b ON b.name = a.name AND b.birth_date = a.birth_date AND b.id > a.id \
                  AND substr(b.org_path, 1, 9) = substr(a.org_path, 1, 9) \
             WHERE (a.import_batch = $1 OR b.import_batch = $1) \
               AND NOT EXISTS (SELECT 1 FROM duplicate_flag f WHERE f.person_a = a.id AND f.person_b = b.id)",
            [batch.into(), now().into()],
        )
        .await
}

/// How long an uploaded file waits for its commit.
pub const UPLOAD_MINUTES: i64 = 60;

/// Keeps an uploaded file, sealed, for the user who previewed it; returns its id.
pub async fn save_upload(
    store: &Store,
    user_id: i64,
    county: &str,
    file_name: &str,
    bytes: &[u8],
) -> Result<i64, StoreError> {
    let sealed = store.crypto()?.seal_bytes("import_upload", bytes);
    // Old uploads are dropped as new ones come.
    let cutoff = now() - chrono::Duration::minutes(UPLOAD_MINUTES);
    store.exec(store.conn(), "DELETE FROM import_upload WHERE created_at < $1", [cutoff.into()]).await?;
    let row = store
        .query_one(
            store.conn(),
            "INSERT INTO import_upload (county, user_id, file_name, sealed, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
            [county.into(), user_id.into(), file_name.into(), sealed.into(), now().into()],
        )
        .await?
        .ok_or_else(|| anyhow::anyhow!("insert returned nothing"))?;
    Ok(row.try_get("", "id")?)
}

/// Takes back an upload of this user (file name and bytes), if it has not expired.
pub async fn load_upload(store: &Store, user_id: i64, id: i64) -> Result<(String, Vec<u8>), StoreError> {
    let cutoff = now() - chrono::Duration::minutes(UPLOAD_MINUTES);
    let row = store
        .query_one(
            store.conn(),
            "SELECT file_name, sealed FROM import_upload WHERE id = $1 AND user_id = $2 AND created_at >= $3",
            [id.into(), user_id.into(), cutoff.into()],
        )
        .await?
        .ok_or_else(|| StoreError::invalid("上传的文件已过期或已导入，请重新上传"))?;
    let sealed: Vec<u8> = row.try_get("", "sealed")?;
    Ok((row.try_get("", "file_name")?, store.crypto()?.open_bytes("import_upload", &sealed)?))
}

/// Forgets an upload (after its commit).
pub async fn drop_upload(store: &Store, id: i64) -> Result<(), StoreError> {
    store.exec(store.conn(), "DELETE FROM import_upload WHERE id = $1", [id.into()]).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Detail rows of chunks of any size go out in statements of `CHUNK` rows, all of one text,
    /// the rest in one statement at the end; no row is lost, repeated or reordered.
    #[test]
    fn detail_rows_are_written_in_statements_of_one_size() {
        let mut details = Details::new(Backend::Sqlite);
        let mut out = Vec::new();
        let mut next = 0i64;
        let sizes = [3 * CHUNK / 2, 1, CHUNK - 1, 2 * CHUNK + 7];
        for rows in sizes {
            let chunk = std::array::from_fn(|table| {
                (0..rows * DETAIL_TABLES[table].1)
                    .map(|_| {
                        next += 1;
                        Value::from(next)
                    })
                    .collect()
            });
            details.add(chunk, &mut out);
        }
        out.extend(details.finish());
        let total: usize = sizes.iter().sum();
        for (head, width) in DETAIL_TABLES {
            let mine: Vec<&Statement> = out.iter().filter(|(sql, _)| sql.starts_with(head)).collect();
            let (last, whole) = mine.split_last().unwrap();
            assert_eq!(whole.len(), total / CHUNK, "{head}");
            assert!(whole.iter().all(|(sql, v)| *sql == whole[0].0 && v.len() == CHUNK * width), "{head}");
            assert_eq!(last.1.len(), total % CHUNK * width, "{head}");
            let values: Vec<i64> = mine
                .iter()
                .flat_map(|(_, v)| {
                    v.iter().map(|x| match x {
                        Value::BigInt(Some(n)) => *n,
                        other => panic!("{other:?}"),
                    })
                })
                .collect();
            assert_eq!(values.len(), total * width, "{head}");
            assert!(values.windows(2).all(|w| w[0] < w[1]), "{head}: in the order given");
        }
    }
}
