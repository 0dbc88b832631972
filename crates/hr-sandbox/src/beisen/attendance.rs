//! `POST /AttendanceOpen/api/v1/Vacation/GetVacationInfoByApprovalTime`:
//! leave requests by approval day, paged by sort cursor.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use chrono::{Duration as ChronoDuration, NaiveDate, NaiveDateTime, NaiveTime};
use serde::Serialize;
use serde::ser::{SerializeMap, SerializeSeq, Serializer};
use serde_json::json;

use super::Beisen;
use super::b64;
use super::events::{Pos, Stream, from_ordinal, ordinal};
use super::json::{Guid, SpacedDt, bytes_response, hash, json_response};
use super::query::{Body, is_json, parse_civil, unsupported_media_type};
use crate::data::{Dataset, USER_ID_BASE};

/// Largest page; larger `pageSize` values are served 100 at a time.
pub(super) const MAX_PAGE: i64 = 100;
const SALT: u64 = 0xA7_7E;

mod msg {
    pub const DATES_MISSING: &str = "approveStartDate和approveStopDate不能为空";
    pub const DATE_FORMAT: &str = "approveStartDate参数格式不正确,请参考接口文档修改后重试！";
    pub const ONE_DAY: &str = "单次只能查询一天的数据,即开始日期需要等于结束日期";
    pub const STATUS: &str = "ApproveStatus参数格式不正确,请参考接口文档修改后重试！";
    pub const PAGE_SIZE: &str = "PageSize参数必须大于0!";
    pub const CURSOR: &str = "QueryCursor参数格式不正确,请参考接口文档修改后重试！";
}

const TYPES: &[(&str, &str)] = &[
    ("年假", "AnnualLeave"),
    ("年假", "AnnualLeave"),
    ("事假", "CasualLeave"),
    ("病假", "SickLeave"),
    ("调休假", "AdjustLeave"),
    ("婚假", "MarriageLeave"),
];
const LENGTHS: &[f64] = &[0.5, 1.0, 1.0, 1.0, 2.0, 3.0, 5.0];
const REASONS: &[&str] = &["家中有事", "身体不适", "外出旅游", "个人事务"];

fn stream(data: &Dataset) -> Stream {
    Stream::new(SALT, data.generated_len() / 100)
}

/// 1 通过 (90%), 2 审批中, 3 不通过, 4 作废.
fn status_of(data: &Dataset, s: &Stream, pos: Pos) -> u8 {
    match s.draw(data, pos, 1) % 100 {
        0..90 => 1,
        90..93 => 2,
        93..97 => 3,
        _ => 4,
    }
}

/// Whether a request asking for `wanted` (0: any) returns a leave of `status`.
/// Requests still in approval are never returned ("不返回审批中的数据").
fn wanted(status: u8, wanted: u8) -> bool {
    status != 2 && (wanted == 0 || status == wanted)
}

fn encode_cursor(salt: u64, pos: Pos, status: u8) -> String {
    let mut bytes = Vec::with_capacity(11);
    bytes.extend_from_slice(&pos.day.to_be_bytes());
    bytes.extend_from_slice(&pos.j.to_be_bytes());
    bytes.push(status);
    let check = (hash(
        salt,
        u64::from(pos.j),
        (pos.day as u64) << 8 | u64::from(status),
    ) & 0xffff) as u16;
    bytes.extend_from_slice(&check.to_be_bytes());
    b64::encode_url(&bytes)
}

fn decode_cursor(salt: u64, text: &str) -> Option<(Pos, u8)> {
    let b = b64::decode(text)?;
    if b.len() != 11 {
        return None;
    }
    let pos = Pos {
        day: i32::from_be_bytes(b[0..4].try_into().ok()?),
        j: u32::from_be_bytes(b[4..8].try_into().ok()?),
    };
    (encode_cursor(salt, pos, b[8]) == text).then_some((pos, b[8]))
}

fn error(message: &str) -> Response {
    json_response(
        StatusCode::OK,
        &json!({"code": "417", "data": [], "message": message}),
    )
}

struct Query {
    day: NaiveDate,
    status: u8,
    page_size: usize,
    cursor: Option<String>,
}

