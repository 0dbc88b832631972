//! The ISDP source on the sandbox, and what the sandbox cannot change
//! between runs (one employee edited, a person removed from a complete
//! listing) through a fake source.

mod common;

use std::collections::{BTreeSet, HashMap};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use beisen_client::enums::EmpStatus;
use beisen_client::models::{Employee, EmployeeInfo, RecordInfo};
use common::*;
use futures::StreamExt;
use hr_common::error::TransportErrorKind;
use hr_sync::source::{BeisenRecord, Pull, Source, SourceCheckpoint, SourceRecord};
use hr_sync::state::{BatchCommit, Failure, RunId, UserState};
use hr_sync::{
    IsdpSource, Mapping, MemoryStore, Mode, Push, SkipReason, StateStore, SyncJob, SyncReport,
};
use isdp_client::{Credentials, IsdpClient, Person, PersonUpdate};
use travel_sync_types::{Outcome, SyncResponse, UserInfo, UserKey, UserOutcome, UserSyncResult};

fn employee(i: i64, mobile: &str) -> SourceRecord {
    let e = Employee::new(
        EmployeeInfo::new(100_000_000 + i)
            .with_name(format!("员工{i}"))
            .with_mobile_phone(mobile),
    )
    .with_record_info(
        RecordInfo::new(100_000_000 + i)
            .with_job_number(format!("E{i:03}"))
            .with_oid_job_level("P2")
            .with_employee_status(EmpStatus::Regular),
    );
    SourceRecord::Beisen(Box::new(BeisenRecord::new(e, None)))
}

fn person(i: i64) -> SourceRecord {
    SourceRecord::Isdp(Box::new(
        Person::new(5_000_000 + i)
            .with_person_code(format!("P{i:03}"))
            .with_person_name(format!("人员{i}"))
            .with_phone(format!("139{i:08}")),
    ))
}

