//! Employee endpoints (员工与任职, v5): time-window reads, lookups, writes.

use std::collections::HashSet;

use futures::StreamExt;
use serde::Serialize;

use crate::enums::{ApprovalStatus, EmpStatus, EmployType, ServiceType};
use crate::envelope::{ListReply, LookupReply, ScrollListReply};
use crate::ids::{OrgOId, UserId};
use crate::models::{Employee, EmployeeInfo, EmployeeWithRecords, RecordInfo, WindowRecord};
use crate::window::{
    ExtQuery, Sort, SortDirection, WindowBound, WindowQuery, WindowStream, fmt_time,
    time_window_request,
};
use crate::{BeisenClient, ListResponse, ScrollResponse};
use hr_common::endpoint::{self, Endpoint, json_request};
use hr_common::paging::{self, Items, Page, Pages, ScrollPage};
use hr_common::transport::{CallOptions, Priority, Request};
use hr_common::{Error, Result};

pub use crate::lookup::{
    GetUserIdsByJobNumbers, GetUserIdsByMobiles, LookupFailure, MAX_LOOKUP_KEYS, UserIdLookup,
    UserIdOutcome,
};
pub use crate::write::{
    CreateEmployee, CreatedEmployee, DimissionEmployee, EmployeeRef, TransferEmployee, WriteResult,
};

/// Endpoint paths.
pub mod paths {
    /// 根据时间窗滚动查询变动的员工与单条任职信息.
    pub const GET_BY_TIME_WINDOW: &str = "/TenantBaseExternal/api/v5/Employee/GetByTimeWindow";
    /// 根据时间窗滚动查询变动的员工与多条任职信息.
    pub const GET_LIST_BY_TIME_WINDOW: &str =
        "/TenantBaseExternal/api/v5/Employee/GetListByTimeWindow";
    /// 滚动查询指定组织下的员工与单条任职信息.
    pub const GET_EMPLOYEE_OF_ORGANIZATION: &str =
        "/TenantBaseExternal/api/v5/Employee/GetEmployeeOfOrganization";
    /// 根据员工UserID集合获取未删除的员工相关信息.
    pub const GET_BASIC_INFO_BY_IDS: &str = "/TenantBaseExternal/api/v5/Employee/GetBasicInfoByIds";
    /// 根据员工UserID集合获取指定条件的任职记录相关信息.
    pub const GET_SERVICE_INFO_BY_IDS: &str =
        "/TenantBaseExternal/api/v5/Employee/GetServiceInfoByIds";
    /// 根据员工Email获取员工UserID.
    pub const GET_USER_ID_BY_EMAIL: &str = "/TenantBaseExternal/api/v5/Employee/GetUserIDByEmail";
    /// 根据工号获取员工UserID.
    pub const GET_USER_IDS_BY_JOB_NUMBERS: &str =
        "/TenantBaseExternal/api/v5/Employee/GetUserIDsByJobNumbers";
    /// 根据手机号获取员工UserID.
    pub const GET_USER_IDS_BY_MOBILES: &str =
        "/TenantBaseExternal/api/v5/Employee/GetUserIDsByMobilesV5";
    /// 根据员工UserID获取该员工的直线下级员工信息列表.
    pub const GET_JUNIOR_BY_ID: &str = "/TenantBaseExternal/api/v5/Employee/GetJuniorById";
    /// 新建在职员工、外部人员、实习生.
    pub const CREATE: &str = "/TenantBaseExternal/api/v5/Employee/Create";
    /// 直接调动已入职的正式员工或实习生.
    pub const TRANSFER: &str = "/TenantBaseExternal/api/v5/Employee/Transfer";
    /// 直接离职已入职的正式员工或实习生.
    pub const DIMISSION: &str = "/TenantBaseExternal/api/v5/Employee/Dimission";
}

/// The most ids one lookup by user id (`GetBasicInfoByIds`,
/// `GetServiceInfoByIds`, `Organization/GetByIds`) takes. The lookups by
/// job number and mobile take [`MAX_LOOKUP_KEYS`] (30).
pub const MAX_IDS: usize = 300;

pub(crate) fn check_ids(field: &str, n: usize) -> Result<()> {
    if n > MAX_IDS {
        return Err(Error::invalid_request(
            field,
            format!("{n} ids; at most {MAX_IDS} per call"),
        ));
    }
    Ok(())
}

/// The statuses [`active`](GetEmployeesByTimeWindow::active) asks for:
/// 2 试用, 3 正式, 7 返聘.
const ACTIVE: [EmpStatus; 3] = [
    EmpStatus::Probation,
    EmpStatus::Regular,
    EmpStatus::RetiredRehired,
];

/// The statuses [`departed`](GetEmployeesByTimeWindow::departed) asks for:
/// 6 退休, 8 离职, 9 身故, 10 返聘结束.
const DEPARTED: [EmpStatus; 4] = [
    EmpStatus::Retired,
    EmpStatus::Departed,
    EmpStatus::Deceased,
    EmpStatus::RehireEnded,
];

