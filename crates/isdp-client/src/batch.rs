//! Envelope C results and automatic chunking of batch writes.

use hr_common::Result;
use hr_common::endpoint::{self, Endpoint};
use hr_common::transport::{CallOptions, Request};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::client::IsdpClient;
use crate::envelope;
use crate::ids::{OrgId, PersonId};
use crate::reply::WriteReply;

/// What happened to one item of a batch write.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ItemResult {
    /// `personCode`, for person writes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub person_code: Option<String>,
    /// `personId`, when the person exists.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub person_id: Option<PersonId>,
    /// `orgNo`, for organisation writes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org_no: Option<String>,
    /// `orgId`, when the organisation exists.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org_id: Option<OrgId>,
    /// `"success"` or `"failed"` as the vendor said; [`UNKNOWN_STATUS`] for
    /// an item whose write this crate cannot confirm (the call failed
    /// without an answer, or a successful reply did not list it).
    #[serde(default)]
    pub status: String,
    /// The vendor's message.
    #[serde(default)]
    pub msg: Option<String>,
    /// Fields this crate does not model.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// [`ItemResult::status`] of an item whose write is unconfirmed: it may or
/// may not have been written, so it is never counted as a success.
pub const UNKNOWN_STATUS: &str = "unknown";

impl ItemResult {
    /// Whether this item was written.
    pub fn is_success(&self) -> bool {
        self.status.eq_ignore_ascii_case("success")
    }

    /// Whether this item's write is unconfirmed ([`UNKNOWN_STATUS`]):
    /// neither written nor refused as far as the replies tell. Such an item
    /// counts as failed; check it before writing it again.
    pub fn is_unknown(&self) -> bool {
        self.status == UNKNOWN_STATUS
    }
}

/// The merged outcome of a batch write, over every chunk it took.
///
/// A batch is not all-or-nothing: items that failed are listed here with
/// the vendor's message while the others were written, so it is not an
/// error. Use [`BatchOutcome::into_result`] to treat any failed item as one.
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct BatchOutcome {
    /// Every item, in the order sent.
    pub items: Vec<ItemResult>,
    /// Items written (the sum of each chunk's `success`; for a chunk whose
    /// reply did not list every item, its items listed as written).
    pub success: u64,
    /// Items refused or unconfirmed (the sum of each chunk's `failed`; for
    /// a chunk whose reply did not list every item, its other items).
    pub failed: u64,
    /// Calls made.
    pub calls: usize,
    /// Set when a chunk after the first was refused as a whole or failed
    /// outright and the batch stopped there; the items from
    /// [`BatchStop::at`] on are listed as failed.
    pub stopped: Option<BatchStop>,
}

impl BatchOutcome {
    /// The items that failed.
    pub fn failures(&self) -> impl Iterator<Item = &ItemResult> {
        self.items.iter().filter(|i| !i.is_success())
    }

    /// `Err(Error::Api)` with the first failed item's message when any
    /// item failed.
    pub fn into_result(self) -> Result<Self> {
        if let Some(stop) = &self.stopped {
            return Err(hr_common::Error::api(
                envelope::SERVICE,
                stop.code.clone(),
                format!(
                    "batch stopped at item {} of {} after {} written: {}",
                    stop.at,
                    self.items.len(),
                    self.success,
                    stop.message
                ),
            ));
        }
        if let Some(first) = self.failures().next() {
            let key = first
                .person_code
                .clone()
                .or_else(|| first.org_no.clone())
                .unwrap_or_default();
            return Err(hr_common::Error::api(
                envelope::SERVICE,
                "failed",
                format!(
                    "{} of {} items failed; first `{key}`: {}",
                    self.failed,
                    self.items.len(),
                    first.msg.clone().unwrap_or_default()
                ),
            ));
        }
        Ok(self)
    }

    /// Adds one chunk's answer: one outcome per item of `sent`, in the
    /// order sent.
    ///
    /// - `data` lists a result for each item sent: those, in order, with
    ///   the vendor's counts when it gave them;
    /// - `data` lists fewer (or more, or some it cannot read): each item
    ///   takes the result listed under its `personCode` or `orgNo`. An
    ///   item not listed is `failed` with the envelope's `msg` when the
    ///   chunk's `status` is not `success`, and [`UNKNOWN_STATUS`] when it
    ///   is, for nothing then says it was written. The counts are those of
    ///   the outcomes, since the vendor's cannot say which items they
    ///   cover; results naming no item sent are dropped;
    /// - no list (`data: null`, the vendor's answer when every item was
    ///   written): each item takes the envelope's `status` and `msg`.
    ///
    /// A non-`success` status with an empty list never gets here: it is a
    /// refusal of the whole chunk ([`WriteReply::answers_items`]).
    pub(crate) fn merge(&mut self, env: WriteReply, sent: &[Value]) {
        match &env.data {
            Value::Array(list) => {
                let listed: Vec<ItemResult> = list
                    .iter()
                    .filter_map(|v| serde_json::from_value(v.clone()).ok())
                    .collect();
                if listed.len() == list.len() && listed.len() == sent.len() {
                    self.add(listed, env.success, env.failed);
                } else {
                    let items = reconcile(listed, sent, &env);
                    self.add(items, None, None);
                }
            }
            _ => {
                let status = if env.is_success() {
                    "success"
                } else {
                    "failed"
                };
                let items = sent
                    .iter()
                    .map(|v| ItemResult::for_sent(v, status, env.msg.clone()))
                    .collect();
                self.add(items, env.success, env.failed);
            }
        }
        self.calls += 1;
    }

