//! [`SyncResponse`] and [`UserSyncResult`]: what the travel side answers,
//! and [`SyncResponse::outcomes`], every sent user's fate.

use std::collections::HashMap;

use hr_common::lenient::{Code, EmptyAsNone, NumberFromString, StringOrInt};
use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};
use serde_with::serde_as;

use crate::wire::{CodeAsInt, LeaveFlag};
use crate::{Outcome, UserInfo, UserKey, UserOutcome};

/// `resCode` values.
///
/// The spec defines only [`SUCCESS`](res_code::SUCCESS). The others are the family's
/// convention, shared by hr-sandbox's simulator and this crate's receiving
/// helper, so that a sender can tell a refused batch from a bad one.
///
/// ```
/// use travel_sync_types::res_code;
/// assert_eq!(res_code::SUCCESS, 10000);
/// ```
pub mod res_code {
    /// Processed (possibly with per-user failures).
    pub const SUCCESS: i64 = 10000;
    /// The body is not JSON, or a required envelope field is missing.
    pub const BAD_REQUEST: i64 = 10001;
    /// Unknown `account`, or wrong `secret`.
    pub const BAD_CREDENTIALS: i64 = 10002;
    /// `sign` does not match (`getSessionId`).
    pub const BAD_SIGN: i64 = 10003;
    /// `sessionId` missing, unknown or expired.
    pub const BAD_SESSION: i64 = 10004;
    /// More users than the receiver accepts in one batch.
    pub const BATCH_TOO_LARGE: i64 = 10005;
}

/// `resMsg` when every user synced.
///
/// ```
/// assert_eq!(travel_sync_types::MSG_ALL_SYNCED, "同步成功");
/// ```
pub const MSG_ALL_SYNCED: &str = "同步成功";

/// `resMsg` when some users failed.
///
/// ```
/// assert_eq!(travel_sync_types::MSG_SOME_FAILED, "部分员工同步失败");
/// ```
pub const MSG_SOME_FAILED: &str = "部分员工同步失败";

/// The answer to a sync call.
///
/// `resCode` is read as an integer or a string (the spec's pages disagree)
/// and written as the integer the sync page declares. `data` lists the
/// users that failed; users that synced may be left out ("成功的可以不返回"),
/// so use [`outcomes`](Self::outcomes) to learn what happened to each user
/// sent.
///
/// ```
/// use travel_sync_types::{SyncResponse, UserInfo, Outcome};
///
/// let resp: SyncResponse = serde_json::from_str(r#"{
///     "resCode": "10000", "resMsg": "部分员工同步失败",
///     "data": [{"userNo": 91229, "status": 0, "bindId": "b-2", "description": "职级未维护,同步失败"}]
/// }"#)?;
/// assert!(resp.is_success());
/// assert_eq!(serde_json::to_value(&resp)?["resCode"], 10000);
///
/// let sent = [
///     UserInfo::new("91228", "测试", "13812345678", false),
///     UserInfo::new("91229", "测试", "13812345679", false),
/// ];
/// let outcomes = resp.outcomes(&sent);
/// assert!(matches!(outcomes[0].outcome, Outcome::Synced));
/// assert!(matches!(&outcomes[1].outcome, Outcome::Rejected { description } if description == "职级未维护,同步失败"));
/// assert_eq!(outcomes[1].bind_id.as_deref(), Some("b-2"));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[serde_as]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct SyncResponse {
    /// `resCode`: [`res_code::SUCCESS`] (10000) when the batch was processed.
    #[serde_as(as = "CodeAsInt")]
    pub res_code: Code,
    /// `resMsg`: [`MSG_ALL_SYNCED`], [`MSG_SOME_FAILED`], or why the batch
    /// was refused. `null` reads as empty.
    #[serde(default)]
    #[serde_as(as = "serde_with::DefaultOnNull")]
    pub res_msg: String,
    /// `data`: the users that failed (and, optionally, some that synced).
    #[serde(default)]
    #[serde_as(as = "serde_with::DefaultOnNull")]
    pub data: Vec<UserSyncResult>,
}

