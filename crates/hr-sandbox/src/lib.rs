//! # hr-sandbox
//!
//! Faithful offline simulators of the three APIs the hr-sdk family talks to:
//! Beisen iTalent, Huawei ISDP+ and the travel-platform employee sync
//! endpoint, with the quirks documented in the vendors' papers and beyond
//! them (string codes, 417 for windows over 90 days, scrolls that die after
//! 10 idle seconds and then *silently* return empty data, XML 401 bodies,
//! `expires_in` as a string…). Like stripe-mock or LocalStack, it lets tests,
//! examples and users' own integrations run without the real services.
//!
//! - **Library.** [`Sandbox::start`] serves all three vendors on random
//!   127.0.0.1 ports and stops when dropped.
//! - **Binary.** `cargo run -p hr-sandbox -- --help`.
//! - **Data.** A deterministic workforce from a seed and a size (10 to
//!   1,000,000), generated lazily: see [`data`].
//! - **Faults.** Seeded 500s, 429s with `Retry-After`, connection resets and
//!   latency per route ([`FaultSpec`]); token revocation and forced scroll
//!   expiry; counters readable from Rust and over HTTP (`/_sandbox/counters`).
//! - **Clock.** Lifetimes (scroll idle, tokens, sessions) and rate-limit
//!   windows run on a [`Clock`] that [`Sandbox::advance_clock`] (or
//!   `POST /_sandbox/clock/advance?seconds=N`) moves forward: expiry can be
//!   tested without sleeping.
//! - **Changes.** [`Sandbox::hire`], [`Sandbox::dismiss`] and
//!   [`Sandbox::set_mobile`] (or `POST /_sandbox/hire`,
//!   `/_sandbox/dismiss/{jobNumber}`, `/_sandbox/mobile/{jobNumber}`)
//!   change people between two syncs; each change is stamped with the
//!   clock's now and shows in every vendor.
//!
//! The default data span is the 365 days before today (China Standard
//! Time), so "changed in the last 30 days" finds people on any date;
//! [`DataConfig::year_2024`] pins it for tests of fixed dates.
//!
//! ```
//! # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
//! use hr_sandbox::{Sandbox, SandboxConfig};
//!
//! let sandbox = Sandbox::start(SandboxConfig::default()).await?;
//! assert!(sandbox.beisen_url().starts_with("http://127.0.0.1:"));
//! assert_eq!(sandbox.counters().get("tokens_issued.beisen"), 0);
//! # Ok::<(), std::io::Error>(()) }).unwrap();
//! ```
#![warn(missing_docs)]
#![forbid(unsafe_code)]

pub mod beisen;
pub mod clock;
pub mod config;
pub mod data;
pub mod faults;
mod inspect;
pub mod isdp;
mod server;
pub mod state;
pub mod travel;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::task::JoinHandle;

pub use clock::Clock;
pub use config::{
    BeisenConfig, BeisenRateLimits, FaultConfig, FaultSpec, IsLastData, IsdpConfig, OAuthExpiresIn,
    Ports, RateLimit, RouteFaults, SandboxConfig, TravelConfig,
};
pub use data::{DataConfig, Dataset, NewHire, Person, Skew};
pub use faults::Vendor;
pub use state::{Context, Counters, ReceivedBatch};

/// A running sandbox. Dropping it stops all three servers (their tasks are
/// aborted; the ports are released as soon as the runtime drops them).
#[derive(Debug)]
pub struct Sandbox {
    ctx: Arc<Context>,
    beisen: SocketAddr,
    isdp: SocketAddr,
    travel: SocketAddr,
    tasks: Vec<JoinHandle<()>>,
}

impl Sandbox {
    /// Binds the three simulators on 127.0.0.1 and starts serving on the
    /// current Tokio runtime.
    ///
    /// # Errors
    ///
    /// When a port cannot be bound (a fixed port already in use). All three
    /// listeners are bound before anything is served, so a failed start
    /// leaves no server behind.
    pub async fn start(config: SandboxConfig) -> std::io::Result<Sandbox> {
        let ports = config.ports;
        let ctx = Arc::new(Context::new(config));
        let bind =
            async |port: Option<u16>| TcpListener::bind(("127.0.0.1", port.unwrap_or(0))).await;
        let listeners = [
            (
                Vendor::Beisen,
                bind(ports.beisen).await?,
                beisen::router(ctx.clone()),
            ),
            (
                Vendor::Isdp,
                bind(ports.isdp).await?,
                isdp::router(ctx.clone()),
            ),
            (
                Vendor::Travel,
                bind(ports.travel).await?,
                travel::router(ctx.clone()),
            ),
        ];
        let mut addrs = Vec::with_capacity(3);
        for (_, listener, _) in &listeners {
            addrs.push(listener.local_addr()?);
        }
        let tasks = listeners
            .into_iter()
            .zip(&addrs)
            .map(|((vendor, listener, app), addr)| {
                let app = app.merge(inspect::router(ctx.clone())).layer(
                    axum::middleware::from_fn_with_state(
                        faults::FaultState {
                            ctx: ctx.clone(),
                            vendor,
                        },
                        faults::inject,
                    ),
                );
                tracing::info!(vendor = vendor.name(), %addr, "sandbox listening");
                tokio::spawn(server::serve(listener, app, vendor))
            })
            .collect();
        Ok(Sandbox {
            ctx,
            beisen: addrs[0],
            isdp: addrs[1],
            travel: addrs[2],
            tasks,
        })
    }

