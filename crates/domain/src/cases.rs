//! 帮扶服务: the rules of assistance cases — housing (住房保障) and its states, medical aid
//! (医疗救助) and how much a claim gets, placement (安置) and the training rate (培训率), priority
//! windows (优先窗口), preferential treatments (优待), and which evidence files are accepted.
//! Pure functions and coded values; the store keeps the records, the web layer shows them.

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::person::{LabelError, coded_enum, label_key};

coded_enum! {
    /// How a household's housing need is solved.
    pub enum HousingWay ("解决方式") {
        Build => "build", "建", ["新建", "建房", "自建"];
        Lend => "lend", "借", ["借住", "借房"];
        Rent => "rent", "租", ["租房", "租赁", "公租房"];
        Repair => "repair", "维修", ["修缮", "维修加固", "危房改造"];
    }
}

coded_enum! {
    /// The states of a housing case: 登记 → 评估 → 批准 → 实施 → 完成, or 驳回.
    pub enum HousingState ("住房保障状态") {
        Registered => "registered", "登记", [];
        Assessed => "assessed", "评估", ["已评估"];
        Approved => "approved", "批准", ["已批准"];
        InProgress => "in_progress", "实施", ["实施中"];
        Completed => "completed", "完成", ["已完成", "已解决"];
        Rejected => "rejected", "驳回", ["已驳回", "不予批准"];
    }
}

impl HousingState {
    /// The states a case may move to from this one.
    pub fn next(self) -> &'static [HousingState] {
        use HousingState::*;
        match self {
            Registered => &[Assessed, Rejected],
            Assessed => &[Approved, Rejected],
            Approved => &[InProgress, Rejected],
            InProgress => &[Completed],
            Completed | Rejected => &[],
        }
    }

    /// Whether the case is closed (no further change).
    pub fn is_final(self) -> bool {
        self.next().is_empty()
    }

    /// The move to `to`, or a Chinese sentence saying why not and what may come next.
    pub fn transition(self, to: HousingState) -> Result<HousingState, String> {
        if self.next().contains(&to) {
            return Ok(to);
        }
        if self.is_final() {
            return Err(format!(
                "该住房保障案件已{}，不能再改为“{}”；如需重新办理，请新登记一件",
                self.label(),
                to.label()
            ));
        }
        let allowed: Vec<&str> = self.next().iter().map(|s| s.label()).collect();
        Err(format!(
            "住房保障案件当前为“{}”，不能直接改为“{}”；下一步只能是：{}",
            self.label(),
            to.label(),
            allowed.join("、")
        ))
    }
}

coded_enum! {
    /// The states of a medical aid claim. Approval draws the aid from the fund.
    pub enum ClaimState ("救助申请状态") {
        Submitted => "submitted", "待审核", ["已提交"];
        Approved => "approved", "已批准", ["批准"];
        Rejected => "rejected", "未批准", ["驳回", "不予批准"];
    }
}

impl ClaimState {
    pub fn next(self) -> &'static [ClaimState] {
        match self {
            ClaimState::Submitted => &[ClaimState::Approved, ClaimState::Rejected],
            ClaimState::Approved | ClaimState::Rejected => &[],
        }
    }

    pub fn transition(self, to: ClaimState) -> Result<ClaimState, String> {
        if self.next().contains(&to) {
            return Ok(to);
        }
        Err(match self {
            ClaimState::Approved => format!("该救助申请已批准并已从基金中支出，不能再改为“{}”", to.label()),
            ClaimState::Rejected => format!("该救助申请已驳回，不能再改为“{}”；如情况有变，请重新提交申请", to.label()),
            ClaimState::Submitted => format!("待审核的申请只能批准或驳回，不能改为“{}”", to.label()),
        })
    }
}

/// Money as written on forms and reports: 元 with two decimals, from integer fen.
pub fn yuan(fen: i64) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    let a = fen.unsigned_abs();
    format!("{sign}{}.{:02}", a / 100, a % 100)
}

