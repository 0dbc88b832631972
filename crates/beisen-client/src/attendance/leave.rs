//! Leave requests by start day and leave balances: the two attendance
//! reads the PHP SDK has.
//!
//! Sources: chinayin/italent-openapi-sdk-php
//! `src/Api/AttendanceOpen/Vacation.php` (`getListByDate`: `day`,
//! `queryCursor`, `pageSize`; reads `data.vacationList`, `data.total`,
//! `data.sortCursor`) and `VacationRemain.php` (`getVacationRemainList`:
//! reads `data.vacationRemainList`); the field tables of fxp/skillify
//! `skills/beisen/references/attendance.md` §2–3 (request fields, the
//! record fields, `pageSize` ≤ 100, `vacationItemCode` required although
//! the vendor's example omits it: it is sent).
//!
//! The vendor's table and example disagree on `vacationType`,
//! `documentType` and `approveStatus` (a GUID or code in the table, `"病假"`,
//! `"请假"`, `"通过"` in the example): the first two are read as text
//! either way, the status as a code or a known label.

use std::borrow::Cow;

use chrono::NaiveDate;
use hr_common::civil_time::{self, CivilDateTime};
use hr_common::endpoint::{self, Endpoint, json_request};
use hr_common::paging::{self, CursorPage, Pages};
use hr_common::transport::{CallOptions, Request, Response};
use hr_common::{Error, Result};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::trips::{lenient_user_id, text_or_number};
use crate::BeisenClient;
use crate::enums::VacationApproveStatus;
use crate::envelope::{Envelope, Promise, null_as_empty};
use crate::ids::UserId;

/// `POST /AttendanceOpen/api/v1/Vacation/GetListByDate`.
pub const VACATION_GET_LIST_BY_DATE: &str = "/AttendanceOpen/api/v1/Vacation/GetListByDate";
/// `POST /AttendanceOpen/api/v1/VacationRemain/GetVacationRemainList`.
pub const VACATION_REMAIN_GET_LIST: &str =
    "/AttendanceOpen/api/v1/VacationRemain/GetVacationRemainList";

/// One leave request as `Vacation/GetListByDate` lists it.
///
/// ```
/// let v: beisen_client::attendance::VacationByDate = serde_json::from_value(serde_json::json!({
///     "vacationId": "c1…", "staffId": 100000007, "vacationType": "病假",
///     "documentType": "请假", "approveStatus": "通过", "vacationDuration": 270,
///     "dayValueOfDuration": 0.5, "vacationStartDateTime": "2020-11-11 09:00:00"
/// }))?;
/// assert_eq!(v.approve_status, Some(beisen_client::enums::VacationApproveStatus::Approved));
/// assert_eq!(v.vacation_type.as_deref(), Some("病假"));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct VacationByDate {
    /// The request's id.
    #[serde(default)]
    pub vacation_id: Option<String>,
    /// Who (`staffId`).
    #[serde(default, deserialize_with = "lenient_user_id")]
    pub staff_id: Option<UserId>,
    /// Their e-mail.
    #[serde(default)]
    pub staff_email: Option<String>,
    /// Attendance organisation.
    #[serde(default, deserialize_with = "text_or_number")]
    pub attendance_org: Option<String>,
    /// Leave type: its GUID, or its name (`"病假"`).
    #[serde(default, deserialize_with = "text_or_number")]
    pub vacation_type: Option<String>,
    /// Start.
    #[serde(default, with = "civil_time::option")]
    pub vacation_start_date_time: Option<CivilDateTime>,
    /// Stop.
    #[serde(default, with = "civil_time::option")]
    pub vacation_stop_date_time: Option<CivilDateTime>,
    /// Minutes.
    #[serde(default)]
    pub vacation_duration: Option<f64>,
    /// Days.
    #[serde(default)]
    pub day_value_of_duration: Option<f64>,
    /// As shown (`"0.5天"`).
    #[serde(default)]
    pub vacation_duration_include_unit: Option<String>,
    /// Leave or cancellation: a code (`"1"`) or a label (`"请假"`).
    #[serde(default, deserialize_with = "text_or_number")]
    pub document_type: Option<String>,
    /// Approval state in the attendance API's coding.
    #[serde(default, deserialize_with = "crate::enums::lenient_vacation_status")]
    pub approve_status: Option<VacationApproveStatus>,
    /// Who applied.
    #[serde(default, deserialize_with = "text_or_number")]
    pub applicant: Option<String>,
    /// Reason.
    #[serde(default)]
    pub reason: Option<String>,
    /// Fields this crate does not model.
    #[serde(flatten)]
    pub extra: crate::custom::Extra,
}

