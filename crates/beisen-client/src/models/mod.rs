//! Typed records. Field names serialise to the camelCase Beisen sends
//! (including its odd ones: `userID`, `iDNumber`, `oidJobGrade`), civil
//! date-times keep their text, personal data is [`Sensitive`](hr_common::Sensitive),
//! and fields not modelled are kept in `extra`, so a record round-trips.

/// Writes `with_custom_property` for models with `custom_properties`.
macro_rules! custom_property_setter {
    ($($ty:ident),*) => {$(
        impl $ty {
            /// Adds one custom field (自定义字段) to
            /// [`custom_properties`](Self::custom_properties), creating the
            /// map if there is none.
            #[must_use]
            pub fn with_custom_property(
                mut self,
                name: impl Into<String>,
                value: impl Into<serde_json::Value>,
            ) -> Self {
                self.custom_properties
                    .get_or_insert_with(Default::default)
                    .0
                    .insert(name.into(), value.into());
                self
            }
        }
    )*};
}

mod employee;
mod meta;
mod org;

use serde::{Deserialize, Serialize};

pub use employee::{EmployeeInfo, RecordInfo};
pub use meta::{
    Contract, Corporation, CorporationFields, EmploymentForm, JobLevel, MetaObjectRecord, Offer,
};
pub use org::{JobPost, MetaRecord, OrgTreeNode, Organization, Position};

use crate::ids::UserId;
use crate::window::QueryType;
use hr_common::CivilDateTime;

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
    pub extra: crate::custom::Extra,
}

impl Employee {
    /// An item with `employee_info` and no employment record (`extra`
    /// empty), as decoding `{"employeeInfo": …}` gives.
    ///
    /// ```
    /// use beisen_client::models::{Employee, EmployeeInfo, RecordInfo, WindowRecord};
    ///
    /// let item = Employee::new(EmployeeInfo::new(100000007).with_name("张三"))
    ///     .with_record_info(RecordInfo::new(100000007).with_job_number("E0007"));
    /// assert_eq!(item.dedup_key().as_deref(), Some("100000007"));
    /// let back: Employee = serde_json::from_value(serde_json::to_value(&item)?)?;
    /// assert_eq!(back, item);
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub fn new(employee_info: EmployeeInfo) -> Self {
        Employee {
            employee_info,
            record_info: None,
            extra: Default::default(),
        }
    }
}

hr_common::with_setters!(Employee {
    with_record_info => record_info: RecordInfo,
});

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
    pub extra: crate::custom::Extra,
}

impl EmployeeWithRecords {
    /// An item with `employee_info` and no employment records (`extra`
    /// empty), as decoding `{"employeeInfo": …}` gives.
    ///
    /// ```
    /// use beisen_client::models::{EmployeeInfo, EmployeeWithRecords, RecordInfo};
    ///
    /// let item = EmployeeWithRecords::new(EmployeeInfo::new(100000007))
    ///     .with_record_info(RecordInfo::new(100000007).with_order(0))
    ///     .with_record_info(RecordInfo::new(100000007).with_order(1));
    /// assert_eq!(item.record_infos.len(), 2);
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub fn new(employee_info: EmployeeInfo) -> Self {
        EmployeeWithRecords {
            employee_info,
            record_infos: Vec::new(),
            extra: Default::default(),
        }
    }

    /// Appends one employment record to [`record_infos`](Self::record_infos).
    #[must_use]
    pub fn with_record_info(mut self, record: RecordInfo) -> Self {
        self.record_infos.push(record);
        self
    }

    /// Replaces [`record_infos`](Self::record_infos).
    #[must_use]
    pub fn with_record_infos(mut self, records: impl IntoIterator<Item = RecordInfo>) -> Self {
        self.record_infos = records.into_iter().collect();
        self
    }
}

hr_common::with_setters!(EmployeeWithRecords {});

/// What a time-window stream de-duplicates on.
///
/// A record's de-duplication key is its identity *and* its version (the
/// time the query selects on), so a copy re-read after a scroll restart is
/// dropped while a newer version of the same entity, modified during the
/// run and selected again in a later sub-window, is delivered.
pub trait WindowRecord {
    /// The record's identity, or `None` when it has none (such records are
    /// never dropped as cross-window duplicates; after a scroll restart they
    /// are skipped by position instead, see
    /// [`WindowStream`](crate::WindowStream)).
    fn dedup_key(&self) -> Option<String>;

