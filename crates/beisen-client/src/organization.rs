//! Organisation endpoints, and the other setting objects read by time
//! window: positions, job posts, job levels, grades, sequences, employment
//! forms, employee subsets, `CommonMetaObject` records (legal entities),
//! offers and contracts.

use serde::Serialize;

use crate::employee::ids_request;
use crate::envelope::ListReply;
use crate::ids::OrgOId;
use crate::models::{
    Contract, EmploymentForm, JobLevel, JobPost, MetaObjectRecord, MetaRecord, Offer, OrgTreeNode,
    Organization, Position,
};
use crate::window::{
    Sort, SortDirection, WindowBound, WindowQuery, WindowStream, fmt_time, time_window_request,
};
use crate::{BeisenClient, ListResponse};
use futures::{StreamExt, TryStreamExt};
use hr_common::Result;
use hr_common::endpoint::{Endpoint, json_request};
use hr_common::transport::{CallOptions, Request};

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
    /// 根据组织Code获取组织信息.
    pub const ORG_GET_ORGANIZATION_INFO_BY_CODES: &str =
        "/TenantBaseExternal/api/v5/Organization/GetOrganizationInfoByCodes";
    /// 批量查询指定组织的下级组织树分支.
    pub const ORG_GET_SUB_ORGANIZATION_TREES: &str =
        "/TenantBaseExternal/api/v5/Organization/GetSubOrganizationTrees";
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
    /// 用工形式.
    pub const EMPLOYMENT_FORM_GET_BY_TIME_WINDOW: &str =
        "/TenantBaseExternal/api/v5/EmploymentForm/GetByTimeWindow";
    /// 通用元数据对象 (法人公司 and others, by `metaObjectName`).
    pub const COMMON_META_OBJECT_GET_BY_TIME_WINDOW: &str =
        "/TenantBaseExternal/api/v5/CommonMetaObject/GetByTimeWindow";
    /// Offer.
    pub const OFFER_GET_BY_TIME_WINDOW: &str = "/TenantBaseExternal/api/v5/Offer/GetByTimeWindow";
    /// 合同.
    pub const CONTRACT_GET_BY_TIME_WINDOW: &str =
        "/TenantBaseExternal/api/v5/Contract/GetByTimeWindow";
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

/// `JobLevel/GetByTimeWindow`: job levels (职级) changed in a window, typed
/// as [`JobLevel`] (the columns hztic `services/beisen.py` reads: `Name`,
/// `OId`, `StartDate`, `Level`).
///
/// ```
/// use beisen_client::chrono::NaiveDate;
/// use beisen_client::organization::GetJobLevelsByTimeWindow;
/// let day = |m, d| NaiveDate::from_ymd_opt(2024, m, d).unwrap();
/// let req = GetJobLevelsByTimeWindow::new(day(1, 1), day(3, 1)).columns(["Name", "OId", "Level"]);
/// assert_eq!(serde_json::to_value(&req)?["columns"][2], "Level");
/// # Ok::<(), serde_json::Error>(())
/// ```
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
time_window_request!(GetJobLevelsByTimeWindow => JobLevel, paths::JOB_LEVEL_GET_BY_TIME_WINDOW);

/// `EmploymentForm/GetByTimeWindow`: employment forms (用工形式: staff,
/// dispatch, part-time…) changed in a window; what a person's
/// `employmentForm` GUID names. Source: hztic `services/beisen.py`.
///
/// ```
/// use beisen_client::chrono::NaiveDate;
/// use beisen_client::organization::GetEmploymentFormsByTimeWindow;
/// let day = |m, d| NaiveDate::from_ymd_opt(2024, m, d).unwrap();
/// let req = GetEmploymentFormsByTimeWindow::new(day(1, 1), day(3, 1)).capacity(300);
/// assert_eq!(serde_json::to_value(&req)?["capacity"], 300);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[doc(alias(
    "GetByTimeWindow",
    "EmploymentForm/GetByTimeWindow",
    "根据时间窗滚动查询变动的用工形式信息"
))]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct GetEmploymentFormsByTimeWindow {
    /// The shared window fields.
    #[serde(flatten)]
    pub query: WindowQuery,
}
time_window_request!(GetEmploymentFormsByTimeWindow => EmploymentForm, paths::EMPLOYMENT_FORM_GET_BY_TIME_WINDOW);

