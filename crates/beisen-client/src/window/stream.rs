//! The time-window stream: split, scroll each sub-window to its empty page,
//! prefetch, restart what expired, run sub-windows in parallel, de-duplicate.
//!
//! Shape: a coordinator task keeps up to `parallel` sub-window tasks
//! running, the busiest known pieces first. Each walks its scroll
//! (hr-common's scroll stream, which tells an expired scroll from the end
//! by comparing delivered records with the announced total) and pushes
//! pages into one bounded channel: the prefetch buffer. Fetching therefore
//! continues while the consumer works, until the buffer is full; if the
//! consumer stalls long enough for a scroll to die, that sub-window is
//! re-opened and the records it already handed over are skipped: by their
//! versioned key, or, for records without a key, by position (the scroll
//! order is deterministic: the default sort is `userID` ascending). Calls
//! that continue a scroll ask the rate limiter for
//! [`Priority::Continuation`], so open scrolls are served before new
//! pieces are opened and do not idle to death behind them.
//!
//! A piece whose first page announces more than `split_above` records is
//! cut, at the quantiles of that page's times, into pieces of about that
//! size; the page itself is delivered, and the children drop their copies
//! of it. What the stream remembers to drop copies is kept in the ledger
//! (`ledger.rs`): per live piece, freed when it ends, plus the few records
//! another piece may return too. Besides pages the channel
//! carries "split" and "done" events, in order, so progress and
//! checkpoints describe what the consumer has actually received.

use std::collections::BinaryHeap;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{FixedOffset, NaiveDateTime};
use futures::{Stream, StreamExt};
use hr_common::endpoint;
use hr_common::error::{GaveUp, PagingErrorKind};
use hr_common::paging::{self, Page, Pages, ScrollPage};
use hr_common::task::{Background, join_error};
use hr_common::transport::{CallOptions, Priority};
use hr_common::{CivilDateTime, Error, Result};
use tokio::sync::mpsc;
use tokio::task::JoinSet;
use tracing::Instrument;

use super::ledger::{Fingerprints, Key, Ledger, Seen};
use super::progress::{Checkpoint, WindowProgress};
use super::query::{ExtQuery, QueryType, ScrollCall, SortDirection, TimeWindowRequest};
use super::{MAX_CAPACITY, MAX_WINDOW_DAYS, TimeWindow, WindowBound};
use crate::BeisenClient;
use crate::envelope::is_scroll_gone;
use crate::models::WindowRecord;

/// See [`WindowStream::split_above`].
const DEFAULT_SPLIT_ABOVE: u64 = 15_000;

/// See [`WindowStream::max_pieces`].
const DEFAULT_MAX_PIECES: usize = 4_096;

/// A stream of every record changed in a window; built by methods such as
/// [`Employees::changed_between`](crate::employee::Employees::changed_between),
/// configured here, consumed with [`items`](Self::items) or
/// [`pages`](Self::pages).
///
/// The request's filters are set on the stream, so the window is given
/// once: `.columns(..)`, `.with_deleted(..)`, `.query_type(..)` on every
/// stream, and on employee streams `.emp_status(..)`, `.employ_type(..)`,
/// `.approval_statuses(..)` and the presets `.everyone()`, `.active()`,
/// `.departed()`, `.pending_entry()`; [`query`](Self::query) replaces the
/// whole request.
///
/// ```
/// # #[tokio::main]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let sandbox = hr_sandbox::Sandbox::start(hr_sandbox::SandboxConfig {
/// #     data: hr_sandbox::DataConfig::year_2024(),
/// #     ..Default::default()
/// # }).await?;
/// # let b = &sandbox.config().beisen;
/// # let client = beisen_client::BeisenClient::builder()
/// #     .base_url(sandbox.beisen_url())
/// #     .credentials(beisen_client::Credentials::app_key(&b.app_key, &b.app_secret))
/// #     .build()?;
/// use futures::TryStreamExt;
/// let start = chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
/// let stop = chrono::NaiveDate::from_ymd_opt(2025, 1, 1).unwrap();
/// let mut stream = client.employees().changed_between(start, stop).parallel(4).prefetch_pages(16);
/// let progress = stream.progress();
/// let all: Vec<_> = stream.items().try_collect().await?;
/// assert!(!all.is_empty());
/// assert_eq!(all.len() as u64, progress.records());
/// let resume_next_time = progress.checkpoint();
/// assert!(resume_next_time.is_complete());
/// # Ok(()) }
/// ```
#[must_use = "a stream does nothing until consumed"]
pub struct WindowStream<R: TimeWindowRequest> {
    client: BeisenClient,
    template: R,
    whole: TimeWindow,
    parallel: usize,
    prefetch_pages: usize,
    split_above: Option<u64>,
    max_pieces: usize,
    split_long: bool,
    max_restarts: u32,
    max_growth: Option<u32>,
    dedup: bool,
    resume: Option<Checkpoint>,
    progress: Option<WindowProgress>,
    options: CallOptions,
}

impl<R: TimeWindowRequest> std::fmt::Debug for WindowStream<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WindowStream")
            .field("window", &self.whole)
            .field("parallel", &self.parallel)
            .field("prefetch_pages", &self.prefetch_pages)
            .finish_non_exhaustive()
    }
}

impl<R: TimeWindowRequest> WindowStream<R> {
    pub(crate) fn new(
        client: BeisenClient,
        mut template: R,
        start: impl WindowBound,
        stop: impl WindowBound,
    ) -> Self {
        let zone = client.time_zone();
        // The client's concurrency: `DEFAULT_CONCURRENCY` (8) unless the
        // builder set it.
        let parallel = client.concurrency().max(1);
        let whole = TimeWindow::from_civil(start.civil(zone), stop.civil(zone));
        let q = template.query_mut();
        q.capacity.get_or_insert(MAX_CAPACITY);
        q.scroll_id.clear();
        WindowStream {
            client,
            template,
            whole,
            parallel,
            prefetch_pages: 8,
            split_above: Some(DEFAULT_SPLIT_ABOVE),
            max_pieces: DEFAULT_MAX_PIECES,
            split_long: true,
            max_restarts: 5,
            max_growth: Some(paging::DEFAULT_MAX_GROWTH),
            dedup: true,
            resume: None,
            progress: None,
            options: CallOptions::new(),
        }
    }

