//! `shuangyong bench`: the performance table. Everything is measured in one process and one run,
//! each figure beside its baseline (the raw engine doing the same work), so that ratios — not
//! absolute times on a shared, noisy machine — are what the table says.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::Context;
use serde::Serialize;
use shuangyong_domain::{OrgKind, OrgPath};
use shuangyong_store::audit::Actor;
use shuangyong_store::crypto::FieldCrypto;
use shuangyong_store::org::{self, NewUnit, Page};
use shuangyong_store::registry::{self, Filter};
use shuangyong_store::{Scope, Store, import};

/// Townships × villages of the synthetic county the people live in.
const TOWNSHIPS: u32 = 20;
const VILLAGES: u32 = 25;
/// Queries of each kind for the search figures.
const QUERIES: usize = 10_000;
/// The field key the benchmark's database is sealed with (synthetic data only).
const BENCH_KEY: [u8; 32] = [42; 32];

#[derive(Debug, Serialize)]
pub struct Row {
    pub what: String,
    pub ours: String,
    pub baseline: String,
    pub ratio: Option<f64>,
    pub note: String,
}

#[derive(Debug, Serialize)]
pub struct Results {
    pub persons: usize,
    pub rows: Vec<Row>,
}

fn secs(d: Duration) -> f64 {
    d.as_secs_f64()
}

fn quantile(sorted: &[Duration], q: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 - 1.0) * q).round() as usize;
    sorted[i]
}

fn ms(d: Duration) -> String {
    format!("{:.3} ms", d.as_secs_f64() * 1000.0)
}

/// Peak resident memory of this process so far (Linux), in MiB.
fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

/// The synthetic county (`140929`, townships `01…`, villages `001…`); returns the villages' paths.
pub(crate) async fn county(store: &Store) -> anyhow::Result<Vec<String>> {
    let tx = store.begin_write().await?;
    let actor = Actor::system("基准测试");
    let root = OrgPath::parse("140929")?;
    org::create(
        store,
        &tx,
        &actor,
        NewUnit { path: root.clone(), name: "基准县".into(), kind: OrgKind::County, sort: 0, note: String::new() },
    )
    .await?;
    let mut villages = Vec::new();
    for t in 1..=TOWNSHIPS {
        let town = root.child(&format!("{t:02}"))?;
        org::create(
            store,
            &tx,
            &actor,
            NewUnit {
                path: town.clone(),
                name: format!("第{t}镇"),
                kind: OrgKind::Township,
                sort: 0,
                note: String::new(),
            },
        )
        .await?;
        for v in 1..=VILLAGES {
            let path = town.child(&format!("{v:03}"))?;
            villages.push(path.to_string());
            org::create(
                store,
                &tx,
                &actor,
                NewUnit {
                    path, name: format!("第{t}镇第{v}村"), kind: OrgKind::Village, sort: 0, note: String::new()
                },
            )
            .await?;
        }
    }
    tx.commit().await?;
    Ok(villages)
}

