//! A [`RateLimiter`] shared through Redis by every process of a tenant.
//!
//! Vendors count calls per tenant, not per process: two workers syncing one
//! tenant, each with its own [`WindowLimiter`](super::WindowLimiter) at the
//! vendor's limit, send twice the limit. [`RedisLimiter`] keeps the same
//! windows as the in-process limiter in Redis, so that every process using
//! the same key prefix draws from one budget.

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use redis::aio::MultiplexedConnection;
use redis::{AsyncConnectionConfig, Client, ErrorKind, RedisError, Script};
use secrecy::{ExposeSecret, SecretString};
use tokio::sync::Notify;
use tokio::time::Instant;

use super::{DEFAULT_DEADLINE, Limits, MAX_MINUTE_STALL, Priority, RateLimiter};
use crate::error::{Error, Result, TransportErrorKind};

/// Connect timeout unless the builder sets another: a Redis on the same
/// network answers in milliseconds, and a call should not hang on one that
/// does not.
const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(2);

/// Timeout of one Redis command unless the builder sets another. The script
/// runs in microseconds; a second means Redis is stuck or unreachable.
const DEFAULT_RESPONSE_TIMEOUT: Duration = Duration::from_secs(1);

/// The largest random delay added to a wait: processes told the same wait
/// would otherwise all ask again in the same instant, and all but one be
/// told to wait again.
const MAX_JITTER: Duration = Duration::from_millis(25);

/// How long past the wait it was named a waiter keeps its place in the
/// shared queue without asking again. One that asks later (it gave up, its
/// process died, its machine stalled) has left the queue, and joins at the
/// back if it asks again.
const QUEUE_GRACE: Duration = Duration::from_secs(1);

/// How long a group's queue keys live after their last use.
const QUEUE_KEY_TTL: Duration = Duration::from_secs(120);

/// One permit, atomically and in turn: every window of the group is
/// checked against the server's clock, and the permit recorded in all of
/// them only when all allow it and the asker's turn has come.
///
/// `ARGV[1]`: the asker (one limiter and group); `ARGV[2]`: the queue grace
/// and `ARGV[3]` the queue keys' lifetime (µs, ms). For window `i` (`n` of
/// them): `KEYS[i]`, a list of grant times (µs), newest first, at most
/// `limit` long; `ARGV[2i + 2]`, `ARGV[2i + 3]`: its limit and span (µs).
/// `KEYS[n + 1]`: the waiting askers (a sorted set by arrival),
/// `KEYS[n + 2]`: when each must have asked again (a hash), `KEYS[n + 3]`:
/// the arrival counter.
///
/// Turns: an asker with `a` live waiters queued before it (all of them if
/// it is not queued) is granted only when every window has `a + 1` free
/// places, so a process that waited is never overtaken for the last free
/// place by one that asked later or woke faster; spare places still go to
/// whoever asks. A window has `a + 1` free places when its list holds
/// fewer than `limit - a` grants or its `(limit - a)`-th newest is at
/// least `span` old: exact sliding windows, as in the local limiter (with
/// `limit` or more waiters ahead, never: it asks again after about one
/// grant's time, `span / limit`). A waiter that has not asked again by the time it was due (its wait plus
/// the grace) is dropped from the queue.
///
/// Returns `{1, 0, 0}` when granted, `{0, wait_µs, a}` otherwise. Times
/// are written with `%.0f`: Redis would print a large Lua number in
/// exponent notation and lose digits.
const SCRIPT: &str = r"
if redis.replicate_commands then pcall(redis.replicate_commands) end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local me = ARGV[1]
local grace = tonumber(ARGV[2])
local n = (#ARGV - 3) / 2
local queue, due, seq = KEYS[n + 1], KEYS[n + 2], KEYS[n + 3]
local ahead, queued = 0, false
for _, m in ipairs(redis.call('ZRANGE', queue, 0, -1)) do
  if m == me then
    queued = true
    break
  end
  if tonumber(redis.call('HGET', due, m) or '0') < now then
    redis.call('ZREM', queue, m)
    redis.call('HDEL', due, m)
  else
    ahead = ahead + 1
  end
end
local at = now
for i = 1, n do
  local limit = tonumber(ARGV[2 * i + 2])
  local span = tonumber(ARGV[2 * i + 3])
  if ahead >= limit then
    local next = now + math.ceil(span / limit)
    if next > at then at = next end
  else
    local stamp = redis.call('LINDEX', KEYS[i], limit - 1 - ahead)
    if stamp then
      local free = tonumber(stamp) + span
      if free > at then at = free end
    end
  end
end
local keep = {queue, due, seq}
if at > now then
  if not queued then
    redis.call('ZADD', queue, redis.call('INCR', seq), me)
  end
  redis.call('HSET', due, me, string.format('%.0f', at + grace))
  for _, k in ipairs(keep) do redis.call('PEXPIRE', k, ARGV[3]) end
  return {0, math.ceil(at - now), ahead}
end
if queued then
  redis.call('ZREM', queue, me)
  redis.call('HDEL', due, me)
end
local stamp = string.format('%.0f', now)
for i = 1, n do
  local limit = tonumber(ARGV[2 * i + 2])
  local span = tonumber(ARGV[2 * i + 3])
  redis.call('LPUSH', KEYS[i], stamp)
  redis.call('LTRIM', KEYS[i], 0, limit - 1)
  redis.call('PEXPIRE', KEYS[i], string.format('%.0f', math.ceil(span / 1000) + 1))
end
return {1, 0, 0}
";

/// One window of a group: at most `limit` permits in any `span_us`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Window {
    /// `"sec"` or `"min"`, the end of its key.
    name: &'static str,
    limit: u32,
    span_us: u64,
}

