//! Typed identifiers.
//!
//! ISDP+ sends the same id as a number in one response and as a string in
//! another (`positionId` is `"5000829"` inside getPersonList's
//! `positionInfo` and `5000829` in findPagedPosition; `docId` is always a
//! numeric string). Each id type reads both and writes a number, which is
//! what every request of the reference declares (`Long`). Their impls come
//! from hr-common's [`numeric_id!`](hr_common::numeric_id), shared with the
//! other vendor crates.

use std::fmt;

use serde::Serializer;

/// A person's `personId`.
///
/// ```
/// use isdp_client::PersonId;
/// let id: PersonId = serde_json::from_str(r#""5001610""#)?;
/// assert_eq!(id, PersonId(5001610));
/// assert_eq!(serde_json::to_string(&id)?, "5001610");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PersonId(pub i64);
hr_common::numeric_id!(PersonId);

/// An organisation's `orgId` (also `adminOrgId`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct OrgId(pub i64);
hr_common::numeric_id!(OrgId);

/// A role's `roleId`: a string in getPersonList, a number in findPagedRoleList.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RoleId(pub i64);
hr_common::numeric_id!(RoleId);

/// A position's `positionId`: a string in getPersonList, a number in findPagedPosition.
///
/// ```
/// use isdp_client::PositionId;
/// let a: PositionId = serde_json::from_str(r#""5000829""#)?;
/// let b: PositionId = serde_json::from_str("5000829")?;
/// assert_eq!(a, b);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PositionId(pub i64);
hr_common::numeric_id!(PositionId);

/// An export or import task's `taskId`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TaskId(pub i64);
hr_common::numeric_id!(TaskId);

/// A file id: the `docId` of a finished export, the `fileId` of serveFile.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileId(pub i64);
hr_common::numeric_id!(FileId);

/// A user id (`userId`, `createdBy`, `lastUpdatedBy`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UserId(pub i64);
hr_common::numeric_id!(UserId);

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
