//! `RedisLimiter` against a real Redis (see `redis_support` for where it
//! comes from): limiters in several tasks and in another process share one
//! budget; Redis down or answering errors is an error, never unlimited;
//! waits are bounded; keys are isolated and expire.

mod redis_support;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use hr_common::error::TransportErrorKind;
use hr_common::transport::{Limits, Priority, RateLimiter, RedisLimiter, Request, Transport};
use redis_support::{free_port, raw_command, redis, unique_prefix};

/// Set in the child process the combined-rate test starts.
const CHILD: &str = "HR_REDIS_LIMITER_CHILD";
const CHILD_URL: &str = "HR_REDIS_LIMITER_CHILD_URL";
const CHILD_PREFIX: &str = "HR_REDIS_LIMITER_CHILD_PREFIX";
const CHILD_START: &str = "HR_REDIS_LIMITER_CHILD_START_US";
const CHILD_UNTIL: &str = "HR_REDIS_LIMITER_CHILD_UNTIL_US";
const CHILD_OUT: &str = "HR_REDIS_LIMITER_CHILD_OUT";

fn now_us() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_micros()).unwrap_or(u64::MAX))
}

/// A permit's grant time as a worker can know it: Redis granted it at
/// some instant between `asked` (before the call) and `got` (when the
/// worker ran again), in microseconds since the epoch.
#[derive(Clone, Copy, Debug)]
struct Grant {
    asked: u64,
    got: u64,
}

/// The most grants *surely* inside one half-open window `[t, t + span)`:
/// those whose whole `[asked, got]` lies within it. However late a loaded
/// machine wakes a worker, this never counts more than Redis granted in
/// that window, so a count over the limit is the limiter's fault.
fn most_surely_in_any_window(grants: &[Grant], span_us: u64) -> usize {
    grants
        .iter()
        .map(|from| {
            let t = from.asked;
            grants
                .iter()
                .filter(|g| g.asked >= t && g.got < t + span_us)
                .count()
        })
        .max()
        .unwrap_or(0)
}

/// The limiter every worker of the combined-rate test uses, with the
/// default headroom. The limits asserted are 20/s and 30/min.
fn shared_limiter(url: &str, prefix: &str) -> RedisLimiter {
    RedisLimiter::builder(url, prefix, Limits::new(Some(20), None))
        .with_group("m", Limits::new(Some(20), Some(30)))
        .build()
        .expect("limiter")
}

/// Two tasks per group acquire as fast as they are let from `start_us`
/// (all workers start together, the child process too, however long it
/// took to start) until `until_us`; returns the group and [`Grant`] of
/// every permit.
async fn hammer(limiter: Arc<RedisLimiter>, start_us: u64, until_us: u64) -> Vec<(String, Grant)> {
    limiter.ping().await.expect("Redis answers");
    let ready = now_us();
    assert!(
        ready < start_us,
        "a worker was ready only {} ms after the common start",
        (ready - start_us) / 1000
    );
    tokio::time::sleep(Duration::from_micros(start_us - ready)).await;
    let grants = Arc::new(Mutex::new(Vec::new()));
    let mut tasks = Vec::new();
    for group in ["s", "s", "m", "m"] {
        let (limiter, grants) = (limiter.clone(), grants.clone());
        tasks.push(tokio::spawn(async move {
            loop {
                let left = until_us.saturating_sub(now_us());
                if left == 0 {
                    break;
                }
                let asked = now_us();
                match tokio::time::timeout(Duration::from_micros(left), limiter.acquire(group))
                    .await
                {
                    Ok(Ok(())) => {
                        let got = now_us();
                        grants
                            .lock()
                            .unwrap()
                            .push((group.to_owned(), Grant { asked, got }));
                    }
                    Ok(Err(e)) => panic!("acquire failed: {e}"),
                    Err(_) => break,
                }
            }
        }));
    }
    for task in tasks {
        task.await.expect("worker task");
    }
    std::mem::take(&mut *grants.lock().unwrap())
}

