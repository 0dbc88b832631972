//! Fault injection: latency, 500, 429 with `Retry-After`, and connection
//! resets without a response, per vendor and route, from seeded dice.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use axum::Json;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use serde_json::json;

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
        // Only routes that exist get a counter of their own: counting every
        // path a client invents would grow without bound.
        let route = match req.extensions().get::<MatchedPath>() {
            Some(matched) => matched.as_str(),
            None => "<unmatched>",
        };
        counters.incr(&format!("requests.{vendor}.{route}"));
    }
    let Some(spec) = spec_for(&state, &path) else {
        return next.run(req).await;
    };

    let dice = &state.ctx.dice;
    let key = format!("{vendor}:{path}");
    let roll = || dice.roll(&key);
    let jitter = if spec.jitter.is_zero() {
        Duration::ZERO
    } else {
        spec.jitter.mul_f64(roll())
    };
    let delay = spec.latency + jitter;
    if !delay.is_zero() {
        counters.incr(&format!("faults.{vendor}.latency"));
        tokio::time::sleep(delay).await;
    }
    if spec.reset > 0.0 && roll() < spec.reset {
        counters.incr(&format!("faults.{vendor}.reset"));
        if let Some(kill) = req.extensions().get::<KillSwitch>() {
            kill.trip();
        }
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    }
    if spec.error_500 > 0.0 && roll() < spec.error_500 {
        counters.incr(&format!("faults.{vendor}.500"));
        return vendor_error(state.vendor, StatusCode::INTERNAL_SERVER_ERROR, &path);
    }
    if spec.throttle_429 > 0.0 && roll() < spec.throttle_429 {
        counters.incr(&format!("faults.{vendor}.429"));
        let mut resp = vendor_error(state.vendor, StatusCode::TOO_MANY_REQUESTS, &path);
        resp.headers_mut().insert(
            header::RETRY_AFTER,
            HeaderValue::from(spec.retry_after_secs),
        );
        return resp;
    }
    next.run(req).await
}

/// An injected failure in the shape the vendor's own failures take, so a
/// client's error decoding is exercised too.
fn vendor_error(vendor: Vendor, status: StatusCode, path: &str) -> Response {
    let body = match (vendor, status) {
        (Vendor::Beisen, StatusCode::TOO_MANY_REQUESTS) => {
            json!({"code": "429", "message": "请求过于频繁，请稍后再试", "data": null})
        }
        (Vendor::Beisen, _) => json!({"code": "500", "message": "服务器内部错误", "data": null}),
        (Vendor::Isdp, _) => json!({
            "timestamp": chrono::Utc::now().format("%Y-%m-%dT%H:%M:%S%.3f+0000").to_string(),
            "status": status.as_u16(),
            "error": status.canonical_reason().unwrap_or_default(),
            "message": "",
            "path": path,
        }),
        (Vendor::Travel, _) => json!({
            "resCode": status.as_u16(),
            "resMsg": if status == StatusCode::TOO_MANY_REQUESTS { "请求过于频繁" } else { "系统异常" },
            "data": [],
        }),
    };
    (status, Json(body)).into_response()
}
