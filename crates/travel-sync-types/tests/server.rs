//! The receiving side: the framework-agnostic helper, and the axum handler
//! end to end with the client on the other side.
#![cfg(feature = "server")]

use std::sync::{Arc, Mutex};

use proptest::prelude::*;
use serde_json::{Value, json};
use travel_sync_types::server::{Credentials, Refusal, SyncReceiver, receive, router};
use travel_sync_types::{
    MSG_ALL_SYNCED, MSG_SOME_FAILED, SYNC_PATH, SyncResponse, SyncStatus, UserInfo, UserKey,
    UserSyncResult, res_code,
};

type Stored = Arc<Mutex<Vec<UserInfo>>>;

/// A receiver for account `acme` and session `s-1` whose store keeps the
/// users and fails those with level `P9`, like a platform that does not
/// know that level.
fn receiver(stored: Stored) -> SyncReceiver {
    SyncReceiver::new(
        |c: Credentials| async move {
            if c.account != "acme" {
                Err(Refusal::bad_credentials(format!(
                    "公司账户{}不存在",
                    c.account
                )))
            } else if c.session_id.expose() != "s-1" {
                Err(Refusal::bad_session("sessionId无效或已过期"))
            } else {
                Ok(())
            }
        },
        move |users: Vec<UserInfo>| {
            let stored = stored.clone();
            async move {
                let failed = users
                    .iter()
                    .filter(|u| u.level.as_deref() == Some("P9"))
                    .map(|u| {
                        UserSyncResult::failure(u.key().unwrap(), "职级未维护,同步失败")
                            .bind_id(format!("bind-{}", u.user_no.as_deref().unwrap_or("")))
                    })
                    .collect();
                stored.lock().unwrap().extend(users);
                Ok(failed)
            }
        },
    )
}

async fn answer(body: &[u8]) -> (SyncResponse, Vec<UserInfo>) {
    let stored = Stored::default();
    let resp = receiver(stored.clone()).handle(body).await;
    let users = stored.lock().unwrap().clone();
    (resp, users)
}

fn batch(users: Value) -> Vec<u8> {
    serde_json::to_vec(
        &json!({"account": "acme", "sessionId": "s-1", "userNo": "admin", "data": users}),
    )
    .unwrap()
}

#[tokio::test]
async fn only_failures_are_listed() {
    let (resp, stored) = answer(&batch(json!([
        {"userNo": "E1", "fullName": "王伟", "mobile": "13812345678", "isLeave": false, "level": "P3"},
        {"userNo": 2, "fullName": "李娜", "mobile": "13812345679", "isLeave": "N", "level": "P9"},
        {"userNo": "E3", "fullName": "张敏", "mobile": "12345678901", "isLeave": false},
        {"userId": 4, "fullName": "刘洋", "mobile": "13812345670", "isLeave": "maybe"},
        {"fullName": "陈静", "mobile": "13812345671", "isLeave": true},
    ])))
    .await;
    assert_eq!(resp.res_code, res_code::SUCCESS);
    assert_eq!(resp.res_msg, MSG_SOME_FAILED);
    // Only the valid users reach the store.
    let stored: Vec<_> = stored.iter().map(|u| u.key().unwrap()).collect();
    assert_eq!(stored, [UserKey::from("E1"), UserKey::from("2")]);

    let listed: Vec<(Option<UserKey>, SyncStatus, String)> = resp
        .data
        .iter()
        .map(|r| (r.key(), r.status, r.description.clone().unwrap_or_default()))
        .collect();
    assert_eq!(
        listed,
        [
            (
                Some(UserKey::UserId(4)),
                SyncStatus::Failed,
                "数据格式错误(data[3].isLeave),同步失败".into()
            ),
            (
                Some(UserKey::from("E3")),
                SyncStatus::Failed,
                "手机号不合法(mobile),同步失败".into()
            ),
            (
                None,
                SyncStatus::Failed,
                "userNo和userId不能同时为空(userNo),同步失败".into()
            ),
            (
                Some(UserKey::from("2")),
                SyncStatus::Failed,
                "职级未维护,同步失败".into()
            ),
        ]
    );
    assert_eq!(resp.data[3].bind_id.as_deref(), Some("bind-2"));
    // The wire form: resCode an integer, userNo a string.
    let out = serde_json::to_value(&resp).unwrap();
    assert_eq!(out["resCode"], 10000);
    assert_eq!(out["data"][3]["userNo"], "2");
    assert_eq!(out["data"][3]["status"], 0);
}

