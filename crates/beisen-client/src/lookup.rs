//! The user-id lookups by job number and by mobile number: the identity
//! join between HR and the systems fed from it (travel, expenses).
//!
//! The vendor takes at most [`MAX_LOOKUP_KEYS`] (30) keys a call ("一次操作
//! 不能超过30条数据") and answers item by item: `data` is an array of
//! `{jobNumber | mobile, userId, code, msg}`, the outer `code` stays `"200"`
//! when items fail, and a failed item (`417`, "所查工号无对应人员信息") may
//! still carry a `userId`, which must not be used. Source: the vendor's
//! documentation as scraped in fxp/skillify `skills/beisen/references/
//! employees.md` §7; chinayin/italent-openapi-sdk-php enforces the 30.
//!
//! `send` splits any number of keys into calls of 30, sends them at once
//! (at most the client's [`concurrency`](crate::BeisenClient::concurrency)
//! in flight) and returns one [`UserIdOutcome`] per distinct key.

use std::collections::BTreeMap;
use std::collections::btree_map;

use futures::{StreamExt, TryStreamExt};
use hr_common::endpoint::{self, Endpoint, json_request};
use hr_common::lenient::Code;
use hr_common::transport::{CallOptions, Request, Response};
use hr_common::{Error, Result};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::BeisenClient;
use crate::envelope::{Envelope, SERVICE};
use crate::ids::UserId;

/// The most keys one call of `GetUserIDsByJobNumbers` or
/// `GetUserIDsByMobilesV5` takes; `send` splits larger inputs.
pub const MAX_LOOKUP_KEYS: usize = 30;

/// What the lookup found for one key.
///
/// ```
/// use beisen_client::employee::UserIdOutcome;
/// use beisen_client::UserId;
/// let found = UserIdOutcome::Found(UserId(100000007));
/// assert_eq!(found.user_id(), Some(UserId(100000007)));
/// assert_eq!(UserIdOutcome::Missing.user_id(), None);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum UserIdOutcome {
    /// The item's `code` was 200 and it named a user.
    Found(UserId),
    /// The item's `code` was not 200 (the vendor's "所查工号无对应人员信息"
    /// is a 417), or it named no user.
    Failed(LookupFailure),
    /// The reply had no item for this key (only [`send`](GetUserIdsByJobNumbers::send)
    /// knows the keys asked, so only it reports this).
    Missing,
}

impl UserIdOutcome {
    /// The user id when found; `None` for a failure, whatever user id the
    /// failed item carried.
    ///
    /// ```
    /// use beisen_client::employee::UserIdOutcome;
    /// assert!(UserIdOutcome::Missing.user_id().is_none());
    /// ```
    pub fn user_id(&self) -> Option<UserId> {
        match self {
            UserIdOutcome::Found(id) => Some(*id),
            _ => None,
        }
    }

    /// Whether the key was found.
    ///
    /// ```
    /// use beisen_client::employee::UserIdOutcome;
    /// assert!(UserIdOutcome::Found(beisen_client::UserId(1)).is_found());
    /// ```
    pub fn is_found(&self) -> bool {
        matches!(self, UserIdOutcome::Found(_))
    }
}

/// A failed item of a lookup: its own `code` and `msg`.
///
/// ```
/// use beisen_client::employee::{GetUserIdsByJobNumbers, UserIdOutcome};
/// # use beisen_client::employee::UserIdLookup;
/// let lookup = UserIdLookup::from_reply_data(serde_json::json!([
///     {"jobNumber": "E1", "userId": 460098245, "code": 417, "msg": "所查工号无对应人员信息"}
/// ]))?;
/// let UserIdOutcome::Failed(f) = lookup.get("E1").unwrap() else { panic!() };
/// assert_eq!(f.code, 417);
/// assert_eq!(f.message, "所查工号无对应人员信息");
/// assert_eq!(f.vendor_user_id.map(|u| u.get()), Some(460098245));
/// assert_eq!(lookup.user_id("E1"), None, "a failed item's user id is not used");
/// # Ok::<(), beisen_client::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct LookupFailure {
    /// The item's code (an integer in the vendor's example; a string is
    /// read too). `200` when the item succeeded without naming a user.
    pub code: Code,
    /// The item's message, with long digit runs (a mobile number) and
    /// secrets masked.
    pub message: String,
    /// The user id the failed item carried anyway. The vendor's own
    /// example attaches one to a "not found" item: do not use it.
    pub vendor_user_id: Option<UserId>,
}

