//! The one builder vocabulary of the three clients.
//!
//! Every client builder (`BeisenClient::builder()`, `IsdpClient::builder()`,
//! `TravelSyncClient::builder()`) holds a [`ClientConfig`] and gets the same
//! setters from [`client_builder_setters!`](crate::client_builder_setters):
//!
//! | setter | meaning | default |
//! |---|---|---|
//! | `base_url` | the vendor's host | the vendor's, where it has one |
//! | `credentials` | the vendor's credentials type | required (or `from_env`) |
//! | `timeout` | one HTTP attempt, body included | 30 s |
//! | `connect_timeout` | establishing a connection | 10 s |
//! | `deadline` / `without_deadline` | one call, retries and waits included | [`DEFAULT_DEADLINE`] |
//! | `retry` | [`RetryPolicy`] | 5 attempts |
//! | `retry_budget` | [`RetryBudget`] shared by token and API calls | 500 tokens per client |
//! | `rate_limits` / `group_limits` / `rate_limiter` | client-side pacing | the vendor's documented limits |
//! | `concurrency` | calls a stream or push keeps in flight | the vendor's |
//! | `time_zone` | zone of the vendor's civil date-times | UTC+8 |
//! | `user_agent` | the `User-Agent` header | `hr-sdk/<version>` |
//! | `http_client` | a shared `reqwest::Client` | one per client |
//! | `danger_allow_http` | plain `http://` to a non-loopback host | refused |
//!
//! and `from_env()`, which reads the variables each client documents.

use std::sync::Arc;
use std::time::Duration;

use chrono::FixedOffset;

use crate::error::{Error, Result};
use crate::transport::{
    DEFAULT_DEADLINE, Limits, RateLimiter, RetryBudget, RetryPolicy, Transport, TransportBuilder,
    WindowLimiter,
};
use crate::{CHINA_STANDARD_TIME, TokenCache};

/// Per-attempt timeout unless a builder sets another.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// Connect timeout unless a builder sets another.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// The settings every client builder shares. Vendor builders hold one and
/// read it when they build; users meet it only through the builders'
/// setters.
///
/// ```
/// use std::time::Duration;
/// use hr_common::config::ClientConfig;
///
/// let mut config = ClientConfig::new(Some("https://api.example.com"));
/// config.set_timeout(Duration::from_secs(5));
/// assert_eq!(config.timeout(), Duration::from_secs(5));
/// assert_eq!(config.base_url(), Some("https://api.example.com"));
/// ```
#[derive(Clone)]
pub struct ClientConfig {
    base_url: Option<String>,
    timeout: Duration,
    connect_timeout: Duration,
    deadline: Option<Duration>,
    retry: RetryPolicy,
    retry_budget: Option<RetryBudget>,
    rate_limits: Option<Limits>,
    group_limits: Vec<(String, Limits)>,
    rate_limiter: Option<Arc<dyn RateLimiter>>,
    concurrency: Option<usize>,
    time_zone: FixedOffset,
    user_agent: Option<String>,
    http_client: Option<reqwest::Client>,
    allow_http: bool,
}

impl std::fmt::Debug for ClientConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientConfig")
            .field("base_url", &self.base_url)
            .field("timeout", &self.timeout)
            .field("deadline", &self.deadline)
            .field("rate_limits", &self.rate_limits)
            .field("concurrency", &self.concurrency)
            .field("time_zone", &self.time_zone)
            .finish_non_exhaustive()
    }
}

impl ClientConfig {
    /// Library defaults, with the vendor's default host if it has one.
    pub fn new(default_base_url: Option<&str>) -> Self {
        ClientConfig {
            base_url: default_base_url.map(str::to_owned),
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            deadline: Some(DEFAULT_DEADLINE),
            retry: RetryPolicy::default(),
            retry_budget: None,
            rate_limits: None,
            group_limits: Vec::new(),
            rate_limiter: None,
            concurrency: None,
            time_zone: CHINA_STANDARD_TIME,
            user_agent: None,
            http_client: None,
            allow_http: false,
        }
    }

