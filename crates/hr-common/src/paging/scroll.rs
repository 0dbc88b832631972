//! Scroll-id paging: each call returns a page and the id that fetches the next.

use std::collections::HashSet;
use std::fmt;
use std::future::Future;
use std::time::Duration;

use futures::stream;
use tokio::time::Instant;

use super::{DEFAULT_MAX_GROWTH, DEFAULT_MAX_PAGES, Page, PageKeys, Pages, Progress, secs};
use crate::Result;
use crate::error::{Error, PagingErrorKind};

/// What one call of a scroll endpoint returned; the `fetch` closure of
/// [`scroll`] builds it from the vendor's response.
///
/// For Beisen v5 time-window queries: `data` → `items`, `scrollId` →
/// `scroll_id`, `total` → `total`, `isLastData` → `is_last`.
///
/// ```
/// use hr_common::paging::ScrollPage;
///
/// let page = ScrollPage::new(vec![1, 2, 3], Some("DXF1ZXJ5QW5kRmV0Y2g".to_owned()))
///     .with_total(Some(250))
///     .with_is_last(Some(false));
/// assert_eq!(page.total, Some(250));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ScrollPage<T> {
    /// The records of this call. Empty means the scroll is over (or expired).
    pub items: Vec<T>,
    /// The id to send with the next call. An empty string counts as none.
    pub scroll_id: Option<String>,
    /// How many records the whole scroll has, if the server says.
    pub total: Option<u64>,
    /// The server's own "last batch" flag. Informational only: see [`scroll`].
    pub is_last: Option<bool>,
    /// Hashes of the records' keys, when the fetch gave them
    /// ([`with_keys`](Self::with_keys)).
    keys: PageKeys,
}

impl<T> ScrollPage<T> {
    /// A page with its records and next scroll id, no total and no last flag.
    ///
    /// ```
    /// let end = hr_common::paging::ScrollPage::<u8>::new(vec![], None);
    /// assert!(end.items.is_empty());
    /// ```
    pub fn new(items: Vec<T>, scroll_id: Option<String>) -> Self {
        ScrollPage {
            items,
            scroll_id,
            total: None,
            is_last: None,
            keys: None,
        }
    }

    /// The keys of the records, one per record in order (`None` for a
    /// record without one), so that the scroll can tell a replayed page
    /// from progress: a page whose records all carry a key this scroll
    /// already delivered fails with [`PagingErrorKind::NoProgress`] instead of being delivered again. Ignored when the count
    /// differs from the records'.
    ///
    /// ```
    /// use futures::StreamExt;
    /// use hr_common::error::{Error, PagingErrorKind};
    /// use hr_common::paging::{self, ScrollPage};
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// // A scroll that serves the same two records for ever, with no total.
    /// let pages = paging::scroll(|_id: Option<String>| async {
    ///     let ids = vec![1, 2];
    ///     Ok(ScrollPage::new(ids.clone(), Some("S".into())).with_keys(ids.into_iter().map(Some)))
    /// })
    /// .build();
    /// let got: Vec<_> = pages.collect().await;
    /// assert_eq!(got.len(), 2);
    /// assert!(matches!(got[1], Err(Error::Paging { kind: PagingErrorKind::NoProgress, .. })));
    /// # });
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
    /// let page = hr_common::paging::ScrollPage::new(vec![1], None).with_total(Some(1));
    /// assert_eq!(page.total, Some(1));
    /// ```
    pub fn with_total(mut self, total: Option<u64>) -> Self {
        self.total = total;
        self
    }

    /// Sets the server's "last batch" flag.
    ///
    /// ```
    /// let page = hr_common::paging::ScrollPage::new(vec![1], None).with_is_last(Some(true));
    /// assert_eq!(page.is_last, Some(true));
    /// ```
    pub fn with_is_last(mut self, is_last: Option<bool>) -> Self {
        self.is_last = is_last;
        self
    }
}

