//! The travel employee-sync simulator, through real HTTP.

use std::time::Duration;

use hr_sandbox::travel::{
    DESC_BAD_MOBILE, DESC_MISSING_ID, DESC_MISSING_NAME, DESC_UNKNOWN_LEVEL, SESSION_PATH,
};
use hr_sandbox::{Sandbox, SandboxConfig};
use serde_json::{Value, json};

async fn start(config: SandboxConfig) -> (Sandbox, reqwest::Client) {
    let sandbox = Sandbox::start(config).await.expect("sandbox starts");
    (sandbox, reqwest::Client::new())
}

async fn post(client: &reqwest::Client, url: &str, body: &Value) -> Value {
    let response = client.post(url).json(body).send().await.expect("request");
    assert_eq!(
        response.status(),
        200,
        "the travel endpoints always answer 200"
    );
    response.json().await.expect("JSON body")
}

/// A valid user, with `overrides` applied.
fn user(no: &str, overrides: Value) -> Value {
    let mut user = json!({
        "userNo": no,
        "fullName": "王伟",
        "mobile": "13812345678",
        "level": "P3",
        "isLeave": false,
        "departmentName": "研发部",
        "departmentCode": "D00012",
    });
    for (k, v) in overrides.as_object().unwrap() {
        user[k] = v.clone();
    }
    user
}

/// A sync request with the always-valid session of `config`.
fn batch(config: &SandboxConfig, users: Vec<Value>) -> Value {
    json!({
        "account": config.travel.account,
        "sessionId": config.travel.session_id,
        "userNo": "admin",
        "data": users,
    })
}

#[tokio::test]
async fn get_session_id_checks_the_md5_sign_worked_by_hand() {
    let mut config = SandboxConfig::default();
    config.travel.account = "acme".into();
    config.travel.secret = "s3cret".into();
    config.travel.sign_key = "k3y".into();
    let (sandbox, client) = start(config).await;
    let url = format!("{}{SESSION_PATH}", sandbox.travel_url());

    // Parameters but `sign`, empty `userNo` left out, sorted by name, joined,
    // the key appended with no separator, MD5 in lower-case hex.
    let signed = "account=acme&platform=yunjian&secret=s3cret&timestamp=1700000000000k3y";
    let sign = format!("{:x}", md5::compute(signed));
    assert_eq!(sign, "eb07803a1def7ab2aabb0c44b22fc117");

    let request = json!({
        "timestamp": 1_700_000_000_000u64,
        "account": "acme",
        "secret": "s3cret",
        "platform": "yunjian",
        "userNo": "",
        "sign": sign,
    });
    let ok = post(&client, &url, &request).await;
    assert_eq!(ok["resCode"], "10000", "a string here: {ok}");
    assert_eq!(ok["resMsg"], "success");
    assert!(ok["sessionId"].as_str().is_some_and(|s| !s.is_empty()));
    let limit = ok["timeLimit"].as_u64().expect("timeLimit is a number");
    assert_eq!(limit.to_string().len(), 13, "epoch milliseconds");
    assert_eq!(sandbox.counters().get("tokens_issued.travel"), 1);

    // The session works on the sync endpoint.
    let synced = post(
        &client,
        &sandbox.travel_sync_url(),
        &json!({"account": "acme", "sessionId": ok["sessionId"], "data": [user("E1", json!({}))]}),
    )
    .await;
    assert_eq!(synced["resCode"], 10000, "{synced}");

    let mut wrong = request.clone();
    wrong["sign"] = json!(format!(
        "{:x}",
        md5::compute("account=acme&platform=yunjian&secret=s3cret&timestamp=1700000000000&key=k3y")
    ));
    let refused = post(&client, &url, &wrong).await;
    assert_eq!(refused["resCode"], "10003");
    assert!(
        refused["resMsg"]
            .as_str()
            .unwrap()
            .contains("account=acme&platform=yunjian&secret=s3cret&timestamp=1700000000000"),
        "the refusal shows what was signed: {refused}"
    );
    assert!(!refused["resMsg"].as_str().unwrap().contains("k3y"));

    let mut upper = request.clone();
    upper["sign"] = json!(sign.to_uppercase());
    assert_eq!(post(&client, &url, &upper).await["resCode"], "10003");

    let mut bad_secret = request.clone();
    bad_secret["secret"] = json!("nope");
    assert_eq!(post(&client, &url, &bad_secret).await["resCode"], "10002");

    let mut missing = request.clone();
    missing.as_object_mut().unwrap().remove("timestamp");
    assert_eq!(post(&client, &url, &missing).await["resCode"], "10001");

    assert_eq!(sandbox.counters().get("auth_rejected.travel"), 3);
}

