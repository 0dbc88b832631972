//! Everything a sandbox can be told: data, credentials, limits, faults.

use std::collections::HashMap;
use std::time::Duration;

use crate::data::DataConfig;

/// The whole sandbox configuration. `Default` gives a small, fault-free
/// sandbox with the documented vendor limits.
///
/// ```
/// use std::time::Duration;
/// use hr_sandbox::{FaultSpec, SandboxConfig};
///
/// let mut config = SandboxConfig::default();
/// config.data.employees = 20_000;
/// config.beisen.scroll_idle = Duration::from_secs(2);
/// config.faults.beisen.default = FaultSpec { error_500: 0.05, throttle_429: 0.02, ..FaultSpec::default() };
/// ```
#[derive(Debug, Clone, Default)]
pub struct SandboxConfig {
    /// The simulated workforce.
    pub data: DataConfig,
    /// Beisen iTalent.
    pub beisen: BeisenConfig,
    /// Huawei ISDP+.
    pub isdp: IsdpConfig,
    /// Travel employee-sync endpoint.
    pub travel: TravelConfig,
    /// Fault injection per vendor and route.
    pub faults: FaultConfig,
    /// Fixed ports (0 or `None`: a random free port).
    pub ports: Ports,
}

/// Ports to bind on 127.0.0.1.
#[derive(Debug, Clone, Copy, Default)]
pub struct Ports {
    /// Beisen simulator port.
    pub beisen: Option<u16>,
    /// ISDP+ simulator port.
    pub isdp: Option<u16>,
    /// Travel sync simulator port.
    pub travel: Option<u16>,
}

/// Beisen simulator settings.
#[derive(Debug, Clone)]
pub struct BeisenConfig {
    /// `app_key` accepted by `POST /token`.
    pub app_key: String,
    /// `app_secret` accepted by `POST /token`.
    pub app_secret: String,
    /// `app_id` accepted by `POST /OAuth/Token`.
    pub app_id: String,
    /// `secret` accepted by `POST /OAuth/Token`.
    pub secret: String,
    /// Lifetime of issued tokens (default 7200 s).
    pub token_ttl: Duration,
    /// A scroll id dies after this long without a call (default 10 s).
    pub scroll_idle: Duration,
    /// Requests per second per tenant before 429 (default 50).
    pub rate_per_second: u32,
    /// Requests per minute per tenant before 429 (default 1500).
    pub rate_per_minute: u32,
    /// Revoke every token after this many API calls (`None`: never).
    pub revoke_tokens_after: Option<u64>,
    /// How truthful `isLastData` of the v5 scrolls is (default
    /// [`IsLastData::Early`]: adversarial on purpose, as the field is
    /// deprecated and clients must stop on empty `data` instead).
    pub is_last_data: IsLastData,
    /// Open v5 scrolls kept at once (default 500); opening one more evicts
    /// the least recently used, whose id then answers like an expired one.
    pub max_live_scrolls: usize,
    /// The shape of `expires_in` from `POST /OAuth/Token` (default
    /// [`OAuthExpiresIn::EpochString`], as in the vendor's demo).
    pub oauth_expires_in: OAuthExpiresIn,
    /// Write the `417` for windows over 90 days with a full-width comma
    /// (`只支持查询90天范围内的数据，请分段查询`, as quoted in the issue
    /// tracker) instead of the ASCII one of the vendor's page (default
    /// false).
    pub window_message_fullwidth_comma: bool,
}

/// What `isLastData` of a v5 time-window page says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum IsLastData {
    /// True exactly on the last page with records (and on the empty pages
    /// after it).
    Exact,
    /// True one page too early: on the page *before* the last page with
    /// records (and from then on), so a client that stops on it loses a
    /// page. The default, since the vendor deprecated the field.
    #[default]
    Early,
    /// Always false, even on the empty end page.
    Never,
}

/// What `expires_in` of `POST /OAuth/Token` is; the vendor's reference and
/// its demo disagree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OAuthExpiresIn {
    /// The Unix time of expiry as a string (`"1735700000"`), as in the
    /// vendor's demo. The default.
    #[default]
    EpochString,
    /// The lifetime in seconds as a JSON integer (`7200`), as the
    /// reference table ("long, seconds") describes it.
    Seconds,
}

impl Default for BeisenConfig {
    fn default() -> Self {
        BeisenConfig {
            app_key: "sandbox-app-key".into(),
            app_secret: "sandbox-app-secret".into(),
            app_id: "sandbox-app-id".into(),
            secret: "sandbox-secret".into(),
            token_ttl: Duration::from_secs(7200),
            scroll_idle: Duration::from_secs(10),
            rate_per_second: 50,
            rate_per_minute: 1500,
            revoke_tokens_after: None,
            is_last_data: IsLastData::Early,
            max_live_scrolls: 500,
            oauth_expires_in: OAuthExpiresIn::EpochString,
            window_message_fullwidth_comma: false,
        }
    }
}

