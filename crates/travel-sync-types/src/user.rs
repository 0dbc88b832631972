//! [`UserInfo`], one employee of a sync batch, and [`UserKey`], how a user
//! is identified.

use std::fmt;

use hr_common::lenient::{EmptyAsNone, NumberFromString, StringOrInt};
use hr_common::sensitive::{Email, Phone, Sensitive, mask};
use serde::ser::SerializeMap;
use serde::{Deserialize, Serialize, Serializer};
use serde_json::{Map, Value};
use serde_with::serde_as;

use crate::wire::{ExtraInfo, LeaveFlag};
use crate::{CardInfo, Gender};

/// A birthday as sent (`yyyy-MM-dd`); `Debug` shows `****`.
///
/// ```
/// let birthday = travel_sync_types::Birthday::from("1990-05-17".to_owned());
/// assert_eq!(format!("{birthday:?}"), r#""****""#);
/// assert_eq!(birthday.expose(), "1990-05-17");
/// ```
pub type Birthday = Sensitive<String, mask::Full>;

/// How the travel platform identifies a user: `userNo`, the integration key
/// the spec prefers, or `userId`, the expense platform's own number that
/// some older projects send instead ("userId和userNo二选一").
///
/// A `&str` or `String` converts into a `userNo`. There is deliberately no
/// conversion from an integer: a numeric employee number is still a
/// `userNo`, and a silent `userId` would upsert the wrong record.
///
/// Serialises as a one-entry map, `{"userNo":"E1"}` or `{"userId":7}`.
///
/// ```
/// use travel_sync_types::UserKey;
///
/// let key: UserKey = "E1001".into();
/// assert_eq!(key, UserKey::UserNo("E1001".into()));
/// assert_eq!(key.to_string(), "userNo E1001");
/// assert_eq!(serde_json::to_string(&UserKey::UserId(7))?, r#"{"userId":7}"#);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum UserKey {
    /// `userNo`: the integration key, unique within the company.
    UserNo(String),
    /// `userId`: the expense platform's user number (older projects).
    UserId(i64),
}

impl From<&str> for UserKey {
    fn from(no: &str) -> Self {
        UserKey::UserNo(no.to_owned())
    }
}

impl From<String> for UserKey {
    fn from(no: String) -> Self {
        UserKey::UserNo(no)
    }
}

impl UserKey {
    /// The key of a user given as raw JSON, best effort: `userNo` when it
    /// is a non-blank string (trimmed) or a number, else `userId` when it
    /// is an integer or a string holding one (`"4711"`). For a record that
    /// could not be read as a whole, such as an unreadable NDJSON line;
    /// [`SyncRequest::parse_lenient`](crate::SyncRequest::parse_lenient)
    /// uses it for unreadable users.
    ///
    /// ```
    /// use serde_json::json;
    /// use travel_sync_types::UserKey;
    ///
    /// assert_eq!(UserKey::from_raw(&json!({"userNo": " E1 ", "isLeave": "maybe"})), Some(UserKey::UserNo("E1".into())));
    /// assert_eq!(UserKey::from_raw(&json!({"userNo": 91228})), Some(UserKey::UserNo("91228".into())));
    /// assert_eq!(UserKey::from_raw(&json!({"userNo": "", "userId": "4711"})), Some(UserKey::UserId(4711)));
    /// assert_eq!(UserKey::from_raw(&json!({"userId": "x"})), None);
    /// assert_eq!(UserKey::from_raw(&json!([1])), None);
    /// ```
    pub fn from_raw(user: &Value) -> Option<UserKey> {
        crate::wire::raw_key(user)
    }
}

impl fmt::Display for UserKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UserKey::UserNo(no) => write!(f, "userNo {no}"),
            UserKey::UserId(id) => write!(f, "userId {id}"),
        }
    }
}

impl Serialize for UserKey {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(1))?;
        match self {
            UserKey::UserNo(no) => map.serialize_entry("userNo", no)?,
            UserKey::UserId(id) => map.serialize_entry("userId", id)?,
        }
        map.end()
    }
}

