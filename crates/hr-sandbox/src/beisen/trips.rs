//! Business trips (出差) and outward trips (公出) of the attendance API, and
//! the asynchronous write-back of business trips with its job status.
//!
//! Trips are dated events like leave requests ([`super::events`]): about
//! one business trip a day for every 250 people, approved between 08:00
//! and 20:00, each of a person of the dataset (`StaffId`, `JobNumber`,
//! `StaffEmail` are that person's) and starting 1–10 days after approval.
//! Pushed trips (`POST Business`) are stored, approved at the push, and
//! listed after the generated ones; `Business/Remove` hides generated or
//! pushed trips matched by person and start and stop times.
//!
//! Replies are PascalCase, `Code` an integer, as the production plugin
//! reads them (yxd9485/OpenApi `BeiSenBusinessListDTO`,
//! `BeisenOutwardApplyListDTO`); the request keys match ignoring case, and
//! the window's end is read from `EndDate` or `StopDate` (the plugin sends
//! one to each endpoint).

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use chrono::{Duration as ChronoDuration, NaiveDateTime, NaiveTime};
use serde_json::{Map, Value, json};

use super::Beisen;
use super::employee::index_of_email;
use super::events::{Pos, Stream, from_ordinal, ordinal};
use super::json::{Guid, SpacedDt, json_response};
use super::query::{Body, is_json, parse_civil, unsupported_media_type};
use crate::data::Dataset;

const BUSINESS_SALT: u64 = 0xB5_71;
const OUTWARD_SALT: u64 = 0x0A_7D;
/// Largest page; larger `PageSize` values are served this many at a time.
const MAX_PAGE: i64 = 300;
/// Most records one push or removal takes.
const MAX_RECORDS: usize = 1_000;

const CITIES: &[&str] = &[
    "北京", "上海", "广州", "深圳", "杭州", "成都", "武汉", "西安", "南京",
];
const VEHICLES: &[&str] = &["飞机", "火车", "汽车", "其他"];
const REASONS: &[&str] = &["客户拜访", "项目实施", "参加会议", "培训", "供应商审核"];
const OUTWARD_TYPES: &[&str] = &["外出办事", "拜访客户", "外出培训"];

mod msg {
    pub const START: &str = "StartDate参数格式不正确,请参考接口文档修改后重试！";
    pub const END: &str = "EndDate参数格式不正确,请参考接口文档修改后重试！";
    pub const ORDER: &str = "开始时间不能大于结束时间";
    pub const PAGE_INDEX: &str = "PageIndex参数必须大于0!";
    pub const PAGE_SIZE: &str = "PageSize参数必须大于0!";
    pub const LIST: &str = "BusinessList不能为空";
    pub const TOO_MANY: &str = "BusinessList一次最多1000条";
    pub const REQUEST_ID: &str = "requestId不能为空";
    pub const NO_JOB: &str = "未找到该请求ID对应的任务";
}

/// A trip as the write-back and the listing see it.
#[derive(Debug, Clone, PartialEq)]
struct Pushed {
    object_id: String,
    index: usize,
    start: NaiveDateTime,
    stop: NaiveDateTime,
    approved: NaiveDateTime,
    departure: Option<String>,
    destination: Option<String>,
    vehicle: Option<String>,
    reason: Option<String>,
    removed: bool,
}

/// An asynchronous job: `Running` for its first poll, then its outcome.
#[derive(Debug, Clone)]
struct Job {
    polls: u32,
    state: &'static str,
    message: Option<String>,
}

/// What the write-back changed, and the jobs of the writes.
#[derive(Debug, Default)]
pub(super) struct Trips {
    inner: Mutex<TripsState>,
}

#[derive(Debug, Default)]
struct TripsState {
    pushed: Vec<Pushed>,
    /// Generated trips removed, by position.
    removed: BTreeSet<Pos>,
    jobs: HashMap<String, Job>,
    next: u64,
}

