//! One trait for every vendor endpoint, and the one path that sends them.
//!
//! Each endpoint is a plain request struct (defined where `grep` finds it)
//! that implements [`Endpoint`]: the trait carries its method, path,
//! idempotency, rate-limiter group, output type and the envelope its reply
//! comes in, in the manner of async-stripe's `StripeRequest` and smithy's
//! operation shapes. [`send`] is the one generic path: validate, build the
//! [`Request`], apply [`CallOptions`], send it through the client's
//! [`Transport`], decode the reply through the envelope.
//!
//! Envelopes shared by vendors live here too: [`pascal`] reads the
//! PascalCase `{Code, Message, Data}` envelope for any vendor that answers
//! in it.
//!
//! The vendor crates give each request inherent `send(&client)` and
//! `send_with(&client, &options)` methods with [`impl_send!`](crate::impl_send),
//! so users need no trait import.
//!
//! ```
//! use std::borrow::Cow;
//! use hr_common::endpoint::{ApiClient, Endpoint, Envelope, json_request};
//! use hr_common::transport::{Request, Response, Transport};
//! use hr_common::Result;
//!
//! struct Client(Transport);
//! impl ApiClient for Client {
//!     fn transport(&self) -> &Transport { &self.0 }
//! }
//!
//! /// The reply is `{"data": ...}`.
//! struct Data;
//! impl<T: serde::de::DeserializeOwned> Envelope<T> for Data {
//!     fn decode(response: &Response) -> Result<T> {
//!         #[derive(serde::Deserialize)]
//!         struct Wire<T> { data: T }
//!         Ok(response.json::<Wire<T>>()?.data)
//!     }
//! }
//!
//! #[derive(serde::Serialize)]
//! struct GetThing { id: u64 }
//!
//! impl Endpoint for GetThing {
//!     type Client = Client;
//!     type Output = String;
//!     type Envelope = Data;
//!     const PATH: &'static str = "/api/thing";
//!     const IDEMPOTENT: bool = true;
//!     fn to_request(&self) -> Result<Request> { json_request(self) }
//! }
//! hr_common::impl_send!(GetThing);
//!
//! let req = GetThing { id: 7 }.to_request()?;
//! assert_eq!(req.path(), "/api/thing");
//! assert_eq!(GetThing { id: 7 }.group(), Cow::Borrowed("/api/thing"));
//! # Ok::<(), hr_common::Error>(())
//! ```

pub mod pascal;

use std::borrow::Cow;
use std::future::Future;

use reqwest::Method;
use serde::Serialize;

use crate::Result;
use crate::error::CallInfo;
use crate::transport::{CallOptions, Request, Response, Transport};

/// A client that endpoints are sent through: it owns the [`Transport`]
/// (connection pool, token cache, rate limiter, retry budget).
pub trait ApiClient: Send + Sync {
    /// The transport every endpoint of this client goes through.
    fn transport(&self) -> &Transport;
}

/// How a vendor wraps replies: decodes a whole [`Response`] into `T`, or
/// into an error when the body does not prove success (an error code in an
/// HTTP 200, a missing `data`, a shape it does not recognise).
pub trait Envelope<T> {
    /// Decodes the reply.
    fn decode(response: &Response) -> Result<T>;
}

/// One vendor endpoint. See the [module docs](self) for an example.
pub trait Endpoint: Send + Sync {
    /// The client that sends it.
    type Client: ApiClient;
    /// What a successful call returns.
    type Output;
    /// The envelope the reply comes in.
    type Envelope: Envelope<Self::Output>;

    /// The HTTP method.
    const METHOD: Method = Method::POST;
    /// The path below the client's base URL.
    const PATH: &'static str;
    /// Whether repeating the call is harmless. Reads are and are retried on
    /// any transient failure; writes are repeated only when they provably
    /// did not reach the server or were refused with 429.
    const IDEMPOTENT: bool;

    /// The rate-limiter group this call counts against (default: the path,
    /// as vendors that limit per endpoint count).
    fn group(&self) -> Cow<'static, str> {
        Cow::Borrowed(Self::PATH)
    }

    /// Checks the request before anything is sent (lengths, required
    /// combinations), so a bad request costs no call.
    fn validate(&self) -> Result<()> {
        Ok(())
    }

    /// The request: method, path and body. Most endpoints send themselves
    /// as JSON through [`json_request`].
    fn to_request(&self) -> Result<Request>;
}

/// A request of `E`'s method and path with `endpoint` as its JSON body.
pub fn json_request<E: Endpoint + Serialize>(endpoint: &E) -> Result<Request> {
    Request::new(E::METHOD, E::PATH).json(endpoint)
}

