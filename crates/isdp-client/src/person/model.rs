//! The person record of getPersonList, field for field as in seed 001.

use hr_common::CivilDateTime;
use hr_common::lenient::LenientBoolYN;
use hr_common::sensitive::{IdNumber, Phone};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use serde_with::serde_as;

use crate::codes::{PersonStatus, PersonType, ProfilePictureStatus};
use crate::envelope::null_as_empty;
use crate::ids::{OrgId, PersonId, PositionId, RoleId, UserId};

/// A person as getPersonList returns them.
///
/// Serialising gives back the vendor's field names (`personId`, `Org`, …)
/// and every field this crate does not know (kept in [`extra`](Person::extra)).
/// Phones and certificate numbers are [`Sensitive`](hr_common::Sensitive):
/// `Debug` masks them, serialising writes them as received.
///
/// ```
/// use isdp_client::{Person, PersonStatus};
/// let p: Person = serde_json::from_str(r#"{"personId": 1, "personCode": "c1", "personName": "n",
///     "personType": "Employee", "personStatus": "Freeze", "phone": "13512345678", "newField": 7}"#)?;
/// assert_eq!(p.person_status, Some(PersonStatus::Freeze));
/// assert!(!format!("{p:?}").contains("13512345678"));
/// assert_eq!(p.extra["newField"], 7);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[serde_as]
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Person {
    /// `personId`.
    pub person_id: PersonId,
    /// `personCode` (the job number).
    #[serde(default)]
    pub person_code: String,
    /// `personName`.
    #[serde(default)]
    pub person_name: String,
    /// `personType`.
    #[serde(default)]
    pub person_type: Option<PersonType>,
    /// `personStatus`.
    #[serde(default)]
    pub person_status: Option<PersonStatus>,
    /// `profilePictureStatus`.
    #[serde(default)]
    pub profile_picture_status: Option<ProfilePictureStatus>,
    /// `profilePictureId` (`""` when none).
    #[serde(default)]
    pub profile_picture_id: Option<String>,
    /// `userId`.
    #[serde(default)]
    pub user_id: Option<UserId>,
    /// `phone`, masked by the vendor (`135******78`).
    #[serde(default)]
    pub phone: Option<Phone>,
    /// `integrationAccount`.
    #[serde(default)]
    pub integration_account: Option<String>,
    /// `roleInfo`.
    #[serde(default, deserialize_with = "null_as_empty")]
    pub role_info: Vec<RoleInfo>,
    /// `positionInfo`.
    #[serde(default, deserialize_with = "null_as_empty")]
    pub position_info: Vec<PositionInfo>,
    /// `Org`, spelled with a capital O.
    #[serde(rename = "Org", default)]
    pub org: Option<PersonOrg>,
    /// `udfExtend1`.
    #[serde(default)]
    pub udf_extend1: Option<String>,
    /// `udfExtend2`.
    #[serde(default)]
    pub udf_extend2: Option<String>,
    /// `udfExtend3`.
    #[serde(default)]
    pub udf_extend3: Option<String>,
    /// `udfExtend4`.
    #[serde(default)]
    pub udf_extend4: Option<String>,
    /// `udfExtend7`.
    #[serde(default)]
    pub udf_extend7: Option<String>,
    /// `udfExtend8`.
    #[serde(default)]
    pub udf_extend8: Option<String>,
    /// `udfExtend9`.
    #[serde(default)]
    pub udf_extend9: Option<String>,
    /// `udfExtend10`.
    #[serde(default)]
    pub udf_extend10: Option<String>,
    /// `tenantId`.
    #[serde(default)]
    pub tenant_id: Option<i64>,
    /// `certificateType` (`""` when none).
    #[serde(default)]
    pub certificate_type: Option<String>,
    /// `certificateNo`, `null` or masked.
    #[serde(default)]
    pub certificate_no: Option<IdNumber>,
    /// `blackList`: 0 no, 1 yes; see [`Person::is_blacklisted`].
    #[serde(default)]
    pub black_list: Option<i64>,
    /// `reason` (for the black list).
    #[serde(default)]
    pub reason: Option<String>,
    /// `adminOrgId`: the administrative organisation.
    #[serde(default)]
    pub admin_org_id: Option<OrgId>,
    /// `lastUpdatedBy`.
    #[serde(default)]
    pub last_updated_by: Option<UserId>,
    /// `lastUpdateDate`, with its offset (`2023-08-11T14:23:09.000+08:00`).
    #[serde(default, with = "hr_common::civil_time::option")]
    pub last_update_date: Option<CivilDateTime>,
    /// `isSmartDevice`: `Y` for a smart-device account.
    #[serde_as(as = "Option<LenientBoolYN>")]
    #[serde(default)]
    pub is_smart_device: Option<bool>,
    /// `qualificationCode`: qualification ids, comma-separated.
    #[serde(default)]
    pub qualification_code: Option<String>,
    /// Fields this crate does not model, as received.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Person {
    /// Whether `blackList` is 1.
    pub fn is_blacklisted(&self) -> bool {
        self.black_list == Some(1)
    }
}

/// `roleInfo[]` of a person; `roleId` arrives as a string here, and is
/// written back as one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct RoleInfo {
    /// `roleId`.
    #[serde(default, serialize_with = "crate::ids::option_as_string")]
    pub role_id: Option<RoleId>,
    /// `roleCode`.
    #[serde(default)]
    pub role_code: Option<String>,
    /// `roleName`.
    #[serde(default)]
    pub role_name: Option<String>,
    /// Fields this crate does not model.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `positionInfo[]` of a person; `positionId` arrives as a string here,
/// and is written back as one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct PositionInfo {
    /// `positionId`.
    #[serde(default, serialize_with = "crate::ids::option_as_string")]
    pub position_id: Option<PositionId>,
    /// `positionCode`.
    #[serde(default)]
    pub position_code: Option<String>,
    /// `positionName`.
    #[serde(default)]
    pub position_name: Option<String>,
    /// Fields this crate does not model.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A person's `Org`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct PersonOrg {
    /// `id` (equal to `orgId`).
    #[serde(default)]
    pub id: Option<OrgId>,
    /// `orgId`.
    #[serde(default)]
    pub org_id: Option<OrgId>,
    /// `orgNo`.
    #[serde(default)]
    pub org_no: Option<String>,
    /// `orgName`.
    #[serde(default)]
    pub org_name: Option<String>,
    /// `value` (the display name).
    #[serde(default)]
    pub value: Option<String>,
    /// Fields this crate does not model.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}
