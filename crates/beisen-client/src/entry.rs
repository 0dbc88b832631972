//! Hires before day one and the records the time windows leave out:
//! departures still in approval (`Employee/GetListByBussinessType`), the
//! pending-hire writes (`Employee/CreateForEntry`, `Employee/Entry`), the
//! onboarding staff of recruiting (`RecruitOnBoarding/GetStaffInfos`) and
//! the external-id mapping (`SourceIdMapping/UpdateOriginalIdByTargetId`).
//!
//! # Sources
//!
//! - **`CreateForEntry`, `Entry`, `UpdateOriginalIdByTargetId`**: fxp/skillify
//!   `skills/beisen/references/employee-lifecycle.md` §3, §4, §9 (a scrape of
//!   the vendor's open-platform documents): the bodies, the reply of
//!   `CreateForEntry` (`data {employeeInformationId, employmentRecordId,
//!   userId}`), `Entry`'s `{"code":"200","message":null}`, and the refusals
//!   quoted in the sandbox.
//! - **`GetListByBussinessType`** (the vendor's spelling): lokiworks/fema-ipaas'
//!   Beisen reference notes (北森员工时间窗接口参考, the 离职审批中 row): the
//!   time windows never return records in approval; this endpoint takes
//!   `empStatus` and `businessTypes` (both required, `5` = departure) and
//!   returns "at most 100 a batch", only records whose current main record
//!   is in approval, deleted ones excluded. No field table is public: the
//!   request carries the v5 scroll fields (`scrollId`, `capacity` ≤ 100) and
//!   the reply is read as `GetListByTimeWindow`'s items
//!   (`{employeeInfo, recordInfos}`), in the scroll envelope **or** a plain
//!   `data` list (either is accepted).
//! - **`GetStaffInfos`**: skillify `recruiting.md` §7 (a bare JSON array of
//!   staff ids, GUIDs in the vendor's example; "员工Id集合最大数量不能超过100";
//!   `data[].staffInfos {id, name, email, infoCollectionStatus, …}`) and
//!   lokiworks/fema-ipaas `get-onboarding-staff.ts` (a bare array of Beisen
//!   user ids). Both id kinds can be sent; a call takes at most 100 (the
//!   vendor's number, lower than fema's 1,000). Items are read from
//!   `staffInfos` or, flat, from the item itself.
//!
//! # Writes are not repeated
//!
//! `CreateForEntry`, `Entry` and `UpdateOriginalIdByTargetId` are not
//! idempotent (`docs/reliability.md` § 3): once a call may have reached
//! Beisen it is not sent again. After a timeout, check before resending:
//! a second `CreateForEntry` is refused as a duplicate e-mail
//! ("电子邮箱与待入职的内部员工：…重复"), a second `Entry` as a person no
//! longer pending ("该人员当前状态不能办理当前业务"); either refusal says the
//! first call landed.

use std::borrow::Cow;

use futures::{StreamExt, TryStreamExt};
use hr_common::endpoint::{self, Endpoint, json_request};
use hr_common::paging::{self, Pages, ScrollPage};
use hr_common::sensitive::{Email, Phone};
use hr_common::transport::{CallOptions, Priority, Request};
use hr_common::{Error, Result};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

use crate::enums::{EmpStatus, EmployType, ServiceType};
use crate::envelope::{ListReply, ScrollListReply, WriteReply};
use crate::ids::{OrgOId, UserId};
use crate::models::{EmployeeWithRecords, WindowRecord};
use crate::window::WindowBound;
use crate::write::{CreatedEmployee, EmployeeRef, WriteResult, date_time, employee_body};
use crate::{BeisenClient, ListResponse, ScrollResponse};

/// `POST …/Employee/GetListByBussinessType` (sic).
pub const GET_LIST_BY_BUSINESS_TYPE: &str =
    "/TenantBaseExternal/api/v5/Employee/GetListByBussinessType";
/// `POST …/Employee/CreateForEntry`.
pub const CREATE_FOR_ENTRY: &str = "/TenantBaseExternal/api/v5/Employee/CreateForEntry";
/// `POST …/Employee/Entry`.
pub const ENTRY: &str = "/TenantBaseExternal/api/v5/Employee/Entry";
/// `POST /RecruitV6/api/v1/RecruitOnBoarding/GetStaffInfos`.
pub const GET_STAFF_INFOS: &str = "/RecruitV6/api/v1/RecruitOnBoarding/GetStaffInfos";
/// `POST …/SourceIdMapping/UpdateOriginalIdByTargetId`.
pub const UPDATE_ORIGINAL_ID_BY_TARGET_ID: &str =
    "/TenantBaseExternal/api/v5/SourceIdMapping/UpdateOriginalIdByTargetId";

