//! B6: pushing users to the travel platform, `push_stream` against a
//! sequential batch loop.

use std::time::Instant;

use hr_sandbox::{FaultSpec, Sandbox, SandboxConfig};
use serde_json::{Value, json};
use travel_sync_types::UserInfo;
use travel_sync_types::client::{Credentials, TravelSyncClient};

use crate::{Case, LATENCY, Res, Sizes, thousands};

/// Users per batch, the platform's limit.
const BATCH: usize = 100;

fn config() -> SandboxConfig {
    let mut config = SandboxConfig::default();
    config.faults.travel.default = FaultSpec {
        latency: LATENCY,
        ..FaultSpec::default()
    };
    config
}

/// User `i`: a job number, a name, a valid mobile, a level the platform knows.
fn user(i: usize) -> (String, String) {
    (format!("E{i:07}"), format!("139{:08}", i % 100_000_000))
}

/// What one side pushed, as the sandbox counted it.
#[derive(Debug, Clone, serde::Serialize)]
struct Pushed {
    label: &'static str,
    seconds: f64,
    users_per_second: f64,
    received: u64,
    failed: u64,
    batches: u64,
}

impl Pushed {
    fn new(label: &'static str, sandbox: &Sandbox, seconds: f64) -> Self {
        let c = sandbox.counters();
        let received = c.get("travel.users_received");
        Pushed {
            label,
            seconds,
            users_per_second: received as f64 / seconds.max(1e-9),
            received,
            failed: c.get("travel.users_failed"),
            batches: c.get("travel.batches"),
        }
    }
}

/// The loop: one batch after another, each a plain JSON POST.
async fn baseline(n: usize) -> Res<Pushed> {
    let sandbox = Sandbox::start(config()).await?;
    let t = &sandbox.config().travel;
    let url = sandbox.travel_sync_url();
    let http = reqwest::Client::new();
    let users: Vec<Value> = (0..n)
        .map(|i| {
            let (no, mobile) = user(i);
            json!({"userNo": no, "fullName": "王伟", "mobile": mobile, "isLeave": false, "level": "ES"})
        })
        .collect();
    let started = Instant::now();
    for batch in users.chunks(BATCH) {
        let reply: Value = http
            .post(&url)
            .json(&json!({"account": t.account, "sessionId": t.session_id, "data": batch}))
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        let code = &reply["resCode"];
        if code != &json!(10000) && code != &json!("10000") {
            return Err(format!("resCode {code}: {}", reply["resMsg"]).into());
        }
    }
    Ok(Pushed::new(
        "loop",
        &sandbox,
        started.elapsed().as_secs_f64(),
    ))
}

/// `TravelSyncClient::push_stream` with the client's defaults.
async fn sdk(n: usize) -> Res<(Pushed, u64)> {
    let sandbox = Sandbox::start(config()).await?;
    let t = &sandbox.config().travel;
    let client = TravelSyncClient::builder()
        .base_url(sandbox.travel_sync_url())
        .credentials(Credentials::session(
            t.account.clone(),
            t.session_id.clone(),
        ))
        .build()?;
    let users: Vec<UserInfo> = (0..n)
        .map(|i| {
            let (no, mobile) = user(i);
            UserInfo::new(no, "王伟", mobile, false).level("ES")
        })
        .collect();
    let started = Instant::now();
    let report = client.push_stream(futures::stream::iter(users)).await;
    let seconds = started.elapsed().as_secs_f64();
    if let Some(e) = report.first_error() {
        return Err(format!("push_stream: {e}").into());
    }
    Ok((
        Pushed::new("SDK", &sandbox, seconds),
        report.succeeded() as u64,
    ))
}

/// B6: 100,000 users in batches of 100 at 30 ms.
pub async fn b6(sizes: &Sizes) -> Res<Case> {
    let n = sizes.travel;
    let loop_run = baseline(n).await?;
    let (sdk_run, succeeded) = sdk(n).await?;
    let mut case = Case::new(
        "B6",
        format!(
            "travel push of {} users in batches of 100; 30 ms",
            thousands(n as f64)
        ),
        "ratio reported",
    );
    for r in [&loop_run, &sdk_run] {
        case.expect(&format!("{} users received", r.label), r.received, n as u64);
        case.expect(&format!("{} users refused", r.label), r.failed, 0);
        case.expect(
            &format!("{} batches", r.label),
            r.batches,
            n.div_ceil(BATCH) as u64,
        );
    }
    case.expect("SDK users reported synced", succeeded, n as u64);
    let ratio = sdk_run.users_per_second / loop_run.users_per_second.max(1e-9);
    case.sdk = format!("{} users/s", thousands(sdk_run.users_per_second));
    case.baseline = format!("{} users/s", thousands(loop_run.users_per_second));
    case.ratio = format!("{ratio:.2}×");
    case.notes.push(format!(
        "loop {:.2} s, SDK {:.2} s (`push_stream` defaults: batch size {}, concurrency {})",
        loop_run.seconds,
        sdk_run.seconds,
        travel_sync_types::client::DEFAULT_BATCH_SIZE,
        travel_sync_types::client::DEFAULT_CONCURRENCY
    ));
    case.details = json!({ "loop": loop_run, "sdk": sdk_run, "ratio": ratio });
    Ok(case)
}
