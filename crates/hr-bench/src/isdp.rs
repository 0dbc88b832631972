//! B5 (ISDP person listing against a start/count loop) and B7 (a burst of
//! calls that find an expired token).

use std::collections::HashSet;
use std::time::{Duration, Instant};

use futures::TryStreamExt;
use hr_sandbox::{FaultSpec, IsdpConfig, Sandbox, SandboxConfig};
use isdp_client::{Credentials, GetPersonList, IsdpClient, Person};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::sys::{SandboxProcess, SandboxSpec, process_cpu_seconds};
use crate::{Case, LATENCY, Res, Sizes, thousands};

/// The path of getPersonList.
const LIST_PATH: &str = "/openapi/v1/person/getPersonList";
/// The path of the token endpoint.
const TOKEN_PATH: &str = "/oauth2/oauth/rest_token";
/// Persons per page, the most the endpoint gives.
const COUNT: u64 = 200;

fn client(base_url: &str, isdp: &IsdpConfig) -> Res<IsdpClient> {
    Ok(IsdpClient::builder()
        .base_url(base_url)
        .credentials(Credentials::password_grant(
            isdp.client_id.clone(),
            isdp.client_secret.clone(),
            isdp.username.clone(),
            isdp.password.clone(),
        ))
        .build()?)
}

/// One measured listing.
#[derive(Debug, Clone, Serialize)]
struct Listing {
    label: &'static str,
    records: u64,
    distinct: u64,
    seconds: f64,
    records_per_second: f64,
    cpu_seconds: f64,
    cpu_micros_per_record: f64,
}

impl Listing {
    fn new(label: &'static str, records: u64, distinct: u64, seconds: f64, cpu: f64) -> Self {
        Listing {
            label,
            records,
            distinct,
            seconds,
            records_per_second: records as f64 / seconds.max(1e-9),
            cpu_seconds: cpu,
            cpu_micros_per_record: cpu * 1e6 / records.max(1) as f64,
        }
    }
}

/// A page as the loop reads it: the SDK's record type, plain serde.
#[derive(Deserialize)]
struct Page {
    #[serde(default)]
    data: Vec<Person>,
    #[serde(rename = "totalCount", default)]
    total: Option<u64>,
}

/// The sequential loop: `start` += 200 until a short page or the total.
async fn baseline(base: &str, isdp: &IsdpConfig) -> Res<Listing> {
    let http = reqwest::Client::new();
    let cpu = process_cpu_seconds()?;
    let started = Instant::now();
    let token: Value = http
        .post(format!("{base}{TOKEN_PATH}"))
        .json(&json!({
            "client_id": isdp.client_id,
            "client_secret": isdp.client_secret,
            "grant_type": "password",
            "username": isdp.username,
            "password": isdp.password,
        }))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    let token = token["access_token"].as_str().ok_or("no access_token")?;
    let mut ids = HashSet::new();
    let mut records = 0u64;
    let mut start = 0u64;
    loop {
        let bytes = http
            .post(format!("{base}{LIST_PATH}"))
            .header("Authorization", format!("bearer {token}"))
            .json(&json!({"page": {"start": start, "count": COUNT}}))
            .send()
            .await?
            .error_for_status()?
            .bytes()
            .await?;
        let page: Page = serde_json::from_slice(&bytes)?;
        let n = page.data.len() as u64;
        records += n;
        ids.extend(page.data.iter().map(|p| p.person_id.get()));
        start += n;
        if n < COUNT || page.total.is_some_and(|t| start >= t) {
            break;
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    let cpu = process_cpu_seconds()? - cpu;
    Ok(Listing::new(
        "loop",
        records,
        ids.len() as u64,
        seconds,
        cpu,
    ))
}

/// `GetPersonList::new().stream(&client)` with the client's defaults.
async fn sdk(base: &str, isdp: &IsdpConfig) -> Res<Listing> {
    let client = client(base, isdp)?;
    let cpu = process_cpu_seconds()?;
    let started = Instant::now();
    let mut persons = GetPersonList::new().stream(&client);
    let mut ids = HashSet::new();
    let mut records = 0u64;
    while let Some(person) = persons.try_next().await? {
        records += 1;
        ids.insert(person.person_id.get());
    }
    let seconds = started.elapsed().as_secs_f64();
    let cpu = process_cpu_seconds()? - cpu;
    Ok(Listing::new("SDK", records, ids.len() as u64, seconds, cpu))
}

/// B5: 100,000 ISDP persons at 30 ms; the sandbox runs in a child process
/// so that this process's CPU time is the client's alone.
pub async fn b5(sizes: &Sizes) -> Res<Case> {
    let server = SandboxProcess::start(&SandboxSpec {
        employees: sizes.isdp,
        skew: None,
        latency_ms: LATENCY.as_millis() as u64,
        beisen_per_second: 0,
        beisen_per_minute: 0,
    })
    .await?;
    let isdp = IsdpConfig::default();
    let base = server.urls.isdp.clone();
    let loop_run = baseline(&base, &isdp).await?;
    let sdk_run = sdk(&base, &isdp).await?;
    drop(server);
    let mut case = Case::new(
        "B5",
        format!("ISDP {} persons; 30 ms", thousands(sizes.isdp as f64)),
        "≥ 5× loop by default; CPU/record ≤ loop's",
    );
    for r in [&loop_run, &sdk_run] {
        case.expect(
            &format!("{} records", r.label),
            r.records,
            sizes.isdp as u64,
        );
        case.expect(
            &format!("{} distinct personIds", r.label),
            r.distinct,
            sizes.isdp as u64,
        );
    }
    let ratio = sdk_run.records_per_second / loop_run.records_per_second.max(1e-9);
    case.sdk = format!(
        "{} rec/s, {:.1} µs CPU/rec",
        thousands(sdk_run.records_per_second),
        sdk_run.cpu_micros_per_record
    );
    case.baseline = format!(
        "{} rec/s, {:.1} µs CPU/rec",
        thousands(loop_run.records_per_second),
        loop_run.cpu_micros_per_record
    );
    case.ratio = format!(
        "{ratio:.2}×; CPU {:.2}×",
        sdk_run.cpu_micros_per_record / loop_run.cpu_micros_per_record.max(1e-9)
    );
    let met = ratio >= 5.0 && sdk_run.cpu_micros_per_record <= loop_run.cpu_micros_per_record;
    case.met = (!sizes.quick).then_some(met);
    case.notes.push(format!(
        "sandbox in a child process (this binary, `__sandbox`); CPU = utime + stime of the runner (/proc/self/stat, 10 ms ticks), which then holds only the client; loop {:.2} s and {:.2} s CPU, SDK {:.2} s and {:.2} s CPU",
        loop_run.seconds, loop_run.cpu_seconds, sdk_run.seconds, sdk_run.cpu_seconds
    ));
    case.details = json!({ "loop": loop_run, "sdk": sdk_run, "ratio": ratio });
    Ok(case)
}

/// Latencies of `n` concurrent one-person calls, each on a task of its own.
async fn burst(client: &IsdpClient, n: usize) -> Res<Vec<Duration>> {
    let tasks: Vec<_> = (0..n)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move {
                let started = Instant::now();
                GetPersonList::new()
                    .page(0, 1)
                    .send(&client)
                    .await
                    .map(|_| started.elapsed())
            })
        })
        .collect();
    let mut out = Vec::with_capacity(n);
    for task in tasks {
        out.push(task.await??);
    }
    out.sort();
    Ok(out)
}