#[tokio::test]
async fn a_clean_batch_is_all_synced() {
    let (resp, stored) = answer(&batch(json!([
        {"userNo": "E1", "fullName": "王伟", "mobile": "13812345678", "isLeave": false}
    ])))
    .await;
    assert_eq!(
        serde_json::to_value(&resp).unwrap(),
        json!({"resCode": 10000, "resMsg": MSG_ALL_SYNCED, "data": []})
    );
    assert_eq!(stored.len(), 1);
}

#[tokio::test]
async fn credentials_are_checked_before_anything_is_stored() {
    let cases = [
        (
            json!({"sessionId": "s-1", "data": []}),
            res_code::BAD_REQUEST,
        ),
        (
            json!({"account": "acme", "data": []}),
            res_code::BAD_SESSION,
        ),
        (
            json!({"account": "other", "sessionId": "s-1", "data": [{"userNo": "E1"}]}),
            res_code::BAD_CREDENTIALS,
        ),
        (
            json!({"account": "acme", "sessionId": "s-2", "data": [{"userNo": "E1"}]}),
            res_code::BAD_SESSION,
        ),
        // The pre-V1.2 `companyId` is accepted for `account`.
        (
            json!({"companyId": "acme", "sessionId": "s-1", "data": []}),
            res_code::SUCCESS,
        ),
    ];
    for (body, code) in cases {
        let (resp, stored) = answer(&serde_json::to_vec(&body).unwrap()).await;
        assert_eq!(resp.res_code, code, "{body}: {resp:?}");
        assert!(stored.is_empty());
        if code != res_code::SUCCESS {
            assert!(resp.data.is_empty() && !resp.res_msg.is_empty());
        }
    }
}

#[tokio::test]
async fn the_spec_example_gets_a_spec_shaped_answer() {
    let seen = Arc::new(Mutex::new(None));
    let seen_in_check = seen.clone();
    let resp = receive(
        include_bytes!("resources/spec_request.json"),
        |c: Credentials| async move {
            *seen_in_check.lock().unwrap() = Some(c);
            Ok::<(), Refusal>(())
        },
        |_: Vec<UserInfo>| async { Ok::<_, Refusal>(Vec::<UserSyncResult>::new()) },
    )
    .await;
    let c = seen.lock().unwrap().clone().unwrap();
    assert_eq!(
        (c.account.as_str(), c.session_id.expose()),
        ("38", "121312")
    );
    assert_eq!((c.user_id, c.batch_len), (Some(91228), 2));
    // Both example users carry the example's invalid mobile.
    assert_eq!(resp.res_msg, MSG_SOME_FAILED);
    assert_eq!(resp.data.len(), 2);
    assert!(resp.data.iter().all(|r| {
        r.description
            .as_deref()
            .unwrap()
            .contains("手机号不合法(mobile)")
    }));
}

#[tokio::test]
async fn bad_bodies_get_spec_shaped_errors() {
    for body in [
        &b""[..],
        b"{",
        b"null",
        b"[1,2]",
        b"\xff\xfe",
        br#"{"account":"acme","sessionId":"s-1"}"#,
        br#"{"account":"acme","sessionId":"s-1","data":{}}"#,
        br#"{"account":{"a":1},"sessionId":"s-1","data":[]}"#,
    ] {
        let (resp, stored) = answer(body).await;
        assert_eq!(
            resp.res_code,
            res_code::BAD_REQUEST,
            "{:?}",
            String::from_utf8_lossy(body)
        );
        assert!(
            resp.res_msg.starts_with("请求体不是合法的同步请求"),
            "{}",
            resp.res_msg
        );
        assert!(resp.data.is_empty());
        assert!(stored.is_empty());
    }
}

