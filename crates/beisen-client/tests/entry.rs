//! Pending hires, departures in approval, onboarding records, external-id
//! mapping, and positions or job posts by `oId`: against a mock server with
//! the public example bodies, then against the in-process sandbox.
//!
//! Sources of the fixtures (tests/resources/):
//! - `employee_create_for_entry.*`, `employee_entry.*`,
//!   `source_id_mapping_update_original_id_by_target_id.*`: fxp/skillify
//!   `skills/beisen/references/employee-lifecycle.md` §3, §4, §9 (bodies,
//!   `CreateForEntry`'s reply, `Entry`'s `{"code":"200","message":null}`,
//!   the documented 417s; the reply's GUIDs are elided there and filled
//!   with zeros here).
//! - `recruit_on_boarding_get_staff_infos.*`: skillify `recruiting.md` §7
//!   (the bare array of the example, `staffInfos {id, name, email,
//!   infoCollectionStatus, *Path, *DownLoadUrl}`, the 400 "北森用户Id不能空").
//! - `employee_get_list_by_bussiness_type.*`: no example is public
//!   (lokiworks/fema-ipaas' notes give the parameters); the item is a
//!   `GetListByTimeWindow` item with the record in approval.
//! - `position_get_by_oids.*`, `job_post_get_by_oids.*`: the PHP SDK's body
//!   (`oIds`), items with the fields skillify `organization-and-positions.md`
//!   §4 lists for the windows (`63167` is its job-post example).

mod common;

use common::{day, fixture, server_retrying};

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use beisen_client::employee::{EmployeeRef, GetUserIdByEmail};
use beisen_client::entry::{
    self, BusinessType, CreateForEntry, EntryEmployee, GetListByBusinessType, GetStaffInfos,
    MappedObject, StaffInfo, UpdateOriginalIdByTargetId,
};
use beisen_client::enums::{ApprovalStatus, EmpStatus, EmployType};
use beisen_client::models::{JobPost, Position};
use beisen_client::organization::{GetJobPostsByTimeWindow, GetPositionsByTimeWindow};
use beisen_client::position::{self, GetJobPostsByOIds, GetPositionsByOIds};
use beisen_client::{BeisenClient, Credentials, Error, ErrorExt};
use chrono::Duration as ChronoDuration;
use futures::TryStreamExt;
use hr_sandbox::{DataConfig, Sandbox, SandboxConfig};
use serde_json::{Value, json};
use wiremock::matchers::{body_json, method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

/// A mock answering `status` with `body` at `p`, counting the calls.
async fn counted(server: &MockServer, p: &str, status: u16, body: Value) -> Arc<AtomicUsize> {
    let calls = Arc::new(AtomicUsize::new(0));
    let seen = calls.clone();
    Mock::given(method("POST"))
        .and(path(p))
        .respond_with(move |_: &Request| {
            seen.fetch_add(1, Ordering::SeqCst);
            ResponseTemplate::new(status).set_body_json(body.clone())
        })
        .mount(server)
        .await;
    calls
}

// ---------------------------------------------------------------------------
// Against the documented bodies.
// ---------------------------------------------------------------------------

#[tokio::test]
async fn create_for_entry_sends_the_documented_body_and_reads_the_new_ids() {
    let (server, client) = server_retrying().await;
    Mock::given(method("POST"))
        .and(path(entry::CREATE_FOR_ENTRY))
        .and(body_json(fixture("employee_create_for_entry.request.json")))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(fixture("employee_create_for_entry.response.json")),
        )
        .expect(1)
        .mount(&server)
        .await;
    let created = CreateForEntry::new(
        "张三",
        "zhangsan@example.com",
        4744879,
        day(2026, 10, 1),
        EmployType::Internal,
        3,
    )
    .original_id("HR-000123")
    .job_number("E000123")
    .send(&client)
    .await
    .unwrap();
    assert_eq!(created.user_id.get(), 101501070);
    assert_eq!(
        created.employment_record_id.as_deref(),
        Some("9d177c6b-0000-0000-0000-000000000000")
    );
}