    /// Replaces the query (filters, columns, capacity…); its window is
    /// ignored.
    pub fn query(mut self, mut template: R) -> Self {
        let q = template.query_mut();
        q.capacity.get_or_insert(MAX_CAPACITY);
        q.scroll_id.clear();
        self.template = template;
        self.progress = None;
        self
    }

    /// The request every call of the stream sends, before the call's
    /// window and scroll id are set: what the filters, presets and
    /// [`query`](Self::query) built.
    pub fn request(&self) -> &R {
        &self.template
    }

    /// Changes the request every call sends (the employee filters go
    /// through here).
    pub(crate) fn map_request(mut self, f: impl FnOnce(R) -> R) -> Self {
        self.template = f(self.template);
        self
    }

    /// Which time selects records (`timeWindowQueryType`; default
    /// modification time).
    pub fn query_type(mut self, t: QueryType) -> Self {
        self.template.query_mut().time_window_query_type = t;
        // The progress handle records the query type for its checkpoint.
        self.progress = None;
        self
    }

    /// Columns to fill, PascalCase (`"Name"`, `"Email"`); all when not set.
    pub fn columns(mut self, columns: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.template.query_mut().columns = Some(columns.into_iter().map(Into::into).collect());
        self
    }

    /// Records per page, at most 300 (default 300 for a stream).
    pub fn capacity(mut self, capacity: u32) -> Self {
        self.template.query_mut().capacity = Some(capacity);
        self
    }

    /// Adds a sort key; keys apply in the order added. After a scroll
    /// restart, records without a key are skipped by position, which needs
    /// a stable order: sort by a unique field, or keep the default
    /// (`userID` ascending).
    pub fn sort(mut self, field: impl Into<String>, direction: SortDirection) -> Self {
        self.template
            .query_mut()
            .sort
            .get_or_insert_with(Default::default)
            .0
            .push((field.into(), direction));
        self
    }

    /// Adds a custom-field condition (`extQueries`).
    pub fn ext_query(mut self, q: ExtQuery) -> Self {
        self.template
            .query_mut()
            .ext_queries
            .get_or_insert_with(Vec::new)
            .push(q);
        self
    }

    /// Include deleted records (`isWithDeleted`).
    pub fn with_deleted(mut self, yes: bool) -> Self {
        self.template.query_mut().is_with_deleted = Some(yes);
        self
    }

    /// Include disabled records (`withDisabled`; for employees, every
    /// status when no status is given).
    pub fn with_disabled(mut self, yes: bool) -> Self {
        self.template.query_mut().with_disabled = Some(yes);
        self
    }

