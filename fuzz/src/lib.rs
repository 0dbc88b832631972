//! Helpers shared by the fuzz targets: building a [`Response`] from the
//! fuzzer's bytes, and independent statements of what a body must hold
//! before a decoder may call it a success. They are written from the
//! vendors' documents, not copied from the decoders, so that a decoder
//! that forgets a check fails here.

use hr_common::transport::Response;
use serde_json::{Map, Value};

/// A response with `status` and `body`, as the transport would hand it on.
pub fn response(status: u16, body: &[u8]) -> Response {
    Response::from_parts(status, Default::default(), body.to_vec().into())
}

/// The status for a target that tries several: a 2xx most of the time,
/// now and then an error status, from the first input byte.
pub fn status_from(byte: u8) -> u16 {
    match byte % 8 {
        0 => 500,
        1 => 401,
        2 => 400,
        3 => 429,
        _ => 200,
    }
}

/// The body as a JSON object, when it is one. Invalid UTF-8 is replaced
/// first: serde_json skips an unknown field's string without checking its
/// UTF-8, so a typed decoder may accept such a body while `Value` refuses
/// it.
pub fn object(body: &[u8]) -> Option<Map<String, Value>> {
    match serde_json::from_str(&String::from_utf8_lossy(body)) {
        Ok(Value::Object(map)) => Some(map),
        _ => None,
    }
}

/// A code or message as text: strings as sent, numbers in decimal.
pub fn text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Every value whose key is `name` in any casing.
pub fn any_case<'a>(map: &'a Map<String, Value>, name: &'a str) -> impl Iterator<Item = &'a Value> {
    map.iter()
        .filter(move |(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v)
}

/// The value of `name`: the exact key, else one in another casing.
pub fn field<'a>(map: &'a Map<String, Value>, name: &'a str) -> Option<&'a Value> {
    map.get(name).or_else(|| any_case(map, name).next())
}

/// The value of `name` or of its PascalCase twin (`data`, `Data`), the two
/// spellings Beisen uses.
pub fn camel_or_pascal<'a>(map: &'a Map<String, Value>, name: &str) -> Option<&'a Value> {
    let mut chars = name.chars();
    let pascal: String = chars
        .next()
        .map(|c| c.to_ascii_uppercase())
        .into_iter()
        .chain(chars)
        .collect();
    map.get(name).or_else(|| map.get(&pascal))
}

/// Whether a Beisen body carries the success code: a `code` (any casing)
/// of 200, as a string or a number.
pub fn beisen_code_200(map: &Map<String, Value>) -> bool {
    any_case(map, "code").any(|v| text(v).is_some_and(|c| c.trim() == "200"))
}

/// Whether a Beisen body holds its record list: `data` (or `Data`) a list
/// or `null` (the documented "none").
pub fn beisen_data_list(map: &Map<String, Value>) -> Option<Option<&Vec<Value>>> {
    match camel_or_pascal(map, "data")? {
        Value::Array(items) => Some(Some(items)),
        Value::Null => Some(None),
        _ => None,
    }
}

/// Whether a Beisen body is a time-window page: `scrollId` or `isLastData`.
pub fn beisen_scroll_fields(map: &Map<String, Value>) -> bool {
    camel_or_pascal(map, "scrollId").is_some() || camel_or_pascal(map, "isLastData").is_some()
}

/// An ISDP page: a `data` list (or `null` with a total of 0) and a
/// whole-number total (`totalCount` or `total_count`).
pub fn isdp_is_page(map: &Map<String, Value>) -> bool {
    let total = ["totalCount", "total_count"]
        .iter()
        .find_map(|k| map.get(*k).filter(|v| !v.is_null()))
        .and_then(Value::as_u64);
    matches!(
        (map.get("data"), total),
        (Some(Value::Array(_)), Some(_)) | (Some(Value::Null), Some(0))
    )
}

/// An ISDP page, bare or in envelope B's `result`.
pub fn isdp_proves_page(map: &Map<String, Value>) -> bool {
    isdp_is_page(map) || matches!(map.get("result"), Some(Value::Object(r)) if isdp_is_page(r))
}

/// An ISDP body that announces a failure in one of the vendor's shapes:
/// `stateCode` other than 0, `status` other than `success`, an `error`,
/// `code` other than 0/200, or `success: false`.
pub fn isdp_announces_failure(map: &Map<String, Value>, with_status: bool) -> bool {
    let state = field(map, "stateCode")
        .and_then(text)
        .is_some_and(|c| c.trim() != "0");
    let status = with_status
        && matches!(map.get("status"), Some(Value::String(s)) if !s.eq_ignore_ascii_case("success"));
    let error = field(map, "error").and_then(text).is_some();
    let code = field(map, "code")
        .and_then(text)
        .is_some_and(|c| !matches!(c.trim(), "0" | "200"));
    let success_false = field(map, "success").is_some_and(|v| *v == Value::Bool(false));
    state || status || error || code || success_false
}

/// The keys of a JSON object body's top level, repeats included, in
/// order; `None` when the body is not one JSON object.
pub fn top_level_keys(body: &[u8]) -> Option<Vec<String>> {
    use serde::de::{Deserializer, IgnoredAny, MapAccess, Visitor};
    use std::fmt;

    struct Keys;

    impl<'de> Visitor<'de> for Keys {
        type Value = Vec<String>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an object")
        }

        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Vec<String>, A::Error> {
            let mut keys = Vec::new();
            while let Some(key) = map.next_key::<String>()? {
                map.next_value::<IgnoredAny>()?;
                keys.push(key);
            }
            Ok(keys)
        }
    }

    let mut de = serde_json::Deserializer::from_slice(body);
    let keys = de.deserialize_map(Keys).ok()?;
    de.end().ok()?;
    Some(keys)
}

/// Whether `keys` names one key twice.
pub fn has_repeat(keys: &[String]) -> bool {
    let mut seen = std::collections::HashSet::new();
    keys.iter().any(|k| !seen.insert(k))
}

/// Runs a future that never waits (the targets' checks and stores answer
/// at once) to its end.
pub fn run<F: std::future::Future>(future: F) -> F::Output {
    futures::executor::block_on(future)
}
