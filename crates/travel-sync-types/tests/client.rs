//! The sending side: request shape and failure handling against wiremock,
//! behaviour against the sandbox's travel simulator.
#![cfg(feature = "client")]

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use hr_common::transport::RetryPolicy;
use hr_sandbox::{Sandbox, SandboxConfig};
use serde_json::{Value, json};
use travel_sync_types::client::{
    Credentials, SessionCredentials, TravelSyncClient, TravelSyncClientBuilder,
};
use travel_sync_types::session::SESSION_PATH;
use travel_sync_types::{CardInfo, Outcome, SYNC_PATH, UserInfo, UserKey, res_code};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

fn user(no: &str) -> UserInfo {
    UserInfo::new(no, "王伟", "13812345678", false).level("P3")
}

fn fast_retries() -> RetryPolicy {
    RetryPolicy::default()
        .initial_backoff(Duration::from_millis(5))
        .max_backoff(Duration::from_millis(20))
}

fn client(server: &MockServer) -> TravelSyncClientBuilder {
    TravelSyncClient::builder()
        .base_url(format!("{}{SYNC_PATH}", server.uri()))
        .credentials(Credentials::session("acme", "sess-1"))
        .retry(fast_retries())
}

fn body(request: &Request) -> Value {
    serde_json::from_slice(&request.body).expect("the client sends JSON")
}

/// Answers like a platform: fails the users in `fail`, with a bindId for
/// everyone it lists.
struct FailSome(HashSet<&'static str>);

impl Respond for FailSome {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let sent = body(request);
        let failed: Vec<Value> = sent["data"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|u| self.0.contains(u["userNo"].as_str().unwrap()))
            .map(|u| {
                json!({"userNo": u["userNo"], "status": 0, "bindId": format!("bind-{}", u["userNo"].as_str().unwrap()),
                       "description": "职级未维护,同步失败"})
            })
            .collect();
        let msg = if failed.is_empty() {
            "同步成功"
        } else {
            "部分员工同步失败"
        };
        // The resCode type varies between the spec's pages: send a string.
        ResponseTemplate::new(200)
            .set_body_json(json!({"resCode": "10000", "resMsg": msg, "data": failed}))
    }
}

#[tokio::test]
async fn push_batches_and_reports_a_partly_failed_batch() {
    let server = MockServer::builder().start().await;
    Mock::given(method("POST"))
        .and(path(SYNC_PATH))
        .respond_with(FailSome(["E2", "E5"].into()))
        .expect(3)
        .mount(&server)
        .await;
    let client = client(&server)
        .batch_size(2)
        .operator_user_no("admin")
        .build()
        .unwrap();
    let users: Vec<UserInfo> = (1..=5)
        .map(|i| {
            let u = user(&format!("E{i}"));
            if i == 1 {
                u.opt_in_card_info([CardInfo::resident_id("11010519491231002X")])
            } else {
                u
            }
        })
        .collect();
    let report = client.push(users).await;

    assert!(report.is_delivered());
    assert_eq!(
        (report.batches(), report.sent(), report.succeeded()),
        (3, 5, 3)
    );
    let outcomes = report.outcomes();
    assert_eq!(
        outcomes.iter().map(|o| o.index).collect::<Vec<_>>(),
        [0, 1, 2, 3, 4]
    );
    for (i, o) in outcomes.iter().enumerate() {
        let no = format!("E{}", i + 1);
        assert_eq!(o.key, Some(UserKey::UserNo(no.clone())));
        match no.as_str() {
            "E2" | "E5" => {
                assert!(
                    matches!(&o.outcome, Outcome::Rejected { description } if description == "职级未维护,同步失败"),
                    "{o:?}"
                );
                assert_eq!(o.bind_id.as_deref(), Some(format!("bind-{no}").as_str()));
            }
            _ => assert!(o.outcome.is_synced(), "{o:?}"),
        }
    }
    let bind_ids: Vec<(UserKey, String)> = report
        .bind_ids()
        .map(|(k, b)| (k.clone(), b.to_owned()))
        .collect();
    assert_eq!(bind_ids.len(), 2);

    // The requests: the spec's shape, credentials in the body, no bearer.
    let requests = server.received_requests().await.unwrap();
    let mut sizes: Vec<usize> = Vec::new();
    for request in &requests {
        assert!(request.headers.get("authorization").is_none());
        let sent = body(request);
        assert_eq!(sent["account"], "acme");
        assert_eq!(sent["sessionId"], "sess-1");
        assert_eq!(sent["userNo"], "admin");
        for u in sent["data"].as_array().unwrap() {
            assert_eq!(u["isLeave"], false);
            assert!(
                u.get("cardInfo").is_none(),
                "cards withheld by default: {u}"
            );
        }
        sizes.push(sent["data"].as_array().unwrap().len());
    }
    sizes.sort_unstable();
    assert_eq!(sizes, [1, 2, 2]);
    assert_eq!(report.cards_withheld(), 1);
}

