//! [`IsdpClient`] and its builder.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use hr_common::transport::{
    DEFAULT_DEADLINE, Limits, RateLimiter, Request, Response, RetryBudget, RetryPolicy,
    StreamingResponse, Transport, TransportStats, WindowLimiter,
};
use hr_common::{Error, Result, SecretString, TokenCache, TokenProvider};
use serde::Serialize;

use crate::envelope::{self, SERVICE};
use crate::token::{Credentials, PasswordGrant};

/// The production host.
pub const PRODUCTION_URL: &str = "https://isdpcloud.huawei.com";
/// The beta host.
pub const BETA_URL: &str = "https://isdpcloud-beta.sd.huawei.com";

/// Pages fetched at once by the offset streams unless told otherwise.
pub const DEFAULT_PAGE_CONCURRENCY: usize = 4;

/// A client of one ISDP+ tenant. Cheap to clone; clones share the
/// connection pool, the token cache and the rate limiter.
///
/// ```
/// use isdp_client::IsdpClient;
///
/// let client = IsdpClient::builder("https://isdpcloud-beta.sd.huawei.com")
///     .client_id("my-client")
///     .client_secret("my-client")
///     .username("app-id")
///     .password("app-token")
///     .build()?;
/// # let _ = client; Ok::<(), hr_common::Error>(())
/// ```
#[derive(Clone)]
pub struct IsdpClient {
    pub(crate) api: Transport,
    pub(crate) tokens: TokenCache,
    pub(crate) page_concurrency: usize,
}

impl fmt::Debug for IsdpClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IsdpClient")
            .field("base_url", &self.api.base_url().as_str())
            .field("page_concurrency", &self.page_concurrency)
            .finish_non_exhaustive()
    }
}

impl IsdpClient {
    /// Starts a builder. There is no default host: pass [`PRODUCTION_URL`],
    /// [`BETA_URL`] or your tenant's gateway. Plain `http://` is accepted
    /// for loopback only.
    pub fn builder(base_url: impl Into<String>) -> IsdpClientBuilder {
        IsdpClientBuilder {
            base_url: base_url.into(),
            client_id: None,
            client_secret: None,
            username: None,
            password: None,
            provider: None,
            retry: None,
            attempt_timeout: None,
            connect_timeout: None,
            deadline: None,
            retry_budget: RetryBudget::default(),
            limiter: None,
            page_concurrency: DEFAULT_PAGE_CONCURRENCY,
        }
    }

    /// Person reads, writes and the export.
    pub fn persons(&self) -> crate::person::Persons<'_> {
        crate::person::Persons { client: self }
    }

    /// The token cache, e.g. to warm it up or to count fetches.
    pub fn token_cache(&self) -> &TokenCache {
        &self.tokens
    }

    /// The transport's counters (calls, attempts, retries, auth retries).
    pub fn stats(&self) -> TransportStats {
        self.api.stats()
    }

    /// How many pages the offset streams fetch at once.
    pub fn page_concurrency(&self) -> usize {
        self.page_concurrency
    }

    pub(crate) async fn post<B: Serialize + ?Sized>(
        &self,
        path: &'static str,
        body: &B,
        idempotent: bool,
    ) -> Result<Response> {
        let req = Request::post(path)
            .json(body)?
            .idempotent(idempotent)
            .group(group_of(path));
        self.api.send(req).await
    }

    /// Sends a request built by hand (multipart uploads).
    pub(crate) async fn send_request(&self, req: Request) -> Result<Response> {
        let group = group_of(req.path());
        self.api.send(req.group(group)).await
    }

    pub(crate) async fn post_streaming<B: Serialize + ?Sized>(
        &self,
        path: &'static str,
        body: &B,
    ) -> Result<StreamingResponse> {
        let req = Request::post(path)
            .json(body)?
            .idempotent(true)
            .group(group_of(path));
        self.api.send_streaming(req).await
    }
}

/// Limiter groups: one per API area, so a rate limit can be set per area.
fn group_of(path: &str) -> &'static str {
    if path.contains("/person/") || path.contains("/excelRecord/") || path.contains("/file/") {
        "person"
    } else {
        "org"
    }
}

/// Builds an [`IsdpClient`]; see [`IsdpClient::builder`].
#[must_use]
pub struct IsdpClientBuilder {
    base_url: String,
    client_id: Option<String>,
    client_secret: Option<SecretString>,
    username: Option<String>,
    password: Option<SecretString>,
    provider: Option<TokenCache>,
    retry: Option<RetryPolicy>,
    attempt_timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    deadline: Option<Duration>,
    retry_budget: RetryBudget,
    limiter: Option<Arc<dyn RateLimiter>>,
    page_concurrency: usize,
}

impl IsdpClientBuilder {
    /// `client_id`. `client_secret` defaults to the same value, as ISDP+
    /// issues them.
    pub fn client_id(mut self, id: impl Into<String>) -> Self {
        self.client_id = Some(id.into());
        self
    }

