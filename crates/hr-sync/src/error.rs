//! The one error type of a sync run.

use crate::report::SyncReport;

/// Why a sync run (or building one) failed.
///
/// Per-user problems are not errors: a record that cannot be mapped is
/// *skipped* and a user the travel platform refuses is a *failure*, both
/// reported in the [`SyncReport`]. An `Error` means the run itself could
/// not finish: the source could not be read, a batch got no answer, the
/// state store failed.
///
/// ```
/// let e = hr_sync::Error::Config("no source".into());
/// assert_eq!(e.to_string(), "configuration: no source");
/// assert!(e.report().is_none());
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Reading the HR source failed (after the client's own retries).
    #[error("reading the source failed: {0}")]
    Source(#[source] hr_common::Error),
    /// A batch got no processed answer from the travel platform (refused
    /// session or account, transport failure after retries).
    #[error("pushing to the travel platform failed: {0}")]
    Travel(#[source] hr_common::Error),
    /// The state store failed.
    #[error("state store: {0}")]
    Store(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// The job or its mapping is misconfigured, or a safety check refused
    /// to go on.
    #[error("configuration: {0}")]
    Config(String),
    /// Another worker holds the lease on the source (see
    /// [leases](crate::state#leases-one-worker-per-source)): this run was
    /// skipped before reading or writing anything. Normal when runs
    /// overlap; the holder's run covers the same changes.
    #[error(
        "source {source_name} is being synced by another worker ({holder}, lease expires in {}s): run skipped",
        expires_in.as_secs()
    )]
    LeaseHeld {
        /// The source's name.
        source_name: String,
        /// Who holds the lease.
        holder: String,
        /// How long until it expires unless renewed.
        expires_in: std::time::Duration,
    },
    /// The run's lease could not be renewed (another worker took it over
    /// after it expired, or the store could not be reached): the run
    /// stopped pushing, kept what it had committed, and did not move the
    /// checkpoint.
    #[error("the lease on source {source_name} was lost: {reason}")]
    LeaseLost {
        /// The source's name.
        source_name: String,
        /// Why.
        reason: String,
    },
    /// A run that started and then failed: what it did before failing (all
    /// of which is committed to the store) and why it stopped. The
    /// checkpoint was not advanced, so the next run picks up the rest.
    #[error("sync run stopped early: {cause}")]
    Incomplete {
        /// What the run did before it stopped.
        report: Box<SyncReport>,
        /// Why it stopped.
        cause: Box<Error>,
    },
}

impl Error {
    /// A store error from anything that is an error.
    ///
    /// ```
    /// let e = hr_sync::Error::store(std::io::Error::other("disk full"));
    /// assert_eq!(e.to_string(), "state store: disk full");
    /// ```
    pub fn store(e: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        Error::Store(e.into())
    }

    /// The partial report of an [`Error::Incomplete`] run.
    pub fn report(&self) -> Option<&SyncReport> {
        match self {
            Error::Incomplete { report, .. } => Some(report),
            _ => None,
        }
    }

    /// The underlying cause: itself, or the cause of an
    /// [`Error::Incomplete`] run.
    pub fn cause(&self) -> &Error {
        match self {
            Error::Incomplete { cause, .. } => cause.cause(),
            other => other,
        }
    }

    /// The stage that failed, as the error text names it: `source`,
    /// `travel`, `store`, `lease` or `config` (of the cause, for an
    /// incomplete run).
    ///
    /// ```
    /// let e = hr_sync::Error::store(std::io::Error::other("disk full"));
    /// assert_eq!(e.stage(), "store");
    /// ```
    pub fn stage(&self) -> &'static str {
        match self.cause() {
            Error::Source(_) => "source",
            Error::Travel(_) => "travel",
            Error::Store(_) => "store",
            Error::LeaseHeld { .. } | Error::LeaseLost { .. } => "lease",
            Error::Config(_) | Error::Incomplete { .. } => "config",
        }
    }

    /// Whether the run started and stopped early ([`Error::Incomplete`]):
    /// its partial report is in [`report`](Self::report).
    pub fn is_incomplete(&self) -> bool {
        matches!(self, Error::Incomplete { .. })
    }

    /// Whether reading the HR source failed (also as the cause of an
    /// incomplete run).
    pub fn is_source(&self) -> bool {
        matches!(self.cause(), Error::Source(_))
    }

    /// Whether the travel platform gave no processed answer (also as the
    /// cause of an incomplete run).
    pub fn is_travel(&self) -> bool {
        matches!(self.cause(), Error::Travel(_))
    }

    /// Whether the state store failed (also as the cause of an incomplete
    /// run).
    pub fn is_store(&self) -> bool {
        matches!(self.cause(), Error::Store(_))
    }

    /// Whether the run was skipped because another worker holds the
    /// source's lease ([`Error::LeaseHeld`]): for a scheduled run, usually
    /// not a failure.
    ///
    /// ```
    /// let e = hr_sync::Error::LeaseHeld {
    ///     source_name: "beisen".into(),
    ///     holder: "worker-b".into(),
    ///     expires_in: std::time::Duration::from_secs(40),
    /// };
    /// assert!(e.is_lease_held() && e.is_retryable());
    /// assert_eq!(e.stage(), "lease");
    /// ```
    pub fn is_lease_held(&self) -> bool {
        matches!(self.cause(), Error::LeaseHeld { .. })
    }

    /// Whether the run stopped because its lease was lost
    /// ([`Error::LeaseLost`], as the cause of an incomplete run).
    pub fn is_lease_lost(&self) -> bool {
        matches!(self.cause(), Error::LeaseLost { .. })
    }

    /// Whether the job is misconfigured or a safety check refused to go on
    /// (also as the cause of an incomplete run).
    ///
    /// ```
    /// let e = hr_sync::Error::Config("no source".into());
    /// assert!(e.is_config() && !e.is_travel() && !e.is_retryable());
    /// ```
    pub fn is_config(&self) -> bool {
        matches!(self.cause(), Error::Config(_))
    }

    /// The client error of a source or travel failure, whose accessors
    /// (`vendor_code`, `status`, …) say more.
    pub fn client_error(&self) -> Option<&hr_common::Error> {
        match self.cause() {
            Error::Source(e) | Error::Travel(e) => Some(e),
            _ => None,
        }
    }

    /// Whether a source or travel failure was refused credentials or a
    /// session ([`hr_common::Error::is_auth`]): fix the configuration
    /// before running again.
    pub fn is_auth(&self) -> bool {
        self.client_error().is_some_and(hr_common::Error::is_auth)
    }

    /// Whether running again later may succeed: a transient source or
    /// travel failure ([`hr_common::Error::is_retryable`]), or a store
    /// failure (a locked or full disk), or a lease held or lost (another
    /// worker is on it). Nothing is lost either way: the next run picks up
    /// what this one did not finish.
    pub fn is_retryable(&self) -> bool {
        match self.cause() {
            Error::Source(e) | Error::Travel(e) => e.is_retryable(),
            Error::Store(_) | Error::LeaseHeld { .. } | Error::LeaseLost { .. } => true,
            _ => false,
        }
    }
}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        Error::store(e)
    }
}

/// `Result` with [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
