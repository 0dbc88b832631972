//! Token answers that refuse the credentials inside HTTP 200, and a token
//! that is empty: each is an auth error of the token fetch with the
//! vendor's code and its message, redacted, and no API call is made.

use beisen_client::employee::{GetJuniorById, paths};
use beisen_client::{BeisenClient, Credentials};
use hr_common::Error;
use hr_common::error::AuthErrorKind;
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A server whose token endpoint (`token_path`) answers `body` with HTTP
/// 200, and the error of one API call through a client of `credentials`,
/// with the number of API calls that reached the server.
async fn call_with_token_reply(
    token_path: &str,
    credentials: Credentials,
    body: Value,
) -> (Error, usize) {
    let server = MockServer::builder().start().await;
    Mock::given(method("POST"))
        .and(path(token_path.to_owned()))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(paths::GET_JUNIOR_BY_ID))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"code": "200", "data": []})))
        .mount(&server)
        .await;
    let client = BeisenClient::builder()
        .base_url(server.uri())
        .credentials(credentials)
        .build()
        .unwrap();
    let err = GetJuniorById::new(7).send(&client).await.unwrap_err();
    let api_calls = server
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .filter(|r| r.url.path() == paths::GET_JUNIOR_BY_ID)
        .count();
    (err, api_calls)
}

fn assert_token_fetch(err: &Error) {
    assert!(
        matches!(
            err,
            Error::Auth {
                kind: AuthErrorKind::TokenFetch,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(!err.is_decode(), "{err:?}");
    assert_eq!(err.status(), Some(200), "{err:?}");
}

#[tokio::test]
async fn a_vendor_code_in_a_200_token_answer_is_a_token_fetch_error() {
    let (err, api_calls) = call_with_token_reply(
        "/token",
        Credentials::app_key("k", "s"),
        json!({"code": "40001", "message": "app_secret=hunter2-not-ours 无效的应用凭证"}),
    )
    .await;
    assert_token_fetch(&err);
    assert_eq!(err.vendor_code(), Some("40001"), "{err:?}");
    let message = err.vendor_message().unwrap_or_default();
    assert!(message.contains("无效的应用凭证"), "{message}");
    assert!(!message.contains("hunter2"), "not redacted: {message}");
    assert!(!err.to_string().contains("hunter2"), "{err}");
    assert_eq!(api_calls, 0);

    // A number for a code, in the PascalCase spelling, reads the same.
    let (err, _) = call_with_token_reply(
        "/token",
        Credentials::app_key("k", "s"),
        json!({"Code": 40001, "Message": "bad key"}),
    )
    .await;
    assert_token_fetch(&err);
    assert_eq!(err.vendor_code(), Some("40001"), "{err:?}");
    assert_eq!(err.vendor_message(), Some("bad key"));
}

#[tokio::test]
async fn an_oauth_error_in_a_200_token_answer_is_a_token_fetch_error() {
    for (token_path, credentials) in [
        ("/token", Credentials::app_key("k", "s")),
        ("/OAuth/Token", Credentials::oauth("100001", "app", "sec")),
    ] {
        let (err, api_calls) = call_with_token_reply(
            token_path,
            credentials,
            json!({"error": "invalid_client", "error_description": "client authentication failed"}),
        )
        .await;
        assert_token_fetch(&err);
        assert_eq!(err.vendor_code(), Some("invalid_client"), "{err:?}");
        assert_eq!(
            err.vendor_message(),
            Some("client authentication failed"),
            "{err:?}"
        );
        assert_eq!(api_calls, 0);
    }
}

#[tokio::test]
async fn an_empty_access_token_is_refused_by_both_flows() {
    for (token_path, credentials) in [
        ("/token", Credentials::app_key("k", "s")),
        ("/OAuth/Token", Credentials::oauth("100001", "app", "sec")),
    ] {
        for token in ["", "  "] {
            let (err, api_calls) = call_with_token_reply(
                token_path,
                credentials.clone(),
                json!({"access_token": token, "expires_in": 7200, "code": "200"}),
            )
            .await;
            assert_token_fetch(&err);
            assert!(err.to_string().contains("empty access_token"), "{err}");
            assert_eq!(api_calls, 0, "{token_path}");
        }
    }
}