#[tokio::test]
async fn writes_are_not_repeated_after_a_server_error() {
    let (server, client) = server_retrying().await;
    let creates = counted(&server, entry::CREATE_FOR_ENTRY, 503, json!({})).await;
    let entries = counted(&server, entry::ENTRY, 500, json!({})).await;
    let maps = counted(
        &server,
        entry::UPDATE_ORIGINAL_ID_BY_TARGET_ID,
        502,
        json!({}),
    )
    .await;
    let create = CreateForEntry::new(
        "张三",
        "z@example.com",
        1,
        day(2026, 10, 1),
        EmployType::Internal,
        0,
    );
    assert!(create.send(&client).await.is_err());
    assert!(EntryEmployee::new(1).send(&client).await.is_err());
    assert!(
        UpdateOriginalIdByTargetId::employee(1, "x")
            .send(&client)
            .await
            .is_err()
    );
    // A 5xx after sending may have been applied: one request each.
    for calls in [creates, entries, maps] {
        assert_eq!(calls.load(Ordering::SeqCst), 1);
    }
}

#[tokio::test]
async fn duplicate_entry_refusals_are_api_errors_with_the_vendor_message() {
    let (server, client) = server_retrying().await;
    counted(
        &server,
        entry::CREATE_FOR_ENTRY,
        200,
        fixture("employee_create_for_entry.error.json"),
    )
    .await;
    let err = CreateForEntry::new(
        "张三",
        "zhangsan@example.com",
        1,
        day(2026, 10, 1),
        EmployType::Internal,
        0,
    )
    .send(&client)
    .await
    .unwrap_err();
    assert!(matches!(err, Error::Api { .. }), "{err:?}");
    assert_eq!(err.vendor_code(), Some("417"));
    assert!(
        !err.is_duplicate_write(),
        "a duplicate e-mail is not a 3-second repeat"
    );
}

#[tokio::test]
async fn entry_by_original_id_sends_the_documented_body() {
    let (server, client) = server_retrying().await;
    Mock::given(method("POST"))
        .and(path(entry::ENTRY))
        .and(body_json(fixture("employee_entry.request.json")))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(fixture("employee_entry.response.json")),
        )
        .expect(1)
        .mount(&server)
        .await;
    let done = EntryEmployee::new(EmployeeRef::original_id("HR-000123"))
        .send(&client)
        .await
        .unwrap();
    assert_eq!(done.data, None);

    let (server, client) = self::server_retrying().await;
    counted(
        &server,
        entry::ENTRY,
        200,
        fixture("employee_entry.error.json"),
    )
    .await;
    let err = EntryEmployee::new(101501070)
        .send(&client)
        .await
        .unwrap_err();
    assert_eq!(err.vendor_message(), Some("该人员当前状态不能办理当前业务"));
}

#[tokio::test]
async fn update_original_id_sends_the_documented_fields_and_reads_the_refusal() {
    let (server, client) = server_retrying().await;
    Mock::given(method("POST"))
        .and(path(entry::UPDATE_ORIGINAL_ID_BY_TARGET_ID))
        .and(body_json(fixture(
            "source_id_mapping_update_original_id_by_target_id.request.json",
        )))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture(
            "source_id_mapping_update_original_id_by_target_id.error.json",
        )))
        .expect(1)
        .mount(&server)
        .await;
    let err =
        UpdateOriginalIdByTargetId::new(101501119, MappedObject::EmployeeInformation, "HR-000456")
            .send(&client)
            .await
            .unwrap_err();
    assert_eq!(err.vendor_message(), Some("根据内部ID和对象匹配到多条数据"));
    // Refused before sending.
    let blank = UpdateOriginalIdByTargetId::employee(1, " ")
        .send(&client)
        .await;
    assert!(
        matches!(blank, Err(Error::InvalidRequest { .. })),
        "{blank:?}"
    );
}

#[tokio::test]
async fn staff_infos_send_a_bare_array_and_read_the_documented_items() {
    let (server, client) = server_retrying().await;
    Mock::given(method("POST"))
        .and(path(entry::GET_STAFF_INFOS))
        .and(body_json(fixture(
            "recruit_on_boarding_get_staff_infos.request.json",
        )))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(fixture("recruit_on_boarding_get_staff_infos.response.json")),
        )
        .expect(1)
        .mount(&server)
        .await;
    let staff = GetStaffInfos::new([
        "00884bc4-31f2-4d42-9b35-287e69867fa2",
        "00fdaf38-0102-4c45-9fa3-09b448ad4e03",
    ])
    .send(&client)
    .await
    .unwrap();
    assert_eq!(staff.data.len(), 1);
    let s: &StaffInfo = &staff.data[0];
    assert_eq!(
        s.staff.id.as_deref(),
        Some("00884bc4-31f2-4d42-9b35-287e69867fa2")
    );
    assert_eq!(s.staff.name.as_deref(), Some("张三"));
    assert!(!format!("{s:?}").contains("zhangsan@example.com"));
    assert!(s.staff.extra.contains_key("iDPortraitSideDownLoadUrl"));
    assert!(s.extra.contains_key("educationInfos"));
}

