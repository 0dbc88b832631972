//! Organisation units, positions, job posts, and the other setting objects.

use hr_common::civil_time::{self, CivilDateTime};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::custom::{CustomProperties, TranslateProperties};
#[allow(unused_imports)]
use crate::enums::{ApprovalStatus, EmpStatus, EmployType, Gender, ServiceType};
use crate::ids::{JobPostOId, OrgOId, PositionOId, UserId};

/// 组织单元: an organisation unit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Organization {
    /// 组织 OId.
    #[serde(rename = "oId")]
    pub oid: OrgOId,
    /// 名称.
    #[serde(rename = "name", default)]
    pub name: Option<String>,
    /// 简称.
    #[serde(rename = "shortName", default)]
    pub short_name: Option<String>,
    /// 编码.
    #[serde(rename = "code", default)]
    pub code: Option<String>,
    /// 组织层级 (GUID).
    #[serde(rename = "level", default)]
    pub level: Option<String>,
    /// 状态: 1 enabled, 0 disabled.
    #[serde(rename = "status", default)]
    pub status: Option<i64>,
    /// 行政上级; null for the root.
    #[serde(rename = "pOIdOrgAdmin", default)]
    pub poid_org_admin: Option<OrgOId>,
    /// 业务上级.
    #[serde(rename = "pOIdOrgReserve2", default)]
    pub poid_org_reserve2: Option<i64>,
    /// 负责人.
    #[serde(rename = "personInCharge", default)]
    pub person_in_charge: Option<UserId>,
    /// 副负责人, comma-separated user ids; see `deputies()`.
    #[serde(rename = "personInChargeDeputy", default)]
    pub person_in_charge_deputy: Option<String>,
    /// 成立日期.
    #[serde(rename = "establishDate", default, with = "civil_time::option")]
    pub establish_date: Option<CivilDateTime>,
    /// 生效日期.
    #[serde(rename = "startDate", default, with = "civil_time::option")]
    pub start_date: Option<CivilDateTime>,
    /// 失效日期.
    #[serde(rename = "stopDate", default, with = "civil_time::option")]
    pub stop_date: Option<CivilDateTime>,
    /// 对象 id.
    #[serde(rename = "objectId", default)]
    pub object_id: Option<String>,
    /// 自定义字段.
    #[serde(rename = "customProperties", default)]
    pub custom_properties: Option<CustomProperties>,
    /// 翻译字段.
    #[serde(rename = "translateProperties", default)]
    pub translate_properties: Option<TranslateProperties>,
    /// 业务修改时间.
    #[serde(rename = "businessModifiedTime", default, with = "civil_time::option")]
    pub business_modified_time: Option<CivilDateTime>,
    /// 创建时间.
    #[serde(rename = "createdTime", default, with = "civil_time::option")]
    pub created_time: Option<CivilDateTime>,
    /// 修改时间.
    #[serde(rename = "modifiedTime", default, with = "civil_time::option")]
    pub modified_time: Option<CivilDateTime>,
    /// 是否删除.
    #[serde(rename = "stdIsDeleted", default)]
    pub std_is_deleted: Option<bool>,
    /// Fields this crate does not model, kept so the record round-trips.
    #[serde(flatten)]
    pub extra: crate::custom::Extra,
}

/// 职位: a position (GUID `oId`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Position {
    /// 职位 OId (GUID).
    #[serde(rename = "oId")]
    pub oid: PositionOId,
    /// 名称.
    #[serde(rename = "name", default)]
    pub name: Option<String>,
    /// 编码.
    #[serde(rename = "code", default)]
    pub code: Option<String>,
    /// 职务.
    #[serde(rename = "oIdJobPost", default)]
    pub oid_job_post: Option<JobPostOId>,
    /// 所属组织.
    #[serde(rename = "oIdOrganization", default)]
    pub oid_organization: Option<OrgOId>,
    /// 状态.
    #[serde(rename = "status", default)]
    pub status: Option<i64>,
    /// 对象 id.
    #[serde(rename = "objectId", default)]
    pub object_id: Option<String>,
    /// 自定义字段.
    #[serde(rename = "customProperties", default)]
    pub custom_properties: Option<CustomProperties>,
    /// 翻译字段.
    #[serde(rename = "translateProperties", default)]
    pub translate_properties: Option<TranslateProperties>,
    /// 业务修改时间.
    #[serde(rename = "businessModifiedTime", default, with = "civil_time::option")]
    pub business_modified_time: Option<CivilDateTime>,
    /// 创建时间.
    #[serde(rename = "createdTime", default, with = "civil_time::option")]
    pub created_time: Option<CivilDateTime>,
    /// 修改时间.
    #[serde(rename = "modifiedTime", default, with = "civil_time::option")]
    pub modified_time: Option<CivilDateTime>,
    /// 是否删除.
    #[serde(rename = "stdIsDeleted", default)]
    pub std_is_deleted: Option<bool>,
    /// Fields this crate does not model, kept so the record round-trips.
    #[serde(flatten)]
    pub extra: crate::custom::Extra,
}

