//! Offset paging: the caller asks for `count` records from position `start`.

use std::collections::VecDeque;
use std::fmt;
use std::future::Future;

use futures::future::{BoxFuture, FutureExt};
use futures::stream;

use super::{DEFAULT_MAX_GROWTH, DEFAULT_MAX_PAGES, Page, PageKeys, Pages, Progress};
use crate::Result;
use crate::error::{Error, PagingErrorKind};
use crate::task::Background;

/// The slice one call of an offset endpoint should fetch; the `fetch`
/// closure of [`offset`] gets it. ISDP+: `"page": {"start": start, "count": count}`.
///
/// ```
/// use futures::StreamExt;
/// use hr_common::paging::{self, OffsetPage, OffsetRequest};
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// let mut pages = paging::offset(200, |req: OffsetRequest| async move {
///     assert_eq!((req.start, req.count), (0, 200));
///     Ok(OffsetPage::new(vec!["only"], Some(1)))
/// })
/// .build();
/// assert!(pages.next().await.unwrap().is_ok());
/// # });
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct OffsetRequest {
    /// Position of the first record to return, 0-based.
    pub start: u64,
    /// How many records to return.
    pub count: u32,
}

/// What one call of an offset endpoint returned.
///
/// ISDP+: `data` → `items`, `totalCount` (or `total_count`) → `total`.
///
/// ```
/// let page = hr_common::paging::OffsetPage::new(vec![1, 2], Some(2));
/// assert_eq!(page.total, Some(2));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct OffsetPage<T> {
    /// The records of this call.
    pub items: Vec<T>,
    /// How many records the whole listing has now, if the server says.
    pub total: Option<u64>,
    /// The position the server says this page starts at (ISDP+: `pos`),
    /// if it says; see [`with_pos`](Self::with_pos).
    pub pos: Option<u64>,
    /// Hashes of the records' keys, when the fetch gave them.
    keys: PageKeys,
}

impl<T> OffsetPage<T> {
    /// A page with its records and the announced total.
    ///
    /// ```
    /// let page = hr_common::paging::OffsetPage::<u8>::new(vec![], None);
    /// assert!(page.items.is_empty());
    /// ```
    pub fn new(items: Vec<T>, total: Option<u64>) -> Self {
        OffsetPage {
            items,
            total,
            pos: None,
            keys: None,
        }
    }

    /// The position the server says the page starts at. A page with
    /// records whose position is not the `start` asked for fails the
    /// listing with [`PagingErrorKind::NoProgress`]: the server ignores
    /// `start`, and following it would serve the same records again and
    /// again.
    ///
    /// ```
    /// use futures::StreamExt;
    /// use hr_common::paging::{self, OffsetPage};
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// // A server that always answers its first page, whatever `start` says.
    /// let pages = paging::offset(2, |_req| async {
    ///     Ok(OffsetPage::new(vec![1, 2], Some(1_000)).with_pos(Some(0)))
    /// })
    /// .build();
    /// let got: Vec<_> = pages.collect().await;
    /// assert_eq!(got.len(), 2);
    /// assert!(got[1].as_ref().unwrap_err().to_string().contains("start"));
    /// # });
    /// ```
    pub fn with_pos(mut self, pos: Option<u64>) -> Self {
        self.pos = pos;
        self
    }

    /// The keys of the records, one per record in order (`None` for a
    /// record without one). A page whose records all carry a key the
    /// listing already delivered fails it with
    /// [`PagingErrorKind::NoProgress`]. Ignored when the count differs from the records'.
    ///
    /// ```
    /// let page = hr_common::paging::OffsetPage::new(vec![7, 8], Some(2)).with_keys([Some(7), Some(8)]);
    /// assert_eq!(page.items, [7, 8]);
    /// ```
    pub fn with_keys<K: std::hash::Hash>(
        mut self,
        keys: impl IntoIterator<Item = Option<K>>,
    ) -> Self {
        self.keys = super::page_keys(keys);
        self
    }
}

