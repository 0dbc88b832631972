//! v5 employee writes: `Employee/Create`, `Employee/Transfer`,
//! `Employee/Dimission`, as fxp/skillify
//! `skills/beisen/references/employee-lifecycle.md` documents them (a scrape
//! of the vendor's documents; no peer SDK implements them).
//!
//! Each write changes the dataset the way [`Sandbox::hire`] and
//! [`Sandbox::dismiss`] do, stamped with the clock's now, so later
//! time-window reads list the person once more.
//!
//! - **Exactly one of `userId` and `originalId`** names the person of a
//!   transfer or departure ("必须有且仅有一个有值"); an `originalId` is one a
//!   `Create` registered (`employeeInformation.originalId`).
//! - **Identical parameters within 3 s** of a transfer or departure are
//!   refused ("请求参数相同时，3秒内仅能请求一次", which the vendor documents
//!   for Transfer, Dimission, DimissionApproval and ProbationPositive, not
//!   for Create), measured on the sandbox's clock from the last call that
//!   was not itself refused so.
//! - Replies: Create `{"data":{"employeeInformationId","employmentRecordId","userId"},"code":"200","message":""}`
//!   (the documented example); Transfer and Dimission `{"code":"200","message":null}`,
//!   the documented reply of their sibling `Employee/Entry` (their own is not
//!   published). Refusals are HTTP 200 `{"data":null,"code":"417","message":"…"}`.
//!
//! [`Sandbox::hire`]: crate::Sandbox::hire
//! [`Sandbox::dismiss`]: crate::Sandbox::dismiss

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use chrono::NaiveDate;
use serde_json::{Value, json};

use super::Beisen;
use super::employee::{index_of_email, object_ids};
use super::json::json_response;
use super::lookup::{error, read_body};
use super::paths;
use super::query::{Body, parse_civil};
use crate::data::{Dataset, NewHire, Transfer};
use crate::state::Context;

/// How long identical transfer or departure parameters are refused.
pub(super) const REPEAT_WINDOW: Duration = Duration::from_secs(3);

/// Messages: quoted from the sources where they quote one, else chosen
/// (marked so).
pub(super) mod text {
    /// The vendor documents the 3-second rule in these words but does not
    /// publish the refusal's message; the rule's own sentence is used.
    pub const REPEATED: &str = "为防止并发请求导致重复数据，请求参数相同时，3秒内仅能请求一次";
    /// The documented rule, as a message (chosen wording).
    pub const ONE_ID: &str = "人员UserId标识（OId）或外部ID标识（OriginalId）必须有且仅有一个有值";
    /// Documented (Employee/Transfer).
    pub const NO_SUCH_MANAGER: &str = "指定的直线经理不存在";
    /// Documented (Employee/Dimission).
    pub const EXTERNAL_DIMISSION: &str = "外部人员不支持离职操作";
    /// Chosen, after the one above ("外部人员不支持调动" is documented as a rule).
    pub const EXTERNAL_TRANSFER: &str = "外部人员不支持调动操作";
    /// Documented (Employee/Entry), used for every write on a person in the
    /// wrong state.
    pub const WRONG_STATE: &str = "该人员当前状态不能办理当前业务";
    /// Chosen.
    pub const NO_SUCH_PERSON: &str = "人员不存在";
    pub const NO_SUCH_ORIGINAL_ID: &str = "根据外部ID未找到对应的人员";
    pub const ORIGINAL_ID_TAKEN: &str = "外部ID已存在";
    pub const NO_SUCH_DEPARTMENT: &str = "指定的部门不存在";
    pub const JOB_POST: &str = "oIdJobPost必须为空或数字";
    pub const JOB_POSITION: &str = "oIdJobPosition必须为空或GUID";
    pub const JOB_LEVEL: &str = "oIdJobLevel必须为空或GUID";
    pub const NO_SUCH_JOB_LEVEL: &str = "指定的职级不存在";
}

/// What the writes remember: recent transfer and departure parameters, and
/// the `originalId`s registered by `Create`.
#[derive(Debug, Default)]
pub(super) struct Writes {
    /// Path and canonical body → when last called.
    recent: Mutex<HashMap<String, Instant>>,
    /// `originalId` → `userID`.
    pub(super) original_ids: Mutex<HashMap<String, i64>>,
}

