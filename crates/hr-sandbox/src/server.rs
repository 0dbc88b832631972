//! The accept loop: hyper over 127.0.0.1, with a per-connection kill switch
//! so the fault layer can drop a connection without answering.

use std::io;
use std::pin::Pin;
use std::task::{Context as TaskContext, Poll};

use axum::Router;
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinSet;
use tower::ServiceExt;

use crate::beisen::paths as beisen_paths;
use crate::faults::{KillSwitch, Vendor};

/// The documented path a request for `path` reaches on `vendor`'s web
/// stack, when that is not `path` itself: Beisen's (ASP.NET) routing
/// ignores the case of a path and a trailing `/`, ISDP's (Spring Boot 2)
/// a trailing `/`. Clients that spell a path another way than the
/// documents (`/oauth/token`, `…/getbytimewindow/`) reach the route, as
/// they would for real. `None`: route `path` as it is.
pub(crate) fn canonical_path(vendor: Vendor, path: &str) -> Option<String> {
    let trimmed = match path.trim_end_matches('/') {
        "" => "/",
        trimmed => trimmed,
    };
    match vendor {
        Vendor::Beisen => beisen_paths::LIMITED
            .iter()
            .chain([&beisen_paths::TOKEN, &beisen_paths::OAUTH_TOKEN])
            .find(|known| known.eq_ignore_ascii_case(trimmed))
            .filter(|known| **known != path)
            .map(|known| (*known).to_owned()),
        Vendor::Isdp => (trimmed != path).then(|| trimmed.to_owned()),
        Vendor::Travel => None,
    }
}

/// `req` sent to `path`, its query kept.
fn reroute<B>(req: &mut hyper::Request<B>, path: &str) {
    let target = match req.uri().query() {
        Some(query) => format!("{path}?{query}"),
        None => path.to_owned(),
    };
    let mut parts = req.uri().clone().into_parts();
    parts.path_and_query = target.parse().ok();
    if let Ok(uri) = hyper::Uri::from_parts(parts) {
        *req.uri_mut() = uri;
    }
}

/// A TCP stream whose writes fail once its kill switch is tripped, so the
/// response being written never reaches the client.
struct Killable {
    inner: TcpStream,
    kill: KillSwitch,
}

impl AsyncRead for Killable {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut TaskContext<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl AsyncWrite for Killable {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut TaskContext<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        if self.kill.is_tripped() {
            return Poll::Ready(Err(io::ErrorKind::ConnectionReset.into()));
        }
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<io::Result<()>> {
        if self.kill.is_tripped() {
            return Poll::Ready(Err(io::ErrorKind::ConnectionReset.into()));
        }
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// Serves `app` on `listener` for `vendor` until the task is aborted;
/// aborting it drops every open connection too.
pub(crate) async fn serve(listener: TcpListener, app: Router, vendor: Vendor) {
    let mut connections = JoinSet::new();
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            Some(_) = connections.join_next(), if !connections.is_empty() => continue,
        };
        let Ok((stream, _)) = accepted else {
            // Out of file descriptors and the like: back off instead of spinning.
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
            continue;
        };
        let _ = stream.set_nodelay(true);
        let kill = KillSwitch::default();
        let io = TokioIo::new(Killable {
            inner: stream,
            kill: kill.clone(),
        });
        let app = app.clone();
        let service =
            hyper::service::service_fn(move |mut req: hyper::Request<hyper::body::Incoming>| {
                req.extensions_mut().insert(kill.clone());
                if let Some(path) = canonical_path(vendor, req.uri().path()) {
                    reroute(&mut req, &path);
                }
                app.clone().oneshot(req.map(axum::body::Body::new))
            });
        connections.spawn(async move {
            let _ = hyper::server::conn::http1::Builder::new()
                .keep_alive(true)
                .serve_connection(io, service)
                .await;
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_matched_as_each_vendors_stack_matches_them() {
        let beisen = |p| canonical_path(Vendor::Beisen, p);
        assert_eq!(beisen("/oauth/token").as_deref(), Some("/OAuth/Token"));
        assert_eq!(
            beisen("/tenantbaseexternal/api/v5/employee/getbytimewindow/").as_deref(),
            Some(beisen_paths::EMPLOYEE_GET_BY_TIME_WINDOW)
        );
        assert_eq!(beisen(beisen_paths::EMPLOYEE_GET_BY_TIME_WINDOW), None);
        assert_eq!(beisen("/no/such/route/"), None);
        let isdp = |p| canonical_path(Vendor::Isdp, p);
        assert_eq!(
            isdp("/openapi/v1/person/getPersonList/").as_deref(),
            Some("/openapi/v1/person/getPersonList")
        );
        assert_eq!(isdp("/openapi/v1/person/getPersonList"), None);
        assert_eq!(isdp("/"), None);
        assert_eq!(canonical_path(Vendor::Travel, "/userSyn/"), None);
    }

    #[test]
    fn a_rerouted_request_keeps_its_query() {
        let mut req = hyper::Request::builder()
            .uri("/a/b/?access_token=x&y=1")
            .body(())
            .unwrap();
        reroute(&mut req, "/a/b");
        assert_eq!(req.uri().to_string(), "/a/b?access_token=x&y=1");
    }
}
