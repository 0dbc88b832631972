//! v5 lookups beyond the time windows: user ids by job number or mobile,
//! employment records by user id, direct reports, and the sub-organisations
//! of a department.
//!
//! Shapes follow the public sources, not this project's clients:
//! fxp/skillify `skills/beisen/references/employees.md` and
//! `organization-and-positions.md` (a scrape of the vendor's documents) and
//! the PHP SDK chinayin/italent-openapi-sdk-php `src/Api/TenantBaseExternal`
//! (request field names, the 30-key limit). Where they are silent the choice
//! is stated where it is made.
//!
//! Envelope `{"data":…,"code":"200","message":null}`; business errors are
//! HTTP 200 `{"data":null,"code":"417","message":"…"}`.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use chrono::NaiveDate;
use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};
use serde_json::{Value, json};

use super::Beisen;
use super::employee::{EmployeePage, Records, Render, has_part_time};
use super::json::{bytes_response, json_response};
use super::org::{Items, What, times_of};
use super::query::{
    Body, Direction, SortValue, field_of, is_json, msg, oids, parse_civil, unsupported_media_type,
};
use super::scroll::View;
use crate::data::Dataset;

/// The most keys `GetUserIDsByJobNumbers` and `GetUserIDsByMobilesV5` take
/// in one call (skillify employees.md; the PHP SDK enforces it too).
pub(super) const MAX_KEYS: usize = 30;

/// Messages in the vendor's words where the sources quote them.
mod text {
    /// skillify employees.md and errors-and-limits.md.
    pub const TOO_MANY_KEYS: &str = "一次操作不能超过30条数据";
    /// The failed item of the documented `GetUserIDsByJobNumbers` reply.
    pub const NO_SUCH_JOB_NUMBER: &str = "所查工号无对应人员信息";
    /// Not quoted anywhere: the job-number message with 手机号 for 工号.
    pub const NO_SUCH_MOBILE: &str = "所查手机号无对应人员信息";
    /// skillify organization-and-positions.md, GetSubOrganizations' example.
    pub const OID_NEGATIVE: &str = "OId必须大于等于0";
    /// The documents say only "若对应的组织单元不存在，则进行错误提示"; chosen.
    pub const NO_SUCH_ORG: &str = "对应的组织单元不存在";
    /// skillify, GetOrganizationInfoByCodes' example (the same date rule).
    pub const DATE_BEFORE_1900: &str = "时间节点必须大于1900-01-01T00:00:00";
    /// No source; chosen.
    pub const LEVEL: &str = "Level必须大于0";
    pub const OPTION: &str = "option参数不正确,0条件查询、1最新主职、2当前生效主职";
}

// ---------------------------------------------------------------------------
// Envelopes
// ---------------------------------------------------------------------------

/// `417` of a v5 lookup or write: HTTP 200, null data.
pub(super) fn error(message: &str) -> Response {
    json_response(
        StatusCode::OK,
        &json!({"data": null, "code": "417", "message": message}),
    )
}

/// `{"data":…,"code":"200","message":null}`.
pub(super) fn ok<T: Serialize>(data: T) -> Response {
    #[derive(Serialize)]
    struct Envelope<T> {
        data: T,
        code: &'static str,
        message: Option<&'static str>,
    }
    match serde_json::to_vec(&Envelope {
        data,
        code: "200",
        message: None,
    }) {
        Ok(bytes) => bytes_response(StatusCode::OK, bytes),
        Err(e) => error(&e.to_string()),
    }
}

/// The JSON object of a business call, or the response refusing it (boxed:
/// a `Response` is large).
pub(super) fn read_body(headers: &HeaderMap, body: &[u8]) -> Result<Body, Box<Response>> {
    if !is_json(headers) {
        return Err(Box::new(unsupported_media_type()));
    }
    Body::parse(body).map_err(|m| Box::new(error(&m)))
}

fn view(body: &Body, service_types: u8) -> Result<View, String> {
    Ok(View {
        columns: body.columns()?,
        // Retired by the vendor (skillify employees.md §8), still accepted.
        translate: body.bool("enableTranslate")?.unwrap_or(false),
        service_types,
    })
}

