//! The request and response shapes of the endpoints beyond the seeds,
//! against the public sources: each test sends what the client builds,
//! requires the documented request body verbatim (tests/resources/*.json)
//! and answers with the documented reply.
//!
//! Sources (see `shared/specs/notes/beisen-endpoints-beyond-seeds.md`):
//! fxp/skillify `skills/beisen/references/employees.md`,
//! `organization-and-positions.md`, `employee-lifecycle.md`,
//! `attendance.md` (a scrape of the vendor's open-platform docs), and
//! chinayin/italent-openapi-sdk-php `src/Api/**`.

use std::sync::{Arc, Mutex};

use beisen_client::attendance::GetVacationsByApprovalTime;
use beisen_client::employee::*;
use beisen_client::enums::{
    ApprovalStatus, EmpStatus, EmployType, ServiceType, VacationApproveStatus,
};
use beisen_client::organization::GetSubOrganizations;
use beisen_client::organization::paths as org_paths;
use beisen_client::window::{ExtQuery, SortDirection};
use beisen_client::{BeisenClient, Credentials, ErrorExt};

use futures::TryStreamExt;
use serde_json::{Value, json};
use wiremock::matchers::{body_json, body_partial_json, method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

mod common;
use common::{day, fixture, server};

async fn expect(server: &MockServer, p: &str, body: Value, reply: ResponseTemplate) {
    Mock::given(method("POST"))
        .and(path(p))
        .and(body_json(body))
        .respond_with(reply)
        .expect(1)
        .mount(server)
        .await;
}

fn reply(body: Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(body)
}

// employees.md §7: `{"jobNumbers": [...]}`; `data[] = {jobNumber, userId,
// code(int), msg}`, the outer code "200"; the documented failed item
// (417 所查工号无对应人员信息) carries userId 460098245. The first item of the
// fixture is a success written from the same field table.
#[tokio::test]
async fn job_numbers_are_looked_up_item_by_item_and_a_failed_items_user_id_is_not_used() {
    let (server, client) = server().await;
    expect(
        &server,
        paths::GET_USER_IDS_BY_JOB_NUMBERS,
        fixture("employee_get_user_ids_by_job_numbers.request.json"),
        reply(fixture(
            "employee_get_user_ids_by_job_numbers.response.json",
        )),
    )
    .await;
    let lookup = client
        .employees()
        .user_ids_by_job_numbers(["ALlLXLJ01960", "ALlLXLJ00995"])
        .await
        .unwrap();
    assert_eq!(
        lookup.user_id("ALlLXLJ01960").map(|u| u.get()),
        Some(460098244)
    );
    assert_eq!(lookup.user_id("ALlLXLJ00995"), None);
    let Some(UserIdOutcome::Failed(f)) = lookup.get("ALlLXLJ00995") else {
        panic!("{lookup:?}")
    };
    assert_eq!(
        (f.code.as_i64(), f.message.as_str()),
        (Some(417), "所查工号无对应人员信息")
    );
    assert_eq!(f.vendor_user_id.map(|u| u.get()), Some(460098245));
    let found = lookup.into_found();
    assert_eq!(found.len(), 1);
}

// employees.md §7: `{"mobiles": ["133****5565"]}`, items `{mobile, userId, code, msg}`.
#[tokio::test]
async fn mobiles_are_looked_up_item_by_item() {
    let (server, client) = server().await;
    expect(
        &server,
        paths::GET_USER_IDS_BY_MOBILES,
        fixture("employee_get_user_ids_by_mobiles.request.json"),
        reply(fixture("employee_get_user_ids_by_mobiles.response.json")),
    )
    .await;
    let lookup = GetUserIdsByMobiles::new(["133****5565"])
        .send(&client)
        .await
        .unwrap();
    assert_eq!(
        lookup.user_id("133****5565").map(|u| u.get()),
        Some(101485821)
    );
}

/// Answers a lookup call item by item from its body: every key found
/// except `E13`, which gets no item at all; records each call's keys.
struct EchoLookup(Arc<Mutex<Vec<Vec<String>>>>);

impl Respond for EchoLookup {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let body: Value = serde_json::from_slice(&request.body).unwrap();
        let keys: Vec<String> = body["jobNumbers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| k.as_str().unwrap().to_owned())
            .collect();
        let items: Vec<Value> = keys
            .iter()
            .filter(|k| *k != "E13")
            .map(|k| {
                let n: i64 = k[1..].parse().unwrap();
                json!({"jobNumber": k, "userId": 100000000 + n, "code": 200, "msg": ""})
            })
            .collect();
        self.0.lock().unwrap().push(keys);
        reply(json!({"data": items, "code": "200", "message": ""}))
    }
}

// The PHP SDK refuses more than 30; the vendor says "一次操作不能超过30条数据".
#[tokio::test]
async fn a_large_lookup_is_split_into_calls_of_thirty_and_reports_every_key() {
    let (server, client) = server().await;
    let calls = Arc::new(Mutex::new(Vec::new()));
    Mock::given(method("POST"))
        .and(path(paths::GET_USER_IDS_BY_JOB_NUMBERS))
        .respond_with(EchoLookup(calls.clone()))
        .expect(3)
        .mount(&server)
        .await;
    let keys: Vec<String> = (0..65).map(|i| format!("E{i}")).collect();
    let lookup = GetUserIdsByJobNumbers::new(keys.iter().chain(keys.iter().take(5)).cloned())
        .send(&client)
        .await
        .unwrap();
    let calls = calls.lock().unwrap().clone();
    assert!(calls.iter().all(|c| c.len() <= 30), "{calls:?}");
    let mut sent: Vec<String> = calls.into_iter().flatten().collect();
    sent.sort();
    let mut want = keys.clone();
    want.sort();
    assert_eq!(sent, want, "each key asked exactly once");
    assert_eq!(lookup.len(), 65);
    assert_eq!(lookup.get("E13"), Some(&UserIdOutcome::Missing));
    assert_eq!(lookup.user_id("E64").map(|u| u.get()), Some(100000064));
    assert_eq!(lookup.found().count(), 64);
}

#[tokio::test]
async fn one_call_of_more_than_thirty_keys_is_refused_before_sending() {
    let (server, client) = server().await;
    let req = GetUserIdsByJobNumbers::new((0..31).map(|i| format!("E{i}")));
    let err = hr_common::endpoint::send(&client, &req, &Default::default())
        .await
        .unwrap_err();
    assert!(err.to_string().contains("at most 30"), "{err}");
    assert!(
        server
            .received_requests()
            .await
            .unwrap()
            .iter()
            .all(|r| r.url.path() == "/token")
    );
}

#[tokio::test]
async fn the_older_map_shape_is_still_read() {
    let (server, client) = server().await;
    expect(
        &server,
        paths::GET_USER_IDS_BY_JOB_NUMBERS,
        json!({"jobNumbers": ["E000007", "E000008"]}),
        reply(json!({"data": {"E000007": "100000007"}, "code": "200", "message": ""})),
    )
    .await;
    let lookup = GetUserIdsByJobNumbers::new(["E000007", "E000008"])
        .send(&client)
        .await
        .unwrap();
    assert_eq!(lookup.user_id("E000007").map(|u| u.get()), Some(100000007));
    assert_eq!(lookup.get("E000008"), Some(&UserIdOutcome::Missing));
}

// employees.md §5: orgOId, includeSubOrg, queryDate required; the other
// fields of its table; the reply in the scroll envelope.
#[tokio::test]
async fn employee_of_organization_sends_every_documented_field() {
    let (server, client) = server().await;
    expect(
        &server,
        paths::GET_EMPLOYEE_OF_ORGANIZATION,
        fixture("employee_get_employee_of_organization.request.json"),
        reply(fixture(
            "employee_get_employee_of_organization.response.json",
        )),
    )
    .await;
    let page = GetEmployeeOfOrganization::new(4745657, true, day(2022, 3, 9))
        .with_disabled_orgs(false)
        .with_disabled(true)
        .emp_status([1, 2, 3, 7].map(EmpStatus::from_code))
        .employ_type([EmployType::Internal, EmployType::Intern])
        .service_type([ServiceType::Main])
        .approval_statuses([ApprovalStatus::Effective])
        .is_get_latest_record(false)
        .capacity(300)
        .sort("UserID", SortDirection::Ascending)
        .ext_query(ExtQuery::equals("extExtQueryFloat_127666_832132060", ["1"]))
        .with_deleted(false)
        .columns([
            "Name",
            "Email",
            "JobNumber",
            "OIdDepartment",
            "EmployeeStatus",
        ])
        .send(&client)
        .await
        .unwrap();
    assert_eq!(page.data.len(), 1);
    let rec = page.data[0].record_info.as_ref().unwrap();
    assert_eq!(rec.employee_status, Some(EmpStatus::PendingEntry));
}

// employees.md §5, the documented error example.
#[tokio::test]
async fn employee_of_organization_carries_the_vendors_417_and_refuses_a_bad_org_itself() {
    let (server, client) = server().await;
    Mock::given(method("POST"))
        .and(path(paths::GET_EMPLOYEE_OF_ORGANIZATION))
        .respond_with(reply(fixture(
            "employee_get_employee_of_organization.error.json",
        )))
        .expect(1)
        .mount(&server)
        .await;
    let err = GetEmployeeOfOrganization::new(4745657, false, day(2022, 3, 9))
        .send(&client)
        .await
        .unwrap_err();
    assert_eq!(err.vendor_code(), Some("417"));
    assert_eq!(err.vendor_message(), Some("OrgOId不能为空且为正整数！"));
    let err = GetEmployeeOfOrganization::new(0, false, day(2022, 3, 9))
        .send(&client)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("orgOId"), "{err}");
}

