//! B1–B4: the Beisen time-window stream against the documented do-while,
//! its decoding, and its memory.

use std::collections::HashSet;
use std::process::{Command, ExitCode};
use std::sync::Arc;
use std::time::{Duration, Instant};

use beisen_client::chrono::{Duration as Days, NaiveDate};
use beisen_client::models::Employee;
use beisen_client::reply::ScrollReply;
use beisen_client::{BeisenClient, Credentials, Limits, ScrollResponse, WindowLimiter};
use bytes::Bytes;
use futures::TryStreamExt;
use hr_common::endpoint::Envelope;
use hr_common::transport::Response;
use hr_sandbox::{BeisenConfig, Sandbox};
use reqwest::header::HeaderMap;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::report::{Chart, ChartPoint};
use crate::sys::{SandboxSpec, Server};
use crate::{Case, LATENCY, Res, Sizes, sys, thousands};

/// The endpoint every case here reads.
const WINDOW_PATH: &str = "/TenantBaseExternal/api/v5/Employee/GetByTimeWindow";
/// The vendor's limits for it (seed 003): per second, per minute.
const LIMITS: (u32, u32) = (100, 3_000);
/// Records per page, the most the endpoint gives.
const CAPACITY: u64 = 300;
/// The longest window the endpoint takes, in days.
const MAX_WINDOW_DAYS: i64 = 90;

/// The ceiling the vendor's limits allow, in records per second, and how
/// it was chosen. At 100 requests/s a run of up to 3,000 requests (the
/// minute's budget) can go at the burst rate, 30,000 records/s; a longer
/// one is held by the per-minute limit to 50 requests/s on average,
/// 15,000 records/s.
pub fn ceiling(records: u64) -> (f64, &'static str) {
    let requests = records.div_ceil(CAPACITY);
    if requests <= u64::from(LIMITS.1) {
        (
            f64::from(LIMITS.0) * CAPACITY as f64,
            "burst: 100 req/s × 300; the run needs no more than the minute's 3,000 requests",
        )
    } else {
        (
            f64::from(LIMITS.1) / 60.0 * CAPACITY as f64,
            "sustained: 3,000 req/min × 300 / 60 s; the run needs more than a minute's budget",
        )
    }
}

/// The sandbox of B1/B2 (and, with other limits and latency, B3/B4): the
/// employees changed over 2024, pinned so every run sees the same people.
fn spec(employees: usize, skew: bool, latency: Duration, limits: (u32, u32)) -> SandboxSpec {
    SandboxSpec {
        employees,
        // 40% of all changes in one hour.
        skew: skew.then_some(0.4),
        latency_ms: latency.as_millis() as u64,
        beisen_per_second: limits.0,
        beisen_per_minute: limits.1,
    }
}

/// The window read: the sandbox's span, `[2024-01-01, 2024-12-31)`.
fn span(spec: &SandboxSpec) -> (NaiveDate, NaiveDate) {
    let data = spec.config().data;
    (data.span_start, data.span_end())
}

/// The sandbox's Beisen credentials (the defaults, in a child too).
fn credentials() -> (String, String) {
    let b = BeisenConfig::default();
    (b.app_key, b.app_secret)
}

fn client(base_url: &str) -> Res<BeisenClient> {
    let (key, secret) = credentials();
    Ok(BeisenClient::builder()
        .base_url(base_url)
        .credentials(Credentials::app_key(key, secret))
        .build()?)
}

