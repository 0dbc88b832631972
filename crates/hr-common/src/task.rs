//! Background Tokio tasks owned by a stream or a client: [`Background`].
//!
//! Every task the SDK spawns goes through here, so that all of them behave
//! alike:
//!
//! - **In the caller's span.** A task spawned with a bare `tokio::spawn`
//!   starts with no tracing span, and the log lines and traces of the calls
//!   it makes lose the caller's context (the sync job, the tenant) that the
//!   same calls carry when run inline. [`Background::spawn`] and
//!   [`spawn_in_span`] attach the span that is current where they are
//!   called.
//! - **Aborted on drop.** Dropping a [`Background`] aborts its task, which
//!   also cancels a request in flight rather than letting it finish for
//!   nobody and spend the vendor's rate limit.
//! - **No silent end.** A task that panicked or was cancelled (the runtime
//!   shutting down) is an error when joined ([`join_error`]), never an
//!   empty result that could pass for the end of a listing.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use tokio::task::{JoinError, JoinHandle};
use tracing::Instrument;

use crate::error::{Error, PagingErrorKind};

/// Spawns `work` on the current Tokio runtime, in the tracing span that is
/// current here.
///
/// For tasks whose handle goes elsewhere (a [`tokio::task::JoinSet`] takes
/// futures, not handles, so give it `work.in_current_span()` instead).
/// Prefer [`Background`], which also aborts the task when dropped.
///
/// # Panics
///
/// Outside a Tokio runtime.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let handle = hr_common::task::spawn_in_span(async { 6 * 7 });
/// assert_eq!(handle.await.unwrap(), 42);
/// # }
/// ```
pub fn spawn_in_span<F>(work: F) -> JoinHandle<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    tokio::spawn(work.in_current_span())
}

/// The error for a task that did not finish; `what` names the task for the
/// message ("the prefetch task").
///
/// - A panic is a bug, in the SDK or in a closure or type the caller
///   handed it: [`Error::Internal`], "task panicked: …" with the panic's
///   message ([`Error::from_join_error`]) and the task's name.
/// - A cancellation (the runtime shutting down, an abort) means the work
///   was not done: [`PagingErrorKind::Cancelled`], so that a listing cut
///   short does not pass for a complete one.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let joined = tokio::spawn(async { panic!("bad record") }).await;
/// let err = hr_common::task::join_error("a sub-window task", joined.unwrap_err());
/// assert!(err.is_internal());
/// assert_eq!(
///     err.to_string(),
///     "internal error: task panicked: bad record (in a sub-window task)"
/// );
/// # }
/// ```
pub fn join_error(what: &str, err: JoinError) -> Error {
    if err.is_cancelled() {
        return Error::paging(
            PagingErrorKind::Cancelled,
            format!(
                "{what} was cancelled before it finished (is the Tokio runtime shutting down?)"
            ),
        );
    }
    match Error::from_join_error(err) {
        Error::Internal { message, .. } => Error::internal(format!("{message} (in {what})")),
        other => other,
    }
}

/// A Tokio task owned by whoever holds this handle: it runs in the tracing
/// span of whoever spawned it, dropping the handle aborts it, and awaiting
/// the handle gives the task's output or, when the task did not finish,
/// the error of [`join_error`].
///
/// Work that must go on while its owner is busy elsewhere runs in one of
/// these: a future that is only polled from a stream's `poll_next` stands
/// still between polls, while the timers around it (a per-attempt timeout,
/// a scroll's idle limit on the server) keep running.
///
/// ```
/// use hr_common::task::Background;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let span = tracing::info_span!("sync_job", tenant = 42);
/// let task = span.in_scope(|| Background::spawn("the export poll", async { "done" }));
/// assert_eq!(task.await.unwrap(), "done");
///
/// let task = Background::spawn("the export poll", async { panic!("bad page") });
/// let err: hr_common::Error = task.await.unwrap_err();
/// assert!(err.is_internal());
/// # }
/// ```
#[must_use = "dropping a Background aborts its task"]
pub struct Background<O> {
    handle: JoinHandle<O>,
    /// What the task does, for the error when it does not finish.
    what: &'static str,
    resume_panics: bool,
}

impl<O> std::fmt::Debug for Background<O> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Background")
            .field("what", &self.what)
            .field("finished", &self.handle.is_finished())
            .finish()
    }
}

