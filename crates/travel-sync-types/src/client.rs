//! The sending side: [`TravelSyncClient`] pushes users to a travel
//! platform's sync endpoint (feature `client`).
//!
//! [`push`](TravelSyncClient::push) validates every user, splits the valid
//! ones into batches (100 by default), sends the batches with bounded
//! concurrency through hr-common's [`Transport`] (timeouts, retries with
//! backoff on transient failures), and returns a [`PushReport`] with every
//! user's [`Outcome`] and the `bindId`s the platform sent back.
//!
//! - **Authentication** is in the body (`account` and `sessionId`), not a
//!   header, so the transport has no token cache. The session id is fixed
//!   ([`session_id`](TravelSyncClientBuilder::session_id)) or fetched from
//!   `getSessionId` and renewed before its `timeLimit`
//!   ([`session_credentials`](TravelSyncClientBuilder::session_credentials));
//!   a fetched session the platform rejects is renewed and the batch sent
//!   once more.
//! - **Retries.** The sync is an upsert by `userNo`, so a batch is marked
//!   idempotent: a batch that may have reached the platform is safe to send
//!   again after a timeout or a 5xx.
//! - **Invalid users** are reported as [`Outcome::Invalid`] and not sent,
//!   unless [`send_invalid_users`](TravelSyncClientBuilder::send_invalid_users)
//!   says otherwise.
//! - **Cards** are withheld unless
//!   [`opt_in_card_info`](TravelSyncClientBuilder::opt_in_card_info) says
//!   otherwise: the spec says they should in principle not be sent.
//!
//! ```no_run
//! use travel_sync_types::client::TravelSyncClient;
//! use travel_sync_types::UserInfo;
//!
//! # async fn run() -> hr_common::Result<()> {
//! let client = TravelSyncClient::builder("https://tmc.example.com/userSyn", "acme")
//!     .session_id("session-id")
//!     .build()?;
//! let report = client
//!     .push(vec![UserInfo::new("E1001", "王伟", "13812345678", false).level("P3")])
//!     .await;
//! for rejected in report.rejected() {
//!     println!("{:?}: {:?}", rejected.key, rejected.outcome.description());
//! }
//! # Ok(()) }
//! ```

use std::borrow::Cow;
use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use futures::StreamExt;
use hr_common::error::AuthErrorKind;
use hr_common::transport::{
    Request, RetryBudget, RetryPolicy, Transport, TransportBuilder, VendorError,
};
use hr_common::{
    AccessToken, Error, ExposeSecret, Result, SecretString, TokenCache, TokenProvider,
};
use serde::Serialize;

use crate::{
    Outcome, SERVICE, SessionId, SessionRequest, SessionResponse, SyncResponse, UserInfo, UserKey,
    UserOutcome, res_code,
};

/// Default number of users per batch.
///
/// ```
/// assert_eq!(travel_sync_types::client::DEFAULT_BATCH_SIZE, 100);
/// ```
pub const DEFAULT_BATCH_SIZE: usize = 100;

/// Default number of batches in flight at once.
///
/// ```
/// assert_eq!(travel_sync_types::client::DEFAULT_CONCURRENCY, 4);
/// ```
pub const DEFAULT_CONCURRENCY: usize = 4;

/// How to obtain session ids from `getSessionId`: its URL, the account's
/// secret and the sign key. `Debug` shows neither secret.
///
/// ```
/// use travel_sync_types::client::SessionCredentials;
///
/// let creds = SessionCredentials::new("https://tmc.example.com/getSessionId", "s3cret", "k3y")
///     .platform("yunjian");
/// assert!(!format!("{creds:?}").contains("s3cret"));
/// ```
#[derive(Clone)]
pub struct SessionCredentials {
    url: String,
    secret: SecretString,
    sign_key: SecretString,
    platform: Option<String>,
    source: Option<String>,
    user_no: Option<String>,
}

impl fmt::Debug for SessionCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SessionCredentials")
            .field("url", &self.url)
            .field("platform", &self.platform)
            .field("source", &self.source)
            .finish_non_exhaustive()
    }
}

impl SessionCredentials {
    /// Credentials for the `getSessionId` endpoint at `url` (a full URL).
    ///
    /// ```
    /// let creds = travel_sync_types::client::SessionCredentials::new("https://tmc.example.com/getSessionId", "s", "k");
    /// # let _ = creds;
    /// ```
    pub fn new(
        url: impl Into<String>,
        secret: impl Into<String>,
        sign_key: impl Into<String>,
    ) -> Self {
        SessionCredentials {
            url: url.into(),
            secret: SecretString::from(secret.into()),
            sign_key: SecretString::from(sign_key.into()),
            platform: None,
            source: None,
            user_no: None,
        }
    }

    /// Sends `platform` (the older name of `source`).
    ///
    /// ```
    /// let creds = travel_sync_types::client::SessionCredentials::new("https://x/getSessionId", "s", "k").platform("yunjian");
    /// # let _ = creds;
    /// ```
    pub fn platform(mut self, platform: impl Into<String>) -> Self {
        self.platform = Some(platform.into());
        self
    }

    /// Sends `source`.
    ///
    /// ```
    /// let creds = travel_sync_types::client::SessionCredentials::new("https://x/getSessionId", "s", "k").source("yunjian");
    /// # let _ = creds;
    /// ```
    pub fn source(mut self, source: impl Into<String>) -> Self {
        self.source = Some(source.into());
        self
    }

    /// Sends `userNo`, the user the session acts for.
    ///
    /// ```
    /// let creds = travel_sync_types::client::SessionCredentials::new("https://x/getSessionId", "s", "k").user_no("admin");
    /// # let _ = creds;
    /// ```
    pub fn user_no(mut self, no: impl Into<String>) -> Self {
        self.user_no = Some(no.into());
        self
    }
}

/// Fetches session ids for the token cache, which renews them ahead of
/// their `timeLimit` and shares one fetch among concurrent batches.
struct SessionFetcher {
    transport: Transport,
    account: String,
    credentials: SessionCredentials,
}

#[async_trait]
impl TokenProvider for SessionFetcher {
    async fn fetch_token(&self) -> Result<AccessToken> {
        let c = &self.credentials;
        let mut request = SessionRequest::new(self.account.clone(), c.secret.expose_secret());
        request.platform = c.platform.clone();
        request.source = c.source.clone();
        request.user_no = c.user_no.clone();
        let request = request.signed(c.sign_key.expose_secret());
        let response = self
            .transport
            .send(
                Request::post(c.url.clone())
                    .json(&request)?
                    // Asking for a session twice only yields two sessions.
                    .idempotent(true)
                    .group("getSessionId"),
            )
            .await?;
        let body: SessionResponse = response.json()?;
        match (&body.session_id, body.is_success()) {
            (Some(id), true) => Ok(match body.time_limit.filter(|t| t.has_thirteen_digits()) {
                Some(limit) => AccessToken::expiring_at(id.expose(), limit.to_system_time()),
                None => AccessToken::new(id.expose(), None),
            }),
            _ => Err(Error::auth(
                AuthErrorKind::TokenFetch,
                body.res_msg
                    .unwrap_or_else(|| "getSessionId refused".into()),
            )
            .with_code(body.res_code.as_str())
            .with_status(response.status())
            .with_service(SERVICE)),
        }
    }
}

