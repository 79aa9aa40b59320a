//! `shuangyong`: the 双拥工作平台 binary — the web server and the command line for bulk work.

use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};
use shuangyong_domain::{OrgKind, OrgPath, Period, Role, money};
use shuangyong_store::audit::{self, Actor, Verdict};
use shuangyong_store::benefits::{self, cycle};
use shuangyong_store::crypto::FieldCrypto;
use shuangyong_store::export::ExportFormat;
use shuangyong_store::import;
use shuangyong_store::org::{self, NewUnit};
use shuangyong_store::user::{self, NewUser};
use shuangyong_store::{Scope, Store, backup};

mod bench;
mod demo;
mod load;

#[derive(Parser)]
#[command(name = "shuangyong", version, about = "双拥工作平台：县双拥办的工作系统（Web 界面、JSON 接口与命令行）")]
struct Cli {
    /// Database URL: sqlite://FILE or postgres://USER@HOST/DB.
    #[arg(long, global = true, env = "SHUANGYONG_DB", default_value = "sqlite://shuangyong.db")]
    db: String,
    /// The key file that encrypts ID numbers, phones and bank accounts (64 hex characters).
    /// Keep it apart from the database and back it up: without it the sealed fields are lost.
    #[arg(long, global = true, env = "SHUANGYONG_KEY_FILE", default_value = "shuangyong.key")]
    key_file: PathBuf,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the web UI and the API.
    Serve {
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: String,
        /// Mark the session cookie Secure (when served behind HTTPS).
        #[arg(long)]
        secure_cookies: bool,
    },
    /// Build the 岢岚县 demo database, print the logins, then serve it.
    Demo {
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: String,
        /// Build only; do not serve.
        #[arg(long)]
        no_serve: bool,
    },
    /// Bring the schema up to date.
    Migrate,
    /// Org units.
    Org {
        #[command(subcommand)]
        command: OrgCommand,
    },
    /// User accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// The audit log.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Import people from a CSV or XLSX file: preview by default, `--commit` to write.
    Import {
        #[command(subcommand)]
        what: ImportWhat,
    },
    /// Export people to XLSX or CSV (by the file's extension), masked unless `--full`.
    Export {
        #[command(subcommand)]
        what: ExportWhat,
    },
    /// Payment cycles of a benefit program: compute and freeze a month, list, write the bank file.
    Cycle {
        #[command(subcommand)]
        command: CycleCommand,
    },
    /// Reports: the annual summary as HTML or Word.
    Report {
        #[command(subcommand)]
        command: ReportCommand,
    },
    /// The performance table at N people: import, search, enrolment of the imported benefits, the
    /// month's payments, HTTP and memory, each beside its raw-engine baseline where there is one.
    Bench {
        /// How many synthetic people.
        #[arg(long, default_value_t = 1_000_000)]
        persons: usize,
        #[arg(long)]
        json: bool,
        /// Where the generated file and databases go.
        #[arg(long, default_value = "target/bench")]
        dir: PathBuf,
    },
    /// The load test: N logged-in clients search, read pages and write through the web forms for a
    /// fixed time against a synthetic county served on 127.0.0.1; counts, errors, p50/p99 per kind.
    /// Uses `--db` when given (it must be an empty database), else a fresh SQLite file in `--dir`.
    /// Exits 1 on any error or when a write cannot be read back.
    Load {
        /// How many synthetic people.
        #[arg(long, default_value_t = 100_000)]
        persons: usize,
        /// Concurrent clients, each logged in with its own session and connection.
        #[arg(long, default_value_t = 64)]
        clients: usize,
        /// How long the clients run.
        #[arg(long, default_value_t = 60)]
        seconds: u64,
        #[arg(long)]
        json: bool,
        /// Where the generated file (and the SQLite database) go.
        #[arg(long, default_value = "target/load")]
        dir: PathBuf,
    },
    /// Write a consistent copy of the (SQLite) database while it is in use.
    Backup { file: PathBuf },
    /// Replace the (SQLite) database with a backup, after checking it. Stop the server first.
    Restore { file: PathBuf },
}