/// Runs `f` off the reactor: the first lookup by mobile or manager scans
/// every person, which takes a while for a million.
async fn blocking<F>(b: &Arc<Beisen>, f: F) -> Response
where
    F: FnOnce(&Beisen) -> Response + Send + 'static,
{
    let b = b.clone();
    tokio::task::spawn_blocking(move || f(&b))
        .await
        .unwrap_or_else(|_| {
            json_response(
                StatusCode::INTERNAL_SERVER_ERROR,
                &json!({"data": null, "code": "500", "message": "系统错误"}),
            )
        })
}

// ---------------------------------------------------------------------------
// Indexes by mobile and by manager
// ---------------------------------------------------------------------------

/// People by mobile number and by direct manager, built once from the
/// people as they are at the first lookup. People changed later (hires,
/// new mobiles, transfers) are checked one by one on every lookup, so the
/// indexes never need rebuilding.
#[derive(Debug, Default)]
pub(super) struct Indexes {
    built: OnceLock<Built>,
}

#[derive(Debug)]
struct Built {
    /// How many people the indexes cover (indices `0..len`).
    len: usize,
    mobiles: HashMap<String, Vec<u32>>,
    juniors: HashMap<i64, Vec<u32>>,
}

impl Indexes {
    fn get(&self, data: &Dataset) -> &Built {
        self.built.get_or_init(|| {
            let len = data.len();
            let mut mobiles: HashMap<String, Vec<u32>> = HashMap::new();
            let mut juniors: HashMap<i64, Vec<u32>> = HashMap::new();
            for i in 0..len {
                let p = data.person(i);
                mobiles.entry(p.mobile).or_default().push(i as u32);
                if let Some(m) = p.manager_user_id {
                    juniors.entry(m).or_default().push(i as u32);
                }
            }
            Built {
                len,
                mobiles,
                juniors,
            }
        })
    }

    /// The people an index entry may be stale for: those changed since
    /// generation and those added after the indexes were built. Computed
    /// once per request.
    fn changed(&self, data: &Dataset) -> Vec<usize> {
        let len = self.get(data).len;
        (0..data.len())
            .filter(|&i| i >= len || data.is_changed(i))
            .collect()
    }

    /// People whose mobile is exactly `mobile`, ascending.
    fn by_mobile(&self, data: &Dataset, changed: &[usize], mobile: &str) -> Vec<usize> {
        let indexed = self.get(data).mobiles.get(mobile);
        candidates(indexed, changed)
            .into_iter()
            .filter(|&i| data.person(i).mobile == mobile)
            .collect()
    }

    /// People whose direct manager is `user_id`, ascending.
    fn by_manager(&self, data: &Dataset, user_id: i64) -> Vec<usize> {
        let indexed = self.get(data).juniors.get(&user_id);
        candidates(indexed, &self.changed(data))
            .into_iter()
            .filter(|&i| data.person(i).manager_user_id == Some(user_id))
            .collect()
    }
}

/// An index entry's people and the changed ones, ascending and without
/// repeats; callers check each.
fn candidates(indexed: Option<&Vec<u32>>, changed: &[usize]) -> Vec<usize> {
    let mut out: Vec<usize> = indexed
        .map(|v| v.iter().map(|&i| i as usize).collect())
        .unwrap_or_default();
    out.extend_from_slice(changed);
    out.sort_unstable();
    out.dedup();
    out
}

// ---------------------------------------------------------------------------
// GetUserIDsByJobNumbers, GetUserIDsByMobilesV5
// ---------------------------------------------------------------------------

/// Which key a user-id lookup takes.
#[derive(Debug, Clone, Copy)]
enum Key {
    JobNumber,
    Mobile,
}

impl Key {
    /// The request field (skillify employees.md; PHP `getUserIDsBy*`).
    fn field(self) -> &'static str {
        match self {
            Key::JobNumber => "jobNumbers",
            Key::Mobile => "mobiles",
        }
    }

    /// The item's key field.
    fn item_field(self) -> &'static str {
        match self {
            Key::JobNumber => "jobNumber",
            Key::Mobile => "mobile",
        }
    }

    fn not_found(self) -> &'static str {
        match self {
            Key::JobNumber => text::NO_SUCH_JOB_NUMBER,
            Key::Mobile => text::NO_SUCH_MOBILE,
        }
    }
}