/// One measured read of the whole span.
#[derive(Debug, Clone, Serialize)]
pub struct Run {
    /// Who read.
    pub label: String,
    /// `.parallel(n)`, when set.
    pub parallel: Option<usize>,
    /// The parallelism it ran at (the client's default when not set).
    pub effective_parallel: usize,
    /// Records delivered.
    pub records: u64,
    /// Distinct `userID`s among them.
    pub distinct: u64,
    /// Wall time, token fetch included.
    pub seconds: f64,
    /// Whether the sandbox ran in a child process.
    pub sandbox_in_child: bool,
    /// CPU time of this process meanwhile: the client, and the sandbox
    /// unless it ran in a child.
    pub process_cpu_seconds: f64,
    /// `records / seconds`.
    pub records_per_second: f64,
    /// Window calls the sandbox received.
    pub requests: u64,
    /// Of them, refused with 429.
    pub throttled: u64,
    /// Scrolls that died idle.
    pub scrolls_expired: u64,
    /// Restarts the SDK reported.
    pub restarts: Option<u64>,
    /// Duplicates the SDK dropped.
    pub duplicates_dropped: Option<u64>,
}

impl Run {
    async fn new(
        label: String,
        parallel: Option<usize>,
        server: &Server,
        records: u64,
        distinct: u64,
        elapsed: Duration,
        cpu: f64,
    ) -> Res<Self> {
        let counters = server.counters().await?;
        let get = |key: &str| counters.get(key).copied().unwrap_or(0);
        let seconds = elapsed.as_secs_f64();
        Ok(Run {
            label,
            parallel,
            effective_parallel: parallel.unwrap_or(1),
            records,
            distinct,
            seconds,
            sandbox_in_child: matches!(server, Server::Child(_)),
            process_cpu_seconds: cpu,
            records_per_second: records as f64 / seconds.max(1e-9),
            requests: get(&format!("requests.beisen.{WINDOW_PATH}")),
            throttled: get("rate_limited.beisen"),
            scrolls_expired: get("scrolls_expired.beisen"),
            restarts: None,
            duplicates_dropped: None,
        })
    }

    fn summary(&self) -> String {
        let mut s = format!(
            "{}: {} records ({} distinct) in {:.2} s = {} rec/s; CPU ({}) {:.0} µs a record, {:.2} cores; {} requests, {} × 429, {} scrolls expired",
            self.label,
            thousands(self.records as f64),
            thousands(self.distinct as f64),
            self.seconds,
            thousands(self.records_per_second),
            if self.sandbox_in_child {
                "client only, sandbox in a child process"
            } else {
                "client and sandbox"
            },
            self.process_cpu_seconds * 1e6 / self.records.max(1) as f64,
            self.process_cpu_seconds / self.seconds.max(1e-9),
            self.requests,
            self.throttled,
            self.scrolls_expired
        );
        if let Some(r) = self.restarts {
            s += &format!(", {r} restarts");
        }
        if let Some(d) = self.duplicates_dropped {
            s += &format!(", {d} duplicates dropped");
        }
        s
    }
}

/// The SDK with library defaults (or `.parallel(n)`), a fresh sandbox and
/// client: `changed_between(..).everything()`, every generated record.
async fn sdk_run(spec: &SandboxSpec, parallel: Option<usize>, child: bool) -> Res<Run> {
    let server = Server::start(spec, child).await?;
    let client = client(&server.beisen_url())?;
    let (start, stop) = span(spec);
    let cpu = sys::process_cpu_seconds()?;
    let started = Instant::now();
    let mut stream = client.employees().changed_between(start, stop).everything();
    if let Some(n) = parallel {
        stream = stream.parallel(n);
    }
    let progress = stream.progress();
    let mut items = stream.items();
    let mut ids = HashSet::new();
    let mut records = 0u64;
    while let Some(employee) = items.try_next().await? {
        records += 1;
        ids.insert(employee.employee_info.user_id.get());
    }
    let elapsed = started.elapsed();
    let cpu = sys::process_cpu_seconds()? - cpu;
    let mut label = match parallel {
        Some(n) => format!("SDK parallel {n}"),
        None => format!("SDK defaults (parallel {})", client.concurrency()),
    };
    if child {
        label += ", sandbox in a child";
    }
    let mut run = Run::new(
        label,
        parallel,
        &server,
        records,
        ids.len() as u64,
        elapsed,
        cpu,
    )
    .await?;
    run.effective_parallel = parallel.unwrap_or(client.concurrency()).max(1);
    run.restarts = Some(progress.restarts());
    run.duplicates_dropped = Some(progress.duplicates_dropped());
    Ok(run)
}

