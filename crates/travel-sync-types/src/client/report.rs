//! [`PushReport`], what a push did.

use hr_common::Error;

use crate::{Outcome, UserKey, UserOutcome};

/// What a [`TravelSyncClient::push`](super::TravelSyncClient::push) did: every user's outcome, in input
/// order, and counts.
///
/// ```
/// # use travel_sync_types::client::{Credentials, PushReport, TravelSyncClient};
/// # #[allow(unused_imports)]
/// # use travel_sync_types::{UserInfo, UserKey};
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// # let sandbox = hr_sandbox::Sandbox::start(hr_sandbox::SandboxConfig::default()).await.unwrap();
/// # let travel = &sandbox.config().travel;
/// # let client = TravelSyncClient::builder()
/// #     .base_url(sandbox.travel_sync_url())
/// #     .credentials(Credentials::session(travel.account.clone(), travel.session_id.clone()))
/// #     .build()
/// #     .unwrap();
/// # // E1 syncs, the platform rejects E2's unknown level X9, E3's mobile is
/// # // invalid, and E4's card is withheld.
/// # let report = &client
/// #     .push(vec![
/// #         UserInfo::new("E1", "王伟", "13812345678", false).level("P3"),
/// #         UserInfo::new("E2", "李娜", "13812345679", false).level("X9"),
/// #         UserInfo::new("E3", "张敏", "12345678901", false),
/// #         UserInfo::new("E4", "刘洋", "13812345670", false)
/// #             .opt_in_card_info([travel_sync_types::CardInfo::resident_id("11010519491231002X")]),
/// #     ])
/// #     .await;
/// fn summary(report: &PushReport) -> String {
///     format!(
///         "{} sent, {} synced, {} rejected, {} invalid, {} not synced",
///         report.sent(),
///         report.succeeded(),
///         report.rejected().count(),
///         report.invalid().count(),
///         report.not_synced().count(),
///     )
/// }
/// assert_eq!(summary(report), "3 sent, 2 synced, 1 rejected, 1 invalid, 0 not synced");
/// # }
/// ```
#[derive(Debug, Clone)]
#[must_use = "a push reports failures in its report, not as an error"]
pub struct PushReport {
    pub(super) outcomes: Vec<UserOutcome>,
    pub(super) sent: usize,
    pub(super) batches: usize,
    pub(super) failed_batches: usize,
    pub(super) cards_withheld: usize,
}

impl PushReport {
    /// Every user's outcome, in input order.
    ///
    /// ```
    /// # use travel_sync_types::client::{Credentials, TravelSyncClient};
    /// # #[allow(unused_imports)]
    /// # use travel_sync_types::{UserInfo, UserKey};
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// # let sandbox = hr_sandbox::Sandbox::start(hr_sandbox::SandboxConfig::default()).await.unwrap();
    /// # let travel = &sandbox.config().travel;
    /// # let client = TravelSyncClient::builder()
    /// #     .base_url(sandbox.travel_sync_url())
    /// #     .credentials(Credentials::session(travel.account.clone(), travel.session_id.clone()))
    /// #     .build()
    /// #     .unwrap();
    /// # // E1 syncs, the platform rejects E2's unknown level X9, E3's mobile is
    /// # // invalid, and E4's card is withheld.
    /// # let report = &client
    /// #     .push(vec![
    /// #         UserInfo::new("E1", "王伟", "13812345678", false).level("P3"),
    /// #         UserInfo::new("E2", "李娜", "13812345679", false).level("X9"),
    /// #         UserInfo::new("E3", "张敏", "12345678901", false),
    /// #         UserInfo::new("E4", "刘洋", "13812345670", false)
    /// #             .opt_in_card_info([travel_sync_types::CardInfo::resident_id("11010519491231002X")]),
    /// #     ])
    /// #     .await;
    /// for o in report.outcomes() {
    ///     println!("{}: {:?}", o.index, o.outcome.description());
    /// }
    /// let synced: Vec<usize> = report.outcomes().iter().filter(|o| o.outcome.is_synced()).map(|o| o.index).collect();
    /// assert_eq!(synced, [0, 3]);
    /// # }
    /// ```
    pub fn outcomes(&self) -> &[UserOutcome] {
        &self.outcomes
    }

