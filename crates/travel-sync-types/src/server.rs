//! The receiving side: turn a sync request body into the spec-shaped
//! response (feature `server`).
//!
//! [`receive`] is framework-agnostic: give it the body bytes, a check of
//! `account` and `sessionId`, and an async function that stores the valid
//! users; it returns the [`SyncResponse`] to send back with HTTP 200.
//! [`SyncReceiver`] packages the two functions for a server, and
//! [`router`] / [`handle_sync`] serve it with axum.
//!
//! What [`receive`] does, in order:
//!
//! 1. reads the body leniently ([`SyncRequest::parse_lenient`]), after a
//!    UTF-8 byte order mark if the body starts with one; a body that is not
//!    a sync request gets `resCode` 10001 and the reason, and so does a body
//!    that names a top-level key twice (`{"data":[…],"data":[]}`): JSON
//!    parsers disagree on which copy wins, so the batch is refused rather
//!    than guessed at;
//! 2. refuses a missing `account` (10001) or `sessionId` (10004), then asks
//!    the caller's check, whose [`Refusal`] becomes the response;
//! 3. validates every user; unreadable and invalid users fail with a
//!    Chinese description naming the fields ([`Violations::description_zh`]);
//! 4. hands the valid users to the store, which returns the users it
//!    failed;
//! 5. answers `resCode` 10000 with only the failures, and `resMsg`
//!    `同步成功` or `部分员工同步失败`. Whatever else the store returns is
//!    dropped: successes (`status` 1), and results for users that were not
//!    in the batch handed to it (matched by `userNo`, then `userId`, as
//!    trimmed text). A failure with another status is written with
//!    `status` 0.
//!
//! It never panics on input, and every answer has the spec's shape.
//!
//! ```
//! use travel_sync_types::server::{receive, Credentials, Refusal};
//! use travel_sync_types::{UserInfo, UserSyncResult};
//!
//! # futures::executor::block_on(async {
//! let body = r#"{"account":"acme","sessionId":"s-1","data":[
//!     {"userNo":"E1","fullName":"王伟","mobile":"13812345678","isLeave":false},
//!     {"userNo":"E2","fullName":"李娜","mobile":"12345678901","isLeave":false}]}"#;
//! let response = receive(
//!     body.as_bytes(),
//!     |c: Credentials| async move {
//!         if c.account == "acme" && c.session_id.expose() == "s-1" { Ok(()) } else { Err(Refusal::bad_session("sessionId无效")) }
//!     },
//!     |users: Vec<UserInfo>| async move {
//!         assert_eq!(users.len(), 1); // E2's mobile is invalid: it never reaches the store
//!         Ok(Vec::<UserSyncResult>::new())
//!     },
//! )
//! .await;
//! assert_eq!(response.res_msg, "部分员工同步失败");
//! assert_eq!(response.data[0].user_no.as_deref(), Some("E2"));
//! assert_eq!(response.data[0].description.as_deref(), Some("手机号不合法(mobile),同步失败"));
//! # });
//! ```

use std::collections::HashSet;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};

use crate::{
    ParseError, SYNC_PATH, SessionId, SyncRequest, SyncResponse, SyncStatus, UserInfo, UserKey,
    UserSyncResult, Violations, res_code,
};

/// Largest body [`handle_sync`] reads by default: 16 MiB, room for
/// thousands of users.
///
/// ```
/// assert_eq!(travel_sync_types::server::DEFAULT_BODY_LIMIT, 16 * 1024 * 1024);
/// ```
pub const DEFAULT_BODY_LIMIT: usize = 16 * 1024 * 1024;

/// Who is calling: what the caller's check looks at.
///
/// ```
/// use travel_sync_types::server::Credentials;
/// fn allowed(c: &Credentials) -> bool {
///     c.account == "acme" && c.session_id.expose() == "s-1"
/// }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Credentials {
    /// `account` (or the older `companyId`).
    pub account: String,
    /// `sessionId`.
    pub session_id: SessionId,
    /// The top-level `userNo`, the operator, when sent.
    pub user_no: Option<String>,
    /// The top-level `userId`, when sent.
    pub user_id: Option<i64>,
    /// How many users the batch holds.
    pub batch_len: usize,
}

