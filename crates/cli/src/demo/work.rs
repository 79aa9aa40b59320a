//! The demo's work records, 2020–2024 (DEMO.md): honours, working bodies, 五纳入五统一, meetings,
//! 互办实事 plans, publicity (3万多人次 at 毛主席路居馆), support for troops (近2.3亿元 of defence roads,
//! 660万元 relocation and greening, 574万元 family employment, 退耕还林3万亩, 团城中心村, 140余次
//! evacuations moving 12万多人 without accident, 20余次 visits) and the troops' contributions.
//!
//! Every headline figure is the sum or count of many plausible records — one per road section, per
//! event, per operation — written through the same store calls the pages use; the test at the end
//! reads the figures back through the yearly-total functions the reports use. Names of members are
//! synthetic; designations of units and round numbers of honours are illustrative.

use std::collections::BTreeMap;

use shuangyong_domain::OrgPath;
use shuangyong_domain::work::{self, Kind};
use shuangyong_store::audit::Actor;
use shuangyong_store::{Scope, Store, Tx};

const YEARS: std::ops::RangeInclusive<i32> = 2020..=2024;
const COUNTY: &str = "140929";
const TROOPS: &str = "140929/90";
const ARMED_POLICE: &str = "140929/91";
const TUANCHENG: &str = "140929/02/222";

/// A small deterministic generator (the demo is the same every time it is built).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        self.0 >> 33
    }

    /// A number in lo..=hi.
    fn between(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next() % ((hi - lo + 1) as u64)) as i64
    }
}

struct Seeder<'a> {
    store: &'a Store,
    tx: &'a Tx,
    actor: Actor,
    scope: Scope,
}

impl Seeder<'_> {
    async fn add(&self, kind: &'static Kind, at: &str, pairs: &[(&str, String)]) -> anyhow::Result<i64> {
        let input: BTreeMap<String, String> = pairs.iter().map(|(k, v)| ((*k).to_owned(), v.clone())).collect();
        let vals = kind.parse(&input).map_err(|e| anyhow::anyhow!("demo {}: {e:?}", kind.key))?;
        let rec = shuangyong_store::work::create(
            self.store,
            self.tx,
            &self.actor,
            &self.scope,
            kind,
            &OrgPath::parse(at)?,
            vals,
        )
        .await?;
        Ok(rec.id)
    }
}

fn s(v: impl ToString) -> String {
    v.to_string()
}

/// Seeds every work record of the demo in one transaction.
pub async fn seed(store: &Store, root: &Scope) -> anyhow::Result<()> {
    let tx = store.begin_write().await?;
    let sd = Seeder { store, tx: &tx, actor: Actor::system("演示数据"), scope: root.clone() };
    honours(&sd).await?;
    bodies(&sd).await?;
    measures_and_meetings(&sd).await?;
    plans(&sd).await?;
    publicity(&sd).await?;
    support(&sd).await?;
    contributions(&sd).await?;
    tx.commit().await?;
    Ok(())
}

async fn honours(sd: &Seeder<'_>) -> anyhow::Result<()> {
    for (year, round) in [(2008, 6), (2012, 7), (2016, 8), (2020, 9)] {
        sd.add(
            &work::HONOURS,
            COUNTY,
            &[
                ("year", s(year)),
                ("title", s("national")),
                ("round", s(round)),
                ("conferred_by", s("全国双拥工作领导小组")),
                ("document", format!("第{round}届全国双拥模范城（县）命名")),
            ],
        )
        .await?;
    }
    for (year, round) in [(2006, 5), (2010, 6), (2014, 7), (2018, 8), (2022, 9)] {
        sd.add(
            &work::HONOURS,
            COUNTY,
            &[
                ("year", s(year)),
                ("title", s("provincial")),
                ("round", s(round)),
                ("conferred_by", s("山西省双拥工作领导小组")),
            ],
        )
        .await?;
    }
    Ok(())
}

