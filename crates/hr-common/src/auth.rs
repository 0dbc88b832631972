//! Access tokens: the [`TokenProvider`] trait each vendor implements, and the
//! [`TokenCache`] every client puts in front of it.
//!
//! The cache follows smithy-rs' `expiring_cache`: one refresh in flight at a
//! time, refresh ahead of expiry, and a re-check under the lock so that tasks
//! that queued behind a refresh reuse its result instead of fetching again.
//! Unlike a fixed "refresh 5 minutes early" rule, the margin scales with the
//! token's lifetime, because ISDP tokens can live only 359 seconds.
//!
//! Expiry is kept on Tokio's monotonic clock ([`tokio::time::Instant`]):
//! a wall clock set back or forward (NTP, a suspended laptop) cannot make a
//! token look fresh or stale, and tests drive time with
//! `#[tokio::test(start_paused = true)]` and `tokio::time::advance`
//! instead of sleeping. Wall-clock time appears only where a vendor sends
//! an absolute expiry ([`AccessToken::expiring_at`]), which is converted to
//! the monotonic clock on receipt.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, SystemTime};

use tokio::time::Instant;

use async_trait::async_trait;
use futures::FutureExt;
use futures::future::{BoxFuture, Shared};
use secrecy::{ExposeSecret, SecretString};
use tracing::Instrument;

use crate::error::{Error, Result, TransportErrorKind};

/// A bearer token and when it stops working.
///
/// `Debug` never shows the secret:
///
/// ```
/// use std::time::Duration;
/// use hr_common::AccessToken;
///
/// let token = AccessToken::new("s3cr3t", Some(Duration::from_secs(7200)));
/// assert!(!format!("{token:?}").contains("s3cr3t"));
/// ```
#[derive(Clone)]
pub struct AccessToken {
    /// The token itself.
    pub secret: SecretString,
    /// When the vendor stops accepting it, on Tokio's monotonic clock;
    /// `None` when the vendor did not say (or named a time too far away to
    /// represent).
    pub expires_at: Option<Instant>,
}

impl AccessToken {
    /// A token that expires `expires_in` from now (`None`: unknown lifetime).
    ///
    /// A lifetime too large for the clock (a vendor sending `u64::MAX`)
    /// counts as unknown rather than panicking.
    ///
    /// ```
    /// use std::time::Duration;
    /// let t = hr_common::AccessToken::new("t", Some(Duration::MAX));
    /// assert_eq!(t.expires_at, None);
    /// ```
    pub fn new(secret: impl Into<String>, expires_in: Option<Duration>) -> Self {
        AccessToken {
            secret: SecretString::from(secret.into()),
            expires_at: expires_in.and_then(|d| Instant::now().checked_add(d)),
        }
    }

    /// A token with an absolute wall-clock expiry, e.g. from an
    /// epoch-seconds or epoch-milliseconds field.
    ///
    /// The time is converted to the monotonic clock on receipt: the token
    /// expires after the time between now and `expires_at` has passed,
    /// whatever the wall clock does meanwhile. A time already past gives an
    /// expired token; one too far away to represent counts as unknown.
    ///
    /// ```
    /// use std::time::{Duration, SystemTime};
    /// use hr_common::AccessToken;
    ///
    /// let t = AccessToken::expiring_at("t", SystemTime::now() + Duration::from_secs(600));
    /// assert!(t.expires_in().unwrap() > Duration::from_secs(590));
    /// assert!(AccessToken::expiring_at("t", SystemTime::UNIX_EPOCH).is_expired());
    /// ```
    pub fn expiring_at(secret: impl Into<String>, expires_at: SystemTime) -> Self {
        let left = expires_at
            .duration_since(SystemTime::now())
            .unwrap_or_default();
        AccessToken::new(secret, Some(left))
    }

