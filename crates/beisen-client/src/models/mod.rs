//! Typed records. Field names serialise to the camelCase Beisen sends
//! (including its odd ones: `userID`, `iDNumber`, `oidJobGrade`), civil
//! date-times keep their text, personal data is [`Sensitive`](hr_common::Sensitive),
//! and fields not modelled are kept in `extra`, so a record round-trips.

mod employee;
mod org;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

pub use employee::{EmployeeInfo, RecordInfo};
pub use org::{JobPost, MetaRecord, Organization, Position};

use crate::ids::UserId;

/// One item of `Employee/GetByTimeWindow`: the person and one employment
/// record (the main one when there are several).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Employee {
    /// The person.
    pub employee_info: EmployeeInfo,
    /// The employment record; absent for people without one.
    #[serde(default)]
    pub record_info: Option<RecordInfo>,
    /// Other keys of the item (`originalId`…).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One item of `Employee/GetListByTimeWindow`: the person and every
/// employment record selected.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct EmployeeWithRecords {
    /// The person.
    pub employee_info: EmployeeInfo,
    /// The employment records.
    #[serde(default, deserialize_with = "crate::envelope::null_as_empty")]
    pub record_infos: Vec<RecordInfo>,
    /// Other keys of the item.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// What a time-window stream de-duplicates on.
pub trait WindowRecord {
    /// The record's identity, or `None` to never drop it as a duplicate.
    fn dedup_key(&self) -> Option<String>;
}

impl WindowRecord for Employee {
    fn dedup_key(&self) -> Option<String> {
        Some(self.employee_info.user_id.to_string())
    }
}

impl WindowRecord for EmployeeWithRecords {
    fn dedup_key(&self) -> Option<String> {
        Some(self.employee_info.user_id.to_string())
    }
}

impl WindowRecord for Organization {
    fn dedup_key(&self) -> Option<String> {
        Some(self.oid.to_string())
    }
}

impl WindowRecord for Position {
    fn dedup_key(&self) -> Option<String> {
        Some(self.oid.to_string())
    }
}

impl WindowRecord for JobPost {
    fn dedup_key(&self) -> Option<String> {
        Some(self.oid.to_string())
    }
}

impl WindowRecord for MetaRecord {
    fn dedup_key(&self) -> Option<String> {
        self.object_id
            .clone()
            .or_else(|| self.oid.as_ref().map(|v| v.to_string()))
    }
}

impl Organization {
    /// 副负责人 as user ids, from the comma-separated text.
    ///
    /// ```
    /// let org: beisen_client::models::Organization =
    ///     serde_json::from_str(r#"{"oId":1,"personInChargeDeputy":"100000001,100000002"}"#)?;
    /// assert_eq!(org.deputies().len(), 2);
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub fn deputies(&self) -> Vec<UserId> {
        self.person_in_charge_deputy
            .as_deref()
            .unwrap_or("")
            .split([',', '，'])
            .filter_map(|s| s.trim().parse().ok().map(UserId))
            .collect()
    }
}
