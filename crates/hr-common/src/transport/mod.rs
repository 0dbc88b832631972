//! The HTTP transport every vendor client sends through.
//!
//! One [`Transport`] wraps one pooled `reqwest::Client` and adds what each
//! vendor client would otherwise get wrong on its own:
//!
//! - bearer auth from a [`TokenCache`], with one invalidate-and-retry when
//!   the API rejects the token, and never a loop;
//! - a per-attempt timeout (default 30 s) and an overall deadline per call
//!   (default [`DEFAULT_DEADLINE`], 2 minutes) that bounds limiter waits,
//!   token fetches, attempts and backoff sleeps together;
//! - retries with capped exponential backoff and jitter on connect errors,
//!   timeouts, 408, 429 (honouring `Retry-After`) and 5xx, only for calls
//!   marked idempotent, that failed before they were sent, or that were
//!   refused with 429 ([`RetryPolicy::retry_throttled_writes`]), paid for from
//!   a shared [`RetryBudget`] so that a failing vendor is not hit harder;
//! - a client-side [`RateLimiter`] per endpoint group;
//! - one `tracing` span per call (`service`, `method`, `path`, `status`,
//!   `attempt`, `elapsed_ms`), with no secret in it;
//! - refusal of plain `http://` except to loopback, of redirects to another
//!   origin (unless [`allow_cross_origin_redirects`](TransportBuilder::allow_cross_origin_redirects)),
//!   and no `Authorization` header carried to another host;
//! - a cap on buffered response bodies ([`DEFAULT_MAX_RESPONSE_BYTES`]);
//! - vendor error bodies turned into [`Error::Api`] by a per-vendor decoder,
//!   and every error naming the host, the attempts and the time spent once
//!   the call retried ([`Error::call`]).
//!
//! ```no_run
//! use std::sync::Arc;
//! use hr_common::transport::{Limits, Request, Transport, WindowLimiter};
//! use hr_common::{auth::StaticToken, TokenCache};
//!
//! # async fn run() -> hr_common::Result<()> {
//! let transport = Transport::builder("beisen", "https://openapi.italent.cn")
//!     .token_cache(TokenCache::new(StaticToken::new("token")))
//!     .rate_limiter(Arc::new(WindowLimiter::new(Limits::new(Some(50), Some(1500)))))
//!     .build()?;
//! let resp = transport
//!     .send(Request::post("/TenantBaseExternal/api/v5/Organization/GetByIds")
//!         .json(&serde_json::json!({"oIds": [900000]}))?
//!         .idempotent(true))
//!     .await?;
//! let body: serde_json::Value = resp.json()?;
//! # let _ = body; Ok(()) }
//! ```

mod budget;
mod options;
mod rate_limit;
#[cfg(feature = "redis")]
mod redis_limiter;
mod request;
mod retry;
mod scheme;

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use futures::Stream;
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HeaderMap, HeaderValue, RETRY_AFTER};
use tokio::time::Instant;
use tracing::Instrument;
use url::Url;

use crate::auth::{AccessToken, TokenCache};
use crate::error::{
    AuthErrorKind, CallInfo, Error, GaveUp, Result, TransportErrorKind, body_excerpt,
};

pub use budget::RetryBudget;
pub use options::CallOptions;
pub use rate_limit::{
    DEFAULT_HEADROOM, Limits, MAX_MINUTE_STALL, Permit, Priority, RateLimiter, WindowLimiter,
};
#[cfg(feature = "redis")]
pub use redis_limiter::{RedisLimiter, RedisLimiterBuilder};
pub use request::{Body, Request, Response, decode_json};
pub use retry::{RETRY_AFTER_CLAMP, RetryPolicy, parse_retry_after};
pub use scheme::is_loopback_url;

/// The overall deadline of one call unless the builder sets another:
/// limiter waits, token fetch, every attempt and every backoff or
/// `Retry-After` sleep together. Against a vendor that never answers,
/// three attempts of the default 30 s fit in it and it cuts the fourth
/// short (of the default five); a call that cannot finish in 2 minutes is
/// better reported than left hanging. Downloads
/// ([`Transport::send_streaming`]) are bounded by it until their headers
/// arrive, then by the gap between chunks.
pub const DEFAULT_DEADLINE: Duration = Duration::from_secs(120);

/// The largest buffered response body accepted unless the builder sets
/// another: 32 MiB, well above any real page (a 300-record Beisen page is
/// about 1 MB). Downloads through [`Transport::send_streaming`] are not
/// capped by it.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 32 * 1024 * 1024;

/// Redirects followed per attempt, all to the same origin unless
/// [`TransportBuilder::allow_cross_origin_redirects`] says otherwise.
pub const MAX_REDIRECTS: usize = 5;

/// Token refreshes one call may make after its token was rejected (HTTP
/// 401). More than one: a token can be revoked between a refresh and the
/// retry (a server that revokes on a schedule, or another process fetching
/// a token for the same app); a server that rejects every token still ends
/// the call after this many fresh tokens, with
/// [`AuthErrorKind::TokenRejected`].
///
/// ```
/// // Three attempts at most for a call whose tokens are all rejected.
/// assert_eq!(hr_common::transport::MAX_AUTH_REFRESHES, 2);
/// ```
pub const MAX_AUTH_REFRESHES: u32 = 2;

