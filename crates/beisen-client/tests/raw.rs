//! The raw escape hatch (`beisen_client::raw`): calls to paths the crate
//! does not model go through the same token, envelope, retry and path
//! rules as the typed endpoints; against a mock server, and the
//! time-window stream against the in-process simulator.

use std::collections::{BTreeSet, HashMap};
use std::time::Duration;

use beisen_client::models::WindowRecord;
use beisen_client::raw::{RawRequest, RawWindowRequest, Unkeyed};
use beisen_client::window::QueryType;
use beisen_client::{BeisenClient, Credentials, Error, ListResponse, RetryPolicy};
use chrono::NaiveDate;
use futures::TryStreamExt;
use hr_common::CivilDateTime;
use hr_common::paging::CursorPage;
use hr_sandbox::{DataConfig, Sandbox, SandboxConfig};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

mod common;
use common::{server, server_with};

const ORG_TYPE_BY_NAME: &str =
    "/TenantBaseExternal/api/v5/OrganizationType/GetOrganizationTypeByName";

/// Calls to `p` the server received.
async fn calls_to(server: &MockServer, p: &str) -> usize {
    server
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .filter(|r| r.url.path() == p)
        .count()
}

#[derive(Serialize)]
struct ByName<'a> {
    name: &'a str,
}

#[derive(Debug, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
struct OrganizationType {
    code: String,
    name: String,
}

#[tokio::test]
async fn a_raw_call_sends_the_token_and_the_callers_body_and_reads_data_into_the_callers_type() {
    let (server, client) = server().await;
    Mock::given(method("POST"))
        .and(path(ORG_TYPE_BY_NAME))
        .and(header("authorization", "Bearer T1"))
        .and(body_json(json!({"name": "事业部"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "code": "200", "message": "",
            "data": [{"code": "BU", "name": "事业部"}]
        })))
        .expect(1)
        .mount(&server)
        .await;
    let kinds: Vec<OrganizationType> =
        RawRequest::post(ORG_TYPE_BY_NAME, ByName { name: "事业部" })
            .idempotent(true)
            .send(&client)
            .await
            .unwrap();
    assert_eq!(
        kinds,
        [OrganizationType {
            code: "BU".into(),
            name: "事业部".into()
        }]
    );
}

#[tokio::test]
async fn the_pascal_case_envelope_and_the_list_envelope_read_too() {
    let (server, client) = server().await;
    Mock::given(method("POST"))
        .and(path("/TenantBaseExternal/api/v5/Some/PascalCase"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "Code": 200, "Message": null, "Data": {"Total": 1}
        })))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/TenantBaseExternal/api/v5/Some/List"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"code": "200", "message": "", "data": null})),
        )
        .mount(&server)
        .await;
    let data: Value = RawRequest::post("/TenantBaseExternal/api/v5/Some/PascalCase", json!({}))
        .send(&client)
        .await
        .unwrap();
    assert_eq!(data, json!({"Total": 1}));
    let list: ListResponse<OrganizationType> =
        RawRequest::post("/TenantBaseExternal/api/v5/Some/List", json!({}))
            .list()
            .send(&client)
            .await
            .unwrap();
    assert!(list.data.is_empty());
}

#[tokio::test]
async fn a_business_error_inside_an_http_200_is_an_api_error() {
    let (server, client) = server().await;
    Mock::given(method("POST"))
        .and(path(ORG_TYPE_BY_NAME))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "code": "417", "message": "名称不能为空", "data": null
        })))
        .mount(&server)
        .await;
    let err = RawRequest::post(ORG_TYPE_BY_NAME, ByName { name: "" })
        .send::<Vec<OrganizationType>>(&client)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Api { .. }), "{err:?}");
    assert_eq!(err.vendor_code(), Some("417"));
    assert_eq!(err.vendor_message(), Some("名称不能为空"));
}