/// Writes the employee filters of a time-window request (the setters, the
/// presets) and the same methods on its [`WindowStream`], which change the
/// stream's request so the window is given once.
macro_rules! employee_filters {
    ($name:ident) => {
        impl $name {
            /// 人员状态 to select (default 2, 3, 7; all with `with_disabled`).
            pub fn emp_status(mut self, s: impl IntoIterator<Item = EmpStatus>) -> Self {
                self.emp_status = Some(s.into_iter().collect());
                self
            }
            /// 雇佣类型 to select (default internal).
            pub fn employ_type(mut self, t: impl IntoIterator<Item = EmployType>) -> Self {
                self.employ_type = Some(t.into_iter().collect());
                self
            }
            /// 任职类型 to select (default main job).
            pub fn service_type(mut self, t: impl IntoIterator<Item = ServiceType>) -> Self {
                self.service_type = Some(t.into_iter().collect());
                self
            }
            /// 审批状态 to select (default effective only).
            pub fn approval_statuses(
                mut self,
                s: impl IntoIterator<Item = ApprovalStatus>,
            ) -> Self {
                self.approval_statuses = Some(s.into_iter().collect());
                self
            }
            /// Latest main record (default) or the one in effect now.
            pub fn is_get_latest_record(mut self, yes: bool) -> Self {
                self.is_get_latest_record = Some(yes);
                self
            }
            /// Include offer records.
            pub fn is_get_offer_record(mut self, yes: bool) -> Self {
                self.is_get_offer_record = Some(yes);
                self
            }
            /// Every record the API holds: all statuses, types, approval
            /// states, deleted ones included. Handy for full syncs.
            pub fn everything(self) -> Self {
                self.with_disabled(true)
                    .with_deleted(true)
                    .emp_status((1..=12).map(EmpStatus::from_code))
                    .employ_type((0..=3).map(EmployType::from_code))
                    .service_type([0, 1, 3, 4, 5].map(ServiceType::from_code))
                    .approval_statuses((0..=6).map(ApprovalStatus::from_code))
            }

            /// People at work: 人员状态 2 试用, 3 正式, 7 返聘, as the
            /// record in effect today.
            ///
            /// Sends `"empStatus":[2,3,7]`, `"approvalStatuses":[4]` and
            /// `"isGetLatestRecord":false`, and no `withDisabled`. 2, 3 and
            /// 7 are what the API calls active (its default selection,
            /// "试用、正式、返聘"); the record in effect today, rather than
            /// the latest one (which may be a change dated in the future),
            /// is the view [`departed`](Self::departed) and
            /// [`everyone`](Self::everyone) use, so nobody is in both
            /// `active()` and `departed()`. Sets only these four fields.
            pub fn active(mut self) -> Self {
                self.query.with_disabled = None;
                self.emp_status(ACTIVE)
                    .approval_statuses([ApprovalStatus::Effective])
                    .is_get_latest_record(false)
            }

            /// People who left: 人员状态 6 退休, 8 离职, 9 身故, 10 返聘结束.
            ///
            /// Sends `"empStatus":[6,8,9,10]`, `"withDisabled":true`,
            /// `"approvalStatuses":[4]` and `"isGetLatestRecord":false`.
            /// Without a status the API leaves leavers out; `withDisabled`
            /// is its own "include departed records" (是否包含离职的记录)
            /// switch. With the API's default `isGetLatestRecord: true`
            /// Beisen returns the latest record, so a departure dated in
            /// the future already shows as status 8 while the person still
            /// works; approval status 4 with `isGetLatestRecord: false`
            /// asks for the record in effect today, so a person counts as
            /// departed from the day the departure takes effect, not from
            /// the day it was entered. That day is not a modification, so
            /// an incremental job sees it only by re-reading the window in
            /// which the departure was entered. Sets only these four
            /// fields.
            pub fn departed(mut self) -> Self {
                self.query.with_disabled = Some(true);
                self.emp_status(DEPARTED)
                    .approval_statuses([ApprovalStatus::Effective])
                    .is_get_latest_record(false)
            }

            /// Every status, leavers included: what a sync into another
            /// system (travel, expenses) needs, since a departure must
            /// reach it.
            ///
            /// Sends `"empStatus":[1,2,3,4,5,6,7,8,9,10,11,12]` (every
            /// [`EmpStatus`]), `"withDisabled":true`,
            /// `"approvalStatuses":[4]` and `"isGetLatestRecord":false`,
            /// for the reasons given at [`departed`](Self::departed).
            /// Unlike [`everything`](Self::everything) it leaves employ
            /// type, service type and deleted records as they are (by
            /// default internal staff, main jobs, not deleted) and asks for
            /// effective records only. People who have not started yet
            /// (1 待入职) may have no record in effect today; read them
            /// with [`pending_entry`](Self::pending_entry). Sets only these
            /// four fields.
            pub fn everyone(mut self) -> Self {
                self.query.with_disabled = Some(true);
                self.emp_status((1..=12).map(EmpStatus::from_code))
                    .approval_statuses([ApprovalStatus::Effective])
                    .is_get_latest_record(false)
            }

            /// People yet to start: 人员状态 1 待入职.
            ///
            /// Sends `"empStatus":[1]`, `"approvalStatuses":[4]` and
            /// `"isGetLatestRecord":true`, and no `withDisabled`: their
            /// only record is the future entry, which is the latest record,
            /// not one in effect today. 5 待调入 and 11 待返聘 (a transfer
            /// in, a rehire) are other statuses; name them with
            /// [`emp_status`](Self::emp_status) to include them. Sets only
            /// these four fields.
            pub fn pending_entry(mut self) -> Self {
                self.query.with_disabled = None;
                self.emp_status([EmpStatus::PendingEntry])
                    .approval_statuses([ApprovalStatus::Effective])
                    .is_get_latest_record(true)
            }
        }

        impl WindowStream<$name> {
            #[doc = concat!("[`", stringify!($name), "::emp_status`] for every call of the stream.")]
            pub fn emp_status(self, s: impl IntoIterator<Item = EmpStatus>) -> Self {
                self.map_request(|r| r.emp_status(s))
            }
            #[doc = concat!("[`", stringify!($name), "::employ_type`] for every call of the stream.")]
            pub fn employ_type(self, t: impl IntoIterator<Item = EmployType>) -> Self {
                self.map_request(|r| r.employ_type(t))
            }
            #[doc = concat!("[`", stringify!($name), "::service_type`] for every call of the stream.")]
            pub fn service_type(self, t: impl IntoIterator<Item = ServiceType>) -> Self {
                self.map_request(|r| r.service_type(t))
            }
            #[doc = concat!("[`", stringify!($name), "::approval_statuses`] for every call of the stream.")]
            pub fn approval_statuses(self, s: impl IntoIterator<Item = ApprovalStatus>) -> Self {
                self.map_request(|r| r.approval_statuses(s))
            }
            #[doc = concat!("[`", stringify!($name), "::is_get_latest_record`] for every call of the stream.")]
            pub fn is_get_latest_record(self, yes: bool) -> Self {
                self.map_request(|r| r.is_get_latest_record(yes))
            }
            #[doc = concat!("[`", stringify!($name), "::is_get_offer_record`] for every call of the stream.")]
            pub fn is_get_offer_record(self, yes: bool) -> Self {
                self.map_request(|r| r.is_get_offer_record(yes))
            }
            #[doc = concat!("[`", stringify!($name), "::everything`]: all statuses, types and approval states, deleted records included.")]
            pub fn everything(self) -> Self {
                self.map_request(|r| r.everything())
            }
            #[doc = concat!("[`", stringify!($name), "::active`]: statuses 2, 3, 7, the record in effect today.")]
            pub fn active(self) -> Self {
                self.map_request(|r| r.active())
            }
            #[doc = concat!("[`", stringify!($name), "::departed`]: statuses 6, 8, 9, 10, the record in effect today.")]
            pub fn departed(self) -> Self {
                self.map_request(|r| r.departed())
            }
            #[doc = concat!("[`", stringify!($name), "::everyone`]: statuses 1 to 12, leavers included, the record in effect today.")]
            pub fn everyone(self) -> Self {
                self.map_request(|r| r.everyone())
            }
            #[doc = concat!("[`", stringify!($name), "::pending_entry`]: status 1, the latest record.")]
            pub fn pending_entry(self) -> Self {
                self.map_request(|r| r.pending_entry())
            }
        }
    };
}

