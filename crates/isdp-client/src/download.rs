//! File downloads (serveFile, getTemplateExcel): the one path that does
//! not fit [`Endpoint`](hr_common::endpoint::Endpoint), because the body
//! is streamed rather than read whole and decoded.

use bytes::Bytes;
use futures::stream::{BoxStream, StreamExt, TryStreamExt};
use hr_common::transport::{CallOptions, Request, StreamingResponse};
use hr_common::{Error, Result};
use serde::Serialize;

use crate::client::IsdpClient;
use crate::group;

/// Opens a download: POSTs `body` to `path` (a read, so retried like one)
/// and returns once the headers are in.
pub(crate) async fn open<B: Serialize + ?Sized>(
    client: &IsdpClient,
    path: &'static str,
    body: &B,
    options: &CallOptions,
) -> Result<Download> {
    let req = Request::post(path)
        .json(body)?
        .idempotent(true)
        .group(group::PERSON)
        .options(options);
    Ok(Download::from_streaming(
        client.transport().send_streaming(req).await?,
    ))
}

/// A file being downloaded.
pub struct Download {
    /// `Content-Length`, when the server sent one.
    pub content_length: Option<u64>,
    /// The size the export task announced (`fileSize`), when it announced
    /// one above 0; [`ExportJob`](crate::ExportJob) sets it.
    pub expected_size: Option<u64>,
    stream: BoxStream<'static, Result<Bytes>>,
}

impl std::fmt::Debug for Download {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Download")
            .field("content_length", &self.content_length)
            .field("expected_size", &self.expected_size)
            .finish_non_exhaustive()
    }
}

impl Download {
    fn from_streaming(resp: StreamingResponse) -> Self {
        let content_length = resp
            .headers()
            .get("content-length")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse().ok());
        Download {
            content_length,
            expected_size: None,
            stream: resp.into_stream().boxed(),
        }
    }

    /// Checks the body against this size too (a task's `fileSize`); `None`
    /// or 0 checks nothing.
    pub fn expect_size(mut self, size: Option<u64>) -> Self {
        self.expected_size = size.filter(|&n| n > 0);
        self
    }

    /// The body, chunk by chunk. A body that ends before `Content-Length`,
    /// or whose length differs from [`expected_size`](Download::expected_size)
    /// (with or without `Content-Length`, chunked included), ends with an
    /// error rather than quietly short or long.
    pub fn into_stream(self) -> BoxStream<'static, Result<Bytes>> {
        let length = self.content_length;
        let size = self.expected_size;
        let mut seen = 0u64;
        let mut finished = false;
        let mismatch = |what: &str, seen: u64, n: u64| {
            Error::transport(
                hr_common::error::TransportErrorKind::Io,
                true,
                format!("download has {seen} bytes where {what} says {n}"),
            )
        };
        self.stream
            .map(Some)
            .chain(futures::stream::once(async { None }))
            .filter_map(move |item| {
                let out = match item {
                    _ if finished => None,
                    Some(Ok(chunk)) => {
                        seen += chunk.len() as u64;
                        match size {
                            Some(n) if seen > n => {
                                finished = true;
                                Some(Err(mismatch("the task's fileSize", seen, n)))
                            }
                            _ => Some(Ok(chunk)),
                        }
                    }
                    Some(Err(e)) => {
                        finished = true;
                        Some(Err(e))
                    }
                    None => match (length, size) {
                        (Some(n), _) if n != seen => Some(Err(Error::transport(
                            hr_common::error::TransportErrorKind::Io,
                            true,
                            format!("download ended after {seen} of {n} bytes"),
                        ))),
                        (_, Some(n)) if n != seen => {
                            Some(Err(mismatch("the task's fileSize", seen, n)))
                        }
                        _ => None,
                    },
                };
                futures::future::ready(out)
            })
            .boxed()
    }

    /// The whole body in memory; for small files.
    pub async fn bytes(self) -> Result<Bytes> {
        let chunks: Vec<Bytes> = self.into_stream().try_collect().await?;
        Ok(chunks.concat().into())
    }
}
