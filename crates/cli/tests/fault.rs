//! Faults, with the real binary: `kill -9` at random moments of an import commit and of a cycle
//! run (the database stays all-or-nothing, the audit chain intact, and a rerun completes); a full
//! disk and a read-only database file give a clear Chinese error, not a panic.
//!
//! Kills are spread over the operation's measured duration with a seeded generator; the binary
//! logs (at debug level) when its transaction begins and commits, so each kill is counted as
//! landing before, during or after the transaction.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use shuangyong_domain::{OrgKind, OrgPath};
use shuangyong_store::audit::Actor;
use shuangyong_store::org::{self, NewUnit};
use shuangyong_store::{Backend, Store, testing};

/// People in the import file: enough that the commit takes a good share of the run.
const IMPORT_PEOPLE: usize = 4_000;
/// People enrolled for the cycle: enough that computing the month takes a good share of the run.
const CYCLE_PEOPLE: usize = 20_000;
const KILLS: usize = 20;

/// The kill tests measure durations: run the tests one at a time.
static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap()
}

fn text(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

/// A database for the binary: its URL, its file on SQLite, and the key file.
struct Db {
    url: String,
    file: Option<PathBuf>,
    key: PathBuf,
}

impl Db {
    fn cmd(&self, args: &[&str]) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_shuangyong"));
        c.arg("--db")
            .arg(&self.url)
            .arg("--key-file")
            .arg(&self.key)
            .args(args)
            .env_remove("SHUANGYONG_DB")
            .env_remove("SHUANGYONG_KEY_FILE")
            .env("RUST_LOG", "warn,shuangyong_store::import=debug,shuangyong_store::benefits::cycle=debug")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        c
    }

    fn run(&self, args: &[&str]) -> Output {
        self.cmd(args).output().unwrap()
    }

    /// A copy of this (closed) database, with the same key.
    async fn clone_as(&self, n: usize, dir: &Path) -> Db {
        match &self.file {
            Some(f) => {
                let to = dir.join(format!("clone{n}.db"));
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", to.display()));
                }
                std::fs::copy(f, &to).unwrap();
                Db { url: format!("sqlite://{}", to.display()), file: Some(to), key: self.key.clone() }
            }
            None => {
                let (base, name) = self.url.rsplit_once('/').unwrap();
                let new = format!("{name}_c{n}");
                let admin = Store::connect(&format!("{base}/postgres")).await.unwrap();
                let c = admin.conn();
                sea_orm::ConnectionTrait::execute_unprepared(c, &format!("DROP DATABASE IF EXISTS {new}"))
                    .await
                    .unwrap();
                sea_orm::ConnectionTrait::execute_unprepared(c, &format!("CREATE DATABASE {new} TEMPLATE {name}"))
                    .await
                    .unwrap();
                admin.close().await.unwrap();
                Db { url: format!("{base}/{new}"), file: None, key: self.key.clone() }
            }
        }
    }

    /// Row counts of every table, and on SQLite the engine's own checks.
    async fn snapshot(&self) -> BTreeMap<String, i64> {
        let store = Store::connect(&self.url).await.unwrap();
        let tables_sql = match store.backend() {
            Backend::Sqlite => {
                for (pragma, ok) in [("PRAGMA integrity_check", Some("ok")), ("PRAGMA foreign_key_check", None)] {
                    let rows = store.query_all(store.conn(), pragma, []).await.unwrap();
                    match ok {
                        Some(ok) => {
                            let v: String = rows[0].try_get_by_index(0).unwrap();
                            assert_eq!(v, ok, "{pragma}");
                        }
                        None => assert!(rows.is_empty(), "{pragma}: {} rows", rows.len()),
                    }
                }
                "SELECT name AS t FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            }
            Backend::Postgres => {
                "SELECT table_name::text AS t FROM information_schema.tables WHERE table_schema = 'public' \
                 AND table_type = 'BASE TABLE'"
            }
        };
        let mut out = BTreeMap::new();
        for r in store.query_all(store.conn(), tables_sql, []).await.unwrap() {
            let t: String = r.try_get("", "t").unwrap();
            let n = store.count_of(store.conn(), &format!("SELECT COUNT(*) AS n FROM {t}"), []).await.unwrap();
            out.insert(t, n);
        }
        store.close().await.unwrap();
        out
    }

    async fn count(&self, sql: &str) -> i64 {
        let store = Store::connect(&self.url).await.unwrap();
        let n = store.count_of(store.conn(), sql, []).await.unwrap();
        store.close().await.unwrap();
        n
    }

    fn audit_intact(&self) {
        let o = self.run(&["audit", "verify", "--json"]);
        assert!(o.status.success(), "audit verify: {}", text(&o));
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(v["intact"], true, "{v}");
    }

    fn remove(&self) {
        if let Some(f) = &self.file {
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", f.display()));
            }
        }
    }
}

