//! Attendance: approved business and outward trips (PageIndex paging, the
//! PascalCase envelope), the asynchronous write-back with its job, leave
//! requests by start day and leave balances. Against wiremock with bodies in
//! the sources' shapes (`tests/resources/`), and against the sandbox.

mod common;

use common::{fixture, server};

use std::time::Duration;

use beisen_client::attendance::{
    ASYNC_JOB_STATE, AsyncJobState, BUSINESS_APPROVED_LIST, BUSINESS_PUSH, BusinessTripRecord,
    GetApprovedBusinessTrips, GetApprovedOutwardTrips, GetAsyncJobState, GetVacationRemainList,
    GetVacationsByDate, OUTWARD_APPROVED_LIST, PushBusinessTrips, RemoveBusinessTrips,
    VACATION_GET_LIST_BY_DATE, VACATION_REMAIN_GET_LIST,
};
use beisen_client::enums::VacationApproveStatus;
use beisen_client::{BeisenClient, Credentials, UserId};
use chrono::{Duration as ChronoDuration, NaiveDate};
use futures::TryStreamExt;
use hr_common::error::PagingErrorKind;
use hr_sandbox::{DataConfig, Sandbox, SandboxConfig};
use serde_json::{Value, json};
use wiremock::matchers::{body_json, method, path, query_param};
use wiremock::{Mock, Request, ResponseTemplate};

fn sept(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2021, 9, d).unwrap()
}

#[tokio::test]
async fn business_trips_send_the_sources_request_and_decode_their_reply() {
    let (server, client) = server().await;
    Mock::given(method("POST"))
        .and(path(BUSINESS_APPROVED_LIST))
        .and(body_json(fixture(
            "business_get_approval_completed_list.request.json",
        )))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture(
            "business_get_approval_completed_list.response.json",
        )))
        .expect(1)
        .mount(&server)
        .await;
    let page = GetApprovedBusinessTrips::new(sept(1), sept(30))
        .page_size(2)
        .send(&client)
        .await
        .unwrap();
    assert_eq!(page.total, Some(2));
    let first = &page.items[0];
    assert_eq!(first.staff_id, Some(UserId(115515434)));
    assert_eq!(first.approve_status, Some(VacationApproveStatus::Approved));
    assert_eq!(first.legs[0].departure_place.as_deref(), Some("上海"));
    assert_eq!(first.legs[0].destination.as_deref(), Some("北京"));
    assert_eq!(
        first
            .start_date_time
            .as_ref()
            .map(|t| t.to_string())
            .as_deref(),
        Some("2021-09-27 09:00:00")
    );
    assert_eq!(first.extra["SerialNumber"], "CC202109260001");
    // The second record: StaffId as a string, status as a code, legs null.
    let second = &page.items[1];
    assert_eq!(second.staff_id, Some(UserId(115515435)));
    assert_eq!(second.approve_status, Some(VacationApproveStatus::Approved));
    assert!(second.legs.is_empty());
}

#[tokio::test]
async fn outward_trips_send_stop_date_and_read_outward_infos() {
    let (server, client) = server().await;
    Mock::given(method("POST"))
        .and(path(OUTWARD_APPROVED_LIST))
        .and(body_json(
            json!({"StartDate": "2020-09-01", "StopDate": "2020-09-30",
            "PageIndex": 1, "PageSize": 100}),
        ))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(fixture("outward_get_approval_completed_list.response.json")),
        )
        .mount(&server)
        .await;
    let day = |d| NaiveDate::from_ymd_opt(2020, 9, d).unwrap();
    let all: Vec<_> = GetApprovedOutwardTrips::new(day(1), day(30))
        .pages(&client)
        .by_item()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].outward_type.as_deref(), Some("外出办事"));
    assert_eq!(all[0].user_id, Some(UserId(115515434)));
    assert_eq!(all[0].properties.as_ref().unwrap()["extsf_city"], "北京");
}

/// A page of `n` trips with ids from `first`.
fn trips(first: usize, n: usize, total: Option<u64>) -> Value {
    let list: Vec<Value> = (first..first + n)
        .map(|i| json!({"ObjectId": format!("id-{i}"), "StaffId": 100000000 + i}))
        .collect();
    json!({"Code": 200, "Message": null, "Data": {"Total": total, "BusinessList": list}})
}