/// The test: three limiters in separate tasks and one in a child
/// process, one Redis, and the combined grants never exceed the limits in
/// any window.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn limiters_in_tasks_and_another_process_share_one_budget() {
    let Some(redis) = redis() else { return };
    let prefix = unique_prefix("combined");
    // Time for the child process to start (a debug build on a busy
    // machine), then 3.5 s of contention.
    let start_us = now_us() + 3_000_000;
    let until_us = start_us + 3_500_000;
    let out = std::env::temp_dir().join(format!("{}.grants", prefix.replace(':', "-")));

    let mut child = std::process::Command::new(std::env::current_exe().unwrap());
    child
        .args(["child_process_worker", "--exact", "--nocapture"])
        .env(CHILD, "1")
        .env(CHILD_URL, &redis.url)
        .env(CHILD_PREFIX, &prefix)
        .env(CHILD_START, start_us.to_string())
        .env(CHILD_UNTIL, until_us.to_string())
        .env(CHILD_OUT, &out);
    let child = tokio::task::spawn_blocking(move || child.output());

    let workers: Vec<_> = (0..3)
        .map(|_| {
            let limiter = Arc::new(shared_limiter(&redis.url, &prefix));
            tokio::spawn(hammer(limiter, start_us, until_us))
        })
        .collect();
    let mut per_worker = Vec::new();
    for w in workers {
        per_worker.push(w.await.unwrap());
    }

    let output = child.await.unwrap().expect("run the child process");
    assert!(
        output.status.success(),
        "child process failed: {}\n{}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    let written = std::fs::read_to_string(&out).expect("the child's grants");
    let _ = std::fs::remove_file(&out);
    let from_child: Vec<(String, Grant)> = written
        .lines()
        .map(|line| {
            let mut parts = line.split(' ');
            let mut next = || parts.next().expect("`group asked got`");
            let group = next().to_owned();
            let asked = next().parse().expect("a time");
            let got = next().parse().expect("a time");
            (group, Grant { asked, got })
        })
        .collect();
    per_worker.push(from_child);

    let times = |group: &str| -> Vec<Grant> {
        per_worker
            .iter()
            .flatten()
            .filter(|(g, _)| g == group)
            .map(|(_, grant)| *grant)
            .collect()
    };
    let s = times("s");
    let m = times("m");
    let per_worker_s: Vec<usize> = per_worker
        .iter()
        .map(|w| w.iter().filter(|(g, _)| g == "s").count())
        .collect();
    eprintln!(
        "grants: s {} (per worker {per_worker_s:?}, most in 1 s {}), m {}",
        s.len(),
        most_surely_in_any_window(&s, 1_000_000),
        m.len()
    );
    assert!(
        most_surely_in_any_window(&s, 1_000_000) <= 20,
        "{} in one second",
        most_surely_in_any_window(&s, 1_000_000)
    );
    assert!(most_surely_in_any_window(&m, 1_000_000) <= 20);
    assert!(
        most_surely_in_any_window(&m, 60_000_000) <= 30,
        "{} in one minute",
        most_surely_in_any_window(&m, 60_000_000)
    );
    // The limits were what held the workers back, and every worker, the
    // child process included, drew from the shared budget: limiters take
    // turns for the last free place, so none goes without while the
    // others are served.
    assert!(
        s.len() > 20,
        "only {} grants: the limit was never reached",
        s.len()
    );
    for (i, n) in per_worker_s.iter().enumerate() {
        assert!(*n > 0, "worker {i} got no permit: {per_worker_s:?}");
    }
    assert!(!m.is_empty());
}

/// The child process of the combined-rate test; without its environment
/// (a normal test run) it has nothing to do.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn child_process_worker() {
    if std::env::var(CHILD).is_err() {
        return;
    }
    let url = std::env::var(CHILD_URL).unwrap();
    let prefix = std::env::var(CHILD_PREFIX).unwrap();
    let start_us: u64 = std::env::var(CHILD_START).unwrap().parse().unwrap();
    let until_us: u64 = std::env::var(CHILD_UNTIL).unwrap().parse().unwrap();
    let out = std::env::var(CHILD_OUT).unwrap();
    let grants = hammer(Arc::new(shared_limiter(&url, &prefix)), start_us, until_us).await;
    let lines: String = grants
        .iter()
        .map(|(g, at)| format!("{g} {} {}\n", at.asked, at.got))
        .collect();
    std::fs::write(out, lines).unwrap();
}

#[tokio::test]
async fn redis_down_is_an_error_never_unlimited() {
    let port = free_port();
    let limiter = RedisLimiter::builder(
        format!("redis://:hunter2-secret@127.0.0.1:{port}/"),
        unique_prefix("down"),
        Limits::new(Some(1000), None),
    )
    .with_group("free", Limits::unlimited())
    .connect_timeout(Duration::from_secs(1))
    .build()
    .unwrap();
    assert!(!format!("{limiter:?}").contains("hunter2"));
    for _ in 0..3 {
        let err = limiter.acquire("g").await.unwrap_err();
        assert_eq!(
            err.transport_kind(),
            Some(TransportErrorKind::Connect),
            "{err}"
        );
        assert!(err.is_unsent(), "{err}");
        assert!(!err.is_rate_limited(), "{err}");
        let shown = err.to_string();
        assert!(
            shown.contains("Redis") && shown.contains(&format!("127.0.0.1:{port}")),
            "{shown}"
        );
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(!format!("{err:?}").contains("hunter2"));
    }
    let err = limiter
        .acquire_with("g", Priority::Continuation)
        .await
        .unwrap_err();
    assert_eq!(err.transport_kind(), Some(TransportErrorKind::Connect));
    assert!(limiter.ping().await.is_err());
    // A group configured without limits needs no Redis.
    limiter.acquire("free").await.unwrap();
}