    /// A token that expires at a point of Tokio's monotonic clock.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// use std::time::Duration;
    /// use tokio::time::Instant;
    /// use hr_common::AccessToken;
    ///
    /// let at = Instant::now() + Duration::from_secs(60);
    /// let t = AccessToken::expiring_at_instant("t", at);
    /// assert_eq!(t.expires_at, Some(at));
    /// # }
    /// ```
    pub fn expiring_at_instant(secret: impl Into<String>, expires_at: Instant) -> Self {
        AccessToken {
            secret: SecretString::from(secret.into()),
            expires_at: Some(expires_at),
        }
    }

    /// Whether the vendor would reject it now.
    pub fn is_expired(&self) -> bool {
        self.expires_at.is_some_and(|at| at <= Instant::now())
    }

    /// Time left before expiry, for logs (`None`: unknown).
    pub fn expires_in(&self) -> Option<Duration> {
        self.expires_at
            .map(|at| at.saturating_duration_since(Instant::now()))
    }

    fn same_secret(&self, other: &AccessToken) -> bool {
        self.secret.expose_secret() == other.secret.expose_secret()
    }
}

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccessToken")
            .field("secret", &"[REDACTED]")
            .field("expires_in", &self.expires_in())
            .finish()
    }
}

/// Fetches a fresh token from a vendor's token endpoint.
///
/// Vendor crates implement it (Beisen's two OAuth flows, ISDP's password
/// grant); users can implement it to plug in their own token service.
///
/// ```
/// use std::time::Duration;
/// use hr_common::{AccessToken, Result, TokenProvider};
///
/// struct FromVault;
///
/// #[async_trait::async_trait]
/// impl TokenProvider for FromVault {
///     async fn fetch_token(&self) -> Result<AccessToken> {
///         Ok(AccessToken::new("token-from-vault", Some(Duration::from_secs(600))))
///     }
/// }
/// ```
#[async_trait]
pub trait TokenProvider: Send + Sync + 'static {
    /// Fetches a new token. Called by [`TokenCache`] only, never concurrently
    /// with itself through one cache.
    async fn fetch_token(&self) -> Result<AccessToken>;
}

/// A provider that always hands out the same token, for tests and for tokens
/// managed outside the process.
///
/// ```
/// let provider = hr_common::auth::StaticToken::new("fixed");
/// let cache = hr_common::TokenCache::new(provider);
/// # let _ = cache;
/// ```
#[derive(Clone)]
pub struct StaticToken(SecretString);

impl StaticToken {
    /// Wraps a fixed token.
    pub fn new(secret: impl Into<String>) -> Self {
        StaticToken(SecretString::from(secret.into()))
    }
}

impl fmt::Debug for StaticToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("StaticToken([REDACTED])")
    }
}

#[async_trait]
impl TokenProvider for StaticToken {
    async fn fetch_token(&self) -> Result<AccessToken> {
        Ok(AccessToken {
            secret: self.0.clone(),
            expires_at: None,
        })
    }
}

/// When the [`TokenCache`] refreshes.
///
/// The refresh margin is `min(max_margin, lifetime × margin_ratio)`: a 7200 s
/// Beisen token is refreshed 300 s early, a 359 s ISDP token 72 s early.
///
/// ```
/// use std::time::Duration;
/// use hr_common::auth::TokenCacheConfig;
///
/// let config = TokenCacheConfig::default().max_margin(Duration::from_secs(120));
/// assert_eq!(config.margin_for(Duration::from_secs(359)), Duration::from_secs_f64(71.8));
/// assert_eq!(config.margin_for(Duration::from_secs(7200)), Duration::from_secs(120));
/// ```
#[derive(Debug, Clone)]
pub struct TokenCacheConfig {
    max_margin: Duration,
    margin_ratio: f64,
    fetch_timeout: Duration,
    failed_refresh_backoff: Duration,
}

impl Default for TokenCacheConfig {
    fn default() -> Self {
        TokenCacheConfig {
            max_margin: Duration::from_secs(300),
            margin_ratio: 0.2,
            fetch_timeout: Duration::from_secs(30),
            failed_refresh_backoff: Duration::from_secs(5),
        }
    }
}