enum Session {
    Fixed(SessionId),
    Fetched(TokenCache),
}

/// Builds a [`TravelSyncClient`]; see [`TravelSyncClient::builder`].
///
/// ```
/// use std::time::Duration;
/// use travel_sync_types::client::TravelSyncClient;
///
/// let client = TravelSyncClient::builder("https://tmc.example.com/userSyn", "acme")
///     .session_id("session-id")
///     .batch_size(50)
///     .concurrency(2)
///     .attempt_timeout(Duration::from_secs(20))
///     .build()?;
/// # let _ = client; Ok::<_, hr_common::Error>(())
/// ```
#[must_use]
pub struct TravelSyncClientBuilder {
    sync_url: String,
    account: String,
    session_id: Option<SessionId>,
    credentials: Option<SessionCredentials>,
    user_no: Option<String>,
    batch_size: usize,
    concurrency: usize,
    send_invalid: bool,
    send_cards: bool,
    retry: RetryPolicy,
    attempt_timeout: Option<Duration>,
    deadline: Option<Duration>,
    retry_budget: RetryBudget,
    allow_http: bool,
}

impl fmt::Debug for TravelSyncClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TravelSyncClientBuilder")
            .field("sync_url", &self.sync_url)
            .field("account", &self.account)
            .field("batch_size", &self.batch_size)
            .field("concurrency", &self.concurrency)
            .finish_non_exhaustive()
    }
}

impl TravelSyncClientBuilder {
    /// Uses a fixed session id.
    ///
    /// ```
    /// use travel_sync_types::client::TravelSyncClient;
    /// let client = TravelSyncClient::builder("https://x.example/userSyn", "acme").session_id("s").build()?;
    /// # let _ = client; Ok::<_, hr_common::Error>(())
    /// ```
    pub fn session_id(mut self, id: impl Into<SessionId>) -> Self {
        self.session_id = Some(id.into());
        self.credentials = None;
        self
    }

    /// Fetches session ids from `getSessionId` with these credentials,
    /// renewing them before they expire.
    ///
    /// ```
    /// use travel_sync_types::client::{SessionCredentials, TravelSyncClient};
    /// let client = TravelSyncClient::builder("https://x.example/userSyn", "acme")
    ///     .session_credentials(SessionCredentials::new("https://x.example/getSessionId", "secret", "sign-key"))
    ///     .build()?;
    /// # let _ = client; Ok::<_, hr_common::Error>(())
    /// ```
    pub fn session_credentials(mut self, credentials: SessionCredentials) -> Self {
        self.credentials = Some(credentials);
        self.session_id = None;
        self
    }

    /// The top-level `userNo` sent with every batch: the operator on whose
    /// behalf the sync runs, if the platform asks for one.
    ///
    /// ```
    /// use travel_sync_types::client::TravelSyncClient;
    /// let builder = TravelSyncClient::builder("https://x.example/userSyn", "acme").operator_user_no("admin");
    /// # let _ = builder;
    /// ```
    pub fn operator_user_no(mut self, no: impl Into<String>) -> Self {
        self.user_no = Some(no.into());
        self
    }

    /// Users per batch (default [`DEFAULT_BATCH_SIZE`]); at least 1.
    ///
    /// ```
    /// use travel_sync_types::client::TravelSyncClient;
    /// let err = TravelSyncClient::builder("https://x.example/userSyn", "acme").session_id("s").batch_size(0).build().unwrap_err();
    /// assert!(err.to_string().contains("batch_size"));
    /// ```
    pub fn batch_size(mut self, size: usize) -> Self {
        self.batch_size = size;
        self
    }

    /// Batches in flight at once (default [`DEFAULT_CONCURRENCY`]); at least 1.
    ///
    /// ```
    /// use travel_sync_types::client::TravelSyncClient;
    /// let client = TravelSyncClient::builder("https://x.example/userSyn", "acme").session_id("s").concurrency(1).build()?;
    /// # let _ = client; Ok::<_, hr_common::Error>(())
    /// ```
    pub fn concurrency(mut self, batches: usize) -> Self {
        self.concurrency = batches;
        self
    }

    /// Sends users that fail validation too, leaving the verdict to the
    /// platform (default: they are reported as [`Outcome::Invalid`]).
    ///
    /// ```
    /// use travel_sync_types::client::TravelSyncClient;
    /// let builder = TravelSyncClient::builder("https://x.example/userSyn", "acme").send_invalid_users(true);
    /// # let _ = builder;
    /// ```
    pub fn send_invalid_users(mut self, send: bool) -> Self {
        self.send_invalid = send;
        self
    }

    /// Sends the users' `cardInfo`. Off by default: the spec says identity
    /// documents should in principle not be sent under the Personal
    /// Information Protection Law, so cards are withheld (and counted in
    /// [`PushReport::cards_withheld`]) unless this is turned on.
    ///
    /// ```
    /// use travel_sync_types::client::TravelSyncClient;
    /// let builder = TravelSyncClient::builder("https://x.example/userSyn", "acme").opt_in_card_info(true);
    /// # let _ = builder;
    /// ```
    pub fn opt_in_card_info(mut self, send: bool) -> Self {
        self.send_cards = send;
        self
    }

    /// The retry policy (default: hr-common's, 5 attempts with backoff).
    ///
    /// ```
    /// use hr_common::transport::RetryPolicy;
    /// use travel_sync_types::client::TravelSyncClient;
    /// let builder = TravelSyncClient::builder("https://x.example/userSyn", "acme").retry(RetryPolicy::none());
    /// # let _ = builder;
    /// ```
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Timeout of one attempt (default 30 s).
    ///
    /// ```
    /// use std::time::Duration;
    /// use travel_sync_types::client::TravelSyncClient;
    /// let builder = TravelSyncClient::builder("https://x.example/userSyn", "acme").attempt_timeout(Duration::from_secs(10));
    /// # let _ = builder;
    /// ```
    pub fn attempt_timeout(mut self, timeout: Duration) -> Self {
        self.attempt_timeout = Some(timeout);
        self
    }

