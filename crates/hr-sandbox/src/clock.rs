//! The sandbox's clock: real time plus an offset that only grows.
//!
//! Everything in the sandbox that measures a lifetime or a window reads this
//! clock: Beisen scroll idle times, Beisen access and refresh tokens
//! (including the epoch `expires_in` of `POST /OAuth/Token`), ISDP tokens,
//! travel session ids (and their `timeLimit`) and the Beisen rate-limit
//! windows. [`Clock::advance`] moves all of them forward at once, so a test
//! can let a scroll idle out or a token expire without sleeping:
//!
//! ```
//! use std::time::Duration;
//! use hr_sandbox::Clock;
//!
//! let clock = Clock::new();
//! let before = clock.now();
//! clock.advance(Duration::from_secs(11));
//! assert!(clock.now() >= before + Duration::from_secs(11));
//! assert_eq!(clock.offset(), Duration::from_secs(11));
//! ```
//!
//! Time still passes on its own: the clock is never frozen, only pushed
//! ahead. Over HTTP: `POST /_sandbox/clock/advance?seconds=N` on any
//! simulator, and `GET /_sandbox/clock` to read the offset.
//!
//! The vendors write civil China Standard Time (UTC+8) without an offset;
//! [`Clock::civil_now`] and [`Clock::today`] read the clock that way, and
//! are what the default data span ([`DataConfig`](crate::DataConfig)) and
//! the modification times of [`Sandbox::hire`](crate::Sandbox::hire) and
//! friends are measured on.
//!
//! Cosmetic timestamps in responses (ISDP `createTime`s, the `timestamp` of
//! injected error bodies) stay on the real wall clock.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime};

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};

/// China Standard Time's offset from UTC, in hours.
const CST_HOURS: i64 = 8;

/// Real monotonic and wall-clock time plus a shared manual offset. Clones
/// share the offset.
#[derive(Debug, Clone, Default)]
pub struct Clock {
    /// Nanoseconds added to real time.
    offset_nanos: Arc<AtomicU64>,
}

impl Clock {
    /// The largest total offset (20 years): [`advance`](Self::advance)
    /// saturates there. ISDP tokens carry their issue time in 40 bits of
    /// milliseconds (about 34 years), which this keeps clear of.
    pub const MAX_OFFSET: Duration = Duration::from_secs(20 * 365 * 86_400);

    /// A clock at real time (offset zero).
    pub fn new() -> Self {
        Clock::default()
    }

    /// The current monotonic time: `Instant::now()` plus the offset.
    /// Never goes backwards.
    pub fn now(&self) -> Instant {
        Instant::now() + self.offset()
    }

    /// The current wall-clock time: `SystemTime::now()` plus the offset;
    /// used where the sandbox writes absolute expiry times.
    pub fn system_now(&self) -> SystemTime {
        SystemTime::now() + self.offset()
    }

    /// The current wall-clock time as civil China Standard Time (UTC+8,
    /// no offset attached), the way Beisen and ISDP write their times.
    ///
    /// ```
    /// let clock = hr_sandbox::Clock::new();
    /// let before = clock.civil_now();
    /// clock.advance(std::time::Duration::from_secs(3600));
    /// assert!(clock.civil_now() >= before + chrono::Duration::hours(1));
    /// ```
    pub fn civil_now(&self) -> NaiveDateTime {
        civil(self.system_now())
    }

    /// Today's date in China Standard Time, on this clock.
    pub fn today(&self) -> NaiveDate {
        self.civil_now().date()
    }

    /// Moves the clock forward by `by` (the total offset saturates at
    /// [`MAX_OFFSET`](Self::MAX_OFFSET)); returns the new total offset.
    pub fn advance(&self, by: Duration) -> Duration {
        let max = Self::MAX_OFFSET.as_nanos() as u64;
        let by = u64::try_from(by.as_nanos()).unwrap_or(u64::MAX);
        let previous = self
            .offset_nanos
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |current| {
                Some(current.saturating_add(by).min(max))
            })
            .unwrap_or_else(|current| current);
        Duration::from_nanos(previous.saturating_add(by).min(max))
    }

    /// How far the clock has been advanced in total.
    pub fn offset(&self) -> Duration {
        Duration::from_nanos(self.offset_nanos.load(Ordering::SeqCst))
    }
}

/// `at` as civil China Standard Time.
fn civil(at: SystemTime) -> NaiveDateTime {
    (DateTime::<Utc>::from(at) + chrono::Duration::hours(CST_HOURS)).naive_utc()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn advancing_moves_both_clocks_and_clones_share_the_offset() {
        let clock = Clock::new();
        let copy = clock.clone();
        let (instant, wall) = (clock.now(), clock.system_now());
        assert_eq!(
            copy.advance(Duration::from_secs(90)),
            Duration::from_secs(90)
        );
        assert!(clock.now() >= instant + Duration::from_secs(90));
        assert!(clock.system_now() >= wall + Duration::from_secs(90));
        assert_eq!(clock.offset(), Duration::from_secs(90));
    }

    #[test]
    fn civil_time_is_utc_plus_eight() {
        let epoch = SystemTime::UNIX_EPOCH + Duration::from_secs(16 * 3600);
        assert_eq!(
            civil(epoch),
            NaiveDate::from_ymd_opt(1970, 1, 2)
                .unwrap()
                .and_hms_opt(0, 0, 0)
                .unwrap()
        );
        let clock = Clock::new();
        let utc = DateTime::<Utc>::from(SystemTime::now()).naive_utc();
        let gap = clock.civil_now() - utc;
        assert!(
            (gap - chrono::Duration::hours(8)).num_seconds().abs() <= 1,
            "{gap}"
        );
    }

    #[test]
    fn the_offset_saturates() {
        let clock = Clock::new();
        clock.advance(Duration::from_secs(1));
        assert_eq!(clock.advance(Duration::MAX), Clock::MAX_OFFSET);
        assert_eq!(clock.advance(Duration::from_secs(1)), Clock::MAX_OFFSET);
        // Still usable at the limit.
        assert!(clock.now() > Instant::now());
        assert!(clock.system_now() > SystemTime::now());
    }
}