#[tokio::test]
async fn sync_needs_the_account_and_a_live_session() {
    let mut config = SandboxConfig::default();
    config.travel.session_ttl = Duration::from_secs(60);
    let (sandbox, client) = start(config.clone()).await;
    let url = sandbox.travel_sync_url();

    let mut no_session = batch(&config, vec![user("E1", json!({}))]);
    no_session.as_object_mut().unwrap().remove("sessionId");
    let refused = post(&client, &url, &no_session).await;
    assert_eq!(refused["resCode"], 10004, "an integer here: {refused}");
    assert_eq!(refused["data"], json!([]));

    let mut unknown = batch(&config, vec![user("E1", json!({}))]);
    unknown["sessionId"] = json!("made-up");
    assert_eq!(post(&client, &url, &unknown).await["resCode"], 10004);

    let mut wrong_account = batch(&config, vec![user("E1", json!({}))]);
    wrong_account["account"] = json!("someone-else");
    assert_eq!(post(&client, &url, &wrong_account).await["resCode"], 10002);

    // An issued session works until session_ttl, then not.
    let params = json!({
        "account": config.travel.account,
        "secret": config.travel.secret,
        "timestamp": 1_700_000_000_000u64,
        "source": "sandbox-test",
    });
    let mut signed = params.clone();
    signed["sign"] = json!(hr_sandbox::travel::sign(
        params.as_object().unwrap(),
        &config.travel.sign_key
    ));
    let session = post(
        &client,
        &format!("{}{SESSION_PATH}", sandbox.travel_url()),
        &signed,
    )
    .await;
    let mut with_issued = batch(&config, vec![user("E1", json!({}))]);
    with_issued["sessionId"] = session["sessionId"].clone();
    assert_eq!(post(&client, &url, &with_issued).await["resCode"], 10000);
    sandbox.advance_clock(Duration::from_secs(30));
    assert_eq!(post(&client, &url, &with_issued).await["resCode"], 10000);
    sandbox.advance_clock(Duration::from_secs(31));
    assert_eq!(post(&client, &url, &with_issued).await["resCode"], 10004);

    // The configured session never expires.
    let ok = post(&client, &url, &batch(&config, vec![user("E1", json!({}))])).await;
    assert_eq!(ok["resCode"], 10000);
    assert_eq!(
        sandbox.travel_received().len(),
        3,
        "refusals are not recorded"
    );
    assert_eq!(sandbox.counters().get("auth_rejected.travel"), 4);
}

#[tokio::test]
async fn session_time_limits_follow_the_sandbox_clock() {
    let mut config = SandboxConfig::default();
    config.travel.session_ttl = Duration::from_secs(60);
    let (sandbox, client) = start(config.clone()).await;
    let params = json!({
        "account": config.travel.account,
        "secret": config.travel.secret,
        "timestamp": 1_700_000_000_000u64,
    });
    let mut signed = params.clone();
    signed["sign"] = json!(hr_sandbox::travel::sign(
        params.as_object().unwrap(),
        &config.travel.sign_key
    ));
    let session_url = format!("{}{SESSION_PATH}", sandbox.travel_url());
    let epoch_ms = || {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_millis() as u64
    };
    let day = Duration::from_secs(86_400);
    sandbox.advance_clock(day);
    let before = epoch_ms();
    let issued = post(&client, &session_url, &signed).await;
    let after = epoch_ms();
    // timeLimit = the clock's now (real time + one day) + session_ttl.
    let limit = issued["timeLimit"].as_u64().expect("timeLimit");
    let shift = (day + config.travel.session_ttl).as_millis() as u64;
    assert!(
        (before + shift..=after + shift).contains(&limit),
        "{limit} not in {}..={}",
        before + shift,
        after + shift
    );
    // A session issued after the jump lives its full lifetime from there.
    let mut request = batch(&config, vec![user("E1", json!({}))]);
    request["sessionId"] = issued["sessionId"].clone();
    let url = sandbox.travel_sync_url();
    assert_eq!(post(&client, &url, &request).await["resCode"], 10000);
    sandbox.advance_clock(config.travel.session_ttl);
    assert_eq!(post(&client, &url, &request).await["resCode"], 10004);
}

