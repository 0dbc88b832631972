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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
    /// A person with only `personId` set: `personCode` and `personName`
    /// empty, every other field `None` or empty, exactly as decoding
    /// `{"personId": …}` gives. Chain the `with_*` setters for the fields a
    /// fixture needs.
    ///
    /// ```
    /// use isdp_client::{Person, PersonOrg, PersonStatus, PersonType, RoleInfo};
    ///
    /// let p = Person::new(1001)
    ///     .with_person_code("E0007")
    ///     .with_person_name("张三")
    ///     .with_person_type(PersonType::Employee)
    ///     .with_person_status(PersonStatus::Freeze)
    ///     .with_phone("13512345678")
    ///     .with_org(PersonOrg::new(20).with_org_no("RD").with_org_name("研发中心"))
    ///     .with_role_info(RoleInfo::new(7).with_role_name("员工"));
    /// assert_eq!(p.person_code, "E0007");
    /// assert!(!format!("{p:?}").contains("13512345678"));
    /// let json = serde_json::to_value(&p)?;
    /// assert_eq!(json["Org"]["orgId"], 20);
    /// assert_eq!(json["roleInfo"][0]["roleId"], "7"); // a string, as the vendor sends it
    /// assert_eq!(serde_json::from_value::<Person>(json)?, p);
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub fn new(person_id: impl Into<PersonId>) -> Self {
        Person {
            person_id: person_id.into(),
            person_code: String::new(),
            person_name: String::new(),
            person_type: None,
            person_status: None,
            profile_picture_status: None,
            profile_picture_id: None,
            user_id: None,
            phone: None,
            integration_account: None,
            role_info: Vec::new(),
            position_info: Vec::new(),
            org: None,
            udf_extend1: None,
            udf_extend2: None,
            udf_extend3: None,
            udf_extend4: None,
            udf_extend7: None,
            udf_extend8: None,
            udf_extend9: None,
            udf_extend10: None,
            tenant_id: None,
            certificate_type: None,
            certificate_no: None,
            black_list: None,
            reason: None,
            admin_org_id: None,
            last_updated_by: None,
            last_update_date: None,
            is_smart_device: None,
            qualification_code: None,
            extra: Map::new(),
        }
    }

    /// Sets [`person_code`](Self::person_code), the job number.
    #[must_use]
    pub fn with_person_code(mut self, code: impl Into<String>) -> Self {
        self.person_code = code.into();
        self
    }

    /// Sets [`person_name`](Self::person_name).
    #[must_use]
    pub fn with_person_name(mut self, name: impl Into<String>) -> Self {
        self.person_name = name.into();
        self
    }

    /// Appends one role to [`role_info`](Self::role_info).
    #[must_use]
    pub fn with_role_info(mut self, role: RoleInfo) -> Self {
        self.role_info.push(role);
        self
    }

    /// Appends one position to [`position_info`](Self::position_info).
    #[must_use]
    pub fn with_position_info(mut self, position: PositionInfo) -> Self {
        self.position_info.push(position);
        self
    }

    /// Whether `blackList` is 1.
    pub fn is_blacklisted(&self) -> bool {
        self.black_list == Some(1)
    }
}

hr_common::with_setters!(Person {
    with_person_type => person_type: PersonType,
    with_person_status => person_status: PersonStatus,
    with_profile_picture_status => profile_picture_status: ProfilePictureStatus,
    with_profile_picture_id => profile_picture_id: String,
    with_user_id => user_id: UserId,
    with_integration_account => integration_account: String,
    with_org => org: PersonOrg,
    with_udf_extend1 => udf_extend1: String,
    with_udf_extend2 => udf_extend2: String,
    with_udf_extend3 => udf_extend3: String,
    with_udf_extend4 => udf_extend4: String,
    with_udf_extend7 => udf_extend7: String,
    with_udf_extend8 => udf_extend8: String,
    with_udf_extend9 => udf_extend9: String,
    with_udf_extend10 => udf_extend10: String,
    with_tenant_id => tenant_id: i64,
    with_certificate_type => certificate_type: String,
    with_black_list => black_list: i64,
    with_reason => reason: String,
    with_admin_org_id => admin_org_id: OrgId,
    with_last_updated_by => last_updated_by: UserId,
    with_last_update_date => last_update_date: CivilDateTime,
    with_is_smart_device => is_smart_device: bool,
    with_qualification_code => qualification_code: String,
}
sensitive {
    with_phone => phone,
    with_certificate_no => certificate_no,
});

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

impl RoleInfo {
    /// A role with only `roleId` set, as decoding `{"roleId": "…"}` gives.
    ///
    /// ```
    /// let role = isdp_client::RoleInfo::new(7).with_role_code("R007").with_role_name("员工");
    /// assert_eq!(serde_json::to_value(&role)?["roleId"], "7");
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub fn new(role_id: impl Into<RoleId>) -> Self {
        RoleInfo {
            role_id: Some(role_id.into()),
            role_code: None,
            role_name: None,
            extra: Map::new(),
        }
    }
}

hr_common::with_setters!(RoleInfo {
    with_role_code => role_code: String,
    with_role_name => role_name: String,
});

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

impl PositionInfo {
    /// A position with only `positionId` set, as decoding
    /// `{"positionId": "…"}` gives.
    ///
    /// ```
    /// let p = isdp_client::PositionInfo::new(31).with_position_name("工程师");
    /// assert_eq!(serde_json::to_value(&p)?["positionId"], "31");
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub fn new(position_id: impl Into<PositionId>) -> Self {
        PositionInfo {
            position_id: Some(position_id.into()),
            position_code: None,
            position_name: None,
            extra: Map::new(),
        }
    }
}

hr_common::with_setters!(PositionInfo {
    with_position_code => position_code: String,
    with_position_name => position_name: String,
});

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

impl PersonOrg {
    /// A person's organisation with `id` and `orgId` both set to `org_id`
    /// (the vendor sends them equal), as decoding
    /// `{"id": …, "orgId": …}` gives.
    ///
    /// ```
    /// let org = isdp_client::PersonOrg::new(20).with_org_no("RD").with_org_name("研发中心");
    /// assert_eq!(org.id, org.org_id);
    /// assert_eq!(serde_json::to_value(&org)?["orgNo"], "RD");
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub fn new(org_id: impl Into<OrgId>) -> Self {
        let org_id = org_id.into();
        PersonOrg {
            id: Some(org_id),
            org_id: Some(org_id),
            org_no: None,
            org_name: None,
            value: None,
            extra: Map::new(),
        }
    }
}

hr_common::with_setters!(PersonOrg {
    with_org_no => org_no: String,
    with_org_name => org_name: String,
    with_value => value: String,
});
