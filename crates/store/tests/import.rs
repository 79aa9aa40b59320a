//! Import: preview writes nothing, commit writes the accepted rows in one transaction, a second
//! import of the same file changes nothing, and every file of the bad corpus is refused clearly.

use std::path::Path;

use rust_xlsxwriter::{Format, Workbook};
use shuangyong_domain::id_number::make;
use shuangyong_domain::{OrgKind, OrgPath};
use shuangyong_store::audit::{self, Actor, Verdict};
use shuangyong_store::import::{self, HEADERS};
use shuangyong_store::org::Page;
use shuangyong_store::registry::{self, Filter};
use shuangyong_store::testing::{self, TestDb};
use shuangyong_store::{Scope, Store};

fn path(s: &str) -> OrgPath {
    OrgPath::parse(s).unwrap()
}

fn county() -> Scope {
    Scope::new(path("140929"))
}

async fn setup() -> TestDb {
    testing::with_units(&[
        ("140929", "岢岚县", OrgKind::County),
        ("140929/01", "岚漪镇", OrgKind::Township),
        ("140929/02", "三井镇", OrgKind::Township),
        ("140929/01/001", "东街村", OrgKind::Village),
        ("140929/01/002", "新建村", OrgKind::Village),
        ("140929/02/001", "团城村", OrgKind::Village),
        ("140929/02/002", "新建村", OrgKind::Village),
    ])
    .await
}

fn date(y: i32, m: u32, d: u32) -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// A good CSV of `n` people spread over the villages.
fn good_csv(n: u16) -> String {
    let mut s = HEADERS.join(",") + "\n";
    let units = ["东街村", "140929/01/002", "团城村", "140929/02/002"];
    for i in 0..n {
        let id = make("140929", date(1950, 1, 1) + chrono::Duration::days(i as i64 * 37), i * 2 + 1);
        s.push_str(&format!(
            "测试{i},{},男,汉族,农村,{},农村籍退役士兵、退役军人,1975年3月,1980.01,,,1380000{:04},62220212345{:08},农村信用社,老兵生活补助,正常\n",
            id.as_str(),
            units[i as usize % units.len()],
            i,
            i
        ));
    }
    s
}

async fn run(s: &Store, bytes: &[u8], commit: bool) -> import::Report {
    let plan = import::plan(s, &county(), bytes).await.unwrap();
    if commit {
        import::commit(s, &Actor::system("test"), &county(), plan, "test.csv", bytes, &|_| {}).await.unwrap()
    } else {
        plan.report
    }
}

#[tokio::test]
async fn preview_writes_nothing_and_commit_writes_all_accepted_rows() {
    let db = setup().await;
    let s = &db.store;
    let csv = good_csv(30);
    let before_audit = audit::count(s, s.conn()).await.unwrap();
    let preview = run(s, csv.as_bytes(), false).await;
    assert_eq!((preview.accepted, preview.rejected, preview.unchanged), (30, 0, 0), "{:?}", preview.errors);
    assert_eq!(s.count("person").await.unwrap(), 0, "preview writes nothing");
    assert_eq!(audit::count(s, s.conn()).await.unwrap(), before_audit);
    let done = run(s, csv.as_bytes(), true).await;
    assert_eq!(done.accepted, 30);
    assert!(done.batch.is_some());
    assert_eq!(s.count("person").await.unwrap(), 30);
    assert_eq!(s.count("person_category").await.unwrap(), 60);
    assert_eq!(s.count("service_record").await.unwrap(), 30);
    assert_eq!(s.count("benefit_claim").await.unwrap(), 30);
    assert_eq!(audit::count(s, s.conn()).await.unwrap(), before_audit + 1, "one entry for the batch");
    // Imported people are searchable and decrypt.
    let f = Filter { q: Some("测试7".into()), ..Default::default() };
    let (rows, _) = registry::list(s, &county(), &f, Page::default()).await.unwrap();
    assert_eq!(rows[0].name, "测试7");
    let p = registry::get(s, &county(), rows[0].id).await.unwrap();
    assert_eq!(p.phone_masked, "138****0007");
    assert_eq!(p.service[0].enlisted, Some(date(1975, 3, 1)));
    assert_eq!(p.org_path.as_str(), "140929/02/002", "a unit named by its code");
    let hist = registry::history(s, &county(), p.id).await.unwrap();
    assert!(hist.iter().any(|e| e.summary.contains("导入人员 30 人")), "the person's history shows the import");
    assert!(matches!(audit::verify(s).await.unwrap(), Verdict::Intact { .. }));
}

