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

impl Organization {
    /// An organisation unit with only `oId` set: every other field is `None`
    /// (and `extra` empty), exactly as decoding `{"oId": …}` gives.
    ///
    /// ```
    /// use beisen_client::models::Organization;
    ///
    /// let org = Organization::new(900001)
    ///     .with_name("研发中心")
    ///     .with_code("RD")
    ///     .with_status(1)
    ///     .with_poid_org_admin(900000)
    ///     .with_person_in_charge_deputy("100000001,100000002");
    /// assert_eq!(org.deputies().len(), 2);
    /// assert_eq!(serde_json::to_value(&org)?["pOIdOrgAdmin"], 900000);
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub fn new(oid: impl Into<OrgOId>) -> Self {
        Organization {
            oid: oid.into(),
            name: None,
            short_name: None,
            code: None,
            level: None,
            status: None,
            poid_org_admin: None,
            poid_org_reserve2: None,
            person_in_charge: None,
            person_in_charge_deputy: None,
            establish_date: None,
            start_date: None,
            stop_date: None,
            object_id: None,
            custom_properties: None,
            translate_properties: None,
            business_modified_time: None,
            created_time: None,
            modified_time: None,
            std_is_deleted: None,
            extra: Default::default(),
        }
    }
}

hr_common::with_setters!(Organization {
    with_name => name: String,
    with_short_name => short_name: String,
    with_code => code: String,
    with_level => level: String,
    with_status => status: i64,
    with_poid_org_admin => poid_org_admin: OrgOId,
    with_poid_org_reserve2 => poid_org_reserve2: i64,
    with_person_in_charge => person_in_charge: UserId,
    with_person_in_charge_deputy => person_in_charge_deputy: String,
    with_establish_date => establish_date: CivilDateTime,
    with_start_date => start_date: CivilDateTime,
    with_stop_date => stop_date: CivilDateTime,
    with_object_id => object_id: String,
    with_custom_properties => custom_properties: CustomProperties,
    with_translate_properties => translate_properties: TranslateProperties,
    with_business_modified_time => business_modified_time: CivilDateTime,
    with_created_time => created_time: CivilDateTime,
    with_modified_time => modified_time: CivilDateTime,
    with_std_is_deleted => std_is_deleted: bool,
});
custom_property_setter!(Organization);

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

impl Position {
    /// A position with only `oId` (a GUID) set: every other field is `None`
    /// (and `extra` empty), exactly as decoding `{"oId": …}` gives.
    ///
    /// ```
    /// use beisen_client::models::Position;
    ///
    /// let position = Position::new("6f1c2a9e-0000-4000-8000-000000000001")
    ///     .with_name("后端工程师")
    ///     .with_oid_job_post("1001")
    ///     .with_oid_organization(900001);
    /// assert_eq!(position.oid.as_str(), "6f1c2a9e-0000-4000-8000-000000000001");
    /// assert_eq!(serde_json::to_value(&position)?["oIdJobPost"], "1001");
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub fn new(oid: impl Into<PositionOId>) -> Self {
        Position {
            oid: oid.into(),
            name: None,
            code: None,
            oid_job_post: None,
            oid_organization: None,
            status: None,
            object_id: None,
            custom_properties: None,
            translate_properties: None,
            business_modified_time: None,
            created_time: None,
            modified_time: None,
            std_is_deleted: None,
            extra: Default::default(),
        }
    }
}

hr_common::with_setters!(Position {
    with_name => name: String,
    with_code => code: String,
    with_oid_job_post => oid_job_post: JobPostOId,
    with_oid_organization => oid_organization: OrgOId,
    with_status => status: i64,
    with_object_id => object_id: String,
    with_custom_properties => custom_properties: CustomProperties,
    with_translate_properties => translate_properties: TranslateProperties,
    with_business_modified_time => business_modified_time: CivilDateTime,
    with_created_time => created_time: CivilDateTime,
    with_modified_time => modified_time: CivilDateTime,
    with_std_is_deleted => std_is_deleted: bool,
});
custom_property_setter!(Position);

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

impl JobPost {
    /// A job post with only `oId` (a numeric string) set: every other field
    /// is `None` (and `extra` empty), exactly as decoding `{"oId": …}` gives.
    ///
    /// ```
    /// use beisen_client::models::JobPost;
    ///
    /// let post = JobPost::new("1001").with_name("工程师").with_status(1);
    /// assert_eq!(serde_json::to_value(&post)?["oId"], "1001");
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub fn new(oid: impl Into<JobPostOId>) -> Self {
        JobPost {
            oid: oid.into(),
            name: None,
            code: None,
            status: None,
            object_id: None,
            custom_properties: None,
            translate_properties: None,
            business_modified_time: None,
            created_time: None,
            modified_time: None,
            std_is_deleted: None,
            extra: Default::default(),
        }
    }
}

