//! The command line, run as a user would: migrate, org add, user add with the password on stdin,
//! audit verify (exit codes), backup and restore, demo.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use sea_orm::ConnectionTrait;
use shuangyong_store::testing;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_shuangyong"))
}

/// The key file of a test database: beside it, in the temporary directory.
fn key_file(db: &str) -> std::path::PathBuf {
    let name = db.rsplit(['/', ':']).next().unwrap_or("db");
    std::env::temp_dir().join(format!("{name}.key"))
}

fn run(db: &str, args: &[&str], stdin: &str) -> Output {
    let mut child = bin()
        .arg("--db")
        .arg(db)
        .arg("--key-file")
        .arg(key_file(db))
        .args(args)
        .env_remove("SHUANGYONG_DB")
        .env_remove("SHUANGYONG_KEY_FILE")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

fn text(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

#[tokio::test]
async fn a_new_installation_from_the_command_line() {
    let (url, _file) = testing::empty_url().await.unwrap();
    let o = run(&url, &["migrate"], "");
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains(&format!("当前版本 {}", shuangyong_store::SCHEMA_VERSION)));
    let o = run(&url, &["org", "add", "140929", "岢岚县", "--kind", "county"], "");
    assert!(o.status.success(), "{}", text(&o));
    let o = run(&url, &["org", "add", "140929/01", "岚漪镇", "--kind", "township"], "");
    assert!(o.status.success(), "{}", text(&o));
    // No password on stdin: a clear error.
    let o = run(&url, &["user", "add", "admin", "--role", "admin", "--org", "140929"], "");
    assert!(!o.status.success());
    assert!(text(&o).contains("标准输入提供密码"), "{}", text(&o));
    let o = run(&url, &["user", "add", "admin", "--role", "boss", "--org", "140929"], "Passw0rd-x\n");
    assert!(!o.status.success());
    assert!(text(&o).contains("未知的角色"));
    let o = run(
        &url,
        &["user", "add", "admin", "--role", "admin", "--org", "140929", "--display-name", "管理员"],
        "Passw0rd-x\n",
    );
    assert!(o.status.success(), "{}", text(&o));
    let o = run(&url, &["audit", "verify", "--json"], "");
    assert!(o.status.success(), "{}", text(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["intact"], true);
    assert_eq!(v["entries"], 3);
    // The password works.
    let store = shuangyong_store::Store::open(&url).await.unwrap();
    let ok = shuangyong_store::user::authenticate(&store, "admin", "Passw0rd-x", "cli").await.unwrap();
    assert!(ok.is_ok());
}

#[tokio::test]
async fn audit_verify_exits_1_and_names_the_broken_entry() {
    let (url, _file) = testing::empty_url().await.unwrap();
    run(&url, &["org", "add", "140929", "岢岚县", "--kind", "county"], "");
    run(&url, &["org", "add", "140929/01", "岚漪镇", "--kind", "township"], "");
    run(&url, &["org", "add", "140929/02", "三井镇", "--kind", "township"], "");
    let o = run(&url, &["audit", "verify"], "");
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(text(&o).contains("共 3 条"));
    let store = shuangyong_store::Store::connect(&url).await.unwrap();
    let drop_guard = match store.backend() {
        shuangyong_store::Backend::Sqlite => "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;",
        shuangyong_store::Backend::Postgres => "DROP TRIGGER audit_log_no_update ON audit_log;",
    };
    store.conn().execute_unprepared(drop_guard).await.unwrap();
    store.conn().execute_unprepared("UPDATE audit_log SET summary = '改' WHERE seq = 2").await.unwrap();
    let o = run(&url, &["audit", "verify"], "");
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("第 2 条内容被篡改"), "{}", text(&o));
    let o = run(&url, &["audit", "verify", "--json"], "");
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!((v["seq"].as_i64(), v["problem"].as_str()), (Some(2), Some("altered")));
}

#[tokio::test]
async fn backup_and_restore_from_the_command_line() {
    let (url, file) = testing::empty_url().await.unwrap();
    run(&url, &["org", "add", "140929", "岢岚县", "--kind", "county"], "");
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("b.db");
    let o = run(&url, &["backup", copy.to_str().unwrap()], "");
    if file.is_none() {
        // PostgreSQL: say what to use instead.
        assert!(!o.status.success());
        assert!(text(&o).contains("pg_dump"), "{}", text(&o));
        return;
    }
    assert!(o.status.success(), "{}", text(&o));
    run(&url, &["org", "add", "140929/01", "岚漪镇", "--kind", "township"], "");
    let o = run(&url, &["restore", copy.to_str().unwrap()], "");
    assert!(o.status.success(), "{}", text(&o));
    let store = shuangyong_store::Store::open(&url).await.unwrap();
    assert_eq!(store.count("org_unit").await.unwrap(), 1, "back to the backup's state");
    assert!(text(&run(&url, &["audit", "verify"], "")).contains("共 1 条"));
}

#[tokio::test]
async fn the_demo_refuses_to_overwrite_a_real_database() {
    let (url, _file) = testing::empty_url().await.unwrap();
    run(&url, &["org", "add", "140929", "岢岚县", "--kind", "county"], "");
    let o = run(&url, &["demo", "--no-serve"], "");
    assert!(!o.status.success());
    assert!(text(&o).contains("不会覆盖"), "{}", text(&o));
}

#[tokio::test]
async fn the_demo_builds_the_kelan_tree_and_one_account_per_role() {
    let (url, _file) = testing::empty_url().await.unwrap();
    let o = run(&url, &["demo", "--no-serve"], "");
    assert!(o.status.success(), "{}", text(&o));
    let out = text(&o);
    for role in ["系统管理员", "县级业务员", "乡镇业务员", "村级联络员", "部队联络员", "领导", "审计员"]
    {
        assert!(out.contains(role), "login for {role}: {out}");
    }
    assert!(out.contains("http://127.0.0.1:8080/"));
    // Built twice: the second run replaces the first.
    let o = run(&url, &["demo", "--no-serve"], "");
    assert!(o.status.success(), "{}", text(&o));
    let store = shuangyong_store::Store::open(&url).await.unwrap();
    let county = shuangyong_store::Scope::new(shuangyong_domain::OrgPath::parse("140929").unwrap());
    let units = shuangyong_store::org::list(&store, &county).await.unwrap();
    let names: Vec<&str> = units.iter().map(|u| u.name.as_str()).collect();
    for n in ["岢岚县", "岚漪镇", "三井镇", "团城村", "宋家沟镇", "驻岢某部"] {
        assert!(names.contains(&n), "{n}");
    }
    assert!(units.len() > 100);
    assert_eq!(store.count("app_user").await.unwrap(), 8);
    assert_eq!(store.count("person").await.unwrap(), 3_000, "synthetic people, registered by the import");
    // 116 veterans approved for 老兵生活补助, each of them eligible by the rule today.
    let rural = shuangyong_store::benefits::program_by_code(&store, "rural_veteran_elderly").await.unwrap();
    let enrolled = store
        .query_all(
            store.conn(),
            "SELECT person_id FROM benefit_enrolment WHERE program_id = $1 AND end_month IS NULL",
            [rural.id.into()],
        )
        .await
        .unwrap();
    assert_eq!(enrolled.len(), 116);
    for r in &enrolled {
        let id: i64 = r.try_get("", "person_id").unwrap();
        let v = shuangyong_store::benefits::judge(
            &store,
            store.conn(),
            id,
            &rural,
            chrono::NaiveDate::from_ymd_opt(2024, 12, 31).unwrap(),
        )
        .await
        .unwrap();
        assert!(v.eligible && v.met.iter().any(|m| m.starts_with("年满60周岁")), "{}", v.text());
    }
    // A cycle from the command line, as scripts read it; the same month twice is refused.
    let o = run(&url, &["cycle", "run", "rural_veteran_elderly", "2025-01", "--json"], "");
    assert!(o.status.success(), "{}", text(&o));
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(j["program"], "rural_veteran_elderly");
    assert_eq!(j["period"], "2025-01");
    assert!(j["cycle"].as_i64().unwrap() > 0);
    assert!(j["lines"].as_i64().unwrap() >= 100, "{j}");
    assert!(j["total_fen"].as_i64().unwrap() > 0);
    let o = run(&url, &["cycle", "run", "rural_veteran_elderly", "2025-01"], "");
    assert!(!o.status.success());
    assert!(text(&o).contains("已经计算过"), "{}", text(&o));
    // `all`: the month's other programs in one transaction, a JSON line each.
    let o = run(&url, &["cycle", "run", "all", "2025-01", "--json"], "");
    assert!(o.status.success(), "{}", text(&o));
    let runs: Vec<serde_json::Value> =
        String::from_utf8_lossy(&o.stdout).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert!(
        !runs.is_empty() && runs.iter().all(|r| r["period"] == "2025-01" && r["program"] != "rural_veteran_elderly")
    );
    let o = run(&url, &["cycle", "run", "all", "2025-01"], "");
    assert!(!o.status.success() && text(&o).contains("都已计算过"), "{}", text(&o));
    // The summary from the command line: every figure from the records, in words.
    let dir = tempfile::tempdir().unwrap();
    let html = dir.path().join("总结.html");
    let o = run(&url, &["report", "summary", "--from", "2020", "--to", "2024", "--out", html.to_str().unwrap()], "");
    assert!(o.status.success(), "{}", text(&o));
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(page.contains("岢岚县2020—2024年双拥工作总结") && page.contains(">116名</a>"), "{page}");
    assert!(!page.contains("缺少数据"), "{page}");
    // Every figure of DEMO.md, in the report's words, each a link to its records.
    for words in [
        "连续<a",
        ">四次</a>荣获“全国双拥模范县”称号",
        ">3万多人次</a>",
        ">近2.3亿元</a>",
        ">660万元</a>",
        ">574万元</a>",
        ">3万亩</a>",
        ">140余次</a>",
        ">12万多人</a>",
        "实现零事故",
        "与部队共建团城中心村",
        "建成岢岚县烈士陵园",
        "其中毛主席路居馆接待参观学习",
        ">20余次</a>",
        ">116名</a>",
        ">40余户</a>",
        ">50万元</a>",
        ">100%</a>",
        ">3.8亿元</a>",
        ">1000余万元</a>",
        ">10万余元</a>",
        ">8万余人</a>",
        ">200余人</a>",
        ">5万余人次</a>",
        ">8万元</a>",
        ">40名</a>",
    ] {
        assert!(page.contains(words), "{words} in the summary: {page}");
    }
    // The example self-assessment: scored where the records are, two sub-items still without evidence.
    let sheets = shuangyong_store::assessment::sheets(&store, &county).await.unwrap();
    assert_eq!(sheets.len(), 1);
    let (_, items, score) = shuangyong_store::assessment::get(&store, &county, sheets[0].id).await.unwrap();
    assert_eq!(items.len(), 22);
    assert_eq!((score.max, score.awarded), (6100, 5700), "{score:?}");
    assert!(score.vetoes.is_empty());
    assert_eq!(score.no_evidence.len(), 2);
    // Changing one record changes the figure: one more approval of 老兵生活补助.
    let waiting = store
        .query_one(
            store.conn(),
            "SELECT id FROM benefit_application WHERE status = 'reviewed' AND program_id = $1 ORDER BY id LIMIT 1",
            [rural.id.into()],
        )
        .await
        .unwrap()
        .unwrap()
        .try_get::<i64>("", "id")
        .unwrap();
    let tx = store.begin_write().await.unwrap();
    let approver = shuangyong_store::audit::Actor { user_id: Some(1), name: "管理员".into() };
    shuangyong_store::benefits::applications::decide(
        &store,
        &tx,
        &approver,
        &county,
        waiting,
        true,
        "",
        Some(shuangyong_domain::Period::new(2024, 12).unwrap()),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let o = run(&url, &["report", "summary", "--from", "2020", "--to", "2024", "--out", html.to_str().unwrap()], "");
    assert!(o.status.success(), "{}", text(&o));
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(page.contains(">117名</a>") && !page.contains(">116名</a>"), "{page}");
    let docx = dir.path().join("总结.docx");
    let o = run(&url, &["report", "summary", "--from", "2020", "--to", "2024", "--out", docx.to_str().unwrap()], "");
    assert!(o.status.success(), "{}", text(&o));
    let bytes = std::fs::read(&docx).unwrap();
    assert!(bytes.starts_with(b"PK"), "a zip, as .docx files are");
    // The Word file says what the page says.
    let xml = docx_text(&bytes);
    for words in ["四次", "近2.3亿元", "3万多人次", "140余次", "实现零事故", "117名", "3.8亿元", "1000余万元"]
    {
        assert!(xml.contains(words), "{words} in the .docx");
    }
    let o = run(&url, &["cycle", "export", &j["cycle"].to_string(), "--out", "/tmp/never.csv"], "");
    assert!(!o.status.success() && text(&o).contains("尚未审批"), "{}", text(&o));
    let o = run(&url, &["audit", "verify"], "");
    assert_eq!(o.status.code(), Some(0));
}

fn id_for(seq: u16) -> String {
    shuangyong_domain::id_number::make("140929", chrono::NaiveDate::from_ymd_opt(1955, 4, 3).unwrap(), seq)
        .as_str()
        .to_owned()
}

#[tokio::test]
async fn import_previews_commits_once_and_export_masks_unless_full() {
    let (url, _file) = testing::empty_url().await.unwrap();
    run(&url, &["org", "add", "140929", "岢岚县", "--kind", "county"], "");
    run(&url, &["org", "add", "140929/01", "岚漪镇", "--kind", "township"], "");
    run(&url, &["org", "add", "140929/01/001", "东街村", "--kind", "village"], "");
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("people.csv");
    let mut content = shuangyong_store::import::HEADERS.join(",") + "\n";
    for i in 0..3 {
        content.push_str(&format!(
            "老兵{i},{},,汉族,农村,东街村,农村籍退役士兵,1970-01,1975-01,,,13800000{i:03},,,,\n",
            id_for(i * 2 + 1)
        ));
    }
    content.push_str("错行,1234,,,,东街村,退役军人,,,,,,,,,\n");
    std::fs::write(&csv, content).unwrap();
    let o = run(&url, &["import", "persons", csv.to_str().unwrap(), "--json"], "");
    assert!(o.status.success(), "{}", text(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!((v["accepted"].as_u64(), v["rejected"].as_u64()), (Some(3), Some(1)), "{v}");
    assert_eq!(v["errors"][0]["row"], 5);
    assert_eq!(v["errors"][0]["column"], "身份证号");
    let store = shuangyong_store::Store::open(&url).await.unwrap();
    assert_eq!(store.count("person").await.unwrap(), 0, "preview wrote nothing");
    let o = run(&url, &["import", "persons", csv.to_str().unwrap(), "--commit"], "");
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("已写入 3 人"), "{}", text(&o));
    assert_eq!(store.count("person").await.unwrap(), 3);
    let o = run(&url, &["import", "persons", csv.to_str().unwrap(), "--commit", "--json"], "");
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!((v["accepted"].as_u64(), v["unchanged"].as_u64()), (Some(0), Some(3)));
    assert_eq!(store.count("person").await.unwrap(), 3);
    // Export: masked by default, full on request; both audited.
    let masked = dir.path().join("out.csv");
    let o = run(&url, &["export", "persons", "--out", masked.to_str().unwrap()], "");
    assert!(o.status.success(), "{}", text(&o));
    let body = std::fs::read_to_string(&masked).unwrap();
    assert!(body.contains("老兵1") && body.contains("********") && !body.contains(&id_for(3)));
    assert!(body.contains("138****0001"));
    let full = dir.path().join("full.xlsx");
    let o = run(&url, &["export", "persons", "--out", full.to_str().unwrap(), "--full"], "");
    assert!(o.status.success(), "{}", text(&o));
    // The full export can be imported again: nothing changes.
    let o = run(&url, &["import", "persons", full.to_str().unwrap(), "--json"], "");
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        (v["accepted"].as_u64(), v["unchanged"].as_u64(), v["rejected"].as_u64()),
        (Some(0), Some(3), Some(0)),
        "{v}"
    );
    let exports = store
        .query_all(store.conn(), "SELECT summary FROM audit_log WHERE action = 'export' ORDER BY seq", [])
        .await
        .unwrap();
    assert_eq!(exports.len(), 2);
    // Without its key file the database will not serve.
    let o = bin()
        .args(["--db", &url, "--key-file", "/nonexistent/k.key", "serve", "--addr", "127.0.0.1:0"])
        .env_remove("SHUANGYONG_DB")
        .env_remove("SHUANGYONG_KEY_FILE")
        .output()
        .unwrap();
    assert!(!o.status.success());
    assert!(text(&o).contains("找不到密钥文件"), "{}", text(&o));
}

/// The load test's smoke run (the full run is `bench/load.sh`): a small county, eight clients for
/// five seconds searching, reading and writing through the real forms. Any error, or a write that
/// cannot be read back, fails it; the writes it reports are in the database.
#[tokio::test]
async fn the_load_test_runs_without_errors_and_its_writes_land() {
    let (url, _file) = testing::empty_url().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let dir_arg = dir.path().to_str().unwrap();
    let args = ["load", "--persons", "2000", "--clients", "8", "--seconds", "5", "--json", "--dir", dir_arg];
    let o = run(&url, &args, "");
    assert!(o.status.success(), "{}", text(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["errors"], 0, "{v}");
    assert_eq!(v["ok"], true);
    let requests = |kind: &str| {
        v["kinds"].as_array().unwrap().iter().find(|k| k["kind"] == kind).map(|k| k["requests"].as_u64().unwrap())
    };
    for kind in ["查找：姓名", "查找：首字母", "人员页", "写：保存人员电话和住址", "写：提交待遇申请"]
    {
        assert!(requests(kind).unwrap() > 0, "{kind}: {v}");
    }
    // The database holds what the clients saved.
    let store = shuangyong_store::Store::connect(&url).await.unwrap();
    let applications = store.count("benefit_application").await.unwrap();
    assert!(applications > 0);
    assert_eq!(v["verified"]["applications"], applications);
    assert_eq!(v["verified"]["visits"], store.count("support_visit").await.unwrap());
    let edited = store
        .count_of(store.conn(), "SELECT COUNT(*) AS n FROM person WHERE address LIKE '压测路%'", [])
        .await
        .unwrap();
    assert_eq!(v["verified"]["edits"], edited, "every person edited has the new address");
    // The run refuses a database that is not empty.
    let o = run(&url, &args, "");
    assert!(!o.status.success());
    assert!(text(&o).contains("不是空库"), "{}", text(&o));
}

/// The text of a .docx, as the Word reader the store already depends on reads it.
fn docx_text(bytes: &[u8]) -> String {
    docx_rs::read_docx(bytes).unwrap().json()
}
