//! Real [`futures::Stream`]s over the three paging styles the vendors use.
//!
//! | style | vendor endpoints | builder | the next call carries |
//! |---|---|---|---|
//! | scroll id | Beisen v5 `…/GetByTimeWindow` (`scrollId`, `total`, `isLastData`) | [`scroll`] | the previous page's scroll id |
//! | offset | ISDP+ `page{start,count}` with `totalCount` | [`offset`] | where the previous page's records ended |
//! | cursor | Beisen attendance `sortCursor`/`isLastPage`, recruiting `batchId`/`isLastBatch` | [`cursor`] | the previous page's cursor |
//!
//! Each builder takes a `fetch` closure that makes one call and returns one
//! page, and turns it into [`Pages`]: a `Stream<Item = Result<Page<T>>>`.
//! [`Pages::by_item`] flattens it into a stream of records, and
//! [`Pages::prefetch`] keeps fetching in a background task while the caller
//! works, which is what keeps a Beisen scroll (dead after 10 s idle) alive
//! behind a slow consumer.
//!
//! Rules shared by every style:
//!
//! - Streams are lazy: nothing is fetched until the stream is polled.
//! - A stream never yields an empty page; an empty page from the server is an
//!   end signal (or, for a scroll, checked for expiry first).
//! - After an error the stream ends. The transport below has already retried
//!   what was worth retrying, and whether to restart a scroll from the top is
//!   the vendor client's decision, not this module's.
//! - Loop guards ([`max_pages`](ScrollBuilder::max_pages), repeated cursors,
//!   more records than announced) turn a misbehaving server into an
//!   [`Error::Paging`](crate::Error::Paging) instead of an endless loop.
//!   Every style stops after [`DEFAULT_MAX_PAGES`] pages unless told
//!   otherwise, so that no listing can run for ever.
//! - Progress guards, in every style:
//!   - **growth**: a listing may deliver at most [`DEFAULT_MAX_GROWTH`]
//!     (2) times the total its first page announced, plus one page, before
//!     it fails with [`PagingErrorKind::Overrun`](crate::error::PagingErrorKind::Overrun):
//!     a total that keeps growing is not followed for ever. Raise it with
//!     `max_growth` on the builder (`None` turns it off).
//!   - **replayed records**: a page may carry the keys of its records
//!     (`with_keys` on [`ScrollPage`], [`OffsetPage`], [`CursorPage`]); a
//!     page whose records all carry a key this listing already delivered is
//!     no progress, and the stream fails with
//!     [`PagingErrorKind::NoProgress`](crate::error::PagingErrorKind::NoProgress)
//!     instead of delivering it. The listing keeps one 64-bit hash per keyed
//!     record until it ends.
//!   - **empty pages** (cursor only): an empty page that is not the last
//!     ends the listing once the records delivered reach the announced
//!     total, and after [`DEFAULT_MAX_EMPTY_PAGES`] (3) of them in a row
//!     it is [`PagingErrorKind::NoProgress`](crate::error::PagingErrorKind::NoProgress):
//!     a server handing out fresh cursors over nothing is not followed to
//!     the page limit.
//!   - **position** (offset only): a page that says which position it
//!     answered ([`OffsetPage::with_pos`], ISDP+'s `pos`) must answer the
//!     `start` that was asked for; a server that ignores `start` would
//!     otherwise serve its first page for ever.
//! - Work that has to progress while the caller is busy with a page (the
//!   calls of a concurrent offset listing, a prefetch) runs in Tokio tasks,
//!   in the caller's tracing span. A future polled only from the stream
//!   would stand still between polls while its timeouts keep running.
//!
//! ```
//! use futures::TryStreamExt;
//! use hr_common::paging::{self, CursorPage};
//!
//! # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
//! // Stands in for an HTTP call: three pages of two records, cursors "2" and "4".
//! let pages = paging::cursor(|cursor: Option<String>| async move {
//!     let from: u32 = cursor.as_deref().unwrap_or("0").parse().unwrap();
//!     let next = from + 2;
//!     Ok(CursorPage::new(vec![from, from + 1], Some(next.to_string()), next >= 6))
//! })
//! .build();
//!
//! let all: Vec<u32> = pages.by_item().try_collect().await?;
//! assert_eq!(all, [0, 1, 2, 3, 4, 5]);
//! # Ok::<(), hr_common::Error>(())
//! # }).unwrap();
//! ```