    /// The outcomes, owned.
    ///
    /// ```
    /// # use travel_sync_types::client::{Credentials, TravelSyncClient};
    /// # #[allow(unused_imports)]
    /// # use travel_sync_types::{UserInfo, UserKey};
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// # let sandbox = hr_sandbox::Sandbox::start(hr_sandbox::SandboxConfig::default()).await.unwrap();
    /// # let travel = &sandbox.config().travel;
    /// # let client = TravelSyncClient::builder()
    /// #     .base_url(sandbox.travel_sync_url())
    /// #     .credentials(Credentials::session(travel.account.clone(), travel.session_id.clone()))
    /// #     .build()
    /// #     .unwrap();
    /// # // E1 syncs, the platform rejects E2's unknown level X9, E3's mobile is
    /// # // invalid, and E4's card is withheld.
    /// # let report = &client
    /// #     .push(vec![
    /// #         UserInfo::new("E1", "王伟", "13812345678", false).level("P3"),
    /// #         UserInfo::new("E2", "李娜", "13812345679", false).level("X9"),
    /// #         UserInfo::new("E3", "张敏", "12345678901", false),
    /// #         UserInfo::new("E4", "刘洋", "13812345670", false)
    /// #             .opt_in_card_info([travel_sync_types::CardInfo::resident_id("11010519491231002X")]),
    /// #     ])
    /// #     .await;
    /// let outcomes = report.clone().into_outcomes();
    /// assert_eq!(outcomes.len(), report.outcomes().len());
    /// assert_eq!(outcomes.len(), 4);
    /// # }
    /// ```
    pub fn into_outcomes(self) -> Vec<UserOutcome> {
        self.outcomes
    }

    /// Users sent to the platform: invalid users, batches skipped after a
    /// refusal and batches that certainly never reached it (a refused
    /// connection) are not counted.
    ///
    /// ```
    /// # use travel_sync_types::client::{Credentials, TravelSyncClient};
    /// # #[allow(unused_imports)]
    /// # use travel_sync_types::{UserInfo, UserKey};
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// # let sandbox = hr_sandbox::Sandbox::start(hr_sandbox::SandboxConfig::default()).await.unwrap();
    /// # let travel = &sandbox.config().travel;
    /// # let client = TravelSyncClient::builder()
    /// #     .base_url(sandbox.travel_sync_url())
    /// #     .credentials(Credentials::session(travel.account.clone(), travel.session_id.clone()))
    /// #     .build()
    /// #     .unwrap();
    /// # // E1 syncs, the platform rejects E2's unknown level X9, E3's mobile is
    /// # // invalid, and E4's card is withheld.
    /// # let report = &client
    /// #     .push(vec![
    /// #         UserInfo::new("E1", "王伟", "13812345678", false).level("P3"),
    /// #         UserInfo::new("E2", "李娜", "13812345679", false).level("X9"),
    /// #         UserInfo::new("E3", "张敏", "12345678901", false),
    /// #         UserInfo::new("E4", "刘洋", "13812345670", false)
    /// #             .opt_in_card_info([travel_sync_types::CardInfo::resident_id("11010519491231002X")]),
    /// #     ])
    /// #     .await;
    /// assert_eq!(report.sent(), 3); // E3 was invalid
    /// # }
    /// ```
    pub fn sent(&self) -> usize {
        self.sent
    }

    /// Users synced.
    ///
    /// ```
    /// # use travel_sync_types::client::{Credentials, TravelSyncClient};
    /// # #[allow(unused_imports)]
    /// # use travel_sync_types::{UserInfo, UserKey};
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// # let sandbox = hr_sandbox::Sandbox::start(hr_sandbox::SandboxConfig::default()).await.unwrap();
    /// # let travel = &sandbox.config().travel;
    /// # let client = TravelSyncClient::builder()
    /// #     .base_url(sandbox.travel_sync_url())
    /// #     .credentials(Credentials::session(travel.account.clone(), travel.session_id.clone()))
    /// #     .build()
    /// #     .unwrap();
    /// # // E1 syncs, the platform rejects E2's unknown level X9, E3's mobile is
    /// # // invalid, and E4's card is withheld.
    /// # let report = &client
    /// #     .push(vec![
    /// #         UserInfo::new("E1", "王伟", "13812345678", false).level("P3"),
    /// #         UserInfo::new("E2", "李娜", "13812345679", false).level("X9"),
    /// #         UserInfo::new("E3", "张敏", "12345678901", false),
    /// #         UserInfo::new("E4", "刘洋", "13812345670", false)
    /// #             .opt_in_card_info([travel_sync_types::CardInfo::resident_id("11010519491231002X")]),
    /// #     ])
    /// #     .await;
    /// assert_eq!(report.succeeded(), 2);
    /// # }
    /// ```
    pub fn succeeded(&self) -> usize {
        self.outcomes
            .iter()
            .filter(|o| o.outcome.is_synced())
            .count()
    }