/// Pages through a scroll: the first call gets `None` (send the vendor's
/// "no scroll yet", Beisen: `""`), each later call the `scroll_id` of the
/// page before.
///
/// # When the scroll ends
///
/// Only a page with no records ends it. The server's `is_last` flag is not
/// trusted: Beisen documents `isLastData` as deprecated, and its own sample
/// loop, which stops on it, is the kind of code that loses the tail of a
/// listing. So after the last records one more call is made, and its empty
/// answer ends the stream.
///
/// # Expiry
///
/// A Beisen scroll dies after 10 s without a call, and the server then
/// answers the next call with *empty data*, which looks exactly like the end.
/// With [`detect_expiry`](ScrollBuilder::detect_expiry) on (the default), an
/// empty page is checked before it is believed:
///
/// - when the server announced a `total` and fewer records were delivered,
///   the stream yields [`PagingErrorKind::Expired`] ("delivered N of M");
/// - when it announced none and more than
///   [`idle_limit`](ScrollBuilder::idle_limit) passed between the end of the
///   previous call and the start of this one, it yields `Expired` too, since
///   the end can't be told apart from an expiry.
///
/// `Expired` errors are [retryable](crate::Error::is_retryable): restart the
/// scroll from the top. [`Pages::prefetch`] keeps calls coming while the
/// caller is busy.
///
/// # Loop guards
///
/// - [`max_pages`](ScrollBuilder::max_pages), [`DEFAULT_MAX_PAGES`] unless
///   set: a scroll with more pages yields [`PagingErrorKind::TooManyPages`].
/// - [`overrun_slack`](ScrollBuilder::overrun_slack): more records than the
///   announced `total` plus the slack yields [`PagingErrorKind::Overrun`].
///   On by default with a slack of 0: a server that replays pages under the
///   same id would otherwise loop for ever.
/// - [`max_growth`](ScrollBuilder::max_growth), [`DEFAULT_MAX_GROWTH`]
///   unless set: more records than that many times the total of the first
///   page (plus one page) yields [`PagingErrorKind::Overrun`], so that a
///   total that grows with every page is not followed for ever.
/// - [`fail_on_repeated_id`](ScrollBuilder::fail_on_repeated_id), off by
///   default: Elasticsearch-backed scrolls, which Beisen's
///   (`DXF1ZXJ5QW5kRmV0Y2g…`, base64 of "queryAndFetch") look like, may
///   legitimately return the same id on every call.
/// - Replayed records: when the fetch gives the records' keys
///   ([`ScrollPage::with_keys`]), a page whose records were all delivered
///   before by this scroll yields [`PagingErrorKind::NoProgress`] instead of being delivered.
///
/// A server that replays pages under the same id, announces no total and
/// gives no keys is stopped only by `max_pages`: nothing else tells it
/// apart from a healthy Elasticsearch scroll, which also sends full pages
/// under an unchanging id.
/// - A page with records but no scroll id yields [`PagingErrorKind::Invalid`]
///   after that page, since the next call can't be made; unless the page
///   was provably the last (the total is reached, or with no total, the
///   server flagged it as the last).
///
/// ```
/// use std::time::Duration;
/// use futures::TryStreamExt;
/// use hr_common::paging::{self, ScrollPage};
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// // An in-memory scroll of 7 records served 3 at a time; a real fetch would
/// // POST `{"scrollId": id.unwrap_or_default(), "capacity": 3, …}`.
/// let records: Vec<u32> = (1..=7).collect();
/// let pages = paging::scroll(move |id: Option<String>| {
///     let from: usize = id.map_or(0, |id| id.parse().unwrap());
///     let batch: Vec<u32> = records.iter().skip(from).take(3).copied().collect();
///     let next = from + batch.len();
///     async move {
///         Ok(ScrollPage::new(batch, Some(next.to_string())).with_total(Some(7)))
///     }
/// })
/// .idle_limit(Some(Duration::from_secs(10)))
/// .max_pages(10_000)
/// .build();
///
/// let all: Vec<u32> = pages.by_item().try_collect().await?;
/// assert_eq!(all, [1, 2, 3, 4, 5, 6, 7]);
/// # Ok::<(), hr_common::Error>(())
/// # }).unwrap();
/// ```
pub fn scroll<F, Fut, T>(fetch: F) -> ScrollBuilder<F>
where
    F: FnMut(Option<String>) -> Fut + Send + 'static,
    Fut: Future<Output = Result<ScrollPage<T>>> + Send + 'static,
    T: Send + 'static,
{
    ScrollBuilder {
        fetch,
        config: ScrollConfig::default(),
    }
}

