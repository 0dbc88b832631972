//! Beisen list and lookup envelopes (organisations, employees by id,
//! `GetEmployeeOfOrganization`, user-id lookups, writes), the token answer,
//! and the error readers for non-2xx and `code` 500 bodies.
//!
//! Invariants: no panic; a list is `Ok` only with a `code` of 200 and a
//! `data` list (or `null`), holding exactly its records; a lookup is `Ok`
//! only with a `code` of 200.

#![no_main]

use beisen_client::UserId;
use beisen_client::fuzzing;
use beisen_client::models::Organization;
use hr_sdk_fuzz::{beisen_code_200, beisen_data_list, object, response, status_from};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;
use std::collections::BTreeMap;

fn check_list(body: &[u8], len: Option<usize>) {
    let map = object(body).expect("a list from a body that is no JSON object");
    assert!(beisen_code_200(&map), "a list without code 200");
    let list = beisen_data_list(&map).expect("a list without a `data` list");
    if let Some(len) = len {
        assert_eq!(list.map_or(0, Vec::len), len, "records lost or invented");
    }
}

fuzz_target!(|input: &[u8]| {
    let Some((&first, body)) = input.split_first() else {
        return;
    };
    let resp = response(200, body);
    if let Ok(list) = fuzzing::list::<Value>(&resp) {
        check_list(body, Some(list.data.len()));
    }
    if let Ok(list) = fuzzing::list::<Organization>(&resp) {
        check_list(body, Some(list.data.len()));
    }
    if let Ok(page) = fuzzing::scroll_reply_list::<Value>(&resp) {
        check_list(body, Some(page.data.len()));
    }
    if fuzzing::lookup::<Value>(&resp).is_ok()
        | fuzzing::lookup::<UserId>(&resp).is_ok()
        | fuzzing::lookup::<BTreeMap<String, UserId>>(&resp).is_ok()
    {
        let map = object(body).expect("a lookup from a body that is no JSON object");
        assert!(beisen_code_200(&map), "a lookup without code 200");
    }
    let _ = fuzzing::token(&resp);
    let _ = fuzzing::is_transient(&resp);
    let _ = fuzzing::vendor_error(&response(status_from(first), body));
});
