//! Access tokens: issuance, and the check in front of every API route.
//!
//! Tokens are self-describing, so that checking one needs no shared state
//! (no lock a slow data call could hold) and so that an expired or revoked
//! token is recognised for ever, not only while a table still remembers
//! it. A token is 128 bits written like a UUID (Spring's default token
//! format):
//!
//! - the low 48 bits are a MAC: MD5 of a per-sandbox random key and the
//!   payload, truncated;
//! - the high 80 bits are the payload XOR a keystream derived from the key
//!   and the MAC, so tokens look random rather than like a counter.
//!
//! The payload is the issue time (milliseconds since the sandbox started,
//! on the sandbox's [`Clock`],
//! 40 bits, about 34 years), the revocation epoch at issue (24 bits) and a
//! serial number (16 bits, so that two tokens issued in the same
//! millisecond differ). A token whose MAC does not verify was never issued
//! by this sandbox.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime};

use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::{API_USER_ID, Isdp, mix};
use crate::clock::Clock;

const MS_BITS: u32 = 40;
const EPOCH_BITS: u32 = 24;
const SERIAL_BITS: u32 = 16;
const PAYLOAD_BITS: u32 = MS_BITS + EPOCH_BITS + SERIAL_BITS;
const MAC_BITS: u32 = 128 - PAYLOAD_BITS;

const fn mask(bits: u32) -> u128 {
    (1u128 << bits) - 1
}

/// What a verified token says about itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Claims {
    /// Milliseconds from the sandbox's start to the issue.
    issued_ms: u64,
    /// The low [`EPOCH_BITS`] of the revocation epoch at issue.
    epoch: u64,
    serial: u64,
}

/// The key and clock tokens are made and checked with.
#[derive(Debug)]
pub(super) struct TokenMint {
    key: [u8; 16],
    clock: Clock,
    started: Instant,
    issued: AtomicU64,
}

impl TokenMint {
    /// A mint with a key no other sandbox shares, so that a token from
    /// another sandbox (or an earlier run) counts as never issued.
    pub(super) fn new(seed: u64, clock: Clock) -> Self {
        // Two sandboxes started in the same nanosecond still get different
        // keys, thanks to the process-wide counter.
        static MINTS: AtomicU64 = AtomicU64::new(0);
        let nanos = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64);
        let n = MINTS.fetch_add(1, Ordering::Relaxed);
        let a = mix(seed ^ mix(nanos) ^ mix(n.wrapping_add(0x1509)));
        let b = mix(a ^ u64::from(std::process::id()));
        let mut key = [0u8; 16];
        key[..8].copy_from_slice(&a.to_le_bytes());
        key[8..].copy_from_slice(&b.to_le_bytes());
        TokenMint {
            key,
            started: clock.now(),
            clock,
            issued: AtomicU64::new(0),
        }
    }

    /// Milliseconds from the mint's start to now, on the clock.
    fn elapsed_ms(&self) -> u64 {
        self.clock
            .now()
            .saturating_duration_since(self.started)
            .as_millis() as u64
    }

    fn digest(&self, tag: u8, value: u128) -> u128 {
        let mut input = [0u8; 33];
        input[..16].copy_from_slice(&self.key);
        input[16] = tag;
        input[17..].copy_from_slice(&value.to_le_bytes());
        u128::from_le_bytes(md5::compute(input).0)
    }

    fn encode(&self, claims: Claims) -> String {
        let payload = (u128::from(claims.issued_ms) & mask(MS_BITS)) << (EPOCH_BITS + SERIAL_BITS)
            | (u128::from(claims.epoch) & mask(EPOCH_BITS)) << SERIAL_BITS
            | u128::from(claims.serial) & mask(SERIAL_BITS);
        let mac = self.digest(b'm', payload) & mask(MAC_BITS);
        let hidden = (payload ^ self.digest(b'k', mac)) & mask(PAYLOAD_BITS);
        let t = hidden << MAC_BITS | mac;
        format!(
            "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
            t >> 96,
            (t >> 80) & 0xffff,
            (t >> 64) & 0xffff,
            (t >> 48) & 0xffff,
            t & mask(48)
        )
    }

    /// The claims of a token this mint issued; `None` for anything else.
    fn decode(&self, token: &str) -> Option<Claims> {
        let bytes = token.as_bytes();
        if bytes.len() != 36 {
            return None;
        }
        let mut t = 0u128;
        for (i, &b) in bytes.iter().enumerate() {
            if matches!(i, 8 | 13 | 18 | 23) {
                if b != b'-' {
                    return None;
                }
                continue;
            }
            // Lower case only, as issued: an altered token is not ours.
            let digit = match b {
                b'0'..=b'9' => b - b'0',
                b'a'..=b'f' => b - b'a' + 10,
                _ => return None,
            };
            t = t << 4 | u128::from(digit);
        }
        let mac = t & mask(MAC_BITS);
        let payload = ((t >> MAC_BITS) ^ self.digest(b'k', mac)) & mask(PAYLOAD_BITS);
        if self.digest(b'm', payload) & mask(MAC_BITS) != mac {
            return None;
        }
        Some(Claims {
            issued_ms: (payload >> (EPOCH_BITS + SERIAL_BITS)) as u64,
            epoch: ((payload >> SERIAL_BITS) & mask(EPOCH_BITS)) as u64,
            serial: (payload & mask(SERIAL_BITS)) as u64,
        })
    }

    /// A new token for the current `epoch`.
    fn issue(&self, epoch: u64) -> String {
        let serial = self.issued.fetch_add(1, Ordering::Relaxed);
        self.encode(Claims {
            issued_ms: self.elapsed_ms(),
            epoch,
            serial,
        })
    }

    /// Why `token` is refused, if it is.
    fn check(&self, token: &str, epoch: u64, ttl: Duration) -> Result<(), Refusal> {
        let claims = self.decode(token).ok_or(Refusal::Unknown)?;
        // Only the low bits of the epoch are kept: a token would pass again
        // after exactly 2^24 revocations, which no test comes near.
        if claims.epoch != epoch & mask(EPOCH_BITS) as u64 {
            return Err(Refusal::Expired);
        }
        let age_ms = self.elapsed_ms().saturating_sub(claims.issued_ms);
        if u128::from(age_ms) >= ttl.as_millis() {
            return Err(Refusal::Expired);
        }
        Ok(())
    }
}

