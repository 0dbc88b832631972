//! Private serde adapters for the shapes this interface sends that
//! hr-common's general adapters do not cover.

use std::fmt;

use hr_common::lenient::Code;
use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serializer};
use serde_json::{Map, Value};
use serde_with::{DeserializeAs, SerializeAs};

/// `isLeave`: everything hr-common's `LenientBool` reads, plus the
/// `"A"` (active, so not left) and `"I"` (inactive) of peer platforms, which
/// the sandbox accepts too. Written as the declared JSON boolean.
pub(crate) struct LeaveFlag;

const LEAVE_EXPECTED: &str = r#"a boolean (true/false, "Y"/"N", 1/0, "A"/"I")"#;

fn leave_from_str(s: &str) -> Option<bool> {
    const LEFT: [&str; 5] = ["true", "y", "yes", "1", "i"];
    const ACTIVE: [&str; 5] = ["false", "n", "no", "0", "a"];
    let s = s.trim();
    if LEFT.iter().any(|t| s.eq_ignore_ascii_case(t)) {
        Some(true)
    } else if ACTIVE.iter().any(|t| s.eq_ignore_ascii_case(t)) {
        Some(false)
    } else {
        None
    }
}

struct LeaveVisitor;

impl Visitor<'_> for LeaveVisitor {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(LEAVE_EXPECTED)
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<bool, E> {
        Ok(v)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<bool, E> {
        match v {
            0 => Ok(false),
            1 => Ok(true),
            _ => Err(E::custom(format_args!(
                "expected {LEAVE_EXPECTED}, got another number"
            ))),
        }
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<bool, E> {
        match v {
            0 => Ok(false),
            1 => Ok(true),
            _ => Err(E::custom(format_args!(
                "expected {LEAVE_EXPECTED}, got another number"
            ))),
        }
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<bool, E> {
        leave_from_str(v).ok_or_else(|| {
            E::custom(format_args!(
                "expected {LEAVE_EXPECTED}, got another string"
            ))
        })
    }
}

impl<'de> DeserializeAs<'de, bool> for LeaveFlag {
    fn deserialize_as<D: Deserializer<'de>>(deserializer: D) -> Result<bool, D::Error> {
        deserializer.deserialize_any(LeaveVisitor)
    }
}

impl SerializeAs<bool> for LeaveFlag {
    fn serialize_as<S: Serializer>(source: &bool, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_bool(*source)
    }
}

/// `resCode` of the sync response: read as a string or an integer, written
/// as the integer the sync page declares. A code that is not a canonical
/// integer (`"E01"`, `"007"`) is written back as the string it was, since
/// turning it into a number would change it.
pub(crate) struct CodeAsInt;

impl<'de> DeserializeAs<'de, Code> for CodeAsInt {
    fn deserialize_as<D: Deserializer<'de>>(deserializer: D) -> Result<Code, D::Error> {
        Code::deserialize(deserializer)
    }
}

impl SerializeAs<Code> for CodeAsInt {
    fn serialize_as<S: Serializer>(source: &Code, serializer: S) -> Result<S::Ok, S::Error> {
        match source.as_str().parse::<i64>() {
            Ok(n) if n.to_string() == source.as_str() => serializer.serialize_i64(n),
            _ => serializer.serialize_str(source.as_str()),
        }
    }
}

/// `extraInfo` (V1.4, a `JSONObject`): an object; `null` and `""` as
/// absent; and, because Java senders often stringify a `JSONObject`, a
/// string holding a JSON object. Written as the object.
pub(crate) struct ExtraInfo;

impl<'de> DeserializeAs<'de, Map<String, Value>> for ExtraInfo {
    fn deserialize_as<D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Map<String, Value>, D::Error> {
        match Value::deserialize(deserializer)? {
            Value::Object(map) => Ok(map),
            Value::String(s) => match serde_json::from_str::<Value>(&s) {
                Ok(Value::Object(map)) => Ok(map),
                _ => Err(de::Error::custom(
                    "expected a JSON object, or a string holding one",
                )),
            },
            other => Err(de::Error::custom(format_args!(
                "expected a JSON object, got {}",
                kind(&other)
            ))),
        }
    }
}

impl SerializeAs<Map<String, Value>> for ExtraInfo {
    fn serialize_as<S: Serializer>(
        source: &Map<String, Value>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        serde::Serialize::serialize(source, serializer)
    }
}