impl SyncResponse {
    /// A processed batch: `resCode` 10000, the given per-user results, and
    /// `resMsg` [`MSG_SOME_FAILED`] if any of them is a failure, else
    /// [`MSG_ALL_SYNCED`].
    ///
    /// ```
    /// use travel_sync_types::{SyncResponse, UserSyncResult, UserKey};
    ///
    /// let all = SyncResponse::processed(Vec::new());
    /// assert_eq!(serde_json::to_string(&all)?, r#"{"resCode":10000,"resMsg":"同步成功","data":[]}"#);
    /// let some = SyncResponse::processed(vec![UserSyncResult::failure(UserKey::from("E2"), "职级未维护,同步失败")]);
    /// assert_eq!(some.res_msg, "部分员工同步失败");
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub fn processed(results: Vec<UserSyncResult>) -> Self {
        let msg = if results.iter().any(|r| !r.status.is_success()) {
            MSG_SOME_FAILED
        } else {
            MSG_ALL_SYNCED
        };
        SyncResponse {
            res_code: Code::from(res_code::SUCCESS),
            res_msg: msg.to_owned(),
            data: results,
        }
    }

    /// A refused batch: `code`, `message` and an empty `data`.
    ///
    /// ```
    /// use travel_sync_types::{res_code, SyncResponse};
    ///
    /// let resp = SyncResponse::error(res_code::BAD_SESSION, "sessionId无效或已过期");
    /// assert_eq!(serde_json::to_string(&resp)?, r#"{"resCode":10004,"resMsg":"sessionId无效或已过期","data":[]}"#);
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub fn error(code: i64, message: impl Into<String>) -> Self {
        SyncResponse {
            res_code: Code::from(code),
            res_msg: message.into(),
            data: Vec::new(),
        }
    }

    /// Whether the batch was processed (`resCode` 10000). Individual users
    /// may still have failed.
    ///
    /// ```
    /// assert!(travel_sync_types::SyncResponse::processed(Vec::new()).is_success());
    /// ```
    pub fn is_success(&self) -> bool {
        self.res_code == res_code::SUCCESS
    }

    /// The results that are failures.
    ///
    /// ```
    /// use travel_sync_types::{SyncResponse, UserSyncResult, UserKey};
    /// let resp = SyncResponse::processed(vec![
    ///     UserSyncResult::success(UserKey::from("E1")),
    ///     UserSyncResult::failure(UserKey::from("E2"), "手机号不合法"),
    /// ]);
    /// assert_eq!(resp.failures().count(), 1);
    /// ```
    pub fn failures(&self) -> impl Iterator<Item = &UserSyncResult> {
        self.data.iter().filter(|r| !r.status.is_success())
    }

    /// The outcome of every user in `sent`, in order, matched to `data`
    /// by `userNo`, then by `userId` (trimmed text, so `91228` matches
    /// `"91228"`).
    ///
    /// - A processed batch: a listed failure is [`Outcome::Rejected`]; a
    ///   listed success or an unlisted user is [`Outcome::Synced`]. If a
    ///   user is listed more than once, a failure wins.
    /// - A refused batch (`resCode` not 10000): every user is
    ///   [`Outcome::NotSynced`] with the code and message as an
    ///   [`hr_common::Error::Api`].
    ///
    /// `bindId`s are taken from `data` when the platform sent them.
    ///
    /// ```
    /// use travel_sync_types::{res_code, Outcome, SyncResponse, UserInfo};
    ///
    /// let sent = [UserInfo::new("E1", "王伟", "13812345678", false)];
    /// let refused = SyncResponse::error(res_code::BAD_SESSION, "sessionId无效或已过期");
    /// let outcomes = refused.outcomes(&sent);
    /// assert!(matches!(&outcomes[0].outcome, Outcome::NotSynced { error } if error.vendor_code() == Some("10004")));
    /// ```
    pub fn outcomes(&self, sent: &[UserInfo]) -> Vec<UserOutcome> {
        if !self.is_success() {
            let error =
                hr_common::Error::api(crate::SERVICE, self.res_code.as_str(), self.res_msg.clone());
            return sent
                .iter()
                .enumerate()
                .map(|(index, user)| UserOutcome {
                    index,
                    key: user.key(),
                    bind_id: None,
                    outcome: Outcome::NotSynced {
                        error: error.clone(),
                    },
                })
                .collect();
        }
        let mut by_no: HashMap<&str, &UserSyncResult> = HashMap::new();
        let mut by_id: HashMap<i64, &UserSyncResult> = HashMap::new();
        for result in &self.data {
            // A failure listed twice, or after a success, must not be
            // hidden by the success: keep the worst entry per key.
            let keep = |old: Option<&&UserSyncResult>| {
                old.is_none_or(|old| old.status.is_success() && !result.status.is_success())
            };
            if let Some(no) = result.user_no.as_deref().map(str::trim)
                && !no.is_empty()
                && keep(by_no.get(no))
            {
                by_no.insert(no, result);
            }
            if let Some(id) = result.user_id
                && keep(by_id.get(&id))
            {
                by_id.insert(id, result);
            }
        }
        sent.iter()
            .enumerate()
            .map(|(index, user)| {
                let by_user_no = user
                    .user_no
                    .as_deref()
                    .map(str::trim)
                    .and_then(|no| by_no.get(no));
                let result = by_user_no.or_else(|| user.user_id.and_then(|id| by_id.get(&id)));
                let (outcome, bind_id) = match result {
                    Some(r) if !r.status.is_success() => (
                        Outcome::Rejected {
                            description: r.description.clone().unwrap_or_default(),
                        },
                        r.bind_id.clone(),
                    ),
                    Some(r) => (Outcome::Synced, r.bind_id.clone()),
                    None => (Outcome::Synced, None),
                };
                UserOutcome {
                    index,
                    key: user.key(),
                    bind_id: bind_id.filter(|b| !b.is_empty()),
                    outcome,
                }
            })
            .collect()
    }
}