/// One item of a user-id lookup: `{jobNumber|mobile, userId, code, msg}`,
/// in the order of the vendor's example.
struct KeyResult<'a> {
    field: &'static str,
    key: &'a str,
    user_id: Option<i64>,
    /// `None`: found (200).
    failure: Option<&'static str>,
}

impl Serialize for KeyResult<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(4))?;
        m.serialize_entry(self.field, self.key)?;
        m.serialize_entry("userId", &self.user_id)?;
        // An integer here, unlike the envelope's string code.
        m.serialize_entry("code", &if self.failure.is_some() { 417 } else { 200 })?;
        // The sources show only a failed item's msg; a found one gets null.
        m.serialize_entry("msg", &self.failure)?;
        m.end()
    }
}

/// The keys of a user-id lookup. Numbers are taken as their text, as the
/// vendor's (Newtonsoft) binder does for a string list; null is an empty key.
fn keys(body: &Body, key: Key) -> Result<Vec<String>, String> {
    let field = key.field();
    match body.get(field) {
        // The vendor's message for a missing list is not quoted; chosen.
        None => Err(format!("{field}不能为空")),
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| match v {
                Value::String(s) => Ok(s.clone()),
                Value::Number(n) => Ok(n.to_string()),
                Value::Null => Ok(String::new()),
                _ => Err(format!("{field}参数格式不正确")),
            })
            .collect(),
        Some(_) => Err(format!("{field}参数格式不正确")),
    }
}

/// Whether the vendor lists person `i` at all in a user-id lookup: "不查
/// 已删除、不查不通过 / 作废 / 草稿 / 驳回" (skillify employees.md §7).
fn findable(data: &Dataset, i: usize) -> bool {
    !data.is_deleted(i) && matches!(data.approval_status(i), 1 | 2 | 4)
}

/// One key's outcome. A person who exists but may not be listed is a 417
/// item that still carries their user id, which is how the vendor's own
/// example shows a failed item with a `userId`.
fn resolve<'a>(
    data: &Dataset,
    indexes: &Indexes,
    changed: &[usize],
    key: Key,
    k: &'a str,
) -> KeyResult<'a> {
    let matches = match key {
        Key::JobNumber => data.index_of_job_number(k).into_iter().collect(),
        Key::Mobile if k.is_empty() => Vec::new(),
        Key::Mobile => indexes.by_mobile(data, changed, k),
    };
    let user_id = |i: usize| data.person(i).user_id;
    let (user_id, failure) = match matches.iter().copied().find(|&i| findable(data, i)) {
        Some(i) => (Some(user_id(i)), None),
        None => (matches.first().map(|&i| user_id(i)), Some(key.not_found())),
    };
    KeyResult {
        field: key.item_field(),
        key: k,
        user_id,
        failure,
    }
}

async fn user_ids_by(b: Arc<Beisen>, key: Key, headers: HeaderMap, body: Bytes) -> Response {
    let body = match read_body(&headers, &body) {
        Ok(body) => body,
        Err(resp) => return *resp,
    };
    let keys = match keys(&body, key) {
        Ok(keys) => keys,
        Err(m) => return error(&m),
    };
    if keys.len() > MAX_KEYS {
        return error(text::TOO_MANY_KEYS);
    }
    blocking(&b, move |b| {
        let data = &b.ctx.data;
        // Job numbers need no index.
        let changed = match key {
            Key::JobNumber => Vec::new(),
            Key::Mobile => b.lookups.changed(data),
        };
        let items: Vec<KeyResult<'_>> = keys
            .iter()
            .map(|k| resolve(data, &b.lookups, &changed, key, k))
            .collect();
        ok(items)
    })
    .await
}

/// `Employee/GetUserIDsByJobNumbers` `{"jobNumbers":[…]}` (≤ 30) →
/// `data: [{jobNumber, userId, code, msg}]`, one item per key in request
/// order; the outer code is `"200"` even when items fail.
pub(super) async fn get_user_ids_by_job_numbers(
    State(b): State<Arc<Beisen>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    user_ids_by(b, Key::JobNumber, headers, body).await
}

