//! Retry policy as data: how many attempts, how long to wait between them,
//! and how to read a server's `Retry-After`.

use std::time::{Duration, SystemTime};

/// When and how the transport repeats a failed call.
///
/// Only transient failures are retried: connect errors, timeouts, 408, 429
/// and 5xx (but 501 and 505). A call that may already have reached the server
/// is retried only if it is marked idempotent; a call that failed before it
/// was sent is always safe to retry, and so, by default, is a call the
/// server refused with 429 (see [`retry_throttled_writes`](Self::retry_throttled_writes)). Waits grow exponentially up to
/// `max_backoff`, with "equal jitter" (half fixed, half random) so that
/// clients that failed together do not come back together. A `Retry-After`
/// from the server replaces the computed wait, up to `max_retry_after`.
///
/// A 429 that says how long to wait (within `max_retry_after`) is a request
/// to come back later, not a failure: it is waited out and retried without
/// using up one of the `max_attempts`, up to `max_throttle_waits` times per
/// call (default 20). Every retry also needs tokens from the transport's
/// [`RetryBudget`](super::RetryBudget), and no wait may pass the call's
/// overall deadline.
///
/// ```
/// use std::time::Duration;
/// use hr_common::transport::RetryPolicy;
///
/// let policy = RetryPolicy::default()
///     .max_attempts(5)
///     .initial_backoff(Duration::from_millis(100))
///     .max_backoff(Duration::from_secs(5));
/// assert_eq!(policy.get_max_attempts(), 5);
/// assert_eq!(RetryPolicy::none().get_max_attempts(), 1);
/// ```
#[derive(Debug, Clone)]
pub struct RetryPolicy {
    max_attempts: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    max_retry_after: Duration,
    jitter: bool,
    retry_throttled_writes: bool,
    max_throttle_waits: u32,
}

impl Default for RetryPolicy {
    /// Five attempts, 200 ms first wait, 20 s cap, `Retry-After` honoured up
    /// to 60 s, at most 20 throttle waits per call. Five, because with a
    /// vendor failing one call in eight (5xx and resets), three attempts
    /// lose about one call in 500, and a 20,000-record listing makes 100;
    /// five lose one in 30,000. The deadline and the retry budget bound
    /// what the extra attempts can cost.
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 5,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(20),
            max_retry_after: Duration::from_secs(60),
            jitter: true,
            retry_throttled_writes: true,
            max_throttle_waits: 20,
        }
    }
}

impl RetryPolicy {
    /// Never retry, not even after a 429 with `Retry-After`.
    pub fn none() -> Self {
        RetryPolicy {
            max_attempts: 1,
            max_throttle_waits: 0,
            ..Self::default()
        }
    }

    /// How many times one call waits out a 429 that carried a `Retry-After`
    /// (within [`max_retry_after`](Self::max_retry_after)) before it ends
    /// with the rate-limit error. These waits do not count toward
    /// [`max_attempts`](Self::max_attempts). Default 20.
    pub fn max_throttle_waits(mut self, waits: u32) -> Self {
        self.max_throttle_waits = waits;
        self
    }

    /// How many 429s with `Retry-After` one call waits out.
    pub fn get_max_throttle_waits(&self) -> u32 {
        self.max_throttle_waits
    }

    /// Total attempts, the first included (minimum 1).
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// The wait before the first retry.
    pub fn initial_backoff(mut self, backoff: Duration) -> Self {
        self.initial_backoff = backoff;
        self
    }

    /// The longest computed wait.
    pub fn max_backoff(mut self, backoff: Duration) -> Self {
        self.max_backoff = backoff;
        self
    }

    /// The longest `Retry-After` the client will sleep through; a longer one
    /// ends the call with a rate-limit error instead.
    pub fn max_retry_after(mut self, limit: Duration) -> Self {
        self.max_retry_after = limit;
        self
    }

    /// Whether a non-idempotent call answered 429 is retried (default yes:
    /// a 429 means the server refused the call without processing it).
    pub fn retry_throttled_writes(mut self, retry: bool) -> Self {
        self.retry_throttled_writes = retry;
        self
    }

    /// Whether non-idempotent calls answered 429 are retried.
    pub fn retries_throttled_writes(&self) -> bool {
        self.retry_throttled_writes
    }

    /// Turns jitter off, for reproducible waits.
    pub fn without_jitter(mut self) -> Self {
        self.jitter = false;
        self
    }

    /// Total attempts, the first included.
    pub fn get_max_attempts(&self) -> u32 {
        self.max_attempts
    }

    /// The longest `Retry-After` honoured.
    pub fn get_max_retry_after(&self) -> Duration {
        self.max_retry_after
    }

    /// The wait before retry number `retry` (1 for the first retry).
    ///
    /// ```
    /// use std::time::Duration;
    /// use hr_common::transport::RetryPolicy;
    ///
    /// let p = RetryPolicy::default().initial_backoff(Duration::from_millis(100)).without_jitter();
    /// assert_eq!(p.backoff(1), Duration::from_millis(100));
    /// assert_eq!(p.backoff(3), Duration::from_millis(400));
    /// assert_eq!(p.backoff(40), Duration::from_secs(20));
    /// ```
    pub fn backoff(&self, retry: u32) -> Duration {
        let exp = retry.saturating_sub(1).min(31);
        let full = self
            .initial_backoff
            .saturating_mul(1u32 << exp)
            .min(self.max_backoff);
        if !self.jitter {
            return full;
        }
        let half = full / 2;
        half + half.mul_f64(fastrand::f64())
    }
}