/// The body of one window call, with the filters of `.everything()`.
fn window_body(start: NaiveDate, stop: NaiveDate, scroll_id: &str) -> Value {
    json!({
        "startTime": format!("{start}T00:00:00"),
        "stopTime": format!("{stop}T00:00:00"),
        "timeWindowQueryType": 1,
        "scrollId": scroll_id,
        "capacity": CAPACITY,
        "withDisabled": true,
        "isWithDeleted": true,
        "empStatus": (1..=12).collect::<Vec<_>>(),
        "employType": [0, 1, 2, 3],
        "serviceType": [0, 1, 3, 4, 5],
        "approvalStatuses": (0..=6).collect::<Vec<_>>(),
    })
}

/// A page as the do-while reads it: the SDK's record type, plain serde.
#[derive(Deserialize)]
struct Page {
    #[serde(rename = "scrollId", default)]
    scroll_id: Option<String>,
    #[serde(default)]
    data: Option<Vec<Employee>>,
    #[serde(default)]
    code: Value,
    #[serde(default)]
    message: Value,
}

/// The 90-day windows of `[start, stop)`.
fn windows(start: NaiveDate, stop: NaiveDate) -> Vec<(NaiveDate, NaiveDate)> {
    let mut out = Vec::new();
    let mut a = start;
    while a < stop {
        let b = (a + Days::days(MAX_WINDOW_DAYS)).min(stop);
        out.push((a, b));
        a = b;
    }
    out
}

/// `POST /token`, as the vendor's template does.
async fn token(http: &reqwest::Client, base: &str, key: &str, secret: &str) -> Res<String> {
    let reply: Value = http
        .post(format!("{base}/token"))
        .json(&json!({"grant_type": "client_credentials", "app_key": key, "app_secret": secret}))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    Ok(reply["access_token"]
        .as_str()
        .ok_or("no access_token")?
        .to_owned())
}

/// One call of the do-while: the page's raw parts.
async fn window_call(
    http: &reqwest::Client,
    base: &str,
    token: &str,
    body: &Value,
) -> Res<(HeaderMap, Bytes)> {
    let resp = http
        .post(format!("{base}{WINDOW_PATH}"))
        .bearer_auth(token)
        .json(body)
        .send()
        .await?;
    let status = resp.status();
    let headers = resp.headers().clone();
    let bytes = resp.bytes().await?;
    if !status.is_success() {
        return Err(format!("HTTP {status}: {}", String::from_utf8_lossy(&bytes)).into());
    }
    Ok((headers, bytes))
}

/// The documented do-while: sequential 90-day windows, capacity 300, the
/// scroll id passed on until a page comes back empty.
async fn baseline_run(spec: &SandboxSpec, child: bool) -> Res<Run> {
    let server = Server::start(spec, child).await?;
    let base = server.beisen_url();
    let (key, secret) = credentials();
    let http = reqwest::Client::new();
    let (start, stop) = span(spec);
    let cpu = sys::process_cpu_seconds()?;
    let started = Instant::now();
    let token = token(&http, &base, &key, &secret).await?;
    let mut ids = HashSet::new();
    let mut records = 0u64;
    for (a, z) in windows(start, stop) {
        let mut scroll_id = String::new();
        loop {
            let (_, bytes) =
                window_call(&http, &base, &token, &window_body(a, z, &scroll_id)).await?;
            let page: Page = serde_json::from_slice(&bytes)?;
            if page.code != json!("200") && page.code != json!(200) {
                return Err(format!("code {}: {}", page.code, page.message).into());
            }
            let data = page.data.unwrap_or_default();
            if data.is_empty() {
                break;
            }
            records += data.len() as u64;
            ids.extend(data.iter().map(|e| e.employee_info.user_id.get()));
            scroll_id = page.scroll_id.unwrap_or_default();
        }
    }
    let elapsed = started.elapsed();
    let cpu = sys::process_cpu_seconds()? - cpu;
    let label = if child {
        "do-while, sandbox in a child"
    } else {
        "do-while"
    };
    Run::new(
        label.into(),
        None,
        &server,
        records,
        ids.len() as u64,
        elapsed,
        cpu,
    )
    .await
}