/// A group's windows, the same as [`WindowLimiter`](super::WindowLimiter)'s:
/// the per-second limit over `1 + h` seconds, and the per-minute limit as
/// `k` slices of `⌊M / k⌋` permits in any `60 × (1 + h) / k` seconds, `k`
/// chosen as the local limiter does so that no wait for the minute's budget
/// exceeds [`MAX_MINUTE_STALL`]. Empty for a group without limits.
///
/// Spans are rounded up to the microsecond: a window never admits more
/// than the local one would.
fn windows(limits: Limits) -> Vec<Window> {
    let widened = |span: Duration| span.mul_f64(1.0 + limits.get_headroom());
    let micros_up =
        |span: Duration| u64::try_from(span.as_nanos().div_ceil(1000)).unwrap_or(u64::MAX);
    let mut windows = Vec::with_capacity(2);
    if let Some(n) = limits.per_second() {
        windows.push(Window {
            name: "sec",
            limit: n,
            span_us: micros_up(widened(Duration::from_secs(1))),
        });
    }
    if let Some(m) = limits.per_minute() {
        let span = widened(Duration::from_secs(60));
        // As the local limiter's `minute_window`: the time the minute's
        // budget takes at the per-second rate is not idle time.
        let spend = limits
            .per_second()
            .map_or(0.0, |p| f64::from(m) / f64::from(p.max(1)));
        let idle = (span.as_secs_f64() - spend).max(0.0);
        let for_stall = (idle / MAX_MINUTE_STALL.as_secs_f64()).ceil().max(1.0);
        let k = (for_stall as u32).clamp(1, (m / 10).max(1));
        windows.push(Window {
            name: "min",
            limit: m / k,
            span_us: micros_up(span / k),
        });
    }
    windows
}

/// A caller of this process waiting for a permit.
struct Waiter {
    id: u64,
    wake: Arc<Notify>,
}

/// One group's local queue: continuations first, then normal calls, each
/// in arrival order. Only the head asks Redis.
#[derive(Default)]
struct Queue {
    lanes: [VecDeque<Waiter>; 2],
    next_id: u64,
}

