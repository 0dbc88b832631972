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
//! Cosmetic timestamps in responses (ISDP `createTime`s, the `timestamp` of
//! injected error bodies) stay on the real wall clock.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime};

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