    /// Sets the base URL.
    pub fn set_base_url(&mut self, url: impl Into<String>) {
        self.base_url = Some(url.into());
    }
    /// Sets the per-attempt timeout.
    pub fn set_timeout(&mut self, timeout: Duration) {
        self.timeout = timeout;
    }
    /// Sets the connect timeout.
    pub fn set_connect_timeout(&mut self, timeout: Duration) {
        self.connect_timeout = timeout;
    }
    /// Sets (`Some`) or lifts (`None`) the overall deadline of a call.
    pub fn set_deadline(&mut self, deadline: Option<Duration>) {
        self.deadline = deadline;
    }
    /// Sets the retry policy.
    pub fn set_retry(&mut self, policy: RetryPolicy) {
        self.retry = policy;
    }
    /// Sets the retry budget.
    pub fn set_retry_budget(&mut self, budget: RetryBudget) {
        self.retry_budget = Some(budget);
    }
    /// Sets the limits of every group without its own.
    pub fn set_rate_limits(&mut self, limits: Limits) {
        self.rate_limits = Some(limits);
    }
    /// Sets the limits of one group.
    pub fn set_group_limits(&mut self, group: impl Into<String>, limits: Limits) {
        let group = group.into();
        self.group_limits.retain(|(g, _)| *g != group);
        self.group_limits.push((group, limits));
    }
    /// Replaces the limiter built from the limits with one of the caller's.
    pub fn set_rate_limiter(&mut self, limiter: Arc<dyn RateLimiter>) {
        self.rate_limiter = Some(limiter);
    }
    /// Sets the concurrency (at least 1).
    pub fn set_concurrency(&mut self, n: usize) {
        self.concurrency = Some(n.max(1));
    }
    /// Sets the zone of civil date-times.
    pub fn set_time_zone(&mut self, zone: FixedOffset) {
        self.time_zone = zone;
    }
    /// Sets the `User-Agent`.
    pub fn set_user_agent(&mut self, agent: impl Into<String>) {
        self.user_agent = Some(agent.into());
    }
    /// Shares a `reqwest::Client`.
    pub fn set_http_client(&mut self, client: reqwest::Client) {
        self.http_client = Some(client);
    }
    /// Allows plain `http://` to non-loopback hosts.
    pub fn set_danger_allow_http(&mut self, allow: bool) {
        self.allow_http = allow;
    }

    /// The base URL, if set or defaulted.
    pub fn base_url(&self) -> Option<&str> {
        self.base_url.as_deref()
    }
    /// The per-attempt timeout.
    pub fn timeout(&self) -> Duration {
        self.timeout
    }
    /// The overall deadline of a call, if any.
    pub fn deadline(&self) -> Option<Duration> {
        self.deadline
    }
    /// The retry policy.
    pub fn retry(&self) -> &RetryPolicy {
        &self.retry
    }
    /// The concurrency, if set.
    pub fn concurrency(&self) -> Option<usize> {
        self.concurrency
    }
    /// The zone of civil date-times.
    pub fn time_zone(&self) -> FixedOffset {
        self.time_zone
    }

    /// The base URL, or an error naming the setter and the variable.
    pub fn require_base_url(&self, env_var: &str) -> Result<&str> {
        self.base_url.as_deref().ok_or_else(|| {
            Error::invalid_request(
                "base_url",
                format!("no base URL: call `base_url(..)` or set {env_var}"),
            )
        })
    }

    /// The rate limiter: the caller's own, or one built from the limits
    /// over `default_limits` (the vendor's documented ones), if any.
    pub fn rate_limiter(&self, default_limits: Option<Limits>) -> Option<Arc<dyn RateLimiter>> {
        if let Some(limiter) = &self.rate_limiter {
            return Some(limiter.clone());
        }
        let limits = self.rate_limits.or(default_limits);
        if limits.is_none() && self.group_limits.is_empty() {
            return None;
        }
        let mut limiter = WindowLimiter::new(limits.unwrap_or(Limits::new(None, None)));
        for (group, l) in &self.group_limits {
            limiter = limiter.with_group(group.clone(), *l);
        }
        Some(Arc::new(limiter))
    }

