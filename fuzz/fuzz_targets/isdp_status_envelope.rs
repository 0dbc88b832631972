//! ISDP+ envelope C, `{status, msg, data, success, failed}`: single writes,
//! and batch writes merged chunk after chunk into one outcome, as
//! `send_chunked` does.
//!
//! Input: the first byte picks how many items each chunk "sent" (0 to 7);
//! the rest is split at `0xFF` bytes (never part of UTF-8 JSON) into the
//! bodies of successive chunks.
//!
//! Invariants: no panic (counts that overflow included); a single write is
//! `Ok` only for `status` `success` and no other failure shape; a chunk is
//! merged only when it succeeded or lists item results, and adds exactly
//! one item per listed result (or per item sent).

#![no_main]

use hr_sdk_fuzz::{isdp_announces_failure, object, response};
use isdp_client::BatchOutcome;
use isdp_client::fuzzing;
use libfuzzer_sys::fuzz_target;
use serde_json::{Value, json};

fuzz_target!(|input: &[u8]| {
    let Some((&first, rest)) = input.split_first() else {
        return;
    };
    let sent: Vec<Value> = (0..first % 8)
        .map(|i| json!({"personCode": format!("P{i}"), "personId": i}))
        .collect();
    let mut outcome = BatchOutcome::default();
    for body in rest.split(|b| *b == 0xFF).take(16) {
        let resp = response(200, body);
        if fuzzing::single_write(&resp).is_ok() {
            let map = object(body).expect("a write from a body that is no JSON object");
            assert!(
                matches!(map.get("status"), Some(Value::String(s)) if s.eq_ignore_ascii_case("success")),
                "a write without status success"
            );
            assert!(
                !isdp_announces_failure(&map, false),
                "a write from a refusal"
            );
        }
        let before = outcome.items.len();
        match fuzzing::batch_chunk(&mut outcome, &resp, &sent) {
            Ok(true) => {
                let map = object(body).expect("a chunk from a body that is no JSON object");
                assert!(
                    !isdp_announces_failure(&map, false),
                    "a chunk from a refusal"
                );
                let added = outcome.items.len() - before;
                let expected = match map.get("data") {
                    Some(Value::Array(items))
                        if serde_json::from_value::<Vec<isdp_client::ItemResult>>(
                            Value::Array(items.clone()),
                        )
                        .is_ok() =>
                    {
                        items.len()
                    }
                    _ => sent.len(),
                };
                assert_eq!(added, expected, "items lost or invented");
            }
            Ok(false) | Err(_) => assert_eq!(outcome.items.len(), before),
        }
    }
    let _ = outcome.failures().count();
    let _ = outcome.into_result();
});