impl TokenCacheConfig {
    /// The largest refresh margin (default 300 s).
    pub fn max_margin(mut self, margin: Duration) -> Self {
        self.max_margin = margin;
        self
    }

    /// The share of a token's lifetime spent in the margin (default 0.2).
    pub fn margin_ratio(mut self, ratio: f64) -> Self {
        // NaN would make `margin_for` panic in `mul_f64`.
        self.margin_ratio = if ratio.is_nan() {
            0.2
        } else {
            ratio.clamp(0.0, 0.9)
        };
        self
    }

    /// How long one token fetch may take (default 30 s).
    pub fn fetch_timeout(mut self, timeout: Duration) -> Self {
        self.fetch_timeout = timeout;
        self
    }

    /// After a refresh inside the margin fails while the old token still
    /// works, how long to keep using the old one before trying again (default 5 s).
    pub fn failed_refresh_backoff(mut self, backoff: Duration) -> Self {
        self.failed_refresh_backoff = backoff;
        self
    }

    /// The refresh margin for a token of the given lifetime.
    pub fn margin_for(&self, lifetime: Duration) -> Duration {
        lifetime.mul_f64(self.margin_ratio).min(self.max_margin)
    }
}

struct Cached {
    token: AccessToken,
    refresh_at: Option<Instant>,
}

type SharedFetch = Shared<BoxFuture<'static, Result<AccessToken>>>;

#[derive(Default)]
struct State {
    cached: Option<Cached>,
    /// The fetch in progress, shared by every caller that needs a token
    /// while it runs.
    inflight: Option<SharedFetch>,
}

impl State {
    fn usable(&self, now: Instant) -> Option<&AccessToken> {
        self.cached
            .as_ref()
            .map(|c| &c.token)
            .filter(|t| t.expires_at.is_none_or(|at| now < at))
    }

    fn fresh(&self, now: Instant) -> Option<&AccessToken> {
        let cached = self.cached.as_ref()?;
        let usable = self.usable(now)?;
        cached
            .refresh_at
            .is_none_or(|at| now < at)
            .then_some(usable)
    }
}

struct Inner {
    provider: Box<dyn TokenProvider>,
    config: TokenCacheConfig,
    state: RwLock<State>,
    fetches: AtomicU64,
    invalidations: AtomicU64,
}

/// Caches a [`TokenProvider`]'s token and refreshes it ahead of expiry.
///
/// - **Single flight.** However many tasks find the token stale at once,
///   exactly one fetch runs; the others wait for it and share its result,
///   error included.
/// - **Refresh ahead.** See [`TokenCacheConfig`]. If a refresh inside the
///   margin fails while the old token still works, the old token is used.
/// - **Invalidate once.** [`TokenCache::invalidate`] drops a token the API
///   rejected, but only if it is still the cached one: when 50 requests fail
///   with the same old token, only the first invalidation counts and one
///   fetch follows.
///
/// Cloning is cheap and shares the cache.
///
/// ```
/// use hr_common::{TokenCache, auth::StaticToken, ExposeSecret};
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// let cache = TokenCache::new(StaticToken::new("t-1"));
/// let token = cache.token().await?;
/// assert_eq!(token.secret.expose_secret(), "t-1");
/// assert_eq!(cache.fetch_count(), 1);
/// cache.token().await?;
/// assert_eq!(cache.fetch_count(), 1);
/// # Ok::<_, hr_common::Error>(()) }).unwrap();
/// ```
#[derive(Clone)]
pub struct TokenCache {
    inner: Arc<Inner>,
}

impl fmt::Debug for TokenCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.inner.state.read().unwrap_or_else(|e| e.into_inner());
        f.debug_struct("TokenCache")
            .field("token", &state.cached.as_ref().map(|c| &c.token))
            .field("fetches", &self.fetch_count())
            .finish()
    }
}

