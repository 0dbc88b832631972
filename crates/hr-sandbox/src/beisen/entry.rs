//! Pending hires and what the time windows leave out:
//!
//! - `Employee/CreateForEntry`: `Employee/Create`'s body and checks
//!   ([`writes`](super::writes)), and the hire is pending (EmpStatus 1): the
//!   `Offer` window lists them, the employee windows do not (their default
//!   statuses are 2, 3, 7).
//! - `Employee/Entry` `{userId | originalId, employeeInformation?,
//!   employmentRecord?, employmentContract?}`: a pending person becomes an
//!   employee on probation (2), modified now, so the employee windows list
//!   them. A person not pending is the documented 417
//!   `"该人员当前状态不能办理当前业务"`. Reply `{"code":"200","message":null}`
//!   (documented).
//! - `SourceIdMapping/UpdateOriginalIdByTargetId` `{targetId, objectName,
//!   originalId}`: sets the `originalId` of a person (`EmployeeInformation`)
//!   or department (`Organization`); the person's id is then usable by
//!   `Entry`, `Transfer` and `Dimission`. An id taken by another target is
//!   refused (`"外部ID已存在"`, as `Create`).
//! - `Employee/GetListByBussinessType` `{empStatus, businessTypes, capacity?
//!   (≤ 100), scrollId?, employType?, serviceType?, columns?}`: the people
//!   whose departure (business type 5) is in approval, about 1.5% of those in
//!   service (2, 3, 7), drawn from the seed; their planned last day is 1 to
//!   30 days after today. Items are `GetListByTimeWindow`'s, the main record
//!   with `approvalStatus` 1 (审批中), `businessTypeOID` `"5"`,
//!   `changedStatus` `"8"` and the planned `lastWorkDate`. A scroll in the
//!   time-window envelope, 100 a batch at most; the ids carry their offset
//!   (the result is recomputed per batch), every batch gets a new one, the
//!   end is `data: []`. Source: lokiworks/fema-ipaas' Beisen notes (no field
//!   table is public; the rest is the sandbox's choice).
//! - `RecruitOnBoarding/GetStaffInfos`: a bare JSON array of ids (staffId
//!   GUIDs, the vendor's example, or user ids, what fema-ipaas sends) →
//!   `{"data":[{"staffInfos":{…},"educationInfos":[…],"familyInfos":[],
//!   "workExperienceInfos":[]}],"code":200,"message":""}` for the people still
//!   pending (EmpStatus 1), others left out. The recruiting envelope: `code`
//!   an integer, refusals `400` (`"北森用户Id不能空"`,
//!   `"员工Id集合最大数量不能超过100"`, both documented).
//! - `Position/GetByOIds` and `JobPost/GetByOIds` `{oIds (≤ 300),
//!   isWithDeleted?, columns?}` → the positions (GUIDs) and job posts
//!   (`"20000"`–`"20299"`, strings or numbers) the windows serve, in request
//!   order, disabled ones included, deleted ones only with `isWithDeleted`,
//!   unknown ids left out.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use chrono::{Duration as ChronoDuration, NaiveTime};
use serde_json::{Value, json};

use super::Beisen;
use super::employee::{EmployeePage, Render};
use super::json::{Day, Guid, hash, json_response};
use super::lookup::{error, ok, read_body};
use super::org::{Items, JOB_POSTS, What};
use super::query::{Body, is_json, msg, parse_civil, unsupported_media_type};
use super::scroll::View;
use super::writes::person;
use crate::data::Dataset;

mod salt {
    pub const BUSINESS: u64 = 0xE7_01;
    pub const LAST_DAY: u64 = 0xE7_02;
    pub const SCROLL: u64 = 0xE7_03;
    pub const STAFF_ID: u64 = 0xE7_04;
    pub const COLLECTION: u64 = 0xE7_05;
}