impl Trips {
    fn lock(&self) -> std::sync::MutexGuard<'_, TripsState> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }
}

fn business(data: &Dataset) -> Stream {
    Stream::new(BUSINESS_SALT, data.generated_len() / 250)
}

fn outward(data: &Dataset) -> Stream {
    Stream::new(OUTWARD_SALT, data.generated_len() / 400)
}

fn pick<'a>(items: &[&'a str], h: u64) -> &'a str {
    items[(h % items.len() as u64) as usize]
}

/// The facts of generated trip `pos` of stream `s`.
struct Trip {
    index: usize,
    approved: NaiveDateTime,
    start: NaiveDateTime,
    stop: NaiveDateTime,
    legs: Vec<(String, String, String)>,
    reason: &'static str,
}

fn trip(data: &Dataset, s: &Stream, pos: Pos) -> Trip {
    let draw = |salt| s.draw(data, pos, salt);
    let day = from_ordinal(pos.day).unwrap_or_else(|| data.config().span_start);
    let count = s.count(data, day);
    let approved = s.time(data, day, pos.j, count);
    let index = (draw(1) % data.generated_len().max(1) as u64) as usize;
    let first = day + ChronoDuration::days(1 + (draw(2) % 10) as i64);
    let days = 1 + (draw(3) % 5) as i64;
    let nine = NaiveTime::from_hms_opt(9, 0, 0).unwrap_or_default();
    let six = NaiveTime::from_hms_opt(18, 0, 0).unwrap_or_default();
    let start = first.and_time(nine);
    let stop = (first + ChronoDuration::days(days - 1)).and_time(six);
    let from = pick(CITIES, draw(4));
    let mut to = pick(CITIES, draw(5));
    if to == from {
        to = pick(CITIES, draw(5) + 1);
    }
    let vehicle = pick(VEHICLES, draw(6)).to_owned();
    let mut legs = vec![(from.to_owned(), to.to_owned(), vehicle.clone())];
    if days > 1 && draw(7) % 2 == 0 {
        legs.push((to.to_owned(), from.to_owned(), vehicle));
    }
    Trip {
        index,
        approved,
        start,
        stop,
        legs,
        reason: pick(REASONS, draw(8)),
    }
}

fn pascal_error(message: &str) -> Response {
    json_response(
        StatusCode::OK,
        &json!({"Code": 417, "Message": message, "Data": null}),
    )
}

/// `[start, stop)` of a `StartDate`/`EndDate` pair: a date-only end takes
/// the whole day, a date-time end is inclusive.
fn window(body: &Body) -> Result<(NaiveDateTime, NaiveDateTime), &'static str> {
    let start = body
        .str("StartDate")
        .ok()
        .flatten()
        .and_then(parse_civil)
        .ok_or(msg::START)?;
    let end_text = match body.str("EndDate") {
        Ok(Some(t)) => Some(t),
        _ => body.str("StopDate").ok().flatten(),
    }
    .ok_or(msg::END)?;
    let end = parse_civil(end_text).ok_or(msg::END)?;
    let stop = if end_text.trim().len() == 10 {
        end + ChronoDuration::days(1)
    } else {
        end + ChronoDuration::seconds(1)
    };
    if start > end {
        return Err(msg::ORDER);
    }
    Ok((start, stop))
}

fn paging(body: &Body) -> Result<(usize, usize), &'static str> {
    let index = match body.int("PageIndex") {
        Ok(None) => 1,
        Ok(Some(n)) if n > 0 => n,
        _ => return Err(msg::PAGE_INDEX),
    };
    let size = match body.int("PageSize") {
        Ok(None) => 100,
        Ok(Some(n)) if n > 0 => n.min(MAX_PAGE),
        _ => return Err(msg::PAGE_SIZE),
    };
    Ok(((index - 1) as usize * size as usize, size as usize))
}