/// Records a `GetListByBussinessType` batch holds at most ("每批最多 100 条").
pub const MAX_BUSINESS_BATCH: u32 = 100;

/// Ids a `GetStaffInfos` call takes ("员工Id集合最大数量不能超过100").
pub const MAX_STAFF_IDS: usize = 100;

/// Pages a business-type scroll may take before it is cut off: with 100 a
/// page, ten million records, far past any tenant's pending approvals.
const MAX_BUSINESS_PAGES: usize = 100_000;

/// The cursor after a reply without `scrollId` (a plain list): the scroll
/// ends there without another call. No vendor id has this shape.
const PLAIN_LIST_END: &str = "\u{0}plain-list-end";

/// Pages fetched ahead of the consumer of a business-type scroll.
const BUSINESS_PREFETCH: usize = 4;

/// A business type (变动业务类型, `businessTypeOID`): `1` entry, `2`
/// regularisation, `3` transfer, `5` departure, `6` retirement, `10`
/// organisation change (fema-ipaas' Beisen notes, the enumeration table).
///
/// ```
/// use beisen_client::entry::BusinessType;
/// assert_eq!(serde_json::to_value(BusinessType::DIMISSION)?, 5);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct BusinessType(pub u32);

impl BusinessType {
    /// 入职.
    pub const ENTRY: BusinessType = BusinessType(1);
    /// 转正.
    pub const REGULARIZATION: BusinessType = BusinessType(2);
    /// 调动.
    pub const TRANSFER: BusinessType = BusinessType(3);
    /// 离职.
    pub const DIMISSION: BusinessType = BusinessType(5);
    /// 退休.
    pub const RETIREMENT: BusinessType = BusinessType(6);
    /// 组织调整.
    pub const ORGANIZATION_CHANGE: BusinessType = BusinessType(10);
}

impl From<u32> for BusinessType {
    fn from(code: u32) -> Self {
        BusinessType(code)
    }
}

// ---------------------------------------------------------------------------
// GetListByBussinessType
// ---------------------------------------------------------------------------

/// `Employee/GetListByBussinessType`: people whose current main record is
/// in approval for one of `businessTypes` (a departure: `5`), which the
/// time windows never return. Use it to stop bookings before a leaver's
/// last day.
///
/// One call is one batch (≤ 100); [`pages`](Self::pages) scrolls to the
/// end, bounded by the announced total and a page budget.
///
/// ```
/// use beisen_client::entry::GetListByBusinessType;
/// let req = GetListByBusinessType::departures_in_approval().capacity(50);
/// assert_eq!(
///     serde_json::to_value(&req)?,
///     serde_json::json!({"empStatus": [2, 3, 7], "businessTypes": [5], "capacity": 50, "scrollId": ""})
/// );
/// # Ok::<(), serde_json::Error>(())
/// ```
#[doc(alias(
    "GetListByBussinessType",
    "Employee/GetListByBussinessType",
    "离职审批中"
))]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct GetListByBusinessType {
    /// `empStatus` (required, not empty).
    pub emp_status: Vec<EmpStatus>,
    /// `businessTypes` (required, not empty).
    pub business_types: Vec<BusinessType>,
    /// `employType`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub employ_type: Option<Vec<EmployType>>,
    /// `serviceType`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service_type: Option<Vec<ServiceType>>,
    /// `columns` to fill (PascalCase).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub columns: Option<Vec<String>>,
    /// `capacity`: records a batch, 1 to 100.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub capacity: Option<u32>,
    /// `""` first, then the previous batch's `scrollId`.
    pub scroll_id: String,
}

impl GetListByBusinessType {
    /// People in `emp_status` with a `business_types` change in approval.
    pub fn new(
        emp_status: impl IntoIterator<Item = EmpStatus>,
        business_types: impl IntoIterator<Item = impl Into<BusinessType>>,
    ) -> Self {
        GetListByBusinessType {
            emp_status: emp_status.into_iter().collect(),
            business_types: business_types.into_iter().map(Into::into).collect(),
            employ_type: None,
            service_type: None,
            columns: None,
            capacity: None,
            scroll_id: String::new(),
        }
    }

