//! Behaviour of the paging streams: over a real HTTP server (wiremock with
//! stateful responders shaped like the vendors' endpoints) for the paging
//! logic, and over in-memory fetchers on Tokio's paused clock for anything
//! that depends on time.

use std::collections::HashMap;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::future::BoxFuture;
use futures::{FutureExt, StreamExt, TryStreamExt};
use hr_common::Error;
use hr_common::error::{PagingErrorKind, TransportErrorKind};
use hr_common::paging::{self, CursorPage, OffsetPage, OffsetRequest, Page, Pages, ScrollPage};
use serde::Deserialize;
use serde_json::{Value, json};
use tokio::time::{Instant, sleep};
use tracing::Instrument;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

// ---------------------------------------------------------------- helpers

#[derive(Debug, Clone, PartialEq, Deserialize)]
struct Rec {
    id: u64,
}

fn ids(recs: &[Rec]) -> Vec<u64> {
    recs.iter().map(|r| r.id).collect()
}

fn records(range: std::ops::Range<u64>) -> Vec<Value> {
    range
        .map(|id| json!({ "id": id, "name": format!("员工{id}") }))
        .collect()
}

fn transport(err: reqwest::Error) -> Error {
    Error::transport(TransportErrorKind::Io, true, err.to_string()).with_source(err)
}

fn paging_kind(err: &Error) -> Option<PagingErrorKind> {
    match err {
        Error::Paging { kind, .. } => Some(*kind),
        _ => None,
    }
}

async fn post_json<R: serde::de::DeserializeOwned>(
    client: &reqwest::Client,
    url: &str,
    body: Value,
) -> hr_common::Result<R> {
    client
        .post(url)
        .json(&body)
        .send()
        .await
        .map_err(transport)?
        .json()
        .await
        .map_err(transport)
}

async fn bodies(server: &MockServer) -> Vec<Value> {
    server
        .received_requests()
        .await
        .expect("request recording is on")
        .iter()
        .map(|r| r.body_json().expect("JSON body"))
        .collect()
}

async fn mount(server: &MockServer, route: &str, responder: impl Respond + 'static) {
    Mock::given(method("POST"))
        .and(path(route))
        .respond_with(responder)
        .mount(server)
        .await;
}

// ------------------------------------------------ scroll: a Beisen server

#[derive(Clone, Copy)]
enum LastFlag {
    /// `isLastData: true` on the last page with records.
    Honest,
    /// `isLastData: true` on every page.
    AlwaysTrue,
    /// `isLastData: false`, even on the empty page.
    AlwaysFalse,
}

/// `POST /Employee/GetByTimeWindow`: a time-window scroll over `len`
/// records. Like Elasticsearch, it hands back the same scroll id on every
/// call and keeps the position server-side. After `expire_after` calls of a
/// scroll it forgets it, and from then on answers with empty data, as Beisen
/// does for an expired scroll.
struct BeisenScroll {
    len: u64,
    flag: LastFlag,
    expire_after: Option<usize>,
    state: Mutex<ScrollServerState>,
}

#[derive(Default)]
struct ScrollServerState {
    opened: usize,
    /// Scroll id → (position, calls so far).
    scrolls: HashMap<String, (u64, usize)>,
}

impl BeisenScroll {
    fn new(len: u64, flag: LastFlag) -> Self {
        BeisenScroll {
            len,
            flag,
            expire_after: None,
            state: Mutex::default(),
        }
    }
}