/// Generated events of `s` in `[start, stop)` but `removed`: how many, and
/// the `take` from the `skip`-th on.
fn select(
    data: &Dataset,
    s: &Stream,
    start: NaiveDateTime,
    stop: NaiveDateTime,
    removed: &BTreeSet<Pos>,
    mut skip: usize,
    take: usize,
) -> (usize, Vec<Pos>) {
    let (from, to) = s.bounds(data, start, stop);
    let mut total = 0;
    let mut out = Vec::new();
    for d in from.day..=to.day {
        let Some(day) = from_ordinal(d) else { continue };
        let count = s.count(data, day);
        let lo = if d == from.day { from.j.min(count) } else { 0 };
        let hi = if d == to.day { to.j.min(count) } else { count };
        if lo >= hi {
            continue;
        }
        let gone = removed
            .range(Pos { day: d, j: lo }..Pos { day: d, j: hi })
            .count();
        let here = (hi - lo) as usize - gone;
        total += here;
        if out.len() >= take || skip >= here {
            skip = skip.saturating_sub(here);
            continue;
        }
        for j in lo..hi {
            let pos = Pos { day: d, j };
            if removed.contains(&pos) {
                continue;
            }
            if skip > 0 {
                skip -= 1;
            } else if out.len() < take {
                out.push(pos);
            }
        }
    }
    (total, out)
}

fn person_keys(data: &Dataset, index: usize, m: &mut Map<String, Value>) {
    let p = data.person(index);
    m.insert("StaffId".into(), json!(p.user_id));
    m.insert("JobNumber".into(), json!(p.job_number));
    m.insert("StaffEmail".into(), json!(p.email));
    m.insert("StdOrganization".into(), json!(p.org_oid.to_string()));
    if let Some(org) = data.org(p.org_oid) {
        m.insert("StdOrganizationCode".into(), json!(org.code));
    }
}

fn leg(from: &str, to: &str, vehicle: &str, start: NaiveDateTime, stop: NaiveDateTime) -> Value {
    json!({
        "DeparturePlace": from,
        "Destination": to,
        "BusinessVehicle": vehicle,
        "StartDateTime": SpacedDt(start),
        "StopDateTime": SpacedDt(stop),
        "Address": null,
        "Remark": null,
    })
}

fn business_record(
    data: &Dataset,
    object_id: String,
    index: usize,
    approved: NaiveDateTime,
    (start, stop): (NaiveDateTime, NaiveDateTime),
    legs: Vec<Value>,
    reason: Option<&str>,
) -> Value {
    let days = (stop.date() - start.date()).num_days() + 1;
    let mut m = Map::new();
    m.insert("ObjectId".into(), json!(object_id));
    person_keys(data, index, &mut m);
    m.insert("StartDateTime".into(), json!(SpacedDt(start)));
    m.insert("StopDateTime".into(), json!(SpacedDt(stop)));
    m.insert("ApproveStatus".into(), json!("通过"));
    m.insert("DocumentType".into(), json!("出差"));
    m.insert("Reason".into(), json!(reason));
    m.insert(
        "ApplyTime".into(),
        json!(SpacedDt(approved - ChronoDuration::hours(2))),
    );
    m.insert("DayValOfDuration".into(), json!(days));
    m.insert("DurationDisplay".into(), json!(format!("{days}天")));
    m.insert("ModifiedTime".into(), json!(SpacedDt(approved)));
    m.insert("BusinessDetailsSync".into(), Value::Array(legs));
    Value::Object(m)
}