/// One outcome per key of a user-id lookup, in key order.
///
/// ```
/// use beisen_client::employee::{UserIdLookup, UserIdOutcome};
/// let lookup = UserIdLookup::from_reply_data(serde_json::json!([
///     {"jobNumber": "E1", "userId": 100000001, "code": 200, "msg": ""},
///     {"jobNumber": "E2", "userId": null, "code": 417, "msg": "所查工号无对应人员信息"}
/// ]))?;
/// assert_eq!(lookup.user_id("E1").map(|u| u.get()), Some(100000001));
/// assert_eq!(lookup.found().count(), 1);
/// assert_eq!(lookup.unresolved().map(|(k, _)| k).collect::<Vec<_>>(), ["E2"]);
/// let ids = lookup.into_found();
/// assert_eq!(ids.len(), 1);
/// # Ok::<(), beisen_client::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserIdLookup {
    outcomes: BTreeMap<String, UserIdOutcome>,
}

/// One item of the documented reply.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Item {
    #[serde(default)]
    job_number: Option<String>,
    #[serde(default)]
    mobile: Option<String>,
    #[serde(default, alias = "userID", alias = "UserId")]
    user_id: Option<Value>,
    #[serde(default, alias = "Code")]
    code: Option<Code>,
    #[serde(default, alias = "message", alias = "Msg")]
    msg: Option<String>,
}

/// A user id in any of the forms Beisen writes it (number or numeric
/// string); `0`, empty and others are no user.
fn user_id_of(v: &Value) -> Option<UserId> {
    let id = match v {
        Value::Number(n) => n.as_i64()?,
        Value::String(s) => s.trim().parse().ok()?,
        _ => return None,
    };
    (id > 0).then_some(UserId(id))
}

fn bad_data(message: impl Into<String>) -> Error {
    Error::decode_at("data", message.into(), b"").with_service(SERVICE)
}

impl UserIdLookup {
    /// Reads a reply's `data`: the documented array of per-item results,
    /// or the older map `{key: userId}` (accepted on input too). `null`
    /// is an empty lookup. An item without its key is an error: it cannot
    /// be told apart.
    ///
    /// ```
    /// use beisen_client::employee::UserIdLookup;
    /// let old = UserIdLookup::from_reply_data(serde_json::json!({"E000007": "100000007"}))?;
    /// assert_eq!(old.user_id("E000007").map(|u| u.get()), Some(100000007));
    /// assert!(UserIdLookup::from_reply_data(serde_json::json!(null))?.is_empty());
    /// assert!(UserIdLookup::from_reply_data(serde_json::json!(7)).is_err());
    /// # Ok::<(), beisen_client::Error>(())
    /// ```
    pub fn from_reply_data(data: Value) -> Result<Self> {
        let mut outcomes = BTreeMap::new();
        match data {
            Value::Null => {}
            Value::Array(items) => {
                for (i, raw) in items.into_iter().enumerate() {
                    let item: Item = serde_json::from_value(raw).map_err(|e| {
                        bad_data(format!(
                            "item {i} is not a lookup result: {}",
                            hr_common::redact::scrub_values(&e.to_string())
                        ))
                    })?;
                    let Some(key) = item.job_number.or(item.mobile) else {
                        return Err(bad_data(format!(
                            "item {i} has neither `jobNumber` nor `mobile`"
                        )));
                    };
                    let user = item.user_id.as_ref().and_then(user_id_of);
                    let ok = item.code.as_ref().is_none_or(|c| *c == 200);
                    let outcome = match (ok, user) {
                        (true, Some(id)) => UserIdOutcome::Found(id),
                        _ => UserIdOutcome::Failed(LookupFailure {
                            code: item.code.unwrap_or_else(|| Code::from(200)),
                            message: hr_common::redact::redact(item.msg.as_deref().unwrap_or("")),
                            vendor_user_id: user,
                        }),
                    };
                    outcomes.insert(key, outcome);
                }
            }
            Value::Object(map) => {
                for (key, v) in map {
                    if let Some(id) = user_id_of(&v) {
                        outcomes.insert(key, UserIdOutcome::Found(id));
                    }
                }
            }
            other => {
                return Err(bad_data(format!(
                    "`data` is {}, not the list of lookup results",
                    hr_common::json::kind(&other)
                )));
            }
        }
        Ok(UserIdLookup { outcomes })
    }

    /// The outcome of `key`, if the lookup has one.
    pub fn get(&self, key: &str) -> Option<&UserIdOutcome> {
        self.outcomes.get(key)
    }

    /// The user id of `key` when it was found.
    pub fn user_id(&self, key: &str) -> Option<UserId> {
        self.get(key).and_then(UserIdOutcome::user_id)
    }

    /// The keys found, with their user ids.
    pub fn found(&self) -> impl Iterator<Item = (&str, UserId)> {
        self.outcomes
            .iter()
            .filter_map(|(k, o)| o.user_id().map(|id| (k.as_str(), id)))
    }

    /// The keys not found (failed or missing), with their outcome.
    pub fn unresolved(&self) -> impl Iterator<Item = (&str, &UserIdOutcome)> {
        self.outcomes
            .iter()
            .filter(|(_, o)| !o.is_found())
            .map(|(k, o)| (k.as_str(), o))
    }

