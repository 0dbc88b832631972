//! The one error type shared by every client of the family.
//!
//! Each variant answers "what happened" for one class of failure, and the
//! accessors ([`Error::status`], [`Error::vendor_code`], [`Error::is_retryable`],
//! [`Error::is_auth`], [`Error::is_timeout`]) answer the questions a caller
//! usually asks without matching on variants. `Display` always includes the
//! vendor's code and message when there is one, because that is what a person
//! reading a log line needs.
//!
//! `Error` is `Clone` (sources are held in `Arc`) so that one failure can be
//! handed to every task waiting on a shared operation, such as a token refresh.

use std::error::Error as StdError;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// Shorthand for `std::result::Result<T, hr_common::Error>`.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// A shareable source error.
pub type BoxError = Arc<dyn StdError + Send + Sync + 'static>;

/// How many bytes of a response body an error keeps.
pub const BODY_EXCERPT_LIMIT: usize = 512;

/// Every failure of an hr-sdk client.
///
/// Every text an error is built with (vendor messages, body excerpts,
/// decode and transport messages) goes through [`redact`](crate::redact::redact)
/// at construction, so that mobile numbers, ID and card numbers and secrets
/// never reach a log through an error. `Display` leaves out the parts an
/// error does not have, and names the host, the attempts and the time spent
/// when a call gave up after retrying ([`Error::call`]).
///
/// ```
/// use hr_common::Error;
///
/// let err = Error::api("beisen", "417", "只支持查询90天范围内的数据,请分段查询").with_status(200);
/// assert_eq!(err.vendor_code(), Some("417"));
/// assert_eq!(err.status(), Some(200));
/// assert!(!err.is_retryable());
/// assert!(err.to_string().contains("417"));
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Error {
    /// The request did not complete at the transport level: DNS, connect,
    /// TLS, reset connection, a timeout, a refused redirect or an oversized
    /// response.
    #[non_exhaustive]
    Transport {
        /// The vendor, e.g. `"beisen"`.
        service: Option<&'static str>,
        /// What kind of transport failure.
        kind: TransportErrorKind,
        /// Human-readable description.
        message: String,
        /// Whether the request may have reached the server. `false` means it
        /// certainly did not, so even a non-idempotent call is safe to repeat.
        sent: bool,
        /// The underlying error, when there is one.
        source: Option<BoxError>,
        /// Where the call went and how long it tried.
        call: Option<Box<CallInfo>>,
    },

    /// The server answered with an HTTP status the client did not expect and
    /// the body carried no recognisable vendor error.
    #[non_exhaustive]
    Status {
        /// The vendor, e.g. `"beisen"`.
        service: Option<&'static str>,
        /// HTTP status code.
        status: u16,
        /// The start of the body, truncated to [`BODY_EXCERPT_LIMIT`] bytes.
        body_excerpt: String,
        /// Request id sent back by the server, if any.
        request_id: Option<String>,
        /// How long the server asked the client to wait (`Retry-After` on a 503).
        retry_after: Option<Duration>,
        /// Where the call went and how long it tried.
        call: Option<Box<CallInfo>>,
    },

    /// The vendor reported an error in its own envelope (for example Beisen's
    /// `{"code":"417","message":…}` or ISDP's `{"status":"failed","msg":…}`).
    #[non_exhaustive]
    Api {
        /// The vendor, e.g. `"beisen"`.
        service: Option<&'static str>,
        /// The vendor's code, always as a string (`"417"`, `"invalid_token"`).
        code: String,
        /// The vendor's message, redacted and bounded.
        message: String,
        /// HTTP status of the response that carried the error.
        status: Option<u16>,
        /// Request id sent back by the server, if any.
        request_id: Option<String>,
        /// Where the call went and how long it tried.
        call: Option<Box<CallInfo>>,
    },

    /// Authentication failed: the token endpoint refused the credentials, or
    /// the API rejected a freshly fetched token.
    #[non_exhaustive]
    Auth {
        /// The vendor, e.g. `"isdp"`.
        service: Option<&'static str>,
        /// Whether the token fetch or the token itself failed.
        kind: AuthErrorKind,
        /// HTTP status, when there was a response.
        status: Option<u16>,
        /// Vendor error code, such as `invalid_token` or `invalid_tenantid`.
        code: Option<String>,
        /// What the vendor or the client said.
        message: String,
        /// Request id sent back by the server, if any.
        request_id: Option<String>,
        /// Where the call went and how long it tried.
        call: Option<Box<CallInfo>>,
    },

    /// The response body could not be decoded into the expected type.
    #[non_exhaustive]
    Decode {
        /// The vendor, e.g. `"beisen"`.
        service: Option<&'static str>,
        /// JSON path of the failing value, from `serde_path_to_error`
        /// (`data[3].employeeInfo.userID`); `.` for the root.
        path: String,
        /// The deserializer's message.
        message: String,
        /// HTTP status of the response.
        status: Option<u16>,
        /// The start of the body, truncated to [`BODY_EXCERPT_LIMIT`] bytes.
        body_excerpt: String,
        /// Where the call went and how long it tried.
        call: Option<Box<CallInfo>>,
    },

    /// The request was rejected client-side, before anything was sent.
    #[non_exhaustive]
    InvalidRequest {
        /// The offending field, when one field is to blame.
        field: Option<String>,
        /// Why the request is invalid.
        message: String,
    },

    /// The server (HTTP 429) or a limiter refused the call for now.
    #[non_exhaustive]
    RateLimited {
        /// The vendor, e.g. `"beisen"`.
        service: Option<&'static str>,
        /// HTTP status (normally 429).
        status: Option<u16>,
        /// How long the server asked the client to wait.
        retry_after: Option<Duration>,
        /// The vendor's code, when its 429 body carried one.
        code: Option<String>,
        /// The vendor's message (e.g. "daily quota spent").
        message: Option<String>,
        /// Request id sent back by the server, if any.
        request_id: Option<String>,
        /// Where the call went and how long it tried.
        call: Option<Box<CallInfo>>,
    },

    /// A scroll id or cursor is no longer usable, or paging went wrong.
    #[non_exhaustive]
    Paging {
        /// What went wrong.
        kind: PagingErrorKind,
        /// Details, e.g. how many records were delivered out of how many.
        message: String,
    },

    /// A bug or a broken invariant inside the client, such as a spawned task
    /// that panicked ([`Error::from_join_error`]). Not the caller's request
    /// and not the vendor's answer.
    #[non_exhaustive]
    Internal {
        /// The vendor, e.g. `"beisen"`.
        service: Option<&'static str>,
        /// What happened.
        message: String,
    },
}

