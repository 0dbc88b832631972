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
use tokio::sync::Notify;
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

    /// Like [`acquire`](Self::acquire), with the caller's [`Priority`]. A
    /// limiter that has no notion of priority need not implement it (the
    /// default ignores the priority).
    async fn acquire_with(&self, group: &str, priority: Priority) -> Result<()> {
        let _ = priority;
        self.acquire(group).await
    }

    /// Like [`acquire_with`](Self::acquire_with), and returns a [`Permit`]
    /// that the caller drops once the request is finished (its response
    /// received, or given up). The transport calls this one.
    ///
    /// A limiter that counts requests until they finish ([`WindowLimiter`]
    /// does) is exact whatever happens between the grant and the request's
    /// arrival at the server; one that counts grant times, as the default
    /// does ([`Permit::untracked`]), must keep a margin for that delay.
    async fn acquire_permit(&self, group: &str, priority: Priority) -> Result<Permit> {
        self.acquire_with(group, priority).await?;
        Ok(Permit::untracked())
    }
}

/// Permission to send one request, from [`RateLimiter::acquire_permit`].
/// Dropping it tells the limiter that the request is finished.
///
/// ```
/// use std::sync::Arc;
/// use std::sync::atomic::{AtomicBool, Ordering};
/// use hr_common::transport::Permit;
///
/// let done = Arc::new(AtomicBool::new(false));
/// let flag = done.clone();
/// let permit = Permit::new(move || flag.store(true, Ordering::SeqCst));
/// assert!(!done.load(Ordering::SeqCst));
/// drop(permit);
/// assert!(done.load(Ordering::SeqCst));
/// ```
#[must_use = "dropping the permit at once ends the request's count too early"]
pub struct Permit {
    on_finish: Option<Box<dyn FnOnce() + Send + Sync>>,
}

impl Permit {
    /// A permit that calls `on_finish` when dropped.
    pub fn new(on_finish: impl FnOnce() + Send + Sync + 'static) -> Self {
        Permit {
            on_finish: Some(Box::new(on_finish)),
        }
    }

    /// A permit the limiter does not follow: it counted the request when
    /// it granted it.
    pub fn untracked() -> Self {
        Permit { on_finish: None }
    }
}

impl Drop for Permit {
    fn drop(&mut self) {
        if let Some(finish) = self.on_finish.take() {
            finish();
        }
    }
}

impl fmt::Debug for Permit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Permit")
            .field("tracked", &self.on_finish.is_some())
            .finish()
    }
}

/// How urgently a call needs its rate-limit permit.
///
/// A [`Continuation`](Self::Continuation) is a call whose server-side state
/// expires if it waits too long, such as the next page of a scroll cursor
/// that the vendor forgets after a few idle seconds. Limiters that honour
/// priorities ([`WindowLimiter`] does) admit waiting continuations of a group
/// before waiting [`Normal`](Self::Normal) calls of the same group.
///
/// ```
/// use hr_common::transport::{CallOptions, Priority, Request};
///
/// let next_page = Request::post("/scroll").priority(Priority::Continuation);
/// assert_eq!(next_page.get_priority(), Priority::Continuation);
/// assert_eq!(Request::post("/x").get_priority(), Priority::Normal);
/// let opts = CallOptions::new().priority(Priority::Continuation);
/// assert_eq!(Request::post("/x").options(&opts).get_priority(), Priority::Continuation);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Priority {
    /// An ordinary call, served in arrival order.
    #[default]
    Normal,
    /// A call continuing server-side state that expires when idle; served
    /// before waiting [`Normal`](Self::Normal) calls.
    Continuation,
}

/// The default [headroom](Limits::headroom): 3% of each window's span.
pub const DEFAULT_HEADROOM: f64 = 0.03;

/// The largest headroom [`Limits::headroom`] accepts.
const MAX_HEADROOM: f64 = 0.5;

