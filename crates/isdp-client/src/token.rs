//! The password-grant token flow of `POST /oauth2/oauth/rest_token`, and
//! the [`Credentials`] a client is built with.

use std::borrow::Cow;
use std::fmt;
use std::time::Duration;

use async_trait::async_trait;
use hr_common::endpoint::{self, ApiClient, Endpoint, Envelope, json_request};
use hr_common::error::AuthErrorKind;
use hr_common::transport::{CallOptions, Request, Response, Transport};
use hr_common::{
    AccessToken, Error, ExposeSecret, Result, SecretString, TokenCache, TokenProvider,
};
use serde::{Deserialize, Serialize};
use serde_with::serde_as;

use crate::envelope::{self, SERVICE};
use crate::group;

/// The token endpoint's path.
pub const TOKEN_PATH: &str = "/oauth2/oauth/rest_token";

/// How an [`IsdpClient`](crate::IsdpClient) gets its tokens: ISDP+'s
/// password grant, or a [`TokenProvider`] of your own. Either way the
/// tokens go through a [`TokenCache`], which refreshes them ahead of expiry
/// and once after a 401.
///
/// ```
/// use isdp_client::Credentials;
///
/// // `client_secret` as ISDP+ issued it…
/// let explicit = Credentials::password_grant("my-client", "my-secret", "app-id", "app-token");
/// // …or the same as `client_id`, as ISDP+ usually issues them.
/// let usual = Credentials::password_grant_default_secret("my-client", "app-id", "app-token");
/// // Secrets never show in `Debug`.
/// assert!(!format!("{explicit:?}{usual:?}").contains("app-token"));
/// ```
#[derive(Clone)]
pub struct Credentials {
    source: Source,
}

#[derive(Clone)]
enum Source {
    Password(PasswordCredentials),
    Provider(TokenCache),
}

impl Credentials {
    /// The password grant: `client_id` and `client_secret` (older documents:
    /// the fixed `isdp-saas-openapi`), `username` (the application id) and
    /// `password` (the application token).
    pub fn password_grant(
        client_id: impl Into<String>,
        client_secret: impl Into<String>,
        username: impl Into<String>,
        password: impl Into<String>,
    ) -> Self {
        Credentials {
            source: Source::Password(PasswordCredentials {
                client_id: client_id.into(),
                client_secret: SecretString::from(client_secret.into()),
                username: username.into(),
                password: SecretString::from(password.into()),
            }),
        }
    }

    /// The password grant with `client_secret` equal to `client_id`, as
    /// ISDP+ issues them.
    pub fn password_grant_default_secret(
        client_id: impl Into<String>,
        username: impl Into<String>,
        password: impl Into<String>,
    ) -> Self {
        let client_id = client_id.into();
        Credentials::password_grant(client_id.clone(), client_id, username, password)
    }

    /// Tokens from your own source instead of the password grant (a vault,
    /// a token shared between processes).
    ///
    /// ```
    /// use isdp_client::{Credentials, IsdpClient};
    ///
    /// struct Vault;
    /// #[async_trait::async_trait]
    /// impl hr_common::TokenProvider for Vault {
    ///     async fn fetch_token(&self) -> hr_common::Result<hr_common::AccessToken> {
    ///         Ok(hr_common::AccessToken::new("from-the-vault", None))
    ///     }
    /// }
    ///
    /// let client = IsdpClient::builder()
    ///     .base_url(isdp_client::BETA_URL)
    ///     .credentials(Credentials::provider(Vault))
    ///     .build()?;
    /// # let _ = client; Ok::<(), isdp_client::Error>(())
    /// ```
    pub fn provider(provider: impl TokenProvider) -> Self {
        Credentials {
            source: Source::Provider(TokenCache::new(provider)),
        }
    }

    /// The token cache of these credentials, fetching through `transport`
    /// for the password grant.
    pub(crate) fn into_token_cache(self, transport: &Transport) -> TokenCache {
        match self.source {
            Source::Password(credentials) => {
                TokenCache::new(PasswordGrant::new(transport.clone(), credentials))
            }
            Source::Provider(cache) => cache,
        }
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.source {
            Source::Password(c) => f
                .debug_struct("Credentials")
                .field("client_id", &c.client_id)
                .field("username", &c.username)
                .finish_non_exhaustive(),
            Source::Provider(_) => f.write_str("Credentials(provider)"),
        }
    }
}

