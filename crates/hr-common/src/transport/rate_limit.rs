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
use std::sync::{Arc, Mutex};
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
    pub const fn new(per_second: Option<u32>, per_minute: Option<u32>) -> Self {
        Limits {
            // Zero means "no limit"; `Option::filter` is not const.
            per_second: match per_second {
                Some(0) => None,
                n => n,
            },
            per_minute: match per_minute {
                Some(0) => None,
                n => n,
            },
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
            // Not preallocated: a huge limit must not cost memory up front.
            granted: VecDeque::new(),
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
/// a window when it starts full, and the vendor counts per window. Callers
/// of one group queue in arrival order (a fair async mutex); only the head
/// of the queue sleeps, and a permit is recorded only when it is granted, so
/// a caller that gives up (a deadline, a dropped future) costs nobody a slot.
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
    state: Mutex<HashMap<String, Arc<tokio::sync::Mutex<GroupState>>>>,
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

    fn group_state(&self, group: &str) -> Arc<tokio::sync::Mutex<GroupState>> {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(existing) = state.get(group) {
            return existing.clone();
        }
        let limits = self.limits_for(group);
        let mut windows = Vec::new();
        if let Some(n) = limits.per_second {
            windows.push(Window::new(n, Duration::from_secs(1)));
        }
        if let Some(n) = limits.per_minute {
            windows.push(Window::new(n, Duration::from_secs(60)));
        }
        let created = Arc::new(tokio::sync::Mutex::new(GroupState { windows }));
        state.insert(group.to_owned(), created.clone());
        created
    }
}

#[async_trait]
impl RateLimiter for WindowLimiter {
    async fn acquire(&self, group: &str) -> Result<()> {
        let slot = self.group_state(group);
        let mut state = slot.lock().await;
        if state.windows.is_empty() {
            return Ok(());
        }
        let now = Instant::now();
        let at = state
            .windows
            .iter()
            .map(|w| w.earliest(now))
            .max()
            .unwrap_or(now);
        if at > now {
            tracing::trace!(
                target: "hr_common::rate_limit",
                group,
                wait_ms = (at - now).as_millis() as u64,
                "rate limit wait"
            );
            tokio::time::sleep_until(at).await;
        }
        let granted = Instant::now();
        for window in &mut state.windows {
            window.record(granted);
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
    async fn cancelled_waiters_do_not_keep_slots() {
        let limiter = Arc::new(WindowLimiter::new(Limits::new(Some(1), None)));
        limiter.acquire("g").await.unwrap();
        for _ in 0..20 {
            let gave_up =
                tokio::time::timeout(Duration::from_millis(1), limiter.acquire("g")).await;
            assert!(gave_up.is_err());
        }
        let start = Instant::now();
        limiter.acquire("g").await.unwrap();
        // One second after the first permit, not twenty.
        assert!(Instant::now() - start <= Duration::from_secs(1));
    }

    #[tokio::test(start_paused = true)]
    async fn concurrent_callers_share_the_window_in_order() {
        let limiter = Arc::new(WindowLimiter::new(Limits::new(Some(5), None)));
        let order = Arc::new(Mutex::new(Vec::new()));
        let tasks: Vec<_> = (0..23)
            .map(|i| {
                let limiter = limiter.clone();
                let order = order.clone();
                tokio::spawn(async move {
                    limiter.acquire("g").await.unwrap();
                    order.lock().unwrap().push((i, Instant::now()));
                })
            })
            .collect();
        for t in tasks {
            t.await.unwrap();
        }
        let order = order.lock().unwrap();
        let times: Vec<Instant> = order.iter().map(|(_, t)| *t).collect();
        assert!(max_in_any_window(&times, Duration::from_secs(1)) <= 5);
        let ids: Vec<usize> = order.iter().map(|(i, _)| *i).collect();
        assert_eq!(ids, (0..23).collect::<Vec<_>>(), "first come, first served");
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