/// Reads an amount in 元 (`1234`, `1234.5`, `1,234.56`, `１２３４`) into fen. Negative amounts and
/// more than two decimals are refused.
pub fn parse_yuan(raw: &str) -> Result<i64, String> {
    let s: String = crate::width::to_half_width(raw).chars().filter(|c| !c.is_whitespace() && *c != ',').collect();
    let s = s.trim_end_matches('元');
    if s.is_empty() {
        return Err("请填写金额（元），如 1200 或 1200.50".into());
    }
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    if int.is_empty() && frac.is_empty()
        || !int.chars().all(|c| c.is_ascii_digit())
        || !frac.chars().all(|c| c.is_ascii_digit())
    {
        return Err(format!("金额“{raw}”不是数字，请填写元，如 1200 或 1200.50"));
    }
    if frac.len() > 2 {
        return Err(format!("金额“{raw}”最多两位小数（到分）"));
    }
    if int.len() > 13 {
        return Err(format!("金额“{raw}”过大，请核对"));
    }
    let whole: i64 =
        if int.is_empty() { 0 } else { int.parse().map_err(|_| format!("金额“{raw}”过大，请核对"))? };
    let cents: i64 = format!("{frac:0<2}").parse().unwrap_or(0);
    Ok(whole * 100 + cents)
}

/// How a fund pays medical aid: a share of the self-paid part, at most a yearly amount per person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct AidRule {
    /// The share of the self-paid part, in basis points (5000 = 50%).
    pub share_bp: u32,
    /// At most this much per person and calendar year, in fen.
    pub yearly_cap_fen: i64,
}

impl AidRule {
    pub fn share_label(&self) -> String {
        let whole = self.share_bp / 100;
        let frac = self.share_bp % 100;
        if frac == 0 { format!("{whole}%") } else { format!("{}%", format!("{whole}.{frac:02}").trim_end_matches('0')) }
    }

    pub fn validate(&self) -> Result<(), String> {
        if self.share_bp == 0 || self.share_bp > 10_000 {
            return Err("救助比例应在 0 到 100% 之间（不含 0），如 50".into());
        }
        if self.yearly_cap_fen <= 0 {
            return Err("每人每年救助上限应大于 0 元".into());
        }
        Ok(())
    }
}

/// The aid a claim gets, with the reasons shown to the clerk and kept with the claim.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Aid {
    pub self_paid_fen: i64,
    pub amount_fen: i64,
    pub reasons: Vec<String>,
}

/// The aid for a hospital stay: `rule.share` of what insurance left to pay, cut to what remains
/// of the person's yearly cap after `approved_this_year_fen`.
pub fn compute_aid(
    total_fen: i64,
    insurance_fen: i64,
    approved_this_year_fen: i64,
    rule: AidRule,
) -> Result<Aid, String> {
    rule.validate()?;
    if total_fen <= 0 {
        return Err("住院总费用应大于 0 元".into());
    }
    if insurance_fen < 0 {
        return Err("医保报销金额不能为负数".into());
    }
    if insurance_fen > total_fen {
        return Err(format!(
            "医保报销 {} 元超过了住院总费用 {} 元，请核对结算单",
            yuan(insurance_fen),
            yuan(total_fen)
        ));
    }
    let self_paid = total_fen - insurance_fen;
    let share = (i128::from(self_paid) * i128::from(rule.share_bp) / 10_000) as i64;
    let room = (rule.yearly_cap_fen - approved_this_year_fen).max(0);
    let amount = share.min(room);
    let mut reasons = vec![
        format!(
            "个人自付 {} 元 = 住院总费用 {} 元 − 医保报销 {} 元",
            yuan(self_paid),
            yuan(total_fen),
            yuan(insurance_fen)
        ),
        format!("按自付部分的 {} 计 {} 元", rule.share_label(), yuan(share)),
        format!(
            "本年度已获批救助 {} 元，每人每年上限 {} 元，尚可救助 {} 元",
            yuan(approved_this_year_fen),
            yuan(rule.yearly_cap_fen),
            yuan(room)
        ),
    ];
    if share > room {
        reasons.push(format!("超过年度上限，按尚可救助的 {} 元核定", yuan(room)));
    }
    reasons.push(format!("核定救助 {} 元", yuan(amount)));
    Ok(Aid { self_paid_fen: self_paid, amount_fen: amount, reasons })
}