fn oauth_error(status: StatusCode, error: &str, description: &str) -> Response {
    (
        status,
        axum::Json(json!({"error": error, "error_description": description})),
    )
        .into_response()
}

/// `POST /oauth2/oauth/rest_token`.
pub(super) async fn issue_token(State(isdp): State<Arc<Isdp>>, body: Bytes) -> Response {
    let body: Value = match serde_json::from_slice(&body) {
        Ok(v @ Value::Object(_)) => v,
        _ => {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                "the request body must be a JSON object",
            );
        }
    };
    // Jackson binds a JSON number into these String fields (an
    // application id typed as a number): read numbers as their digits.
    let field = |k: &str| match body.get(k) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    };
    let config = &isdp.ctx.config.isdp;
    let configured =
        field("client_id") == config.client_id && field("client_secret") == config.client_secret;
    // Older tenants' documents fix both to `isdp-saas-openapi`, and their
    // clients still send it.
    let legacy = config.accept_legacy_client
        && field("client_id") == super::LEGACY_CLIENT
        && field("client_secret") == super::LEGACY_CLIENT;
    if !configured && !legacy {
        return oauth_error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "Bad client credentials",
        );
    }
    if field("grant_type") != "password" {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            &format!("Unsupported grant type: {}", field("grant_type")),
        );
    }
    if field("username") != config.username || field("password") != config.password {
        return oauth_error(StatusCode::BAD_REQUEST, "invalid_grant", "Bad credentials");
    }

    let epoch = isdp.ctx.isdp_token_epoch.load(Ordering::SeqCst);
    let token = isdp.tokens.issue(epoch);
    isdp.ctx.counters.incr("tokens_issued.isdp");
    let seconds = config.token_ttl.as_secs();
    // The vendor's reference types it as a String, its examples as a number.
    let expires_in = if config.expires_in_as_string {
        json!(seconds.to_string())
    } else {
        json!(seconds)
    };
    axum::Json(json!({
        "access_token": token,
        "token_type": "bearer",
        "expires_in": expires_in,
        "scope": "all",
        "plat_user": {
            "userId": API_USER_ID,
            "userAccount": config.username,
            "userName": "OpenAPI应用",
            "tenantId": isdp.ctx.data.tenant_id(),
            "userType": "App",
        },
    }))
    .into_response()
}

/// Why a call was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Refusal {
    /// No bearer token at all.
    Missing,
    /// A token this server never issued.
    Unknown,
    /// A token that expired or was revoked.
    Expired,
}

