//! Envelope C results and automatic chunking of batch writes.

use hr_common::Result;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::client::IsdpClient;
use crate::envelope::{self, StatusEnvelope};
use crate::ids::{OrgId, PersonId};

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
    /// `"success"` or `"failed"`.
    #[serde(default)]
    pub status: String,
    /// The vendor's message.
    #[serde(default)]
    pub msg: Option<String>,
    /// Fields this crate does not model.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl ItemResult {
    /// Whether this item was written.
    pub fn is_success(&self) -> bool {
        self.status.eq_ignore_ascii_case("success")
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
    /// Items written (the sum of each chunk's `success`).
    pub success: u64,
    /// Items refused (the sum of each chunk's `failed`).
    pub failed: u64,
    /// Calls made.
    pub calls: usize,
}

impl BatchOutcome {
    /// The items that failed.
    pub fn failures(&self) -> impl Iterator<Item = &ItemResult> {
        self.items.iter().filter(|i| !i.is_success())
    }

    /// `Err(Error::Api)` with the first failed item's message when any
    /// item failed.
    pub fn into_result(self) -> Result<Self> {
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

    fn merge(&mut self, env: StatusEnvelope) -> Result<()> {
        let items: Vec<ItemResult> = serde_json::from_value(env.data).map_err(|e| {
            hr_common::Error::decode_at("data", e.to_string(), b"").with_service(envelope::SERVICE)
        })?;
        let failed = items.iter().filter(|i| !i.is_success()).count() as u64;
        self.success += env.success.unwrap_or(items.len() as u64 - failed);
        self.failed += env.failed.unwrap_or(failed);
        self.items.extend(items);
        self.calls += 1;
        Ok(())
    }
}

/// Sends `items` in chunks of `max` under `key`, one call after another.
///
/// A chunk refused as a whole (`status:"failed"` with `data:null`, e.g. over
/// the vendor's limit) stops the batch with [`Error::Api`](hr_common::Error::Api);
/// the chunks before it were written.
pub(crate) async fn send_chunked<T: Serialize>(
    client: &IsdpClient,
    path: &'static str,
    key: &str,
    items: &[T],
    max: usize,
    idempotent: bool,
) -> Result<BatchOutcome> {
    let mut outcome = BatchOutcome::default();
    for chunk in items.chunks(max) {
        let mut body = Map::new();
        body.insert(
            key.to_owned(),
            serde_json::to_value(chunk).map_err(|e| hr_common::Error::invalid(e.to_string()))?,
        );
        let resp = client.post(path, &body, idempotent).await?;
        let env = envelope::status_coded(&resp)?;
        if env.data.is_null() && !env.is_success() {
            return Err(envelope::api_error(
                &resp,
                env.status.clone(),
                env.msg.unwrap_or_default(),
            ));
        }
        outcome.merge(env)?;
    }
    Ok(outcome)
}

/// A single write in envelope C: `data` on success, [`Error::Api`](hr_common::Error::Api)
/// with code `failed` and `msg` otherwise.
pub(crate) async fn send_single<B: Serialize + ?Sized>(
    client: &IsdpClient,
    path: &'static str,
    body: &B,
    idempotent: bool,
) -> Result<Value> {
    let resp = client.post(path, body, idempotent).await?;
    let env = envelope::status_coded(&resp)?;
    if !env.is_success() {
        return Err(envelope::api_error(
            &resp,
            env.status,
            env.msg.unwrap_or_default(),
        ));
    }
    Ok(env.data)
}
