//! `shuangyong load`: many users at once, through the web UI as browsers use it. A synthetic county
//! is imported, a few accounts of different roles and units are made, the server runs in this
//! process on 127.0.0.1, and N clients — each logged in as one of those users, with its own
//! session, cookies and CSRF token over one kept-alive connection — search, open pages and write
//! through the real HTML forms for a fixed time. Every response is checked (status, what the page
//! must show, that a clerk's results stay in their township); afterwards the writes are read back
//! from the database and the audit chain is verified. Any error fails the run.

mod client;
mod html;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use serde::Serialize;
use shuangyong_domain::{OrgPath, Role};
use shuangyong_store::audit::{self, Actor, Verdict};
use shuangyong_store::crypto::FieldCrypto;
use shuangyong_store::user::{self, NewUser};
use shuangyong_store::{Scope, Store, import, registry};
use shuangyong_synth::Rng;

use self::client::{Client, Response};

const PASSWORD: &str = "load-test-2026!";
/// How long one request may take before it counts as an error.
const TIMEOUT: Duration = Duration::from_secs(30);
/// Searches are drawn from this many people of the import file.
const SAMPLE: usize = 20_000;
/// Error messages kept for the report.
const KEEP_ERRORS: usize = 20;

pub struct Options {
    pub persons: usize,
    pub clients: usize,
    pub seconds: u64,
    /// A database URL; `None` makes a fresh SQLite file in `dir`.
    pub db: Option<String>,
    pub dir: PathBuf,
}

/// What a request was for: each kind has its own count and percentiles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Kind {
    SearchName,
    SearchPinyin,
    SearchInitials,
    SearchIdTail,
    PersonPage,
    ListPage,
    Dashboard,
    Home,
    EditForm,
    EditSave,
    ApplicationForm,
    ApplicationSave,
    VisitForm,
    VisitSave,
    AfterWrite,
}

impl Kind {
    const ALL: [Kind; 15] = [
        Kind::SearchName,
        Kind::SearchPinyin,
        Kind::SearchInitials,
        Kind::SearchIdTail,
        Kind::PersonPage,
        Kind::ListPage,
        Kind::Dashboard,
        Kind::Home,
        Kind::EditForm,
        Kind::EditSave,
        Kind::ApplicationForm,
        Kind::ApplicationSave,
        Kind::VisitForm,
        Kind::VisitSave,
        Kind::AfterWrite,
    ];

    fn label(self) -> &'static str {
        match self {
            Kind::SearchName => "查找：姓名",
            Kind::SearchPinyin => "查找：全拼",
            Kind::SearchInitials => "查找：首字母",
            Kind::SearchIdTail => "查找：身份证号后4位",
            Kind::PersonPage => "人员页",
            Kind::ListPage => "人员列表（按单位、翻页）",
            Kind::Dashboard => "统计页（/reports）",
            Kind::Home => "工作台（/）",
            Kind::EditForm => "写：打开修改表单",
            Kind::EditSave => "写：保存人员电话和住址",
            Kind::ApplicationForm => "写：打开待遇申请表",
            Kind::ApplicationSave => "写：提交待遇申请",
            Kind::VisitForm => "写：打开走访慰问表单",
            Kind::VisitSave => "写：保存走访慰问记录",
            Kind::AfterWrite => "写后跳转的页面",
        }
    }

    fn is_write(self) -> bool {
        matches!(self, Kind::EditSave | Kind::ApplicationSave | Kind::VisitSave)
    }
}

/// The accounts the clients log in as, in the order clients take them (so a small run still has
/// every role): county clerks see the county, township clerks one township, village contacts one
/// village, the leader reads only.
fn accounts() -> Vec<(String, Role, String)> {
    let mut v = Vec::new();
    let town = |t: u32| format!("140929/{t:02}");
    v.push(("county1".to_owned(), Role::CountyClerk, "140929".to_owned()));
    v.push(("town01".to_owned(), Role::TownshipClerk, town(1)));
    v.push(("village1".to_owned(), Role::VillageContact, "140929/01/001".to_owned()));
    v.push(("leader".to_owned(), Role::Leader, "140929".to_owned()));
    v.push(("town02".to_owned(), Role::TownshipClerk, town(2)));
    v.push(("county2".to_owned(), Role::CountyClerk, "140929".to_owned()));
    v.push(("town03".to_owned(), Role::TownshipClerk, town(3)));
    v.push(("village2".to_owned(), Role::VillageContact, "140929/05/003".to_owned()));
    for t in 4..=8 {
        v.push((format!("town{t:02}"), Role::TownshipClerk, town(t)));
    }
    v
}

