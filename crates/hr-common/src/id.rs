//! The impls of typed identifiers, shared by the vendor crates:
//! [`numeric_id!`](crate::numeric_id) and [`string_id!`](crate::string_id).
//!
//! An id newtype keeps a department id from being passed where a user id
//! is wanted. Vendors send the same id as a number in one response and as a
//! string in the next, so the numeric ids read both and write a number.
//!
//! The macros write impls only: each id type is written out, with its docs
//! and derives, where it belongs, so that a reader (or `grep`) finds
//! `pub struct UserId` in the vendor crate that defines it.
//!
//! ```
//! /// A person's id.
//! #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
//! pub struct PersonId(pub i64);
//! hr_common::numeric_id!(PersonId);
//!
//! /// A position's GUID.
//! #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
//! pub struct PositionGuid(pub String);
//! hr_common::string_id!(PositionGuid);
//!
//! let a: PersonId = serde_json::from_str(r#"" 5001610""#)?;
//! let b: PersonId = serde_json::from_str("5001610")?;
//! assert_eq!(a, b);
//! assert_eq!(serde_json::to_string(&a)?, "5001610");
//! assert_eq!("5001610".parse::<PersonId>().unwrap(), a);
//!
//! let p: PositionGuid = serde_json::from_str(r#""6f0c2f7e""#)?;
//! assert_eq!((p.as_str(), p.to_string().as_str()), ("6f0c2f7e", "6f0c2f7e"));
//! # Ok::<(), serde_json::Error>(())
//! ```

use serde::Deserializer;
use serde_with::DeserializeAs;

use crate::lenient::NumberFromString;

/// What the macros' expansions name, so that a vendor crate needs no
/// direct `serde` dependency for them. Not part of the API.
#[doc(hidden)]
pub mod __private {
    pub use serde::{Deserialize, Deserializer, Serialize, Serializer};

    /// Reads a numeric id sent as a number or as a numeric string
    /// (surrounding spaces ignored).
    pub fn deserialize_numeric<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
        super::deserialize_numeric(d)
    }
}

fn deserialize_numeric<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    <NumberFromString as DeserializeAs<'de, i64>>::deserialize_as(d)
}

/// Writes the impls of a numeric id: a tuple struct around a public `i64`,
/// defined (with its derives) next to the call.
///
/// It gets `get()`, `From<i64>`, `Display` (the number), `FromStr` (the
/// number, surrounding spaces ignored), and serde that reads `5`, `"5"` or
/// `" 5 "` and writes `5`. Floating-point numbers, out-of-range integers and
/// other strings are errors.
///
/// ```
/// /// An organisation's `orgId`.
/// #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
/// pub struct OrgId(pub i64);
/// hr_common::numeric_id!(OrgId);
///
/// let id: OrgId = serde_json::from_str(r#""900100001""#)?;
/// assert_eq!(id.get(), 900100001);
/// assert_eq!(OrgId::from(7).to_string(), "7");
/// assert!(serde_json::from_str::<OrgId>("1.5").is_err());
/// assert!(serde_json::from_str::<OrgId>(r#""root""#).is_err());
/// # Ok::<(), serde_json::Error>(())
/// ```
#[macro_export]
macro_rules! numeric_id {
    ($name:ident) => {
        impl $name {
            /// The id as a number.
            pub const fn get(self) -> i64 {
                self.0
            }
        }

        impl ::core::convert::From<i64> for $name {
            fn from(id: i64) -> Self {
                $name(id)
            }
        }

        impl ::core::fmt::Display for $name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                ::core::fmt::Display::fmt(&self.0, f)
            }
        }

        impl ::core::str::FromStr for $name {
            type Err = ::core::num::ParseIntError;

            fn from_str(s: &str) -> ::core::result::Result<Self, Self::Err> {
                s.trim().parse().map($name)
            }
        }

        impl $crate::id::__private::Serialize for $name {
            fn serialize<S: $crate::id::__private::Serializer>(
                &self,
                s: S,
            ) -> ::core::result::Result<S::Ok, S::Error> {
                s.serialize_i64(self.0)
            }
        }

        impl<'de> $crate::id::__private::Deserialize<'de> for $name {
            fn deserialize<D: $crate::id::__private::Deserializer<'de>>(
                d: D,
            ) -> ::core::result::Result<Self, D::Error> {
                $crate::id::__private::deserialize_numeric(d).map($name)
            }
        }
    };
}