impl Queue {
    fn head(&self) -> Option<&Waiter> {
        self.lanes.iter().find_map(VecDeque::front)
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// A place in a group's local queue, left when dropped: granted, failed,
/// timed out or cancelled, the next caller becomes the head and is woken.
struct Ticket {
    queue: Arc<Mutex<Queue>>,
    id: u64,
    lane: usize,
    wake: Arc<Notify>,
}

impl Ticket {
    fn join(queue: Arc<Mutex<Queue>>, priority: Priority) -> Ticket {
        let lane = match priority {
            Priority::Continuation => 0,
            Priority::Normal => 1,
        };
        let wake = Arc::new(Notify::new());
        let id = {
            let mut q = lock(&queue);
            let id = q.next_id;
            q.next_id += 1;
            q.lanes[lane].push_back(Waiter {
                id,
                wake: wake.clone(),
            });
            id
        };
        Ticket {
            queue,
            id,
            lane,
            wake,
        }
    }

    fn is_head(&self) -> bool {
        lock(&self.queue).head().map(|w| w.id) == Some(self.id)
    }
}

impl Drop for Ticket {
    fn drop(&mut self) {
        let mut q = lock(&self.queue);
        if let Some(at) = q.lanes[self.lane].iter().position(|w| w.id == self.id) {
            q.lanes[self.lane].remove(at);
        }
        if let Some(head) = q.head() {
            head.wake.notify_one();
        }
    }
}

/// The shared connection and which one it is, so that a failure forgets
/// only the connection that failed, not one made since.
struct Cached {
    generation: u64,
    conn: MultiplexedConnection,
}

/// A [`RateLimiter`] whose windows live in Redis, shared by every process
/// that uses the same Redis and key prefix.
///
/// **What it limits.** The same windows as [`WindowLimiter`](super::WindowLimiter),
/// per endpoint group: at most `per_second` permits in any `1 + h` seconds,
/// and the per-minute limit handed out in slices (at most `⌊M / k⌋` in any
/// `1/k` of `60 × (1 + h)` seconds, no wait longer than
/// [`MAX_MINUTE_STALL`]), `h` being the [headroom](Limits::headroom), all
/// counted exactly over sliding windows. Each acquire runs one Lua script
/// (`EVALSHA`, loaded on first use) that reads the server's clock (`TIME`),
/// checks the windows and records the permit only when all allow it,
/// atomically; so processes on machines whose clocks disagree still share
/// exact windows. When the script says "not yet", the caller sleeps for
/// the wait it names (plus a small random jitter unless it is first in
/// line) and asks again.
///
/// **Turns.** Limiters take turns through a queue in Redis, in the order
/// they were first told to wait: one that waits is never overtaken for the
/// last free place by one that asked later or whose process woke sooner,
/// so no process starves while others run; places beyond those the queue
/// needs go to whoever asks. A waiter keeps its place for the wait it was
/// named plus one second; one that does not ask again by then (it gave up,
/// its process died) leaves the queue and cannot hold the others up.
///
/// A request counts from its grant (the trait's default
/// [`acquire_permit`](RateLimiter::acquire_permit)), not until it finished
/// as in the local limiter: the [headroom](Limits::headroom) must cover the
/// time between a grant and the request's arrival at the vendor. Raise it
/// (say to 10%) when the vendor counts strictly and calls wait in a busy
/// runtime or on a slow link.
///
/// **Keys.** For group `g` and prefix `p`: `{p:g}:sec` and `{p:g}:min`,
/// lists of the latest grant times (µs, at most the window's limit), each
/// expiring on its own one window span after its last grant; `{p:g}:queue`,
/// `{p:g}:due` and `{p:g}:seq`, the waiting limiters, expiring two minutes
/// after their last use. The braces put all keys of a group in one Redis
/// Cluster hash slot. Put the tenant in
/// the prefix (`hr:rl:beisen:<tenant>`): every process with the same prefix
/// shares one budget, and all of them must use the same limits.
///
/// **Failures are never "unlimited".** When Redis cannot be reached, times
/// out or answers with an error, [`acquire`](RateLimiter::acquire) returns
/// [`Error::Transport`] (`request not sent`): kind
/// [`Connect`](TransportErrorKind::Connect) when no connection could be
/// made, [`Timeout`](TransportErrorKind::Timeout) when Redis did not answer
/// in time, [`Io`](TransportErrorKind::Io) for a broken connection or an
/// error reply (e.g. `WRONGTYPE`, `NOPERM`, `READONLY`), with the Redis host
/// in the message. The call is not sent. A group whose [`Limits`] are
/// unlimited does not touch Redis at all.
///
/// **Waiting is bounded.** An acquire waits at most
/// [`max_wait`](RedisLimiterBuilder::max_wait) (default 2 minutes, the
/// transport's default deadline): when the script names a wait that would
/// go past it, or the local queue holds the caller that long, it returns
/// [`Error::RateLimited`] at once, with the wait as `retry_after`. Inside a
/// [`Transport`](super::Transport), the call's deadline also bounds the
/// wait; a caller that gives up costs nobody a permit, except that a script
/// whose answer is lost (a deadline in the middle of it) may have spent one
/// (the error is on the side of fewer calls), and that its place in the
/// queue holds one free place back until it is due.
///
/// **Priority.** Callers of one group in this process queue locally,
/// [`Priority::Continuation`] before [`Priority::Normal`], each in arrival
/// order, and only the head of the queue asks Redis. So a scroll's next
/// page overtakes this process's waiting calls at once; across processes
/// there is no priority (Redis sees one asker per process and group).
///
/// **Connection.** One multiplexed connection (`redis::aio::MultiplexedConnection`)
/// per limiter, shared by all its callers, made on first use with a connect
/// timeout and made again on the next acquire after it broke. Not
/// `ConnectionManager`: its reconnect loop retries in the background with
/// its own backoff, while an acquire that finds Redis down must fail now,
/// with a clear error, and the next one must try a fresh connection. An
/// acquire whose cached connection turns out broken (Redis restarted) tries
/// once more on a new one.
///
/// The Redis URL may carry a password: `Debug` and errors show the host,
/// never the URL's user or password.
///
/// ```no_run
/// use std::sync::Arc;
/// use std::time::Duration;
/// use hr_common::transport::{Limits, Priority, RateLimiter, RedisLimiter, Transport};
///
/// # async fn run() -> hr_common::Result<()> {
/// let limiter = RedisLimiter::builder(
///     "redis://:secret@10.0.0.5:6379/0",
///     "hr:rl:beisen:tenant-42",
///     Limits::new(Some(50), Some(1500)),
/// )
/// .with_group("recruiting", Limits::new(Some(20), Some(1000)))
/// .build()?;
/// limiter.ping().await?; // fail fast at startup if Redis is unreachable
/// limiter.acquire_with("employee", Priority::Continuation).await?;
///
/// let transport = Transport::builder("beisen", "https://openapi.italent.cn")
///     .rate_limiter(Arc::new(limiter))
///     .deadline(Duration::from_secs(60))
///     .build()?;
/// # let _ = transport; Ok(()) }
/// ```
pub struct RedisLimiter {
    client: Client,
    /// The URL without user or password, for `Debug`.
    shown_url: String,
    /// Host and port (or socket path), for error messages.
    addr: String,
    key_prefix: String,
    default: Limits,
    groups: HashMap<String, Limits>,
    limits_by: Option<LimitsBy>,
    config: AsyncConnectionConfig,
    connect_timeout: Duration,
    response_timeout: Duration,
    max_wait: Duration,
    script: Script,
    /// This limiter's name in the shared queue.
    asker: String,
    conn: tokio::sync::Mutex<Option<Cached>>,
    next_generation: std::sync::atomic::AtomicU64,
    queues: Mutex<HashMap<String, Arc<Mutex<Queue>>>>,
}

impl fmt::Debug for RedisLimiter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisLimiter")
            .field("url", &self.shown_url)
            .field("key_prefix", &self.key_prefix)
            .field("default", &self.default)
            .field("groups", &self.groups)
            .field("connect_timeout", &self.connect_timeout)
            .field("response_timeout", &self.response_timeout)
            .field("max_wait", &self.max_wait)
            .finish()
    }
}

