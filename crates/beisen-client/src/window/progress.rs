//! Progress of a time-window stream, and the checkpoint a later run
//! resumes from.

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

use super::TimeWindow;

/// Where a stream got to: every record changed in `[start, completed_through)`
/// has been delivered. Serialisable, to store between runs.
///
/// ```
/// use beisen_client::Checkpoint;
/// let c: Checkpoint = serde_json::from_str(
///     r#"{"start":"2024-01-01T00:00:00","stop":"2025-01-01T00:00:00","completedThrough":"2024-06-01T00:00:00"}"#,
/// )?;
/// assert!(!c.is_complete());
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Checkpoint {
    /// The whole stream's start.
    pub start: NaiveDateTime,
    /// The whole stream's stop.
    pub stop: NaiveDateTime,
    /// Everything before this instant is delivered.
    pub completed_through: NaiveDateTime,
    /// The stream's `timeWindowQueryType` (1 or 2), when recorded; a
    /// checkpoint only resumes a stream of the same query type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub query_type: Option<u8>,
}

impl Checkpoint {
    /// Whether the whole window was delivered.
    pub fn is_complete(&self) -> bool {
        self.start <= self.stop && self.completed_through >= self.stop
    }
}

#[derive(Default)]
struct Counters {
    windows_total: AtomicU64,
    windows_done: AtomicU64,
    records: AtomicU64,
    announced: AtomicU64,
    duplicates: AtomicU64,
    restarts: AtomicU64,
    pages: AtomicU64,
    splits: AtomicU64,
    widest_split: AtomicU64,
    dedup_keys: AtomicU64,
    dedup_keys_peak: AtomicU64,
}

/// Live progress of a [`WindowStream`](super::WindowStream), readable from
/// anywhere while it runs. Counts what the consumer has *received*.
#[derive(Clone)]
pub struct WindowProgress {
    counters: Arc<Counters>,
    state: Arc<Mutex<State>>,
}

struct State {
    whole: TimeWindow,
    query_type: Option<u8>,
    pending: BTreeSet<TimeWindow>,
}

impl std::fmt::Debug for WindowProgress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WindowProgress")
            .field("windows_done", &self.windows_done())
            .field("windows_total", &self.windows_total())
            .field("records", &self.records())
            .field("announced_total", &self.announced_total())
            .field("restarts", &self.restarts())
            .field("splits", &self.splits())
            .field("dedup_keys_peak", &self.dedup_keys_peak())
            .finish()
    }
}

