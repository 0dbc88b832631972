//! # hr-common
//!
//! The shared core of the hr-sdk family (Beisen iTalent, Huawei ISDP+ and the
//! travel-platform employee sync). Vendor crates build on it; users meet its
//! types in every client:
//!
//! - [`Error`]: one error type with `status()`, `vendor_code()`,
//!   `is_retryable()`, `is_auth()`, `is_timeout()` and a `Display` that tells
//!   what happened, including the vendor's code and message.
//! - [`auth`]: the [`TokenProvider`] trait and the single-flight,
//!   refresh-ahead [`TokenCache`].
//! - [`transport`]: one pooled HTTP client with per-attempt timeouts, an
//!   overall deadline, retries with backoff and jitter, a pluggable rate
//!   limiter, a tracing span per request, and auth-retry-once on 401.
//! - [`paging`]: real `futures::Stream`s over scroll-id, offset and cursor
//!   paging, by page or by item, with loop guards and prefetch.
//! - [`lenient`] and [`civil_time`]: serde helpers for what vendors actually
//!   send (`"200"` or `200`, `"Y"` for true, `"0001-01-01 00:00:00"` for none).
//! - [`sensitive`]: [`Sensitive`] wraps personal data so `Debug` masks it;
//!   [`redact`] hides secrets and personal data in the body excerpts that
//!   errors quote.
#![warn(missing_docs)]
#![forbid(unsafe_code)]

pub mod auth;
pub mod civil_time;
pub mod config;
pub mod endpoint;
pub mod error;
pub mod id;
pub mod json;
pub mod lenient;
pub mod model;
pub mod paging;
pub mod redact;
pub mod sensitive;
pub mod task;
#[cfg(any(test, feature = "testing"))]
pub mod testing;
pub mod transport;

pub use auth::{AccessToken, TokenCache, TokenProvider};
pub use civil_time::{CHINA_STANDARD_TIME, CivilDateTime};
pub use error::{Error, Result};
pub use lenient::Code;
pub use sensitive::Sensitive;

/// Re-exported so that users need no direct `secrecy` dependency.
pub use secrecy::{ExposeSecret, SecretString};

/// What the exported macros name; not part of the API.
#[doc(hidden)]
pub mod __private {
    pub use chrono::FixedOffset;
    pub use reqwest::Client as HttpClient;
    pub use serde_json::Value;
}