/// Builds a [`RedisLimiter`]; from [`RedisLimiter::builder`].
///
/// ```
/// use std::time::Duration;
/// use hr_common::transport::{Limits, RedisLimiter};
///
/// let builder = RedisLimiter::builder("redis://:secret@127.0.0.1:6379/", "hr:rl:acme", Limits::new(Some(50), Some(1500)))
///     .connect_timeout(Duration::from_secs(1));
/// assert!(!format!("{builder:?}").contains("secret"));
/// ```
pub struct RedisLimiterBuilder {
    url: SecretString,
    key_prefix: String,
    default: Limits,
    groups: HashMap<String, Limits>,
    limits_by: Option<LimitsBy>,
    connect_timeout: Duration,
    response_timeout: Duration,
    max_wait: Duration,
}

/// The limits of a group without limits of its own, from a function.
type LimitsBy = Arc<dyn Fn(&str) -> Limits + Send + Sync>;

impl fmt::Debug for RedisLimiterBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisLimiterBuilder")
            .field("url", &shown_url(self.url.expose_secret()))
            .field("key_prefix", &self.key_prefix)
            .field("default", &self.default)
            .field("groups", &self.groups)
            .field("connect_timeout", &self.connect_timeout)
            .field("response_timeout", &self.response_timeout)
            .field("max_wait", &self.max_wait)
            .finish()
    }
}

/// `url` without its user, password or query (a Unix socket URL carries
/// its password in `?pass=`).
fn shown_url(raw: &str) -> String {
    match url::Url::parse(raw) {
        Ok(mut url) => {
            if !url.username().is_empty() || url.password().is_some() {
                let _ = url.set_password(None);
                let _ = url.set_username("***");
            }
            if url.query().is_some() {
                url.set_query(Some("***"));
            }
            url.to_string()
        }
        Err(_) => "<not a URL>".to_owned(),
    }
}

impl RedisLimiterBuilder {
    /// Sets the limits of one group, over the default ones.
    ///
    /// ```
    /// use hr_common::transport::{Limits, RedisLimiter};
    ///
    /// let limiter = RedisLimiter::builder("redis://127.0.0.1/", "hr:rl:acme", Limits::new(Some(50), Some(1500)))
    ///     .with_group("recruiting", Limits::new(Some(20), Some(1000)))
    ///     .build()?;
    /// assert_eq!(limiter.limits_for("recruiting").per_second(), Some(20));
    /// # Ok::<_, hr_common::Error>(())
    /// ```
    pub fn with_group(mut self, group: impl Into<String>, limits: Limits) -> Self {
        self.groups.insert(group.into(), limits);
        self
    }

    /// Takes the limits of every group not set with
    /// [`with_group`](Self::with_group) from `limits` (instead of the
    /// default): give it the vendor client's own table, so that the shared
    /// limiter applies exactly the limits the client would apply alone,
    /// e.g. `beisen_client::documented_limits`.
    ///
    /// ```
    /// use hr_common::transport::{Limits, RedisLimiter};
    ///
    /// fn documented(group: &str) -> Limits {
    ///     if group.ends_with("/GetByTimeWindow") {
    ///         Limits::new(Some(100), Some(3000))
    ///     } else {
    ///         Limits::new(Some(50), Some(1500))
    ///     }
    /// }
    /// let limiter = RedisLimiter::builder("redis://127.0.0.1/", "hr:rl:acme", Limits::unlimited())
    ///     .limits_by(documented)
    ///     .with_group("bulk", Limits::new(Some(5), None))
    ///     .build()?;
    /// assert_eq!(limiter.limits_for("/v5/Employee/GetByTimeWindow").per_second(), Some(100));
    /// assert_eq!(limiter.limits_for("/v5/Employee/GetByIds").per_second(), Some(50));
    /// assert_eq!(limiter.limits_for("bulk").per_second(), Some(5));
    /// # Ok::<_, hr_common::Error>(())
    /// ```
    pub fn limits_by(mut self, limits: impl Fn(&str) -> Limits + Send + Sync + 'static) -> Self {
        self.limits_by = Some(Arc::new(limits));
        self
    }

