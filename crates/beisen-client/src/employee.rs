//! Employee endpoints (员工与任职, v5): time-window reads, lookups, writes.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::enums::{ApprovalStatus, EmpStatus, EmployType, ServiceType};
use crate::envelope::{ListReply, LookupManyReply, LookupReply, ScrollListReply, WriteReply};
use crate::ids::{OrgOId, UserId};
use crate::models::{Employee, EmployeeInfo, EmployeeWithRecords, RecordInfo};
use crate::window::{WindowBound, WindowQuery, WindowStream, time_window_request};
use crate::{BeisenClient, ListResponse, ScrollResponse};
use hr_common::endpoint::{Endpoint, json_request};
use hr_common::transport::Request;
use hr_common::{Error, Result};

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

/// The most ids one lookup takes.
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
}

/// `Employee/GetEmployeeOfOrganization`: one page of the people of an
/// organisation unit (a scroll).
#[doc(alias(
    "Employee/GetEmployeeOfOrganization",
    "滚动查询指定组织下的员工与单条任职信息"
))]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct GetEmployeeOfOrganization {
    /// The organisation unit.
    pub o_id: OrgOId,
    /// Include the people of its sub-units.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_include_child_org: Option<bool>,
    /// `""` first, then the previous page's id.
    pub scroll_id: String,
    /// Records per page, at most 300.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub capacity: Option<u32>,
    /// 人员状态.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub emp_status: Option<Vec<EmpStatus>>,
    /// Columns to fill.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub columns: Option<Vec<String>>,
}

impl GetEmployeeOfOrganization {
    /// The first page of `org`'s people.
    pub fn new(org: impl Into<OrgOId>) -> Self {
        GetEmployeeOfOrganization {
            o_id: org.into(),
            is_include_child_org: None,
            scroll_id: String::new(),
            capacity: None,
            emp_status: None,
            columns: None,
        }
    }

    /// Include sub-units.
    pub fn include_children(mut self, yes: bool) -> Self {
        self.is_include_child_org = Some(yes);
        self
    }

    /// The previous page's scroll id.
    pub fn scroll_id(mut self, id: impl Into<String>) -> Self {
        self.scroll_id = id.into();
        self
    }

    /// Records per page, at most 300.
    pub fn capacity(mut self, n: u32) -> Self {
        self.capacity = Some(n);
        self
    }

    /// 人员状态 to select.
    pub fn emp_status(mut self, s: impl IntoIterator<Item = EmpStatus>) -> Self {
        self.emp_status = Some(s.into_iter().collect());
        self
    }
}

impl Endpoint for GetEmployeeOfOrganization {
    type Client = BeisenClient;
    // One call, not a stream: its `data` must be there, while the scroll
    // fields are the caller's to read.
    type Output = ScrollResponse<Employee>;
    type Envelope = ScrollListReply;
    const PATH: &'static str = paths::GET_EMPLOYEE_OF_ORGANIZATION;
    const IDEMPOTENT: bool = true;

    /// Capacity at most 300.
    fn validate(&self) -> Result<()> {
        if let Some(c) = self.capacity.filter(|c| *c > crate::window::MAX_CAPACITY) {
            return Err(Error::invalid_request(
                "capacity",
                format!("must be at most 300, got {c}"),
            ));
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

/// `Employee/GetServiceInfoByIds`: employment records by user id.
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
    /// Include deleted records.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_with_deleted: Option<bool>,
    /// Columns to fill.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub columns: Option<Vec<String>>,
}
ids_request!(GetServiceInfoByIds, o_ids: UserId, paths::GET_SERVICE_INFO_BY_IDS => RecordInfo);

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

/// Writes `new`, [`Endpoint`] and `send`/`send_with` of a user-id lookup
/// by keys: a struct (written out where it belongs) with the keys in
/// `$field`, at most 300. The call returns the user id of each key found.
macro_rules! user_ids_by {
    ($name:ident, $field:ident, $path:expr) => {
        impl $name {
            /// A lookup of `keys`.
            pub fn new(keys: impl IntoIterator<Item = impl Into<String>>) -> Self {
                $name {
                    $field: keys.into_iter().map(Into::into).collect(),
                }
            }
        }

        impl Endpoint for $name {
            type Client = BeisenClient;
            type Output = BTreeMap<String, UserId>;
            type Envelope = LookupManyReply;
            const PATH: &'static str = $path;
            const IDEMPOTENT: bool = true;

            /// At most 300 keys.
            fn validate(&self) -> Result<()> {
                check_ids(stringify!($field), self.$field.len())
            }

            fn to_request(&self) -> Result<Request> {
                json_request(self)
            }
        }
        hr_common::impl_send!($name);
    };
}

/// `Employee/GetUserIDsByJobNumbers`: user ids by 工号.
///
/// ```
/// let req = beisen_client::employee::GetUserIdsByJobNumbers::new(["E000007"]);
/// assert_eq!(serde_json::to_string(&req)?, r#"{"jobNumbers":["E000007"]}"#);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[doc(alias(
    "GetUserIDsByJobNumbers",
    "Employee/GetUserIDsByJobNumbers",
    "根据工号获取员工UserID"
))]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct GetUserIdsByJobNumbers {
    /// The job numbers (工号), at most 300.
    pub job_numbers: Vec<String>,
}
user_ids_by!(
    GetUserIdsByJobNumbers,
    job_numbers,
    paths::GET_USER_IDS_BY_JOB_NUMBERS
);