/// A migrated database holding a county of 5 townships × 10 villages; returns it and the villages.
async fn county_db(dir: &Path) -> (Db, Vec<String>) {
    let (url, file) = testing::empty_url().await.unwrap();
    county_db_at(dir, url, file).await
}

async fn county_db_at(dir: &Path, url: String, file: Option<PathBuf>) -> (Db, Vec<String>) {
    let key = dir.join("fault.key");
    if !key.exists() {
        shuangyong_store::crypto::FieldCrypto::create_key_file(&key).unwrap();
    }
    let store = Store::open(&url).await.unwrap();
    let tx = store.begin_write().await.unwrap();
    let actor = Actor::system("故障测试");
    let add = async |path: &str, name: String, kind| {
        let unit = NewUnit { path: OrgPath::parse(path).unwrap(), name, kind, sort: 0, note: String::new() };
        org::create(&store, &tx, &actor, unit).await.unwrap();
    };
    add("140929", "岢岚县".into(), OrgKind::County).await;
    let mut villages = Vec::new();
    for t in 1..=5 {
        add(&format!("140929/{t:02}"), format!("第{t}镇"), OrgKind::Township).await;
        for v in 1..=10 {
            let path = format!("140929/{t:02}/{v:03}");
            add(&path, format!("第{t}镇第{v}村"), OrgKind::Village).await;
            villages.push(path);
        }
    }
    tx.commit().await.unwrap();
    store.close().await.unwrap();
    (Db { url, file, key }, villages)
}

fn write_people(dir: &Path, name: &str, villages: &[String], n: usize, seed: u64) -> PathBuf {
    let csv = dir.join(name);
    let regions = vec!["140929".to_owned()];
    let mut generator = shuangyong_synth::Generator::new(seed, regions, villages.to_vec());
    shuangyong_synth::write_csv(&mut generator, n, std::fs::File::create(&csv).unwrap()).unwrap();
    csv
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Landed {
    Before,
    During,
    After,
}

/// Starts `args`, kills it with SIGKILL after `delay` (unless it ended first) and says where the
/// kill landed, by the transaction's log lines the process wrote before it died (stderr is
/// unbuffered: a line is in the pipe before the process goes on).
fn kill_after(db: &Db, args: &[&str], delay: Duration) -> Landed {
    let mut child = db.cmd(args).spawn().unwrap();
    let stderr = child.stderr.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut all = String::new();
        for line in BufReader::new(stderr).lines() {
            let Ok(line) = line else { break };
            all.push_str(&line);
            all.push('\n');
        }
        all
    });
    let deadline = Instant::now() + delay;
    let mut exited = None;
    while Instant::now() < deadline {
        if let Some(s) = child.try_wait().unwrap() {
            exited = Some(s);
            break;
        }
        std::thread::sleep(Duration::from_millis(2).min(deadline.saturating_duration_since(Instant::now())));
    }
    if exited.is_none() {
        child.kill().unwrap();
    }
    child.wait().unwrap();
    let log = reader.join().unwrap();
    if let Some(s) = exited {
        assert!(s.success(), "ended on its own with {s}: {log}");
    }
    assert!(!log.contains("panicked"), "{log}");
    if exited.is_some() || log.contains(": committed") {
        Landed::After
    } else if log.contains("transaction begun") {
        Landed::During
    } else {
        Landed::Before
    }
}

/// Runs `args` once to completion, timed.
fn timed(db: &Db, args: &[&str]) -> (Output, Duration) {
    let t = Instant::now();
    let o = db.run(args);
    let took = t.elapsed();
    assert!(o.status.success(), "{}", text(&o));
    (o, took)
}