/// One user's result in a [`SyncResponse`].
///
/// | field | wire | declared |
/// |---|---|---|
/// | [`user_id`](Self::user_id) | `userId` | Integer |
/// | [`user_no`](Self::user_no) | `userNo` | String, as sent in the request |
/// | [`bind_id`](Self::bind_id) | `bindId` | String, the travel platform's key for the user (V1.3) |
/// | [`company_id`](Self::company_id) | `companyId` | Integer |
/// | [`is_leave`](Self::is_leave) | `isLeave` | Boolean |
/// | [`description`](Self::description) | `description` | String, required for failures |
/// | [`status`](Self::status) | `status` | Integer, 0 failed, 1 synced |
///
/// ```
/// use travel_sync_types::{SyncStatus, UserKey, UserSyncResult};
///
/// let r = UserSyncResult::failure(UserKey::from("91229"), "职级未维护,同步失败").bind_id("b-1");
/// assert_eq!(r.status, SyncStatus::Failed);
/// assert_eq!(
///     serde_json::to_string(&r)?,
///     r#"{"userNo":"91229","bindId":"b-1","description":"职级未维护,同步失败","status":0}"#
/// );
/// # Ok::<(), serde_json::Error>(())
/// ```
#[serde_as]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct UserSyncResult {
    /// `userId`, when the user was sent by it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde_as(as = "EmptyAsNone<NumberFromString>")]
    pub user_id: Option<i64>,
    /// `userNo`, as sent in the request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde_as(as = "Option<StringOrInt>")]
    pub user_no: Option<String>,
    /// `bindId`: the travel platform's key for the user (V1.3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde_as(as = "Option<StringOrInt>")]
    pub bind_id: Option<String>,
    /// `companyId`: the expense platform's company number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde_as(as = "EmptyAsNone<NumberFromString>")]
    pub company_id: Option<i64>,
    /// `isLeave`: whether the user is disabled on the platform.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde_as(as = "Option<LeaveFlag>")]
    pub is_leave: Option<bool>,
    /// `description`: why the user failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde_as(as = "Option<StringOrInt>")]
    pub description: Option<String>,
    /// `status`: 0 failed, 1 synced. A result without one is read as a
    /// failure, since the list exists to report failures.
    #[serde(default)]
    pub status: SyncStatus,
    /// Fields the spec does not name.
    #[serde(flatten)]
    pub unknown_fields: Map<String, Value>,
}

impl UserSyncResult {
    fn for_key(key: UserKey, status: SyncStatus) -> Self {
        let (user_no, user_id) = match key {
            UserKey::UserNo(no) => (Some(no), None),
            UserKey::UserId(id) => (None, Some(id)),
        };
        UserSyncResult {
            user_id,
            user_no,
            bind_id: None,
            company_id: None,
            is_leave: None,
            description: None,
            status,
            unknown_fields: Map::new(),
        }
    }

    /// A failed user, with its reason.
    ///
    /// ```
    /// use travel_sync_types::{UserKey, UserSyncResult};
    /// let r = UserSyncResult::failure(UserKey::UserId(7), "手机号不合法,同步失败");
    /// assert_eq!(r.user_id, Some(7));
    /// ```
    pub fn failure(key: UserKey, description: impl Into<String>) -> Self {
        let mut result = Self::for_key(key, SyncStatus::Failed);
        result.description = Some(description.into());
        result
    }

