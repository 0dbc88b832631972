//! One of several workers syncing the same tenant: state in PostgreSQL
//! (`PostgresStore`, whose lease lets one worker at a time sync a source)
//! and the vendor's rate limit shared through Redis (`RedisLimiter`, one
//! budget per tenant whichever process calls). See `docs/deployment.md`.
//!
//! ```sh
//! export HR_SYNC_DATABASE_URL=postgres://hr_sync@127.0.0.1/hr_sync
//! export HR_SYNC_REDIS_URL=redis://127.0.0.1:6379/
//! cargo run --example sync_worker --features postgres,redis     # offline, on the sandbox
//! BEISEN_BASE_URL=… BEISEN_APP_KEY=… BEISEN_APP_SECRET=… \
//! TRAVEL_SYNC_URL=… TRAVEL_ACCOUNT=… TRAVEL_SESSION_ID=… HR_SYNC_TENANT=acme \
//!     cargo run --example sync_worker --features postgres,redis -- --since 2025-01-01
//! ```
//!
//! **Offline** (no `BEISEN_*` or `TRAVEL_*` variables) it starts the
//! sandbox with 500 employees (its travel endpoint answering in 200 ms),
//! and starts two workers on the same tenant at the same moment, each with
//! its own store connection and its own limiter on the same Redis prefix,
//! as two pods would. The verdict is OK when exactly one of them ran, the
//! other skipped because the first held the lease, and every user the run
//! pushed reached the travel platform exactly once. Then both start again: the
//! state is shared, so nothing is pushed. Each offline run uses a new
//! PostgreSQL schema (`demo_<time>`, printed), so it can be run again.
//!
//! **Against real services** it is one worker: it runs, or exits 0 saying
//! it skipped when another worker holds the tenant's lease.
//!
//! Exit status: 0 when the run completed or was skipped, 1 when it stopped
//! (or the offline verdict failed), 2 for a usage error.

use std::collections::BTreeMap;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use hr_sandbox::{Sandbox, SandboxConfig};
use hr_sdk::beisen::chrono::NaiveDate;
use hr_sdk::beisen::{self, BeisenClient};
use hr_sdk::common::transport::RedisLimiter;
use hr_sdk::sync::{BeisenSource, Mode, PostgresStore, SyncJob, SyncReport};
use hr_sdk::travel::client::{self as travel, TravelSyncClient};

type Error = Box<dyn std::error::Error>;

const USAGE: &str = "usage: sync_worker [--since YYYY-MM-DD]   (HR_SYNC_DATABASE_URL and \
                     HR_SYNC_REDIS_URL set; HR_SYNC_TENANT names the tenant, default `default`)";

/// What the worker needs besides the vendors.
struct Shared {
    database_url: String,
    redis_url: String,
    tenant: String,
}

fn var(name: &str) -> Option<String> {
    std::env::var(name)
        .ok()
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
}

