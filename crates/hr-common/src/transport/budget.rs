//! A retry budget shared by every call of a transport, so that retries
//! cannot multiply the load on a vendor that is already failing.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use crate::error::Error;

/// A token bucket that pays for retries, after smithy-rs's standard retry
/// strategy.
///
/// Every retry withdraws tokens: [`retry_cost`](Self::retry_cost) (default 5)
/// after a transient error, [`timeout_cost`](Self::timeout_cost) (default 10)
/// after a timeout, since a timeout may have left work running on the
/// server. Every call that succeeds deposits
/// [`success_refund`](Self::success_refund) (default 1), up to the capacity
/// (default 500). When the bucket cannot pay for a retry, the transport stops
/// retrying and returns the last error
/// ([`GaveUp::RetryBudget`](crate::error::GaveUp::RetryBudget)). First
/// attempts never need tokens, so a healthy vendor is never refused; a vendor
/// failing everything sees about `capacity / retry_cost` retries, not
/// `max_attempts - 1` per call.
///
/// The budget is cheap to clone and clones share one bucket: hand the same
/// budget to several transports, or charge it from a paging stream for its
/// own restarts (a scroll restarted after it expired).
///
/// ```
/// use hr_common::transport::RetryBudget;
///
/// let budget = RetryBudget::new(12);
/// assert!(budget.try_withdraw(5));
/// assert!(budget.clone().try_withdraw(5));
/// assert!(!budget.try_withdraw(5), "only 2 tokens left");
/// budget.record_success();
/// assert_eq!(budget.available(), 3);
/// ```
#[derive(Clone)]
pub struct RetryBudget {
    inner: Arc<Bucket>,
}

struct Bucket {
    capacity: u32,
    available: AtomicU32,
    retry_cost: u32,
    timeout_cost: u32,
    success_refund: u32,
}

impl Default for RetryBudget {
    /// 500 tokens, 5 per retry, 10 per retry after a timeout, 1 back per success.
    fn default() -> Self {
        RetryBudget::new(Self::DEFAULT_CAPACITY)
    }
}

impl fmt::Debug for RetryBudget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RetryBudget")
            .field("available", &self.available())
            .field("capacity", &self.inner.capacity)
            .field("retry_cost", &self.inner.retry_cost)
            .field("timeout_cost", &self.inner.timeout_cost)
            .field("success_refund", &self.inner.success_refund)
            .finish()
    }
}

impl RetryBudget {
    /// Tokens in a new default budget.
    pub const DEFAULT_CAPACITY: u32 = 500;
    /// Tokens a retry after a transient error costs by default.
    pub const DEFAULT_RETRY_COST: u32 = 5;
    /// Tokens a retry after a timeout costs by default.
    pub const DEFAULT_TIMEOUT_COST: u32 = 10;
    /// Tokens a successful call gives back by default.
    pub const DEFAULT_SUCCESS_REFUND: u32 = 1;

    /// A full budget of `capacity` tokens with the default costs.
    pub fn new(capacity: u32) -> Self {
        Self::with_costs(
            capacity,
            Self::DEFAULT_RETRY_COST,
            Self::DEFAULT_TIMEOUT_COST,
            Self::DEFAULT_SUCCESS_REFUND,
        )
    }

    /// A full budget with its own prices.
    ///
    /// ```
    /// use hr_common::transport::RetryBudget;
    ///
    /// let strict = RetryBudget::with_costs(20, 10, 20, 1);
    /// assert_eq!(strict.retry_cost(), 10);
    /// ```
    pub fn with_costs(
        capacity: u32,
        retry_cost: u32,
        timeout_cost: u32,
        success_refund: u32,
    ) -> Self {
        RetryBudget {
            inner: Arc::new(Bucket {
                capacity,
                available: AtomicU32::new(capacity),
                retry_cost,
                timeout_cost,
                success_refund,
            }),
        }
    }

    /// A budget that never runs out: retries are bounded only by the
    /// [`RetryPolicy`](crate::transport::RetryPolicy) and the deadline.
    pub fn unlimited() -> Self {
        Self::with_costs(u32::MAX, 0, 0, 0)
    }