/// ISDP+ simulator settings.
#[derive(Debug, Clone)]
pub struct IsdpConfig {
    /// `client_id` (and `client_secret`, which ISDP sets to the same value).
    pub client_id: String,
    /// `client_secret`.
    pub client_secret: String,
    /// `username`: the application id.
    pub username: String,
    /// `password`: the application token.
    pub password: String,
    /// Lifetime of issued tokens (default 359 s, the shortest seen).
    pub token_ttl: Duration,
    /// Revoke every token after this many API calls (`None`: never).
    pub revoke_tokens_after: Option<u64>,
    /// Polls an export task needs per status step (0 → 1 → 2), default 1.
    pub export_polls_per_step: u32,
    /// Send the token's `expires_in` as a string (`"359"`, as the vendor's
    /// reference types it; the default) or, when `false`, as a number
    /// (`359`, as its examples show it).
    pub expires_in_as_string: bool,
    /// Export tasks kept (default 100); creating one more drops the oldest,
    /// whose poll then lists nothing and whose file is unknown.
    pub export_tasks_kept: usize,
}

impl Default for IsdpConfig {
    fn default() -> Self {
        IsdpConfig {
            client_id: "sandbox-client".into(),
            client_secret: "sandbox-client".into(),
            username: "sandbox-app".into(),
            password: "sandbox-app-token".into(),
            token_ttl: Duration::from_secs(359),
            revoke_tokens_after: None,
            export_polls_per_step: 1,
            expires_in_as_string: true,
            export_tasks_kept: 100,
        }
    }
}

/// Travel sync endpoint settings.
#[derive(Debug, Clone)]
pub struct TravelConfig {
    /// The `account` the endpoint accepts.
    pub account: String,
    /// The `secret` `getSessionId` accepts.
    pub secret: String,
    /// The MD5 sign key shared with the caller (never sent).
    pub sign_key: String,
    /// A session id that is always valid, besides the ones `getSessionId` issues.
    pub session_id: String,
    /// Largest batch accepted (default 100).
    pub batch_limit: usize,
    /// Level codes the platform knows; others fail with "职级未维护,同步失败".
    /// Default: the dataset's levels but `X9`, plus `ES`, the level of the
    /// vendor's own sync example.
    pub known_levels: Vec<String>,
    /// Lifetime of issued session ids (default 2 h).
    pub session_ttl: Duration,
    /// Largest request body accepted, in bytes (default 8 MiB: a full
    /// batch of 100 users with cards and extras is far below). A larger
    /// `/userSyn` body is refused whole with `resCode` 10005.
    pub max_body_bytes: usize,
}

impl Default for TravelConfig {
    fn default() -> Self {
        TravelConfig {
            account: "sandbox-account".into(),
            secret: "sandbox-travel-secret".into(),
            sign_key: "sandbox-sign-key".into(),
            session_id: "sandbox-session".into(),
            batch_limit: 100,
            known_levels: crate::data::JOB_LEVELS[..crate::data::JOB_LEVELS.len() - 1]
                .iter()
                .chain(&["ES"])
                .map(|s| (*s).to_owned())
                .collect(),
            session_ttl: Duration::from_secs(7200),
            max_body_bytes: 8 * 1024 * 1024,
        }
    }
}

/// Faults to inject, per vendor.
#[derive(Debug, Clone, Default)]
pub struct FaultConfig {
    /// Seed of the fault dice, so a failing run can be replayed.
    pub seed: u64,
    /// Beisen routes.
    pub beisen: RouteFaults,
    /// ISDP+ routes.
    pub isdp: RouteFaults,
    /// Travel sync routes.
    pub travel: RouteFaults,
}

/// Faults for one vendor: a default and per-path overrides.
///
/// The default applies to API routes only; token endpoints and the
/// `/_sandbox` inspection routes get faults only from an explicit override.
#[derive(Debug, Clone, Default)]
pub struct RouteFaults {
    /// Applies to every API route without an override.
    pub default: FaultSpec,
    /// Overrides by exact path, e.g. `/TenantBaseExternal/api/v5/Employee/GetByTimeWindow`.
    pub routes: HashMap<String, FaultSpec>,
}

/// What can go wrong on one route. Probabilities are per request and are
/// tried in order: reset, 500, 429.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FaultSpec {
    /// Probability of HTTP 500.
    pub error_500: f64,
    /// Probability of HTTP 429 with `Retry-After`.
    pub throttle_429: f64,
    /// `Retry-After` seconds sent with an injected 429.
    pub retry_after_secs: u64,
    /// Probability that the connection is reset without a response.
    pub reset: f64,
    /// Added latency on every request.
    pub latency: Duration,
    /// Extra random latency, uniform in `0..jitter`.
    pub jitter: Duration,
}

impl Default for FaultSpec {
    fn default() -> Self {
        FaultSpec {
            error_500: 0.0,
            throttle_429: 0.0,
            retry_after_secs: 1,
            reset: 0.0,
            latency: Duration::ZERO,
            jitter: Duration::ZERO,
        }
    }
}

impl FaultSpec {
    /// Whether this spec never does anything.
    pub fn is_inert(&self) -> bool {
        self.error_500 <= 0.0
            && self.throttle_429 <= 0.0
            && self.reset <= 0.0
            && self.latency.is_zero()
            && self.jitter.is_zero()
    }
}
