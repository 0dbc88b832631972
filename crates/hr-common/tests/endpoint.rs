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
    let server = MockServer::builder().start().await;
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
    let server = MockServer::builder().start().await;
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
    let server = MockServer::builder().start().await;
    let err = GetName { user_id: 0 }
        .send(&client(&server, |_| {}))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("userId"), "{err}");
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn per_call_retry_overrides_the_client_policy() {
    let server = MockServer::builder().start().await;
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
    let server = MockServer::builder().start().await;
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
    let server = MockServer::builder().start().await;
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
    let server = MockServer::builder().start().await;
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
    let server = MockServer::builder().start().await;
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

// ---------------------------------------------------------------------------
// The PascalCase envelope, `{Code, Message, Data}`.

mod pascal {
    use super::*;
    use hr_common::endpoint::pascal::{PascalAck, PascalData, PascalReply, PascalVendor};

    /// A vendor whose pushes also answer `"Succeed"`.
    enum Attendance {}

    impl PascalVendor for Attendance {
        const SERVICE: &'static str = "attendance-test";
        fn is_success(code: &str) -> bool {
            code == "200" || code.eq_ignore_ascii_case("Succeed")
        }
    }

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(rename_all = "PascalCase")]
    struct TripPage {
        total: u64,
        business_list: Vec<Trip>,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(rename_all = "PascalCase")]
    struct Trip {
        staff_id: u64,
    }

    #[derive(Serialize)]
    #[serde(rename_all = "PascalCase")]
    struct ListTrips {
        page_index: u32,
    }

    impl Endpoint for ListTrips {
        type Client = Client;
        type Output = TripPage;
        type Envelope = PascalData<Attendance>;
        const PATH: &'static str = "/api/trips";
        const IDEMPOTENT: bool = true;
        fn to_request(&self) -> Result<Request> {
            json_request(self)
        }
    }
    hr_common::impl_send!(ListTrips);

    #[derive(Serialize)]
    struct PushTrips {}

    impl Endpoint for PushTrips {
        type Client = Client;
        type Output = PascalReply<serde_json::Value>;
        type Envelope = PascalAck<Attendance>;
        const PATH: &'static str = "/api/push";
        const IDEMPOTENT: bool = false;
        fn to_request(&self) -> Result<Request> {
            json_request(self)
        }
    }
    hr_common::impl_send!(PushTrips);

    async fn answer(path_: &str, status: u16, body: serde_json::Value) -> MockServer {
        let server = MockServer::builder().start().await;
        Mock::given(path(path_))
            .respond_with(ResponseTemplate::new(status).set_body_json(body))
            .mount(&server)
            .await;
        server
    }

    async fn list(body: serde_json::Value) -> Result<TripPage> {
        let server = answer("/api/trips", 200, body).await;
        ListTrips { page_index: 1 }
            .send(&client(&server, |_| {}))
            .await
    }

    #[tokio::test]
    async fn a_success_decodes_data_with_the_code_as_number_or_string() {
        for code in [json!(200), json!("200"), json!(" 200 "), json!("Succeed")] {
            let page = list(json!({"Code": code, "Message": null,
                "Data": {"Total": 2, "BusinessList": [{"StaffId": 1}, {"StaffId": 2}]}}))
            .await
            .unwrap();
            assert_eq!(page.total, 2, "{code}");
            assert_eq!(page.business_list.len(), 2);
        }
        // Lower-case envelope keys are read too (the sources disagree).
        let page = list(json!({"code": "200", "data": {"Total": 0, "BusinessList": []}}))
            .await
            .unwrap();
        assert_eq!(
            page,
            TripPage {
                total: 0,
                business_list: vec![]
            }
        );
    }

    #[tokio::test]
    async fn an_error_code_in_http_200_is_an_api_error_with_code_and_message() {
        let err = list(json!({"Code": 417, "Message": "StartDate不能为空", "Data": null}))
            .await
            .unwrap_err();
        assert_eq!(err.vendor_code(), Some("417"));
        assert_eq!(err.vendor_message(), Some("StartDate不能为空"));
        assert_eq!(err.service(), Some("attendance-test"));
        assert_eq!(err.status(), Some(200));
        // Found in the body after the transport was done, it still says
        // where the call went and what it took.
        let call = err.call().expect("call details");
        assert!(call.host.starts_with("127.0.0.1:"), "{call:?}");
        assert_eq!(call.attempts, 1);
        // A gateway refusal without a code.
        let err = list(json!({"message": "un-authorized"})).await.unwrap_err();
        assert_eq!(
            (err.vendor_code(), err.vendor_message()),
            (Some("unknown"), Some("un-authorized"))
        );
    }

    #[tokio::test]
    async fn a_body_that_does_not_prove_success_is_a_decode_error_never_no_data() {
        for (body, at) in [
            (json!({"Code": 200, "Message": null, "Data": null}), "Data"),
            (json!({"Code": 200}), "Data"),
            (json!({}), "Code"),
            (json!([]), "."),
            (json!({"Code": true, "Data": {}}), "Code"),
        ] {
            let err = list(body.clone()).await.unwrap_err();
            assert!(err.is_decode(), "{body}: {err}");
            assert_eq!(err.decode_path(), Some(at), "{body}: {err}");
            let call = err.call().expect("call details");
            assert!(call.host.starts_with("127.0.0.1:"), "{call:?}");
        }
    }

    #[tokio::test]
    async fn a_bad_record_names_its_json_path() {
        let err = list(json!({"Code": 200,
            "Data": {"Total": 2, "BusinessList": [{"StaffId": 1}, {"StaffId": "x"}]}}))
        .await
        .unwrap_err();
        assert!(err.is_decode(), "{err}");
        assert_eq!(
            err.decode_path(),
            Some("Data.BusinessList[1].StaffId"),
            "{err}"
        );
    }

    #[tokio::test]
    async fn an_ack_needs_only_the_code_and_keeps_the_message() {
        let server = answer("/api/push", 200, json!({"Code": 200, "Message": null})).await;
        let ack = PushTrips {}.send(&client(&server, |_| {})).await.unwrap();
        assert_eq!(
            (ack.code.as_str(), ack.message, ack.data),
            ("200", None, None)
        );

        let server = answer(
            "/api/push",
            200,
            json!({"Code": "Succeed", "Message": "ok", "Data": [1]}),
        )
        .await;
        let ack = PushTrips {}.send(&client(&server, |_| {})).await.unwrap();
        assert_eq!(ack.code, "Succeed");
        assert_eq!(ack.message.as_deref(), Some("ok"));
        assert_eq!(ack.data, Some(json!([1])));

        let server = answer("/api/push", 200, json!({"Code": 401, "Message": "无权限"})).await;
        let err = PushTrips {}
            .send(&client(&server, |_| {}))
            .await
            .unwrap_err();
        assert_eq!(err.vendor_code(), Some("401"));
        // A write is sent once, even when refused.
        assert_eq!(server.received_requests().await.unwrap().len(), 1);
    }
}
