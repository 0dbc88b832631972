//! The API every hr-sdk client shares: the builder's shared setters,
//! `from_env`, `send`/`send_with` with per-call options, `stats()`, and
//! `concurrency()` as the window streams' default parallelism. Only
//! `beisen_client` paths are used, so the re-exports are tested too.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use beisen_client::chrono::{FixedOffset, NaiveDate};
use beisen_client::employee::{GetJuniorById, paths};
use beisen_client::{
    BeisenClient, CallOptions, Credentials, ENV_APP_KEY, ENV_APP_SECRET, ENV_BASE_URL, Error,
    Limits, RetryBudget, RetryPolicy, WindowLimiter,
};
use serde_json::json;
use wiremock::matchers::{body_json, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// Serialises the tests that touch the process environment: tests of one
/// binary run on threads of one process.
static ENV: Mutex<()> = Mutex::new(());

/// Runs `f` with the Beisen variables set as given (`None`: removed), and
/// puts them back afterwards, panic or not.
fn with_env<T>(vars: [(&str, Option<&str>); 3], f: impl FnOnce() -> T) -> T {
    struct Restore(Vec<(String, Option<std::ffi::OsString>)>);
    impl Drop for Restore {
        fn drop(&mut self) {
            for (k, v) in &self.0 {
                // SAFETY: every test of this binary that reads or writes
                // the environment holds `ENV`.
                unsafe {
                    match v {
                        Some(v) => std::env::set_var(k, v),
                        None => std::env::remove_var(k),
                    }
                }
            }
        }
    }
    let _guard = ENV.lock().unwrap_or_else(|e| e.into_inner());
    let _restore = Restore(
        vars.iter()
            .map(|(k, _)| ((*k).to_owned(), std::env::var_os(k)))
            .collect(),
    );
    for (k, v) in vars {
        // SAFETY: as above.
        unsafe {
            match v {
                Some(v) => std::env::set_var(k, v),
                None => std::env::remove_var(k),
            }
        }
    }
    f()
}

/// A mock whose token endpoint accepts `app_key`/`app_secret`.
async fn server(app_key: &str, app_secret: &str) -> MockServer {
    let server = MockServer::builder().start().await;
    Mock::given(method("POST"))
        .and(path("/token"))
        .and(body_json(json!({
            "grant_type": "client_credentials",
            "app_key": app_key,
            "app_secret": app_secret,
        })))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(
                json!({"access_token":"T1","token_type":"bearer","expires_in":7200}),
            ),
        )
        .mount(&server)
        .await;
    server
}

fn juniors(body: serde_json::Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(body)
}

/// Calls of `route` the server received.
async fn calls(server: &MockServer, route: &str) -> usize {
    server
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .filter(|r| r.url.path() == route)
        .count()
}

/// Fast retries, so that five attempts take milliseconds.
fn quick_retries() -> RetryPolicy {
    RetryPolicy::default()
        .initial_backoff(Duration::from_millis(1))
        .max_backoff(Duration::from_millis(5))
}

#[test]
fn every_shared_setter_builds() {
    let client = BeisenClient::builder()
        .base_url("https://openapi.example.com")
        .credentials(Credentials::oauth("100001", "app", "secret"))
        .timeout(Duration::from_secs(20))
        .connect_timeout(Duration::from_secs(5))
        .deadline(Duration::from_secs(60))
        .without_deadline()
        .retry(RetryPolicy::default().max_attempts(3))
        .retry_budget(RetryBudget::new(50))
        .rate_limits(Limits::new(Some(10), Some(600)))
        .group_limits("recruiting", Limits::new(Some(2), None))
        .rate_limiter(Arc::new(WindowLimiter::new(Limits::new(Some(5), None))))
        .concurrency(3)
        .time_zone(FixedOffset::east_opt(9 * 3600).unwrap())
        .user_agent("vocabulary-test/1")
        .http_client(reqwest::Client::new())
        .danger_allow_http(false)
        .scroll_idle(Duration::from_secs(5))
        .build()
        .unwrap();
    assert_eq!(client.concurrency(), 3);
    assert_eq!(client.time_zone(), FixedOffset::east_opt(9 * 3600).unwrap());
    assert_eq!(client.stats().calls, 0, "building sends nothing");
}

