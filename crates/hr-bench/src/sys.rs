//! What the runner reads from the operating system (Linux `/proc`), and the
//! sandbox served from a child process.
//!
//! CPU time comes from `/proc/self/stat` (`utime + stime`, the accounting
//! `getrusage(RUSAGE_SELF)` reports, threads that ended included) in clock
//! ticks of 10 ms, and from `/proc/thread-self/schedstat` (nanoseconds on a
//! CPU) for one thread; memory from `VmHWM` in `/proc/self/status`. Reading
//! files keeps the crate free of `unsafe` and of a `libc` dependency.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, Command, ExitCode, Stdio};
use std::time::Duration;

use hr_sandbox::{DataConfig, FaultSpec, Sandbox, SandboxConfig, Skew};
use serde::{Deserialize, Serialize};

use crate::Res;

/// This binary, to re-execute for a hidden subcommand. Not
/// `current_exe()`: a build during a long run replaces the file, and the
/// kernel's link still reaches the running image.
pub const SELF_EXE: &str = "/proc/self/exe";

/// Linux's `USER_HZ`: `/proc` counts CPU time in hundredths of a second on
/// every architecture Rust's std supports there.
const TICKS_PER_SECOND: f64 = 100.0;

/// CPU seconds used by this process so far, user and system, every thread.
pub fn process_cpu_seconds() -> Res<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat")?;
    // The command name (field 2) may hold spaces: fields are counted from
    // the `)` that closes it. utime and stime are fields 14 and 15.
    let rest = stat
        .rsplit_once(')')
        .map(|(_, rest)| rest)
        .ok_or("/proc/self/stat: no `)`")?;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let tick = |i: usize| -> Res<f64> {
        Ok(fields
            .get(i)
            .ok_or("/proc/self/stat: too few fields")?
            .parse::<f64>()?)
    };
    // `rest` starts at field 3, so field n is at index n - 3.
    Ok((tick(11)? + tick(12)?) / TICKS_PER_SECOND)
}

/// Nanoseconds the calling thread has spent on a CPU.
pub fn thread_cpu_nanos() -> Res<u64> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat")?;
    Ok(text
        .split_whitespace()
        .next()
        .ok_or("/proc/thread-self/schedstat: empty")?
        .parse()?)
}

/// Peak resident set size of this process (`VmHWM`), in KiB.
pub fn peak_rss_kib() -> Res<u64> {
    status_kib("VmHWM:")
}

/// Current resident set size (`VmRSS`), in KiB.
pub fn rss_kib() -> Res<u64> {
    status_kib("VmRSS:")
}

fn status_kib(key: &str) -> Res<u64> {
    let status = std::fs::read_to_string("/proc/self/status")?;
    let line = status
        .lines()
        .find(|l| l.starts_with(key))
        .ok_or_else(|| format!("/proc/self/status: no {key}"))?;
    Ok(line
        .trim_start_matches(key)
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()?)
}

/// A sandbox, described so that a child process can be told it (one JSON
/// argument): the data of 2024 (seed 42), latency, Beisen's limits.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SandboxSpec {
    /// Generated employees.
    pub employees: usize,
    /// Put this share of the changes in one hour of 2024-07-01.
    pub skew: Option<f64>,
    /// Added latency on every API route of every vendor, in milliseconds.
    pub latency_ms: u64,
    /// Beisen requests per second per route; with `beisen_per_minute`
    /// also 0, no limits at all (B3 and B4 need none on the sandbox side).
    pub beisen_per_second: u32,
    /// Beisen requests per minute per route (see `beisen_per_second`).
    pub beisen_per_minute: u32,
}

impl SandboxSpec {
    /// The sandbox's configuration.
    pub fn config(&self) -> SandboxConfig {
        let mut data = DataConfig {
            employees: self.employees,
            ..DataConfig::year_2024()
        };
        if let Some(fraction) = self.skew {
            // The sandbox's nightly job runs 02:00–03:00: the changes of
            // `fraction` of the people fall in that hour, mid-year.
            data.skew = Some(Skew {
                fraction,
                day: data.span_start + beisen_client::chrono::Duration::days(182),
            });
        }
        let mut config = SandboxConfig {
            data,
            ..SandboxConfig::default()
        };
        let latency = FaultSpec {
            latency: Duration::from_millis(self.latency_ms),
            ..FaultSpec::default()
        };
        config.faults.beisen.default = latency;
        config.faults.isdp.default = latency;
        config.faults.travel.default = latency;
        // The sandbox reads 0 as "the route's documented limit"; the
        // benches that pass no limits mean none.
        if self.beisen_per_second == 0 && self.beisen_per_minute == 0 {
            config.beisen.rate_limits = hr_sandbox::beisen::BeisenRateLimits::NONE;
        }
        config.beisen.rate_per_second = self.beisen_per_second;
        config.beisen.rate_per_minute = self.beisen_per_minute;
        config
    }
}