    /// Only the keys found: the map an identity join wants.
    pub fn into_found(self) -> BTreeMap<String, UserId> {
        self.outcomes
            .into_iter()
            .filter_map(|(k, o)| o.user_id().map(|id| (k, id)))
            .collect()
    }

    /// Every key and its outcome.
    pub fn iter(&self) -> btree_map::Iter<'_, String, UserIdOutcome> {
        self.outcomes.iter()
    }

    /// How many keys have an outcome.
    pub fn len(&self) -> usize {
        self.outcomes.len()
    }

    /// Whether no key has an outcome.
    pub fn is_empty(&self) -> bool {
        self.outcomes.is_empty()
    }

    fn merge(&mut self, other: UserIdLookup) {
        self.outcomes.extend(other.outcomes);
    }
}

impl IntoIterator for UserIdLookup {
    type Item = (String, UserIdOutcome);
    type IntoIter = btree_map::IntoIter<String, UserIdOutcome>;

    fn into_iter(self) -> Self::IntoIter {
        self.outcomes.into_iter()
    }
}

/// The reply of a user-id lookup: `code` 200 and `data` as
/// [`UserIdLookup::from_reply_data`] reads it.
#[derive(Debug)]
pub enum UserIdLookupReply {}

impl endpoint::Envelope<UserIdLookup> for UserIdLookupReply {
    fn decode(response: &Response) -> Result<UserIdLookup> {
        let env: Envelope<Value> = Envelope::read(response)?;
        UserIdLookup::from_reply_data(env.data.unwrap_or(Value::Null)).map_err(|e| {
            e.with_status(response.status())
                .with_request_id(response.request_id().map(str::to_owned))
        })
    }
}

/// Writes `new`, [`Endpoint`] (one call, at most 30 keys) and the
/// chunking `send`/`send_with` of a user-id lookup by keys: a struct
/// written out where it belongs, with the keys in `$field`.
macro_rules! user_ids_by {
    ($name:ident, $field:ident, $path:expr) => {
        impl $name {
            /// A lookup of `keys`, any number of them; repeated keys are
            /// asked once.
            pub fn new(keys: impl IntoIterator<Item = impl Into<String>>) -> Self {
                let mut seen = std::collections::HashSet::new();
                $name {
                    $field: keys
                        .into_iter()
                        .map(Into::into)
                        .filter(|k: &String| seen.insert(k.clone()))
                        .collect(),
                }
            }

            /// Looks every key up: calls of at most 30 keys, at most the
            /// client's concurrency in flight; one outcome per key, keys
            /// without an item in the reply as [`UserIdOutcome::Missing`].
            /// A call that fails as a whole fails the lookup.
            pub async fn send(&self, client: &BeisenClient) -> Result<UserIdLookup> {
                self.send_with(client, &CallOptions::new()).await
            }

            /// [`send`](Self::send) with per-call options over the
            /// client's defaults (for each call).
            pub async fn send_with(
                &self,
                client: &BeisenClient,
                options: &CallOptions,
            ) -> Result<UserIdLookup> {
                let calls: Vec<$name> = self
                    .$field
                    .chunks(MAX_LOOKUP_KEYS)
                    .map(|keys| $name {
                        $field: keys.to_vec(),
                    })
                    .collect();
                let mut all = futures::stream::iter(calls.iter())
                    .map(|call| endpoint::send(client, call, options))
                    .buffer_unordered(client.concurrency().max(1))
                    .try_fold(UserIdLookup::default(), |mut all, part| async move {
                        all.merge(part);
                        Ok(all)
                    })
                    .await?;
                for key in &self.$field {
                    all.outcomes
                        .entry(key.clone())
                        .or_insert(UserIdOutcome::Missing);
                }
                Ok(all)
            }
        }

        impl Endpoint for $name {
            type Client = BeisenClient;
            type Output = UserIdLookup;
            type Envelope = UserIdLookupReply;
            const PATH: &'static str = $path;
            const IDEMPOTENT: bool = true;

            /// One call: at most 30 keys (`send` splits larger lookups).
            fn validate(&self) -> Result<()> {
                let n = self.$field.len();
                if n > MAX_LOOKUP_KEYS {
                    return Err(Error::invalid_request(
                        stringify!($field),
                        format!(
                            "{n} keys; at most {MAX_LOOKUP_KEYS} per call (`send` splits them)"
                        ),
                    ));
                }
                Ok(())
            }

            fn to_request(&self) -> Result<Request> {
                json_request(self)
            }
        }
    };
}

