//! State shared by the three simulators: dataset, counters, fault dice,
//! revocation and expiry switches, and what the travel endpoint received.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use chrono::{NaiveDateTime, Timelike};
use serde_json::Value;

use crate::clock::Clock;
use crate::config::SandboxConfig;
use crate::data::{Dataset, NewHire};

/// Named counters, readable from Rust ([`Sandbox::counters`](crate::Sandbox::counters))
/// and over HTTP (`GET /_sandbox/counters` on every simulator).
///
/// Keys:
///
/// | key | counts |
/// |---|---|
/// | `requests.<vendor>.<path>` | requests per route |
/// | `faults.<vendor>.<500\|429\|reset\|latency>` | faults injected |
/// | `tokens_issued.<vendor>` | tokens (travel: session ids) issued |
/// | `auth_rejected.<vendor>` | calls refused for a missing, bad or expired token (travel: session) |
/// | `rate_limited.beisen` | calls answered 429 by the rate limiter |
/// | `scrolls_expired.beisen` | scroll ids used after they died |
/// | `scrolls_evicted.beisen` | scrolls evicted beyond `max_live_scrolls` |
/// | `scroll_pages.beisen` | scroll pages with records served, counted when the call ends (when the scroll's idle time starts) |
/// | `scrolls_ended.beisen` | scrolls read to their end (the first empty page of a live scroll) |
/// | `travel.users_received`, `travel.users_failed`, `travel.batches` | sync traffic |
///
/// ```
/// let counters = hr_sandbox::Counters::default();
/// counters.incr("requests.beisen./token");
/// assert_eq!(counters.get("requests.beisen./token"), 1);
/// assert_eq!(counters.get("missing"), 0);
/// ```
#[derive(Debug, Default)]
pub struct Counters {
    values: Mutex<BTreeMap<String, u64>>,
}

impl Counters {
    /// Adds one.
    pub fn incr(&self, key: &str) {
        self.add(key, 1);
    }

    /// Adds `n`.
    pub fn add(&self, key: &str, n: u64) {
        let mut values = self.values.lock().unwrap_or_else(|e| e.into_inner());
        match values.get_mut(key) {
            Some(v) => *v += n,
            None => {
                values.insert(key.to_owned(), n);
            }
        }
    }

    /// The current value (0 if never counted).
    pub fn get(&self, key: &str) -> u64 {
        let values = self.values.lock().unwrap_or_else(|e| e.into_inner());
        values.get(key).copied().unwrap_or(0)
    }

    /// The sum of every counter whose key starts with `prefix`.
    pub fn sum_prefix(&self, prefix: &str) -> u64 {
        let values = self.values.lock().unwrap_or_else(|e| e.into_inner());
        values
            .range(prefix.to_owned()..)
            .take_while(|(k, _)| k.starts_with(prefix))
            .map(|(_, v)| v)
            .sum()
    }

    /// All counters.
    pub fn snapshot(&self) -> BTreeMap<String, u64> {
        self.values
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }
}

/// Seeded randomness for fault decisions, one independent stream per key
/// (vendor and route), so the faults one route sees do not depend on how
/// much traffic other routes get: a failing run replays as long as each
/// route sees the same sequence of requests.
#[derive(Debug)]
pub struct Dice {
    seed: u64,
    streams: Mutex<HashMap<String, u64>>,
}

impl Dice {
    /// Dice seeded with `seed`.
    pub fn new(seed: u64) -> Self {
        Dice {
            seed: seed ^ 0xD1CE_D1CE_D1CE_D1CE,
            streams: Mutex::new(HashMap::new()),
        }
    }

    /// The next number in `[0, 1)` of the stream named `key`.
    ///
    /// ```
    /// let a = hr_sandbox::state::Dice::new(1);
    /// let b = hr_sandbox::state::Dice::new(1);
    /// b.roll("other");
    /// assert_eq!(a.roll("beisen:/x"), b.roll("beisen:/x"));
    /// ```
    pub fn roll(&self, key: &str) -> f64 {
        let mut streams = self.streams.lock().unwrap_or_else(|e| e.into_inner());
        let state = streams
            .entry(key.to_owned())
            .or_insert_with(|| self.seed ^ fnv1a(key));
        *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = *state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        (z >> 11) as f64 / (1u64 << 53) as f64
    }
}

