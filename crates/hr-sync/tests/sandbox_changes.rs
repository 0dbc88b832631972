//! Changes made in the sandbox's HR data after a first full sync (a hire, a
//! dismissal, a new mobile) each reach the travel platform exactly once, as
//! that one user; a run with no change pushes nothing.

mod common;

use std::time::Duration;

use common::*;
use hr_sandbox::{NewHire, Sandbox};
use hr_sync::{BeisenSource, Mode, SqliteStore, SyncJob, SyncReport};
use serde_json::Value;

/// Runs `job` after a pause, and returns its report and every user the
/// travel side received during the run.
async fn run(job: &SyncJob, sandbox: &Sandbox) -> (SyncReport, Vec<Value>) {
    // A Beisen window ends at a whole second, before the change's stamp
    // if both fall in the same second: let that second pass.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    sandbox.clear_travel_received();
    let report = job.run().await.unwrap();
    assert!(report.is_complete(), "{report}");
    (report, received(sandbox))
}

/// Asserts that the run pushed `key` alone, once, and returns that user.
fn only(report: &SyncReport, got: &[Value], key: &str) -> Value {
    assert_eq!(
        (report.pushed, report.succeeded, report.failed),
        (1, 1, 0),
        "{report}"
    );
    assert_eq!(report.changed, [key], "{report}");
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0]["userNo"], key);
    got[0].clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hire_a_leaver_and_a_new_mobile_each_push_exactly_that_user() {
    let sandbox = sandbox(200, true).await;
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path().join("state.db")).unwrap();
    let source = BeisenSource::new(beisen(&sandbox)).since(sandbox.data().config().span_start);
    let incremental = job(source.clone(), store.clone(), &sandbox)
        .build()
        .unwrap();

    // A first full sync: everyone, once.
    let full = job(source, store, &sandbox)
        .mode(Mode::Full)
        .build()
        .unwrap();
    let (first, got) = run(&full, &sandbox).await;
    // Beisen's default selection leaves out some employment types.
    assert!(first.pulled as usize > sandbox.data().len() / 2, "{first}");
    assert_eq!(
        (first.pushed, first.succeeded, first.failed),
        (first.pulled, first.pulled, 0),
        "{first}"
    );
    assert_eq!(received_counts(&sandbox).len(), got.len(), "each user once");
    let mut active = got
        .iter()
        .filter(|u| u["isLeave"] == false)
        .map(|u| u["userNo"].as_str().unwrap().to_owned());
    let (leaver, mover) = (active.next().unwrap(), active.next().unwrap());

    // Nothing changed: nothing is pushed.
    let (quiet, got) = run(&incremental, &sandbox).await;
    assert_eq!((quiet.pushed, got.len()), (0, 0), "{quiet}");

    // A hire arrives as that one new, active user.
    let hired = sandbox.hire(NewHire::new("林小雨", "13700001234").with_job_level("P3"));
    let (report, got) = run(&incremental, &sandbox).await;
    let user = only(&report, &got, &hired);
    assert_eq!(
        (
            &user["fullName"],
            &user["mobile"],
            &user["isLeave"],
            &user["level"]
        ),
        (
            &Value::from("林小雨"),
            &Value::from("13700001234"),
            &Value::from(false),
            &Value::from("P3")
        )
    );
    assert_eq!(report.left, 0);

    // A dismissal: that user, once, with isLeave true.
    assert!(sandbox.dismiss(&leaver));
    let (report, got) = run(&incremental, &sandbox).await;
    let user = only(&report, &got, &leaver);
    assert_eq!(user["isLeave"], true);
    assert_eq!(report.left, 1);

    // A new mobile: that user, once, with the new number, still active.
    let old = got_mobile(&sandbox, &mover);
    let new = if old == "13912345678" {
        "13987654321"
    } else {
        "13912345678"
    };
    assert!(sandbox.set_mobile(&mover, new));
    let (report, got) = run(&incremental, &sandbox).await;
    let user = only(&report, &got, &mover);
    assert_eq!(
        (&user["mobile"], &user["isLeave"]),
        (&Value::from(new), &Value::from(false))
    );

    // And then nothing again: each change went once.
    let (quiet, got) = run(&incremental, &sandbox).await;
    assert_eq!((quiet.pushed, got.len()), (0, 0), "{quiet}");
    assert!(
        quiet.unchanged >= 3,
        "the changed users were read again: {quiet}"
    );
}

/// The mobile the sandbox holds for `job_number`.
fn got_mobile(sandbox: &Sandbox, job_number: &str) -> String {
    let data = sandbox.data();
    data.person(data.index_of_job_number(job_number).unwrap())
        .mobile
}