/// Kills `args` at KILLS random moments over `took` (×1.2). After each kill the database must
/// be exactly `before` or exactly `after` (every table's row count) and pass `extra`; a complete
/// one is replaced by a fresh copy of `template`. Ends with a run to completion on the last,
/// crashed, copy. Returns how many kills landed before, during and after the transaction.
async fn kill_many<F>(
    what: &str,
    template: &Db,
    dir: &Path,
    args: &[&str],
    took: Duration,
    (before, after): (&BTreeMap<String, i64>, &BTreeMap<String, i64>),
    extra: F,
) -> [usize; 3]
where
    F: AsyncFn(&Db, bool),
{
    let mut rng = shuangyong_synth::Rng::new(0x5EED_0009 + what.len() as u64);
    let mut landed = [0usize; 3];
    let mut copies = 0;
    let mut db = template.clone_as(copies, dir).await;
    let span = took.as_millis() as u64 * 6 / 5;
    for i in 0..KILLS {
        let delay = Duration::from_millis(rng.below(span.max(1)));
        let at = kill_after(&db, args, delay);
        landed[at as usize] += 1;
        let now = db.snapshot().await;
        let complete = if &now == before {
            false
        } else if &now == after {
            true
        } else {
            panic!(
                "{what}: kill {i} ({at:?}, {delay:?}) left a half state:\n{now:?}\nbefore {before:?}\nafter {after:?}"
            )
        };
        assert!(!(complete && at == Landed::Before), "{what}: complete although killed before it began");
        extra(&db, complete).await;
        db.audit_intact();
        if complete {
            db.remove();
            copies += 1;
            db = template.clone_as(copies, dir).await;
        }
    }
    // The rerun on the database that was killed last completes.
    let o = db.run(args);
    assert!(o.status.success(), "{what}: the rerun: {}", text(&o));
    assert_eq!(&db.snapshot().await, after, "{what}: the rerun's result");
    extra(&db, true).await;
    db.audit_intact();
    db.remove();
    let [b, d, a] = landed;
    println!(
        "{what} ({}): {KILLS} kills over {span} ms: {b} before, {d} during, {a} after the transaction",
        testing::engine()
    );
    assert!(d > 0, "{what}: no kill landed inside the transaction: make the work larger");
    landed
}

/// No row of a dependent table points at a person who is not there.
async fn no_orphans(db: &Db) {
    for (table, column) in [
        ("person_category", "person_id"),
        ("service_record", "person_id"),
        ("benefit_claim", "person_id"),
        ("benefit_enrolment", "person_id"),
        ("benefit_cycle_line", "person_id"),
        ("benefit_cycle_skip", "person_id"),
    ] {
        let n = db
            .count(&format!(
                "SELECT COUNT(*) AS n FROM {table} t WHERE NOT EXISTS (SELECT 1 FROM person p WHERE p.id = t.{column})"
            ))
            .await;
        assert_eq!(n, 0, "orphans in {table}");
    }
    for table in ["benefit_cycle_line", "benefit_cycle_skip", "benefit_cycle_rate"] {
        let n = db
            .count(&format!(
                "SELECT COUNT(*) AS n FROM {table} t WHERE NOT EXISTS (SELECT 1 FROM benefit_cycle c WHERE c.id = t.cycle_id)"
            ))
            .await;
        assert_eq!(n, 0, "orphans in {table}");
    }
}

#[test]
fn kill_9_during_an_import_commit_leaves_all_or_nothing() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let rt = rt();
    let dir = tempfile::tempdir().unwrap();
    let (template, villages) = rt.block_on(county_db(dir.path()));
    let csv = write_people(dir.path(), "people.csv", &villages, IMPORT_PEOPLE, 2026);
    let args = ["import", "persons", csv.to_str().unwrap(), "--commit", "--json"];
    // Once to the end, timed: what a complete import leaves.
    let before = rt.block_on(template.snapshot());
    let reference = rt.block_on(template.clone_as(999, dir.path()));
    let (o, took) = timed(&reference, &args);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let accepted = v["accepted"].as_i64().unwrap();
    assert!(accepted > IMPORT_PEOPLE as i64 * 9 / 10, "{v}");
    let after = rt.block_on(reference.snapshot());
    reference.remove();
    assert_eq!(after["person"], accepted);
    assert_eq!(after["import_batch"], 1);
    assert!(after["person_category"] >= accepted && after["service_record"] > 0, "{after:?}");
    let check = async |db: &Db, complete: bool| {
        no_orphans(db).await;
        let persons = db.count("SELECT COUNT(*) AS n FROM person").await;
        assert_eq!(persons, if complete { accepted } else { 0 });
        let audited = db.count("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'import'").await;
        assert_eq!(audited, i64::from(complete));
    };
    rt.block_on(kill_many("import", &template, dir.path(), &args, took, (&before, &after), check));
    template.remove();
}