/// A vendor's own error, read from an error body.
///
/// ```
/// let e = hr_common::transport::VendorError::new("invalid_token", "check_token error");
/// assert_eq!(e.code, "invalid_token");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct VendorError {
    /// The vendor's code, as a string.
    pub code: String,
    /// The vendor's message.
    pub message: String,
}

impl VendorError {
    /// A vendor error.
    pub fn new(code: impl Into<String>, message: impl Into<String>) -> Self {
        VendorError {
            code: code.into(),
            message: message.into(),
        }
    }
}

type VendorErrorFn = dyn Fn(&Response) -> Option<VendorError> + Send + Sync;
type AuthRejectedFn = dyn Fn(&Response) -> bool + Send + Sync;

/// Counters kept by a [`Transport`], readable at any time.
///
/// ```
/// # let transport = hr_common::transport::Transport::builder("x", "https://example.com").build().unwrap();
/// let stats = transport.stats();
/// assert_eq!(stats.calls, 0);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct TransportStats {
    /// Calls to [`Transport::send`] and [`Transport::send_streaming`].
    pub calls: u64,
    /// HTTP attempts made, retries and auth retries included.
    pub attempts: u64,
    /// Attempts repeated after a transient failure.
    pub retries: u64,
    /// Attempts repeated after the API rejected a token.
    pub auth_retries: u64,
    /// Responses with status 429.
    pub throttled: u64,
    /// Calls that ended in an error.
    pub failures: u64,
    /// Retries the [`RetryBudget`] refused because it was spent.
    pub budget_refusals: u64,
}

#[derive(Default)]
struct Counters {
    calls: AtomicU64,
    attempts: AtomicU64,
    retries: AtomicU64,
    auth_retries: AtomicU64,
    throttled: AtomicU64,
    failures: AtomicU64,
    budget_refusals: AtomicU64,
}

struct Inner {
    service: &'static str,
    http: reqwest::Client,
    base_url: Url,
    tokens: Option<TokenCache>,
    auth_scheme: String,
    retry: RetryPolicy,
    budget: RetryBudget,
    attempt_timeout: Duration,
    deadline: Option<Duration>,
    max_response_bytes: usize,
    limiter: Option<Arc<dyn RateLimiter>>,
    vendor_error: Option<Arc<VendorErrorFn>>,
    auth_rejected: Arc<AuthRejectedFn>,
    transient_when: Option<Arc<AuthRejectedFn>>,
    forbidden_hint: Option<String>,
    request_id_headers: Vec<String>,
    allow_http: bool,
    /// Sent per request when the `reqwest::Client` came from the caller,
    /// which would otherwise keep its own agent.
    user_agent: Option<HeaderValue>,
    counters: Counters,
}

/// A configured HTTP transport for one vendor. Cheap to clone; clones share
/// the connection pool, token cache, limiter and counters.
#[derive(Clone)]
pub struct Transport {
    inner: Arc<Inner>,
}

impl fmt::Debug for Transport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Transport")
            .field("service", &self.inner.service)
            .field("base_url", &self.inner.base_url.as_str())
            .field("retry", &self.inner.retry)
            .field("attempt_timeout", &self.inner.attempt_timeout)
            .field("deadline", &self.inner.deadline)
            .field("retry_budget", &self.inner.budget)
            .field("max_response_bytes", &self.inner.max_response_bytes)
            .finish_non_exhaustive()
    }
}

/// Builds a [`Transport`]; see [`Transport::builder`].
#[must_use]
pub struct TransportBuilder {
    service: &'static str,
    base_url: String,
    http: Option<reqwest::Client>,
    tokens: Option<TokenCache>,
    auth_scheme: String,
    retry: RetryPolicy,
    budget: Option<RetryBudget>,
    connect_timeout: Duration,
    attempt_timeout: Duration,
    deadline: Option<Duration>,
    max_response_bytes: usize,
    allow_cross_origin_redirects: bool,
    limiter: Option<Arc<dyn RateLimiter>>,
    vendor_error: Option<Arc<VendorErrorFn>>,
    auth_rejected: Arc<AuthRejectedFn>,
    transient_when: Option<Arc<AuthRejectedFn>>,
    forbidden_hint: Option<String>,
    request_id_headers: Vec<String>,
    user_agent: String,
    user_agent_set: bool,
    allow_http: bool,
}

impl TransportBuilder {
    /// Uses an existing `reqwest::Client`: another transport's
    /// ([`Transport::http_client`]) to share one connection pool, or one of
    /// your own (a proxy, custom roots). A client of your own brings its own
    /// redirect policy, gzip and connect timeout; the per-attempt timeouts
    /// set here still apply.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// Sends a bearer token from this cache with every request that does not
    /// opt out with [`Request::without_auth`].
    pub fn token_cache(mut self, cache: TokenCache) -> Self {
        self.tokens = Some(cache);
        self
    }

    /// The word before the token in `Authorization` (default `Bearer`; ISDP
    /// documents lower-case `bearer`).
    pub fn auth_scheme(mut self, scheme: impl Into<String>) -> Self {
        self.auth_scheme = scheme.into();
        self
    }

    /// The retry policy (default [`RetryPolicy::default`]).
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Timeout for establishing a connection (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Timeout for one attempt, body included (default 30 s).
    pub fn attempt_timeout(mut self, timeout: Duration) -> Self {
        self.attempt_timeout = timeout;
        self
    }

    /// Deadline for a whole call: limiter waits, token fetch, attempts and
    /// the sleeps between them (default [`DEFAULT_DEADLINE`], 2 minutes).
    /// A retry whose wait would pass it is not made; the call ends with the
    /// last error, or a [`TransportErrorKind::Deadline`] error when the
    /// deadline cut an attempt short.
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = Some(deadline);
        self
    }

