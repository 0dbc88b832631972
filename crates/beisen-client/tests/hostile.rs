//! Hostile and broken Beisen servers: replies that do not prove success,
//! scrolls that never end, and a record type that panics. Every test
//! checks the error kind, that no record was handed out as a success that
//! should not have been, the number of API requests made, and that the
//! checkpoint never vouches for a window that was not read to its end.

use std::time::Duration;

use beisen_client::employee::{GetBasicInfoByIds, GetEmployeesByTimeWindow, paths};
use beisen_client::models::{Employee, WindowRecord};
use beisen_client::window::{TimeWindowRequest, WindowQuery};
use beisen_client::{BeisenClient, Checkpoint, Credentials, WindowProgress};
use chrono::NaiveDateTime;
use futures::StreamExt;
use hr_common::Error;
use hr_common::error::PagingErrorKind;
use hr_common::transport::RetryPolicy;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

mod common;
use common::{day, server as mock, server_with};

fn start() -> NaiveDateTime {
    day(2024, 1, 1).and_hms_opt(0, 0, 0).unwrap()
}

/// Answers every call of `route` with `answer`.
async fn answer(server: &MockServer, route: &str, answer: impl Respond + 'static) {
    Mock::given(method("POST"))
        .and(path(route.to_owned()))
        .respond_with(answer)
        .mount(server)
        .await;
}

/// API requests made to `route` (the token call not counted).
async fn requests(server: &MockServer, route: &str) -> usize {
    server
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .filter(|r| r.url.path() == route)
        .count()
}

fn employee(id: u64) -> Value {
    json!({"employeeInfo": {"userID": id, "modifiedTime": "2024-01-01T10:00:00"}, "recordInfo": null})
}

/// The records a stream handed out and the error that ended it.
async fn drain<T: Send + 'static>(stream: hr_common::paging::Pages<T>) -> (Vec<T>, Option<Error>) {
    let mut pages = stream.take(1_000);
    let mut items = Vec::new();
    while let Some(page) = pages.next().await {
        match page {
            Ok(page) => items.extend(page.items),
            Err(e) => return (items, Some(e)),
        }
    }
    (items, None)
}

/// Runs the employee stream over January 2024 as one sub-window: one
/// scroll at a time, never split (the mocks answer every window alike).
async fn run_stream(
    client: &BeisenClient,
    configure: impl FnOnce(
        beisen_client::WindowStream<GetEmployeesByTimeWindow>,
    ) -> beisen_client::WindowStream<GetEmployeesByTimeWindow>,
) -> (Vec<Employee>, Option<Error>, WindowProgress) {
    let mut stream = configure(
        client
            .employees()
            .changed_between(day(2024, 1, 1), day(2024, 2, 1))
            .parallel(1)
            .split_above(None),
    );
    let progress = stream.progress();
    let (items, err) = drain(stream.pages()).await;
    (items, err, progress)
}

/// What an error must look like.
type Expect = fn(&Error) -> bool;

fn assert_not_complete(checkpoint: Checkpoint) {
    assert_eq!(checkpoint.completed_through, start(), "{checkpoint:?}");
    assert!(!checkpoint.is_complete());
}

// ---------------------------------------------------------------- finding A

