//! Pushes employees to a travel platform's sync endpoint (人员同步接口).
//!
//! Reads `UserInfo` records as NDJSON (one JSON object per line) from
//! `--input FILE` or standard input, validates them, sends the valid ones
//! in batches, and prints a JSON summary on standard output:
//!
//! ```json
//! {"sent":5,"succeeded":4,"failed":[{"userNo":"91228","description":"职级未维护,同步失败"}],
//!  "invalid":[{"line":6,"userNo":"T0005","violations":[{"field":"mobile","reason":"…"}]}]}
//! ```
//!
//! - `failed`: users the platform rejected, or whose batch got no answer;
//!   each with `userNo` (or `userId`) and `description`.
//! - `invalid`: lines not sent, with their line number, key when known,
//!   and every error (`field`, `reason`).
//!
//! The target is `TRAVEL_SYNC_URL` (the full URL of the sync endpoint),
//! with `TRAVEL_ACCOUNT` and `TRAVEL_SESSION_ID`. Without them, the users
//! go to the hr-sandbox travel simulator, started in-process.
//!
//! The exit status is 0 when the push itself worked (every batch was
//! answered), even if some users were rejected or invalid; 1 when a batch
//! failed; 2 for a usage or input error.
//!
//! ```sh
//! cargo run --example travel_push < crates/travel-sync-types/tests/resources/users.ndjson
//! cargo run --example travel_push -- --input users.ndjson --batch-size 50
//! TRAVEL_SYNC_URL=https://tmc.example.com/userSyn TRAVEL_ACCOUNT=acme TRAVEL_SESSION_ID=… \
//!     cargo run --example travel_push -- --input users.ndjson
//! ```
//!
//! Options: `--input FILE`, `--batch-size N` (default 100), `--send-invalid`
//! (let the platform judge invalid users), `--send-cards` (send `cardInfo`,
//! which the spec says should in principle not be sent).

use std::io::{BufRead, BufReader, Read};
use std::process::ExitCode;

use hr_sdk::travel::client::{Credentials, TravelSyncClient};
use hr_sdk::travel::{Outcome, UserInfo, UserKey};
use serde::Serialize;
use serde_json::{Map, Value, json};

/// The summary printed on stdout; field order is the documented one.
#[derive(Serialize)]
struct Summary {
    sent: usize,
    succeeded: usize,
    failed: Vec<Failed>,
    invalid: Vec<Invalid>,
}

#[derive(Serialize)]
struct Failed {
    #[serde(flatten)]
    key: Map<String, Value>,
    description: Option<String>,
}

#[derive(Serialize)]
struct Invalid {
    line: usize,
    #[serde(flatten)]
    key: Map<String, Value>,
    violations: Vec<Value>,
}

struct Args {
    input: Option<String>,
    batch_size: usize,
    send_invalid: bool,
    send_cards: bool,
}

const USAGE: &str =
    "usage: travel_push [--input FILE] [--batch-size N] [--send-invalid] [--send-cards]
  reads UserInfo NDJSON (from FILE or stdin) and pushes it to TRAVEL_SYNC_URL
  with TRAVEL_ACCOUNT and TRAVEL_SESSION_ID, or to an in-process sandbox";

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        input: None,
        batch_size: hr_sdk::travel::client::DEFAULT_BATCH_SIZE,
        send_invalid: false,
        send_cards: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--input" | "-i" => args.input = Some(it.next().ok_or("--input needs a file")?),
            "--batch-size" => {
                args.batch_size = it
                    .next()
                    .and_then(|n| n.parse().ok())
                    .filter(|n| *n > 0)
                    .ok_or("--batch-size needs a positive number")?;
            }
            "--send-invalid" => args.send_invalid = true,
            "--send-cards" => args.send_cards = true,
            "--help" | "-h" => {
                println!("{USAGE}");
                std::process::exit(0);
            }
            other => return Err(format!("unknown argument `{other}`\n{USAGE}")),
        }
    }
    Ok(args)
}

/// `{"userNo": …}` or `{"userId": …}`, to start a summary entry.
fn key_entry(key: Option<&UserKey>) -> Map<String, Value> {
    let mut entry = Map::new();
    match key {
        Some(UserKey::UserNo(no)) => {
            entry.insert("userNo".into(), json!(no));
        }
        Some(UserKey::UserId(id)) => {
            entry.insert("userId".into(), json!(id));
        }
        _ => {
            entry.insert("userNo".into(), Value::Null);
        }
    }
    entry
}