    /// Removes the overall deadline: each attempt is still bounded by the
    /// per-attempt timeout, and retries by the policy and the budget, but
    /// limiter waits and token fetches are not. Prefer a long
    /// [`deadline`](Self::deadline).
    pub fn without_deadline(mut self) -> Self {
        self.deadline = None;
        self
    }

    /// The retry budget this transport draws on (default: a budget of its
    /// own, [`RetryBudget::default`]). Pass a clone of one budget to several
    /// transports to share it, e.g. a token transport and an API transport.
    pub fn retry_budget(mut self, budget: RetryBudget) -> Self {
        self.budget = Some(budget);
        self
    }

    /// The largest response body [`Transport::send`] reads (default
    /// [`DEFAULT_MAX_RESPONSE_BYTES`], 32 MiB). Checked against
    /// `Content-Length` before reading and while reading, chunk by chunk, so
    /// that a runaway or hostile response cannot exhaust memory. Downloads
    /// through [`Transport::send_streaming`] are not capped by it.
    pub fn max_response_bytes(mut self, limit: usize) -> Self {
        self.max_response_bytes = limit;
        self
    }

    /// Follows redirects to another origin (scheme, host or port) too
    /// (default no: such a redirect ends the call with a
    /// [`TransportErrorKind::Redirect`] error, since its answer would be
    /// taken for the vendor's). The token is never sent to another origin
    /// either way. Has no effect with a client of your own
    /// ([`http_client`](Self::http_client)), which brings its own policy.
    pub fn allow_cross_origin_redirects(mut self, allow: bool) -> Self {
        self.allow_cross_origin_redirects = allow;
        self
    }

    /// The client-side rate limiter.
    pub fn rate_limiter(mut self, limiter: Arc<dyn RateLimiter>) -> Self {
        self.limiter = Some(limiter);
        self
    }

    /// How to read the vendor's code and message from an error body. Used for
    /// every non-2xx response.
    pub fn vendor_errors(
        mut self,
        decode: impl Fn(&Response) -> Option<VendorError> + Send + Sync + 'static,
    ) -> Self {
        self.vendor_error = Some(Arc::new(decode));
        self
    }

    /// Which responses mean "token rejected" (default: HTTP 401). A vendor
    /// that signals a dead token inside an HTTP 200 body plugs that in here.
    pub fn auth_rejected_when(
        mut self,
        rejected: impl Fn(&Response) -> bool + Send + Sync + 'static,
    ) -> Self {
        self.auth_rejected = Arc::new(rejected);
        self
    }

    /// Which 2xx responses carry a transient vendor failure (a "system busy"
    /// code in the envelope) and should be retried like a 5xx, under the
    /// same idempotency rules. The error comes from the vendor decoder.
    pub fn transient_when(
        mut self,
        transient: impl Fn(&Response) -> bool + Send + Sync + 'static,
    ) -> Self {
        self.transient_when = Some(Arc::new(transient));
        self
    }

    /// Text appended to 403 errors, e.g. Beisen's trusted-IP list advice.
    pub fn forbidden_hint(mut self, hint: impl Into<String>) -> Self {
        self.forbidden_hint = Some(hint.into());
        self
    }

    /// Response headers that carry the vendor's request id, first match wins
    /// (default `x-request-id`, `x-ca-request-id`, `request-id`, `x-trace-id`).
    pub fn request_id_headers(
        mut self,
        names: impl IntoIterator<Item = impl Into<String>>,
    ) -> Self {
        self.request_id_headers = names.into_iter().map(Into::into).collect();
        self
    }

    /// The `User-Agent` header.
    pub fn user_agent(mut self, agent: impl Into<String>) -> Self {
        self.user_agent = agent.into();
        self.user_agent_set = true;
        self
    }

    /// Allows plain `http://` to hosts other than loopback. Tokens and
    /// personal data then cross the network unencrypted: only for a trusted
    /// internal gateway.
    pub fn danger_allow_http(mut self, allow: bool) -> Self {
        self.allow_http = allow;
        self
    }