/// One employee (`UserInfo`) of a [`SyncRequest`](crate::SyncRequest).
///
/// Every field of the spec (V1.0–V1.4) is here, in its order:
///
/// | field | wire | declared | required | read leniently from |
/// |---|---|---|---|---|
/// | [`user_id`](Self::user_id) | `userId` | Integer | one of the two | `"91228"`; `""` as absent |
/// | [`user_no`](Self::user_no) | `userNo` | String | one of the two | `91228` |
/// | [`department_name`](Self::department_name), [`department_code`](Self::department_code) | `departmentName`, `departmentCode` | String | N | numbers |
/// | [`cost_center_name`](Self::cost_center_name), [`cost_center_code`](Self::cost_center_code) | `costCenterName`, `costCenterCode` | String | N | numbers |
/// | [`branch_name`](Self::branch_name), [`branch_code`](Self::branch_code) | `branchName`, `branchCode` | String | N | numbers |
/// | [`gender`](Self::gender) | `gender` | String, appendix 19 | N | numbers; unknown codes kept |
/// | [`mobile`](Self::mobile) | `mobile` | String | Y | numbers |
/// | [`email_address`](Self::email_address) | `emailAddress` | String | N | |
/// | [`level`](Self::level) | `level` | String, the level code that rules apply to | N | numbers |
/// | [`level_name`](Self::level_name) | `levelName` | String (V1.1) | N | numbers |
/// | [`level_code`](Self::level_code) | `levelCode` | String, removed in V1.1 | N | numbers |
/// | [`is_leave`](Self::is_leave) | `isLeave` | Boolean, `true` = has left | Y | `"Y"`/`"N"`, `1`/`0`, `"true"`, `"A"`/`"I"` |
/// | [`birthday`](Self::birthday) | `birthday` | String `yyyy-MM-dd` | N | |
/// | [`nationality`](Self::nationality) | `nationality` | String, ISO 3166 alpha-3 | N | |
/// | [`full_name`](Self::full_name) | `fullName` | String | Y | numbers |
/// | [`surname`](Self::surname), [`given_name`](Self::given_name) | `surname`, `givenName` | String, in English | N | numbers |
/// | [`extra_info`](Self::extra_info) | `extraInfo` | JSONObject (V1.4) | N | a string holding an object; `""` as absent |
/// | [`card_info`](Self::card_info) | `cardInfo` | List | N, "in principle not sent" | `null` as empty |
///
/// Required fields are `Option`s too, so that a received user missing one
/// is still read and reported by [`validate`](Self::validate) rather than
/// failing the batch; [`UserInfo::new`] sets them all. Strings are kept as
/// sent, `""` included; validation treats a blank value as absent.
///
/// Serialisation is spec-exact: the declared JSON types, absent options
/// and an empty `cardInfo` left out, unknown fields written back. `Debug`
/// masks the mobile, e-mail address, birthday and card numbers, and shows
/// only the keys of `extraInfo` and the unknown fields.
///
/// ```
/// use travel_sync_types::{Gender, UserInfo};
///
/// let user = UserInfo::new("E1001", "王伟", "13812345678", false)
///     .department_code("D001")
///     .level("P3")
///     .gender(Gender::Male);
/// assert_eq!(
///     serde_json::to_string(&user)?,
///     r#"{"userNo":"E1001","departmentCode":"D001","gender":"M","mobile":"13812345678","level":"P3","isLeave":false,"fullName":"王伟"}"#
/// );
/// assert!(user.validate().is_valid());
/// assert!(format!("{user:?}").contains(r#"mobile: Some("138****5678")"#));
///
/// // The spec's own example: numbers for strings, "Y" for a boolean.
/// let sent: UserInfo = serde_json::from_str(r#"{"userNo": 91228, "isLeave": "Y", "fullName": "测试"}"#)?;
/// assert_eq!(sent.user_no.as_deref(), Some("91228"));
/// assert_eq!(sent.is_leave, Some(true));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[serde_as]
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct UserInfo {
    /// `userId`: the expense platform's user number (older projects).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde_as(as = "EmptyAsNone<NumberFromString>")]
    pub user_id: Option<i64>,
    /// `userNo`: the integration key, unique within the company; the sync
    /// is an upsert by it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde_as(as = "Option<StringOrInt>")]
    pub user_no: Option<String>,
    /// `departmentName`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde_as(as = "Option<StringOrInt>")]
    pub department_name: Option<String>,
    /// `departmentCode`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde_as(as = "Option<StringOrInt>")]
    pub department_code: Option<String>,
    /// `costCenterName`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde_as(as = "Option<StringOrInt>")]
    pub cost_center_name: Option<String>,
    /// `costCenterCode`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde_as(as = "Option<StringOrInt>")]
    pub cost_center_code: Option<String>,
    /// `branchName`: the branch company.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde_as(as = "Option<StringOrInt>")]
    pub branch_name: Option<String>,
    /// `branchCode`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde_as(as = "Option<StringOrInt>")]
    pub branch_code: Option<String>,
    /// `gender` (appendix 19).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gender: Option<Gender>,
    /// `mobile`: required; the platform does not sync users whose number
    /// it finds invalid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde_as(as = "Option<Sensitive<StringOrInt, mask::Phone>>")]
    pub mobile: Option<Phone>,
    /// `emailAddress`: some companies have none, or placeholder ones.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email_address: Option<Email>,
    /// `level`: the job level code travel rules apply to (since V1.1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde_as(as = "Option<StringOrInt>")]
    pub level: Option<String>,
    /// `levelName`: the level's display name (V1.1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde_as(as = "Option<StringOrInt>")]
    pub level_name: Option<String>,
    /// `levelCode`: removed in V1.1, which made [`level`](Self::level) the
    /// code. Still read, because older senders (and the spec's example)
    /// send it; validation warns about it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde_as(as = "Option<StringOrInt>")]
    pub level_code: Option<String>,
    /// `isLeave`: `true` when the employee has left (required).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde_as(as = "EmptyAsNone<LeaveFlag>")]
    pub is_leave: Option<bool>,
    /// `birthday`: `yyyy-MM-dd`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub birthday: Option<Birthday>,
    /// `nationality`: ISO 3166-1 alpha-3, e.g. `CHN`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nationality: Option<String>,
    /// `fullName` (required).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde_as(as = "Option<StringOrInt>")]
    pub full_name: Option<String>,
    /// `surname`: the family name in English.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde_as(as = "Option<StringOrInt>")]
    pub surname: Option<String>,
    /// `givenName`: the given name in English.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde_as(as = "Option<StringOrInt>")]
    pub given_name: Option<String>,
    /// `extraInfo`: free-form extension fields (V1.4).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde_as(as = "EmptyAsNone<ExtraInfo>")]
    pub extra_info: Option<Map<String, Value>>,
    /// `cardInfo`: identity documents. Left out unless the caller opts in
    /// ([`opt_in_card_info`](Self::opt_in_card_info)); see [`CardInfo`].
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[serde_as(as = "serde_with::DefaultOnNull")]
    pub card_info: Vec<CardInfo>,
    /// Fields the spec does not name, kept so that nothing is lost when a
    /// user is read and written back.
    #[serde(flatten)]
    pub unknown_fields: Map<String, Value>,
}