impl Refusal {
    fn into_response(self) -> Response {
        const REALM: &str = "Bearer realm=\"oauth2-resource\"";
        let (content_type, body, error, description) = match self {
            Refusal::Missing => (
                "application/json",
                json!({
                    "error": "unauthorized",
                    "error_description": "Full authentication is required to access this resource",
                })
                .to_string(),
                "unauthorized",
                "Full authentication is required to access this resource",
            ),
            Refusal::Unknown => (
                "application/json",
                json!({"error": "invalid_token", "error_description": "check_token error"})
                    .to_string(),
                "invalid_token",
                "check_token error",
            ),
            Refusal::Expired => (
                "application/xml",
                "<InvalidTokenException><error>invalid_token</error><error_description>check_token error</error_description></InvalidTokenException>".to_owned(),
                "invalid_token",
                "check_token error",
            ),
        };
        let challenge = format!("{REALM}, error=\"{error}\", error_description=\"{description}\"");
        let mut response = (StatusCode::UNAUTHORIZED, body).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
        if let Ok(v) = HeaderValue::from_str(&challenge) {
            headers.insert(header::WWW_AUTHENTICATE, v);
        }
        response
    }
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?.trim();
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// The `access_token` query parameter, which Spring Security OAuth2's
/// token extractor (whose 401 bodies the gateway sends) reads when there
/// is no `Authorization` header.
fn query_token(query: Option<&str>) -> Option<String> {
    serde_urlencoded::from_str::<Vec<(String, String)>>(query?)
        .ok()?
        .into_iter()
        .find(|(k, v)| k == "access_token" && !v.trim().is_empty())
        .map(|(_, v)| v.trim().to_owned())
}

impl Isdp {
    fn check_token(&self, headers: &HeaderMap, query: Option<&str>) -> Result<(), Refusal> {
        let from_query;
        let token = match bearer(headers) {
            Some(token) => token,
            None => {
                from_query = query_token(query).ok_or(Refusal::Missing)?;
                from_query.as_str()
            }
        };
        let epoch = self.ctx.isdp_token_epoch.load(Ordering::SeqCst);
        self.tokens
            .check(token, epoch, self.ctx.config.isdp.token_ttl)
    }

    /// Counts an accepted call and revokes every token on the `n`-th.
    fn count_call(&self) {
        let calls = self.api_calls.fetch_add(1, Ordering::SeqCst) + 1;
        if let Some(n) = self.ctx.config.isdp.revoke_tokens_after
            && n > 0
            && calls.is_multiple_of(n)
        {
            self.ctx.isdp_token_epoch.fetch_add(1, Ordering::SeqCst);
        }
    }
}

/// The token check in front of every API route.
pub(super) async fn require_token(
    State(isdp): State<Arc<Isdp>>,
    req: Request,
    next: Next,
) -> Response {
    match isdp.check_token(req.headers(), req.uri().query()) {
        Ok(()) => {
            isdp.count_call();
            next.run(req).await
        }
        Err(refusal) => {
            isdp.ctx.counters.incr("auth_rejected.isdp");
            refusal.into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_round_trip_and_resist_tampering() {
        let mint = TokenMint::new(7, Clock::new());
        let claims = Claims {
            issued_ms: 123_456_789,
            epoch: 3,
            serial: 9,
        };
        let token = mint.encode(claims);
        assert_eq!(token.len(), 36);
        assert_eq!(mint.decode(&token), Some(claims));
        // One digit changed anywhere: not ours.
        for i in [0, 10, 20, 35] {
            let mut t = token.clone().into_bytes();
            t[i] = if t[i] == b'0' { b'1' } else { b'0' };
            assert_eq!(mint.decode(std::str::from_utf8(&t).unwrap()), None);
        }
        assert_eq!(mint.decode(&token.to_uppercase()), None);
        // Another sandbox's key does not verify it.
        assert_eq!(TokenMint::new(7, Clock::new()).decode(&token), None);
        let other = mint.encode(Claims {
            serial: 10,
            ..claims
        });
        assert_ne!(token, other);
        assert_ne!(token[..8], other[..8], "the payload is hidden");
    }

    #[test]
    fn checks_epoch_and_age() {
        let clock = Clock::new();
        let mint = TokenMint::new(1, clock.clone());
        let token = mint.issue(5);
        let ttl = Duration::from_secs(60);
        assert_eq!(mint.check(&token, 5, ttl), Ok(()));
        clock.advance(ttl / 2);
        assert_eq!(mint.check(&token, 5, ttl), Ok(()));
        clock.advance(ttl / 2);
        assert_eq!(mint.check(&token, 5, ttl), Err(Refusal::Expired));
        let token = mint.issue(5);
        assert_eq!(mint.check(&token, 5, ttl), Ok(()));
        assert_eq!(mint.check(&token, 6, ttl), Err(Refusal::Expired));
        assert_eq!(mint.check(&token, 5, Duration::ZERO), Err(Refusal::Expired));
        assert_eq!(mint.check("not-a-token", 5, ttl), Err(Refusal::Unknown));
    }
}
