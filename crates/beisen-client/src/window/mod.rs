//! Time windows and the v5 time-window query (`…/GetByTimeWindow`).
//!
//! A window is half-open, `[start, stop)`, in civil time of the client's
//! zone, exactly as Beisen selects (`startTime <= t < stopTime`): windows
//! `[a, b)` and `[b, c)` neither miss nor repeat a record, which is why a
//! long window is cut at shared boundaries rather than at "end + 1 day".

mod ledger;
mod progress;
mod query;
mod stream;

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, TimeZone, Timelike};
use hr_common::{CivilDateTime, Error, Result};
use serde::{Deserialize, Serialize};

pub use progress::{Checkpoint, WindowProgress};
pub use query::{ExtQuery, QueryType, SortDirection, TimeWindowRequest, WindowQuery};
pub(crate) use query::{ScrollCall, Sort, time_window_request};
pub use stream::WindowStream;

/// The longest window Beisen serves in one query: 90 days, inclusive.
pub const MAX_WINDOW_DAYS: i64 = 90;

/// The most records per page.
pub const MAX_CAPACITY: u32 = 300;

/// A half-open civil time window `[start, stop)`, whole seconds.
///
/// ```
/// use beisen_client::TimeWindow;
/// use chrono::NaiveDate;
///
/// let d = |m, d| NaiveDate::from_ymd_opt(2024, m, d).unwrap();
/// let year = TimeWindow::new(d(1, 1), NaiveDate::from_ymd_opt(2025, 1, 1).unwrap());
/// let parts = year.split_max_days(90);
/// assert_eq!(parts.len(), 5);
/// assert_eq!(parts[0].stop(), parts[1].start()); // no gap, no overlap
/// assert_eq!(parts[4].stop(), year.stop());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct TimeWindow {
    start: NaiveDateTime,
    stop: NaiveDateTime,
}

/// Anything that names a civil instant: dates (midnight), civil
/// date-times, and zoned date-times (converted to the client's zone).
pub trait WindowBound {
    /// The civil date-time in `zone`.
    fn civil(self, zone: chrono::FixedOffset) -> NaiveDateTime;

    /// The instant, when the bound names one (a zoned date-time); civil
    /// bounds (dates, naive date-times) return `None`. Requests use it to
    /// convert to the sending client's zone.
    fn zoned(&self) -> Option<DateTime<chrono::FixedOffset>> {
        None
    }
}

impl WindowBound for NaiveDate {
    fn civil(self, _: chrono::FixedOffset) -> NaiveDateTime {
        self.and_time(chrono::NaiveTime::MIN)
    }
}

impl WindowBound for NaiveDateTime {
    fn civil(self, _: chrono::FixedOffset) -> NaiveDateTime {
        self
    }
}

impl WindowBound for CivilDateTime {
    fn civil(self, zone: chrono::FixedOffset) -> NaiveDateTime {
        match self.offset() {
            Some(_) => self.to_datetime(zone).with_timezone(&zone).naive_local(),
            None => self.naive(),
        }
    }

    fn zoned(&self) -> Option<DateTime<chrono::FixedOffset>> {
        self.offset()
            .map(|_| self.to_datetime(hr_common::CHINA_STANDARD_TIME))
    }
}

impl<Tz: TimeZone> WindowBound for DateTime<Tz> {
    fn civil(self, zone: chrono::FixedOffset) -> NaiveDateTime {
        self.with_timezone(&zone).naive_local()
    }

    fn zoned(&self) -> Option<DateTime<chrono::FixedOffset>> {
        Some(self.fixed_offset())
    }
}

fn whole_seconds(t: NaiveDateTime) -> NaiveDateTime {
    t.with_nanosecond(0).unwrap_or(t)
}

impl TimeWindow {
    /// `[start, stop)`, cut to whole seconds (what the API accepts). Zoned
    /// bounds are converted to UTC+8, Beisen's default zone; use
    /// [`new_in`](Self::new_in) for a client with another
    /// [`time_zone`](crate::BeisenClientBuilder::time_zone).
    pub fn new(start: impl WindowBound, stop: impl WindowBound) -> Self {
        Self::new_in(hr_common::CHINA_STANDARD_TIME, start, stop)
    }

    /// `[start, stop)` with zoned bounds converted to civil time in `zone`.
    pub fn new_in(
        zone: chrono::FixedOffset,
        start: impl WindowBound,
        stop: impl WindowBound,
    ) -> Self {
        Self::from_civil(start.civil(zone), stop.civil(zone))
    }