/// The password grant's four values.
#[derive(Clone)]
struct PasswordCredentials {
    client_id: String,
    client_secret: SecretString,
    username: String,
    password: SecretString,
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

/// `POST /oauth2/oauth/rest_token`, password grant. The fields are in the
/// order serde_json's maps write them, as the body always was.
#[derive(Serialize)]
struct RestToken<'a> {
    client_id: &'a str,
    client_secret: &'a str,
    grant_type: &'static str,
    password: &'a str,
    username: &'a str,
}

/// The token endpoint's client: the token transport, which has no token
/// cache of its own.
struct TokenClient(Transport);

impl ApiClient for TokenClient {
    fn transport(&self) -> &Transport {
        &self.0
    }
}

/// The token endpoint's answer, read by [`token_of`].
enum TokenReply {}

impl Envelope<AccessToken> for TokenReply {
    fn decode(response: &Response) -> Result<AccessToken> {
        token_of(response)
    }
}

impl Endpoint for RestToken<'_> {
    type Client = TokenClient;
    type Output = AccessToken;
    type Envelope = TokenReply;
    const PATH: &'static str = TOKEN_PATH;
    // A token request has no side effect, so it may be retried.
    const IDEMPOTENT: bool = true;

    fn group(&self) -> Cow<'static, str> {
        Cow::Borrowed(group::TOKEN)
    }

    fn to_request(&self) -> Result<Request> {
        Ok(json_request(self)?.without_auth())
    }
}

/// [`TokenProvider`] for ISDP+'s password grant; the client puts it behind
/// a [`TokenCache`], which refreshes ahead of `expires_in` (tokens live 6
/// to 30 minutes) and once after a 401.
pub struct PasswordGrant {
    client: TokenClient,
    credentials: PasswordCredentials,
}

impl PasswordGrant {
    fn new(transport: Transport, credentials: PasswordCredentials) -> Self {
        PasswordGrant {
            client: TokenClient(transport),
            credentials,
        }
    }
}

impl fmt::Debug for PasswordGrant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PasswordGrant")
            .field("client_id", &self.credentials.client_id)
            .field("username", &self.credentials.username)
            .finish_non_exhaustive()
    }
}

#[async_trait]
impl TokenProvider for PasswordGrant {
    async fn fetch_token(&self) -> Result<AccessToken> {
        let c = &self.credentials;
        let request = RestToken {
            client_id: &c.client_id,
            client_secret: c.client_secret.expose_secret(),
            grant_type: "password",
            password: c.password.expose_secret(),
            username: &c.username,
        };
        endpoint::send(&self.client, &request, &CallOptions::new())
            .await
            .map_err(refused)
    }
}

/// A vendor error met fetching a token as the auth error it is:
/// `invalid_grant` and friends (with a 400, or in a 200) mean the
/// credentials, not the request, are wrong. Other errors pass unchanged.
fn refused(err: Error) -> Error {
    match err {
        Error::Api {
            code,
            message,
            status,
            request_id,
            call,
            ..
        } => {
            let mut err = Error::auth(AuthErrorKind::TokenFetch, message)
                .with_code(code)
                .with_service(SERVICE)
                .with_request_id(request_id);
            if let Some(s) = status {
                err = err.with_status(s);
            }
            // Keeps the host, attempts and time the transport recorded.
            if let Some(call) = call {
                err = err.with_call(*call);
            }
            err
        }
        other => other,
    }
}

/// Reads the token endpoint's 2xx answer into a token. A failure in the
/// body (OAuth2's `{"error":"invalid_grant",…}`, an ISDP+ envelope's
/// failure, the XML twin) is an auth error with the vendor's code before
/// anything is read as a token, and an empty `access_token` is refused.
pub(crate) fn token_of(resp: &Response) -> Result<AccessToken> {
    if let Some(err) = envelope::failure(resp) {
        return Err(refused(err));
    }
    let token: TokenResponse = resp.json()?;
    if token.access_token.trim().is_empty() {
        return Err(Error::auth(
            AuthErrorKind::TokenFetch,
            "the token endpoint answered an empty access_token",
        )
        .with_service(SERVICE)
        .with_status(resp.status())
        .with_request_id(resp.request_id().map(str::to_owned)));
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