    /// Base URL of the Beisen simulator (`http://127.0.0.1:PORT`).
    pub fn beisen_url(&self) -> String {
        format!("http://{}", self.beisen)
    }

    /// Base URL of the ISDP+ simulator.
    pub fn isdp_url(&self) -> String {
        format!("http://{}", self.isdp)
    }

    /// Base URL of the travel simulator.
    pub fn travel_url(&self) -> String {
        format!("http://{}", self.travel)
    }

    /// Full URL of the travel employee-sync endpoint.
    pub fn travel_sync_url(&self) -> String {
        format!("http://{}{}", self.travel, travel::SYNC_PATH)
    }

    /// The configuration the sandbox runs with.
    pub fn config(&self) -> &SandboxConfig {
        &self.ctx.config
    }

    /// The simulated workforce.
    pub fn data(&self) -> &Dataset {
        &self.ctx.data
    }

    /// Counters of requests, faults, tokens and scrolls.
    pub fn counters(&self) -> &Counters {
        &self.ctx.counters
    }

    /// The shared state, for inspection beyond the helpers here.
    pub fn context(&self) -> &Arc<Context> {
        &self.ctx
    }

    /// Every batch the travel endpoint received, in order.
    pub fn travel_received(&self) -> Vec<ReceivedBatch> {
        self.ctx
            .travel_received
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Forgets every received travel batch (counters are kept).
    pub fn clear_travel_received(&self) {
        self.ctx.clear_travel_received();
    }

    /// Revokes every Beisen and ISDP token issued so far.
    pub fn revoke_tokens(&self) {
        self.ctx.revoke_tokens();
    }

    /// Kills every open Beisen scroll, as if each had idled out.
    pub fn expire_scrolls(&self) {
        self.ctx.expire_scrolls();
    }

    /// Moves the sandbox's clock forward by `by`, for every simulator at
    /// once: scrolls idle for `by` longer, tokens and sessions age by `by`,
    /// rate-limit windows slide by `by`. Returns the total offset.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// use std::time::Duration;
    /// use hr_sandbox::{Sandbox, SandboxConfig};
    ///
    /// let sandbox = Sandbox::start(SandboxConfig::default()).await?;
    /// // Every scroll open now has idled past the vendor's 10 seconds.
    /// sandbox.advance_clock(Duration::from_secs(11));
    /// assert_eq!(sandbox.clock().offset(), Duration::from_secs(11));
    /// # Ok::<(), std::io::Error>(()) }).unwrap();
    /// ```
    pub fn advance_clock(&self, by: Duration) -> Duration {
        self.ctx.clock.advance(by)
    }

    /// The sandbox's clock.
    pub fn clock(&self) -> &Clock {
        &self.ctx.clock
    }

    /// A new employee, modified now; returns the job number (Beisen
    /// `jobNumber` = ISDP `personCode`).
    ///
    /// "Now" is the clock's civil now (China Standard Time) to the
    /// millisecond, for both `modifiedTime` and `businessModifiedTime`, so
    /// a time-window query over `[last run, now)` finds each change once.
    /// The hire is on probation (EmpStatus 2), approved, with the next
    /// free index: `userID`, job number and ISDP `personId` follow the
    /// generated ones. See [`NewHire`] for the defaults.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// use hr_sandbox::{NewHire, Sandbox, SandboxConfig};
    ///
    /// let sandbox = Sandbox::start(SandboxConfig::default()).await?;
    /// let job_number = sandbox.hire(NewHire::new("张三", "13800138000"));
    /// assert_eq!(job_number, "E0001000");
    /// let index = sandbox.data().index_of_job_number(&job_number).unwrap();
    /// assert_eq!(sandbox.data().person(index).name, "张三");
    /// assert_eq!(sandbox.data().len(), 1001);
    ///
    /// assert!(sandbox.set_mobile(&job_number, "13900139000"));
    /// assert!(sandbox.dismiss(&job_number));
    /// assert_eq!(sandbox.data().emp_status(index), 8);
    /// assert!(!sandbox.dismiss("E9999999"));
    /// # Ok::<(), std::io::Error>(()) }).unwrap();
    /// ```
    pub fn hire(&self, hire: NewHire) -> String {
        self.ctx.hire(hire)
    }

    /// The employee with this job number leaves today (EmpStatus 8 离职,
    /// last working day today), modified now: listed only with
    /// `withDisabled` or an explicit `empStatus`, as generated leavers
    /// are, and ISDP `personStatus` `Cancel`. `false` if unknown.
    pub fn dismiss(&self, job_number: &str) -> bool {
        self.ctx.dismiss(job_number)
    }

    /// A new mobile number, modified now. `false` if unknown.
    pub fn set_mobile(&self, job_number: &str, mobile: &str) -> bool {
        self.ctx.set_mobile(job_number, mobile)
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}