    /// People in service (试用, 正式, 返聘) whose departure is in approval.
    pub fn departures_in_approval() -> Self {
        Self::new(
            [
                EmpStatus::Probation,
                EmpStatus::Regular,
                EmpStatus::RetiredRehired,
            ],
            [BusinessType::DIMISSION],
        )
    }

    /// `employType` filter.
    pub fn employ_type(mut self, types: impl IntoIterator<Item = EmployType>) -> Self {
        self.employ_type = Some(types.into_iter().collect());
        self
    }

    /// `serviceType` filter.
    pub fn service_type(mut self, types: impl IntoIterator<Item = ServiceType>) -> Self {
        self.service_type = Some(types.into_iter().collect());
        self
    }

    /// Columns to fill, PascalCase.
    pub fn columns(mut self, columns: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.columns = Some(columns.into_iter().map(Into::into).collect());
        self
    }

    /// Records a batch (1 to 100).
    pub fn capacity(mut self, capacity: u32) -> Self {
        self.capacity = Some(capacity);
        self
    }

    /// The batch after the one that answered this `scrollId`.
    pub fn scroll_id(mut self, id: impl Into<String>) -> Self {
        self.scroll_id = id.into();
        self
    }

    /// Every batch, from the first, following `scrollId` to the empty
    /// batch. The scroll stops on a batch that replays delivered people,
    /// on more records than the announced total allows, and after
    /// 100,000 batches; an expired scroll (an empty batch short of the
    /// total) is an error, not an end. A reply without a `scrollId` (a
    /// plain list) is the only batch.
    ///
    /// ```no_run
    /// # async fn run(client: &beisen_client::BeisenClient) -> beisen_client::Result<()> {
    /// use beisen_client::entry::GetListByBusinessType;
    /// use futures::TryStreamExt;
    /// let leaving: Vec<_> = GetListByBusinessType::departures_in_approval()
    ///     .pages(client)
    ///     .by_item()
    ///     .try_collect()
    ///     .await?;
    /// println!("{} departures in approval", leaving.len());
    /// # Ok(()) }
    /// ```
    pub fn pages(&self, client: &BeisenClient) -> Pages<EmployeeWithRecords> {
        let mut template = self.clone();
        template.scroll_id.clear();
        template.capacity.get_or_insert(MAX_BUSINESS_BATCH);
        if let Err(e) = template.validate() {
            return Pages::new(futures::stream::iter([Err(e)]));
        }
        let idle = client.scroll_idle();
        let client = client.clone();
        paging::scroll(move |id: Option<String>| {
            let client = client.clone();
            let mut request = template.clone();
            request.scroll_id = id.unwrap_or_default();
            let options = if request.scroll_id.is_empty() {
                CallOptions::new()
            } else {
                CallOptions::new().priority(Priority::Continuation)
            };
            async move {
                if request.scroll_id == PLAIN_LIST_END {
                    return Ok(ScrollPage::new(Vec::new(), None));
                }
                let page = endpoint::send(&client, &request, &options).await?;
                let total = if page.data.is_empty() {
                    None
                } else {
                    page.total
                };
                let keys: Vec<Option<String>> = page.data.iter().map(|e| e.dedup_key()).collect();
                // A plain list (no `scrollId`) is the only batch: its end
                // is marked without another call.
                let next = match page.scroll_id.filter(|s| !s.is_empty()) {
                    Some(id) => Some(id),
                    None if !page.data.is_empty() => Some(PLAIN_LIST_END.to_owned()),
                    None => None,
                };
                Ok(ScrollPage::new(page.data, next)
                    .with_total(total)
                    .with_keys(keys))
            }
        })
        .idle_limit(Some(idle))
        .detect_expiry(true)
        .max_pages(MAX_BUSINESS_PAGES)
        .build()
        .prefetch(BUSINESS_PREFETCH)
    }
}

impl Endpoint for GetListByBusinessType {
    type Client = BeisenClient;
    type Output = ScrollResponse<EmployeeWithRecords>;
    // The scroll fields are optional: a plain `data` list is accepted.
    type Envelope = ScrollListReply;
    const PATH: &'static str = GET_LIST_BY_BUSINESS_TYPE;
    const IDEMPOTENT: bool = true;