    /// Appends one chunk's outcomes, with the vendor's counts when they
    /// can be trusted to cover exactly these items.
    fn add(&mut self, items: Vec<ItemResult>, success: Option<u64>, failed: Option<u64>) {
        let refused = items.iter().filter(|i| !i.is_success()).count() as u64;
        let written = items.len() as u64 - refused;
        // The counts come from the vendor and may be anything up to
        // `u64::MAX`: saturate rather than overflow (a panic in debug
        // builds) when a later chunk adds to them.
        self.success = self.success.saturating_add(success.unwrap_or(written));
        self.failed = self.failed.saturating_add(failed.unwrap_or(refused));
        self.items.extend(items);
    }

    /// Marks `sent` as failed with `msg` after the batch was stopped.
    fn fail_all(&mut self, sent: &[Value], status: &str, msg: &str) {
        self.failed = self.failed.saturating_add(sent.len() as u64);
        self.items.extend(
            sent.iter()
                .map(|v| ItemResult::for_sent(v, status, Some(msg.to_owned()))),
        );
    }
}

/// The outcome of each item of `sent`: the result `listed` under its key,
/// or, for an item not listed, `failed` with the envelope's message when
/// the chunk was not a success and [`UNKNOWN_STATUS`] when it was.
fn reconcile(listed: Vec<ItemResult>, sent: &[Value], env: &WriteReply) -> Vec<ItemResult> {
    let mut listed: Vec<Option<ItemResult>> = listed.into_iter().map(Some).collect();
    let (status, msg) = if env.is_success() {
        (
            UNKNOWN_STATUS,
            format!(
                "not listed in a reply of status `{}`: whether it was written is unknown",
                env.status
            ),
        )
    } else {
        let msg = env.msg.clone().filter(|m| !m.trim().is_empty());
        (
            "failed",
            msg.unwrap_or_else(|| {
                format!(
                    "not listed in a reply of status `{}` to its chunk",
                    env.status
                )
            }),
        )
    };
    sent.iter()
        .map(|item| {
            let key = sent_key(item);
            let found = key.and_then(|key| {
                listed.iter_mut().find(|slot| {
                    slot.as_ref().is_some_and(|r| {
                        r.person_code.as_deref() == Some(key) || r.org_no.as_deref() == Some(key)
                    })
                })
            });
            match found.and_then(Option::take) {
                Some(result) => result,
                None => ItemResult::for_sent(item, status, Some(msg.clone())),
            }
        })
        .collect()
}

/// The code an item was sent under: `personCode` or `orgNo`, or the item
/// itself when the batch is a list of codes.
fn sent_key(sent: &Value) -> Option<&str> {
    match sent {
        Value::String(code) => Some(code),
        _ => ["personCode", "orgNo"]
            .iter()
            .find_map(|k| sent.get(*k).and_then(Value::as_str)),
    }
}

impl ItemResult {
    /// A result for an item the vendor did not list, keyed from what was sent.
    fn for_sent(sent: &Value, status: &str, msg: Option<String>) -> Self {
        let text = |k: &str| match sent.get(k) {
            Some(Value::String(s)) => Some(s.clone()),
            Some(Value::Number(n)) => Some(n.to_string()),
            _ => None,
        };
        let id = |k: &str| text(k).and_then(|s| s.parse::<i64>().ok());
        ItemResult {
            person_code: text("personCode"),
            person_id: id("personId").map(PersonId),
            org_no: text("orgNo"),
            org_id: id("orgId").map(OrgId),
            status: status.to_owned(),
            msg,
            extra: Map::new(),
        }
    }
}

/// Why a batch stopped before its last chunk; see [`BatchOutcome::stopped`].
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct BatchStop {
    /// Index (in the items sent) of the first item of the chunk that failed.
    pub at: usize,
    /// The vendor's code (`failed`, a `stateCode`, …), or the error's kind
    /// when the chunk's fate is unknown (a transport failure).
    pub code: String,
    /// The vendor's message, or the error's text.
    pub message: String,
    /// Whether the vendor refused the chunk (its items were not written);
    /// `false` when the call failed without an answer and they may have been.
    pub refused: bool,
}

/// The body of one call of a batch write: `{key: [items]}`. Each item is
/// made a JSON value first, so the body is the same whichever way it is
/// built.
pub(crate) fn list_request<E: Endpoint, T: Serialize>(key: &str, items: &[T]) -> Result<Request> {
    let values = to_values(items)?;
    let mut body = Map::new();
    body.insert(key.to_owned(), Value::Array(values));
    Request::new(E::METHOD, E::PATH).json(&body)
}