/// The JSON type of a value, for messages that must not echo the value.
pub(crate) fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// A serde error message with the offending input value taken out, so
/// that it can be logged, shown or echoed to a sender: personal data
/// (a birthday read as `integer `19900517``, a mobile, an ID number) must
/// never travel in an error.
///
/// Keeps what the message says about the *type*: `invalid type: integer
/// `19900517`, expected a string` becomes `invalid type: integer, expected a
/// string`. What serde (and the lenient adapters) put before `, expected`
/// is the input, so every `` `…` `` and `"…"` there is removed; a custom
/// `expected …, got …` loses its `got` part. `missing field` and
/// `duplicate field` name the type's own fields and are kept whole.
pub(crate) fn scrub(message: &str) -> String {
    if message.starts_with("missing field `") || message.starts_with("duplicate field `") {
        return message.to_owned();
    }
    if message.starts_with("expected ") {
        // A custom message of ours or hr-common's: the value, if any,
        // follows the first `, got `.
        return match message.find(", got ") {
            Some(at) => message[..at].to_owned(),
            None => message.to_owned(),
        };
    }
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(c) = rest.chars().next() {
        if rest.starts_with(", expected ") {
            // The rest describes the type, not the input.
            out.push_str(rest);
            return out;
        }
        if rest.starts_with(", got ") {
            return out;
        }
        match c {
            '`' => {
                rest = match rest[1..].find('`') {
                    Some(end) => &rest[end + 2..],
                    None => "",
                };
                trim_space(&mut out);
            }
            '"' => {
                rest = skip_quoted(&rest[1..]);
                trim_space(&mut out);
            }
            _ => {
                out.push(c);
                rest = &rest[c.len_utf8()..];
            }
        }
    }
    out
}

/// Drops the space before a removed value (`integer `5`` → `integer`).
fn trim_space(out: &mut String) {
    if out.ends_with(' ') {
        out.pop();
    }
}

/// What follows a Rust-`Debug`-quoted string, given the text after its
/// opening quote (escapes such as `\"` stay inside).
fn skip_quoted(s: &str) -> &str {
    let mut escaped = false;
    for (i, c) in s.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '"' => return &s[i + 1..],
            _ => {}
        }
    }
    ""
}

/// Whether an optional string is absent for validation: missing, empty or
/// blank. Models keep `""` as sent; rules treat it as "not given".
pub(crate) fn blank(s: Option<&str>) -> bool {
    s.is_none_or(|s| s.trim().is_empty())
}

/// A `userNo`/`userId` read from raw JSON, best effort, for users that
/// could not be read as a whole; see [`UserKey::from_raw`](crate::UserKey::from_raw).
pub(crate) fn raw_key(user: &Value) -> Option<crate::UserKey> {
    let text = |v: Option<&Value>| match v? {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    };
    if let Some(no) = text(user.get("userNo")) {
        return Some(crate::UserKey::UserNo(no));
    }
    text(user.get("userId"))
        .and_then(|id| id.parse().ok())
        .map(crate::UserKey::UserId)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn leave_flag_spellings() {
        for (raw, want) in [
            (json!(true), true),
            (json!("Y"), true),
            (json!("i"), true),
            (json!(1), true),
            (json!("0"), false),
            (json!(" A "), false),
            (json!("no"), false),
        ] {
            assert_eq!(
                LeaveFlag::deserialize_as(raw.clone()).unwrap(),
                want,
                "{raw}"
            );
        }
        assert!(LeaveFlag::deserialize_as(json!("maybe")).is_err());
        assert!(LeaveFlag::deserialize_as(json!(2)).is_err());
    }

    #[test]
    fn code_as_int_keeps_non_canonical_codes_as_strings() {
        let write = |code: &str| {
            let mut out = Vec::new();
            CodeAsInt::serialize_as(
                &Code::from(code),
                &mut serde_json::Serializer::new(&mut out),
            )
            .unwrap();
            String::from_utf8(out).unwrap()
        };
        assert_eq!(write("10000"), "10000");
        assert_eq!(write("-1"), "-1");
        assert_eq!(write("007"), r#""007""#);
        assert_eq!(write("E01"), r#""E01""#);
    }

    #[test]
    fn scrub_removes_input_values_and_keeps_types() {
        for (raw, want) in [
            (
                "invalid type: integer `19900517`, expected a string",
                "invalid type: integer, expected a string",
            ),
            (
                r#"invalid type: string "13812345678", expected a boolean"#,
                "invalid type: string, expected a boolean",
            ),
            (
                r#"invalid value: string "a \"quoted\", expected x", expected a date"#,
                "invalid value: string, expected a date",
            ),
            (
                "invalid type: floating point `1.5`, expected i64",
                "invalid type: floating point, expected i64",
            ),
            (
                "unknown variant `110105`, expected one of `M`, `F`",
                "unknown variant, expected one of `M`, `F`",
            ),
            (
                r#"expected a number or a numeric string, got "11010519491231002X" (invalid digit)"#,
                "expected a number or a numeric string",
            ),
            ("missing field `data`", "missing field `data`"),
            (
                "invalid length 3, expected 2",
                "invalid length 3, expected 2",
            ),
        ] {
            assert_eq!(scrub(raw), want, "{raw}");
        }
    }

    #[test]
    fn leave_flag_errors_do_not_echo_the_value() {
        let err = LeaveFlag::deserialize_as(json!("secret-ish")).unwrap_err();
        assert!(!err.to_string().contains("secret-ish"), "{err}");
        let err = LeaveFlag::deserialize_as(json!(13812345678_i64)).unwrap_err();
        assert!(!err.to_string().contains("13812345678"), "{err}");
    }

    #[test]
    fn extra_info_reads_stringified_objects() {
        let map = ExtraInfo::deserialize_as(json!(r#"{"costCode":"C1"}"#)).unwrap();
        assert_eq!(map["costCode"], "C1");
        assert!(ExtraInfo::deserialize_as(json!("[1]")).is_err());
        assert!(ExtraInfo::deserialize_as(json!(5)).is_err());
    }
}