    /// `empStatus` and `businessTypes` not empty, `capacity` 1 to 100.
    fn validate(&self) -> Result<()> {
        if self.emp_status.is_empty() {
            return Err(Error::invalid_request("empStatus", "is required"));
        }
        if self.business_types.is_empty() {
            return Err(Error::invalid_request(
                "businessTypes",
                "is required (5 for departures)",
            ));
        }
        if let Some(c) = self.capacity
            && !(1..=MAX_BUSINESS_BATCH).contains(&c)
        {
            return Err(Error::invalid_request(
                "capacity",
                format!("must be 1 to {MAX_BUSINESS_BATCH}, got {c}"),
            ));
        }
        Ok(())
    }

    fn to_request(&self) -> Result<Request> {
        json_request(self)
    }
}
hr_common::impl_send!(GetListByBusinessType);

// ---------------------------------------------------------------------------
// CreateForEntry and Entry
// ---------------------------------------------------------------------------

/// `Employee/CreateForEntry`: a pending hire (待入职), entered later with
/// [`EntryEmployee`]. Same body as `Employee/Create`: `new` takes what the
/// vendor's hint lists as required (姓名、电子邮件、部门、入职日期、雇佣关系、
/// 试用期). Not repeated once it may have reached Beisen (see the module
/// docs).
///
/// ```
/// use beisen_client::entry::CreateForEntry;
/// use beisen_client::enums::EmployType;
/// let req = CreateForEntry::new(
///     "张三", "zhangsan@example.com", 4744879,
///     chrono::NaiveDate::from_ymd_opt(2026, 10, 1).unwrap(), EmployType::Internal, 3,
/// )
/// .original_id("HR-000123")
/// .job_number("E000123");
/// assert_eq!(serde_json::to_value(&req)?, serde_json::json!({
///     "employeeInformation": {"name": "张三", "email": "zhangsan@example.com", "originalId": "HR-000123"},
///     "employmentRecord": {"oIdDepartment": 4744879, "entryDate": "2026-10-01T00:00:00",
///                          "employType": 0, "probation": 3, "jobNumber": "E000123"}
/// }));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[doc(alias("Employee/CreateForEntry", "新建待入职员工"))]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct CreateForEntry {
    /// 员工信息 fields (`name`, `email`, `originalId`, `mobilePhone`…).
    pub employee_information: Map<String, Value>,
    /// 任职记录 fields (`oIdDepartment`, `entryDate`, `employType`,
    /// `probation`, `jobNumber`, `pOIdEmpAdmin`…).
    pub employment_record: Map<String, Value>,
    /// 合同 fields.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub employment_contract: Option<Map<String, Value>>,
}

employee_body!(CreateForEntry);

impl Endpoint for CreateForEntry {
    type Client = BeisenClient;
    type Output = CreatedEmployee;
    type Envelope = WriteReply;
    const PATH: &'static str = CREATE_FOR_ENTRY;
    // A second call creates a second pending hire (or is refused as a
    // duplicate e-mail): never repeated once it may have arrived.
    const IDEMPOTENT: bool = false;

    fn to_request(&self) -> Result<Request> {
        json_request(self)
    }
}
hr_common::impl_send!(CreateForEntry);

/// `Employee/Entry`: a pending hire enters (办理入职) and becomes an
/// employee, listed by the employee time windows from then on. The
/// person is named by `userId` or `originalId` (exactly one); fields not
/// sent keep what `CreateForEntry` saved ("若未传递值，则直接使用新增待入职员工
/// 保存的已有值"). Not repeated once it may have reached Beisen.
///
/// ```
/// use beisen_client::entry::EntryEmployee;
/// use beisen_client::employee::EmployeeRef;
/// let req = EntryEmployee::new(EmployeeRef::original_id("HR-000123"));
/// assert_eq!(serde_json::to_value(&req)?, serde_json::json!({"originalId": "HR-000123"}));
/// let dated = EntryEmployee::new(101501070)
///     .entry_date(chrono::NaiveDate::from_ymd_opt(2026, 10, 8).unwrap());
/// assert_eq!(serde_json::to_value(&dated)?, serde_json::json!({
///     "userId": 101501070, "employmentRecord": {"entryDate": "2026-10-08T00:00:00"}
/// }));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[doc(alias("Entry", "Employee/Entry", "待入职员工入职"))]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct EntryEmployee {
    /// Who: `userId` or `originalId`.
    #[serde(flatten)]
    pub employee: EmployeeRef,
    /// 员工信息 fields to change.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub employee_information: Option<Map<String, Value>>,
    /// 任职记录 fields to change (`entryDate`, `jobNumber`…).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub employment_record: Option<Map<String, Value>>,
    /// 合同 fields.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub employment_contract: Option<Map<String, Value>>,
}

