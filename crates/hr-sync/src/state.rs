//! What a sync remembers between runs: the [`StateStore`] trait, and its
//! stores: [`SqliteStore`] (one file, the default), [`MemoryStore`]
//! (tests, dry experiments) and, with the `postgres` feature,
//! `PostgresStore` (several workers sharing one database).
//!
//! Per source name, a store holds:
//!
//! - the **checkpoint** of the last complete run;
//! - per user, keyed by the travel key: the **content hash** of the
//!   `UserInfo` last acknowledged by the travel platform (see
//!   [`hash`](crate::hash)), that user as sent (JSON, so a leaver can be
//!   pushed with `isLeave: true` after vanishing from the source), its
//!   **`bindId`** when the platform sent one, whether it was pushed as
//!   **left**, and the runs that last pushed and last saw it;
//! - the **failures** still to retry: the user as sent, the platform's
//!   description, and how often it was tried;
//! - one row per **run** with its report.
//!
//! Every write of a pushed batch is **one transaction**
//! ([`StateStore::commit_batch`]): the batch's hashes, `bindId`s and
//! failures are stored together or not at all, so a crash at any point
//! leaves the store as it was after the last committed batch. A batch the
//! platform acknowledged but whose commit did not happen is pushed again
//! by the next run, which is harmless (the sync is an upsert); a committed
//! one is not.
//!
//! # Leases: one worker per source
//!
//! Workers that share a store (several processes on one PostgreSQL
//! database) must not sync the same source at once: both would push the
//! same users and race on the same rows. Before a run the pipeline takes
//! a **lease** on the source ([`StateStore::acquire_lease`]): a row naming
//! the holder and when it expires, on the database server's clock. The
//! run renews it every third of its time to live and releases it at the
//! end; a worker that dies stops renewing, so its lease expires and the
//! next worker takes it over. A second worker meanwhile gets
//! [`Error::LeaseHeld`](crate::Error::LeaseHeld) and skips (or waits, see
//! [`lease_wait`](crate::SyncJobBuilder::lease_wait)).
//!
//! A lease row rather than a session advisory lock, because a session
//! lock belongs to one connection: it vanishes silently when the
//! connection drops and is reopened, and cannot say who holds it or until
//! when. Each grant carries a [`token`](Lease::token) that grows with
//! every change of holder, so a renewal by a worker whose lease was taken
//! over fails even if it uses the same holder name.
//!
//! Stores that only one process can use ([`MemoryStore`], and
//! [`SqliteStore`], one file on one machine) keep the trait's default:
//! every lease is granted. Run such a process once at a time per file
//! (a cron job that does not start while the last one runs).

pub mod memory;
#[cfg(feature = "postgres")]
pub mod postgres;
pub mod sqlite;

use std::collections::HashMap;
use std::time::Duration;

pub use memory::MemoryStore;
#[cfg(feature = "postgres")]
pub use postgres::PostgresStore;
pub use sqlite::{SCHEMA_VERSION, SqliteStore};

use crate::Result;
use crate::pipeline::Mode;
use crate::report::SyncReport;
use crate::source::SourceCheckpoint;

/// A run's number in the store.
pub type RunId = i64;

/// What the store knows of one user.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct UserState {
    /// The content hash of the user last acknowledged; `None` when the
    /// platform never took the user.
    pub hash: Option<String>,
    /// The platform's `bindId`, when it sent one.
    pub bind_id: Option<String>,
    /// Whether the user was last pushed with `isLeave: true`.
    pub left: bool,
    /// Whether a failure is waiting to be retried.
    pub failing: bool,
}

/// A user the travel platform refused, to retry.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Failure {
    /// The user's key.
    pub key: String,
    /// The `UserInfo` as sent, JSON.
    pub user_json: String,
    /// The platform's description.
    pub description: String,
    /// How many pushes failed, in a row.
    pub attempts: u32,
}