/// Sends `endpoint` through `client` with `options` over the client's
/// defaults: validation, request, idempotency, group, transport, envelope.
// Written out so the signature promises `Send`: users spawn these calls,
// and an `async fn` would leave that to inference at every call site.
#[allow(clippy::manual_async_fn)]
pub fn send<'a, E: Endpoint>(
    client: &'a E::Client,
    endpoint: &'a E,
    options: &'a CallOptions,
) -> impl Future<Output = Result<E::Output>> + Send + 'a
where
    E::Output: Send,
{
    async move {
        endpoint.validate()?;
        let request = endpoint
            .to_request()?
            .idempotent(E::IDEMPOTENT)
            .group(endpoint.group())
            .options(options);
        let transport = client.transport();
        let started = std::time::Instant::now();
        let response = transport.send(request).await?;
        // A refusal in a 2xx body, or a body that proves nothing, is found
        // after the transport is done: it carries the call's host, attempts
        // and time as a refusal by status does.
        E::Envelope::decode(&response).map_err(|e| {
            e.or_context(transport.service(), || {
                CallInfo::new(transport.host(), response.attempts, started.elapsed())
            })
        })
    }
}

/// Writes the inherent `send(&client)` and `send_with(&client, &options)`
/// of request types that implement [`Endpoint`], so callers need no trait
/// in scope. The types themselves are defined by hand.
#[macro_export]
macro_rules! impl_send {
    ($($ty:ty),+ $(,)?) => {$(
        impl $ty {
            /// Sends the request with the client's timeout, deadline and
            /// retry policy.
            pub async fn send(
                &self,
                client: &<$ty as $crate::endpoint::Endpoint>::Client,
            ) -> $crate::Result<<$ty as $crate::endpoint::Endpoint>::Output> {
                $crate::endpoint::send(client, self, &$crate::transport::CallOptions::new()).await
            }

            /// Sends the request with per-call options over the client's
            /// defaults.
            pub async fn send_with(
                &self,
                client: &<$ty as $crate::endpoint::Endpoint>::Client,
                options: &$crate::transport::CallOptions,
            ) -> $crate::Result<<$ty as $crate::endpoint::Endpoint>::Output> {
                $crate::endpoint::send(client, self, options).await
            }
        }
    )+};
}

/// Checks a path chosen at run time (the clients' raw calls) before
/// anything is sent: it must be relative to the client's base URL, so the
/// bearer token can never be sent to another host.
///
/// Accepted: `/` followed by non-empty segments of printable ASCII. Refused:
/// a scheme or host (`https://…`, `//host/…`), a backslash (URL parsers
/// read it as `/`), `.` and `..` segments (also percent-encoded: the URL
/// standard decodes them), a query or fragment (`?`, `#`: pass query
/// parameters separately) and spaces or control characters.
///
/// ```
/// use hr_common::endpoint::check_relative_path;
///
/// assert!(check_relative_path("/TenantBaseExternal/api/v5/OrganizationType/GetOrganizationTypeByName").is_ok());
/// for bad in ["https://evil.example/x", "//evil.example/x", "api/v5/x", "/a/../token", "/a/%2E%2e/b", "/a?b=1", "/a\\b", "/a b", "/", "/a//b"] {
///     let err = check_relative_path(bad).unwrap_err();
///     assert!(matches!(err, hr_common::Error::InvalidRequest { .. }), "{bad}: {err}");
/// }
/// ```
pub fn check_relative_path(path: &str) -> Result<()> {
    let refuse = |why: &str| {
        Err(crate::Error::invalid_request(
            "path",
            format!("`{path}` is not a path below the client's base URL: {why}"),
        ))
    };
    let Some(rest) = path.strip_prefix('/') else {
        return refuse("it must start with `/`");
    };
    if let Some(c) = path
        .chars()
        .find(|c| !c.is_ascii() || c.is_ascii_control() || *c == ' ')
    {
        return refuse(&format!(
            "it holds {c:?}; percent-encode anything but printable ASCII"
        ));
    }
    if path.contains("://") {
        return refuse("a scheme and host are not allowed");
    }
    for (c, why) in [
        ('\\', "a backslash is read as `/` and is not allowed"),
        ('?', "pass query parameters separately"),
        ('#', "a fragment is not allowed"),
    ] {
        if path.contains(c) {
            return refuse(why);
        }
    }
    for segment in rest.split('/') {
        if segment.is_empty() {
            return refuse("empty segments (`//`, a trailing `/`) are not allowed");
        }
        let decoded = segment.to_ascii_lowercase().replace("%2e", ".");
        if decoded == "." || decoded == ".." {
            return refuse("`.` and `..` segments are not allowed");
        }
    }
    Ok(())
}
