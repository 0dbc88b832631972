//! [`SyncRequest`], the body of the sync call, and the per-user lenient
//! reading a receiver needs ([`SyncRequest::parse_lenient`]).

use std::fmt;

use hr_common::lenient::{EmptyAsNone, NumberFromString, StringOrInt};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use serde_with::serde_as;

use crate::wire::{kind, raw_key, scrub};
use crate::{SessionId, UserInfo, UserKey};

/// Path of the sync endpoint, as the platform documents it
/// (`masterData/userSyn`). The travel side hosts it; the URL is theirs.
///
/// ```
/// assert_eq!(travel_sync_types::SYNC_PATH, "/userSyn");
/// ```
pub const SYNC_PATH: &str = "/userSyn";

/// The body of the sync call: who calls, and the users.
///
/// | field | wire | declared | required |
/// |---|---|---|---|
/// | [`user_no`](Self::user_no) | `userNo` | String, the operator's integration key | Y (but the spec's own example sends `userId` instead) |
/// | [`user_id`](Self::user_id) | `userId` | the pre-V1.2 form of `userNo` | |
/// | [`account`](Self::account) | `account` | String, the company account; `companyId` before V1.2 | Y |
/// | [`session_id`](Self::session_id) | `sessionId` | String, from `getSessionId` | Y |
/// | [`data`](Self::data) | `data` | `List<UserInfo>` | Y |
///
/// Reading accepts `companyId` (a number in the spec's example) for
/// `account`; when both are sent, `account` wins. Writing always uses the
/// V1.2 names.
///
/// ```
/// use travel_sync_types::{SyncRequest, UserInfo};
///
/// let req = SyncRequest::new("acme", "sess-1", vec![UserInfo::new("E1", "王伟", "13812345678", false)]);
/// assert_eq!(
///     serde_json::to_string(&req)?,
///     r#"{"account":"acme","sessionId":"sess-1","data":[{"userNo":"E1","mobile":"13812345678","isLeave":false,"fullName":"王伟"}]}"#
/// );
///
/// let old: SyncRequest = serde_json::from_str(r#"{"companyId": 38, "sessionId": "121312", "userId": 91228, "data": []}"#)?;
/// assert_eq!(old.account.as_deref(), Some("38"));
/// assert_eq!(old.user_id, Some(91228));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[serde_as]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", from = "SyncRequestWire")]
#[non_exhaustive]
pub struct SyncRequest {
    /// `userNo`: the integration key of the person on whose behalf the
    /// batch is sent (申请单申请人对接关键字).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[serde_as(as = "Option<StringOrInt>")]
    pub user_no: Option<String>,
    /// `userId`: the pre-V1.2 form of [`user_no`](Self::user_no).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_id: Option<i64>,
    /// `account`: the company account (`companyId` before V1.2).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[serde_as(as = "Option<StringOrInt>")]
    pub account: Option<String>,
    /// `sessionId`: from `getSessionId`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub session_id: Option<SessionId>,
    /// `data`: the users.
    pub data: Vec<UserInfo>,
    /// Fields the spec does not name, kept so that nothing is lost when a
    /// request is read and written back.
    #[serde(flatten)]
    pub unknown_fields: Map<String, Value>,
}

/// What reading accepts; turned into a [`SyncRequest`] by `From`, which
/// resolves `companyId` into `account` without failing when both are sent.
#[serde_as]
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SyncRequestWire {
    #[serde(default)]
    #[serde_as(as = "Option<StringOrInt>")]
    user_no: Option<String>,
    #[serde(default)]
    #[serde_as(as = "EmptyAsNone<NumberFromString>")]
    user_id: Option<i64>,
    #[serde(default)]
    #[serde_as(as = "Option<StringOrInt>")]
    account: Option<String>,
    #[serde(default)]
    #[serde_as(as = "Option<StringOrInt>")]
    company_id: Option<String>,
    #[serde(default)]
    session_id: Option<SessionId>,
    #[serde(default)]
    #[serde_as(as = "serde_with::DefaultOnNull")]
    data: Vec<UserInfo>,
    #[serde(flatten)]
    unknown_fields: Map<String, Value>,
}