/// A person as the clients know them: from the database (pages, writes) …
struct Known {
    id: i64,
    org_path: String,
    name: String,
}

/// … and from the import file (searches need the ID number, stored only sealed).
struct Sampled {
    name: String,
    id_number: String,
    unit: String,
}

fn in_scope(path: &str, scope: &str) -> bool {
    path == scope || (path.starts_with(scope) && path.as_bytes().get(scope.len()) == Some(&b'/'))
}

/// The unit names a scoped user's results must carry: the synthetic county names its units
/// 第{t}镇 and 第{t}镇第{v}村.
fn unit_name_prefix(scope: &str) -> Option<String> {
    let parts: Vec<&str> = scope.split('/').collect();
    match parts.as_slice() {
        [_, t] => Some(format!("第{}镇第", t.parse::<u32>().ok()?)),
        [_, t, v] => Some(format!("第{}镇第{}村", t.parse::<u32>().ok()?, v.parse::<u32>().ok()?)),
        _ => None,
    }
}

/// One client's share of the work.
struct Plan {
    index: usize,
    username: String,
    role: Role,
    unit_prefix: Option<String>,
    /// Indexes into the sample: people this user may find.
    searches: Vec<u32>,
    /// Indexes into the known people: people this user may open.
    people: Vec<u32>,
    /// The people only this client writes to (no two clients edit one person).
    mine: Vec<u32>,
    villages: Vec<String>,
}

struct Shared {
    sample: Vec<Sampled>,
    known: Vec<Known>,
    today: String,
}

#[derive(Default)]
struct Stats {
    requests: HashMap<Kind, u64>,
    errors: HashMap<Kind, u64>,
    micros: HashMap<Kind, Vec<u32>>,
    messages: Vec<String>,
}

impl Stats {
    fn merge(&mut self, o: Stats) {
        for (k, v) in o.requests {
            *self.requests.entry(k).or_default() += v;
        }
        for (k, v) in o.errors {
            *self.errors.entry(k).or_default() += v;
        }
        for (k, v) in o.micros {
            self.micros.entry(k).or_default().extend(v);
        }
        for m in o.messages {
            if self.messages.len() < KEEP_ERRORS {
                self.messages.push(m);
            }
        }
    }
}

/// What the clients wrote, to read back afterwards.
#[derive(Default)]
struct Writes {
    /// person id → (phone, address) last saved.
    edits: HashMap<i64, (String, String)>,
    /// (application id, person id, program id)
    applications: Vec<(i64, i64, i64)>,
    /// (record id, leaders)
    visits: Vec<(i64, String)>,
}

struct Session<'a> {
    plan: &'a Plan,
    shared: &'a Shared,
    c: Client,
    rng: Rng,
    stats: Stats,
    writes: Writes,
    seq: u64,
}

