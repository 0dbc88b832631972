//! Serde adapters for what vendors actually send.
//!
//! Vendor documents promise one JSON type and the servers send another:
//! Beisen's envelope code is `"200"` on one API and `200` on the next, the
//! travel platform's `resCode` is an integer on one page and a string on
//! another, ISDP flags are `"Y"`/`"N"`, and numbers arrive quoted or as `""`.
//! The adapters here accept every shape seen in the wild and write back one
//! well-defined shape.
//!
//! | adapter | reads | into | writes |
//! |---|---|---|---|
//! | [`StringOrInt`] | `"200"`, `200`, `-1` | `String` | `"200"` |
//! | [`Code`] (a type) | `"200"`, `200` | [`Code`] | `"200"` |
//! | [`LenientBool`] | `true`, `"TRUE"`, `"Y"`, `"yes"`, `1`, `"0"` | `bool` | `true` |
//! | [`LenientBoolYN`] | same as [`LenientBool`] | `bool` | `"Y"` / `"N"` |
//! | [`NumberFromString`] | `12`, `"12"`, `" 12.5 "` | any number | `12` |
//! | [`EmptyAsNone`] | `null`, `""`, `"  "`, else the inner adapter | `Option<T>` | `null` or the inner form |
//! | [`null_as_empty`] (a function) | `null`, else `T`'s own form | `Vec<…>` or any `T: Default` | `T`'s own form |
//!
//! All of them are [`serde_with`] adapters ([`DeserializeAs`] /
//! [`SerializeAs`]), so they nest inside `Option<…>`, `Vec<…>` and each other
//! under `#[serde_as]`, and they also work without the `serde_as` macro
//! through `#[serde(with = "serde_with::As::<…>")]`:
//!
//! ```
//! use hr_common::lenient::{EmptyAsNone, LenientBool, NumberFromString, StringOrInt};
//! use serde::Deserialize;
//! use serde_with::serde_as;
//!
//! #[serde_as]
//! #[derive(Debug, Deserialize)]
//! struct Person {
//!     #[serde_as(as = "StringOrInt")]
//!     person_code: String,
//!     #[serde_as(as = "Option<LenientBool>")]
//!     is_smart_device: Option<bool>,
//!     #[serde_as(as = "Vec<NumberFromString>")]
//!     role_ids: Vec<u64>,
//!     #[serde(default)]
//!     #[serde_as(as = "EmptyAsNone<NumberFromString>")]
//!     admin_org_id: Option<i64>,
//!     // The same adapters without the `serde_as` macro:
//!     #[serde(with = "serde_with::As::<LenientBool>")]
//!     is_leave: bool,
//! }
//!
//! let p: Person = serde_json::from_str(
//!     r#"{"person_code": 42, "is_smart_device": "N", "role_ids": ["7", 8],
//!         "admin_org_id": "", "is_leave": 0}"#,
//! )?;
//! assert_eq!(p.person_code, "42");
//! assert_eq!(p.is_smart_device, Some(false));
//! assert_eq!(p.role_ids, [7, 8]);
//! assert_eq!(p.admin_org_id, None);
//! assert!(!p.is_leave);
//! # Ok::<(), serde_json::Error>(())
//! ```
//!
//! # Omitted keys and unknown fields
//!
//! Vendor models in this SDK family follow two rules, and so should models you
//! write yourself:
//!
//! - **Omitted keys.** Vendors drop keys whose value is null (Beisen's
//!   `customProperties`) and add keys without notice. Give every field that
//!   is not guaranteed `#[serde(default)]`. `serde_as` adds it by itself only
//!   for `#[serde_as(as = "Option<…>")]`; an [`EmptyAsNone`] field needs it
//!   written out, or a missing key is an error.
//! - **Unknown fields.** Keep what the model does not name, so that nothing a
//!   vendor sends is lost when a record is read, changed and written back:
//!   `#[serde(flatten)] extra: serde_json::Map<String, serde_json::Value>`.
//!
//! ```
//! use serde::{Deserialize, Serialize};
//! use serde_json::{Map, Value};
//!
//! #[derive(Debug, Deserialize, Serialize)]
//! #[serde(rename_all = "camelCase")]
//! struct Org {
//!     #[serde(default)]
//!     name: String,
//!     #[serde(default, skip_serializing_if = "Option::is_none")]
//!     short_name: Option<String>,
//!     /// Everything the vendor sent that this model does not name.
//!     #[serde(flatten)]
//!     extra: Map<String, Value>,
//! }
//!
//! let org: Org = serde_json::from_str(r#"{"name":"研发部","oId":900123,"status":1}"#)?;
//! assert_eq!(org.short_name, None);
//! assert_eq!(org.extra["oId"], 900123);
//! // Written back with the fields it did not know about.
//! let back = serde_json::to_value(&org)?;
//! assert_eq!(back, serde_json::json!({"name":"研发部","oId":900123,"status":1}));
//! # Ok::<(), serde_json::Error>(())
//! ```