impl From<SyncRequestWire> for SyncRequest {
    fn from(wire: SyncRequestWire) -> Self {
        let account = match (wire.account, wire.company_id) {
            (Some(a), _) if !a.trim().is_empty() => Some(a),
            (a, c) => c.or(a),
        };
        SyncRequest {
            user_no: wire.user_no,
            user_id: wire.user_id,
            account,
            session_id: wire.session_id,
            data: wire.data,
            unknown_fields: wire.unknown_fields,
        }
    }
}

impl SyncRequest {
    /// A request from `account` with `session_id`, carrying `users`.
    ///
    /// ```
    /// let req = travel_sync_types::SyncRequest::new("acme", "sess-1", Vec::new());
    /// assert_eq!(req.session_id.unwrap().expose(), "sess-1");
    /// ```
    pub fn new(
        account: impl Into<String>,
        session_id: impl Into<SessionId>,
        users: impl IntoIterator<Item = UserInfo>,
    ) -> Self {
        SyncRequest {
            account: Some(account.into()),
            session_id: Some(session_id.into()),
            data: users.into_iter().collect(),
            ..SyncRequest::default()
        }
    }

    /// Sets the top-level `userNo`, the operator's integration key.
    ///
    /// ```
    /// let req = travel_sync_types::SyncRequest::new("acme", "s", Vec::new()).user_no("admin");
    /// assert_eq!(req.user_no.as_deref(), Some("admin"));
    /// ```
    pub fn user_no(mut self, no: impl Into<String>) -> Self {
        self.user_no = Some(no.into());
        self
    }

    /// Sets the top-level `userId`, for a platform older than V1.2.
    ///
    /// ```
    /// let req = travel_sync_types::SyncRequest::new("acme", "s", Vec::new()).user_id(91228);
    /// assert_eq!(req.user_id, Some(91228));
    /// ```
    pub fn user_id(mut self, id: i64) -> Self {
        self.user_id = Some(id);
        self
    }