/// One person's balance of one leave type (`VacationRemain/GetVacationRemainList`).
/// The unit (days or hours) follows the leave type's settings.
///
/// ```
/// let r: beisen_client::attendance::VacationRemain = serde_json::from_value(serde_json::json!({
///     "userId": 100000007, "year": "2024", "vacationTypeName": "年假",
///     "currentYearLimit": 10, "currentYearRemain": 6.5, "transferStatus": "未结转"
/// }))?;
/// assert_eq!(r.current_year_remain, Some(6.5));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct VacationRemain {
    /// Who.
    #[serde(default, deserialize_with = "lenient_user_id")]
    pub user_id: Option<UserId>,
    /// Their name.
    #[serde(default)]
    pub user_name: Option<String>,
    /// Their e-mail.
    #[serde(default)]
    pub user_email: Option<String>,
    /// The year (a string in the vendor's table).
    #[serde(default, deserialize_with = "text_or_number")]
    pub year: Option<String>,
    /// Leave type.
    #[serde(default)]
    pub vacation_type_name: Option<String>,
    /// 本年额度.
    #[serde(default)]
    pub current_year_limit: Option<f64>,
    /// 本年余额.
    #[serde(default)]
    pub current_year_remain: Option<f64>,
    /// 上年结余额度.
    #[serde(default)]
    pub last_year_surplus_limit: Option<f64>,
    /// 上年结余余额.
    #[serde(default)]
    pub last_year_surplus_remain: Option<f64>,
    /// 本年总额度.
    #[serde(default)]
    pub current_year_total_limit: Option<f64>,
    /// 本年总余额.
    #[serde(default)]
    pub current_year_total_remain: Option<f64>,
    /// 结转状态 (`"未结转"`).
    #[serde(default)]
    pub transfer_status: Option<String>,
    /// When this year's balance takes effect.
    #[serde(default, with = "civil_time::option")]
    pub current_year_effective_date: Option<CivilDateTime>,
    /// When last year's surplus takes effect.
    #[serde(default, with = "civil_time::option")]
    pub last_year_surplus_effective_date: Option<CivilDateTime>,
    /// Fields this crate does not model.
    #[serde(flatten)]
    pub extra: crate::custom::Extra,
}

/// A cursor page's `data`, its list under `vacationList` or
/// `vacationRemainList`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Page<T> {
    #[serde(
        default = "Vec::new",
        alias = "vacationList",
        alias = "vacationRemainList",
        deserialize_with = "null_as_empty",
        bound(deserialize = "T: Deserialize<'de>")
    )]
    list: Vec<T>,
    #[serde(default)]
    total: Option<u64>,
    #[serde(default)]
    sort_cursor: Option<String>,
    #[serde(default)]
    is_last_page: Option<bool>,
}

/// One cursor page: `code` 200 and a `data` object (a success without it
/// is an error, never an empty page).
fn decode_page<T: DeserializeOwned>(resp: &Response) -> Result<CursorPage<T>> {
    let env: Envelope<Page<T>> = Envelope::read_promised(resp, Promise::Object)?;
    let page = env.data.unwrap_or(Page {
        list: Vec::new(),
        total: Some(0),
        sort_cursor: None,
        is_last_page: Some(true),
    });
    let is_last = page.is_last_page.unwrap_or(page.list.is_empty());
    Ok(CursorPage::new(page.list, page.sort_cursor, is_last).with_total(page.total))
}

/// The reply of [`GetVacationsByDate`] and [`GetVacationRemainList`]:
/// `code` 200 and a `data` page object (`vacationList` or
/// `vacationRemainList`, `total`, `sortCursor`, `isLastPage`).
#[derive(Debug)]
pub enum LeavePageReply {}

impl<T: DeserializeOwned> endpoint::Envelope<CursorPage<T>> for LeavePageReply {
    fn decode(response: &Response) -> Result<CursorPage<T>> {
        decode_page(response)
    }
}

fn check_page_size(n: u32) -> Result<()> {
    if !(1..=100).contains(&n) {
        return Err(Error::invalid_request("pageSize", "must be 1 to 100"));
    }
    Ok(())
}

/// Leave requests that start on one day (获取休假数据), one cursor page per call.
///
/// ```
/// let req = beisen_client::attendance::GetVacationsByDate::new(
///     chrono::NaiveDate::from_ymd_opt(2020, 11, 11).unwrap(),
/// );
/// assert_eq!(serde_json::to_value(&req)?, serde_json::json!({"day": "2020-11-11", "pageSize": 100}));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[doc(alias("GetListByDate", "Vacation/GetListByDate", "获取休假数据"))]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct GetVacationsByDate {
    /// The start day, `2020-11-11`.
    pub day: String,
    /// The previous page's `sortCursor`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub query_cursor: Option<String>,
    /// Records per page, at most 100.
    pub page_size: u32,
}