#[test]
fn a_client_needs_credentials_and_says_how_to_give_them() {
    let err = BeisenClient::builder().build().unwrap_err();
    let shown = err.to_string();
    assert!(shown.contains(ENV_APP_KEY), "{shown}");
    assert!(shown.contains("credentials"), "{shown}");
}

#[test]
fn concurrency_defaults_to_eight_and_is_the_streams_default_parallelism() {
    let build = |n: Option<usize>| {
        let b = BeisenClient::builder().credentials(Credentials::app_key("k", "s"));
        match n {
            Some(n) => b.concurrency(n),
            None => b,
        }
        .build()
        .unwrap()
    };
    let (start, stop) = (
        NaiveDate::from_ymd_opt(2024, 1, 1).unwrap(),
        NaiveDate::from_ymd_opt(2024, 1, 31).unwrap(),
    );
    // A 30-day window is cut into as many pieces as sub-windows run at
    // once; one at a time, it is one piece.
    let pieces = |client: &BeisenClient, parallel: Option<usize>| {
        let mut stream = client.employees().changed_between(start, stop);
        if let Some(n) = parallel {
            stream = stream.parallel(n);
        }
        stream.progress().windows_total()
    };
    let default = build(None);
    assert_eq!(default.concurrency(), beisen_client::DEFAULT_CONCURRENCY);
    assert_eq!(default.concurrency(), 8);
    assert_eq!(pieces(&default, None), 8);
    assert_eq!(pieces(&build(Some(1)), None), 1);
    let four = build(Some(4));
    assert_eq!(pieces(&four, None), 4);
    assert_eq!(
        four.organizations()
            .changed_between(start, stop)
            .progress()
            .windows_total(),
        4
    );
    assert_eq!(pieces(&four, Some(2)), 2, "`.parallel(n)` overrides");
}

#[tokio::test]
async fn from_env_builds_a_client_that_works() {
    let server = server("env-key", "env-secret").await;
    Mock::given(method("POST"))
        .and(path(paths::GET_JUNIOR_BY_ID))
        .respond_with(juniors(json!({
            "code": "200", "message": "",
            "data": [{"employeeInfo": {"userID": 100000008, "name": "B"}}]
        })))
        .mount(&server)
        .await;
    let uri = server.uri();
    let client = with_env(
        [
            (ENV_BASE_URL, Some(uri.as_str())),
            (ENV_APP_KEY, Some("env-key")),
            (ENV_APP_SECRET, Some("env-secret")),
        ],
        BeisenClient::from_env,
    )
    .unwrap();
    let reply = GetJuniorById::new(100000007).send(&client).await.unwrap();
    assert_eq!(reply.data.len(), 1);
    assert_eq!(reply.data[0].employee_info.user_id.get(), 100000008);
    assert_eq!(
        calls(&server, "/token").await,
        1,
        "the env credentials were used"
    );
}

#[test]
fn from_env_keeps_credentials_given_when_no_variable_is_set() {
    let client = with_env(
        [
            (ENV_BASE_URL, Some("https://openapi.example.com")),
            (ENV_APP_KEY, None),
            (ENV_APP_SECRET, None),
        ],
        || {
            BeisenClient::builder()
                .credentials(Credentials::app_key("k", "s"))
                .from_env()
        },
    );
    assert!(client.unwrap().build().is_ok());
}