/// `Debug` masks personal data: the mobile, e-mail address, birthday and
/// card numbers are [`Sensitive`], and of `extraInfo` and the unknown
/// fields, free-form maps that may hold anything, only the keys are shown.
impl fmt::Debug for UserInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UserInfo")
            .field("user_id", &self.user_id)
            .field("user_no", &self.user_no)
            .field("department_name", &self.department_name)
            .field("department_code", &self.department_code)
            .field("cost_center_name", &self.cost_center_name)
            .field("cost_center_code", &self.cost_center_code)
            .field("branch_name", &self.branch_name)
            .field("branch_code", &self.branch_code)
            .field("gender", &self.gender)
            .field("mobile", &self.mobile)
            .field("email_address", &self.email_address)
            .field("level", &self.level)
            .field("level_name", &self.level_name)
            .field("level_code", &self.level_code)
            .field("is_leave", &self.is_leave)
            .field("birthday", &self.birthday)
            .field("nationality", &self.nationality)
            .field("full_name", &self.full_name)
            .field("surname", &self.surname)
            .field("given_name", &self.given_name)
            .field("extra_info", &self.extra_info.as_ref().map(KeysOnly))
            .field("card_info", &self.card_info)
            .field("unknown_fields", &KeysOnly(&self.unknown_fields))
            .finish()
    }
}

/// A JSON map in `Debug` with its values masked: `{"costOwner": "***"}`.
pub(crate) struct KeysOnly<'a>(pub(crate) &'a Map<String, Value>);

impl fmt::Debug for KeysOnly<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(self.0.keys().map(|k| (k, format_args!("***"))))
            .finish()
    }
}

/// A serde_json error's message without its trailing position, and
/// without the input value serde quotes (see [`crate::wire::scrub`]).
fn without_position(e: serde_json::Error) -> String {
    let text = e.to_string();
    let text = match text.rfind(" at line ") {
        Some(at) if e.line() > 0 => &text[..at],
        _ => &text,
    };
    crate::wire::scrub(text)
}