impl Session<'_> {
    fn fail(&mut self, kind: Kind, what: String) {
        *self.stats.errors.entry(kind).or_default() += 1;
        if self.stats.messages.len() < KEEP_ERRORS {
            self.stats.messages.push(format!("[{} {}] {}：{what}", self.plan.username, self.plan.index, kind.label()));
        }
    }

    /// One request, timed; `None` (and an error counted) when no response came back.
    async fn send(&mut self, kind: Kind, path: &str, form: Option<&[(String, String)]>) -> Option<Response> {
        *self.stats.requests.entry(kind).or_default() += 1;
        let t = Instant::now();
        let r = match form {
            Some(f) => self.c.post_form(path, f).await,
            None => self.c.get(path).await,
        };
        let d = t.elapsed();
        match r {
            Ok(res) => {
                self.stats.micros.entry(kind).or_default().push(d.as_micros().min(u32::MAX as u128) as u32);
                Some(res)
            }
            Err(e) => {
                self.fail(kind, format!("{path}：{e:#}"));
                None
            }
        }
    }

    /// A GET that must answer 200.
    async fn page(&mut self, kind: Kind, path: &str) -> Option<Response> {
        let res = self.send(kind, path, None).await?;
        if res.status != 200 {
            self.fail(kind, format!("{path}：状态 {}，{}", res.status, html::message(&res.body)));
            return None;
        }
        Some(res)
    }

    fn pick<'b>(&mut self, v: &'b [u32]) -> Option<&'b u32> {
        (!v.is_empty()).then(|| self.rng.pick(v))
    }

    /// The results of a list must belong to the user's unit.
    fn check_scope(&mut self, kind: Kind, path: &str, body: &str) -> bool {
        let Some(prefix) = &self.plan.unit_prefix else { return true };
        let rows = body.matches("<td>第").count();
        let ours = body.matches(&format!("<td>{prefix}")).count();
        if rows != ours {
            self.fail(kind, format!("{path}：结果中有 {} 行不属于本单位", rows - ours));
            return false;
        }
        true
    }

    async fn search(&mut self, kind: Kind) {
        let (plan, shared) = (self.plan, self.shared);
        let Some(&i) = self.pick(&plan.searches) else { return self.person_page().await };
        let s = &shared.sample[i as usize];
        let q = match kind {
            Kind::SearchName => s.name.clone(),
            Kind::SearchPinyin => shuangyong_domain::pinyin::name_keys(&s.name).full,
            Kind::SearchInitials => shuangyong_domain::pinyin::name_keys(&s.name).initials,
            _ => s.id_number[s.id_number.len() - 4..].to_owned(),
        };
        let path = format!("/registry?{}", serde_urlencoded::to_string([("q", &q)]).unwrap_or_default());
        let Some(res) = self.page(kind, &path).await else { return };
        match html::pager_total(&res.body) {
            Some(n) if n > 0 => {
                self.check_scope(kind, &path, &res.body);
            }
            _ => self.fail(kind, format!("{path}：没有找到 {}（{}）", s.name, q)),
        }
    }

    async fn person_page(&mut self) {
        let (plan, shared) = (self.plan, self.shared);
        let Some(&i) = self.pick(&plan.people) else { return };
        let p = &shared.known[i as usize];
        let path = format!("/registry/{}", p.id);
        let Some(res) = self.page(Kind::PersonPage, &path).await else { return };
        if !res.body.contains(&p.name) {
            self.fail(Kind::PersonPage, format!("{path}：页面上没有 {}", p.name));
        }
    }

    async fn list_page(&mut self) {
        let path = if !self.plan.villages.is_empty() && self.rng.chance(0.5) {
            let plan = self.plan;
            let v = self.rng.pick(&plan.villages).clone();
            format!("/registry?unit={}", v.replace('/', "%2F"))
        } else {
            format!("/registry?page={}", 1 + self.rng.below(20))
        };
        let Some(res) = self.page(Kind::ListPage, &path).await else { return };
        if html::pager_total(&res.body).is_none() {
            self.fail(Kind::ListPage, format!("{path}：页面上没有分页"));
        } else {
            self.check_scope(Kind::ListPage, &path, &res.body);
        }
    }

    /// Follows a write's redirect as a browser does; the page must carry `flash`.
    async fn after_write(&mut self, location: &str, flash: &str) {
        let Some(res) = self.page(Kind::AfterWrite, location).await else { return };
        if !res.body.contains(flash) {
            self.fail(Kind::AfterWrite, format!("{location}：没有提示“{flash}”：{}", html::message(&res.body)));
        }
    }

    /// A form's page, and the form on it that posts to `action`.
    async fn open_form(&mut self, kind: Kind, path: &str, action: &str) -> Option<html::Form> {
        let res = self.page(kind, path).await?;
        let f = html::form(&res.body, action);
        if f.is_none() {
            self.fail(kind, format!("{path}：页面上没有提交到 {action} 的表单"));
        }
        f
    }

    /// Posts a form that must redirect (303) to a location starting with `to`; returns it.
    async fn submit(&mut self, kind: Kind, action: &str, form: &html::Form, to: &str) -> Option<String> {
        let res = self.send(kind, action, Some(&form.fields)).await?;
        match (res.status, &res.location) {
            (303, Some(l)) if l.starts_with(to) => Some(l.clone()),
            (303, Some(l)) => {
                // Refusals come back as a redirect with a flash message: read it.
                let l = l.clone();
                let why = match self.c.get(&l).await {
                    Ok(r) => html::message(&r.body),
                    Err(e) => e.to_string(),
                };
                self.fail(kind, format!("{action}：转到 {l} 而不是 {to}…：{why}"));
                None
            }
            (s, _) => {
                let why = html::message(&res.body);
                let why = if why.is_empty() { res.body.chars().take(200).collect() } else { why };
                self.fail(kind, format!("{action}：状态 {s}，{why}"));
                None
            }
        }
    }

    async fn edit_person(&mut self) {
        let plan = self.plan;
        let Some(&i) = self.pick(&plan.mine) else { return self.person_page().await };
        let id = self.shared.known[i as usize].id;
        let action = format!("/registry/{id}");
        let Some(mut form) = self.open_form(Kind::EditForm, &format!("/registry/{id}/edit"), &action).await else {
            return;
        };
        self.seq += 1;
        let phone = format!("139{:08}", self.rng.below(100_000_000));
        let address = format!("压测路{}号{}室", self.plan.index, self.seq);
        form.set("phone", &phone);
        form.set("address", &address);
        let Some(to) = self.submit(Kind::EditSave, &action, &form, &action).await else { return };
        if to != action {
            return self.fail(Kind::EditSave, format!("{action}：转到了 {to}"));
        }
        self.writes.edits.insert(id, (phone, address));
        self.after_write(&to, "已保存").await;
    }

    async fn apply(&mut self) {
        let plan = self.plan;
        let Some(&i) = self.pick(&plan.mine) else { return self.person_page().await };
        let id = self.shared.known[i as usize].id;
        let path = format!("/benefits/applications/new?person={id}");
        let Some(mut form) = self.open_form(Kind::ApplicationForm, &path, "/benefits/applications").await else {
            return;
        };
        if form.get("program").is_none() {
            // Nothing picked for us: take any program still open to this person, if one is.
            let Some((_, v)) = form.unpicked_radios.first().cloned() else { return };
            form.set("program", &v);
        }
        let program: i64 = form.get("program").and_then(|p| p.parse().ok()).unwrap_or(0);
        self.seq += 1;
        form.set("note", &format!("压测申请 {}-{}", self.plan.index, self.seq));
        let to = "/benefits/applications/";
        let Some(l) = self.submit(Kind::ApplicationSave, "/benefits/applications", &form, to).await else { return };
        match l[to.len()..].parse::<i64>() {
            Ok(app) => self.writes.applications.push((app, id, program)),
            Err(_) => return self.fail(Kind::ApplicationSave, format!("转到了 {l}")),
        }
        self.after_write(&l, "申请已提交").await;
    }

    async fn record_visit(&mut self) {
        let action = "/support/visits";
        let Some(mut form) = self.open_form(Kind::VisitForm, "/support/visits/new", action).await else { return };
        self.seq += 1;
        let leaders = format!("压测领导{}-{}", self.plan.index, self.seq);
        form.set("visited_on", &self.shared.today);
        form.set("occasion", "春节");
        form.set("leaders", &leaders);
        form.set("visited_unit", "驻地某部");
        form.set("amount", "500");
        let to = "/support/visits/";
        let Some(l) = self.submit(Kind::VisitSave, action, &form, to).await else { return };
        match l[to.len()..].parse::<i64>() {
            Ok(rec) => self.writes.visits.push((rec, leaders)),
            Err(_) => return self.fail(Kind::VisitSave, format!("转到了 {l}")),
        }
        self.after_write(&l, "走访慰问").await;
    }

    /// Logs in through the login form; the session cookie and CSRF token are kept.
    async fn login(&mut self) -> anyhow::Result<()> {
        let page = self.c.get("/login").await?;
        let mut form = html::form(&page.body, "/login").context("登录页上没有登录表单")?;
        form.set("username", &self.plan.username);
        form.set("password", PASSWORD);
        let res = self.c.post_form("/login", &form.fields).await?;
        anyhow::ensure!(
            res.status == 303 && res.location.as_deref() == Some("/"),
            "{} 登录失败：状态 {}，{}",
            self.plan.username,
            res.status,
            html::message(&res.body)
        );
        let home = self.c.get("/").await?;
        anyhow::ensure!(home.status == 200, "{} 登录后打开工作台：状态 {}", self.plan.username, home.status);
        Ok(())
    }

    /// One thing a user does: mostly searching and reading, sometimes writing.
    async fn step(&mut self) {
        #[derive(Clone, Copy)]
        enum Act {
            Search(Kind),
            Person,
            List,
            Dashboard,
            Home,
            Edit,
            Apply,
            Visit,
        }
        let edits = self.plan.role.may_edit_people();
        let visits = self.plan.role.may_write_work();
        let acts = [
            (Act::Search(Kind::SearchName), 12),
            (Act::Search(Kind::SearchPinyin), 12),
            (Act::Search(Kind::SearchInitials), 12),
            (Act::Search(Kind::SearchIdTail), 12),
            (Act::Person, 20),
            (Act::List, 10),
            (Act::Dashboard, 4),
            (Act::Home, 3),
            (Act::Edit, if edits { 7 } else { 0 }),
            (Act::Apply, if edits { 4 } else { 0 }),
            (Act::Visit, if visits { 4 } else { 0 }),
        ];
        match *self.rng.weighted(&acts) {
            Act::Search(k) => self.search(k).await,
            Act::Person => self.person_page().await,
            Act::List => self.list_page().await,
            Act::Dashboard => {
                self.page(Kind::Dashboard, "/reports").await;
            }
            Act::Home => {
                self.page(Kind::Home, "/").await;
            }
            Act::Edit => self.edit_person().await,
            Act::Apply => self.apply().await,
            Act::Visit => self.record_visit().await,
        }
    }
}