    /// Ask for `translateProperties`. Retired by the vendor: tenants
    /// created after 2026-03-13 get `translateProperties: null`.
    #[deprecated(
        note = "Beisen retired enableTranslate: tenants created after 2026-03-13 get `translateProperties: null`. Translate coded fields with DataSource/GetDataSource (POST /dataservice/api/DataSource/GetDataSource) instead."
    )]
    pub fn enable_translate(mut self, yes: bool) -> Self {
        self.template.query_mut().enable_translate = Some(yes);
        self
    }

    /// Sub-windows scrolled at once (default the client's
    /// [`concurrency`](crate::BeisenClient::concurrency),
    /// [`DEFAULT_CONCURRENCY`](crate::DEFAULT_CONCURRENCY) = 8 unless the
    /// builder set it). All share the client's rate limiter, so
    /// parallelism never exceeds the tenant's quota. With more than one,
    /// the window is also cut into at least this many parts.
    pub fn parallel(mut self, n: usize) -> Self {
        self.parallel = n.max(1);
        self.progress = None;
        self
    }

    /// Per-call options of every page call of the stream (timeout, deadline,
    /// retry policy), over the client's defaults. A deadline bounds each
    /// call, not the whole stream.
    ///
    /// ```
    /// use std::time::Duration;
    /// use beisen_client::{BeisenClient, CallOptions, Credentials, RetryPolicy};
    ///
    /// let client = BeisenClient::builder()
    ///     .credentials(Credentials::app_key("key", "secret"))
    ///     .build()?;
    /// let start = beisen_client::chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
    /// let stop = beisen_client::chrono::NaiveDate::from_ymd_opt(2024, 2, 1).unwrap();
    /// let stream = client.employees().changed_between(start, stop).call_options(
    ///     CallOptions::new()
    ///         .deadline(Duration::from_secs(120))
    ///         .retry(RetryPolicy::default().max_attempts(8)),
    /// );
    /// # let _ = stream; Ok::<_, beisen_client::Error>(())
    /// ```
    pub fn call_options(mut self, options: CallOptions) -> Self {
        self.options = options;
        self
    }

    /// Pages fetched ahead of the consumer (default 8). The scroll is kept
    /// alive while the buffer has room; a consumer that stalls longer than
    /// the buffer lasts plus the scroll's idle limit costs a scroll restart,
    /// never a record.
    pub fn prefetch_pages(mut self, n: usize) -> Self {
        self.prefetch_pages = n.max(1);
        self
    }

    /// A sub-window whose first page announces more than this many records
    /// is split further (default 15,000, 50 pages; `None` never), so that
    /// skewed data still spreads over the scrolls and no scroll holds more
    /// than about this many restart keys.
    ///
    /// The split is as fine as the total needs: pieces of about this size,
    /// and at least as many as the stream's [`parallel`](Self::parallel)
    /// scrolls (a piece this busy is found late and is likely what the run
    /// ends on: side by side, its pieces end together; up to 64 from one
    /// split, none shorter than a second), cut where
    /// the first page's records fall in time, so a busy hour gets many
    /// pieces and a quiet month one. That page is delivered, not thrown
    /// away; the new pieces skip their copies of its records. Larger
    /// pieces are scrolled first.
    ///
    /// Why 15,000: a scroll is serial, so a piece of 50 pages at ~40 ms a
    /// call takes about 2 s, while the tenant's 100 calls a second move
    /// 30,000 records in the same time; larger pieces would make the tail
    /// of a skewed window, smaller ones cost a first page and an empty last
    /// page each for nothing when the data is even.
    pub fn split_above(mut self, records: Option<u64>) -> Self {
        self.split_above = records;
        self
    }

    /// The most pieces the stream's splits may make in all (default
    /// 4,096), beyond the first cut of the window into 90-day and
    /// [`parallel`](Self::parallel) parts. A split that would go past it
    /// fails the stream with [`PagingErrorKind::TooManyPages`] instead.
    ///
    /// Real data stays far below: a year is cut into a handful of parts,
    /// a busy one splits up to 64 ways, and a few of those split again
    /// where the data is skewed, a few hundred pieces; 4,096 is room for
    /// 64 such splits, some 50 million records at the default
    /// [`split_above`](Self::split_above). A server announcing totals that
    /// have nothing to do with its records would otherwise make the stream
    /// split until its pieces are a second wide: about 10⁷ calls for 90
    /// days. See [`max_growth`](Self::max_growth) for the guard that
    /// usually stops such a server much earlier. `usize::MAX` turns the
    /// limit off.
    ///
    /// ```
    /// use beisen_client::{BeisenClient, Credentials};
    ///
    /// let client = BeisenClient::builder()
    ///     .credentials(Credentials::app_key("key", "secret"))
    ///     .build()?;
    /// let start = beisen_client::chrono::NaiveDate::from_ymd_opt(2020, 1, 1).unwrap();
    /// let stop = beisen_client::chrono::NaiveDate::from_ymd_opt(2025, 1, 1).unwrap();
    /// // Five years of a very busy tenant: allow more pieces than the default.
    /// let stream = client.employees().changed_between(start, stop).max_pieces(16_384);
    /// # let _ = stream; Ok::<_, beisen_client::Error>(())
    /// ```
    pub fn max_pieces(mut self, pieces: usize) -> Self {
        self.max_pieces = pieces;
        self
    }

    /// Whether windows over 90 days are split (default yes). When off, such
    /// a window is an invalid-request error before anything is sent.
    pub fn split_long_windows(mut self, on: bool) -> Self {
        self.split_long = on;
        self.progress = None;
        self
    }

    /// Restarts of one sub-window before the stream gives up with the last
    /// error (default 5). Every restart counts, with or without new records:
    /// a restart re-reads the sub-window from its first page (records
    /// already delivered are skipped, not re-sent), so a consumer that
    /// keeps stalling past the scroll's idle limit would otherwise cost
    /// requests quadratic in the sub-window's size. Raise
    /// [`prefetch_pages`](Self::prefetch_pages), or use more
    /// [`parallel`](Self::parallel) sub-windows (smaller ones), rather than
    /// this limit.
    ///
    /// Of these, at most one restart follows a failure that the transport
    /// had already retried to its limit (a 5xx, a reset); none follows a
    /// passed deadline or a spent retry budget. Every restart draws on the
    /// client's [`RetryBudget`](hr_common::transport::RetryBudget), like a
    /// retry does.
    pub fn max_restarts(mut self, n: u32) -> Self {
        self.max_restarts = n;
        self
    }

    /// How many times the total that a sub-window's first page announces
    /// its scroll may deliver, plus one page, before the stream fails with
    /// [`PagingErrorKind::Overrun`] (default `Some(2)`,
    /// [`DEFAULT_MAX_GROWTH`](hr_common::paging::DEFAULT_MAX_GROWTH); `None`
    /// turns the bound off). A scroll whose total keeps growing, page after
    /// page, is not followed for ever. Independently, a page whose records
    /// this scroll already delivered (same keys and versions) always fails
    /// the stream ("no progress"): a scroll that replays its pages never
    /// ends.
    ///
    /// The same factor bounds a split: the pieces of a split sub-window
    /// cover it exactly, so together they hold what it announced, give or
    /// take the records changed meanwhile. When the totals their first
    /// pages announce add up to more than this many times its total (plus
    /// one page), the stream fails with [`PagingErrorKind::Overrun`] rather
    /// than open or split them further: a server announcing a billion
    /// records in every piece, whatever its width, would otherwise have
    /// every piece split 64 ways. The bound is on the sum, not on each
    /// piece's estimate, because honest skew can put most of a sub-window
    /// in one of its pieces.
    pub fn max_growth(mut self, factor: Option<u32>) -> Self {
        self.max_growth = factor;
        self
    }

    /// Whether a record already delivered by another sub-window is dropped
    /// when it appears again with the same key and version (default yes).
    /// A newer version of a record (modified during the run) is never
    /// dropped.
    ///
    /// Memory does not grow with the result. Beisen returns a record in
    /// the piece that holds the time its query type selects on, so a
    /// record whose times all lie inside the piece that returned it can
    /// come back only from that piece: its key is kept while the piece is
    /// live (a restart skips it) and let go when the piece ends. Keys are
    /// kept to the end of the stream only for the records another piece
    /// may return too: an employee whose person and job record changed in
    /// different pieces, a time within a second of a piece boundary, or a
    /// record returned by a piece that holds none of its times (a vendor
    /// inconsistency: the copy is dropped if the piece holding its time is
    /// live and has the key, and delivered again if that piece has already
    /// finished, since a record twice beats a record lost). So the stream
    /// holds about `parallel` × [`split_above`](Self::split_above) keys
    /// plus those few ([`WindowProgress::dedup_keys_peak`] tells); a key
    /// is a 128-bit keyed fingerprint of the versioned key, 20 to 40 bytes
    /// with the set (two keys collide with a chance of about 10⁻²⁷ in a
    /// million records). The worst case,
    /// every record in two pieces, is one key per record, as without this
    /// bound. Records without times (a `columns` list that leaves them
    /// out) are trusted to come from one piece.
    ///
    /// Turned off, copies returned by two pieces are both delivered; the
    /// stream's own re-reads (a restart, the pieces of a split) are still
    /// skipped.
    pub fn dedup(mut self, on: bool) -> Self {
        self.dedup = on;
        self
    }

    /// Starts after a checkpoint of an earlier run over the same window.
    ///
    /// The checkpoint must belong to this stream: it must start no later
    /// than this window (so it vouches for everything up to its
    /// `completed_through`), be consistent (`start <= completed_through <=
    /// stop`) and, when it records one, have the same query type. Otherwise
    /// the stream fails with an invalid-request error before sending
    /// anything. Checkpoints of resumed runs keep this window's start, so
    /// a chain of resumes works.
    pub fn resume_from(mut self, checkpoint: &Checkpoint) -> Self {
        self.resume = Some(*checkpoint);
        self.progress = None;
        self
    }

    fn query_type_code(&self) -> u8 {
        self.template.query().time_window_query_type.code()
    }

    /// The sub-windows to deliver, after the checkpoint if any.
    fn initial_windows(&self) -> Result<Vec<TimeWindow>> {
        if self.whole.stop() < self.whole.start() {
            return Err(Error::invalid_request(
                "stopTime",
                format!(
                    "stop {} is before start {}",
                    self.whole.stop(),
                    self.whole.start()
                ),
            ));
        }
        let mut rest = self.whole;
        if let Some(c) = &self.resume {
            if c.start > self.whole.start() {
                return Err(Error::invalid_request(
                    "checkpoint",
                    format!(
                        "the checkpoint starts at {}, after this window's start {}: it does not cover {}",
                        c.start,
                        self.whole.start(),
                        self.whole
                    ),
                ));
            }
            if c.completed_through < c.start || c.completed_through > c.stop {
                return Err(Error::invalid_request(
                    "checkpoint",
                    format!(
                        "completedThrough {} is outside the checkpoint's window [{}, {})",
                        c.completed_through, c.start, c.stop
                    ),
                ));
            }
            if let Some(t) = c.query_type
                && t != self.query_type_code()
            {
                return Err(Error::invalid_request(
                    "checkpoint",
                    format!(
                        "the checkpoint is of timeWindowQueryType {t}, this stream of {}",
                        self.query_type_code()
                    ),
                ));
            }
            if c.completed_through > rest.start() {
                rest = TimeWindow::from_civil(c.completed_through.min(rest.stop()), rest.stop());
            }
        }
        if rest.is_empty() {
            return Ok(Vec::new());
        }
        if !self.split_long {
            rest.check_span()?;
        }
        let long = rest.split_max_days(MAX_WINDOW_DAYS);
        Ok(if self.parallel > long.len() {
            rest.split_even(self.parallel)
        } else {
            long
        })
    }

    /// The live progress handle of this stream (call before consuming).
    /// A stream that is rejected or fails never reports a window it did
    /// not finish as complete.
    pub fn progress(&mut self) -> WindowProgress {
        if let Some(p) = &self.progress {
            return p.clone();
        }
        let windows = self.initial_windows().unwrap_or_else(|_| vec![self.whole]);
        let p = WindowProgress::new(self.whole, &windows, Some(self.query_type_code()));
        self.progress = Some(p.clone());
        p
    }

    /// The records, one by one.
    pub fn items(self) -> paging::Items<R::Item> {
        self.pages().by_item()
    }

    /// The records, page by page (pages never empty).
    pub fn pages(mut self) -> Pages<R::Item> {
        let progress = self.progress();
        let windows = match self.initial_windows() {
            Ok(w) => w,
            Err(e) => return Pages::new(futures::stream::iter([Err(e)])),
        };
        let (tx, rx) = mpsc::channel(self.prefetch_pages);
        let query_type = self.template.query().time_window_query_type;
        let engine = Engine {
            query_type,
            client: self.client,
            template: self.template,
            split_above: self.split_above,
            max_pieces: self.max_pieces,
            pieces: Arc::default(),
            parallel: self.parallel,
            max_restarts: self.max_restarts,
            max_growth: self.max_growth,
            ledger: Arc::new(Mutex::new(Ledger::new(&windows, self.dedup))),
            fingerprints: Fingerprints::default(),
            progress: progress.clone(),
            tx,
            continuation: self.options.clone().priority(Priority::Continuation),
            options: self.options,
        };
        // In the span current here, so that the calls of the sub-windows
        // log under the caller's context.
        let task = Background::spawn(
            "the stream's coordinator task",
            engine.run(windows, self.parallel),
        );
        Pages::new(Receiver {
            rx,
            progress,
            number: 0,
            task,
            ended: false,
        })
    }
}

