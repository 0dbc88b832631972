//! The receiving side's lenient reading of a sync request,
//! `SyncRequest::parse_lenient`, then validation of every user read.
//!
//! Invariants: no panic; `Ok` only for a JSON object with a `data` list,
//! and then every element of that list is either a user read or an
//! unreadable user reported at its own index, in order; what was read
//! writes back as JSON that reads again, with the same users and nothing
//! unreadable (lenient in, exact out).

#![no_main]

use libfuzzer_sys::fuzz_target;
use serde_json::Value;
use travel_sync_types::{SyncRequest, UserInfo};

fuzz_target!(|body: &[u8]| {
    let Ok(parsed) = SyncRequest::parse_lenient(body) else {
        return;
    };
    let Ok(Value::Object(map)) = serde_json::from_slice::<Value>(body) else {
        panic!("a request from a body that is no JSON object");
    };
    let Some(Value::Array(users)) = map.get("data") else {
        panic!("a request without a `data` list");
    };
    assert_eq!(
        parsed.request.data.len() + parsed.unreadable.len(),
        users.len(),
        "users lost or invented"
    );
    let mut last = None;
    for bad in &parsed.unreadable {
        assert!(bad.index < users.len());
        assert!(
            last.is_none_or(|l| l < bad.index),
            "unreadable users out of order"
        );
        assert!(
            bad.path.starts_with(&format!("data[{}]", bad.index)),
            "{}",
            bad.path
        );
        last = Some(bad.index);
    }
    for user in &parsed.request.data {
        let violations = user.validate();
        let _ = violations.description_zh();
        let _ = format!("{user:?}");
    }

    let written = serde_json::to_vec(&parsed.request).expect("a request that cannot be written");
    let again = SyncRequest::parse_lenient(&written)
        .unwrap_or_else(|e| panic!("our own output is unreadable: {e}"));
    assert!(
        again.unreadable.is_empty(),
        "our own output has unreadable users: {:?}",
        again.unreadable
    );
    assert_eq!(again.request.data.len(), parsed.request.data.len());
    for (a, b) in again.request.data.iter().zip(&parsed.request.data) {
        assert_eq!(a, b, "a user changed on the way out and back");
    }
    for user in &parsed.request.data {
        let one = serde_json::to_vec(user).expect("a user that cannot be written");
        let back =
            UserInfo::from_json(&one).unwrap_or_else(|e| panic!("our own user is unreadable: {e}"));
        assert_eq!(&back, user);
    }
});