    /// Checks the configuration and builds the transport.
    pub fn build(self) -> Result<Transport> {
        let base_url = Url::parse(&self.base_url).map_err(|e| {
            Error::invalid_request("base_url", format!("`{}` is not a URL: {e}", self.base_url))
        })?;
        scheme::check(&base_url, self.allow_http)
            .map_err(|message| Error::invalid_request("base_url", message))?;

        let user_agent =
            match (&self.http, self.user_agent_set) {
                (Some(_), true) => Some(HeaderValue::from_str(&self.user_agent).map_err(|_| {
                    Error::invalid_request("user_agent", "not a valid header value")
                })?),
                _ => None,
            };
        let http = match self.http {
            Some(client) => client,
            None => {
                let allow_http = self.allow_http;
                let cross_origin = self.allow_cross_origin_redirects;
                reqwest::Client::builder()
                    .connect_timeout(self.connect_timeout)
                    .pool_idle_timeout(Duration::from_secs(60))
                    .user_agent(self.user_agent)
                    .gzip(true)
                    .redirect(reqwest::redirect::Policy::custom(move |attempt| {
                        // `previous` holds every URL requested so far, the
                        // original first.
                        if attempt.previous().len() > MAX_REDIRECTS {
                            return attempt.error(format!("more than {MAX_REDIRECTS} redirects"));
                        }
                        if let Err(message) = scheme::check(attempt.url(), allow_http) {
                            return attempt.error(message);
                        }
                        let origin = attempt.url().origin();
                        if !cross_origin
                            && attempt
                                .previous()
                                .first()
                                .is_some_and(|u| u.origin() != origin)
                        {
                            // The origin only: a path or query may carry a ticket.
                            let to = origin.ascii_serialization();
                            return attempt.error(format!(
                                "refused redirect to another origin {to} \
                                 (allow_cross_origin_redirects to follow it)"
                            ));
                        }
                        attempt.follow()
                    }))
                    .build()
                    .map_err(|e| {
                        Error::transport(TransportErrorKind::Request, false, e.to_string())
                            .with_source(e)
                    })?
            }
        };

        Ok(Transport {
            inner: Arc::new(Inner {
                service: self.service,
                http,
                base_url,
                tokens: self.tokens,
                auth_scheme: self.auth_scheme,
                retry: self.retry,
                budget: self.budget.unwrap_or_default(),
                attempt_timeout: self.attempt_timeout,
                deadline: self.deadline,
                max_response_bytes: self.max_response_bytes,
                limiter: self.limiter,
                vendor_error: self.vendor_error,
                auth_rejected: self.auth_rejected,
                transient_when: self.transient_when,
                forbidden_hint: self.forbidden_hint,
                request_id_headers: self.request_id_headers,
                allow_http: self.allow_http,
                user_agent,
                counters: Counters::default(),
            }),
        })
    }
}

/// What one attempt produced.
enum Step {
    Done(Output),
    /// The API rejected the token; invalidate it and try once more.
    AuthRejected(Response),
    Failed(Error, Option<Duration>),
    /// A 2xx whose body the vendor hook calls transient.
    Transient(Error),
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Buffered,
    Streaming,
}

enum Output {
    Buffered(Response),
    Streaming(StreamingResponse),
}

/// A response whose body is read as it arrives; see [`Transport::send_streaming`].
pub struct StreamingResponse {
    status: u16,
    headers: HeaderMap,
    inner: reqwest::Response,
    idle_timeout: Duration,
}

impl fmt::Debug for StreamingResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StreamingResponse")
            .field("status", &self.status)
            .finish_non_exhaustive()
    }
}

impl StreamingResponse {
    /// The HTTP status.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The body as a stream of chunks. Each chunk must arrive within the
    /// per-attempt timeout of the last one; the whole body may take longer.
    pub fn into_stream(self) -> impl Stream<Item = Result<bytes::Bytes>> + Send + 'static {
        let idle = self.idle_timeout;
        let path = self.inner.url().path().to_owned();
        futures::stream::try_unfold(self.inner, move |mut resp| {
            let path = path.clone();
            async move {
                match tokio::time::timeout(idle, resp.chunk()).await {
                    Ok(Ok(Some(chunk))) => Ok(Some((chunk, resp))),
                    Ok(Ok(None)) => Ok(None),
                    Ok(Err(e)) => Err(classify(e, &path)),
                    Err(_) => Err(Error::transport(
                        TransportErrorKind::Timeout,
                        true,
                        format!("download stalled: no data for {idle:?} ({path})"),
                    )),
                }
            }
        })
    }
}

impl Transport {
    /// Starts a builder for `service` (used in errors and spans, e.g.
    /// `"beisen"`) with its base URL.
    ///
    /// ```
    /// use hr_common::transport::Transport;
    ///
    /// let err = Transport::builder("isdp", "http://isdp.example.com").build().unwrap_err();
    /// assert!(err.to_string().contains("plain http://"));
    /// assert!(Transport::builder("isdp", "http://127.0.0.1:8080").build().is_ok());
    /// ```
    pub fn builder(service: &'static str, base_url: impl Into<String>) -> TransportBuilder {
        TransportBuilder {
            service,
            base_url: base_url.into(),
            http: None,
            tokens: None,
            auth_scheme: "Bearer".into(),
            retry: RetryPolicy::default(),
            budget: None,
            connect_timeout: Duration::from_secs(10),
            attempt_timeout: Duration::from_secs(30),
            deadline: Some(DEFAULT_DEADLINE),
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            allow_cross_origin_redirects: false,
            limiter: None,
            vendor_error: None,
            auth_rejected: Arc::new(|resp: &Response| resp.status() == 401),
            transient_when: None,
            forbidden_hint: None,
            request_id_headers: [
                "x-request-id",
                "x-ca-request-id",
                "request-id",
                "x-trace-id",
            ]
            .into_iter()
            .map(String::from)
            .collect(),
            user_agent: concat!("hr-sdk/", env!("CARGO_PKG_VERSION")).into(),
            user_agent_set: false,
            allow_http: false,
        }
    }