use std::borrow::Borrow;
use std::convert::Infallible;
use std::fmt;
use std::marker::PhantomData;
use std::str::FromStr;

use serde::de::{self, IntoDeserializer, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_with::ser::SerializeAsWrap;
use serde_with::{DeserializeAs, Same, SerializeAs};

// ---------------------------------------------------------------------------
// StringOrInt and Code
// ---------------------------------------------------------------------------

/// Reads a string or an integer into a `String`; writes a string.
///
/// For codes and identifiers that one endpoint sends as `"200"` and another
/// as `200`. Integers are kept in their decimal form (`-1` becomes `"-1"`,
/// `u64::MAX` stays exact); strings are kept verbatim, surrounding spaces
/// included. Floating-point numbers, booleans, arrays and objects are
/// errors, because no vendor code looks like them and accepting `1.5` would
/// hide a model that points at the wrong field.
///
/// ```
/// use hr_common::lenient::StringOrInt;
/// use serde::{Deserialize, Serialize};
/// use serde_with::serde_as;
///
/// #[serde_as]
/// #[derive(Debug, Deserialize, Serialize)]
/// struct Reply {
///     #[serde_as(as = "StringOrInt")]
///     code: String,
///     #[serde_as(as = "Option<StringOrInt>")]
///     sub_code: Option<String>,
/// }
///
/// let r: Reply = serde_json::from_str(r#"{"code": 200, "sub_code": null}"#)?;
/// assert_eq!(r.code, "200");
/// assert_eq!(serde_json::to_string(&r)?, r#"{"code":"200","sub_code":null}"#);
///
/// let r: Reply = serde_json::from_str(r#"{"code": "417", "sub_code": -1}"#)?;
/// assert_eq!((r.code.as_str(), r.sub_code.as_deref()), ("417", Some("-1")));
///
/// let err = serde_json::from_str::<Reply>(r#"{"code": 2.5}"#).unwrap_err();
/// assert!(err.to_string().contains("expected a string or an integer"), "{err}");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct StringOrInt;

struct StringOrIntVisitor;

impl Visitor<'_> for StringOrIntVisitor {
    type Value = String;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string or an integer")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
        Ok(v.to_owned())
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<String, E> {
        Ok(v)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_i128<E: de::Error>(self, v: i128) -> Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_u128<E: de::Error>(self, v: u128) -> Result<String, E> {
        Ok(v.to_string())
    }
}

impl<'de> DeserializeAs<'de, String> for StringOrInt {
    fn deserialize_as<D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
        deserializer.deserialize_any(StringOrIntVisitor)
    }
}

impl SerializeAs<String> for StringOrInt {
    fn serialize_as<S: Serializer>(source: &String, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(source)
    }
}

