#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![warn(missing_docs)]

// Layering: dependencies point down only.
//
// 1. `envelope`, `reply`, `ids`, `codes`, `group`, `setters`: the wire
//    (decoders, envelope markers, ids, vendor codes, limiter groups, setter
//    macros); they know no client and no request.
// 2. `token`, then `client`: the credentials and the password grant, then
//    the client (transport, token cache, concurrency). The client knows no
//    request.
// 3. `page`, `batch`, `download`: what several requests share (offset
//    streams and checkpoints, chunked writes, streamed files); they send
//    through the client.
// 4. `person`, `org`, `export`, `import`: the requests, each an `Endpoint`
//    defined where grep finds it. `person` (its `persons()` accessor and the
//    export shorthand) uses `export`; `import` uses `export`'s `ExportTask`;
//    `export` uses neither. `raw` is the caller-typed request for any path.
// 5. `lib.rs` re-exports; `fuzzing` hands the decoders to the fuzz targets.

mod batch;
mod client;
mod codes;
mod download;
mod envelope;
mod export;
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing;
pub mod group;
mod ids;
mod import;
mod org;
mod page;
mod person;
pub mod raw;
pub mod reply;
mod setters;
mod token;

pub use batch::{BatchOutcome, BatchStop, ItemResult, UNKNOWN_STATUS};
pub use client::{BETA_URL, DEFAULT_CONCURRENCY, IsdpClient, IsdpClientBuilder, PRODUCTION_URL};
pub use codes::{Codes, PersonStatus, PersonType, ProfilePictureStatus, TaskStatus};
pub use download::Download;
pub use envelope::BarePage;
pub use export::{
    EXPORT_PATH, EXPORT_POLL_PATH, ExportJob, ExportPersons, ExportProgress, ExportTask,
    FindExportTasks, MIN_POLL_INTERVAL, SERVE_FILE_PATH, ServeFile, TaskFilter,
};
pub use ids::{FileId, OrgId, PersonId, PositionId, RoleId, TaskId, UserId};
pub use import::{GetTemplateExcel, IMPORT_PATH, ImportPersons, TEMPLATE_PATH};
pub use org::*;
pub use page::{
    ListingItems, ListingProgress, MAX_ID_LIST, MAX_PAGE_SIZE, OffsetCheckpoint, PageRequest,
};
pub use person::*;
pub use token::{Credentials, PasswordGrant, TOKEN_PATH};

pub use hr_common::transport::{CallOptions, Limits, RetryBudget, RetryPolicy, TransportStats};
pub use hr_common::{Error, Result};