/// 职务: a job post (numeric-string `oId`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct JobPost {
    /// 职务 OId (numeric string).
    #[serde(rename = "oId")]
    pub oid: JobPostOId,
    /// 名称.
    #[serde(rename = "name", default)]
    pub name: Option<String>,
    /// 编码.
    #[serde(rename = "code", default)]
    pub code: Option<String>,
    /// 状态.
    #[serde(rename = "status", default)]
    pub status: Option<i64>,
    /// 对象 id.
    #[serde(rename = "objectId", default)]
    pub object_id: Option<String>,
    /// 自定义字段.
    #[serde(rename = "customProperties", default)]
    pub custom_properties: Option<CustomProperties>,
    /// 翻译字段.
    #[serde(rename = "translateProperties", default)]
    pub translate_properties: Option<TranslateProperties>,
    /// 业务修改时间.
    #[serde(rename = "businessModifiedTime", default, with = "civil_time::option")]
    pub business_modified_time: Option<CivilDateTime>,
    /// 创建时间.
    #[serde(rename = "createdTime", default, with = "civil_time::option")]
    pub created_time: Option<CivilDateTime>,
    /// 修改时间.
    #[serde(rename = "modifiedTime", default, with = "civil_time::option")]
    pub modified_time: Option<CivilDateTime>,
    /// 是否删除.
    #[serde(rename = "stdIsDeleted", default)]
    pub std_is_deleted: Option<bool>,
    /// Fields this crate does not model, kept so the record round-trips.
    #[serde(flatten)]
    pub extra: crate::custom::Extra,
}

/// A record of the objects this crate types loosely: job levels (职级), grades (职等), sequences (职务序列) and employee subsets (员工子集).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct MetaRecord {
    /// OId (a number or a string, by object).
    #[serde(rename = "oId", default)]
    pub oid: Option<Value>,
    /// 对象 id.
    #[serde(rename = "objectId", default)]
    pub object_id: Option<String>,
    /// 名称.
    #[serde(rename = "name", default)]
    pub name: Option<String>,
    /// 编码.
    #[serde(rename = "code", default)]
    pub code: Option<String>,
    /// 状态.
    #[serde(rename = "status", default)]
    pub status: Option<i64>,
    /// 员工 (subsets only).
    #[serde(rename = "userID", default)]
    pub user_id: Option<UserId>,
    /// 自定义字段.
    #[serde(rename = "customProperties", default)]
    pub custom_properties: Option<CustomProperties>,
    /// 翻译字段.
    #[serde(rename = "translateProperties", default)]
    pub translate_properties: Option<TranslateProperties>,
    /// 业务修改时间.
    #[serde(rename = "businessModifiedTime", default, with = "civil_time::option")]
    pub business_modified_time: Option<CivilDateTime>,
    /// 创建时间.
    #[serde(rename = "createdTime", default, with = "civil_time::option")]
    pub created_time: Option<CivilDateTime>,
    /// 修改时间.
    #[serde(rename = "modifiedTime", default, with = "civil_time::option")]
    pub modified_time: Option<CivilDateTime>,
    /// 是否删除.
    #[serde(rename = "stdIsDeleted", default)]
    pub std_is_deleted: Option<bool>,
    /// Fields this crate does not model, kept so the record round-trips.
    #[serde(flatten)]
    pub extra: crate::custom::Extra,
}
