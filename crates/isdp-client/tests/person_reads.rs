//! findPersonByUserIdList (personal data masked) and
//! findPersonMoreInfoByPersonCode: against a mock server with the public
//! bodies, then against the in-process sandbox.
//!
//! Sources of the fixtures (tests/resources/):
//! - `api_01_0112_*`: the request of Huawei's reference api_01_0112; the
//!   reply is the published example of its plain-text sibling (api_01_0113,
//!   same field table, a bare array), whose phone is already masked
//!   (`137*******1`), as api_01_0112 says its replies are.
//! - `api_01_0340_*`: the request is the example of findPersonByPersonCode
//!   (api_01_0392, same `{personCode}`); api_01_0340 shows no reply
//!   example, so the reply has every field of its table, with the
//!   envelope fields (`status`, `entityName`, `appName`) and values of the
//!   getPersonList example (api_01_0395) for the same person.

use futures::TryStreamExt;
use hr_sandbox::{DataConfig, Sandbox, SandboxConfig};
use isdp_client::{
    Credentials, Error, FindMaskedPersonsByUserIds, FindPersonByCode, FindPersonsByUserIds,
    IsdpClient, PERSON_MASKED_PATH, PERSON_MORE_INFO_PATH, PersonStatus, PersonType,
};
use serde_json::{Value, json};
use wiremock::matchers::{body_json, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn fixture_json(name: &str) -> Value {
    let text = std::fs::read_to_string(format!(
        "{}/tests/resources/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    serde_json::from_str(&text).unwrap()
}

async fn server() -> MockServer {
    let server = MockServer::builder().start().await;
    Mock::given(method("POST"))
        .and(path("/oauth2/oauth/rest_token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"access_token": "t", "token_type": "bearer", "expires_in": 1799, "scope": "all"}),
        ))
        .mount(&server)
        .await;
    server
}

fn client(url: String) -> IsdpClient {
    IsdpClient::builder()
        .base_url(url)
        .credentials(Credentials::password_grant_default_secret(
            "cid",
            "app",
            "app-token",
        ))
        .build()
        .unwrap()
}

#[tokio::test]
async fn masked_persons_send_the_documented_body_and_read_the_published_example() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path(PERSON_MASKED_PATH))
        .and(body_json(fixture_json(
            "api_01_0112_find_person_by_user_id_list_request.json",
        )))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture_json(
            "api_01_0112_find_person_by_user_id_list_response.json",
        )))
        .expect(1)
        .mount(&server)
        .await;
    let persons = client(server.uri())
        .persons()
        .by_user_ids_masked([1859])
        .await
        .unwrap();
    assert_eq!(persons.len(), 1);
    let p = &persons[0];
    assert_eq!(p.person_id.get(), 183663);
    assert_eq!(p.user_id.map(|u| u.get()), Some(1859));
    assert_eq!(p.person_type, Some(PersonType::Admin));
    assert_eq!(p.person_status, Some(PersonStatus::OpenAccount));
    assert!(p.is_phone_masked());
    assert_eq!(p.org_name.as_deref(), Some("超级租户"));
    assert_eq!(p.integration_account.as_deref(), Some("jczh123"));
    assert_eq!(p.extra["lastUpdateDate"], 1631861495000_u64);
    assert!(
        !format!("{p:?}").contains("137*******1"),
        "Debug masks again"
    );
    let none = FindMaskedPersonsByUserIds::new(Vec::<i64>::new())
        .send(&client(server.uri()))
        .await;
    assert!(
        matches!(none, Err(Error::InvalidRequest { .. })),
        "{none:?}"
    );
}

#[tokio::test]
async fn person_by_code_sends_the_code_and_reads_every_documented_field() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path(PERSON_MORE_INFO_PATH))
        .and(body_json(fixture_json(
            "api_01_0340_find_person_more_info_request.json",
        )))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture_json(
            "api_01_0340_find_person_more_info_response.json",
        )))
        .expect(1)
        .mount(&server)
        .await;
    let p = client(server.uri())
        .persons()
        .by_code("hzjTest5")
        .await
        .unwrap()
        .expect("found");
    assert_eq!(p.person_id.get(), 5001610);
    assert_eq!(p.person_code.as_deref(), Some("hzjTest5"));
    assert_eq!(p.user_id.map(|u| u.get()), Some(5003069));
    assert_eq!(
        p.email.as_ref().map(|e| e.expose().as_str()),
        Some("hzj@example.com")
    );
    assert_eq!(p.phone_hash.as_deref(), Some("9f2c0e1d7a"));
    assert!(!p.is_deleted());
    let shown = format!("{p:?}");
    assert!(!shown.contains("13572003278") && !shown.contains("hzj@example.com"));
    assert_eq!(p.extra["entityName"], "person");
}

