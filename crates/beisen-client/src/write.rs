//! The employee writes: `Employee/Create`, `Transfer`, `Dimission`.
//!
//! Bodies follow the vendor's documentation as scraped in fxp/skillify
//! `skills/beisen/references/employee-lifecycle.md`: nested
//! `employeeInformation` (员工信息), `employmentRecord` (任职记录) and, on
//! create, `employmentContract` (合同) objects, with Beisen's camelCase
//! field names; `Transfer` and `Dimission` name the person by `userId` or
//! by `originalId` (the other system's id), exactly one of them
//! ([`EmployeeRef`]).
//!
//! **Identical writes within 3 s are refused.** For `Transfer` and
//! `Dimission` (and the approval writes) the vendor documents "请求参数相同
//! 时，3秒内仅能请求一次，否则进行错误提示": the same parameters sent again
//! within 3 s are refused with a 417. The writes are never retried by the
//! client once they may have reached Beisen; a caller that repeats one
//! must wait at least 3 s, and can tell that refusal from others with
//! [`ErrorExt::is_duplicate_write`].

use hr_common::endpoint::{Endpoint, json_request};
use hr_common::transport::Request;
use hr_common::{Error, Result};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::BeisenClient;
use crate::enums::EmployType;
use crate::envelope::WriteReply;
use crate::ids::{OrgOId, UserId};
use crate::window::{WindowBound, fmt_time};

/// The person a write is about: the Beisen `userId` or the `originalId`
/// (第三方系统唯一标识) given when the person was created. The vendor
/// wants exactly one ("必须有且仅有一个有值"), which this type makes the
/// only thing that can be said.
///
/// ```
/// use beisen_client::employee::EmployeeRef;
/// let by_id: EmployeeRef = 100000007.into();
/// assert_eq!(serde_json::to_value(&by_id)?, serde_json::json!({"userId": 100000007}));
/// let by_original = EmployeeRef::original_id("HR-000123");
/// assert_eq!(serde_json::to_value(&by_original)?, serde_json::json!({"originalId": "HR-000123"}));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub enum EmployeeRef {
    /// `userId`: the person's Beisen user id.
    UserId(UserId),
    /// `originalId`: the id the other system gave when creating the person.
    OriginalId(String),
}

impl EmployeeRef {
    /// The person with this `originalId`.
    pub fn original_id(id: impl Into<String>) -> Self {
        EmployeeRef::OriginalId(id.into())
    }
}

impl From<UserId> for EmployeeRef {
    fn from(id: UserId) -> Self {
        EmployeeRef::UserId(id)
    }
}

impl From<i64> for EmployeeRef {
    fn from(id: i64) -> Self {
        EmployeeRef::UserId(UserId(id))
    }
}

/// Whether a vendor message is the refusal of an identical write within
/// 3 s. The vendor documents the rule, not its wording, so the phrases
/// are those it uses for "repeated request" refusals elsewhere; a duplicate
/// *value* ("电子邮箱…重复，请确认信息！") is not one.
fn is_duplicate_write_message(message: &str) -> bool {
    const PHRASES: &[&str] = &[
        "3秒内",
        "3s内",
        "三秒内",
        "重复请求",
        "重复提交",
        "请勿重复",
        "短时间内重复",
        "请求过于频繁",
        "操作过于频繁",
        "duplicate request",
        "repeated request",
    ];
    let lower = message.to_lowercase();
    PHRASES.iter().any(|p| lower.contains(p))
}

/// Beisen's reading of a [`hr_common::Error`].
pub trait ErrorExt {
    /// Whether Beisen refused the call as a repeat of an identical write
    /// within 3 s (`Transfer`, `Dimission`, and the approval writes): the
    /// write was not applied a second time. Wait at least 3 s before
    /// sending it again, and check first that the first one did not land.
    ///
    /// ```
    /// use beisen_client::ErrorExt;
    /// let refused = beisen_client::Error::api("beisen", "417", "请求参数相同时，3秒内仅能请求一次");
    /// assert!(refused.is_duplicate_write());
    /// let other = beisen_client::Error::api("beisen", "417", "电子邮箱与待入职的内部员工：张三重复，请确认信息！");
    /// assert!(!other.is_duplicate_write());
    /// ```
    fn is_duplicate_write(&self) -> bool;
}

impl ErrorExt for Error {
    fn is_duplicate_write(&self) -> bool {
        matches!(self, Error::Api { .. })
            && self.service().is_none_or(|s| s == crate::envelope::SERVICE)
            && self
                .vendor_message()
                .is_some_and(is_duplicate_write_message)
    }
}