enum Event<T> {
    Page(Vec<T>),
    Split(TimeWindow, Vec<TimeWindow>),
    Done(TimeWindow),
    Failed(Error),
}

/// The consumer's end: applies events to the progress in channel order and
/// yields pages.
struct Receiver<T> {
    rx: mpsc::Receiver<Event<T>>,
    progress: WindowProgress,
    number: usize,
    /// The coordinator: when the channel closes, how it ended tells a
    /// complete stream from a panic or a cancellation. Dropping the stream
    /// aborts it.
    task: Background<()>,
    ended: bool,
}

impl<T> Stream for Receiver<T> {
    type Item = Result<Page<T>>;

    fn poll_next(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Self::Item>> {
        loop {
            if self.ended {
                return std::task::Poll::Ready(None);
            }
            let event = std::task::ready!(self.rx.poll_recv(cx));
            match event {
                None => {
                    // Every sender is gone: the coordinator has ended or is
                    // ending. Only a coordinator that returned normally
                    // means the stream is complete; one that panicked or
                    // was cancelled must not pass for the end.
                    let joined = std::task::ready!(std::pin::Pin::new(&mut self.task).poll(cx));
                    self.ended = true;
                    return std::task::Poll::Ready(joined.err().map(Err));
                }
                Some(Event::Page(items)) => {
                    self.progress.delivered(items.len());
                    let n = self.number;
                    self.number += 1;
                    return std::task::Poll::Ready(Some(Ok(Page::new(n, items))));
                }
                Some(Event::Split(parent, children)) => self.progress.split(parent, &children),
                Some(Event::Done(w)) => self.progress.done(w),
                Some(Event::Failed(e)) => return std::task::Poll::Ready(Some(Err(e))),
            }
        }
    }
}

struct Engine<R: TimeWindowRequest> {
    query_type: QueryType,
    client: BeisenClient,
    template: R,
    split_above: Option<u64>,
    max_pieces: usize,
    /// Pieces made by splits so far, across the stream's tasks.
    pieces: Arc<AtomicUsize>,
    /// Scrolls at once; a split is at least this wide.
    parallel: usize,
    max_restarts: u32,
    max_growth: Option<u32>,
    ledger: Arc<Mutex<Ledger>>,
    fingerprints: Fingerprints,
    progress: WindowProgress,
    tx: mpsc::Sender<Event<R::Item>>,
    /// Options of a piece's first call.
    options: CallOptions,
    /// Options of the calls that continue an open scroll: the same, at
    /// [`Priority::Continuation`], so the limiter serves them before new
    /// pieces and no scroll idles to death behind them.
    continuation: CallOptions,
}

impl<R: TimeWindowRequest> Clone for Engine<R> {
    fn clone(&self) -> Self {
        Engine {
            query_type: self.query_type,
            client: self.client.clone(),
            template: self.template.clone(),
            split_above: self.split_above,
            max_pieces: self.max_pieces,
            pieces: self.pieces.clone(),
            parallel: self.parallel,
            max_restarts: self.max_restarts,
            max_growth: self.max_growth,
            ledger: self.ledger.clone(),
            fingerprints: self.fingerprints.clone(),
            progress: self.progress.clone(),
            tx: self.tx.clone(),
            options: self.options.clone(),
            continuation: self.continuation.clone(),
        }
    }
}

fn cancelled() -> Error {
    Error::paging(PagingErrorKind::Cancelled, "the stream was dropped")
}

/// A piece waiting for a slot. Pieces whose size is unknown (the first
/// cut) go first, in date order, since opening them is what reveals the
/// work; then the largest estimate, so the busiest pieces do not start
/// last and make the tail of the run.
struct Queued {
    window: TimeWindow,
    estimate: Option<u64>,
    /// The split that made the piece; `None` for the first cut.
    family: Option<Arc<Family>>,
}

impl PartialEq for Queued {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other).is_eq()
    }
}

