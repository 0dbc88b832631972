//! The `hr-sandbox` binary: its options are all listed and documented, and
//! each one takes effect (seen in the banner, in `/_sandbox/config` and in
//! the simulators' behaviour). Every child process is killed when its
//! guard drops, also when an assertion fails, and every wait is bounded.

use std::collections::{BTreeSet, HashMap};
use std::io::{BufRead, BufReader, Read};
use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use hr_sandbox::isdp::{PERSON_LIST_PATH, TOKEN_PATH};
use hr_sandbox::travel::SESSION_PATH;
use hr_sandbox::{DataConfig, Dataset, Skew};
use serde_json::{Value, json};

/// Generous bound on any wait for the child (start, banner, exit).
const PATIENCE: Duration = Duration::from_secs(60);

/// Every option of the binary. A new one must be added here and to the
/// README's table.
const FLAGS: &[&str] = &[
    "--beisen-port",
    "--isdp-port",
    "--travel-port",
    "--employees",
    "--seed",
    "--span-start",
    "--span-days",
    "--skew-fraction",
    "--skew-day",
    "--latency-ms",
    "--jitter-ms",
    "--error-rate",
    "--throttle-rate",
    "--reset-rate",
    "--fault-seed",
    "--rate-per-second",
    "--rate-per-minute",
    "--scroll-idle-secs",
    "--is-last-data",
    "--oauth-expires-in",
    "--max-live-scrolls",
    "--beisen-token-ttl-secs",
    "--isdp-token-ttl-secs",
    "--isdp-expires-in",
    "--isdp-refuse-legacy-client",
    "--travel-session-ttl-secs",
    "--revoke-tokens-after",
    "--batch-limit",
    "--beisen-app-key",
    "--beisen-app-secret",
    "--beisen-app-id",
    "--beisen-secret",
    "--isdp-client-id",
    "--isdp-client-secret",
    "--isdp-username",
    "--isdp-password",
    "--travel-account",
    "--travel-session-id",
    "--travel-secret",
    "--travel-sign-key",
    "--help",
    "--version",
];

/// A child process, killed and reaped on drop.
struct Guard(Child);

impl Drop for Guard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Collects a pipe to a string on a thread, so the child never blocks on it.
fn drain(mut pipe: impl Read + Send + 'static) -> Arc<Mutex<String>> {
    let text = Arc::new(Mutex::new(String::new()));
    let sink = text.clone();
    std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok(n) = pipe.read(&mut buf) {
            if n == 0 {
                break;
            }
            sink.lock()
                .unwrap()
                .push_str(&String::from_utf8_lossy(&buf[..n]));
        }
    });
    text
}

fn spawn(args: &[&str]) -> Guard {
    Guard(
        Command::new(env!("CARGO_BIN_EXE_hr-sandbox"))
            .args(args)
            .env("RUST_LOG", "hr_sandbox=info")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start the hr-sandbox binary"),
    )
}

#[test]
fn help_lists_every_option_and_the_readme_documents_them() {
    let mut child = spawn(&["--help"]);
    let stdout = drain(child.0.stdout.take().unwrap());
    let _stderr = drain(child.0.stderr.take().unwrap());
    let deadline = std::time::Instant::now() + PATIENCE;
    let status = loop {
        if let Some(status) = child.0.try_wait().unwrap() {
            break status;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "--help did not exit within {PATIENCE:?}"
        );
        std::thread::sleep(Duration::from_millis(10));
    };
    assert!(status.success(), "{status}");
    // The pipe is drained once the child has exited and closed it.
    let deadline = std::time::Instant::now() + PATIENCE;
    while !stdout.lock().unwrap().contains("--version") && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
    let help = stdout.lock().unwrap().clone();
    let listed: BTreeSet<&str> = help
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|word| word.starts_with("--") && word.len() > 2)
        .collect();
    let expected: BTreeSet<&str> = FLAGS.iter().copied().collect();
    assert_eq!(listed, expected, "{help}");
    // Options with a default show it.
    for flag in ["--employees", "--scroll-idle-secs", "--isdp-token-ttl-secs"] {
        let line = help.lines().skip_while(|l| !l.contains(flag)).nth(1);
        assert!(
            line.is_some_and(|l| l.contains("[default: ")),
            "{flag}: {line:?}"
        );
    }

    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .expect("README.md");
    for flag in FLAGS
        .iter()
        .filter(|f| !matches!(**f, "--help" | "--version"))
    {
        assert!(
            readme.contains(&format!("`{flag}`")),
            "the README does not document {flag}"
        );
    }
}

