//! The SQLite store: a file reopened holds the same state, a failing
//! transaction writes nothing, and a sync resumes from a reopened file.

mod common;

use std::collections::BTreeSet;

use common::*;
use hr_sync::state::{BatchCommit, FailedUser, SyncedUser};
use hr_sync::{Mode, SourceCheckpoint, SqliteStore, StateStore};

#[tokio::test]
async fn a_reopened_file_holds_the_same_state() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.db");
    let store = SqliteStore::open(&path).unwrap();
    assert_eq!(
        store.schema_version().unwrap(),
        hr_sync::state::SCHEMA_VERSION
    );
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

    let store = SqliteStore::open(&path).unwrap();
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
}

#[tokio::test]
async fn a_failing_transaction_leaves_nothing_half_written() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.db");
    let store = SqliteStore::open(&path).unwrap();
    store
        .commit_batch(
            "src",
            &BatchCommit::new(1).failed(FailedUser::new("E9", "{}", "old")),
        )
        .await
        .unwrap();
    // The second user's empty key breaks a CHECK constraint after the
    // first user, and E9's failure removal, were written.
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
    assert!(matches!(err, hr_sync::Error::Store(_)), "{err}");
    drop(store);
    let store = SqliteStore::open(&path).unwrap();
    let known = store
        .lookup("src", &["E1".into(), "E9".into()])
        .await
        .unwrap();
    assert!(!known.contains_key("E1"), "E1 was rolled back");
    assert!(
        known["E9"].failing && known["E9"].hash.is_none(),
        "E9 untouched"
    );

    // The memory store refuses the same batch without writing either.
    let memory = hr_sync::MemoryStore::new();
    let bad = BatchCommit::new(1)
        .synced(SyncedUser::new("E1", "h1", None, false, "{}"))
        .synced(SyncedUser::new("", "h", None, false, "{}"));
    assert!(memory.commit_batch("src", &bad).await.is_err());
    assert!(
        memory
            .lookup("src", &["E1".into()])
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn a_file_from_a_newer_version_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.db");
    drop(SqliteStore::open(&path).unwrap());
    rusqlite::Connection::open(&path)
        .unwrap()
        .pragma_update(None, "user_version", 99)
        .unwrap();
    let err = SqliteStore::open(&path).unwrap_err();
    assert!(err.to_string().contains("schema version 99"), "{err}");
}

#[cfg(unix)]
#[tokio::test]
async fn a_new_file_is_private() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.db");
    drop(SqliteStore::open(&path).unwrap());
    let mode = std::fs::metadata(&path).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sync_resumes_from_a_reopened_file() {
    let sandbox = sandbox(120, false).await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sync.db");
    let first = job(
        beisen_source(&sandbox),
        SqliteStore::open(&path).unwrap(),
        &sandbox,
    )
    .build()
    .unwrap()
    .run()
    .await
    .unwrap();
    assert!(first.succeeded > 50 && first.failed > 0, "{first}");

    sandbox.clear_travel_received();
    let store = SqliteStore::open(&path).unwrap();
    let second = job(beisen_source(&sandbox), store.clone(), &sandbox)
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
    assert_eq!(second.run, Some(2));

    // Each run's report is kept in the file, and saved as JSON on request.
    let conn = rusqlite::Connection::open(&path).unwrap();
    let reports: i64 = conn
        .query_row(
            "SELECT count(*) FROM runs WHERE report IS NOT NULL",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(reports, 2);
    let json_path = dir.path().join("report.json");
    second.save_json(&json_path).unwrap();
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json_path).unwrap()).unwrap();
    assert_eq!(json["pushed"], second.pushed);
    assert_eq!(json["mode"], "incremental");
    assert_eq!(
        json["failures"][0]["description"],
        hr_sandbox::travel::DESC_UNKNOWN_LEVEL
    );
    assert_eq!(json["checkpoint_before"]["queryType"], 2);
}