fn read(body: &Body) -> Result<Query, &'static str> {
    let (Ok(Some(start)), Ok(Some(stop))) =
        (body.str("approveStartDate"), body.str("approveStopDate"))
    else {
        return Err(msg::DATES_MISSING);
    };
    let (Some(start), Some(stop)) = (parse_civil(start), parse_civil(stop)) else {
        return Err(msg::DATE_FORMAT);
    };
    if start.date() != stop.date() {
        return Err(msg::ONE_DAY);
    }
    let status = match body.int("approveStatus") {
        Ok(None) => 0,
        Ok(Some(s @ 1..=6)) => s as u8,
        _ => return Err(msg::STATUS),
    };
    let page_size = match body.int("pageSize") {
        Ok(None) => MAX_PAGE,
        Ok(Some(n)) if n > 0 => n.min(MAX_PAGE),
        _ => return Err(msg::PAGE_SIZE),
    };
    let cursor = match body.str("queryCursor") {
        Ok(c) => c.filter(|c| !c.is_empty()).map(str::to_owned),
        Err(_) => return Err(msg::CURSOR),
    };
    Ok(Query {
        day: start.date(),
        status,
        page_size: page_size as usize,
        cursor,
    })
}

pub(super) async fn get_vacation_info_by_approval_time(
    State(b): State<Arc<Beisen>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if !is_json(&headers) {
        return unsupported_media_type();
    }
    let body = match Body::parse(&body) {
        Ok(body) => body,
        Err(m) => return error(&m),
    };
    let q = match read(&body) {
        Ok(q) => q,
        Err(m) => return error(m),
    };
    let data = &b.ctx.data;
    let s = stream(data);
    let day = ordinal(q.day);
    let start = match q.cursor.as_deref().map(|c| decode_cursor(b.salt, c)) {
        None => 0,
        // A cursor only continues the query that made it.
        Some(Some((pos, status))) if pos.day == day && status == q.status => pos.j,
        Some(_) => return error(msg::CURSOR),
    };
    let count = s.count(data, q.day);
    let matches = |j: u32| wanted(status_of(data, &s, Pos { day, j }), q.status);
    let total = (0..count).filter(|&j| matches(j)).count();
    let mut page = Vec::with_capacity(q.page_size);
    let mut next = start;
    while next < count && page.len() < q.page_size {
        if matches(next) {
            page.push(next);
        }
        next += 1;
    }
    let is_last = !(next..count).any(matches);
    let body = Envelope {
        list: Leaves {
            data,
            stream: &s,
            day: q.day,
            count,
            js: &page,
        },
        total,
        cursor: encode_cursor(b.salt, Pos { day, j: next }, q.status),
        is_last,
    };
    match serde_json::to_vec(&body) {
        Ok(bytes) => bytes_response(StatusCode::OK, bytes),
        Err(e) => error(&e.to_string()),
    }
}

struct Envelope<'a> {
    list: Leaves<'a>,
    total: usize,
    cursor: String,
    is_last: bool,
}

impl Serialize for Envelope<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        struct Data<'b>(&'b Envelope<'b>);
        impl Serialize for Data<'_> {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                let mut m = s.serialize_map(Some(4))?;
                m.serialize_entry("vacationList", &self.0.list)?;
                m.serialize_entry("total", &self.0.total)?;
                m.serialize_entry("sortCursor", &self.0.cursor)?;
                m.serialize_entry("isLastPage", &self.0.is_last)?;
                m.end()
            }
        }
        let mut m = s.serialize_map(Some(3))?;
        m.serialize_entry("code", "200")?;
        m.serialize_entry("message", "")?;
        m.serialize_entry("data", &Data(self))?;
        m.end()
    }
}

struct Leaves<'a> {
    data: &'a Dataset,
    stream: &'a Stream,
    day: NaiveDate,
    count: u32,
    js: &'a [u32],
}

impl Serialize for Leaves<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.js.len()))?;
        for &j in self.js {
            seq.serialize_element(&Leave {
                l: self,
                pos: Pos {
                    day: ordinal(self.day),
                    j,
                },
            })?;
        }
        seq.end()
    }
}

struct Leave<'a> {
    l: &'a Leaves<'a>,
    pos: Pos,
}

