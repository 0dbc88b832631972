//! Every endpoint's request JSON (exact camelCase) and response decoding,
//! against a mock server.

use beisen_client::employee::paths;
use beisen_client::employee::*;
use beisen_client::enums::{EmpStatus, EmployType, Gender, ServiceType};
use beisen_client::organization::paths as org_paths;
use beisen_client::organization::*;
use beisen_client::window::{ExtQuery, QueryType, SortDirection};
use beisen_client::{BeisenClient, Credentials};

use serde_json::{Value, json};
use wiremock::matchers::{body_json, body_string_contains, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

mod common;
use common::{day, fixture, server};

fn ok(data: Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({"data": data, "code": "200", "message": ""}))
}

#[tokio::test]
async fn get_by_time_window_sends_the_vendor_example_and_decodes_its_response_verbatim() {
    let (server, client) = server().await;
    let response = fixture("employee_get_by_time_window.response.json");
    Mock::given(method("POST"))
        .and(path(paths::GET_BY_TIME_WINDOW))
        .and(header("authorization", "Bearer T1"))
        .and(body_json(fixture(
            "employee_get_by_time_window.request.json",
        )))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            // The vendor's example says code "string"; a real page says "200".
            {
                let mut r = response.clone();
                r["code"] = json!("200");
                r
            },
        ))
        .expect(1)
        .mount(&server)
        .await;
    let request = GetEmployeesByTimeWindow::new(day(2021, 1, 1), day(2021, 3, 21))
        .emp_status([1, 2, 3, 4, 5, 6, 8, 12].map(EmpStatus::from_code))
        .employ_type([
            EmployType::Internal,
            EmployType::External,
            EmployType::Intern,
        ])
        .service_type([ServiceType::Main, ServiceType::PartTime])
        .query_type(QueryType::Modified)
        .capacity(100)
        .columns(["Name", "Email", "EmployType"])
        .ext_query(ExtQuery::equals("extExtQueryFloat_127666_832132060", ["1"]))
        .ext_query(ExtQuery::range(
            "extExtQueryInt_127666_637453549",
            "1",
            "1000",
            true,
            false,
        ))
        .with_deleted(false);
    // The vendor's example still sends `enableTranslate`, retired since.
    #[allow(deprecated)]
    let page = request
        .enable_translate(true)
        .sort("Name", SortDirection::Ascending)
        .send(&client)
        .await
        .unwrap();
    assert_eq!(page.scroll_id.as_deref(), Some("string"));
    assert_eq!(page.data.len(), 1);
    let e = &page.data[0];
    assert_eq!(e.employee_info.gender, Some(Gender::Male));
    assert_eq!(
        e.employee_info.id_number.as_ref().unwrap().expose(),
        "string"
    );
    assert_eq!(
        e.employee_info.birthday.as_ref().unwrap().to_string(),
        "2019-08-24T14:15:22Z"
    );
    let r = e.record_info.as_ref().unwrap();
    assert_eq!(r.oid_job_grade.as_deref(), Some("string"));
    assert_eq!(r.employee_status, None, "`\"string\"` is no status");
    assert_eq!(r.work_year_total, Some(0.0));
    // The record round-trips: every key of the vendor's example comes back.
    let back = serde_json::to_value(e).unwrap();
    for part in ["employeeInfo", "recordInfo"] {
        let sent = response["data"][0][part].as_object().unwrap();
        let got = back[part].as_object().unwrap();
        let missing: Vec<_> = sent.keys().filter(|k| !got.contains_key(*k)).collect();
        assert!(missing.is_empty(), "{part} lost {missing:?}");
    }
}

#[tokio::test]
async fn employee_status_as_text_is_read_and_written_back_as_text() {
    let record: beisen_client::models::RecordInfo = serde_json::from_value(
        json!({"userID": 1, "employeeStatus": "3", "isCurrentRecord": true}),
    )
    .unwrap();
    assert_eq!(record.employee_status, Some(EmpStatus::Regular));
    let back = serde_json::to_value(&record).unwrap();
    assert_eq!(back["employeeStatus"], "3");
    assert_eq!(back["isCurrentRecord"], true);
}

