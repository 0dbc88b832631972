//! Background Tokio tasks: the one behind [`Pages::prefetch`], and the calls
//! of a concurrent offset listing.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use futures::StreamExt;
use futures::stream::Stream;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tracing::Instrument;

use super::{Page, Pages};
use crate::Result;
use crate::error::{Error, PagingErrorKind};

/// A Tokio task owned by a stream: it runs in the tracing span of whoever
/// spawned it, dropping the handle aborts it, and awaiting the handle
/// resumes a panic of the task.
///
/// Work that must go on while the consumer is busy elsewhere runs in one of
/// these: a future that is only polled from the stream's `poll_next` stands
/// still between polls, while the timers around it (a per-attempt timeout,
/// a scroll's idle limit on the server) keep running.
pub(super) struct Background<O> {
    handle: JoinHandle<O>,
    /// What the task does, for the error when the runtime kills it.
    what: &'static str,
}

impl<O: Send + 'static> Background<O> {
    /// Spawns `work` in the current tracing span.
    ///
    /// # Panics
    ///
    /// Outside a Tokio runtime.
    pub(super) fn spawn<W>(what: &'static str, work: W) -> Self
    where
        W: Future<Output = O> + Send + 'static,
    {
        // A spawned task starts with no span: without this, the log lines
        // and traces of the calls it makes lose the caller's context (the
        // sync job, the tenant) that the same calls carry when run inline.
        let handle = tokio::spawn(work.in_current_span());
        Background { handle, what }
    }
}

impl<O> Future for Background<O> {
    /// The task's output, or [`PagingErrorKind::Cancelled`] when the runtime
    /// dropped the task before it finished.
    type Output = Result<O>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let joined = ready!(Pin::new(&mut self.handle).poll(cx));
        Poll::Ready(match joined {
            Ok(out) => Ok(out),
            // The panic belongs to the caller's code (its fetch closure):
            // surface it where the caller is, as if the call had run inline.
            Err(err) if err.is_panic() => std::panic::resume_unwind(err.into_panic()),
            // Only `abort` (from our own drop, after which nobody polls) or
            // a runtime shutting down cancel the task; the latter must not
            // pass for the end of the listing.
            Err(_) => Err(Error::paging(
                PagingErrorKind::Cancelled,
                format!(
                    "{} was cancelled before it finished (is the Tokio runtime shutting down?)",
                    self.what
                ),
            )),
        })
    }
}

impl<O> Drop for Background<O> {
    fn drop(&mut self) {
        // Also cancels a request in flight, rather than letting it finish
        // for nobody and spend the vendor's rate limit.
        self.handle.abort();
    }
}

/// Pages fetched by a Tokio task into a bounded channel.
pub(super) struct Prefetch<T> {
    state: State<T>,
}

enum State<T> {
    /// Not polled yet: the task starts on the first poll, so that building
    /// the stream outside a runtime, or never polling it, fetches nothing.
    Idle {
        source: Pages<T>,
        buffer: usize,
    },
    Running {
        rx: mpsc::Receiver<Result<Page<T>>>,
        task: Background<()>,
    },
    Done,
}

impl<T: Send + 'static> Prefetch<T> {
    pub(super) fn new(source: Pages<T>, buffer_pages: usize) -> Self {
        Prefetch {
            state: State::Idle {
                source,
                buffer: buffer_pages.max(1),
            },
        }
    }
}

async fn drive<T>(mut source: Pages<T>, tx: mpsc::Sender<Result<Page<T>>>) {
    // `Pages` ends after an error, so errors need no special case here.
    while let Some(item) = source.next().await {
        if tx.send(item).await.is_err() {
            return;
        }
    }
}

impl<T: Send + 'static> Stream for Prefetch<T> {
    type Item = Result<Page<T>>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        loop {
            match &mut this.state {
                State::Idle { .. } => {
                    let State::Idle { source, buffer } =
                        std::mem::replace(&mut this.state, State::Done)
                    else {
                        unreachable!()
                    };
                    let (tx, rx) = mpsc::channel(buffer);
                    let task = Background::spawn("the prefetch task", drive(source, tx));
                    this.state = State::Running { rx, task };
                }
                State::Running { rx, task } => {
                    if let Some(item) = ready!(rx.poll_recv(cx)) {
                        return Poll::Ready(Some(item));
                    }
                    // The channel closes when the task ends: find out how it
                    // ended, so that a panic or a cancellation is not taken
                    // for the end of the listing.
                    let joined = ready!(Pin::new(task).poll(cx));
                    this.state = State::Done;
                    return Poll::Ready(joined.err().map(Err));
                }
                State::Done => return Poll::Ready(None),
            }
        }
    }
}
