//! Writing business trips back to attendance (`Business`, `Business/Remove`)
//! and following the asynchronous job they start
//! (`GET /OpenPlatform/api/AsyncApiExecInfo/GetByRequestId`).
//!
//! A push answers `{"Code":200,"Message":null}` once the request passed the
//! basic checks; whether the trips were stored is known only from the job
//! the `X-PAAS-Request-ID` response header names, whose `state` is
//! `Running`, `PartialSuccess`, `AllSuccess`, `Fail` or `Overtime`.
//! [`PushBusinessTrips::submit_and_wait`] does both in one `await`, polling
//! with backoff until the job is over or a deadline passes.
//!
//! Sources: yxd9485/OpenApi `openapi-plugin-customize/…/zhiou`
//! (`ZhiouConstant`: the three paths and the header;
//! `BeisenParamDTO`: `{BusinessList, IdentityType, ErrorEmail}`;
//! `BeisenAttendancePushDTO`: the record's fields;
//! `BeiSenAttendanceServiceImpl`: `Code` an integer, the job read as
//! `code` `"200"` and `data.state`; `BeisenResponseCodeEnum`);
//! fxp/skillify `skills/beisen/references/auth-and-conventions.md` §7 (the
//! status endpoint: `requestId` in the query, the five states, `Overtime`
//! is not a failure of the write, poll no faster than the limit of 50/s and
//! 1000/min allows) and `attendance.md` §6 (`Code` 200 成功, 206 部分成功,
//! or the schema's `Succeed`/`PartSucceed`).
//!
//! Both writes are sent once: they are not idempotent, so a failure after
//! the request may have arrived is returned, never repeated (a repeated
//! push could store a trip twice). The polls are reads and are retried.

use std::borrow::Cow;
use std::fmt;
use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::time::Duration;

use chrono::NaiveDateTime;
use hr_common::endpoint::pascal::{self, PascalReply};
use hr_common::endpoint::{self as ep, Endpoint, json_request};
use hr_common::error::TransportErrorKind;
use hr_common::transport::{CallOptions, Request, Response};
use hr_common::{Error, Result};
use reqwest::Method;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

use crate::BeisenClient;
use crate::envelope::{Envelope, Promise, SERVICE};
use crate::ids::UserId;

/// `POST /AttendanceOpen/api/v1/Business`: receive business trips (接收出差数据).
pub const BUSINESS_PUSH: &str = "/AttendanceOpen/api/v1/Business";
/// `POST /AttendanceOpen/api/v1/Business/Remove`: remove pushed trips (删除推送错误的出差数据).
pub const BUSINESS_REMOVE: &str = "/AttendanceOpen/api/v1/Business/Remove";
/// `GET /OpenPlatform/api/AsyncApiExecInfo/GetByRequestId?requestId=`: the
/// state of an asynchronous write.
pub const ASYNC_JOB_STATE: &str = "/OpenPlatform/api/AsyncApiExecInfo/GetByRequestId";

/// The response header that names an asynchronous write's job.
const REQUEST_ID_HEADER: &str = "x-paas-request-id";

/// Most trips in one push (the attendance pushes take at most 1,000 records).
const MAX_RECORDS: usize = 1_000;

/// One business trip to write back: who, when, and optionally where.
///
/// ```
/// use beisen_client::attendance::BusinessTripRecord;
/// use beisen_client::UserId;
/// let at = |d, h| chrono::NaiveDate::from_ymd_opt(2024, 3, d).unwrap().and_hms_opt(h, 0, 0).unwrap();
/// let trip = BusinessTripRecord::new(UserId(100000007), at(4, 9), at(6, 18))
///     .staff_name("张三")
///     .departure_place("上海")
///     .destination("北京")
///     .business_vehicle("飞机");
/// assert_eq!(serde_json::to_value(&trip)?, serde_json::json!({
///     "StaffId": "100000007", "StaffName": "张三",
///     "StartDateTime": "2024-03-04 09:00:00", "StopDateTime": "2024-03-06 18:00:00",
///     "DeparturePlace": "上海", "Destination": "北京", "BusinessVehicle": "飞机"}));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct BusinessTripRecord {
    /// The traveller's `UserId`, sent as a string as the source does.
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "user_id_as_string"
    )]
    pub staff_id: Option<UserId>,
    /// The traveller's name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub staff_name: Option<String>,
    /// The traveller's e-mail, instead of or besides `StaffId`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub staff_email: Option<String>,
    /// Start, `2024-03-04 09:00:00`.
    pub start_date_time: String,
    /// End.
    pub stop_date_time: String,
    /// 交通工具.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub business_vehicle: Option<String>,
    /// 出发地.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub departure_place: Option<String>,
    /// 目的地.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub destination: Option<String>,
    /// 工作地址.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    /// 备注.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remark: Option<String>,
    /// 出差事由.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Fellow travellers' ids.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub together_staff_ids: Vec<String>,
    /// Fellow travellers' e-mails.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub together_staff_emails: Vec<String>,
}