/// Refuses more than `max` items in one call.
pub(crate) fn check_chunk(field: &str, len: usize, max: usize) -> Result<()> {
    if len > max {
        return Err(hr_common::Error::invalid_request(
            field,
            format!("at most {max} items per call, not {len}; `send` chunks them"),
        ));
    }
    Ok(())
}

fn to_values<T: Serialize>(items: &[T]) -> Result<Vec<Value>> {
    items
        .iter()
        .map(serde_json::to_value)
        .collect::<std::result::Result<_, _>>()
        .map_err(|e| hr_common::Error::invalid(e.to_string()))
}

/// Sends `items` in chunks of `max`, one call after another, each chunk the
/// endpoint that `chunk` makes of it. `key` (`personCode`, `orgNo`) names
/// the items of a batch of bare codes in the outcome.
///
/// Item-level failures are listed in the outcome, and so is every item a
/// reply leaves out (see [`BatchOutcome::merge`]). A chunk refused as a
/// whole (`status:"failed"` without item results, `data` an empty list
/// included, e.g. over the vendor's limit, a locked tenant or "system
/// busy") or a call that fails outright stops the batch:
///
/// - on the first chunk nothing was written, and the error is returned
///   ([`Error::Api`](hr_common::Error::Api) with the vendor's code and message);
/// - on a later chunk the outcome is returned so that the chunks already
///   written are not lost: the failed chunk's items and every item after
///   it are listed as failed (status `failed` for a refusal, `unknown`
///   when the call failed without an answer) with the message, and
///   [`BatchOutcome::stopped`] says where and why.
///   [`BatchOutcome::into_result`] turns that into an error.
pub(crate) async fn send_chunked<T, E>(
    client: &IsdpClient,
    items: &[T],
    max: usize,
    key: &str,
    options: &CallOptions,
    chunk: impl Fn(&[T]) -> E,
) -> Result<BatchOutcome>
where
    T: Serialize,
    E: Endpoint<Client = IsdpClient, Output = WriteReply>,
{
    // What was sent, as the outcome keys it: a bare code becomes
    // `{key: code}`, so that its outcome names it like any other.
    let values: Vec<Value> = to_values(items)?
        .into_iter()
        .map(|v| match v {
            Value::String(code) => serde_json::json!({ key: code }),
            other => other,
        })
        .collect();
    let size = max.max(1);
    let mut outcome = BatchOutcome::default();
    for (n, (typed, sent)) in items.chunks(size).zip(values.chunks(size)).enumerate() {
        let at = n * size;
        let stop = match endpoint::send(client, &chunk(typed), options).await {
            Ok(reply) => {
                if reply.answers_items() {
                    outcome.merge(reply, sent);
                    continue;
                }
                let msg = reply.msg.clone().unwrap_or_default();
                BatchStop {
                    at,
                    code: reply.status.clone(),
                    message: msg.clone(),
                    refused: true,
                }
                .or_first(n, reply.refusal(msg))?
            }
            Err(e) => {
                let refused = matches!(e, hr_common::Error::Api { .. });
                BatchStop {
                    at,
                    code: e
                        .vendor_code()
                        .map(str::to_owned)
                        .unwrap_or_else(|| "unknown".to_owned()),
                    message: e
                        .vendor_message()
                        .map(str::to_owned)
                        .unwrap_or_else(|| e.to_string()),
                    refused,
                }
                .or_first(n, e)?
            }
        };
        let status = if stop.refused {
            "failed"
        } else {
            UNKNOWN_STATUS
        };
        outcome.fail_all(&values[at..], status, &stop.message);
        outcome.calls += 1;
        outcome.stopped = Some(stop);
        break;
    }
    Ok(outcome)
}

impl BatchStop {
    /// On the first chunk there is nothing to keep: the error itself.
    fn or_first(self, chunk: usize, err: hr_common::Error) -> Result<Self> {
        if chunk == 0 { Err(err) } else { Ok(self) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(json: Value) -> WriteReply {
        WriteReply::from_envelope(serde_json::from_value(json).unwrap(), 200, None)
    }

    /// Found by the `isdp_status_envelope` fuzz target: a vendor count of
    /// `u64::MAX` in one chunk made the next chunk's merge overflow.
    #[test]
    fn merging_absurd_vendor_counts_saturates_instead_of_overflowing() {
        let sent = [serde_json::json!({"personCode": "P0"})];
        let mut outcome = BatchOutcome::default();
        let huge = serde_json::json!({
            "status": "success", "success": "18446744073709551615", "failed": u64::MAX,
        });
        outcome.merge(env(huge.clone()), &sent);
        outcome.merge(env(huge), &sent);
        outcome.merge(env(serde_json::json!({"status": "success"})), &sent);
        outcome.fail_all(&sent, "failed", "stopped");
        assert_eq!((outcome.success, outcome.failed), (u64::MAX, u64::MAX));
        assert_eq!((outcome.items.len(), outcome.calls), (4, 3));
    }
}
