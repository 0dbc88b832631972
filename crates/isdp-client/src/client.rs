//! [`IsdpClient`] and its builder: the transport every request goes
//! through, the token cache and the stream concurrency. The requests know
//! the client; the client knows no request.

use std::fmt;

use hr_common::config::{ClientConfig, env_var, require_env};
use hr_common::endpoint::ApiClient;
use hr_common::transport::{Transport, TransportBuilder, TransportStats};
use hr_common::{Error, Result, TokenCache};

use crate::envelope::{self, SERVICE};
use crate::token::Credentials;

/// The production host.
pub const PRODUCTION_URL: &str = "https://isdpcloud.huawei.com";
/// The beta host.
pub const BETA_URL: &str = "https://isdpcloud-beta.sd.huawei.com";

/// Pages fetched at once by the offset streams unless
/// [`concurrency`](IsdpClientBuilder::concurrency) says otherwise.
///
/// ISDP+ documents no rate limit, so the only thing that bounds a listing
/// is how many pages are in flight while each waits out the server's
/// latency. 24 is where, measured, the person listing stops gaining:
/// 100,000 persons from the sandbox at 30 ms a request, server and client
/// sharing a 2-core machine, against a sequential `start`/`count` loop of
/// 200-record pages (4,400–4,700 persons/s), `GetPersonList::stream` made
/// 2.8–3.0× the loop's rate at 4 pages at once, 4.2× at 8, 4.1–6.8× at 16
/// and 5.0–8.1× at 24; 48 gained little more, the server's CPU being the
/// limit by then. Against a server with CPU of its own the rate keeps
/// growing with the pages in flight, so 24 is not too few there either.
///
/// The cost is up to 24 requests open on the tenant at once and up to 24
/// pages (about 200 KB of JSON each for persons) held in memory. Set
/// [`concurrency`](IsdpClientBuilder::concurrency) lower if the tenant's
/// gateway throttles (throttled calls are retried, see
/// [`RetryPolicy`](crate::RetryPolicy)), or `1` for one page at a time.
pub const DEFAULT_CONCURRENCY: usize = 24;

const ENV_BASE_URL: &str = "ISDP_BASE_URL";
const ENV_CLIENT_ID: &str = "ISDP_CLIENT_ID";
const ENV_CLIENT_SECRET: &str = "ISDP_CLIENT_SECRET";
const ENV_USERNAME: &str = "ISDP_USERNAME";
const ENV_PASSWORD: &str = "ISDP_PASSWORD";

/// A client of one ISDP+ tenant. Cheap to clone; clones share the
/// connection pool, the token cache and the rate limiter.
///
/// Requests are plain structs sent with `send(&client)` (or
/// `send_with(&client, &CallOptions)` for per-call options), listings
/// streamed with `stream(&client)`.
///
/// ```
/// use isdp_client::{Credentials, IsdpClient};
///
/// let client = IsdpClient::builder()
///     .base_url(isdp_client::BETA_URL)
///     .credentials(Credentials::password_grant("my-client", "my-client", "app-id", "app-token"))
///     .build()?;
/// assert_eq!(client.concurrency(), isdp_client::DEFAULT_CONCURRENCY);
/// # Ok::<(), isdp_client::Error>(())
/// ```
#[derive(Clone)]
pub struct IsdpClient {
    api: Transport,
    tokens: TokenCache,
    concurrency: usize,
}

impl fmt::Debug for IsdpClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IsdpClient")
            .field("base_url", &self.api.base_url().as_str())
            .field("concurrency", &self.concurrency)
            .finish_non_exhaustive()
    }
}

impl IsdpClient {
    /// Starts a builder. There is no default host: set
    /// [`base_url`](IsdpClientBuilder::base_url) to [`PRODUCTION_URL`],
    /// [`BETA_URL`] or your tenant's gateway (or `ISDP_BASE_URL` with
    /// [`from_env`](IsdpClientBuilder::from_env)). Plain `http://` is
    /// accepted for loopback only.
    pub fn builder() -> IsdpClientBuilder {
        IsdpClientBuilder {
            config: ClientConfig::new(None),
            credentials: None,
        }
    }

    /// A client from the environment alone: `builder().from_env()?.build()`;
    /// see [`IsdpClientBuilder::from_env`] for the variables.
    pub fn from_env() -> Result<IsdpClient> {
        IsdpClient::builder().from_env()?.build()
    }

    /// The token cache, e.g. to warm it up or to count fetches.
    pub fn token_cache(&self) -> &TokenCache {
        &self.tokens
    }

    /// The transport's counters (calls, attempts, retries, auth retries).
    pub fn stats(&self) -> TransportStats {
        self.api.stats()
    }

    /// The transport every API call goes through.
    pub fn transport(&self) -> &Transport {
        &self.api
    }

    /// How many pages the offset streams fetch at once.
    pub fn concurrency(&self) -> usize {
        self.concurrency
    }
}