/// Limits for one endpoint group. `None` means unlimited.
///
/// ```
/// let beisen = hr_common::transport::Limits::new(Some(50), Some(1500));
/// assert_eq!(beisen.per_second(), Some(50));
/// assert_eq!(beisen.get_headroom(), hr_common::transport::DEFAULT_HEADROOM);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Limits {
    per_second: Option<u32>,
    per_minute: Option<u32>,
    /// In millionths of the span; `None`: [`DEFAULT_HEADROOM`]. An integer
    /// keeps `Limits` `Eq` and usable in `const` items.
    headroom_ppm: Option<u32>,
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
            headroom_ppm: None,
        }
    }

    /// No limit at all.
    pub fn unlimited() -> Self {
        Limits::default()
    }

    /// Keeps a safety margin under the limits, as a fraction of each
    /// window's span (clamped to `0.0..=0.5`; [`DEFAULT_HEADROOM`], 3%, if
    /// never set).
    ///
    /// With headroom `h`, [`WindowLimiter`] admits at most `per_second`
    /// requests in any `1 + h` seconds and at most `per_minute` in any
    /// `60 × (1 + h)` seconds. The rate is thus about `h` under the limit,
    /// and the server still sees no more than its limits when requests
    /// reach it out of step by up to `h` seconds (per-second limit) or
    /// `60 × h` seconds (per-minute limit): network jitter, or windows
    /// counted on a clock that is not ours. (Requests sent through the
    /// transport hold a [`Permit`] until they finish, which covers any
    /// delay on the way out exactly; the headroom then only covers the
    /// server's clock and rounding.)
    ///
    /// ```
    /// use hr_common::transport::Limits;
    ///
    /// let tight = Limits::new(Some(100), Some(3000)).headroom(0.05);
    /// assert_eq!(tight.get_headroom(), 0.05);
    /// assert_eq!(Limits::new(Some(1), None).headroom(2.0).get_headroom(), 0.5);
    /// ```
    pub fn headroom(mut self, fraction: f64) -> Self {
        // `!(x >= 0)` also catches NaN.
        let fraction = if fraction >= 0.0 {
            fraction.min(MAX_HEADROOM)
        } else {
            0.0
        };
        self.headroom_ppm = Some((fraction * 1e6).round() as u32);
        self
    }

    /// Requests allowed in any one-second window.
    pub fn per_second(&self) -> Option<u32> {
        self.per_second
    }

    /// Requests allowed in any sixty-second window.
    pub fn per_minute(&self) -> Option<u32> {
        self.per_minute
    }

    /// The safety margin, as a fraction of each window's span; see
    /// [`headroom`](Self::headroom).
    pub fn get_headroom(&self) -> f64 {
        self.headroom_ppm
            .map_or(DEFAULT_HEADROOM, |ppm| f64::from(ppm) / 1e6)
    }

    /// `span` lengthened by the headroom.
    fn widened(&self, span: Duration) -> Duration {
        span.mul_f64(1.0 + self.get_headroom())
    }
}

/// One limit: at most `limit` requests in any `span`, counted exactly.
///
/// A request counts from its grant until `span` after it finished: a
/// request the server receives at `a` was granted before `a` and finished
/// after it, so every other request the server received in the `span`
/// before `a` was, when this one was granted, either in flight or finished
/// less than `span` before. Counting those keeps the server's own window
/// within the limit, however long requests spend between grant and
/// arrival (a busy runtime, a slow connection). A request that finishes
/// at its grant ([`Permit::untracked`]) counts from its grant.
/// A token bucket of the same rate would let up to twice the limit through
/// in one window when it starts full.
struct Window {
    limit: usize,
    span: Duration,
    in_flight: usize,
    /// When recent requests finished, oldest first: at most the `limit`
    /// most recent within `span` (older ones can no longer decide a wait).
    finished: VecDeque<Instant>,
}

impl Window {
    fn new(limit: u32, span: Duration) -> Self {
        Window {
            limit: limit as usize,
            span,
            in_flight: 0,
            // Not preallocated: a huge limit must not cost memory up front.
            finished: VecDeque::new(),
        }
    }

    /// The earliest instant at which one more request fits in the window;
    /// `None` while the requests in flight alone fill it (one must finish).
    fn earliest(&mut self, now: Instant) -> Option<Instant> {
        self.prune(now);
        let used = self.in_flight + self.finished.len();
        if used < self.limit {
            return Some(now);
        }
        if self.in_flight >= self.limit {
            return None;
        }
        // `used - limit + 1` finished requests must drop out of the span.
        Some((self.finished[used - self.limit] + self.span).max(now))
    }

    fn grant(&mut self) {
        self.in_flight += 1;
    }

    fn finish(&mut self, at: Instant) {
        self.in_flight = self.in_flight.saturating_sub(1);
        self.finished.push_back(at);
        self.prune(at);
    }

