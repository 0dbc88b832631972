//! The background task behind [`Pages::prefetch`].

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use futures::StreamExt;
use futures::stream::Stream;
use tokio::sync::mpsc;

use super::{Page, Pages};
use crate::Result;
use crate::task::Background;

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
                    // The fetch closure is the caller's code: its panic is
                    // resumed in the caller, as if it had run inline.
                    let task =
                        Background::spawn("the prefetch task", drive(source, tx)).resume_panics();
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
