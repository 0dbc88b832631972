//! The client's pacing: the vendor's documented limits per endpoint group
//! by default, the caller's settings over them, and scroll continuations
//! asking the limiter for priority.
//!
//! Limits are checked on the limiter the client really uses, in paused
//! time, by how long a run of permits takes: any limiter that keeps N
//! calls a second needs at least 2 s for 2N + 1 permits, and one that
//! keeps N/2 needs at least 4 s. So the bounds hold whatever pacing the
//! limiter uses inside its limits, and a loaded machine cannot bend them.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use beisen_client::employee::paths;
use beisen_client::organization::paths as org_paths;
use beisen_client::{
    BeisenClient, BeisenClientBuilder, CallOptions, Credentials, Limits, RateLimiter, RetryPolicy,
    TIME_WINDOW_PATHS,
};
use chrono::NaiveDate;
use futures::TryStreamExt;
use hr_common::transport::Priority;
use serde_json::{Value, json};
use tokio::time::Instant;
use wiremock::matchers::{body_string_contains, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn builder() -> BeisenClientBuilder {
    BeisenClient::builder().credentials(Credentials::app_key("k", "s"))
}

fn limiter_of(client: &BeisenClient) -> Arc<dyn RateLimiter> {
    client
        .transport()
        .rate_limiter()
        .expect("a limiter")
        .clone()
}

/// How long `permits` permits of `group` take from a fresh limiter.
async fn time_for(builder: BeisenClientBuilder, group: &str, permits: u32) -> Duration {
    let limiter = limiter_of(&builder.build().unwrap());
    let start = Instant::now();
    for _ in 0..permits {
        limiter.acquire(group).await.unwrap();
    }
    Instant::now() - start
}

/// `permits` take at least `at_least` and less than `below`.
async fn assert_pace(
    builder: BeisenClientBuilder,
    group: &str,
    permits: u32,
    at_least: u64,
    below: u64,
) {
    let took = time_for(builder, group, permits).await;
    assert!(
        took >= Duration::from_secs(at_least) && took < Duration::from_secs(below),
        "{permits} permits of {group} took {took:?}, expected {at_least} s to {below} s"
    );
}

#[tokio::test(start_paused = true)]
async fn every_time_window_endpoint_defaults_to_100_a_second_and_3000_a_minute() {
    for group in TIME_WINDOW_PATHS {
        // 100 a second: 201 permits span two seconds, not four.
        assert_pace(builder(), group, 201, 2, 4).await;
    }
    let group = paths::GET_BY_TIME_WINDOW;
    // 3,000 a minute: 1,500 fit well inside it, the 3,001st waits for it.
    assert_pace(builder(), group, 1_501, 14, 60).await;
    let took = time_for(builder(), group, 3_001).await;
    assert!(took >= Duration::from_secs(60), "{took:?}");
}

#[tokio::test(start_paused = true)]
async fn other_endpoints_default_to_50_a_second_and_recruiting_to_20() {
    // 50 a second and 1,500 a minute for a lookup.
    assert_pace(builder(), paths::GET_BASIC_INFO_BY_IDS, 101, 2, 4).await;
    let took = time_for(builder(), paths::GET_BASIC_INFO_BY_IDS, 1_501).await;
    assert!(took >= Duration::from_secs(60), "{took:?}");
    // 20 a second and 1,000 a minute for recruiting.
    assert_pace(builder(), "recruiting", 41, 2, 4).await;
    let took = time_for(builder(), "recruiting", 1_001).await;
    assert!(took >= Duration::from_secs(60), "{took:?}");
}

#[tokio::test(start_paused = true)]
async fn the_callers_limits_replace_the_documented_ones() {
    // `rate_limits` is every group's limit, the time-window ones included.
    let ten = || builder().rate_limits(Limits::new(Some(10), None));
    assert_pace(ten(), paths::GET_BY_TIME_WINDOW, 21, 2, 4).await;
    assert_pace(ten(), "recruiting", 21, 2, 4).await;
    // `group_limits` sets one group and leaves the others documented.
    let one = || {
        builder().group_limits(
            org_paths::ORG_GET_BY_TIME_WINDOW,
            Limits::new(Some(5), None),
        )
    };
    assert_pace(one(), org_paths::ORG_GET_BY_TIME_WINDOW, 11, 2, 4).await;
    assert_pace(one(), paths::GET_BY_TIME_WINDOW, 201, 2, 4).await;
    // Over `rate_limits` too.
    let both = builder()
        .rate_limits(Limits::new(Some(10), None))
        .group_limits("recruiting", Limits::new(Some(1), None));
    assert_pace(both, "recruiting", 3, 2, 4).await;
}

/// A limiter that grants at once and notes who asked, with which priority.
#[derive(Default)]
struct Recording(Mutex<Vec<(String, Priority)>>);

#[async_trait]
impl RateLimiter for Recording {
    async fn acquire(&self, group: &str) -> hr_common::Result<()> {
        self.acquire_with(group, Priority::Normal).await
    }

    async fn acquire_with(&self, group: &str, priority: Priority) -> hr_common::Result<()> {
        self.0.lock().unwrap().push((group.to_owned(), priority));
        Ok(())
    }
}

#[tokio::test]
async fn a_caller_limiter_replaces_the_defaults() {
    let recording = Arc::new(Recording::default());
    let client = builder().rate_limiter(recording.clone()).build().unwrap();
    let limiter = limiter_of(&client);
    let start = Instant::now();
    for _ in 0..500 {
        limiter.acquire(paths::GET_BY_TIME_WINDOW).await.unwrap();
    }
    assert!(Instant::now() - start < Duration::from_secs(1));
    assert_eq!(recording.0.lock().unwrap().len(), 500);
}

fn employee(id: u64) -> Value {
    json!({"employeeInfo": {"userID": id, "modifiedTime": "2024-01-02T10:00:00"}, "recordInfo": null})
}

fn page(data: Value, total: u64, scroll: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(
        json!({"data": data, "total": total, "scrollId": scroll, "isLastData": false, "code": "200", "message": ""}),
    )
}

/// Every call that continues a scroll asks for `Continuation`; the call
/// that opens a piece stays `Normal`, so open scrolls go first and new
/// pieces wait. The stream's own call options still apply to both.
#[tokio::test]
async fn scroll_continuations_ask_the_limiter_for_priority() {
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
    let answers = [
        (
            r#""scrollId":"""#,
            page(json!([employee(1), employee(2)]), 4, "s1"),
        ),
        (
            r#""scrollId":"s1""#,
            page(json!([employee(3), employee(4)]), 4, "s2"),
        ),
        (r#""scrollId":"s2""#, page(json!([]), 0, "")),
    ];
    for (needle, answer) in answers {
        Mock::given(method("POST"))
            .and(path(route))
            .and(body_string_contains(needle))
            .respond_with(answer)
            .mount(&server)
            .await;
    }
    // The continuation fails once before it answers: the stream's retry
    // policy (3 attempts) carries it, so the options were merged.
    Mock::given(method("POST"))
        .and(path(route))
        .and(body_string_contains(r#""scrollId":"s1""#))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    let recording = Arc::new(Recording::default());
    let client = builder()
        .base_url(server.uri())
        .retry(RetryPolicy::none())
        .rate_limiter(recording.clone())
        .build()
        .unwrap();
    let day = |d| NaiveDate::from_ymd_opt(2024, 1, d).unwrap();
    let got: Vec<_> = client
        .employees()
        .changed_between(day(1), day(3))
        .parallel(1)
        .call_options(
            CallOptions::new().retry(
                RetryPolicy::default()
                    .max_attempts(3)
                    .initial_backoff(Duration::from_millis(1)),
            ),
        )
        .items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(got.len(), 4);
    let asked: Vec<Priority> = recording
        .0
        .lock()
        .unwrap()
        .iter()
        .filter(|(g, _)| g == route)
        .map(|(_, p)| *p)
        .collect();
    // Open, continue (503, then again), continue to the empty end.
    assert_eq!(
        asked,
        [
            Priority::Normal,
            Priority::Continuation,
            Priority::Continuation,
            Priority::Continuation
        ]
    );
}
