//! The PascalCase envelope, `{"Code": 200, "Message": null, "Data": …}`,
//! for any vendor that answers in it.
//!
//! Some services answer in PascalCase where their siblings use camelCase:
//! Beisen's attendance API (`/AttendanceOpen/…`) pages approved business
//! trips as `{"Code":200,"Message":null,"Data":{"Total":…,"BusinessList":[…]}}`
//! and acknowledges its pushes with `{"Code":200,"Message":null}`, while the
//! rest of Beisen sends `{"code":"200","data":…}`. A vendor crate describes
//! its service once with [`PascalVendor`] and names [`PascalData`] or
//! [`PascalAck`] as an endpoint's [`Envelope`].
//!
//! A 2xx reply counts as a success only when it proves it:
//!
//! - the body is a JSON object with a `Code` (a string or a number; `code`
//!   and other casings are read too) that the vendor calls a success
//!   ([`PascalVendor::is_success`]);
//! - for [`PascalData`], a `Data` that is present and not `null`.
//!
//! Everything else is an error, never an empty answer: another code is
//! [`Error::Api`] with the code and `Message` (or `msg`, `error`); no code
//! but a message (a gateway's `{"message":"un-authorized"}`) is
//! [`Error::Api`] with the code `unknown`; anything else (`{}`, `[]`, a
//! success without `Data`) is [`Error::Decode`] naming the missing field.
//!
//! ```
//! use hr_common::endpoint::Envelope;
//! use hr_common::endpoint::pascal::{PascalData, PascalVendor};
//! use hr_common::transport::Response;
//!
//! enum Attendance {}
//! impl PascalVendor for Attendance {
//!     const SERVICE: &'static str = "beisen";
//! }
//!
//! #[derive(serde::Deserialize)]
//! #[serde(rename_all = "PascalCase")]
//! struct Page { total: u64 }
//!
//! let ok = Response::from_parts(200, Default::default(),
//!     br#"{"Code":200,"Message":null,"Data":{"Total":3}}"#.to_vec().into());
//! let page: Page = <PascalData<Attendance> as Envelope<Page>>::decode(&ok)?;
//! assert_eq!(page.total, 3);
//!
//! let refused = Response::from_parts(200, Default::default(),
//!     r#"{"Code":417,"Message":"StartDate不能为空","Data":null}"#.as_bytes().to_vec().into());
//! let err = <PascalData<Attendance> as Envelope<Page>>::decode(&refused).err().unwrap();
//! assert_eq!((err.vendor_code(), err.vendor_message()), (Some("417"), Some("StartDate不能为空")));
//! # Ok::<(), hr_common::Error>(())
//! ```

use std::fmt;
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use super::Envelope;
use crate::json::{field, kind, text};
use crate::transport::Response;
use crate::{Error, Result};

/// A service that answers in the PascalCase envelope: its name in errors
/// and which codes mean success.
///
/// ```
/// use hr_common::endpoint::pascal::PascalVendor;
///
/// enum Attendance {}
/// impl PascalVendor for Attendance {
///     const SERVICE: &'static str = "beisen";
///     fn is_success(code: &str) -> bool {
///         code == "200" || code.eq_ignore_ascii_case("Succeed")
///     }
/// }
/// assert!(Attendance::is_success("Succeed"));
/// assert!(!Attendance::is_success("417"));
/// ```
pub trait PascalVendor: Send + Sync + 'static {
    /// The service name errors carry (`Error::service`).
    const SERVICE: &'static str;

    /// Whether `code` (as text, trimmed) means success; `"200"` unless the
    /// vendor says otherwise.
    fn is_success(code: &str) -> bool {
        code == "200"
    }
}

/// A reply in the PascalCase envelope that proved success: its code, its
/// message and its `Data`, if any.
///
/// ```
/// let ack = hr_common::endpoint::pascal::PascalReply::<()>::new("200", None, None);
/// assert_eq!(ack.code, "200");
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct PascalReply<T> {
    /// The success code as sent (`"200"`, `"Succeed"`), as text.
    pub code: String,
    /// `Message`, when it is a non-empty string.
    pub message: Option<String>,
    /// `Data`; `None` when absent or `null`.
    pub data: Option<T>,
}

