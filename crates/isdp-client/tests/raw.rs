//! The raw escape hatch (`isdp_client::raw`): calls to paths the crate
//! does not model go through the same token, envelope, retry and path
//! rules as the typed requests.

use std::time::Duration;

use futures::TryStreamExt;
use isdp_client::raw::RawRequest;
use isdp_client::{BarePage, Credentials, Error, IsdpClient, PageRequest, RetryPolicy};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const MORE_INFO: &str = "/openapi/v1/person/findPersonMoreInfoByPersonCode";

async fn server_with(retry: RetryPolicy) -> (MockServer, IsdpClient) {
    let server = MockServer::builder().start().await;
    Mock::given(method("POST"))
        .and(path("/oauth2/oauth/rest_token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"access_token": "tok-1", "token_type": "bearer", "expires_in": 3600}),
        ))
        .mount(&server)
        .await;
    let client = IsdpClient::builder()
        .base_url(server.uri())
        .credentials(Credentials::password_grant_default_secret(
            "cid",
            "app",
            "app-token",
        ))
        .retry(retry)
        .build()
        .unwrap();
    (server, client)
}

async fn server() -> (MockServer, IsdpClient) {
    server_with(RetryPolicy::none()).await
}

async fn calls_to(server: &MockServer, p: &str) -> usize {
    server
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .filter(|r| r.url.path() == p)
        .count()
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ByCode<'a> {
    person_code: &'a str,
}

#[derive(Debug, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
struct MoreInfo {
    person_code: String,
    person_name: String,
}

#[tokio::test]
async fn a_raw_call_sends_the_token_and_the_callers_body_and_reads_the_callers_type() {
    let (server, client) = server().await;
    Mock::given(method("POST"))
        .and(path(MORE_INFO))
        .and(header("authorization", "bearer tok-1"))
        .and(body_json(json!({"personCode": "E1001"})))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"personCode": "E1001", "personName": "王伟"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let info: MoreInfo = RawRequest::post(
        MORE_INFO,
        ByCode {
            person_code: "E1001",
        },
    )
    .idempotent(true)
    .send(&client)
    .await
    .unwrap();
    assert_eq!(
        info,
        MoreInfo {
            person_code: "E1001".into(),
            person_name: "王伟".into()
        }
    );
}

#[tokio::test]
async fn envelope_b_is_unwrapped_and_its_error_code_is_an_api_error() {
    let (server, client) = server().await;
    Mock::given(method("POST"))
        .and(path(MORE_INFO))
        .and(body_json(json!({"personCode": "E1001"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "stateCode": "0", "errorMessage": null,
            "result": {"personCode": "E1001", "personName": "王伟"}
        })))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(MORE_INFO))
        .and(body_json(json!({"personCode": "nobody"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "stateCode": "10001", "errorMessage": "person not found", "result": null
        })))
        .mount(&server)
        .await;
    let info: MoreInfo = RawRequest::post(
        MORE_INFO,
        ByCode {
            person_code: "E1001",
        },
    )
    .send(&client)
    .await
    .unwrap();
    assert_eq!(info.person_name, "王伟");
    let err = RawRequest::post(
        MORE_INFO,
        ByCode {
            person_code: "nobody",
        },
    )
    .send::<MoreInfo>(&client)
    .await
    .unwrap_err();
    assert!(matches!(err, Error::Api { .. }), "{err:?}");
    assert_eq!(err.vendor_code(), Some("10001"));
    assert_eq!(err.vendor_message(), Some("person not found"));
}

#[tokio::test]
async fn a_decode_failure_names_the_json_path_and_hides_the_value() {
    let (server, client) = server().await;
    Mock::given(method("POST"))
        .and(path(MORE_INFO))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "personCode": "E1001", "personName": 13812345678u64
        })))
        .mount(&server)
        .await;
    let err = RawRequest::post(
        MORE_INFO,
        ByCode {
            person_code: "E1001",
        },
    )
    .send::<MoreInfo>(&client)
    .await
    .unwrap_err();
    assert!(err.is_decode(), "{err:?}");
    assert_eq!(err.decode_path(), Some("personName"), "{err}");
    assert!(!err.to_string().contains("13812345678"), "{err}");
}

