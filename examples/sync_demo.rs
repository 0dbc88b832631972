//! Keeps the travel platform's employee list in step with the HR system,
//! with `hr-sync`: reads Beisen (or ISDP+), maps each employee to a
//! `UserInfo`, pushes only what changed, and keeps its state in one SQLite
//! file. See `docs/sync.md` for the mapping, the state and scheduling.
//!
//! ```sh
//! cargo run --example sync_demo                      # offline, on the in-process sandbox
//! cargo run --example sync_demo -- --source isdp     # the same from ISDP+
//! BEISEN_BASE_URL=… BEISEN_APP_KEY=… BEISEN_APP_SECRET=… \
//! TRAVEL_SYNC_URL=… TRAVEL_ACCOUNT=… TRAVEL_SESSION_ID=… \
//!     cargo run --example sync_demo -- --since 2025-01-01 --state hr-sync.db --report last.json
//! ```
//!
//! **Offline** (no `BEISEN_*`/`ISDP_*`/`TRAVEL_*` variables) it starts the
//! sandbox with 2,000 employees, syncs them into a temporary state file,
//! prints the report, then hires one person, dismisses one and gives one a
//! new mobile in the sandbox, syncs again and checks that exactly those
//! three were pushed (the leaver with `isLeave: true`). `--full` and
//! `--dry-run` apply to that second run. The sandbox's travel side is told
//! to know every job level, so that nobody is refused and the second run's
//! pushes are the three changes alone.
//!
//! **Against real services** (the variables set) it runs one sync.
//!
//! Options: `--source beisen|isdp` (default beisen), `--since YYYY-MM-DD`
//! (where a first Beisen run starts), `--state FILE` (default `hr-sync.db`),
//! `--mapping FILE.toml`, `--full`, `--dry-run`, `--report FILE.json`.
//! Exit status: 0 when the run completed (users the platform refused are
//! listed in the report and retried next run; they do not fail it), 1 when
//! it stopped (or the demo's check failed), 2 for a usage error.

use std::collections::{BTreeSet, HashMap};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use futures::TryStreamExt;
use hr_sandbox::{NewHire, Sandbox, SandboxConfig};
use hr_sdk::beisen::chrono::NaiveDate;
use hr_sdk::beisen::{self, BeisenClient};
use hr_sdk::isdp::{self, IsdpClient, Person, PersonStatus, PersonUpdate};
use hr_sdk::sync::mapping::{BeisenKey, IsdpKey};
use hr_sdk::sync::{
    BeisenSource, IsdpSource, Mapping, Mode, Source, SqliteStore, SyncJob, SyncJobBuilder,
    SyncReport,
};
use hr_sdk::travel::client::{self as travel, TravelSyncClient};
use serde_json::Value;

type Error = Box<dyn std::error::Error>;

const USAGE: &str = "usage: sync_demo [--source beisen|isdp] [--since YYYY-MM-DD] [--state FILE] \
                     [--mapping FILE.toml] [--full] [--dry-run] [--report FILE.json]";

#[derive(Default)]
struct Args {
    isdp: bool,
    since: Option<NaiveDate>,
    state: Option<PathBuf>,
    mapping: Option<PathBuf>,
    full: bool,
    dry_run: bool,
    report: Option<PathBuf>,
}

fn parse_args() -> Result<Args, String> {
    let mut a = Args::default();
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or(format!("{flag} needs a value"));
        match flag.as_str() {
            "--source" => match value()?.as_str() {
                "beisen" => a.isdp = false,
                "isdp" => a.isdp = true,
                other => return Err(format!("--source is beisen or isdp, not `{other}`")),
            },
            "--since" => {
                let v = value()?;
                a.since = Some(
                    NaiveDate::parse_from_str(&v, "%Y-%m-%d")
                        .map_err(|e| format!("--since `{v}`: {e} (want YYYY-MM-DD)"))?,
                );
            }
            "--state" => a.state = Some(value()?.into()),
            "--mapping" => a.mapping = Some(value()?.into()),
            "--report" => a.report = Some(value()?.into()),
            "--full" => a.full = true,
            "--dry-run" => a.dry_run = true,
            "-h" | "--help" => return Err(USAGE.into()),
            other => return Err(format!("unknown argument `{other}`\n{USAGE}")),
        }
    }
    Ok(a)
}

