//! How each endpoint's reply is read: the envelope markers that the
//! requests' [`Endpoint`](hr_common::endpoint::Endpoint) impls name.
//!
//! | marker | envelope | endpoints |
//! |---|---|---|
//! | [`BarePageReply`] | bare page `{data, pos, totalCount, …}` | getPersonList, findPageExcelRecordModelListById, findPagedOrgListWithDirection, findPagedPosition |
//! | [`StateCodedPageReply`] | B `{stateCode, errorMessage, result: page}` | organization/findPagedOrgList, role/findPagedRoleList |
//! | [`BareReply`] | the value itself (B unwrapped when present) | exportPersonModel, importData |
//! | [`ListReply`] | a list: bare, a page's `data`, or B's `result` | findPersonByUserIdListPlainText |
//! | [`StatusReply`] | C `{status, msg, data}`, one write | person/update, deregisterPerson |
//! | [`StatusChunkReply`] | C, one chunk of a batch write | batchAdd, batchUpdate, batchUpdatePerson, batchDeregisterPerson, batchSaveOrgInfo, batchDelOrgInfo |
//!
//! Each calls the decoder of the crate's envelope module, so a failure
//! announced in the body of a 2xx (in any shape ISDP+ and its gateways
//! use) is an [`Error::Api`] with the vendor's code and message, and a body
//! that proves nothing is an [`Error::Decode`], never an empty answer.

use hr_common::endpoint::Envelope;
use hr_common::transport::Response;
use hr_common::{Error, Result};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::envelope::{self, BarePage, SERVICE, StatusEnvelope};

/// A bare page; `{result: page}` is read as envelope B.
#[derive(Debug)]
pub enum BarePageReply {}

impl<T: DeserializeOwned> Envelope<BarePage<T>> for BarePageReply {
    fn decode(response: &Response) -> Result<BarePage<T>> {
        envelope::bare_page(response)
    }
}

/// Envelope B around a page: `stateCode` `"0"` and a `result` that is a
/// page.
#[derive(Debug)]
pub enum StateCodedPageReply {}

impl<T: DeserializeOwned> Envelope<BarePage<T>> for StateCodedPageReply {
    fn decode(response: &Response) -> Result<BarePage<T>> {
        envelope::state_coded_page(response)
    }
}

/// The value itself. Envelope B is unwrapped when the body has a
/// `stateCode`, because exportPersonModel's reference declares it while
/// its example (and the sandbox) answers the bare task.
#[derive(Debug)]
pub enum BareReply {}

impl<T: DeserializeOwned> Envelope<T> for BareReply {
    fn decode(response: &Response) -> Result<T> {
        envelope::bare(response)
    }
}

/// A list, read from a bare array, a bare page's `data`, or envelope B's
/// `result` (either of the former inside it). Nothing else passes for an
/// empty answer: an object without its `data` list (a gateway's
/// `{"message": …}`) is a decode error, and so is a `null` unless envelope
/// B's `stateCode` `"0"` vouches for it.
#[derive(Debug)]
pub enum ListReply {}

impl<T: DeserializeOwned> Envelope<Vec<T>> for ListReply {
    fn decode(response: &Response) -> Result<Vec<T>> {
        bare_list(response)
    }
}

/// Envelope C of a single write: `data` on success, [`Error::Api`] with
/// the `status` as code and `msg` as message otherwise.
#[derive(Debug)]
pub enum StatusReply {}

impl Envelope<Value> for StatusReply {
    fn decode(response: &Response) -> Result<Value> {
        single_write(response)
    }
}

/// Envelope C of one chunk of a batch write, as received: the other
/// failure shapes (B's `stateCode`, `error`, `code`, XML) are errors, but
/// a `status` other than `success` is not, so that a batch refused at a
/// later chunk keeps the results of the chunks already written (see
/// [`WriteReply::answers_items`]).
#[derive(Debug)]
pub enum StatusChunkReply {}

impl Envelope<WriteReply> for StatusChunkReply {
    fn decode(response: &Response) -> Result<WriteReply> {
        WriteReply::read(response)
    }
}

