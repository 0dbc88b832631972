//! Calendar dates written `yyyy-MM-dd`.

use chrono::NaiveDate;

use super::Reason;

/// Reads a `yyyy-MM-dd` date (the spec writes `yyyy-MM-DD`, meaning the day
/// of the month): exactly four, two and two digits, and a day that exists.
///
/// ```
/// use travel_sync_types::validation::{check_date, Reason};
///
/// assert_eq!(check_date("1997-11-10").unwrap().to_string(), "1997-11-10");
/// assert_eq!(check_date("2000-02-29").unwrap().to_string(), "2000-02-29");
/// assert_eq!(check_date("1900-02-29"), Err(Reason::NoSuchDate));
/// assert_eq!(check_date("1997/11/10"), Err(Reason::DateFormat));
/// assert_eq!(check_date("1997-1-1"), Err(Reason::DateFormat));
/// ```
pub fn check_date(text: &str) -> Result<NaiveDate, Reason> {
    let b = text.as_bytes();
    let shape = b.len() == 10
        && b.iter().enumerate().all(|(i, c)| {
            if i == 4 || i == 7 {
                *c == b'-'
            } else {
                c.is_ascii_digit()
            }
        });
    if !shape {
        return Err(Reason::DateFormat);
    }
    ymd(&text[0..4], &text[5..7], &text[8..10]).ok_or(Reason::NoSuchDate)
}

/// A date from its digit groups, if it exists.
pub(crate) fn ymd(year: &str, month: &str, day: &str) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(year.parse().ok()?, month.parse().ok()?, day.parse().ok()?)
}
