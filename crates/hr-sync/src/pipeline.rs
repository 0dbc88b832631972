//! The job: [`SyncJob`] and its builder, the [`Mode`]s, and [`Push`], what
//! it sends batches through.
//!
//! # Flow
//!
//! 1. **Pull.** The source streams records after the stored checkpoint
//!    (from the start in full mode).
//! 2. **Map and compare.** Records are taken a batch at a time: each is
//!    mapped (or skipped with a reason), the batch's users are looked up
//!    in the store in one call, and a user whose content hash matches the
//!    last acknowledged push is *unchanged* and goes no further (full
//!    mode pushes everyone). A user with a stored failure is always
//!    pushed. A key met again later in the run with the *same* content is
//!    skipped as a duplicate; with *different* content it is a newer
//!    version (Beisen delivers a person again when they were modified
//!    during the run), kept and pushed after every batch of the first
//!    pass was committed, so the platform ends with the newer one.
//! 3. **Push.** Users to push are cut into batches of
//!    [`batch_size`](SyncJobBuilder::batch_size) (at most what the travel
//!    client takes in one call, [`Push::max_batch_size`]), sent at most
//!    [`concurrency`](SyncJobBuilder::concurrency) at a time. Nothing is
//!    read ahead of what the pushes can take: the stream is polled only
//!    while fewer batches are in flight, so memory holds at most
//!    `concurrency` batches in flight, the one being filled and the chunk
//!    being mapped, however large the source. Rate limits are the
//!    clients' own (both retry 429s and throttle to the vendor's limits).
//! 4. **Commit.** Each answered batch is written to the store in one
//!    transaction: hashes and `bindId`s of the users taken, failures (the
//!    platform's description) of those refused. Users of a batch that got
//!    no processed answer are stored as failures too (with the error), so
//!    they are retried whatever the source does next, and the run stops.
//! 5. **Retry.** Stored failures of users the run did not meet are pushed
//!    again from the stored user.
//! 6. **Leavers** (full mode, complete listings only). Users the store
//!    holds as active that the listing lacks are pushed once with
//!    `isLeave: true`; a run that would mark more than
//!    [`max_leaver_share`](SyncJobBuilder::max_leaver_share) of them is
//!    refused instead, since an empty or truncated listing looks the same.
//!    Once acknowledged they are stored as left and never pushed again.
//! 7. **Checkpoint.** Saved only when every record was handled (pushed
//!    and committed, unchanged, skipped, or stored as a failure). A run
//!    that stops early (a source error, a batch without an answer, a
//!    store that fails, a crash) keeps the old checkpoint, and the next
//!    run reads the rest again: committed users are then unchanged and
//!    not pushed twice.
//!
//! # One worker per source
//!
//! A run that writes takes the source's [lease](crate::state#leases-one-worker-per-source)
//! from the store first, so that workers sharing a store (a
//! `PostgresStore`) never sync one source at once. If another worker
//! holds it, the run does nothing and returns [`Error::LeaseHeld`] (or
//! waits up to [`lease_wait`](SyncJobBuilder::lease_wait) for it). While
//! it runs, the lease is renewed every third of its
//! [`lease_ttl`](SyncJobBuilder::lease_ttl); a renewal refused (another
//! worker took it over after it expired), or no successful renewal within
//! the ttl, stops the run before its next push with [`Error::LeaseLost`]
//! as the cause: batches in flight finish and are committed, the
//! checkpoint is not moved. The lease is released when the run ends; a
//! worker that dies leaves it to expire. Dry runs take no lease.
//!
//! # Crash safety, precisely
//!
//! A batch is *done* when its commit returned. Whatever stops a run (an
//! error, a killed process, the [`run`](SyncJob::run) future dropped), the
//! store holds exactly the done batches and the old checkpoint, so:
//!
//! - **nothing is lost**: every record after the checkpoint is read
//!   again, every stored failure retried;
//! - **nothing done is pushed again**: its users' hashes are stored, so
//!   the next run finds them unchanged;
//! - **one exception, unavoidable**: a batch the platform acknowledged but
//!   whose commit did not happen (the process died, or the future was
//!   dropped, between the answer and the commit; or the commit failed) is
//!   pushed again by the next run, at most `concurrency` batches. That is
//!   harmless, since the sync is an upsert by `userNo`, and no design
//!   avoids it without a transaction spanning both systems. A failed
//!   commit stops the run with a store error; the report still counts
//!   what the platform answered.
//!
//! # Memory
//!
//! Records stream; what a run keeps for every user is its key and a
//! 16-byte hash (to tell duplicates and, for complete listings, leavers),
//! about 60 bytes a user: some 6 MB for 100,000 people. A full run over a
//! complete listing also loads the keys of every active user once, and
//! the retry phase loads the stored failures (with their users). Newer
//! versions met during the run are held until the first pass ends.
//! Report key lists stop at
//! [`report_key_limit`](SyncJobBuilder::report_key_limit).

use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use futures::future::ready;
use futures::{Stream, StreamExt, stream};
use hr_common::sensitive::Mask;
use hr_common::sensitive::mask::IdNumber;
use serde::{Deserialize, Serialize};
use travel_sync_types::client::{DEFAULT_BATCH_SIZE, TravelSyncClient};
use travel_sync_types::{Outcome, UserInfo, UserOutcome};

use crate::hash::{content_hash, digest};
use crate::mapping::{MappedUser, Mapping, Precedence, SkipReason, Skipped};
use crate::progress::{self, Counts, Progress};
use crate::report::SyncReport;
use crate::source::{Source, SourceCheckpoint, SourceRecord};
use crate::state::{BatchCommit, FailedUser, Lease, RunId, StateStore, SyncedUser};
use crate::{Error, Result};

/// What a run does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Mode {
    /// Records changed since the checkpoint; unchanged users are not
    /// pushed; stored failures are retried. The default.
    #[default]
    Incremental,
    /// Everything from the source's start, every user pushed whatever the
    /// hashes say; with a complete listing, users gone from it are pushed
    /// once as having left.
    Full,
    /// An incremental run that pushes and writes nothing: the report says
    /// what would change. (Any mode can be dry with
    /// [`dry_run`](SyncJobBuilder::dry_run).)
    DryRun,
    /// Only the stored failures, pushed again; the source is not read and
    /// the checkpoint not moved.
    RetryFailures,
}

