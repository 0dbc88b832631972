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

    /// Like [`acquire`](Self::acquire), with the caller's [`Priority`]. The
    /// transport calls this one; a limiter that has no notion of priority
    /// need not implement it (the default ignores the priority).
    async fn acquire_with(&self, group: &str, priority: Priority) -> Result<()> {
        let _ = priority;
        self.acquire(group).await
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
    /// counted on a clock that is not ours.
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

/// The per-second limit: the grant times of the most recent `limit` permits
/// within `span`, counted exactly. A token bucket of the same rate would let
/// up to twice the limit through in one window when it starts full.
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
        // Older grants no longer count: dropping them keeps memory to what
        // one span actually admitted, whatever the limit.
        while self.granted.len() > self.limit
            || self.granted.front().is_some_and(|t| *t + self.span <= at)
        {
            self.granted.pop_front();
        }
    }
}

/// The per-minute limit, paced by the generic cell rate algorithm: one
/// permit every `interval` on average, and up to `burst` at once when the
/// schedule has fallen behind (after an idle spell).
///
/// Any window of length `W` then admits fewer than `W / interval + burst`
/// permits: the `k`-th permit after one at `t` comes no sooner than
/// `t + (k - 1) × interval - (burst - 1) × interval`. `interval` is chosen
/// from that bound so that a window of the (widened) span holds at most the
/// limit.
struct Pace {
    interval: Duration,
    /// `(burst - 1) × interval`.
    tolerance: Duration,
    /// When the next permit is due on the even schedule.
    due: Option<Instant>,
}

impl Pace {
    /// Burst as a share of the limit: small, so that most of the budget
    /// goes to the even schedule (the sustained rate is
    /// `(limit + 1 - burst) / span`).
    const BURST_SHARE: u32 = 200;

    fn new(limit: u32, span: Duration) -> Self {
        let burst = limit.div_ceil(Self::BURST_SHARE).max(1);
        // `limit + 1 - burst >= 1` since `burst <= limit` for `limit >= 1`.
        let slots = limit + 1 - burst;
        // Rounded up to the nanosecond: a rounded-down interval could let
        // one permit too many into a window.
        let nanos = span.as_nanos().div_ceil(u128::from(slots));
        let interval = Duration::from_nanos(u64::try_from(nanos).unwrap_or(u64::MAX));
        Pace {
            interval,
            tolerance: interval.saturating_mul(burst - 1),
            due: None,
        }
    }

    fn earliest(&self, now: Instant) -> Instant {
        match self.due.and_then(|due| due.checked_sub(self.tolerance)) {
            Some(at) => at.max(now),
            None => now,
        }
    }

    fn record(&mut self, at: Instant) {
        let from = self.due.map_or(at, |due| due.max(at));
        self.due = Some(from + self.interval);
    }
}

/// A caller waiting for a permit.
struct Waiter {
    id: u64,
    wake: Arc<Notify>,
}

/// One group's limits and queue.
struct GroupState {
    per_second: Option<Window>,
    per_minute: Option<Pace>,
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
    fn earliest(&self, now: Instant) -> Instant {
        let second = self.per_second.as_ref().map_or(now, |w| w.earliest(now));
        let minute = self.per_minute.as_ref().map_or(now, |p| p.earliest(now));
        second.max(minute)
    }

    fn record(&mut self, at: Instant) {
        if let Some(w) = &mut self.per_second {
            w.record(at);
        }
        if let Some(p) = &mut self.per_minute {
            p.record(at);
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
/// and M per minute, paced evenly.
///
/// The per-minute limit is spread evenly over the minute (a permit every
/// `60 / M` seconds, with a burst of 0.5% of `M` after an idle spell):
/// spending a minute's budget in its first seconds and then stalling for
/// the rest would let a vendor's idle timeout (Beisen's scroll cursors live
/// 10 seconds) expire the open cursors. The per-second limit is counted
/// over exact sliding windows and allows bursts up to N as long as the
/// per-minute schedule allows them. Both keep the [headroom](Limits::headroom)
/// of their [`Limits`] (3% by default): with limits of 100/s and 3,000/min,
/// at most 100 requests go in any 1.03 s and about 48.3 per second on
/// average.
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
        let per_minute = limits
            .per_minute
            .map(|n| Pace::new(n, limits.widened(Duration::from_secs(60))));
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

#[async_trait]
impl RateLimiter for WindowLimiter {
    async fn acquire(&self, group: &str) -> Result<()> {
        self.acquire_with(group, Priority::Normal).await
    }

    async fn acquire_with(&self, group: &str, priority: Priority) -> Result<()> {
        let Some(slot) = self.group_state(group) else {
            return Ok(());
        };
        let mut ticket = {
            let mut state = lock(&slot);
            let now = Instant::now();
            if state.is_idle() && state.earliest(now) <= now {
                state.record(now);
                return Ok(());
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
                    let at = state.earliest(now);
                    if at <= now {
                        state.record(now);
                        state.remove(ticket.id, ticket.queue);
                        state.wake_head();
                        ticket.admitted = true;
                        return Ok(());
                    }
                    Some((at, at - now))
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
        // With the default 3% headroom: 20 in any 61.8 s, evenly spaced.
        assert!(max_in_any_window(&times, Duration::from_millis(61_800)) <= 20);
        // 45 permits at 20 per 61.8 s: 44 intervals of 3.09 s…
        assert!(Instant::now() - start >= Duration::from_secs(135));
        // …and not much more: the limiter does not over-throttle.
        assert!(Instant::now() - start < Duration::from_secs(137));
    }

    /// Constant demand over three simulated minutes at Beisen-like limits:
    /// both sliding windows hold (with the headroom), the budget is spread
    /// over each minute instead of spent early and followed by a stall, and
    /// the rate stays close to the limit.
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
        assert!(longest_gap <= Duration::from_secs(2), "{longest_gap:?}");
        // Evenly: about one grant every 20.7 ms, never a long pause.
        assert!(longest_gap <= Duration::from_millis(50), "{longest_gap:?}");
        // 3000 per 61.8 s less the 0.5% burst allowance: ~48.3/s.
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
