//! The benefit programs' rules: who is eligible, from which month, for how much — each verdict with
//! its reasons in Chinese. Pure functions of a person's facts and the standards in force; the store
//! gathers the facts and the standards, the web layer shows the verdict.

use std::fmt;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::dates::Period;
use crate::money::yuan;
use crate::person::{Category, DisabilityCause, DisabilityGrade, PersonStatus, Registration, Relation};

/// The rule a program follows. The seven national programs each have their own kind; a county
/// top-up program reuses one of these kinds with its own standards.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProgramKind {
    DisabilityPension,
    SurvivorPension,
    DemobilizedSubsidy,
    IllReturneeSubsidy,
    WarVeteranSubsidy,
    MartyrElderlyChildSubsidy,
    RuralVeteranElderly,
}

/// How a program's standards table is keyed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Basis {
    /// By disability cause × grade: keys `war/1` … `illness/6`.
    CauseGrade,
    /// By survivor group × registration: keys `martyr_survivor/urban` ….
    SurvivorGroup,
    /// One amount for everyone: the key is empty.
    Flat,
    /// An amount per year of service (a part year counts as a full year): the key is empty.
    PerServiceYear,
}

impl ProgramKind {
    pub const ALL: [ProgramKind; 7] = [
        ProgramKind::DisabilityPension,
        ProgramKind::SurvivorPension,
        ProgramKind::DemobilizedSubsidy,
        ProgramKind::IllReturneeSubsidy,
        ProgramKind::WarVeteranSubsidy,
        ProgramKind::MartyrElderlyChildSubsidy,
        ProgramKind::RuralVeteranElderly,
    ];

    /// The code of the national program of this kind (also the kind's code).
    pub fn code(self) -> &'static str {
        match self {
            ProgramKind::DisabilityPension => "disability_pension",
            ProgramKind::SurvivorPension => "survivor_pension",
            ProgramKind::DemobilizedSubsidy => "demobilized_subsidy",
            ProgramKind::IllReturneeSubsidy => "ill_returnee_subsidy",
            ProgramKind::WarVeteranSubsidy => "war_veteran_subsidy",
            ProgramKind::MartyrElderlyChildSubsidy => "martyr_elderly_child_subsidy",
            ProgramKind::RuralVeteranElderly => "rural_veteran_elderly",
        }
    }

    pub fn from_code(code: &str) -> Option<ProgramKind> {
        ProgramKind::ALL.into_iter().find(|k| k.code() == code)
    }

    /// The national program's name.
    pub fn label(self) -> &'static str {
        match self {
            ProgramKind::DisabilityPension => "残疾抚恤金",
            ProgramKind::SurvivorPension => "三属定期抚恤金",
            ProgramKind::DemobilizedSubsidy => "在乡复员军人定期定量补助",
            ProgramKind::IllReturneeSubsidy => "带病回乡退伍军人定期定量补助",
            ProgramKind::WarVeteranSubsidy => "参战参试退役人员定期补助",
            ProgramKind::MartyrElderlyChildSubsidy => "烈士老年子女定期生活补助",
            ProgramKind::RuralVeteranElderly => "农村籍退役士兵老年生活补助",
        }
    }

    pub fn basis(self) -> Basis {
        match self {
            ProgramKind::DisabilityPension => Basis::CauseGrade,
            ProgramKind::SurvivorPension => Basis::SurvivorGroup,
            ProgramKind::RuralVeteranElderly => Basis::PerServiceYear,
            _ => Basis::Flat,
        }
    }

    /// Whether a program of this kind is one of the national 定期抚恤补助 (the 农村籍退役士兵 subsidy
    /// is only for those who receive none of them).
    pub fn is_periodic_pension(self) -> bool {
        self != ProgramKind::RuralVeteranElderly
    }

    /// The keys of this kind's standards table with their Chinese labels, in table order.
    pub fn standard_keys(self) -> Vec<(String, String)> {
        match self.basis() {
            Basis::CauseGrade => {
                let mut keys = Vec::new();
                for cause in [DisabilityCause::War, DisabilityCause::Duty, DisabilityCause::Illness] {
                    for g in DisabilityGrade::all() {
                        if crate::person::check_grade(cause, g).is_ok() {
                            keys.push((
                                format!("{}/{}", cause.code(), g.get()),
                                format!("{}{}", cause.label(), g.label()),
                            ));
                        }
                    }
                }
                keys
            }
            Basis::SurvivorGroup => {
                let mut keys = Vec::new();
                for c in [Category::MartyrSurvivor, Category::DutyDeathSurvivor, Category::IllnessDeathSurvivor] {
                    for r in [Registration::Urban, Registration::Rural] {
                        keys.push((format!("{}/{}", c.code(), r.code()), format!("{}（{}）", c.label(), r.label())));
                    }
                }
                keys
            }
            Basis::Flat => vec![(String::new(), "每人".to_owned())],
            Basis::PerServiceYear => vec![(String::new(), "每服役1年".to_owned())],
        }
    }

    /// The label of a key of this kind's table (the key itself if unknown).
    pub fn key_label(self, key: &str) -> String {
        self.standard_keys().into_iter().find(|(k, _)| k == key).map_or_else(|| key.to_owned(), |(_, l)| l)
    }
}