#[tokio::test]
async fn employee_of_organization_scrolls_to_its_empty_page() {
    let (server, client) = server().await;
    let person = |id: i64| json!({"employeeInfo": {"userID": id}, "recordInfo": {"userID": id}});
    for (id, data, next) in [
        ("", json!([person(1), person(2)]), "s1"),
        ("s1", json!([person(3)]), "s2"),
        ("s2", json!([]), "s3"),
    ] {
        Mock::given(method("POST"))
            .and(path(paths::GET_EMPLOYEE_OF_ORGANIZATION))
            .and(body_partial_json(
                json!({"orgOId": 900100001, "scrollId": id, "capacity": 300}),
            ))
            .respond_with(reply(json!({
                // `isLastData` true from the first page: the stream must not stop on it.
                "scrollId": next, "isLastData": true, "total": 3,
                "data": data, "code": "200", "message": null
            })))
            .expect(1)
            .mount(&server)
            .await;
    }
    let pages = client
        .employees()
        .of_organization(900100001, true, day(2024, 3, 1));
    let progress = pages.progress();
    let people: Vec<_> = pages.by_item().try_collect().await.unwrap();
    let ids: Vec<i64> = people
        .iter()
        .map(|p| p.employee_info.user_id.get())
        .collect();
    assert_eq!(ids, [1, 2, 3]);
    assert_eq!(progress.pages(), 2);
}

