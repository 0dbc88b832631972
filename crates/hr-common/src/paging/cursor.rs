//! Cursor paging: each page says whether it is the last and hands the cursor
//! of the next.

use std::collections::HashSet;
use std::fmt;
use std::future::Future;

use futures::stream;

use super::{DEFAULT_MAX_GROWTH, DEFAULT_MAX_PAGES, Page, PageKeys, Pages, Progress};
use crate::Result;
use crate::error::{Error, PagingErrorKind};

/// What one call of a cursor endpoint returned; the `fetch` closure of
/// [`cursor`] builds it from the vendor's response.
///
/// Beisen attendance: `data.list` → `items`, `data.sortCursor` →
/// `next_cursor`, `data.isLastPage` → `is_last`, `data.total` → `total`.
/// Beisen recruiting: `nextBatchId` → `next_cursor`, `isLastBatch` → `is_last`.
///
/// ```
/// use hr_common::paging::CursorPage;
///
/// let page = CursorPage::new(vec!["r1", "r2"], Some("1718000000_42".to_owned()), false)
///     .with_total(Some(130));
/// assert!(!page.is_last);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CursorPage<T> {
    /// The records of this call.
    pub items: Vec<T>,
    /// The cursor to send with the next call. `None` or empty ends paging.
    pub next_cursor: Option<String>,
    /// Whether the server says this is the last page.
    pub is_last: bool,
    /// How many records the whole listing has, if the server says.
    pub total: Option<u64>,
    /// Hashes of the records' keys, when the fetch gave them.
    keys: PageKeys,
}

impl<T> CursorPage<T> {
    /// A page with its records, next cursor and last-page flag.
    ///
    /// ```
    /// let last = hr_common::paging::CursorPage::new(vec![1], None, true);
    /// assert_eq!(last.total, None);
    /// ```
    pub fn new(items: Vec<T>, next_cursor: Option<String>, is_last: bool) -> Self {
        CursorPage {
            items,
            next_cursor,
            is_last,
            total: None,
            keys: None,
        }
    }

    /// The keys of the records, one per record in order (`None` for a
    /// record without one). A page whose records all carry a key the
    /// listing already delivered fails it with
    /// [`PagingErrorKind::NoProgress`]. Ignored when the count differs from the records'.
    ///
    /// ```
    /// let page = hr_common::paging::CursorPage::new(vec!["a"], None, true).with_keys([Some("a")]);
    /// assert_eq!(page.items, ["a"]);
    /// ```
    pub fn with_keys<K: std::hash::Hash>(
        mut self,
        keys: impl IntoIterator<Item = Option<K>>,
    ) -> Self {
        self.keys = super::page_keys(keys);
        self
    }

    /// Sets the announced total.
    ///
    /// ```
    /// let page = hr_common::paging::CursorPage::new(vec![1], None, true).with_total(Some(1));
    /// assert_eq!(page.total, Some(1));
    /// ```
    pub fn with_total(mut self, total: Option<u64>) -> Self {
        self.total = total;
        self
    }
}

/// How many pages in a row a cursor listing follows while they come back
/// empty without being the last, before it fails with
/// [`PagingErrorKind::NoProgress`]: 3, unless the builder's
/// [`max_empty_pages`](CursorBuilder::max_empty_pages) says otherwise.
///
/// An empty page in the middle of a listing happens (a batch whose records
/// were all filtered out); several in a row, each with a fresh cursor, are
/// a server that moves its cursor without moving through any records, and
/// would be followed up to [`DEFAULT_MAX_PAGES`] calls otherwise.
///
/// ```
/// use futures::StreamExt;
/// use hr_common::error::{Error, PagingErrorKind};
/// use hr_common::paging::{self, CursorPage, DEFAULT_MAX_EMPTY_PAGES};
///
/// assert_eq!(DEFAULT_MAX_EMPTY_PAGES, 3);
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// // Empty pages, never the last, a fresh cursor each time, 5 records announced.
/// let mut calls = 0_u32;
/// let pages = paging::cursor(move |_: Option<String>| {
///     calls += 1;
///     let page = CursorPage::<u8>::new(vec![], Some(format!("c{calls}")), false).with_total(Some(5));
///     async move { Ok(page) }
/// })
/// .build();
/// let got: Vec<_> = pages.collect().await;
/// assert!(matches!(got[..], [Err(Error::Paging { kind: PagingErrorKind::NoProgress, .. })]));
/// # });
/// ```
pub const DEFAULT_MAX_EMPTY_PAGES: u32 = 3;