impl<O: Send + 'static> Background<O> {
    /// Spawns `work` in the current tracing span; `what` names it in errors
    /// ("the prefetch task").
    ///
    /// # Panics
    ///
    /// Outside a Tokio runtime.
    pub fn spawn<W>(what: &'static str, work: W) -> Self
    where
        W: Future<Output = O> + Send + 'static,
    {
        Background {
            handle: spawn_in_span(work),
            what,
            resume_panics: false,
        }
    }
}

impl<O> Background<O> {
    /// Re-raises a panic of the task in whoever awaits it, instead of
    /// returning it as an error.
    ///
    /// For tasks that run the caller's own code (a fetch closure): its
    /// panic then surfaces where the caller is, as if the code had run
    /// inline. A cancellation is still an error.
    pub fn resume_panics(mut self) -> Self {
        self.resume_panics = true;
        self
    }

    /// What the task does, as given to [`spawn`](Self::spawn).
    pub fn what(&self) -> &'static str {
        self.what
    }

    /// Whether the task has ended (finished, panicked or been cancelled).
    pub fn is_finished(&self) -> bool {
        self.handle.is_finished()
    }
}

impl<O> Future for Background<O> {
    /// The task's output, or the error of [`join_error`] when it did not
    /// finish.
    type Output = crate::Result<O>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let joined = ready!(Pin::new(&mut self.handle).poll(cx));
        Poll::Ready(match joined {
            Ok(out) => Ok(out),
            Err(err) if err.is_panic() && self.resume_panics => {
                std::panic::resume_unwind(err.into_panic())
            }
            Err(err) => Err(join_error(self.what, err)),
        })
    }
}

impl<O> Drop for Background<O> {
    fn drop(&mut self) {
        self.handle.abort();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::panic::AssertUnwindSafe;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::time::Duration;

    use futures::FutureExt;

    #[tokio::test]
    async fn output_of_a_finished_task() {
        let task = Background::spawn("a task", async { 7 });
        assert_eq!(task.what(), "a task");
        assert_eq!(task.await.unwrap(), 7);
    }

    #[tokio::test]
    async fn a_panic_is_an_internal_error_naming_the_task() {
        let err = Background::spawn("the coordinator", async { panic!("boom {}", 1) })
            .await
            .unwrap_err();
        assert!(err.is_internal(), "{err:?}");
        assert_eq!(
            err.to_string(),
            "internal error: task panicked: boom 1 (in the coordinator)"
        );
    }

    #[tokio::test]
    async fn resume_panics_reraises_in_the_awaiting_task() {
        let task =
            Background::spawn("a fetch", async { panic!("the caller's bug") }).resume_panics();
        let panic = AssertUnwindSafe(task).catch_unwind().await.unwrap_err();
        assert_eq!(panic.downcast_ref::<&str>(), Some(&"the caller's bug"));
    }

    #[tokio::test(start_paused = true)]
    async fn dropping_the_handle_aborts_the_task() {
        let finished = Arc::new(AtomicBool::new(false));
        let flag = finished.clone();
        let task = Background::spawn("a slow call", async move {
            tokio::time::sleep(Duration::from_secs(10)).await;
            flag.store(true, Ordering::SeqCst);
        });
        tokio::task::yield_now().await;
        drop(task);
        tokio::time::sleep(Duration::from_secs(60)).await;
        assert!(
            !finished.load(Ordering::SeqCst),
            "the task outlived its handle"
        );
    }

    #[test]
    fn a_task_killed_by_runtime_shutdown_is_cancelled_not_finished() {
        let rt = || {
            tokio::runtime::Builder::new_current_thread()
                .enable_time()
                .build()
                .unwrap()
        };
        let first = rt();
        let entered = first.enter();
        let task = Background::spawn("the prefetch task", std::future::pending::<()>());
        drop(entered);
        drop(first);
        let err = rt().block_on(task).unwrap_err();
        assert!(
            matches!(
                err,
                Error::Paging {
                    kind: PagingErrorKind::Cancelled,
                    ..
                }
            ),
            "{err:?}"
        );
        assert!(
            err.to_string().contains("the prefetch task was cancelled"),
            "{err}"
        );
    }
}
