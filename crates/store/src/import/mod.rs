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
    total_rows: usize,
}

/// Reads and checks a file within `scope`; writes nothing.
pub async fn plan(store: &Store, scope: &Scope, bytes: &[u8]) -> Result<Plan, StoreError> {
    let empty = |msg: String| Plan {
        report: Report { file_error: Some(msg), ..Default::default() },
        rows: vec![],
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
    let indexes: Vec<String> =
        accepted.iter().filter_map(|a| a.input.id_number.as_ref().map(|i| crypto.index("id", i.as_str()))).collect();
    for chunk in indexes.chunks(500) {
        let placeholders: Vec<String> = (1..=chunk.len()).map(|i| placeholder(store, i)).collect();
        let rows = store
            .query_all(
                store.conn(),
                &format!("SELECT id_index, org_path FROM person WHERE id_index IN ({})", placeholders.join(",")),
                chunk.iter().map(|s| Value::from(s.clone())).collect::<Vec<_>>(),
            )
            .await?;
        for r in rows {
            existing.insert(r.try_get("", "id_index")?, r.try_get("", "org_path")?);
        }
    }
    tracing::debug!(elapsed = ?started.elapsed(), "import: checked against the registry");
    let mut rows = Vec::new();
    let mut unchanged = 0;
    for a in accepted {
        let idx = crypto.index("id", a.input.id_number.as_ref().map(|i| i.as_str()).unwrap_or_default());
        match existing.get(&idx) {
            Some(path) if scope.contains_str(path) => unchanged += 1,
            Some(_) => errors.push(RowError {
                row: a.row,
                column: "身份证号".into(),
                reason: "该身份证号已在其他单位登记，同一身份证号只能登记一人：请联系县级业务员核实".into(),
            }),
            None => rows.push(a),
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

/// How many people go into one INSERT statement (SQLite allows 32766 parameters).
const CHUNK: usize = 400;

/// The `i`-th (1-based) placeholder of a bulk statement. SQLite gets plain `?`: it looks each
/// named parameter (`$n`) up in a list, which is quadratic in a statement with thousands.
fn placeholder(store: &Store, i: usize) -> String {
    match store.backend() {
        Backend::Sqlite => "?".to_owned(),
        Backend::Postgres => format!("${i}"),
    }
}

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
    let mut report = plan.report;
    if report.file_error.is_some() || plan.rows.is_empty() {
        return Ok(report);
    }
    let crypto = store.crypto()?;
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
    let rebuild = if store.backend() == Backend::Sqlite && plan.rows.len() >= 20_000 {
        let existing: i64 = store.count_of(&tx, "SELECT COUNT(*) AS n FROM person", []).await?;
        if existing < plan.rows.len() as i64 { drop_indexes(store, &tx, "person").await? } else { Vec::new() }
    } else {
        Vec::new()
    };
    let mut written = 0;
    for chunk in plan.rows.chunks(CHUNK) {
        // People, returning their ids by blind index (unique), whatever order rows come back in.
        let mut sql = format!(
            "INSERT INTO person ({}, version, created_at, updated_at) VALUES ",
            crate::registry::NEW_PERSON_COLUMNS
        );
        let mut params: Vec<Value> = Vec::with_capacity(chunk.len() * 27);
        let mut by_index: HashMap<String, usize> = HashMap::with_capacity(chunk.len());
        for (k, a) in chunk.iter().enumerate() {
            let p = &a.input;
            let idn = p.id_number.as_ref().ok_or_else(|| anyhow::anyhow!("accepted row without an ID"))?;
            let name = text::clean(&p.name);
            by_index.insert(crypto.index("id", idn.as_str()), k);
            let base = params.len();
            params.extend(crate::registry::new_person_values(crypto, p, idn, &name, Some(batch)));
            params.extend([Value::from(t), Value::from(t)]);
            let ph: Vec<String> = (base + 1..=params.len()).map(|i| placeholder(store, i)).collect();
            let n = ph.len();
            if k > 0 {
                sql.push(',');
            }
            // …, version = 1, created_at, updated_at.
            sql.push_str(&format!("({}, 1, {}, {})", ph[..n - 2].join(", "), ph[n - 2], ph[n - 1]));
        }
        sql.push_str(" RETURNING id, id_index");
        let rows = store.query_all(&tx, &sql, params).await?;
        let mut ids = vec![0i64; chunk.len()];
        for r in rows {
            let idx: String = r.try_get("", "id_index")?;
            let id: i64 = r.try_get("", "id")?;
            if let Some(k) = by_index.get(&idx) {
                ids[*k] = id;
            }
        }
        let before_details = started.elapsed();
        insert_details(store, &tx, &county, chunk, &ids, t).await?;
        tracing::trace!(people = ?before_details, details = ?(started.elapsed() - before_details), "import: chunk");
        written += chunk.len();
        progress(written);
    }
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
        // Fresh statistics for the planner after a large load.
        let _ = store.exec(store.conn(), "PRAGMA optimize", []).await;
    }
    report.batch = Some(batch);
    Ok(report)
}

async fn insert_details(
    store: &Store,
    tx: &crate::Tx,
    county: &str,
    chunk: &[Accepted],
    ids: &[i64],
    t: chrono::DateTime<chrono::Utc>,
) -> Result<(), StoreError> {
    let mut cat_sql = Vec::new();
    let mut cat_params: Vec<Value> = Vec::new();
    let mut svc_sql = Vec::new();
    let mut svc_params: Vec<Value> = Vec::new();
    let mut claim_sql = Vec::new();
    let mut claim_params: Vec<Value> = Vec::new();
    let place = |params: &mut Vec<Value>, values: Vec<Value>| -> String {
        let start = params.len();
        params.extend(values);
        let ph: Vec<String> = (start + 1..=params.len()).map(|i| placeholder(store, i)).collect();
        format!("({})", ph.join(", "))
    };
    for (a, id) in chunk.iter().zip(ids) {
        let mut seen = HashSet::new();
        for c in a.input.categories.iter().filter(|c| seen.insert(c.category)) {
            cat_sql.push(place(
                &mut cat_params,
                vec![
                    county.into(),
                    (*id).into(),
                    c.category.code().into(),
                    c.cause.map(|x| x.code()).into(),
                    c.grade.map(|g| g.get() as i32).into(),
                ],
            ));
        }
        for s in &a.input.service {
            svc_sql.push(place(
                &mut svc_params,
                vec![county.into(), (*id).into(), s.enlisted.into(), s.discharged.into()],
            ));
        }
        let mut seen = HashSet::new();
        for p in a.programs.iter().filter(|p| seen.insert(p.as_str())) {
            claim_sql.push(place(
                &mut claim_params,
                vec![county.into(), (*id).into(), p.as_str().into(), "import".into(), t.into()],
            ));
        }
    }
    if !cat_sql.is_empty() {
        store
            .exec(
                tx,
                &format!(
                    "INSERT INTO person_category (county, person_id, category, cause, grade) VALUES {}",
                    cat_sql.join(",")
                ),
                cat_params,
            )
            .await?;
    }
    if !svc_sql.is_empty() {
        store
            .exec(
                tx,
                &format!(
                    "INSERT INTO service_record (county, person_id, enlisted, discharged) VALUES {}",
                    svc_sql.join(",")
                ),
                svc_params,
            )
            .await?;
    }
    if !claim_sql.is_empty() {
        store
            .exec(
                tx,
                &format!(
                    "INSERT INTO benefit_claim (county, person_id, program, source, created_at) VALUES {}",
                    claim_sql.join(",")
                ),
                claim_params,
            )
            .await?;
    }
    Ok(())
}

/// Drops a table's own (named, droppable) indexes and returns the statements that make them
/// again. Constraint indexes (UNIQUE, primary keys) stay.
async fn drop_indexes(store: &Store, tx: &crate::Tx, table: &str) -> Result<Vec<String>, StoreError> {
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
