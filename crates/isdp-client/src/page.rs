//! `page{start,count}` and the offset streams built on it.

use std::future::Future;
use std::hash::Hash;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll};

use futures::stream::{FusedStream, Stream, StreamExt};
use hr_common::endpoint::{self, Endpoint};
use hr_common::paging::{self, Items, OffsetPage, OffsetRequest, Pages};
use hr_common::transport::CallOptions;
use hr_common::{Error, Result};
use serde::{Deserialize, Serialize};

use crate::client::IsdpClient;
use crate::envelope::BarePage;

/// The most records one page may hold; ISDP+ refuses `count` over 200.
pub const MAX_PAGE_SIZE: u32 = 200;
/// The most ids `idList` and `orgIdList` may hold.
pub const MAX_ID_LIST: usize = 200;

/// `PageRequest`: `start` (0-based) and `count` (≤ 200).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PageRequest {
    /// Position of the first record.
    pub start: u64,
    /// Records per page, at most [`MAX_PAGE_SIZE`].
    pub count: u32,
}

impl PageRequest {
    /// A page of `count` records from `start`.
    pub fn new(start: u64, count: u32) -> Self {
        PageRequest { start, count }
    }
}

impl Default for PageRequest {
    fn default() -> Self {
        PageRequest::new(0, MAX_PAGE_SIZE)
    }
}

/// Client-side check of a page size, before anything is sent.
pub(crate) fn check_count(count: u32) -> Result<()> {
    if count == 0 || count > MAX_PAGE_SIZE {
        return Err(Error::invalid_request(
            "count",
            format!("must be 1 to {MAX_PAGE_SIZE}, not {count}"),
        ));
    }
    Ok(())
}

pub(crate) fn check_len(field: &str, len: usize, max: usize) -> Result<()> {
    if len > max {
        return Err(Error::invalid_request(
            field,
            format!("at most {max} entries per call, not {len}"),
        ));
    }
    Ok(())
}

/// An offset stream from the request's own `page`: the first page alone,
/// then up to the client's page concurrency at once, in order; with
/// hr-common's guards (the page's `pos` must be the `start` asked for, a
/// page of records all delivered before is no progress, growth bounded by
/// `max_growth` times the first total).
pub(crate) fn offset_stream<T, F, Fut>(
    client: &IsdpClient,
    page: PageRequest,
    max_growth: Option<u32>,
    fetch: F,
) -> Pages<T>
where
    T: Send + 'static,
    F: FnMut(PageRequest) -> Fut + Send + 'static,
    Fut: Future<Output = Result<OffsetPage<T>>> + Send + 'static,
{
    if let Err(e) = check_count(page.count) {
        return Pages::new(futures::stream::iter([Err(e)]));
    }
    let mut fetch = fetch;
    paging::offset(page.count, move |req: OffsetRequest| {
        fetch(PageRequest::new(req.start, req.count))
    })
    .start(page.start)
    .concurrency(client.concurrency())
    .max_growth(max_growth)
    .build()
}

/// A bare page as hr-common's offset page: records, total, `pos`, and the
/// records' keys.
pub(crate) fn offset_page<T, K: Hash>(
    page: BarePage<T>,
    key: impl Fn(&T) -> Option<K>,
) -> OffsetPage<T> {
    let total = page.total();
    let keys: Vec<Option<K>> = page.data.iter().map(key).collect();
    OffsetPage::new(page.data, total)
        .with_pos(page.pos)
        .with_keys(keys)
}

/// Where an offset listing got to: the position it started at and how many
/// records it delivered, in order, from there. Resume a listing that failed
/// from [`next_start`](Self::next_start) with
/// [`PersonListing::resume_from`](crate::PersonListing::resume_from).
///
/// It serialises as `{"start":0,"delivered":400,"total":1234}`, to be kept
/// between runs. A resumed listing's checkpoint keeps the first `start` and
/// counts on, so resumes can be chained.
///
/// Offset listings are no snapshot: persons inserted or deleted before the
/// checkpoint's position between the two runs shift the rest (the listing
/// is ordered by `personId`), so de-duplicate by `personId` when that
/// matters.
///
/// ```
/// let cp: isdp_client::OffsetCheckpoint = serde_json::from_str(r#"{"start":0,"delivered":400}"#)?;
/// assert_eq!(cp.next_start(), 400);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct OffsetCheckpoint {
    /// The position the listing started at (its request's `page.start`).
    pub start: u64,
    /// Records delivered to the consumer, in order, from `start`.
    pub delivered: u64,
    /// The total last announced, when one was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total: Option<u64>,
}

