//! Typed identifiers.
//!
//! ISDP+ sends the same id as a number in one response and as a string in
//! another (`positionId` is `"5000829"` inside getPersonList's
//! `positionInfo` and `5000829` in findPagedPosition; `docId` is always a
//! numeric string). Each id type reads both and writes a number, which is
//! what every request of the reference declares (`Long`).

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_with::DeserializeAs;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(pub i64);

        impl $name {
            /// The id as a number.
            pub const fn get(self) -> i64 {
                self.0
            }
        }

        impl From<i64> for $name {
            fn from(id: i64) -> Self {
                $name(id)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({})", stringify!($name), self.0)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(&self.0, f)
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_i64(self.0)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                <hr_common::lenient::NumberFromString as DeserializeAs<'de, i64>>::deserialize_as(d).map($name)
            }
        }
    };
}

id_type!(
    /// A person's `personId`.
    ///
    /// ```
    /// use isdp_client::PersonId;
    /// let id: PersonId = serde_json::from_str(r#""5001610""#)?;
    /// assert_eq!(id, PersonId(5001610));
    /// assert_eq!(serde_json::to_string(&id)?, "5001610");
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    PersonId
);
id_type!(
    /// An organisation's `orgId` (also `adminOrgId`).
    OrgId
);
id_type!(
    /// A role's `roleId`: a string in getPersonList, a number in findPagedRoleList.
    RoleId
);
id_type!(
    /// A position's `positionId`: a string in getPersonList, a number in findPagedPosition.
    ///
    /// ```
    /// use isdp_client::PositionId;
    /// let a: PositionId = serde_json::from_str(r#""5000829""#)?;
    /// let b: PositionId = serde_json::from_str("5000829")?;
    /// assert_eq!(a, b);
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    PositionId
);
id_type!(
    /// An export or import task's `taskId`.
    TaskId
);
id_type!(
    /// A file id: the `docId` of a finished export, the `fileId` of serveFile.
    FileId
);
id_type!(
    /// A user id (`userId`, `createdBy`, `lastUpdatedBy`).
    UserId
);

/// Writes an id as a string (`"5000829"`), for the places where the vendor
/// sends it as one (`roleInfo[].roleId`, `positionInfo[].positionId`), so
/// that a record written back has the vendor's own shape.
pub(crate) fn option_as_string<S: Serializer, T: fmt::Display>(
    v: &Option<T>,
    s: S,
) -> Result<S::Ok, S::Error> {
    match v {
        Some(id) => s.collect_str(id),
        None => s.serialize_none(),
    }
}