#[tokio::test]
async fn a_store_refusal_answers_the_whole_batch() {
    let receiver = SyncReceiver::new(
        |_: Credentials| async { Ok::<(), Refusal>(()) },
        |_: Vec<UserInfo>| async { Err(Refusal::new(10500, "系统繁忙,请稍后重试")) },
    );
    let resp = receiver
        .handle(&batch(json!([{"userNo": "E1", "fullName": "王伟", "mobile": "13812345678", "isLeave": false}])))
        .await;
    assert_eq!(
        (resp.res_code.as_i64(), resp.res_msg.as_str()),
        (Some(10500), "系统繁忙,请稍后重试")
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// Whatever the bytes, the answer is a spec-shaped response.
    #[test]
    fn any_bytes_get_a_response(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        let resp = futures::executor::block_on(answer(&bytes)).0;
        let json = serde_json::to_value(&resp).unwrap();
        prop_assert!(json["resCode"].is_i64());
        prop_assert!(json["resMsg"].is_string());
        prop_assert!(json["data"].is_array());
    }
}

/// Serves `receiver` on a random loopback port.
async fn serve(receiver: SyncReceiver) -> (String, tokio::task::JoinHandle<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}{SYNC_PATH}", listener.local_addr().unwrap());
    let task = tokio::spawn(async move {
        axum::serve(listener, router(receiver)).await.unwrap();
    });
    (url, task)
}

#[cfg(feature = "client")]
#[tokio::test]
async fn client_and_axum_handler_end_to_end() {
    use travel_sync_types::Outcome;
    use travel_sync_types::client::{Credentials, TravelSyncClient};

    let stored = Stored::default();
    let (url, task) = serve(receiver(stored.clone()).max_batch(3)).await;
    let client = TravelSyncClient::builder()
        .base_url(&url)
        .credentials(Credentials::session("acme", "s-1"))
        .batch_size(3)
        .build()
        .unwrap();
    let users: Vec<UserInfo> = (1..=7)
        .map(|i| {
            let level = if i == 5 { "P9" } else { "P3" };
            UserInfo::new(format!("E{i}"), "王伟", "13812345678", false).level(level)
        })
        .collect();
    let report = client.push(users).await;
    assert!(report.is_delivered(), "{:?}", report.first_error());
    assert_eq!((report.batches(), report.succeeded()), (3, 6));
    let rejected: Vec<_> = report.rejected().collect();
    assert_eq!(rejected[0].key, Some(UserKey::from("E5")));
    assert!(
        matches!(&rejected[0].outcome, Outcome::Rejected { description } if description == "职级未维护,同步失败")
    );
    assert_eq!(rejected[0].bind_id.as_deref(), Some("bind-E5"));
    assert_eq!(stored.lock().unwrap().len(), 7);

    // A wrong session is refused by the check, and reported as such.
    let intruder = TravelSyncClient::builder()
        .base_url(&url)
        .credentials(Credentials::session("acme", "s-9"))
        .build()
        .unwrap();
    let err = intruder
        .send(&[UserInfo::new("E1", "王伟", "13812345678", false)])
        .await
        .unwrap_err();
    assert!(err.is_auth() && err.vendor_code() == Some("10004"), "{err}");
    task.abort();
}

#[tokio::test]
async fn axum_handler_answers_bad_input_with_200_and_a_body() {
    let (url, task) = serve(receiver(Stored::default()).body_limit(64 * 1024)).await;
    let http = reqwest::Client::new();
    let big = vec![b' '; 65 * 1024];
    let bodies: Vec<(Vec<u8>, Option<&str>, i64)> = vec![
        (
            b"{not json".to_vec(),
            Some("application/json"),
            res_code::BAD_REQUEST,
        ),
        (b"".to_vec(), None, res_code::BAD_REQUEST),
        (
            b"\x00\x01\x02".to_vec(),
            Some("text/plain"),
            res_code::BAD_REQUEST,
        ),
        (big, Some("application/json"), res_code::BAD_REQUEST),
        (batch(json!([])), Some("text/plain"), res_code::SUCCESS),
    ];
    for (body, content_type, code) in bodies {
        let mut request = http.post(&url).body(body);
        if let Some(ct) = content_type {
            request = request.header("content-type", ct);
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), 200);
        assert!(
            response.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("application/json")
        );
        let json: Value = response.json().await.unwrap();
        assert_eq!(json["resCode"], code, "{json}");
        assert!(
            json["resMsg"].is_string() && json["data"].is_array(),
            "{json}"
        );
    }
    task.abort();
}