/// Pages through a cursor listing: the first call gets the
/// [`initial_cursor`](CursorBuilder::initial_cursor) (default `None`), each
/// later call the `next_cursor` of the page before.
///
/// Paging ends after a page with `is_last`, or with no (or an empty) next
/// cursor. A next cursor that the server already sent, or the initial
/// cursor, yields [`PagingErrorKind::RepeatedCursor`] after that page
/// instead of being fetched again: following it would loop.
/// [`max_pages`](CursorBuilder::max_pages) bounds the number of calls
/// ([`DEFAULT_MAX_PAGES`] unless set), which also stops a server that hands
/// out a fresh cursor for ever. [`max_growth`](CursorBuilder::max_growth)
/// bounds the records by the first page's total ([`PagingErrorKind::Overrun`]),
/// and a page whose records were all delivered before (when the fetch gives
/// their keys, [`CursorPage::with_keys`]) is [`PagingErrorKind::NoProgress`].
///
/// An empty page that is not the last and hands a next cursor is followed,
/// with two exceptions. When the records delivered already reach the total
/// the server announced (the latest one), it ends the listing, as an empty
/// page at or past the total does for [`scroll`](super::scroll()) and
/// [`offset`](super::offset()): nothing is left to fetch. And after
/// [`max_empty_pages`](CursorBuilder::max_empty_pages) such pages in a row
/// ([`DEFAULT_MAX_EMPTY_PAGES`] unless set) the listing fails with
/// [`PagingErrorKind::NoProgress`]: a server that hands out fresh cursors
/// over empty pages would otherwise be followed to `max_pages`.
///
/// ```
/// use futures::TryStreamExt;
/// use hr_common::paging::{self, CursorPage};
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// // A real fetch would POST `{"queryCursor": cursor, "pageSize": 100, …}`.
/// let pages = paging::cursor(|cursor: Option<String>| async move {
///     Ok(match cursor.as_deref() {
///         Some("start") => CursorPage::new(vec![1, 2], Some("c2".into()), false),
///         Some("c2") => CursorPage::new(vec![3], Some("c3".into()), true),
///         other => panic!("unexpected cursor {other:?}"),
///     })
/// })
/// .initial_cursor("start")
/// .max_pages(1_000)
/// .build();
///
/// let pages: Vec<_> = pages.try_collect().await?;
/// assert_eq!(pages.len(), 2);
/// assert_eq!(pages[1].token.as_deref(), Some("c2"));
/// # Ok::<(), hr_common::Error>(())
/// # }).unwrap();
/// ```
pub fn cursor<F, Fut, T>(fetch: F) -> CursorBuilder<F>
where
    F: FnMut(Option<String>) -> Fut + Send + 'static,
    Fut: Future<Output = Result<CursorPage<T>>> + Send + 'static,
    T: Send + 'static,
{
    CursorBuilder {
        fetch,
        initial: None,
        max_pages: DEFAULT_MAX_PAGES,
        max_growth: Some(DEFAULT_MAX_GROWTH),
        max_empty_pages: DEFAULT_MAX_EMPTY_PAGES,
    }
}

/// Options of a cursor listing; made by [`cursor`], finished by
/// [`build`](CursorBuilder::build).
///
/// ```
/// use hr_common::paging::{self, CursorPage};
///
/// let _pages = paging::cursor(|_: Option<String>| async { Ok(CursorPage::<u8>::new(vec![], None, true)) })
///     .initial_cursor("0")
///     .max_pages(500)
///     .build();
/// ```
#[must_use = "a builder does nothing until `build` and polling the stream"]
pub struct CursorBuilder<F> {
    fetch: F,
    initial: Option<String>,
    max_pages: usize,
    max_growth: Option<u32>,
    max_empty_pages: u32,
}