/// A refused batch: the `resCode` and `resMsg` to answer with.
///
/// A refusal is never a success: a code of [`res_code::SUCCESS`] (10000)
/// would tell the sender that its users were synced although the store
/// never ran, so it becomes [`res_code::BAD_REQUEST`] (10001), both in
/// [`Refusal::new`] and, should the public field be set to 10000 later, in
/// [`Refusal::into_response`].
///
/// ```
/// use travel_sync_types::{res_code, server::Refusal};
///
/// let r = Refusal::bad_credentials("公司账户不存在");
/// assert_eq!(r.res_code, res_code::BAD_CREDENTIALS);
/// assert_eq!(r.to_string(), "10002: 公司账户不存在");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Refusal {
    /// `resCode`; anything but 10000 (which is answered as 10001).
    pub res_code: i64,
    /// `resMsg`.
    pub res_msg: String,
}

impl Refusal {
    /// A refusal with any code but the success code: 10000 is replaced by
    /// [`res_code::BAD_REQUEST`] (10001).
    ///
    /// ```
    /// use travel_sync_types::server::Refusal;
    ///
    /// let r = Refusal::new(10500, "系统繁忙,请稍后重试");
    /// assert_eq!(r.res_code, 10500);
    /// let r = Refusal::new(10000, "存储不可用");
    /// assert_eq!(r.res_code, 10001);
    /// assert!(!r.into_response().is_success());
    /// ```
    pub fn new(res_code: i64, res_msg: impl Into<String>) -> Self {
        Refusal {
            res_code: not_success(res_code),
            res_msg: res_msg.into(),
        }
    }

    /// An unknown account ([`res_code::BAD_CREDENTIALS`]).
    ///
    /// ```
    /// let r = travel_sync_types::server::Refusal::bad_credentials("公司账户不存在");
    /// assert_eq!(r.res_code, 10002);
    /// ```
    pub fn bad_credentials(res_msg: impl Into<String>) -> Self {
        Refusal::new(res_code::BAD_CREDENTIALS, res_msg)
    }

    /// An unknown or expired session ([`res_code::BAD_SESSION`]).
    ///
    /// ```
    /// let r = travel_sync_types::server::Refusal::bad_session("sessionId无效或已过期");
    /// assert_eq!(r.res_code, 10004);
    /// ```
    pub fn bad_session(res_msg: impl Into<String>) -> Self {
        Refusal::new(res_code::BAD_SESSION, res_msg)
    }

    /// A malformed request ([`res_code::BAD_REQUEST`]).
    ///
    /// ```
    /// let r = travel_sync_types::server::Refusal::bad_request("data不能为空");
    /// assert_eq!(r.res_code, 10001);
    /// ```
    pub fn bad_request(res_msg: impl Into<String>) -> Self {
        Refusal::new(res_code::BAD_REQUEST, res_msg)
    }

    /// The response that carries this refusal.
    ///
    /// ```
    /// let resp = travel_sync_types::server::Refusal::bad_session("过期").into_response();
    /// assert_eq!(serde_json::to_string(&resp)?, r#"{"resCode":10004,"resMsg":"过期","data":[]}"#);
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub fn into_response(self) -> SyncResponse {
        SyncResponse::error(not_success(self.res_code), self.res_msg)
    }
}

/// A refusal's code: anything but the success code.
fn not_success(code: i64) -> i64 {
    if code == res_code::SUCCESS {
        tracing::warn!("a refusal cannot carry the success code 10000; answering 10001");
        res_code::BAD_REQUEST
    } else {
        code
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.res_code, self.res_msg)
    }
}

impl std::error::Error for Refusal {}

/// Reads a sync request body and answers it; see the [module docs](self).
///
/// `check` decides whether the caller may sync; `store` receives the valid
/// users, in batch order, and returns the users it failed
/// (`UserSyncResult::failure`). The response lists only failures, as the
/// spec shows: successes the store returns, and results for users not in
/// the batch it was given, are dropped.
/// A [`Refusal`] from either becomes the whole response, so a store that
/// cannot write at all should refuse rather than fail every user: the
/// sender then sends the batch again.
///
/// ```
/// use travel_sync_types::server::{receive, Credentials, Refusal};
/// use travel_sync_types::{UserInfo, UserSyncResult};
///
/// # futures::executor::block_on(async {
/// let response = receive(
///     b"{oops",
///     |_: Credentials| async { Ok::<(), Refusal>(()) },
///     |_: Vec<UserInfo>| async { Ok::<_, Refusal>(Vec::<UserSyncResult>::new()) },
/// )
/// .await;
/// assert_eq!(response.res_code, 10001);
/// assert!(response.res_msg.starts_with("请求体不是合法的同步请求"), "{}", response.res_msg);
/// # });
/// ```
pub async fn receive<C, CF, S, SF>(body: &[u8], check: C, store: S) -> SyncResponse
where
    C: FnOnce(Credentials) -> CF,
    CF: Future<Output = Result<(), Refusal>>,
    S: FnOnce(Vec<UserInfo>) -> SF,
    SF: Future<Output = Result<Vec<UserSyncResult>, Refusal>>,
{
    receive_with_limit(body, None, check, store).await
}

