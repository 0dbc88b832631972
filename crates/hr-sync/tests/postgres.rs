//! The PostgreSQL store (feature `postgres`): the store behaviours every
//! durable store shares (`common::store_behaviour`, also run against
//! SQLite), its schema and migrations, and the per-source lease: two
//! workers on one tenant never push the same users, a dead worker's lease
//! is taken over once it expires, and a run that loses its lease stops
//! without moving the checkpoint.
//!
//! The server: `HR_TEST_POSTGRES_URL`, else a throwaway cluster (see
//! `common::postgres_server`); each test works in its own schema.

mod common;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use common::postgres_server::{postgres_url, raw_client, unique_schema};
use common::store_behaviour as behaviour;
use common::*;
use futures::future::BoxFuture;
use hr_sync::state::postgres::SCHEMA_VERSION;
use hr_sync::{Mode, PostgresStore, StateStore, SyncJob};

/// Opens a new connection to `schema` each call.
fn reopen(url: &str, schema: &str) -> impl Fn() -> BoxFuture<'static, PostgresStore> + use<> {
    let (url, schema) = (url.to_owned(), schema.to_owned());
    move || {
        let (url, schema) = (url.clone(), schema.clone());
        Box::pin(async move {
            PostgresStore::connect_with_schema(&url, &schema)
                .await
                .unwrap()
        })
    }
}

macro_rules! server {
    () => {
        match postgres_url() {
            Some(url) => url,
            None => return,
        }
    };
}

#[tokio::test]
async fn a_reconnected_store_holds_the_same_state() {
    let url = server!();
    let schema = unique_schema("reopen");
    let open = reopen(&url, &schema);
    assert_eq!(open().await.schema_version().await.unwrap(), SCHEMA_VERSION);
    behaviour::holds_state_across_reopen(&open).await;
}

#[tokio::test]
async fn a_failing_transaction_leaves_nothing_half_written() {
    let url = server!();
    let open = reopen(&url, &unique_schema("rollback"));
    behaviour::a_failing_batch_writes_nothing(&open).await;
}