impl fmt::Display for ProgramKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// One row of a standards table: from `effective_from` on, `annual_fen` a year for `key`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StandardRow {
    pub key: String,
    pub annual_fen: i64,
    pub effective_from: NaiveDate,
}

/// The row in force for `key` on `day`: the latest that took effect on or before it.
pub fn standard_in_force<'a>(rows: &'a [StandardRow], key: &str, day: NaiveDate) -> Option<&'a StandardRow> {
    rows.iter().filter(|r| r.key == key && r.effective_from <= day).max_by_key(|r| r.effective_from)
}

/// The default day a new standard takes effect: 1 August of its year (every rise since 2018).
pub fn default_effective_date(year: i32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, 8, 1).expect("1 August exists")
}

/// When the 农村籍退役士兵 subsidy starts for someone turning 60 (a setting: *unconfirmed* nationally).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AgeStart {
    /// From the month of the 60th birthday.
    BirthdayMonth,
    /// From the month after the 60th birthday.
    #[default]
    MonthAfter,
}

impl AgeStart {
    pub fn code(self) -> &'static str {
        match self {
            AgeStart::BirthdayMonth => "birthday_month",
            AgeStart::MonthAfter => "month_after",
        }
    }

    pub fn from_code(code: &str) -> Option<AgeStart> {
        match code {
            "birthday_month" => Some(AgeStart::BirthdayMonth),
            "month_after" => Some(AgeStart::MonthAfter),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            AgeStart::BirthdayMonth => "年满60周岁的当月起发放",
            AgeStart::MonthAfter => "年满60周岁的次月起发放",
        }
    }
}

/// The rules' settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RuleSettings {
    pub age_start: AgeStart,
}

/// A category a person holds, as the rules see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CategoryFact {
    pub category: Category,
    pub cause: Option<DisabilityCause>,
    pub grade: Option<DisabilityGrade>,
    pub relation: Option<Relation>,
    /// For 残疾军人: the day the grade was assessed.
    pub since: Option<NaiveDate>,
}

/// What the rules know of a person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Facts {
    pub birth_date: NaiveDate,
    pub registration: Registration,
    pub status: PersonStatus,
    pub status_date: Option<NaiveDate>,
    pub categories: Vec<CategoryFact>,
    /// Periods of service: (enlisted, discharged).
    pub service: Vec<(Option<NaiveDate>, Option<NaiveDate>)>,
    /// National 定期抚恤补助 the person already receives (names of the programs), other than the one judged.
    pub receiving: Vec<String>,
}

impl Facts {
    fn category(&self, c: Category) -> Option<&CategoryFact> {
        self.categories.iter().find(|f| f.category == c)
    }
}

/// The verdict of a rule: eligible or not, why, and for how much.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verdict {
    pub eligible: bool,
    /// Conditions met, in the order checked.
    pub met: Vec<String>,
    /// Conditions not met (empty when eligible).
    pub unmet: Vec<String>,
    /// What a person must still check by hand (e.g. 无劳动能力) — shown, never decided by the rule.
    pub to_check: Vec<String>,
    /// The key of the standards table and the multiplier (years of service, or 1).
    pub key: String,
    pub units: i64,
    /// The annual amount in force on the day judged, if eligible and a standard exists.
    pub annual_fen: Option<i64>,
    /// The first month the rule allows paying from, when the rule sets one (the month after the
    /// 60th birthday, the month after the grade was assessed); `None` sets no limit.
    pub start: Option<Period>,
}

impl Verdict {
    fn new() -> Verdict {
        Verdict {
            eligible: false,
            met: Vec::new(),
            unmet: Vec::new(),
            to_check: Vec::new(),
            key: String::new(),
            units: 1,
            annual_fen: None,
            start: None,
        }
    }