impl<T> PascalReply<T> {
    /// A reply from its parts (for tests and hand-built transports).
    ///
    /// ```
    /// let r = hr_common::endpoint::pascal::PascalReply::new("200", Some("ok".into()), Some(1));
    /// assert_eq!(r.data, Some(1));
    /// ```
    pub fn new(code: impl Into<String>, message: Option<String>, data: Option<T>) -> Self {
        PascalReply {
            code: code.into(),
            message,
            data,
        }
    }
}

/// The envelope of a read: a success code and a `Data` that is present and
/// not `null`, decoded as the endpoint's output. See the
/// [module docs](self) for an example.
pub struct PascalData<V>(PhantomData<fn() -> V>);

/// The envelope of a write or any call whose `Data` may be absent: a
/// success code; the output is the whole [`PascalReply`].
///
/// ```
/// use hr_common::endpoint::Envelope;
/// use hr_common::endpoint::pascal::{PascalAck, PascalReply, PascalVendor};
/// use hr_common::transport::Response;
///
/// enum Attendance {}
/// impl PascalVendor for Attendance {
///     const SERVICE: &'static str = "beisen";
/// }
///
/// let ok = Response::from_parts(200, Default::default(), br#"{"Code":200,"Message":null}"#.to_vec().into());
/// let ack: PascalReply<serde_json::Value> = <PascalAck<Attendance> as Envelope<_>>::decode(&ok)?;
/// assert_eq!((ack.code.as_str(), ack.data), ("200", None));
/// # Ok::<(), hr_common::Error>(())
/// ```
pub struct PascalAck<V>(PhantomData<fn() -> V>);

impl<V> fmt::Debug for PascalData<V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PascalData")
    }
}

impl<V> fmt::Debug for PascalAck<V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PascalAck")
    }
}

impl<V: PascalVendor, T: DeserializeOwned> Envelope<T> for PascalData<V> {
    fn decode(response: &Response) -> Result<T> {
        let reply = read::<V, T>(response)?;
        reply.data.ok_or_else(|| {
            invalid::<V>(
                response,
                "Data",
                format!(
                    "a success (`Code` {}) without `Data`; the reply does not prove there is nothing",
                    reply.code
                ),
            )
        })
    }
}

impl<V: PascalVendor, T: DeserializeOwned> Envelope<PascalReply<T>> for PascalAck<V> {
    fn decode(response: &Response) -> Result<PascalReply<T>> {
        read::<V, T>(response)
    }
}

/// Reads a reply in the PascalCase envelope: the body must prove success
/// (see the [module docs](self)); `Data` may be absent or `null`.
///
/// For envelopes of one's own (a write that also reads a response header).
///
/// ```
/// use hr_common::endpoint::pascal::{PascalVendor, read};
/// use hr_common::transport::Response;
///
/// enum Attendance {}
/// impl PascalVendor for Attendance {
///     const SERVICE: &'static str = "beisen";
/// }
///
/// let body = br#"{"code":"200","message":"","data":[1,2]}"#; // camelCase is read too
/// let r = read::<Attendance, Vec<u8>>(&Response::from_parts(200, Default::default(), body.to_vec().into()))?;
/// assert_eq!(r.data, Some(vec![1, 2]));
/// let err = read::<Attendance, Vec<u8>>(&Response::from_parts(200, Default::default(), b"[]".to_vec().into()))
///     .unwrap_err();
/// assert!(err.is_decode());
/// # Ok::<(), hr_common::Error>(())
/// ```
pub fn read<V: PascalVendor, T: DeserializeOwned>(response: &Response) -> Result<PascalReply<T>> {
    let value: Value = response.json()?;
    let Value::Object(map) = &value else {
        return Err(invalid::<V>(
            response,
            ".",
            format!(
                "the reply is {}, not the `{{Code, Message, Data}}` envelope",
                kind(&value)
            ),
        ));
    };
    let code = prove::<V>(response, map)?;
    let message = text(field(map, "Message")).filter(|m| !m.trim().is_empty());
    let data = match data_key(map) {
        None => None,
        Some(key) if map[key].is_null() => None,
        Some(key) => {
            // Decoded from the body again, so a bad value's error names its
            // JSON path (`Data.BusinessList[3].StaffId`).
            let wire: Wire<T> = json_at::<V, T>(response, key)?;
            Some(wire.0)
        }
    };
    Ok(PascalReply {
        code,
        message,
        data,
    })
}

