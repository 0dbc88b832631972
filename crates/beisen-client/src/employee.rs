//! Employee endpoints (员工与任职, v5): time-window reads, lookups, writes.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::enums::{ApprovalStatus, EmpStatus, EmployType, ServiceType};
use crate::envelope::{self, Envelope};
use crate::ids::{OrgOId, UserId};
use crate::models::{Employee, EmployeeInfo, EmployeeWithRecords, RecordInfo};
use crate::window::{WindowBound, WindowStream, time_window_request};
use crate::{BeisenClient, ListResponse};
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
        }
    };
}

time_window_request!(
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
    GetEmployeesByTimeWindow => Employee, paths::GET_BY_TIME_WINDOW;
    /// 人员状态.
    emp_status: Vec<EmpStatus>,
    /// 雇佣类型.
    employ_type: Vec<EmployType>,
    /// 任职类型.
    service_type: Vec<ServiceType>,
    /// 审批状态.
    approval_statuses: Vec<ApprovalStatus>,
    /// 是否获取最新主职记录.
    is_get_latest_record: bool,
    /// 是否获取 Offer 记录.
    is_get_offer_record: bool,
);
employee_filters!(GetEmployeesByTimeWindow);

time_window_request!(
    /// `Employee/GetListByTimeWindow`: people changed in a window, each with
    /// every selected employment record.
    GetEmployeeListByTimeWindow => EmployeeWithRecords, paths::GET_LIST_BY_TIME_WINDOW;
    /// 人员状态.
    emp_status: Vec<EmpStatus>,
    /// 雇佣类型.
    employ_type: Vec<EmployType>,
    /// 任职类型.
    service_type: Vec<ServiceType>,
    /// 审批状态.
    approval_statuses: Vec<ApprovalStatus>,
    /// 是否获取最新主职记录.
    is_get_latest_record: bool,
    /// 是否获取 Offer 记录.
    is_get_offer_record: bool,
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
    /// [`WindowStream`]. Filters go in with [`WindowStream::query`].
    pub fn changed_between(
        &self,
        start: impl WindowBound + Clone,
        stop: impl WindowBound + Clone,
    ) -> WindowStream<GetEmployeesByTimeWindow> {
        let template = GetEmployeesByTimeWindow::new(start.clone(), stop.clone());
        WindowStream::new(self.client.clone(), template, start, stop)
    }

    /// Like [`changed_between`](Self::changed_between), with every
    /// employment record of each person.
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

    /// Sends one call.
    pub async fn send(&self, client: &BeisenClient) -> Result<crate::ScrollResponse<Employee>> {
        if let Some(c) = self.capacity.filter(|c| *c > crate::window::MAX_CAPACITY) {
            return Err(Error::invalid_request(
                "capacity",
                format!("must be at most 300, got {c}"),
            ));
        }
        let path = paths::GET_EMPLOYEE_OF_ORGANIZATION;
        // One call, not a stream: its `data` must be there, while the
        // scroll fields are the caller's to read.
        envelope::scroll_reply(
            &client.post(path, path, true, self).await?,
            envelope::Promise::List,
        )
    }
}

macro_rules! ids_request {
    ($(#[$doc:meta])* $name:ident, $field:ident: $idty:ty, $path:expr => $item:ty) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Serialize)]
        #[serde(rename_all = "camelCase")]
        #[non_exhaustive]
        pub struct $name {
            /// The ids, at most 300.
            pub $field: Vec<$idty>,
            /// Include deleted records.
            #[serde(skip_serializing_if = "Option::is_none")]
            pub is_with_deleted: Option<bool>,
            /// Columns to fill.
            #[serde(skip_serializing_if = "Option::is_none")]
            pub columns: Option<Vec<String>>,
        }

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

            /// Sends the call; more than 300 ids is refused before sending.
            pub async fn send(&self, client: &BeisenClient) -> Result<ListResponse<$item>> {
                $crate::employee::check_ids(stringify!($field), self.$field.len())?;
                $crate::envelope::list(&client.post($path, $path, true, self).await?)
            }
        }
    };
}
pub(crate) use ids_request;