    fn prune(&mut self, now: Instant) {
        while self.finished.len() > self.limit
            || self.finished.front().is_some_and(|t| *t + self.span <= now)
        {
            self.finished.pop_front();
        }
    }
}

/// The longest a group's callers wait for the per-minute limit once its
/// budget for the moment is spent: the per-minute budget is handed out in
/// slices short enough that no open scroll idles past this (Beisen's
/// scroll cursors live 10 seconds).
pub const MAX_MINUTE_STALL: Duration = Duration::from_secs(5);

/// The per-minute limit `limit` over `span` as `k` slices: at most
/// `⌊limit / k⌋` permits in any `span / k`, counted exactly. Any window of
/// `span` is `k` consecutive slices, so it holds at most the limit; a short
/// run spends up to a slice at the per-second rate, with no pacing at all;
/// a long one, once a slice is spent, waits for the slice to roll on: at
/// most `(span - limit / per_second) / k`, which `k` keeps under
/// [`MAX_MINUTE_STALL`].
fn minute_window(limit: u32, per_second: Option<u32>, span: Duration) -> Window {
    // The time the whole minute's budget takes at the per-second rate.
    let spend = per_second.map_or(0.0, |p| f64::from(limit) / f64::from(p.max(1)));
    let idle = (span.as_secs_f64() - spend).max(0.0);
    let for_stall = (idle / MAX_MINUTE_STALL.as_secs_f64()).ceil().max(1.0);
    // Each slice rounds the budget down, so small limits get few slices:
    // the rounding costs under 10% of the limit.
    let k = (for_stall as u32).clamp(1, (limit / 10).max(1));
    Window::new(limit / k, span / k)
}

/// A caller waiting for a permit.
struct Waiter {
    id: u64,
    wake: Arc<Notify>,
}

/// One group's limits and queue.
struct GroupState {
    per_second: Option<Window>,
    per_minute: Option<Window>,
    /// Waiting callers: continuations first, then normal calls, each in
    /// arrival order.
    queues: [VecDeque<Waiter>; 2],
    next_id: u64,
}

fn queue_index(priority: Priority) -> usize {
    match priority {
        Priority::Continuation => 0,
        Priority::Normal => 1,
    }
}

impl GroupState {
    /// When one more request fits both windows; `None` until a request in
    /// flight finishes.
    fn earliest(&mut self, now: Instant) -> Option<Instant> {
        let second = match &mut self.per_second {
            Some(w) => w.earliest(now)?,
            None => now,
        };
        let minute = match &mut self.per_minute {
            Some(w) => w.earliest(now)?,
            None => now,
        };
        Some(second.max(minute))
    }

    fn grant(&mut self) {
        self.per_second.iter_mut().for_each(Window::grant);
        self.per_minute.iter_mut().for_each(Window::grant);
    }

    fn finish(&mut self, at: Instant) {
        for w in self.per_second.iter_mut().chain(self.per_minute.iter_mut()) {
            w.finish(at);
        }
    }

    fn head(&self) -> Option<&Waiter> {
        self.queues.iter().find_map(VecDeque::front)
    }

    fn is_idle(&self) -> bool {
        self.queues.iter().all(VecDeque::is_empty)
    }

    fn remove(&mut self, id: u64, queue: usize) {
        if let Some(at) = self.queues[queue].iter().position(|w| w.id == id) {
            self.queues[queue].remove(at);
        }
    }

    /// Tells the head of the queue to look again: the one before it left.
    fn wake_head(&self) {
        if let Some(head) = self.head() {
            head.wake.notify_one();
        }
    }
}

/// A group's state, or nothing for a group without limits.
type Slot = Option<Arc<Mutex<GroupState>>>;

fn lock(state: &Mutex<GroupState>) -> std::sync::MutexGuard<'_, GroupState> {
    state.lock().unwrap_or_else(|e| e.into_inner())
}

/// A place in a group's queue, given up when dropped (a caller that gives
/// up must not hold the queue).
struct Ticket<'a> {
    state: &'a Mutex<GroupState>,
    id: u64,
    queue: usize,
    wake: Arc<Notify>,
    admitted: bool,
}

impl Drop for Ticket<'_> {
    fn drop(&mut self) {
        if !self.admitted {
            let mut state = lock(self.state);
            state.remove(self.id, self.queue);
            state.wake_head();
        }
    }
}

