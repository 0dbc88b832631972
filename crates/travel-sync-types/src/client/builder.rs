//! [`TravelSyncClientBuilder`].

use std::fmt;
use std::sync::Arc;

use hr_common::config::{ClientConfig, env_var};
use hr_common::transport::{TransportBuilder, VendorError};
use hr_common::{Error, Result, TokenCache};

use super::endpoint::SessionFetcher;
use super::{
    Credentials, DEFAULT_BATCH_SIZE, DEFAULT_CONCURRENCY, Inner, Session, TravelSyncClient,
};
use crate::SERVICE;

/// The full URL of the sync endpoint.
pub(super) const ENV_SYNC_URL: &str = "TRAVEL_SYNC_URL";
/// The company account.
const ENV_ACCOUNT: &str = "TRAVEL_ACCOUNT";
/// A fixed session id.
const ENV_SESSION_ID: &str = "TRAVEL_SESSION_ID";

/// Builds a [`TravelSyncClient`]; see [`TravelSyncClient::builder`].
///
/// The shared setters mean what they mean on every hr-sdk client (see
/// [`hr_common::config`]), with these travel specifics:
///
/// | setter | here |
/// |---|---|
/// | [`base_url`](Self::base_url) | the **full URL** of the sync endpoint, e.g. `https://tmc.example.com/userSyn`; required |
/// | [`credentials`](Self::credentials) | the account with a fixed or fetched session: [`Credentials`]; required |
/// | [`concurrency`](Self::concurrency) | batches in flight at once (default [`DEFAULT_CONCURRENCY`]) |
/// | [`timeout`](Self::timeout), [`deadline`](Self::deadline), [`retry`](Self::retry) | per batch and per session fetch |
/// | [`rate_limits`](Self::rate_limits) / [`group_limits`](Self::group_limits) | no limits by default (the platform documents none); the sync counts in group `"userSyn"` |
/// | [`time_zone`](Self::time_zone) | accepted, unused: the interface has dates and epoch milliseconds only |
///
/// and the vendor extras [`batch_size`](Self::batch_size),
/// [`send_invalid_users`](Self::send_invalid_users),
/// [`opt_in_card_info`](Self::opt_in_card_info) and
/// [`operator_user_no`](Self::operator_user_no).
///
/// ```
/// use std::time::Duration;
/// use travel_sync_types::client::{Credentials, TravelSyncClient};
///
/// let client = TravelSyncClient::builder()
///     .base_url("https://tmc.example.com/userSyn")
///     .credentials(Credentials::session("acme", "session-id"))
///     .batch_size(50)
///     .concurrency(2)
///     .timeout(Duration::from_secs(20))
///     .build()?;
/// # let _ = client; Ok::<_, travel_sync_types::Error>(())
/// ```
#[must_use]
pub struct TravelSyncClientBuilder {
    config: ClientConfig,
    credentials: Option<Credentials>,
    user_no: Option<String>,
    batch_size: usize,
    send_invalid: bool,
    send_cards: bool,
}

hr_common::client_builder_setters!(TravelSyncClientBuilder);

impl fmt::Debug for TravelSyncClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TravelSyncClientBuilder")
            .field("config", &self.config)
            .field("credentials", &self.credentials)
            .field("batch_size", &self.batch_size)
            .finish_non_exhaustive()
    }
}