impl OffsetCheckpoint {
    /// A checkpoint of `delivered` records from `start`.
    pub fn new(start: u64, delivered: u64) -> Self {
        OffsetCheckpoint {
            start,
            delivered,
            total: None,
        }
    }

    /// Where a resumed listing starts: `start + delivered`.
    pub fn next_start(&self) -> u64 {
        self.start.saturating_add(self.delivered)
    }

    /// Whether the announced total says nothing is left.
    pub fn is_complete(&self) -> bool {
        self.total.is_some_and(|t| self.next_start() >= t)
    }
}

impl std::fmt::Display for OffsetCheckpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "offset {} ({} delivered from {})",
            self.next_start(),
            self.delivered,
            self.start
        )
    }
}

/// The live progress of a resumable listing, readable from anywhere while
/// it runs; cloning shares it. [`checkpoint`](Self::checkpoint) counts the
/// records the consumer actually received: one by one from
/// [`PersonListing::items`](crate::PersonListing::items), a page at a time
/// from [`PersonListing::pages`](crate::PersonListing::pages).
#[derive(Debug, Clone)]
pub struct ListingProgress {
    start: u64,
    /// Delivered before this run (a resumed checkpoint's count).
    before: u64,
    delivered: Arc<AtomicU64>,
    /// Pages fetched, and the last total plus one (0: none announced).
    fetched: Arc<AtomicU64>,
    total_plus_one: Arc<AtomicU64>,
}

impl ListingProgress {
    pub(crate) fn new(start: u64, before: u64) -> Self {
        ListingProgress {
            start,
            before,
            delivered: Arc::new(AtomicU64::new(0)),
            fetched: Arc::new(AtomicU64::new(0)),
            total_plus_one: Arc::new(AtomicU64::new(0)),
        }
    }

    /// Records delivered in this run.
    pub fn records(&self) -> u64 {
        self.delivered.load(Ordering::Relaxed)
    }

    /// The total the server last announced, if it did.
    pub fn total(&self) -> Option<u64> {
        self.total_plus_one.load(Ordering::Relaxed).checked_sub(1)
    }

    /// Pages fetched so far (with prefetching, ahead of the consumer).
    pub fn pages(&self) -> u64 {
        self.fetched.load(Ordering::Relaxed)
    }

    /// Where to resume if the listing stopped now.
    pub fn checkpoint(&self) -> OffsetCheckpoint {
        OffsetCheckpoint {
            start: self.start,
            delivered: self.before + self.records(),
            total: self.total(),
        }
    }

    fn add(&self, n: usize) {
        self.delivered.fetch_add(n as u64, Ordering::Relaxed);
    }

    /// Appends where to resume to our own paging errors, whose message is
    /// ours to extend (vendor messages stay verbatim).
    fn annotate(&self, mut err: Error) -> Error {
        if let Error::Paging { message, .. } = &mut err {
            message.push_str(&format!("; resume from {}", self.checkpoint()));
        }
        tracing::warn!(checkpoint = %self.checkpoint(), error = %err, "listing stopped before its end");
        err
    }
}

/// Notes the pages and totals of `pages` in `progress` as they come.
pub(crate) fn with_totals<T: Send + 'static>(
    pages: Pages<T>,
    progress: ListingProgress,
) -> Pages<T> {
    Pages::new(pages.map(move |page| {
        if let Ok(page) = &page {
            progress.fetched.fetch_add(1, Ordering::Relaxed);
            if let Some(total) = page.total {
                progress
                    .total_plus_one
                    .store(total.saturating_add(1), Ordering::Relaxed);
            }
        }
        page
    }))
}

