//! The client and its builder.

use std::sync::Arc;
use std::time::Duration;

use chrono::FixedOffset;
use hr_common::config::{ClientConfig, env_var, require_env};
use hr_common::endpoint::ApiClient;
use hr_common::transport::{
    Limits, RateLimiter, Transport, TransportBuilder, TransportStats, WindowLimiter,
};
use hr_common::{Error, Result, SecretString, TokenCache, TokenProvider};

use crate::auth::{AppKeyTokens, OAuthTokens};
use crate::employee::paths as employee_paths;
use crate::envelope::{self, SERVICE};
use crate::organization::paths as org_paths;

/// Where Beisen's OpenAPI lives.
pub const DEFAULT_BASE_URL: &str = "https://openapi.italent.cn";

/// The limits of an endpoint the vendor documents no limits for: 50 calls
/// a second and 1,500 a minute, per tenant and endpoint, the typical
/// limit of Beisen's OpenAPI (the peer SDKs and the vendor's pages, see
/// the project's notes on Beisen). Every limiter group without limits of
/// its own gets these.
pub const DEFAULT_LIMITS: Limits = Limits::new(Some(50), Some(1500));

/// The limits of the time-window endpoints ([`TIME_WINDOW_PATHS`]): 100
/// calls a second and 3,000 a minute, per tenant and endpoint, as the
/// vendor documents for `Employee/GetByTimeWindow` ("接口限制:100次/秒/企业
/// 3000次/分钟/企业"). The other `…/GetByTimeWindow` endpoints are the same
/// service and scroll machinery, and get the same.
pub const TIME_WINDOW_LIMITS: Limits = Limits::new(Some(100), Some(3000));

/// The limits of the recruiting endpoints (limiter group `"recruiting"`):
/// 20 calls a second and 1,000 a minute per tenant, the recruiting API's
/// documented limit (RecruitV6; see the project's notes on Beisen).
pub const RECRUITING_LIMITS: Limits = Limits::new(Some(20), Some(1000));

/// The limiter group of the data-service endpoints
/// (`/dataservice/api/DataSource/…`, e.g. `GetDataSource`).
pub const DATA_SOURCE_GROUP: &str = "data-source";

/// The limits of the data-service endpoints (limiter group
/// [`DATA_SOURCE_GROUP`]): 30 calls a second and 1,000 a minute per tenant,
/// as the vendor documents for `DataSource/GetDataSource` (fxp/skillify
/// `skills/beisen/references/employees.md` §8).
pub const DATA_SOURCE_LIMITS: Limits = Limits::new(Some(30), Some(1000));

/// The limiter group of the `…/GetByTimeWindow` endpoints this crate does
/// not model (called through [`raw`](crate::raw)): all of them share one
/// group at [`TIME_WINDOW_LIMITS`], which keeps them within the vendor's
/// limit of each, since the limiter cannot know paths in advance.
pub const OTHER_TIME_WINDOWS_GROUP: &str = "time-window-other";

/// The limiter group of a request to `path`: the group of its documented
/// limits. Modelled time windows are each their own group (the path);
/// other time windows share [`OTHER_TIME_WINDOWS_GROUP`]; recruiting and
/// the data service have theirs; every other path is its own group.
///
/// ```
/// use beisen_client::{OTHER_TIME_WINDOWS_GROUP, group_for_path};
///
/// let path = "/TenantBaseExternal/api/v5/Employee/GetByTimeWindow";
/// assert_eq!(group_for_path(path), path);
/// let other = "/TenantBaseExternal/api/v5/Payroll/GetByTimeWindow";
/// assert_eq!(group_for_path(other), OTHER_TIME_WINDOWS_GROUP);
/// assert_eq!(group_for_path("/RecruitV6/api/v1/Apply/X"), "recruiting");
/// ```
pub fn group_for_path(path: &str) -> std::borrow::Cow<'static, str> {
    use std::borrow::Cow;
    if let Some(known) = TIME_WINDOW_PATHS.iter().find(|p| **p == path) {
        Cow::Borrowed(known)
    } else if path.ends_with("/GetByTimeWindow") {
        Cow::Borrowed(OTHER_TIME_WINDOWS_GROUP)
    } else if path.starts_with("/RecruitV6/") {
        Cow::Borrowed("recruiting")
    } else if path.starts_with("/AttendanceOpen/") {
        Cow::Borrowed("attendance")
    } else if path.starts_with("/dataservice/") {
        Cow::Borrowed(DATA_SOURCE_GROUP)
    } else {
        Cow::Owned(path.to_owned())
    }
}