/// Synthetic members: (name, position).
const MEMBERS: &[(&str, &str)] = &[
    ("赵建国", "县委书记"),
    ("钱卫东", "县长"),
    ("孙立军", "县委副书记"),
    ("李志刚", "县人武部部长"),
    ("周海涛", "县委常委、宣传部部长"),
    ("吴振华", "副县长"),
    ("郑光明", "县退役军人事务局局长"),
    ("王晓燕", "县财政局局长"),
    ("冯国庆", "县教育局局长"),
    ("陈红梅", "县人社局局长"),
    ("褚永强", "县卫健局局长"),
    ("卫东升", "县交通局局长"),
];

async fn bodies(sd: &Seeder<'_>) -> anyhow::Result<()> {
    let groups = [
        ("双拥工作领导小组", "leading_group", "研究部署全县双拥工作，协调解决重大问题", 0..12),
        ("双拥工作领导小组办公室", "office", "设在县退役军人事务局，负责日常工作", 6..8),
        ("国防教育工作组", "service_group", "全民国防教育、国防教育基地建设", 4..5),
        ("军民共建工作组", "service_group", "军民共建社区（村）、中心村建设", 5..6),
        ("退役军人安置工作组", "service_group", "转业军官、军士和退役士兵安置", 6..7),
        ("军人家属服务中心", "service_group", "随军家属就业、子女入学入托、优待服务", 9..10),
    ];
    for (term_start, term_end) in [("2018-03-01", "2021-02-28"), ("2021-03-01", "")] {
        for (name, kind, duties, members) in groups.iter().cloned() {
            let g = sd
                .add(
                    &work::GROUPS,
                    COUNTY,
                    &[
                        ("name", s(name)),
                        ("kind", s(kind)),
                        ("responsible", s(MEMBERS[members.start].0)),
                        ("duties", s(duties)),
                        ("term_start", s(term_start)),
                        ("term_end", s(term_end)),
                    ],
                )
                .await?;
            for (i, (person, position)) in MEMBERS[members.clone()].iter().enumerate() {
                let role = match (kind, i) {
                    ("leading_group", 0) => "leader",
                    ("leading_group", 1..=3) => "deputy",
                    ("leading_group", _) => "member",
                    (_, 0) => "head",
                    _ => "member",
                };
                sd.add(
                    &work::MEMBERS,
                    COUNTY,
                    &[
                        ("group_id", s(g)),
                        ("name", s(person)),
                        ("position", s(position)),
                        ("member_role", s(role)),
                        ("term_start", s(term_start)),
                        ("term_end", s(term_end)),
                    ],
                )
                .await?;
            }
        }
    }
    Ok(())
}

async fn measures_and_meetings(sd: &Seeder<'_>) -> anyhow::Result<()> {
    let evidence = [
        ("development_plan", "县国民经济和社会发展规划纲要设双拥工作专章"),
        ("performance_review", "双拥工作纳入乡镇和部门年度目标责任考核"),
        ("defence_education", "全民国防教育年度计划，国防教育纳入党校培训和中小学课程"),
        ("annual_plan", "县委、县政府年度工作要点部署双拥工作"),
        ("budget", "县财政预算安排双拥工作专项经费"),
    ];
    for year in YEARS {
        for (item, what) in evidence {
            sd.add(
                &work::MEASURES,
                COUNTY,
                &[
                    ("year", s(year)),
                    ("item", s(item)),
                    ("status", s("done")),
                    ("evidence", format!("{year}年{what}")),
                    ("evidence_link", format!("县双拥办档案 {year}-{item}")),
                ],
            )
            .await?;
        }
        let meetings = [
            (
                "leading_group",
                format!("{year}年第一次双拥工作领导小组会议"),
                format!("{year}-03-1{}", year % 10 % 9),
                "县委书记",
                28,
            ),
            (
                "leading_group",
                format!("{year}年第二次双拥工作领导小组会议"),
                format!("{year}-07-2{}", year % 10 % 9),
                "县长",
                26,
            ),
            ("party_military", format!("{year}年县委议军会"), format!("{year}-01-2{}", year % 10 % 9), "县委书记", 35),
            (
                "defence_mobilisation",
                format!("{year}年县国动委例会"),
                format!("{year}-04-1{}", year % 10 % 9),
                "县长",
                30,
            ),
            (
                "armed_forces_committee",
                format!("{year}年县人武部党委全体（扩大）会议"),
                format!("{year}-02-2{}", year % 10 % 9),
                "县委书记",
                22,
            ),
            (
                "armed_forces_report",
                format!("{year}年度党委书记党管武装述职会"),
                format!("{year}-12-1{}", year % 10 % 9),
                "县委书记",
                40,
            ),
            (
                "veterans_group",
                format!("{year}年退役军人事务工作领导小组会议"),
                format!("{year}-05-1{}", year % 10 % 9),
                "副县长",
                24,
            ),
        ];
        for (kind, title, date, chair, n) in meetings {
            sd.add(
                &work::MEETINGS,
                COUNTY,
                &[
                    ("kind", s(kind)),
                    ("title", title),
                    ("held_on", date),
                    ("place", s("县委常委会议室")),
                    ("chair", s(chair)),
                    ("attendance", s(n)),
                    ("decisions", s("通报上年度双拥工作情况，研究部署本年度重点任务，协调解决部队实际困难")),
                    ("minutes_file", format!("岢双拥纪〔{year}〕号")),
                ],
            )
            .await?;
        }
    }
    Ok(())
}