#[tokio::test]
async fn a_417_in_a_200_is_an_api_error_with_the_vendor_message() {
    let (server, client) = server().await;
    Mock::given(method("POST"))
        .and(path(paths::GET_LIST_BY_TIME_WINDOW))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture("error_417.response.json")))
        .mount(&server)
        .await;
    let err = GetEmployeeListByTimeWindow::new(day(2024, 1, 1), day(2024, 2, 1))
        .send(&client)
        .await
        .unwrap_err();
    assert_eq!(err.vendor_code(), Some("417"));
    assert_eq!(
        err.vendor_message(),
        Some("只支持查询90天范围内的数据,请分段查询")
    );
    assert!(!err.is_retryable());
}

#[tokio::test]
async fn a_403_explains_the_trusted_ip_list() {
    let (server, client) = server().await;
    Mock::given(method("POST"))
        .and(path(paths::GET_BASIC_INFO_BY_IDS))
        .respond_with(ResponseTemplate::new(403).set_body_json(json!({"message":"Forbidden"})))
        .mount(&server)
        .await;
    let err = GetBasicInfoByIds::new([1]).send(&client).await.unwrap_err();
    assert!(err.is_auth());
    assert!(err.to_string().contains("trusted-IP"), "{err}");
}

/// Each 401 refreshes the token with the refresh token last issued, at
/// most `MAX_AUTH_REFRESHES` (2) times a call; then the call gives up.
#[tokio::test]
async fn a_401_refreshes_the_token_at_most_twice_then_gives_up() {
    let (server, client) = server().await;
    for (refresh, next) in [("R1", "2"), ("R2", "3")] {
        Mock::given(method("POST"))
            .and(path("/token"))
            .and(body_json(json!({"grant_type":"refresh_token","refresh_token":refresh,"app_key":"k"})))
            .respond_with(ResponseTemplate::new(200).set_body_json(
                json!({"access_token":format!("T{next}"),"token_type":"bearer","expires_in":7200,"refresh_token":format!("R{next}")}),
            ))
            .expect(1)
            .mount(&server)
            .await;
    }
    Mock::given(method("POST"))
        .and(path(paths::GET_JUNIOR_BY_ID))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({"message":"un-authorized"})))
        .expect(3)
        .mount(&server)
        .await;
    let err = GetJuniorById::new(7).send(&client).await.unwrap_err();
    assert!(err.is_auth());
    assert_eq!(
        client.transport().stats().auth_retries,
        u64::from(hr_common::transport::MAX_AUTH_REFRESHES)
    );
    let sent: Vec<String> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|r| r.url.path() == paths::GET_JUNIOR_BY_ID)
        .map(|r| r.headers["authorization"].to_str().unwrap().to_owned())
        .collect();
    assert_eq!(sent, ["Bearer T1", "Bearer T2", "Bearer T3"]);
}

