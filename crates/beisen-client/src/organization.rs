//! Organisation endpoints, and the other setting objects read by time
//! window: positions, job posts, job levels, grades, sequences, employee
//! subsets.

use serde::Serialize;

use crate::employee::ids_request;
use crate::envelope;
use crate::ids::OrgOId;
use crate::models::{JobPost, MetaRecord, Organization, Position};
use crate::window::{WindowBound, WindowStream, time_window_request};
use crate::{BeisenClient, ListResponse};
use hr_common::Result;

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

time_window_request!(
    /// `Organization/GetByTimeWindow`: organisation units changed in a window.
    GetOrganizationsByTimeWindow => Organization, paths::ORG_GET_BY_TIME_WINDOW;
);
time_window_request!(
    /// `Position/GetByTimeWindow`: positions (GUID `oId`) changed in a window.
    GetPositionsByTimeWindow => Position, paths::POSITION_GET_BY_TIME_WINDOW;
);
time_window_request!(
    /// `JobPost/GetByTimeWindow`: job posts (numeric-string `oId`) changed in a window.
    GetJobPostsByTimeWindow => JobPost, paths::JOB_POST_GET_BY_TIME_WINDOW;
);
time_window_request!(
    /// `JobLevel/GetByTimeWindow`: job levels (职级) changed in a window.
    GetJobLevelsByTimeWindow => MetaRecord, paths::JOB_LEVEL_GET_BY_TIME_WINDOW;
);
time_window_request!(
    /// `JobGrade/GetByTimeWindow`: job grades (职等) changed in a window.
    GetJobGradesByTimeWindow => MetaRecord, paths::JOB_GRADE_GET_BY_TIME_WINDOW;
);
time_window_request!(
    /// `JobSequence/GetByTimeWindow`: job sequences (职务序列) changed in a window.
    GetJobSequencesByTimeWindow => MetaRecord, paths::JOB_SEQUENCE_GET_BY_TIME_WINDOW;
);
time_window_request!(
    /// `EmpSubset/GetByTimeWindow`: records of one employee subset (员工子集,
    /// e.g. `"EmpEducation"`) changed in a window; set
    /// [`meta_object_name`](Self::meta_object_name).
    GetEmpSubsetByTimeWindow => MetaRecord, paths::EMP_SUBSET_GET_BY_TIME_WINDOW;
    /// The subset's object name.
    meta_object_name: String,
);

impl GetEmpSubsetByTimeWindow {
    /// Which subset.
    pub fn meta_object_name(mut self, name: impl Into<String>) -> Self {
        self.meta_object_name = Some(name.into());
        self
    }
}

ids_request!(
    /// `Organization/GetByIds`: organisation units by `oId`, in request order.
    ///
    /// ```
    /// let req = beisen_client::organization::GetOrganizationsByIds::new([900100001]);
    /// assert_eq!(serde_json::to_string(&req)?, r#"{"oIds":[900100001]}"#);
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    GetOrganizationsByIds, o_ids: OrgOId, paths::ORG_GET_BY_IDS => Organization
);

/// `Organization/GetSubOrganizations`: the direct sub-units of a unit.
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

    /// Sends the call.
    pub async fn send(&self, client: &BeisenClient) -> Result<ListResponse<Organization>> {
        let path = paths::ORG_GET_SUB_ORGANIZATIONS;
        envelope::list(&client.post(path, path, true, self).await?)
    }
}

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