/// `POST /AttendanceOpen/api/v1/Business/GetApprovalCompletedBusinessList`.
pub(super) async fn approved_business_list(
    State(b): State<Arc<Beisen>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if !is_json(&headers) {
        return unsupported_media_type();
    }
    let body = match Body::parse(&body) {
        Ok(body) => body,
        Err(m) => return pascal_error(&m),
    };
    let ((start, stop), (skip, take)) = match window(&body).and_then(|w| Ok((w, paging(&body)?))) {
        Ok(q) => q,
        Err(m) => return pascal_error(m),
    };
    let data = &b.ctx.data;
    let s = business(data);
    let state = b.trips.lock();
    let (generated, positions) = select(data, &s, start, stop, &state.removed, skip, take);
    let pushed: Vec<&Pushed> = state
        .pushed
        .iter()
        .filter(|p| !p.removed && p.approved >= start && p.approved < stop)
        .collect();
    let mut list: Vec<Value> = positions
        .iter()
        .map(|&pos| {
            let t = trip(data, &s, pos);
            let legs = t
                .legs
                .iter()
                .enumerate()
                .map(|(i, (from, to, v))| {
                    let (a, z) = if i == 0 {
                        (t.start, t.start + ChronoDuration::hours(3))
                    } else {
                        (t.stop - ChronoDuration::hours(3), t.stop)
                    };
                    leg(from, to, v, a, z)
                })
                .collect();
            business_record(
                data,
                Guid(s.draw(data, pos, 11), s.draw(data, pos, 12)).to_string(),
                t.index,
                t.approved,
                (t.start, t.stop),
                legs,
                Some(t.reason),
            )
        })
        .collect();
    let room = take - list.len();
    let skip_pushed = skip.saturating_sub(generated);
    list.extend(pushed.iter().skip(skip_pushed).take(room).map(|p| {
        let legs = match (&p.departure, &p.destination) {
            (None, None) => Vec::new(),
            (from, to) => vec![leg(
                from.as_deref().unwrap_or(""),
                to.as_deref().unwrap_or(""),
                p.vehicle.as_deref().unwrap_or("其他"),
                p.start,
                p.stop,
            )],
        };
        business_record(
            data,
            p.object_id.clone(),
            p.index,
            p.approved,
            (p.start, p.stop),
            legs,
            p.reason.as_deref(),
        )
    }));
    let total = generated + pushed.len();
    json_response(
        StatusCode::OK,
        &json!({"Code": 200, "Message": null, "Data": {"Total": total, "BusinessList": list}}),
    )
}

/// `POST /AttendanceOpen/api/v1/Outward/GetApprovalCompletedOutwardList`.
pub(super) async fn approved_outward_list(
    State(b): State<Arc<Beisen>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if !is_json(&headers) {
        return unsupported_media_type();
    }
    let body = match Body::parse(&body) {
        Ok(body) => body,
        Err(m) => return pascal_error(&m),
    };
    let ((start, stop), (skip, take)) = match window(&body).and_then(|w| Ok((w, paging(&body)?))) {
        Ok(q) => q,
        Err(m) => return pascal_error(m),
    };
    let data = &b.ctx.data;
    let s = outward(data);
    let (total, positions) = select(data, &s, start, stop, &BTreeSet::new(), skip, take);
    let list: Vec<Value> = positions
        .iter()
        .map(|&pos| {
            let draw = |salt| s.draw(data, pos, salt);
            let day = from_ordinal(pos.day).unwrap_or(start.date());
            let approved = s.time(data, day, pos.j, s.count(data, day));
            let index = (draw(1) % data.generated_len().max(1) as u64) as usize;
            let p = data.person(index);
            let first = day + ChronoDuration::days(1 + (draw(2) % 5) as i64);
            let from_h = 9 + (draw(3) % 6) as u32;
            let hours = 1 + (draw(4) % 3) as u32;
            let at = |h: u32| first.and_time(NaiveTime::from_hms_opt(h, 0, 0).unwrap_or_default());
            json!({
                "OId": Guid(draw(11), draw(12)).to_string(),
                "StaffId": p.user_id.to_string(),
                "UserID": p.user_id.to_string(),
                "StaffEmail": p.email,
                "StdOrganization": p.org_oid.to_string(),
                "OutwardType": pick(OUTWARD_TYPES, draw(5)),
                "OutwardReason": pick(REASONS, draw(6)),
                "OutwardStartDateTime": SpacedDt(at(from_h)),
                "OutwardStopDateTime": SpacedDt(at(from_h + hours)),
                "DurationDisplay": format!("{hours}小时"),
                "OutwardActualDurationIncludeUnit": format!("{hours}小时"),
                "ApplyTime": SpacedDt(approved - ChronoDuration::hours(1)),
                "ApproveStatus": "通过",
                "Properties": {},
            })
        })
        .collect();
    json_response(
        StatusCode::OK,
        &json!({"Code": 200, "Message": null, "Data": {"Total": total, "OutwardInfos": list}}),
    )
}