coded_enum! {
    /// How a discharged serviceman is placed (安置方式).
    pub enum PlacementWay ("安置方式") {
        SelfEmployed => "self_employed", "自主就业", ["自谋职业", "一次性退役金"];
        Assigned => "assigned", "安排工作", ["安置工作"];
        Retired => "retired", "退休", [];
        Supported => "supported", "供养", [];
        MonthlyPension => "monthly_pension", "逐月领取退役金", ["逐月退役金"];
        Transferred => "transferred", "转业", ["军官转业"];
        Demobilized => "demobilized", "复员", ["军官复员"];
    }
}

impl PlacementWay {
    /// 自主就业 veterans are owed one free vocational course: they count in the training rate.
    pub fn due_training(self) -> bool {
        self == PlacementWay::SelfEmployed
    }

    /// Ways by which the government must find the person a post or a pension; the county reports
    /// that all of them are placed (转业士官, 城镇退役士兵 安排工作, 转业 officers …).
    pub fn government_placed(self) -> bool {
        matches!(
            self,
            PlacementWay::Assigned | PlacementWay::Transferred | PlacementWay::Retired | PlacementWay::Supported
        )
    }
}

coded_enum! {
    pub enum PlacementState ("安置状态") {
        Pending => "pending", "待安置", ["未安置"];
        Placed => "placed", "已安置", ["安置"];
    }
}

coded_enum! {
    /// The result of one enrolment in a training course.
    pub enum TrainingResult ("培训结果") {
        Enrolled => "enrolled", "在训", ["报名", "已报名"];
        Passed => "passed", "结业", ["合格", "已结业", "取得证书"];
        Failed => "failed", "未结业", ["不合格"];
    }
}

impl TrainingResult {
    /// Whether the enrolment counts as trained for the rate.
    pub fn trained(self) -> bool {
        self == TrainingResult::Passed
    }
}

/// A share such as the training rate (trained ÷ those due) or the placement rate. `None` percent
/// when nobody is due: "no one to train" is not 0% and not 100%.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Rate {
    pub done: u64,
    pub due: u64,
}

impl Rate {
    /// Refuses more done than due (a counting mistake upstream).
    pub fn new(done: u64, due: u64) -> Result<Rate, String> {
        if done > due {
            return Err(format!("已完成 {done} 人多于应完成 {due} 人，统计口径有误"));
        }
        Ok(Rate { done, due })
    }

    /// Basis points (10000 = 100%), rounded half up; `None` when nobody is due.
    pub fn basis_points(&self) -> Option<u64> {
        (self.due > 0).then(|| (self.done * 10_000 * 2 + self.due) / (self.due * 2))
    }

    /// `100%`, `87.5%`, or `—` when nobody is due.
    pub fn label(&self) -> String {
        match self.basis_points() {
            None => "—".into(),
            Some(bp) if bp % 100 == 0 => format!("{}%", bp / 100),
            Some(bp) => {
                let s = format!("{}.{:02}", bp / 100, bp % 100);
                format!("{}%", s.trim_end_matches('0'))
            }
        }
    }

    pub fn outstanding(&self) -> u64 {
        self.due - self.done
    }
}

impl fmt::Display for Rate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.label())
    }
}

/// The training rate of a set of placements: those due are the 自主就业 veterans discharged in
/// `[from, to]`; trained are those among them with a passed course (`trained(person)`).
pub fn training_rate<'a>(
    placements: impl IntoIterator<Item = (&'a PlacementWay, NaiveDate, bool)>,
    from: NaiveDate,
    to: NaiveDate,
) -> Rate {
    let mut due = 0;
    let mut done = 0;
    for (way, discharged, trained) in placements {
        if way.due_training() && discharged >= from && discharged <= to {
            due += 1;
            if trained {
                done += 1;
            }
        }
    }
    Rate { done, due }
}