    /// Deadline of one batch, retries included (default
    /// [`DEFAULT_DEADLINE`](hr_common::transport::DEFAULT_DEADLINE), 2 minutes).
    ///
    /// ```
    /// use std::time::Duration;
    /// use travel_sync_types::client::TravelSyncClient;
    /// let builder = TravelSyncClient::builder("https://x.example/userSyn", "acme").deadline(Duration::from_secs(60));
    /// # let _ = builder;
    /// ```
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = Some(deadline);
        self
    }

    /// The retry budget (default: a fresh one of 500 tokens per client,
    /// shared by the session and sync calls). Every retry draws on it, so
    /// a failing platform cannot multiply the requests.
    ///
    /// ```
    /// use hr_common::transport::RetryBudget;
    /// use travel_sync_types::client::TravelSyncClient;
    /// let shared = RetryBudget::default();
    /// let builder = TravelSyncClient::builder("https://x.example/userSyn", "acme").retry_budget(shared.clone());
    /// # let _ = builder;
    /// ```
    pub fn retry_budget(mut self, budget: RetryBudget) -> Self {
        self.retry_budget = budget;
        self
    }

    /// Allows plain `http://` to hosts other than loopback. Session ids
    /// and personal data then cross the network unencrypted: only for a
    /// trusted internal gateway.
    ///
    /// ```
    /// use travel_sync_types::client::TravelSyncClient;
    /// let client = TravelSyncClient::builder("http://gateway.internal/userSyn", "acme")
    ///     .session_id("s")
    ///     .danger_allow_http(true)
    ///     .build()?;
    /// # let _ = client; Ok::<_, hr_common::Error>(())
    /// ```
    pub fn danger_allow_http(mut self, allow: bool) -> Self {
        self.allow_http = allow;
        self
    }

    fn transport(&self, url: &str) -> TransportBuilder {
        let mut builder = Transport::builder(SERVICE, url)
            .retry(self.retry.clone())
            .retry_budget(self.retry_budget.clone())
            .danger_allow_http(self.allow_http)
            // The platform answers errors in its envelope; read its code
            // and message from a non-2xx body too.
            .vendor_errors(|resp| {
                let v: serde_json::Value = serde_json::from_slice(resp.body()).ok()?;
                let code = match v.get("resCode")? {
                    serde_json::Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                let message = v.get("resMsg").and_then(|m| m.as_str()).unwrap_or_default();
                Some(VendorError::new(code, message))
            });
        if let Some(timeout) = self.attempt_timeout {
            builder = builder.attempt_timeout(timeout);
        }
        if let Some(deadline) = self.deadline {
            builder = builder.deadline(deadline);
        }
        builder
    }

    /// Checks the configuration and builds the client.
    ///
    /// ```
    /// use travel_sync_types::client::TravelSyncClient;
    ///
    /// let err = TravelSyncClient::builder("https://x.example/userSyn", "acme").build().unwrap_err();
    /// assert!(err.to_string().contains("session"), "{err}");
    /// let err = TravelSyncClient::builder("http://x.example/userSyn", "acme").session_id("s").build().unwrap_err();
    /// assert!(err.to_string().contains("http://"), "{err}");
    /// ```
    pub fn build(self) -> Result<TravelSyncClient> {
        if self.batch_size == 0 {
            return Err(Error::invalid_request("batch_size", "must be at least 1"));
        }
        if self.concurrency == 0 {
            return Err(Error::invalid_request("concurrency", "must be at least 1"));
        }
        if self.account.trim().is_empty() {
            return Err(Error::invalid_request("account", "must not be empty"));
        }
        // No token cache: the sync authenticates with account and
        // sessionId in the body, not with a bearer header.
        let transport = self.transport(&self.sync_url).build()?;
        // Fail now, not on the first push, if the URL is unusable.
        transport.url_for(&self.sync_url)?;
        let session = match (&self.session_id, &self.credentials) {
            (Some(id), _) => Session::Fixed(id.clone()),
            (None, Some(credentials)) => {
                let session_transport = self
                    .transport(&credentials.url)
                    .http_client(transport.http_client())
                    .build()?;
                session_transport.url_for(&credentials.url)?;
                Session::Fetched(TokenCache::new(SessionFetcher {
                    transport: session_transport,
                    account: self.account.clone(),
                    credentials: credentials.clone(),
                }))
            }
            (None, None) => {
                return Err(Error::invalid_request(
                    "session",
                    "set a session id or the getSessionId credentials",
                ));
            }
        };
        Ok(TravelSyncClient {
            inner: Arc::new(Inner {
                transport,
                sync_url: self.sync_url,
                account: self.account,
                session,
                user_no: self.user_no,
                batch_size: self.batch_size,
                concurrency: self.concurrency,
                send_invalid: self.send_invalid,
                send_cards: self.send_cards,
            }),
        })
    }
}

struct Inner {
    transport: Transport,
    sync_url: String,
    account: String,
    session: Session,
    user_no: Option<String>,
    batch_size: usize,
    concurrency: usize,
    send_invalid: bool,
    send_cards: bool,
}

/// Pushes users to a travel platform's sync endpoint. Cheap to clone.
///
/// ```
/// use travel_sync_types::client::TravelSyncClient;
/// use travel_sync_types::UserInfo;
///
/// # #[tokio::main]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let sandbox = hr_sandbox::Sandbox::start(Default::default()).await?;
/// # let travel = &sandbox.config().travel;
/// # let (url, account, session) = (sandbox.travel_sync_url(), travel.account.as_str(), travel.session_id.as_str());
/// // Against the sandbox here; for real:
/// // let (url, account, session) = ("https://tmc.example.com/userSyn", "acme", "session-id");
/// let client = TravelSyncClient::builder(url, account)
///     .session_id(session)
///     .batch_size(50)
///     .build()?;
/// let users = vec![
///     UserInfo::new("E1", "王伟", "13812345678", false).level("ES"),
///     UserInfo::new("E2", "李娜", "13912345678", false).level("X9"), // a level the platform lacks
/// ];
/// let report = client.push(users).await;
/// assert!(report.is_delivered()); // every batch answered
/// assert_eq!(report.rejected().count(), 1); // E2: 职级未维护,同步失败
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct TravelSyncClient {
    inner: Arc<Inner>,
}

impl fmt::Debug for TravelSyncClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TravelSyncClient")
            .field("sync_url", &self.inner.sync_url)
            .field("account", &self.inner.account)
            .field("batch_size", &self.inner.batch_size)
            .field("concurrency", &self.inner.concurrency)
            .finish_non_exhaustive()
    }
}

/// The sync body, borrowing the users so a batch is not copied to be sent.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Body<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    user_no: Option<&'a str>,
    account: &'a str,
    session_id: &'a str,
    data: &'a [UserInfo],
}

