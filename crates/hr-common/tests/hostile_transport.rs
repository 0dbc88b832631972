//! The transport against hostile or broken servers: absurd `Retry-After`
//! values, endless throttling, failing vendors (deadline and retry budget),
//! redirects to other origins, oversized bodies, personal data echoed in
//! error bodies, and error text with missing parts.
//!
//! Every test asserts the kind of error, that nothing came back as success,
//! and how many requests the server(s) received. Nothing asserts wall-clock
//! time: waits are zero (`Retry-After: 0`, 1 ms backoff) or run on Tokio's
//! paused clock where no socket is involved.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use async_trait::async_trait;
use hr_common::error::{GaveUp, TransportErrorKind};
use hr_common::transport::{
    DEFAULT_DEADLINE, DEFAULT_MAX_RESPONSE_BYTES, RETRY_AFTER_CLAMP, RateLimiter, Request,
    Response, RetryBudget, RetryPolicy, Transport, TransportBuilder, VendorError,
    parse_retry_after,
};
use hr_common::{AccessToken, Error, TokenCache, TokenProvider};
use proptest::prelude::*;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// Retries without real waiting: 1 ms backoff.
/// Three attempts, so that the counts below read easily; the default is 5.
fn quick_policy() -> RetryPolicy {
    RetryPolicy::default()
        .max_attempts(3)
        .initial_backoff(Duration::from_millis(1))
        .max_backoff(Duration::from_millis(2))
}

fn transport(server: &MockServer) -> TransportBuilder {
    Transport::builder("test", server.uri()).retry(quick_policy())
}

async fn requests(server: &MockServer) -> usize {
    server.received_requests().await.unwrap().len()
}

async fn requests_to(server: &MockServer, p: &str) -> usize {
    server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|r| r.url.path() == p)
        .count()
}

fn json_errors(resp: &Response) -> Option<VendorError> {
    let v: Value = serde_json::from_slice(resp.body()).ok()?;
    let code = v.get("code")?;
    let code = code
        .as_str()
        .map(str::to_owned)
        .unwrap_or_else(|| code.to_string());
    let message = v.get("message").and_then(Value::as_str).unwrap_or_default();
    Some(VendorError::new(code, message))
}

struct FixedToken;

#[async_trait]
impl TokenProvider for FixedToken {
    async fn fetch_token(&self) -> hr_common::Result<AccessToken> {
        Ok(AccessToken::new(
            "TOKEN-SECRET",
            Some(Duration::from_secs(3600)),
        ))
    }
}

/// A raw HTTP/1.1 server: counts connections and hands each to `serve`.
async fn raw_server<F, Fut>(serve: F) -> (String, Arc<AtomicUsize>)
where
    F: Fn(tokio::net::TcpStream) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let accepted = Arc::new(AtomicUsize::new(0));
    let count = accepted.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            count.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(serve(stream));
        }
    });
    (format!("http://{addr}"), accepted)
}

/// Reads a request's head (these tests send no bodies).
async fn read_head(stream: &mut tokio::net::TcpStream) {
    let mut head = Vec::new();
    let mut buf = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => head.extend_from_slice(&buf[..n]),
        }
    }
}

// ---------------------------------------------------------------------------
// 1. Retry-After from the network never panics; long waits end the call.
// ---------------------------------------------------------------------------

#[tokio::test]
async fn absurd_retry_after_on_429_is_a_rate_limit_error_not_a_panic() {
    for value in [
        "1e20",
        "18446744073709551616",
        "99999999999999999999999999",
        "inf",
        "Fri, 31 Dec 9999 23:59:59 GMT",
    ] {
        let server = MockServer::builder().start().await;
        Mock::given(path("/q"))
            .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", value))
            .mount(&server)
            .await;
        let t = transport(&server).build().unwrap();
        let err = t.send(Request::get("/q")).await.unwrap_err();
        assert!(err.is_rate_limited(), "{value}: {err:?}");
        assert_eq!(err.retry_after(), Some(RETRY_AFTER_CLAMP), "{value}");
        assert_eq!(err.gave_up(), Some(GaveUp::RetryAfterTooLong), "{value}");
        assert_eq!(requests(&server).await, 1, "{value}: no sleep, no retry");
    }
}