/// The median and the slowest, in milliseconds.
fn stats(latencies: &[Duration]) -> (f64, f64) {
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    let median = latencies
        .get(latencies.len() / 2)
        .copied()
        .unwrap_or_default();
    let max = latencies.last().copied().unwrap_or_default();
    (ms(median), ms(max))
}

/// B7: `n` concurrent calls that all find the cached token expired: one
/// token fetch, and what it adds to their latency.
pub async fn b7(sizes: &Sizes) -> Res<Case> {
    let mut config = SandboxConfig::default();
    config.isdp.token_ttl = sizes.token_ttl;
    let spec = FaultSpec {
        latency: LATENCY,
        ..FaultSpec::default()
    };
    config.faults.isdp.default = spec;
    // The token call costs a round trip too, as it does for real.
    config.faults.isdp.routes.insert(TOKEN_PATH.into(), spec);
    let sandbox = Sandbox::start(config).await?;
    let client = client(&sandbox.isdp_url(), &sandbox.config().isdp)?;
    let tokens = || sandbox.counters().get("tokens_issued.isdp");
    let n = sizes.token_calls;

    // A token, then past its lifetime (and so past the client's margin).
    GetPersonList::new().page(0, 1).send(&client).await?;
    tokio::time::sleep(sizes.token_ttl + Duration::from_millis(300)).await;
    let before = tokens();
    let expired = burst(&client, n).await?;
    let fetched_expired = tokens() - before;
    // The same burst with the fresh token: the reference latency.
    let before = tokens();
    let fresh = burst(&client, n).await?;
    let fetched_fresh = tokens() - before;
    // And with the token revoked by the server, which the client learns
    // from 401s rather than from its clock.
    sandbox.revoke_tokens();
    let before = tokens();
    let revoked = burst(&client, n).await?;
    let fetched_revoked = tokens() - before;

    let (expired_median, expired_max) = stats(&expired);
    let (fresh_median, fresh_max) = stats(&fresh);
    let (revoked_median, revoked_max) = stats(&revoked);
    let mut case = Case::new(
        "B7",
        format!("{n} concurrent calls that find an expired token; 30 ms"),
        "exactly 1 token fetch; added latency reported",
    );
    case.expect("token fetches for the expired token", fetched_expired, 1);
    case.expect("token fetches with a fresh token", fetched_fresh, 0);
    case.sdk =
        format!("{fetched_expired} fetch; median {expired_median:.0} ms, max {expired_max:.0} ms");
    case.baseline = format!("fresh token: median {fresh_median:.0} ms, max {fresh_max:.0} ms");
    case.ratio = format!(
        "{:+.0} ms median, {:+.0} ms max",
        expired_median - fresh_median,
        expired_max - fresh_max
    );
    case.met = (!sizes.quick).then_some(fetched_expired == 1);
    case.notes.push(format!(
        "ISDP, token lifetime {} s (the call waits past it); token route 30 ms too; after a server-side revocation the same burst made {fetched_revoked} token fetch(es), median {revoked_median:.0} ms, max {revoked_max:.0} ms",
        sizes.token_ttl.as_secs()
    ));
    case.details = json!({
        "calls": n,
        "token_ttl_seconds": sizes.token_ttl.as_secs_f64(),
        "expired": {"token_fetches": fetched_expired, "median_ms": expired_median, "max_ms": expired_max},
        "fresh": {"token_fetches": fetched_fresh, "median_ms": fresh_median, "max_ms": fresh_max},
        "revoked": {"token_fetches": fetched_revoked, "median_ms": revoked_median, "max_ms": revoked_max},
    });
    Ok(case)
}