#[tokio::test]
async fn replies_that_do_not_prove_success_fail_the_stream_and_keep_the_checkpoint() {
    // (body, expected error) for each reply seen with HTTP 200 in the wild.
    let cases: [(Value, Expect); 4] = [
        (json!({}), |e| {
            e.is_decode() && e.decode_path() == Some("code")
        }),
        (
            json!({"Code": "500", "Message": "服务器内部错误", "Data": null}),
            |e| e.vendor_code() == Some("500") && e.vendor_message() == Some("服务器内部错误"),
        ),
        (json!({"message": "An error has occurred."}), |e| {
            matches!(e, Error::Api { .. }) && e.vendor_message() == Some("An error has occurred.")
        }),
        (json!({"error": "gateway_timeout"}), |e| {
            e.vendor_code() == Some("gateway_timeout")
        }),
    ];
    for (body, expected) in cases {
        let (server, client) = mock().await;
        let route = paths::GET_BY_TIME_WINDOW;
        answer(
            &server,
            route,
            ResponseTemplate::new(200).set_body_json(&body),
        )
        .await;

        // No restarts, so that each body costs exactly one request.
        let (items, err, progress) = run_stream(&client, |s| s.max_restarts(0)).await;
        let err = err.unwrap_or_else(|| panic!("{body}: the stream ended as a success"));
        assert!(expected(&err), "{body}: {err:?}");
        assert!(items.is_empty(), "{body}");
        assert_eq!(progress.records(), 0);
        assert_eq!(progress.windows_done(), 0);
        assert_not_complete(progress.checkpoint());
        assert_eq!(requests(&server, route).await, 1, "{body}");

        // One call on its own says the same.
        let err = GetEmployeesByTimeWindow::new(day(2024, 1, 1), day(2024, 1, 2))
            .send(&client)
            .await
            .unwrap_err();
        assert!(expected(&err), "{body}: {err:?}");
    }
}

#[tokio::test]
async fn list_and_lookup_endpoints_need_a_code_too() {
    let (server, client) = mock().await;
    answer(
        &server,
        paths::GET_BASIC_INFO_BY_IDS,
        ResponseTemplate::new(200).set_body_json(json!({})),
    )
    .await;
    let err = GetBasicInfoByIds::new([1]).send(&client).await.unwrap_err();
    assert!(err.is_decode(), "{err:?}");
    assert_eq!(requests(&server, paths::GET_BASIC_INFO_BY_IDS).await, 1);
}

#[tokio::test]
async fn a_success_without_the_promised_fields_is_a_decode_error() {
    let cases = [
        (json!({"code": "200"}), "data"),
        (json!({"code": 200, "data": {"userID": 1}}), "data"),
        (json!({"code": "200", "data": []}), "scrollId"),
        (json!([{"code": "200"}]), "."),
    ];
    for (body, missing) in cases {
        let (server, client) = mock().await;
        let route = paths::GET_BY_TIME_WINDOW;
        answer(
            &server,
            route,
            ResponseTemplate::new(200).set_body_json(&body),
        )
        .await;
        let (items, err, progress) = run_stream(&client, |s| s).await;
        let err = err.unwrap_or_else(|| panic!("{body}: the stream ended as a success"));
        assert!(err.is_decode(), "{body}: {err:?}");
        assert_eq!(err.decode_path(), Some(missing), "{body}: {err}");
        assert!(items.is_empty());
        assert_not_complete(progress.checkpoint());
        assert_eq!(requests(&server, route).await, 1, "{body}");
    }
}

#[tokio::test]
async fn an_empty_first_page_that_announces_records_is_an_error() {
    let (server, client) = mock().await;
    let route = paths::GET_BY_TIME_WINDOW;
    answer(
        &server,
        route,
        ResponseTemplate::new(200).set_body_json(
            json!({"code": "200", "data": [], "total": 5, "scrollId": "s1", "isLastData": true}),
        ),
    )
    .await;
    let (items, err, progress) = run_stream(&client, |s| s).await;
    let err = err.expect("an empty first page announcing 5 records is no empty window");
    assert!(
        matches!(
            err,
            Error::Paging {
                kind: PagingErrorKind::Invalid,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(items.is_empty());
    assert_not_complete(progress.checkpoint());
    assert_eq!(requests(&server, route).await, 1);
}

#[tokio::test]
async fn pascal_case_vendor_500_is_retried_for_reads_like_the_lowercase_one() {
    let retry = RetryPolicy::default()
        .max_attempts(3)
        .initial_backoff(Duration::from_millis(1))
        .max_backoff(Duration::from_millis(5));
    let (server, client) = server_with(retry).await;
    let route = paths::GET_BY_TIME_WINDOW;
    Mock::given(method("POST"))
        .and(path(route))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"Code": "500", "Message": "系统繁忙", "Data": null})),
        )
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(route))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "code": "200", "data": [employee(1)], "total": 1, "scrollId": "s1", "isLastData": true
        })))
        .with_priority(2)
        .mount(&server)
        .await;
    let page = GetEmployeesByTimeWindow::new(day(2024, 1, 1), day(2024, 1, 2))
        .send(&client)
        .await
        .unwrap();
    assert_eq!(page.data.len(), 1);
    assert_eq!(client.transport().stats().retries, 1);
    assert_eq!(requests(&server, route).await, 2);
}

