//! The SQLite store: the store behaviours every durable store shares
//! (`common::store_behaviour`, also run against PostgreSQL), and what is
//! SQLite's own: the schema version, a private file, the runs table.

mod common;

use common::store_behaviour as behaviour;
use hr_sync::state::{BatchCommit, SyncedUser};
use hr_sync::{SqliteStore, StateStore};

/// Opens the same file each call.
fn reopen(path: &std::path::Path) -> impl Fn() -> std::future::Ready<SqliteStore> + '_ {
    move || std::future::ready(SqliteStore::open(path).unwrap())
}

#[tokio::test]
async fn a_reopened_file_holds_the_same_state() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.db");
    assert_eq!(
        SqliteStore::open(&path).unwrap().schema_version().unwrap(),
        hr_sync::state::SCHEMA_VERSION
    );
    behaviour::holds_state_across_reopen(reopen(&path)).await;
}

#[tokio::test]
async fn a_failing_transaction_leaves_nothing_half_written() {
    let dir = tempfile::tempdir().unwrap();
    behaviour::a_failing_batch_writes_nothing(reopen(&dir.path().join("state.db"))).await;

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
async fn runs_order_and_edge_cases() {
    let dir = tempfile::tempdir().unwrap();
    behaviour::runs_order_and_edge_cases(reopen(&dir.path().join("state.db"))).await;
    let memory = hr_sync::MemoryStore::new();
    behaviour::runs_order_and_edge_cases(|| std::future::ready(memory.clone())).await;
}

#[tokio::test]
async fn one_process_stores_grant_every_lease() {
    let dir = tempfile::tempdir().unwrap();
    behaviour::grants_every_lease(&SqliteStore::open(dir.path().join("s.db")).unwrap()).await;
    behaviour::grants_every_lease(&hr_sync::MemoryStore::new()).await;
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
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sync.db");
    let (_, second) = behaviour::a_sync_resumes_from_a_reopened_store(reopen(&path)).await;
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
