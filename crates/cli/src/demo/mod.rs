//! The 岢岚县 demo: `shuangyong demo` builds a database a new user can open and recognise (DEMO.md),
//! then serves it. For now it holds the organisation and one account per role; later areas add
//! their records here, each computed by the same code that serves real data.

mod assessment;
mod benefits;

use std::path::Path;

use anyhow::{Context, bail};
use shuangyong_domain::{OrgKind, OrgPath, Role};
use shuangyong_store::audit::Actor;
use shuangyong_store::crypto::FieldCrypto;
use shuangyong_store::org::{self, NewUnit};
use shuangyong_store::user::{self, NewUser};
use shuangyong_store::{Backend, Scope, Store, setting};

pub const DEFAULT_DB: &str = "sqlite://shuangyong-demo.db";
/// The demo's own key file, made with the first demo database.
pub const DEFAULT_KEY_FILE: &str = "shuangyong-demo.key";
/// The password of every demo account. The demo holds synthetic data only.
pub const PASSWORD: &str = "demo2024kl";

pub mod cases;
mod work;

const DIVISIONS: &str = include_str!("kelan_divisions.tsv");

/// The demo accounts: user name, display name, role, unit.
pub const ACCOUNTS: &[(&str, &str, Role, &str)] = &[
    ("admin", "系统管理员", Role::Admin, "140929"),
    ("county", "县双拥办业务员", Role::CountyClerk, "140929"),
    ("lanyi", "岚漪镇业务员", Role::TownshipClerk, "140929/01"),
    ("sanjing", "三井镇业务员", Role::TownshipClerk, "140929/02"),
    ("tuancheng", "团城村联络员", Role::VillageContact, "140929/02/222"),
    ("troop", "驻军联络员", Role::TroopLiaison, "140929/90"),
    ("leader", "县领导", Role::Leader, "140929"),
    ("auditor", "审计员", Role::Auditor, "140929"),
];

/// Resident units, under the county (synthetic designations).
const MILITARY_UNITS: &[(&str, &str)] = &[("90", "驻岢某部"), ("91", "武警岢岚中队")];

/// Removes an earlier demo database, refusing to touch one that is not a demo.
async fn reset(url: &str) -> anyhow::Result<()> {
    let store = Store::connect(url).await?;
    store.migrate().await?;
    let is_demo = setting::get(&store, "demo").await?.is_some();
    let units = store.count("org_unit").await?;
    if units > 0 && !is_demo {
        bail!("数据库 {url} 中已有非演示数据，演示程序不会覆盖它；请用 --db 指定另一个数据库");
    }
    match store.backend() {
        Backend::Sqlite => {
            store.close().await?;
            if let Some(file) = shuangyong_store::backup::sqlite_file(url) {
                for suffix in ["", "-wal", "-shm"] {
                    let f = format!("{}{suffix}", file.display());
                    if std::path::Path::new(&f).exists() {
                        std::fs::remove_file(&f).with_context(|| format!("删除旧的演示数据库 {f}"))?;
                    }
                }
            }
        }
        Backend::Postgres => {
            use sea_orm::ConnectionTrait;
            store.conn().execute_unprepared("DROP SCHEMA public CASCADE; CREATE SCHEMA public").await?;
            store.close().await?;
        }
    }
    Ok(())
}

/// One row of the divisions table, placed in the tree: townships get `01`, `02`, … in order,
/// villages the last three digits of their statistical code.
struct Division {
    path: OrgPath,
    name: String,
    kind: OrgKind,
    note: String,
}

fn divisions() -> anyhow::Result<Vec<Division>> {
    let mut out = Vec::new();
    let mut township: Option<OrgPath> = None;
    let mut townships = 0;
    let county = OrgPath::parse("140929")?;
    for line in DIVISIONS.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty()) {
        let cols: Vec<&str> = line.split('\t').collect();
        let (code, name, kind) = (cols[0], cols[1], cols[2]);
        let kind = OrgKind::from_code(kind).with_context(|| format!("kind {kind}"))?;
        let stat = if cols.len() > 3 {
            format!("统计用区划代码 {code}；{}", cols[3])
        } else {
            format!("统计用区划代码 {code}")
        };
        let path = match kind {
            OrgKind::County => county.clone(),
            OrgKind::Township | OrgKind::Subdistrict => {
                townships += 1;
                let p = county.child(&format!("{townships:02}"))?;
                township = Some(p.clone());
                p
            }
            _ => township.as_ref().context("village before its township")?.child(&code[code.len() - 3..])?,
        };
        out.push(Division { path, name: name.to_owned(), kind, note: stat });
    }
    Ok(out)
}

