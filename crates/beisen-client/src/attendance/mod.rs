//! Attendance (假勤, `/AttendanceOpen/api/v1/…`).
//!
//! | what | endpoint | paging | envelope |
//! |---|---|---|---|
//! | leave requests approved on a day | `Vacation/GetVacationInfoByApprovalTime` ([`GetVacationsByApprovalTime`]) | `queryCursor`/`sortCursor` | `{code, data}` |
//! | leave requests starting on a day | `Vacation/GetListByDate` ([`GetVacationsByDate`]) | `queryCursor`/`sortCursor` | `{code, data}` |
//! | leave balances | `VacationRemain/GetVacationRemainList` ([`GetVacationRemainList`]) | `queryCursor`/`sortCursor` | `{code, data}` |
//! | approved business trips (出差) | `Business/GetApprovalCompletedBusinessList` ([`GetApprovedBusinessTrips`]) | `PageIndex`/`PageSize` | `{Code, Message, Data}` |
//! | approved outward trips (公出) | `Outward/GetApprovalCompletedOutwardList` ([`GetApprovedOutwardTrips`]) | `PageIndex`/`PageSize` | `{Code, Message, Data}` |
//! | write business trips back | `Business` ([`PushBusinessTrips`]), `Business/Remove` ([`RemoveBusinessTrips`]) | asynchronous: `X-PAAS-Request-ID` | `{Code, Message}` |
//! | the state of an asynchronous write | `GET /OpenPlatform/api/AsyncApiExecInfo/GetByRequestId` ([`GetAsyncJobState`]) | | `{code, data}` |
//!
//! The PascalCase replies are read by hr-common's
//! [`pascal`](hr_common::endpoint::pascal) envelope with [`AttendanceOpen`]
//! as the vendor. Sources of the shapes are in each submodule's docs.

use std::borrow::Cow;

use chrono::NaiveDate;
use futures::StreamExt;
use hr_common::civil_time::{self, CivilDateTime};
use hr_common::endpoint::{self, Endpoint, json_request};
use hr_common::paging::{self, CursorPage, Pages};
use hr_common::transport::{CallOptions, Request, Response};
use hr_common::{Error, Result};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::BeisenClient;
use crate::enums::VacationApproveStatus;
use crate::envelope::{Envelope, Promise, VacationPageReply, null_as_empty};
use crate::ids::UserId;

mod leave;
mod push;
mod trips;

pub use leave::{
    GetVacationRemainList, GetVacationsByDate, LeavePageReply, VACATION_GET_LIST_BY_DATE,
    VACATION_REMAIN_GET_LIST, VacationByDate, VacationRemain,
};
pub use push::{
    ASYNC_JOB_STATE, AsyncJob, AsyncJobReply, AsyncJobState, AsyncSubmission, AsyncWrite,
    BUSINESS_PUSH, BUSINESS_REMOVE, BusinessTripRecord, GetAsyncJobState, MIN_POLL_INTERVAL,
    PushBusinessTrips, RemoveBusinessTrips, SubmissionReply,
};
pub use trips::{
    AttendanceOpen, BUSINESS_APPROVED_LIST, BusinessTrip, BusinessTripLeg,
    GetApprovedBusinessTrips, GetApprovedOutwardTrips, IndexPage, IndexPageReply,
    OUTWARD_APPROVED_LIST, OutwardTrip,
};

/// `POST /AttendanceOpen/api/v1/Vacation/GetVacationInfoByApprovalTime`.
pub const VACATION_BY_APPROVAL_TIME: &str =
    "/AttendanceOpen/api/v1/Vacation/GetVacationInfoByApprovalTime";

/// One leave request (休假).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Vacation {
    /// The request's id (GUID).
    pub vacation_id: String,
    /// Who.
    #[serde(rename = "userID")]
    pub user_id: UserId,
    /// Leave type id.
    #[serde(default)]
    pub o_id_vacation_type: Option<Value>,
    /// Leave type name.
    #[serde(default)]
    pub vacation_item_name: Option<String>,
    /// Leave type code.
    #[serde(default)]
    pub vacation_item_code: Option<String>,
    /// 1 leave, 2 cancellation.
    #[serde(default)]
    pub document_type: Option<i64>,
    /// Approval state, in the attendance API's own coding (1 通过; not
    /// CoreHR's [`ApprovalStatus`](crate::enums::ApprovalStatus)). A value
    /// that is neither a code nor a known label reads as `None`.
    #[serde(default, deserialize_with = "crate::enums::lenient_vacation_status")]
    pub approve_status: Option<VacationApproveStatus>,
    /// `"1"` for a cancellation.
    #[serde(default)]
    pub is_cancel: Option<String>,
    /// Minutes; negative for cancellations.
    #[serde(default)]
    pub vacation_duration: Option<f64>,
    /// Start.
    #[serde(default, with = "civil_time::option")]
    pub vacation_start_date_time: Option<CivilDateTime>,
    /// Stop.
    #[serde(default, with = "civil_time::option")]
    pub vacation_stop_date_time: Option<CivilDateTime>,
    /// When approval completed.
    #[serde(default, with = "civil_time::option")]
    pub approve_complete_date_time: Option<CivilDateTime>,
    /// Reason.
    #[serde(default)]
    pub reason: Option<String>,
    /// Fields this crate does not model.
    #[serde(flatten)]
    pub extra: crate::custom::Extra,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct VacationPage {
    #[serde(default, deserialize_with = "null_as_empty")]
    vacation_list: Vec<Vacation>,
    #[serde(default)]
    total: Option<u64>,
    #[serde(default)]
    sort_cursor: Option<String>,
    #[serde(default)]
    is_last_page: Option<bool>,
}

