//! Both token flows and the gateway's bearer check.

use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, UNIX_EPOCH};

use axum::extract::rejection::FormRejection;
use axum::extract::{Form, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use serde_json::{Value, json};

use super::Beisen;
use super::b64;
use super::json::{json_response, mix};
use crate::clock::Clock;
use crate::config::OAuthExpiresIn;

/// How long a refresh token of `POST /token` stays redeemable.
const REFRESH_TTL: Duration = Duration::from_secs(30 * 24 * 3600);
/// The table is pruned of dead grants when it has grown to this many since
/// the last prune (and at least twice its size then), or a minute after
/// the last prune: cost stays proportional to issuing, memory to live grants.
const PRUNE_AT: usize = 1024;
const PRUNE_EVERY: Duration = Duration::from_secs(60);
/// Observed on the real token endpoint; informational only.
const TOKEN_RATE_HEADER: (&str, &str) = ("x-ratelimit-limit-second", "400");

/// Issued access and refresh tokens, aged on the sandbox's clock.
#[derive(Debug)]
pub(super) struct Tokens {
    table: Mutex<Table>,
    salt: u64,
    clock: Clock,
}

#[derive(Debug)]
struct Table {
    access: HashMap<String, Grant>,
    refresh: HashMap<String, Grant>,
    minted: u64,
    /// Grants held when the next prune is due.
    prune_at: usize,
    pruned: Instant,
}

impl Table {
    fn new(now: Instant) -> Table {
        Table {
            access: HashMap::new(),
            refresh: HashMap::new(),
            minted: 0,
            prune_at: PRUNE_AT,
            pruned: now,
        }
    }

    fn len(&self) -> usize {
        self.access.len() + self.refresh.len()
    }

    /// Forgets expired, revoked (and, for refresh tokens, spent: those are
    /// removed on use) grants when the table has grown or a while has passed.
    fn prune_if_due(&mut self, now: Instant, epoch: u64) {
        if self.len() < self.prune_at && now.duration_since(self.pruned) < PRUNE_EVERY {
            return;
        }
        self.access.retain(|_, g| g.is_valid(now, epoch));
        self.refresh.retain(|_, g| g.is_valid(now, epoch));
        self.prune_at = (self.len() * 2).max(PRUNE_AT);
        self.pruned = now;
    }
}

#[derive(Debug, Clone, Copy)]
struct Grant {
    expires: Instant,
    /// `beisen_token_epoch` at issue: a later epoch revokes the grant.
    epoch: u64,
}

impl Grant {
    fn is_valid(&self, now: Instant, epoch: u64) -> bool {
        now < self.expires && self.epoch >= epoch
    }
}

impl Tokens {
    /// `salt` makes tokens differ between sandboxes, so a token of one is
    /// refused by another even though both count from zero.
    pub(super) fn new(salt: u64, clock: Clock) -> Self {
        Tokens {
            table: Mutex::new(Table::new(clock.now())),
            salt,
            clock,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Table> {
        self.table.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A 72-character URL-safe token, shaped like the vendor's.
    fn mint(&self, table: &mut Table) -> String {
        table.minted += 1;
        let mut bytes = Vec::with_capacity(56);
        let mut z = self.salt ^ table.minted.wrapping_mul(0x2545_F491_4F6C_DD1D);
        for _ in 0..7 {
            z = mix(z);
            bytes.extend_from_slice(&z.to_le_bytes());
        }
        bytes.truncate(54);
        b64::encode_url(&bytes)
    }

    /// Issues an access token (and a refresh token when asked).
    fn issue(&self, ttl: Duration, epoch: u64, with_refresh: bool) -> (String, Option<String>) {
        let now = self.clock.now();
        let mut table = self.lock();
        // So the table does not grow with every token a long-running
        // sandbox ever issued.
        table.prune_if_due(now, epoch);
        let access = self.mint(&mut table);
        table.access.insert(
            access.clone(),
            Grant {
                expires: now + ttl,
                epoch,
            },
        );
        let refresh = with_refresh.then(|| {
            let token = self.mint(&mut table);
            let grant = Grant {
                expires: now + REFRESH_TTL,
                epoch,
            };
            table.refresh.insert(token.clone(), grant);
            token
        });
        (access, refresh)
    }

    /// Spends a refresh token: each one works once, and revocation kills it.
    fn redeem(&self, token: &str, epoch: u64) -> bool {
        let grant = self.lock().refresh.remove(token);
        grant.is_some_and(|g| g.is_valid(self.clock.now(), epoch))
    }

    /// The gateway's check of `Authorization: Bearer <token>`.
    pub(super) fn authorize(&self, headers: &HeaderMap, epoch: u64) -> Result<(), Refusal> {
        let value = headers
            .get(header::AUTHORIZATION)
            .map(|v| v.to_str().unwrap_or("invalid").trim())
            .unwrap_or("");
        if value.is_empty() {
            return Err(Refusal::NoHeader);
        }
        let token = value
            .split_once(' ')
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
            .map(|(_, token)| token.trim());
        let valid = token.is_some_and(|t| {
            let now = self.clock.now();
            self.lock()
                .access
                .get(t)
                .is_some_and(|g| g.is_valid(now, epoch))
        });
        if valid {
            Ok(())
        } else {
            Err(Refusal::BadToken)
        }
    }
}

/// Why the gateway refused a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Refusal {
    /// No `Authorization` header, or a blank one: 400.
    NoHeader,
    /// Not a bearer token, or not a live one: 401.
    BadToken,
}

impl Refusal {
    pub(super) fn response(self) -> Response {
        match self {
            Refusal::NoHeader => json_response(
                StatusCode::BAD_REQUEST,
                &json!({"message": "Authorization header is empty"}),
            ),
            Refusal::BadToken => json_response(
                StatusCode::UNAUTHORIZED,
                &json!({"message": "un-authorized"}),
            ),
        }
    }
}

fn oauth_error(status: StatusCode, error: &str) -> Response {
    with_rate_header(json_response(status, &json!({ "error": error })))
}

fn with_rate_header(mut resp: Response) -> Response {
    resp.headers_mut().insert(
        TOKEN_RATE_HEADER.0,
        HeaderValue::from_static(TOKEN_RATE_HEADER.1),
    );
    resp
}

/// The parameters of a `POST /token` body: a JSON object (comments
/// allowed) or, when the `Content-Type` says so, a form, as the public
/// Java client yxd9485/OpenApi posts them. Values are text; a JSON number
/// (an app key typed as one) is read as its digits. `None` for a body that
/// is neither.
fn token_params(headers: &HeaderMap, body: &[u8]) -> Option<HashMap<String, String>> {
    let form = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| {
            t.trim_start()
                .to_ascii_lowercase()
                .starts_with("application/x-www-form-urlencoded")
        });
    if form {
        return serde_urlencoded::from_bytes(body).ok();
    }
    let Ok(Value::Object(map)) = serde_json::from_slice(&super::jsonc::strip_comments(body)) else {
        return None;
    };
    Some(
        map.into_iter()
            .filter_map(|(k, v)| match v {
                Value::String(s) => Some((k, s)),
                Value::Number(n) => Some((k, n.to_string())),
                _ => None,
            })
            .collect(),
    )
}

/// `POST /token`, JSON or a form: `client_credentials` with
/// `app_key`/`app_secret`, or `refresh_token` with `refresh_token`.
pub(super) async fn token(
    State(b): State<Arc<Beisen>>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let Some(params) = token_params(&headers, &body) else {
        return oauth_error(StatusCode::BAD_REQUEST, "invalid_request");
    };
    let field = |k: &str| params.get(k).map(String::as_str);
    let config = &b.ctx.config.beisen;
    let epoch = b.ctx.beisen_token_epoch.load(Ordering::SeqCst);
    match field("grant_type") {
        Some("client_credentials") => {
            let (Some(key), Some(secret)) = (field("app_key"), field("app_secret")) else {
                return oauth_error(StatusCode::BAD_REQUEST, "invalid_request");
            };
            if key != config.app_key || secret != config.app_secret {
                return oauth_error(StatusCode::UNAUTHORIZED, "invalid_client");
            }
        }
        Some("refresh_token") => {
            if field("app_key").is_some_and(|k| k != config.app_key) {
                return oauth_error(StatusCode::UNAUTHORIZED, "invalid_client");
            }
            let Some(refresh) = field("refresh_token") else {
                return oauth_error(StatusCode::BAD_REQUEST, "invalid_request");
            };
            if !b.tokens.redeem(refresh, epoch) {
                return oauth_error(StatusCode::BAD_REQUEST, "invalid_grant");
            }
        }
        Some(_) => return oauth_error(StatusCode::BAD_REQUEST, "unsupported_grant_type"),
        None => return oauth_error(StatusCode::BAD_REQUEST, "invalid_request"),
    }
    let ttl = config.token_ttl;
    let (access, refresh) = b.tokens.issue(ttl, epoch, true);
    b.ctx.counters.incr("tokens_issued.beisen");
    with_rate_header(json_response(
        StatusCode::OK,
        &json!({
            "access_token": access,
            "token_type": "bearer",
            "expires_in": ttl.as_secs(),
            "refresh_token": refresh,
        }),
    ))
}

/// `POST /OAuth/Token`, form: `tenant_id`, `secret`, `grant_type`, and
/// `app_id` (required by the parameter table, missing from the vendor's own
/// demo: accepted either way, checked when sent).
pub(super) async fn oauth_token(
    State(b): State<Arc<Beisen>>,
    form: Result<Form<HashMap<String, String>>, FormRejection>,
) -> Response {
    let Ok(Form(form)) = form else {
        return oauth_error(StatusCode::BAD_REQUEST, "invalid_request");
    };
    let field = |k: &str| form.get(k).map(String::as_str);
    let tenant = b.ctx.data.tenant_id();
    // The tenant is checked first: a probe with tenant_id=0 and a bad secret
    // gets invalid_tenantid.
    if field("tenant_id").and_then(|t| t.trim().parse::<i64>().ok()) != Some(tenant) {
        return oauth_error(StatusCode::BAD_REQUEST, "invalid_tenantid");
    }
    if field("grant_type") != Some("client_credentials") {
        return oauth_error(StatusCode::BAD_REQUEST, "unsupported_grant_type");
    }
    let config = &b.ctx.config.beisen;
    let app_ok = field("app_id").is_none_or(|a| a == config.app_id);
    if !app_ok || field("secret") != Some(config.secret.as_str()) {
        return oauth_error(StatusCode::UNAUTHORIZED, "invalid_client");
    }
    let ttl = config.token_ttl;
    let epoch = b.ctx.beisen_token_epoch.load(Ordering::SeqCst);
    let (access, _) = b.tokens.issue(ttl, epoch, false);
    b.ctx.counters.incr("tokens_issued.beisen");
    // The vendor's demo sends every value as a string and `expires_in` as
    // the Unix time of expiry; its reference table says a lifetime in
    // seconds (a long). Clients must cope with both.
    let expires_in = match config.oauth_expires_in {
        OAuthExpiresIn::EpochString => {
            let at = (b.ctx.clock.system_now() + ttl)
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_secs());
            Value::String(at.to_string())
        }
        OAuthExpiresIn::Seconds => json!(ttl.as_secs()),
    };
    with_rate_header(json_response(
        StatusCode::OK,
        &json!({
            "access_token": access,
            "expires_in": expires_in,
            "tenant_id": tenant.to_string(),
            "user_id": "0",
        }),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dead_grants_are_pruned_whatever_the_parity_of_mints() {
        let tokens = Tokens::new(1, Clock::new());
        // One form-flow token makes the mint count odd; JSON-flow calls then
        // mint two at a time.
        tokens.issue(Duration::ZERO, 0, false);
        // Access tokens die at once and each call revokes the refresh
        // tokens before it, so at most the newest pair is alive.
        for epoch in 0..5_000 {
            tokens.issue(Duration::ZERO, epoch, true);
        }
        let table = tokens.lock();
        assert!(table.len() <= PRUNE_AT + 2, "{}", table.len());
    }

    #[test]
    fn revoked_and_spent_refresh_tokens_are_pruned() {
        let tokens = Tokens::new(1, Clock::new());
        let ttl = Duration::from_secs(3600);
        let (_, spent) = tokens.issue(ttl, 0, true);
        assert!(tokens.redeem(&spent.unwrap(), 0));
        for _ in 0..PRUNE_AT {
            tokens.issue(ttl, 0, true);
        }
        // Revocation (a new epoch), then enough issuing for a prune.
        for _ in 0..4 * PRUNE_AT {
            tokens.issue(ttl, 1, false);
        }
        let table = tokens.lock();
        assert!(table.refresh.values().all(|g| g.epoch >= 1));
        assert!(table.access.values().all(|g| g.epoch >= 1));
        assert!(table.refresh.is_empty() && !table.access.is_empty());
    }

    #[test]
    fn grants_expire_on_the_clock() {
        let clock = Clock::new();
        let tokens = Tokens::new(1, clock.clone());
        let ttl = Duration::from_secs(7200);
        let (access, refresh) = tokens.issue(ttl, 0, true);
        let mut headers = HeaderMap::new();
        headers.insert(
            header::AUTHORIZATION,
            HeaderValue::from_str(&format!("Bearer {access}")).unwrap(),
        );
        clock.advance(ttl / 2);
        assert_eq!(tokens.authorize(&headers, 0), Ok(()));
        clock.advance(ttl / 2);
        assert_eq!(tokens.authorize(&headers, 0), Err(Refusal::BadToken));
        // The refresh token lives for 30 days.
        clock.advance(REFRESH_TTL - ttl - Duration::from_secs(60));
        let (_, spare) = tokens.issue(ttl, 0, true);
        assert!(tokens.redeem(&refresh.unwrap(), 0));
        clock.advance(REFRESH_TTL + Duration::from_secs(1));
        assert!(!tokens.redeem(&spare.unwrap(), 0));
    }
}