/// The row of B1 or B2.
fn window_case(
    sizes: &Sizes,
    mut case: Case,
    share_target: f64,
    ratio_target: Option<f64>,
    baseline: &Run,
    sdk: &Run,
) -> Case {
    let want = sizes.beisen as u64;
    for run in [baseline, sdk] {
        case.expect(&format!("{} records", run.label), run.records, want);
        case.expect(
            &format!("{} distinct userIDs", run.label),
            run.distinct,
            want,
        );
    }
    let (ceiling, why) = ceiling(want);
    let share = sdk.records_per_second / ceiling;
    let ratio = sdk.records_per_second / baseline.records_per_second.max(1e-9);
    case.sdk = format!(
        "{} rec/s ({share:.2} × ceiling)",
        thousands(sdk.records_per_second)
    );
    case.baseline = format!(
        "{} rec/s ({:.2} × ceiling)",
        thousands(baseline.records_per_second),
        baseline.records_per_second / ceiling
    );
    case.ratio = format!("{ratio:.2}×");
    let met = share >= share_target && ratio_target.is_none_or(|t| ratio >= t);
    case.met = (!sizes.quick).then_some(met);
    case.notes
        .push(format!("ceiling {} rec/s ({why})", thousands(ceiling)));
    case.notes.push(baseline.summary());
    case.notes.push(sdk.summary());
    case.details = json!({
        "ceiling_records_per_second": ceiling,
        "ceiling_basis": why,
        "share_of_ceiling": share,
        "ratio_to_baseline": ratio,
        "baseline": baseline,
        "sdk": sdk,
    });
    case
}

/// B1: 100,000 employees changed over a year, 30 ms, 100/s and 3,000/min;
/// and the chart's sweep over `.parallel(n)`.
pub async fn b1(sizes: &Sizes) -> Res<(Case, Chart)> {
    let spec = spec(sizes.beisen, false, LATENCY, LIMITS);
    let baseline = baseline_run(&spec, false).await?;
    let sdk = sdk_run(&spec, None, false).await?;
    let mut sweep = Vec::new();
    for &n in &sizes.sweep {
        sweep.push(sdk_run(&spec, Some(n), false).await?);
    }
    // The same two with the sandbox in a child process: this process's
    // CPU time is then the client's alone.
    let client_cpu = [
        baseline_run(&spec, true).await?,
        sdk_run(&spec, None, true).await?,
    ];
    let case = Case::new(
        "B1",
        format!(
            "Beisen {} changed over a year; 30 ms; 100/s, 3,000/min",
            thousands(sizes.beisen as f64)
        ),
        "≥ 0.90 × ceiling; ≥ 4× baseline",
    );
    let mut case = window_case(sizes, case, 0.90, Some(4.0), &baseline, &sdk);
    let want = sizes.beisen as u64;
    for run in &sweep {
        case.expect(&format!("{} records", run.label), run.records, want);
        case.expect(
            &format!("{} distinct userIDs", run.label),
            run.distinct,
            want,
        );
        case.notes.push(run.summary());
    }
    for run in &client_cpu {
        case.expect(&format!("{} records", run.label), run.records, want);
        case.expect(
            &format!("{} distinct userIDs", run.label),
            run.distinct,
            want,
        );
        case.notes.push(run.summary());
    }
    case.details["sweep"] = json!(sweep);
    case.details["client_cpu"] = json!(client_cpu);
    let chart = Chart {
        title: format!(
            "B1: Beisen {} records over a year, 30 ms, 100/s and 3,000/min",
            thousands(sizes.beisen as f64)
        ),
        ceiling: ceiling(want).0,
        baseline: baseline.records_per_second,
        default_point: ChartPoint {
            parallel: sdk.effective_parallel,
            records_per_second: sdk.records_per_second,
        },
        points: sweep
            .iter()
            .map(|r| ChartPoint {
                parallel: r.parallel.unwrap_or(1),
                records_per_second: r.records_per_second,
            })
            .collect(),
    };
    Ok((case, chart))
}

