//! The work system's record types — 组织体系 (working bodies, meetings, 五纳入五统一, 互办实事 plans,
//! honours), 宣传教育 (bases, events, articles), 服务保障 (projects and funds, evacuations, visits) and
//! 驻军贡献. Each type is described once here: its fields, labels, choices and who writes it; the
//! store, the pages, the API and the exports all read the same description, and the rules that
//! decide (parsing, late and over-budget items, consecutive honours) are pure functions here.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use crate::dates::parse_date;
use crate::role::Role;
use crate::text;

/// What a field holds and how it is typed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    /// One line, up to 200 characters.
    Text,
    /// Several lines, up to 20,000 characters.
    LongText,
    Date,
    /// A four-digit year, 1949–2100 (honours go back to the 1990s' first rounds).
    Year,
    /// A whole number, zero or more.
    Count,
    /// 0–100.
    Percent,
    /// A decimal with up to two places, stored ×100 (money in fen). The unit is given, or read
    /// from the record's `unit` field when `None`.
    Amount(Option<&'static str>),
    /// One of (code, label).
    Choice(&'static [(&'static str, &'static str)]),
    /// The id of the record of another type (by key) this one belongs to; required.
    Parent(&'static str),
    /// An optional link to a record of another type (by key).
    Ref(&'static str),
}

impl FieldKind {
    /// Whether the stored value is an integer (or NULL) rather than text or a date.
    pub fn is_integer(self) -> bool {
        matches!(
            self,
            FieldKind::Year
                | FieldKind::Count
                | FieldKind::Percent
                | FieldKind::Amount(_)
                | FieldKind::Parent(_)
                | FieldKind::Ref(_)
        )
    }
}

#[derive(Debug, Clone, Copy)]
pub struct Field {
    /// The column and form name.
    pub name: &'static str,
    pub label: &'static str,
    pub kind: FieldKind,
    pub required: bool,
    /// Shown in lists.
    pub listed: bool,
}

const fn f(name: &'static str, label: &'static str, kind: FieldKind, required: bool, listed: bool) -> Field {
    Field { name, label, kind, required, listed }
}

/// Where a record's year (for filters and yearly totals) comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum YearFrom {
    /// A `Year` field.
    Year(&'static str),
    /// The year of a `Date` field.
    Date(&'static str),
    /// The year of the parent record.
    Parent,
}

/// Who writes records of a type (always within their scope).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Writers {
    /// The county's and townships' staff.
    Staff,
    /// Staff and the troops' liaison officers (the troops' own records).
    StaffAndTroops,
    /// Staff write both sides; a liaison officer only records whose `side` is `troops`.
    PlanSides,
}

/// A record type.
#[derive(Debug)]
pub struct Kind {
    /// The URL segment and API name: `meetings`.
    pub key: &'static str,
    pub table: &'static str,
    /// The menu area: org, publicity, support, troops.
    pub area: &'static str,
    /// 会议
    pub label: &'static str,
    pub fields: &'static [Field],
    pub year: YearFrom,
    /// The field that names a record in lists, links and the audit log.
    pub title: &'static str,
    pub writers: Writers,
    /// Fields that, with the unit, may hold one record only (one plan a year, one checklist item a year).
    pub unique: &'static [&'static str],
    /// What the list and detail pages say about the type.
    pub help: &'static str,
}

pub const MEETING_KINDS: &[(&str, &str)] = &[
    ("leading_group", "双拥工作领导小组会议"),
    ("party_military", "县委议军会"),
    ("defence_mobilisation", "国动委例会"),
    ("armed_forces_committee", "人武部党委全体(扩大)会议"),
    ("armed_forces_report", "党管武装述职会"),
    ("veterans_group", "退役军人事务工作领导小组会议"),
    ("other", "其他会议"),
];

/// 五纳入、五统一: the five items of the yearly checklist.
pub const MEASURE_ITEMS: &[(&str, &str)] = &[
    ("development_plan", "纳入经济社会发展规划·统一部署"),
    ("performance_review", "纳入干部实绩考核·统一考评"),
    ("defence_education", "纳入全民国防教育·统一组织"),
    ("annual_plan", "纳入年度工作计划·统一实施"),
    ("budget", "纳入财政预算·统一保障经费"),
];

pub const MEASURE_STATES: &[(&str, &str)] = &[("done", "已落实"), ("partial", "部分落实"), ("missing", "未落实")];

pub const PLAN_SIDES: &[(&str, &str)] = &[("county", "地方为部队办"), ("troops", "部队为地方办")];

pub const ITEM_STATES: &[(&str, &str)] =
    &[("planned", "未开始"), ("in_progress", "推进中"), ("done", "已完成"), ("cancelled", "已取消")];

pub const GROUP_KINDS: &[(&str, &str)] = &[
    ("leading_group", "领导小组"),
    ("office", "领导小组办公室"),
    ("service_group", "专项工作组"),
    ("other", "其他机构"),
];

pub const MEMBER_ROLES: &[(&str, &str)] =
    &[("leader", "组长"), ("deputy", "副组长"), ("head", "负责人"), ("member", "成员"), ("contact", "联络员")];

pub const BASE_KINDS: &[(&str, &str)] =
    &[("defence", "国防教育基地"), ("red", "红色教育基地"), ("memorial", "烈士纪念设施"), ("other", "其他")];

pub const EVENT_KINDS: &[(&str, &str)] = &[
    ("oath", "入党宣誓"),
    ("school_training", "新生军训"),
    ("defence_lesson", "国防教育课"),
    ("qingming", "清明祭扫"),
    ("siren", "防空警报鸣放"),
    ("culture", "文化进军营"),
    ("performance", "军地文艺汇演"),
    ("sports", "军民体育比赛"),
    ("study_visit", "参观学习"),
    ("other", "其他活动"),
];

pub const ARTICLE_STATES: &[(&str, &str)] = &[("draft", "草稿"), ("published", "已发布")];

pub const PROJECT_CATEGORIES: &[(&str, &str)] = &[
    ("defence_road", "国防公路"),
    ("relocation", "营区周边搬迁"),
    ("greening", "营区绿化"),
    ("family_employment", "随军家属就业"),
    ("troop_hiring", "部队雇工安置"),
    ("forest", "退耕还林"),
    ("central_village", "中心村建设"),
    ("other", "其他"),
];

/// How reports group and name the project categories: each group is named by its categories that
/// have records, joined by 和 (营区周边搬迁和营区绿化). Every category is in one group.
pub const PROJECT_REPORT_GROUPS: &[&[(&str, &str)]] = &[
    &[("defence_road", "国防公路建设")],
    &[("relocation", "营区周边搬迁"), ("greening", "营区绿化")],
    &[("family_employment", "随军家属就业"), ("troop_hiring", "部队雇工安置")],
    &[("forest", "退耕还林")],
    &[("central_village", "中心村建设")],
    &[("other", "其他拥军支前项目")],
];

/// The name of the central village built with the troops in a village: 团结村 → 团结中心村.
pub fn central_village_name(village: &str) -> String {
    let stem = village.strip_suffix("中心村").or_else(|| village.strip_suffix('村')).unwrap_or(village);
    format!("{stem}中心村")
}

pub const AMOUNT_UNITS: &[(&str, &str)] = &[("yuan", "元"), ("mu", "亩"), ("person", "人")];

pub const CONTRIBUTION_KINDS: &[(&str, &str)] = &[
    ("defence_funds", "争取国防补助资金"),
    ("infrastructure", "援建基础设施"),
    ("medicines", "赠送药品"),
    ("patients", "诊治群众"),
    ("critical", "救治危重病人"),
    ("training", "培训学生"),
    ("education", "教育群众"),
    ("student_aid", "捐资助学"),
];

/// Honours by level, highest first: the order the summary names them in.
pub const HONOUR_TITLES: &[(&str, &str)] =
    &[("national", "全国双拥模范县"), ("provincial", "省级双拥模范县"), ("municipal", "市级双拥模范县")];

use FieldKind::*;

pub static GROUPS: Kind = Kind {
    key: "groups",
    table: "work_group",
    area: "org",
    label: "工作机构",
    fields: &[
        f("name", "机构名称", Text, true, true),
        f("kind", "类型", Choice(GROUP_KINDS), true, true),
        f("responsible", "负责人", Text, false, true),
        f("duties", "职责", LongText, false, false),
        f("term_start", "本届起始日期", Date, true, true),
        f("term_end", "本届截止日期", Date, false, true),
        f("note", "备注", LongText, false, false),
    ],
    year: YearFrom::Date("term_start"),
    title: "name",
    writers: Writers::Staff,
    unique: &[],
    help: "双拥工作领导小组及其办公室、国防教育、军民共建、退役军人安置、军人家属服务中心等工作机构，按届记录。",
};

pub static MEMBERS: Kind = Kind {
    key: "members",
    table: "work_group_member",
    area: "org",
    label: "机构成员",
    fields: &[
        f("group_id", "所属机构", Parent("groups"), true, true),
        f("name", "姓名", Text, true, true),
        f("position", "单位及职务", Text, false, true),
        f("member_role", "组内职务", Choice(MEMBER_ROLES), true, true),
        f("term_start", "任职起始日期", Date, true, true),
        f("term_end", "任职截止日期", Date, false, true),
        f("note", "备注", LongText, false, false),
    ],
    year: YearFrom::Date("term_start"),
    title: "name",
    writers: Writers::Staff,
    unique: &[],
    help: "工作机构的组长、副组长、负责人和成员，按任期记录；人员调整时填写截止日期并新增接任人员。",
};

pub static MEETINGS: Kind = Kind {
    key: "meetings",
    table: "work_meeting",
    area: "org",
    label: "会议",
    fields: &[
        f("kind", "会议类别", Choice(MEETING_KINDS), true, true),
        f("title", "会议名称", Text, true, true),
        f("held_on", "召开日期", Date, true, true),
        f("place", "地点", Text, false, false),
        f("chair", "主持人", Text, true, true),
        f("attendance", "参会人数", Count, false, true),
        f("attendees", "参会人员", LongText, false, false),
        f("decisions", "议定事项", LongText, false, false),
        f("minutes_file", "会议纪要（文号或存档位置）", Text, false, false),
    ],
    year: YearFrom::Date("held_on"),
    title: "title",
    writers: Writers::Staff,
    unique: &[],
    help: "双拥工作领导小组会议、县委议军会、国动委例会、人武部党委全体(扩大)会议、党管武装述职会、退役军人事务工作领导小组会议等。",
};

pub static MEASURES: Kind = Kind {
    key: "measures",
    table: "work_measure",
    area: "org",
    label: "五纳入五统一",
    fields: &[
        f("year", "年度", Year, true, true),
        f("item", "事项", Choice(MEASURE_ITEMS), true, true),
        f("status", "落实情况", Choice(MEASURE_STATES), true, true),
        f("evidence", "佐证材料（文件名称、文号、要点）", LongText, false, false),
        f("evidence_link", "佐证链接（相关记录地址或档案位置）", Text, false, true),
    ],
    year: YearFrom::Year("year"),
    title: "item",
    writers: Writers::Staff,
    unique: &["year", "item"],
    help: "双拥工作纳入经济社会发展规划、干部实绩考核、全民国防教育、年度工作计划、财政预算，每年每项一条记录并附佐证。",
};

pub static PLANS: Kind = Kind {
    key: "plans",
    table: "work_plan",
    area: "org",
    label: "互办实事计划",
    fields: &[
        f("year", "年度", Year, true, true),
        f("title", "计划名称", Text, true, true),
        f("parties", "签订双方", Text, false, true),
        f("signed_on", "签订日期", Date, false, true),
        f("note", "说明", LongText, false, false),
    ],
    year: YearFrom::Year("year"),
    title: "title",
    writers: Writers::Staff,
    unique: &["year"],
    help: "每年军地双方商定的互办实事计划：地方为部队办的实事和部队为地方办的实事，逐项列出责任单位、预算、期限和进度。",
};

pub static PLAN_ITEMS: Kind = Kind {
    key: "plan-items",
    table: "work_plan_item",
    area: "org",
    label: "互办实事事项",
    fields: &[
        f("plan_id", "所属计划", Parent("plans"), true, true),
        f("side", "哪一方办", Choice(PLAN_SIDES), true, true),
        f("title", "事项", Text, true, true),
        f("owner", "责任单位", Text, true, true),
        f("budget", "预算（元）", Amount(Some("元")), false, true),
        f("spent", "已支出（元）", Amount(Some("元")), false, true),
        f("deadline", "完成期限", Date, false, true),
        f("progress", "进度（%）", Percent, false, true),
        f("state", "状态", Choice(ITEM_STATES), true, true),
        f("evidence", "佐证材料", LongText, false, false),
    ],
    year: YearFrom::Parent,
    title: "title",
    writers: Writers::PlanSides,
    unique: &[],
    help: "部队联络员只能填写和修改“部队为地方办”一方的事项；逾期未完成和超出预算的事项以红色标出。",
};

pub static HONOURS: Kind = Kind {
    key: "honours",
    table: "work_honour",
    area: "org",
    label: "荣誉",
    fields: &[
        f("year", "命名年度", Year, true, true),
        f("title", "荣誉称号", Choice(HONOUR_TITLES), true, true),
        f("round", "届次（第几届）", Count, true, true),
        f("conferred_by", "命名机关", Text, false, true),
        f("document", "命名文件", Text, false, false),
        f("note", "备注", LongText, false, false),
    ],
    year: YearFrom::Year("year"),
    title: "title",
    writers: Writers::Staff,
    unique: &["title", "round"],
    help: "全国、省级、市级双拥模范县（城）的命名记录，每届一条（1990年代的届次也可录入）；“连续几届荣获”由届次计算得出，总结和统计页按级别写出。",
};

pub static BASES: Kind = Kind {
    key: "bases",
    table: "edu_base",
    area: "publicity",
    label: "教育基地",
    fields: &[
        f("name", "基地名称", Text, true, true),
        f("kind", "类型", Choice(BASE_KINDS), true, true),
        f("since", "命名（建成）年份", Year, true, true),
        f("address", "地址", Text, false, true),
        f("note", "简介", LongText, false, false),
    ],
    year: YearFrom::Year("since"),
    title: "name",
    writers: Writers::Staff,
    unique: &[],
    help: "国防教育基地、红色教育基地、烈士陵园等；基地页面按年度汇总在此开展活动的人次。",
};

pub static EVENTS: Kind = Kind {
    key: "events",
    table: "edu_event",
    area: "publicity",
    label: "宣传教育活动",
    fields: &[
        f("kind", "活动类别", Choice(EVENT_KINDS), true, true),
        f("title", "活动名称", Text, true, true),
        f("held_on", "日期", Date, true, true),
        f("base_id", "教育基地（在基地开展时选择）", Ref("bases"), false, true),
        f("place", "地点", Text, false, false),
        f("organiser", "组织单位", Text, true, true),
        f("participants", "参加人数（人次）", Count, true, true),
        f("participant_kind", "参加人员", Text, false, true),
        f("note", "备注", LongText, false, false),
    ],
    year: YearFrom::Date("held_on"),
    title: "title",
    writers: Writers::Staff,
    unique: &[],
    help: "入党宣誓、新生军训、国防教育课、清明祭扫、防空警报鸣放（9·18、9·30）、文化进军营、军地文艺汇演、军民体育比赛、参观学习等。",
};

pub static ARTICLES: Kind = Kind {
    key: "articles",
    table: "edu_article",
    area: "publicity",
    label: "宣传文章",
    fields: &[
        f("title", "标题", Text, true, true),
        f("author", "作者", Text, true, true),
        f("dated", "日期", Date, true, true),
        f("state", "状态", Choice(ARTICLE_STATES), true, true),
        f("body", "正文", LongText, true, false),
    ],
    year: YearFrom::Date("dated"),
    title: "title",
    writers: Writers::Staff,
    unique: &[],
    help: "正文中用【】括起需要注音的词，如【岢岚】，系统自动填写拼音并以注音形式显示；也可写【岢岚|kě lán】指定读音。",
};

pub static PROJECTS: Kind = Kind {
    key: "projects",
    table: "support_project",
    area: "support",
    label: "项目与资金",
    fields: &[
        f("year", "年度", Year, true, true),
        f("category", "类别", Choice(PROJECT_CATEGORIES), true, true),
        f("title", "项目名称", Text, true, true),
        f("amount", "数量或金额", Amount(None), true, true),
        f("unit", "单位", Choice(AMOUNT_UNITS), true, false),
        f("source", "资金来源", Text, false, true),
        f("note", "备注", LongText, false, false),
    ],
    year: YearFrom::Year("year"),
    title: "title",
    writers: Writers::Staff,
    unique: &[],
    help: "国防公路、营区周边搬迁、营区绿化、随军家属就业和部队雇工安置、退耕还林（亩）、中心村建设等，逐项记录。",
};

pub static EVACUATIONS: Kind = Kind {
    key: "evacuations",
    table: "support_evacuation",
    area: "support",
    label: "支援任务疏散",
    fields: &[
        f("held_on", "日期", Date, true, true),
        f("operation", "任务名称", Text, true, true),
        f("place", "涉及地点", Text, false, true),
        f("people", "疏散群众（人）", Count, true, true),
        f("accidents", "安全事故（起）", Count, true, true),
        f("note", "备注", LongText, false, false),
    ],
    year: YearFrom::Date("held_on"),
    title: "operation",
    writers: Writers::Staff,
    unique: &[],
    help: "为部队执行任务组织群众疏散，每次任务一条记录。",
};

pub static VISITS: Kind = Kind {
    key: "visits",
    table: "support_visit",
    area: "support",
    label: "走访慰问",
    fields: &[
        f("visited_on", "日期", Date, true, true),
        f("occasion", "时机", Text, false, true),
        f("leaders", "慰问领导", Text, true, true),
        f("visited_unit", "慰问单位", Text, true, true),
        f("gifts", "慰问品", Text, false, false),
        f("amount", "慰问金（元）", Amount(Some("元")), false, true),
        f("note", "备注", LongText, false, false),
    ],
    year: YearFrom::Date("visited_on"),
    title: "visited_unit",
    writers: Writers::Staff,
    unique: &[],
    help: "县四套班子领导节日走访慰问驻地部队，每次一条记录。",
};

pub static CONTRIBUTIONS: Kind = Kind {
    key: "contributions",
    table: "troops_contribution",
    area: "troops",
    label: "驻军贡献",
    fields: &[
        f("happened_on", "日期", Date, true, true),
        f("kind", "类别", Choice(CONTRIBUTION_KINDS), true, true),
        f("title", "事项", Text, true, true),
        f("amount", "金额（元）", Amount(Some("元")), false, true),
        f("people", "人数（人、人次）", Count, false, true),
        f("beneficiary", "受益单位或对象", Text, false, true),
        f("note", "备注", LongText, false, false),
    ],
    year: YearFrom::Date("happened_on"),
    title: "title",
    writers: Writers::StaffAndTroops,
    unique: &[],
    help: "驻地部队争取国防补助资金、援建基础设施、赠送药品、诊治群众、救治危重病人、培训学生、教育群众、捐资助学等；部队联络员可直接填报。",
};

/// Every record type, in menu order.
pub static KINDS: &[&Kind] = &[
    &GROUPS,
    &MEMBERS,
    &MEETINGS,
    &MEASURES,
    &PLANS,
    &PLAN_ITEMS,
    &HONOURS,
    &BASES,
    &EVENTS,
    &ARTICLES,
    &PROJECTS,
    &EVACUATIONS,
    &VISITS,
    &CONTRIBUTIONS,
];

/// The record type of a key.
pub fn kind(key: &str) -> Option<&'static Kind> {
    KINDS.iter().copied().find(|k| k.key == key)
}

/// A stored value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Val {
    Null,
    Int(i64),
    Text(String),
    Date(NaiveDate),
}