#[tokio::test]
async fn a_success_without_data_is_an_error_unless_the_type_allows_none() {
    let (server, client) = server().await;
    Mock::given(method("POST"))
        .and(path(ORG_TYPE_BY_NAME))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"code": "200", "message": ""})),
        )
        .mount(&server)
        .await;
    let request = RawRequest::post(ORG_TYPE_BY_NAME, ByName { name: "x" });
    let err = request
        .send::<Vec<OrganizationType>>(&client)
        .await
        .unwrap_err();
    assert_eq!(err.decode_path(), Some("data"), "{err}");
    let none: Option<Vec<OrganizationType>> = request.send(&client).await.unwrap();
    assert_eq!(none, None);
    let looked_up: Option<OrganizationType> = request.lookup().send(&client).await.unwrap();
    assert_eq!(looked_up, None);
}

#[tokio::test]
async fn a_decode_failure_names_the_json_path_and_hides_the_value() {
    let (server, client) = server().await;
    Mock::given(method("POST"))
        .and(path(ORG_TYPE_BY_NAME))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "code": "200", "message": "",
            "data": [{"code": "BU", "name": "事业部"}, {"code": "X", "name": 13812345678u64}]
        })))
        .mount(&server)
        .await;
    let err = RawRequest::post(ORG_TYPE_BY_NAME, ByName { name: "x" })
        .send::<Vec<OrganizationType>>(&client)
        .await
        .unwrap_err();
    assert!(err.is_decode(), "{err:?}");
    assert_eq!(err.decode_path(), Some("data[1].name"), "{err}");
    assert!(!err.to_string().contains("13812345678"), "{err}");
}

#[tokio::test]
async fn a_write_is_not_repeated_after_a_500_but_a_read_marked_idempotent_is() {
    let retry = RetryPolicy::default()
        .max_attempts(3)
        .initial_backoff(Duration::from_millis(1))
        .max_backoff(Duration::from_millis(5));
    let (server, client) = server_with(retry).await;
    let write = "/TenantBaseExternal/api/v5/Employee/UpdateSomething";
    let read = "/TenantBaseExternal/api/v5/Employee/GetSomething";
    for p in [write, read] {
        Mock::given(method("POST"))
            .and(path(p))
            .respond_with(ResponseTemplate::new(500).set_body_json(json!({
                "code": "500", "message": "internal error"
            })))
            .mount(&server)
            .await;
    }
    let err = RawRequest::post(write, json!({"userId": 1}))
        .send::<Value>(&client)
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(500), "{err:?}");
    assert_eq!(calls_to(&server, write).await, 1, "a write is sent once");

    let err = RawRequest::post(read, json!({"userId": 1}))
        .idempotent(true)
        .send::<Value>(&client)
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(500), "{err:?}");
    assert_eq!(calls_to(&server, read).await, 3, "a read is retried");
}

#[tokio::test]
async fn a_path_that_could_leave_the_base_url_is_refused_before_any_request() {
    let (server, client) = server().await;
    let elsewhere = MockServer::builder().start().await;
    let absolute = format!("{}/steal", elsewhere.uri());
    for bad in [
        absolute.as_str(),
        "//evil.example/steal",
        "TenantBaseExternal/api/v5/x",
        "/TenantBaseExternal/../token",
        "/TenantBaseExternal/%2e%2E/token",
        "/x?redirect=https://evil.example",
        "/a\\b",
    ] {
        let err = RawRequest::post(bad, json!({}))
            .send::<Value>(&client)
            .await
            .unwrap_err();
        assert!(
            matches!(err, Error::InvalidRequest { .. }),
            "{bad}: {err:?}"
        );
        let err = RawWindowRequest::<Unkeyed<Value>>::new(
            bad,
            NaiveDate::from_ymd_opt(2024, 1, 1).unwrap(),
            NaiveDate::from_ymd_opt(2024, 1, 2).unwrap(),
        )
        .send(&client)
        .await
        .unwrap_err();
        assert!(
            matches!(err, Error::InvalidRequest { .. }),
            "{bad}: {err:?}"
        );
    }
    let none = |reqs: Option<Vec<wiremock::Request>>| reqs.unwrap_or_default().is_empty();
    assert!(none(server.received_requests().await), "not even a token");
    assert!(none(elsewhere.received_requests().await));
}