/// B2: B1 with 40% of the changes in one hour.
pub async fn b2(sizes: &Sizes) -> Res<Case> {
    let spec = spec(sizes.beisen, true, LATENCY, LIMITS);
    let baseline = baseline_run(&spec, false).await?;
    let sdk = sdk_run(&spec, None, false).await?;
    let case = Case::new(
        "B2",
        "B1 with 40% of the changes in one hour",
        "≥ 0.80 × ceiling",
    );
    Ok(window_case(sizes, case, 0.80, None, &baseline, &sdk))
}

/// The pages of `records` employees, fetched once (no latency, no limits).
async fn fetch_pages(records: usize) -> Res<Vec<(HeaderMap, Bytes)>> {
    let spec = spec(records, false, Duration::ZERO, (0, 0));
    let sandbox = Sandbox::start(spec.config()).await?;
    let base = sandbox.beisen_url();
    let (key, secret) = credentials();
    let http = reqwest::Client::new();
    let token = token(&http, &base, &key, &secret).await?;
    let (start, stop) = span(&spec);
    let mut pages = Vec::new();
    for (a, z) in windows(start, stop) {
        let mut scroll_id = String::new();
        loop {
            let (headers, bytes) =
                window_call(&http, &base, &token, &window_body(a, z, &scroll_id)).await?;
            let page: ScrollResponse<Value> = serde_json::from_slice(&bytes)?;
            if page.data.is_empty() {
                break;
            }
            scroll_id = page.scroll_id.clone().unwrap_or_default();
            pages.push((headers, bytes));
        }
    }
    Ok(pages)
}

/// How one decoding went: the fastest round.
#[derive(Debug, Clone, Serialize)]
struct Decoded {
    method: &'static str,
    records: u64,
    best_cpu_seconds: f64,
    micros_per_record: f64,
}

/// B3: decoding 100,000 employee records, CPU only.
pub async fn b3(sizes: &Sizes) -> Res<Case> {
    let pages = fetch_pages(sizes.decode).await?;
    let bytes: usize = pages.iter().map(|(_, b)| b.len()).sum();
    let rounds = sizes.decode_rounds.max(1);
    // On a thread of its own: its CPU time is the decoding's alone.
    let results = tokio::task::spawn_blocking(move || decode_rounds(&pages, rounds)).await??;
    let [sdk, value, bare] = &results;
    let mut case = Case::new(
        "B3",
        format!(
            "decode {} employee records ({} pages, {:.0} MiB), CPU only",
            thousands(sizes.decode as f64),
            results[0].records.div_ceil(CAPACITY),
            bytes as f64 / (1 << 20) as f64
        ),
        "≤ 1.10× bare; faster than Value",
    );
    for r in &results {
        case.expect(
            &format!("{} records", r.method),
            r.records,
            sizes.decode as u64,
        );
    }
    let ratio = sdk.micros_per_record / bare.micros_per_record.max(1e-12);
    case.sdk = format!("{:.2} µs/record", sdk.micros_per_record);
    case.baseline = format!(
        "bare {:.2} µs; Value {:.2} µs",
        bare.micros_per_record, value.micros_per_record
    );
    case.ratio = format!(
        "{ratio:.2}× bare; {:.2}× Value",
        sdk.micros_per_record / value.micros_per_record.max(1e-12)
    );
    let met = ratio <= 1.10 && sdk.micros_per_record < value.micros_per_record;
    case.met = (!sizes.quick).then_some(met);
    case.notes.push(format!(
        "best of {rounds} rounds, CPU time of the decoding thread (/proc/thread-self/schedstat); SDK: `ScrollReply::decode` of a `Response::from_parts`; bare: `serde_json::from_slice::<ScrollResponse<Employee>>`; Value: `serde_json::from_slice::<Value>`"
    ));
    case.details = json!({ "rounds": rounds, "body_bytes": bytes, "results": results });
    Ok(case)
}