/// `Employee/GetByTimeWindow`: people changed in a window, each with one
/// employment record.
///
/// ```
/// use beisen_client::employee::GetEmployeesByTimeWindow;
/// let req = GetEmployeesByTimeWindow::new(
///     chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap(),
///     chrono::NaiveDate::from_ymd_opt(2024, 3, 1).unwrap(),
/// ).capacity(300);
/// let body = serde_json::to_value(&req)?;
/// assert_eq!(body["startTime"], "2024-01-01T00:00:00");
/// assert_eq!(body["timeWindowQueryType"], 1);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[doc(alias(
    "GetByTimeWindow",
    "Employee/GetByTimeWindow",
    "根据时间窗滚动查询变动的员工与单条任职信息"
))]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct GetEmployeesByTimeWindow {
    /// The shared window fields.
    #[serde(flatten)]
    pub query: WindowQuery,
    /// 人员状态.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub emp_status: Option<Vec<EmpStatus>>,
    /// 雇佣类型.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub employ_type: Option<Vec<EmployType>>,
    /// 任职类型.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service_type: Option<Vec<ServiceType>>,
    /// 审批状态.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub approval_statuses: Option<Vec<ApprovalStatus>>,
    /// 是否获取最新主职记录.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_get_latest_record: Option<bool>,
    /// 是否获取 Offer 记录.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_get_offer_record: Option<bool>,
}
time_window_request!(
    GetEmployeesByTimeWindow => Employee, paths::GET_BY_TIME_WINDOW;
    emp_status, employ_type, service_type, approval_statuses, is_get_latest_record,
    is_get_offer_record,
);
employee_filters!(GetEmployeesByTimeWindow);

/// `Employee/GetListByTimeWindow`: people changed in a window, each with
/// every selected employment record.
#[doc(alias(
    "GetListByTimeWindow",
    "Employee/GetListByTimeWindow",
    "根据时间窗滚动查询变动的员工与多条任职信息"
))]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct GetEmployeeListByTimeWindow {
    /// The shared window fields.
    #[serde(flatten)]
    pub query: WindowQuery,
    /// 人员状态.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub emp_status: Option<Vec<EmpStatus>>,
    /// 雇佣类型.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub employ_type: Option<Vec<EmployType>>,
    /// 任职类型.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service_type: Option<Vec<ServiceType>>,
    /// 审批状态.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub approval_statuses: Option<Vec<ApprovalStatus>>,
    /// 是否获取最新主职记录.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_get_latest_record: Option<bool>,
    /// 是否获取 Offer 记录.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_get_offer_record: Option<bool>,
}
time_window_request!(
    GetEmployeeListByTimeWindow => EmployeeWithRecords, paths::GET_LIST_BY_TIME_WINDOW;
    emp_status, employ_type, service_type, approval_statuses, is_get_latest_record,
    is_get_offer_record,
);
employee_filters!(GetEmployeeListByTimeWindow);

/// Employee endpoints, from [`BeisenClient::employees`].
#[derive(Debug, Clone)]
pub struct Employees<'a> {
    client: &'a BeisenClient,
}