#[tokio::test]
async fn a_write_is_not_repeated_after_a_500_but_a_read_marked_idempotent_is() {
    let retry = RetryPolicy::default()
        .max_attempts(3)
        .initial_backoff(Duration::from_millis(1))
        .max_backoff(Duration::from_millis(5));
    let (server, client) = server_with(retry).await;
    let write = "/openapi/v1/person/somethingWrite";
    for p in [write, MORE_INFO] {
        Mock::given(method("POST"))
            .and(path(p))
            .respond_with(ResponseTemplate::new(500).set_body_string("boom"))
            .mount(&server)
            .await;
    }
    let err = RawRequest::post(write, json!({"personCode": "E1"}))
        .status()
        .send::<Value>(&client)
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(500), "{err:?}");
    assert_eq!(calls_to(&server, write).await, 1, "a write is sent once");

    let err = RawRequest::post(MORE_INFO, ByCode { person_code: "E1" })
        .idempotent(true)
        .send::<MoreInfo>(&client)
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(500), "{err:?}");
    assert_eq!(calls_to(&server, MORE_INFO).await, 3, "a read is retried");
}

#[tokio::test]
async fn a_status_envelope_failure_is_an_api_error() {
    let (server, client) = server().await;
    let p = "/openapi/v1/person/somethingWrite";
    Mock::given(method("POST"))
        .and(path(p))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "status": "failed", "msg": "personCode exists", "data": null
        })))
        .mount(&server)
        .await;
    let err = RawRequest::post(p, json!({"personCode": "E1"}))
        .status()
        .send::<Value>(&client)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Api { .. }), "{err:?}");
    assert_eq!(err.vendor_message(), Some("personCode exists"));
}

#[tokio::test]
async fn a_path_that_could_leave_the_base_url_is_refused_before_any_request() {
    let (server, client) = server().await;
    let elsewhere = MockServer::builder().start().await;
    let absolute = format!("{}/steal", elsewhere.uri());
    for bad in [
        absolute.as_str(),
        "//evil.example/steal",
        "openapi/v1/person/x",
        "/openapi/v1/../../oauth2/oauth/rest_token",
        "/openapi/%2E%2e/x",
        "/openapi/v1/x?to=https://evil.example",
    ] {
        let err = RawRequest::post(bad, json!({}))
            .send::<Value>(&client)
            .await
            .unwrap_err();
        assert!(
            matches!(err, Error::InvalidRequest { .. }),
            "{bad}: {err:?}"
        );
    }
    let none = |reqs: Option<Vec<wiremock::Request>>| reqs.unwrap_or_default().is_empty();
    assert!(none(server.received_requests().await), "not even a token");
    assert!(none(elsewhere.received_requests().await));
}

#[derive(Debug, Deserialize)]
struct Row {
    id: u64,
}

#[tokio::test]
async fn offset_pages_walk_start_and_count_to_the_total() {
    let (server, client) = server().await;
    let p = "/openapi/v1/dict/findPagedDictList";
    for (start, ids) in [(0u64, vec![1, 2]), (2, vec![3, 4]), (4, vec![5])] {
        let data: Vec<Value> = ids.iter().map(|id| json!({"id": id})).collect();
        Mock::given(method("POST"))
            .and(path(p))
            .and(body_json(
                json!({"type": "x", "page": {"start": start, "count": 2}}),
            ))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "data": data, "pos": start, "totalCount": 5, "entityName": null
            })))
            // The last page is also fetched by hand below.
            .expect(if start == 4 { 2 } else { 1 })
            .mount(&server)
            .await;
    }
    let rows: Vec<Row> = RawRequest::post(p, json!({"type": "x", "page": {}}))
        .idempotent(true)
        .page()
        .offset_pages(&client, PageRequest::new(0, 2), |body: &mut Value, page| {
            body["page"] = json!({"start": page.start, "count": page.count});
        })
        .by_item()
        .try_collect()
        .await
        .unwrap();
    let ids: Vec<u64> = rows.iter().map(|r| r.id).collect();
    assert_eq!(ids, [1, 2, 3, 4, 5]);

    // One page by hand reads the same envelope.
    let page: BarePage<Row> =
        RawRequest::post(p, json!({"type": "x", "page": {"start": 4, "count": 2}}))
            .page()
            .send(&client)
            .await
            .unwrap();
    assert_eq!(page.total(), Some(5));
}