impl TravelSyncClient {
    /// Starts a builder for the sync endpoint at `sync_url` (the full URL,
    /// e.g. `https://tmc.example.com/userSyn`) and the company `account`.
    ///
    /// ```
    /// use travel_sync_types::client::TravelSyncClient;
    /// let client = TravelSyncClient::builder("https://tmc.example.com/userSyn", "acme").session_id("s").build()?;
    /// # let _ = client; Ok::<_, hr_common::Error>(())
    /// ```
    pub fn builder(
        sync_url: impl Into<String>,
        account: impl Into<String>,
    ) -> TravelSyncClientBuilder {
        TravelSyncClientBuilder {
            sync_url: sync_url.into(),
            account: account.into(),
            session_id: None,
            credentials: None,
            user_no: None,
            batch_size: DEFAULT_BATCH_SIZE,
            concurrency: DEFAULT_CONCURRENCY,
            send_invalid: false,
            send_cards: false,
            retry: RetryPolicy::default(),
            attempt_timeout: None,
            deadline: None,
            retry_budget: RetryBudget::default(),
            allow_http: false,
        }
    }

    /// The transport, for its counters ([`Transport::stats`]).
    ///
    /// ```
    /// use travel_sync_types::client::TravelSyncClient;
    /// let client = TravelSyncClient::builder("https://x.example/userSyn", "acme").session_id("s").build()?;
    /// assert_eq!(client.transport().stats().calls, 0);
    /// # Ok::<_, hr_common::Error>(())
    /// ```
    pub fn transport(&self) -> &Transport {
        &self.inner.transport
    }

    /// Sends one batch as given: no validation and no splitting (cards are
    /// still withheld unless the client opted in). Returns the platform's
    /// answer when it processed the batch (`resCode` 10000), per-user
    /// failures included; an error otherwise, with the platform's code and
    /// message: [`Error::Auth`] for a refused account (10002) or session
    /// (10004), [`Error::Api`] for other codes.
    ///
    /// ```no_run
    /// # use travel_sync_types::{client::TravelSyncClient, UserInfo};
    /// # async fn run(client: TravelSyncClient) -> hr_common::Result<()> {
    /// let users = [UserInfo::new("E1", "王伟", "13812345678", false)];
    /// let response = client.send(&users).await?;
    /// let outcomes = response.outcomes(&users);
    /// # let _ = outcomes; Ok(()) }
    /// ```
    pub async fn send(&self, users: &[UserInfo]) -> Result<SyncResponse> {
        let users = self.withhold_cards(users);
        self.send_batch(&users).await
    }

    fn withhold_cards<'a>(&self, users: &'a [UserInfo]) -> Cow<'a, [UserInfo]> {
        if self.inner.send_cards || users.iter().all(|u| u.card_info.is_empty()) {
            return Cow::Borrowed(users);
        }
        Cow::Owned(
            users
                .iter()
                .cloned()
                .map(|mut u| {
                    u.card_info.clear();
                    u
                })
                .collect(),
        )
    }

    async fn session(&self) -> Result<(SessionId, Option<AccessToken>)> {
        match &self.inner.session {
            Session::Fixed(id) => Ok((id.clone(), None)),
            Session::Fetched(cache) => {
                let token = cache.token().await?;
                Ok((SessionId::new(token.secret.expose_secret()), Some(token)))
            }
        }
    }

    async fn send_batch(&self, users: &[UserInfo]) -> Result<SyncResponse> {
        let inner = &*self.inner;
        let mut renewed = false;
        loop {
            let (session_id, token) = self.session().await?;
            let body = Body {
                user_no: inner.user_no.as_deref(),
                account: &inner.account,
                session_id: session_id.expose(),
                data: users,
            };
            let request = Request::post(inner.sync_url.clone())
                .json(&body)?
                // An upsert by userNo: a batch that may have arrived is
                // safe to send again.
                .idempotent(true)
                .group("userSyn");
            let response = inner.transport.send(request).await?;
            let parsed: SyncResponse = response.json()?;
            if parsed.is_success() {
                return Ok(parsed);
            }
            if parsed.res_code == res_code::BAD_SESSION
                && !renewed
                && let (Session::Fetched(cache), Some(token)) = (&inner.session, &token)
            {
                tracing::debug!("session rejected; fetching a new one and sending once more");
                cache.invalidate(token);
                renewed = true;
                continue;
            }
            return Err(refusal(&parsed, response.status(), response.request_id()));
        }
    }

    /// Validates, batches and sends `users`, and reports every user's
    /// outcome, in input order.
    ///
    /// - Cards are removed first unless the client
    ///   [opted in](TravelSyncClientBuilder::opt_in_card_info), so a card
    ///   that is withheld is not validated and cannot make its user invalid.
    /// - Users failing [validation](UserInfo::validate) are
    ///   [`Outcome::Invalid`] and not sent (unless the client sends invalid
    ///   users).
    /// - Batches go out [`concurrency`](TravelSyncClientBuilder::concurrency)
    ///   at a time; transient failures are retried by the transport.
    /// - A processed batch gives each of its users [`Outcome::Synced`] or
    ///   [`Outcome::Rejected`]; a batch without a processed answer gives
    ///   them [`Outcome::NotSynced`] with the error.
    /// - After the platform refuses the account or session, the batches not
    ///   yet sent are not sent (every one would be refused) and are
    ///   reported with the same error.
    ///
    /// ```no_run
    /// # use travel_sync_types::{client::TravelSyncClient, UserInfo, Outcome};
    /// # async fn run(client: TravelSyncClient, users: Vec<UserInfo>) {
    /// let report = client.push(users).await;
    /// println!("{} of {} synced", report.succeeded(), report.outcomes().len());
    /// if let Some(error) = report.first_error() {
    ///     eprintln!("some batches failed: {error}");
    /// }
    /// # }
    /// ```
    pub async fn push(&self, users: impl IntoIterator<Item = UserInfo>) -> PushReport {
        let inner = &*self.inner;
        let mut outcomes: Vec<Option<UserOutcome>> = Vec::new();
        let mut queued: Vec<(usize, UserInfo)> = Vec::new();
        let mut cards_withheld = 0;
        for (index, mut user) in users.into_iter().enumerate() {
            // Cards that will not be sent are not validated either: a user
            // must not stay unsent because of a card nobody would see.
            if !inner.send_cards && !user.card_info.is_empty() {
                user.card_info.clear();
                cards_withheld += 1;
            }
            let violations = user.validate();
            if !violations.is_valid() && !inner.send_invalid {
                outcomes.push(Some(UserOutcome {
                    index,
                    key: user.key(),
                    bind_id: None,
                    outcome: Outcome::Invalid { violations },
                }));
                continue;
            }
            outcomes.push(None);
            queued.push((index, user));
        }
        if cards_withheld > 0 {
            tracing::info!(
                users = cards_withheld,
                "cardInfo withheld (not opted in: the spec says cards should in principle not be sent)"
            );
        }

        let mut batches: Vec<(Vec<usize>, Vec<UserInfo>)> = Vec::new();
        let mut queued = queued.into_iter().peekable();
        while queued.peek().is_some() {
            let (indices, users) = queued.by_ref().take(inner.batch_size).unzip();
            batches.push((indices, users));
        }
        let batch_count = batches.len();

        // Set by the first refusal of the account or session, which every
        // later batch would meet too.
        let refused: Mutex<Option<Error>> = Mutex::new(None);
        let refused = &refused;
        let results: Vec<BatchResult> = futures::stream::iter(batches)
            .map(|(indices, users)| async move {
                let earlier = refused.lock().unwrap_or_else(|e| e.into_inner()).clone();
                if let Some(error) = earlier {
                    return BatchResult {
                        indices,
                        users,
                        attempted: false,
                        result: Err(error),
                    };
                }
                let result = self.send_batch(&users).await;
                if let Err(error) = &result
                    && error.is_auth()
                {
                    refused
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .get_or_insert_with(|| error.clone());
                }
                BatchResult {
                    indices,
                    users,
                    attempted: true,
                    result,
                }
            })
            .buffer_unordered(inner.concurrency)
            .collect()
            .await;

        let mut sent = 0;
        let mut failed_batches = 0;
        for BatchResult {
            indices,
            users,
            attempted,
            result,
        } in results
        {
            // A batch that certainly never reached the platform (refused
            // connection) was not sent.
            if attempted && !result.as_ref().is_err_and(Error::is_unsent) {
                sent += users.len();
            }
            let batch_outcomes = match result {
                Ok(response) => response.outcomes(&users),
                Err(error) => {
                    failed_batches += 1;
                    users
                        .iter()
                        .enumerate()
                        .map(|(i, user)| UserOutcome {
                            index: i,
                            key: user.key(),
                            bind_id: None,
                            outcome: Outcome::NotSynced {
                                error: error.clone(),
                            },
                        })
                        .collect()
                }
            };
            for (mut outcome, index) in batch_outcomes.into_iter().zip(indices) {
                outcome.index = index;
                outcomes[index] = Some(outcome);
            }
        }
        PushReport {
            outcomes: outcomes.into_iter().flatten().collect(),
            sent,
            batches: batch_count,
            failed_batches,
            cards_withheld,
        }
    }
}

