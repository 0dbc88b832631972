//! `getSessionId` signing, by hand and against the sandbox's verifier.

use proptest::prelude::*;
use serde_json::{Map, Value, json};
use travel_sync_types::session::{sign, string_to_sign};
use travel_sync_types::{EpochMillis, SessionRequest, SessionResponse};

#[test]
fn sign_matches_a_worked_example() {
    // Parameters: account=acme, secret=s3cret, timestamp=1700000000000,
    // platform=yunjian, userNo="" (left out: empty), sign (never signed).
    // Sorted by name and joined:
    let text = "account=acme&platform=yunjian&secret=s3cret&timestamp=1700000000000";
    // The key appended with no separator, then MD5 in lower-case hex
    // (computed independently with `printf %s … | md5sum`):
    let expected = "eb07803a1def7ab2aabb0c44b22fc117";
    let params = [
        ("timestamp", "1700000000000"),
        ("userNo", ""),
        ("secret", "s3cret"),
        ("sign", "previous"),
        ("platform", "yunjian"),
        ("account", "acme"),
    ];
    assert_eq!(string_to_sign(params), text);
    assert_eq!(sign(params, "k3y"), expected);
    assert_eq!(
        format!("{:x}", md5::compute(format!("{text}k3y"))),
        expected
    );

    let req = SessionRequest::new("acme", "s3cret")
        .timestamp(EpochMillis::new(1_700_000_000_000))
        .platform("yunjian")
        .user_no("")
        .signed("k3y");
    assert_eq!(req.sign.as_deref(), Some(expected));
    assert!(req.verify("k3y"));
    let mut upper = req.clone();
    upper.sign = Some(expected.to_uppercase());
    assert!(!upper.verify("k3y"), "the signature is lower-case hex");
}

#[test]
fn sign_differs_when_anything_signed_changes() {
    let base = [("account", "acme"), ("secret", "s"), ("timestamp", "1")];
    let reference = sign(base, "k");
    assert_ne!(
        sign(
            [("account", "acme"), ("secret", "s"), ("timestamp", "2")],
            "k"
        ),
        reference
    );
    assert_ne!(sign(base, "k2"), reference);
    // Order of the input does not matter.
    assert_eq!(
        sign(
            [("timestamp", "1"), ("account", "acme"), ("secret", "s")],
            "k"
        ),
        reference
    );
}

fn sandbox_sign(params: &[(String, Value)], key: &str) -> String {
    let map: Map<String, Value> = params.iter().cloned().collect();
    hr_sandbox::travel::sign(&map, key)
}

proptest! {
    /// The sandbox's verifier and `sign()` agree on any parameters.
    #[test]
    fn sign_agrees_with_the_sandbox(
        params in proptest::collection::btree_map("[a-zA-Z]{1,10}", "[ -~]{0,12}", 0..8),
        key in "[ -~]{0,16}",
    ) {
        let ours = sign(params.iter().map(|(k, v)| (k.as_str(), v.as_str())), &key);
        let theirs: Vec<(String, Value)> =
            params.iter().map(|(k, v)| (k.clone(), Value::String(v.clone()))).collect();
        prop_assert_eq!(ours, sandbox_sign(&theirs, &key));
    }

    /// A whole request, serialised as JSON, signs the same on both sides.
    #[test]
    fn session_request_sign_agrees_with_the_sandbox(
        account in "[a-z0-9-]{1,12}",
        secret in "[ -~]{1,16}",
        ts in 1_000_000_000_000i64..9_999_999_999_999,
        platform in proptest::option::of("[a-z]{0,8}"),
        user_id in proptest::option::of(any::<i64>()),
        key in "[ -~]{1,16}",
    ) {
        let mut req = SessionRequest::new(account, secret).timestamp(EpochMillis::new(ts));
        req.platform = platform;
        req.user_id = user_id;
        let req = req.signed(&key);
        let json = serde_json::to_value(&req).unwrap();
        let map = json.as_object().unwrap();
        prop_assert_eq!(req.sign.clone().unwrap(), hr_sandbox::travel::sign(map, &key));
    }
}

#[test]
fn session_response_reads_both_code_types() {
    let ok: SessionResponse = serde_json::from_value(json!({
        "resCode": "10000", "resMsg": "success", "sessionId": "abc", "timeLimit": 1_700_007_200_000i64
    }))
    .unwrap();
    assert!(ok.is_success());
    let int_code: SessionResponse =
        serde_json::from_value(json!({"resCode": 10000, "sessionId": "abc"})).unwrap();
    assert!(int_code.is_success());
    let refused: SessionResponse = serde_json::from_value(
        json!({"resCode": "10003", "resMsg": "签名错误", "sessionId": null, "timeLimit": null}),
    )
    .unwrap();
    assert!(!refused.is_success());
    assert_eq!(refused.res_msg.as_deref(), Some("签名错误"));
}

#[tokio::test]
async fn the_sandbox_accepts_a_signed_request_and_refuses_a_wrong_key() {
    let sandbox = hr_sandbox::Sandbox::start(hr_sandbox::SandboxConfig::default())
        .await
        .unwrap();
    let travel = &sandbox.config().travel;
    let url = format!(
        "{}{}",
        sandbox.travel_url(),
        travel_sync_types::session::SESSION_PATH
    );
    let http = reqwest::Client::new();
    let post = async |req: &SessionRequest| -> SessionResponse {
        http.post(&url)
            .json(req)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    };
    let req = SessionRequest::new(&travel.account, &travel.secret).platform("hr-sdk");
    let ok = post(&req.clone().signed(&travel.sign_key)).await;
    assert!(ok.is_success(), "{ok:?}");
    assert!(ok.time_limit.unwrap().has_thirteen_digits());
    let refused = post(&req.signed("wrong-key")).await;
    assert_eq!(refused.res_code, travel_sync_types::res_code::BAD_SIGN);
}