async fn plans(sd: &Seeder<'_>) -> anyhow::Result<()> {
    for year in YEARS {
        let plan = sd
            .add(
                &work::PLANS,
                COUNTY,
                &[
                    ("year", s(year)),
                    ("title", format!("{year}年军地互办实事计划")),
                    ("parties", s("岢岚县人民政府、驻岢部队")),
                    ("signed_on", format!("{year}-02-20")),
                ],
            )
            .await?;
        // The latest year is still under way: one item late, one over budget.
        let last = year == *YEARS.end();
        let items = [
            (
                "county",
                "营区周边道路维修",
                "县交通局",
                "800000",
                if last { "860000" } else { "780000" },
                "09-30",
                "done",
            ),
            ("county", "随军家属就业安置", "县人社局", "300000", "300000", "12-31", "done"),
            ("county", "军人子女入学入托优待", "县教育局", "", "", "08-31", "done"),
            (
                "county",
                "营区供暖管网改造",
                "县住建局",
                "500000",
                "320000",
                "06-30",
                if last { "in_progress" } else { "done" },
            ),
            ("troops", "驻地群众义诊巡诊", "驻岢某部卫生队", "", "", "10-31", "done"),
            ("troops", "中小学生军训和国防教育课", "驻岢某部", "", "", "09-30", "done"),
            (
                "troops",
                "参与团城中心村基础设施建设",
                "驻岢某部",
                "",
                "",
                "11-30",
                if last { "in_progress" } else { "done" },
            ),
        ];
        for (side, title, owner, budget, spent, deadline, state) in items {
            let at = if side == "troops" { TROOPS } else { COUNTY };
            sd.add(
                &work::PLAN_ITEMS,
                at,
                &[
                    ("plan_id", s(plan)),
                    ("side", s(side)),
                    ("title", s(title)),
                    ("owner", s(owner)),
                    ("budget", s(budget)),
                    ("spent", s(spent)),
                    ("deadline", format!("{year}-{deadline}")),
                    ("progress", s(if state == "done" { 100 } else { 60 })),
                    ("state", s(state)),
                ],
            )
            .await?;
        }
    }
    Ok(())
}