/// `Employee/GetUserIDsByMobilesV5` `{"mobiles":[…]}` (≤ 30) →
/// `data: [{mobile, userId, code, msg}]`, as by job number.
pub(super) async fn get_user_ids_by_mobiles(
    State(b): State<Arc<Beisen>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    user_ids_by(b, Key::Mobile, headers, body).await
}

// ---------------------------------------------------------------------------
// GetServiceInfoByIds
// ---------------------------------------------------------------------------

/// `option` of `GetServiceInfoByIds` (skillify employees.md §6).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ServiceOption {
    /// 0: filter by the request's other conditions.
    Conditions,
    /// 1: the latest main record; other conditions ignored.
    LatestMain,
    /// 2: the main record in effect today; other conditions ignored.
    CurrentMain,
}

fn service_option(body: &Body) -> Result<ServiceOption, String> {
    // The documents' example sends `"option": "None"` while the field
    // table says 0/1/2: both are taken.
    if let Some(Value::String(s)) = body.get("option")
        && s.eq_ignore_ascii_case("none")
    {
        return Ok(ServiceOption::Conditions);
    }
    match body.int("option").map_err(|_| text::OPTION.to_owned())? {
        None | Some(0) => Ok(ServiceOption::Conditions),
        Some(1) => Ok(ServiceOption::LatestMain),
        Some(2) => Ok(ServiceOption::CurrentMain),
        Some(_) => Err(text::OPTION.to_owned()),
    }
}

/// Bit set of an integer-list filter; `None` when absent or empty.
fn filter_bits(body: &Body, field: &str, allowed: u32) -> Result<Option<u32>, String> {
    let Some(list) = body.int_list(field)? else {
        return Ok(None);
    };
    if list.is_empty() {
        return Ok(None);
    }
    list.iter()
        .try_fold(0u32, |acc, v| match u32::try_from(*v) {
            Ok(v) if v < 32 && allowed & (1 << v) != 0 => Ok(acc | (1 << v)),
            _ => Err(format!("{field}参数不正确: {v}")),
        })
        .map(Some)
}

/// The conditions of option 0, with the documented defaults: every
/// status and employment type, main job, effective (审批生效) only.
struct Conditions {
    statuses: Option<u32>,
    employ_types: Option<u32>,
    service_types: u32,
    approvals: u32,
}

impl Conditions {
    fn from_body(body: &Body) -> Result<Conditions, String> {
        // The singular names: this endpoint's `approvalStatus` is the time
        // windows' `approvalStatuses` (skillify employees.md §6).
        Ok(Conditions {
            statuses: filter_bits(body, "empStatus", 0b1_1111_1111_1110)?,
            employ_types: filter_bits(body, "employType", 0b1111)?,
            service_types: filter_bits(body, "serviceType", 0b11_1011)?.unwrap_or(1),
            approvals: filter_bits(body, "approvalStatus", 0b111_1111)?.unwrap_or(1 << 4),
        })
    }

    fn person_passes(&self, data: &Dataset, i: usize) -> bool {
        self.statuses
            .is_none_or(|s| s & (1 << data.emp_status(i)) != 0)
            && self
                .employ_types
                .is_none_or(|t| t & (1 << data.employ_type(i)) != 0)
            && self.approvals & (1 << data.approval_status(i)) != 0
    }
}

/// The records of person `i` an option selects, main record first.
fn records_of(
    data: &Dataset,
    i: usize,
    option: ServiceOption,
    conditions: &Conditions,
    today: NaiveDate,
) -> Vec<(usize, bool)> {
    match option {
        ServiceOption::LatestMain => vec![(i, false)],
        // A record approved but not yet effective (approvalStatus 2), or
        // one starting after today, is not in effect: the sandbox keeps one
        // timeline per person, so such a person has no record in effect.
        ServiceOption::CurrentMain => {
            if data.approval_status(i) == 4 && data.person(i).entry_date <= today {
                vec![(i, false)]
            } else {
                Vec::new()
            }
        }
        ServiceOption::Conditions => {
            if !conditions.person_passes(data, i) {
                return Vec::new();
            }
            let mut out = Vec::with_capacity(2);
            if conditions.service_types & (1 << data.service_type(i)) != 0 {
                out.push((i, false));
            }
            if conditions.service_types & 0b10 != 0 && has_part_time(data, i) {
                out.push((i, true));
            }
            out
        }
    }
}

