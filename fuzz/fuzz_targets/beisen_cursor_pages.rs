//! Beisen cursor pages: attendance (`GetVacationInfoByApprovalTime`,
//! `sortCursor`) and recruiting (`GetApplyListByModifiedTime`,
//! `nextBatchId`).
//!
//! Invariants: no panic; a page is `Ok` only with a `code` of 200 and a
//! `data` object, and holds exactly the records of that object's list.

#![no_main]

use beisen_client::fuzzing;
use hr_sdk_fuzz::{beisen_code_200, camel_or_pascal, object, response};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

fn check(body: &[u8], list_key: &str, len: usize) {
    let map = object(body).expect("a page from a body that is no JSON object");
    assert!(beisen_code_200(&map), "a page without code 200");
    let Some(Value::Object(data)) = camel_or_pascal(&map, "data") else {
        panic!("a page without its `data` object");
    };
    let listed = match data.get(list_key) {
        Some(Value::Array(items)) => items.len(),
        None | Some(Value::Null) => 0,
        Some(other) => panic!("`{list_key}` is {other}, yet a page was read"),
    };
    assert_eq!(listed, len, "records lost or invented");
}

fuzz_target!(|body: &[u8]| {
    let resp = response(200, body);
    if let Ok(page) = fuzzing::vacation_page(&resp) {
        check(body, "vacationList", page.items.len());
    }
    if let Ok(page) = fuzzing::apply_batch(&resp) {
        check(body, "items", page.items.len());
    }
});
