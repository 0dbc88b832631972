//! Calls to endpoints this crate does not model, typed by the caller.
//!
//! Beisen's catalogue has some 300 endpoints; most have a public path but
//! no public field table, so this crate cannot model them. These types call
//! any path with a body of your own `Serialize` type and read the reply
//! into your own `DeserializeOwned` type, through the same machinery as the
//! typed endpoints: the token (and one retry after a 401), the rate
//! limiter, retries and the deadline, the envelope check (a `"code":"417"`
//! inside an HTTP 200 is an [`Error::Api`], a reply that proves nothing is
//! an [`Error::Decode`] naming the JSON path), and redaction of what errors
//! quote.
//!
//! - [`RawRequest`]: one call. [`RawRequest::post`] reads `{code, data}`
//!   into `T` ([`DataReply`]); [`list`](RawRequest::list),
//!   [`lookup`](RawRequest::lookup) and [`scroll`](RawRequest::scroll)
//!   choose the crate's other envelopes, [`envelope`](RawRequest::envelope)
//!   any of them. [`cursor_pages`](RawRequest::cursor_pages) follows a
//!   cursor (`sortCursor`, `nextBatchId`, …) as a stream.
//! - [`RawWindowRequest`]: any `…/GetByTimeWindow` endpoint with your
//!   record type, streamed by [`BeisenClient::stream`] with everything a
//!   [`WindowStream`](crate::WindowStream) does (90-day and busy-window
//!   splits, scroll-expiry restarts, de-duplication by the key your record
//!   type gives, or [`Unkeyed`] for none).
//!
//! The rules the typed endpoints follow hold here too:
//!
//! - **The path** must be relative (`/` and segments, no scheme, host,
//!   `..`, query or fragment: see
//!   [`check_relative_path`]),
//!   checked before anything is sent, so the token never goes to another
//!   host.
//! - **Idempotency.** A `POST` is a write until you say otherwise: it is
//!   repeated only when it provably never reached Beisen (or was refused
//!   with 429), never after a 5xx or a timeout (see `docs/reliability.md`).
//!   Mark a read with [`idempotent(true)`](RawRequest::idempotent) to have
//!   it retried like the typed reads. A `GET` and the time-window reads are
//!   idempotent.
//! - **The limiter group** is the path, as for the typed endpoints, except
//!   `/RecruitV6/…` (`"recruiting"`), `/AttendanceOpen/…`
//!   (`"attendance"`) and `/dataservice/…` (`"data-source"`), which share
//!   their group as the typed ones do; see
//!   [`group_for_path`].
//!
//! ```no_run
//! use beisen_client::raw::RawRequest;
//! use serde::{Deserialize, Serialize};
//!
//! // The field names are the vendor page's for your tenant; these are
//! // illustrative.
//! #[derive(Serialize)]
//! struct ByName<'a> { name: &'a str }
//!
//! #[derive(Debug, Deserialize)]
//! #[serde(rename_all = "camelCase")]
//! struct OrganizationType { code: Option<String>, name: Option<String> }
//!
//! # async fn run(client: beisen_client::BeisenClient) -> beisen_client::Result<()> {
//! let kinds: Vec<OrganizationType> = RawRequest::post(
//!     "/TenantBaseExternal/api/v5/OrganizationType/GetOrganizationTypeByName",
//!     ByName { name: "事业部" },
//! )
//! .idempotent(true) // a read: safe to repeat
//! .send(&client)
//! .await?;
//! # let _ = kinds; Ok(()) }
//! ```

use std::borrow::Cow;
use std::marker::PhantomData;
use std::sync::Arc;

use hr_common::endpoint::check_relative_path;
use hr_common::paging::{self, CursorPage, Pages};
use hr_common::transport::{CallOptions, Request, Response};
use hr_common::{Error, Result};
use reqwest::Method;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::envelope::{Envelope, SERVICE};
use crate::models::WindowRecord;
use crate::reply::{ListReply, LookupReply, ScrollListReply};
use crate::window::{ScrollCall, TimeWindowRequest, WindowBound, WindowQuery};
use crate::{BeisenClient, ScrollResponse};