/// What `Employee/Create` returns: the new person's ids.
///
/// ```
/// let c: beisen_client::employee::CreatedEmployee = serde_json::from_value(serde_json::json!(
///     {"employeeInformationId": "a363874a-0000-0000-0000-000000000000",
///      "employmentRecordId": "9d177c6b-0000-0000-0000-000000000000", "userId": 101501070}
/// ))?;
/// assert_eq!(c.user_id.get(), 101501070);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct CreatedEmployee {
    /// The new person's user id.
    #[serde(alias = "userID")]
    pub user_id: UserId,
    /// The 员工信息 record's id (GUID).
    #[serde(default)]
    pub employee_information_id: Option<String>,
    /// The 任职记录's id (GUID).
    #[serde(default)]
    pub employment_record_id: Option<String>,
}

impl CreatedEmployee {
    /// Reads `data`: the documented object, or a bare user id (number or
    /// numeric string), the shape this crate assumed before.
    pub(crate) fn from_data(data: Option<Value>) -> std::result::Result<Self, String> {
        match data {
            Some(v @ Value::Object(_)) => serde_json::from_value(v)
                .map_err(|e| hr_common::redact::scrub_values(&e.to_string())),
            Some(v @ (Value::Number(_) | Value::String(_))) => serde_json::from_value(v)
                .map(|user_id| CreatedEmployee {
                    user_id,
                    employee_information_id: None,
                    employment_record_id: None,
                })
                .map_err(|e| hr_common::redact::scrub_values(&e.to_string())),
            Some(other) => Err(format!(
                "`data` is {}, not the created person",
                hr_common::json::kind(&other)
            )),
            None => Err("a success without `data`, the created person".to_owned()),
        }
    }
}

/// What `Transfer` and `Dimission` return: Beisen's `data` as it came
/// (the vendor documents none; usually absent).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct WriteResult {
    /// The vendor's `data`, if any.
    pub data: Option<Value>,
}

/// The [`Endpoint`] of a write: not idempotent, so a write that may have
/// reached Beisen is never sent again (only calls refused with 429 or
/// never sent are repeated).
macro_rules! write_endpoint {
    ($name:ident => $out:ty, $path:expr) => {
        impl Endpoint for $name {
            type Client = BeisenClient;
            type Output = $out;
            type Envelope = WriteReply;
            const PATH: &'static str = $path;
            const IDEMPOTENT: bool = false;

            fn to_request(&self) -> Result<Request> {
                json_request(self)
            }
        }
        hr_common::impl_send!($name);
    };
}

pub(crate) fn date_time(t: impl WindowBound) -> Value {
    Value::String(fmt_time(t.civil(hr_common::CHINA_STANDARD_TIME)))
}

/// `new` and the setters of a request whose body is a new person's
/// `employeeInformation`, `employmentRecord` and optional
/// `employmentContract` maps (`Employee/Create`, `Employee/CreateForEntry`:
/// one body, two endpoints). The struct stays written out where it is
/// declared.
macro_rules! employee_body {
    ($name:ident) => {
        impl $name {
            /// `name` (`email`), in `department` from `entry_date`, with
            /// `employ_type` and a probation of `probation_months` (0:
            /// none): what the vendor lists as required.
            pub fn new(
                name: impl Into<String>,
                email: impl Into<String>,
                department: impl Into<OrgOId>,
                entry_date: impl WindowBound,
                employ_type: EmployType,
                probation_months: u32,
            ) -> Self {
                let mut employee_information = Map::new();
                employee_information.insert("name".into(), Value::String(name.into()));
                employee_information.insert("email".into(), Value::String(email.into()));
                let mut employment_record = Map::new();
                employment_record.insert("oIdDepartment".into(), department.into().get().into());
                employment_record.insert("entryDate".into(), $crate::write::date_time(entry_date));
                employment_record.insert("employType".into(), employ_type.code().into());
                employment_record.insert("probation".into(), probation_months.into());
                $name {
                    employee_information,
                    employment_record,
                    employment_contract: None,
                }
            }

            /// `employeeInformation.originalId`: the other system's id, by
            /// which later writes can name the person
            /// ([`EmployeeRef::OriginalId`](crate::write::EmployeeRef::OriginalId)).
            pub fn original_id(self, id: impl Into<String>) -> Self {
                self.employee_field("originalId", id.into())
            }

            /// `employeeInformation.mobilePhone`.
            pub fn mobile_phone(self, mobile: impl Into<String>) -> Self {
                self.employee_field("mobilePhone", mobile.into())
            }

            /// `employmentRecord.jobNumber` (工号).
            pub fn job_number(self, job_number: impl Into<String>) -> Self {
                self.record_field("jobNumber", job_number.into())
            }

            /// `employmentRecord.pOIdEmpAdmin`: the line manager.
            pub fn manager(self, manager: impl Into<UserId>) -> Self {
                self.record_field("pOIdEmpAdmin", manager.into().get())
            }

            /// Sets an `employeeInformation` field.
            pub fn employee_field(
                mut self,
                name: impl Into<String>,
                value: impl Into<Value>,
            ) -> Self {
                self.employee_information.insert(name.into(), value.into());
                self
            }

            /// Sets an `employmentRecord` field.
            pub fn record_field(
                mut self,
                name: impl Into<String>,
                value: impl Into<Value>,
            ) -> Self {
                self.employment_record.insert(name.into(), value.into());
                self
            }

            /// Sets an `employmentContract` field (the contract is sent once
            /// one is set).
            pub fn contract_field(
                mut self,
                name: impl Into<String>,
                value: impl Into<Value>,
            ) -> Self {
                self.employment_contract
                    .get_or_insert_with(Map::new)
                    .insert(name.into(), value.into());
                self
            }
        }
    };
}
pub(crate) use employee_body;

