//! File downloads (serveFile, getTemplateExcel): the one path that does
//! not fit [`Endpoint`](hr_common::endpoint::Endpoint), because the body
//! is streamed rather than read whole and decoded.

use bytes::{Bytes, BytesMut};
use futures::stream::{BoxStream, StreamExt, TryStreamExt};
use hr_common::error::TransportErrorKind;
use hr_common::transport::{CallOptions, Request, Response, StreamingResponse};
use hr_common::{Error, Result};
use serde::Serialize;

use crate::client::IsdpClient;
use crate::envelope::{self, SERVICE};
use crate::group;

/// The most of a body read to tell a refusal from a file: vendor error
/// bodies are a few hundred bytes, and this bounds what a server that
/// streams text forever can make the client hold.
const SNIFF_LIMIT: usize = 64 * 1024;

/// Opens a download: POSTs `body` to `path` (a read, so retried like one)
/// and returns once the headers are in.
///
/// ISDP+ and its gateways answer refusals with HTTP 200 too, so a body
/// labelled JSON or XML, labelled text (`text/*`) and empty or starting
/// with `{` or `<`, or unlabelled and starting with `{`, is read (up to
/// [`SNIFF_LIMIT`]) rather than passed off as the file (a CSV labelled
/// `text/csv` is a file):
/// a failure it announces is [`Error::Api`] with the vendor's code and
/// message, anything else an [`Error::Decode`]. A body that starts like a
/// workbook (`PK`) is the file whatever its label.
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
    let resp = client.transport().send_streaming(req).await?;
    let status = resp.status();
    let headers = resp.headers().clone();
    let label = Label::of(headers.get("content-type").and_then(|v| v.to_str().ok()));
    let mut download = Download::from_streaming(resp, client.transport().max_response_bytes());
    if label == Label::File {
        return Ok(download);
    }
    let mut head = download.peek().await?;
    let start = head
        .iter()
        .flat_map(|c| c.iter())
        .find(|b| !b.is_ascii_whitespace());
    let refused = match &label {
        Label::File => false,
        // An export may come as text (`text/csv`, `text/plain`): only one
        // that reads as JSON, XML or HTML, or has nothing in it (an export
        // has its header row at least), is taken for an error page.
        Label::Text(kind) if kind.starts_with("text/") => {
            matches!(start, None | Some(b'{' | b'<'))
        }
        Label::Text(_) => !head.concat().starts_with(b"PK"),
        Label::Missing => start == Some(&b'{'),
    };
    if !refused {
        download.unread(head);
        return Ok(download);
    }
    download.read_up_to(&mut head, SNIFF_LIMIT).await?;
    let resp = Response::from_parts(status, headers, head.concat().into());
    if let Some(err) = envelope::failure(&resp) {
        return Err(err);
    }
    let what = match label {
        Label::Text(kind) => format!("a body of Content-Type `{kind}`"),
        _ => "a JSON body without a Content-Type".to_owned(),
    };
    Err(Error::decode_at(
        ".",
        format!("{path} answered {what} instead of a file"),
        resp.body(),
    )
    .with_service(SERVICE)
    .with_status(status))
}

/// What a download's `Content-Type` says it is.
#[derive(Debug, PartialEq, Eq)]
enum Label {
    /// A file (`application/octet-stream`, the xlsx type, anything not text).
    File,
    /// JSON, XML or `text/*`, with the media type as sent.
    Text(String),
    /// No usable `Content-Type`.
    Missing,
}

impl Label {
    fn of(content_type: Option<&str>) -> Self {
        let Some(value) = content_type
            .map(|v| {
                v.split(';')
                    .next()
                    .unwrap_or_default()
                    .trim()
                    .to_ascii_lowercase()
            })
            .filter(|v| !v.is_empty())
        else {
            return Label::Missing;
        };
        let textual = value.starts_with("text/")
            || matches!(value.as_str(), "application/json" | "application/xml")
            || value.ends_with("+json")
            || value.ends_with("+xml");
        if textual {
            Label::Text(value)
        } else {
            Label::File
        }
    }
}

/// A file being downloaded.
///
/// Never a vendor's refusal: a reply labelled JSON, XML or text (or
/// unlabelled and starting with `{`) is an error when the download is
/// opened, with the vendor's code and message when it carries them.
pub struct Download {
    /// `Content-Length`, when the server sent one.
    pub content_length: Option<u64>,
    /// The size the export task announced (`fileSize`), when it announced
    /// one above 0; [`ExportJob`](crate::ExportJob) sets it.
    pub expected_size: Option<u64>,
    max_bytes: usize,
    stream: BoxStream<'static, Result<Bytes>>,
}

impl std::fmt::Debug for Download {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Download")
            .field("content_length", &self.content_length)
            .field("expected_size", &self.expected_size)
            .field("max_bytes", &self.max_bytes)
            .finish_non_exhaustive()
    }
}