#[tokio::test]
async fn a_stream_answered_pascal_case_500_for_ever_gives_up_after_its_retries_and_restarts() {
    let retry = RetryPolicy::default()
        .max_attempts(2)
        .initial_backoff(Duration::from_millis(1))
        .max_backoff(Duration::from_millis(5));
    let (server, client) = server_with(retry).await;
    let route = paths::GET_BY_TIME_WINDOW;
    answer(
        &server,
        route,
        ResponseTemplate::new(200)
            .set_body_json(json!({"Code": 500, "Message": "系统繁忙", "Data": null})),
    )
    .await;
    let (items, err, progress) = run_stream(&client, |s| s.max_restarts(1)).await;
    let err = err.expect("a vendor 500 is no empty window");
    assert_eq!(err.vendor_code(), Some("500"), "{err:?}");
    assert!(items.is_empty());
    assert_eq!(progress.restarts(), 1);
    assert_not_complete(progress.checkpoint());
    // Two opens of the window, each tried twice by the transport.
    assert_eq!(requests(&server, route).await, 4);
}

// ---------------------------------------------------------------- finding C

#[tokio::test]
async fn a_scroll_that_replays_the_same_records_stops_with_no_progress() {
    let (server, client) = mock().await;
    let route = paths::GET_BY_TIME_WINDOW;
    answer(
        &server,
        route,
        ResponseTemplate::new(200).set_body_json(json!({
            "code": "200", "message": null, "data": [employee(1), employee(2)],
            "total": 100_000, "scrollId": "DXF1ZXJ5QW5kRmV0Y2gBAAAA", "isLastData": false
        })),
    )
    .await;
    let (items, err, progress) = run_stream(&client, |s| s).await;
    let err = err.expect("a replaying scroll never ends on its own");
    assert!(
        matches!(
            err,
            Error::Paging {
                kind: PagingErrorKind::NoProgress,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("no progress"), "{err}");
    // The two genuine records, once; the replay is not delivered.
    assert_eq!(items.len(), 2);
    assert_eq!(progress.records(), 2);
    assert_not_complete(progress.checkpoint());
    assert_eq!(requests(&server, route).await, 2);
}

/// A scroll of fresh employees, 3 a page, whose total starts at 6 and
/// grows by 3 with every page, for ever.
struct GrowingScroll;

impl Respond for GrowingScroll {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let body: Value = serde_json::from_slice(&request.body).unwrap();
        let n: u64 = body["scrollId"]
            .as_str()
            .and_then(|s| s.strip_prefix('s'))
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let data: Vec<Value> = (n * 3..n * 3 + 3).map(|id| employee(id + 1)).collect();
        ResponseTemplate::new(200).set_body_json(json!({
            "code": "200", "data": data, "total": 6 + 3 * n,
            "scrollId": format!("s{}", n + 1), "isLastData": false
        }))
    }
}

#[tokio::test]
async fn a_scroll_whose_total_keeps_growing_stops_at_twice_the_first_total() {
    let (server, client) = mock().await;
    let route = paths::GET_BY_TIME_WINDOW;
    answer(&server, route, GrowingScroll).await;
    let (items, err, progress) = run_stream(&client, |s| s).await;
    let err = err.expect("an ever-growing scroll never ends on its own");
    assert!(
        matches!(
            err,
            Error::Paging {
                kind: PagingErrorKind::Overrun,
                ..
            }
        ),
        "{err:?}"
    );
    // 2 × 6 + one page of 3.
    assert_eq!(items.len(), 15);
    assert_not_complete(progress.checkpoint());
    assert_eq!(requests(&server, route).await, 6);

    // The caller can allow more growth: 3 × 6 + 3 = 21 records.
    let (server, client) = mock().await;
    answer(&server, route, GrowingScroll).await;
    let (items, err, _) = run_stream(&client, |s| s.max_growth(Some(3))).await;
    assert!(matches!(
        err,
        Some(Error::Paging {
            kind: PagingErrorKind::Overrun,
            ..
        })
    ));
    assert_eq!(items.len(), 21);
    assert_eq!(requests(&server, route).await, 8);
}

// ---------------------------------------------------------------- finding F

/// A record whose key panics: a bug in the caller's record type, inside
/// the stream's sub-window task.
#[derive(Debug, Clone, Deserialize)]
struct Explosive {}

impl WindowRecord for Explosive {
    fn dedup_key(&self) -> Option<String> {
        panic!("the record type exploded")
    }
}

#[derive(Debug, Clone, Serialize)]
#[serde(transparent)]
struct ExplosiveRequest(GetEmployeesByTimeWindow);

impl TimeWindowRequest for ExplosiveRequest {
    type Item = Explosive;
    const PATH: &'static str = paths::GET_BY_TIME_WINDOW;
    fn query(&self) -> &WindowQuery {
        &self.0.query
    }
    fn query_mut(&mut self) -> &mut WindowQuery {
        &mut self.0.query
    }
}

#[tokio::test]
async fn a_panic_in_a_sub_window_task_is_an_internal_error_not_an_invalid_request() {
    let (server, client) = mock().await;
    let route = paths::GET_BY_TIME_WINDOW;
    answer(
        &server,
        route,
        ResponseTemplate::new(200).set_body_json(json!({
            "code": "200", "data": [{}], "total": 1, "scrollId": "s1", "isLastData": true
        })),
    )
    .await;
    let mut stream = client
        .stream(ExplosiveRequest(GetEmployeesByTimeWindow::new(
            day(2024, 1, 1),
            day(2024, 2, 1),
        )))
        .unwrap()
        .parallel(1);
    let progress = stream.progress();
    let (items, err) = drain(stream.pages()).await;
    let err = err.expect("a panic is no end of the stream");
    assert!(err.is_internal(), "{err:?}");
    assert!(!matches!(err, Error::InvalidRequest { .. }));
    let shown = err.to_string();
    assert!(shown.contains("task panicked"), "{shown}");
    assert!(shown.contains("the record type exploded"), "{shown}");
    assert!(items.is_empty());
    assert_not_complete(progress.checkpoint());
    assert_eq!(requests(&server, route).await, 1);
}

#[tokio::test]
async fn cursor_pages_need_their_data_object() {
    use beisen_client::attendance::{GetVacationsByApprovalTime, VACATION_BY_APPROVAL_TIME};
    for body in [
        json!({"code": "200", "data": null}),
        json!({"code": "200"}),
        json!({"message": "An error has occurred."}),
    ] {
        let (server, client) = mock().await;
        answer(
            &server,
            VACATION_BY_APPROVAL_TIME,
            ResponseTemplate::new(200).set_body_json(&body),
        )
        .await;
        let (items, err) =
            drain(GetVacationsByApprovalTime::new(day(2024, 3, 1)).pages(&client)).await;
        let err = err.unwrap_or_else(|| panic!("{body} passed for an empty day"));
        assert!(
            err.is_decode() || matches!(err, Error::Api { .. }),
            "{body}: {err:?}"
        );
        assert!(items.is_empty());
        assert_eq!(requests(&server, VACATION_BY_APPROVAL_TIME).await, 1);
    }
}

// ---------------------------------------------------------------- finding 5

/// A vendor answering `{"code":"500"}` inside HTTP 200 for ever, read with
/// the library's defaults (5 attempts, 4 windows at once): each window is
/// opened at most twice (one fresh start after the transport's retries),
/// so the stream ends with the vendor's error after a bounded number of
/// requests, instead of the 115 a run used to make.
#[tokio::test]
async fn an_in_band_500_for_ever_ends_after_a_bounded_number_of_requests() {
    let (server, client) = server_with(
        RetryPolicy::default()
            .max_attempts(5)
            .initial_backoff(Duration::from_millis(1))
            .max_backoff(Duration::from_millis(5)),
    )
    .await;
    let route = paths::GET_BY_TIME_WINDOW;
    answer(
        &server,
        route,
        ResponseTemplate::new(200)
            .set_body_json(json!({"code": "500", "message": "系统繁忙", "data": null})),
    )
    .await;
    let mut stream = client
        .employees()
        .changed_between(day(2024, 1, 1), day(2025, 1, 1))
        .parallel(4);
    let progress = stream.progress();
    let (items, err) = drain(stream.pages()).await;
    let err = err.expect("a failing vendor is no empty year");
    assert_eq!(err.vendor_code(), Some("500"), "{err:?}");
    assert_eq!(err.attempts(), Some(5), "{err}");
    assert!(items.is_empty());
    assert_not_complete(progress.checkpoint());
    // At most 4 windows × 2 opens × 5 attempts; the first window to fail
    // ends the stream, so usually far fewer.
    let made = requests(&server, route).await;
    assert!((10..=40).contains(&made), "{made} requests");
}

/// A vendor that accepts the connection and never answers: the call's
/// deadline ends the stream, with no restart after it, and the error says
/// so with the host, the attempts and the time spent.
#[tokio::test]
async fn a_vendor_that_never_answers_ends_the_stream_at_the_deadline() {
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
    let route = paths::GET_BY_TIME_WINDOW;
    answer(
        &server,
        route,
        ResponseTemplate::new(200).set_delay(Duration::from_secs(3600)),
    )
    .await;
    let client = BeisenClient::builder()
        .base_url(server.uri())
        .credentials(Credentials::app_key("k", "s"))
        .timeout(Duration::from_millis(200))
        .deadline(Duration::from_secs(1))
        .retry(
            RetryPolicy::default()
                .max_attempts(100)
                .initial_backoff(Duration::from_millis(1))
                .max_backoff(Duration::from_millis(5)),
        )
        .build()
        .unwrap();
    let (items, err, progress) = run_stream(&client, |s| s.max_restarts(5)).await;
    let err = err.expect("a silent vendor is no empty window");
    assert!(err.is_timeout(), "{err:?}");
    assert!(items.is_empty());
    assert_eq!(progress.restarts(), 0, "no restart after the deadline");
    assert_not_complete(progress.checkpoint());
    let shown = err.to_string();
    assert!(shown.contains("127.0.0.1"), "{shown}");
    assert!(shown.contains("attempts"), "{shown}");
    // 200 ms attempts inside a 1 s deadline: never more than 5.
    let made = requests(&server, route).await;
    assert!((1..=5).contains(&made), "{made} requests");
    // The last attempt may have started with a few milliseconds left and
    // ended before its request reached the server.
    assert!(
        err.attempts()
            .is_some_and(|a| a as usize == made || a as usize == made + 1),
        "{made} requests: {err}"
    );
}

// ---------------------------------------------------------- hostile totals

/// A server whose every first page holds one fresh record and announces a
/// huge total for any window that can still be split (two seconds or
/// more): a billion, or with `per_second` 100,000 a second of the window,
/// so that the pieces of a split add up to exactly what it announced.
/// Narrower windows it answers honestly (one record), so that they end
/// and the splitting above them goes on.
#[derive(Default)]
struct HugeTotals {
    per_second: bool,
    ids: std::sync::atomic::AtomicU64,
}

impl Respond for HugeTotals {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let body: Value = serde_json::from_slice(&request.body).unwrap();
        if body["scrollId"].as_str().is_some_and(|s| !s.is_empty()) {
            return ResponseTemplate::new(200).set_body_json(json!({
                "code": "200", "data": [], "total": 0, "scrollId": "", "isLastData": true
            }));
        }
        let time = |field: &str| {
            NaiveDateTime::parse_from_str(body[field].as_str().unwrap(), "%Y-%m-%dT%H:%M:%S")
                .unwrap()
        };
        let (from, to) = (time("startTime"), time("stopTime"));
        let secs = (to - from).num_seconds().max(0) as u64;
        let total = match (secs >= 2, self.per_second) {
            (false, _) => 1,
            (true, false) => 1_000_000_000,
            (true, true) => secs * 100_000,
        };
        let id = self.ids.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
        ResponseTemplate::new(200).set_body_json(json!({
            "code": "200", "message": null,
            "data": [{"employeeInfo": {
                "userID": id, "modifiedTime": from.format("%Y-%m-%dT%H:%M:%S").to_string()
            }, "recordInfo": null}],
            "total": total, "scrollId": "s1", "isLastData": false
        }))
    }
}