fn user_id_as_string<S: Serializer>(
    id: &Option<UserId>,
    s: S,
) -> std::result::Result<S::Ok, S::Error> {
    match id {
        Some(id) => s.serialize_str(&id.get().to_string()),
        None => s.serialize_none(),
    }
}

fn spaced(t: NaiveDateTime) -> String {
    t.format("%Y-%m-%d %H:%M:%S").to_string()
}

macro_rules! opt_setters {
    ($($(#[$doc:meta])* $name:ident),+ $(,)?) => {$(
        $(#[$doc])*
        pub fn $name(mut self, value: impl Into<String>) -> Self {
            self.$name = Some(value.into());
            self
        }
    )+};
}

impl BusinessTripRecord {
    /// A trip of `staff` from `start` to `stop`.
    pub fn new(staff: UserId, start: NaiveDateTime, stop: NaiveDateTime) -> Self {
        BusinessTripRecord {
            staff_id: Some(staff),
            staff_name: None,
            staff_email: None,
            start_date_time: spaced(start),
            stop_date_time: spaced(stop),
            business_vehicle: None,
            departure_place: None,
            destination: None,
            address: None,
            remark: None,
            reason: None,
            together_staff_ids: Vec::new(),
            together_staff_emails: Vec::new(),
        }
    }

    /// A trip of the person with e-mail `email` (no `StaffId`).
    ///
    /// ```
    /// let at = chrono::NaiveDate::from_ymd_opt(2024, 3, 4).unwrap().and_hms_opt(9, 0, 0).unwrap();
    /// let trip = beisen_client::attendance::BusinessTripRecord::by_email("zhang.san@corp.example.com", at, at);
    /// assert!(trip.staff_id.is_none());
    /// ```
    pub fn by_email(email: impl Into<String>, start: NaiveDateTime, stop: NaiveDateTime) -> Self {
        let mut r = Self::new(UserId(0), start, stop);
        r.staff_id = None;
        r.staff_email = Some(email.into());
        r
    }

    opt_setters!(
        /// The traveller's name (`StaffName`).
        staff_name,
        /// The traveller's e-mail (`StaffEmail`).
        staff_email,
        /// 交通工具 (`BusinessVehicle`).
        business_vehicle,
        /// 出发地 (`DeparturePlace`).
        departure_place,
        /// 目的地 (`Destination`).
        destination,
        /// 工作地址 (`Address`).
        address,
        /// 备注 (`Remark`).
        remark,
        /// 出差事由 (`Reason`).
        reason,
    );

    /// Fellow travellers by id (`TogetherStaffIds`).
    pub fn together_staff_ids(mut self, ids: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.together_staff_ids = ids.into_iter().map(Into::into).collect();
        self
    }

    /// Fellow travellers by e-mail (`TogetherStaffEmails`).
    pub fn together_staff_emails(
        mut self,
        emails: impl IntoIterator<Item = impl Into<String>>,
    ) -> Self {
        self.together_staff_emails = emails.into_iter().map(Into::into).collect();
        self
    }
}

fn check_records(records: &[BusinessTripRecord]) -> Result<()> {
    if records.is_empty() {
        return Err(Error::invalid_request("BusinessList", "at least one trip"));
    }
    if records.len() > MAX_RECORDS {
        return Err(Error::invalid_request(
            "BusinessList",
            format!("at most {MAX_RECORDS} trips a call, not {}", records.len()),
        ));
    }
    for (i, r) in records.iter().enumerate() {
        if r.staff_id.is_none() && r.staff_email.as_deref().is_none_or(|e| e.trim().is_empty()) {
            return Err(Error::invalid_request(
                format!("BusinessList[{i}]"),
                "a trip needs StaffId or StaffEmail",
            ));
        }
        if r.stop_date_time < r.start_date_time {
            return Err(Error::invalid_request(
                format!("BusinessList[{i}].StopDateTime"),
                "ends before it starts",
            ));
        }
    }
    Ok(())
}

/// What a push or removal returned: the job to follow and the vendor's
/// acknowledgement.
///
/// ```
/// let s = beisen_client::attendance::AsyncSubmission::new(Some("9f1c…".into()), "200");
/// assert_eq!(s.request_id.as_deref(), Some("9f1c…"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct AsyncSubmission {
    /// `X-PAAS-Request-ID`: the job's id for [`GetAsyncJobState`]. `None`
    /// if the reply lacked the header (the write may still have been
    /// accepted).
    pub request_id: Option<String>,
    /// `Code` as text (`"200"`, or `"206"` when only part was accepted).
    pub code: String,
    /// `Message`, if any.
    pub message: Option<String>,
}

impl AsyncSubmission {
    /// A submission from its parts.
    pub fn new(request_id: Option<String>, code: impl Into<String>) -> Self {
        AsyncSubmission {
            request_id,
            code: code.into(),
            message: None,
        }
    }
}

/// The reply of [`PushBusinessTrips`] and [`RemoveBusinessTrips`]: the
/// PascalCase acknowledgement (`Code` 200, 206 or `Succeed`/`PartSucceed`;
/// any other code is [`Error::Api`]) and the `X-PAAS-Request-ID` header.
#[derive(Debug)]
pub enum SubmissionReply {}

/// The push's success codes: the vendor's 200 and 206 (part accepted), or
/// the schema's names for them.
enum PushCodes {}

impl pascal::PascalVendor for PushCodes {
    const SERVICE: &'static str = SERVICE;
    fn is_success(code: &str) -> bool {
        matches!(code, "200" | "206")
            || code.eq_ignore_ascii_case("Succeed")
            || code.eq_ignore_ascii_case("PartSucceed")
    }
}

impl ep::Envelope<AsyncSubmission> for SubmissionReply {
    fn decode(response: &Response) -> Result<AsyncSubmission> {
        let ack: PascalReply<Value> = pascal::read::<PushCodes, Value>(response)?;
        let request_id = response
            .headers()
            .get(REQUEST_ID_HEADER)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned);
        Ok(AsyncSubmission {
            request_id,
            code: ack.code,
            message: ack.message,
        })
    }
}