    /// A transport builder for `service` with every shared setting applied
    /// (timeouts, deadline, retry policy, budget, user agent, HTTP client,
    /// `http://` policy). Vendor crates add their envelope hooks, the token
    /// cache and the limiter.
    pub fn transport_builder(
        &self,
        service: &'static str,
        env_var: &str,
    ) -> Result<TransportBuilder> {
        let mut b = Transport::builder(service, self.require_base_url(env_var)?)
            .connect_timeout(self.connect_timeout)
            .attempt_timeout(self.timeout)
            .retry(self.retry.clone())
            .danger_allow_http(self.allow_http);
        b = match self.deadline {
            Some(d) => b.deadline(d),
            None => b.without_deadline(),
        };
        if let Some(budget) = &self.retry_budget {
            b = b.retry_budget(budget.clone());
        }
        if let Some(agent) = &self.user_agent {
            b = b.user_agent(agent.clone());
        }
        if let Some(http) = &self.http_client {
            b = b.http_client(http.clone());
        }
        Ok(b)
    }

    /// The two transports of a client with its own token endpoint: the token
    /// transport first (`configure` applied, no token cache), then the API
    /// transport sharing its connection pool and retry budget, with the
    /// token cache `tokens` makes from the token transport and the rate
    /// limiter. `configure` adds the vendor's hooks to both.
    pub fn token_and_api_transports(
        &self,
        service: &'static str,
        env_var: &str,
        default_limits: Option<Limits>,
        configure: impl Fn(TransportBuilder) -> TransportBuilder,
        tokens: impl FnOnce(&Transport) -> Result<TokenCache>,
    ) -> Result<(Transport, Transport)> {
        // One budget for both, so a failing vendor cannot double the load
        // through the token endpoint.
        let budget = self.retry_budget.clone().unwrap_or_default();
        let token_transport = configure(
            self.transport_builder(service, env_var)?
                .retry_budget(budget.clone()),
        )
        .build()?;
        let cache = tokens(&token_transport)?;
        let mut api = configure(
            self.transport_builder(service, env_var)?
                .retry_budget(budget)
                .http_client(token_transport.http_client()),
        )
        .token_cache(cache);
        if let Some(limiter) = self.rate_limiter(default_limits) {
            api = api.rate_limiter(limiter);
        }
        Ok((token_transport, api.build()?))
    }
}

/// A non-empty environment variable.
pub fn env_var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// A required environment variable, or an error that names it.
pub fn require_env(name: &str) -> Result<String> {
    env_var(name).ok_or_else(|| {
        Error::invalid_request(name, format!("the environment variable {name} is not set"))
    })
}