    /// Users the platform listed as failed.
    ///
    /// ```
    /// # use travel_sync_types::client::{Credentials, TravelSyncClient};
    /// # #[allow(unused_imports)]
    /// # use travel_sync_types::{UserInfo, UserKey};
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// # let sandbox = hr_sandbox::Sandbox::start(hr_sandbox::SandboxConfig::default()).await.unwrap();
    /// # let travel = &sandbox.config().travel;
    /// # let client = TravelSyncClient::builder()
    /// #     .base_url(sandbox.travel_sync_url())
    /// #     .credentials(Credentials::session(travel.account.clone(), travel.session_id.clone()))
    /// #     .build()
    /// #     .unwrap();
    /// # // E1 syncs, the platform rejects E2's unknown level X9, E3's mobile is
    /// # // invalid, and E4's card is withheld.
    /// # let report = &client
    /// #     .push(vec![
    /// #         UserInfo::new("E1", "王伟", "13812345678", false).level("P3"),
    /// #         UserInfo::new("E2", "李娜", "13812345679", false).level("X9"),
    /// #         UserInfo::new("E3", "张敏", "12345678901", false),
    /// #         UserInfo::new("E4", "刘洋", "13812345670", false)
    /// #             .opt_in_card_info([travel_sync_types::CardInfo::resident_id("11010519491231002X")]),
    /// #     ])
    /// #     .await;
    /// for o in report.rejected() {
    ///     eprintln!("{:?} rejected: {:?}", o.key, o.outcome.description());
    /// }
    /// let rejected: Vec<_> = report.rejected().map(|o| o.key.clone()).collect();
    /// assert_eq!(rejected, [Some(UserKey::from("E2"))]);
    /// # }
    /// ```
    pub fn rejected(&self) -> impl Iterator<Item = &UserOutcome> {
        self.outcomes
            .iter()
            .filter(|o| matches!(o.outcome, Outcome::Rejected { .. }))
    }

    /// Users not sent because they failed validation.
    ///
    /// ```
    /// # use travel_sync_types::client::{Credentials, TravelSyncClient};
    /// # #[allow(unused_imports)]
    /// # use travel_sync_types::{UserInfo, UserKey};
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// # let sandbox = hr_sandbox::Sandbox::start(hr_sandbox::SandboxConfig::default()).await.unwrap();
    /// # let travel = &sandbox.config().travel;
    /// # let client = TravelSyncClient::builder()
    /// #     .base_url(sandbox.travel_sync_url())
    /// #     .credentials(Credentials::session(travel.account.clone(), travel.session_id.clone()))
    /// #     .build()
    /// #     .unwrap();
    /// # // E1 syncs, the platform rejects E2's unknown level X9, E3's mobile is
    /// # // invalid, and E4's card is withheld.
    /// # let report = &client
    /// #     .push(vec![
    /// #         UserInfo::new("E1", "王伟", "13812345678", false).level("P3"),
    /// #         UserInfo::new("E2", "李娜", "13812345679", false).level("X9"),
    /// #         UserInfo::new("E3", "张敏", "12345678901", false),
    /// #         UserInfo::new("E4", "刘洋", "13812345670", false)
    /// #             .opt_in_card_info([travel_sync_types::CardInfo::resident_id("11010519491231002X")]),
    /// #     ])
    /// #     .await;
    /// for o in report.invalid() {
    ///     eprintln!("{:?} not sent: {:?}", o.key, o.outcome.description());
    /// }
    /// let invalid: Vec<_> = report.invalid().map(|o| o.key.clone()).collect();
    /// assert_eq!(invalid, [Some(UserKey::from("E3"))]);
    /// # }
    /// ```
    pub fn invalid(&self) -> impl Iterator<Item = &UserOutcome> {
        self.outcomes
            .iter()
            .filter(|o| matches!(o.outcome, Outcome::Invalid { .. }))
    }

