// The README is the crate documentation, and its examples are doctests.
// They need the client and the server: without both features the docs
// still render, but its examples are not collected as tests.
#![cfg_attr(
    any(not(doctest), all(feature = "client", feature = "server")),
    doc = include_str!("../README.md")
)]
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

/// Re-exported so that code depending on this crate alone can name the
/// errors in reports and outcomes.
pub use hr_common::{Error, Result, SecretString};

/// Re-exported so that the client's settings and per-call options can be
/// named without a direct hr-common dependency.
#[cfg(feature = "client")]
pub use hr_common::transport::{
    CallOptions, Limits, RateLimiter, RetryBudget, RetryPolicy, TransportStats, WindowLimiter,
};

/// Re-exported: the client's `time_zone` setter takes a
/// `chrono::FixedOffset`, and [`EpochMillis`] converts to and from chrono
/// date-times.
pub use chrono;

/// The service name in errors and tracing spans.
pub(crate) const SERVICE: &str = "travel";