/// In-process limiter: per endpoint group, at most N requests per second
/// and M per minute, with bursts for short runs and no long stalls in long
/// ones.
///
/// Both limits are counted over exact sliding windows, in which a request
/// counts from its grant until a span after it finished (when the
/// transport drops its [`Permit`]): however long a request spends between
/// the grant and the server (a busy runtime, a slow connection), the
/// server's own window never holds more than the limit, so paced calls
/// draw no 429. The per-minute limit is handed out in slices: at most `⌊M / k⌋` in any
/// `1/k` of the minute, which bounds every minute by M. A run that needs
/// less than a slice (at 100/s and 3,000/min, 428 requests in any 8.8 s)
/// goes at the per-second rate, unpaced; a longer one averages M a minute
/// and, once a slice is spent, waits at most [`MAX_MINUTE_STALL`] for the
/// next: spending a minute's budget in its first seconds and then stalling
/// for the rest would let a vendor's idle timeout (Beisen's scroll cursors
/// live 10 seconds) expire the open cursors. Both keep the
/// [headroom](Limits::headroom) of their [`Limits`] (3% by default): with
/// limits of 100/s and 3,000/min, at most 100 requests go in any 1.03 s
/// and 2,996 in any 61.8 s. Callers of [`acquire`](RateLimiter::acquire)
/// and [`acquire_with`](RateLimiter::acquire_with), which hold no permit,
/// count from the grant alone.
///
/// Callers of one group queue: those with [`Priority::Continuation`]
/// before those with [`Priority::Normal`], each in arrival order. Only the
/// head of the queue sleeps, and a permit is recorded only when it is
/// granted, so a caller that gives up (a deadline, a dropped future) costs
/// nobody a slot.
///
/// ```
/// use hr_common::transport::{Limits, Priority, RateLimiter, WindowLimiter};
///
/// let limiter = WindowLimiter::new(Limits::new(Some(50), Some(1500)))
///     .with_group("recruiting", Limits::new(Some(20), Some(1000)));
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// limiter.acquire("employee").await?;
/// limiter.acquire_with("employee", Priority::Continuation).await?;
/// # Ok::<_, hr_common::Error>(()) }).unwrap();
/// ```
pub struct WindowLimiter {
    default: Limits,
    groups: HashMap<String, Limits>,
    state: Mutex<HashMap<String, Slot>>,
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

    fn group_state(&self, group: &str) -> Slot {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(existing) = state.get(group) {
            return existing.clone();
        }
        let limits = self.limits_for(group);
        let per_second = limits
            .per_second
            .map(|n| Window::new(n, limits.widened(Duration::from_secs(1))));
        let per_minute = limits.per_minute.map(|n| {
            minute_window(
                n,
                limits.per_second,
                limits.widened(Duration::from_secs(60)),
            )
        });
        let created = (per_second.is_some() || per_minute.is_some()).then(|| {
            Arc::new(Mutex::new(GroupState {
                per_second,
                per_minute,
                queues: [VecDeque::new(), VecDeque::new()],
                next_id: 0,
            }))
        });
        state.insert(group.to_owned(), created.clone());
        created
    }
}

/// Tells a group that one of its requests finished.
fn finish(slot: &Mutex<GroupState>) {
    let mut state = lock(slot);
    state.finish(Instant::now());
    // A waiter blocked on requests in flight may go now.
    state.wake_head();
}