#[tokio::test]
async fn the_stream_asks_page_after_page_and_stops_at_the_total() {
    let (server, client) = server().await;
    // Full pages for ever, numbered by PageIndex; Total says 5.
    Mock::given(path(BUSINESS_APPROVED_LIST))
        .respond_with(|req: &Request| {
            let body: Value = serde_json::from_slice(&req.body).unwrap();
            let index = body["PageIndex"].as_u64().unwrap() as usize;
            ResponseTemplate::new(200).set_body_json(trips((index - 1) * 2, 2, Some(5)))
        })
        .mount(&server)
        .await;
    let ids: Vec<String> = GetApprovedBusinessTrips::new(sept(1), sept(30))
        .page_size(2)
        .pages(&client)
        .by_item()
        .map_ok(|t| t.object_id.unwrap())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids.len(), 6, "three pages reach the Total of 5: {ids:?}");
    let asked: Vec<u64> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|r| r.url.path() == BUSINESS_APPROVED_LIST)
        .map(|r| {
            serde_json::from_slice::<Value>(&r.body).unwrap()["PageIndex"]
                .as_u64()
                .unwrap()
        })
        .collect();
    assert_eq!(asked, [1, 2, 3]);
}

#[tokio::test]
async fn a_server_that_ignores_page_index_or_announces_no_total_cannot_loop() {
    let (server, client) = server().await;
    Mock::given(path(BUSINESS_APPROVED_LIST))
        .respond_with(ResponseTemplate::new(200).set_body_json(trips(0, 2, Some(1_000))))
        .mount(&server)
        .await;
    let err = GetApprovedBusinessTrips::new(sept(1), sept(30))
        .page_size(2)
        .pages(&client)
        .by_item()
        .try_collect::<Vec<_>>()
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            hr_common::Error::Paging {
                kind: PagingErrorKind::NoProgress,
                ..
            }
        ),
        "{err}"
    );

    // No Total and fresh full pages: the page budget ends it.
    let (server, client) = self::server().await;
    Mock::given(path(BUSINESS_APPROVED_LIST))
        .respond_with(|req: &Request| {
            let body: Value = serde_json::from_slice(&req.body).unwrap();
            let index = body["PageIndex"].as_u64().unwrap() as usize;
            ResponseTemplate::new(200).set_body_json(trips(index * 2, 2, None))
        })
        .mount(&server)
        .await;
    let err = GetApprovedBusinessTrips::new(sept(1), sept(30))
        .page_size(2)
        .max_pages(5)
        .pages(&client)
        .by_item()
        .try_collect::<Vec<_>>()
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            hr_common::Error::Paging {
                kind: PagingErrorKind::TooManyPages,
                ..
            }
        ),
        "{err}"
    );
    assert_eq!(server.received_requests().await.unwrap().len(), 1 + 5);
}

#[tokio::test]
async fn an_error_body_in_http_200_is_an_error_never_an_empty_listing() {
    let (server, client) = server().await;
    Mock::given(path(BUSINESS_APPROVED_LIST))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"Code": 417, "Message": "StartDate参数格式不正确", "Data": null}),
        ))
        .mount(&server)
        .await;
    let err = GetApprovedBusinessTrips::new(sept(1), sept(30))
        .pages(&client)
        .by_item()
        .try_collect::<Vec<_>>()
        .await
        .unwrap_err();
    assert_eq!(err.vendor_code(), Some("417"));

    let (server, client) = self::server().await;
    Mock::given(path(BUSINESS_APPROVED_LIST))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"Code": 200, "Data": null})))
        .mount(&server)
        .await;
    let err = GetApprovedBusinessTrips::new(sept(1), sept(30))
        .send(&client)
        .await
        .unwrap_err();
    assert_eq!(err.decode_path(), Some("Data"), "{err}");

    // A page size the requests do not send is refused before any call.
    let err = GetApprovedBusinessTrips::new(sept(1), sept(30))
        .page_size(301)
        .send(&client)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("PageSize"), "{err}");
}