    /// Users whose batch got no processed answer.
    ///
    /// ```
    /// # use travel_sync_types::client::{Credentials, TravelSyncClient};
    /// # #[allow(unused_imports)]
    /// # use travel_sync_types::{UserInfo, UserKey};
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// # let sandbox = hr_sandbox::Sandbox::start(hr_sandbox::SandboxConfig::default()).await.unwrap();
    /// # let travel = &sandbox.config().travel;
    /// # let client = TravelSyncClient::builder()
    /// #     .base_url(sandbox.travel_sync_url())
    /// #     .credentials(Credentials::session(travel.account.clone(), travel.session_id.clone()))
    /// #     .build()
    /// #     .unwrap();
    /// # // E1 syncs, the platform rejects E2's unknown level X9, E3's mobile is
    /// # // invalid, and E4's card is withheld.
    /// # let report = &client
    /// #     .push(vec![
    /// #         UserInfo::new("E1", "王伟", "13812345678", false).level("P3"),
    /// #         UserInfo::new("E2", "李娜", "13812345679", false).level("X9"),
    /// #         UserInfo::new("E3", "张敏", "12345678901", false),
    /// #         UserInfo::new("E4", "刘洋", "13812345670", false)
    /// #             .opt_in_card_info([travel_sync_types::CardInfo::resident_id("11010519491231002X")]),
    /// #     ])
    /// #     .await;
    /// let retry: Vec<usize> = report.not_synced().map(|o| o.index).collect();
    /// assert!(retry.is_empty(), "the batch was answered");
    /// # }
    /// ```
    pub fn not_synced(&self) -> impl Iterator<Item = &UserOutcome> {
        self.outcomes
            .iter()
            .filter(|o| matches!(o.outcome, Outcome::NotSynced { .. }))
    }

    /// Whether every batch got a processed answer: the push itself
    /// worked, even if some users were rejected or invalid.
    ///
    /// ```
    /// # use travel_sync_types::client::{Credentials, TravelSyncClient};
    /// # #[allow(unused_imports)]
    /// # use travel_sync_types::{UserInfo, UserKey};
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// # let sandbox = hr_sandbox::Sandbox::start(hr_sandbox::SandboxConfig::default()).await.unwrap();
    /// # let travel = &sandbox.config().travel;
    /// # let client = TravelSyncClient::builder()
    /// #     .base_url(sandbox.travel_sync_url())
    /// #     .credentials(Credentials::session(travel.account.clone(), travel.session_id.clone()))
    /// #     .build()
    /// #     .unwrap();
    /// # // E1 syncs, the platform rejects E2's unknown level X9, E3's mobile is
    /// # // invalid, and E4's card is withheld.
    /// # let report = &client
    /// #     .push(vec![
    /// #         UserInfo::new("E1", "王伟", "13812345678", false).level("P3"),
    /// #         UserInfo::new("E2", "李娜", "13812345679", false).level("X9"),
    /// #         UserInfo::new("E3", "张敏", "12345678901", false),
    /// #         UserInfo::new("E4", "刘洋", "13812345670", false)
    /// #             .opt_in_card_info([travel_sync_types::CardInfo::resident_id("11010519491231002X")]),
    /// #     ])
    /// #     .await;
    /// if !report.is_delivered() {
    ///     std::process::exit(1);
    /// }
    /// assert!(report.is_delivered());
    /// # }
    /// ```
    pub fn is_delivered(&self) -> bool {
        self.failed_batches == 0
    }

