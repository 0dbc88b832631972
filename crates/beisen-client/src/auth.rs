//! The two token flows Beisen runs, as [`TokenProvider`]s for hr-common's
//! [`TokenCache`](hr_common::TokenCache).
//!
//! - [`AppKeyTokens`]: `POST /token`, JSON `app_key`/`app_secret`; keeps the
//!   `refresh_token` and uses it first next time, falling back to the
//!   credentials when it is refused.
//! - [`OAuthTokens`]: `POST /OAuth/Token`, form `tenant_id`/`app_id`/
//!   `secret`, whose `expires_in` is seconds in one document and a Unix
//!   time as a string in another; both are read.
//!
//! Both take an answer for a token only when it holds one: a 200 that
//! carries a vendor code (`{"code":"40001",…}`) or an OAuth2 `error`, or an
//! empty `access_token`, is an [`AuthErrorKind::TokenFetch`] error with the
//! vendor's code and redacted message.

use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use async_trait::async_trait;
use hr_common::error::AuthErrorKind;
use hr_common::transport::{Request, Response, Transport};
use hr_common::{AccessToken, Error, ExposeSecret, Result, SecretString, TokenProvider};
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::envelope::SERVICE;

/// Path of the JSON token flow.
pub const TOKEN_PATH: &str = "/token";
/// Path of the form token flow.
pub const OAUTH_TOKEN_PATH: &str = "/OAuth/Token";

#[derive(Deserialize)]
struct TokenBody {
    access_token: SecretString,
    #[serde(default)]
    expires_in: Option<Value>,
    #[serde(default)]
    refresh_token: Option<SecretString>,
}

/// The latest expiry accepted as a Unix time: the year 2200. A larger
/// `expires_in` is not a plausible answer and is refused.
const LATEST_EXPIRY_SECS: u64 = 7_258_118_400;

/// What `expires_in` says.
#[derive(Debug, PartialEq, Eq)]
enum Expiry {
    /// A lifetime from now, counted on the monotonic clock.
    In(Duration),
    /// A Unix time, read on the wall clock once, on receipt.
    At(SystemTime),
}

/// Reads `expires_in`: seconds (number or string), or a Unix time of
/// expiry when the number is too large to be a lifetime (after 2001).
/// `Ok(None)` when absent or unreadable; an error when absurdly large.
fn expiry(value: Option<&Value>) -> Result<Option<Expiry>> {
    let n: u64 = match value {
        Some(Value::Number(n)) => match n.as_u64() {
            Some(n) => n,
            None => return Ok(None),
        },
        Some(Value::String(s)) => match s.trim().parse() {
            Ok(n) => n,
            Err(_) => return Ok(None),
        },
        _ => return Ok(None),
    };
    let absurd = || {
        Error::decode_at(
            "expires_in",
            format!("expires_in {n} is not a plausible lifetime or Unix time"),
            b"",
        )
    };
    if n > LATEST_EXPIRY_SECS {
        return Err(absurd());
    }
    let secs = Duration::from_secs(n);
    // 1e9 seconds is 31 years: no token lives that long, and every Unix time
    // since 2001 is larger, so the two readings never overlap.
    if n < 1_000_000_000 {
        return Ok(Some(Expiry::In(secs)));
    }
    UNIX_EPOCH
        .checked_add(secs)
        .map(|at| Some(Expiry::At(at)))
        .ok_or_else(absurd)
}

fn token_of(body: &TokenBody) -> Result<AccessToken> {
    let secret = body.access_token.expose_secret();
    Ok(match expiry(body.expires_in.as_ref())? {
        Some(Expiry::In(lifetime)) => AccessToken::new(secret, Some(lifetime)),
        Some(Expiry::At(at)) => AccessToken::expiring_at(secret, at),
        None => AccessToken::new(secret, None),
    })
}

/// The codes that mean success when a token answer carries a `code`.
const SUCCESS_CODES: [&str; 2] = ["200", "0"];

/// Reads a token endpoint's 2xx answer, which must prove it holds a token.
///
/// Beisen also refuses credentials with HTTP 200: `{"code":"40001",
/// "message":…}`, or OAuth2's `{"error":"invalid_client",…}`. Those are
/// auth errors of the token fetch carrying the vendor's code and message
/// (redacted by [`Error::auth`]), so that a caller sees "credentials
/// refused" and not a body that failed to decode. A token that is empty is
/// no token either.
fn read_token(resp: &Response) -> Result<TokenBody> {
    let value: Value = resp.json()?;
    if let Value::Object(map) = &value
        && let Some((code, message)) = refusal(map)
    {
        return Err(token_error(resp, message).with_code(code));
    }
    let body: TokenBody = resp.json()?;
    if body.access_token.expose_secret().trim().is_empty() {
        return Err(token_error(
            resp,
            "the token endpoint answered an empty access_token".to_owned(),
        ));
    }
    Ok(body)
}

/// The vendor's code and message when a token answer says it failed: an
/// OAuth2 `error`, or a `code` (`Code`, string or number) that is not a
/// success code.
fn refusal(map: &Map<String, Value>) -> Option<(String, String)> {
    let text = |key: &str| match map.get(key) {
        Some(Value::String(s)) => Some(s.trim().to_owned()).filter(|s| !s.is_empty()),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    };
    let message = || {
        ["error_description", "message", "Message", "msg", "error"]
            .iter()
            .find_map(|k| text(k))
            .unwrap_or_default()
    };
    if let Some(error) = text("error") {
        return Some((error, message()));
    }
    let code = text("code").or_else(|| text("Code"))?;
    (!SUCCESS_CODES.contains(&code.as_str())).then(|| (code, message()))
}

