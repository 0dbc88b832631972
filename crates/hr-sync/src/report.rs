//! What a run did: the [`SyncReport`], as data (serde), as a table
//! (`Display`) and as a JSON file ([`SyncReport::save_json`]).

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::{Serialize, Serializer};

use crate::mapping::{SkipReason, Skipped};
use crate::pipeline::Mode;
use crate::source::SourceCheckpoint;
use crate::state::RunId;

/// The records skipped for one reason.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct SkippedGroup {
    /// How many.
    pub count: u64,
    /// Which (up to the report's key limit): the key, else the record.
    pub records: Vec<SkippedEntry>,
}

/// One skipped record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct SkippedEntry {
    /// The key, else a description of the record (`userID 100000007`).
    pub record: String,
    /// The rule it broke, when there is more to say than the reason.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

/// One user the travel platform refused in this run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct FailedEntry {
    /// The key.
    pub key: String,
    /// The platform's description.
    pub description: String,
}

/// What one run did.
///
/// Counts are exact; the lists of keys ([`changed`](Self::changed),
/// [`failures`](Self::failures), the skipped records) hold at most the
/// job's [report key limit](crate::SyncJobBuilder::report_key_limit) each,
/// and [`keys_truncated`](Self::keys_truncated) says when one was cut.
///
/// The counts add up, and [`check_counts`](Self::check_counts) says so
/// for a complete run: every record [`pulled`](Self::pulled) is
/// [`mapped`](Self::mapped) or skipped; every mapped one is
/// [`unchanged`](Self::unchanged) or [`pushed`](Self::pushed), and so are
/// the stored failures retried from the store
/// ([`retried_from_store`](Self::retried_from_store)) and the
/// [`leavers`](Self::leavers) found missing, which are pushed without
/// being pulled; every pushed one [`succeeded`](Self::succeeded),
/// [`failed`](Self::failed) or went [`unanswered`](Self::unanswered).
///
/// Nothing personal is in a report: keys are job numbers (or whichever
/// key the mapping uses), skipped records name the rule they broke and
/// never the value, and the platform's descriptions are redacted (the
/// user's own mobile, and any run of 11 or more digits, are masked).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct SyncReport {
    /// The source's name.
    pub source: String,
    /// The mode.
    pub mode: Mode,
    /// Whether nothing was pushed or written (counts say what would
    /// have been).
    pub dry_run: bool,
    /// The run's id in the store (`None` for a dry run).
    pub run: Option<RunId>,
    /// When the run started.
    pub started_at: DateTime<Utc>,
    /// How long it took.
    #[serde(rename = "duration_secs", serialize_with = "secs")]
    pub duration: Duration,
    /// Records read from the source.
    pub pulled: u64,
    /// Records mapped to a valid user.
    pub mapped: u64,
    /// Records skipped, by reason.
    pub skipped: BTreeMap<SkipReason, SkippedGroup>,
    /// Users whose content hash matched the last push: not pushed.
    pub unchanged: u64,
    /// Users sent (in a dry run: that would have been sent).
    pub pushed: u64,
    /// Users the platform took.
    pub succeeded: u64,
    /// Users the platform refused (stored, retried next run).
    pub failed: u64,
    /// Users whose batch got no processed answer (a transport failure
    /// after retries, a refused session): stored as failures and retried
    /// next run; the run stops with the error.
    pub unanswered: u64,
    /// Users pushed with `isLeave: true` that the platform took.
    pub left: u64,
    /// Stored failures pushed again: those the source delivered again,
    /// and those it did not (see [`retried_from_store`](Self::retried_from_store)).
    pub retried: u64,
    /// Of [`retried`](Self::retried), those the source did not deliver
    /// this run, pushed again from the user stored with the failure.
    pub retried_from_store: u64,
    /// Users pushed as left without a user mapped from their record: a
    /// complete listing no longer has them, or their record says they left
    /// but cannot be mapped (a cleared mobile); pushed from what was last
    /// sent for them.
    pub leavers: u64,
    /// The keys pushed (or that would be), in the order answered.
    pub changed: Vec<String>,
    /// The users refused, with the platform's description.
    pub failures: Vec<FailedEntry>,
    /// Whether a key list was cut at the limit.
    pub keys_truncated: bool,
    /// The checkpoint the run started from.
    pub checkpoint_before: Option<SourceCheckpoint>,
    /// The checkpoint the run saved (`None`: not saved).
    pub checkpoint_after: Option<SourceCheckpoint>,
    /// Why the run stopped early, if it did.
    pub error: Option<String>,
}

