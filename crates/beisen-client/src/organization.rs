//! Organisation endpoints, and the other setting objects read by time
//! window: positions, job posts, job levels, grades, sequences, employee
//! subsets.

use serde::Serialize;

use crate::employee::ids_request;
use crate::envelope::ListReply;
use crate::ids::OrgOId;
use crate::models::{JobPost, MetaRecord, Organization, Position};
use crate::window::{WindowBound, WindowQuery, WindowStream, time_window_request};
use crate::{BeisenClient, ListResponse};
use hr_common::Result;
use hr_common::endpoint::{Endpoint, json_request};
use hr_common::transport::Request;

/// Endpoint paths.
pub mod paths {
    /// 根据时间窗滚动查询变动的组织单元信息.
    pub const ORG_GET_BY_TIME_WINDOW: &str =
        "/TenantBaseExternal/api/v5/Organization/GetByTimeWindow";
    /// 根据组织OId集合获取组织相关信息.
    pub const ORG_GET_BY_IDS: &str = "/TenantBaseExternal/api/v5/Organization/GetByIds";
    /// 查询指定组织的下级组织单元列表.
    pub const ORG_GET_SUB_ORGANIZATIONS: &str =
        "/TenantBaseExternal/api/v5/Organization/GetSubOrganizations";
    /// 职位.
    pub const POSITION_GET_BY_TIME_WINDOW: &str =
        "/TenantBaseExternal/api/v5/Position/GetByTimeWindow";
    /// 职务.
    pub const JOB_POST_GET_BY_TIME_WINDOW: &str =
        "/TenantBaseExternal/api/v5/JobPost/GetByTimeWindow";
    /// 职级.
    pub const JOB_LEVEL_GET_BY_TIME_WINDOW: &str =
        "/TenantBaseExternal/api/v5/JobLevel/GetByTimeWindow";
    /// 职等.
    pub const JOB_GRADE_GET_BY_TIME_WINDOW: &str =
        "/TenantBaseExternal/api/v5/JobGrade/GetByTimeWindow";
    /// 职务序列.
    pub const JOB_SEQUENCE_GET_BY_TIME_WINDOW: &str =
        "/TenantBaseExternal/api/v5/JobSequence/GetByTimeWindow";
    /// 员工子集.
    pub const EMP_SUBSET_GET_BY_TIME_WINDOW: &str =
        "/TenantBaseExternal/api/v5/EmpSubset/GetByTimeWindow";
}

/// `Organization/GetByTimeWindow`: organisation units changed in a window.
#[doc(alias(
    "GetByTimeWindow",
    "Organization/GetByTimeWindow",
    "根据时间窗滚动查询变动的组织单元信息"
))]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct GetOrganizationsByTimeWindow {
    /// The shared window fields.
    #[serde(flatten)]
    pub query: WindowQuery,
}
time_window_request!(GetOrganizationsByTimeWindow => Organization, paths::ORG_GET_BY_TIME_WINDOW);

/// `Position/GetByTimeWindow`: positions (GUID `oId`) changed in a window.
#[doc(alias(
    "GetByTimeWindow",
    "Position/GetByTimeWindow",
    "根据时间窗滚动查询变动的职位信息"
))]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct GetPositionsByTimeWindow {
    /// The shared window fields.
    #[serde(flatten)]
    pub query: WindowQuery,
}
time_window_request!(GetPositionsByTimeWindow => Position, paths::POSITION_GET_BY_TIME_WINDOW);

/// `JobPost/GetByTimeWindow`: job posts (numeric-string `oId`) changed in a window.
#[doc(alias(
    "GetByTimeWindow",
    "JobPost/GetByTimeWindow",
    "根据时间窗滚动查询变动的职务信息"
))]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct GetJobPostsByTimeWindow {
    /// The shared window fields.
    #[serde(flatten)]
    pub query: WindowQuery,
}
time_window_request!(GetJobPostsByTimeWindow => JobPost, paths::JOB_POST_GET_BY_TIME_WINDOW);

/// `JobLevel/GetByTimeWindow`: job levels (职级) changed in a window.
#[doc(alias(
    "GetByTimeWindow",
    "JobLevel/GetByTimeWindow",
    "根据时间窗滚动查询变动的职级信息"
))]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct GetJobLevelsByTimeWindow {
    /// The shared window fields.
    #[serde(flatten)]
    pub query: WindowQuery,
}
time_window_request!(GetJobLevelsByTimeWindow => MetaRecord, paths::JOB_LEVEL_GET_BY_TIME_WINDOW);