/// Per mille of the people in service whose departure is in approval.
const PENDING_DEPARTURES_PER_MILLE: u64 = 15;
/// Records a business-type batch holds at most.
const MAX_BUSINESS_BATCH: i64 = 100;
/// Ids a `GetStaffInfos` call takes.
const MAX_STAFF_IDS: usize = 100;
/// Ids a `GetByOIds` call takes.
const MAX_OIDS: usize = 300;
/// The first job post's `oId`.
const JOB_POST_BASE: usize = 20_000;

mod text {
    /// The writes' own: one wording for one rule.
    pub use super::super::writes::text::{NO_SUCH_PERSON, ORIGINAL_ID_TAKEN, WRONG_STATE};
    /// Chosen.
    pub const NO_SUCH_ORG: &str = "组织不存在";
    pub const OBJECT_NAME: &str = "ObjectName只支持Organization、EmployeeInformation";
    pub const EMP_STATUS_NULL: &str = "EmpStatus不能为空";
    pub const BUSINESS_TYPES_NULL: &str = "BusinessTypes不能为空";
    pub const BATCH_TOO_LARGE: &str = "每批次数据量必须小于等于100";
    pub const SCROLL_ID: &str = "scrollId无效";
    /// Documented (GetStaffInfos).
    pub const STAFF_IDS_NULL: &str = "北森用户Id不能空";
    pub const STAFF_IDS_TOO_MANY: &str = "员工Id集合最大数量不能超过100";
    /// Chosen.
    pub const STAFF_IDS_FORMAT: &str = "参数格式不正确";
}

/// What these routes remember besides the shared write state: departments'
/// external ids, and where each generated position is.
#[derive(Debug, Default)]
pub(super) struct Entries {
    /// `originalId` → department `oId`.
    org_original_ids: Mutex<HashMap<String, i64>>,
    /// Generated position `oId` → index, built at the first lookup.
    positions: OnceLock<HashMap<u128, u32>>,
}

fn guid_key(text: &str) -> Option<u128> {
    let hex: String = text.chars().filter(|c| *c != '-').collect();
    (hex.len() == 32)
        .then(|| u128::from_str_radix(&hex, 16).ok())
        .flatten()
}

fn done() -> Response {
    json_response(StatusCode::OK, &json!({"code": "200", "message": null}))
}

// ---------------------------------------------------------------------------
// CreateForEntry, Entry
// ---------------------------------------------------------------------------

