//! The two person batch updates Huawei documents, against wiremock with
//! the request and response examples of its API reference:
//! `person/batchUpdate` (批量更新人员信息, api_01_0120) and
//! `person/batchUpdatePerson` (添加人员账号, add person accounts,
//! api_01_0402).

use std::sync::{Arc, Mutex};

use isdp_client::{
    AddPersonAccounts, BatchUpdatePersonInfo, Credentials, Error, IsdpClient,
    PERSON_ADD_ACCOUNTS_PATH, PERSON_BATCH_UPDATE_INFO_PATH, Person, PersonPatch, PersonStatus,
    PersonType, PersonUpdate,
};
use serde_json::{Value, json};
use wiremock::matchers::{body_json, method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

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

fn client(server: &MockServer) -> IsdpClient {
    IsdpClient::builder()
        .base_url(server.uri())
        .credentials(Credentials::password_grant_default_secret(
            "cid",
            "app",
            "app-token",
        ))
        .build()
        .unwrap()
}

/// The documented example of api_01_0120, built with the typed setters.
fn documented_update() -> PersonUpdate {
    PersonUpdate::new(
        "testAAACC",
        "test AAA CC",
        PersonType::Employee,
        PersonStatus::NoAccountOpened,
        "robin_test",
    )
    .role_no(["test Role1", "robin_test_func"])
    .position_code(["test012", "robin_test_postion_01"])
    .field("udfExtend1", "AAA")
}

#[tokio::test]
async fn batch_update_sends_the_documented_body_and_reads_the_documented_answer() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path("/openapi/v1/person/batchUpdate"))
        .and(body_json(fixture_json(
            "api_01_0120_batch_update_request.json",
        )))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(fixture_json("api_01_0120_batch_update_response.json")),
        )
        .expect(1)
        .mount(&server)
        .await;
    let outcome = client(&server)
        .persons()
        .update_info([documented_update()])
        .await
        .unwrap();
    // `data: null` on success: the person sent is listed as written.
    assert_eq!((outcome.success, outcome.failed, outcome.calls), (1, 0, 1));
    assert_eq!(outcome.items[0].person_code.as_deref(), Some("testAAACC"));
    assert!(outcome.into_result().is_ok());
    assert_eq!(
        PERSON_BATCH_UPDATE_INFO_PATH,
        "/openapi/v1/person/batchUpdate"
    );
}

#[tokio::test]
async fn add_person_accounts_sends_the_documented_body_to_batch_update_person() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path("/openapi/v1/person/batchUpdatePerson"))
        .and(body_json(fixture_json(
            "api_01_0402_batch_update_person_request.json",
        )))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "status": "success", "msg": "success", "success": 1, "failed": 0,
            "data": [{"personCode": "h007996952", "personId": 5001610, "status": "success", "msg": "success"}],
        })))
        .expect(1)
        .mount(&server)
        .await;
    // Every field of the vendor's example: the modelled ones by setter,
    // the others by name, with the example's own JSON types.
    let patch = PersonPatch::by_code("h007996952")
        .org_no("robin_test_4_0")
        .person_name("测试人员批量更新")
        .person_type(PersonType::Employee)
        .role_no(["test Role1", "robin_test_func"])
        .position_code(["test012", "robin_test_postion_01"])
        .phone("135*******1")
        .integration_account("hw")
        .is_smart_device(false)
        .certificate("ID_CARD", "50010********36114")
        .field("qualificationCode", "61")
        .field("udfExtend1", "AAA")
        .field("udfExtend4", "AAA")
        .field("firstName", "A")
        .field("lastName", "B")
        .field("description", "测试人员批量更新")
        .field("email", "hsc@xxxx.com")
        .field("customerCode", "客户编码3-测试")
        .field("supplierCode", "T001")
        .field("openAccount", "1")
        .field("headFileId", "1")
        .field("faceFileId", "1")
        .field("status", "1")
        .field("registerFace", 1)
        .field("blackList", 1)
        .field("reason", "reason")
        .field("electronicSignatureId", "1")
        .field("language", "zh_CN");
    let outcome = AddPersonAccounts::new([patch])
        .send(&client(&server))
        .await
        .unwrap();
    assert_eq!((outcome.success, outcome.failed), (1, 0));
    assert_eq!(outcome.items[0].person_id.map(|id| id.0), Some(5001610));
    assert_eq!(
        PERSON_ADD_ACCOUNTS_PATH,
        "/openapi/v1/person/batchUpdatePerson"
    );
}