/// `Employee/Create`: a new active employee, external person or intern
/// (not a pending hire: that is `CreateForEntry`).
///
/// `new` takes what the vendor's hint lists as required (姓名、电子邮件、
/// 部门、入职日期、雇佣关系、试用期); other fields go in with the setters,
/// in Beisen's camelCase names. Dates are sent as `2026-10-01T00:00:00`
/// (zoned date-times converted to UTC+8).
///
/// ```
/// use beisen_client::employee::CreateEmployee;
/// use beisen_client::enums::EmployType;
/// let req = CreateEmployee::new(
///     "张三", "zhangsan@example.com", 4744879,
///     chrono::NaiveDate::from_ymd_opt(2026, 10, 1).unwrap(), EmployType::Internal, 3,
/// )
/// .original_id("HR-000123")
/// .job_number("E000123");
/// assert_eq!(serde_json::to_value(&req)?, serde_json::json!({
///     "employeeInformation": {"name": "张三", "email": "zhangsan@example.com", "originalId": "HR-000123"},
///     "employmentRecord": {"oIdDepartment": 4744879, "entryDate": "2026-10-01T00:00:00",
///                          "employType": 0, "probation": 3, "jobNumber": "E000123"}
/// }));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[doc(alias("Create", "Employee/Create", "新建在职员工、外部人员、实习生"))]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct CreateEmployee {
    /// 员工信息 fields (`name`, `email`, `originalId`, `mobilePhone`…).
    pub employee_information: Map<String, Value>,
    /// 任职记录 fields (`oIdDepartment`, `entryDate`, `employType`,
    /// `probation`, `jobNumber`, `pOIdEmpAdmin`…).
    pub employment_record: Map<String, Value>,
    /// 合同 fields (`firstPartyCode`, `contractType`, `effectiveDate`…).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub employment_contract: Option<Map<String, Value>>,
}

employee_body!(CreateEmployee);
write_endpoint!(CreateEmployee => CreatedEmployee, crate::employee::paths::CREATE);

/// `Employee/Transfer`: moves an employee (调动), effective at once, no
/// approval. The vendor refuses identical transfers within 3 s; see
/// [`ErrorExt::is_duplicate_write`].
///
/// ```
/// use beisen_client::employee::{EmployeeRef, TransferEmployee};
/// let req = TransferEmployee::new(101501119, 4744879)
///     .start_date(chrono::NaiveDate::from_ymd_opt(2026, 10, 1).unwrap())
///     .manager(101178784);
/// assert_eq!(serde_json::to_value(&req)?, serde_json::json!({
///     "userId": 101501119,
///     "employmentRecord": {"oIdDepartment": 4744879, "startDate": "2026-10-01T00:00:00", "pOIdEmpAdmin": 101178784}
/// }));
/// let by_original = TransferEmployee::new(EmployeeRef::original_id("HR-1"), 4744879);
/// assert_eq!(serde_json::to_value(&by_original)?["originalId"], "HR-1");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[doc(alias("Transfer", "Employee/Transfer", "直接调动已入职的正式员工或实习生"))]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct TransferEmployee {
    /// Who: `userId` or `originalId`.
    #[serde(flatten)]
    pub employee: EmployeeRef,
    /// 任职记录 fields after the move (`oIdDepartment`, `startDate`,
    /// `pOIdEmpAdmin`, `oIdJobPost`, `oIdJobPosition`, `oIdJobLevel`,
    /// `place`…).
    pub employment_record: Map<String, Value>,
}

impl TransferEmployee {
    /// Moves `employee` to `department` (`employmentRecord.oIdDepartment`).
    pub fn new(employee: impl Into<EmployeeRef>, department: impl Into<OrgOId>) -> Self {
        let mut employment_record = Map::new();
        employment_record.insert("oIdDepartment".into(), department.into().get().into());
        TransferEmployee {
            employee: employee.into(),
            employment_record,
        }
    }