/// One batch of a push: the users' positions in the input, the users, and
/// what sending them gave.
struct BatchResult {
    indices: Vec<usize>,
    users: Vec<UserInfo>,
    /// Whether a request was made (batches after a refusal are not sent).
    attempted: bool,
    result: Result<SyncResponse>,
}

/// The error for a batch the platform did not process.
fn refusal(response: &SyncResponse, status: u16, request_id: Option<&str>) -> Error {
    let code = response.res_code.as_str();
    let message = response.res_msg.clone();
    let error = if response.res_code == res_code::BAD_SESSION {
        Error::auth(AuthErrorKind::TokenRejected, message).with_code(code)
    } else if response.res_code == res_code::BAD_CREDENTIALS {
        Error::auth(AuthErrorKind::Forbidden, message).with_code(code)
    } else {
        Error::api(SERVICE, code, message)
    };
    error
        .with_service(SERVICE)
        .with_status(status)
        .with_request_id(request_id.map(str::to_owned))
}

/// What a [`TravelSyncClient::push`] did: every user's outcome, in input
/// order, and counts.
///
/// ```
/// # use travel_sync_types::client::{PushReport, TravelSyncClient};
/// # #[allow(unused_imports)]
/// # use travel_sync_types::{UserInfo, UserKey};
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// # let sandbox = hr_sandbox::Sandbox::start(hr_sandbox::SandboxConfig::default()).await.unwrap();
/// # let travel = &sandbox.config().travel;
/// # let client = TravelSyncClient::builder(sandbox.travel_sync_url(), travel.account.clone())
/// #     .session_id(travel.session_id.clone())
/// #     .build()
/// #     .unwrap();
/// # // E1 syncs, the platform rejects E2's unknown level X9, E3's mobile is
/// # // invalid, and E4's card is withheld.
/// # let report = &client
/// #     .push(vec![
/// #         UserInfo::new("E1", "王伟", "13812345678", false).level("P3"),
/// #         UserInfo::new("E2", "李娜", "13812345679", false).level("X9"),
/// #         UserInfo::new("E3", "张敏", "12345678901", false),
/// #         UserInfo::new("E4", "刘洋", "13812345670", false)
/// #             .opt_in_card_info([travel_sync_types::CardInfo::resident_id("11010519491231002X")]),
/// #     ])
/// #     .await;
/// fn summary(report: &PushReport) -> String {
///     format!(
///         "{} sent, {} synced, {} rejected, {} invalid, {} not synced",
///         report.sent(),
///         report.succeeded(),
///         report.rejected().count(),
///         report.invalid().count(),
///         report.not_synced().count(),
///     )
/// }
/// assert_eq!(summary(report), "3 sent, 2 synced, 1 rejected, 1 invalid, 0 not synced");
/// # }
/// ```
#[derive(Debug, Clone)]
#[must_use = "a push reports failures in its report, not as an error"]
pub struct PushReport {
    outcomes: Vec<UserOutcome>,
    sent: usize,
    batches: usize,
    failed_batches: usize,
    cards_withheld: usize,
}

impl PushReport {
    /// Every user's outcome, in input order.
    ///
    /// ```
    /// # use travel_sync_types::client::TravelSyncClient;
    /// # #[allow(unused_imports)]
    /// # use travel_sync_types::{UserInfo, UserKey};
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// # let sandbox = hr_sandbox::Sandbox::start(hr_sandbox::SandboxConfig::default()).await.unwrap();
    /// # let travel = &sandbox.config().travel;
    /// # let client = TravelSyncClient::builder(sandbox.travel_sync_url(), travel.account.clone())
    /// #     .session_id(travel.session_id.clone())
    /// #     .build()
    /// #     .unwrap();
    /// # // E1 syncs, the platform rejects E2's unknown level X9, E3's mobile is
    /// # // invalid, and E4's card is withheld.
    /// # let report = &client
    /// #     .push(vec![
    /// #         UserInfo::new("E1", "王伟", "13812345678", false).level("P3"),
    /// #         UserInfo::new("E2", "李娜", "13812345679", false).level("X9"),
    /// #         UserInfo::new("E3", "张敏", "12345678901", false),
    /// #         UserInfo::new("E4", "刘洋", "13812345670", false)
    /// #             .opt_in_card_info([travel_sync_types::CardInfo::resident_id("11010519491231002X")]),
    /// #     ])
    /// #     .await;
    /// for o in report.outcomes() {
    ///     println!("{}: {:?}", o.index, o.outcome.description());
    /// }
    /// let synced: Vec<usize> = report.outcomes().iter().filter(|o| o.outcome.is_synced()).map(|o| o.index).collect();
    /// assert_eq!(synced, [0, 3]);
    /// # }
    /// ```
    pub fn outcomes(&self) -> &[UserOutcome] {
        &self.outcomes
    }