    /// How long to wait for a connection to Redis, handshake (`AUTH`,
    /// `SELECT`) included; default 2 s.
    ///
    /// ```
    /// use std::time::Duration;
    /// use hr_common::transport::{Limits, RedisLimiter};
    ///
    /// let limiter = RedisLimiter::builder("redis://127.0.0.1/", "hr:rl:acme", Limits::new(Some(50), None))
    ///     .connect_timeout(Duration::from_millis(500))
    ///     .build()?;
    /// # let _ = limiter; Ok::<_, hr_common::Error>(())
    /// ```
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// How long to wait for Redis to answer one command; default 1 s.
    ///
    /// ```
    /// use std::time::Duration;
    /// use hr_common::transport::{Limits, RedisLimiter};
    ///
    /// let limiter = RedisLimiter::builder("redis://127.0.0.1/", "hr:rl:acme", Limits::new(Some(50), None))
    ///     .response_timeout(Duration::from_millis(200))
    ///     .build()?;
    /// # let _ = limiter; Ok::<_, hr_common::Error>(())
    /// ```
    pub fn response_timeout(mut self, timeout: Duration) -> Self {
        self.response_timeout = timeout;
        self
    }

    /// The longest one acquire waits for a permit, in the local queue and
    /// for Redis together; default [`DEFAULT_DEADLINE`] (2 minutes). An
    /// acquire that would have to wait longer returns
    /// [`Error::RateLimited`] at once, with the wait Redis named as
    /// `retry_after`.
    ///
    /// ```
    /// use std::time::Duration;
    /// use hr_common::transport::{Limits, RedisLimiter};
    ///
    /// // A batch job that would rather fail than queue for long.
    /// let limiter = RedisLimiter::builder("redis://127.0.0.1/", "hr:rl:acme", Limits::new(Some(50), Some(1500)))
    ///     .max_wait(Duration::from_secs(10))
    ///     .build()?;
    /// # let _ = limiter; Ok::<_, hr_common::Error>(())
    /// ```
    pub fn max_wait(mut self, max: Duration) -> Self {
        self.max_wait = max;
        self
    }

    /// The limiter. Checks the URL and the prefix but does not connect:
    /// the first acquire does (or [`RedisLimiter::ping`]), so that a
    /// process can start while Redis is still coming up.
    ///
    /// Fails with [`Error::InvalidRequest`] when the URL is not a Redis URL
    /// or the key prefix is empty.
    ///
    /// ```
    /// use hr_common::transport::{Limits, RedisLimiter};
    ///
    /// let limits = Limits::new(Some(50), Some(1500));
    /// assert!(RedisLimiter::builder("redis://127.0.0.1:6379/", "hr:rl:acme", limits).build().is_ok());
    /// assert!(RedisLimiter::builder("http://127.0.0.1/", "hr:rl:acme", limits).build().is_err());
    /// assert!(RedisLimiter::builder("redis://127.0.0.1/", "", limits).build().is_err());
    /// ```
    pub fn build(self) -> Result<RedisLimiter> {
        if self.key_prefix.is_empty() {
            return Err(Error::invalid_request(
                "key_prefix",
                "empty: name the tenant in it, e.g. \"hr:rl:beisen:<tenant>\"",
            ));
        }
        let shown = shown_url(self.url.expose_secret());
        // The redis crate's messages do not quote the URL; ours shows it
        // without user and password.
        let client = Client::open(self.url.expose_secret()).map_err(|e| {
            Error::invalid_request(
                "redis_url",
                format!("not a usable Redis URL ({shown}): {e}"),
            )
        })?;
        let addr = client.get_connection_info().addr().to_string();
        let config = AsyncConnectionConfig::new()
            .set_connection_timeout(Some(self.connect_timeout))
            .set_response_timeout(Some(self.response_timeout));
        Ok(RedisLimiter {
            client,
            shown_url: shown,
            addr,
            key_prefix: self.key_prefix,
            default: self.default,
            groups: self.groups,
            limits_by: self.limits_by,
            config,
            connect_timeout: self.connect_timeout,
            response_timeout: self.response_timeout,
            max_wait: self.max_wait,
            script: Script::new(SCRIPT),
            asker: new_asker(),
            conn: tokio::sync::Mutex::new(None),
            next_generation: std::sync::atomic::AtomicU64::new(0),
            queues: Mutex::new(HashMap::new()),
        })
    }
}