#[tokio::test]
async fn person_by_code_reads_null_or_nothing_as_none_and_refusals_as_errors() {
    for body in [
        ResponseTemplate::new(200).set_body_string("null"),
        ResponseTemplate::new(200),
    ] {
        let server = server().await;
        Mock::given(method("POST"))
            .and(path(PERSON_MORE_INFO_PATH))
            .respond_with(body)
            .mount(&server)
            .await;
        let got = FindPersonByCode::new("nobody")
            .send(&client(server.uri()))
            .await
            .unwrap();
        assert!(got.is_none());
    }
    let server = server().await;
    Mock::given(method("POST"))
        .and(path(PERSON_MORE_INFO_PATH))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"stateCode": "1", "errorMessage": "personCode is required", "result": null}),
        ))
        .mount(&server)
        .await;
    let err = FindPersonByCode::new("x")
        .send(&client(server.uri()))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Api { .. }), "{err:?}");
    let blank = FindPersonByCode::new(" ").send(&client(server.uri())).await;
    assert!(matches!(blank, Err(Error::InvalidRequest { .. })));
}

fn sandbox_client(sandbox: &Sandbox) -> IsdpClient {
    let cfg = &sandbox.config().isdp;
    IsdpClient::builder()
        .base_url(sandbox.isdp_url())
        .credentials(Credentials::password_grant(
            cfg.client_id.clone(),
            cfg.client_secret.clone(),
            cfg.username.clone(),
            cfg.password.clone(),
        ))
        .build()
        .unwrap()
}

#[tokio::test]
async fn sandbox_masked_and_plain_reads_agree_but_for_the_phone() {
    let cfg = SandboxConfig {
        data: DataConfig {
            employees: 300,
            ..DataConfig::default()
        },
        ..SandboxConfig::default()
    };
    let sandbox = Sandbox::start(cfg).await.unwrap();
    let client = sandbox_client(&sandbox);
    let listed: Vec<_> = futures::StreamExt::take(client.persons().all(), 5)
        .try_collect()
        .await
        .unwrap();
    let users: Vec<_> = listed.iter().filter_map(|p| p.user_id).collect();
    let mut asked = users.clone();
    asked.push(isdp_client::UserId::from(1));
    let masked = FindMaskedPersonsByUserIds::new(asked)
        .send(&client)
        .await
        .unwrap();
    let plain = FindPersonsByUserIds::new(users.clone())
        .send(&client)
        .await
        .unwrap();
    assert_eq!(masked.len(), users.len(), "unknown ids are left out");
    for (m, p) in masked.iter().zip(&plain) {
        assert_eq!(m.person_id, p.person_id);
        assert_eq!(m.person_code, p.person_code);
        assert!(m.is_phone_masked());
        let (clear, shown) = (
            p.phone.as_ref().unwrap().expose(),
            m.phone.as_ref().unwrap().expose(),
        );
        assert_eq!(clear.len(), shown.len());
        assert_eq!(&clear[..3], &shown[..3]);
        assert_ne!(clear, shown);
    }
    // By code: more fields, the phone in clear, `None` for an unknown code.
    let first = &listed[0];
    let detail = client
        .persons()
        .by_code(first.person_code.clone())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(detail.person_id, first.person_id);
    assert_eq!(detail.user_id, first.user_id);
    assert_eq!(detail.admin_org_id, first.admin_org_id);
    assert!(detail.email.is_some() && detail.phone_hash.is_some());
    assert!(!detail.phone.as_ref().unwrap().expose().contains('*'));
    assert!(
        client
            .persons()
            .by_code("NO-SUCH-CODE")
            .await
            .unwrap()
            .is_none()
    );
}