impl BeisenClient {
    /// Employee endpoints.
    pub fn employees(&self) -> Employees<'_> {
        Employees { client: self }
    }

    /// A time-window stream over any time-window request, for its window.
    pub fn stream<R: crate::window::TimeWindowRequest>(
        &self,
        mut request: R,
    ) -> Result<WindowStream<R>> {
        request.query_mut().apply_zone(self.time_zone());
        let w = request.query().window()?;
        Ok(WindowStream::new(
            self.clone(),
            request,
            w.start(),
            w.stop(),
        ))
    }
}

impl Employees<'_> {
    /// Every person changed in `[start, stop)`, with one employment record,
    /// as a stream that splits, prefetches, restarts and de-duplicates; see
    /// [`WindowStream`].
    ///
    /// Without filters the API's defaults apply: statuses 2, 3, 7 only, so
    /// **people who left never appear**. Filters go on the stream, the
    /// window given once: the presets
    /// [`everyone`](GetEmployeesByTimeWindow::everyone) (leavers included),
    /// [`active`](GetEmployeesByTimeWindow::active),
    /// [`departed`](GetEmployeesByTimeWindow::departed),
    /// [`pending_entry`](GetEmployeesByTimeWindow::pending_entry), or
    /// single filters such as `.emp_status(..)`; a whole request goes in
    /// with [`WindowStream::query`].
    ///
    /// ```
    /// # #[tokio::main]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let sandbox = hr_sandbox::Sandbox::start(hr_sandbox::SandboxConfig {
    /// #     data: hr_sandbox::DataConfig::year_2024(),
    /// #     ..Default::default()
    /// # }).await?;
    /// # let b = &sandbox.config().beisen;
    /// # let client = beisen_client::BeisenClient::builder()
    /// #     .base_url(sandbox.beisen_url())
    /// #     .credentials(beisen_client::Credentials::app_key(&b.app_key, &b.app_secret))
    /// #     .build()?;
    /// use beisen_client::enums::EmpStatus;
    /// use futures::TryStreamExt;
    /// let start = chrono::NaiveDate::from_ymd_opt(2024, 3, 1).unwrap();
    /// let stop = chrono::NaiveDate::from_ymd_opt(2024, 3, 31).unwrap();
    /// let all: Vec<_> = client.employees().changed_between(start, stop).everyone().items().try_collect().await?;
    /// let left = all
    ///     .iter()
    ///     .filter(|e| e.record_info.as_ref().and_then(|r| r.employee_status) == Some(EmpStatus::Departed))
    ///     .count();
    /// assert!(left > 0);
    /// # Ok(()) }
    /// ```
    pub fn changed_between(
        &self,
        start: impl WindowBound + Clone,
        stop: impl WindowBound + Clone,
    ) -> WindowStream<GetEmployeesByTimeWindow> {
        let template = GetEmployeesByTimeWindow::new(start.clone(), stop.clone());
        WindowStream::new(self.client.clone(), template, start, stop)
    }

    /// Like [`changed_between`](Self::changed_between), with every
    /// employment record of each person; the same filters and presets
    /// apply (without them, people who left never appear).
    pub fn with_records_changed_between(
        &self,
        start: impl WindowBound + Clone,
        stop: impl WindowBound + Clone,
    ) -> WindowStream<GetEmployeeListByTimeWindow> {
        let template = GetEmployeeListByTimeWindow::new(start.clone(), stop.clone());
        WindowStream::new(self.client.clone(), template, start, stop)
    }

    /// The user id of an e-mail address (lower-cased first, as Beisen
    /// stores them).
    pub async fn user_id_by_email(&self, email: &str) -> Result<Option<UserId>> {
        GetUserIdByEmail::new(email).send(self.client).await
    }

    /// The user ids of job numbers (工号), any number of them, key by key:
    /// [`GetUserIdsByJobNumbers::send`].
    ///
    /// ```no_run
    /// # async fn run(client: &beisen_client::BeisenClient) -> beisen_client::Result<()> {
    /// let lookup = client.employees().user_ids_by_job_numbers(["E000007", "E000008"]).await?;
    /// for (job_number, outcome) in lookup.unresolved() {
    ///     eprintln!("{job_number}: {outcome:?}");
    /// }
    /// let ids = lookup.into_found();
    /// # let _ = ids; Ok(()) }
    /// ```
    pub async fn user_ids_by_job_numbers(
        &self,
        job_numbers: impl IntoIterator<Item = impl Into<String>>,
    ) -> Result<UserIdLookup> {
        GetUserIdsByJobNumbers::new(job_numbers)
            .send(self.client)
            .await
    }

    /// The user ids of mobile numbers, any number of them, key by key:
    /// [`GetUserIdsByMobiles::send`].
    pub async fn user_ids_by_mobiles(
        &self,
        mobiles: impl IntoIterator<Item = impl Into<String>>,
    ) -> Result<UserIdLookup> {
        GetUserIdsByMobiles::new(mobiles).send(self.client).await
    }

    /// The people of an organisation unit on a day, as a stream:
    /// [`GetEmployeeOfOrganization::pages`] with the vendor's defaults; set
    /// filters on a [`GetEmployeeOfOrganization`] and call its `pages`.
    pub fn of_organization(
        &self,
        org: impl Into<OrgOId>,
        include_sub_org: bool,
        query_date: impl WindowBound,
    ) -> Pages<Employee> {
        GetEmployeeOfOrganization::new(org, include_sub_org, query_date).pages(self.client)
    }
}