impl EntryEmployee {
    /// `employee` enters with what `CreateForEntry` saved.
    pub fn new(employee: impl Into<EmployeeRef>) -> Self {
        EntryEmployee {
            employee: employee.into(),
            employee_information: None,
            employment_record: None,
            employment_contract: None,
        }
    }

    /// `employmentRecord.entryDate`: the day of entry, if not the saved one.
    pub fn entry_date(self, date: impl WindowBound) -> Self {
        self.record_field("entryDate", date_time(date))
    }

    /// Sets an `employeeInformation` field.
    pub fn employee_field(mut self, name: impl Into<String>, value: impl Into<Value>) -> Self {
        self.employee_information
            .get_or_insert_with(Map::new)
            .insert(name.into(), value.into());
        self
    }

    /// Sets an `employmentRecord` field.
    pub fn record_field(mut self, name: impl Into<String>, value: impl Into<Value>) -> Self {
        self.employment_record
            .get_or_insert_with(Map::new)
            .insert(name.into(), value.into());
        self
    }

    /// Sets an `employmentContract` field.
    pub fn contract_field(mut self, name: impl Into<String>, value: impl Into<Value>) -> Self {
        self.employment_contract
            .get_or_insert_with(Map::new)
            .insert(name.into(), value.into());
        self
    }
}

impl Endpoint for EntryEmployee {
    type Client = BeisenClient;
    type Output = WriteResult;
    type Envelope = WriteReply;
    const PATH: &'static str = ENTRY;
    // Changes the person's state: a repeat is refused, not re-applied, but
    // it is still a write that may have landed.
    const IDEMPOTENT: bool = false;

    fn to_request(&self) -> Result<Request> {
        json_request(self)
    }
}
hr_common::impl_send!(EntryEmployee);

// ---------------------------------------------------------------------------
// GetStaffInfos
// ---------------------------------------------------------------------------

/// One id of [`GetStaffInfos`]: the onboarding `staffId` (a GUID, the
/// vendor's example) or a Beisen user id (what fema-ipaas sends).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
#[non_exhaustive]
pub enum StaffKey {
    /// 入职管理的 `staffId` (GUID).
    StaffId(String),
    /// A Beisen `userId`.
    UserId(UserId),
}

/// `RecruitOnBoarding/GetStaffInfos`: what the people still waiting to
/// join (待入职) filled in before day one. People not pending are left
/// out of the answer. The body is a bare JSON array of ids; one call takes
/// at most [`MAX_STAFF_IDS`], [`send`](Self::send) splits more into
/// concurrent calls of 100 and joins the answers in call order.
///
/// ```
/// use beisen_client::entry::GetStaffInfos;
/// let req = GetStaffInfos::new(["00884bc4-31f2-4d42-9b35-287e69867fa2"]);
/// assert_eq!(serde_json::to_value(&req)?, serde_json::json!(["00884bc4-31f2-4d42-9b35-287e69867fa2"]));
/// let by_user = GetStaffInfos::by_user_ids([100001993]);
/// assert_eq!(serde_json::to_value(&by_user)?, serde_json::json!([100001993]));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[doc(alias("RecruitOnBoarding/GetStaffInfos", "查询待入职人员信息"))]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(transparent)]
#[non_exhaustive]
pub struct GetStaffInfos {
    /// The ids, sent as the bare body.
    pub ids: Vec<StaffKey>,
}

impl GetStaffInfos {
    /// The onboarding records of these `staffId`s (GUIDs).
    pub fn new(staff_ids: impl IntoIterator<Item = impl Into<String>>) -> Self {
        GetStaffInfos {
            ids: staff_ids
                .into_iter()
                .map(|s| StaffKey::StaffId(s.into()))
                .collect(),
        }
    }

    /// The onboarding records of these Beisen user ids.
    pub fn by_user_ids(user_ids: impl IntoIterator<Item = impl Into<UserId>>) -> Self {
        GetStaffInfos {
            ids: user_ids
                .into_iter()
                .map(|u| StaffKey::UserId(u.into()))
                .collect(),
        }
    }

