//! ISDP+ envelope B, `{stateCode, errorMessage, result}`
//! (`organization/findPagedOrgList`, `role/findPagedRoleList`), as a page
//! and as a bare result.
//!
//! Invariants: no panic; nothing is `Ok` for a body that announces a
//! failure; a page is `Ok` only when `result` is a page (its `data` list,
//! or `null` with a total of 0, and a whole-number total) and holds
//! exactly its records.

#![no_main]

use hr_sdk_fuzz::{isdp_announces_failure, isdp_is_page, object, response};
use isdp_client::fuzzing;
use isdp_client::{Organization, Role};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

fn check_page(body: &[u8], len: usize) {
    let map = object(body).expect("a page from a body that is no JSON object");
    assert!(!isdp_announces_failure(&map, true), "a page from a refusal");
    let Some(Value::Object(result)) = map.get("result") else {
        panic!("a page without `result`");
    };
    assert!(isdp_is_page(result), "`result` is no page");
    let listed = match result.get("data") {
        Some(Value::Array(items)) => items.len(),
        _ => 0,
    };
    assert_eq!(listed, len, "records lost or invented");
}

fuzz_target!(|body: &[u8]| {
    let resp = response(200, body);
    if let Ok(page) = fuzzing::state_coded_page::<Value>(&resp) {
        check_page(body, page.data.len());
    }
    if let Ok(page) = fuzzing::state_coded_page::<Organization>(&resp) {
        check_page(body, page.data.len());
    }
    if let Ok(page) = fuzzing::state_coded_page::<Role>(&resp) {
        check_page(body, page.data.len());
    }
    if fuzzing::state_coded::<Value>(&resp).is_ok()
        && let Some(map) = object(body)
    {
        assert!(
            !isdp_announces_failure(&map, true),
            "a result from a refusal"
        );
    }
    if fuzzing::state_code_ok(&resp) {
        let map = object(body).expect("stateCode 0 in a body that is no JSON object");
        assert!(
            !isdp_announces_failure(&map, false),
            "stateCode 0 from a refusal"
        );
    }
});