pub use crate::client::group_for_path;

/// The envelope of most Beisen replies, `{code, message, data}` (or
/// `Code`/`Message`/`Data`): `code` 200, and `data` read as `T`.
///
/// A success without `data` (or with `null`) decodes only into a `T` that
/// accepts `null` (`Option<_>`, `serde_json::Value`, `()`); any other `T`
/// gets an [`Error::Decode`] at `data`, so a missing answer never passes
/// for an empty one.
#[derive(Debug)]
pub enum DataReply {}

impl<T: DeserializeOwned> hr_common::endpoint::Envelope<T> for DataReply {
    fn decode(response: &Response) -> Result<T> {
        match Envelope::<T>::read(response)?.data {
            Some(data) => Ok(data),
            None => T::deserialize(Value::Null).map_err(|_| {
                Error::decode_at(
                    "data",
                    "a success without `data` (or with `null`); read it into an `Option` if that means none",
                    response.body(),
                )
                .with_service(SERVICE)
                .with_status(response.status())
            }),
        }
    }
}

/// One call to any Beisen path, with a body of your type and a reply read
/// into your type through the envelope `E` (default [`DataReply`]). See the
/// [module docs](self) for the rules and an example.
///
/// `Debug` shows the method, path and group, never the body (it may carry
/// personal data).
///
/// ```
/// use beisen_client::raw::RawRequest;
/// use serde_json::json;
///
/// let req = RawRequest::post("/TenantBaseExternal/api/v5/Employee/GetByIds", json!({"ids": [1]}));
/// assert!(!req.is_idempotent()); // a POST is a write until you say otherwise
/// let req = req.idempotent(true);
/// assert!(req.is_idempotent());
/// assert_eq!(req.limiter_group(), "/TenantBaseExternal/api/v5/Employee/GetByIds");
///
/// let bad = RawRequest::post("https://elsewhere.example/steal", json!({}));
/// assert!(bad.to_request().is_err());
/// ```
#[must_use = "a request does nothing until sent"]
pub struct RawRequest<B, E = DataReply> {
    method: Method,
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
            method: self.method.clone(),
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
            .field("method", &self.method)
            .field("path", &self.path)
            .field("idempotent", &self.idempotent)
            .field("group", &self.limiter_group())
            .field("envelope", &std::any::type_name::<E>())
            .finish_non_exhaustive()
    }
}

impl<B: Serialize> RawRequest<B, DataReply> {
    /// A `POST` of `body` as JSON to `path` (below the client's base URL),
    /// not idempotent until [`idempotent`](Self::idempotent) says so.
    pub fn post(path: impl Into<String>, body: B) -> Self {
        RawRequest {
            method: Method::POST,
            path: path.into(),
            body,
            query: Vec::new(),
            idempotent: false,
            group: None,
            envelope: PhantomData,
        }
    }
}

impl RawRequest<(), DataReply> {
    /// A `GET` of `path`, without a body (add parameters with
    /// [`query`](Self::query)); idempotent.
    ///
    /// ```
    /// use beisen_client::raw::RawRequest;
    /// let req = RawRequest::get("/OpenPlatform/api/AsyncApiExecInfo/GetByRequestId").query("requestId", "r-1");
    /// assert!(req.is_idempotent());
    /// ```
    pub fn get(path: impl Into<String>) -> Self {
        RawRequest {
            method: Method::GET,
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

    /// The body, to change between calls (a cursor, a page number).
    pub fn body_mut(&mut self) -> &mut B {
        &mut self.body
    }

    /// Whether the transport may repeat the call after it may have
    /// reached Beisen.
    pub fn is_idempotent(&self) -> bool {
        self.idempotent
    }

    /// The limiter group the call counts against.
    pub fn limiter_group(&self) -> Cow<'static, str> {
        self.group
            .clone()
            .unwrap_or_else(|| group_for_path(&self.path))
    }
}

impl<B: Serialize, E> RawRequest<B, E> {
    /// Whether the call is safe to repeat after it may have reached
    /// Beisen: say `true` for reads only.
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

