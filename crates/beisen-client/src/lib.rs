//! # beisen-client
//!
//! A typed async client for the Beisen iTalent (北森) OpenAPI: the v5
//! organisation and employee endpoints, one attendance and one recruiting
//! listing, and time-window streams that deliver every changed record
//! exactly once, however slow the consumer.
//!
//! ```no_run
//! use futures::TryStreamExt;
//! use beisen_client::{BeisenClient, Credentials};
//!
//! # async fn run() -> hr_common::Result<()> {
//! let client = BeisenClient::builder()
//!     .credentials(Credentials::app_key("key", "secret"))
//!     .build()?;
//! let start = chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
//! let stop = chrono::NaiveDate::from_ymd_opt(2025, 1, 1).unwrap();
//! let mut employees = client.employees().changed_between(start, stop).parallel(4).items();
//! while let Some(employee) = employees.try_next().await? {
//!     println!("{}", employee.employee_info.user_id);
//! }
//! # Ok(()) }
//! ```
//!
//! Design notes live in `docs/beisen.md` of the repository.
#![warn(missing_docs)]
#![forbid(unsafe_code)]

pub mod attendance;
pub mod auth;
mod client;
pub mod custom;
pub mod employee;
pub mod enums;
mod envelope;
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing;
pub mod ids;
pub mod models;
pub mod organization;
pub mod recruiting;
pub mod window;

/// Re-exported: window bounds are `chrono` dates and date-times.
pub use chrono;
pub use client::{BeisenClient, ClientBuilder, Credentials, DEFAULT_BASE_URL};
pub use envelope::{ListResponse, ScrollResponse};
pub use ids::{JobPostOId, OrgOId, PositionOId, UserId};
pub use window::{Checkpoint, TimeWindow, WindowProgress, WindowStream};