impl WindowProgress {
    /// `windows` are the sub-windows still to deliver; everything of
    /// `whole` before the first of them counts as complete (a resumed run),
    /// and a stream that was rejected passes `whole` itself so that nothing
    /// is reported complete.
    pub(crate) fn new(whole: TimeWindow, windows: &[TimeWindow], query_type: Option<u8>) -> Self {
        let p = WindowProgress {
            counters: Arc::default(),
            state: Arc::new(Mutex::new(State {
                whole,
                query_type,
                pending: windows.iter().copied().collect(),
            })),
        };
        p.counters
            .windows_total
            .store(windows.len() as u64, Ordering::Relaxed);
        p
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Sub-windows finished and delivered.
    pub fn windows_done(&self) -> u64 {
        self.counters.windows_done.load(Ordering::Relaxed)
    }

    /// Sub-windows known so far (grows when a busy window is split).
    pub fn windows_total(&self) -> u64 {
        self.counters.windows_total.load(Ordering::Relaxed)
    }

    /// Records delivered to the consumer.
    pub fn records(&self) -> u64 {
        self.counters.records.load(Ordering::Relaxed)
    }

    /// Pages delivered to the consumer.
    pub fn pages(&self) -> u64 {
        self.counters.pages.load(Ordering::Relaxed)
    }

    /// The sum of the totals Beisen announced for the sub-windows opened
    /// so far; the grand total once every sub-window has started. Stops at
    /// `u64::MAX` rather than wrapping, whatever the server announces.
    pub fn announced_total(&self) -> u64 {
        self.counters.announced.load(Ordering::Relaxed)
    }

    /// Records dropped because they were already delivered (a record in two
    /// windows, or re-read after a scroll restart).
    pub fn duplicates_dropped(&self) -> u64 {
        self.counters.duplicates.load(Ordering::Relaxed)
    }

    /// Scrolls restarted after they expired or failed.
    pub fn restarts(&self) -> u64 {
        self.counters.restarts.load(Ordering::Relaxed)
    }

    /// Busy sub-windows split into smaller ones (see
    /// [`WindowStream::split_above`](super::WindowStream::split_above)).
    pub fn splits(&self) -> u64 {
        self.counters.splits.load(Ordering::Relaxed)
    }

    /// The most sub-windows one split made.
    pub fn widest_split(&self) -> u64 {
        self.counters.widest_split.load(Ordering::Relaxed)
    }

    /// Versioned keys the stream holds now to skip copies: those of the
    /// live sub-windows (for restarts), of the records a split sub-window
    /// passed to its pieces, and of the records another sub-window may
    /// return too (see [`WindowStream::dedup`](super::WindowStream::dedup)).
    pub fn dedup_keys(&self) -> u64 {
        self.counters.dedup_keys.load(Ordering::Relaxed)
    }

    /// The most keys [`dedup_keys`](Self::dedup_keys) reached: the
    /// de-duplication memory's high-water mark, at 20 to 40 bytes a key.
    pub fn dedup_keys_peak(&self) -> u64 {
        self.counters.dedup_keys_peak.load(Ordering::Relaxed)
    }

    /// The checkpoint: the earliest sub-window not yet delivered bounds
    /// what is complete.
    pub fn checkpoint(&self) -> Checkpoint {
        let s = self.state();
        Checkpoint {
            start: s.whole.start(),
            stop: s.whole.stop(),
            completed_through: s
                .pending
                .iter()
                .next()
                .map_or(s.whole.stop(), |w| w.start()),
            query_type: s.query_type,
        }
    }

    pub(crate) fn delivered(&self, records: usize) {
        self.counters.pages.fetch_add(1, Ordering::Relaxed);
        self.counters
            .records
            .fetch_add(records as u64, Ordering::Relaxed);
    }

    pub(crate) fn announced(&self, total: u64) {
        // Totals come from the server: a hostile one must not wrap the sum
        // back to a small, plausible number.
        let _ = self
            .counters
            .announced
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |sum| {
                Some(sum.saturating_add(total))
            });
    }

    pub(crate) fn duplicates(&self, n: u64) {
        self.counters.duplicates.fetch_add(n, Ordering::Relaxed);
    }

    /// Sets the keys held now (the engine reports it, not the consumer).
    pub(crate) fn set_dedup_keys(&self, held: u64) {
        self.counters.dedup_keys.store(held, Ordering::Relaxed);
        self.counters
            .dedup_keys_peak
            .fetch_max(held, Ordering::Relaxed);
    }

    pub(crate) fn restarted(&self) {
        self.counters.restarts.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn split(&self, parent: TimeWindow, children: &[TimeWindow]) {
        let mut s = self.state();
        s.pending.remove(&parent);
        s.pending.extend(children.iter().copied());
        self.counters
            .windows_total
            .fetch_add((children.len() as u64).saturating_sub(1), Ordering::Relaxed);
        self.counters.splits.fetch_add(1, Ordering::Relaxed);
        self.counters
            .widest_split
            .fetch_max(children.len() as u64, Ordering::Relaxed);
    }

    pub(crate) fn done(&self, window: TimeWindow) {
        self.state().pending.remove(&window);
        self.counters.windows_done.fetch_add(1, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_totals_saturate_instead_of_wrapping() {
        let day = TimeWindow::from_civil(
            chrono::NaiveDate::from_ymd_opt(2024, 1, 1)
                .unwrap()
                .and_hms_opt(0, 0, 0)
                .unwrap(),
            chrono::NaiveDate::from_ymd_opt(2024, 1, 2)
                .unwrap()
                .and_hms_opt(0, 0, 0)
                .unwrap(),
        );
        let progress = WindowProgress::new(day, &[day], Some(1));
        progress.announced(u64::MAX - 1);
        progress.announced(3);
        assert_eq!(progress.announced_total(), u64::MAX);
        progress.announced(u64::MAX);
        assert_eq!(progress.announced_total(), u64::MAX);
    }
}