impl WindowLimiter {
    /// Waits for a place in both windows of `group` and takes it; the
    /// caller must [`finish`] the slot it gets.
    async fn admit(&self, group: &str, priority: Priority) -> Slot {
        let slot = self.group_state(group)?;
        let mut ticket = {
            let mut state = lock(&slot);
            let now = Instant::now();
            if state.is_idle() && state.earliest(now).is_some_and(|at| at <= now) {
                state.grant();
                drop(state);
                return Some(slot);
            }
            let id = state.next_id;
            state.next_id += 1;
            let wake = Arc::new(Notify::new());
            let queue = queue_index(priority);
            state.queues[queue].push_back(Waiter {
                id,
                wake: wake.clone(),
            });
            Ticket {
                state: &slot,
                id,
                queue,
                wake,
                admitted: false,
            }
        };
        loop {
            let due = {
                let mut state = lock(&slot);
                if state.head().map(|w| w.id) == Some(ticket.id) {
                    let now = Instant::now();
                    match state.earliest(now) {
                        Some(at) if at <= now => {
                            state.grant();
                            state.remove(ticket.id, ticket.queue);
                            state.wake_head();
                            ticket.admitted = true;
                            break;
                        }
                        Some(at) => Some((at, at - now)),
                        // Woken by the next request to finish.
                        None => None,
                    }
                } else {
                    None
                }
            };
            match due {
                Some((at, wait)) => {
                    tracing::trace!(
                        target: "hr_common::rate_limit",
                        group,
                        ?priority,
                        wait_ms = wait.as_millis() as u64,
                        "rate limit wait"
                    );
                    // A continuation arriving meanwhile takes the head; it
                    // wakes this caller again once served.
                    tokio::select! {
                        () = tokio::time::sleep_until(at) => {}
                        () = ticket.wake.notified() => {}
                    }
                }
                None => ticket.wake.notified().await,
            }
        }
        drop(ticket);
        Some(slot)
    }
}

#[async_trait]
impl RateLimiter for WindowLimiter {
    async fn acquire(&self, group: &str) -> Result<()> {
        self.acquire_with(group, Priority::Normal).await
    }

    /// Counts the request from its grant: nothing tells this limiter when
    /// it finishes.
    async fn acquire_with(&self, group: &str, priority: Priority) -> Result<()> {
        if let Some(slot) = self.admit(group, priority).await {
            finish(&slot);
        }
        Ok(())
    }