#[test]
fn a_partial_environment_is_an_error_naming_the_missing_variable() {
    let cases = [
        ([Some("k"), None], ENV_APP_SECRET),
        ([None, Some("s")], ENV_APP_KEY),
        ([None, None], ENV_APP_KEY),
        // Empty counts as unset.
        ([Some("k"), Some("  ")], ENV_APP_SECRET),
    ];
    for ([key, secret], missing) in cases {
        let err: Error = with_env(
            [
                (ENV_BASE_URL, Some("https://openapi.example.com")),
                (ENV_APP_KEY, key),
                (ENV_APP_SECRET, secret),
            ],
            BeisenClient::from_env,
        )
        .unwrap_err();
        let shown = err.to_string();
        assert!(shown.contains(missing), "{key:?} {secret:?}: {shown}");
        let other = if missing == ENV_APP_KEY {
            ENV_APP_SECRET
        } else {
            ENV_APP_KEY
        };
        assert!(!shown.contains(other), "{key:?} {secret:?}: {shown}");
    }
    // A key alone is partial even when credentials were given in code.
    let err = with_env(
        [
            (ENV_BASE_URL, None),
            (ENV_APP_KEY, Some("k")),
            (ENV_APP_SECRET, None),
        ],
        || {
            BeisenClient::builder()
                .credentials(Credentials::app_key("k", "s"))
                .from_env()
        },
    )
    .unwrap_err();
    assert!(err.to_string().contains(ENV_APP_SECRET), "{err}");
}

#[tokio::test]
async fn send_with_overrides_the_retry_policy_for_one_call() {
    let server = server("k", "s").await;
    Mock::given(method("POST"))
        .and(path(paths::GET_JUNIOR_BY_ID))
        .respond_with(
            ResponseTemplate::new(500).set_body_json(json!({"code":"500","message":"down"})),
        )
        .mount(&server)
        .await;
    let client = BeisenClient::builder()
        .base_url(server.uri())
        .credentials(Credentials::app_key("k", "s"))
        .retry(quick_retries())
        .build()
        .unwrap();
    let request = GetJuniorById::new(100000007);

    let once = CallOptions::new().retry(RetryPolicy::default().max_attempts(1));
    let err = request.send_with(&client, &once).await.unwrap_err();
    assert_eq!(err.status(), Some(500), "{err:?}");
    assert_eq!(calls(&server, paths::GET_JUNIOR_BY_ID).await, 1);

    let err = request.send(&client).await.unwrap_err();
    assert_eq!(err.status(), Some(500), "{err:?}");
    assert_eq!(
        calls(&server, paths::GET_JUNIOR_BY_ID).await,
        1 + 5,
        "`send` keeps the client's five attempts"
    );
}

#[tokio::test]
async fn a_per_call_deadline_ends_a_call_to_a_slow_server() {
    let server = server("k", "s").await;
    Mock::given(method("POST"))
        .and(path(paths::GET_JUNIOR_BY_ID))
        .respond_with(juniors(json!({"code":"200","data":[]})).set_delay(Duration::from_secs(30)))
        .mount(&server)
        .await;
    let client = BeisenClient::builder()
        .base_url(server.uri())
        .credentials(Credentials::app_key("k", "s"))
        .retry(quick_retries())
        .build()
        .unwrap();
    let started = Instant::now();
    let err = GetJuniorById::new(100000007)
        .send_with(
            &client,
            &CallOptions::new().deadline(Duration::from_millis(300)),
        )
        .await
        .unwrap_err();
    let took = started.elapsed();
    assert!(err.is_timeout() || err.is_deadline(), "{err:?}");
    assert!(took < Duration::from_secs(5), "took {took:?}");
}

