#![doc = include_str!("../README.md")]
#![warn(missing_docs)]
#![forbid(unsafe_code)]

mod error;
pub mod hash;
pub mod mapping;
pub mod pipeline;
pub mod progress;
pub mod report;
pub mod source;
pub mod state;

pub use error::{Error, Result};
pub use mapping::{MappedUser, Mapping, SkipReason, Skipped};
pub use pipeline::{Mode, Push, SyncJob, SyncJobBuilder};
pub use report::SyncReport;
pub use source::{BeisenSource, IsdpSource, Pull, Source, SourceCheckpoint, SourceRecord};
#[cfg(feature = "postgres")]
pub use state::PostgresStore;
pub use state::{Lease, MemoryStore, SqliteStore, StateStore};

/// Re-exported: the travel types the mapping produces and the pipeline
/// sends.
pub use travel_sync_types;
