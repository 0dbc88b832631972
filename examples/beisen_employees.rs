//! Writes the Beisen employees changed in a window to stdout as NDJSON.
//!
//! Each line is one record serialised with the SDK's own `Serialize`, in the
//! camelCase Beisen sends (`{"employeeInfo":{"userID":…},"recordInfo":{…}}`).
//! Progress and logs go to stderr; the exit status is non-zero on failure.
//!
//! ```sh
//! cargo run --example beisen_employees -- --start 2024-01-01 --stop 2025-01-01 --query-type 1
//! ```
//!
//! Defaults: on the simulator, its data span (the 365 days before today,
//! or the window given, to which the simulator's span is then pinned); on
//! a real server, the last 30 days (through today, China time);
//! `--query-type 1` (modification time). The window is `[start, stop)`; a stop before the start is an error (non-zero exit), and
//! `stop == start` writes nothing. By default the query asks for
//! *everyone*: every employee status, leavers included (the `.everyone()`
//! preset); pass `--active-only` for people at work only (`.active()`:
//! statuses 2 试用, 3 正式, 7 返聘). The final checkpoint goes to stderr
//! even when the run fails, and it never covers a window that was not
//! finished.
//!
//! With no `BEISEN_*` variables it starts the Beisen simulator in-process
//! (20,000 employees, all changed within the window). With `BEISEN_APP_KEY` and
//! `BEISEN_APP_SECRET` (and optionally `BEISEN_BASE_URL`) it talks to that
//! server instead, through `BeisenClient::from_env` (a loopback `http://`
//! URL is allowed, for a simulator run elsewhere); a partial set is an
//! error naming the missing variable.

use std::io::{BufWriter, Write};
use std::process::ExitCode;
use std::time::Instant;

use futures::TryStreamExt;
use hr_sdk::beisen::chrono::{Duration, NaiveDate, Utc};
use hr_sdk::beisen::window::QueryType;
use hr_sdk::beisen::{BeisenClient, Credentials, ENV_APP_KEY, ENV_APP_SECRET, ENV_BASE_URL};

struct Args {
    start: Option<NaiveDate>,
    stop: Option<NaiveDate>,
    query_type: QueryType,
    active_only: bool,
}

fn parse_args() -> Result<Args, String> {
    let mut start = None;
    let mut stop = None;
    let mut query_type = QueryType::Modified;
    let mut active_only = false;
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or(format!("{flag} needs a value"));
        let date = |v: String| {
            NaiveDate::parse_from_str(&v, "%Y-%m-%d")
                .map_err(|e| format!("`{v}`: {e} (want YYYY-MM-DD)"))
        };
        match flag.as_str() {
            "--start" => start = Some(date(value()?)?),
            "--stop" => stop = Some(date(value()?)?),
            "--query-type" => {
                let v = value()?;
                query_type = v
                    .parse()
                    .ok()
                    .and_then(QueryType::from_code)
                    .ok_or(format!("--query-type must be 1 or 2, got `{v}`"))?;
            }
            "--active-only" => active_only = true,
            "-h" | "--help" => {
                return Err("usage: beisen_employees [--start YYYY-MM-DD] [--stop YYYY-MM-DD] (default: the simulator's span, or the last 30 days) [--query-type 1|2] [--active-only]".into());
            }
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    if let (Some(start), Some(stop)) = (start, stop)
        && stop < start
    {
        return Err(format!("--stop {stop} is before --start {start}"));
    }
    Ok(Args {
        start,
        stop,
        query_type,
        active_only,
    })
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let args = parse_args()?;
    let set = |k: &str| std::env::var(k).is_ok_and(|v| !v.trim().is_empty());
    // The sandbox must outlive the stream, so it is held here.
    let mut _sandbox = None;
    let (client, start, stop) = if [ENV_BASE_URL, ENV_APP_KEY, ENV_APP_SECRET]
        .iter()
        .any(|k| set(k))
    {
        // The last 30 days, today included (China time, as Beisen's).
        let tomorrow = (Utc::now() + Duration::hours(8)).date_naive() + Duration::days(1);
        let stop = args.stop.unwrap_or(tomorrow);
        let start = args.start.unwrap_or(stop - Duration::days(30));
        (BeisenClient::from_env()?, start, stop)
    } else {
        // The simulator's span by default; a window given pins its span
        // there, so every one of its people is in the window either way.
        let span = hr_sandbox::DataConfig::default();
        let start = args.start.unwrap_or(span.span_start);
        let stop = args.stop.unwrap_or(span.span_end());
        let days = u32::try_from((stop - start).num_days()).unwrap_or(0).max(1);
        let mut config = hr_sandbox::SandboxConfig {
            data: hr_sandbox::DataConfig {
                employees: 20_000,
                ..hr_sandbox::DataConfig::pinned(start, days)
            },
            ..hr_sandbox::SandboxConfig::default()
        };
        // The limits Beisen documents for the time-window endpoints, which
        // the client's defaults pace to.
        config.beisen.rate_per_second = 100;
        config.beisen.rate_per_minute = 3000;
        let sandbox = hr_sandbox::Sandbox::start(config).await?;
        eprintln!("started the Beisen sandbox at {}", sandbox.beisen_url());
        let beisen = &sandbox.config().beisen;
        let client = BeisenClient::builder()
            .base_url(sandbox.beisen_url())
            .credentials(Credentials::app_key(&beisen.app_key, &beisen.app_secret))
            .build()?;
        _sandbox = Some(sandbox);
        (client, start, stop)
    };
    if stop < start {
        return Err(format!("--stop {stop} is before --start {start}").into());
    }

    let started = Instant::now();
    let stream = client
        .employees()
        .changed_between(start, stop)
        .query_type(args.query_type);
    // Everyone by default: a sync that never sees a departure leaves the
    // leaver's account open downstream.
    let mut stream = if args.active_only {
        stream.active()
    } else {
        stream.everyone()
    };
    let progress = stream.progress();
    let mut pages = stream.pages();
    let mut out = BufWriter::new(std::io::stdout().lock());
    let written: Result<(), Box<dyn std::error::Error>> = async {
        while let Some(page) = pages.try_next().await? {
            for employee in &page.items {
                serde_json::to_writer(&mut out, employee)?;
                out.write_all(b"\n")?;
            }
            if progress.pages() % 10 == 0 {
                eprintln!(
                    "{} records, windows {}/{}, announced {}",
                    progress.records(),
                    progress.windows_done(),
                    progress.windows_total(),
                    progress.announced_total()
                );
            }
        }
        Ok(())
    }
    .await;
    out.flush()?;
    if let Err(e) = written {
        eprintln!(
            "failed after {} records; resume from checkpoint {}",
            progress.records(),
            serde_json::to_string(&progress.checkpoint())?
        );
        return Err(e);
    }
    let stats = client.stats();
    eprintln!(
        "done: {} records in {:.2} s; {} requests ({} HTTP attempts, {} retries, {} scroll restarts); checkpoint {}",
        progress.records(),
        started.elapsed().as_secs_f64(),
        stats.calls,
        stats.attempts,
        stats.retries,
        progress.restarts(),
        serde_json::to_string(&progress.checkpoint())?
    );
    Ok(())
}