impl TokenCache {
    /// A cache with the default [`TokenCacheConfig`].
    pub fn new(provider: impl TokenProvider) -> Self {
        Self::with_config(provider, TokenCacheConfig::default())
    }

    /// A cache with an explicit configuration.
    pub fn with_config(provider: impl TokenProvider, config: TokenCacheConfig) -> Self {
        TokenCache {
            inner: Arc::new(Inner {
                provider: Box::new(provider),
                config,
                state: RwLock::new(State::default()),
                fetches: AtomicU64::new(0),
                invalidations: AtomicU64::new(0),
            }),
        }
    }

    /// A token that is valid now, fetching one if needed.
    ///
    /// The fetch runs in a task of its own: a caller that gives up (a
    /// timeout, a dropped future) does not cancel it for the others, and its
    /// result is cached for whoever asks next. Needs a Tokio runtime.
    pub async fn token(&self) -> Result<AccessToken> {
        if let Some(token) = self.read().fresh(Instant::now()) {
            return Ok(token.clone());
        }
        let fetch = {
            let mut state = self.write();
            // Whoever held the lock before us may have done the work already.
            if let Some(token) = state.fresh(Instant::now()) {
                return Ok(token.clone());
            }
            match &state.inflight {
                Some(fetch) => fetch.clone(),
                None => {
                    let fetch = self.spawn_fetch();
                    state.inflight = Some(fetch.clone());
                    fetch
                }
            }
        };
        fetch.await
    }

    /// Forgets `rejected` if it is still the cached token, so the next
    /// [`token`](Self::token) call fetches a new one. Returns whether it did.
    pub fn invalidate(&self, rejected: &AccessToken) -> bool {
        let mut state = self.write();
        let matches = state
            .cached
            .as_ref()
            .is_some_and(|c| c.token.same_secret(rejected));
        if matches {
            state.cached = None;
            self.inner.invalidations.fetch_add(1, Ordering::Relaxed);
            tracing::debug!(target: "hr_common::auth", "cached token invalidated after rejection");
        }
        matches
    }

    /// Drops the cached token unconditionally.
    pub fn clear(&self) {
        self.write().cached = None;
    }

    /// How many times the provider was asked for a token.
    pub fn fetch_count(&self) -> u64 {
        self.inner.fetches.load(Ordering::Relaxed)
    }

    /// How many tokens were dropped through [`invalidate`](Self::invalidate).
    pub fn invalidation_count(&self) -> u64 {
        self.inner.invalidations.load(Ordering::Relaxed)
    }