    /// Tokens left.
    pub fn available(&self) -> u32 {
        self.inner.available.load(Ordering::Relaxed)
    }

    /// Tokens when full.
    pub fn capacity(&self) -> u32 {
        self.inner.capacity
    }

    /// What a retry after a transient error costs.
    pub fn retry_cost(&self) -> u32 {
        self.inner.retry_cost
    }

    /// What a retry after a timeout costs.
    pub fn timeout_cost(&self) -> u32 {
        self.inner.timeout_cost
    }

    /// What a successful call gives back.
    pub fn success_refund(&self) -> u32 {
        self.inner.success_refund
    }

    /// What retrying after `err` costs: [`timeout_cost`](Self::timeout_cost)
    /// for a timeout, [`retry_cost`](Self::retry_cost) otherwise.
    pub fn cost_of(&self, err: &Error) -> u32 {
        if err.is_timeout() {
            self.inner.timeout_cost
        } else {
            self.inner.retry_cost
        }
    }

    /// Takes `cost` tokens if there are that many; `false` (and nothing
    /// taken) otherwise.
    pub fn try_withdraw(&self, cost: u32) -> bool {
        self.inner
            .available
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |left| {
                left.checked_sub(cost)
            })
            .is_ok()
    }

    /// Pays for one retry after `err`; `false` when the budget is spent.
    /// Paging streams call this before restarting a scroll, so that
    /// restarts and transport retries draw on the same budget.
    ///
    /// ```
    /// use hr_common::{Error, error::PagingErrorKind, transport::RetryBudget};
    ///
    /// let budget = RetryBudget::new(7);
    /// let expired = Error::paging(PagingErrorKind::Expired, "scroll expired");
    /// assert!(budget.try_charge(&expired));
    /// assert!(!budget.try_charge(&expired));
    /// ```
    pub fn try_charge(&self, err: &Error) -> bool {
        self.try_withdraw(self.cost_of(err))
    }

    /// Gives `tokens` back, up to the capacity.
    pub fn deposit(&self, tokens: u32) {
        let capacity = self.inner.capacity;
        let _ = self
            .inner
            .available
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |left| {
                Some(left.saturating_add(tokens).min(capacity))
            });
    }

    /// Records a successful call: gives back [`success_refund`](Self::success_refund).
    pub fn record_success(&self) {
        self.deposit(self.inner.success_refund);
    }

    /// Whether two handles share one bucket.
    pub fn shares_with(&self, other: &RetryBudget) -> bool {
        Arc::ptr_eq(&self.inner, &other.inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::TransportErrorKind;

    #[test]
    fn timeouts_cost_more_and_refunds_stop_at_capacity() {
        let budget = RetryBudget::default();
        let timeout = Error::transport(TransportErrorKind::Timeout, true, "slow");
        let reset = Error::transport(TransportErrorKind::Io, true, "reset");
        assert!(budget.try_charge(&timeout));
        assert!(budget.try_charge(&reset));
        assert_eq!(budget.available(), 500 - 10 - 5);
        for _ in 0..100 {
            budget.record_success();
        }
        assert_eq!(budget.available(), 500);
    }

    #[test]
    fn an_empty_budget_refuses_without_going_negative() {
        let budget = RetryBudget::new(9);
        assert!(budget.try_withdraw(5));
        assert!(!budget.try_withdraw(5));
        assert_eq!(budget.available(), 4);
        let unlimited = RetryBudget::unlimited();
        for _ in 0..1000 {
            assert!(unlimited.try_withdraw(unlimited.retry_cost()));
        }
    }

    #[test]
    fn clones_share_one_bucket() {
        let a = RetryBudget::new(10);
        let b = a.clone();
        assert!(b.try_withdraw(10));
        assert_eq!(a.available(), 0);
        assert!(a.shares_with(&b));
        assert!(!a.shares_with(&RetryBudget::new(10)));
    }
}