fn decode_rounds(pages: &[(HeaderMap, Bytes)], rounds: usize) -> Res<[Decoded; 3]> {
    let responses: Vec<Response> = pages
        .iter()
        .map(|(h, b)| Response::from_parts(200, h.clone(), b.clone()))
        .collect();
    type Decode<'a> = Box<dyn Fn() -> Res<u64> + 'a>;
    let methods: [(&'static str, Decode); 3] = [
        (
            "SDK",
            Box::new(|| {
                let mut n = 0;
                for r in &responses {
                    let page: ScrollResponse<Employee> =
                        <ScrollReply as Envelope<ScrollResponse<Employee>>>::decode(r)?;
                    n += std::hint::black_box(page).data.len() as u64;
                }
                Ok(n)
            }),
        ),
        (
            "Value",
            Box::new(|| {
                let mut n = 0;
                for (_, body) in pages {
                    let page: Value = serde_json::from_slice(body)?;
                    n += std::hint::black_box(page)["data"]
                        .as_array()
                        .map_or(0, Vec::len) as u64;
                }
                Ok(n)
            }),
        ),
        (
            "bare",
            Box::new(|| {
                let mut n = 0;
                for (_, body) in pages {
                    let page: ScrollResponse<Employee> = serde_json::from_slice(body)?;
                    n += std::hint::black_box(page).data.len() as u64;
                }
                Ok(n)
            }),
        ),
    ];
    let mut best = [u64::MAX; 3];
    let mut counts = [0u64; 3];
    // Rounds interleave the methods, so a noisy neighbour hurts all alike.
    for _ in 0..rounds {
        for (i, (_, decode)) in methods.iter().enumerate() {
            let before = sys::thread_cpu_nanos()?;
            counts[i] = decode()?;
            best[i] = best[i].min(sys::thread_cpu_nanos()? - before);
        }
    }
    Ok(std::array::from_fn(|i| {
        let seconds = best[i] as f64 / 1e9;
        Decoded {
            method: methods[i].0,
            records: counts[i],
            best_cpu_seconds: seconds,
            micros_per_record: seconds * 1e6 / counts[i].max(1) as f64,
        }
    }))
}

/// What a B4 child reports.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct ChildReport {
    mode: String,
    records: u64,
    seconds: f64,
    peak_rss_kib: u64,
    final_rss_kib: u64,
}

/// B4: 1,000,000 employees streamed, peak RSS of a child process that
/// only reads (the sandbox serves from this process).
pub async fn b4(sizes: &Sizes) -> Res<Case> {
    // Latency 0 and no limits on either side: the fastest the client can
    // be fed, which is when buffers would grow.
    let spec = spec(sizes.stream, false, Duration::ZERO, (0, 0));
    let sandbox = Sandbox::start(spec.config()).await?;
    let (start, stop) = span(&spec);
    let (key, secret) = credentials();
    let url = sandbox.beisen_url();
    let mut reports = Vec::new();
    for mode in ["idle", "stream", "vec"] {
        let args: Vec<String> = [mode, &url, &key, &secret]
            .into_iter()
            .map(String::from)
            .chain([start.to_string(), stop.to_string()])
            .collect();
        let output = tokio::task::spawn_blocking(move || {
            Command::new(sys::SELF_EXE).arg("__b4").args(&args).output()
        })
        .await??;
        if !output.status.success() {
            return Err(format!(
                "B4 child `{mode}` failed: {}",
                String::from_utf8_lossy(&output.stderr)
            )
            .into());
        }
        let report: ChildReport = serde_json::from_slice(&output.stdout)?;
        reports.push(report);
    }
    drop(sandbox);
    let [idle, stream, vec] = &reports[..] else {
        unreachable!("three modes")
    };
    let mib = |kib: u64| kib as f64 / 1024.0;
    let mut case = Case::new(
        "B4",
        format!(
            "stream {} employees, de-duplication on; latency 0, no limits",
            thousands(sizes.stream as f64)
        ),
        "≤ 64 MiB peak RSS (child process)",
    );
    case.expect("stream records", stream.records, sizes.stream as u64);
    case.expect("Vec records", vec.records, sizes.stream as u64);
    case.sdk = format!("{:.1} MiB peak", mib(stream.peak_rss_kib));
    case.baseline = format!("Vec: {:.1} MiB peak", mib(vec.peak_rss_kib));
    case.ratio = format!(
        "{:.2}×",
        stream.peak_rss_kib as f64 / vec.peak_rss_kib.max(1) as f64
    );
    case.met = (!sizes.quick).then_some(stream.peak_rss_kib <= 64 * 1024);
    case.notes.push(format!(
        "VmHWM of a child that only reads (the sandbox serves from the parent); a child that builds the runtime and client and reads nothing peaks at {:.1} MiB; stream {:.1} s, Vec {:.1} s",
        mib(idle.peak_rss_kib),
        stream.seconds,
        vec.seconds
    ));
    case.details = json!({ "children": reports });
    Ok(case)
}