#[derive(Debug, Serialize)]
pub struct KindRow {
    pub kind: String,
    pub requests: u64,
    pub errors: u64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
}

#[derive(Debug, Serialize)]
pub struct Verified {
    pub edits: usize,
    pub edits_checked: usize,
    pub applications: usize,
    pub applications_in_db: i64,
    pub visits: usize,
    pub visits_in_db: i64,
    pub audit_entries: i64,
    pub problems: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct Report {
    pub engine: String,
    pub persons: usize,
    pub clients: usize,
    pub seconds: u64,
    pub elapsed_s: f64,
    pub requests: u64,
    pub rps: f64,
    pub errors: u64,
    pub writes: u64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub kinds: Vec<KindRow>,
    pub error_samples: Vec<String>,
    pub connections: u64,
    pub verified: Verified,
    pub ok: bool,
}

fn quantile_ms(sorted: &[u32], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * q).round() as usize;
    sorted[i] as f64 / 1000.0
}

/// Makes the county, imports `persons` people, adds the accounts; returns the store.
async fn prepare(opts: &Options) -> anyhow::Result<(Store, PathBuf)> {
    std::fs::create_dir_all(&opts.dir).with_context(|| format!("无法创建目录 {}", opts.dir.display()))?;
    let url = match &opts.db {
        Some(u) => u.clone(),
        None => {
            let file = opts.dir.join("load.db");
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", file.display()));
            }
            format!("sqlite://{}", file.display())
        }
    };
    let store = Store::open(&url).await?.with_crypto(FieldCrypto::from_master(&[42u8; 32]));
    anyhow::ensure!(
        store.count("org_unit").await? == 0 && store.count("person").await? == 0,
        "数据库 {url} 不是空库：压测会导入数万名虚构人员并写入数据，请指定一个新建的空库"
    );
    let villages = crate::bench::county(&store).await?;
    let csv = opts.dir.join("load-persons.csv");
    let regions: Vec<String> = shuangyong_synth::SHANXI_COUNTIES.iter().map(|(c, _)| (*c).to_owned()).collect();
    let mut generator = shuangyong_synth::Generator::new(2026, regions, villages);
    shuangyong_synth::write_csv(&mut generator, opts.persons, std::io::BufWriter::new(std::fs::File::create(&csv)?))?;
    let bytes = std::fs::read(&csv)?;
    let root = Scope::new(OrgPath::parse("140929")?);
    let t = Instant::now();
    let plan = import::plan(&store, &root, &bytes).await?;
    anyhow::ensure!(plan.report.file_error.is_none(), "导入文件有误：{:?}", plan.report.file_error);
    let report =
        import::commit(&store, &Actor::system("压测"), &root, plan, "load-persons.csv", &bytes, &|_| {}).await?;
    eprintln!("导入 {} 人（拒绝 {}）：{:.1} 秒", report.accepted, report.rejected, t.elapsed().as_secs_f64());
    let tx = store.begin_write().await?;
    for (username, role, org) in accounts() {
        user::create(
            &store,
            &tx,
            &Actor::system("压测"),
            &root,
            NewUser {
                display_name: format!("压测{username}"),
                username,
                role,
                org_path: OrgPath::parse(&org)?,
                password: PASSWORD.into(),
            },
        )
        .await?;
    }
    tx.commit().await?;
    Ok((store, csv))
}