fn push_request() -> PushBusinessTrips {
    let at = |d, h| {
        NaiveDate::from_ymd_opt(2022, 9, d)
            .unwrap()
            .and_hms_opt(h, 0, 0)
            .unwrap()
    };
    PushBusinessTrips::new([
        BusinessTripRecord::new(UserId(115515434), at(5, 9), at(7, 18))
            .staff_name("张三")
            .departure_place("上海")
            .destination("北京")
            .together_staff_ids(["115515435"]),
    ])
    .identity_type(1)
}

#[tokio::test]
async fn a_push_is_sent_once_and_its_job_followed_to_the_end() {
    let (server, client) = server().await;
    Mock::given(method("POST"))
        .and(path(BUSINESS_PUSH))
        .and(body_json(fixture("business_push.request.json")))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("X-PAAS-Request-ID", "job-1")
                .set_body_json(json!({"Code": 200, "Message": null})),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(ASYNC_JOB_STATE))
        .and(query_param("requestId", "job-1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"code": "200", "message": "", "data": {"state": "Running", "message": null, "progress": null}}),
        ))
        .up_to_n_times(2)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(ASYNC_JOB_STATE))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(fixture("async_api_exec_info.response.json")),
        )
        .mount(&server)
        .await;
    let err = push_request()
        .submit_and_wait(&client)
        .poll_interval(Duration::from_millis(1))
        .max_poll_interval(Duration::from_millis(1))
        .await
        .unwrap_err();
    assert_eq!(err.vendor_code(), Some("PartialSuccess"));
    assert!(err.to_string().contains("员工姓名与邮箱不符"), "{err}");
    assert_eq!(err.request_id(), Some("job-1"));
    let polls = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|r| r.url.path() == ASYNC_JOB_STATE)
        .count();
    assert_eq!(polls, 3, "two Running polls, then the outcome");
}

#[tokio::test]
async fn a_refused_or_failed_push_is_not_repeated() {
    let (server, client) = server().await;
    Mock::given(path(BUSINESS_PUSH))
        .respond_with(ResponseTemplate::new(502))
        .mount(&server)
        .await;
    let err = push_request().send(&client).await.unwrap_err();
    assert_eq!(err.status(), Some(502));
    let (server2, client2) = self::server().await;
    Mock::given(path(BUSINESS_PUSH))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"Code": 417, "Message": "BusinessList不能为空"})),
        )
        .mount(&server2)
        .await;
    let err = push_request().submit_and_wait(&client2).await.unwrap_err();
    assert_eq!(err.vendor_code(), Some("417"));
    for s in [&server, &server2] {
        let pushes = s
            .received_requests()
            .await
            .unwrap()
            .iter()
            .filter(|r| r.url.path() == BUSINESS_PUSH)
            .count();
        assert_eq!(pushes, 1);
    }
    // Still running at the deadline: the outcome is unknown, and said so.
    let (server3, client3) = self::server().await;
    Mock::given(path(BUSINESS_PUSH))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("X-PAAS-Request-ID", "job-9")
                .set_body_json(json!({"Code": 200})),
        )
        .mount(&server3)
        .await;
    Mock::given(path(ASYNC_JOB_STATE))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"code": "200", "data": {"state": "Running"}})),
        )
        .mount(&server3)
        .await;
    let err = push_request()
        .submit_and_wait(&client3)
        .poll_interval(Duration::from_millis(200))
        .deadline(Duration::from_millis(900))
        .await
        .unwrap_err();
    assert!(err.is_deadline(), "{err}");
    assert!(err.to_string().contains("job-9"), "{err}");
}

