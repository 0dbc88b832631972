//! Where employees come from: the [`Source`] trait, its records, and the
//! two vendor sources, [`BeisenSource`] and [`IsdpSource`].
//!
//! A source is read once per run with [`Source::pull`]: a stream of
//! records, and the checkpoint to save once every one of them has been
//! handled. A source whose stream is a *complete listing* (everyone the
//! HR system holds, not only what changed) says so, and then a user the
//! store knows but the listing lacks has left: a full run pushes them once
//! with `isLeave: true`.
//!
//! Writing your own source (a CSV export, another HR system) takes the
//! trait and, when the records are already travel users, the
//! [`SourceRecord::User`] variant:
//!
//! ```
//! use futures::StreamExt;
//! use hr_sync::source::{Pull, Source, SourceCheckpoint, SourceRecord};
//! use travel_sync_types::UserInfo;
//!
//! struct Fixed(Vec<UserInfo>);
//!
//! #[async_trait::async_trait]
//! impl Source for Fixed {
//!     fn name(&self) -> &str { "fixed" }
//!     fn is_complete_listing(&self) -> bool { true }
//!     async fn pull(&self, _from: Option<&SourceCheckpoint>) -> hr_sync::Result<Pull<'_>> {
//!         let records = futures::stream::iter(self.0.clone())
//!             .map(|u| Ok(SourceRecord::User(Box::new(u))));
//!         Ok(Pull::new(records, None))
//!     }
//! }
//! ```

mod beisen;
mod isdp;

use futures::stream::BoxStream;
use futures::{Stream, StreamExt};
use serde::{Deserialize, Serialize};
use travel_sync_types::UserInfo;

pub use beisen::{BeisenRecord, BeisenSource, Department, JobLevel};
pub use isdp::IsdpSource;

use crate::Result;

/// Where a source got to, as the source itself describes it (opaque JSON
/// to everyone else). Saved in the store per source name, only after a run
/// in which every record was handled.
///
/// ```
/// use hr_sync::SourceCheckpoint;
/// let c = SourceCheckpoint::new(serde_json::json!({"through": "2024-12-31T00:00:00"}));
/// assert_eq!(c.to_string(), r#"{"through":"2024-12-31T00:00:00"}"#);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SourceCheckpoint(pub serde_json::Value);

impl SourceCheckpoint {
    /// A checkpoint holding `value`.
    pub fn new(value: serde_json::Value) -> Self {
        SourceCheckpoint(value)
    }

    /// The JSON.
    pub fn as_json(&self) -> &serde_json::Value {
        &self.0
    }
}

impl std::fmt::Display for SourceCheckpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// One employee as a source delivers them, before mapping.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum SourceRecord {
    /// A Beisen employee with their department resolved.
    Beisen(Box<BeisenRecord>),
    /// An ISDP+ person.
    Isdp(Box<isdp_client::Person>),
    /// A user already in the travel platform's shape, from a source of
    /// your own. The mapping keeps it as it is (its key is its `userNo`,
    /// else its `userId`) and only validates it.
    User(Box<UserInfo>),
}

/// What one [`Source::pull`] gives: the records, and the checkpoint to
/// save once all of them have been handled (`None`: nothing to save, as
/// for a full listing read from the start every time).
pub struct Pull<'a> {
    /// The records, in the source's order.
    pub records: BoxStream<'a, Result<SourceRecord>>,
    /// The checkpoint for the next run.
    pub checkpoint_after: Option<SourceCheckpoint>,
}

impl<'a> Pull<'a> {
    /// A pull of `records`.
    pub fn new(
        records: impl Stream<Item = Result<SourceRecord>> + Send + 'a,
        checkpoint_after: Option<SourceCheckpoint>,
    ) -> Self {
        Pull {
            records: records.boxed(),
            checkpoint_after,
        }
    }
}

impl std::fmt::Debug for Pull<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pull")
            .field("checkpoint_after", &self.checkpoint_after)
            .finish_non_exhaustive()
    }
}

/// An HR system to read employees from. See the [module docs](self).
#[async_trait::async_trait]
pub trait Source: Send + Sync {
    /// The name state is kept under (checkpoint, users, failures): two
    /// sources with the same name share them.
    fn name(&self) -> &str;

    /// Whether [`pull`](Self::pull) lists *everyone* (so that a user the
    /// store knows and the listing lacks has left), rather than only what
    /// changed.
    fn is_complete_listing(&self) -> bool;

    /// Starts reading: records after `from` (the checkpoint the last
    /// complete run saved; `None` on a first run and in full mode).
    async fn pull(&self, from: Option<&SourceCheckpoint>) -> Result<Pull<'_>>;
}