mod cursor;
mod offset;
mod prefetch;
mod scroll;

use std::fmt;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll, ready};

use futures::stream::{BoxStream, FusedStream, Stream, StreamExt};

pub use cursor::{CursorBuilder, CursorPage, DEFAULT_MAX_EMPTY_PAGES, cursor};
pub use offset::{OffsetBuilder, OffsetPage, OffsetRequest, offset};
pub use scroll::{ScrollBuilder, ScrollPage, scroll};

use crate::Result;

/// The most pages a listing may take when its builder's `max_pages` is not
/// set: 100 000, for [`scroll`], [`offset`] and [`cursor`] alike.
///
/// Far above any real listing (20 million records at ISDP+'s 200 a page),
/// it is the backstop that always holds: a server that replays pages under
/// a scroll id and announces no total, or hands out fresh cursors for ever,
/// is stopped with [`PagingErrorKind::TooManyPages`](crate::error::PagingErrorKind::TooManyPages)
/// rather than looping until the process is killed. The sharper guards
/// (overrun of the total, repeated cursors) usually stop it much earlier.
///
/// Lift it for one listing with `max_pages(usize::MAX)`, or lower it to
/// what the listing can really need.
///
/// ```
/// use hr_common::paging::{self, CursorPage, DEFAULT_MAX_PAGES};
///
/// assert_eq!(DEFAULT_MAX_PAGES, 100_000);
/// // A listing trusted to end however long it is: no page limit.
/// let _pages = paging::cursor(|_: Option<String>| async { Ok(CursorPage::<u8>::new(vec![], None, true)) })
///     .max_pages(usize::MAX)
///     .build();
/// ```
pub const DEFAULT_MAX_PAGES: usize = 100_000;

/// How many times the total announced by a listing's first page it may
/// deliver (plus one page) before it fails with
/// [`PagingErrorKind::Overrun`](crate::error::PagingErrorKind::Overrun):
/// 2, for [`scroll`], [`offset`] and [`cursor`] alike, unless the builder's
/// `max_growth` says otherwise.
///
/// A real listing grows while it is read only by the records changed in
/// the meantime; a total that keeps growing page after page is a server
/// that would keep the stream going for ever.
///
/// ```
/// use futures::StreamExt;
/// use hr_common::error::{Error, PagingErrorKind};
/// use hr_common::paging::{self, ScrollPage, DEFAULT_MAX_GROWTH};
///
/// assert_eq!(DEFAULT_MAX_GROWTH, 2);
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// // Every page brings 10 new records and announces 10 more than the last.
/// let mut calls = 0_u64;
/// let pages = paging::scroll(move |_id: Option<String>| {
///     calls += 1;
///     let page = ScrollPage::new(vec![calls; 10], Some("s".into())).with_total(Some(10 * calls + 10));
///     async move { Ok(page) }
/// })
/// .build();
/// let got: Vec<_> = pages.collect().await;
/// // 20 announced first: 2 × 20 + one page of 10 = 50 records, then the error.
/// assert_eq!(got.iter().filter(|p| p.is_ok()).count(), 5);
/// assert!(matches!(got.last(), Some(Err(Error::Paging { kind: PagingErrorKind::Overrun, .. }))));
/// # });
/// ```
pub const DEFAULT_MAX_GROWTH: u32 = 2;

/// Hashes of record keys, as a page carries them (see `with_keys` on the
/// page types). `None` for a record without a key.
pub(crate) type PageKeys = Option<Vec<Option<u64>>>;

/// The hash a record key is remembered by.
pub(crate) fn key_hash<K: std::hash::Hash>(key: &K) -> u64 {
    use std::hash::{BuildHasher, BuildHasherDefault};
    // A fixed hasher: the same key hashes the same in every listing.
    BuildHasherDefault::<std::collections::hash_map::DefaultHasher>::default().hash_one(key)
}

