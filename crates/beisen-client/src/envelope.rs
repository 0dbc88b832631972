//! Beisen's response envelopes, and turning a business error inside an
//! HTTP 200 (`"code":"417"`) into an [`Error::Api`].

use hr_common::lenient::Code;
use hr_common::transport::{Response, VendorError};
use hr_common::{Error, Result};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

pub(crate) const SERVICE: &str = "beisen";

/// The v5 envelope of every read, scroll fields included (absent on
/// non-scroll endpoints).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Envelope<T> {
    pub code: Option<Code>,
    #[serde(default)]
    pub message: Option<String>,
    #[serde(default = "none")]
    pub data: Option<T>,
    #[serde(default)]
    pub scroll_id: Option<String>,
    #[serde(default)]
    pub total: Option<u64>,
    #[serde(default)]
    pub is_last_data: Option<bool>,
}

fn none<T>() -> Option<T> {
    None
}

impl<T: DeserializeOwned> Envelope<T> {
    /// Decodes a 2xx body and fails with the vendor's code and message
    /// unless `code` is 200.
    pub fn read(resp: &Response) -> Result<Self> {
        let env: Envelope<T> = resp.json()?;
        match &env.code {
            Some(code) if *code == 200 => Ok(env),
            // Some gateways answer without a code at all; the data decides.
            None => Ok(env),
            Some(code) => Err(Error::api(
                SERVICE,
                code.as_str(),
                env.message.clone().unwrap_or_default(),
            )
            .with_status(resp.status())
            .with_request_id(resp.request_id().map(str::to_owned))),
        }
    }
}

/// One page of a v5 time-window scroll.
///
/// ```
/// let page: beisen_client::ScrollResponse<serde_json::Value> = serde_json::from_str(
///     r#"{"scrollId":"s2","isLastData":false,"total":3,"data":[{}],"code":"200","message":null}"#,
/// )?;
/// assert_eq!(page.total, Some(3));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ScrollResponse<T> {
    /// The id that fetches the next page (a new one every page).
    #[serde(default)]
    pub scroll_id: Option<String>,
    /// Deprecated by the vendor and unreliable: never stop on it.
    #[serde(default)]
    pub is_last_data: Option<bool>,
    /// Records in the whole scroll.
    #[serde(default)]
    pub total: Option<u64>,
    /// This page's records; empty at the end (or when the scroll died).
    #[serde(
        default = "Vec::new",
        deserialize_with = "null_as_empty",
        bound(deserialize = "T: Deserialize<'de>")
    )]
    pub data: Vec<T>,
    /// `"200"` on success.
    #[serde(default)]
    pub code: Option<Code>,
    /// The vendor's message.
    #[serde(default)]
    pub message: Option<String>,
}

/// A non-scroll v5 answer whose `data` is a list.
///
/// ```
/// let r: beisen_client::ListResponse<i64> = serde_json::from_str(r#"{"data":[1,2],"code":"200","message":""}"#)?;
/// assert_eq!(r.data, [1, 2]);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ListResponse<T> {
    /// The records.
    #[serde(
        default = "Vec::new",
        deserialize_with = "null_as_empty",
        bound(deserialize = "T: Deserialize<'de>")
    )]
    pub data: Vec<T>,
    /// `"200"` on success.
    #[serde(default)]
    pub code: Option<Code>,
    /// The vendor's message.
    #[serde(default)]
    pub message: Option<String>,
}

pub(crate) fn null_as_empty<'de, D, T>(d: D) -> std::result::Result<Vec<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Ok(Option::<Vec<T>>::deserialize(d)?.unwrap_or_default())
}

pub(crate) fn scroll_page<T: DeserializeOwned>(resp: &Response) -> Result<ScrollResponse<T>> {
    let env: Envelope<Vec<T>> = Envelope::read(resp)?;
    Ok(ScrollResponse {
        scroll_id: env.scroll_id,
        is_last_data: env.is_last_data,
        total: env.total,
        data: env.data.unwrap_or_default(),
        code: env.code,
        message: env.message,
    })
}

pub(crate) fn list<T: DeserializeOwned>(resp: &Response) -> Result<ListResponse<T>> {
    let env: Envelope<Vec<T>> = Envelope::read(resp)?;
    Ok(ListResponse {
        data: env.data.unwrap_or_default(),
        code: env.code,
        message: env.message,
    })
}

/// Reads the vendor's code and message from a non-2xx body, in each of the
/// shapes Beisen uses: `{"code","message"}`, `{"message"}`, `{"error"}`.
pub(crate) fn vendor_error(resp: &Response) -> Option<VendorError> {
    #[derive(Deserialize)]
    struct Body {
        #[serde(default, alias = "Code")]
        code: Option<Code>,
        #[serde(default, alias = "Message")]
        message: Option<String>,
        #[serde(default)]
        error: Option<String>,
    }
    let body: Body = serde_json::from_slice(resp.body()).ok()?;
    match (body.code, body.message, body.error) {
        (_, _, Some(error)) => Some(VendorError::new(error.clone(), error)),
        (Some(code), message, None) => Some(VendorError::new(
            code.into_string(),
            message.unwrap_or_default(),
        )),
        (None, Some(message), None) => Some(VendorError::new(resp.status().to_string(), message)),
        (None, None, None) => None,
    }
}

/// Whether a 2xx answer carries the vendor's `"code":"500"` (a server
/// failure inside HTTP 200): retried like an HTTP 500, for idempotent
/// reads only (the transport's rule).
pub(crate) fn is_transient(resp: &Response) -> bool {
    #[derive(Deserialize)]
    struct Body {
        #[serde(default)]
        code: Option<Code>,
    }
    serde_json::from_slice::<Body>(resp.body())
        .ok()
        .and_then(|b| b.code)
        .is_some_and(|c| c == 500)
}

/// Whether an error means "this scroll is gone": the vendor's
/// `scrollId无效或已过期` 417, or the paging layer's expiry.
pub(crate) fn is_scroll_gone(err: &Error) -> bool {
    match err {
        Error::Paging { .. } => err.is_retryable(),
        Error::Api { message, .. } => message.contains("scrollId"),
        _ => false,
    }
}