/// Pages through an offset listing, `page_size` records per call.
///
/// # When the listing ends
///
/// After a page that reaches the announced total, after a short page (fewer
/// than `count` records), or after a page with no records. A short page
/// does *not* end the listing while its own total says more records follow:
/// that is a server capping the page size (ISDP+ allows at most 200), and
/// ending there would silently drop the rest. The next call then starts
/// where the short page stopped. In general each call starts where the
/// previous page's records ended.
///
/// An empty page can't be followed (asking again from the same position
/// would loop), so it always ends the listing, but not always quietly:
///
/// - its own total is at or below its start (or no total was ever
///   announced): the listing ends there. The total of an ISDP+ listing
///   shrinks while paging when records are deleted, and this is the end of
///   the shorter listing.
/// - its total (its own, or if it reports none the last one announced)
///   still counts records beyond its start: the server skipped them, and
///   the stream yields [`PagingErrorKind::Invalid`] ("empty page at offset
///   X before the announced total Y") rather than end as if complete. For
///   servers whose totals are estimates (a separate count query, say), turn
///   this off with [`allow_short_total`](OffsetBuilder::allow_short_total).
///
/// # Loop guards
///
/// - [`max_pages`](OffsetBuilder::max_pages), [`DEFAULT_MAX_PAGES`] unless
///   set: [`PagingErrorKind::TooManyPages`].
/// - [`max_growth`](OffsetBuilder::max_growth), [`DEFAULT_MAX_GROWTH`]
///   unless set: more records than that many times the first page's total,
///   plus one page, is [`PagingErrorKind::Overrun`].
/// - A page that says where it starts ([`OffsetPage::with_pos`]) must start
///   where it was asked to, and a page whose records all carry a key
///   ([`OffsetPage::with_keys`]) the listing already delivered is no
///   progress: both are [`PagingErrorKind::NoProgress`], so a server that
///   ignores `start` can't serve its first page for ever.
///
/// # Concurrency
///
/// With [`concurrency(n)`](OffsetBuilder::concurrency), `n ≥ 2`, the first
/// page is fetched alone to learn the total and whether the server honours
/// `count`; then up to `n` calls run at once, at fixed positions, and pages
/// still come out in order. Every page reports a total, and the latest one
/// in page order rules: if it grows, more pages are scheduled; if it
/// shrinks, the pages beyond it come back short or empty, the stream ends
/// after the last records, and the calls still in flight are cancelled.
/// With no total, or a first page shorter than asked, paging stays
/// sequential.
///
/// Each call then runs as a Tokio task (in the caller's tracing span), so it
/// completes while the caller is still busy with earlier pages: a call
/// polled only when the caller comes back would let its per-attempt timeout
/// expire on a response that had long arrived. When the caller takes a
/// page, the next call starts at once. Dropping the stream aborts the calls
/// in flight. The stream must therefore be polled inside a Tokio runtime.
///
/// With `n = 1` the one call runs inline, while the caller awaits the page;
/// nothing is in flight while the caller works. To fetch ahead of the
/// caller, add [`Pages::prefetch`].
///
/// Offset paging is not a snapshot: records inserted or deleted before the
/// current position while paging shift the rest, so a record can be
/// skipped or seen twice. Sort by a stable key and dedupe when it matters.
///
/// A `page_size` of 0 makes the stream yield
/// [`Error::InvalidRequest`](crate::Error::InvalidRequest).
///
/// ```
/// use futures::TryStreamExt;
/// use hr_common::paging::{self, OffsetPage};
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// let people: Vec<String> = (0..450).map(|i| format!("p{i}")).collect();
/// // A real fetch would POST `{"page": {"start": req.start, "count": req.count}, …}`.
/// let pages = paging::offset(200, move |req| {
///     let page: Vec<String> =
///         people.iter().skip(req.start as usize).take(req.count as usize).cloned().collect();
///     async move { Ok(OffsetPage::new(page, Some(450))) }
/// })
/// .concurrency(3)
/// .max_pages(1_000)
/// .build();
///
/// let pages: Vec<_> = pages.try_collect().await?;
/// let sizes: Vec<usize> = pages.iter().map(|p| p.len()).collect();
/// assert_eq!(sizes, [200, 200, 50]);
/// assert_eq!(pages[2].token.as_deref(), Some("400"));
/// # Ok::<(), hr_common::Error>(())
/// # }).unwrap();
/// ```
pub fn offset<F, Fut, T>(page_size: u32, fetch: F) -> OffsetBuilder<F>
where
    F: FnMut(OffsetRequest) -> Fut + Send + 'static,
    Fut: Future<Output = Result<OffsetPage<T>>> + Send + 'static,
    T: Send + 'static,
{
    OffsetBuilder {
        fetch,
        page_size,
        start: 0,
        max_pages: DEFAULT_MAX_PAGES,
        concurrency: 1,
        allow_short_total: false,
        max_growth: Some(DEFAULT_MAX_GROWTH),
    }
}

