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
    /// The documented rate limits, per tenant and route, by endpoint group
    /// (default [`BeisenRateLimits::DOCUMENTED`]: time windows 100/s and
    /// 3,000/min, recruiting 20/s and 1,000/min, DataSource 30/s and
    /// 1,000/min, every other route 50/s and 1,500/min).
    pub rate_limits: BeisenRateLimits,
    /// When non-zero, the calls a second allowed on **every** route,
    /// instead of its group's [`rate_limits`](Self::rate_limits) (default
    /// 0: each group's own). The binary's `--rate-per-second` sets it.
    pub rate_per_second: u32,
    /// When non-zero, the calls a minute allowed on every route, instead
    /// of its group's (default 0: each group's own). The binary's
    /// `--rate-per-minute` sets it.
    pub rate_per_minute: u32,
    /// Revoke every token after this many API calls (`None`: never).
    pub revoke_tokens_after: Option<u64>,
    /// How truthful `isLastData` of the v5 scrolls is (default
    /// [`IsLastData::Exact`]: true on the last batch, as seed 003
    /// documents it and its do-while sample relies on; `Early` and `Never`
    /// are the adversarial options).
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
    /// after it), as seed 003 documents ("是否为最后一批数据"): the vendor's
    /// do-while sample, which stops on it, gets every record. The default.
    #[default]
    Exact,
    /// Adversarial: true one page too early, on the page *before* the last
    /// page with records (and from then on), so a client that stops on it
    /// loses a page.
    Early,
    /// Adversarial: always false, even on the empty end page.
    Never,
}

/// A pair of rate limits: calls allowed in any 1-second span and in any
/// 60-second span (0: no limit).
///
/// ```
/// let limit = hr_sandbox::beisen::RateLimit::new(100, 3000);
/// assert_eq!((limit.per_second, limit.per_minute), (100, 3000));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RateLimit {
    /// Calls allowed in any 1-second span (0: no limit).
    pub per_second: u32,
    /// Calls allowed in any 60-second span (0: no limit).
    pub per_minute: u32,
}

impl RateLimit {
    /// `per_second` and `per_minute` calls.
    pub const fn new(per_second: u32, per_minute: u32) -> Self {
        RateLimit {
            per_second,
            per_minute,
        }
    }

    /// No limit at all.
    pub const NONE: RateLimit = RateLimit::new(0, 0);
}

/// Beisen's rate limits by endpoint group. The vendor counts calls per
/// tenant and per endpoint ("本租户对于本接口的调用次数"), so each route has
/// its own windows at its group's limits.
///
/// ```
/// use hr_sandbox::beisen::{BeisenRateLimits, RateLimit};
/// let limits = BeisenRateLimits::DOCUMENTED;
/// let window = limits.for_path("/TenantBaseExternal/api/v5/Employee/GetByTimeWindow");
/// assert_eq!(window, RateLimit::new(100, 3000));
/// assert_eq!(limits.for_path("/RecruitV6/api/v1/Apply/GetApplyListByModifiedTime"), RateLimit::new(20, 1000));
/// assert_eq!(limits.for_path("/TenantBaseExternal/api/v5/Employee/GetBasicInfoByIds"), RateLimit::new(50, 1500));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BeisenRateLimits {
    /// Every `…ByTimeWindow` route (`Employee/GetByTimeWindow`,
    /// `Employee/GetListByTimeWindow`, `Organization/GetByTimeWindow`, …):
    /// 100/s and 3,000/min, as seed 003 documents for
    /// `Employee/GetByTimeWindow` ("接口限制:100次/秒/企业 3000次/分钟/企业"),
    /// and as the client applies to all of them.
    pub time_window: RateLimit,
    /// `/RecruitV6/…`: 20/s and 1,000/min, the recruiting API's limit (the
    /// project's notes on Beisen; the client's `RECRUITING_LIMITS`).
    pub recruiting: RateLimit,
    /// `/dataservice/api/DataSource/…`: 30/s and 1,000/min (the notes on
    /// `GetDataSource`).
    pub data_source: RateLimit,
    /// Every other route: 50/s and 1,500/min, Beisen's typical limit (the
    /// client's `DEFAULT_LIMITS`).
    pub other: RateLimit,
}

impl BeisenRateLimits {
    /// The limits the vendor and the project's notes document.
    pub const DOCUMENTED: BeisenRateLimits = BeisenRateLimits {
        time_window: RateLimit::new(100, 3000),
        recruiting: RateLimit::new(20, 1000),
        data_source: RateLimit::new(30, 1000),
        other: RateLimit::new(50, 1500),
    };

    /// No limit on any route.
    pub const NONE: BeisenRateLimits = BeisenRateLimits {
        time_window: RateLimit::NONE,
        recruiting: RateLimit::NONE,
        data_source: RateLimit::NONE,
        other: RateLimit::NONE,
    };

    /// The limits of the group `path` belongs to.
    pub fn for_path(&self, path: &str) -> RateLimit {
        if path.starts_with("/RecruitV6/") {
            self.recruiting
        } else if path.starts_with("/dataservice/api/DataSource/") {
            self.data_source
        } else if path.ends_with("ByTimeWindow") {
            self.time_window
        } else {
            self.other
        }
    }
}

impl Default for BeisenRateLimits {
    fn default() -> Self {
        BeisenRateLimits::DOCUMENTED
    }
}

impl BeisenConfig {
    /// The limits in effect on `path`: its group's
    /// [`rate_limits`](Self::rate_limits), each replaced by
    /// [`rate_per_second`](Self::rate_per_second) or
    /// [`rate_per_minute`](Self::rate_per_minute) when that is non-zero.
    ///
    /// ```
    /// use hr_sandbox::BeisenConfig;
    /// use hr_sandbox::beisen::RateLimit;
    /// let mut config = BeisenConfig::default();
    /// let path = "/TenantBaseExternal/api/v5/Employee/GetByTimeWindow";
    /// assert_eq!(config.rate_limit_for(path), RateLimit::new(100, 3000));
    /// config.rate_per_minute = 5;
    /// assert_eq!(config.rate_limit_for(path), RateLimit::new(100, 5));
    /// ```
    pub fn rate_limit_for(&self, path: &str) -> RateLimit {
        let group = self.rate_limits.for_path(path);
        let pick = |over: u32, own: u32| if over > 0 { over } else { own };
        RateLimit::new(
            pick(self.rate_per_second, group.per_second),
            pick(self.rate_per_minute, group.per_minute),
        )
    }
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
            rate_limits: BeisenRateLimits::DOCUMENTED,
            rate_per_second: 0,
            rate_per_minute: 0,
            revoke_tokens_after: None,
            is_last_data: IsLastData::Exact,
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
    /// Also take the fixed `client_id` = `client_secret` =
    /// [`isdp-saas-openapi`](crate::isdp::LEGACY_CLIENT) of older tenants'
    /// documents on the token route (default true: real clients of those
    /// tenants send it).
    pub accept_legacy_client: bool,
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
            accept_legacy_client: true,
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