/// `CommonMetaObject/GetByTimeWindow`: records of one metadata object
/// (`metaObjectName`, required; `"Corporation"` for legal entities)
/// changed in a window. Each item is a [`MetaObjectRecord`], a `fields`
/// map keyed by PascalCase column; read a legal entity with
/// [`Corporation::from`](crate::models::Corporation). Source: hztic
/// `services/beisen.py` (`get_corporation_by_time_window`).
///
/// ```
/// use beisen_client::chrono::NaiveDate;
/// use beisen_client::organization::GetCommonMetaObjectsByTimeWindow;
/// let day = |m, d| NaiveDate::from_ymd_opt(2024, m, d).unwrap();
/// let req = GetCommonMetaObjectsByTimeWindow::corporations(day(1, 1), day(3, 1));
/// assert_eq!(serde_json::to_value(&req)?["metaObjectName"], "Corporation");
/// // Without a name the request is refused before any call.
/// let bare = GetCommonMetaObjectsByTimeWindow::new(day(1, 1), day(3, 1));
/// assert!(hr_common::endpoint::Endpoint::validate(&bare).is_err());
/// # Ok::<(), serde_json::Error>(())
/// ```
#[doc(alias(
    "GetByTimeWindow",
    "CommonMetaObject/GetByTimeWindow",
    "根据时间窗滚动查询变动的元数据对象信息",
    "Corporation",
    "法人公司"
))]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct GetCommonMetaObjectsByTimeWindow {
    /// The shared window fields.
    #[serde(flatten)]
    pub query: WindowQuery,
    /// The object's name (`"Corporation"`); required.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub meta_object_name: Option<String>,
}
time_window_request!(
    GetCommonMetaObjectsByTimeWindow => MetaObjectRecord,
    paths::COMMON_META_OBJECT_GET_BY_TIME_WINDOW;
    meta_object_name
    => check GetCommonMetaObjectsByTimeWindow::check_name
);

impl GetCommonMetaObjectsByTimeWindow {
    /// Which object (`"Corporation"`).
    pub fn meta_object_name(mut self, name: impl Into<String>) -> Self {
        self.meta_object_name = Some(name.into());
        self
    }

    /// Legal entities (法人公司, `metaObjectName: "Corporation"`) changed in
    /// `[start, stop)`.
    pub fn corporations(start: impl WindowBound, stop: impl WindowBound) -> Self {
        Self::new(start, stop).meta_object_name("Corporation")
    }

    fn check_name(&self) -> Result<()> {
        match self.meta_object_name.as_deref().map(str::trim) {
            Some(name) if !name.is_empty() => Ok(()),
            _ => Err(hr_common::Error::invalid_request(
                "metaObjectName",
                "is required (\"Corporation\" for legal entities)",
            )),
        }
    }
}

/// `Offer/GetByTimeWindow`: offers (hires before day one) changed in a
/// window. Items are [`Offer`]s: the columns a public connector selects
/// (`UserID`, `IDNumber`, `ApprovalStatus`, `OfferStatus`, `ObjectId`)
/// typed, the rest kept in `extra`.
///
/// ```
/// use beisen_client::chrono::NaiveDate;
/// use beisen_client::organization::GetOffersByTimeWindow;
/// let day = |m, d| NaiveDate::from_ymd_opt(2024, m, d).unwrap();
/// let req = GetOffersByTimeWindow::new(day(1, 1), day(3, 1)).with_deleted(false);
/// assert_eq!(serde_json::to_value(&req)?["isWithDeleted"], false);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[doc(alias(
    "GetByTimeWindow",
    "Offer/GetByTimeWindow",
    "根据时间窗滚动查询变动的Offer信息"
))]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct GetOffersByTimeWindow {
    /// The shared window fields.
    #[serde(flatten)]
    pub query: WindowQuery,
}
time_window_request!(GetOffersByTimeWindow => Offer, paths::OFFER_GET_BY_TIME_WINDOW);

/// `Contract/GetByTimeWindow`: labour contracts (合同) changed in a window.
/// Items are [`Contract`]s: person, legal entity (`firstParty`,
/// `firstPartyCode`), type, status and term typed; the rest in `extra`.
///
/// ```
/// use beisen_client::chrono::NaiveDate;
/// use beisen_client::organization::GetContractsByTimeWindow;
/// let day = |m, d| NaiveDate::from_ymd_opt(2024, m, d).unwrap();
/// let req = GetContractsByTimeWindow::new(day(1, 1), day(3, 1)).columns(["UserID", "StopDate"]);
/// assert_eq!(serde_json::to_value(&req)?["startTime"], "2024-01-01T00:00:00");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[doc(alias(
    "GetByTimeWindow",
    "Contract/GetByTimeWindow",
    "根据时间窗滚动查询变动的合同信息"
))]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct GetContractsByTimeWindow {
    /// The shared window fields.
    #[serde(flatten)]
    pub query: WindowQuery,
}
time_window_request!(GetContractsByTimeWindow => Contract, paths::CONTRACT_GET_BY_TIME_WINDOW);

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