async fn receive_with_limit<C, CF, S, SF>(
    body: &[u8],
    max_batch: Option<usize>,
    check: C,
    store: S,
) -> SyncResponse
where
    C: FnOnce(Credentials) -> CF,
    CF: Future<Output = Result<(), Refusal>>,
    S: FnOnce(Vec<UserInfo>) -> SF,
    SF: Future<Output = Result<Vec<UserSyncResult>, Refusal>>,
{
    // A byte order mark is no JSON, but some senders (Windows tools,
    // .NET's `Encoding.UTF8`) put one before it.
    let body = body.strip_prefix(UTF8_BOM).unwrap_or(body);
    if let Some(key) = duplicate_top_level_key(body) {
        return Refusal::bad_request(format!(
            "请求体不是合法的同步请求: 字段{key}重复出现,无法确定以哪一个为准"
        ))
        .into_response();
    }
    let parsed = match SyncRequest::parse_lenient(body) {
        Ok(parsed) => parsed,
        Err(e) => return bad_body(&e),
    };
    let request = parsed.request;
    let Some(account) = request.account.filter(|a| !a.trim().is_empty()) else {
        return Refusal::bad_request("account不能为空").into_response();
    };
    let Some(session_id) = request.session_id.filter(|s| !s.expose().trim().is_empty()) else {
        return Refusal::bad_session("sessionId不能为空").into_response();
    };
    let batch_len = request.data.len() + parsed.unreadable.len();
    if let Some(limit) = max_batch
        && batch_len > limit
    {
        return Refusal::new(
            res_code::BATCH_TOO_LARGE,
            format!("单次最多同步{limit}人,本次{batch_len}人"),
        )
        .into_response();
    }
    let credentials = Credentials {
        account,
        session_id,
        user_no: request.user_no,
        user_id: request.user_id,
        batch_len,
    };
    if let Err(refusal) = check(credentials).await {
        return refusal.into_response();
    }

    let mut results: Vec<UserSyncResult> = parsed
        .unreadable
        .iter()
        .map(|bad| {
            failure(
                bad.key.clone(),
                format!("数据格式错误({}),同步失败", bad.path),
            )
        })
        .collect();
    let mut valid = Vec::with_capacity(request.data.len());
    for user in request.data {
        let violations = user.validate();
        if violations.is_valid() {
            valid.push(user);
        } else {
            results.push(invalid(&user, &violations));
        }
    }
    if !valid.is_empty() {
        let nos: HashSet<String> = valid
            .iter()
            .filter_map(|u| u.user_no.as_deref().map(str::trim))
            .filter(|no| !no.is_empty())
            .map(str::to_owned)
            .collect();
        let ids: HashSet<i64> = valid.iter().filter_map(|u| u.user_id).collect();
        match store(valid).await {
            Ok(stored) => results.extend(stored.into_iter().filter_map(|mut r| {
                let in_batch = r
                    .user_no
                    .as_deref()
                    .map(str::trim)
                    .is_some_and(|no| nos.contains(no))
                    || r.user_id.is_some_and(|id| ids.contains(&id));
                if r.status.is_success() || !in_batch {
                    return None;
                }
                r.status = SyncStatus::Failed;
                Some(r)
            })),
            Err(refusal) => return refusal.into_response(),
        }
    }
    SyncResponse::processed(results)
}

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// The top-level fields named in a refusal; any other key is not echoed.
const KNOWN_KEYS: [&str; 6] = [
    "data",
    "account",
    "companyId",
    "sessionId",
    "userNo",
    "userId",
];

/// The first key that a JSON object body names twice at its top level,
/// as it will be shown (`` `data` ``, or "某字段" for a key that is not one
/// of the request's own fields, which is never echoed). `None` for a body
/// without repeats, and for one that is not a JSON object (left to the
/// parser to describe).
fn duplicate_top_level_key(body: &[u8]) -> Option<String> {
    use serde::de::{Deserializer, IgnoredAny, MapAccess, Visitor};

    struct Keys;

    impl<'de> Visitor<'de> for Keys {
        /// The repeated key, if any.
        type Value = Option<String>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a JSON object")
        }

        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut seen = HashSet::new();
            let mut repeated = None;
            // Read to the end even after a repeat: the deserializer checks
            // the closing brace once the visitor returns.
            while let Some(key) = map.next_key::<String>()? {
                map.next_value::<IgnoredAny>()?;
                if repeated.is_none() && !seen.insert(key.clone()) {
                    repeated = Some(key);
                }
            }
            Ok(repeated)
        }
    }

    let mut de = serde_json::Deserializer::from_slice(body);
    let key = de.deserialize_map(Keys).ok()??;
    Some(if KNOWN_KEYS.contains(&key.as_str()) {
        format!("`{key}`")
    } else {
        "某字段".to_owned()
    })
}