    /// Reads the reply through another envelope marker, e.g. one of
    /// [`crate::reply`].
    ///
    /// ```
    /// use beisen_client::raw::RawRequest;
    /// use beisen_client::reply::ScrollReply;
    /// let req = RawRequest::post("/TenantBaseExternal/api/v5/Offer/GetByTimeWindow", serde_json::json!({}))
    ///     .envelope::<ScrollReply>();
    /// # let _ = req;
    /// ```
    pub fn envelope<E2>(self) -> RawRequest<B, E2> {
        RawRequest {
            method: self.method,
            path: self.path,
            body: self.body,
            query: self.query,
            idempotent: self.idempotent,
            group: self.group,
            envelope: PhantomData,
        }
    }

    /// Reads `code` 200 and a `data` list (or `null`, none) into a
    /// [`ListResponse<T>`](crate::ListResponse) ([`ListReply`]).
    pub fn list(self) -> RawRequest<B, ListReply> {
        self.envelope()
    }

    /// Reads `code` 200 and an optional `data` into `Option<T>`
    /// ([`LookupReply`]): `None` when nothing was found.
    pub fn lookup(self) -> RawRequest<B, LookupReply> {
        self.envelope()
    }

    /// Reads one page of a scroll into a
    /// [`ScrollResponse<T>`](crate::ScrollResponse) ([`ScrollListReply`]:
    /// the scroll fields may be absent). Stream time-window endpoints with
    /// [`RawWindowRequest`] instead.
    pub fn scroll(self) -> RawRequest<B, ScrollListReply> {
        self.envelope()
    }

    /// The transport request; an invalid-request error for a path that
    /// is not below the base URL or a body that does not serialise.
    pub fn to_request(&self) -> Result<Request> {
        check_relative_path(&self.path)?;
        let mut request = Request::new(self.method.clone(), self.path.clone());
        if self.method != Method::GET {
            request = request.json(&self.body)?;
        }
        for (k, v) in &self.query {
            request = request.query(k.clone(), v.clone());
        }
        Ok(request
            .idempotent(self.idempotent)
            .group(self.limiter_group()))
    }

    /// Sends the call with the client's timeout, deadline and retry
    /// policy; the reply is read through `E` into `T`.
    pub async fn send<T>(&self, client: &BeisenClient) -> Result<T>
    where
        E: hr_common::endpoint::Envelope<T>,
    {
        self.send_with(client, &CallOptions::new()).await
    }