impl Eq for Queued {}

impl Ord for Queued {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        let rank = |q: &Queued| (q.estimate.is_none(), q.estimate);
        rank(self)
            .cmp(&rank(other))
            .then_with(|| other.window.start().cmp(&self.window.start()))
    }
}

impl PartialOrd for Queued {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// A record with what the stream needs to know about it: its versioned
/// key's fingerprint and the times it is selected on, read once per record.
struct Described<T> {
    item: T,
    key: Option<Key>,
    times: Vec<NaiveDateTime>,
}

/// A civil time in `zone`; times that carry an offset are converted.
fn civil_in(t: &CivilDateTime, zone: FixedOffset) -> NaiveDateTime {
    match t.offset() {
        Some(_) => t.to_datetime(zone).with_timezone(&zone).naive_local(),
        None => t.naive(),
    }
}

impl<R: TimeWindowRequest> Engine<R> {
    fn ledger(&self) -> std::sync::MutexGuard<'_, Ledger> {
        self.ledger.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Reports the keys held now (the peak is kept by the progress).
    fn report_keys(&self, ledger: &Ledger) {
        self.progress.set_dedup_keys(ledger.held() as u64);
    }

    async fn run(self, windows: Vec<TimeWindow>, parallel: usize) {
        let mut queue: BinaryHeap<Queued> = windows
            .into_iter()
            .map(|window| Queued {
                window,
                estimate: None,
                family: None,
            })
            .collect();
        let mut running = JoinSet::new();
        loop {
            while running.len() < parallel
                && let Some(q) = queue.pop()
            {
                running.spawn(self.clone().piece(q.window, q.family).in_current_span());
            }
            let Some(joined) = running.join_next().await else {
                return;
            };
            // A task that did not finish (a panic, a cancellation) did not
            // do its work: an error, so the checkpoint does not count its
            // windows as complete.
            let outcome = joined.unwrap_or_else(|e| Err(join_error("a sub-window task", e)));
            match outcome {
                Ok(None) => {}
                Ok(Some((family, children))) => {
                    queue.extend(children.into_iter().map(|(window, estimate)| Queued {
                        window,
                        estimate: Some(estimate),
                        family: Some(family.clone()),
                    }))
                }
                Err(e) => {
                    running.abort_all();
                    let _ = self.tx.send(Event::Failed(e)).await;
                    return;
                }
            }
        }
    }

