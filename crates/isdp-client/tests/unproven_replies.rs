//! Replies that prove nothing must not pass for success: batch chunks
//! refused or answered only in part, downloads answered with an error body
//! in HTTP 200, the token endpoint refusing in HTTP 200, and the bounds on
//! what a download and an export job may take.

use std::time::{Duration, Instant};

use hr_common::error::TransportErrorKind;
use hr_common::transport::{DEFAULT_MAX_RESPONSE_BYTES, RetryPolicy};
use isdp_client::{
    BatchAddPersons, BatchDeregisterPersons, Credentials, EXPORT_PATH, EXPORT_POLL_PATH,
    ExportPersons, GetTemplateExcel, IsdpClient, MIN_POLL_INTERVAL, NewPerson, ORG_SAVE_PATH,
    OrgInfo, PERSON_ADD_PATH, PERSON_BATCH_DEREGISTER_PATH, PersonType, SERVE_FILE_PATH, SaveOrgs,
    ServeFile, TEMPLATE_PATH, TOKEN_PATH,
};
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// An exclusive server answering the token call with `token`.
async fn server_with_token(token: ResponseTemplate) -> MockServer {
    let server = MockServer::builder().start().await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(token)
        .mount(&server)
        .await;
    server
}

async fn server() -> MockServer {
    server_with_token(
        ResponseTemplate::new(200).set_body_json(
            json!({"access_token": "T", "token_type": "bearer", "expires_in": 1799}),
        ),
    )
    .await
}

fn client(server: &MockServer) -> IsdpClient {
    IsdpClient::builder()
        .base_url(server.uri())
        .credentials(Credentials::password_grant_default_secret(
            "cid",
            "app",
            "app-token",
        ))
        .retry(RetryPolicy::none())
        .build()
        .unwrap()
}

async fn answer(server: &MockServer, route: &str, answer: impl Respond + 'static) {
    Mock::given(method("POST"))
        .and(path(route.to_owned()))
        .respond_with(answer)
        .mount(server)
        .await;
}

fn person(code: String) -> NewPerson {
    NewPerson::new(code, "n", PersonType::Employee, "13512345678").org_no("D1")
}

// ---- batch writes ----------------------------------------------------------

#[tokio::test]
async fn a_failed_chunk_with_an_empty_list_is_a_refusal_not_an_empty_success() {
    let server = server().await;
    answer(
        &server,
        PERSON_BATCH_DEREGISTER_PATH,
        ResponseTemplate::new(200)
            .set_body_json(json!({"status": "failed", "msg": "system busy", "data": []})),
    )
    .await;
    let err = BatchDeregisterPersons::new(["P1", "P2"])
        .send(&client(&server))
        .await
        .unwrap_err();
    assert_eq!(
        (err.vendor_code(), err.vendor_message(), err.status()),
        (Some("failed"), Some("system busy"), Some(200)),
        "{err}"
    );
}

/// Answers the first chunk with every item written, and every later one
/// with `{"status":"failed","data":[]}`.
struct BusyAfterFirst;

impl Respond for BusyAfterFirst {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        let body: Value = serde_json::from_slice(&req.body).unwrap();
        let items = body["personList"].as_array().unwrap();
        if items[0]["personCode"] != "P0" {
            return ResponseTemplate::new(200)
                .set_body_json(json!({"status": "failed", "msg": "system busy", "data": []}));
        }
        let data: Vec<Value> = items
            .iter()
            .map(|i| json!({"personCode": i["personCode"], "status": "success", "msg": "success"}))
            .collect();
        ResponseTemplate::new(200).set_body_json(json!({"status": "success", "data": data}))
    }
}

#[tokio::test]
async fn a_later_chunk_failed_with_an_empty_list_stops_the_batch_with_its_items_failed() {
    let server = server().await;
    answer(&server, PERSON_ADD_PATH, BusyAfterFirst).await;
    let outcome = BatchAddPersons::new((0..150).map(|i| person(format!("P{i}"))))
        .send(&client(&server))
        .await
        .unwrap();
    assert_eq!(
        (outcome.success, outcome.failed, outcome.items.len()),
        (100, 50, 150)
    );
    assert!(
        outcome.items[100..]
            .iter()
            .all(|i| !i.is_success() && !i.is_unknown() && i.msg.as_deref() == Some("system busy"))
    );
    let stop = outcome.stopped.clone().unwrap();
    assert_eq!((stop.at, stop.refused), (100, true));
    assert!(outcome.into_result().is_err());
}

