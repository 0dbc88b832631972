//! `hr-sandbox`: run the Beisen, ISDP+ and travel-sync simulators as a
//! process, for integration tests in any language.
//!
//! ```sh
//! cargo run -p hr-sandbox -- --help
//! cargo run -p hr-sandbox --release -- --employees 1000000 --beisen-port 7001
//! ```

use std::time::Duration;

use chrono::NaiveDate;
use clap::Parser;
use hr_sandbox::travel::SESSION_PATH;
use hr_sandbox::{
    Clock, DataConfig, FaultSpec, IsLastData, OAuthExpiresIn, Ports, Sandbox, SandboxConfig, Skew,
};

/// Offline simulators of the Beisen iTalent, Huawei ISDP+ and travel
/// employee-sync APIs, on 127.0.0.1.
#[derive(Debug, Parser)]
#[command(name = "hr-sandbox", version)]
struct Args {
    /// Port of the Beisen simulator (default: a random free port).
    #[arg(long)]
    beisen_port: Option<u16>,
    /// Port of the ISDP+ simulator (default: a random free port).
    #[arg(long)]
    isdp_port: Option<u16>,
    /// Port of the travel sync simulator (default: a random free port).
    #[arg(long)]
    travel_port: Option<u16>,

    /// Number of employees, 10 to 1000000.
    #[arg(long, default_value_t = 1_000)]
    employees: usize,
    /// Seed of the generated data.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// First day of the modification-time span (YYYY-MM-DD); default: the
    /// span ends today (China Standard Time), starting --span-days before.
    #[arg(long)]
    span_start: Option<NaiveDate>,
    /// Length of the modification-time span in days.
    #[arg(long, default_value_t = 365)]
    span_days: u32,
    /// Share of records modified on the skew day (0.0 to 1.0), like a nightly job.
    #[arg(long)]
    skew_fraction: Option<f64>,
    /// The skew day (YYYY-MM-DD); default: the middle of the span.
    #[arg(long)]
    skew_day: Option<NaiveDate>,

    /// Added latency on every API request, in milliseconds.
    #[arg(long, default_value_t = 0)]
    latency_ms: u64,
    /// Extra random latency, uniform up to this many milliseconds.
    #[arg(long, default_value_t = 0)]
    jitter_ms: u64,
    /// Probability of an injected HTTP 500 on API routes.
    #[arg(long, default_value_t = 0.0)]
    error_rate: f64,
    /// Probability of an injected HTTP 429 with Retry-After on API routes.
    #[arg(long, default_value_t = 0.0)]
    throttle_rate: f64,
    /// Probability of a connection reset without a response on API routes.
    #[arg(long, default_value_t = 0.0)]
    reset_rate: f64,
    /// Seed of the fault dice.
    #[arg(long, default_value_t = 0)]
    fault_seed: u64,

