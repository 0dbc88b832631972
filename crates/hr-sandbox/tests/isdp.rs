//! The Huawei ISDP+ simulator, through real HTTP.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::time::Duration;

use hr_sandbox::isdp::{
    EXPORT_PATH, EXPORT_POLL_PATH, IMPORT_PATH, IMPORT_TEMPLATE_COLUMNS, LEGACY_CLIENT,
    ORG_DELETE_PATH, ORG_DIRECTION_PATH, ORG_LIST_PATH, ORG_SAVE_PATH, PERSON_ADD_ACCOUNTS_PATH,
    PERSON_ADD_PATH, PERSON_BATCH_DEREGISTER_PATH, PERSON_BATCH_UPDATE_INFO_PATH,
    PERSON_DEREGISTER_PATH, PERSON_LIST_PATH, PERSON_PLAIN_TEXT_PATH, PERSON_UPDATE_PATH,
    POSITION_LIST_PATH, ROLE_LIST_PATH, SERVE_FILE_PATH, TEMPLATE_PATH, TOKEN_PATH, write_workbook,
};
use hr_sandbox::{Sandbox, SandboxConfig};
use serde_json::{Value, json};

const EXPIRED_XML: &str = "<InvalidTokenException><error>invalid_token</error><error_description>check_token error</error_description></InvalidTokenException>";

struct Isdp {
    sandbox: Sandbox,
    client: reqwest::Client,
    token: String,
}

impl Isdp {
    async fn start(config: SandboxConfig) -> Isdp {
        let sandbox = Sandbox::start(config).await.expect("sandbox starts");
        let client = reqwest::Client::new();
        let token = fetch_token(&sandbox, &client).await["access_token"]
            .as_str()
            .expect("access_token")
            .to_owned();
        Isdp {
            sandbox,
            client,
            token,
        }
    }

    async fn raw(&self, path: &str, body: &Value) -> reqwest::Response {
        self.client
            .post(format!("{}{path}", self.sandbox.isdp_url()))
            .header("Authorization", format!("bearer {}", self.token))
            .json(body)
            .send()
            .await
            .expect("request")
    }

    /// POSTs and expects HTTP 200 with JSON.
    async fn call(&self, path: &str, body: Value) -> Value {
        let response = self.raw(path, &body).await;
        let status = response.status();
        let text = response.text().await.unwrap();
        assert_eq!(status, 200, "{path} {body}: {text}");
        serde_json::from_str(&text).expect("JSON")
    }

    /// POSTs and expects a refusal with `status`.
    async fn refused(&self, path: &str, body: Value, status: u16) -> Value {
        let response = self.raw(path, &body).await;
        assert_eq!(response.status(), status, "{path} {body}");
        response.json().await.expect("JSON")
    }

    /// Every person, through getPersonList pages of 200.
    async fn everyone(&self) -> Vec<Value> {
        let mut all = Vec::new();
        loop {
            let page = self
                .call(
                    PERSON_LIST_PATH,
                    json!({"page": {"start": all.len(), "count": 200}}),
                )
                .await;
            let data = page["data"].as_array().unwrap().clone();
            if data.is_empty() {
                return all;
            }
            all.extend(data);
        }
    }

    /// How many persons match `filter`.
    async fn total(&self, filter: Value) -> usize {
        self.call(PERSON_LIST_PATH, filter).await["totalCount"]
            .as_u64()
            .unwrap() as usize
    }

    /// The `personId`s getPersonList returns for `filter` (all pages).
    async fn ids(&self, mut filter: Value) -> Vec<i64> {
        filter["page"] = json!({"start": 0, "count": 200});
        let page = self.call(PERSON_LIST_PATH, filter).await;
        assert!(
            page["totalCount"].as_u64().unwrap() <= 200,
            "one page is enough here"
        );
        ids_of(&page["data"])
    }
}

fn ids_of(data: &Value) -> Vec<i64> {
    data.as_array()
        .unwrap()
        .iter()
        .map(|p| p["personId"].as_i64().unwrap())
        .collect()
}