#[tokio::test]
async fn items_a_successful_reply_does_not_list_are_unconfirmed_not_written() {
    let server = server().await;
    answer(
        &server,
        ORG_SAVE_PATH,
        ResponseTemplate::new(200).set_body_json(json!({
            "status": "success", "msg": "success", "success": 3, "failed": 0,
            "data": [{"orgNo": "O2", "orgId": 7, "status": "success", "msg": "success"}],
        })),
    )
    .await;
    let outcome = SaveOrgs::new(["O1", "O2", "O3"].map(|no| OrgInfo::new(no, "n", None)))
        .send(&client(&server))
        .await
        .unwrap();
    let keys: Vec<_> = outcome
        .items
        .iter()
        .map(|i| (i.org_no.as_deref().unwrap(), i.status.as_str()))
        .collect();
    assert_eq!(
        keys,
        [("O1", "unknown"), ("O2", "success"), ("O3", "unknown")]
    );
    assert!(outcome.items[0].is_unknown() && !outcome.items[0].is_success());
    assert_eq!((outcome.success, outcome.failed), (1, 2));
    assert!(outcome.into_result().is_err());
}

#[tokio::test]
async fn items_a_failed_reply_does_not_list_fail_with_the_vendors_message() {
    let server = server().await;
    answer(
        &server,
        PERSON_BATCH_DEREGISTER_PATH,
        ResponseTemplate::new(200).set_body_json(json!({
            "status": "failed", "msg": "partly refused",
            "data": [{"personCode": "B", "status": "failed", "msg": "not found"}],
        })),
    )
    .await;
    let outcome = BatchDeregisterPersons::new(["A", "B"])
        .send(&client(&server))
        .await
        .unwrap();
    let items: Vec<_> = outcome
        .items
        .iter()
        .map(|i| {
            (
                i.person_code.as_deref().unwrap(),
                i.status.as_str(),
                i.msg.as_deref().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        items,
        [
            ("A", "failed", "partly refused"),
            ("B", "failed", "not found")
        ]
    );
    assert_eq!((outcome.success, outcome.failed), (0, 2));
}

// ---- downloads -------------------------------------------------------------

#[tokio::test]
async fn a_download_answered_with_an_error_body_is_the_vendors_error() {
    let cases = [
        (
            SERVE_FILE_PATH,
            ResponseTemplate::new(200).set_body_raw(
                r#"{"error":"invalid_token","error_description":"Access token expired"}"#,
                "application/json;charset=UTF-8",
            ),
            "invalid_token",
            "Access token expired",
        ),
        (
            TEMPLATE_PATH,
            ResponseTemplate::new(200).set_body_raw(
                r#"{"stateCode":"1","errorMessage":"no template 13812345678","result":null}"#,
                "application/json",
            ),
            "1",
            "no template 138****5678",
        ),
        (
            SERVE_FILE_PATH,
            ResponseTemplate::new(200).set_body_raw(
                "<InvalidTokenException><error>invalid_token</error><error_description>expired</error_description></InvalidTokenException>",
                "text/xml",
            ),
            "invalid_token",
            "expired",
        ),
        // No Content-Type at all, but a JSON object.
        (
            SERVE_FILE_PATH,
            ResponseTemplate::new(200)
                .set_body_bytes(&br#"  {"code":"500","message":"internal error","data":null}"#[..]),
            "500",
            "internal error",
        ),
    ];
    for (route, reply, code, message) in cases {
        let server = server().await;
        answer(&server, route, reply).await;
        let client = client(&server);
        let err = if route == SERVE_FILE_PATH {
            ServeFile::new(42).send(&client).await.unwrap_err()
        } else {
            GetTemplateExcel::new("t.xlsx")
                .send(&client)
                .await
                .unwrap_err()
        };
        assert_eq!(
            (err.vendor_code(), err.vendor_message(), err.status()),
            (Some(code), Some(message), Some(200)),
            "{err}"
        );
    }
}

#[tokio::test]
async fn a_download_answered_with_text_that_is_no_vendor_error_is_a_decode_error() {
    for reply in [
        ResponseTemplate::new(200)
            .set_body_raw("<html><body>Bad Gateway</body></html>", "text/html"),
        ResponseTemplate::new(200).set_body_raw(r#"{"result":"ok"}"#, "application/json"),
        ResponseTemplate::new(200).set_body_raw("", "text/plain"),
    ] {
        let server = server().await;
        answer(&server, SERVE_FILE_PATH, reply).await;
        let err = ServeFile::new(42).send(&client(&server)).await.unwrap_err();
        assert!(err.is_decode(), "{err}");
        assert!(err.to_string().contains("instead of a file"), "{err}");
    }
}

#[tokio::test]
async fn a_real_file_streams_unchanged_whatever_its_label() {
    let file = b"PK\x03\x04workbook{\"error\":\"not an error\"}".to_vec();
    for reply in [
        ResponseTemplate::new(200).set_body_raw(file.clone(), XLSX),
        ResponseTemplate::new(200).set_body_raw(file.clone(), "application/octet-stream"),
        ResponseTemplate::new(200).set_body_raw(file.clone(), "text/plain"),
        ResponseTemplate::new(200).set_body_bytes(file.clone()),
    ] {
        let server = server().await;
        answer(&server, SERVE_FILE_PATH, reply).await;
        let bytes = ServeFile::new(42)
            .send(&client(&server))
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap();
        assert_eq!(&bytes[..], &file[..]);
    }
    // An export as text (a CSV labelled so), even one with no rows.
    for (csv, label) in [
        (&b"personCode,personName\nE1,Ann\n"[..], "text/csv"),
        (&b"personCode,personName\n"[..], "text/plain; charset=utf-8"),
    ] {
        let server = server().await;
        answer(
            &server,
            SERVE_FILE_PATH,
            ResponseTemplate::new(200).set_body_raw(csv.to_vec(), label),
        )
        .await;
        let bytes = ServeFile::new(42)
            .send(&client(&server))
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap();
        assert_eq!(&bytes[..], csv, "{label}");
    }
}

#[tokio::test]
async fn bytes_refuses_a_download_over_its_cap() {
    let server = server().await;
    answer(
        &server,
        SERVE_FILE_PATH,
        ResponseTemplate::new(200).set_body_raw(vec![b'P'; DEFAULT_MAX_RESPONSE_BYTES + 1], XLSX),
    )
    .await;
    answer(
        &server,
        TEMPLATE_PATH,
        ResponseTemplate::new(200).set_body_raw(vec![b'P'; 1000], XLSX),
    )
    .await;
    let client = client(&server);
    let err = ServeFile::new(42)
        .send(&client)
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap_err();
    assert_eq!(
        err.transport_kind(),
        Some(TransportErrorKind::BodyTooLarge),
        "{err}"
    );
    let request = GetTemplateExcel::new("t.xlsx");
    let template = || request.send(&client);
    let err = template()
        .await
        .unwrap()
        .max_bytes(999)
        .bytes()
        .await
        .unwrap_err();
    assert_eq!(
        err.transport_kind(),
        Some(TransportErrorKind::BodyTooLarge),
        "{err}"
    );
    let whole = template().await.unwrap().max_bytes(1000).bytes().await;
    assert_eq!(whole.unwrap().len(), 1000);
}

// ---- export job ------------------------------------------------------------

#[tokio::test]
async fn an_export_poll_gets_only_what_is_left_of_the_jobs_timeout() {
    let server = server().await;
    let task = json!({"taskId": 5047646, "status": 0, "docId": null, "fileSize": 0});
    answer(
        &server,
        EXPORT_PATH,
        ResponseTemplate::new(200).set_body_json(&task),
    )
    .await;
    answer(
        &server,
        EXPORT_POLL_PATH,
        ResponseTemplate::new(200)
            .set_body_json(json!({"data": [task], "totalCount": 1}))
            .set_delay(Duration::from_secs(10)),
    )
    .await;
    let started = Instant::now();
    let err = client(&server)
        .persons()
        .export(ExportPersons::new("ChengTiePersonModel.export"))
        .poll_interval(MIN_POLL_INTERVAL)
        .timeout(Duration::from_secs(1))
        .await
        .unwrap_err();
    let took = started.elapsed();
    assert!(err.is_deadline() || err.is_timeout(), "{err}");
    assert!(
        took < Duration::from_secs(4),
        "the poll ran {took:?}, past the job's 1 s"
    );
}

// ---- token -----------------------------------------------------------------

#[tokio::test]
async fn a_token_refusal_in_http_200_is_an_auth_error_with_the_vendor_code() {
    let cases = [
        (
            json!({"error": "invalid_grant", "error_description": "Bad credentials"}),
            Some("invalid_grant"),
            "Bad credentials",
        ),
        (
            json!({"status": "failed", "msg": "app locked", "data": null}),
            Some("failed"),
            "app locked",
        ),
        (
            json!({"access_token": " ", "token_type": "bearer", "expires_in": 1799}),
            None,
            "the token endpoint answered an empty access_token",
        ),
    ];
    for (body, code, message) in cases {
        let server = server_with_token(ResponseTemplate::new(200).set_body_json(&body)).await;
        let err = client(&server).token_cache().token().await.unwrap_err();
        assert!(err.is_auth(), "{body}: {err}");
        assert_eq!(
            (err.vendor_code(), err.vendor_message(), err.status()),
            (code, Some(message), Some(200)),
            "{body}: {err}"
        );
        assert_eq!(err.service(), Some("isdp"));
    }
}