    /// Beisen calls a second allowed on every route before 429, overriding
    /// the documented per-group limits (by default each route gets its
    /// group's: time windows 100, recruiting 20, DataSource 30, others 50);
    /// 0: no per-second limit on any route.
    #[arg(long, alias = "beisen-rate-per-second", value_name = "N")]
    rate_per_second: Option<u32>,
    /// Beisen calls a minute allowed on every route before 429, overriding
    /// the documented per-group limits (by default time windows 3000,
    /// recruiting 1000, DataSource 1000, others 1500); 0: no per-minute
    /// limit on any route.
    #[arg(long, alias = "beisen-rate-per-minute", value_name = "N")]
    rate_per_minute: Option<u32>,
    /// Seconds a Beisen scroll id survives without a call.
    #[arg(long, default_value_t = 10.0)]
    scroll_idle_secs: f64,
    /// When Beisen's `isLastData` turns true: exact (on the last batch, as
    /// the vendor documents), or the adversarial early (one page too early)
    /// or never.
    #[arg(long, default_value = "exact", value_parser = ["exact", "early", "never"])]
    is_last_data: String,
    /// Beisen `/OAuth/Token` `expires_in` as an epoch string (default) or seconds.
    #[arg(long, default_value = "epoch-string", value_parser = ["epoch-string", "seconds"])]
    oauth_expires_in: String,
    /// Most Beisen scrolls alive at once; the least recently used is evicted.
    #[arg(long, default_value_t = 500)]
    max_live_scrolls: usize,
    /// Lifetime of Beisen tokens in seconds.
    #[arg(long, default_value_t = 7200)]
    beisen_token_ttl_secs: u64,
    /// Lifetime of ISDP tokens in seconds.
    #[arg(long, default_value_t = 359)]
    isdp_token_ttl_secs: u64,
    /// ISDP token `expires_in` as a string (`"359"`, as the vendor's
    /// reference types it) or a number (`359`, as its examples show it).
    #[arg(long, default_value = "string", value_parser = ["string", "number"])]
    isdp_expires_in: String,
    /// Refuse the older documents' fixed ISDP `client_id`/`client_secret`
    /// `isdp-saas-openapi` (accepted by default, besides the configured pair).
    #[arg(long)]
    isdp_refuse_legacy_client: bool,
    /// Revoke all tokens after this many API calls.
    #[arg(long)]
    revoke_tokens_after: Option<u64>,
    /// Largest travel sync batch accepted.
    #[arg(long, default_value_t = 100)]
    batch_limit: usize,
    /// Lifetime of travel session ids from getSessionId, in seconds.
    #[arg(long, default_value_t = 7200)]
    travel_session_ttl_secs: u64,

    /// Credentials the simulators accept, for clients whose own are fixed
    /// (a vendor example's, a test fixture's); each defaults to the value
    /// printed at start.
    #[command(flatten)]
    credentials: CredentialArgs,
}

/// The credentials each simulator accepts.
#[derive(Debug, clap::Args)]
#[command(next_help_heading = "Credentials")]
struct CredentialArgs {
    /// Beisen `/token` app_key.
    #[arg(long)]
    beisen_app_key: Option<String>,
    /// Beisen `/token` app_secret.
    #[arg(long)]
    beisen_app_secret: Option<String>,
    /// Beisen `/OAuth/Token` app_id.
    #[arg(long)]
    beisen_app_id: Option<String>,
    /// Beisen `/OAuth/Token` secret.
    #[arg(long)]
    beisen_secret: Option<String>,
    /// ISDP client_id.
    #[arg(long)]
    isdp_client_id: Option<String>,
    /// ISDP client_secret.
    #[arg(long)]
    isdp_client_secret: Option<String>,
    /// ISDP username (the application id).
    #[arg(long)]
    isdp_username: Option<String>,
    /// ISDP password (the application token).
    #[arg(long)]
    isdp_password: Option<String>,
    /// Travel company account (`companyId` in seed 002's example: 38).
    #[arg(long)]
    travel_account: Option<String>,
    /// Travel session id (`sessionId` in seed 002's example: 121312).
    #[arg(long)]
    travel_session_id: Option<String>,
    /// Travel getSessionId secret.
    #[arg(long)]
    travel_secret: Option<String>,
    /// Travel signing key.
    #[arg(long)]
    travel_sign_key: Option<String>,
}

impl CredentialArgs {
    fn apply(self, config: &mut SandboxConfig) {
        let set = |target: &mut String, value: Option<String>| {
            if let Some(value) = value {
                *target = value;
            }
        };
        set(&mut config.beisen.app_key, self.beisen_app_key);
        set(&mut config.beisen.app_secret, self.beisen_app_secret);
        set(&mut config.beisen.app_id, self.beisen_app_id);
        set(&mut config.beisen.secret, self.beisen_secret);
        set(&mut config.isdp.client_id, self.isdp_client_id);
        set(&mut config.isdp.client_secret, self.isdp_client_secret);
        set(&mut config.isdp.username, self.isdp_username);
        set(&mut config.isdp.password, self.isdp_password);
        set(&mut config.travel.account, self.travel_account);
        set(&mut config.travel.session_id, self.travel_session_id);
        set(&mut config.travel.secret, self.travel_secret);
        set(&mut config.travel.sign_key, self.travel_sign_key);
    }
}

