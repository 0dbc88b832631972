//! The content hash that tells an unchanged user from a changed one.
//!
//! A user's hash is taken over the **canonical JSON** of the `UserInfo` as
//! pushed: serde's spec-exact serialisation, then every object's keys
//! sorted (so the order of `extraInfo` entries or of unknown fields never
//! matters), no whitespace. The digest is 128-bit FNV-1a, written as
//! `fnv1a128:` and 32 hex digits. FNV is not a cryptographic hash, and it
//! does not need to be: the hash is compared with the hash of the *same*
//! user's previous push, never used to identify users, so the only risk is
//! a change that happens to keep all 128 bits, about one in 3·10³⁸. It is
//! stable across platforms, Rust versions and runs, which `std`'s
//! `DefaultHasher` does not promise, and needs no dependency.

use serde_json::Value;
use travel_sync_types::UserInfo;

const FNV_OFFSET: u128 = 0x6c62_272e_07bb_0142_62b8_2175_6295_c58d;
const FNV_PRIME: u128 = 0x0000_0000_0100_0000_0000_0000_0000_013b;

/// The content hash of a user: `fnv1a128:` and 32 hex digits over
/// [`canonical_json`].
///
/// ```
/// use travel_sync_types::UserInfo;
/// use hr_sync::hash::content_hash;
///
/// let a = UserInfo::new("E1", "王伟", "13812345678", false).extra_info("x", 1).extra_info("y", 2);
/// let b = UserInfo::new("E1", "王伟", "13812345678", false).extra_info("y", 2).extra_info("x", 1);
/// assert_eq!(content_hash(&a), content_hash(&b)); // key order does not matter
/// assert_ne!(content_hash(&a), content_hash(&a.clone().is_leave(true)));
/// assert!(content_hash(&a).starts_with("fnv1a128:"));
/// ```
pub fn content_hash(user: &UserInfo) -> String {
    format!("fnv1a128:{:032x}", digest(user))
}

/// The 128 bits behind [`content_hash`], for comparisons within a run.
pub(crate) fn digest(user: &UserInfo) -> u128 {
    let json = serde_json::to_value(user).unwrap_or(Value::Null);
    fnv1a128(canonical_json(&json).as_bytes())
}

/// 128-bit FNV-1a of `bytes`.
///
/// ```
/// // The published test vector for the empty input is the offset basis.
/// assert_eq!(hr_sync::hash::fnv1a128(b""), 0x6c62272e07bb014262b821756295c58d);
/// assert_eq!(hr_sync::hash::fnv1a128(b"a"), 0xd228cb696f1a8caf78912b704e4a8964);
/// ```
pub fn fnv1a128(bytes: &[u8]) -> u128 {
    bytes.iter().fold(FNV_OFFSET, |h, b| {
        (h ^ u128::from(*b)).wrapping_mul(FNV_PRIME)
    })
}

/// JSON with every object's keys sorted and no whitespace: one text per
/// value, whatever the order its maps were built in.
///
/// ```
/// let v = serde_json::json!({"b": [1, {"d": 1, "c": "é"}], "a": null});
/// assert_eq!(hr_sync::hash::canonical_json(&v), r#"{"a":null,"b":[1,{"c":"é","d":1}]}"#);
/// ```
pub fn canonical_json(value: &Value) -> String {
    let mut out = String::new();
    write_canonical(value, &mut out);
    out
}

fn write_canonical(value: &Value, out: &mut String) {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<_> = map.iter().collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            out.push('{');
            for (i, (k, v)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(k.clone()).to_string());
                out.push(':');
                write_canonical(v, out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, v) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(v, out);
            }
            out.push(']');
        }
        scalar => out.push_str(&scalar.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_is_pinned() {
        // A change to the canonical form or the digest would make every
        // user look changed after an upgrade: pin one value.
        let user = UserInfo::new("E1", "王伟", "13812345678", false).level("P3");
        assert_eq!(
            canonical_json(&serde_json::to_value(&user).unwrap()),
            r#"{"fullName":"王伟","isLeave":false,"level":"P3","mobile":"13812345678","userNo":"E1"}"#
        );
        assert_eq!(content_hash(&user), content_hash(&user.clone()));
        assert_ne!(content_hash(&user), content_hash(&user.clone().level("P4")));
    }
}