#[tokio::test]
async fn the_same_file_imported_twice_changes_nothing() {
    let db = setup().await;
    let s = &db.store;
    let csv = good_csv(12);
    run(s, csv.as_bytes(), true).await;
    let audit_before = audit::count(s, s.conn()).await.unwrap();
    let again = run(s, csv.as_bytes(), true).await;
    assert_eq!((again.accepted, again.unchanged, again.rejected), (0, 12, 0));
    assert_eq!(again.batch, None);
    assert_eq!(s.count("person").await.unwrap(), 12);
    assert_eq!(s.count("import_batch").await.unwrap(), 1);
    assert_eq!(audit::count(s, s.conn()).await.unwrap(), audit_before);
}

#[tokio::test]
async fn a_file_with_some_bad_rows_commits_the_good_ones_only() {
    let db = setup().await;
    let s = &db.store;
    let mut csv = good_csv(3);
    csv.push_str("坏人,123,男,汉族,农村,东街村,退役军人,,,,,,,,,正常\n");
    let r = run(s, csv.as_bytes(), true).await;
    assert_eq!((r.accepted, r.rejected), (3, 1));
    assert_eq!(r.errors[0].row, 5);
    assert_eq!(r.errors[0].column, "身份证号");
    assert_eq!(s.count("person").await.unwrap(), 3);
}

#[tokio::test]
async fn a_township_clerk_imports_only_into_the_township() {
    let db = setup().await;
    let s = &db.store;
    let csv = good_csv(4);
    let town = Scope::new(path("140929/01"));
    let plan = import::plan(s, &town, csv.as_bytes()).await.unwrap();
    assert_eq!(plan.report.accepted, 2);
    assert_eq!(plan.report.rejected, 2);
    assert!(plan.report.errors.iter().all(|e| e.column == "所属单位" && e.reason.contains("管辖范围")));
    // A person already registered in another township is a mistake, not "unchanged".
    run(s, csv.as_bytes(), true).await;
    let r = import::plan(s, &town, csv.as_bytes()).await.unwrap().report;
    assert_eq!(r.unchanged, 2);
}

#[tokio::test]
async fn xlsx_with_text_ids_and_date_cells_imports() {
    let db = setup().await;
    let s = &db.store;
    let mut wb = Workbook::new();
    let sheet = wb.add_worksheet();
    let date_format = Format::new().set_num_format("yyyy-mm-dd");
    for (c, h) in HEADERS.iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    let id = make("140929", date(1955, 6, 7), 11);
    sheet.write_string(1, 0, "王五").unwrap();
    sheet.write_string(1, 1, id.as_str()).unwrap();
    sheet.write_string(1, 5, "东街村").unwrap();
    sheet.write_string(1, 6, "残疾军人;退役军人").unwrap();
    let enlisted = rust_xlsxwriter::ExcelDateTime::from_ymd(1974, 12, 1).unwrap();
    sheet.write_datetime_with_format(1, 7, &enlisted, &date_format).unwrap();
    sheet.write_string(1, 9, "因战").unwrap();
    sheet.write_number(1, 10, 6).unwrap();
    let bytes = wb.save_to_buffer().unwrap();
    let r = run(s, &bytes, true).await;
    assert_eq!(r.accepted, 1, "{:?}", r.errors);
    let (rows, _) = registry::list(s, &county(), &Filter::default(), Page::default()).await.unwrap();
    let p = registry::get(s, &county(), rows[0].id).await.unwrap();
    assert_eq!(p.service[0].enlisted, Some(date(1974, 12, 1)));
    assert_eq!(p.categories[0].describe(), "残疾军人（因战六级）");
}

