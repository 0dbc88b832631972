//! hr-common's `redact` (and `scrub_values`), which every error applies to
//! the bodies and messages it quotes.
//!
//! Invariants: no panic; no 11-digit mainland mobile number
//! (`1[3-9]` and nine digits) and no 18-character ID number (17 digits and
//! a digit or `X`) found in the input is found in the output.

#![no_main]

use hr_common::redact::{is_sensitive_key, redact, scrub_values};
use libfuzzer_sys::fuzz_target;

/// Every mobile and ID number in `text`, as ASCII substrings.
fn personal_numbers(text: &str) -> Vec<&str> {
    let b = text.as_bytes();
    let mut found = Vec::new();
    for start in 0..b.len() {
        if b.len() - start >= 11
            && b[start] == b'1'
            && (b'3'..=b'9').contains(&b[start + 1])
            && b[start..start + 11].iter().all(u8::is_ascii_digit)
        {
            found.push(&text[start..start + 11]);
        }
        if b.len() - start >= 18
            && b[start..start + 17].iter().all(u8::is_ascii_digit)
            && (b[start + 17].is_ascii_digit() || matches!(b[start + 17], b'X' | b'x'))
        {
            found.push(&text[start..start + 18]);
        }
    }
    found
}

fuzz_target!(|input: &[u8]| {
    let text = String::from_utf8_lossy(input);
    let out = redact(&text);
    for number in personal_numbers(&text) {
        assert!(
            !out.contains(number),
            "{number} survived: {text:?} -> {out:?}"
        );
    }
    let _ = scrub_values(&text);
    let _ = is_sensitive_key(&text);
});
