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
}

impl Default for RetryPolicy {
    /// Three attempts, 200 ms first wait, 20 s cap, `Retry-After` honoured up to 60 s.
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(20),
            max_retry_after: Duration::from_secs(60),
            jitter: true,
            retry_throttled_writes: true,
        }
    }
}

impl RetryPolicy {
    /// Never retry.
    pub fn none() -> Self {
        RetryPolicy {
            max_attempts: 1,
            ..Self::default()
        }
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

/// Reads a `Retry-After` header: delay-seconds or an HTTP date.
///
/// ```
/// use std::time::Duration;
/// use hr_common::transport::parse_retry_after;
///
/// assert_eq!(parse_retry_after("3"), Some(Duration::from_secs(3)));
/// assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), Some(Duration::ZERO));
/// assert_eq!(parse_retry_after("soon"), None);
/// ```
pub fn parse_retry_after(value: &str) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    if let Ok(secs) = value.parse::<f64>() {
        return (secs.is_finite() && secs >= 0.0).then(|| Duration::from_secs_f64(secs));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(SystemTime::now()).unwrap_or_default())
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
    fn http_date_in_future_gives_remaining_wait() {
        let at = SystemTime::now() + Duration::from_secs(120);
        let d = parse_retry_after(&httpdate::fmt_http_date(at)).unwrap();
        assert!(d > Duration::from_secs(100) && d <= Duration::from_secs(120));
    }
}
