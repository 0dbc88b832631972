//! Client-side rate limiting per endpoint group.
//!
//! Vendors limit calls per tenant, per endpoint, per second and per minute
//! (Beisen: 50/s and 1500/min on `GetByTimeWindow`). Staying under those
//! limits on the client is cheaper than being answered 429 and waiting.
//!
//! [`RateLimiter`] is a trait so that several processes sharing one tenant
//! can plug in a shared limiter (Redis, a sidecar…). [`WindowLimiter`] is
//! the in-process implementation.

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::sync::Mutex;
use std::time::Duration;

use async_trait::async_trait;
use tokio::time::Instant;

use crate::error::Result;

/// Grants permission to send one request of an endpoint group.
///
/// ```
/// use hr_common::transport::RateLimiter;
///
/// /// A limiter that asks a shared service for a permit.
/// struct Shared;
///
/// #[async_trait::async_trait]
/// impl RateLimiter for Shared {
///     async fn acquire(&self, group: &str) -> hr_common::Result<()> {
///         // e.g. INCR + EXPIRE on a Redis key named after `group`
///         let _ = group;
///         Ok(())
///     }
/// }
/// ```
#[async_trait]
pub trait RateLimiter: Send + Sync + 'static {
    /// Waits until one request of `group` may be sent. An error ends the
    /// call without sending it.
    async fn acquire(&self, group: &str) -> Result<()>;
}

/// Limits for one endpoint group. `None` means unlimited.
///
/// ```
/// let beisen = hr_common::transport::Limits::new(Some(50), Some(1500));
/// assert_eq!(beisen.per_second(), Some(50));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Limits {
    per_second: Option<u32>,
    per_minute: Option<u32>,
}

impl Limits {
    /// Limits per second and per minute.
    pub fn new(per_second: Option<u32>, per_minute: Option<u32>) -> Self {
        Limits {
            per_second: per_second.filter(|n| *n > 0),
            per_minute: per_minute.filter(|n| *n > 0),
        }
    }

    /// No limit at all.
    pub fn unlimited() -> Self {
        Limits::default()
    }

    /// Requests allowed in any one-second window.
    pub fn per_second(&self) -> Option<u32> {
        self.per_second
    }

    /// Requests allowed in any sixty-second window.
    pub fn per_minute(&self) -> Option<u32> {
        self.per_minute
    }
}

/// One sliding window: the start times of the most recent `limit` permits.
struct Window {
    limit: usize,
    span: Duration,
    granted: VecDeque<Instant>,
}

impl Window {
    fn new(limit: u32, span: Duration) -> Self {
        Window {
            limit: limit as usize,
            span,
            granted: VecDeque::with_capacity(limit as usize),
        }
    }

    /// The earliest instant at which one more permit fits in the window.
    fn earliest(&self, now: Instant) -> Instant {
        if self.granted.len() < self.limit {
            return now;
        }
        let oldest_in_window = self.granted[self.granted.len() - self.limit];
        (oldest_in_window + self.span).max(now)
    }

    fn record(&mut self, at: Instant) {
        self.granted.push_back(at);
        while self.granted.len() > self.limit {
            self.granted.pop_front();
        }
    }
}

struct GroupState {
    windows: Vec<Window>,
}

/// In-process limiter: at most N requests in any one-second window and M in
/// any sixty-second window, per endpoint group.
///
/// It counts sliding windows exactly, rather than refilling a token bucket,
/// because a bucket of the same rate lets up to twice its limit through in
/// a window when it starts full, and the vendor counts per window. Permits
/// are reserved in arrival order, so waiting callers are served first come,
/// first served and nobody spins.
///
/// ```
/// use hr_common::transport::{Limits, RateLimiter, WindowLimiter};
///
/// let limiter = WindowLimiter::new(Limits::new(Some(50), Some(1500)))
///     .with_group("recruiting", Limits::new(Some(20), Some(1000)));
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// limiter.acquire("employee").await?;
/// # Ok::<_, hr_common::Error>(()) }).unwrap();
/// ```
pub struct WindowLimiter {
    default: Limits,
    groups: HashMap<String, Limits>,
    state: Mutex<HashMap<String, GroupState>>,
}

impl fmt::Debug for WindowLimiter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WindowLimiter")
            .field("default", &self.default)
            .field("groups", &self.groups)
            .finish()
    }
}

impl WindowLimiter {
    /// A limiter applying `default` to every group without its own limits.
    pub fn new(default: Limits) -> Self {
        WindowLimiter {
            default,
            groups: HashMap::new(),
            state: Mutex::new(HashMap::new()),
        }
    }

    /// Sets the limits of one group.
    pub fn with_group(mut self, group: impl Into<String>, limits: Limits) -> Self {
        self.groups.insert(group.into(), limits);
        self
    }

    /// The limits that apply to `group`.
    pub fn limits_for(&self, group: &str) -> Limits {
        self.groups.get(group).copied().unwrap_or(self.default)
    }

    /// Reserves the next permit of `group` and returns when it may be used.
    fn reserve(&self, group: &str) -> Instant {
        let now = Instant::now();
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let entry = state.entry(group.to_owned()).or_insert_with(|| {
            let limits = self.limits_for(group);
            let mut windows = Vec::new();
            if let Some(n) = limits.per_second {
                windows.push(Window::new(n, Duration::from_secs(1)));
            }
            if let Some(n) = limits.per_minute {
                windows.push(Window::new(n, Duration::from_secs(60)));
            }
            GroupState { windows }
        });
        let at = entry
            .windows
            .iter()
            .map(|w| w.earliest(now))
            .max()
            .unwrap_or(now);
        for window in &mut entry.windows {
            window.record(at);
        }
        at
    }
}

#[async_trait]
impl RateLimiter for WindowLimiter {
    async fn acquire(&self, group: &str) -> Result<()> {
        let at = self.reserve(group);
        if at > Instant::now() {
            tracing::trace!(target: "hr_common::rate_limit", group, wait_ms = (at - Instant::now()).as_millis() as u64, "rate limit wait");
            tokio::time::sleep_until(at).await;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn max_in_any_window(times: &[Instant], span: Duration) -> usize {
        (0..times.len())
            .map(|i| {
                times[i..]
                    .iter()
                    .take_while(|t| **t < times[i] + span)
                    .count()
            })
            .max()
            .unwrap_or(0)
    }

    #[tokio::test(start_paused = true)]
    async fn holds_per_second_and_per_minute_limits() {
        let limiter = WindowLimiter::new(Limits::new(Some(5), Some(20)));
        let start = Instant::now();
        let mut times = Vec::new();
        for _ in 0..45 {
            limiter.acquire("g").await.unwrap();
            times.push(Instant::now());
        }
        assert!(max_in_any_window(&times, Duration::from_secs(1)) <= 5);
        assert!(max_in_any_window(&times, Duration::from_secs(60)) <= 20);
        // 45 permits at 20/min need two full minutes of waiting.
        assert!(Instant::now() - start >= Duration::from_secs(120));
        // …and not much more: the limiter does not over-throttle.
        assert!(Instant::now() - start < Duration::from_secs(125));
    }

    #[tokio::test(start_paused = true)]
    async fn groups_are_independent() {
        let limiter =
            WindowLimiter::new(Limits::new(Some(2), None)).with_group("fast", Limits::unlimited());
        let start = Instant::now();
        for _ in 0..100 {
            limiter.acquire("fast").await.unwrap();
        }
        assert_eq!(Instant::now(), start);
        for _ in 0..4 {
            limiter.acquire("slow").await.unwrap();
        }
        assert!(Instant::now() - start >= Duration::from_secs(1));
    }
}