#[test]
fn kill_9_during_a_cycle_run_leaves_no_half_cycle() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let rt = rt();
    let dir = tempfile::tempdir().unwrap();
    let (template, villages) = rt.block_on(county_db(dir.path()));
    // The people, everyone enrolled in 老兵生活补助 (set up directly in SQL).
    let csv = write_people(dir.path(), "people.csv", &villages, CYCLE_PEOPLE, 2027);
    let o = template.run(&["import", "persons", csv.to_str().unwrap(), "--commit", "--json"]);
    assert!(o.status.success(), "{}", text(&o));
    let program_id =
        rt.block_on(template.count("SELECT id AS n FROM benefit_program WHERE code = 'rural_veteran_elderly'"));
    rt.block_on(async {
        let store = Store::connect(&template.url).await.unwrap();
        let tx = store.begin_write().await.unwrap();
        store
            .exec(
                &tx,
                "INSERT INTO benefit_enrolment (county, person_id, program_id, std_key, units, start_month, source, created_at) \
                 SELECT county, id, $1, '', id % 6 + 1, '2024-01', 'fault', $2 FROM person",
                [program_id.into(), shuangyong_store::now().into()],
            )
            .await
            .unwrap();
        tx.commit().await.unwrap();
        store.close().await.unwrap();
    });
    let args = ["cycle", "run", "rural_veteran_elderly", "2025-03", "--json"];
    let before = rt.block_on(template.snapshot());
    let reference = rt.block_on(template.clone_as(999, dir.path()));
    let (o, took) = timed(&reference, &args);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let (lines, total) = (v["lines"].as_i64().unwrap(), v["total_fen"].as_i64().unwrap());
    assert!(lines > CYCLE_PEOPLE as i64 / 2 && total > 0, "{v}");
    let after = rt.block_on(reference.snapshot());
    reference.remove();
    assert_eq!((after["benefit_cycle"], after["benefit_cycle_line"]), (1, lines));
    let check = async |db: &Db, complete: bool| {
        no_orphans(db).await;
        let cycles = db.count("SELECT COUNT(*) AS n FROM benefit_cycle WHERE period = '2025-03'").await;
        assert_eq!(cycles, i64::from(complete));
        if complete {
            // The cycle's own figures are its lines'.
            let stored = db.count("SELECT lines AS n FROM benefit_cycle").await;
            let counted = db.count("SELECT COUNT(*) AS n FROM benefit_cycle_line").await;
            let stored_total = db.count("SELECT total_fen AS n FROM benefit_cycle").await;
            let summed = db.count("SELECT CAST(SUM(amount_fen) AS BIGINT) AS n FROM benefit_cycle_line").await;
            assert_eq!((stored, counted, stored_total, summed), (lines, lines, total, total));
        }
        let audited = db.count("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'run'").await;
        assert_eq!(audited, i64::from(complete));
    };
    rt.block_on(kill_many("cycle", &template, dir.path(), &args, took, (&before, &after), check));
    template.remove();
}

/// The error a user reads when the storage refuses: Chinese, saying what to do, no panic.
fn assert_clear_error(o: &Output, what: &[&str]) {
    let t = text(o);
    assert!(!o.status.success(), "{t}");
    assert!(!t.contains("panicked") && !t.contains("RUST_BACKTRACE"), "a panic: {t}");
    assert!(t.starts_with("错误：") || t.contains("\n错误："), "{t}");
    assert!(what.iter().any(|w| t.contains(w)), "expected one of {what:?}: {t}");
    assert!(t.contains("没有保存任何数据") && t.contains("后重试"), "{t}");
}

fn is_root() -> bool {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status.lines().any(|l| l.starts_with("Uid:") && l.split_whitespace().nth(1) == Some("0"))
}

/// A small tmpfs of our own (root only), unmounted when dropped.
struct Tmpfs(PathBuf);

impl Tmpfs {
    fn mount(dir: &Path) -> Tmpfs {
        let o = Command::new("mount").args(["-t", "tmpfs", "-o", "size=64m", "tmpfs"]).arg(dir).output().unwrap();
        assert!(o.status.success(), "running as root, a tmpfs must mount: {}", text(&o));
        Tmpfs(dir.to_owned())
    }

    fn remount(&self, options: &str) {
        let o = Command::new("mount").args(["-o", &format!("remount,{options}")]).arg(&self.0).output().unwrap();
        assert!(o.status.success(), "remount {options}: {}", text(&o));
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.0).status();
    }
}

