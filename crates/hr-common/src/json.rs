//! Looking into a vendor's reply as untyped JSON, before trusting it to a
//! typed model.
//!
//! Envelope decoders first check that a 2xx body proves success, and read
//! the vendor's code and message from it in whatever casing and JSON type
//! the gateway chose. These are the small readers they share.
//!
//! ```
//! use hr_common::json::{field, kind, text};
//! use serde_json::{Value, json};
//!
//! let body = json!({"Code": 417, "Message": "scrollId无效或已过期", "data": null});
//! let Value::Object(map) = &body else { unreachable!() };
//! assert_eq!(text(field(map, "code")).as_deref(), Some("417"));
//! assert_eq!(text(field(map, "message")).as_deref(), Some("scrollId无效或已过期"));
//! assert_eq!(kind(&map["data"]), "null");
//! ```

use serde::de::{DeserializeSeed, IgnoredAny, MapAccess, Visitor};
use serde_json::{Map, Value};

/// The value of `name` in `map`: the exact key, else the first key that
/// equals it ignoring ASCII case (`Code`, `CODE`, `StateCode`).
///
/// ```
/// let map = serde_json::json!({"StateCode": "0"});
/// let map = map.as_object().unwrap();
/// assert_eq!(hr_common::json::field(map, "stateCode"), Some(&serde_json::json!("0")));
/// assert_eq!(hr_common::json::field(map, "state"), None);
/// ```
pub fn field<'a>(map: &'a Map<String, Value>, name: &str) -> Option<&'a Value> {
    map.get(name).or_else(|| {
        map.iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
    })
}

/// The value of `name` among the top-level keys of a JSON object `body`,
/// spelled as [`field`] reads it, without building the other values;
/// `None` when the body is not one well-formed JSON object or lacks the key.
///
/// A retry classifier looks at every reply: reading a 300-record page into
/// a `Value` just to see its `code` cost as much as decoding the page.
///
/// ```
/// use hr_common::json::top_level_field;
/// use serde_json::json;
///
/// let body = br#"{"data":[{"code":"nested"}],"Code":"500"}"#;
/// assert_eq!(top_level_field(body, "code"), Some(json!("500")));
/// assert_eq!(top_level_field(br#"[{"code":500}]"#, "code"), None);
/// assert_eq!(top_level_field(br#"{"code":500} trailing"#, "code"), None);
/// ```
pub fn top_level_field(body: &[u8], name: &str) -> Option<Value> {
    let mut de = serde_json::Deserializer::from_slice(body);
    let spellings = Spellings(name).deserialize(&mut de).ok()?;
    de.end().ok()?;
    field(&spellings, name).cloned()
}

/// Collects the top-level entries whose key is `.0` in any ASCII case,
/// and skips every other value without allocating it.
struct Spellings<'n>(&'n str);

impl<'de> DeserializeSeed<'de> for Spellings<'_> {
    type Value = Map<String, Value>;

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Spellings<'_> {
    type Value = Map<String, Value>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut entries: A) -> Result<Self::Value, A::Error> {
        let mut found = Map::new();
        while let Some(key) = entries.next_key::<String>()? {
            if key.eq_ignore_ascii_case(self.0) {
                let value: Value = entries.next_value()?;
                found.insert(key, value);
            } else {
                entries.next_value::<IgnoredAny>()?;
            }
        }
        Ok(found)
    }
}

/// A code or message as text: a string as it is, a number in decimal;
/// `None` for anything else (and for no value).
///
/// ```
/// use serde_json::json;
/// use hr_common::json::text;
///
/// assert_eq!(text(Some(&json!(200))).as_deref(), Some("200"));
/// assert_eq!(text(Some(&json!(" ok "))).as_deref(), Some(" ok "));
/// assert_eq!(text(Some(&json!(true))), None);
/// assert_eq!(text(None), None);
/// ```
pub fn text(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// What kind of JSON value this is, for error messages ("`data` is a
/// string, not the list of records").
///
/// ```
/// assert_eq!(hr_common::json::kind(&serde_json::json!([1])), "a list");
/// assert_eq!(hr_common::json::kind(&serde_json::json!({})), "an object");
/// ```
pub fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn whole_then_field(body: &[u8], name: &str) -> Option<Value> {
        match serde_json::from_slice::<Value>(body) {
            Ok(Value::Object(map)) => field(&map, name).cloned(),
            _ => None,
        }
    }

    fn objects() -> impl Strategy<Value = Value> {
        let key =
            prop::sample::select(&["code", "Code", "CODE", "cOdE", "data", "msg", "codes"][..]);
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i32>().prop_map(Value::from),
            prop::sample::select(&["200", "500", " 500 ", "x"][..]).prop_map(Value::from),
        ];
        let value = leaf.prop_recursive(3, 16, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..3).prop_map(Value::Array),
                prop::collection::vec(("[a-zA-Z]{1,4}", inner), 0..3)
                    .prop_map(|kv| Value::Object(kv.into_iter().collect())),
            ]
        });
        prop_oneof![
            4 => prop::collection::vec((key, value.clone()), 0..6)
                .prop_map(|kv| Value::Object(kv.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())),
            1 => value,
        ]
    }

    proptest! {
        #[test]
        fn the_top_level_read_agrees_with_reading_the_whole_body(body in objects(), junk in prop::option::of("[ ,}x]{1,2}")) {
            let mut bytes = serde_json::to_vec(&body).unwrap();
            if let Some(junk) = junk {
                bytes.extend_from_slice(junk.as_bytes());
            }
            prop_assert_eq!(top_level_field(&bytes, "code"), whole_then_field(&bytes, "code"));
        }
    }

    #[test]
    fn duplicate_keys_resolve_as_the_map_does() {
        for body in [
            &br#"{"code":"200","code":"500"}"#[..],
            br#"{"CODE":null,"Code":500}"#,
            br#"{"Code":"500","code":"200"}"#,
        ] {
            assert_eq!(
                top_level_field(body, "code"),
                whole_then_field(body, "code")
            );
        }
    }
}
