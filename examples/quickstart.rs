//! The main example: the token cache and a scroll stream at work, offline.
//!
//! It starts an in-process mock of a Beisen-style API (a `/token` endpoint and
//! a scrolled `Employee/GetByTimeWindow`), then reads every record through
//! `hr-common`'s transport, token cache and scroll stream. Along the way the
//! mock revokes the token once, and the consumer is slow, so you can watch the
//! token refresh and the prefetching stream keep the scroll alive.
//!
//! ```sh
//! cargo run --example quickstart
//! RUST_LOG=hr_common=debug cargo run --example quickstart   # with the request spans
//! ```

use std::collections::HashMap;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures::TryStreamExt;
use hr_sdk::common::paging::{self, ScrollPage};
use hr_sdk::common::transport::{Limits, Request, Transport, VendorError, WindowLimiter};
use hr_sdk::common::{AccessToken, Error, Result, TokenCache, TokenProvider};
use serde::Deserialize;
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Respond, ResponseTemplate};

const EMPLOYEES: usize = 1_000;
const CAPACITY: usize = 100;
const SCROLL_PATH: &str = "/TenantBaseExternal/api/v5/Employee/GetByTimeWindow";

#[tokio::main]
async fn main() -> Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();

    let server = start_mock().await;
    println!("mock Beisen API listening on {}", server.uri());

    // One transport for the token endpoint (no bearer), one for the API,
    // sharing one connection pool.
    let token_transport = Transport::builder("beisen", server.uri()).build()?;
    let pool = token_transport.http_client();
    let tokens = TokenCache::new(AppKeyTokens {
        transport: token_transport,
        app_key: "demo-key".into(),
        app_secret: "demo-secret".into(),
    });
    let api = Transport::builder("beisen", server.uri())
        .http_client(pool)
        .token_cache(tokens.clone())
        .rate_limiter(Arc::new(WindowLimiter::new(Limits::new(
            Some(50),
            Some(1500),
        ))))
        .vendor_errors(|resp| {
            let v: Value = serde_json::from_slice(resp.body()).ok()?;
            Some(VendorError::new(
                v.get("code")?.to_string().trim_matches('"'),
                v.get("message")?.as_str().unwrap_or_default(),
            ))
        })
        .build()?;

    // The scroll: each call carries the previous scroll id; an empty page ends it.
    let client = api.clone();
    let pages = paging::scroll(move |scroll_id: Option<String>| {
        let client = client.clone();
        async move {
            let body = json!({
                "timeWindowQueryType": 1,
                "startTime": "2024-01-01T00:00:00",
                "stopTime": "2024-03-31T00:00:00",
                "capacity": CAPACITY,
                "scrollId": scroll_id.unwrap_or_default(),
            });
            let resp = client
                .send(
                    Request::post(SCROLL_PATH)
                        .json(&body)?
                        .idempotent(true)
                        .group("employee.time-window"),
                )
                .await?;
            let page: ScrollResponse = resp.json()?;
            if page.code != "200" {
                return Err(Error::api("beisen", page.code, page.message));
            }
            Ok(
                ScrollPage::new(page.data.unwrap_or_default(), page.scroll_id)
                    .with_total(page.total),
            )
        }
    })
    .idle_limit(Some(Duration::from_secs(10)))
    .build()
    // Fetch ahead while this consumer dawdles, so the scroll never idles.
    .prefetch(3);

    let progress = pages.progress();
    let started = Instant::now();
    let mut seen = 0usize;
    let mut departed = 0usize;
    let mut items = pages.by_item();
    while let Some(employee) = items.try_next().await? {
        seen += 1;
        if employee.employee_status == "8" {
            departed += 1;
        }
        if seen <= 3 {
            println!(
                "  {} {} ({})",
                employee.user_id, employee.name, employee.job_number
            );
        }
        if seen.is_multiple_of(250) {
            // A slow consumer: the prefetching stream keeps fetching meanwhile.
            tokio::time::sleep(Duration::from_millis(200)).await;
            eprintln!(
                "progress: {} of {:?} records, {} pages",
                progress.items(),
                progress.total(),
                progress.pages()
            );
        }
    }

    let stats = api.stats();
    println!(
        "records: {seen} (departed: {departed}) in {:.2?}",
        started.elapsed()
    );
    println!(
        "api calls: {}, attempts: {}, auth retries: {}, retries: {}",
        stats.calls, stats.attempts, stats.auth_retries, stats.retries
    );
    println!(
        "token fetches: {} (one initial, one after the mock revoked the token)",
        tokens.fetch_count()
    );
    assert_eq!(seen, EMPLOYEES, "every record exactly once");
    Ok(())
}