fn good_user(no: &str) -> Value {
    json!({"userNo": no, "fullName": "王伟", "mobile": "13812345678", "isLeave": false})
}

#[tokio::test]
async fn a_refusal_never_carries_the_success_code() {
    assert_eq!(Refusal::new(10000, "x").res_code, res_code::BAD_REQUEST);
    let mut refusal = Refusal::bad_request("x");
    refusal.res_code = res_code::SUCCESS;
    assert_eq!(refusal.into_response().res_code, res_code::BAD_REQUEST);

    // A store that cannot write refuses with 10000 by mistake: the sender
    // must not read the batch as processed.
    let resp = receive(
        &batch(json!([good_user("E1")])),
        |_: Credentials| async { Ok(()) },
        |_: Vec<UserInfo>| async {
            let mut r = Refusal::new(res_code::BAD_CREDENTIALS, "存储不可用");
            r.res_code = res_code::SUCCESS;
            Err::<Vec<UserSyncResult>, _>(r)
        },
    )
    .await;
    assert!(!resp.is_success(), "{resp:?}");
    assert_eq!(resp.res_code, res_code::BAD_REQUEST);
}

#[tokio::test]
async fn only_failures_of_users_in_the_batch_are_answered() {
    let mut e4 = good_user("E4");
    e4["userNo"] = json!(null);
    e4["userId"] = json!(7);
    let resp = receive(
        &batch(json!([
            good_user("E1"),
            good_user("E2"),
            good_user("E3"),
            e4
        ])),
        |_: Credentials| async { Ok(()) },
        |_: Vec<UserInfo>| async {
            let mut other = UserSyncResult::failure(UserKey::from("E3"), "其他");
            other.status = SyncStatus::Other(2);
            Ok(vec![
                UserSyncResult::success(UserKey::from("E1")).bind_id("b-1"),
                UserSyncResult::failure(UserKey::from(" E2 "), "职级未维护,同步失败"),
                UserSyncResult::failure(UserKey::from("GHOST"), "不在本批次"),
                other,
                UserSyncResult::failure(UserKey::UserId(7), "部门不存在"),
                UserSyncResult::failure(UserKey::UserId(8), "不在本批次"),
            ])
        },
    )
    .await;
    assert_eq!(resp.res_msg, MSG_SOME_FAILED);
    let listed: Vec<_> = resp.data.iter().map(|r| (r.key(), r.status)).collect();
    assert_eq!(
        listed,
        [
            (Some(UserKey::from("E2")), SyncStatus::Failed),
            (Some(UserKey::from("E3")), SyncStatus::Failed),
            (Some(UserKey::UserId(7)), SyncStatus::Failed),
        ]
    );
}

#[tokio::test]
async fn malformed_envelope_values_are_not_echoed() {
    for body in [
        json!({"account": "acme", "sessionId": {"n": 13812345678_i64}, "data": []}),
        json!({"account": ["110105194912310021"], "sessionId": "s-1", "data": []}),
        json!({"account": "acme", "sessionId": "s-1", "userId": "13812345678x", "data": []}),
    ] {
        let (resp, _) = answer(&serde_json::to_vec(&body).unwrap()).await;
        assert_eq!(resp.res_code, res_code::BAD_REQUEST, "{body}");
        for secret in ["13812345678", "110105194912310021"] {
            assert!(!resp.res_msg.contains(secret), "{}", resp.res_msg);
        }
    }
}