/// The time-window endpoints, each its own limiter group (the path), each
/// at [`TIME_WINDOW_LIMITS`] by default.
pub const TIME_WINDOW_PATHS: [&str; 13] = [
    employee_paths::GET_BY_TIME_WINDOW,
    employee_paths::GET_LIST_BY_TIME_WINDOW,
    org_paths::ORG_GET_BY_TIME_WINDOW,
    org_paths::POSITION_GET_BY_TIME_WINDOW,
    org_paths::JOB_POST_GET_BY_TIME_WINDOW,
    org_paths::JOB_LEVEL_GET_BY_TIME_WINDOW,
    org_paths::JOB_GRADE_GET_BY_TIME_WINDOW,
    org_paths::JOB_SEQUENCE_GET_BY_TIME_WINDOW,
    org_paths::EMP_SUBSET_GET_BY_TIME_WINDOW,
    org_paths::EMPLOYMENT_FORM_GET_BY_TIME_WINDOW,
    org_paths::COMMON_META_OBJECT_GET_BY_TIME_WINDOW,
    org_paths::OFFER_GET_BY_TIME_WINDOW,
    org_paths::CONTRACT_GET_BY_TIME_WINDOW,
];

/// The limits the client applies to a limiter group when the builder set
/// none: [`TIME_WINDOW_LIMITS`] for the [`TIME_WINDOW_PATHS`],
/// [`RECRUITING_LIMITS`] for `"recruiting"`, [`DATA_SOURCE_LIMITS`] for
/// [`DATA_SOURCE_GROUP`], [`DEFAULT_LIMITS`] for every other group.
///
/// ```
/// use beisen_client::{DEFAULT_LIMITS, TIME_WINDOW_LIMITS, documented_limits};
/// use beisen_client::employee::paths;
///
/// assert_eq!(documented_limits(paths::GET_BY_TIME_WINDOW), TIME_WINDOW_LIMITS);
/// assert_eq!(documented_limits(paths::GET_BASIC_INFO_BY_IDS), DEFAULT_LIMITS);
/// ```
pub fn documented_limits(group: &str) -> Limits {
    if TIME_WINDOW_PATHS.contains(&group) || group == OTHER_TIME_WINDOWS_GROUP {
        TIME_WINDOW_LIMITS
    } else if group == "recruiting" {
        RECRUITING_LIMITS
    } else if group == DATA_SOURCE_GROUP {
        DATA_SOURCE_LIMITS
    } else {
        DEFAULT_LIMITS
    }
}

/// Pieces a window stream scrolls at once unless the builder or the stream
/// says otherwise: 8.
///
/// A scroll is serial (each page needs the previous page's scroll id), so
/// one scroll makes one call per round trip: at 30–60 ms a call, 17 to 33
/// calls a second. Reaching the 100 calls a second of
/// [`TIME_WINDOW_LIMITS`] needs 100 × 0.06 = 6 calls in flight at 60 ms
/// (3 at 30 ms); 8 leaves room for slower calls and for the moments a piece
/// is between its last page and the next piece's first, and at real-tenant
/// latencies of 100–160 ms it still keeps the sustained ceiling of 3,000 a
/// minute (50 a second) busy. More only queues in the limiter: the limiter,
/// not the parallelism, bounds the load on the tenant.
pub const DEFAULT_CONCURRENCY: usize = 8;

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