fn read_sample(csv: &Path) -> anyhow::Result<Vec<Sampled>> {
    let mut rdr = csv::Reader::from_path(csv)?;
    let all: Vec<Sampled> = rdr
        .records()
        .filter_map(Result::ok)
        .map(|r| Sampled {
            name: r.get(0).unwrap_or_default().to_owned(),
            id_number: r.get(1).unwrap_or_default().to_owned(),
            unit: r.get(5).unwrap_or_default().to_owned(),
        })
        .filter(|s| s.id_number.len() == 18)
        .collect();
    let step = (all.len() / SAMPLE).max(1);
    Ok(all.into_iter().step_by(step).take(SAMPLE).collect())
}

async fn read_known(store: &Store) -> anyhow::Result<Vec<Known>> {
    let rows = store.query_all(store.conn(), "SELECT id, org_path, name FROM person ORDER BY id", []).await?;
    rows.into_iter()
        .map(|r| {
            Ok(Known { id: r.try_get("", "id")?, org_path: r.try_get("", "org_path")?, name: r.try_get("", "name")? })
        })
        .collect()
}

fn plans(clients: usize, shared: &Shared) -> Vec<Plan> {
    let accounts = accounts();
    (0..clients)
        .map(|index| {
            let (username, role, scope) = accounts[index % accounts.len()].clone();
            let searches = (0..shared.sample.len() as u32)
                .filter(|&i| in_scope(&shared.sample[i as usize].unit, &scope))
                .collect();
            let people: Vec<u32> = (0..shared.known.len() as u32)
                .filter(|&i| in_scope(&shared.known[i as usize].org_path, &scope))
                .collect();
            let mine =
                people.iter().copied().filter(|&i| shared.known[i as usize].id as usize % clients == index).collect();
            let mut villages: Vec<String> = people.iter().map(|&i| shared.known[i as usize].org_path.clone()).collect();
            villages.sort();
            villages.dedup();
            Plan { index, username, role, unit_prefix: unit_name_prefix(&scope), searches, people, mine, villages }
        })
        .collect()
}

