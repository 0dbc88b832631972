//! Entry points for the fuzz targets in the repository's `fuzz/` crate;
//! not part of the API.
//!
//! The response decoders (the four envelopes, the writes' chunk merging,
//! the token answer) are `pub(crate)`: callers reach them only through the
//! client, which needs a server. Fuzzing them through a mock HTTP server
//! would be far too slow, so this module, compiled only with the
//! non-default `fuzzing` feature and hidden from the docs, hands them out
//! as they are: each function is one call into the code the client runs,
//! with no logic of its own. Nothing here is covered by semver.

use hr_common::transport::{Response, VendorError};
use hr_common::{AccessToken, Result};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::envelope;
use crate::reply::{self, WriteReply};
use crate::{BarePage, BatchOutcome, PlainPerson};

/// A bare page (getPersonList, the export poll, positions…), envelope B
/// around a page included.
pub fn bare_page<T: DeserializeOwned>(resp: &Response) -> Result<BarePage<T>> {
    envelope::bare_page(resp)
}

/// Envelope B around a page (organisations, roles).
pub fn state_coded_page<T: DeserializeOwned>(resp: &Response) -> Result<BarePage<T>> {
    envelope::state_coded_page(resp)
}

/// Envelope B: `result` when `stateCode` is `0`.
pub fn state_coded<T: DeserializeOwned>(resp: &Response) -> Result<T> {
    envelope::state_coded(resp)
}

/// A bare value (exportPersonModel, import), envelope B unwrapped.
pub fn bare<T: DeserializeOwned>(resp: &Response) -> Result<T> {
    envelope::bare(resp)
}

/// Whether the body is envelope B with `stateCode` `0`.
pub fn state_code_ok(resp: &Response) -> bool {
    envelope::state_code_ok(resp)
}

/// findPersonByUserIdListPlainText's answer.
pub fn plain_persons(resp: &Response) -> Result<Vec<PlainPerson>> {
    reply::bare_list(resp)
}

/// A single write's answer in envelope C: its `data` on success.
pub fn single_write(resp: &Response) -> Result<Value> {
    reply::single_write(resp)
}

/// One chunk of a batch write, read as `send_chunked` reads it: `Ok(true)`
/// after merging an answer into `outcome`, `Ok(false)` for a chunk refused
/// as a whole (the caller stops there), an error for any other failure.
pub fn batch_chunk(outcome: &mut BatchOutcome, resp: &Response, sent: &[Value]) -> Result<bool> {
    let env = WriteReply::read(resp)?;
    if !env.answers_items() {
        return Ok(false);
    }
    outcome.merge(env, sent);
    Ok(true)
}

/// The token endpoint's 2xx answer.
pub fn token(resp: &Response) -> Result<AccessToken> {
    crate::token::token_of(resp)
}

/// The vendor error read from a non-2xx body (JSON or XML).
pub fn vendor_error(resp: &Response) -> Option<VendorError> {
    envelope::vendor_error(resp)
}