pub(crate) fn page_keys<K: std::hash::Hash>(keys: impl IntoIterator<Item = Option<K>>) -> PageKeys {
    Some(keys.into_iter().map(|k| k.as_ref().map(key_hash)).collect())
}

/// The progress guards shared by the three styles: replayed records and
/// growth beyond the first announced total.
#[derive(Debug)]
pub(crate) struct Progress {
    max_growth: Option<u32>,
    /// Keys of the records delivered so far (only for pages with keys).
    seen: std::collections::HashSet<u64>,
    /// The first total announced, and the length of the first page with
    /// records (the slack).
    first_total: Option<u64>,
    first_page: Option<u64>,
    delivered: u64,
}

impl Progress {
    pub(crate) fn new(max_growth: Option<u32>) -> Self {
        Progress {
            max_growth,
            seen: std::collections::HashSet::new(),
            first_total: None,
            first_page: None,
            delivered: 0,
        }
    }

    /// Checks a page with records before it is delivered, and counts it.
    /// `what` names the page in an error ("scroll page 3").
    pub(crate) fn admit(
        &mut self,
        // Formatted only into an error: built lazily, as most pages pass.
        what: fmt::Arguments<'_>,
        len: usize,
        total: Option<u64>,
        keys: &PageKeys,
    ) -> Result<()> {
        use crate::error::{Error, PagingErrorKind};
        if let Some(keys) = keys
            && keys.len() == len
            && len > 0
        {
            let repeated = keys
                .iter()
                .all(|k| k.is_some_and(|k| self.seen.contains(&k)));
            if repeated {
                return Err(Error::paging(
                    PagingErrorKind::NoProgress,
                    format!(
                        "{what} holds only records this listing already delivered \
                         ({len} records, {} delivered before); the server is replaying pages",
                        self.delivered
                    ),
                ));
            }
            self.seen.extend(keys.iter().flatten().copied());
        }
        if self.first_total.is_none() {
            self.first_total = total;
        }
        let len = len as u64;
        let slack = *self.first_page.get_or_insert(len);
        self.delivered += len;
        if let (Some(factor), Some(first)) = (self.max_growth, self.first_total) {
            let bound = first
                .saturating_mul(u64::from(factor))
                .saturating_add(slack);
            if self.delivered > bound {
                return Err(Error::paging(
                    PagingErrorKind::Overrun,
                    format!(
                        "{what} brings the listing to {} records, more than {factor} times the \
                         total of {first} its first page announced (plus one page of {slack}); \
                         the total keeps growing or the server is replaying pages (raise \
                         max_growth if this listing really grows that much)",
                        self.delivered
                    ),
                ));
            }
        }
        Ok(())
    }
}

/// One page of records, as yielded by [`Pages`].
///
/// The streams of this module never yield an empty page.
///
/// ```
/// use hr_common::paging::Page;
///
/// let page = Page::new(0, vec!["a", "b"]).with_total(Some(5)).with_token(Some("c1".into()));
/// assert_eq!(page.len(), 2);
/// assert_eq!(page.total, Some(5));
/// assert_eq!(page.into_iter().collect::<Vec<_>>(), ["a", "b"]);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Page<T> {
    /// The records, in the order the server sent them.
    pub items: Vec<T>,
    /// How many records the whole listing has, as last announced by the
    /// server; `None` when it never said.
    pub total: Option<u64>,
    /// 0-based index of the request that fetched this page. Pages are
    /// yielded in this order; an empty page the stream skipped leaves a gap.
    pub number: usize,
    /// What the request that fetched this page carried: the scroll id, the
    /// cursor, or the offset in decimal. `None` for a first call that carried
    /// nothing.
    pub token: Option<String>,
}

impl<T> Page<T> {
    /// A page with its index and records, no total and no token.
    ///
    /// ```
    /// let page = hr_common::paging::Page::new(3, vec![1, 2]);
    /// assert_eq!((page.number, page.total, page.token), (3, None, None));
    /// ```
    pub fn new(number: usize, items: Vec<T>) -> Self {
        Page {
            items,
            total: None,
            number,
            token: None,
        }
    }

