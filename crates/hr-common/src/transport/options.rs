//! Options of one call, over the client's defaults.

use std::time::Duration;

use super::{Priority, RetryPolicy};

/// Per-call overrides of the client's timeout, deadline and retry policy,
/// in the manner of google-cloud-rust's `RequestOptions`. Whatever is left
/// unset keeps the client's value.
///
/// ```
/// use std::time::Duration;
/// use hr_common::transport::{CallOptions, RetryPolicy};
///
/// let patient = CallOptions::new()
///     .timeout(Duration::from_secs(60))
///     .deadline(Duration::from_secs(600))
///     .retry(RetryPolicy::default().max_attempts(8));
/// assert_eq!(patient.get_timeout(), Some(Duration::from_secs(60)));
/// assert_eq!(CallOptions::new().get_deadline(), None);
/// ```
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct CallOptions {
    pub(crate) timeout: Option<Duration>,
    pub(crate) deadline: Option<Option<Duration>>,
    pub(crate) retry: Option<RetryPolicy>,
    pub(crate) priority: Option<Priority>,
}

impl CallOptions {
    /// No overrides.
    pub fn new() -> Self {
        Self::default()
    }

    /// Timeout of each attempt of this call.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Overall deadline of this call: token fetch, limiter waits, attempts
    /// and backoff included.
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = Some(Some(deadline));
        self
    }

    /// No overall deadline for this call; attempts stay bounded by their
    /// timeout and retries by the policy and the retry budget.
    pub fn without_deadline(mut self) -> Self {
        self.deadline = Some(None);
        self
    }

    /// Retry policy of this call.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// Rate-limit priority of this call (see [`Priority`]).
    pub fn priority(mut self, priority: Priority) -> Self {
        self.priority = Some(priority);
        self
    }

    /// The per-attempt timeout, if overridden.
    pub fn get_timeout(&self) -> Option<Duration> {
        self.timeout
    }

    /// The deadline, if overridden (`Some(None)`: lifted).
    pub fn get_deadline(&self) -> Option<Option<Duration>> {
        self.deadline
    }

    /// The retry policy, if overridden.
    pub fn get_retry(&self) -> Option<&RetryPolicy> {
        self.retry.as_ref()
    }

    /// The rate-limit priority, if overridden.
    pub fn get_priority(&self) -> Option<Priority> {
        self.priority
    }
}