impl UserInfo {
    /// A user with every required field: the key (`userNo` from a string,
    /// or [`UserKey::UserId`]), `fullName`, `mobile` and `isLeave`.
    ///
    /// ```
    /// use travel_sync_types::{UserInfo, UserKey};
    ///
    /// let by_no = UserInfo::new("E1001", "王伟", "13812345678", false);
    /// assert_eq!(by_no.user_no.as_deref(), Some("E1001"));
    /// let by_id = UserInfo::new(UserKey::UserId(91228), "李娜", "+85291234567", true);
    /// assert_eq!((by_id.user_id, by_id.is_leave), (Some(91228), Some(true)));
    /// ```
    pub fn new(
        key: impl Into<UserKey>,
        full_name: impl Into<String>,
        mobile: impl Into<String>,
        is_leave: bool,
    ) -> Self {
        let mut user = UserInfo {
            full_name: Some(full_name.into()),
            mobile: Some(Sensitive::new(mobile.into())),
            is_leave: Some(is_leave),
            ..UserInfo::default()
        };
        match key.into() {
            UserKey::UserNo(no) => user.user_no = Some(no),
            UserKey::UserId(id) => user.user_id = Some(id),
        }
        user
    }

    /// Reads one user from JSON, leniently like every reader here; a value
    /// that cannot be read is reported with its JSON path and the type
    /// expected, never with the value itself. For NDJSON
    /// files and queues that carry one user per message.
    ///
    /// ```
    /// use travel_sync_types::UserInfo;
    ///
    /// let user = UserInfo::from_json(br#"{"userNo": 91228, "isLeave": "N"}"#)?;
    /// assert_eq!(user.user_no.as_deref(), Some("91228"));
    /// let err = UserInfo::from_json(br#"{"userNo": "E1", "isLeave": "maybe"}"#).unwrap_err();
    /// assert_eq!(err.path, "isLeave");
    ///
    /// // The message names the expected type, never the value: it is
    /// // personal data, and messages end up in logs.
    /// let err = UserInfo::from_json(br#"{"userNo": "E1", "birthday": 19900517}"#).unwrap_err();
    /// assert_eq!((err.path.as_str(), err.message.as_str()), ("birthday", "invalid type: integer, expected a string"));
    /// # Ok::<(), travel_sync_types::ParseError>(())
    /// ```
    pub fn from_json(json: &[u8]) -> Result<Self, crate::ParseError> {
        // Recording the JSON path costs an allocation per key; only a
        // failure needs it, so the bytes are read again to find it.
        serde_json::from_slice(json).map_err(|fast| Self::from_json_error(json, fast))
    }

    /// The error of [`from_json`](Self::from_json), with the JSON path.
    #[cold]
    fn from_json_error(json: &[u8], fast: serde_json::Error) -> crate::ParseError {
        let mut de = serde_json::Deserializer::from_slice(json);
        match serde_path_to_error::deserialize::<_, UserInfo>(&mut de) {
            Err(e) => crate::ParseError {
                path: e.path().to_string(),
                // The path says where; serde_json's "at line 1 column 78"
                // would only confuse a reader of a multi-line file.
                message: without_position(e.into_inner()),
            },
            Ok(_) => match de.end() {
                Err(e) => crate::ParseError {
                    path: ".".into(),
                    message: crate::wire::scrub(&e.to_string()),
                },
                // Unreachable while decoding is deterministic; the first
                // error still stands, without a path.
                Ok(()) => crate::ParseError {
                    path: ".".into(),
                    message: without_position(fast),
                },
            },
        }
    }

    /// The user's key: `userNo` when it is given and not blank (trimmed),
    /// else `userId`.
    ///
    /// ```
    /// use travel_sync_types::{UserInfo, UserKey};
    ///
    /// let user = UserInfo::new("E1", "王伟", "13812345678", false).user_id(7);
    /// assert_eq!(user.key(), Some(UserKey::UserNo("E1".into())));
    /// let mut user = user;
    /// user.user_no = Some(" ".into());
    /// assert_eq!(user.key(), Some(UserKey::UserId(7)));
    /// ```
    pub fn key(&self) -> Option<UserKey> {
        match self.user_no.as_deref().map(str::trim) {
            Some(no) if !no.is_empty() => Some(UserKey::UserNo(no.to_owned())),
            _ => self.user_id.map(UserKey::UserId),
        }
    }

