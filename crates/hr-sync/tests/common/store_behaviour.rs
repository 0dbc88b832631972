//! What every durable [`StateStore`] must do, as functions over a way to
//! open the store: the SQLite tests call them with a file, the PostgreSQL
//! tests with a schema. `open` must give a fresh handle on the *same*
//! state each call (a reopened file, a new connection), so that what a
//! test reads back came from storage, not from the handle's memory.

use std::collections::BTreeSet;
use std::future::Future;
use std::time::Duration;

use hr_sync::state::{BatchCommit, FailedUser, SyncedUser};
use hr_sync::{Mode, SourceCheckpoint, StateStore, SyncReport};

use super::*;

/// Checkpoints, hashes, `bindId`s, left flags, failures and their
/// attempts survive a reopen, per source.
pub async fn holds_state_across_reopen<S, F, Fut>(open: F)
where
    S: StateStore,
    F: Fn() -> Fut,
    Fut: Future<Output = S>,
{
    let store = open().await;
    let run = store.begin_run("src", Mode::Incremental).await.unwrap();
    let checkpoint = SourceCheckpoint::new(serde_json::json!({"through": "2024-12-31T00:00:00"}));
    store.save_checkpoint("src", &checkpoint).await.unwrap();
    store
        .commit_batch(
            "src",
            &BatchCommit::new(run)
                .synced(SyncedUser::new(
                    "E1",
                    "h1",
                    Some("bind-1".into()),
                    false,
                    r#"{"userNo":"E1"}"#,
                ))
                .synced(SyncedUser::new(
                    "E2",
                    "h2",
                    None,
                    true,
                    r#"{"userNo":"E2"}"#,
                ))
                .failed(FailedUser::new(
                    "E3",
                    r#"{"userNo":"E3"}"#,
                    "职级未维护,同步失败",
                )),
        )
        .await
        .unwrap();
    // A second failure of E3, and E1 pushed again without a bindId: the
    // known one is kept.
    store
        .commit_batch(
            "src",
            &BatchCommit::new(run)
                .synced(SyncedUser::new(
                    "E1",
                    "h1b",
                    None,
                    false,
                    r#"{"userNo":"E1"}"#,
                ))
                .failed(FailedUser::new(
                    "E3",
                    r#"{"userNo":"E3"}"#,
                    "手机号不合法,同步失败",
                )),
        )
        .await
        .unwrap();
    drop(store);

    let store = open().await;
    assert_eq!(store.checkpoint("src").await.unwrap(), Some(checkpoint));
    assert_eq!(store.checkpoint("other").await.unwrap(), None);
    let keys = ["E1", "E2", "E3", "E4"].map(String::from);
    let known = store.lookup("src", &keys).await.unwrap();
    assert_eq!(known.len(), 3);
    assert_eq!(
        (
            known["E1"].hash.as_deref(),
            known["E1"].bind_id.as_deref(),
            known["E1"].left
        ),
        (Some("h1b"), Some("bind-1"), false)
    );
    assert!(known["E2"].left);
    assert!(known["E3"].failing && known["E3"].hash.is_none());
    let failures = store.failures("src").await.unwrap();
    assert_eq!(failures.len(), 1);
    assert_eq!(
        (failures[0].attempts, failures[0].description.as_str()),
        (2, "手机号不合法,同步失败")
    );
    assert_eq!(store.active_keys("src").await.unwrap(), ["E1"]);
    assert_eq!(
        store.last_pushed("src", &keys).await.unwrap()["E2"],
        r#"{"userNo":"E2"}"#
    );
    assert!(
        store.lookup("other", &keys).await.unwrap().is_empty(),
        "state is per source"
    );

    // Acknowledging E3 clears its failure.
    store
        .commit_batch(
            "src",
            &BatchCommit::new(run).synced(SyncedUser::new("E3", "h3", None, false, "{}")),
        )
        .await
        .unwrap();
    assert!(store.failures("src").await.unwrap().is_empty());
    // And a failure is forgotten on request, without a push.
    store
        .commit_batch(
            "src",
            &BatchCommit::new(run).failed(FailedUser::new("E5", "{}", "x")),
        )
        .await
        .unwrap();
    store
        .commit_batch("src", &BatchCommit::new(run).resolved("E5"))
        .await
        .unwrap();
    assert!(store.failures("src").await.unwrap().is_empty());
}

/// A batch that fails part-way writes nothing: the users before the bad
/// one, and a failure it would have removed, are as they were.
pub async fn a_failing_batch_writes_nothing<S, F, Fut>(open: F)
where
    S: StateStore,
    F: Fn() -> Fut,
    Fut: Future<Output = S>,
{
    let store = open().await;
    store
        .commit_batch(
            "src",
            &BatchCommit::new(1).failed(FailedUser::new("E9", "{}", "old")),
        )
        .await
        .unwrap();
    // The third user's empty key is refused after the first user, and
    // E9's failure removal, were written.
    let err = store
        .commit_batch(
            "src",
            &BatchCommit::new(1)
                .synced(SyncedUser::new("E1", "h1", None, false, "{}"))
                .synced(SyncedUser::new("E9", "h9", None, false, "{}"))
                .synced(SyncedUser::new("", "h", None, false, "{}")),
        )
        .await
        .unwrap_err();
    assert!(err.is_store(), "{err}");
    drop(store);
    let store = open().await;
    let known = store
        .lookup("src", &["E1".into(), "E9".into()])
        .await
        .unwrap();
    assert!(!known.contains_key("E1"), "E1 was rolled back");
    assert!(
        known["E9"].failing && known["E9"].hash.is_none(),
        "E9 untouched"
    );
    // The store is still usable after the refused batch.
    store
        .commit_batch(
            "src",
            &BatchCommit::new(1).synced(SyncedUser::new("E1", "h1", None, false, "{}")),
        )
        .await
        .unwrap();
    assert!(
        store.lookup("src", &["E1".into()]).await.unwrap()["E1"]
            .hash
            .is_some()
    );
}