/// The `__b4` subcommand: `MODE URL KEY SECRET START STOP`, one JSON line out.
pub fn b4_child(args: &[String]) -> ExitCode {
    let run = || -> Res<ChildReport> {
        let [mode, url, key, secret, start, stop] = args else {
            return Err("__b4 MODE URL KEY SECRET START STOP".into());
        };
        let start: NaiveDate = start.parse()?;
        let stop: NaiveDate = stop.parse()?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()?;
        let started = Instant::now();
        let records = runtime.block_on(async {
            let client = BeisenClient::builder()
                .base_url(url.as_str())
                .credentials(Credentials::app_key(key.as_str(), secret.as_str()))
                .rate_limiter(Arc::new(WindowLimiter::new(Limits::unlimited())))
                .build()?;
            let stream = client
                .employees()
                .changed_between(start, stop)
                .everything()
                .dedup(true);
            match mode.as_str() {
                "idle" => Ok::<u64, crate::Error>(0),
                "stream" => {
                    let mut items = stream.items();
                    let mut n = 0;
                    while let Some(e) = items.try_next().await? {
                        std::hint::black_box(&e);
                        n += 1;
                    }
                    Ok(n)
                }
                "vec" => {
                    let all: Vec<Employee> = stream.items().try_collect().await?;
                    Ok(std::hint::black_box(all).len() as u64)
                }
                other => Err(format!("unknown mode {other}").into()),
            }
        })?;
        Ok(ChildReport {
            mode: mode.clone(),
            records,
            seconds: started.elapsed().as_secs_f64(),
            peak_rss_kib: sys::peak_rss_kib()?,
            final_rss_kib: sys::rss_kib()?,
        })
    };
    match run() {
        Ok(report) => {
            println!("{}", serde_json::to_string(&report).unwrap_or_default());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("hr-bench __b4: {e}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_cover_the_span_in_ninety_days_at_most() {
        let d = |m, day| NaiveDate::from_ymd_opt(2024, m, day).unwrap();
        let w = windows(d(1, 1), d(12, 31));
        assert_eq!(w.len(), 5);
        assert_eq!(w[0], (d(1, 1), d(3, 31)));
        assert_eq!(w.last().unwrap().1, d(12, 31));
        assert!(w.windows(2).all(|p| p[0].1 == p[1].0));
        assert!(windows(d(1, 1), d(1, 1)).is_empty());
    }

    #[test]
    fn the_ceiling_is_the_burst_rate_until_a_minute_is_not_enough() {
        assert_eq!(ceiling(100_000).0, 30_000.0);
        assert_eq!(ceiling(900_000).0, 30_000.0);
        assert_eq!(ceiling(900_001).0, 15_000.0);
    }
}
