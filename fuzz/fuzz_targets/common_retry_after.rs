//! hr-common's `parse_retry_after`, which reads a `Retry-After` header
//! from the network (delay-seconds, fractions, HTTP dates).
//!
//! Invariants: no panic; a wait is never longer than `RETRY_AFTER_CLAMP`;
//! plain digits always give a wait; a negative number never does.

#![no_main]

use hr_common::transport::{RETRY_AFTER_CLAMP, parse_retry_after};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &[u8]| {
    let text = String::from_utf8_lossy(input);
    let wait = parse_retry_after(&text);
    if let Some(wait) = wait {
        assert!(wait <= RETRY_AFTER_CLAMP, "{text:?} waits {wait:?}");
    }
    let trimmed = text.trim();
    if !trimmed.is_empty() && trimmed.bytes().all(|b| b.is_ascii_digit()) {
        assert!(wait.is_some(), "{text:?} is delay-seconds");
    }
    if trimmed.parse::<f64>().is_ok_and(|n| n < 0.0) {
        assert_eq!(wait, None, "{text:?} is negative");
    }
});
