//! The demo's model-county self-assessment: an example scoring sheet (the eight basic standards
//! and two veto conditions; a province's real sheet is imported the same way), scored with links
//! to the records that evidence each sub-item.

use shuangyong_domain::OrgPath;
use shuangyong_store::assessment::{self, ItemUpdate};
use shuangyong_store::audit::Actor;
use shuangyong_store::{Scope, Store};

const SHEET: &str = include_str!("assessment.csv");

/// Evidence for sub-items by their position: pages of this system where the records are.
const EVIDENCE: &[(i64, &str)] = &[
    (1, "/org/groups"),
    (2, "/org/meetings?year=2024"),
    (3, "/org/measures?year=2024"),
    (4, "/org/measures?year=2024"),
    (5, "/org/measures?year=2024"),
    (6, "/support/projects"),
    (7, "/org/plan-items"),
    (8, "/support/visits"),
    (9, "/benefits/cycles"),
    (10, "/benefits/programs/7/enrolled"),
    (11, "/cases/housing?state=completed"),
    (12, "/cases/medical"),
    (13, "/cases/training"),
    (14, "/support/projects?choice=central_village"),
    (15, "/publicity/events"),
    (16, "/publicity/articles"),
    (17, "/support/evacuations"),
    (18, "/troops/contributions"),
    (21, "县双拥办核查记录（纸质存档）"),
    (22, "县双拥办核查记录（纸质存档）"),
];

pub async fn seed(store: &Store, root: &Scope) -> anyhow::Result<()> {
    let actor = Actor::system("演示数据");
    let tx = store.begin_write().await?;
    let county = OrgPath::parse("140929")?;
    let id = assessment::import(
        store,
        &tx,
        &actor,
        root,
        &county,
        "双拥模范县（市）考评细则（示例）",
        2024,
        "考评细则示例.csv",
        SHEET.as_bytes(),
    )
    .await?
    .map_err(|e| anyhow::anyhow!("demo sheet: {e:?}"))?;
    tx.commit().await?;
    let (_, items, _) = assessment::get(store, root, id).await?;
    let tx = store.begin_write().await?;
    for it in &items {
        let evidence = EVIDENCE.iter().find(|(seq, _)| *seq == it.seq).map(|(_, e)| *e).unwrap_or_default();
        // Full points where the records are; 19–20 (activities, relations) left for the clerk.
        let awarded = (!it.veto && !evidence.is_empty()).then_some(it.points);
        let u = ItemUpdate { awarded, vetoed: false, evidence: evidence.to_owned(), note: String::new() };
        assessment::update_item(store, &tx, &actor, root, id, it.id, &u).await?;
    }
    tx.commit().await?;
    Ok(())
}
