//! How a run shows it is alive: a [`Progress`] receives the counts as
//! they change. [`auto`] picks an indicatif bar when stderr is a
//! terminal and throttled `tracing` lines otherwise (cron, CI, a
//! Kubernetes job's log); [`Silent`] says nothing.

use std::io::IsTerminal;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::pipeline::Mode;
use crate::report::SyncReport;

/// The running counts of a run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Counts {
    /// Records read.
    pub pulled: u64,
    /// Records skipped.
    pub skipped: u64,
    /// Users unchanged.
    pub unchanged: u64,
    /// Users sent.
    pub pushed: u64,
    /// Users the platform took.
    pub succeeded: u64,
    /// Users it refused.
    pub failed: u64,
}

/// Receives a run's progress. Every method has an empty default.
///
/// ```
/// use hr_sync::progress::{Counts, Progress};
///
/// struct Dots;
/// impl Progress for Dots {
///     fn update(&self, _counts: &Counts) { eprint!("."); }
/// }
/// let _job = hr_sync::SyncJob::builder().progress(Dots);
/// ```
pub trait Progress: Send + Sync {
    /// The run started.
    fn start(&self, _source: &str, _mode: Mode) {}
    /// The counts changed.
    fn update(&self, _counts: &Counts) {}
    /// The run ended.
    fn finish(&self, _report: &SyncReport) {}
}

impl<P: Progress + ?Sized> Progress for Box<P> {
    fn start(&self, source: &str, mode: Mode) {
        (**self).start(source, mode);
    }
    fn update(&self, counts: &Counts) {
        (**self).update(counts);
    }
    fn finish(&self, report: &SyncReport) {
        (**self).finish(report);
    }
}

impl<P: Progress + ?Sized> Progress for std::sync::Arc<P> {
    fn start(&self, source: &str, mode: Mode) {
        (**self).start(source, mode);
    }
    fn update(&self, counts: &Counts) {
        (**self).update(counts);
    }
    fn finish(&self, report: &SyncReport) {
        (**self).finish(report);
    }
}

impl dyn Progress {
    /// [`auto`]: a bar on a terminal, log lines otherwise.
    ///
    /// ```
    /// use hr_sync::progress::Progress;
    /// let _job = hr_sync::SyncJob::builder().progress(<dyn Progress>::auto());
    /// ```
    pub fn auto() -> Box<dyn Progress> {
        auto()
    }
}

/// Says nothing.
#[derive(Debug, Clone, Copy, Default)]
pub struct Silent;

impl Progress for Silent {}

/// A bar on a terminal, log lines elsewhere (what a job uses unless told
/// otherwise).
///
/// ```
/// let _job = hr_sync::SyncJob::builder().progress(hr_sync::progress::auto());
/// ```
pub fn auto() -> Box<dyn Progress> {
    if std::io::stderr().is_terminal() {
        Box::new(Bar::new())
    } else {
        Box::new(LogLines::default())
    }
}

/// `tracing::info!` lines, at most one per interval (default 5 s), and one
/// at the end.
#[derive(Debug)]
pub struct LogLines {
    every: Duration,
    last: Mutex<Option<Instant>>,
}

impl Default for LogLines {
    fn default() -> Self {
        LogLines::every(Duration::from_secs(5))
    }
}

impl LogLines {
    /// Lines at most every `interval`.
    pub fn every(interval: Duration) -> Self {
        LogLines {
            every: interval,
            last: Mutex::new(None),
        }
    }
}

impl Progress for LogLines {
    fn start(&self, source: &str, mode: Mode) {
        *self.last.lock().unwrap_or_else(PoisonError::into_inner) = Some(Instant::now());
        tracing::info!(source, %mode, "sync started");
    }

    fn update(&self, c: &Counts) {
        let mut last = self.last.lock().unwrap_or_else(PoisonError::into_inner);
        if last.is_some_and(|t| t.elapsed() < self.every) {
            return;
        }
        *last = Some(Instant::now());
        tracing::info!(
            pulled = c.pulled,
            skipped = c.skipped,
            unchanged = c.unchanged,
            pushed = c.pushed,
            succeeded = c.succeeded,
            failed = c.failed,
            "sync progress"
        );
    }

    fn finish(&self, r: &SyncReport) {
        tracing::info!(
            source = %r.source,
            pulled = r.pulled,
            skipped = r.skipped_total(),
            unchanged = r.unchanged,
            pushed = r.pushed,
            succeeded = r.succeeded,
            failed = r.failed,
            left = r.left,
            secs = r.duration.as_secs_f64(),
            complete = r.is_complete(),
            "sync finished"
        );
    }
}

/// An indicatif spinner with the counts (the total is not known ahead:
/// sources stream).
#[derive(Debug)]
pub struct Bar {
    bar: ProgressBar,
}

impl Default for Bar {
    fn default() -> Self {
        Bar::new()
    }
}

impl Bar {
    /// A spinner on stderr.
    pub fn new() -> Self {
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        bar.set_style(
            ProgressStyle::with_template("{spinner} [{elapsed_precise}] {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        Bar { bar }
    }
}

impl Progress for Bar {
    fn start(&self, source: &str, mode: Mode) {
        self.bar.enable_steady_tick(Duration::from_millis(120));
        self.bar.set_message(format!("{source} ({mode}): starting"));
    }

    fn update(&self, c: &Counts) {
        self.bar.set_message(format!(
            "pulled {} · skipped {} · unchanged {} · pushed {} · ok {} · failed {}",
            c.pulled, c.skipped, c.unchanged, c.pushed, c.succeeded, c.failed
        ));
    }

    fn finish(&self, r: &SyncReport) {
        self.bar.finish_with_message(format!(
            "pulled {} · pushed {} · ok {} · failed {} · {:.1} s",
            r.pulled,
            r.pushed,
            r.succeeded,
            r.failed,
            r.duration.as_secs_f64()
        ));
    }
}