/// Where a call went and how hard the transport tried, attached to the
/// errors [`Transport`](crate::transport::Transport) returns.
///
/// ```
/// use std::time::Duration;
/// use hr_common::error::{CallInfo, GaveUp};
///
/// let info = CallInfo::new("openapi.italent.cn", 3, Duration::from_millis(1500))
///     .gave_up(GaveUp::MaxAttempts);
/// let err = hr_common::Error::unexpected_status(503, b"busy")
///     .with_service("beisen")
///     .with_call(info);
/// assert_eq!(err.attempts(), Some(3));
/// assert_eq!(err.elapsed(), Some(Duration::from_millis(1500)));
/// assert_eq!(
///     err.to_string(),
///     "beisen: unexpected HTTP status 503: busy \
///      (openapi.italent.cn, 3 attempts in 1.50s, gave up: attempt limit reached)"
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CallInfo {
    /// Host, and port when not the scheme's default. Never a path or query.
    pub host: String,
    /// HTTP attempts made, the first included (0: nothing was sent).
    pub attempts: u32,
    /// Time from the start of the call to the error.
    pub elapsed: Duration,
    /// Why the transport stopped retrying a failure it would otherwise
    /// have retried, if that is how the call ended.
    pub gave_up: Option<GaveUp>,
}

impl CallInfo {
    /// Call details without a reason for giving up.
    pub fn new(host: impl Into<String>, attempts: u32, elapsed: Duration) -> Self {
        CallInfo {
            host: host.into(),
            attempts,
            elapsed,
            gave_up: None,
        }
    }

    /// Records why retrying stopped.
    pub fn gave_up(mut self, reason: GaveUp) -> Self {
        self.gave_up = Some(reason);
        self
    }
}

impl fmt::Display for CallInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let plural = if self.attempts == 1 { "" } else { "s" };
        write!(
            f,
            "{}, {} attempt{plural} in {:.2}s",
            self.host,
            self.attempts,
            self.elapsed.as_secs_f64()
        )?;
        if let Some(reason) = self.gave_up {
            write!(f, ", gave up: {reason}")?;
        }
        Ok(())
    }
}

/// Why the transport stopped retrying a failure that was worth retrying.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum GaveUp {
    /// [`RetryPolicy::max_attempts`](crate::transport::RetryPolicy::max_attempts) attempts were made.
    MaxAttempts,
    /// The next wait would have passed the call's overall deadline, or it passed.
    Deadline,
    /// The shared [`RetryBudget`](crate::transport::RetryBudget) had no tokens left.
    RetryBudget,
    /// The server kept throttling (429) for more than
    /// [`RetryPolicy::max_throttle_waits`](crate::transport::RetryPolicy::max_throttle_waits) waits.
    ThrottleLimit,
    /// The server asked to wait longer than
    /// [`RetryPolicy::max_retry_after`](crate::transport::RetryPolicy::max_retry_after).
    RetryAfterTooLong,
}

impl fmt::Display for GaveUp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::MaxAttempts => "attempt limit reached",
            Self::Deadline => "overall deadline",
            Self::RetryBudget => "retry budget exhausted",
            Self::ThrottleLimit => "still throttled after the maximum number of waits",
            Self::RetryAfterTooLong => "Retry-After longer than the client waits",
        })
    }
}

/// Transport failure classes; see [`Error::Transport`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransportErrorKind {
    /// Could not connect (DNS, refused, TLS handshake). The request was not sent.
    Connect,
    /// One attempt took longer than the per-attempt timeout.
    Timeout,
    /// The overall deadline of the call passed.
    Deadline,
    /// The connection broke while sending or receiving.
    Io,
    /// The request could not be built (bad URL, refused scheme).
    Request,
    /// The server redirected where the client will not follow: another
    /// origin, a refused URL, or more than 5 redirects.
    Redirect,
    /// The response body was larger than the transport accepts
    /// ([`TransportBuilder::max_response_bytes`](crate::transport::TransportBuilder::max_response_bytes)).
    BodyTooLarge,
}

/// Authentication failure classes; see [`Error::Auth`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum AuthErrorKind {
    /// The token endpoint refused to issue a token (bad credentials, tenant…).
    TokenFetch,
    /// The API rejected the token even after one refresh.
    TokenRejected,
    /// The API refused the caller itself (e.g. HTTP 403: IP not on the trusted list).
    Forbidden,
}

/// Paging failure classes; see [`Error::Paging`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum PagingErrorKind {
    /// The scroll or cursor expired before the end was reached.
    Expired,
    /// The server sent a cursor it had sent before: following it would loop.
    RepeatedCursor,
    /// More pages than the configured maximum.
    TooManyPages,
    /// The server returned more records than it announced.
    Overrun,
    /// The server's paging is inconsistent: a cursor or scroll id the client
    /// cannot use, or an empty page before the announced total.
    Invalid,
    /// Paging stopped before the end because its background task was
    /// cancelled (the Tokio runtime shut down).
    Cancelled,
    /// The server made no progress: a page held only records the listing
    /// had already delivered, or answered another position than the one
    /// asked for. Paging on would loop.
    NoProgress,
}

impl fmt::Display for TransportErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Connect => "connect",
            Self::Timeout => "timeout",
            Self::Deadline => "deadline exceeded",
            Self::Io => "connection",
            Self::Request => "request",
            Self::Redirect => "redirect refused",
            Self::BodyTooLarge => "response too large",
        })
    }
}

impl fmt::Display for AuthErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::TokenFetch => "token request refused",
            Self::TokenRejected => "token rejected",
            Self::Forbidden => "access forbidden",
        })
    }
}