coded_enum! {
    /// Kinds of priority windows and services (军人依法优先).
    pub enum WindowKind ("窗口类别") {
        Mall => "mall", "商场", ["超市", "商超"];
        Bank => "bank", "银行", ["信用社", "农商行"];
        Station => "station", "车站", ["汽车站", "火车站", "客运站"];
        Hospital => "hospital", "医院", ["卫生院"];
        Hall => "hall", "政务大厅", ["便民服务中心", "政务服务中心"];
        Scenic => "scenic", "景区", ["公园", "景点"];
        Other => "other", "其他", [];
    }
}

coded_enum! {
    /// Preferential treatments recorded per person (优待).
    pub enum TreatmentKind ("优待项目") {
        Relief => "relief", "救助", ["帮扶", "困难救助"];
        Training => "training", "培训", ["技能培训"];
        Employment => "employment", "就业", ["就业推荐", "招聘"];
        Schooling => "schooling", "升学", ["入学", "教育"];
        Marriage => "marriage", "婚姻", ["婚恋"];
        Medical => "medical", "医疗", ["就医"];
        Transport => "transport", "交通", ["乘车"];
        Other => "other", "其他", [];
    }
}

/// The kinds of evidence file accepted, recognised by their content, never by their name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum FileKind {
    Pdf,
    Jpeg,
    Png,
    Xlsx,
    Docx,
}

impl FileKind {
    pub fn mime(self) -> &'static str {
        match self {
            FileKind::Pdf => "application/pdf",
            FileKind::Jpeg => "image/jpeg",
            FileKind::Png => "image/png",
            FileKind::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            FileKind::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            FileKind::Pdf => "pdf",
            FileKind::Jpeg => "jpg",
            FileKind::Png => "png",
            FileKind::Xlsx => "xlsx",
            FileKind::Docx => "docx",
        }
    }

    pub fn from_mime(m: &str) -> Option<FileKind> {
        [FileKind::Pdf, FileKind::Jpeg, FileKind::Png, FileKind::Xlsx, FileKind::Docx]
            .into_iter()
            .find(|k| k.mime() == m)
    }

    /// Reads the first bytes: PDF, JPEG and PNG by their signature; XLSX and DOCX are ZIP files
    /// whose first entries name `xl/` or `word/` parts.
    pub fn sniff(bytes: &[u8]) -> Option<FileKind> {
        if bytes.starts_with(b"%PDF-") {
            return Some(FileKind::Pdf);
        }
        if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            return Some(FileKind::Jpeg);
        }
        if bytes.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
            return Some(FileKind::Png);
        }
        if bytes.starts_with(b"PK\x03\x04") {
            // The local file headers carry entry names in clear: look at the start of the file.
            let head = &bytes[..bytes.len().min(64 * 1024)];
            let has = |needle: &[u8]| head.windows(needle.len()).any(|w| w == needle);
            if has(b"[Content_Types].xml") || has(b"_rels/") {
                if has(b"xl/") {
                    return Some(FileKind::Xlsx);
                }
                if has(b"word/") {
                    return Some(FileKind::Docx);
                }
            }
        }
        None
    }
}

/// Checks an uploaded evidence file: not empty, at most `max_bytes`, one of the accepted kinds
/// by content. The message says what to do.
pub fn check_attachment(bytes: &[u8], max_bytes: usize) -> Result<FileKind, String> {
    if bytes.is_empty() {
        return Err("请选择要上传的证明材料文件".into());
    }
    if bytes.len() > max_bytes {
        return Err(format!(
            "文件大小 {:.1} MB 超过上限 {} MB，请压缩或分开上传",
            bytes.len() as f64 / 1_048_576.0,
            max_bytes >> 20
        ));
    }
    FileKind::sniff(bytes).ok_or_else(|| {
        "只接受 PDF、JPEG、PNG、XLSX、DOCX 格式的证明材料（按文件内容识别，改扩展名无效），请转换格式后再上传".into()
    })
}

