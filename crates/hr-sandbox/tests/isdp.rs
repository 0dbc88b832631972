//! The Huawei ISDP+ simulator, through real HTTP.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::time::Duration;

use hr_sandbox::isdp::{
    EXPORT_PATH, EXPORT_POLL_PATH, ORG_DELETE_PATH, ORG_DIRECTION_PATH, ORG_LIST_PATH,
    ORG_SAVE_PATH, PERSON_ADD_PATH, PERSON_BATCH_DEREGISTER_PATH, PERSON_BATCH_UPDATE_PATH,
    PERSON_DEREGISTER_PATH, PERSON_LIST_PATH, PERSON_UPDATE_PATH, POSITION_LIST_PATH,
    ROLE_LIST_PATH, SERVE_FILE_PATH, TOKEN_PATH,
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

    let batch = isdp
        .call(
            PERSON_BATCH_UPDATE_PATH,
            json!({"personList": [
                {"personCode": "E0000004", "personName": "批量改"},
                {"personCode": "NOPE", "personName": "x"},
            ]}),
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