impl Download {
    /// `max_bytes` is the transport's cap on buffered bodies, which
    /// [`bytes`](Download::bytes) keeps to.
    fn from_streaming(resp: StreamingResponse, max_bytes: usize) -> Self {
        let content_length = resp
            .headers()
            .get("content-length")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse().ok());
        Download {
            content_length,
            expected_size: None,
            max_bytes,
            stream: resp.into_stream().boxed(),
        }
    }

    /// The first chunks of the body, up to the first one that is not all
    /// whitespace (or [`SNIFF_LIMIT`], or the end); give them back with
    /// [`unread`](Self::unread) to keep the body whole.
    async fn peek(&mut self) -> Result<Vec<Bytes>> {
        let mut head = Vec::new();
        let mut seen = 0;
        while seen < SNIFF_LIMIT {
            let Some(chunk) = self.stream.try_next().await? else {
                break;
            };
            seen += chunk.len();
            let blank = chunk.iter().all(u8::is_ascii_whitespace);
            head.push(chunk);
            if !blank {
                break;
            }
        }
        Ok(head)
    }

    /// Reads on into `head` until it holds `limit` bytes or the body ends.
    async fn read_up_to(&mut self, head: &mut Vec<Bytes>, limit: usize) -> Result<()> {
        let mut seen: usize = head.iter().map(Bytes::len).sum();
        while seen < limit {
            let Some(chunk) = self.stream.try_next().await? else {
                break;
            };
            seen += chunk.len();
            head.push(chunk);
        }
        Ok(())
    }

    /// Puts chunks read by [`peek`](Self::peek) back in front of the rest.
    fn unread(&mut self, head: Vec<Bytes>) {
        let rest = std::mem::replace(&mut self.stream, futures::stream::empty().boxed());
        self.stream = futures::stream::iter(head.into_iter().map(Ok))
            .chain(rest)
            .boxed();
    }

    /// The most [`bytes`](Download::bytes) keeps in memory. The default is
    /// the client transport's cap on buffered bodies
    /// ([`DEFAULT_MAX_RESPONSE_BYTES`](hr_common::transport::DEFAULT_MAX_RESPONSE_BYTES),
    /// 32 MiB); [`into_stream`](Download::into_stream) has no cap.
    pub fn max_bytes(mut self, limit: usize) -> Self {
        self.max_bytes = limit;
        self
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

    /// The whole body in memory; for small files. A body larger than
    /// [`max_bytes`](Download::max_bytes) is a
    /// [`BodyTooLarge`](TransportErrorKind::BodyTooLarge) error: refused
    /// before reading when `Content-Length` or the task's `fileSize`
    /// announces it, otherwise as soon as the body passes the cap. Stream
    /// larger files with [`into_stream`](Download::into_stream).
    pub async fn bytes(self) -> Result<Bytes> {
        let limit = self.max_bytes;
        let too_large = |size: String| {
            Error::transport(
                TransportErrorKind::BodyTooLarge,
                true,
                format!(
                    "download of {size} bytes exceeds the {limit} bytes `bytes()` keeps in \
                     memory; read it with `into_stream`, or raise `max_bytes`"
                ),
            )
            .with_service(SERVICE)
        };
        if let Some(n) = self.content_length.max(self.expected_size)
            && n > limit as u64
        {
            return Err(too_large(n.to_string()));
        }
        let mut body = BytesMut::new();
        let mut stream = self.into_stream();
        while let Some(chunk) = stream.try_next().await? {
            if chunk.len() > limit - body.len() {
                return Err(too_large(format!("more than {}", body.len() + chunk.len())));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body.freeze())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn download(chunks: &[&'static [u8]], max_bytes: usize) -> Download {
        let chunks: Vec<Result<Bytes>> = chunks.iter().map(|c| Ok(Bytes::from_static(c))).collect();
        Download {
            content_length: None,
            expected_size: None,
            max_bytes,
            stream: futures::stream::iter(chunks).boxed(),
        }
    }

    /// Without a `Content-Length` the cap is only found while reading.
    #[tokio::test]
    async fn bytes_stops_at_the_cap_on_an_unannounced_body() {
        let err = download(&[b"0123", b"4567", b"89"], 9)
            .bytes()
            .await
            .unwrap_err();
        assert_eq!(
            err.transport_kind(),
            Some(TransportErrorKind::BodyTooLarge),
            "{err}"
        );
        let whole = download(&[b"0123", b"4567", b"8"], 9)
            .bytes()
            .await
            .unwrap();
        assert_eq!(&whole[..], b"012345678");
    }

    #[tokio::test]
    async fn peeked_chunks_are_given_back_in_order() {
        let mut d = download(&[b" \n", b"PK\x03", b"rest"], 100);
        let head = d.peek().await.unwrap();
        assert_eq!(head.len(), 2);
        d.unread(head);
        assert_eq!(&d.bytes().await.unwrap()[..], b" \nPK\x03rest");
    }

    #[test]
    fn labels() {
        for (ct, label) in [
            (Some("application/json;charset=UTF-8"), "text"),
            (Some("text/html"), "text"),
            (Some("application/problem+json"), "text"),
            (Some("application/octet-stream"), "file"),
            (
                Some("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
                "file",
            ),
            (Some(" "), "missing"),
            (None, "missing"),
        ] {
            let got = match Label::of(ct) {
                Label::File => "file",
                Label::Text(_) => "text",
                Label::Missing => "missing",
            };
            assert_eq!(got, label, "{ct:?}");
        }
    }
}
