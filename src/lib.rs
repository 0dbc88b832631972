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
//! | [`beisen`] | `beisen-client` | Beisen iTalent (北森): typed v5 organisation and employee calls, time-window streams that deliver every record exactly once |
//! | [`isdp`] | `isdp-client` | Huawei ISDP+: typed person, organisation, role and position calls, offset streams, the export chain |
//! | [`travel`] | `travel-sync-types` | the travel employee sync (人员同步接口): typed models, validation, a batching client and a receiving helper |
//! | [`sync`] | `hr-sync` | the HR → travel sync job: Beisen or ISDP+ in, a configurable mapping, state in SQLite, only changes pushed, a report |
//!
//! ```
//! use hr_sdk::common::{Error, TokenCache};
//! # let _ = std::any::type_name::<(Error, TokenCache)>();
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

/// Beisen iTalent (北森): the typed v5 client and its time-window streams.
pub use beisen_client as beisen;
pub use hr_common as common;
/// The HR → travel-platform sync: sources, the mapping to `UserInfo`, the
/// SQLite state store, the job and its report (`docs/sync.md`).
pub use hr_sync as sync;
/// Huawei ISDP+: typed person, organisation, role and position calls,
/// concurrent offset streams and the asynchronous export chain.
pub use isdp_client as isdp;
/// The travel-platform employee sync (人员同步接口): typed and validated
/// models, the batching `client` and the receiving `server` helper.
pub use travel_sync_types as travel;