    /// The record's version for a query selecting on `query_type`: the
    /// modification time(s) that query type selects on. `None` when unknown.
    fn version(&self, query_type: QueryType) -> Option<String> {
        let _ = query_type;
        None
    }

    /// The times the query type selects on, the ones
    /// [`version`](Self::version) is made of (for an employee, the
    /// person's and the job record's). The stream reads them to tell which
    /// of its pieces returns the record: one whose times all lie inside
    /// the piece that returned it needs no de-duplication key after that
    /// piece ends, so memory does not grow with the result. Default: none,
    /// and such a record is trusted to be returned by one piece only.
    fn version_times(&self, query_type: QueryType) -> Vec<&CivilDateTime> {
        let _ = query_type;
        Vec::new()
    }

    /// [`dedup_key`](Self::dedup_key) and [`version`](Self::version)
    /// together: what the stream de-duplicates on.
    fn versioned_key(&self, query_type: QueryType) -> Option<String> {
        let id = self.dedup_key()?;
        Some(match self.version(query_type) {
            Some(v) => format!("{id}@{v}"),
            None => id,
        })
    }
}

fn time_text(t: &Option<CivilDateTime>) -> &str {
    t.as_ref().map_or("", CivilDateTime::as_str)
}

fn pick_time<'a>(
    query_type: QueryType,
    modified: &'a Option<CivilDateTime>,
    business: &'a Option<CivilDateTime>,
) -> Option<&'a CivilDateTime> {
    match query_type {
        QueryType::BusinessModified => business.as_ref(),
        _ => modified.as_ref(),
    }
}

fn pick<'a>(
    query_type: QueryType,
    modified: &'a Option<CivilDateTime>,
    business: &'a Option<CivilDateTime>,
) -> &'a str {
    match query_type {
        QueryType::BusinessModified => time_text(business),
        _ => time_text(modified),
    }
}

impl WindowRecord for Employee {
    fn dedup_key(&self) -> Option<String> {
        Some(self.employee_info.user_id.to_string())
    }

    fn version(&self, query_type: QueryType) -> Option<String> {
        let e = &self.employee_info;
        let person = pick(query_type, &e.modified_time, &e.business_modified_time);
        let record = self.record_info.as_ref().map_or("", |r| {
            pick(query_type, &r.modified_time, &r.business_modified_time)
        });
        Some(format!("{person}|{record}"))
    }

    fn version_times(&self, query_type: QueryType) -> Vec<&CivilDateTime> {
        let e = &self.employee_info;
        let mut times = Vec::with_capacity(2);
        times.extend(pick_time(
            query_type,
            &e.modified_time,
            &e.business_modified_time,
        ));
        if let Some(r) = &self.record_info {
            times.extend(pick_time(
                query_type,
                &r.modified_time,
                &r.business_modified_time,
            ));
        }
        times
    }
}

impl WindowRecord for EmployeeWithRecords {
    fn dedup_key(&self) -> Option<String> {
        Some(self.employee_info.user_id.to_string())
    }

    fn version(&self, query_type: QueryType) -> Option<String> {
        let e = &self.employee_info;
        let mut v = pick(query_type, &e.modified_time, &e.business_modified_time).to_owned();
        for r in &self.record_infos {
            v.push('|');
            v.push_str(pick(
                query_type,
                &r.modified_time,
                &r.business_modified_time,
            ));
        }
        Some(v)
    }

    fn version_times(&self, query_type: QueryType) -> Vec<&CivilDateTime> {
        let e = &self.employee_info;
        let mut times = Vec::with_capacity(1 + self.record_infos.len());
        times.extend(pick_time(
            query_type,
            &e.modified_time,
            &e.business_modified_time,
        ));
        for r in &self.record_infos {
            times.extend(pick_time(
                query_type,
                &r.modified_time,
                &r.business_modified_time,
            ));
        }
        times
    }
}

macro_rules! versioned_by_times {
    ($($ty:ty),*) => {$(
        impl WindowRecord for $ty {
            fn dedup_key(&self) -> Option<String> {
                Some(self.oid.to_string())
            }

            fn version(&self, query_type: QueryType) -> Option<String> {
                Some(pick(query_type, &self.modified_time, &self.business_modified_time).to_owned())
            }

            fn version_times(&self, query_type: QueryType) -> Vec<&CivilDateTime> {
                pick_time(query_type, &self.modified_time, &self.business_modified_time)
                    .into_iter()
                    .collect()
            }
        }
    )*};
}