    /// Sends the call with per-call options over the client's defaults.
    pub async fn send_with<T>(&self, client: &BeisenClient, options: &CallOptions) -> Result<T>
    where
        E: hr_common::endpoint::Envelope<T>,
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
    /// Every page of a cursor-paged endpoint, as a stream with hr-common's
    /// guards (a repeated cursor, no progress, a total that keeps growing).
    ///
    /// `set_cursor` writes the cursor into the body before each call
    /// (`None` on the first); `read` turns one reply `O` (read through
    /// `E`) into a [`CursorPage`]: its records, the next cursor and whether
    /// it was the last. Mark reads [`idempotent`](Self::idempotent), or a
    /// page that failed with a 5xx ends the stream.
    ///
    /// ```no_run
    /// use beisen_client::raw::RawRequest;
    /// use hr_common::paging::CursorPage;
    /// use futures::TryStreamExt;
    /// use serde_json::{Value, json};
    ///
    /// # async fn run(client: beisen_client::BeisenClient) -> beisen_client::Result<()> {
    /// // `data: {list, sortCursor, isLastPage}`, as the attendance reads page.
    /// let leave: Vec<Value> = RawRequest::post(
    ///     "/AttendanceOpen/api/v1/Vacation/GetListByDate",
    ///     json!({"startDate": "2024-03-01", "stopDate": "2024-03-31", "pageSize": 100}),
    /// )
    /// .idempotent(true)
    /// .cursor_pages(
    ///     &client,
    ///     |body: &mut Value, cursor| body["queryCursor"] = cursor.map_or(Value::Null, Value::from),
    ///     |data: Value| {
    ///         let items = data["list"].as_array().cloned().unwrap_or_default();
    ///         let next = data["sortCursor"].as_str().map(str::to_owned);
    ///         CursorPage::new(items, next, data["isLastPage"].as_bool().unwrap_or(true))
    ///     },
    /// )
    /// .by_item()
    /// .try_collect()
    /// .await?;
    /// # let _ = leave; Ok(()) }
    /// ```
    pub fn cursor_pages<O, T, S, R>(self, client: &BeisenClient, set_cursor: S, read: R) -> Pages<T>
    where
        E: hr_common::endpoint::Envelope<O>,
        O: Send + 'static,
        T: Send + 'static,
        S: Fn(&mut B, Option<&str>) + Send + Sync + 'static,
        R: Fn(O) -> CursorPage<T> + Send + Sync + 'static,
    {
        let client = client.clone();
        let read = Arc::new(read);
        paging::cursor(move |cursor: Option<String>| {
            let client = client.clone();
            let read = read.clone();
            let mut request = self.clone();
            set_cursor(&mut request.body, cursor.as_deref());
            async move {
                let reply: O = request.send(&client).await?;
                Ok(read(reply))
            }
        })
        .build()
    }
}

/// A record type without a de-duplication key, for a
/// [`RawWindowRequest`]: wrap your type in it when it has no stable id, or
/// when you want no cross-window de-duplication.
///
/// Records without a key are never dropped as copies another sub-window
/// returned; after a scroll restart the stream still skips, by position,
/// the ones it already handed over. To have copies dropped, implement
/// [`WindowRecord`] for your type instead (its id, and the times that
/// version it).
///
/// ```
/// use beisen_client::raw::Unkeyed;
/// use beisen_client::models::WindowRecord;
///
/// let r: Unkeyed<serde_json::Value> = serde_json::from_str(r#"{"name":"x"}"#)?;
/// assert_eq!(r.dedup_key(), None);
/// assert_eq!(r["name"], "x"); // derefs to the record
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Unkeyed<T>(pub T);

impl<T> Unkeyed<T> {
    /// The record.
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> std::ops::Deref for Unkeyed<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T> WindowRecord for Unkeyed<T> {
    fn dedup_key(&self) -> Option<String> {
        None
    }
}

/// A `…/GetByTimeWindow` call to any path, with records read into your
/// type `T` and the endpoint's own fields in a body `B` of yours, sent
/// beside the shared query fields ([`WindowQuery`]: window, scroll id,
/// capacity, columns…).
///
/// Stream it with [`BeisenClient::stream`]: a
/// [`WindowStream`](crate::WindowStream) with everything it does for the
/// typed endpoints: windows over 90 days and busy windows split, expired
/// scrolls restarted, copies de-duplicated by `T`'s [`WindowRecord`] key
/// (use [`Unkeyed`] for none). [`send`](Self::send) fetches one page.
///
/// `B` must serialise as a JSON object (a struct or a map), and hold only
/// the endpoint's own fields: a `startTime` or `scrollId` in it would be
/// sent twice.
///
/// ```
/// # #[tokio::main]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let sandbox = hr_sandbox::Sandbox::start(hr_sandbox::SandboxConfig {
/// #     data: hr_sandbox::DataConfig::year_2024(),
/// #     ..Default::default()
/// # }).await?;
/// # let b = &sandbox.config().beisen;
/// # let client = beisen_client::BeisenClient::builder()
/// #     .base_url(sandbox.beisen_url())
/// #     .credentials(beisen_client::Credentials::app_key(&b.app_key, &b.app_secret))
/// #     .build()?;
/// use beisen_client::raw::{RawWindowRequest, Unkeyed};
/// use futures::TryStreamExt;
/// use serde_json::{Value, json};
///
/// let start = chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
/// let stop = chrono::NaiveDate::from_ymd_opt(2024, 7, 1).unwrap();
/// let request = RawWindowRequest::<Unkeyed<Value>>::new(
///     "/TenantBaseExternal/api/v5/Employee/GetByTimeWindow",
///     start,
///     stop,
/// )
/// .body(json!({"empStatus": [2, 3]}));
/// let people: Vec<_> = client.stream(request)?.items().try_collect().await?;
/// assert!(people.iter().all(|p| p["employeeInfo"]["userID"].is_number()));
/// # Ok(()) }
/// ```
#[derive(Serialize)]
#[serde(bound(serialize = "B: Serialize"))]
pub struct RawWindowRequest<T, B = serde_json::Map<String, Value>> {
    #[serde(skip)]
    path: String,
    #[serde(flatten)]
    query: WindowQuery,
    #[serde(flatten)]
    body: B,
    #[serde(skip)]
    item: PhantomData<fn() -> T>,
}

impl<T, B: Clone> Clone for RawWindowRequest<T, B> {
    fn clone(&self) -> Self {
        RawWindowRequest {
            path: self.path.clone(),
            query: self.query.clone(),
            body: self.body.clone(),
            item: PhantomData,
        }
    }
}

impl<T, B> std::fmt::Debug for RawWindowRequest<T, B> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RawWindowRequest")
            .field("path", &self.path)
            .field("start_time", &self.query.start_time)
            .field("stop_time", &self.query.stop_time)
            .finish_non_exhaustive()
    }
}