#[tokio::test]
async fn runs_order_and_edge_cases() {
    let url = server!();
    let open = reopen(&url, &unique_schema("order"));
    behaviour::runs_order_and_edge_cases(&open).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sync_resumes_from_a_reconnected_store() {
    let url = server!();
    let schema = unique_schema("resume");
    let open = reopen(&url, &schema);
    let (first, second) = behaviour::a_sync_resumes_from_a_reopened_store(&open).await;
    assert_eq!((first.run, second.run), (Some(1), Some(2)));
    // Each run's report is kept, as JSON.
    let client = raw_client(&url).await;
    let row = client
        .query_one(
            &format!(
                "SELECT count(*), max((report::json->>'pushed')::bigint) FROM \"{schema}\".runs WHERE report IS NOT NULL AND finished_at IS NOT NULL"
            ),
            &[],
        )
        .await
        .unwrap();
    assert_eq!(row.get::<_, i64>(0), 2);
    assert_eq!(row.get::<_, i64>(1), first.pushed.max(second.pushed) as i64);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn workers_starting_together_migrate_once_and_a_newer_schema_is_refused() {
    let url = server!();
    let schema = unique_schema("migrate");
    // Four workers at once on a schema that does not exist yet: the
    // advisory lock lets one create it, the others find it made.
    let opens = (0..4).map(|_| PostgresStore::connect_with_schema(&url, &schema));
    for store in futures::future::join_all(opens).await {
        assert_eq!(store.unwrap().schema_version().await.unwrap(), 1);
    }
    let client = raw_client(&url).await;
    let versions: i64 = client
        .query_one(
            &format!("SELECT count(*) FROM \"{schema}\".schema_version"),
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(versions, 1, "one version row, written once");

    client
        .execute(
            &format!("UPDATE \"{schema}\".schema_version SET version = 99"),
            &[],
        )
        .await
        .unwrap();
    let err = PostgresStore::connect_with_schema(&url, &schema)
        .await
        .unwrap_err();
    assert!(err.is_config(), "{err}");
    assert!(err.to_string().contains("schema version 99"), "{err}");

    // A server that cannot be reached is a store error, said plainly.
    let err = PostgresStore::connect("postgres://postgres@127.0.0.1:1/postgres")
        .await
        .unwrap_err();
    assert!(err.is_store(), "{err}");
    assert!(err.to_string().contains("PostgreSQL"), "{err}");
}

#[tokio::test]
async fn a_live_lease_is_refused_and_a_dead_one_taken_over() {
    let url = server!();
    let schema = unique_schema("lease");
    let open = reopen(&url, &schema);
    // Two workers, each with its own connection.
    let (a, b) = (open().await, open().await);
    let ttl = Duration::from_secs(3);

    let lease_a = a.acquire_lease("beisen", "worker-a", ttl).await.unwrap();
    let held = b
        .acquire_lease("beisen", "worker-b", ttl)
        .await
        .unwrap_err();
    assert!(held.is_lease_held(), "{held}");
    match &held {
        hr_sync::Error::LeaseHeld {
            holder, expires_in, ..
        } => {
            assert_eq!(holder, "worker-a");
            assert!(
                *expires_in <= ttl && *expires_in > Duration::ZERO,
                "{expires_in:?}"
            );
        }
        other => panic!("{other}"),
    }
    assert!(held.to_string().contains("worker-a"), "{held}");
    // Not even the same holder name gets a live lease twice.
    assert!(
        a.acquire_lease("beisen", "worker-a", ttl)
            .await
            .unwrap_err()
            .is_lease_held()
    );
    // Another source is free.
    b.acquire_lease("isdp", "worker-b", ttl).await.unwrap();
    // Renewing keeps it past the first ttl: the check below comes after
    // the first expiry (sleeps only overshoot) and 1.2 s before the
    // renewed one.
    tokio::time::sleep(ttl / 2).await;
    assert!(a.renew_lease(&lease_a).await.unwrap());
    tokio::time::sleep(ttl * 6 / 10).await;
    assert!(
        b.acquire_lease("beisen", "worker-b", ttl)
            .await
            .unwrap_err()
            .is_lease_held(),
        "renewed, so still held"
    );

    // Worker a "dies": no more renewals. Once the lease expires, b takes
    // it over, with a new token, and a's late renewal is refused.
    tokio::time::sleep(ttl).await;
    let lease_b = b.acquire_lease("beisen", "worker-b", ttl).await.unwrap();
    assert!(lease_b.token > lease_a.token);
    assert!(!a.renew_lease(&lease_a).await.unwrap(), "a lost it");
    // a's release does not free b's lease.
    a.release_lease(&lease_a).await.unwrap();
    let err = a
        .acquire_lease("beisen", "worker-c", ttl)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("worker-b"), "{err}");
    // b's release frees it at once.
    b.release_lease(&lease_b).await.unwrap();
    let lease_c = a.acquire_lease("beisen", "worker-c", ttl).await.unwrap();
    assert!(lease_c.token > lease_b.token);
}

/// A sandbox whose travel endpoint answers slowly, so that a run lasts
/// long enough for another to start meanwhile.
async fn slow_sandbox(employees: usize, latency: Duration) -> hr_sandbox::Sandbox {
    sandbox_with(employees, true, |c| {
        c.faults.travel.default.latency = latency
    })
    .await
}

fn worker(
    sandbox: &hr_sandbox::Sandbox,
    store: PostgresStore,
    id: &str,
) -> hr_sync::SyncJobBuilder {
    job(beisen_source(sandbox), store, sandbox)
        .mode(Mode::Full)
        .batch_size(20)
        .concurrency(2)
        .worker_id(id)
}

fn assert_each_pushed_once(sandbox: &hr_sandbox::Sandbox, expected: u64) {
    let counts = received_counts(sandbox);
    let twice: BTreeMap<_, _> = counts.iter().filter(|(_, n)| **n > 1).collect();
    assert!(twice.is_empty(), "pushed more than once: {twice:?}");
    assert_eq!(counts.len() as u64, expected);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_workers_on_one_tenant_one_runs_the_other_skips() {
    let url = server!();
    let sandbox = slow_sandbox(120, Duration::from_millis(150)).await;
    let open = reopen(&url, &unique_schema("skip"));
    let a = worker(&sandbox, open().await, "worker-a").build().unwrap();
    let b = worker(&sandbox, open().await, "worker-b").build().unwrap();

    let (ra, rb) = tokio::join!(a.run(), b.run());
    let (done, skipped) = match (ra, rb) {
        (Ok(done), Err(skipped)) | (Err(skipped), Ok(done)) => (done, skipped),
        (ra, rb) => panic!("expected one run and one skip, got {ra:?} and {rb:?}"),
    };
    assert!(skipped.is_lease_held(), "{skipped}");
    assert!(
        !skipped.is_incomplete(),
        "skipped before starting: {skipped}"
    );
    assert!(done.pushed > 50 && done.failed == 0, "{done}");
    assert_each_pushed_once(&sandbox, done.pushed);
    // The skip wrote no run; the lease is free again afterwards.
    let store = open().await;
    let next = store
        .acquire_lease("beisen", "later", Duration::from_secs(5))
        .await
        .unwrap();
    store.release_lease(&next).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_workers_on_one_tenant_one_waits_for_the_other() {
    let url = server!();
    let sandbox = slow_sandbox(120, Duration::from_millis(150)).await;
    let open = reopen(&url, &unique_schema("wait"));
    let incremental = |store, id| {
        worker(&sandbox, store, id)
            .mode(Mode::Incremental)
            .lease_ttl(Duration::from_secs(2))
            .lease_wait(Duration::from_secs(60))
    };
    let a = incremental(open().await, "worker-a").build().unwrap();
    let b = incremental(open().await, "worker-b").build().unwrap();

    let started = Instant::now();
    let (ra, rb) = tokio::join!(a.run(), b.run());
    let (ra, rb) = (ra.unwrap(), rb.unwrap());
    let (first, second) = if ra.run < rb.run { (ra, rb) } else { (rb, ra) };
    // The first pushed everyone; the second waited for it, then found
    // them all unchanged.
    assert!(first.pushed > 50 && first.failed == 0, "{first}");
    assert_eq!(second.pushed, 0, "{second}");
    assert_eq!(second.checkpoint_before, first.checkpoint_after);
    assert!(second.unchanged > 0, "{second}");
    assert_each_pushed_once(&sandbox, first.pushed);
    assert!(
        started.elapsed() >= first.duration,
        "the second ran after the first"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lost_lease_stops_the_run_and_keeps_the_checkpoint() {
    let url = server!();
    let schema = unique_schema("lost");
    // 24 batches of 10, one at a time, 300 ms each: about 7 s.
    let sandbox = slow_sandbox(240, Duration::from_millis(300)).await;
    let store = PostgresStore::connect_with_schema(&url, &schema)
        .await
        .unwrap();
    let job: SyncJob = job(beisen_source(&sandbox), store.clone(), &sandbox)
        .batch_size(10)
        .concurrency(1)
        .lease_ttl(Duration::from_millis(1500))
        .worker_id("victim")
        .build()
        .unwrap();
    // Another worker takes the lease over once the run is pushing (as if
    // the run's lease had expired during a long pause).
    let steal = async {
        let give_up = Instant::now() + Duration::from_secs(30);
        while sandbox.travel_received().len() < 2 && Instant::now() < give_up {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let client = raw_client(&url).await;
        client
            .execute(
                &format!(
                    "UPDATE \"{schema}\".leases SET holder = 'thief', token = token + 1,
                     expires_at = now() + interval '1 hour' WHERE source = 'beisen'"
                ),
                &[],
            )
            .await
            .unwrap()
    };
    let (result, stolen) = tokio::join!(job.run(), steal);
    assert_eq!(stolen, 1, "the run held a lease row");

    let err = result.unwrap_err();
    assert!(err.is_lease_lost() && err.is_incomplete(), "{err}");
    let report = err.report().unwrap();
    // Stolen after 2 batches; within a renewal (500 ms) it stopped
    // reading, so of the ~200 users a whole run pushes, few went.
    assert!(
        report.pushed >= 20 && (report.pushed as usize) < sandbox.data().len() / 2,
        "stopped part-way: {report}"
    );
    assert_eq!(report.checkpoint_after, None);
    assert_eq!(
        store.checkpoint("beisen").await.unwrap(),
        None,
        "the checkpoint did not move"
    );
    // What it pushed before it stopped is all the platform got, and is
    // committed: the thief's next run would not push it again.
    assert_each_pushed_once(&sandbox, report.pushed);
    let pushed: Vec<String> = received_counts(&sandbox).into_keys().collect();
    let known = store.lookup("beisen", &pushed).await.unwrap();
    assert!(pushed.iter().all(|k| known[k].hash.is_some()));
    // The run's release left the thief's lease alone.
    let err = store
        .acquire_lease("beisen", "someone", Duration::from_secs(5))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("thief"), "{err}");
}
