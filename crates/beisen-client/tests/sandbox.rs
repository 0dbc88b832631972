//! Behaviour against the Beisen simulator: the time-window stream's
//! promises (every record exactly once) under the failures it exists for.
//!
//! Nothing sleeps against a lifetime: the simulator keeps the vendor's 10 s
//! scroll idle limit, and "a consumer that stalls past it" is played by
//! advancing the sandbox's clock at a known point of the stream (found by
//! polling the sandbox's counters), so the outcome does not depend on how
//! loaded the machine is.

use std::collections::HashSet;
use std::time::Duration;

use beisen_client::employee::GetEmployeesByTimeWindow;
use beisen_client::{BeisenClient, Credentials};
use chrono::NaiveDate;
use futures::{StreamExt, TryStreamExt};
use hr_common::transport::RetryPolicy;
use hr_sandbox::{DataConfig, FaultSpec, Sandbox, SandboxConfig};

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn config(employees: usize) -> SandboxConfig {
    let mut c = SandboxConfig {
        data: DataConfig::year_2024(),
        ..SandboxConfig::default()
    };
    c.data.employees = employees;
    c.beisen.scroll_idle = Duration::from_secs(10);
    // The limits Beisen documents for the time-window endpoints, which the
    // client's default limiter keeps to (the simulator's default is the
    // 50/s of other endpoints).
    c.beisen.rate_per_second = 100;
    c.beisen.rate_per_minute = 3000;
    c
}