    /// One line: `符合：农村籍；1976年3月入伍（…）；年满60周岁；服役4年（不足一年按一年）→ 每年2880元`.
    pub fn text(&self) -> String {
        if self.eligible {
            let mut s = format!("符合：{}", self.met.join("；"));
            if let Some(a) = self.annual_fen {
                s.push_str(&format!(" → 每年{}元", yuan_short(a)));
            }
            if let Some(p) = self.start {
                s.push_str(&format!("，自{}年{}月起", p.year(), p.month()));
            }
            if !self.to_check.is_empty() {
                s.push_str(&format!("（需人工核实：{}）", self.to_check.join("；")));
            }
            s
        } else {
            let mut s = format!("不符合：{}", self.unmet.join("；"));
            if !self.met.is_empty() {
                s.push_str(&format!("（已满足：{}）", self.met.join("；")));
            }
            s
        }
    }
}

/// `288000` → `2880`, `288050` → `2880.50`: whole yuan written without decimals.
pub fn yuan_short(fen: i64) -> String {
    if fen % 100 == 0 { (fen / 100).to_string() } else { yuan(fen) }
}

/// First enlistment day of the 农村籍退役士兵 window, and its last.
pub const RURAL_WINDOW: (NaiveDate, NaiveDate) =
    (NaiveDate::from_ymd_opt(1954, 11, 1).expect("valid"), NaiveDate::from_ymd_opt(2011, 10, 31).expect("valid"));

/// The last day of enlistment for 在乡复员军人.
pub const DEMOBILIZED_BY: NaiveDate = NaiveDate::from_ymd_opt(1954, 10, 31).expect("valid");

/// The day someone born on `birth` turns `years` (29 February birthdays fall on 1 March).
pub fn birthday(birth: NaiveDate, years: i32) -> NaiveDate {
    let y = birth.year() + years;
    NaiveDate::from_ymd_opt(y, birth.month(), birth.day())
        .unwrap_or_else(|| NaiveDate::from_ymd_opt(y, 3, 1).expect("1 March exists"))
}

/// Whole years of age on `day`.
pub fn age_on(birth: NaiveDate, day: NaiveDate) -> i32 {
    let mut age = day.year() - birth.year();
    if (day.month(), day.day()) < (birth.month(), birth.day()) {
        age -= 1;
    }
    age
}

/// Years of service, a part year counting as a full year: whole months between enlistment and
/// discharge, summed over all periods, then rounded up to years. `None` when a period lacks a date.
pub fn service_years(service: &[(Option<NaiveDate>, Option<NaiveDate>)]) -> Option<i64> {
    if service.is_empty() {
        return None;
    }
    let mut months = 0i64;
    for (from, to) in service {
        let (from, to) = ((*from)?, (*to)?);
        if to < from {
            return None;
        }
        let mut m = i64::from(to.year() - from.year()) * 12 + i64::from(to.month()) - i64::from(from.month());
        if to.day() > from.day() {
            m += 1; // a part month counts as a month, so that a part year counts as a year
        }
        months += m.max(1);
    }
    Some((months + 11) / 12)
}

fn ymd(d: NaiveDate) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