    /// The vendor name given to the builder.
    pub fn service(&self) -> &'static str {
        self.inner.service
    }

    /// The base URL.
    pub fn base_url(&self) -> &Url {
        &self.inner.base_url
    }

    /// The base URL's host (and port when not the scheme's default), as
    /// errors show it.
    pub(crate) fn host(&self) -> String {
        host_of(self.base_url())
    }

    /// The underlying `reqwest::Client`; clones share its connection pool,
    /// so a token transport and an API transport can use one pool.
    ///
    /// ```
    /// use hr_common::transport::Transport;
    ///
    /// let api = Transport::builder("beisen", "https://openapi.italent.cn").build()?;
    /// let tokens = Transport::builder("beisen", "https://openapi.italent.cn")
    ///     .http_client(api.http_client())
    ///     .build()?;
    /// # let _ = tokens; Ok::<_, hr_common::Error>(())
    /// ```
    pub fn http_client(&self) -> reqwest::Client {
        self.inner.http.clone()
    }

    /// The token cache, if the transport sends tokens.
    pub fn token_cache(&self) -> Option<&TokenCache> {
        self.inner.tokens.as_ref()
    }

    /// The rate limiter every call waits on, if one is set; shared with
    /// other transports it was given to.
    pub fn rate_limiter(&self) -> Option<&Arc<dyn RateLimiter>> {
        self.inner.limiter.as_ref()
    }

    /// The retry budget this transport draws on. Clones share the bucket:
    /// a paging stream charges it ([`RetryBudget::try_charge`]) before it
    /// restarts a scroll, so restarts and retries have one limit.
    pub fn retry_budget(&self) -> &RetryBudget {
        &self.inner.budget
    }

    /// The retry policy.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.inner.retry
    }

    /// The overall deadline of one call, if there is one.
    pub fn deadline(&self) -> Option<Duration> {
        self.inner.deadline
    }

    /// The per-attempt timeout.
    pub fn attempt_timeout(&self) -> Duration {
        self.inner.attempt_timeout
    }

    /// The largest buffered response body accepted.
    pub fn max_response_bytes(&self) -> usize {
        self.inner.max_response_bytes
    }

    /// A snapshot of the counters.
    pub fn stats(&self) -> TransportStats {
        let c = &self.inner.counters;
        TransportStats {
            calls: c.calls.load(Ordering::Relaxed),
            attempts: c.attempts.load(Ordering::Relaxed),
            retries: c.retries.load(Ordering::Relaxed),
            auth_retries: c.auth_retries.load(Ordering::Relaxed),
            throttled: c.throttled.load(Ordering::Relaxed),
            failures: c.failures.load(Ordering::Relaxed),
            budget_refusals: c.budget_refusals.load(Ordering::Relaxed),
        }
    }

    /// Sends a call and reads the whole body. Non-2xx statuses become errors;
    /// a 2xx body that carries a vendor error is for the vendor crate to read.
    pub async fn send(&self, req: Request) -> Result<Response> {
        match self.execute(&req, Mode::Buffered).await? {
            Output::Buffered(resp) => Ok(resp),
            Output::Streaming(_) => unreachable!("buffered mode returns buffered output"),
        }
    }

    /// Sends a call and returns as soon as the headers of a 2xx response
    /// arrive, for downloads. Retries cover the call up to that point.
    pub async fn send_streaming(&self, req: Request) -> Result<StreamingResponse> {
        match self.execute(&req, Mode::Streaming).await? {
            Output::Streaming(resp) => Ok(resp),
            Output::Buffered(_) => unreachable!("streaming mode returns streaming output"),
        }
    }

    /// Resolves a path against the base URL, or checks an absolute URL.
    pub fn url_for(&self, path: &str) -> Result<Url> {
        let url = if path.starts_with("http://") || path.starts_with("https://") {
            Url::parse(path)
        } else {
            let base = self.inner.base_url.as_str().trim_end_matches('/');
            Url::parse(&format!("{base}/{}", path.trim_start_matches('/')))
        }
        .map_err(|e| {
            Error::invalid_request("path", format!("`{path}` does not make a URL: {e}"))
        })?;
        scheme::check(&url, self.inner.allow_http).map_err(|m| Error::invalid_request("url", m))?;
        Ok(url)
    }

    fn fail(&self, err: Error) -> Error {
        self.inner.counters.failures.fetch_add(1, Ordering::Relaxed);
        err
    }

    async fn execute(&self, req: &Request, mode: Mode) -> Result<Output> {
        self.inner.counters.calls.fetch_add(1, Ordering::Relaxed);
        let mut url = match self.url_for(&req.path) {
            Ok(url) => url,
            Err(e) => return Err(self.fail(e)),
        };
        if !req.query.is_empty() {
            url.query_pairs_mut().extend_pairs(req.query.iter());
        }
        let span = tracing::info_span!(
            "hr_request",
            service = self.inner.service,
            method = %req.method,
            path = url.path(),
            status = tracing::field::Empty,
            attempt = tracing::field::Empty,
            elapsed_ms = tracing::field::Empty,
        );
        let started = Instant::now();
        let mut tally = Tally::default();
        let result = self
            .execute_in_span(req, &url, started, mode, &mut tally)
            .instrument(span.clone())
            .await;
        let elapsed = started.elapsed();
        span.record("elapsed_ms", elapsed.as_millis() as u64);
        match result {
            Ok(output) => {
                self.inner.budget.record_success();
                Ok(output)
            }
            Err(e) => {
                let e = e.or_context(self.inner.service, || CallInfo {
                    gave_up: tally.gave_up,
                    ..CallInfo::new(host_of(&url), tally.attempts, elapsed)
                });
                tracing::debug!(parent: &span, error = %e, "call failed");
                Err(self.fail(e))
            }
        }
    }

    async fn execute_in_span(
        &self,
        req: &Request,
        url: &Url,
        started: Instant,
        mode: Mode,
        tally: &mut Tally,
    ) -> Result<Output> {
        let inner = &*self.inner;
        let policy = req.retry.as_ref().unwrap_or(&inner.retry);
        // `None` also when the deadline is too far to represent.
        let deadline = req
            .deadline
            .unwrap_or(inner.deadline)
            .and_then(|d| started.checked_add(d).map(|at| (at, d)));
        // Attempts that count toward `max_attempts`: neither the repeat after
        // a token refresh nor a throttle wait does.
        let mut attempt: u32 = 0;
        let mut retries: u32 = 0;
        let mut throttle_waits: u32 = 0;
        let mut auth_refreshes: u32 = 0;

        loop {
            attempt += 1;
            tracing::Span::current().record("attempt", tally.attempts + 1);

            // The token first, the permit last: a permit granted before a
            // token fetch would be spent late, and the vendor, counting
            // arrivals, would see the next second's permits too soon.
            let token = match (&inner.tokens, req.auth) {
                (Some(cache), true) => Some(
                    within_deadline(deadline, cache.token())
                        .await
                        .inspect_err(|_| tally.gave_up = Some(GaveUp::Deadline))??,
                ),
                _ => None,
            };
            // Held until the attempt is over: the limiter counts the
            // request until then.
            let permit = match &inner.limiter {
                Some(limiter) => Some(
                    within_deadline(deadline, limiter.acquire_permit(&req.group, req.priority))
                        .await
                        .inspect_err(|_| tally.gave_up = Some(GaveUp::Deadline))??,
                ),
                None => None,
            };
            let timeout = attempt_timeout(req.timeout.unwrap_or(inner.attempt_timeout), deadline)
                .inspect_err(|_| tally.gave_up = Some(GaveUp::Deadline))?;
            inner.counters.attempts.fetch_add(1, Ordering::Relaxed);
            tally.attempts += 1;

            let mut vendor_transient = false;
            let step = self
                .attempt(req, url, token.as_ref(), timeout, tally.attempts, mode)
                .await;
            drop(permit);
            let (err, retry_after) = match step {
                Step::Done(output) => return Ok(output),
                Step::AuthRejected(resp) => {
                    if auth_refreshes >= MAX_AUTH_REFRESHES {
                        return Err(self.auth_error(&resp, AuthErrorKind::TokenRejected));
                    }
                    auth_refreshes += 1;
                    // The retry after a refresh is not a retry of a
                    // transient failure, so it does not use up an attempt.
                    attempt -= 1;
                    inner.counters.auth_retries.fetch_add(1, Ordering::Relaxed);
                    if let (Some(cache), Some(token)) = (&inner.tokens, &token) {
                        cache.invalidate(token);
                    }
                    tracing::debug!(auth_refreshes, "token rejected; refreshing it and retrying");
                    continue;
                }
                Step::Failed(err, retry_after) => (err, retry_after),
                Step::Transient(err) => {
                    vendor_transient = true;
                    (err, None)
                }
            };

            // An attempt the deadline cut short ran out of call time, not
            // of attempt time: say so.
            if let (Some((at, limit)), Error::Transport { kind, sent, .. }) = (deadline, &err)
                && *kind == TransportErrorKind::Timeout
                && Instant::now() >= at
            {
                tally.gave_up = Some(GaveUp::Deadline);
                return Err(deadline_error(*sent, limit, url.path()));
            }

            // A 429 means the server refused the call without processing it,
            // so repeating even a write is safe unless the policy says no.
            let throttled = matches!(err, Error::RateLimited { .. });
            let refused_unprocessed = throttled && policy.retries_throttled_writes();
            let safe_to_repeat = req.idempotent || err.is_unsent() || refused_unprocessed;
            let transient = vendor_transient
                || match &err {
                    Error::Transport { .. } | Error::RateLimited { .. } => err.is_retryable(),
                    Error::Status { status, .. }
                    | Error::Api {
                        status: Some(status),
                        ..
                    } => crate::error::is_retryable_status(*status),
                    _ => false,
                };
            if !(transient && safe_to_repeat) {
                return Err(err);
            }
            if retry_after.is_some_and(|after| after > policy.get_max_retry_after()) {
                // Minutes of sleep inside one call help nobody: the error
                // carries the wait for the caller to schedule.
                tally.gave_up = Some(GaveUp::RetryAfterTooLong);
                return Err(err);
            }
            // A 429 that says how long to wait is pacing, not failure: it
            // does not use up an attempt, but an allowance of its own.
            let throttle_wait = throttled && retry_after.is_some();
            if throttle_wait {
                if throttle_waits >= policy.get_max_throttle_waits() {
                    tally.gave_up = Some(GaveUp::ThrottleLimit);
                    return Err(err);
                }
            } else if attempt >= policy.get_max_attempts() {
                tally.gave_up = Some(GaveUp::MaxAttempts);
                return Err(err);
            }
            let wait = retry_after.unwrap_or_else(|| policy.backoff(retries + 1));
            if let Some((at, _)) = deadline
                && Instant::now()
                    .checked_add(wait)
                    .is_none_or(|wake| wake >= at)
            {
                tally.gave_up = Some(GaveUp::Deadline);
                return Err(err);
            }
            if !inner.budget.try_charge(&err) {
                inner
                    .counters
                    .budget_refusals
                    .fetch_add(1, Ordering::Relaxed);
                tally.gave_up = Some(GaveUp::RetryBudget);
                tracing::debug!(error = %err, "retry budget spent; not retrying");
                return Err(err);
            }
            if throttle_wait {
                throttle_waits += 1;
                attempt -= 1;
            } else {
                retries += 1;
            }
            inner.counters.retries.fetch_add(1, Ordering::Relaxed);
            tracing::debug!(error = %err, wait_ms = wait.as_millis() as u64, "retrying");
            tokio::time::sleep(wait).await;
        }
    }

    async fn attempt(
        &self,
        req: &Request,
        url: &Url,
        token: Option<&AccessToken>,
        timeout: Duration,
        attempt: u32,
        mode: Mode,
    ) -> Step {
        let inner = &*self.inner;
        let resp = match self.send_once(req, url, token, timeout, mode).await {
            Ok(resp) => resp,
            Err(e) => return Step::Failed(e, None),
        };
        let status = resp.status().as_u16();
        tracing::Span::current().record("status", status);
        let success = (200..300).contains(&status);
        if success && mode == Mode::Streaming {
            return Step::Done(Output::Streaming(StreamingResponse {
                status,
                headers: resp.headers().clone(),
                inner: resp,
                idle_timeout: timeout,
            }));
        }
        let headers = resp.headers().clone();
        let body = match read_body(resp, inner.max_response_bytes, url.path()).await {
            Ok(body) => body,
            Err(e) => return Step::Failed(e, None),
        };
        let full = Response {
            request_id: self.request_id(&headers),
            status,
            headers,
            body,
            service: Some(inner.service),
            attempts: attempt,
        };
        if token.is_some() && (inner.auth_rejected)(&full) {
            return Step::AuthRejected(full);
        }
        if success {
            if let Some(transient) = &inner.transient_when
                && transient(&full)
            {
                return Step::Transient(self.vendor_or_status_error(&full));
            }
            return Step::Done(Output::Buffered(full));
        }
        if status == 429 {
            inner.counters.throttled.fetch_add(1, Ordering::Relaxed);
        }
        let retry_after = retry_after_of(&full.headers);
        Step::Failed(self.status_error(&full, req.auth), retry_after)
    }

    async fn send_once(
        &self,
        req: &Request,
        url: &Url,
        token: Option<&AccessToken>,
        timeout: Duration,
        mode: Mode,
    ) -> Result<reqwest::Response> {
        let mut builder = self
            .inner
            .http
            .request(req.method.clone(), url.clone())
            .headers(req.headers.clone());
        if let Some(agent) = &self.inner.user_agent {
            builder = builder.header(reqwest::header::USER_AGENT, agent.clone());
        }
        if mode == Mode::Buffered {
            // Covers the body too; a download instead gets an idle timeout
            // per chunk, or a large file could never finish.
            builder = builder.timeout(timeout);
        }
        // The token is for the vendor's API only: an absolute URL to another
        // origin (a download link, a redirect target) never receives it.
        let own_origin = url.origin() == self.inner.base_url.origin();
        if !own_origin && token.is_some() {
            tracing::debug!(
                host = url.host_str(),
                "not sending the token to another origin"
            );
        }
        if let Some(token) = token.filter(|_| own_origin) {
            use secrecy::ExposeSecret;
            let mut value = HeaderValue::from_str(&format!(
                "{} {}",
                self.inner.auth_scheme,
                token.secret.expose_secret()
            ))
            .map_err(|_| {
                Error::auth(
                    AuthErrorKind::TokenFetch,
                    "the token holds characters not allowed in a header",
                )
            })?;
            value.set_sensitive(true);
            builder = builder.header(AUTHORIZATION, value);
        }
        builder = match &req.body {
            None => builder,
            Some(Body::Json(bytes)) => builder
                .header(CONTENT_TYPE, HeaderValue::from_static("application/json"))
                .body(bytes.clone()),
            Some(Body::Form(bytes)) => builder
                .header(
                    CONTENT_TYPE,
                    HeaderValue::from_static("application/x-www-form-urlencoded"),
                )
                .body(bytes.clone()),
            Some(Body::Raw {
                content_type,
                bytes,
            }) => builder
                .header(
                    CONTENT_TYPE,
                    HeaderValue::from_str(content_type).map_err(|_| {
                        Error::invalid_request(
                            "content_type",
                            format!("`{content_type}` is not a header value"),
                        )
                    })?,
                )
                .body(bytes.clone()),
        };
        let path = url.path();
        match mode {
            Mode::Buffered => builder.send().await.map_err(|e| classify(e, path)),
            Mode::Streaming => match tokio::time::timeout(timeout, builder.send()).await {
                Ok(result) => result.map_err(|e| classify(e, path)),
                Err(_) => Err(Error::transport(
                    TransportErrorKind::Timeout,
                    true,
                    format!("no response headers within {timeout:?} ({path})"),
                )),
            },
        }
    }

    fn request_id(&self, headers: &HeaderMap) -> Option<String> {
        self.inner
            .request_id_headers
            .iter()
            .find_map(|name| headers.get(name.as_str())?.to_str().ok())
            .map(str::to_owned)
    }

    fn auth_error(&self, resp: &Response, kind: AuthErrorKind) -> Error {
        let vendor = self.inner.vendor_error.as_ref().and_then(|f| f(resp));
        let mut message = match &vendor {
            Some(v) if !v.message.trim().is_empty() => v.message.clone(),
            _ => body_excerpt(&resp.body),
        };
        if let (AuthErrorKind::Forbidden, Some(hint)) = (kind, &self.inner.forbidden_hint) {
            message = if message.is_empty() {
                hint.clone()
            } else {
                format!("{message} ({hint})")
            };
        }
        let mut err = Error::auth(kind, message)
            .with_service(self.inner.service)
            .with_status(resp.status)
            .with_request_id(resp.request_id.clone());
        if let Some(v) = vendor {
            err = err.with_code(v.code);
        }
        err
    }

    fn status_error(&self, resp: &Response, authed: bool) -> Error {
        let status = resp.status;
        match status {
            401 => {
                let kind = if authed {
                    AuthErrorKind::TokenRejected
                } else {
                    AuthErrorKind::TokenFetch
                };
                return self.auth_error(resp, kind);
            }
            403 => return self.auth_error(resp, AuthErrorKind::Forbidden),
            429 => {
                let vendor = self.inner.vendor_error.as_ref().and_then(|f| f(resp));
                let (code, message) = vendor.map(|v| (v.code, v.message)).unzip();
                return Error::throttled(retry_after_of(&resp.headers), code, message)
                    .with_service(self.inner.service)
                    .with_status(429)
                    .with_request_id(resp.request_id.clone());
            }
            _ => {}
        }
        self.vendor_or_status_error(resp)
            .with_retry_after(retry_after_of(&resp.headers))
    }

    /// An [`Error::Api`] when the vendor decoder recognises the body,
    /// otherwise an [`Error::Status`].
    fn vendor_or_status_error(&self, resp: &Response) -> Error {
        let service = self.inner.service;
        let err = match self.inner.vendor_error.as_ref().and_then(|f| f(resp)) {
            Some(v) => Error::api(service, v.code, v.message),
            None => Error::unexpected_status(resp.status, &resp.body).with_service(service),
        };
        err.with_status(resp.status)
            .with_request_id(resp.request_id.clone())
    }
}

