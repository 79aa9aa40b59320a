//! Fresh databases for tests: SQLite by default, PostgreSQL when `SHUANGYONG_TEST_PG` holds a
//! server URL (e.g. `postgres://postgres@127.0.0.1:5432`). Every call gets a database of its own.

use std::path::PathBuf;

use rand::RngCore;
use sea_orm::ConnectionTrait;

use crate::{Store, StoreError};

/// A test database; the SQLite file is removed when this is dropped.
pub struct TestDb {
    pub store: Store,
    pub url: String,
    file: Option<PathBuf>,
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some(f) = &self.file {
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", f.display()));
            }
        }
    }
}

fn unique_name() -> String {
    let mut b = [0u8; 6];
    rand::rng().fill_bytes(&mut b);
    format!("sy_test_{}_{}", std::process::id(), hex::encode(b))
}

/// The engine the tests run on, for messages.
pub fn engine() -> &'static str {
    if std::env::var("SHUANGYONG_TEST_PG").is_ok_and(|v| !v.is_empty()) { "postgres" } else { "sqlite" }
}

/// The URL of a new, empty database (not yet migrated).
pub async fn empty_url() -> Result<(String, Option<PathBuf>), StoreError> {
    let name = unique_name();
    match std::env::var("SHUANGYONG_TEST_PG").ok().filter(|v| !v.is_empty()) {
        Some(server) => {
            let base = server_base(&server);
            let admin = Store::connect(&format!("{base}/postgres")).await?;
            admin.conn().execute_unprepared(&format!("CREATE DATABASE {name}")).await?;
            admin.close().await?;
            Ok((format!("{base}/{name}"), None))
        }
        None => {
            let file = std::env::temp_dir().join(format!("{name}.db"));
            Ok((format!("sqlite://{}", file.display()), Some(file)))
        }
    }
}

/// `postgres://user@host:port` of a URL that may name a database and options.
fn server_base(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("postgres", url));
    let authority = rest.split(['/', '?']).next().unwrap_or(rest);
    format!("{scheme}://{authority}")
}

/// A new database with the schema in place.
pub async fn fresh() -> TestDb {
    let (url, file) = empty_url().await.expect("create a test database");
    let store = Store::open(&url)
        .await
        .expect("open and migrate the test database")
        .with_crypto(crate::crypto::FieldCrypto::from_master(&rand::random()));
    TestDb { store, url, file }
}

/// A new database holding the given org units (path, name, kind), parents first.
pub async fn with_units(units: &[(&str, &str, shuangyong_domain::OrgKind)]) -> TestDb {
    let db = fresh().await;
    let s = &db.store;
    let tx = s.begin_write().await.expect("begin");
    for (path, name, kind) in units {
        let unit = crate::org::NewUnit {
            path: shuangyong_domain::OrgPath::parse(path).expect("a valid test path"),
            name: (*name).into(),
            kind: *kind,
            sort: 0,
            note: String::new(),
        };
        crate::org::create(s, &tx, &crate::audit::Actor::system("test"), unit).await.expect("create a test unit");
    }
    tx.commit().await.expect("commit");
    db
}
