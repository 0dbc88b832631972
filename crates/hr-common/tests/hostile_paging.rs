//! The progress guards of every paging style against servers that never
//! end: pages replayed under a fresh or the same token, a `start` that is
//! ignored, a total that grows with every page. Each test counts the calls
//! made, checks the error kind, and checks that nothing beyond the genuine
//! records was handed out as a success.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use futures::StreamExt;
use hr_common::Error;
use hr_common::error::PagingErrorKind;
use hr_common::paging::{self, CursorPage, OffsetPage, OffsetRequest, Pages, ScrollPage};

fn paging_kind(err: &Error) -> Option<PagingErrorKind> {
    match err {
        Error::Paging { kind, .. } => Some(*kind),
        _ => None,
    }
}

/// Every record the stream handed out, and the error that ended it.
async fn drain(pages: Pages<u64>) -> (Vec<u64>, Option<Error>) {
    // A generous cap: a stream that still runs after this many pages is the
    // bug under test, and must not hang the suite.
    let mut pages = pages.take(10_000);
    let mut items = Vec::new();
    while let Some(page) = pages.next().await {
        match page {
            Ok(page) => items.extend(page.items),
            Err(err) => return (items, Some(err)),
        }
    }
    (items, None)
}

fn counter() -> Arc<AtomicU64> {
    Arc::new(AtomicU64::new(0))
}

// ------------------------------------------------------------------ scroll