/// Runs get growing ids; lists come in byte order of the key whatever the
/// store's collation; empty lookups and marks of unknown users are
/// harmless.
pub async fn runs_order_and_edge_cases<S, F, Fut>(open: F)
where
    S: StateStore,
    F: Fn() -> Fut,
    Fut: Future<Output = S>,
{
    let store = open().await;
    let first = store.begin_run("src", Mode::Full).await.unwrap();
    let second = store.begin_run("src", Mode::Incremental).await.unwrap();
    assert!(second > first, "{first} then {second}");
    let report = hr_sync::SyncJob::builder()
        .source(FakeSource::new(Vec::new(), false))
        .store(hr_sync::MemoryStore::new())
        .dry_run(true)
        .progress(hr_sync::progress::Silent)
        .build()
        .unwrap()
        .run()
        .await
        .unwrap();
    store.finish_run(first, &report).await.unwrap();

    let keys = ["b", "B", "a", "é", "_"];
    let mut batch = BatchCommit::new(first);
    for k in keys {
        batch = batch
            .synced(SyncedUser::new(k, "h", None, false, "{}"))
            .failed(FailedUser::new(k, "{}", "refused"));
    }
    store.commit_batch("src", &batch).await.unwrap();
    let bytewise: Vec<String> = keys
        .iter()
        .map(|k| (*k).to_owned())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    assert_eq!(store.active_keys("src").await.unwrap(), bytewise);
    let failing: Vec<String> = store
        .failures("src")
        .await
        .unwrap()
        .into_iter()
        .map(|f| f.key)
        .collect();
    assert_eq!(
        failing, bytewise,
        "synced then failed in one batch: failing"
    );

    assert!(store.lookup("src", &[]).await.unwrap().is_empty());
    assert!(store.last_pushed("src", &[]).await.unwrap().is_empty());
    store
        .mark_seen("src", second, &["nobody".into(), "a".into()])
        .await
        .unwrap();
    assert!(
        !store
            .lookup("src", &["nobody".into()])
            .await
            .unwrap()
            .contains_key("nobody")
    );
    // A platform's description with a NUL byte (network input) is kept,
    // not refused.
    store
        .commit_batch(
            "src",
            &BatchCommit::new(second).failed(FailedUser::new("Z", "{}", "bad\0byte")),
        )
        .await
        .unwrap();
    let z = store.failures("src").await.unwrap();
    assert!(
        z.iter()
            .any(|f| f.key == "Z" && f.description.starts_with("bad")),
        "{z:?}"
    );
}

/// A sync against the sandbox, then another from a reopened store: the
/// second continues from the first's checkpoint and pushes only the users
/// the platform refused. Returns both reports.
pub async fn a_sync_resumes_from_a_reopened_store<S, F, Fut>(open: F) -> (SyncReport, SyncReport)
where
    S: StateStore + 'static,
    F: Fn() -> Fut,
    Fut: Future<Output = S>,
{
    let sandbox = sandbox(120, false).await;
    let first = job(beisen_source(&sandbox), open().await, &sandbox)
        .build()
        .unwrap()
        .run()
        .await
        .unwrap();
    assert!(first.succeeded > 50 && first.failed > 0, "{first}");

    sandbox.clear_travel_received();
    let second = job(beisen_source(&sandbox), open().await, &sandbox)
        .build()
        .unwrap()
        .run()
        .await
        .unwrap();
    assert_eq!(second.checkpoint_before, first.checkpoint_after);
    assert_eq!(
        second.pushed, first.failed,
        "only the refused users, retried"
    );
    let refused: BTreeSet<String> = first.failures.iter().map(|f| f.key.clone()).collect();
    assert_eq!(
        received_counts(&sandbox)
            .into_keys()
            .collect::<BTreeSet<_>>(),
        refused
    );
    assert_eq!(second.run.zip(first.run).map(|(b, a)| b > a), Some(true));
    (first, second)
}

/// A store one process uses alone grants every lease (the trait's
/// default); renewals succeed and releases are harmless.
pub async fn grants_every_lease<S: StateStore>(store: &S) {
    let ttl = Duration::from_secs(5);
    let a = store.acquire_lease("src", "a", ttl).await.unwrap();
    let b = store.acquire_lease("src", "b", ttl).await.unwrap();
    assert_eq!((a.holder.as_str(), b.holder.as_str()), ("a", "b"));
    assert!(store.renew_lease(&a).await.unwrap());
    store.release_lease(&a).await.unwrap();
    store.release_lease(&b).await.unwrap();
}