impl ApiClient for IsdpClient {
    fn transport(&self) -> &Transport {
        &self.api
    }
}

/// Builds an [`IsdpClient`]; see [`IsdpClient::builder`].
///
/// The setters are those of every hr-sdk client (see
/// [`hr_common::config`]): `base_url`, `credentials`, `timeout`,
/// `connect_timeout`, `deadline`/`without_deadline`, `retry`,
/// `retry_budget`, `rate_limits`/`group_limits`/`rate_limiter`,
/// `concurrency`, `time_zone`, `user_agent`, `http_client`,
/// `danger_allow_http`, and [`from_env`](Self::from_env). For ISDP+:
///
/// - `base_url` has no default;
/// - `timeout` also bounds, for downloads, the longest gap between two
///   chunks;
/// - ISDP+ documents no rate limits, so there is no limiter unless one is
///   set; the groups are in [`group`](crate::group): `"person"` (persons,
///   export, files, import), `"org"` (organisations, roles, positions),
///   `"token"`;
/// - `concurrency` is how many pages the offset streams fetch at once after
///   the first (default [`DEFAULT_CONCURRENCY`]; 1 for strictly one at a
///   time); concurrent calls still pass the rate limiter one by one;
/// - `time_zone` is not used: ISDP+ sends its date-times with an offset.
///
/// ```
/// use std::time::Duration;
/// use isdp_client::{Credentials, IsdpClient, Limits, RetryPolicy};
///
/// let client = IsdpClient::builder()
///     .base_url(isdp_client::PRODUCTION_URL)
///     .credentials(Credentials::password_grant_default_secret("my-client", "app-id", "app-token"))
///     .timeout(Duration::from_secs(10))
///     .retry(RetryPolicy::default().max_attempts(3))
///     .rate_limits(Limits::new(Some(20), None))
///     .concurrency(2)
///     .build()?;
/// # let _ = client; Ok::<(), isdp_client::Error>(())
/// ```
#[must_use]
pub struct IsdpClientBuilder {
    config: ClientConfig,
    credentials: Option<Credentials>,
}

hr_common::client_builder_setters!(IsdpClientBuilder, credentials: Credentials);

impl IsdpClientBuilder {
    /// Reads, on top of what was set:
    ///
    /// - `ISDP_BASE_URL`: the base URL;
    /// - `ISDP_CLIENT_ID`, `ISDP_USERNAME`, `ISDP_PASSWORD` and, optionally,
    ///   `ISDP_CLIENT_SECRET` (default: the client id): the password grant.
    ///
    /// Unset or blank variables change nothing; setting some of the
    /// credential variables but not all is an error naming the first one
    /// missing.
    pub fn from_env(mut self) -> Result<Self> {
        if let Some(url) = env_var(ENV_BASE_URL) {
            self.config.set_base_url(url);
        }
        let secret = env_var(ENV_CLIENT_SECRET);
        let any = secret.is_some()
            || [ENV_CLIENT_ID, ENV_USERNAME, ENV_PASSWORD]
                .iter()
                .any(|name| env_var(name).is_some());
        if !any {
            return Ok(self);
        }
        let client_id = require_env(ENV_CLIENT_ID)?;
        let username = require_env(ENV_USERNAME)?;
        let password = require_env(ENV_PASSWORD)?;
        self.credentials = Some(match secret {
            Some(secret) => Credentials::password_grant(client_id, secret, username, password),
            None => Credentials::password_grant_default_secret(client_id, username, password),
        });
        Ok(self)
    }

    /// Builds the client. Nothing is sent until the first call.
    pub fn build(self) -> Result<IsdpClient> {
        self.config.require_base_url(ENV_BASE_URL)?;
        let credentials = self.credentials.ok_or_else(|| {
            Error::invalid_request(
                "credentials",
                format!(
                    "no credentials: call `credentials(..)` or set {ENV_CLIENT_ID}, \
                     {ENV_USERNAME} and {ENV_PASSWORD}"
                ),
            )
        })?;
        // The token transport is limited too, in its own group "token".
        let limiter = self.config.rate_limiter(None);
        let configure = |b: TransportBuilder| {
            let b = b
                .auth_scheme("bearer")
                .vendor_errors(envelope::vendor_error);
            match &limiter {
                Some(l) => b.rate_limiter(l.clone()),
                None => b,
            }
        };
        let (_, api) =
            self.config
                .token_and_api_transports(SERVICE, ENV_BASE_URL, None, configure, |t| {
                    Ok(credentials.into_token_cache(t))
                })?;
        let tokens = api
            .token_cache()
            .cloned()
            .ok_or_else(|| Error::invalid("the API transport has no token cache"))?;
        Ok(IsdpClient {
            api,
            tokens,
            concurrency: self.config.concurrency().unwrap_or(DEFAULT_CONCURRENCY),
        })
    }
}

impl fmt::Debug for IsdpClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IsdpClientBuilder")
            .field("config", &self.config)
            .field("credentials", &self.credentials)
            .finish()
    }
}