#[tokio::test]
async fn every_file_of_the_bad_corpus_is_refused_clearly_and_writes_nothing() {
    let db = setup().await;
    let s = &db.store;
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/import_corpus");
    let expected = std::fs::read_to_string(dir.join("EXPECTED.tsv")).unwrap();
    let mut checked = 0;
    let mut failures = Vec::new();
    for line in expected.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty()) {
        let (file, words) = line.split_once('\t').unwrap();
        let bytes = std::fs::read(dir.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
        let plan = import::plan(s, &county(), &bytes).await.unwrap();
        let r = plan.report.clone();
        let said: Vec<String> = r
            .file_error
            .iter()
            .cloned()
            .chain(r.errors.iter().map(|e| format!("第{}行 {}：{}", e.row, e.column, e.reason)))
            .collect();
        if !said.iter().any(|m| m.contains(words)) {
            failures.push(format!("{file}: expected “{words}”, got {said:?}"));
        }
        if r.accepted != 0 {
            failures.push(format!("{file}: {} rows would be written", r.accepted));
        }
        for e in &r.errors {
            if e.row < 2 || e.reason.is_empty() {
                failures.push(format!("{file}: an error without a row or a reason: {e:?}"));
            }
        }
        let out = import::commit(s, &Actor::system("t"), &county(), plan, file, &bytes, &|_| {}).await.unwrap();
        assert_eq!(out.batch, None, "{file}");
        checked += 1;
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(checked >= 30, "the corpus has {checked} files");
    assert_eq!(s.count("person").await.unwrap(), 0);
    assert_eq!(s.count("import_batch").await.unwrap(), 0);
}

/// Writes the corpus's spreadsheet files. Run with `cargo test -p shuangyong-store --test import
/// -- --ignored` after changing it; the files are committed.
#[test]
#[ignore]
fn regenerate_xlsx_corpus() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/import_corpus");
    let id = make("140929", date(1956, 5, 17), 123);
    let header = |sheet: &mut rust_xlsxwriter::Worksheet| {
        for (c, h) in HEADERS.iter().enumerate() {
            sheet.write_string(0, c as u16, *h).unwrap();
        }
    };
    let base_row = |sheet: &mut rust_xlsxwriter::Worksheet| {
        sheet.write_string(1, 0, "张三").unwrap();
        sheet.write_string(1, 5, "东街村").unwrap();
        sheet.write_string(1, 6, "退役军人").unwrap();
    };
    // ID typed as a number: Excel keeps 15 significant digits.
    let mut wb = Workbook::new();
    let s = wb.add_worksheet();
    header(s);
    base_row(s);
    s.write_number(1, 1, id.as_str().parse::<f64>().unwrap()).unwrap();
    wb.save(dir.join("id_as_number.xlsx")).unwrap();
    // A formula where the ID belongs.
    let mut wb = Workbook::new();
    let s = wb.add_worksheet();
    header(s);
    base_row(s);
    s.write_formula(1, 1, rust_xlsxwriter::Formula::new("=CONCATENATE(\"1409\",\"29\")")).unwrap();
    wb.save(dir.join("formula_in_id.xlsx")).unwrap();
    // An empty workbook.
    let mut wb = Workbook::new();
    wb.add_worksheet();
    wb.save(dir.join("empty_sheet.xlsx")).unwrap();
    // A good file cut short, as an interrupted download leaves it.
    let mut wb = Workbook::new();
    let s = wb.add_worksheet();
    header(s);
    base_row(s);
    s.write_string(1, 1, id.as_str()).unwrap();
    let full = wb.save_to_buffer().unwrap();
    std::fs::write(dir.join("truncated.xlsx"), &full[..full.len() / 2]).unwrap();
    // A bad check digit in an otherwise fine spreadsheet.
    let mut wb = Workbook::new();
    let s = wb.add_worksheet();
    header(s);
    base_row(s);
    let mut bad = id.as_str().to_owned();
    let last = bad.pop().unwrap();
    bad.push(if last == '1' { '2' } else { '1' });
    s.write_string(1, 1, &bad).unwrap();
    wb.save(dir.join("bad_checksum.xlsx")).unwrap();
}