    /// Reads a request body the way a receiver should: the envelope as a
    /// whole, but each user on its own, so that one unreadable user (an
    /// `isLeave` of `"maybe"`, a `userId` of `"abc"`) is reported as that
    /// user's failure instead of failing the batch.
    ///
    /// Fails only when the body is not JSON, not an object, has no `data`
    /// array, or an envelope field is unreadable. Never panics, whatever
    /// the bytes. Messages give the JSON path and the expected type, never
    /// the value sent (it may be personal data).
    ///
    /// ```
    /// use travel_sync_types::{SyncRequest, UserKey};
    ///
    /// let body = r#"{"account":"acme","sessionId":"s","data":[
    ///     {"userNo":"E1","fullName":"王伟","mobile":"13812345678","isLeave":false},
    ///     {"userNo":"E2","fullName":"李娜","mobile":"13812345679","isLeave":"maybe"}]}"#;
    /// let parsed = SyncRequest::parse_lenient(body.as_bytes())?;
    /// assert_eq!(parsed.request.data.len(), 1);
    /// assert_eq!(parsed.unreadable[0].index, 1);
    /// assert_eq!(parsed.unreadable[0].key, Some(UserKey::UserNo("E2".into())));
    /// assert_eq!(parsed.unreadable[0].path, "data[1].isLeave");
    /// assert!(!parsed.unreadable[0].message.contains("maybe"));
    ///
    /// let err = SyncRequest::parse_lenient(b"{not json").unwrap_err();
    /// assert!(err.to_string().contains("not JSON"), "{err}");
    /// # Ok::<(), travel_sync_types::ParseError>(())
    /// ```
    pub fn parse_lenient(body: &[u8]) -> Result<ParsedSyncRequest, ParseError> {
        let value: Value = serde_json::from_slice(body).map_err(|e| ParseError {
            path: ".".into(),
            message: scrub(&format!("the body is not JSON: {e}")),
        })?;
        let Value::Object(mut envelope) = value else {
            return Err(ParseError {
                path: ".".into(),
                message: format!("the body must be a JSON object, got {}", kind(&value)),
            });
        };
        let users = match envelope.remove("data") {
            Some(Value::Array(users)) => users,
            None | Some(Value::Null) => {
                return Err(ParseError {
                    path: "data".into(),
                    message: "`data`, the list of users, is missing".into(),
                });
            }
            Some(other) => {
                return Err(ParseError {
                    path: "data".into(),
                    message: format!("`data` must be a list of users, got {}", kind(&other)),
                });
            }
        };
        // Each value is read through a borrow first, without recording its
        // JSON path (an allocation per key); only a failure is read again,
        // owned, through `serde_path_to_error` for the path.
        let envelope = Value::Object(envelope);
        let mut request = match SyncRequest::deserialize(&envelope) {
            Ok(request) => request,
            Err(_) => {
                serde_path_to_error::deserialize::<_, SyncRequest>(envelope).map_err(|e| {
                    ParseError {
                        path: e.path().to_string(),
                        message: scrub(&e.into_inner().to_string()),
                    }
                })?
            }
        };
        request.data.reserve(users.len());
        let mut unreadable = Vec::new();
        for (index, user) in users.into_iter().enumerate() {
            let read = match UserInfo::deserialize(&user) {
                Ok(read) => Ok(read),
                Err(_) => {
                    let key = raw_key(&user);
                    serde_path_to_error::deserialize::<_, UserInfo>(user).map_err(|e| (key, e))
                }
            };
            match read {
                Ok(read) => request.data.push(read),
                Err((key, e)) => {
                    let path = e.path().to_string();
                    let path = if path == "." {
                        format!("data[{index}]")
                    } else {
                        format!("data[{index}].{path}")
                    };
                    unreadable.push(UnreadableUser {
                        index,
                        key,
                        path,
                        message: scrub(&e.into_inner().to_string()),
                    });
                }
            }
        }
        Ok(ParsedSyncRequest {
            request,
            unreadable,
        })
    }
}

/// A request read by [`SyncRequest::parse_lenient`].
///
/// ```
/// let parsed = travel_sync_types::SyncRequest::parse_lenient(br#"{"account":"a","data":[]}"#)?;
/// assert!(parsed.unreadable.is_empty());
/// assert_eq!(parsed.request.account.as_deref(), Some("a"));
/// # Ok::<(), travel_sync_types::ParseError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ParsedSyncRequest {
    /// The envelope, with the users that could be read in `data`, in order.
    pub request: SyncRequest,
    /// The users that could not be read.
    pub unreadable: Vec<UnreadableUser>,
}

/// A user of a batch that could not be read; see
/// [`SyncRequest::parse_lenient`].
///
/// ```
/// let parsed = travel_sync_types::SyncRequest::parse_lenient(br#"{"data":[{"userId":"x"}]}"#)?;
/// let bad = &parsed.unreadable[0];
/// assert_eq!((bad.index, bad.path.as_str(), bad.key.clone()), (0, "data[0].userId", None));
/// # Ok::<(), travel_sync_types::ParseError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct UnreadableUser {
    /// Position in the batch's `data`.
    pub index: usize,
    /// The user's `userNo` or `userId`, when those could be read.
    pub key: Option<UserKey>,
    /// JSON path of the value that failed, e.g. `data[3].isLeave`.
    pub path: String,
    /// Why it failed: the expected type, without the value sent.
    pub message: String,
}

/// A body that cannot be read as a sync request at all.
///
/// ```
/// let err = travel_sync_types::SyncRequest::parse_lenient(b"[]").unwrap_err();
/// assert_eq!(err.path, ".");
/// assert_eq!(err.to_string(), "unreadable sync request at `.`: the body must be a JSON object, got an array");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ParseError {
    /// JSON path of the failing value (`.` for the body itself).
    pub path: String,
    /// What is wrong: the expected type, without the value sent.
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unreadable sync request at `{}`: {}",
            self.path, self.message
        )
    }
}

impl std::error::Error for ParseError {}