    /// Sets `userNo`.
    ///
    /// ```
    /// let user = travel_sync_types::UserInfo::default().user_no("E1");
    /// assert_eq!(user.user_no.as_deref(), Some("E1"));
    /// ```
    pub fn user_no(mut self, no: impl Into<String>) -> Self {
        self.user_no = Some(no.into());
        self
    }

    /// Sets `userId`, e.g. alongside a `userNo` for a platform that still
    /// reads it.
    ///
    /// ```
    /// let user = travel_sync_types::UserInfo::default().user_id(91228);
    /// assert_eq!(user.user_id, Some(91228));
    /// ```
    pub fn user_id(mut self, id: i64) -> Self {
        self.user_id = Some(id);
        self
    }

    /// Sets `departmentName`.
    ///
    /// ```
    /// let user = travel_sync_types::UserInfo::default().department_name("研发部");
    /// assert_eq!(user.department_name.as_deref(), Some("研发部"));
    /// ```
    pub fn department_name(mut self, name: impl Into<String>) -> Self {
        self.department_name = Some(name.into());
        self
    }

    /// Sets `departmentCode`.
    ///
    /// ```
    /// let user = travel_sync_types::UserInfo::default().department_code("D001");
    /// assert_eq!(user.department_code.as_deref(), Some("D001"));
    /// ```
    pub fn department_code(mut self, code: impl Into<String>) -> Self {
        self.department_code = Some(code.into());
        self
    }

    /// Sets `costCenterName`.
    ///
    /// ```
    /// let user = travel_sync_types::UserInfo::default().cost_center_name("研发中心");
    /// assert_eq!(user.cost_center_name.as_deref(), Some("研发中心"));
    /// ```
    pub fn cost_center_name(mut self, name: impl Into<String>) -> Self {
        self.cost_center_name = Some(name.into());
        self
    }

    /// Sets `costCenterCode`.
    ///
    /// ```
    /// let user = travel_sync_types::UserInfo::default().cost_center_code("CC01");
    /// assert_eq!(user.cost_center_code.as_deref(), Some("CC01"));
    /// ```
    pub fn cost_center_code(mut self, code: impl Into<String>) -> Self {
        self.cost_center_code = Some(code.into());
        self
    }

    /// Sets `branchName`.
    ///
    /// ```
    /// let user = travel_sync_types::UserInfo::default().branch_name("上海分公司");
    /// assert_eq!(user.branch_name.as_deref(), Some("上海分公司"));
    /// ```
    pub fn branch_name(mut self, name: impl Into<String>) -> Self {
        self.branch_name = Some(name.into());
        self
    }

    /// Sets `branchCode`.
    ///
    /// ```
    /// let user = travel_sync_types::UserInfo::default().branch_code("SH");
    /// assert_eq!(user.branch_code.as_deref(), Some("SH"));
    /// ```
    pub fn branch_code(mut self, code: impl Into<String>) -> Self {
        self.branch_code = Some(code.into());
        self
    }

    /// Sets `gender`.
    ///
    /// ```
    /// use travel_sync_types::{Gender, UserInfo};
    /// let user = UserInfo::default().gender(Gender::Female);
    /// assert_eq!(user.gender, Some(Gender::Female));
    /// ```
    pub fn gender(mut self, gender: impl Into<Gender>) -> Self {
        self.gender = Some(gender.into());
        self
    }

    /// Sets `mobile`.
    ///
    /// ```
    /// let user = travel_sync_types::UserInfo::default().mobile("13812345678");
    /// assert_eq!(user.mobile.unwrap().expose(), "13812345678");
    /// ```
    pub fn mobile(mut self, mobile: impl Into<String>) -> Self {
        self.mobile = Some(Sensitive::new(mobile.into()));
        self
    }

    /// Sets `emailAddress`.
    ///
    /// ```
    /// let user = travel_sync_types::UserInfo::default().email_address("wang.wei@example.com");
    /// assert_eq!(user.email_address.unwrap().expose(), "wang.wei@example.com");
    /// ```
    pub fn email_address(mut self, email: impl Into<String>) -> Self {
        self.email_address = Some(Sensitive::new(email.into()));
        self
    }

    /// Sets `level`, the level code travel rules apply to.
    ///
    /// ```
    /// let user = travel_sync_types::UserInfo::default().level("P3");
    /// assert_eq!(user.level.as_deref(), Some("P3"));
    /// ```
    pub fn level(mut self, code: impl Into<String>) -> Self {
        self.level = Some(code.into());
        self
    }