/// Counts the pages of `pages` into `progress` as they are handed on.
pub(crate) fn counted_pages<T: Send + 'static>(
    pages: Pages<T>,
    progress: ListingProgress,
) -> Pages<T> {
    Pages::new(pages.map(move |page| match page {
        Ok(page) => {
            progress.add(page.len());
            Ok(page)
        }
        Err(e) => Err(progress.annotate(e)),
    }))
}

/// The records of a resumable listing, one by one, each counted into its
/// [`ListingProgress`] when it is handed on: `Stream<Item = Result<T>>`.
#[must_use = "streams do nothing unless polled"]
pub struct ListingItems<T> {
    items: Items<T>,
    progress: ListingProgress,
}

impl<T: Send + 'static> ListingItems<T> {
    pub(crate) fn new(pages: Pages<T>, progress: ListingProgress) -> Self {
        ListingItems {
            items: pages.by_item(),
            progress,
        }
    }

    /// The live progress and checkpoint.
    pub fn progress(&self) -> ListingProgress {
        self.progress.clone()
    }
}

impl<T> std::fmt::Debug for ListingItems<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ListingItems")
            .field("progress", &self.progress)
            .finish_non_exhaustive()
    }
}

impl<T> Stream for ListingItems<T> {
    type Item = Result<T>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        match std::task::ready!(Pin::new(&mut this.items).poll_next(cx)) {
            Some(Ok(item)) => {
                this.progress.add(1);
                Poll::Ready(Some(Ok(item)))
            }
            Some(Err(e)) => Poll::Ready(Some(Err(this.progress.annotate(e)))),
            None => Poll::Ready(None),
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.items.size_hint()
    }
}

impl<T> FusedStream for ListingItems<T> {
    fn is_terminated(&self) -> bool {
        self.items.is_terminated()
    }
}

/// Every record of every page of `template`, in order: each page is the
/// endpoint sent on a copy of `template` that `set_page` pointed at it. The
/// listing endpoints differ only in where the page sits in their request.
///
/// A record's key, for telling a replayed page from progress, is the hash
/// of its JSON: two distinct records never serialise alike. The JSON goes
/// straight into the hasher rather than into a `String` per record.
pub(crate) fn stream_pages<E, T>(
    client: &IsdpClient,
    template: &E,
    first: PageRequest,
    set_page: fn(&mut E, PageRequest),
) -> Items<T>
where
    E: Endpoint<Client = IsdpClient, Output = BarePage<T>> + Clone + 'static,
    T: Serialize + Send + 'static,
{
    let (client_for_pages, template) = (client.clone(), template.clone());
    offset_stream(client, first, Some(paging::DEFAULT_MAX_GROWTH), move |p| {
        let mut req = template.clone();
        set_page(&mut req, p);
        let client = client_for_pages.clone();
        async move {
            let page = endpoint::send(&client, &req, &CallOptions::new()).await?;
            Ok(offset_page(page, json_hash))
        }
    })
    .by_item()
}

/// The hash of `record`'s JSON, written piece by piece into the hasher;
/// `None` if it does not serialise.
fn json_hash<T: Serialize>(record: &T) -> Option<u64> {
    struct HashWriter(std::collections::hash_map::DefaultHasher);

    impl std::io::Write for HashWriter {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            std::hash::Hasher::write(&mut self.0, bytes);
            Ok(bytes.len())
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    let mut w = HashWriter(Default::default());
    serde_json::to_writer(&mut w, record).ok()?;
    Some(std::hash::Hasher::finish(&w.0))
}

#[cfg(test)]
mod tests {
    use super::json_hash;

    /// Equal JSON, equal key; any difference in the JSON, another key.
    #[test]
    fn json_hash_tells_records_apart_by_their_json() {
        let a = serde_json::json!({"orgId": 1, "orgName": "研发"});
        let same = serde_json::json!({"orgName": "研发", "orgId": 1});
        let other = serde_json::json!({"orgId": 1, "orgName": "研发部"});
        assert_eq!(json_hash(&a), json_hash(&same));
        assert_ne!(json_hash(&a), json_hash(&other));
        assert!(json_hash(&a).is_some());
        let unserialisable = std::collections::HashMap::from([((1, 2), 3)]);
        assert_eq!(json_hash(&unserialisable), None);
    }
}
