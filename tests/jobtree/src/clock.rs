//! UTC calendar formatting of Unix times, without `chrono` and without the host's time zone.
//!
//! Every generated timestamp is derived from the seed, never from the wall clock, so the output
//! is reproducible; these helpers only turn seconds since 1970 into the two textual forms the
//! logs use.

use std::fmt::Write;

/// A broken-down UTC time.
struct Civil {
    /// Proleptic Gregorian year.
    year: i64,
    /// Month, 1..=12.
    month: u32,
    /// Day of the month, 1..=31.
    day: u32,
    /// Hour, minute and second of the day.
    hms: (u64, u64, u64),
    /// Day of the week, 0 = Sunday.
    weekday: u64,
}

/// English month abbreviations, as in `ctime(3)`.
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// English weekday abbreviations, Sunday first, as in `ctime(3)`.
const WEEKDAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

/// Splits Unix seconds into a civil date (Howard Hinnant's `civil_from_days`, exact for any
/// `u64` input because the day count fits an `i64`).
fn civil(secs: u64) -> Civil {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    Civil {
        year,
        month,
        day,
        hms: (rem / 3600, rem / 60 % 60, rem % 60),
        // 1970-01-01 was a Thursday.
        weekday: (secs / 86_400 + 4) % 7,
    }
}

/// Appends `YYYY-MM-DD hh:mm:ss`, the DIRAC log form.
pub(crate) fn push_iso(out: &mut String, secs: u64) {
    let c = civil(secs);
    let (h, m, s) = c.hms;
    let _ = write!(
        out,
        "{:04}-{:02}-{:02} {h:02}:{m:02}:{s:02}",
        c.year, c.month, c.day
    );
}

/// Appends `hh:mm:ss.mmm` for a time in milliseconds, the per-line Gaudi message stamp.
pub(crate) fn push_hms_millis(out: &mut String, millis: u64) {
    let (h, m, s) = civil(millis / 1000).hms;
    let _ = write!(out, "{h:02}:{m:02}:{s:02}.{:03}", millis % 1000);
}

/// Appends `Mon Oct  3 13:22:01 2011`, the `ctime(3)` form of the Gaudi welcome banner.
pub(crate) fn push_ctime(out: &mut String, secs: u64) {
    let c = civil(secs);
    let (h, m, s) = c.hms;
    let weekday = WEEKDAYS.get(c.weekday as usize).copied().unwrap_or("Sun");
    let month = MONTHS.get(c.month as usize - 1).copied().unwrap_or("Jan");
    let _ = write!(
        out,
        "{weekday} {month} {:2} {h:02}:{m:02}:{s:02} {}",
        c.day, c.year
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Known dates, including a leap day and the epoch.
    #[test]
    fn formats() {
        let mut s = String::new();
        push_iso(&mut s, 0);
        assert_eq!(s, "1970-01-01 00:00:00");
        s.clear();
        push_iso(&mut s, 1_330_473_600 + 3661);
        assert_eq!(s, "2012-02-29 01:01:01");
        s.clear();
        push_ctime(&mut s, 1_317_647_321);
        assert_eq!(s, "Mon Oct  3 13:08:41 2011");
        s.clear();
        push_hms_millis(&mut s, 1_317_647_321_042);
        assert_eq!(s, "13:08:41.042");
        s.clear();
        push_iso(&mut s, u64::MAX);
        assert!(!s.is_empty());
    }
}
