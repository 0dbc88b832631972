//! The time-window stream: split, scroll each sub-window to its empty page,
//! prefetch, restart what expired, run sub-windows in parallel, de-duplicate.
//!
//! Shape: a coordinator task keeps up to `parallel` sub-window tasks
//! running. Each walks its scroll (hr-common's scroll stream, which tells an
//! expired scroll from the end by comparing delivered records with the
//! announced total) and pushes pages into one bounded channel: the prefetch
//! buffer. Fetching therefore continues while the consumer works, until the
//! buffer is full; if the consumer stalls long enough for a scroll to die,
//! that sub-window is re-opened and the records it already handed over are
//! skipped: by their versioned key, or, for records without a key, by
//! position (the scroll order is deterministic: the default sort is
//! `userID` ascending). This restart bookkeeping is per sub-window, freed
//! when the sub-window ends, and independent of [`WindowStream::dedup`],
//! which only drops records delivered by *another* sub-window. Besides pages the channel carries "split" and "done"
//! events, in order, so progress and checkpoints describe what the consumer
//! has actually received.

use std::collections::{HashSet, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::{Stream, StreamExt};
use hr_common::endpoint;
use hr_common::error::{GaveUp, PagingErrorKind};
use hr_common::paging::{self, Page, Pages, ScrollPage};
use hr_common::task::{Background, join_error};
use hr_common::transport::CallOptions;
use hr_common::{Error, Result};
use tokio::sync::mpsc;
use tokio::task::JoinSet;
use tracing::Instrument;

use super::progress::{Checkpoint, WindowProgress};
use super::query::{ExtQuery, QueryType, ScrollCall, SortDirection, TimeWindowRequest};
use super::{MAX_CAPACITY, MAX_WINDOW_DAYS, TimeWindow, WindowBound};
use crate::BeisenClient;
use crate::envelope::is_scroll_gone;
use crate::models::WindowRecord;

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
            split_above: Some(20 * u64::from(MAX_CAPACITY)),
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

    /// Ask for `translateProperties` (retired by the vendor on 2026-03-13).
    pub fn enable_translate(mut self, yes: bool) -> Self {
        self.template.query_mut().enable_translate = Some(yes);
        self
    }

    /// Sub-windows scrolled at once (default the client's
    /// [`concurrency`](crate::BeisenClient::concurrency), 1 unless the
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

    /// With [`parallel`](Self::parallel) above 1, a sub-window whose first
    /// page announces more than this many records is split further (default
    /// 6000; `None` never), so skewed data still spreads over the scrolls.
    pub fn split_above(mut self, records: Option<u64>) -> Self {
        self.split_above = records;
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
    pub fn max_growth(mut self, factor: Option<u32>) -> Self {
        self.max_growth = factor;
        self
    }

    /// Whether a record already delivered by another sub-window is dropped
    /// when it appears again with the same key and version (default yes).
    /// A newer version of a record (modified during the run) is never
    /// dropped.
    ///
    /// Memory: with de-duplication on, the stream keeps one key per
    /// delivered record until it ends (about N keys of ~60 bytes for N
    /// records). Turn it off for very large windows; scroll restarts do
    /// not depend on it (they keep their own per-sub-window bookkeeping,
    /// freed when the sub-window finishes).
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
            split_above: if self.parallel > 1 {
                self.split_above
            } else {
                None
            },
            max_restarts: self.max_restarts,
            max_growth: self.max_growth,
            seen: self.dedup.then(|| Arc::new(Mutex::new(HashSet::new()))),
            progress: progress.clone(),
            tx,
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
    max_restarts: u32,
    max_growth: Option<u32>,
    seen: Option<Arc<Mutex<HashSet<String>>>>,
    progress: WindowProgress,
    tx: mpsc::Sender<Event<R::Item>>,
    options: CallOptions,
}

impl<R: TimeWindowRequest> Clone for Engine<R> {
    fn clone(&self) -> Self {
        Engine {
            query_type: self.query_type,
            client: self.client.clone(),
            template: self.template.clone(),
            split_above: self.split_above,
            max_restarts: self.max_restarts,
            max_growth: self.max_growth,
            seen: self.seen.clone(),
            progress: self.progress.clone(),
            tx: self.tx.clone(),
            options: self.options.clone(),
        }
    }
}

fn cancelled() -> Error {
    Error::paging(PagingErrorKind::Cancelled, "the stream was dropped")
}

impl<R: TimeWindowRequest> Engine<R> {
    async fn run(self, windows: Vec<TimeWindow>, parallel: usize) {
        let mut queue: VecDeque<TimeWindow> = windows.into();
        let mut running = JoinSet::new();
        loop {
            while running.len() < parallel
                && let Some(w) = queue.pop_front()
            {
                running.spawn(self.clone().sub_window(w).in_current_span());
            }
            let Some(joined) = running.join_next().await else {
                return;
            };
            // A task that did not finish (a panic, a cancellation) did not
            // do its work: an error, so the checkpoint does not count its
            // windows as complete.
            let outcome = joined.unwrap_or_else(|e| Err(join_error("a sub-window task", e)));
            match outcome {
                // Children go first so the earliest windows finish first and
                // the checkpoint advances steadily.
                Ok(children) => {
                    for c in children.into_iter().rev() {
                        queue.push_front(c);
                    }
                }
                Err(e) => {
                    running.abort_all();
                    let _ = self.tx.send(Event::Failed(e)).await;
                    return;
                }
            }
        }
    }

    fn scroll(&self, window: TimeWindow) -> Pages<R::Item> {
        let client = self.client.clone();
        let query_type = self.query_type;
        let options = self.options.clone();
        let mut request = self.template.clone();
        request.query_mut().set_window(window);
        paging::scroll(move |id: Option<String>| {
            let client = client.clone();
            let options = options.clone();
            let mut request = request.clone();
            request.query_mut().scroll_id = id.unwrap_or_default();
            let first_call = request.query().scroll_id.is_empty();
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
                // The records' versioned keys let the scroll tell a page it
                // already delivered (a server replaying) from progress.
                let keys: Vec<Option<String>> = page
                    .data
                    .iter()
                    .map(|r| r.versioned_key(query_type))
                    .collect();
                Ok(ScrollPage::new(page.data, page.scroll_id)
                    .with_total(total)
                    .with_keys(keys))
            }
        })
        .idle_limit(Some(self.client.scroll_idle()))
        .max_growth(self.max_growth)
        .detect_expiry(true)
        .build()
    }

    /// Drops what this sub-window already handed over before a restart,
    /// and (with de-duplication on) what another sub-window delivered;
    /// returns the new records.
    fn fresh(
        &self,
        items: Vec<R::Item>,
        sub: &mut Delivered,
        attempt_keyless: &mut u64,
    ) -> Vec<R::Item> {
        let before = items.len();
        let mut seen = self
            .seen
            .as_ref()
            .map(|s| s.lock().unwrap_or_else(|e| e.into_inner()));
        let kept: Vec<R::Item> = items
            .into_iter()
            .filter(|r| match r.versioned_key(self.query_type) {
                Some(k) => {
                    if sub.keys.contains(&k) {
                        return false;
                    }
                    let new_here = seen.as_mut().is_none_or(|seen| seen.insert(k.clone()));
                    sub.keys.insert(k);
                    new_here
                }
                None => {
                    *attempt_keyless += 1;
                    if *attempt_keyless <= sub.keyless {
                        return false;
                    }
                    sub.keyless += 1;
                    true
                }
            })
            .collect();
        self.progress.duplicates((before - kept.len()) as u64);
        kept
    }

    /// Scrolls one sub-window to its end; returns the windows it was split
    /// into, if it was.
    async fn sub_window(self, window: TimeWindow) -> Result<Vec<TimeWindow>> {
        request_check(&self.template, window)?;
        let mut restarts = 0;
        let mut failed_restarts = 0;
        let mut first_open = true;
        // What this sub-window handed over, to skip after a restart.
        let mut sub = Delivered::default();
        'open: loop {
            let mut pages = self.scroll(window);
            let mut first_page = true;
            let mut attempt_keyless = 0;
            while let Some(page) = pages.next().await {
                match page {
                    Ok(page) => {
                        if first_page && first_open {
                            let total = page.total.unwrap_or(0);
                            if let Some(children) = self.split_of(window, total) {
                                tracing::debug!(%window, total, parts = children.len(), "splitting a busy window");
                                self.tx
                                    .send(Event::Split(window, children.clone()))
                                    .await
                                    .map_err(|_| cancelled())?;
                                return Ok(children);
                            }
                            self.progress.announced(total);
                        }
                        first_page = false;
                        let items = self.fresh(page.items, &mut sub, &mut attempt_keyless);
                        if !items.is_empty() {
                            self.tx
                                .send(Event::Page(items))
                                .await
                                .map_err(|_| cancelled())?;
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
            self.tx
                .send(Event::Done(window))
                .await
                .map_err(|_| cancelled())?;
            return Ok(Vec::new());
        }
    }

    fn split_of(&self, window: TimeWindow, total: u64) -> Option<Vec<TimeWindow>> {
        let limit = self.split_above?.max(1);
        if total <= limit || window.len() < chrono::Duration::seconds(2) {
            return None;
        }
        let parts = total.div_ceil(limit).clamp(2, 8) as usize;
        let children = window.split_even(parts);
        (children.len() > 1).then_some(children)
    }
}

/// What one sub-window has handed over: versioned keys, and the number of
/// records without a key (skipped by position after a restart).
#[derive(Default)]
struct Delivered {
    keys: HashSet<String>,
    keyless: u64,
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
    q.check()
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

    #[tokio::test]
    async fn a_coordinator_that_returned_ends_the_stream() {
        let task = Background::spawn("the coordinator", async {});
        let got: Vec<_> = receiver(task).collect().await;
        assert!(got.is_empty());
    }
}
