//! What the wiremock tests share: the fixtures in `tests/resources`, a date
//! shorthand, and a mock server that hands out a token.
#![allow(dead_code)]

use beisen_client::{BeisenClient, BeisenClientBuilder, Credentials};
use chrono::NaiveDate;
use hr_common::transport::RetryPolicy;
use serde_json::{Value, json};
use wiremock::matchers::{body_json, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// `tests/resources/<name>`, parsed.
pub fn fixture(name: &str) -> Value {
    let p = format!("{}/tests/resources/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(&p).expect(&p)).expect("fixture JSON")
}

pub fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// A mock server answering `/token` (for the client's credentials, in the
/// documented body), and a client on it with its builder set up by
/// `configure`.
pub async fn server_built(
    configure: impl FnOnce(BeisenClientBuilder) -> BeisenClientBuilder,
) -> (MockServer, BeisenClient) {
    let server = MockServer::builder().start().await;
    Mock::given(method("POST"))
        .and(path("/token"))
        .and(body_json(
            json!({"grant_type":"client_credentials","app_key":"k","app_secret":"s"}),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"access_token":"T1","token_type":"bearer","expires_in":7200,"refresh_token":"R1"}),
        ))
        .mount(&server)
        .await;
    let builder = BeisenClient::builder()
        .base_url(server.uri())
        .credentials(Credentials::app_key("k", "s"));
    let client = configure(builder).build().unwrap();
    (server, client)
}

/// [`server_built`] with `retry`.
pub async fn server_with(retry: RetryPolicy) -> (MockServer, BeisenClient) {
    server_built(|b| b.retry(retry)).await
}

/// [`server_with`] without retries: each mock answers exactly one call.
pub async fn server() -> (MockServer, BeisenClient) {
    server_with(RetryPolicy::none()).await
}

/// [`server_with`] the client's default retries.
pub async fn server_retrying() -> (MockServer, BeisenClient) {
    server_with(RetryPolicy::default()).await
}