fn fnv1a(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// How many received travel users are kept for inspection; older batches
/// are dropped first (counted in `travel.batches_dropped`), so a long sync
/// of a million people does not keep gigabytes of JSON.
pub const MAX_RECEIVED_USERS: usize = 200_000;

/// One batch the travel endpoint received.
#[derive(Debug, Clone, PartialEq)]
pub struct ReceivedBatch {
    /// The `account` sent.
    pub account: Option<String>,
    /// Every `UserInfo` of the batch, as JSON.
    pub users: Vec<Value>,
    /// `userNo`/`userId` of the users that failed, with their reason.
    pub failures: Vec<(String, String)>,
}

/// Everything the simulators share.
#[derive(Debug)]
pub struct Context {
    /// The configuration the sandbox started with.
    pub config: SandboxConfig,
    /// The simulated workforce.
    pub data: Arc<Dataset>,
    /// Counters.
    pub counters: Counters,
    /// Fault dice.
    pub dice: Dice,
    /// The clock every lifetime and window is measured on.
    pub clock: Clock,
    /// Bumped to revoke every Beisen token issued before.
    pub beisen_token_epoch: AtomicU64,
    /// Bumped to revoke every ISDP token issued before.
    pub isdp_token_epoch: AtomicU64,
    /// Bumped to revoke every travel session id issued before (the fixed
    /// `TravelConfig::session_id` stays valid).
    pub travel_session_epoch: AtomicU64,
    /// Bumped to kill every Beisen scroll opened before.
    pub scroll_epoch: AtomicU64,
    /// Batches received by the travel endpoint, in order.
    pub travel_received: Mutex<Vec<ReceivedBatch>>,
}

impl Context {
    /// Builds the shared state for `config`.
    pub fn new(config: SandboxConfig) -> Self {
        let data = Arc::new(Dataset::new(config.data.clone()));
        Context {
            dice: Dice::new(config.faults.seed),
            config,
            data,
            counters: Counters::default(),
            clock: Clock::new(),
            beisen_token_epoch: AtomicU64::new(0),
            isdp_token_epoch: AtomicU64::new(0),
            travel_session_epoch: AtomicU64::new(0),
            scroll_epoch: AtomicU64::new(0),
            travel_received: Mutex::new(Vec::new()),
        }
    }

    /// Revokes every Beisen and ISDP token and every travel session id
    /// issued so far.
    pub fn revoke_tokens(&self) {
        self.beisen_token_epoch.fetch_add(1, Ordering::SeqCst);
        self.isdp_token_epoch.fetch_add(1, Ordering::SeqCst);
        self.travel_session_epoch.fetch_add(1, Ordering::SeqCst);
    }

    /// Kills every open Beisen scroll.
    pub fn expire_scrolls(&self) {
        self.scroll_epoch.fetch_add(1, Ordering::SeqCst);
    }

    /// Records a travel batch, keeping at most [`MAX_RECEIVED_USERS`] users.
    pub fn record_travel_batch(&self, batch: ReceivedBatch) {
        self.counters
            .add("travel.users_received", batch.users.len() as u64);
        self.counters
            .add("travel.users_failed", batch.failures.len() as u64);
        self.counters.incr("travel.batches");
        let mut received = self
            .travel_received
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        received.push(batch);
        let mut kept: usize = received.iter().map(|b| b.users.len()).sum();
        let mut dropped = 0;
        // The newest batch always stays, however large.
        while kept > MAX_RECEIVED_USERS && received.len() - dropped > 1 {
            kept -= received[dropped].users.len();
            dropped += 1;
        }
        if dropped > 0 {
            received.drain(..dropped);
            self.counters.add("travel.batches_dropped", dropped as u64);
        }
    }

    /// The time stamped on a change: the clock's civil now (China Standard
    /// Time), to the millisecond, as Beisen keeps times.
    pub fn change_time(&self) -> NaiveDateTime {
        let now = self.clock.civil_now();
        now.with_nanosecond(now.nanosecond() / 1_000_000 * 1_000_000)
            .unwrap_or(now)
    }

    /// See [`Sandbox::hire`](crate::Sandbox::hire).
    pub fn hire(&self, hire: NewHire) -> String {
        self.data.hire(hire, self.change_time())
    }

    /// See [`Sandbox::dismiss`](crate::Sandbox::dismiss).
    pub fn dismiss(&self, job_number: &str) -> bool {
        self.data.dismiss(job_number, self.change_time())
    }

    /// See [`Sandbox::set_mobile`](crate::Sandbox::set_mobile).
    pub fn set_mobile(&self, job_number: &str, mobile: &str) -> bool {
        self.data.set_mobile(job_number, mobile, self.change_time())
    }

    /// Forgets every received travel batch.
    pub fn clear_travel_received(&self) {
        self.travel_received
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn batch(users: usize) -> ReceivedBatch {
        ReceivedBatch {
            account: None,
            users: vec![Value::Null; users],
            failures: Vec::new(),
        }
    }

    #[test]
    fn received_travel_users_are_capped_oldest_first() {
        let ctx = Context::new(SandboxConfig::default());
        for _ in 0..(MAX_RECEIVED_USERS / 100 + 50) {
            ctx.record_travel_batch(batch(100));
        }
        let kept: usize = ctx
            .travel_received
            .lock()
            .unwrap()
            .iter()
            .map(|b| b.users.len())
            .sum();
        assert_eq!(kept, MAX_RECEIVED_USERS);
        assert_eq!(ctx.counters.get("travel.batches_dropped"), 50);
        assert_eq!(
            ctx.counters.get("travel.users_received"),
            (MAX_RECEIVED_USERS + 5_000) as u64
        );
        // One huge batch stays even alone over the cap.
        ctx.record_travel_batch(batch(MAX_RECEIVED_USERS + 1));
        assert_eq!(ctx.travel_received.lock().unwrap().len(), 1);
        ctx.clear_travel_received();
        assert!(ctx.travel_received.lock().unwrap().is_empty());
    }
}