/// `Employee/GetServiceInfoByIds` `{"oIds":[userID…], "option":0|1|2,
/// "empStatus","employType","serviceType","approvalStatus","isWithDeleted","columns"}`
/// → `data`: flat `recordInfo` objects, by user id in request order (a
/// person's main record before their part-time one); unknown ids are
/// skipped, and deleted people unless `isWithDeleted`.
pub(super) async fn get_service_info_by_ids(
    State(b): State<Arc<Beisen>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let body = match read_body(&headers, &body) {
        Ok(body) => body,
        Err(resp) => return *resp,
    };
    let read = || -> Result<_, String> {
        let ids = oids(&body)?;
        let option = service_option(&body)?;
        // Checked whatever the option: the binder reads them all.
        let conditions = Conditions::from_body(&body)?;
        let with_deleted = body.bool("isWithDeleted")?.unwrap_or(false);
        let view = view(&body, 1)?;
        Ok((ids, option, conditions, with_deleted, view))
    };
    let (ids, option, conditions, with_deleted, view) = match read() {
        Ok(q) => q,
        Err(m) => return error(&m),
    };
    let data = &b.ctx.data;
    let today = b.ctx.clock.today();
    let records: Vec<(usize, bool)> = ids
        .iter()
        .filter_map(|id| data.index_of_user_id(*id))
        .filter(|&i| with_deleted || !data.is_deleted(i))
        .flat_map(|i| records_of(data, i, option, &conditions, today))
        .collect();
    ok(Records {
        r: Render { data, view: &view },
        records: &records,
    })
}

// ---------------------------------------------------------------------------
// GetJuniorById
// ---------------------------------------------------------------------------

/// `Employee/GetJuniorById` `{"oId": userID}` (the PHP SDK's field; no
/// field table is public) → `data`: the direct reports, as time-window items
/// `{originalId, employeeInfo, recordInfo}` (main record), by `userID`.
///
/// Listed: people whose `pOIdEmpAdmin` is the user, undeleted, in service
/// (EmpStatus 2, 3 or 7), of any employment type. An unknown user has no
/// reports (`data: []`). The item shape is a choice: the vendor documents
/// only the title "获取该员工的直线下级员工信息列表".
pub(super) async fn get_junior_by_id(
    State(b): State<Arc<Beisen>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let body = match read_body(&headers, &body) {
        Ok(body) => body,
        Err(resp) => return *resp,
    };
    let read = || -> Result<_, String> {
        let user_id = match body.int("oId")? {
            None => return Err("OId不能为空".to_owned()),
            Some(id) if id < 0 => return Err(text::OID_NEGATIVE.to_owned()),
            Some(id) => id,
        };
        Ok((user_id, view(&body, 1)?))
    };
    let (user_id, view) = match read() {
        Ok(q) => q,
        Err(m) => return error(&m),
    };
    blocking(&b, move |b| {
        let data = &b.ctx.data;
        let juniors: Vec<u32> = b
            .lookups
            .by_manager(data, user_id)
            .into_iter()
            .filter(|&i| !data.is_deleted(i) && matches!(data.emp_status(i), 2 | 3 | 7))
            .map(|i| i as u32)
            .collect();
        ok(EmployeePage {
            r: Render { data, view: &view },
            indices: &juniors,
            list: false,
        })
    })
    .await
}

// ---------------------------------------------------------------------------
// Organization/GetSubOrganizations
// ---------------------------------------------------------------------------