#[tokio::test]
async fn absurd_retry_after_on_503_ends_the_call_with_the_wait() {
    let server = MockServer::builder().start().await;
    Mock::given(path("/q"))
        .respond_with(
            ResponseTemplate::new(503)
                .insert_header("Retry-After", "18446744073709551616")
                .set_body_string("maintenance"),
        )
        .mount(&server)
        .await;
    let t = transport(&server).build().unwrap();
    let err = t.send(Request::get("/q")).await.unwrap_err();
    assert_eq!(err.status(), Some(503), "{err:?}");
    assert_eq!(err.retry_after(), Some(RETRY_AFTER_CLAMP));
    assert_eq!(err.gave_up(), Some(GaveUp::RetryAfterTooLong));
    assert_eq!(requests(&server).await, 1);
}

#[tokio::test]
async fn unreadable_retry_after_falls_back_to_backoff_and_counts_attempts() {
    for value in ["-5", "NaN", "-inf", "soon", "Mon, 01 Jan 1900 00:00:00 GMT"] {
        let server = MockServer::builder().start().await;
        Mock::given(path("/q"))
            .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", value))
            .mount(&server)
            .await;
        let t = transport(&server).build().unwrap();
        let err = t.send(Request::get("/q")).await.unwrap_err();
        assert!(err.is_rate_limited(), "{value}: {err:?}");
        assert_eq!(err.retry_after(), None, "{value}");
        assert_eq!(err.gave_up(), Some(GaveUp::MaxAttempts), "{value}");
        assert_eq!(
            requests(&server).await,
            3,
            "{value}: like a 429 without the header"
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn parse_retry_after_never_panics_on_any_string(value in any::<String>()) {
        if let Some(wait) = parse_retry_after(&value) {
            prop_assert!(wait <= RETRY_AFTER_CLAMP);
        }
    }

    #[test]
    fn parse_retry_after_never_panics_on_number_like_strings(
        value in "[-+]?[0-9]{0,40}(\\.[0-9]{0,20})?([eE][-+]?[0-9]{1,5})?",
    ) {
        if let Some(wait) = parse_retry_after(&value) {
            prop_assert!(wait <= RETRY_AFTER_CLAMP);
        }
    }

    #[test]
    fn parse_retry_after_never_panics_on_date_like_strings(
        day in 0u32..40,
        year in 0u32..100_000,
        hour in 0u32..30,
        sign in "[-+ ]?",
    ) {
        let value = format!("Sun, {day:02} Jan {sign}{year} {hour:02}:00:00 GMT");
        if let Some(wait) = parse_retry_after(&value) {
            prop_assert!(wait <= RETRY_AFTER_CLAMP);
        }
    }

    #[test]
    fn parse_retry_after_never_panics_on_any_f64(secs in any::<f64>()) {
        for value in [secs.to_string(), format!("{secs:e}")] {
            if let Some(wait) = parse_retry_after(&value) {
                prop_assert!(wait <= RETRY_AFTER_CLAMP);
            }
        }
    }
}

// ---------------------------------------------------------------------------
// 2. A default deadline, and a shared retry budget against amplification.
// ---------------------------------------------------------------------------

/// A limiter that never grants a permit.
struct Never;

#[async_trait]
impl RateLimiter for Never {
    async fn acquire(&self, _group: &str) -> hr_common::Result<()> {
        std::future::pending().await
    }
}

#[tokio::test(start_paused = true)]
async fn every_call_has_a_deadline_by_default() {
    let server = MockServer::builder().start().await;
    Mock::given(path("/q"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    let t = Transport::builder("test", server.uri())
        .rate_limiter(Arc::new(Never))
        .build()
        .unwrap();
    assert_eq!(t.deadline(), Some(DEFAULT_DEADLINE));
    assert_eq!(DEFAULT_DEADLINE, Duration::from_secs(120));

    let started = tokio::time::Instant::now();
    let err = t.send(Request::get("/q")).await.unwrap_err();
    // On the paused clock: the deadline (to the timer's millisecond), not "forever".
    let waited = started.elapsed();
    assert!(
        waited >= DEFAULT_DEADLINE && waited <= DEFAULT_DEADLINE + Duration::from_millis(5),
        "{waited:?}"
    );
    assert!(
        err.is_deadline() && err.is_timeout() && err.is_unsent(),
        "{err:?}"
    );
    assert_eq!(err.gave_up(), Some(GaveUp::Deadline));
    assert_eq!(err.attempts(), Some(0));
    assert!(err.elapsed().unwrap() >= DEFAULT_DEADLINE);
    let shown = err.to_string();
    assert!(
        shown.starts_with("test: transport error (deadline exceeded)"),
        "{shown}"
    );
    assert!(shown.contains("120s"), "{shown}");
    assert_eq!(requests(&server).await, 0);
}

#[tokio::test(start_paused = true)]
async fn the_deadline_is_configurable() {
    let server = MockServer::builder().start().await;
    let t = Transport::builder("test", server.uri())
        .rate_limiter(Arc::new(Never))
        .deadline(Duration::from_secs(5))
        .build()
        .unwrap();
    let started = tokio::time::Instant::now();
    let err = t.send(Request::get("/q")).await.unwrap_err();
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_secs(5) && waited <= Duration::from_millis(5005),
        "{waited:?}"
    );
    assert!(err.is_deadline(), "{err:?}");
    assert!(err.to_string().contains("deadline of 5s passed"), "{err}");
    assert_eq!(requests(&server).await, 0);
}

#[tokio::test]
async fn the_deadline_can_be_removed_or_set_beyond_representable() {
    let server = MockServer::builder().start().await;
    Mock::given(path("/ok"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    let t = transport(&server).without_deadline().build().unwrap();
    assert_eq!(t.deadline(), None);
    t.send(Request::get("/ok")).await.unwrap();
    // A deadline too far to represent means none, not a panic.
    let t = transport(&server).deadline(Duration::MAX).build().unwrap();
    t.send(Request::get("/ok")).await.unwrap();
    assert_eq!(requests(&server).await, 2);
}

#[tokio::test]
async fn errors_after_retrying_name_vendor_host_attempts_and_time() {
    let server = MockServer::builder().start().await;
    Mock::given(path("/q"))
        .respond_with(ResponseTemplate::new(503).set_body_string("busy"))
        .mount(&server)
        .await;
    let t = transport(&server).build().unwrap();
    let err = t.send(Request::get("/q")).await.unwrap_err();
    let host = server.address().to_string();
    assert_eq!(err.status(), Some(503));
    assert_eq!(err.attempts(), Some(3));
    assert!(err.elapsed().is_some());
    assert_eq!(err.gave_up(), Some(GaveUp::MaxAttempts));
    assert_eq!(err.call().unwrap().host, host);
    let shown = err.to_string();
    assert!(
        shown.starts_with("test: unexpected HTTP status 503: busy ("),
        "{shown}"
    );
    assert!(
        shown.contains(&format!("({host}, 3 attempts in ")),
        "{shown}"
    );
    assert!(shown.contains("gave up: attempt limit reached"), "{shown}");
    assert_eq!(requests(&server).await, 3);

    // A connection failure names the vendor too.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let t = Transport::builder("beisen", format!("http://{addr}"))
        .retry(quick_policy())
        .build()
        .unwrap();
    let err = t.send(Request::get("/q")).await.unwrap_err();
    assert_eq!(err.transport_kind(), Some(TransportErrorKind::Connect));
    assert_eq!(err.service(), Some("beisen"));
    assert_eq!(err.attempts(), Some(3));
    let shown = err.to_string();
    assert!(
        shown.starts_with("beisen: transport error (connect)"),
        "{shown}"
    );
    assert!(
        shown.contains(&format!("{addr}, 3 attempts in ")),
        "{shown}"
    );
}

#[tokio::test]
async fn a_spent_retry_budget_stops_retries_across_calls_and_transports() {
    let server = MockServer::builder().start().await;
    Mock::given(path("/q"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    // Room for two retries of 5 tokens.
    let budget = RetryBudget::new(10);
    let policy = quick_policy().max_attempts(10);
    let a = transport(&server)
        .retry(policy.clone())
        .retry_budget(budget.clone())
        .build()
        .unwrap();
    let b = transport(&server)
        .retry(policy)
        .retry_budget(budget.clone())
        .build()
        .unwrap();
    assert!(a.retry_budget().shares_with(b.retry_budget()));

    let err = a.send(Request::get("/q")).await.unwrap_err();
    assert_eq!(err.status(), Some(503));
    assert_eq!(err.gave_up(), Some(GaveUp::RetryBudget));
    assert_eq!(err.attempts(), Some(3), "1 + 2 paid retries, not 10");
    assert!(err.to_string().contains("retry budget exhausted"), "{err}");
    assert_eq!(budget.available(), 0);

    // The other transport shares the empty budget: one attempt, no retry.
    let err = b.send(Request::get("/q")).await.unwrap_err();
    assert_eq!(err.gave_up(), Some(GaveUp::RetryBudget));
    assert_eq!(err.attempts(), Some(1));
    assert_eq!(b.stats().budget_refusals, 1);
    assert_eq!(requests(&server).await, 4);
}

#[tokio::test]
async fn successes_refill_the_budget_one_token_each() {
    let server = MockServer::builder().start().await;
    Mock::given(path("/q"))
        .respond_with(ResponseTemplate::new(500))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(path("/q"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    let budget = RetryBudget::new(20);
    let t = transport(&server)
        .retry_budget(budget.clone())
        .build()
        .unwrap();
    let resp = t.send(Request::get("/q")).await.unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.attempts(), 2);
    assert_eq!(budget.available(), 20 - 5 + 1);
    t.send(Request::get("/q")).await.unwrap();
    assert_eq!(budget.available(), 20 - 5 + 2);
    assert_eq!(requests(&server).await, 3);
}

#[tokio::test]
async fn a_timeout_costs_the_budget_twice_as_much() {
    let server = MockServer::builder().start().await;
    Mock::given(path("/slow"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(5)))
        .mount(&server)
        .await;
    // 15 tokens: one timeout retry (10), then not another.
    let budget = RetryBudget::new(15);
    let t = transport(&server)
        .attempt_timeout(Duration::from_millis(50))
        .retry(quick_policy().max_attempts(10))
        .retry_budget(budget.clone())
        .build()
        .unwrap();
    let err = t.send(Request::get("/slow")).await.unwrap_err();
    assert!(err.is_timeout() && !err.is_deadline(), "{err:?}");
    assert_eq!(err.gave_up(), Some(GaveUp::RetryBudget));
    assert_eq!(err.attempts(), Some(2));
    assert_eq!(budget.available(), 5);
    assert_eq!(requests(&server).await, 2);
}

// ---------------------------------------------------------------------------
// 3. A 429 with Retry-After does not burn the attempts meant for failures.
// ---------------------------------------------------------------------------

#[tokio::test]
async fn throttling_with_retry_after_does_not_use_up_attempts() {
    let server = MockServer::builder().start().await;
    Mock::given(path("/q"))
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "0"))
        .up_to_n_times(7)
        .mount(&server)
        .await;
    Mock::given(path("/q"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"ok": true})))
        .mount(&server)
        .await;
    // The default policy: 5 attempts, and seven 429s do not use them up.
    let t = Transport::builder("test", server.uri()).build().unwrap();
    assert_eq!(t.retry_policy().get_max_attempts(), 5);
    let resp = t.send(Request::get("/q")).await.unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.json::<Value>().unwrap()["ok"], true);
    assert_eq!(resp.attempts(), 8);
    assert_eq!(t.stats().throttled, 7);
    assert_eq!(requests(&server).await, 8);
}

#[tokio::test]
async fn endless_throttling_ends_after_the_throttle_wait_cap() {
    let server = MockServer::builder().start().await;
    Mock::given(path("/q"))
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "0"))
        .mount(&server)
        .await;
    let t = Transport::builder("test", server.uri()).build().unwrap();
    assert_eq!(t.retry_policy().get_max_throttle_waits(), 20);
    let err = t.send(Request::get("/q")).await.unwrap_err();
    assert!(err.is_rate_limited(), "{err:?}");
    assert_eq!(err.status(), Some(429));
    assert_eq!(err.retry_after(), Some(Duration::ZERO));
    assert_eq!(err.gave_up(), Some(GaveUp::ThrottleLimit));
    assert_eq!(err.attempts(), Some(21));
    assert_eq!(requests(&server).await, 21, "the first try and 20 waits");

    // The cap is a policy knob.
    let server = MockServer::builder().start().await;
    Mock::given(path("/q"))
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "0"))
        .mount(&server)
        .await;
    let t = Transport::builder("test", server.uri())
        .retry(RetryPolicy::default().max_attempts(3).max_throttle_waits(2))
        .build()
        .unwrap();
    let err = t.send(Request::get("/q")).await.unwrap_err();
    assert_eq!(err.gave_up(), Some(GaveUp::ThrottleLimit));
    assert_eq!(requests(&server).await, 3);
}