/// A user the platform acknowledged.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SyncedUser {
    /// The key.
    pub key: String,
    /// The content hash of what was sent.
    pub hash: String,
    /// The `bindId` the platform sent, if any (a known one is kept
    /// otherwise).
    pub bind_id: Option<String>,
    /// Whether it was sent with `isLeave: true`.
    pub left: bool,
    /// The `UserInfo` as sent, JSON.
    pub user_json: String,
}

impl SyncedUser {
    /// A synced user.
    pub fn new(
        key: impl Into<String>,
        hash: impl Into<String>,
        bind_id: Option<String>,
        left: bool,
        user_json: impl Into<String>,
    ) -> Self {
        SyncedUser {
            key: key.into(),
            hash: hash.into(),
            bind_id,
            left,
            user_json: user_json.into(),
        }
    }
}

/// A user the platform refused.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct FailedUser {
    /// The key.
    pub key: String,
    /// The `UserInfo` as sent, JSON.
    pub user_json: String,
    /// The platform's description.
    pub description: String,
}

impl FailedUser {
    /// A failed user.
    pub fn new(
        key: impl Into<String>,
        user_json: impl Into<String>,
        description: impl Into<String>,
    ) -> Self {
        FailedUser {
            key: key.into(),
            user_json: user_json.into(),
            description: description.into(),
        }
    }
}

/// Everything one answered batch changes, written in one transaction.
///
/// ```
/// use hr_sync::state::{BatchCommit, FailedUser, SyncedUser};
/// let commit = BatchCommit::new(7)
///     .synced(SyncedUser::new("E1", "fnv1a128:00", Some("b-1".into()), false, "{}"))
///     .failed(FailedUser::new("E2", "{}", "职级未维护,同步失败"));
/// assert_eq!((commit.synced.len(), commit.failed.len()), (1, 1));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct BatchCommit {
    /// The run.
    pub run: RunId,
    /// Users acknowledged: their hash and `bindId` are stored, their
    /// failure (if any) removed.
    pub synced: Vec<SyncedUser>,
    /// Users refused: stored as failures to retry.
    pub failed: Vec<FailedUser>,
    /// Failures to forget without a push (users gone from a complete
    /// listing).
    pub resolved: Vec<String>,
}

impl BatchCommit {
    /// An empty commit of `run`.
    pub fn new(run: RunId) -> Self {
        BatchCommit {
            run,
            ..BatchCommit::default()
        }
    }

    /// Adds an acknowledged user.
    pub fn synced(mut self, user: SyncedUser) -> Self {
        self.synced.push(user);
        self
    }

    /// Adds a refused user.
    pub fn failed(mut self, user: FailedUser) -> Self {
        self.failed.push(user);
        self
    }

    /// Adds a failure to forget.
    pub fn resolved(mut self, key: impl Into<String>) -> Self {
        self.resolved.push(key.into());
        self
    }

    /// Whether there is nothing to write.
    pub fn is_empty(&self) -> bool {
        self.synced.is_empty() && self.failed.is_empty() && self.resolved.is_empty()
    }
}

/// A lease on one source, granted by [`StateStore::acquire_lease`]: while
/// it lasts, no other holder is granted the source.
///
/// ```
/// use std::time::Duration;
/// let lease = hr_sync::state::Lease::new("beisen", "worker-a", 1, Duration::from_secs(60));
/// assert_eq!((lease.source.as_str(), lease.token), ("beisen", 1));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Lease {
    /// The source leased.
    pub source: String,
    /// Who holds it (the job's [`worker_id`](crate::SyncJobBuilder::worker_id)).
    pub holder: String,
    /// Which grant this is: grows every time the source changes holder, so
    /// a stale holder cannot renew (0 from stores without leases).
    pub token: i64,
    /// How long the lease lasts from a grant or renewal.
    pub ttl: Duration,
}