/// What went wrong while talking to Redis.
#[derive(Clone, Copy)]
enum Stage {
    Connect,
    Command,
}

impl RedisLimiter {
    /// A builder for a limiter on the Redis at `url` (`redis://`,
    /// `rediss://` with a TLS feature of the `redis` crate, or
    /// `redis+unix://`), keeping its windows under `key_prefix`, applying
    /// `default` to every group without limits of its own.
    ///
    /// ```
    /// use hr_common::transport::{Limits, RedisLimiter};
    ///
    /// let limiter = RedisLimiter::builder(
    ///     "redis://127.0.0.1:6379/0",
    ///     "hr:rl:beisen:tenant-42",
    ///     Limits::new(Some(50), Some(1500)),
    /// )
    /// .build()?;
    /// assert_eq!(limiter.key_prefix(), "hr:rl:beisen:tenant-42");
    /// # Ok::<_, hr_common::Error>(())
    /// ```
    pub fn builder(
        url: impl Into<String>,
        key_prefix: impl Into<String>,
        default: Limits,
    ) -> RedisLimiterBuilder {
        RedisLimiterBuilder {
            url: SecretString::from(url.into()),
            key_prefix: key_prefix.into(),
            default,
            groups: HashMap::new(),
            limits_by: None,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            response_timeout: DEFAULT_RESPONSE_TIMEOUT,
            max_wait: DEFAULT_DEADLINE,
        }
    }

    /// The limits that apply to `group`.
    ///
    /// ```
    /// use hr_common::transport::{Limits, RedisLimiter};
    ///
    /// let limiter = RedisLimiter::builder("redis://127.0.0.1/", "hr:rl:acme", Limits::new(Some(50), Some(1500)))
    ///     .with_group("bulk", Limits::unlimited())
    ///     .build()?;
    /// assert_eq!(limiter.limits_for("employee").per_minute(), Some(1500));
    /// assert_eq!(limiter.limits_for("bulk"), Limits::unlimited());
    /// # Ok::<_, hr_common::Error>(())
    /// ```
    pub fn limits_for(&self, group: &str) -> Limits {
        match (self.groups.get(group), &self.limits_by) {
            (Some(limits), _) => *limits,
            (None, Some(by)) => by(group),
            (None, None) => self.default,
        }
    }

    /// The prefix of this limiter's keys.
    ///
    /// ```
    /// use hr_common::transport::{Limits, RedisLimiter};
    ///
    /// let limiter = RedisLimiter::builder("redis://127.0.0.1/", "hr:rl:acme", Limits::unlimited()).build()?;
    /// assert_eq!(limiter.key_prefix(), "hr:rl:acme");
    /// # Ok::<_, hr_common::Error>(())
    /// ```
    pub fn key_prefix(&self) -> &str {
        &self.key_prefix
    }

    /// Connects (if not yet connected) and checks that Redis answers, with
    /// the same errors as an acquire. For a process that would rather not
    /// start than find out at its first call.
    ///
    /// ```no_run
    /// use hr_common::transport::{Limits, RedisLimiter};
    ///
    /// # async fn run() -> hr_common::Result<()> {
    /// let limiter = RedisLimiter::builder("redis://127.0.0.1/", "hr:rl:acme", Limits::new(Some(50), None)).build()?;
    /// limiter.ping().await?;
    /// # Ok(()) }
    /// ```
    pub async fn ping(&self) -> Result<()> {
        let (mut conn, generation, _) = self.connection().await?;
        match redis::cmd("PING").query_async::<String>(&mut conn).await {
            Ok(_) => Ok(()),
            Err(e) => Err(self.failed(e, Stage::Command, generation).await),
        }
    }

    /// The key of `window` of `group`; see the type's docs.
    fn key(&self, group: &str, window: &str) -> String {
        format!("{{{}:{}}}:{window}", self.key_prefix, group)
    }

    fn queue(&self, group: &str) -> Arc<Mutex<Queue>> {
        lock(&self.queues)
            .entry(group.to_owned())
            .or_default()
            .clone()
    }

    /// The shared connection, its generation, and whether it was made just
    /// now. Connecting under the lock makes one connection, not one per
    /// waiting caller.
    async fn connection(&self) -> Result<(MultiplexedConnection, u64, bool)> {
        let mut slot = self.conn.lock().await;
        if let Some(cached) = &*slot {
            return Ok((cached.conn.clone(), cached.generation, false));
        }
        let conn = self
            .client
            .get_multiplexed_async_connection_with_config(&self.config)
            .await
            .map_err(|e| self.error(e, Stage::Connect))?;
        let generation = self
            .next_generation
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        *slot = Some(Cached {
            generation,
            conn: conn.clone(),
        });
        Ok((conn, generation, true))
    }