impl fmt::Display for PagingErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Expired => "expired",
            Self::RepeatedCursor => "repeated cursor",
            Self::TooManyPages => "too many pages",
            Self::Overrun => "more records than announced",
            Self::Invalid => "inconsistent paging",
            Self::Cancelled => "cancelled",
            Self::NoProgress => "no progress",
        })
    }
}

/// The longest vendor or client message an error keeps, in bytes.
pub const MESSAGE_LIMIT: usize = 4 * 1024;

/// Redacts and bounds a text an error is built with.
fn clean(text: &str) -> String {
    let text = text.trim();
    // Redaction is linear but not free: look at a bounded prefix only.
    let cut = cut_at(text, 4 * MESSAGE_LIMIT);
    let redacted = crate::redact::redact(cut);
    if redacted.len() > MESSAGE_LIMIT || cut.len() < text.len() {
        format!("{}…", cut_at(&redacted, MESSAGE_LIMIT))
    } else {
        redacted
    }
}

fn clean_opt(text: Option<String>) -> Option<String> {
    text.map(|t| clean(&t)).filter(|t| !t.is_empty())
}

/// The longest prefix of `text` of at most `max` bytes, on a char boundary.
fn cut_at(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// Writes the parts of an error that it has, skipping empty ones.
struct Parts<'a, 'b> {
    f: &'a mut fmt::Formatter<'b>,
}

impl Parts<'_, '_> {
    fn service(&mut self, service: Option<&str>) -> fmt::Result {
        match service.filter(|s| !s.is_empty()) {
            Some(s) => write!(self.f, "{s}: "),
            None => Ok(()),
        }
    }

    fn text(&mut self, text: &str) -> fmt::Result {
        self.f.write_str(text)
    }

    /// ` {before}{value}{after}` when `value` is not empty.
    fn opt(&mut self, before: &str, value: Option<&str>, after: &str) -> fmt::Result {
        match value.map(str::trim).filter(|v| !v.is_empty()) {
            Some(v) => write!(self.f, "{before}{v}{after}"),
            None => Ok(()),
        }
    }

    fn status(&mut self, status: Option<u16>) -> fmt::Result {
        match status {
            Some(s) => write!(self.f, " (HTTP {s})"),
            None => Ok(()),
        }
    }

    fn message(&mut self, message: Option<&str>) -> fmt::Result {
        self.opt(": ", message, "")
    }

    fn request_id(&mut self, id: Option<&str>) -> fmt::Result {
        self.opt(" [request id ", id, "]")
    }

    fn call(&mut self, call: Option<&CallInfo>) -> fmt::Result {
        // One attempt that failed for good tells its own story; the host,
        // the attempts and the time matter once the transport retried or
        // gave up retrying.
        match call.filter(|c| c.attempts > 1 || c.gave_up.is_some()) {
            Some(c) => write!(self.f, " ({c})"),
            None => Ok(()),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut p = Parts { f };
        match self {
            Error::Transport {
                service,
                kind,
                message,
                sent,
                call,
                ..
            } => {
                p.service(*service)?;
                p.text(&format!("transport error ({kind})"))?;
                if !sent {
                    p.text(" (request not sent)")?;
                }
                p.message(Some(message))?;
                p.call(call.as_deref())
            }
            Error::Status {
                service,
                status,
                body_excerpt,
                request_id,
                retry_after,
                call,
            } => {
                p.service(*service)?;
                p.text(&format!("unexpected HTTP status {status}"))?;
                if let Some(after) = retry_after {
                    p.text(&format!(", retry after {:.1}s", after.as_secs_f64()))?;
                }
                p.request_id(request_id.as_deref())?;
                p.message(Some(body_excerpt))?;
                p.call(call.as_deref())
            }
            Error::Api {
                service,
                code,
                message,
                status,
                request_id,
                call,
            } => {
                p.service(*service)?;
                p.text("API error")?;
                p.opt(" ", Some(code), "")?;
                p.status(*status)?;
                p.message(Some(message))?;
                p.request_id(request_id.as_deref())?;
                p.call(call.as_deref())
            }
            Error::Auth {
                service,
                kind,
                status,
                code,
                message,
                request_id,
                call,
            } => {
                p.service(*service)?;
                p.text(&format!("authentication failed ({kind})"))?;
                p.status(*status)?;
                p.opt(" [", code.as_deref(), "]")?;
                p.message(Some(message))?;
                p.request_id(request_id.as_deref())?;
                p.call(call.as_deref())
            }
            Error::Decode {
                service,
                path,
                message,
                status,
                body_excerpt,
                call,
            } => {
                p.service(*service)?;
                p.text("could not decode response")?;
                p.opt(" at `", Some(path), "`")?;
                p.message(Some(message))?;
                p.status(*status)?;
                p.opt(" (body: ", Some(body_excerpt), ")")?;
                p.call(call.as_deref())
            }
            Error::InvalidRequest { field, message } => {
                p.text("invalid request")?;
                p.opt(" (`", field.as_deref(), "`)")?;
                p.message(Some(message))
            }
            Error::RateLimited {
                service,
                status,
                retry_after,
                code,
                message,
                request_id,
                call,
            } => {
                p.service(*service)?;
                p.text("rate limited")?;
                p.status(*status)?;
                p.opt(" [", code.as_deref(), "]")?;
                if let Some(after) = retry_after {
                    p.text(&format!(", retry after {:.1}s", after.as_secs_f64()))?;
                }
                p.message(message.as_deref())?;
                p.request_id(request_id.as_deref())?;
                p.call(call.as_deref())
            }
            Error::Paging { kind, message } => {
                p.text(&format!("paging failed ({kind})"))?;
                p.message(Some(message))
            }
            Error::Internal { service, message } => {
                p.service(*service)?;
                p.text("internal error")?;
                p.message(Some(message))
            }
        }
    }
}

impl StdError for Error {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        match self {
            Error::Transport {
                source: Some(source),
                ..
            } => Some(&**source as &(dyn StdError + 'static)),
            _ => None,
        }
    }
}

/// Cuts a body down to [`BODY_EXCERPT_LIMIT`] bytes on a character boundary,
/// after [redacting](crate::redact::redact) secrets and personal data,
/// since error messages end up in logs.
///
/// ```
/// let long = "北".repeat(400);
/// let cut = hr_common::error::body_excerpt(long.as_bytes());
/// assert!(cut.len() <= hr_common::error::BODY_EXCERPT_LIMIT + 3);
/// assert!(cut.ends_with('…'));
/// let token = hr_common::error::body_excerpt(br#"{"access_token":"SECRET","expires_in":"7200"}"#);
/// assert!(!token.contains("SECRET"));
/// ```
pub fn body_excerpt(body: &[u8]) -> String {
    // Redaction is linear but not free: look at a bounded prefix only.
    let body = &body[..body.len().min(16 * 1024)];
    let text = crate::redact::redact(String::from_utf8_lossy(body).trim());
    if text.len() <= BODY_EXCERPT_LIMIT {
        return text;
    }
    let mut end = BODY_EXCERPT_LIMIT;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &text[..end])
}

impl Error {
    /// A vendor API error with code and message. The message is
    /// [redacted](crate::redact::redact) and bounded to [`MESSAGE_LIMIT`].
    ///
    /// ```
    /// let err = hr_common::Error::api("beisen", "417", "员工 手机 13812345678 已存在");
    /// assert_eq!(err.vendor_message(), Some("员工 手机 138****5678 已存在"));
    /// ```
    pub fn api(service: &'static str, code: impl Into<String>, message: impl Into<String>) -> Self {
        Error::Api {
            service: Some(service),
            code: clean(&code.into()),
            message: clean(&message.into()),
            status: None,
            request_id: None,
            call: None,
        }
    }

    /// A client-side validation failure, raised before sending.
    ///
    /// ```
    /// let err = hr_common::Error::invalid_request("capacity", "must be at most 300, got 500");
    /// assert_eq!(err.to_string(), "invalid request (`capacity`): must be at most 300, got 500");
    /// ```
    pub fn invalid_request(field: impl Into<String>, message: impl Into<String>) -> Self {
        Error::InvalidRequest {
            field: clean_opt(Some(field.into())),
            message: clean(&message.into()),
        }
    }

    /// A rate-limit refusal, e.g. from a custom [`RateLimiter`](crate::transport::RateLimiter).
    ///
    /// ```
    /// use std::time::Duration;
    /// let err = hr_common::Error::rate_limited(Some(Duration::from_secs(3)));
    /// assert!(err.is_retryable());
    /// assert_eq!(err.retry_after(), Some(Duration::from_secs(3)));
    /// ```
    pub fn rate_limited(retry_after: Option<Duration>) -> Self {
        Error::RateLimited {
            service: None,
            status: None,
            retry_after,
            code: None,
            message: None,
            request_id: None,
            call: None,
        }
    }

    /// A rate-limit refusal with the vendor's code and message, both
    /// optional; empty ones are dropped.
    pub fn throttled(
        retry_after: Option<Duration>,
        code: Option<String>,
        message: Option<String>,
    ) -> Self {
        Error::RateLimited {
            service: None,
            status: None,
            retry_after,
            code: clean_opt(code),
            message: clean_opt(message),
            request_id: None,
            call: None,
        }
    }

    /// An unexpected HTTP status; the body is kept as a redacted excerpt.
    ///
    /// ```
    /// let err = hr_common::Error::unexpected_status(502, b"Bad Gateway");
    /// assert_eq!(err.status(), Some(502));
    /// assert!(err.is_retryable());
    /// ```
    pub fn unexpected_status(status: u16, body: &[u8]) -> Self {
        Error::Status {
            service: None,
            status,
            body_excerpt: body_excerpt(body),
            request_id: None,
            retry_after: None,
            call: None,
        }
    }

    /// A client-side validation failure not tied to one field.
    ///
    /// ```
    /// let err = hr_common::Error::invalid("either userNo or userId is required");
    /// assert_eq!(err.to_string(), "invalid request: either userNo or userId is required");
    /// ```
    pub fn invalid(message: impl Into<String>) -> Self {
        Error::InvalidRequest {
            field: None,
            message: clean(&message.into()),
        }
    }

    /// A decode failure from any source, with the path of the failing value.
    ///
    /// ```
    /// let err = hr_common::Error::decode_at("data.expires_in", "not a number: \"abc\"", b"{}");
    /// assert_eq!(err.decode_path(), Some("data.expires_in"));
    /// ```
    pub fn decode_at(path: impl Into<String>, message: impl Into<String>, body: &[u8]) -> Self {
        Error::Decode {
            service: None,
            path: clean(&path.into()),
            message: clean(&message.into()),
            status: None,
            body_excerpt: body_excerpt(body),
            call: None,
        }
    }

    /// A paging failure.
    pub fn paging(kind: PagingErrorKind, message: impl Into<String>) -> Self {
        Error::Paging {
            kind,
            message: clean(&message.into()),
        }
    }

    /// An authentication failure.
    pub fn auth(kind: AuthErrorKind, message: impl Into<String>) -> Self {
        Error::Auth {
            service: None,
            kind,
            status: None,
            code: None,
            message: clean(&message.into()),
            request_id: None,
            call: None,
        }
    }

    /// A failure inside the client itself (a bug, a broken invariant).
    ///
    /// ```
    /// let err = hr_common::Error::internal("worker queue closed");
    /// assert_eq!(err.to_string(), "internal error: worker queue closed");
    /// assert!(!err.is_retryable());
    /// ```
    pub fn internal(message: impl Into<String>) -> Self {
        Error::Internal {
            service: None,
            message: clean(&message.into()),
        }
    }

    /// The error for a spawned task that did not finish: a panic becomes
    /// [`Error::Internal`] "task panicked: …" with the panic's message, a
    /// cancellation (the runtime shutting down, an abort) "task cancelled".
    /// Never an invalid-request error: the caller's request was fine.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let joined = tokio::spawn(async { panic!("index out of bounds") }).await;
    /// let err = hr_common::Error::from_join_error(joined.unwrap_err());
    /// assert!(err.is_internal());
    /// assert_eq!(err.to_string(), "internal error: task panicked: index out of bounds");
    /// # }
    /// ```
    pub fn from_join_error(err: tokio::task::JoinError) -> Self {
        if err.is_panic() {
            let payload = err.into_panic();
            let what = payload
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| payload.downcast_ref::<String>().cloned());
            Error::internal(match what {
                Some(what) => format!("task panicked: {what}"),
                None => "task panicked".to_owned(),
            })
        } else {
            Error::internal("task cancelled (was the Tokio runtime shut down?)")
        }
    }

    /// Sets the vendor code on API, auth and rate-limit errors.
    ///
    /// ```
    /// use hr_common::{Error, error::AuthErrorKind};
    /// let err = Error::auth(AuthErrorKind::TokenFetch, "bad tenant").with_code("invalid_tenantid");
    /// assert_eq!(err.vendor_code(), Some("invalid_tenantid"));
    /// ```
    pub fn with_code(mut self, new: impl Into<String>) -> Self {
        let new = clean(&new.into());
        match &mut self {
            Error::Api { code, .. } => *code = new,
            Error::Auth { code, .. } | Error::RateLimited { code, .. } => {
                *code = Some(new).filter(|c| !c.is_empty())
            }
            _ => {}
        }
        self
    }

    /// A transport failure.
    pub fn transport(kind: TransportErrorKind, sent: bool, message: impl Into<String>) -> Self {
        Error::Transport {
            service: None,
            kind,
            message: clean(&message.into()),
            sent,
            source: None,
            call: None,
        }
    }

    /// A decode failure from a `serde_path_to_error` error and the body it failed on.
    ///
    /// The deserializer's message is scrubbed of the value it quotes
    /// ([`scrub_values`](crate::redact::scrub_values)): a phone number that
    /// arrived as an integer must not reach the logs through an error.
    pub fn decode(err: serde_path_to_error::Error<serde_json::Error>, body: &[u8]) -> Self {
        let path = err.path().to_string();
        Error::decode_at(
            path,
            crate::redact::scrub_values(&err.into_inner().to_string()),
            body,
        )
    }

    /// Sets the HTTP status on variants that carry one.
    pub fn with_status(mut self, new: u16) -> Self {
        match &mut self {
            Error::Status { status, .. } => *status = new,
            Error::Api { status, .. }
            | Error::Auth { status, .. }
            | Error::Decode { status, .. }
            | Error::RateLimited { status, .. } => *status = Some(new),
            _ => {}
        }
        self
    }

    /// Sets the vendor name on variants that carry one.
    pub fn with_service(mut self, name: &'static str) -> Self {
        if let Some(service) = self.service_mut() {
            *service = Some(name);
        }
        self
    }

    fn service_mut(&mut self) -> Option<&mut Option<&'static str>> {
        match self {
            Error::Transport { service, .. }
            | Error::Status { service, .. }
            | Error::Api { service, .. }
            | Error::Auth { service, .. }
            | Error::Decode { service, .. }
            | Error::RateLimited { service, .. }
            | Error::Internal { service, .. } => Some(service),
            Error::InvalidRequest { .. } | Error::Paging { .. } => None,
        }
    }

    /// The vendor named in the error, if any.
    pub fn service(&self) -> Option<&'static str> {
        match self {
            Error::Transport { service, .. }
            | Error::Status { service, .. }
            | Error::Api { service, .. }
            | Error::Auth { service, .. }
            | Error::Decode { service, .. }
            | Error::RateLimited { service, .. }
            | Error::Internal { service, .. } => *service,
            Error::InvalidRequest { .. } | Error::Paging { .. } => None,
        }
    }

    /// Sets the request id on variants that carry one.
    pub fn with_request_id(mut self, id: Option<String>) -> Self {
        let id = id.filter(|id| !id.trim().is_empty());
        match &mut self {
            Error::Status { request_id, .. }
            | Error::Api { request_id, .. }
            | Error::Auth { request_id, .. }
            | Error::RateLimited { request_id, .. } => *request_id = id,
            _ => {}
        }
        self
    }

    /// Sets how long the server asked to wait, on rate-limit and status errors.
    pub fn with_retry_after(mut self, after: Option<Duration>) -> Self {
        match &mut self {
            Error::RateLimited { retry_after, .. } | Error::Status { retry_after, .. } => {
                *retry_after = after
            }
            _ => {}
        }
        self
    }

    /// Attaches a source error to a transport failure.
    pub fn with_source(mut self, err: impl StdError + Send + Sync + 'static) -> Self {
        if let Error::Transport { source, .. } = &mut self {
            *source = Some(Arc::new(err));
        }
        self
    }

    /// Attaches where the call went and how hard it was tried, on variants
    /// that come from a response or a transport failure (not on
    /// [`Error::InvalidRequest`], [`Error::Paging`] or [`Error::Internal`]).
    pub fn with_call(mut self, info: CallInfo) -> Self {
        if let Some(call) = self.call_mut() {
            *call = Some(Box::new(info));
        }
        self
    }

    fn call_mut(&mut self) -> Option<&mut Option<Box<CallInfo>>> {
        match self {
            Error::Transport { call, .. }
            | Error::Status { call, .. }
            | Error::Api { call, .. }
            | Error::Auth { call, .. }
            | Error::Decode { call, .. }
            | Error::RateLimited { call, .. } => Some(call),
            _ => None,
        }
    }

    /// Fills in the vendor and the call details where they are missing:
    /// an error passed through from a nested call (a token fetch through
    /// another transport) keeps its own.
    pub(crate) fn or_context(
        mut self,
        name: &'static str,
        info: impl FnOnce() -> CallInfo,
    ) -> Self {
        if let Some(service @ None) = self.service_mut() {
            *service = Some(name);
        }
        if let Some(call @ None) = self.call_mut() {
            *call = Some(Box::new(info()));
        }
        self
    }

    /// Where the call went and how hard it was tried, for errors returned
    /// by a [`Transport`](crate::transport::Transport).
    pub fn call(&self) -> Option<&CallInfo> {
        match self {
            Error::Transport { call, .. }
            | Error::Status { call, .. }
            | Error::Api { call, .. }
            | Error::Auth { call, .. }
            | Error::Decode { call, .. }
            | Error::RateLimited { call, .. } => call.as_deref(),
            _ => None,
        }
    }

    /// How many HTTP attempts the failed call made, when the error came
    /// from a [`Transport`](crate::transport::Transport).
    pub fn attempts(&self) -> Option<u32> {
        self.call().map(|c| c.attempts)
    }

    /// How long the failed call ran before it ended, when the error came
    /// from a [`Transport`](crate::transport::Transport).
    pub fn elapsed(&self) -> Option<Duration> {
        self.call().map(|c| c.elapsed)
    }

    /// Why the transport stopped retrying, if it gave up on a failure it
    /// would otherwise have retried.
    pub fn gave_up(&self) -> Option<GaveUp> {
        self.call().and_then(|c| c.gave_up)
    }

    /// The HTTP status of the response behind this error, if there was one.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Status { status, .. } => Some(*status),
            Error::Api { status, .. }
            | Error::Auth { status, .. }
            | Error::Decode { status, .. }
            | Error::RateLimited { status, .. } => *status,
            _ => None,
        }
    }

    /// The vendor's error code (`"417"`, `"invalid_token"`), if the vendor sent one.
    pub fn vendor_code(&self) -> Option<&str> {
        match self {
            Error::Api { code, .. } => Some(code.as_str()).filter(|c| !c.is_empty()),
            Error::Auth { code, .. } | Error::RateLimited { code, .. } => code.as_deref(),
            _ => None,
        }
    }

    /// The vendor's message, if the vendor sent one (redacted).
    pub fn vendor_message(&self) -> Option<&str> {
        match self {
            Error::Api { message, .. } => Some(message),
            Error::Auth { message, .. } => Some(message),
            Error::RateLimited { message, .. } => message.as_deref(),
            _ => None,
        }
    }

    /// The request id the server sent back, if any.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Status { request_id, .. }
            | Error::Api { request_id, .. }
            | Error::Auth { request_id, .. }
            | Error::RateLimited { request_id, .. } => request_id.as_deref(),
            _ => None,
        }
    }

    /// The kind of a transport failure.
    pub fn transport_kind(&self) -> Option<TransportErrorKind> {
        match self {
            Error::Transport { kind, .. } => Some(*kind),
            _ => None,
        }
    }

    /// Whether repeating the same call later may succeed: transport failures,
    /// timeouts, rate limiting, 5xx statuses and expired scrolls (restart the
    /// scroll). Whether it is *safe* to repeat also depends on idempotency,
    /// which the transport checks before it retries.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Transport { kind, .. } => matches!(
                kind,
                TransportErrorKind::Connect | TransportErrorKind::Timeout | TransportErrorKind::Io
            ),
            Error::Status { status, .. } => is_retryable_status(*status),
            Error::Api { status, .. } => status.is_some_and(|s| s >= 500),
            Error::RateLimited { .. } => true,
            Error::Paging { kind, .. } => *kind == PagingErrorKind::Expired,
            _ => false,
        }
    }

    /// Whether this is an authentication or authorisation failure.
    pub fn is_auth(&self) -> bool {
        matches!(self, Error::Auth { .. })
    }

    /// Whether this is a rate-limit refusal (HTTP 429 or a limiter).
    pub fn is_rate_limited(&self) -> bool {
        matches!(self, Error::RateLimited { .. })
    }

    /// Whether an attempt timed out or the overall deadline passed.
    pub fn is_timeout(&self) -> bool {
        matches!(
            self,
            Error::Transport {
                kind: TransportErrorKind::Timeout | TransportErrorKind::Deadline,
                ..
            }
        )
    }

    /// Whether the overall deadline of the call passed.
    pub fn is_deadline(&self) -> bool {
        self.transport_kind() == Some(TransportErrorKind::Deadline)
    }

    /// Whether the request certainly never reached the server.
    pub fn is_unsent(&self) -> bool {
        matches!(
            self,
            Error::Transport { sent: false, .. } | Error::InvalidRequest { .. }
        )
    }

    /// Whether a response body could not be decoded.
    pub fn is_decode(&self) -> bool {
        matches!(self, Error::Decode { .. })
    }

    /// Whether the client failed internally (e.g. a task panicked).
    pub fn is_internal(&self) -> bool {
        matches!(self, Error::Internal { .. })
    }

    /// How long the server asked to wait, for rate-limit errors and
    /// statuses that came with `Retry-After` (a 503).
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Error::RateLimited { retry_after, .. } | Error::Status { retry_after, .. } => {
                *retry_after
            }
            _ => None,
        }
    }

    /// For decode errors, the JSON path of the failing value.
    pub fn decode_path(&self) -> Option<&str> {
        match self {
            Error::Decode { path, .. } => Some(path),
            _ => None,
        }
    }
}