impl Lease {
    /// A lease of `source` to `holder`.
    pub fn new(
        source: impl Into<String>,
        holder: impl Into<String>,
        token: i64,
        ttl: Duration,
    ) -> Self {
        Lease {
            source: source.into(),
            holder: holder.into(),
            token,
            ttl,
        }
    }
}

/// Where sync state lives. All methods take the source's name: state is
/// kept per source. See the [module docs](self).
///
/// Implementations must make [`commit_batch`](Self::commit_batch) atomic
/// and durable before it returns: the pipeline counts a batch as done
/// once it has.
///
/// The lease methods have defaults for stores one process uses alone
/// (every lease granted, renewals always succeed); a store that several
/// workers share implements all three (see [leases](self#leases-one-worker-per-source)).
#[async_trait::async_trait]
pub trait StateStore: Send + Sync {
    /// Records the start of a run; returns its id.
    async fn begin_run(&self, source: &str, mode: Mode) -> Result<RunId>;

    /// Records the end of a run and its report.
    async fn finish_run(&self, run: RunId, report: &SyncReport) -> Result<()>;

    /// The checkpoint of the last complete run.
    async fn checkpoint(&self, source: &str) -> Result<Option<SourceCheckpoint>>;

    /// Saves the checkpoint of a complete run.
    async fn save_checkpoint(&self, source: &str, checkpoint: &SourceCheckpoint) -> Result<()>;

    /// What the store knows of these users; users it does not know are
    /// absent from the map.
    async fn lookup(&self, source: &str, keys: &[String]) -> Result<HashMap<String, UserState>>;

    /// Writes one answered batch, atomically.
    async fn commit_batch(&self, source: &str, batch: &BatchCommit) -> Result<()>;

    /// Notes that `run` saw these (unchanged) users in the source.
    async fn mark_seen(&self, source: &str, run: RunId, keys: &[String]) -> Result<()>;

    /// Every failure waiting to be retried, by key.
    async fn failures(&self, source: &str) -> Result<Vec<Failure>>;

    /// The keys of users the platform holds as active (acknowledged, not
    /// pushed as left).
    async fn active_keys(&self, source: &str) -> Result<Vec<String>>;

    /// The `UserInfo` JSON last acknowledged for these users.
    async fn last_pushed(&self, source: &str, keys: &[String]) -> Result<HashMap<String, String>>;

    /// Leases `source` to `holder` for `ttl`, unless another holder's lease
    /// is live: then [`Error::LeaseHeld`](crate::Error::LeaseHeld), naming
    /// it. An expired lease (its holder died, or stopped renewing) is
    /// taken over. A live lease is not granted again even to the same
    /// holder name: holder names are per run.
    ///
    /// The default grants every lease (token 0), for stores one process
    /// uses alone.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// use std::time::Duration;
    /// use hr_sync::state::StateStore;
    /// let store = hr_sync::MemoryStore::new();
    /// let lease = store.acquire_lease("beisen", "worker-a", Duration::from_secs(60)).await?;
    /// assert!(store.renew_lease(&lease).await?);
    /// store.release_lease(&lease).await?;
    /// # Ok::<(), hr_sync::Error>(()) }).unwrap();
    /// ```
    async fn acquire_lease(&self, source: &str, holder: &str, ttl: Duration) -> Result<Lease> {
        Ok(Lease::new(source, holder, 0, ttl))
    }

    /// Extends `lease` by its ttl from now. `Ok(false)` when it is no
    /// longer held (it expired and another holder took it over): the
    /// holder must stop.
    async fn renew_lease(&self, lease: &Lease) -> Result<bool> {
        let _ = lease;
        Ok(true)
    }

    /// Ends `lease` now, so the next worker need not wait for it to
    /// expire. Releasing a lease no longer held changes nothing.
    async fn release_lease(&self, lease: &Lease) -> Result<()> {
        let _ = lease;
        Ok(())
    }
}