impl Mode {
    /// The mode as written in reports and the store.
    ///
    /// ```
    /// assert_eq!(hr_sync::Mode::RetryFailures.as_str(), "retry_failures");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Incremental => "incremental",
            Mode::Full => "full",
            Mode::DryRun => "dry_run",
            Mode::RetryFailures => "retry_failures",
        }
    }
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Sends one batch to the travel platform and says what became of each
/// user, in order. Implemented for [`TravelSyncClient`] (its
/// [`send`](TravelSyncClient::send) and the response's outcomes); other
/// implementations serve tests and other platforms.
///
/// An `Err` means the batch got no processed answer: its users are stored
/// as failures (with the error), the run stops, and the next run pushes
/// them again. So does an [`Outcome::NotSynced`] outcome, for that user;
/// per-user refusals are [`Outcome::Rejected`] outcomes.
///
/// ```
/// use hr_sync::Push;
/// use travel_sync_types::{UserInfo, UserOutcome};
///
/// /// Takes everyone, 500 at a time.
/// struct Accepting;
///
/// #[async_trait::async_trait]
/// impl Push for Accepting {
///     async fn push(&self, users: &[UserInfo]) -> hr_common::Result<Vec<UserOutcome>> {
///         let ok = travel_sync_types::SyncResponse::processed(Vec::new());
///         Ok(ok.outcomes(users))
///     }
///     fn max_batch_size(&self) -> usize { 500 }
/// }
/// let job = hr_sync::SyncJob::builder().travel(Accepting).batch_size(500);
/// # let _ = job;
/// ```
#[async_trait::async_trait]
pub trait Push: Send + Sync {
    /// Sends `users` as one batch, and returns one outcome per user, in
    /// order.
    async fn push(&self, users: &[UserInfo]) -> hr_common::Result<Vec<UserOutcome>>;

    /// The most users the platform takes in one call (default
    /// [`DEFAULT_BATCH_SIZE`], 100, the spec's peers' limit and the
    /// sandbox's): a job with a larger
    /// [`batch_size`](SyncJobBuilder::batch_size) is refused when built.
    fn max_batch_size(&self) -> usize {
        DEFAULT_BATCH_SIZE
    }
}

#[async_trait::async_trait]
impl Push for TravelSyncClient {
    async fn push(&self, users: &[UserInfo]) -> hr_common::Result<Vec<UserOutcome>> {
        Ok(self.send(users).await?.outcomes(users))
    }
}

/// Builds a [`SyncJob`]; see [`SyncJob::builder`].
#[must_use]
pub struct SyncJobBuilder {
    source: Option<Arc<dyn Source>>,
    store: Option<Arc<dyn StateStore>>,
    travel: Option<Arc<dyn Push>>,
    mapping: Mapping,
    mode: Mode,
    dry_run: bool,
    batch_size: usize,
    concurrency: usize,
    progress: Option<Arc<dyn Progress>>,
    key_limit: usize,
    max_leaver_share: f64,
    lease_ttl: Duration,
    lease_wait: Duration,
    worker_id: Option<String>,
}

impl fmt::Debug for SyncJobBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SyncJobBuilder")
            .field("source", &self.source.as_ref().map(|s| s.name().to_owned()))
            .field("mode", &self.mode)
            .field("dry_run", &self.dry_run)
            .field("batch_size", &self.batch_size)
            .field("concurrency", &self.concurrency)
            .finish_non_exhaustive()
    }
}

impl SyncJobBuilder {
    /// Where employees come from (required).
    pub fn source(mut self, source: impl Source + 'static) -> Self {
        self.source = Some(Arc::new(source));
        self
    }

    /// Where state lives (required): a [`SqliteStore`](crate::SqliteStore),
    /// a [`MemoryStore`](crate::MemoryStore), or (feature `postgres`) a
    /// `PostgresStore` shared by several workers. Stores are cheap clones
    /// sharing their state.
    pub fn store(mut self, store: impl StateStore + 'static) -> Self {
        self.store = Some(Arc::new(store));
        self
    }

    /// Where users go (required unless dry): a [`TravelSyncClient`], or
    /// any [`Push`].
    pub fn travel(mut self, travel: impl Push + 'static) -> Self {
        self.travel = Some(Arc::new(travel));
        self
    }

    /// How records become users (default [`Mapping::default`]).
    pub fn mapping(mut self, mapping: Mapping) -> Self {
        self.mapping = mapping;
        self
    }

    /// The mode (default [`Mode::Incremental`]).
    pub fn mode(mut self, mode: Mode) -> Self {
        self.mode = mode;
        self
    }

    /// Runs the mode without pushing or writing anything (default no).
    pub fn dry_run(mut self, yes: bool) -> Self {
        self.dry_run = yes;
        self
    }

    /// Users per pushed batch (default 100, the platform's usual limit;
    /// at least 1). [`build`](Self::build) refuses a size above what the
    /// travel client takes in one call ([`Push::max_batch_size`]).
    pub fn batch_size(mut self, n: usize) -> Self {
        self.batch_size = n.max(1);
        self
    }

    /// Batches in flight at once (default 4; at least 1).
    pub fn concurrency(mut self, n: usize) -> Self {
        self.concurrency = n.max(1);
        self
    }

    /// How progress is shown (default [`progress::auto`]: a bar on a
    /// terminal, log lines otherwise).
    pub fn progress(mut self, progress: impl Progress + 'static) -> Self {
        self.progress = Some(Arc::new(progress));
        self
    }

    /// How many keys each list of the report holds at most (default
    /// 10,000); counts are always exact.
    pub fn report_key_limit(mut self, n: usize) -> Self {
        self.key_limit = n;
        self
    }

    /// The largest share (0 to 1) of the active users a full run may mark
    /// as left because the listing lacks them (default 0.5). Above it the
    /// run stops with an error and marks nobody: an empty or cut-short
    /// listing must not disable everyone's travel.
    pub fn max_leaver_share(mut self, share: f64) -> Self {
        self.max_leaver_share = share.clamp(0.0, 1.0);
        self
    }