/// A key `GetSubOrganizations` sorts by: what `Organization/GetByTimeWindow`
/// sorts by, any field an organisation record carries as a scalar (any
/// ASCII case), ordered as there ([`SortValue`]: missing values last).
#[derive(Debug, Clone, PartialEq)]
enum OrgSort {
    /// `OId`, computed.
    OId,
    /// `OrderAdmin`, the tree order (parents before children), computed.
    OrderAdmin,
    /// `ModifiedTime`, computed.
    Modified,
    /// `BusinessModifiedTime`, computed.
    BusinessModified,
    /// Any other field, read from the rendered record.
    Field(String),
}

impl OrgSort {
    /// The key named `field`, if organisation records carry it: `sample`
    /// is one rendered (`None` when there is none).
    fn of(field: &str, sample: Option<&Value>) -> Option<OrgSort> {
        let is = |name: &str| field.eq_ignore_ascii_case(name);
        match () {
            _ if is("OId") => Some(OrgSort::OId),
            _ if is("OrderAdmin") => Some(OrgSort::OrderAdmin),
            _ if is("ModifiedTime") => Some(OrgSort::Modified),
            _ if is("BusinessModifiedTime") => Some(OrgSort::BusinessModified),
            _ => sample
                .and_then(|record| field_of(record, field))
                .filter(|v| !v.is_object() && !v.is_array())
                .map(|_| OrgSort::Field(field.to_owned())),
        }
    }

    /// The key of department `k`, whose rendered record is `record` (only
    /// read for a [`OrgSort::Field`]).
    fn value(&self, data: &Dataset, k: u32, record: Option<&Value>) -> SortValue {
        let millis = |t: chrono::NaiveDateTime| t.and_utc().timestamp_millis() as f64;
        match self {
            OrgSort::OId => SortValue::Number(data.orgs()[k as usize].oid as f64),
            OrgSort::OrderAdmin => SortValue::Number(f64::from(k)),
            OrgSort::Modified => {
                SortValue::Number(millis(times_of(data, What::Organization, k as usize).0))
            }
            OrgSort::BusinessModified => {
                SortValue::Number(millis(times_of(data, What::Organization, k as usize).1))
            }
            OrgSort::Field(field) => SortValue::of(record.and_then(|r| field_of(r, field))),
        }
    }
}

/// Departments `indices` rendered as `Organization/GetByTimeWindow` lists
/// them (every column), in order.
fn org_records(data: &Dataset, indices: &[u32]) -> Vec<Value> {
    let items = Items {
        data,
        view: &View::default(),
        what: What::Organization,
        indices,
    };
    // Rendering in-memory records into a `Value` does not fail; if it ever
    // did, the keys would read as missing (sorted last), not panic.
    match serde_json::to_value(&items) {
        Ok(Value::Array(records)) => records,
        _ => Vec::new(),
    }
}

/// `Organization/GetSubOrganizations` (skillify organization-and-positions.md
/// §3; the PHP SDK sends `oId`):
///
/// - `oId` (int): the department; 0 or absent is the root ("默认组织OId为0"),
///   negative is a 417 `"OId必须大于等于0"`, unknown a 417;
/// - `level` (default 20): how many levels below `oId` are listed;
/// - `isWithSelf` (default false): the department itself first;
/// - `isWithDisable` (default false; not `withDisabled`): disabled
///   departments too (their enabled descendants are listed either way);
/// - `queryDate` (default today): departments created after it are left out;
///   before 1900 is a 417;
/// - `isWithDeleted` (no department is deleted), `columns`, `sort`: any
///   field the organisation time window sorts by (`OId`, `Code`, `Name`,
///   `OrderAdmin`, `ModifiedTime`, `Status`, …, any ASCII case; an unknown
///   one is a 417 `"暂不支持的排序字段:…"`); default `OrderAdmin`, i.e.
///   parents before children, which also breaks ties.
///
/// → `data`: organisation items, as `Organization/GetByTimeWindow` lists them.
pub(super) async fn get_sub_organizations(
    State(b): State<Arc<Beisen>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let body = match read_body(&headers, &body) {
        Ok(body) => body,
        Err(resp) => return *resp,
    };
    let data = &b.ctx.data;
    let today = b.ctx.clock.today();
    match sub_organizations(data, &body, today) {
        Ok((indices, view)) => ok(Items {
            data,
            view: &view,
            what: What::Organization,
            indices: &indices,
        }),
        Err(m) => error(&m),
    }
}