#[tokio::test]
async fn cards_are_sent_only_when_the_client_opts_in() {
    let server = MockServer::builder().start().await;
    Mock::given(method("POST"))
        .respond_with(FailSome(HashSet::new()))
        .mount(&server)
        .await;
    let client = client(&server).opt_in_card_info(true).build().unwrap();
    let u = user("E1").opt_in_card_info([CardInfo::resident_id("11010519491231002X")]);
    let report = client.push([u]).await;
    assert_eq!(report.cards_withheld(), 0);
    let sent = body(&server.received_requests().await.unwrap()[0]);
    assert_eq!(sent["data"][0]["cardInfo"][0]["cardTypeId"], 1);
    assert_eq!(
        sent["data"][0]["cardInfo"][0]["cardNo"],
        "11010519491231002X"
    );
}

#[tokio::test]
async fn a_transient_failure_is_retried_and_the_batch_delivered() {
    let server = MockServer::builder().start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(503).set_body_string("busy"))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(FailSome(HashSet::new()))
        .with_priority(2)
        .mount(&server)
        .await;
    let client = client(&server).build().unwrap();
    let report = client.push([user("E1"), user("E2")]).await;
    assert!(report.is_delivered(), "{:?}", report.first_error());
    assert_eq!(report.succeeded(), 2);
    assert_eq!(client.transport().stats().retries, 1);
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn a_batch_that_keeps_failing_is_not_synced_and_the_others_are() {
    let server = MockServer::builder().start().await;
    // Fails every batch holding E3, answers the others.
    struct FailBatchWithE3;
    impl Respond for FailBatchWithE3 {
        fn respond(&self, request: &Request) -> ResponseTemplate {
            let sent = body(request);
            if sent["data"]
                .as_array()
                .unwrap()
                .iter()
                .any(|u| u["userNo"] == "E3")
            {
                ResponseTemplate::new(500)
                    .set_body_json(json!({"resCode": 10500, "resMsg": "系统繁忙"}))
            } else {
                ResponseTemplate::new(200)
                    .set_body_json(json!({"resCode": 10000, "resMsg": "同步成功", "data": []}))
            }
        }
    }
    Mock::given(method("POST"))
        .respond_with(FailBatchWithE3)
        .mount(&server)
        .await;
    let client = client(&server).batch_size(2).build().unwrap();
    let report = client.push((1..=4).map(|i| user(&format!("E{i}")))).await;
    assert!(!report.is_delivered());
    assert_eq!(report.failed_batches(), 1);
    assert_eq!(report.succeeded(), 2);
    let failed: Vec<&UserKey> = report.not_synced().filter_map(|o| o.key.as_ref()).collect();
    assert_eq!(failed, [&UserKey::from("E3"), &UserKey::from("E4")]);
    let error = report.first_error().unwrap();
    assert_eq!(error.status(), Some(500));
    assert_eq!(error.vendor_code(), Some("10500"), "{error}");
    assert_eq!(error.vendor_message(), Some("系统繁忙"));
    // 5 attempts (the default) for the failing batch, 1 for the other.
    assert_eq!(error.attempts(), Some(5), "{error}");
    assert_eq!(server.received_requests().await.unwrap().len(), 6);
}