fn bad_body(e: &ParseError) -> SyncResponse {
    Refusal::bad_request(format!("请求体不是合法的同步请求: {e}")).into_response()
}

/// A failure for a user whose key may be unknown: the spec has no way to
/// name such a user, so it is listed with an empty `userNo`.
fn failure(key: Option<UserKey>, description: String) -> UserSyncResult {
    let key = key.unwrap_or_else(|| UserKey::UserNo(String::new()));
    UserSyncResult::failure(key, description)
}

fn invalid(user: &UserInfo, violations: &Violations) -> UserSyncResult {
    let mut result = failure(user.key(), violations.description_zh());
    // Echo both ids as sent, so the sender can match either.
    result.user_id = user.user_id;
    if user
        .user_no
        .as_deref()
        .is_some_and(|n| !n.trim().is_empty())
    {
        result.user_no = user.user_no.clone();
    }
    result
}

type CheckFn =
    dyn Fn(Credentials) -> Pin<Box<dyn Future<Output = Result<(), Refusal>> + Send>> + Send + Sync;
type StoreFn = dyn Fn(Vec<UserInfo>) -> Pin<Box<dyn Future<Output = Result<Vec<UserSyncResult>, Refusal>> + Send>>
    + Send
    + Sync;

/// A check and a store, packaged for a server: clone it into each request.
/// Serve it with [`router`], or call [`handle`](Self::handle) from any
/// framework.
///
/// ```
/// use travel_sync_types::server::{router, Credentials, Refusal, SyncReceiver};
/// use travel_sync_types::{UserInfo, UserSyncResult};
///
/// let receiver = SyncReceiver::new(
///     |c: Credentials| async move {
///         if c.account == "acme" { Ok(()) } else { Err(Refusal::bad_credentials("公司账户不存在")) }
///     },
///     |users: Vec<UserInfo>| async move {
///         // upsert `users` by userNo…
///         let _ = users;
///         Ok(Vec::<UserSyncResult>::new())
///     },
/// )
/// .max_batch(100);
/// let app: axum::Router = router(receiver);
/// # let _ = app;
/// ```
#[derive(Clone)]
pub struct SyncReceiver {
    check: Arc<CheckFn>,
    store: Arc<StoreFn>,
    max_batch: Option<usize>,
    body_limit: usize,
}

impl fmt::Debug for SyncReceiver {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SyncReceiver")
            .field("max_batch", &self.max_batch)
            .field("body_limit", &self.body_limit)
            .finish_non_exhaustive()
    }
}

impl SyncReceiver {
    /// A receiver with a `check` of the credentials and a `store` for the
    /// valid users (see [`receive`]).
    ///
    /// ```
    /// use travel_sync_types::server::{Credentials, Refusal, SyncReceiver};
    /// use travel_sync_types::{UserInfo, UserSyncResult};
    ///
    /// let receiver = SyncReceiver::new(
    ///     |_: Credentials| async { Ok::<(), Refusal>(()) },
    ///     |_: Vec<UserInfo>| async { Ok::<_, Refusal>(Vec::<UserSyncResult>::new()) },
    /// );
    /// # let _ = receiver;
    /// ```
    pub fn new<C, CF, S, SF>(check: C, store: S) -> Self
    where
        C: Fn(Credentials) -> CF + Send + Sync + 'static,
        CF: Future<Output = Result<(), Refusal>> + Send + 'static,
        S: Fn(Vec<UserInfo>) -> SF + Send + Sync + 'static,
        SF: Future<Output = Result<Vec<UserSyncResult>, Refusal>> + Send + 'static,
    {
        SyncReceiver {
            check: Arc::new(move |c| Box::pin(check(c))),
            store: Arc::new(move |users| Box::pin(store(users))),
            max_batch: None,
            body_limit: DEFAULT_BODY_LIMIT,
        }
    }

