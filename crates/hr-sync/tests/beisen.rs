//! Beisen → travel on the sandbox: what arrives, rejections and retries,
//! unchanged second runs, full and dry runs, and a crash mid-run.

mod common;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use beisen_client::organization::GetJobLevelsByTimeWindow;
use beisen_client::organization::paths::JOB_LEVEL_GET_BY_TIME_WINDOW;
use beisen_client::window::QueryType;
use common::*;
use futures::TryStreamExt;
use hr_sandbox::NewHire;
use hr_sync::state::{BatchCommit, Failure, RunId, UserState};
use hr_sync::{BeisenSource, MemoryStore, Mode, SourceCheckpoint, StateStore, SyncReport};

/// What the source should deliver, read straight from the client with
/// the same selection: job number → index in the sandbox's dataset.
async fn expected(sandbox: &hr_sandbox::Sandbox) -> BTreeMap<String, usize> {
    let all: Vec<_> = beisen(sandbox)
        .employees()
        .changed_between(day(2024, 1, 1), day(2025, 1, 1))
        .everyone()
        .query_type(QueryType::BusinessModified)
        .with_deleted(true)
        .items()
        .try_collect()
        .await
        .unwrap();
    all.into_iter()
        .map(|e| {
            let no = e.record_info.unwrap().job_number.unwrap();
            let i = sandbox.data().index_of_job_number(&no).unwrap();
            (no, i)
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_employee_arrives_once_with_the_right_fields() {
    let sandbox = sandbox(300, false).await;
    let expected = expected(&sandbox).await;
    assert!(expected.len() > 200, "{}", expected.len());

    let report = job(beisen_source(&sandbox), MemoryStore::new(), &sandbox)
        .batch_size(25)
        .concurrency(3)
        .build()
        .unwrap()
        .run()
        .await
        .unwrap();

    assert_eq!(report.pulled as usize, expected.len());
    assert_eq!(report.mapped + report.skipped_total(), report.pulled);
    assert_eq!(report.pushed, report.mapped);
    assert_eq!(report.succeeded + report.failed, report.pushed);
    // The sandbox's data have valid mobiles and names for everyone.
    assert_eq!(report.skipped_total(), 0, "{report}");
    report.check_counts().unwrap();
    // Nobody's mobile is in the report, though some were refused.
    let shown = format!("{report}{}", serde_json::to_string(&report).unwrap());
    let data = sandbox.data();
    for i in expected.values() {
        let mobile = data.person(*i).mobile;
        assert!(!shown.contains(&mobile), "{mobile} in the report");
    }

    let counts = received_counts(&sandbox);
    assert!(
        counts.values().all(|n| *n == 1),
        "each user once: {counts:?}"
    );
    assert_eq!(
        counts.keys().collect::<BTreeSet<_>>(),
        expected.keys().collect::<BTreeSet<_>>()
    );

    let data = sandbox.data();
    let (mut left, mut active) = (0, 0);
    for user in received(&sandbox) {
        let no = user["userNo"].as_str().unwrap();
        let p = data.person(expected[no]);
        let org = data.org(p.org_oid).unwrap();
        let leave = p.has_left() || p.is_deleted;
        assert_eq!(user["fullName"], p.name.as_str(), "{no}");
        assert_eq!(user["mobile"], p.mobile.as_str(), "{no}");
        assert_eq!(user["emailAddress"], p.email.as_str(), "{no}");
        // Beisen sends the level's GUID; the source resolves it to the code.
        assert_eq!(user["level"], p.job_level.as_str(), "{no}");
        let level = data.job_level(&p.job_level).unwrap();
        assert_eq!(user["levelName"], level.name, "{no}");
        assert_eq!(user["departmentCode"], org.code.as_str(), "{no}");
        assert_eq!(user["departmentName"], org.name.as_str(), "{no}");
        assert_eq!(
            user["gender"],
            if p.gender == 0 { "M" } else { "F" },
            "{no}"
        );
        assert_eq!(user["birthday"], p.birthday.to_string(), "{no}");
        assert_eq!(user["isLeave"], leave, "{no}: status {}", p.emp_status);
        assert!(user.get("cardInfo").is_none(), "cards only when opted in");
        if leave { left += 1 } else { active += 1 }
    }
    assert!(left > 10 && active > 100, "{left} left, {active} active");
    let x9 = received(&sandbox)
        .iter()
        .filter(|u| u["level"] == "X9")
        .count();
    assert_eq!(report.failed as usize, x9);
    assert_eq!(
        report.left as usize,
        received(&sandbox)
            .iter()
            .filter(|u| u["isLeave"] == true && u["level"] != "X9")
            .count()
    );
    assert!(report.checkpoint_after.is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn job_level_guids_resolve_through_one_catalogue_read_per_run() {
    let sandbox = sandbox(150, true).await;
    let data = sandbox.data();
    let route = format!("requests.beisen.{JOB_LEVEL_GET_BY_TIME_WINDOW}");
    let calls = || sandbox.counters().get(&route);

    // A run over the 2024 span reads the catalogue once: as many calls as
    // one read of it by hand, from the same start to the run's stop. One
    // client for both, as for one tenant: two would each spend the
    // tenant's per-second limit, and the sandbox would refuse some calls.
    let client = beisen(&sandbox);
    let source = BeisenSource::new(client.clone())
        .since(day(2024, 1, 1))
        .until(day(2025, 1, 1));
    let report = job(source, MemoryStore::new(), &sandbox)
        .build()
        .unwrap()
        .run()
        .await
        .unwrap();
    assert!(report.pushed > 100, "{report}");
    let per_run = calls();
    assert!(per_run > 0);
    let levels: Vec<_> = client
        .stream(
            GetJobLevelsByTimeWindow::new(day(2010, 1, 1), day(2025, 1, 1))
                .capacity(300)
                .with_disabled(true)
                .with_deleted(true),
        )
        .unwrap()
        .items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(levels.len(), data.job_levels().len());
    assert_eq!(calls(), 2 * per_run, "one catalogue read per run");
    let p3 = data.job_level("P3").unwrap();

    // Two hires of today: one at a level the catalogue knows (sent as its
    // GUID), one at a code it does not (sent as the code).
    let known = sandbox.hire(NewHire::new("林小雨", "13700001234").with_job_level("P3"));
    let unknown = sandbox.hire(NewHire::new("周小舟", "13700005678").with_job_level("Z7"));
    let today = sandbox.clock().today();
    // A run's window ends at a whole second: let the hires' second pass.
    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    let level_of = |no: &str| {
        let got = received(&sandbox);
        let user = got.iter().find(|u| u["userNo"] == no).unwrap();
        (user["level"].clone(), user["levelName"].clone())
    };
    let run_today = |source: BeisenSource| {
        sandbox.clear_travel_received();
        let job = job(source.since(today), MemoryStore::new(), &sandbox)
            .build()
            .unwrap();
        async move { job.run().await }
    };
    // Resolution off: the oId as sent, and no catalogue read.
    let before = calls();
    run_today(BeisenSource::new(beisen(&sandbox)).resolve_job_levels(false))
        .await
        .unwrap();
    assert_eq!(calls(), before);
    assert_eq!(level_of(&known).0, p3.oid.as_str());
    assert_eq!(level_of(&unknown).0, "Z7");
    // On (the default): the GUID becomes the code; the code passes.
    run_today(BeisenSource::new(beisen(&sandbox)))
        .await
        .unwrap();
    assert!(calls() > before);
    assert_eq!(level_of(&known), ("P3".into(), p3.name.into()));
    assert_eq!(level_of(&unknown).0, "Z7");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rejected_users_are_reported_and_retried_next_run() {
    let sandbox = sandbox(200, false).await;
    let store = MemoryStore::new();
    let job = job(beisen_source(&sandbox), store.clone(), &sandbox)
        .build()
        .unwrap();
    let first = job.run().await.unwrap();
    first.check_counts().unwrap();
    let refused: BTreeSet<String> = received(&sandbox)
        .iter()
        .filter(|u| u["level"] == "X9")
        .map(|u| u["userNo"].as_str().unwrap().to_owned())
        .collect();
    assert!(!refused.is_empty());
    assert_eq!(first.failed as usize, refused.len());
    for f in &first.failures {
        assert!(refused.contains(&f.key), "{}", f.key);
        assert_eq!(f.description, hr_sandbox::travel::DESC_UNKNOWN_LEVEL);
    }
    assert!(
        first
            .to_string()
            .contains(hr_sandbox::travel::DESC_UNKNOWN_LEVEL)
    );
    let stored = store.failures("beisen").await.unwrap();
    assert_eq!(
        stored
            .iter()
            .map(|f| f.key.clone())
            .collect::<BTreeSet<_>>(),
        refused
    );

    // Next run, nothing changed: exactly the refused users are sent again.
    sandbox.clear_travel_received();
    let second = job.run().await.unwrap();
    second.check_counts().unwrap();
    let again: BTreeSet<String> = received_counts(&sandbox).into_keys().collect();
    assert_eq!(again, refused);
    assert_eq!(second.retried as usize, refused.len());
    assert_eq!(second.failed as usize, refused.len());
    assert_eq!(second.succeeded, 0);
    let stored = store.failures("beisen").await.unwrap();
    assert!(stored.iter().all(|f| f.attempts == 2), "{stored:?}");

    // Retry-only mode sends them again without reading Beisen.
    sandbox.clear_travel_received();
    let retry = job_with_mode(&sandbox, store.clone(), Mode::RetryFailures)
        .run()
        .await
        .unwrap();
    assert_eq!((retry.pulled, retry.retried as usize), (0, refused.len()));
    assert_eq!(
        received_counts(&sandbox)
            .into_keys()
            .collect::<BTreeSet<_>>(),
        refused
    );
    assert_eq!(
        retry.checkpoint_after, None,
        "retry mode does not move the checkpoint"
    );
}

fn job_with_mode(
    sandbox: &hr_sandbox::Sandbox,
    store: MemoryStore,
    mode: Mode,
) -> hr_sync::SyncJob {
    job(beisen_source(sandbox), store, sandbox)
        .mode(mode)
        .build()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unchanged_full_and_dry_runs() {
    let sandbox = sandbox(150, true).await;

    // A dry run first: it reports everyone as to push, and pushes and
    // writes nothing.
    let store = MemoryStore::new();
    let dry = job_with_mode(&sandbox, store.clone(), Mode::DryRun)
        .run()
        .await
        .unwrap();
    assert!(dry.dry_run && dry.pushed > 100, "{dry}");
    assert_eq!(dry.changed.len() as u64, dry.pushed);
    assert!(sandbox.travel_received().is_empty());
    assert_eq!(store.runs(), 0);
    assert_eq!(store.checkpoint("beisen").await.unwrap(), None);
    assert!(store.active_keys("beisen").await.unwrap().is_empty());

    let first = job_with_mode(&sandbox, store.clone(), Mode::Incremental)
        .run()
        .await
        .unwrap();
    assert_eq!(
        (first.pushed, first.succeeded, first.failed),
        (dry.pushed, dry.pushed, 0)
    );
    assert_eq!(
        first.changed.iter().collect::<BTreeSet<_>>(),
        dry.changed.iter().collect::<BTreeSet<_>>()
    );

    // Second run, nothing changed: nothing is pushed. (Its window re-reads
    // the last 10 minutes: those users are unchanged, not pushed.)
    sandbox.clear_travel_received();
    let second = job_with_mode(&sandbox, store.clone(), Mode::Incremental)
        .run()
        .await
        .unwrap();
    assert_eq!((second.pushed, second.failed), (0, 0), "{second}");
    assert!(sandbox.travel_received().is_empty());
    assert_eq!(second.checkpoint_before, first.checkpoint_after);

    // A dry run now has nothing to report either.
    let dry = job_with_mode(&sandbox, store.clone(), Mode::DryRun)
        .run()
        .await
        .unwrap();
    assert_eq!(dry.pushed, 0);

    // Full: everything again, whatever the hashes say.
    let full = job_with_mode(&sandbox, store.clone(), Mode::Full)
        .run()
        .await
        .unwrap();
    assert_eq!(full.pushed, first.pushed);
    assert_eq!(full.unchanged, 0);
    let counts = received_counts(&sandbox);
    assert_eq!(counts.len() as u64, first.pushed);
    assert!(counts.values().all(|n| *n == 1));
}

/// A store that commits `limit` batches, then never answers again, and
/// wakes the test after the last commit: the run is then dropped. Clones
/// share everything, so the test keeps a handle on the job's store.
#[derive(Clone)]
struct CrashAfter {
    inner: MemoryStore,
    limit: usize,
    commits: Arc<AtomicUsize>,
    committed: Arc<std::sync::Mutex<Vec<String>>>,
    done: Arc<tokio::sync::Notify>,
}

#[async_trait::async_trait]
impl StateStore for CrashAfter {
    async fn begin_run(&self, source: &str, mode: Mode) -> hr_sync::Result<RunId> {
        self.inner.begin_run(source, mode).await
    }
    async fn finish_run(&self, run: RunId, report: &SyncReport) -> hr_sync::Result<()> {
        self.inner.finish_run(run, report).await
    }
    async fn checkpoint(&self, source: &str) -> hr_sync::Result<Option<SourceCheckpoint>> {
        self.inner.checkpoint(source).await
    }
    async fn save_checkpoint(&self, source: &str, c: &SourceCheckpoint) -> hr_sync::Result<()> {
        self.inner.save_checkpoint(source, c).await
    }
    async fn lookup(
        &self,
        source: &str,
        keys: &[String],
    ) -> hr_sync::Result<HashMap<String, UserState>> {
        self.inner.lookup(source, keys).await
    }
    async fn commit_batch(&self, source: &str, batch: &BatchCommit) -> hr_sync::Result<()> {
        if self.commits.load(Ordering::SeqCst) >= self.limit {
            futures::future::pending::<()>().await;
        }
        self.inner.commit_batch(source, batch).await?;
        self.committed
            .lock()
            .unwrap()
            .extend(batch.synced.iter().map(|u| u.key.clone()));
        if self.commits.fetch_add(1, Ordering::SeqCst) + 1 == self.limit {
            self.done.notify_one();
        }
        Ok(())
    }
    async fn mark_seen(&self, source: &str, run: RunId, keys: &[String]) -> hr_sync::Result<()> {
        self.inner.mark_seen(source, run, keys).await
    }
    async fn failures(&self, source: &str) -> hr_sync::Result<Vec<Failure>> {
        self.inner.failures(source).await
    }
    async fn active_keys(&self, source: &str) -> hr_sync::Result<Vec<String>> {
        self.inner.active_keys(source).await
    }
    async fn last_pushed(
        &self,
        source: &str,
        keys: &[String],
    ) -> hr_sync::Result<HashMap<String, String>> {
        self.inner.last_pushed(source, keys).await
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crash_loses_nothing_and_pushes_nothing_committed_twice() {
    let sandbox = sandbox(400, true).await;
    let all: BTreeSet<String> = expected(&sandbox).await.into_keys().collect();
    let inner = MemoryStore::new();
    let store = CrashAfter {
        inner: inner.clone(),
        limit: 4,
        commits: Arc::default(),
        committed: Arc::default(),
        done: Arc::default(),
    };
    let crashing = job(beisen_source(&sandbox), store.clone(), &sandbox)
        .batch_size(20)
        .concurrency(2)
        .build()
        .unwrap();
    tokio::select! {
        r = crashing.run() => panic!("the run should not finish: {r:?}"),
        () = store.done.notified() => {}
    }
    drop(crashing); // the run future is gone: the "crash"

    let committed: BTreeSet<String> = store.committed.lock().unwrap().iter().cloned().collect();
    assert_eq!(committed.len(), 4 * 20);
    assert_eq!(
        inner.checkpoint("beisen").await.unwrap(),
        None,
        "no checkpoint after a crash"
    );
    let first_push: BTreeSet<String> = received_counts(&sandbox).into_keys().collect();
    assert!(committed.is_subset(&first_push));
    assert!(
        first_push.len() < all.len(),
        "the crash came before the end"
    );

    sandbox.clear_travel_received();
    let report = job(beisen_source(&sandbox), inner.clone(), &sandbox)
        .batch_size(20)
        .concurrency(2)
        .build()
        .unwrap()
        .run()
        .await
        .unwrap();
    assert!(report.checkpoint_after.is_some());
    let second_push: BTreeSet<String> = received_counts(&sandbox).into_keys().collect();
    assert!(
        committed.is_disjoint(&second_push),
        "committed users pushed again: {:?}",
        committed.intersection(&second_push).collect::<Vec<_>>()
    );
    assert_eq!(report.unchanged as usize, committed.len());
    let union: BTreeSet<String> = first_push.union(&second_push).cloned().collect();
    assert_eq!(union, all, "every user reached the travel side");
    let keys: Vec<String> = all.iter().cloned().collect();
    let known = inner.lookup("beisen", &keys).await.unwrap();
    assert_eq!(known.len(), all.len());
    assert!(known.values().all(|s| s.hash.is_some() && !s.failing));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unanswered_batch_stops_the_run_without_moving_the_checkpoint() {
    let sandbox = sandbox(60, true).await;
    let store = MemoryStore::new();
    let bad_travel = travel_sync_types::client::TravelSyncClient::builder()
        .base_url(sandbox.travel_sync_url())
        .credentials(travel_sync_types::client::Credentials::session(
            &sandbox.config().travel.account,
            "no-such-session",
        ))
        .build()
        .unwrap();
    let err = hr_sync::SyncJob::builder()
        .source(beisen_source(&sandbox))
        .store(store.clone())
        .travel(bad_travel)
        .progress(hr_sync::progress::Silent)
        .build()
        .unwrap()
        .run()
        .await
        .unwrap_err();
    assert!(matches!(err.cause(), hr_sync::Error::Travel(_)), "{err}");
    assert!(
        err.is_incomplete() && err.is_travel() && err.is_auth(),
        "{err}"
    );
    assert_eq!(err.stage(), "travel");
    assert!(
        err.to_string()
            .starts_with("sync run stopped early: pushing to the travel platform failed"),
        "{err}"
    );
    let partial = err.report().unwrap();
    assert_eq!(
        (partial.succeeded, partial.checkpoint_after.clone()),
        (0, None)
    );
    assert!(
        partial.error.as_deref().unwrap().contains("10004"),
        "{partial}"
    );
    assert_eq!(store.checkpoint("beisen").await.unwrap(), None);
    // The users of the unanswered batches are stored as failures, with the
    // error, so they are retried whatever the source delivers next.
    assert!(
        partial.unanswered > 0 && partial.unanswered == partial.pushed,
        "{partial}"
    );
    assert_eq!(partial.failed, 0, "no user was refused: the batch was");
    let stored = store.failures("beisen").await.unwrap();
    assert_eq!(stored.len() as u64, partial.unanswered);
    assert!(
        stored.iter().all(|f| f.description.contains("10004")),
        "{stored:?}"
    );

    // With a good session the next run does everything, those first.
    let report = job(beisen_source(&sandbox), store.clone(), &sandbox)
        .build()
        .unwrap()
        .run()
        .await
        .unwrap();
    report.check_counts().unwrap();
    assert!(report.succeeded > 0 && report.checkpoint_after.is_some());
    assert_eq!(report.retried, partial.unanswered);
    assert!(store.failures("beisen").await.unwrap().is_empty());
    let counts = received_counts(&sandbox);
    assert_eq!(counts.len() as u64, report.pushed);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_stamped_before_the_checkpoint_is_read_within_the_lookback() {
    // What a departure entered earlier that takes effect today looks like
    // to a time-window read: a change whose time lies before the last
    // checkpoint. (The sandbox keeps one record per person, so the change
    // is written with an earlier time, the same thing to the reader.)
    let sandbox = sandbox(200, true).await;
    let store = MemoryStore::new();
    let first = job(beisen_source(&sandbox), store.clone(), &sandbox)
        .build()
        .unwrap()
        .run()
        .await
        .unwrap();
    assert!(first.succeeded > 150, "{first}");
    let until = day(2025, 1, 1).and_hms_opt(0, 0, 0).unwrap();
    let data = sandbox.data();
    let pushed: BTreeSet<String> = received_counts(&sandbox).into_keys().collect();
    let i = (0..data.len())
        .find(|&i| {
            data.emp_status(i) == 3
                && data.modified_time(i) < until - chrono::Duration::days(60)
                && pushed.contains(&data.person(i).job_number)
        })
        .unwrap();
    let job_number = data.person(i).job_number;
    assert!(data.dismiss(&job_number, until - chrono::Duration::days(5)));

    // Without a look-back the run reads from the checkpoint (less the
    // overlap) and misses the departure.
    sandbox.clear_travel_received();
    let blind = job(
        beisen_source(&sandbox).lookback(std::time::Duration::ZERO),
        store.clone(),
        &sandbox,
    )
    .build()
    .unwrap()
    .run()
    .await
    .unwrap();
    assert_eq!(blind.pushed, 0, "{blind}");
    assert!(sandbox.travel_received().is_empty());

    // The default look-back (31 days) reads it: exactly that person is
    // pushed, as having left; the others re-read are unchanged.
    let seen = job(beisen_source(&sandbox), store.clone(), &sandbox)
        .build()
        .unwrap()
        .run()
        .await
        .unwrap();
    seen.check_counts().unwrap();
    assert_eq!(seen.changed, std::slice::from_ref(&job_number), "{seen}");
    assert!(seen.unchanged > 0, "{seen}");
    let got = received(&sandbox);
    assert_eq!(got.len(), 1);
    assert_eq!(
        (got[0]["userNo"].as_str(), &got[0]["isLeave"]),
        (Some(job_number.as_str()), &serde_json::json!(true))
    );
    assert_eq!(seen.left, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_checkpoint_of_another_query_type_is_refused() {
    let sandbox = sandbox(20, true).await;
    let store = MemoryStore::new();
    job(beisen_source(&sandbox), store.clone(), &sandbox)
        .build()
        .unwrap()
        .run()
        .await
        .unwrap();
    let modified = || beisen_source(&sandbox).query_type(QueryType::Modified);
    let err = job(modified(), store.clone(), &sandbox)
        .build()
        .unwrap()
        .run()
        .await
        .unwrap_err();
    assert!(
        err.is_config() && err.to_string().contains("full mode"),
        "{err}"
    );
    // A full run starts over, and the incremental runs after it go on.
    job(modified(), store.clone(), &sandbox)
        .mode(Mode::Full)
        .build()
        .unwrap()
        .run()
        .await
        .unwrap();
    let next = job(modified(), store.clone(), &sandbox)
        .build()
        .unwrap()
        .run()
        .await
        .unwrap();
    assert_eq!(next.checkpoint_before.unwrap().as_json()["queryType"], 1);
}