/// Records the size of each `personList` it receives.
struct Sizes(Arc<Mutex<Vec<usize>>>);

impl Respond for Sizes {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        let body: Value = serde_json::from_slice(&req.body).unwrap();
        self.0
            .lock()
            .unwrap()
            .push(body["personList"].as_array().map_or(0, Vec::len));
        ResponseTemplate::new(200)
            .set_body_json(json!({"status": "success", "msg": null, "data": null}))
    }
}

#[tokio::test]
async fn both_updates_are_chunked_by_100() {
    let server = server().await;
    let (info, accounts) = (Arc::default(), Arc::default());
    Mock::given(path("/openapi/v1/person/batchUpdate"))
        .respond_with(Sizes(Arc::clone(&info)))
        .mount(&server)
        .await;
    Mock::given(path("/openapi/v1/person/batchUpdatePerson"))
        .respond_with(Sizes(Arc::clone(&accounts)))
        .mount(&server)
        .await;
    let client = client(&server);
    let updates = (0..250).map(|i| {
        PersonUpdate::new(
            format!("P{i}"),
            "n",
            PersonType::Employee,
            PersonStatus::OpenAccount,
            "D1",
        )
    });
    let outcome = BatchUpdatePersonInfo::new(updates)
        .send(&client)
        .await
        .unwrap();
    assert_eq!((outcome.calls, outcome.success), (3, 250));
    assert_eq!(*info.lock().unwrap(), [100, 100, 50]);
    let outcome = client
        .persons()
        .add_accounts((0..101).map(|i| PersonPatch::by_code(format!("P{i}"))))
        .await
        .unwrap();
    assert_eq!((outcome.calls, outcome.success), (2, 101));
    assert_eq!(*accounts.lock().unwrap(), [100, 1]);
}

#[tokio::test]
async fn the_old_name_still_adds_accounts() {
    let server = server().await;
    Mock::given(path("/openapi/v1/person/batchUpdatePerson"))
        .respond_with(Sizes(Arc::default()))
        .expect(2)
        .mount(&server)
        .await;
    let client = client(&server);
    #[allow(deprecated)]
    {
        isdp_client::BatchUpdatePersons::new([PersonPatch::by_code("E1")])
            .send(&client)
            .await
            .unwrap();
        client
            .persons()
            .update([PersonPatch::by_code("E2")])
            .await
            .unwrap();
        assert_eq!(
            isdp_client::PERSON_BATCH_UPDATE_PATH,
            PERSON_ADD_ACCOUNTS_PATH
        );
    }
}

#[tokio::test]
async fn what_batch_update_requires_is_checked_before_sending() {
    let server = server().await;
    let client = client(&server);
    let six_roles = documented_update().role_no(["R1", "R2", "R3", "R4", "R5", "R6"]);
    let err = BatchUpdatePersonInfo::new([documented_update(), six_roles])
        .send(&client)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::InvalidRequest { field: Some(f), .. } if f == "personList[1].roleNo"),
        "{err}"
    );
    let no_org = documented_update().org_no(" ");
    let err = BatchUpdatePersonInfo::new([no_org])
        .send(&client)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("orgNo"), "{err}");
    // Nothing reached the server but nothing at all: no token either.
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[test]
fn an_update_from_a_listed_person_keeps_what_it_does_not_change() {
    let listed: Person = serde_json::from_value(json!({
        "personId": 5001610, "personCode": "h00799695b", "personName": "黄x",
        "personType": "Employee", "personStatus": "Freeze", "phone": "135******78",
        "Org": {"id": 9911292880i64, "orgId": 9911292880i64, "orgNo": "SaasTenant101075"},
        "roleInfo": [{"roleId": "126290", "roleCode": "ConstructionSiteOperator"}],
        "positionInfo": [{"positionId": "5000829", "positionCode": "HWtest"}],
    }))
    .unwrap();
    let update = PersonUpdate::from_person(&listed)
        .unwrap()
        .field("udfExtend1", "13512345678");
    assert_eq!(
        serde_json::to_value(&update).unwrap(),
        json!({
            "personCode": "h00799695b", "personName": "黄x", "personType": "Employee",
            "personStatus": "Freeze", "orgNo": "SaasTenant101075",
            "roleNo": "ConstructionSiteOperator", "positionCode": "HWtest",
            "udfExtend1": "13512345678",
        }),
        "the masked phone is not sent back"
    );
    let mut no_org = listed.clone();
    no_org.org = None;
    let err = PersonUpdate::from_person(&no_org).unwrap_err();
    assert!(err.to_string().contains("orgNo"), "{err}");
}