/// Judges `facts` for a program of `kind` on `day`, with the program's standards `rows`.
pub fn evaluate(
    kind: ProgramKind,
    facts: &Facts,
    rows: &[StandardRow],
    day: NaiveDate,
    settings: RuleSettings,
) -> Verdict {
    let mut v = Verdict::new();
    // Status first: the dead and the moved-out are not paid; a suspension stops payment.
    match facts.status {
        PersonStatus::Normal => {}
        PersonStatus::Deceased => {
            let when = facts.status_date.map(|d| format!("于{}", ymd(d))).unwrap_or_default();
            v.unmet.push(format!("已{when}去世（次月起停发）"));
        }
        PersonStatus::Suspended => v.unmet.push("待遇已暂停（恢复后才能发放）".to_owned()),
        PersonStatus::MovedOut => v.unmet.push("已迁出本县".to_owned()),
    }
    let mut start: Option<Period> = None;
    match kind {
        ProgramKind::DisabilityPension => match facts.category(Category::DisabledServiceman) {
            None => v.unmet.push("不是残疾军人（须持有残疾军人类别）".to_owned()),
            Some(c) => match (c.cause, c.grade) {
                (Some(cause), Some(grade)) => match crate::person::check_grade(cause, grade) {
                    Ok(()) => {
                        v.met.push(format!("残疾军人，{}{}", cause.label(), grade.label()));
                        v.key = format!("{}/{}", cause.code(), grade.get());
                        match c.since {
                            Some(d) => {
                                v.met.push(format!("{}评定残疾等级（次月起发放）", ymd(d)));
                                start = Some(Period::of(d).next());
                            }
                            None => v.to_check.push("未填写评残日期，起发月份请核实".to_owned()),
                        }
                    }
                    Err(e) => v.unmet.push(e),
                },
                _ => v.unmet.push("未填写致残原因或残疾等级".to_owned()),
            },
        },
        ProgramKind::SurvivorPension => {
            let survivor = facts.categories.iter().find(|c| c.category.is_survivor());
            match survivor {
                None => v.unmet.push("不是烈士、因公牺牲军人或病故军人遗属".to_owned()),
                Some(c) => {
                    v.met.push(format!("{}（{}）", c.category.label(), facts.registration.label()));
                    v.key = format!("{}/{}", c.category.code(), facts.registration.code());
                    match c.relation {
                        None => v.unmet.push("未填写与军人的关系".to_owned()),
                        Some(Relation::Child) | Some(Relation::Sibling) => {
                            let age = age_on(facts.birth_date, day);
                            if age < 18 {
                                v.met.push(format!("{}，未满18周岁（{age}岁）", c.relation.map_or("", |r| r.label())));
                            } else if c.relation == Some(Relation::Child) {
                                v.met.push(format!("子女，已满18周岁（{age}岁）"));
                                v.to_check.push("须在校就读或因残疾无生活能力".to_owned());
                            } else {
                                v.unmet.push(format!("兄弟姐妹须未满18周岁（现{age}岁）"));
                            }
                        }
                        Some(r) => {
                            v.met.push(r.label().to_owned());
                            v.to_check.push("须无劳动能力、无生活来源或收入低于当地居民平均生活水平".to_owned());
                        }
                    }
                }
            }
        }
        ProgramKind::DemobilizedSubsidy => match facts.category(Category::Demobilized) {
            None => v.unmet.push("不是在乡复员军人".to_owned()),
            Some(_) => {
                v.met.push("在乡复员军人".to_owned());
                match facts.service.iter().filter_map(|s| s.0).min() {
                    Some(d) if d <= DEMOBILIZED_BY => {
                        v.met.push(format!("{}年{}月入伍（1954-10-31及以前）", d.year(), d.month()))
                    }
                    Some(d) => v.unmet.push(format!("{}年{}月入伍，须在1954-10-31及以前入伍", d.year(), d.month())),
                    None => v.unmet.push("未填写入伍日期".to_owned()),
                }
            }
        },
        ProgramKind::IllReturneeSubsidy => match facts.category(Category::IllReturnee) {
            None => v.unmet.push("不是带病回乡退伍军人".to_owned()),
            Some(_) => v.met.push("带病回乡退伍军人".to_owned()),
        },
        ProgramKind::WarVeteranSubsidy => match facts.category(Category::WarVeteran) {
            None => v.unmet.push("不是参战参试退役人员".to_owned()),
            Some(_) => v.met.push("参战参试退役人员".to_owned()),
        },
        ProgramKind::MartyrElderlyChildSubsidy => match facts.category(Category::MartyrElderlyChild) {
            None => v.unmet.push("不是烈士老年子女".to_owned()),
            Some(_) => {
                v.met.push("烈士子女".to_owned());
                age_condition(&mut v, &mut start, facts.birth_date, day, settings);
            }
        },
        ProgramKind::RuralVeteranElderly => {
            match facts.registration {
                Registration::Rural => v.met.push("农村籍".to_owned()),
                Registration::Urban => v.unmet.push("城镇籍（须为农村籍）".to_owned()),
            }
            match facts.service.iter().filter_map(|s| s.0).min() {
                None => v.unmet.push("未填写入伍日期".to_owned()),
                Some(d) => {
                    let window = "1954-11-01至2011-10-31之间";
                    if d < RURAL_WINDOW.0 || d > RURAL_WINDOW.1 {
                        v.unmet.push(format!("{}年{}月入伍（须在{window}）", d.year(), d.month()));
                    } else {
                        v.met.push(format!("{}年{}月入伍（{window}）", d.year(), d.month()));
                    }
                }
            }
            age_condition(&mut v, &mut start, facts.birth_date, day, settings);
            match service_years(&facts.service) {
                Some(y) => {
                    v.met.push(format!("服役{y}年（不足一年按一年）"));
                    v.units = y;
                }
                None => v.unmet.push("服役起止日期不全，无法计算服役年限".to_owned()),
            }
            if facts.receiving.is_empty() {
                v.met.push("未享受国家定期抚恤补助".to_owned());
            } else {
                v.unmet.push(format!("已享受{}", facts.receiving.join("、")));
            }
        }
    }
    v.eligible = v.unmet.is_empty();
    if v.eligible {
        match standard_in_force(rows, &v.key, day) {
            Some(row) => v.annual_fen = Some(row.annual_fen * v.units),
            None => {
                v.eligible = false;
                v.unmet.push(format!("{}没有适用的标准（{}），请先在标准表中录入", ymd(day), kind.key_label(&v.key)));
            }
        }
        v.start = start;
    }
    v
}