impl Val {
    pub fn int(&self) -> Option<i64> {
        if let Val::Int(i) = self { Some(*i) } else { None }
    }
    pub fn date(&self) -> Option<NaiveDate> {
        if let Val::Date(d) = self { Some(*d) } else { None }
    }
    pub fn text(&self) -> &str {
        if let Val::Text(t) = self { t } else { "" }
    }
}

/// Field name → Chinese message.
pub type FieldErrors = BTreeMap<&'static str, String>;

/// `1234.5` → 123450 (×100). Accepts a thousands separator, full-width digits and a trailing 元/亩/人.
pub fn parse_amount(raw: &str) -> Option<i64> {
    let s: String = crate::width::to_half_width(raw)
        .chars()
        .filter(|c| !c.is_whitespace() && *c != ',' && !matches!(c, '元' | '亩' | '人'))
        .collect();
    if s.is_empty() || s.starts_with('-') {
        return None;
    }
    let (whole, frac) = s.split_once('.').unwrap_or((&s, ""));
    if whole.is_empty() || frac.len() > 2 || !whole.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit()) {
        return None;
    }
    if whole.len() > 13 {
        return None;
    }
    let w: i64 = whole.parse().ok()?;
    let fr: i64 = if frac.is_empty() { 0 } else { format!("{frac:0<2}").parse().ok()? };
    Some(w * 100 + fr)
}