/// Codes a `GetOrganizationInfoByCodes` call takes (the PHP SDK's limit).
pub const MAX_CODES_PER_CALL: usize = 300;

/// `activeDate` and `queryDate` must be on or after 1900-01-01
/// ("必须大于等于1900-01-01T00:00:00").
fn check_date(field: &str, text: Option<&str>) -> Result<()> {
    let Some(text) = text else { return Ok(()) };
    let earliest = chrono::NaiveDate::from_ymd_opt(1900, 1, 1)
        .unwrap_or(chrono::NaiveDate::MIN)
        .and_time(chrono::NaiveTime::MIN);
    match chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S") {
        Ok(t) if t >= earliest => Ok(()),
        Ok(_) => Err(hr_common::Error::invalid_request(
            field,
            format!("`{text}` is before 1900-01-01T00:00:00"),
        )),
        Err(e) => Err(hr_common::Error::invalid_request(
            field,
            format!("`{text}`: {e}"),
        )),
    }
}

/// `Organization/GetOrganizationInfoByCodes`: organisation units by their
/// `code` (the key travel and expense systems use), as of `activeDate`
/// (today when absent).
///
/// Fields from fxp/skillify `skills/beisen/references/organization-and-
/// positions.md` §3 (`codes`, `activeDate` ≥ 1900-01-01, `columns`,
/// `isWithDeleted`); the PHP SDK (`getOrganizationInfoByCodes`) allows at
/// most 300 codes a call. One call (the [`Endpoint`]) takes at most
/// [`MAX_CODES_PER_CALL`]; [`send`](Self::send) splits any number into
/// concurrent calls of 300 and returns the units in the order of the calls.
///
/// ```
/// use beisen_client::chrono::NaiveDate;
/// use beisen_client::organization::GetOrganizationInfoByCodes;
/// let req = GetOrganizationInfoByCodes::new(["RD", "SALES"])
///     .active_date(NaiveDate::from_ymd_opt(2024, 6, 30).unwrap());
/// assert_eq!(
///     serde_json::to_value(&req)?,
///     serde_json::json!({"codes": ["RD", "SALES"], "activeDate": "2024-06-30T00:00:00"})
/// );
/// # Ok::<(), serde_json::Error>(())
/// ```
#[doc(alias("Organization/GetOrganizationInfoByCodes", "根据组织Code获取组织信息"))]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct GetOrganizationInfoByCodes {
    /// The codes.
    pub codes: Vec<String>,
    /// The day of the organisation's timeline to read (today when absent).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub active_date: Option<String>,
    /// Include deleted units.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_with_deleted: Option<bool>,
    /// Columns to fill (PascalCase).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub columns: Option<Vec<String>>,
}

impl GetOrganizationInfoByCodes {
    /// The units of these codes.
    pub fn new(codes: impl IntoIterator<Item = impl Into<String>>) -> Self {
        GetOrganizationInfoByCodes {
            codes: codes.into_iter().map(Into::into).collect(),
            active_date: None,
            is_with_deleted: None,
            columns: None,
        }
    }

    /// The day to read the organisation as of (`activeDate`; zoned
    /// date-times are read in UTC+8).
    pub fn active_date(mut self, date: impl WindowBound) -> Self {
        self.active_date = Some(fmt_time(date.civil(hr_common::CHINA_STANDARD_TIME)));
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

    /// Sends the codes in calls of at most [`MAX_CODES_PER_CALL`] (run
    /// concurrently up to the client's concurrency) and joins the units in
    /// the order of the calls. Any call failing fails the whole.
    pub async fn send(&self, client: &BeisenClient) -> Result<ListResponse<Organization>> {
        self.send_with(client, &CallOptions::new()).await
    }

    /// [`send`](Self::send) with per-call options over the client's
    /// defaults (for each call).
    pub async fn send_with(
        &self,
        client: &BeisenClient,
        options: &CallOptions,
    ) -> Result<ListResponse<Organization>> {
        if self.codes.len() <= MAX_CODES_PER_CALL {
            return hr_common::endpoint::send(client, self, options).await;
        }
        let calls: Vec<GetOrganizationInfoByCodes> = self
            .codes
            .chunks(MAX_CODES_PER_CALL)
            .map(|codes| GetOrganizationInfoByCodes {
                codes: codes.to_vec(),
                ..self.clone()
            })
            .collect();
        let mut parts: Vec<ListResponse<Organization>> = futures::stream::iter(calls.iter())
            .map(|call| hr_common::endpoint::send(client, call, options))
            .buffered(client.concurrency().max(1))
            .try_collect()
            .await?;
        let mut all = parts.remove(0);
        for part in parts {
            all.data.extend(part.data);
        }
        Ok(all)
    }
}

impl Endpoint for GetOrganizationInfoByCodes {
    type Client = BeisenClient;
    type Output = ListResponse<Organization>;
    type Envelope = ListReply;
    const PATH: &'static str = paths::ORG_GET_ORGANIZATION_INFO_BY_CODES;
    const IDEMPOTENT: bool = true;