impl Writes {
    /// Whether a call with these parameters may go ahead now; records it if so.
    fn admit(&self, path: &str, body: &Value, now: Instant) -> bool {
        let key = format!("{path} {}", canonical(body));
        let mut recent = self.recent.lock().unwrap_or_else(|e| e.into_inner());
        if recent.len() > 4096 {
            recent.retain(|_, t| now.saturating_duration_since(*t) < REPEAT_WINDOW);
        }
        match recent.get(&key) {
            Some(t) if now.saturating_duration_since(*t) < REPEAT_WINDOW => false,
            _ => {
                recent.insert(key, now);
                true
            }
        }
    }

    pub(super) fn user_of(&self, original_id: &str) -> Option<i64> {
        self.original_ids
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(original_id)
            .copied()
    }
}

/// JSON text with object keys sorted at every level: two bodies with the
/// same parameters in another order are the same parameters.
fn canonical(v: &Value) -> String {
    fn sorted(v: &Value) -> Value {
        match v {
            Value::Object(map) => {
                let mut pairs: Vec<(&String, &Value)> = map.iter().collect();
                pairs.sort_by(|a, b| a.0.cmp(b.0));
                Value::Array(
                    pairs
                        .into_iter()
                        .map(|(k, v)| json!([k, sorted(v)]))
                        .collect(),
                )
            }
            Value::Array(items) => Value::Array(items.iter().map(sorted).collect()),
            other => other.clone(),
        }
    }
    sorted(v).to_string()
}

/// The nested object `field` of a body, as a [`Body`] (keys ignoring case).
fn nested(body: &Body, field: &str) -> Result<Option<Body>, String> {
    match body.get(field) {
        None => Ok(None),
        Some(v @ Value::Object(_)) => Body::parse(v.to_string().as_bytes()).map(Some),
        Some(_) => Err(format!("{field}参数格式不正确")),
    }
}

fn required_nested(body: &Body, field: &str) -> Result<Body, String> {
    nested(body, field)?.ok_or_else(|| format!("{field}不能为空"))
}

/// A date parameter, as `2022-02-09T04:30:30` or `2022-02-09`.
fn date(body: &Body, field: &str) -> Result<Option<NaiveDate>, String> {
    match body.str(field)? {
        None => Ok(None),
        Some(text) => parse_civil(text)
            .map(|t| Some(t.date()))
            .ok_or_else(|| format!("{field}格式不正确,格式:2022-02-09T04:30:30")),
    }
}

fn non_empty<'a>(body: &'a Body, field: &str, what: &str) -> Result<&'a str, String> {
    match body.str(field)? {
        Some(s) if !s.trim().is_empty() => Ok(s.trim()),
        _ => Err(format!("{what}不能为空")),
    }
}

fn is_guid(s: &str) -> bool {
    s.len() == 36
        && s.char_indices().all(|(k, c)| match k {
            8 | 13 | 18 | 23 => c == '-',
            _ => c.is_ascii_hexdigit(),
        })
}

/// A department `oId` the tree has.
fn department(data: &Dataset, record: &Body) -> Result<Option<i64>, String> {
    match record.int("oIdDepartment")? {
        None => Ok(None),
        Some(oid) if data.org(oid).is_some() => Ok(Some(oid)),
        Some(_) => Err(text::NO_SUCH_DEPARTMENT.to_owned()),
    }
}

/// `oIdJobLevel` ("必须为空或GUID"), as the code of a level the tenant has
/// (a person's `job_level` is the code; `oIdJobLevel` renders its GUID).
fn job_level(data: &Dataset, record: &Body) -> Result<Option<String>, String> {
    match record.str("oIdJobLevel")? {
        None | Some("") => Ok(None),
        Some(s) if is_guid(s) => data
            .job_level_by_oid(s)
            .map(|l| Some(l.code.to_owned()))
            .ok_or_else(|| text::NO_SUCH_JOB_LEVEL.to_owned()),
        Some(_) => Err(text::JOB_LEVEL.to_owned()),
    }
}

/// A manager `userID` that exists and is not deleted.
fn manager(data: &Dataset, record: &Body) -> Result<Option<i64>, String> {
    match record.int("pOIdEmpAdmin")? {
        None => Ok(None),
        Some(id) => data
            .index_of_user_id(id)
            .filter(|&i| !data.is_deleted(i))
            .map(|_| Some(id))
            .ok_or_else(|| text::NO_SUCH_MANAGER.to_owned()),
    }
}