    pub(crate) fn from_civil(start: NaiveDateTime, stop: NaiveDateTime) -> Self {
        TimeWindow {
            start: whole_seconds(start),
            stop: whole_seconds(stop),
        }
    }

    /// The first instant in the window.
    pub fn start(&self) -> NaiveDateTime {
        self.start
    }

    /// The first instant after the window.
    pub fn stop(&self) -> NaiveDateTime {
        self.stop
    }

    /// The window's length (zero when `stop <= start`).
    pub fn len(&self) -> Duration {
        (self.stop - self.start).max(Duration::zero())
    }

    /// Whether the window holds no instant.
    pub fn is_empty(&self) -> bool {
        self.stop <= self.start
    }

    /// Consecutive windows of at most `days` days covering this one.
    pub fn split_max_days(&self, days: i64) -> Vec<TimeWindow> {
        let span = days.max(1) * 86_400;
        let pieces = (self.len().num_seconds() + span - 1) / span;
        self.split_even(pieces.max(1) as usize)
    }

    /// `n` consecutive windows of (nearly) equal whole-second length; fewer
    /// when the window is shorter than `n` seconds.
    pub fn split_even(&self, n: usize) -> Vec<TimeWindow> {
        if self.is_empty() {
            return Vec::new();
        }
        let secs = self.len().num_seconds();
        let n = (n.max(1) as i64).min(secs.max(1));
        let mut out = Vec::with_capacity(n as usize);
        let mut from = self.start;
        for i in 1..=n {
            // Each boundary is computed from the start, not accumulated, so
            // rounding never drifts and the last piece ends exactly at stop.
            let to = if i == n {
                self.stop
            } else {
                self.start + Duration::seconds(secs * i / n)
            };
            out.push(TimeWindow {
                start: from,
                stop: to,
            });
            from = to;
        }
        out
    }

    pub(crate) fn check_span(&self) -> Result<()> {
        if self.stop < self.start {
            return Err(Error::invalid_request(
                "stopTime",
                format!("stop {} is before start {}", self.stop, self.start),
            ));
        }
        if self.len() > Duration::days(MAX_WINDOW_DAYS) {
            return Err(Error::invalid_request(
                "stopTime",
                format!(
                    "window {} .. {} is longer than {MAX_WINDOW_DAYS} days; split it or use a time-window stream",
                    self.start, self.stop
                ),
            ));
        }
        Ok(())
    }
}

impl std::fmt::Display for TimeWindow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "[{}, {})", fmt_time(self.start), fmt_time(self.stop))
    }
}

/// The request format: `2021-01-01T00:00:00`.
pub(crate) fn fmt_time(t: NaiveDateTime) -> String {
    t.format("%Y-%m-%dT%H:%M:%S").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S").unwrap()
    }

    #[test]
    fn splits_leave_no_gap_and_no_overlap() {
        let w = TimeWindow::from_civil(at("2024-01-01T00:00:00"), at("2025-01-01T00:00:00"));
        for parts in [w.split_max_days(90), w.split_even(7), w.split_even(1000)] {
            assert_eq!(parts.first().unwrap().start(), w.start());
            assert_eq!(parts.last().unwrap().stop(), w.stop());
            for pair in parts.windows(2) {
                assert_eq!(pair[0].stop(), pair[1].start());
                assert!(pair[0].start() < pair[0].stop());
            }
        }
        assert!(w.split_max_days(90).iter().all(|p| p.check_span().is_ok()));
    }

    #[test]
    fn exactly_ninety_days_is_one_window() {
        let w = TimeWindow::from_civil(at("2024-01-01T00:00:00"), at("2024-03-31T00:00:00"));
        assert_eq!(w.len(), Duration::days(90));
        assert_eq!(w.split_max_days(90), vec![w]);
        assert!(w.check_span().is_ok());
        let longer = TimeWindow::from_civil(at("2024-01-01T00:00:00"), at("2024-03-31T00:00:01"));
        assert!(longer.check_span().is_err());
        assert_eq!(longer.split_max_days(90).len(), 2);
    }

    #[test]
    fn tiny_windows_split_by_seconds() {
        let w = TimeWindow::from_civil(at("2024-01-01T00:00:00"), at("2024-01-01T00:00:03"));
        assert_eq!(w.split_even(10).len(), 3);
        assert!(
            TimeWindow::from_civil(w.stop(), w.stop())
                .split_even(4)
                .is_empty()
        );
    }
}