    fn scroll(&self, window: TimeWindow) -> Pages<Described<R::Item>> {
        let client = self.client.clone();
        let query_type = self.query_type;
        let zone = self.client.time_zone();
        let fingerprints = self.fingerprints.clone();
        let (opening, continuation) = (self.options.clone(), self.continuation.clone());
        let mut request = self.template.clone();
        request.query_mut().set_window(window);
        paging::scroll(move |id: Option<String>| {
            let client = client.clone();
            let mut request = request.clone();
            let fingerprints = fingerprints.clone();
            request.query_mut().scroll_id = id.unwrap_or_default();
            let first_call = request.query().scroll_id.is_empty();
            let options = if first_call {
                opening.clone()
            } else {
                continuation.clone()
            };
            async move {
                let page = endpoint::send(&client, &ScrollCall(&request), &options).await?;
                if first_call && page.data.is_empty() && page.total.is_some_and(|t| t > 0) {
                    // A scroll that was just opened can't have expired: an
                    // empty first page that announces records contradicts
                    // itself, and taking it for an empty window would lose them.
                    return Err(Error::paging(
                        PagingErrorKind::Invalid,
                        format!(
                            "the first page of the window is empty but announces {} records",
                            page.total.unwrap_or_default()
                        ),
                    ));
                }
                // A dead scroll answers empty data with total 0: keep the
                // total of the live pages, so the shortfall shows as expiry.
                let total = if page.data.is_empty() {
                    None
                } else {
                    page.total
                };
                let records: Vec<Described<R::Item>> = page
                    .data
                    .into_iter()
                    .map(|item| Described {
                        key: item.versioned_key(query_type).map(|k| fingerprints.of(&k)),
                        times: item
                            .version_times(query_type)
                            .into_iter()
                            .map(|t| civil_in(t, zone))
                            .collect(),
                        item,
                    })
                    .collect();
                // The records' versioned keys let the scroll tell a page it
                // already delivered (a server replaying) from progress.
                let keys: Vec<Option<Key>> = records.iter().map(|r| r.key).collect();
                Ok(ScrollPage::new(records, page.scroll_id)
                    .with_total(total)
                    .with_keys(keys))
            }
        })
        .idle_limit(Some(self.client.scroll_idle()))
        .max_growth(self.max_growth)
        .detect_expiry(true)
        .build()
    }

    /// Keeps the records this piece has not handed over (before a
    /// restart) and that no other piece delivered (with de-duplication
    /// on); returns them.
    fn fresh(
        &self,
        window: TimeWindow,
        records: Vec<Described<R::Item>>,
        keyless: &mut Keyless,
    ) -> Vec<R::Item> {
        let before = records.len();
        let mut ledger = self.ledger();
        let kept: Vec<R::Item> = records
            .into_iter()
            .filter_map(|r| {
                let new = match r.key {
                    Some(key) => ledger.admit(
                        window,
                        &Seen {
                            key,
                            times: r.times,
                        },
                    ),
                    None => keyless.admit(),
                };
                new.then_some(r.item)
            })
            .collect();
        self.report_keys(&ledger);
        drop(ledger);
        self.progress.duplicates((before - kept.len()) as u64);
        kept
    }

    async fn send(&self, event: Event<R::Item>) -> Result<()> {
        self.tx.send(event).await.map_err(|_| cancelled())
    }

    /// Scrolls one piece to its end; returns the pieces it was split into,
    /// with their estimated sizes, if it was. `family` is the split that
    /// made this piece.
    async fn piece(self, window: TimeWindow, family: Option<Arc<Family>>) -> Result<Option<Split>> {
        request_check(&self.template, window)?;
        self.ledger().open(window);
        let mut restarts = 0;
        let mut failed_restarts = 0;
        let mut first_open = true;
        // Records without a key this piece handed over, skipped by
        // position after a restart.
        let mut keyless = Keyless::default();
        'open: loop {
            let mut pages = self.scroll(window);
            let mut first_page = true;
            keyless.reopen();
            while let Some(page) = pages.next().await {
                match page {
                    Ok(page) => {
                        let records = page.items;
                        if first_page && first_open {
                            let total = page.total.unwrap_or(0);
                            if let Some(family) = &family {
                                self.claim(family, window, total)?;
                            }
                            if let Some(children) = self.split_of(window, total, &records) {
                                self.reserve_pieces(window, total, children.len())?;
                                self.split(window, total, records, &children, &mut keyless)
                                    .await?;
                                let family = Arc::new(Family {
                                    parent: window,
                                    total,
                                    claimed: AtomicU64::new(0),
                                });
                                return Ok(Some((family, children)));
                            }
                            self.progress.announced(total);
                        }
                        first_page = false;
                        let items = self.fresh(window, records, &mut keyless);
                        if !items.is_empty() {
                            self.send(Event::Page(items)).await?;
                        }
                    }
                    Err(e) if is_restartable(&e) => {
                        restarts += 1;
                        if restarts > self.max_restarts {
                            return Err(e);
                        }
                        // An expired scroll is the stream's business and is
                        // restarted up to `max_restarts` times. A failure the
                        // transport already retried to its limit gets one
                        // fresh start: more would multiply its attempts.
                        if !is_scroll_gone(&e) {
                            failed_restarts += 1;
                            if failed_restarts > 1 {
                                return Err(e);
                            }
                        }
                        // Restarts draw on the client's retry budget like the
                        // transport's retries do, so a failing vendor cannot
                        // multiply requests by restarting piece after piece.
                        if !self.client.transport().retry_budget().try_charge(&e) {
                            tracing::warn!(%window, error = %e, "retry budget spent; not restarting the scroll");
                            return Err(e);
                        }
                        tracing::info!(%window, error = %e, restarts, "restarting the scroll; delivered records are skipped");
                        self.progress.restarted();
                        first_open = false;
                        // A short pause lets a throttled or failing server recover.
                        tokio::time::sleep(Duration::from_millis(100 * u64::from(restarts))).await;
                        continue 'open;
                    }
                    Err(e) => return Err(e),
                }
            }
            {
                let mut ledger = self.ledger();
                ledger.done(window);
                self.report_keys(&ledger);
            }
            self.send(Event::Done(window)).await?;
            return Ok(None);
        }
    }

