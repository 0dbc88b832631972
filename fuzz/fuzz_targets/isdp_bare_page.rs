//! ISDP+ bare pages (`getPersonList`, the export poll,
//! `findPagedOrgListWithDirection`, `findPagedPosition`), untyped and into
//! the person, position and directed-organisation models.
//!
//! Invariants: no panic; a page is `Ok` only for a JSON object that
//! announces no failure (`stateCode`, `status`, `error`, `code`,
//! `success: false`) and holds a page, bare or in envelope B's `result`: a
//! `data` list (or `null` with a total of 0) and a whole-number total; the
//! page holds exactly the records of that list.

#![no_main]

use hr_sdk_fuzz::{isdp_announces_failure, isdp_is_page, isdp_proves_page, object, response};
use isdp_client::fuzzing;
use isdp_client::{DirectedOrg, ExportTask, Person, Position};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

fn check(body: &[u8], len: usize) {
    let map = object(body).expect("a page from a body that is no JSON object");
    assert!(!isdp_announces_failure(&map, true), "a page from a refusal");
    assert!(isdp_proves_page(&map), "a page without `data` and a total");
    let page = if isdp_is_page(&map) {
        &map
    } else {
        match map.get("result") {
            Some(Value::Object(result)) => result,
            _ => unreachable!(),
        }
    };
    let listed = match page.get("data") {
        Some(Value::Array(items)) => items.len(),
        _ => 0,
    };
    assert_eq!(listed, len, "records lost or invented");
}

fuzz_target!(|body: &[u8]| {
    let resp = response(200, body);
    if let Ok(page) = fuzzing::bare_page::<Value>(&resp) {
        check(body, page.data.len());
    }
    if let Ok(page) = fuzzing::bare_page::<Person>(&resp) {
        check(body, page.data.len());
    }
    if let Ok(page) = fuzzing::bare_page::<ExportTask>(&resp) {
        check(body, page.data.len());
    }
    if let Ok(page) = fuzzing::bare_page::<Position>(&resp) {
        check(body, page.data.len());
    }
    if let Ok(page) = fuzzing::bare_page::<DirectedOrg>(&resp) {
        check(body, page.data.len());
    }
});