ids_request!(
    /// `Employee/GetBasicInfoByIds`: people by user id, in request order.
    ///
    /// ```
    /// let req = beisen_client::employee::GetBasicInfoByIds::new([100000007]);
    /// assert_eq!(serde_json::to_string(&req)?, r#"{"oIds":[100000007]}"#);
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    GetBasicInfoByIds, o_ids: UserId, paths::GET_BASIC_INFO_BY_IDS => EmployeeInfo
);

ids_request!(
    /// `Employee/GetServiceInfoByIds`: employment records by user id.
    GetServiceInfoByIds, o_ids: UserId, paths::GET_SERVICE_INFO_BY_IDS => RecordInfo
);

/// `Employee/GetUserIDByEmail`.
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

    /// Sends the call; `None` when nobody has the address.
    pub async fn send(&self, client: &BeisenClient) -> Result<Option<UserId>> {
        let path = paths::GET_USER_ID_BY_EMAIL;
        let env: Envelope<UserId> = Envelope::read(&client.post(path, path, true, self).await?)?;
        Ok(env.data)
    }
}

macro_rules! user_ids_by {
    ($(#[$doc:meta])* $name:ident, $field:ident, $path:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Serialize)]
        #[serde(rename_all = "camelCase")]
        #[non_exhaustive]
        pub struct $name {
            /// The keys, at most 300.
            pub $field: Vec<String>,
        }

        impl $name {
            /// A lookup of `keys`.
            pub fn new(keys: impl IntoIterator<Item = impl Into<String>>) -> Self {
                $name {
                    $field: keys.into_iter().map(Into::into).collect(),
                }
            }

            /// Sends the call: the user id of each key found.
            pub async fn send(&self, client: &BeisenClient) -> Result<BTreeMap<String, UserId>> {
                check_ids(stringify!($field), self.$field.len())?;
                let env: Envelope<BTreeMap<String, UserId>> =
                    Envelope::read(&client.post($path, $path, true, self).await?)?;
                Ok(env.data.unwrap_or_default())
            }
        }
    };
}

user_ids_by!(
    /// `Employee/GetUserIDsByJobNumbers`: user ids by 工号.
    ///
    /// ```
    /// let req = beisen_client::employee::GetUserIdsByJobNumbers::new(["E000007"]);
    /// assert_eq!(serde_json::to_string(&req)?, r#"{"jobNumbers":["E000007"]}"#);
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    GetUserIdsByJobNumbers, job_numbers, paths::GET_USER_IDS_BY_JOB_NUMBERS
);

user_ids_by!(
    /// `Employee/GetUserIDsByMobilesV5`: user ids by mobile number.
    GetUserIdsByMobiles, mobiles, paths::GET_USER_IDS_BY_MOBILES
);

/// `Employee/GetJuniorById`: a manager's direct reports.
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

    /// Sends the call.
    pub async fn send(&self, client: &BeisenClient) -> Result<ListResponse<Employee>> {
        let path = paths::GET_JUNIOR_BY_ID;
        envelope::list(&client.post(path, path, true, self).await?)
    }
}

/// What a write returns: Beisen's `data`, whose shape varies by endpoint.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct WriteResult {
    /// The vendor's `data` (for `Create`, the new user id).
    pub data: Option<Value>,
}

async fn write<B: Serialize>(
    client: &BeisenClient,
    path: &'static str,
    body: &B,
) -> Result<WriteResult> {
    // Not idempotent: a write that may have reached Beisen is never sent
    // again (only calls refused with 429 or never sent are repeated).
    let env: Envelope<Value> = Envelope::read(&client.post(path, path, false, body).await?)?;
    Ok(WriteResult { data: env.data })
}

/// `Employee/Create`: a new active employee, external person or intern.
/// Fields are Beisen's camelCase names, as in the time-window records.
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

    /// Sends the write (never repeated once it may have arrived).
    pub async fn send(&self, client: &BeisenClient) -> Result<WriteResult> {
        write(client, paths::CREATE, self).await
    }
}

/// `Employee/Transfer`: moves an employee (调动).
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

    /// Sends the write (never repeated once it may have arrived).
    pub async fn send(&self, client: &BeisenClient) -> Result<WriteResult> {
        write(client, paths::TRANSFER, self).await
    }
}

/// `Employee/Dimission`: an employee leaves (离职).
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

    /// Sends the write (never repeated once it may have arrived).
    pub async fn send(&self, client: &BeisenClient) -> Result<WriteResult> {
        write(client, paths::DIMISSION, self).await
    }
}