/// A running binary: its banner, parsed.
struct Running {
    _child: Guard,
    stderr: Arc<Mutex<String>>,
    banner: Vec<String>,
}

impl Running {
    /// The URL on the banner line starting with `name`.
    fn url(&self, name: &str) -> String {
        self.line(name)
            .split_whitespace()
            .nth(1)
            .unwrap_or_else(|| panic!("no URL for {name}: {:?}", self.banner))
            .to_owned()
    }

    /// `http://host:port` of the banner line starting with `name`.
    fn base(&self, name: &str) -> String {
        let url = self.url(name);
        let after_scheme = url.find("//").expect("scheme") + 2;
        match url[after_scheme..].find('/') {
            Some(i) => url[..after_scheme + i].to_owned(),
            None => url,
        }
    }

    fn line(&self, name: &str) -> &str {
        self.banner
            .iter()
            .find(|l| l.starts_with(name))
            .unwrap_or_else(|| panic!("no {name} line: {:?}", self.banner))
    }

    /// The `key=value` pairs of the banner line starting with `name`.
    fn values(&self, name: &str) -> HashMap<String, String> {
        self.line(name)
            .split(|c: char| c.is_whitespace() || c == '(' || c == ')')
            .filter_map(|word| word.split_once('='))
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect()
    }
}

/// Starts the binary and reads its banner (up to the `inspect` line);
/// `None` when it exits first, with what it printed on stderr.
fn try_start(args: &[&str]) -> Result<Running, String> {
    let mut child = spawn(args);
    let stdout = child.0.stdout.take().unwrap();
    let stderr = drain(child.0.stderr.take().unwrap());
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let deadline = std::time::Instant::now() + PATIENCE;
    let mut banner = Vec::new();
    loop {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        match rx.recv_timeout(left) {
            Ok(line) => {
                let last = line.starts_with("inspect");
                banner.push(line);
                if last {
                    return Ok(Running {
                        _child: child,
                        stderr,
                        banner,
                    });
                }
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                // Exited (or closed stdout) before the banner was complete.
                let _ = child.0.wait();
                return Err(format!(
                    "exited early; stdout {banner:?}, stderr {}",
                    stderr.lock().unwrap()
                ));
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {
                panic!(
                    "no complete banner within {PATIENCE:?}: {banner:?}, stderr {}",
                    stderr.lock().unwrap()
                )
            }
        }
    }
}

/// A port that was free a moment ago.
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("bind a probe port")
        .port()
}

/// Starts the binary on a chosen free Beisen port (another process may
/// take a port between the probe and the child's bind: then a new one is
/// chosen), the other simulators on port 0.
fn start_on_free_port(args: &[&str]) -> (Running, u16) {
    let mut failures = Vec::new();
    for _ in 0..5 {
        let port = free_port().to_string();
        let mut all = vec![
            "--beisen-port",
            &port,
            "--isdp-port",
            "0",
            "--travel-port",
            "0",
        ];
        all.extend_from_slice(args);
        match try_start(&all) {
            Ok(running) => return (running, port.parse().unwrap()),
            Err(why) if why.contains("in use") => failures.push(why),
            Err(why) => panic!("{why}"),
        }
    }
    panic!("no free port after 5 tries: {failures:?}")
}

fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        // One connection per request: a reset fault must not make the
        // client retry on another pooled connection.
        .pool_max_idle_per_host(0)
        .build()
        .unwrap()
}

async fn get_json(client: &reqwest::Client, url: String) -> Value {
    let response = client.get(&url).send().await.expect(&url);
    assert_eq!(response.status(), 200, "{url}");
    response.json().await.expect("JSON")
}

async fn post_json(client: &reqwest::Client, url: String, body: Value) -> Value {
    let response = client.post(&url).json(&body).send().await.expect(&url);
    assert_eq!(response.status(), 200, "{url}");
    response.json().await.expect("JSON")
}

fn epoch_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis() as u64
}