fn secs<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64((d.as_secs_f64() * 1000.0).round() / 1000.0)
}

impl SyncReport {
    pub(crate) fn new(source: &str, mode: Mode, dry_run: bool) -> Self {
        SyncReport {
            source: source.to_owned(),
            mode,
            dry_run,
            run: None,
            started_at: Utc::now(),
            duration: Duration::ZERO,
            pulled: 0,
            mapped: 0,
            skipped: BTreeMap::new(),
            unchanged: 0,
            pushed: 0,
            succeeded: 0,
            failed: 0,
            unanswered: 0,
            left: 0,
            retried: 0,
            retried_from_store: 0,
            leavers: 0,
            changed: Vec::new(),
            failures: Vec::new(),
            keys_truncated: false,
            checkpoint_before: None,
            checkpoint_after: None,
            error: None,
        }
    }

    /// Whether the run finished (per-user failures do not count against
    /// it).
    pub fn is_complete(&self) -> bool {
        self.error.is_none()
    }

    /// Records skipped, all reasons.
    pub fn skipped_total(&self) -> u64 {
        self.skipped.values().map(|g| g.count).sum()
    }

    /// The records skipped for `reason`.
    pub fn skipped_for(&self, reason: SkipReason) -> Option<&SkippedGroup> {
        self.skipped.get(&reason)
    }

    /// Checks that the counts add up (see the [type docs](Self)); the
    /// error says which sum does not. Holds for every complete run (the
    /// pipeline checks it in debug builds); a run that stopped early may
    /// have mapped records it never got to compare.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// # use futures::StreamExt;
    /// # use hr_sync::source::{Pull, Source, SourceCheckpoint, SourceRecord};
    /// # struct Empty;
    /// # #[async_trait::async_trait]
    /// # impl Source for Empty {
    /// #     fn name(&self) -> &str { "empty" }
    /// #     fn is_complete_listing(&self) -> bool { false }
    /// #     async fn pull(&self, _: Option<&SourceCheckpoint>) -> hr_sync::Result<Pull<'_>> {
    /// #         Ok(Pull::new(futures::stream::empty(), None))
    /// #     }
    /// # }
    /// let report = hr_sync::SyncJob::builder()
    ///     .source(Empty)
    ///     .store(hr_sync::MemoryStore::new())
    ///     .dry_run(true)
    ///     .build()?
    ///     .run()
    ///     .await?;
    /// report.check_counts()?;
    /// # Ok::<(), Box<dyn std::error::Error>>(()) }).unwrap();
    /// ```
    pub fn check_counts(&self) -> Result<(), String> {
        // Stored failures that could not be read back are skipped without
        // having been pulled.
        let unreadable = self
            .skipped_for(SkipReason::Unreadable)
            .map_or(0, |g| g.count);
        let skipped = self.skipped_total() - unreadable;
        if self.pulled != self.mapped + skipped {
            return Err(format!(
                "pulled {} ≠ mapped {} + skipped {skipped}",
                self.pulled, self.mapped
            ));
        }
        let pushed_or_not = self.unchanged + self.pushed;
        let to_handle = self.mapped + self.retried_from_store + self.leavers;
        if to_handle != pushed_or_not {
            return Err(format!(
                "mapped {} + retried from the store {} + leavers {} ≠ unchanged {} + pushed {}",
                self.mapped, self.retried_from_store, self.leavers, self.unchanged, self.pushed
            ));
        }
        let answered = self.succeeded + self.failed + self.unanswered;
        if !self.dry_run && self.pushed != answered {
            return Err(format!(
                "pushed {} ≠ succeeded {} + failed {} + unanswered {}",
                self.pushed, self.succeeded, self.failed, self.unanswered
            ));
        }
        if self.retried_from_store > self.retried || self.left > self.succeeded {
            return Err(format!(
                "retried {} < retried from the store {}, or succeeded {} < left {}",
                self.retried, self.retried_from_store, self.succeeded, self.left
            ));
        }
        Ok(())
    }