/// The person a write (transfer, departure, entry, id mapping) names by
/// exactly one of `userId` and `originalId`.
pub(super) fn person(b: &Beisen, body: &Body) -> Result<usize, String> {
    let user_id = body.int("userId")?;
    let original_id = body
        .str("originalId")?
        .map(str::trim)
        .filter(|s| !s.is_empty());
    let user_id = match (user_id, original_id) {
        (Some(id), None) => id,
        (None, Some(original)) => b
            .writes
            .user_of(original)
            .ok_or_else(|| text::NO_SUCH_ORIGINAL_ID.to_owned())?,
        _ => return Err(text::ONE_ID.to_owned()),
    };
    let data = &b.ctx.data;
    data.index_of_user_id(user_id)
        .filter(|&i| !data.is_deleted(i))
        .ok_or_else(|| text::NO_SUCH_PERSON.to_owned())
}

/// Transfers and departures apply to "已入职的正式员工或实习生": not to
/// external people, people who left, or people not yet entered.
fn check_state(data: &Dataset, i: usize, external: &'static str) -> Result<(), String> {
    if data.employ_type(i) == 1 {
        return Err(external.to_owned());
    }
    if matches!(data.emp_status(i), 1 | 5 | 6 | 8 | 9 | 10 | 11) {
        return Err(text::WRONG_STATE.to_owned());
    }
    Ok(())
}

/// `{"code":"200","message":null}`.
fn done() -> Response {
    json_response(StatusCode::OK, &json!({"code": "200", "message": null}))
}

/// The parsed body as JSON, for the 3-second rule.
fn raw(body: &[u8]) -> Value {
    serde_json::from_slice(body).unwrap_or(Value::Null)
}

// ---------------------------------------------------------------------------
// Create
// ---------------------------------------------------------------------------

/// What a valid `Employee/Create` asks for.
struct NewEmployee {
    name: String,
    email: String,
    mobile: String,
    department: i64,
    manager: Option<i64>,
    job_level: Option<String>,
    original_id: Option<String>,
    entry_date: NaiveDate,
    employ_type: u8,
}

fn read_create(b: &Beisen, body: &Body) -> Result<NewEmployee, String> {
    let data = &b.ctx.data;
    let info = required_nested(body, "employeeInformation")?;
    // The documented required fields: "必填项：姓名、电子邮件、部门、入职日期、雇佣关系、试用期".
    let name = non_empty(&info, "name", "姓名")?.to_owned();
    // Stored lower-case, as every e-mail here is (lookups want lower case).
    let email = non_empty(&info, "email", "电子邮件")?.to_lowercase();
    let record = required_nested(body, "employmentRecord")?;
    let department = department(data, &record)?.ok_or_else(|| "部门不能为空".to_owned())?;
    let entry_date = date(&record, "entryDate")?.ok_or_else(|| "入职日期不能为空".to_owned())?;
    let employ_type = match record.int("employType")? {
        Some(t @ 0..=3) => t as u8,
        Some(_) => return Err("employType参数不正确".to_owned()),
        None => return Err("雇佣关系不能为空".to_owned()),
    };
    match record.int("probation")? {
        Some(n) if n >= 0 => {}
        Some(_) => return Err("试用期参数不正确".to_owned()),
        None => return Err("试用期不能为空".to_owned()),
    }
    nested(body, "employmentContract")?;
    let manager = manager(data, &record)?;
    if let Some(i) = index_of_email(data, &email).filter(|&i| !data.is_deleted(i)) {
        // Documented: "电子邮箱与待入职的内部员工：…重复，请确认信息！".
        let state = if data.emp_status(i) == 1 {
            "待入职"
        } else {
            "在职"
        };
        let who = data.person(i).name;
        return Err(format!(
            "电子邮箱与{state}的内部员工：{who}重复，请确认信息！"
        ));
    }
    let original_id = info
        .str("originalId")?
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned);
    if original_id
        .as_deref()
        .and_then(|o| b.writes.user_of(o))
        .is_some()
    {
        return Err(text::ORIGINAL_ID_TAKEN.to_owned());
    }
    Ok(NewEmployee {
        name,
        email,
        mobile: info.str("mobilePhone")?.unwrap_or_default().to_owned(),
        department,
        manager,
        job_level: job_level(data, &record)?,
        original_id,
        entry_date,
        employ_type,
    })
}

