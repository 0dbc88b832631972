//! The builder vocabulary shared by every hr-sdk client, as ISDP+ speaks
//! it: every shared setter, `from_env`, per-call options through
//! `send_with`, and the rate-limiter group of each endpoint.

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use hr_common::transport::{RateLimiter, WindowLimiter};
use isdp_client::{
    AddPersonAccounts, CallOptions, Credentials, FindRoles, GetPersonList, IsdpClient, Limits,
    PERSON_ADD_ACCOUNTS_PATH, PERSON_LIST_PATH, PersonPatch, ROLE_LIST_PATH, RetryBudget,
    RetryPolicy, TOKEN_PATH, group,
};
use serde_json::json;
use wiremock::matchers::{body_partial_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const EMPTY_PAGE: &str = r#"{"data":[],"pos":0,"totalCount":0,"total_count":0}"#;

/// A server whose token endpoint answers for `secret` only.
async fn server_for_secret(secret: &str) -> MockServer {
    let server = MockServer::builder().start().await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .and(body_partial_json(
            json!({"client_id": "cid", "client_secret": secret, "username": "app", "password": "app-token"}),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"access_token": "T", "token_type": "bearer", "expires_in": 1799}),
        ))
        .mount(&server)
        .await;
    server
}

async fn server() -> MockServer {
    server_for_secret("cid").await
}

async fn answer(server: &MockServer, route: &str, response: ResponseTemplate) {
    Mock::given(method("POST"))
        .and(path(route.to_owned()))
        .respond_with(response)
        .mount(server)
        .await;
}

fn page() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_raw(EMPTY_PAGE, "application/json")
}

async fn requests(server: &MockServer, route: &str) -> usize {
    server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|r| r.url.path() == route)
        .count()
}

fn credentials() -> Credentials {
    Credentials::password_grant_default_secret("cid", "app", "app-token")
}

/// Retries without waiting long, five attempts as by default.
fn quick_retries() -> RetryPolicy {
    RetryPolicy::default()
        .initial_backoff(Duration::from_millis(1))
        .max_backoff(Duration::from_millis(5))
}

/// Records the group of every call it lets through.
#[derive(Default)]
struct Groups(Mutex<Vec<String>>);

#[async_trait]
impl RateLimiter for Groups {
    async fn acquire(&self, group: &str) -> hr_common::Result<()> {
        self.0.lock().unwrap().push(group.to_owned());
        Ok(())
    }
}

#[tokio::test]
async fn the_builder_takes_every_shared_setter() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path(PERSON_LIST_PATH))
        .and(header("authorization", "bearer T"))
        .respond_with(page())
        .mount(&server)
        .await;
    let client = IsdpClient::builder()
        .base_url(server.uri())
        .credentials(credentials())
        .timeout(Duration::from_secs(5))
        .connect_timeout(Duration::from_secs(2))
        .without_deadline()
        .deadline(Duration::from_secs(20))
        .retry(quick_retries())
        .retry_budget(RetryBudget::new(50))
        .rate_limits(Limits::new(Some(100), None))
        .group_limits(group::PERSON, Limits::new(Some(50), Some(1000)))
        .rate_limiter(Arc::new(WindowLimiter::new(Limits::unlimited())))
        .concurrency(3)
        .time_zone(hr_common::CHINA_STANDARD_TIME)
        .user_agent("vocabulary-test/1")
        // `reqwest::Client`, which hr-common names for the macros.
        .http_client(reqwest::Client::new())
        .danger_allow_http(false)
        .build()
        .unwrap();
    assert_eq!(client.concurrency(), 3);
    let page = GetPersonList::new().send(&client).await.unwrap();
    assert_eq!(page.total(), Some(0));
    assert_eq!(client.stats().calls, 1);
    assert_eq!(client.token_cache().fetch_count(), 1);
}