/// Reads the writes back from the database: the phones and addresses saved, every application
/// and visit record, and the audit chain.
async fn verify(store: &Store, writes: &Writes) -> anyhow::Result<Verified> {
    let crypto = FieldCrypto::from_master(&[42u8; 32]);
    let root = Scope::new(OrgPath::parse("140929")?);
    let mut problems = Vec::new();
    let mut edits: Vec<(&i64, &(String, String))> = writes.edits.iter().collect();
    edits.sort();
    let step = (edits.len() / 500).max(1);
    let mut edits_checked = 0;
    for (id, (phone, address)) in edits.iter().step_by(step) {
        let p = registry::get(store, &root, **id).await?;
        let index: Option<String> = store
            .query_one(store.conn(), "SELECT phone_index FROM person WHERE id = $1", [(**id).into()])
            .await?
            .and_then(|r| r.try_get("", "phone_index").ok());
        if &p.address != address || index.as_deref() != Some(crypto.index("phone", phone).as_str()) {
            problems.push(format!("人员 {id} 的住址或电话不是最后保存的值（应为 {address}、{phone}）"));
        }
        edits_checked += 1;
    }
    let applications_in_db = store.count("benefit_application").await?;
    if applications_in_db != writes.applications.len() as i64 {
        problems.push(format!("库中有 {applications_in_db} 份申请，提交成功 {} 份", writes.applications.len()));
    }
    for (app, person, program) in writes.applications.iter().step_by((writes.applications.len() / 500).max(1)) {
        let row = store
            .query_one(
                store.conn(),
                "SELECT person_id, program_id, status FROM benefit_application WHERE id = $1",
                [(*app).into()],
            )
            .await?;
        let got = row.map(|r| {
            (
                r.try_get::<i64>("", "person_id").unwrap_or(0),
                r.try_get::<i64>("", "program_id").unwrap_or(0),
                r.try_get::<String>("", "status").unwrap_or_default(),
            )
        });
        if got != Some((*person, *program, "submitted".to_owned())) {
            problems.push(format!("申请 {app} 与提交的不符：{got:?}"));
        }
    }
    let visits_in_db = store.count("support_visit").await?;
    if visits_in_db != writes.visits.len() as i64 {
        problems.push(format!("库中有 {visits_in_db} 条走访慰问，保存成功 {} 条", writes.visits.len()));
    }
    for (rec, leaders) in writes.visits.iter().step_by((writes.visits.len() / 500).max(1)) {
        let got: Option<String> = store
            .query_one(store.conn(), "SELECT leaders FROM support_visit WHERE id = $1", [(*rec).into()])
            .await?
            .and_then(|r| r.try_get("", "leaders").ok());
        if got.as_deref() != Some(leaders.as_str()) {
            problems.push(format!("走访慰问 {rec} 与保存的不符：{got:?}"));
        }
    }
    let audit_entries = match audit::verify(store).await? {
        Verdict::Intact { entries } => entries,
        Verdict::Broken { seq, problem } => {
            problems.push(format!("审计日志第 {seq} 条损坏：{problem:?}"));
            0
        }
    };
    Ok(Verified {
        edits: writes.edits.len(),
        edits_checked,
        applications: writes.applications.len(),
        applications_in_db,
        visits: writes.visits.len(),
        visits_in_db,
        audit_entries,
        problems,
    })
}