    /// Sets the announced total.
    ///
    /// ```
    /// let page = hr_common::paging::Page::new(0, vec![1]).with_total(Some(9));
    /// assert_eq!(page.total, Some(9));
    /// ```
    pub fn with_total(mut self, total: Option<u64>) -> Self {
        self.total = total;
        self
    }

    /// Sets the token that fetched the page.
    ///
    /// ```
    /// let page = hr_common::paging::Page::new(1, vec![1]).with_token(Some("200".into()));
    /// assert_eq!(page.token.as_deref(), Some("200"));
    /// ```
    pub fn with_token(mut self, token: Option<String>) -> Self {
        self.token = token;
        self
    }

    /// Number of records on this page.
    ///
    /// ```
    /// assert_eq!(hr_common::paging::Page::new(0, vec!['x'; 4]).len(), 4);
    /// ```
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether the page holds no records.
    ///
    /// ```
    /// assert!(hr_common::paging::Page::<u8>::new(0, vec![]).is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The records, without the page metadata.
    ///
    /// ```
    /// assert_eq!(hr_common::paging::Page::new(0, vec![7, 8]).into_items(), [7, 8]);
    /// ```
    pub fn into_items(self) -> Vec<T> {
        self.items
    }
}

impl<T> IntoIterator for Page<T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;

    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

impl<'a, T> IntoIterator for &'a Page<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}

/// A live count of what a [`Pages`] stream has handed out, readable from
/// anywhere while the stream runs (for a progress bar or a log line).
///
/// Counts pages and records *delivered* to the consumer of the stream, not
/// merely fetched: with [`Pages::prefetch`] the fetching runs ahead. Cloning
/// shares the same counters.
///
/// ```
/// use futures::TryStreamExt;
/// use hr_common::paging::{self, OffsetPage};
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// let pages = paging::offset(10, |req| async move {
///     let end = (req.start + u64::from(req.count)).min(25);
///     Ok(OffsetPage::new((req.start..end).collect(), Some(25)))
/// })
/// .build();
/// let progress = pages.progress();
/// assert_eq!((progress.pages(), progress.items(), progress.total()), (0, 0, None));
///
/// let all: Vec<u64> = pages.by_item().try_collect().await?;
/// assert_eq!(all.len(), 25);
/// assert_eq!((progress.pages(), progress.items(), progress.total()), (3, 25, Some(25)));
/// # Ok::<(), hr_common::Error>(())
/// # }).unwrap();
/// ```
#[derive(Clone, Default)]
pub struct PagingProgress {
    inner: Arc<ProgressCounters>,
}

#[derive(Default)]
struct ProgressCounters {
    pages: AtomicU64,
    items: AtomicU64,
    // One past the real range stands for "not announced", so that the total
    // fits in one atomic and can't be read half-updated.
    total_plus_one: AtomicU64,
}

impl PagingProgress {
    /// Fresh counters, all zero and no total.
    ///
    /// ```
    /// let progress = hr_common::paging::PagingProgress::new();
    /// assert_eq!(progress.pages(), 0);
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// Pages delivered so far.
    ///
    /// ```
    /// assert_eq!(hr_common::paging::PagingProgress::new().pages(), 0);
    /// ```
    pub fn pages(&self) -> u64 {
        self.inner.pages.load(Ordering::Relaxed)
    }

    /// Records delivered so far.
    ///
    /// ```
    /// assert_eq!(hr_common::paging::PagingProgress::new().items(), 0);
    /// ```
    pub fn items(&self) -> u64 {
        self.inner.items.load(Ordering::Relaxed)
    }

    /// The total the server last announced, if it ever did.
    ///
    /// ```
    /// assert_eq!(hr_common::paging::PagingProgress::new().total(), None);
    /// ```
    pub fn total(&self) -> Option<u64> {
        self.inner
            .total_plus_one
            .load(Ordering::Relaxed)
            .checked_sub(1)
    }