    /// Sets `levelName`, the level's display name.
    ///
    /// ```
    /// let user = travel_sync_types::UserInfo::default().level_name("高级工程师");
    /// assert_eq!(user.level_name.as_deref(), Some("高级工程师"));
    /// ```
    pub fn level_name(mut self, name: impl Into<String>) -> Self {
        self.level_name = Some(name.into());
        self
    }

    /// Sets `levelCode`, for a platform still on V1.0.
    ///
    /// ```
    /// #[allow(deprecated)]
    /// let user = travel_sync_types::UserInfo::default().level_code("01");
    /// assert_eq!(user.level_code.as_deref(), Some("01"));
    /// ```
    #[deprecated(
        note = "`levelCode` was removed in V1.1: send the code in `level` and the name in `levelName`"
    )]
    pub fn level_code(mut self, code: impl Into<String>) -> Self {
        self.level_code = Some(code.into());
        self
    }

    /// Sets `isLeave`: `true` when the employee has left.
    ///
    /// ```
    /// let user = travel_sync_types::UserInfo::default().is_leave(true);
    /// assert_eq!(user.is_leave, Some(true));
    /// ```
    pub fn is_leave(mut self, left: bool) -> Self {
        self.is_leave = Some(left);
        self
    }

    /// Sets `birthday` (`yyyy-MM-dd`; validation checks it).
    ///
    /// ```
    /// let user = travel_sync_types::UserInfo::default().birthday("1990-05-17");
    /// assert_eq!(user.birthday.unwrap().expose(), "1990-05-17");
    /// ```
    pub fn birthday(mut self, date: impl Into<String>) -> Self {
        self.birthday = Some(Sensitive::new(date.into()));
        self
    }

    /// Sets `nationality` (ISO 3166-1 alpha-3, e.g. `CHN`).
    ///
    /// ```
    /// let user = travel_sync_types::UserInfo::default().nationality("CHN");
    /// assert_eq!(user.nationality.as_deref(), Some("CHN"));
    /// ```
    pub fn nationality(mut self, alpha3: impl Into<String>) -> Self {
        self.nationality = Some(alpha3.into());
        self
    }

    /// Sets `fullName`.
    ///
    /// ```
    /// let user = travel_sync_types::UserInfo::default().full_name("王伟");
    /// assert_eq!(user.full_name.as_deref(), Some("王伟"));
    /// ```
    pub fn full_name(mut self, name: impl Into<String>) -> Self {
        self.full_name = Some(name.into());
        self
    }

    /// Sets `surname`, the family name in English.
    ///
    /// ```
    /// let user = travel_sync_types::UserInfo::default().surname("Wang");
    /// assert_eq!(user.surname.as_deref(), Some("Wang"));
    /// ```
    pub fn surname(mut self, name: impl Into<String>) -> Self {
        self.surname = Some(name.into());
        self
    }

    /// Sets `givenName`, the given name in English.
    ///
    /// ```
    /// let user = travel_sync_types::UserInfo::default().given_name("Wei");
    /// assert_eq!(user.given_name.as_deref(), Some("Wei"));
    /// ```
    pub fn given_name(mut self, name: impl Into<String>) -> Self {
        self.given_name = Some(name.into());
        self
    }

    /// Sets one `extraInfo` entry, creating the map if needed.
    ///
    /// ```
    /// let user = travel_sync_types::UserInfo::default().extra_info("costOwner", "E0001");
    /// assert_eq!(user.extra_info.unwrap()["costOwner"], "E0001");
    /// ```
    pub fn extra_info(mut self, key: impl Into<String>, value: impl Into<Value>) -> Self {
        self.extra_info
            .get_or_insert_with(Map::new)
            .insert(key.into(), value.into());
        self
    }

    /// Adds identity documents to the user.
    ///
    /// The spec says card data should in principle not be sent, under the
    /// Personal Information Protection Law; the name of this method is the
    /// record, in your code, that sending them was decided on purpose. The
    /// `client` (feature `client`) also withholds cards unless it is told to
    /// send them.
    ///
    /// ```
    /// use travel_sync_types::{CardInfo, UserInfo};
    ///
    /// let user = UserInfo::new("E1", "王伟", "13812345678", false)
    ///     .opt_in_card_info([CardInfo::resident_id("11010519491231002X")]);
    /// assert_eq!(user.card_info.len(), 1);
    /// ```
    pub fn opt_in_card_info(mut self, cards: impl IntoIterator<Item = CardInfo>) -> Self {
        self.card_info.extend(cards);
        self
    }
}