#[tokio::test]
async fn revoking_tokens_revokes_issued_sessions_too() {
    let config = SandboxConfig::default();
    let (sandbox, client) = start(config.clone()).await;
    let params = json!({
        "account": config.travel.account,
        "secret": config.travel.secret,
        "timestamp": 1_700_000_000_000u64,
        "source": "sandbox-test",
    });
    let mut signed = params.clone();
    signed["sign"] = json!(hr_sandbox::travel::sign(
        params.as_object().unwrap(),
        &config.travel.sign_key
    ));
    let session = post(
        &client,
        &format!("{}{SESSION_PATH}", sandbox.travel_url()),
        &signed,
    )
    .await;
    let mut with_issued = batch(&config, vec![user("E1", json!({}))]);
    with_issued["sessionId"] = session["sessionId"].clone();
    let url = sandbox.travel_sync_url();
    assert_eq!(post(&client, &url, &with_issued).await["resCode"], 10000);
    sandbox.revoke_tokens();
    assert_eq!(post(&client, &url, &with_issued).await["resCode"], 10004);
    // The configured session id is not an issued one: it stays valid.
    let fixed = post(&client, &url, &batch(&config, vec![user("E1", json!({}))])).await;
    assert_eq!(fixed["resCode"], 10000);
}

#[tokio::test]
async fn a_batch_over_the_limit_is_refused_whole() {
    let mut config = SandboxConfig::default();
    config.travel.batch_limit = 3;
    let (sandbox, client) = start(config.clone()).await;
    let users: Vec<Value> = (0..4).map(|i| user(&format!("E{i}"), json!({}))).collect();
    let refused = post(&client, &sandbox.travel_sync_url(), &batch(&config, users)).await;
    assert_eq!(refused["resCode"], 10005);
    assert!(refused["resMsg"].as_str().unwrap().contains('3'));
    assert!(sandbox.travel_received().is_empty());

    let users: Vec<Value> = (0..3).map(|i| user(&format!("E{i}"), json!({}))).collect();
    let ok = post(&client, &sandbox.travel_sync_url(), &batch(&config, users)).await;
    assert_eq!(
        ok,
        json!({"resCode": 10000, "resMsg": "同步成功", "data": []})
    );
}

#[tokio::test]
async fn users_fail_one_by_one_and_only_failures_are_listed() {
    let config = SandboxConfig::default();
    let (sandbox, client) = start(config.clone()).await;
    let users = vec![
        user("OK1", json!({})),
        user("LVL", json!({"level": "X9"})),
        user("MOB", json!({"mobile": "12345678901"})),
        user("NONAME", json!({"fullName": ""})),
        json!({"fullName": "无编号", "mobile": "13812345678"}),
        // International numbers with "+" are fine, as are lenient flags.
        user("OK2", json!({"mobile": "+852 9123 4567", "isLeave": "Y"})),
        user(
            "OK3",
            json!({"mobile": "+86 13912345678", "isLeave": 1, "level": null}),
        ),
    ];
    let answer = post(&client, &sandbox.travel_sync_url(), &batch(&config, users)).await;
    assert_eq!(answer["resCode"], 10000);
    assert_eq!(answer["resMsg"], "部分员工同步失败");
    let failed = answer["data"].as_array().unwrap();
    let got: Vec<(Value, &str)> = failed
        .iter()
        .map(|f| {
            assert_eq!(f["status"], 0);
            (f["userNo"].clone(), f["description"].as_str().unwrap())
        })
        .collect();
    assert_eq!(
        got,
        vec![
            (json!("LVL"), DESC_UNKNOWN_LEVEL),
            (json!("MOB"), DESC_BAD_MOBILE),
            (json!("NONAME"), DESC_MISSING_NAME),
            (Value::Null, DESC_MISSING_ID),
        ]
    );
    assert!(failed[0]["bindId"].as_str().is_some_and(|b| b.len() == 32));
    assert_eq!(failed[3]["bindId"], "", "no id, no key");
    assert_eq!(sandbox.counters().get("travel.users_received"), 7);
    assert_eq!(sandbox.counters().get("travel.users_failed"), 4);
}