    /// The error for a failed command; a connection that failed is
    /// forgotten so that the next caller makes a new one.
    async fn failed(&self, e: RedisError, stage: Stage, generation: u64) -> Error {
        if breaks_connection(&e) {
            self.forget(generation).await;
        }
        self.error(e, stage)
    }

    /// Drops the cached connection if it is still the one of `generation`.
    async fn forget(&self, generation: u64) {
        let mut slot = self.conn.lock().await;
        if slot.as_ref().is_some_and(|c| c.generation == generation) {
            *slot = None;
        }
    }

    fn error(&self, e: RedisError, stage: Stage) -> Error {
        let addr = &self.addr;
        if e.kind() == ErrorKind::UnexpectedReturnType {
            return Error::internal(format!(
                "rate limiter: unexpected reply from the script on Redis at {addr}: {e}"
            ));
        }
        let (kind, what) = if e.is_timeout() {
            (TransportErrorKind::Timeout, "did not answer in time")
        } else if matches!(stage, Stage::Connect) || e.is_connection_refusal() {
            (TransportErrorKind::Connect, "could not be reached")
        } else if matches!(e.kind(), ErrorKind::Server(_) | ErrorKind::Extension) {
            (TransportErrorKind::Io, "answered with an error")
        } else {
            (TransportErrorKind::Io, "failed")
        };
        Error::transport(
            kind,
            false,
            format!("rate limiter: Redis at {addr} {what}; no permit, call not sent: {e}"),
        )
        .with_source(e)
    }

    /// Runs the script once: `None` when granted, else how long to wait
    /// and how many live waiters of other processes are before this one.
    async fn try_acquire(
        &self,
        group: &str,
        windows: &[Window],
    ) -> Result<Option<(Duration, u64)>> {
        let mut invocation = self.script.prepare_invoke();
        invocation
            .arg(&self.asker)
            .arg(micros(QUEUE_GRACE))
            .arg(QUEUE_KEY_TTL.as_millis() as u64);
        for w in windows {
            invocation
                .key(self.key(group, w.name))
                .arg(w.limit)
                .arg(w.span_us);
        }
        for name in ["queue", "due", "seq"] {
            invocation.key(self.key(group, name));
        }
        let (mut conn, generation, fresh) = self.connection().await?;
        let reply = match invocation.invoke_async::<(i64, i64, i64)>(&mut conn).await {
            // A cached connection that broke since (Redis restarted, the
            // runtime that drove it ended): once more on a new one. Were
            // the first run's answer lost after a grant, that permit is
            // wasted, which errs on the side of fewer calls.
            Err(e) if !fresh && breaks_connection(&e) => {
                tracing::debug!(
                    target: "hr_common::rate_limit",
                    error = %e,
                    "Redis connection broke; retrying once on a new one"
                );
                self.forget(generation).await;
                let (mut conn, generation, _) = self.connection().await?;
                match invocation.invoke_async::<(i64, i64, i64)>(&mut conn).await {
                    Ok(reply) => reply,
                    Err(e) => return Err(self.failed(e, Stage::Command, generation).await),
                }
            }
            Err(e) => return Err(self.failed(e, Stage::Command, generation).await),
            Ok(reply) => reply,
        };
        match reply {
            (1, _, _) => Ok(None),
            (0, wait_us, ahead) if wait_us > 0 && ahead >= 0 => Ok(Some((
                Duration::from_micros(wait_us.unsigned_abs()),
                ahead.unsigned_abs(),
            ))),
            other => Err(Error::internal(format!(
                "rate limiter: unexpected reply {other:?} from the script on Redis at {}",
                self.addr
            ))),
        }
    }
}

/// Whether the connection that returned `e` is no good any more.
fn breaks_connection(e: &RedisError) -> bool {
    e.is_io_error() || e.is_connection_dropped() || e.is_timeout() || e.is_unrecoverable_error()
}

fn micros(d: Duration) -> u64 {
    u64::try_from(d.as_micros()).unwrap_or(u64::MAX)
}

/// A name for one limiter in the shared queue, unique across processes.
fn new_asker() -> String {
    format!("{}-{:016x}", std::process::id(), fastrand::u64(..))
}

/// `wait` plus up to an eighth of it (at most [`MAX_JITTER`]) at random.
fn jittered(wait: Duration) -> Duration {
    let spread = (wait / 8).min(MAX_JITTER);
    let extra = fastrand::u64(0..=u64::try_from(spread.as_micros()).unwrap_or(0));
    wait + Duration::from_micros(extra)
}

#[async_trait]
impl RateLimiter for RedisLimiter {
    async fn acquire(&self, group: &str) -> Result<()> {
        self.acquire_with(group, Priority::Normal).await
    }

