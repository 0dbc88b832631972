//! [`UserOutcome`]: what happened to one user of a push.

use crate::{UserKey, Violations};

/// What happened to one user.
///
/// ```
/// use travel_sync_types::Outcome;
///
/// let outcome = Outcome::Rejected { description: "职级未维护,同步失败".into() };
/// assert!(!outcome.is_synced());
/// assert_eq!(outcome.description().as_deref(), Some("职级未维护,同步失败"));
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Outcome {
    /// The platform took the user: listed with status 1, or not listed in
    /// a processed batch.
    Synced,
    /// The platform listed the user as failed, with its reason.
    Rejected {
        /// The platform's `description`.
        description: String,
    },
    /// Not sent: the user failed [validation](crate::UserInfo::validate).
    Invalid {
        /// Every violation found (errors, and warnings too).
        violations: Violations,
    },
    /// The user's batch got no processed answer: a transport failure that
    /// retries did not cure, or a refused batch (`resCode` not 10000).
    /// Re-sending is safe: the sync is an upsert.
    NotSynced {
        /// Why.
        error: hr_common::Error,
    },
}

impl Outcome {
    /// Whether the user was synced.
    ///
    /// ```
    /// assert!(travel_sync_types::Outcome::Synced.is_synced());
    /// ```
    pub fn is_synced(&self) -> bool {
        matches!(self, Outcome::Synced)
    }

    /// Why the user was not synced, in words; `None` for [`Outcome::Synced`].
    ///
    /// ```
    /// use travel_sync_types::Outcome;
    /// let err = hr_common::Error::api("travel", "10004", "sessionId无效或已过期");
    /// let text = Outcome::NotSynced { error: err }.description().unwrap();
    /// assert!(text.contains("10004"), "{text}");
    /// ```
    pub fn description(&self) -> Option<String> {
        match self {
            Outcome::Synced => None,
            Outcome::Rejected { description } => Some(description.clone()),
            Outcome::Invalid { violations } => Some(violations.to_string()),
            Outcome::NotSynced { error } => Some(error.to_string()),
        }
    }
}

/// The outcome of one user, by its position in the input.
///
/// ```
/// use travel_sync_types::{SyncResponse, UserInfo, UserKey, UserSyncResult};
///
/// let sent = [UserInfo::new("E1", "王伟", "13812345678", false)];
/// let resp = SyncResponse::processed(vec![UserSyncResult::success(UserKey::from("E1")).bind_id("b-1")]);
/// let o = &resp.outcomes(&sent)[0];
/// assert_eq!((o.index, o.key.clone(), o.bind_id.as_deref()), (0, Some(UserKey::from("E1")), Some("b-1")));
/// assert!(o.outcome.is_synced());
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct UserOutcome {
    /// Position of the user in the input.
    pub index: usize,
    /// The user's key, when it has one.
    pub key: Option<UserKey>,
    /// The travel platform's key for the user, when it sent one (`bindId`
    /// comes with listed users only, and most platforms list failures
    /// only).
    pub bind_id: Option<String>,
    /// What happened.
    pub outcome: Outcome,
}
