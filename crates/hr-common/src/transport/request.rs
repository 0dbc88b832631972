//! What goes into the transport ([`Request`]) and what comes out ([`Response`]).

use std::borrow::Cow;
use std::fmt;
use std::time::Duration;

use bytes::Bytes;
use reqwest::Method;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::{CallOptions, Priority, RetryPolicy};
use crate::error::{Error, Result};

/// The body of a request, serialised once so every retry sends the same bytes.
///
/// `Debug` shows the kind and size only: bodies carry secrets (token
/// requests) and personal data (employee writes).
#[derive(Clone)]
#[non_exhaustive]
pub enum Body {
    /// `application/json`.
    Json(Bytes),
    /// `application/x-www-form-urlencoded`.
    Form(Bytes),
    /// Raw bytes with their content type.
    Raw {
        /// The `Content-Type` header value.
        content_type: Cow<'static, str>,
        /// The bytes.
        bytes: Bytes,
    },
}

impl fmt::Debug for Body {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Body::Json(b) => write!(f, "Json({} bytes)", b.len()),
            Body::Form(b) => write!(f, "Form({} bytes)", b.len()),
            Body::Raw {
                content_type,
                bytes,
            } => write!(f, "Raw({content_type}, {} bytes)", bytes.len()),
        }
    }
}

/// One API call, before it is sent.
///
/// A request is relative to the transport's base URL unless its path is an
/// absolute URL. It is not idempotent unless marked so, and it carries the
/// bearer token unless [`without_auth`](Self::without_auth) is called.
///
/// ```
/// use hr_common::transport::Request;
/// use serde_json::json;
///
/// let req = Request::post("/TenantBaseExternal/api/v5/Employee/GetByTimeWindow")
///     .json(&json!({"startTime": "2021-01-01T00:00:00"}))?
///     .idempotent(true)
///     .group("employee.time-window");
/// assert_eq!(req.group_name(), "employee.time-window");
/// assert!(req.is_idempotent());
/// # Ok::<_, hr_common::Error>(())
/// ```
#[derive(Clone)]
pub struct Request {
    pub(crate) method: Method,
    pub(crate) path: String,
    pub(crate) query: Vec<(String, String)>,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Option<Body>,
    pub(crate) idempotent: bool,
    pub(crate) auth: bool,
    pub(crate) group: Cow<'static, str>,
    pub(crate) timeout: Option<Duration>,
    /// `Some(None)`: this call has no deadline; `None`: the transport's.
    pub(crate) deadline: Option<Option<Duration>>,
    pub(crate) retry: Option<RetryPolicy>,
    pub(crate) priority: Priority,
}

impl fmt::Debug for Request {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Request")
            .field("method", &self.method)
            .field("path", &self.path)
            .field(
                "query_keys",
                &self.query.iter().map(|(k, _)| k).collect::<Vec<_>>(),
            )
            .field("header_names", &self.headers.keys().collect::<Vec<_>>())
            .field("body", &self.body)
            .field("idempotent", &self.idempotent)
            .field("auth", &self.auth)
            .field("group", &self.group)
            .field("priority", &self.priority)
            .finish()
    }
}

impl Request {
    /// A request with any method.
    pub fn new(method: Method, path: impl Into<String>) -> Self {
        let idempotent = matches!(method, Method::GET | Method::HEAD | Method::OPTIONS);
        Request {
            method,
            path: path.into(),
            query: Vec::new(),
            headers: HeaderMap::new(),
            body: None,
            idempotent,
            auth: true,
            group: Cow::Borrowed("default"),
            timeout: None,
            deadline: None,
            retry: None,
            priority: Priority::Normal,
        }
    }

    /// A `POST`, the verb of almost every vendor endpoint here, read or write.
    pub fn post(path: impl Into<String>) -> Self {
        Self::new(Method::POST, path)
    }

    /// A `GET`, idempotent by default.
    pub fn get(path: impl Into<String>) -> Self {
        Self::new(Method::GET, path)
    }

    /// Serialises `body` as JSON.
    pub fn json<B: Serialize + ?Sized>(mut self, body: &B) -> Result<Self> {
        let bytes = serde_json::to_vec(body)
            .map_err(|e| Error::invalid(format!("request body does not serialise to JSON: {e}")))?;
        self.body = Some(Body::Json(Bytes::from(bytes)));
        Ok(self)
    }

