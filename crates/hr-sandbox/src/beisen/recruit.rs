//! `POST /RecruitV6/api/v1/Apply/GetApplyListByModifiedTime`: job
//! applications changed in a window, in batches of 1000.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use chrono::NaiveDateTime;
use serde_json::{Value, json};

use super::Beisen;
use super::events::{Pos, Stream, ordinal};
use super::json::{Guid, hash, json_response};
use super::query::{Body, is_json, parse_civil, unsupported_media_type};
use super::scroll::{es_id, node_id, parse_es_id};
use crate::data::Dataset;

/// Applications per batch, as documented ("每批次返回1000条数据").
pub(super) const BATCH: usize = 1000;
const SALT: u64 = 0x4EC2_0017;

mod msg {
    pub const TIMES_MISSING: &str = "开始时间和结束时间不能为空";
    pub const TIME_FORMAT: &str = "时间格式不正确";
    pub const START_NOT_BEFORE_END: &str = "开始时间不能大于等于结束时间";
    pub const BATCH_ID: &str = "batchId无效";
}

fn stream(data: &Dataset) -> Stream {
    Stream::new(SALT, data.generated_len() / 20)
}

fn error(message: &str) -> Response {
    json_response(
        StatusCode::OK,
        &json!({"data": null, "code": 400, "message": message}),
    )
}

/// Ties a batch id to its window, so it cannot continue another one.
fn window_check(salt: u64, start: NaiveDateTime, end: NaiveDateTime) -> u64 {
    hash(
        salt,
        start.and_utc().timestamp() as u64,
        end.and_utc().timestamp() as u64,
    ) & 0xff_ffff
}

/// A batch id: the next position, packed into an Elasticsearch-looking id
/// (the documented example is `DXF1ZXJ5…`).
fn encode(b: &Beisen, data: &Dataset, check: u64, pos: Pos) -> String {
    let day = (pos.day - ordinal(data.config().span_start)) as u64 & 0xffff;
    es_id(
        (check << 40) | (day << 24) | u64::from(pos.j & 0xff_ffff),
        &node_id(b.salt ^ SALT),
    )
}

fn decode(b: &Beisen, data: &Dataset, check: u64, id: &str) -> Option<Pos> {
    let v = parse_es_id(id, &node_id(b.salt ^ SALT))?;
    (v >> 40 == check).then(|| Pos {
        day: ordinal(data.config().span_start) + ((v >> 24) & 0xffff) as i32,
        j: (v & 0xff_ffff) as u32,
    })
}

pub(super) async fn get_apply_list_by_modified_time(
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
    let (Ok(Some(start)), Ok(Some(end))) = (body.str("startTime"), body.str("endTime")) else {
        return error(msg::TIMES_MISSING);
    };
    let (Some(start), Some(end)) = (parse_civil(start), parse_civil(end)) else {
        return error(msg::TIME_FORMAT);
    };
    if start >= end {
        return error(msg::START_NOT_BEFORE_END);
    }
    let data = &b.ctx.data;
    let s = stream(data);
    let (first, stop) = s.bounds(data, start, end);
    let check = window_check(b.salt, start, end);
    let from = match body.str("batchId") {
        Ok(None) => first,
        Ok(Some("")) => first,
        Ok(Some(id)) => match decode(&b, data, check, id) {
            Some(pos) => pos,
            None => return error(msg::BATCH_ID),
        },
        Err(_) => return error(msg::BATCH_ID),
    };
    let total = s.count_between(data, first, stop);
    let batch = s.walk(data, from, stop, BATCH);
    let next = batch.last().map(|(p, _)| Pos {
        day: p.day,
        j: p.j + 1,
    });
    let is_last = next.is_none_or(|n| s.walk(data, n, stop, 1).is_empty());
    let seed = data.config().seed;
    let items: Vec<Value> = batch
        .iter()
        .map(|(pos, _)| {
            let applicant = s.draw(data, *pos, 2) % (u64::from(s.base) * 200);
            json!({
                "applyId": Guid(s.draw(data, *pos, 1), s.draw(data, *pos, 3)),
                "applicantId": Guid::of(seed, applicant, SALT ^ 1),
                "jobId": Guid::of(seed, s.draw(data, *pos, 4) % 60, SALT ^ 2),
            })
        })
        .collect();
    let next_id = match next {
        Some(n) if !is_last => Value::String(encode(&b, data, check, n)),
        _ => Value::Null,
    };
    json_response(
        StatusCode::OK,
        &json!({
            "data": {
                "total": total,
                "nextBatchId": next_id,
                "isLastBatch": is_last,
                "items": items,
            },
            "code": 200,
            "message": "",
        }),
    )
}
