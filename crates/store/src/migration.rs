//! The schema: one SQL file per migration in `migrations/`, written once for both engines and run
//! by sea-orm-migration, which records what it applied in `seaql_migrations`.
//!
//! A file is PostgreSQL's SQL. SQLite runs the same text with the type names in capitals turned into
//! SQLite's ([`sqlite_spelling`]). What really differs (triggers, functions, SQLite's table rebuilds
//! where PostgreSQL alters a table) stands in blocks that one engine only runs:
//!
//! ```sql
//! -- engine: sqlite
//! CREATE TRIGGER …;
//! -- engine: postgres
//! CREATE FUNCTION …;
//! -- engine: both
//! ```
//!
//! A new migration is a new file and its line in [`MIGRATIONS`]; a migration once released never
//! changes, since databases have run it.

use sea_orm::{ActiveValue, ConnectionTrait, DbBackend, DbErr, EntityTrait, TransactionTrait};
use sea_orm_migration::{MigrationName, MigrationTrait, MigratorTrait, SchemaManager, async_trait, seaql_migrations};

use crate::{Backend, Store, StoreError};

/// A migration: its name (the file's, without `.sql`) and its SQL.
#[derive(Debug, Clone, Copy)]
pub struct SqlMigration {
    pub name: &'static str,
    pub sql: &'static str,
}

macro_rules! migrations {
    ($($name:literal),* $(,)?) => {
        &[$(SqlMigration { name: $name, sql: include_str!(concat!("../migrations/", $name, ".sql")) }),*]
    };
}

/// The newest schema version this build knows.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// Every migration, in the order they run.
pub const MIGRATIONS: &[SqlMigration] = migrations![
    "0001_init",
    "0002_registry",
    "0003_benefits",
    "0004_cases",
    "0005_work",
    "0006_assessment",
    "0007_search",
    "0008_cycle_lines",
    "0009_line_accounts",
];

impl SqlMigration {
    /// The number a name starts with: the schema version once this migration has run.
    pub fn version(&self) -> i64 {
        version_of(self.name).unwrap_or(0)
    }
}

fn version_of(name: &str) -> Option<i64> {
    name.get(..4)?.parse().ok()
}

impl MigrationName for SqlMigration {
    fn name(&self) -> &str {
        self.name
    }
}

#[async_trait::async_trait]
impl MigrationTrait for SqlMigration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let conn = manager.get_connection();
        let backend = match conn.get_database_backend() {
            DbBackend::Sqlite => Backend::Sqlite,
            _ => Backend::Postgres,
        };
        let sql = for_engine(self.sql, backend).map_err(|e| DbErr::Migration(format!("{}: {e}", self.name)))?;
        conn.execute_unprepared(&sql).await?;
        Ok(())
    }

    /// A migration and its record commit together on SQLite too, as on PostgreSQL: one that fails
    /// half-way leaves nothing behind to trip the next attempt.
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }
}

/// The runner over [`MIGRATIONS`].
pub struct Migrator;

impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        MIGRATIONS.iter().map(|m| Box::new(*m) as Box<dyn MigrationTrait>).collect()
    }
}

/// A migration's text for one engine: the lines of the other engine's blocks left out, and for
/// SQLite the types spelled as SQLite's.
pub fn for_engine(source: &str, backend: Backend) -> Result<String, String> {
    let mut out = String::with_capacity(source.len());
    let mut only = None;
    for (n, line) in source.split_inclusive('\n').enumerate() {
        if let Some(marker) = line.trim_end().strip_prefix("-- engine:") {
            only = match marker.trim() {
                "sqlite" => Some(Backend::Sqlite),
                "postgres" => Some(Backend::Postgres),
                "both" => None,
                other => return Err(format!("line {}: unknown engine “{other}”", n + 1)),
            };
        } else if only.is_none_or(|b| b == backend) {
            out.push_str(line);
        }
    }
    if only.is_some() {
        return Err("a block of one engine is not closed by `-- engine: both`".into());
    }
    Ok(match backend {
        Backend::Postgres => out,
        Backend::Sqlite => sqlite_spelling(&out),
    })
}