    /// `employmentRecord.startDate`: when the move takes effect.
    pub fn start_date(self, date: impl WindowBound) -> Self {
        self.record_field("startDate", date_time(date))
    }

    /// `employmentRecord.pOIdEmpAdmin`: the new line manager.
    pub fn manager(self, manager: impl Into<UserId>) -> Self {
        self.record_field("pOIdEmpAdmin", manager.into().get())
    }

    /// Sets another `employmentRecord` field.
    pub fn record_field(mut self, name: impl Into<String>, value: impl Into<Value>) -> Self {
        self.employment_record.insert(name.into(), value.into());
        self
    }
}
write_endpoint!(TransferEmployee => WriteResult, crate::employee::paths::TRANSFER);

/// `Employee/Dimission`: an employee leaves (离职), effective at once, no
/// approval. The last working day is still a working day; the person's
/// status is 离职 from the day after. The vendor refuses identical
/// departures within 3 s; see [`ErrorExt::is_duplicate_write`].
///
/// ```
/// use beisen_client::employee::DimissionEmployee;
/// let req = DimissionEmployee::new(101501119, chrono::NaiveDate::from_ymd_opt(2026, 9, 30).unwrap())
///     .remarks("个人原因");
/// assert_eq!(serde_json::to_value(&req)?, serde_json::json!({
///     "userId": 101501119,
///     "employmentRecord": {"lastWorkDate": "2026-09-30T00:00:00", "remarks": "个人原因"}
/// }));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[doc(alias("Dimission", "Employee/Dimission", "直接离职已入职的正式员工或实习生"))]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct DimissionEmployee {
    /// Who: `userId` or `originalId`.
    #[serde(flatten)]
    pub employee: EmployeeRef,
    /// 任职记录 fields (`lastWorkDate`, `transitionTypeOID`,
    /// `addOrNotBlackList`, `blackListAddReason`, `blackStaffDesc`,
    /// `remarks`…).
    pub employment_record: Map<String, Value>,
}

impl DimissionEmployee {
    /// `employee` leaves after `last_work_date` (`employmentRecord.lastWorkDate`).
    pub fn new(employee: impl Into<EmployeeRef>, last_work_date: impl WindowBound) -> Self {
        let mut employment_record = Map::new();
        employment_record.insert("lastWorkDate".into(), date_time(last_work_date));
        DimissionEmployee {
            employee: employee.into(),
            employment_record,
        }
    }

    /// `employmentRecord.transitionTypeOID`: the kind of departure (异动类型, a GUID).
    pub fn transition_type(self, guid: impl Into<String>) -> Self {
        self.record_field("transitionTypeOID", guid.into())
    }

    /// `employmentRecord.addOrNotBlackList` with `blackListAddReason`:
    /// adds the person to the blacklist.
    pub fn blacklist(self, reason: impl Into<String>) -> Self {
        self.record_field("addOrNotBlackList", true)
            .record_field("blackListAddReason", reason.into())
    }

    /// `employmentRecord.remarks`.
    pub fn remarks(self, remarks: impl Into<String>) -> Self {
        self.record_field("remarks", remarks.into())
    }

    /// Sets another `employmentRecord` field.
    pub fn record_field(mut self, name: impl Into<String>, value: impl Into<Value>) -> Self {
        self.employment_record.insert(name.into(), value.into());
        self
    }
}
write_endpoint!(DimissionEmployee => WriteResult, crate::employee::paths::DIMISSION);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_repeat_refusals_count_as_duplicate_writes() {
        for m in [
            "请求参数相同时，3秒内仅能请求一次",
            "请勿重复提交",
            "短时间内重复操作，或者当前没有执行完",
            "Duplicate request",
        ] {
            assert!(Error::api("beisen", "417", m).is_duplicate_write(), "{m}");
        }
        for m in [
            "指定的直线经理不存在",
            "电子邮箱与待入职的内部员工：x重复，请确认信息！",
        ] {
            assert!(!Error::api("beisen", "417", m).is_duplicate_write(), "{m}");
        }
        assert!(!Error::invalid_request("x", "3秒内").is_duplicate_write());
        assert!(!Error::api("isdp", "417", "3秒内").is_duplicate_write());
    }

    #[test]
    fn created_reads_the_object_and_the_bare_id() {
        let c = CreatedEmployee::from_data(Some(serde_json::json!("101501070"))).unwrap();
        assert_eq!(c.user_id.get(), 101501070);
        assert!(CreatedEmployee::from_data(None).is_err());
        assert!(CreatedEmployee::from_data(Some(serde_json::json!([1]))).is_err());
        assert!(CreatedEmployee::from_data(Some(serde_json::json!({"userId": "x"}))).is_err());
    }
}
