//! Times as users read them. The database keeps UTC; China keeps one time zone (UTC+8, no daylight
//! saving), so every time shown, and every day typed into a filter, is in Beijing time.

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};

const OFFSET_SECS: i32 = 8 * 3600;

fn zone() -> FixedOffset {
    FixedOffset::east_opt(OFFSET_SECS).expect("a valid offset")
}

/// A stored instant in Beijing time.
pub fn beijing(t: DateTime<Utc>) -> DateTime<FixedOffset> {
    t.with_timezone(&zone())
}

/// The instant a Beijing calendar day begins.
pub fn day_start(d: NaiveDate) -> DateTime<Utc> {
    d.and_hms_opt(0, 0, 0).expect("midnight exists").and_utc() - chrono::Duration::seconds(OFFSET_SECS as i64)
}

/// Today in Beijing.
pub fn today(now: DateTime<Utc>) -> NaiveDate {
    beijing(now).date_naive()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn beijing_is_eight_hours_ahead_and_days_start_at_its_midnight() {
        let t = DateTime::parse_from_rfc3339("2024-07-31T17:30:00Z").unwrap().with_timezone(&Utc);
        assert_eq!(beijing(t).format("%Y-%m-%d %H:%M").to_string(), "2024-08-01 01:30");
        assert_eq!(today(t), NaiveDate::from_ymd_opt(2024, 8, 1).unwrap());
        let start = day_start(NaiveDate::from_ymd_opt(2024, 8, 1).unwrap());
        assert_eq!(start.to_rfc3339(), "2024-07-31T16:00:00+00:00");
    }
}