// organization-and-positions.md §3: oId, level, isWithSelf, isWithDisable.
#[tokio::test]
async fn sub_organizations_send_is_with_disable_and_read_the_units() {
    let (server, client) = server().await;
    expect(
        &server,
        org_paths::ORG_GET_SUB_ORGANIZATIONS,
        fixture("organization_get_sub_organizations.request.json"),
        reply(fixture("organization_get_sub_organizations.response.json")),
    )
    .await;
    let subs = GetSubOrganizations::new(900100000)
        .level(20)
        .with_self(true)
        .with_disabled(false)
        .send(&client)
        .await
        .unwrap();
    assert_eq!(subs.data[0].oid.get(), 1143532);
    assert_eq!(subs.data[0].poid_org_admin.map(|o| o.get()), Some(389173));
    Mock::given(method("POST"))
        .and(path(org_paths::ORG_GET_SUB_ORGANIZATIONS))
        .and(body_partial_json(
            json!({"oId": 0, "queryDate": "2024-03-01T00:00:00"}),
        ))
        .respond_with(reply(fixture(
            "organization_get_sub_organizations.error.json",
        )))
        .expect(1)
        .mount(&server)
        .await;
    let err = GetSubOrganizations::new(0)
        .query_date(day(2024, 3, 1))
        .send(&client)
        .await
        .unwrap_err();
    assert_eq!(err.vendor_message(), Some("OId必须大于等于0"));
}

// employee-lifecycle.md §3/§5: Create takes CreateForEntry's body and
// answers {employeeInformationId, employmentRecordId, userId}.
#[tokio::test]
async fn create_sends_the_nested_body_and_reads_the_new_ids() {
    let (server, client) = server().await;
    expect(
        &server,
        paths::CREATE,
        fixture("employee_create.request.json"),
        reply(fixture("employee_create.response.json")),
    )
    .await;
    let created = CreateEmployee::new(
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
        created.employee_information_id.as_deref(),
        Some("a363874a-…")
    );
    assert_eq!(created.employment_record_id.as_deref(), Some("9d177c6b-…"));
}

