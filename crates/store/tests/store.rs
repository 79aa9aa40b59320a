//! Store tests; they run on SQLite, or on PostgreSQL when SHUANGYONG_TEST_PG is set.

use sea_orm::ConnectionTrait;
use shuangyong_domain::{OrgKind, OrgPath, Role};
use shuangyong_store::audit::{self, Actor, Change, Problem, Verdict};
use shuangyong_store::org::{self, NewUnit};
use shuangyong_store::testing::{self, TestDb};
use shuangyong_store::user::{self, LoginError, NewUser};
use shuangyong_store::{Backend, Scope, Store, session};

fn path(s: &str) -> OrgPath {
    OrgPath::parse(s).unwrap()
}

async fn seed_tree(store: &Store) {
    let tx = store.begin_write().await.unwrap();
    let a = Actor::system("test");
    for (p, name, kind) in [
        ("140929", "岢岚县", OrgKind::County),
        ("140929/01", "岚漪镇", OrgKind::Township),
        ("140929/02", "三井镇", OrgKind::Township),
        ("140929/01/001", "团城村", OrgKind::Village),
        ("140929/02/001", "三井村", OrgKind::Village),
    ] {
        org::create(store, &tx, &a, NewUnit { path: path(p), name: name.into(), kind, sort: 0, note: String::new() })
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();
}

async fn add_user(store: &Store, name: &str, role: Role, at: &str) -> user::User {
    let tx = store.begin_write().await.unwrap();
    let u = user::create(
        store,
        &tx,
        &Actor::system("test"),
        &Scope::new(path("140929")),
        NewUser {
            username: name.into(),
            display_name: "测试".into(),
            role,
            org_path: path(at),
            password: "Passw0rd-test".into(),
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    u
}

#[tokio::test]
async fn migrations_run_on_an_empty_database_and_are_idempotent() {
    let (url, file) = testing::empty_url().await.unwrap();
    let store = Store::connect(&url).await.unwrap();
    assert_eq!(store.migrate().await.unwrap() as i64, shuangyong_store::SCHEMA_VERSION);
    assert_eq!(store.migrate().await.unwrap(), 0);
    assert_eq!(store.schema_version().await.unwrap(), shuangyong_store::SCHEMA_VERSION);
    for table in ["org_unit", "app_user", "user_session", "login_attempt", "audit_log"] {
        assert_eq!(store.count(table).await.unwrap(), 0, "{table}");
    }
    if let Some(f) = file {
        assert_eq!(store.backend(), Backend::Sqlite);
        let mode = store.query_one(store.conn(), "PRAGMA journal_mode", []).await.unwrap().unwrap();
        assert_eq!(mode.try_get_by_index::<String>(0).unwrap(), "wal");
        let _ = std::fs::remove_file(f);
    }
}

#[tokio::test]
async fn a_change_and_its_audit_entry_commit_or_roll_back_together() {
    let db = testing::fresh().await;
    seed_tree(&db.store).await;
    let before = audit::count(&db.store, db.store.conn()).await.unwrap();
    {
        let tx = db.store.begin_write().await.unwrap();
        org::create(
            &db.store,
            &tx,
            &Actor::system("test"),
            NewUnit {
                path: path("140929/03"),
                name: "神堂坪乡".into(),
                kind: OrgKind::Township,
                sort: 0,
                note: String::new(),
            },
        )
        .await
        .unwrap();
        // Dropped without commit.
    }
    assert_eq!(audit::count(&db.store, db.store.conn()).await.unwrap(), before);
    assert!(org::get(&db.store, &Scope::new(path("140929")), &path("140929/03")).await.is_err());
    assert!(matches!(audit::verify(&db.store).await.unwrap(), Verdict::Intact { .. }));
}

#[tokio::test]
async fn org_tree_rules() {
    let db = testing::fresh().await;
    seed_tree(&db.store).await;
    let s = &db.store;
    let a = Actor::system("test");
    let tx = s.begin_write().await.unwrap();
    let e = org::create(
        s,
        &tx,
        &a,
        NewUnit {
            path: path("140929/05/001"),
            name: "某村".into(),
            kind: OrgKind::Village,
            sort: 0,
            note: String::new(),
        },
    )
    .await
    .unwrap_err();
    assert!(e.to_string().contains("上级单位"), "{e}");
    let e = org::create(
        s,
        &tx,
        &a,
        NewUnit {
            path: path("140929/01"), name: "重复".into(), kind: OrgKind::Township, sort: 0, note: String::new()
        },
    )
    .await
    .unwrap_err();
    assert!(e.to_string().contains("已被使用"), "{e}");
    let e = org::create(
        s,
        &tx,
        &a,
        NewUnit {
            path: path("140929/01/002"),
            name: "某部".into(),
            kind: OrgKind::MilitaryUnit,
            sort: 0,
            note: String::new(),
        },
    )
    .await
    .unwrap_err();
    assert!(e.to_string().contains("编码应为2级"), "{e}");
    drop(tx);
    let town = Scope::new(path("140929/01"));
    let seen: Vec<String> = org::list(s, &town).await.unwrap().into_iter().map(|u| u.path.to_string()).collect();
    assert_eq!(seen, ["140929/01", "140929/01/001"]);
    assert!(org::get(s, &town, &path("140929/02")).await.is_err());
    assert_eq!(org::next_child_segment(s, &path("140929")).await.unwrap(), "03");
    assert_eq!(org::next_child_segment(s, &path("140929/01")).await.unwrap(), "002");
}

#[tokio::test]
async fn users_are_listed_and_read_only_within_scope() {
    let db = testing::fresh().await;
    seed_tree(&db.store).await;
    let s = &db.store;
    add_user(s, "lanyi", Role::TownshipClerk, "140929/01").await;
    let sanjing = add_user(s, "sanjing", Role::TownshipClerk, "140929/02").await;
    let town = Scope::new(path("140929/01"));
    let (users, total) = user::list(s, &town, Default::default()).await.unwrap();
    assert_eq!(total, 1);
    assert_eq!(users[0].username, "lanyi");
    assert!(user::get(s, &town, sanjing.id).await.is_err());
    // An admin of one township cannot put a user into another.
    let tx = s.begin_write().await.unwrap();
    let e = user::create(
        s,
        &tx,
        &Actor::system("test"),
        &town,
        NewUser {
            username: "xx1".into(),
            display_name: "某".into(),
            role: Role::VillageContact,
            org_path: path("140929/02/001"),
            password: "Passw0rd-x".into(),
        },
    )
    .await
    .unwrap_err();
    assert!(e.to_string().contains("管辖范围"), "{e}");
}

#[tokio::test]
async fn passwords_and_user_names_are_checked() {
    assert!(user::validate_password("short1").is_err());
    assert!(user::validate_password("onlyletters").is_err());
    assert!(user::validate_password("12345678").is_err());
    assert!(user::validate_password("good-pass-1").is_ok());
    assert!(user::validate_username("ab").is_err());
    assert!(user::validate_username("张三").is_err());
    assert_eq!(user::validate_username(" ZhangSan ").unwrap(), "zhangsan");
}

#[tokio::test]
async fn login_throttling_locks_the_account_and_address_pair() {
    let db = testing::fresh().await;
    seed_tree(&db.store).await;
    let s = &db.store;
    add_user(s, "lanyi", Role::TownshipClerk, "140929/01").await;
    assert_eq!(
        user::authenticate(s, "lanyi", "wrong", "10.0.0.1").await.unwrap().unwrap_err(),
        LoginError::BadCredentials
    );
    assert!(user::authenticate(s, "LANYI", "Passw0rd-test", "10.0.0.1").await.unwrap().is_ok());
    for i in 1..user::MAX_FAILURES {
        let r = user::authenticate(s, "lanyi", "wrong", "10.0.0.1").await.unwrap();
        assert_eq!(r.unwrap_err(), LoginError::BadCredentials, "failure {i}");
    }
    let r = user::authenticate(s, "lanyi", "wrong", "10.0.0.1").await.unwrap();
    assert!(matches!(r, Err(LoginError::Locked { .. })), "{r:?}");
    // Locked even with the right password, from that address only.
    let r = user::authenticate(s, "lanyi", "Passw0rd-test", "10.0.0.1").await.unwrap();
    let e = r.unwrap_err();
    assert!(e.to_string().contains("分钟后再试"), "{e}");
    assert!(user::authenticate(s, "lanyi", "Passw0rd-test", "10.0.0.2").await.unwrap().is_ok());
    // Unknown users fail like wrong passwords.
    assert_eq!(
        user::authenticate(s, "nobody", "x", "10.0.0.1").await.unwrap().unwrap_err(),
        LoginError::BadCredentials
    );
    assert!(matches!(audit::verify(s).await.unwrap(), Verdict::Intact { .. }));
}

#[tokio::test]
async fn disabled_users_cannot_log_in_and_lose_their_sessions() {
    let db = testing::fresh().await;
    seed_tree(&db.store).await;
    let s = &db.store;
    let u = add_user(s, "lanyi", Role::TownshipClerk, "140929/01").await;
    let sess = session::login(s, None, u.clone()).await.unwrap();
    assert!(session::load(s, &sess.token).await.unwrap().unwrap().user.is_some());
    let tx = s.begin_write().await.unwrap();
    user::set_disabled(s, &tx, &Actor::system("test"), &Scope::new(path("140929")), u.id, true).await.unwrap();
    tx.commit().await.unwrap();
    assert!(session::load(s, &sess.token).await.unwrap().is_none());
    assert_eq!(
        user::authenticate(s, "lanyi", "Passw0rd-test", "1.1.1.1").await.unwrap().unwrap_err(),
        LoginError::Disabled
    );
}

#[tokio::test]
async fn login_replaces_the_session_and_stores_only_a_hash() {
    let db = testing::fresh().await;
    seed_tree(&db.store).await;
    let s = &db.store;
    let u = add_user(s, "lanyi", Role::TownshipClerk, "140929/01").await;
    let anon = session::create_anonymous(s).await.unwrap();
    assert!(session::load(s, &anon.token).await.unwrap().unwrap().user.is_none());
    let logged = session::login(s, Some(&anon.token), u).await.unwrap();
    assert_ne!(logged.token, anon.token);
    assert_ne!(logged.csrf_token, anon.csrf_token);
    assert!(session::load(s, &anon.token).await.unwrap().is_none(), "the old token is dead");
    let stored = s.query_one(s.conn(), "SELECT id FROM user_session", []).await.unwrap().unwrap();
    let id: String = stored.try_get("", "id").unwrap();
    assert_ne!(id, logged.token);
    session::set_flash(s, &logged.token, "已保存").await.unwrap();
    assert_eq!(session::take_flash(s, &logged.token).await.unwrap().as_deref(), Some("已保存"));
    assert_eq!(session::take_flash(s, &logged.token).await.unwrap(), None);
    session::logout(s, &logged.token).await.unwrap();
    assert!(session::load(s, &logged.token).await.unwrap().is_none());
}

/// Runs raw SQL behind the application's back: drops the append-only guard first, as an
/// attacker with the database file would.
async fn tamper(db: &TestDb, sql: &str) {
    let s = &db.store;
    let drop_guard = match s.backend() {
        Backend::Sqlite => "DROP TRIGGER IF EXISTS audit_log_no_update; DROP TRIGGER IF EXISTS audit_log_no_delete;",
        Backend::Postgres => "DROP TRIGGER IF EXISTS audit_log_no_update ON audit_log;",
    };
    s.conn().execute_unprepared(drop_guard).await.unwrap();
    s.conn().execute_unprepared(sql).await.unwrap();
}

/// Appends one change to a test entity in its own transaction.
async fn append_change(
    s: &Store,
    entity_id: String,
    summary: String,
    before: Option<serde_json::Value>,
    after: Option<serde_json::Value>,
) {
    let tx = s.begin_write().await.unwrap();
    audit::append(
        s,
        &tx,
        &Actor::system("test"),
        Change { action: "update", entity: "thing", entity_id, org_path: "140929".into(), summary, before, after },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
}

async fn chain_of(n: usize) -> TestDb {
    let db = testing::fresh().await;
    for i in 0..n {
        let (before, after) = (serde_json::json!({"n": i}), serde_json::json!({"n": i + 1}));
        append_change(&db.store, i.to_string(), format!("第{i}次修改"), Some(before), Some(after)).await;
    }
    db
}

#[tokio::test]
async fn the_audit_log_refuses_updates_and_deletes() {
    let db = chain_of(3).await;
    let s = &db.store;
    assert!(s.conn().execute_unprepared("UPDATE audit_log SET summary = 'x' WHERE seq = 2").await.is_err());
    assert!(s.conn().execute_unprepared("DELETE FROM audit_log WHERE seq = 2").await.is_err());
    assert_eq!(audit::verify(s).await.unwrap(), Verdict::Intact { entries: 3 });
}

#[tokio::test]
async fn verify_names_the_first_altered_entry() {
    let db = chain_of(6).await;
    tamper(&db, "UPDATE audit_log SET after_json = '{\"n\":99}' WHERE seq = 4").await;
    tamper(&db, "UPDATE audit_log SET summary = 'later' WHERE seq = 5").await;
    assert_eq!(audit::verify(&db.store).await.unwrap(), Verdict::Broken { seq: 4, problem: Problem::Altered });
}

#[tokio::test]
async fn verify_catches_an_alteration_whose_hash_was_recomputed() {
    let db = chain_of(5).await;
    let s = &db.store;
    let rows = s.query_all(s.conn(), "SELECT seq FROM audit_log ORDER BY seq", []).await.unwrap();
    assert_eq!(rows.len(), 5);
    // Rewrite entry 3 and give it a correct hash of its new content.
    let mut e = audit::get(s, &Scope::new(path("140929")), 3).await.unwrap();
    e.summary = "改过的".into();
    let h = e.compute_hash();
    tamper(&db, &format!("UPDATE audit_log SET summary = '改过的', hash = '{h}' WHERE seq = 3")).await;
    assert_eq!(audit::verify(s).await.unwrap(), Verdict::Broken { seq: 3, problem: Problem::Altered });
}

#[tokio::test]
async fn verify_names_a_deleted_entry_in_the_middle_and_at_the_end() {
    let db = chain_of(5).await;
    tamper(&db, "DELETE FROM audit_log WHERE seq = 2").await;
    assert_eq!(audit::verify(&db.store).await.unwrap(), Verdict::Broken { seq: 2, problem: Problem::Missing });
    let db = chain_of(5).await;
    tamper(&db, "DELETE FROM audit_log WHERE seq = 5").await;
    assert_eq!(audit::verify(&db.store).await.unwrap(), Verdict::Broken { seq: 5, problem: Problem::Missing });
}

#[tokio::test]
async fn verify_names_inserted_entries() {
    // Appended at the end with a well-forged hash.
    let db = chain_of(3).await;
    let s = &db.store;
    let mut e = audit::get(s, &Scope::new(path("140929")), 3).await.unwrap();
    e.prev_hash = e.hash.clone();
    e.seq = 4;
    e.summary = "伪造".into();
    e.hash = e.compute_hash();
    tamper(
        &db,
        &format!(
            "INSERT INTO audit_log (seq, county, at, actor_id, actor_name, action, entity, entity_id, org_path, summary, before_json, after_json, prev_hash, hash) \
             SELECT 4, county, at, actor_id, actor_name, action, entity, entity_id, org_path, '伪造', before_json, after_json, '{}', '{}' FROM audit_log WHERE seq = 3",
            e.prev_hash, e.hash
        ),
    )
    .await;
    assert_eq!(audit::verify(s).await.unwrap(), Verdict::Broken { seq: 4, problem: Problem::Inserted });

    // Slipped into the middle: later entries renumbered, a forged entry 3 linked to entry 2.
    let db = chain_of(4).await;
    let s = &db.store;
    let mut e = audit::get(s, &Scope::new(path("140929")), 2).await.unwrap();
    e.prev_hash = e.hash.clone();
    e.seq = 3;
    e.summary = "插入".into();
    e.hash = e.compute_hash();
    // Renumber from the top down so the primary key never collides.
    for seq in [4, 3] {
        tamper(&db, &format!("UPDATE audit_log SET seq = {} WHERE seq = {seq}", seq + 1)).await;
    }
    tamper(
        &db,
        &format!(
            "INSERT INTO audit_log (seq, county, at, actor_id, actor_name, action, entity, entity_id, org_path, summary, before_json, after_json, prev_hash, hash) \
             SELECT 3, county, at, actor_id, actor_name, action, entity, entity_id, org_path, '插入', before_json, after_json, '{}', '{}' FROM audit_log WHERE seq = 2",
            e.prev_hash, e.hash
        ),
    )
    .await;
    assert_eq!(audit::verify(s).await.unwrap(), Verdict::Broken { seq: 3, problem: Problem::Inserted });
}

#[tokio::test]
async fn concurrent_writers_keep_the_chain_gapless() {
    let db = testing::fresh().await;
    let mut tasks = Vec::new();
    for w in 0..8 {
        let s = db.store.clone();
        tasks.push(tokio::spawn(async move {
            for i in 0..10 {
                append_change(&s, format!("{w}-{i}"), String::new(), None, None).await;
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    assert_eq!(audit::verify(&db.store).await.unwrap(), Verdict::Intact { entries: 80 });
}

#[tokio::test]
async fn audit_list_filters_and_respects_scope() {
    let db = testing::fresh().await;
    seed_tree(&db.store).await;
    let s = &db.store;
    add_user(s, "lanyi", Role::TownshipClerk, "140929/01").await;
    add_user(s, "sanjing", Role::TownshipClerk, "140929/02").await;
    let all = Scope::new(path("140929"));
    let (_, total) = audit::list(s, &all, &Default::default(), Default::default()).await.unwrap();
    assert_eq!(total, 7);
    let f = audit::Filter { entity: Some("app_user".into()), ..Default::default() };
    let (rows, total) = audit::list(s, &all, &f, Default::default()).await.unwrap();
    assert_eq!(total, 2);
    assert!(rows[0].seq > rows[1].seq, "newest first");
    let (rows, total) =
        audit::list(s, &Scope::new(path("140929/02")), &Default::default(), Default::default()).await.unwrap();
    assert_eq!(total, 3, "三井镇, 三井村 and its user: {rows:?}");
    let f = audit::Filter { text: Some("lanyi".into()), ..Default::default() };
    assert_eq!(audit::list(s, &all, &f, Default::default()).await.unwrap().1, 1);
    // Wildcards typed into the box match themselves, not everything (nor, dropped, no filter).
    for typed in ["%", "_", "\\", "%%", "lany_"] {
        let f = audit::Filter { text: Some(typed.into()), actor: Some(typed.into()), ..Default::default() };
        assert_eq!(audit::list(s, &all, &f, Default::default()).await.unwrap().1, 0, "{typed}");
    }
}

#[tokio::test]
async fn backup_and_restore_round_trip() {
    if testing::engine() != "sqlite" {
        let db = testing::fresh().await;
        let e = shuangyong_store::backup::backup(&db.store, std::path::Path::new("/tmp/x.db")).await.unwrap_err();
        assert!(e.to_string().contains("pg_dump"));
        return;
    }
    let db = testing::fresh().await;
    seed_tree(&db.store).await;
    add_user(&db.store, "lanyi", Role::TownshipClerk, "140929/01").await;
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("backup.db");
    shuangyong_store::backup::backup(&db.store, &copy).await.unwrap();
    // A second backup to the same file is refused.
    assert!(shuangyong_store::backup::backup(&db.store, &copy).await.is_err());
    let target = dir.path().join("restored.db");
    let url = format!("sqlite://{}", target.display());
    let verdict = shuangyong_store::backup::restore(&copy, &url).await.unwrap();
    assert!(matches!(verdict, Verdict::Intact { .. }));
    let restored = Store::open(&url).await.unwrap();
    for table in ["org_unit", "app_user", "audit_log"] {
        assert_eq!(restored.count(table).await.unwrap(), db.store.count(table).await.unwrap(), "{table}");
    }
    assert_eq!(audit::verify(&restored).await.unwrap(), audit::verify(&db.store).await.unwrap());
    // Not a backup: refused, nothing changed.
    let junk = dir.path().join("junk.db");
    std::fs::write(&junk, b"not a database").unwrap();
    assert!(shuangyong_store::backup::restore(&junk, &url).await.is_err());
    assert_eq!(restored.count("app_user").await.unwrap(), 1);
}

#[tokio::test]
async fn a_backup_taken_while_others_write_is_consistent() {
    if testing::engine() != "sqlite" {
        return;
    }
    let db = chain_of(50).await;
    let writer = {
        let s = db.store.clone();
        tokio::spawn(async move {
            for i in 0..200 {
                append_change(&s, i.to_string(), String::new(), None, None).await;
            }
        })
    };
    let dir = tempfile::tempdir().unwrap();
    let mut copies = Vec::new();
    for i in 0..3 {
        let copy = dir.path().join(format!("live{i}.db"));
        shuangyong_store::backup::backup(&db.store, &copy).await.unwrap();
        copies.push(copy);
        tokio::task::yield_now().await;
    }
    writer.await.unwrap();
    for copy in copies {
        let b = Store::connect(&format!("sqlite://{}", copy.display())).await.unwrap();
        assert!(matches!(audit::verify(&b).await.unwrap(), Verdict::Intact { .. }), "{}", copy.display());
    }
}

/// Many writers at once, each reading through the pool inside its transaction and then writing a
/// flash message outside it — what concurrent form posts do. On SQLite the writers used to hold
/// every pooled connection while waiting for the lock, the one holding it could not get a
/// connection to read, and the busy timeout failed them with "database is locked".
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_writers_that_read_inside_their_transaction_all_succeed() {
    let db = testing::fresh().await;
    seed_tree(&db.store).await;
    // On PostgreSQL each writer waits for the row lock on a pooled connection of its own, so more
    // writers of one row than the pool's 16 connections would leave the lock holder's read waiting
    // for a connection: there the test stays below the pool's size.
    let writers = if db.store.backend() == Backend::Sqlite { 32 } else { 8 };
    let mut tasks = Vec::new();
    for i in 0..writers {
        let store = db.store.clone();
        tasks.push(tokio::spawn(async move {
            let s = session::create_anonymous(&store).await?;
            for n in 0..5 {
                let tx = store.begin_write().await?;
                store
                    .exec(&tx, "UPDATE org_unit SET note = $1 WHERE path = '140929'", [format!("{i}-{n}").into()])
                    .await?;
                // A read through the pool while holding the write lock.
                store.count("org_unit").await?;
                tx.commit().await?;
                session::set_flash(&store, &s.token, &format!("已保存 {i}-{n}")).await?;
            }
            Ok::<_, shuangyong_store::StoreError>(())
        }));
    }
    for t in tasks {
        t.await.unwrap().unwrap();
    }
    let note: String = db
        .store
        .query_one(db.store.conn(), "SELECT note FROM org_unit WHERE path = '140929'", [])
        .await
        .unwrap()
        .unwrap()
        .try_get("", "note")
        .unwrap();
    assert!(note.ends_with("-4"), "the last write of some writer: {note}");
}

#[tokio::test]
async fn a_scope_is_a_range_of_the_org_path_index_not_a_scan() {
    let db = testing::fresh().await;
    let s = &db.store;
    seed_tree(s).await;
    let scope = Scope::new(path("140929/01"));
    // Users of the two townships: the scope holds 岚漪镇 and its village, not 三井镇.
    for (name, at) in
        [("usera", "140929/01"), ("userb", "140929/01/001"), ("userc", "140929/02"), ("userd", "140929/02/001")]
    {
        add_user(s, name, Role::TownshipClerk, at).await;
    }
    let (cond, vals) = scope.sql("org_path", 1);
    let n =
        s.count_of(s.conn(), &format!("SELECT COUNT(*) AS n FROM app_user WHERE {cond}"), vals.clone()).await.unwrap();
    assert_eq!(n, 2);
    if s.backend() == Backend::Sqlite {
        // SQLite uses an index for LIKE only when LIKE is case-sensitive (the connection's pragma).
        let plan = s
            .query_all(
                s.conn(),
                &format!("EXPLAIN QUERY PLAN SELECT COUNT(*) FROM person p WHERE {}", scope.sql("p.org_path", 1).0),
                vals,
            )
            .await
            .unwrap();
        let detail: Vec<String> = plan.iter().map(|r| r.try_get::<String>("", "detail").unwrap()).collect();
        assert!(
            detail.iter().all(|d| !d.starts_with("SCAN")) && detail.iter().any(|d| d.contains("org_path>?")),
            "{detail:?}"
        );
        // Beside a search term the scope must not take the index from it: a county's people in the
        // org_path index are every person.
        let (cond, vals) = scope.sql_unindexed("p.org_path", 1);
        let mut params: Vec<sea_orm::Value> = vals.into();
        params.push("zs".into());
        params.push("zt".into());
        let plan = s
            .query_all(
                s.conn(),
                &format!(
                    "EXPLAIN QUERY PLAN SELECT COUNT(*) FROM person p WHERE {cond} AND \
                     ((p.name_pinyin >= $3 AND p.name_pinyin < $4) OR (p.name_initials >= $3 AND p.name_initials < $4))"
                ),
                params,
            )
            .await
            .unwrap();
        let detail: Vec<String> = plan.iter().map(|r| r.try_get::<String>("", "detail").unwrap()).collect();
        assert!(detail.iter().any(|d| d.contains("person_initials")), "{detail:?}");
    }
}
