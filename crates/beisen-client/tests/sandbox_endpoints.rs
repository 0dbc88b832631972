//! The client against the in-process Beisen simulator for each endpoint
//! whose shape follows the public sources beyond the seeds: the user-id
//! lookups, `GetEmployeeOfOrganization` (as a stream), `GetSubOrganizations`,
//! `GetServiceInfoByIds` with `option`, and the writes (`Create`,
//! `Transfer`, `Dimission`, and the vendor's refusal of an identical write
//! within 3 s).
//!
//! The sandbox routes follow the same sources (fxp/skillify
//! `skills/beisen/references/*.md`, chinayin/italent-openapi-sdk-php), so
//! these tests check that the two readings agree.

use std::collections::HashSet;

use beisen_client::employee::{
    CreateEmployee, DimissionEmployee, EmployeeRef, GetBasicInfoByIds, GetEmployeeOfOrganization,
    GetServiceInfoByIds, GetUserIdsByJobNumbers, TransferEmployee, UserIdOutcome,
};
use beisen_client::enums::EmployType;
use beisen_client::organization::GetSubOrganizations;
use beisen_client::{BeisenClient, Credentials, ErrorExt};
use chrono::NaiveDate;
use futures::TryStreamExt;
use hr_sandbox::{DataConfig, Sandbox, SandboxConfig};

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

async fn sandbox(employees: usize) -> (Sandbox, BeisenClient) {
    let mut c = SandboxConfig {
        data: DataConfig::year_2024(),
        ..SandboxConfig::default()
    };
    c.data.employees = employees;
    let sb = Sandbox::start(c).await.unwrap();
    let cfg = &sb.config().beisen;
    let client = BeisenClient::builder()
        .base_url(sb.beisen_url())
        .credentials(Credentials::app_key(&cfg.app_key, &cfg.app_secret))
        .build()
        .unwrap();
    (sb, client)
}

/// A lookup either finds a key's own person or reports the key as not
/// found; it never names somebody else, and it answers every key.
fn check_lookup(
    lookup: &beisen_client::employee::UserIdLookup,
    expected: &[(String, i64)],
    unknown: &str,
) {
    assert_eq!(lookup.len(), expected.len() + 1, "one outcome per key");
    for (key, user_id) in expected {
        match lookup.get(key) {
            Some(UserIdOutcome::Found(id)) => assert_eq!(id.get(), *user_id, "{key}"),
            Some(UserIdOutcome::Failed(_)) => {}
            other => panic!("{key}: {other:?}"),
        }
    }
    assert!(
        lookup.found().count() * 2 > expected.len(),
        "most people are found: {lookup:?}"
    );
    match lookup.get(unknown) {
        Some(UserIdOutcome::Failed(f)) => assert_eq!(f.code.as_i64(), Some(417), "{f:?}"),
        other => panic!("{unknown}: {other:?}"),
    }
}

#[tokio::test]
async fn job_numbers_and_mobiles_resolve_in_calls_of_thirty() {
    let (sb, client) = sandbox(200).await;
    let people: Vec<_> = (0..70).map(|i| sb.data().person(i)).collect();
    let by_job: Vec<(String, i64)> = people
        .iter()
        .map(|p| (p.job_number.clone(), p.user_id))
        .collect();
    let lookup = GetUserIdsByJobNumbers::new(
        by_job
            .iter()
            .map(|(k, _)| k.clone())
            .chain(["NO-SUCH-JOB-NUMBER".to_owned()]),
    )
    .send(&client)
    .await
    .unwrap();
    check_lookup(&lookup, &by_job, "NO-SUCH-JOB-NUMBER");
    let by_mobile: Vec<(String, i64)> = people
        .iter()
        .map(|p| (p.mobile.clone(), p.user_id))
        .collect();
    let lookup = client
        .employees()
        .user_ids_by_mobiles(
            by_mobile
                .iter()
                .map(|(k, _)| k.clone())
                .chain(["19900000000".to_owned()]),
        )
        .await
        .unwrap();
    check_lookup(&lookup, &by_mobile, "19900000000");
}