/// `Employee/Create` `{employeeInformation:{name,email,originalId?,mobilePhone?,…},
/// employmentRecord:{oIdDepartment,entryDate,employType,probation,pOIdEmpAdmin?,oIdJobLevel?,…},
/// employmentContract?}` → `data {employeeInformationId, employmentRecordId, userId}`.
///
/// The hire is on probation (the sandbox's own rule for hires, whatever
/// `probation` says) with the `entryDate` and `employType` sent; the
/// tenant numbers job numbers itself (`E` + index), so a `jobNumber` sent
/// is not kept.
pub(super) async fn create(
    State(b): State<Arc<Beisen>>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Response {
    let body = match read_body(&headers, &bytes) {
        Ok(body) => body,
        Err(resp) => return *resp,
    };
    let new = match read_create(&b, &body) {
        Ok(new) => new,
        Err(m) => return error(&m),
    };
    let ctx: &Context = &b.ctx;
    // Checked and registered under one lock, so two racing creates cannot
    // both take an originalId.
    let mut original_ids = b
        .writes
        .original_ids
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    if new
        .original_id
        .as_ref()
        .is_some_and(|o| original_ids.contains_key(o))
    {
        return error(text::ORIGINAL_ID_TAKEN);
    }
    let mut hire = NewHire::new(new.name, new.mobile)
        .with_email(new.email)
        .with_department_oid(new.department)
        .with_entry_date(new.entry_date)
        .with_employ_type(new.employ_type);
    if let Some(level) = new.job_level {
        hire = hire.with_job_level(level);
    }
    let job_number = ctx.hire(hire);
    let Some(i) = ctx.data.index_of_job_number(&job_number) else {
        return error(text::NO_SUCH_PERSON);
    };
    if let Some(m) = new.manager {
        apply_transfer(ctx, &job_number, Transfer::new().with_manager_user_id(m));
    }
    let user_id = ctx.data.person(i).user_id;
    if let Some(o) = new.original_id {
        original_ids.insert(o, user_id);
    }
    drop(original_ids);
    let (info_id, record_id) = object_ids(&ctx.data, i);
    json_response(
        StatusCode::OK,
        &json!({
            "data": {
                "employeeInformationId": info_id.to_string(),
                "employmentRecordId": record_id.to_string(),
                "userId": user_id,
            },
            "code": "200",
            "message": "",
        }),
    )
}

// ---------------------------------------------------------------------------
// Transfer
// ---------------------------------------------------------------------------

/// Moves person `job_number` in the dataset, stamped with the clock's now.
fn apply_transfer(ctx: &Context, job_number: &str, moves: Transfer) -> bool {
    ctx.data.transfer(job_number, moves, ctx.change_time())
}

/// `Employee/Transfer` `{userId | originalId, employmentRecord:{oIdDepartment,
/// startDate?, pOIdEmpAdmin?, oIdJobPost?, oIdJobPosition?, oIdJobLevel?, place?, …}}`
/// → `{"code":"200","message":null}`. The move takes effect at once,
/// whatever `startDate` says.
pub(super) async fn transfer(
    State(b): State<Arc<Beisen>>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Response {
    let body = match read_body(&headers, &bytes) {
        Ok(body) => body,
        Err(resp) => return *resp,
    };
    if !b
        .writes
        .admit(paths::EMPLOYEE_TRANSFER, &raw(&bytes), b.ctx.clock.now())
    {
        return error(text::REPEATED);
    }
    let data = &b.ctx.data;
    let read = || -> Result<_, String> {
        let i = person(&b, &body)?;
        let record = required_nested(&body, "employmentRecord")?;
        let department = department(data, &record)?.ok_or_else(|| "部门不能为空".to_owned())?;
        date(&record, "startDate")?;
        let manager = manager(data, &record)?;
        let job_post = match record.get("oIdJobPost") {
            None => None,
            Some(Value::String(s)) if s.is_empty() => None,
            Some(Value::String(s)) if s.bytes().all(|c| c.is_ascii_digit()) => Some(s.clone()),
            Some(Value::Number(n)) if n.is_u64() => Some(n.to_string()),
            Some(_) => return Err(text::JOB_POST.to_owned()),
        };
        let position = match record.str("oIdJobPosition")? {
            None | Some("") => None,
            Some(s) if is_guid(s) => Some(s.to_owned()),
            Some(_) => return Err(text::JOB_POSITION.to_owned()),
        };
        let job_level = job_level(data, &record)?;
        check_state(data, i, text::EXTERNAL_TRANSFER)?;
        let mut moves = Transfer::new().with_department_oid(department);
        moves.manager_user_id = manager;
        moves.job_post_oid = job_post;
        moves.position_oid = position;
        moves.job_level = job_level;
        Ok((i, moves))
    };
    let (i, moves) = match read() {
        Ok(q) => q,
        Err(m) => return error(&m),
    };
    let job_number = data.person(i).job_number;
    if !apply_transfer(&b.ctx, &job_number, moves) {
        return error(text::NO_SUCH_PERSON);
    }
    done()
}

// ---------------------------------------------------------------------------
// Dimission
// ---------------------------------------------------------------------------

/// Marks person `job_number` as left on `last_work_date`, stamped with the
/// clock's now.
fn apply_dimission(ctx: &Context, job_number: &str, last_work_date: NaiveDate) -> bool {
    ctx.data
        .dismiss_on(job_number, last_work_date, ctx.change_time())
}

/// `Employee/Dimission` `{userId | originalId, employmentRecord:{lastWorkDate,
/// transitionTypeOID?, addOrNotBlackList?, blackListAddReason?, blackStaffDesc?,
/// remarks?}}` → `{"code":"200","message":null}`. The person leaves at once
/// (EmpStatus 8), as [`Sandbox::dismiss`](crate::Sandbox::dismiss), with
/// the `lastWorkDate` sent.
pub(super) async fn dimission(
    State(b): State<Arc<Beisen>>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Response {
    let body = match read_body(&headers, &bytes) {
        Ok(body) => body,
        Err(resp) => return *resp,
    };
    if !b
        .writes
        .admit(paths::EMPLOYEE_DIMISSION, &raw(&bytes), b.ctx.clock.now())
    {
        return error(text::REPEATED);
    }
    let data = &b.ctx.data;
    let read = || -> Result<_, String> {
        let i = person(&b, &body)?;
        let record = required_nested(&body, "employmentRecord")?;
        let last = date(&record, "lastWorkDate")?.ok_or_else(|| "最后工作日不能为空".to_owned())?;
        record.str("transitionTypeOID")?;
        record.bool("addOrNotBlackList")?;
        for field in ["blackListAddReason", "blackStaffDesc", "remarks"] {
            record.str(field)?;
        }
        check_state(data, i, text::EXTERNAL_DIMISSION)?;
        Ok((i, last))
    };
    let (i, last) = match read() {
        Ok(q) => q,
        Err(m) => return error(&m),
    };
    let job_number = data.person(i).job_number;
    if !apply_dimission(&b.ctx, &job_number, last) {
        return error(text::NO_SUCH_PERSON);
    }
    done()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identical_parameters_are_refused_for_three_seconds_in_any_key_order() {
        let writes = Writes::default();
        let t0 = Instant::now();
        let a = json!({"userId": 1, "employmentRecord": {"lastWorkDate": "2024-01-01", "remarks": "x"}});
        let b = json!({"employmentRecord": {"remarks": "x", "lastWorkDate": "2024-01-01"}, "userId": 1});
        assert!(writes.admit("/p", &a, t0));
        assert!(!writes.admit("/p", &b, t0 + Duration::from_millis(2_999)));
        assert!(writes.admit("/other", &b, t0 + Duration::from_millis(1)));
        assert!(writes.admit("/p", &json!({"userId": 2}), t0));
        // Measured from the last admitted call, not the refused one.
        assert!(writes.admit("/p", &b, t0 + REPEAT_WINDOW));
    }

    #[test]
    fn guids_are_checked_by_shape() {
        assert!(is_guid("04866f9e-1a2b-4c3d-8e9f-0123456789ab"));
        assert!(!is_guid("04866f9e1a2b4c3d8e9f0123456789abcdef"));
        assert!(!is_guid("P3"));
    }
}
