//! Background tasks run in the caller's tracing span. A test binary of its
//! own, as `tracing_span.rs` explains: a scoped subscriber races callsites
//! that tests on other threads hit first.

use hr_common::task::{Background, spawn_in_span};
use tracing::Instrument;
use tracing_subscriber::layer::SubscriberExt;

/// The name of the span current where it is called.
fn current_span_name() -> Option<&'static str> {
    tracing::Span::current().metadata().map(|m| m.name())
}

#[tokio::test]
async fn spawned_work_sees_the_callers_span() {
    let subscriber =
        tracing_subscriber::registry().with(tracing_subscriber::fmt::layer().with_test_writer());
    let _guard = tracing::subscriber::set_default(subscriber);

    let span = tracing::info_span!("sync_job");
    let (background, handle, bare) = span.in_scope(|| {
        (
            Background::spawn("a task", async { current_span_name() }),
            spawn_in_span(async { current_span_name() }),
            // The control: a bare spawn loses the span, so the two checks
            // above are not vacuous.
            tokio::spawn(async { current_span_name() }),
        )
    });
    assert_eq!(background.await.unwrap(), Some("sync_job"));
    assert_eq!(handle.await.unwrap(), Some("sync_job"));
    assert_eq!(bare.await.unwrap(), None);

    // A JoinSet takes the future: `in_current_span` does the same there.
    let mut set = tokio::task::JoinSet::new();
    span.in_scope(|| set.spawn(async { current_span_name() }.in_current_span()));
    assert_eq!(set.join_next().await.unwrap().unwrap(), Some("sync_job"));
}