/// `key` went to the platform once, as left, as the user last sent for it
/// (named `name`), and the store no longer holds it as active.
async fn pushed_as_left_once(
    sandbox: &hr_sandbox::Sandbox,
    store: &MemoryStore,
    key: &str,
    name: &str,
) {
    let gone: Vec<_> = received(sandbox)
        .into_iter()
        .filter(|u| u["userNo"] == key)
        .collect();
    assert_eq!(gone.len(), 1, "{gone:?}");
    assert_eq!(gone[0]["isLeave"], true);
    assert_eq!(gone[0]["fullName"], name, "the last user sent, as it was");
    assert!(
        !store
            .active_keys("fake")
            .await
            .unwrap()
            .contains(&key.to_owned())
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn changing_one_employee_pushes_exactly_that_one() {
    let sandbox = sandbox(10, true).await;
    let source = FakeSource::new((0..30).map(|i| employee(i, "13800000000")).collect(), false);
    let job = job(source.clone(), MemoryStore::new(), &sandbox)
        .batch_size(7)
        .build()
        .unwrap();
    let first = job.run().await.unwrap();
    assert_eq!((first.pushed, first.succeeded), (30, 30));

    source.edit(|records| records[12] = employee(12, "13912345678"));
    sandbox.clear_travel_received();
    let second = job.run().await.unwrap();
    assert_eq!((second.pushed, second.unchanged), (1, 29), "{second}");
    assert_eq!(second.changed, ["E012"]);
    let got = received(&sandbox);
    assert_eq!(got.len(), 1);
    assert_eq!(
        (got[0]["userNo"].as_str(), got[0]["mobile"].as_str()),
        (Some("E012"), Some("13912345678"))
    );

    // A departure is a change too: pushed once, with isLeave.
    source.edit(|records| {
        let SourceRecord::Beisen(r) = &mut records[3] else {
            unreachable!()
        };
        r.employee.record_info.as_mut().unwrap().employee_status = Some(EmpStatus::Departed);
    });
    sandbox.clear_travel_received();
    let third = job.run().await.unwrap();
    assert_eq!((third.pushed, third.left), (1, 1));
    assert_eq!(received(&sandbox)[0]["isLeave"], true);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_person_gone_from_a_complete_listing_leaves_once_in_full_mode() {
    let sandbox = sandbox(10, true).await;
    let store = MemoryStore::new();
    let source = FakeSource::new((0..10).map(person).collect(), true);
    let run = |mode| {
        job(source.clone(), store.clone(), &sandbox)
            .mode(mode)
            .build()
            .unwrap()
    };
    assert_eq!(run(Mode::Full).run().await.unwrap().succeeded, 10);

    source.edit(|records| {
        records.remove(4);
    });
    // Incremental runs do not look for leavers.
    sandbox.clear_travel_received();
    let incremental = run(Mode::Incremental).run().await.unwrap();
    assert_eq!((incremental.pushed, incremental.leavers), (0, 0));

    // A dry full run says so, and sends nothing.
    let dry = job(source.clone(), store.clone(), &sandbox)
        .mode(Mode::Full)
        .dry_run(true)
        .build()
        .unwrap()
        .run()
        .await
        .unwrap();
    assert_eq!((dry.pushed, dry.leavers), (10, 1));
    assert!(sandbox.travel_received().is_empty());

    let full = run(Mode::Full).run().await.unwrap();
    assert_eq!((full.pushed, full.leavers, full.left), (10, 1, 1), "{full}");
    pushed_as_left_once(&sandbox, &store, "P004", "人员4").await;

    // Once: the next full run does not push them again.
    sandbox.clear_travel_received();
    let again = run(Mode::Full).run().await.unwrap();
    assert_eq!((again.pushed, again.leavers), (9, 0));
    assert!(!received_counts(&sandbox).contains_key("P004"));
}

/// HR often clears a leaver's mobile: the record no longer maps to a
/// user, yet the person must leave the travel platform (pushed from what
/// was last sent for them), once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_leaver_whose_record_no_longer_maps_still_leaves_once() {
    let sandbox = sandbox(10, true).await;
    let store = MemoryStore::new();
    let source = FakeSource::new(
        (0..5).map(|i| employee(i, &format!("139{i:08}"))).collect(),
        false,
    );
    let run = || {
        job(source.clone(), store.clone(), &sandbox)
            .mode(Mode::Incremental)
            .build()
            .unwrap()
    };
    assert_eq!(run().run().await.unwrap().succeeded, 5);

    // E002 departs and loses their mobile; E003 only loses the mobile.
    source.edit(|records| {
        for (i, record) in records.iter_mut().enumerate().skip(2).take(2) {
            let i = i as i64;
            let mut record_info = RecordInfo::new(100_000_000 + i)
                .with_job_number(format!("E{i:03}"))
                .with_oid_job_level("P2");
            record_info = record_info.with_employee_status(if i == 2 {
                EmpStatus::Departed
            } else {
                EmpStatus::Regular
            });
            let e = Employee::new(EmployeeInfo::new(100_000_000 + i).with_name(format!("员工{i}")))
                .with_record_info(record_info);
            *record = SourceRecord::Beisen(Box::new(BeisenRecord::new(e, None)));
        }
    });
    sandbox.clear_travel_received();
    let report = run().run().await.unwrap();
    assert_eq!(
        (report.leavers, report.pushed, report.left),
        (1, 1, 1),
        "{report}"
    );
    assert_eq!(report.skipped[&SkipReason::NoMobile].count, 2, "{report}");
    assert_eq!(received(&sandbox).len(), 1);
    pushed_as_left_once(&sandbox, &store, "E002", "员工2").await;

    // Once: the next run finds them already gone.
    sandbox.clear_travel_received();
    let again = run().run().await.unwrap();
    assert_eq!((again.leavers, again.pushed), (0, 0), "{again}");
    assert!(sandbox.travel_received().is_empty());
}

/// A Beisen record of `user_id` under job number `job`, changed at `at`.
fn version(user_id: i64, job: &str, status: EmpStatus, mobile: &str, at: &str) -> SourceRecord {
    let at: hr_common::CivilDateTime = at.parse().unwrap();
    let e = Employee::new(
        EmployeeInfo::new(user_id)
            .with_name(format!("员工{user_id}"))
            .with_mobile_phone(mobile)
            .with_modified_time(at.clone()),
    )
    .with_record_info(
        RecordInfo::new(user_id)
            .with_job_number(job)
            .with_oid_job_level("P2")
            .with_employee_status(status)
            .with_modified_time(at),
    );
    SourceRecord::Beisen(Box::new(BeisenRecord::new(e, None)))
}

/// Two records with one key in a run: which one the platform ends with
/// does not depend on the order they arrive in. A rehire (a new HR id
/// under the old job number, the old employment departed) stays at work,
/// run after run, and the departed record is never pushed; the same
/// person's newer record wins over an older one; and a departure newer
/// than the record at work wins.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn of_two_records_with_one_key_the_one_that_outranks_goes_whatever_the_order() {
    let sandbox = sandbox(10, true).await;
    let departed_old = version(
        100,
        "E001",
        EmpStatus::Departed,
        "13900000001",
        "2024-01-01T09:00:00",
    );
    let rehired = version(
        200,
        "E001",
        EmpStatus::Regular,
        "13900000002",
        "2023-06-01T09:00:00",
    );
    let older = version(
        300,
        "E003",
        EmpStatus::Regular,
        "13900000003",
        "2024-01-01T09:00:00",
    );
    let newer = version(
        300,
        "E003",
        EmpStatus::Regular,
        "13900000033",
        "2024-02-01T09:00:00",
    );
    let at_work = version(
        400,
        "E004",
        EmpStatus::Regular,
        "13900000004",
        "2024-01-01T09:00:00",
    );
    let left = version(
        400,
        "E004",
        EmpStatus::Departed,
        "13900000004",
        "2024-02-01T09:00:00",
    );
    for forward in [true, false] {
        sandbox.clear_travel_received();
        let mut records = vec![
            departed_old.clone(),
            rehired.clone(),
            newer.clone(),
            older.clone(),
            left.clone(),
            at_work.clone(),
        ];
        if !forward {
            records.reverse();
        }
        let store = MemoryStore::new();
        let source = FakeSource::new(records, false);
        let run = || {
            job(source.clone(), store.clone(), &sandbox)
                .build()
                .unwrap()
        };
        let first = run().run().await.unwrap();
        let sent = received(&sandbox);
        let of = |key: &str| -> Vec<&serde_json::Value> {
            sent.iter().filter(|u| u["userNo"] == key).collect()
        };
        let last = |key: &str| *of(key).last().expect("pushed");
        // A departed employment never goes over the one at work, in
        // either order: a leaver waits for the first pass to be over.
        assert_eq!(of("E001").len(), 1, "forward {forward}: {sent:?}");
        assert_eq!(last("E001")["isLeave"], false, "the rehire stays at work");
        assert_eq!(last("E001")["mobile"], "13900000002");
        // The same person: the newer record is the one the platform ends
        // with (pushed alone when it comes first; after the older one,
        // which a stream cannot wait for, when it comes second).
        assert_eq!(last("E003")["mobile"], "13900000033", "forward {forward}");
        assert_eq!(last("E004")["isLeave"], true, "the later departure");
        if forward {
            assert_eq!((of("E003").len(), of("E004").len()), (1, 1), "{sent:?}");
            assert_eq!(first.pushed, 3, "{first}");
            assert_eq!(first.skipped[&SkipReason::DuplicateKey].count, 3, "{first}");
        }

        // Unchanged, the same records push nothing the next time, and
        // the rehire never flaps. (Two versions of one person delivered
        // oldest first in every run would each run push the older, then
        // the newer again: a stream cannot wait for a later version, and
        // the store keeps content, not HR versions.)
        sandbox.clear_travel_received();
        let second = run().run().await.unwrap();
        let again = received(&sandbox);
        assert!(!again.iter().any(|u| u["userNo"] == "E001"), "{again:?}");
        if forward {
            assert_eq!(second.pushed, 0, "{second}");
        }
    }
}

/// The edges of "which record wins": a later record at work beats an
/// earlier leaver when nothing else tells them apart; a newer departure
/// whose record no longer maps beats the older record at work; the same
/// person's departure wins even when another person's departed record with
/// the key was touched later.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_later_or_newer_record_wins_over_a_leaver_and_a_newer_departure_wins_unmapped() {
    let sandbox = sandbox(10, true).await;
    let user = |leave: bool| {
        SourceRecord::User(Box::new(UserInfo::new("K1", "用户", "13900000009", leave)))
    };
    // No times: the later delivered, the one at work, wins.
    let store = MemoryStore::new();
    let source = FakeSource::new(vec![user(true), user(false)], false);
    let report = job(source.clone(), store.clone(), &sandbox)
        .build()
        .unwrap()
        .run()
        .await
        .unwrap();
    let sent = received(&sandbox);
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(sent[0]["isLeave"], false, "{report}");

    // At work (February), then departed in March with the mobile cleared:
    // the departure goes, from the user just pushed.
    sandbox.clear_travel_received();
    let store = MemoryStore::new();
    let at_work = version(
        500,
        "E5",
        EmpStatus::Regular,
        "13900000005",
        "2024-02-01T09:00:00",
    );
    let departed = {
        let at: hr_common::CivilDateTime = "2024-03-01T09:00:00".parse().unwrap();
        let e = Employee::new(
            EmployeeInfo::new(500)
                .with_name("员工500")
                .with_modified_time(at.clone()),
        )
        .with_record_info(
            RecordInfo::new(500)
                .with_job_number("E5")
                .with_employee_status(EmpStatus::Departed)
                .with_modified_time(at),
        );
        SourceRecord::Beisen(Box::new(BeisenRecord::new(e, None)))
    };
    let source = FakeSource::new(vec![at_work, departed], false);
    let report = job(source.clone(), store.clone(), &sandbox)
        .build()
        .unwrap()
        .run()
        .await
        .unwrap();
    let sent = received(&sandbox);
    let last = sent
        .iter()
        .rev()
        .find(|u| u["userNo"] == "E5")
        .expect("pushed");
    assert_eq!(last["isLeave"], true, "{report} {sent:?}");
    assert_eq!(report.leavers, 1, "{report}");

    // Y at work (January), X's old departed employment (touched in June),
    // Y departed (March): Y's departure is the last word on the key.
    sandbox.clear_travel_received();
    let store = MemoryStore::new();
    let source = FakeSource::new(
        vec![
            version(
                600,
                "E6",
                EmpStatus::Regular,
                "13900000006",
                "2024-01-01T09:00:00",
            ),
            version(
                601,
                "E6",
                EmpStatus::Departed,
                "13900000061",
                "2024-06-01T09:00:00",
            ),
            version(
                600,
                "E6",
                EmpStatus::Departed,
                "13900000006",
                "2024-03-01T09:00:00",
            ),
        ],
        false,
    );
    let report = job(source.clone(), store.clone(), &sandbox)
        .build()
        .unwrap()
        .run()
        .await
        .unwrap();
    let sent = received(&sandbox);
    let last = sent
        .iter()
        .rev()
        .find(|u| u["userNo"] == "E6")
        .expect("pushed");
    assert_eq!(
        (&last["isLeave"], &last["mobile"]),
        (&serde_json::json!(true), &serde_json::json!("13900000006")),
        "{report} {sent:?}"
    );
}

