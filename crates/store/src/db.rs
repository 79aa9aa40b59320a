//! Connecting, migrating and transactions.

use std::time::Duration;

use chrono::{DateTime, SubsecRound, Utc};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DatabaseTransaction, DbBackend, DbErr, QueryResult,
    SqliteTransactionMode, Statement, TransactionOptions, TransactionTrait, Value,
};

/// The two engines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// `n` placeholders of a bulk statement from the `first`-th (1-based), comma-separated. SQLite gets
/// plain `?`: it looks each named parameter (`$n`) up in a list, which is quadratic in a statement
/// with thousands.
pub(crate) fn placeholders(backend: Backend, first: usize, n: usize) -> String {
    let mut s = String::with_capacity(n * 6);
    for i in 0..n {
        if i > 0 {
            s.push_str(", ");
        }
        match backend {
            Backend::Sqlite => s.push('?'),
            Backend::Postgres => {
                s.push('$');
                s.push_str(&(first + i).to_string());
            }
        }
    }
    s
}

/// `head` followed by `rows` rows of `width` placeholders each, every row closed by `suffix`
/// (constant columns, e.g. `", 1"`): a multi-row INSERT.
pub(crate) fn insert_sql(backend: Backend, head: &str, rows: usize, width: usize, suffix: &str) -> String {
    let mut sql = String::with_capacity(head.len() + rows * (width * 4 + suffix.len() + 4));
    sql.push_str(head);
    for r in 0..rows {
        sql.push_str(if r == 0 { " (" } else { ", (" });
        sql.push_str(&placeholders(backend, r * width + 1, width));
        sql.push_str(suffix);
        sql.push(')');
    }
    sql
}

/// A write transaction. Dropping it without [`Tx::commit`] rolls everything back.
pub type Tx = DatabaseTransaction;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Something the user can fix: the message is a Chinese sentence saying what to do.
    #[error("{0}")]
    Invalid(String),
    #[error("记录不存在或您无权查看")]
    NotFound,
    #[error("{0}")]
    Conflict(String),
    /// A second registration of an ID number: the message says where the first one is.
    #[error("{message}")]
    Duplicate { existing_id: i64, message: String },
    /// The database's storage refused: the disk is full, the file is read-only or cannot be
    /// opened. The message says what happened and what to do; nothing was written.
    #[error("{message}")]
    Storage {
        message: String,
        #[source]
        source: DbErr,
    },
    #[error(transparent)]
    Db(DbErr),
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

impl From<DbErr> for StoreError {
    fn from(e: DbErr) -> Self {
        match storage_problem(&e.to_string()) {
            Some(message) => StoreError::Storage { message: message.to_owned(), source: e },
            None => StoreError::Db(e),
        }
    }
}

/// A connection error, with a storage problem told in terms of the database it is about.
fn located(e: sea_orm::DbErr, url: &str) -> StoreError {
    match StoreError::from(e) {
        StoreError::Storage { message, source } => StoreError::Storage {
            message: format!("数据库 {url}：{}", sqlite_file_problem(url).unwrap_or(&message)),
            source,
        },
        e => e,
    }
}

/// Why an SQLite file that exists cannot be opened for writing, when the file system says so.
fn sqlite_file_problem(url: &str) -> Option<&'static str> {
    let path = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:"))?;
    let path = std::path::Path::new(path.split('?').next()?);
    let err = std::fs::OpenOptions::new().append(true).open(path).err()?;
    matches!(err.kind(), std::io::ErrorKind::ReadOnlyFilesystem | std::io::ErrorKind::PermissionDenied)
        .then(|| storage_problem("readonly database"))
        .flatten()
}

/// The Chinese sentence for an engine error that comes from the storage under the database
/// (the same words on SQLite and PostgreSQL), if it is one.
fn storage_problem(error: &str) -> Option<&'static str> {
    let e = error.to_lowercase();
    let any = |needles: &[&str]| needles.iter().any(|n| e.contains(n));
    if any(&["database or disk is full", "no space left on device", "could not extend file", "disk quota exceeded"]) {
        Some(
            "数据库所在的磁盘已满，本次操作没有保存任何数据。请清理磁盘空间（或把数据库移到空间充足的磁盘）后重试；\
             如在网页上遇到，请联系系统管理员。",
        )
    } else if any(&["readonly database", "read-only file system", "read-only transaction", "(code: 8)"]) {
        Some(
            "数据库文件是只读的，无法写入，本次操作没有保存任何数据。请检查数据库文件及其所在目录的写权限、\
             磁盘是否以只读方式挂载，改正后重试；如在网页上遇到，请联系系统管理员。",
        )
    } else if any(&["unable to open database file", "(code: 14)"]) {
        Some(
            "无法打开数据库文件：文件所在的目录不存在或不可写，或磁盘以只读方式挂载。\
             请检查 --db 给出的路径、目录的写权限和磁盘后重试。",
        )
    } else if any(&["disk i/o error", "(code: 10)"]) {
        Some(
            "读写数据库文件时磁盘出错（磁盘故障，或空间、文件大小受限），本次操作没有保存任何数据。\
             请检查磁盘（df -h）后重试；如在网页上遇到，请联系系统管理员。",
        )
    } else {
        None
    }
}

