//! The time-window stream's guarantees at their edges: rejected and failed
//! runs, resumes, versions, restarts with and without keys or de-dup, and
//! the request-level fixes (envelope 500, client zone).

use std::collections::HashSet;
use std::time::Duration;

use beisen_client::employee::{GetEmployeesByTimeWindow, paths};
use beisen_client::organization::GetJobLevelsByTimeWindow;
use beisen_client::organization::paths as org_paths;
use beisen_client::window::QueryType;
use beisen_client::{BeisenClient, Checkpoint, Credentials};
use chrono::{NaiveDateTime, TimeZone, Utc};
use futures::{StreamExt, TryStreamExt};
use hr_common::transport::RetryPolicy;
use hr_sandbox::{DataConfig, Sandbox, SandboxConfig};
use serde_json::{Value, json};
use wiremock::matchers::{body_string_contains, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

mod common;
use common::day;

fn at(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S").unwrap()
}

async fn server_with(
    retry: RetryPolicy,
    zone: Option<chrono::FixedOffset>,
) -> (MockServer, BeisenClient) {
    // One sub-window per stream unless a test asks for more: the mocks
    // answer by body, not by window.
    common::server_built(|b| {
        let b = b.concurrency(1).retry(retry);
        match zone {
            Some(zone) => b.time_zone(zone),
            None => b,
        }
    })
    .await
}

async fn server() -> (MockServer, BeisenClient) {
    server_with(RetryPolicy::none(), None).await
}

fn page(data: Value, total: u64, scroll: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(
        json!({"data": data, "total": total, "scrollId": scroll, "isLastData": false, "code": "200", "message": ""}),
    )
}

fn scroll_gone() -> ResponseTemplate {
    ResponseTemplate::new(200)
        .set_body_json(json!({"code": "417", "message": "scrollId无效或已过期"}))
}

/// Mounts one scroll answer: `route`, a body containing every `needle`,
/// tried in `priority` order, at most `times` times when given.
async fn mount(
    server: &MockServer,
    route: &str,
    needles: &[&str],
    priority: u8,
    times: Option<u64>,
    answer: ResponseTemplate,
) {
    let mut m = Mock::given(method("POST")).and(path(route.to_owned()));
    for n in needles {
        m = m.and(body_string_contains(n.to_string()));
    }
    let m = m.respond_with(answer).with_priority(priority);
    let m = match times {
        Some(n) => m.up_to_n_times(n),
        None => m,
    };
    m.mount(server).await;
}

fn sandbox_config(employees: usize) -> SandboxConfig {
    let mut c = SandboxConfig {
        data: DataConfig::year_2024(),
        ..SandboxConfig::default()
    };
    c.data.employees = employees;
    // The vendor's documented limits of the time-window endpoints, which
    // the client's defaults keep to.
    c.beisen.rate_per_second = 100;
    c.beisen.rate_per_minute = 3000;
    // The vendor's 10 s idle: restarts here are forced with
    // `expire_scrolls`, never left to a loaded machine's pace.
    c
}

fn sandbox_client(sb: &Sandbox) -> BeisenClient {
    let cfg = &sb.config().beisen;
    BeisenClient::builder()
        .base_url(sb.beisen_url())
        .credentials(Credentials::app_key(&cfg.app_key, &cfg.app_secret))
        .scroll_idle(cfg.scroll_idle)
        .retry(
            RetryPolicy::default()
                .max_attempts(8)
                .initial_backoff(Duration::from_millis(20))
                .max_backoff(Duration::from_millis(200)),
        )
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_reversed_or_rejected_window_errors_and_reports_nothing_complete() {
    let (_server, client) = server().await;
    // Reversed: an invalid-request error, not an empty success.
    let mut stream = client
        .employees()
        .changed_between(day(2024, 2, 1), day(2024, 1, 1));
    let progress = stream.progress();
    let first = stream
        .pages()
        .next()
        .await
        .expect("an error, not an empty stream");
    assert!(
        matches!(first, Err(hr_common::Error::InvalidRequest { .. })),
        "{first:?}"
    );
    assert!(
        !progress.checkpoint().is_complete(),
        "{:?}",
        progress.checkpoint()
    );
    // Too long with splitting off: rejected, and the checkpoint says so.
    let mut stream = client
        .employees()
        .changed_between(day(2024, 1, 1), day(2025, 1, 1))
        .split_long_windows(false);
    let progress = stream.progress();
    assert!(stream.pages().next().await.unwrap().is_err());
    let c = progress.checkpoint();
    assert!(!c.is_complete(), "{c:?}");
    assert_eq!(c.completed_through, at("2024-01-01T00:00:00"));
    // An empty window (stop == start) is fine and complete.
    let mut stream = client
        .employees()
        .changed_between(day(2024, 1, 1), day(2024, 1, 1));
    let progress = stream.progress();
    assert!(stream.pages().next().await.is_none());
    assert!(progress.checkpoint().is_complete());
    assert_eq!(client.transport().stats().calls, 0);
}

#[tokio::test]
async fn a_checkpoint_of_another_window_or_query_type_is_refused() {
    let (_server, client) = server().await;
    let (start, stop) = (day(2024, 1, 1), day(2025, 1, 1));
    let later = Checkpoint {
        start: at("2024-06-01T00:00:00"),
        stop: at("2025-01-01T00:00:00"),
        completed_through: at("2024-09-01T00:00:00"),
        query_type: None,
    };
    let err = client
        .employees()
        .changed_between(start, stop)
        .resume_from(&later)
        .pages()
        .next()
        .await
        .unwrap()
        .unwrap_err();
    assert!(
        matches!(err, hr_common::Error::InvalidRequest { .. }),
        "{err}"
    );
    let other_type = Checkpoint {
        start: at("2024-01-01T00:00:00"),
        query_type: Some(2),
        ..later
    };
    let err = client
        .employees()
        .changed_between(start, stop)
        .resume_from(&other_type)
        .pages()
        .next()
        .await
        .unwrap()
        .unwrap_err();
    assert!(
        matches!(err, hr_common::Error::InvalidRequest { .. }),
        "{err}"
    );
    assert_eq!(client.transport().stats().calls, 0);
    // A resumed run's checkpoint keeps the window's start and query type,
    // so it resumes the same stream again.
    let ok = Checkpoint {
        query_type: Some(1),
        ..other_type
    };
    let mut resumed = client
        .employees()
        .changed_between(start, stop)
        .resume_from(&ok);
    let c = resumed.progress().checkpoint();
    assert_eq!(c.start, at("2024-01-01T00:00:00"));
    assert_eq!(c.completed_through, at("2024-09-01T00:00:00"));
    assert_eq!(c.query_type, Some(QueryType::Modified.code()));
}

fn employee(id: i64, modified: &str) -> Value {
    json!({"employeeInfo": {"userID": id, "modifiedTime": modified}, "recordInfo": null})
}

#[tokio::test]
async fn a_newer_version_in_a_later_window_is_delivered_and_a_copy_is_not() {
    let (server, client) = server().await;
    let route = paths::GET_BY_TIME_WINDOW;
    // Person 1 was modified in each half of the window; person 2's one
    // version shows up in both halves.
    mount(
        &server,
        route,
        &[r#""startTime":"2024-01-01T00:00:00""#, r#""scrollId":"""#],
        1,
        None,
        page(
            json!([
                employee(1, "2024-01-01T10:00:00"),
                employee(2, "2024-01-01T11:00:00")
            ]),
            2,
            "a1",
        ),
    )
    .await;
    mount(
        &server,
        route,
        &[r#""startTime":"2024-01-02T00:00:00""#, r#""scrollId":"""#],
        1,
        None,
        page(
            json!([
                employee(1, "2024-01-02T10:00:00"),
                employee(2, "2024-01-01T11:00:00")
            ]),
            2,
            "b1",
        ),
    )
    .await;
    // The first half stays open a while, as a piece with more pages
    // would: a copy is recognised against a live piece's keys (a finished
    // piece keeps none, and then a copy is delivered rather than risk a
    // loss). Two seconds: the second half's first page, asked for at the
    // same time, is checked long before, however busy the machine.
    mount(
        &server,
        route,
        &[r#""scrollId":"a1""#],
        1,
        None,
        page(json!([]), 0, "").set_delay(Duration::from_secs(2)),
    )
    .await;
    mount(
        &server,
        route,
        &[r#""scrollId":"b1""#],
        1,
        None,
        page(json!([]), 0, ""),
    )
    .await;
    let mut stream = client
        .employees()
        .changed_between(day(2024, 1, 1), day(2024, 1, 3))
        .parallel(2);
    let progress = stream.progress();
    let got: Vec<(i64, String)> = stream
        .items()
        .map_ok(|e| {
            let t = e.employee_info.modified_time.unwrap().as_str().to_owned();
            (e.employee_info.user_id.get(), t)
        })
        .try_collect()
        .await
        .unwrap();
    let got: HashSet<_> = got.into_iter().collect();
    assert_eq!(got.len(), 3, "{got:?}");
    assert!(got.contains(&(1, "2024-01-01T10:00:00".into())));
    assert!(got.contains(&(1, "2024-01-02T10:00:00".into())));
    assert_eq!(progress.duplicates_dropped(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restart_without_dedup_still_delivers_each_record_once() {
    let sb = Sandbox::start(sandbox_config(1_000)).await.unwrap();
    let client = sandbox_client(&sb);
    let (start, stop) = (day(2024, 1, 1), day(2025, 1, 1));
    let mut stream = client
        .employees()
        .changed_between(start, stop)
        .query(
            GetEmployeesByTimeWindow::new(start, stop)
                .everything()
                .capacity(50),
        )
        .prefetch_pages(1)
        .dedup(false);
    let progress = stream.progress();
    let mut items = stream.items();
    let mut ids = Vec::new();
    while let Some(e) = items.try_next().await.unwrap() {
        if ids.len() == 60 {
            sb.expire_scrolls();
        }
        ids.push(e.employee_info.user_id.get());
    }
    let unique: HashSet<i64> = ids.iter().copied().collect();
    assert_eq!(unique.len(), ids.len(), "a record was delivered twice");
    assert_eq!(ids.len(), sb.data().len());
    assert!(progress.restarts() >= 1);
}

#[tokio::test]
async fn records_without_a_key_are_skipped_by_position_after_a_restart() {
    let (server, client) = server().await;
    let route = org_paths::JOB_LEVEL_GET_BY_TIME_WINDOW;
    let first = || page(json!([{"name": "a"}, {"name": "b"}]), 4, "s1");
    mount(&server, route, &[r#""scrollId":"""#], 1, Some(1), first()).await;
    mount(
        &server,
        route,
        &[r#""scrollId":"""#],
        2,
        None,
        page(json!([{"name": "a"}, {"name": "b"}]), 4, "s2"),
    )
    .await;
    mount(
        &server,
        route,
        &[r#""scrollId":"s1""#],
        1,
        None,
        scroll_gone(),
    )
    .await;
    mount(
        &server,
        route,
        &[r#""scrollId":"s2""#],
        1,
        None,
        page(json!([{"name": "c"}, {"name": "d"}]), 4, "s3"),
    )
    .await;
    mount(
        &server,
        route,
        &[r#""scrollId":"s3""#],
        1,
        None,
        page(json!([]), 0, ""),
    )
    .await;
    let mut stream = client
        .stream(GetJobLevelsByTimeWindow::new(
            day(2024, 1, 1),
            day(2024, 2, 1),
        ))
        .unwrap();
    let progress = stream.progress();
    let names: Vec<String> = stream
        .items()
        .map_ok(|r| r.name.unwrap())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(names, ["a", "b", "c", "d"]);
    assert_eq!(progress.restarts(), 1);
}

#[tokio::test]
async fn every_restart_counts_toward_max_restarts() {
    let (server, client) = server().await;
    let route = beisen_client::organization::paths::ORG_GET_BY_TIME_WINDOW;
    let orgs = |n: i64| {
        Value::Array(
            (1..=n)
                .map(|i| json!({"oId": i, "modifiedTime": "2024-01-02T00:00:00"}))
                .collect(),
        )
    };
    // Each re-open brings one new record, then the scroll dies again.
    for (priority, n) in [(1, 1), (2, 2), (3, 3)] {
        mount(
            &server,
            route,
            &[r#""scrollId":"""#],
            priority,
            Some(1),
            page(orgs(n), 100, "s1"),
        )
        .await;
    }
    mount(
        &server,
        route,
        &[r#""scrollId":"""#],
        4,
        None,
        page(orgs(4), 100, "s1"),
    )
    .await;
    mount(
        &server,
        route,
        &[r#""scrollId":"s1""#],
        1,
        None,
        scroll_gone(),
    )
    .await;
    let mut stream = client
        .organizations()
        .changed_between(day(2024, 1, 1), day(2024, 2, 1))
        .max_restarts(2);
    let progress = stream.progress();
    let result: hr_common::Result<Vec<_>> = stream.items().try_collect().await;
    // The stream gives up with the vendor's own expiry error, not a generic one.
    let err = result.unwrap_err();
    assert_eq!(err.vendor_code(), Some("417"), "{err:?}");
    assert!(err.to_string().contains("scrollId无效或已过期"), "{err}");
    assert_eq!(progress.restarts(), 2);
    assert_eq!(progress.records(), 3);
    assert!(!progress.checkpoint().is_complete());
}

#[tokio::test]
async fn a_vendor_500_inside_http_200_is_retried_for_reads() {
    let retry = RetryPolicy::default()
        .max_attempts(3)
        .initial_backoff(Duration::from_millis(1))
        .max_backoff(Duration::from_millis(5));
    let (server, client) = server_with(retry, None).await;
    let route = paths::GET_BY_TIME_WINDOW;
    mount(
        &server,
        route,
        &[],
        1,
        Some(1),
        ResponseTemplate::new(200).set_body_json(json!({"code": "500", "message": "系统繁忙"})),
    )
    .await;
    mount(
        &server,
        route,
        &[],
        2,
        None,
        page(json!([employee(1, "2024-01-01T10:00:00")]), 1, "s1"),
    )
    .await;
    let page = GetEmployeesByTimeWindow::new(day(2024, 1, 1), day(2024, 1, 2))
        .send(&client)
        .await
        .unwrap();
    assert_eq!(page.data.len(), 1);
    assert_eq!(client.transport().stats().retries, 1);
}

#[tokio::test]
async fn zoned_bounds_are_sent_in_the_clients_zone() {
    let utc = chrono::FixedOffset::east_opt(0).unwrap();
    let (server, client) = server_with(RetryPolicy::none(), Some(utc)).await;
    mount(
        &server,
        paths::GET_BY_TIME_WINDOW,
        &[
            r#""startTime":"2024-01-01T00:00:00""#,
            r#""stopTime":"2024-01-02T00:00:00""#,
        ],
        1,
        None,
        page(json!([]), 0, ""),
    )
    .await;
    let start = Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).unwrap();
    let stop = Utc.with_ymd_and_hms(2024, 1, 2, 0, 0, 0).unwrap();
    let page = GetEmployeesByTimeWindow::new(start, stop)
        .send(&client)
        .await
        .unwrap();
    assert!(page.data.is_empty());
    // The stream built from the same request agrees.
    let items: Vec<_> = client
        .stream(GetEmployeesByTimeWindow::new(start, stop))
        .unwrap()
        .items()
        .try_collect()
        .await
        .unwrap();
    assert!(items.is_empty());
}
