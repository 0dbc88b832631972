//! Typed identifiers, so a department id can't be passed where a user id
//! is wanted.
//!
//! Beisen sends numeric ids as JSON numbers in most places and as strings
//! in some (`GetUserIDByEmail` answers `"100000007"`), so the numeric ids
//! read either and write numbers.

use std::fmt;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

macro_rules! numeric_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(pub i64);

        impl $name {
            /// The number.
            pub fn get(self) -> i64 {
                self.0
            }
        }

        impl From<i64> for $name {
            fn from(v: i64) -> Self {
                $name(v)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_i64(self.0)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                d.deserialize_any(IntVisitor).map($name)
            }
        }
    };
}

struct IntVisitor;

impl Visitor<'_> for IntVisitor {
    type Value = i64;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an integer id, as a number or a string")
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<i64, E> {
        Ok(v)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<i64, E> {
        i64::try_from(v).map_err(|_| E::custom(format!("id {v} is out of range")))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<i64, E> {
        v.trim()
            .parse()
            .map_err(|_| E::custom(format!("`{v}` is not a numeric id")))
    }
}

numeric_id!(
    /// A person's `userID` (员工 UserID).
    ///
    /// ```
    /// let id: beisen_client::UserId = serde_json::from_str(r#""100000007""#)?;
    /// assert_eq!(id.get(), 100000007);
    /// assert_eq!(serde_json::to_string(&id)?, "100000007");
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    UserId
);

numeric_id!(
    /// An organisation unit's `oId` (组织 OId); the root is `900` followed
    /// by the tenant id.
    ///
    /// ```
    /// let id: beisen_client::OrgOId = serde_json::from_str("900100001")?;
    /// assert_eq!(id.to_string(), "900100001");
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    OrgOId
);

macro_rules! string_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub String);

        impl $name {
            /// The id as sent.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl From<&str> for $name {
            fn from(v: &str) -> Self {
                $name(v.to_owned())
            }
        }

        impl From<String> for $name {
            fn from(v: String) -> Self {
                $name(v)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

string_id!(
    /// A job post's `oId` (职务 OId): a numeric string such as `"20017"`.
    /// Kept as text (the vendor's schema example sends `"string"`), with
    /// [`as_number`](JobPostOId::as_number) for the usual case.
    ///
    /// ```
    /// let id = beisen_client::JobPostOId::from("20017");
    /// assert_eq!(id.as_number(), Some(20017));
    /// ```
    JobPostOId
);

impl JobPostOId {
    /// The id as a number, when it is one.
    pub fn as_number(&self) -> Option<u64> {
        self.0.trim().parse().ok()
    }
}

string_id!(
    /// A position's `oId` (职位 OId): a GUID such as
    /// `"6f0c2f7e-4d1a-4c55-9a0e-3b3f1f2d9a10"`.
    ///
    /// ```
    /// let id = beisen_client::PositionOId::from("6f0c2f7e-4d1a-4c55-9a0e-3b3f1f2d9a10");
    /// assert!(id.is_guid());
    /// ```
    PositionOId
);

impl PositionOId {
    /// Whether the id has the 8-4-4-4-12 hex shape of a GUID.
    pub fn is_guid(&self) -> bool {
        let parts: Vec<&str> = self.0.split('-').collect();
        parts.len() == 5
            && parts
                .iter()
                .zip([8, 4, 4, 4, 12])
                .all(|(p, n)| p.len() == n && p.chars().all(|c| c.is_ascii_hexdigit()))
    }
}