/// `Employee/GetEmployeeOfOrganization`: the people of an organisation
/// unit (and, with `include_sub_org`, of its sub-units) on a date, one
/// page per `send`; [`pages`](Self::pages) and [`items`](Self::items)
/// scroll it to the end.
///
/// `orgOId` (a positive integer), `includeSubOrg` and `queryDate` are
/// required; the other fields are those of the vendor's field table (fxp/
/// skillify `skills/beisen/references/employees.md` §5). Mind the two
/// switches one letter apart: `isWithDisable` takes in **disabled units**
/// ([`with_disabled_orgs`](Self::with_disabled_orgs)), `withDisabled`
/// **people who left** ([`with_disabled`](Self::with_disabled)).
///
/// ```
/// use beisen_client::employee::GetEmployeeOfOrganization;
/// let req = GetEmployeeOfOrganization::new(4745657, true, chrono::NaiveDate::from_ymd_opt(2024, 3, 1).unwrap())
///     .with_disabled(true)
///     .capacity(300);
/// assert_eq!(serde_json::to_value(&req)?, serde_json::json!({
///     "orgOId": 4745657, "includeSubOrg": true, "queryDate": "2024-03-01T00:00:00",
///     "scrollId": "", "withDisabled": true, "capacity": 300
/// }));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[doc(alias(
    "Employee/GetEmployeeOfOrganization",
    "滚动查询指定组织下的员工与单条任职信息"
))]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct GetEmployeeOfOrganization {
    /// The organisation unit (`orgOId`), a positive integer.
    #[serde(rename = "orgOId")]
    pub org_oid: OrgOId,
    /// Include the people of its sub-units.
    pub include_sub_org: bool,
    /// The day whose records are read (`2024-03-01T00:00:00`).
    pub query_date: String,
    /// `""` first, then the previous page's id.
    pub scroll_id: String,
    /// Include disabled organisation units.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_with_disable: Option<bool>,
    /// Include people who left.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub with_disabled: Option<bool>,
    /// 人员状态 (`[]` asks for 正式, 试用, 返聘).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub emp_status: Option<Vec<EmpStatus>>,
    /// 雇佣类型.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub employ_type: Option<Vec<EmployType>>,
    /// 任职类型.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service_type: Option<Vec<ServiceType>>,
    /// 审批状态.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub approval_statuses: Option<Vec<ApprovalStatus>>,
    /// Latest main record (the vendor's default) or the one in effect.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_get_latest_record: Option<bool>,
    /// Records per page, 1 to 300.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub capacity: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) sort: Option<Sort>,
    /// Custom-field conditions, all of which must hold.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ext_queries: Option<Vec<ExtQuery>>,
    /// Include deleted records.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_with_deleted: Option<bool>,
    /// Columns to fill (PascalCase); all when absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub columns: Option<Vec<String>>,
}

impl GetEmployeeOfOrganization {
    /// The people of `org` (and its sub-units when `include_sub_org`) on
    /// `query_date` (a date, or a date-time; zoned ones are read in UTC+8).
    pub fn new(
        org: impl Into<OrgOId>,
        include_sub_org: bool,
        query_date: impl WindowBound,
    ) -> Self {
        GetEmployeeOfOrganization {
            org_oid: org.into(),
            include_sub_org,
            query_date: fmt_time(query_date.civil(hr_common::CHINA_STANDARD_TIME)),
            scroll_id: String::new(),
            is_with_disable: None,
            with_disabled: None,
            emp_status: None,
            employ_type: None,
            service_type: None,
            approval_statuses: None,
            is_get_latest_record: None,
            capacity: None,
            sort: None,
            ext_queries: None,
            is_with_deleted: None,
            columns: None,
        }
    }

    /// The previous page's scroll id.
    pub fn scroll_id(mut self, id: impl Into<String>) -> Self {
        self.scroll_id = id.into();
        self
    }

    /// `isWithDisable`: include disabled organisation units.
    pub fn with_disabled_orgs(mut self, yes: bool) -> Self {
        self.is_with_disable = Some(yes);
        self
    }

    /// `withDisabled`: include people who left.
    pub fn with_disabled(mut self, yes: bool) -> Self {
        self.with_disabled = Some(yes);
        self
    }

    /// 人员状态 to select.
    pub fn emp_status(mut self, s: impl IntoIterator<Item = EmpStatus>) -> Self {
        self.emp_status = Some(s.into_iter().collect());
        self
    }

    /// 雇佣类型 to select.
    pub fn employ_type(mut self, t: impl IntoIterator<Item = EmployType>) -> Self {
        self.employ_type = Some(t.into_iter().collect());
        self
    }

    /// 任职类型 to select.
    pub fn service_type(mut self, t: impl IntoIterator<Item = ServiceType>) -> Self {
        self.service_type = Some(t.into_iter().collect());
        self
    }

    /// 审批状态 to select.
    pub fn approval_statuses(mut self, s: impl IntoIterator<Item = ApprovalStatus>) -> Self {
        self.approval_statuses = Some(s.into_iter().collect());
        self
    }

    /// Latest main record (`true`) or the one in effect on the query date.
    pub fn is_get_latest_record(mut self, yes: bool) -> Self {
        self.is_get_latest_record = Some(yes);
        self
    }

    /// Records per page, 1 to 300 (the streams send 300 unless set).
    pub fn capacity(mut self, n: u32) -> Self {
        self.capacity = Some(n);
        self
    }

    /// Adds a sort key; keys apply in the order added. After a scroll
    /// restart the stream skips the people it delivered by user id.
    pub fn sort(mut self, field: impl Into<String>, direction: SortDirection) -> Self {
        self.sort
            .get_or_insert_with(Default::default)
            .0
            .push((field.into(), direction));
        self
    }

