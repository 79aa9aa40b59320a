//! The demo's 帮扶服务 (DEMO.md rows housing, medical, placement, rights): 43 key households whose
//! housing was solved over 2020–2024 by 建, 借, 租 or 维修 (“40余户”); the 500,000 元 medical aid
//! fund of 2024 with claims settled one-stop; every transferred sergeant and urban discharged
//! soldier placed and every 自主就业 veteran trained (training rate 100%); priority windows in
//! malls, banks, stations, the hospital and the hall. Everything goes through the same store
//! calls as a clerk's forms, on people of the registry found in the county's scope.

use anyhow::Context;
use chrono::{Datelike, Duration, NaiveDate};
use shuangyong_domain::OrgPath;
use shuangyong_domain::cases::{
    AidRule, HousingState, HousingWay, PlacementWay, TrainingResult, TreatmentKind, WindowKind,
};
use shuangyong_domain::person::Registration;
use shuangyong_store::audit::Actor;
use shuangyong_store::cases::attachment::{self, CaseKind};
use shuangyong_store::cases::housing::{self, HousingInput};
use shuangyong_store::cases::medical::{self, ClaimInput, FundInput};
use shuangyong_store::cases::placement::{self, CourseInput, PlacementInput};
use shuangyong_store::cases::windows::{self, TreatmentInput, WindowInput};
use shuangyong_store::{Scope, Store};

/// Households solved each year 2020–2024: 43 in all.
pub const SOLVED_PER_YEAR: [(i32, usize); 5] = [(2020, 8), (2021, 9), (2022, 9), (2023, 8), (2024, 9)];
/// The 2024 medical aid fund, in fen (50万元).
pub const FUND_FEN: i64 = 50_000_000;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

/// A small PDF standing for a scanned form.
const SCAN: &[u8] = b"%PDF-1.4\n1 0 obj <</Type /Catalog>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n";

/// People in the county with one of `categories`, status 正常, in record order.
async fn people(store: &Store, root: &Scope, categories: &[&str], limit: usize) -> anyhow::Result<Vec<i64>> {
    let (cond, vals) = root.sql("p.org_path", 1);
    let list = categories.iter().map(|c| format!("'{c}'")).collect::<Vec<_>>().join(", ");
    let rows = store
        .query_all(
            store.conn(),
            &format!(
                "SELECT DISTINCT p.id FROM person p JOIN person_category c ON c.person_id = p.id \
                 WHERE {cond} AND p.status = 'normal' AND c.category IN ({list}) ORDER BY p.id"
            ),
            vals,
        )
        .await?;
    Ok(rows.iter().take(limit).map(|r| r.try_get::<i64>("", "id")).collect::<Result<_, _>>()?)
}

/// Veterans discharged since `since`: (person, registration, discharge day), latest record each.
async fn recent_veterans(
    store: &Store,
    root: &Scope,
    since: NaiveDate,
) -> anyhow::Result<Vec<(i64, Registration, NaiveDate)>> {
    let (cond, vals) = root.sql("p.org_path", 1);
    let mut params: Vec<sea_orm::Value> = vals.into();
    params.push(since.into());
    let rows = store
        .query_all(
            store.conn(),
            &format!(
                "SELECT p.id, p.registration, s.discharged FROM person p JOIN service_record s ON s.person_id = p.id \
                 WHERE {cond} AND p.status = 'normal' AND s.discharged >= $3 \
                 AND EXISTS (SELECT 1 FROM person_category c WHERE c.person_id = p.id AND c.category = 'veteran') \
                 ORDER BY p.id, s.discharged DESC"
            ),
            params,
        )
        .await?;
    let mut out: Vec<(i64, Registration, NaiveDate)> = Vec::new();
    for r in rows {
        let id: i64 = r.try_get("", "id")?;
        if out.last().is_some_and(|(last, _, _)| *last == id) {
            continue;
        }
        let reg: String = r.try_get("", "registration")?;
        let reg = Registration::from_code(&reg).context("stored registration")?;
        out.push((id, reg, r.try_get("", "discharged")?));
    }
    Ok(out)
}

