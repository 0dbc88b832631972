//! The client and its builder.

use std::sync::Arc;
use std::time::Duration;

use chrono::FixedOffset;
use hr_common::config::{ClientConfig, env_var, require_env};
use hr_common::endpoint::ApiClient;
use hr_common::transport::{Limits, Transport, TransportBuilder, TransportStats};
use hr_common::{Error, Result, SecretString, TokenCache, TokenProvider};

use crate::auth::{AppKeyTokens, OAuthTokens};
use crate::envelope::{self, SERVICE};

/// Where Beisen's OpenAPI lives.
pub const DEFAULT_BASE_URL: &str = "https://openapi.italent.cn";

/// The documented limits of an endpoint without limits of its own: 50
/// calls a second and 1,500 a minute, per tenant and endpoint.
pub const DEFAULT_LIMITS: Limits = Limits::new(Some(50), Some(1500));

/// Pieces a window stream fetches at once unless the builder or the stream
/// says otherwise.
pub const DEFAULT_CONCURRENCY: usize = 1;

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
    config: ClientConfig,
    credentials: Option<Credentials>,
    scroll_idle: Duration,
}

hr_common::client_builder_setters!(BeisenClientBuilder, credentials: Credentials);

impl std::fmt::Debug for BeisenClientBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BeisenClientBuilder")
            .field("config", &self.config)
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
        let (_, transport) = self.config.token_and_api_transports(
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
            config: ClientConfig::new(Some(DEFAULT_BASE_URL)),
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