#[tokio::test]
async fn invalid_users_are_reported_without_being_sent() {
    let server = MockServer::builder().start().await;
    Mock::given(method("POST"))
        .respond_with(FailSome(HashSet::new()))
        .mount(&server)
        .await;
    let bad = UserInfo::new("E2", "李娜", "12345678901", false);
    let report = client(&server)
        .build()
        .unwrap()
        .push([user("E1"), bad.clone()])
        .await;
    assert_eq!(report.sent(), 1);
    let invalid: Vec<_> = report.invalid().collect();
    assert_eq!(invalid.len(), 1);
    assert_eq!(invalid[0].index, 1);
    let Outcome::Invalid { violations } = &invalid[0].outcome else {
        unreachable!()
    };
    assert_eq!(violations.errors().next().unwrap().field, "mobile");
    let sent = body(&server.received_requests().await.unwrap()[0]);
    assert_eq!(sent["data"].as_array().unwrap().len(), 1);

    // Unless the caller says otherwise.
    let server = MockServer::builder().start().await;
    Mock::given(method("POST"))
        .respond_with(FailSome(["E2"].into()))
        .mount(&server)
        .await;
    let report = client(&server)
        .send_invalid_users(true)
        .build()
        .unwrap()
        .push([user("E1"), bad])
        .await;
    assert_eq!(
        (
            report.sent(),
            report.invalid().count(),
            report.rejected().count()
        ),
        (2, 0, 1)
    );
}

#[tokio::test]
async fn a_refused_session_stops_the_push() {
    let server = MockServer::builder().start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"resCode": 10004, "resMsg": "sessionId无效或已过期", "data": []}),
        ))
        .mount(&server)
        .await;
    let client = client(&server)
        .batch_size(1)
        .concurrency(1)
        .build()
        .unwrap();
    let report = client.push((1..=3).map(|i| user(&format!("E{i}")))).await;
    assert_eq!(
        server.received_requests().await.unwrap().len(),
        1,
        "later batches not sent"
    );
    assert_eq!((report.sent(), report.not_synced().count()), (1, 3));
    let error = report.first_error().unwrap();
    assert!(error.is_auth(), "{error}");
    assert_eq!(error.vendor_code(), Some("10004"));

    // `send` reports the refusal as an error.
    let err = client.send(&[user("E1")]).await.unwrap_err();
    assert!(
        err.is_auth() && err.to_string().contains("sessionId无效或已过期"),
        "{err}"
    );
}