/// 123450 → `1234.5`: the form's way of writing an amount (no separators).
pub fn amount_input(hundredths: i64) -> String {
    let (w, fr) = (hundredths / 100, hundredths % 100);
    match fr {
        0 => w.to_string(),
        f if f % 10 == 0 => format!("{w}.{}", f / 10),
        f => format!("{w}.{f:02}"),
    }
}

/// 22860000000 → `228,600,000`: an amount for reading, grouped by thousands.
pub fn amount_display(hundredths: i64) -> String {
    let input = amount_input(hundredths);
    let (whole, frac) =
        input.split_once('.').map(|(a, b)| (a.to_owned(), format!(".{b}"))).unwrap_or((input, String::new()));
    let mut out = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out + &frac
}

fn label_of(choices: &[(&'static str, &'static str)], code: &str) -> Option<&'static str> {
    choices.iter().find(|(c, _)| *c == code).map(|(_, l)| *l)
}

impl Kind {
    pub fn field(&self, name: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.name == name)
    }

    pub fn index(&self, name: &str) -> Option<usize> {
        self.fields.iter().position(|f| f.name == name)
    }

    /// The parent field, if records of this type belong to another record.
    pub fn parent(&self) -> Option<(&Field, &'static Kind)> {
        self.fields.iter().find_map(|f| match f.kind {
            FieldKind::Parent(k) => kind(k).map(|k| (f, k)),
            _ => None,
        })
    }

    /// Reads a form (or a JSON body turned into strings). Every field is checked and every
    /// problem reported at once; nothing is half-read.
    pub fn parse(&self, input: &BTreeMap<String, String>) -> Result<Vec<Val>, FieldErrors> {
        let mut errors = FieldErrors::new();
        let mut out = Vec::with_capacity(self.fields.len());
        for fd in self.fields {
            let raw = input.get(fd.name).map(|s| s.trim()).unwrap_or("");
            if raw.is_empty() {
                if fd.required {
                    let verb = if matches!(fd.kind, Choice(_) | Parent(_)) { "请选择" } else { "请填写" };
                    errors.insert(fd.name, format!("{verb}{}", fd.label));
                }
                out.push(match fd.kind {
                    Text | LongText | Choice(_) => Val::Text(String::new()),
                    _ => Val::Null,
                });
                continue;
            }
            let v = match fd.kind {
                Text => {
                    let t = text::clean(raw);
                    if t.chars().count() > 200 {
                        Err(format!("{}不能超过200个字，请缩短", fd.label))
                    } else {
                        Ok(Val::Text(t))
                    }
                }
                LongText => {
                    let t = raw.replace("\r\n", "\n");
                    if t.chars().count() > 20_000 {
                        Err(format!("{}不能超过2万字，请分篇保存", fd.label))
                    } else {
                        Ok(Val::Text(t))
                    }
                }
                Date => parse_date(raw)
                    .map(|d| Val::Date(d.date))
                    .map_err(|_| format!("{}应为日期，如 2024-08-01", fd.label)),
                Year => match raw.parse::<i64>() {
                    Ok(y) if (1949..=2100).contains(&y) => Ok(Val::Int(y)),
                    _ => Err(format!("{}应为1949—2100之间的四位年份，如 1996", fd.label)),
                },
                Count => match raw.replace(',', "").parse::<i64>() {
                    Ok(n) if (0..=1_000_000_000).contains(&n) => Ok(Val::Int(n)),
                    _ => Err(format!("{}应为不小于0的整数，如 120", fd.label)),
                },
                Percent => match raw.trim_end_matches('%').parse::<i64>() {
                    Ok(n) if (0..=100).contains(&n) => Ok(Val::Int(n)),
                    _ => Err(format!("{}应为0到100之间的整数", fd.label)),
                },
                Amount(_) => parse_amount(raw)
                    .map(Val::Int)
                    .ok_or_else(|| format!("{}应为不小于0的数，最多两位小数，如 12500 或 3.5", fd.label)),
                Choice(choices) => match label_of(choices, raw) {
                    Some(_) => Ok(Val::Text(raw.to_owned())),
                    None => Err(format!("请从列表中选择{}", fd.label)),
                },
                Parent(_) | Ref(_) => match raw.parse::<i64>() {
                    Ok(id) if id > 0 => Ok(Val::Int(id)),
                    _ => Err(format!("请从列表中选择{}", fd.label)),
                },
            };
            match v {
                Ok(v) => out.push(v),
                Err(m) => {
                    errors.insert(fd.name, m);
                    out.push(Val::Null);
                }
            }
        }
        if errors.is_empty() {
            self.check(&out, &mut errors);
        }
        if errors.is_empty() { Ok(out) } else { Err(errors) }
    }

    /// Rules across fields of one type.
    fn check(&self, vals: &[Val], errors: &mut FieldErrors) {
        let get = |n: &str| self.index(n).map(|i| &vals[i]).unwrap_or(&Val::Null);
        let order = |a: &'static str, b: &'static str, errors: &mut FieldErrors| {
            if let (Some(x), Some(y)) = (get(a).date(), get(b).date())
                && y < x
            {
                errors.insert(b, "截止日期不能早于起始日期".into());
            }
        };
        match self.key {
            "groups" | "members" => order("term_start", "term_end", errors),
            "contributions" => {
                let kind = get("kind").text();
                let money = matches!(kind, "defence_funds" | "infrastructure" | "medicines" | "student_aid");
                let people = matches!(kind, "patients" | "critical" | "training" | "education" | "student_aid");
                if money && get("amount").int().is_none() {
                    errors.insert("amount", "此类贡献请填写金额（元）".into());
                }
                if people && get("people").int().is_none() {
                    errors.insert("people", "此类贡献请填写人数".into());
                }
            }
            _ => {}
        }
    }

    /// The year of a record from its values (`None` for [`YearFrom::Parent`]: the caller knows it).
    pub fn year_of(&self, vals: &[Val]) -> Option<i32> {
        match self.year {
            YearFrom::Year(n) => self.index(n).and_then(|i| vals[i].int()).map(|y| y as i32),
            YearFrom::Date(n) => self.index(n).and_then(|i| vals[i].date()).map(|d| d.year()),
            YearFrom::Parent => None,
        }
    }

    /// What a form field shows for a stored value.
    pub fn input(&self, i: usize, v: &Val) -> String {
        match (self.fields[i].kind, v) {
            (_, Val::Null) => String::new(),
            (Amount(_), Val::Int(n)) => amount_input(*n),
            (_, Val::Int(n)) => n.to_string(),
            (_, Val::Date(d)) => d.to_string(),
            (_, Val::Text(t)) => t.clone(),
        }
    }

    /// A stored value for reading: labels for codes, grouped amounts with their unit. Parent and
    /// link fields show the id; the caller replaces it with the linked record's title.
    pub fn display(&self, i: usize, vals: &[Val]) -> String {
        let v = &vals[i];
        match (self.fields[i].kind, v) {
            (_, Val::Null) => String::new(),
            (Choice(c), Val::Text(t)) => label_of(c, t).unwrap_or(t).to_owned(),
            (Amount(unit), Val::Int(n)) => {
                let unit = unit
                    .map(str::to_owned)
                    .unwrap_or_else(|| self.index("unit").map(|u| self.display(u, vals)).unwrap_or_default());
                format!("{} {unit}", amount_display(*n))
            }
            (Percent, Val::Int(n)) => format!("{n}%"),
            _ => self.input(i, v),
        }
    }

    /// The name of a record in links and the audit log.
    pub fn title_of(&self, vals: &[Val]) -> String {
        self.index(self.title).map(|i| self.display(i, vals)).unwrap_or_default()
    }

    /// Whether a role may write records of this type at all (within scope).
    pub fn may_write(&self, role: Role) -> bool {
        match self.writers {
            Writers::Staff => role.may_write_work(),
            Writers::StaffAndTroops | Writers::PlanSides => role.may_write_troop_side(),
        }
    }

    /// Whether a role may write this record: a liaison officer only the troops' side of a plan.
    pub fn may_write_record(&self, role: Role, vals: &[Val]) -> bool {
        if !self.may_write(role) {
            return false;
        }
        match self.writers {
            Writers::PlanSides if !role.may_write_work() => {
                self.index("side").is_some_and(|i| vals.get(i).is_some_and(|v| v.text() == "troops"))
            }
            _ => true,
        }
    }

    /// Warnings a record carries in lists (逾期, 超预算, 未落实).
    pub fn flags(&self, vals: &[Val], today: NaiveDate) -> Vec<&'static str> {
        let get = |n: &str| self.index(n).map(|i| &vals[i]).unwrap_or(&Val::Null);
        let mut out = Vec::new();
        match self.key {
            "plan-items" => {
                let state = get("state").text();
                if let Some(d) = get("deadline").date()
                    && d < today
                    && !matches!(state, "done" | "cancelled")
                {
                    out.push("逾期");
                }
                if let (Some(b), Some(s)) = (get("budget").int(), get("spent").int())
                    && s > b
                {
                    out.push("超预算");
                }
            }
            "measures" if get("status").text() != "done" => out.push("未完全落实"),
            _ => {}
        }
        out
    }
}

