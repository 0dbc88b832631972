//! Sandbox-wide behaviour over real HTTP: lifecycle, fault injection,
//! counters and the `/_sandbox` inspection and control routes.

use std::time::{Duration, Instant};

use hr_sandbox::{FaultSpec, Sandbox, SandboxConfig};
use serde_json::Value;

const ROUTE: &str = "/TenantBaseExternal/api/v5/Employee/GetByTimeWindow";

fn with_route_fault(spec: FaultSpec) -> SandboxConfig {
    let mut config = SandboxConfig::default();
    config.faults.beisen.routes.insert(ROUTE.into(), spec);
    config
}

async fn post(url: String) -> reqwest::Result<reqwest::Response> {
    reqwest::Client::new()
        .post(url)
        .json(&serde_json::json!({}))
        .send()
        .await
}

#[tokio::test]
async fn serves_on_loopback_and_stops_when_dropped() {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    for url in [
        sandbox.beisen_url(),
        sandbox.isdp_url(),
        sandbox.travel_url(),
    ] {
        assert!(url.starts_with("http://127.0.0.1:"), "{url}");
        let resp = reqwest::get(format!("{url}/_sandbox/counters"))
            .await
            .unwrap();
        assert_eq!(resp.status(), 200);
    }
    assert!(
        sandbox
            .travel_sync_url()
            .ends_with(hr_sandbox::travel::SYNC_PATH)
    );
    let url = sandbox.beisen_url();
    drop(sandbox);
    tokio::task::yield_now().await;
    let err = reqwest::get(format!("{url}/_sandbox/counters"))
        .await
        .unwrap_err();
    assert!(err.is_connect(), "{err:?}");
}

#[tokio::test]
async fn injected_500_and_429_are_counted() {
    let sandbox = Sandbox::start(with_route_fault(FaultSpec {
        error_500: 1.0,
        ..FaultSpec::default()
    }))
    .await
    .unwrap();
    let resp = post(format!("{}{ROUTE}", sandbox.beisen_url()))
        .await
        .unwrap();
    assert_eq!(resp.status(), 500);
    assert_eq!(sandbox.counters().get("faults.beisen.500"), 1);
    assert_eq!(
        sandbox.counters().get(&format!("requests.beisen.{ROUTE}")),
        1
    );

    let sandbox = Sandbox::start(with_route_fault(FaultSpec {
        throttle_429: 1.0,
        retry_after_secs: 3,
        ..FaultSpec::default()
    }))
    .await
    .unwrap();
    let resp = post(format!("{}{ROUTE}", sandbox.beisen_url()))
        .await
        .unwrap();
    assert_eq!(resp.status(), 429);
    assert_eq!(resp.headers()["retry-after"], "3");
    assert_eq!(sandbox.counters().get("faults.beisen.429"), 1);
}

#[tokio::test]
async fn injected_reset_gives_no_response() {
    let sandbox = Sandbox::start(with_route_fault(FaultSpec {
        reset: 1.0,
        ..FaultSpec::default()
    }))
    .await
    .unwrap();
    let err = post(format!("{}{ROUTE}", sandbox.beisen_url()))
        .await
        .unwrap_err();
    assert!(!err.is_status() && err.status().is_none(), "{err:?}");
    assert_eq!(sandbox.counters().get("faults.beisen.reset"), 1);
    // Only that connection died: the server still answers.
    let resp = reqwest::get(format!("{}/_sandbox/counters", sandbox.beisen_url()))
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
}

#[tokio::test]
async fn latency_is_added() {
    let sandbox = Sandbox::start(with_route_fault(FaultSpec {
        latency: Duration::from_millis(300),
        ..FaultSpec::default()
    }))
    .await
    .unwrap();
    let started = Instant::now();
    post(format!("{}{ROUTE}", sandbox.beisen_url()))
        .await
        .unwrap();
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert_eq!(sandbox.counters().get("faults.beisen.latency"), 1);
}

#[tokio::test]
async fn fault_dice_are_seeded() {
    async fn outcomes(seed: u64) -> Vec<u16> {
        let mut config = with_route_fault(FaultSpec {
            error_500: 0.5,
            ..FaultSpec::default()
        });
        config.faults.seed = seed;
        let sandbox = Sandbox::start(config).await.unwrap();
        let mut statuses = Vec::new();
        for _ in 0..40 {
            let resp = post(format!("{}{ROUTE}", sandbox.beisen_url()))
                .await
                .unwrap();
            statuses.push(resp.status().as_u16());
        }
        statuses
    }
    let a = outcomes(7).await;
    assert_eq!(a, outcomes(7).await, "same seed, same faults");
    let failures = a.iter().filter(|s| **s == 500).count();
    assert!((8..=32).contains(&failures), "{failures} of 40 at p=0.5");
    assert_ne!(a, outcomes(8).await, "another seed, other faults");
}

