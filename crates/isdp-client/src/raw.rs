//! Calls to endpoints this crate does not model, typed by the caller.
//!
//! [`RawRequest`] calls any ISDP+ path with a body of your own `Serialize`
//! type and reads the reply into your own `DeserializeOwned` type, through
//! the same machinery as the typed requests: the token (and one retry after
//! a 401), the rate limiter, retries and the deadline, the envelope check
//! (a refusal in any of the shapes ISDP+ and its gateways answer with
//! HTTP 200 is an [`Error::Api`](crate::Error::Api); a body that proves nothing is an
//! [`Error::Decode`](crate::Error::Decode) naming the JSON path), and redaction of what errors
//! quote. [`offset_pages`](RawRequest::offset_pages) streams an endpoint
//! that pages with `start`/`count` like the typed listings.
//!
//! - **The path** must be relative (`/` and segments, no scheme, host,
//!   `..`, query or fragment: see
//!   [`check_relative_path`]),
//!   checked before anything is sent, so the token never goes to another
//!   host.
//! - **Idempotency.** A `POST` is a write until you say otherwise: it is
//!   repeated only when it provably never reached ISDP+ (or was refused
//!   with 429), never after a 5xx or a timeout (see `docs/reliability.md`).
//!   Mark a read with [`idempotent(true)`](RawRequest::idempotent).
//! - **The limiter group** follows the typed requests: [`group::PERSON`]
//!   for persons, the export chain, files and import, [`group::ORG`] for
//!   organisations, roles and positions, the path for anything else; see
//!   [`group_for_path`].
//! - **The envelope** is [`BareReply`] unless you choose another of
//!   [`crate::reply`]: the value itself, envelope B (`stateCode`,
//!   `result`) unwrapped when present.
//!
//! ```no_run
//! use isdp_client::raw::RawRequest;
//! use serde::{Deserialize, Serialize};
//!
//! // The field names are your tenant's API page's; these are illustrative.
//! #[derive(Serialize)]
//! #[serde(rename_all = "camelCase")]
//! struct ByCode<'a> { person_code: &'a str }
//!
//! #[derive(Debug, Deserialize)]
//! #[serde(rename_all = "camelCase")]
//! struct MoreInfo { person_code: String, #[serde(default)] person_name: Option<String> }
//!
//! # async fn run(client: isdp_client::IsdpClient) -> isdp_client::Result<()> {
//! let info: MoreInfo = RawRequest::post(
//!     "/openapi/v1/person/findPersonMoreInfoByPersonCode",
//!     ByCode { person_code: "E1001" },
//! )
//! .idempotent(true) // a read: safe to repeat
//! .send(&client)
//! .await?;
//! # let _ = info; Ok(()) }
//! ```

use std::borrow::Cow;
use std::marker::PhantomData;

use hr_common::Result;
use hr_common::endpoint::{Envelope, check_relative_path};
use hr_common::paging::{DEFAULT_MAX_GROWTH, Pages};
use hr_common::transport::{CallOptions, Request};
use serde::Serialize;

use crate::client::IsdpClient;
use crate::envelope::BarePage;
use crate::group;
use crate::page::{PageRequest, offset_page, offset_stream};
use crate::reply::{BarePageReply, BareReply, ListReply, StateCodedPageReply, StatusReply};

/// The limiter group of a path, by the rule of the typed requests:
/// [`group::PERSON`] for `…/person/…`, `…/excelRecord/…`, `…/file/…` and
/// `/openapi/openFile/…`; [`group::ORG`] for `…/orgOpen/…`,
/// `…/organization/…`, `…/role/…` and `…/position/…`; the path itself for
/// anything else.
///
/// ```
/// use isdp_client::{group, raw::group_for_path};
///
/// assert_eq!(group_for_path("/openapi/v1/person/findPersonMoreInfoByPersonCode"), group::PERSON);
/// assert_eq!(group_for_path("/openapi/v1/role/findPagedRoleList"), group::ORG);
/// assert_eq!(group_for_path("/openapi/v1/dict/list"), "/openapi/v1/dict/list");
/// ```
pub fn group_for_path(path: &str) -> Cow<'static, str> {
    let has = |segment: &str| path.split('/').any(|s| s == segment);
    if ["person", "excelRecord", "file", "openFile"]
        .iter()
        .any(|s| has(s))
    {
        Cow::Borrowed(group::PERSON)
    } else if ["orgOpen", "organization", "role", "position"]
        .iter()
        .any(|s| has(s))
    {
        Cow::Borrowed(group::ORG)
    } else {
        Cow::Owned(path.to_owned())
    }
}

