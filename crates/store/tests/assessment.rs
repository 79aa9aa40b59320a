//! Model-county self-assessment: a scoring sheet imported as data, scored with evidence, exported.

use shuangyong_domain::{OrgKind, OrgPath};
use shuangyong_store::assessment::{self, ItemUpdate};
use shuangyong_store::audit::Actor;
use shuangyong_store::testing;
use shuangyong_store::{Scope, StoreError};

const SHEET: &str = "领域,项目,子项,分值,否决,评分标准
组织领导坚强有力,领导机构健全,成立双拥工作领导小组,2,,有文件得2分
,,领导小组每年召开会议,1.5,,每年至少一次
,五纳入五统一,纳入经济社会发展规划,1,,
拥军工作扎实有效,解决部队困难,落实互办实事,3,,
否决情形,发生严重损害军政军民关系事件,发生严重损害军政军民关系事件,,是,
";

fn county() -> Scope {
    Scope::new(OrgPath::parse("140929").unwrap())
}

#[tokio::test]
async fn a_sheet_is_imported_scored_with_evidence_and_exported() {
    let db =
        testing::with_units(&[("140929", "岢岚县", OrgKind::County), ("140929/01", "岚漪镇", OrgKind::Township)]).await;
    let s = &db.store;
    let actor = Actor { user_id: Some(1), name: "县级业务员".into() };
    let unit = OrgPath::parse("140929").unwrap();
    // A sheet with a mistake is refused whole, row by row.
    let bad = SHEET.replace("1.5,,每年", "一分半,,每年").replace("落实互办实事,3", "落实互办实事,");
    let tx = s.begin_write().await.unwrap();
    let errors = assessment::import(s, &tx, &actor, &county(), &unit, "考评细则", 2025, "bad.csv", bad.as_bytes())
        .await
        .unwrap()
        .unwrap_err();
    drop(tx);
    assert_eq!(errors.iter().map(|e| e.row).collect::<Vec<_>>(), vec![3, 5], "{errors:?}");
    assert!(errors[0].reason.contains("应为数字"), "{errors:?}");
    assert_eq!(s.count("assessment_item").await.unwrap(), 0);
    // The good sheet: merged cells carry down; the veto row has no points.
    let tx = s.begin_write().await.unwrap();
    let id = assessment::import(
        s,
        &tx,
        &actor,
        &county(),
        &unit,
        "山西省双拥模范县考评细则",
        2025,
        "sheet.csv",
        SHEET.as_bytes(),
    )
    .await
    .unwrap()
    .unwrap();
    tx.commit().await.unwrap();
    let (sheet, items, score) = assessment::get(s, &county(), id).await.unwrap();
    assert_eq!(sheet.name, "山西省双拥模范县考评细则");
    assert_eq!(items.len(), 5);
    assert_eq!((items[1].area.as_str(), items[1].item.as_str()), ("组织领导坚强有力", "领导机构健全"));
    assert_eq!((items[4].veto, items[4].points), (true, 0));
    assert_eq!((score.max, score.awarded, score.no_evidence.len(), score.unscored.len()), (750, 0, 5, 4));
    // Score with evidence; points above the sub-item's are refused; a veto met fails the sheet.
    let tx = s.begin_write().await.unwrap();
    let too_much = ItemUpdate { awarded: Some(250), ..Default::default() };
    let e = assessment::update_item(s, &tx, &actor, &county(), id, items[0].id, &too_much).await.unwrap_err();
    assert!(matches!(&e, StoreError::Invalid(m) if m.contains("满分2分")), "{e}");
    for (i, awarded, evidence) in [
        (0, Some(200), "/org/groups/1\n岢发〔2020〕12号文件"),
        (1, Some(100), "/org/meetings?year=2024"),
        (3, Some(300), "/org/plan-items"),
    ] {
        let u = ItemUpdate { awarded, evidence: evidence.into(), ..Default::default() };
        assessment::update_item(s, &tx, &actor, &county(), id, items[i].id, &u).await.unwrap();
    }
    let veto = ItemUpdate { vetoed: true, evidence: "经核查".into(), ..Default::default() };
    assessment::update_item(s, &tx, &actor, &county(), id, items[4].id, &veto).await.unwrap();
    tx.commit().await.unwrap();
    let (_, items, score) = assessment::get(s, &county(), id).await.unwrap();
    assert_eq!((score.max, score.awarded), (750, 600));
    assert_eq!(score.unscored, vec![items[2].id]);
    assert_eq!(score.no_evidence, vec![items[2].id]);
    assert_eq!(score.vetoes, vec![items[4].id]);
    assert_eq!(items[0].evidence_lines()[0].1.as_deref(), Some("/org/groups/1"));
    assert_eq!(items[0].evidence_lines()[1].1, None);
    // A township does not see the county's sheet.
    assert!(matches!(
        assessment::get(s, &Scope::new(OrgPath::parse("140929/01").unwrap()), id).await,
        Err(StoreError::NotFound)
    ));
    // The export reads back.
    let bytes = assessment::export(s, &actor, &county(), id).await.unwrap();
    use calamine::Reader;
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    let range = wb.worksheet_range("自评").unwrap();
    let text: Vec<String> =
        range.rows().map(|r| r.iter().map(|c| c.to_string()).collect::<Vec<_>>().join("|")).collect();
    assert!(
        text.iter().any(|l| l.starts_with("1|组织领导坚强有力|领导机构健全|成立双拥工作领导小组|2||2|")),
        "{text:?}"
    );
    assert!(text.iter().any(|l| l.starts_with("合计||||7.5||6")), "{text:?}");
    assert!(text.iter().any(|l| l.starts_with("触及否决情形1项")), "{text:?}");
}