/// PostgreSQL's types in SQLite's words: `BIGSERIAL` and `BIGINT` are `INTEGER` (so that an
/// `INTEGER PRIMARY KEY` is the rowid), `INT8` (a `BIGINT` too) is `BIGINT` for the columns SQLite
/// has always declared so, times and dates `TEXT`, bytes `BLOB`, booleans 0 and 1.
/// `COLLATE "C"` and `text_pattern_ops` go: SQLite compares bytes and its LIKE uses a plain index
/// (`case_sensitive_like`). String literals and comments are left as they are.
fn sqlite_spelling(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut rest = sql;
    while let Some(c) = rest.chars().next() {
        let len = if c == '\'' {
            // A doubled quote inside a literal reads as two literals back to back: same result.
            rest[1..].find('\'').map_or(rest.len(), |i| i + 2)
        } else if rest.starts_with("--") {
            rest.find('\n').unwrap_or(rest.len())
        } else if c.is_ascii_alphabetic() || c == '_' {
            let len = rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(rest.len());
            let (word, after) = rest.split_at(len);
            let dropped = match word {
                "COLLATE" if after.starts_with(" \"C\"") => Some(len + 4),
                "text_pattern_ops" => Some(len),
                _ => None,
            };
            if let Some(skip) = dropped {
                out.truncate(out.trim_end_matches(' ').len());
                rest = &rest[skip..];
                continue;
            }
            out.push_str(match word {
                "BIGSERIAL" | "BIGINT" => "INTEGER",
                "INT8" => "BIGINT",
                "TIMESTAMPTZ" | "DATE" => "TEXT",
                "BYTEA" => "BLOB",
                "FALSE" => "0",
                "TRUE" => "1",
                w => w,
            });
            rest = after;
            continue;
        } else {
            c.len_utf8()
        };
        out.push_str(&rest[..len]);
        rest = &rest[len..];
    }
    out
}

impl Store {
    /// Applies the migrations not yet applied, each in its own transaction. Returns how many ran.
    pub async fn migrate(&self) -> Result<usize, StoreError> {
        let conn = self.write_conn();
        adopt_schema_migration(self).await?;
        let applied = Migrator::get_migration_models(conn).await?;
        if let Some(newer) = applied.iter().find(|m| !MIGRATIONS.iter().any(|k| k.name == m.version)) {
            return Err(StoreError::invalid(format!(
                "数据库已由更新版本的程序升级（结构版本 {}），本程序不认识：请使用与之相同或更新版本的程序打开",
                newer.version
            )));
        }
        let pending = MIGRATIONS.len() - applied.len();
        Migrator::up(conn, None).await?;
        Ok(pending)
    }

    /// The schema version in force: the number of the last migration applied. Reads only, so
    /// that a file about to be restored is not changed by looking at it.
    pub async fn schema_version(&self) -> Result<i64, StoreError> {
        let manager = SchemaManager::new(self.conn());
        let versions: Vec<i64> = if manager.has_table("seaql_migrations").await? {
            let rows = self.query_all(self.conn(), "SELECT version FROM seaql_migrations", []).await?;
            rows.iter().filter_map(|r| version_of(&r.try_get::<String>("", "version").ok()?)).collect()
        } else if manager.has_table("schema_migration").await? {
            // A database not yet opened by this build.
            let rows = self.query_all(self.conn(), "SELECT version FROM schema_migration", []).await?;
            rows.iter().map(|r| r.try_get::<i64>("", "version")).collect::<Result<_, _>>()?
        } else {
            return Err(StoreError::invalid("数据库中没有本系统的结构版本记录"));
        };
        Ok(versions.into_iter().max().unwrap_or(0))
    }
}

