//! Lenient reading of ISDP request bodies.
//!
//! ISDP's Java back end binds JSON with Jackson, which coerces `"5000829"`
//! into a `Long` and a lone value into a one-element list, and treats `null`,
//! an absent key and (for MyBatis `<if test="x != null and x != ''">`
//! filters) an empty string or list alike. The readers here do the same, so
//! a client is refused only for what the real service would refuse: a value
//! that cannot be coerced at all.

use serde_json::Value;

/// A request that cannot be served, with the message the client gets.
pub(super) type Result<T> = std::result::Result<T, String>;

/// The value under `key`, unless it is absent or `null`.
pub(super) fn get<'a>(body: &'a Value, key: &str) -> Option<&'a Value> {
    body.get(key).filter(|v| !v.is_null())
}

/// A scalar as text: strings verbatim, numbers and booleans in their JSON form.
fn scalar_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// A scalar as an integer: JSON integers, or strings holding one.
fn scalar_int(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// A string field; `""` counts as absent, numbers are taken as their text.
pub(super) fn string(body: &Value, key: &str) -> Result<Option<String>> {
    match get(body, key) {
        None => Ok(None),
        Some(v) => match scalar_text(v) {
            Some(s) if s.trim().is_empty() => Ok(None),
            Some(s) => Ok(Some(s)),
            None => Err(format!("{key}: expected a string")),
        },
    }
}

/// An integer field; numeric strings are accepted, `""` counts as absent.
pub(super) fn int(body: &Value, key: &str) -> Result<Option<i64>> {
    match get(body, key) {
        None => Ok(None),
        Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
        Some(v) => scalar_int(v)
            .map(Some)
            .ok_or_else(|| format!("{key}: expected an integer")),
    }
}

/// A list of integers; a lone value counts as a list of one, an empty list
/// as absent.
pub(super) fn ints(body: &Value, key: &str) -> Result<Option<Vec<i64>>> {
    let items = match get(body, key) {
        None => return Ok(None),
        Some(Value::Array(items)) => items.iter().filter(|v| !v.is_null()).collect(),
        Some(v) => vec![v],
    };
    let list = items
        .into_iter()
        .map(|v| scalar_int(v).ok_or_else(|| format!("{key}: expected a list of integers")))
        .collect::<Result<Vec<i64>>>()?;
    Ok((!list.is_empty()).then_some(list))
}

/// A list of strings; a lone value counts as a list of one, an empty list
/// (or one of empty strings only) as absent.
pub(super) fn strings(body: &Value, key: &str) -> Result<Option<Vec<String>>> {
    let items = match get(body, key) {
        None => return Ok(None),
        Some(Value::Array(items)) => items.iter().filter(|v| !v.is_null()).collect(),
        Some(v) => vec![v],
    };
    let list = items
        .into_iter()
        .map(|v| scalar_text(v).ok_or_else(|| format!("{key}: expected a list of strings")))
        .filter(|s| !matches!(s, Ok(s) if s.trim().is_empty()))
        .collect::<Result<Vec<String>>>()?;
    Ok((!list.is_empty()).then_some(list))
}

/// A flag: `true`/`false`, `"true"`, `"Y"`/`"N"`, `1`/`0`.
pub(super) fn flag(body: &Value, key: &str) -> Result<Option<bool>> {
    let v = match get(body, key) {
        None => return Ok(None),
        Some(Value::String(s)) if s.trim().is_empty() => return Ok(None),
        Some(v) => v,
    };
    let parsed = match v {
        Value::Bool(b) => Some(*b),
        Value::Number(n) => match n.as_i64() {
            Some(1) => Some(true),
            Some(0) => Some(false),
            _ => None,
        },
        Value::String(s) => match s.trim().to_ascii_lowercase().as_str() {
            "true" | "y" | "yes" | "1" => Some(true),
            "false" | "n" | "no" | "0" => Some(false),
            _ => None,
        },
        _ => None,
    };
    parsed
        .map(Some)
        .ok_or_else(|| format!("{key}: expected a boolean"))
}

/// Splits ISDP's `"a;b;c"` multi-value strings (also `,`-separated for the
/// write APIs' `orgNo`/`roleNo`/`positionCode`), dropping empty parts.
pub(super) fn split(s: &str, sep: char) -> Vec<String> {
    s.split(sep)
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_owned)
        .collect()
}

/// `start` and `count` read from `obj` (a `page` object or the body itself),
/// with ISDP's defaults 0 and 200 and its cap of 200.
pub(super) fn page_of(obj: &Value) -> Result<(usize, usize)> {
    let start = int(obj, "start")?.unwrap_or(0);
    let count = int(obj, "count")?.unwrap_or(super::MAX_PAGE_SIZE as i64);
    if start < 0 {
        return Err(format!("page.start must not be negative, got {start}"));
    }
    if !(1..=super::MAX_PAGE_SIZE as i64).contains(&count) {
        return Err(format!(
            "page.count must be between 1 and {}, got {count}",
            super::MAX_PAGE_SIZE
        ));
    }
    Ok((start as usize, count as usize))
}

/// Paging from a `page{start,count}` object, or from top-level
/// `start`/`count` when there is none (the org and position queries take
/// them flat).
pub(super) fn page(body: &Value) -> Result<(usize, usize)> {
    match get(body, "page") {
        Some(p @ Value::Object(_)) => page_of(p),
        Some(_) => Err("page: expected an object {start, count}".into()),
        None => page_of(body),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn coerces_like_jackson() {
        let body = json!({"a": "42", "b": [1, "2", null], "c": "x", "d": "", "e": "Y", "f": 7});
        assert_eq!(int(&body, "a"), Ok(Some(42)));
        assert_eq!(ints(&body, "b"), Ok(Some(vec![1, 2])));
        assert_eq!(strings(&body, "c"), Ok(Some(vec!["x".into()])));
        assert_eq!(string(&body, "d"), Ok(None));
        assert_eq!(flag(&body, "e"), Ok(Some(true)));
        assert_eq!(string(&body, "f"), Ok(Some("7".into())));
        assert!(ints(&body, "c").is_err());
        assert_eq!(ints(&json!({"l": []}), "l"), Ok(None));
    }

    #[test]
    fn pages_default_and_cap() {
        assert_eq!(page(&json!({})), Ok((0, 200)));
        assert_eq!(
            page(&json!({"page": {"start": 5, "count": "20"}})),
            Ok((5, 20))
        );
        assert_eq!(page(&json!({"start": 3, "count": 2})), Ok((3, 2)));
        assert!(page(&json!({"page": {"count": 201}})).is_err());
        assert!(page(&json!({"page": {"count": 0}})).is_err());
    }
}
