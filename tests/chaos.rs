//! Chaos: the sandbox fails one call in eight and throttles one in twenty,
//! revokes tokens every 20 calls and kills every open scroll once, and the
//! clients, with the library's defaults, still deliver each of 20,000
//! Beisen employees and 20,000 ISDP+ persons exactly once, for five fault
//! seeds. Counts only, never times: the figures for `docs/reliability.md`
//! are printed (`cargo test --test chaos -- --nocapture`).

use std::collections::HashSet;
use std::time::Instant;

use futures::TryStreamExt;
use hr_sandbox::{DataConfig, FaultSpec, Sandbox, SandboxConfig};
use hr_sdk::beisen::chrono::NaiveDate;
use hr_sdk::beisen::{BeisenClient, Credentials};
use hr_sdk::isdp::{GetPersonList, IsdpClient, OffsetCheckpoint};

const PEOPLE: usize = 20_000;

fn chaos(seed: u64) -> SandboxConfig {
    let mut c = SandboxConfig {
        data: DataConfig::year_2024(),
        ..SandboxConfig::default()
    };
    c.data.employees = PEOPLE;
    let faults = FaultSpec {
        error_500: 0.10,
        throttle_429: 0.05,
        retry_after_secs: 1,
        reset: 0.03,
        ..FaultSpec::default()
    };
    c.faults.seed = seed;
    c.faults.beisen.default = faults;
    c.faults.isdp.default = faults;
    c.beisen.revoke_tokens_after = Some(20);
    c.isdp.revoke_tokens_after = Some(20);
    c
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// Every Beisen employee changed in 2024 (the sandbox's span), every
/// status included, four windows at once as the example reads them.
/// Partway through, every open scroll is killed.
async fn beisen(sb: &Sandbox, seed: u64) {
    let cfg = &sb.config().beisen;
    let client = BeisenClient::builder()
        .base_url(sb.beisen_url())
        .credentials(Credentials::app_key(&cfg.app_key, &cfg.app_secret))
        .build()
        .unwrap();
    let (start, stop) = (day(2024, 1, 1), day(2025, 1, 1));
    let mut stream = client
        .employees()
        .changed_between(start, stop)
        .everything()
        .parallel(4);
    let progress = stream.progress();
    let mut items = stream.items();
    let mut seen = HashSet::new();
    let mut expired = false;
    let started = Instant::now();
    while let Some(e) = items
        .try_next()
        .await
        .unwrap_or_else(|e| panic!("seed {seed}: Beisen stream failed: {e}"))
    {
        assert!(
            seen.insert(e.employee_info.user_id.get()),
            "seed {seed}: {} twice",
            e.employee_info.user_id.get()
        );
        if seen.len() == PEOPLE / 4 && !expired {
            sb.expire_scrolls();
            expired = true;
        }
    }
    assert_eq!(seen.len(), sb.data().len(), "seed {seed}");
    assert!(progress.checkpoint().is_complete());
    let stats = client.stats();
    let counters = sb.counters();
    println!(
        "beisen seed {seed}: {} records, {} calls, {} attempts, {} retries, {} throttled, \
         {} auth retries, {} restarts, injected 500/429/reset {}/{}/{}, {:.1}s",
        seen.len(),
        stats.calls,
        stats.attempts,
        stats.retries,
        stats.throttled,
        stats.auth_retries,
        progress.restarts(),
        counters.sum_prefix("faults.beisen.500"),
        counters.sum_prefix("faults.beisen.429"),
        counters.sum_prefix("faults.beisen.reset"),
        started.elapsed().as_secs_f64()
    );
}

/// Every ISDP+ person, in order. A listing that fails anyway is resumed
/// from its checkpoint (bounded): the persons still come exactly once.
async fn isdp(sb: &Sandbox, seed: u64) {
    let cfg = &sb.config().isdp;
    let client = IsdpClient::builder()
        .base_url(sb.isdp_url())
        .credentials(hr_sdk::isdp::Credentials::password_grant(
            cfg.client_id.clone(),
            cfg.client_secret.clone(),
            cfg.username.clone(),
            cfg.password.clone(),
        ))
        .build()
        .unwrap();
    let mut ids = Vec::with_capacity(PEOPLE);
    let mut resume: Option<OffsetCheckpoint> = None;
    let mut resumes = 0;
    let started = Instant::now();
    loop {
        let mut listing = GetPersonList::new().listing(&client);
        if let Some(c) = &resume {
            listing = listing.resume_from(c);
        }
        let progress = listing.progress();
        let mut persons = listing.items();
        let failed = loop {
            match persons.try_next().await {
                Ok(Some(p)) => ids.push(p.person_id.get()),
                Ok(None) => break None,
                Err(e) => break Some(e),
            }
        };
        match failed {
            None => break,
            Some(e) => {
                resumes += 1;
                assert!(
                    resumes <= 3,
                    "seed {seed}: ISDP failed {resumes} times: {e}"
                );
                resume = Some(progress.checkpoint());
            }
        }
    }
    let unique: HashSet<i64> = ids.iter().copied().collect();
    assert_eq!(unique.len(), ids.len(), "seed {seed}: a person twice");
    assert_eq!(ids.len(), sb.data().len(), "seed {seed}");
    let stats = client.stats();
    println!(
        "isdp seed {seed}: {} persons, {} calls, {} attempts, {} retries, {} throttled, \
         {} auth retries, {resumes} resumes, {:.1}s",
        ids.len(),
        stats.calls,
        stats.attempts,
        stats.retries,
        stats.throttled,
        stats.auth_retries,
        started.elapsed().as_secs_f64()
    );
}

async fn run(seed: u64) {
    let sb = Sandbox::start(chaos(seed)).await.unwrap();
    tokio::join!(beisen(&sb, seed), isdp(&sb, seed));
    let c = sb.counters();
    let injected = c.sum_prefix("faults.beisen.") + c.sum_prefix("faults.isdp.");
    assert!(
        injected > 0,
        "seed {seed}: no fault was injected: {:?}",
        c.snapshot()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chaos_seed_1() {
    run(1).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chaos_seed_2() {
    run(2).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chaos_seed_3() {
    run(3).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chaos_seed_4() {
    run(4).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chaos_seed_5() {
    run(5).await;
}