/// Where a sandbox child serves, printed as its first stdout line.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SandboxUrls {
    /// Beisen base URL.
    pub beisen: String,
    /// ISDP base URL.
    pub isdp: String,
    /// Travel sync URL.
    pub travel_sync: String,
}

/// A sandbox served by a child process (this binary, `__sandbox`), so that
/// the CPU it spends is not counted in the runner's own.
pub struct SandboxProcess {
    child: Child,
    /// Held open: the child stops when it reads end-of-file.
    stdin: Option<ChildStdin>,
    /// Its URLs.
    pub urls: SandboxUrls,
}

/// A sandbox in this process or in a child.
pub enum Server {
    /// Served by this process's runtime.
    Local(Sandbox),
    /// Served by a child process.
    Child(SandboxProcess),
}

impl Server {
    /// Starts the sandbox of `spec`, here or in a child process.
    pub async fn start(spec: &SandboxSpec, child: bool) -> Res<Server> {
        Ok(if child {
            Server::Child(SandboxProcess::start(spec).await?)
        } else {
            Server::Local(Sandbox::start(spec.config()).await?)
        })
    }

    /// Beisen's base URL.
    pub fn beisen_url(&self) -> String {
        match self {
            Server::Local(s) => s.beisen_url(),
            Server::Child(c) => c.urls.beisen.clone(),
        }
    }

    /// Every counter (`/_sandbox/counters` of a child).
    pub async fn counters(&self) -> Res<std::collections::BTreeMap<String, u64>> {
        Ok(match self {
            Server::Local(s) => s.counters().snapshot(),
            Server::Child(c) => {
                reqwest::get(format!("{}/_sandbox/counters", c.urls.beisen))
                    .await?
                    .error_for_status()?
                    .json()
                    .await?
            }
        })
    }
}

impl SandboxProcess {
    /// Starts the child and waits for its URLs.
    pub async fn start(spec: &SandboxSpec) -> Res<SandboxProcess> {
        let arg = serde_json::to_string(spec)?;
        tokio::task::spawn_blocking(move || -> Res<SandboxProcess> {
            let mut child = Command::new(SELF_EXE)
                .args(["__sandbox", &arg])
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::inherit())
                .spawn()?;
            let stdin = child.stdin.take();
            let stdout = child.stdout.take().ok_or("sandbox child: no stdout")?;
            let mut line = String::new();
            BufReader::new(stdout).read_line(&mut line)?;
            let urls = match serde_json::from_str(&line) {
                Ok(urls) => urls,
                Err(e) => {
                    let _ = child.kill();
                    let _ = child.wait();
                    return Err(format!("sandbox child said {line:?}: {e}").into());
                }
            };
            Ok(SandboxProcess { child, stdin, urls })
        })
        .await?
    }
}

impl Drop for SandboxProcess {
    fn drop(&mut self) {
        // End-of-file on its stdin stops the child; kill it in case it hangs.
        drop(self.stdin.take());
        for _ in 0..50 {
            if matches!(self.child.try_wait(), Ok(Some(_))) {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The `__sandbox` subcommand: serves until stdin closes.
pub fn serve_sandbox(args: &[String]) -> ExitCode {
    let run = || -> Res<()> {
        let spec: SandboxSpec = serde_json::from_str(args.first().ok_or("__sandbox SPEC")?)?;
        let config = spec.config();
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()?;
        runtime.block_on(async {
            let sandbox = Sandbox::start(config).await?;
            let urls = SandboxUrls {
                beisen: sandbox.beisen_url(),
                isdp: sandbox.isdp_url(),
                travel_sync: sandbox.travel_sync_url(),
            };
            let mut out = std::io::stdout().lock();
            writeln!(out, "{}", serde_json::to_string(&urls)?)?;
            out.flush()?;
            drop(out);
            // Serve until the parent closes our stdin (or dies).
            tokio::task::spawn_blocking(|| {
                let mut sink = String::new();
                while std::io::stdin().read_line(&mut sink).is_ok_and(|n| n > 0) {
                    sink.clear();
                }
            })
            .await?;
            drop(sandbox);
            Ok::<(), crate::Error>(())
        })
    };
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("hr-bench __sandbox: {e}");
            ExitCode::FAILURE
        }
    }
}