#[tokio::test]
async fn an_error_reply_from_redis_is_an_error_not_a_permit() {
    let Some(redis) = redis() else { return };
    let prefix = unique_prefix("wrongtype");
    // Something else holds the group's key with another type.
    let key = format!("{{{prefix}:g}}:sec");
    assert!(raw_command(&redis.url, &["SET", &key, "x"]).starts_with("+OK"));
    let limiter = RedisLimiter::builder(&redis.url, &prefix, Limits::new(Some(5), None))
        .build()
        .unwrap();
    limiter.ping().await.unwrap();
    for _ in 0..2 {
        let err = limiter.acquire("g").await.unwrap_err();
        assert_eq!(err.transport_kind(), Some(TransportErrorKind::Io), "{err}");
        assert!(err.to_string().contains("WRONGTYPE"), "{err}");
    }
    // Other groups are fine.
    limiter.acquire("h").await.unwrap();
}

/// 130 a minute with no headroom are 12 slices of 10 per 5 s: the
/// eleventh permit is 5 s away, for any limiter on the same prefix.
#[tokio::test]
async fn a_spent_minute_budget_makes_the_next_acquire_wait_or_fail_past_its_bound() {
    let Some(redis) = redis() else { return };
    let prefix = unique_prefix("minute");
    let limits = Limits::new(None, Some(130)).headroom(0.0);
    let first = RedisLimiter::builder(&redis.url, &prefix, limits)
        .build()
        .unwrap();
    // The first grant is at or after `t0`, so the eleventh is 5 s after
    // `t0` at the earliest, however long the calls in between take.
    let t0 = Instant::now();
    for _ in 0..10 {
        first.acquire("g").await.unwrap();
    }

    let impatient = RedisLimiter::builder(&redis.url, &prefix, limits)
        .max_wait(Duration::from_millis(300))
        .build()
        .unwrap();
    let asked = Instant::now();
    let err = impatient.acquire("g").await.unwrap_err();
    assert!(err.is_rate_limited(), "{err}");
    let retry_after = err.retry_after().expect("the wait Redis named");
    assert!(
        retry_after
            >= Duration::from_secs(5).saturating_sub(t0.elapsed() + Duration::from_millis(20)),
        "{retry_after:?} after {:?}",
        t0.elapsed()
    );
    assert!(retry_after <= Duration::from_secs(5), "{retry_after:?}");
    // It said so at once instead of sleeping until its bound.
    assert!(
        asked.elapsed() < Duration::from_secs(3),
        "{:?}",
        asked.elapsed()
    );

    let patient = RedisLimiter::builder(&redis.url, &prefix, limits)
        .build()
        .unwrap();
    patient.acquire("g").await.unwrap();
    // A few milliseconds for Redis's clock against this process's.
    assert!(
        t0.elapsed() >= Duration::from_millis(4990),
        "{:?}",
        t0.elapsed()
    );
}

#[tokio::test]
async fn keys_are_isolated_per_tenant_and_group_and_expire() {
    let Some(redis) = redis() else { return };
    let tenant_a = unique_prefix("tenant-a");
    let tenant_b = unique_prefix("tenant-b");
    let build = |prefix: &str| {
        RedisLimiter::builder(&redis.url, prefix, Limits::new(Some(2), Some(1000)))
            .max_wait(Duration::from_millis(100))
            .build()
            .unwrap()
    };
    let (a, b) = (build(&tenant_a), build(&tenant_b));
    // Keys expire on their own, one window span after the last grant:
    // 1.03 s for the per-second one; the per-minute one is a single slice
    // of 61.8 s, since 1000 a minute at 2 a second never stalls. Read at
    // once, so that a slow machine does not outlast the second's key.
    let ttl = |key: String| -> i64 {
        let reply = raw_command(&redis.url, &["PTTL", &key]);
        reply
            .trim()
            .trim_start_matches(':')
            .parse()
            .expect("PTTL reply")
    };
    a.acquire("g").await.unwrap();
    a.acquire("g").await.unwrap();
    let sec = ttl(format!("{{{tenant_a}:g}}:sec"));
    let min = ttl(format!("{{{tenant_a}:g}}:min"));
    assert!(sec > 0 && sec <= 1032, "{sec}");
    assert!(min > 60_000 && min <= 61_801, "{min}");
    assert!(a.acquire("g").await.unwrap_err().is_rate_limited());
    // Another tenant, and another group of the same tenant, are untouched.
    b.acquire("g").await.unwrap();
    b.acquire("g").await.unwrap();
    a.acquire("h").await.unwrap();
    a.acquire("h").await.unwrap();
}

