//! Organisation endpoints, and the other setting objects read by time
//! window: positions, job posts, job levels, grades, sequences, employee
//! subsets.

use serde::Serialize;

use crate::employee::ids_request;
use crate::envelope::ListReply;
use crate::ids::OrgOId;
use crate::models::{JobPost, MetaRecord, Organization, Position};
use crate::window::{
    Sort, SortDirection, WindowBound, WindowQuery, WindowStream, fmt_time, time_window_request,
};
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

/// `Organization/GetSubOrganizations`: the sub-units of a unit, down to
/// `level` levels (the vendor's default 20), on a date.
///
/// Fields from fxp/skillify `skills/beisen/references/organization-and-
/// positions.md` §3 (the PHP SDK sends `oId` too). Disabled units are
/// `isWithDisable` here, not the time windows' `withDisabled`.
///
/// ```
/// use beisen_client::organization::GetSubOrganizations;
/// let req = GetSubOrganizations::new(900100000).level(20).with_self(true).with_disabled(false);
/// assert_eq!(
///     serde_json::to_value(&req)?,
///     serde_json::json!({"oId": 900100000, "level": 20, "isWithSelf": true, "isWithDisable": false})
/// );
/// # Ok::<(), serde_json::Error>(())
/// ```
#[doc(alias("Organization/GetSubOrganizations", "查询指定组织的下级组织单元列表"))]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct GetSubOrganizations {
    /// The parent unit (the root is `900` followed by the tenant id).
    pub o_id: OrgOId,
    /// Levels below it to return (the vendor's default 20).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub level: Option<u32>,
    /// Include the unit itself.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_with_self: Option<bool>,
    /// Include disabled units (`isWithDisable`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_with_disable: Option<bool>,
    /// The day of the organisation's timeline to read (today when absent).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub query_date: Option<String>,
    /// Include deleted units.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_with_deleted: Option<bool>,
    /// Columns to fill (PascalCase).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub columns: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) sort: Option<Sort>,
}

impl GetSubOrganizations {
    /// The sub-units of `parent`.
    pub fn new(parent: impl Into<OrgOId>) -> Self {
        GetSubOrganizations {
            o_id: parent.into(),
            level: None,
            is_with_self: None,
            is_with_disable: None,
            query_date: None,
            is_with_deleted: None,
            columns: None,
            sort: None,
        }
    }

    /// Levels below the unit to return.
    pub fn level(mut self, levels: u32) -> Self {
        self.level = Some(levels);
        self
    }

    /// Include the unit itself (`isWithSelf`).
    pub fn with_self(mut self, yes: bool) -> Self {
        self.is_with_self = Some(yes);
        self
    }

    /// Include disabled units (sent as `isWithDisable`).
    pub fn with_disabled(mut self, yes: bool) -> Self {
        self.is_with_disable = Some(yes);
        self
    }

    /// The day to read the organisation as of (`queryDate`; zoned
    /// date-times are read in UTC+8).
    pub fn query_date(mut self, date: impl WindowBound) -> Self {
        self.query_date = Some(fmt_time(date.civil(hr_common::CHINA_STANDARD_TIME)));
        self
    }

    /// Include deleted units.
    pub fn with_deleted(mut self, yes: bool) -> Self {
        self.is_with_deleted = Some(yes);
        self
    }

    /// Columns to fill, PascalCase (`"Name"`, `"Code"`).
    pub fn columns(mut self, columns: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.columns = Some(columns.into_iter().map(Into::into).collect());
        self
    }

    /// Adds a sort key; keys apply in the order added.
    pub fn sort(mut self, field: impl Into<String>, direction: SortDirection) -> Self {
        self.sort
            .get_or_insert_with(Default::default)
            .0
            .push((field.into(), direction));
        self
    }
}

impl Endpoint for GetSubOrganizations {
    type Client = BeisenClient;
    type Output = ListResponse<Organization>;
    type Envelope = ListReply;
    const PATH: &'static str = paths::ORG_GET_SUB_ORGANIZATIONS;
    const IDEMPOTENT: bool = true;

    /// `oId` at least 0 (0 is the vendor's default unit).
    fn validate(&self) -> Result<()> {
        if self.o_id.get() < 0 {
            return Err(hr_common::Error::invalid_request(
                "oId",
                format!("must be at least 0, got {}", self.o_id),
            ));
        }
        Ok(())
    }

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
