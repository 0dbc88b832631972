//! The builder vocabulary every hr-sdk client speaks, for the travel
//! client: every shared setter, `from_env`, and per-call options through
//! `SyncUsers::send_with`.
#![cfg(feature = "client")]

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use hr_sandbox::{Sandbox, SandboxConfig};
use serde_json::json;
use travel_sync_types::chrono::FixedOffset;
use travel_sync_types::client::{
    Credentials, SyncUsers, TravelSyncClient, TravelSyncClientBuilder,
};
use travel_sync_types::{
    CallOptions, Limits, RetryBudget, RetryPolicy, SYNC_PATH, UserInfo, WindowLimiter,
};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const VARS: [&str; 3] = ["TRAVEL_SYNC_URL", "TRAVEL_ACCOUNT", "TRAVEL_SESSION_ID"];

/// Serialises every touch of the environment in this binary, building
/// clients included (reqwest reads the proxy variables when it builds).
static ENV: Mutex<()> = Mutex::new(());

fn env_lock() -> MutexGuard<'static, ()> {
    ENV.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Puts the travel variables back as they were, even if the test panics.
struct Restore(Vec<(&'static str, Option<std::ffi::OsString>)>);

impl Drop for Restore {
    fn drop(&mut self) {
        for (name, value) in &self.0 {
            // SAFETY: only under `ENV`'s lock, which every environment
            // access and client build in this binary takes.
            unsafe {
                match value {
                    Some(v) => std::env::set_var(name, v),
                    None => std::env::remove_var(name),
                }
            }
        }
    }
}

/// Runs `f` with exactly `vars` of the travel variables set.
fn with_env<T>(vars: &[(&str, &str)], f: impl FnOnce() -> T) -> T {
    let _lock = env_lock();
    let _restore = Restore(VARS.iter().map(|v| (*v, std::env::var_os(v))).collect());
    for name in VARS {
        // SAFETY: as in `Restore::drop`.
        unsafe { std::env::remove_var(name) };
    }
    for (name, value) in vars {
        // SAFETY: as in `Restore::drop`.
        unsafe { std::env::set_var(name, value) };
    }
    f()
}

fn build(builder: TravelSyncClientBuilder) -> TravelSyncClient {
    let _lock = env_lock();
    builder.build().expect("the client builds")
}

fn user(no: &str) -> UserInfo {
    UserInfo::new(no, "王伟", "13812345678", false).level("P3")
}

fn fast_retries() -> RetryPolicy {
    RetryPolicy::default()
        .initial_backoff(Duration::from_millis(5))
        .max_backoff(Duration::from_millis(20))
}

fn synced() -> ResponseTemplate {
    ResponseTemplate::new(200)
        .set_body_json(json!({"resCode": 10000, "resMsg": "同步成功", "data": []}))
}

#[tokio::test]
async fn every_shared_setter_builds_a_working_client() {
    let server = MockServer::builder().start().await;
    Mock::given(method("POST"))
        .and(path(SYNC_PATH))
        .respond_with(synced())
        .expect(2)
        .mount(&server)
        .await;
    let client = build(
        TravelSyncClient::builder()
            .base_url(format!("{}{SYNC_PATH}", server.uri()))
            .credentials(Credentials::session("acme", "sess-1"))
            .timeout(Duration::from_secs(5))
            .connect_timeout(Duration::from_secs(2))
            .without_deadline()
            .deadline(Duration::from_secs(20))
            .retry(fast_retries())
            .retry_budget(RetryBudget::default())
            .rate_limits(Limits::new(Some(50), None))
            .group_limits("userSyn", Limits::new(Some(10), None))
            .rate_limiter(Arc::new(WindowLimiter::new(Limits::new(Some(100), None))))
            .concurrency(2)
            .time_zone(FixedOffset::east_opt(8 * 3600).unwrap())
            .user_agent("vocabulary-test/1")
            .http_client(reqwest::Client::new())
            .danger_allow_http(false)
            .batch_size(1)
            .send_invalid_users(false)
            .opt_in_card_info(false)
            .operator_user_no("admin"),
    );
    // Batches of one, two at a time.
    let report = client.push([user("E1"), user("E2")]).await;
    assert!(report.is_delivered(), "{:?}", report.first_error());
    assert_eq!((report.succeeded(), report.batches()), (2, 2));
    let stats = client.stats();
    assert_eq!((stats.calls, stats.failures), (2, 0));
}

#[tokio::test]
async fn the_user_agent_is_sent() {
    let server = MockServer::builder().start().await;
    Mock::given(method("POST"))
        .and(path(SYNC_PATH))
        .and(header("user-agent", "vocabulary-test/1"))
        .respond_with(synced())
        .expect(1)
        .mount(&server)
        .await;
    let client = build(
        TravelSyncClient::builder()
            .base_url(format!("{}{SYNC_PATH}", server.uri()))
            .credentials(Credentials::session("acme", "sess-1"))
            .user_agent("vocabulary-test/1"),
    );
    let response = client.send(&[user("E1")]).await;
    assert!(response.is_ok(), "{response:?}");
}

#[tokio::test]
async fn from_env_builds_a_client_that_reaches_the_sandbox() {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let travel = sandbox.config().travel.clone();
    let client = with_env(
        &[
            ("TRAVEL_SYNC_URL", &sandbox.travel_sync_url()),
            ("TRAVEL_ACCOUNT", &travel.account),
            ("TRAVEL_SESSION_ID", &travel.session_id),
        ],
        TravelSyncClient::from_env,
    )
    .expect("every variable is set");
    let report = client
        .push([
            UserInfo::new("E1", "王伟", "13812345678", false).level(travel.known_levels[0].clone())
        ])
        .await;
    assert!(report.is_delivered(), "{:?}", report.first_error());
    assert_eq!(report.succeeded(), 1);
    assert_eq!(sandbox.travel_received().len(), 1);
}

#[test]
fn a_partial_environment_names_the_missing_variable() {
    let url = "https://tmc.example.com/userSyn";
    let cases: [(&[(&str, &str)], &str); 4] = [
        (
            &[("TRAVEL_SYNC_URL", url), ("TRAVEL_ACCOUNT", "acme")],
            "TRAVEL_SESSION_ID",
        ),
        (
            &[("TRAVEL_SYNC_URL", url), ("TRAVEL_SESSION_ID", "s")],
            "TRAVEL_ACCOUNT",
        ),
        (&[("TRAVEL_SYNC_URL", url)], "TRAVEL_ACCOUNT"),
        (
            &[("TRAVEL_ACCOUNT", "acme"), ("TRAVEL_SESSION_ID", "s")],
            "TRAVEL_SYNC_URL",
        ),
    ];
    for (vars, missing) in cases {
        let err = with_env(vars, TravelSyncClient::from_env).unwrap_err();
        assert!(err.to_string().contains(missing), "{vars:?}: {err}");
    }

    // What the builder already has fills the gap; nothing set changes nothing.
    let filled = with_env(
        &[("TRAVEL_ACCOUNT", "acme"), ("TRAVEL_SESSION_ID", "s")],
        || {
            TravelSyncClient::builder()
                .base_url(url)
                .from_env()?
                .build()
        },
    );
    assert!(filled.is_ok(), "{filled:?}");
    let untouched = with_env(&[], || {
        TravelSyncClient::builder()
            .base_url(url)
            .credentials(Credentials::session("acme", "s"))
            .from_env()?
            .build()
    });
    assert!(untouched.is_ok(), "{untouched:?}");
    let nothing = with_env(&[], TravelSyncClient::from_env).unwrap_err();
    assert!(nothing.to_string().contains("TRAVEL_ACCOUNT"), "{nothing}");
}

#[tokio::test]
async fn send_with_overrides_the_retry_policy_for_one_call() {
    let server = MockServer::builder().start().await;
    Mock::given(method("POST"))
        .and(path(SYNC_PATH))
        .respond_with(ResponseTemplate::new(500))
        .mount(&server)
        .await;
    let client = build(
        TravelSyncClient::builder()
            .base_url(format!("{}{SYNC_PATH}", server.uri()))
            .credentials(Credentials::session("acme", "sess-1"))
            .retry(fast_retries()),
    );
    let users = [user("E1")];
    let once = CallOptions::new().retry(RetryPolicy::default().max_attempts(1));
    let err = SyncUsers::new(&users[..])
        .send_with(&client, &once)
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(500), "{err}");
    assert_eq!(server.received_requests().await.unwrap().len(), 1);

    // The client's policy: 5 attempts, the sync being an upsert.
    server.reset().await;
    Mock::given(method("POST"))
        .and(path(SYNC_PATH))
        .respond_with(ResponseTemplate::new(500))
        .mount(&server)
        .await;
    let err = SyncUsers::new(&users[..]).send(&client).await.unwrap_err();
    assert_eq!(err.status(), Some(500), "{err}");
    assert_eq!(server.received_requests().await.unwrap().len(), 5);
}

#[tokio::test]
async fn a_per_call_deadline_ends_a_call_to_a_slow_server() {
    let server = MockServer::builder().start().await;
    Mock::given(method("POST"))
        .and(path(SYNC_PATH))
        .respond_with(synced().set_delay(Duration::from_secs(20)))
        .mount(&server)
        .await;
    let client = build(
        TravelSyncClient::builder()
            .base_url(format!("{}{SYNC_PATH}", server.uri()))
            .credentials(Credentials::session("acme", "sess-1")),
    );
    let users = [user("E1")];
    let started = Instant::now();
    let err = SyncUsers::new(&users[..])
        .send_with(
            &client,
            &CallOptions::new().deadline(Duration::from_millis(300)),
        )
        .await
        .unwrap_err();
    assert!(err.is_deadline() || err.is_timeout(), "{err}");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
}