#[tokio::test]
async fn cursor_pages_follow_the_cursor_the_caller_reads() {
    let (server, client) = server().await;
    let p = "/AttendanceOpen/api/v1/Vacation/GetListByDate";
    Mock::given(method("POST"))
        .and(path(p))
        .and(body_json(json!({"day": "2024-03-01", "queryCursor": null})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "code": "200", "message": "",
            "data": {"list": [{"id": 1}, {"id": 2}], "sortCursor": "c1", "isLastPage": false}
        })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(p))
        .and(body_json(json!({"day": "2024-03-01", "queryCursor": "c1"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "code": "200", "message": "",
            "data": {"list": [{"id": 3}], "sortCursor": null, "isLastPage": true}
        })))
        .expect(1)
        .mount(&server)
        .await;
    let items: Vec<Value> = RawRequest::post(p, json!({"day": "2024-03-01", "queryCursor": null}))
        .idempotent(true)
        .cursor_pages(
            &client,
            |body: &mut Value, cursor| {
                body["queryCursor"] = cursor.map_or(Value::Null, Value::from)
            },
            |data: Value| {
                let items = data["list"].as_array().cloned().unwrap_or_default();
                let next = data["sortCursor"].as_str().map(str::to_owned);
                CursorPage::new(items, next, data["isLastPage"].as_bool().unwrap_or(true))
            },
        )
        .by_item()
        .try_collect()
        .await
        .unwrap();
    let ids: Vec<i64> = items.iter().filter_map(|i| i["id"].as_i64()).collect();
    assert_eq!(ids, [1, 2, 3]);
}

#[tokio::test]
async fn a_raw_window_page_sends_the_shared_fields_and_the_callers_own() {
    let (server, client) = server().await;
    let p = "/TenantBaseExternal/api/v5/CommonMetaObject/GetByTimeWindow";
    Mock::given(method("POST"))
        .and(path(p))
        .and(header("authorization", "Bearer T1"))
        .and(body_json(json!({
            "startTime": "2024-01-01T00:00:00",
            "stopTime": "2024-02-01T00:00:00",
            "timeWindowQueryType": 1,
            "scrollId": "",
            "metaObjectName": "Corporation"
        })))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "code": "200", "message": "", "scrollId": "s1", "isLastData": false, "total": 1,
            "data": [{"objectId": "c-1", "fields": {"name": "Acme"}}]
        })))
        .expect(1)
        .mount(&server)
        .await;
    let page = RawWindowRequest::<Unkeyed<Value>>::new(
        p,
        NaiveDate::from_ymd_opt(2024, 1, 1).unwrap(),
        NaiveDate::from_ymd_opt(2024, 2, 1).unwrap(),
    )
    .body(json!({"metaObjectName": "Corporation"}))
    .send(&client)
    .await
    .unwrap();
    assert_eq!(page.scroll_id.as_deref(), Some("s1"));
    assert_eq!(page.data[0]["fields"]["name"], "Acme");
}

// ------------------------------------------------------------ the sandbox

/// The caller's own employee record: only the fields it needs, keyed by
/// user id and versioned by the modification times, as the crate's
/// `Employee` is.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
struct MyEmployee {
    employee_info: MyPerson,
    #[serde(default)]
    record_info: Option<MyRecord>,
}

#[derive(Debug, Clone, Deserialize)]
struct MyPerson {
    #[serde(rename = "userID")]
    user_id: i64,
    #[serde(rename = "modifiedTime", default)]
    modified_time: Option<CivilDateTime>,
}