#[tokio::test]
async fn the_user_agent_is_sent() {
    // Without `http_client`: a shared `reqwest::Client` keeps its own.
    let server = server().await;
    Mock::given(method("POST"))
        .and(path(PERSON_LIST_PATH))
        .and(header("user-agent", "vocabulary-test/1"))
        .respond_with(page())
        .mount(&server)
        .await;
    let client = IsdpClient::builder()
        .base_url(server.uri())
        .credentials(credentials())
        .user_agent("vocabulary-test/1")
        .build()
        .unwrap();
    GetPersonList::new().send(&client).await.unwrap();
}

#[test]
fn build_names_what_is_missing() {
    let err = IsdpClient::builder()
        .credentials(credentials())
        .build()
        .unwrap_err();
    assert!(err.to_string().contains("ISDP_BASE_URL"), "{err}");
    let err = IsdpClient::builder()
        .base_url(isdp_client::BETA_URL)
        .build()
        .unwrap_err();
    assert!(err.to_string().contains("credentials"), "{err}");
}

// ---- from_env ---------------------------------------------------------------

const VARS: [&str; 5] = [
    "ISDP_BASE_URL",
    "ISDP_CLIENT_ID",
    "ISDP_CLIENT_SECRET",
    "ISDP_USERNAME",
    "ISDP_PASSWORD",
];

/// Serialises the tests that touch the process environment (tests of one
/// binary run in threads) and clears the ISDP variables on the way in and
/// out.
struct Env(#[allow(dead_code)] MutexGuard<'static, ()>);

impl Env {
    fn lock() -> Env {
        static LOCK: Mutex<()> = Mutex::new(());
        let env = Env(LOCK.lock().unwrap_or_else(|p| p.into_inner()));
        env.clear();
        env
    }

    fn set(&self, name: &str, value: &str) {
        // SAFETY: every test that reads or writes the environment holds
        // the lock.
        unsafe { std::env::set_var(name, value) }
    }

    fn clear(&self) {
        for name in VARS {
            // SAFETY: as in `set`.
            unsafe { std::env::remove_var(name) }
        }
    }
}

impl Drop for Env {
    fn drop(&mut self) {
        self.clear();
    }
}

#[tokio::test]
async fn from_env_builds_a_client_that_works() {
    let server = server().await;
    answer(&server, PERSON_LIST_PATH, page()).await;
    let client = {
        let env = Env::lock();
        env.set("ISDP_BASE_URL", &server.uri());
        env.set("ISDP_CLIENT_ID", "cid");
        env.set("ISDP_USERNAME", "app");
        env.set("ISDP_PASSWORD", "app-token");
        IsdpClient::from_env().unwrap()
    };
    // The secret defaulted to the client id, or the token call would fail.
    let page = GetPersonList::new().send(&client).await.unwrap();
    assert_eq!(page.total(), Some(0));
    assert_eq!(requests(&server, TOKEN_PATH).await, 1);
}

#[tokio::test]
async fn from_env_reads_the_client_secret_and_keeps_what_was_set() {
    let server = server_for_secret("s3cret").await;
    answer(&server, PERSON_LIST_PATH, page()).await;
    let client = {
        let env = Env::lock();
        env.set("ISDP_CLIENT_ID", "cid");
        env.set("ISDP_CLIENT_SECRET", "s3cret");
        env.set("ISDP_USERNAME", "app");
        env.set("ISDP_PASSWORD", "app-token");
        // No ISDP_BASE_URL: the one set before `from_env` stays.
        IsdpClient::builder()
            .base_url(server.uri())
            .concurrency(2)
            .from_env()
            .unwrap()
            .build()
            .unwrap()
    };
    GetPersonList::new().send(&client).await.unwrap();
    assert_eq!(client.concurrency(), 2);
    assert_eq!(requests(&server, PERSON_LIST_PATH).await, 1);
}

#[test]
fn a_partial_environment_names_the_missing_variable() {
    let env = Env::lock();
    env.set("ISDP_CLIENT_ID", "cid");
    env.set("ISDP_USERNAME", "app");
    let err = IsdpClient::builder().from_env().unwrap_err();
    assert!(err.to_string().contains("ISDP_PASSWORD"), "{err}");

    env.clear();
    env.set("ISDP_CLIENT_SECRET", "s3cret");
    let err = IsdpClient::builder().from_env().unwrap_err();
    assert!(err.to_string().contains("ISDP_CLIENT_ID"), "{err}");

    // Credentials without a base URL: `build` names the URL's variable.
    env.clear();
    env.set("ISDP_CLIENT_ID", "cid");
    env.set("ISDP_USERNAME", "app");
    env.set("ISDP_PASSWORD", "app-token");
    let err = IsdpClient::from_env().unwrap_err();
    assert!(err.to_string().contains("ISDP_BASE_URL"), "{err}");
}

// ---- per-call options -------------------------------------------------------

#[tokio::test]
async fn send_with_one_attempt_makes_one_request_where_send_makes_five() {
    let server = server().await;
    answer(&server, PERSON_LIST_PATH, ResponseTemplate::new(500)).await;
    answer(
        &server,
        PERSON_ADD_ACCOUNTS_PATH,
        ResponseTemplate::new(500),
    )
    .await;
    let client = IsdpClient::builder()
        .base_url(server.uri())
        .credentials(credentials())
        .retry(quick_retries())
        .build()
        .unwrap();
    let once = CallOptions::new().retry(RetryPolicy::default().max_attempts(1));

    let err = GetPersonList::new()
        .send_with(&client, &once)
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(500), "{err}");
    assert_eq!(requests(&server, PERSON_LIST_PATH).await, 1);
    GetPersonList::new().send(&client).await.unwrap_err();
    assert_eq!(requests(&server, PERSON_LIST_PATH).await, 1 + 5);

    // The chunked writes pass the options to every chunk.
    let batch = AddPersonAccounts::new([PersonPatch::by_code("E1").person_name("n")]);
    batch.send_with(&client, &once).await.unwrap_err();
    assert_eq!(requests(&server, PERSON_ADD_ACCOUNTS_PATH).await, 1);
    batch.send(&client).await.unwrap_err();
    assert_eq!(requests(&server, PERSON_ADD_ACCOUNTS_PATH).await, 1 + 5);
}