/// Options of a scroll; made by [`scroll`], finished by
/// [`build`](ScrollBuilder::build).
///
/// ```
/// use std::time::Duration;
/// use hr_common::paging::{self, ScrollPage};
///
/// let builder = paging::scroll(|_id: Option<String>| async { Ok(ScrollPage::<u8>::new(vec![], None)) })
///     .detect_expiry(true)
///     .idle_limit(Some(Duration::from_secs(10)))
///     .max_pages(5_000)
///     .overrun_slack(Some(0))
///     .max_growth(Some(2))
///     .fail_on_repeated_id(false);
/// let _pages = builder.build();
/// ```
#[must_use = "a builder does nothing until `build` and polling the stream"]
pub struct ScrollBuilder<F> {
    fetch: F,
    config: ScrollConfig,
}

#[derive(Debug, Clone)]
struct ScrollConfig {
    detect_expiry: bool,
    idle_limit: Option<Duration>,
    max_pages: usize,
    overrun_slack: Option<u64>,
    max_growth: Option<u32>,
    fail_on_repeated_id: bool,
}

impl Default for ScrollConfig {
    fn default() -> Self {
        ScrollConfig {
            detect_expiry: true,
            idle_limit: None,
            max_pages: DEFAULT_MAX_PAGES,
            overrun_slack: Some(0),
            max_growth: Some(DEFAULT_MAX_GROWTH),
            fail_on_repeated_id: false,
        }
    }
}

impl<F> ScrollBuilder<F> {
    /// Whether an empty page is checked for expiry before it is taken as the
    /// end (default `true`). See [`scroll`].
    ///
    /// ```
    /// use hr_common::paging::{self, ScrollPage};
    /// let _b = paging::scroll(|_: Option<String>| async { Ok(ScrollPage::<u8>::new(vec![], None)) })
    ///     .detect_expiry(false);
    /// ```
    pub fn detect_expiry(mut self, on: bool) -> Self {
        self.config.detect_expiry = on;
        self
    }

    /// The longest pause between calls the server tolerates (Beisen: 10 s),
    /// measured from the end of one call to the start of the next. Default
    /// `None`: no idle check, because the limit is the vendor's.
    ///
    /// Used only when the server announces no total (a total settles
    /// whether records are missing) and [`detect_expiry`](Self::detect_expiry)
    /// is on. A page *with* records after a longer pause means the scroll
    /// survived; it is delivered, with a warning in the log.
    ///
    /// ```
    /// use std::time::Duration;
    /// use hr_common::paging::{self, ScrollPage};
    /// let _b = paging::scroll(|_: Option<String>| async { Ok(ScrollPage::<u8>::new(vec![], None)) })
    ///     .idle_limit(Some(Duration::from_secs(10)));
    /// ```
    pub fn idle_limit(mut self, limit: Option<Duration>) -> Self {
        self.config.idle_limit = limit;
        self
    }

    /// The most pages the scroll may have (default [`DEFAULT_MAX_PAGES`];
    /// `usize::MAX` for no limit). When call `max + 1` still returns
    /// records, the stream yields [`PagingErrorKind::TooManyPages`] instead
    /// of that page.
    ///
    /// ```
    /// use hr_common::paging::{self, ScrollPage};
    /// let _b = paging::scroll(|_: Option<String>| async { Ok(ScrollPage::<u8>::new(vec![], None)) })
    ///     .max_pages(1_000);
    /// ```
    pub fn max_pages(mut self, max: usize) -> Self {
        self.config.max_pages = max;
        self
    }

