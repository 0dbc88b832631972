//! ISDP+ bare values: the export task (`exportPersonModel`, import), the
//! persons of `findPersonByUserIdListPlainText`, the token answer, and the
//! vendor error read from non-2xx bodies (JSON or XML).
//!
//! Invariants: no panic; nothing is `Ok` for a JSON object that announces
//! a failure; a person list is `Ok` only when the body holds one (a bare
//! list, a page's `data`, either inside envelope B's `result`, or `null`
//! vouched for by a total of 0 or `stateCode` 0), with exactly its records.

#![no_main]

use hr_sdk_fuzz::{field, isdp_announces_failure, object, response, status_from};
use isdp_client::ExportTask;
use isdp_client::fuzzing;
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

/// How many persons the body lists, if it holds a list at all.
fn listed(body: &[u8]) -> Option<usize> {
    let value: Value = serde_json::from_slice(body).ok()?;
    let state_ok = |map: &serde_json::Map<String, Value>| {
        field(map, "stateCode")
            .and_then(hr_sdk_fuzz::text)
            .is_some_and(|c| c.trim() == "0")
    };
    let (inner, vouched) = match &value {
        Value::Object(map) if field(map, "stateCode").is_some() => (
            map.get("result").cloned().unwrap_or(Value::Null),
            state_ok(map),
        ),
        _ => (value.clone(), false),
    };
    match inner {
        Value::Array(items) => Some(items.len()),
        Value::Object(map) => match map.get("data") {
            Some(Value::Array(items)) => Some(items.len()),
            Some(Value::Null) => {
                let total = ["totalCount", "total_count"]
                    .iter()
                    .find_map(|k| map.get(*k).and_then(Value::as_u64));
                (total == Some(0)).then_some(0)
            }
            _ => None,
        },
        Value::Null if vouched => Some(0),
        _ => None,
    }
}

fuzz_target!(|input: &[u8]| {
    let Some((&first, body)) = input.split_first() else {
        return;
    };
    let resp = response(200, body);
    let refused = object(body).is_some_and(|m| isdp_announces_failure(&m, true));
    if fuzzing::bare::<Value>(&resp).is_ok() || fuzzing::bare::<ExportTask>(&resp).is_ok() {
        assert!(!refused, "a value from a refusal");
    }
    if let Ok(persons) = fuzzing::plain_persons(&resp) {
        assert!(!refused, "persons from a refusal");
        assert_eq!(
            listed(body),
            Some(persons.len()),
            "persons lost or invented"
        );
    }
    if let Ok(token) = fuzzing::token(&resp) {
        let _ = (token.expires_in(), token.is_expired());
    }
    let _ = fuzzing::vendor_error(&response(status_from(first), body));
});