    /// One call: 1 to 300 codes, `activeDate` ≥ 1900-01-01.
    fn validate(&self) -> Result<()> {
        if self.codes.is_empty() || self.codes.len() > MAX_CODES_PER_CALL {
            return Err(hr_common::Error::invalid_request(
                "codes",
                format!(
                    "{} codes; 1 to {MAX_CODES_PER_CALL} per call (send() splits more)",
                    self.codes.len()
                ),
            ));
        }
        check_date("activeDate", self.active_date.as_deref())
    }

    fn to_request(&self) -> Result<Request> {
        json_request(self)
    }
}

/// `Organization/GetSubOrganizationTrees`: the branches below several
/// units at once, as trees ([`OrgTreeNode`]), one per unit asked for.
///
/// The vendor's catalogue names the endpoint ("批量查询指定组织的下级组织树分支",
/// fxp/skillify `organization-and-positions.md` §3) without a field table;
/// the request mirrors [`GetSubOrganizations`] with `oIds` for `oId`
/// (at most 300, as every id list of the organisation API), and the reply
/// is read leniently (see [`OrgTreeNode`]).
///
/// ```
/// use beisen_client::organization::GetSubOrganizationTrees;
/// let req = GetSubOrganizationTrees::new([900100001, 900100002]).level(2);
/// assert_eq!(
///     serde_json::to_value(&req)?,
///     serde_json::json!({"oIds": [900100001, 900100002], "level": 2})
/// );
/// # Ok::<(), serde_json::Error>(())
/// ```
#[doc(alias(
    "Organization/GetSubOrganizationTrees",
    "批量查询指定组织的下级组织树分支"
))]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct GetSubOrganizationTrees {
    /// The units whose branches to read (≥ 0, at most 300).
    pub o_ids: Vec<OrgOId>,
    /// Levels below each unit (the vendor's default 20).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub level: Option<u32>,
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
}

impl GetSubOrganizationTrees {
    /// The branches below `roots`.
    pub fn new(roots: impl IntoIterator<Item = impl Into<OrgOId>>) -> Self {
        GetSubOrganizationTrees {
            o_ids: roots.into_iter().map(Into::into).collect(),
            level: None,
            is_with_disable: None,
            query_date: None,
            is_with_deleted: None,
            columns: None,
        }
    }

    /// Levels below each unit to return.
    pub fn level(mut self, levels: u32) -> Self {
        self.level = Some(levels);
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

    /// Columns to fill, PascalCase.
    pub fn columns(mut self, columns: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.columns = Some(columns.into_iter().map(Into::into).collect());
        self
    }
}

impl Endpoint for GetSubOrganizationTrees {
    type Client = BeisenClient;
    type Output = ListResponse<OrgTreeNode>;
    type Envelope = ListReply;
    const PATH: &'static str = paths::ORG_GET_SUB_ORGANIZATION_TREES;
    const IDEMPOTENT: bool = true;

    /// 1 to 300 `oIds`, each ≥ 0; `queryDate` ≥ 1900-01-01.
    fn validate(&self) -> Result<()> {
        if self.o_ids.is_empty() {
            return Err(hr_common::Error::invalid_request(
                "oIds",
                "at least one unit is required",
            ));
        }
        crate::employee::check_ids("oIds", self.o_ids.len())?;
        if let Some(bad) = self.o_ids.iter().find(|o| o.get() < 0) {
            return Err(hr_common::Error::invalid_request(
                "oIds",
                format!("must be at least 0, got {bad}"),
            ));
        }
        check_date("queryDate", self.query_date.as_deref())
    }

    fn to_request(&self) -> Result<Request> {
        json_request(self)
    }
}
hr_common::impl_send!(GetSubOrganizationTrees);

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