/// One call to any ISDP+ path, with a body of your type and a reply read
/// into your type through the envelope `E` (default [`BareReply`]). See
/// the [module docs](self) for the rules and an example.
///
/// `Debug` shows the method, path and group, never the body (it may carry
/// personal data).
///
/// ```
/// use isdp_client::raw::RawRequest;
/// use serde_json::json;
///
/// let req = RawRequest::post("/openapi/v1/person/findPersonMoreInfoByPersonCode", json!({"personCode": "E1"}));
/// assert!(!req.is_idempotent()); // a POST is a write until you say otherwise
/// assert_eq!(req.limiter_group(), "person");
/// assert!(RawRequest::post("https://elsewhere.example/x", json!({})).to_request().is_err());
/// ```
#[must_use = "a request does nothing until sent"]
pub struct RawRequest<B, E = BareReply> {
    /// A `GET` (no body) rather than a `POST`.
    get: bool,
    path: String,
    body: B,
    query: Vec<(String, String)>,
    idempotent: bool,
    group: Option<Cow<'static, str>>,
    envelope: PhantomData<fn() -> E>,
}

impl<B: Clone, E> Clone for RawRequest<B, E> {
    fn clone(&self) -> Self {
        RawRequest {
            get: self.get,
            path: self.path.clone(),
            body: self.body.clone(),
            query: self.query.clone(),
            idempotent: self.idempotent,
            group: self.group.clone(),
            envelope: PhantomData,
        }
    }
}

impl<B, E> std::fmt::Debug for RawRequest<B, E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RawRequest")
            .field("method", &if self.get { "GET" } else { "POST" })
            .field("path", &self.path)
            .field("idempotent", &self.idempotent)
            .field("group", &self.limiter_group())
            .field("envelope", &std::any::type_name::<E>())
            .finish_non_exhaustive()
    }
}

impl<B: Serialize> RawRequest<B, BareReply> {
    /// A `POST` of `body` as JSON to `path` (below the client's base URL),
    /// not idempotent until [`idempotent`](Self::idempotent) says so.
    pub fn post(path: impl Into<String>, body: B) -> Self {
        RawRequest {
            get: false,
            path: path.into(),
            body,
            query: Vec::new(),
            idempotent: false,
            group: None,
            envelope: PhantomData,
        }
    }
}

impl RawRequest<(), BareReply> {
    /// A `GET` of `path`, without a body (add parameters with
    /// [`query`](Self::query)); idempotent.
    ///
    /// ```
    /// let req = isdp_client::raw::RawRequest::get("/openapi/v1/dict/list").query("type", "x");
    /// assert!(req.is_idempotent());
    /// ```
    pub fn get(path: impl Into<String>) -> Self {
        RawRequest {
            get: true,
            path: path.into(),
            body: (),
            query: Vec::new(),
            idempotent: true,
            group: None,
            envelope: PhantomData,
        }
    }
}

impl<B, E> RawRequest<B, E> {
    /// The path.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The body.
    pub fn body(&self) -> &B {
        &self.body
    }

    /// The body, to change between calls.
    pub fn body_mut(&mut self) -> &mut B {
        &mut self.body
    }

    /// Whether the transport may repeat the call after it may have
    /// reached ISDP+.
    pub fn is_idempotent(&self) -> bool {
        self.idempotent
    }

    /// The limiter group the call counts against.
    pub fn limiter_group(&self) -> Cow<'static, str> {
        self.group
            .clone()
            .unwrap_or_else(|| group_for_path(&self.path))
    }

    /// Whether the call is safe to repeat after it may have reached
    /// ISDP+: say `true` for reads only.
    pub fn idempotent(mut self, yes: bool) -> Self {
        self.idempotent = yes;
        self
    }

    /// Counts the call against `group` instead of [`group_for_path`]'s.
    pub fn group(mut self, group: impl Into<Cow<'static, str>>) -> Self {
        self.group = Some(group.into());
        self
    }

    /// Adds a query parameter (URL-encoded when sent).
    pub fn query(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.query.push((key.into(), value.into()));
        self
    }

    /// Reads the reply through another envelope marker of
    /// [`crate::reply`].
    pub fn envelope<E2>(self) -> RawRequest<B, E2> {
        RawRequest {
            get: self.get,
            path: self.path,
            body: self.body,
            query: self.query,
            idempotent: self.idempotent,
            group: self.group,
            envelope: PhantomData,
        }
    }

    /// A bare page `{data, pos, totalCount}` into
    /// [`BarePage<T>`](crate::BarePage) ([`BarePageReply`]).
    pub fn page(self) -> RawRequest<B, BarePageReply> {
        self.envelope()
    }

    /// Envelope B around a page, `{stateCode, errorMessage, result: page}`
    /// ([`StateCodedPageReply`]).
    pub fn state_coded_page(self) -> RawRequest<B, StateCodedPageReply> {
        self.envelope()
    }

    /// A list: bare, a page's `data`, or B's `result` ([`ListReply`]).
    pub fn list(self) -> RawRequest<B, ListReply> {
        self.envelope()
    }

    /// Envelope C of a single write, `{status, msg, data}`: `data` as a
    /// `serde_json::Value` on success, [`Error::Api`](crate::Error::Api)
    /// otherwise ([`StatusReply`]).
    pub fn status(self) -> RawRequest<B, StatusReply> {
        self.envelope()
    }
}

