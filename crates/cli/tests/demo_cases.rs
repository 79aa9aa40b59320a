//! The demo's 帮扶服务 figures (DEMO.md rows housing, medical, placement, rights), computed from
//! the seeded records by the same store functions that serve the pages.

use std::process::Command;

use shuangyong_domain::OrgPath;
use shuangyong_domain::cases::{HousingWay, WindowKind};
use shuangyong_store::cases::windows::WindowFilter;
use shuangyong_store::cases::{housing, medical, placement, windows};
use shuangyong_store::org::Page;
use shuangyong_store::{Scope, Store, testing};

#[tokio::test]
async fn the_demo_produces_the_assistance_figures() {
    let (url, _file) = testing::empty_url().await.unwrap();
    let name = url.rsplit(['/', ':']).next().unwrap_or("db").to_owned();
    let key = std::env::temp_dir().join(format!("{name}-cases.key"));
    let o = Command::new(env!("CARGO_BIN_EXE_shuangyong"))
        .args(["--db", &url, "--key-file"])
        .arg(&key)
        .args(["demo", "--no-serve"])
        .env_remove("SHUANGYONG_DB")
        .env_remove("SHUANGYONG_KEY_FILE")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let _ = std::fs::remove_file(&key);
    let store = Store::open(&url).await.unwrap();
    let county = Scope::new(OrgPath::parse("140929").unwrap());

    // 住房保障: more than 40 households solved 2020–2024 (“40余户”), by all four ways.
    let years = housing::solved_by_year(&store, &county, 2020, 2024).await.unwrap();
    let solved: i64 = years.iter().map(|y| y.households).sum();
    assert_eq!(solved, 43);
    assert!(years.iter().all(|y| y.households > 0), "{years:?}");
    for way in HousingWay::ALL {
        assert!(years.iter().map(|y| y.by_way.iter().find(|(w, _)| *w == way).unwrap().1).sum::<i64>() > 0, "{way:?}");
    }

    // 医疗救助: a 50万元 fund for 2024, drawn by approved claims, never below zero.
    let funds = medical::funds(&store, &county).await.unwrap();
    let fund = funds.iter().find(|f| f.year == 2024).expect("the 2024 fund");
    assert_eq!(fund.received_fen, 50_000_000);
    assert!(fund.approved > 0 && fund.paid_fen > 0 && fund.balance_fen() >= 0, "{fund:?}");

    // 安置: everyone owed a post placed, every 自主就业 veteran trained.
    let st = placement::stats(&store, &county, None).await.unwrap();
    assert!(st.placement.due > 0 && st.placement.done == st.placement.due, "{:?}", st.placement);
    assert!(st.training.due > 0, "{:?}", st.training);
    assert_eq!(st.training.label(), "100%");
    assert!(placement::still_due(&store, &county, None).await.unwrap().is_empty());

    // 军人依法优先: windows in malls, banks and stations, in service.
    for kind in [WindowKind::Mall, WindowKind::Bank, WindowKind::Station] {
        let f = WindowFilter { kind: Some(kind), in_service: Some(true), ..Default::default() };
        let (_, n) = windows::list(&store, &county, &f, Page::default()).await.unwrap();
        assert!(n > 0, "{kind:?}");
    }
}
