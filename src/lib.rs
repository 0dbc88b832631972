//! # hr-sdk
//!
//! Typed async Rust clients for Chinese HR and corporate-travel integrations:
//! Beisen (北森 iTalent), Huawei ISDP+, and the travel-platform employee sync
//! interface (人员同步接口). This facade re-exports the family's crates so
//! that one dependency brings them in; each crate can also be used alone.
//!
//! | module | crate | what it holds |
//! |---|---|---|
//! | [`common`] | `hr-common` | errors, token cache, HTTP transport, paging streams, serde helpers, PII types |
//! | [`travel`] | `travel-sync-types` | the travel employee sync (人员同步接口): typed models, validation, a batching client and a receiving helper |
//!
//! ```
//! use hr_sdk::common::{Error, TokenCache};
//! # let _ = std::any::type_name::<(Error, TokenCache)>();
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub use hr_common as common;
/// The travel-platform employee sync (人员同步接口): typed and validated
/// models, the batching `client` and the receiving `server` helper.
pub use travel_sync_types as travel;
