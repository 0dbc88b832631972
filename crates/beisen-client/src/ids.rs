//! Typed identifiers, so a department id can't be passed where a user id
//! is wanted.
//!
//! Beisen sends numeric ids as JSON numbers in most places and as strings
//! in some (`GetUserIDByEmail` answers `"100000007"`), so the numeric ids
//! read either and write numbers. Their impls come from hr-common's
//! [`numeric_id!`](hr_common::numeric_id) and
//! [`string_id!`](hr_common::string_id), shared with the other vendor crates.

/// A person's `userID` (员工 UserID).
///
/// ```
/// let id: beisen_client::UserId = serde_json::from_str(r#""100000007""#)?;
/// assert_eq!(id.get(), 100000007);
/// assert_eq!(serde_json::to_string(&id)?, "100000007");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UserId(pub i64);
hr_common::numeric_id!(UserId);

/// An organisation unit's `oId` (组织 OId); the root is `900` followed
/// by the tenant id.
///
/// ```
/// let id: beisen_client::OrgOId = serde_json::from_str("900100001")?;
/// assert_eq!(id.to_string(), "900100001");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct OrgOId(pub i64);
hr_common::numeric_id!(OrgOId);

/// A job post's `oId` (职务 OId): a numeric string such as `"20017"`.
/// Kept as text (the vendor's schema example sends `"string"`), with
/// [`as_number`](JobPostOId::as_number) for the usual case.
///
/// ```
/// let id = beisen_client::JobPostOId::from("20017");
/// assert_eq!(id.as_number(), Some(20017));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct JobPostOId(pub String);
hr_common::string_id!(JobPostOId);

impl JobPostOId {
    /// The id as a number, when it is one.
    pub fn as_number(&self) -> Option<u64> {
        self.0.trim().parse().ok()
    }
}

/// A position's `oId` (职位 OId): a GUID such as
/// `"6f0c2f7e-4d1a-4c55-9a0e-3b3f1f2d9a10"`.
///
/// ```
/// let id = beisen_client::PositionOId::from("6f0c2f7e-4d1a-4c55-9a0e-3b3f1f2d9a10");
/// assert!(id.is_guid());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PositionOId(pub String);
hr_common::string_id!(PositionOId);

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