async fn publicity(sd: &Seeder<'_>) -> anyhow::Result<()> {
    let museum = sd
        .add(
            &work::BASES,
            COUNTY,
            &[
                ("name", s("毛主席路居馆")),
                ("kind", s("defence")),
                ("since", s("2008")),
                ("address", s("岢岚县岚漪镇")),
                ("note", s("1948年毛泽东同志东渡黄河途经岢岚时的住地，县国防教育基地、红色教育基地")),
            ],
        )
        .await?;
    let cemetery = sd
        .add(
            &work::BASES,
            COUNTY,
            &[
                ("name", s("岢岚县烈士陵园")),
                ("kind", s("memorial")),
                ("since", s("2021")),
                ("address", s("岢岚县城郊")),
                ("note", s("2021年改扩建完工，安葬和纪念革命烈士")),
            ],
        )
        .await?;
    let mut rng = Lcg(2024_0929);
    // At the 毛主席路居馆: oaths, study visits, school training and lessons, month by month.
    let museum_events = [
        ("oath", "入党宣誓和重温入党誓词", "县直机关工委", "党员干部", 80, 240),
        ("study_visit", "参观学习", "县委宣传部", "干部群众", 700, 1_500),
        ("defence_lesson", "国防教育现场课", "县教育局", "中小学生", 400, 900),
        ("study_visit", "主题党日参观", "各乡镇党委", "党员", 250, 550),
    ];
    for year in YEARS {
        for month in 1..=12u32 {
            let (kind, title, organiser, who, lo, hi) =
                museum_events[(month as usize + year as usize) % museum_events.len()];
            sd.add(
                &work::EVENTS,
                COUNTY,
                &[
                    ("kind", s(kind)),
                    ("title", format!("{title}（{year}年{month}月）")),
                    ("held_on", format!("{year}-{month:02}-{:02}", rng.between(3, 27))),
                    ("base_id", s(museum)),
                    ("organiser", s(organiser)),
                    ("participants", s(rng.between(lo, hi))),
                    ("participant_kind", s(who)),
                ],
            )
            .await?;
        }
        // Qingming at the cemetery; sirens on 9·18; performances, sports, culture in barracks, school training.
        let elsewhere = [
            (
                "qingming",
                "清明祭扫烈士墓",
                "04-04",
                Some(cemetery),
                "县委宣传部、县退役军人事务局",
                "干部群众学生",
                800,
                1500,
            ),
            ("siren", "“九一八”防空警报试鸣", "09-18", None, "县人民防空办公室", "全县群众", 20000, 30000),
            ("school_training", "高一新生军训", "08-25", None, "县第一中学、县人武部", "高一新生", 600, 800),
            ("culture", "文化进军营", "07-28", None, "县文旅局", "部队官兵", 200, 400),
            ("performance", "庆八一军地文艺汇演", "07-31", None, "县委宣传部、驻岢部队", "官兵群众", 600, 1200),
            ("sports", "军民篮球友谊赛", "10-15", None, "县体育中心", "官兵群众", 150, 300),
        ];
        for (kind, title, day, base, organiser, who, lo, hi) in elsewhere {
            sd.add(
                &work::EVENTS,
                COUNTY,
                &[
                    ("kind", s(kind)),
                    ("title", format!("{year}年{title}")),
                    ("held_on", format!("{year}-{day}")),
                    ("base_id", base.map(s).unwrap_or_default()),
                    ("place", s(if base.is_some() { "" } else { "县城" })),
                    ("organiser", s(organiser)),
                    ("participants", s(rng.between(lo, hi))),
                    ("participant_kind", s(who)),
                ],
            )
            .await?;
        }
    }
    for (year, title, body) in [
        (
            2021,
            "【岢岚】：双拥模范县的底色",
            "【岢岚】县地处晋西北，毛主席路居馆是全县的国防教育基地。\n每年清明，干部群众到烈士陵园祭扫。",
        ),
        (2023, "军民同建团城中心村", "三井镇团城村与驻军共建中心村，【岚漪】河畔再添新居。"),
        (2024, "连续四次荣获全国双拥模范县", "岢岚县坚持“五纳入、五统一”，双拥工作走在前列。"),
    ] {
        sd.add(
            &work::ARTICLES,
            COUNTY,
            &[
                ("title", s(title)),
                ("author", s("县融媒体中心")),
                ("dated", format!("{year}-08-01")),
                ("state", s("published")),
                ("body", s(body)),
            ],
        )
        .await?;
    }
    Ok(())
}