#[tokio::main]
async fn main() -> ExitCode {
    // Progress goes to stderr (the job's default, `progress::auto()`): a
    // bar on a terminal, `hr_sync` log lines elsewhere.
    tracing_subscriber::fmt()
        .with_ansi(std::io::stderr().is_terminal())
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "warn,hr_sync=info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    match run(args).await {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            // A run that stopped still says what it did before stopping.
            if let Some(report) = e
                .downcast_ref::<hr_sdk::sync::Error>()
                .and_then(|e| e.report())
            {
                println!("{report}");
            }
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run(args: Args) -> Result<bool, Error> {
    let prefix = if args.isdp { "ISDP_" } else { "BEISEN_" };
    let configured = std::env::vars()
        .any(|(k, v)| (k.starts_with(prefix) || k.starts_with("TRAVEL_")) && !v.trim().is_empty());
    if !configured {
        return demo(args).await;
    }
    // Real services, one run. A variable missing from a set is an error naming it.
    let travel = TravelSyncClient::from_env()?;
    let store = SqliteStore::open(args.state.clone().unwrap_or("hr-sync.db".into()))?;
    let (mapping, mode) = (mapping(&args)?, mode(&args));
    let job = if args.isdp {
        job(
            IsdpSource::new(IsdpClient::from_env()?),
            &store,
            &travel,
            &mapping,
            mode,
        )
    } else {
        let mut source = BeisenSource::new(BeisenClient::from_env()?);
        if let Some(since) = args.since {
            source = source.since(since);
        }
        job(source, &store, &travel, &mapping, mode)
    };
    let report = job?.dry_run(args.dry_run).build()?.run().await?;
    finish(&report, &args)?;
    Ok(true)
}

fn mapping(args: &Args) -> Result<Mapping, Error> {
    let file = args
        .mapping
        .as_ref()
        .map(Mapping::from_toml_file)
        .transpose()?;
    Ok(file.unwrap_or_default())
}

fn mode(args: &Args) -> Mode {
    if args.full {
        Mode::Full
    } else {
        Mode::Incremental
    }
}

fn job(
    source: impl Source + 'static,
    store: &SqliteStore,
    travel: &TravelSyncClient,
    mapping: &Mapping,
    mode: Mode,
) -> Result<SyncJobBuilder, Error> {
    Ok(SyncJob::builder()
        .source(source)
        .store(store.clone())
        .travel(travel.clone())
        .mapping(mapping.clone())
        .mode(mode))
}

/// Prints the report and saves it when asked.
fn finish(report: &SyncReport, args: &Args) -> Result<(), Error> {
    println!("{report}");
    if let Some(path) = &args.report {
        report.save_json(path)?;
        eprintln!("report saved to {}", path.display());
    }
    Ok(())
}

/// The offline demo: a first run, three changes in the HR system, a second
/// run that must push exactly those three.
async fn demo(args: Args) -> Result<bool, Error> {
    let mut config = SandboxConfig::default();
    config.data.employees = 2_000;
    config.travel.known_levels.push("X9".into()); // nobody refused: see the module docs
    let sandbox = Sandbox::start(config).await?;
    let dir = tempfile::tempdir()?;
    let state = args
        .state
        .clone()
        .unwrap_or_else(|| dir.path().join("hr-sync.db"));
    let vars = if args.isdp { "ISDP_*" } else { "BEISEN_*" };
    eprintln!(
        "no {vars} or TRAVEL_* variables: the in-process sandbox (2,000 employees), state in {}",
        state.display()
    );
    let store = SqliteStore::open(&state)?;
    let t = &sandbox.config().travel;
    let travel = TravelSyncClient::builder()
        .base_url(sandbox.travel_sync_url())
        .credentials(travel::Credentials::session(&t.account, &t.session_id))
        .build()?;
    let b = &sandbox.config().beisen;
    let beisen = BeisenClient::builder()
        .base_url(sandbox.beisen_url())
        .credentials(beisen::Credentials::app_key(&b.app_key, &b.app_secret))
        .build()?;
    let since = args.since.unwrap_or(sandbox.data().config().span_start);
    let mut mapping = mapping(&args)?;
    if mapping.beisen.key != BeisenKey::JobNumber || mapping.isdp.key != IsdpKey::PersonCode {
        return Err("the demo follows people by job number: keep the mapping's default key".into());
    }
    let isdp = if args.isdp {
        let i = sandbox.config().isdp.clone();
        let client = IsdpClient::builder()
            .base_url(sandbox.isdp_url())
            .credentials(isdp::Credentials::password_grant(
                i.client_id,
                i.client_secret,
                i.username,
                i.password,
            ))
            .build()?;
        // ISDP masks `phone` in listings and has no job level. Like a
        // tenant that keeps both in spare fields: copy them to udfExtend1
        // and udfExtend2, and map those.
        copy_to_udf(&client, &sandbox, 0..sandbox.data().len()).await?;
        mapping.isdp.mobile_field = "udfExtend1".into();
        mapping.isdp.level = "field:udfExtend2".parse()?;
        eprintln!(
            "ISDP masks phones: the sandbox's mobiles and job levels are copied to udfExtend1 and \
             udfExtend2, and the mapping reads them (mobile_field = \"udfExtend1\", level = \"field:udfExtend2\")"
        );
        Some(client)
    } else {
        None
    };
    let job = |mode| match &isdp {
        Some(c) => job(IsdpSource::new(c.clone()), &store, &travel, &mapping, mode),
        None => job(
            BeisenSource::new(beisen.clone()).since(since),
            &store,
            &travel,
            &mapping,
            mode,
        ),
    };

    let first = job(Mode::Incremental)?.build()?.run().await?;
    println!("== first run: everyone\n{first}\n");

    // Three changes in the HR system: a hire, a leaver, a new mobile.
    let active = received(&sandbox)
        .into_iter()
        .filter(|u| u["isLeave"] == false);
    let keys = active.filter_map(|u| u["userNo"].as_str().map(str::to_owned));
    let [leaver, mover] = <[String; 2]>::try_from(keys.take(2).collect::<Vec<_>>())
        .map_err(|_| "the first run pushed fewer than two active employees")?;
    let new_mobile = "13912345678";
    let hired = sandbox.hire(NewHire::new("林小雨", "13700001234").with_job_level("P3"));
    if !sandbox.dismiss(&leaver) || !sandbox.set_mobile(&mover, new_mobile) {
        return Err(format!("the sandbox does not know {leaver} or {mover}").into());
    }
    if let Some(client) = &isdp {
        let data = sandbox.data();
        let changed = [&hired, &leaver, &mover].map(|no| data.index_of_job_number(no).unwrap_or(0));
        copy_to_udf(client, &sandbox, changed).await?;
    }
    println!("== changes: hired {hired}, dismissed {leaver}, new mobile for {mover}\n");
    sandbox.clear_travel_received();
    // A Beisen window ends at a whole second: let the changes' second pass.
    tokio::time::sleep(std::time::Duration::from_secs(1)).await;

    let second = job(mode(&args))?
        .dry_run(args.dry_run)
        .build()?
        .run()
        .await?;
    print!("== second run: ");
    finish(&second, &args)?;

    // The check: the three, each once and as it should look, and (unless
    // --full) nobody else.
    let got = received(&sandbox);
    let sent = |key: &str| {
        got.iter()
            .filter(|u| u["userNo"] == key)
            .collect::<Vec<_>>()
    };
    let arrived = matches!(sent(&hired)[..], [u] if u["isLeave"] == false)
        && matches!(sent(&leaver)[..], [u] if u["isLeave"] == true)
        && matches!(sent(&mover)[..], [u] if u["mobile"] == new_mobile);
    let want = BTreeSet::from([&hired, &leaver, &mover]);
    let pushed: BTreeSet<&String> = second.changed.iter().collect();
    let delivered = if args.dry_run {
        got.is_empty()
    } else {
        arrived
    };
    let ok = delivered && pushed.is_superset(&want) && (args.full || pushed == want);
    let what = if args.dry_run { "would push" } else { "pushed" };
    let exactly = if args.full {
        "everyone, with"
    } else {
        "exactly"
    };
    if ok {
        println!(
            "\nverdict: OK, the second run {what} {exactly} the 3 changes: {hired} (hired), {leaver} (left, isLeave true), {mover} (new mobile)"
        );
    } else {
        println!(
            "\nverdict: FAILED, the second run should have {what} {want:?}; it {what} {} users",
            pushed.len()
        );
    }
    Ok(ok)
}

/// Copies the mobile and job level of these people to udfExtend1 and
/// udfExtend2 (the ISDP demo), and their departure, if they left: the
/// sandbox's ISDP shows a person as last written. `person/batchUpdate`
/// rewrites the required fields, so each person's are taken as listed.
async fn copy_to_udf(
    client: &IsdpClient,
    sandbox: &Sandbox,
    people: impl IntoIterator<Item = usize>,
) -> Result<(), Error> {
    let listed: HashMap<String, Person> = client
        .persons()
        .all()
        .map_ok(|p| (p.person_code.clone(), p))
        .try_collect()
        .await?;
    let mut updates = Vec::new();
    for p in people.into_iter().map(|i| sandbox.data().person(i)) {
        let Some(person) = listed.get(&p.job_number) else {
            return Err(format!("ISDP does not list {}", p.job_number).into());
        };
        let mut update = PersonUpdate::from_person(person)?
            .field("udfExtend1", p.mobile.clone())
            .field("udfExtend2", p.job_level.clone());
        if p.has_left() {
            update.person_status = PersonStatus::Cancel;
        }
        updates.push(update);
    }
    client.persons().update_info(updates).await?;
    Ok(())
}

/// Every user the sandbox's travel side received since the last clear.
fn received(sandbox: &Sandbox) -> Vec<Value> {
    sandbox
        .travel_received()
        .into_iter()
        .flat_map(|b| b.users)
        .collect()
}
