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

use axum::Router;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

pub use config::{
    BeisenConfig, FaultConfig, FaultSpec, IsdpConfig, Ports, RouteFaults, SandboxConfig,
    TravelConfig,
};
pub use data::{DataConfig, Dataset, Person, Skew};
pub use faults::Vendor;
pub use state::{Context, Counters, ReceivedBatch};

/// A running sandbox. Dropping it stops all three servers.
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
    pub async fn start(config: SandboxConfig) -> std::io::Result<Sandbox> {
        let ports = config.ports;
        let ctx = Arc::new(Context::new(config));
        let mut tasks = Vec::new();
        let mut bind = async |vendor: Vendor, port: Option<u16>, app: Router| {
            let listener = TcpListener::bind(("127.0.0.1", port.unwrap_or(0))).await?;
            let addr = listener.local_addr()?;
            let app = app.merge(inspect::router(ctx.clone())).layer(
                axum::middleware::from_fn_with_state(
                    faults::FaultState {
                        ctx: ctx.clone(),
                        vendor,
                    },
                    faults::inject,
                ),
            );
            tasks.push(tokio::spawn(server::serve(listener, app)));
            tracing::info!(vendor = vendor.name(), %addr, "sandbox listening");
            std::io::Result::Ok(addr)
        };
        let beisen = bind(Vendor::Beisen, ports.beisen, beisen::router(ctx.clone())).await?;
        let isdp = bind(Vendor::Isdp, ports.isdp, isdp::router(ctx.clone())).await?;
        let travel = bind(Vendor::Travel, ports.travel, travel::router(ctx.clone())).await?;
        Ok(Sandbox {
            ctx,
            beisen,
            isdp,
            travel,
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

    /// Revokes every Beisen and ISDP token issued so far.
    pub fn revoke_tokens(&self) {
        self.ctx.revoke_tokens();
    }

    /// Kills every open Beisen scroll, as if each had idled out.
    pub fn expire_scrolls(&self) {
        self.ctx.expire_scrolls();
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}
