//! The session endpoint (`getSessionId`) in front of the sync, and its MD5
//! signature.
//!
//! The caller posts `{account, secret, timestamp, platform | source,
//! userId | userNo, sign}` and gets a `sessionId` that stays valid until
//! `timeLimit`. `sign` is computed by [`sign`]: every parameter but `sign`
//! whose value is not empty, sorted by name, joined as `k=v&k=v`, the sign
//! key appended directly (no separator), MD5, lower-case hex. The sign key
//! itself is never sent.

use std::fmt;

use hr_common::lenient::{Code, EmptyAsNone, NumberFromString, StringOrInt};
use hr_common::{ExposeSecret, SecretString};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_with::serde_as;

use crate::EpochMillis;

/// Path of the session endpoint, as the platform documents it.
///
/// ```
/// assert_eq!(travel_sync_types::session::SESSION_PATH, "/getSessionId");
/// ```
pub const SESSION_PATH: &str = "/getSessionId";

/// A session id (`sessionId`): the credential of the sync call, so `Debug`
/// never shows it. Read from a string or a number (the spec's example
/// sends `"121312"`); written as a string.
///
/// ```
/// use travel_sync_types::SessionId;
///
/// let id: SessionId = serde_json::from_str("121312")?;
/// assert_eq!(id.expose(), "121312");
/// assert_eq!(format!("{id:?}"), "SessionId(****)");
/// assert_eq!(serde_json::to_string(&id)?, r#""121312""#);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct SessionId(String);

impl SessionId {
    /// Wraps a session id.
    ///
    /// ```
    /// let id = travel_sync_types::SessionId::new("abc");
    /// assert_eq!(id.expose(), "abc");
    /// ```
    pub fn new(id: impl Into<String>) -> Self {
        SessionId(id.into())
    }

    /// The id itself. Every call is a place where the credential leaves the
    /// wrapper, so keep them few.
    ///
    /// ```
    /// assert_eq!(travel_sync_types::SessionId::from("abc").expose(), "abc");
    /// ```
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SessionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SessionId(****)")
    }
}

impl From<&str> for SessionId {
    fn from(id: &str) -> Self {
        SessionId(id.to_owned())
    }
}

impl From<String> for SessionId {
    fn from(id: String) -> Self {
        SessionId(id)
    }
}

impl From<&String> for SessionId {
    fn from(id: &String) -> Self {
        SessionId(id.clone())
    }
}

impl Serialize for SessionId {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for SessionId {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        <StringOrInt as serde_with::DeserializeAs<'de, String>>::deserialize_as(deserializer)
            .map(SessionId)
    }
}

/// The text that is signed: the parameters whose value is not empty,
/// `sign` itself excluded, sorted by name (byte order), as `k=v` joined
/// with `&`. Values are taken verbatim, without URL encoding.
///
/// ```
/// use travel_sync_types::session::string_to_sign;
///
/// let text = string_to_sign([
///     ("timestamp", "1700000000000"),
///     ("account", "acme"),
///     ("userNo", ""),
///     ("sign", "stale"),
///     ("secret", "s3cret"),
/// ]);
/// assert_eq!(text, "account=acme&secret=s3cret&timestamp=1700000000000");
/// ```
pub fn string_to_sign<K, V>(params: impl IntoIterator<Item = (K, V)>) -> String
where
    K: AsRef<str>,
    V: AsRef<str>,
{
    let mut pairs: Vec<(K, V)> = params
        .into_iter()
        .filter(|(k, v)| k.as_ref() != "sign" && !v.as_ref().is_empty())
        .collect();
    // Ties (a repeated name) are ordered by value, so the text does not
    // depend on the order the caller listed them in.
    pairs.sort_by(|(ka, va), (kb, vb)| (ka.as_ref(), va.as_ref()).cmp(&(kb.as_ref(), vb.as_ref())));
    let mut out = String::new();
    for (k, v) in &pairs {
        if !out.is_empty() {
            out.push('&');
        }
        out.push_str(k.as_ref());
        out.push('=');
        out.push_str(v.as_ref());
    }
    out
}

/// The MD5 signature of `getSessionId`: the lower-case hex MD5 of
/// [`string_to_sign`]`(params)` with `sign_key` appended directly.
///
/// ```
/// use travel_sync_types::session::sign;
///
/// let params = [("account", "acme"), ("secret", "s3cret"), ("timestamp", "1700000000000"), ("platform", "yunjian")];
/// // md5("account=acme&platform=yunjian&secret=s3cret&timestamp=1700000000000k3y")
/// assert_eq!(sign(params, "k3y"), "eb07803a1def7ab2aabb0c44b22fc117");
/// ```
pub fn sign<K, V>(params: impl IntoIterator<Item = (K, V)>, sign_key: &str) -> String
where
    K: AsRef<str>,
    V: AsRef<str>,
{
    let mut text = string_to_sign(params);
    text.push_str(sign_key);
    format!("{:x}", md5::compute(text.as_bytes()))
}