/// Writes the shared setters on a client builder that has a field
/// `config: ClientConfig` (and, with `credentials: Type`, a field
/// `credentials: Option<Type>` and its setter); each setter's meaning and
/// default is in the [`config`](crate::config) module table. The builder
/// struct, `build` and `from_env` are written by hand in the vendor crate.
#[macro_export]
macro_rules! client_builder_setters {
    ($builder:ty, credentials: $credentials:ty) => {
        impl $builder {
            #[doc = concat!("How the client authenticates: a [`", stringify!($credentials), "`].")]
            pub fn credentials(mut self, credentials: $credentials) -> Self {
                self.credentials = Some(credentials);
                self
            }
        }
        $crate::client_builder_setters!($builder);
    };
    ($builder:ty) => {
        impl $builder {
            /// The API's base URL. Plain `http://` is accepted for loopback
            /// addresses only (a local simulator) unless
            /// [`danger_allow_http`](Self::danger_allow_http).
            pub fn base_url(mut self, url: impl Into<String>) -> Self {
                self.config.set_base_url(url);
                self
            }

            /// Timeout of one HTTP attempt, body included (default 30 s).
            pub fn timeout(mut self, timeout: ::std::time::Duration) -> Self {
                self.config.set_timeout(timeout);
                self
            }

            /// Timeout for establishing a connection (default 10 s).
            pub fn connect_timeout(mut self, timeout: ::std::time::Duration) -> Self {
                self.config.set_connect_timeout(timeout);
                self
            }

            /// Deadline of one call: token fetch, limiter waits, attempts
            /// and backoff included (default 2 minutes). A hung or failing
            /// vendor ends a call by then with an error naming the host, the
            /// attempts and the time spent.
            pub fn deadline(mut self, deadline: ::std::time::Duration) -> Self {
                self.config.set_deadline(Some(deadline));
                self
            }

            /// Lifts the overall deadline: attempts stay bounded by the
            /// timeout, retries by the policy and the retry budget.
            pub fn without_deadline(mut self) -> Self {
                self.config.set_deadline(None);
                self
            }

            /// The retry policy (default 5 attempts, 200 ms first backoff).
            /// Reads are retried on 429, 5xx and timeouts; writes only when
            /// they provably were not sent or were refused with 429.
            pub fn retry(mut self, policy: $crate::transport::RetryPolicy) -> Self {
                self.config.set_retry(policy);
                self
            }

            /// The retry budget (default a fresh one of 500 tokens per
            /// client, shared by its token and API calls). Give several
            /// clients one budget to bound them together.
            pub fn retry_budget(mut self, budget: $crate::transport::RetryBudget) -> Self {
                self.config.set_retry_budget(budget);
                self
            }

            /// Limits of every rate-limiter group without its own (default:
            /// the vendor's documented limits, if it documents any).
            pub fn rate_limits(mut self, limits: $crate::transport::Limits) -> Self {
                self.config.set_rate_limits(limits);
                self
            }

            /// Limits of one rate-limiter group (see the client's docs for
            /// its groups).
            pub fn group_limits(
                mut self,
                group: impl Into<String>,
                limits: $crate::transport::Limits,
            ) -> Self {
                self.config.set_group_limits(group, limits);
                self
            }

            /// A rate limiter of your own (one shared by several clients or
            /// processes); replaces the limits.
            pub fn rate_limiter(
                mut self,
                limiter: ::std::sync::Arc<dyn $crate::transport::RateLimiter>,
            ) -> Self {
                self.config.set_rate_limiter(limiter);
                self
            }

            /// How many calls a stream or a push keeps in flight (at least
            /// 1; default: the client's documented value).
            pub fn concurrency(mut self, n: usize) -> Self {
                self.config.set_concurrency(n);
                self
            }

            /// The zone of the vendor's civil date-times (default UTC+8).
            pub fn time_zone(mut self, zone: $crate::__private::FixedOffset) -> Self {
                self.config.set_time_zone(zone);
                self
            }

            /// The `User-Agent` header (default `hr-sdk/<version>`; a client
            /// given to [`http_client`](Self::http_client) keeps its own
            /// unless this is set).
            pub fn user_agent(mut self, agent: impl Into<String>) -> Self {
                self.config.set_user_agent(agent);
                self
            }

            /// Shares a `reqwest::Client` (its connection pool, proxy and
            /// roots). Such a client brings its own connect timeout and
            /// redirect policy; a [`user_agent`](Self::user_agent) set here
            /// is still sent.
            pub fn http_client(mut self, client: $crate::__private::HttpClient) -> Self {
                self.config.set_http_client(client);
                self
            }

            /// Allows plain `http://` to a non-loopback host (a trusted
            /// internal gateway only: tokens and personal data then travel
            /// unencrypted).
            pub fn danger_allow_http(mut self, allow: bool) -> Self {
                self.config.set_danger_allow_http(allow);
                self
            }
        }
    };
}