impl<F> CursorBuilder<F> {
    /// The cursor of the first call (default: `None`, the vendor's "from the
    /// start"). Useful to resume from a cursor saved earlier.
    ///
    /// ```
    /// use hr_common::paging::{self, CursorPage};
    /// let _b = paging::cursor(|_: Option<String>| async { Ok(CursorPage::<u8>::new(vec![], None, true)) })
    ///     .initial_cursor("1718000000_42");
    /// ```
    pub fn initial_cursor(mut self, cursor: impl Into<String>) -> Self {
        self.initial = Some(cursor.into());
        self
    }

    /// The most calls the listing may take (default [`DEFAULT_MAX_PAGES`];
    /// `usize::MAX` for no limit). When page `max` still hands a next
    /// cursor, the stream yields [`PagingErrorKind::TooManyPages`] instead
    /// of fetching it.
    ///
    /// ```
    /// use hr_common::paging::{self, CursorPage};
    /// let _b = paging::cursor(|_: Option<String>| async { Ok(CursorPage::<u8>::new(vec![], None, true)) })
    ///     .max_pages(100);
    /// ```
    pub fn max_pages(mut self, max: usize) -> Self {
        self.max_pages = max;
        self
    }

    /// How many times the total announced by the first page the listing
    /// may deliver, plus one page, before it yields
    /// [`PagingErrorKind::Overrun`] (default `Some(`[`DEFAULT_MAX_GROWTH`]`)`;
    /// `None` turns the guard off).
    ///
    /// ```
    /// use hr_common::paging::{self, CursorPage};
    /// let _b = paging::cursor(|_: Option<String>| async { Ok(CursorPage::<u8>::new(vec![], None, true)) })
    ///     .max_growth(None);
    /// ```
    pub fn max_growth(mut self, factor: Option<u32>) -> Self {
        self.max_growth = factor;
        self
    }

    /// How many pages in a row may come back empty without being the last
    /// (default [`DEFAULT_MAX_EMPTY_PAGES`]; 0 counts as 1). The page that
    /// makes it `n` yields [`PagingErrorKind::NoProgress`] instead of its
    /// next cursor being fetched. A page with records starts the count
    /// again; `u32::MAX` leaves only [`max_pages`](Self::max_pages).
    ///
    /// ```
    /// use futures::TryStreamExt;
    /// use hr_common::paging::{self, CursorPage};
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// // A server that filters records after paging: up to 5 empty batches in a row.
    /// let pages = paging::cursor(|cursor: Option<String>| async move {
    ///     let n: u32 = cursor.as_deref().unwrap_or("0").parse().unwrap();
    ///     let items = if n == 5 { vec![n] } else { vec![] };
    ///     Ok(CursorPage::new(items, Some((n + 1).to_string()), n == 5))
    /// })
    /// .max_empty_pages(6)
    /// .build();
    /// let all: Vec<u32> = pages.by_item().try_collect().await?;
    /// assert_eq!(all, [5]);
    /// # Ok::<(), hr_common::Error>(())
    /// # }).unwrap();
    /// ```
    pub fn max_empty_pages(mut self, n: u32) -> Self {
        self.max_empty_pages = n.max(1);
        self
    }

    /// The stream of pages. Nothing is fetched until it is polled.
    ///
    /// ```
    /// use futures::StreamExt;
    /// use hr_common::paging::{self, CursorPage};
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let mut pages = paging::cursor(|_: Option<String>| async { Ok(CursorPage::new(vec![1], None, true)) })
    ///     .build();
    /// assert_eq!(pages.next().await.unwrap()?.items, [1]);
    /// assert!(pages.next().await.is_none());
    /// # Ok::<(), hr_common::Error>(())
    /// # }).unwrap();
    /// ```
    pub fn build<Fut, T>(self) -> Pages<T>
    where
        F: FnMut(Option<String>) -> Fut + Send + 'static,
        Fut: Future<Output = Result<CursorPage<T>>> + Send + 'static,
        T: Send + 'static,
    {
        let seen = self.initial.iter().cloned().collect();
        let state = CursorState {
            fetch: self.fetch,
            max_pages: self.max_pages,
            max_empty_pages: self.max_empty_pages,
            progress: Progress::new(self.max_growth),
            delivered: 0,
            total: None,
            empty_run: 0,
            next: self.initial,
            seen,
            number: 0,
            pending: None,
            done: false,
        };
        Pages::new(stream::unfold(state, |mut state| async move {
            let item = state.step().await?;
            Some((item, state))
        }))
    }
}

