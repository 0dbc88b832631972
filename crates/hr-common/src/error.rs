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
/// ```
/// use hr_common::Error;
///
/// let err = Error::api("beisen", "417", "只支持查询90天范围内的数据,请分段查询").with_status(200);
/// assert_eq!(err.vendor_code(), Some("417"));
/// assert_eq!(err.status(), Some(200));
/// assert!(!err.is_retryable());
/// assert!(err.to_string().contains("417"));
/// ```
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The request did not complete at the transport level: DNS, connect,
    /// TLS, reset connection, or a timeout.
    #[error("{}", fmt_transport(.kind, .message, .sent))]
    #[non_exhaustive]
    Transport {
        /// What kind of transport failure.
        kind: TransportErrorKind,
        /// Human-readable description.
        message: String,
        /// Whether the request may have reached the server. `false` means it
        /// certainly did not, so even a non-idempotent call is safe to repeat.
        sent: bool,
        /// The underlying error, when there is one.
        #[source]
        source: Option<BoxError>,
    },

    /// The server answered with an HTTP status the client did not expect and
    /// the body carried no recognisable vendor error.
    #[error(
        "{}unexpected HTTP status {status}{}: {body_excerpt}",
        service_prefix(service),
        fmt_request_id(request_id)
    )]
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
    },

    /// The vendor reported an error in its own envelope (for example Beisen's
    /// `{"code":"417","message":…}` or ISDP's `{"status":"failed","msg":…}`).
    #[error(
        "{}API error {code}{}: {message}{}",
        service_prefix(service),
        fmt_status(status),
        fmt_request_id(request_id)
    )]
    #[non_exhaustive]
    Api {
        /// The vendor, e.g. `"beisen"`.
        service: Option<&'static str>,
        /// The vendor's code, always as a string (`"417"`, `"invalid_token"`).
        code: String,
        /// The vendor's message, verbatim.
        message: String,
        /// HTTP status of the response that carried the error.
        status: Option<u16>,
        /// Request id sent back by the server, if any.
        request_id: Option<String>,
    },

    /// Authentication failed: the token endpoint refused the credentials, or
    /// the API rejected a freshly fetched token.
    #[error(
        "{}authentication failed ({}){}{}: {message}{}",
        service_prefix(service),
        kind,
        fmt_status(status),
        fmt_code(code),
        fmt_request_id(request_id)
    )]
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
    },

    /// The response body could not be decoded into the expected type.
    #[error(
        "{}could not decode response at `{path}`: {message}{} (body: {body_excerpt})",
        service_prefix(service),
        fmt_status(status)
    )]
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
    },

    /// The request was rejected client-side, before anything was sent.
    #[error("invalid request{}: {message}", fmt_field(field))]
    #[non_exhaustive]
    InvalidRequest {
        /// The offending field, when one field is to blame.
        field: Option<String>,
        /// Why the request is invalid.
        message: String,
    },

    /// The server (HTTP 429) or a limiter refused the call for now.
    #[error(
        "{}rate limited{}{}{}{}",
        service_prefix(service),
        fmt_status(status),
        fmt_code(code),
        fmt_retry_after(retry_after),
        fmt_message(message)
    )]
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
    },

    /// A scroll id or cursor is no longer usable, or paging went wrong.
    #[error("paging failed ({kind}): {message}")]
    #[non_exhaustive]
    Paging {
        /// What went wrong.
        kind: PagingErrorKind,
        /// Details, e.g. how many records were delivered out of how many.
        message: String,
    },
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
    /// The request could not be built (bad URL, refused scheme, redirect policy).
    Request,
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
}

impl fmt::Display for TransportErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Connect => "connect",
            Self::Timeout => "timeout",
            Self::Deadline => "deadline exceeded",
            Self::Io => "connection",
            Self::Request => "request",
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
        })
    }
}

fn service_prefix(service: &Option<&'static str>) -> String {
    service.map(|s| format!("{s}: ")).unwrap_or_default()
}

fn fmt_status(status: &Option<u16>) -> String {
    status.map(|s| format!(" (HTTP {s})")).unwrap_or_default()
}

fn fmt_code(code: &Option<String>) -> String {
    code.as_ref().map(|c| format!(" [{c}]")).unwrap_or_default()
}

fn fmt_message(message: &Option<String>) -> String {
    message
        .as_ref()
        .map(|m| format!(": {m}"))
        .unwrap_or_default()
}

fn fmt_field(field: &Option<String>) -> String {
    field
        .as_ref()
        .map(|f| format!(" (`{f}`)"))
        .unwrap_or_default()
}

fn fmt_request_id(id: &Option<String>) -> String {
    id.as_ref()
        .map(|id| format!(" [request id {id}]"))
        .unwrap_or_default()
}

fn fmt_retry_after(retry_after: &Option<Duration>) -> String {
    retry_after
        .map(|d| format!(", retry after {:.1}s", d.as_secs_f64()))
        .unwrap_or_default()
}