/// `Employee/GetUserIDsByMobilesV5`: user ids by mobile number.
#[doc(alias(
    "GetUserIDsByMobilesV5",
    "Employee/GetUserIDsByMobilesV5",
    "根据手机号获取员工UserID"
))]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct GetUserIdsByMobiles {
    /// The mobile numbers, at most 300.
    pub mobiles: Vec<String>,
}
user_ids_by!(GetUserIdsByMobiles, mobiles, paths::GET_USER_IDS_BY_MOBILES);

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

/// What a write returns: Beisen's `data`, whose shape varies by endpoint.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct WriteResult {
    /// The vendor's `data` (for `Create`, the new user id).
    pub data: Option<Value>,
}

/// The [`Endpoint`] of a write: not idempotent, so a write that may have
/// reached Beisen is never sent again (only calls refused with 429 or
/// never sent are repeated).
macro_rules! write_endpoint {
    ($name:ident, $path:expr) => {
        impl Endpoint for $name {
            type Client = BeisenClient;
            type Output = WriteResult;
            type Envelope = WriteReply;
            const PATH: &'static str = $path;
            const IDEMPOTENT: bool = false;

            fn to_request(&self) -> Result<Request> {
                json_request(self)
            }
        }
        hr_common::impl_send!($name);
    };
}

/// `Employee/Create`: a new active employee, external person or intern.
/// Fields are Beisen's camelCase names, as in the time-window records.
#[doc(alias("Create", "Employee/Create", "新建在职员工、外部人员、实习生"))]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct CreateEmployee {
    /// 员工信息 fields.
    pub employee_info: Map<String, Value>,
    /// 任职记录 fields.
    pub record_info: Map<String, Value>,
}

impl CreateEmployee {
    /// An employee named `name`, in `department`, starting on `entry_date`.
    pub fn new(name: impl Into<String>, department: OrgOId, entry_date: impl Into<String>) -> Self {
        let mut employee_info = Map::new();
        employee_info.insert("name".into(), Value::String(name.into()));
        let mut record_info = Map::new();
        record_info.insert("oIdDepartment".into(), department.get().into());
        record_info.insert("entryDate".into(), Value::String(entry_date.into()));
        CreateEmployee {
            employee_info,
            record_info,
        }
    }

    /// Sets an `employeeInfo` field.
    pub fn employee_field(mut self, name: impl Into<String>, value: impl Into<Value>) -> Self {
        self.employee_info.insert(name.into(), value.into());
        self
    }

    /// Sets a `recordInfo` field.
    pub fn record_field(mut self, name: impl Into<String>, value: impl Into<Value>) -> Self {
        self.record_info.insert(name.into(), value.into());
        self
    }
}
write_endpoint!(CreateEmployee, paths::CREATE);

/// `Employee/Transfer`: moves an employee (调动).
#[doc(alias("Transfer", "Employee/Transfer", "直接调动已入职的正式员工或实习生"))]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct TransferEmployee {
    /// Who.
    pub user_id: UserId,
    /// Effective date, `2024-03-01`.
    pub transfer_date: String,
    /// New department.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub o_id_department: Option<OrgOId>,
    /// Other `recordInfo` fields to change.
    #[serde(flatten)]
    pub record_info: Map<String, Value>,
}

impl TransferEmployee {
    /// Moves `user` on `date`.
    pub fn new(user: impl Into<UserId>, date: impl Into<String>) -> Self {
        TransferEmployee {
            user_id: user.into(),
            transfer_date: date.into(),
            o_id_department: None,
            record_info: Map::new(),
        }
    }

    /// The new department.
    pub fn department(mut self, org: impl Into<OrgOId>) -> Self {
        self.o_id_department = Some(org.into());
        self
    }

    /// Sets another record field.
    pub fn field(mut self, name: impl Into<String>, value: impl Into<Value>) -> Self {
        self.record_info.insert(name.into(), value.into());
        self
    }
}
write_endpoint!(TransferEmployee, paths::TRANSFER);

/// `Employee/Dimission`: an employee leaves (离职).
#[doc(alias("Dimission", "Employee/Dimission", "直接离职已入职的正式员工或实习生"))]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct DimissionEmployee {
    /// Who.
    pub user_id: UserId,
    /// Last working day, `2024-03-31`.
    pub last_work_date: String,
    /// Reason.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub change_reason: Option<String>,
    /// Other fields.
    #[serde(flatten)]
    pub record_info: Map<String, Value>,
}

impl DimissionEmployee {
    /// `user` leaves after `last_work_date`.
    pub fn new(user: impl Into<UserId>, last_work_date: impl Into<String>) -> Self {
        DimissionEmployee {
            user_id: user.into(),
            last_work_date: last_work_date.into(),
            change_reason: None,
            record_info: Map::new(),
        }
    }

    /// The reason.
    pub fn reason(mut self, reason: impl Into<String>) -> Self {
        self.change_reason = Some(reason.into());
        self
    }
}
write_endpoint!(DimissionEmployee, paths::DIMISSION);