/// A file name safe to keep and to send back: no path, no control characters, at most 120 chars.
pub fn clean_file_name(raw: &str, kind: FileKind) -> String {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or("");
    let mut name: String = base
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '"' | '<' | '>' | '|' | ':' | '*' | '?'))
        .take(120)
        .collect();
    name = name.trim().to_owned();
    if name.is_empty() || name.starts_with('.') {
        name = format!("证明材料.{}", kind.extension());
    }
    name
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn housing_states_move_only_forward_or_to_rejected() {
        use HousingState::*;
        let table: &[(HousingState, HousingState, bool)] = &[
            (Registered, Assessed, true),
            (Registered, Rejected, true),
            (Registered, Approved, false),
            (Registered, Completed, false),
            (Assessed, Approved, true),
            (Assessed, Rejected, true),
            (Assessed, InProgress, false),
            (Approved, InProgress, true),
            (Approved, Rejected, true),
            (Approved, Completed, false),
            (InProgress, Completed, true),
            (InProgress, Rejected, false),
            (InProgress, Registered, false),
            (Completed, InProgress, false),
            (Completed, Rejected, false),
            (Rejected, Registered, false),
            (Rejected, Assessed, false),
            (Registered, Registered, false),
        ];
        for (from, to, ok) in table {
            let r = from.transition(*to);
            assert_eq!(r.is_ok(), *ok, "{from:?} → {to:?}: {r:?}");
            if let Err(m) = r {
                assert!(m.contains(to.label()), "{m}");
            }
        }
        assert!(Registered.transition(Completed).unwrap_err().contains("下一步只能是：评估、驳回"));
        assert!(Completed.transition(Rejected).unwrap_err().contains("已完成"));
    }

    #[test]
    fn claims_are_decided_once() {
        use ClaimState::*;
        for (from, to, ok) in [
            (Submitted, Approved, true),
            (Submitted, Rejected, true),
            (Submitted, Submitted, false),
            (Approved, Rejected, false),
            (Approved, Approved, false),
            (Rejected, Approved, false),
        ] {
            assert_eq!(from.transition(to).is_ok(), ok, "{from:?} → {to:?}");
        }
        assert!(Approved.transition(Rejected).unwrap_err().contains("已从基金中支出"));
    }

    #[test]
    fn yuan_round_trips() {
        for (raw, fen) in [
            ("0", 0),
            ("1", 100),
            ("1.5", 150),
            ("1.05", 105),
            ("500000", 50_000_000),
            ("1,234.56", 123_456),
            ("１２３元", 12_300),
            (".5", 50),
        ] {
            assert_eq!(parse_yuan(raw), Ok(fen), "{raw}");
        }
        for bad in ["", "-1", "1.234", "abc", "1.2.3", ".", "12345678901234"] {
            assert!(parse_yuan(bad).is_err(), "{bad}");
        }
        assert_eq!(yuan(123_456), "1234.56");
        assert_eq!(yuan(5), "0.05");
        assert_eq!(yuan(-150), "-1.50");
    }

    #[test]
    fn aid_is_a_share_of_the_self_paid_part_within_the_yearly_cap() {
        let rule = AidRule { share_bp: 5000, yearly_cap_fen: 1_000_000 };
        // (total, insurance, already this year) → aid
        let table: &[(i64, i64, i64, i64)] = &[
            (2_000_000, 1_200_000, 0, 400_000),
            (2_000_000, 1_200_000, 800_000, 200_000),
            (2_000_000, 1_200_000, 1_000_000, 0),
            (2_000_000, 1_200_000, 1_500_000, 0),
            (10_000, 10_000, 0, 0),
            (333, 0, 0, 166),
        ];
        for (total, ins, already, want) in table {
            let aid = compute_aid(*total, *ins, *already, rule).unwrap();
            assert_eq!(aid.amount_fen, *want, "{total} {ins} {already}");
            assert!(aid.reasons.last().unwrap().contains(&yuan(*want)));
        }
        let capped = compute_aid(2_000_000, 1_200_000, 800_000, rule).unwrap();
        assert!(capped.reasons.iter().any(|r| r.contains("超过年度上限")), "{:?}", capped.reasons);
        assert!(compute_aid(100, 200, 0, rule).unwrap_err().contains("超过了住院总费用"));
        assert!(compute_aid(0, 0, 0, rule).is_err());
        assert!(compute_aid(100, 0, 0, AidRule { share_bp: 0, yearly_cap_fen: 1 }).is_err());
        assert_eq!(AidRule { share_bp: 7550, yearly_cap_fen: 1 }.share_label(), "75.5%");
    }

    #[test]
    fn training_rate_table() {
        // (trained, due) → label
        let table: &[(u64, u64, &str, Option<u64>)] = &[
            (0, 0, "—", None),
            (0, 3, "0%", Some(0)),
            (3, 3, "100%", Some(10_000)),
            (7, 8, "87.5%", Some(8_750)),
            (1, 3, "33.33%", Some(3_333)),
            (2, 3, "66.67%", Some(6_667)),
        ];
        for (done, due, label, bp) in table {
            let r = Rate::new(*done, *due).unwrap();
            assert_eq!(r.label(), *label, "{done}/{due}");
            assert_eq!(r.basis_points(), *bp, "{done}/{due}");
        }
        assert!(Rate::new(4, 3).is_err());
    }

    #[test]
    fn training_rate_counts_self_employed_discharged_in_the_period() {
        let se = PlacementWay::SelfEmployed;
        let asg = PlacementWay::Assigned;
        let (from, to) = (d("2024-01-01"), d("2024-12-31"));
        let empty: Vec<(&PlacementWay, NaiveDate, bool)> = vec![];
        assert_eq!(training_rate(empty, from, to), Rate { done: 0, due: 0 });
        let rows = vec![
            (&se, d("2024-03-01"), true),
            (&se, d("2024-12-31"), false),
            (&se, d("2023-12-31"), false),  // another year
            (&asg, d("2024-05-01"), false), // not due: 安排工作
            (&se, d("2024-01-01"), true),
        ];
        let r = training_rate(rows, from, to);
        assert_eq!(r, Rate { done: 2, due: 3 });
        assert_eq!(r.label(), "66.67%");
        assert_eq!(r.outstanding(), 1);
    }

    #[test]
    fn files_are_recognised_by_content() {
        let max = 1 << 20;
        assert_eq!(check_attachment(b"%PDF-1.7\n...", max), Ok(FileKind::Pdf));
        assert_eq!(check_attachment(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10], max), Ok(FileKind::Jpeg));
        assert_eq!(check_attachment(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", max), Ok(FileKind::Png));
        let mut xlsx = b"PK\x03\x04".to_vec();
        xlsx.extend_from_slice(b"....[Content_Types].xml....xl/workbook.xml");
        assert_eq!(check_attachment(&xlsx, max), Ok(FileKind::Xlsx));
        let mut docx = b"PK\x03\x04".to_vec();
        docx.extend_from_slice(b"....[Content_Types].xml....word/document.xml");
        assert_eq!(check_attachment(&docx, max), Ok(FileKind::Docx));
        // A plain ZIP, an HTML page named .pdf, an executable: refused.
        assert!(check_attachment(b"PK\x03\x04hello.txt", max).is_err());
        assert!(check_attachment(b"<html><script>", max).unwrap_err().contains("PDF、JPEG"));
        assert!(check_attachment(b"MZ\x90\0", max).is_err());
        assert!(check_attachment(b"", max).unwrap_err().contains("请选择"));
        let big = vec![b'%'; max + 1];
        assert!(check_attachment(&big, max).unwrap_err().contains("超过上限"));
    }

    #[test]
    fn file_names_lose_their_paths() {
        assert_eq!(clean_file_name("C:\\Users\\x\\评估报告.pdf", FileKind::Pdf), "评估报告.pdf");
        assert_eq!(clean_file_name("../../etc/passwd", FileKind::Pdf), "passwd");
        assert_eq!(clean_file_name("", FileKind::Png), "证明材料.png");
        assert_eq!(clean_file_name("a\"b\r\n.pdf", FileKind::Pdf), "ab.pdf");
    }

    #[test]
    fn labels_parse() {
        assert_eq!(HousingWay::parse("维修"), Ok(HousingWay::Repair));
        assert_eq!(HousingWay::parse("租房"), Ok(HousingWay::Rent));
        assert_eq!(PlacementWay::parse("自主就业"), Ok(PlacementWay::SelfEmployed));
        assert!(WindowKind::parse("飞机场").unwrap_err().to_string().contains("商场"));
        assert!(PlacementWay::SelfEmployed.due_training());
        assert!(!PlacementWay::Assigned.due_training());
    }
}