/// Writes the impls of a textual id: a tuple struct around a public
/// `String`, defined (with its derives) next to the call.
///
/// It gets `as_str()`, `AsRef<str>`, `From<&str>`, `From<String>`,
/// `Display` and `FromStr` (the text as it is), and serde that reads and
/// writes a JSON string, kept verbatim.
///
/// ```
/// /// A job post's `oId`.
/// #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
/// pub struct JobPostOId(pub String);
/// hr_common::string_id!(JobPostOId);
///
/// let id: JobPostOId = serde_json::from_str(r#""20017""#)?;
/// assert_eq!(id, JobPostOId::from("20017"));
/// assert_eq!(serde_json::to_string(&id)?, r#""20017""#);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[macro_export]
macro_rules! string_id {
    ($name:ident) => {
        impl $name {
            /// The id as sent.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl ::core::convert::AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl ::core::convert::From<&str> for $name {
            fn from(id: &str) -> Self {
                $name(::std::borrow::ToOwned::to_owned(id))
            }
        }

        impl ::core::convert::From<::std::string::String> for $name {
            fn from(id: ::std::string::String) -> Self {
                $name(id)
            }
        }

        impl ::core::fmt::Display for $name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl ::core::str::FromStr for $name {
            type Err = ::core::convert::Infallible;

            fn from_str(s: &str) -> ::core::result::Result<Self, Self::Err> {
                ::core::result::Result::Ok($name::from(s))
            }
        }

        impl $crate::id::__private::Serialize for $name {
            fn serialize<S: $crate::id::__private::Serializer>(
                &self,
                s: S,
            ) -> ::core::result::Result<S::Ok, S::Error> {
                s.serialize_str(&self.0)
            }
        }

        impl<'de> $crate::id::__private::Deserialize<'de> for $name {
            fn deserialize<D: $crate::id::__private::Deserializer<'de>>(
                d: D,
            ) -> ::core::result::Result<Self, D::Error> {
                <::std::string::String as $crate::id::__private::Deserialize<'de>>::deserialize(d)
                    .map($name)
            }
        }
    };
}

#[cfg(test)]
mod tests {
    /// A test id.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
    struct Num(i64);
    crate::numeric_id!(Num);

    /// A test id.
    #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
    struct Text(String);
    crate::string_id!(Text);

    #[test]
    fn numeric_ids_read_numbers_and_numeric_strings_and_write_numbers() {
        for json in ["100000007", r#""100000007""#, r#"" 100000007 ""#] {
            let id: Num = serde_json::from_str(json).unwrap();
            assert_eq!(id, Num(100_000_007), "{json}");
        }
        assert_eq!(serde_json::to_string(&Num(-3)).unwrap(), "-3");
        assert_eq!(" 42 ".parse::<Num>().unwrap(), Num(42));
        assert_eq!(Num(42).to_string(), "42");
        assert_eq!(Num::from(7).get(), 7);
    }

    #[test]
    fn numeric_ids_refuse_what_is_no_integer_id() {
        for json in [
            "1.5",
            r#""abc""#,
            r#""""#,
            "true",
            "null",
            "[1]",
            &u64::MAX.to_string(),
        ] {
            assert!(serde_json::from_str::<Num>(json).is_err(), "{json}");
        }
    }

    #[test]
    fn string_ids_keep_the_text_and_refuse_numbers() {
        let id: Text = serde_json::from_str(r#"" 6f0c ""#).unwrap();
        assert_eq!(id.as_str(), " 6f0c ");
        assert_eq!(serde_json::to_string(&id).unwrap(), r#"" 6f0c ""#);
        assert_eq!("x".parse::<Text>().unwrap(), Text::from("x"));
        assert_eq!(Text::from(String::from("y")).to_string(), "y");
        assert!(serde_json::from_str::<Text>("20017").is_err());
    }
}