/// Builds the demo database at `url` from nothing, with a new key in `key_file`, and returns it
/// open.
pub async fn build(url: &str, key_file: &Path) -> anyhow::Result<Store> {
    let started = std::time::Instant::now();
    reset(url).await?;
    // The database is built from nothing, so any key will do: reuse one that is there (never
    // delete a key file — it may belong to another database), or make one.
    let crypto =
        if key_file.exists() { FieldCrypto::from_key_file(key_file)? } else { FieldCrypto::create_key_file(key_file)? };
    let store = Store::open(url).await?.with_crypto(crypto);
    let actor = Actor::system("演示数据");
    let tx = store.begin_write().await?;
    setting::set(&store, &tx, "demo", "岢岚县").await?;
    for (i, d) in divisions()?.into_iter().enumerate() {
        let unit = NewUnit { path: d.path, name: d.name, kind: d.kind, sort: i as i32, note: d.note };
        org::create(&store, &tx, &actor, unit).await?;
    }
    for (seg, name) in MILITARY_UNITS {
        let path = OrgPath::parse(&format!("140929/{seg}"))?;
        org::create(
            &store,
            &tx,
            &actor,
            NewUnit { path, name: (*name).into(), kind: OrgKind::MilitaryUnit, sort: 900, note: String::new() },
        )
        .await?;
    }
    let root = Scope::new(OrgPath::parse("140929")?);
    let mut users = std::collections::HashMap::new();
    for (username, display, role, at) in ACCOUNTS {
        let new = NewUser {
            username: (*username).into(),
            display_name: (*display).into(),
            role: *role,
            org_path: OrgPath::parse(at)?,
            password: PASSWORD.into(),
        };
        users.insert(*username, user::create(&store, &tx, &actor, &root, new).await?);
    }
    tx.commit().await?;
    add_people(&store, &root).await?;
    benefits::seed(&store, &root, &users).await?;
    cases::seed(&store, &root).await?;
    work::seed(&store, &root).await?;
    assessment::seed(&store, &root).await?;
    eprintln!("演示数据库已建好：{url}（用时 {:.1} 秒）", started.elapsed().as_secs_f64());
    Ok(store)
}

/// How many synthetic people live in the demo county.
pub const PEOPLE: usize = 3_000;

/// Registers the demo's synthetic people through the same import path a clerk uses.
async fn add_people(store: &Store, root: &Scope) -> anyhow::Result<()> {
    let villages: Vec<String> = shuangyong_store::org::list(store, root)
        .await?
        .into_iter()
        .filter(|u| matches!(u.kind, OrgKind::Village | OrgKind::Community))
        .map(|u| u.path.to_string())
        .collect();
    let mut generator = shuangyong_synth::Generator::new(140929, vec!["140929".into()], villages);
    let mut csv = Vec::new();
    shuangyong_synth::write_csv(&mut generator, PEOPLE, &mut csv)?;
    let plan = shuangyong_store::import::plan(store, root, &csv).await?;
    anyhow::ensure!(plan.report.rejected == 0, "demo people rejected: {:?}", plan.report.errors.first());
    shuangyong_store::import::commit(store, &Actor::system("演示数据"), root, plan, "演示人员.csv", &csv, &|_| {})
        .await?;
    Ok(())
}

pub fn print_logins(addr: &str) {
    println!("岢岚县演示：http://{addr}/");
    println!("各角色的登录账号（密码均为 {PASSWORD}）：");
    for (username, display, role, at) in ACCOUNTS {
        println!("  {username:<10} {}（{display}，{at}）", role.label());
    }
}