#[tokio::test]
async fn staff_infos_split_into_calls_of_a_hundred_and_read_the_400() {
    let (server, client) = server_retrying().await;
    let sizes = Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = sizes.clone();
    Mock::given(method("POST"))
        .and(path(entry::GET_STAFF_INFOS))
        .respond_with(move |r: &Request| {
            let ids: Vec<Value> = serde_json::from_slice(&r.body).unwrap();
            seen.lock().unwrap().push(ids.len());
            let items: Vec<Value> = ids
                .iter()
                .map(|id| json!({"staffInfos": {"userId": id, "name": "x"}}))
                .collect();
            ResponseTemplate::new(200)
                .set_body_json(json!({"data": items, "code": 200, "message": ""}))
        })
        .mount(&server)
        .await;
    let all = GetStaffInfos::by_user_ids(100_000_000..100_000_250)
        .send(&client)
        .await
        .unwrap();
    assert_eq!(all.data.len(), 250);
    assert_eq!(
        all.data[249].staff.user_id.map(|u| u.get()),
        Some(100_000_249)
    );
    let mut sizes = sizes.lock().unwrap().clone();
    sizes.sort_unstable();
    assert_eq!(sizes, [50, 100, 100]);

    let (server, client) = self::server_retrying().await;
    counted(
        &server,
        entry::GET_STAFF_INFOS,
        200,
        fixture("recruit_on_boarding_get_staff_infos.error.json"),
    )
    .await;
    let err = GetStaffInfos::new(["x"]).send(&client).await.unwrap_err();
    assert_eq!(err.vendor_code(), Some("400"));
    let none = GetStaffInfos::new(Vec::<String>::new()).send(&client).await;
    assert!(matches!(none, Err(Error::InvalidRequest { .. })));
}

#[tokio::test]
async fn business_type_sends_the_documented_parameters_and_reads_records_in_approval() {
    let (server, client) = server_retrying().await;
    Mock::given(method("POST"))
        .and(path(entry::GET_LIST_BY_BUSINESS_TYPE))
        .and(body_json(fixture(
            "employee_get_list_by_bussiness_type.request.json",
        )))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(fixture("employee_get_list_by_bussiness_type.response.json")),
        )
        .expect(1)
        .mount(&server)
        .await;
    let page = GetListByBusinessType::departures_in_approval()
        .capacity(100)
        .send(&client)
        .await
        .unwrap();
    assert_eq!(page.total, Some(1));
    let record = &page.data[0].record_infos[0];
    assert_eq!(record.approval_status, Some(ApprovalStatus::InApproval));
    assert_eq!(record.business_type_oid.as_deref(), Some("5"));
    assert!(record.last_work_date.is_some());
    // Checked before sending.
    let none = GetListByBusinessType::new(Vec::<EmpStatus>::new(), [BusinessType::DIMISSION]);
    assert!(matches!(
        none.send(&client).await,
        Err(Error::InvalidRequest { .. })
    ));
    let big = GetListByBusinessType::departures_in_approval().capacity(101);
    assert!(matches!(
        big.send(&client).await,
        Err(Error::InvalidRequest { .. })
    ));
}

#[tokio::test]
async fn business_type_pages_accept_a_plain_list_as_one_batch() {
    let (server, client) = server_retrying().await;
    let calls = counted(
        &server,
        entry::GET_LIST_BY_BUSINESS_TYPE,
        200,
        json!({"code": "200", "message": null, "data": [
            {"employeeInfo": {"userID": 1}, "recordInfos": []},
            {"employeeInfo": {"userID": 2}, "recordInfos": []}
        ]}),
    )
    .await;
    let people: Vec<_> = GetListByBusinessType::departures_in_approval()
        .pages(&client)
        .by_item()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(people.len(), 2);
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn positions_and_job_posts_by_oid_send_oids_and_read_window_items() {
    let (server, client) = server_retrying().await;
    Mock::given(method("POST"))
        .and(path(position::POSITION_GET_BY_OIDS))
        .and(body_json(fixture("position_get_by_oids.request.json")))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(fixture("position_get_by_oids.response.json")),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(position::JOB_POST_GET_BY_OIDS))
        .and(body_json(fixture("job_post_get_by_oids.request.json")))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(fixture("job_post_get_by_oids.response.json")),
        )
        .expect(1)
        .mount(&server)
        .await;
    let positions = GetPositionsByOIds::new(["6f0c2f7e-4d1a-4c55-9a0e-3b3f1f2d9a10"])
        .with_deleted(false)
        .send(&client)
        .await
        .unwrap();
    let p: &Position = &positions.data[0];
    assert_eq!(p.name.as_deref(), Some("北京研发部研发工程师"));
    assert_eq!(p.oid_job_post.as_ref().map(|j| j.0.as_str()), Some("20017"));
    let posts = GetJobPostsByOIds::new(["63167"])
        .send(&client)
        .await
        .unwrap();
    let j: &JobPost = &posts.data[0];
    assert_eq!(j.name.as_deref(), Some("产品经理"));
    let too_many = GetJobPostsByOIds::new((0..301).map(|k| k.to_string()));
    assert!(matches!(
        too_many.send(&client).await,
        Err(Error::InvalidRequest { .. })
    ));
}