/// Beisen's `POST /token` flow: JSON app key and secret in, bearer token out.
struct AppKeyTokens {
    transport: Transport,
    app_key: String,
    app_secret: hr_sdk::common::SecretString,
}

#[async_trait::async_trait]
impl TokenProvider for AppKeyTokens {
    async fn fetch_token(&self) -> Result<AccessToken> {
        use hr_sdk::common::ExposeSecret;
        #[derive(Deserialize)]
        struct TokenResponse {
            access_token: String,
            expires_in: u64,
        }
        let resp = self
            .transport
            .send(
                Request::post("/token")
                    .json(&json!({
                        "grant_type": "client_credentials",
                        "app_key": self.app_key,
                        "app_secret": self.app_secret.expose_secret(),
                    }))?
                    .without_auth(),
            )
            .await?;
        let token: TokenResponse = resp.json()?;
        Ok(AccessToken::new(
            token.access_token,
            Some(Duration::from_secs(token.expires_in)),
        ))
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ScrollResponse {
    code: String,
    #[serde(default)]
    message: String,
    scroll_id: Option<String>,
    total: Option<u64>,
    data: Option<Vec<Employee>>,
}

#[derive(Debug, Deserialize)]
struct Employee {
    #[serde(rename = "userID")]
    user_id: i64,
    name: String,
    #[serde(rename = "jobNumber")]
    job_number: String,
    #[serde(rename = "employeeStatus")]
    employee_status: String,
}

/// A mock scroll endpoint: pages of `capacity` records per scroll id; the
/// token `token-1` is revoked after the third call.
struct ScrollMock {
    positions: Mutex<HashMap<String, usize>>,
    next_scroll: AtomicU32,
    calls: AtomicU32,
}

impl Respond for ScrollMock {
    fn respond(&self, request: &wiremock::Request) -> ResponseTemplate {
        let call = self.calls.fetch_add(1, Ordering::SeqCst) + 1;
        let auth = request
            .headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        if auth.is_empty() {
            return ResponseTemplate::new(400)
                .set_body_json(json!({"message": "Authorization header is empty"}));
        }
        if auth == "Bearer token-1" && call > 3 {
            return ResponseTemplate::new(401).set_body_json(json!({"message": "un-authorized"}));
        }
        let body: Value = serde_json::from_slice(&request.body).unwrap_or_default();
        let capacity = body["capacity"].as_u64().unwrap_or(100) as usize;
        let mut positions = self.positions.lock().unwrap();
        let id = match body["scrollId"].as_str().unwrap_or_default() {
            "" => {
                let id = format!(
                    "DXF1ZXJ5QW5kRmV0Y2g-{}",
                    self.next_scroll.fetch_add(1, Ordering::SeqCst)
                );
                positions.insert(id.clone(), 0);
                id
            }
            id => id.to_owned(),
        };
        let Some(position) = positions.get_mut(&id) else {
            return ResponseTemplate::new(200)
                .set_body_json(json!({"code": "200", "message": "", "scrollId": id, "data": []}));
        };
        let from = *position;
        let to = (from + capacity).min(EMPLOYEES);
        *position = to;
        let data: Vec<Value> = (from..to).map(employee).collect();
        ResponseTemplate::new(200).set_body_json(json!({
            "code": "200",
            "message": "",
            "scrollId": id,
            "isLastData": to == EMPLOYEES,
            "total": EMPLOYEES,
            "data": data,
        }))
    }
}

fn employee(i: usize) -> Value {
    const SURNAMES: [&str; 8] = ["王", "李", "张", "刘", "陈", "杨", "赵", "黄"];
    const GIVEN: [&str; 8] = ["伟", "芳", "娜", "敏", "静", "磊", "洋", "艳"];
    json!({
        "userID": 100_000 + i,
        "name": format!("{}{}", SURNAMES[i % 8], GIVEN[(i / 8) % 8]),
        "jobNumber": format!("E{:05}", i),
        "employeeStatus": if i.is_multiple_of(10) { "8" } else { "3" },
    })
}

async fn start_mock() -> MockServer {
    let server = MockServer::builder().start().await;
    let issued = Arc::new(AtomicU32::new(0));
    Mock::given(method("POST"))
        .and(path("/token"))
        .respond_with(move |_: &wiremock::Request| {
            let n = issued.fetch_add(1, Ordering::SeqCst) + 1;
            ResponseTemplate::new(200).set_body_json(json!({
                "access_token": format!("token-{n}"),
                "token_type": "bearer",
                "expires_in": 7200,
                "refresh_token": format!("refresh-{n}"),
            }))
        })
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(SCROLL_PATH))
        .respond_with(ScrollMock {
            positions: Mutex::new(HashMap::new()),
            next_scroll: AtomicU32::new(0),
            calls: AtomicU32::new(0),
        })
        .mount(&server)
        .await;
    server
}
