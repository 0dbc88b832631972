//! The receiver against bodies that other JSON readers would resolve
//! silently: a top-level key sent twice, and a UTF-8 byte order mark.
//! Each test checks the reply's code, that nothing was stored as a success
//! that should not have been, and how often the check and the store ran;
//! the last one goes through the axum handler over HTTP.
#![cfg(feature = "server")]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use serde_json::{Value, json};
use travel_sync_types::server::{Credentials, Refusal, SyncReceiver, router};
use travel_sync_types::{
    MSG_ALL_SYNCED, SYNC_PATH, SyncResponse, UserInfo, UserSyncResult, res_code,
};

#[derive(Clone, Default)]
struct Calls {
    checks: Arc<AtomicUsize>,
    stores: Arc<AtomicUsize>,
    stored: Arc<Mutex<Vec<UserInfo>>>,
}

fn receiver(calls: &Calls) -> SyncReceiver {
    let (checks, stores, stored) = (
        calls.checks.clone(),
        calls.stores.clone(),
        calls.stored.clone(),
    );
    SyncReceiver::new(
        move |c: Credentials| {
            checks.fetch_add(1, Ordering::SeqCst);
            async move {
                if c.account == "acme" && c.session_id.expose() == "s-1" {
                    Ok(())
                } else {
                    Err(Refusal::bad_session("sessionId无效"))
                }
            }
        },
        move |users: Vec<UserInfo>| {
            stores.fetch_add(1, Ordering::SeqCst);
            let stored = stored.clone();
            async move {
                stored.lock().unwrap().extend(users);
                Ok(Vec::<UserSyncResult>::new())
            }
        },
    )
}

fn user() -> Value {
    json!({"userNo": "E1", "fullName": "王伟", "mobile": "13812345678", "isLeave": false})
}

const HEAD: &str = r#"{"account":"acme","sessionId":"s-1""#;

async fn answer(body: &[u8]) -> (SyncResponse, Calls) {
    let calls = Calls::default();
    let resp = receiver(&calls).handle(body).await;
    (resp, calls)
}

fn assert_refused(resp: &SyncResponse, calls: &Calls, what: &str) {
    assert_eq!(resp.res_code, res_code::BAD_REQUEST, "{what}: {resp:?}");
    assert!(!resp.is_success(), "{what}");
    assert!(resp.data.is_empty(), "{what}");
    assert_eq!(calls.checks.load(Ordering::SeqCst), 0, "{what}");
    assert_eq!(calls.stores.load(Ordering::SeqCst), 0, "{what}");
    assert!(calls.stored.lock().unwrap().is_empty(), "{what}");
}

#[tokio::test]
async fn a_top_level_key_sent_twice_is_refused_not_resolved() {
    let user = user().to_string();
    let bodies = [
        // The reported case: the second, empty `data` would win.
        format!(r#"{HEAD},"data":[{user}],"data":[]}}"#),
        // The other order: the first would win elsewhere.
        format!(r#"{HEAD},"data":[],"data":[{user}]}}"#),
        format!(r#"{{"account":"acme","account":"evil","sessionId":"s-1","data":[{user}]}}"#),
        format!(r#"{HEAD},"sessionId":"s-2","data":[{user}]}}"#),
        // An escaped spelling is the same key.
        format!(r#"{HEAD},"data":[{user}],"\u0064ata":[]}}"#),
    ];
    for body in &bodies {
        let (resp, calls) = answer(body.as_bytes()).await;
        assert_refused(&resp, &calls, body);
        assert!(resp.res_msg.contains("重复"), "{body}: {}", resp.res_msg);
    }

    // A key that is none of the request's fields is not echoed.
    let body = format!(r#"{HEAD},"x-secret-13812345678":1,"x-secret-13812345678":2,"data":[]}}"#);
    let (resp, calls) = answer(body.as_bytes()).await;
    assert_refused(&resp, &calls, &body);
    assert!(!resp.res_msg.contains("13812345678"), "{}", resp.res_msg);

    // Keys repeated inside a user are the user's business, not a refusal of
    // the batch, and the same key in two users is no repeat at all.
    let body = format!(
        r#"{HEAD},"data":[{user},{{"userNo":"E2","fullName":"李娜","mobile":"13812345679","isLeave":false}}]}}"#
    );
    let (resp, calls) = answer(body.as_bytes()).await;
    assert_eq!(resp.res_code, res_code::SUCCESS, "{resp:?}");
    assert_eq!(calls.stored.lock().unwrap().len(), 2);
}

#[tokio::test]
async fn a_body_starting_with_a_utf8_bom_is_read() {
    let mut body = b"\xEF\xBB\xBF".to_vec();
    body.extend(format!(r#"{HEAD},"data":[{}]}}"#, user()).as_bytes());
    let (resp, calls) = answer(&body).await;
    assert_eq!(resp.res_code, res_code::SUCCESS, "{resp:?}");
    assert_eq!(resp.res_msg, MSG_ALL_SYNCED);
    assert_eq!(calls.checks.load(Ordering::SeqCst), 1);
    assert_eq!(calls.stores.load(Ordering::SeqCst), 1);
    let stored = calls.stored.lock().unwrap().clone();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].user_no.as_deref(), Some("E1"));

    // Only one mark, and only at the start: a second one is no JSON.
    let mut twice = b"\xEF\xBB\xBF\xEF\xBB\xBF".to_vec();
    twice.extend(format!(r#"{HEAD},"data":[]}}"#).as_bytes());
    let (resp, calls) = answer(&twice).await;
    assert_refused(&resp, &calls, "two BOMs");
}

#[tokio::test]
async fn the_axum_handler_refuses_repeats_and_reads_a_bom_over_http() {
    let calls = Calls::default();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}{SYNC_PATH}", listener.local_addr().unwrap());
    let app = router(receiver(&calls));
    let task = tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    let http = reqwest::Client::new();
    let post = |body: Vec<u8>| {
        let request = http
            .post(&url)
            .header("content-type", "application/json")
            .body(body);
        async move {
            let response = request.send().await.unwrap();
            assert_eq!(response.status(), 200);
            serde_json::from_slice::<Value>(&response.bytes().await.unwrap()).unwrap()
        }
    };

    let repeated = format!(r#"{HEAD},"data":[{}],"data":[]}}"#, user());
    let reply = post(repeated.into_bytes()).await;
    assert_eq!(reply["resCode"], res_code::BAD_REQUEST);
    assert_eq!(reply["data"], json!([]));
    assert_eq!(calls.stores.load(Ordering::SeqCst), 0);

    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend(format!(r#"{HEAD},"data":[{}]}}"#, user()).as_bytes());
    let reply = post(bom).await;
    assert_eq!(reply["resCode"], res_code::SUCCESS);
    assert_eq!(reply["resMsg"], MSG_ALL_SYNCED);
    assert_eq!(calls.checks.load(Ordering::SeqCst), 1);
    assert_eq!(calls.stores.load(Ordering::SeqCst), 1);
    assert_eq!(calls.stored.lock().unwrap().len(), 1);
    task.abort();
}