    /// How long the source's lease lasts without renewal (default 60 s;
    /// at least 100 ms). A run renews it every third of that; a worker
    /// that dies holds the source this long at most.
    ///
    /// ```
    /// use std::time::Duration;
    /// let builder = hr_sync::SyncJob::builder()
    ///     .lease_ttl(Duration::from_secs(30))
    ///     .lease_wait(Duration::from_secs(300))
    ///     .worker_id("sync-7f9c-beisen");
    /// # let _ = builder;
    /// ```
    pub fn lease_ttl(mut self, ttl: Duration) -> Self {
        self.lease_ttl = ttl.max(Duration::from_millis(100));
        self
    }

    /// How long a run waits for a source another worker holds (default
    /// zero: it returns [`Error::LeaseHeld`] at once, which a scheduled
    /// run can treat as "already being done").
    pub fn lease_wait(mut self, wait: Duration) -> Self {
        self.lease_wait = wait;
        self
    }

    /// The name this job holds leases under, shown to workers it keeps
    /// waiting (default: host name, process id and a number unique to the
    /// job). Give each concurrently running job its own.
    pub fn worker_id(mut self, id: impl Into<String>) -> Self {
        self.worker_id = Some(id.into());
        self
    }

    /// The job, once source, store and (unless dry) travel are given.
    pub fn build(self) -> Result<SyncJob> {
        let dry = self.dry_run || self.mode == Mode::DryRun;
        let source = self
            .source
            .ok_or_else(|| Error::Config("a sync job needs a source".into()))?;
        let store = self
            .store
            .ok_or_else(|| Error::Config("a sync job needs a state store".into()))?;
        if self.travel.is_none() && !dry {
            return Err(Error::Config(
                "a sync job needs a travel client (or a dry run)".into(),
            ));
        }
        let max = self
            .travel
            .as_ref()
            .map_or(DEFAULT_BATCH_SIZE, |t| t.max_batch_size());
        if self.batch_size > max {
            return Err(Error::Config(format!(
                "batch_size {} is above the {max} users the travel platform takes in one call",
                self.batch_size
            )));
        }
        self.mapping.check()?;
        Ok(SyncJob {
            source,
            store,
            travel: self.travel,
            mapping: self.mapping,
            mode: self.mode,
            dry,
            batch_size: self.batch_size,
            concurrency: self.concurrency,
            progress: self.progress.unwrap_or_else(|| Arc::from(progress::auto())),
            key_limit: self.key_limit,
            max_leaver_share: self.max_leaver_share,
            lease_ttl: self.lease_ttl,
            lease_wait: self.lease_wait,
            worker_id: self.worker_id.unwrap_or_else(default_worker_id),
        })
    }
}

/// Host, process and a per-process count: unique among the jobs running
/// at one time. Kubernetes sets `HOSTNAME` to the pod's name.
fn default_worker_id() -> String {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    let host = std::env::var("HOSTNAME")
        .ok()
        .or_else(|| std::fs::read_to_string("/etc/hostname").ok())
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "localhost".to_owned());
    format!(
        "{host}:{}:{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

/// One sync from a [`Source`] to the travel platform, with state in a
/// [`StateStore`]. Build it once, [`run`](Self::run) it as often as you
/// like (each run continues from the last).
///
/// ```no_run
/// # async fn demo(beisen: beisen_client::BeisenClient, travel: travel_sync_types::client::TravelSyncClient) -> Result<(), Box<dyn std::error::Error>> {
/// use hr_sync::{BeisenSource, Mapping, SqliteStore, SyncJob};
///
/// let job = SyncJob::builder()
///     .source(BeisenSource::new(beisen).since(chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap()))
///     .store(SqliteStore::open("hr-sync.db")?)
///     .travel(travel)
///     .mapping(Mapping::default())
///     .build()?;
/// let report = job.run().await?;
/// println!("{report}");
/// report.save_json("last-sync.json")?;
/// # Ok(()) }
/// ```
pub struct SyncJob {
    source: Arc<dyn Source>,
    store: Arc<dyn StateStore>,
    travel: Option<Arc<dyn Push>>,
    mapping: Mapping,
    mode: Mode,
    dry: bool,
    batch_size: usize,
    concurrency: usize,
    progress: Arc<dyn Progress>,
    key_limit: usize,
    max_leaver_share: f64,
    lease_ttl: Duration,
    lease_wait: Duration,
    worker_id: String,
}

impl fmt::Debug for SyncJob {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SyncJob")
            .field("source", &self.source.name())
            .field("mode", &self.mode)
            .field("dry_run", &self.dry)
            .field("batch_size", &self.batch_size)
            .field("concurrency", &self.concurrency)
            .finish_non_exhaustive()
    }
}

/// A user on its way to the platform.
struct ToPush {
    key: String,
    user: UserInfo,
    hash: String,
}

/// What a run has learnt so far.
struct Tally {
    report: SyncReport,
    /// Keys met in this run, with the digest of the user taken for each
    /// (`None`: met, but skipped): duplicates, newer versions, and (for
    /// complete listings) who is still there. The only thing a run keeps
    /// for every record.
    seen: HashMap<String, Option<(u128, Precedence)>>,
    /// Newer versions of users met earlier in the run, pushed once the
    /// first pass is committed.
    newer: HashMap<String, MappedUser>,
    /// Leavers, pushed once the first pass is committed unless a record
    /// with the same key outranks them.
    held_leavers: HashMap<String, Vec<MappedUser>>,
    /// Keys of records that say the person left but could not be mapped
    /// (a cleared mobile, say), with their precedence: pushed as left from
    /// what was last pushed, unless a record with the key outranks them.
    leaving_unmapped: Vec<(String, Precedence)>,
    /// Records met so far: each record's place in the order of arrival.
    arrivals: u64,
}

impl Tally {
    fn skip(&mut self, skipped: &Skipped, limit: usize) {
        tracing::debug!(record = skipped.label(), reason = %skipped.reason, "skipped");
        self.report.add_skip(skipped, limit);
    }