/// Every piece announcing a billion records used to split every piece 64
/// ways, down to pieces under two seconds: 1,265 calls for ten minutes, and
/// about 10⁷ for 90 days. The pieces of a split can't together hold more
/// than the piece they came from; the first that claim to end the stream.
#[tokio::test]
async fn pieces_announcing_more_than_their_parent_end_the_stream_after_a_few_calls() {
    let (server, client) = mock().await;
    let route = paths::GET_BY_TIME_WINDOW;
    answer(&server, route, HugeTotals::default()).await;
    let from = day(2024, 1, 1).and_hms_opt(10, 0, 0).unwrap();
    let mut stream = client
        .employees()
        .changed_between(from, from + chrono::Duration::minutes(10))
        .parallel(4);
    let progress = stream.progress();
    let (_, err) = drain(stream.pages()).await;
    // The 4 first pieces split 64 ways. Of each one's pieces, two may claim
    // the billion (a split allows twice its total: max_growth) and split in
    // two; the third to claim it ends the stream. About 30 calls and 9
    // splits; before the guard, 1,265 calls and 65 splits.
    let made = requests(&server, route).await;
    assert!(made <= 60, "{made} requests, {} splits", progress.splits());
    assert!(progress.splits() <= 16, "{} splits", progress.splits());
    let err = err.expect("a billion records in ten minutes of one-record pages is no listing");
    assert!(
        matches!(
            err,
            Error::Paging {
                kind: PagingErrorKind::Overrun,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("announce"), "{err}");
    assert!(!progress.checkpoint().is_complete());
}

/// Totals that add up (each split's pieces announce together what it did)
/// and one record a page: the sum guard can't tell, and a day would split
/// down to 86,400 one-second pieces. The stream stops at `max_pieces`
/// (4,096 by default) instead, having opened about 4,096 / 64 pieces.
#[tokio::test]
async fn a_stream_stops_splitting_at_max_pieces() {
    let (server, client) = mock().await;
    let route = paths::GET_BY_TIME_WINDOW;
    answer(
        &server,
        route,
        HugeTotals {
            per_second: true,
            ..Default::default()
        },
    )
    .await;
    let mut stream = client
        .employees()
        .changed_between(day(2024, 1, 1), day(2024, 1, 2))
        .parallel(4);
    let progress = stream.progress();
    let (_, err) = drain(stream.pages()).await;
    let made = requests(&server, route).await;
    assert!(made <= 150, "{made} requests, {} splits", progress.splits());
    let err = err.expect("a day of one-second pieces is past max_pieces");
    assert!(
        matches!(
            err,
            Error::Paging {
                kind: PagingErrorKind::TooManyPages,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("4096 pieces"), "{err}");
    assert!(!progress.checkpoint().is_complete());

    // A lower limit stops it sooner: the third split of 64 would pass 150.
    let (server, client) = mock().await;
    answer(
        &server,
        route,
        HugeTotals {
            per_second: true,
            ..Default::default()
        },
    )
    .await;
    let stream = client
        .employees()
        .changed_between(day(2024, 1, 1), day(2024, 1, 2))
        .parallel(4)
        .max_pieces(150);
    let (_, err) = drain(stream.pages()).await;
    assert!(
        matches!(
            err,
            Some(Error::Paging {
                kind: PagingErrorKind::TooManyPages,
                ..
            })
        ),
        "{err:?}"
    );
    let made = requests(&server, route).await;
    assert!(made <= 8, "{made} requests");
}