#[tokio::test]
async fn a_per_call_deadline_ends_a_call_against_a_slow_server() {
    let server = server().await;
    answer(
        &server,
        PERSON_LIST_PATH,
        page().set_delay(Duration::from_secs(10)),
    )
    .await;
    let client = IsdpClient::builder()
        .base_url(server.uri())
        .credentials(credentials())
        .build()
        .unwrap();
    let started = Instant::now();
    let err = GetPersonList::new()
        .send_with(
            &client,
            &CallOptions::new().deadline(Duration::from_millis(300)),
        )
        .await
        .unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
}

// ---- limiter groups ---------------------------------------------------------

#[tokio::test]
async fn each_endpoint_counts_against_its_group() {
    let server = server().await;
    answer(&server, PERSON_LIST_PATH, page()).await;
    answer(
        &server,
        ROLE_LIST_PATH,
        ResponseTemplate::new(200).set_body_json(
            json!({"stateCode": "0", "errorMessage": null, "result": {"data": [], "totalCount": 0}}),
        ),
    )
    .await;
    let groups = Arc::new(Groups::default());
    let client = IsdpClient::builder()
        .base_url(server.uri())
        .credentials(credentials())
        .rate_limiter(groups.clone())
        .build()
        .unwrap();
    GetPersonList::new().send(&client).await.unwrap();
    FindRoles::new().send(&client).await.unwrap();
    // The first call fetches its token before it passes the limiter, so
    // that its permit is spent right away.
    assert_eq!(
        *groups.0.lock().unwrap(),
        [group::TOKEN, group::PERSON, group::ORG]
    );
}