/// An SQLite county in `dir` (these faults are about a database file, on either test engine),
/// the import file of `n` people beside it, and the database's bytes on disk.
fn sqlite_county(rt: &tokio::runtime::Runtime, dir: &Path, files: &Path, n: usize) -> (Db, PathBuf, u64) {
    let file = dir.join("county.db");
    let (db, villages) = rt.block_on(county_db_at(files, format!("sqlite://{}", file.display()), Some(file.clone())));
    let csv = write_people(files, "people.csv", &villages, n, 2028);
    let size = std::fs::metadata(&file).unwrap().len();
    (db, csv, size)
}

/// After a refused import: nothing written, the chain intact, and the import goes through once
/// the storage is fixed.
fn written_nothing_then_rerun(rt: &tokio::runtime::Runtime, db: &Db, csv: &Path, before: &BTreeMap<String, i64>) {
    assert_eq!(&rt.block_on(db.snapshot()), before, "nothing written");
    db.audit_intact();
    let o = db.run(&["import", "persons", csv.to_str().unwrap(), "--commit", "--json"]);
    assert!(o.status.success(), "{}", text(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(rt.block_on(db.count("SELECT COUNT(*) AS n FROM person")), v["accepted"].as_i64().unwrap());
    db.audit_intact();
}

#[test]
fn a_file_size_limit_gives_a_clear_error_and_writes_nothing() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let rt = rt();
    let files = tempfile::tempdir().unwrap();
    let (db, csv, size) = sqlite_county(&rt, files.path(), files.path(), 4_000);
    let before = rt.block_on(db.snapshot());
    // RLIMIT_FSIZE a little above the database: the write-ahead log hits it. SIGXFSZ ignored
    // (inherited through exec), so the write fails with EFBIG instead of killing the process.
    let blocks = (size + 256 * 1024) / 512;
    let bin = env!("CARGO_BIN_EXE_shuangyong");
    let o = Command::new("sh")
        .arg("-c")
        .arg(format!("trap '' XFSZ; ulimit -f {blocks}; exec \"$0\" \"$@\""))
        .arg(bin)
        .args(["--db", &db.url, "--key-file"])
        .arg(&db.key)
        .args(["import", "persons", csv.to_str().unwrap(), "--commit"])
        .env_remove("SHUANGYONG_DB")
        .env_remove("SHUANGYONG_KEY_FILE")
        .output()
        .unwrap();
    assert_clear_error(&o, &["磁盘已满", "磁盘出错"]);
    written_nothing_then_rerun(&rt, &db, &csv, &before);
}

#[test]
fn a_full_disk_gives_a_clear_error_and_writes_nothing() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    if !is_root() {
        eprintln!("skipped: mounting a small tmpfs needs root (CI runs as root)");
        return;
    }
    let rt = rt();
    let files = tempfile::tempdir().unwrap();
    let mount = tempfile::tempdir().unwrap();
    let fs = Tmpfs::mount(mount.path());
    let (db, csv, size) = sqlite_county(&rt, mount.path(), files.path(), 4_000);
    let before = rt.block_on(db.snapshot());
    // Room for the database and 256 KiB more: the import's log fills the disk.
    fs.remount(&format!("size={}k", size / 1024 + 256));
    let o = db.run(&["import", "persons", csv.to_str().unwrap(), "--commit"]);
    assert_clear_error(&o, &["磁盘已满"]);
    fs.remount("size=64m");
    written_nothing_then_rerun(&rt, &db, &csv, &before);
}

#[test]
fn a_read_only_database_file_gives_a_clear_error_and_writes_nothing() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let rt = rt();
    let files = tempfile::tempdir().unwrap();
    let mount = tempfile::tempdir().unwrap();
    // As root file permissions do not bind: a read-only mount does. Otherwise, the file's mode.
    let fs = is_root().then(|| Tmpfs::mount(mount.path()));
    let (db, csv, _) = sqlite_county(&rt, mount.path(), files.path(), 100);
    let before = rt.block_on(db.snapshot());
    let file = db.file.clone().unwrap();
    let set_read_only = |read_only: bool| match &fs {
        Some(fs) => fs.remount(if read_only { "ro" } else { "rw" }),
        None => {
            let mut p = std::fs::metadata(&file).unwrap().permissions();
            p.set_readonly(read_only);
            std::fs::set_permissions(&file, p).unwrap();
        }
    };
    set_read_only(true);
    let o = db.run(&["import", "persons", csv.to_str().unwrap(), "--commit"]);
    assert_clear_error(&o, &["只读"]);
    let o = db.run(&["org", "add", "140929/09", "新镇", "--kind", "township"]);
    assert_clear_error(&o, &["只读"]);
    set_read_only(false);
    written_nothing_then_rerun(&rt, &db, &csv, &before);
}