    /// Adds a custom-field condition.
    pub fn ext_query(mut self, q: ExtQuery) -> Self {
        self.ext_queries.get_or_insert_with(Vec::new).push(q);
        self
    }

    /// Include deleted records.
    pub fn with_deleted(mut self, yes: bool) -> Self {
        self.is_with_deleted = Some(yes);
        self
    }

    /// Columns to fill, PascalCase (`"Name"`, `"Email"`).
    pub fn columns(mut self, columns: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.columns = Some(columns.into_iter().map(Into::into).collect());
        self
    }

    /// Every page of the scroll, from the first (the request's scroll id
    /// is ignored): the same scroll machinery as the time-window streams.
    /// It ends on an empty page, never on `isLastData`; an expired scroll
    /// (10 s idle, told from the end by the announced total) is re-opened
    /// up to 5 times and the people already delivered are skipped; pages
    /// are fetched ahead (8) so a slow consumer does not let it expire.
    /// `by_item()` gives the people one by one.
    ///
    /// ```no_run
    /// # async fn run(client: &beisen_client::BeisenClient) -> beisen_client::Result<()> {
    /// use beisen_client::employee::GetEmployeeOfOrganization;
    /// use futures::TryStreamExt;
    /// let today = chrono::Local::now().date_naive();
    /// let people: Vec<_> = GetEmployeeOfOrganization::new(900100001, true, today)
    ///     .pages(client)
    ///     .by_item()
    ///     .try_collect()
    ///     .await?;
    /// println!("{} people", people.len());
    /// # Ok(()) }
    /// ```
    pub fn pages(&self, client: &BeisenClient) -> Pages<Employee> {
        let mut template = self.clone();
        template.scroll_id.clear();
        template.capacity.get_or_insert(crate::window::MAX_CAPACITY);
        if let Err(e) = template.validate() {
            return Pages::new(futures::stream::iter([Err(e)]));
        }
        let scroll = OrgScroll {
            client: client.clone(),
            template,
            pages: None,
            delivered: HashSet::new(),
            keyless: (0, 0),
            restarts: 0,
            number: 0,
            done: false,
        };
        Pages::new(futures::stream::unfold(scroll, |mut s| async move {
            s.next_page().await.map(|page| (page, s))
        }))
        .prefetch(ORG_SCROLL_PREFETCH)
    }

    /// The people one by one: [`pages`](Self::pages)`.by_item()`.
    pub fn items(&self, client: &BeisenClient) -> Items<Employee> {
        self.pages(client).by_item()
    }
}

/// Pages fetched ahead of the consumer of an organisation scroll.
const ORG_SCROLL_PREFETCH: usize = 8;

/// Re-openings of an expired organisation scroll before it gives up.
const ORG_SCROLL_MAX_RESTARTS: u32 = 5;

/// The state of [`GetEmployeeOfOrganization::pages`]: the live scroll, and
/// what was handed over, so that a re-opened scroll skips it.
struct OrgScroll {
    client: BeisenClient,
    template: GetEmployeeOfOrganization,
    pages: Option<Pages<Employee>>,
    /// User ids delivered.
    delivered: HashSet<String>,
    /// Records without a user id: (delivered, passed in this scroll); a
    /// re-opened scroll skips the first ones by position.
    keyless: (u64, u64),
    restarts: u32,
    number: usize,
    done: bool,
}

impl OrgScroll {
    fn open(&self) -> Pages<Employee> {
        let client = self.client.clone();
        let template = self.template.clone();
        paging::scroll(move |id: Option<String>| {
            let client = client.clone();
            let mut request = template.clone();
            request.scroll_id = id.unwrap_or_default();
            let options = if request.scroll_id.is_empty() {
                CallOptions::new()
            } else {
                // An open scroll dies after 10 s idle: its calls go first.
                CallOptions::new().priority(Priority::Continuation)
            };
            async move {
                let page = endpoint::send(&client, &request, &options).await?;
                // A dead scroll answers empty data with total 0: keep the
                // total of the live pages, so the shortfall shows as expiry.
                let total = if page.data.is_empty() {
                    None
                } else {
                    page.total
                };
                let keys: Vec<Option<String>> = page.data.iter().map(|e| e.dedup_key()).collect();
                Ok(ScrollPage::new(page.data, page.scroll_id)
                    .with_total(total)
                    .with_keys(keys))
            }
        })
        .idle_limit(Some(self.client.scroll_idle()))
        .detect_expiry(true)
        .build()
    }

    async fn next_page(&mut self) -> Option<Result<Page<Employee>>> {
        loop {
            if self.done {
                return None;
            }
            if self.pages.is_none() {
                self.pages = Some(self.open());
                self.keyless.1 = 0;
            }
            let next = self.pages.as_mut()?.next().await;
            match next {
                Some(Ok(page)) => {
                    let kept: Vec<Employee> = page
                        .into_items()
                        .into_iter()
                        .filter(|e| match e.dedup_key() {
                            Some(key) => self.delivered.insert(key),
                            None => {
                                self.keyless.1 += 1;
                                let fresh = self.keyless.1 > self.keyless.0;
                                self.keyless.0 += u64::from(fresh);
                                fresh
                            }
                        })
                        .collect();
                    if kept.is_empty() {
                        continue;
                    }
                    let page = Page::new(self.number, kept);
                    self.number += 1;
                    return Some(Ok(page));
                }
                Some(Err(e))
                    if crate::envelope::is_scroll_gone(&e)
                        && self.restarts < ORG_SCROLL_MAX_RESTARTS =>
                {
                    self.restarts += 1;
                    tracing::info!(error = %e, restarts = self.restarts, "re-opening the organisation scroll; delivered people are skipped");
                    self.pages = None;
                }
                Some(Err(e)) => {
                    self.done = true;
                    return Some(Err(e));
                }
                None => {
                    self.done = true;
                    return None;
                }
            }
        }
    }
}