/// `JobGrade/GetByTimeWindow`: job grades (职等) changed in a window.
#[doc(alias(
    "GetByTimeWindow",
    "JobGrade/GetByTimeWindow",
    "根据时间窗滚动查询变动的职等信息"
))]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct GetJobGradesByTimeWindow {
    /// The shared window fields.
    #[serde(flatten)]
    pub query: WindowQuery,
}
time_window_request!(GetJobGradesByTimeWindow => MetaRecord, paths::JOB_GRADE_GET_BY_TIME_WINDOW);

/// `JobSequence/GetByTimeWindow`: job sequences (职务序列) changed in a window.
#[doc(alias(
    "GetByTimeWindow",
    "JobSequence/GetByTimeWindow",
    "根据时间窗滚动查询变动的职务序列信息"
))]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct GetJobSequencesByTimeWindow {
    /// The shared window fields.
    #[serde(flatten)]
    pub query: WindowQuery,
}
time_window_request!(GetJobSequencesByTimeWindow => MetaRecord, paths::JOB_SEQUENCE_GET_BY_TIME_WINDOW);

/// `EmpSubset/GetByTimeWindow`: records of one employee subset (员工子集,
/// e.g. `"EmpEducation"`) changed in a window; set
/// [`meta_object_name`](Self::meta_object_name).
#[doc(alias(
    "GetByTimeWindow",
    "EmpSubset/GetByTimeWindow",
    "根据时间窗滚动查询变动的员工子集信息"
))]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct GetEmpSubsetByTimeWindow {
    /// The shared window fields.
    #[serde(flatten)]
    pub query: WindowQuery,
    /// The subset's object name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub meta_object_name: Option<String>,
}
time_window_request!(GetEmpSubsetByTimeWindow => MetaRecord, paths::EMP_SUBSET_GET_BY_TIME_WINDOW; meta_object_name);

impl GetEmpSubsetByTimeWindow {
    /// Which subset.
    pub fn meta_object_name(mut self, name: impl Into<String>) -> Self {
        self.meta_object_name = Some(name.into());
        self
    }
}

/// `Organization/GetByIds`: organisation units by `oId`, in request order.
///
/// ```
/// let req = beisen_client::organization::GetOrganizationsByIds::new([900100001]);
/// assert_eq!(serde_json::to_string(&req)?, r#"{"oIds":[900100001]}"#);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[doc(alias("GetByIds", "Organization/GetByIds", "根据组织OId集合获取组织相关信息"))]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct GetOrganizationsByIds {
    /// The organisation units, at most 300.
    pub o_ids: Vec<OrgOId>,
    /// Include deleted records.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_with_deleted: Option<bool>,
    /// Columns to fill.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub columns: Option<Vec<String>>,
}
ids_request!(GetOrganizationsByIds, o_ids: OrgOId, paths::ORG_GET_BY_IDS => Organization);

/// `Organization/GetSubOrganizations`: the direct sub-units of a unit.
#[doc(alias("Organization/GetSubOrganizations", "查询指定组织的下级组织单元列表"))]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct GetSubOrganizations {
    /// The parent unit.
    pub o_id: OrgOId,
    /// Include disabled units.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub with_disabled: Option<bool>,
}

impl GetSubOrganizations {
    /// The sub-units of `parent`.
    pub fn new(parent: impl Into<OrgOId>) -> Self {
        GetSubOrganizations {
            o_id: parent.into(),
            with_disabled: None,
        }
    }

    /// Include disabled units.
    pub fn with_disabled(mut self, yes: bool) -> Self {
        self.with_disabled = Some(yes);
        self
    }
}

impl Endpoint for GetSubOrganizations {
    type Client = BeisenClient;
    type Output = ListResponse<Organization>;
    type Envelope = ListReply;
    const PATH: &'static str = paths::ORG_GET_SUB_ORGANIZATIONS;
    const IDEMPOTENT: bool = true;

    fn to_request(&self) -> Result<Request> {
        json_request(self)
    }
}
hr_common::impl_send!(GetSubOrganizations);

/// Organisation endpoints, from [`BeisenClient::organizations`].
#[derive(Debug, Clone)]
pub struct Organizations<'a> {
    client: &'a BeisenClient,
}

impl BeisenClient {
    /// Organisation endpoints.
    pub fn organizations(&self) -> Organizations<'_> {
        Organizations { client: self }
    }
}

impl Organizations<'_> {
    /// Every organisation unit changed in `[start, stop)`; see [`WindowStream`].
    pub fn changed_between(
        &self,
        start: impl WindowBound + Clone,
        stop: impl WindowBound + Clone,
    ) -> WindowStream<GetOrganizationsByTimeWindow> {
        let template = GetOrganizationsByTimeWindow::new(start.clone(), stop.clone());
        WindowStream::new(self.client.clone(), template, start, stop)
    }
}