macro_rules! trip_write {
    ($name:ident, $path:expr, $alias:literal, $(#[$doc:meta])*) => {
        $(#[$doc])*
        #[doc(alias = $alias)]
        #[derive(Debug, Clone, PartialEq, Serialize)]
        #[serde(rename_all = "PascalCase")]
        #[non_exhaustive]
        pub struct $name {
            /// The trips (at most 1,000).
            pub business_list: Vec<BusinessTripRecord>,
            /// `IdentityType` (主键类型): how `StaffId` is read; the source
            /// sends 1.
            #[serde(skip_serializing_if = "Option::is_none")]
            pub identity_type: Option<i64>,
        }

        impl $name {
            /// The request for `trips`.
            pub fn new(trips: impl IntoIterator<Item = BusinessTripRecord>) -> Self {
                $name {
                    business_list: trips.into_iter().collect(),
                    identity_type: None,
                }
            }

            /// `IdentityType` (the source sends 1).
            pub fn identity_type(mut self, t: impl Into<i64>) -> Self {
                self.identity_type = Some(t.into());
                self
            }

            /// Sends the request once and waits for its job: see [`AsyncWrite`].
            pub fn submit_and_wait(self, client: &BeisenClient) -> AsyncWrite<'_, Self> {
                AsyncWrite::new(client, self)
            }
        }

        /// One call, sent once (a write); limiter group `"attendance"`.
        impl Endpoint for $name {
            type Client = BeisenClient;
            type Output = AsyncSubmission;
            type Envelope = SubmissionReply;
            const PATH: &'static str = $path;
            const IDEMPOTENT: bool = false;

            fn group(&self) -> Cow<'static, str> {
                Cow::Borrowed("attendance")
            }

            /// 1 to 1,000 trips, each with `StaffId` or `StaffEmail`, none
            /// ending before it starts.
            fn validate(&self) -> Result<()> {
                check_records(&self.business_list)
            }

            fn to_request(&self) -> Result<Request> {
                json_request(self)
            }
        }
        hr_common::impl_send!($name);
    };
}