/// Options of an offset listing; made by [`offset`], finished by
/// [`build`](OffsetBuilder::build).
///
/// ```
/// use hr_common::paging::{self, OffsetPage};
///
/// let _pages = paging::offset(200, |_req| async { Ok(OffsetPage::<u8>::new(vec![], None)) })
///     .start(400)
///     .concurrency(4)
///     .max_pages(1_000)
///     .allow_short_total(false)
///     .build();
/// ```
#[must_use = "a builder does nothing until `build` and polling the stream"]
pub struct OffsetBuilder<F> {
    fetch: F,
    page_size: u32,
    start: u64,
    max_pages: usize,
    concurrency: usize,
    allow_short_total: bool,
    max_growth: Option<u32>,
}

impl<F> OffsetBuilder<F> {
    /// Position of the first record to fetch (default 0).
    ///
    /// ```
    /// use hr_common::paging::{self, OffsetPage};
    /// let _b = paging::offset(200, |_req| async { Ok(OffsetPage::<u8>::new(vec![], None)) }).start(1_000);
    /// ```
    pub fn start(mut self, start: u64) -> Self {
        self.start = start;
        self
    }

    /// The most calls the listing may take (default [`DEFAULT_MAX_PAGES`];
    /// `usize::MAX` for no limit). When the listing needs call `max + 1`,
    /// the stream yields [`PagingErrorKind::TooManyPages`] instead of making
    /// it.
    ///
    /// ```
    /// use hr_common::paging::{self, OffsetPage};
    /// let _b = paging::offset(200, |_req| async { Ok(OffsetPage::<u8>::new(vec![], None)) }).max_pages(50);
    /// ```
    pub fn max_pages(mut self, max: usize) -> Self {
        self.max_pages = max;
        self
    }

    /// How many calls may be in flight at once (default 1; 0 counts as 1).
    /// See [`offset`] for how pages are scheduled.
    ///
    /// # Panics
    ///
    /// With `n ≥ 2` the calls run as Tokio tasks, so the stream panics when
    /// polled outside a Tokio runtime, as [`Pages::prefetch`] does.
    ///
    /// ```
    /// use hr_common::paging::{self, OffsetPage};
    /// let _b = paging::offset(200, |_req| async { Ok(OffsetPage::<u8>::new(vec![], None)) }).concurrency(4);
    /// ```
    pub fn concurrency(mut self, n: usize) -> Self {
        self.concurrency = n.max(1);
        self
    }

    /// Whether an empty page may end the listing while the total still
    /// counts records beyond it (default `false`: the stream yields
    /// [`PagingErrorKind::Invalid`], since those records would be lost
    /// without a word). Turn it on for servers whose totals are estimates;
    /// the stream then ends there with a warning in the log. A total that
    /// shrank to the empty page's start ends the listing either way.
    ///
    /// ```
    /// use futures::TryStreamExt;
    /// use hr_common::paging::{self, OffsetPage};
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// // The count says 100, but the listing holds 20.
    /// let pages = paging::offset(10, |req| async move {
    ///     let end = (req.start + u64::from(req.count)).min(20);
    ///     Ok(OffsetPage::new((req.start.min(end)..end).collect::<Vec<u64>>(), Some(100)))
    /// });
    /// let all: Vec<u64> = pages.allow_short_total(true).build().by_item().try_collect().await?;
    /// assert_eq!(all.len(), 20);
    /// # Ok::<(), hr_common::Error>(())
    /// # }).unwrap();
    /// ```
    pub fn allow_short_total(mut self, allow: bool) -> Self {
        self.allow_short_total = allow;
        self
    }

    /// How many times the total announced by the first page the listing
    /// may deliver, plus one page, before it yields
    /// [`PagingErrorKind::Overrun`] (default `Some(`[`DEFAULT_MAX_GROWTH`]`)`;
    /// `None` turns the guard off). A total that grows while the listing is
    /// read is followed, but not for ever.
    ///
    /// ```
    /// use hr_common::paging::{self, OffsetPage};
    /// let _b = paging::offset(200, |_req| async { Ok(OffsetPage::<u8>::new(vec![], None)) }).max_growth(Some(4));
    /// ```
    pub fn max_growth(mut self, factor: Option<u32>) -> Self {
        self.max_growth = factor;
        self
    }

