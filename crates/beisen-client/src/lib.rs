#![doc = include_str!("../README.md")]
#![warn(missing_docs)]
#![forbid(unsafe_code)]

pub mod attendance;
pub mod auth;
mod client;
pub mod custom;
pub mod data_source;
pub mod employee;
pub mod entry;
pub mod enums;
mod envelope;
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing;
pub mod ids;
mod lookup;
pub mod models;
pub mod organization;
pub mod position;
pub mod raw;
pub mod recruiting;
pub mod window;
mod write;

/// How each endpoint's reply is read: the envelope markers that the
/// requests' [`Endpoint`](hr_common::endpoint::Endpoint) impls name.
///
/// | marker | reply | endpoints |
/// |---|---|---|
/// | [`DataReply`](reply::DataReply) | `code` 200, `data` as the caller's type | raw calls ([`raw::RawRequest::post`]) |
/// | [`ScrollReply`](reply::ScrollReply) | `code` 200, `data` list, `scrollId` or `isLastData` | every `…/GetByTimeWindow` (and the window streams' pages) |
/// | [`ScrollListReply`](reply::ScrollListReply) | `code` 200, `data` list, scroll fields optional | `Employee/GetEmployeeOfOrganization`, `GetListByBussinessType` |
/// | [`ListReply`](reply::ListReply) | `code` 200, `data` list or `null` | `Employee/GetBasicInfoByIds`, `GetServiceInfoByIds`, `GetJuniorById`, `Organization/GetByIds`, `GetSubOrganizations`, `GetOrganizationInfoByCodes`, `GetSubOrganizationTrees`, `Position/GetByOIds`, `JobPost/GetByOIds`, `RecruitOnBoarding/GetStaffInfos` |
/// | [`LookupReply`](reply::LookupReply) | `code` 200, `data` optional (`None`) | `Employee/GetUserIDByEmail` |
/// | [`UserIdLookupReply`](reply::UserIdLookupReply) | `code` 200, `data` list of per-key results (or the older map, or `null`) | `Employee/GetUserIDsByJobNumbers`, `GetUserIDsByMobilesV5` |
/// | [`WriteReply`](reply::WriteReply) | `code` 200; `data` the created person for `Create` and `CreateForEntry`, as it came for the others | `Employee/Create`, `CreateForEntry`, `Entry`, `Transfer`, `Dimission`, `SourceIdMapping/UpdateOriginalIdByTargetId` |
/// | [`VacationPageReply`](reply::VacationPageReply) | `code` 200, `data` page object | `Vacation/GetVacationInfoByApprovalTime` |
/// | [`ApplyBatchReply`](reply::ApplyBatchReply) | `code` 200, `data` batch object | `Apply/GetApplyListByModifiedTime` |
/// | [`DataSourceReply`](reply::DataSourceReply) | `code` 200, `data` list of data sources (or `null`) | `DataSource/GetDataSource` |
///
/// Each calls the crate's one decoder, so a business error inside an
/// HTTP 200 (`"code":"417"`) is an [`Error::Api`], and a reply that does
/// not prove success is an [`Error::Decode`], never an empty answer.
pub mod reply {
    pub use crate::data_source::DataSourceReply;
    pub use crate::envelope::{
        ApplyBatchReply, ListReply, LookupReply, ScrollListReply, ScrollReply, VacationPageReply,
        WriteReply,
    };
    pub use crate::lookup::UserIdLookupReply;
    pub use crate::raw::DataReply;
}

/// Re-exported: window bounds are `chrono` dates and date-times.
pub use chrono;
pub use client::{
    BeisenClient, BeisenClientBuilder, Credentials, DATA_SOURCE_GROUP, DATA_SOURCE_LIMITS,
    DEFAULT_BASE_URL, DEFAULT_CONCURRENCY, DEFAULT_LIMITS, ENV_APP_KEY, ENV_APP_SECRET,
    ENV_BASE_URL, OTHER_TIME_WINDOWS_GROUP, RECRUITING_LIMITS, TIME_WINDOW_LIMITS,
    TIME_WINDOW_PATHS, documented_limits, group_for_path,
};
pub use envelope::{ListResponse, ScrollResponse};
/// Re-exported: the errors, credentials and per-call options that the
/// client's signatures use, so that this crate alone is enough.
pub use hr_common::transport::{
    CallOptions, Limits, RateLimiter, RetryBudget, RetryPolicy, TransportStats, WindowLimiter,
};
pub use hr_common::{AccessToken, Error, Result, SecretString, TokenProvider};
pub use ids::{JobPostOId, OrgOId, PositionOId, UserId};
pub use window::{Checkpoint, TimeWindow, TimeWindowRequest, WindowProgress, WindowStream};
pub use write::ErrorExt;