    fn record<T>(&self, page: &Page<T>) {
        self.inner.pages.fetch_add(1, Ordering::Relaxed);
        self.inner
            .items
            .fetch_add(page.items.len() as u64, Ordering::Relaxed);
        if let Some(total) = page.total {
            self.inner
                .total_plus_one
                .store(total.saturating_add(1), Ordering::Relaxed);
        }
    }
}

impl fmt::Debug for PagingProgress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PagingProgress")
            .field("pages", &self.pages())
            .field("items", &self.items())
            .field("total", &self.total())
            .finish()
    }
}

/// A stream of [`Page`]s: `Stream<Item = hr_common::Result<Page<T>>>`.
///
/// Built by [`scroll`], [`offset`] or [`cursor`], or wrapped around any page
/// stream with [`Pages::new`]. It is `Send`, `Unpin` and `'static`, so it can
/// be returned from a client method, stored, or moved into a task.
///
/// After it yields an error it ends, and it is a [`FusedStream`].
///
/// ```
/// use futures::StreamExt;
/// use hr_common::paging::{self, ScrollPage};
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// // Two pages, then the empty page that ends a scroll.
/// let mut pages = paging::scroll(|id: Option<String>| async move {
///     Ok(match id.as_deref() {
///         None => ScrollPage::new(vec!["a", "b"], Some("s1".into())),
///         Some("s1") => ScrollPage::new(vec!["c"], Some("s2".into())),
///         _ => ScrollPage::new(vec![], None),
///     })
/// })
/// .build()
/// .by_page();
///
/// let first = pages.next().await.unwrap()?;
/// assert_eq!((first.number, first.items.as_slice()), (0, &["a", "b"][..]));
/// let second = pages.next().await.unwrap()?;
/// assert_eq!((second.number, second.token.as_deref()), (1, Some("s1")));
/// assert!(pages.next().await.is_none());
/// # Ok::<(), hr_common::Error>(())
/// # }).unwrap();
/// ```
#[must_use = "streams do nothing unless polled"]
pub struct Pages<T> {
    /// `None` once the stream has ended.
    inner: Option<BoxStream<'static, Result<Page<T>>>>,
    progress: PagingProgress,
}

