//! The client and its builder.

use std::sync::Arc;
use std::time::Duration;

use chrono::FixedOffset;
use hr_common::transport::{
    DEFAULT_DEADLINE, Limits, Request, Response, RetryBudget, RetryPolicy, Transport, WindowLimiter,
};
use hr_common::{CHINA_STANDARD_TIME, Error, Result, SecretString, TokenCache, TokenProvider};
use serde::Serialize;

use crate::auth::{AppKeyTokens, OAuthTokens};
use crate::envelope::{self, SERVICE};

/// Where Beisen's OpenAPI lives.
pub const DEFAULT_BASE_URL: &str = "https://openapi.italent.cn";

const FORBIDDEN_HINT: &str = "Beisen answers 403 to calls from an IP address not on the app's \
    trusted-IP list (可信IP); add this host's public IP in the open platform's app settings";

/// How the client gets its tokens.
///
/// ```
/// use beisen_client::Credentials;
/// let _json_flow = Credentials::app_key("key", "secret");
/// let _form_flow = Credentials::oauth("100001", "app-id", "secret");
/// ```
#[derive(Clone)]
#[non_exhaustive]
pub enum Credentials {
    /// `POST /token` with `app_key`/`app_secret` (refresh tokens used).
    AppKey {
        /// `app_key`.
        app_key: String,
        /// `app_secret`.
        app_secret: SecretString,
    },
    /// `POST /OAuth/Token` with `tenant_id`/`app_id`/`secret`.
    OAuth {
        /// `tenant_id`.
        tenant_id: String,
        /// `app_id`.
        app_id: String,
        /// `secret`.
        secret: SecretString,
    },
    /// Tokens from anywhere else (a vault, a shared cache).
    Provider(Arc<dyn TokenProvider>),
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Credentials::AppKey { app_key, .. } => write!(f, "AppKey({app_key})"),
            Credentials::OAuth { tenant_id, .. } => write!(f, "OAuth({tenant_id})"),
            Credentials::Provider(_) => f.write_str("Provider"),
        }
    }
}

impl Credentials {
    /// The JSON flow.
    pub fn app_key(app_key: impl Into<String>, app_secret: impl Into<String>) -> Self {
        Credentials::AppKey {
            app_key: app_key.into(),
            app_secret: SecretString::from(app_secret.into()),
        }
    }

    /// The form flow.
    pub fn oauth(
        tenant_id: impl Into<String>,
        app_id: impl Into<String>,
        secret: impl Into<String>,
    ) -> Self {
        Credentials::OAuth {
            tenant_id: tenant_id.into(),
            app_id: app_id.into(),
            secret: SecretString::from(secret.into()),
        }
    }

    /// Any [`TokenProvider`].
    pub fn provider(provider: impl TokenProvider) -> Self {
        Credentials::Provider(Arc::new(provider))
    }
}

struct Shared(Arc<dyn TokenProvider>);

#[async_trait::async_trait]
impl TokenProvider for Shared {
    async fn fetch_token(&self) -> Result<hr_common::AccessToken> {
        self.0.fetch_token().await
    }
}

/// Builds a [`BeisenClient`].
///
/// ```
/// use std::time::Duration;
/// use beisen_client::{BeisenClient, Credentials};
/// use hr_common::transport::Limits;
///
/// let client = BeisenClient::builder()
///     .base_url("https://openapi.italent.cn")
///     .credentials(Credentials::app_key("key", "secret"))
///     .timeout(Duration::from_secs(20))
///     .rate_limits(Limits::new(Some(50), Some(1500)))
///     .group_limits("recruiting", Limits::new(Some(20), Some(1000)))
///     .build()?;
/// # let _ = client; Ok::<_, hr_common::Error>(())
/// ```
#[must_use]
pub struct ClientBuilder {
    base_url: String,
    credentials: Option<Credentials>,
    timeout: Duration,
    connect_timeout: Duration,
    retry: RetryPolicy,
    retry_budget: RetryBudget,
    deadline: Option<Duration>,
    limits: Limits,
    groups: Vec<(String, Limits)>,
    zone: FixedOffset,
    scroll_idle: Duration,
    http: Option<reqwest::Client>,
    allow_http: bool,
}