/// What the retry loop tells the caller about a call that failed.
#[derive(Default)]
struct Tally {
    /// HTTP attempts sent, all of them.
    attempts: u32,
    gave_up: Option<GaveUp>,
}

/// `host` or `host:port` when the port is not the scheme's default.
fn host_of(url: &Url) -> String {
    let host = url.host_str().unwrap_or_default();
    match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_owned(),
    }
}

/// Reads a whole body, refusing one larger than `limit` bytes: by its
/// `Content-Length` before reading anything, and while reading, chunk by
/// chunk, for a body that announced nothing or less than it sends.
async fn read_body(mut resp: reqwest::Response, limit: usize, path: &str) -> Result<Bytes> {
    let too_large = |seen: String| {
        Error::transport(
            TransportErrorKind::BodyTooLarge,
            true,
            format!(
                "response body {seen} exceeds the limit of {limit} bytes ({path}); \
                 raise it with max_response_bytes if the vendor really sends that much"
            ),
        )
    };
    let announced = resp.content_length();
    if let Some(n) = announced
        && n > limit as u64
    {
        return Err(too_large(format!("of {n} bytes (Content-Length)")));
    }
    let mut body = BytesMut::with_capacity(announced.map_or(0, |n| n as usize).min(1 << 20));
    while let Some(chunk) = resp.chunk().await.map_err(|e| classify(e, path))? {
        if chunk.len() > limit - body.len() {
            return Err(too_large(format!(
                "of more than {} bytes",
                body.len() + chunk.len()
            )));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}

fn retry_after_of(headers: &HeaderMap) -> Option<Duration> {
    headers
        .get(RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(parse_retry_after)
}

/// The deadline as an instant and as the configured length.
type Deadline = Option<(Instant, Duration)>;

fn attempt_timeout(per_attempt: Duration, deadline: Deadline) -> Result<Duration> {
    match deadline {
        None => Ok(per_attempt),
        Some((at, limit)) => {
            let left = at.saturating_duration_since(Instant::now());
            if left.is_zero() {
                Err(deadline_error(false, limit, "before sending"))
            } else {
                Ok(per_attempt.min(left))
            }
        }
    }
}

async fn within_deadline<F: Future>(deadline: Deadline, fut: F) -> Result<F::Output> {
    match deadline {
        None => Ok(fut.await),
        Some((at, limit)) => tokio::time::timeout_at(at, fut)
            .await
            .map_err(|_| deadline_error(false, limit, "before sending")),
    }
}

/// The deadline passed; `sent` tells whether a request was on the wire.
fn deadline_error(sent: bool, limit: Duration, whereabouts: &str) -> Error {
    Error::transport(
        TransportErrorKind::Deadline,
        sent,
        format!("the call's overall deadline of {limit:?} passed ({whereabouts})"),
    )
}

/// Maps a reqwest error to a transport error, recording whether the request
/// could have reached the server.
fn classify(e: reqwest::Error, path: &str) -> Error {
    let (kind, sent) = if e.is_connect() {
        (TransportErrorKind::Connect, false)
    } else if e.is_timeout() {
        (TransportErrorKind::Timeout, true)
    } else if e.is_redirect() {
        (TransportErrorKind::Redirect, true)
    } else if e.is_builder() {
        (TransportErrorKind::Request, false)
    } else {
        (TransportErrorKind::Io, true)
    };
    // reqwest's Display would include the URL with its query string, which
    // can carry tickets or personal data: keep the path only.
    let e = e.without_url();
    let mut message = format!("{e} ({path})");
    let mut source = std::error::Error::source(&e);
    while let Some(s) = source {
        message.push_str(": ");
        message.push_str(&s.to_string());
        source = s.source();
    }
    Error::transport(kind, sent, message).with_source(e)
}