    /// The outcomes, owned.
    ///
    /// ```
    /// # use travel_sync_types::client::TravelSyncClient;
    /// # #[allow(unused_imports)]
    /// # use travel_sync_types::{UserInfo, UserKey};
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// # let sandbox = hr_sandbox::Sandbox::start(hr_sandbox::SandboxConfig::default()).await.unwrap();
    /// # let travel = &sandbox.config().travel;
    /// # let client = TravelSyncClient::builder(sandbox.travel_sync_url(), travel.account.clone())
    /// #     .session_id(travel.session_id.clone())
    /// #     .build()
    /// #     .unwrap();
    /// # // E1 syncs, the platform rejects E2's unknown level X9, E3's mobile is
    /// # // invalid, and E4's card is withheld.
    /// # let report = &client
    /// #     .push(vec![
    /// #         UserInfo::new("E1", "王伟", "13812345678", false).level("P3"),
    /// #         UserInfo::new("E2", "李娜", "13812345679", false).level("X9"),
    /// #         UserInfo::new("E3", "张敏", "12345678901", false),
    /// #         UserInfo::new("E4", "刘洋", "13812345670", false)
    /// #             .opt_in_card_info([travel_sync_types::CardInfo::resident_id("11010519491231002X")]),
    /// #     ])
    /// #     .await;
    /// let outcomes = report.clone().into_outcomes();
    /// assert_eq!(outcomes.len(), report.outcomes().len());
    /// assert_eq!(outcomes.len(), 4);
    /// # }
    /// ```
    pub fn into_outcomes(self) -> Vec<UserOutcome> {
        self.outcomes
    }

    /// Users sent to the platform: invalid users, batches skipped after a
    /// refusal and batches that certainly never reached it (a refused
    /// connection) are not counted.
    ///
    /// ```
    /// # use travel_sync_types::client::TravelSyncClient;
    /// # #[allow(unused_imports)]
    /// # use travel_sync_types::{UserInfo, UserKey};
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// # let sandbox = hr_sandbox::Sandbox::start(hr_sandbox::SandboxConfig::default()).await.unwrap();
    /// # let travel = &sandbox.config().travel;
    /// # let client = TravelSyncClient::builder(sandbox.travel_sync_url(), travel.account.clone())
    /// #     .session_id(travel.session_id.clone())
    /// #     .build()
    /// #     .unwrap();
    /// # // E1 syncs, the platform rejects E2's unknown level X9, E3's mobile is
    /// # // invalid, and E4's card is withheld.
    /// # let report = &client
    /// #     .push(vec![
    /// #         UserInfo::new("E1", "王伟", "13812345678", false).level("P3"),
    /// #         UserInfo::new("E2", "李娜", "13812345679", false).level("X9"),
    /// #         UserInfo::new("E3", "张敏", "12345678901", false),
    /// #         UserInfo::new("E4", "刘洋", "13812345670", false)
    /// #             .opt_in_card_info([travel_sync_types::CardInfo::resident_id("11010519491231002X")]),
    /// #     ])
    /// #     .await;
    /// assert_eq!(report.sent(), 3); // E3 was invalid
    /// # }
    /// ```
    pub fn sent(&self) -> usize {
        self.sent
    }

    /// Users synced.
    ///
    /// ```
    /// # use travel_sync_types::client::TravelSyncClient;
    /// # #[allow(unused_imports)]
    /// # use travel_sync_types::{UserInfo, UserKey};
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// # let sandbox = hr_sandbox::Sandbox::start(hr_sandbox::SandboxConfig::default()).await.unwrap();
    /// # let travel = &sandbox.config().travel;
    /// # let client = TravelSyncClient::builder(sandbox.travel_sync_url(), travel.account.clone())
    /// #     .session_id(travel.session_id.clone())
    /// #     .build()
    /// #     .unwrap();
    /// # // E1 syncs, the platform rejects E2's unknown level X9, E3's mobile is
    /// # // invalid, and E4's card is withheld.
    /// # let report = &client
    /// #     .push(vec![
    /// #         UserInfo::new("E1", "王伟", "13812345678", false).level("P3"),
    /// #         UserInfo::new("E2", "李娜", "13812345679", false).level("X9"),
    /// #         UserInfo::new("E3", "张敏", "12345678901", false),
    /// #         UserInfo::new("E4", "刘洋", "13812345670", false)
    /// #             .opt_in_card_info([travel_sync_types::CardInfo::resident_id("11010519491231002X")]),
    /// #     ])
    /// #     .await;
    /// assert_eq!(report.succeeded(), 2);
    /// # }
    /// ```
    pub fn succeeded(&self) -> usize {
        self.outcomes
            .iter()
            .filter(|o| o.outcome.is_synced())
            .count()
    }

    /// Users the platform listed as failed.
    ///
    /// ```
    /// # use travel_sync_types::client::TravelSyncClient;
    /// # #[allow(unused_imports)]
    /// # use travel_sync_types::{UserInfo, UserKey};
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// # let sandbox = hr_sandbox::Sandbox::start(hr_sandbox::SandboxConfig::default()).await.unwrap();
    /// # let travel = &sandbox.config().travel;
    /// # let client = TravelSyncClient::builder(sandbox.travel_sync_url(), travel.account.clone())
    /// #     .session_id(travel.session_id.clone())
    /// #     .build()
    /// #     .unwrap();
    /// # // E1 syncs, the platform rejects E2's unknown level X9, E3's mobile is
    /// # // invalid, and E4's card is withheld.
    /// # let report = &client
    /// #     .push(vec![
    /// #         UserInfo::new("E1", "王伟", "13812345678", false).level("P3"),
    /// #         UserInfo::new("E2", "李娜", "13812345679", false).level("X9"),
    /// #         UserInfo::new("E3", "张敏", "12345678901", false),
    /// #         UserInfo::new("E4", "刘洋", "13812345670", false)
    /// #             .opt_in_card_info([travel_sync_types::CardInfo::resident_id("11010519491231002X")]),
    /// #     ])
    /// #     .await;
    /// for o in report.rejected() {
    ///     eprintln!("{:?} rejected: {:?}", o.key, o.outcome.description());
    /// }
    /// let rejected: Vec<_> = report.rejected().map(|o| o.key.clone()).collect();
    /// assert_eq!(rejected, [Some(UserKey::from("E2"))]);
    /// # }
    /// ```
    pub fn rejected(&self) -> impl Iterator<Item = &UserOutcome> {
        self.outcomes
            .iter()
            .filter(|o| matches!(o.outcome, Outcome::Rejected { .. }))
    }

