//! The sending side: [`TravelSyncClient`] pushes users to a travel
//! platform's sync endpoint (feature `client`).
//!
//! [`push`](TravelSyncClient::push) (or
//! [`push_stream`](TravelSyncClient::push_stream) for a `Stream`) validates
//! every user, splits the valid ones into batches (100 by default), sends
//! the batches with bounded concurrency through hr-common's transport
//! (timeouts, retries with backoff on transient failures), and returns a
//! [`PushReport`] with every user's [`Outcome`] and the `bindId`s the
//! platform sent back.
//!
//! - **Authentication** is in the body (`account` and `sessionId`), not a
//!   header. The session id is fixed ([`Credentials::session`]) or fetched
//!   from `getSessionId` and renewed before its `timeLimit`
//!   ([`Credentials::fetched`]); a fetched session the platform rejects is
//!   renewed and the batch sent once more.
//! - **Retries.** The sync is an upsert by `userNo`, so a batch is sent as
//!   idempotent: a batch that may have reached the platform is safe to send
//!   again after a timeout or a 5xx.
//! - **Invalid users** are reported as [`Outcome::Invalid`] and not sent,
//!   unless [`send_invalid_users`](TravelSyncClientBuilder::send_invalid_users)
//!   says otherwise.
//! - **Cards** are withheld unless
//!   [`opt_in_card_info`](TravelSyncClientBuilder::opt_in_card_info) says
//!   otherwise: the spec says they should in principle not be sent.
//! - **Calls.** Both calls are [`hr_common::endpoint::Endpoint`]s sent
//!   through [`hr_common::endpoint::send`]; [`SyncUsers`] is the public
//!   request with `send`/`send_with` for one batch.
//!
//! ```no_run
//! use travel_sync_types::client::{Credentials, TravelSyncClient};
//! use travel_sync_types::UserInfo;
//!
//! # async fn run() -> travel_sync_types::Result<()> {
//! let client = TravelSyncClient::builder()
//!     .base_url("https://tmc.example.com/userSyn")
//!     .credentials(Credentials::session("acme", "session-id"))
//!     .build()?;
//! let report = client
//!     .push(vec![UserInfo::new("E1001", "王伟", "13812345678", false).level("P3")])
//!     .await;
//! for rejected in report.rejected() {
//!     println!("{:?}: {:?}", rejected.key, rejected.outcome.description());
//! }
//! # Ok(()) }
//! ```

use std::borrow::Cow;
use std::fmt;
use std::future::ready;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use futures::{Stream, StreamExt};
use hr_common::endpoint::{self as ep, ApiClient};
use hr_common::transport::{CallOptions, Transport, TransportStats};
use hr_common::{AccessToken, Error, ExposeSecret, Result, TokenCache};

use crate::{Outcome, SessionId, SyncResponse, UserInfo, UserOutcome};

mod builder;
mod credentials;
mod endpoint;
mod report;

pub use builder::TravelSyncClientBuilder;
pub use credentials::{Credentials, SessionCredentials};
pub use endpoint::SyncUsers;
pub use report::PushReport;

use endpoint::{SyncCall, is_session_refusal};

/// Default number of users per batch.
///
/// ```
/// assert_eq!(travel_sync_types::client::DEFAULT_BATCH_SIZE, 100);
/// ```
pub const DEFAULT_BATCH_SIZE: usize = 100;

/// Default number of batches in flight at once.
///
/// ```
/// assert_eq!(travel_sync_types::client::DEFAULT_CONCURRENCY, 4);
/// ```
pub const DEFAULT_CONCURRENCY: usize = 4;

enum Session {
    Fixed(SessionId),
    Fetched(TokenCache),
}

struct Inner {
    transport: Transport,
    sync_url: String,
    account: String,
    session: Session,
    user_no: Option<String>,
    batch_size: usize,
    concurrency: usize,
    send_invalid: bool,
    send_cards: bool,
}

/// Pushes users to a travel platform's sync endpoint. Cheap to clone.
///
/// ```
/// use travel_sync_types::client::{Credentials, TravelSyncClient};
/// use travel_sync_types::UserInfo;
///
/// # #[tokio::main]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let sandbox = hr_sandbox::Sandbox::start(Default::default()).await?;
/// # let travel = &sandbox.config().travel;
/// # let (url, account, session) = (sandbox.travel_sync_url(), travel.account.as_str(), travel.session_id.as_str());
/// // Against the sandbox here; for real:
/// // let (url, account, session) = ("https://tmc.example.com/userSyn", "acme", "session-id");
/// let client = TravelSyncClient::builder()
///     .base_url(url)
///     .credentials(Credentials::session(account, session))
///     .batch_size(50)
///     .build()?;
/// let users = vec![
///     UserInfo::new("E1", "王伟", "13812345678", false).level("ES"),
///     UserInfo::new("E2", "李娜", "13912345678", false).level("X9"), // a level the platform lacks
/// ];
/// let report = client.push(users).await;
/// assert!(report.is_delivered()); // every batch answered
/// assert_eq!(report.rejected().count(), 1); // E2: 职级未维护,同步失败
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct TravelSyncClient {
    inner: Arc<Inner>,
}

