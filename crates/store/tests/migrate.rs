//! The schema on both engines: a fresh database is the schema that databases made before carry, and
//! such a database, opened by this build, keeps every row and its audit chain. The fixtures are
//! dumps of a database made by the store at schema 9, when it ran its migrations itself.

use std::path::PathBuf;

use sea_orm::ConnectionTrait;
use sea_orm_migration::MigratorTrait;
use shuangyong_domain::{OrgKind, OrgPath};
use shuangyong_store::audit::{self, Actor, Verdict};
use shuangyong_store::benefits::cycle;
use shuangyong_store::crypto::FieldCrypto;
use shuangyong_store::export::ExportFormat;
use shuangyong_store::migration::Migrator;
use shuangyong_store::registry::{self, Sensitive};
use shuangyong_store::{Backend, Scope, Store, org, testing};

/// The schema version of the fixtures.
const FIXTURE_VERSION: u32 = 9;

/// The tables the two runners keep their records in.
const BOOKKEEPING: [&str; 2] = ["schema_migration", "seaql_migrations"];

/// An empty database, its SQLite files removed when dropped.
struct Empty {
    url: String,
    file: Option<PathBuf>,
}

impl Drop for Empty {
    fn drop(&mut self) {
        if let Some(f) = &self.file {
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", f.display()));
            }
        }
    }
}

async fn empty() -> Empty {
    let (url, file) = testing::empty_url().await.unwrap();
    Empty { url, file }
}

/// A database restored from the fixture of the engine the tests run on.
async fn old_database() -> Empty {
    let db = empty().await;
    let store = Store::connect(&db.url).await.unwrap();
    let dump = match store.backend() {
        Backend::Sqlite => include_str!("fixtures/schema9.sqlite.sql"),
        Backend::Postgres => include_str!("fixtures/schema9.postgres.sql"),
    };
    store.conn().execute_unprepared(dump).await.unwrap();
    store.close().await.unwrap();
    db
}

fn county() -> Scope {
    Scope::new(OrgPath::parse("140929").unwrap())
}

/// The fixture's field key.
fn fixture_key() -> FieldCrypto {
    FieldCrypto::from_master(&[7u8; 32])
}

/// Every table, column, type, default, constraint, index, trigger and function, one line each,
/// sorted; the runners' own tables left out.
async fn catalog(store: &Store) -> Vec<String> {
    let queries: &[&str] = match store.backend() {
        Backend::Sqlite => &["SELECT type || ' ' || name || ' on ' || tbl_name || ': ' || COALESCE(sql, '') AS line \
              FROM sqlite_master WHERE tbl_name NOT IN ('schema_migration', 'seaql_migrations')"],
        Backend::Postgres => &[
            "SELECT 'column ' || table_name || '.' || column_name || ' #' || ordinal_position || ' ' || data_type \
                || ' null=' || is_nullable || ' default=' || COALESCE(column_default, '-') \
                || ' collation=' || COALESCE(collation_name, '-') AS line \
             FROM information_schema.columns WHERE table_schema = 'public'",
            "SELECT 'constraint ' || conrelid::regclass::text || ' ' || conname || ': ' || pg_get_constraintdef(oid) \
                AS line FROM pg_constraint WHERE connamespace = 'public'::regnamespace",
            "SELECT 'index ' || indexname || ': ' || indexdef AS line FROM pg_indexes WHERE schemaname = 'public'",
            "SELECT 'trigger ' || tgname || ': ' || pg_get_triggerdef(oid) AS line FROM pg_trigger \
             WHERE NOT tgisinternal",
            "SELECT 'function ' || proname || ': ' || pg_get_functiondef(oid) AS line FROM pg_proc \
             WHERE pronamespace = 'public'::regnamespace",
            "SELECT 'sequence ' || sequence_name || ' ' || data_type AS line FROM information_schema.sequences \
             WHERE sequence_schema = 'public'",
        ],
    };
    let mut lines = Vec::new();
    for sql in queries {
        for r in store.query_all(store.conn(), sql, []).await.unwrap() {
            let line: String = r.try_get("", "line").unwrap();
            if !BOOKKEEPING.iter().any(|t| line.contains(t)) {
                lines.push(line);
            }
        }
    }
    lines.sort();
    lines
}