/// Runs the benchmark in `dir` (created if missing) and returns the table.
pub async fn run(persons: usize, dir: &Path) -> anyhow::Result<Results> {
    std::fs::create_dir_all(dir).with_context(|| format!("无法创建目录 {}", dir.display()))?;
    let db_file = dir.join("bench.db");
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", db_file.display()));
    }
    let url = format!("sqlite://{}", db_file.display());
    let store = Store::open(&url).await?.with_crypto(FieldCrypto::from_master(&BENCH_KEY));
    let villages = county(&store).await?;
    let mut rows = Vec::new();

    // The import file.
    let csv = dir.join("persons.csv");
    let t = Instant::now();
    let regions: Vec<String> = shuangyong_synth::SHANXI_COUNTIES.iter().map(|(c, _)| (*c).to_owned()).collect();
    let mut generator =
        shuangyong_synth::Generator::with_mix(shuangyong_synth::Mix::Rolls, 2026, regions, villages.clone());
    let file = std::io::BufWriter::new(std::fs::File::create(&csv)?);
    shuangyong_synth::write_csv(&mut generator, persons, file)?;
    let gen_time = t.elapsed();
    let bytes = std::fs::read(&csv)?;
    eprintln!("生成 {persons} 人的导入文件：{:.1} 秒，{:.1} MB", secs(gen_time), bytes.len() as f64 / 1e6);

    // Import through the application: parse, validate, seal, index, one transaction.
    let scope = Scope::new(OrgPath::parse("140929")?);
    let t = Instant::now();
    let plan = import::plan(&store, &scope, &bytes).await?;
    let plan_time = t.elapsed();
    anyhow::ensure!(plan.report.file_error.is_none(), "import file: {:?}", plan.report.file_error);
    let accepted = plan.report.accepted;
    let t = Instant::now();
    let report =
        import::commit(&store, &Actor::system("基准测试"), &scope, plan, "persons.csv", &bytes, &|_| {}).await?;
    let commit_time = t.elapsed();
    let import_time = plan_time + commit_time;
    let ours_rate = accepted as f64 / secs(import_time);
    eprintln!(
        "导入：校验 {:.1} 秒 + 写入 {:.1} 秒，{} 人（拒绝 {}）",
        secs(plan_time),
        secs(commit_time),
        report.accepted,
        report.rejected
    );
    drop(bytes);
    // The import's commit leaves its WAL to a checkpoint in the background; it finishes before
    // the next measurement starts.
    store.checkpoint().await?;

    // The engine's raw limit: sqlite3 .import of the same file into a bare table.
    let bare = dir.join("bare.db");
    let _ = std::fs::remove_file(&bare);
    let t = Instant::now();
    let sqlite3 =
        Command::new("sqlite3").arg(&bare).arg(".mode csv").arg(format!(".import {} persons", csv.display())).output();
    let bare_time = match sqlite3 {
        Ok(o) if o.status.success() => Some(t.elapsed()),
        _ => None,
    };
    let (baseline, ratio, note) = match bare_time {
        Some(d) => (
            format!("{:.0} 行/秒（{:.1} 秒）", persons as f64 / secs(d), secs(d)),
            Some(secs(import_time) / secs(d)),
            "比值 = 本系统用时 ÷ sqlite3 用时".to_owned(),
        ),
        None => ("未安装 sqlite3".into(), None, "运行 bench/setup.sh 安装基准所需工具".into()),
    };
    rows.push(Row {
        what: format!("导入 {persons} 人（CSV，全部校验、加密、建索引）"),
        ours: format!("{ours_rate:.0} 行/秒（{:.1} 秒）", secs(import_time)),
        baseline,
        ratio,
        note,
    });
    // What the engine itself needs for what the import wrote, beside the whole import.
    let floor = import_floor(dir, &db_file, report.accepted).await?;
    rows.push(Row {
        what: format!("导入 {persons} 人：数据库自身的写入下限（同样的行和索引）"),
        ours: format!("{:.1} 秒", secs(import_time)),
        baseline: format!("{:.1} 秒", secs(floor)),
        ratio: Some(secs(import_time) / secs(floor).max(1e-9)),
        note: format!(
            "基线 = 把本次导入写下的人员、类别、服役记录和享受待遇用 INSERT … SELECT 复制到同结构的空库（先去掉人员表的二级索引，\
             最后重建，与两万人以上的导入相同），一个事务；不含读文件、校验、加密和绑定参数{}",
            bare_time
                .map(|d| format!("；这个下限本身是 sqlite3 .import 的 {:.1} 倍", secs(floor) / secs(d).max(1e-9)))
                .unwrap_or_default()
        ),
    });

    // Search: sampled people, each kind of query through the application and as raw SQL.
    let sample = sample_people(&csv, QUERIES)?;
    let kinds: [(&str, QueryOf); 4] = [
        ("姓名", |s| s.name.clone()),
        ("全拼", |s| shuangyong_domain::pinyin::name_keys(&s.name).full),
        ("首字母", |s| shuangyong_domain::pinyin::name_keys(&s.name).initials),
        ("身份证号后4位", |s| s.id.chars().rev().take(4).collect::<Vec<_>>().into_iter().rev().collect()),
    ];
    let pool = store.conn().get_sqlite_connection_pool().clone();
    let crypto = FieldCrypto::from_master(&BENCH_KEY);
    for (label, make) in kinds {
        let mut ours = Vec::with_capacity(sample.len());
        let mut raw = Vec::with_capacity(sample.len());
        for s in &sample {
            let q = make(s);
            let f = Filter { q: Some(q.clone()), ..Default::default() };
            let t = Instant::now();
            let (found, _) = registry::list(&store, &scope, &f, Page::new(Some(1), Some(20))).await?;
            ours.push(t.elapsed());
            anyhow::ensure!(!found.is_empty() || label == "首字母", "search {label} {q} found nothing");
            // The same look-up as a bare indexed query, no scope, no decryption, no count.
            let t = Instant::now();
            let (sql, arg) = match label {
                "姓名" => ("SELECT id, name FROM person WHERE name = ?1 LIMIT 20", q.clone()),
                "全拼" => ("SELECT id, name FROM person WHERE name_pinyin = ?1 LIMIT 20", q.clone()),
                "首字母" => ("SELECT id, name FROM person WHERE name_initials = ?1 LIMIT 20", q.clone()),
                _ => ("SELECT id, name FROM person WHERE id_tail4 = ?1 LIMIT 20", crypto.index("id_tail4", &q)),
            };
            let _r: Vec<(i64, String)> = sea_orm::sqlx::query_as(sql).bind(arg).fetch_all(&pool).await?;
            raw.push(t.elapsed());
        }
        ours.sort();
        raw.sort();
        let (p50, p99) = (quantile(&ours, 0.5), quantile(&ours, 0.99));
        let (b50, b99) = (quantile(&raw, 0.5), quantile(&raw, 0.99));
        rows.push(Row {
            what: format!("查找：{label}（{} 次）", sample.len()),
            ours: format!("p50 {} / p99 {}", ms(p50), ms(p99)),
            baseline: format!("p50 {} / p99 {}", ms(b50), ms(b99)),
            ratio: Some(secs(p99) / secs(b99).max(1e-9)),
            note: "比值 = p99 之比；本系统含范围限制、排序、计数、解密和脱敏".into(),
        });
    }
    rows.push(enrol_row(&store, &scope).await?);
    rows.push(cycle_row(&store).await?);
    rows.extend(http_rows(&store, dir, &sample).await?);
    rows.push(Row {
        what: "进程内存峰值".into(),
        ours: peak_rss_mib().map(|m| format!("{m:.0} MiB")).unwrap_or_else(|| "—".into()),
        baseline: "—".into(),
        ratio: None,
        note: "含整个导入文件在内存中的校验".into(),
    });
    store.close().await?;
    Ok(Results { persons, rows })
}