// ---------------------------------------------------------------------------
// Against the sandbox.
// ---------------------------------------------------------------------------

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

fn department(sb: &Sandbox) -> i64 {
    sb.data().orgs()[3].oid
}

#[tokio::test]
async fn sandbox_a_pending_hire_enters_and_shows_in_the_employee_window() {
    let (sb, client) = sandbox(300).await;
    let now = sb.clock().civil_now();
    let (a, b) = (now - ChronoDuration::days(1), now + ChronoDuration::days(1));
    let created = CreateForEntry::new(
        "王五",
        "wang.wu@example.com",
        department(&sb),
        now.date() + ChronoDuration::days(14),
        EmployType::Internal,
        3,
    )
    .original_id("HR-PENDING-1")
    .send(&client)
    .await
    .unwrap();
    let uid = created.user_id;
    // Pending: the employee window (2, 3, 7 by default) does not list them.
    let listed = |people: &[beisen_client::models::Employee]| {
        people.iter().any(|e| e.employee_info.user_id == uid)
    };
    let before: Vec<_> = client
        .employees()
        .changed_between(a, b)
        .items()
        .try_collect()
        .await
        .unwrap();
    assert!(!listed(&before));
    // Onboarding: by user id, then by the staffId it answered.
    let staff = GetStaffInfos::by_user_ids([uid])
        .send(&client)
        .await
        .unwrap();
    assert_eq!(staff.data.len(), 1);
    assert_eq!(staff.data[0].staff.name.as_deref(), Some("王五"));
    let staff_id = staff.data[0].staff.id.clone().unwrap();
    let again = GetStaffInfos::new([staff_id]).send(&client).await.unwrap();
    assert_eq!(again.data[0].staff.user_id, Some(uid));

    EntryEmployee::new(EmployeeRef::original_id("HR-PENDING-1"))
        .send(&client)
        .await
        .unwrap();
    let after: Vec<_> = client
        .employees()
        .changed_between(a, b)
        .items()
        .try_collect()
        .await
        .unwrap();
    let entered = after
        .iter()
        .find(|e| e.employee_info.user_id == uid)
        .expect("listed after entry");
    assert_eq!(
        entered.record_info.as_ref().and_then(|r| r.employee_status),
        Some(EmpStatus::Probation)
    );
    // No longer pending: onboarding forgets them, a second entry is refused.
    assert!(
        GetStaffInfos::by_user_ids([uid])
            .send(&client)
            .await
            .unwrap()
            .data
            .is_empty()
    );
    let err = EntryEmployee::new(uid).send(&client).await.unwrap_err();
    assert_eq!(err.vendor_message(), Some("该人员当前状态不能办理当前业务"));
    // The same e-mail again is the documented duplicate.
    let dup = CreateForEntry::new(
        "王五",
        "wang.wu@example.com",
        department(&sb),
        now.date(),
        EmployType::Internal,
        0,
    )
    .send(&client)
    .await
    .unwrap_err();
    assert!(dup.vendor_message().unwrap_or("").contains("重复"), "{dup}");
}

