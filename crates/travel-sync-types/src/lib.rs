//! # travel-sync-types
//!
//! The travel platform's employee sync interface (人员同步接口, V1.0–V1.4),
//! typed and validated, for Rust code on both sides of the call: the
//! expense or HR platform that pushes batches of employees, and the travel
//! platform that hosts the endpoint and receives them.
//!
//! - **Types.** [`SyncRequest`], [`UserInfo`], [`CardInfo`],
//!   [`SyncResponse`], [`UserSyncResult`], and the session types
//!   [`SessionRequest`], [`SessionResponse`] with [`session::sign`].
//! - **Lenient in, exact out.** Every shape the spec shows is read,
//!   including its inconsistent examples (`"userNo": 91228`, `"isLeave": "Y"`,
//!   `companyId` for `account`, `"cardTypeId": "1"`, `resCode` as a string
//!   or an integer); output uses the declared types and leaves absent
//!   options out.
//! - **Validation.** [`UserInfo::validate`] reports every violation with its
//!   field: required fields, mainland and foreign mobiles, e-mail, dates,
//!   ISO 3166 nationality, GB 11643 ID numbers against `birthday`, card
//!   expiry.
//! - **Personal data.** Mobiles, e-mails, birthdays and card numbers are
//!   [`Sensitive`](hr_common::Sensitive): `Debug` masks them, and shows
//!   only the keys of `extraInfo` and unknown fields; read errors name the
//!   path and expected type, never the value. Cards are not
//!   sent unless the caller opts in ([`UserInfo::opt_in_card_info`]).
//! - **Sending** (feature `client`): `client::TravelSyncClient` batches,
//!   sends concurrently with retries, and reports every user's outcome.
//! - **Receiving** (feature `server`): `server::receive` and an axum
//!   handler turn a request body into the spec-shaped response.
//!
//! ```
//! use travel_sync_types::{SyncRequest, SyncResponse, UserInfo, Outcome};
//!
//! let users = vec![
//!     UserInfo::new("E1001", "王伟", "13812345678", false).department_code("D001").level("P3"),
//!     UserInfo::new("E1002", "李娜", "13812345679", false).level("P9"),
//! ];
//! assert!(users.iter().all(|u| u.validate().is_valid()));
//! let body = serde_json::to_string(&SyncRequest::new("acme", "session-id", users.clone()))?;
//!
//! // The platform answers with the failures only.
//! let resp: SyncResponse = serde_json::from_str(
//!     r#"{"resCode":10000,"resMsg":"部分员工同步失败",
//!         "data":[{"userNo":"E1002","status":0,"description":"职级未维护,同步失败"}]}"#,
//! )?;
//! let outcomes = resp.outcomes(&users);
//! assert!(outcomes[0].outcome.is_synced());
//! assert!(matches!(outcomes[1].outcome, Outcome::Rejected { .. }));
//! # let _ = body; Ok::<(), serde_json::Error>(())
//! ```
//!
//! ## Features
//!
//! | feature | default | what it adds |
//! |---|---|---|
//! | *(none)* | yes | the types, validation and signing; no TLS, no HTTP client use |
//! | `client` | no | `client::TravelSyncClient` on hr-common's transport, without a TLS stack |
//! | `rustls` | no | `client` with rustls and the webpki roots: the usual choice |
//! | `native-tls` | no | `client` with the platform's TLS library; rustls is not pulled in |
//! | `server` | no | `server::receive`, `server::SyncReceiver` and an axum handler |
//!
//! No feature is on by default because either side needs only one of
//! them, and a type-only user (a queue consumer, a test) needs neither.
//! A sender picks its TLS stack by enabling `rustls` or `native-tls`
//! (each implies `client`); `client` alone reaches only `http://` unless
//! hr-common's TLS is enabled elsewhere in the build.
#![warn(missing_docs)]
#![forbid(unsafe_code)]

mod card;
mod codes;
mod outcome;
mod request;
mod response;
pub mod session;
mod timestamp;
mod user;
pub mod validation;
mod wire;

#[cfg(feature = "client")]
pub mod client;
#[cfg(feature = "server")]
pub mod server;

pub use card::CardInfo;
pub use codes::{CardType, Gender};
pub use outcome::{Outcome, UserOutcome};
pub use request::{ParseError, ParsedSyncRequest, SYNC_PATH, SyncRequest, UnreadableUser};
pub use response::{
    MSG_ALL_SYNCED, MSG_SOME_FAILED, SyncResponse, SyncStatus, UserSyncResult, res_code,
};
pub use session::{SessionId, SessionRequest, SessionResponse};
pub use timestamp::EpochMillis;
pub use user::{Birthday, UserInfo, UserKey};
pub use validation::Violations;

/// The service name in errors and tracing spans.
pub(crate) const SERVICE: &str = "travel";

/// The README's examples, compiled and run as doctests.
#[cfg(all(doctest, feature = "client", feature = "server"))]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