    /// Sends the ids in calls of at most [`MAX_STAFF_IDS`] (run
    /// concurrently up to the client's concurrency); any call failing
    /// fails the whole.
    pub async fn send(&self, client: &BeisenClient) -> Result<ListResponse<StaffInfo>> {
        self.send_with(client, &CallOptions::new()).await
    }

    /// [`send`](Self::send) with per-call options.
    pub async fn send_with(
        &self,
        client: &BeisenClient,
        options: &CallOptions,
    ) -> Result<ListResponse<StaffInfo>> {
        if self.ids.len() <= MAX_STAFF_IDS {
            return endpoint::send(client, self, options).await;
        }
        let calls: Vec<GetStaffInfos> = self
            .ids
            .chunks(MAX_STAFF_IDS)
            .map(|ids| GetStaffInfos { ids: ids.to_vec() })
            .collect();
        let parts: Vec<ListResponse<StaffInfo>> = futures::stream::iter(calls.iter())
            .map(|call| endpoint::send(client, call, options))
            .buffered(client.concurrency().max(1))
            .try_collect()
            .await?;
        let mut parts = parts.into_iter();
        let Some(mut all) = parts.next() else {
            return Err(Error::invalid_request("ids", "is required"));
        };
        for part in parts {
            all.data.extend(part.data);
        }
        Ok(all)
    }
}

impl Endpoint for GetStaffInfos {
    type Client = BeisenClient;
    type Output = ListResponse<StaffInfo>;
    type Envelope = ListReply;
    const PATH: &'static str = GET_STAFF_INFOS;
    const IDEMPOTENT: bool = true;

    fn group(&self) -> Cow<'static, str> {
        Cow::Borrowed("recruiting")
    }

    /// 1 to 100 ids.
    fn validate(&self) -> Result<()> {
        if self.ids.is_empty() || self.ids.len() > MAX_STAFF_IDS {
            return Err(Error::invalid_request(
                "ids",
                format!(
                    "{} ids; 1 to {MAX_STAFF_IDS} per call (send() splits more)",
                    self.ids.len()
                ),
            ));
        }
        Ok(())
    }

    fn to_request(&self) -> Result<Request> {
        json_request(self)
    }
}

/// One onboarding record of [`GetStaffInfos`]: `staffInfos` (the
/// person's own fields) and the sub-records (family, education, work
/// experience…) in [`extra`](Self::extra). A flat item (the person's
/// fields at the top) is read the same way.
///
/// ```
/// use beisen_client::entry::StaffInfo;
/// let nested: StaffInfo = serde_json::from_value(serde_json::json!(
///     {"staffInfos": {"id": "00884bc4-31f2-4d42-9b35-287e69867fa2", "name": "张三",
///      "email": "zs@example.com", "infoCollectionStatus": 1}, "educationInfos": []}))?;
/// assert_eq!(nested.staff.name.as_deref(), Some("张三"));
/// assert!(nested.extra.contains_key("educationInfos"));
/// let flat: StaffInfo = serde_json::from_value(serde_json::json!({"id": "x", "name": "李四"}))?;
/// assert_eq!(flat.staff.name.as_deref(), Some("李四"));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct StaffInfo {
    /// `staffInfos`.
    #[serde(rename = "staffInfos")]
    pub staff: StaffBasics,
    /// The other keys of the item (sub-records), as received.
    #[serde(flatten)]
    pub extra: crate::custom::Extra,
}

impl<'de> Deserialize<'de> for StaffInfo {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let mut map = Map::<String, Value>::deserialize(d)?;
        let key = map
            .keys()
            .find(|k| k.eq_ignore_ascii_case("staffInfos") || k.eq_ignore_ascii_case("staffInfo"))
            .cloned();
        let (staff, extra) = match key.and_then(|k| map.remove(&k)) {
            Some(v @ Value::Object(_)) => (v, map),
            Some(other) => {
                return Err(serde::de::Error::custom(format!(
                    "`staffInfos` is {}, not an object",
                    hr_common::json::kind(&other)
                )));
            }
            None => (Value::Object(map), Map::new()),
        };
        Ok(StaffInfo {
            staff: serde_json::from_value(staff).map_err(serde::de::Error::custom)?,
            extra: crate::custom::Extra(extra),
        })
    }
}