impl<T> RawWindowRequest<T> {
    /// A query of `path` for `[start, stop)`, without fields of the
    /// endpoint's own. Dates and naive date-times are civil time as given;
    /// zoned date-times are converted to the zone of the client that sends
    /// the request.
    pub fn new(path: impl Into<String>, start: impl WindowBound, stop: impl WindowBound) -> Self {
        RawWindowRequest {
            path: path.into(),
            query: WindowQuery::from_bounds(start, stop),
            body: serde_json::Map::new(),
            item: PhantomData,
        }
    }
}

impl<T, B> RawWindowRequest<T, B> {
    /// Sends `body`'s fields (a struct or a map) beside the shared ones.
    pub fn body<B2: Serialize>(self, body: B2) -> RawWindowRequest<T, B2> {
        RawWindowRequest {
            path: self.path,
            query: self.query,
            body,
            item: PhantomData,
        }
    }
}

impl<T, B> RawWindowRequest<T, B>
where
    T: DeserializeOwned + WindowRecord + Send + 'static,
    B: Serialize + Clone + Send + Sync + 'static,
{
    /// Sends one call: one page of the scroll, with the client's timeout,
    /// deadline and retry policy (a read: retried on transient failures).
    /// Checked first: the path, capacity ≤ 300, window ≤ 90 days.
    pub async fn send(&self, client: &BeisenClient) -> Result<ScrollResponse<T>> {
        self.send_with(client, &CallOptions::new()).await
    }

    /// Sends one call with per-call options over the client's defaults.
    pub async fn send_with(
        &self,
        client: &BeisenClient,
        options: &CallOptions,
    ) -> Result<ScrollResponse<T>> {
        let mut request = self.clone();
        request.query.apply_zone(client.time_zone());
        hr_common::endpoint::send(client, &ScrollCall(&request), options).await
    }
}

impl<T, B> TimeWindowRequest for RawWindowRequest<T, B>
where
    T: DeserializeOwned + WindowRecord + Send + 'static,
    B: Serialize + Clone + Send + Sync + 'static,
{
    type Item = T;
    /// Not used: each request carries its own path ([`path`](Self::path)).
    /// Empty, so that anything that sent it would be refused, not misrouted.
    const PATH: &'static str = "";

    fn path(&self) -> Cow<'static, str> {
        Cow::Owned(self.path.clone())
    }

    fn query(&self) -> &WindowQuery {
        &self.query
    }

    fn query_mut(&mut self) -> &mut WindowQuery {
        &mut self.query
    }
}