#[tokio::test]
async fn data_limit_and_lifetime_options_take_effect() {
    let (sb, port) = start_on_free_port(&[
        "--employees",
        "37",
        "--seed",
        "7",
        "--span-start",
        "2023-06-01",
        "--span-days",
        "30",
        "--skew-fraction",
        "0.5",
        "--skew-day",
        "2023-06-10",
        "--rate-per-second",
        "7",
        "--rate-per-minute",
        "3",
        "--scroll-idle-secs",
        "2.5",
        "--is-last-data",
        "never",
        "--oauth-expires-in",
        "seconds",
        "--max-live-scrolls",
        "3",
        "--beisen-token-ttl-secs",
        "1234",
        "--isdp-token-ttl-secs",
        "123",
        "--travel-session-ttl-secs",
        "600",
        "--revoke-tokens-after",
        "90",
        "--batch-limit",
        "17",
    ]);
    let context = format!("{:?} {}", sb.banner, sb.stderr.lock().unwrap());
    assert_eq!(
        sb.banner[0], "hr-sandbox: 37 employees (seed 7)",
        "{context}"
    );
    assert!(
        sb.line("data").contains(" 2023-06-01 .. 2023-06-30 "),
        "the first and last day: {context}"
    );
    let beisen = sb.url("beisen");
    assert_eq!(beisen, format!("http://127.0.0.1:{port}"));
    let (isdp, travel) = (sb.base("isdp"), sb.base("travel"));
    for url in [&isdp, &travel] {
        assert!(url.starts_with("http://127.0.0.1:"), "{context}");
        assert_ne!(*url, beisen);
    }
    let client = http();

    // What the sandbox says it runs with, from any port.
    let config = get_json(&client, format!("{travel}/_sandbox/config")).await;
    let expected = json!({
        "data": {
            "employees": 37, "seed": 7, "span_start": "2023-06-01", "span_days": 30,
            "skew": {"fraction": 0.5, "day": "2023-06-10"},
        },
        "beisen": {
            "token_ttl_secs": 1234.0, "scroll_idle_secs": 2.5, "rate_per_second": 7,
            "rate_per_minute": 3, "revoke_tokens_after": 90, "is_last_data": "never",
            "max_live_scrolls": 3, "oauth_expires_in": "seconds",
        },
        "isdp": {"token_ttl_secs": 123.0, "revoke_tokens_after": 90},
        "travel": {"session_ttl_secs": 600.0, "batch_limit": 17},
    });
    for (section, fields) in expected.as_object().unwrap() {
        for (key, value) in fields.as_object().unwrap() {
            assert_eq!(&config[section][key], value, "{section}.{key}: {config}");
        }
    }

    // The data: the same people an in-process sandbox makes from the seed.
    let isdp_creds = sb.values("isdp");
    let token = post_json(
        &client,
        format!("{isdp}{TOKEN_PATH}"),
        json!({
            "client_id": isdp_creds["client_id"],
            "client_secret": isdp_creds["client_secret"],
            "grant_type": "password",
            "username": isdp_creds["username"],
            "password": isdp_creds["password"],
        }),
    )
    .await;
    assert_eq!(token["expires_in"], "123");
    let response = client
        .post(format!("{isdp}{PERSON_LIST_PATH}"))
        .bearer_auth(token["access_token"].as_str().unwrap())
        .json(&json!({"page": {"start": 0, "count": 200}}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let people: Value = response.json().await.unwrap();
    assert_eq!(people["totalCount"], 37, "{people}");
    let dataset = Dataset::new(DataConfig {
        seed: 7,
        employees: 37,
        span_start: chrono::NaiveDate::from_ymd_opt(2023, 6, 1).unwrap(),
        span_days: 30,
        skew: Some(Skew {
            fraction: 0.5,
            day: chrono::NaiveDate::from_ymd_opt(2023, 6, 10).unwrap(),
        }),
        ..DataConfig::default()
    });
    let names: BTreeSet<String> = people["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["personName"].as_str().unwrap().to_owned())
        .collect();
    let expected_names: BTreeSet<String> = (0..37).map(|i| dataset.person(i).name).collect();
    assert_eq!(names, expected_names);

    // Beisen: both token flows with the lifetime, and the minute limit.
    let beisen_creds = sb.values("beisen");
    let issued = post_json(
        &client,
        format!("{beisen}/token"),
        json!({
            "grant_type": "client_credentials",
            "app_key": beisen_creds["app_key"],
            "app_secret": beisen_creds["app_secret"],
        }),
    )
    .await;
    assert_eq!(issued["expires_in"], 1234);
    let oauth: Value = client
        .post(format!("{beisen}/OAuth/Token"))
        .form(&[
            ("tenant_id", beisen_creds["tenant_id"].as_str()),
            ("app_id", beisen_creds["app_id"].as_str()),
            ("secret", beisen_creds["secret"].as_str()),
            ("grant_type", "client_credentials"),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(oauth["expires_in"], 1234, "seconds, not an epoch: {oauth}");
    let bearer = issued["access_token"].as_str().unwrap();
    let window = json!({
        "timeWindowQueryType": 1,
        "startTime": "2023-06-01T00:00:00",
        "stopTime": "2023-07-01T00:00:00",
        "capacity": 100,
    });
    let mut statuses = Vec::new();
    let mut first_page = Value::Null;
    for _ in 0..4 {
        let response = client
            .post(format!(
                "{beisen}{}",
                hr_sandbox::beisen::paths::EMPLOYEE_GET_BY_TIME_WINDOW
            ))
            .bearer_auth(bearer)
            .json(&window)
            .send()
            .await
            .unwrap();
        statuses.push(response.status().as_u16());
        if first_page.is_null() {
            first_page = response.json().await.unwrap();
        }
    }
    assert_eq!(statuses, [200, 200, 200, 429], "--rate-per-minute 3");
    assert_eq!(first_page["code"], "200", "{first_page}");
    assert_eq!(first_page["isLastData"], false, "--is-last-data never");

    // Travel: the session lifetime, seen in timeLimit.
    let travel_creds = sb.values("travel");
    let mut params = json!({
        "account": travel_creds["account"],
        "secret": travel_creds["secret"],
        "timestamp": epoch_ms(),
    });
    params["sign"] = json!(hr_sandbox::travel::sign(
        params.as_object().unwrap(),
        &travel_creds["sign_key"]
    ));
    let before = epoch_ms();
    assert_eq!(
        travel_creds["session_url"],
        format!("{travel}{SESSION_PATH}")
    );
    let session = post_json(&client, travel_creds["session_url"].clone(), params).await;
    let after = epoch_ms();
    assert_eq!(session["resCode"], "10000", "{session}");
    let limit = session["timeLimit"].as_u64().unwrap();
    assert!(
        (before + 600_000..=after + 600_000).contains(&limit),
        "{limit} vs {before}..{after}"
    );

    // The clock route of the binary.
    let advanced = client
        .post(format!("{isdp}/_sandbox/clock/advance?seconds=601"))
        .send()
        .await
        .unwrap();
    assert_eq!(advanced.status(), 200);
    let clock = get_json(&client, format!("{beisen}/_sandbox/clock")).await;
    assert_eq!(clock["offset_secs"], 601.0);
}

#[tokio::test]
async fn fault_options_take_effect() {
    let (sb, _) = start_on_free_port(&[
        "--employees",
        "10",
        "--error-rate",
        "1",
        "--throttle-rate",
        "0.25",
        "--reset-rate",
        "0.125",
        "--latency-ms",
        "1",
        "--jitter-ms",
        "2",
        "--fault-seed",
        "99",
    ]);
    let isdp = sb.base("isdp");
    let client = http();
    let config = get_json(&client, format!("{isdp}/_sandbox/config")).await;
    assert_eq!(config["faults"]["seed"], 99, "{config}");
    for vendor in ["beisen", "isdp", "travel"] {
        assert_eq!(
            config["faults"][vendor]["default"],
            json!({
                "error_500": 1.0, "throttle_429": 0.25, "retry_after_secs": 1,
                "reset": 0.125, "latency_ms": 1, "jitter_ms": 2,
            }),
            "{vendor}: {config}"
        );
    }
    // Token routes are spared; every API call fails, by a 500 or a reset,
    // after the added latency.
    let creds = sb.values("isdp");
    let token = post_json(
        &client,
        format!("{isdp}{TOKEN_PATH}"),
        json!({
            "client_id": creds["client_id"],
            "client_secret": creds["client_secret"],
            "grant_type": "password",
            "username": creds["username"],
            "password": creds["password"],
        }),
    )
    .await;
    let bearer = token["access_token"].as_str().unwrap();
    const CALLS: u64 = 16;
    for _ in 0..CALLS {
        let outcome = client
            .post(format!("{isdp}{PERSON_LIST_PATH}"))
            .bearer_auth(bearer)
            .json(&json!({"page": {"count": 1}}))
            .send()
            .await;
        if let Ok(response) = outcome {
            assert_eq!(response.status(), 500);
        }
    }
    let counters = get_json(&client, format!("{isdp}/_sandbox/counters")).await;
    let count = |key: &str| counters[key].as_u64().unwrap_or(0);
    let requests = count(&format!("requests.isdp.{PERSON_LIST_PATH}"));
    assert!(requests >= CALLS, "{counters}");
    assert_eq!(
        count("faults.isdp.500") + count("faults.isdp.reset"),
        requests,
        "{counters}"
    );
    assert_eq!(count("faults.isdp.latency"), requests, "{counters}");
    assert_eq!(count("faults.isdp.429"), 0, "500s are tried first");
}

async fn isdp_token(
    client: &reqwest::Client,
    isdp: &str,
    id: &str,
    secret: &str,
    sb: &Running,
) -> (u16, Value) {
    let creds = sb.values("isdp");
    let response = client
        .post(format!("{isdp}{TOKEN_PATH}"))
        .json(&json!({
            "client_id": id,
            "client_secret": secret,
            "grant_type": "password",
            "username": creds["username"],
            "password": creds["password"],
        }))
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

#[tokio::test]
async fn isdp_token_options_take_effect() {
    // Defaults: expires_in a string; the configured pair and the legacy
    // `isdp-saas-openapi` are both taken.
    let (sb, _) = start_on_free_port(&["--employees", "10"]);
    let (isdp, client) = (sb.base("isdp"), http());
    let creds = sb.values("isdp");
    let (status, token) = isdp_token(
        &client,
        &isdp,
        &creds["client_id"],
        &creds["client_secret"],
        &sb,
    )
    .await;
    assert_eq!(
        (status, &token["expires_in"]),
        (200, &json!("359")),
        "{token}"
    );
    let legacy = hr_sandbox::isdp::LEGACY_CLIENT;
    let (status, token) = isdp_token(&client, &isdp, legacy, legacy, &sb).await;
    assert_eq!(status, 200, "{token}");
    assert!(token["access_token"].is_string(), "{token}");
    drop(sb);

    // `--isdp-expires-in number` and `--isdp-refuse-legacy-client`.
    let (sb, _) = start_on_free_port(&[
        "--employees",
        "10",
        "--isdp-expires-in",
        "number",
        "--isdp-refuse-legacy-client",
    ]);
    let isdp = sb.base("isdp");
    let creds = sb.values("isdp");
    let (status, token) = isdp_token(
        &client,
        &isdp,
        &creds["client_id"],
        &creds["client_secret"],
        &sb,
    )
    .await;
    assert_eq!(
        (status, &token["expires_in"]),
        (200, &json!(359)),
        "{token}"
    );
    let (status, refused) = isdp_token(&client, &isdp, legacy, legacy, &sb).await;
    assert_eq!(
        (status, &refused["error"]),
        (401, &json!("invalid_client")),
        "{refused}"
    );
}

/// Today in China Standard Time, as the sandbox reads it.
fn today_in_china() -> chrono::NaiveDate {
    hr_sandbox::Clock::new().today()
}

/// Seed 003's do-while sample, verbatim in logic: the window of the last
/// month, 100 a batch, `scrollId` empty first and then the last one, until
/// `isLastData`. Answers the records collected and the `total` reported.
async fn vendor_do_while(sb: &Running) -> (usize, usize) {
    let client = http();
    let beisen = sb.base("beisen");
    let creds = sb.values("beisen");
    let token = post_json(
        &client,
        format!("{beisen}{}", hr_sandbox::beisen::paths::TOKEN),
        json!({"grant_type": "client_credentials", "app_key": creds["app_key"],
               "app_secret": creds["app_secret"]}),
    )
    .await;
    let bearer = token["access_token"].as_str().unwrap().to_owned();
    let today = today_in_china();
    let start = today - chrono::Months::new(1);
    let url = format!(
        "{beisen}{}",
        hr_sandbox::beisen::paths::EMPLOYEE_GET_BY_TIME_WINDOW
    );
    let (mut all, mut total, mut scroll_id) = (0usize, 0usize, String::new());
    for _ in 0..100 {
        let result: Value = client
            .post(&url)
            .bearer_auth(&bearer)
            .json(&json!({
                "timeWindowQueryType": 1,
                "startTime": format!("{start}T00:00:00"),
                "stopTime": format!("{today}T00:00:00"),
                "scrollId": scroll_id,
                "capacity": 100,
            }))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(result["code"], "200", "{result}");
        let is_over = result["isLastData"] == json!(true);
        scroll_id = result["scrollId"].as_str().unwrap_or_default().to_owned();
        all += result["data"].as_array().map_or(0, Vec::len);
        if total == 0 {
            total = result["total"].as_u64().unwrap() as usize;
        }
        if is_over {
            return (all, total);
        }
    }
    panic!("isLastData never came: {all} of {total}");
}

#[tokio::test]
async fn the_vendor_do_while_sample_gets_every_record_by_default() {
    // 168 people changed over the last 28 days: all in the sample's window
    // but those changed today.
    let args = ["--employees", "168", "--span-days", "28"];
    let (sb, _) = start_on_free_port(&args);
    let (got, total) = vendor_do_while(&sb).await;
    assert!(total > 100, "more than one batch: {total}");
    assert_eq!(got, total, "isLastData is true on the last batch");
    drop(sb);

    // The adversarial option stays available: a page early, the sample
    // loses the last batch.
    let (sb, _) = start_on_free_port(&[&args[..], &["--is-last-data", "early"]].concat());
    let (got, total) = vendor_do_while(&sb).await;
    assert!(got < total, "{got} of {total}");
}

#[tokio::test]
async fn the_default_span_ends_today_and_changes_work_over_http() {
    let before = today_in_china();
    let (sb, _) = start_on_free_port(&["--employees", "50", "--span-days", "30"]);
    let after = today_in_china();
    let context = format!("{:?}", sb.banner);
    // The span ends today: its last day is yesterday (midnight may pass
    // while the binary starts).
    let days = |d: chrono::NaiveDate| {
        (
            d - chrono::Duration::days(30),
            d - chrono::Duration::days(1),
        )
    };
    let banner_days = [before, after].map(|d| {
        let (first, last) = days(d);
        format!(" {first} .. {last} ")
    });
    assert!(
        banner_days
            .iter()
            .any(|d| sb.line("data").contains(d.as_str())),
        "{context}"
    );
    let beisen = sb.base("beisen");
    let client = http();
    let config = get_json(&client, format!("{beisen}/_sandbox/config")).await;
    let start = config["data"]["span_start"].as_str().unwrap().to_owned();
    assert!(
        [before, after]
            .iter()
            .any(|d| days(*d).0.to_string() == start),
        "{config}"
    );
    assert_eq!(config["data"]["span_days"], 30);

    // The change routes of the binary, on another simulator's port too.
    let travel = sb.base("travel");
    let hired = post_json(
        &client,
        format!("{travel}/_sandbox/hire"),
        json!({"name": "张三", "mobile": "13800138000", "job_level": "P2"}),
    )
    .await;
    assert_eq!(hired["job_number"], "E0000050", "{hired}");
    let dismissed = post_json(
        &client,
        format!("{beisen}/_sandbox/dismiss/E0000050"),
        json!(null),
    )
    .await;
    assert_eq!(dismissed["dismissed"], "E0000050");
    let config = get_json(&client, format!("{beisen}/_sandbox/config")).await;
    assert_eq!(
        (
            config["data"]["employees"].as_u64(),
            config["data"]["hired"].as_u64()
        ),
        (Some(51), Some(1))
    );
}

/// A client with fixed credentials (here seed 002's example, `companyId`
/// 38 and `sessionId` 121312, sent as printed) runs against the binary
/// once it is started with them; the banner shows what it accepts.
#[tokio::test]
async fn credential_options_take_effect() {
    let (sb, _) = start_on_free_port(&[
        "--employees",
        "10",
        "--travel-account",
        "38",
        "--travel-session-id",
        "121312",
        "--beisen-app-key",
        "key-from-a-fixture",
        "--isdp-username",
        "100200",
    ]);
    let travel = sb.values("travel");
    assert_eq!(
        (travel["account"].as_str(), travel["session_id"].as_str()),
        ("38", "121312")
    );
    assert_eq!(sb.values("beisen")["app_key"], "key-from-a-fixture");
    assert_eq!(sb.values("isdp")["username"], "100200");

    let example = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/resources/seeds/002-travel-user-syn.request.jsonc"
    ))
    .unwrap();
    let body: String = example
        .lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n");
    let reply: Value = http()
        .post(sb.url("travel"))
        .header("Content-Type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    // Accepted: the example's account and session are known, so only its
    // users' own faults are reported (as the example's reply shows).
    assert_eq!(reply["resMsg"], "部分员工同步失败", "{reply}");
}