    /// Refuses batches of more than `users` users with
    /// [`res_code::BATCH_TOO_LARGE`] (the spec sets no limit; none by
    /// default).
    ///
    /// ```
    /// # use travel_sync_types::server::{Credentials, Refusal, SyncReceiver};
    /// # use travel_sync_types::{UserInfo, UserSyncResult};
    /// # futures::executor::block_on(async {
    /// let receiver = SyncReceiver::new(
    ///     |_: Credentials| async { Ok::<(), Refusal>(()) },
    ///     |_: Vec<UserInfo>| async { Ok::<_, Refusal>(Vec::<UserSyncResult>::new()) },
    /// )
    /// .max_batch(1);
    /// let resp = receiver.handle(br#"{"account":"a","sessionId":"s","data":[{},{}]}"#).await;
    /// assert_eq!(resp.res_code, 10005);
    /// # });
    /// ```
    pub fn max_batch(mut self, users: usize) -> Self {
        self.max_batch = Some(users);
        self
    }

    /// The largest body [`handle_sync`] reads (default
    /// [`DEFAULT_BODY_LIMIT`]); a larger one is answered with
    /// [`res_code::BAD_REQUEST`].
    ///
    /// ```
    /// # use travel_sync_types::server::{Credentials, Refusal, SyncReceiver};
    /// # use travel_sync_types::{UserInfo, UserSyncResult};
    /// let receiver = SyncReceiver::new(
    ///     |_: Credentials| async { Ok::<(), Refusal>(()) },
    ///     |_: Vec<UserInfo>| async { Ok::<_, Refusal>(Vec::<UserSyncResult>::new()) },
    /// )
    /// .body_limit(1024 * 1024);
    /// # let _ = receiver;
    /// ```
    pub fn body_limit(mut self, bytes: usize) -> Self {
        self.body_limit = bytes;
        self
    }

    /// Answers one request body; see [`receive`].
    ///
    /// ```
    /// # use travel_sync_types::server::{Credentials, Refusal, SyncReceiver};
    /// # use travel_sync_types::{UserInfo, UserSyncResult};
    /// # futures::executor::block_on(async {
    /// let receiver = SyncReceiver::new(
    ///     |_: Credentials| async { Err::<(), _>(Refusal::bad_session("sessionId无效")) },
    ///     |_: Vec<UserInfo>| async { Ok::<_, Refusal>(Vec::<UserSyncResult>::new()) },
    /// );
    /// let resp = receiver.handle(br#"{"account":"a","sessionId":"s","data":[]}"#).await;
    /// assert_eq!(resp.res_code, 10004);
    /// # });
    /// ```
    pub async fn handle(&self, body: &[u8]) -> SyncResponse {
        receive_with_limit(
            body,
            self.max_batch,
            |c| (self.check)(c),
            |users| (self.store)(users),
        )
        .await
    }
}

/// An axum router serving `receiver` at `POST` [`SYNC_PATH`] (`/userSyn`).
/// Merge or nest it into your app to serve another path.
///
/// ```
/// # use travel_sync_types::server::{router, Credentials, Refusal, SyncReceiver};
/// # use travel_sync_types::{UserInfo, UserSyncResult};
/// let receiver = SyncReceiver::new(
///     |_: Credentials| async { Ok::<(), Refusal>(()) },
///     |_: Vec<UserInfo>| async { Ok::<_, Refusal>(Vec::<UserSyncResult>::new()) },
/// );
/// let app = axum::Router::new().nest("/tmc", router(receiver)); // POST /tmc/userSyn
/// # let _ = app;
/// ```
pub fn router(receiver: SyncReceiver) -> Router {
    Router::new()
        .route(SYNC_PATH, post(handle_sync))
        .with_state(receiver)
}

/// The axum handler: reads the body (up to the receiver's limit) and
/// answers HTTP 200 with the spec-shaped JSON response, whatever the
/// input. Use it in your own routes with `State<SyncReceiver>`.
///
/// ```
/// use axum::routing::post;
/// # use travel_sync_types::server::{handle_sync, Credentials, Refusal, SyncReceiver};
/// # use travel_sync_types::{UserInfo, UserSyncResult};
/// # let receiver = SyncReceiver::new(
/// #     |_: Credentials| async { Ok::<(), Refusal>(()) },
/// #     |_: Vec<UserInfo>| async { Ok::<_, Refusal>(Vec::<UserSyncResult>::new()) },
/// # );
/// let app: axum::Router = axum::Router::new().route("/api/user-sync", post(handle_sync)).with_state(receiver);
/// # let _ = app;
/// ```
pub async fn handle_sync(State(receiver): State<SyncReceiver>, body: Body) -> Response {
    let response = match axum::body::to_bytes(body, receiver.body_limit).await {
        Ok(bytes) => receiver.handle(&bytes).await,
        Err(_) => Refusal::bad_request(format!(
            "请求体过大或读取失败(上限{}字节)",
            receiver.body_limit
        ))
        .into_response(),
    };
    (StatusCode::OK, Json(response)).into_response()
}
