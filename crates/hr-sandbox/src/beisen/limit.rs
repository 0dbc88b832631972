//! Per-route rate limits with exact sliding windows.
//!
//! Beisen counts "本租户对于本接口的调用次数" per second and per minute, so
//! every route has its own pair of windows (the sandbox serves one tenant).
//! A sliding log is exact: at most `per_second` accepted calls in *any*
//! 1-second span and at most `per_minute` in any 60-second span, so a
//! client that paces itself correctly is never refused at a window boundary,
//! and one that bursts is. Refused calls do not use up the allowance.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

#[derive(Debug)]
pub(super) struct RateLimiter {
    per_second: u32,
    per_minute: u32,
    routes: Mutex<HashMap<String, Log>>,
}

#[derive(Debug, Default)]
struct Log {
    second: VecDeque<Instant>,
    minute: VecDeque<Instant>,
}

impl RateLimiter {
    /// A limit of 0 means no limit.
    pub(super) fn new(per_second: u32, per_minute: u32) -> Self {
        RateLimiter {
            per_second,
            per_minute,
            routes: Mutex::new(HashMap::new()),
        }
    }

    /// Whether a call to `route` at `now` is within both limits; records it if so.
    pub(super) fn admit(&self, route: &str, now: Instant) -> bool {
        if self.per_second == 0 && self.per_minute == 0 {
            return true;
        }
        let mut routes = self.routes.lock().unwrap_or_else(|e| e.into_inner());
        let log = match routes.get_mut(route) {
            Some(log) => log,
            None => routes.entry(route.to_owned()).or_default(),
        };
        prune(&mut log.second, now, Duration::from_secs(1));
        prune(&mut log.minute, now, Duration::from_secs(60));
        let full = |q: &VecDeque<Instant>, limit: u32| limit > 0 && q.len() >= limit as usize;
        if full(&log.second, self.per_second) || full(&log.minute, self.per_minute) {
            return false;
        }
        if self.per_second > 0 {
            log.second.push_back(now);
        }
        if self.per_minute > 0 {
            log.minute.push_back(now);
        }
        true
    }
}

fn prune(log: &mut VecDeque<Instant>, now: Instant, span: Duration) {
    while log.front().is_some_and(|t| now.duration_since(*t) >= span) {
        log.pop_front();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_slide_and_routes_are_separate() {
        let limiter = RateLimiter::new(2, 3);
        let t0 = Instant::now();
        assert!(limiter.admit("/a", t0));
        assert!(limiter.admit("/a", t0));
        assert!(!limiter.admit("/a", t0 + Duration::from_millis(999)));
        assert!(limiter.admit("/b", t0));
        assert!(limiter.admit("/a", t0 + Duration::from_secs(1)));
        // Three calls of /a in the last minute: the minute window is full.
        assert!(!limiter.admit("/a", t0 + Duration::from_secs(30)));
        assert!(limiter.admit("/a", t0 + Duration::from_secs(60)));
        assert!(RateLimiter::new(0, 0).admit("/a", t0));
    }
}