/// How many rounds in a row, ending with the latest, a title was received: rounds 7, 8, 9, 10
/// give 4; 5, 7, 8 give 2; none give 0.
pub fn consecutive_rounds(rounds: &[i64]) -> i64 {
    let mut r: Vec<i64> = rounds.to_vec();
    r.sort_unstable();
    r.dedup();
    let mut run = 0;
    let mut expect = None;
    for x in r.iter().rev() {
        match expect {
            Some(e) if *x != e => break,
            _ => {}
        }
        run += 1;
        expect = Some(x - 1);
    }
    run
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    #[test]
    fn amounts_read_and_write_without_floats() {
        for (raw, want) in [
            ("1234.5", Some(123450)),
            ("1,234.56", Some(123456)),
            ("１２３４", Some(123400)),
            ("30000亩", Some(3000000)),
            ("0.05", Some(5)),
            ("1.234", None),
            ("-3", None),
            ("abc", None),
            ("", None),
            (".5", None),
        ] {
            assert_eq!(parse_amount(raw), want, "{raw}");
        }
        assert_eq!(amount_input(123450), "1234.5");
        assert_eq!(amount_input(5), "0.05");
        assert_eq!(amount_display(22_860_000_000), "228,600,000");
        assert_eq!(amount_display(123456), "1,234.56");
        assert_eq!(amount_display(99_900), "999");
    }

    #[test]
    fn every_kind_is_consistent() {
        for k in KINDS {
            assert!(k.index(k.title).is_some(), "{}", k.key);
            for u in k.unique {
                assert!(k.index(u).is_some(), "{} unique {u}", k.key);
            }
            match k.year {
                YearFrom::Year(n) => assert_eq!(k.field(n).map(|f| f.kind), Some(Year), "{}", k.key),
                YearFrom::Date(n) => assert_eq!(k.field(n).map(|f| (f.kind, f.required)), Some((Date, true))),
                YearFrom::Parent => assert!(k.parent().is_some(), "{}", k.key),
            }
            if let Some((_, p)) = k.parent() {
                assert!(kind(p.key).is_some());
            }
            assert_eq!(kind(k.key).map(|x| x.table), Some(k.table));
        }
    }

    #[test]
    fn a_form_is_read_whole_or_refused_with_every_problem() {
        let ok = EVACUATIONS
            .parse(&form(&[
                ("held_on", "2022.5.3"),
                ("operation", " 某任务 "),
                ("people", "1,200"),
                ("accidents", "0"),
            ]))
            .unwrap();
        assert_eq!(ok[0], Val::Date(NaiveDate::from_ymd_opt(2022, 5, 3).unwrap()));
        assert_eq!(ok[1], Val::Text("某任务".into()));
        assert_eq!(ok[3], Val::Int(1200));
        assert_eq!(EVACUATIONS.year_of(&ok), Some(2022));
        let bad = EVACUATIONS.parse(&form(&[("held_on", "昨天"), ("people", "-1")])).unwrap_err();
        assert_eq!(bad.len(), 4, "{bad:?}");
        assert!(bad["operation"].contains("请填写"));
        assert!(bad["held_on"].contains("日期"));
        let bad = PROJECTS
            .parse(&form(&[("year", "24"), ("category", "nope"), ("title", "x"), ("amount", "1"), ("unit", "yuan")]))
            .unwrap_err();
        assert!(bad["year"].contains("四位年份"));
        assert!(bad["category"].contains("选择"));
    }

    #[test]
    fn contributions_need_the_measure_their_kind_counts() {
        let base = [("happened_on", "2023-06-01"), ("title", "助学")];
        let mut p = form(&base);
        p.insert("kind".into(), "student_aid".into());
        p.insert("amount".into(), "2000".into());
        let e = CONTRIBUTIONS.parse(&p).unwrap_err();
        assert!(e.contains_key("people") && !e.contains_key("amount"));
        p.insert("people".into(), "1".into());
        assert!(CONTRIBUTIONS.parse(&p).is_ok());
        let mut p = form(&base);
        p.insert("kind".into(), "patients".into());
        assert!(CONTRIBUTIONS.parse(&p).unwrap_err().contains_key("people"));
    }

    #[test]
    fn terms_do_not_end_before_they_start() {
        let e = GROUPS
            .parse(&form(&[
                ("name", "领导小组"),
                ("kind", "leading_group"),
                ("term_start", "2021-01-01"),
                ("term_end", "2020-12-31"),
            ]))
            .unwrap_err();
        assert!(e.contains_key("term_end"));
    }

    #[test]
    fn late_and_over_budget_items_are_flagged() {
        let today = NaiveDate::from_ymd_opt(2024, 7, 1).unwrap();
        let item = |deadline: &str, state: &str, budget: &str, spent: &str| {
            PLAN_ITEMS
                .parse(&form(&[
                    ("plan_id", "1"),
                    ("side", "county"),
                    ("title", "x"),
                    ("owner", "县交通局"),
                    ("budget", budget),
                    ("spent", spent),
                    ("deadline", deadline),
                    ("state", state),
                ]))
                .unwrap()
        };
        assert_eq!(PLAN_ITEMS.flags(&item("2024-06-30", "in_progress", "100", "50"), today), vec!["逾期"]);
        assert!(PLAN_ITEMS.flags(&item("2024-06-30", "done", "100", "100"), today).is_empty());
        assert!(PLAN_ITEMS.flags(&item("2024-07-01", "planned", "", ""), today).is_empty());
        assert_eq!(PLAN_ITEMS.flags(&item("2024-12-31", "in_progress", "100", "100.01"), today), vec!["超预算"]);
        assert_eq!(PLAN_ITEMS.flags(&item("2024-01-31", "planned", "1", "2"), today), vec!["逾期", "超预算"]);
    }

    #[test]
    fn a_liaison_officer_writes_only_the_troops_side() {
        let vals = |side: &str| {
            let mut v = vec![Val::Null; PLAN_ITEMS.fields.len()];
            v[PLAN_ITEMS.index("side").unwrap()] = Val::Text(side.into());
            v
        };
        assert!(PLAN_ITEMS.may_write_record(Role::TroopLiaison, &vals("troops")));
        assert!(!PLAN_ITEMS.may_write_record(Role::TroopLiaison, &vals("county")));
        assert!(PLAN_ITEMS.may_write_record(Role::CountyClerk, &vals("county")));
        assert!(!PLAN_ITEMS.may_write_record(Role::Leader, &vals("troops")));
        assert!(CONTRIBUTIONS.may_write(Role::TroopLiaison));
        assert!(!MEETINGS.may_write(Role::TroopLiaison));
        assert!(!MEETINGS.may_write(Role::Auditor));
        assert!(MEETINGS.may_write(Role::TownshipClerk));
    }

    #[test]
    fn every_project_category_is_in_one_report_group() {
        for (code, _) in PROJECT_CATEGORIES {
            let n = PROJECT_REPORT_GROUPS.iter().flat_map(|g| g.iter()).filter(|(c, _)| c == code).count();
            assert_eq!(n, 1, "{code}");
        }
        assert_eq!(central_village_name("团结村"), "团结中心村");
        assert_eq!(central_village_name("东关中心村"), "东关中心村");
        assert_eq!(central_village_name("新区社区"), "新区社区中心村");
    }

    #[test]
    fn honours_of_the_1990s_are_recorded() {
        let mut p = BTreeMap::new();
        for (k, v) in [("year", "1996"), ("title", "provincial"), ("round", "1")] {
            p.insert(k.to_owned(), v.to_owned());
        }
        assert!(HONOURS.parse(&p).is_ok());
        p.insert("year".into(), "1948".into());
        assert!(HONOURS.parse(&p).unwrap_err()["year"].contains("1949—2100"));
    }

    #[test]
    fn consecutive_rounds_end_with_the_latest() {
        assert_eq!(consecutive_rounds(&[7, 8, 9, 10]), 4);
        assert_eq!(consecutive_rounds(&[10, 8, 9, 7, 5]), 4);
        assert_eq!(consecutive_rounds(&[5, 7, 8]), 2);
        assert_eq!(consecutive_rounds(&[3]), 1);
        assert_eq!(consecutive_rounds(&[]), 0);
        assert_eq!(consecutive_rounds(&[4, 4, 5]), 2);
    }
}
