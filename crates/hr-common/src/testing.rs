//! Proptest strategies that the vendor crates' tests share; compiled only
//! with the `testing` feature, which they enable as a dev-dependency
//! feature. Not part of the API.
//!
//! A decoder that must never pass an unproven body for a success is tested
//! on JSON shaped like the vendor's envelopes: objects whose keys are
//! mostly the envelope's own, whose values are anything, nested a few
//! levels deep.
//!
//! ```
//! use hr_common::testing::envelope_like;
//! use proptest::prelude::*;
//!
//! let keys = &["code", "Code", "data", "other"];
//! proptest!(ProptestConfig::with_cases(64), |(body in envelope_like(keys, &["200"], &[200]))| {
//!     // Here a test would hand `body` to the decoder under test.
//!     if let serde_json::Value::Object(map) = &body {
//!         prop_assert!(map.keys().all(|k| keys.contains(&k.as_str())));
//!     }
//! });
//! ```

use proptest::prelude::*;
use serde_json::Value;

/// JSON scalars as vendors send them: `null`, booleans, any integer or
/// float, one of `texts` or a short arbitrary string, and one of `numbers`
/// (the codes a decoder tells apart: `200`, `0`…), weighted like the other
/// kinds. Empty `texts` or `numbers` leave those choices out.
pub fn scalar_like(
    texts: &'static [&'static str],
    numbers: &'static [i64],
) -> BoxedStrategy<Value> {
    let string = if texts.is_empty() {
        ".{0,8}".boxed()
    } else {
        prop_oneof![
            prop::sample::select(texts).prop_map(str::to_owned),
            ".{0,8}"
        ]
        .boxed()
    };
    let mut kinds = vec![
        Just(Value::Null).boxed(),
        any::<bool>().prop_map(Value::Bool).boxed(),
        any::<i64>().prop_map(Value::from).boxed(),
        any::<f64>().prop_map(Value::from).boxed(),
        string.prop_map(Value::String).boxed(),
    ];
    if !numbers.is_empty() {
        kinds.push(prop::sample::select(numbers).prop_map(Value::from).boxed());
    }
    prop::strategy::Union::new(kinds).boxed()
}

/// JSON shaped like an envelope: [`scalar_like`] leaves, and lists and
/// objects up to three levels deep whose keys are drawn from `keys` (list
/// the envelope's own keys, in the casings the vendor uses, and one key it
/// does not know).
///
/// # Panics
///
/// When `keys` is empty.
pub fn envelope_like(
    keys: &'static [&'static str],
    texts: &'static [&'static str],
    numbers: &'static [i64],
) -> BoxedStrategy<Value> {
    let key = prop::sample::select(keys).prop_map(str::to_owned);
    scalar_like(texts, numbers)
        .prop_recursive(3, 24, 6, move |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                prop::collection::btree_map(key.clone(), inner, 0..6)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
        .boxed()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;

    #[test]
    fn envelope_like_draws_objects_keyed_by_the_envelopes_keys() {
        let strategy = envelope_like(&["code", "data"], &["200"], &[200]);
        let mut runner = TestRunner::deterministic();
        let mut keys_seen = std::collections::BTreeSet::new();
        let mut kinds_seen = std::collections::BTreeSet::new();
        for _ in 0..500 {
            let value = strategy.new_tree(&mut runner).unwrap().current();
            kinds_seen.insert(crate::json::kind(&value));
            if let Value::Object(map) = value {
                keys_seen.extend(map.keys().cloned());
            }
        }
        assert_eq!(
            keys_seen.into_iter().collect::<Vec<_>>(),
            ["code", "data"],
            "keys come from the list, and all of them come up"
        );
        assert_eq!(
            kinds_seen.len(),
            6,
            "every JSON kind comes up: {kinds_seen:?}"
        );
    }
}