    /// The stream of pages. Nothing is fetched until it is polled.
    ///
    /// ```
    /// use futures::StreamExt;
    /// use hr_common::paging::{self, OffsetPage};
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let mut pages = paging::offset(0, |_req| async { Ok(OffsetPage::<u8>::new(vec![], None)) }).build();
    /// let err = pages.next().await.unwrap().unwrap_err();
    /// assert!(err.to_string().contains("page_size"));
    /// # });
    /// ```
    pub fn build<Fut, T>(self) -> Pages<T>
    where
        F: FnMut(OffsetRequest) -> Fut + Send + 'static,
        Fut: Future<Output = Result<OffsetPage<T>>> + Send + 'static,
        T: Send + 'static,
    {
        let invalid = (self.page_size == 0)
            .then(|| Error::invalid_request("page_size", "must be at least 1"));
        let state = OffsetState {
            fetch: self.fetch,
            count: self.page_size,
            max_pages: self.max_pages,
            concurrency: self.concurrency,
            allow_short_total: self.allow_short_total,
            progress: Progress::new(self.max_growth),
            parallel: false,
            next_start: self.start,
            next_number: 0,
            total: None,
            in_flight: VecDeque::new(),
            pending: invalid,
            done: false,
        };
        Pages::new(stream::unfold(state, |mut state| async move {
            let item = state.step().await?;
            Some((item, state))
        }))
    }
}

impl<F> fmt::Debug for OffsetBuilder<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OffsetBuilder")
            .field("page_size", &self.page_size)
            .field("start", &self.start)
            .field("max_pages", &self.max_pages)
            .field("concurrency", &self.concurrency)
            .field("allow_short_total", &self.allow_short_total)
            .field("max_growth", &self.max_growth)
            .finish_non_exhaustive()
    }
}
struct OffsetState<F, T> {
    fetch: F,
    count: u32,
    max_pages: usize,
    concurrency: usize,
    allow_short_total: bool,
    progress: Progress,
    /// Whether pages beyond the next one may be scheduled: only once the
    /// first page proved the total and that the server honours `count`.
    parallel: bool,
    /// Position and index of the next call to *schedule*.
    next_start: u64,
    next_number: usize,
    total: Option<u64>,
    /// The calls in flight, in page order.
    in_flight: VecDeque<Call<T>>,
    pending: Option<Error>,
    done: bool,
}

/// One call in flight: the page it fetches and the result to come.
struct Call<T> {
    number: usize,
    req: OffsetRequest,
    /// The fetch future itself when calls run one at a time, else the
    /// Tokio task running it. Dropping it cancels the call.
    result: BoxFuture<'static, Result<OffsetPage<T>>>,
}