/// Waits (bounded, generously) until the sandbox counter `key` reaches
/// `at_least`: a point in the stream's progress, not a time.
async fn wait_for_counter(sb: &Sandbox, key: &str, at_least: u64) {
    let reached = async {
        while sb.counters().get(key) < at_least {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    };
    if tokio::time::timeout(Duration::from_secs(120), reached)
        .await
        .is_err()
    {
        panic!(
            "{key} stayed at {} (waited for {at_least}): {:?}",
            sb.counters().get(key),
            sb.counters().snapshot()
        );
    }
}

fn client(sb: &Sandbox) -> BeisenClient {
    let cfg = &sb.config().beisen;
    BeisenClient::builder()
        .base_url(sb.beisen_url())
        .credentials(Credentials::app_key(&cfg.app_key, &cfg.app_secret))
        .scroll_idle(cfg.scroll_idle)
        .retry(
            RetryPolicy::default()
                .max_attempts(8)
                .initial_backoff(Duration::from_millis(20))
                .max_backoff(Duration::from_millis(200)),
        )
        .build()
        .unwrap()
}

/// Every person of the dataset, whatever their status.
fn everyone(start: NaiveDate, stop: NaiveDate) -> GetEmployeesByTimeWindow {
    GetEmployeesByTimeWindow::new(start, stop).everything()
}

fn assert_exactly_once(sb: &Sandbox, ids: &[i64]) {
    let unique: HashSet<i64> = ids.iter().copied().collect();
    assert_eq!(unique.len(), ids.len(), "a record was delivered twice");
    assert_eq!(ids.len(), sb.data().len(), "records are missing");
    assert!(
        ids.iter()
            .all(|id| sb.data().index_of_user_id(*id).is_some())
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_year_of_20000_employees_arrives_exactly_once() {
    let sb = Sandbox::start(config(20_000)).await.unwrap();
    let client = client(&sb);
    let (start, stop) = (day(2024, 1, 1), day(2025, 1, 1));
    let mut stream = client
        .employees()
        .changed_between(start, stop)
        .query(everyone(start, stop))
        .parallel(4);
    let progress = stream.progress();
    let ids: Vec<i64> = stream
        .items()
        .map_ok(|e| e.employee_info.user_id.get())
        .try_collect()
        .await
        .unwrap();
    assert_exactly_once(&sb, &ids);
    assert_eq!(progress.records(), 20_000);
    assert_eq!(progress.announced_total(), 20_000);
    assert_eq!(progress.windows_done(), progress.windows_total());
    assert!(progress.checkpoint().is_complete());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_consumer_sleeping_past_the_idle_limit_loses_nothing() {
    // About 400 people per sub-window at 20 a page: 20 pages, a buffer of
    // 2, so a stall outlasts the buffer and the scroll dies. One scroll at
    // a time: with several, the count of pages served when the stall
    // begins depends on how their calls interleave (and calls may still be
    // in flight when the clock moves), which is what made this test flaky.
    let sb = Sandbox::start(config(2_000)).await.unwrap();
    let client = client(&sb);
    let (start, stop) = (day(2024, 1, 1), day(2025, 1, 1));
    let mut stream = client
        .employees()
        .changed_between(start, stop)
        .query(everyone(start, stop).capacity(20))
        .parallel(1)
        .prefetch_pages(2);
    let progress = stream.progress();
    let mut items = stream.items();
    let mut ids = Vec::new();
    while let Some(e) = items.try_next().await.unwrap() {
        if ids.len() == 150 {
            // The consumer stalls holding page 8 of the first sub-window:
            // the producer fetches pages 9 and 10 into the buffer and page
            // 11, which it cannot hand over, then waits, with many pages
            // left. Once those 11 calls are over, no call is in flight,
            // and the stall outlasts the scroll's idle limit.
            wait_for_counter(&sb, "scroll_pages.beisen", 11).await;
            sb.advance_clock(sb.config().beisen.scroll_idle + Duration::from_secs(1));
        }
        ids.push(e.employee_info.user_id.get());
    }
    assert_exactly_once(&sb, &ids);
    assert_eq!(sb.counters().get("scrolls_expired.beisen"), 1);
    // The one restart re-read the 11 pages already fetched (8 consumed, 2
    // buffered, 1 waiting for room) and skipped exactly those.
    assert_eq!(progress.restarts(), 1);
    assert_eq!(progress.duplicates_dropped(), 11 * 20);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_large_prefetch_buffer_keeps_the_scroll_alive() {
    let sb = Sandbox::start(config(2_000)).await.unwrap();
    let client = client(&sb);
    let (start, stop) = (day(2024, 1, 1), day(2025, 1, 1));
    let sub_windows = beisen_client::TimeWindow::new(start, stop)
        .split_max_days(90)
        .len() as u64;
    // Room for every page of every sub-window (about 5 × 21, plus their
    // "done" events).
    let mut stream = client
        .employees()
        .changed_between(start, stop)
        .query(everyone(start, stop).capacity(20))
        // The 90-day pieces only, as counted above.
        .parallel(1)
        .prefetch_pages(256);
    let progress = stream.progress();
    let mut items = stream.items();
    let mut ids = Vec::new();
    while let Some(e) = items.try_next().await.unwrap() {
        if ids.len() == 150 {
            // While the consumer stalls, the prefetcher reads every scroll
            // to its end (it never would if it fetched only on demand)…
            wait_for_counter(&sb, "scrolls_ended.beisen", sub_windows).await;
            // …so a stall past the idle limit costs nothing.
            sb.advance_clock(sb.config().beisen.scroll_idle + Duration::from_secs(1));
        }
        ids.push(e.employee_info.user_id.get());
    }
    assert_exactly_once(&sb, &ids);
    assert_eq!(progress.restarts(), 0);
    assert_eq!(sb.counters().get("scrolls_expired.beisen"), 0);
    assert_eq!(sb.counters().get("scrolls_ended.beisen"), sub_windows);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_forced_scroll_expiry_restarts_and_skips_what_was_delivered() {
    let sb = Sandbox::start(config(1_000)).await.unwrap();
    let client = client(&sb);
    let (start, stop) = (day(2024, 1, 1), day(2025, 1, 1));
    let mut stream = client
        .employees()
        .changed_between(start, stop)
        .query(everyone(start, stop).capacity(50))
        .prefetch_pages(1);
    let progress = stream.progress();
    let mut items = stream.items();
    let mut ids = Vec::new();
    while let Some(e) = items.try_next().await.unwrap() {
        if ids.len() == 60 {
            sb.expire_scrolls();
        }
        ids.push(e.employee_info.user_id.get());
    }
    assert_exactly_once(&sb, &ids);
    assert!(progress.restarts() >= 1);
    assert!(progress.duplicates_dropped() >= 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_revoked_mid_scroll_is_refreshed_once() {
    let sb = Sandbox::start(config(1_000)).await.unwrap();
    let client = client(&sb);
    let (start, stop) = (day(2024, 1, 1), day(2025, 1, 1));
    let mut items = client
        .employees()
        .changed_between(start, stop)
        .query(everyone(start, stop).capacity(50))
        // One call at a time: exactly one call meets the revoked token.
        .parallel(1)
        .prefetch_pages(1)
        .items();
    let mut ids = Vec::new();
    while let Some(e) = items.try_next().await.unwrap() {
        if ids.len() == 100 {
            sb.revoke_tokens();
        }
        ids.push(e.employee_info.user_id.get());
    }
    assert_exactly_once(&sb, &ids);
    assert_eq!(sb.counters().get("tokens_issued.beisen"), 2);
    assert_eq!(client.transport().stats().auth_retries, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn five_percent_500s_and_two_percent_429s_lose_nothing() {
    let mut cfg = config(5_000);
    cfg.faults.seed = 7;
    cfg.faults.beisen.default = FaultSpec {
        error_500: 0.05,
        throttle_429: 0.02,
        retry_after_secs: 0,
        ..FaultSpec::default()
    };
    let sb = Sandbox::start(cfg).await.unwrap();
    let client = client(&sb);
    let (start, stop) = (day(2024, 1, 1), day(2025, 1, 1));
    let ids: Vec<i64> = client
        .employees()
        .changed_between(start, stop)
        .query(everyone(start, stop).capacity(100))
        .parallel(3)
        .items()
        .map_ok(|e| e.employee_info.user_id.get())
        .try_collect()
        .await
        .unwrap();
    assert_exactly_once(&sb, &ids);
    assert!(client.transport().stats().retries > 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_skewed_window_is_split_further_and_still_exact() {
    let mut cfg = config(6_000);
    cfg.data.skew = Some(hr_sandbox::data::Skew {
        fraction: 0.6,
        day: day(2024, 5, 5),
    });
    let sb = Sandbox::start(cfg).await.unwrap();
    let client = client(&sb);
    let (start, stop) = (day(2024, 1, 1), day(2025, 1, 1));
    let mut stream = client
        .employees()
        .changed_between(start, stop)
        .query(everyone(start, stop).capacity(100))
        .parallel(4)
        .split_above(Some(1_000));
    let progress = stream.progress();
    let initial = progress.windows_total();
    let ids: Vec<i64> = stream
        .items()
        .map_ok(|e| e.employee_info.user_id.get())
        .try_collect()
        .await
        .unwrap();
    assert_exactly_once(&sb, &ids);
    assert!(
        progress.windows_total() > initial,
        "the busy window was not split"
    );
    assert!(progress.checkpoint().is_complete());
}

/// A window just over `split_above` is still cut as wide as the stream's
/// parallelism: found after its first page, it is what the run ends on,
/// and two long serial scrolls would make its tail.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_busy_window_splits_at_least_as_wide_as_the_parallelism() {
    let mut cfg = config(6_000);
    cfg.data.skew = Some(hr_sandbox::data::Skew {
        fraction: 0.6,
        day: day(2024, 5, 5),
    });
    let sb = Sandbox::start(cfg).await.unwrap();
    let client = client(&sb);
    let (start, stop) = (day(2024, 1, 1), day(2025, 1, 1));
    // The busy window holds about 3,600 + 600 records: by size alone two
    // pieces of 3,000.
    let mut stream = client
        .employees()
        .changed_between(start, stop)
        .query(everyone(start, stop).capacity(100))
        .parallel(6)
        .split_above(Some(3_000));
    let progress = stream.progress();
    let ids: Vec<i64> = stream
        .items()
        .map_ok(|e| e.employee_info.user_id.get())
        .try_collect()
        .await
        .unwrap();
    assert_exactly_once(&sb, &ids);
    assert!(progress.widest_split() >= 6, "{progress:?}");
    assert!(progress.checkpoint().is_complete());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_checkpoint_resumes_where_the_last_run_stopped() {
    let sb = Sandbox::start(config(2_000)).await.unwrap();
    let client = client(&sb);
    let (start, stop) = (day(2024, 1, 1), day(2025, 1, 1));
    let mut first = client
        .employees()
        .changed_between(start, stop)
        .query(everyone(start, stop))
        // The 90-day pieces, one after another, so the first to finish is
        // the first window.
        .parallel(1);
    let progress = first.progress();
    let mut items = first.items();
    let mut ids = Vec::new();
    // Stop once the first 90-day window is done.
    while progress.windows_done() == 0 {
        ids.push(
            items
                .try_next()
                .await
                .unwrap()
                .unwrap()
                .employee_info
                .user_id
                .get(),
        );
    }
    drop(items);
    let checkpoint = progress.checkpoint();
    let first_window = beisen_client::TimeWindow::new(start, stop).split_max_days(90)[0];
    assert_eq!(checkpoint.completed_through, first_window.stop());
    // Records of the unfinished window were seen; the resumed run delivers
    // them again, which is what at-least-once after a crash means.
    let seen_before: HashSet<i64> = ids.iter().copied().collect();
    let cut = checkpoint.completed_through;
    let rest: Vec<i64> = client
        .employees()
        .changed_between(start, stop)
        .query(everyone(start, stop))
        .resume_from(&checkpoint)
        .items()
        .map_ok(|e| e.employee_info.user_id.get())
        .try_collect()
        .await
        .unwrap();
    let data = sb.data();
    let before_cut = (0..data.len())
        .filter(|i| data.modified_time(*i) < cut)
        .count();
    assert_eq!(rest.len(), data.len() - before_cut);
    let all: HashSet<i64> = seen_before
        .union(&rest.iter().copied().collect())
        .copied()
        .collect();
    assert_eq!(all.len(), data.len());
}

#[tokio::test]
async fn client_side_rejections_send_nothing() {
    let sb = Sandbox::start(config(10)).await.unwrap();
    let client = client(&sb);
    let err = GetEmployeesByTimeWindow::new(day(2024, 1, 1), day(2024, 2, 1))
        .capacity(301)
        .send(&client)
        .await
        .unwrap_err();
    assert!(
        matches!(err, hr_common::Error::InvalidRequest { .. }),
        "{err}"
    );
    let err = GetEmployeesByTimeWindow::new(day(2024, 1, 1), day(2024, 4, 1))
        .send(&client)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("90 days"), "{err}");
    let ids: Vec<i64> = (0..301).collect();
    let err = beisen_client::employee::GetBasicInfoByIds::new(ids)
        .send(&client)
        .await
        .unwrap_err();
    assert!(matches!(err, hr_common::Error::InvalidRequest { .. }));
    let mut stream = client
        .employees()
        .changed_between(day(2024, 1, 1), day(2025, 1, 1))
        .split_long_windows(false);
    let progress = stream.progress();
    let mut pages = stream.pages();
    let first = pages.next().await.unwrap().unwrap_err();
    assert!(matches!(first, hr_common::Error::InvalidRequest { .. }));
    assert!(first.to_string().contains("90 days"), "{first}");
    assert!(pages.next().await.is_none(), "a rejected stream ends");
    assert_eq!(client.transport().stats().calls, 0);
    // Nothing was read, so nothing counts as delivered or complete.
    assert_eq!((progress.records(), progress.pages()), (0, 0));
    let checkpoint = progress.checkpoint();
    assert_eq!(checkpoint.completed_through, checkpoint.start);
    assert!(!checkpoint.is_complete());
}

#[tokio::test]
async fn a_vendor_417_carries_its_message() {
    let sb = Sandbox::start(config(10)).await.unwrap();
    let client = client(&sb);
    // The sandbox sorts by any documented field (`Name` included, as in
    // seed 003's example) and refuses one the records do not have.
    let err = GetEmployeesByTimeWindow::new(day(2024, 1, 1), day(2024, 2, 1))
        .sort(
            "NoSuchField",
            beisen_client::window::SortDirection::Ascending,
        )
        .send(&client)
        .await
        .unwrap_err();
    assert_eq!(err.vendor_code(), Some("417"));
    assert!(err.to_string().contains("暂不支持的排序字段"), "{err}");
}

#[tokio::test]
async fn lookups_and_the_oauth_flow_work_against_the_simulator() {
    let sb = Sandbox::start(config(50)).await.unwrap();
    let cfg = &sb.config().beisen;
    let client = BeisenClient::builder()
        .base_url(sb.beisen_url())
        .credentials(Credentials::oauth(
            sb.data().tenant_id().to_string(),
            &cfg.app_id,
            &cfg.secret,
        ))
        .build()
        .unwrap();
    let p = sb.data().person(7);
    let found = client
        .employees()
        .user_id_by_email(&p.email.to_uppercase())
        .await
        .unwrap();
    assert_eq!(found.map(|u| u.get()), Some(p.user_id));
    let info = beisen_client::employee::GetBasicInfoByIds::new([p.user_id])
        .send(&client)
        .await
        .unwrap();
    assert_eq!(info.data.len(), 1);
    assert_eq!(
        info.data[0].id_number.as_ref().unwrap().expose(),
        &p.id_number
    );
    assert!(!format!("{:?}", info.data[0]).contains(&p.id_number));
    let root = sb.data().orgs()[0].oid;
    let orgs = beisen_client::organization::GetOrganizationsByIds::new([root])
        .send(&client)
        .await
        .unwrap();
    assert_eq!(orgs.data[0].oid.get(), root);
    let all_orgs: Vec<_> = client
        .organizations()
        .changed_between(day(2020, 1, 1), day(2026, 1, 1))
        .query(
            beisen_client::organization::GetOrganizationsByTimeWindow::new(
                day(2020, 1, 1),
                day(2026, 1, 1),
            )
            .with_disabled(true)
            .with_deleted(true),
        )
        .items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(all_orgs.len(), sb.data().orgs().len());
}

#[tokio::test]
async fn cursor_and_batch_paging_walk_to_the_end() {
    let sb = Sandbox::start(config(3_000)).await.unwrap();
    let client = client(&sb);
    let pages = beisen_client::attendance::GetVacationsByApprovalTime::new(day(2024, 3, 4))
        .page_size(10)
        .pages(&client);
    let progress = pages.progress();
    let vacations: Vec<_> = pages.by_item().try_collect().await.unwrap();
    let unique: HashSet<_> = vacations.iter().map(|v| v.vacation_id.clone()).collect();
    assert_eq!(unique.len(), vacations.len());
    assert_eq!(Some(vacations.len() as u64), progress.total());
    let pages = beisen_client::recruiting::GetApplyListByModifiedTime::new(
        day(2024, 1, 1),
        day(2024, 7, 1),
    )
    .pages(&client);
    let progress = pages.progress();
    let applies: Vec<_> = pages.by_item().try_collect().await.unwrap();
    assert!(!applies.is_empty());
    assert_eq!(Some(applies.len() as u64), progress.total());
    let unique: HashSet<_> = applies.iter().map(|a| a.apply_id.clone()).collect();
    assert_eq!(unique.len(), applies.len());
}

/// 40% of a year's changes in one night's hour: the piece holding it is
/// cut from its first page's total into pieces of about `split_above`
/// records, more than 8 at once, at the hour's own quantiles, and its first
/// page is delivered rather than thrown away (its copies in the pieces are
/// what the stream drops, and nothing else is).
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn forty_percent_in_one_hour_is_split_wide_and_keeps_its_first_pages() {
    let mut cfg = config(10_000);
    cfg.data.skew = Some(hr_sandbox::Skew {
        fraction: 0.4,
        day: day(2024, 7, 9),
    });
    let sb = Sandbox::start(cfg).await.unwrap();
    let client = client(&sb);
    let (start, stop) = (day(2024, 1, 1), day(2025, 1, 1));
    let mut stream = client
        .employees()
        .changed_between(start, stop)
        .query(everyone(start, stop))
        .parallel(4)
        .split_above(Some(500));
    let progress = stream.progress();
    let initial = progress.windows_total();
    let ids: Vec<i64> = stream
        .items()
        .map_ok(|e| e.employee_info.user_id.get())
        .try_collect()
        .await
        .unwrap();
    assert_exactly_once(&sb, &ids);
    assert_eq!(progress.announced_total(), 10_000);
    assert!(progress.checkpoint().is_complete());
    // The piece with the hour (4,000 + 1,500 records) splits more than 8
    // ways in one go.
    assert!(progress.widest_split() > 8, "{progress:?}");
    let splits = progress.splits();
    assert!(splits >= 1);
    // Each split's first page (300 records) was delivered, and the one
    // piece holding each of its records dropped its copy: nothing else.
    assert_eq!(progress.duplicates_dropped(), 300 * splits, "{progress:?}");
    // Requests: one per full page of the records, and per piece at most a
    // part-filled page and the empty end page, plus the re-read first page
    // of each split. Even cuts of the busy piece (the old way, 8 at a time)
    // would have needed many more pieces.
    let leaves = progress.windows_done();
    assert_eq!(leaves, progress.windows_total());
    let calls = client.stats().calls;
    assert!(
        calls <= 10_000u64.div_ceil(300) + 2 * leaves + 2 * splits,
        "{calls} calls for {leaves} pieces and {splits} splits"
    );
    // Pieces of about 500 records (a few re-split when the first page's
    // sample misjudged them): cutting the hour evenly, 8 at a time, would
    // have made more.
    assert!(
        leaves <= initial + 3 * 10_000 / (2 * 500),
        "{leaves} pieces: cut finer than the records need; {progress:?}"
    );
}

/// De-duplication memory follows the live pieces, not the result: the
/// keys held at once stay near `parallel` × `split_above`, and when the
/// stream ends only the few records on piece boundaries keep theirs.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn dedup_keys_are_bounded_by_the_live_pieces_not_the_result() {
    let sb = Sandbox::start(config(20_000)).await.unwrap();
    let client = client(&sb);
    let (start, stop) = (day(2024, 1, 1), day(2025, 1, 1));
    let mut stream = client
        .employees()
        .changed_between(start, stop)
        .query(everyone(start, stop))
        .parallel(4)
        .split_above(Some(1_000))
        .dedup(true);
    let progress = stream.progress();
    let ids: Vec<i64> = stream
        .items()
        .map_ok(|e| e.employee_info.user_id.get())
        .try_collect()
        .await
        .unwrap();
    assert_exactly_once(&sb, &ids);
    let peak = progress.dedup_keys_peak();
    // Four live pieces of at most 1,000 records, each also holding the
    // first pages passed down to it, and the boundary records: a fraction
    // of the 20,000 a set of everything would hold.
    assert!(peak <= 4 * (1_000 + 2 * 300) + 500, "peak {peak}");
    assert!(peak > 0);
    let left = progress.dedup_keys();
    assert!(left <= 500, "{left} keys kept to the end");
}