#[tokio::test]
async fn scroll_replaying_the_same_records_under_the_same_id_stops_with_no_progress() {
    // Beisen-like: same scroll id, isLastData false, the same two records,
    // and a total far away, so neither the overrun nor the growth guard
    // fires first.
    let calls = counter();
    let c = calls.clone();
    let pages = paging::scroll(move |_id: Option<String>| {
        c.fetch_add(1, Ordering::SeqCst);
        async {
            Ok(
                ScrollPage::new(vec![1_u64, 2], Some("DXF1ZXJ5QW5kRmV0Y2g".into()))
                    .with_total(Some(1_000_000))
                    .with_is_last(Some(false))
                    .with_keys([Some(1_u64), Some(2)]),
            )
        }
    })
    .build();

    let (items, err) = drain(pages).await;
    let err = err.expect("a replaying scroll must fail");
    assert_eq!(
        paging_kind(&err),
        Some(PagingErrorKind::NoProgress),
        "{err}"
    );
    assert!(err.to_string().contains("no progress"), "{err}");
    assert_eq!(items, [1, 2], "the replayed page is not delivered again");
    assert_eq!(calls.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn scroll_with_some_new_records_on_a_page_is_progress() {
    // Pages that overlap the previous one but bring a new record are not
    // replays: the guard fires only when every record was delivered before.
    let calls = counter();
    let c = calls.clone();
    let pages = paging::scroll(move |id: Option<String>| {
        let n = c.fetch_add(1, Ordering::SeqCst);
        async move {
            let _ = id;
            Ok(match n {
                0 => ScrollPage::new(vec![1_u64, 2], Some("s".into())),
                1 => ScrollPage::new(vec![2, 3], Some("s".into())),
                _ => ScrollPage::new(vec![], Some("s".into())),
            }
            .with_keys::<u64>([]))
        }
    })
    .build();
    let (items, err) = drain(pages).await;
    assert!(err.is_none(), "{err:?}");
    assert_eq!(items, [1, 2, 2, 3]);
    assert_eq!(calls.load(Ordering::SeqCst), 3);
}

/// A scroll of fresh records, `page` a call, whose total grows by
/// `growth` with every call; it ends (empty page) after `pages` calls.
fn growing_scroll(
    calls: Arc<AtomicU64>,
    page: u64,
    first_total: u64,
    growth: u64,
    pages: u64,
) -> impl FnMut(Option<String>) -> futures::future::Ready<hr_common::Result<ScrollPage<u64>>>
+ Send
+ 'static {
    move |_id| {
        let n = calls.fetch_add(1, Ordering::SeqCst);
        let (items, total): (Vec<u64>, u64) = if n < pages {
            (
                (n * page..(n + 1) * page).collect(),
                first_total + n * growth,
            )
        } else {
            // The end: the total settles on what was delivered.
            (Vec::new(), pages * page)
        };
        let keys: Vec<Option<u64>> = items.iter().copied().map(Some).collect();
        futures::future::ready(Ok(ScrollPage::new(items, Some("s".into()))
            .with_total(Some(total))
            .with_keys(keys)))
    }
}

#[tokio::test]
async fn scroll_whose_total_keeps_growing_stops_at_twice_the_first_total() {
    // 3 records a page, the total first 6 and then 3 more with every page:
    // the latest total is never overrun. The bound is 2 × 6 + 3 = 15.
    let calls = counter();
    let pages = paging::scroll(growing_scroll(calls.clone(), 3, 6, 3, u64::MAX)).build();
    let (items, err) = drain(pages).await;
    let err = err.expect("an ever-growing scroll must fail");
    assert_eq!(paging_kind(&err), Some(PagingErrorKind::Overrun), "{err}");
    assert!(err.to_string().contains("max_growth"), "{err}");
    assert_eq!(items, (0..15).collect::<Vec<_>>());
    assert_eq!(calls.load(Ordering::SeqCst), 6);
}

#[tokio::test]
async fn scroll_max_growth_raises_or_lifts_the_bound() {
    // Ten pages of 3 (30 records), the total growing from 6 to 33.
    let calls = counter();
    let pages = paging::scroll(growing_scroll(calls.clone(), 3, 6, 3, 10))
        .max_growth(Some(5))
        .build();
    let (items, err) = drain(pages).await;
    assert!(err.is_none(), "5 × 6 + 3 = 33 records allowed: {err:?}");
    assert_eq!(items.len(), 30);
    assert_eq!(calls.load(Ordering::SeqCst), 11);

    let calls = counter();
    let pages = paging::scroll(growing_scroll(calls.clone(), 3, 6, 3, 10))
        .max_growth(None)
        .build();
    let (items, err) = drain(pages).await;
    assert!(err.is_none(), "{err:?}");
    assert_eq!(items.len(), 30);
    assert_eq!(calls.load(Ordering::SeqCst), 11);
}

// ------------------------------------------------------------------ offset

/// An offset server that ignores `start`: the same `len` records every
/// time, with a huge total, optionally saying `pos` 0 and giving keys.
fn start_ignoring(
    calls: Arc<AtomicU64>,
    len: u64,
    pos: bool,
    keys: bool,
) -> impl FnMut(OffsetRequest) -> futures::future::Ready<hr_common::Result<OffsetPage<u64>>>
+ Send
+ 'static {
    move |_req| {
        calls.fetch_add(1, Ordering::SeqCst);
        let items: Vec<u64> = (0..len).collect();
        let mut page = OffsetPage::new(items.clone(), Some(1_000_000));
        if pos {
            page = page.with_pos(Some(0));
        }
        if keys {
            page = page.with_keys(items.into_iter().map(Some));
        }
        futures::future::ready(Ok(page))
    }
}