#[tokio::test]
async fn default_faults_spare_token_and_inspection_routes() {
    let mut config = SandboxConfig::default();
    let always = FaultSpec {
        error_500: 1.0,
        ..FaultSpec::default()
    };
    config.faults.beisen.default = always;
    config.faults.isdp.default = always;
    let sandbox = Sandbox::start(config).await.unwrap();
    let resp = post(format!("{}{ROUTE}", sandbox.beisen_url()))
        .await
        .unwrap();
    assert_eq!(resp.status(), 500);
    for url in [
        format!("{}/token", sandbox.beisen_url()),
        format!("{}/oauth2/oauth/rest_token", sandbox.isdp_url()),
    ] {
        let resp = post(url.clone()).await.unwrap();
        assert_ne!(resp.status(), 500, "{url}");
    }
    let resp = reqwest::get(format!("{}/_sandbox/counters", sandbox.beisen_url()))
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
}

#[tokio::test]
async fn counters_and_controls_over_http() {
    let sandbox = Sandbox::start(with_route_fault(FaultSpec {
        error_500: 1.0,
        ..FaultSpec::default()
    }))
    .await
    .unwrap();
    post(format!("{}{ROUTE}", sandbox.beisen_url()))
        .await
        .unwrap();
    let counters: Value = reqwest::get(format!("{}/_sandbox/counters", sandbox.isdp_url()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(counters["faults.beisen.500"], 1, "{counters}");

    use std::sync::atomic::Ordering;
    let ctx = sandbox.context();
    let before = (
        ctx.beisen_token_epoch.load(Ordering::SeqCst),
        ctx.scroll_epoch.load(Ordering::SeqCst),
    );
    post(format!("{}/_sandbox/revoke-tokens", sandbox.travel_url()))
        .await
        .unwrap();
    post(format!("{}/_sandbox/expire-scrolls", sandbox.travel_url()))
        .await
        .unwrap();
    assert_eq!(ctx.beisen_token_epoch.load(Ordering::SeqCst), before.0 + 1);
    assert_eq!(ctx.isdp_token_epoch.load(Ordering::SeqCst), 1);
    assert_eq!(ctx.scroll_epoch.load(Ordering::SeqCst), before.1 + 1);

    let received: Value =
        reqwest::get(format!("{}/_sandbox/travel/received", sandbox.beisen_url()))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
    assert_eq!(received, serde_json::json!([]));
}

#[tokio::test]
async fn invented_paths_share_one_counter() {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    for i in 0..50 {
        post(format!("{}/no/such/path/{i}", sandbox.isdp_url()))
            .await
            .unwrap();
    }
    let snapshot = sandbox.counters().snapshot();
    assert_eq!(snapshot.get("requests.isdp.<unmatched>"), Some(&50));
    assert!(!snapshot.keys().any(|k| k.contains("/no/such/path")));
}

#[tokio::test]
async fn a_failed_start_leaves_no_server_behind() {
    let busy = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let free = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let free_port = free.local_addr().unwrap().port();
    drop(free);
    let mut config = SandboxConfig::default();
    config.ports.beisen = Some(free_port);
    config.ports.isdp = Some(busy.local_addr().unwrap().port());
    let err = Sandbox::start(config).await.unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::AddrInUse);
    // The Beisen port bound before the failure was released.
    tokio::task::yield_now().await;
    std::net::TcpListener::bind(("127.0.0.1", free_port)).expect("port is free again");
}

#[tokio::test]
async fn per_route_fault_streams_do_not_depend_on_other_traffic() {
    async fn outcomes(noise: usize) -> Vec<u16> {
        let mut config = with_route_fault(FaultSpec {
            error_500: 0.5,
            ..FaultSpec::default()
        });
        config.faults.beisen.routes.insert(
            "/TenantBaseExternal/api/v5/Organization/GetByTimeWindow".into(),
            FaultSpec {
                error_500: 0.5,
                ..FaultSpec::default()
            },
        );
        config.faults.seed = 11;
        let sandbox = Sandbox::start(config).await.unwrap();
        let mut statuses = Vec::new();
        for i in 0..30 {
            if i < noise {
                post(format!(
                    "{}/TenantBaseExternal/api/v5/Organization/GetByTimeWindow",
                    sandbox.beisen_url()
                ))
                .await
                .unwrap();
            }
            let resp = post(format!("{}{ROUTE}", sandbox.beisen_url()))
                .await
                .unwrap();
            statuses.push(resp.status().as_u16());
        }
        statuses
    }
    assert_eq!(outcomes(0).await, outcomes(20).await);
}

#[tokio::test]
async fn injected_errors_wear_the_vendors_shapes() {
    let mut config = with_route_fault(FaultSpec {
        error_500: 1.0,
        ..FaultSpec::default()
    });
    config.faults.isdp.default = FaultSpec {
        throttle_429: 1.0,
        ..FaultSpec::default()
    };
    let sandbox = Sandbox::start(config).await.unwrap();
    let body: Value = post(format!("{}{ROUTE}", sandbox.beisen_url()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(body["code"], "500");
    let resp = post(format!(
        "{}/openapi/v1/person/getPersonList",
        sandbox.isdp_url()
    ))
    .await
    .unwrap();
    assert_eq!(resp.status(), 429);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["status"], 429);
    assert_eq!(body["path"], "/openapi/v1/person/getPersonList");
}
