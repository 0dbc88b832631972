//! Per-route rate limits with exact sliding windows.
//!
//! Beisen counts "本租户对于本接口的调用次数" per second and per minute, so
//! every route has its own pair of windows (the sandbox serves one tenant),
//! at the limits of the route's endpoint group
//! ([`BeisenConfig::rate_limit_for`]: time windows 100/s and 3,000/min,
//! recruiting 20/s and 1,000/min, …).
//! A sliding log is exact: at most `per_second` accepted calls in *any*
//! 1-second span and at most `per_minute` in any 60-second span, so a
//! client that paces itself correctly is never refused at a window boundary,
//! and one that bursts is. Refused calls do not use up the allowance.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::config::{BeisenConfig, BeisenRateLimits, RateLimit};

#[derive(Debug)]
pub(super) struct RateLimiter {
    /// The limits by group, with the overrides already applied.
    limits: BeisenRateLimits,
    override_: RateLimit,
    routes: Mutex<HashMap<String, Log>>,
}

#[derive(Debug, Default)]
struct Log {
    second: VecDeque<Instant>,
    minute: VecDeque<Instant>,
}

impl RateLimiter {
    /// The same limits on every route; a limit of 0 means no limit.
    #[cfg(test)]
    pub(super) fn new(per_second: u32, per_minute: u32) -> Self {
        RateLimiter {
            limits: BeisenRateLimits::NONE,
            override_: RateLimit::new(per_second, per_minute),
            routes: Mutex::new(HashMap::new()),
        }
    }

    /// Each route at its group's limits, as [`BeisenConfig::rate_limit_for`]
    /// says.
    pub(super) fn for_config(config: &BeisenConfig) -> Self {
        RateLimiter {
            limits: config.rate_limits,
            override_: RateLimit::new(config.rate_per_second, config.rate_per_minute),
            routes: Mutex::new(HashMap::new()),
        }
    }

    /// The limits on `route`.
    fn limit(&self, route: &str) -> RateLimit {
        let group = self.limits.for_path(route);
        let pick = |over: u32, own: u32| if over > 0 { over } else { own };
        RateLimit::new(
            pick(self.override_.per_second, group.per_second),
            pick(self.override_.per_minute, group.per_minute),
        )
    }

    /// Whether a call to `route` at `now` is within both limits; records it if so.
    pub(super) fn admit(&self, route: &str, now: Instant) -> bool {
        let RateLimit {
            per_second,
            per_minute,
        } = self.limit(route);
        if per_second == 0 && per_minute == 0 {
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
        if full(&log.second, per_second) || full(&log.minute, per_minute) {
            return false;
        }
        if per_second > 0 {
            log.second.push_back(now);
        }
        if per_minute > 0 {
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

    /// Admits calls to `route` at one instant until refused.
    fn burst(limiter: &RateLimiter, route: &str, at: Instant) -> usize {
        (0..10_000).take_while(|_| limiter.admit(route, at)).count()
    }

    #[test]
    fn each_route_gets_its_documented_group_limit() {
        let limiter = RateLimiter::for_config(&BeisenConfig::default());
        let t0 = Instant::now();
        let window = "/TenantBaseExternal/api/v5/Employee/GetByTimeWindow";
        let list = "/TenantBaseExternal/api/v5/Employee/GetListByTimeWindow";
        let by_ids = "/TenantBaseExternal/api/v5/Employee/GetBasicInfoByIds";
        let recruit = "/RecruitV6/api/v1/Apply/GetApplyListByModifiedTime";
        assert_eq!(burst(&limiter, window, t0), 100);
        assert_eq!(burst(&limiter, list, t0), 100);
        assert_eq!(burst(&limiter, by_ids, t0), 50);
        assert_eq!(burst(&limiter, recruit, t0), 20);
        // The minute windows: 3,000 for a time window, 1,000 for recruiting.
        let mut total = 100;
        for s in 1..60 {
            total += burst(&limiter, window, t0 + Duration::from_secs(s));
        }
        assert_eq!(total, 3000);
        let mut total = 20;
        for s in 1..60 {
            total += burst(&limiter, recruit, t0 + Duration::from_secs(s));
        }
        assert_eq!(total, 1000);
    }

    #[test]
    fn overrides_replace_every_group_limit() {
        let config = BeisenConfig {
            rate_per_second: 7,
            ..BeisenConfig::default()
        };
        let limiter = RateLimiter::for_config(&config);
        let t0 = Instant::now();
        assert_eq!(
            burst(
                &limiter,
                "/TenantBaseExternal/api/v5/Organization/GetByTimeWindow",
                t0
            ),
            7
        );
        assert_eq!(
            burst(
                &limiter,
                "/RecruitV6/api/v1/Apply/GetApplyListByModifiedTime",
                t0
            ),
            7
        );
        let none = BeisenConfig {
            rate_limits: BeisenRateLimits::NONE,
            ..BeisenConfig::default()
        };
        let limiter = RateLimiter::for_config(&none);
        assert_eq!(
            burst(
                &limiter,
                "/RecruitV6/api/v1/Apply/GetApplyListByModifiedTime",
                t0
            ),
            10_000
        );
    }
}