    /// The next place in the order of arrival.
    fn arrival(&mut self) -> u64 {
        self.arrivals += 1;
        self.arrivals
    }

    /// Keeps a leaver for after the first pass (the same user again is a
    /// duplicate).
    fn hold_leaver(&mut self, m: MappedUser, limit: usize) {
        let held = self.held_leavers.entry(m.key.clone()).or_default();
        let d = digest(&m.user);
        if held.iter().any(|h| digest(&h.user) == d) {
            self.skip(
                &duplicate(&m.key, "the same user came earlier in the run"),
                limit,
            );
            return;
        }
        held.push(m);
        self.report.mapped += 1;
    }

    /// The leavers held back that win: for each key, the held leavers and
    /// the record taken for it (if any) are taken in the order they came,
    /// each replacing the one before when it outranks it; a leaver that
    /// ends up on top goes (and replaces a newer version waiting for the
    /// key), the others are duplicates.
    fn settle_leavers(&mut self, limit: usize) -> Vec<MappedUser> {
        let held = std::mem::take(&mut self.held_leavers);
        let mut go = Vec::with_capacity(held.len());
        for (key, leavers) in held {
            let taken = match self.seen.get(&key) {
                Some(Some((_, taken))) => Some(*taken),
                _ => None,
            };
            let mut candidates: Vec<(Precedence, Option<usize>)> = leavers
                .iter()
                .enumerate()
                .map(|(i, l)| (l.precedence, Some(i)))
                .chain(taken.map(|t| (t, None)))
                .collect();
            candidates.sort_by_key(|(p, _)| p.arrival);
            let mut top = candidates[0];
            for c in &candidates[1..] {
                if c.0.replaces(&top.0) {
                    top = *c;
                }
            }
            for (i, leaver) in leavers.into_iter().enumerate() {
                if top.1 != Some(i) {
                    self.report.mapped -= 1;
                    self.skip(
                        &duplicate(&key, "a record with this key outranks it (newer, or another employment at work)"),
                        limit,
                    );
                    continue;
                }
                if self.newer.remove(&key).is_some() {
                    self.report.mapped -= 1;
                    self.skip(
                        &duplicate(&key, "a record with this key that outranks it replaced it"),
                        limit,
                    );
                }
                self.seen
                    .insert(key.clone(), Some((digest(&leaver.user), leaver.precedence)));
                go.push(leaver);
            }
        }
        go
    }
}

/// A record skipped for its key: `why`.
fn duplicate(key: &str, why: &str) -> Skipped {
    Skipped::new(Some(key), format!("userNo {key}"), SkipReason::DuplicateKey).detail(why)
}

struct Ctx<'a> {
    job: &'a SyncJob,
    run: RunId,
    tally: Mutex<Tally>,
    stopped: AtomicBool,
    error: Mutex<Option<Error>>,
    /// The run's lease and until when it surely lasts (the instant the
    /// last successful renewal was asked, plus the ttl: the server counts
    /// from later than that). `None`: no lease (a dry run).
    lease: Option<(Lease, Mutex<Instant>)>,
}