/// `Employee/CreateForEntry`: `Create`, then the hire is pending.
pub(super) async fn create_for_entry(
    State(b): State<Arc<Beisen>>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Response {
    let created = super::writes::create(State(b.clone()), headers, bytes).await;
    let (parts, body) = created.into_parts();
    let Ok(body) = axum::body::to_bytes(body, usize::MAX).await else {
        return error(text::NO_SUCH_PERSON);
    };
    let reply: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    if reply["code"] == "200"
        && let Some(user_id) = reply["data"]["userId"].as_i64()
        && let Some(i) = b.ctx.data.index_of_user_id(user_id)
    {
        let job_number = b.ctx.data.person(i).job_number;
        b.ctx
            .data
            .set_emp_status(&job_number, 1, b.ctx.change_time());
    }
    Response::from_parts(parts, axum::body::Body::from(body))
}

/// `Employee/Entry`.
pub(super) async fn entry(
    State(b): State<Arc<Beisen>>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Response {
    let body = match read_body(&headers, &bytes) {
        Ok(body) => body,
        Err(resp) => return *resp,
    };
    let read = || -> Result<usize, String> {
        let i = person(&b, &body)?;
        for part in [
            "employeeInformation",
            "employmentRecord",
            "employmentContract",
        ] {
            match body.get(part) {
                None | Some(Value::Null) | Some(Value::Object(_)) => {}
                Some(_) => return Err(format!("{part}参数格式不正确")),
            }
        }
        if let Some(Value::Object(record)) = body.get("employmentRecord")
            && let Some(date) = record.get("entryDate").and_then(Value::as_str)
            && parse_civil(date).is_none()
        {
            return Err("entryDate格式不正确,格式:2022-02-09T04:30:30".to_owned());
        }
        if b.ctx.data.emp_status(i) != 1 {
            return Err(text::WRONG_STATE.to_owned());
        }
        Ok(i)
    };
    let i = match read() {
        Ok(i) => i,
        Err(m) => return error(&m),
    };
    let job_number = b.ctx.data.person(i).job_number;
    if !b
        .ctx
        .data
        .set_emp_status(&job_number, 2, b.ctx.change_time())
    {
        return error(text::NO_SUCH_PERSON);
    }
    done()
}

// ---------------------------------------------------------------------------
// UpdateOriginalIdByTargetId
// ---------------------------------------------------------------------------

/// `SourceIdMapping/UpdateOriginalIdByTargetId`.
pub(super) async fn update_original_id_by_target_id(
    State(b): State<Arc<Beisen>>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Response {
    let body = match read_body(&headers, &bytes) {
        Ok(body) => body,
        Err(resp) => return *resp,
    };
    let read = || -> Result<(i64, bool, String), String> {
        let target = body.int("targetId")?.ok_or("TargetId不能为空")?;
        let is_org = match body.str("objectName")? {
            Some("Organization") => true,
            Some("EmployeeInformation") => false,
            _ => return Err(text::OBJECT_NAME.to_owned()),
        };
        let original = body
            .str("originalId")?
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .ok_or("OriginalId不能为空")?
            .to_owned();
        Ok((target, is_org, original))
    };
    let (target, is_org, original) = match read() {
        Ok(q) => q,
        Err(m) => return error(&m),
    };
    let data = &b.ctx.data;
    if is_org {
        if data.org(target).is_none() {
            return error(text::NO_SUCH_ORG);
        }
        let mut map = b
            .entries
            .org_original_ids
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        map_original_id(&mut map, target, original)
    } else {
        if data
            .index_of_user_id(target)
            .filter(|&i| !data.is_deleted(i))
            .is_none()
        {
            return error(text::NO_SUCH_PERSON);
        }
        let mut map = b
            .writes
            .original_ids
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        map_original_id(&mut map, target, original)
    }
}

/// Gives `target` the external id `original` (replacing its old one);
/// refused when another target has it.
fn map_original_id(map: &mut HashMap<String, i64>, target: i64, original: String) -> Response {
    if map.get(&original).is_some_and(|&t| t != target) {
        return error(text::ORIGINAL_ID_TAKEN);
    }
    map.retain(|_, t| *t != target);
    map.insert(original, target);
    done()
}

// ---------------------------------------------------------------------------
// GetListByBussinessType
// ---------------------------------------------------------------------------

/// Whether person `i` has a departure in approval.
fn departure_pending(data: &Dataset, i: usize) -> bool {
    matches!(data.emp_status(i), 2 | 3 | 7)
        && data.service_type(i) == 0
        && !data.is_deleted(i)
        && hash(data.config().seed, i as u64, salt::BUSINESS) % 1000 < PENDING_DEPARTURES_PER_MILLE
}

fn scroll_id(b: &Beisen, offset: usize) -> String {
    format!(
        "BT{:016x}{offset:08x}",
        hash(b.salt, offset as u64, salt::SCROLL)
    )
}

fn parse_scroll_id(b: &Beisen, id: &str) -> Option<usize> {
    let rest = id.strip_prefix("BT")?;
    if rest.len() != 24 {
        return None;
    }
    let offset = usize::from_str_radix(&rest[16..], 16).ok()?;
    (scroll_id(b, offset) == id).then_some(offset)
}

/// `Employee/GetListByBussinessType`.
pub(super) async fn get_list_by_business_type(
    State(b): State<Arc<Beisen>>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Response {
    let body = match read_body(&headers, &bytes) {
        Ok(body) => body,
        Err(resp) => return *resp,
    };
    let refuse = |m: &str| {
        json_response(
            StatusCode::OK,
            &json!({"scrollId": null, "isLastData": false, "total": 0, "data": null, "code": "417", "message": m}),
        )
    };
    let read = || -> Result<_, String> {
        let statuses = body
            .int_list("empStatus")?
            .filter(|s| !s.is_empty())
            .ok_or(text::EMP_STATUS_NULL)?;
        let types = body
            .int_list("businessTypes")?
            .filter(|s| !s.is_empty())
            .ok_or(text::BUSINESS_TYPES_NULL)?;
        let employ_types = body.int_list("employType")?.filter(|s| !s.is_empty());
        let service_types = body.int_list("serviceType")?.filter(|s| !s.is_empty());
        let capacity = body.int("capacity")?.unwrap_or(MAX_BUSINESS_BATCH);
        if capacity > MAX_BUSINESS_BATCH {
            return Err(text::BATCH_TOO_LARGE.to_owned());
        }
        if capacity < 1 {
            return Err(msg::CAPACITY_TOO_SMALL.to_owned());
        }
        let offset = match body.str("scrollId")? {
            None | Some("") => 0,
            Some(id) => parse_scroll_id(&b, id).ok_or(text::SCROLL_ID)?,
        };
        let view = View {
            columns: body.columns()?,
            translate: false,
            service_types: 1,
        };
        Ok((
            statuses,
            types,
            employ_types,
            service_types,
            capacity as usize,
            offset,
            view,
        ))
    };
    let (statuses, types, employ_types, service_types, capacity, offset, view) = match read() {
        Ok(q) => q,
        Err(m) => return refuse(&m),
    };
    let data = &b.ctx.data;
    // Only departures (5) are ever in approval here.
    let matches: Vec<u32> = if types.contains(&5) && service_types.is_none_or(|s| s.contains(&0)) {
        (0..data.len())
            .filter(|&i| {
                departure_pending(data, i)
                    && statuses.contains(&i64::from(data.emp_status(i)))
                    && employ_types
                        .as_ref()
                        .is_none_or(|t| t.contains(&i64::from(data.employ_type(i))))
            })
            .map(|i| i as u32)
            .collect()
    } else {
        Vec::new()
    };
    let total = matches.len();
    let start = offset.min(total);
    let end = (start + capacity).min(total);
    let page = &matches[start..end];
    let mut items = serde_json::to_value(EmployeePage {
        r: Render { data, view: &view },
        indices: page,
        list: true,
    })
    .unwrap_or(Value::Array(Vec::new()));
    let today = b.ctx.clock.today();
    if let Value::Array(items) = &mut items {
        for (item, &i) in items.iter_mut().zip(page) {
            let days = 1 + hash(data.config().seed, u64::from(i), salt::LAST_DAY) % 30;
            let last = today + ChronoDuration::days(days as i64);
            if let Some(Value::Array(records)) = item.get_mut("recordInfos") {
                for r in records.iter_mut().filter(|r| r.is_object()) {
                    r["approvalStatus"] = json!(1);
                    r["businessTypeOID"] = json!("5");
                    r["changedStatus"] = json!("8");
                    r["lastWorkDate"] = json!(
                        last.and_time(NaiveTime::MIN)
                            .format("%Y-%m-%dT%H:%M:%S")
                            .to_string()
                    );
                }
            }
        }
    }
    json_response(
        StatusCode::OK,
        &json!({
            "scrollId": scroll_id(&b, end),
            "isLastData": end >= total,
            "total": total,
            "data": items,
            "code": "200",
            "message": null,
        }),
    )
}

// ---------------------------------------------------------------------------
// GetStaffInfos
// ---------------------------------------------------------------------------

fn recruiting(code: u16, data: Value, message: &str) -> Response {
    json_response(
        StatusCode::OK,
        &json!({"data": data, "code": code, "message": message}),
    )
}

/// The onboarding `staffId` of person `i`.
fn staff_id(data: &Dataset, i: usize) -> Guid {
    Guid::of(data.config().seed, i as u64, salt::STAFF_ID)
}

/// `RecruitOnBoarding/GetStaffInfos`.
pub(super) async fn get_staff_infos(
    State(b): State<Arc<Beisen>>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Response {
    if !is_json(&headers) {
        return unsupported_media_type();
    }
    let ids = match serde_json::from_slice::<Value>(&bytes) {
        Ok(Value::Array(ids)) => ids,
        Ok(Value::Null) => Vec::new(),
        _ => return recruiting(400, Value::Null, text::STAFF_IDS_FORMAT),
    };
    if ids.is_empty() {
        return recruiting(400, Value::Null, text::STAFF_IDS_NULL);
    }
    if ids.len() > MAX_STAFF_IDS {
        return recruiting(400, Value::Null, text::STAFF_IDS_TOO_MANY);
    }
    let data = &b.ctx.data;
    let pending = |i: usize| data.emp_status(i) == 1 && !data.is_deleted(i);
    // staffId GUIDs are matched among the pending people only.
    let mut by_staff: Option<HashMap<String, usize>> = None;
    let mut found = Vec::new();
    for id in &ids {
        let index = match id {
            Value::Number(n) => n.as_i64().and_then(|u| data.index_of_user_id(u)),
            Value::String(s) if s.bytes().all(|c| c.is_ascii_digit()) && !s.is_empty() => {
                s.parse::<i64>().ok().and_then(|u| data.index_of_user_id(u))
            }
            Value::String(s) => by_staff
                .get_or_insert_with(|| {
                    (0..data.len())
                        .filter(|&i| pending(i))
                        .map(|i| (staff_id(data, i).to_string(), i))
                        .collect()
                })
                .get(&s.to_lowercase())
                .copied(),
            _ => return recruiting(400, Value::Null, text::STAFF_IDS_FORMAT),
        };
        if let Some(i) = index.filter(|&i| pending(i))
            && !found.contains(&i)
        {
            found.push(i);
        }
    }
    let items: Vec<Value> = found.iter().map(|&i| staff_json(data, i)).collect();
    recruiting(200, Value::Array(items), "")
}

fn staff_json(data: &Dataset, i: usize) -> Value {
    let p = data.person(i);
    let seed = data.config().seed;
    let staff = staff_id(data, i).to_string();
    let collection = hash(seed, i as u64, salt::COLLECTION) % 3;
    let file = |kind: &str| format!("dfs://Recruit/OnBoarding/{staff}/{kind}.jpg");
    let url = |kind: &str| {
        format!("https://sandbox.italent.invalid/download/{staff}/{kind}.jpg?expires=30d")
    };
    json!({
        "staffInfos": {
            "id": staff,
            "userId": p.user_id,
            "name": p.name,
            "email": p.email,
            "mobilePhone": p.mobile,
            "gender": p.gender,
            "birthday": Day(p.birthday),
            "iDNumber": p.id_number,
            "oIdDepartment": p.org_oid,
            "jobNumber": p.job_number,
            "entryDate": Day(p.entry_date),
            "infoCollectionStatus": collection,
            "iDPortraitSidePath": file("IDPortraitSide"),
            "iDPortraitSideDownLoadUrl": url("IDPortraitSide"),
            "iDCountryEmblemSidePath": file("IDCountryEmblemSide"),
            "iDCountryEmblemSideDownLoadUrl": url("IDCountryEmblemSide"),
        },
        "educationInfos": [{
            "schoolName": "沙箱大学",
            "educationLevel": "本科",
            "graduateDate": Day(p.entry_date - ChronoDuration::days(60)),
        }],
        "familyInfos": [],
        "workExperienceInfos": [],
    })
}

// ---------------------------------------------------------------------------
// Position/GetByOIds, JobPost/GetByOIds
// ---------------------------------------------------------------------------

fn oid_list(body: &Body) -> Result<&Vec<Value>, String> {
    match body.get("oIds") {
        Some(Value::Array(items)) if items.len() > MAX_OIDS => Err(msg::IDS_TOO_MANY.to_owned()),
        Some(Value::Array(items)) => Ok(items),
        _ => Err(msg::IDS_NULL.to_owned()),
    }
}

/// Renders `indices` of `what` with the request's columns, leaving out
/// deleted ones unless `isWithDeleted`.
fn by_oids(b: &Beisen, body: &Body, what: What, indices: Vec<u32>) -> Response {
    let read = || -> Result<_, String> {
        Ok((
            body.bool("isWithDeleted")?.unwrap_or(false),
            View {
                columns: body.columns()?,
                translate: body.bool("enableTranslate")?.unwrap_or(false),
                service_types: 1,
            },
        ))
    };
    let (with_deleted, view) = match read() {
        Ok(q) => q,
        Err(m) => return error(&m),
    };
    let data = &b.ctx.data;
    let full = View::default();
    let kept: Vec<u32> = indices
        .into_iter()
        .filter(|&k| {
            with_deleted || {
                // Deletion is read from the full rendering: the columns may hide it.
                let item = serde_json::to_value(Items {
                    data,
                    view: &full,
                    what,
                    indices: &[k],
                })
                .unwrap_or(Value::Null);
                item[0]["stdIsDeleted"] != json!(true)
            }
        })
        .collect();
    ok(Items {
        data,
        view: &view,
        what,
        indices: &kept,
    })
}

/// `Position/GetByOIds`.
pub(super) async fn position_get_by_oids(
    State(b): State<Arc<Beisen>>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Response {
    let body = match read_body(&headers, &bytes) {
        Ok(body) => body,
        Err(resp) => return *resp,
    };
    let ids = match oid_list(&body) {
        Ok(ids) => ids,
        Err(m) => return error(&m),
    };
    let data = &b.ctx.data;
    let index = b.entries.positions.get_or_init(|| {
        let seed = data.config().seed;
        (0..data.generated_len())
            .filter_map(|i| guid_key(&crate::data::guid(seed, i)).map(|k| (k, i as u32)))
            .collect()
    });
    let mut indices = Vec::new();
    for id in ids {
        let Some(text) = id.as_str() else {
            return error("OIds所有元素必须为GUID");
        };
        if let Some(&k) = guid_key(text).and_then(|key| index.get(&key))
            && data
                .person(k as usize)
                .position_oid
                .eq_ignore_ascii_case(text)
            && !indices.contains(&k)
        {
            indices.push(k);
        }
    }
    by_oids(&b, &body, What::Position, indices)
}

/// `JobPost/GetByOIds`.
pub(super) async fn job_post_get_by_oids(
    State(b): State<Arc<Beisen>>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Response {
    let body = match read_body(&headers, &bytes) {
        Ok(body) => body,
        Err(resp) => return *resp,
    };
    let ids = match oid_list(&body) {
        Ok(ids) => ids,
        Err(m) => return error(&m),
    };
    let mut indices = Vec::new();
    for id in ids {
        let oid = match id {
            Value::String(s) => s.trim().parse::<usize>().ok(),
            Value::Number(n) => n.as_u64().map(|n| n as usize),
            _ => None,
        };
        let Some(oid) = oid else {
            return error("OIds所有元素必须为数字");
        };
        if let Some(k) = oid.checked_sub(JOB_POST_BASE).filter(|k| *k < JOB_POSTS)
            && !indices.contains(&(k as u32))
        {
            indices.push(k as u32);
        }
    }
    by_oids(&b, &body, What::JobPost, indices)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guid_keys_ignore_dashes_and_case() {
        let a = guid_key("04866f9e-1a2b-4c3d-8e9f-0123456789ab");
        assert!(a.is_some());
        assert_eq!(a, guid_key("04866F9E1A2B4C3D8E9F0123456789AB"));
        assert_eq!(guid_key("P3"), None);
    }

    #[test]
    fn an_external_id_belongs_to_one_target() {
        let mut map = HashMap::new();
        assert_eq!(map_original_id(&mut map, 1, "a".into()).status(), 200);
        // Re-mapping the same target replaces its old id.
        map_original_id(&mut map, 1, "b".into());
        assert_eq!(map.get("a"), None);
        assert_eq!(map.get("b"), Some(&1));
        map_original_id(&mut map, 2, "b".into());
        assert_eq!(map.get("b"), Some(&1), "taken by another target");
    }
}