#[tokio::test]
async fn server_errors_still_count_after_throttle_waits() {
    let server = MockServer::builder().start().await;
    Mock::given(path("/q"))
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "0"))
        .up_to_n_times(2)
        .mount(&server)
        .await;
    Mock::given(path("/q"))
        .respond_with(ResponseTemplate::new(500))
        .mount(&server)
        .await;
    let t = transport(&server).build().unwrap();
    let err = t.send(Request::get("/q")).await.unwrap_err();
    assert_eq!(err.status(), Some(500));
    assert_eq!(err.gave_up(), Some(GaveUp::MaxAttempts));
    assert_eq!(
        requests(&server).await,
        2 + 3,
        "2 throttle waits, then 3 attempts"
    );
}

#[tokio::test]
async fn reset_connections_count_as_attempts() {
    let (url, accepted) = raw_server(|mut stream| async move {
        read_head(&mut stream).await;
        // Close without answering.
        drop(stream);
    })
    .await;
    let t = Transport::builder("test", url)
        .retry(quick_policy())
        .build()
        .unwrap();
    let err = t.send(Request::get("/q")).await.unwrap_err();
    assert_eq!(
        err.transport_kind(),
        Some(TransportErrorKind::Io),
        "{err:?}"
    );
    assert_eq!(err.gave_up(), Some(GaveUp::MaxAttempts));
    assert_eq!(accepted.load(Ordering::SeqCst), 3);
}