    /// Adds the `total` a piece of `family` announced to what its siblings
    /// announced, and fails when together they claim far more than the
    /// piece they were cut from.
    fn claim(&self, family: &Family, window: TimeWindow, total: u64) -> Result<()> {
        let Some(factor) = self.max_growth else {
            return Ok(());
        };
        // Saturating: the totals are the server's, and a wrapped sum would
        // pass for a small one.
        let before = family
            .claimed
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |sum| {
                Some(sum.saturating_add(total))
            })
            .unwrap_or_else(|sum| sum);
        let claimed = before.saturating_add(total);
        let bound = family
            .total
            .saturating_mul(u64::from(factor))
            .saturating_add(u64::from(MAX_CAPACITY));
        if claimed <= bound {
            return Ok(());
        }
        Err(Error::paging(
            PagingErrorKind::Overrun,
            format!(
                "the pieces of {} announce {claimed} records together ({total} for {window}), \
                 more than {factor} times the {} announced for the whole of it; the server's \
                 totals do not describe its records, and splitting on them would not end \
                 (raise max_growth if this window really grows that much while it is read)",
                family.parent, family.total
            ),
        ))
    }

    /// Counts `parts` new pieces against [`max_pieces`](WindowStream::max_pieces),
    /// or fails if they would go past it.
    fn reserve_pieces(&self, window: TimeWindow, total: u64, parts: usize) -> Result<()> {
        let max = self.max_pieces;
        match self
            .pieces
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |made| {
                made.checked_add(parts).filter(|&n| n <= max)
            }) {
            Ok(_) => Ok(()),
            Err(made) => Err(Error::paging(
                PagingErrorKind::TooManyPages,
                format!(
                    "splitting {window} ({total} records announced) into {parts} pieces would \
                     take the stream past {max} pieces from splits ({made} made so far); the \
                     server's totals are suspect, or the window is busier than max_pieces allows"
                ),
            )),
        }
    }

    /// Replaces a busy piece by `children`. Its first page is delivered,
    /// and its keys go to the children, which drop their copies; a page
    /// with records that have no key cannot be matched that way and is
    /// left to the children instead.
    async fn split(
        &self,
        window: TimeWindow,
        total: u64,
        records: Vec<Described<R::Item>>,
        children: &[(TimeWindow, u64)],
        keyless: &mut Keyless,
    ) -> Result<()> {
        let windows: Vec<TimeWindow> = children.iter().map(|(w, _)| *w).collect();
        tracing::debug!(%window, total, parts = windows.len(), "splitting a busy window");
        let keyed = records.iter().all(|r| r.key.is_some());
        let mut first_page = Vec::new();
        if keyed {
            first_page = records
                .iter()
                .filter_map(|r| {
                    r.key.map(|key| Seen {
                        key,
                        times: r.times.clone(),
                    })
                })
                .collect();
            let items = self.fresh(window, records, keyless);
            if !items.is_empty() {
                self.send(Event::Page(items)).await?;
            }
        }
        {
            let mut ledger = self.ledger();
            ledger.split(window, &windows, first_page);
            self.report_keys(&ledger);
        }
        self.send(Event::Split(window, windows)).await
    }

    /// The pieces a piece whose first page announces `total` records is
    /// cut into, with their estimated sizes; `None` to scroll it whole.
    ///
    /// About `split_above` records each (a fifth less, so that an
    /// estimate a little short does not make a child split again), at
    /// most [`MAX_SPLIT`] and never under a second. With the default sort
    /// (`userID`, unrelated to time) the first page is a fair sample of
    /// the piece's times, so the cuts are put at its quantiles: a busy
    /// hour gets many pieces and a quiet month one. With another sort, or
    /// a page without times, the piece is cut into equal spans.
    fn split_of(
        &self,
        window: TimeWindow,
        total: u64,
        records: &[Described<R::Item>],
    ) -> Option<Vec<(TimeWindow, u64)>> {
        let limit = self.split_above?.max(1);
        if total <= limit || window.len() < chrono::Duration::seconds(2) {
            return None;
        }
        // At least as wide as the stream's parallelism: a piece this busy
        // is found late (after its first page) and is likely what the run
        // ends on; in as many pieces as there are scrolls, it ends side by
        // side instead of in a few serial scrolls that cannot use the
        // tenant's rate.
        let parts = (total.saturating_mul(6) / 5)
            .div_ceil(limit)
            .max(self.parallel as u64)
            .clamp(2, MAX_SPLIT as u64) as usize;
        let mut sample: Vec<NaiveDateTime> = Vec::new();
        if self.template.query().sort.is_none() {
            sample = records
                .iter()
                .filter_map(|r| {
                    r.times
                        .iter()
                        .copied()
                        .find(|t| window.start() <= *t && *t < window.stop())
                })
                .collect();
            sample.sort_unstable();
        }
        let children = if sample.len() >= parts {
            cut_at_quantiles(window, &sample, parts)
        } else {
            window.split_even(parts)
        };
        if children.len() < 2 {
            return None;
        }
        Some(estimates(window, total, &sample, children))
    }
}

/// The piece a split replaced, with what it announced and what its pieces
/// have announced so far: they cover it exactly, so their totals add up to
/// about its own.
struct Family {
    parent: TimeWindow,
    total: u64,
    claimed: AtomicU64,
}

/// What a split made: the pieces' family and the pieces with their
/// estimated sizes.
type Split = (Arc<Family>, Vec<(TimeWindow, u64)>);

/// The most pieces one split makes: enough for a piece of 64 times
/// `split_above` records, few enough that opening them all costs little.
const MAX_SPLIT: usize = 64;

/// `window` cut at the whole seconds of the `parts`-quantiles of the
/// sorted `sample`; equal cuts merge, so there may be fewer parts.
fn cut_at_quantiles(window: TimeWindow, sample: &[NaiveDateTime], parts: usize) -> Vec<TimeWindow> {
    let mut cuts = vec![window.start()];
    for j in 1..parts {
        let t = super::whole_seconds(sample[j * sample.len() / parts]);
        if t > *cuts.last().unwrap_or(&window.start()) && t < window.stop() {
            cuts.push(t);
        }
    }
    cuts.push(window.stop());
    cuts.windows(2)
        .map(|c| TimeWindow::from_civil(c[0], c[1]))
        .collect()
}

/// Each child's share of `total`: the share of the sample it holds, with
/// the share of its time span as a prior (all of it without a sample).
fn estimates(
    window: TimeWindow,
    total: u64,
    sample: &[NaiveDateTime],
    children: Vec<TimeWindow>,
) -> Vec<(TimeWindow, u64)> {
    let span = window.len().num_seconds().max(1) as f64;
    let m = sample.len() as f64;
    children
        .into_iter()
        .map(|c| {
            let in_child = sample
                .iter()
                .filter(|t| c.start() <= **t && **t < c.stop())
                .count() as f64;
            let share = (in_child + c.len().num_seconds() as f64 / span) / (m + 1.0);
            (c, (total as f64 * share).round() as u64)
        })
        .collect()
}

