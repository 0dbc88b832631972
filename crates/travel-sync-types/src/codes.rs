//! The spec's code lists: [`Gender`] (appendix 19) and [`CardType`]
//! (appendix 7).
//!
//! Neither appendix is public, so both enums are open: they name only the
//! values the seed's own examples show, keep every other value as it came,
//! and write it back unchanged. Nothing is ever rejected for holding a value
//! this crate does not list.

use std::fmt;
use std::hash::{Hash, Hasher};
use std::str::FromStr;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// `gender` (性别, appendix 19): a string code.
///
/// The seed's example sends `"M"`; `"F"` is its evident counterpart. Every
/// other value, including numbers such as the `1`/`2` of peer platforms,
/// is kept as [`Gender::Other`] with its text, and written back as that
/// string (the declared type). Equality compares the code, so
/// `Gender::Other("M".into()) == Gender::Male`.
///
/// ```
/// use travel_sync_types::Gender;
///
/// assert_eq!(serde_json::from_str::<Gender>(r#""M""#)?, Gender::Male);
/// let other: Gender = serde_json::from_str("2")?;
/// assert_eq!(other, Gender::Other("2".into()));
/// assert_eq!(serde_json::to_string(&other)?, r#""2""#);
/// assert_eq!("F".parse::<Gender>().unwrap(), Gender::Female);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Eq)]
#[non_exhaustive]
pub enum Gender {
    /// `"M"`.
    Male,
    /// `"F"`.
    Female,
    /// Any other code, verbatim.
    Other(String),
}

impl Gender {
    /// The code as sent on the wire.
    ///
    /// ```
    /// use travel_sync_types::Gender;
    /// assert_eq!(Gender::Male.as_str(), "M");
    /// assert_eq!(Gender::Other("U".into()).as_str(), "U");
    /// ```
    pub fn as_str(&self) -> &str {
        match self {
            Gender::Male => "M",
            Gender::Female => "F",
            Gender::Other(raw) => raw,
        }
    }

    /// Reads a code: `"M"` and `"F"` exactly; anything else is kept.
    ///
    /// ```
    /// use travel_sync_types::Gender;
    /// assert_eq!(Gender::from_code("M"), Gender::Male);
    /// assert!(matches!(Gender::from_code("男"), Gender::Other(_)));
    /// ```
    pub fn from_code(code: impl Into<String>) -> Self {
        let code = code.into();
        match code.as_str() {
            "M" => Gender::Male,
            "F" => Gender::Female,
            _ => Gender::Other(code),
        }
    }
}

impl PartialEq for Gender {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Hash for Gender {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl fmt::Display for Gender {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Gender {
    type Err = std::convert::Infallible;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Gender::from_code(s))
    }
}

impl From<&str> for Gender {
    fn from(s: &str) -> Self {
        Gender::from_code(s)
    }
}

impl Serialize for Gender {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Gender {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer
            .deserialize_any(TextOrInt("a gender code (a string or an integer)"))
            .map(Gender::from_code)
    }
}

/// `cardTypeId` (证件类型, appendix 7): an integer code.
///
/// The seed's example pairs `"cardTypeId": "1"` with `"cardType": "身份证"`,
/// so `1` is the mainland resident identity card ([`CardType::IdCard`]),
/// whose number validation checks against GB 11643. Every other code is
/// kept as [`CardType::Other`].
///
/// Read from an integer or a string (`1`, `"1"`, `" 1 "`); written as the
/// declared integer. A non-numeric code cannot be an integer, so it is kept
/// and written back as the string it was; validation reports it.
///
/// ```
/// use travel_sync_types::CardType;
///
/// assert_eq!(serde_json::from_str::<CardType>(r#""1""#)?, CardType::IdCard);
/// let passport: CardType = serde_json::from_str("2")?;
/// assert_eq!(passport, CardType::from_id(2));
/// assert_eq!(passport.id(), Some(2));
/// assert_eq!(serde_json::to_string(&passport)?, "2");
/// assert_eq!(serde_json::to_string(&CardType::IdCard)?, "1");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Eq)]
#[non_exhaustive]
pub enum CardType {
    /// `1`: 身份证, the mainland resident identity card.
    IdCard,
    /// Any other code, as text: an integer from appendix 7 (`"2"`), or
    /// whatever non-numeric value a sender used.
    Other(String),
}

impl CardType {
    /// The code for a numeric id.
    ///
    /// ```
    /// use travel_sync_types::CardType;
    /// assert_eq!(CardType::from_id(1), CardType::IdCard);
    /// assert_eq!(CardType::from_id(7).as_str(), "7");
    /// ```
    pub fn from_id(id: i64) -> Self {
        match id {
            1 => CardType::IdCard,
            _ => CardType::Other(id.to_string()),
        }
    }

    /// Reads a code from text: numbers (surrounding spaces and leading
    /// zeros ignored) become ids, anything else is kept.
    ///
    /// ```
    /// use travel_sync_types::CardType;
    /// assert_eq!(CardType::from_code(" 01 "), CardType::IdCard);
    /// assert_eq!(CardType::from_code("P").as_str(), "P");
    /// ```
    pub fn from_code(code: impl Into<String>) -> Self {
        let code = code.into();
        match code.trim().parse::<i64>() {
            Ok(id) => CardType::from_id(id),
            Err(_) => CardType::Other(code),
        }
    }

    /// The numeric id, if the code is an integer.
    ///
    /// ```
    /// use travel_sync_types::CardType;
    /// assert_eq!(CardType::IdCard.id(), Some(1));
    /// assert_eq!(CardType::from_code("P").id(), None);
    /// ```
    pub fn id(&self) -> Option<i64> {
        match self {
            CardType::IdCard => Some(1),
            CardType::Other(raw) => raw.trim().parse().ok(),
        }
    }

    /// The code as text.
    ///
    /// ```
    /// assert_eq!(travel_sync_types::CardType::IdCard.as_str(), "1");
    /// ```
    pub fn as_str(&self) -> &str {
        match self {
            CardType::IdCard => "1",
            CardType::Other(raw) => raw,
        }
    }

    /// The code in the form equality and hashing use: the id when there
    /// is one, so `Other("01")`, `Other(" 1")` and `IdCard` are one code.
    fn canonical(&self) -> Result<i64, &str> {
        self.id().ok_or(self.as_str())
    }
}

impl PartialEq for CardType {
    fn eq(&self, other: &Self) -> bool {
        self.canonical() == other.canonical()
    }
}

impl Hash for CardType {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.canonical().hash(state);
    }
}

impl fmt::Display for CardType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.id() {
            Some(id) => write!(f, "{id}"),
            None => f.write_str(self.as_str()),
        }
    }
}

impl From<i64> for CardType {
    fn from(id: i64) -> Self {
        CardType::from_id(id)
    }
}

impl Serialize for CardType {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.id() {
            Some(id) => serializer.serialize_i64(id),
            None => serializer.serialize_str(self.as_str()),
        }
    }
}

impl<'de> Deserialize<'de> for CardType {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer
            .deserialize_any(TextOrInt("a card type id (an integer or a string)"))
            .map(CardType::from_code)
    }
}

/// Reads a string or an integer as text.
struct TextOrInt(&'static str);

impl Visitor<'_> for TextOrInt {
    type Value = String;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
        Ok(v.to_owned())
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<String, E> {
        Ok(v.to_string())
    }
}