fn age_condition(
    v: &mut Verdict,
    start: &mut Option<Period>,
    birth: NaiveDate,
    day: NaiveDate,
    settings: RuleSettings,
) {
    let sixty = birthday(birth, 60);
    let age = age_on(birth, day);
    if sixty <= day {
        v.met.push(format!("年满60周岁（{age}岁）"));
    } else {
        v.unmet.push(format!("未满60周岁（{age}岁，{}年满60周岁）", ymd(sixty)));
    }
    let first = match settings.age_start {
        AgeStart::BirthdayMonth => Period::of(sixty),
        AgeStart::MonthAfter => Period::of(sixty).next(),
    };
    *start = Some(start.map_or(first, |s| s.max(first)));
}

/// The states of an application, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ApplicationStatus {
    /// Submitted by a village contact or township clerk; waits for the township's review.
    Submitted,
    /// Reviewed by the township; waits for the county's decision.
    Reviewed,
    Approved,
    Rejected,
}

impl ApplicationStatus {
    pub fn code(self) -> &'static str {
        match self {
            ApplicationStatus::Submitted => "submitted",
            ApplicationStatus::Reviewed => "reviewed",
            ApplicationStatus::Approved => "approved",
            ApplicationStatus::Rejected => "rejected",
        }
    }

    pub fn from_code(code: &str) -> Option<ApplicationStatus> {
        [Self::Submitted, Self::Reviewed, Self::Approved, Self::Rejected].into_iter().find(|s| s.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            ApplicationStatus::Submitted => "待乡镇审核",
            ApplicationStatus::Reviewed => "待县级审批",
            ApplicationStatus::Approved => "已批准",
            ApplicationStatus::Rejected => "已驳回",
        }
    }
}

/// A step of an application's workflow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Review,
    Approve,
    Reject,
}

/// Whether `step` may be taken from `from`, and if so the state it leads to; otherwise the reason
/// in Chinese. Four eyes: `by_submitter` is whether the one taking the step submitted it.
pub fn application_step(from: ApplicationStatus, step: Step, by_submitter: bool) -> Result<ApplicationStatus, String> {
    use ApplicationStatus::*;
    if by_submitter {
        return Err("不能审核或审批自己提交的申请，请由其他工作人员办理".to_owned());
    }
    match (from, step) {
        (Submitted, Step::Review) => Ok(Reviewed),
        (Submitted, Step::Reject) | (Reviewed, Step::Reject) => Ok(Rejected),
        (Reviewed, Step::Approve) => Ok(Approved),
        (Submitted, Step::Approve) => Err("申请尚未经乡镇审核，请先由乡镇审核后再审批".to_owned()),
        (Reviewed, Step::Review) => Err("申请已审核过，正在等待县级审批".to_owned()),
        (Approved | Rejected, _) => Err(format!("申请已{}，不能再办理", from.label().trim_start_matches('已'))),
    }
}

/// A payment cycle's states.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CycleStatus {
    /// Lines computed and frozen; waits for approval by someone other than who ran it.
    Computed,
    Approved,
    /// The bank file was written; the bank's return file marks lines paid or failed.
    Exported,
}

impl CycleStatus {
    pub fn code(self) -> &'static str {
        match self {
            CycleStatus::Computed => "computed",
            CycleStatus::Approved => "approved",
            CycleStatus::Exported => "exported",
        }
    }

    pub fn from_code(code: &str) -> Option<CycleStatus> {
        [Self::Computed, Self::Approved, Self::Exported].into_iter().find(|s| s.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            CycleStatus::Computed => "待审批",
            CycleStatus::Approved => "已审批，待导出",
            CycleStatus::Exported => "已导出银行文件",
        }
    }
}

/// The kinds of payment line.
pub fn line_kind_label(kind: &str) -> &'static str {
    match kind {
        "regular" => "当月发放",
        "backpay" => "补发",
        "retry" => "重发（上次失败）",
        _ => "其他",
    }
}