trip_write!(
    PushBusinessTrips,
    BUSINESS_PUSH,
    "Business",
    /// Writes business trips booked elsewhere into attendance (接收出差数据).
    /// Asynchronous: `send` returns the job's id; see
    /// [`submit_and_wait`](PushBusinessTrips::submit_and_wait).
    ///
    /// ```
    /// use beisen_client::attendance::{BusinessTripRecord, PushBusinessTrips};
    /// let at = |d| chrono::NaiveDate::from_ymd_opt(2024, 3, d).unwrap().and_hms_opt(9, 0, 0).unwrap();
    /// let req = PushBusinessTrips::new([BusinessTripRecord::new(beisen_client::UserId(7), at(4), at(6))])
    ///     .identity_type(1);
    /// let body = serde_json::to_value(&req)?;
    /// assert_eq!(body["IdentityType"], 1);
    /// assert_eq!(body["BusinessList"][0]["StaffId"], "7");
    /// # Ok::<(), serde_json::Error>(())
    /// ```
);

trip_write!(
    RemoveBusinessTrips,
    BUSINESS_REMOVE,
    "Business/Remove",
    /// Removes business trips written by [`PushBusinessTrips`] (删除推送错误的
    /// 出差数据), matched by traveller and times. Asynchronous, like the push.
    ///
    /// ```
    /// use beisen_client::attendance::{BusinessTripRecord, RemoveBusinessTrips};
    /// let at = |d| chrono::NaiveDate::from_ymd_opt(2024, 3, d).unwrap().and_hms_opt(9, 0, 0).unwrap();
    /// let req = RemoveBusinessTrips::new([BusinessTripRecord::new(beisen_client::UserId(7), at(4), at(6))]);
    /// assert_eq!(serde_json::to_value(&req)?["BusinessList"][0]["StartDateTime"], "2024-03-04 09:00:00");
    /// # Ok::<(), serde_json::Error>(())
    /// ```
);

/// The state of an asynchronous job.
///
/// ```
/// use beisen_client::attendance::AsyncJobState;
/// let s: AsyncJobState = serde_json::from_str(r#""AllSuccess""#)?;
/// assert!(s.is_over() && s == AsyncJobState::AllSuccess);
/// assert_eq!(serde_json::from_str::<AsyncJobState>(r#""Queued""#)?, AsyncJobState::Unknown("Queued".into()));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AsyncJobState {
    /// 执行中.
    Running,
    /// 部分成功: read the job's `message`.
    PartialSuccess,
    /// 全部成功.
    AllSuccess,
    /// 失败: read the job's `message`.
    Fail,
    /// 超时: the vendor stopped tracking the job; it may still complete.
    Overtime,
    /// A state this crate does not know, as sent.
    Unknown(String),
}

impl AsyncJobState {
    /// The vendor's name of the state.
    pub fn as_str(&self) -> &str {
        match self {
            AsyncJobState::Running => "Running",
            AsyncJobState::PartialSuccess => "PartialSuccess",
            AsyncJobState::AllSuccess => "AllSuccess",
            AsyncJobState::Fail => "Fail",
            AsyncJobState::Overtime => "Overtime",
            AsyncJobState::Unknown(s) => s,
        }
    }

    /// Whether the job will not change any more (an unknown state counts
    /// as over: polling it on could never end).
    pub fn is_over(&self) -> bool {
        !matches!(self, AsyncJobState::Running)
    }
}

impl fmt::Display for AsyncJobState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for AsyncJobState {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for AsyncJobState {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let raw = match Value::deserialize(d)? {
            Value::String(s) => s,
            Value::Number(n) => n.to_string(),
            other => {
                return Err(serde::de::Error::custom(format!(
                    "state must be a string, not {other}"
                )));
            }
        };
        let known = [
            AsyncJobState::Running,
            AsyncJobState::PartialSuccess,
            AsyncJobState::AllSuccess,
            AsyncJobState::Fail,
            AsyncJobState::Overtime,
        ];
        Ok(known
            .into_iter()
            .find(|k| k.as_str().eq_ignore_ascii_case(raw.trim()))
            .unwrap_or(AsyncJobState::Unknown(raw)))
    }
}

/// An asynchronous job as `AsyncApiExecInfo/GetByRequestId` reports it.
///
/// ```
/// let job: beisen_client::attendance::AsyncJob = serde_json::from_value(serde_json::json!({
///     "state": "PartialSuccess", "message": "第2行：员工不存在", "progress": null}))?;
/// assert_eq!(job.message.as_deref(), Some("第2行：员工不存在"));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct AsyncJob {
    /// `state`.
    #[serde(alias = "State")]
    pub state: AsyncJobState,
    /// `message`: what failed, for `PartialSuccess` and `Fail`.
    #[serde(default, alias = "Message")]
    pub message: Option<String>,
    /// `progress` (reserved by the vendor).
    #[serde(default, alias = "Progress")]
    pub progress: Option<Value>,
    /// Fields this crate does not model.
    #[serde(flatten)]
    pub extra: crate::custom::Extra,
}