impl<T: Send + 'static> Pages<T> {
    /// Wraps any stream of pages, for paging styles the builders don't cover
    /// (for example several scrolls chained over consecutive time windows).
    ///
    /// The wrapper adds what every [`Pages`] has: it ends after the first
    /// error, drops empty pages, counts [`progress`](Pages::progress), and
    /// offers [`by_item`](Pages::by_item) and [`prefetch`](Pages::prefetch).
    ///
    /// `pages` is polled only when the stream is (or, with
    /// [`prefetch`](Pages::prefetch), while the buffer has room). If it runs
    /// several calls at once (`buffered`, `FuturesOrdered`), those calls
    /// stand still in between while their timeouts run: spawn them as Tokio
    /// tasks instead, as [`offset`] does.
    ///
    /// ```
    /// use futures::{stream, TryStreamExt};
    /// use hr_common::paging::{Page, Pages};
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let source = stream::iter([Ok(Page::new(0, vec![1, 2])), Ok(Page::new(1, vec![3]))]);
    /// let items: Vec<i32> = Pages::new(source).by_item().try_collect().await?;
    /// assert_eq!(items, [1, 2, 3]);
    /// # Ok::<(), hr_common::Error>(())
    /// # }).unwrap();
    /// ```
    pub fn new<S>(pages: S) -> Self
    where
        S: Stream<Item = Result<Page<T>>> + Send + 'static,
    {
        Pages {
            inner: Some(pages.boxed()),
            progress: PagingProgress::new(),
        }
    }

    /// Returns the stream itself; the page-level twin of
    /// [`by_item`](Pages::by_item), so call sites can say which they mean.
    ///
    /// ```
    /// use futures::{stream, TryStreamExt};
    /// use hr_common::paging::{Page, Pages};
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let pages = Pages::new(stream::iter([Ok(Page::new(0, vec!['a']))]));
    /// let pages: Vec<Page<char>> = pages.by_page().try_collect().await?;
    /// assert_eq!(pages.len(), 1);
    /// # Ok::<(), hr_common::Error>(())
    /// # }).unwrap();
    /// ```
    pub fn by_page(self) -> Self {
        self
    }

    /// Flattens the pages into a stream of records. An error from the page
    /// stream is passed through, and then the stream ends.
    ///
    /// ```
    /// use futures::StreamExt;
    /// use hr_common::paging::{Page, Pages};
    /// use hr_common::error::{Error, PagingErrorKind};
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let source = futures::stream::iter([
    ///     Ok(Page::new(0, vec![1, 2])),
    ///     Err(Error::paging(PagingErrorKind::Expired, "delivered 2 of 5")),
    /// ]);
    /// let got: Vec<_> = Pages::new(source).by_item().collect().await;
    /// assert_eq!(got.len(), 3);
    /// assert_eq!(*got[1].as_ref().unwrap(), 2);
    /// assert!(got[2].is_err());
    /// # });
    /// ```
    pub fn by_item(self) -> Items<T> {
        Items {
            pages: self,
            current: Vec::new().into_iter(),
        }
    }

    /// Fetches ahead in a background Tokio task, so the next page is
    /// requested while the caller is still busy with the current one.
    ///
    /// The task starts on the first poll and keeps fetching until
    /// `buffer_pages` fetched pages wait unread; it then holds one more page
    /// in hand and waits for room, so at most `buffer_pages + 1` pages sit in
    /// memory besides the one the caller holds (`0` counts as `1`). Errors
    /// are forwarded in order and end the stream as usual. Dropping the
    /// stream aborts the task, cancelling a request in flight. A panic in the
    /// fetch closure is resumed in the caller when it reaches that point.
    /// The task runs in the tracing span that is current where the stream is
    /// first polled, so the calls it makes log under the caller's span.
    ///
    /// For a scroll with an idle limit (Beisen: 10 s between calls), prefetch
    /// protects a consumer that is slow now and then; a consumer that is
    /// *always* slower than the limit stalls the task once the buffer is
    /// full, so size `buffer_pages` for the whole scroll (`total / capacity`)
    /// when records are processed slowly, or collect first and process after.
    ///
    /// # Panics
    ///
    /// The returned stream must be polled inside a Tokio runtime. On a
    /// current-thread runtime the task runs only while the caller awaits, so
    /// a caller that blocks the thread starves it.
    ///
    /// ```
    /// use futures::TryStreamExt;
    /// use hr_common::paging::{self, OffsetPage};
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let pages = paging::offset(100, |req| async move {
    ///     let end = (req.start + u64::from(req.count)).min(250);
    ///     Ok(OffsetPage::new((req.start..end).collect::<Vec<u64>>(), Some(250)))
    /// })
    /// .build()
    /// .prefetch(2);
    /// let all: Vec<u64> = pages.by_item().try_collect().await?;
    /// assert_eq!(all, (0..250).collect::<Vec<_>>());
    /// # Ok::<(), hr_common::Error>(())
    /// # }).unwrap();
    /// ```
    pub fn prefetch(mut self, buffer_pages: usize) -> Pages<T> {
        // The consumer's handle keeps counting what the consumer receives;
        // the copy that moves into the task counts into a detached one.
        let progress = std::mem::take(&mut self.progress);
        Pages {
            inner: Some(prefetch::Prefetch::new(self, buffer_pages).boxed()),
            progress,
        }
    }

    /// A handle on the live counts of pages and records delivered so far.
    ///
    /// ```
    /// use futures::{stream, StreamExt};
    /// use hr_common::paging::{Page, Pages};
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let mut pages = Pages::new(stream::iter([Ok(Page::new(0, vec![1, 2]).with_total(Some(4)))]));
    /// let progress = pages.progress();
    /// pages.next().await;
    /// assert_eq!((progress.pages(), progress.items(), progress.total()), (1, 2, Some(4)));
    /// # });
    /// ```
    pub fn progress(&self) -> PagingProgress {
        self.progress.clone()
    }
}

impl<T> Stream for Pages<T> {
    type Item = Result<Page<T>>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        loop {
            let Some(inner) = this.inner.as_mut() else {
                return Poll::Ready(None);
            };
            match ready!(inner.as_mut().poll_next(cx)) {
                Some(Ok(page)) if page.items.is_empty() => continue,
                Some(Ok(page)) => {
                    this.progress.record(&page);
                    return Poll::Ready(Some(Ok(page)));
                }
                Some(Err(err)) => {
                    this.finish();
                    return Poll::Ready(Some(Err(err)));
                }
                None => {
                    this.finish();
                    return Poll::Ready(None);
                }
            }
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        match self.inner {
            Some(_) => (0, None),
            None => (0, Some(0)),
        }
    }
}

impl<T> Pages<T> {
    fn finish(&mut self) {
        // Dropping the source at once releases what it holds: the fetch
        // closure, requests in flight, a prefetch task.
        self.inner = None;
    }

    fn is_done(&self) -> bool {
        self.inner.is_none()
    }
}

impl<T> FusedStream for Pages<T> {
    fn is_terminated(&self) -> bool {
        self.is_done()
    }
}

impl<T> fmt::Debug for Pages<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pages")
            .field("progress", &self.progress)
            .field("done", &self.is_done())
            .finish_non_exhaustive()
    }
}

/// The records of a [`Pages`] stream, one by one: `Stream<Item = hr_common::Result<T>>`.
///
/// Made by [`Pages::by_item`]. Errors from the page stream pass through, and
/// then the stream ends.
///
/// ```
/// use futures::TryStreamExt;
/// use hr_common::paging::{Items, Page, Pages};
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// let items: Items<&str> = Pages::new(futures::stream::iter([
///     Ok(Page::new(0, vec!["张三", "李四"])),
///     Ok(Page::new(1, vec!["王五"])),
/// ]))
/// .by_item();
/// assert_eq!(items.try_collect::<Vec<_>>().await?, ["张三", "李四", "王五"]);
/// # Ok::<(), hr_common::Error>(())
/// # }).unwrap();
/// ```
#[must_use = "streams do nothing unless polled"]
pub struct Items<T> {
    pages: Pages<T>,
    current: std::vec::IntoIter<T>,
}

impl<T> Items<T> {
    /// A handle on the live counts of the underlying pages. Records count as
    /// delivered when their page is taken from the page stream, which happens
    /// when the first record of the page is yielded.
    ///
    /// ```
    /// use futures::{stream, StreamExt};
    /// use hr_common::paging::{Page, Pages};
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let mut items = Pages::new(stream::iter([Ok(Page::new(0, vec![1, 2]))])).by_item();
    /// items.next().await;
    /// assert_eq!(items.progress().items(), 2);
    /// # });
    /// ```
    pub fn progress(&self) -> PagingProgress {
        self.pages.progress.clone()
    }
}

// No field is pinned structurally: records are moved out by value.
impl<T> Unpin for Items<T> {}

impl<T> Stream for Items<T> {
    type Item = Result<T>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        loop {
            if let Some(item) = this.current.next() {
                return Poll::Ready(Some(Ok(item)));
            }
            match ready!(Pin::new(&mut this.pages).poll_next(cx)) {
                Some(Ok(page)) => this.current = page.items.into_iter(),
                Some(Err(err)) => return Poll::Ready(Some(Err(err))),
                None => return Poll::Ready(None),
            }
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let buffered = self.current.len();
        if self.pages.is_done() {
            (buffered, Some(buffered))
        } else {
            (buffered, None)
        }
    }
}

impl<T> FusedStream for Items<T> {
    fn is_terminated(&self) -> bool {
        self.current.len() == 0 && self.pages.is_done()
    }
}

impl<T> fmt::Debug for Items<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Items")
            .field("buffered", &self.current.len())
            .field("pages", &self.pages)
            .finish()
    }
}

/// A duration as people read it in an error message: `12.0s`.
fn secs(d: std::time::Duration) -> String {
    format!("{:.1}s", d.as_secs_f64())
}