/// Checks the code; the code as text when it is a success.
fn prove<V: PascalVendor>(response: &Response, map: &Map<String, Value>) -> Result<String> {
    match field(map, "Code") {
        Some(code) => match text(Some(code)) {
            Some(code) if V::is_success(code.trim()) => Ok(code.trim().to_owned()),
            Some(code) => Err(api::<V>(
                response,
                code,
                message_of(map).unwrap_or_default(),
            )),
            None => Err(invalid::<V>(
                response,
                "Code",
                format!(
                    "`Code` is {}, not a code; the reply does not prove success",
                    kind(code)
                ),
            )),
        },
        None => match message_of(map) {
            Some(message) => {
                let code = text(field(map, "error")).unwrap_or_else(|| "unknown".to_owned());
                Err(api::<V>(response, code, message))
            }
            None => Err(invalid::<V>(
                response,
                "Code",
                "the reply has no `Code`, so it does not prove success".to_owned(),
            )),
        },
    }
}

/// The key `Data` is spelled with in this body, if any.
fn data_key(map: &Map<String, Value>) -> Option<&str> {
    if map.contains_key("Data") {
        return Some("Data");
    }
    map.keys()
        .find(|k| k.eq_ignore_ascii_case("data"))
        .map(String::as_str)
}

fn message_of(map: &Map<String, Value>) -> Option<String> {
    [
        "Message",
        "msg",
        "errorMessage",
        "error_description",
        "error",
    ]
    .iter()
    .find_map(|k| text(field(map, k)))
    .filter(|m| !m.trim().is_empty())
}

fn api<V: PascalVendor>(response: &Response, code: String, message: String) -> Error {
    Error::api(V::SERVICE, code, message)
        .with_status(response.status())
        .with_request_id(response.request_id().map(str::to_owned))
}

fn invalid<V: PascalVendor>(response: &Response, path: &str, message: String) -> Error {
    Error::decode_at(path, message, response.body())
        .with_service(V::SERVICE)
        .with_status(response.status())
}

/// The value under one top-level key of an object.
struct Wire<T>(T);

/// Decodes the value under the top-level key `key` of the JSON object body,
/// skipping the other keys without building them; on error the path names
/// the failing value (`Data.BusinessList[3].StaffId`).
fn json_at<V: PascalVendor, T: DeserializeOwned>(
    response: &Response,
    key: &str,
) -> Result<Wire<T>> {
    use serde::de::{DeserializeSeed, IgnoredAny, MapAccess, Visitor};

    struct Seed<'k, T>(&'k str, PhantomData<T>);

    impl<'de, T: Deserialize<'de>> DeserializeSeed<'de> for Seed<'_, T> {
        type Value = Wire<T>;
        fn deserialize<D: serde::Deserializer<'de>>(
            self,
            d: D,
        ) -> std::result::Result<Self::Value, D::Error> {
            d.deserialize_map(self)
        }
    }

    impl<'de, T: Deserialize<'de>> Visitor<'de> for Seed<'_, T> {
        type Value = Wire<T>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a JSON object")
        }
        fn visit_map<A: MapAccess<'de>>(
            self,
            mut map: A,
        ) -> std::result::Result<Self::Value, A::Error> {
            let mut found = None;
            while let Some(k) = map.next_key::<String>()? {
                if found.is_none() && k == self.0 {
                    found = Some(map.next_value::<T>()?);
                } else {
                    map.next_value::<IgnoredAny>()?;
                }
            }
            found
                .map(Wire)
                .ok_or_else(|| serde::de::Error::missing_field("Data"))
        }
    }

    let mut de = serde_json::Deserializer::from_slice(response.body());
    let mut track = serde_path_to_error::Track::new();
    let tracked = serde_path_to_error::Deserializer::new(&mut de, &mut track);
    Seed::<T>(key, PhantomData)
        .deserialize(tracked)
        .map_err(|err| invalid::<V>(response, &track.path().to_string(), err.to_string()))
}