#[derive(Subcommand)]
enum ImportWhat {
    /// People in the template's columns (姓名,身份证号,…).
    Persons {
        file: PathBuf,
        /// Write the accepted rows (in one transaction). Without it nothing is written.
        #[arg(long)]
        commit: bool,
        /// Print {"accepted", "rejected", "unchanged", "errors": [{"row", "column", "reason"}]}.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
enum ExportWhat {
    /// People, in the import template's columns.
    Persons {
        #[arg(long)]
        out: PathBuf,
        /// Full ID numbers, phones and bank accounts (recorded in the audit log).
        #[arg(long)]
        full: bool,
    },
}

#[derive(Subcommand)]
enum ReportCommand {
    /// The summary for the county over years, e.g. `report summary --from 2020 --to 2024 --out 总结.docx`.
    Summary {
        #[arg(long)]
        from: i32,
        #[arg(long)]
        to: i32,
        /// .html or .docx
        #[arg(long)]
        out: PathBuf,
        /// The server's address for the figures' links in HTML.
        #[arg(long, default_value = "http://127.0.0.1:8080")]
        base: String,
    },
}

#[derive(Subcommand)]
enum CycleCommand {
    /// Compute and freeze PROGRAM's payments for PERIOD (e.g. `cycle run rural_veteran_elderly 2024-09`);
    /// PROGRAM `all` computes every active program not yet computed for PERIOD, in one transaction.
    Run {
        program: String,
        period: String,
        /// Print {"cycle", "program", "period", "lines", "total_fen"}.
        #[arg(long)]
        json: bool,
    },
    /// The cycles computed so far.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Write the bank file of an approved cycle (XLSX or CSV by the extension; full account numbers, audited).
    Export {
        cycle: i64,
        #[arg(long)]
        out: PathBuf,
    },
}

#[derive(Subcommand)]
enum OrgCommand {
    /// Add a unit: the county first (e.g. `org add 140929 岢岚县 --kind county`), then its units.
    Add {
        path: String,
        name: String,
        /// county, township, subdistrict, village, community, enterprise, military_unit
        #[arg(long)]
        kind: String,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Add a user; the password is read from the first line of standard input.
    Add {
        name: String,
        /// admin, county_clerk, township_clerk, village_contact, troop_liaison, leader, auditor
        #[arg(long)]
        role: String,
        /// The unit's path code, e.g. 140929/01.
        #[arg(long)]
        org: String,
        /// The person's name as shown (defaults to the user name).
        #[arg(long)]
        display_name: Option<String>,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Walk the hash chain: exit 0 when intact, 1 naming the first broken entry.
    Verify {
        #[arg(long)]
        json: bool,
    },
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info,sqlx=warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let rt = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("无法启动运行时：{e}");
            return ExitCode::FAILURE;
        }
    };
    match rt.block_on(run(cli)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("错误：{e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Serve { addr, secure_cookies } => {
            let store = open_with_key(&cli.db, &cli.key_file).await?;
            serve(store, &addr, secure_cookies).await?;
        }
        Command::Demo { addr, no_serve } => {
            let db = if std::env::var_os("SHUANGYONG_DB").is_none() && cli.db == "sqlite://shuangyong.db" {
                demo::DEFAULT_DB.to_owned()
            } else {
                cli.db.clone()
            };
            let key_file =
                if std::env::var_os("SHUANGYONG_KEY_FILE").is_none() && cli.key_file == Path::new("shuangyong.key") {
                    PathBuf::from(demo::DEFAULT_KEY_FILE)
                } else {
                    cli.key_file.clone()
                };
            let store = demo::build(&db, &key_file).await?;
            demo::print_logins(&addr);
            if !no_serve {
                serve(store, &addr, false).await?;
            }
        }
        Command::Migrate => {
            let store = Store::connect(&cli.db).await?;
            let ran = store.migrate().await?;
            println!("数据库结构已是最新（本次执行 {ran} 个迁移，当前版本 {}）", store.schema_version().await?);
        }
        Command::Org { command: OrgCommand::Add { path, name, kind } } => {
            let store = Store::open(&cli.db).await?;
            let path = OrgPath::parse(&path)?;
            let kind = OrgKind::from_code(&kind).with_context(|| format!("未知的单位类型 {kind}"))?;
            let tx = store.begin_write().await?;
            let u = org::create(
                &store,
                &tx,
                &Actor::system("命令行"),
                NewUnit { path, name, kind, sort: 0, note: String::new() },
            )
            .await?;
            tx.commit().await?;
            println!("已新增单位 {} {}", u.path, u.name);
        }
        Command::User { command: UserCommand::Add { name, role, org, display_name } } => {
            let store = Store::open(&cli.db).await?;
            let role = Role::from_code(&role).with_context(|| {
                format!("未知的角色 {role}：可选 admin、county_clerk、township_clerk、village_contact、troop_liaison、leader、auditor")
            })?;
            let org_path = OrgPath::parse(&org)?;
            let mut password = String::new();
            std::io::stdin().lock().read_line(&mut password).context("读取密码")?;
            let password = password.trim_end_matches(['\r', '\n']).to_owned();
            if password.is_empty() {
                bail!(
                    "请从标准输入提供密码，例如：echo '新密码123' | shuangyong user add {name} --role {} --org {org}",
                    role.code()
                );
            }
            let root = Scope::new(OrgPath::parse(org_path.county())?);
            let tx = store.begin_write().await?;
            let u = user::create(
                &store,
                &tx,
                &Actor::system("命令行"),
                &root,
                NewUser {
                    display_name: display_name.unwrap_or_else(|| name.clone()),
                    username: name,
                    role,
                    org_path,
                    password,
                },
            )
            .await?;
            tx.commit().await?;
            println!("已新增用户 {}（{}，{}）", u.username, u.role.label(), u.org_path);
        }
        Command::Audit { command: AuditCommand::Verify { json } } => {
            let store = Store::connect(&cli.db).await?;
            let verdict = audit::verify(&store).await?;
            if json {
                let v = match &verdict {
                    Verdict::Intact { entries } => {
                        serde_json::json!({"intact": true, "entries": entries})
                    }
                    Verdict::Broken { seq, problem } => {
                        serde_json::json!({"intact": false, "seq": seq, "problem": format!("{problem:?}").to_lowercase(), "message": verdict.to_string()})
                    }
                };
                println!("{v}");
            } else {
                println!("{verdict}");
            }
            if let Verdict::Broken { .. } = verdict {
                return Ok(ExitCode::from(1));
            }
        }
        Command::Import { what: ImportWhat::Persons { file, commit, json } } => {
            let store = open_with_key(&cli.db, &cli.key_file).await?;
            let scope = county_scope(&store).await?;
            let bytes = std::fs::read(&file).with_context(|| format!("无法读取文件 {}", file.display()))?;
            let plan = import::plan(&store, &scope, &bytes).await?;
            let report = if commit && plan.report.file_error.is_none() {
                let bar = indicatif::ProgressBar::new(plan.report.accepted as u64);
                if json {
                    bar.set_draw_target(indicatif::ProgressDrawTarget::hidden());
                }
                bar.set_style(
                    indicatif::ProgressStyle::with_template("写入 {bar:40} {pos}/{len} 人 {per_sec} 剩余 {eta}")
                        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
                );
                let name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
                let r = import::commit(&store, &Actor::system("命令行导入"), &scope, plan, &name, &bytes, &|n| {
                    bar.set_position(n as u64)
                })
                .await?;
                bar.finish_and_clear();
                r
            } else {
                plan.report
            };
            print_import(&report, json, commit);
            if report.file_error.is_some() {
                return Ok(ExitCode::from(1));
            }
        }
        Command::Export { what: ExportWhat::Persons { out, full } } => {
            let store = open_with_key(&cli.db, &cli.key_file).await?;
            let scope = county_scope(&store).await?;
            let format =
                ExportFormat::from_file_name(&out.to_string_lossy()).context("导出文件名应以 .xlsx 或 .csv 结尾")?;
            let (bytes, n) = shuangyong_store::export::persons(
                &store,
                &Actor::system("命令行导出"),
                &scope,
                &Default::default(),
                full,
                format,
            )
            .await?;
            std::fs::write(&out, bytes).with_context(|| format!("无法写入 {}", out.display()))?;
            println!(
                "已导出 {n} 人到 {}（{}）",
                out.display(),
                if full { "含完整敏感信息，已记入审计日志" } else { "敏感信息已脱敏" }
            );
        }
        Command::Cycle { command } => return cycle_command(&cli.db, &cli.key_file, command).await,
        Command::Report { command: ReportCommand::Summary { from, to, out, base } } => {
            let store = Store::open(&cli.db).await?;
            let scope = county_scope(&store).await?;
            let (blocks, gaps) = shuangyong_store::reports::summary_with_checklist(&store, &scope, from, to).await?;
            let name = out.to_string_lossy().to_lowercase();
            let bytes = if name.ends_with(".docx") {
                shuangyong_store::reports::docx(&blocks)?
            } else if name.ends_with(".html") || name.ends_with(".htm") {
                shuangyong_store::reports::html(&blocks, &base).into_bytes()
            } else {
                bail!("总结文件名应以 .docx 或 .html 结尾");
            };
            std::fs::write(&out, bytes).with_context(|| format!("无法写入 {}", out.display()))?;
            println!("已生成{from}—{to}年双拥工作总结：{}", out.display());
            if !gaps.is_empty() {
                // What the records lack was left out of the document; the clerk is told what to enter.
                eprintln!("以下记录缺少，相应内容没有写入总结（补录后重新生成）：");
                for g in &gaps {
                    eprintln!("  - {}（{}）", g.text, g.href);
                }
            }
        }
        Command::Bench { persons, json, dir } => {
            let results = bench::run(persons, &dir).await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&results)?);
            } else {
                bench::print(&results);
            }
        }
        Command::Load { persons, clients, seconds, json, dir } => {
            let db = (std::env::var_os("SHUANGYONG_DB").is_some() || cli.db != "sqlite://shuangyong.db")
                .then(|| cli.db.clone());
            let report = load::run(load::Options { persons, clients, seconds, db, dir }).await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&report)?);
            } else {
                load::print(&report);
            }
            if !report.ok {
                return Ok(ExitCode::FAILURE);
            }
        }
        Command::Backup { file } => {
            let store = Store::connect(&cli.db).await?;
            backup::backup(&store, &file).await?;
            println!("已备份到 {}", file.display());
        }
        Command::Restore { file } => {
            let verdict = backup::restore(&file, &cli.db).await?;
            println!("已从 {} 恢复数据库；{verdict}", file.display());
        }
    }
    Ok(ExitCode::SUCCESS)
}