pub async fn run(opts: Options) -> anyhow::Result<Report> {
    anyhow::ensure!(opts.clients > 0 && opts.seconds > 0 && opts.persons > 0, "人数、客户端数和秒数都应大于 0");
    let (store, csv) = prepare(&opts).await?;
    let engine = format!("{:?}", store.backend());
    let shared = Arc::new(Shared {
        sample: read_sample(&csv)?,
        known: read_known(&store).await?,
        today: shuangyong_domain::clock::today(shuangyong_store::now()).format("%Y-%m-%d").to_string(),
    });
    let plans: Vec<Arc<Plan>> = plans(opts.clients, &shared).into_iter().map(Arc::new).collect();

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr: SocketAddr = listener.local_addr()?;
    let state = shuangyong_web::AppState::new(store.clone(), shuangyong_web::Config::default());
    let server = tokio::spawn(shuangyong_web::serve(state, listener));

    // Everyone logs in first; the clock starts when all are in.
    let start = Arc::new(tokio::sync::Barrier::new(opts.clients + 1));
    let (set_deadline, deadline) = tokio::sync::watch::channel(None::<Instant>);
    let mut tasks = Vec::new();
    for plan in &plans {
        let (plan, shared, start, mut deadline) = (plan.clone(), shared.clone(), start.clone(), deadline.clone());
        tasks.push(tokio::spawn(async move {
            let mut s = Session {
                plan: &plan,
                shared: &shared,
                c: Client::new(addr, TIMEOUT),
                rng: Rng::new(0x10ad_0000 + plan.index as u64),
                stats: Stats::default(),
                writes: Writes::default(),
                seq: 0,
            };
            let login = s.login().await;
            start.wait().await;
            login?;
            let until = deadline.wait_for(Option::is_some).await?.expect("checked");
            while Instant::now() < until {
                s.step().await;
            }
            Ok::<_, anyhow::Error>((s.stats, s.writes, s.c.connects))
        }));
    }
    eprintln!("{} 个客户端登录……", opts.clients);
    start.wait().await;
    let began_at = Instant::now();
    set_deadline.send(Some(began_at + Duration::from_secs(opts.seconds)))?;
    eprintln!("已全部登录，开始 {} 秒的压测", opts.seconds);
    let mut stats = Stats::default();
    let mut writes = Writes::default();
    let mut connections = 0;
    for t in tasks {
        let (s, w, c) = t.await??;
        stats.merge(s);
        writes.edits.extend(w.edits);
        writes.applications.extend(w.applications);
        writes.visits.extend(w.visits);
        connections += c;
    }
    server.abort();
    let _ = server.await;
    let elapsed = began_at.elapsed();
    let verified = verify(&store, &writes).await?;
    store.close().await?;
    Ok(report(&opts, engine, elapsed, stats, connections, verified))
}