#[tokio::test]
async fn a_large_load_keeps_every_index_and_constraint() {
    let db = setup().await;
    let s = &db.store;
    let units = vec!["东街村".to_owned(), "团城村".to_owned(), "140929/01/002".to_owned()];
    let mut generator = shuangyong_synth::Generator::new(7, vec!["140929".into()], units);
    let mut csv = Vec::new();
    shuangyong_synth::write_csv(&mut generator, 20_000, &mut csv).unwrap();
    let indexes = |s: &Store| {
        let s = s.clone();
        async move {
            let sql = match s.backend() {
                shuangyong_store::Backend::Sqlite => {
                    "SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'index' AND tbl_name = 'person'"
                }
                shuangyong_store::Backend::Postgres => {
                    "SELECT COUNT(*) AS n FROM pg_indexes WHERE tablename = 'person'"
                }
            };
            s.query_one(s.conn(), sql, []).await.unwrap().unwrap().try_get::<i64>("", "n").unwrap()
        }
    };
    let before = indexes(s).await;
    let r = run(s, &csv, true).await;
    assert_eq!(r.accepted, 20_000, "{:?}", &r.errors[..r.errors.len().min(3)]);
    assert_eq!(indexes(s).await, before, "every index is back");
    if s.backend() == shuangyong_store::Backend::Sqlite {
        // The writer's page cache, grown for the load, is back to its usual 64 MiB.
        let r = s.query_one(s.write_conn(), "PRAGMA cache_size", []).await.unwrap().unwrap();
        assert_eq!(r.try_get::<i64>("", "cache_size").unwrap(), -65536);
        // Its automatic checkpoint, off while the load wrote, is back; a checkpoint copies the
        // whole WAL into the database file.
        let r = s.query_one(s.write_conn(), "PRAGMA wal_autocheckpoint", []).await.unwrap().unwrap();
        assert_eq!(r.try_get::<i64>("", "wal_autocheckpoint").unwrap(), 1000);
        s.checkpoint().await.unwrap();
        let r = s.query_one(s.conn(), "PRAGMA wal_checkpoint(PASSIVE)", []).await.unwrap().unwrap();
        let (busy, log, done): (i64, i64, i64) =
            (r.try_get_by_index(0).unwrap(), r.try_get_by_index(1).unwrap(), r.try_get_by_index(2).unwrap());
        assert_eq!((busy, log), (0, done), "every frame of the WAL is in the database file");
        // The planner has statistics of the loaded table, sampled (ANALYZE's row limit).
        let r = s.query_one(s.conn(), "PRAGMA analysis_limit", []).await.unwrap().unwrap();
        assert_eq!(r.try_get::<i64>("", "analysis_limit").unwrap(), 1000);
        let stats =
            s.count_of(s.conn(), "SELECT COUNT(*) AS n FROM sqlite_stat1 WHERE tbl = 'person'", []).await.unwrap();
        assert!(stats >= 12, "statistics of every person index: {stats}");
    }
    assert_eq!(s.count("person").await.unwrap(), 20_000);
    // The unique index still refuses a second registration.
    let again = run(s, &csv, false).await;
    assert_eq!((again.accepted, again.unchanged), (0, 20_000));
    let f = Filter { q: Some("wang".into()), ..Default::default() };
    assert!(registry::list(s, &county(), &f, Page::default()).await.unwrap().1.count > 0, "pinyin index answers");
    assert!(matches!(audit::verify(s).await.unwrap(), Verdict::Intact { .. }));
}

#[test]
fn the_generator_writes_the_templates_columns() {
    assert_eq!(shuangyong_synth::HEADERS, HEADERS);
}

#[tokio::test]
async fn claimed_benefits_are_judged_on_preview_and_enrolled_after_the_check() {
    let db = setup().await;
    let s = &db.store;
    let mut csv = good_csv(4);
    // An urban veteran claiming 老兵生活补助, and a veteran claiming 残疾抚恤金 without a disability.
    let urban = make("140929", date(1950, 3, 3), 801);
    let plain = make("140929", date(1951, 4, 4), 803);
    csv.push_str(&format!(
        "城镇老兵,{},男,汉族,城镇,东街村,退役军人,1970年3月,1975.01,,,,6222021234567800001,农村信用社,老兵生活补助,正常\n",
        urban.as_str()
    ));
    csv.push_str(&format!(
        "无残疾者,{},男,汉族,农村,东街村,退役军人,1970年3月,1975.01,,,,6222021234567800002,农村信用社,残疾抚恤金,正常\n",
        plain.as_str()
    ));
    let preview = run(s, csv.as_bytes(), false).await;
    assert_eq!((preview.claims_checked, preview.claims_refused), (6, 2), "{:?}", preview.claim_notes);
    assert_eq!(preview.claim_notes[0].name, "城镇老兵");
    assert!(preview.claim_notes[0].verdict.contains("城镇籍（须为农村籍）"), "{:?}", preview.claim_notes);
    assert!(preview.claim_notes[1].verdict.starts_with("不符合：不是残疾军人"), "{:?}", preview.claim_notes);
    run(s, csv.as_bytes(), true).await;
    // After the commit the claims wait on the check page; the eligible ones become enrolments.
    let today = shuangyong_store::benefits::today();
    let checks = shuangyong_store::benefits::claims(s, &county(), today, 100).await.unwrap();
    assert_eq!(checks.len(), 6);
    assert_eq!(checks.iter().filter(|c| c.eligible).count(), 4);
    let n = shuangyong_store::benefits::enrol_claims(s, &Actor::system("test"), &county(), today).await.unwrap();
    assert_eq!(n, 4);
    assert_eq!(s.count("benefit_enrolment").await.unwrap(), 4);
    let left = shuangyong_store::benefits::claims(s, &county(), today, 100).await.unwrap();
    assert_eq!(left.len(), 2, "the refused stay listed for a person to decide");
}