/// The person's own fields of a [`StaffInfo`]. Personal data is
/// [`Sensitive`](hr_common::Sensitive): `Debug` masks it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct StaffBasics {
    /// `id`: the `staffId` (GUID).
    #[serde(default)]
    pub id: Option<String>,
    /// `userId`, when the vendor sends it.
    #[serde(default, alias = "userID", alias = "UserId")]
    pub user_id: Option<UserId>,
    /// `name`.
    #[serde(default)]
    pub name: Option<String>,
    /// `email`.
    #[serde(default)]
    pub email: Option<Email>,
    /// `mobilePhone`.
    #[serde(default, alias = "mobile")]
    pub mobile_phone: Option<Phone>,
    /// `infoCollectionStatus`: how far the hire filled in the forms (a
    /// code; the vendor's option table is not public).
    #[serde(default)]
    pub info_collection_status: Option<Value>,
    /// Every other field (certificates' `*Path`, `*DownLoadUrl`…), as received.
    #[serde(flatten)]
    pub extra: crate::custom::Extra,
}

// ---------------------------------------------------------------------------
// SourceIdMapping/UpdateOriginalIdByTargetId
// ---------------------------------------------------------------------------

/// What an external id names (`objectName`): only these two are supported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub enum MappedObject {
    /// `Organization`: a department `oId`.
    Organization,
    /// `EmployeeInformation`: a person's `userId`.
    EmployeeInformation,
}

/// `SourceIdMapping/UpdateOriginalIdByTargetId`: sets the external id
/// (`originalId`, the other system's key) of a person or department, so
/// that writes can name it by that id. "根据TargetId查找数据，匹配多条返回错误
/// 不更新，没有匹配到数据时新增一条映射关系": the mapping is created when the
/// target has none. Not repeated once it may have reached Beisen.
///
/// ```
/// use beisen_client::entry::UpdateOriginalIdByTargetId;
/// let req = UpdateOriginalIdByTargetId::employee(100000007, "HR-7");
/// assert_eq!(serde_json::to_value(&req)?, serde_json::json!(
///     {"targetId": 100000007, "objectName": "EmployeeInformation", "originalId": "HR-7"}));
/// let org = UpdateOriginalIdByTargetId::organization(1000003, "DEPT-3");
/// assert_eq!(serde_json::to_value(&org)?["objectName"], "Organization");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[doc(alias(
    "SourceIdMapping/UpdateOriginalIdByTargetId",
    "更新指定员工、组织的外部ID标识"
))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct UpdateOriginalIdByTargetId {
    /// `targetId`: the `userId` or department `oId`.
    pub target_id: i64,
    /// `objectName`.
    pub object_name: MappedObject,
    /// `originalId`: the other system's key.
    pub original_id: String,
}

impl UpdateOriginalIdByTargetId {
    /// Maps `original_id` to `target_id` of `object_name`.
    pub fn new(target_id: i64, object_name: MappedObject, original_id: impl Into<String>) -> Self {
        UpdateOriginalIdByTargetId {
            target_id,
            object_name,
            original_id: original_id.into(),
        }
    }

    /// Maps `original_id` to the person `user_id`.
    pub fn employee(user_id: impl Into<UserId>, original_id: impl Into<String>) -> Self {
        Self::new(
            user_id.into().get(),
            MappedObject::EmployeeInformation,
            original_id,
        )
    }

    /// Maps `original_id` to the department `oid`.
    pub fn organization(oid: impl Into<OrgOId>, original_id: impl Into<String>) -> Self {
        Self::new(oid.into().get(), MappedObject::Organization, original_id)
    }
}

impl Endpoint for UpdateOriginalIdByTargetId {
    type Client = BeisenClient;
    type Output = WriteResult;
    type Envelope = WriteReply;
    const PATH: &'static str = UPDATE_ORIGINAL_ID_BY_TARGET_ID;
    const IDEMPOTENT: bool = false;

    /// `targetId` ≥ 0, `originalId` not blank.
    fn validate(&self) -> Result<()> {
        if self.target_id < 0 {
            return Err(Error::invalid_request(
                "targetId",
                format!("must be ≥ 0, got {}", self.target_id),
            ));
        }
        if self.original_id.trim().is_empty() {
            return Err(Error::invalid_request("originalId", "is required"));
        }
        Ok(())
    }

    fn to_request(&self) -> Result<Request> {
        json_request(self)
    }
}
hr_common::impl_send!(UpdateOriginalIdByTargetId);