/// The key of a line that could not be read as a whole, if it has one:
/// the crate's own best-effort reading (trimmed `userNo`, numeric `userId`
/// also as a string), so the summary names users as the crate does.
fn raw_key(line: &str) -> Option<UserKey> {
    UserKey::from_raw(&serde_json::from_str(line).ok()?)
}

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(code) => code,
        Err(message) => {
            eprintln!("travel_push: {message}");
            ExitCode::from(2)
        }
    }
}

async fn run() -> Result<ExitCode, String> {
    let args = parse_args()?;
    let reader: Box<dyn Read> = match &args.input {
        Some(path) => {
            Box::new(std::fs::File::open(path).map_err(|e| format!("cannot open {path}: {e}"))?)
        }
        None => Box::new(std::io::stdin()),
    };

    // Read every line; keep the line number of each user for the summary.
    let mut users = Vec::new();
    let mut lines_of_users = Vec::new();
    let mut invalid = Vec::new();
    for (i, line) in BufReader::new(reader).lines().enumerate() {
        let line_no = i + 1;
        let line = line.map_err(|e| format!("cannot read line {line_no}: {e}"))?;
        let line = line.trim_start_matches('\u{feff}').trim();
        if line.is_empty() {
            continue;
        }
        match UserInfo::from_json(line.as_bytes()) {
            Ok(user) => {
                users.push(user);
                lines_of_users.push(line_no);
            }
            Err(e) => invalid.push(Invalid {
                line: line_no,
                key: key_entry(raw_key(line).as_ref()),
                violations: vec![json!({"field": e.path, "reason": e.message})],
            }),
        }
    }

    // The target: the environment's, or an in-process sandbox.
    let configured = ["TRAVEL_SYNC_URL", "TRAVEL_ACCOUNT", "TRAVEL_SESSION_ID"]
        .iter()
        .any(|name| std::env::var(name).is_ok_and(|v| !v.is_empty()));
    let mut _sandbox = None;
    let builder = if configured {
        // A variable missing while others are set is an error naming it.
        TravelSyncClient::builder()
            .from_env()
            .map_err(|e| e.to_string())?
    } else {
        let sandbox = hr_sandbox::Sandbox::start(hr_sandbox::SandboxConfig::default())
            .await
            .map_err(|e| format!("cannot start the sandbox: {e}"))?;
        let travel = &sandbox.config().travel;
        let builder = TravelSyncClient::builder()
            .base_url(sandbox.travel_sync_url())
            .credentials(Credentials::session(
                travel.account.clone(),
                travel.session_id.clone(),
            ));
        eprintln!(
            "travel_push: TRAVEL_SYNC_URL not set; pushing to the in-process sandbox at {}",
            sandbox.travel_sync_url()
        );
        _sandbox = Some(sandbox);
        builder
    };

    let client = builder
        .batch_size(args.batch_size)
        .send_invalid_users(args.send_invalid)
        .opt_in_card_info(args.send_cards)
        .build()
        .map_err(|e| e.to_string())?;
    let report = client.push(users).await;

    let mut failed = Vec::new();
    for o in report.outcomes() {
        match &o.outcome {
            Outcome::Synced => {}
            Outcome::Invalid { violations } => invalid.push(Invalid {
                line: lines_of_users[o.index],
                key: key_entry(o.key.as_ref()),
                violations: violations
                    .errors()
                    .map(|v| json!({"field": v.field, "reason": v.reason.to_string()}))
                    .collect(),
            }),
            other => failed.push(Failed {
                key: key_entry(o.key.as_ref()),
                description: other.description(),
            }),
        }
    }
    invalid.sort_by_key(|entry| entry.line);
    let summary = Summary {
        sent: report.sent(),
        succeeded: report.succeeded(),
        failed,
        invalid,
    };
    println!(
        "{}",
        serde_json::to_string(&summary).map_err(|e| e.to_string())?
    );
    if report.cards_withheld() > 0 {
        eprintln!(
            "travel_push: cardInfo withheld for {} user(s); pass --send-cards to send it",
            report.cards_withheld()
        );
    }
    Ok(match report.first_error() {
        None => ExitCode::SUCCESS,
        Some(error) => {
            eprintln!("travel_push: the push did not complete: {error}");
            ExitCode::from(1)
        }
    })
}