#[tokio::test]
async fn a_fetched_session_is_renewed_once_when_refused() {
    let server = MockServer::builder().start().await;
    let issued = Arc::new(AtomicUsize::new(0));
    struct Sessions(Arc<AtomicUsize>);
    impl Respond for Sessions {
        fn respond(&self, request: &Request) -> ResponseTemplate {
            let sent = body(request);
            assert!(
                sent["sign"].as_str().is_some_and(|s| s.len() == 32),
                "{sent}"
            );
            let n = self.0.fetch_add(1, Ordering::SeqCst) + 1;
            ResponseTemplate::new(200).set_body_json(json!({
                "resCode": "10000", "resMsg": "success", "sessionId": format!("s{n}"),
                "timeLimit": 4_102_444_800_000i64
            }))
        }
    }
    struct AcceptOnly(&'static str);
    impl Respond for AcceptOnly {
        fn respond(&self, request: &Request) -> ResponseTemplate {
            let code = if body(request)["sessionId"] == self.0 {
                10000
            } else {
                10004
            };
            ResponseTemplate::new(200)
                .set_body_json(json!({"resCode": code, "resMsg": "", "data": []}))
        }
    }
    Mock::given(path(SESSION_PATH))
        .respond_with(Sessions(issued.clone()))
        .mount(&server)
        .await;
    Mock::given(path(SYNC_PATH))
        .respond_with(AcceptOnly("s2"))
        .mount(&server)
        .await;
    let client = TravelSyncClient::builder()
        .base_url(format!("{}{SYNC_PATH}", server.uri()))
        .credentials(Credentials::fetched(
            "acme",
            SessionCredentials::new(format!("{}{SESSION_PATH}", server.uri()), "s3cret", "k3y"),
        ))
        .build()
        .unwrap();
    let report = client.push([user("E1")]).await;
    assert!(report.is_delivered(), "{:?}", report.first_error());
    assert_eq!(
        issued.load(Ordering::SeqCst),
        2,
        "the rejected session was renewed once"
    );

    // A platform that refuses every session: renewed once, then an error.
    let server = MockServer::builder().start().await;
    Mock::given(path(SESSION_PATH))
        .respond_with(Sessions(Arc::new(AtomicUsize::new(0))))
        .mount(&server)
        .await;
    Mock::given(path(SYNC_PATH))
        .respond_with(AcceptOnly("never"))
        .mount(&server)
        .await;
    let client = TravelSyncClient::builder()
        .base_url(format!("{}{SYNC_PATH}", server.uri()))
        .credentials(Credentials::fetched(
            "acme",
            SessionCredentials::new(format!("{}{SESSION_PATH}", server.uri()), "s3cret", "k3y"),
        ))
        .build()
        .unwrap();
    let err = client.send(&[user("E1")]).await.unwrap_err();
    assert!(err.is_auth(), "{err}");
    assert_eq!(
        server.received_requests().await.unwrap().len(),
        4,
        "2 sessions, 2 syncs"
    );
}

#[tokio::test]
async fn batches_run_concurrently_up_to_the_limit() {
    use axum::extract::State;
    use axum::routing::post;

    #[derive(Clone)]
    struct Gauge {
        now: Arc<AtomicUsize>,
        max: Arc<AtomicUsize>,
        barrier: Arc<tokio::sync::Barrier>,
    }
    async fn handler(State(g): State<Gauge>) -> axum::Json<Value> {
        let n = g.now.fetch_add(1, Ordering::SeqCst) + 1;
        g.max.fetch_max(n, Ordering::SeqCst);
        // Two batches must be in flight together to get past this.
        g.barrier.wait().await;
        g.now.fetch_sub(1, Ordering::SeqCst);
        axum::Json(json!({"resCode": 10000, "resMsg": "同步成功", "data": []}))
    }
    let gauge = Gauge {
        now: Arc::default(),
        max: Arc::default(),
        barrier: Arc::new(tokio::sync::Barrier::new(2)),
    };
    let app = axum::Router::new()
        .route(SYNC_PATH, post(handler))
        .with_state(gauge.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}{SYNC_PATH}", listener.local_addr().unwrap());
    let server = tokio::spawn(async move { axum::serve(listener, app).await });

    let client = TravelSyncClient::builder()
        .base_url(url)
        .credentials(Credentials::session("acme", "s"))
        .batch_size(1)
        .concurrency(2)
        .build()
        .unwrap();
    let push = client.push((1..=6).map(|i| user(&format!("E{i}"))));
    let report = tokio::time::timeout(Duration::from_secs(30), push)
        .await
        .expect("batches ran two at a time");
    assert_eq!(report.succeeded(), 6);
    assert_eq!(
        gauge.max.load(Ordering::SeqCst),
        2,
        "never more than the limit"
    );
    server.abort();
}

#[tokio::test]
async fn pushing_to_the_sandbox() {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let travel = sandbox.config().travel.clone();
    let known = travel.known_levels[0].clone();
    // 230 users: every 10th with a level the platform does not know, every
    // 25th with an invalid mobile (caught before sending).
    let users: Vec<UserInfo> = (0..230)
        .map(|i| {
            let level = if i % 10 == 3 {
                "未维护职级".to_owned()
            } else {
                known.clone()
            };
            let mobile = if i % 25 == 7 {
                "1234567890"
            } else {
                "13812345678"
            };
            UserInfo::new(format!("T{i:04}"), "王伟", mobile, i % 7 == 0).level(level)
        })
        .collect();
    let client = TravelSyncClient::builder()
        .base_url(sandbox.travel_sync_url())
        .credentials(Credentials::fetched(
            &travel.account,
            SessionCredentials::new(
                format!("{}{SESSION_PATH}", sandbox.travel_url()),
                &travel.secret,
                &travel.sign_key,
            ),
        ))
        .build()
        .unwrap();
    let report = client.push(users).await;
    assert!(report.is_delivered(), "{:?}", report.first_error());
    let invalid = (0..230).filter(|i| i % 25 == 7).count();
    let rejected = (0..230).filter(|i| i % 10 == 3 && i % 25 != 7).count();
    assert_eq!(report.invalid().count(), invalid);
    assert_eq!(report.rejected().count(), rejected);
    assert_eq!(report.sent(), 230 - invalid);
    assert_eq!(report.succeeded(), 230 - invalid - rejected);
    for o in report.rejected() {
        assert_eq!(
            o.outcome.description().as_deref(),
            Some(hr_sandbox::travel::DESC_UNKNOWN_LEVEL)
        );
        assert!(o.bind_id.as_deref().is_some_and(|b| !b.is_empty()));
    }

    // What the platform received: the valid users, in batches within its
    // limit, with one session fetched for all of them.
    let received = sandbox.travel_received();
    assert_eq!(received.len(), 3);
    assert!(received.iter().all(|b| b.users.len() <= 100));
    assert_eq!(
        received.iter().map(|b| b.users.len()).sum::<usize>(),
        230 - invalid
    );
    assert_eq!(
        received.iter().map(|b| b.failures.len()).sum::<usize>(),
        rejected
    );
    assert_eq!(sandbox.counters().get("tokens_issued.travel"), 1);
    assert_eq!(sandbox.counters().get("auth_rejected.travel"), 0);

    // Re-sending is an upsert: the same bindIds come back.
    let again = client
        .push(report.rejected().map(|o| {
            let UserKey::UserNo(no) = o.key.clone().unwrap() else {
                unreachable!()
            };
            UserInfo::new(no, "王伟", "13812345678", false).level("未维护职级")
        }))
        .await;
    let first: Vec<_> = report.bind_ids().collect();
    let second: Vec<_> = again.bind_ids().collect();
    assert_eq!(first, second);
}

#[tokio::test]
async fn the_sandbox_refuses_a_wrong_account() {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let client = TravelSyncClient::builder()
        .base_url(sandbox.travel_sync_url())
        .credentials(Credentials::session(
            "someone-else",
            sandbox.config().travel.session_id.as_str(),
        ))
        .build()
        .unwrap();
    let err = client.send(&[user("E1")]).await.unwrap_err();
    assert!(err.is_auth(), "{err}");
    assert_eq!(
        err.vendor_code(),
        Some(res_code::BAD_CREDENTIALS.to_string().as_str())
    );
    assert!(sandbox.travel_received().is_empty());
}

#[tokio::test]
async fn a_withheld_card_is_not_validated() {
    let server = MockServer::builder().start().await;
    Mock::given(method("POST"))
        .respond_with(FailSome(HashSet::new()))
        .mount(&server)
        .await;
    // An ID number with a wrong check character: invalid, but never sent.
    let bad_card = CardInfo::resident_id("110105194912310021");
    let report = client(&server)
        .build()
        .unwrap()
        .push([user("E1").opt_in_card_info([bad_card.clone()])])
        .await;
    assert!(
        report.outcomes()[0].outcome.is_synced(),
        "{:?}",
        report.outcomes()[0].outcome
    );
    assert_eq!((report.sent(), report.cards_withheld()), (1, 1));
    let sent = body(&server.received_requests().await.unwrap()[0]);
    assert!(sent["data"][0].get("cardInfo").is_none(), "{sent}");

    // Opted in, the card would be sent, so it is validated.
    let report = client(&server)
        .opt_in_card_info(true)
        .build()
        .unwrap()
        .push([user("E2").opt_in_card_info([bad_card])])
        .await;
    assert!(matches!(
        report.outcomes()[0].outcome,
        Outcome::Invalid { .. }
    ));
    assert_eq!(report.sent(), 0);
}