// ---------------------------------------------------------------------------
// 4. Redirects to another origin are refused by default.
// ---------------------------------------------------------------------------

async fn redirecting(status: u16, to: &MockServer) -> MockServer {
    let server = MockServer::builder().start().await;
    Mock::given(path("/away"))
        .respond_with(ResponseTemplate::new(status).insert_header(
            "Location",
            format!("{}/landing?ticket=TICKET-SECRET", to.uri()),
        ))
        .mount(&server)
        .await;
    server
}

async fn landing() -> MockServer {
    let other = MockServer::builder().start().await;
    Mock::given(path("/landing"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": "forged"})))
        .mount(&other)
        .await;
    other
}

fn assert_refused_redirect(err: &Error, other: &MockServer) {
    assert_eq!(
        err.transport_kind(),
        Some(TransportErrorKind::Redirect),
        "{err:?}"
    );
    assert!(!err.is_retryable());
    let shown = err.to_string();
    assert!(
        shown.contains(&format!(
            "refused redirect to another origin {}",
            other.uri()
        )),
        "{shown}"
    );
    assert!(
        !shown.contains("TICKET-SECRET") && !shown.contains("landing"),
        "{shown}"
    );
}

#[tokio::test]
async fn cross_origin_302_is_refused() {
    let other = landing().await;
    let server = redirecting(302, &other).await;
    let t = transport(&server)
        .token_cache(TokenCache::new(FixedToken))
        .build()
        .unwrap();
    let err = t.send(Request::get("/away")).await.unwrap_err();
    assert_refused_redirect(&err, &other);
    assert_eq!(requests(&server).await, 1);
    assert_eq!(requests(&other).await, 0);
}

#[tokio::test]
async fn cross_origin_307_is_refused_and_the_body_not_resent() {
    let other = landing().await;
    let server = redirecting(307, &other).await;
    let t = transport(&server)
        .token_cache(TokenCache::new(FixedToken))
        .build()
        .unwrap();
    let req = Request::post("/away")
        .json(&json!({"password": "p", "mobile": "13812345678"}))
        .unwrap()
        .idempotent(true);
    let err = t.send(req).await.unwrap_err();
    assert_refused_redirect(&err, &other);
    assert_eq!(requests(&server).await, 1, "not retried");
    assert_eq!(requests(&other).await, 0);
}

#[tokio::test]
async fn same_origin_redirects_are_followed_up_to_five() {
    let server = MockServer::builder().start().await;
    Mock::given(path("/here"))
        .respond_with(ResponseTemplate::new(302).insert_header("Location", "/landing"))
        .mount(&server)
        .await;
    Mock::given(path("/landing"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    Mock::given(path("/loop"))
        .respond_with(ResponseTemplate::new(302).insert_header("Location", "/loop"))
        .mount(&server)
        .await;
    let t = transport(&server).build().unwrap();
    let resp = t.send(Request::get("/here")).await.unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(requests_to(&server, "/landing").await, 1);

    let err = t.send(Request::get("/loop")).await.unwrap_err();
    assert_eq!(err.transport_kind(), Some(TransportErrorKind::Redirect));
    assert!(err.to_string().contains("more than 5 redirects"), "{err}");
    assert_eq!(
        requests_to(&server, "/loop").await,
        6,
        "the request and 5 redirects"
    );
}

#[tokio::test]
async fn cross_origin_redirects_can_be_allowed_but_never_carry_the_token() {
    let other = landing().await;
    let server = redirecting(307, &other).await;
    let t = transport(&server)
        .token_cache(TokenCache::new(FixedToken))
        .allow_cross_origin_redirects(true)
        .build()
        .unwrap();
    let req = Request::post("/away")
        .json(&json!({"q": 1}))
        .unwrap()
        .idempotent(true);
    let resp = t.send(req).await.unwrap();
    assert_eq!(resp.status(), 200);
    let own = server.received_requests().await.unwrap();
    assert_eq!(own.len(), 1);
    assert_eq!(own[0].headers["authorization"], "Bearer TOKEN-SECRET");
    let foreign = other.received_requests().await.unwrap();
    assert_eq!(foreign.len(), 1);
    assert!(!foreign[0].headers.contains_key("authorization"));
    assert_eq!(foreign[0].body, br#"{"q":1}"#, "307 re-sends the body");
}

// ---------------------------------------------------------------------------
// 5. Response bodies are capped.
// ---------------------------------------------------------------------------

#[tokio::test]
async fn a_50_mb_body_is_refused_by_its_content_length() {
    let server = MockServer::builder().start().await;
    Mock::given(path("/big"))
        .respond_with(ResponseTemplate::new(200).set_body_bytes(vec![b'x'; 50 * 1024 * 1024]))
        .mount(&server)
        .await;
    let t = transport(&server).build().unwrap();
    assert_eq!(t.max_response_bytes(), DEFAULT_MAX_RESPONSE_BYTES);
    let err = t.send(Request::get("/big")).await.unwrap_err();
    assert_eq!(
        err.transport_kind(),
        Some(TransportErrorKind::BodyTooLarge),
        "{err:?}"
    );
    assert!(!err.is_retryable());
    let shown = err.to_string();
    assert!(shown.contains("52428800 bytes"), "{shown}");
    assert!(shown.contains("limit of 33554432 bytes"), "{shown}");
    assert_eq!(requests(&server).await, 1, "not retried");
}

#[tokio::test]
async fn a_chunked_body_is_cut_off_once_past_the_limit() {
    let (url, accepted) = raw_server(|mut stream| async move {
        read_head(&mut stream).await;
        let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n";
        if stream.write_all(head.as_bytes()).await.is_err() {
            return;
        }
        let chunk = vec![b'7'; 64 * 1024];
        // 10 MB, announced nowhere; stops when the client hangs up.
        for _ in 0..160 {
            let mut frame = format!("{:x}\r\n", chunk.len()).into_bytes();
            frame.extend_from_slice(&chunk);
            frame.extend_from_slice(b"\r\n");
            if stream.write_all(&frame).await.is_err() {
                return;
            }
        }
        let _ = stream.write_all(b"0\r\n\r\n").await;
    })
    .await;
    let t = Transport::builder("test", url)
        .retry(quick_policy())
        .max_response_bytes(1024 * 1024)
        .build()
        .unwrap();
    let err = t.send(Request::get("/stream")).await.unwrap_err();
    assert_eq!(
        err.transport_kind(),
        Some(TransportErrorKind::BodyTooLarge),
        "{err:?}"
    );
    assert!(err.to_string().contains("limit of 1048576 bytes"), "{err}");
    assert!(!err.to_string().contains("7777"), "no body quoted: {err}");
    assert_eq!(accepted.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn the_limit_is_inclusive_and_applies_to_error_bodies_too() {
    let server = MockServer::builder().start().await;
    Mock::given(path("/exact"))
        .respond_with(ResponseTemplate::new(200).set_body_bytes(vec![b'a'; 1000]))
        .mount(&server)
        .await;
    Mock::given(path("/over"))
        .respond_with(ResponseTemplate::new(200).set_body_bytes(vec![b'a'; 1001]))
        .mount(&server)
        .await;
    Mock::given(path("/error"))
        .respond_with(ResponseTemplate::new(500).set_body_bytes(vec![b'e'; 5000]))
        .mount(&server)
        .await;
    let t = transport(&server).max_response_bytes(1000).build().unwrap();
    assert_eq!(
        t.send(Request::get("/exact")).await.unwrap().body().len(),
        1000
    );
    let err = t.send(Request::get("/over")).await.unwrap_err();
    assert_eq!(err.transport_kind(), Some(TransportErrorKind::BodyTooLarge));
    let err = t.send(Request::get("/error")).await.unwrap_err();
    assert_eq!(err.transport_kind(), Some(TransportErrorKind::BodyTooLarge));
    assert_eq!(requests(&server).await, 3);
}

#[tokio::test]
async fn streaming_downloads_are_not_capped_by_the_buffered_limit() {
    use futures::TryStreamExt;
    let server = MockServer::builder().start().await;
    let payload: Vec<u8> = (0..300_000u32).map(|i| (i % 251) as u8).collect();
    Mock::given(path("/file"))
        .respond_with(ResponseTemplate::new(200).set_body_bytes(payload.clone()))
        .mount(&server)
        .await;
    let t = transport(&server).max_response_bytes(1024).build().unwrap();
    let resp = t.send_streaming(Request::post("/file")).await.unwrap();
    let chunks: Vec<bytes::Bytes> = resp.into_stream().try_collect().await.unwrap();
    assert_eq!(chunks.concat(), payload);
    assert_eq!(requests(&server).await, 1);
}

// ---------------------------------------------------------------------------
// 6. Personal data and secrets never reach error text.
// ---------------------------------------------------------------------------

const PERSONAL: &str = "员工 程博文 手机 13812345678 身份证 110101199003071234 已存在";
const FORM_ECHO: &str = "bad request body: grant_type=password&username=u&password=Hunter2&client_secret=S3cr3t&app_secret=APPSEC&access_token=ACCTOK&secret=PLAINSEC&sessionId=SESS-1";
const SECRETS: &[&str] = &[
    "13812345678",
    "110101199003071234",
    "Hunter2",
    "S3cr3t",
    "APPSEC",
    "ACCTOK",
    "PLAINSEC",
    "SESS-1",
];

fn assert_clean(err: &Error) {
    let shown = format!("{err}\n{err:?}\n{:?}", err.vendor_message());
    for secret in SECRETS {
        assert!(!shown.contains(secret), "{secret} leaked: {shown}");
    }
}

#[tokio::test]
async fn vendor_messages_with_personal_data_are_masked() {
    let server = MockServer::builder().start().await;
    Mock::given(path("/write"))
        .respond_with(
            ResponseTemplate::new(417).set_body_json(json!({"code": "417", "message": PERSONAL})),
        )
        .mount(&server)
        .await;
    let t = transport(&server)
        .vendor_errors(json_errors)
        .build()
        .unwrap();
    let err = t.send(Request::post("/write")).await.unwrap_err();
    assert!(matches!(err, Error::Api { .. }), "{err:?}");
    assert_eq!(err.vendor_code(), Some("417"));
    assert_eq!(err.status(), Some(417));
    assert_clean(&err);
    assert!(
        err.to_string().contains("员工 程博文 手机 138****5678"),
        "{err}"
    );
    assert_eq!(requests(&server).await, 1);
}

#[tokio::test]
async fn echoed_form_bodies_lose_their_secrets() {
    let server = MockServer::builder().start().await;
    // As plain text: a status error quoting the body.
    Mock::given(path("/token-text"))
        .respond_with(ResponseTemplate::new(400).set_body_string(FORM_ECHO))
        .mount(&server)
        .await;
    // Inside the vendor's JSON message.
    Mock::given(path("/token-json"))
        .respond_with(
            ResponseTemplate::new(400).set_body_json(json!({"code": "400", "message": FORM_ECHO})),
        )
        .mount(&server)
        .await;
    // Inside a 401 from the token endpoint.
    Mock::given(path("/token-401"))
        .respond_with(
            ResponseTemplate::new(401)
                .set_body_json(json!({"code": "invalid_client", "message": FORM_ECHO})),
        )
        .mount(&server)
        .await;
    // Inside a 429 message.
    Mock::given(path("/token-429"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("Retry-After", "600")
                .set_body_json(json!({"code": "429", "message": PERSONAL})),
        )
        .mount(&server)
        .await;

    let plain = transport(&server).build().unwrap();
    let err = plain
        .send(Request::post("/token-text").without_auth())
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(400));
    assert!(matches!(err, Error::Status { .. }), "{err:?}");
    assert_clean(&err);
    assert!(
        err.to_string()
            .contains("grant_type=password&username=u&password=***"),
        "{err}"
    );

    let vendor = transport(&server)
        .vendor_errors(json_errors)
        .build()
        .unwrap();
    for p in ["/token-json", "/token-401", "/token-429"] {
        let err = vendor
            .send(Request::post(p).without_auth())
            .await
            .unwrap_err();
        assert!(err.status().is_some(), "{p}: {err:?}");
        assert_clean(&err);
    }
    assert_eq!(requests(&server).await, 4);
}

#[tokio::test]
async fn decode_errors_mask_what_they_quote() {
    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Page {
        data: Vec<u64>,
    }
    let server = MockServer::builder().start().await;
    let body = json!({"data": [format!("{PERSONAL} {FORM_ECHO}")]});
    Mock::given(path("/page"))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .mount(&server)
        .await;
    let t = transport(&server).build().unwrap();
    let resp = t.send(Request::get("/page")).await.unwrap();
    let err = resp.json::<Page>().unwrap_err();
    assert_eq!(err.decode_path(), Some("data[0]"));
    assert_clean(&err);
    // And a decode error built by hand from vendor text.
    let err = Error::decode_at("data", FORM_ECHO, PERSONAL.as_bytes());
    assert_clean(&err);
    assert_eq!(requests(&server).await, 1);
}

// ---------------------------------------------------------------------------
// 7. Error text has no empty parts; panics are not invalid requests.
// ---------------------------------------------------------------------------

fn assert_no_empty_parts(shown: &str) {
    for bad in ["  ", "[]", "()", ": (", ": )", "(body: )"] {
        assert!(!shown.contains(bad), "{shown:?} contains {bad:?}");
    }
    assert!(!shown.trim_end().ends_with(':'), "{shown:?}");
}

#[tokio::test]
async fn errors_from_bare_responses_have_no_empty_parts() {
    let server = MockServer::builder().start().await;
    Mock::given(method("GET"))
        .and(path("/500"))
        .respond_with(ResponseTemplate::new(500))
        .mount(&server)
        .await;
    Mock::given(path("/429"))
        .respond_with(ResponseTemplate::new(429))
        .mount(&server)
        .await;
    Mock::given(path("/api"))
        .respond_with(ResponseTemplate::new(500).set_body_json(json!({"code": "", "message": ""})))
        .mount(&server)
        .await;
    Mock::given(path("/401"))
        .respond_with(ResponseTemplate::new(401))
        .mount(&server)
        .await;
    let t = transport(&server)
        .retry(RetryPolicy::none())
        .vendor_errors(json_errors)
        .build()
        .unwrap();

    let err = t.send(Request::get("/500")).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "test: unexpected HTTP status 500 ({}, 1 attempt in {:.2}s, gave up: attempt limit reached)",
            server.address(),
            err.elapsed().unwrap().as_secs_f64()
        )
    );
    let err = t.send(Request::get("/429")).await.unwrap_err();
    assert!(
        err.to_string()
            .starts_with("test: rate limited (HTTP 429) ("),
        "{err}"
    );
    assert_no_empty_parts(&err.to_string());
    let err = t.send(Request::get("/api")).await.unwrap_err();
    assert!(
        err.to_string().starts_with("test: API error (HTTP 500) ("),
        "{err}"
    );
    assert_no_empty_parts(&err.to_string());
    let err = t
        .send(Request::get("/401").without_auth())
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "test: authentication failed (token request refused) (HTTP 401)"
    );
    assert_eq!(requests(&server).await, 4);
}

#[tokio::test]
async fn a_panicking_task_is_an_internal_error_not_an_invalid_request() {
    let joined = tokio::spawn(async { panic!("worker exploded") }).await;
    let err = Error::from_join_error(joined.unwrap_err());
    assert!(err.is_internal(), "{err:?}");
    assert!(!matches!(err, Error::InvalidRequest { .. }));
    assert!(!err.is_retryable() && !err.is_unsent());
    assert_eq!(
        err.to_string(),
        "internal error: task panicked: worker exploded"
    );
}