/// Builds a [`BeisenClient`]: the shared setters of every hr-sdk client
/// (see [`hr_common::config`]) plus [`credentials`](Self::credentials),
/// [`from_env`](Self::from_env) and [`scroll_idle`](Self::scroll_idle).
///
/// Rate limits: unless set, each limiter group gets its
/// [`documented_limits`]. [`rate_limits`](Self::rate_limits) replaces
/// those defaults for every group (the time-window and recruiting groups
/// included), [`group_limits`](Self::group_limits) sets one group over
/// either, and [`rate_limiter`](Self::rate_limiter) replaces the limiter.
///
/// ```
/// use std::time::Duration;
/// use beisen_client::{BeisenClient, Credentials, Limits};
///
/// let client = BeisenClient::builder()
///     .base_url("https://openapi.italent.cn")
///     .credentials(Credentials::app_key("key", "secret"))
///     .timeout(Duration::from_secs(20))
///     .deadline(Duration::from_secs(60))
///     .rate_limits(Limits::new(Some(50), Some(1500)))
///     .group_limits("recruiting", Limits::new(Some(20), Some(1000)))
///     .concurrency(4)
///     .build()?;
/// # let _ = client; Ok::<_, beisen_client::Error>(())
/// ```
#[must_use]
pub struct BeisenClientBuilder {
    config: Config,
    credentials: Option<Credentials>,
    scroll_idle: Duration,
}

/// The shared settings, and what the caller set of the rate limits: the
/// setters of [`client_builder_setters!`](hr_common::client_builder_setters)
/// reach `ClientConfig` through this type, whose own methods of the same
/// names are found first and note the limits, so that the documented
/// per-group defaults apply exactly where the caller set nothing.
#[derive(Clone)]
struct Config {
    inner: ClientConfig,
    rate_limits: Option<Limits>,
    group_limits: Vec<(String, Limits)>,
    limiter: bool,
}

impl std::ops::Deref for Config {
    type Target = ClientConfig;
    fn deref(&self) -> &ClientConfig {
        &self.inner
    }
}

impl std::ops::DerefMut for Config {
    fn deref_mut(&mut self) -> &mut ClientConfig {
        &mut self.inner
    }
}

impl Config {
    fn set_rate_limits(&mut self, limits: Limits) {
        self.rate_limits = Some(limits);
        self.inner.set_rate_limits(limits);
    }

    fn set_group_limits(&mut self, group: impl Into<String>, limits: Limits) {
        let group = group.into();
        self.group_limits.retain(|(g, _)| *g != group);
        self.group_limits.push((group.clone(), limits));
        self.inner.set_group_limits(group, limits);
    }

    fn set_rate_limiter(&mut self, limiter: Arc<dyn RateLimiter>) {
        self.limiter = true;
        self.inner.set_rate_limiter(limiter);
    }

    /// The settings to build with: the caller's limiter, or one of the
    /// caller's limits over the documented ones.
    fn resolved(&self) -> ClientConfig {
        let mut config = self.inner.clone();
        if !self.limiter {
            let mut limiter = WindowLimiter::new(self.rate_limits.unwrap_or(DEFAULT_LIMITS));
            if self.rate_limits.is_none() {
                for path in TIME_WINDOW_PATHS {
                    limiter = limiter.with_group(path, TIME_WINDOW_LIMITS);
                }
                limiter = limiter.with_group(OTHER_TIME_WINDOWS_GROUP, TIME_WINDOW_LIMITS);
                limiter = limiter.with_group("recruiting", RECRUITING_LIMITS);
                limiter = limiter.with_group(DATA_SOURCE_GROUP, DATA_SOURCE_LIMITS);
            }
            for (group, limits) in &self.group_limits {
                limiter = limiter.with_group(group.clone(), *limits);
            }
            config.set_rate_limiter(Arc::new(limiter));
        }
        config
    }
}

hr_common::client_builder_setters!(BeisenClientBuilder, credentials: Credentials);

impl std::fmt::Debug for BeisenClientBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BeisenClientBuilder")
            .field("config", &self.config.inner)
            .field("credentials", &self.credentials)
            .finish_non_exhaustive()
    }
}

/// The environment variable of the base URL.
pub const ENV_BASE_URL: &str = "BEISEN_BASE_URL";
/// The environment variable of the `app_key`.
pub const ENV_APP_KEY: &str = "BEISEN_APP_KEY";
/// The environment variable of the `app_secret`.
pub const ENV_APP_SECRET: &str = "BEISEN_APP_SECRET";