    /// The error of the first user whose batch failed, if any.
    ///
    /// ```
    /// # use travel_sync_types::client::{Credentials, TravelSyncClient};
    /// # #[allow(unused_imports)]
    /// # use travel_sync_types::{UserInfo, UserKey};
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// # let sandbox = hr_sandbox::Sandbox::start(hr_sandbox::SandboxConfig::default()).await.unwrap();
    /// # let travel = &sandbox.config().travel;
    /// # let client = TravelSyncClient::builder()
    /// #     .base_url(sandbox.travel_sync_url())
    /// #     .credentials(Credentials::session(travel.account.clone(), travel.session_id.clone()))
    /// #     .build()
    /// #     .unwrap();
    /// # // E1 syncs, the platform rejects E2's unknown level X9, E3's mobile is
    /// # // invalid, and E4's card is withheld.
    /// # let report = &client
    /// #     .push(vec![
    /// #         UserInfo::new("E1", "王伟", "13812345678", false).level("P3"),
    /// #         UserInfo::new("E2", "李娜", "13812345679", false).level("X9"),
    /// #         UserInfo::new("E3", "张敏", "12345678901", false),
    /// #         UserInfo::new("E4", "刘洋", "13812345670", false)
    /// #             .opt_in_card_info([travel_sync_types::CardInfo::resident_id("11010519491231002X")]),
    /// #     ])
    /// #     .await;
    /// if let Some(error) = report.first_error() {
    ///     eprintln!("push incomplete: {error}");
    /// }
    /// assert!(report.first_error().is_none());
    /// # }
    /// ```
    pub fn first_error(&self) -> Option<&Error> {
        self.outcomes.iter().find_map(|o| match &o.outcome {
            Outcome::NotSynced { error } => Some(error),
            _ => None,
        })
    }

    /// The `bindId`s the platform sent back, by user key.
    ///
    /// ```
    /// # use travel_sync_types::client::{Credentials, TravelSyncClient};
    /// # #[allow(unused_imports)]
    /// # use travel_sync_types::{UserInfo, UserKey};
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// # let sandbox = hr_sandbox::Sandbox::start(hr_sandbox::SandboxConfig::default()).await.unwrap();
    /// # let travel = &sandbox.config().travel;
    /// # let client = TravelSyncClient::builder()
    /// #     .base_url(sandbox.travel_sync_url())
    /// #     .credentials(Credentials::session(travel.account.clone(), travel.session_id.clone()))
    /// #     .build()
    /// #     .unwrap();
    /// # // E1 syncs, the platform rejects E2's unknown level X9, E3's mobile is
    /// # // invalid, and E4's card is withheld.
    /// # let report = &client
    /// #     .push(vec![
    /// #         UserInfo::new("E1", "王伟", "13812345678", false).level("P3"),
    /// #         UserInfo::new("E2", "李娜", "13812345679", false).level("X9"),
    /// #         UserInfo::new("E3", "张敏", "12345678901", false),
    /// #         UserInfo::new("E4", "刘洋", "13812345670", false)
    /// #             .opt_in_card_info([travel_sync_types::CardInfo::resident_id("11010519491231002X")]),
    /// #     ])
    /// #     .await;
    /// let bind_ids: std::collections::HashMap<_, _> = report.bind_ids().collect();
    /// assert!(bind_ids.keys().all(|k| report.outcomes().iter().any(|o| o.key.as_ref() == Some(*k))));
    /// # }
    /// ```
    pub fn bind_ids(&self) -> impl Iterator<Item = (&UserKey, &str)> {
        self.outcomes
            .iter()
            .filter_map(|o| Some((o.key.as_ref()?, o.bind_id.as_deref()?)))
    }

    /// Batches formed.
    ///
    /// ```
    /// # use travel_sync_types::client::{Credentials, TravelSyncClient};
    /// # #[allow(unused_imports)]
    /// # use travel_sync_types::{UserInfo, UserKey};
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// # let sandbox = hr_sandbox::Sandbox::start(hr_sandbox::SandboxConfig::default()).await.unwrap();
    /// # let travel = &sandbox.config().travel;
    /// # let client = TravelSyncClient::builder()
    /// #     .base_url(sandbox.travel_sync_url())
    /// #     .credentials(Credentials::session(travel.account.clone(), travel.session_id.clone()))
    /// #     .build()
    /// #     .unwrap();
    /// # // E1 syncs, the platform rejects E2's unknown level X9, E3's mobile is
    /// # // invalid, and E4's card is withheld.
    /// # let report = &client
    /// #     .push(vec![
    /// #         UserInfo::new("E1", "王伟", "13812345678", false).level("P3"),
    /// #         UserInfo::new("E2", "李娜", "13812345679", false).level("X9"),
    /// #         UserInfo::new("E3", "张敏", "12345678901", false),
    /// #         UserInfo::new("E4", "刘洋", "13812345670", false)
    /// #             .opt_in_card_info([travel_sync_types::CardInfo::resident_id("11010519491231002X")]),
    /// #     ])
    /// #     .await;
    /// assert!(report.failed_batches() <= report.batches());
    /// assert_eq!(report.batches(), 1);
    /// # }
    /// ```
    pub fn batches(&self) -> usize {
        self.batches
    }