async fn fetch_token(sandbox: &Sandbox, client: &reqwest::Client) -> Value {
    let config = &sandbox.config().isdp;
    let response = client
        .post(format!("{}{TOKEN_PATH}", sandbox.isdp_url()))
        .json(&json!({
            "client_id": config.client_id,
            "client_secret": config.client_secret,
            "grant_type": "password",
            "username": config.username,
            "password": config.password,
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

/// The expected ids: those of `all` passing `keep`.
fn expected(all: &[Value], keep: impl Fn(&Value) -> bool) -> Vec<i64> {
    all.iter()
        .filter(|p| keep(p))
        .map(|p| p["personId"].as_i64().unwrap())
        .collect()
}

#[tokio::test]
async fn token_has_a_string_expires_in_and_bad_credentials_are_refused() {
    let isdp = Isdp::start(SandboxConfig::default()).await;
    let token = fetch_token(&isdp.sandbox, &isdp.client).await;
    assert_eq!(token["token_type"], "bearer");
    assert_eq!(token["expires_in"], "359", "a string, from token_ttl");
    assert_eq!(token["scope"], "all");
    assert!(token["plat_user"].is_object());
    assert_ne!(token["access_token"], json!(isdp.token), "fresh tokens");
    assert_eq!(isdp.sandbox.counters().get("tokens_issued.isdp"), 2);

    let url = format!("{}{TOKEN_PATH}", isdp.sandbox.isdp_url());
    let config = isdp.sandbox.config().isdp.clone();
    let good = json!({
        "client_id": config.client_id, "client_secret": config.client_secret,
        "grant_type": "password", "username": config.username, "password": config.password,
    });
    for (field, value, status, error) in [
        ("client_secret", "wrong", 401, "invalid_client"),
        ("password", "wrong", 400, "invalid_grant"),
        (
            "grant_type",
            "client_credentials",
            400,
            "unsupported_grant_type",
        ),
    ] {
        let mut body = good.clone();
        body[field] = json!(value);
        let response = isdp.client.post(&url).json(&body).send().await.unwrap();
        assert_eq!(response.status(), status, "{field}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["error"], error);
    }
    assert_eq!(isdp.sandbox.counters().get("tokens_issued.isdp"), 2);
}

/// Spring Security OAuth2 also reads the token from an `access_token`
/// query parameter, and Jackson binds a numeric `username` into its
/// String field.
#[tokio::test]
async fn a_query_token_and_a_numeric_username_are_accepted() {
    let mut config = SandboxConfig::default();
    config.isdp.username = "100200".into();
    let isdp = Isdp::start(config).await;
    let config = isdp.sandbox.config().isdp.clone();
    let response = isdp
        .client
        .post(format!("{}{TOKEN_PATH}", isdp.sandbox.isdp_url()))
        .json(&json!({
            "client_id": config.client_id, "client_secret": config.client_secret,
            "grant_type": "password", "username": 100200, "password": config.password,
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let token: Value = response.json().await.unwrap();
    let token = token["access_token"].as_str().expect("a token").to_owned();

    let url = format!("{}{PERSON_LIST_PATH}", isdp.sandbox.isdp_url());
    let page = |query: String| {
        isdp.client
            .post(format!("{url}?{query}"))
            .json(&json!({"page": {"start": 0, "count": 1}}))
            .send()
    };
    let response = page(format!("access_token={token}")).await.unwrap();
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["data"].as_array().map(Vec::len), Some(1), "{body}");
    let response = page("access_token=forged".into()).await.unwrap();
    assert_eq!(response.status(), 401);

    // Spring Boot 2 matches a trailing slash too.
    let response = isdp
        .client
        .post(format!("{url}/?access_token={token}"))
        .json(&json!({"page": {"start": 0, "count": 1}}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn missing_and_unknown_tokens_get_json_401s() {
    let isdp = Isdp::start(SandboxConfig::default()).await;
    let url = format!("{}{PERSON_LIST_PATH}", isdp.sandbox.isdp_url());

    let response = isdp
        .client
        .post(&url)
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"], "unauthorized");

    let response = isdp
        .client
        .post(&url)
        .header("Authorization", "bearer not-a-token")
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/json")
    );
    let body: Value = response.json().await.unwrap();
    assert_eq!(
        body,
        json!({"error": "invalid_token", "error_description": "check_token error"})
    );
    assert_eq!(isdp.sandbox.counters().get("auth_rejected.isdp"), 2);

    // The scheme is case-insensitive.
    let response = isdp
        .client
        .post(&url)
        .header("Authorization", format!("Bearer {}", isdp.token))
        .json(&json!({"page": {"count": 1}}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
}

async fn expect_xml_401(isdp: &Isdp) {
    let response = isdp.raw(PERSON_LIST_PATH, &json!({})).await;
    assert_eq!(response.status(), 401);
    assert_eq!(response.headers()["content-type"], "application/xml");
    assert_eq!(response.text().await.unwrap(), EXPIRED_XML);
}

#[tokio::test]
async fn expired_and_revoked_tokens_get_the_xml_401() {
    let mut config = SandboxConfig::default();
    config.isdp.token_ttl = Duration::from_secs(359);
    let mut isdp = Isdp::start(config).await;
    isdp.call(PERSON_LIST_PATH, json!({"page": {"count": 1}}))
        .await;
    isdp.sandbox.advance_clock(Duration::from_secs(300));
    isdp.call(PERSON_LIST_PATH, json!({"page": {"count": 1}}))
        .await;
    isdp.sandbox.advance_clock(Duration::from_secs(60));
    expect_xml_401(&isdp).await;

    let mut config = SandboxConfig::default();
    config.isdp.revoke_tokens_after = Some(2);
    isdp = Isdp::start(config).await;
    isdp.call(PERSON_LIST_PATH, json!({"page": {"count": 1}}))
        .await;
    isdp.call(ROLE_LIST_PATH, json!({})).await;
    expect_xml_401(&isdp).await;
    isdp.token = fetch_token(&isdp.sandbox, &isdp.client).await["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    isdp.call(PERSON_LIST_PATH, json!({"page": {"count": 1}}))
        .await;

    isdp.sandbox.revoke_tokens();
    expect_xml_401(&isdp).await;
    assert_eq!(isdp.sandbox.counters().get("auth_rejected.isdp"), 2);
}

#[tokio::test]
async fn expired_and_revoked_tokens_stay_xml_after_new_tokens_are_issued() {
    let mut config = SandboxConfig::default();
    config.isdp.token_ttl = Duration::from_secs(359);
    let mut isdp = Isdp::start(config).await;
    let expired = isdp.token.clone();
    isdp.sandbox.advance_clock(Duration::from_secs(360));
    // Someone else gets a token: the expired one is still known as expired.
    let fresh = fetch_token(&isdp.sandbox, &isdp.client).await["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    expect_xml_401(&isdp).await;

    // Revoked, then a new token issued: the revoked one stays XML too.
    isdp.token = fresh;
    isdp.call(PERSON_LIST_PATH, json!({"page": {"count": 1}}))
        .await;
    isdp.sandbox.revoke_tokens();
    fetch_token(&isdp.sandbox, &isdp.client).await;
    expect_xml_401(&isdp).await;
    isdp.token = expired;
    expect_xml_401(&isdp).await;

    // A token of another sandbox was never issued here: JSON.
    let other = Isdp::start(SandboxConfig::default()).await;
    isdp.token = other.token.clone();
    let body = isdp.refused(PERSON_LIST_PATH, json!({}), 401).await;
    assert_eq!(body["error"], "invalid_token");
    // Tampering with one character makes it unknown, not expired.
    let mut tampered = other.token.into_bytes();
    tampered[0] = if tampered[0] == b'a' { b'b' } else { b'a' };
    isdp.token = String::from_utf8(tampered).unwrap();
    let body = isdp.refused(PERSON_LIST_PATH, json!({}), 401).await;
    assert_eq!(body["error"], "invalid_token");
}

#[tokio::test]
async fn expires_in_can_be_a_number() {
    let mut config = SandboxConfig::default();
    config.isdp.expires_in_as_string = false;
    config.isdp.token_ttl = Duration::from_secs(1199);
    let isdp = Isdp::start(config).await;
    let token = fetch_token(&isdp.sandbox, &isdp.client).await;
    assert_eq!(token["expires_in"], json!(1199));
    assert!(SandboxConfig::default().isdp.expires_in_as_string);
}

#[tokio::test]
async fn the_legacy_fixed_client_gets_a_token_unless_refused() {
    let isdp = Isdp::start(SandboxConfig::default()).await;
    let config = isdp.sandbox.config().isdp.clone();
    let url = format!("{}{TOKEN_PATH}", isdp.sandbox.isdp_url());
    let body = |id: &str, secret: &str| {
        json!({"client_id": id, "client_secret": secret, "grant_type": "password",
               "username": config.username, "password": config.password})
    };
    let response = isdp
        .client
        .post(&url)
        .json(&body(LEGACY_CLIENT, LEGACY_CLIENT))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let token: Value = response.json().await.unwrap();
    let bearer = token["access_token"].as_str().unwrap();
    let page = isdp
        .client
        .post(format!("{}{PERSON_LIST_PATH}", isdp.sandbox.isdp_url()))
        .bearer_auth(bearer)
        .json(&json!({"page": {"count": 1}}))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200, "the legacy token works");
    // Only as a pair: the legacy id with another secret is refused.
    for (id, secret) in [
        (LEGACY_CLIENT, config.client_secret.as_str()),
        (config.client_id.as_str(), LEGACY_CLIENT),
    ] {
        let response = isdp
            .client
            .post(&url)
            .json(&body(id, secret))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 401, "{id}/{secret}");
    }

    let mut strict = SandboxConfig::default();
    strict.isdp.accept_legacy_client = false;
    let isdp = Isdp::start(strict).await;
    let url = format!("{}{TOKEN_PATH}", isdp.sandbox.isdp_url());
    let response = isdp
        .client
        .post(&url)
        .json(&body(LEGACY_CLIENT, LEGACY_CLIENT))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    let refused: Value = response.json().await.unwrap();
    assert_eq!(refused["error"], "invalid_client");
}

#[tokio::test]
async fn batch_update_takes_the_vendor_example_and_answers_its_reply() {
    let isdp = Isdp::start(SandboxConfig::default()).await;
    let person = isdp
        .call(PERSON_LIST_PATH, json!({"idList": [5000007]}))
        .await["data"][0]
        .clone();
    let code = person["personCode"].as_str().unwrap().to_owned();
    let org = isdp.sandbox.data().orgs()[2].clone();
    // api_01_0120's example, with this sandbox's codes.
    let reply = isdp
        .call(
            PERSON_BATCH_UPDATE_INFO_PATH,
            json!({"personList": [{
                "orgNo": org.code, "personCode": code, "personName": "test AAA CC",
                "personStatus": "NoAccountOpened", "personType": "Employee",
                "roleNo": "QualityInspector,SafetyOfficer", "udfExtend1": "AAA",
            }]}),
        )
        .await;
    assert_eq!(
        reply,
        json!({"status": "success", "msg": null, "data": null})
    );
    let after = &isdp
        .call(PERSON_LIST_PATH, json!({"idList": [5000007]}))
        .await["data"][0];
    assert_eq!(after["personCode"], code.as_str(), "no @hw here");
    assert_eq!(after["personName"], "test AAA CC");
    assert_eq!(after["personStatus"], "NoAccountOpened");
    assert_eq!(after["Org"]["orgNo"], org.code.as_str());
    assert_eq!(after["udfExtend1"], "AAA");

    // The documented required fields, and at most five roles.
    let partial = isdp
        .call(
            PERSON_BATCH_UPDATE_INFO_PATH,
            json!({"personList": [{"personCode": code, "personName": "x"}]}),
        )
        .await;
    assert_eq!(partial["status"], "failed");
    assert!(
        partial["data"][0]["msg"]
            .as_str()
            .unwrap()
            .contains("personType is required"),
        "{partial}"
    );
    let six = isdp
        .call(
            PERSON_BATCH_UPDATE_INFO_PATH,
            json!({"personList": [{
                "orgNo": org.code, "personCode": code, "personName": "x",
                "personStatus": "OpenAccount", "personType": "Employee",
                "roleNo": "A,B,C,D,E,F",
            }]}),
        )
        .await;
    assert_eq!(six["failed"], 1, "{six}");
    assert!(
        six["data"][0]["msg"]
            .as_str()
            .unwrap()
            .contains("at most 5"),
        "{six}"
    );
}

#[tokio::test]
async fn batch_update_person_adds_accounts_by_code_with_hw_appended() {
    let isdp = Isdp::start(SandboxConfig::default()).await;
    let org = isdp.sandbox.data().orgs()[1].clone();
    let added = isdp
        .call(
            PERSON_ADD_PATH,
            json!({"personList": [{"personCode": "h007996952@hw", "personName": "待开户",
                "personType": "Employee", "phone": "13900002222", "orgNo": org.code,
                "personStatus": "NoAccountOpened"}]}),
        )
        .await;
    assert_eq!(added["status"], "success", "{added}");
    let id = added["data"][0]["personId"].as_i64().unwrap();
    let dataset_code = isdp
        .call(PERSON_LIST_PATH, json!({"idList": [5000004]}))
        .await["data"][0]["personCode"]
        .as_str()
        .unwrap()
        .to_owned();
    let reply = isdp
        .call(
            PERSON_ADD_ACCOUNTS_PATH,
            json!({"personList": [
                {"personCode": "h007996952", "personName": "测试人员批量更新", "openAccount": "1",
                 "udfExtend4": "AAA"},
                {"personCode": dataset_code, "personName": "x"},
            ]}),
        )
        .await;
    assert_eq!(
        (reply["success"].clone(), reply["failed"].clone()),
        (json!(1), json!(1))
    );
    assert_eq!(reply["data"][0]["personId"], id);
    assert!(
        reply["data"][1]["msg"]
            .as_str()
            .unwrap()
            .contains(&format!("{dataset_code}@hw")),
        "the dataset person has no @hw code: {reply}"
    );
    let after = &isdp.call(PERSON_LIST_PATH, json!({"idList": [id]})).await["data"][0];
    assert_eq!(after["personCode"], "h007996952@hw", "the code is kept");
    assert_eq!(after["personName"], "测试人员批量更新");
    assert_eq!(after["personStatus"], "OpenAccount", "openAccount: 1");
    assert_eq!(after["udfExtend4"], "AAA");

    // At most 100 a call, as documented.
    let many: Vec<Value> = (0..101)
        .map(|i| json!({"personCode": format!("B{i}")}))
        .collect();
    let refused = isdp
        .call(PERSON_ADD_ACCOUNTS_PATH, json!({"personList": many}))
        .await;
    assert_eq!(
        (refused["status"].clone(), refused["data"].clone()),
        (json!("failed"), Value::Null)
    );
}

#[tokio::test]
async fn person_items_have_the_vendor_example_shape() {
    let isdp = Isdp::start(SandboxConfig::default()).await;
    let page = isdp
        .call(PERSON_LIST_PATH, json!({"page": {"start": 0, "count": 50}}))
        .await;
    let keys: BTreeSet<&str> = page
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        BTreeSet::from(["data", "pos", "total_count", "totalCount", "entityName"])
    );
    assert_eq!(page["totalCount"], 1000);
    assert_eq!(page["total_count"], 1000);
    assert_eq!(page["entityName"], Value::Null);

    // The vendor example's keys, exactly.
    let example_keys = BTreeSet::from([
        "personId",
        "profilePictureStatus",
        "personCode",
        "personName",
        "qualificationCode",
        "personType",
        "tenantId",
        "certificateType",
        "certificateNo",
        "profilePictureId",
        "blackList",
        "reason",
        "phone",
        "adminOrgId",
        "integrationAccount",
        "lastUpdatedBy",
        "lastUpdateDate",
        "personStatus",
        "udfExtend1",
        "udfExtend2",
        "udfExtend3",
        "udfExtend4",
        "udfExtend7",
        "udfExtend8",
        "udfExtend9",
        "udfExtend10",
        "isSmartDevice",
        "userId",
        "Org",
        "positionInfo",
        "roleInfo",
    ]);
    for (i, item) in page["data"].as_array().unwrap().iter().enumerate() {
        let keys: BTreeSet<&str> = item
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(keys, example_keys);
        let person = isdp.sandbox.data().person(i);
        assert_eq!(item["personId"], person.isdp_person_id);
        assert_eq!(item["userId"], person.isdp_user_id);
        assert_eq!(item["personCode"], person.job_number.as_str());
        assert_eq!(item["personName"], person.name.as_str());
        assert_eq!(item["adminOrgId"], person.isdp_org_id);
        assert_eq!(item["tenantId"], isdp.sandbox.data().tenant_id());

        let phone = item["phone"].as_str().unwrap();
        assert_eq!(
            phone,
            format!("{}******{}", &person.mobile[..3], &person.mobile[9..])
        );
        if let Some(cert) = item["certificateNo"].as_str() {
            assert!(cert.contains("********") && cert.len() == 18, "{cert}");
        }
        let date = item["lastUpdateDate"].as_str().unwrap();
        assert!(chrono::DateTime::parse_from_rfc3339(date).is_ok(), "{date}");
        assert!(date.ends_with(".000+08:00"), "{date}");
        assert!(item["udfExtend1"].is_null() && item["udfExtend10"].is_null());
        assert!(["Y", "N"].contains(&item["isSmartDevice"].as_str().unwrap()));

        let org = &item["Org"];
        assert_eq!(org["id"], item["adminOrgId"]);
        assert_eq!(org["orgId"], item["adminOrgId"]);
        assert_eq!(org["value"], org["orgName"]);
        assert!(org["orgNo"].is_string());
        for info in item["positionInfo"].as_array().unwrap() {
            assert!(info["positionId"].as_str().unwrap().parse::<i64>().is_ok());
            assert!(info["positionCode"].is_string() && info["positionName"].is_string());
        }
        let roles = item["roleInfo"].as_array().unwrap();
        assert!(!roles.is_empty());
        for info in roles {
            assert!(info["roleId"].as_str().unwrap().parse::<i64>().is_ok());
            assert!(info["roleCode"].is_string() && info["roleName"].is_string());
        }
        if person.has_left() {
            assert_eq!(item["personStatus"], "Cancel");
        }
    }
}

#[tokio::test]
async fn pages_list_everyone_once_in_person_id_order() {
    let isdp = Isdp::start(SandboxConfig::default()).await;
    let all = isdp.everyone().await;
    assert_eq!(all.len(), 1000);
    let ids = ids_of(&json!(all));
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "ascending, no repeats");

    let mut statuses: HashMap<String, usize> = HashMap::new();
    let mut types: HashMap<String, usize> = HashMap::new();
    for p in &all {
        *statuses
            .entry(p["personStatus"].as_str().unwrap().into())
            .or_default() += 1;
        *types
            .entry(p["personType"].as_str().unwrap().into())
            .or_default() += 1;
    }
    assert!(statuses["OpenAccount"] > 600, "{statuses:?}");
    assert!(statuses["Cancel"] > 50, "{statuses:?}");
    assert!(
        statuses["Freeze"] > 0 && statuses["NoAccountOpened"] > 0,
        "{statuses:?}"
    );
    assert!(types["Employee"] > 900, "{types:?}");

    let last = isdp
        .call(
            PERSON_LIST_PATH,
            json!({"page": {"start": 990, "count": 200}}),
        )
        .await;
    assert_eq!(last["pos"], 990);
    assert_eq!(last["data"].as_array().unwrap().len(), 10);
    // Without `page`: the first 200.
    let default = isdp.call(PERSON_LIST_PATH, json!({})).await;
    assert_eq!(default["data"].as_array().unwrap().len(), 200);
}

#[tokio::test]
async fn limits_and_malformed_bodies_are_refused() {
    let isdp = Isdp::start(SandboxConfig::default()).await;
    let body = isdp
        .refused(PERSON_LIST_PATH, json!({"page": {"count": 201}}), 400)
        .await;
    assert_eq!(body["stateCode"], "400");
    assert!(body["errorMessage"].as_str().unwrap().contains("200"));
    let many: Vec<i64> = (0..201).collect();
    for key in ["idList", "orgIdList"] {
        let body = isdp
            .refused(PERSON_LIST_PATH, json!({ key: many }), 400)
            .await;
        assert!(body["errorMessage"].as_str().unwrap().contains(key));
    }
    let body = isdp
        .refused(PERSON_LIST_PATH, json!({"idList": "not a number"}), 400)
        .await;
    assert!(body["errorMessage"].as_str().unwrap().contains("idList"));

    let response = isdp
        .client
        .post(format!("{}{PERSON_LIST_PATH}", isdp.sandbox.isdp_url()))
        .header("Authorization", format!("bearer {}", isdp.token))
        .header("content-type", "application/json")
        .body("{\"page\":")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"], "Bad Request");
    assert_eq!(body["path"], PERSON_LIST_PATH);
}

#[tokio::test]
async fn every_filter_selects_what_it_should() {
    let isdp = Isdp::start(SandboxConfig::default()).await;
    let all = isdp.everyone().await;
    let s = |p: &Value, k: &str| p[k].as_str().unwrap_or_default().to_owned();

    // Ids and codes, with numbers as strings as Jackson allows.
    let got = isdp
        .ids(json!({"idList": [5000003, "5000001", 5000002], "personCodeList": ["E0000002", "E0000003"]}))
        .await;
    assert_eq!(got, vec![5000002, 5000003]);
    assert_eq!(
        isdp.ids(json!({"personCode": "E000001"})).await,
        (5000010..5000020).collect::<Vec<_>>()
    );

    let name = s(&all[7], "personName");
    assert_eq!(
        isdp.ids(json!({"personNameList": [name]})).await,
        expected(&all, |p| s(p, "personName") == name)
    );
    let surname: String = name.chars().take(1).collect();
    let fuzzy = isdp.ids(json!({"personName": surname})).await;
    assert_eq!(
        fuzzy,
        expected(&all, |p| s(p, "personName").contains(&surname))
    );

    // Semicolon lists. Too many to fit a page, so compare counts.
    for (filter, keep) in [
        (
            json!({"personStatus": "Freeze;NoAccountOpened"}),
            Box::new(|p: &Value| {
                ["Freeze", "NoAccountOpened"].contains(&p["personStatus"].as_str().unwrap())
            }) as Box<dyn Fn(&Value) -> bool>,
        ),
        (
            json!({"personType": "Supplier;Other;Admin"}),
            Box::new(|p: &Value| {
                ["Supplier", "Other", "Admin"].contains(&p["personType"].as_str().unwrap())
            }),
        ),
        (
            json!({"profilePictureStatus": "CollectionSucceeded"}),
            Box::new(|p: &Value| p["profilePictureStatus"] == "CollectionSucceeded"),
        ),
        (
            json!({"isSmartDevice": "Y"}),
            Box::new(|p: &Value| p["isSmartDevice"] == "Y"),
        ),
        (
            json!({"isSmartDevice": "N"}),
            Box::new(|p: &Value| p["isSmartDevice"] == "N"),
        ),
    ] {
        assert_eq!(
            isdp.total(filter.clone()).await,
            expected(&all, keep).len(),
            "{filter}"
        );
    }

    // Organisations: exact, with children, by code, by name prefix.
    let data = isdp.sandbox.data();
    let division = data.orgs().iter().find(|o| o.level == 1).unwrap();
    let below: HashSet<i64> = {
        let mut set = HashSet::from([division.oid]);
        for org in data.orgs() {
            if org.parent_oid.is_some_and(|p| set.contains(&p)) {
                set.insert(org.oid);
            }
        }
        data.orgs()
            .iter()
            .filter(|o| set.contains(&o.oid))
            .map(|o| o.isdp_id)
            .collect()
    };
    assert!(below.len() > 1, "the division has departments");
    let in_orgs =
        |set: &HashSet<i64>| expected(&all, |p| set.contains(&p["adminOrgId"].as_i64().unwrap()));
    let with_children = isdp
        .total(json!({"orgIdList": [division.isdp_id], "orgIncludeChild": true}))
        .await;
    assert_eq!(with_children, in_orgs(&below).len());
    assert_eq!(
        isdp.ids(json!({"orgIdList": [division.isdp_id]})).await,
        in_orgs(&HashSet::from([division.isdp_id]))
    );
    let dept = data.orgs().iter().find(|o| o.level == 3).unwrap();
    assert_eq!(
        isdp.ids(json!({"orgNoList": [dept.code]})).await,
        in_orgs(&HashSet::from([dept.isdp_id]))
    );
    let by_prefix: HashSet<i64> = data
        .orgs()
        .iter()
        .filter(|o| o.name.starts_with(&dept.name))
        .map(|o| o.isdp_id)
        .collect();
    assert_eq!(
        isdp.ids(json!({"orgName": dept.name})).await,
        in_orgs(&by_prefix)
    );

    // Phone: the full number, or the masked form read back.
    let mobile = data.person(9).mobile;
    assert_eq!(isdp.ids(json!({"phone": mobile})).await, vec![5000009]);
    let masked = s(&all[9], "phone");
    assert!(isdp.ids(json!({"phone": masked})).await.contains(&5000009));

    // Roles and positions, by id, code and name.
    let has_role =
        |p: &Value, k: &str, v: &str| p["roleInfo"].as_array().unwrap().iter().any(|r| r[k] == v);
    let operators = expected(&all, |p| has_role(p, "roleId", "126293")).len();
    assert!(operators > 0);
    assert_eq!(isdp.total(json!({"roleIds": [126293]})).await, operators);
    assert_eq!(
        isdp.total(json!({"roleId": ["126293"]})).await,
        operators,
        "the example's key"
    );
    assert_eq!(
        isdp.total(json!({"roleNo": ["SafetyOfficer"]})).await,
        operators
    );
    assert_eq!(
        isdp.total(json!({"roleName": "安全员;租户管理员"})).await,
        expected(&all, |p| has_role(p, "roleName", "安全员")
            || has_role(p, "roleName", "租户管理员"))
        .len()
    );
    let position = all
        .iter()
        .find_map(|p| p["positionInfo"].as_array().unwrap().first().cloned())
        .unwrap();
    let holders = expected(&all, |p| {
        p["positionInfo"].as_array().unwrap().contains(&position)
    });
    let pid: i64 = position["positionId"].as_str().unwrap().parse().unwrap();
    assert_eq!(isdp.ids(json!({"positionIds": [pid]})).await, holders);
    assert_eq!(
        isdp.ids(json!({"positionCode": [position["positionCode"]]}))
            .await,
        holders
    );
    assert_eq!(
        isdp.ids(json!({"positionName": position["positionName"]}))
            .await
            .len(),
        expected(&all, |p| p["positionInfo"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["positionName"] == position["positionName"]))
        .len()
    );

    // Filters combine with AND; nothing matches nothing.
    assert!(
        isdp.ids(json!({"personCode": "E000001", "personStatus": "Nope"}))
            .await
            .is_empty()
    );
}

async fn poll(isdp: &Isdp, task_id: &Value) -> Value {
    let page = isdp
        .call(
            EXPORT_POLL_PATH,
            json!({"po": {"taskId": [task_id]}, "page": {"start": 0, "count": 10}}),
        )
        .await;
    assert_eq!(page["totalCount"], 1);
    page["data"][0].clone()
}

#[tokio::test]
async fn export_tasks_move_on_per_poll_and_the_file_downloads() {
    let mut config = SandboxConfig::default();
    config.isdp.export_polls_per_step = 2;
    let isdp = Isdp::start(config).await;
    let task = isdp
        .call(
            EXPORT_PATH,
            json!({"exportName": "ChengTiePersonModel.export", "personStatus": "Cancel"}),
        )
        .await;
    assert_eq!(task["taskId"], 5047646);
    assert_eq!(task["status"], 0);
    assert_eq!(task["progressRate"], "0");
    assert_eq!(task["docId"], Value::Null);
    assert_eq!(task["taskType"], "export");
    let param: Value = serde_json::from_str(task["param"].as_str().unwrap()).unwrap();
    assert_eq!(param["personStatus"], "Cancel");

    let mut seen = Vec::new();
    let done = loop {
        let t = poll(&isdp, &task["taskId"]).await;
        seen.push((
            t["status"].as_i64().unwrap(),
            t["progressRate"].as_str().unwrap().to_owned(),
        ));
        if t["status"] == 2 {
            break t;
        }
        assert!(seen.len() < 10, "never finishes: {seen:?}");
    };
    let steps: Vec<(i64, &str)> = seen.iter().map(|(s, r)| (*s, r.as_str())).collect();
    assert_eq!(steps, vec![(0, "0"), (1, "50"), (1, "50"), (2, "100")]);
    let cancelled = isdp
        .call(
            PERSON_LIST_PATH,
            json!({"personStatus": "Cancel", "page": {"count": 1}}),
        )
        .await["totalCount"]
        .as_u64()
        .unwrap();
    assert_eq!(done["records"], cancelled);
    assert_eq!(done["successRows"], cancelled);
    assert!(done["startTime"].is_string() && done["endTime"].is_string());
    let doc_id = done["docId"].as_str().expect("docId is a string");

    let response = isdp
        .raw(
            SERVE_FILE_PATH,
            &json!({"fileId": doc_id.parse::<i64>().unwrap()}),
        )
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"],
        "application/octet-stream"
    );
    let bytes = response.bytes().await.unwrap();
    assert_eq!(done["fileSize"], bytes.len());
    assert!(bytes.starts_with("\u{feff}人员ID,人员编码".as_bytes()));
    let text = std::str::from_utf8(&bytes).unwrap();
    let rows: Vec<&str> = text.trim_end().split("\r\n").collect();
    assert_eq!(rows.len() as u64, cancelled + 1);
    assert!(rows[1..].iter().all(|r| r.contains(",Cancel,")));
    // A string fileId works too.
    assert_eq!(
        isdp.raw(SERVE_FILE_PATH, &json!({"fileId": doc_id}))
            .await
            .bytes()
            .await
            .unwrap(),
        bytes
    );
}

#[tokio::test]
async fn a_failing_export_and_an_unknown_file_are_reported() {
    let isdp = Isdp::start(SandboxConfig::default()).await;
    let task = isdp
        .call(
            EXPORT_PATH,
            json!({"exportName": hr_sandbox::isdp::FAILING_EXPORT_NAME}),
        )
        .await;
    assert_eq!(poll(&isdp, &task["taskId"]).await["status"], 1);
    let failed = poll(&isdp, &task["taskId"]).await;
    assert_eq!(failed["status"], 3);
    assert!(failed["errInfo"].as_str().is_some_and(|e| !e.is_empty()));
    assert_eq!(failed["docId"], Value::Null);
    assert_eq!(
        poll(&isdp, &task["taskId"]).await["status"],
        3,
        "stays failed"
    );

    let body = isdp
        .refused(SERVE_FILE_PATH, json!({"fileId": 12345}), 400)
        .await;
    assert!(body["errorMessage"].as_str().unwrap().contains("12345"));
    // An unknown task is simply not listed.
    let page = isdp
        .call(EXPORT_POLL_PATH, json!({"po": {"taskId": [1]}}))
        .await;
    assert_eq!(page["totalCount"], 0);
}

#[tokio::test]
async fn a_poll_without_task_id_lists_but_moves_nothing() {
    let isdp = Isdp::start(SandboxConfig::default()).await;
    let first = isdp.call(EXPORT_PATH, json!({"exportName": "a"})).await;
    let second = isdp.call(EXPORT_PATH, json!({"exportName": "b"})).await;
    for _ in 0..3 {
        let page = isdp
            .call(EXPORT_POLL_PATH, json!({"page": {"start": 0, "count": 10}}))
            .await;
        assert_eq!(page["totalCount"], 2);
        let statuses: Vec<&Value> = page["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| &t["status"])
            .collect();
        assert_eq!(statuses, [&json!(0), &json!(0)], "only listed");
        // Naming no task through an empty list is the same.
        isdp.call(EXPORT_POLL_PATH, json!({"po": {"taskId": []}}))
            .await;
    }
    // The first poll naming a task moves it; the other one stays.
    assert_eq!(poll(&isdp, &first["taskId"]).await["status"], 1);
    assert_eq!(poll(&isdp, &first["taskId"]).await["status"], 2);
    let page = isdp
        .call(EXPORT_POLL_PATH, json!({"po": {"status": 0}}))
        .await;
    assert_eq!(page["totalCount"], 1);
    assert_eq!(page["data"][0]["taskId"], second["taskId"]);
}

#[tokio::test]
async fn an_export_is_cut_at_creation_and_old_tasks_are_dropped() {
    let mut config = SandboxConfig::default();
    config.isdp.export_tasks_kept = 2;
    let isdp = Isdp::start(config).await;
    let cancelled = isdp.total(json!({"personStatus": "Cancel"})).await;
    let task = isdp
        .call(EXPORT_PATH, json!({"personStatus": "Cancel"}))
        .await;
    // A write after the task was created does not change its file.
    let active = isdp
        .call(
            PERSON_LIST_PATH,
            json!({"personStatus": "OpenAccount", "page": {"count": 1}}),
        )
        .await["data"][0]["personCode"]
        .clone();
    let gone = isdp
        .call(PERSON_DEREGISTER_PATH, json!({"personCode": active}))
        .await;
    assert_eq!(gone["status"], "success");
    assert_eq!(
        isdp.total(json!({"personStatus": "Cancel"})).await,
        cancelled + 1
    );
    poll(&isdp, &task["taskId"]).await;
    let done = poll(&isdp, &task["taskId"]).await;
    assert_eq!(done["status"], 2);
    assert_eq!(done["records"], cancelled);
    let doc_id = done["docId"].as_str().unwrap().to_owned();
    let response = isdp.raw(SERVE_FILE_PATH, &json!({"fileId": doc_id})).await;
    assert_eq!(
        response.headers()["content-length"],
        done["fileSize"].to_string().as_str()
    );
    let bytes = response.bytes().await.unwrap();
    assert_eq!(bytes.len() as u64, done["fileSize"].as_u64().unwrap());
    let text = std::str::from_utf8(&bytes).unwrap();
    assert_eq!(text.trim_end().split("\r\n").count(), cancelled + 1);
    assert!(!text.contains(active.as_str().unwrap()));

    // Two more tasks: only the newest two are kept, ids keep counting.
    isdp.call(EXPORT_PATH, json!({})).await;
    let last = isdp.call(EXPORT_PATH, json!({})).await;
    assert_eq!(last["taskId"], task["taskId"].as_i64().unwrap() + 2);
    let page = isdp
        .call(
            EXPORT_POLL_PATH,
            json!({"po": {"taskId": [task["taskId"]]}}),
        )
        .await;
    assert_eq!(page["totalCount"], 0, "the oldest task is gone");
    let body = isdp
        .refused(SERVE_FILE_PATH, json!({"fileId": doc_id}), 400)
        .await;
    assert!(body["errorMessage"].as_str().unwrap().contains(&doc_id));
    assert_eq!(
        isdp.call(EXPORT_POLL_PATH, json!({})).await["totalCount"],
        2
    );
}

/// Over 100,000 people a filtered scan and an export's file run beside
/// quick calls (tokens, unfiltered pages, roles), and a repeated filter is
/// served from the first scan. How long each takes is the benchmark's
/// business; this checks what they return and how many scans ran.
#[tokio::test]
async fn scans_exports_and_quick_calls_run_side_by_side() {
    let mut config = SandboxConfig::default();
    config.data.employees = 100_000;
    let isdp = std::sync::Arc::new(Isdp::start(config).await);
    let task = isdp
        .call(
            EXPORT_PATH,
            json!({"personStatus": "Cancel", "personType": "Supplier"}),
        )
        .await;
    assert_eq!(poll(&isdp, &task["taskId"]).await["status"], 1);

    let scan = tokio::spawn({
        let isdp = isdp.clone();
        async move {
            isdp.call(
                PERSON_LIST_PATH,
                json!({"personStatus": "Freeze", "personType": "Employee", "page": {"count": 5}}),
            )
            .await
        }
    });
    let finish = tokio::spawn({
        let isdp = isdp.clone();
        async move { poll(&isdp, &task["taskId"]).await }
    });
    fetch_token(&isdp.sandbox, &isdp.client).await;
    let tail = isdp
        .call(
            PERSON_LIST_PATH,
            json!({"page": {"start": 99_000, "count": 3}}),
        )
        .await;
    assert_eq!(tail["data"].as_array().unwrap().len(), 3);
    assert_eq!(isdp.call(ROLE_LIST_PATH, json!({})).await["stateCode"], "0");

    let page = scan.await.unwrap();
    assert_eq!(finish.await.unwrap()["status"], 2);
    let scans = isdp.sandbox.counters().get("scans.isdp.persons");

    // The same filter in another key order is the same query: no new scan.
    let again = isdp
        .call(
            PERSON_LIST_PATH,
            json!({"page": {"count": 5}, "personType": "Employee", "personStatus": "Freeze"}),
        )
        .await;
    assert_eq!(again["data"], page["data"]);
    assert_eq!(isdp.sandbox.counters().get("scans.isdp.persons"), scans);
}

/// A full batch into the last of 2,000 organisations lands in it (the
/// organisation index is built once per change, not per item).
#[tokio::test]
async fn a_full_batch_add_with_many_organisations() {
    let mut config = SandboxConfig::default();
    config.data.employees = 80_000;
    let isdp = Isdp::start(config).await;
    assert_eq!(isdp.sandbox.data().orgs().len(), 2_000);
    let org = isdp.sandbox.data().orgs()[1_999].clone();
    let items: Vec<Value> = (0..100)
        .map(|i| {
            json!({"personCode": format!("BULK{i:03}"), "personName": "批量", "personType": "Employee",
                   "phone": "13900001111", "orgNo": org.code})
        })
        .collect();
    let added = isdp
        .call(PERSON_ADD_PATH, json!({"personList": items}))
        .await;
    assert_eq!(added["success"], 100, "{added}");
    let codes: Vec<String> = (0..100).map(|i| format!("BULK{i:03}")).collect();
    assert_eq!(
        isdp.total(json!({"orgNoList": [org.code], "personCodeList": codes}))
            .await,
        100
    );
}

#[tokio::test]
async fn person_writes_show_up_in_reads() {
    let isdp = Isdp::start(SandboxConfig::default()).await;
    let org = isdp.sandbox.data().orgs()[3].clone();
    let added = isdp
        .call(
            PERSON_ADD_PATH,
            json!({"personList": [
                {"personCode": "NEW001", "personName": "新员工", "personType": "Employee",
                 "phone": "13900001111", "orgNo": org.code, "roleNo": "QualityInspector,SafetyOfficer",
                 "udfExtend1": "x"},
                {"personCode": "E0000001", "personName": "重复", "personType": "Employee",
                 "phone": "13900001112", "adminOrgId": org.isdp_id},
                {"personCode": "NEW002", "personName": "类型错", "personType": "Robot",
                 "phone": "13900001113", "adminOrgId": org.isdp_id},
            ]}),
        )
        .await;
    assert_eq!(added["status"], "failed", "not every item succeeded");
    assert_eq!(
        (added["success"].clone(), added["failed"].clone()),
        (json!(1), json!(2))
    );
    assert_eq!(added["data"][0]["status"], "success");
    assert!(
        added["data"][1]["msg"]
            .as_str()
            .unwrap()
            .contains("already exists")
    );
    assert!(
        added["data"][2]["msg"]
            .as_str()
            .unwrap()
            .contains("personType")
    );
    let new_id = added["data"][0]["personId"].as_i64().unwrap();

    let page = isdp
        .call(PERSON_LIST_PATH, json!({"personCodeList": ["NEW001"]}))
        .await;
    let person = &page["data"][0];
    assert_eq!(person["personId"], new_id);
    assert_eq!(person["phone"], "139******11");
    assert_eq!(person["Org"]["orgNo"], org.code.as_str());
    assert_eq!(person["personStatus"], "OpenAccount");
    assert_eq!(person["udfExtend1"], "x");
    let roles: Vec<&str> = person["roleInfo"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["roleCode"].as_str().unwrap())
        .collect();
    assert_eq!(roles, ["QualityInspector", "SafetyOfficer"]);
    // Added persons list after the dataset.
    let all = isdp
        .call(
            PERSON_LIST_PATH,
            json!({"page": {"start": 1000, "count": 5}}),
        )
        .await;
    assert_eq!(all["totalCount"], 1001);
    assert_eq!(all["data"][0]["personId"], new_id);

    // update needs every documented field.
    let refused = isdp
        .call(
            PERSON_UPDATE_PATH,
            json!({"personId": 5000002, "personName": "改名"}),
        )
        .await;
    assert_eq!(refused["status"], "failed");
    assert!(refused["msg"].as_str().unwrap().contains("required"));
    let updated = isdp
        .call(
            PERSON_UPDATE_PATH,
            json!({
                "personId": 5000002, "personCode": "E0000002X", "personName": "改名",
                "personType": "Supplier", "phone": "13700000000", "personStatus": "Freeze",
                "adminOrgId": org.isdp_id,
            }),
        )
        .await;
    assert_eq!(
        updated,
        json!({"status": "success", "msg": "success", "data": 5000002})
    );
    let person = &isdp
        .call(PERSON_LIST_PATH, json!({"idList": [5000002]}))
        .await["data"][0];
    assert_eq!(
        (person["personCode"].as_str(), person["personName"].as_str()),
        (Some("E0000002X"), Some("改名"))
    );
    assert_eq!(person["personStatus"], "Freeze");
    assert_eq!(person["adminOrgId"], org.isdp_id);
    assert!(
        isdp.ids(json!({"personCodeList": ["E0000002"]}))
            .await
            .is_empty(),
        "the old code is gone"
    );

    // batchUpdate: by code as stored, with the five required fields.
    let before = isdp
        .call(PERSON_LIST_PATH, json!({"idList": [5000004]}))
        .await["data"][0]
        .clone();
    let required = |code: &str, name: &str| {
        json!({"personCode": code, "personName": name, "personType": before["personType"],
               "personStatus": before["personStatus"], "orgNo": before["Org"]["orgNo"]})
    };
    let batch = isdp
        .call(
            PERSON_BATCH_UPDATE_INFO_PATH,
            json!({"personList": [required("E0000004", "批量改"), required("NOPE", "x")]}),
        )
        .await;
    assert_eq!(
        (batch["success"].clone(), batch["failed"].clone()),
        (json!(1), json!(1))
    );
    assert_eq!(
        isdp.call(PERSON_LIST_PATH, json!({"idList": [5000004]}))
            .await["data"][0]["personName"],
        "批量改"
    );

    // A filtered result read before a write is not served stale after it.
    let cancel = json!({"personStatus": "Cancel"});
    let cancelled_before = isdp.total(cancel.clone()).await;
    let already = isdp
        .ids(json!({"personCodeList": ["E0000005", "E0000006"], "personStatus": "Cancel"}))
        .await
        .len();

    let gone = isdp
        .call(PERSON_DEREGISTER_PATH, json!({"personCode": "NEW001"}))
        .await;
    assert_eq!(gone["status"], "success");
    let unknown = isdp
        .call(PERSON_DEREGISTER_PATH, json!({"personCode": "NOPE"}))
        .await;
    assert_eq!(unknown["status"], "failed");
    let batch = isdp
        .call(
            PERSON_BATCH_DEREGISTER_PATH,
            json!({"personList": ["E0000005", "E0000006"]}),
        )
        .await;
    assert_eq!(batch["status"], "success");
    assert_eq!(batch["success"], 2);
    let cancelled = isdp
        .ids(
            json!({"personCodeList": ["NEW001", "E0000005", "E0000006"], "personStatus": "Cancel"}),
        )
        .await;
    assert_eq!(cancelled, vec![5000005, 5000006, new_id]);
    assert_eq!(isdp.total(cancel).await, cancelled_before + 3 - already);

    // Over 100 persons: refused whole.
    let many: Vec<Value> = (0..101)
        .map(|i| json!({"personCode": format!("B{i}"), "personName": "x", "personType": "Employee", "phone": "13900000000", "adminOrgId": org.isdp_id}))
        .collect();
    let refused = isdp
        .call(PERSON_ADD_PATH, json!({"personList": many}))
        .await;
    assert_eq!(refused["status"], "failed");
    assert_eq!(refused["success"], 0);
    assert_eq!(refused["data"], Value::Null);
    assert_eq!(
        isdp.call(PERSON_LIST_PATH, json!({"page": {"count": 1}}))
            .await["totalCount"],
        1001
    );
}

#[tokio::test]
async fn orgs_roles_and_positions_page_in_their_envelopes() {
    let isdp = Isdp::start(SandboxConfig::default()).await;
    let data = isdp.sandbox.data();
    let orgs = data.orgs();
    let root = &orgs[0];

    // Down from the root: everyone, in pages.
    let page = isdp
        .call(
            ORG_DIRECTION_PATH,
            json!({"orgId": root.isdp_id, "direction": "down", "start": 0, "count": 10}),
        )
        .await;
    assert_eq!(page["totalCount"], orgs.len());
    let first = &page["data"][0];
    assert_eq!(first["orgId"], root.isdp_id);
    assert_eq!(first["id"], root.isdp_id);
    assert_eq!(first["orgLevel"], 1);
    assert_eq!(first["value"], root.name.as_str());
    // Up from a leaf department: itself and its ancestors, root first.
    let team = orgs
        .iter()
        .rev()
        .find(|o| o.level >= 2 && !orgs.iter().any(|c| c.parent_oid == Some(o.oid)))
        .unwrap();
    let depth = i64::from(team.level) + 1;
    let up = isdp
        .call(
            ORG_DIRECTION_PATH,
            json!({"orgNo": team.code, "direction": "up"}),
        )
        .await;
    let levels: Vec<i64> = up["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["orgLevel"].as_i64().unwrap())
        .collect();
    assert_eq!(levels, (1..=depth).collect::<Vec<_>>());
    assert_eq!(up["data"][depth as usize - 1]["orgNo"], team.code.as_str());
    let bad = isdp
        .refused(ORG_DIRECTION_PATH, json!({"direction": "sideways"}), 400)
        .await;
    assert_eq!(bad["stateCode"], "400");

    // Envelope B, refusals included.
    let list = isdp
        .call(
            ORG_LIST_PATH,
            json!({"orgCode": team.code, "start": 0, "count": 20}),
        )
        .await;
    assert_eq!(list["stateCode"], "0");
    assert_eq!(list["result"]["totalCount"], 1);
    assert_eq!(list["result"]["data"][0]["orgName"], team.name.as_str());
    let refused = isdp.call(ORG_LIST_PATH, json!({"count": 500})).await;
    assert_eq!(refused["stateCode"], "1");
    assert!(refused["result"].is_null());

    let roles = isdp
        .call(ROLE_LIST_PATH, json!({"page": {"start": 0, "count": 4}}))
        .await;
    assert_eq!(roles["stateCode"], "0");
    assert_eq!(roles["result"]["totalCount"], 10);
    assert_eq!(roles["result"]["data"].as_array().unwrap().len(), 4);
    assert_eq!(
        roles["result"]["data"][0]["roleId"], 126290,
        "a number here"
    );
    let named = isdp
        .call(ROLE_LIST_PATH, json!({"role": {"roleName": "项目"}}))
        .await;
    assert_eq!(named["result"]["totalCount"], 2);

    let positions = isdp
        .call(POSITION_LIST_PATH, json!({"start": 0, "count": 200}))
        .await;
    let total = positions["totalCount"].as_u64().unwrap();
    assert!(total >= orgs.len() as u64);
    let p = &positions["data"][0];
    assert!(
        p["positionId"].is_i64(),
        "a number here, unlike getPersonList"
    );
    assert!(p["rolesList"].as_array().is_some_and(|r| !r.is_empty()));
    let here = isdp
        .call(POSITION_LIST_PATH, json!({"orgId": p["orgId"]}))
        .await;
    assert!(
        here["data"]
            .as_array()
            .unwrap()
            .iter()
            .all(|q| q["orgId"] == p["orgId"])
    );

    // Writes: a new department under the leaf, visible below it; an
    // organisation with children cannot go, an empty one can.
    let saved = isdp
        .call(
            ORG_SAVE_PATH,
            json!({"orgInfoList": [
                {"orgNo": "NEW-DEPT", "orgName": "新部门", "parentOrgNo": team.code},
                {"orgNo": "ORPHAN", "orgName": "孤儿", "parentOrgNo": "NOPE"},
            ]}),
        )
        .await;
    assert_eq!(
        (saved["success"].clone(), saved["failed"].clone()),
        (json!(1), json!(1))
    );
    let below = isdp
        .call(ORG_DIRECTION_PATH, json!({"orgNo": team.code}))
        .await;
    assert_eq!(below["data"][1]["orgNo"], "NEW-DEPT");
    assert_eq!(below["data"][1]["orgLevel"], depth + 1);
    let deleted = isdp
        .call(
            ORG_DELETE_PATH,
            json!({"orgNoList": [team.code, "NEW-DEPT"]}),
        )
        .await;
    assert_eq!(deleted["data"][0]["status"], "failed");
    assert_eq!(deleted["data"][1]["status"], "success");
    let too_many: Vec<String> = (0..21).map(|i| format!("X{i}")).collect();
    assert_eq!(
        isdp.call(ORG_DELETE_PATH, json!({"orgNoList": too_many}))
            .await["status"],
        "failed"
    );
    let after = isdp
        .call(ORG_DIRECTION_PATH, json!({"orgNo": team.code}))
        .await;
    assert_eq!(
        after["totalCount"],
        below["totalCount"].as_u64().unwrap() - 1
    );
}

// ---------------------------------------------------------------------------
// Import, template, persons in plain text
// ---------------------------------------------------------------------------

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// A multipart body laid out byte for byte as `isdp_client::ImportPersons`
/// lays it out: the file part, then `importName` and `createdBy`.
fn import_body(
    boundary: &str,
    file_name: &str,
    content_type: &str,
    file: &[u8],
    import_name: Option<&str>,
    created_by: Option<i64>,
) -> Vec<u8> {
    let mut body = format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: {content_type}\r\n\r\n").into_bytes();
    body.extend_from_slice(file);
    body.extend_from_slice(b"\r\n");
    let mut text = |field: &str, value: &str| {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"\r\n\r\n{value}\r\n")
                .as_bytes(),
        );
    };
    if let Some(v) = import_name {
        text("importName", v);
    }
    if let Some(v) = created_by {
        text("createdBy", &v.to_string());
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    body
}

impl Isdp {
    /// POSTs a multipart body to importData.
    async fn upload(&self, content_type: &str, body: Vec<u8>) -> reqwest::Response {
        self.client
            .post(format!("{}{IMPORT_PATH}", self.sandbox.isdp_url()))
            .header("Authorization", format!("bearer {}", self.token))
            .header("Content-Type", content_type)
            .body(body)
            .send()
            .await
            .expect("request")
    }

    /// Uploads `file` as the client does and returns the task.
    async fn import(
        &self,
        file_name: &str,
        content_type: &str,
        file: &[u8],
        name: Option<&str>,
    ) -> Value {
        let boundary = "----isdp-client-0123456789abcdef0123456789abcdef";
        let response = self
            .upload(
                &format!("multipart/form-data; boundary={boundary}"),
                import_body(boundary, file_name, content_type, file, name, Some(36378)),
            )
            .await;
        let status = response.status();
        let text = response.text().await.unwrap();
        assert_eq!(status, 200, "{text}");
        serde_json::from_str(&text).expect("JSON")
    }

    /// Polls the task until it is over.
    async fn finish(&self, task: &Value) -> Value {
        for _ in 0..10 {
            let t = poll(self, &task["taskId"]).await;
            if matches!(t["status"].as_i64(), Some(2..=4)) {
                return t;
            }
        }
        panic!("task {task} never finishes");
    }

    /// The person coded `code`, if any.
    async fn person(&self, code: &str) -> Option<Value> {
        let page = self
            .call(PERSON_LIST_PATH, json!({"personCodeList": [code]}))
            .await;
        page["data"].as_array().unwrap().first().cloned()
    }
}

fn strings(row: &[&str]) -> Vec<String> {
    row.iter().map(|s| s.to_string()).collect()
}

#[tokio::test]
async fn the_import_template_is_an_xlsx_with_the_documented_columns() {
    let isdp = Isdp::start(SandboxConfig::default()).await;
    let response = isdp
        .raw(TEMPLATE_PATH, &json!({"fileName": "人员导入模板"}))
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], XLSX);
    let disposition = response.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        disposition.contains(
            "filename*=UTF-8''%E4%BA%BA%E5%91%98%E5%AF%BC%E5%85%A5%E6%A8%A1%E6%9D%BF.xlsx"
        ),
        "{disposition}"
    );
    let file = response.bytes().await.unwrap();
    // The template is what `write_workbook` makes of its header row.
    let header = IMPORT_TEMPLATE_COLUMNS.map(String::from).to_vec();
    assert_eq!(file.to_vec(), write_workbook(&[header]));
    assert!(file.starts_with(b"PK\x03\x04"));
    let text = String::from_utf8_lossy(&file);
    for column in IMPORT_TEMPLATE_COLUMNS {
        assert!(text.contains(column), "{column}");
    }

    let refusal = isdp.refused(TEMPLATE_PATH, json!({}), 400).await;
    assert_eq!(
        refusal,
        json!({"stateCode": "400", "errorMessage": "fileName is required", "result": null})
    );
    // Like every route but the token one, it needs a token.
    let anonymous = isdp
        .client
        .post(format!("{}{TEMPLATE_PATH}", isdp.sandbox.isdp_url()))
        .json(&json!({"fileName": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 401);
}

#[tokio::test]
async fn an_imported_workbook_adds_and_updates_persons_when_its_task_is_done() {
    let isdp = Isdp::start(SandboxConfig::default()).await;
    let code = isdp.sandbox.data().person(2).job_number;
    let existing = isdp.person(&code).await.expect("a dataset person");
    let org_no = existing["Org"]["orgNo"].as_str().unwrap().to_owned();
    let mut rows = vec![IMPORT_TEMPLATE_COLUMNS.map(String::from).to_vec()];
    rows.push(strings(&[
        "N0001",
        "新员工",
        "Employee",
        "",
        "13900000001",
        &org_no,
        "",
        "",
    ]));
    rows.push(strings(&[&code, "改名了", "", "", "", "", "", ""]));
    rows.push(strings(&["", "", "", "", "", "", "", ""]));
    rows.push(strings(&[
        "N0002",
        "无组织",
        "Employee",
        "",
        "13900000002",
        "NoSuchOrg",
        "",
        "",
    ]));
    let file = write_workbook(&rows);

    let task = isdp
        .import("人员导入.xlsx", XLSX, &file, Some("personModel.import"))
        .await;
    assert_eq!(task["taskType"], "import");
    assert_eq!(task["taskName"], "personModel.import");
    assert_eq!(task["fileName"], "人员导入.xlsx");
    assert_eq!(task["moduleName"], "人员信息导入");
    assert_eq!(task["status"], 0);
    assert_eq!(task["fileSize"], file.len());
    assert_eq!(task["createdBy"], 36378);
    let param: Value = serde_json::from_str(task["param"].as_str().unwrap()).unwrap();
    assert_eq!(param["importName"], "personModel.import");
    // Nothing changes before the task is done.
    assert!(isdp.person("N0001").await.is_none());

    let done = isdp.finish(&task).await;
    assert_eq!(done["status"], 2, "{done}");
    assert_eq!(
        (&done["totalRows"], &done["blankRows"], &done["successRows"]),
        (&json!(3), &json!(1), &json!(2)),
        "{done}"
    );
    let err = done["errInfo"].as_str().unwrap();
    assert!(
        err.contains("row 5 (N0002)") && err.contains("NoSuchOrg"),
        "{err}"
    );
    assert_eq!(done["docId"], Value::Null);

    let added = isdp.person("N0001").await.expect("imported");
    assert_eq!(added["personName"], "新员工");
    assert_eq!(added["Org"]["orgNo"], org_no);
    assert_eq!(added["phone"], "139******01");
    let updated = isdp.person(&code).await.unwrap();
    assert_eq!(updated["personName"], "改名了");
    // Cells left empty keep what the person had.
    assert_eq!(updated["phone"], existing["phone"]);
    assert_eq!(updated["personType"], existing["personType"]);
    assert!(isdp.person("N0002").await.is_none());

    // Polling again neither imports again nor changes the counts.
    let again = poll(&isdp, &task["taskId"]).await;
    assert_eq!(again["successRows"], 2);
    assert_eq!(isdp.total(json!({"personCode": "N0001"})).await, 1);

    // The poll's filters tell imports from exports.
    let by_type =
        |task_type: &str| json!({"po": {"taskType": task_type}, "page": {"start": 0, "count": 10}});
    let imports = isdp.call(EXPORT_POLL_PATH, by_type("import")).await;
    assert_eq!(imports["totalCount"], 1);
    assert_eq!(imports["data"][0]["taskId"], task["taskId"]);
    assert_eq!(
        isdp.call(EXPORT_POLL_PATH, by_type("export")).await["totalCount"],
        0
    );
}

#[tokio::test]
async fn an_edited_export_file_imports_as_csv() {
    let isdp = Isdp::start(SandboxConfig::default()).await;
    let code = isdp.sandbox.data().person(3).job_number;
    let before = isdp.person(&code).await.unwrap();
    // The export's own header, masked phone and all: only what differs from
    // the person is written, and a masked phone is no new number.
    let csv = format!(
        "\u{feff}人员ID,人员编码,人员名称,人员类型,人员状态,手机号码,组织编码,组织名称,岗位编码,角色编码,最后更新时间\r\n{},{code},\"Chen, Jr.\",{},Freeze,{},,,,,2024-01-01 00:00:00\r\n",
        before["personId"],
        before["personType"].as_str().unwrap(),
        before["phone"].as_str().unwrap()
    );
    let task = isdp
        .import("persons.csv", "text/csv", csv.as_bytes(), None)
        .await;
    assert_eq!(task["taskName"], "personModel.import");
    let done = isdp.finish(&task).await;
    assert_eq!(
        (
            &done["status"],
            &done["totalRows"],
            &done["successRows"],
            &done["errInfo"]
        ),
        (&json!(2), &json!(1), &json!(1), &Value::Null),
        "{done}"
    );
    let after = isdp.person(&code).await.unwrap();
    assert_eq!(after["personName"], "Chen, Jr.");
    assert_eq!(after["personStatus"], "Freeze");
    assert_eq!(after["phone"], before["phone"]);
}

#[tokio::test]
async fn imports_that_cannot_be_read_are_refused_or_fail_as_tasks() {
    let isdp = Isdp::start(SandboxConfig::default()).await;
    let spring = |body: &Value, message: &str| {
        assert_eq!(body["status"], 400, "{body}");
        assert_eq!(body["error"], "Bad Request");
        assert_eq!(body["message"], message);
        assert_eq!(body["path"], IMPORT_PATH);
    };

    // Not multipart, or without the file part: Spring's own 400s.
    let response = isdp.raw(IMPORT_PATH, &json!({"importName": "x"})).await;
    assert_eq!(response.status(), 400);
    spring(
        &response.json().await.unwrap(),
        "Current request is not a multipart request",
    );
    let body = b"--b\r\nContent-Disposition: form-data; name=\"importName\"\r\n\r\nx\r\n--b--\r\n";
    let response = isdp
        .upload("multipart/form-data; boundary=b", body.to_vec())
        .await;
    assert_eq!(response.status(), 400);
    spring(
        &response.json().await.unwrap(),
        "Required request part 'file' is not present",
    );
    let response = isdp
        .upload("multipart/form-data; boundary=b", b"--b\r\nbroken".to_vec())
        .await;
    assert_eq!(response.status(), 400);
    spring(
        &response.json().await.unwrap(),
        "Failed to parse multipart servlet request",
    );

    // Files that are no person list: the task fails (status 4) with errInfo.
    let header_only = IMPORT_TEMPLATE_COLUMNS.map(String::from).to_vec();
    for (file, name, why) in [
        (b"\xd0\xcf\x11\xe0old".to_vec(), None, ".xls"),
        (b"\xff\xfe\x00garbage".to_vec(), None, "neither"),
        (
            "姓名,电话\r\n张三,1\r\n".as_bytes().to_vec(),
            None,
            "人员编码",
        ),
        (write_workbook(&[header_only]), Some("fail"), "importName"),
    ] {
        let task = isdp.import("x.xlsx", XLSX, &file, name).await;
        let done = isdp.finish(&task).await;
        assert_eq!(done["status"], 4, "{done}");
        assert!(done["errInfo"].as_str().unwrap().contains(why), "{done}");
    }

    // A worksheet labelled deflated that is no deflate stream fails the
    // task, naming the part; so does a zip bomb, refused uninflated.
    let mut mislabelled = write_workbook(&[strings(&["人员编码*"]), strings(&["N9"])]);
    for at in 0..mislabelled.len() - 4 {
        match &mislabelled[at..at + 4] {
            b"PK\x03\x04" => mislabelled[at + 8] = 8,
            b"PK\x01\x02" => mislabelled[at + 10] = 8,
            _ => {}
        }
    }
    let bomb = deflated_zip(&[("xl/worksheets/sheet1.xml", &vec![b' '; (64 << 20) + 1])]);
    for (file, why) in [
        (mislabelled, "xl/worksheets/sheet1.xml"),
        (bomb, "zip bomb"),
    ] {
        let done = isdp
            .finish(&isdp.import("saved.xlsx", XLSX, &file, None).await)
            .await;
        assert_eq!(done["status"], 4, "{done}");
        assert!(done["errInfo"].as_str().unwrap().contains(why), "{done}");
    }
    assert!(isdp.person("N9").await.is_none());
}

/// A ZIP of deflated entries as Excel writes it: general purpose flag bit 3
/// (CRC and sizes in a data descriptor after the data, zeros in the local
/// header), the real values in the central directory.
fn deflated_zip(entries: &[(&str, &[u8])]) -> Vec<u8> {
    use flate2::{Compression, Crc, write::DeflateEncoder};
    use std::io::Write;

    let mut out = Vec::new();
    let mut central = Vec::new();
    for (name, data) in entries {
        let mut encoder = DeflateEncoder::new(Vec::new(), Compression::default());
        encoder.write_all(data).unwrap();
        let packed = encoder.finish().unwrap();
        let mut crc = Crc::new();
        crc.update(data);
        let sizes = [crc.sum(), packed.len() as u32, data.len() as u32];
        let header = |b: &mut Vec<u8>, sizes: [u32; 3]| {
            // version 2.0, flags (descriptor, UTF-8 names), method 8, no time
            for v in [20u16, 0x0808, 8, 0, 0] {
                b.extend_from_slice(&v.to_le_bytes());
            }
            for v in sizes {
                b.extend_from_slice(&v.to_le_bytes());
            }
            b.extend_from_slice(&(name.len() as u16).to_le_bytes());
            b.extend_from_slice(&0u16.to_le_bytes());
        };
        let offset = out.len() as u32;
        out.extend_from_slice(b"PK\x03\x04");
        header(&mut out, [0; 3]);
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(&packed);
        out.extend_from_slice(b"PK\x07\x08");
        for v in sizes {
            out.extend_from_slice(&v.to_le_bytes());
        }
        central.extend_from_slice(b"PK\x01\x02");
        central.extend_from_slice(&20u16.to_le_bytes());
        header(&mut central, sizes);
        central.extend_from_slice(&[0; 10]);
        central.extend_from_slice(&offset.to_le_bytes());
        central.extend_from_slice(name.as_bytes());
    }
    let (at, len) = (out.len() as u32, central.len() as u32);
    out.extend_from_slice(&central);
    out.extend_from_slice(b"PK\x05\x06");
    out.extend_from_slice(&[0; 4]);
    for _ in 0..2 {
        out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
    }
    out.extend_from_slice(&len.to_le_bytes());
    out.extend_from_slice(&at.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out
}

#[tokio::test]
async fn a_workbook_saved_by_excel_is_imported() {
    let isdp = Isdp::start(SandboxConfig::default()).await;
    let code = isdp.sandbox.data().person(2).job_number;
    let existing = isdp.person(&code).await.expect("a dataset person");
    let org_no = existing["Org"]["orgNo"].as_str().unwrap().to_owned();

    // Excel keeps text in sharedStrings.xml (the header, the codes, a name
    // in rich text with a phonetic run), numbers in the cell (the phone),
    // and deflates every part.
    let mut shared: Vec<String> = IMPORT_TEMPLATE_COLUMNS
        .iter()
        .map(|c| format!("<si><t>{c}</t></si>"))
        .collect();
    shared.push("<si><t>N9</t></si>".into());
    shared.push(r#"<si><r><rPr><b/><sz val="11"/></rPr><t>张</t></r><r><t xml:space="preserve">三</t></r><rPh sb="0" eb="1"><t>ちょう</t></rPh><phoneticPr fontId="1"/></si>"#.into());
    shared.push("<si><t>Employee</t></si>".into());
    shared.push(format!("<si><t>{org_no}</t></si>"));
    let shared = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="{0}" uniqueCount="{0}">{1}</sst>"#,
        shared.len(),
        shared.concat()
    );
    let header: String = (0..IMPORT_TEMPLATE_COLUMNS.len())
        .map(|i| {
            format!(
                r#"<c r="{}1" s="1" t="s"><v>{i}</v></c>"#,
                char::from(b'A' + i as u8)
            )
        })
        .collect();
    let first = IMPORT_TEMPLATE_COLUMNS.len();
    let sheet = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><dimension ref="A1:H2"/><sheetViews><sheetView tabSelected="1" workbookViewId="0"/></sheetViews><cols><col min="1" max="8" width="14" customWidth="1"/></cols><sheetData><row r="1" spans="1:8">{header}</row><row r="2" spans="1:8"><c r="A2" t="s"><v>{first}</v></c><c r="B2" t="s"><v>{}</v></c><c r="C2" t="s"><v>{}</v></c><c r="E2"><v>13900000009</v></c><c r="F2" t="s"><v>{}</v></c></row></sheetData><pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/></worksheet>"#,
        first + 1,
        first + 2,
        first + 3,
    );
    let file = deflated_zip(&[
        ("[Content_Types].xml", b"<Types/>"),
        ("_rels/.rels", b"<Relationships/>"),
        ("xl/workbook.xml", r#"<workbook><sheets><sheet name="人员信息" sheetId="1" r:id="rId1"/></sheets></workbook>"#.as_bytes()),
        ("xl/worksheets/sheet1.xml", sheet.as_bytes()),
        ("xl/sharedStrings.xml", shared.as_bytes()),
    ]);

    let done = isdp
        .finish(&isdp.import("人员导入.xlsx", XLSX, &file, None).await)
        .await;
    assert_eq!(done["status"], 2, "{done}");
    assert_eq!(
        (&done["totalRows"], &done["successRows"], &done["errInfo"]),
        (&json!(1), &json!(1), &Value::Null),
        "{done}"
    );
    let added = isdp.person("N9").await.expect("imported");
    assert_eq!(added["personName"], "张三");
    assert_eq!(added["personType"], "Employee");
    assert_eq!(added["Org"]["orgNo"], org_no);
    assert_eq!(added["phone"], "139******09");
}

#[tokio::test]
async fn persons_by_user_id_come_in_plain_text() {
    let isdp = Isdp::start(SandboxConfig::default()).await;
    let page = isdp
        .call(PERSON_LIST_PATH, json!({"page": {"start": 5, "count": 3}}))
        .await;
    let listed = page["data"].as_array().unwrap().clone();
    let user_ids: Vec<i64> = listed
        .iter()
        .map(|p| p["userId"].as_i64().unwrap())
        .collect();
    // Asked in reverse, one twice, one unknown.
    let asked = json!([
        user_ids[2],
        user_ids[0],
        1,
        user_ids[2],
        user_ids[1].to_string()
    ]);
    let found = isdp
        .call(PERSON_PLAIN_TEXT_PATH, json!({"userIdList": asked}))
        .await;
    assert_eq!(found["totalCount"], 3, "{found}");
    let data = found["data"].as_array().unwrap();
    let order: Vec<&Value> = data.iter().map(|p| &p["personId"]).collect();
    assert_eq!(
        order,
        vec![
            &listed[2]["personId"],
            &listed[0]["personId"],
            &listed[1]["personId"]
        ]
    );
    for (plain, masked) in data.iter().zip([&listed[2], &listed[0], &listed[1]]) {
        let phone = plain["phone"].as_str().unwrap();
        assert!(phone.bytes().all(|b| b.is_ascii_digit()), "{phone}");
        let mask = masked["phone"].as_str().unwrap();
        assert_eq!(
            (&phone[..3], &phone[phone.len() - 2..]),
            (&mask[..3], &mask[mask.len() - 2..])
        );
        assert_eq!(plain["personCode"], masked["personCode"]);
        assert_eq!(plain["adminOrgId"], masked["adminOrgId"]);
        assert_eq!(plain["orgName"], masked["Org"]["orgName"]);
        let name = plain["personName"].as_str().unwrap();
        assert_eq!(
            format!(
                "{}{}",
                plain["lastName"].as_str().unwrap(),
                plain["firstName"].as_str().unwrap()
            ),
            name
        );
        for key in [
            "personGroupId",
            "blackList",
            "profilePictureId",
            "tenantId",
            "customerId",
            "supplierName",
            "openAccount",
            "account",
            "headFileId",
            "description",
        ] {
            assert!(plain.get(key).is_some(), "{key} missing in {plain}");
        }
        assert!(plain["profilePictureId"].is_number() || plain["profilePictureId"].is_null());
    }

    // A person added through the API is found by its new userId.
    let org_no = listed[0]["Org"]["orgNo"].clone();
    let added = isdp
        .call(
            PERSON_ADD_PATH,
            json!({"personList": [{"personCode": "P1", "personName": "王五", "personType": "Employee",
                                   "phone": "13700000000", "orgNo": org_no}]}),
        )
        .await;
    assert_eq!(added["status"], "success", "{added}");
    let user_id = isdp.person("P1").await.unwrap()["userId"].clone();
    let found = isdp
        .call(PERSON_PLAIN_TEXT_PATH, json!({"userIdList": [user_id]}))
        .await;
    assert_eq!(found["data"][0]["phone"], "13700000000");
    assert_eq!(found["data"][0]["lastName"], "王");

    for body in [json!({}), json!({"userIdList": []})] {
        let refusal = isdp.refused(PERSON_PLAIN_TEXT_PATH, body, 400).await;
        assert_eq!(refusal["errorMessage"], "userIdList is required");
    }
}