hr_common::with_setters!(JobPost {
    with_name => name: String,
    with_code => code: String,
    with_status => status: i64,
    with_object_id => object_id: String,
    with_custom_properties => custom_properties: CustomProperties,
    with_translate_properties => translate_properties: TranslateProperties,
    with_business_modified_time => business_modified_time: CivilDateTime,
    with_created_time => created_time: CivilDateTime,
    with_modified_time => modified_time: CivilDateTime,
    with_std_is_deleted => std_is_deleted: bool,
});
custom_property_setter!(JobPost);

/// A record of the objects this crate types loosely: job levels (职级), grades (职等), sequences (职务序列) and employee subsets (员工子集).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
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

impl MetaRecord {
    /// A record with every field `None` (and `extra` empty), as decoding
    /// `{}` gives; these objects have no id they cannot lack. Set
    /// `objectId` or `oId` for the record to have a
    /// [`dedup_key`](super::WindowRecord::dedup_key).
    ///
    /// ```
    /// use beisen_client::models::{MetaRecord, WindowRecord};
    ///
    /// let level = MetaRecord::new()
    ///     .with_object_id("d1b2c3")
    ///     .with_oid(12)
    ///     .with_name("P5");
    /// assert_eq!(level.dedup_key().as_deref(), Some("d1b2c3"));
    /// assert_eq!(serde_json::to_value(&level)?["oId"], 12);
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub fn new() -> Self {
        Self::default()
    }
}

hr_common::with_setters!(MetaRecord {
    with_oid => oid: Value,
    with_object_id => object_id: String,
    with_name => name: String,
    with_code => code: String,
    with_status => status: i64,
    with_user_id => user_id: UserId,
    with_custom_properties => custom_properties: CustomProperties,
    with_translate_properties => translate_properties: TranslateProperties,
    with_business_modified_time => business_modified_time: CivilDateTime,
    with_created_time => created_time: CivilDateTime,
    with_modified_time => modified_time: CivilDateTime,
    with_std_is_deleted => std_is_deleted: bool,
});
custom_property_setter!(MetaRecord);

/// One node of `Organization/GetSubOrganizationTrees`: an organisation
/// unit and the units below it.
///
/// No field table of the endpoint is public (fxp/skillify names it only,
/// "批量查询指定组织的下级组织树分支"), so the children are read under any
/// of `children`, `subOrganizations` or `childOrganizations`, and a node
/// without children decodes as a leaf.
///
/// ```
/// use beisen_client::models::OrgTreeNode;
/// let node: OrgTreeNode = serde_json::from_value(serde_json::json!({
///     "oId": 900100000, "code": "ROOT",
///     "children": [{"oId": 900100001, "code": "RD", "subOrganizations": [{"oId": 900100002}]}]
/// }))?;
/// assert_eq!(node.organization.code.as_deref(), Some("ROOT"));
/// let codes: Vec<i64> = node.descendants().map(|o| o.oid.get()).collect();
/// assert_eq!(codes, [900100001, 900100002]);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct OrgTreeNode {
    /// The units directly below.
    #[serde(
        default,
        alias = "subOrganizations",
        alias = "childOrganizations",
        deserialize_with = "crate::envelope::null_as_empty"
    )]
    pub children: Vec<OrgTreeNode>,
    /// The unit itself.
    #[serde(flatten)]
    pub organization: Organization,
}

impl OrgTreeNode {
    /// A leaf node.
    ///
    /// ```
    /// use beisen_client::models::{Organization, OrgTreeNode};
    /// let tree = OrgTreeNode::new(Organization::new(1)).with_child(OrgTreeNode::new(Organization::new(2)));
    /// assert_eq!(tree.descendants().count(), 1);
    /// ```
    pub fn new(organization: Organization) -> Self {
        OrgTreeNode {
            children: Vec::new(),
            organization,
        }
    }

    /// Appends a child.
    #[must_use]
    pub fn with_child(mut self, child: OrgTreeNode) -> Self {
        self.children.push(child);
        self
    }

    /// Every unit below this one, depth first, parents before children.
    pub fn descendants(&self) -> impl Iterator<Item = &Organization> {
        let mut stack: Vec<&OrgTreeNode> = self.children.iter().rev().collect();
        std::iter::from_fn(move || {
            let node = stack.pop()?;
            stack.extend(node.children.iter().rev());
            Some(&node.organization)
        })
    }
}