#[tokio::test]
async fn bind_ids_are_stable_per_user_across_batches() {
    let config = SandboxConfig::default();
    let (sandbox, client) = start(config.clone()).await;
    let url = sandbox.travel_sync_url();
    let bad = |no: &str| user(no, json!({"level": "X9"}));
    let first = post(&client, &url, &batch(&config, vec![bad("E7"), bad("E8")])).await;
    // The same user, sent again: an upsert, the same key.
    let second = post(&client, &url, &batch(&config, vec![bad("E7")])).await;
    assert_eq!(first["data"][0]["bindId"], second["data"][0]["bindId"]);
    assert_ne!(first["data"][0]["bindId"], first["data"][1]["bindId"]);

    let numeric = post(
        &client,
        &url,
        &batch(
            &config,
            vec![user("1", json!({"userNo": 1, "level": "X9"}))],
        ),
    )
    .await;
    let text = post(&client, &url, &batch(&config, vec![bad("1")])).await;
    assert_eq!(numeric["data"][0]["userNo"], 1, "echoed as sent");
    assert_eq!(numeric["data"][0]["bindId"], text["data"][0]["bindId"]);
}

/// The request example of the vendor's 人员同步接口 page, verbatim.
const VENDOR_EXAMPLE: &str = r#"{
"companyId": 38,
"sessionId": "121312",
"userId": 91228,
"data": [
{
"userNo": 91228,
"departmentName": "test",
"departmentCode": "01",
"costCenterName": "test",
"costCenterCode": "01",
"branchName": "test",
"branchCode": "01",
"gender": "M",
"mobile": "12345678901",
"emailAddress": "test@qq.com",
"level": "ES",
"levelCode": "01",
"isLeave": "Y",
"birthday": "1997-11-10",
"nationality": "CHN",
"fullName": "测试",
"cardInfo": [
{
"cardType": "身份证",
"cardTypeId": "1",
"cardNo": "12312312",
"expirationDate": 1569347060000,
"givenName": "test",
"surname": "01"
}
]
},
{
"userNo": 91229,
"departmentName": "test",
"departmentCode": "01",
"costCenterName": "test",
"costCenterCode": "01",
"branchName": "test",
"branchCode": "01",
"gender": "M",
"mobile": "12345678901",
"emailAddress": "test@qq.com",
"level": "第三方平台未维护的职级",
"levelCode": "01",
"isLeave": false,
"birthday": "1997-11-10",
"nationality": "CHN",
"fullName": "测试",
"cardInfo": [
{
"cardType": "身份证",
"cardTypeId": "1",
"cardNo": "12312312",
"expirationDate": 1569347060000,
"givenName": "test",
"surname": "01"
}
]
}
]
}"#;

/// The example is read as sent (numbers for strings, `"Y"` for a boolean,
/// `companyId`) and, with the default levels, its users fail only on what
/// is really wrong with them: a made-up mobile, and the level its own
/// answer reports as unknown.
#[tokio::test]
async fn the_vendor_example_fails_only_on_its_fake_mobile_and_unknown_level() {
    let mut config = SandboxConfig::default();
    // The example's companyId and sessionId; the default levels.
    config.travel.account = "38".into();
    config.travel.session_id = "121312".into();
    assert!(config.travel.known_levels.iter().any(|l| l == "ES"));
    let (sandbox, client) = start(config).await;
    let request: Value = serde_json::from_str(VENDOR_EXAMPLE).unwrap();
    assert_eq!(request["companyId"], 38, "no `account`: the pre-V1.2 name");

    let answer = post(&client, &sandbox.travel_sync_url(), &request).await;
    assert_eq!(answer["resCode"], 10000, "{answer}");
    assert_eq!(answer["resMsg"], "部分员工同步失败");
    // 91228's "ES" level is known by default, but the example's mobile is
    // not a real number; 91229 fails on its level, as in the example's own
    // answer.
    let failed = answer["data"].as_array().unwrap();
    assert_eq!(failed.len(), 2);
    assert_eq!(failed[0]["userNo"], 91228);
    assert_eq!(failed[0]["description"], DESC_BAD_MOBILE);
    assert_eq!(failed[1]["userNo"], 91229);
    assert_eq!(failed[1]["description"], "职级未维护,同步失败");

    let received = sandbox.travel_received();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].account.as_deref(), Some("38"));
    assert_eq!(
        received[0].users,
        request["data"].as_array().unwrap().clone()
    );
}