impl fmt::Debug for TravelSyncClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TravelSyncClient")
            .field("sync_url", &self.inner.sync_url)
            .field("account", &self.inner.account)
            .field("batch_size", &self.inner.batch_size)
            .field("concurrency", &self.inner.concurrency)
            .finish_non_exhaustive()
    }
}

impl ApiClient for TravelSyncClient {
    fn transport(&self) -> &Transport {
        &self.inner.transport
    }
}

/// What a push has learnt so far: the outcomes by input position (`None`
/// while the user's batch is out) and the counts.
#[derive(Default)]
struct Tally {
    outcomes: Vec<Option<UserOutcome>>,
    sent: usize,
    batches: usize,
    failed_batches: usize,
    cards_withheld: usize,
}

/// One batch of a push: the users' positions in the input, the users, and
/// what sending them gave.
struct BatchResult {
    indices: Vec<usize>,
    users: Vec<UserInfo>,
    /// Whether a request was made (batches after a refusal are not sent).
    attempted: bool,
    result: Result<SyncResponse>,
}

impl Tally {
    /// Records a finished batch; its users are dropped with it.
    fn record(&mut self, batch: BatchResult) {
        let BatchResult {
            indices,
            users,
            attempted,
            result,
        } = batch;
        self.batches += 1;
        // A batch that certainly never reached the platform (refused
        // connection) was not sent.
        if attempted && !result.as_ref().is_err_and(Error::is_unsent) {
            self.sent += users.len();
        }
        let batch_outcomes = match result {
            Ok(response) => response.outcomes(&users),
            Err(error) => {
                self.failed_batches += 1;
                users
                    .iter()
                    .enumerate()
                    .map(|(i, user)| UserOutcome {
                        index: i,
                        key: user.key(),
                        bind_id: None,
                        outcome: Outcome::NotSynced {
                            error: error.clone(),
                        },
                    })
                    .collect()
            }
        };
        for (mut outcome, index) in batch_outcomes.into_iter().zip(indices) {
            outcome.index = index;
            self.outcomes[index] = Some(outcome);
        }
    }

    fn into_report(self) -> PushReport {
        if self.cards_withheld > 0 {
            tracing::info!(
                users = self.cards_withheld,
                "cardInfo withheld (not opted in: the spec says cards should in principle not be sent)"
            );
        }
        PushReport {
            outcomes: self.outcomes.into_iter().flatten().collect(),
            sent: self.sent,
            batches: self.batches,
            failed_batches: self.failed_batches,
            cards_withheld: self.cards_withheld,
        }
    }
}