    fn spawn_fetch(&self) -> SharedFetch {
        let inner = self.inner.clone();
        let task = tokio::spawn(
            async move {
                let result = inner.fetch_and_store().await;
                inner
                    .state
                    .write()
                    .unwrap_or_else(|e| e.into_inner())
                    .inflight = None;
                result
            }
            .in_current_span(),
        );
        async move {
            task.await.unwrap_or_else(|e| {
                Err(Error::auth(
                    crate::error::AuthErrorKind::TokenFetch,
                    if e.is_panic() {
                        "the token provider panicked"
                    } else {
                        "the token fetch was cancelled (is the Tokio runtime shutting down?)"
                    },
                ))
            })
        }
        .boxed()
        .shared()
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, State> {
        // A panic while holding the lock cannot leave State half-written, so
        // a poisoned lock is still consistent.
        self.inner.state.read().unwrap_or_else(|e| e.into_inner())
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, State> {
        self.inner.state.write().unwrap_or_else(|e| e.into_inner())
    }
}

impl Inner {
    async fn fetch_and_store(&self) -> Result<AccessToken> {
        self.fetches.fetch_add(1, Ordering::Relaxed);
        let timeout = self.config.fetch_timeout;
        let fetched_at = Instant::now();
        let result = match tokio::time::timeout(timeout, self.provider.fetch_token()).await {
            Ok(result) => result,
            Err(_) => Err(Error::transport(
                TransportErrorKind::Timeout,
                true,
                format!("token fetch took longer than {timeout:?}"),
            )),
        };

        let mut state = self.state.write().unwrap_or_else(|e| e.into_inner());
        match result {
            Ok(token) => {
                let refresh_at = token.expires_at.map(|at| {
                    let lifetime = at.saturating_duration_since(fetched_at);
                    at.checked_sub(self.config.margin_for(lifetime))
                        .unwrap_or(at)
                });
                tracing::debug!(
                    target: "hr_common::auth",
                    expires_in_s = token.expires_in().map(|d| d.as_secs()),
                    "fetched access token"
                );
                state.cached = Some(Cached {
                    token: token.clone(),
                    refresh_at,
                });
                Ok(token)
            }
            Err(err) => {
                let now = Instant::now();
                let backoff = self.config.failed_refresh_backoff;
                if let Some(cached) = state
                    .cached
                    .as_mut()
                    .filter(|c| c.token.expires_at.is_none_or(|at| now < at))
                {
                    tracing::warn!(
                        target: "hr_common::auth",
                        error = %err,
                        "token refresh failed; the current token is still valid and stays in use"
                    );
                    cached.refresh_at = Some(now + backoff);
                    return Ok(cached.token.clone());
                }
                Err(err)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicU32;

    struct Counting {
        calls: Arc<AtomicU32>,
        lifetime: Option<Duration>,
        fail_after: Option<u32>,
    }

    #[async_trait]
    impl TokenProvider for Counting {
        async fn fetch_token(&self) -> Result<AccessToken> {
            let n = self.calls.fetch_add(1, Ordering::SeqCst) + 1;
            tokio::task::yield_now().await;
            if self.fail_after.is_some_and(|limit| n > limit) {
                return Err(Error::auth(
                    crate::error::AuthErrorKind::TokenFetch,
                    "token endpoint down",
                ));
            }
            Ok(AccessToken::new(format!("t-{n}"), self.lifetime))
        }
    }

    fn counting(
        lifetime: Option<Duration>,
        fail_after: Option<u32>,
    ) -> (TokenCache, Arc<AtomicU32>) {
        let calls = Arc::new(AtomicU32::new(0));
        let cache = TokenCache::new(Counting {
            calls: calls.clone(),
            lifetime,
            fail_after,
        });
        (cache, calls)
    }

    fn secret(token: &AccessToken) -> &str {
        token.secret.expose_secret()
    }

    #[tokio::test(start_paused = true)]
    async fn token_inside_margin_is_refreshed() {
        // 10 s lifetime → 2 s margin at ratio 0.2 → refresh 8 s after the fetch.
        let (cache, calls) = counting(Some(Duration::from_secs(10)), None);
        assert_eq!(secret(&cache.token().await.unwrap()), "t-1");
        tokio::time::advance(Duration::from_secs(7)).await;
        assert_eq!(secret(&cache.token().await.unwrap()), "t-1");
        assert_eq!(calls.load(Ordering::SeqCst), 1);

        tokio::time::advance(Duration::from_millis(1001)).await;
        let t = cache.token().await.unwrap();
        assert_eq!(secret(&t), "t-2");
        assert_eq!(calls.load(Ordering::SeqCst), 2);
        assert_eq!(t.expires_in(), Some(Duration::from_secs(10)));
    }

    #[tokio::test(start_paused = true)]
    async fn an_expired_token_is_never_handed_out() {
        // A margin of zero: only expiry itself makes the cache fetch.
        let calls = Arc::new(AtomicU32::new(0));
        let cache = TokenCache::with_config(
            Counting {
                calls: calls.clone(),
                lifetime: Some(Duration::from_secs(60)),
                fail_after: None,
            },
            TokenCacheConfig::default().margin_ratio(0.0),
        );
        let first = cache.token().await.unwrap();
        tokio::time::advance(Duration::from_millis(59_999)).await;
        assert!(!first.is_expired());
        assert_eq!(secret(&cache.token().await.unwrap()), "t-1");

        tokio::time::advance(Duration::from_millis(1)).await;
        assert!(first.is_expired());
        assert_eq!(first.expires_in(), Some(Duration::ZERO));
        assert_eq!(secret(&cache.token().await.unwrap()), "t-2");
        assert_eq!(calls.load(Ordering::SeqCst), 2);
    }

    #[tokio::test(start_paused = true)]
    async fn failed_refresh_keeps_a_still_valid_token() {
        // 3600 s lifetime → 300 s margin → refresh 3300 s after the fetch.
        let (cache, calls) = counting(Some(Duration::from_secs(3600)), Some(1));
        cache.token().await.unwrap();
        tokio::time::advance(Duration::from_secs(3300)).await;
        let t = cache.token().await.unwrap();
        assert_eq!(secret(&t), "t-1");
        assert_eq!(calls.load(Ordering::SeqCst), 2);

        // The backoff (5 s) stops every request from hammering a failing
        // endpoint; after it, the next request tries again.
        tokio::time::advance(Duration::from_secs(4)).await;
        assert_eq!(secret(&cache.token().await.unwrap()), "t-1");
        assert_eq!(calls.load(Ordering::SeqCst), 2);
        tokio::time::advance(Duration::from_secs(1)).await;
        assert_eq!(secret(&cache.token().await.unwrap()), "t-1");
        assert_eq!(calls.load(Ordering::SeqCst), 3);

        // Once the old token has expired, the failure is the caller's.
        tokio::time::advance(Duration::from_secs(300)).await;
        let err = cache.token().await.unwrap_err();
        assert!(err.is_auth(), "{err:?}");
    }

    #[tokio::test(start_paused = true)]
    async fn a_wall_clock_expiry_becomes_a_monotonic_one() {
        let t = AccessToken::expiring_at("t", SystemTime::now() + Duration::from_secs(120));
        let left = t.expires_in().unwrap();
        assert!(
            left <= Duration::from_secs(120) && left > Duration::from_secs(119),
            "{left:?}"
        );
        // Only the monotonic clock counts from here on.
        tokio::time::advance(Duration::from_secs(119)).await;
        assert!(!t.is_expired());
        tokio::time::advance(Duration::from_secs(1)).await;
        assert!(t.is_expired());

        assert!(AccessToken::expiring_at("t", SystemTime::UNIX_EPOCH).is_expired());
    }

    #[tokio::test]
    async fn failed_fetch_without_token_is_an_error_shared_by_waiters() {
        let (cache, calls) = counting(Some(Duration::from_secs(3600)), Some(0));
        let results = futures::future::join_all((0..20).map(|_| cache.token())).await;
        assert!(
            results
                .iter()
                .all(|r| r.as_ref().is_err_and(|e| e.is_auth()))
        );
        assert_eq!(calls.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn invalidate_only_drops_the_rejected_token() {
        let (cache, calls) = counting(None, None);
        let old = cache.token().await.unwrap();
        assert!(cache.invalidate(&old));
        let new = cache.token().await.unwrap();
        assert_eq!(new.secret.expose_secret(), "t-2");
        // A late rejection of the old token must not throw away the new one.
        assert!(!cache.invalidate(&old));
        cache.token().await.unwrap();
        assert_eq!(calls.load(Ordering::SeqCst), 2);
        assert_eq!(cache.invalidation_count(), 1);
    }

    #[test]
    fn margin_suits_short_and_long_tokens() {
        let config = TokenCacheConfig::default();
        assert_eq!(
            config.margin_for(Duration::from_secs(7200)),
            Duration::from_secs(300)
        );
        let isdp = config.margin_for(Duration::from_secs(359));
        assert!(isdp > Duration::from_secs(60) && isdp < Duration::from_secs(80));
    }
}