/// A record of a push or removal, resolved: who and when, or why not.
fn resolve(
    data: &Dataset,
    record: &Value,
) -> Result<(usize, NaiveDateTime, NaiveDateTime), String> {
    let get = |k: &str| {
        record.as_object().and_then(|m| {
            m.iter()
                .find(|(key, _)| key.eq_ignore_ascii_case(k))
                .map(|(_, v)| v)
        })
    };
    let text = |k: &str| match get(k) {
        Some(Value::String(s)) if !s.trim().is_empty() => Some(s.trim().to_owned()),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    };
    let index = match (text("StaffId"), text("StaffEmail")) {
        (Some(id), _) => id
            .parse::<i64>()
            .ok()
            .and_then(|id| data.index_of_user_id(id))
            .ok_or_else(|| format!("员工不存在: StaffId {id}"))?,
        (None, Some(email)) => index_of_email(data, &email.to_lowercase())
            .ok_or_else(|| format!("员工不存在: StaffEmail {email}"))?,
        (None, None) => return Err("StaffId和StaffEmail不能同时为空".into()),
    };
    let time = |k: &str| {
        text(k)
            .as_deref()
            .and_then(parse_civil)
            .ok_or_else(|| format!("{k}格式不正确"))
    };
    let (start, stop) = (time("StartDateTime")?, time("StopDateTime")?);
    if stop < start {
        return Err("结束时间不能早于开始时间".into());
    }
    Ok((index, start, stop))
}

fn records(body: &Body) -> Result<Vec<Value>, &'static str> {
    match body.get("BusinessList") {
        Some(Value::Array(list)) if list.len() > MAX_RECORDS => Err(msg::TOO_MANY),
        Some(Value::Array(list)) if !list.is_empty() => Ok(list.clone()),
        _ => Err(msg::LIST),
    }
}

/// Records the job of a write and answers it, the job id in the header.
fn accepted(b: &Beisen, state: &mut TripsState, failures: Vec<String>, total: usize) -> Response {
    state.next += 1;
    let id = Guid::of(b.salt, state.next, 0xA5).to_string();
    let (job_state, message) = match failures.len() {
        0 => ("AllSuccess", None),
        n if n == total => ("Fail", Some(failures.join("；"))),
        _ => ("PartialSuccess", Some(failures.join("；"))),
    };
    state.jobs.insert(
        id.clone(),
        Job {
            polls: 0,
            state: job_state,
            message,
        },
    );
    b.ctx.counters.incr("async_jobs.beisen");
    let mut resp = json_response(StatusCode::OK, &json!({"Code": 200, "Message": null}));
    if let Ok(v) = HeaderValue::from_str(&id) {
        resp.headers_mut().insert("x-paas-request-id", v);
    }
    resp
}