/// The day the imported 享受待遇 are checked on: the generator's (see `shuangyong_synth::RECEIVING_ON`).
fn enrol_day() -> chrono::NaiveDate {
    shuangyong_synth::RECEIVING_ON
}

/// The month the cycles pay: the month after the check, when every enrolment it made is in force
/// (someone who turned 60 in the check's month is paid from the next).
fn cycle_period() -> shuangyong_domain::Period {
    shuangyong_domain::Period::of(enrol_day()).next()
}

/// The imported 享受待遇 checked by the rules and turned into enrolments (`enrol_claims`).
async fn enrol_row(store: &Store, scope: &Scope) -> anyhow::Result<Row> {
    let claims = store.count("benefit_claim").await?;
    let t = Instant::now();
    let done = shuangyong_store::benefits::enrol_claims(store, &Actor::system("基准测试"), scope, enrol_day()).await?;
    let took = t.elapsed();
    store.checkpoint().await?;
    eprintln!("待遇核对：{claims} 条，纳入 {done} 条，{:.2} 秒", secs(took));
    Ok(Row {
        what: format!("导入待遇核对并纳入发放：{claims} 条"),
        ours: format!("{:.2} 秒（{:.0} 条/秒）", secs(took), claims as f64 / secs(took).max(1e-9)),
        baseline: "—".into(),
        ratio: None,
        note: format!(
            "每批 2000 条：读取这些人的事实、按规则逐条核对、多行写入，一个事务；纳入 {done} 条，其余 {} 条留待人工核对",
            claims as usize - done
        ),
    })
}