#[tokio::test]
async fn leave_by_date_and_balances_decode_the_documented_bodies() {
    let (server, client) = server().await;
    Mock::given(path(VACATION_GET_LIST_BY_DATE))
        .and(body_json(json!({"day": "2020-11-11", "pageSize": 100})))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(fixture("vacation_get_list_by_date.response.json")),
        )
        .mount(&server)
        .await;
    Mock::given(path(VACATION_REMAIN_GET_LIST))
        .and(body_json(
            json!({"vacationItemCode": "AdjustLeave", "year": 2021, "pageSize": 100}),
        ))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(fixture("vacation_remain_get_list.response.json")),
        )
        .mount(&server)
        .await;
    let leaves: Vec<_> = GetVacationsByDate::new(NaiveDate::from_ymd_opt(2020, 11, 11).unwrap())
        .pages(&client)
        .by_item()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(leaves.len(), 1);
    assert_eq!(leaves[0].vacation_type.as_deref(), Some("病假"));
    assert_eq!(leaves[0].document_type.as_deref(), Some("请假"));
    assert_eq!(
        leaves[0].approve_status,
        Some(VacationApproveStatus::Approved)
    );
    assert_eq!(leaves[0].day_value_of_duration, Some(0.5));
    let balances: Vec<_> = GetVacationRemainList::new("AdjustLeave")
        .year(2021)
        .pages(&client)
        .by_item()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(balances[0].current_year_remain, Some(3.5));
    assert_eq!(balances[0].year.as_deref(), Some("2021"));
    let err = GetVacationRemainList::new(" ")
        .send(&client)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("vacationItemCode"), "{err}");
}

// ---------------------------------------------------------------------------
// Sandbox

fn sandbox_client(sb: &Sandbox) -> BeisenClient {
    let cfg = &sb.config().beisen;
    BeisenClient::builder()
        .base_url(sb.beisen_url())
        .credentials(Credentials::app_key(&cfg.app_key, &cfg.app_secret))
        .build()
        .unwrap()
}

async fn sandbox() -> Sandbox {
    Sandbox::start(SandboxConfig {
        data: DataConfig {
            employees: 2_000,
            ..DataConfig::default()
        },
        ..SandboxConfig::default()
    })
    .await
    .unwrap()
}

#[tokio::test]
async fn sandbox_trips_page_to_the_total_and_belong_to_its_people() {
    let sb = sandbox().await;
    let client = sandbox_client(&sb);
    let today = sb.clock().today();
    let req = GetApprovedBusinessTrips::new(today - ChronoDuration::days(60), today).page_size(7);
    let first = req.clone().send(&client).await.unwrap();
    let total = first.total.unwrap() as usize;
    assert!(total > 100, "about 8 trips a day for 2,000 people: {total}");
    let all: Vec<_> = req.pages(&client).by_item().try_collect().await.unwrap();
    assert_eq!(all.len(), total);
    let mut ids: Vec<_> = all.iter().map(|t| t.object_id.clone().unwrap()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), total, "no trip twice");
    for t in &all {
        let i = sb
            .data()
            .index_of_user_id(t.staff_id.unwrap().get())
            .unwrap();
        assert_eq!(
            t.job_number.as_deref(),
            Some(sb.data().person(i).job_number.as_str())
        );
        assert!(!t.legs.is_empty());
        assert!(t.start_date_time <= t.stop_date_time);
    }
    let outward: Vec<_> = GetApprovedOutwardTrips::new(today - ChronoDuration::days(30), today)
        .page_size(50)
        .pages(&client)
        .by_item()
        .try_collect()
        .await
        .unwrap();
    assert!(!outward.is_empty());
    assert!(
        outward
            .iter()
            .all(|o| o.staff_id.is_some() && o.o_id.is_some())
    );
}