async fn support(sd: &Seeder<'_>) -> anyhow::Result<()> {
    let project = |year: i32, category: &str, title: String, amount: i64, unit: &str, source: &str| {
        vec![
            ("year", s(year)),
            ("category", s(category)),
            ("title", title),
            ("amount", s(amount)),
            ("unit", s(unit)),
            ("source", s(source)),
        ]
    };
    // Defence roads, section by section: 228,600,000 元 (近2.3亿元).
    let roads: [(i32, &[i64]); 5] = [
        (2020, &[18_600_000, 12_400_000, 9_800_000, 6_200_000]),
        (2021, &[21_500_000, 15_300_000, 8_700_000]),
        (2022, &[24_800_000, 16_900_000, 11_200_000, 5_600_000]),
        (2023, &[19_700_000, 14_100_000, 9_900_000]),
        (2024, &[17_300_000, 10_400_000, 6_200_000]),
    ];
    for (year, sections) in roads {
        for (i, amount) in sections.iter().enumerate() {
            sd.add(
                &work::PROJECTS,
                COUNTY,
                &project(
                    year,
                    "defence_road",
                    format!("{year}年国防公路第{}标段", i + 1),
                    *amount,
                    "yuan",
                    "中央车购税资金、省级配套、县级配套",
                ),
            )
            .await?;
        }
    }
    // Relocating farms around the barracks (4,200,000) and greening (2,400,000): 660万元.
    for (year, farm, amount) in
        [(2020, "营区东侧养殖场", 1_500_000), (2021, "营区北侧养殖场", 1_600_000), (2022, "营区西侧农户", 1_100_000)]
    {
        sd.add(
            &work::PROJECTS,
            COUNTY,
            &project(year, "relocation", format!("搬迁{farm}"), amount, "yuan", "县级财政"),
        )
        .await?;
    }
    for (year, amount) in [(2021, 600_000), (2022, 700_000), (2023, 650_000), (2024, 450_000)] {
        sd.add(
            &work::PROJECTS,
            COUNTY,
            &project(year, "greening", format!("{year}年营区周边绿化"), amount, "yuan", "县级财政"),
        )
        .await?;
    }
    // Employment of troops' family members and hired staff: 574万元.
    for (year, family, hiring) in [
        (2020, 520_000, 480_000),
        (2021, 560_000, 520_000),
        (2022, 600_000, 560_000),
        (2023, 620_000, 580_000),
        (2024, 660_000, 640_000),
    ] {
        sd.add(
            &work::PROJECTS,
            COUNTY,
            &project(year, "family_employment", format!("{year}年随军家属就业安置补助"), family, "yuan", "县级财政"),
        )
        .await?;
        sd.add(
            &work::PROJECTS,
            COUNTY,
            &project(year, "troop_hiring", format!("{year}年部队雇工安置"), hiring, "yuan", "县级财政"),
        )
        .await?;
    }
    // Returning farmland to forest, village group by village group: 30,000 亩.
    for (year, town, mu) in [
        (2020, "140929/01", 4_200),
        (2020, "140929/04", 2_800),
        (2021, "140929/03", 3_600),
        (2021, "140929/06", 2_900),
        (2022, "140929/05", 3_400),
        (2022, "140929/07", 2_600),
        (2023, "140929/08", 3_100),
        (2023, "140929/09", 2_500),
        (2024, "140929/10", 2_700),
        (2024, "140929/02", 2_200),
    ] {
        sd.add(
            &work::PROJECTS,
            town,
            &project(year, "forest", format!("{year}年退耕还林"), mu, "mu", "国家退耕还林补助"),
        )
        .await?;
    }
    for (year, title, amount) in [
        (2022, "团城中心村规划和土地整理", 1_800_000),
        (2023, "团城中心村民居建设（军地共建）", 4_600_000),
        (2024, "团城中心村配套设施", 2_100_000),
    ] {
        sd.add(
            &work::PROJECTS,
            TUANCHENG,
            &project(year, "central_village", s(title), amount, "yuan", "县级财政、部队援建"),
        )
        .await?;
    }
    // Evacuations for the troops' missions: 143 operations, each a few hundred to a thousand people, no accident.
    let mut rng = Lcg(140_929);
    let per_year = [(2020, 27), (2021, 29), (2022, 30), (2023, 28), (2024, 29)];
    let mut n = 0;
    for (year, ops) in per_year {
        for i in 0..ops {
            n += 1;
            let town = format!("140929/{:02}", 1 + rng.between(0, 9));
            let month = 3 + (i * 8 / ops) as u32;
            sd.add(
                &work::EVACUATIONS,
                &town,
                &[
                    ("held_on", format!("{year}-{month:02}-{:02}", rng.between(1, 28))),
                    ("operation", format!("配合部队第{n}次任务组织群众疏散")),
                    ("people", s(rng.between(560, 1_220))),
                    ("accidents", s(0)),
                ],
            )
            .await?;
        }
    }
    // Festival visits by the county's four leading bodies (四套班子): 23 visits.
    let occasions =
        [("春节", "01-2"), ("八一建军节", "07-2"), ("国庆", "09-2"), ("老兵退伍", "09-0"), ("新兵入营", "12-1")];
    let mut v = 0;
    for year in YEARS {
        for (occasion, day) in occasions.iter().take(if year == 2022 || year == 2024 { 5 } else { 4 }) {
            v += 1;
            let (unit, at) = if v % 3 == 0 { ("武警岢岚中队", ARMED_POLICE) } else { ("驻岢某部", COUNTY) };
            sd.add(
                &work::VISITS,
                at,
                &[
                    ("visited_on", format!("{year}-{day}{}", v % 8 + 1)),
                    ("occasion", s(occasion)),
                    ("leaders", s("县委、县人大、县政府、县政协（四套班子）领导")),
                    ("visited_unit", s(unit)),
                    ("gifts", s("慰问信、米面油、水果")),
                    ("amount", s(rng.between(3, 8) * 10_000)),
                ],
            )
            .await?;
        }
    }
    Ok(())
}