/// A vendor result code that may arrive as a string or an integer.
///
/// Beisen's v5 envelope sends `"code":"200"`, its recruiting API `"code":200`;
/// the travel platform's `resCode` is `10000` on one page and `"10000"` on
/// another. `Code` reads both, always writes a string, and compares equal to
/// either form, so envelope checks read naturally whatever the vendor sent:
///
/// ```
/// use hr_common::lenient::Code;
/// use serde::Deserialize;
///
/// #[derive(Deserialize)]
/// struct Envelope {
///     code: Code,
///     message: String,
/// }
///
/// for body in [r#"{"code":"200","message":"ok"}"#, r#"{"code":200,"message":"ok"}"#] {
///     let env: Envelope = serde_json::from_str(body)?;
///     assert!(env.code == 200);
///     assert!(env.code == "200");
///     assert_eq!(env.code.as_str(), "200");
///     assert_eq!(env.message, "ok");
/// }
/// assert_eq!(serde_json::to_string(&Code::from(10000))?, r#""10000""#);
/// # Ok::<(), serde_json::Error>(())
/// ```
///
/// Comparison with an integer is numeric: the code is parsed (ignoring
/// surrounding spaces) and compared as a number, so `"0200" == 200` holds
/// while `"invalid_token" == 0` does not. Comparison with a string, and
/// `Eq`, `Ord` and `Hash`, use the text exactly as received.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Code(String);

impl Code {
    /// Wraps a code.
    ///
    /// ```
    /// let code = hr_common::lenient::Code::new("invalid_token");
    /// assert_eq!(code, "invalid_token");
    /// ```
    pub fn new(code: impl Into<String>) -> Self {
        Code(code.into())
    }

    /// The code as received (integers in decimal form).
    ///
    /// ```
    /// assert_eq!(hr_common::lenient::Code::from(-1).as_str(), "-1");
    /// ```
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The code as a number, if it is one (surrounding spaces ignored).
    ///
    /// ```
    /// use hr_common::lenient::Code;
    ///
    /// assert_eq!(Code::from(" 417 ").as_i64(), Some(417));
    /// assert_eq!(Code::from("E01").as_i64(), None);
    /// ```
    pub fn as_i64(&self) -> Option<i64> {
        self.0.trim().parse().ok()
    }

