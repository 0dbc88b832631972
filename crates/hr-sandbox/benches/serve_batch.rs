//! Benchmark: the cost of serving one 300-record Beisen scroll batch, and
//! the memory of the sandbox binary with 1,000,000 employees.
//!
//! It starts the release `hr-sandbox` binary as a child process, so the CPU
//! it reports is the server's alone (read from `/proc/<pid>/stat`), not the
//! client's JSON parsing. Linux only.
//!
//! ```sh
//! cargo bench -p hr-sandbox --bench serve_batch
//! BENCH_EMPLOYEES=200000 BENCH_BATCHES=100 cargo bench -p hr-sandbox --bench serve_batch
//! ```

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

struct Server {
    child: Child,
    url: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(employees: usize) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_hr-sandbox"))
        .args([
            "--employees",
            &employees.to_string(),
            // The window below is in 2024.
            "--span-start",
            "2024-01-01",
            "--rate-per-second",
            "1000000",
            "--rate-per-minute",
            "100000000",
            "--scroll-idle-secs",
            "600",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the hr-sandbox binary");
    let stdout = child.stdout.take().expect("piped stdout");
    let mut url = None;
    for line in BufReader::new(stdout).lines() {
        let line = line.expect("read sandbox stdout");
        if let Some(rest) = line.strip_prefix("beisen") {
            url = rest.split_whitespace().next().map(str::to_owned);
        }
        if line.starts_with("inspect") {
            break;
        }
    }
    Server {
        child,
        url: url.expect("the sandbox printed its Beisen URL"),
    }
}

/// (user + system CPU time, peak resident set) of a process.
fn usage(pid: u32) -> (Duration, u64) {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).expect("read /proc stat");
    // Fields after the parenthesised command name; utime and stime are the
    // 14th and 15th fields of the whole line.
    let after = &stat[stat.rfind(')').expect("comm field") + 2..];
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks: u64 = fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap();
    let hz: u64 = Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(100);
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("read status");
    let hwm_kib = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or(0);
    (Duration::from_millis(ticks * 1000 / hz), hwm_kib)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let employees: usize = std::env::var("BENCH_EMPLOYEES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let batches: usize = std::env::var("BENCH_BATCHES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(300);

    let server = start(employees);
    let pid = server.child.id();
    let (_, rss_idle) = usage(pid);
    let http = reqwest::Client::new();

    let token: Value = http
        .post(format!("{}/token", server.url))
        .json(&json!({
            "grant_type": "client_credentials",
            "app_key": "sandbox-app-key",
            "app_secret": "sandbox-app-secret",
        }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let bearer = format!("Bearer {}", token["access_token"].as_str().unwrap());
    let endpoint = format!(
        "{}/TenantBaseExternal/api/v5/Employee/GetByTimeWindow",
        server.url
    );

    let mut scroll_id = String::new();
    let mut times = Vec::with_capacity(batches);
    let mut records = 0usize;
    let mut bytes = 0usize;
    let mut first = Duration::ZERO;
    let (cpu_before, _) = usage(pid);
    let mut cpu_first = Duration::ZERO;
    let wall = Instant::now();
    for i in 0..=batches {
        let started = Instant::now();
        let body = http
            .post(&endpoint)
            .header("Authorization", &bearer)
            .json(&json!({
                "timeWindowQueryType": 1,
                "startTime": "2024-01-01T00:00:00",
                "stopTime": "2024-03-31T00:00:00",
                "capacity": 300,
                "scrollId": scroll_id,
                "withDisabled": true,
            }))
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap();
        let elapsed = started.elapsed();
        let page: Value = serde_json::from_slice(&body).unwrap();
        let n = page["data"].as_array().map_or(0, Vec::len);
        if n == 0 {
            break;
        }
        scroll_id = page["scrollId"].as_str().unwrap_or_default().to_owned();
        if i == 0 {
            // The first call builds the scroll (scans every employee); it is
            // reported apart from the steady-state batches.
            first = elapsed;
            cpu_first = usage(pid).0 - cpu_before;
            continue;
        }
        records += n;
        bytes += body.len();
        times.push(elapsed);
    }
    let wall = wall.elapsed();
    let (cpu_after, rss_peak) = usage(pid);
    let cpu_batches = cpu_after - cpu_before - cpu_first;

    times.sort();
    let served = times.len().max(1);
    println!("hr-sandbox serve_batch benchmark");
    println!(
        "  machine: {} cores; command: cargo bench -p hr-sandbox --bench serve_batch",
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    println!(
        "  employees: {employees}; batches measured: {}; records: {records}",
        times.len()
    );
    println!("  first call (builds the scroll): {first:.2?}, server CPU {cpu_first:.2?}");
    println!(
        "  per 300-record batch: server CPU {:.3} ms; wall p50 {:.2?}, p95 {:.2?}; {} KiB",
        cpu_batches.as_secs_f64() * 1000.0 / served as f64,
        percentile(&times, 0.5),
        percentile(&times, 0.95),
        bytes / served / 1024
    );
    println!("  total wall {wall:.2?}");
    println!(
        "  sandbox peak RSS: {} MiB after start, {} MiB after the run",
        rss_idle / 1024,
        rss_peak / 1024
    );
}