#[tokio::test]
async fn create_without_the_created_person_is_a_decode_error() {
    let (server, client) = server().await;
    Mock::given(method("POST"))
        .and(path(paths::CREATE))
        .respond_with(reply(fixture("write_ok.response.json")))
        .expect(1)
        .mount(&server)
        .await;
    let err = CreateEmployee::new(
        "张三",
        "z@example.com",
        1,
        day(2026, 10, 1),
        EmployType::Internal,
        0,
    )
    .send(&client)
    .await
    .unwrap_err();
    assert!(err.is_decode(), "{err:?}");
}

// employee-lifecycle.md §7: the Python example's body; the documented 417.
#[tokio::test]
async fn transfer_sends_the_nested_record_and_carries_the_vendor_refusal() {
    let (server, client) = server().await;
    expect(
        &server,
        paths::TRANSFER,
        fixture("employee_transfer.request.json"),
        reply(fixture("employee_transfer.error.json")),
    )
    .await;
    let err = TransferEmployee::new(101501119, 4744879)
        .start_date(day(2026, 10, 1))
        .manager(101178784)
        .send(&client)
        .await
        .unwrap_err();
    assert_eq!(err.vendor_message(), Some("指定的直线经理不存在"));
    assert!(!err.is_duplicate_write());
    expect(
        &server,
        paths::TRANSFER,
        json!({"originalId": "HR-000123", "employmentRecord": {"oIdDepartment": 4744879}}),
        reply(fixture("write_ok.response.json")),
    )
    .await;
    let done = TransferEmployee::new(EmployeeRef::original_id("HR-000123"), 4744879)
        .send(&client)
        .await
        .unwrap();
    assert_eq!(done.data, None);
}

// employee-lifecycle.md §8: the documented body.
#[tokio::test]
async fn dimission_sends_the_nested_record() {
    let (server, client) = server().await;
    expect(
        &server,
        paths::DIMISSION,
        fixture("employee_dimission.request.json"),
        reply(fixture("write_ok.response.json")),
    )
    .await;
    DimissionEmployee::new(101501119, day(2026, 9, 30))
        .remarks("个人原因")
        .send(&client)
        .await
        .unwrap();
}

// employee-lifecycle.md §2.3 / errors-and-limits.md §6: identical
// parameters within 3 s are refused; the message is not documented, the
// sandbox answers in the vendor's style.
#[tokio::test]
async fn a_repeated_write_within_three_seconds_is_its_own_error_and_not_retried() {
    let server = MockServer::builder().start().await;
    Mock::given(method("POST"))
        .and(path("/token"))
        .respond_with(reply(json!({"access_token":"T","expires_in":7200})))
        .mount(&server)
        .await;
    // The client's default retry policy: a write refused with 417 must
    // still go out once.
    let client = BeisenClient::builder()
        .base_url(server.uri())
        .credentials(Credentials::app_key("k", "s"))
        .build()
        .unwrap();
    let refusal =
        json!({"code": "417", "message": "请求参数相同时，3秒内仅能请求一次", "data": null});
    Mock::given(method("POST"))
        .and(path(paths::DIMISSION))
        .respond_with(ResponseTemplate::new(417).set_body_json(refusal.clone()))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(paths::TRANSFER))
        .respond_with(reply(refusal))
        .expect(1)
        .mount(&server)
        .await;
    let err = DimissionEmployee::new(101501119, day(2026, 9, 30))
        .send(&client)
        .await
        .unwrap_err();
    assert!(err.is_duplicate_write(), "{err:?}");
    let err = TransferEmployee::new(101501119, 4744879)
        .send(&client)
        .await
        .unwrap_err();
    assert!(err.is_duplicate_write(), "{err:?}");
}

// employees.md §6: `{"oIds": [...], "option": 2}` for the record in effect
// today; the singular-named filters.
#[tokio::test]
async fn service_info_sends_option_and_the_singular_filters() {
    let (server, client) = server().await;
    expect(
        &server,
        paths::GET_SERVICE_INFO_BY_IDS,
        fixture("employee_get_service_info_by_ids.request.json"),
        reply(json!({"data": [{"userID": 101539902, "oIdDepartment": 4745657}], "code": "200", "message": ""})),
    )
    .await;
    let now = GetServiceInfoByIds::new([101539902])
        .in_effect_today()
        .send(&client)
        .await
        .unwrap();
    assert_eq!(now.data[0].oid_department.map(|o| o.get()), Some(4745657));
    expect(
        &server,
        paths::GET_SERVICE_INFO_BY_IDS,
        json!({"oIds": [1], "option": 0, "empStatus": [8], "employType": [0], "serviceType": [0], "approvalStatus": [4]}),
        reply(json!({"data": null, "code": "200", "message": ""})),
    )
    .await;
    let none = GetServiceInfoByIds::new([1])
        .option(ServiceInfoOption::ByConditions)
        .emp_status([EmpStatus::Departed])
        .employ_type([EmployType::Internal])
        .service_type([ServiceType::Main])
        .approval_status([ApprovalStatus::Effective])
        .send(&client)
        .await
        .unwrap();
    assert!(none.data.is_empty());
}