impl ClientBuilder {
    /// The API's base URL (default [`DEFAULT_BASE_URL`]). Plain `http://` is
    /// accepted for loopback addresses only (a local simulator).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into();
        self
    }

    /// The credentials of either token flow.
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = Some(credentials);
        self
    }

    /// Timeout of one HTTP attempt (default 30 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Timeout for establishing a connection (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// The retry policy (default: 5 attempts, 200 ms first backoff). Reads
    /// are retried on 429, 5xx and timeouts; writes only when they were
    /// provably not sent or were refused with 429.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Deadline of one call, token fetch, limiter waits, retries and
    /// backoff included (default [`DEFAULT_DEADLINE`], 2 minutes). A hung
    /// or failing vendor ends a call by then with an error naming the
    /// host, the attempts and the time spent.
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = Some(deadline);
        self
    }

    /// The retry budget (default: a fresh one of 500 tokens per client,
    /// shared by the token and API calls). Every retry, and every restart of
    /// a window stream's scroll, draws on it, so a failing vendor cannot multiply
    /// the requests. Give several clients one budget to bound them together.
    pub fn retry_budget(mut self, budget: RetryBudget) -> Self {
        self.retry_budget = budget;
        self
    }

    /// Limits of every endpoint group without its own (default the
    /// documented 50/s and 1500/min). Beisen counts per tenant and per API;
    /// each endpoint here is its own group, named after its path.
    pub fn rate_limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// Limits of one group: an endpoint path such as
    /// `/TenantBaseExternal/api/v5/Employee/GetByTimeWindow`, or
    /// `"recruiting"`/`"attendance"` for those APIs' endpoints.
    pub fn group_limits(mut self, group: impl Into<String>, limits: Limits) -> Self {
        self.groups.push((group.into(), limits));
        self
    }

    /// The zone of Beisen's civil date-times (default UTC+8).
    pub fn time_zone(mut self, zone: FixedOffset) -> Self {
        self.zone = zone;
        self
    }

    /// How long a scroll survives between calls (default the documented
    /// 10 s); the streams use it to recognise an expired scroll.
    pub fn scroll_idle(mut self, idle: Duration) -> Self {
        self.scroll_idle = idle;
        self
    }

    /// Shares a `reqwest::Client` (and its connection pool).
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// Allows plain `http://` to a non-loopback host (a trusted internal
    /// gateway only: tokens and personal data then travel unencrypted).
    pub fn danger_allow_http(mut self, allow: bool) -> Self {
        self.allow_http = allow;
        self
    }

    /// Checks the configuration and builds the client.
    pub fn build(self) -> Result<BeisenClient> {
        let credentials = self
            .credentials
            .ok_or_else(|| Error::invalid_request("credentials", "no credentials were given"))?;
        let mut base = Transport::builder(SERVICE, self.base_url.clone())
            .connect_timeout(self.connect_timeout)
            .attempt_timeout(self.timeout)
            .retry(self.retry.clone())
            .retry_budget(self.retry_budget.clone())
            .deadline(self.deadline.unwrap_or(DEFAULT_DEADLINE))
            .vendor_errors(envelope::vendor_error)
            .forbidden_hint(FORBIDDEN_HINT)
            .request_id_headers(["x-paas-request-id", "x-request-id"])
            .danger_allow_http(self.allow_http);
        if let Some(http) = self.http {
            base = base.http_client(http);
        }
        let token_transport = base.build()?;
        let provider: Arc<dyn TokenProvider> = match credentials {
            Credentials::AppKey {
                app_key,
                app_secret,
            } => Arc::new(AppKeyTokens::new(
                token_transport.clone(),
                app_key,
                app_secret,
            )),
            Credentials::OAuth {
                tenant_id,
                app_id,
                secret,
            } => Arc::new(OAuthTokens::new(
                token_transport.clone(),
                tenant_id,
                app_id,
                secret,
            )),
            Credentials::Provider(p) => p,
        };
        let mut limiter = WindowLimiter::new(self.limits);
        for (group, limits) in self.groups {
            limiter = limiter.with_group(group, limits);
        }
        let transport = Transport::builder(SERVICE, self.base_url)
            .http_client(token_transport.http_client())
            .connect_timeout(self.connect_timeout)
            .attempt_timeout(self.timeout)
            .retry(self.retry)
            .retry_budget(self.retry_budget)
            .deadline(self.deadline.unwrap_or(DEFAULT_DEADLINE))
            .token_cache(TokenCache::new(Shared(provider)))
            .rate_limiter(Arc::new(limiter))
            .vendor_errors(envelope::vendor_error)
            .transient_when(envelope::is_transient)
            .forbidden_hint(FORBIDDEN_HINT)
            .request_id_headers(["x-paas-request-id", "x-request-id"])
            .danger_allow_http(self.allow_http)
            .build()?;
        Ok(BeisenClient {
            inner: Arc::new(Inner {
                transport,
                zone: self.zone,
                scroll_idle: self.scroll_idle,
            }),
        })
    }
}

struct Inner {
    transport: Transport,
    zone: FixedOffset,
    scroll_idle: Duration,
}

/// A Beisen iTalent client. Cheap to clone; clones share the connection
/// pool, token cache and rate limiter.
///
/// Endpoints are request structs sent with `send(&client)`, grouped for
/// discovery by [`employees`](Self::employees) and
/// [`organizations`](Self::organizations).
#[derive(Clone)]
pub struct BeisenClient {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for BeisenClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BeisenClient")
            .field("transport", &self.inner.transport)
            .field("zone", &self.inner.zone)
            .finish()
    }
}

impl BeisenClient {
    /// A builder with the documented defaults.
    pub fn builder() -> ClientBuilder {
        ClientBuilder {
            base_url: DEFAULT_BASE_URL.into(),
            credentials: None,
            timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            retry: RetryPolicy::default(),
            retry_budget: RetryBudget::default(),
            deadline: None,
            limits: Limits::new(Some(50), Some(1500)),
            groups: Vec::new(),
            zone: CHINA_STANDARD_TIME,
            scroll_idle: Duration::from_secs(10),
            http: None,
            allow_http: false,
        }
    }

    /// The transport, for its [`stats`](Transport::stats) or token cache.
    pub fn transport(&self) -> &Transport {
        &self.inner.transport
    }

    /// The zone of civil date-times.
    pub fn time_zone(&self) -> FixedOffset {
        self.inner.zone
    }

    pub(crate) fn scroll_idle(&self) -> Duration {
        self.inner.scroll_idle
    }

    /// Sends a JSON POST. Reads are idempotent and retried; writes are not
    /// repeated once they may have reached the server.
    pub(crate) async fn post<B: Serialize + ?Sized>(
        &self,
        path: &'static str,
        group: &'static str,
        idempotent: bool,
        body: &B,
    ) -> Result<Response> {
        let req = Request::post(path)
            .json(body)?
            .idempotent(idempotent)
            .group(group);
        self.inner.transport.send(req).await
    }
}
