//! B8: the hr-sync pipeline, Beisen to travel, a first run and an
//! unchanged second one.

use std::time::Instant;

use beisen_client::{BeisenClient, Credentials};
use hr_sandbox::{DataConfig, FaultSpec, Sandbox, SandboxConfig};
use hr_sync::{BeisenSource, SqliteStore, SyncJob, SyncReport};
use serde_json::json;
use travel_sync_types::client::{Credentials as TravelCredentials, TravelSyncClient};

use crate::{Case, LATENCY, Res, Sizes, thousands};

/// One run's figures.
#[derive(Debug, Clone, serde::Serialize)]
struct RunFigures {
    seconds: f64,
    records_per_second: f64,
    pulled: u64,
    mapped: u64,
    skipped: u64,
    unchanged: u64,
    pushed: u64,
    succeeded: u64,
    failed: u64,
    unanswered: u64,
}

impl RunFigures {
    fn new(report: &SyncReport, seconds: f64) -> Self {
        RunFigures {
            seconds,
            records_per_second: report.pulled as f64 / seconds.max(1e-9),
            pulled: report.pulled,
            mapped: report.mapped,
            skipped: report.skipped_total(),
            unchanged: report.unchanged,
            pushed: report.pushed,
            succeeded: report.succeeded,
            failed: report.failed,
            unanswered: report.unanswered,
        }
    }
}

/// B8: 100,000 employees through `SyncJob` (SQLite state), twice.
pub async fn b8(sizes: &Sizes) -> Res<Case> {
    let mut config = SandboxConfig {
        // A year ending today: the source reads up to now.
        data: DataConfig {
            employees: sizes.sync,
            ..DataConfig::default()
        },
        ..SandboxConfig::default()
    };
    let latency = FaultSpec {
        latency: LATENCY,
        ..FaultSpec::default()
    };
    config.faults.beisen.default = latency;
    config.faults.travel.default = latency;
    config.beisen.rate_per_second = 100;
    config.beisen.rate_per_minute = 3_000;
    // The platform knows every level the data has (by default it refuses
    // `X9`), so the first run leaves no refusal for the second to retry.
    config.travel.known_levels.push("X9".into());
    let sandbox = Sandbox::start(config).await?;
    let b = &sandbox.config().beisen;
    let t = &sandbox.config().travel;
    let beisen = BeisenClient::builder()
        .base_url(sandbox.beisen_url())
        .credentials(Credentials::app_key(&b.app_key, &b.app_secret))
        .build()?;
    let travel = TravelSyncClient::builder()
        .base_url(sandbox.travel_sync_url())
        .credentials(TravelCredentials::session(&t.account, &t.session_id))
        .build()?;
    let dir = crate::default_out_dir();
    std::fs::create_dir_all(&dir)?;
    let db = dir.join(format!("b8-{}.db", std::process::id()));
    let remove_db = || {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
        }
    };
    remove_db();
    let result = async {
        let job = SyncJob::builder()
            .source(BeisenSource::new(beisen).since(sandbox.config().data.span_start))
            .store(SqliteStore::open(&db)?)
            .travel(travel)
            .progress(hr_sync::progress::Silent)
            .build()?;
        let started = Instant::now();
        let first = job.run().await?;
        let first_seconds = started.elapsed().as_secs_f64();
        let received_first = sandbox.counters().get("travel.users_received");
        let started = Instant::now();
        let second = job.run().await?;
        let second_seconds = started.elapsed().as_secs_f64();
        let received_second = sandbox.counters().get("travel.users_received") - received_first;
        Ok::<_, crate::Error>((
            first,
            first_seconds,
            received_first,
            second,
            second_seconds,
            received_second,
        ))
    }
    .await;
    remove_db();
    let (first, first_seconds, received_first, second, second_seconds, received_second) = result?;

    let one = RunFigures::new(&first, first_seconds);
    let two = RunFigures::new(&second, second_seconds);
    let mut case = Case::new(
        "B8",
        format!(
            "hr-sync Beisen → travel, {} employees; first run, then unchanged",
            thousands(sizes.sync as f64)
        ),
        "records/s; the second run makes no push",
    );
    if let Err(e) = first.check_counts() {
        case.problems.push(format!("first run counts: {e}"));
    }
    if let Err(e) = second.check_counts() {
        case.problems.push(format!("second run counts: {e}"));
    }
    case.check(first.pulled > 0, "the first run pulled nothing");
    case.expect(
        "first run users the platform received",
        received_first,
        first.pushed,
    );
    case.expect("first run refusals", first.failed, 0);
    case.expect("first run unanswered", first.unanswered, 0);
    case.expect("second run pushed", second.pushed, 0);
    case.expect("second run users the platform received", received_second, 0);
    case.sdk = format!(
        "first {} rec/s ({} pulled, {} pushed); second {} rec/s",
        thousands(one.records_per_second),
        thousands(one.pulled as f64),
        thousands(one.pushed as f64),
        thousands(two.records_per_second)
    );
    case.baseline = "none".into();
    case.ratio = format!("second run pushed {}", two.pushed);
    case.met = (!sizes.quick).then_some(second.pushed == 0);
    case.notes.push(format!(
        "SQLite state in a file; 30 ms on Beisen and travel, Beisen 100/s, 3,000/min; `X9` added to the platform's levels; first {:.1} s ({} skipped by the mapping), second {:.1} s ({} pulled: the re-read look-back, all unchanged)",
        one.seconds,
        thousands(one.skipped as f64),
        two.seconds,
        thousands(two.pulled as f64)
    ));
    case.details = json!({ "first": one, "second": two });
    Ok(case)
}