/// Locks a mutex no holder can leave inconsistent (each critical section
/// is a few assignments), so a poisoned one is used as is.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl TravelSyncClient {
    /// Starts a builder. [`base_url`](TravelSyncClientBuilder::base_url)
    /// (the full URL of the sync endpoint, e.g.
    /// `https://tmc.example.com/userSyn`) and
    /// [`credentials`](TravelSyncClientBuilder::credentials) are required,
    /// or [`from_env`](TravelSyncClientBuilder::from_env).
    ///
    /// ```
    /// use travel_sync_types::client::{Credentials, TravelSyncClient};
    /// let client = TravelSyncClient::builder()
    ///     .base_url("https://tmc.example.com/userSyn")
    ///     .credentials(Credentials::session("acme", "s"))
    ///     .build()?;
    /// # let _ = client; Ok::<_, travel_sync_types::Error>(())
    /// ```
    pub fn builder() -> TravelSyncClientBuilder {
        TravelSyncClientBuilder::new()
    }

    /// A client from `TRAVEL_SYNC_URL`, `TRAVEL_ACCOUNT` and
    /// `TRAVEL_SESSION_ID` with the defaults otherwise:
    /// `builder().from_env()?.build()`. An unset variable is an error that
    /// names it.
    ///
    /// ```no_run
    /// let client = travel_sync_types::client::TravelSyncClient::from_env()?;
    /// # let _ = client; Ok::<_, travel_sync_types::Error>(())
    /// ```
    pub fn from_env() -> Result<TravelSyncClient> {
        Self::builder().from_env()?.build()
    }

    /// The transport of the sync calls.
    ///
    /// ```
    /// use travel_sync_types::client::{Credentials, TravelSyncClient};
    /// let client = TravelSyncClient::builder()
    ///     .base_url("https://x.example/userSyn")
    ///     .credentials(Credentials::session("acme", "s"))
    ///     .build()?;
    /// assert_eq!(client.transport().base_url().as_str(), "https://x.example/userSyn");
    /// # Ok::<_, travel_sync_types::Error>(())
    /// ```
    pub fn transport(&self) -> &Transport {
        &self.inner.transport
    }

    /// The counters of the sync calls (calls, attempts, retries, 429s,
    /// failures); session fetches are not counted.
    ///
    /// ```
    /// use travel_sync_types::client::{Credentials, TravelSyncClient};
    /// let client = TravelSyncClient::builder()
    ///     .base_url("https://x.example/userSyn")
    ///     .credentials(Credentials::session("acme", "s"))
    ///     .build()?;
    /// assert_eq!(client.stats().calls, 0);
    /// # Ok::<_, travel_sync_types::Error>(())
    /// ```
    pub fn stats(&self) -> TransportStats {
        self.inner.transport.stats()
    }

    /// Sends one batch as given: [`SyncUsers::new(users).send(self)`](SyncUsers::send).
    /// No validation and no splitting (cards are still withheld unless the
    /// client opted in). Returns the platform's answer when it processed
    /// the batch (`resCode` 10000), per-user failures included; an error
    /// otherwise, with the platform's code and message: an
    /// [auth error](Error::is_auth) for a refused account (10002) or
    /// session (10004), an API error for other codes.
    ///
    /// ```no_run
    /// # use travel_sync_types::{client::TravelSyncClient, UserInfo};
    /// # async fn run(client: TravelSyncClient) -> travel_sync_types::Result<()> {
    /// let users = [UserInfo::new("E1", "王伟", "13812345678", false)];
    /// let response = client.send(&users).await?;
    /// let outcomes = response.outcomes(&users);
    /// # let _ = outcomes; Ok(()) }
    /// ```
    pub async fn send(&self, users: &[UserInfo]) -> Result<SyncResponse> {
        SyncUsers::new(users).send(self).await
    }

    fn withhold_cards<'a>(&self, users: &'a [UserInfo]) -> Cow<'a, [UserInfo]> {
        if self.inner.send_cards || users.iter().all(|u| u.card_info.is_empty()) {
            return Cow::Borrowed(users);
        }
        Cow::Owned(
            users
                .iter()
                .cloned()
                .map(|mut u| {
                    u.card_info.clear();
                    u
                })
                .collect(),
        )
    }

    async fn session(&self) -> Result<(SessionId, Option<AccessToken>)> {
        match &self.inner.session {
            Session::Fixed(id) => Ok((id.clone(), None)),
            Session::Fetched(cache) => {
                let token = cache.token().await?;
                Ok((SessionId::new(token.secret.expose_secret()), Some(token)))
            }
        }
    }

    async fn send_batch(&self, users: &[UserInfo], options: &CallOptions) -> Result<SyncResponse> {
        let inner = &*self.inner;
        let mut renewed = false;
        loop {
            let (session_id, token) = self.session().await?;
            let call = SyncCall::new(
                &inner.sync_url,
                &inner.account,
                session_id.expose(),
                inner.user_no.as_deref(),
                users,
            );
            match ep::send(self, &call, options).await {
                Err(error)
                    if !renewed
                        && is_session_refusal(&error)
                        && let (Session::Fetched(cache), Some(token)) =
                            (&inner.session, &token) =>
                {
                    tracing::debug!("session rejected; fetching a new one and sending once more");
                    cache.invalidate(token);
                    renewed = true;
                }
                result => return result,
            }
        }
    }

    /// Validates, batches and sends `users`, and reports every user's
    /// outcome, in input order: [`push_stream`](Self::push_stream) over
    /// the iterator, which is read as batches go out, not collected first.
    ///
    /// - Cards are removed first unless the client
    ///   [opted in](TravelSyncClientBuilder::opt_in_card_info), so a card
    ///   that is withheld is not validated and cannot make its user invalid.
    /// - Users failing [validation](UserInfo::validate) are
    ///   [`Outcome::Invalid`] and not sent (unless the client sends invalid
    ///   users).
    /// - Batches go out [`concurrency`](TravelSyncClientBuilder::concurrency)
    ///   at a time; transient failures are retried by the transport.
    /// - A processed batch gives each of its users [`Outcome::Synced`] or
    ///   [`Outcome::Rejected`]; a batch without a processed answer gives
    ///   them [`Outcome::NotSynced`] with the error.
    /// - After the platform refuses the account or session, the batches not
    ///   yet sent are not sent (every one would be refused) and are
    ///   reported with the same error.
    ///
    /// ```no_run
    /// # use travel_sync_types::{client::TravelSyncClient, UserInfo, Outcome};
    /// # async fn run(client: TravelSyncClient, users: Vec<UserInfo>) {
    /// let report = client.push(users).await;
    /// println!("{} of {} synced", report.succeeded(), report.outcomes().len());
    /// if let Some(error) = report.first_error() {
    ///     eprintln!("some batches failed: {error}");
    /// }
    /// # }
    /// ```
    pub async fn push(&self, users: impl IntoIterator<Item = UserInfo>) -> PushReport {
        self.push_stream(futures::stream::iter(users)).await
    }

    /// [`push`](Self::push) for a `Stream` of users (a paging read of the
    /// HR system, a channel): the same validation, batching, concurrency
    /// and report, with backpressure.
    ///
    /// **Backpressure.** The stream is read only while fewer than
    /// [`concurrency`](TravelSyncClientBuilder::concurrency) batches are in
    /// flight, and a batch is held until it is full or the stream ends. So
    /// while a batch is being filled at most `concurrency - 1` others are
    /// out, and the users held at any time (the batch being filled and the
    /// batches in flight) never exceed `concurrency × batch_size`. A
    /// finished batch's users are dropped once its outcomes are recorded;
    /// what grows with the input is the report (one outcome per user).
    ///
    /// The returned future is `Send` when the stream is.
    ///
    /// ```
    /// use futures::StreamExt;
    /// use travel_sync_types::client::{Credentials, TravelSyncClient};
    /// use travel_sync_types::UserInfo;
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let sandbox = hr_sandbox::Sandbox::start(Default::default()).await?;
    /// # let travel = &sandbox.config().travel;
    /// let client = TravelSyncClient::builder()
    ///     .base_url(sandbox.travel_sync_url())
    ///     .credentials(Credentials::session(travel.account.clone(), travel.session_id.clone()))
    ///     .batch_size(50)
    ///     .concurrency(2)
    ///     .build()?;
    /// // Users as they come, e.g. from a paging read: never more than
    /// // 2 × 50 of them held at once.
    /// let users = futures::stream::iter(0..500)
    ///     .map(|i| UserInfo::new(format!("E{i}"), "王伟", "13812345678", false).level("ES"));
    /// let report = client.push_stream(users).await;
    /// assert_eq!((report.succeeded(), report.batches()), (500, 10));
    /// # Ok(()) }
    /// ```
    pub async fn push_stream(&self, users: impl Stream<Item = UserInfo>) -> PushReport {
        let inner = &*self.inner;
        let tally_cell = Mutex::new(Tally::default());
        let tally = &tally_cell;
        // Set by the first refusal of the account or session, which every
        // later batch would meet too.
        let refused: Mutex<Option<Error>> = Mutex::new(None);
        let refused = &refused;

        users
            .enumerate()
            .filter_map(|(index, user)| ready(self.admit(index, user, &mut lock(tally))))
            .chunks(inner.batch_size)
            .map(|batch| async move {
                let (indices, users): (Vec<usize>, Vec<UserInfo>) = batch.into_iter().unzip();
                let earlier = lock(refused).clone();
                if let Some(error) = earlier {
                    return BatchResult {
                        indices,
                        users,
                        attempted: false,
                        result: Err(error),
                    };
                }
                let result = self.send_batch(&users, &CallOptions::new()).await;
                if let Err(error) = &result
                    && error.is_auth()
                {
                    lock(refused).get_or_insert_with(|| error.clone());
                }
                BatchResult {
                    indices,
                    users,
                    attempted: true,
                    result,
                }
            })
            .buffer_unordered(inner.concurrency)
            .for_each(|batch| {
                lock(tally).record(batch);
                ready(())
            })
            .await;

        tally_cell
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner)
            .into_report()
    }

    /// Prepares the user at `index` of the input: withholds its cards,
    /// validates it, and either queues it (`Some`) or records it as
    /// invalid.
    fn admit(
        &self,
        index: usize,
        mut user: UserInfo,
        tally: &mut Tally,
    ) -> Option<(usize, UserInfo)> {
        let inner = &*self.inner;
        // Cards that will not be sent are not validated either: a user
        // must not stay unsent because of a card nobody would see.
        if !inner.send_cards && !user.card_info.is_empty() {
            user.card_info.clear();
            tally.cards_withheld += 1;
        }
        let violations = user.validate();
        if !violations.is_valid() && !inner.send_invalid {
            tally.outcomes.push(Some(UserOutcome {
                index,
                key: user.key(),
                bind_id: None,
                outcome: Outcome::Invalid { violations },
            }));
            return None;
        }
        tally.outcomes.push(None);
        Some((index, user))
    }
}
