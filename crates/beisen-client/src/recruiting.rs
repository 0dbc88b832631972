//! Recruiting (招聘): job applications by modification time, in batches.

use std::borrow::Cow;

use futures::Stream;
use hr_common::endpoint::{self, Endpoint, json_request};
use hr_common::paging::{self, CursorPage, Pages};
use hr_common::transport::{CallOptions, Request, Response};
use hr_common::{Error, Result};
use serde::{Deserialize, Serialize};

use crate::BeisenClient;
use crate::envelope::{ApplyBatchReply, Envelope, Promise, null_as_empty};
use crate::window::{TimeWindow, WindowBound, fmt_time};

/// `POST /RecruitV6/api/v1/Apply/GetApplyListByModifiedTime`.
pub const APPLY_BY_MODIFIED_TIME: &str = "/RecruitV6/api/v1/Apply/GetApplyListByModifiedTime";

/// One application (申请).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Apply {
    /// The application's id.
    pub apply_id: String,
    /// The applicant's id.
    #[serde(default)]
    pub applicant_id: Option<String>,
    /// The job's id.
    #[serde(default)]
    pub job_id: Option<String>,
    /// Fields this crate does not model.
    #[serde(flatten)]
    pub extra: crate::custom::Extra,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Batch {
    #[serde(default, deserialize_with = "null_as_empty")]
    items: Vec<Apply>,
    #[serde(default)]
    total: Option<u64>,
    #[serde(default)]
    next_batch_id: Option<String>,
    #[serde(default)]
    is_last_batch: Option<bool>,
}

/// Reads one batch of [`APPLY_BY_MODIFIED_TIME`]: `code` 200 and a `data`
/// object, whose `items` may be absent or `null` (none).
pub(crate) fn decode_batch(resp: &Response) -> Result<CursorPage<Apply>> {
    let env: Envelope<Batch> = Envelope::read_promised(resp, Promise::Object)?;
    let b = env.data.unwrap_or(Batch {
        items: Vec::new(),
        total: Some(0),
        next_batch_id: None,
        is_last_batch: Some(true),
    });
    let last = b.is_last_batch.unwrap_or(b.next_batch_id.is_none());
    Ok(CursorPage::new(b.items, b.next_batch_id, last).with_total(b.total))
}

/// Applications modified in `[startTime, endTime)` (note `endTime`).
///
/// ```
/// use chrono::NaiveDate;
/// let req = beisen_client::recruiting::GetApplyListByModifiedTime::new(
///     NaiveDate::from_ymd_opt(2024, 3, 1).unwrap(),
///     NaiveDate::from_ymd_opt(2024, 3, 8).unwrap(),
/// );
/// assert_eq!(
///     serde_json::to_value(&req)?,
///     serde_json::json!({"startTime":"2024-03-01T00:00:00","endTime":"2024-03-08T00:00:00","batchId":""})
/// );
/// # Ok::<(), serde_json::Error>(())
/// ```
#[doc(alias("Apply/GetApplyListByModifiedTime"))]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct GetApplyListByModifiedTime {
    /// Start, inclusive.
    pub start_time: String,
    /// End, exclusive.
    pub end_time: String,
    /// `""` first, then the previous batch's `nextBatchId`.
    pub batch_id: String,
}

impl GetApplyListByModifiedTime {
    /// The first batch of `[start, end)`.
    pub fn new(start: impl WindowBound, end: impl WindowBound) -> Self {
        let w = TimeWindow::new(start, end);
        GetApplyListByModifiedTime {
            start_time: fmt_time(w.start()),
            end_time: fmt_time(w.stop()),
            batch_id: String::new(),
        }
    }

    /// Every batch, following `nextBatchId` to `isLastBatch`.
    pub fn pages(self, client: &BeisenClient) -> Pages<Apply> {
        let client = client.clone();
        paging::cursor(move |cursor: Option<String>| {
            let client = client.clone();
            let mut req = self.clone();
            req.batch_id = cursor.unwrap_or_default();
            async move { endpoint::send(&client, &req, &CallOptions::new()).await }
        })
        .build()
    }

    /// Every application, one by one.
    pub fn items(self, client: &BeisenClient) -> impl Stream<Item = Result<Apply>> + use<> {
        self.pages(client).by_item()
    }
}

/// One batch; the recruiting endpoints share the limiter group
/// `"recruiting"`.
impl Endpoint for GetApplyListByModifiedTime {
    type Client = BeisenClient;
    type Output = CursorPage<Apply>;
    type Envelope = ApplyBatchReply;
    const PATH: &'static str = APPLY_BY_MODIFIED_TIME;
    const IDEMPOTENT: bool = true;

    fn group(&self) -> Cow<'static, str> {
        Cow::Borrowed("recruiting")
    }

    /// `endTime` after `startTime`.
    fn validate(&self) -> Result<()> {
        if self.start_time >= self.end_time {
            return Err(Error::invalid_request("endTime", "must be after startTime"));
        }
        Ok(())
    }

    fn to_request(&self) -> Result<Request> {
        json_request(self)
    }
}
hr_common::impl_send!(GetApplyListByModifiedTime);
