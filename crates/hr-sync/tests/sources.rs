//! The ISDP source on the sandbox, and what the sandbox cannot change
//! between runs (one employee edited, a person removed from a complete
//! listing) through a fake source.

mod common;

use std::collections::BTreeSet;

use beisen_client::enums::EmpStatus;
use beisen_client::models::{Employee, EmployeeInfo, RecordInfo};
use common::*;
use hr_sync::source::{BeisenRecord, SourceRecord};
use hr_sync::{IsdpSource, Mapping, MemoryStore, Mode, SkipReason, StateStore};
use isdp_client::{Credentials, IsdpClient, Person, PersonPatch};

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
    let gone: Vec<_> = received(&sandbox)
        .into_iter()
        .filter(|u| u["userNo"] == "P004")
        .collect();
    assert_eq!(gone.len(), 1);
    assert_eq!(gone[0]["isLeave"], true);
    assert_eq!(
        gone[0]["fullName"], "人员4",
        "the last user sent, as it was"
    );
    assert!(
        !store
            .active_keys("fake")
            .await
            .unwrap()
            .contains(&"P004".to_owned())
    );

    // Once: the next full run does not push them again.
    sandbox.clear_travel_received();
    let again = run(Mode::Full).run().await.unwrap();
    assert_eq!((again.pushed, again.leavers), (9, 0));
    assert!(!received_counts(&sandbox).contains_key("P004"));
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
    let data = sandbox.data();
    let chosen = [3usize, 17, 42, 77];
    let patches = chosen.iter().map(|i| {
        let p = data.person(*i);
        PersonPatch::by_code(p.job_number.clone()).field("udfExtend1", p.mobile.clone())
    });
    let written = client.persons().update(patches).await.unwrap();
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