#[tokio::test]
async fn received_batches_are_visible_over_http() {
    let config = SandboxConfig::default();
    let (sandbox, client) = start(config.clone()).await;
    let users = vec![user("E1", json!({})), user("E2", json!({"level": "X9"}))];
    post(
        &client,
        &sandbox.travel_sync_url(),
        &batch(&config, users.clone()),
    )
    .await;
    let received: Value = client
        .get(format!("{}/_sandbox/travel/received", sandbox.travel_url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        received,
        json!([{
            "account": config.travel.account,
            "users": users,
            "failures": [{"user": "E2", "description": DESC_UNKNOWN_LEVEL}],
        }])
    );
    assert_eq!(sandbox.counters().get("travel.batches"), 1);
}

#[tokio::test]
async fn malformed_bodies_get_spec_shaped_errors() {
    let config = SandboxConfig::default();
    let (sandbox, client) = start(config.clone()).await;
    for (url, code) in [
        (sandbox.travel_sync_url(), json!(10001)),
        (
            format!("{}{SESSION_PATH}", sandbox.travel_url()),
            json!("10001"),
        ),
    ] {
        let response = client
            .post(&url)
            .header("content-type", "application/json")
            .body("{\"account\": ")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["resCode"], code, "{url}: {body}");
        assert!(body["resMsg"].as_str().unwrap().contains("JSON"));
    }
    let mut not_a_list = batch(&config, vec![]);
    not_a_list["data"] = json!({"userNo": "E1"});
    let body = post(&client, &sandbox.travel_sync_url(), &not_a_list).await;
    assert_eq!(body["resCode"], 10001);
    // Cards with an integer type id given as a string are fine; without a
    // number they are not.
    let cards = vec![
        user(
            "C1",
            json!({"cardInfo": [{"cardType": "身份证", "cardTypeId": "1", "cardNo": "110105194912310021"}]}),
        ),
        user(
            "C2",
            json!({"cardInfo": [{"cardType": "护照", "cardTypeId": "1"}]}),
        ),
    ];
    let body = post(&client, &sandbox.travel_sync_url(), &batch(&config, cards)).await;
    assert_eq!(body["data"].as_array().unwrap().len(), 1);
    assert_eq!(body["data"][0]["userNo"], "C2");
}

/// Posts `body` and reads the JSON answer, whatever the status.
async fn post_raw(client: &reqwest::Client, url: &str, body: &Value) -> (u16, Value) {
    let response = client.post(url).json(body).send().await.expect("request");
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    let json = serde_json::from_str(&text).unwrap_or_else(|_| json!({"not json": text}));
    (status, json)
}

#[tokio::test]
async fn a_full_batch_with_cards_over_two_megabytes_is_accepted() {
    let config = SandboxConfig::default();
    let (sandbox, client) = start(config.clone()).await;
    // 100 users with cards and bulky extras: about 2.5 MB, over axum's
    // default 2 MB limit.
    let users: Vec<Value> = (0..100)
        .map(|i| {
            user(
                &format!("BIG{i}"),
                json!({
                    "cardInfo": [{"cardType": "身份证", "cardTypeId": 1, "cardNo": "110105194912310021"},
                                 {"cardType": "护照", "cardTypeId": 2, "cardNo": "E12345678"}],
                    "extraInfo": {"note": "备".repeat(8_000)},
                }),
            )
        })
        .collect();
    let request = batch(&config, users);
    assert!(request.to_string().len() > 2 * 1024 * 1024);
    let (status, answer) = post_raw(&client, &sandbox.travel_sync_url(), &request).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(
        answer,
        json!({"resCode": 10000, "resMsg": "同步成功", "data": []})
    );
    assert_eq!(sandbox.travel_received()[0].users.len(), 100);
}

#[tokio::test]
async fn a_body_over_the_limit_gets_a_spec_shaped_refusal() {
    let mut config = SandboxConfig::default();
    config.travel.max_body_bytes = 64 * 1024;
    let (sandbox, client) = start(config.clone()).await;
    let users = vec![user(
        "E1",
        json!({"extraInfo": {"note": "x".repeat(70 * 1024)}}),
    )];
    let (status, answer) =
        post_raw(&client, &sandbox.travel_sync_url(), &batch(&config, users)).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["resCode"], 10005, "refused whole, like a long batch");
    assert_eq!(answer["data"], json!([]));
    assert!(answer["resMsg"].as_str().unwrap().contains("65536"));
    assert!(sandbox.travel_received().is_empty());

    let (status, answer) = post_raw(
        &client,
        &format!("{}{SESSION_PATH}", sandbox.travel_url()),
        &json!({"account": "x".repeat(70 * 1024)}),
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["resCode"], "10001");

    // Under the limit, all is as usual.
    let ok = post(
        &client,
        &sandbox.travel_sync_url(),
        &batch(&config, vec![user("E1", json!({}))]),
    )
    .await;
    assert_eq!(ok["resCode"], 10000);
}
