//! Transport behaviour against wiremock: retries, auth refresh, single-flight
//! tokens, idempotency, timeouts, rate limiting, redirects and URL policy.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use async_trait::async_trait;
use hr_common::ExposeSecret;
use hr_common::auth::TokenCacheConfig;
use hr_common::error::{AuthErrorKind, TransportErrorKind};
use hr_common::transport::{
    Limits, RateLimiter, Request, Response, RetryPolicy, Transport, VendorError, WindowLimiter,
};
use hr_common::{AccessToken, Error, TokenCache, TokenProvider};
use serde_json::{Value, json};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, Request as WireRequest, ResponseTemplate};

/// Hands out `t-1`, `t-2`, … and counts fetches.
struct Sequential {
    fetches: Arc<AtomicU32>,
}

#[async_trait]
impl TokenProvider for Sequential {
    async fn fetch_token(&self) -> hr_common::Result<AccessToken> {
        let n = self.fetches.fetch_add(1, Ordering::SeqCst) + 1;
        Ok(AccessToken::new(
            format!("t-{n}"),
            Some(Duration::from_secs(3600)),
        ))
    }
}

/// Fetches tokens from a `/token` endpoint through its own transport, the way
/// vendor crates do.
struct HttpTokens {
    transport: Transport,
}

#[async_trait]
impl TokenProvider for HttpTokens {
    async fn fetch_token(&self) -> hr_common::Result<AccessToken> {
        let resp = self
            .transport
            .send(
                Request::post("/token")
                    .json(&json!({"app_key": "k"}))?
                    .without_auth(),
            )
            .await?;
        let body: Value = resp.json()?;
        Ok(AccessToken::new(
            body["access_token"].as_str().unwrap_or_default(),
            body["expires_in"].as_u64().map(Duration::from_secs),
        ))
    }
}

fn fast_retry() -> RetryPolicy {
    RetryPolicy::default()
        .max_attempts(3)
        .initial_backoff(Duration::from_millis(10))
        .max_backoff(Duration::from_millis(50))
}

fn transport(server: &MockServer) -> hr_common::transport::TransportBuilder {
    Transport::builder("test", server.uri()).retry(fast_retry())
}

fn sequential_cache() -> (TokenCache, Arc<AtomicU32>) {
    let fetches = Arc::new(AtomicU32::new(0));
    (
        TokenCache::new(Sequential {
            fetches: fetches.clone(),
        }),
        fetches,
    )
}

fn json_errors(resp: &Response) -> Option<VendorError> {
    let v: Value = serde_json::from_slice(resp.body()).ok()?;
    let code = v.get("code").or_else(|| v.get("error"))?;
    let code = code
        .as_str()
        .map(str::to_owned)
        .unwrap_or_else(|| code.to_string());
    let message = v
        .get("message")
        .or_else(|| v.get("error_description"))
        .and_then(Value::as_str)
        .unwrap_or_default();
    Some(VendorError::new(code, message))
}

#[tokio::test]
async fn retries_5xx_with_backoff_then_succeeds() {
    let server = MockServer::builder().start().await;
    Mock::given(method("POST"))
        .and(path("/q"))
        .respond_with(ResponseTemplate::new(503).set_body_string("busy"))
        .up_to_n_times(2)
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/q"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"ok": true})))
        .expect(1)
        .mount(&server)
        .await;

    let t = transport(&server).build().unwrap();
    let resp = t
        .send(
            Request::post("/q")
                .json(&json!({}))
                .unwrap()
                .idempotent(true),
        )
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.attempts(), 3);
    let stats = t.stats();
    assert_eq!(
        (stats.calls, stats.attempts, stats.retries, stats.failures),
        (1, 3, 2, 0)
    );
}

#[tokio::test]
async fn gives_up_after_max_attempts_with_status_error() {
    let server = MockServer::builder().start().await;
    Mock::given(path("/q"))
        .respond_with(ResponseTemplate::new(502).set_body_string("bad gateway"))
        .expect(3)
        .mount(&server)
        .await;
    let t = transport(&server).build().unwrap();
    let err = t.send(Request::get("/q")).await.unwrap_err();
    assert_eq!(err.status(), Some(502));
    assert!(err.is_retryable());
    assert!(err.to_string().contains("bad gateway"), "{err}");
    assert_eq!(t.stats().failures, 1);
}

