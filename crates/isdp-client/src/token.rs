//! The password-grant token flow of `POST /oauth2/oauth/rest_token`.

use std::fmt;
use std::time::Duration;

use async_trait::async_trait;
use hr_common::error::AuthErrorKind;
use hr_common::transport::{Request, Response, Transport};
use hr_common::{AccessToken, Error, ExposeSecret, Result, SecretString, TokenProvider};
use serde::Deserialize;
use serde_with::serde_as;

use crate::envelope::SERVICE;

/// The token endpoint's path.
pub const TOKEN_PATH: &str = "/oauth2/oauth/rest_token";

/// The application's credentials: `client_id`/`client_secret` and, for the
/// password grant, `username` (the application id) and `password` (the
/// application token).
#[derive(Clone)]
pub struct Credentials {
    pub(crate) client_id: String,
    pub(crate) client_secret: SecretString,
    pub(crate) username: String,
    pub(crate) password: SecretString,
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("client_id", &self.client_id)
            .field("username", &self.username)
            .finish_non_exhaustive()
    }
}

/// The token endpoint's answer. `expires_in` is a string in the vendor's
/// reference (`"359"`) and a number in its examples; both are read.
#[serde_as]
#[derive(Deserialize)]
struct TokenResponse {
    access_token: String,
    /// Read as a float so that `1e30`, `-5` and `"359"` all decode; clamped
    /// by [`clamp_lifetime`].
    #[serde_as(as = "Option<hr_common::lenient::NumberFromString>")]
    #[serde(default)]
    expires_in: Option<f64>,
}

/// [`TokenProvider`] for ISDP+'s password grant; the client puts it behind
/// a [`TokenCache`](hr_common::TokenCache), which refreshes ahead of
/// `expires_in` (tokens live 6 to 30 minutes) and once after a 401.
pub struct PasswordGrant {
    transport: Transport,
    credentials: Credentials,
}

impl PasswordGrant {
    pub(crate) fn new(transport: Transport, credentials: Credentials) -> Self {
        PasswordGrant {
            transport,
            credentials,
        }
    }
}

impl fmt::Debug for PasswordGrant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PasswordGrant")
            .field("credentials", &self.credentials)
            .finish_non_exhaustive()
    }
}

#[async_trait]
impl TokenProvider for PasswordGrant {
    async fn fetch_token(&self) -> Result<AccessToken> {
        let c = &self.credentials;
        let body = serde_json::json!({
            "client_id": c.client_id,
            "client_secret": c.client_secret.expose_secret(),
            "grant_type": "password",
            "username": c.username,
            "password": c.password.expose_secret(),
        });
        // A token request has no side effect, so it may be retried.
        let req = Request::post(TOKEN_PATH)
            .json(&body)?
            .without_auth()
            .idempotent(true)
            .group("token");
        let resp = self.transport.send(req).await.map_err(|e| match e {
            // `invalid_grant` and friends come with 400: credentials, not
            // the request, are wrong, so say so.
            Error::Api {
                code,
                message,
                status,
                ..
            } => {
                let mut err = Error::auth(AuthErrorKind::TokenFetch, message)
                    .with_code(code)
                    .with_service(SERVICE);
                if let Some(s) = status {
                    err = err.with_status(s);
                }
                err
            }
            other => other,
        })?;
        token_of(&resp)
    }
}

/// Reads the token endpoint's 2xx answer into a token.
pub(crate) fn token_of(resp: &Response) -> Result<AccessToken> {
    let token: TokenResponse = resp.json()?;
    if token.access_token.is_empty() {
        return Err(Error::auth(
            AuthErrorKind::TokenFetch,
            "the token endpoint answered an empty access_token",
        )
        .with_service(SERVICE));
    }
    Ok(AccessToken::new(
        token.access_token,
        token.expires_in.map(|s| clamp_lifetime(s as i64)),
    ))
}

/// The longest lifetime believed: ISDP+ tokens live 6 to 30 minutes, so
/// anything beyond a day is a vendor bug (and would overflow `Instant`).
pub(crate) const MAX_LIFETIME: Duration = Duration::from_secs(24 * 60 * 60);
/// The lifetime given to a token announced with `expires_in` 0 or less:
/// short, but long enough not to fetch a token for every call.
pub(crate) const MIN_LIFETIME: Duration = Duration::from_secs(60);

fn clamp_lifetime(secs: i64) -> Duration {
    if secs <= 0 {
        MIN_LIFETIME
    } else {
        Duration::from_secs(secs.unsigned_abs()).min(MAX_LIFETIME)
    }
}