impl<B: Serialize, E> RawRequest<B, E> {
    /// The transport request; an invalid-request error for a path that
    /// is not below the base URL or a body that does not serialise.
    pub fn to_request(&self) -> Result<Request> {
        check_relative_path(&self.path)?;
        let mut request = if self.get {
            Request::get(self.path.clone())
        } else {
            Request::post(self.path.clone()).json(&self.body)?
        };
        for (k, v) in &self.query {
            request = request.query(k.clone(), v.clone());
        }
        Ok(request
            .idempotent(self.idempotent)
            .group(self.limiter_group()))
    }

    /// Sends the call with the client's timeout, deadline and retry
    /// policy; the reply is read through `E` into `T`.
    pub async fn send<T>(&self, client: &IsdpClient) -> Result<T>
    where
        E: Envelope<T>,
    {
        self.send_with(client, &CallOptions::new()).await
    }

    /// Sends the call with per-call options over the client's defaults.
    pub async fn send_with<T>(&self, client: &IsdpClient, options: &CallOptions) -> Result<T>
    where
        E: Envelope<T>,
    {
        let request = self.to_request()?.options(options);
        let response = client.transport().send(request).await?;
        E::decode(&response)
    }
}

impl<B, E> RawRequest<B, E>
where
    B: Serialize + Clone + Send + Sync + 'static,
    E: 'static,
{
    /// Every page of an endpoint that pages with `start`/`count` and
    /// answers a page `{data, pos, totalCount}` (choose the envelope with
    /// [`page`](Self::page) or [`state_coded_page`](Self::state_coded_page)),
    /// in order, with the client's page concurrency and the typed
    /// listings' guards (`pos` must be the `start` asked for, a total that
    /// keeps growing ends the stream).
    ///
    /// `set_page` writes the page into the body before each call (many
    /// endpoints take `{page: {start, count}}`, some `start` and `count` at
    /// the top). `first` is the first page; `count` at most 200. Mark reads
    /// [`idempotent`](Self::idempotent), or a page that failed with a 5xx
    /// ends the stream.
    ///
    /// ```no_run
    /// use futures::TryStreamExt;
    /// use isdp_client::PageRequest;
    /// use isdp_client::raw::RawRequest;
    /// use serde_json::{Value, json};
    ///
    /// # async fn run(client: isdp_client::IsdpClient) -> isdp_client::Result<()> {
    /// let rows: Vec<Value> = RawRequest::post("/openapi/v1/dict/findPagedDictList", json!({"page": {}}))
    ///     .idempotent(true)
    ///     .page()
    ///     .offset_pages(&client, PageRequest::new(0, 200), |body: &mut Value, page| {
    ///         body["page"] = json!({"start": page.start, "count": page.count});
    ///     })
    ///     .by_item()
    ///     .try_collect()
    ///     .await?;
    /// # let _ = rows; Ok(()) }
    /// ```
    pub fn offset_pages<T, S>(
        self,
        client: &IsdpClient,
        first: PageRequest,
        set_page: S,
    ) -> Pages<T>
    where
        E: Envelope<BarePage<T>>,
        T: Send + 'static,
        S: Fn(&mut B, PageRequest) + Send + Sync + 'static,
    {
        let for_pages = client.clone();
        offset_stream(client, first, Some(DEFAULT_MAX_GROWTH), move |page| {
            let mut request = self.clone();
            set_page(&mut request.body, page);
            let client = for_pages.clone();
            async move {
                let reply: BarePage<T> = request.send(&client).await?;
                Ok(offset_page(reply, |_| None::<u64>))
            }
        })
    }
}