fn sub_organizations(
    data: &Dataset,
    body: &Body,
    today: NaiveDate,
) -> Result<(Vec<u32>, View), String> {
    let orgs = data.orgs();
    let oid = body.int("oId")?.unwrap_or(0);
    if oid < 0 {
        return Err(text::OID_NEGATIVE.to_owned());
    }
    let start = if oid == 0 {
        0
    } else {
        orgs.iter()
            .position(|o| o.oid == oid)
            .ok_or_else(|| text::NO_SUCH_ORG.to_owned())?
    };
    let level = body.int("level")?.unwrap_or(20);
    if level < 1 {
        return Err(text::LEVEL.to_owned());
    }
    let with_self = body.bool("isWithSelf")?.unwrap_or(false);
    let with_disabled = body.bool("isWithDisable")?.unwrap_or(false);
    body.bool("isWithDeleted")?;
    let on = match body.str("queryDate")? {
        None => today,
        Some(text) => {
            let t = parse_civil(text).ok_or_else(|| msg::TIME_FORMAT.to_owned())?;
            if t.date() < NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or(NaiveDate::MIN) {
                return Err(text::DATE_BEFORE_1900.to_owned());
            }
            t.date()
        }
    };
    let mut sort: Vec<(OrgSort, Direction)> = Vec::new();
    let mut sample: Option<Option<Value>> = None;
    for (field, direction) in body.sort()? {
        let sample = sample.get_or_insert_with(|| {
            (!orgs.is_empty())
                .then(|| org_records(data, &[0]).into_iter().next())
                .flatten()
        });
        let key = OrgSort::of(&field, sample.as_ref())
            .ok_or_else(|| format!("{}:{field}", msg::SORT_FIELD))?;
        // A key sent twice (in two casings) sorts by its first mention, as
        // in the time windows.
        let same = |k: &OrgSort| match (k, &key) {
            (OrgSort::Field(a), OrgSort::Field(b)) => a.eq_ignore_ascii_case(b),
            (a, b) => a == b,
        };
        if !sort.iter().any(|(k, _)| same(k)) {
            sort.push((key, direction));
        }
    }
    let view = view(body, 1)?;

    // Depth below `start` of every department, parents coming before
    // children in `orgs`.
    let mut depth: Vec<Option<i64>> = vec![None; orgs.len()];
    depth[start] = Some(0);
    let position: HashMap<i64, usize> = orgs.iter().enumerate().map(|(k, o)| (o.oid, k)).collect();
    for k in start + 1..orgs.len() {
        depth[k] = orgs[k]
            .parent_oid
            .and_then(|p| position.get(&p))
            .and_then(|&parent| depth[parent])
            .map(|d| d + 1);
    }
    let mut indices: Vec<u32> = (0..orgs.len())
        .filter(|&k| {
            depth[k].is_some_and(|d| if d == 0 { with_self } else { d <= level })
                && (with_disabled || orgs[k].status == 1)
                && orgs[k].created_time.date() <= on
        })
        .map(|k| k as u32)
        .collect();
    if !sort.is_empty() {
        let fields = sort.iter().any(|(k, _)| matches!(k, OrgSort::Field(_)));
        let records = if fields {
            org_records(data, &indices)
        } else {
            Vec::new()
        };
        let mut keyed: Vec<(Vec<SortValue>, u32)> = indices
            .iter()
            .enumerate()
            .map(|(n, &k)| {
                let keys = sort
                    .iter()
                    .map(|(key, _)| key.value(data, k, records.get(n)))
                    .collect();
                (keys, k)
            })
            .collect();
        // Stable: ties keep the default (OrderAdmin) order.
        keyed.sort_by(|(a, _), (b, _)| {
            a.iter()
                .zip(b)
                .zip(&sort)
                .map(|((x, y), (_, direction))| x.cmp_in(y, *direction))
                .find(|o| o.is_ne())
                .unwrap_or(std::cmp::Ordering::Equal)
        });
        indices = keyed.into_iter().map(|(_, k)| k).collect();
    }
    Ok((indices, view))
}