impl GetVacationsByDate {
    /// The first page of the leave requests starting on `day`.
    pub fn new(day: NaiveDate) -> Self {
        GetVacationsByDate {
            day: day.format("%Y-%m-%d").to_string(),
            query_cursor: None,
            page_size: 100,
        }
    }

    /// Records per page, 1 to 100.
    pub fn page_size(mut self, n: u32) -> Self {
        self.page_size = n;
        self
    }

    /// Continue after the page that answered `cursor` (`sortCursor`).
    pub fn query_cursor(mut self, cursor: impl Into<String>) -> Self {
        self.query_cursor = Some(cursor.into());
        self
    }

    /// Every page of the day, following `sortCursor` to `isLastPage`.
    pub fn pages(self, client: &BeisenClient) -> Pages<VacationByDate> {
        let client = client.clone();
        let first = self.query_cursor.clone();
        let mut builder = paging::cursor(move |cursor: Option<String>| {
            let client = client.clone();
            let mut req = self.clone();
            req.query_cursor = cursor;
            async move { endpoint::send(&client, &req, &CallOptions::new()).await }
        });
        if let Some(c) = first {
            builder = builder.initial_cursor(c);
        }
        builder.build()
    }
}

/// One page; limiter group `"attendance"`.
impl Endpoint for GetVacationsByDate {
    type Client = BeisenClient;
    type Output = CursorPage<VacationByDate>;
    type Envelope = LeavePageReply;
    const PATH: &'static str = VACATION_GET_LIST_BY_DATE;
    const IDEMPOTENT: bool = true;

    fn group(&self) -> Cow<'static, str> {
        Cow::Borrowed("attendance")
    }

    /// Page size 1 to 100.
    fn validate(&self) -> Result<()> {
        check_page_size(self.page_size)
    }

    fn to_request(&self) -> Result<Request> {
        json_request(self)
    }
}
hr_common::impl_send!(GetVacationsByDate);

/// Leave balances of one leave type (获取假期余额数据), one cursor page per call.
///
/// ```
/// let req = beisen_client::attendance::GetVacationRemainList::new("AnnualLeave").year(2024);
/// assert_eq!(serde_json::to_value(&req)?,
///     serde_json::json!({"vacationItemCode": "AnnualLeave", "year": 2024, "pageSize": 100}));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[doc(alias("VacationRemain/GetVacationRemainList", "获取假期余额数据"))]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct GetVacationRemainList {
    /// The leave type's code (`"AnnualLeave"`, `"AdjustLeave"`).
    pub vacation_item_code: String,
    /// The year; the current one when absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub year: Option<i32>,
    /// The previous page's `sortCursor`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub query_cursor: Option<String>,
    /// Records per page, at most 100.
    pub page_size: u32,
}

impl GetVacationRemainList {
    /// The first page of the balances of leave type `vacation_item_code`.
    pub fn new(vacation_item_code: impl Into<String>) -> Self {
        GetVacationRemainList {
            vacation_item_code: vacation_item_code.into(),
            year: None,
            query_cursor: None,
            page_size: 100,
        }
    }

    /// The year's balances.
    pub fn year(mut self, year: impl Into<i32>) -> Self {
        self.year = Some(year.into());
        self
    }

    /// Records per page, 1 to 100.
    pub fn page_size(mut self, n: u32) -> Self {
        self.page_size = n;
        self
    }

    /// Every page, following `sortCursor` to `isLastPage`.
    pub fn pages(self, client: &BeisenClient) -> Pages<VacationRemain> {
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

/// One page; limiter group `"attendance"`.
impl Endpoint for GetVacationRemainList {
    type Client = BeisenClient;
    type Output = CursorPage<VacationRemain>;
    type Envelope = LeavePageReply;
    const PATH: &'static str = VACATION_REMAIN_GET_LIST;
    const IDEMPOTENT: bool = true;

    fn group(&self) -> Cow<'static, str> {
        Cow::Borrowed("attendance")
    }

    /// `vacationItemCode` given, page size 1 to 100.
    fn validate(&self) -> Result<()> {
        if self.vacation_item_code.trim().is_empty() {
            return Err(Error::invalid_request(
                "vacationItemCode",
                "the leave type's code is required",
            ));
        }
        check_page_size(self.page_size)
    }

    fn to_request(&self) -> Result<Request> {
        json_request(self)
    }
}
hr_common::impl_send!(GetVacationRemainList);