#[derive(Debug, Clone, Deserialize)]
struct MyRecord {
    #[serde(rename = "modifiedTime", default)]
    modified_time: Option<CivilDateTime>,
}

impl WindowRecord for MyEmployee {
    fn dedup_key(&self) -> Option<String> {
        Some(self.employee_info.user_id.to_string())
    }

    fn version(&self, _: QueryType) -> Option<String> {
        let text = |t: &Option<CivilDateTime>| t.as_ref().map_or("", |t| t.as_str()).to_owned();
        Some(format!(
            "{}|{}",
            text(&self.employee_info.modified_time),
            self.record_info
                .as_ref()
                .map_or(String::new(), |r| text(&r.modified_time))
        ))
    }

    fn version_times(&self, _: QueryType) -> Vec<&CivilDateTime> {
        let mut times: Vec<&CivilDateTime> = self.employee_info.modified_time.iter().collect();
        times.extend(
            self.record_info
                .as_ref()
                .and_then(|r| r.modified_time.as_ref()),
        );
        times
    }
}

#[tokio::test]
async fn a_raw_window_stream_with_the_callers_type_matches_the_typed_stream() {
    let mut config = SandboxConfig {
        data: DataConfig::year_2024(),
        ..SandboxConfig::default()
    };
    config.data.employees = 600;
    let sandbox = Sandbox::start(config).await.unwrap();
    let b = &sandbox.config().beisen;
    let client = BeisenClient::builder()
        .base_url(sandbox.beisen_url())
        .credentials(Credentials::app_key(&b.app_key, &b.app_secret))
        .build()
        .unwrap();
    let start = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
    let stop = NaiveDate::from_ymd_opt(2025, 1, 1).unwrap();

    let typed: Vec<_> = client
        .employees()
        .changed_between(start, stop)
        .items()
        .try_collect()
        .await
        .unwrap();
    let typed_ids: BTreeSet<i64> = typed
        .iter()
        .map(|e| e.employee_info.user_id.get())
        .collect();
    assert!(typed_ids.len() > 100, "{}", typed_ids.len());

    // A year (split at 90 days), in small busy-window pieces, four at once.
    let request = RawWindowRequest::<MyEmployee>::new(
        "/TenantBaseExternal/api/v5/Employee/GetByTimeWindow",
        start,
        stop,
    );
    let mut stream = client
        .stream(request)
        .unwrap()
        .parallel(4)
        .capacity(50)
        .split_above(Some(20));
    let progress = stream.progress();
    let mine: Vec<MyEmployee> = stream.items().try_collect().await.unwrap();
    let mut per_id: HashMap<i64, usize> = HashMap::new();
    for e in &mine {
        *per_id.entry(e.employee_info.user_id).or_default() += 1;
    }
    let mine_ids: BTreeSet<i64> = per_id.keys().copied().collect();
    assert_eq!(mine_ids, typed_ids, "the same people as the typed stream");
    assert_eq!(mine.len(), typed.len(), "and the same records");
    assert!(progress.checkpoint().is_complete());
    assert_eq!(progress.records() as usize, mine.len());
    assert!(progress.splits() > 0, "busy pieces were split");
    assert!(
        progress.dedup_keys_peak() > 0,
        "the caller's keys were used to drop copies"
    );

    // Without a key: the same records, by position.
    let unkeyed: Vec<Unkeyed<Value>> = client
        .stream(RawWindowRequest::<Unkeyed<Value>>::new(
            "/TenantBaseExternal/api/v5/Employee/GetByTimeWindow",
            start,
            stop,
        ))
        .unwrap()
        .items()
        .try_collect()
        .await
        .unwrap();
    let unkeyed_ids: BTreeSet<i64> = unkeyed
        .iter()
        .filter_map(|e| e["employeeInfo"]["userID"].as_i64())
        .collect();
    assert_eq!(unkeyed_ids, typed_ids);
    assert_eq!(unkeyed.len(), typed.len());
}