fn token_error(resp: &Response, message: String) -> Error {
    Error::auth(AuthErrorKind::TokenFetch, message)
        .with_service(SERVICE)
        .with_status(resp.status())
        .with_request_id(resp.request_id().map(str::to_owned))
}

/// Reads a token endpoint's 2xx answer as the two flows do, for the fuzz
/// targets.
#[cfg(feature = "fuzzing")]
pub(crate) fn decode_token(resp: &Response) -> Result<AccessToken> {
    token_of(&read_token(resp)?)
}

/// `POST /token` with `app_key`/`app_secret`, refreshing with the
/// `refresh_token` when it has one.
pub struct AppKeyTokens {
    transport: Transport,
    app_key: String,
    app_secret: SecretString,
    refresh: Mutex<Option<SecretString>>,
}

impl std::fmt::Debug for AppKeyTokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppKeyTokens")
            .field("app_key", &self.app_key)
            .finish_non_exhaustive()
    }
}

impl AppKeyTokens {
    /// A provider sending through `transport` (one without a token cache).
    pub fn new(transport: Transport, app_key: impl Into<String>, app_secret: SecretString) -> Self {
        AppKeyTokens {
            transport,
            app_key: app_key.into(),
            app_secret,
            refresh: Mutex::new(None),
        }
    }

    async fn call(&self, body: Value) -> Result<TokenBody> {
        let req = Request::post(TOKEN_PATH)
            .without_auth()
            .json(&body)?
            .idempotent(true)
            .group("token");
        read_token(&self.transport.send(req).await?)
    }
}

#[async_trait]
impl TokenProvider for AppKeyTokens {
    async fn fetch_token(&self) -> Result<AccessToken> {
        let refresh = self
            .refresh
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take();
        let body = match refresh {
            Some(refresh) => {
                let attempt = self
                    .call(serde_json::json!({
                        "grant_type": "refresh_token",
                        "refresh_token": refresh.expose_secret(),
                        "app_key": self.app_key,
                    }))
                    .await;
                match attempt {
                    Ok(body) => Some(body),
                    Err(e) => {
                        // A refresh token is single-use and dies with
                        // revocation: the credentials still work.
                        tracing::debug!(error = %e, "refresh token refused; using the app key");
                        None
                    }
                }
            }
            None => None,
        };
        let body = match body {
            Some(body) => body,
            None => {
                self.call(serde_json::json!({
                    "grant_type": "client_credentials",
                    "app_key": self.app_key,
                    "app_secret": self.app_secret.expose_secret(),
                }))
                .await?
            }
        };
        *self.refresh.lock().unwrap_or_else(|e| e.into_inner()) = body.refresh_token.clone();
        token_of(&body)
    }
}

/// `POST /OAuth/Token`, form `tenant_id`, `app_id`, `secret`.
pub struct OAuthTokens {
    transport: Transport,
    tenant_id: String,
    app_id: String,
    secret: SecretString,
}

impl std::fmt::Debug for OAuthTokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OAuthTokens")
            .field("tenant_id", &self.tenant_id)
            .field("app_id", &self.app_id)
            .finish_non_exhaustive()
    }
}

impl OAuthTokens {
    /// A provider sending through `transport` (one without a token cache).
    pub fn new(
        transport: Transport,
        tenant_id: impl Into<String>,
        app_id: impl Into<String>,
        secret: SecretString,
    ) -> Self {
        OAuthTokens {
            transport,
            tenant_id: tenant_id.into(),
            app_id: app_id.into(),
            secret,
        }
    }
}

#[async_trait]
impl TokenProvider for OAuthTokens {
    async fn fetch_token(&self) -> Result<AccessToken> {
        let req = Request::post(OAUTH_TOKEN_PATH)
            .without_auth()
            .form(&[
                ("grant_type", "client_credentials"),
                ("tenant_id", self.tenant_id.as_str()),
                ("app_id", self.app_id.as_str()),
                ("secret", self.secret.expose_secret()),
            ])
            .idempotent(true)
            .group("token");
        token_of(&read_token(&self.transport.send(req).await?)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expires_in_reads_seconds_and_epochs() {
        assert_eq!(
            expiry(Some(&serde_json::json!(7200))).unwrap(),
            Some(Expiry::In(Duration::from_secs(7200)))
        );
        assert_eq!(
            expiry(Some(&serde_json::json!("8400000"))).unwrap(),
            Some(Expiry::In(Duration::from_secs(8_400_000)))
        );
        assert_eq!(
            expiry(Some(&serde_json::json!("1735700000"))).unwrap(),
            Some(Expiry::At(UNIX_EPOCH + Duration::from_secs(1_735_700_000)))
        );
        assert_eq!(expiry(Some(&serde_json::json!("soon"))).unwrap(), None);
    }

    #[tokio::test(start_paused = true)]
    async fn a_lifetime_runs_on_the_monotonic_clock() {
        let body: TokenBody =
            serde_json::from_value(serde_json::json!({"access_token": "t", "expires_in": 7200}))
                .unwrap();
        let token = token_of(&body).unwrap();
        assert_eq!(token.expires_in(), Some(Duration::from_secs(7200)));
        tokio::time::advance(Duration::from_secs(7200)).await;
        assert!(token.is_expired());
    }

    #[test]
    fn an_absurd_expires_in_is_a_decode_error_not_a_panic() {
        for v in [
            serde_json::json!(u64::MAX),
            serde_json::json!(u64::MAX.to_string()),
            serde_json::json!("99999999999999"),
        ] {
            let r = std::panic::catch_unwind(|| expiry(Some(&v)));
            let err = r.expect("expiry panicked").unwrap_err();
            assert!(err.is_decode(), "{err}");
        }
    }
}