    async fn acquire_with(&self, group: &str, priority: Priority) -> Result<()> {
        let windows = windows(self.limits_for(group));
        if windows.is_empty() {
            return Ok(());
        }
        let started = Instant::now();
        let give_up_at = started.checked_add(self.max_wait);
        let ticket = Ticket::join(self.queue(group), priority);
        loop {
            if !ticket.is_head() {
                let woken = match give_up_at {
                    Some(at) => tokio::time::timeout_at(at, ticket.wake.notified())
                        .await
                        .is_ok(),
                    None => {
                        ticket.wake.notified().await;
                        true
                    }
                };
                if !woken {
                    return Err(Error::throttled(
                        None,
                        None,
                        Some(format!(
                            "rate limiter: group `{group}` still queued behind this process's \
                             other callers after the limiter's max wait of {:?}",
                            self.max_wait
                        )),
                    ));
                }
                continue;
            }
            let Some((wait, ahead)) = self.try_acquire(group, &windows).await? else {
                return Ok(());
            };
            let waited = started.elapsed();
            let left = self.max_wait.saturating_sub(waited);
            if wait > left {
                return Err(Error::throttled(
                    Some(wait),
                    None,
                    Some(format!(
                        "rate limiter: group `{group}` has no permit for {wait:?}, longer than \
                         the {left:?} left of the limiter's max wait of {:?}",
                        self.max_wait
                    )),
                ));
            }
            // The first in the shared queue asks right on time (nobody
            // else may take its place); the others are spread a little,
            // so that they do not all ask in one instant.
            let nap = if ahead == 0 { wait } else { jittered(wait) }.min(left);
            tracing::trace!(
                target: "hr_common::rate_limit",
                group,
                ?priority,
                wait_ms = nap.as_millis() as u64,
                "rate limit wait (Redis)"
            );
            // A continuation arriving meanwhile becomes the head and asks
            // Redis itself; this caller is woken again once it is served.
            tokio::select! {
                () = tokio::time::sleep(nap) => {}
                () = ticket.wake.notified() => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_match_the_local_limiter() {
        // The local limiter's documented example: 100/s and 3,000/min with
        // 3% headroom are 100 in any 1.03 s and 428 in any 8.83 s.
        let w = windows(Limits::new(Some(100), Some(3000)));
        assert_eq!(
            w[0],
            Window {
                name: "sec",
                limit: 100,
                span_us: 1_030_000
            }
        );
        assert_eq!(
            w[1],
            Window {
                name: "min",
                limit: 428,
                span_us: 61_800_000u64.div_ceil(7)
            }
        );
        // A small limit is not sliced below 10 a slice.
        let w = windows(Limits::new(None, Some(20)).headroom(0.0));
        assert_eq!(
            w,
            [Window {
                name: "min",
                limit: 10,
                span_us: 30_000_000
            }]
        );
        assert_eq!(
            windows(Limits::new(Some(5), None).headroom(0.0))[0].span_us,
            1_000_000
        );
        assert!(windows(Limits::unlimited()).is_empty());
    }

    #[test]
    fn urls_are_shown_without_secrets() {
        for (raw, shown) in [
            ("redis://:pw1@h:6379/0", "redis://***@h:6379/0"),
            ("redis://user:pw2@h/", "redis://***@h/"),
            ("redis://h:1/", "redis://h:1/"),
            (
                "redis+unix:///tmp/r.sock?pass=pw3",
                "redis+unix:///tmp/r.sock?***",
            ),
            ("not a url pw4", "<not a URL>"),
        ] {
            assert_eq!(shown_url(raw), shown);
        }
        let limiter = RedisLimiter::builder("redis://:pw5@127.0.0.1:1/", "p", Limits::unlimited())
            .build()
            .unwrap();
        let debug = format!("{limiter:?}");
        assert!(!debug.contains("pw5"), "{debug}");
        assert!(debug.contains("127.0.0.1:1"), "{debug}");
    }

    #[test]
    fn bad_urls_are_refused_without_echoing_them() {
        let err = RedisLimiter::builder("redis://:pw6@", "p", Limits::unlimited())
            .build()
            .unwrap_err();
        assert!(matches!(err, Error::InvalidRequest { .. }), "{err:?}");
        assert!(!err.to_string().contains("pw6"), "{err}");
    }

    #[test]
    fn keys_share_a_hash_slot_per_group() {
        let limiter = RedisLimiter::builder("redis://127.0.0.1/", "hr:rl:t1", Limits::unlimited())
            .build()
            .unwrap();
        assert_eq!(limiter.key("employee", "sec"), "{hr:rl:t1:employee}:sec");
        assert_eq!(limiter.key("employee", "min"), "{hr:rl:t1:employee}:min");
    }

    #[test]
    fn jitter_is_bounded() {
        for wait in [
            Duration::ZERO,
            Duration::from_millis(8),
            Duration::from_secs(3),
        ] {
            for _ in 0..100 {
                let nap = jittered(wait);
                assert!(nap >= wait && nap <= wait + (wait / 8).min(MAX_JITTER));
            }
        }
    }
}
