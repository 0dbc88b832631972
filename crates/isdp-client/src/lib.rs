//! # isdp-client
//!
//! A typed async client for the Huawei ISDP+ OpenAPI: persons,
//! organisations, roles and positions, and the asynchronous person export.
//!
//! ISDP+ is inconsistent, and this crate absorbs it:
//!
//! - **Tokens** from `POST /oauth2/oauth/rest_token` (password grant) live
//!   6 to 30 minutes; `expires_in` comes as a string or a number. They go
//!   through hr-common's [`TokenCache`](hr_common::TokenCache), which
//!   refreshes ahead of expiry, and a 401 (JSON or XML body) causes one
//!   refresh and one retry. The header is `Authorization: bearer <token>`.
//! - **Four envelopes**: bare pages, `{stateCode, errorMessage, result}`,
//!   `{status, msg, data, success, failed}` and bare values or bytes. Each
//!   endpoint is decoded through its own; vendor errors become
//!   [`Error::Api`] with the vendor's code and message.
//! - **Quirks in the data**: ids as strings in one place and numbers in
//!   another ([`PositionId`], [`RoleId`]), `Org` with a capital O,
//!   `lastUpdateDate` with an offset, `;`-separated code lists ([`Codes`]).
//! - **Offset streams** fetch the first page, then the rest concurrently,
//!   and yield persons in order.
//! - **The export chain**: start, poll with backoff, stream the file.
//!
//! ```no_run
//! use futures::TryStreamExt;
//! use isdp_client::{GetPersonList, IsdpClient, PersonStatus};
//!
//! # async fn run() -> hr_common::Result<()> {
//! let client = IsdpClient::builder(isdp_client::BETA_URL)
//!     .client_id("my-client")
//!     .username("app-id")
//!     .password("app-token")
//!     .build()?;
//! let active: Vec<_> = GetPersonList::new()
//!     .person_status([PersonStatus::OpenAccount])
//!     .stream(&client)
//!     .try_collect()
//!     .await?;
//! # let _ = active; Ok(()) }
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod batch;
mod client;
mod codes;
mod envelope;
mod export;
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing;
mod ids;
mod import;
mod org;
mod page;
mod person;
mod token;

pub use batch::{BatchOutcome, BatchStop, ItemResult};
pub use client::{
    BETA_URL, DEFAULT_PAGE_CONCURRENCY, IsdpClient, IsdpClientBuilder, PRODUCTION_URL,
};
pub use codes::{Codes, PersonStatus, PersonType, ProfilePictureStatus, TaskStatus};
pub use envelope::BarePage;
pub use export::{
    Download, EXPORT_PATH, EXPORT_POLL_PATH, ExportJob, ExportPersons, ExportProgress, ExportTask,
    FindExportTasks, MIN_POLL_INTERVAL, SERVE_FILE_PATH, ServeFile, TaskFilter,
};
pub use ids::{FileId, OrgId, PersonId, PositionId, RoleId, TaskId, UserId};
pub use import::{GetTemplateExcel, IMPORT_PATH, ImportPersons, TEMPLATE_PATH};
pub use org::*;
pub use page::{
    ListingItems, ListingProgress, MAX_ID_LIST, MAX_PAGE_SIZE, OffsetCheckpoint, PageRequest,
};
pub use person::*;
pub use token::{PasswordGrant, TOKEN_PATH};

pub use hr_common::{Error, Result};