#[tokio::test]
async fn stats_count_calls_and_attempts() {
    let server = server("k", "s").await;
    Mock::given(method("POST"))
        .and(path(paths::GET_JUNIOR_BY_ID))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(2)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(paths::GET_JUNIOR_BY_ID))
        .respond_with(juniors(json!({"code":"200","data":[]})))
        .mount(&server)
        .await;
    let client = BeisenClient::builder()
        .base_url(server.uri())
        .credentials(Credentials::app_key("k", "s"))
        .retry(quick_retries())
        .build()
        .unwrap();
    assert_eq!(client.stats().calls, 0);
    GetJuniorById::new(100000007).send(&client).await.unwrap();
    GetJuniorById::new(100000007).send(&client).await.unwrap();
    let stats = client.stats();
    // Two API calls (the token call goes through the token transport):
    // three attempts for the first, one for the second.
    assert_eq!(stats.calls, 2, "{stats:?}");
    assert_eq!(stats.attempts, 4, "{stats:?}");
    assert_eq!(stats.retries, 2, "{stats:?}");
    assert_eq!(calls(&server, paths::GET_JUNIOR_BY_ID).await, 4);
}

#[tokio::test]
async fn a_window_stream_sends_its_pages_with_its_call_options() {
    let server = server("k", "s").await;
    let route = paths::GET_BY_TIME_WINDOW;
    Mock::given(method("POST"))
        .and(path(route))
        .respond_with(
            ResponseTemplate::new(500).set_body_json(json!({"code":"500","message":"down"})),
        )
        .mount(&server)
        .await;
    let client = BeisenClient::builder()
        .base_url(server.uri())
        .credentials(Credentials::app_key("k", "s"))
        .retry(quick_retries())
        .build()
        .unwrap();
    let (start, stop) = (
        NaiveDate::from_ymd_opt(2024, 1, 1).unwrap(),
        NaiveDate::from_ymd_opt(2024, 1, 31).unwrap(),
    );
    let run = |options: Option<CallOptions>| {
        let mut stream = client
            .employees()
            .changed_between(start, stop)
            .parallel(1)
            .max_restarts(0);
        if let Some(options) = options {
            stream = stream.call_options(options);
        }
        async move {
            use futures::TryStreamExt;
            stream.items().try_collect::<Vec<_>>().await
        }
    };
    let once = CallOptions::new().retry(RetryPolicy::default().max_attempts(1));
    let err = run(Some(once)).await.unwrap_err();
    assert_eq!(err.status(), Some(500), "{err:?}");
    assert_eq!(calls(&server, route).await, 1);
    run(None).await.unwrap_err();
    assert_eq!(calls(&server, route).await, 1 + 5, "the client's policy");
}

#[test]
fn each_endpoint_declares_its_idempotency_and_group() {
    use beisen_client::attendance::GetVacationsByApprovalTime;
    use beisen_client::employee::{CreateEmployee, DimissionEmployee, TransferEmployee};
    use beisen_client::recruiting::GetApplyListByModifiedTime;
    use hr_common::endpoint::Endpoint;

    let day = NaiveDate::from_ymd_opt(2024, 3, 1).unwrap();
    let idempotent = [
        CreateEmployee::IDEMPOTENT,
        TransferEmployee::IDEMPOTENT,
        DimissionEmployee::IDEMPOTENT,
        GetJuniorById::IDEMPOTENT,
    ];
    assert_eq!(idempotent, [false, false, false, true], "writes are not");
    assert_eq!(GetJuniorById::new(1).group(), paths::GET_JUNIOR_BY_ID);
    assert_eq!(GetVacationsByApprovalTime::new(day).group(), "attendance");
    let next = day.succ_opt().unwrap();
    assert_eq!(
        GetApplyListByModifiedTime::new(day, next).group(),
        "recruiting"
    );
    // Pre-send checks live in `validate`: nothing is sent when they fail.
    assert!(
        GetVacationsByApprovalTime::new(day)
            .page_size(101)
            .validate()
            .is_err()
    );
    assert!(
        GetApplyListByModifiedTime::new(next, day)
            .validate()
            .is_err()
    );
    let ids = beisen_client::employee::GetBasicInfoByIds::new(1..=301);
    assert!(ids.validate().is_err());
}