    /// Sends `pairs` as an urlencoded form.
    pub fn form<K: AsRef<str>, V: AsRef<str>>(mut self, pairs: &[(K, V)]) -> Self {
        let encoded = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs.iter().map(|(k, v)| (k.as_ref(), v.as_ref())))
            .finish();
        self.body = Some(Body::Form(Bytes::from(encoded)));
        self
    }

    /// Sends raw bytes.
    pub fn bytes(mut self, content_type: impl Into<Cow<'static, str>>, bytes: Bytes) -> Self {
        self.body = Some(Body::Raw {
            content_type: content_type.into(),
            bytes,
        });
        self
    }

    /// Adds a query parameter.
    pub fn query(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.query.push((key.into(), value.into()));
        self
    }

    /// Adds a header. Mark secrets with [`HeaderValue::set_sensitive`].
    pub fn header(mut self, name: HeaderName, value: HeaderValue) -> Self {
        self.headers.append(name, value);
        self
    }

    /// Marks the call safe to repeat after it may have reached the server.
    /// Reads are; writes such as "create employee" are not.
    pub fn idempotent(mut self, idempotent: bool) -> Self {
        self.idempotent = idempotent;
        self
    }

    /// The rate-limit group this call counts against.
    pub fn group(mut self, group: impl Into<Cow<'static, str>>) -> Self {
        self.group = group.into();
        self
    }

    /// Sends no bearer token (token endpoints themselves).
    pub fn without_auth(mut self) -> Self {
        self.auth = false;
        self
    }

    /// Overrides the per-attempt timeout for this call.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Overrides the overall deadline for this call (token fetch, limiter
    /// waits, attempts and backoff included).
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = Some(Some(deadline));
        self
    }

    /// Lifts the overall deadline for this call: each attempt is still
    /// bounded by its timeout, and the retries by the policy and the budget.
    pub fn without_deadline(mut self) -> Self {
        self.deadline = Some(None);
        self
    }

    /// Overrides the retry policy for this call.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// The rate-limit priority of this call; [`Priority::Continuation`] for
    /// calls continuing server-side state that expires when idle.
    pub fn priority(mut self, priority: Priority) -> Self {
        self.priority = priority;
        self
    }

    /// Applies per-call options: only those set replace the transport's.
    pub fn options(mut self, options: &CallOptions) -> Self {
        if let Some(t) = options.timeout {
            self.timeout = Some(t);
        }
        if let Some(d) = options.deadline {
            self.deadline = Some(d);
        }
        if let Some(p) = &options.retry {
            self.retry = Some(p.clone());
        }
        if let Some(p) = options.priority {
            self.priority = p;
        }
        self
    }

    /// The rate-limit group.
    pub fn group_name(&self) -> &str {
        &self.group
    }

    /// The rate-limit priority.
    pub fn get_priority(&self) -> Priority {
        self.priority
    }

    /// Whether the call is safe to repeat.
    pub fn is_idempotent(&self) -> bool {
        self.idempotent
    }

    /// The path or absolute URL.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The HTTP method.
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// The body, if any.
    pub fn body(&self) -> Option<&Body> {
        self.body.as_ref()
    }
}

/// A complete response: status, headers and the whole body.
///
/// `Debug` shows the body's size, not its content.
///
/// ```
/// use hr_common::transport::Response;
///
/// let resp = Response::from_parts(200, Default::default(), br#"{"code":"200"}"#.to_vec().into());
/// let v: serde_json::Value = resp.json()?;
/// assert_eq!(v["code"], "200");
/// # Ok::<_, hr_common::Error>(())
/// ```
#[derive(Clone)]
pub struct Response {
    pub(crate) request_id: Option<String>,
    pub(crate) status: u16,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
    pub(crate) service: Option<&'static str>,
    pub(crate) attempts: u32,
}

impl fmt::Debug for Response {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Response")
            .field("status", &self.status)
            .field("request_id", &self.request_id)
            .field("body_bytes", &self.body.len())
            .field("attempts", &self.attempts)
            .finish()
    }
}

impl Response {
    /// Builds a response by hand, for tests and custom transports.
    pub fn from_parts(status: u16, headers: HeaderMap, body: Bytes) -> Self {
        Response {
            request_id: None,
            status,
            headers,
            body,
            service: None,
            attempts: 1,
        }
    }