#[tokio::test]
async fn honours_retry_after_on_429() {
    let server = MockServer::builder().start().await;
    Mock::given(path("/q"))
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "1"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(path("/q"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;

    let t = transport(&server).build().unwrap();
    let started = std::time::Instant::now();
    let resp = t.send(Request::get("/q")).await.unwrap();
    assert_eq!(resp.status(), 200);
    // The backoff alone would be ≤ 50 ms: waiting a second proves Retry-After won.
    assert!(started.elapsed() >= Duration::from_secs(1));
    assert_eq!(t.stats().throttled, 1);
}

#[tokio::test]
async fn retry_after_beyond_the_cap_ends_with_rate_limited() {
    let server = MockServer::builder().start().await;
    Mock::given(path("/q"))
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "120"))
        .expect(1)
        .mount(&server)
        .await;
    let t = transport(&server).build().unwrap();
    let err = t.send(Request::get("/q")).await.unwrap_err();
    assert!(matches!(err, Error::RateLimited { .. }), "{err:?}");
    assert_eq!(err.retry_after(), Some(Duration::from_secs(120)));
    assert_eq!(err.status(), Some(429));
}

#[tokio::test]
async fn non_idempotent_call_is_not_retried_after_it_was_sent() {
    let server = MockServer::builder().start().await;
    Mock::given(path("/create"))
        .respond_with(ResponseTemplate::new(503))
        .expect(1)
        .mount(&server)
        .await;
    let t = transport(&server).build().unwrap();
    let err = t
        .send(
            Request::post("/create")
                .json(&json!({"name": "张三"}))
                .unwrap(),
        )
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(503));
    assert_eq!(t.stats().attempts, 1);
}

#[tokio::test]
async fn non_idempotent_call_is_retried_when_it_never_left() {
    // A port nobody listens on: every attempt fails to connect.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let t = Transport::builder("test", format!("http://{addr}"))
        .retry(fast_retry())
        .build()
        .unwrap();
    let err = t
        .send(Request::post("/create").json(&json!({})).unwrap())
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Transport {
                kind: TransportErrorKind::Connect,
                sent: false,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.is_unsent());
    assert_eq!(t.stats().attempts, 3);
}

#[tokio::test]
async fn attempt_timeout_is_retried_only_when_idempotent() {
    let server = MockServer::builder().start().await;
    Mock::given(path("/slow"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(2)))
        .mount(&server)
        .await;
    let t = transport(&server)
        .attempt_timeout(Duration::from_millis(150))
        .build()
        .unwrap();

    let err = t
        .send(Request::post("/slow").idempotent(true))
        .await
        .unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    assert_eq!(t.stats().attempts, 3);

    let err = t.send(Request::post("/slow")).await.unwrap_err();
    assert!(err.is_timeout());
    assert_eq!(
        t.stats().attempts,
        4,
        "the non-idempotent call made one attempt"
    );
}