#[tokio::test]
async fn writes_are_not_repeated_after_a_500() {
    let server = MockServer::builder().start().await;
    Mock::given(method("POST"))
        .and(path("/token"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"access_token":"T","expires_in":7200})),
        )
        .mount(&server)
        .await;
    let client = BeisenClient::builder()
        .base_url(server.uri())
        .credentials(Credentials::app_key("k", "s"))
        .build()
        .unwrap();
    Mock::given(method("POST"))
        .and(path(paths::DIMISSION))
        .and(body_json(
            json!({"userId":100000007,"employmentRecord":{"lastWorkDate":"2024-03-31T00:00:00","remarks":"个人原因"}}),
        ))
        .respond_with(
            ResponseTemplate::new(500).set_body_json(json!({"code":"500","message":"err"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let err = DimissionEmployee::new(100000007, day(2024, 3, 31))
        .remarks("个人原因")
        .send(&client)
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(500));
}

#[tokio::test]
async fn each_lookup_and_write_sends_its_exact_json() {
    let (server, client) = server().await;
    let cases: Vec<(&str, Value, Value)> = vec![
        (
            paths::GET_BASIC_INFO_BY_IDS,
            json!({"oIds":[1,2],"isWithDeleted":true,"columns":["Name"]}),
            json!([{"userID":1},{"userID":"2"}]),
        ),
        (
            paths::GET_SERVICE_INFO_BY_IDS,
            json!({"oIds":[1]}),
            json!([{"userID":1,"oIdJobPost":"20017"}]),
        ),
        (
            paths::GET_USER_ID_BY_EMAIL,
            json!({"email":"zhang.san@corp.example.com"}),
            json!("100000007"),
        ),
        (
            paths::GET_USER_IDS_BY_JOB_NUMBERS,
            json!({"jobNumbers":["E000007"]}),
            json!([{"jobNumber":"E000007","userId":100000007,"code":200,"msg":""}]),
        ),
        (
            paths::GET_USER_IDS_BY_MOBILES,
            json!({"mobiles":["13800000000"]}),
            json!([{"mobile":"13800000000","userId":"100000007","code":200,"msg":""}]),
        ),
        (
            paths::GET_JUNIOR_BY_ID,
            json!({"userId":100000001}),
            json!([{"employeeInfo":{"userID":100000002},"recordInfo":null}]),
        ),
        (
            paths::GET_EMPLOYEE_OF_ORGANIZATION,
            json!({"orgOId":900100001,"includeSubOrg":true,"queryDate":"2024-03-01T00:00:00","scrollId":"","capacity":300}),
            json!([{"employeeInfo":{"userID":3}}]),
        ),
        (
            paths::CREATE,
            json!({"employeeInformation":{"name":"张三","email":"zs@corp.example.com"},"employmentRecord":{"oIdDepartment":900100002,"entryDate":"2024-03-01T00:00:00","employType":0,"probation":0}}),
            json!(100000099),
        ),
        (
            paths::TRANSFER,
            json!({"userId":100000007,"employmentRecord":{"oIdDepartment":900100003,"startDate":"2024-04-01T00:00:00"}}),
            json!(true),
        ),
        (
            org_paths::ORG_GET_BY_IDS,
            json!({"oIds":[900100001]}),
            json!([{"oId":900100001,"name":"总部","pOIdOrgAdmin":null}]),
        ),
        (
            org_paths::ORG_GET_SUB_ORGANIZATIONS,
            json!({"oId":900100001,"isWithDisable":false}),
            json!([{"oId":900100002}]),
        ),
    ];
    for (p, body, data) in &cases {
        Mock::given(method("POST"))
            .and(path(*p))
            .and(body_json(body.clone()))
            .respond_with(ok(data.clone()))
            .expect(1)
            .mount(&server)
            .await;
    }
    let info = GetBasicInfoByIds::new([1, 2])
        .with_deleted(true)
        .columns(["Name"])
        .send(&client)
        .await
        .unwrap();
    assert_eq!(info.data[1].user_id.get(), 2);
    let rec = GetServiceInfoByIds::new([1]).send(&client).await.unwrap();
    assert_eq!(
        rec.data[0].oid_job_post.as_ref().unwrap().as_number(),
        Some(20017)
    );
    let id = GetUserIdByEmail::new(" Zhang.San@Corp.Example.com ")
        .send(&client)
        .await
        .unwrap();
    assert_eq!(id.unwrap().get(), 100000007);
    let ids = GetUserIdsByJobNumbers::new(["E000007"])
        .send(&client)
        .await
        .unwrap();
    assert_eq!(ids.user_id("E000007").map(|u| u.get()), Some(100000007));
    let ids = GetUserIdsByMobiles::new(["13800000000"])
        .send(&client)
        .await
        .unwrap();
    assert_eq!(ids.user_id("13800000000").map(|u| u.get()), Some(100000007));
    let juniors = GetJuniorById::new(100000001).send(&client).await.unwrap();
    assert_eq!(juniors.data[0].employee_info.user_id.get(), 100000002);
    let of_org = GetEmployeeOfOrganization::new(900100001, true, day(2024, 3, 1))
        .capacity(300)
        .send(&client)
        .await
        .unwrap();
    assert_eq!(of_org.data.len(), 1);
    // A bare user id as `data`: the shape assumed before, still read.
    let created = CreateEmployee::new(
        "张三",
        "zs@corp.example.com",
        900100002,
        day(2024, 3, 1),
        EmployType::Internal,
        0,
    )
    .send(&client)
    .await
    .unwrap();
    assert_eq!(created.user_id.get(), 100000099);
    TransferEmployee::new(100000007, 900100003)
        .start_date(day(2024, 4, 1))
        .send(&client)
        .await
        .unwrap();
    let orgs = GetOrganizationsByIds::new([900100001])
        .send(&client)
        .await
        .unwrap();
    assert_eq!(orgs.data[0].poid_org_admin, None);
    let subs = GetSubOrganizations::new(900100001)
        .with_disabled(false)
        .send(&client)
        .await
        .unwrap();
    assert_eq!(subs.data[0].oid.get(), 900100002);
}

#[tokio::test]
async fn every_time_window_endpoint_sends_its_exact_json() {
    let (server, client) = server().await;
    let window = json!({"startTime":"2024-01-01T00:00:00","stopTime":"2024-02-01T00:00:00","timeWindowQueryType":2,"scrollId":"","withDisabled":true});
    let empty =
        json!({"scrollId":"x","isLastData":true,"total":0,"data":[],"code":"200","message":null});
    for p in [
        org_paths::ORG_GET_BY_TIME_WINDOW,
        org_paths::POSITION_GET_BY_TIME_WINDOW,
        org_paths::JOB_POST_GET_BY_TIME_WINDOW,
        org_paths::JOB_LEVEL_GET_BY_TIME_WINDOW,
        org_paths::JOB_GRADE_GET_BY_TIME_WINDOW,
        org_paths::JOB_SEQUENCE_GET_BY_TIME_WINDOW,
    ] {
        Mock::given(method("POST"))
            .and(path(p))
            .and(body_json(window.clone()))
            .respond_with(ResponseTemplate::new(200).set_body_json(empty.clone()))
            .expect(1)
            .mount(&server)
            .await;
    }
    Mock::given(method("POST"))
        .and(path(org_paths::EMP_SUBSET_GET_BY_TIME_WINDOW))
        .and(body_json(fixture(
            "emp_subset_get_by_time_window.request.json",
        )))
        .respond_with(ResponseTemplate::new(200).set_body_json(empty.clone()))
        .expect(1)
        .mount(&server)
        .await;
    let (a, b) = (day(2024, 1, 1), day(2024, 2, 1));
    let t = QueryType::BusinessModified;
    GetOrganizationsByTimeWindow::new(a, b)
        .query_type(t)
        .with_disabled(true)
        .send(&client)
        .await
        .unwrap();
    GetPositionsByTimeWindow::new(a, b)
        .query_type(t)
        .with_disabled(true)
        .send(&client)
        .await
        .unwrap();
    GetJobPostsByTimeWindow::new(a, b)
        .query_type(t)
        .with_disabled(true)
        .send(&client)
        .await
        .unwrap();
    GetJobLevelsByTimeWindow::new(a, b)
        .query_type(t)
        .with_disabled(true)
        .send(&client)
        .await
        .unwrap();
    GetJobGradesByTimeWindow::new(a, b)
        .query_type(t)
        .with_disabled(true)
        .send(&client)
        .await
        .unwrap();
    GetJobSequencesByTimeWindow::new(a, b)
        .query_type(t)
        .with_disabled(true)
        .send(&client)
        .await
        .unwrap();
    GetEmpSubsetByTimeWindow::new(a, b)
        .query_type(t)
        .with_disabled(true)
        .meta_object_name("EmpEducation")
        .send(&client)
        .await
        .unwrap();
}

#[tokio::test]
async fn the_oauth_flow_posts_a_form_and_reads_an_epoch_expiry() {
    let server = MockServer::builder().start().await;
    Mock::given(method("POST"))
        .and(path("/OAuth/Token"))
        .and(header("content-type", "application/x-www-form-urlencoded"))
        .and(body_string_contains("tenant_id=100001"))
        .and(body_string_contains("app_id=app"))
        .and(body_string_contains("secret=sec"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"access_token":"OT","expires_in":"4102444800","tenant_id":"100001","user_id":"0"}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(paths::GET_USER_ID_BY_EMAIL))
        .and(header("authorization", "Bearer OT"))
        .respond_with(ok(Value::Null))
        .expect(2)
        .mount(&server)
        .await;
    let client = BeisenClient::builder()
        .base_url(server.uri())
        .credentials(Credentials::oauth("100001", "app", "sec"))
        .build()
        .unwrap();
    // Two calls, one token: the epoch string was read as a far expiry.
    assert_eq!(
        client.employees().user_id_by_email("a@b.c").await.unwrap(),
        None
    );
    assert_eq!(
        client.employees().user_id_by_email("a@b.c").await.unwrap(),
        None
    );
}

/// The `(startTime, stopTime)` of every first-page request, in the order
/// sent (a first page is the one with an empty `scrollId`).
async fn windows_sent(server: &MockServer) -> Vec<(String, String)> {
    server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|r| r.url.path() == paths::GET_BY_TIME_WINDOW)
        .map(|r| serde_json::from_slice::<Value>(&r.body).unwrap())
        .filter(|b| b["scrollId"] == "")
        .map(|b| {
            (
                b["startTime"].as_str().unwrap().to_owned(),
                b["stopTime"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

async fn mount_empty_windows(server: &MockServer) {
    Mock::given(method("POST"))
        .and(path(paths::GET_BY_TIME_WINDOW))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "code": "200", "message": "", "scrollId": "s", "isLastData": true,
            "total": 0, "data": []
        })))
        .mount(server)
        .await;
}

/// Window edges pinned on the wire, not only client against sandbox: a
/// leap year (366 days) becomes five pieces of 73 days 4 h 48 min, each
/// stop the next start (start-inclusive, stop-exclusive, so no gap and no
/// overlap), the last stop the caller's own.
#[tokio::test]
async fn a_one_year_stream_sends_these_exact_windows() {
    use futures::TryStreamExt;
    let (server, client) = server().await;
    mount_empty_windows(&server).await;
    let records: Vec<_> = client
        .employees()
        .changed_between(day(2024, 1, 1), day(2025, 1, 1))
        // One piece at a time: only the 90-day rule cuts.
        .parallel(1)
        .items()
        .try_collect()
        .await
        .unwrap();
    assert!(records.is_empty());
    let expected = [
        ("2024-01-01T00:00:00", "2024-03-14T04:48:00"),
        ("2024-03-14T04:48:00", "2024-05-26T09:36:00"),
        ("2024-05-26T09:36:00", "2024-08-07T14:24:00"),
        ("2024-08-07T14:24:00", "2024-10-19T19:12:00"),
        ("2024-10-19T19:12:00", "2025-01-01T00:00:00"),
    ]
    .map(|(a, b)| (a.to_owned(), b.to_owned()));
    assert_eq!(windows_sent(&server).await, expected);
}

/// Exactly 90 days is one query, sent as given; one second more is two.
#[tokio::test]
async fn ninety_days_is_one_window_and_one_second_more_is_two() {
    use futures::TryStreamExt;
    let (server, client) = server().await;
    mount_empty_windows(&server).await;
    GetEmployeesByTimeWindow::new(day(2024, 1, 1), day(2024, 3, 31))
        .send(&client)
        .await
        .unwrap();
    assert_eq!(
        windows_sent(&server).await,
        [(
            "2024-01-01T00:00:00".to_owned(),
            "2024-03-31T00:00:00".to_owned()
        )]
    );

    let (server, client) = self::server().await;
    mount_empty_windows(&server).await;
    let stop = day(2024, 3, 31).and_hms_opt(0, 0, 1).unwrap();
    let _: Vec<_> = client
        .employees()
        .changed_between(day(2024, 1, 1).and_hms_opt(0, 0, 0).unwrap(), stop)
        .parallel(1)
        .items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(
        windows_sent(&server).await,
        [
            ("2024-01-01T00:00:00", "2024-02-15T00:00:00"),
            ("2024-02-15T00:00:00", "2024-03-31T00:00:01"),
        ]
        .map(|(a, b)| (a.to_owned(), b.to_owned()))
    );
}
