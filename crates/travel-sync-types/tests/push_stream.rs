//! `push_stream`: a `Stream` of users arrives complete, in batches, and is
//! read no faster than batches go out.
#![cfg(feature = "client")]

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use futures::StreamExt;
use hr_sandbox::{Sandbox, SandboxConfig};
use serde_json::{Value, json};
use travel_sync_types::client::{Credentials, TravelSyncClient};
use travel_sync_types::{SYNC_PATH, UserInfo, UserKey};

fn user(i: usize, level: &str) -> UserInfo {
    UserInfo::new(format!("T{i:04}"), "王伟", "13812345678", false).level(level)
}

#[tokio::test]
async fn a_stream_of_1000_users_arrives_complete() {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let travel = sandbox.config().travel.clone();
    let level = travel.known_levels[0].clone();
    let client = TravelSyncClient::builder()
        .base_url(sandbox.travel_sync_url())
        .credentials(Credentials::session(&travel.account, &travel.session_id))
        .build()
        .unwrap();

    // A producer on another task, as a paging read would be: the stream
    // is pending between users, not an iterator in disguise.
    let (tx, rx) = tokio::sync::mpsc::channel(8);
    let producer = tokio::spawn(async move {
        for i in 0..1000 {
            if i % 97 == 0 {
                tokio::task::yield_now().await;
            }
            tx.send(user(i, &level)).await.unwrap();
        }
    });
    let users = futures::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|user| (user, rx))
    });
    let report = client.push_stream(users).await;
    producer.await.unwrap();

    assert!(report.is_delivered(), "{:?}", report.first_error());
    assert_eq!(
        (report.succeeded(), report.sent(), report.batches()),
        (1000, 1000, 10)
    );
    // Every outcome at its input position.
    for (i, o) in report.outcomes().iter().enumerate() {
        assert_eq!(o.index, i);
        assert_eq!(o.key, Some(UserKey::from(format!("T{i:04}").as_str())));
    }
    // What the platform received: each user once, in full batches.
    let received = sandbox.travel_received();
    assert_eq!(received.len(), 10);
    assert!(received.iter().all(|b| b.users.len() == 100));
    let numbers: HashSet<String> = received
        .iter()
        .flat_map(|b| b.users.iter())
        .filter_map(|u| u["userNo"].as_str().map(str::to_owned))
        .collect();
    assert_eq!(numbers.len(), 1000);
}

#[tokio::test]
async fn a_slow_server_keeps_at_most_concurrency_batches_in_flight() {
    use axum::extract::State;
    use axum::routing::post;

    #[derive(Clone, Default)]
    struct Gauge {
        in_flight: Arc<AtomicUsize>,
        max_in_flight: Arc<AtomicUsize>,
        /// Users in batches the server has answered.
        answered: Arc<AtomicUsize>,
    }
    async fn slow(
        State(g): State<Gauge>,
        axum::Json(body): axum::Json<Value>,
    ) -> axum::Json<Value> {
        let n = g.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        g.max_in_flight.fetch_max(n, Ordering::SeqCst);
        tokio::time::sleep(Duration::from_millis(100)).await;
        g.in_flight.fetch_sub(1, Ordering::SeqCst);
        g.answered
            .fetch_add(body["data"].as_array().unwrap().len(), Ordering::SeqCst);
        axum::Json(json!({"resCode": 10000, "resMsg": "同步成功", "data": []}))
    }
    let gauge = Gauge::default();
    let app = axum::Router::new()
        .route(SYNC_PATH, post(slow))
        .with_state(gauge.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}{SYNC_PATH}", listener.local_addr().unwrap());
    let server = tokio::spawn(async move { axum::serve(listener, app).await });

    const CONCURRENCY: usize = 3;
    const BATCH: usize = 10;
    let client = TravelSyncClient::builder()
        .base_url(url)
        .credentials(Credentials::session("acme", "s"))
        .batch_size(BATCH)
        .concurrency(CONCURRENCY)
        .build()
        .unwrap();

    // At each read, the users taken from the stream and not yet answered
    // by the server bound what the client holds from below.
    let pulled = AtomicUsize::new(0);
    let max_held = AtomicUsize::new(0);
    let users = futures::stream::iter(0..200).map(|i| {
        let pulled = pulled.fetch_add(1, Ordering::SeqCst) + 1;
        let held = pulled - gauge.answered.load(Ordering::SeqCst);
        max_held.fetch_max(held, Ordering::SeqCst);
        user(i, "P3")
    });
    let report = client.push_stream(users).await;
    server.abort();

    assert!(report.is_delivered(), "{:?}", report.first_error());
    assert_eq!((report.succeeded(), report.batches()), (200, 20));
    assert_eq!(
        gauge.max_in_flight.load(Ordering::SeqCst),
        CONCURRENCY,
        "batches overlap up to the limit, never beyond"
    );
    let held = max_held.load(Ordering::SeqCst);
    assert!(
        held <= CONCURRENCY * BATCH,
        "{held} users held; at most {} allowed",
        CONCURRENCY * BATCH
    );
}

/// hr-sync spawns pushes: the future must be `Send` when the stream is.
#[test]
fn a_push_of_a_send_stream_is_send() {
    fn assert_send<T: Send>(_: &T) {}
    let client = TravelSyncClient::builder()
        .base_url("https://tmc.example.com/userSyn")
        .credentials(Credentials::session("acme", "s"))
        .build()
        .unwrap();
    let push = client.push_stream(futures::stream::iter(vec![user(1, "P3")]));
    assert_send(&push);
    let push = client.push(vec![user(1, "P3")]);
    assert_send(&push);
}
