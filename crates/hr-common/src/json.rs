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