/// The reply of [`GetAsyncJobState`]: `code` 200 and a `data` object (in
/// either casing).
#[derive(Debug)]
pub enum AsyncJobReply {}

impl ep::Envelope<AsyncJob> for AsyncJobReply {
    fn decode(response: &Response) -> Result<AsyncJob> {
        let env: Envelope<AsyncJob> = Envelope::read_promised(response, Promise::Object)?;
        env.data.ok_or_else(|| {
            Error::decode_at("data", "a success without the job", response.body())
                .with_service(SERVICE)
        })
    }
}

/// The state of the asynchronous job a write's `X-PAAS-Request-ID` names
/// (根据请求ID查询业务异步接口的任务处理状态). A `GET` with `requestId` in
/// the query; a read, retried.
///
/// ```
/// use hr_common::endpoint::Endpoint;
/// let req = beisen_client::attendance::GetAsyncJobState::new("9f1c2e4a-…");
/// let http = req.to_request()?;
/// assert_eq!((http.method().as_str(), http.path()), ("GET", "/OpenPlatform/api/AsyncApiExecInfo/GetByRequestId"));
/// # Ok::<(), hr_common::Error>(())
/// ```
#[doc(alias(
    "GetByRequestId",
    "AsyncApiExecInfo/GetByRequestId",
    "X-PAAS-Request-ID"
))]
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct GetAsyncJobState {
    /// The write's `X-PAAS-Request-ID`.
    pub request_id: String,
}

impl GetAsyncJobState {
    /// The job of the write that answered `request_id`.
    pub fn new(request_id: impl Into<String>) -> Self {
        GetAsyncJobState {
            request_id: request_id.into(),
        }
    }
}

/// One poll; limiter group: the path (the platform's own limit).
impl Endpoint for GetAsyncJobState {
    type Client = BeisenClient;
    type Output = AsyncJob;
    type Envelope = AsyncJobReply;
    const METHOD: Method = Method::GET;
    const PATH: &'static str = ASYNC_JOB_STATE;
    const IDEMPOTENT: bool = true;

    /// A non-empty `requestId`.
    fn validate(&self) -> Result<()> {
        if self.request_id.trim().is_empty() {
            return Err(Error::invalid_request("requestId", "must not be empty"));
        }
        Ok(())
    }

    fn to_request(&self) -> Result<Request> {
        Ok(Request::new(Method::GET, Self::PATH).query("requestId", self.request_id.trim()))
    }
}
hr_common::impl_send!(GetAsyncJobState);

/// The shortest wait between two polls, whatever
/// [`AsyncWrite::poll_interval`] says: the vendor warns that polling too
/// fast exhausts the limit and then no poll gets through.
pub const MIN_POLL_INTERVAL: Duration = Duration::from_millis(200);

/// A write sent once and its job followed to the end, in one `await`.
///
/// Sends the write (once: it is not idempotent), reads the job id from
/// `X-PAAS-Request-ID`, then polls [`GetAsyncJobState`] with growing waits
/// until the job is over:
///
/// | job state | result |
/// |---|---|
/// | `AllSuccess` | `Ok(AsyncJob)` |
/// | `PartialSuccess`, `Fail` | [`Error::Api`] with the state as the code and the job's `message` |
/// | `Overtime`, or still `Running` at the [`deadline`](AsyncWrite::deadline) | [`Error::Transport`] of kind `Deadline`: the outcome is unknown |
/// | an unknown state | [`Error::Api`] with that state |
///
/// Every error after the write was accepted names the job id, so the job
/// can be looked up later with [`GetAsyncJobState`]: as
/// [`Error::request_id`] on vendor errors, in the message on the others. A
/// reply without the header is an error that says the write may have been
/// accepted.
///
/// ```no_run
/// # async fn run(client: &beisen_client::BeisenClient) -> beisen_client::Result<()> {
/// use beisen_client::attendance::{BusinessTripRecord, PushBusinessTrips};
/// use std::time::Duration;
/// let at = |d| chrono::NaiveDate::from_ymd_opt(2024, 3, d).unwrap().and_hms_opt(9, 0, 0).unwrap();
/// let job = PushBusinessTrips::new([BusinessTripRecord::new(beisen_client::UserId(7), at(4), at(6))])
///     .submit_and_wait(client)
///     .deadline(Duration::from_secs(120))
///     .await?;
/// assert!(job.state.is_over());
/// # Ok(()) }
/// ```
#[must_use = "an asynchronous write does nothing until awaited"]
pub struct AsyncWrite<'a, W> {
    client: &'a BeisenClient,
    write: W,
    first_poll: Duration,
    max_poll: Duration,
    deadline: Duration,
}