impl Ctx<'_> {
    fn tally(&self) -> MutexGuard<'_, Tally> {
        self.tally.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn stopped(&self) -> bool {
        self.stopped.load(Ordering::Acquire)
    }

    /// Records the first error and stops reading; batches in flight
    /// finish and commit.
    fn fail(&self, error: Error) {
        tracing::warn!(error = %error, "sync stopping");
        self.error
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get_or_insert(error);
        self.stopped.store(true, Ordering::Release);
    }

    fn source(&self) -> &str {
        self.job.source.name()
    }

    fn lease_lost(&self, reason: impl Into<String>) -> Error {
        Error::LeaseLost {
            source_name: self.source().to_owned(),
            reason: reason.into(),
        }
    }

    /// Whether the lease surely still lasts; stops the run when not.
    fn lease_live(&self) -> bool {
        let Some((_, until)) = &self.lease else {
            return true;
        };
        let live = Instant::now() < *until.lock().unwrap_or_else(PoisonError::into_inner);
        if !live {
            self.fail(self.lease_lost("not renewed within its ttl"));
        }
        live
    }

    /// Renews the lease now. `Ok(())` when it is still ours.
    async fn renew_lease(&self) -> Result<()> {
        let Some((lease, until)) = &self.lease else {
            return Ok(());
        };
        let asked = Instant::now();
        if self.job.store.renew_lease(lease).await? {
            *until.lock().unwrap_or_else(PoisonError::into_inner) = asked + lease.ttl;
            Ok(())
        } else {
            Err(self.lease_lost("it expired and another worker took it over"))
        }
    }

    /// Runs `work` while renewing the lease every third of its ttl. A
    /// renewal refused stops the run at once; one that fails (the store
    /// is unreachable) is tried again until the lease would have expired.
    async fn holding_lease<T>(&self, work: impl Future<Output = T>) -> T {
        let Some((lease, until)) = &self.lease else {
            return work.await;
        };
        let renew = async {
            loop {
                tokio::time::sleep(lease.ttl / 3).await;
                match self.renew_lease().await {
                    Ok(()) => {}
                    Err(e @ Error::LeaseLost { .. }) => {
                        self.fail(e);
                        break;
                    }
                    Err(e) => {
                        let expired =
                            Instant::now() >= *until.lock().unwrap_or_else(PoisonError::into_inner);
                        if expired {
                            self.fail(self.lease_lost(format!("it could not be renewed: {e}")));
                            break;
                        }
                        tracing::warn!(error = %e, "could not renew the lease; trying again");
                    }
                }
            }
            // The run winds down by itself (batches in flight commit).
            std::future::pending::<T>().await
        };
        tokio::select! {
            t = work => t,
            t = renew => t,
        }
    }

    fn report_progress(&self) {
        let counts = {
            let r = &self.tally().report;
            Counts {
                pulled: r.pulled,
                skipped: r.skipped_total(),
                unchanged: r.unchanged,
                pushed: r.pushed,
                succeeded: r.succeeded,
                failed: r.failed,
            }
        };
        self.job.progress.update(&counts);
    }

    fn skip(&self, skipped: &Skipped) {
        self.tally().skip(skipped, self.job.key_limit);
    }

    /// Maps a chunk of records and keeps the users to push.
    async fn prepare(&self, chunk: Vec<Result<SourceRecord>>) -> Vec<ToPush> {
        if self.stopped() {
            return Vec::new();
        }
        let mut first = Vec::with_capacity(chunk.len());
        let mut held = Vec::new();
        for record in chunk {
            let record = match record {
                Ok(r) => r,
                Err(e) => {
                    self.fail(e);
                    return Vec::new();
                }
            };
            self.tally().report.pulled += 1;
            match self.job.mapping.map(&record) {
                Ok(m) if m.user.is_leave == Some(true) => {
                    held.push(m.key.clone());
                    first.extend(self.admit(m));
                }
                Ok(m) => first.extend(self.admit(m)),
                Err(skipped) => {
                    let mut tally = self.tally();
                    let arrival = tally.arrival();
                    // Still in the listing: not absent (a leaver by its
                    // own status is noted to push as left).
                    if let Some(key) = skipped.listed_under() {
                        tally.seen.entry(key.to_owned()).or_insert(None);
                        if let (true, Some(precedence)) = (skipped.leaving, &skipped.precedence) {
                            let mut precedence = **precedence;
                            precedence.arrival = arrival;
                            tally.leaving_unmapped.push((key.to_owned(), precedence));
                        }
                    }
                    tally.skip(&skipped, self.job.key_limit);
                }
            }
        }
        first.extend(self.release_leavers(held).await);
        self.compare(first).await
    }

    /// The leavers just held whose push can take nobody's access away:
    /// the platform does not hold their key as active (never pushed, or
    /// already left), and no other record with the key came yet. They go
    /// with the first pass, so a first sync does not push every leaver
    /// after the pull; should a record that outranks one come later (a
    /// rehire at work), it goes after it. The others wait for the first
    /// pass to be over.
    async fn release_leavers(&self, keys: Vec<String>) -> Vec<MappedUser> {
        if keys.is_empty() || self.stopped() {
            return Vec::new();
        }
        let known = match self.job.store.lookup(self.source(), &keys).await {
            Ok(k) => k,
            Err(e) => {
                self.fail(e);
                return Vec::new();
            }
        };
        let mut tally = self.tally();
        let mut go = Vec::new();
        for key in keys {
            let harmless = known.get(&key).is_none_or(|s| s.left || s.hash.is_none());
            let alone = tally.seen.get(&key).is_some_and(Option::is_none)
                && tally.held_leavers.get(&key).is_some_and(|h| h.len() == 1);
            if !(harmless && alone) {
                continue;
            }
            let Some(leaver) = tally.held_leavers.remove(&key).and_then(|mut h| h.pop()) else {
                continue;
            };
            tally
                .seen
                .insert(key, Some((digest(&leaver.user), leaver.precedence)));
            go.push(leaver);
        }
        go
    }

    /// Counts a mapped user in. Returns it when it is the first user with
    /// its key in this run; keeps it for after the first pass when it is a
    /// newer version of one taken earlier (which may still be in flight:
    /// pushing both at once would leave the platform with whichever
    /// arrived last) or a leaver (whom another record with the key, met
    /// later, may outrank: a rehire's new employment); skips it when it is
    /// the same user again, or outranked by the version taken
    /// ([`Precedence`](crate::mapping::Precedence): the same person's newer
    /// record, or another person's record at work, wins whatever the order
    /// of arrival).
    fn admit(&self, mut m: MappedUser) -> Option<MappedUser> {
        let d = digest(&m.user);
        let limit = self.job.key_limit;
        let leaving = m.user.is_leave == Some(true);
        let mut guard = self.tally();
        let tally = &mut *guard;
        m.precedence.arrival = tally.arrival();
        let taken = match tally.seen.get(&m.key) {
            None => None,
            Some(None) => Some(None),
            Some(Some(taken)) => Some(Some(*taken)),
        };
        match taken {
            _ if leaving => {
                // Decided once every record of the first pass is in.
                tally.seen.entry(m.key.clone()).or_insert(None);
                tally.hold_leaver(m, limit);
                None
            }
            // A leaver held for this key outranks it (the same person's
            // later record): it would only be pushed to be undone.
            _ if tally
                .held_leavers
                .get(&m.key)
                .is_some_and(|held| held.iter().any(|h| !m.precedence.replaces(&h.precedence))) =>
            {
                tally.skip(
                    &duplicate(&m.key, "a record with this key that outranks it (newer, or at work) came earlier in the run"),
                    limit,
                );
                None
            }
            // New, or met before but skipped then (nothing of it is in flight).
            None | Some(None) => {
                tally.seen.insert(m.key.clone(), Some((d, m.precedence)));
                tally.report.mapped += 1;
                Some(m)
            }
            Some(Some((taken_digest, _))) if taken_digest == d => {
                tally.skip(
                    &duplicate(&m.key, "the same user came earlier in the run"),
                    limit,
                );
                None
            }
            Some(Some((_, taken))) if !m.precedence.replaces(&taken) => {
                tally.skip(
                    &duplicate(&m.key, "a record with this key that outranks it (newer, or at work) came earlier in the run"),
                    limit,
                );
                None
            }
            Some(Some(_)) => {
                tally.seen.insert(m.key.clone(), Some((d, m.precedence)));
                tally.report.mapped += 1;
                let key = m.key.clone();
                if tally.newer.insert(key.clone(), m).is_some() {
                    // Only the winning version goes: the one it replaces is
                    // accounted for as a duplicate.
                    tally.report.mapped -= 1;
                    tally.skip(
                        &duplicate(&key, "a record with this key that outranks it replaced it"),
                        limit,
                    );
                }
                None
            }
        }
    }

    /// Looks mapped users up in the store: the unchanged ones are noted as
    /// seen, the others returned to push.
    async fn compare(&self, mapped: Vec<MappedUser>) -> Vec<ToPush> {
        if mapped.is_empty() || self.stopped() {
            return Vec::new();
        }
        let keys: Vec<String> = mapped.iter().map(|m| m.key.clone()).collect();
        let known = match self.job.store.lookup(self.source(), &keys).await {
            Ok(k) => k,
            Err(e) => {
                self.fail(e);
                return Vec::new();
            }
        };
        let full = self.job.mode == Mode::Full;
        let mut unchanged = Vec::new();
        let mut retried = 0;
        let mut out = Vec::new();
        for m in mapped {
            let hash = content_hash(&m.user);
            let state = known.get(&m.key);
            let failing = state.is_some_and(|s| s.failing);
            let same = state.is_some_and(|s| s.hash.as_deref() == Some(hash.as_str()));
            if failing {
                retried += 1;
            }
            if full || failing || !same {
                out.push(ToPush {
                    key: m.key,
                    user: m.user,
                    hash,
                });
            } else {
                unchanged.push(m.key);
            }
        }
        {
            let mut tally = self.tally();
            tally.report.unchanged += unchanged.len() as u64;
            tally.report.retried += retried;
        }
        if !self.job.dry
            && let Err(e) = self
                .job
                .store
                .mark_seen(self.source(), self.run, &unchanged)
                .await
        {
            self.fail(e);
        }
        self.report_progress();
        out
    }

    /// Pushes `users` in batches, `concurrency` at a time, committing each.
    async fn push_all(&self, users: impl Stream<Item = ToPush>) {
        users
            .take_while(|_| ready(!self.stopped()))
            .chunks(self.job.batch_size)
            .map(|batch| self.push_batch(batch))
            .buffer_unordered(self.job.concurrency)
            .for_each(|()| ready(()))
            .await;
    }

    async fn push_batch(&self, batch: Vec<ToPush>) {
        if self.stopped() || batch.is_empty() {
            return;
        }
        let limit = self.job.key_limit;
        if self.job.dry {
            let mut tally = self.tally();
            for t in &batch {
                tally.report.pushed += 1;
                tally.report.add_changed(&t.key, limit);
            }
            drop(tally);
            self.report_progress();
            return;
        }
        let Some(travel) = &self.job.travel else {
            return;
        };
        if !self.lease_live() {
            return;
        }
        let users: Vec<UserInfo> = batch.iter().map(|t| t.user.clone()).collect();
        let answer = match travel.push(&users).await {
            Ok(o) if o.len() == users.len() => Ok(o),
            Ok(o) => Err(hr_common::Error::internal(format!(
                "the travel client answered {} outcomes for {} users",
                o.len(),
                users.len()
            ))),
            Err(e) => Err(e),
        };
        let mut commit = BatchCommit::new(self.run);
        let mut refused = Vec::new();
        let mut unanswered = 0u64;
        let mut no_answer: Option<hr_common::Error> = None;
        let json = |u: &UserInfo| serde_json::to_string(u).unwrap_or_default();
        match answer {
            Ok(outcomes) => {
                for (t, o) in batch.iter().zip(outcomes) {
                    match o.outcome {
                        Outcome::Synced => commit.synced.push(SyncedUser::new(
                            &t.key,
                            &t.hash,
                            o.bind_id,
                            t.user.is_leave == Some(true),
                            json(&t.user),
                        )),
                        // No processed answer for this user: stored as a
                        // failure, so it is retried whatever the source
                        // delivers next, and the run stops.
                        Outcome::NotSynced { error } => {
                            unanswered += 1;
                            let why = redact_for(&error.to_string(), &t.user);
                            commit
                                .failed
                                .push(FailedUser::new(&t.key, json(&t.user), why));
                            no_answer.get_or_insert(error);
                        }
                        other => {
                            let why = other
                                .description()
                                .unwrap_or_else(|| "not synced".to_owned());
                            let why = redact_for(&why, &t.user);
                            refused.push((t.key.clone(), why.clone()));
                            commit
                                .failed
                                .push(FailedUser::new(&t.key, json(&t.user), why));
                        }
                    }
                }
            }
            Err(error) => {
                for t in &batch {
                    unanswered += 1;
                    let why = redact_for(&error.to_string(), &t.user);
                    commit
                        .failed
                        .push(FailedUser::new(&t.key, json(&t.user), why));
                }
                no_answer = Some(error);
            }
        }
        let committed = self.job.store.commit_batch(self.source(), &commit).await;
        {
            // What the platform answered, committed or not: the report
            // tells what the platform now has.
            let mut tally = self.tally();
            let r = &mut tally.report;
            r.pushed += batch.len() as u64;
            r.succeeded += commit.synced.len() as u64;
            r.left += commit.synced.iter().filter(|u| u.left).count() as u64;
            r.unanswered += unanswered;
            for t in &batch {
                r.add_changed(&t.key, limit);
            }
            for (key, why) in &refused {
                r.add_failure(key, why, limit);
            }
        }
        self.report_progress();
        if let Err(e) = committed {
            return self.fail(e);
        }
        if let Some(error) = no_answer {
            self.fail(Error::Travel(error));
        }
    }

    /// Phase 1: the source.
    async fn pull_and_push(
        &self,
        from: Option<&SourceCheckpoint>,
    ) -> Result<Option<SourceCheckpoint>> {
        let pull = self.job.source.pull(from).await?;
        let checkpoint = pull.checkpoint_after;
        let users = pull
            .records
            .take_while(|_| ready(!self.stopped()))
            .chunks(self.job.batch_size)
            .then(|chunk| self.prepare(chunk))
            .flat_map(stream::iter);
        self.push_all(users).await;
        Ok(checkpoint)
    }

    /// Phase 1b: newer versions of users met twice, now that the first
    /// version of each is committed.
    async fn push_newer(&self) {
        let newer: Vec<MappedUser> = {
            let mut tally = self.tally();
            let leavers = tally.settle_leavers(self.job.key_limit);
            std::mem::take(&mut tally.newer)
                .into_values()
                .chain(leavers)
                .collect()
        };
        if newer.is_empty() {
            return;
        }
        tracing::info!(
            count = newer.len(),
            "leavers, and users delivered twice with different content: pushing the version that wins"
        );
        let users = stream::iter(newer)
            .chunks(self.job.batch_size)
            .then(|chunk| self.compare(chunk))
            .flat_map(stream::iter);
        self.push_all(users).await;
    }

    /// Phase 2: stored failures the run did not meet.
    ///
    /// With `complete` (the source listed everyone), a failure of someone
    /// the listing lacks is forgotten, since they are gone (a full run
    /// pushes them as left if the platform knows them), unless what
    /// failed was pushing them as left: that is retried.
    async fn retry_failures(&self, complete: bool) -> Result<()> {
        let failures = self.job.store.failures(self.source()).await?;
        let mut retry = Vec::new();
        let mut forget = BatchCommit::new(self.run);
        for f in failures {
            if self.tally().seen.contains_key(&f.key) {
                continue; // met in the source and handled there
            }
            match UserInfo::from_json(f.user_json.as_bytes()) {
                Ok(user) if complete && user.is_leave != Some(true) => forget.resolved.push(f.key),
                Ok(user) => {
                    {
                        let mut tally = self.tally();
                        tally.report.retried += 1;
                        tally.report.retried_from_store += 1;
                    }
                    retry.push(ToPush {
                        hash: content_hash(&user),
                        key: f.key,
                        user,
                    });
                }
                Err(e) => {
                    // Serde quotes the values it could not read: keep the
                    // shape of the problem, not the data.
                    let why =
                        hr_common::redact::redact(&hr_common::redact::scrub_values(&e.to_string()));
                    self.skip(
                        &Skipped::new(
                            Some(&f.key),
                            format!("userNo {}", f.key),
                            SkipReason::Unreadable,
                        )
                        .detail(format!("the stored user cannot be read back: {why}")),
                    );
                    forget.resolved.push(f.key);
                }
            }
        }
        if !self.job.dry && !forget.is_empty() {
            self.job.store.commit_batch(self.source(), &forget).await?;
        }
        self.push_all(stream::iter(retry)).await;
        Ok(())
    }

    /// Phase 3: active users a complete listing no longer has.
    async fn push_leavers(&self) -> Result<()> {
        let active = self.job.store.active_keys(self.source()).await?;
        let absent: Vec<String> = {
            let tally = self.tally();
            active
                .iter()
                .filter(|k| !tally.seen.contains_key(*k))
                .cloned()
                .collect()
        };
        if absent.is_empty() {
            return Ok(());
        }
        if absent.len() as f64 > self.job.max_leaver_share * active.len() as f64 {
            return Err(Error::Config(format!(
                "the listing lacks {} of the {} active users; refusing to mark them all as left \
                 (a listing cut short looks the same). Raise max_leaver_share if this is right.",
                absent.len(),
                active.len()
            )));
        }
        tracing::info!(
            count = absent.len(),
            "users gone from the listing: pushing them as left"
        );
        self.push_as_left(absent).await;
        Ok(())
    }

    /// Leavers whose own record could not be mapped (HR cleared the
    /// mobile, say): without this they would keep their travel account.
    /// A key taken in this run by a record that outranks the leaver (the
    /// same person's later record, another employment at work) is left
    /// to it.
    async fn push_unmapped_leavers(&self) {
        let keys: Vec<String> = {
            let mut tally = self.tally();
            let leavers = std::mem::take(&mut tally.leaving_unmapped);
            leavers
                .into_iter()
                .filter(|(k, leaver)| match tally.seen.get(k) {
                    Some(Some((_, taken))) => leaver.replaces(taken),
                    _ => true,
                })
                .map(|(k, _)| k)
                .collect::<std::collections::BTreeSet<_>>()
                .into_iter()
                .collect()
        };
        if !keys.is_empty() {
            self.push_as_left(keys).await;
        }
    }

    /// Pushes `keys` as left, each from the user last pushed for it; keys
    /// never pushed, or already pushed as left, need nothing. A stored
    /// user that cannot be read back is reported, not dropped silently.
    async fn push_as_left(&self, keys: Vec<String>) {
        let store = &self.job.store;
        let users = stream::iter(keys.chunks(self.job.batch_size).map(<[String]>::to_vec))
            .then(|keys| async move {
                match store.last_pushed(self.source(), &keys).await {
                    Ok(found) => keys
                        .into_iter()
                        .filter_map(|k| {
                            let json = found.get(&k)?;
                            let mut user = match UserInfo::from_json(json.as_bytes()) {
                                Ok(user) => user,
                                Err(why) => {
                                    self.skip(
                                        &Skipped::new(
                                            Some(&k),
                                            format!("userNo {k}"),
                                            SkipReason::Unreadable,
                                        )
                                        .detail(format!(
                                            "not pushed as left: the stored user cannot be read back: {why}"
                                        )),
                                    );
                                    return None;
                                }
                            };
                            if user.is_leave == Some(true) {
                                return None;
                            }
                            user.is_leave = Some(true);
                            Some(ToPush {
                                hash: content_hash(&user),
                                key: k,
                                user,
                            })
                        })
                        .collect(),
                    Err(e) => {
                        self.fail(e);
                        Vec::new()
                    }
                }
            })
            .inspect(|batch: &Vec<ToPush>| self.tally().report.leavers += batch.len() as u64)
            .flat_map(stream::iter);
        self.push_all(users).await;
    }
}