#[tokio::test]
async fn sandbox_write_back_adds_and_removes_trips_through_jobs() {
    let sb = sandbox().await;
    let client = sandbox_client(&sb);
    let now = sb.clock().civil_now();
    let today = now.date();
    let person = sb.data().person(17);
    let (start, stop) = (
        (today + ChronoDuration::days(3))
            .and_hms_opt(9, 0, 0)
            .unwrap(),
        (today + ChronoDuration::days(4))
            .and_hms_opt(18, 0, 0)
            .unwrap(),
    );
    let trip = BusinessTripRecord::new(UserId(person.user_id), start, stop)
        .staff_name(person.name.clone())
        .departure_place("上海")
        .destination("成都");
    let listed = |c: &BeisenClient| {
        let req = GetApprovedBusinessTrips::new(today, today + ChronoDuration::days(1));
        let c = c.clone();
        async move {
            req.pages(&c)
                .by_item()
                .try_collect::<Vec<_>>()
                .await
                .unwrap()
                .into_iter()
                .filter(|t| {
                    t.staff_id == Some(UserId(person.user_id))
                        && t.legs
                            .iter()
                            .any(|l| l.destination.as_deref() == Some("成都"))
                })
                .count()
        }
    };
    let before = listed(&client).await;

    let job = PushBusinessTrips::new([trip.clone()])
        .submit_and_wait(&client)
        .poll_interval(Duration::from_millis(200))
        .await
        .unwrap();
    assert_eq!(job.state, AsyncJobState::AllSuccess);
    assert_eq!(listed(&client).await, before + 1);

    // A row for nobody makes the job partial, and says which row.
    let nobody = BusinessTripRecord::new(UserId(1), start, stop);
    let err = PushBusinessTrips::new([trip.clone(), nobody])
        .submit_and_wait(&client)
        .poll_interval(Duration::from_millis(200))
        .await
        .unwrap_err();
    assert_eq!(err.vendor_code(), Some("PartialSuccess"));
    assert!(err.to_string().contains("第2行"), "{err}");
    let id = err.request_id().unwrap().to_owned();
    let job = GetAsyncJobState::new(id).send(&client).await.unwrap();
    assert_eq!(job.state, AsyncJobState::PartialSuccess);
    assert_eq!(listed(&client).await, before + 2);

    for _ in 0..2 {
        RemoveBusinessTrips::new([trip.clone()])
            .submit_and_wait(&client)
            .poll_interval(Duration::from_millis(200))
            .await
            .unwrap();
    }
    assert_eq!(listed(&client).await, before);
    let err = RemoveBusinessTrips::new([trip])
        .submit_and_wait(&client)
        .poll_interval(Duration::from_millis(200))
        .await
        .unwrap_err();
    assert_eq!(
        err.vendor_code(),
        Some("Fail"),
        "nothing left to remove: {err}"
    );

    // A generated trip can be removed too, and leaves the listing.
    let req = GetApprovedBusinessTrips::new(today - ChronoDuration::days(30), today);
    let all: Vec<_> = req
        .clone()
        .pages(&client)
        .by_item()
        .try_collect()
        .await
        .unwrap();
    let victim = &all[3];
    let (s, e) = (
        victim.start_date_time.clone().unwrap().naive(),
        victim.stop_date_time.clone().unwrap().naive(),
    );
    RemoveBusinessTrips::new([BusinessTripRecord::new(victim.staff_id.unwrap(), s, e)])
        .submit_and_wait(&client)
        .poll_interval(Duration::from_millis(200))
        .await
        .unwrap();
    let after: Vec<_> = req.pages(&client).by_item().try_collect().await.unwrap();
    assert_eq!(after.len(), all.len() - 1);
    assert!(after.iter().all(|t| t.object_id != victim.object_id));
}

#[tokio::test]
async fn sandbox_leave_by_date_and_balances() {
    let sb = sandbox().await;
    let client = sandbox_client(&sb);
    let day = sb.clock().today() - ChronoDuration::days(20);
    let leaves: Vec<_> = GetVacationsByDate::new(day)
        .page_size(3)
        .pages(&client)
        .by_item()
        .try_collect()
        .await
        .unwrap();
    assert!(!leaves.is_empty());
    for l in &leaves {
        assert_eq!(l.vacation_start_date_time.as_ref().unwrap().date(), day);
        assert!(
            sb.data()
                .index_of_user_id(l.staff_id.unwrap().get())
                .is_some()
        );
    }
    let balances: Vec<_> = GetVacationRemainList::new("AnnualLeave")
        .pages(&client)
        .by_item()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(balances.len(), sb.data().len());
    assert!(
        balances
            .iter()
            .all(|b| b.current_year_remain.unwrap() <= b.current_year_limit.unwrap())
    );
    let err = GetVacationRemainList::new("NoSuchLeave")
        .send(&client)
        .await
        .unwrap_err();
    assert_eq!(err.vendor_code(), Some("417"));
}