#[tokio::test]
async fn offset_whose_pos_is_not_the_start_asked_for_stops_after_the_first_page() {
    let calls = counter();
    let pages = paging::offset(200, start_ignoring(calls.clone(), 200, true, false)).build();
    let (items, err) = drain(pages).await;
    let err = err.expect("a server ignoring start must fail");
    assert_eq!(
        paging_kind(&err),
        Some(PagingErrorKind::NoProgress),
        "{err}"
    );
    assert!(err.to_string().contains("position 200"), "{err}");
    assert_eq!(items, (0..200).collect::<Vec<_>>());
    assert_eq!(calls.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn offset_replaying_records_without_pos_stops_with_no_progress() {
    let calls = counter();
    let pages = paging::offset(200, start_ignoring(calls.clone(), 200, false, true)).build();
    let (items, err) = drain(pages).await;
    let err = err.expect("a server ignoring start must fail");
    assert_eq!(
        paging_kind(&err),
        Some(PagingErrorKind::NoProgress),
        "{err}"
    );
    assert!(err.to_string().contains("no progress"), "{err}");
    assert_eq!(items, (0..200).collect::<Vec<_>>());
    assert_eq!(calls.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn offset_replay_is_caught_with_concurrent_calls_too() {
    let calls = counter();
    let pages = paging::offset(200, start_ignoring(calls.clone(), 200, true, true))
        .concurrency(4)
        .build();
    let (items, err) = drain(pages).await;
    let err = err.expect("a server ignoring start must fail");
    assert_eq!(
        paging_kind(&err),
        Some(PagingErrorKind::NoProgress),
        "{err}"
    );
    assert_eq!(items, (0..200).collect::<Vec<_>>());
    // The first page alone, then at most four calls in flight.
    let made = calls.load(Ordering::SeqCst);
    assert!((2..=5).contains(&made), "{made} calls");
}

#[tokio::test]
async fn offset_whose_total_keeps_growing_stops_at_twice_the_first_total() {
    // Full pages of fresh records; the total is always one page ahead.
    let calls = counter();
    let c = calls.clone();
    let pages = paging::offset(10, move |req: OffsetRequest| {
        c.fetch_add(1, Ordering::SeqCst);
        let items: Vec<u64> = (req.start..req.start + u64::from(req.count)).collect();
        let total = req.start + 2 * u64::from(req.count);
        futures::future::ready(Ok(OffsetPage::new(items.clone(), Some(total))
            .with_pos(Some(req.start))
            .with_keys(items.into_iter().map(Some))))
    })
    .build();
    let (items, err) = drain(pages).await;
    let err = err.expect("an ever-growing listing must fail");
    assert_eq!(paging_kind(&err), Some(PagingErrorKind::Overrun), "{err}");
    // First total 20: at most 2 × 20 + 10 = 50 records.
    assert_eq!(items, (0..50).collect::<Vec<_>>());
    assert_eq!(calls.load(Ordering::SeqCst), 6);
}

#[tokio::test]
async fn offset_that_honours_start_and_pos_lists_everything() {
    let calls = counter();
    let c = calls.clone();
    let pages = paging::offset(10, move |req: OffsetRequest| {
        c.fetch_add(1, Ordering::SeqCst);
        let end = (req.start + u64::from(req.count)).min(45);
        let items: Vec<u64> = (req.start..end).collect();
        futures::future::ready(Ok(OffsetPage::new(items.clone(), Some(45))
            .with_pos(Some(req.start))
            .with_keys(items.into_iter().map(Some))))
    })
    .concurrency(3)
    .build();
    let (items, err) = drain(pages).await;
    assert!(err.is_none(), "{err:?}");
    assert_eq!(items, (0..45).collect::<Vec<_>>());
    assert_eq!(calls.load(Ordering::SeqCst), 5);
}

// ------------------------------------------------------------------ cursor

#[tokio::test]
async fn cursor_replaying_records_under_fresh_cursors_stops_with_no_progress() {
    let calls = counter();
    let c = calls.clone();
    let pages = paging::cursor(move |_cursor: Option<String>| {
        let n = c.fetch_add(1, Ordering::SeqCst);
        futures::future::ready(Ok(CursorPage::new(
            vec![7_u64, 8],
            Some(format!("c{n}")),
            false,
        )
        .with_keys([Some(7_u64), Some(8)])))
    })
    .build();
    let (items, err) = drain(pages).await;
    let err = err.expect("a replaying cursor listing must fail");
    assert_eq!(
        paging_kind(&err),
        Some(PagingErrorKind::NoProgress),
        "{err}"
    );
    assert_eq!(items, [7, 8]);
    assert_eq!(calls.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn cursor_whose_total_keeps_growing_stops_at_twice_the_first_total() {
    let calls = counter();
    let c = calls.clone();
    let pages = paging::cursor(move |_cursor: Option<String>| {
        let n = c.fetch_add(1, Ordering::SeqCst);
        let items: Vec<u64> = (n * 5..(n + 1) * 5).collect();
        futures::future::ready(Ok(
            CursorPage::new(items, Some(format!("c{n}")), false).with_total(Some(10 + 5 * n))
        ))
    })
    .build();
    let (items, err) = drain(pages).await;
    let err = err.expect("an ever-growing cursor listing must fail");
    assert_eq!(paging_kind(&err), Some(PagingErrorKind::Overrun), "{err}");
    // First total 10: at most 2 × 10 + 5 = 25 records.
    assert_eq!(items, (0..25).collect::<Vec<_>>());
    assert_eq!(calls.load(Ordering::SeqCst), 6);
}

/// `{"list":[],"isLastPage":false,"sortCursor":"<fresh>","total":5}` for
/// ever, from the first call: used to be followed for 100,000 calls (the
/// page limit), as no guard looked at empty pages.
#[tokio::test]
async fn cursor_handing_out_fresh_cursors_over_empty_pages_stops_with_no_progress() {
    let calls = counter();
    let c = calls.clone();
    let pages = paging::cursor(move |_cursor: Option<String>| {
        let n = c.fetch_add(1, Ordering::SeqCst);
        futures::future::ready(Ok(CursorPage::<u64>::new(
            vec![],
            Some(format!("c{n}")),
            false,
        )
        .with_total(Some(5))))
    })
    .build();
    let (items, err) = drain(pages).await;
    assert_eq!(
        calls.load(Ordering::SeqCst),
        u64::from(paging::DEFAULT_MAX_EMPTY_PAGES)
    );
    let err = err.expect("empty pages for ever are no listing of 5");
    assert_eq!(
        paging_kind(&err),
        Some(PagingErrorKind::NoProgress),
        "{err}"
    );
    assert!(err.to_string().contains("0 of 5 records"), "{err}");
    assert!(items.is_empty());
}

/// Records, then empty pages in between: each page with records starts the
/// count again, so a run of empty pages only fails once it is long.
#[tokio::test]
async fn cursor_empty_pages_count_in_a_row_and_max_empty_pages_sets_how_many() {
    // Two records, then only empty pages; no total.
    let fetch = |calls: Arc<AtomicU64>| {
        move |_cursor: Option<String>| {
            let n = calls.fetch_add(1, Ordering::SeqCst);
            let items = if n < 6 && n.is_multiple_of(3) {
                vec![n]
            } else {
                vec![]
            };
            futures::future::ready(Ok(CursorPage::new(items, Some(format!("c{n}")), false)))
        }
    };
    let calls = counter();
    let (items, err) = drain(paging::cursor(fetch(calls.clone())).build()).await;
    // Records at calls 0 and 3; the empty calls 4, 5 and 6 end it.
    assert_eq!(items, [0, 3]);
    assert_eq!(
        paging_kind(&err.expect("must fail")),
        Some(PagingErrorKind::NoProgress)
    );
    assert_eq!(calls.load(Ordering::SeqCst), 7);

    let calls = counter();
    let (items, err) = drain(
        paging::cursor(fetch(calls.clone()))
            .max_empty_pages(10)
            .build(),
    )
    .await;
    assert_eq!(items, [0, 3]);
    assert_eq!(
        paging_kind(&err.expect("must fail")),
        Some(PagingErrorKind::NoProgress)
    );
    assert_eq!(calls.load(Ordering::SeqCst), 14);
}

/// Once the announced total is delivered, an empty page that still hands a
/// cursor and says it is not the last ends the listing, as an empty page at
/// the total does for scroll and offset: nothing is left to fetch.
#[tokio::test]
async fn cursor_empty_page_after_the_announced_total_ends_the_listing() {
    let calls = counter();
    let c = calls.clone();
    let pages = paging::cursor(move |_cursor: Option<String>| {
        let n = c.fetch_add(1, Ordering::SeqCst);
        let items: Vec<u64> = if n < 2 {
            vec![2 * n, 2 * n + 1]
        } else {
            vec![]
        };
        futures::future::ready(Ok(
            CursorPage::new(items, Some(format!("c{n}")), false).with_total(Some(4))
        ))
    })
    .build();
    let (items, err) = drain(pages).await;
    assert!(err.is_none(), "{err:?}");
    assert_eq!(items, [0, 1, 2, 3]);
    assert_eq!(calls.load(Ordering::SeqCst), 3);
}