/// Reads one page of [`VACATION_BY_APPROVAL_TIME`]: `code` 200 and a
/// `data` object, whose `vacationList` may be absent or `null` (none).
pub(crate) fn decode_page(resp: &Response) -> Result<CursorPage<Vacation>> {
    let env: Envelope<VacationPage> = Envelope::read_promised(resp, Promise::Object)?;
    let page = env.data.unwrap_or(VacationPage {
        vacation_list: Vec::new(),
        total: Some(0),
        sort_cursor: None,
        is_last_page: Some(true),
    });
    let is_last = page.is_last_page.unwrap_or(page.vacation_list.is_empty());
    Ok(CursorPage::new(page.vacation_list, page.sort_cursor, is_last).with_total(page.total))
}

/// The leave requests approved on one day (the API serves one day per call).
///
/// ```
/// let req = beisen_client::attendance::GetVacationsByApprovalTime::new(
///     chrono::NaiveDate::from_ymd_opt(2024, 3, 1).unwrap(),
/// );
/// assert_eq!(
///     serde_json::to_value(&req)?,
///     serde_json::json!({"approveStartDate":"2024-03-01","approveStopDate":"2024-03-01","pageSize":100})
/// );
/// # Ok::<(), serde_json::Error>(())
/// ```
#[doc(alias(
    "GetVacationInfoByApprovalTime",
    "Vacation/GetVacationInfoByApprovalTime",
    "根据审批通过时间获取休假数据"
))]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct GetVacationsByApprovalTime {
    /// The day, `2024-03-01`.
    pub approve_start_date: String,
    /// The same day.
    pub approve_stop_date: String,
    /// Approval state to list; all but "in approval" when absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub approve_status: Option<VacationApproveStatus>,
    /// The previous page's `sortCursor`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub query_cursor: Option<String>,
    /// Records per page, at most 100.
    pub page_size: u32,
}

impl GetVacationsByApprovalTime {
    /// The first page of `day`.
    pub fn new(day: NaiveDate) -> Self {
        let d = day.format("%Y-%m-%d").to_string();
        GetVacationsByApprovalTime {
            approve_start_date: d.clone(),
            approve_stop_date: d,
            approve_status: None,
            query_cursor: None,
            page_size: 100,
        }
    }

    /// Only this approval state, in the attendance API's own codes
    /// (`VacationApproveStatus::Approved` is 1), which are not CoreHR's.
    ///
    /// ```
    /// use beisen_client::attendance::GetVacationsByApprovalTime;
    /// use beisen_client::enums::VacationApproveStatus;
    /// let req = GetVacationsByApprovalTime::new(chrono::NaiveDate::from_ymd_opt(2024, 3, 1).unwrap())
    ///     .approve_status(VacationApproveStatus::Approved);
    /// assert_eq!(serde_json::to_value(&req)?["approveStatus"], 1);
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub fn approve_status(mut self, status: VacationApproveStatus) -> Self {
        self.approve_status = Some(status);
        self
    }

    /// Records per page, at most 100.
    pub fn page_size(mut self, n: u32) -> Self {
        self.page_size = n;
        self
    }

    /// Every page of the day, following `sortCursor` to `isLastPage`.
    pub fn pages(self, client: &BeisenClient) -> Pages<Vacation> {
        let client = client.clone();
        paging::cursor(move |cursor: Option<String>| {
            let client = client.clone();
            let mut req = self.clone();
            req.query_cursor = cursor;
            async move { endpoint::send(&client, &req, &CallOptions::new()).await }
        })
        .build()
    }
}

/// One page; the attendance endpoints share the limiter group
/// `"attendance"`.
impl Endpoint for GetVacationsByApprovalTime {
    type Client = BeisenClient;
    type Output = CursorPage<Vacation>;
    type Envelope = VacationPageReply;
    const PATH: &'static str = VACATION_BY_APPROVAL_TIME;
    const IDEMPOTENT: bool = true;

    fn group(&self) -> Cow<'static, str> {
        Cow::Borrowed("attendance")
    }

    /// Page size 1 to 100.
    fn validate(&self) -> Result<()> {
        if !(1..=100).contains(&self.page_size) {
            return Err(Error::invalid_request("pageSize", "must be 1 to 100"));
        }
        Ok(())
    }

    fn to_request(&self) -> Result<Request> {
        json_request(self)
    }
}
hr_common::impl_send!(GetVacationsByApprovalTime);

impl BeisenClient {
    /// Leave requests approved on the days `[first, stop)`, one day after
    /// another.
    pub fn vacations_approved_between(&self, first: NaiveDate, stop: NaiveDate) -> Pages<Vacation> {
        let client = self.clone();
        let days = first.iter_days().take_while(move |d| *d < stop);
        Pages::new(
            futures::stream::iter(days)
                .map(move |day| GetVacationsByApprovalTime::new(day).pages(&client))
                .flatten(),
        )
    }
}