/// Statuses worth retrying: 408, 429 and every 5xx except 501 and 505.
pub fn is_retryable_status(status: u16) -> bool {
    matches!(status, 408 | 429) || (status >= 500 && !matches!(status, 501 | 505))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_shows_vendor_code_message_and_status() {
        let err = Error::api("beisen", "417", "只支持查询90天范围内的数据,请分段查询")
            .with_status(200)
            .with_request_id(Some("abc".into()));
        assert_eq!(
            err.to_string(),
            "beisen: API error 417 (HTTP 200): 只支持查询90天范围内的数据,请分段查询 [request id abc]"
        );
    }

    #[test]
    fn decode_error_carries_json_path() {
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct Item {
            id: u64,
        }
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct Page {
            data: Vec<Item>,
        }
        let body = br#"{"data":[{"id":1},{"id":"x"}]}"#;
        let mut de = serde_json::Deserializer::from_slice(body);
        let err = serde_path_to_error::deserialize::<_, Page>(&mut de).unwrap_err();
        let err = Error::decode(err, body)
            .with_service("isdp")
            .with_status(200);
        assert_eq!(err.decode_path(), Some("data[1].id"));
        let shown = err.to_string();
        assert!(
            shown.starts_with("isdp: could not decode response at `data[1].id`"),
            "{shown}"
        );
        assert!(shown.contains("HTTP 200"), "{shown}");
        assert!(shown.contains(r#"{"id":"x"}"#), "{shown}");
        assert!(err.is_decode());
        assert!(!err.is_retryable());
    }

    #[test]
    fn accessors_classify() {
        let timeout = Error::transport(TransportErrorKind::Timeout, true, "attempt took 30s");
        assert!(timeout.is_timeout() && timeout.is_retryable() && !timeout.is_unsent());
        let connect = Error::transport(TransportErrorKind::Connect, false, "refused");
        assert!(connect.is_unsent() && connect.is_retryable() && !connect.is_timeout());
        assert!(connect.to_string().contains("request not sent"));
        for kind in [
            TransportErrorKind::Request,
            TransportErrorKind::Deadline,
            TransportErrorKind::Redirect,
            TransportErrorKind::BodyTooLarge,
        ] {
            assert!(!Error::transport(kind, true, "x").is_retryable(), "{kind}");
        }

        let status = Error::unexpected_status(503, b"busy").with_service("isdp");
        assert_eq!(status.status(), Some(503));
        assert!(status.is_retryable());
        assert_eq!(status.to_string(), "isdp: unexpected HTTP status 503: busy");

        let auth = Error::auth(AuthErrorKind::TokenRejected, "check_token error")
            .with_service("isdp")
            .with_status(401)
            .with_code("invalid_token")
            .with_request_id(Some("r-9".into()));
        assert!(auth.is_auth() && !auth.is_retryable());
        assert_eq!(auth.vendor_code(), Some("invalid_token"));
        assert_eq!(
            auth.to_string(),
            "isdp: authentication failed (token rejected) (HTTP 401) [invalid_token]: check_token error [request id r-9]"
        );

        let limited = Error::rate_limited(Some(Duration::from_secs(2))).with_status(429);
        assert!(limited.is_retryable() && limited.is_rate_limited());
        assert_eq!(limited.retry_after(), Some(Duration::from_secs(2)));
        assert_eq!(
            limited.to_string(),
            "rate limited (HTTP 429), retry after 2.0s"
        );
        let quota = Error::throttled(None, Some("429".into()), Some("今日调用次数已用完".into()))
            .with_service("beisen")
            .with_status(429);
        assert_eq!(quota.vendor_code(), Some("429"));
        assert_eq!(
            quota.to_string(),
            "beisen: rate limited (HTTP 429) [429]: 今日调用次数已用完"
        );

        let expired = Error::paging(PagingErrorKind::Expired, "delivered 300 of 900");
        assert!(expired.is_retryable());
        let looped = Error::paging(PagingErrorKind::RepeatedCursor, "cursor abc seen twice");
        assert!(!looped.is_retryable());
    }

    fn call(attempts: u32, gave_up: Option<GaveUp>) -> CallInfo {
        let mut info = CallInfo::new(
            "api.example.com:8443",
            attempts,
            Duration::from_millis(2500),
        );
        info.gave_up = gave_up;
        info
    }

    #[test]
    fn display_transport_with_and_without_optional_parts() {
        let bare = Error::transport(TransportErrorKind::Io, true, "");
        assert_eq!(bare.to_string(), "transport error (connection)");
        let full = Error::transport(TransportErrorKind::Connect, false, "refused (/x)")
            .with_service("isdp")
            .with_call(call(3, Some(GaveUp::MaxAttempts)));
        assert_eq!(
            full.to_string(),
            "isdp: transport error (connect) (request not sent): refused (/x) \
             (api.example.com:8443, 3 attempts in 2.50s, gave up: attempt limit reached)"
        );
        let deadline =
            Error::transport(TransportErrorKind::Deadline, true, "deadline of 2m passed")
                .with_call(call(1, Some(GaveUp::Deadline)));
        assert_eq!(
            deadline.to_string(),
            "transport error (deadline exceeded): deadline of 2m passed \
             (api.example.com:8443, 1 attempt in 2.50s, gave up: overall deadline)"
        );
        assert_eq!(deadline.attempts(), Some(1));
        assert_eq!(deadline.gave_up(), Some(GaveUp::Deadline));
    }

    #[test]
    fn display_status_with_and_without_optional_parts() {
        assert_eq!(
            Error::unexpected_status(500, b"").to_string(),
            "unexpected HTTP status 500"
        );
        assert_eq!(
            Error::unexpected_status(500, b"  ")
                .with_request_id(Some(String::new()))
                .to_string(),
            "unexpected HTTP status 500"
        );
        let full = Error::unexpected_status(502, b"bad gateway")
            .with_service("beisen")
            .with_request_id(Some("r-1".into()))
            .with_call(call(2, None));
        assert_eq!(
            full.to_string(),
            "beisen: unexpected HTTP status 502 [request id r-1]: bad gateway \
             (api.example.com:8443, 2 attempts in 2.50s)"
        );
    }

    #[test]
    fn display_api_with_and_without_optional_parts() {
        let bare = Error::api("beisen", "", "").with_status(500);
        assert_eq!(bare.to_string(), "beisen: API error (HTTP 500)");
        assert_eq!(bare.vendor_code(), None);
        let no_status = Error::api("isdp", "E1", "failed");
        assert_eq!(no_status.to_string(), "isdp: API error E1: failed");
        let one_attempt = Error::api("isdp", "E1", "failed").with_call(call(1, None));
        assert_eq!(
            one_attempt.to_string(),
            "isdp: API error E1: failed",
            "one attempt that failed for good needs no call details"
        );
        assert_eq!(one_attempt.attempts(), Some(1));
    }

    #[test]
    fn display_auth_with_and_without_optional_parts() {
        let bare = Error::auth(AuthErrorKind::TokenFetch, "");
        assert_eq!(
            bare.to_string(),
            "authentication failed (token request refused)"
        );
        let empty_code = Error::auth(AuthErrorKind::Forbidden, "IP not allowed")
            .with_code("")
            .with_status(403);
        assert_eq!(
            empty_code.to_string(),
            "authentication failed (access forbidden) (HTTP 403): IP not allowed"
        );
    }

    #[test]
    fn display_decode_with_and_without_optional_parts() {
        let bare = Error::decode_at("", "", b"");
        assert_eq!(bare.to_string(), "could not decode response");
        let full = Error::decode_at("data[0].id", "expected u64", b"{\"data\":[]}")
            .with_service("isdp")
            .with_status(200);
        assert_eq!(
            full.to_string(),
            "isdp: could not decode response at `data[0].id`: expected u64 (HTTP 200) (body: {\"data\":[]})"
        );
    }

    #[test]
    fn display_invalid_request_with_and_without_optional_parts() {
        assert_eq!(Error::invalid("").to_string(), "invalid request");
        assert_eq!(
            Error::invalid_request("", "too big").to_string(),
            "invalid request: too big"
        );
        assert_eq!(
            Error::invalid_request("capacity", "").to_string(),
            "invalid request (`capacity`)"
        );
    }

    #[test]
    fn display_rate_limited_with_and_without_optional_parts() {
        assert_eq!(Error::rate_limited(None).to_string(), "rate limited");
        let empty = Error::throttled(None, Some(String::new()), Some("  ".into())).with_status(429);
        assert_eq!(empty.to_string(), "rate limited (HTTP 429)");
        assert_eq!(empty.vendor_code(), None);
        assert_eq!(empty.vendor_message(), None);
        let full = Error::throttled(
            Some(Duration::from_millis(1500)),
            Some("429".into()),
            Some("slow down".into()),
        )
        .with_service("beisen")
        .with_status(429)
        .with_request_id(Some("r-2".into()))
        .with_call(call(21, Some(GaveUp::ThrottleLimit)));
        assert_eq!(
            full.to_string(),
            "beisen: rate limited (HTTP 429) [429], retry after 1.5s: slow down [request id r-2] \
             (api.example.com:8443, 21 attempts in 2.50s, gave up: still throttled after the maximum number of waits)"
        );
    }

    #[test]
    fn display_paging_and_internal_with_and_without_optional_parts() {
        assert_eq!(
            Error::paging(PagingErrorKind::Expired, "").to_string(),
            "paging failed (expired)"
        );
        assert_eq!(
            Error::paging(PagingErrorKind::Overrun, "301 of 300").to_string(),
            "paging failed (more records than announced): 301 of 300"
        );
        assert_eq!(Error::internal("").to_string(), "internal error");
        assert_eq!(
            Error::internal("task panicked: boom")
                .with_service("beisen")
                .to_string(),
            "beisen: internal error: task panicked: boom"
        );
    }

    #[test]
    fn no_display_has_an_empty_part() {
        let errors = [
            Error::transport(TransportErrorKind::Io, true, ""),
            Error::unexpected_status(500, b""),
            Error::api("x", "", ""),
            Error::auth(AuthErrorKind::TokenRejected, "").with_code(""),
            Error::decode_at("", "", b""),
            Error::invalid(""),
            Error::throttled(None, Some(String::new()), Some(String::new())),
            Error::paging(PagingErrorKind::Invalid, ""),
            Error::internal(""),
        ];
        for err in errors {
            let shown = err.to_string();
            for bad in ["  ", "[]", "()", "``", ": (", ": [", "(body: )"] {
                assert!(!shown.contains(bad), "{shown:?} contains {bad:?}");
            }
            assert!(!shown.ends_with(':') && !shown.ends_with(' '), "{shown:?}");
        }
    }

    #[test]
    fn personal_data_and_secrets_never_reach_display() {
        let err = Error::api(
            "beisen",
            "417",
            "员工 程博文 手机 13812345678 身份证 110101199003071234 已存在",
        )
        .with_status(417);
        let shown = err.to_string();
        assert!(!shown.contains("13812345678"), "{shown}");
        assert!(!shown.contains("110101199003071234"), "{shown}");
        assert!(
            shown.contains("API error 417 (HTTP 417): 员工 程博文"),
            "{shown}"
        );

        let form = "invalid body: grant_type=password&password=Pa55w0rd&client_secret=CS-1&app_secret=AS-2&access_token=AT-3&secret=S-4&sessionId=SID-5";
        for err in [
            Error::unexpected_status(400, form.as_bytes()),
            Error::api("isdp", "400", form),
            Error::auth(AuthErrorKind::TokenFetch, form),
            Error::decode_at(".", form, form.as_bytes()),
            Error::transport(TransportErrorKind::Io, true, form),
            Error::invalid(form),
            Error::throttled(None, None, Some(form.into())),
            Error::internal(form),
        ] {
            let shown = format!("{err} {err:?}");
            for secret in ["Pa55w0rd", "CS-1", "AS-2", "AT-3", "S-4", "SID-5"] {
                assert!(!shown.contains(secret), "{secret} in {shown}");
            }
        }
    }

    #[test]
    fn messages_are_bounded() {
        let err = Error::api("x", "1", "长".repeat(10_000));
        let message = err.vendor_message().unwrap();
        assert!(message.len() <= MESSAGE_LIMIT + '…'.len_utf8());
        assert!(message.ends_with('…'));
    }

    #[tokio::test]
    async fn join_errors_are_internal_never_invalid_request() {
        let panicked = tokio::spawn(async { panic!("boom {}", 42) })
            .await
            .unwrap_err();
        let err = Error::from_join_error(panicked);
        assert!(err.is_internal() && !err.is_retryable() && !err.is_unsent());
        assert_eq!(err.to_string(), "internal error: task panicked: boom 42");
        assert!(!matches!(err, Error::InvalidRequest { .. }));

        let handle = tokio::spawn(std::future::pending::<()>());
        handle.abort();
        let cancelled = handle.await.unwrap_err();
        let err = Error::from_join_error(cancelled);
        assert!(err.is_internal());
        assert!(
            err.to_string()
                .starts_with("internal error: task cancelled"),
            "{err}"
        );
    }

    #[test]
    fn excerpt_is_bounded_and_char_safe() {
        let body = "é".repeat(1000);
        let cut = body_excerpt(body.as_bytes());
        assert!(cut.len() <= BODY_EXCERPT_LIMIT + '…'.len_utf8());
        assert!(cut.ends_with('…'));
        assert_eq!(body_excerpt(b"  short  "), "short");
    }

    #[test]
    fn error_is_send_sync_clone() {
        fn check<T: Send + Sync + Clone + 'static>() {}
        check::<Error>();
    }
}
