//! [`Credentials`]: the company account and where the session id comes from.

use std::fmt;

use hr_common::SecretString;

use crate::SessionId;

/// Who pushes, and how the sync call gets its session id: the company
/// `account` (sent in every batch) with either a fixed session id or the
/// `getSessionId` credentials to fetch one. `Debug` shows neither the
/// session id nor a secret.
///
/// The sync authenticates in the body (`account` and `sessionId`), not with
/// a header, so both kinds end in the same body; they differ in where the
/// session id comes from and whether it is renewed.
///
/// ```
/// use travel_sync_types::client::{Credentials, SessionCredentials};
///
/// let fixed = Credentials::session("acme", "session-id");
/// let fetched = Credentials::fetched(
///     "acme",
///     SessionCredentials::new("https://tmc.example.com/getSessionId", "s3cret", "k3y"),
/// );
/// assert_eq!(fixed.account(), "acme");
/// assert_eq!(fetched.account(), "acme");
/// assert!(!format!("{fixed:?} {fetched:?}").contains("session-id"));
/// assert!(!format!("{fetched:?}").contains("s3cret"));
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Credentials {
    /// A fixed session id, sent with every batch and never renewed: the
    /// platform's refusal of it (`resCode` 10004) ends the push.
    Session {
        /// `account`: the company account.
        account: String,
        /// `sessionId`.
        session_id: SessionId,
    },
    /// Session ids fetched from `getSessionId`, renewed before their
    /// `timeLimit` and shared by concurrent batches; a session the platform
    /// rejects is renewed and the batch sent once more.
    Fetched {
        /// `account`: the company account, also sent to `getSessionId`.
        account: String,
        /// Where and how to fetch session ids.
        credentials: SessionCredentials,
    },
}

impl Credentials {
    /// `account` with a fixed session id.
    ///
    /// ```
    /// let creds = travel_sync_types::client::Credentials::session("acme", "session-id");
    /// assert_eq!(creds.account(), "acme");
    /// ```
    pub fn session(account: impl Into<String>, session_id: impl Into<SessionId>) -> Self {
        Credentials::Session {
            account: account.into(),
            session_id: session_id.into(),
        }
    }

    /// `account` with session ids fetched from `getSessionId`.
    ///
    /// ```
    /// use travel_sync_types::client::{Credentials, SessionCredentials};
    /// let creds = Credentials::fetched(
    ///     "acme",
    ///     SessionCredentials::new("https://tmc.example.com/getSessionId", "secret", "sign-key"),
    /// );
    /// assert_eq!(creds.account(), "acme");
    /// ```
    pub fn fetched(account: impl Into<String>, credentials: SessionCredentials) -> Self {
        Credentials::Fetched {
            account: account.into(),
            credentials,
        }
    }

    /// The company account.
    ///
    /// ```
    /// assert_eq!(travel_sync_types::client::Credentials::session("acme", "s").account(), "acme");
    /// ```
    pub fn account(&self) -> &str {
        match self {
            Credentials::Session { account, .. } | Credentials::Fetched { account, .. } => account,
        }
    }
}

/// How to obtain session ids from `getSessionId`: its URL, the account's
/// secret and the sign key. `Debug` shows neither secret.
///
/// ```
/// use travel_sync_types::client::SessionCredentials;
///
/// let creds = SessionCredentials::new("https://tmc.example.com/getSessionId", "s3cret", "k3y")
///     .platform("yunjian");
/// assert!(!format!("{creds:?}").contains("s3cret"));
/// ```
#[derive(Clone)]
pub struct SessionCredentials {
    pub(super) url: String,
    pub(super) secret: SecretString,
    pub(super) sign_key: SecretString,
    pub(super) platform: Option<String>,
    pub(super) source: Option<String>,
    pub(super) user_no: Option<String>,
}

impl fmt::Debug for SessionCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SessionCredentials")
            .field("url", &self.url)
            .field("platform", &self.platform)
            .field("source", &self.source)
            .finish_non_exhaustive()
    }
}

impl SessionCredentials {
    /// Credentials for the `getSessionId` endpoint at `url` (a full URL).
    ///
    /// ```
    /// let creds = travel_sync_types::client::SessionCredentials::new("https://tmc.example.com/getSessionId", "s", "k");
    /// # let _ = creds;
    /// ```
    pub fn new(
        url: impl Into<String>,
        secret: impl Into<String>,
        sign_key: impl Into<String>,
    ) -> Self {
        SessionCredentials {
            url: url.into(),
            secret: SecretString::from(secret.into()),
            sign_key: SecretString::from(sign_key.into()),
            platform: None,
            source: None,
            user_no: None,
        }
    }

    /// Sends `platform` (the older name of `source`).
    ///
    /// ```
    /// let creds = travel_sync_types::client::SessionCredentials::new("https://x/getSessionId", "s", "k").platform("yunjian");
    /// # let _ = creds;
    /// ```
    pub fn platform(mut self, platform: impl Into<String>) -> Self {
        self.platform = Some(platform.into());
        self
    }

    /// Sends `source`.
    ///
    /// ```
    /// let creds = travel_sync_types::client::SessionCredentials::new("https://x/getSessionId", "s", "k").source("yunjian");
    /// # let _ = creds;
    /// ```
    pub fn source(mut self, source: impl Into<String>) -> Self {
        self.source = Some(source.into());
        self
    }

    /// Sends `userNo`, the user the session acts for.
    ///
    /// ```
    /// let creds = travel_sync_types::client::SessionCredentials::new("https://x/getSessionId", "s", "k").user_no("admin");
    /// # let _ = creds;
    /// ```
    pub fn user_no(mut self, no: impl Into<String>) -> Self {
        self.user_no = Some(no.into());
        self
    }

    /// The `getSessionId` URL.
    ///
    /// ```
    /// let creds = travel_sync_types::client::SessionCredentials::new("https://x/getSessionId", "s", "k");
    /// assert_eq!(creds.url(), "https://x/getSessionId");
    /// ```
    pub fn url(&self) -> &str {
        &self.url
    }
}
