//! Every ISDP+ person to stdout as NDJSON, one JSON object per person in
//! the vendor's own field names (`personId`, `personCode`, `Org`, …).
//! Progress goes to stderr.
//!
//! With `ISDP_BASE_URL`, `ISDP_CLIENT_ID`, `ISDP_CLIENT_SECRET`,
//! `ISDP_USERNAME` and `ISDP_PASSWORD` set it reads that tenant (a loopback
//! `http://` URL is allowed); otherwise it starts the ISDP+ sandbox in
//! process with 20,000 persons (`ISDP_SANDBOX_PERSONS` to change).
//!
//! ```sh
//! cargo run --release --example isdp_persons > persons.ndjson
//! ```

use std::io::Write;
use std::time::Instant;

use futures::TryStreamExt;
use hr_sdk::common::{Error, Result};
use hr_sdk::isdp::{Credentials, GetPersonList, IsdpClient};

#[tokio::main]
async fn main() -> std::process::ExitCode {
    match run().await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("isdp_persons: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<()> {
    let (client, _sandbox) = connect().await?;
    let started = Instant::now();
    let mut listing = GetPersonList::new().listing(&client);
    let progress = listing.progress();
    let mut persons = listing.items();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let io = |e: std::io::Error| Error::invalid(format!("writing stdout: {e}"));
    let mut last_reported = 0;
    loop {
        let person = match persons.try_next().await {
            Ok(Some(person)) => person,
            Ok(None) => break,
            Err(e) => {
                let _ = out.flush();
                eprintln!(
                    "isdp_persons: failed after {} persons; resume from checkpoint {}",
                    progress.records(),
                    serde_json::to_string(&progress.checkpoint()).unwrap_or_default()
                );
                return Err(e);
            }
        };
        serde_json::to_writer(&mut out, &person).map_err(|e| Error::invalid(e.to_string()))?;
        out.write_all(b"\n").map_err(io)?;
        // One line per 25 pages, printed when the page that crosses it starts.
        let pages = progress.pages();
        if pages != last_reported && pages.is_multiple_of(25) {
            last_reported = pages;
            eprintln!(
                "isdp_persons: {} of {} persons",
                progress.records(),
                progress.total().unwrap_or(0)
            );
        }
    }
    out.flush().map_err(io)?;
    let stats = client.stats();
    eprintln!(
        "isdp_persons: {} persons, {} requests ({} attempts, {} retries, {} token refreshes after 401), {:.2} s",
        progress.records(),
        stats.calls,
        stats.attempts,
        stats.retries,
        stats.auth_retries,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// The tenant from `ISDP_*`, or a sandbox started here (kept alive by the
/// second value).
async fn connect() -> Result<(IsdpClient, Option<hr_sandbox::Sandbox>)> {
    let var = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
    if var("ISDP_BASE_URL").is_some() {
        return Ok((IsdpClient::from_env()?, None));
    }
    let mut config = hr_sandbox::SandboxConfig::default();
    config.data.employees = var("ISDP_SANDBOX_PERSONS")
        .and_then(|v| v.parse().ok())
        .unwrap_or(20_000);
    let sandbox = hr_sandbox::Sandbox::start(config)
        .await
        .map_err(|e| Error::invalid(format!("starting the sandbox: {e}")))?;
    eprintln!(
        "isdp_persons: no ISDP_BASE_URL, using the sandbox at {}",
        sandbox.isdp_url()
    );
    let isdp = &sandbox.config().isdp;
    let client = IsdpClient::builder()
        .base_url(sandbox.isdp_url())
        .credentials(Credentials::password_grant(
            isdp.client_id.clone(),
            isdp.client_secret.clone(),
            isdp.username.clone(),
            isdp.password.clone(),
        ))
        .build()?;
    Ok((client, Some(sandbox)))
}