impl BeisenClientBuilder {
    /// Reads the base URL and the JSON-flow credentials from the
    /// environment, over what was set before: `BEISEN_BASE_URL` (optional,
    /// default [`DEFAULT_BASE_URL`]), `BEISEN_APP_KEY` and
    /// `BEISEN_APP_SECRET` (both or neither; neither keeps the credentials
    /// given to [`credentials`](Self::credentials)). One without the other,
    /// or neither without credentials, is an invalid-request error naming
    /// the variable that is missing. Empty values count as unset.
    ///
    /// ```no_run
    /// let client = beisen_client::BeisenClient::builder().from_env()?.build()?;
    /// # let _ = client; Ok::<_, beisen_client::Error>(())
    /// ```
    pub fn from_env(mut self) -> Result<Self> {
        if let Some(url) = env_var(ENV_BASE_URL) {
            self.config.set_base_url(url);
        }
        match (env_var(ENV_APP_KEY), env_var(ENV_APP_SECRET)) {
            (None, None) if self.credentials.is_some() => {}
            (key, secret) => {
                // The first variable missing is the one the error names.
                let key = key.map_or_else(|| require_env(ENV_APP_KEY), Ok)?;
                let secret = secret.map_or_else(|| require_env(ENV_APP_SECRET), Ok)?;
                self.credentials = Some(Credentials::app_key(key, secret));
            }
        }
        Ok(self)
    }

    /// How long a scroll survives between calls (default the documented
    /// 10 s); the streams use it to recognise an expired scroll.
    pub fn scroll_idle(mut self, idle: Duration) -> Self {
        self.scroll_idle = idle;
        self
    }

    /// Checks the configuration and builds the client. Nothing is sent
    /// until the first call.
    pub fn build(self) -> Result<BeisenClient> {
        let credentials = self.credentials.ok_or_else(|| {
            Error::invalid_request(
                "credentials",
                format!(
                    "no credentials: call `credentials(..)` or set {ENV_APP_KEY} and {ENV_APP_SECRET}"
                ),
            )
        })?;
        let configure = |b: TransportBuilder| {
            b.vendor_errors(envelope::vendor_error)
                .transient_when(envelope::is_transient)
                .forbidden_hint(FORBIDDEN_HINT)
                .request_id_headers(["x-paas-request-id", "x-request-id"])
        };
        let config = self.config.resolved();
        let (_, transport) = config.token_and_api_transports(
            SERVICE,
            ENV_BASE_URL,
            Some(DEFAULT_LIMITS),
            configure,
            |token_transport| {
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
                Ok(TokenCache::new(Shared(provider)))
            },
        )?;
        Ok(BeisenClient {
            inner: Arc::new(Inner {
                transport,
                zone: self.config.time_zone(),
                scroll_idle: self.scroll_idle,
                concurrency: self.config.concurrency().unwrap_or(DEFAULT_CONCURRENCY),
            }),
        })
    }
}

struct Inner {
    transport: Transport,
    zone: FixedOffset,
    scroll_idle: Duration,
    concurrency: usize,
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

impl ApiClient for BeisenClient {
    fn transport(&self) -> &Transport {
        &self.inner.transport
    }
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
    pub fn builder() -> BeisenClientBuilder {
        BeisenClientBuilder {
            config: Config {
                inner: ClientConfig::new(Some(DEFAULT_BASE_URL)),
                rate_limits: None,
                group_limits: Vec::new(),
                limiter: false,
            },
            credentials: None,
            scroll_idle: Duration::from_secs(10),
        }
    }

    /// A client from the environment (see [`BeisenClientBuilder::from_env`]) with
    /// the library defaults.
    ///
    /// ```no_run
    /// let client = beisen_client::BeisenClient::from_env()?;
    /// # let _ = client; Ok::<_, beisen_client::Error>(())
    /// ```
    pub fn from_env() -> Result<Self> {
        Self::builder().from_env()?.build()
    }

    /// The transport, for its token cache or retry budget.
    pub fn transport(&self) -> &Transport {
        &self.inner.transport
    }

    /// The counters of every call so far (calls, attempts, retries, auth
    /// retries, throttle waits).
    pub fn stats(&self) -> TransportStats {
        self.inner.transport.stats()
    }

    /// How many pieces a window stream fetches at once unless told otherwise
    /// (the builder's [`concurrency`](BeisenClientBuilder::concurrency), default
    /// [`DEFAULT_CONCURRENCY`]).
    pub fn concurrency(&self) -> usize {
        self.inner.concurrency
    }

    /// The zone of civil date-times.
    pub fn time_zone(&self) -> FixedOffset {
        self.inner.zone
    }

    pub(crate) fn scroll_idle(&self) -> Duration {
        self.inner.scroll_idle
    }
}