impl<F> fmt::Debug for CursorBuilder<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CursorBuilder")
            .field("initial_cursor", &self.initial)
            .field("max_pages", &self.max_pages)
            .field("max_growth", &self.max_growth)
            .field("max_empty_pages", &self.max_empty_pages)
            .finish_non_exhaustive()
    }
}

struct CursorState<F> {
    fetch: F,
    max_pages: usize,
    max_empty_pages: u32,
    progress: Progress,
    /// Records delivered, and the latest total the server announced.
    delivered: u64,
    total: Option<u64>,
    /// Empty pages in a row that were not the last.
    empty_run: u32,
    next: Option<String>,
    /// Every cursor already used or scheduled: the server sending one again
    /// would make paging go round in a circle.
    seen: HashSet<String>,
    /// Index of the next call.
    number: usize,
    /// An error that belongs after the page just yielded.
    pending: Option<Error>,
    done: bool,
}

impl<F> CursorState<F> {
    async fn step<Fut, T>(&mut self) -> Option<Result<Page<T>>>
    where
        F: FnMut(Option<String>) -> Fut,
        Fut: Future<Output = Result<CursorPage<T>>>,
    {
        if self.done {
            return None;
        }
        if let Some(err) = self.pending.take() {
            return self.fail(err);
        }
        let number = self.number;
        if number >= self.max_pages {
            return self.fail(Error::paging(
                PagingErrorKind::TooManyPages,
                format!(
                    "cursor listing still not at its end after {} pages (next cursor {:?})",
                    self.max_pages,
                    self.next.as_deref().unwrap_or_default()
                ),
            ));
        }

        let token = self.next.take();
        let page = match (self.fetch)(token.clone()).await {
            Ok(page) => page,
            Err(err) => return self.fail(err),
        };
        self.number += 1;
        if page.total.is_some() {
            self.total = page.total;
        }
        let continues = !page.is_last && page.next_cursor.as_ref().is_some_and(|c| !c.is_empty());
        if page.items.is_empty() {
            if continues {
                if let Some(total) = self.total.filter(|&total| self.delivered >= total) {
                    // Nothing is left to fetch, whatever the flag says.
                    tracing::debug!(
                        page = number,
                        delivered = self.delivered,
                        total,
                        "cursor page empty at the announced total; ending"
                    );
                    self.done = true;
                    return None;
                }
                self.empty_run = self.empty_run.saturating_add(1);
                if self.empty_run >= self.max_empty_pages {
                    return self.fail(Error::paging(
                        PagingErrorKind::NoProgress,
                        format!(
                            "cursor page {number} is the {} empty page in a row that is not the \
                             last, after {}; the server moves its cursor without moving through \
                             records (raise max_empty_pages if it really skips that many)",
                            self.empty_run,
                            match self.total {
                                Some(total) => format!("{} of {total} records", self.delivered),
                                None => format!("{} records", self.delivered),
                            }
                        ),
                    ));
                }
            }
        } else {
            if let Err(err) = self.progress.admit(
                format_args!("cursor page {number}"),
                page.items.len(),
                page.total,
                &page.keys,
            ) {
                return self.fail(err);
            }
            self.empty_run = 0;
            self.delivered = self.delivered.saturating_add(page.items.len() as u64);
        }

        match page.next_cursor.filter(|c| !c.is_empty()) {
            _ if page.is_last => self.done = true,
            None => self.done = true,
            Some(next) if self.seen.contains(&next) => {
                // The page itself is good: the error comes after it, and
                // the repeated cursor is never fetched.
                self.pending = Some(Error::paging(
                    PagingErrorKind::RepeatedCursor,
                    format!(
                        "page {number} handed back cursor {next:?}, which was already followed; \
                         following it again would loop"
                    ),
                ));
            }
            Some(next) => {
                self.seen.insert(next.clone());
                self.next = Some(next);
            }
        }

        // An empty page (often the last) is dropped by `Pages`.
        tracing::debug!(page = number, items = page.items.len(), "cursor page");
        Some(Ok(Page {
            items: page.items,
            total: page.total,
            number,
            token,
        }))
    }

    fn fail<T>(&mut self, err: Error) -> Option<Result<T>> {
        self.done = true;
        Some(Err(err))
    }
}
