//! The status presets (`active`, `departed`, `everyone`, `pending_entry`)
//! and the filters set on a stream: what each sends, and what it selects
//! from the sandbox.
//!
//! The sandbox applies `empStatus`/`withDisabled` as the vendor's table
//! says and `approvalStatuses` (default `[4]`); it accepts
//! `isGetLatestRecord` without effect (its people have one record each).
//! So against it the presets differ by status only, which is what the
//! sandbox tests check; the wire tests pin the other fields.

use std::collections::BTreeSet;

use beisen_client::employee::{GetEmployeeListByTimeWindow, GetEmployeesByTimeWindow, paths};
use beisen_client::enums::{EmpStatus, EmployType};
use beisen_client::models::Employee;
use beisen_client::window::{ExtQuery, QueryType, SortDirection};
use beisen_client::{BeisenClient, Credentials};
use chrono::NaiveDate;
use futures::TryStreamExt;
use hr_sandbox::{DataConfig, Sandbox, SandboxConfig};
use serde_json::{Value, json};
use wiremock::matchers::{body_json, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

const LEAVERS: [i64; 4] = [6, 8, 9, 10];

/// The window fields every request below sends, merged with `filters`.
fn body(filters: Value) -> Value {
    let mut b = json!({
        "startTime": "2024-03-01T00:00:00",
        "stopTime": "2024-03-31T00:00:00",
        "timeWindowQueryType": 1,
        "scrollId": "",
    });
    b.as_object_mut()
        .unwrap()
        .extend(filters.as_object().unwrap().clone());
    b
}

fn request() -> GetEmployeesByTimeWindow {
    GetEmployeesByTimeWindow::new(day(2024, 3, 1), day(2024, 3, 31))
}

#[test]
fn each_preset_serialises_to_its_documented_body() {
    let cases = [
        (
            request().active(),
            json!({"empStatus":[2,3,7],"approvalStatuses":[4],"isGetLatestRecord":false}),
        ),
        (
            request().departed(),
            json!({"empStatus":[6,8,9,10],"withDisabled":true,"approvalStatuses":[4],"isGetLatestRecord":false}),
        ),
        (
            request().everyone(),
            json!({"empStatus":[1,2,3,4,5,6,7,8,9,10,11,12],"withDisabled":true,"approvalStatuses":[4],"isGetLatestRecord":false}),
        ),
        (
            request().pending_entry(),
            json!({"empStatus":[1],"approvalStatuses":[4],"isGetLatestRecord":true}),
        ),
    ];
    for (req, filters) in cases {
        assert_eq!(serde_json::to_value(&req).unwrap(), body(filters));
    }
}

#[test]
fn a_preset_replaces_the_status_fields_and_keeps_the_others() {
    // The last preset wins whole: no `withDisabled` left over from `everyone`.
    assert_eq!(request().everyone().active(), request().active());
    assert_eq!(
        request().departed().pending_entry(),
        request().pending_entry()
    );
    // Filters a preset does not name stay as set.
    let req = request()
        .employ_type([EmployType::Internal, EmployType::Intern])
        .with_deleted(true)
        .everyone();
    let b = serde_json::to_value(&req).unwrap();
    assert_eq!(b["employType"], json!([0, 2]));
    assert_eq!(b["isWithDeleted"], true);
    assert_eq!(
        b["empStatus"],
        json!([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12])
    );
    // `everything` is unchanged: every type, approval state, deleted records.
    assert_eq!(
        serde_json::to_value(request().everything()).unwrap(),
        body(json!({
            "isWithDeleted": true, "withDisabled": true,
            "empStatus": [1,2,3,4,5,6,7,8,9,10,11,12], "employType": [0,1,2,3],
            "serviceType": [0,1,3,4,5], "approvalStatuses": [0,1,2,3,4,5,6],
        }))
    );
}

#[test]
fn filters_on_the_stream_build_the_same_request_as_on_the_request() {
    let client = BeisenClient::builder()
        .credentials(Credentials::app_key("k", "s"))
        .build()
        .unwrap();
    let (a, b) = (day(2024, 3, 1), day(2024, 3, 31));
    let ext = ExtQuery::equals("extCostCenter_100001_1", ["CC-1"]);
    let stream = client
        .employees()
        .changed_between(a, b)
        .everyone()
        .employ_type([EmployType::Intern])
        .is_get_offer_record(true)
        .columns(["Name", "Email"])
        .query_type(QueryType::BusinessModified)
        .with_deleted(true)
        .sort("UserID", SortDirection::Ascending)
        .ext_query(ext.clone())
        .capacity(200);
    let expected = request()
        .everyone()
        .employ_type([EmployType::Intern])
        .is_get_offer_record(true)
        .columns(["Name", "Email"])
        .query_type(QueryType::BusinessModified)
        .with_deleted(true)
        .sort("UserID", SortDirection::Ascending)
        .ext_query(ext)
        .capacity(200);
    assert_eq!(stream.request(), &expected);

    // `.query(..)` still replaces the whole request; the stream's own
    // default capacity (300) is filled in.
    let replaced = client
        .employees()
        .changed_between(a, b)
        .active()
        .query(request().departed());
    assert_eq!(replaced.request(), &request().departed().capacity(300));

    let list = client
        .employees()
        .with_records_changed_between(a, b)
        .departed();
    assert_eq!(
        list.request(),
        &GetEmployeeListByTimeWindow::new(a, b)
            .departed()
            .capacity(300)
    );
}

/// On the wire: a stream with each preset sends exactly the documented
/// body (plus the stream's capacity of 300), once.
#[tokio::test]
async fn each_preset_on_a_stream_sends_its_documented_body() {
    let server = MockServer::builder().start().await;
    Mock::given(method("POST"))
        .and(path("/token"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(
                json!({"access_token":"T1","token_type":"bearer","expires_in":7200}),
            ),
        )
        .mount(&server)
        .await;
    let client = BeisenClient::builder()
        .base_url(server.uri())
        .credentials(Credentials::app_key("k", "s"))
        .retry(hr_common::transport::RetryPolicy::none())
        // One sub-window per stream, so each body is sent once.
        .concurrency(1)
        .build()
        .unwrap();
    let empty =
        json!({"scrollId":"x","isLastData":true,"total":0,"data":[],"code":"200","message":null});
    let presets = [
        (
            "active",
            json!({"empStatus":[2,3,7],"approvalStatuses":[4],"isGetLatestRecord":false}),
        ),
        (
            "departed",
            json!({"empStatus":[6,8,9,10],"withDisabled":true,"approvalStatuses":[4],"isGetLatestRecord":false}),
        ),
        (
            "everyone",
            json!({"empStatus":[1,2,3,4,5,6,7,8,9,10,11,12],"withDisabled":true,"approvalStatuses":[4],"isGetLatestRecord":false}),
        ),
        (
            "pending_entry",
            json!({"empStatus":[1],"approvalStatuses":[4],"isGetLatestRecord":true}),
        ),
    ];
    for (_, filters) in &presets {
        let mut filters = filters.clone();
        filters["capacity"] = json!(300);
        for p in [paths::GET_BY_TIME_WINDOW, paths::GET_LIST_BY_TIME_WINDOW] {
            Mock::given(method("POST"))
                .and(path(p))
                .and(body_json(body(filters.clone())))
                .respond_with(ResponseTemplate::new(200).set_body_json(empty.clone()))
                .expect(1)
                .mount(&server)
                .await;
        }
    }
    let (a, b) = (day(2024, 3, 1), day(2024, 3, 31));
    for (name, _) in &presets {
        let one = client.employees().changed_between(a, b);
        let list = client.employees().with_records_changed_between(a, b);
        let (one, list) = match *name {
            "active" => (one.active(), list.active()),
            "departed" => (one.departed(), list.departed()),
            "everyone" => (one.everyone(), list.everyone()),
            _ => (one.pending_entry(), list.pending_entry()),
        };
        let got: Vec<_> = one.items().try_collect().await.unwrap();
        assert!(got.is_empty(), "{name}");
        let got: Vec<_> = list.items().try_collect().await.unwrap();
        assert!(got.is_empty(), "{name}");
    }
    // `expect(1)` on each body is checked when the server drops; count here
    // too so a failure names the cause.
    let sent = server
        .received_requests()
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.url.path() != "/token")
        .count();
    assert_eq!(sent, 8);
}

// ---- against the sandbox ----

fn client(sb: &Sandbox) -> BeisenClient {
    let cfg = &sb.config().beisen;
    BeisenClient::builder()
        .base_url(sb.beisen_url())
        .credentials(Credentials::app_key(&cfg.app_key, &cfg.app_secret))
        .build()
        .unwrap()
}

fn status(e: &Employee) -> i64 {
    e.record_info
        .as_ref()
        .and_then(|r| r.employee_status)
        .expect("every sandbox record has a status")
        .code()
}

fn ids(records: &[Employee]) -> BTreeSet<i64> {
    records
        .iter()
        .map(|e| e.employee_info.user_id.get())
        .collect()
}

fn leavers(records: &[Employee]) -> Vec<&Employee> {
    records
        .iter()
        .filter(|e| LEAVERS.contains(&status(e)))
        .collect()
}

/// Thirty days of the default sandbox: the default misses every leaver,
/// `everyone()` has them, `departed()` is exactly them, `active()` none.
#[tokio::test]
async fn over_thirty_days_everyone_has_the_departures_the_default_misses() {
    let sb = Sandbox::start(SandboxConfig {
        data: DataConfig::year_2024(),
        ..Default::default()
    })
    .await
    .unwrap();
    let client = client(&sb);
    let (a, b) = (day(2024, 3, 1), day(2024, 3, 31));
    let read = |s: beisen_client::WindowStream<GetEmployeesByTimeWindow>| async move {
        s.items().try_collect::<Vec<Employee>>().await.unwrap()
    };
    let default = read(client.employees().changed_between(a, b)).await;
    let everyone = read(client.employees().changed_between(a, b).everyone()).await;
    let departed = read(client.employees().changed_between(a, b).departed()).await;
    let active = read(client.employees().changed_between(a, b).active()).await;
    let pending = read(client.employees().changed_between(a, b).pending_entry()).await;

    let status8 = |r: &[Employee]| r.iter().filter(|e| status(e) == 8).count();
    println!(
        "30 days: default {} records, {} leavers ({} status 8); everyone() {} records, {} leavers ({} status 8)",
        default.len(),
        leavers(&default).len(),
        status8(&default),
        everyone.len(),
        leavers(&everyone).len(),
        status8(&everyone),
    );

    assert!(!default.is_empty());
    assert!(leavers(&default).is_empty(), "the default has no leavers");
    assert!(default.iter().all(|e| [2, 3, 7].contains(&status(e))));

    assert!(status8(&everyone) > 0, "everyone() has departures");
    assert!(ids(&default).is_subset(&ids(&everyone)));
    let statuses: BTreeSet<i64> = everyone.iter().map(status).collect();
    assert!(
        statuses.len() > 4,
        "everyone() spans the statuses: {statuses:?}"
    );

    assert!(!departed.is_empty());
    assert!(departed.iter().all(|e| LEAVERS.contains(&status(e))));
    let everyones_leavers: BTreeSet<i64> = leavers(&everyone)
        .into_iter()
        .map(|e| e.employee_info.user_id.get())
        .collect();
    assert_eq!(ids(&departed), everyones_leavers);

    assert!(!active.is_empty());
    assert!(active.iter().all(|e| [2, 3, 7].contains(&status(e))));
    assert!(ids(&active).is_disjoint(&ids(&departed)));
    // The sandbox ignores `isGetLatestRecord`, so here `active()` selects
    // exactly what the API's default does.
    assert_eq!(ids(&active), ids(&default));

    assert!(pending.iter().all(|e| status(e) == 1));
    assert!(ids(&pending).is_subset(&ids(&everyone)));

    // The preset on the stream and the same request through `.query(..)`
    // select the same people.
    let via_query = read(
        client
            .employees()
            .changed_between(a, b)
            .query(GetEmployeesByTimeWindow::new(a, b).everyone()),
    )
    .await;
    assert_eq!(ids(&via_query), ids(&everyone));
}

#[tokio::test]
async fn the_records_stream_with_everyone_has_departures_too() {
    let sb = Sandbox::start(SandboxConfig {
        data: DataConfig::year_2024(),
        ..Default::default()
    })
    .await
    .unwrap();
    let client = client(&sb);
    let (a, b) = (day(2024, 3, 1), day(2024, 3, 31));
    let statuses = |people: Vec<beisen_client::models::EmployeeWithRecords>| {
        people
            .iter()
            .flat_map(|p| p.record_infos.iter())
            .filter_map(|r| r.employee_status)
            .collect::<Vec<EmpStatus>>()
    };
    let default = statuses(
        client
            .employees()
            .with_records_changed_between(a, b)
            .items()
            .try_collect()
            .await
            .unwrap(),
    );
    let everyone = statuses(
        client
            .employees()
            .with_records_changed_between(a, b)
            .everyone()
            .items()
            .try_collect()
            .await
            .unwrap(),
    );
    assert!(!default.is_empty());
    assert!(!default.contains(&EmpStatus::Departed));
    assert!(everyone.contains(&EmpStatus::Departed));
}