/// SQLite's own work for what the import wrote (`people` people): the same rows copied by
/// `INSERT … SELECT` from `source` into an empty database of the same schema, the person table's
/// secondary indexes dropped first and built at the end as an import of 20,000 people or more
/// does, in one transaction on a writer set up as the import's — no file read, no validation,
/// sealing or bound parameters.
async fn import_floor(dir: &Path, source: &Path, people: usize) -> anyhow::Result<Duration> {
    let file = dir.join("floor.db");
    let remove = || {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", file.display()));
        }
    };
    remove();
    let store = Store::open(&format!("sqlite://{}", file.display())).await?;
    let w = store.write_conn();
    let quoted = source.display().to_string().replace('\'', "''");
    store.exec(w, &format!("ATTACH DATABASE '{quoted}' AS src"), []).await?;
    for table in ["org_unit", "import_batch"] {
        store.exec(w, &format!("INSERT OR IGNORE INTO {table} SELECT * FROM src.{table}"), []).await?;
    }
    let t = Instant::now();
    store
        .with_large_write_cache(shuangyong_store::Bulk::Writing, async {
            let tx = store.begin_write().await?;
            let rebuild = import::drop_indexes(&store, &tx, "person").await?;
            for table in ["person", "person_category", "service_record", "benefit_claim"] {
                store.exec(&tx, &format!("INSERT INTO {table} SELECT * FROM src.{table}"), []).await?;
            }
            for create in &rebuild {
                store.exec(&tx, create, []).await?;
            }
            tx.commit().await?;
            Ok(())
        })
        .await?;
    let floor = t.elapsed();
    let copied = store.count("person").await?;
    anyhow::ensure!(copied == people as i64, "the import's floor copied {copied} of {people} people");
    store.close().await?;
    remove();
    eprintln!("导入的数据库下限：{copied} 人，{:.1} 秒", secs(floor));
    Ok(floor)
}

/// How many months in a row the cycle row computes: the machine's noise moves one run by a third,
/// so the row quotes the median of these, each beside its own floor.
const CYCLE_MONTHS: usize = 3;