impl Respond for BeisenScroll {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let body: Value = request.body_json().unwrap();
        let capacity = body["capacity"].as_u64().unwrap();
        let mut state = self.state.lock().unwrap();
        let id = match body["scrollId"].as_str().unwrap() {
            "" => {
                state.opened += 1;
                let id = format!("DXF1ZXJ5QW5kRmV0Y2gBAAAAAAVrsaUW{}", state.opened);
                state.scrolls.insert(id.clone(), (0, 0));
                id
            }
            id => id.to_owned(),
        };
        let (from, to) = match state.scrolls.get_mut(&id) {
            Some((pos, calls)) => {
                *calls += 1;
                let from = *pos;
                *pos = (from + capacity).min(self.len);
                (from, *pos)
            }
            None => (0, 0),
        };
        let expired = self
            .expire_after
            .is_some_and(|n| state.scrolls.get(&id).is_some_and(|s| s.1 >= n));
        if expired {
            state.scrolls.remove(&id);
        }
        let is_last = match self.flag {
            LastFlag::Honest => to == self.len,
            LastFlag::AlwaysTrue => true,
            LastFlag::AlwaysFalse => false,
        };
        ResponseTemplate::new(200).set_body_json(json!({
            "code": "200",
            "message": "",
            "scrollId": id,
            "isLastData": is_last,
            "total": self.len,
            "data": records(from..to),
        }))
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ScrollBody {
    scroll_id: Option<String>,
    is_last_data: Option<bool>,
    total: Option<u64>,
    data: Option<Vec<Rec>>,
}

/// The fetch closure a Beisen client would pass to `paging::scroll`.
fn beisen_fetch(
    server: &MockServer,
    capacity: u64,
) -> impl FnMut(Option<String>) -> BoxFuture<'static, hr_common::Result<ScrollPage<Rec>>> + Send + 'static
{
    let client = reqwest::Client::new();
    let url = format!("{}/Employee/GetByTimeWindow", server.uri());
    move |scroll_id| {
        let (client, url) = (client.clone(), url.clone());
        async move {
            let body = json!({
                "startTime": "2025-01-01T00:00:00",
                "stopTime": "2025-03-31T00:00:00",
                "timeWindowQueryType": 1,
                "capacity": capacity,
                "scrollId": scroll_id.unwrap_or_default(),
            });
            let resp: ScrollBody = post_json(&client, &url, body).await?;
            Ok(
                ScrollPage::new(resp.data.unwrap_or_default(), resp.scroll_id)
                    .with_total(resp.total)
                    .with_is_last(resp.is_last_data),
            )
        }
        .boxed()
    }
}

async fn beisen_server(responder: BeisenScroll) -> MockServer {
    let server = MockServer::builder().start().await;
    mount(&server, "/Employee/GetByTimeWindow", responder).await;
    server
}

#[tokio::test]
async fn scroll_over_http_delivers_every_record_once_in_order() {
    let server = beisen_server(BeisenScroll::new(10, LastFlag::Honest)).await;

    let pages: Vec<Page<Rec>> = paging::scroll(beisen_fetch(&server, 4))
        .build()
        .by_page()
        .try_collect()
        .await
        .unwrap();

    let all: Vec<u64> = pages.iter().flat_map(|p| ids(&p.items)).collect();
    assert_eq!(all, (0..10).collect::<Vec<_>>());
    assert_eq!(
        pages.iter().map(|p| p.number).collect::<Vec<_>>(),
        [0, 1, 2]
    );
    assert_eq!(pages.iter().map(|p| p.len()).collect::<Vec<_>>(), [4, 4, 2]);
    assert!(pages.iter().all(|p| p.total == Some(10)));

    let id = "DXF1ZXJ5QW5kRmV0Y2gBAAAAAAVrsaUW1";
    let tokens: Vec<Option<&str>> = pages.iter().map(|p| p.token.as_deref()).collect();
    assert_eq!(tokens, [None, Some(id), Some(id)]);

    // Three pages of data, then the empty answer that ends the scroll. The
    // same id on every call is normal for this server and must not trip a
    // loop guard.
    let seen: Vec<Value> = bodies(&server).await;
    let sent_ids: Vec<&str> = seen
        .iter()
        .map(|b| b["scrollId"].as_str().unwrap())
        .collect();
    assert_eq!(sent_ids, ["", id, id, id]);
    assert!(seen.iter().all(|b| b["capacity"] == 4));
}

#[tokio::test]
async fn scroll_ends_on_empty_data_whatever_is_last_data_says() {
    for flag in [LastFlag::AlwaysTrue, LastFlag::AlwaysFalse] {
        let server = beisen_server(BeisenScroll::new(10, flag)).await;

        let items: Vec<Rec> = paging::scroll(beisen_fetch(&server, 4))
            .build()
            .by_item()
            .try_collect()
            .await
            .unwrap();

        assert_eq!(ids(&items), (0..10).collect::<Vec<_>>());
        assert_eq!(bodies(&server).await.len(), 4, "3 pages + the empty one");
    }
}

#[tokio::test]
async fn scroll_that_expires_mid_way_yields_expired_not_a_short_listing() {
    let mut responder = BeisenScroll::new(10, LastFlag::Honest);
    responder.expire_after = Some(2);
    let server = beisen_server(responder).await;

    let got: Vec<hr_common::Result<Rec>> = paging::scroll(beisen_fetch(&server, 4))
        .build()
        .by_item()
        .collect()
        .await;

    let (ok, err): (Vec<_>, Vec<_>) = got.into_iter().partition(|r| r.is_ok());
    let ok: Vec<Rec> = ok.into_iter().map(Result::unwrap).collect();
    assert_eq!(ids(&ok), (0..8).collect::<Vec<_>>());
    assert_eq!(err.len(), 1, "one error, then the stream ends");
    let err = err.into_iter().next().unwrap().unwrap_err();
    assert_eq!(paging_kind(&err), Some(PagingErrorKind::Expired));
    assert!(err.to_string().contains("8 of 10"), "{err}");
    assert!(err.is_retryable());
    assert_eq!(bodies(&server).await.len(), 3);
}

#[tokio::test]
async fn scroll_without_expiry_detection_ends_quietly_on_an_expired_scroll() {
    let mut responder = BeisenScroll::new(10, LastFlag::Honest);
    responder.expire_after = Some(2);
    let server = beisen_server(responder).await;

    let items: Vec<Rec> = paging::scroll(beisen_fetch(&server, 4))
        .detect_expiry(false)
        .build()
        .by_item()
        .try_collect()
        .await
        .unwrap();

    assert_eq!(items.len(), 8);
}

#[tokio::test]
async fn repeated_scroll_id_is_an_error_only_when_asked() {
    let server = beisen_server(BeisenScroll::new(10, LastFlag::Honest)).await;

    let mut pages = paging::scroll(beisen_fetch(&server, 4))
        .fail_on_repeated_id(true)
        .max_pages(10)
        .build();

    assert_eq!(pages.next().await.unwrap().unwrap().number, 0);
    // The second answer carries the id again: its records are good, and the
    // error comes instead of a third call.
    assert_eq!(pages.next().await.unwrap().unwrap().number, 1);
    let err = pages.next().await.unwrap().unwrap_err();
    assert_eq!(paging_kind(&err), Some(PagingErrorKind::RepeatedCursor));
    assert!(pages.next().await.is_none());
    assert_eq!(bodies(&server).await.len(), 2);
}

// ------------------------------------------------ scroll: in-memory sources

type Calls = Arc<Mutex<Vec<(Instant, Instant)>>>;

/// A scroll over `len` records in pages of `capacity` whose id is the next
/// position. Each call takes `latency` and records when it started and
/// ended. If more than 10 s passed since the previous call ended, the scroll
/// has expired and the call answers with empty data, as Beisen does.
fn expiring_scroll(
    len: u64,
    capacity: u64,
    latency: Duration,
    announce_total: bool,
    calls: Calls,
) -> impl FnMut(Option<String>) -> BoxFuture<'static, hr_common::Result<ScrollPage<u64>>> + Send + 'static
{
    move |id| {
        let calls = calls.clone();
        async move {
            let started = Instant::now();
            sleep(latency).await;
            let expired = {
                let calls = calls.lock().unwrap();
                calls
                    .last()
                    .is_some_and(|&(_, end)| started - end > Duration::from_secs(10))
            };
            calls.lock().unwrap().push((started, Instant::now()));
            let from: u64 = id.map_or(0, |id| id.parse().unwrap());
            let items: Vec<u64> = if expired {
                vec![]
            } else {
                (from..(from + capacity).min(len)).collect()
            };
            let next = from + items.len() as u64;
            Ok(ScrollPage::new(items, Some(next.to_string()))
                .with_total(announce_total.then_some(len)))
        }
        .boxed()
    }
}

/// Gaps between the end of each call and the start of the next.
fn gaps(calls: &Calls) -> Vec<Duration> {
    let calls = calls.lock().unwrap();
    calls.windows(2).map(|w| w[1].0 - w[0].1).collect()
}

#[tokio::test(start_paused = true)]
async fn scroll_idle_limit_turns_a_silent_expiry_into_an_error() {
    // No total announced: only the clock can tell an expiry from the end.
    let run = |idle_limit: Option<Duration>| async move {
        let calls = Calls::default();
        let fetch = expiring_scroll(9, 3, Duration::from_millis(100), false, calls.clone());
        let mut pages = paging::scroll(fetch).idle_limit(idle_limit).build();
        let mut got = Vec::new();
        while let Some(page) = pages.next().await {
            got.push(page.map(|p| p.items));
            sleep(Duration::from_secs(11)).await; // a slow consumer
        }
        (got, calls.lock().unwrap().len())
    };

    let (got, calls) = run(Some(Duration::from_secs(10))).await;
    assert_eq!(calls, 2);
    assert_eq!(got.len(), 2);
    assert_eq!(got[0].as_ref().unwrap(), &[0, 1, 2]);
    let err = got[1].as_ref().unwrap_err();
    assert_eq!(paging_kind(err), Some(PagingErrorKind::Expired));
    assert!(err.to_string().contains("3 records"), "{err}");

    // Without the limit the same run is silently cut short: what the check
    // is there for.
    let (got, _) = run(None).await;
    assert_eq!(got.len(), 1);
    assert!(got[0].is_ok());
}

#[tokio::test(start_paused = true)]
async fn scroll_that_survives_a_long_pause_is_not_an_error() {
    let mut served = 0_u64;
    let mut pages = paging::scroll(move |_id: Option<String>| {
        served += 1;
        let items: Vec<u64> = if served <= 2 { vec![served] } else { vec![] };
        async move { Ok(ScrollPage::new(items, Some("same".into()))) }
    })
    .idle_limit(Some(Duration::from_secs(10)))
    .build();

    let first = pages.next().await.unwrap().unwrap();
    sleep(Duration::from_secs(30)).await;
    let second = pages.next().await.unwrap().unwrap();
    assert_eq!((first.items, second.items), (vec![1], vec![2]));
    // The empty answer comes right after the previous call: a real end.
    assert!(pages.next().await.is_none());
}

#[tokio::test]
async fn scroll_overrun_stops_a_server_that_replays_pages() {
    let run = |slack: Option<u64>, max_calls: usize| async move {
        let calls = Arc::new(AtomicUsize::new(0));
        let counter = calls.clone();
        // Announces 10 records, then serves the same 4 for ever.
        let pages = paging::scroll(move |_id: Option<String>| {
            counter.fetch_add(1, Ordering::SeqCst);
            async { Ok(ScrollPage::new(vec![1, 2, 3, 4], Some("S".into())).with_total(Some(10))) }
        })
        .overrun_slack(slack)
        // Only the overrun guard under test (the growth bound, 2 × 10 + 4,
        // would stop the third run after 6 pages).
        .max_growth(None)
        .build();
        let got: Vec<_> = pages.take(max_calls).collect().await;
        (got, calls.load(Ordering::SeqCst))
    };

    // 4 + 4 fit in 10; the third page makes 12.
    let (got, calls) = run(Some(0), 100).await;
    assert_eq!(got.len(), 3);
    assert!(got[..2].iter().all(Result::is_ok));
    let err = got[2].as_ref().unwrap_err();
    assert_eq!(paging_kind(err), Some(PagingErrorKind::Overrun));
    assert!(err.to_string().contains("12"), "{err}");
    assert_eq!(calls, 3);

    // A slack of 8 tolerates 18 records: the fifth page (20) is too many.
    let (got, _) = run(Some(8), 100).await;
    assert_eq!(got.len(), 5);
    assert_eq!(
        paging_kind(got[4].as_ref().unwrap_err()),
        Some(PagingErrorKind::Overrun)
    );

    // Switched off, only the caller stops it.
    let (got, calls) = run(None, 20).await;
    assert!(got.iter().all(Result::is_ok));
    assert_eq!(calls, 20);
}

/// A scroll of `len` records in pages of `capacity`, ids are positions.
fn memory_scroll(
    len: u64,
    capacity: u64,
    calls: Arc<AtomicUsize>,
) -> impl FnMut(Option<String>) -> BoxFuture<'static, hr_common::Result<ScrollPage<u64>>> + Send + 'static
{
    move |id| {
        calls.fetch_add(1, Ordering::SeqCst);
        let from: u64 = id.map_or(0, |id| id.parse().unwrap());
        let items: Vec<u64> = (from..(from + capacity).min(len)).collect();
        let next = (from + items.len() as u64).to_string();
        async move { Ok(ScrollPage::new(items, Some(next)).with_total(Some(len))) }.boxed()
    }
}

#[tokio::test]
async fn scroll_max_pages_allows_exactly_that_many() {
    // 10 records in pages of 4: three pages.
    let calls = Arc::new(AtomicUsize::new(0));
    let pages: Vec<_> = paging::scroll(memory_scroll(10, 4, calls.clone()))
        .max_pages(3)
        .build()
        .collect()
        .await;
    assert_eq!(pages.len(), 3);
    assert!(pages.iter().all(Result::is_ok));

    let calls = Arc::new(AtomicUsize::new(0));
    let pages: Vec<_> = paging::scroll(memory_scroll(10, 4, calls.clone()))
        .max_pages(2)
        .build()
        .collect()
        .await;
    assert_eq!(pages.len(), 3);
    assert!(pages[..2].iter().all(Result::is_ok));
    let err = pages[2].as_ref().unwrap_err();
    assert_eq!(paging_kind(err), Some(PagingErrorKind::TooManyPages));
    assert_eq!(calls.load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn scroll_page_without_a_scroll_id() {
    let run = |total: Option<u64>, is_last: Option<bool>| async move {
        let calls = Arc::new(AtomicUsize::new(0));
        let counter = calls.clone();
        let got: Vec<_> = paging::scroll(move |_id: Option<String>| {
            counter.fetch_add(1, Ordering::SeqCst);
            async move {
                Ok(ScrollPage::new(vec![1, 2, 3], Some(String::new()))
                    .with_total(total)
                    .with_is_last(is_last))
            }
        })
        .build()
        .collect()
        .await;
        (got, calls.load(Ordering::SeqCst))
    };

    // Nothing says the listing is complete, and it can't go on.
    let (got, calls) = run(None, None).await;
    assert_eq!((got.len(), calls), (2, 1));
    assert!(got[0].is_ok());
    assert_eq!(
        paging_kind(got[1].as_ref().unwrap_err()),
        Some(PagingErrorKind::Invalid)
    );

    // The total is reached: the end, whatever the flag says.
    let (got, calls) = run(Some(3), Some(false)).await;
    assert_eq!((got.len(), calls), (1, 1));
    assert!(got[0].is_ok());

    // More records announced than delivered: the flag can't paper over it.
    let (got, _) = run(Some(5), Some(true)).await;
    assert_eq!(got.len(), 2);
    assert_eq!(
        paging_kind(got[1].as_ref().unwrap_err()),
        Some(PagingErrorKind::Invalid)
    );

    // No total: the server's own last flag is the only evidence there is.
    let (got, calls) = run(None, Some(true)).await;
    assert_eq!((got.len(), calls), (1, 1));
}

// -------------------------------------------------- offset: an ISDP+ server

/// `POST /openapi/v1/person/getPersonList` with `page{start,count}`. The
/// listing can be resized when a request reaches a position (to change the
/// total mid-stream no matter in which order concurrent calls arrive), the
/// page size can be capped, and the total left out.
struct IsdpPersons {
    cap: Option<u64>,
    announce_total: bool,
    state: Mutex<(u64, Option<(u64, u64)>)>,
}

impl IsdpPersons {
    fn new(len: u64) -> Self {
        IsdpPersons {
            cap: None,
            announce_total: true,
            state: Mutex::new((len, None)),
        }
    }

    /// Once a call asks for `start >= at`, the listing has `len` records.
    fn resize_at(self, at: u64, len: u64) -> Self {
        self.state.lock().unwrap().1 = Some((at, len));
        self
    }
}

impl Respond for IsdpPersons {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let body: Value = request.body_json().unwrap();
        let start = body["page"]["start"].as_u64().unwrap();
        let mut count = body["page"]["count"].as_u64().unwrap();
        if let Some(cap) = self.cap {
            count = count.min(cap);
        }
        let mut state = self.state.lock().unwrap();
        if let Some((at, len)) = state.1
            && start >= at
        {
            *state = (len, None);
        }
        let len = state.0;
        let data = records(start.min(len)..(start + count).min(len));
        let mut page = json!({ "data": data, "pos": start, "entityName": null });
        if self.announce_total {
            page["totalCount"] = json!(len);
            page["total_count"] = json!(len);
        }
        ResponseTemplate::new(200)
            .set_body_json(page)
            .set_delay(Duration::from_millis(20))
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PersonListBody {
    data: Vec<Rec>,
    total_count: Option<u64>,
}

#[derive(Default)]
struct InFlight {
    now: AtomicUsize,
    max: AtomicUsize,
}

/// The fetch closure an ISDP+ client would pass to `paging::offset`, plus a
/// count of calls in flight.
fn isdp_fetch(
    server: &MockServer,
    in_flight: Arc<InFlight>,
) -> impl FnMut(OffsetRequest) -> BoxFuture<'static, hr_common::Result<OffsetPage<Rec>>> + Send + 'static
{
    let client = reqwest::Client::new();
    let url = format!("{}/openapi/v1/person/getPersonList", server.uri());
    move |req| {
        let (client, url, in_flight) = (client.clone(), url.clone(), in_flight.clone());
        async move {
            let now = in_flight.now.fetch_add(1, Ordering::SeqCst) + 1;
            in_flight.max.fetch_max(now, Ordering::SeqCst);
            let body = json!({
                "page": { "start": req.start, "count": req.count },
                "personType": "Employee",
            });
            let resp = post_json::<PersonListBody>(&client, &url, body).await;
            in_flight.now.fetch_sub(1, Ordering::SeqCst);
            let resp = resp?;
            Ok(OffsetPage::new(resp.data, resp.total_count))
        }
        .boxed()
    }
}

async fn isdp_server(responder: IsdpPersons) -> MockServer {
    let server = MockServer::builder().start().await;
    mount(&server, "/openapi/v1/person/getPersonList", responder).await;
    server
}

async fn requested_starts(server: &MockServer) -> Vec<u64> {
    bodies(server)
        .await
        .iter()
        .map(|b| b["page"]["start"].as_u64().unwrap())
        .collect()
}

#[tokio::test]
async fn offset_over_http_sequential() {
    let server = isdp_server(IsdpPersons::new(30)).await;
    let in_flight = Arc::new(InFlight::default());

    let pages: Vec<Page<Rec>> = paging::offset(7, isdp_fetch(&server, in_flight.clone()))
        .build()
        .try_collect()
        .await
        .unwrap();

    let all: Vec<u64> = pages.iter().flat_map(|p| ids(&p.items)).collect();
    assert_eq!(all, (0..30).collect::<Vec<_>>());
    assert_eq!(
        pages.iter().map(|p| p.number).collect::<Vec<_>>(),
        [0, 1, 2, 3, 4]
    );
    let tokens: Vec<&str> = pages.iter().map(|p| p.token.as_deref().unwrap()).collect();
    assert_eq!(tokens, ["0", "7", "14", "21", "28"]);
    assert_eq!(requested_starts(&server).await, [0, 7, 14, 21, 28]);
    assert!(
        bodies(&server)
            .await
            .iter()
            .all(|b| b["page"]["count"] == 7)
    );
    assert_eq!(in_flight.max.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn offset_ends_by_total_without_an_extra_call_and_by_empty_page_without_one() {
    // 28 = 4 × 7: the total says page 4 is the last.
    let server = isdp_server(IsdpPersons::new(28)).await;
    let items: Vec<Rec> = paging::offset(7, isdp_fetch(&server, Arc::default()))
        .build()
        .by_item()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(items.len(), 28);
    assert_eq!(requested_starts(&server).await, [0, 7, 14, 21]);

    // Without a total only an empty (or short) page tells, and the empty
    // page is not yielded.
    let mut responder = IsdpPersons::new(28);
    responder.announce_total = false;
    let server = isdp_server(responder).await;
    let pages: Vec<Page<Rec>> = paging::offset(7, isdp_fetch(&server, Arc::default()))
        .build()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(pages.len(), 4);
    assert!(pages.iter().all(|p| p.len() == 7 && p.total.is_none()));
    assert_eq!(requested_starts(&server).await, [0, 7, 14, 21, 28]);
}

#[tokio::test]
async fn offset_follows_a_server_that_caps_the_page_size() {
    // Asked for 7, the server gives at most 5; stopping at the first short
    // page would lose 18 of 23 records.
    for concurrency in [1, 3] {
        let mut responder = IsdpPersons::new(23);
        responder.cap = Some(5);
        let server = isdp_server(responder).await;
        let in_flight = Arc::new(InFlight::default());

        let items: Vec<Rec> = paging::offset(7, isdp_fetch(&server, in_flight.clone()))
            .concurrency(concurrency)
            .build()
            .by_item()
            .try_collect()
            .await
            .unwrap();

        assert_eq!(ids(&items), (0..23).collect::<Vec<_>>());
        assert_eq!(requested_starts(&server).await, [0, 5, 10, 15, 20]);
        assert_eq!(in_flight.max.load(Ordering::SeqCst), 1);
    }
}

#[tokio::test]
async fn offset_concurrent_keeps_order_and_bounds_calls_in_flight() {
    let server = isdp_server(IsdpPersons::new(95)).await;
    let in_flight = Arc::new(InFlight::default());

    let pages: Vec<Page<Rec>> = paging::offset(10, isdp_fetch(&server, in_flight.clone()))
        .concurrency(3)
        .build()
        .try_collect()
        .await
        .unwrap();

    let all: Vec<u64> = pages.iter().flat_map(|p| ids(&p.items)).collect();
    assert_eq!(all, (0..95).collect::<Vec<_>>());
    assert_eq!(
        pages.iter().map(|p| p.number).collect::<Vec<_>>(),
        (0..10).collect::<Vec<_>>()
    );
    assert_eq!(in_flight.max.load(Ordering::SeqCst), 3);

    let mut starts = requested_starts(&server).await;
    assert_eq!(starts[0], 0, "the first page is fetched alone");
    starts.sort_unstable();
    assert_eq!(starts, (0..10).map(|p| p * 10).collect::<Vec<_>>());
}

#[tokio::test]
async fn offset_concurrent_follows_a_growing_total() {
    // 50 records until a call reaches position 20, then 80.
    let server = isdp_server(IsdpPersons::new(50).resize_at(20, 80)).await;
    let in_flight = Arc::new(InFlight::default());

    let items: Vec<Rec> = paging::offset(10, isdp_fetch(&server, in_flight.clone()))
        .concurrency(3)
        .build()
        .by_item()
        .try_collect()
        .await
        .unwrap();

    assert_eq!(ids(&items), (0..80).collect::<Vec<_>>());
    let mut starts = requested_starts(&server).await;
    starts.sort_unstable();
    assert_eq!(starts, (0..8).map(|p| p * 10).collect::<Vec<_>>());
    assert!(in_flight.max.load(Ordering::SeqCst) <= 3);
}

#[tokio::test]
async fn offset_concurrent_ends_cleanly_on_a_shrinking_total() {
    // 80 records until a call reaches position 30, then 45.
    let server = isdp_server(IsdpPersons::new(80).resize_at(30, 45)).await;
    let in_flight = Arc::new(InFlight::default());

    let got: Vec<hr_common::Result<Page<Rec>>> =
        paging::offset(10, isdp_fetch(&server, in_flight.clone()))
            .concurrency(3)
            .build()
            .collect()
            .await;

    let pages: Vec<Page<Rec>> = got.into_iter().map(Result::unwrap).collect();
    assert!(pages.iter().all(|p| !p.is_empty()));
    assert_eq!(
        pages.iter().map(|p| p.len()).collect::<Vec<_>>(),
        [10, 10, 10, 10, 5]
    );
    let all: Vec<u64> = pages.iter().flat_map(|p| ids(&p.items)).collect();
    assert_eq!(all, (0..45).collect::<Vec<_>>());
    assert_eq!(pages.last().unwrap().total, Some(45));
    assert!(in_flight.max.load(Ordering::SeqCst) <= 3);
}

#[tokio::test]
async fn offset_concurrent_without_a_total_stays_sequential() {
    let mut responder = IsdpPersons::new(25);
    responder.announce_total = false;
    let server = isdp_server(responder).await;
    let in_flight = Arc::new(InFlight::default());

    let items: Vec<Rec> = paging::offset(10, isdp_fetch(&server, in_flight.clone()))
        .concurrency(4)
        .build()
        .by_item()
        .try_collect()
        .await
        .unwrap();

    assert_eq!(ids(&items), (0..25).collect::<Vec<_>>());
    assert_eq!(requested_starts(&server).await, [0, 10, 20]);
    assert_eq!(in_flight.max.load(Ordering::SeqCst), 1);
}

#[tokio::test(start_paused = true)]
async fn offset_concurrent_stays_sequential_when_the_first_page_has_no_total() {
    let in_flight = Arc::new(InFlight::default());
    let tracker = in_flight.clone();
    let items: Vec<u64> = paging::offset(2, move |req: OffsetRequest| {
        let in_flight = tracker.clone();
        async move {
            let now = in_flight.now.fetch_add(1, Ordering::SeqCst) + 1;
            in_flight.max.fetch_max(now, Ordering::SeqCst);
            sleep(Duration::from_secs(1)).await;
            in_flight.now.fetch_sub(1, Ordering::SeqCst);
            let end = (req.start + u64::from(req.count)).min(9);
            // Only later pages announce the total.
            Ok(OffsetPage::new(
                (req.start..end).collect(),
                (req.start > 0).then_some(9),
            ))
        }
    })
    .concurrency(3)
    .build()
    .by_item()
    .try_collect()
    .await
    .unwrap();

    assert_eq!(items, (0..9).collect::<Vec<_>>());
    assert_eq!(in_flight.max.load(Ordering::SeqCst), 1);
}

/// An offset listing of `len` numbers, counting calls.
fn memory_offset(
    len: u64,
    calls: Arc<AtomicUsize>,
) -> impl FnMut(OffsetRequest) -> BoxFuture<'static, hr_common::Result<OffsetPage<u64>>> + Send + 'static
{
    move |req| {
        calls.fetch_add(1, Ordering::SeqCst);
        let end = (req.start + u64::from(req.count)).min(len);
        async move {
            Ok(OffsetPage::new(
                (req.start.min(end)..end).collect(),
                Some(len),
            ))
        }
        .boxed()
    }
}

/// An offset listing that holds 20 records while its total says 100, as
/// when the total comes from a separate count query; `total_on` says which
/// pages (by start) report that total.
fn short_of_its_total(
    calls: Arc<AtomicUsize>,
    total_on: fn(u64) -> bool,
) -> impl FnMut(OffsetRequest) -> BoxFuture<'static, hr_common::Result<OffsetPage<u64>>> + Send + 'static
{
    move |req| {
        calls.fetch_add(1, Ordering::SeqCst);
        let end = (req.start + u64::from(req.count)).min(20);
        let total = total_on(req.start).then_some(100);
        async move { Ok(OffsetPage::new((req.start.min(end)..end).collect(), total)) }.boxed()
    }
}

#[tokio::test]
async fn offset_empty_page_before_the_announced_total_is_an_error() {
    for concurrency in [1, 3] {
        let calls = Arc::new(AtomicUsize::new(0));
        let got: Vec<_> = paging::offset(10, short_of_its_total(calls.clone(), |_| true))
            .concurrency(concurrency)
            .max_pages(10) // a backstop: a loop must fail the test, not hang it
            .build()
            .by_item()
            .collect()
            .await;

        // The 20 records, then the error instead of a quiet end.
        assert_eq!(got.len(), 21, "concurrency {concurrency}");
        let ok: Vec<u64> = got[..20].iter().map(|r| *r.as_ref().unwrap()).collect();
        assert_eq!(ok, (0..20).collect::<Vec<_>>());
        let err = got[20].as_ref().unwrap_err();
        assert_eq!(paging_kind(err), Some(PagingErrorKind::Invalid));
        assert!(
            err.to_string()
                .contains("empty page at offset 20 before the announced total 100"),
            "{err}"
        );
        if concurrency == 1 {
            assert_eq!(calls.load(Ordering::SeqCst), 3);
        }
    }

    // An empty page that reports no total is held to the last total
    // announced.
    let got: Vec<_> = paging::offset(10, short_of_its_total(Arc::default(), |start| start < 20))
        .max_pages(10)
        .build()
        .collect()
        .await;
    assert_eq!(got.len(), 3);
    assert_eq!(
        paging_kind(got[2].as_ref().unwrap_err()),
        Some(PagingErrorKind::Invalid)
    );
}

#[tokio::test]
async fn offset_allow_short_total_ends_quietly_on_an_empty_page() {
    for concurrency in [1, 3] {
        let calls = Arc::new(AtomicUsize::new(0));
        let items: Vec<u64> = paging::offset(10, short_of_its_total(calls.clone(), |_| true))
            .concurrency(concurrency)
            .allow_short_total(true)
            .max_pages(10)
            .build()
            .by_item()
            .try_collect()
            .await
            .unwrap();
        assert_eq!(items, (0..20).collect::<Vec<_>>());
        if concurrency == 1 {
            assert_eq!(calls.load(Ordering::SeqCst), 3);
        }
    }
}

#[tokio::test]
async fn offset_empty_page_ends_quietly_when_the_total_shrank_to_it() {
    // 30 records until a call reaches position 20, then 20: records were
    // deleted while paging, and the empty page at 20 says so itself.
    for concurrency in [1, 3] {
        let server = isdp_server(IsdpPersons::new(30).resize_at(20, 20)).await;
        let items: Vec<Rec> = paging::offset(10, isdp_fetch(&server, Arc::default()))
            .concurrency(concurrency)
            .build()
            .by_item()
            .try_collect()
            .await
            .unwrap();
        assert_eq!(ids(&items), (0..20).collect::<Vec<_>>());
    }
}

/// Per-attempt timeout of the simulated calls below.
const ATTEMPT_TIMEOUT: Duration = Duration::from_millis(300);

/// When each call of [`timed_offset`] started and ended, by start.
type CallLog = Arc<Mutex<Vec<(u64, Instant, Instant)>>>;

/// An offset listing of `len` records whose calls behave like a reqwest
/// call with a per-attempt timeout: the response arrives after a latency
/// of 50 to 200 ms (varying by page, so that calls overlap unevenly), but
/// is only read when the future is polled, and the timeout, which runs in
/// real time, is checked first.
fn timed_offset(
    len: u64,
    log: CallLog,
) -> impl FnMut(OffsetRequest) -> BoxFuture<'static, hr_common::Result<OffsetPage<u64>>> + Send + 'static
{
    move |req| {
        let log = log.clone();
        async move {
            let started = Instant::now();
            let latency = Duration::from_millis(50 * (1 + req.start / 10 % 4));
            let timed_out = tokio::select! {
                biased;
                () = sleep(ATTEMPT_TIMEOUT) => true,
                () = sleep(latency) => false,
            };
            log.lock()
                .unwrap()
                .push((req.start, started, Instant::now()));
            if timed_out {
                return Err(Error::transport(
                    TransportErrorKind::Timeout,
                    true,
                    "operation timed out",
                ));
            }
            let end = (req.start + u64::from(req.count)).min(len);
            Ok(OffsetPage::new((req.start..end).collect(), Some(len)))
        }
        .boxed()
    }
}

#[tokio::test(start_paused = true)]
async fn offset_concurrent_calls_complete_while_the_consumer_works() {
    // A consumer that needs 600 ms per page, twice the attempt timeout. With
    // prefetch the task waiting for room in its buffer is the slow consumer.
    for prefetch in [None, Some(1)] {
        let log = CallLog::default();
        let mut pages = paging::offset(10, timed_offset(120, log.clone()))
            .concurrency(4)
            .build();
        if let Some(buffer) = prefetch {
            pages = pages.prefetch(buffer);
        }
        let mut numbers = Vec::new();
        while let Some(page) = pages.next().await {
            match page {
                Ok(page) => numbers.push(page.number),
                Err(err) => panic!("prefetch {prefetch:?}, after {numbers:?}: {err}"),
            }
            sleep(Duration::from_millis(600)).await;
        }
        assert_eq!(numbers, (0..12).collect::<Vec<_>>());

        // Each call took its own latency, not the consumer's pace.
        let log = log.lock().unwrap();
        assert_eq!(log.len(), 12, "prefetch {prefetch:?}");
        for &(start, started, ended) in log.iter() {
            let latency = Duration::from_millis(50 * (1 + start / 10 % 4));
            assert_eq!(ended - started, latency, "call at {start}");
        }
    }
}

#[tokio::test]
async fn offset_concurrent_over_http_survives_a_consumer_slower_than_the_timeout() {
    // The timeout is 50 times the server's 20 ms, so a loaded machine cannot
    // trip it; the consumer is slower than the timeout, which only matters
    // if the calls wait for the consumer to poll them.
    let server = isdp_server(IsdpPersons::new(30)).await;
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(1))
        .build()
        .unwrap();
    let url = format!("{}/openapi/v1/person/getPersonList", server.uri());
    let mut pages = paging::offset(10, move |req: OffsetRequest| {
        let (client, url) = (client.clone(), url.clone());
        async move {
            let body = json!({ "page": { "start": req.start, "count": req.count } });
            let resp: PersonListBody = post_json(&client, &url, body).await?;
            Ok(OffsetPage::new(resp.data, resp.total_count))
        }
    })
    .concurrency(3)
    .build();

    let mut all = Vec::new();
    while let Some(page) = pages.next().await {
        all.extend(ids(&page.unwrap().items));
        // Real time: the responses (20 ms) arrive while the consumer works.
        tokio::time::sleep(Duration::from_millis(1500)).await;
    }
    assert_eq!(all, (0..30).collect::<Vec<_>>());
}

#[tokio::test(start_paused = true)]
async fn dropping_a_concurrent_offset_stream_aborts_its_calls() {
    let (started, finished) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let (counter_started, counter_finished) = (started.clone(), finished.clone());
    let mut pages = paging::offset(1, move |req: OffsetRequest| {
        counter_started.fetch_add(1, Ordering::SeqCst);
        let finished = counter_finished.clone();
        async move {
            sleep(Duration::from_secs(1)).await;
            finished.fetch_add(1, Ordering::SeqCst);
            Ok(OffsetPage::new(vec![req.start], Some(1_000)))
        }
    })
    .concurrency(3)
    .build();

    // The first page comes alone; taking it starts the next three calls.
    assert_eq!(pages.next().await.unwrap().unwrap().number, 0);
    sleep(Duration::from_millis(500)).await;
    assert_eq!(started.load(Ordering::SeqCst), 4);

    drop(pages);
    sleep(Duration::from_secs(60)).await;
    assert_eq!(started.load(Ordering::SeqCst), 4, "no call after the drop");
    assert_eq!(
        finished.load(Ordering::SeqCst),
        1,
        "the calls in flight were cancelled"
    );
}

#[tokio::test(start_paused = true)]
async fn offset_concurrent_resumes_a_panic_of_a_call_in_the_consumer() {
    let mut pages = paging::offset(1, |req: OffsetRequest| async move {
        if req.start == 2 {
            panic!("vendor response made no sense");
        }
        Ok(OffsetPage::new(vec![req.start], Some(5)))
    })
    .concurrency(3)
    .build();

    assert_eq!(pages.next().await.unwrap().unwrap().number, 0);
    assert_eq!(pages.next().await.unwrap().unwrap().number, 1);
    let panic = AssertUnwindSafe(pages.next())
        .catch_unwind()
        .await
        .unwrap_err();
    assert_eq!(
        panic.downcast_ref::<&str>(),
        Some(&"vendor response made no sense")
    );
}

#[tokio::test]
async fn offset_max_pages_sequential_and_concurrent() {
    for concurrency in [1, 3] {
        // 30 records in pages of 7 take five calls.
        let calls = Arc::new(AtomicUsize::new(0));
        let ok: Vec<_> = paging::offset(7, memory_offset(30, calls.clone()))
            .concurrency(concurrency)
            .max_pages(5)
            .build()
            .collect()
            .await;
        assert_eq!(ok.len(), 5);
        assert!(ok.iter().all(Result::is_ok));

        let calls = Arc::new(AtomicUsize::new(0));
        let got: Vec<_> = paging::offset(7, memory_offset(30, calls.clone()))
            .concurrency(concurrency)
            .max_pages(3)
            .build()
            .collect()
            .await;
        assert_eq!(got.len(), 4, "concurrency {concurrency}");
        assert!(got[..3].iter().all(Result::is_ok));
        let err = got[3].as_ref().unwrap_err();
        assert_eq!(paging_kind(err), Some(PagingErrorKind::TooManyPages));
        assert_eq!(calls.load(Ordering::SeqCst), 3, "no call beyond the limit");
    }
}

#[tokio::test]
async fn offset_with_start_and_zero_page_size() {
    let calls = Arc::new(AtomicUsize::new(0));
    let items: Vec<u64> = paging::offset(4, memory_offset(10, calls.clone()))
        .start(6)
        .build()
        .by_item()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(items, [6, 7, 8, 9]);
    assert_eq!(calls.load(Ordering::SeqCst), 1);

    let calls = Arc::new(AtomicUsize::new(0));
    let got: Vec<_> = paging::offset(0, memory_offset(10, calls.clone()))
        .build()
        .collect()
        .await;
    assert_eq!(got.len(), 1);
    assert!(matches!(got[0], Err(Error::InvalidRequest { .. })));
    assert_eq!(calls.load(Ordering::SeqCst), 0);
}

// ----------------------------------------- cursor: a Beisen attendance server

/// `POST /AttendanceOpen/api/v1/...`: cursor paging with `queryCursor`,
/// answering `data.{list,total,sortCursor,isLastPage}`. `repeat_at` makes it
/// hand back the cursor it was called with when serving that position.
/// `lazy_last` makes it flag only an empty page as the last.
struct AttendanceCursor {
    len: u64,
    repeat_at: Option<u64>,
    lazy_last: bool,
}

impl Respond for AttendanceCursor {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let body: Value = request.body_json().unwrap();
        let size = body["pageSize"].as_u64().unwrap();
        let cursor = body["queryCursor"].as_str();
        let from: u64 = cursor.map_or(0, |c| c.trim_start_matches("c-").parse().unwrap());
        let to = (from + size).min(self.len);
        let next = if self.repeat_at == Some(from) {
            cursor.unwrap().to_owned()
        } else {
            format!("c-{to}")
        };
        let is_last = if self.lazy_last {
            from == to
        } else {
            to == self.len
        };
        ResponseTemplate::new(200).set_body_json(json!({
            "code": 200,
            "message": "success",
            "data": {
                "list": records(from..to),
                "total": self.len,
                "sortCursor": next,
                "isLastPage": is_last,
            }
        }))
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AttendanceData {
    list: Vec<Rec>,
    total: Option<u64>,
    sort_cursor: Option<String>,
    is_last_page: bool,
}

#[derive(Deserialize)]
struct AttendanceBody {
    data: AttendanceData,
}

fn attendance_fetch(
    server: &MockServer,
) -> impl FnMut(Option<String>) -> BoxFuture<'static, hr_common::Result<CursorPage<Rec>>> + Send + 'static
{
    let client = reqwest::Client::new();
    let url = format!("{}/AttendanceOpen/api/v1/Attendance/GetList", server.uri());
    move |cursor| {
        let (client, url) = (client.clone(), url.clone());
        async move {
            let body = json!({ "queryCursor": cursor, "pageSize": 5 });
            let resp: AttendanceBody = post_json(&client, &url, body).await?;
            let data = resp.data;
            Ok(
                CursorPage::new(data.list, data.sort_cursor, data.is_last_page)
                    .with_total(data.total),
            )
        }
        .boxed()
    }
}

async fn attendance_server(len: u64, repeat_at: Option<u64>, lazy_last: bool) -> MockServer {
    let server = MockServer::builder().start().await;
    let responder = AttendanceCursor {
        len,
        repeat_at,
        lazy_last,
    };
    mount(
        &server,
        "/AttendanceOpen/api/v1/Attendance/GetList",
        responder,
    )
    .await;
    server
}

async fn requested_cursors(server: &MockServer) -> Vec<Option<String>> {
    bodies(server)
        .await
        .iter()
        .map(|b| b["queryCursor"].as_str().map(str::to_owned))
        .collect()
}

#[tokio::test]
async fn cursor_over_http_delivers_every_record_once_in_order() {
    let server = attendance_server(11, None, false).await;

    let pages: Vec<Page<Rec>> = paging::cursor(attendance_fetch(&server))
        .build()
        .try_collect()
        .await
        .unwrap();

    let all: Vec<u64> = pages.iter().flat_map(|p| ids(&p.items)).collect();
    assert_eq!(all, (0..11).collect::<Vec<_>>());
    assert_eq!(
        pages.iter().map(|p| p.number).collect::<Vec<_>>(),
        [0, 1, 2]
    );
    let tokens: Vec<Option<&str>> = pages.iter().map(|p| p.token.as_deref()).collect();
    assert_eq!(tokens, [None, Some("c-5"), Some("c-10")]);
    assert!(pages.iter().all(|p| p.total == Some(11)));
    assert_eq!(
        requested_cursors(&server).await,
        [None, Some("c-5".to_owned()), Some("c-10".to_owned())]
    );
}

#[tokio::test]
async fn cursor_resumes_from_an_initial_cursor_and_skips_the_empty_last_page() {
    let server = attendance_server(10, None, true).await;

    let pages: Vec<Page<Rec>> = paging::cursor(attendance_fetch(&server))
        .initial_cursor("c-5")
        .build()
        .try_collect()
        .await
        .unwrap();

    assert_eq!(pages.len(), 1, "the empty page flagged last is not yielded");
    assert_eq!(ids(&pages[0].items), [5, 6, 7, 8, 9]);
    assert_eq!(pages[0].token.as_deref(), Some("c-5"));
    assert_eq!(
        requested_cursors(&server).await,
        [Some("c-5".to_owned()), Some("c-10".to_owned())]
    );
}

#[tokio::test]
async fn cursor_handed_back_again_is_an_error_and_is_not_fetched() {
    // Serving position 5 (cursor "c-5"), the server hands back "c-5".
    let server = attendance_server(20, Some(5), false).await;

    // `max_pages` is only a backstop, so that a broken guard fails the test
    // rather than hanging it.
    let got: Vec<hr_common::Result<Page<Rec>>> = paging::cursor(attendance_fetch(&server))
        .max_pages(10)
        .build()
        .collect()
        .await;

    assert_eq!(got.len(), 3);
    assert_eq!(ids(&got[0].as_ref().unwrap().items), [0, 1, 2, 3, 4]);
    assert_eq!(ids(&got[1].as_ref().unwrap().items), [5, 6, 7, 8, 9]);
    let err = got[2].as_ref().unwrap_err();
    assert_eq!(paging_kind(err), Some(PagingErrorKind::RepeatedCursor));
    assert!(err.to_string().contains("c-5"), "{err}");
    assert_eq!(
        requested_cursors(&server).await,
        [None, Some("c-5".to_owned())]
    );
}

#[tokio::test]
async fn cursor_max_pages() {
    let server = attendance_server(11, None, false).await;
    let ok: Vec<_> = paging::cursor(attendance_fetch(&server))
        .max_pages(3)
        .build()
        .collect()
        .await;
    assert_eq!(ok.len(), 3);
    assert!(ok.iter().all(Result::is_ok));

    let server = attendance_server(11, None, false).await;
    let got: Vec<_> = paging::cursor(attendance_fetch(&server))
        .max_pages(2)
        .build()
        .collect()
        .await;
    assert_eq!(got.len(), 3);
    assert_eq!(
        paging_kind(got[2].as_ref().unwrap_err()),
        Some(PagingErrorKind::TooManyPages)
    );
    assert_eq!(requested_cursors(&server).await.len(), 2);
}

#[tokio::test]
async fn cursor_ends_without_a_next_cursor_even_if_not_flagged_last() {
    let mut calls = 0;
    let pages: Vec<Page<char>> = paging::cursor(move |_c: Option<String>| {
        calls += 1;
        assert_eq!(calls, 1, "no second call");
        async { Ok(CursorPage::new(vec!['a'], None, false)) }
    })
    .build()
    .try_collect()
    .await
    .unwrap();
    assert_eq!(pages.len(), 1);
}

#[tokio::test]
async fn cursor_skips_an_empty_page_in_the_middle() {
    let pages: Vec<Page<u32>> = paging::cursor(|cursor: Option<String>| async move {
        Ok(match cursor.as_deref() {
            None => CursorPage::new(vec![1, 2], Some("c1".into()), false),
            Some("c1") => CursorPage::new(vec![], Some("c2".into()), false),
            Some("c2") => CursorPage::new(vec![3], Some("c3".into()), true),
            Some(other) => panic!("unexpected cursor {other}"),
        })
    })
    .build()
    .try_collect()
    .await
    .unwrap();

    // The gap in the numbers tells that call 1 came back empty.
    assert_eq!(pages.iter().map(|p| p.number).collect::<Vec<_>>(), [0, 2]);
    assert_eq!(pages[1].token.as_deref(), Some("c2"));
}

// ------------------------------------------------ by_page, by_item, errors

/// Three pages of two numbers, then an error on the fourth call.
fn failing_on_fourth_call(
    calls: Arc<AtomicUsize>,
) -> impl FnMut(Option<String>) -> BoxFuture<'static, hr_common::Result<CursorPage<u32>>> + Send + 'static
{
    move |_cursor| {
        let call = calls.fetch_add(1, Ordering::SeqCst) as u32;
        async move {
            if call == 3 {
                return Err(Error::api("beisen", "500", "内部服务器异常"));
            }
            Ok(CursorPage::new(
                vec![call * 2, call * 2 + 1],
                Some(format!("c{call}")),
                false,
            ))
        }
        .boxed()
    }
}

#[tokio::test]
async fn by_page_and_by_item_see_the_same_records() {
    let calls = Arc::new(AtomicUsize::new(0));
    let pages: Vec<_> = paging::cursor(failing_on_fourth_call(calls))
        .build()
        .by_page()
        .collect()
        .await;
    assert_eq!(pages.len(), 4);
    let numbers: Vec<usize> = pages[..3]
        .iter()
        .map(|p| p.as_ref().unwrap().number)
        .collect();
    assert_eq!(numbers, [0, 1, 2]);
    assert_eq!(pages[3].as_ref().unwrap_err().vendor_code(), Some("500"));

    let calls = Arc::new(AtomicUsize::new(0));
    let items: Vec<_> = paging::cursor(failing_on_fourth_call(calls))
        .build()
        .by_item()
        .collect()
        .await;
    assert_eq!(items.len(), 7);
    let ok: Vec<u32> = items[..6].iter().map(|r| *r.as_ref().unwrap()).collect();
    assert_eq!(ok, [0, 1, 2, 3, 4, 5]);
    assert_eq!(items[6].as_ref().unwrap_err().vendor_code(), Some("500"));
}

#[tokio::test]
async fn a_stream_ends_after_an_error_and_fetches_nothing_more() {
    let calls = Arc::new(AtomicUsize::new(0));
    let mut items = paging::cursor(failing_on_fourth_call(calls.clone()))
        .build()
        .by_item();
    let mut errors = 0;
    while let Some(item) = items.next().await {
        errors += usize::from(item.is_err());
    }
    assert_eq!(errors, 1);
    for _ in 0..3 {
        assert!(items.next().await.is_none());
    }
    assert!(futures::stream::FusedStream::is_terminated(&items));
    assert_eq!(calls.load(Ordering::SeqCst), 4);
}

#[tokio::test]
async fn pages_wraps_any_stream_and_drops_empty_pages() {
    let source = futures::stream::iter([
        Ok(Page::new(0, vec![1, 2])),
        Ok(Page::new(1, vec![])),
        Ok(Page::new(2, vec![3]).with_total(Some(3))),
    ]);
    let pages = Pages::new(source);
    let progress = pages.progress();
    let got: Vec<Page<i32>> = pages.try_collect().await.unwrap();
    assert_eq!(got.iter().map(|p| p.number).collect::<Vec<_>>(), [0, 2]);
    assert_eq!(
        (progress.pages(), progress.items(), progress.total()),
        (2, 3, Some(3))
    );
}

#[tokio::test]
async fn pages_ends_after_an_error_even_if_the_source_goes_on() {
    let source = futures::stream::iter([
        Ok(Page::new(0, vec![1])),
        Err(Error::paging(PagingErrorKind::Invalid, "bad cursor")),
        Ok(Page::new(1, vec![2])),
    ]);
    let got: Vec<_> = Pages::new(source).collect().await;
    assert_eq!(got.len(), 2);
    assert!(got[1].is_err());
}

fn assert_stream_traits<S: futures::Stream + Send + Unpin + 'static>(_: &S) {}

#[test]
fn pages_and_items_are_send_unpin_static_streams() {
    let pages = paging::offset(10, memory_offset(1, Arc::default())).build();
    assert_stream_traits(&pages);
    // A record type that is not Unpin does not make the streams !Unpin.
    let pinned = Pages::new(futures::stream::iter(Vec::<
        hr_common::Result<Page<std::marker::PhantomPinned>>,
    >::new()));
    assert_stream_traits(&pinned.by_item());
    assert_stream_traits(&pages.prefetch(1));
}

// ------------------------------------------------------------------ prefetch

#[tokio::test(start_paused = true)]
async fn prefetch_keeps_a_scroll_alive_behind_a_slow_consumer() {
    // 15 records in pages of 3: five pages and the empty answer. Each call
    // takes 1 s; the consumer needs 12 s per page; the scroll dies after
    // 10 s idle. A buffer of 4 holds every page after the first, so the task
    // runs the whole scroll back to back however slow the consumer is.
    let run = |buffer: Option<usize>| async move {
        let calls = Calls::default();
        let fetch = expiring_scroll(15, 3, Duration::from_secs(1), true, calls.clone());
        let mut pages = paging::scroll(fetch).build();
        if let Some(buffer) = buffer {
            pages = pages.prefetch(buffer);
        }
        let mut items = Vec::new();
        let mut result = Ok(());
        while let Some(page) = pages.next().await {
            match page {
                Ok(page) => items.extend(page.items),
                Err(err) => result = Err(err),
            }
            sleep(Duration::from_secs(12)).await;
        }
        (result.map(|()| items), calls)
    };

    let (result, calls) = run(Some(4)).await;
    assert_eq!(result.unwrap(), (0..15).collect::<Vec<_>>());
    assert_eq!(calls.lock().unwrap().len(), 6);
    let between = gaps(&calls);
    assert!(
        between.iter().all(|g| *g <= Duration::from_secs(10)),
        "{between:?}"
    );

    // Without prefetch each call waits for the consumer: the second call
    // comes 12 s after the first, the scroll is dead, and the stream says so.
    let (result, calls) = run(None).await;
    assert!(gaps(&calls)[0] >= Duration::from_secs(12));
    let err = result.unwrap_err();
    assert_eq!(paging_kind(&err), Some(PagingErrorKind::Expired));
    assert!(err.to_string().contains("3 of 15"), "{err}");
}

/// An endless listing whose calls take 1 s, counting calls started and
/// finished.
fn endless(
    started: Arc<AtomicUsize>,
    finished: Arc<AtomicUsize>,
) -> impl FnMut(OffsetRequest) -> BoxFuture<'static, hr_common::Result<OffsetPage<u64>>> + Send + 'static
{
    move |req| {
        started.fetch_add(1, Ordering::SeqCst);
        let finished = finished.clone();
        async move {
            sleep(Duration::from_secs(1)).await;
            finished.fetch_add(1, Ordering::SeqCst);
            Ok(OffsetPage::new(vec![req.start], None))
        }
        .boxed()
    }
}

#[tokio::test(start_paused = true)]
async fn prefetch_runs_ahead_only_as_far_as_its_buffer() {
    let finished = Arc::new(AtomicUsize::new(0));
    let mut pages = paging::offset(1, endless(Arc::default(), finished.clone()))
        .build()
        .prefetch(3);
    let progress = pages.progress();

    assert_eq!(pages.next().await.unwrap().unwrap().number, 0);
    sleep(Duration::from_secs(3600)).await;
    // The page taken, three queued, and one in hand waiting for room.
    assert_eq!(finished.load(Ordering::SeqCst), 5);
    assert_eq!(
        progress.pages(),
        1,
        "progress counts pages delivered, not fetched"
    );

    // Nothing was lost or reordered while the task waited.
    for expected in 1..=6 {
        assert_eq!(pages.next().await.unwrap().unwrap().number, expected);
    }
}

#[tokio::test(start_paused = true)]
async fn dropping_a_prefetching_stream_cancels_its_task() {
    let (started, finished) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let mut pages = paging::offset(1, endless(started.clone(), finished.clone()))
        .build()
        .prefetch(1);

    // At t = 1 s the first page arrives and the task starts the second call.
    pages.next().await.unwrap().unwrap();
    sleep(Duration::from_millis(500)).await;
    assert_eq!(started.load(Ordering::SeqCst), 2);

    drop(pages);
    sleep(Duration::from_secs(60)).await;
    assert_eq!(started.load(Ordering::SeqCst), 2, "no call after the drop");
    assert_eq!(
        finished.load(Ordering::SeqCst),
        1,
        "the call in flight was cancelled"
    );
}

#[test]
fn prefetch_reports_a_task_killed_by_runtime_shutdown_as_an_error() {
    let paused_runtime = || {
        tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .start_paused(true)
            .build()
            .unwrap()
    };
    let first = paused_runtime();
    let mut pages = paging::offset(1, endless(Arc::default(), Arc::default()))
        .build()
        .prefetch(1);
    assert!(first.block_on(pages.next()).unwrap().is_ok());
    // Shutting the runtime down drops the task in the middle of a call:
    // that must not look like the end of the listing.
    drop(first);

    let err = paused_runtime()
        .block_on(pages.next())
        .unwrap()
        .unwrap_err();
    assert_eq!(paging_kind(&err), Some(PagingErrorKind::Cancelled));
    assert!(err.to_string().contains("cancelled"), "{err}");
}

#[tokio::test(start_paused = true)]
async fn prefetch_forwards_errors_and_then_ends() {
    let calls = Arc::new(AtomicUsize::new(0));
    let got: Vec<_> = paging::cursor(failing_on_fourth_call(calls.clone()))
        .build()
        .prefetch(8)
        .collect()
        .await;
    assert_eq!(got.len(), 4);
    assert!(got[..3].iter().all(Result::is_ok));
    assert_eq!(got[3].as_ref().unwrap_err().vendor_code(), Some("500"));
    assert_eq!(calls.load(Ordering::SeqCst), 4);
}

#[tokio::test(start_paused = true)]
async fn prefetch_resumes_a_panic_of_the_fetch_closure_in_the_consumer() {
    let mut pages = paging::cursor(|cursor: Option<String>| async move {
        match cursor {
            None => Ok(CursorPage::new(vec![1], Some("next".into()), false)),
            Some(_) => panic!("vendor response made no sense"),
        }
    })
    .build()
    .prefetch(2);

    assert!(pages.next().await.unwrap().is_ok());
    let panic = AssertUnwindSafe(pages.next())
        .catch_unwind()
        .await
        .unwrap_err();
    assert_eq!(
        panic.downcast_ref::<&str>(),
        Some(&"vendor response made no sense")
    );
}

// --------------------------------------------------------------- loop guards

/// Polls at most `limit` pages; returns how many were good and the error
/// that ended the stream, if one did.
async fn drain<T>(pages: Pages<T>, limit: usize) -> (usize, Option<Error>) {
    let mut pages = pages.take(limit);
    let mut ok = 0;
    while let Some(page) = pages.next().await {
        match page {
            Ok(_) => ok += 1,
            Err(err) => return (ok, Some(err)),
        }
    }
    (ok, None)
}

/// A scroll that serves the same page under the same id for ever and
/// announces no total: the overrun guard has nothing to go on.
fn replaying_scroll()
-> impl FnMut(Option<String>) -> BoxFuture<'static, hr_common::Result<ScrollPage<u8>>> + Send + 'static
{
    |_id| async { Ok(ScrollPage::new(vec![1, 2, 3], Some("S".into()))) }.boxed()
}

/// A cursor listing that hands out a fresh cursor for ever.
fn endless_cursor()
-> impl FnMut(Option<String>) -> BoxFuture<'static, hr_common::Result<CursorPage<u8>>> + Send + 'static
{
    let mut n = 0_u64;
    move |_cursor| {
        n += 1;
        let next = n.to_string();
        async move { Ok(CursorPage::new(vec![1], Some(next), false)) }.boxed()
    }
}

/// An offset server that ignores `start` and announces no total: every
/// page is full, so none ends the listing.
fn start_ignoring_offset()
-> impl FnMut(OffsetRequest) -> BoxFuture<'static, hr_common::Result<OffsetPage<u8>>> + Send + 'static
{
    |req| async move { Ok(OffsetPage::new(vec![0; req.count as usize], None)) }.boxed()
}

#[tokio::test]
async fn every_style_stops_an_endless_listing_after_the_default_max_pages() {
    const MAX: usize = paging::DEFAULT_MAX_PAGES;
    assert_eq!(MAX, 100_000);

    let runs = [
        ("scroll", paging::scroll(replaying_scroll()).build()),
        ("cursor", paging::cursor(endless_cursor()).build()),
        ("offset", paging::offset(1, start_ignoring_offset()).build()),
    ];
    for (style, pages) in runs {
        let (ok, err) = drain(pages, MAX + 2).await;
        assert_eq!(ok, MAX, "{style}");
        let err = err.unwrap_or_else(|| panic!("{style}: no error"));
        assert_eq!(
            paging_kind(&err),
            Some(PagingErrorKind::TooManyPages),
            "{style}"
        );
        assert!(err.to_string().contains("100000 pages"), "{style}: {err}");
    }
}

#[tokio::test]
async fn max_pages_usize_max_lifts_the_default_limit() {
    const BEYOND: usize = paging::DEFAULT_MAX_PAGES + 5;
    let runs = [
        (
            "scroll",
            paging::scroll(replaying_scroll())
                .max_pages(usize::MAX)
                .build(),
        ),
        (
            "cursor",
            paging::cursor(endless_cursor())
                .max_pages(usize::MAX)
                .build(),
        ),
        (
            "offset",
            paging::offset(1, start_ignoring_offset())
                .max_pages(usize::MAX)
                .build(),
        ),
    ];
    for (style, pages) in runs {
        let (ok, err) = drain(pages, BEYOND).await;
        assert_eq!(ok, BEYOND, "{style}: {err:?}");
    }
}

// --------------------------------------------------------------------- spans

fn current_span() -> Option<&'static str> {
    tracing::Span::current().metadata().map(|m| m.name())
}

#[tokio::test(start_paused = true)]
async fn background_tasks_run_in_the_callers_span() {
    // Thread-local, and the test runtime runs every task on this thread.
    let _subscriber = tracing::subscriber::set_default(tracing_subscriber::registry());
    let spans = Arc::new(Mutex::new(Vec::new()));

    let seen = spans.clone();
    let prefetched = paging::scroll(move |id: Option<String>| {
        let seen = seen.clone();
        async move {
            seen.lock().unwrap().push(("prefetch", current_span()));
            let from: u64 = id.map_or(0, |id| id.parse().unwrap());
            let items: Vec<u64> = (from..(from + 2).min(6)).collect();
            let next = (from + items.len() as u64).to_string();
            Ok(ScrollPage::new(items, Some(next)).with_total(Some(6)))
        }
    })
    .build()
    .prefetch(2);

    let seen = spans.clone();
    let concurrent = paging::offset(1, move |req: OffsetRequest| {
        let seen = seen.clone();
        async move {
            seen.lock().unwrap().push(("offset", current_span()));
            Ok(OffsetPage::new(vec![req.start], Some(6)))
        }
    })
    .concurrency(3)
    .build();

    async {
        assert_eq!(
            prefetched
                .by_item()
                .try_collect::<Vec<_>>()
                .await
                .unwrap()
                .len(),
            6
        );
        assert_eq!(
            concurrent
                .by_item()
                .try_collect::<Vec<_>>()
                .await
                .unwrap()
                .len(),
            6
        );
    }
    .instrument(tracing::info_span!("nightly_sync"))
    .await;

    let spans = spans.lock().unwrap();
    assert_eq!(spans.len(), 4 + 6, "{spans:?}");
    assert!(
        spans.iter().all(|(_, span)| *span == Some("nightly_sync")),
        "{spans:?}"
    );
}
