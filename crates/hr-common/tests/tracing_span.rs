//! The tracing span of a call, in a test binary of its own: tracing caches
//! each callsite's interest process-wide, so a scoped subscriber in one
//! test races callsites first hit by tests on other threads. Alone here, the
//! check cannot be disabled by a neighbour.

use std::sync::Arc;
use std::time::Duration;

use hr_common::TokenCache;
use hr_common::transport::{Request, RetryPolicy, Transport};
use wiremock::matchers::path;
use wiremock::{Mock, MockServer, ResponseTemplate};

fn transport(server: &MockServer) -> hr_common::transport::TransportBuilder {
    Transport::builder("test", server.uri()).retry(
        RetryPolicy::default()
            .initial_backoff(Duration::from_millis(1))
            .max_backoff(Duration::from_millis(5)),
    )
}

#[tokio::test]
async fn tracing_span_has_request_fields_and_no_secret() {
    use std::io::Write;
    use std::sync::Mutex;

    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);
    impl Write for Captured {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    let captured = Captured::default();
    let sink = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
        .with_ansi(false)
        .with_writer(move || sink.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let server = MockServer::builder().start().await;
    Mock::given(path("/TenantBaseExternal/api/v5/Employee/GetByIds"))
        .respond_with(ResponseTemplate::new(401))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(path("/TenantBaseExternal/api/v5/Employee/GetByIds"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    let t = transport(&server)
        .token_cache(TokenCache::new(hr_common::auth::StaticToken::new(
            "SUPERSECRET-42",
        )))
        .build()
        .unwrap();
    t.send(Request::post("/TenantBaseExternal/api/v5/Employee/GetByIds").idempotent(true))
        .await
        .unwrap();

    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(logs.contains("hr_request"), "{logs}");
    assert!(
        logs.contains(r#"path="/TenantBaseExternal/api/v5/Employee/GetByIds""#),
        "{logs}"
    );
    assert!(logs.contains("status=200"), "{logs}");
    assert!(logs.contains("token rejected"), "{logs}");
    assert!(
        !logs.contains("SUPERSECRET"),
        "a secret reached the logs:\n{logs}"
    );
}