impl Serialize for Leave<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (data, st, pos) = (self.l.data, self.l.stream, self.pos);
        let draw = |salt| st.draw(data, pos, salt);
        let approved: NaiveDateTime = st.time(data, self.l.day, pos.j, self.l.count);
        let cancel = draw(2) % 100 < 8;
        let days = LENGTHS[(draw(3) % LENGTHS.len() as u64) as usize];
        let (name, code) = TYPES[(draw(4) % TYPES.len() as u64) as usize];
        let type_index = TYPES.iter().position(|t| t.1 == code).unwrap_or(0) as u64;
        let first = from_ordinal(pos.day).unwrap_or(self.l.day)
            + ChronoDuration::days(1 + (draw(5) % 14) as i64);
        let begin = first.and_time(NaiveTime::from_hms_opt(9, 0, 0).unwrap_or_default());
        let end = if days < 1.0 {
            first.and_time(NaiveTime::from_hms_opt(13, 0, 0).unwrap_or_default())
        } else {
            (first + ChronoDuration::days(days as i64 - 1))
                .and_time(NaiveTime::from_hms_opt(18, 0, 0).unwrap_or_default())
        };
        let sign = if cancel { -1.0 } else { 1.0 };
        let half = (days < 1.0).then_some(1);
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("vacationId", &Guid(draw(6), draw(7)))?;
        m.serialize_entry(
            "userID",
            &(USER_ID_BASE + (draw(8) % data.generated_len() as u64) as i64),
        )?;
        m.serialize_entry(
            "oIdVacationType",
            &Guid::of(data.tenant_id() as u64, type_index, SALT),
        )?;
        m.serialize_entry("vacationItemName", name)?;
        m.serialize_entry("vacationItemCode", code)?;
        m.serialize_entry("documentType", &(if cancel { 2 } else { 1 }))?;
        m.serialize_entry("approveStatus", &status_of(data, st, pos))?;
        m.serialize_entry("isCancel", if cancel { "1" } else { "0" })?;
        m.serialize_entry("vacationDuration", &((sign * days * 480.0) as i64))?;
        m.serialize_entry("dayValueOfDuration", &(sign * days))?;
        m.serialize_entry("vacationDurationIncludeUnit", &format!("{}天", sign * days))?;
        m.serialize_entry("vacationStartDateTime", &SpacedDt(begin))?;
        m.serialize_entry("vacationStopDateTime", &SpacedDt(end))?;
        m.serialize_entry("halfDayStartOption", &half)?;
        m.serialize_entry("halfDayStopOption", &half)?;
        m.serialize_entry("approveCompleteDateTime", &SpacedDt(approved))?;
        m.serialize_entry("reason", REASONS[(draw(9) % REASONS.len() as u64) as usize])?;
        m.serialize_entry(
            "createdTime",
            &SpacedDt(approved - ChronoDuration::hours(1 + (draw(10) % 48) as i64)),
        )?;
        m.serialize_entry("modifiedTime", &SpacedDt(approved))?;
        m.end()
    }
}

// ---------------------------------------------------------------------------
// Vacation/GetListByDate: the same leave requests, by the day they start.

mod by_date {
    pub const DAY_MISSING: &str = "day不能为空";
    pub const DAY_FORMAT: &str = "day参数格式不正确,请参考接口文档修改后重试！";
    pub const ITEM_MISSING: &str = "vacationItemCode不能为空";
    pub const ITEM_UNKNOWN: &str = "休假项目不存在";
    pub const YEAR: &str = "year参数格式不正确,请参考接口文档修改后重试！";
}

/// A leave request starts 1 to 14 days after its approval day.
const LEAD_DAYS: i64 = 14;
const BY_DATE_SALT: u64 = 0x1D_A7;
const REMAIN_SALT: u64 = 0x2E_A1;

/// The day leave `pos` starts (see [`Leave`]'s fields, drawn alike).
fn first_day_of(data: &Dataset, s: &Stream, pos: Pos) -> Option<NaiveDate> {
    Some(from_ordinal(pos.day)? + ChronoDuration::days(1 + (s.draw(data, pos, 5) % 14) as i64))
}

fn page_size_of(body: &Body) -> Result<usize, &'static str> {
    match body.int("pageSize") {
        Ok(None) => Ok(MAX_PAGE as usize),
        Ok(Some(n)) if n > 0 => Ok(n.min(MAX_PAGE) as usize),
        _ => Err(msg::PAGE_SIZE),
    }
}