    /// Batches without a processed answer.
    ///
    /// ```
    /// # use travel_sync_types::client::{Credentials, TravelSyncClient};
    /// # #[allow(unused_imports)]
    /// # use travel_sync_types::{UserInfo, UserKey};
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// # let sandbox = hr_sandbox::Sandbox::start(hr_sandbox::SandboxConfig::default()).await.unwrap();
    /// # let travel = &sandbox.config().travel;
    /// # let client = TravelSyncClient::builder()
    /// #     .base_url(sandbox.travel_sync_url())
    /// #     .credentials(Credentials::session(travel.account.clone(), travel.session_id.clone()))
    /// #     .build()
    /// #     .unwrap();
    /// # // E1 syncs, the platform rejects E2's unknown level X9, E3's mobile is
    /// # // invalid, and E4's card is withheld.
    /// # let report = &client
    /// #     .push(vec![
    /// #         UserInfo::new("E1", "王伟", "13812345678", false).level("P3"),
    /// #         UserInfo::new("E2", "李娜", "13812345679", false).level("X9"),
    /// #         UserInfo::new("E3", "张敏", "12345678901", false),
    /// #         UserInfo::new("E4", "刘洋", "13812345670", false)
    /// #             .opt_in_card_info([travel_sync_types::CardInfo::resident_id("11010519491231002X")]),
    /// #     ])
    /// #     .await;
    /// assert_eq!(report.failed_batches() == 0, report.is_delivered());
    /// assert_eq!(report.failed_batches(), 0);
    /// # }
    /// ```
    pub fn failed_batches(&self) -> usize {
        self.failed_batches
    }

    /// Users whose `cardInfo` was withheld (removed before validation)
    /// because the client did not opt in to sending cards, whether or not
    /// they were then sent.
    ///
    /// ```
    /// # use travel_sync_types::client::{Credentials, TravelSyncClient};
    /// # #[allow(unused_imports)]
    /// # use travel_sync_types::{UserInfo, UserKey};
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// # let sandbox = hr_sandbox::Sandbox::start(hr_sandbox::SandboxConfig::default()).await.unwrap();
    /// # let travel = &sandbox.config().travel;
    /// # let client = TravelSyncClient::builder()
    /// #     .base_url(sandbox.travel_sync_url())
    /// #     .credentials(Credentials::session(travel.account.clone(), travel.session_id.clone()))
    /// #     .build()
    /// #     .unwrap();
    /// # // E1 syncs, the platform rejects E2's unknown level X9, E3's mobile is
    /// # // invalid, and E4's card is withheld.
    /// # let report = &client
    /// #     .push(vec![
    /// #         UserInfo::new("E1", "王伟", "13812345678", false).level("P3"),
    /// #         UserInfo::new("E2", "李娜", "13812345679", false).level("X9"),
    /// #         UserInfo::new("E3", "张敏", "12345678901", false),
    /// #         UserInfo::new("E4", "刘洋", "13812345670", false)
    /// #             .opt_in_card_info([travel_sync_types::CardInfo::resident_id("11010519491231002X")]),
    /// #     ])
    /// #     .await;
    /// if report.cards_withheld() > 0 {
    ///     eprintln!("cardInfo withheld for {} users", report.cards_withheld());
    /// }
    /// assert_eq!(report.cards_withheld(), 1);
    /// # }
    /// ```
    pub fn cards_withheld(&self) -> usize {
        self.cards_withheld
    }
}
