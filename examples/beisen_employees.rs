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
//! Defaults: `--start 2024-01-01`, `--stop 2025-01-01` (the simulator's
//! year), `--query-type 1` (modification time). The window is `[start,
//! stop)`; a stop before the start is an error (non-zero exit), and
//! `stop == start` writes nothing. By default the query asks for
//! *everyone*: every employee status, leavers included (the `.everyone()`
//! preset); pass `--active-only` for people at work only (`.active()`:
//! statuses 2 试用, 3 正式, 7 返聘). The final checkpoint goes to stderr
//! even when the run fails, and it never covers a window that was not
//! finished.
//!
//! With no `BEISEN_*` variables it starts the Beisen simulator in-process
//! (20,000 employees over 2024). With `BEISEN_APP_KEY` and
//! `BEISEN_APP_SECRET` (and optionally `BEISEN_BASE_URL`) it talks to that
//! server instead, through `BeisenClient::from_env` (a loopback `http://`
//! URL is allowed, for a simulator run elsewhere); a partial set is an
//! error naming the missing variable.

use std::io::{BufWriter, Write};
use std::process::ExitCode;
use std::time::Instant;

use futures::TryStreamExt;
use hr_sdk::beisen::chrono::NaiveDate;
use hr_sdk::beisen::window::QueryType;
use hr_sdk::beisen::{BeisenClient, Credentials, ENV_APP_KEY, ENV_APP_SECRET, ENV_BASE_URL};

struct Args {
    start: NaiveDate,
    stop: NaiveDate,
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
                return Err("usage: beisen_employees [--start YYYY-MM-DD (2024-01-01)] [--stop YYYY-MM-DD (2025-01-01)] [--query-type 1|2] [--active-only]".into());
            }
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    let args = Args {
        start: start.unwrap_or(NaiveDate::from_ymd_opt(2024, 1, 1).expect("date")),
        stop: stop.unwrap_or(NaiveDate::from_ymd_opt(2025, 1, 1).expect("date")),
        query_type,
        active_only,
    };
    if args.stop < args.start {
        return Err(format!(
            "--stop {} is before --start {}",
            args.stop, args.start
        ));
    }
    Ok(args)
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
    let client = if [ENV_BASE_URL, ENV_APP_KEY, ENV_APP_SECRET]
        .iter()
        .any(|k| set(k))
    {
        BeisenClient::from_env()?
    } else {
        let mut config = hr_sandbox::SandboxConfig::default();
        config.data.employees = 20_000;
        let sandbox = hr_sandbox::Sandbox::start(config).await?;
        eprintln!("started the Beisen sandbox at {}", sandbox.beisen_url());
        let beisen = &sandbox.config().beisen;
        let client = BeisenClient::builder()
            .base_url(sandbox.beisen_url())
            .credentials(Credentials::app_key(&beisen.app_key, &beisen.app_secret))
            .build()?;
        _sandbox = Some(sandbox);
        client
    };

    let started = Instant::now();
    let stream = client
        .employees()
        .changed_between(args.start, args.stop)
        .query_type(args.query_type)
        .parallel(4)
        .prefetch_pages(16);
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