    /// Writes the report as pretty JSON.
    pub fn save_json(&self, path: impl AsRef<Path>) -> std::io::Result<()> {
        let json = serde_json::to_string_pretty(self).map_err(std::io::Error::other)?;
        std::fs::write(path, json + "\n")
    }

    pub(crate) fn add_skip(&mut self, skipped: &Skipped, limit: usize) {
        let group = self.skipped.entry(skipped.reason).or_default();
        group.count += 1;
        if group.records.len() < limit {
            group.records.push(SkippedEntry {
                record: skipped.label().to_owned(),
                detail: skipped.detail.clone(),
            });
        } else {
            self.keys_truncated = true;
        }
    }

    pub(crate) fn add_changed(&mut self, key: &str, limit: usize) {
        if self.changed.len() < limit {
            self.changed.push(key.to_owned());
        } else {
            self.keys_truncated = true;
        }
    }

    pub(crate) fn add_failure(&mut self, key: &str, description: &str, limit: usize) {
        self.failed += 1;
        if self.failures.len() < limit {
            self.failures.push(FailedEntry {
                key: key.to_owned(),
                description: description.to_owned(),
            });
        } else {
            self.keys_truncated = true;
        }
    }
}

/// The failures the table shows; the JSON has them all.
const SHOWN: usize = 10;

impl fmt::Display for SyncReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let dry = if self.dry_run { ", dry run" } else { "" };
        writeln!(
            f,
            "sync of `{}` ({}{dry}) in {:.2} s: {}",
            self.source,
            self.mode,
            self.duration.as_secs_f64(),
            match &self.error {
                None => "complete".to_owned(),
                Some(e) => format!("STOPPED: {e}"),
            }
        )?;
        let pushed = if self.dry_run { "would push" } else { "pushed" };
        let rows: [(&str, u64); 11] = [
            ("pulled", self.pulled),
            ("mapped", self.mapped),
            ("skipped", self.skipped_total()),
            ("unchanged", self.unchanged),
            ("retried", self.retried),
            ("leavers", self.leavers),
            (pushed, self.pushed),
            ("succeeded", self.succeeded),
            ("failed", self.failed),
            ("unanswered", self.unanswered),
            ("left", self.left),
        ];
        for (label, n) in rows {
            // An always-zero row is noise, except the ones a reader looks for.
            if n == 0 && label == "unanswered" {
                continue;
            }
            writeln!(f, "  {label:<11}{n:>9}")?;
        }
        for (reason, group) in &self.skipped {
            let shown: Vec<&str> = group
                .records
                .iter()
                .take(5)
                .map(|e| e.record.as_str())
                .collect();
            let more = if group.count as usize > shown.len() {
                ", …"
            } else {
                ""
            };
            writeln!(
                f,
                "    {:<22}{:>6}  {}{more}",
                reason.as_str(),
                group.count,
                shown.join(", ")
            )?;
        }
        if !self.failures.is_empty() {
            writeln!(f, "  refused by the travel platform:")?;
            for e in self.failures.iter().take(SHOWN) {
                writeln!(f, "    {:<16} {}", e.key, e.description)?;
            }
            if self.failed as usize > SHOWN {
                writeln!(f, "    … and {} more", self.failed as usize - SHOWN)?;
            }
        }
        let checkpoint = |c: &Option<SourceCheckpoint>| {
            c.as_ref()
                .map_or_else(|| "-".to_owned(), ToString::to_string)
        };
        write!(
            f,
            "  checkpoint {} → {}",
            checkpoint(&self.checkpoint_before),
            checkpoint(&self.checkpoint_after)
        )
    }
}