    /// Users not sent because they failed validation.
    ///
    /// ```
    /// # use travel_sync_types::client::TravelSyncClient;
    /// # #[allow(unused_imports)]
    /// # use travel_sync_types::{UserInfo, UserKey};
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// # let sandbox = hr_sandbox::Sandbox::start(hr_sandbox::SandboxConfig::default()).await.unwrap();
    /// # let travel = &sandbox.config().travel;
    /// # let client = TravelSyncClient::builder(sandbox.travel_sync_url(), travel.account.clone())
    /// #     .session_id(travel.session_id.clone())
    /// #     .build()
    /// #     .unwrap();
    /// # // E1 syncs, the platform rejects E2's unknown level X9, E3's mobile is
    /// # // invalid, and E4's card is withheld.
    /// # let report = &client
    /// #     .push(vec![
    /// #         UserInfo::new("E1", "王伟", "13812345678", false).level("P3"),
    /// #         UserInfo::new("E2", "李娜", "13812345679", false).level("X9"),
    /// #         UserInfo::new("E3", "张敏", "12345678901", false),
    /// #         UserInfo::new("E4", "刘洋", "13812345670", false)
    /// #             .opt_in_card_info([travel_sync_types::CardInfo::resident_id("11010519491231002X")]),
    /// #     ])
    /// #     .await;
    /// for o in report.invalid() {
    ///     eprintln!("{:?} not sent: {:?}", o.key, o.outcome.description());
    /// }
    /// let invalid: Vec<_> = report.invalid().map(|o| o.key.clone()).collect();
    /// assert_eq!(invalid, [Some(UserKey::from("E3"))]);
    /// # }
    /// ```
    pub fn invalid(&self) -> impl Iterator<Item = &UserOutcome> {
        self.outcomes
            .iter()
            .filter(|o| matches!(o.outcome, Outcome::Invalid { .. }))
    }

    /// Users whose batch got no processed answer.
    ///
    /// ```
    /// # use travel_sync_types::client::TravelSyncClient;
    /// # #[allow(unused_imports)]
    /// # use travel_sync_types::{UserInfo, UserKey};
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// # let sandbox = hr_sandbox::Sandbox::start(hr_sandbox::SandboxConfig::default()).await.unwrap();
    /// # let travel = &sandbox.config().travel;
    /// # let client = TravelSyncClient::builder(sandbox.travel_sync_url(), travel.account.clone())
    /// #     .session_id(travel.session_id.clone())
    /// #     .build()
    /// #     .unwrap();
    /// # // E1 syncs, the platform rejects E2's unknown level X9, E3's mobile is
    /// # // invalid, and E4's card is withheld.
    /// # let report = &client
    /// #     .push(vec![
    /// #         UserInfo::new("E1", "王伟", "13812345678", false).level("P3"),
    /// #         UserInfo::new("E2", "李娜", "13812345679", false).level("X9"),
    /// #         UserInfo::new("E3", "张敏", "12345678901", false),
    /// #         UserInfo::new("E4", "刘洋", "13812345670", false)
    /// #             .opt_in_card_info([travel_sync_types::CardInfo::resident_id("11010519491231002X")]),
    /// #     ])
    /// #     .await;
    /// let retry: Vec<usize> = report.not_synced().map(|o| o.index).collect();
    /// assert!(retry.is_empty(), "the batch was answered");
    /// # }
    /// ```
    pub fn not_synced(&self) -> impl Iterator<Item = &UserOutcome> {
        self.outcomes
            .iter()
            .filter(|o| matches!(o.outcome, Outcome::NotSynced { .. }))
    }

    /// Whether every batch got a processed answer: the push itself
    /// worked, even if some users were rejected or invalid.
    ///
    /// ```
    /// # use travel_sync_types::client::TravelSyncClient;
    /// # #[allow(unused_imports)]
    /// # use travel_sync_types::{UserInfo, UserKey};
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// # let sandbox = hr_sandbox::Sandbox::start(hr_sandbox::SandboxConfig::default()).await.unwrap();
    /// # let travel = &sandbox.config().travel;
    /// # let client = TravelSyncClient::builder(sandbox.travel_sync_url(), travel.account.clone())
    /// #     .session_id(travel.session_id.clone())
    /// #     .build()
    /// #     .unwrap();
    /// # // E1 syncs, the platform rejects E2's unknown level X9, E3's mobile is
    /// # // invalid, and E4's card is withheld.
    /// # let report = &client
    /// #     .push(vec![
    /// #         UserInfo::new("E1", "王伟", "13812345678", false).level("P3"),
    /// #         UserInfo::new("E2", "李娜", "13812345679", false).level("X9"),
    /// #         UserInfo::new("E3", "张敏", "12345678901", false),
    /// #         UserInfo::new("E4", "刘洋", "13812345670", false)
    /// #             .opt_in_card_info([travel_sync_types::CardInfo::resident_id("11010519491231002X")]),
    /// #     ])
    /// #     .await;
    /// if !report.is_delivered() {
    ///     std::process::exit(1);
    /// }
    /// assert!(report.is_delivered());
    /// # }
    /// ```
    pub fn is_delivered(&self) -> bool {
        self.failed_batches == 0
    }

    /// The error of the first user whose batch failed, if any.
    ///
    /// ```
    /// # use travel_sync_types::client::TravelSyncClient;
    /// # #[allow(unused_imports)]
    /// # use travel_sync_types::{UserInfo, UserKey};
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// # let sandbox = hr_sandbox::Sandbox::start(hr_sandbox::SandboxConfig::default()).await.unwrap();
    /// # let travel = &sandbox.config().travel;
    /// # let client = TravelSyncClient::builder(sandbox.travel_sync_url(), travel.account.clone())
    /// #     .session_id(travel.session_id.clone())
    /// #     .build()
    /// #     .unwrap();
    /// # // E1 syncs, the platform rejects E2's unknown level X9, E3's mobile is
    /// # // invalid, and E4's card is withheld.
    /// # let report = &client
    /// #     .push(vec![
    /// #         UserInfo::new("E1", "王伟", "13812345678", false).level("P3"),
    /// #         UserInfo::new("E2", "李娜", "13812345679", false).level("X9"),
    /// #         UserInfo::new("E3", "张敏", "12345678901", false),
    /// #         UserInfo::new("E4", "刘洋", "13812345670", false)
    /// #             .opt_in_card_info([travel_sync_types::CardInfo::resident_id("11010519491231002X")]),
    /// #     ])
    /// #     .await;
    /// if let Some(error) = report.first_error() {
    ///     eprintln!("push incomplete: {error}");
    /// }
    /// assert!(report.first_error().is_none());
    /// # }
    /// ```
    pub fn first_error(&self) -> Option<&Error> {
        self.outcomes.iter().find_map(|o| match &o.outcome {
            Outcome::NotSynced { error } => Some(error),
            _ => None,
        })
    }

