//! Model-county self-assessment (双拥模范县考评): a province's scoring sheet is data — areas, items,
//! sub-items with points, and veto conditions (一票否决). The county gives itself points per
//! sub-item with evidence; the score is their sum, any veto condition met fails the assessment.

use serde::Serialize;

/// A sub-item as the score sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Line {
    pub id: i64,
    /// Points in hundredths (0.5 分 = 50); 0 for a veto condition.
    pub points: i64,
    pub veto: bool,
    /// Points given (hundredths), if scored yet.
    pub awarded: Option<i64>,
    /// For a veto condition: whether it is met (the assessment fails).
    pub vetoed: bool,
    pub has_evidence: bool,
}

/// The result of a self-assessment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Score {
    /// Points available and given, in hundredths.
    pub max: i64,
    pub awarded: i64,
    /// Sub-items not yet scored.
    pub unscored: Vec<i64>,
    /// Veto conditions met.
    pub vetoes: Vec<i64>,
    /// Sub-items (veto conditions included) with no evidence linked.
    pub no_evidence: Vec<i64>,
}

impl Score {
    pub fn passed_vetoes(&self) -> bool {
        self.vetoes.is_empty()
    }
}

pub fn score(lines: &[Line]) -> Score {
    let mut s = Score { max: 0, awarded: 0, unscored: vec![], vetoes: vec![], no_evidence: vec![] };
    for l in lines {
        if l.veto {
            if l.vetoed {
                s.vetoes.push(l.id);
            }
        } else {
            s.max += l.points;
            match l.awarded {
                Some(a) => s.awarded += a.min(l.points),
                None => s.unscored.push(l.id),
            }
        }
        if !l.has_evidence {
            s.no_evidence.push(l.id);
        }
    }
    s
}

/// Reads points written as `2`, `0.5`, `1.25分`: hundredths. Never negative, at most 1000 分.
pub fn parse_points(raw: &str) -> Result<i64, String> {
    let t = crate::width::to_half_width(raw.trim());
    let t = t.trim_end_matches('分').trim();
    if t.is_empty() {
        return Ok(0);
    }
    let (int, frac) = t.split_once('.').unwrap_or((t, ""));
    let ok = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if int.is_empty() && frac.is_empty() || !ok(int) || !ok(frac) || frac.len() > 2 {
        return Err(format!("分值“{}”应为数字，最多两位小数，如 2 或 0.5", raw.trim()));
    }
    let whole: i64 =
        if int.is_empty() { 0 } else { int.parse().map_err(|_| format!("分值“{}”过大", raw.trim()))? };
    let cents: i64 = if frac.is_empty() { 0 } else { format!("{frac:0<2}").parse().unwrap_or(0) };
    let v = whole * 100 + cents;
    if v > 100_000 {
        return Err(format!("分值“{}”过大，请核对", raw.trim()));
    }
    Ok(v)
}

/// Hundredths of a point as written: 250 → `2.5`.
pub fn points(hundredths: i64) -> String {
    let (w, f) = (hundredths / 100, hundredths % 100);
    if f == 0 {
        w.to_string()
    } else if f % 10 == 0 {
        format!("{w}.{}", f / 10)
    } else {
        format!("{w}.{f:02}")
    }
}

/// Whether a cell marks a veto condition: 是, √, Y, 1, 一票否决, 否决.
pub fn is_veto(raw: &str) -> bool {
    matches!(raw.trim(), "是" | "√" | "✓" | "Y" | "y" | "1" | "一票否决" | "否决" | "true")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(id: i64, points: i64, veto: bool, awarded: Option<i64>, vetoed: bool, ev: bool) -> Line {
        Line { id, points, veto, awarded, vetoed, has_evidence: ev }
    }

    #[test]
    fn the_score_sums_points_flags_vetoes_and_missing_evidence() {
        let s = score(&[
            line(1, 200, false, Some(200), false, true),
            line(2, 150, false, Some(100), false, false),
            line(3, 50, false, None, false, false),
            line(4, 0, true, None, false, true),
            line(5, 0, true, None, true, false),
            // more than the sub-item's points counts as its points
            line(6, 100, false, Some(300), false, true),
        ]);
        assert_eq!((s.max, s.awarded), (500, 400));
        assert_eq!(s.unscored, vec![3]);
        assert_eq!(s.vetoes, vec![5]);
        assert_eq!(s.no_evidence, vec![2, 3, 5]);
        assert!(!s.passed_vetoes());
        let empty = score(&[]);
        assert_eq!((empty.max, empty.awarded), (0, 0));
        assert!(empty.passed_vetoes());
    }

    #[test]
    fn points_read_and_write() {
        assert_eq!(parse_points("2"), Ok(200));
        assert_eq!(parse_points("0.5"), Ok(50));
        assert_eq!(parse_points("1.25分"), Ok(125));
        assert_eq!(parse_points("１"), Ok(100));
        assert_eq!(parse_points(""), Ok(0));
        assert!(parse_points("两分").is_err());
        assert!(parse_points("1.234").is_err());
        assert_eq!(points(250), "2.5");
        assert_eq!(points(125), "1.25");
        assert_eq!(points(300), "3");
        assert!(is_veto("是") && is_veto("一票否决") && !is_veto("否") && !is_veto(""));
    }
}
