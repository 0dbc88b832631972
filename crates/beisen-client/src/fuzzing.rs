//! Entry points for the fuzz targets in the repository's `fuzz/` crate;
//! not part of the API.
//!
//! The response decoders are `pub(crate)`: callers reach them only through
//! the client, which needs a server. Fuzzing them through a mock HTTP
//! server would be far too slow, so this module, compiled only with the
//! non-default `fuzzing` feature and hidden from the docs, hands them out
//! as they are: each function is one call into the decoder the client
//! uses, with no logic of its own. Nothing here is covered by semver.

use hr_common::paging::CursorPage;
use hr_common::transport::{Response, VendorError};
use hr_common::{AccessToken, Result};
use serde::de::DeserializeOwned;

use crate::attendance::Vacation;
use crate::envelope::{self, Envelope, Promise};
use crate::recruiting::Apply;
use crate::{ListResponse, ScrollResponse};

/// One page of a time-window scroll (`code` 200, `data`, and `scrollId`
/// or `isLastData`), as the window streams read it.
pub fn scroll_page<T: DeserializeOwned>(resp: &Response) -> Result<ScrollResponse<T>> {
    envelope::scroll_page(resp)
}

/// A single call answered in the scroll envelope (`GetEmployeeOfOrganization`):
/// `code` 200 and a `data` list, scroll fields optional.
pub fn scroll_reply_list<T: DeserializeOwned>(resp: &Response) -> Result<ScrollResponse<T>> {
    envelope::scroll_reply(resp, Promise::List)
}

/// A list envelope (`code` 200 and a `data` list or `null`).
pub fn list<T: DeserializeOwned>(resp: &Response) -> Result<ListResponse<T>> {
    envelope::list(resp)
}

/// A lookup or write envelope (`code` 200; `data` optional), as
/// `GetUserIdByEmail` and the writes read it: the `data`.
pub fn lookup<T: DeserializeOwned>(resp: &Response) -> Result<Option<T>> {
    Envelope::<T>::read(resp).map(|env| env.data)
}

/// One attendance page (`GetVacationInfoByApprovalTime`).
pub fn vacation_page(resp: &Response) -> Result<CursorPage<Vacation>> {
    crate::attendance::decode_page(resp)
}

/// One recruiting batch (`GetApplyListByModifiedTime`).
pub fn apply_batch(resp: &Response) -> Result<CursorPage<Apply>> {
    crate::recruiting::decode_batch(resp)
}

/// A token endpoint's 2xx answer (`access_token`, `expires_in` as
/// seconds or a Unix time).
pub fn token(resp: &Response) -> Result<AccessToken> {
    crate::auth::decode_token(resp)
}

/// The vendor error read from a non-2xx body.
pub fn vendor_error(resp: &Response) -> Option<VendorError> {
    envelope::vendor_error(resp)
}

/// Whether a 2xx body is the vendor's `code` 500 (retried as transient).
pub fn is_transient(resp: &Response) -> bool {
    envelope::is_transient(resp)
}
