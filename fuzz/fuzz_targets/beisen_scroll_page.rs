//! Beisen time-window scroll pages (`GetByTimeWindow` and friends), as the
//! window streams decode them, untyped and into the employee model.
//!
//! Invariants: no panic; a page is `Ok` only for a JSON object with a
//! `code` of 200, a `data` list (or `null`), and `scrollId` or
//! `isLastData`; the page holds exactly the records of that list.

#![no_main]

use beisen_client::fuzzing;
use beisen_client::models::Employee;
use hr_sdk_fuzz::{beisen_code_200, beisen_data_list, beisen_scroll_fields, object, response};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

fuzz_target!(|body: &[u8]| {
    let resp = response(200, body);
    let untyped = fuzzing::scroll_page::<Value>(&resp);
    let typed = fuzzing::scroll_page::<Employee>(&resp);
    if untyped.is_ok() || typed.is_ok() {
        let map = object(body).expect("a page from a body that is no JSON object");
        assert!(beisen_code_200(&map), "a page without code 200");
        let list = beisen_data_list(&map).expect("a page without a `data` list");
        assert!(
            beisen_scroll_fields(&map),
            "a page without scrollId/isLastData"
        );
        let len = list.map_or(0, Vec::len);
        if let Ok(page) = &untyped {
            assert_eq!(page.data.len(), len, "records lost or invented");
        }
        if let Ok(page) = &typed {
            assert_eq!(page.data.len(), len, "records lost or invented");
        }
    }
    // The typed model may refuse what the untyped page reads, never the
    // other way round.
    if typed.is_ok() {
        assert!(untyped.is_ok());
    }
    if let Err(e) = &typed {
        let _ = e.to_string();
    }
});