fn cursor_of(body: &Body) -> Result<Option<String>, &'static str> {
    match body.str("queryCursor") {
        Ok(c) => Ok(c.filter(|c| !c.is_empty()).map(str::to_owned)),
        Err(_) => Err(msg::CURSOR),
    }
}

/// `POST /AttendanceOpen/api/v1/Vacation/GetListByDate`: the leave
/// requests that start on `day`, every approval state, in the shape of the
/// vendor's example (labels for `vacationType`, `documentType` and
/// `approveStatus`).
pub(super) async fn get_list_by_date(
    State(b): State<Arc<Beisen>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if !is_json(&headers) {
        return unsupported_media_type();
    }
    let body = match Body::parse(&body) {
        Ok(body) => body,
        Err(m) => return error(&m),
    };
    let day = match body.str("day") {
        Ok(Some(d)) => match parse_civil(d) {
            Some(t) => t.date(),
            None => return error(by_date::DAY_FORMAT),
        },
        Ok(None) => return error(by_date::DAY_MISSING),
        Err(_) => return error(by_date::DAY_FORMAT),
    };
    let (page_size, cursor) = match page_size_of(&body).and_then(|n| Ok((n, cursor_of(&body)?))) {
        Ok(q) => q,
        Err(m) => return error(m),
    };
    let data = &b.ctx.data;
    let s = stream(data);
    let first = ordinal(day) - LEAD_DAYS as i32;
    let salt = b.salt ^ BY_DATE_SALT;
    let mut pos = match cursor.as_deref().map(|c| decode_cursor(salt, c)) {
        None => Pos { day: first, j: 0 },
        Some(Some((p, 0))) if (first..ordinal(day)).contains(&p.day) => p,
        Some(_) => return error(msg::CURSOR),
    };
    let starts_on_day = |p: Pos| first_day_of(data, &s, p) == Some(day);
    let count_of = |d: i32| from_ordinal(d).map_or(0, |dd| s.count(data, dd));
    let total = (first..ordinal(day))
        .map(|d| {
            (0..count_of(d))
                .filter(|&j| starts_on_day(Pos { day: d, j }))
                .count()
        })
        .sum::<usize>();
    let mut page = Vec::new();
    while pos.day < ordinal(day) && page.len() < page_size {
        if pos.j >= count_of(pos.day) {
            pos = Pos {
                day: pos.day + 1,
                j: 0,
            };
            continue;
        }
        if starts_on_day(pos) {
            page.push(pos);
        }
        pos.j += 1;
    }
    let is_last = {
        let mut p = pos;
        let mut more = false;
        while p.day < ordinal(day) && !more {
            if p.j >= count_of(p.day) {
                p = Pos {
                    day: p.day + 1,
                    j: 0,
                };
                continue;
            }
            more = starts_on_day(p);
            p.j += 1;
        }
        !more
    };
    let list: Vec<serde_json::Value> = page
        .iter()
        .map(|&p| {
            let draw = |salt| s.draw(data, p, salt);
            let cancel = draw(2) % 100 < 8;
            let days = LENGTHS[(draw(3) % LENGTHS.len() as u64) as usize];
            let (name, _) = TYPES[(draw(4) % TYPES.len() as u64) as usize];
            let begin = day.and_time(NaiveTime::from_hms_opt(9, 0, 0).unwrap_or_default());
            let end = if days < 1.0 {
                day.and_time(NaiveTime::from_hms_opt(13, 0, 0).unwrap_or_default())
            } else {
                (day + ChronoDuration::days(days as i64 - 1))
                    .and_time(NaiveTime::from_hms_opt(18, 0, 0).unwrap_or_default())
            };
            let index = (draw(8) % data.generated_len() as u64) as usize;
            let person = data.person(index);
            let sign = if cancel { -1.0 } else { 1.0 };
            let status = ["通过", "审批中", "不通过", "作废"]
                [usize::from(status_of(data, &s, p).saturating_sub(1)).min(3)];
            json!({
                "vacationId": Guid(draw(6), draw(7)),
                "staffId": person.user_id,
                "staffEmail": person.email,
                "attendanceOrg": data.org(person.org_oid).map(|o| o.name.clone()),
                "vacationType": name,
                "vacationStartDateTime": SpacedDt(begin),
                "vacationStopDateTime": SpacedDt(end),
                "vacationDuration": (sign * days * 480.0) as i64,
                "dayValueOfDuration": sign * days,
                "vacationDurationIncludeUnit": format!("{}天", sign * days),
                "documentType": if cancel { "销假" } else { "请假" },
                "approveStatus": status,
                "applicant": person.name,
                "reason": REASONS[(draw(9) % REASONS.len() as u64) as usize],
            })
        })
        .collect();
    json_response(
        StatusCode::OK,
        &json!({"code": "200", "message": "", "data": {
            "vacationList": list,
            "total": total,
            "sortCursor": encode_cursor(salt, pos, 0),
            "isLastPage": is_last,
        }}),
    )
}

