//! The endpoint trait's one send path and the shared client configuration,
//! against wiremock: per-call options, validation before sending, the
//! envelope deciding success, limiter groups, idempotency.

use std::borrow::Cow;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use hr_common::config::ClientConfig;
use hr_common::endpoint::{ApiClient, Endpoint, Envelope, json_request};
use hr_common::transport::{
    CallOptions, Limits, RateLimiter, Request, Response, RetryPolicy, Transport,
};
use hr_common::{Error, Result};
use serde::{Deserialize, Serialize};
use serde_json::json;
use wiremock::matchers::{body_json, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

struct Client(Transport);

impl ApiClient for Client {
    fn transport(&self) -> &Transport {
        &self.0
    }
}

/// `{"code": 0, "data": ...}`; any other code is an error.
struct Coded;

impl<T: serde::de::DeserializeOwned> Envelope<T> for Coded {
    fn decode(response: &Response) -> Result<T> {
        #[derive(Deserialize)]
        struct Wire<T> {
            code: i64,
            data: Option<T>,
        }
        let wire: Wire<T> = response.json()?;
        match (wire.code, wire.data) {
            (0, Some(data)) => Ok(data),
            (code, _) => Err(Error::invalid(format!("vendor code {code}"))),
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct GetName {
    user_id: u64,
}

impl Endpoint for GetName {
    type Client = Client;
    type Output = String;
    type Envelope = Coded;
    const PATH: &'static str = "/api/name";
    const IDEMPOTENT: bool = true;

    fn validate(&self) -> Result<()> {
        if self.user_id == 0 {
            return Err(Error::invalid_request("userId", "must not be 0"));
        }
        Ok(())
    }

    fn to_request(&self) -> Result<Request> {
        json_request(self)
    }
}
hr_common::impl_send!(GetName);

#[derive(Serialize)]
struct CreateUser {
    name: String,
}

impl Endpoint for CreateUser {
    type Client = Client;
    type Output = u64;
    type Envelope = Coded;
    const PATH: &'static str = "/api/create";
    const IDEMPOTENT: bool = false;

    fn group(&self) -> Cow<'static, str> {
        Cow::Borrowed("writes")
    }

    fn to_request(&self) -> Result<Request> {
        json_request(self)
    }
}
hr_common::impl_send!(CreateUser);

fn client(server: &MockServer, configure: impl FnOnce(&mut ClientConfig)) -> Client {
    let mut config = ClientConfig::new(Some(&server.uri()));
    config.set_retry(
        RetryPolicy::default()
            .initial_backoff(Duration::from_millis(1))
            .without_jitter(),
    );
    configure(&mut config);
    let mut builder = config.transport_builder("test", "TEST_URL").unwrap();
    if let Some(limiter) = config.rate_limiter(None) {
        builder = builder.rate_limiter(limiter);
    }
    Client(builder.build().unwrap())
}

#[tokio::test]
async fn send_posts_the_body_and_decodes_through_the_envelope() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/name"))
        .and(body_json(json!({"userId": 7})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"code": 0, "data": "Ann"})))
        .expect(1)
        .mount(&server)
        .await;
    let name = GetName { user_id: 7 }
        .send(&client(&server, |_| {}))
        .await
        .unwrap();
    assert_eq!(name, "Ann");
}

#[tokio::test]
async fn an_error_code_in_http_200_is_an_error() {
    let server = MockServer::start().await;
    Mock::given(path("/api/name"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"code": 40001})))
        .mount(&server)
        .await;
    let err = GetName { user_id: 7 }
        .send(&client(&server, |_| {}))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("40001"), "{err}");
}

#[tokio::test]
async fn validation_fails_before_anything_is_sent() {
    let server = MockServer::start().await;
    let err = GetName { user_id: 0 }
        .send(&client(&server, |_| {}))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("userId"), "{err}");
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn per_call_retry_overrides_the_client_policy() {
    let server = MockServer::start().await;
    Mock::given(path("/api/name"))
        .respond_with(ResponseTemplate::new(500))
        .mount(&server)
        .await;
    let client = client(&server, |_| {});

    let once = CallOptions::new().retry(RetryPolicy::default().max_attempts(1));
    let err = GetName { user_id: 7 }
        .send_with(&client, &once)
        .await
        .unwrap_err();
    assert_eq!(err.attempts(), Some(1));
    assert_eq!(server.received_requests().await.unwrap().len(), 1);

    let err = GetName { user_id: 7 }.send(&client).await.unwrap_err();
    assert_eq!(err.attempts(), Some(5));
    assert_eq!(server.received_requests().await.unwrap().len(), 6);
}