impl StoreError {
    pub fn invalid(msg: impl Into<String>) -> Self {
        StoreError::Invalid(msg.into())
    }
}

/// The current time, truncated to microseconds: PostgreSQL keeps µs, SQLite would keep ns, and
/// the audit hash must read back exactly what it hashed.
pub fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}

#[derive(Clone)]
pub struct Store {
    db: DatabaseConnection,
    /// SQLite only: one connection that every write goes through. SQLite takes one writer at a
    /// time; with writers spread over the read pool, those waiting for the lock each held a pooled
    /// connection while the one holding it waited for a connection to read through — until the
    /// busy timeout failed them ("database is locked"). Writers now queue for this connection
    /// without holding any other, and reads inside a write never wait for a writer.
    writer: Option<DatabaseConnection>,
    backend: Backend,
    url: String,
    crypto: Option<std::sync::Arc<crate::crypto::FieldCrypto>>,
}

/// Each SQLite connection's page cache (negative: KiB): 64 MiB.
const SQLITE_CACHE_KIB: i64 = -65536;

/// Rows of each index ANALYZE looks at (SQLite's recommendation: a few hundred to a few thousand).
const ANALYSIS_LIMIT: i64 = 1000;

/// SQLite's automatic checkpoint: after a commit that leaves this many pages in the WAL.
const WAL_AUTOCHECKPOINT_PAGES: i64 = 1000;

/// The SQLite writer's page cache during a bulk write (negative: KiB): at most 1 GiB.
const LARGE_CACHE_KIB: i64 = -1_048_576;

/// What a bulk write does, for [`Store::with_large_write_cache`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bulk {
    /// Not much: the writer as it is.
    Small,
    /// Writes many new rows (an import).
    Writing,
    /// Reads much of what is there as it writes (a month's payments, the enrolment of claims).
    Reading,
}

/// How much of the database file the SQLite writer maps during a bulk write: SQLite's own limit on
/// Linux, just under 2 GiB (the rest of a larger file is read as usual); unmapped afterwards.
const LARGE_MMAP_BYTES: i64 = 0x7fff_0000;

fn no_key() -> StoreError {
    StoreError::invalid("未提供密钥文件：请用 --key-file 或环境变量 SHUANGYONG_KEY_FILE 指定加密敏感信息的密钥文件")
}

impl Store {
    /// Connects to `sqlite://FILE` (created if missing; WAL, foreign keys, busy timeout) or
    /// `postgres://…`.
    pub async fn connect(url: &str) -> Result<Store, StoreError> {
        let backend = if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else {
            return Err(StoreError::invalid(format!(
                "无法识别的数据库地址“{url}”：请使用 sqlite://文件名 或 postgres://用户@主机/库名"
            )));
        };
        let options = |max: u32| {
            let mut opts = ConnectOptions::new(url.to_owned());
            opts.sqlx_logging(false).connect_timeout(Duration::from_secs(10)).acquire_timeout(Duration::from_secs(30));
            match backend {
                Backend::Sqlite => {
                    opts.max_connections(max).min_connections(1).map_sqlx_sqlite_opts(|o| {
                        o.create_if_missing(true)
                            .journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                            .synchronous(sea_orm::sqlx::sqlite::SqliteSynchronous::Normal)
                            .foreign_keys(true)
                            .busy_timeout(Duration::from_secs(10))
                            // 64 MiB of page cache per connection, temporary B-trees in memory.
                            .pragma("cache_size", SQLITE_CACHE_KIB.to_string())
                            .pragma("temp_store", "memory")
                            // LIKE as case-sensitive as `=`: then `org_path LIKE '140929/01/%'` (every
                            // scope) is a range on the org_path index instead of a scan of the table.
                            .pragma("case_sensitive_like", "ON")
                            // ANALYZE (PRAGMA optimize after an import) samples about this many
                            // rows of each index: the statistics the planner needs in milliseconds,
                            // where a full ANALYZE of a million people takes seconds.
                            .pragma("analysis_limit", ANALYSIS_LIMIT.to_string())
                    });
                }
                Backend::Postgres => {
                    opts.max_connections(max).min_connections(1);
                }
            }
            opts
        };
        let (db, writer) = match backend {
            Backend::Sqlite => {
                let db = Database::connect(options(8)).await.map_err(|e| located(e, url))?;
                // An in-memory database is one per connection: there, writes share the pool.
                let shared_file = !url.contains(":memory:") && !url.contains("mode=memory");
                let writer = if shared_file {
                    Some(Database::connect(options(1)).await.map_err(|e| located(e, url))?)
                } else {
                    None
                };
                (db, writer)
            }
            Backend::Postgres => (Database::connect(options(16)).await.map_err(|e| located(e, url))?, None),
        };
        Ok(Store { db, writer, backend, url: url.to_owned(), crypto: None })
    }