    /// The HTTP status.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The request id the server sent back (from the transport's configured
    /// headers), for vendor errors found inside a 2xx body.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The body bytes.
    pub fn body(&self) -> &Bytes {
        &self.body
    }

    /// The body as text (lossy UTF-8).
    pub fn text(&self) -> Cow<'_, str> {
        String::from_utf8_lossy(&self.body)
    }

    /// How many attempts the call took, the first included.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// Decodes the body as JSON. On failure the error carries the JSON path
    /// of the offending value and an excerpt of the body.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T> {
        decode_json(&self.body, self.service, Some(self.status))
    }
}

/// Decodes JSON with the failing path recorded, for vendor crates decoding
/// bodies they hold outside a [`Response`].
///
/// ```
/// #[derive(Debug, serde::Deserialize)]
/// struct Item { #[allow(dead_code)] id: u64 }
///
/// let err = hr_common::transport::decode_json::<Vec<Item>>(br#"[{"id":1},{"id":"x"}]"#, Some("isdp"), None)
///     .unwrap_err();
/// assert_eq!(err.decode_path(), Some("[1].id"));
/// ```
pub fn decode_json<T: DeserializeOwned>(
    body: &[u8],
    service: Option<&'static str>,
    status: Option<u16>,
) -> Result<T> {
    // Fast path: recording the path costs a wrapper around every value and
    // every map key, which is most of the decode time on wide records. Only
    // a failure needs the path, so the body is decoded again to find it.
    // `from_slice` also rejects trailing non-whitespace, as the slow path's
    // `end()` does.
    match serde_json::from_slice(body) {
        Ok(value) => Ok(value),
        Err(fast) => {
            let err = decode_error::<T>(body, fast);
            let err = match service {
                Some(s) => err.with_service(s),
                None => err,
            };
            Err(match status {
                Some(s) => err.with_status(s),
                None => err,
            })
        }
    }
}

/// The error of a body that failed to decode, with its JSON path: the
/// body decoded again, this time recording the path.
#[cold]
fn decode_error<T: DeserializeOwned>(body: &[u8], fast: serde_json::Error) -> Error {
    let mut de = serde_json::Deserializer::from_slice(body);
    match serde_path_to_error::deserialize::<_, T>(&mut de) {
        Err(e) => Error::decode(e, body),
        Ok(_) => match de.end() {
            Err(e) => Error::decode_at(".", e.to_string(), body),
            // Decoding is deterministic, so the second pass fails as the
            // first did; should a `Deserialize` impl disagree, the first
            // error still stands, without a path.
            Ok(()) => Error::decode_at(".", crate::redact::scrub_values(&fast.to_string()), body),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Person {
        id: u64,
        org: Org,
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Org {
        name: String,
        parents: Vec<u32>,
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Page {
        data: Vec<Person>,
    }

    /// The error of the fast path's fallback is exactly the one a single
    /// `serde_path_to_error` pass produces: same path, same message.
    #[test]
    fn nested_failure_keeps_path_and_message() {
        let body = br#"{"data":[{"id":1,"org":{"name":"a","parents":[1]}},
            {"id":2,"org":{"name":"b","parents":[1,"13812345678"]}}]}"#;
        let err = decode_json::<Page>(body, Some("beisen"), Some(200)).unwrap_err();
        assert_eq!(err.decode_path(), Some("data[1].org.parents[1]"));

        let mut de = serde_json::Deserializer::from_slice(body);
        let slow = serde_path_to_error::deserialize::<_, Page>(&mut de).unwrap_err();
        let expected = Error::decode(slow, body)
            .with_service("beisen")
            .with_status(200);
        assert_eq!(err.to_string(), expected.to_string());
        assert!(!err.to_string().contains("13812345678"), "{err}");
    }

    #[test]
    fn trailing_data_is_rejected_at_the_root() {
        let err = decode_json::<Org>(br#"{"name":"a","parents":[]} x"#, None, None).unwrap_err();
        assert_eq!(err.decode_path(), Some("."));
        assert!(err.to_string().contains("trailing characters"), "{err}");
        let ok: Org = decode_json(b" {\"name\":\"a\",\"parents\":[]}\n ", None, None).unwrap();
        assert_eq!(ok.parents, Vec::<u32>::new());
    }
}