/// The `getSessionId` request.
///
/// `secret` is a [`SecretString`]: `Debug` shows `[REDACTED]`, and it is
/// exposed only when the request is serialised or signed. `platform` is
/// being replaced by `source`; send whichever your platform asks for.
///
/// ```
/// use travel_sync_types::{EpochMillis, SessionRequest};
///
/// let req = SessionRequest::new("acme", "s3cret")
///     .timestamp(EpochMillis::new(1_700_000_000_000))
///     .platform("yunjian")
///     .signed("k3y");
/// assert_eq!(req.sign.as_deref(), Some("eb07803a1def7ab2aabb0c44b22fc117"));
/// let json = serde_json::to_value(&req)?;
/// assert_eq!(json["secret"], "s3cret");
/// assert_eq!(json["timestamp"], 1_700_000_000_000i64);
/// assert!(!format!("{req:?}").contains("s3cret"));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[serde_as]
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct SessionRequest {
    /// `account`: the company account.
    #[serde_as(as = "StringOrInt")]
    pub account: String,
    /// `secret`: the account's secret.
    #[serde(serialize_with = "expose_secret", deserialize_with = "secret_from_str")]
    pub secret: SecretString,
    /// `timestamp`: when the request was made, in epoch milliseconds.
    pub timestamp: EpochMillis,
    /// `platform`: the calling platform (being replaced by `source`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platform: Option<String>,
    /// `source`: the calling platform (replaces `platform`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// `userId`: the user the session acts for, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde_as(as = "EmptyAsNone<NumberFromString>")]
    pub user_id: Option<i64>,
    /// `userNo`: the user the session acts for, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde_as(as = "Option<StringOrInt>")]
    pub user_no: Option<String>,
    /// `sign`: see [`sign`]; set by [`signed`](Self::signed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sign: Option<String>,
}

fn expose_secret<S: Serializer>(secret: &SecretString, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(secret.expose_secret())
}

fn secret_from_str<'de, D: Deserializer<'de>>(deserializer: D) -> Result<SecretString, D::Error> {
    String::deserialize(deserializer).map(SecretString::from)
}

impl SessionRequest {
    /// A request for `account` with its `secret`, stamped now.
    ///
    /// ```
    /// let req = travel_sync_types::SessionRequest::new("acme", "s3cret");
    /// assert!(req.timestamp.has_thirteen_digits());
    /// assert!(req.sign.is_none());
    /// ```
    pub fn new(account: impl Into<String>, secret: impl Into<String>) -> Self {
        SessionRequest {
            account: account.into(),
            secret: SecretString::from(secret.into()),
            timestamp: EpochMillis::now(),
            platform: None,
            source: None,
            user_id: None,
            user_no: None,
            sign: None,
        }
    }

    /// Sets `timestamp`.
    ///
    /// ```
    /// use travel_sync_types::{EpochMillis, SessionRequest};
    /// let req = SessionRequest::new("acme", "s").timestamp(EpochMillis::new(1_700_000_000_000));
    /// assert_eq!(req.timestamp.as_millis(), 1_700_000_000_000);
    /// ```
    pub fn timestamp(mut self, at: impl Into<EpochMillis>) -> Self {
        self.timestamp = at.into();
        self
    }

    /// Sets `platform`.
    ///
    /// ```
    /// let req = travel_sync_types::SessionRequest::new("acme", "s").platform("yunjian");
    /// assert_eq!(req.platform.as_deref(), Some("yunjian"));
    /// ```
    pub fn platform(mut self, platform: impl Into<String>) -> Self {
        self.platform = Some(platform.into());
        self
    }

    /// Sets `source`.
    ///
    /// ```
    /// let req = travel_sync_types::SessionRequest::new("acme", "s").source("yunjian");
    /// assert_eq!(req.source.as_deref(), Some("yunjian"));
    /// ```
    pub fn source(mut self, source: impl Into<String>) -> Self {
        self.source = Some(source.into());
        self
    }

    /// Sets `userNo`.
    ///
    /// ```
    /// let req = travel_sync_types::SessionRequest::new("acme", "s").user_no("E1");
    /// assert_eq!(req.user_no.as_deref(), Some("E1"));
    /// ```
    pub fn user_no(mut self, no: impl Into<String>) -> Self {
        self.user_no = Some(no.into());
        self
    }

    /// Sets `userId`.
    ///
    /// ```
    /// let req = travel_sync_types::SessionRequest::new("acme", "s").user_id(7);
    /// assert_eq!(req.user_id, Some(7));
    /// ```
    pub fn user_id(mut self, id: i64) -> Self {
        self.user_id = Some(id);
        self
    }