/// `text` (a platform's description, an error) with the user's own
/// mobile, e-mail and card numbers masked, then [`hr_common::redact`]
/// (runs of 11 or more digits, values of sensitive keys): what the report,
/// the store and the logs may keep.
fn redact_for(text: &str, user: &UserInfo) -> String {
    let mut text = text.to_owned();
    let mut mask = |raw: &str, masked: String| {
        let raw = raw.trim();
        // Too short to be personal, and likely to hit unrelated text.
        if raw.chars().count() >= 5 {
            text = text.replace(raw, &masked);
        }
    };
    if let Some(m) = &user.mobile {
        let raw = m.expose();
        mask(raw, m.masked());
        let digits: String = raw.chars().filter(char::is_ascii_digit).collect();
        mask(&digits, m.masked());
    }
    if let Some(e) = &user.email_address {
        mask(e.expose(), e.masked());
    }
    for card in &user.card_info {
        if let Some(no) = &card.card_no {
            mask(no.expose(), IdNumber::mask(no.expose()));
        }
    }
    hr_common::redact::redact(&text)
}

impl SyncJob {
    /// Starts a builder.
    pub fn builder() -> SyncJobBuilder {
        SyncJobBuilder {
            source: None,
            store: None,
            travel: None,
            mapping: Mapping::default(),
            mode: Mode::Incremental,
            dry_run: false,
            batch_size: 100,
            concurrency: 4,
            progress: None,
            key_limit: 10_000,
            max_leaver_share: 0.5,
            lease_ttl: Duration::from_secs(60),
            lease_wait: Duration::ZERO,
            worker_id: None,
        }
    }