// attendance.md §2: approveStatus 1 = approved in the attendance API's own
// coding; its documented 417.
#[tokio::test]
async fn vacation_approve_status_uses_the_attendance_codes() {
    let (server, client) = server().await;
    expect(
        &server,
        beisen_client::attendance::VACATION_BY_APPROVAL_TIME,
        json!({"approveStartDate": "2020-10-10", "approveStopDate": "2020-10-10", "approveStatus": 1, "pageSize": 100}),
        reply(json!({"code": "200", "message": null, "data": {"total": 3, "isLastPage": true, "sortCursor": null,
            "vacationList": [
                {"vacationId": "v1", "userID": 1, "approveStatus": 1},
                {"vacationId": "v2", "userID": 2, "approveStatus": "通过"},
                {"vacationId": "v3", "userID": 3, "approveStatus": "something else"}
            ]}})),
    )
    .await;
    let page = GetVacationsByApprovalTime::new(day(2020, 10, 10))
        .approve_status(VacationApproveStatus::Approved)
        .send(&client)
        .await
        .unwrap();
    let statuses: Vec<_> = page.items.iter().map(|v| v.approve_status).collect();
    assert_eq!(
        statuses,
        [
            Some(VacationApproveStatus::Approved),
            Some(VacationApproveStatus::Approved),
            None
        ]
    );
    Mock::given(method("POST"))
        .and(path(beisen_client::attendance::VACATION_BY_APPROVAL_TIME))
        .and(body_partial_json(json!({"approveStatus": 9})))
        .respond_with(reply(fixture("vacation_get_by_approval_time.error.json")))
        .expect(1)
        .mount(&server)
        .await;
    let err = GetVacationsByApprovalTime::new(day(2020, 10, 10))
        .approve_status(VacationApproveStatus::Unknown(9))
        .send(&client)
        .await
        .unwrap_err();
    assert_eq!(
        err.vendor_message(),
        Some("ApproveStatus参数格式不正确,请参考接口文档修改后重试！")
    );
}

/// A scroll that expires after its first page: the first call of each
/// opening serves people 1 and 2 of 4; the first opening's next call finds
/// the scroll dead (empty, total 0), the second opening's serves 3 and 4.
struct ExpiringScroll(Mutex<u32>);

impl Respond for ExpiringScroll {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let body: Value = serde_json::from_slice(&request.body).unwrap();
        let person = |id: i64| json!({"employeeInfo": {"userID": id}});
        let (data, total, next) = match body["scrollId"].as_str().unwrap() {
            "" => {
                *self.0.lock().unwrap() += 1;
                (json!([person(1), person(2)]), 4, "a")
            }
            "a" if *self.0.lock().unwrap() == 1 => (json!([]), 0, "a"),
            "a" => (json!([person(3), person(4)]), 4, "b"),
            _ => (json!([]), 4, "c"),
        };
        reply(
            json!({"scrollId": next, "isLastData": false, "total": total,
                     "data": data, "code": "200", "message": null}),
        )
    }
}

#[tokio::test]
async fn an_expired_organisation_scroll_is_reopened_and_delivers_each_person_once() {
    let (server, client) = server().await;
    let opened = Arc::new(ExpiringScroll(Mutex::new(0)));
    Mock::given(method("POST"))
        .and(path(paths::GET_EMPLOYEE_OF_ORGANIZATION))
        .respond_with(ExpiringScrollRef(opened.clone()))
        .mount(&server)
        .await;
    let people: Vec<_> = GetEmployeeOfOrganization::new(900100001, true, day(2024, 3, 1))
        .items(&client)
        .try_collect()
        .await
        .unwrap();
    let ids: Vec<i64> = people
        .iter()
        .map(|p| p.employee_info.user_id.get())
        .collect();
    assert_eq!(ids, [1, 2, 3, 4]);
    assert_eq!(*opened.0.lock().unwrap(), 2, "opened twice");
}

struct ExpiringScrollRef(Arc<ExpiringScroll>);

impl Respond for ExpiringScrollRef {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        self.0.respond(request)
    }
}