    async fn acquire_permit(&self, group: &str, priority: Priority) -> Result<Permit> {
        Ok(match self.admit(group, priority).await {
            Some(slot) => Permit::new(move || finish(&slot)),
            None => Permit::untracked(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The most grant times in any half-open window `[t, t + span)`.
    fn max_in_any_window(times: &[Instant], span: Duration) -> usize {
        let mut most = 0;
        let mut end = 0;
        for (start, t) in times.iter().enumerate() {
            while end < times.len() && times[end] < *t + span {
                end += 1;
            }
            most = most.max(end - start);
        }
        most
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
        // With the default 3% headroom: 20 in any 61.8 s, in two slices of
        // 10 per 30.9 s (20 is too small a limit for more slices).
        assert!(max_in_any_window(&times, Duration::from_millis(61_800)) <= 20);
        assert!(max_in_any_window(&times, Duration::from_millis(30_900)) <= 10);
        // 45 permits: the fifth slice opens at 4 × 30.9 s = 123.6 s…
        assert!(Instant::now() - start >= Duration::from_millis(123_600));
        // …and its 5 permits go at once: the limiter does not over-throttle.
        assert!(Instant::now() - start < Duration::from_millis(124_700));
    }

    /// A run shorter than a slice of the minute's budget goes at the
    /// per-second limit: 345 requests (a 100,000-record Beisen window run)
    /// take 3.4 s at 100/s, not the 7 s an even spread of 3,000 a minute
    /// would take.
    #[tokio::test(start_paused = true)]
    async fn a_short_run_bursts_at_the_per_second_limit() {
        let limiter = WindowLimiter::new(Limits::new(Some(100), Some(3000)));
        let start = Instant::now();
        let mut times = Vec::new();
        for _ in 0..345 {
            limiter.acquire("g").await.unwrap();
            times.push(Instant::now());
        }
        assert!(max_in_any_window(&times, Duration::from_millis(1030)) <= 100);
        let took = Instant::now() - start;
        assert!(took >= Duration::from_millis(3090), "{took:?}");
        assert!(took < Duration::from_millis(3600), "{took:?}");
    }

    /// Constant demand over three simulated minutes at Beisen-like limits:
    /// both sliding windows hold (with the headroom), the budget is spent
    /// slice by slice instead of in the minute's first seconds followed by
    /// a stall, and the rate stays close to the limit.
    #[tokio::test(start_paused = true)]
    async fn paces_evenly_under_constant_demand() {
        let limiter = Arc::new(WindowLimiter::new(Limits::new(Some(100), Some(3000))));
        let start = Instant::now();
        let end = start + Duration::from_secs(180);
        let times = Arc::new(Mutex::new(Vec::new()));
        // Eight callers, each sending as soon as its previous 30 ms call is
        // done: far more demand than 50/s.
        let callers: Vec<_> = (0..8)
            .map(|_| {
                let limiter = limiter.clone();
                let times = times.clone();
                tokio::spawn(async move {
                    loop {
                        limiter.acquire("g").await.unwrap();
                        let now = Instant::now();
                        if now >= end {
                            break;
                        }
                        times.lock().unwrap().push(now);
                        tokio::time::sleep(Duration::from_millis(30)).await;
                    }
                })
            })
            .collect();
        for c in callers {
            c.await.unwrap();
        }
        let mut times = times.lock().unwrap().clone();
        times.sort();
        assert!(max_in_any_window(&times, Duration::from_secs(1)) <= 100);
        assert!(max_in_any_window(&times, Duration::from_secs(60)) <= 3000);
        assert!(max_in_any_window(&times, Duration::from_millis(1030)) <= 100);
        assert!(max_in_any_window(&times, Duration::from_millis(61_800)) <= 3000);
        let longest_gap = times.windows(2).map(|w| w[1] - w[0]).max().unwrap();
        // Never near the 10 s a Beisen scroll survives idle.
        assert!(longest_gap <= MAX_MINUTE_STALL, "{longest_gap:?}");
        // 7 slices of 428 per 61.8 s: 2,996 per 61.8 s, ~48.5/s.
        assert!(times.len() >= 8600, "{} grants", times.len());
    }

    #[tokio::test(start_paused = true)]
    async fn continuations_overtake_waiting_normal_calls() {
        let limiter = Arc::new(WindowLimiter::new(Limits::new(Some(1), None)));
        limiter.acquire("g").await.unwrap();
        let order = Arc::new(Mutex::new(Vec::new()));
        let mut tasks = Vec::new();
        for (name, priority) in [
            ("n0", Priority::Normal),
            ("n1", Priority::Normal),
            ("n2", Priority::Normal),
            ("c0", Priority::Continuation),
            ("c1", Priority::Continuation),
        ] {
            let limiter = limiter.clone();
            let order = order.clone();
            tasks.push(tokio::spawn(async move {
                limiter.acquire_with("g", priority).await.unwrap();
                order.lock().unwrap().push(name);
            }));
            // Each queues before the next arrives.
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        // Another group's continuation neither waits for nor delays "g".
        limiter
            .acquire_with("other", Priority::Continuation)
            .await
            .unwrap();
        order.lock().unwrap().push("other");
        for t in tasks {
            t.await.unwrap();
        }
        assert_eq!(
            *order.lock().unwrap(),
            ["other", "c0", "c1", "n0", "n1", "n2"]
        );
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
        // One window after the first permit, not twenty.
        assert!(Instant::now() - start <= Duration::from_millis(1030));
    }

    #[tokio::test(start_paused = true)]
    async fn a_cancelled_head_hands_over_to_the_next() {
        let limiter = Arc::new(WindowLimiter::new(Limits::new(Some(1), None)));
        limiter.acquire("g").await.unwrap();
        let head = tokio::spawn({
            let limiter = limiter.clone();
            async move { limiter.acquire("g").await }
        });
        tokio::time::sleep(Duration::from_millis(10)).await;
        let next = tokio::spawn({
            let limiter = limiter.clone();
            async move { limiter.acquire("g").await }
        });
        tokio::time::sleep(Duration::from_millis(10)).await;
        head.abort();
        let start = Instant::now();
        tokio::time::timeout(Duration::from_secs(5), next)
            .await
            .expect("the next waiter is served once the head leaves")
            .unwrap()
            .unwrap();
        // Served when the first permit's 1.03 s window ends.
        assert!(Instant::now() - start <= Duration::from_millis(1030));
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

    #[tokio::test(start_paused = true)]
    async fn zero_headroom_uses_the_whole_window() {
        let limiter = WindowLimiter::new(Limits::new(Some(4), None).headroom(0.0));
        limiter.acquire("g").await.unwrap();
        let start = Instant::now();
        for _ in 0..4 {
            limiter.acquire("g").await.unwrap();
        }
        // The 5th permit comes exactly one second after the 1st.
        assert_eq!(Instant::now() - start, Duration::from_secs(1));
    }

    /// A request counts until a span after it finished: two held permits
    /// fill a limit of 2, and the third waits a full span after the first
    /// one finished, however long ago it was granted.
    #[tokio::test(start_paused = true)]
    async fn a_permit_counts_until_a_span_after_it_finished() {
        let limiter = Arc::new(WindowLimiter::new(Limits::new(Some(2), None).headroom(0.0)));
        let first = limiter.acquire_permit("g", Priority::Normal).await.unwrap();
        let _second = limiter.acquire_permit("g", Priority::Normal).await.unwrap();
        let waiting = tokio::spawn({
            let limiter = limiter.clone();
            async move {
                let _third = limiter.acquire_permit("g", Priority::Normal).await.unwrap();
                Instant::now()
            }
        });
        // Held for five seconds: grant-time counting would have let the
        // third one go after one.
        tokio::time::sleep(Duration::from_secs(5)).await;
        assert!(!waiting.is_finished());
        let finished_at = Instant::now();
        drop(first);
        let granted_at = waiting.await.unwrap();
        assert_eq!(granted_at - finished_at, Duration::from_secs(1));
    }

    /// Whatever the delay between a grant and the request's arrival at the
    /// server (a busy runtime, a slow connection), the server never sees
    /// more than the limit in any window, even with no headroom at all:
    /// each request arrives somewhere between its grant and the end of its
    /// permit.
    #[tokio::test(start_paused = true)]
    async fn arrivals_stay_within_the_limit_whatever_the_delays() {
        let limiter = Arc::new(WindowLimiter::new(
            Limits::new(Some(10), Some(60)).headroom(0.0),
        ));
        let arrivals = Arc::new(Mutex::new(Vec::new()));
        let mut rng = fastrand::Rng::with_seed(7);
        let mut tasks = Vec::new();
        for _ in 0..8 {
            let (limiter, arrivals) = (limiter.clone(), arrivals.clone());
            let delays: Vec<(u64, u64)> = (0..30)
                .map(|_| (rng.u64(0..1500), rng.u64(0..1500)))
                .collect();
            tasks.push(tokio::spawn(async move {
                for (to_server, back) in delays {
                    let permit = limiter.acquire_permit("g", Priority::Normal).await.unwrap();
                    tokio::time::sleep(Duration::from_millis(to_server)).await;
                    arrivals.lock().unwrap().push(Instant::now());
                    tokio::time::sleep(Duration::from_millis(back)).await;
                    drop(permit);
                }
            }));
        }
        for task in tasks {
            task.await.unwrap();
        }
        let mut times = arrivals.lock().unwrap().clone();
        times.sort();
        assert_eq!(times.len(), 240);
        assert!(max_in_any_window(&times, Duration::from_secs(1)) <= 10);
        assert!(max_in_any_window(&times, Duration::from_secs(60)) <= 60);
    }

    /// The same delays with grant-time counting break the limit at the
    /// server: what the test above guards against is real.
    #[tokio::test(start_paused = true)]
    async fn grant_time_counting_does_not_survive_delays() {
        let limiter = Arc::new(WindowLimiter::new(
            Limits::new(Some(10), None).headroom(0.0),
        ));
        let arrivals = Arc::new(Mutex::new(Vec::new()));
        let mut rng = fastrand::Rng::with_seed(7);
        let mut tasks = Vec::new();
        for _ in 0..8 {
            let (limiter, arrivals) = (limiter.clone(), arrivals.clone());
            let delays: Vec<u64> = (0..30).map(|_| rng.u64(0..1500)).collect();
            tasks.push(tokio::spawn(async move {
                for to_server in delays {
                    limiter.acquire("g").await.unwrap();
                    tokio::time::sleep(Duration::from_millis(to_server)).await;
                    arrivals.lock().unwrap().push(Instant::now());
                }
            }));
        }
        for task in tasks {
            task.await.unwrap();
        }
        let mut times = arrivals.lock().unwrap().clone();
        times.sort();
        assert!(max_in_any_window(&times, Duration::from_secs(1)) > 10);
    }

    #[test]
    fn headroom_is_clamped() {
        let l = Limits::new(Some(1), None);
        assert_eq!(l.get_headroom(), DEFAULT_HEADROOM);
        assert_eq!(l.headroom(-1.0).get_headroom(), 0.0);
        assert_eq!(l.headroom(f64::NAN).get_headroom(), 0.0);
        assert_eq!(l.headroom(0.9).get_headroom(), 0.5);
        assert_eq!(l.headroom(0.02).get_headroom(), 0.02);
    }
}