/// Fails with the lines that differ, not the thousands that agree.
fn assert_same(got: &[String], want: &[String]) {
    let extra: Vec<&String> = got.iter().filter(|l| !want.contains(l)).collect();
    let missing: Vec<&String> = want.iter().filter(|l| !got.contains(l)).collect();
    assert!(
        extra.is_empty() && missing.is_empty() && got.len() == want.len(),
        "extra: {extra:#?}\nmissing: {missing:#?}"
    );
}

/// The row count of every table but the runners' own.
async fn counts(store: &Store) -> Vec<(String, i64)> {
    let tables = match store.backend() {
        Backend::Sqlite => "SELECT name AS t FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
        Backend::Postgres => {
            "SELECT table_name::text AS t FROM information_schema.tables WHERE table_schema = 'public' \
             AND table_type = 'BASE TABLE'"
        }
    };
    let mut out = Vec::new();
    for r in store.query_all(store.conn(), tables, []).await.unwrap() {
        let t: String = r.try_get("", "t").unwrap();
        if !BOOKKEEPING.contains(&t.as_str()) {
            out.push((t.clone(), store.count(&t).await.unwrap()));
        }
    }
    out.sort();
    out
}

/// The migrations recorded by sea-orm-migration.
async fn recorded(store: &Store) -> Vec<String> {
    let rows =
        store.query_all(store.conn(), "SELECT version FROM seaql_migrations ORDER BY version", []).await.unwrap();
    rows.iter().map(|r| r.try_get::<String>("", "version").unwrap()).collect()
}

async fn has_table(store: &Store, table: &str) -> bool {
    sea_orm_migration::SchemaManager::new(store.conn()).has_table(table).await.unwrap()
}

#[tokio::test]
async fn a_fresh_database_at_schema_9_is_the_schema_that_the_old_runner_made() {
    let old = old_database().await;
    let old = Store::connect(&old.url).await.unwrap();
    let fresh = empty().await;
    let fresh = Store::connect(&fresh.url).await.unwrap();
    Migrator::up(fresh.write_conn(), Some(FIXTURE_VERSION)).await.unwrap();
    let (want, got) = (catalog(&old).await, catalog(&fresh).await);
    assert!(want.len() > 100, "{} lines: the fixture was not restored", want.len());
    assert_same(&got, &want);
}