impl Endpoint for GetEmployeeOfOrganization {
    type Client = BeisenClient;
    // One call: its `data` must be there, while the scroll fields are the
    // caller's to read (the streams read them).
    type Output = ScrollResponse<Employee>;
    type Envelope = ScrollListReply;
    const PATH: &'static str = paths::GET_EMPLOYEE_OF_ORGANIZATION;
    const IDEMPOTENT: bool = true;

    /// `orgOId` positive, capacity 1 to 300, custom-field conditions.
    fn validate(&self) -> Result<()> {
        if self.org_oid.get() <= 0 {
            return Err(Error::invalid_request(
                "orgOId",
                format!("must be a positive integer, got {}", self.org_oid),
            ));
        }
        if let Some(c) = self.capacity
            && !(1..=crate::window::MAX_CAPACITY).contains(&c)
        {
            return Err(Error::invalid_request(
                "capacity",
                format!("must be 1 to 300, got {c}"),
            ));
        }
        for q in self.ext_queries.iter().flatten() {
            q.check()?;
        }
        Ok(())
    }

    fn to_request(&self) -> Result<Request> {
        json_request(self)
    }
}
hr_common::impl_send!(GetEmployeeOfOrganization);

/// Writes `new`, the setters, [`Endpoint`] and `send`/`send_with` of a
/// lookup by ids: a struct (written out where it belongs) with the ids in
/// `$field`, then `is_with_deleted` and `columns`. More than 300 ids is
/// refused before sending.
macro_rules! ids_request {
    ($name:ident, $field:ident: $idty:ty, $path:expr => $item:ty) => {
        impl $name {
            /// A lookup of `ids`.
            pub fn new(ids: impl IntoIterator<Item = impl Into<$idty>>) -> Self {
                $name {
                    $field: ids.into_iter().map(Into::into).collect(),
                    is_with_deleted: None,
                    columns: None,
                }
            }

            /// Include deleted records.
            pub fn with_deleted(mut self, yes: bool) -> Self {
                self.is_with_deleted = Some(yes);
                self
            }

            /// Columns to fill (PascalCase).
            pub fn columns(mut self, columns: impl IntoIterator<Item = impl Into<String>>) -> Self {
                self.columns = Some(columns.into_iter().map(Into::into).collect());
                self
            }
        }

        impl hr_common::endpoint::Endpoint for $name {
            type Client = $crate::BeisenClient;
            type Output = $crate::ListResponse<$item>;
            type Envelope = $crate::envelope::ListReply;
            const PATH: &'static str = $path;
            const IDEMPOTENT: bool = true;

            /// At most 300 ids.
            fn validate(&self) -> hr_common::Result<()> {
                $crate::employee::check_ids(stringify!($field), self.$field.len())
            }

            fn to_request(&self) -> hr_common::Result<hr_common::transport::Request> {
                hr_common::endpoint::json_request(self)
            }
        }
        hr_common::impl_send!($name);
    };
}
pub(crate) use ids_request;

/// `Employee/GetBasicInfoByIds`: people by user id, in request order.
///
/// ```
/// let req = beisen_client::employee::GetBasicInfoByIds::new([100000007]);
/// assert_eq!(serde_json::to_string(&req)?, r#"{"oIds":[100000007]}"#);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[doc(alias(
    "Employee/GetBasicInfoByIds",
    "根据员工UserID集合获取未删除的员工相关信息"
))]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct GetBasicInfoByIds {
    /// The user ids, at most 300.
    pub o_ids: Vec<UserId>,
    /// Include deleted records.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_with_deleted: Option<bool>,
    /// Columns to fill.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub columns: Option<Vec<String>>,
}
ids_request!(GetBasicInfoByIds, o_ids: UserId, paths::GET_BASIC_INFO_BY_IDS => EmployeeInfo);

/// Which employment records `GetServiceInfoByIds` returns (`option`).
///
/// ```
/// use beisen_client::employee::ServiceInfoOption;
/// assert_eq!(serde_json::to_string(&ServiceInfoOption::MainInEffectToday)?, "2");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ServiceInfoOption {
    /// 0: the records the other filters select (the vendor's default:
    /// not deleted, effective, main job).
    ByConditions,
    /// 1: the latest main record; the other filters are ignored.
    LatestMain,
    /// 2: the main record in effect today; the other filters are ignored.
    MainInEffectToday,
}

impl ServiceInfoOption {
    /// The wire value.
    pub fn code(self) -> u8 {
        match self {
            ServiceInfoOption::ByConditions => 0,
            ServiceInfoOption::LatestMain => 1,
            ServiceInfoOption::MainInEffectToday => 2,
        }
    }
}

impl Serialize for ServiceInfoOption {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_u8(self.code())
    }
}