/// `POST /AttendanceOpen/api/v1/Business`: stores the trips that resolve
/// to a person; the job reports the others, row by row.
pub(super) async fn push(
    State(b): State<Arc<Beisen>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if !is_json(&headers) {
        return unsupported_media_type();
    }
    let list = match Body::parse(&body)
        .map_err(|_| msg::LIST)
        .and_then(|b| records(&b))
    {
        Ok(list) => list,
        Err(m) => return pascal_error(m),
    };
    let data = &b.ctx.data;
    let now = b.ctx.clock.civil_now();
    let mut state = b.trips.lock();
    let mut failures = Vec::new();
    for (row, record) in list.iter().enumerate() {
        match resolve(data, record) {
            Ok((index, start, stop)) => {
                let text = |k: &str| {
                    record
                        .as_object()
                        .and_then(|m| m.iter().find(|(key, _)| key.eq_ignore_ascii_case(k)))
                        .and_then(|(_, v)| v.as_str())
                        .map(str::to_owned)
                };
                state.next += 1;
                let object_id = Guid::of(b.salt, state.next, 0xB0).to_string();
                state.pushed.push(Pushed {
                    object_id,
                    index,
                    start,
                    stop,
                    approved: now,
                    departure: text("DeparturePlace"),
                    destination: text("Destination"),
                    vehicle: text("BusinessVehicle"),
                    reason: text("Reason"),
                    removed: false,
                });
            }
            Err(why) => failures.push(format!("第{}行：{why}", row + 1)),
        }
    }
    accepted(&b, &mut state, failures, list.len())
}

/// `POST /AttendanceOpen/api/v1/Business/Remove`: removes the pushed or
/// generated trips of the same person, start and stop; the job reports
/// rows that matched none.
pub(super) async fn remove(
    State(b): State<Arc<Beisen>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if !is_json(&headers) {
        return unsupported_media_type();
    }
    let list = match Body::parse(&body)
        .map_err(|_| msg::LIST)
        .and_then(|b| records(&b))
    {
        Ok(list) => list,
        Err(m) => return pascal_error(m),
    };
    let data = &b.ctx.data;
    let s = business(data);
    let mut state = b.trips.lock();
    let mut failures = Vec::new();
    for (row, record) in list.iter().enumerate() {
        let found = resolve(data, record).and_then(|(index, start, stop)| {
            if let Some(p) = state
                .pushed
                .iter_mut()
                .find(|p| !p.removed && p.index == index && p.start == start && p.stop == stop)
            {
                p.removed = true;
                return Ok(());
            }
            // A generated trip starts 1 to 10 days after its approval.
            for back in 1..=10 {
                let day = start.date() - ChronoDuration::days(back);
                for j in 0..s.count(data, day) {
                    let pos = Pos {
                        day: ordinal(day),
                        j,
                    };
                    if state.removed.contains(&pos) {
                        continue;
                    }
                    let t = trip(data, &s, pos);
                    if t.index == index && t.start == start && t.stop == stop {
                        state.removed.insert(pos);
                        return Ok(());
                    }
                }
            }
            Err("未找到对应的出差数据".to_owned())
        });
        if let Err(why) = found {
            failures.push(format!("第{}行：{why}", row + 1));
        }
    }
    accepted(&b, &mut state, failures, list.len())
}

/// `GET /OpenPlatform/api/AsyncApiExecInfo/GetByRequestId?requestId=`:
/// `Running` on the first poll of a job, its outcome after.
pub(super) async fn job_state(State(b): State<Arc<Beisen>>, RawQuery(query): RawQuery) -> Response {
    let id = query.as_deref().unwrap_or("").split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=')?;
        k.eq_ignore_ascii_case("requestId")
            .then(|| v.trim().to_owned())
    });
    let Some(id) = id.filter(|id| !id.is_empty()) else {
        return json_response(
            StatusCode::OK,
            &json!({"code": "417", "message": msg::REQUEST_ID, "data": null}),
        );
    };
    let mut state = b.trips.lock();
    let Some(job) = state.jobs.get_mut(&id) else {
        return json_response(
            StatusCode::OK,
            &json!({"code": "417", "message": msg::NO_JOB, "data": null}),
        );
    };
    job.polls += 1;
    let (s, message) = if job.polls == 1 {
        ("Running", None)
    } else {
        (job.state, job.message.clone())
    };
    json_response(
        StatusCode::OK,
        &json!({"code": "200", "message": "", "data": {"state": s, "message": message, "progress": null}}),
    )
}