/// How many records without a key a piece handed over, and how many the
/// current scroll has passed: after a restart the first ones are skipped
/// by position (the scroll order is deterministic).
#[derive(Default)]
struct Keyless {
    delivered: u64,
    this_scroll: u64,
}

impl Keyless {
    fn reopen(&mut self) {
        self.this_scroll = 0;
    }

    fn admit(&mut self) -> bool {
        self.this_scroll += 1;
        if self.this_scroll <= self.delivered {
            return false;
        }
        self.delivered += 1;
        true
    }
}

/// Errors after which a sub-window's scroll is re-opened: an expired
/// scroll, a transient failure, or the vendor's "500" inside an HTTP 200.
/// Never after the call's deadline passed or the retry budget ran out: the
/// transport already spent what a call may spend, and a restart would only
/// multiply the time a hung or failing vendor takes to report.
fn is_restartable(e: &Error) -> bool {
    let spent =
        e.is_deadline() || matches!(e.gave_up(), Some(GaveUp::Deadline | GaveUp::RetryBudget));
    !spent && (is_scroll_gone(e) || e.is_retryable() || e.vendor_code() == Some("500"))
}

fn request_check<R: TimeWindowRequest>(template: &R, window: TimeWindow) -> Result<()> {
    let mut q = template.query().clone();
    q.set_window(window);
    q.check()?;
    template.check_own()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn receiver(task: Background<()>) -> Pages<u8> {
        let (tx, rx) = mpsc::channel::<Event<u8>>(1);
        drop(tx);
        let whole = TimeWindow::from_civil(
            chrono::NaiveDate::from_ymd_opt(2024, 1, 1)
                .unwrap()
                .and_hms_opt(0, 0, 0)
                .unwrap(),
            chrono::NaiveDate::from_ymd_opt(2024, 1, 2)
                .unwrap()
                .and_hms_opt(0, 0, 0)
                .unwrap(),
        );
        Pages::new(Receiver {
            rx,
            progress: WindowProgress::new(whole, &[whole], Some(1)),
            number: 0,
            task,
            ended: false,
        })
    }

    #[tokio::test]
    async fn a_coordinator_that_panicked_is_an_error_not_the_end() {
        let task = Background::spawn("the coordinator", async { panic!("coordinator bug") });
        let got: Vec<_> = receiver(task).collect().await;
        assert_eq!(got.len(), 1);
        let err = got[0].as_ref().unwrap_err();
        assert!(err.is_internal(), "{err:?}");
        let shown = err.to_string();
        assert!(shown.contains("task panicked"), "{shown}");
        assert!(shown.contains("coordinator bug"), "{shown}");
    }

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S").unwrap()
    }

    #[test]
    fn a_busy_hour_gets_the_cuts_and_the_larger_estimates() {
        let day = TimeWindow::from_civil(at("2024-07-09T00:00:00"), at("2024-07-10T00:00:00"));
        // 80 records in one hour, 20 spread over the day.
        let mut sample: Vec<NaiveDateTime> = (0..80)
            .map(|i| at("2024-07-09T02:00:00") + chrono::Duration::seconds(i * 45))
            .chain((0..20).map(|i| day.start() + chrono::Duration::seconds(i * 4_320)))
            .collect();
        sample.sort_unstable();
        let children = cut_at_quantiles(day, &sample, 10);
        assert_eq!(children.first().unwrap().start(), day.start());
        assert_eq!(children.last().unwrap().stop(), day.stop());
        assert!(children.windows(2).all(|p| p[0].stop() == p[1].start()));
        let in_hour = children
            .iter()
            .filter(|c| {
                c.start() >= at("2024-07-09T02:00:00") && c.stop() <= at("2024-07-09T03:00:00")
            })
            .count();
        assert!(in_hour >= 6, "{children:?}");
        let est = estimates(day, 10_000, &sample, children);
        let total: u64 = est.iter().map(|(_, n)| n).sum();
        assert!((9_900..=10_100).contains(&total), "{total}");
        assert!(est.iter().all(|(_, n)| *n <= 2_000), "{est:?}");
    }

    #[test]
    fn cuts_are_whole_seconds_and_never_empty() {
        let w = TimeWindow::from_civil(at("2024-01-01T00:00:00"), at("2024-01-01T00:00:10"));
        // Every record in the same second: one cut at most.
        let sample = vec![at("2024-01-01T00:00:05") + chrono::Duration::milliseconds(300); 50];
        let children = cut_at_quantiles(w, &sample, 8);
        assert_eq!(children.len(), 2);
        assert_eq!(children[1].start(), at("2024-01-01T00:00:05"));
    }

    #[test]
    fn unknown_pieces_go_first_then_the_largest() {
        let w = |h: u32| {
            TimeWindow::from_civil(
                at("2024-01-01T00:00:00") + chrono::Duration::hours(h.into()),
                at("2024-01-01T00:00:00") + chrono::Duration::hours((h + 1).into()),
            )
        };
        let mut queue: BinaryHeap<Queued> = [
            (w(0), Some(10)),
            (w(1), Some(500)),
            (w(2), None),
            (w(3), None),
            (w(4), Some(500)),
        ]
        .into_iter()
        .map(|(window, estimate)| Queued {
            window,
            estimate,
            family: None,
        })
        .collect();
        let order: Vec<TimeWindow> = std::iter::from_fn(|| queue.pop().map(|q| q.window)).collect();
        assert_eq!(order, [w(2), w(3), w(1), w(4), w(0)]);
    }

    #[tokio::test]
    async fn a_coordinator_that_returned_ends_the_stream() {
        let task = Background::spawn("the coordinator", async {});
        let got: Vec<_> = receiver(task).collect().await;
        assert!(got.is_empty());
    }
}