impl Args {
    fn into_config(self) -> SandboxConfig {
        let span = match self.span_start {
            Some(start) => DataConfig::pinned(start, self.span_days),
            None => DataConfig::ending(Clock::new().today(), self.span_days),
        };
        let mut config = SandboxConfig {
            data: DataConfig {
                seed: self.seed,
                employees: self.employees,
                skew: self.skew_fraction.map(|fraction| Skew {
                    fraction,
                    day: self.skew_day.unwrap_or(
                        span.span_start + chrono::Duration::days(i64::from(self.span_days / 2)),
                    ),
                }),
                ..span
            },
            ports: Ports {
                beisen: self.beisen_port,
                isdp: self.isdp_port,
                travel: self.travel_port,
            },
            ..SandboxConfig::default()
        };
        let spec = FaultSpec {
            error_500: self.error_rate,
            throttle_429: self.throttle_rate,
            reset: self.reset_rate,
            latency: Duration::from_millis(self.latency_ms),
            jitter: Duration::from_millis(self.jitter_ms),
            ..FaultSpec::default()
        };
        config.faults.seed = self.fault_seed;
        config.faults.beisen.default = spec;
        config.faults.isdp.default = spec;
        config.faults.travel.default = spec;
        // A number overrides every group's limit; 0 lifts that limit.
        let limits = &mut config.beisen.rate_limits;
        let groups = [
            &mut limits.time_window,
            &mut limits.recruiting,
            &mut limits.data_source,
            &mut limits.other,
        ];
        for group in groups {
            if self.rate_per_second == Some(0) {
                group.per_second = 0;
            }
            if self.rate_per_minute == Some(0) {
                group.per_minute = 0;
            }
        }
        config.beisen.rate_per_second = self.rate_per_second.unwrap_or(0);
        config.beisen.rate_per_minute = self.rate_per_minute.unwrap_or(0);
        // `try_from` refuses NaN and infinities that `from_secs_f64` would panic on.
        config.beisen.scroll_idle =
            Duration::try_from_secs_f64(self.scroll_idle_secs).unwrap_or(Duration::from_secs(10));
        config.beisen.token_ttl = Duration::from_secs(self.beisen_token_ttl_secs);
        config.beisen.is_last_data = match self.is_last_data.as_str() {
            "exact" => IsLastData::Exact,
            "early" => IsLastData::Early,
            "never" => IsLastData::Never,
            _ => IsLastData::Exact,
        };
        config.beisen.oauth_expires_in = match self.oauth_expires_in.as_str() {
            "seconds" => OAuthExpiresIn::Seconds,
            _ => OAuthExpiresIn::EpochString,
        };
        config.beisen.max_live_scrolls = self.max_live_scrolls;
        config.beisen.revoke_tokens_after = self.revoke_tokens_after;
        config.isdp.token_ttl = Duration::from_secs(self.isdp_token_ttl_secs);
        config.isdp.expires_in_as_string = self.isdp_expires_in != "number";
        config.isdp.accept_legacy_client = !self.isdp_refuse_legacy_client;
        config.isdp.revoke_tokens_after = self.revoke_tokens_after;
        config.travel.batch_limit = self.batch_limit;
        config.travel.session_ttl = Duration::from_secs(self.travel_session_ttl_secs);
        self.credentials.apply(&mut config);
        config
    }
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "hr_sandbox=info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let config = Args::parse().into_config();
    let sandbox = Sandbox::start(config).await?;
    let c = sandbox.config();
    println!(
        "hr-sandbox: {} employees (seed {})",
        sandbox.data().len(),
        c.data.seed
    );
    let data = sandbox.data().config();
    println!(
        "data    modified {} .. {} (first and last day, {} days, China Standard Time)",
        data.span_start,
        data.last_day(),
        data.span_days
    );
    println!(
        "beisen  {}   app_key={} app_secret={}  (OAuth/Token: app_id={} secret={} tenant_id={})",
        sandbox.beisen_url(),
        c.beisen.app_key,
        c.beisen.app_secret,
        c.beisen.app_id,
        c.beisen.secret,
        c.data.tenant_id
    );
    println!(
        "isdp    {}   client_id={} client_secret={} username={} password={}{}",
        sandbox.isdp_url(),
        c.isdp.client_id,
        c.isdp.client_secret,
        c.isdp.username,
        c.isdp.password,
        if c.isdp.accept_legacy_client {
            "  (also the legacy client isdp-saas-openapi as id and secret)"
        } else {
            ""
        }
    );
    println!(
        "travel  {}   account={} session_id={}  (session endpoint: session_url={}{} secret={} sign_key={})",
        sandbox.travel_sync_url(),
        c.travel.account,
        c.travel.session_id,
        sandbox.travel_url(),
        SESSION_PATH,
        c.travel.secret,
        c.travel.sign_key
    );
    println!(
        "changes POST {0}/_sandbox/hire {{\"name\",\"mobile\"}}, POST {0}/_sandbox/dismiss/JOBNUMBER, POST {0}/_sandbox/mobile/JOBNUMBER {{\"mobile\"}}",
        sandbox.beisen_url()
    );
    println!(
        "inspect GET {0}/_sandbox/counters, GET {0}/_sandbox/config, POST {0}/_sandbox/clock/advance?seconds=N  (Ctrl-C to stop)",
        sandbox.beisen_url()
    );
    tokio::signal::ctrl_c().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use hr_sandbox::beisen::{BeisenRateLimits, RateLimit};