fn report(
    opts: &Options,
    engine: String,
    elapsed: Duration,
    stats: Stats,
    connections: u64,
    verified: Verified,
) -> Report {
    let mut all = Vec::new();
    let mut kinds = Vec::new();
    for k in Kind::ALL {
        let mut v = stats.micros.get(&k).cloned().unwrap_or_default();
        v.sort_unstable();
        all.extend_from_slice(&v);
        kinds.push(KindRow {
            kind: k.label().to_owned(),
            requests: stats.requests.get(&k).copied().unwrap_or(0),
            errors: stats.errors.get(&k).copied().unwrap_or(0),
            p50_ms: quantile_ms(&v, 0.5),
            p99_ms: quantile_ms(&v, 0.99),
            max_ms: v.last().map(|&m| m as f64 / 1000.0).unwrap_or(0.0),
        });
    }
    all.sort_unstable();
    let requests: u64 = stats.requests.values().sum();
    let errors: u64 = stats.errors.values().sum();
    let writes = Kind::ALL.iter().filter(|k| k.is_write()).map(|k| stats.requests.get(k).copied().unwrap_or(0)).sum();
    let ok = errors == 0 && verified.problems.is_empty() && requests > 0;
    Report {
        engine,
        persons: opts.persons,
        clients: opts.clients,
        seconds: opts.seconds,
        elapsed_s: elapsed.as_secs_f64(),
        requests,
        rps: requests as f64 / elapsed.as_secs_f64().max(1e-9),
        errors,
        writes,
        p50_ms: quantile_ms(&all, 0.5),
        p99_ms: quantile_ms(&all, 0.99),
        kinds,
        error_samples: stats.messages,
        connections,
        verified,
        ok,
    }
}

pub fn print(r: &Report) {
    println!(
        "压测：{} 人，{} 个客户端，{} 秒（实际 {:.1} 秒），数据库 {}",
        r.persons, r.clients, r.seconds, r.elapsed_s, r.engine
    );
    println!("| 请求 | 次数 | 错误 | p50 | p99 | 最长 |");
    println!("| --- | ---: | ---: | ---: | ---: | ---: |");
    for k in &r.kinds {
        println!(
            "| {} | {} | {} | {:.1} ms | {:.1} ms | {:.1} ms |",
            k.kind, k.requests, k.errors, k.p50_ms, k.p99_ms, k.max_ms
        );
    }
    println!(
        "| **合计** | **{}**（{:.0} 次/秒，其中写 {}） | **{}** | **{:.1} ms** | **{:.1} ms** | |",
        r.requests, r.rps, r.writes, r.errors, r.p50_ms, r.p99_ms
    );
    let v = &r.verified;
    println!(
        "核对：修改 {} 人（抽查 {}），申请 {} 份（库中 {}），走访慰问 {} 条（库中 {}），审计日志 {} 条{}；连接 {} 个",
        v.edits,
        v.edits_checked,
        v.applications,
        v.applications_in_db,
        v.visits,
        v.visits_in_db,
        v.audit_entries,
        if v.problems.is_empty() { "完整" } else { "" },
        r.connections
    );
    for p in &v.problems {
        println!("核对不符：{p}");
    }
    for e in &r.error_samples {
        println!("错误：{e}");
    }
    println!("{}", if r.ok { "结果：无错误" } else { "结果：有错误（见上）" });
}
