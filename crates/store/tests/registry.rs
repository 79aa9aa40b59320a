//! The registry: one ID one person, near duplicates, scope, search, reveal, encryption at rest.

use chrono::NaiveDate;
use shuangyong_domain::id_number::{IdNumber, make};
use shuangyong_domain::person::{Category, DisabilityCause, DisabilityGrade, PersonStatus, Registration};
use shuangyong_domain::{OrgKind, OrgPath};
use shuangyong_store::audit::{self, Actor, Verdict};
use shuangyong_store::org::Page;
use shuangyong_store::registry::{
    self, CategoryInput, Filter, PersonInput, Query, SEARCH_COUNT_CAP, Sensitive, ServiceInput, Total, classify,
};
use shuangyong_store::testing::{self, TestDb};
use shuangyong_store::{Backend, Scope, Store, StoreError};

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
        ("140929/01/002", "西街村", OrgKind::Village),
        ("140929/02/001", "团城村", OrgKind::Village),
    ])
    .await
}

fn born(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn input(name: &str, id: &IdNumber, at: &str) -> PersonInput {
    PersonInput {
        name: name.into(),
        id_number: Some(id.clone()),
        ethnicity: "汉族".into(),
        registration: Registration::Rural,
        org_path: path(at),
        address: "岚漪镇东街".into(),
        phone: Some("13812345678".into()),
        bank_account: Some("6222021234567890123".into()),
        bank_name: "农村信用社".into(),
        status: PersonStatus::Normal,
        status_date: None,
        status_reason: String::new(),
        categories: vec![CategoryInput::plain(Category::RuralVeteran)],
        service: vec![ServiceInput {
            enlisted: Some(born(1976, 3, 1)),
            discharged: Some(born(1980, 1, 1)),
            branch: "陆军".into(),
            rank: "上士".into(),
            unit: "某部".into(),
        }],
        note: String::new(),
    }
}

async fn register(s: &Store, p: PersonInput) -> Result<registry::Person, StoreError> {
    let tx = s.begin_write().await.unwrap();
    let r = registry::create(s, &tx, &Actor::system("test"), &county(), p).await;
    if r.is_ok() {
        tx.commit().await.unwrap();
    }
    r
}

#[tokio::test]
async fn a_person_is_registered_masked_and_audited_without_plain_values() {
    let db = setup().await;
    let s = &db.store;
    let id = make("140929", born(1956, 5, 17), 123);
    let p = register(s, input("张三", &id, "140929/01/001")).await.unwrap();
    assert_eq!(p.id_masked, id.masked());
    assert_eq!(p.phone_masked, "138****5678");
    assert!(p.bank_account_masked.starts_with("6222") && p.bank_account_masked.ends_with("0123"));
    assert_eq!(p.birth_date, born(1956, 5, 17));
    assert_eq!(p.service.len(), 1);
    let got = registry::get(s, &county(), p.id).await.unwrap();
    assert_eq!(got.categories[0].category, Category::RuralVeteran);
    let hist = registry::history(s, &county(), p.id).await.unwrap();
    assert_eq!(hist.len(), 1);
    let after = hist[0].after_json.clone().unwrap();
    assert!(!after.contains(id.as_str()) && !after.contains("13812345678") && !after.contains("6222021234567890123"));
    assert!(after.contains(&id.masked()));
}

#[tokio::test]
async fn one_id_number_is_one_person() {
    let db = setup().await;
    let s = &db.store;
    let id = make("140929", born(1950, 1, 2), 11);
    let first = register(s, input("李四", &id, "140929/01/001")).await.unwrap();
    match register(s, input("李四", &id, "140929/02/001")).await {
        Err(StoreError::Duplicate { existing_id, message }) => {
            assert_eq!(existing_id, first.id);
            assert!(message.contains("只能登记一人"), "{message}");
        }
        other => panic!("expected a duplicate refusal, got {other:?}"),
    }
    // A township clerk who cannot see the first record is not told whose it is.
    let tx = s.begin_write().await.unwrap();
    let e = registry::create(
        s,
        &tx,
        &Actor::system("t"),
        &Scope::new(path("140929/02")),
        input("李四", &id, "140929/02/001"),
    )
    .await
    .unwrap_err();
    assert!(e.to_string().contains("其他单位") && !e.to_string().contains("李四"), "{e}");
    assert_eq!(s.count("person").await.unwrap(), 1);
}

#[tokio::test]
async fn same_name_and_birth_date_in_one_township_is_flagged() {
    let db = setup().await;
    let s = &db.store;
    let a = make("140929", born(1950, 1, 2), 11);
    let b = make("140930", born(1950, 1, 2), 13);
    let c = make("140931", born(1950, 1, 2), 15);
    register(s, input("王五", &a, "140929/01/001")).await.unwrap();
    register(s, input("王五", &b, "140929/01/002")).await.unwrap();
    // Another township: not flagged.
    register(s, input("王五", &c, "140929/02/001")).await.unwrap();
    let flags = s.query_all(s.conn(), "SELECT org_path, status, reason FROM duplicate_flag", []).await.unwrap();
    assert_eq!(flags.len(), 1);
    assert_eq!(flags[0].try_get::<String>("", "org_path").unwrap(), "140929/01");
    assert!(flags[0].try_get::<String>("", "reason").unwrap().contains("王五"));
}

#[tokio::test]
async fn rules_of_the_record_are_enforced_by_the_store() {
    let db = setup().await;
    let s = &db.store;
    let id = make("140929", born(1960, 1, 2), 21);
    let mut p = input("赵六", &id, "140929/01/001");
    p.categories = vec![CategoryInput::plain(Category::DisabledServiceman)];
    let e = register(s, p.clone()).await.unwrap_err();
    assert!(e.to_string().contains("伤残等级"), "{e}");
    p.categories[0].cause = Some(DisabilityCause::Illness);
    p.categories[0].grade = Some(DisabilityGrade::new(8).unwrap());
    let e = register(s, p.clone()).await.unwrap_err();
    assert!(e.to_string().contains("六级"), "因病 only 1–6: {e}");
    p.categories[0].grade = Some(DisabilityGrade::new(6).unwrap());
    p.service[0].discharged = Some(born(1970, 1, 1));
    let e = register(s, p.clone()).await.unwrap_err();
    assert!(e.to_string().contains("退役时间不能早于入伍时间"));
    p.service.clear();
    let ok = register(s, p).await.unwrap();
    assert_eq!(ok.categories[0].describe(), "残疾军人（因病六级）");
}

#[tokio::test]
async fn scope_decides_who_sees_whom() {
    let db = setup().await;
    let s = &db.store;
    let a = register(s, input("岚漪人", &make("140929", born(1950, 1, 2), 1), "140929/01/001")).await.unwrap();
    let b = register(s, input("三井人", &make("140929", born(1950, 1, 3), 3), "140929/02/001")).await.unwrap();
    let lanyi = Scope::new(path("140929/01"));
    assert!(registry::get(s, &lanyi, a.id).await.is_ok());
    assert!(matches!(registry::get(s, &lanyi, b.id).await, Err(StoreError::NotFound)));
    let (rows, total) = registry::list(s, &lanyi, &Filter::default(), Page::default()).await.unwrap();
    assert_eq!(total.count, 1);
    assert_eq!(rows[0].name, "岚漪人");
    // Even an exact ID search from the other township finds nothing.
    let f = Filter { q: Some(make("140929", born(1950, 1, 3), 3).as_str().into()), ..Default::default() };
    assert_eq!(registry::list(s, &lanyi, &f, Page::default()).await.unwrap().1.count, 0);
    assert!(registry::history(s, &lanyi, b.id).await.is_err());
    // Update and reveal respect scope too.
    let tx = s.begin_write().await.unwrap();
    assert!(registry::reveal(s, &tx, &Actor::system("t"), &lanyi, b.id, Sensitive::IdNumber).await.is_err());
    let mut moved = input("三井人", &make("140929", born(1950, 1, 3), 3), "140929/01/001");
    moved.id_number = None;
    assert!(registry::update(s, &tx, &Actor::system("t"), &lanyi, b.id, 1, moved).await.is_err());
}

#[tokio::test]
async fn the_search_box_understands_names_pinyin_ids_and_phones() {
    let db = setup().await;
    let s = &db.store;
    let zhang = make("140929", born(1950, 3, 4), 101);
    register(s, input("张三", &zhang, "140929/01/001")).await.unwrap();
    let mut p = input("张三丰", &make("140929", born(1951, 3, 4), 103), "140929/01/001");
    p.phone = Some("13900001111".into());
    register(s, p).await.unwrap();
    register(s, input("李张", &make("140929", born(1952, 3, 4), 105), "140929/01/001")).await.unwrap();
    register(s, input("曾国藩", &make("140929", born(1953, 3, 4), 107), "140929/01/002")).await.unwrap();
    register(s, input("单田芳", &make("140929", born(1954, 3, 4), 109), "140929/02/001")).await.unwrap();
    register(s, input("解缙", &make("140929", born(1955, 3, 4), 111), "140929/02/001")).await.unwrap();
    let find = |q: &str| {
        let q = q.to_owned();
        async move {
            let f = Filter { q: Some(q), ..Default::default() };
            registry::list(s, &county(), &f, Page::default())
                .await
                .unwrap()
                .0
                .into_iter()
                .map(|r| r.name)
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(find("张三").await, ["张三", "张三丰"], "exact first, then prefix");
    assert_eq!(find("张").await, ["张三", "张三丰", "李张"], "prefix before contains");
    assert_eq!(find("三丰").await, ["张三丰"]);
    assert_eq!(find("zhangsan").await, ["张三", "张三丰"]);
    assert_eq!(find("zhang san").await, ["张三", "张三丰"]);
    assert_eq!(find("Zhang San").await, ["张三", "张三丰"]);
    assert_eq!(find("zs").await, ["张三", "张三丰"], "exact initials first");
    assert_eq!(find("zsf").await, ["张三丰"]);
    assert_eq!(find("zengguofan").await, ["曾国藩"], "曾 as a surname is zeng");
    assert_eq!(find("zgf").await, ["曾国藩"]);
    assert_eq!(find("shantianfang").await, ["单田芳"]);
    assert_eq!(find("xiejin").await, ["解缙"]);
    assert_eq!(find(zhang.as_str()).await, ["张三"], "the whole ID");
    assert_eq!(find(&zhang.as_str().to_lowercase()).await, ["张三"]);
    assert_eq!(find(zhang.tail(4)).await, ["张三"], "last four");
    assert_eq!(find(zhang.tail(6)).await, ["张三"], "last six");
    assert_eq!(find("13900001111").await, ["张三丰"], "phone");
    assert_eq!(find("139 0000 1111").await, ["张三丰"]);
    assert!(find("王").await.is_empty());
    // Wildcards typed into the box are not wildcards.
    assert!(find("%").await.is_empty());
    assert!(find("_").await.is_empty());
}

#[test]
fn the_search_box_is_classified() {
    assert_eq!(classify("11010519491231002x"), Some(Query::IdNumber("11010519491231002X".into())));
    assert_eq!(classify("002X"), Some(Query::IdTail("002X".into())));
    assert_eq!(classify("123456"), Some(Query::IdTail("123456".into())));
    assert_eq!(classify("13812345678"), Some(Query::Phone("13812345678".into())));
    assert_eq!(classify(" 张 "), Some(Query::Name("张".into())));
    assert_eq!(classify("Zhang San"), Some(Query::Pinyin("zhangsan".into())));
    assert_eq!(classify("   "), None);
}

#[tokio::test]
async fn filters_by_unit_category_status_and_age() {
    let db = setup().await;
    let s = &db.store;
    let today = born(2024, 8, 1);
    register(s, input("甲", &make("140929", born(1964, 8, 1), 1), "140929/01/001")).await.unwrap(); // 60 today
    register(s, input("乙", &make("140929", born(1964, 8, 2), 3), "140929/01/002")).await.unwrap(); // 59
    let mut d = input("丙", &make("140929", born(1940, 1, 1), 5), "140929/02/001");
    d.status = PersonStatus::Deceased;
    d.status_date = Some(born(2024, 3, 1));
    d.categories = vec![CategoryInput::plain(Category::Demobilized)];
    register(s, d).await.unwrap();
    let names = |f: Filter| async move {
        let mut v: Vec<String> =
            registry::list(s, &county(), &f, Page::default()).await.unwrap().0.into_iter().map(|r| r.name).collect();
        v.sort();
        v
    };
    let base = Filter { today: Some(today), ..Default::default() };
    assert_eq!(names(Filter { min_age: Some(60), ..base.clone() }).await, ["丙", "甲"]);
    assert_eq!(names(Filter { max_age: Some(59), ..base.clone() }).await, ["乙"]);
    assert_eq!(names(Filter { min_age: Some(60), max_age: Some(60), ..base.clone() }).await, ["甲"]);
    assert_eq!(names(Filter { unit: Some(path("140929/01")), ..base.clone() }).await, ["乙", "甲"]);
    assert_eq!(names(Filter { category: Some(Category::Demobilized), ..base.clone() }).await, ["丙"]);
    assert_eq!(names(Filter { status: Some(PersonStatus::Deceased), ..base.clone() }).await, ["丙"]);
}

#[tokio::test]
async fn edits_keep_unsent_sensitive_fields_and_refuse_stale_versions() {
    let db = setup().await;
    let s = &db.store;
    let id = make("140929", born(1956, 5, 17), 123);
    let p = register(s, input("张三", &id, "140929/01/001")).await.unwrap();
    let mut edit = input("张叁", &id, "140929/01/002");
    edit.id_number = None;
    edit.phone = None;
    edit.bank_account = None;
    let tx = s.begin_write().await.unwrap();
    let after = registry::update(s, &tx, &Actor::system("t"), &county(), p.id, p.version, edit.clone()).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(after.name, "张叁");
    assert_eq!(after.id_masked, id.masked());
    assert_eq!(after.phone_masked, "138****5678");
    assert_eq!(after.version, p.version + 1);
    let tx = s.begin_write().await.unwrap();
    let e = registry::update(s, &tx, &Actor::system("t"), &county(), p.id, p.version, edit).await.unwrap_err();
    assert!(e.to_string().contains("已被他人修改"), "{e}");
    drop(tx);
    let hist = registry::history(s, &county(), p.id).await.unwrap();
    assert_eq!(hist.len(), 2);
    assert!(hist[0].before_json.as_deref().unwrap().contains("张三"));
    assert!(hist[0].after_json.as_deref().unwrap().contains("张叁"));
}

#[tokio::test]
async fn a_reveal_shows_the_full_value_and_leaves_an_audit_entry() {
    let db = setup().await;
    let s = &db.store;
    let id = make("140929", born(1956, 5, 17), 123);
    let p = register(s, input("张三", &id, "140929/01/001")).await.unwrap();
    let before = audit::count(s, s.conn()).await.unwrap();
    let tx = s.begin_write().await.unwrap();
    let v = registry::reveal(s, &tx, &Actor::system("t"), &county(), p.id, Sensitive::IdNumber).await.unwrap();
    let ph = registry::reveal(s, &tx, &Actor::system("t"), &county(), p.id, Sensitive::Phone).await.unwrap();
    let acct = registry::reveal(s, &tx, &Actor::system("t"), &county(), p.id, Sensitive::BankAccount).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!((v.as_str(), ph.as_str(), acct.as_str()), (id.as_str(), "13812345678", "6222021234567890123"));
    assert_eq!(audit::count(s, s.conn()).await.unwrap(), before + 3);
    let hist = registry::history(s, &county(), p.id).await.unwrap();
    assert!(hist[0].summary.contains("查看 张三 的完整银行账号"));
    assert!(matches!(audit::verify(s).await.unwrap(), Verdict::Intact { .. }));
}

#[tokio::test]
async fn no_plain_id_number_phone_or_account_is_anywhere_in_the_sqlite_file() {
    if testing::engine() != "sqlite" {
        return;
    }
    let db = setup().await;
    let s = &db.store;
    let mut ids = Vec::new();
    for i in 0..20u16 {
        let id = make("140929", born(1950 + i as i32, 1 + (i as u32 % 12), 1 + i as u32), 100 + i * 2);
        let mut p = input(&format!("测试{i}"), &id, "140929/01/001");
        p.phone = Some(format!("1380000{:04}", 1000 + i));
        p.bank_account = Some(format!("62220212345{:08}", 40000 + i as u32));
        register(s, p.clone()).await.unwrap();
        // Edits and reveals write more, and must not leak either.
        let tx = s.begin_write().await.unwrap();
        let got = registry::list(
            s,
            &county(),
            &Filter { q: Some(id.as_str().into()), ..Default::default() },
            Page::default(),
        )
        .await
        .unwrap();
        registry::reveal(s, &tx, &Actor::system("t"), &county(), got.0[0].id, Sensitive::IdNumber).await.unwrap();
        tx.commit().await.unwrap();
        ids.push((id, p.phone.unwrap(), p.bank_account.unwrap()));
    }
    // Fold the WAL into the file, then read every byte of the database and its side files.
    use sea_orm::ConnectionTrait;
    s.conn().execute_unprepared("PRAGMA wal_checkpoint(TRUNCATE)").await.unwrap();
    let file = shuangyong_store::backup::sqlite_file(&db.url).unwrap();
    let mut bytes = std::fs::read(&file).unwrap();
    for side in ["-wal", "-shm"] {
        if let Ok(b) = std::fs::read(format!("{}{side}", file.display())) {
            bytes.extend(b);
        }
    }
    let text = String::from_utf8_lossy(&bytes);
    assert!(text.contains("测试1"), "the file is readable: names are there");
    for (id, phone, acct) in &ids {
        assert!(!text.contains(id.as_str()), "ID {} found in the file", id.as_str());
        assert!(!text.contains(phone.as_str()), "phone {phone} found in the file");
        assert!(!text.contains(acct.as_str()), "account {acct} found in the file");
    }
}

#[tokio::test]
async fn a_manager_merges_or_keeps_flagged_near_duplicates() {
    use shuangyong_store::duplicates;
    let db = setup().await;
    let s = &db.store;
    let a = register(s, input("王五", &make("140929", born(1950, 1, 2), 11), "140929/01/001")).await.unwrap();
    let mut second = input("王五", &make("140930", born(1950, 1, 2), 13), "140929/01/002");
    second.categories = vec![CategoryInput::plain(Category::Veteran)];
    let b = register(s, second).await.unwrap();
    register(s, input("赵六", &make("140929", born(1960, 1, 2), 21), "140929/01/001")).await.unwrap();
    register(s, input("赵六", &make("140930", born(1960, 1, 2), 23), "140929/01/002")).await.unwrap();
    let (flags, total) = duplicates::list_open(s, &county(), Page::default()).await.unwrap();
    assert_eq!(total, 2);
    // Not visible to another township.
    assert_eq!(duplicates::list_open(s, &Scope::new(path("140929/02")), Page::default()).await.unwrap().1, 0);
    let wang = flags.iter().find(|f| f.a.name == "王五").unwrap();
    let zhao = flags.iter().find(|f| f.a.name == "赵六").unwrap();
    let tx = s.begin_write().await.unwrap();
    let kept = duplicates::merge(s, &tx, &Actor::system("t"), &county(), wang.id, a.id).await.unwrap();
    duplicates::keep_both(s, &tx, &Actor::system("t"), &county(), zhao.id).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(kept, a.id);
    assert!(registry::get(s, &county(), b.id).await.is_err(), "the other record is gone");
    let merged = registry::get(s, &county(), a.id).await.unwrap();
    let cats: Vec<Category> = merged.categories.iter().map(|c| c.category).collect();
    assert!(cats.contains(&Category::RuralVeteran) && cats.contains(&Category::Veteran), "{cats:?}");
    assert_eq!(merged.service.len(), 2);
    assert_eq!(duplicates::list_open(s, &county(), Page::default()).await.unwrap().1, 0);
    // Deciding twice is refused.
    let tx = s.begin_write().await.unwrap();
    assert!(duplicates::keep_both(s, &tx, &Actor::system("t"), &county(), zhao.id).await.is_err());
    drop(tx);
    let hist = registry::history(s, &county(), a.id).await.unwrap();
    assert!(hist[0].summary.contains("合并重复记录"), "{}", hist[0].summary);
    let log = s
        .query_all(s.conn(), "SELECT summary FROM audit_log WHERE action IN ('merge', 'keep_both')", [])
        .await
        .unwrap();
    assert_eq!(log.len(), 2);
}

#[tokio::test]
async fn a_life_check_suspends_only_the_unconfirmed_after_its_deadline() {
    use shuangyong_store::life_check;
    let db = setup().await;
    let s = &db.store;
    let a = register(s, input("甲", &make("140929", born(1950, 1, 2), 1), "140929/01/001")).await.unwrap();
    let b = register(s, input("乙", &make("140929", born(1950, 1, 3), 3), "140929/01/002")).await.unwrap();
    let outside = register(s, input("丙", &make("140929", born(1950, 1, 4), 5), "140929/02/001")).await.unwrap();
    let mut dead = input("丁", &make("140929", born(1930, 1, 5), 7), "140929/01/001");
    dead.status = PersonStatus::Deceased;
    dead.status_date = Some(born(2024, 2, 1));
    register(s, dead).await.unwrap();
    let town = Scope::new(path("140929/01"));
    let tx = s.begin_write().await.unwrap();
    let id = life_check::open(s, &tx, &Actor::system("t"), &town, &path("140929/01"), 2024, born(2024, 6, 30))
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let tx = s.begin_write().await.unwrap();
    assert!(
        life_check::open(s, &tx, &Actor::system("t"), &town, &path("140929/01"), 2024, born(2024, 6, 30))
            .await
            .is_err()
    );
    drop(tx);
    let c = life_check::get(s, &town, id).await.unwrap();
    assert_eq!((c.due, c.confirmed), (2, 0), "the dead and the other township are not due");
    let tx = s.begin_write().await.unwrap();
    life_check::confirm(s, &tx, &Actor::system("t"), &town, id, a.id, "当面").await.unwrap();
    assert!(life_check::confirm(s, &tx, &Actor::system("t"), &county(), id, outside.id, "").await.is_err());
    tx.commit().await.unwrap();
    let (left, n) = life_check::outstanding(s, &town, id, Page::default()).await.unwrap();
    assert_eq!(n, 1);
    assert_eq!(left[0].name, "乙");
    let tx = s.begin_write().await.unwrap();
    let e = life_check::close(s, &tx, &Actor::system("t"), &town, id, born(2024, 6, 1)).await.unwrap_err();
    assert!(e.to_string().contains("还没到"));
    let n = life_check::close(s, &tx, &Actor::system("t"), &town, id, born(2024, 7, 1)).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(n, 1);
    let b_after = registry::get(s, &county(), b.id).await.unwrap();
    assert_eq!(b_after.status, PersonStatus::Suspended);
    assert_eq!(b_after.status_date, Some(born(2024, 7, 1)));
    assert!(b_after.status_reason.contains("2024年度优抚对象年审"));
    assert_eq!(registry::get(s, &county(), a.id).await.unwrap().status, PersonStatus::Normal);
    assert_eq!(s.count("person").await.unwrap(), 4, "nobody is deleted");
    assert!(registry::history(s, &county(), b.id).await.unwrap()[0].summary.contains("暂停 乙"));
    assert!(matches!(audit::verify(s).await.unwrap(), Verdict::Intact { .. }));
}

/// Copies a registered person `n` times in SQL (same name and sealed ID, distinct blind index), for
/// tests that need many matches without registering each.
async fn clone_person(s: &Store, id: i64, n: i64) {
    let tx = s.begin_write().await.unwrap();
    s.exec(
        &tx,
        "WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < $2) \
         INSERT INTO person (county, org_path, name, name_pinyin, name_initials, name_rev, id_sealed, id_index, \
             id_tail4, id_tail5, id_tail6, sex, birth_date, ethnicity, registration, status, created_at, updated_at) \
         SELECT county, org_path, name, name_pinyin, name_initials, name_rev, id_sealed, id_index || '-' || i, \
             id_tail4, id_tail5, id_tail6, sex, birth_date, ethnicity, registration, status, created_at, updated_at \
         FROM person, seq WHERE person.id = $1",
        [id.into(), n.into()],
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
}

#[tokio::test]
async fn a_search_counts_up_to_the_cap_and_its_pages_end_there() {
    let db = setup().await;
    let s = &db.store;
    let zhang = register(s, input("张三", &make("140929", born(1950, 3, 4), 101), "140929/01/001")).await.unwrap();
    register(s, input("李四", &make("140929", born(1951, 3, 4), 103), "140929/01/001")).await.unwrap();
    clone_person(s, zhang.id, SEARCH_COUNT_CAP + 4).await;
    let search = |q: &str, scope: Scope, page: u64| {
        let f = Filter { q: Some(q.to_owned()), ..Default::default() };
        async move { registry::list(s, &scope, &f, Page::new(Some(page), Some(20))).await.unwrap() }
    };
    // More than the cap: the cap, said to be one; fewer: exact.
    for q in ["张三", "zhangsan", "zs", zhang.id_masked.get(14..).unwrap()] {
        let (rows, total) = search(q, county(), 1).await;
        assert_eq!(total, Total { count: SEARCH_COUNT_CAP, capped: true }, "{q}");
        assert_eq!(rows.len(), 20, "{q}");
    }
    assert_eq!(search("李四", county(), 1).await.1, Total { count: 1, capped: false });
    assert_eq!(search("张三", Scope::new(path("140929/02")), 1).await.1, Total { count: 0, capped: false });
    // A list without a search term keeps its exact total.
    let all = registry::list(s, &county(), &Filter::default(), Page::default()).await.unwrap().1;
    assert_eq!(all, Total { count: SEARCH_COUNT_CAP + 6, capped: false });
    // The pages of a capped search: every counted match once, in order (one name and birth
    // date: by id), and nothing past the cap.
    let mut seen = Vec::new();
    for page in 1..=SEARCH_COUNT_CAP as u64 / 20 {
        seen.extend(search("张三", county(), page).await.0.into_iter().map(|r| r.id));
    }
    assert_eq!(seen.len(), SEARCH_COUNT_CAP as usize);
    assert!(seen.windows(2).all(|w| w[0] < w[1]), "by id, no repeats");
    assert_eq!(seen[0], zhang.id);
    assert!(search("张三", county(), SEARCH_COUNT_CAP as u64 / 20 + 1).await.0.is_empty());
    assert!(search("张三", county(), 1_000_000).await.0.is_empty(), "a far page is empty, not a long walk");
}

#[tokio::test]
async fn search_tiers_rank_exact_before_prefix_and_list_each_match_once() {
    let db = setup().await;
    let s = &db.store;
    // Keys: 张华 zhanghua/zh, 朱红 zhuhong/zh, 邹浩 zouhao/zh, 郑海霞 zhenghaixia/zhx, 周 zhou/z,
    // 邹海霞 zouhaixia/zhx, 张 zhang/z.
    let names = ["邹海霞", "周", "郑海霞", "邹浩", "朱红", "张华", "张"];
    for (i, n) in names.iter().enumerate() {
        register(s, input(n, &make("140929", born(1950, 1, 1 + i as u32), 1 + 2 * i as u16), "140929/01/001"))
            .await
            .unwrap();
    }
    let find = |q: &str| {
        let f = Filter { q: Some(q.to_owned()), ..Default::default() };
        async move {
            let (rows, total) = registry::list(s, &county(), &f, Page::default()).await.unwrap();
            assert_eq!(total, Total { count: rows.len() as i64, capped: false }, "{:?}", f.q);
            rows.into_iter().map(|r| r.name).collect::<Vec<_>>()
        }
    };
    // Exact initials, then pinyin prefixes (each by pinyin), then initials prefixes; 郑海霞's
    // initials begin with zh too, but it is listed once, as a pinyin prefix.
    assert_eq!(find("zh").await, ["张华", "朱红", "邹浩", "张", "郑海霞", "周", "邹海霞"]);
    // Exact pinyin first, then pinyin prefixes.
    assert_eq!(find("zhang").await, ["张", "张华"]);
    assert_eq!(find("z").await, ["张", "周", "张华", "郑海霞", "朱红", "邹海霞", "邹浩"]);
    // A page of the ranking is the same slice of it whatever the page size.
    let f = Filter { q: Some("zh".into()), ..Default::default() };
    let mut paged = Vec::new();
    for n in 1..=4 {
        paged.extend(registry::list(s, &county(), &f, Page::new(Some(n), Some(2))).await.unwrap().0);
    }
    assert_eq!(paged.into_iter().map(|r| r.name).collect::<Vec<_>>(), find("zh").await);
    // Names: exact, then names that begin with it (by character), then names that end with it.
    assert_eq!(find("张").await, ["张", "张华"]);
    assert_eq!(find("邹").await, ["邹浩", "邹海霞"]);
    assert_eq!(find("海霞").await, ["邹海霞", "郑海霞"]);
    assert_eq!(find("浩").await, ["邹浩"]);
}

#[tokio::test]
async fn a_search_reads_each_tier_in_its_index_order_and_from_the_index_alone() {
    let db = setup().await;
    let s = &db.store;
    register(s, input("张三", &make("140929", born(1950, 3, 4), 101), "140929/01/001")).await.unwrap();
    let tiers: [(&str, &[&str]); 4] = [
        ("张三", &["person_name", "person_name", "person_name_rev"]),
        ("zhangsan", &["person_pinyin", "person_initials", "person_pinyin", "person_initials"]),
        ("zs", &["person_pinyin", "person_initials", "person_pinyin", "person_initials"]),
        ("1234", &["person_tail4"]),
    ];
    let town = Scope::new(path("140929/01"));
    for (q, indexes) in tiers {
        let plain = Filter { q: Some(q.into()), ..Default::default() };
        let in_unit = Filter { unit: Some(path("140929/01/001")), ..plain.clone() };
        for (scope, f) in [(county(), &plain), (town.clone(), &plain), (county(), &in_unit)] {
            // The count, each tier alone, then the page.
            let plans = registry::explain(s, &scope, f, Page::new(Some(3), Some(20))).await.unwrap();
            assert_eq!(plans.len(), indexes.len() + 2);
            if s.backend() != Backend::Sqlite {
                continue;
            }
            let ctx = format!("{q} in {:?}, unit {:?}: {plans:?}", scope.root(), f.unit);
            // The count and each tier alone read the index only, never a person's row.
            let counted = plans[..=indexes.len()].iter().flatten();
            assert!(
                counted.clone().all(|l| !l.starts_with("SEARCH p ") || l.contains("USING COVERING INDEX")),
                "{ctx}"
            );
            // No table or index is scanned whole.
            assert!(plans.iter().flatten().all(|l| !l.starts_with("SCAN p")), "{ctx}");
            // Each tier walks its own index in the order it ranks by: no sort of its matches.
            for (plan, index) in plans[1..=indexes.len()].iter().zip(indexes) {
                assert_eq!(plan.len(), 1, "{ctx}");
                assert!(plan[0].starts_with(&format!("SEARCH p USING COVERING INDEX {index} (")), "{ctx}");
            }
            // The page: the same walks, straight into the merge (no sort inside a tier); only the
            // page's own rows are read from the table, by id.
            let page = plans.last().unwrap();
            for (i, index) in indexes.iter().enumerate() {
                let at = page.iter().position(|l| *l == format!("CO-ROUTINE t{i}")).expect(&ctx);
                assert!(page[at + 1].starts_with(&format!("SEARCH p USING COVERING INDEX {index} (")), "{ctx}");
                assert_eq!(page[at + 2], format!("SCAN t{i}"), "{ctx}");
            }
            let rows = page.iter().filter(|l| l.starts_with("SEARCH p ") && !l.contains("COVERING INDEX"));
            assert!(rows.clone().count() == 1 && rows.clone().all(|l| l.contains("PRIMARY KEY")), "{ctx}");
        }
    }
}