    /// Connects and brings the schema up to date.
    pub async fn open(url: &str) -> Result<Store, StoreError> {
        let store = Store::connect(url).await?;
        store.migrate().await?;
        Ok(store)
    }

    /// The same store with the field keys, needed by everything that touches people.
    pub fn with_crypto(mut self, crypto: crate::crypto::FieldCrypto) -> Store {
        self.crypto = Some(std::sync::Arc::new(crypto));
        self
    }

    /// The field keys, shared with a thread of their own (a bulk import builds its rows on one).
    pub fn crypto_shared(&self) -> Result<std::sync::Arc<crate::crypto::FieldCrypto>, StoreError> {
        self.crypto.clone().ok_or_else(no_key)
    }

    /// The field keys, or a clear error when the store was opened without them.
    pub fn crypto(&self) -> Result<&crate::crypto::FieldCrypto, StoreError> {
        self.crypto.as_deref().ok_or_else(no_key)
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    pub fn conn(&self) -> &DatabaseConnection {
        &self.db
    }

    /// Runs a bulk write (`work`) with the SQLite writer's page cache grown to up to 1 GiB (unless
    /// `bulk` is [`Bulk::Small`]): what it writes stays in memory until it commits, instead of
    /// spilling into the WAL and being read back. Its commit does not wait for the WAL to be copied
    /// back into the database file (for a million lines, about as long again as writing them): the
    /// writer's automatic checkpoint is off during the work and a checkpoint runs on a pooled
    /// connection afterwards, in the background ([`Store::checkpoint`] waits for one). For
    /// [`Bulk::Reading`] the database file is read through a memory map meanwhile: the rows it
    /// reads (a million people for a month's payments) come from the operating system's cache
    /// without a copy into a page cache that starts empty (a month's run of a million lines a third
    /// of a second faster). The usual 64 MiB, no map and the automatic checkpoint come back whatever `work`
    /// returns; nothing changes on PostgreSQL.
    pub async fn with_large_write_cache<T>(
        &self,
        bulk: Bulk,
        work: impl std::future::Future<Output = Result<T, StoreError>>,
    ) -> Result<T, StoreError> {
        let grow = bulk != Bulk::Small && self.backend == Backend::Sqlite;
        let map = grow && bulk == Bulk::Reading;
        if grow {
            self.exec(self.write_conn(), &format!("PRAGMA cache_size = {LARGE_CACHE_KIB}"), []).await?;
            self.exec(self.write_conn(), "PRAGMA wal_autocheckpoint = 0", []).await?;
        }
        if map {
            self.exec(self.write_conn(), &format!("PRAGMA mmap_size = {LARGE_MMAP_BYTES}"), []).await?;
        }
        let out = work.await;
        if map {
            self.exec(self.write_conn(), "PRAGMA mmap_size = 0", []).await?;
        }
        if grow {
            self.exec(self.write_conn(), &format!("PRAGMA cache_size = {SQLITE_CACHE_KIB}"), []).await?;
            self.exec(self.write_conn(), &format!("PRAGMA wal_autocheckpoint = {WAL_AUTOCHECKPOINT_PAGES}"), [])
                .await?;
            let store = self.clone();
            tokio::spawn(async move {
                if let Err(e) = store.query_one(&store.db, "PRAGMA wal_checkpoint(PASSIVE)", []).await {
                    tracing::warn!(error = %e, "background checkpoint");
                }
            });
        }
        out
    }

    /// Copies what the WAL holds back into the SQLite database file (a passive checkpoint, on a
    /// pooled connection: writers and readers go on meanwhile), waiting for one in progress; gives
    /// up after 30 s when readers keep old pages in use. Nothing on PostgreSQL.
    pub async fn checkpoint(&self) -> Result<(), StoreError> {
        if self.backend != Backend::Sqlite {
            return Ok(());
        }
        let started = std::time::Instant::now();
        // Another connection's checkpoint in progress makes this one return busy at once: wait
        // for it (a bounded number of times), so that the WAL is copied when this returns.
        for _ in 0..600 {
            let r = self
                .query_one(&self.db, "PRAGMA wal_checkpoint(PASSIVE)", [])
                .await?
                .ok_or_else(|| anyhow::anyhow!("wal_checkpoint returned nothing"))?;
            let (busy, log, done): (i64, i64, i64) =
                (r.try_get_by_index(0)?, r.try_get_by_index(1)?, r.try_get_by_index(2)?);
            if busy == 0 && done >= log {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        tracing::debug!(elapsed = ?started.elapsed(), "checkpoint");
        Ok(())
    }

    /// Where a single write statement outside a transaction goes (sessions, flash messages): on
    /// SQLite the one writer connection, so it queues behind a write transaction instead of
    /// holding a pooled connection while it waits for the lock.
    pub fn write_conn(&self) -> &DatabaseConnection {
        self.writer.as_ref().unwrap_or(&self.db)
    }

    fn db_backend(&self) -> DbBackend {
        match self.backend {
            Backend::Sqlite => DbBackend::Sqlite,
            Backend::Postgres => DbBackend::Postgres,
        }
    }

    /// A statement for this engine. SQL is written once with `$1, $2, …` placeholders, which both
    /// engines accept.
    pub fn stmt(&self, sql: &str, values: impl IntoIterator<Item = Value>) -> Statement {
        Statement::from_sql_and_values(self.db_backend(), sql, values)
    }

    /// Begins a write transaction. On SQLite it takes the write lock at once (`BEGIN IMMEDIATE`),
    /// so two writers queue on the busy timeout instead of failing when a read turns into a write.
    pub async fn begin_write(&self) -> Result<Tx, StoreError> {
        let opts = TransactionOptions {
            sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
            ..Default::default()
        };
        Ok(self.write_conn().begin_with_options(opts).await?)
    }

    /// Runs a query and returns all rows.
    pub async fn query_all<C: ConnectionTrait>(
        &self,
        conn: &C,
        sql: &str,
        values: impl IntoIterator<Item = Value>,
    ) -> Result<Vec<QueryResult>, StoreError> {
        Ok(conn.query_all_raw(self.stmt(sql, values)).await?)
    }

    /// Runs a query and returns the first row, if any.
    pub async fn query_one<C: ConnectionTrait>(
        &self,
        conn: &C,
        sql: &str,
        values: impl IntoIterator<Item = Value>,
    ) -> Result<Option<QueryResult>, StoreError> {
        Ok(conn.query_one_raw(self.stmt(sql, values)).await?)
    }

    /// Runs a statement and returns the number of rows it touched.
    pub async fn exec<C: ConnectionTrait>(
        &self,
        conn: &C,
        sql: &str,
        values: impl IntoIterator<Item = Value>,
    ) -> Result<u64, StoreError> {
        Ok(conn.execute_raw(self.stmt(sql, values)).await?.rows_affected())
    }

    /// Runs a `SELECT COUNT(*) AS n …` and returns n.
    pub async fn count_of<C: ConnectionTrait>(
        &self,
        conn: &C,
        sql: &str,
        values: impl IntoIterator<Item = Value>,
    ) -> Result<i64, StoreError> {
        Ok(self.query_one(conn, sql, values).await?.map(|r| r.try_get::<i64>("", "n")).transpose()?.unwrap_or(0))
    }

    /// Counts rows of a table (for backups, tests and the admin overview).
    pub async fn count(&self, table: &str) -> Result<i64, StoreError> {
        debug_assert!(table.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'));
        self.count_of(&self.db, &format!("SELECT COUNT(*) AS n FROM {table}"), []).await
    }

    pub async fn close(self) -> Result<(), StoreError> {
        if let Some(w) = self.writer {
            w.close().await?;
        }
        self.db.close().await?;
        Ok(())
    }
}

/// Turns a unique-key violation (on either engine) into a conflict the user can act on; a race
/// between two clerks adding the same thing lands here.
pub(crate) fn conflict_on_unique(e: StoreError, message: &str) -> StoreError {
    match &e {
        StoreError::Db(db) => {
            let s = db.to_string();
            if s.contains("UNIQUE constraint failed") || s.contains("duplicate key value") {
                StoreError::Conflict(message.to_owned())
            } else {
                e
            }
        }
        _ => e,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bulk_placeholders_number_rows_in_order_on_postgres_and_are_plain_on_sqlite() {
        assert_eq!(placeholders(Backend::Postgres, 3, 2), "$3, $4");
        assert_eq!(placeholders(Backend::Sqlite, 3, 2), "?, ?");
        assert_eq!(
            insert_sql(Backend::Postgres, "INSERT INTO t (a, b, c) VALUES", 2, 2, ", 1"),
            "INSERT INTO t (a, b, c) VALUES ($1, $2, 1), ($3, $4, 1)"
        );
        assert_eq!(insert_sql(Backend::Sqlite, "X", 1, 3, ""), "X (?, ?, ?)");
    }
}