    fn config(args: &[&str]) -> SandboxConfig {
        let argv = std::iter::once("hr-sandbox").chain(args.iter().copied());
        Args::try_parse_from(argv).unwrap().into_config()
    }

    const WINDOW: &str = "/TenantBaseExternal/api/v5/Employee/GetByTimeWindow";
    const RECRUIT: &str = "/RecruitV6/api/v1/Apply/GetApplyListByModifiedTime";

    #[test]
    fn defaults_are_the_documented_behaviour() {
        let c = config(&[]);
        assert_eq!(c.beisen.is_last_data, IsLastData::Exact);
        assert_eq!(c.beisen.rate_limits, BeisenRateLimits::DOCUMENTED);
        assert_eq!(c.beisen.rate_limit_for(WINDOW), RateLimit::new(100, 3000));
        assert_eq!(c.beisen.rate_limit_for(RECRUIT), RateLimit::new(20, 1000));
        assert!(c.isdp.expires_in_as_string);
        assert!(c.isdp.accept_legacy_client);
    }

    #[test]
    fn rate_flags_override_every_group_and_zero_lifts_the_limit() {
        let c = config(&["--rate-per-second", "7"]);
        assert_eq!(c.beisen.rate_limit_for(WINDOW), RateLimit::new(7, 3000));
        assert_eq!(c.beisen.rate_limit_for(RECRUIT), RateLimit::new(7, 1000));
        let c = config(&["--beisen-rate-per-minute", "0"]);
        assert_eq!(c.beisen.rate_limit_for(WINDOW), RateLimit::new(100, 0));
        assert_eq!(c.beisen.rate_limit_for(RECRUIT), RateLimit::new(20, 0));
        let c = config(&["--rate-per-second", "0", "--rate-per-minute", "0"]);
        assert_eq!(c.beisen.rate_limit_for(RECRUIT), RateLimit::NONE);
    }

    #[test]
    fn adversarial_and_isdp_options_are_chosen_by_flag() {
        assert_eq!(
            config(&["--is-last-data", "early"]).beisen.is_last_data,
            IsLastData::Early
        );
        assert_eq!(
            config(&["--is-last-data", "never"]).beisen.is_last_data,
            IsLastData::Never
        );
        let c = config(&["--isdp-expires-in", "number", "--isdp-refuse-legacy-client"]);
        assert!(!c.isdp.expires_in_as_string);
        assert!(!c.isdp.accept_legacy_client);
        assert!(Args::try_parse_from(["hr-sandbox", "--isdp-expires-in", "epoch"]).is_err());
    }
}