    /// The name this job holds leases under.
    pub fn worker_id(&self) -> &str {
        &self.worker_id
    }

    /// The mode.
    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// Whether runs push and write nothing.
    pub fn is_dry_run(&self) -> bool {
        self.dry
    }

    /// Runs the sync once. See the [module docs](self) for the flow.
    ///
    /// Returns the report when every record was handled (users the
    /// platform refused included: they are in the report and retried next
    /// time). A run that stops early returns [`Error::Incomplete`] with
    /// the report of what it did; everything it committed stays
    /// committed and the checkpoint is not moved. Errors before anything
    /// started (the store cannot be opened) come as they are, among them
    /// [`Error::LeaseHeld`]: another worker is syncing this source (see
    /// [one worker per source](self#one-worker-per-source)).
    pub async fn run(&self) -> Result<SyncReport> {
        let name = self.source.name().to_owned();
        // A dry run writes nothing and pushes nothing: no lease needed.
        let lease = if self.dry {
            None
        } else {
            Some(self.acquire_lease(&name).await?)
        };
        let held = lease.as_ref().map(|(l, _)| l.clone());
        let result = self.run_leased(&name, lease).await;
        if let Some(lease) = held
            && let Err(e) = self.store.release_lease(&lease).await
        {
            tracing::warn!(error = %e, "could not release the lease; it will expire");
        }
        result
    }