/// The monthly cycles of every program over the enrolments the import produced, three months in a
/// row, each beside one bare `INSERT … SELECT` computing the same amounts into a table without
/// indexes (the engine's floor), measured right after it.
async fn cycle_row(store: &Store) -> anyhow::Result<Row> {
    let enrolments = store.count("benefit_enrolment").await?;
    // Warm the cache the same way for both.
    store
        .count_of(store.conn(), "SELECT COUNT(*) AS n FROM benefit_enrolment e JOIN person p ON p.id = e.person_id", [])
        .await?;
    let first = cycle_period();
    let mut months = Vec::with_capacity(CYCLE_MONTHS);
    let mut period = first;
    for _ in 0..CYCLE_MONTHS {
        months.push(cycle_month(store, period).await?);
        period = period.next();
    }
    let last = months.last().map(|m| m.period).unwrap_or(first);
    let programs = months[0].programs;
    let lines = months[0].lines;
    let median = |f: &dyn Fn(&CycleMonth) -> f64| {
        let mut v: Vec<f64> = months.iter().map(f).collect();
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let (ours, floor) = (median(&|m| secs(m.ours)), median(&|m| secs(m.floor)));
    let ratio = median(&|m| secs(m.ours) / secs(m.floor).max(1e-9));
    let each = months
        .iter()
        .map(|m| format!("{} {:.2} / {:.2} 秒", m.period, secs(m.ours), secs(m.floor)))
        .collect::<Vec<_>>()
        .join("，");
    Ok(Row {
        what: format!(
            "月度发放计算（{enrolments} 条在册，{programs} 个项目，{first}—{last} 连续 {CYCLE_MONTHS} 个月，每月生成约 {lines} 条明细并冻结账号）"
        ),
        ours: format!("中位数 {ours:.2} 秒（{:.0} 条/秒）", lines as f64 / ours.max(1e-9)),
        baseline: format!("中位数 {floor:.2} 秒（{:.0} 条/秒）", lines as f64 / floor.max(1e-9)),
        ratio: Some(ratio),
        note: format!(
            "本系统 = 一次计算当月全部项目（cycle run all，一个事务，每个项目一个批次）；基线 = 先把各项目当月标准写入一张小表（项目、档次、年标准），\
             再用一条 INSERT … SELECT 连接它算出相同金额写入无索引表，紧接在同月的计算之后；本系统另含未发放名单、补发检查、合计和审计；\
             两者每月明细条数和合计金额一致；比值 = 各月比值的中位数；各月（本系统 / 基线）：{each}"
        ),
    })
}

/// One month of [`cycle_row`]: our run and its floor.
struct CycleMonth {
    period: shuangyong_domain::Period,
    programs: usize,
    lines: i64,
    ours: Duration,
    floor: Duration,
}

/// Computes the month's cycles of every program, then the floor of the same lines.
async fn cycle_month(store: &Store, period: shuangyong_domain::Period) -> anyhow::Result<CycleMonth> {
    use shuangyong_store::benefits;
    let county = OrgPath::parse("140929")?;
    let programs: Vec<benefits::Program> = benefits::programs(store).await?.into_iter().filter(|p| p.active).collect();
    let t = Instant::now();
    let done = benefits::cycle::run_all(store, &Actor::system("基准测试"), &county, period).await?;
    let ours = t.elapsed();
    store.checkpoint().await?;
    anyhow::ensure!(done.len() == programs.len(), "{} of {} programs computed", done.len(), programs.len());
    let (lines, total, skipped) =
        done.iter().fold((0, 0, 0), |(l, t, s), r| (l + r.lines, t + r.total_fen, s + r.skipped));
    // The rates the cycles paid by, for the floor: each key's standard in force in the period.
    let mut rates: Vec<(i64, String, i64)> = Vec::new();
    for program in &programs {
        let rows = benefits::standard_rows(store, store.conn(), program.id).await?;
        rates.extend(benefits::cycle::rates(program, &rows, period).into_iter().map(|(k, a)| (program.id, k, a)));
    }
    eprintln!("发放计算 {period}：{} 个项目，{lines} 条，{:.2} 秒（未发放 {skipped} 人）", programs.len(), secs(ours));
    // The floor: the same lines, the same amounts (annual × units ÷ 12, the month's share of the
    // remainder), from a small table of the period's rates filled first, one statement, a bare table.
    for sql in [
        "DROP TABLE IF EXISTS bench_floor_line",
        "DROP TABLE IF EXISTS bench_floor_rate",
        "CREATE TABLE bench_floor_line (cycle_id INTEGER, county TEXT, org_path TEXT, person_id INTEGER, \
         enrolment_id INTEGER, kind TEXT, for_period TEXT, std_key TEXT, units INTEGER, annual_fen INTEGER, \
         amount_fen INTEGER, name TEXT, person_version INTEGER, status TEXT)",
    ] {
        store.exec(store.write_conn(), sql, []).await?;
    }
    store.checkpoint().await?;
    // On the same footing as the cycles: the writer with its cache grown, the WAL checkpoint after.
    let t = Instant::now();
    store
        .with_large_write_cache(shuangyong_store::Bulk::Reading, async {
            store
                .exec(
                    store.write_conn(),
                    "CREATE TABLE bench_floor_rate (program_id INTEGER, std_key TEXT, annual INTEGER, PRIMARY KEY (program_id, std_key))",
                    [],
                )
                .await?;
            for (program_id, key, annual) in &rates {
                store
                    .exec(
                        store.write_conn(),
                        "INSERT INTO bench_floor_rate VALUES ($1, $2, $3)",
                        [(*program_id).into(), key.clone().into(), (*annual).into()],
                    )
                    .await?;
            }
            let k = period.month();
            store
                .exec(
                    store.write_conn(),
                    &format!(
                        "INSERT INTO bench_floor_line SELECT 0, e.county, p.org_path, p.id, e.id, 'regular', $1, e.std_key, e.units, \
                         r.annual, (r.annual * e.units) / 12 + CASE WHEN {k} <= (r.annual * e.units) % 12 THEN 1 ELSE 0 END, p.name, \
                         p.version, 'pending' FROM benefit_enrolment e JOIN person p ON p.id = e.person_id \
                         JOIN bench_floor_rate r ON r.program_id = e.program_id AND r.std_key = e.std_key \
                         WHERE e.start_month <= $1 AND (e.end_month IS NULL OR e.end_month >= $1) \
                         AND (p.status = 'normal' OR (p.status = 'deceased' AND p.status_date IS NOT NULL AND p.status_date >= $2)) \
                         AND p.bank_account_sealed IS NOT NULL"
                    ),
                    [period.to_string().into(), period.first_day().into()],
                )
                .await?;
            Ok(())
        })
        .await?;
    let floor = t.elapsed();
    store.checkpoint().await?;
    let floor_total: i64 = store
        .query_one(store.conn(), "SELECT CAST(SUM(amount_fen) AS BIGINT) AS t FROM bench_floor_line", [])
        .await?
        .and_then(|r| r.try_get::<Option<i64>>("", "t").ok().flatten())
        .unwrap_or(0);
    let floor_lines = store.count("bench_floor_line").await?;
    anyhow::ensure!(
        floor_total == total && floor_lines == lines,
        "{period}: the floor's {floor_lines} lines, {floor_total} fen differ from the cycles' {lines} lines, {total} fen"
    );
    eprintln!("发放计算的数据库下限 {period}：{floor_lines} 条，{:.2} 秒", secs(floor));
    Ok(CycleMonth { period, programs: programs.len(), lines, ours, floor })
}

/// A `VmRSS:`-style line of a `/proc/…/status` file, in MiB.
fn status_mib(status: &str, key: &str) -> Option<f64> {
    let line = status.lines().find(|l| l.starts_with(key))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

/// `shuangyong serve` on the benchmark's database, in a child process on a free loopback port.
struct Server {
    child: std::process::Child,
    addr: std::net::SocketAddr,
}

impl Server {
    async fn start(store: &Store, dir: &Path) -> anyhow::Result<Server> {
        let key = dir.join("bench.key");
        std::fs::write(&key, format!("{}\n", hex_key()))?;
        let addr = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?;
        let child = Command::new(std::env::current_exe()?)
            .arg("--db")
            .arg(store.url())
            .arg("--key-file")
            .arg(&key)
            .args(["serve", "--addr", &addr.to_string()])
            .stdout(std::process::Stdio::null())
            .spawn()
            .context("无法启动 shuangyong serve")?;
        let server = Server { child, addr };
        for _ in 0..200 {
            if tokio::net::TcpStream::connect(addr).await.is_ok() {
                return Ok(server);
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        anyhow::bail!("shuangyong serve 未在 10 秒内开始监听 {addr}")
    }

    /// Resident and peak resident memory of the server process.
    fn memory_mib(&self) -> (Option<f64>, Option<f64>) {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap_or_default();
        (status_mib(&status, "VmRSS:"), status_mib(&status, "VmHWM:"))
    }

    fn stop(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The benchmark's master key (the one its store was opened with) as a key file holds it.
fn hex_key() -> String {
    BENCH_KEY.iter().map(|b| format!("{b:02x}")).collect()
}

/// What wrk reports: requests per second and the 99th percentile latency.
struct Wrk {
    rps: f64,
    p99: Duration,
    errors: bool,
}

fn parse_latency(s: &str) -> Option<Duration> {
    let (num, unit) = s.trim().split_at(s.trim().find(|c: char| c.is_ascii_alphabetic())?);
    let v: f64 = num.parse().ok()?;
    Some(Duration::from_secs_f64(match unit {
        "us" => v / 1e6,
        "ms" => v / 1e3,
        "s" => v,
        "m" => v * 60.0,
        _ => return None,
    }))
}

/// 64 connections on 2 threads for `secs` seconds against `url`, loopback only.
fn wrk(url: &str, cookie: Option<&str>, secs: u32) -> anyhow::Result<Wrk> {
    let mut cmd = Command::new("wrk");
    cmd.args(["-t2", "-c64", &format!("-d{secs}s"), "--latency"]);
    if let Some(c) = cookie {
        cmd.args(["-H", &format!("Cookie: {c}")]);
    }
    let out = cmd.arg(url).output().context("wrk 未安装：运行 bench/setup.sh")?;
    let text = String::from_utf8_lossy(&out.stdout);
    let rps = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("Requests/sec:"))
        .and_then(|v| v.trim().parse::<f64>().ok())
        .with_context(|| format!("wrk output: {text}"))?;
    let p99 = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("99%"))
        .and_then(parse_latency)
        .with_context(|| format!("wrk output: {text}"))?;
    let errors = text.contains("Non-2xx or 3xx responses") || text.contains("Socket errors");
    Ok(Wrk { rps, p99, errors })
}

/// The search page and a person page served over HTTP under 64 connections, beside nginx serving
/// a static page of the same size; and the memory the process holds while serving.
async fn http_rows(store: &Store, dir: &Path, sample: &[Sampled]) -> anyhow::Result<Vec<Row>> {
    if Command::new("wrk").arg("--version").output().is_err() || Command::new("nginx").arg("-v").output().is_err() {
        return Ok(vec![Row {
            what: "HTTP".into(),
            ours: "—".into(),
            baseline: "未安装 wrk 或 nginx".into(),
            ratio: None,
            note: "运行 bench/setup.sh 安装基准所需工具".into(),
        }]);
    }
    // A county clerk's session, made through the store as a login would.
    let root = Scope::new(OrgPath::parse("140929")?);
    let tx = store.begin_write().await?;
    let user = shuangyong_store::user::create(
        store,
        &tx,
        &Actor::system("基准测试"),
        &root,
        shuangyong_store::user::NewUser {
            username: "bench".into(),
            display_name: "基准测试".into(),
            role: shuangyong_domain::Role::CountyClerk,
            org_path: root.root().clone(),
            password: "bench-password-2026".into(),
        },
    )
    .await?;
    tx.commit().await?;
    let session = shuangyong_store::session::login(store, None, user).await?;
    let cookie = format!("{}={}", shuangyong_web::ctx::COOKIE, session.token);
    // The server is this binary's `serve` in a process of its own, as an office runs it, so that its
    // memory is what serving the database takes (not what the import before it left allocated).
    let server = Server::start(store, dir).await?;
    let addr = server.addr;
    let name = &sample[0].name;
    let person_id: i64 = store
        .query_one(store.conn(), "SELECT id FROM person WHERE name = $1 LIMIT 1", [name.clone().into()])
        .await?
        .context("sampled person")?
        .try_get("", "id")?;
    let encoded: String = name.bytes().map(|b| format!("%{b:02X}")).collect();
    let pages = [
        ("查找页（按姓名）", format!("http://{addr}/registry?q={encoded}")),
        ("人员页", format!("http://{addr}/registry/{person_id}")),
    ];
    let mut rows = Vec::new();
    let static_dir = dir.join("static");
    std::fs::create_dir_all(&static_dir)?;
    for (i, (label, url)) in pages.iter().enumerate() {
        // The page's size, to serve the same number of bytes from nginx.
        let size = fetch_len(url, &cookie).await?;
        let file = format!("page{i}.html");
        std::fs::write(static_dir.join(&file), "x".repeat(size))?;
        let ours = tokio::task::spawn_blocking({
            let (url, cookie) = (url.clone(), cookie.clone());
            move || wrk(&url, Some(&cookie), 10)
        })
        .await??;
        let base = nginx_run(dir, &static_dir, &file)?;
        rows.push(Row {
            what: format!("HTTP {label}（64 并发，10 秒，{size} 字节）"),
            ours: format!("{:.0} 次/秒，p99 {}{}", ours.rps, ms(ours.p99), if ours.errors { "（有错误）" } else { "" }),
            baseline: format!("nginx 静态页 {:.0} 次/秒，p99 {}", base.rps, ms(base.p99)),
            ratio: Some(ours.rps / base.rps.max(1e-9)),
            note: "比值 = 本系统每秒请求数 ÷ nginx（同样大小的静态页）；本系统含会话、权限、查询、模板".into(),
        });
    }
    let (rss, hwm) = server.memory_mib();
    rows.push(Row {
        what: "服务进程内存（HTTP 压测之后）".into(),
        ours: match (rss, hwm) {
            (Some(r), Some(h)) => format!("VmRSS {r:.0} MiB，峰值 VmHWM {h:.0} MiB"),
            _ => "—".into(),
        },
        baseline: "—".into(),
        ratio: None,
        note: "shuangyong serve 独立进程，服务整个数据库、经过以上压测之后读取 /proc".into(),
    });
    server.stop();
    Ok(rows)
}

/// GETs `url` once with the session cookie over a bare TCP connection and returns the body's length.
async fn fetch_len(url: &str, cookie: &str) -> anyhow::Result<usize> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let rest = url.strip_prefix("http://").context("url")?;
    let (host, path) = rest.split_once('/').context("url")?;
    let mut s = tokio::net::TcpStream::connect(host).await?;
    s.write_all(
        format!("GET /{path} HTTP/1.1\r\nHost: {host}\r\nCookie: {cookie}\r\nConnection: close\r\n\r\n").as_bytes(),
    )
    .await?;
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).await?;
    let text = String::from_utf8_lossy(&buf);
    anyhow::ensure!(text.starts_with("HTTP/1.1 200"), "{url}: {}", text.lines().next().unwrap_or(""));
    let body = text.split_once("\r\n\r\n").map(|(_, b)| b.len()).unwrap_or(0);
    Ok(body)
}

/// nginx (Debian's package) serving `file` from `root` on a free loopback port, measured by wrk.
fn nginx_run(dir: &Path, root: &Path, file: &str) -> anyhow::Result<Wrk> {
    let port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
    let conf = dir.join("nginx.conf");
    std::fs::write(
        &conf,
        format!(
            "worker_processes 1;\nmaster_process off;\ndaemon off;\npid {d}/nginx.pid;\nerror_log {d}/nginx_error.log;\n\
             events {{ worker_connections 1024; }}\n\
             http {{ access_log off; client_body_temp_path {d}; proxy_temp_path {d}; fastcgi_temp_path {d}; \
             uwsgi_temp_path {d}; scgi_temp_path {d}; default_type text/html; \
             server {{ listen 127.0.0.1:{port}; root {r}; }} }}\n",
            d = dir.canonicalize()?.display(),
            r = root.canonicalize()?.display(),
        ),
    )?;
    let mut child =
        Command::new("nginx").arg("-c").arg(conf.canonicalize()?).arg("-p").arg(dir.canonicalize()?).spawn()?;
    std::thread::sleep(Duration::from_millis(500));
    let result = wrk(&format!("http://127.0.0.1:{port}/{file}"), None, 10);
    let _ = child.kill();
    let _ = child.wait();
    result
}

/// How a query of one kind is made from a sampled person.
type QueryOf = fn(&Sampled) -> String;

pub struct Sampled {
    name: String,
    id: String,
}

/// Every n-th person of the file, up to `count`.
fn sample_people(csv: &PathBuf, count: usize) -> anyhow::Result<Vec<Sampled>> {
    let mut rdr = csv::Reader::from_path(csv)?;
    let all: Vec<Sampled> = rdr
        .records()
        .filter_map(Result::ok)
        .map(|r| Sampled { name: r.get(0).unwrap_or_default().to_owned(), id: r.get(1).unwrap_or_default().to_owned() })
        .collect();
    let step = (all.len() / count).max(1);
    Ok(all.into_iter().step_by(step).take(count).collect())
}

pub fn print(r: &Results) {
    println!("| 项目 | 本系统 | 基线 | 比值 | 说明 |");
    println!("| --- | --- | --- | --- | --- |");
    for row in &r.rows {
        let ratio = row.ratio.map(|x| format!("{x:.2}×")).unwrap_or_else(|| "—".into());
        println!("| {} | {} | {} | {} | {} |", row.what, row.ours, row.baseline, ratio, row.note);
    }
}