    /// How many records beyond the announced total are tolerated before the
    /// stream yields [`PagingErrorKind::Overrun`] (default `Some(0)`); `None`
    /// turns the guard off, for endpoints whose total is an estimate.
    ///
    /// ```
    /// use hr_common::paging::{self, ScrollPage};
    /// let _b = paging::scroll(|_: Option<String>| async { Ok(ScrollPage::<u8>::new(vec![], None)) })
    ///     .overrun_slack(Some(100));
    /// ```
    pub fn overrun_slack(mut self, slack: Option<u64>) -> Self {
        self.config.overrun_slack = slack;
        self
    }

    /// How many times the total announced by the first page the scroll may
    /// deliver, plus one page (the first page's length), before it yields
    /// [`PagingErrorKind::Overrun`] (default `Some(`[`DEFAULT_MAX_GROWTH`]`)`);
    /// `None` turns the guard off. Unlike
    /// [`overrun_slack`](Self::overrun_slack), which compares with the
    /// latest total, this bound does not move when the server raises its
    /// total page after page.
    ///
    /// ```
    /// use hr_common::paging::{self, ScrollPage};
    /// let _b = paging::scroll(|_: Option<String>| async { Ok(ScrollPage::<u8>::new(vec![], None)) })
    ///     .max_growth(Some(10));
    /// ```
    pub fn max_growth(mut self, factor: Option<u32>) -> Self {
        self.config.max_growth = factor;
        self
    }

    /// Whether a scroll id the server already sent is an error
    /// ([`PagingErrorKind::RepeatedCursor`]) rather than the way forward
    /// (default `false`). Turn it on only for scrolls known to issue a fresh
    /// id per call; Elasticsearch-style scrolls repeat theirs.
    ///
    /// ```
    /// use hr_common::paging::{self, ScrollPage};
    /// let _b = paging::scroll(|_: Option<String>| async { Ok(ScrollPage::<u8>::new(vec![], None)) })
    ///     .fail_on_repeated_id(true);
    /// ```
    pub fn fail_on_repeated_id(mut self, on: bool) -> Self {
        self.config.fail_on_repeated_id = on;
        self
    }

    /// The stream of pages. Nothing is fetched until it is polled.
    ///
    /// ```
    /// use futures::StreamExt;
    /// use hr_common::paging::{self, ScrollPage};
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let mut pages = paging::scroll(|_: Option<String>| async { Ok(ScrollPage::<u8>::new(vec![], None)) })
    ///     .build();
    /// assert!(pages.next().await.is_none());
    /// # });
    /// ```
    pub fn build<Fut, T>(self) -> Pages<T>
    where
        F: FnMut(Option<String>) -> Fut + Send + 'static,
        Fut: Future<Output = Result<ScrollPage<T>>> + Send + 'static,
        T: Send + 'static,
    {
        let state = ScrollState {
            fetch: self.fetch,
            progress: Progress::new(self.config.max_growth),
            config: self.config,
            next_id: None,
            number: 0,
            delivered: 0,
            total: None,
            last_end: None,
            seen: HashSet::new(),
            pending: None,
            done: false,
        };
        Pages::new(stream::unfold(state, |mut state| async move {
            let item = state.step().await?;
            Some((item, state))
        }))
    }
}

impl<F> fmt::Debug for ScrollBuilder<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ScrollBuilder")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

struct ScrollState<F> {
    fetch: F,
    config: ScrollConfig,
    progress: Progress,
    next_id: Option<String>,
    /// Index of the next call.
    number: usize,
    delivered: u64,
    total: Option<u64>,
    last_end: Option<Instant>,
    seen: HashSet<String>,
    /// An error that belongs after the page just yielded.
    pending: Option<Error>,
    done: bool,
}

