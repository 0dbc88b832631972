//! `customProperties` (自定义字段) and `translateProperties`.
//!
//! Custom fields are named per tenant (`extCostCenter_100001_1`), and Beisen
//! omits a key whose value is null, so they are a map with typed getters
//! rather than struct fields.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// A record's custom fields, by field name.
///
/// ```
/// use beisen_client::custom::CustomProperties;
///
/// let c: CustomProperties = serde_json::from_str(r#"{"extCostCenter_100001_1":"CC-7","extLevel_1":"3"}"#)?;
/// assert_eq!(c.get_str("extCostCenter_100001_1"), Some("CC-7"));
/// assert_eq!(c.get_i64("extLevel_1"), Some(3));
/// assert_eq!(c.get_str("extMissing"), None);
/// # Ok::<(), serde_json::Error>(())
/// ```
///
/// `Debug` shows the field names only: custom fields often hold personal
/// data (bank accounts, addresses), so values are never logged.
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct CustomProperties(pub BTreeMap<String, Value>);

impl std::fmt::Debug for CustomProperties {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_set().entries(self.0.keys()).finish()
    }
}

/// Keys of a record this crate does not model, kept so the record
/// round-trips. Derefs to the JSON map; `Debug` shows the keys only, since
/// unknown fields may hold personal data.
///
/// ```
/// let e: beisen_client::custom::Extra = serde_json::from_str(r#"{"secret":"S-123"}"#)?;
/// assert_eq!(e["secret"], "S-123");
/// assert!(!format!("{e:?}").contains("S-123"));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Extra(pub Map<String, Value>);

impl std::fmt::Debug for Extra {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_set().entries(self.0.keys()).finish()
    }
}

impl std::ops::Deref for Extra {
    type Target = Map<String, Value>;
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl std::ops::DerefMut for Extra {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.0
    }
}

impl From<Map<String, Value>> for Extra {
    fn from(map: Map<String, Value>) -> Self {
        Extra(map)
    }
}

impl From<Extra> for Map<String, Value> {
    fn from(extra: Extra) -> Self {
        extra.0
    }
}

impl CustomProperties {
    /// The raw value of a field; `None` when absent (Beisen drops null keys).
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.0.get(name).filter(|v| !v.is_null())
    }

    /// A text field.
    pub fn get_str(&self, name: &str) -> Option<&str> {
        self.get(name)?.as_str()
    }

    /// An integer field, sent as a number or a numeric string.
    pub fn get_i64(&self, name: &str) -> Option<i64> {
        match self.get(name)? {
            Value::Number(n) => n.as_i64(),
            Value::String(s) => s.trim().parse().ok(),
            _ => None,
        }
    }

    /// A decimal field, sent as a number or a numeric string.
    pub fn get_f64(&self, name: &str) -> Option<f64> {
        match self.get(name)? {
            Value::Number(n) => n.as_f64(),
            Value::String(s) => s.trim().parse().ok(),
            _ => None,
        }
    }

    /// A yes/no field (`true`, `1`, `"1"`, `"true"`).
    pub fn get_bool(&self, name: &str) -> Option<bool> {
        match self.get(name)? {
            Value::Bool(b) => Some(*b),
            Value::Number(n) => n.as_i64().map(|n| n != 0),
            Value::String(s) => match s.trim() {
                "1" | "true" | "True" => Some(true),
                "0" | "false" | "False" => Some(false),
                _ => None,
            },
            _ => None,
        }
    }

    /// Decodes a field into any type.
    pub fn get_as<T: serde::de::DeserializeOwned>(
        &self,
        name: &str,
    ) -> Option<serde_json::Result<T>> {
        self.get(name).map(|v| T::deserialize(v))
    }

    /// Field names present.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.0.keys().map(String::as_str)
    }
}

/// Dictionary fields translated to text (`{"GenderText":"男"}`), filled when
/// a request sets `enableTranslate` (retired by the vendor on 2026-03-13).
pub type TranslateProperties = BTreeMap<String, Option<String>>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_shows_custom_and_extra_keys_but_no_values() {
        let c: CustomProperties =
            serde_json::from_str(r#"{"extBankAccount_1":"6222020200112233"}"#).unwrap();
        let d = format!("{c:?}");
        assert!(
            d.contains("extBankAccount_1") && !d.contains("6222020200112233"),
            "{d}"
        );
        let e: Extra = serde_json::from_str(r#"{"originalId":"ID-998877"}"#).unwrap();
        let d = format!("{e:?}");
        assert!(d.contains("originalId") && !d.contains("ID-998877"), "{d}");
    }
}