pub fn line_status_label(status: &str) -> &'static str {
    match status {
        "pending" => "待发放",
        "paid" => "已到账",
        "failed" => "发放失败",
        _ => "未知",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn rural_rows() -> Vec<StandardRow> {
        vec![
            StandardRow { key: String::new(), annual_fen: 64800, effective_from: d("2022-08-01") },
            StandardRow { key: String::new(), annual_fen: 68800, effective_from: d("2023-08-01") },
            StandardRow { key: String::new(), annual_fen: 72000, effective_from: d("2024-08-01") },
        ]
    }

    fn veteran(birth: &str, reg: Registration, enlisted: &str, discharged: &str) -> Facts {
        Facts {
            birth_date: d(birth),
            registration: reg,
            status: PersonStatus::Normal,
            status_date: None,
            categories: vec![],
            service: vec![(Some(d(enlisted)), Some(d(discharged)))],
            receiving: vec![],
        }
    }

    #[test]
    fn the_issue_example_reads_as_written() {
        let f = veteran("1958-05-10", Registration::Rural, "1976-03-01", "1980-01-15");
        let v = evaluate(ProgramKind::RuralVeteranElderly, &f, &rural_rows(), d("2024-09-01"), RuleSettings::default());
        assert!(v.eligible, "{}", v.text());
        assert_eq!(v.annual_fen, Some(288000));
        assert!(
            v.text().starts_with(
                "符合：农村籍；1976年3月入伍（1954-11-01至2011-10-31之间）；年满60周岁（66岁）；服役4年（不足一年按一年）；未享受国家定期抚恤补助 → 每年2880元"
            ),
            "{}",
            v.text()
        );
        assert_eq!(v.units, 4);
        assert_eq!(v.start, Some(Period::new(2018, 6).unwrap()));
    }

    #[test]
    fn rural_veteran_window_boundaries() {
        let day = d("2024-09-01");
        for (enlisted, ok) in [("1954-10-31", false), ("1954-11-01", true), ("2011-10-31", true), ("2011-11-01", false)]
        {
            let f = veteran("1930-01-01", Registration::Rural, enlisted, "2013-12-01");
            let f = if enlisted.starts_with("2011") { Facts { birth_date: d("1960-01-01"), ..f } } else { f };
            let v = evaluate(ProgramKind::RuralVeteranElderly, &f, &rural_rows(), day, RuleSettings::default());
            assert_eq!(v.eligible, ok, "{enlisted}: {}", v.text());
            if !ok {
                assert!(v.unmet.iter().any(|u| u.contains("入伍（须在1954-11-01至2011-10-31之间）")), "{:?}", v.unmet);
            }
        }
    }

    #[test]
    fn rural_veteran_age_boundary_and_start_setting() {
        let f = veteran("1964-09-15", Registration::Rural, "1982-10-01", "1985-10-01");
        let rows = rural_rows();
        let before = evaluate(ProgramKind::RuralVeteranElderly, &f, &rows, d("2024-09-14"), RuleSettings::default());
        assert!(!before.eligible);
        assert!(before.unmet[0].starts_with("未满60周岁（59岁，2024年9月15日年满60周岁）"), "{:?}", before.unmet);
        let on = evaluate(ProgramKind::RuralVeteranElderly, &f, &rows, d("2024-09-15"), RuleSettings::default());
        assert!(on.eligible, "{}", on.text());
        assert_eq!(on.start, Some(Period::new(2024, 10).unwrap()));
        let same_month = RuleSettings { age_start: AgeStart::BirthdayMonth };
        let on = evaluate(ProgramKind::RuralVeteranElderly, &f, &rows, d("2024-09-15"), same_month);
        assert_eq!(on.start, Some(Period::new(2024, 9).unwrap()));
        // exactly 3 years of service is 3, one day more is 4
        assert_eq!(on.units, 3);
        assert_eq!(on.annual_fen, Some(216000));
    }

    #[test]
    fn part_years_count_as_full_years() {
        let s = |a: &str, b: &str| vec![(Some(d(a)), Some(d(b)))];
        assert_eq!(service_years(&s("1976-03-01", "1979-03-01")), Some(3));
        assert_eq!(service_years(&s("1976-03-01", "1979-03-02")), Some(4));
        assert_eq!(service_years(&s("1976-03-01", "1976-03-20")), Some(1));
        assert_eq!(service_years(&s("1976-03-15", "1980-02-10")), Some(4));
        // two periods add their months before rounding
        let two = vec![(Some(d("1970-01-01")), Some(d("1971-07-01"))), (Some(d("1972-01-01")), Some(d("1973-07-01")))];
        assert_eq!(service_years(&two), Some(3));
        assert_eq!(service_years(&[(Some(d("1970-01-01")), None)]), None);
        assert_eq!(service_years(&[]), None);
    }

    #[test]
    fn urban_registration_and_other_pensions_exclude() {
        let day = d("2024-09-01");
        let urban = veteran("1950-01-01", Registration::Urban, "1970-01-01", "1975-01-01");
        let v = evaluate(ProgramKind::RuralVeteranElderly, &urban, &rural_rows(), day, RuleSettings::default());
        assert!(!v.eligible);
        assert_eq!(v.unmet, vec!["城镇籍（须为农村籍）".to_owned()]);
        let mut receiving = veteran("1950-01-01", Registration::Rural, "1970-01-01", "1975-01-01");
        receiving.receiving = vec!["残疾抚恤金".to_owned()];
        let v = evaluate(ProgramKind::RuralVeteranElderly, &receiving, &rural_rows(), day, RuleSettings::default());
        assert_eq!(v.unmet, vec!["已享受残疾抚恤金".to_owned()]);
    }

    #[test]
    fn death_and_suspension_exclude() {
        let day = d("2024-09-01");
        let mut f = veteran("1950-01-01", Registration::Rural, "1970-01-01", "1975-01-01");
        f.status = PersonStatus::Deceased;
        f.status_date = Some(d("2024-05-03"));
        let v = evaluate(ProgramKind::RuralVeteranElderly, &f, &rural_rows(), day, RuleSettings::default());
        assert!(!v.eligible);
        assert_eq!(v.unmet[0], "已于2024年5月3日去世（次月起停发）");
        f.status = PersonStatus::Suspended;
        let v = evaluate(ProgramKind::RuralVeteranElderly, &f, &rural_rows(), day, RuleSettings::default());
        assert!(v.text().starts_with("不符合：待遇已暂停"), "{}", v.text());
    }

    #[test]
    fn standards_take_effect_on_their_date() {
        let f = veteran("1950-01-01", Registration::Rural, "1970-01-01", "1971-01-01");
        let rows = rural_rows();
        let at = |day: &str| {
            evaluate(ProgramKind::RuralVeteranElderly, &f, &rows, d(day), RuleSettings::default()).annual_fen
        };
        assert_eq!(at("2024-07-31"), Some(68800));
        assert_eq!(at("2024-08-01"), Some(72000));
        assert_eq!(at("2023-07-31"), Some(64800));
        let early = evaluate(ProgramKind::RuralVeteranElderly, &f, &rows, d("2022-07-31"), RuleSettings::default());
        assert!(!early.eligible);
        assert!(early.unmet[0].contains("没有适用的标准"), "{:?}", early.unmet);
    }

    #[test]
    fn disability_pension_by_cause_and_grade() {
        let rows = vec![StandardRow { key: "war/6".into(), annual_fen: 5_236_800, effective_from: d("2024-08-01") }];
        let facts = |cause, grade: u8, since: Option<&str>| Facts {
            birth_date: d("1980-01-01"),
            registration: Registration::Urban,
            status: PersonStatus::Normal,
            status_date: None,
            categories: vec![CategoryFact {
                category: Category::DisabledServiceman,
                cause: Some(cause),
                grade: Some(DisabilityGrade::new(grade).unwrap()),
                relation: None,
                since: since.map(d),
            }],
            service: vec![],
            receiving: vec![],
        };
        let v = evaluate(
            ProgramKind::DisabilityPension,
            &facts(DisabilityCause::War, 6, Some("2024-08-20")),
            &rows,
            d("2024-09-01"),
            RuleSettings::default(),
        );
        assert!(v.eligible, "{}", v.text());
        assert_eq!(v.key, "war/6");
        assert_eq!(v.annual_fen, Some(5_236_800));
        assert_eq!(v.start, Some(Period::new(2024, 9).unwrap()));
        let v = evaluate(
            ProgramKind::DisabilityPension,
            &facts(DisabilityCause::Illness, 8, None),
            &rows,
            d("2024-09-01"),
            RuleSettings::default(),
        );
        assert!(!v.eligible);
        let none = Facts { categories: vec![], ..facts(DisabilityCause::War, 6, None) };
        let v = evaluate(ProgramKind::DisabilityPension, &none, &rows, d("2024-09-01"), RuleSettings::default());
        assert!(v.text().starts_with("不符合：不是残疾军人"));
    }

    #[test]
    fn survivors_children_under_18() {
        let rows = vec![StandardRow {
            key: "martyr_survivor/rural".into(),
            annual_fen: 2_872_600,
            effective_from: d("2024-08-01"),
        }];
        let child = |birth: &str, relation| Facts {
            birth_date: d(birth),
            registration: Registration::Rural,
            status: PersonStatus::Normal,
            status_date: None,
            categories: vec![CategoryFact {
                category: Category::MartyrSurvivor,
                cause: None,
                grade: None,
                relation: Some(relation),
                since: None,
            }],
            service: vec![],
            receiving: vec![],
        };
        let day = d("2024-09-01");
        let v = evaluate(
            ProgramKind::SurvivorPension,
            &child("2010-01-01", Relation::Child),
            &rows,
            day,
            RuleSettings::default(),
        );
        assert!(v.eligible && v.to_check.is_empty(), "{}", v.text());
        let v = evaluate(
            ProgramKind::SurvivorPension,
            &child("2000-01-01", Relation::Child),
            &rows,
            day,
            RuleSettings::default(),
        );
        assert!(v.eligible && !v.to_check.is_empty(), "{}", v.text());
        let v = evaluate(
            ProgramKind::SurvivorPension,
            &child("2000-01-01", Relation::Sibling),
            &rows,
            day,
            RuleSettings::default(),
        );
        assert!(!v.eligible);
        let v = evaluate(
            ProgramKind::SurvivorPension,
            &child("1950-01-01", Relation::Parent),
            &rows,
            day,
            RuleSettings::default(),
        );
        assert!(v.eligible && v.text().contains("需人工核实"), "{}", v.text());
    }

    #[test]
    fn demobilized_by_1954_10_31() {
        let rows = vec![StandardRow { key: String::new(), annual_fen: 3_182_500, effective_from: d("2024-08-01") }];
        let f = |enlisted: &str| Facts {
            birth_date: d("1932-01-01"),
            registration: Registration::Rural,
            status: PersonStatus::Normal,
            status_date: None,
            categories: vec![CategoryFact {
                category: Category::Demobilized,
                cause: None,
                grade: None,
                relation: None,
                since: None,
            }],
            service: vec![(Some(d(enlisted)), Some(d("1957-01-01")))],
            receiving: vec![],
        };
        let day = d("2024-09-01");
        assert!(
            evaluate(ProgramKind::DemobilizedSubsidy, &f("1954-10-31"), &rows, day, RuleSettings::default()).eligible
        );
        assert!(
            !evaluate(ProgramKind::DemobilizedSubsidy, &f("1954-11-01"), &rows, day, RuleSettings::default()).eligible
        );
    }

    #[test]
    fn workflow_steps_and_four_eyes() {
        use ApplicationStatus::*;
        assert_eq!(application_step(Submitted, Step::Review, false), Ok(Reviewed));
        assert_eq!(application_step(Reviewed, Step::Approve, false), Ok(Approved));
        assert_eq!(application_step(Reviewed, Step::Reject, false), Ok(Rejected));
        assert_eq!(application_step(Submitted, Step::Reject, false), Ok(Rejected));
        assert!(application_step(Submitted, Step::Approve, false).unwrap_err().contains("先由乡镇审核"));
        assert!(application_step(Reviewed, Step::Approve, true).unwrap_err().contains("自己提交"));
        assert!(application_step(Approved, Step::Reject, false).unwrap_err().contains("已批准"));
        assert!(application_step(Rejected, Step::Approve, false).is_err());
    }

    #[test]
    fn every_kind_has_keys_and_codes_round_trip() {
        for k in ProgramKind::ALL {
            assert_eq!(ProgramKind::from_code(k.code()), Some(k));
            assert!(!k.standard_keys().is_empty());
        }
        // 因病 stops at grade 6: 10 + 10 + 6 keys.
        assert_eq!(ProgramKind::DisabilityPension.standard_keys().len(), 26);
        assert_eq!(ProgramKind::DisabilityPension.key_label("war/1"), "因战一级");
    }

    #[test]
    fn birthdays_on_29_february() {
        assert_eq!(birthday(d("1964-02-29"), 60), d("2024-02-29"));
        assert_eq!(birthday(d("1964-02-29"), 61), d("2025-03-01"));
        assert_eq!(age_on(d("1964-09-15"), d("2024-09-14")), 59);
        assert_eq!(age_on(d("1964-09-15"), d("2024-09-15")), 60);
    }
}