    /// The `bindId`s the platform sent back, by user key.
    ///
    /// ```
    /// # use travel_sync_types::client::TravelSyncClient;
    /// # #[allow(unused_imports)]
    /// # use travel_sync_types::{UserInfo, UserKey};
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// # let sandbox = hr_sandbox::Sandbox::start(hr_sandbox::SandboxConfig::default()).await.unwrap();
    /// # let travel = &sandbox.config().travel;
    /// # let client = TravelSyncClient::builder(sandbox.travel_sync_url(), travel.account.clone())
    /// #     .session_id(travel.session_id.clone())
    /// #     .build()
    /// #     .unwrap();
    /// # // E1 syncs, the platform rejects E2's unknown level X9, E3's mobile is
    /// # // invalid, and E4's card is withheld.
    /// # let report = &client
    /// #     .push(vec![
    /// #         UserInfo::new("E1", "王伟", "13812345678", false).level("P3"),
    /// #         UserInfo::new("E2", "李娜", "13812345679", false).level("X9"),
    /// #         UserInfo::new("E3", "张敏", "12345678901", false),
    /// #         UserInfo::new("E4", "刘洋", "13812345670", false)
    /// #             .opt_in_card_info([travel_sync_types::CardInfo::resident_id("11010519491231002X")]),
    /// #     ])
    /// #     .await;
    /// let bind_ids: std::collections::HashMap<_, _> = report.bind_ids().collect();
    /// assert!(bind_ids.keys().all(|k| report.outcomes().iter().any(|o| o.key.as_ref() == Some(*k))));
    /// # }
    /// ```
    pub fn bind_ids(&self) -> impl Iterator<Item = (&UserKey, &str)> {
        self.outcomes
            .iter()
            .filter_map(|o| Some((o.key.as_ref()?, o.bind_id.as_deref()?)))
    }

    /// Batches formed.
    ///
    /// ```
    /// # use travel_sync_types::client::TravelSyncClient;
    /// # #[allow(unused_imports)]
    /// # use travel_sync_types::{UserInfo, UserKey};
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// # let sandbox = hr_sandbox::Sandbox::start(hr_sandbox::SandboxConfig::default()).await.unwrap();
    /// # let travel = &sandbox.config().travel;
    /// # let client = TravelSyncClient::builder(sandbox.travel_sync_url(), travel.account.clone())
    /// #     .session_id(travel.session_id.clone())
    /// #     .build()
    /// #     .unwrap();
    /// # // E1 syncs, the platform rejects E2's unknown level X9, E3's mobile is
    /// # // invalid, and E4's card is withheld.
    /// # let report = &client
    /// #     .push(vec![
    /// #         UserInfo::new("E1", "王伟", "13812345678", false).level("P3"),
    /// #         UserInfo::new("E2", "李娜", "13812345679", false).level("X9"),
    /// #         UserInfo::new("E3", "张敏", "12345678901", false),
    /// #         UserInfo::new("E4", "刘洋", "13812345670", false)
    /// #             .opt_in_card_info([travel_sync_types::CardInfo::resident_id("11010519491231002X")]),
    /// #     ])
    /// #     .await;
    /// assert!(report.failed_batches() <= report.batches());
    /// assert_eq!(report.batches(), 1);
    /// # }
    /// ```
    pub fn batches(&self) -> usize {
        self.batches
    }

    /// Batches without a processed answer.
    ///
    /// ```
    /// # use travel_sync_types::client::TravelSyncClient;
    /// # #[allow(unused_imports)]
    /// # use travel_sync_types::{UserInfo, UserKey};
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// # let sandbox = hr_sandbox::Sandbox::start(hr_sandbox::SandboxConfig::default()).await.unwrap();
    /// # let travel = &sandbox.config().travel;
    /// # let client = TravelSyncClient::builder(sandbox.travel_sync_url(), travel.account.clone())
    /// #     .session_id(travel.session_id.clone())
    /// #     .build()
    /// #     .unwrap();
    /// # // E1 syncs, the platform rejects E2's unknown level X9, E3's mobile is
    /// # // invalid, and E4's card is withheld.
    /// # let report = &client
    /// #     .push(vec![
    /// #         UserInfo::new("E1", "王伟", "13812345678", false).level("P3"),
    /// #         UserInfo::new("E2", "李娜", "13812345679", false).level("X9"),
    /// #         UserInfo::new("E3", "张敏", "12345678901", false),
    /// #         UserInfo::new("E4", "刘洋", "13812345670", false)
    /// #             .opt_in_card_info([travel_sync_types::CardInfo::resident_id("11010519491231002X")]),
    /// #     ])
    /// #     .await;
    /// assert_eq!(report.failed_batches() == 0, report.is_delivered());
    /// assert_eq!(report.failed_batches(), 0);
    /// # }
    /// ```
    pub fn failed_batches(&self) -> usize {
        self.failed_batches
    }

    /// Users whose `cardInfo` was withheld (removed before validation)
    /// because the client did not opt in to sending cards, whether or not
    /// they were then sent.
    ///
    /// ```
    /// # use travel_sync_types::client::TravelSyncClient;
    /// # #[allow(unused_imports)]
    /// # use travel_sync_types::{UserInfo, UserKey};
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// # let sandbox = hr_sandbox::Sandbox::start(hr_sandbox::SandboxConfig::default()).await.unwrap();
    /// # let travel = &sandbox.config().travel;
    /// # let client = TravelSyncClient::builder(sandbox.travel_sync_url(), travel.account.clone())
    /// #     .session_id(travel.session_id.clone())
    /// #     .build()
    /// #     .unwrap();
    /// # // E1 syncs, the platform rejects E2's unknown level X9, E3's mobile is
    /// # // invalid, and E4's card is withheld.
    /// # let report = &client
    /// #     .push(vec![
    /// #         UserInfo::new("E1", "王伟", "13812345678", false).level("P3"),
    /// #         UserInfo::new("E2", "李娜", "13812345679", false).level("X9"),
    /// #         UserInfo::new("E3", "张敏", "12345678901", false),
    /// #         UserInfo::new("E4", "刘洋", "13812345670", false)
    /// #             .opt_in_card_info([travel_sync_types::CardInfo::resident_id("11010519491231002X")]),
    /// #     ])
    /// #     .await;
    /// if report.cards_withheld() > 0 {
    ///     eprintln!("cardInfo withheld for {} users", report.cards_withheld());
    /// }
    /// assert_eq!(report.cards_withheld(), 1);
    /// # }
    /// ```
    pub fn cards_withheld(&self) -> usize {
        self.cards_withheld
    }
}