/// `Employee/GetServiceInfoByIds`: employment records by user id.
///
/// The filters are singular-named here (`approvalStatus`, not the time
/// windows' `approvalStatuses`) but take lists; with
/// [`option`](Self::option) 1 or 2 the vendor ignores them. Fields from
/// fxp/skillify `skills/beisen/references/employees.md` §6.
///
/// ```
/// use beisen_client::employee::{GetServiceInfoByIds, ServiceInfoOption};
/// let req = GetServiceInfoByIds::new([100000007]).option(ServiceInfoOption::MainInEffectToday);
/// assert_eq!(serde_json::to_string(&req)?, r#"{"oIds":[100000007],"option":2}"#);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[doc(alias(
    "Employee/GetServiceInfoByIds",
    "根据员工UserID集合获取指定条件的任职记录相关信息"
))]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct GetServiceInfoByIds {
    /// The user ids, at most 300.
    pub o_ids: Vec<UserId>,
    /// Which records: by the filters (0), latest main (1), main in effect today (2).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub option: Option<ServiceInfoOption>,
    /// 人员状态.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub emp_status: Option<Vec<EmpStatus>>,
    /// 雇佣类型.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub employ_type: Option<Vec<EmployType>>,
    /// 任职类型.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service_type: Option<Vec<ServiceType>>,
    /// 审批状态 (`approvalStatus`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub approval_status: Option<Vec<ApprovalStatus>>,
    /// Include deleted records.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_with_deleted: Option<bool>,
    /// Columns to fill.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub columns: Option<Vec<String>>,
}

impl GetServiceInfoByIds {
    /// The records of `ids`.
    pub fn new(ids: impl IntoIterator<Item = impl Into<UserId>>) -> Self {
        GetServiceInfoByIds {
            o_ids: ids.into_iter().map(Into::into).collect(),
            option: None,
            emp_status: None,
            employ_type: None,
            service_type: None,
            approval_status: None,
            is_with_deleted: None,
            columns: None,
        }
    }

    /// Which records (`option`).
    pub fn option(mut self, option: ServiceInfoOption) -> Self {
        self.option = Some(option);
        self
    }

    /// The main record in effect today of each person (`option` 2): where
    /// they work now.
    pub fn in_effect_today(self) -> Self {
        self.option(ServiceInfoOption::MainInEffectToday)
    }

    /// 人员状态 to select.
    pub fn emp_status(mut self, s: impl IntoIterator<Item = EmpStatus>) -> Self {
        self.emp_status = Some(s.into_iter().collect());
        self
    }

    /// 雇佣类型 to select.
    pub fn employ_type(mut self, t: impl IntoIterator<Item = EmployType>) -> Self {
        self.employ_type = Some(t.into_iter().collect());
        self
    }

    /// 任职类型 to select.
    pub fn service_type(mut self, t: impl IntoIterator<Item = ServiceType>) -> Self {
        self.service_type = Some(t.into_iter().collect());
        self
    }

    /// 审批状态 to select (`approvalStatus`).
    pub fn approval_status(mut self, s: impl IntoIterator<Item = ApprovalStatus>) -> Self {
        self.approval_status = Some(s.into_iter().collect());
        self
    }

    /// Include deleted records.
    pub fn with_deleted(mut self, yes: bool) -> Self {
        self.is_with_deleted = Some(yes);
        self
    }

    /// Columns to fill (PascalCase).
    pub fn columns(mut self, columns: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.columns = Some(columns.into_iter().map(Into::into).collect());
        self
    }
}

impl Endpoint for GetServiceInfoByIds {
    type Client = BeisenClient;
    type Output = ListResponse<RecordInfo>;
    type Envelope = ListReply;
    const PATH: &'static str = paths::GET_SERVICE_INFO_BY_IDS;
    const IDEMPOTENT: bool = true;

    /// At most 300 ids.
    fn validate(&self) -> Result<()> {
        check_ids("oIds", self.o_ids.len())
    }

    fn to_request(&self) -> Result<Request> {
        json_request(self)
    }
}
hr_common::impl_send!(GetServiceInfoByIds);

/// `Employee/GetUserIDByEmail`.
#[doc(alias(
    "GetUserIDByEmail",
    "Employee/GetUserIDByEmail",
    "根据员工Email获取员工UserID"
))]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct GetUserIdByEmail {
    /// The address, lower-cased (Beisen matches exactly and stores them
    /// lower-case).
    pub email: String,
}

impl GetUserIdByEmail {
    /// A lookup of `email`, lower-cased.
    pub fn new(email: impl AsRef<str>) -> Self {
        GetUserIdByEmail {
            email: email.as_ref().trim().to_lowercase(),
        }
    }
}

/// `None` when nobody has the address.
impl Endpoint for GetUserIdByEmail {
    type Client = BeisenClient;
    type Output = Option<UserId>;
    type Envelope = LookupReply;
    const PATH: &'static str = paths::GET_USER_ID_BY_EMAIL;
    const IDEMPOTENT: bool = true;

    fn to_request(&self) -> Result<Request> {
        json_request(self)
    }
}
hr_common::impl_send!(GetUserIdByEmail);

/// `Employee/GetJuniorById`: a manager's direct reports.
#[doc(alias(
    "Employee/GetJuniorById",
    "根据员工UserID获取该员工的直线下级员工信息列表"
))]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct GetJuniorById {
    /// The manager.
    pub user_id: UserId,
}

impl GetJuniorById {
    /// The direct reports of `manager`.
    pub fn new(manager: impl Into<UserId>) -> Self {
        GetJuniorById {
            user_id: manager.into(),
        }
    }
}

impl Endpoint for GetJuniorById {
    type Client = BeisenClient;
    type Output = ListResponse<Employee>;
    type Envelope = ListReply;
    const PATH: &'static str = paths::GET_JUNIOR_BY_ID;
    const IDEMPOTENT: bool = true;

    fn to_request(&self) -> Result<Request> {
        json_request(self)
    }
}
hr_common::impl_send!(GetJuniorById);