/// `Employee/GetUserIDsByJobNumbers`: user ids by 工号, key by key.
///
/// ```
/// let req = beisen_client::employee::GetUserIdsByJobNumbers::new(["E000007", "E000007"]);
/// assert_eq!(serde_json::to_string(&req)?, r#"{"jobNumbers":["E000007"]}"#);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[doc(alias(
    "GetUserIDsByJobNumbers",
    "Employee/GetUserIDsByJobNumbers",
    "根据员工工号批量获取对应UserID"
))]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct GetUserIdsByJobNumbers {
    /// The job numbers (工号), distinct; `send` asks 30 a call.
    pub job_numbers: Vec<String>,
}
user_ids_by!(
    GetUserIdsByJobNumbers,
    job_numbers,
    crate::employee::paths::GET_USER_IDS_BY_JOB_NUMBERS
);

/// `Employee/GetUserIDsByMobilesV5`: user ids by mobile number, key by key.
///
/// ```
/// let req = beisen_client::employee::GetUserIdsByMobiles::new(["13800000000"]);
/// assert_eq!(serde_json::to_string(&req)?, r#"{"mobiles":["13800000000"]}"#);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[doc(alias(
    "GetUserIDsByMobilesV5",
    "Employee/GetUserIDsByMobilesV5",
    "根据员工手机号批量获取对应UserID"
))]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct GetUserIdsByMobiles {
    /// The mobile numbers, distinct; `send` asks 30 a call.
    pub mobiles: Vec<String>,
}
user_ids_by!(
    GetUserIdsByMobiles,
    mobiles,
    crate::employee::paths::GET_USER_IDS_BY_MOBILES
);

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn an_item_is_found_only_with_code_200_and_a_user() {
        let l = UserIdLookup::from_reply_data(json!([
            {"jobNumber": "A", "userId": 1, "code": 200, "msg": ""},
            {"jobNumber": "B", "userId": 2, "code": "417", "msg": "x"},
            {"jobNumber": "C", "userId": 0, "code": 200, "msg": ""},
            {"mobile": "13512345678", "userId": "4", "code": 417, "msg": "手机号13512345678无对应人员"},
            {"jobNumber": "E", "userId": 5}
        ]))
        .unwrap();
        assert_eq!(l.user_id("A"), Some(UserId(1)));
        assert_eq!(l.user_id("B"), None);
        assert!(matches!(l.get("C"), Some(UserIdOutcome::Failed(f)) if f.code == 200));
        let Some(UserIdOutcome::Failed(f)) = l.get("13512345678") else {
            panic!("{l:?}")
        };
        assert!(!f.message.contains("13512345678"), "{}", f.message);
        assert_eq!(f.vendor_user_id, Some(UserId(4)));
        assert_eq!(l.user_id("E"), Some(UserId(5)), "no code: the older shape");
        assert_eq!(l.found().count(), 2);
    }

    #[test]
    fn an_item_without_its_key_or_of_another_shape_is_an_error() {
        assert!(UserIdLookup::from_reply_data(json!([{"userId": 1, "code": 200}])).is_err());
        assert!(UserIdLookup::from_reply_data(json!(["E1"])).is_err());
        assert!(UserIdLookup::from_reply_data(json!("x")).is_err());
    }

    #[test]
    fn more_than_30_keys_is_refused_for_one_call() {
        let keys: Vec<String> = (0..31).map(|i| format!("E{i}")).collect();
        let err = GetUserIdsByJobNumbers::new(keys).validate().unwrap_err();
        assert!(err.to_string().contains("at most 30"), "{err}");
        assert!(
            GetUserIdsByMobiles::new((0..30).map(|i| format!("1380000{i:04}")))
                .validate()
                .is_ok()
        );
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(512))]

        /// Any `data` decodes or is an error, never a panic; a key is
        /// `Found` only from an item whose code is 200 (or absent) and
        /// that names a positive user id.
        #[test]
        fn any_data_reads_without_panic_and_finds_only_proven_items(
            data in hr_common::testing::envelope_like(
                &["jobNumber", "mobile", "userId", "code", "msg", "other"],
                &["E1", "200", "417", "所查工号无对应人员信息"],
                &[200, 417, 0, 100000007],
            )
        ) {
            if let Ok(lookup) = UserIdLookup::from_reply_data(data.clone())
                && let Value::Array(items) = &data
            {
                for (key, id) in lookup.found() {
                    let proven = items.iter().any(|i| {
                        let key_ok = [i.get("jobNumber"), i.get("mobile")]
                            .into_iter()
                            .flatten()
                            .any(|k| k.as_str() == Some(key));
                        let code_ok = match i.get("code") {
                            None | Some(Value::Null) => true,
                            Some(c) => hr_common::json::text(Some(c))
                                .is_some_and(|c| c.trim() == "200"),
                        };
                        key_ok && code_ok && i.get("userId").and_then(user_id_of) == Some(id)
                    });
                    proptest::prop_assert!(proven, "{key} found from {data}");
                }
            }
        }
    }
}