#[tokio::test]
async fn an_old_database_opens_without_running_its_migrations_again_and_loses_nothing() {
    let db = old_database().await;
    let before = Store::connect(&db.url).await.unwrap();
    let rows = counts(&before).await;
    assert_eq!(before.schema_version().await.unwrap(), i64::from(FIXTURE_VERSION));
    assert_eq!(audit::verify(&before).await.unwrap(), Verdict::Intact { entries: 21 });
    before.close().await.unwrap();

    let s = Store::open(&db.url).await.unwrap().with_crypto(fixture_key());
    let all: Vec<String> = shuangyong_store::migration::MIGRATIONS.iter().map(|m| m.name.to_owned()).collect();
    assert_eq!(recorded(&s).await, all);
    assert!(!has_table(&s, "schema_migration").await);
    assert_eq!(s.schema_version().await.unwrap(), shuangyong_store::SCHEMA_VERSION);
    assert_eq!(counts(&s).await, rows);
    let fresh = testing::fresh().await;
    assert_same(&catalog(&s).await, &catalog(&fresh.store).await);

    // The rows read as before: the sealed account opens with the fixture's key, the September
    // line still goes to the account it was paid to, and the chain verifies and goes on.
    assert_eq!(audit::verify(&s).await.unwrap(), Verdict::Intact { entries: 21 });
    let people = s.query_all(s.conn(), "SELECT id FROM person WHERE name = '赵志强'", []).await.unwrap();
    let zhao: i64 = people[0].try_get("", "id").unwrap();
    let tx = s.begin_write().await.unwrap();
    let admin = Actor::system("test");
    let account = registry::reveal(&s, &tx, &admin, &county(), zhao, Sensitive::BankAccount).await.unwrap();
    assert_eq!(account, "6222029999999999994");
    org::create(
        &s,
        &tx,
        &admin,
        org::NewUnit {
            path: OrgPath::parse("140929/03").unwrap(),
            name: "宋家沟乡".into(),
            kind: OrgKind::Township,
            sort: 0,
            note: String::new(),
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let cycles = cycle::list(&s, &county(), None).await.unwrap();
    let bank_file = cycle::export(&s, &admin, &county(), cycles[0].id, ExportFormat::Csv).await.unwrap();
    let bank_file = String::from_utf8(bank_file).unwrap();
    assert!(bank_file.contains("6222021234567890149") && !bank_file.contains("9994"), "{bank_file}");
    assert_eq!(audit::verify(&s).await.unwrap(), Verdict::Intact { entries: 24 });
    let rows = counts(&s).await;
    s.close().await.unwrap();

    // A second open is a no-op.
    let again = Store::connect(&db.url).await.unwrap();
    assert_eq!(again.migrate().await.unwrap(), 0);
    assert_eq!(recorded(&again).await, all);
    assert_eq!(counts(&again).await, rows);
    assert_same(&catalog(&again).await, &catalog(&fresh.store).await);
}

#[tokio::test]
async fn an_old_database_part_way_records_what_it_ran_and_runs_the_rest() {
    let db = empty().await;
    let s = Store::connect(&db.url).await.unwrap();
    // The old runner's records of migrations 1 to 7, and a line paid before 8 and 9 rebuilt its table.
    Migrator::up(s.write_conn(), Some(7)).await.unwrap();
    s.conn().execute_unprepared("DROP TABLE seaql_migrations").await.unwrap();
    s.conn()
        .execute_unprepared(
            "CREATE TABLE schema_migration (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)",
        )
        .await
        .unwrap();
    for m in &shuangyong_store::migration::MIGRATIONS[..7] {
        s.exec(
            s.conn(),
            "INSERT INTO schema_migration (version, name, applied_at) VALUES ($1, $2, '2025-03-01T08:00:00+00:00')",
            [m.version().into(), m.name[5..].into()],
        )
        .await
        .unwrap();
    }
    s.exec(
        s.conn(),
        "INSERT INTO benefit_cycle (county, program_id, period, status, created_by_name, created_at) \
         VALUES ('140929', 7, '2025-02', 'approved', '县级业务员', $1)",
        [shuangyong_store::now().into()],
    )
    .await
    .unwrap();
    s.exec(
        s.conn(),
        "INSERT INTO benefit_cycle_line (cycle_id, county, org_path, person_id, enrolment_id, kind, for_period, \
         std_key, units, annual_fen, amount_fen, name, bank_name, account_sealed, status) \
         VALUES (1, '140929', '140929/01/001', 1, 1, 'regular', '2025-02', '', 4, 288000, 24000, '王建国', \
         '农村信用社', $1, 'paid')",
        [vec![1u8, 2, 3].into()],
    )
    .await
    .unwrap();

    assert_eq!(s.migrate().await.unwrap(), 2);
    let all: Vec<String> = shuangyong_store::migration::MIGRATIONS.iter().map(|m| m.name.to_owned()).collect();
    assert_eq!(recorded(&s).await, all);
    let applied = s
        .query_one(s.conn(), "SELECT applied_at FROM seaql_migrations WHERE version = '0001_init'", [])
        .await
        .unwrap()
        .unwrap();
    assert_eq!(applied.try_get::<i64>("", "applied_at").unwrap(), 1_740_816_000, "the old record's time");
    let line = s
        .query_one(s.conn(), "SELECT name, bank_name, account_sealed, person_version FROM benefit_cycle_line", [])
        .await
        .unwrap()
        .unwrap();
    assert_eq!(line.try_get::<String>("", "name").unwrap(), "王建国");
    assert_eq!(line.try_get::<Option<String>>("", "bank_name").unwrap().as_deref(), Some("农村信用社"));
    assert_eq!(line.try_get::<Option<Vec<u8>>>("", "account_sealed").unwrap(), Some(vec![1, 2, 3]));
    assert_eq!(line.try_get::<Option<i32>>("", "person_version").unwrap(), None);
    let fresh = testing::fresh().await;
    assert_same(&catalog(&s).await, &catalog(&fresh.store).await);
    assert_eq!(s.migrate().await.unwrap(), 0);
}

#[tokio::test]
async fn a_database_newer_than_this_build_is_refused_with_a_sentence() {
    let db = testing::fresh().await;
    let s = &db.store;
    s.exec(s.conn(), "INSERT INTO seaql_migrations (version, applied_at) VALUES ('9999_future', 0)", []).await.unwrap();
    let e = s.migrate().await.unwrap_err();
    assert!(e.to_string().contains("更新版本的程序"), "{e}");
}