impl<F, Fut, T> OffsetState<F, T>
where
    F: FnMut(OffsetRequest) -> Fut,
    Fut: Future<Output = Result<OffsetPage<T>>> + Send + 'static,
    T: Send + 'static,
{
    async fn step(&mut self) -> Option<Result<Page<T>>> {
        if self.done {
            return None;
        }
        if let Some(err) = self.pending.take() {
            return self.fail(err);
        }
        if let Err(err) = self.schedule() {
            return self.fail(err);
        }
        let Call {
            number,
            req,
            result,
        } = self
            .in_flight
            .pop_front()
            .expect("`schedule` leaves at least one call in flight");
        let mut page = match result.await {
            Ok(page) => page,
            Err(err) => return self.fail(err),
        };
        if page.total.is_some() {
            self.total = page.total;
        }

        let count = u64::from(req.count);
        let mut got = page.items.len() as u64;
        if self.parallel && got > count {
            // Calls at fixed positions: the surplus is the next call's
            // page, and keeping it would duplicate records.
            tracing::warn!(
                start = req.start,
                count,
                got,
                "offset page longer than asked; truncated"
            );
            page.items.truncate(req.count as usize);
            if let Some(keys) = page.keys.as_mut() {
                keys.truncate(req.count as usize);
            }
            got = count;
        }
        if got == 0 {
            // Asking again from the same position could only loop, so this
            // is the end either way; what's left is whether it is complete.
            if let Some(total) = self.total.filter(|&total| req.start < total) {
                if !self.allow_short_total {
                    return self.fail(Error::paging(
                        PagingErrorKind::Invalid,
                        format!(
                            "server returned an empty page at offset {} before the announced \
                             total {total}; the records from there on would be lost (if this \
                             server's totals are estimates, use allow_short_total(true))",
                            req.start
                        ),
                    ));
                }
                tracing::warn!(
                    start = req.start,
                    total,
                    "offset page empty before the announced total; ending as allowed"
                );
            }
            self.finish();
            return None;
        }
        if let Some(pos) = page.pos.filter(|&pos| pos != req.start) {
            return self.fail(Error::paging(
                PagingErrorKind::NoProgress,
                format!(
                    "asked for records from position {} and the server answered \
                     position {pos}; it does not honour `start`, so paging on would repeat \
                     records",
                    req.start
                ),
            ));
        }
        if let Err(err) = self.progress.admit(
            format_args!("the page at offset {}", req.start),
            page.items.len(),
            self.total,
            &page.keys,
        ) {
            return self.fail(err);
        }
        let end = req.start + got;
        let ends = match self.total {
            Some(total) => end >= total,
            None => got < count,
        };
        if ends {
            self.finish();
        } else if got != count {
            // Short while the total says more follow (or, sequentially,
            // longer than asked): the server sets its own page size, so
            // positions computed from `count` would be wrong.
            tracing::debug!(
                start = req.start,
                count,
                got,
                "server chose its own page size"
            );
            self.restart_at(end, number + 1);
        } else if !self.parallel {
            self.next_start = end;
            self.next_number = number + 1;
            self.parallel = number == 0 && self.concurrency > 1 && self.total.is_some();
        }
        // Start the calls that take this page's place now rather than when
        // the caller comes back for the next page: they run while the
        // caller works on this one.
        self.fill();

        tracing::debug!(page = number, start = req.start, items = got, total = ?self.total, "offset page");
        Some(Ok(Page {
            items: page.items,
            total: self.total,
            number,
            token: Some(req.start.to_string()),
        }))
    }

    /// Puts calls in flight: the next one if none is, and while parallel,
    /// more up to the concurrency and the known total.
    fn schedule(&mut self) -> Result<()> {
        if self.in_flight.is_empty() {
            if self.next_number >= self.max_pages {
                return Err(Error::paging(
                    PagingErrorKind::TooManyPages,
                    format!(
                        "offset listing still not at its end after {} pages (next start {}, \
                         total {}); the limit is {} pages",
                        self.next_number,
                        self.next_start,
                        self.total
                            .map_or_else(|| "unknown".to_owned(), |t| t.to_string()),
                        self.max_pages
                    ),
                ));
            }
            self.push_call();
        }
        self.fill();
        Ok(())
    }

    /// While parallel, tops the calls in flight up to the concurrency, the
    /// known total and the page limit.
    fn fill(&mut self) {
        if !self.parallel || self.done {
            return;
        }
        while self.in_flight.len() < self.concurrency
            && self.total.is_some_and(|total| self.next_start < total)
            && self.next_number < self.max_pages
        {
            self.push_call();
        }
    }

    fn push_call(&mut self) {
        let req = OffsetRequest {
            start: self.next_start,
            count: self.count,
        };
        let call = (self.fetch)(req);
        let result = if self.concurrency > 1 {
            // Other calls are in flight while the caller works on a page,
            // so each must progress on its own: see `Background`.
            Background::spawn("an offset paging call", call)
                .resume_panics()
                .map(|joined| joined.and_then(|page| page))
                .boxed()
        } else {
            // The only call in flight is the one the caller is awaiting.
            call.boxed()
        };
        self.in_flight.push_back(Call {
            number: self.next_number,
            req,
            result,
        });
        self.next_start += u64::from(self.count);
        self.next_number += 1;
    }

    /// Cancels the calls in flight and continues sequentially from `start`.
    fn restart_at(&mut self, start: u64, number: usize) {
        self.in_flight.clear();
        self.parallel = false;
        self.next_start = start;
        self.next_number = number;
    }

    fn finish(&mut self) {
        self.done = true;
        // Pages beyond the end are not wanted: cancel their calls now rather
        // than when the stream is dropped.
        self.in_flight.clear();
    }

    fn fail(&mut self, err: Error) -> Option<Result<Page<T>>> {
        self.finish();
        Some(Err(err))
    }
}