/// The platform answers errors in its envelope; read its code and message
/// from a non-2xx body too.
fn vendor_errors(builder: TransportBuilder) -> TransportBuilder {
    builder.vendor_errors(|resp| {
        let v: serde_json::Value = serde_json::from_slice(resp.body()).ok()?;
        let code = match v.get("resCode")? {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        let message = v.get("resMsg").and_then(|m| m.as_str()).unwrap_or_default();
        Some(VendorError::new(code, message))
    })
}

/// The error for a travel variable missing while others are set.
fn missing(name: &str) -> Error {
    Error::invalid_request(
        name,
        format!(
            "the environment variable {name} is not set, but other travel variables are: \
             set {ENV_SYNC_URL}, {ENV_ACCOUNT} and {ENV_SESSION_ID} together"
        ),
    )
}

impl TravelSyncClientBuilder {
    pub(super) fn new() -> Self {
        TravelSyncClientBuilder {
            config: ClientConfig::new(None),
            credentials: None,
            user_no: None,
            batch_size: DEFAULT_BATCH_SIZE,
            send_invalid: false,
            send_cards: false,
        }
    }

    /// The company account and where the session id comes from.
    ///
    /// ```
    /// use travel_sync_types::client::{Credentials, SessionCredentials, TravelSyncClient};
    /// let client = TravelSyncClient::builder()
    ///     .base_url("https://x.example/userSyn")
    ///     .credentials(Credentials::fetched(
    ///         "acme",
    ///         SessionCredentials::new("https://x.example/getSessionId", "secret", "sign-key"),
    ///     ))
    ///     .build()?;
    /// # let _ = client; Ok::<_, travel_sync_types::Error>(())
    /// ```
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = Some(credentials);
        self
    }

    /// Reads the target and a fixed session from the environment, over
    /// what was set:
    ///
    /// | variable | sets |
    /// |---|---|
    /// | `TRAVEL_SYNC_URL` | [`base_url`](Self::base_url): the full URL of the sync endpoint |
    /// | `TRAVEL_ACCOUNT` | the account of [`Credentials::session`] |
    /// | `TRAVEL_SESSION_ID` | its session id |
    ///
    /// None set leaves the builder as it is. Otherwise each one not set
    /// must be provided by the builder already (a base URL, credentials);
    /// `TRAVEL_ACCOUNT` and `TRAVEL_SESSION_ID` go together. A missing one
    /// is an error that names it.
    ///
    /// ```
    /// use travel_sync_types::client::{Credentials, TravelSyncClient};
    /// // Whatever the environment holds, explicit settings fill the gaps.
    /// let builder = TravelSyncClient::builder()
    ///     .base_url("https://tmc.example.com/userSyn")
    ///     .credentials(Credentials::session("acme", "session-id"))
    ///     .from_env();
    /// # let _ = builder;
    /// ```
    pub fn from_env(mut self) -> Result<Self> {
        let url = env_var(ENV_SYNC_URL);
        let account = env_var(ENV_ACCOUNT);
        let session = env_var(ENV_SESSION_ID);
        if url.is_none() && account.is_none() && session.is_none() {
            return Ok(self);
        }
        match (account, session) {
            (Some(account), Some(session)) => {
                self.credentials = Some(Credentials::session(account, session));
            }
            (None, None) if self.credentials.is_some() => {}
            (None, _) => return Err(missing(ENV_ACCOUNT)),
            (Some(_), None) => return Err(missing(ENV_SESSION_ID)),
        }
        match url {
            Some(url) => self.config.set_base_url(url),
            None if self.config.base_url().is_some() => {}
            None => return Err(missing(ENV_SYNC_URL)),
        }
        Ok(self)
    }

    /// The top-level `userNo` sent with every batch: the operator on whose
    /// behalf the sync runs, if the platform asks for one.
    ///
    /// ```
    /// use travel_sync_types::client::TravelSyncClient;
    /// let builder = TravelSyncClient::builder().operator_user_no("admin");
    /// # let _ = builder;
    /// ```
    pub fn operator_user_no(mut self, no: impl Into<String>) -> Self {
        self.user_no = Some(no.into());
        self
    }

    /// Users per batch (default [`DEFAULT_BATCH_SIZE`]); at least 1.
    ///
    /// ```
    /// use travel_sync_types::client::{Credentials, TravelSyncClient};
    /// let err = TravelSyncClient::builder()
    ///     .base_url("https://x.example/userSyn")
    ///     .credentials(Credentials::session("acme", "s"))
    ///     .batch_size(0)
    ///     .build()
    ///     .unwrap_err();
    /// assert!(err.to_string().contains("batch_size"));
    /// ```
    pub fn batch_size(mut self, size: usize) -> Self {
        self.batch_size = size;
        self
    }

    /// Sends users that fail validation too, leaving the verdict to the
    /// platform (default: they are reported as
    /// [`Outcome::Invalid`](crate::Outcome::Invalid)).
    ///
    /// ```
    /// use travel_sync_types::client::TravelSyncClient;
    /// let builder = TravelSyncClient::builder().send_invalid_users(true);
    /// # let _ = builder;
    /// ```
    pub fn send_invalid_users(mut self, send: bool) -> Self {
        self.send_invalid = send;
        self
    }

    /// Sends the users' `cardInfo`. Off by default: the spec says identity
    /// documents should in principle not be sent under the Personal
    /// Information Protection Law, so cards are withheld (and counted in
    /// [`PushReport::cards_withheld`](super::PushReport::cards_withheld))
    /// unless this is turned on.
    ///
    /// ```
    /// use travel_sync_types::client::TravelSyncClient;
    /// let builder = TravelSyncClient::builder().opt_in_card_info(true);
    /// # let _ = builder;
    /// ```
    pub fn opt_in_card_info(mut self, send: bool) -> Self {
        self.send_cards = send;
        self
    }

    /// Checks the configuration and builds the client.
    ///
    /// ```
    /// use travel_sync_types::client::{Credentials, TravelSyncClient};
    ///
    /// let err = TravelSyncClient::builder().base_url("https://x.example/userSyn").build().unwrap_err();
    /// assert!(err.to_string().contains("credentials"), "{err}");
    /// let err = TravelSyncClient::builder().credentials(Credentials::session("acme", "s")).build().unwrap_err();
    /// assert!(err.to_string().contains("TRAVEL_SYNC_URL"), "{err}");
    /// let err = TravelSyncClient::builder()
    ///     .base_url("http://x.example/userSyn")
    ///     .credentials(Credentials::session("acme", "s"))
    ///     .build()
    ///     .unwrap_err();
    /// assert!(err.to_string().contains("http://"), "{err}");
    /// ```
    pub fn build(self) -> Result<TravelSyncClient> {
        if self.batch_size == 0 {
            return Err(Error::invalid_request("batch_size", "must be at least 1"));
        }
        let credentials = self.credentials.ok_or_else(|| {
            Error::invalid_request(
                "credentials",
                format!(
                    "no credentials: call `credentials(..)` or set {ENV_ACCOUNT} and {ENV_SESSION_ID}"
                ),
            )
        })?;
        if credentials.account().trim().is_empty() {
            return Err(Error::invalid_request("account", "must not be empty"));
        }
        let sync_url = self.config.require_base_url(ENV_SYNC_URL)?.to_owned();
        // No token cache: the sync authenticates with account and
        // sessionId in the body, not with a bearer header.
        let mut api = vendor_errors(self.config.transport_builder(SERVICE, ENV_SYNC_URL)?);
        if let Some(limiter) = self.config.rate_limiter(None) {
            api = api.rate_limiter(limiter);
        }
        let transport = api.build()?;
        // Fail now, not on the first push, if the URL is unusable.
        transport.url_for(&sync_url)?;
        let (account, session) = match credentials {
            Credentials::Session {
                account,
                session_id,
            } => (account, Session::Fixed(session_id)),
            Credentials::Fetched {
                account,
                credentials,
            } => {
                // One pool and one retry budget for both calls, so a
                // failing platform cannot double the load through
                // getSessionId.
                let session_transport =
                    vendor_errors(self.config.transport_builder(SERVICE, ENV_SYNC_URL)?)
                        .http_client(transport.http_client())
                        .retry_budget(transport.retry_budget().clone())
                        .build()?;
                session_transport.url_for(&credentials.url)?;
                let cache = TokenCache::new(SessionFetcher {
                    transport: session_transport,
                    account: account.clone(),
                    credentials,
                });
                (account, Session::Fetched(cache))
            }
        };
        Ok(TravelSyncClient {
            inner: Arc::new(Inner {
                transport,
                sync_url,
                account,
                session,
                user_no: self.user_no,
                batch_size: self.batch_size,
                concurrency: self.config.concurrency().unwrap_or(DEFAULT_CONCURRENCY),
                send_invalid: self.send_invalid,
                send_cards: self.send_cards,
            }),
        })
    }
}