#[tokio::test]
async fn overall_deadline_bounds_retries() {
    let server = MockServer::builder().start().await;
    Mock::given(path("/slow"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(5)))
        .mount(&server)
        .await;
    let t = transport(&server)
        .retry(fast_retry().max_attempts(10))
        .attempt_timeout(Duration::from_secs(2))
        .deadline(Duration::from_millis(300))
        .build()
        .unwrap();
    let err = t.send(Request::get("/slow")).await.unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    // The first attempt was cut to the 300 ms left of the deadline, after
    // which no retry fits: one attempt, not ten of two seconds each.
    assert_eq!(t.stats().attempts, 1);
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn rejected_token_is_refreshed_once_and_retried_once() {
    let server = MockServer::builder().start().await;
    Mock::given(path("/q"))
        .and(header("authorization", "Bearer t-1"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({"message": "un-authorized"})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(path("/q"))
        .and(header("authorization", "Bearer t-2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"code": "200"})))
        .expect(1)
        .mount(&server)
        .await;

    let (cache, fetches) = sequential_cache();
    let t = transport(&server)
        .token_cache(cache.clone())
        .build()
        .unwrap();
    let resp = t.send(Request::post("/q")).await.unwrap();
    assert_eq!(resp.json::<Value>().unwrap()["code"], "200");
    assert_eq!(fetches.load(Ordering::SeqCst), 2);
    assert_eq!(cache.invalidation_count(), 1);
    let stats = t.stats();
    assert_eq!(
        (stats.attempts, stats.auth_retries, stats.retries),
        (2, 1, 0)
    );
}

#[tokio::test]
async fn second_rejection_is_an_auth_error_not_a_loop() {
    let server = MockServer::builder().start().await;
    // ISDP's XML form of an expired token.
    Mock::given(path("/q"))
        .respond_with(ResponseTemplate::new(401).set_body_raw(
            "<InvalidTokenException><error>invalid_token</error><error_description>check_token error</error_description></InvalidTokenException>",
            "application/xml",
        ))
        // The first try and one after each of the two refreshes.
        .expect(3)
        .mount(&server)
        .await;

    let (cache, fetches) = sequential_cache();
    let t = transport(&server)
        .token_cache(cache)
        .auth_scheme("bearer")
        .vendor_errors(|resp| {
            let text = resp.text();
            let tag = |name: &str| {
                let open = format!("<{name}>");
                let start = text.find(&open)? + open.len();
                let end = text[start..].find('<')? + start;
                Some(text[start..end].to_owned())
            };
            Some(VendorError::new(tag("error")?, tag("error_description")?))
        })
        .build()
        .unwrap();
    let err = t
        .send(Request::post("/q").idempotent(true))
        .await
        .unwrap_err();
    assert!(err.is_auth());
    assert!(matches!(
        err,
        Error::Auth {
            kind: AuthErrorKind::TokenRejected,
            ..
        }
    ));
    assert_eq!(err.status(), Some(401));
    assert_eq!(err.vendor_code(), Some("invalid_token"));
    assert!(err.to_string().contains("check_token error"), "{err}");
    // Bounded: the first token and two fresh ones, each refused.
    assert_eq!(fetches.load(Ordering::SeqCst), 3);
    // Lower-case scheme, as ISDP documents it.
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests[1].headers["authorization"], "bearer t-2");
    assert_eq!(requests[2].headers["authorization"], "bearer t-3");
}

#[tokio::test]
async fn vendor_token_error_inside_http_200_triggers_refresh() {
    let server = MockServer::builder().start().await;
    Mock::given(path("/q"))
        .and(header("authorization", "Bearer t-1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"code": "99991663"})))
        .mount(&server)
        .await;
    Mock::given(path("/q"))
        .and(header("authorization", "Bearer t-2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"code": "0"})))
        .mount(&server)
        .await;
    let (cache, fetches) = sequential_cache();
    let t = transport(&server)
        .token_cache(cache)
        .auth_rejected_when(|r| r.status() == 401 || r.text().contains("99991663"))
        .build()
        .unwrap();
    let resp = t.send(Request::post("/q")).await.unwrap();
    assert_eq!(resp.json::<Value>().unwrap()["code"], "0");
    assert_eq!(fetches.load(Ordering::SeqCst), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hundred_concurrent_calls_with_expired_token_fetch_once() {
    let server = MockServer::builder().start().await;
    Mock::given(path("/token"))
        .respond_with(
            ResponseTemplate::new(200)
                // Expired on arrival, so the test need not wait for expiry
                // (the sockets rule out Tokio's paused clock here).
                .set_body_json(json!({"access_token": "old", "expires_in": 0})),
        )
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(path("/token"))
        // A slow token endpoint widens the window in which callers pile up.
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"access_token": "new", "expires_in": 7200}))
                .set_delay(Duration::from_millis(200)),
        )
        .mount(&server)
        .await;
    Mock::given(path("/q"))
        .and(header("authorization", "Bearer new"))
        .respond_with(ResponseTemplate::new(200))
        .expect(100)
        .mount(&server)
        .await;

    let token_transport = transport(&server).build().unwrap();
    let cache = TokenCache::with_config(
        HttpTokens {
            transport: token_transport,
        },
        TokenCacheConfig::default(),
    );
    let first = cache.token().await.unwrap();
    assert!(first.is_expired());

    let t = transport(&server)
        .token_cache(cache.clone())
        .build()
        .unwrap();
    let calls = (0..100).map(|_| {
        let t = t.clone();
        tokio::spawn(async move { t.send(Request::get("/q")).await })
    });
    for result in futures::future::join_all(calls).await {
        assert_eq!(result.unwrap().unwrap().status(), 200);
    }
    let token_requests = server
        .received_requests()
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.url.path() == "/token")
        .count();
    assert_eq!(
        token_requests, 2,
        "one initial fetch and exactly one refresh"
    );
    assert_eq!(cache.fetch_count(), 2);
}

#[tokio::test]
async fn rate_limiter_is_asked_once_per_attempt_with_the_group() {
    struct Recording(std::sync::Mutex<Vec<String>>);
    #[async_trait]
    impl RateLimiter for Recording {
        async fn acquire(&self, group: &str) -> hr_common::Result<()> {
            self.0.lock().unwrap().push(group.to_owned());
            Ok(())
        }
    }
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
    let limiter = Arc::new(Recording(Default::default()));
    let t = transport(&server)
        .rate_limiter(limiter.clone())
        .build()
        .unwrap();
    t.send(Request::get("/q").group("employee")).await.unwrap();
    assert_eq!(*limiter.0.lock().unwrap(), ["employee", "employee"]);
}

#[tokio::test]
async fn limiter_refusal_stops_the_call_before_sending() {
    struct Closed;
    #[async_trait]
    impl RateLimiter for Closed {
        async fn acquire(&self, group: &str) -> hr_common::Result<()> {
            Err(Error::rate_limited(Some(Duration::from_secs(60))))
                .inspect_err(|_| assert_eq!(group, "default"))
        }
    }
    let server = MockServer::builder().start().await;
    Mock::given(path("/q"))
        .respond_with(ResponseTemplate::new(200))
        .expect(0)
        .mount(&server)
        .await;
    let t = transport(&server)
        .rate_limiter(Arc::new(Closed))
        .build()
        .unwrap();
    let err = t.send(Request::get("/q")).await.unwrap_err();
    assert_eq!(err.retry_after(), Some(Duration::from_secs(60)));
}

#[tokio::test]
async fn window_limiter_spaces_real_requests() {
    let server = MockServer::builder().start().await;
    Mock::given(path("/q"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    let t = transport(&server)
        .rate_limiter(Arc::new(
            WindowLimiter::new(Limits::unlimited()).with_group("tight", Limits::new(Some(4), None)),
        ))
        .build()
        .unwrap();
    let started = std::time::Instant::now();
    for _ in 0..9 {
        t.send(Request::get("/q").group("tight")).await.unwrap();
    }
    // 9 requests at 4/s: the 5th waits for second 1, the 9th for second 2.
    assert!(started.elapsed() >= Duration::from_secs(2));
}

#[tokio::test]
async fn vendor_error_body_becomes_api_error() {
    let server = MockServer::builder().start().await;
    Mock::given(path("/q"))
        .respond_with(
            ResponseTemplate::new(400)
                .insert_header("x-request-id", "req-42")
                .set_body_json(json!({"code": 417, "message": "capacity too large"})),
        )
        .mount(&server)
        .await;
    let t = transport(&server)
        .vendor_errors(json_errors)
        .build()
        .unwrap();
    let err = t.send(Request::post("/q")).await.unwrap_err();
    assert_eq!(err.vendor_code(), Some("417"));
    assert_eq!(err.vendor_message(), Some("capacity too large"));
    assert_eq!(err.request_id(), Some("req-42"));
    assert_eq!(
        err.to_string(),
        "test: API error 417 (HTTP 400): capacity too large [request id req-42]"
    );
}

#[tokio::test]
async fn forbidden_explains_itself() {
    let server = MockServer::builder().start().await;
    Mock::given(path("/q"))
        .respond_with(ResponseTemplate::new(403).set_body_string("IP not allowed"))
        .mount(&server)
        .await;
    let t = transport(&server)
        .forbidden_hint("add this server's public IP to the trusted IP list")
        .build()
        .unwrap();
    let err = t.send(Request::post("/q")).await.unwrap_err();
    assert!(matches!(
        err,
        Error::Auth {
            kind: AuthErrorKind::Forbidden,
            ..
        }
    ));
    assert!(err.to_string().contains("trusted IP list"), "{err}");
    assert!(err.to_string().contains("IP not allowed"), "{err}");
}

#[tokio::test]
async fn decode_errors_carry_the_json_path() {
    let server = MockServer::builder().start().await;
    Mock::given(path("/q"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"data": [{"userID": 1}, {"userID": "x"}]})),
        )
        .mount(&server)
        .await;
    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Row {
        #[serde(rename = "userID")]
        user_id: i64,
    }
    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Page {
        data: Vec<Row>,
    }
    let t = transport(&server).build().unwrap();
    let err = t
        .send(Request::post("/q"))
        .await
        .unwrap()
        .json::<Page>()
        .unwrap_err();
    assert_eq!(err.decode_path(), Some("data[1].userID"));
    assert!(
        err.to_string()
            .starts_with("test: could not decode response at `data[1].userID`")
    );
}

#[tokio::test]
async fn redirect_to_another_host_drops_authorization() {
    let other = MockServer::builder().start().await;
    Mock::given(path("/landing"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&other)
        .await;
    let server = MockServer::builder().start().await;
    Mock::given(path("/away"))
        .respond_with(
            ResponseTemplate::new(302)
                .insert_header("Location", format!("{}/landing", other.uri())),
        )
        .mount(&server)
        .await;
    Mock::given(path("/here"))
        .respond_with(ResponseTemplate::new(302).insert_header("Location", "/landing"))
        .mount(&server)
        .await;
    Mock::given(path("/landing"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;

    let (cache, _) = sequential_cache();
    // Cross-origin redirects are refused by default (see hostile_transport.rs).
    let t = transport(&server)
        .token_cache(cache)
        .allow_cross_origin_redirects(true)
        .build()
        .unwrap();
    t.send(Request::get("/away")).await.unwrap();
    t.send(Request::get("/here")).await.unwrap();

    let foreign = other.received_requests().await.unwrap();
    assert_eq!(foreign.len(), 1);
    assert!(!foreign[0].headers.contains_key("authorization"));
    let own: Vec<WireRequest> = server.received_requests().await.unwrap();
    let landing = own.iter().find(|r| r.url.path() == "/landing").unwrap();
    assert_eq!(
        landing.headers["authorization"], "Bearer t-1",
        "same host keeps the token"
    );
}

#[tokio::test]
async fn plain_http_is_refused_except_to_loopback() {
    let err = Transport::builder("test", "http://api.example.com")
        .build()
        .unwrap_err();
    assert!(matches!(err, Error::InvalidRequest { .. }));
    assert!(err.to_string().contains("refusing plain http://"), "{err}");
    assert!(
        Transport::builder("test", "http://localhost:1")
            .build()
            .is_ok()
    );
    assert!(
        Transport::builder("test", "http://10.1.2.3")
            .danger_allow_http(true)
            .build()
            .is_ok()
    );

    let server = MockServer::builder().start().await;
    Mock::given(path("/away"))
        .respond_with(
            ResponseTemplate::new(302).insert_header("Location", "http://api.example.com/x"),
        )
        .mount(&server)
        .await;
    let t = transport(&server).build().unwrap();
    let err = t
        .send(Request::get("http://api.example.com/x"))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("refusing plain http://"), "{err}");
    let err = t.send(Request::get("/away")).await.unwrap_err();
    assert!(err.to_string().contains("refusing plain http://"), "{err}");
}

#[tokio::test]
async fn streaming_download_yields_the_bytes() {
    use futures::TryStreamExt;
    let server = MockServer::builder().start().await;
    let payload: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
    Mock::given(path("/file"))
        .respond_with(ResponseTemplate::new(200).set_body_bytes(payload.clone()))
        .mount(&server)
        .await;
    let t = transport(&server).build().unwrap();
    let resp = t.send_streaming(Request::post("/file")).await.unwrap();
    assert_eq!(resp.status(), 200);
    let chunks: Vec<bytes::Bytes> = resp.into_stream().try_collect().await.unwrap();
    assert_eq!(chunks.concat(), payload);
}

#[tokio::test]
async fn form_and_query_are_sent_as_given() {
    let server = MockServer::builder().start().await;
    Mock::given(method("POST"))
        .and(path("/OAuth/Token"))
        .and(header("content-type", "application/x-www-form-urlencoded"))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    let t = transport(&server).build().unwrap();
    t.send(
        Request::post("/OAuth/Token")
            .form(&[("grant_type", "client_credentials"), ("tenant_id", "100 1")])
            .query("v", "5")
            .without_auth(),
    )
    .await
    .unwrap();
    let req = &server.received_requests().await.unwrap()[0];
    assert_eq!(
        std::str::from_utf8(&req.body).unwrap(),
        "grant_type=client_credentials&tenant_id=100+1"
    );
    assert_eq!(req.url.query(), Some("v=5"));
}

#[tokio::test]
async fn throttled_write_is_retried_because_it_was_not_processed() {
    let server = MockServer::builder().start().await;
    Mock::given(path("/create"))
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "0"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(path("/create"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    let t = transport(&server).build().unwrap();
    let resp = t
        .send(Request::post("/create").json(&json!({})).unwrap())
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(t.stats().attempts, 2);

    // A policy can refuse that, too.
    let server = MockServer::builder().start().await;
    Mock::given(path("/create"))
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "0"))
        .expect(1)
        .mount(&server)
        .await;
    let t = transport(&server)
        .retry(fast_retry().retry_throttled_writes(false))
        .build()
        .unwrap();
    let err = t.send(Request::post("/create")).await.unwrap_err();
    assert!(matches!(err, Error::RateLimited { .. }));
}

#[tokio::test]
async fn retry_after_beyond_the_deadline_returns_at_once() {
    let server = MockServer::builder().start().await;
    Mock::given(path("/q"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("Retry-After", "30")
                .set_body_json(json!({"code": "429", "message": "今日调用次数已用完"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let t = transport(&server)
        .deadline(Duration::from_secs(5))
        .vendor_errors(json_errors)
        .build()
        .unwrap();
    // `expect(1)` above: no second attempt after a 30 s wait.
    let err = t.send(Request::get("/q")).await.unwrap_err();
    assert_eq!(t.stats().attempts, 1);
    assert_eq!(err.retry_after(), Some(Duration::from_secs(30)));
    assert_eq!(err.vendor_code(), Some("429"));
    assert_eq!(err.vendor_message(), Some("今日调用次数已用完"));
}

#[tokio::test]
async fn a_caller_giving_up_does_not_cancel_the_shared_token_fetch() {
    let server = MockServer::builder().start().await;
    Mock::given(path("/token"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"access_token": "slow", "expires_in": 7200}))
                // Far longer than the three callers below take, even on a
                // loaded machine: none of them can see the token arrive.
                .set_delay(Duration::from_secs(3)),
        )
        .mount(&server)
        .await;
    Mock::given(path("/q"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    let cache = TokenCache::new(HttpTokens {
        transport: transport(&server).build().unwrap(),
    });
    let t = transport(&server)
        .token_cache(cache.clone())
        .deadline(Duration::from_millis(100))
        .build()
        .unwrap();
    // Three impatient callers within the 3 s the token endpoint takes.
    for _ in 0..3 {
        let err = t.send(Request::get("/q")).await.unwrap_err();
        assert!(err.is_timeout(), "{err:?}");
        assert!(
            err.is_unsent(),
            "the deadline passed before sending: {err:?}"
        );
    }
    // Joining the fetch in flight: had a caller's give-up cancelled it,
    // this would start a second one.
    assert_eq!(cache.token().await.unwrap().secret.expose_secret(), "slow");
    assert_eq!(
        cache.fetch_count(),
        1,
        "one fetch, not one per impatient caller"
    );
    t.send(Request::get("/q")).await.unwrap();
    assert_eq!(cache.fetch_count(), 1);
}

#[tokio::test]
async fn token_never_goes_to_another_origin() {
    let other = MockServer::builder().start().await;
    Mock::given(path("/file"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&other)
        .await;
    let server = MockServer::builder().start().await;
    let (cache, _) = sequential_cache();
    let t = transport(&server).token_cache(cache).build().unwrap();
    t.send(Request::get(format!("{}/file", other.uri())))
        .await
        .unwrap();
    let received = other.received_requests().await.unwrap();
    assert!(!received[0].headers.contains_key("authorization"));
}

#[tokio::test]
async fn request_ids_reach_status_and_auth_errors() {
    let server = MockServer::builder().start().await;
    Mock::given(path("/gone"))
        .respond_with(ResponseTemplate::new(404).insert_header("x-request-id", "r-404"))
        .mount(&server)
        .await;
    Mock::given(path("/denied"))
        .respond_with(ResponseTemplate::new(401).insert_header("x-ca-request-id", "r-401"))
        .mount(&server)
        .await;
    Mock::given(path("/ok"))
        .respond_with(ResponseTemplate::new(200).insert_header("request-id", "r-200"))
        .mount(&server)
        .await;
    let (cache, _) = sequential_cache();
    let t = transport(&server).token_cache(cache).build().unwrap();
    let err = t.send(Request::get("/gone")).await.unwrap_err();
    assert_eq!(err.request_id(), Some("r-404"));
    let err = t.send(Request::get("/denied")).await.unwrap_err();
    assert!(err.is_auth());
    assert_eq!(err.request_id(), Some("r-401"));
    assert!(err.to_string().contains("r-401"), "{err}");
    let resp = t.send(Request::get("/ok")).await.unwrap();
    assert_eq!(resp.request_id(), Some("r-200"));
}

#[tokio::test]
async fn secrets_stay_out_of_debug_and_display() {
    let server = MockServer::builder().start().await;
    Mock::given(path("/token"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(
                json!({"access_token": "TOKEN-SECRET-1", "expires_in": "not-a-number"}),
            ),
        )
        .mount(&server)
        .await;
    Mock::given(path("/person"))
        .respond_with(ResponseTemplate::new(400).set_body_json(
            json!({"message": "bad", "mobile": "13512345678", "iDNumber": "11010519491231002X"}),
        ))
        .mount(&server)
        .await;
    let t = transport(&server).build().unwrap();
    let req = Request::post("/token").form(&[("password", "P@ssw0rd-SECRET")]);
    assert!(!format!("{req:?}").contains("SECRET"), "{req:?}");

    let resp = t.send(req).await.unwrap();
    assert!(!format!("{resp:?}").contains("TOKEN-SECRET"), "{resp:?}");
    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct TokenBody {
        access_token: String,
        expires_in: u64,
    }
    let err = resp.json::<TokenBody>().unwrap_err();
    assert_eq!(err.decode_path(), Some("expires_in"));
    for shown in [err.to_string(), format!("{err:?}")] {
        assert!(!shown.contains("TOKEN-SECRET"), "{shown}");
    }

    let err = t.send(Request::post("/person")).await.unwrap_err();
    for shown in [err.to_string(), format!("{err:?}")] {
        assert!(
            !shown.contains("13512345678") && !shown.contains("11010519491231002X"),
            "{shown}"
        );
        assert!(shown.contains("bad"), "{shown}");
    }
}

#[tokio::test]
async fn transient_vendor_code_in_2xx_is_retried() {
    let server = MockServer::builder().start().await;
    Mock::given(path("/q"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"code": "500", "message": "系统繁忙"})),
        )
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(path("/q"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"code": "200"})))
        .mount(&server)
        .await;
    let t = transport(&server)
        .vendor_errors(json_errors)
        .transient_when(|r| r.text().contains(r#""code":"500""#))
        .build()
        .unwrap();
    let resp = t.send(Request::post("/q").idempotent(true)).await.unwrap();
    assert_eq!(resp.json::<Value>().unwrap()["code"], "200");
    assert_eq!(t.stats().retries, 1);

    // Not idempotent: the same in-band 500 surfaces as the vendor's error
    // after exactly one attempt; a write is never repeated on it.
    Mock::given(path("/q-write"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"code": "500", "message": "系统繁忙"})),
        )
        .mount(&server)
        .await;
    let err = t.send(Request::post("/q-write")).await.unwrap_err();
    assert!(matches!(err, Error::Api { .. }), "{err:?}");
    assert_eq!(err.vendor_code(), Some("500"), "{err:?}");
    assert_eq!(err.vendor_message(), Some("系统繁忙"), "{err:?}");
    let writes = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|r| r.url.path() == "/q-write")
        .count();
    assert_eq!(writes, 1);
    assert_eq!(t.stats().retries, 1, "only the read was retried");
}

#[tokio::test]
async fn deadline_spent_waiting_for_the_limiter_leaves_the_call_unsent() {
    let server = MockServer::builder().start().await;
    Mock::given(path("/q"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    let t = transport(&server)
        .rate_limiter(Arc::new(WindowLimiter::new(Limits::new(Some(1), None))))
        // Room for the first call on a busy machine; the second one's
        // permit is over a second away.
        .deadline(Duration::from_millis(600))
        .build()
        .unwrap();
    t.send(Request::post("/q")).await.unwrap();
    let err = t.send(Request::post("/q")).await.unwrap_err();
    assert!(err.is_timeout() && err.is_unsent(), "{err:?}");
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn decode_errors_do_not_quote_the_value_that_failed() {
    let server = MockServer::builder().start().await;
    Mock::given(path("/q"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"mobilePhone": 13512345678u64})),
        )
        .mount(&server)
        .await;
    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Person {
        #[serde(rename = "mobilePhone")]
        mobile_phone: String,
    }
    let t = transport(&server).build().unwrap();
    let err = t
        .send(Request::get("/q"))
        .await
        .unwrap()
        .json::<Person>()
        .unwrap_err();
    assert_eq!(err.decode_path(), Some("mobilePhone"));
    for shown in [err.to_string(), format!("{err:?}")] {
        assert!(!shown.contains("13512345678"), "{shown}");
        assert!(shown.contains("expected a string"), "{shown}");
    }
}

/// Same-origin redirects are followed up to five times; the sixth is
/// refused, not followed, and the call is not retried.
#[tokio::test]
async fn a_redirect_chain_stops_after_five_hops() {
    let server = MockServer::builder().start().await;
    for hop in 0..10 {
        Mock::given(path(format!("/r{hop}")))
            .respond_with(
                ResponseTemplate::new(302).insert_header("Location", format!("/r{}", hop + 1)),
            )
            .mount(&server)
            .await;
    }
    let t = transport(&server).build().unwrap();
    let err = t
        .send(Request::get("/r0").idempotent(true))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("redirect"), "{err}");
    assert!(!err.is_retryable(), "{err:?}");
    let hops: Vec<String> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| r.url.path().to_owned())
        .collect();
    assert_eq!(hops, ["/r0", "/r1", "/r2", "/r3", "/r4", "/r5"]);
    assert_eq!(t.stats().attempts, 1);
}

/// A query string can carry tickets or personal data: no error text or
/// `Debug` output shows it, whatever went wrong.
#[tokio::test]
async fn errors_never_show_the_query_string() {
    let server = MockServer::builder().start().await;
    Mock::given(path("/q"))
        .respond_with(ResponseTemplate::new(500).set_body_string("oops"))
        .mount(&server)
        .await;
    Mock::given(path("/slow"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(30)))
        .mount(&server)
        .await;
    let t = transport(&server).build().unwrap();
    let secret = |r: Request| {
        r.query("ticket", "TICKET-SECRET")
            .query("mobile", "13812345678")
    };
    let status = t.send(secret(Request::get("/q"))).await.unwrap_err();
    assert_eq!(status.status(), Some(500));
    let timeout = t
        .send(secret(Request::get("/slow")).timeout(Duration::from_millis(50)))
        .await
        .unwrap_err();
    assert!(timeout.is_timeout(), "{timeout:?}");
    // Nothing listens on port 9 of loopback: a connect error.
    let refused = Transport::builder("test", "http://127.0.0.1:9")
        .retry(RetryPolicy::none())
        .build()
        .unwrap()
        .send(secret(Request::get("/q")))
        .await
        .unwrap_err();
    for err in [status, timeout, refused] {
        for shown in [err.to_string(), format!("{err:?}")] {
            assert!(
                !shown.contains("TICKET-SECRET") && !shown.contains("13812345678"),
                "{shown}"
            );
            assert!(!shown.contains("ticket="), "{shown}");
        }
    }
}