    /// Unwraps the code into its text.
    ///
    /// ```
    /// let text: String = hr_common::lenient::Code::from(200).into_string();
    /// assert_eq!(text, "200");
    /// ```
    pub fn into_string(self) -> String {
        self.0
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for Code {
    type Err = Infallible;

    fn from_str(s: &str) -> Result<Self, Infallible> {
        Ok(Code(s.to_owned()))
    }
}

impl AsRef<str> for Code {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl Borrow<str> for Code {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl From<&str> for Code {
    fn from(s: &str) -> Self {
        Code(s.to_owned())
    }
}

impl From<String> for Code {
    fn from(s: String) -> Self {
        Code(s)
    }
}

impl From<i64> for Code {
    fn from(n: i64) -> Self {
        Code(n.to_string())
    }
}

impl From<Code> for String {
    fn from(code: Code) -> Self {
        code.0
    }
}

impl PartialEq<str> for Code {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for Code {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

impl PartialEq<String> for Code {
    fn eq(&self, other: &String) -> bool {
        &self.0 == other
    }
}

impl PartialEq<i64> for Code {
    fn eq(&self, other: &i64) -> bool {
        self.as_i64() == Some(*other)
    }
}

impl PartialEq<Code> for str {
    fn eq(&self, other: &Code) -> bool {
        other == self
    }
}

impl PartialEq<Code> for &str {
    fn eq(&self, other: &Code) -> bool {
        other == self
    }
}

impl PartialEq<Code> for i64 {
    fn eq(&self, other: &Code) -> bool {
        other == self
    }
}

impl<'de> Deserialize<'de> for Code {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(StringOrIntVisitor).map(Code)
    }
}

impl Serialize for Code {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

// ---------------------------------------------------------------------------
// Booleans
// ---------------------------------------------------------------------------

const BOOL_EXPECTED: &str = r#"a boolean (true/false, "Y"/"N", 1/0)"#;

/// Reads the many spellings of a boolean; writes a JSON `true`/`false`.
///
/// Accepted: `true`/`false`; the strings `"true"`/`"false"`, `"Y"`/`"N"`,
/// `"yes"`/`"no"` in any letter case; `1`/`0` as numbers or strings.
/// Surrounding spaces in strings are ignored. Anything else, including
/// `""` and `2`, is an error naming the input; wrap the adapter in
/// [`EmptyAsNone`] when a vendor sends `""` for "unknown".
///
/// ```
/// use hr_common::lenient::LenientBool;
/// use serde::{Deserialize, Serialize};
/// use serde_with::serde_as;
///
/// #[serde_as]
/// #[derive(Debug, Deserialize, Serialize)]
/// struct Flags {
///     #[serde_as(as = "LenientBool")]
///     leave: bool,
///     #[serde(with = "serde_with::As::<LenientBool>")]
///     smart: bool,
/// }
///
/// for (leave, want) in [(r#""Y""#, true), ("1", true), (r#""False""#, false), (r#""no""#, false)] {
///     let json = format!(r#"{{"leave": {leave}, "smart": "y"}}"#);
///     let flags: Flags = serde_json::from_str(&json)?;
///     assert_eq!((flags.leave, flags.smart), (want, true));
/// }
/// let flags: Flags = serde_json::from_str(r#"{"leave": "N", "smart": 1}"#)?;
/// assert_eq!(serde_json::to_string(&flags)?, r#"{"leave":false,"smart":true}"#);
///
/// let err = serde_json::from_str::<Flags>(r#"{"leave": "maybe", "smart": 1}"#).unwrap_err();
/// assert!(
///     err.to_string()
///         .starts_with(r#"expected a boolean (true/false, "Y"/"N", 1/0), got "maybe""#),
///     "{err}"
/// );
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct LenientBool;

/// Reads like [`LenientBool`]; writes `"Y"` or `"N"`.
///
/// For request fields that a spec declares as a `"Y"`/`"N"` string, such as
/// ISDP's `isSmartDevice`.
///
/// ```
/// use hr_common::lenient::LenientBoolYN;
/// use serde::{Deserialize, Serialize};
/// use serde_with::serde_as;
///
/// #[serde_as]
/// #[derive(Deserialize, Serialize)]
/// struct Device {
///     #[serde_as(as = "LenientBoolYN")]
///     #[serde(rename = "isSmartDevice")]
///     smart: bool,
/// }
///
/// let d: Device = serde_json::from_str(r#"{"isSmartDevice": true}"#)?;
/// assert_eq!(serde_json::to_string(&d)?, r#"{"isSmartDevice":"Y"}"#);
/// let d: Device = serde_json::from_str(r#"{"isSmartDevice": 0}"#)?;
/// assert_eq!(serde_json::to_string(&d)?, r#"{"isSmartDevice":"N"}"#);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct LenientBoolYN;

fn bool_from_str(s: &str) -> Option<bool> {
    let s = s.trim();
    const TRUE: [&str; 4] = ["true", "y", "yes", "1"];
    const FALSE: [&str; 4] = ["false", "n", "no", "0"];
    if TRUE.iter().any(|t| s.eq_ignore_ascii_case(t)) {
        Some(true)
    } else if FALSE.iter().any(|t| s.eq_ignore_ascii_case(t)) {
        Some(false)
    } else {
        None
    }
}

struct LenientBoolVisitor;

impl Visitor<'_> for LenientBoolVisitor {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(BOOL_EXPECTED)
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<bool, E> {
        Ok(v)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<bool, E> {
        match v {
            0 => Ok(false),
            1 => Ok(true),
            _ => Err(E::custom(format_args!("expected {BOOL_EXPECTED}, got {v}"))),
        }
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<bool, E> {
        match v {
            0 => Ok(false),
            1 => Ok(true),
            _ => Err(E::custom(format_args!("expected {BOOL_EXPECTED}, got {v}"))),
        }
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<bool, E> {
        bool_from_str(v)
            .ok_or_else(|| E::custom(format_args!("expected {BOOL_EXPECTED}, got {v:?}")))
    }
}

impl<'de> DeserializeAs<'de, bool> for LenientBool {
    fn deserialize_as<D: Deserializer<'de>>(deserializer: D) -> Result<bool, D::Error> {
        deserializer.deserialize_any(LenientBoolVisitor)
    }
}

impl SerializeAs<bool> for LenientBool {
    fn serialize_as<S: Serializer>(source: &bool, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_bool(*source)
    }
}

impl<'de> DeserializeAs<'de, bool> for LenientBoolYN {
    fn deserialize_as<D: Deserializer<'de>>(deserializer: D) -> Result<bool, D::Error> {
        deserializer.deserialize_any(LenientBoolVisitor)
    }
}

impl SerializeAs<bool> for LenientBoolYN {
    fn serialize_as<S: Serializer>(source: &bool, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(if *source { "Y" } else { "N" })
    }
}

// ---------------------------------------------------------------------------
// Numbers
// ---------------------------------------------------------------------------

/// Reads a number sent as a number or as a string; writes the number.
///
/// Works for any numeric `T` that is both [`FromStr`] and [`Deserialize`]
/// (`i32`, `i64`, `u64`, `f64`, …). Strings are trimmed before parsing, so
/// `" 12 "` reads as `12`. Native numbers go through `T`'s own
/// deserializer, so range checks still apply (`300` into a `u8` is an
/// error, as is `12.5` into an `i64`).
///
/// ```
/// use hr_common::lenient::NumberFromString;
/// use serde::{Deserialize, Serialize};
/// use serde_with::serde_as;
///
/// #[serde_as]
/// #[derive(Debug, Deserialize, Serialize)]
/// struct Job {
///     #[serde_as(as = "NumberFromString")]
///     o_id_job_post: u64,
///     #[serde_as(as = "NumberFromString")]
///     work_year: f64,
/// }
///
/// let job: Job = serde_json::from_str(r#"{"o_id_job_post": "1203", "work_year": " 12.5 "}"#)?;
/// assert_eq!((job.o_id_job_post, job.work_year), (1203, 12.5));
/// assert_eq!(serde_json::to_string(&job)?, r#"{"o_id_job_post":1203,"work_year":12.5}"#);
///
/// let err = serde_json::from_str::<Job>(r#"{"o_id_job_post": "abc", "work_year": 1}"#)
///     .unwrap_err();
/// assert!(
///     err.to_string().starts_with(r#"expected a number or a numeric string, got "abc""#),
///     "{err}"
/// );
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct NumberFromString;

struct NumberVisitor<T>(PhantomData<T>);

impl<'de, T> Visitor<'de> for NumberVisitor<T>
where
    T: FromStr + Deserialize<'de>,
    T::Err: fmt::Display,
{
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a number or a numeric string")
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<T, E> {
        T::deserialize(v.into_deserializer())
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<T, E> {
        T::deserialize(v.into_deserializer())
    }

    fn visit_i128<E: de::Error>(self, v: i128) -> Result<T, E> {
        T::deserialize(v.into_deserializer())
    }

    fn visit_u128<E: de::Error>(self, v: u128) -> Result<T, E> {
        T::deserialize(v.into_deserializer())
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<T, E> {
        T::deserialize(v.into_deserializer())
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
        v.trim().parse().map_err(|err| {
            E::custom(format_args!(
                "expected a number or a numeric string, got {v:?} ({err})"
            ))
        })
    }
}

impl<'de, T> DeserializeAs<'de, T> for NumberFromString
where
    T: FromStr + Deserialize<'de>,
    T::Err: fmt::Display,
{
    fn deserialize_as<D: Deserializer<'de>>(deserializer: D) -> Result<T, D::Error> {
        deserializer.deserialize_any(NumberVisitor(PhantomData))
    }
}

impl<T: Serialize> SerializeAs<T> for NumberFromString {
    fn serialize_as<S: Serializer>(source: &T, serializer: S) -> Result<S::Ok, S::Error> {
        source.serialize(serializer)
    }
}

// ---------------------------------------------------------------------------
// Empty values
// ---------------------------------------------------------------------------

/// Reads `null`, `""` and whitespace-only strings as `None`; anything else
/// through the inner adapter `As` (default: the type's own `Deserialize`).
///
/// Vendors send `""` where a spec says "number or absent", and a plain
/// `Option<i64>` fails on it. `EmptyAsNone` handles the emptiness and leaves
/// the value itself to `As`, so it combines with the other adapters:
/// `EmptyAsNone<NumberFromString>` accepts `""`, `"5"`, `5` and `null`.
///
/// `None` is written as `null`; add
/// `#[serde(skip_serializing_if = "Option::is_none")]` to leave the key out
/// instead. Add `#[serde(default)]` too if the key may be missing: unlike
/// `Option<…>`, this adapter does not get it from `serde_as` automatically.
///
/// ```
/// use hr_common::lenient::{EmptyAsNone, LenientBool, NumberFromString};
/// use serde::{Deserialize, Serialize};
/// use serde_with::serde_as;
///
/// #[serde_as]
/// #[derive(Debug, Deserialize, Serialize)]
/// struct Person {
///     #[serde(default)]
///     #[serde_as(as = "EmptyAsNone<NumberFromString>")]
///     org_id: Option<i64>,
///     #[serde(default)]
///     #[serde_as(as = "EmptyAsNone")]
///     email: Option<String>,
///     #[serde(default, skip_serializing_if = "Option::is_none")]
///     #[serde_as(as = "EmptyAsNone<LenientBool>")]
///     leave: Option<bool>,
/// }
///
/// let p: Person = serde_json::from_str(r#"{"org_id": "", "email": "  ", "leave": "Y"}"#)?;
/// assert_eq!((p.org_id, p.email, p.leave), (None, None, Some(true)));
///
/// let p: Person = serde_json::from_str(r#"{"org_id": "5", "email": "a@b.cn"}"#)?;
/// assert_eq!((p.org_id, p.email.as_deref(), p.leave), (Some(5), Some("a@b.cn"), None));
/// assert_eq!(serde_json::to_string(&p)?, r#"{"org_id":5,"email":"a@b.cn"}"#);
///
/// let p: Person = serde_json::from_str("{}")?;
/// assert_eq!(p.org_id, None);
/// # Ok::<(), serde_json::Error>(())
/// ```
///
/// The value is buffered as a [`serde_json::Value`] before `As` sees it, so
/// this adapter needs a self-describing format (JSON is) and cannot hand out
/// borrowed `&str`s.
pub struct EmptyAsNone<As = Same>(PhantomData<As>);

impl<'de, T, As> DeserializeAs<'de, Option<T>> for EmptyAsNone<As>
where
    As: DeserializeAs<'de, T>,
{
    fn deserialize_as<D: Deserializer<'de>>(deserializer: D) -> Result<Option<T>, D::Error> {
        // Buffering is what lets a derived newtype or struct behind `As` see
        // the value exactly as the outer deserializer would have shown it;
        // replaying primitives through serde's value deserializers breaks
        // `deserialize_newtype_struct`.
        let value = serde_json::Value::deserialize(deserializer)?;
        match &value {
            serde_json::Value::Null => Ok(None),
            serde_json::Value::String(s) if s.trim().is_empty() => Ok(None),
            _ => As::deserialize_as(value)
                .map(Some)
                .map_err(de::Error::custom),
        }
    }
}

impl<T, As> SerializeAs<Option<T>> for EmptyAsNone<As>
where
    As: SerializeAs<T>,
{
    fn serialize_as<S: Serializer>(source: &Option<T>, serializer: S) -> Result<S::Ok, S::Error> {
        match source {
            Some(value) => serializer.serialize_some(&SerializeAsWrap::<T, As>::new(value)),
            None => serializer.serialize_none(),
        }
    }
}

impl<As> fmt::Debug for EmptyAsNone<As> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("EmptyAsNone")
    }
}

/// Reads `null` as the type's default (an empty list, an empty string),
/// anything else as `T` itself; for `#[serde(deserialize_with = …)]`.
///
/// Vendors answer "no records" with `"data": null` as often as with
/// `"data": []`. Add `#[serde(default)]` too when the key may be missing.
///
/// ```
/// use serde::Deserialize;
///
/// #[derive(Debug, Deserialize)]
/// struct Reply {
///     #[serde(default, deserialize_with = "hr_common::lenient::null_as_empty")]
///     data: Vec<u32>,
/// }
///
/// for body in [r#"{"data": null}"#, r#"{"data": []}"#, "{}"] {
///     let r: Reply = serde_json::from_str(body)?;
///     assert!(r.data.is_empty(), "{body}");
/// }
/// let r: Reply = serde_json::from_str(r#"{"data": [1, 2]}"#)?;
/// assert_eq!(r.data, [1, 2]);
/// assert!(serde_json::from_str::<Reply>(r#"{"data": "none"}"#).is_err());
/// # Ok::<(), serde_json::Error>(())
/// ```
pub fn null_as_empty<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}