pub async fn seed(store: &Store, root: &Scope) -> anyhow::Result<()> {
    let actor = Actor::system("演示数据");
    let county = OrgPath::parse("140929")?;
    let lanyi = OrgPath::parse("140929/01")?;

    // Housing: 43 households solved 2020–2024, and a few still in hand in 2025.
    let needs = [
        (HousingWay::Build, "无房居住，借住亲戚家", 6_000_000, 4_000_000),
        (HousingWay::Lend, "原住房被鉴定为危房，暂无安置", 0, 0),
        (HousingWay::Rent, "进城务工无固定住所", 1_200_000, 600_000),
        (HousingWay::Repair, "土坯房年久失修，雨季漏雨", 2_500_000, 2_000_000),
    ];
    let total_solved: usize = SOLVED_PER_YEAR.iter().map(|(_, n)| n).sum();
    let households = people(
        store,
        root,
        &["rural_veteran", "disabled_serviceman", "demobilized", "ill_returnee", "martyr_elderly_child", "war_veteran"],
        total_solved + 5,
    )
    .await?;
    anyhow::ensure!(households.len() >= total_solved + 5, "not enough demo households: {}", households.len());
    let mut next = households.into_iter();
    let mut k = 0usize;
    for (year, n) in SOLVED_PER_YEAR {
        for i in 0..n {
            let (way, need, cost, subsidy) = needs[k % needs.len()];
            k += 1;
            let pid = next.next().context("household")?;
            let registered = day(year, 1 + (i as u32 % 6), 3 + i as u32);
            let tx = store.begin_write().await?;
            let c = housing::create(
                store,
                &tx,
                &actor,
                root,
                HousingInput {
                    person_id: pid,
                    need: need.into(),
                    way,
                    cost_fen: cost,
                    subsidy_fen: subsidy,
                    registered_on: registered,
                    note: String::new(),
                },
            )
            .await?;
            for (step, days) in [
                (HousingState::Assessed, 10),
                (HousingState::Approved, 30),
                (HousingState::InProgress, 45),
                (HousingState::Completed, 150),
            ] {
                housing::advance(store, &tx, &actor, root, c.id, step, registered + Duration::days(days), "").await?;
            }
            if i == 0 {
                attachment::attach(store, &tx, &actor, root, CaseKind::Housing, c.id, "入户评估表.pdf", SCAN).await?;
            }
            tx.commit().await?;
        }
    }
    for (i, state) in
        [HousingState::Registered, HousingState::Assessed, HousingState::InProgress, HousingState::Rejected]
            .into_iter()
            .enumerate()
    {
        let pid = next.next().context("household")?;
        let (way, need, cost, subsidy) = needs[i];
        let registered = day(2025, 3, 1 + i as u32);
        let tx = store.begin_write().await?;
        let c = housing::create(
            store,
            &tx,
            &actor,
            root,
            HousingInput {
                person_id: pid,
                need: need.into(),
                way,
                cost_fen: cost,
                subsidy_fen: subsidy,
                registered_on: registered,
                note: String::new(),
            },
        )
        .await?;
        let path: &[HousingState] = match state {
            HousingState::Assessed => &[HousingState::Assessed],
            HousingState::InProgress => &[HousingState::Assessed, HousingState::Approved, HousingState::InProgress],
            HousingState::Rejected => &[HousingState::Rejected],
            _ => &[],
        };
        for s in path {
            let note = if *s == HousingState::Rejected { "经核实已有安全住房" } else { "" };
            housing::advance(store, &tx, &actor, root, c.id, *s, registered + Duration::days(20), note).await?;
        }
        tx.commit().await?;
    }

    // Medical aid: the 2024 fund of 50万元 and claims settled at discharge.
    let tx = store.begin_write().await?;
    let fund = medical::create_fund(
        store,
        &tx,
        &actor,
        root,
        FundInput {
            org_path: county.clone(),
            year: 2024,
            name: "2024年度重点优抚对象医疗救助金".into(),
            source: "县财政预算".into(),
            received_fen: FUND_FEN,
            rule: AidRule { share_bp: 5000, yearly_cap_fen: 2_000_000 },
        },
    )
    .await?;
    tx.commit().await?;
    let patients = people(
        store,
        root,
        &["disabled_serviceman", "war_veteran", "demobilized", "martyr_survivor", "ill_returnee"],
        30,
    )
    .await?;
    let hospitals = ["岢岚县人民医院", "岢岚县中医院", "忻州市人民医院", "山西医科大学第一医院"];
    for (i, pid) in patients.iter().enumerate() {
        let total = 300_000 + (i as i64 * 137_000) % 2_500_000;
        let insurance = total * 6 / 10;
        let admitted = day(2024, 1 + (i as u32 % 11), 2 + (i as u32 % 20));
        let tx = store.begin_write().await?;
        let c = medical::submit(
            store,
            &tx,
            &actor,
            root,
            ClaimInput {
                person_id: *pid,
                fund_id: fund,
                hospital: hospitals[i % hospitals.len()].into(),
                admitted_on: admitted,
                discharged_on: admitted + Duration::days(5 + (i as i64 % 10)),
                total_fen: total,
                insurance_fen: insurance,
            },
        )
        .await?;
        match i % 10 {
            8 => {}
            9 => {
                medical::reject(store, &tx, &actor, root, c.id, "住院费用已由其他渠道全额报销").await?;
            }
            _ => {
                medical::approve(store, &tx, &actor, root, c.id).await?;
            }
        }
        if i < 3 {
            attachment::attach(store, &tx, &actor, root, CaseKind::Medical, c.id, "出院结算单.pdf", SCAN).await?;
        }
        tx.commit().await?;
    }

    // Placement: every recent veteran placed — urban discharged soldiers and transferred sergeants
    // by 安排工作, the others 自主就业 — and every 自主就业 veteran trained.
    let employers =
        ["岢岚县供电公司", "岢岚县自来水公司", "岢岚县公安局辅警大队", "岢岚县城市管理局", "岢岚县农商银行"];
    let veterans = recent_veterans(store, root, day(2019, 1, 1)).await?;
    let tx = store.begin_write().await?;
    let mut courses = Vec::new();
    for (y, name, inst) in [
        (2020, "电工技能培训", "岢岚县职业技术学校"),
        (2022, "汽车驾驶与维修培训", "忻州市退役军人职业技能培训中心"),
        (2024, "电子商务与直播带货培训", "岢岚县职业技术学校"),
    ] {
        let id = placement::create_course(
            store,
            &tx,
            &actor,
            root,
            CourseInput {
                org_path: county.clone(),
                name: name.into(),
                institution: inst.into(),
                starts_on: day(y, 9, 1),
                ends_on: day(y, 11, 30),
            },
        )
        .await?;
        courses.push((y, id));
    }
    for (i, (pid, reg, discharged)) in veterans.iter().enumerate() {
        let way = match (reg, i % 12) {
            (Registration::Urban, _) => PlacementWay::Assigned,
            (_, 5) => PlacementWay::Assigned,
            (_, 11) => PlacementWay::MonthlyPension,
            _ => PlacementWay::SelfEmployed,
        };
        placement::create(
            store,
            &tx,
            &actor,
            root,
            PlacementInput {
                person_id: *pid,
                way,
                discharged_on: *discharged,
                employer: if way == PlacementWay::Assigned {
                    employers[i % employers.len()].into()
                } else {
                    String::new()
                },
                placed_on: Some(*discharged + Duration::days(90)),
                note: String::new(),
            },
        )
        .await?;
        if way.due_training() {
            // The first course after discharge, or the latest one.
            let (_, course) =
                courses.iter().find(|(y, _)| *y >= discharged.year()).copied().unwrap_or(courses[courses.len() - 1]);
            placement::enrol(store, &tx, &actor, root, course, *pid, TrainingResult::Passed).await?;
        }
    }
    tx.commit().await?;

    // 军人依法优先: windows in the county seat and in 三井镇.
    let sanjing = OrgPath::parse("140929/02")?;
    let list: &[(&str, WindowKind, &OrgPath, &str, &str)] = &[
        ("华联商厦军人优先服务台", WindowKind::Mall, &lanyi, "岚漪镇广惠大街", "优先结账、优先退换"),
        ("岢岚县农村商业银行营业部军人优先窗口", WindowKind::Bank, &lanyi, "岚漪镇岚漪路", "优先办理存取款和各类业务"),
        ("中国邮政储蓄银行岢岚县支行军人优先窗口", WindowKind::Bank, &lanyi, "岚漪镇北大街", "优先办理"),
        ("岢岚汽车客运站军人依法优先窗口", WindowKind::Station, &lanyi, "岚漪镇汽车站", "优先购票、优先进站乘车"),
        ("岢岚火车站军人依法优先窗口", WindowKind::Station, &lanyi, "岢岚火车站售票厅", "优先购票、优先进站"),
        (
            "岢岚县人民医院军人优先窗口",
            WindowKind::Hospital,
            &lanyi,
            "岚漪镇人民医院门诊楼",
            "优先挂号、就诊、取药、住院",
        ),
        (
            "岢岚县政务服务中心军人优先窗口",
            WindowKind::Hall,
            &lanyi,
            "岢岚县政务服务中心一楼",
            "优先办理各类政务服务事项",
        ),
        ("三井镇便民服务中心军人优先窗口", WindowKind::Hall, &sanjing, "三井镇政府一楼", "优先办理"),
    ];
    let tx = store.begin_write().await?;
    for (name, kind, at, address, services) in list {
        windows::create(
            store,
            &tx,
            &actor,
            root,
            WindowInput {
                org_path: (*at).clone(),
                name: (*name).into(),
                kind: *kind,
                address: (*address).into(),
                contact: "0350-7222186".into(),
                services: (*services).into(),
                in_service: true,
                since: Some(day(2021, 8, 1)),
            },
        )
        .await?;
    }
    // 权益保障: treatments granted to families of serving soldiers and veterans.
    let families = people(store, root, &["active_family"], 8).await?;
    let grants = [
        (TreatmentKind::Schooling, "子女优先就读县城第一小学"),
        (TreatmentKind::Employment, "优先推荐到县属国有企业就业"),
        (TreatmentKind::Relief, "临时困难救助 2000 元"),
        (TreatmentKind::Medical, "县人民医院优先就诊、减免挂号费"),
        (TreatmentKind::Marriage, "婚姻登记优先办理"),
        (TreatmentKind::Training, "免费参加电子商务培训"),
        (TreatmentKind::Transport, "公交免费乘车"),
        (TreatmentKind::Schooling, "子女中考加分（按政策）"),
    ];
    for (i, pid) in families.iter().enumerate() {
        let (kind, what) = grants[i % grants.len()];
        windows::grant(
            store,
            &tx,
            &actor,
            root,
            TreatmentInput {
                person_id: *pid,
                kind,
                granted_on: day(2021 + (i as i32 % 4), 3 + i as u32, 10),
                description: what.into(),
            },
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}