    /// The lease on `name`, and until when it surely lasts; waits up to
    /// `lease_wait` while another worker holds it.
    async fn acquire_lease(&self, name: &str) -> Result<(Lease, Instant)> {
        let deadline = Instant::now() + self.lease_wait;
        loop {
            let asked = Instant::now();
            match self
                .store
                .acquire_lease(name, &self.worker_id, self.lease_ttl)
                .await
            {
                Ok(lease) => return Ok((lease, asked + self.lease_ttl)),
                Err(e) if e.is_lease_held() && Instant::now() < deadline => {
                    tracing::info!(error = %e, "waiting for the source's lease");
                    let pause = (self.lease_ttl / 10)
                        .clamp(Duration::from_millis(100), Duration::from_secs(2))
                        .min(deadline.saturating_duration_since(Instant::now()));
                    tokio::time::sleep(pause).await;
                }
                Err(e) => return Err(e),
            }
        }
    }

    async fn run_leased(&self, name: &str, lease: Option<(Lease, Instant)>) -> Result<SyncReport> {
        let started = Instant::now();
        let name = name.to_owned();
        let run = if self.dry {
            0
        } else {
            self.store.begin_run(&name, self.mode).await?
        };
        let mut report = SyncReport::new(&name, self.mode, self.dry);
        report.run = (!self.dry).then_some(run);
        let ctx = Ctx {
            job: self,
            run,
            tally: Mutex::new(Tally {
                report,
                seen: HashMap::new(),
                newer: HashMap::new(),
                leaving_unmapped: Vec::new(),
                held_leavers: HashMap::new(),
                arrivals: 0,
            }),
            stopped: AtomicBool::new(false),
            error: Mutex::new(None),
            lease: lease.map(|(l, until)| (l, Mutex::new(until))),
        };
        self.progress.start(&name, self.mode);
        match ctx.holding_lease(self.phases(&ctx)).await {
            Ok(Some(checkpoint)) if !ctx.stopped() && !self.dry => {
                // Only while the lease is still ours: a worker that took
                // it over may have moved on already.
                let saved = match ctx.renew_lease().await {
                    Ok(()) => self.store.save_checkpoint(&name, &checkpoint).await,
                    Err(e) => Err(e),
                };
                match saved {
                    Ok(()) => ctx.tally().report.checkpoint_after = Some(checkpoint),
                    Err(e) => ctx.fail(e),
                }
            }
            Ok(_) => {}
            Err(e) => ctx.fail(e),
        }
        let error = ctx
            .error
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        let mut report = ctx
            .tally
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner)
            .report;
        report.duration = started.elapsed();
        report.error = error.as_ref().map(ToString::to_string);
        if error.is_none() {
            debug_assert_eq!(report.check_counts(), Ok(()), "{report}");
        }
        if !self.dry
            && let Err(e) = self.store.finish_run(run, &report).await
        {
            tracing::warn!(error = %e, "could not record the run's report in the store");
        }
        self.progress.finish(&report);
        match error {
            None => Ok(report),
            Some(cause) => Err(Error::Incomplete {
                report: Box::new(report),
                cause: Box::new(cause),
            }),
        }
    }

    /// The phases; returns the checkpoint to save, if any.
    async fn phases(&self, ctx: &Ctx<'_>) -> Result<Option<SourceCheckpoint>> {
        let before = self.store.checkpoint(ctx.source()).await?;
        ctx.tally().report.checkpoint_before = before.clone();
        if self.mode == Mode::RetryFailures {
            ctx.retry_failures(false).await?;
            return Ok(None);
        }
        let from = if self.mode == Mode::Full {
            None
        } else {
            before.as_ref()
        };
        let checkpoint = ctx.pull_and_push(from).await?;
        if ctx.stopped() {
            return Ok(None);
        }
        ctx.push_newer().await;
        if ctx.stopped() {
            return Ok(None);
        }
        ctx.push_unmapped_leavers().await;
        if ctx.stopped() {
            return Ok(None);
        }
        let complete = self.source.is_complete_listing();
        ctx.retry_failures(complete).await?;
        if ctx.stopped() {
            return Ok(None);
        }
        if self.mode == Mode::Full && complete {
            ctx.push_leavers().await?;
        }
        Ok(checkpoint)
    }
}
