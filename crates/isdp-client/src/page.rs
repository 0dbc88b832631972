//! `page{start,count}` and the offset streams built on it.

use std::future::Future;

use hr_common::paging::{self, Items, OffsetPage, OffsetRequest, Pages};
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
/// then up to the client's page concurrency at once, in order.
pub(crate) fn offset_stream<T, F, Fut>(client: &IsdpClient, page: PageRequest, fetch: F) -> Pages<T>
where
    T: Send + 'static,
    F: FnMut(PageRequest) -> Fut + Send + 'static,
    Fut: Future<Output = Result<(Vec<T>, Option<u64>)>> + Send + 'static,
{
    if let Err(e) = check_count(page.count) {
        return Pages::new(futures::stream::iter([Err(e)]));
    }
    let mut fetch = fetch;
    paging::offset(page.count, move |req: OffsetRequest| {
        let fut = fetch(PageRequest::new(req.start, req.count));
        async move {
            let (items, total) = fut.await?;
            Ok(OffsetPage::new(items, total))
        }
    })
    .start(page.start)
    .concurrency(client.page_concurrency())
    .build()
}

/// Every record of every page of `template`, in order: each page is fetched
/// by `send` on a copy of the request that `set_page` pointed at it. The
/// listing endpoints differ only in where the page sits in their request.
pub(crate) fn stream_pages<R, T, S, Fut>(
    client: &IsdpClient,
    template: &R,
    first: PageRequest,
    set_page: fn(&mut R, PageRequest),
    send: S,
) -> Items<T>
where
    R: Clone + Send + 'static,
    T: Send + 'static,
    S: Fn(R, IsdpClient) -> Fut + Send + 'static,
    Fut: Future<Output = Result<BarePage<T>>> + Send + 'static,
{
    let (client_for_pages, template) = (client.clone(), template.clone());
    offset_stream(client, first, move |p| {
        let mut req = template.clone();
        set_page(&mut req, p);
        let page = send(req, client_for_pages.clone());
        async move {
            let page = page.await?;
            let total = page.total();
            Ok((page.data, total))
        }
    })
    .by_item()
}