async fn contributions(sd: &Seeder<'_>) -> anyhow::Result<()> {
    let mut rng = Lcg(8_023);
    let add = async |kind: &str,
                     at: &str,
                     date: String,
                     title: String,
                     amount: Option<i64>,
                     people: Option<i64>,
                     who: &str| {
        sd.add(
            &work::CONTRIBUTIONS,
            at,
            &[
                ("happened_on", date),
                ("kind", s(kind)),
                ("title", title),
                ("amount", amount.map(s).unwrap_or_default()),
                ("people", people.map(s).unwrap_or_default()),
                ("beneficiary", s(who)),
            ],
        )
        .await
    };
    // Defence subsidy funds obtained: 380,000,000 元 (3.8亿元).
    for (year, amounts) in [
        (2020, [46_000_000, 28_000_000]),
        (2021, [52_000_000, 31_000_000]),
        (2022, [48_000_000, 35_000_000]),
        (2023, [44_000_000, 30_000_000]),
        (2024, [39_000_000, 27_000_000]),
    ] {
        for (i, a) in amounts.iter().enumerate() {
            add(
                "defence_funds",
                TROOPS,
                format!("{year}-{:02}-15", 4 + i * 5),
                format!("{year}年争取国防工程补助资金（第{}批）", i + 1),
                Some(*a),
                None,
                "岢岚县",
            )
            .await?;
        }
    }
    // 团城中心村 infrastructure: 10,460,000 元 (1000余万元).
    for (date, title, amount) in [
        ("2022-05-10", "团城中心村道路硬化", 3_200_000),
        ("2022-09-20", "团城中心村供水管网", 1_850_000),
        ("2023-04-18", "团城中心村文化广场", 2_160_000),
        ("2023-08-30", "团城中心村排水和路灯", 1_450_000),
        ("2024-06-12", "团城中心村卫生室和活动中心", 1_800_000),
    ] {
        add("infrastructure", TROOPS, s(date), s(title), Some(amount), None, "三井镇团城村").await?;
    }
    // Medicines given: 104,800 元 (10万余元).
    for (date, amount) in [
        ("2020-06-01", 12_600),
        ("2020-11-10", 9_800),
        ("2021-05-20", 14_300),
        ("2021-10-15", 11_200),
        ("2022-06-08", 13_900),
        ("2022-12-20", 16_500),
        ("2023-07-05", 12_800),
        ("2024-05-28", 13_700),
    ] {
        add("medicines", TROOPS, s(date), s("为驻地群众赠送常用药品"), Some(amount), None, "驻地乡村").await?;
    }
    // Local patients treated (8万余人), critical patients saved (200余人), people educated (5万余人次),
    // students trained: month by month.
    for year in YEARS {
        for month in 1..=12u32 {
            let date = format!("{year}-{month:02}-{:02}", rng.between(1, 28));
            add(
                "patients",
                TROOPS,
                date.clone(),
                format!("{year}年{month}月驻军医院诊治地方群众"),
                None,
                Some(rng.between(1_250, 1_560)),
                "驻地群众",
            )
            .await?;
            if month % 3 == 0 {
                // Ten a quarter, thirteen in the last: 203 in all (200余人). The draw keeps the
                // generator's sequence for the records after it.
                let _ = rng.between(9, 13);
                let saved = if year == 2024 && month == 12 { 13 } else { 10 };
                add(
                    "critical",
                    TROOPS,
                    date.clone(),
                    format!("{year}年{month}月救治危重病人"),
                    None,
                    Some(saved),
                    "驻地群众",
                )
                .await?;
            }
            if month % 2 == 0 {
                add(
                    "education",
                    ARMED_POLICE,
                    date,
                    format!("{year}年{month}月国防教育和普法宣讲"),
                    None,
                    Some(rng.between(1_560, 2_000)),
                    "干部群众学生",
                )
                .await?;
            }
        }
        add(
            "training",
            TROOPS,
            format!("{year}-08-26"),
            format!("{year}年承训中学生军训"),
            None,
            Some(rng.between(650, 780)),
            "县第一中学",
        )
        .await?;
    }
    // Student aid: 80,000 元 to 40 poor students.
    for year in 2021..=2024 {
        add(
            "student_aid",
            TROOPS,
            format!("{year}-09-01"),
            format!("{year}年“八一”助学"),
            Some(20_000),
            Some(10),
            "家庭困难学生",
        )
        .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use shuangyong_domain::{OrgKind, OrgPath};
    use shuangyong_store::Scope;
    use shuangyong_store::testing;
    use shuangyong_store::work::totals;

    const YEARS: std::ops::RangeInclusive<i32> = super::YEARS;

    /// The demo's work figures, read back through the yearly totals the reports use.
    #[tokio::test]
    async fn the_demo_records_produce_the_published_figures() {
        let mut units = vec![("140929".to_owned(), "岢岚县".to_owned(), OrgKind::County)];
        for t in 1..=10 {
            units.push((format!("140929/{t:02}"), format!("乡镇{t}"), OrgKind::Township));
        }
        units.push(("140929/02/222".into(), "团城村".into(), OrgKind::Village));
        units.push(("140929/90".into(), "驻岢某部".into(), OrgKind::MilitaryUnit));
        units.push(("140929/91".into(), "武警岢岚中队".into(), OrgKind::MilitaryUnit));
        let refs: Vec<(&str, &str, OrgKind)> = units.iter().map(|(a, b, k)| (a.as_str(), b.as_str(), *k)).collect();
        let db = testing::with_units(&refs).await;
        let s = &db.store;
        let root = Scope::new(OrgPath::parse("140929").unwrap());
        super::seed(s, &root).await.unwrap();

        // Honours: 连续四次 national.
        assert_eq!(totals::consecutive_rounds(s, &root, "national", 2024).await.unwrap(), 4);

        // Measures: all five items done each year; every kind of meeting each year.
        for y in YEARS {
            let list = totals::checklist(s, &root, root.root(), y).await.unwrap();
            assert!(list.iter().all(|i| i.done()), "{y}");
        }
        let meetings = totals::meetings(s, &root, YEARS).await.unwrap();
        for y in YEARS {
            let kinds: Vec<&str> = meetings.iter().filter(|t| t.year == y).map(|t| t.group[0].as_str()).collect();
            for (code, label) in shuangyong_domain::work::MEETING_KINDS.iter().filter(|k| k.0 != "other") {
                assert!(kinds.contains(code), "{y}: no {label}");
            }
        }
        let serving = totals::members_serving(s, &root, YEARS).await.unwrap();
        assert!(serving.iter().all(|(_, n)| *n == 12), "{serving:?}");

        // Publicity: 3万多人次 at the 毛主席路居馆.
        let museum: i64 = s
            .query_one(s.conn(), "SELECT id FROM edu_base WHERE name = '毛主席路居馆'", [])
            .await
            .unwrap()
            .unwrap()
            .try_get("", "id")
            .unwrap();
        let visits_museum: i64 =
            totals::base_visits(s, &root, museum, YEARS).await.unwrap().iter().map(|(_, n)| n).sum();
        assert!((30_000..40_000).contains(&visits_museum), "3万多人次: {visits_museum}");

        // Support for troops (amounts ×100).
        let sum = |cat: &'static str, unit: &'static str| {
            let root = root.clone();
            async move { totals::project_sum(s, &root, YEARS, cat, unit).await.unwrap() }
        };
        let roads = sum("defence_road", "yuan").await / 100;
        assert_eq!(roads, 228_600_000, "近2.3亿元");
        assert_eq!((sum("relocation", "yuan").await + sum("greening", "yuan").await) / 100, 6_600_000, "660万元");
        assert_eq!(
            (sum("family_employment", "yuan").await + sum("troop_hiring", "yuan").await) / 100,
            5_740_000,
            "574万元"
        );
        assert_eq!(sum("forest", "mu").await / 100, 30_000, "退耕还林3万亩");
        assert!(sum("central_village", "yuan").await > 0, "团城中心村");

        // Missions: 140余次, 12万多人, no accident.
        let ev = totals::evacuations(s, &root, YEARS).await.unwrap();
        let (ops, people, accidents) =
            ev.iter().fold((0, 0, 0), |(o, p, a), t| (o + t.records, p + t.sum("people"), a + t.sum("accidents")));
        assert!((141..150).contains(&ops), "140余次: {ops}");
        assert!((120_000..130_000).contains(&people), "12万多人: {people}");
        assert_eq!(accidents, 0);
        // Visits: 20余次.
        let visits: i64 = totals::visits(s, &root, YEARS).await.unwrap().iter().map(|t| t.records).sum();
        assert!((21..30).contains(&visits), "20余次: {visits}");

        // Troops' contributions.
        let c = totals::contributions(s, &root, YEARS).await.unwrap();
        let of =
            |kind: &str, field: &str| -> i64 { c.iter().filter(|t| t.group[0] == kind).map(|t| t.sum(field)).sum() };
        assert_eq!(of("defence_funds", "amount") / 100, 380_000_000, "3.8亿元");
        let infra = of("infrastructure", "amount") / 100;
        assert!((10_000_001..11_000_000).contains(&infra), "1000余万元: {infra}");
        let medicines = of("medicines", "amount") / 100;
        assert!((100_001..110_000).contains(&medicines), "10万余元: {medicines}");
        let patients = of("patients", "people");
        assert!((80_001..90_000).contains(&patients), "8万余人: {patients}");
        let critical = of("critical", "people");
        assert!((201..300).contains(&critical), "200余人: {critical}");
        let educated = of("education", "people");
        assert!((50_001..60_000).contains(&educated), "5万余人次: {educated}");
        assert_eq!((of("student_aid", "amount") / 100, of("student_aid", "people")), (80_000, 40));
        eprintln!(
            "demo figures: museum {visits_museum} 人次; evacuations {ops} 次 {people} 人; visits {visits}; \
             infrastructure {infra} 元; medicines {medicines} 元; patients {patients}; critical {critical}; educated {educated}"
        );
    }
}
