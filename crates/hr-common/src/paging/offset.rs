//! Offset paging: the caller asks for `count` records from position `start`.

use std::collections::VecDeque;
use std::fmt;
use std::future::Future;

use futures::stream::{self, FuturesOrdered, StreamExt};

use super::{Page, Pages};
use crate::Result;
use crate::error::{Error, PagingErrorKind};

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
}

impl<T> OffsetPage<T> {
    /// A page with its records and the announced total.
    ///
    /// ```
    /// let page = hr_common::paging::OffsetPage::<u8>::new(vec![], None);
    /// assert!(page.items.is_empty());
    /// ```
    pub fn new(items: Vec<T>, total: Option<u64>) -> Self {
        OffsetPage { items, total }
    }
}

/// Pages through an offset listing, `page_size` records per call.
///
/// # When the listing ends
///
/// After a page with no records, after a page that reaches the announced
/// total, or after a short page (fewer than `count` records). A short page
/// does *not* end the listing while its own total says more records follow:
/// that is a server capping the page size (ISDP+ allows at most 200), and
/// ending there would silently drop the rest. The next call then starts
/// where the short page stopped. In general each call starts where the
/// previous page's records ended.
///
/// # Concurrency
///
/// With [`concurrency(n)`](OffsetBuilder::concurrency), `n ≥ 2`, the first
/// page is fetched alone to learn the total and whether the server honours
/// `count`; then up to `n` calls run at once, at fixed positions, and pages
/// still come out in order. Every page reports a total, and the latest one
/// in page order rules: if it grows, more pages are scheduled; if it
/// shrinks, the pages beyond it come back short or empty, the stream ends
/// after the last records, and the calls still in flight are dropped. With
/// no total, or a first page shorter than asked, paging stays sequential.
///
/// Calls only make progress while the stream is polled. To fetch while the
/// caller works, add [`Pages::prefetch`].
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
        max_pages: None,
        concurrency: 1,
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
///     .build();
/// ```
#[must_use = "a builder does nothing until `build` and polling the stream"]
pub struct OffsetBuilder<F> {
    fetch: F,
    page_size: u32,
    start: u64,
    max_pages: Option<usize>,
    concurrency: usize,
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

    /// The most calls the listing may take (default: no limit). When the
    /// listing needs call `max + 1`, the stream yields
    /// [`PagingErrorKind::TooManyPages`] instead of making it.
    ///
    /// ```
    /// use hr_common::paging::{self, OffsetPage};
    /// let _b = paging::offset(200, |_req| async { Ok(OffsetPage::<u8>::new(vec![], None)) }).max_pages(50);
    /// ```
    pub fn max_pages(mut self, max: usize) -> Self {
        self.max_pages = Some(max);
        self
    }

    /// How many calls may be in flight at once (default 1; 0 counts as 1).
    /// See [`offset`] for how pages are scheduled.
    ///
    /// ```
    /// use hr_common::paging::{self, OffsetPage};
    /// let _b = paging::offset(200, |_req| async { Ok(OffsetPage::<u8>::new(vec![], None)) }).concurrency(4);
    /// ```
    pub fn concurrency(mut self, n: usize) -> Self {
        self.concurrency = n.max(1);
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
            parallel: false,
            next_start: self.start,
            next_number: 0,
            total: None,
            in_flight: FuturesOrdered::new(),
            requests: VecDeque::new(),
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
            .finish_non_exhaustive()
    }
}

struct OffsetState<F, Fut: Future> {
    fetch: F,
    count: u32,
    max_pages: Option<usize>,
    concurrency: usize,
    /// Whether pages beyond the next one may be scheduled: only once the
    /// first page proved the total and that the server honours `count`.
    parallel: bool,
    /// Position and index of the next call to *schedule*.
    next_start: u64,
    next_number: usize,
    total: Option<u64>,
    in_flight: FuturesOrdered<Fut>,
    /// The requests behind `in_flight`, in the same order.
    requests: VecDeque<(usize, OffsetRequest)>,
    pending: Option<Error>,
    done: bool,
}

impl<F, Fut, T> OffsetState<F, Fut>
where
    F: FnMut(OffsetRequest) -> Fut,
    Fut: Future<Output = Result<OffsetPage<T>>>,
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
        let Some(result) = self.in_flight.next().await else {
            // `schedule` always leaves at least one call in flight.
            unreachable!("offset paging has no call in flight");
        };
        let (number, req) = self
            .requests
            .pop_front()
            .expect("one request per call in flight");
        let mut page = match result {
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
            got = count;
        }
        if got == 0 {
            // Even when the total says more follow: asking again from the
            // same position could only loop.
            if self.total.is_some_and(|total| req.start < total) {
                tracing::warn!(start = req.start, total = ?self.total, "offset page empty before the announced total");
            }
            self.finish();
            return None;
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
            if self.max_pages.is_some_and(|max| self.next_number >= max) {
                return Err(Error::paging(
                    PagingErrorKind::TooManyPages,
                    format!(
                        "offset listing still not at its end after {} pages (next start {}, total {})",
                        self.next_number,
                        self.next_start,
                        self.total
                            .map_or_else(|| "unknown".to_owned(), |t| t.to_string())
                    ),
                ));
            }
            self.push_call();
        }
        if self.parallel {
            while self.in_flight.len() < self.concurrency
                && self.total.is_some_and(|total| self.next_start < total)
                && self.max_pages.is_none_or(|max| self.next_number < max)
            {
                self.push_call();
            }
        }
        Ok(())
    }

    fn push_call(&mut self) {
        let req = OffsetRequest {
            start: self.next_start,
            count: self.count,
        };
        self.in_flight.push_back((self.fetch)(req));
        self.requests.push_back((self.next_number, req));
        self.next_start += u64::from(self.count);
        self.next_number += 1;
    }

    /// Drops the calls in flight and continues sequentially from `start`.
    fn restart_at(&mut self, start: u64, number: usize) {
        self.in_flight = FuturesOrdered::new();
        self.requests.clear();
        self.parallel = false;
        self.next_start = start;
        self.next_number = number;
    }

    fn finish(&mut self) {
        self.done = true;
        // Pages beyond the end are not wanted: cancel their calls now rather
        // than when the stream is dropped.
        self.in_flight = FuturesOrdered::new();
        self.requests.clear();
    }

    fn fail(&mut self, err: Error) -> Option<Result<Page<T>>> {
        self.finish();
        Some(Err(err))
    }
}