/// Within one process, waiting continuations go before waiting normal
/// calls of the same group.
#[tokio::test]
async fn continuations_go_before_waiting_normal_calls() {
    let Some(redis) = redis() else { return };
    let limiter = Arc::new(
        RedisLimiter::builder(
            &redis.url,
            unique_prefix("priority"),
            Limits::new(Some(5), None),
        )
        .build()
        .unwrap(),
    );
    for _ in 0..5 {
        limiter.acquire("g").await.unwrap();
    }
    let order = Arc::new(Mutex::new(Vec::new()));
    let mut tasks = Vec::new();
    for (name, priority) in [
        ("n0", Priority::Normal),
        ("n1", Priority::Normal),
        ("n2", Priority::Normal),
        ("c0", Priority::Continuation),
        ("c1", Priority::Continuation),
    ] {
        let (limiter, order) = (limiter.clone(), order.clone());
        tasks.push(tokio::spawn(async move {
            limiter.acquire_with("g", priority).await.unwrap();
            order.lock().unwrap().push(name);
        }));
        // Each queues before the next arrives.
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    for t in tasks {
        t.await.unwrap();
    }
    assert_eq!(*order.lock().unwrap(), ["c0", "c1", "n0", "n1", "n2"]);
}

/// Plugged into a transport, the call's deadline bounds the wait: the call
/// ends with a deadline error and nothing is sent.
#[tokio::test]
async fn a_transport_deadline_bounds_the_limiter_wait() {
    let Some(redis) = redis() else { return };
    let server = wiremock::MockServer::builder().start().await;
    wiremock::Mock::given(wiremock::matchers::any())
        .respond_with(wiremock::ResponseTemplate::new(200))
        .mount(&server)
        .await;
    let limiter = Arc::new(
        RedisLimiter::builder(
            &redis.url,
            unique_prefix("deadline"),
            Limits::new(None, Some(130)).headroom(0.0),
        )
        .build()
        .unwrap(),
    );
    let transport = Transport::builder("test", server.uri())
        .rate_limiter(limiter.clone())
        .deadline(Duration::from_secs(2))
        .build()
        .unwrap();
    for _ in 0..10 {
        transport.send(Request::get("/x")).await.unwrap();
    }
    // The eleventh permit is 5 s away, past the 2 s deadline.
    let started = Instant::now();
    let err = transport.send(Request::get("/x")).await.unwrap_err();
    assert!(err.is_deadline(), "{err}");
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(server.received_requests().await.unwrap().len(), 10);
}

/// One permit a second, exactly, and no waiting: an acquire that would
/// wait returns at once (and is in line for the next place).
fn impatient_one_a_second(url: &str, prefix: &str) -> RedisLimiter {
    RedisLimiter::builder(url, prefix, Limits::new(Some(1), None).headroom(0.0))
        .max_wait(Duration::from_millis(100))
        .build()
        .unwrap()
}

/// A limiter told to wait keeps its place: another that asks once the
/// window has room, but before the first asks again, is refused, and the
/// first gets the place.
#[tokio::test]
async fn a_waiting_limiter_is_not_overtaken_by_a_later_one() {
    let Some(redis) = redis() else { return };
    let prefix = unique_prefix("turns");
    let a = impatient_one_a_second(&redis.url, &prefix);
    let b = impatient_one_a_second(&redis.url, &prefix);
    a.acquire("g").await.unwrap();
    let t0 = Instant::now();
    // b is told to wait about a second: too long for it, but it is now
    // first in line until a second after that wait.
    assert!(b.acquire("g").await.unwrap_err().is_rate_limited());
    tokio::time::sleep_until((t0 + Duration::from_millis(1200)).into()).await;
    // The window has room for one, and b is ahead of a.
    let err = a.acquire("g").await.unwrap_err();
    assert!(err.is_rate_limited(), "{err}");
    b.acquire("g").await.unwrap();
}

/// A waiter that stops asking (it gave up, its process died) leaves the
/// queue once it is past due, and holds nobody up after that.
#[tokio::test]
async fn a_waiter_that_stops_asking_leaves_the_queue() {
    let Some(redis) = redis() else { return };
    let prefix = unique_prefix("gone");
    let a = impatient_one_a_second(&redis.url, &prefix);
    let b = impatient_one_a_second(&redis.url, &prefix);
    let t0 = Instant::now();
    a.acquire("g").await.unwrap();
    // b waits about a second, so it is due back within about two.
    assert!(b.acquire("g").await.unwrap_err().is_rate_limited());
    drop(b);
    tokio::time::sleep_until((t0 + Duration::from_millis(2600)).into()).await;
    a.acquire("g").await.unwrap();
}
