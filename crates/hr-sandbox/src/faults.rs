//! Fault injection: latency, 500, 429 with `Retry-After`, and connection
//! resets without a response, per vendor and route, from seeded dice.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::config::FaultSpec;
use crate::state::Context;

/// Which simulator a route belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Vendor {
    /// Beisen iTalent.
    Beisen,
    /// Huawei ISDP+.
    Isdp,
    /// Travel employee sync.
    Travel,
}

impl Vendor {
    /// The vendor's name in counter keys.
    pub fn name(self) -> &'static str {
        match self {
            Vendor::Beisen => "beisen",
            Vendor::Isdp => "isdp",
            Vendor::Travel => "travel",
        }
    }

    /// Paths that issue tokens or sessions: the default fault spec skips them.
    fn is_token_path(self, path: &str) -> bool {
        match self {
            Vendor::Beisen => path == "/token" || path == "/OAuth/Token",
            Vendor::Isdp => path == "/oauth2/oauth/rest_token",
            Vendor::Travel => path == crate::travel::SESSION_PATH,
        }
    }
}

/// Set by the fault layer to make the connection's writer fail, so hyper
/// drops the connection without sending the response.
#[derive(Debug, Clone, Default)]
pub(crate) struct KillSwitch(pub(crate) Arc<AtomicBool>);

impl KillSwitch {
    pub(crate) fn trip(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    pub(crate) fn is_tripped(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

#[derive(Clone)]
pub(crate) struct FaultState {
    pub(crate) ctx: Arc<Context>,
    pub(crate) vendor: Vendor,
}

fn spec_for(state: &FaultState, path: &str) -> Option<FaultSpec> {
    let faults = &state.ctx.config.faults;
    let routes = match state.vendor {
        Vendor::Beisen => &faults.beisen,
        Vendor::Isdp => &faults.isdp,
        Vendor::Travel => &faults.travel,
    };
    if let Some(spec) = routes.routes.get(path) {
        return Some(*spec);
    }
    if path.starts_with("/_sandbox") || state.vendor.is_token_path(path) {
        return None;
    }
    Some(routes.default).filter(|s| !s.is_inert())
}

/// Counts the request, then maybe delays, resets, or answers 500/429 instead
/// of the handler.
pub(crate) async fn inject(State(state): State<FaultState>, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_owned();
    let vendor = state.vendor.name();
    let counters = &state.ctx.counters;
    if !path.starts_with("/_sandbox") {
        counters.incr(&format!("requests.{vendor}.{path}"));
    }
    let Some(spec) = spec_for(&state, &path) else {
        return next.run(req).await;
    };

    let dice = &state.ctx.dice;
    let delay = spec.latency + spec.jitter.mul_f64(dice.roll());
    if !delay.is_zero() {
        counters.incr(&format!("faults.{vendor}.latency"));
        tokio::time::sleep(delay).await;
    }
    if spec.reset > 0.0 && dice.roll() < spec.reset {
        counters.incr(&format!("faults.{vendor}.reset"));
        if let Some(kill) = req.extensions().get::<KillSwitch>() {
            kill.trip();
        }
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    }
    if spec.error_500 > 0.0 && dice.roll() < spec.error_500 {
        counters.incr(&format!("faults.{vendor}.500"));
        return (StatusCode::INTERNAL_SERVER_ERROR, "sandbox: injected 500").into_response();
    }
    if spec.throttle_429 > 0.0 && dice.roll() < spec.throttle_429 {
        counters.incr(&format!("faults.{vendor}.429"));
        let mut resp = Response::new(Body::from("sandbox: injected 429"));
        *resp.status_mut() = StatusCode::TOO_MANY_REQUESTS;
        resp.headers_mut().insert(
            header::RETRY_AFTER,
            HeaderValue::from(spec.retry_after_secs),
        );
        return resp;
    }
    next.run(req).await
}