#[tokio::test]
async fn per_call_deadline_and_timeout_override_the_client() {
    let server = MockServer::start().await;
    Mock::given(path("/api/name"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"code": 0, "data": "late"}))
                .set_delay(Duration::from_millis(400)),
        )
        .mount(&server)
        .await;
    let client = client(&server, |_| {});

    let short = CallOptions::new().deadline(Duration::from_millis(150));
    let err = GetName { user_id: 7 }
        .send_with(&client, &short)
        .await
        .unwrap_err();
    assert!(err.is_deadline(), "{err}");

    let patient = CallOptions::new().timeout(Duration::from_secs(5));
    let name = GetName { user_id: 7 }
        .send_with(&client, &patient)
        .await
        .unwrap();
    assert_eq!(name, "late");

    // The client's own short timeout applies when the call sets none.
    let impatient = self::client(&server, |c| {
        c.set_timeout(Duration::from_millis(100));
        c.set_retry(RetryPolicy::default().max_attempts(1));
    });
    let err = GetName { user_id: 7 }.send(&impatient).await.unwrap_err();
    assert!(err.is_timeout(), "{err}");
}

#[tokio::test]
async fn writes_are_not_repeated_after_they_may_have_arrived() {
    let server = MockServer::start().await;
    Mock::given(path("/api/create"))
        .respond_with(ResponseTemplate::new(502))
        .mount(&server)
        .await;
    let err = CreateUser { name: "Ann".into() }
        .send(&client(&server, |_| {}))
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(502));
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

/// Records the group of every acquire.
#[derive(Default)]
struct Groups(Mutex<Vec<String>>);

#[async_trait]
impl RateLimiter for Groups {
    async fn acquire(&self, group: &str) -> Result<()> {
        self.0.lock().unwrap().push(group.to_owned());
        Ok(())
    }
}

#[tokio::test]
async fn each_endpoint_counts_against_its_group() {
    let server = MockServer::start().await;
    Mock::given(path("/api/name"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"code": 0, "data": "x"})))
        .mount(&server)
        .await;
    Mock::given(path("/api/create"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"code": 0, "data": 1})))
        .mount(&server)
        .await;
    let groups = Arc::new(Groups::default());
    let shared: Arc<dyn RateLimiter> = groups.clone();
    let client = client(&server, |c| c.set_rate_limiter(shared));
    GetName { user_id: 1 }.send(&client).await.unwrap();
    CreateUser { name: "B".into() }.send(&client).await.unwrap();
    assert_eq!(*groups.0.lock().unwrap(), ["/api/name", "writes"]);
}

#[test]
fn limits_and_group_limits_make_a_limiter_only_when_asked() {
    let config = ClientConfig::new(Some("http://127.0.0.1:1"));
    assert!(config.rate_limiter(None).is_none());
    assert!(
        config
            .rate_limiter(Some(Limits::new(Some(100), Some(3000))))
            .is_some()
    );
    let mut config = config;
    config.set_group_limits("writes", Limits::new(Some(1), None));
    assert!(config.rate_limiter(None).is_some());
}

#[test]
fn a_missing_base_url_names_the_setter_and_the_variable() {
    let config = ClientConfig::new(None);
    let err = config
        .transport_builder("isdp", "ISDP_BASE_URL")
        .err()
        .unwrap();
    let text = err.to_string();
    assert!(
        text.contains("base_url") && text.contains("ISDP_BASE_URL"),
        "{text}"
    );
}

#[tokio::test]
async fn a_user_agent_set_over_a_shared_http_client_is_still_sent() {
    let server = MockServer::start().await;
    Mock::given(path("/api/name"))
        .and(wiremock::matchers::header("user-agent", "payroll-sync/2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"code": 0, "data": "x"})))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server, |c| {
        c.set_http_client(reqwest::Client::new());
        c.set_user_agent("payroll-sync/2");
    });
    assert_eq!(GetName { user_id: 1 }.send(&client).await.unwrap(), "x");
}