impl<F> ScrollState<F> {
    async fn step<Fut, T>(&mut self) -> Option<Result<Page<T>>>
    where
        F: FnMut(Option<String>) -> Fut,
        Fut: Future<Output = Result<ScrollPage<T>>>,
    {
        if self.done {
            return None;
        }
        if let Some(err) = self.pending.take() {
            return self.fail(err);
        }

        let token = self.next_id.clone();
        let started = Instant::now();
        let idle = self
            .last_end
            .map(|end| started.saturating_duration_since(end));
        let result = (self.fetch)(token.clone()).await;
        self.last_end = Some(Instant::now());
        let page = match result {
            Ok(page) => page,
            Err(err) => return self.fail(err),
        };

        let number = self.number;
        self.number += 1;
        if page.total.is_some() {
            self.total = page.total;
        }

        if page.items.is_empty() {
            self.done = true;
            return self.check_end(number, idle).map(Err);
        }

        if number >= self.config.max_pages {
            return self.fail(Error::paging(
                PagingErrorKind::TooManyPages,
                format!(
                    "scroll still returned records on call {} after {} records; the limit is {} pages",
                    number + 1,
                    self.delivered,
                    self.config.max_pages
                ),
            ));
        }

        if let Err(err) = self.progress.admit(
            format_args!("scroll page {number}"),
            page.items.len(),
            self.total,
            &page.keys,
        ) {
            return self.fail(err);
        }
        self.delivered += page.items.len() as u64;
        if let (Some(total), Some(slack)) = (self.total, self.config.overrun_slack)
            && self.delivered > total.saturating_add(slack)
        {
            return self.fail(Error::paging(
                PagingErrorKind::Overrun,
                format!(
                    "scroll delivered {} records by page {number} but announced a total of {total}; \
                     the server may be replaying pages",
                    self.delivered
                ),
            ));
        }

        if let (Some(limit), Some(idle)) = (self.config.idle_limit, idle)
            && idle > limit
        {
            tracing::warn!(
                page = number,
                idle = %secs(idle),
                limit = %secs(limit),
                "scroll call came later than the idle limit but the scroll was still alive"
            );
        }

        match page.scroll_id.filter(|id| !id.is_empty()) {
            Some(id) => {
                if self.config.fail_on_repeated_id && !self.seen.insert(id.clone()) {
                    self.pending = Some(Error::paging(
                        PagingErrorKind::RepeatedCursor,
                        format!(
                            "scroll id {id} was returned again after page {number}; following it would loop"
                        ),
                    ));
                }
                self.next_id = Some(id);
            }
            None => {
                let provably_last = match self.total {
                    Some(total) => self.delivered >= total,
                    None => page.is_last == Some(true),
                };
                if provably_last {
                    self.done = true;
                } else {
                    self.pending = Some(Error::paging(
                        PagingErrorKind::Invalid,
                        format!(
                            "page {number} carried records but no scroll id, after {}; \
                             the next page can't be requested",
                            self.delivered_of_total()
                        ),
                    ));
                }
            }
        }

        tracing::debug!(page = number, items = page.items.len(), total = ?self.total, "scroll page");
        Some(Ok(Page {
            items: page.items,
            total: self.total,
            number,
            token,
        }))
    }

    /// What an empty page means: `None` for a real end, or why it is not.
    fn check_end(&self, number: usize, idle: Option<Duration>) -> Option<Error> {
        if !self.config.detect_expiry {
            return None;
        }
        match self.total {
            Some(total) if self.delivered < total => Some(Error::paging(
                PagingErrorKind::Expired,
                format!(
                    "scroll returned no data on call {} after delivering {} of {total} records; \
                     the scroll id has probably expired, restart the scroll",
                    number + 1,
                    self.delivered
                ),
            )),
            Some(_) => None,
            None => match (self.config.idle_limit, idle) {
                (Some(limit), Some(idle)) if idle > limit => Some(Error::paging(
                    PagingErrorKind::Expired,
                    format!(
                        "scroll returned no data on call {} after delivering {} records, {} after the \
                         previous call (limit {}); it has probably expired, restart the scroll",
                        number + 1,
                        self.delivered,
                        secs(idle),
                        secs(limit)
                    ),
                )),
                _ => None,
            },
        }
    }

    fn delivered_of_total(&self) -> String {
        match self.total {
            Some(total) => format!("{} of {total} records", self.delivered),
            None => format!("{} records", self.delivered),
        }
    }

    fn fail<T>(&mut self, err: Error) -> Option<Result<T>> {
        self.done = true;
        Some(Err(err))
    }
}