async fn cycle_command(db: &str, key_file: &Path, command: CycleCommand) -> anyhow::Result<ExitCode> {
    let store = open_with_key(db, key_file).await?;
    let scope = county_scope(&store).await?;
    match command {
        CycleCommand::Run { program, period, json } => {
            let period = Period::parse(&period).map_err(|e| anyhow::anyhow!("发放月份应写作 2024-09：{e}"))?;
            let started = std::time::Instant::now();
            let runs = if program == "all" {
                cycle::run_all(&store, &Actor::system("命令行"), scope.root(), period).await?
            } else {
                let program = benefits::program_by_code(&store, &program).await?;
                vec![cycle::run(&store, &Actor::system("命令行"), scope.root(), &program, period).await?]
            };
            let took = started.elapsed().as_secs_f64();
            for r in &runs {
                if json {
                    println!(
                        "{}",
                        serde_json::json!({"cycle": r.cycle, "program": r.program, "period": r.period, "lines": r.lines,
                            "total_fen": r.total_fen, "skipped": r.skipped, "backpay_lines": r.backpay_lines,
                            "backpay_fen": r.backpay_fen})
                    );
                } else {
                    println!(
                        "已计算{}{}发放（批次{}）：{}条，合计{}元，其中补发/重发{}条{}元；未发放{}人（见批次页面）。",
                        r.program_name,
                        r.period,
                        r.cycle,
                        r.lines,
                        money::yuan_grouped(r.total_fen),
                        r.backpay_lines,
                        money::yuan_grouped(r.backpay_fen),
                        r.skipped,
                    );
                }
            }
            if !json {
                println!(
                    "用时{took:.1}秒。\n下一步：请另一位工作人员在“优抚待遇 → 发放批次”中审批，然后导出银行文件。"
                );
            }
        }
        CycleCommand::List { json } => {
            let list = cycle::list(&store, &scope, None).await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&list)?);
            } else {
                for c in list {
                    println!(
                        "{:>6}  {}  {}  {:>8}条  {:>16}元  {}",
                        c.id,
                        c.period,
                        c.program_name,
                        c.lines,
                        money::yuan_grouped(c.total_fen),
                        c.status_label()
                    );
                }
            }
        }
        CycleCommand::Export { cycle: id, out } => {
            let format =
                ExportFormat::from_file_name(&out.to_string_lossy()).context("银行文件名应以 .xlsx 或 .csv 结尾")?;
            let bytes = cycle::export(&store, &Actor::system("命令行导出"), &scope, id, format).await?;
            std::fs::write(&out, bytes).with_context(|| format!("无法写入 {}", out.display()))?;
            println!("已导出批次{id}的银行文件到 {}（含完整银行账号，已记入审计日志）", out.display());
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The county's whole tree: the command line runs with the operator's full authority.
async fn county_scope(store: &Store) -> anyhow::Result<Scope> {
    let root = org::root(store)
        .await?
        .context("数据库中还没有县级单位：请先用 org add 建立，例如 org add 140929 岢岚县 --kind county")?;
    Ok(Scope::new(root.path))
}

fn print_import(r: &import::Report, json: bool, committed: bool) {
    if json {
        let v = serde_json::json!({
            "accepted": r.accepted, "rejected": r.rejected, "unchanged": r.unchanged, "errors": r.errors,
            "batch": r.batch, "file_error": r.file_error, "claims_checked": r.claims_checked,
            "claims_refused": r.claims_refused, "claim_notes": r.claim_notes,
        });
        println!("{v}");
        return;
    }
    if let Some(e) = &r.file_error {
        println!("无法导入：{e}");
        return;
    }
    for e in &r.errors {
        println!("第{}行 {}：{}", e.row, e.column, e.reason);
    }
    let verb = if committed && r.batch.is_some() { "已写入" } else { "可写入" };
    println!("{verb} {} 人；有错误 {} 行；已登记未改动 {} 人。", r.accepted, r.rejected, r.unchanged);
    if r.claims_checked > 0 {
        println!("享受待遇按规则核对 {} 项，不符合 {} 项：", r.claims_checked, r.claims_refused);
        for n in &r.claim_notes {
            println!("  第{}行 {}“{}”：{}", n.row, n.name, n.claim, n.verdict);
        }
    }
    if !committed && r.accepted > 0 {
        println!("以上为预览，未写入任何数据；确认无误后加 --commit 写入。");
    }
}

/// Opens the database with its key file. A new installation (no people yet) without a key file
/// gets one made, with a warning to keep it safe; an installation with people refuses to start
/// without its key, since nothing sealed could be read.
async fn open_with_key(db: &str, key_file: &Path) -> anyhow::Result<Store> {
    let store = Store::open(db).await?;
    let crypto = if key_file.exists() {
        FieldCrypto::from_key_file(key_file)?
    } else if store.count("person").await? == 0 {
        let c = FieldCrypto::create_key_file(key_file)?;
        eprintln!(
            "已生成新的密钥文件 {}：它加密身份证号、电话和银行账号。请与数据库分开妥善备份，丢失后这些信息将无法读取。",
            key_file.display()
        );
        c
    } else {
        bail!("找不到密钥文件 {}：数据库中已有加密的人员信息，请用 --key-file 指定原来的密钥文件", key_file.display());
    };
    Ok(store.with_crypto(crypto))
}

async fn serve(store: Store, addr: &str, cookie_secure: bool) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("无法监听 {addr}：端口可能已被占用，请用 --addr 换一个端口"))?;
    let local = listener.local_addr()?;
    println!("双拥工作平台已启动：http://{local}/  （按 Ctrl-C 停止）");
    let state = shuangyong_web::AppState::new(store, shuangyong_web::Config { cookie_secure });
    shuangyong_web::serve(state, listener).await
}