/// A key the platform holds whose record now fails to map for its key
/// (a control character) is still in a complete listing: not a leaver.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_listed_key_that_no_longer_maps_is_not_taken_for_gone() {
    let sandbox = sandbox(10, true).await;
    let store = MemoryStore::new();
    let run = store.begin_run("fake", Mode::Full).await.unwrap();
    store
        .commit_batch(
            "fake",
            &BatchCommit::new(run).synced(hr_sync::state::SyncedUser::new(
                "E\t7",
                "h",
                None,
                false,
                r#"{"userNo":"E\t7","fullName":"员工7","mobile":"13900000007","isLeave":false}"#,
            )),
        )
        .await
        .unwrap();
    let record = version(
        700,
        "E\t7",
        EmpStatus::Regular,
        "13900000007",
        "2024-01-01T09:00:00",
    );
    let others: Vec<SourceRecord> = (0..3).map(|i| employee(i, &format!("139{i:08}"))).collect();
    let source = FakeSource::new(others.into_iter().chain([record]).collect(), true);
    let report = job(source, store.clone(), &sandbox)
        .mode(Mode::Full)
        .build()
        .unwrap()
        .run()
        .await
        .unwrap();
    assert_eq!(report.leavers, 0, "{report}");
    assert_eq!(report.skipped[&SkipReason::Invalid].count, 1, "{report}");
    assert!(
        !format!("{report}").contains("E\t7"),
        "the key is not reported"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_listing_that_lost_most_people_marks_nobody_as_left() {
    let sandbox = sandbox(10, true).await;
    let store = MemoryStore::new();
    let source = FakeSource::new((0..10).map(person).collect(), true);
    let full = || {
        job(source.clone(), store.clone(), &sandbox)
            .mode(Mode::Full)
            .build()
            .unwrap()
    };
    full().run().await.unwrap();
    source.edit(|records| records.truncate(2));
    sandbox.clear_travel_received();
    let err = full().run().await.unwrap_err();
    assert!(
        matches!(err.cause(), hr_sync::Error::Config(m) if m.contains("8 of the 10")),
        "{err}"
    );
    assert!(received(&sandbox).iter().all(|u| u["isLeave"] == false));
    assert_eq!(store.active_keys("fake").await.unwrap().len(), 10);
}

fn isdp(sandbox: &hr_sandbox::Sandbox) -> IsdpClient {
    let c = &sandbox.config().isdp;
    IsdpClient::builder()
        .base_url(sandbox.isdp_url())
        .credentials(Credentials::password_grant(
            c.client_id.clone(),
            c.client_secret.clone(),
            c.username.clone(),
            c.password.clone(),
        ))
        .build()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn isdp_full_listing_with_masked_and_usable_phones() {
    let sandbox = sandbox(120, true).await;
    let client = isdp(&sandbox);
    let source = IsdpSource::new(client.clone());

    // ISDP masks every phone in listings: nobody can be sent as is, and
    // every person is accounted for.
    let store = MemoryStore::new();
    let report = job(source.clone(), store.clone(), &sandbox)
        .build()
        .unwrap()
        .run()
        .await
        .unwrap();
    assert_eq!(report.pulled as usize, sandbox.data().len());
    assert_eq!(report.pushed, 0);
    let masked = report.skipped_for(SkipReason::MaskedMobile).unwrap().count;
    let excluded = report
        .skipped_for(SkipReason::Excluded)
        .map_or(0, |g| g.count);
    assert_eq!(masked + excluded, report.pulled, "{report}");
    assert!(masked > 100);
    assert!(sandbox.travel_received().is_empty());

    // A tenant keeping the full number in udfExtend1: those persons go.
    // person/batchUpdate rewrites the required fields: take them as listed.
    let data = sandbox.data();
    let chosen = [3usize, 17, 42, 77];
    let listed: HashMap<String, Person> = client
        .persons()
        .all()
        .map(|p| {
            let p = p.unwrap();
            (p.person_code.clone(), p)
        })
        .collect()
        .await;
    let updates = chosen.iter().map(|i| {
        let p = data.person(*i);
        PersonUpdate::from_person(&listed[&p.job_number])
            .unwrap()
            .field("udfExtend1", p.mobile.clone())
    });
    let written = client.persons().update_info(updates).await.unwrap();
    assert_eq!(written.success, 4);
    let mut mapping = Mapping::default();
    mapping.isdp.mobile_field = "udfExtend1".into();
    let report = job(source, MemoryStore::new(), &sandbox)
        .mapping(mapping)
        .build()
        .unwrap()
        .run()
        .await
        .unwrap();
    assert_eq!(report.pushed, 4, "{report}");
    let got = received(&sandbox);
    let keys: BTreeSet<&str> = got.iter().map(|u| u["userNo"].as_str().unwrap()).collect();
    let want: BTreeSet<String> = chosen.iter().map(|i| data.person(*i).job_number).collect();
    assert_eq!(keys, want.iter().map(String::as_str).collect());
    for u in &got {
        let p = data.person(
            data.index_of_job_number(u["userNo"].as_str().unwrap())
                .unwrap(),
        );
        assert_eq!(u["mobile"], p.mobile.as_str());
        assert_eq!(u["fullName"], p.name.as_str());
        // Departed people are deregistered (Cancel) in the sandbox's ISDP.
        assert_eq!(u["isLeave"], p.has_left(), "{}", p.job_number);
        assert_eq!(
            u["departmentCode"],
            data.org(p.org_oid).unwrap().code.as_str()
        );
    }
    assert_eq!(
        report.skipped_for(SkipReason::NoMobile).unwrap().count
            + report
                .skipped_for(SkipReason::Excluded)
                .map_or(0, |g| g.count)
            + 4,
        report.pulled
    );
}

/// A travel platform in the test. It records every batch; refuses the
/// users whose key is in `refuse`, with a description quoting their
/// mobile (as some platforms do); gives no answer for those in
/// `unanswered`; and counts the batches in flight.
#[derive(Clone, Default)]
struct Scripted {
    batches: Arc<Mutex<Vec<Vec<UserInfo>>>>,
    refuse: Arc<Mutex<BTreeSet<String>>>,
    unanswered: Arc<Mutex<BTreeSet<String>>>,
    in_flight: Arc<AtomicUsize>,
    max_in_flight: Arc<AtomicUsize>,
    /// Records the source has yielded so far, read at each push.
    yielded: Arc<AtomicUsize>,
    yielded_at_push: Arc<Mutex<Vec<usize>>>,
}

impl Scripted {
    fn received(&self) -> Vec<UserInfo> {
        self.batches.lock().unwrap().concat()
    }

    fn received_keys(&self) -> Vec<String> {
        self.received()
            .into_iter()
            .map(|u| u.user_no.unwrap())
            .collect()
    }
}

#[async_trait::async_trait]
impl Push for Scripted {
    async fn push(&self, users: &[UserInfo]) -> hr_common::Result<Vec<UserOutcome>> {
        let now = self.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        self.max_in_flight.fetch_max(now, Ordering::SeqCst);
        self.yielded_at_push
            .lock()
            .unwrap()
            .push(self.yielded.load(Ordering::SeqCst));
        tokio::time::sleep(Duration::from_millis(2)).await;
        self.batches.lock().unwrap().push(users.to_vec());
        let refuse = self.refuse.lock().unwrap().clone();
        let unanswered = self.unanswered.lock().unwrap().clone();
        let no = |u: &UserInfo| u.user_no.clone().unwrap_or_default();
        let results = users
            .iter()
            .filter(|u| refuse.contains(&no(u)))
            .map(|u| {
                let mobile = u.mobile.as_ref().unwrap().expose();
                UserSyncResult::failure(
                    UserKey::from(no(u).as_str()),
                    format!("手机号{mobile}已被其他员工使用"),
                )
            })
            .collect();
        let mut outcomes = SyncResponse::processed(results).outcomes(users);
        for (o, u) in outcomes.iter_mut().zip(users) {
            if unanswered.contains(&no(u)) {
                o.outcome = Outcome::NotSynced {
                    error: hr_common::Error::transport(
                        TransportErrorKind::Timeout,
                        true,
                        "no answer within 30 s",
                    ),
                };
            }
        }
        self.in_flight.fetch_sub(1, Ordering::SeqCst);
        Ok(outcomes)
    }

    fn max_batch_size(&self) -> usize {
        1000
    }
}

/// A source of `n` employees `E000`…, counting what it yields.
#[allow(clippy::result_large_err)] // the stream's items are `hr_sync::Result`s
fn counted(n: i64, yielded: Arc<AtomicUsize>) -> impl Source + Clone {
    #[derive(Clone)]
    struct Counted(i64, Arc<AtomicUsize>);
    #[async_trait::async_trait]
    impl Source for Counted {
        fn name(&self) -> &str {
            "counted"
        }
        fn is_complete_listing(&self) -> bool {
            false
        }
        async fn pull(&self, _: Option<&SourceCheckpoint>) -> hr_sync::Result<Pull<'_>> {
            let yielded = self.1.clone();
            let records = futures::stream::iter(0..self.0).map(move |i| {
                yielded.fetch_add(1, Ordering::SeqCst);
                Ok(employee(i, &format!("138{i:08}")))
            });
            Ok(Pull::new(records, None))
        }
    }
    Counted(n, yielded)
}

fn scripted_job(
    source: impl Source + 'static,
    store: impl StateStore + 'static,
    travel: &Scripted,
) -> hr_sync::SyncJobBuilder {
    SyncJob::builder()
        .source(source)
        .store(store)
        .travel(travel.clone())
        .progress(hr_sync::progress::Silent)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pushes_stream_under_backpressure_with_bounded_batches_in_flight() {
    let travel = Scripted::default();
    let report = scripted_job(
        counted(3000, travel.yielded.clone()),
        MemoryStore::new(),
        &travel,
    )
    .batch_size(25)
    .concurrency(3)
    .build()
    .unwrap()
    .run()
    .await
    .unwrap();
    report.check_counts().unwrap();
    assert_eq!(
        (report.pulled, report.pushed, report.succeeded),
        (3000, 3000, 3000)
    );
    let batches = travel.batches.lock().unwrap();
    assert_eq!(batches.len(), 120);
    assert!(batches.iter().all(|b| b.len() == 25));
    drop(batches);
    let max = travel.max_in_flight.load(Ordering::SeqCst);
    assert!((1..=3).contains(&max), "{max} batches in flight");
    // The source is read only as far as the pushes can take: at any push,
    // at most the batches in flight, the one being filled and the chunk
    // being mapped are ahead of what was sent.
    let ahead = travel
        .yielded_at_push
        .lock()
        .unwrap()
        .iter()
        .enumerate()
        .map(|(sent, yielded)| yielded - sent * 25)
        .max()
        .unwrap();
    assert!(
        ahead <= 25 * (3 + 2),
        "{ahead} records read ahead of the pushes"
    );
}

#[tokio::test]
async fn a_batch_above_the_platforms_limit_is_refused_when_built() {
    let sandbox = sandbox(10, true).await;
    let err = job(FakeSource::default(), MemoryStore::new(), &sandbox)
        .batch_size(101)
        .build()
        .unwrap_err();
    assert!(
        err.is_config() && err.to_string().contains("batch_size 101"),
        "{err}"
    );
    assert!(
        job(FakeSource::default(), MemoryStore::new(), &sandbox)
            .batch_size(100)
            .build()
            .is_ok()
    );
    // A platform that says it takes more may get more.
    let travel = Scripted::default();
    assert!(
        scripted_job(FakeSource::default(), MemoryStore::new(), &travel)
            .batch_size(1000)
            .build()
            .is_ok()
    );
    // A mapping that would make every user invalid is refused too.
    let mut mapping = Mapping::default();
    mapping.nationality = Some("CN".into());
    let err = job(FakeSource::default(), MemoryStore::new(), &sandbox)
        .mapping(mapping)
        .build()
        .unwrap_err();
    assert!(err.to_string().contains("nationality"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unanswered_users_are_stored_and_retried_whatever_the_source_delivers_next() {
    let travel = Scripted::default();
    let store = MemoryStore::new();
    // A source of changes only: what it delivered once it does not
    // deliver again, so a user left behind would be lost.
    let source = FakeSource::new((0..30).map(|i| employee(i, "13800000000")).collect(), false);
    travel
        .unanswered
        .lock()
        .unwrap()
        .extend(["E011".to_owned(), "E012".to_owned()]);
    let job = scripted_job(source.clone(), store.clone(), &travel)
        .batch_size(10)
        .concurrency(1)
        .build()
        .unwrap();
    let err = job.run().await.unwrap_err();
    assert!(err.is_travel() && err.is_retryable(), "{err}");
    let partial = err.report().unwrap();
    assert_eq!(
        (partial.pushed, partial.succeeded, partial.unanswered),
        (20, 18, 2),
        "{partial}"
    );
    assert_eq!(store.checkpoint("fake").await.unwrap(), None);
    // The answered users of the same batch are committed.
    let known = store
        .lookup("fake", &["E010".into(), "E011".into(), "E013".into()])
        .await
        .unwrap();
    assert!(known["E010"].hash.is_some() && known["E013"].hash.is_some());
    assert!(known["E011"].failing && known["E011"].hash.is_none());
    let failures = store.failures("fake").await.unwrap();
    assert_eq!(
        failures.iter().map(|f| f.key.as_str()).collect::<Vec<_>>(),
        ["E011", "E012"]
    );
    assert!(
        failures[0].description.contains("no answer"),
        "{failures:?}"
    );

    // Next time the source has nothing new and the platform answers.
    source.edit(Vec::clear);
    travel.unanswered.lock().unwrap().clear();
    travel.batches.lock().unwrap().clear();
    let report = job.run().await.unwrap();
    report.check_counts().unwrap();
    assert_eq!(travel.received_keys(), ["E011", "E012"]);
    assert_eq!(
        (report.retried_from_store, report.succeeded),
        (2, 2),
        "{report}"
    );
    assert!(store.failures("fake").await.unwrap().is_empty());
}

/// A store whose `fail_commit`-th batch commit (1-based) fails, writing
/// nothing; everything else goes to `inner`.
#[derive(Clone)]
struct FailingCommit {
    inner: MemoryStore,
    fail_commit: usize,
    commits: Arc<AtomicUsize>,
}

#[async_trait::async_trait]
impl StateStore for FailingCommit {
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
        if self.commits.fetch_add(1, Ordering::SeqCst) + 1 == self.fail_commit {
            return Err(hr_sync::Error::store(std::io::Error::other("disk full")));
        }
        self.inner.commit_batch(source, batch).await
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
async fn a_failed_commit_after_an_answered_push_repushes_only_that_batch() {
    let travel = Scripted::default();
    let inner = MemoryStore::new();
    let source = FakeSource::new((0..30).map(|i| employee(i, "13800000000")).collect(), false);
    let failing = FailingCommit {
        inner: inner.clone(),
        fail_commit: 2,
        commits: Arc::default(),
    };
    let err = scripted_job(source.clone(), failing, &travel)
        .batch_size(10)
        .concurrency(1)
        .build()
        .unwrap()
        .run()
        .await
        .unwrap_err();
    assert!(
        err.is_store() && err.to_string().contains("disk full"),
        "{err}"
    );
    assert_eq!(err.stage(), "store");
    // The platform took the second batch: the report says so, the store
    // does not know it, and the checkpoint did not move.
    let partial = err.report().unwrap();
    assert_eq!((partial.pushed, partial.succeeded), (20, 20), "{partial}");
    assert_eq!(inner.checkpoint("fake").await.unwrap(), None);
    assert_eq!(travel.received().len(), 20, "the third batch was not sent");

    travel.batches.lock().unwrap().clear();
    let report = scripted_job(source, inner.clone(), &travel)
        .batch_size(10)
        .concurrency(1)
        .build()
        .unwrap()
        .run()
        .await
        .unwrap();
    report.check_counts().unwrap();
    // The first batch was committed: not pushed again. The second was
    // acknowledged but not committed: pushed again (an upsert, harmless).
    let again = travel.received_keys();
    let want: Vec<String> = (10..30).map(|i| format!("E{i:03}")).collect();
    assert_eq!(again, want);
    assert_eq!((report.unchanged, report.pushed), (10, 20));
    assert!(report.checkpoint_after.is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_delivered_twice_pushes_the_later_version_after_the_first() {
    let travel = Scripted::default();
    let store = MemoryStore::new();
    let mut records: Vec<SourceRecord> = (0..40).map(|i| employee(i, "13800000000")).collect();
    // E003 again, modified during the run; E005 again, unchanged; E007
    // twice more, the last version wins.
    records.push(employee(3, "13911112222"));
    records.push(employee(5, "13800000000"));
    records.push(employee(7, "13933334444"));
    records.push(employee(7, "13955556666"));
    let source = FakeSource::new(records, false);
    let report = scripted_job(source, store.clone(), &travel)
        .batch_size(10)
        .concurrency(4)
        .build()
        .unwrap()
        .run()
        .await
        .unwrap();
    report.check_counts().unwrap();
    assert_eq!(
        (report.pulled, report.mapped, report.pushed),
        (44, 42, 42),
        "{report}"
    );
    assert_eq!(
        report.skipped_for(SkipReason::DuplicateKey).unwrap().count,
        2
    );
    let batches = travel.batches.lock().unwrap().clone();
    // The newer versions go in a batch of their own, after every batch of
    // the first pass was answered.
    let last = batches.last().unwrap();
    let mobiles: BTreeSet<(String, String)> = last
        .iter()
        .map(|u| {
            (
                u.user_no.clone().unwrap(),
                u.mobile.as_ref().unwrap().expose().clone(),
            )
        })
        .collect();
    assert_eq!(
        mobiles,
        BTreeSet::from([
            ("E003".to_owned(), "13911112222".to_owned()),
            ("E007".to_owned(), "13955556666".to_owned())
        ])
    );
    assert_eq!(batches.iter().map(Vec::len).sum::<usize>(), 42);
    // The store holds the later version.
    let known = store.lookup("fake", &["E003".into()]).await.unwrap();
    let pushed = store.last_pushed("fake", &["E003".into()]).await.unwrap();
    assert!(known["E003"].hash.is_some());
    assert!(pushed["E003"].contains("13911112222"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nothing_personal_in_the_report_the_store_failures_or_the_skips() {
    let travel = Scripted::default();
    let store = MemoryStore::new();
    let mut records: Vec<SourceRecord> = (0..20)
        .map(|i| employee(i, &format!("139{i:08}")))
        .collect();
    // A foreign number, refused by the platform; a number without its
    // country code, skipped.
    records.push(employee(20, "+6591234567"));
    records.push(employee(21, "85291234567"));
    travel
        .refuse
        .lock()
        .unwrap()
        .extend(["E003".to_owned(), "E020".to_owned()]);
    let source = FakeSource::new(records, false);
    let report = scripted_job(source, store.clone(), &travel)
        .build()
        .unwrap()
        .run()
        .await
        .unwrap();
    report.check_counts().unwrap();
    assert_eq!((report.failed, report.skipped_total()), (2, 1), "{report}");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("report.json");
    report.save_json(&path).unwrap();
    let json = std::fs::read_to_string(&path).unwrap();
    let table = report.to_string();
    let stored: String = store
        .failures("fake")
        .await
        .unwrap()
        .iter()
        .map(|f| f.description.clone())
        .collect();
    for text in [&json, &table, &stored] {
        for mobile in ["13900000003", "+6591234567", "6591234567", "85291234567"] {
            assert!(!text.contains(mobile), "{mobile} in {text}");
        }
        // The refusal is still told, with the number masked.
        assert!(text.contains("已被其他员工使用"), "{text}");
    }
    assert!(
        table.contains("E003") && table.contains("invalid_mobile"),
        "{table}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_leaver_is_retried_until_the_platform_takes_it() {
    let travel = Scripted::default();
    let store = MemoryStore::new();
    let source = FakeSource::new((0..10).map(person).collect(), true);
    let run = |mode| {
        scripted_job(source.clone(), store.clone(), &travel)
            .mode(mode)
            .build()
            .unwrap()
    };
    run(Mode::Full).run().await.unwrap();
    source.edit(|records| {
        records.remove(4);
    });
    travel.refuse.lock().unwrap().insert("P004".into());
    let full = run(Mode::Full).run().await.unwrap();
    full.check_counts().unwrap();
    assert_eq!((full.leavers, full.failed, full.left), (1, 1, 0), "{full}");
    assert!(
        store
            .active_keys("fake")
            .await
            .unwrap()
            .contains(&"P004".to_owned())
    );

    // An incremental run retries the refused leaver (though the listing
    // lacks them), and once taken they are left for good.
    travel.refuse.lock().unwrap().clear();
    travel.batches.lock().unwrap().clear();
    let incremental = run(Mode::Incremental).run().await.unwrap();
    incremental.check_counts().unwrap();
    assert_eq!(travel.received_keys(), ["P004"]);
    assert_eq!(travel.received()[0].is_leave, Some(true));
    assert_eq!((incremental.retried_from_store, incremental.left), (1, 1));
    assert!(
        !store
            .active_keys("fake")
            .await
            .unwrap()
            .contains(&"P004".to_owned())
    );
    travel.batches.lock().unwrap().clear();
    let again = run(Mode::Full).run().await.unwrap();
    assert_eq!(again.leavers, 0);
    assert!(!travel.received_keys().contains(&"P004".to_owned()));
}