#[tokio::test]
async fn sandbox_external_ids_set_by_mapping_name_people_for_entry() {
    let (sb, client) = sandbox(300).await;
    let now = sb.clock().civil_now();
    let created = CreateForEntry::new(
        "赵六",
        "zhao.liu@example.com",
        department(&sb),
        now.date(),
        EmployType::Internal,
        0,
    )
    .send(&client)
    .await
    .unwrap();
    UpdateOriginalIdByTargetId::employee(created.user_id, "EXT-6")
        .send(&client)
        .await
        .unwrap();
    // The id now belongs to this person: another cannot take it.
    let other = GetUserIdByEmail::new(sb.data().person(5).email)
        .send(&client)
        .await
        .unwrap();
    if let Some(other) = other {
        let taken = UpdateOriginalIdByTargetId::employee(other, "EXT-6")
            .send(&client)
            .await
            .unwrap_err();
        assert_eq!(taken.vendor_message(), Some("外部ID已存在"));
    }
    EntryEmployee::new(EmployeeRef::original_id("EXT-6"))
        .send(&client)
        .await
        .unwrap();
    let i = sb.data().index_of_user_id(created.user_id.get()).unwrap();
    assert_eq!(sb.data().emp_status(i), 2);
    // Departments map too; an unknown one is refused.
    UpdateOriginalIdByTargetId::organization(department(&sb), "DEPT-EXT")
        .send(&client)
        .await
        .unwrap();
    let missing = UpdateOriginalIdByTargetId::organization(42, "DEPT-X")
        .send(&client)
        .await
        .unwrap_err();
    assert_eq!(missing.vendor_code(), Some("417"));
}

#[tokio::test]
async fn sandbox_departures_in_approval_scroll_in_batches_without_repeats() {
    let (_sb, client) = sandbox(2_000).await;
    let one: Vec<_> = GetListByBusinessType::departures_in_approval()
        .pages(&client)
        .by_item()
        .try_collect()
        .await
        .unwrap();
    assert!(
        one.len() > 5,
        "about 1.5% of people in service: {}",
        one.len()
    );
    for e in &one {
        let r = &e.record_infos[0];
        assert_eq!(r.approval_status, Some(ApprovalStatus::InApproval));
        assert_eq!(r.business_type_oid.as_deref(), Some("5"));
        assert!(matches!(
            r.employee_status,
            Some(EmpStatus::Probation | EmpStatus::Regular | EmpStatus::RetiredRehired)
        ));
    }
    let small: Vec<_> = GetListByBusinessType::departures_in_approval()
        .capacity(7)
        .pages(&client)
        .by_item()
        .try_collect()
        .await
        .unwrap();
    let ids = |v: &[beisen_client::models::EmployeeWithRecords]| {
        v.iter()
            .map(|e| e.employee_info.user_id)
            .collect::<Vec<_>>()
    };
    assert_eq!(ids(&small), ids(&one));
    // Regular staff only: a subset.
    let regular = GetListByBusinessType::new([EmpStatus::Regular], [BusinessType::DIMISSION])
        .send(&client)
        .await
        .unwrap();
    assert!(regular.data.len() < one.len());
    // Other business types have nothing in approval.
    let transfers = GetListByBusinessType::new([EmpStatus::Regular], [BusinessType::TRANSFER])
        .send(&client)
        .await
        .unwrap();
    assert!(transfers.data.is_empty());
}

#[tokio::test]
async fn sandbox_positions_and_job_posts_by_oid_are_the_window_items() {
    let (_sb, client) = sandbox(200).await;
    let (a, b) = (day(2023, 12, 1), day(2025, 2, 1));
    let positions: Vec<Position> = client
        .stream(GetPositionsByTimeWindow::new(a, b))
        .unwrap()
        .items()
        .try_collect()
        .await
        .unwrap();
    let wanted: Vec<_> = positions.iter().rev().take(3).collect();
    let mut oids: Vec<_> = wanted.iter().map(|p| p.oid.clone()).collect();
    oids.push("00000000-0000-4000-8000-000000000000".into());
    let got = GetPositionsByOIds::new(oids).send(&client).await.unwrap();
    assert_eq!(got.data.len(), 3, "unknown ids are left out");
    for (w, g) in wanted.iter().zip(&got.data) {
        assert_eq!((&w.oid, &w.name, &w.code), (&g.oid, &g.name, &g.code));
    }
    let posts: Vec<JobPost> = client
        .stream(GetJobPostsByTimeWindow::new(a, b))
        .unwrap()
        .items()
        .try_collect()
        .await
        .unwrap();
    let post = &posts[0];
    let got = GetJobPostsByOIds::new([post.oid.clone(), "99999".into()])
        .columns(["Name"])
        .send(&client)
        .await
        .unwrap();
    assert_eq!(got.data.len(), 1);
    assert_eq!(got.data[0].oid, post.oid);
    assert_eq!(got.data[0].name, post.name);
    assert_eq!(
        got.data[0].code, None,
        "only the columns asked for get values"
    );
}