    /// `client_secret` (older documents: the fixed `isdp-saas-openapi`).
    pub fn client_secret(mut self, secret: impl Into<String>) -> Self {
        self.client_secret = Some(SecretString::from(secret.into()));
        self
    }

    /// `username`: the application id.
    pub fn username(mut self, username: impl Into<String>) -> Self {
        self.username = Some(username.into());
        self
    }

    /// `password`: the application token.
    pub fn password(mut self, password: impl Into<String>) -> Self {
        self.password = Some(SecretString::from(password.into()));
        self
    }

    /// Uses your own token source instead of the password grant (a vault,
    /// a token shared between processes). It still goes through a
    /// [`TokenCache`].
    pub fn token_provider(mut self, provider: impl TokenProvider) -> Self {
        self.provider = Some(TokenCache::new(provider));
        self
    }

    /// The retry policy for transient failures (default: hr-common's).
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// Timeout of one attempt, body included (default 30 s); for downloads,
    /// the longest gap between two chunks.
    pub fn attempt_timeout(mut self, timeout: Duration) -> Self {
        self.attempt_timeout = Some(timeout);
        self
    }

    /// Timeout for establishing a connection (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// Deadline for one call, token fetch, limiter waits, retries and
    /// backoff included (default [`DEFAULT_DEADLINE`], 2 minutes).
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = Some(deadline);
        self
    }

    /// The retry budget (default: a fresh one of 500 tokens per client,
    /// shared by the token and API calls). Every retry draws on it, so a
    /// failing vendor cannot multiply the requests.
    pub fn retry_budget(mut self, budget: RetryBudget) -> Self {
        self.retry_budget = budget;
        self
    }

    /// A client-side rate limit for every API call (ISDP+ documents none,
    /// but tenants have quotas).
    pub fn rate_limit(mut self, limits: Limits) -> Self {
        self.limiter = Some(Arc::new(WindowLimiter::new(limits)));
        self
    }

    /// A rate limiter of your own, e.g. one shared by several processes.
    /// Groups: `"person"` (persons, export, files), `"org"` (organisations,
    /// roles, positions), `"token"`.
    pub fn rate_limiter(mut self, limiter: Arc<dyn RateLimiter>) -> Self {
        self.limiter = Some(limiter);
        self
    }

    /// How many pages the offset streams fetch at once after the first
    /// (default [`DEFAULT_PAGE_CONCURRENCY`]; 1 for strictly one at a time).
    /// Concurrent calls still pass the rate limiter one by one.
    pub fn page_concurrency(mut self, n: usize) -> Self {
        self.page_concurrency = n.max(1);
        self
    }

    /// Builds the client. Nothing is sent until the first call.
    pub fn build(self) -> Result<IsdpClient> {
        let configure = |mut b: hr_common::transport::TransportBuilder| {
            if let Some(policy) = &self.retry {
                b = b.retry(policy.clone());
            }
            if let Some(t) = self.attempt_timeout {
                b = b.attempt_timeout(t);
            }
            if let Some(t) = self.connect_timeout {
                b = b.connect_timeout(t);
            }
            b = b
                .deadline(self.deadline.unwrap_or(DEFAULT_DEADLINE))
                .retry_budget(self.retry_budget.clone());
            if let Some(l) = &self.limiter {
                b = b.rate_limiter(l.clone());
            }
            b.auth_scheme("bearer")
                .vendor_errors(envelope::vendor_error)
        };
        let token_transport =
            configure(Transport::builder(SERVICE, self.base_url.clone())).build()?;
        let tokens = match self.provider {
            Some(cache) => cache,
            None => {
                let missing = |field: &str| {
                    Error::invalid_request(
                        field,
                        format!("`{field}` is required (or give a token_provider)"),
                    )
                };
                let client_id = self.client_id.ok_or_else(|| missing("client_id"))?;
                let client_secret = self
                    .client_secret
                    .unwrap_or_else(|| SecretString::from(client_id.clone()));
                let credentials = Credentials {
                    client_id,
                    client_secret,
                    username: self.username.ok_or_else(|| missing("username"))?,
                    password: self.password.ok_or_else(|| missing("password"))?,
                };
                TokenCache::new(PasswordGrant::new(token_transport.clone(), credentials))
            }
        };
        let api = configure(Transport::builder(SERVICE, self.base_url))
            .http_client(token_transport.http_client())
            .token_cache(tokens.clone())
            .build()?;
        Ok(IsdpClient {
            api,
            tokens,
            page_concurrency: self.page_concurrency,
        })
    }
}

impl fmt::Debug for IsdpClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IsdpClientBuilder")
            .field("base_url", &self.base_url)
            .field("client_id", &self.client_id)
            .field("username", &self.username)
            .finish_non_exhaustive()
    }
}