impl<'a, W> AsyncWrite<'a, W>
where
    W: Endpoint<Client = BeisenClient, Output = AsyncSubmission> + Send + Sync + 'a,
{
    fn new(client: &'a BeisenClient, write: W) -> Self {
        AsyncWrite {
            client,
            write,
            first_poll: Duration::from_secs(1),
            max_poll: Duration::from_secs(10),
            deadline: Duration::from_secs(10 * 60),
        }
    }

    /// Wait before the first poll (default 1 s, at least
    /// [`MIN_POLL_INTERVAL`]); each later wait grows by half, up to
    /// [`max_poll_interval`](Self::max_poll_interval).
    pub fn poll_interval(mut self, first: Duration) -> Self {
        self.first_poll = first.max(MIN_POLL_INTERVAL);
        self
    }

    /// Longest wait between polls (default 10 s, at least [`MIN_POLL_INTERVAL`]).
    pub fn max_poll_interval(mut self, max: Duration) -> Self {
        self.max_poll = max.max(MIN_POLL_INTERVAL);
        self
    }

    /// How long the whole call, write and polls, may take (default 10
    /// minutes).
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = deadline;
        self
    }

    async fn run(self) -> Result<AsyncJob> {
        let started = tokio::time::Instant::now();
        let submission = ep::send(
            self.client,
            &self.write,
            &CallOptions::new().deadline(self.deadline),
        )
        .await?;
        let Some(id) = submission.request_id else {
            return Err(Error::decode_at(
                "X-PAAS-Request-ID",
                format!(
                    "{} answered `Code` {} without the X-PAAS-Request-ID header: the write may have \
                     been accepted, but its job cannot be followed",
                    W::PATH,
                    submission.code
                ),
                b"",
            )
            .with_service(SERVICE));
        };
        let unknown = |why: String| Error::transport(TransportErrorKind::Deadline, true, why);
        let mut wait = self.first_poll.max(MIN_POLL_INTERVAL);
        loop {
            let left = self.deadline.saturating_sub(started.elapsed());
            if wait > left {
                return Err(unknown(format!(
                    "job {id} of {} still running after {:?}; its outcome is unknown",
                    W::PATH,
                    self.deadline
                )));
            }
            tokio::time::sleep(wait).await;
            wait = (wait * 3 / 2).min(self.max_poll.max(MIN_POLL_INTERVAL));
            let left = self.deadline.saturating_sub(started.elapsed());
            let job = GetAsyncJobState::new(id.clone())
                .send_with(self.client, &CallOptions::new().deadline(left))
                .await
                .map_err(|e| with_job(e, &id))?;
            let failed = |code: &str| {
                Error::api(
                    SERVICE,
                    code.to_owned(),
                    format!(
                        "job {id} of {}: {}",
                        W::PATH,
                        job.message.as_deref().unwrap_or("no message")
                    ),
                )
                .with_request_id(Some(id.clone()))
            };
            match &job.state {
                AsyncJobState::Running => continue,
                AsyncJobState::AllSuccess => return Ok(job),
                AsyncJobState::Overtime => {
                    return Err(unknown(format!(
                        "job {id} of {}: the vendor stopped tracking it (Overtime); it may still complete",
                        W::PATH
                    )));
                }
                other => return Err(failed(other.as_str())),
            }
        }
    }
}

/// Names the job in an error met while following it: the vendor's own
/// errors get it as their request id, ours in the message.
fn with_job(err: Error, id: &str) -> Error {
    let mut err = err.with_request_id(Some(id.to_owned()));
    match &mut err {
        Error::Transport { message, .. }
        | Error::Decode { message, .. }
        | Error::Paging { message, .. } => *message = format!("job {id}: {message}"),
        _ => {}
    }
    err
}

impl<'a, W> IntoFuture for AsyncWrite<'a, W>
where
    W: Endpoint<Client = BeisenClient, Output = AsyncSubmission> + Send + Sync + 'a,
{
    type Output = Result<AsyncJob>;
    type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + Send + 'a>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.run())
    }
}