fn fmt_transport(kind: &TransportErrorKind, message: &str, sent: &bool) -> String {
    let sent = if *sent { "" } else { " (request not sent)" };
    format!("transport error ({kind}){sent}: {message}")
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
    /// A vendor API error with code and message.
    pub fn api(service: &'static str, code: impl Into<String>, message: impl Into<String>) -> Self {
        Error::Api {
            service: Some(service),
            code: code.into(),
            message: message.into(),
            status: None,
            request_id: None,
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
            field: Some(field.into()),
            message: message.into(),
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
            message: message.into(),
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
            path: path.into(),
            message: message.into(),
            status: None,
            body_excerpt: body_excerpt(body),
        }
    }

    /// A paging failure.
    pub fn paging(kind: PagingErrorKind, message: impl Into<String>) -> Self {
        Error::Paging {
            kind,
            message: message.into(),
        }
    }

    /// An authentication failure.
    pub fn auth(kind: AuthErrorKind, message: impl Into<String>) -> Self {
        Error::Auth {
            service: None,
            kind,
            status: None,
            code: None,
            message: message.into(),
            request_id: None,
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
        match &mut self {
            Error::Api { code, .. } => *code = new.into(),
            Error::Auth { code, .. } | Error::RateLimited { code, .. } => *code = Some(new.into()),
            _ => {}
        }
        self
    }

    /// A transport failure.
    pub fn transport(kind: TransportErrorKind, sent: bool, message: impl Into<String>) -> Self {
        Error::Transport {
            kind,
            message: message.into(),
            sent,
            source: None,
        }
    }

    /// A decode failure from a `serde_path_to_error` error and the body it failed on.
    ///
    /// The deserializer's message is scrubbed of the value it quotes
    /// ([`scrub_values`](crate::redact::scrub_values)): a phone number that
    /// arrived as an integer must not reach the logs through an error.
    pub fn decode(err: serde_path_to_error::Error<serde_json::Error>, body: &[u8]) -> Self {
        let path = err.path().to_string();
        Error::Decode {
            service: None,
            path,
            message: crate::redact::scrub_values(&err.into_inner().to_string()),
            status: None,
            body_excerpt: body_excerpt(body),
        }
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
        match &mut self {
            Error::Status { service, .. }
            | Error::Api { service, .. }
            | Error::Auth { service, .. }
            | Error::Decode { service, .. }
            | Error::RateLimited { service, .. } => *service = Some(name),
            _ => {}
        }
        self
    }

    /// Sets the request id on variants that carry one.
    pub fn with_request_id(mut self, id: Option<String>) -> Self {
        match &mut self {
            Error::Status { request_id, .. }
            | Error::Api { request_id, .. }
            | Error::Auth { request_id, .. }
            | Error::RateLimited { request_id, .. } => *request_id = id,
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
            Error::Api { code, .. } => Some(code),
            Error::Auth { code, .. } | Error::RateLimited { code, .. } => code.as_deref(),
            _ => None,
        }
    }

    /// The vendor's message, if the vendor sent one.
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

    /// Whether repeating the same call later may succeed: transport failures,
    /// timeouts, rate limiting, 5xx statuses and expired scrolls (restart the
    /// scroll). Whether it is *safe* to repeat also depends on idempotency,
    /// which the transport checks before it retries.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Transport { kind, .. } => !matches!(
                kind,
                TransportErrorKind::Request | TransportErrorKind::Deadline
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

    /// How long the server asked to wait, for rate-limit errors.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Error::RateLimited { retry_after, .. } => *retry_after,
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

        let status = Error::Status {
            service: Some("isdp"),
            status: 503,
            body_excerpt: "busy".into(),
            request_id: None,
        };
        assert_eq!(status.status(), Some(503));
        assert!(status.is_retryable());
        assert_eq!(status.to_string(), "isdp: unexpected HTTP status 503: busy");

        let auth = Error::Auth {
            service: Some("isdp"),
            kind: AuthErrorKind::TokenRejected,
            status: Some(401),
            code: Some("invalid_token".into()),
            message: "check_token error".into(),
            request_id: Some("r-9".into()),
        };
        assert!(auth.is_auth() && !auth.is_retryable());
        assert_eq!(auth.vendor_code(), Some("invalid_token"));
        assert_eq!(
            auth.to_string(),
            "isdp: authentication failed (token rejected) (HTTP 401) [invalid_token]: check_token error [request id r-9]"
        );

        let limited = Error::rate_limited(Some(Duration::from_secs(2))).with_status(429);
        assert!(limited.is_retryable());
        assert_eq!(limited.retry_after(), Some(Duration::from_secs(2)));
        assert_eq!(
            limited.to_string(),
            "rate limited (HTTP 429), retry after 2.0s"
        );
        let quota = Error::RateLimited {
            service: Some("beisen"),
            status: Some(429),
            retry_after: None,
            code: Some("429".into()),
            message: Some("今日调用次数已用完".into()),
            request_id: None,
        };
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
