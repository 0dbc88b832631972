//! A PostgreSQL server for the tests, per the services contract of
//! `.ci/run`: the server named by `HR_TEST_POSTGRES_URL` when set; else a
//! throwaway cluster started here (initdb and pg_ctl, trust auth, on a free
//! loopback port, in a temporary directory, as the `postgres` user when
//! running as root) and stopped when the test process exits; else the
//! test is skipped with `skipped: <reason>` on stderr, unless
//! `HR_REQUIRE_SERVICES=1`, which makes it fail instead.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};

use hr_sync::PostgresStore;

/// The server's URL, or `None` when the test should skip (the reason is
/// printed). Panics when no server can be had and services are required.
pub fn postgres_url() -> Option<String> {
    static URL: OnceLock<Result<String, String>> = OnceLock::new();
    let got = URL.get_or_init(|| match std::env::var("HR_TEST_POSTGRES_URL") {
        Ok(url) if !url.trim().is_empty() => Ok(url),
        _ => start_throwaway(),
    });
    match got {
        Ok(url) => Some(url.clone()),
        Err(why) if std::env::var("HR_REQUIRE_SERVICES").as_deref() == Ok("1") => {
            panic!("PostgreSQL is required (HR_REQUIRE_SERVICES=1) but none could be had: {why}")
        }
        Err(why) => {
            eprintln!("skipped: no PostgreSQL server: {why}");
            None
        }
    }
}

/// A schema name no other test uses, so that tests share one server.
pub fn unique_schema(tag: &str) -> String {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let mut name = format!(
        "t{}_{}_{tag}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    );
    name.truncate(63);
    name
}

/// A store in a fresh schema of the test server.
pub async fn fresh_store(url: &str, tag: &str) -> PostgresStore {
    PostgresStore::connect_with_schema(url, &unique_schema(tag))
        .await
        .expect("connecting to the test PostgreSQL")
}

/// A plain client on the test server, for what the store does not expose.
pub async fn raw_client(url: &str) -> tokio_postgres::Client {
    let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls)
        .await
        .expect("connecting to the test PostgreSQL");
    tokio::spawn(connection);
    client
}

/// Debian's server binaries (`/usr/lib/postgresql/<version>/bin`, newest
/// first), else `initdb` on the `PATH`.
fn bin_dir() -> Option<PathBuf> {
    let mut versioned: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let version = e.file_name().to_str()?.parse().ok()?;
            let bin = e.path().join("bin");
            bin.join("initdb").exists().then_some((version, bin))
        })
        .collect();
    versioned.sort();
    if let Some((_, bin)) = versioned.pop() {
        return Some(bin);
    }
    std::env::split_paths(&std::env::var_os("PATH")?)
        .find(|dir| dir.join("initdb").exists() && dir.join("pg_ctl").exists())
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

fn id_of(flag: &str) -> Result<u32, String> {
    let out = Command::new("id")
        .args([flag, "postgres"])
        .output()
        .map_err(|e| format!("id {flag} postgres: {e}"))?;
    String::from_utf8_lossy(&out.stdout)
        .trim()
        .parse()
        .map_err(|_| "running as root and there is no `postgres` user to run the server".to_owned())
}

/// `program args`, as the `postgres` user when running as root (the
/// server refuses to run as root).
fn command(as_root: bool, program: &Path) -> Command {
    if as_root {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(program);
        c
    } else {
        Command::new(program)
    }
}

fn run(mut command: Command, what: &str, log: Option<&Path>) -> Result<(), String> {
    let out = command
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("{what} could not be started: {e}"))?;
    if out.status.success() {
        return Ok(());
    }
    let log = log
        .and_then(|l| std::fs::read_to_string(l).ok())
        .unwrap_or_default();
    Err(format!(
        "{what} failed ({}): {}{}{log}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    ))
}

fn start_throwaway() -> Result<String, String> {
    let bin = bin_dir().ok_or(
        "no PostgreSQL server binaries (initdb, pg_ctl) found; install postgresql, or set HR_TEST_POSTGRES_URL",
    )?;
    let as_root = is_root();
    let dir = tempfile::Builder::new()
        .prefix("hr-sync-pg-")
        .tempdir()
        .map_err(|e| format!("no temporary directory: {e}"))?
        // Removed by the watchdog below once the server is stopped.
        .keep();
    if as_root {
        std::os::unix::fs::chown(&dir, Some(id_of("-u")?), Some(id_of("-g")?))
            .map_err(|e| format!("chown {}: {e}", dir.display()))?;
    }
    let data = dir.join("data");
    let log = dir.join("server.log");
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map_err(|e| format!("no free loopback port: {e}"))?
        .port();
    let mut initdb = command(as_root, &bin.join("initdb"));
    initdb
        .args([
            "-A",
            "trust",
            "-U",
            "postgres",
            "-E",
            "UTF8",
            "--locale=C",
            "--no-sync",
            "-D",
        ])
        .arg(&data);
    run(initdb, "initdb", None)?;
    let mut start = command(as_root, &bin.join("pg_ctl"));
    start
        .arg("-D")
        .arg(&data)
        .arg("-l")
        .arg(&log)
        .args(["-w", "-t", "60", "-o"])
        // Durability does not matter for a throwaway cluster; speed does.
        .arg(format!(
            "-k {} -h 127.0.0.1 -p {port} -c fsync=off -c full_page_writes=off",
            dir.display()
        ))
        .arg("start");
    run(start, "pg_ctl start", Some(&log))?;
    // Statics are never dropped: a watchdog stops the server and removes
    // its directory once this process is gone, however it ends.
    let stop = if as_root {
        "runuser -u postgres -- \"$3\" -D \"$2/data\" -m immediate stop"
    } else {
        "\"$3\" -D \"$2/data\" -m immediate stop"
    };
    Command::new("sh")
        .arg("-c")
        .arg(format!(
            "while kill -0 \"$1\" 2>/dev/null; do sleep 1; done; {stop} >/dev/null 2>&1; rm -rf \"$2\""
        ))
        .arg("pg-watchdog")
        .arg(std::process::id().to_string())
        .arg(&dir)
        .arg(bin.join("pg_ctl"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("the server's watchdog could not be started: {e}"))?;
    Ok(format!("postgres://postgres@127.0.0.1:{port}/postgres"))
}