versioned_by_times!(Organization, Position, JobPost);

impl WindowRecord for MetaRecord {
    fn dedup_key(&self) -> Option<String> {
        self.object_id
            .clone()
            .or_else(|| self.oid.as_ref().map(|v| v.to_string()))
    }

    fn version(&self, query_type: QueryType) -> Option<String> {
        Some(
            pick(
                query_type,
                &self.modified_time,
                &self.business_modified_time,
            )
            .to_owned(),
        )
    }

    fn version_times(&self, query_type: QueryType) -> Vec<&CivilDateTime> {
        pick_time(
            query_type,
            &self.modified_time,
            &self.business_modified_time,
        )
        .into_iter()
        .collect()
    }
}

/// Setting objects and records keyed by `objectId`, else by `oId` (or,
/// for an offer, its person), and versioned by the time the query selects.
macro_rules! versioned_by_object_id {
    ($($ty:ty => |$r:ident| $key:expr),* $(,)?) => {$(
        impl WindowRecord for $ty {
            fn dedup_key(&self) -> Option<String> {
                let $r = self;
                $key
            }

            fn version(&self, query_type: QueryType) -> Option<String> {
                Some(pick(query_type, &self.modified_time, &self.business_modified_time).to_owned())
            }

            fn version_times(&self, query_type: QueryType) -> Vec<&CivilDateTime> {
                pick_time(query_type, &self.modified_time, &self.business_modified_time)
                    .into_iter()
                    .collect()
            }
        }
    )*};
}

versioned_by_object_id!(
    JobLevel => |r| r.oid.clone().or_else(|| r.object_id.clone()),
    EmploymentForm => |r| r.oid.clone().or_else(|| r.object_id.clone()),
    // A person may have several contracts: only the contract's own id
    // identifies one.
    Contract => |r| r.object_id.clone(),
    Offer => |r| r.object_id.clone().or_else(|| r.user_id.map(|u| format!("user:{u}"))),
);

impl WindowRecord for MetaObjectRecord {
    fn dedup_key(&self) -> Option<String> {
        self.get_str("OId")
            .map(str::to_owned)
            .or_else(|| self.get_i64("OId").map(|n| n.to_string()))
            .or_else(|| self.get_str("ObjectId").map(str::to_owned))
    }

    fn version(&self, query_type: QueryType) -> Option<String> {
        let t = match query_type {
            QueryType::BusinessModified => self.business_modified_time(),
            _ => self.modified_time(),
        };
        Some(t.map_or("", CivilDateTime::as_str).to_owned())
    }

    fn version_times(&self, query_type: QueryType) -> Vec<&CivilDateTime> {
        match query_type {
            QueryType::BusinessModified => self.business_modified_time(),
            _ => self.modified_time(),
        }
        .into_iter()
        .collect()
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

#[cfg(test)]
mod tests {
    use super::*;

    fn employee(modified: &str) -> Employee {
        serde_json::from_value(serde_json::json!({
            "employeeInfo": {"userID": 7, "modifiedTime": modified, "businessModifiedTime": "2024-01-01T00:00:00"},
            "recordInfo": {"userID": 7, "modifiedTime": "2024-01-01T00:00:00"}
        }))
        .unwrap()
    }

    #[test]
    fn a_newer_version_has_a_different_key_and_a_copy_the_same() {
        let old = employee("2024-01-02T10:00:00");
        let new = employee("2024-01-05T10:00:00");
        let q = QueryType::Modified;
        assert_eq!(
            old.versioned_key(q),
            employee("2024-01-02T10:00:00").versioned_key(q)
        );
        assert_ne!(old.versioned_key(q), new.versioned_key(q));
        // By business time the two are the same version.
        let b = QueryType::BusinessModified;
        assert_eq!(old.versioned_key(b), new.versioned_key(b));
    }

    #[test]
    fn office_tel_is_masked_in_debug() {
        let e: EmployeeInfo =
            serde_json::from_value(serde_json::json!({"userID": 1, "officeTel": "010-87654321"}))
                .unwrap();
        assert_eq!(e.office_tel.as_ref().unwrap().expose(), "010-87654321");
        assert!(!format!("{e:?}").contains("87654321"));
    }
}