#[tokio::test]
async fn ids_given_by_an_import_carry_each_rows_details_and_leave_room_for_later_registrations() {
    use shuangyong_domain::person::{Category, PersonStatus, Registration};
    use shuangyong_store::registry::{CategoryInput, PersonInput};
    let db = setup().await;
    let s = &db.store;
    let row = |name: &str, id: &str, enlisted: &str| {
        format!("{name},{id},男,汉族,农村,东街村,退役军人,{enlisted},1980.01,,,,,,,正常\n")
    };
    let ids: Vec<String> =
        (0..5).map(|i| make("140929", date(1950 + i, 2, 3), i as u16 * 2 + 1).as_str().to_owned()).collect();
    let mut first = HEADERS.join(",") + "\n";
    for (i, name) in ["甲一", "乙二", "丙三"].iter().enumerate() {
        first.push_str(&row(name, &ids[i], &format!("{}年{}月", 1971 + i, i + 1)));
    }
    assert_eq!(run(s, first.as_bytes(), true).await.accepted, 3);
    // A clerk registers someone by hand between two imports, and again after them.
    let by_hand = |name: &str, born: chrono::NaiveDate, seq: u16| PersonInput {
        name: name.into(),
        id_number: Some(make("140929", born, seq)),
        ethnicity: "汉族".into(),
        registration: Registration::Rural,
        org_path: path("140929/01/001"),
        address: String::new(),
        phone: None,
        bank_account: None,
        bank_name: String::new(),
        status: PersonStatus::Normal,
        status_date: None,
        status_reason: String::new(),
        categories: vec![CategoryInput::plain(Category::Veteran)],
        service: vec![],
        note: String::new(),
    };
    let tx = s.begin_write().await.unwrap();
    let input = by_hand("丁四", date(1960, 5, 6), 41);
    let hand = registry::create(s, &tx, &Actor::system("test"), &county(), input).await.unwrap();
    tx.commit().await.unwrap();
    let mut second = HEADERS.join(",") + "\n";
    second.push_str(&row("戊五", &ids[3], "1974年4月"));
    second.push_str(&row("己六", &ids[4], "1975年5月"));
    assert_eq!(run(s, second.as_bytes(), true).await.accepted, 2);
    assert_eq!(s.count("person").await.unwrap(), 6);
    // Every row's service record is on its own person.
    for (i, name) in ["甲一", "乙二", "丙三", "戊五", "己六"].iter().enumerate() {
        let f = Filter { q: Some((*name).into()), ..Default::default() };
        let (found, n) = registry::list(s, &county(), &f, Page::default()).await.unwrap();
        assert_eq!(n.count, 1, "{name}");
        assert_ne!(found[0].id, hand.id);
        let p = registry::get(s, &county(), found[0].id).await.unwrap();
        let enlisted = p.service[0].enlisted.unwrap();
        use chrono::Datelike;
        assert_eq!((enlisted.year(), enlisted.month()), (1971 + i as i32, i as u32 + 1), "{name}");
        assert_eq!(p.categories.len(), 1, "{name}");
    }
    // And the next registration by hand still gets a free id.
    let tx = s.begin_write().await.unwrap();
    let input = by_hand("庚七", date(1961, 7, 8), 43);
    registry::create(s, &tx, &Actor::system("test"), &county(), input).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(s.count("person").await.unwrap(), 7);
}