/// A database made when the store ran its migrations itself holds the versions applied in
/// `schema_migration`: they go into `seaql_migrations` with their times, so that nothing runs
/// twice, and the old table goes, all in one transaction.
async fn adopt_schema_migration(store: &Store) -> Result<(), StoreError> {
    let tx = store.write_conn().begin().await?;
    if !SchemaManager::new(&tx).has_table("schema_migration").await? {
        return Ok(());
    }
    Migrator::install(&tx).await?;
    let rows =
        store.query_all(&tx, "SELECT version, name, applied_at FROM schema_migration ORDER BY version", []).await?;
    let mut records = Vec::with_capacity(rows.len());
    for r in rows {
        let (version, name, at): (i64, String, String) =
            (r.try_get("", "version")?, r.try_get("", "name")?, r.try_get("", "applied_at")?);
        let migration = MIGRATIONS
            .iter()
            .find(|m| m.version() == version && m.name[5..] == name)
            .ok_or_else(|| anyhow::anyhow!("schema_migration holds an unknown migration {version} {name}"))?;
        let applied_at =
            chrono::DateTime::parse_from_rfc3339(&at).map_or_else(|_| crate::now().timestamp(), |t| t.timestamp());
        records.push(seaql_migrations::ActiveModel {
            version: ActiveValue::Set(migration.name.to_owned()),
            applied_at: ActiveValue::Set(applied_at),
        });
    }
    if !records.is_empty() {
        seaql_migrations::Entity::insert_many(records).exec(&tx).await?;
    }
    tx.execute_unprepared("DROP TABLE schema_migration").await?;
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_go_to_their_engine_and_sqlite_gets_its_own_type_names() {
        let source = "CREATE TABLE t (\n    id BIGSERIAL PRIMARY KEY,\n    n BIGINT NOT NULL DEFAULT 0,\n    \
                      on_day DATE, at TIMESTAMPTZ NOT NULL, b BYTEA, m INT8, f BOOLEAN NOT NULL DEFAULT FALSE,\n    \
                      name TEXT COLLATE \"C\" NOT NULL, note TEXT NOT NULL DEFAULT 'DATE BIGINT'\n);\n\
                      -- engine: postgres\nCREATE INDEX t_name ON t(name text_pattern_ops);\n\
                      -- engine: sqlite\n-- DATE stays in a comment\nCREATE INDEX t_name ON t(name);\n\
                      -- engine: both\nSELECT 1;\n";
        assert_eq!(
            for_engine(source, Backend::Postgres).unwrap(),
            "CREATE TABLE t (\n    id BIGSERIAL PRIMARY KEY,\n    n BIGINT NOT NULL DEFAULT 0,\n    \
             on_day DATE, at TIMESTAMPTZ NOT NULL, b BYTEA, m INT8, f BOOLEAN NOT NULL DEFAULT FALSE,\n    \
             name TEXT COLLATE \"C\" NOT NULL, note TEXT NOT NULL DEFAULT 'DATE BIGINT'\n);\n\
             CREATE INDEX t_name ON t(name text_pattern_ops);\nSELECT 1;\n"
        );
        assert_eq!(
            for_engine(source, Backend::Sqlite).unwrap(),
            "CREATE TABLE t (\n    id INTEGER PRIMARY KEY,\n    n INTEGER NOT NULL DEFAULT 0,\n    \
             on_day TEXT, at TEXT NOT NULL, b BLOB, m BIGINT, f BOOLEAN NOT NULL DEFAULT 0,\n    \
             name TEXT NOT NULL, note TEXT NOT NULL DEFAULT 'DATE BIGINT'\n);\n\
             -- DATE stays in a comment\nCREATE INDEX t_name ON t(name);\nSELECT 1;\n"
        );
        // Words that only contain a type name stay whole; a doubled quote stays inside its literal.
        assert_eq!(sqlite_spelling("status_date, DATED, 'it''s DATE'"), "status_date, DATED, 'it''s DATE'");
    }

    #[test]
    fn a_block_left_open_or_an_unknown_engine_is_refused() {
        assert!(for_engine("-- engine: sqlite\nSELECT 1;\n", Backend::Postgres).is_err());
        assert!(for_engine("-- engine: mysql\nSELECT 1;\n-- engine: both\n", Backend::Sqlite).is_err());
    }

    #[test]
    fn every_file_is_listed_once_in_order_and_reads_for_both_engines() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations");
        let mut files: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .filter_map(|f| f.strip_suffix(".sql").map(str::to_owned))
            .collect();
        files.sort();
        let listed: Vec<&str> = MIGRATIONS.iter().map(|m| m.name).collect();
        assert_eq!(files, listed, "a file in migrations/ and its line in MIGRATIONS");
        for (i, m) in MIGRATIONS.iter().enumerate() {
            assert_eq!(m.version(), i as i64 + 1, "{}: numbered 0001, 0002, … without gaps", m.name);
            for backend in [Backend::Sqlite, Backend::Postgres] {
                for_engine(m.sql, backend).unwrap_or_else(|e| panic!("{}: {e}", m.name));
            }
        }
    }
}