#[tokio::test]
async fn employee_of_organization_streams_every_person_of_the_tree_once() {
    let (sb, client) = sandbox(300).await;
    let root = sb.data().orgs()[0].oid;
    let today = day(2024, 12, 31);
    let everyone: Vec<_> = GetEmployeeOfOrganization::new(root, true, today)
        .with_disabled(true)
        .capacity(7)
        .items(&client)
        .try_collect()
        .await
        .unwrap();
    assert!(everyone.len() > 7, "several pages: {}", everyone.len());
    let ids: HashSet<i64> = everyone
        .iter()
        .map(|e| e.employee_info.user_id.get())
        .collect();
    assert_eq!(ids.len(), everyone.len(), "nobody twice");
    // One department without its sub-units holds only its own people.
    let dept = everyone
        .iter()
        .filter_map(|e| e.record_info.as_ref()?.oid_department)
        .next()
        .expect("a record with a department");
    let own: Vec<_> = client
        .employees()
        .of_organization(dept, false, today)
        .by_item()
        .try_collect()
        .await
        .unwrap();
    assert!(!own.is_empty());
    assert!(own.iter().all(|e| {
        e.record_info
            .as_ref()
            .and_then(|r| r.oid_department)
            .is_some_and(|d| d == dept)
    }));
}

#[tokio::test]
async fn sub_organizations_list_the_tree_below_a_unit() {
    let (sb, client) = sandbox(50).await;
    let orgs = sb.data().orgs();
    let root = orgs[0].oid;
    let known: HashSet<i64> = orgs.iter().map(|o| o.oid).collect();
    let with_self = GetSubOrganizations::new(root)
        .level(20)
        .with_self(true)
        .with_disabled(true)
        .send(&client)
        .await
        .unwrap();
    let got: HashSet<i64> = with_self.data.iter().map(|o| o.oid.get()).collect();
    assert!(got.contains(&root), "isWithSelf includes the unit");
    assert!(got.is_subset(&known));
    assert!(got.len() > 1);
    let below = GetSubOrganizations::new(root)
        .with_disabled(true)
        .send(&client)
        .await
        .unwrap();
    assert!(below.data.iter().all(|o| o.oid.get() != root));
    let one_level = GetSubOrganizations::new(root)
        .level(1)
        .with_disabled(true)
        .send(&client)
        .await
        .unwrap();
    assert!(
        one_level
            .data
            .iter()
            .all(|o| o.poid_org_admin.map(|p| p.get()) == Some(root))
    );
}

#[tokio::test]
async fn service_info_in_effect_today_is_the_persons_main_record() {
    let (sb, client) = sandbox(50).await;
    let p = sb.data().person(3);
    let records = GetServiceInfoByIds::new([p.user_id])
        .in_effect_today()
        .send(&client)
        .await
        .unwrap();
    assert!(!records.data.is_empty());
    assert!(records.data.iter().all(|r| r.user_id.get() == p.user_id));
}

#[tokio::test]
async fn a_person_is_created_moved_and_let_go_and_a_repeat_is_refused() {
    let (sb, client) = sandbox(50).await;
    let orgs = sb.data().orgs();
    let (from, to) = (orgs[1].oid, orgs[2].oid);
    let created = CreateEmployee::new(
        "测试员",
        "new.hire@corp.example.com",
        from,
        day(2024, 6, 1),
        EmployType::Internal,
        0,
    )
    .original_id("HR-NEW-1")
    .job_number("NEW0001")
    .send(&client)
    .await
    .unwrap();
    assert!(created.user_id.get() > 0);
    let info = GetBasicInfoByIds::new([created.user_id])
        .send(&client)
        .await
        .unwrap();
    assert_eq!(info.data.len(), 1);
    let transfer = TransferEmployee::new(EmployeeRef::original_id("HR-NEW-1"), to);
    transfer.send(&client).await.unwrap();
    let again = transfer.send(&client).await.unwrap_err();
    assert!(again.is_duplicate_write(), "{again:?}");
    DimissionEmployee::new(created.user_id, day(2024, 12, 31))
        .remarks("个人原因")
        .send(&client)
        .await
        .unwrap();
}