fn parse_args() -> Result<Option<NaiveDate>, String> {
    let mut since = None;
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        match flag.as_str() {
            "--since" => {
                let v = args.next().ok_or("--since needs a value")?;
                since = Some(
                    NaiveDate::parse_from_str(&v, "%Y-%m-%d")
                        .map_err(|e| format!("--since `{v}`: {e} (want YYYY-MM-DD)"))?,
                );
            }
            "-h" | "--help" => return Err(USAGE.into()),
            other => return Err(format!("unknown argument `{other}`\n{USAGE}")),
        }
    }
    Ok(since)
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let since = match parse_args() {
        Ok(since) => since,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let (Some(database_url), Some(redis_url)) =
        (var("HR_SYNC_DATABASE_URL"), var("HR_SYNC_REDIS_URL"))
    else {
        eprintln!("HR_SYNC_DATABASE_URL and HR_SYNC_REDIS_URL must be set\n{USAGE}");
        return ExitCode::from(2);
    };
    let shared = Shared {
        database_url,
        redis_url,
        tenant: var("HR_SYNC_TENANT").unwrap_or_else(|| "default".into()),
    };
    let configured = std::env::vars().any(|(k, v)| {
        (k.starts_with("BEISEN_") || k.starts_with("TRAVEL_")) && !v.trim().is_empty()
    });
    let outcome = if configured {
        one_worker(&shared, since).await
    } else {
        demo(&shared).await
    };
    match outcome {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The tenant's limiter: the Beisen client's own per-endpoint limits, kept
/// in Redis under a prefix per tenant, so that every worker of the tenant
/// draws from one budget.
async fn limiter(shared: &Shared) -> Result<Arc<RedisLimiter>, Error> {
    let limiter = RedisLimiter::builder(
        &shared.redis_url,
        format!("hr:rl:beisen:{}", shared.tenant),
        beisen::DEFAULT_LIMITS,
    )
    .limits_by(beisen::documented_limits)
    .build()?;
    // Refuse to start without Redis rather than fail at the first call.
    limiter.ping().await?;
    Ok(Arc::new(limiter))
}

/// A worker's job: its own store connection and limiter, as in its own
/// process.
async fn job(
    shared: &Shared,
    schema: &str,
    beisen: beisen::BeisenClientBuilder,
    since: Option<NaiveDate>,
    travel: &TravelSyncClient,
    worker_id: Option<&str>,
) -> Result<SyncJob, Error> {
    let client = beisen.rate_limiter(limiter(shared).await?).build()?;
    let mut source = BeisenSource::new(client);
    if let Some(since) = since {
        source = source.since(since);
    }
    let store = PostgresStore::connect_with_schema(&shared.database_url, schema).await?;
    let mut job = SyncJob::builder()
        .source(source)
        .store(store)
        .travel(travel.clone())
        .mode(Mode::Incremental);
    if let Some(id) = worker_id {
        job = job.worker_id(id);
    }
    Ok(job.build()?)
}

/// Runs `job`: `Some(report)` when it ran, `None` when another worker held
/// the lease.
async fn run(name: &str, job: &SyncJob) -> Result<Option<SyncReport>, Error> {
    match job.run().await {
        Ok(report) => {
            println!("{name} ({}) ran:\n{report}\n", job.worker_id());
            Ok(Some(report))
        }
        Err(e) if e.is_lease_held() => {
            println!("{name} ({}) skipped: {e}\n", job.worker_id());
            Ok(None)
        }
        Err(e) => {
            if let Some(report) = e.report() {
                println!("{name} stopped after:\n{report}");
            }
            Err(e.into())
        }
    }
}

async fn one_worker(shared: &Shared, since: Option<NaiveDate>) -> Result<bool, Error> {
    let schema = format!(
        "tenant_{}",
        shared.tenant.to_ascii_lowercase().replace('-', "_")
    );
    let travel = TravelSyncClient::from_env()?;
    let beisen = BeisenClient::builder().from_env()?;
    let job = job(shared, &schema, beisen, since, &travel, None).await?;
    run("this worker", &job).await?;
    Ok(true)
}

/// Two workers on one tenant, twice; see the module docs.
async fn demo(shared: &Shared) -> Result<bool, Error> {
    let mut config = SandboxConfig::default();
    config.data.employees = 500;
    config.travel.known_levels.push("X9".into()); // nobody refused
    config.faults.travel.default.latency = Duration::from_millis(200);
    let sandbox = Sandbox::start(config).await?;
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH)?.as_nanos();
    let schema = format!("demo_{nanos}");
    eprintln!(
        "no BEISEN_* or TRAVEL_* variables: the in-process sandbox (500 employees); state in \
         schema {schema}, rate limit under Redis prefix hr:rl:beisen:{}",
        shared.tenant
    );
    let t = &sandbox.config().travel;
    let travel = TravelSyncClient::builder()
        .base_url(sandbox.travel_sync_url())
        .credentials(travel::Credentials::session(&t.account, &t.session_id))
        .build()?;
    let b = &sandbox.config().beisen;
    let beisen = || {
        BeisenClient::builder()
            .base_url(sandbox.beisen_url())
            .credentials(beisen::Credentials::app_key(&b.app_key, &b.app_secret))
    };
    let since = Some(sandbox.data().config().span_start);

    let mut ok = true;
    for round in ["first", "second"] {
        let a = job(shared, &schema, beisen(), since, &travel, Some("worker-a")).await?;
        let b = job(shared, &schema, beisen(), since, &travel, Some("worker-b")).await?;
        println!("== {round} round: worker-a and worker-b start together");
        let (ra, rb) = tokio::join!(run("worker-a", &a), run("worker-b", &b));
        let reports: Vec<SyncReport> = [ra?, rb?].into_iter().flatten().collect();
        let pushed: u64 = reports.iter().map(|r| r.pushed).sum();
        if round == "first" {
            // Exactly one ran; everyone arrived once.
            let mut per_user = BTreeMap::<String, u32>::new();
            for user in sandbox.travel_received().into_iter().flat_map(|b| b.users) {
                let key = user["userNo"].as_str().unwrap_or_default().to_owned();
                *per_user.entry(key).or_default() += 1;
            }
            let twice = per_user.values().filter(|n| **n > 1).count();
            println!(
                "verdict input: {} run(s), {pushed} pushed, {} distinct users received, {twice} \
                 received more than once",
                reports.len(),
                per_user.len()
            );
            ok &= reports.len() == 1 && pushed > 0 && twice == 0 && per_user.len() as u64 == pushed;
        } else {
            // Whoever ran found nothing new: the state is shared.
            println!("verdict input: {} run(s), {pushed} pushed", reports.len());
            ok &= !reports.is_empty() && pushed == 0;
        }
    }
    if ok {
        println!(
            "verdict: OK (one worker ran while the other skipped, every user pushed once, \
             and the second round pushed nothing)"
        );
    } else {
        println!("verdict: FAILED");
    }
    Ok(ok)
}