/// The longest wait [`parse_retry_after`] returns; longer values (a
/// hostile `1e20`, a date in the year 9999) are clamped to it. Anything
/// beyond [`RetryPolicy::max_retry_after`] ends the call with a rate-limit
/// error carrying the wait, so the clamp only bounds that number.
pub const RETRY_AFTER_CLAMP: Duration = Duration::from_secs(24 * 60 * 60);

/// Reads a `Retry-After` header: delay-seconds or an HTTP date.
///
/// The value comes from the network, so nothing in it may panic: numbers
/// too large for a `Duration` and dates far ahead are clamped to
/// [`RETRY_AFTER_CLAMP`], dates in the past mean "now", and negative, NaN
/// or unreadable values are ignored (`None`: the usual backoff applies).
/// Fractions of a second, which some servers send, are accepted.
///
/// ```
/// use std::time::Duration;
/// use hr_common::transport::{parse_retry_after, RETRY_AFTER_CLAMP};
///
/// assert_eq!(parse_retry_after("3"), Some(Duration::from_secs(3)));
/// assert_eq!(parse_retry_after("0.5"), Some(Duration::from_millis(500)));
/// assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), Some(Duration::ZERO));
/// assert_eq!(parse_retry_after("1e20"), Some(RETRY_AFTER_CLAMP));
/// assert_eq!(parse_retry_after("18446744073709551616"), Some(RETRY_AFTER_CLAMP));
/// assert_eq!(parse_retry_after("-1"), None);
/// assert_eq!(parse_retry_after("NaN"), None);
/// assert_eq!(parse_retry_after("soon"), None);
/// ```
pub fn parse_retry_after(value: &str) -> Option<Duration> {
    let value = value.trim();
    if value.is_empty() {
        return None;
    }
    if value.bytes().all(|b| b.is_ascii_digit()) {
        // Any number of digits: too many for a u64 is simply "very long".
        let secs = value.parse::<u64>().unwrap_or(u64::MAX);
        return Some(clamp(Duration::from_secs(secs)));
    }
    if let Ok(secs) = value.parse::<f64>() {
        if secs.is_nan() || secs < 0.0 {
            return None;
        }
        if secs >= RETRY_AFTER_CLAMP.as_secs_f64() {
            return Some(RETRY_AFTER_CLAMP);
        }
        // Finite and in range here; `-0.0` is the one value left that a
        // conversion could call negative.
        return Some(Duration::try_from_secs_f64(secs).unwrap_or(Duration::ZERO));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    let wait = at
        .duration_since(SystemTime::now())
        .unwrap_or(Duration::ZERO);
    Some(clamp(wait))
}

fn clamp(wait: Duration) -> Duration {
    wait.min(RETRY_AFTER_CLAMP)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jittered_backoff_stays_within_half_and_full() {
        let p = RetryPolicy::default().initial_backoff(Duration::from_millis(100));
        for retry in 1..6 {
            let full = Duration::from_millis(100 * (1 << (retry - 1)));
            for _ in 0..50 {
                let d = p.backoff(retry);
                assert!(d >= full / 2 && d <= full, "retry {retry}: {d:?}");
            }
        }
    }

    #[test]
    fn hostile_retry_after_values_never_panic() {
        for (value, want) in [
            ("1e20", Some(RETRY_AFTER_CLAMP)),
            ("18446744073709551616", Some(RETRY_AFTER_CLAMP)),
            (
                "99999999999999999999999999999999999999",
                Some(RETRY_AFTER_CLAMP),
            ),
            ("18446744073709551615", Some(RETRY_AFTER_CLAMP)),
            ("1.8446744073709552e19", Some(RETRY_AFTER_CLAMP)),
            ("1e308", Some(RETRY_AFTER_CLAMP)),
            ("1e309", Some(RETRY_AFTER_CLAMP)),
            ("inf", Some(RETRY_AFTER_CLAMP)),
            ("Infinity", Some(RETRY_AFTER_CLAMP)),
            ("-inf", None),
            ("NaN", None),
            ("-1", None),
            ("-0.5", None),
            ("-0", Some(Duration::ZERO)),
            ("1e-300", Some(Duration::ZERO)),
            ("+5", Some(Duration::from_secs(5))),
            ("  7  ", Some(Duration::from_secs(7))),
            ("", None),
            ("1,5", None),
            ("Fri, 31 Dec 9999 23:59:59 GMT", Some(RETRY_AFTER_CLAMP)),
            ("Thu, 01 Jan 1970 00:00:00 GMT", Some(Duration::ZERO)),
            ("Mon, 01 Jan 1900 00:00:00 GMT", None),
        ] {
            assert_eq!(parse_retry_after(value), want, "{value:?}");
        }
    }

    #[test]
    fn http_date_in_future_gives_remaining_wait() {
        let at = SystemTime::now() + Duration::from_secs(120);
        let d = parse_retry_after(&httpdate::fmt_http_date(at)).unwrap();
        assert!(d > Duration::from_secs(100) && d <= Duration::from_secs(120));
    }
}