    /// A synced user, for a receiver that reports successes too (with
    /// their `bindId`).
    ///
    /// ```
    /// use travel_sync_types::{SyncStatus, UserKey, UserSyncResult};
    /// let r = UserSyncResult::success(UserKey::from("E1")).bind_id("b-1");
    /// assert_eq!(r.status, SyncStatus::Synced);
    /// ```
    pub fn success(key: UserKey) -> Self {
        Self::for_key(key, SyncStatus::Synced)
    }

    /// Sets `bindId`.
    ///
    /// ```
    /// use travel_sync_types::{UserKey, UserSyncResult};
    /// let r = UserSyncResult::success(UserKey::from("E1")).bind_id("b-1");
    /// assert_eq!(r.bind_id.as_deref(), Some("b-1"));
    /// ```
    pub fn bind_id(mut self, bind_id: impl Into<String>) -> Self {
        self.bind_id = Some(bind_id.into());
        self
    }

    /// The user's key: `userNo` if not blank, else `userId`.
    ///
    /// ```
    /// use travel_sync_types::{UserKey, UserSyncResult};
    /// assert_eq!(UserSyncResult::success(UserKey::UserId(7)).key(), Some(UserKey::UserId(7)));
    /// ```
    pub fn key(&self) -> Option<UserKey> {
        match self.user_no.as_deref().map(str::trim) {
            Some(no) if !no.is_empty() => Some(UserKey::UserNo(no.to_owned())),
            _ => self.user_id.map(UserKey::UserId),
        }
    }
}

/// `status` of a [`UserSyncResult`]: `0` failed, `1` synced.
///
/// Read from an integer or a numeric string; written as the integer.
/// Another value is kept as [`SyncStatus::Other`] and counts as a failure.
///
/// ```
/// use travel_sync_types::SyncStatus;
///
/// assert_eq!(serde_json::from_str::<SyncStatus>(r#""1""#)?, SyncStatus::Synced);
/// assert_eq!(serde_json::from_str::<SyncStatus>("2")?, SyncStatus::Other(2));
/// assert!(!SyncStatus::Other(2).is_success());
/// assert_eq!(serde_json::to_string(&SyncStatus::Failed)?, "0");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SyncStatus {
    /// `0`: the user was not synced.
    #[default]
    Failed,
    /// `1`: the user was synced.
    Synced,
    /// Any other value.
    Other(i64),
}

impl SyncStatus {
    /// The wire value.
    ///
    /// ```
    /// assert_eq!(travel_sync_types::SyncStatus::Synced.code(), 1);
    /// ```
    pub fn code(self) -> i64 {
        match self {
            SyncStatus::Failed => 0,
            SyncStatus::Synced => 1,
            SyncStatus::Other(n) => n,
        }
    }

    /// From the wire value.
    ///
    /// ```
    /// use travel_sync_types::SyncStatus;
    /// assert_eq!(SyncStatus::from_code(0), SyncStatus::Failed);
    /// ```
    pub fn from_code(code: i64) -> Self {
        match code {
            0 => SyncStatus::Failed,
            1 => SyncStatus::Synced,
            n => SyncStatus::Other(n),
        }
    }

    /// Whether the user was synced.
    ///
    /// ```
    /// assert!(travel_sync_types::SyncStatus::Synced.is_success());
    /// ```
    pub fn is_success(self) -> bool {
        self == SyncStatus::Synced
    }
}

impl Serialize for SyncStatus {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_i64(self.code())
    }
}

struct StatusVisitor;

impl Visitor<'_> for StatusVisitor {
    type Value = SyncStatus;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a status (0 or 1, as a number or a string)")
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<SyncStatus, E> {
        Ok(SyncStatus::from_code(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<SyncStatus, E> {
        i64::try_from(v)
            .map(SyncStatus::from_code)
            .map_err(|_| E::custom("status out of range"))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<SyncStatus, E> {
        v.trim()
            .parse()
            .map(SyncStatus::from_code)
            .map_err(|_| E::custom(format_args!("expected a numeric status, got {v:?}")))
    }

    fn visit_unit<E: de::Error>(self) -> Result<SyncStatus, E> {
        Ok(SyncStatus::Failed)
    }
}

impl<'de> Deserialize<'de> for SyncStatus {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(StatusVisitor)
    }
}