/// Envelope C as received: `{status, msg, data, success, failed}`.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct WriteReply {
    /// `status`: `success` or `failed`.
    pub status: String,
    /// `msg`, as text whatever its JSON type.
    pub msg: Option<String>,
    /// `data`: the item results of a batch, or a single write's answer.
    pub data: Value,
    /// `success`: items written, when the vendor counted them.
    pub success: Option<u64>,
    /// `failed`: items refused, when the vendor counted them.
    pub failed: Option<u64>,
    http_status: u16,
    request_id: Option<String>,
}

impl WriteReply {
    /// Reads a 2xx body in envelope C.
    pub(crate) fn read(response: &Response) -> Result<Self> {
        let env = envelope::status_coded(response)?;
        Ok(WriteReply::from_envelope(
            env,
            response.status(),
            response.request_id().map(str::to_owned),
        ))
    }

    pub(crate) fn from_envelope(
        env: StatusEnvelope,
        http_status: u16,
        request_id: Option<String>,
    ) -> Self {
        WriteReply {
            status: env.status,
            msg: env.msg,
            data: env.data,
            success: env.success,
            failed: env.failed,
            http_status,
            request_id,
        }
    }

    /// Whether `status` is `success`.
    pub fn is_success(&self) -> bool {
        self.status.eq_ignore_ascii_case("success")
    }

    /// Whether the chunk was answered (a success, or a list of item
    /// results) rather than refused as a whole.
    ///
    /// A `status` other than `success` answers only with a non-empty `data`
    /// list: `{"status":"failed","msg":"system busy","data":[]}` says
    /// nothing about any item, so it is a refusal of the whole chunk, not
    /// an answer in which nothing failed.
    pub fn answers_items(&self) -> bool {
        self.is_success() || matches!(&self.data, Value::Array(items) if !items.is_empty())
    }

    /// The refusal as [`Error::Api`], with the HTTP status and request id of
    /// the reply it came in.
    pub(crate) fn refusal(&self, message: String) -> Error {
        Error::api(SERVICE, self.status.clone(), message)
            .with_status(self.http_status)
            .with_request_id(self.request_id.clone())
    }
}

/// Reads a single write's answer; see [`StatusReply`].
pub(crate) fn single_write(resp: &Response) -> Result<Value> {
    let env = envelope::status_coded(resp)?;
    if !env.is_success() {
        return Err(envelope::api_error(
            resp,
            env.status,
            env.msg.unwrap_or_default(),
        ));
    }
    Ok(env.data)
}

/// Reads a list; see [`ListReply`].
pub(crate) fn bare_list<T: DeserializeOwned>(resp: &Response) -> Result<Vec<T>> {
    let value: Value = envelope::bare(resp)?;
    let no_list = |what: &str| {
        Error::decode_at(
            "data",
            format!("the reply holds no list of persons ({what})"),
            resp.body(),
        )
        .with_service(SERVICE)
        .with_status(resp.status())
    };
    let list = match value {
        Value::Array(_) => value,
        Value::Object(mut map) => match map.remove("data") {
            Some(list @ Value::Array(_)) => list,
            Some(Value::Null) if page_total(&map) == Some(0) => Value::Array(Vec::new()),
            Some(_) => return Err(no_list("`data` is not a list")),
            None => return Err(no_list("no `data`")),
        },
        Value::Null if envelope::state_code_ok(resp) => Value::Array(Vec::new()),
        Value::Null => return Err(no_list("`null`")),
        other => other,
    };
    let bytes = serde_json::to_vec(&list).map_err(|e| Error::invalid(e.to_string()))?;
    hr_common::transport::decode_json(&bytes, Some(SERVICE), Some(resp.status()))
}

/// The total of a bare page, whichever spelling it uses.
fn page_total(map: &serde_json::Map<String, Value>) -> Option<u64> {
    ["totalCount", "total_count"]
        .iter()
        .find_map(|k| map.get(*k).and_then(Value::as_u64))
}