    /// The signed parameters, as name and text, `sign` excluded. This is
    /// where the secret is exposed, so the result is not `Debug`-safe.
    ///
    /// ```
    /// let req = travel_sync_types::SessionRequest::new("acme", "s3cret").user_id(7);
    /// let params = req.params();
    /// assert!(params.contains(&("userId", "7".to_owned())));
    /// assert!(params.contains(&("secret", "s3cret".to_owned())));
    /// ```
    pub fn params(&self) -> Vec<(&'static str, String)> {
        let mut params = vec![
            ("account", self.account.clone()),
            ("secret", self.secret.expose_secret().to_owned()),
            ("timestamp", self.timestamp.to_string()),
        ];
        let optional = [
            ("platform", self.platform.clone()),
            ("source", self.source.clone()),
            ("userId", self.user_id.map(|id| id.to_string())),
            ("userNo", self.user_no.clone()),
        ];
        params.extend(optional.into_iter().filter_map(|(k, v)| Some((k, v?))));
        params
    }

    /// Computes and sets `sign` with `sign_key`.
    ///
    /// ```
    /// use travel_sync_types::{session, EpochMillis, SessionRequest};
    ///
    /// let req = SessionRequest::new("acme", "s3cret").timestamp(EpochMillis::new(1)).signed("k3y");
    /// assert_eq!(req.sign, Some(session::sign(req.params(), "k3y")));
    /// ```
    pub fn signed(mut self, sign_key: &str) -> Self {
        self.sign = Some(sign(self.params(), sign_key));
        self
    }

    /// Whether `sign` matches the parameters and `sign_key`: what the
    /// receiving side checks. The comparison is exact, so an upper-case
    /// signature does not match.
    ///
    /// ```
    /// let req = travel_sync_types::SessionRequest::new("acme", "s3cret").signed("k3y");
    /// assert!(req.verify("k3y"));
    /// assert!(!req.verify("other"));
    /// ```
    pub fn verify(&self, sign_key: &str) -> bool {
        self.sign
            .as_deref()
            .is_some_and(|s| s == sign(self.params(), sign_key))
    }
}

/// The `getSessionId` response.
///
/// `resCode` is a string here (`"10000"`), as the session page declares,
/// and read from a string or an integer.
///
/// ```
/// use travel_sync_types::SessionResponse;
///
/// let resp: SessionResponse = serde_json::from_str(
///     r#"{"resCode":"10000","resMsg":"success","sessionId":"abc","timeLimit":1700007200000}"#,
/// )?;
/// assert!(resp.is_success());
/// assert_eq!(resp.session_id.as_ref().map(|s| s.expose()), Some("abc"));
/// assert_eq!(resp.time_limit.map(|t| t.as_millis()), Some(1_700_007_200_000));
///
/// let refused: SessionResponse = serde_json::from_str(
///     r#"{"resCode":10002,"resMsg":"账户或密钥错误","sessionId":null,"timeLimit":null}"#,
/// )?;
/// assert!(!refused.is_success());
/// assert_eq!(serde_json::to_value(&refused)?["resCode"], "10002");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[serde_as]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct SessionResponse {
    /// `resCode`: `10000` on success.
    pub res_code: Code,
    /// `resMsg`: `success`, or why not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde_as(as = "EmptyAsNone")]
    pub res_msg: Option<String>,
    /// `sessionId`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde_as(as = "EmptyAsNone")]
    pub session_id: Option<SessionId>,
    /// `timeLimit`: when the session expires, in epoch milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde_as(as = "EmptyAsNone")]
    pub time_limit: Option<EpochMillis>,
}

impl SessionResponse {
    /// A successful response carrying a session.
    ///
    /// ```
    /// use travel_sync_types::{EpochMillis, SessionResponse};
    ///
    /// let resp = SessionResponse::success("abc", EpochMillis::new(1_700_007_200_000));
    /// assert_eq!(
    ///     serde_json::to_string(&resp)?,
    ///     r#"{"resCode":"10000","resMsg":"success","sessionId":"abc","timeLimit":1700007200000}"#
    /// );
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub fn success(session_id: impl Into<SessionId>, time_limit: EpochMillis) -> Self {
        SessionResponse {
            res_code: Code::from(crate::res_code::SUCCESS),
            res_msg: Some("success".to_owned()),
            session_id: Some(session_id.into()),
            time_limit: Some(time_limit),
        }
    }

    /// A refusal.
    ///
    /// ```
    /// use travel_sync_types::{res_code, SessionResponse};
    ///
    /// let resp = SessionResponse::error(res_code::BAD_SIGN, "签名错误");
    /// assert!(!resp.is_success());
    /// assert_eq!(resp.res_code, res_code::BAD_SIGN);
    /// // Absent options are left out, not written as null.
    /// assert_eq!(serde_json::to_string(&resp)?, r#"{"resCode":"10003","resMsg":"签名错误"}"#);
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub fn error(code: i64, message: impl Into<String>) -> Self {
        SessionResponse {
            res_code: Code::from(code),
            res_msg: Some(message.into()),
            session_id: None,
            time_limit: None,
        }
    }

    /// Whether `resCode` is 10000 and a session id came with it.
    ///
    /// ```
    /// use travel_sync_types::{EpochMillis, SessionResponse};
    /// assert!(SessionResponse::success("abc", EpochMillis::new(0)).is_success());
    /// ```
    pub fn is_success(&self) -> bool {
        self.res_code == crate::res_code::SUCCESS && self.session_id.is_some()
    }
}