/// `POST /AttendanceOpen/api/v1/VacationRemain/GetVacationRemainList`:
/// every person's balance of one leave type, by dataset order.
pub(super) async fn get_vacation_remain_list(
    State(b): State<Arc<Beisen>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if !is_json(&headers) {
        return unsupported_media_type();
    }
    let body = match Body::parse(&body) {
        Ok(body) => body,
        Err(m) => return error(&m),
    };
    let code = match body.str("vacationItemCode") {
        Ok(Some(c)) if !c.trim().is_empty() => c.trim().to_owned(),
        _ => return error(by_date::ITEM_MISSING),
    };
    let Some(kind) = TYPES.iter().position(|t| t.1.eq_ignore_ascii_case(&code)) else {
        return error(by_date::ITEM_UNKNOWN);
    };
    let (name, code) = TYPES[kind];
    let year = match body.int("year") {
        Ok(None) => chrono::Datelike::year(&b.ctx.clock.today()),
        Ok(Some(y @ 1900..=2999)) => y as i32,
        _ => return error(by_date::YEAR),
    };
    let (page_size, cursor) = match page_size_of(&body).and_then(|n| Ok((n, cursor_of(&body)?))) {
        Ok(q) => q,
        Err(m) => return error(m),
    };
    let data = &b.ctx.data;
    let salt = b.salt ^ REMAIN_SALT;
    let start = match cursor.as_deref().map(|c| decode_cursor(salt, c)) {
        None => 0,
        Some(Some((p, k))) if p.day == year && usize::from(k) == kind => p.j as usize,
        Some(_) => return error(msg::CURSOR),
    };
    let total = data.len();
    let end = (start + page_size).min(total);
    let seed = data.config().seed;
    let list: Vec<serde_json::Value> = (start..end)
        .map(|i| {
            let p = data.person(i);
            let h = |salt: u64| hash(seed ^ REMAIN_SALT, i as u64, salt ^ kind as u64);
            let years = year - chrono::Datelike::year(&p.entry_date);
            let limit: f64 = match code {
                "AnnualLeave" if years >= 20 => 15.0,
                "AnnualLeave" if years >= 10 => 10.0,
                "AnnualLeave" => 5.0,
                "SickLeave" => 12.0,
                "CasualLeave" => 10.0,
                "AdjustLeave" => (h(1) % 6) as f64,
                _ => 3.0,
            };
            let used = ((h(2) % (limit as u64 * 2 + 1)) as f64) / 2.0;
            let surplus = if code == "AnnualLeave" {
                (h(3) % 4) as f64
            } else {
                0.0
            };
            let surplus_left =
                (surplus - ((h(4) % (surplus as u64 * 2 + 1)) as f64) / 2.0).max(0.0);
            json!({
                "userId": p.user_id,
                "userName": p.name,
                "userEmail": p.email,
                "year": year.to_string(),
                "vacationTypeName": name,
                "currentYearLimit": limit,
                "currentYearRemain": limit - used,
                "lastYearSurplusLimit": surplus,
                "lastYearSurplusRemain": surplus_left,
                "currentYearTotalLimit": limit + surplus,
                "currentYearTotalRemain": limit - used + surplus_left,
                "transferStatus": "未结转",
                "currentYearEffectiveDate": format!("{year}-01-01 00:00:00"),
                "lastYearSurplusEffectiveDate": format!("{}-01-01 00:00:00", year - 1),
            })
        })
        .collect();
    json_response(
        StatusCode::OK,
        &json!({"code": "200", "message": "", "data": {
            "vacationRemainList": list,
            "total": total,
            "sortCursor": encode_cursor(salt, Pos { day: year, j: end as u32 }, kind as u8),
            "isLastPage": end >= total,
        }}),
    )
}
