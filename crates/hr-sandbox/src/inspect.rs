//! `/_sandbox/*`: counters, received travel batches, the effective
//! configuration, the clock, control switches and changes to the
//! workforce, served by every simulator.
//!
//! Changes (each stamped with the clock's now, see
//! [`Sandbox::hire`](crate::Sandbox::hire)):
//!
//! | route | body | answer |
//! |---|---|---|
//! | `POST /_sandbox/hire` | a [`NewHire`](crate::NewHire) as JSON | `{"job_number", "user_id"}` |
//! | `POST /_sandbox/dismiss/{jobNumber}` | none | `{"dismissed": jobNumber}`, 404 if unknown |
//! | `POST /_sandbox/mobile/{jobNumber}` | `{"mobile": "..."}` | `{"job_number", "mobile"}`, 404 if unknown |
//!
//! A body that is not the JSON expected is a 400 with an `error`.

use std::sync::Arc;
use std::time::{Duration, UNIX_EPOCH};

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{Value, json};

use crate::config::{FaultSpec, IsLastData, OAuthExpiresIn, RateLimit, RouteFaults};
use crate::data::NewHire;
use crate::state::Context;

pub(crate) fn router(ctx: Arc<Context>) -> Router {
    Router::new()
        .route("/_sandbox/counters", get(counters))
        .route(
            "/_sandbox/travel/received",
            get(received).delete(clear_received),
        )
        .route("/_sandbox/revoke-tokens", post(revoke_tokens))
        .route("/_sandbox/expire-scrolls", post(expire_scrolls))
        .route("/_sandbox/config", get(config))
        .route("/_sandbox/clock", get(clock))
        .route("/_sandbox/clock/advance", post(advance_clock))
        .route("/_sandbox/hire", post(hire))
        .route("/_sandbox/dismiss/{job_number}", post(dismiss))
        .route("/_sandbox/mobile/{job_number}", post(set_mobile))
        .with_state(ctx)
}

type Answer = (StatusCode, Json<Value>);

fn refuse(status: StatusCode, error: String) -> Answer {
    (status, Json(json!({ "error": error })))
}

fn unknown(job_number: &str) -> Answer {
    refuse(
        StatusCode::NOT_FOUND,
        format!("no employee has job number {job_number}"),
    )
}

/// The JSON body as `T`; any content type, so `curl -d` works as is.
fn parse<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, Answer> {
    serde_json::from_slice(body)
        .map_err(|e| refuse(StatusCode::BAD_REQUEST, format!("bad JSON body: {e}")))
}

async fn hire(State(ctx): State<Arc<Context>>, body: Bytes) -> Answer {
    let new: NewHire = match parse(&body) {
        Ok(new) => new,
        Err(answer) => return answer,
    };
    let job_number = ctx.hire(new);
    let user_id = ctx
        .data
        .index_of_job_number(&job_number)
        .map(|i| ctx.data.person(i).user_id);
    (
        StatusCode::OK,
        Json(json!({"job_number": job_number, "user_id": user_id})),
    )
}

async fn dismiss(State(ctx): State<Arc<Context>>, Path(job_number): Path<String>) -> Answer {
    if !ctx.dismiss(&job_number) {
        return unknown(&job_number);
    }
    (StatusCode::OK, Json(json!({ "dismissed": job_number })))
}

async fn set_mobile(
    State(ctx): State<Arc<Context>>,
    Path(job_number): Path<String>,
    body: Bytes,
) -> Answer {
    #[derive(serde::Deserialize)]
    struct Mobile {
        mobile: String,
    }
    let Mobile { mobile } = match parse(&body) {
        Ok(m) => m,
        Err(answer) => return answer,
    };
    if !ctx.set_mobile(&job_number, &mobile) {
        return unknown(&job_number);
    }
    (
        StatusCode::OK,
        Json(json!({"job_number": job_number, "mobile": mobile})),
    )
}

async fn counters(State(ctx): State<Arc<Context>>) -> Json<Value> {
    Json(json!(ctx.counters.snapshot()))
}

async fn received(State(ctx): State<Arc<Context>>) -> Json<Value> {
    let batches = ctx
        .travel_received
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .iter()
        .map(|b| {
            json!({
                "account": b.account,
                "users": b.users,
                "failures": b.failures.iter().map(|(user, why)| json!({"user": user, "description": why})).collect::<Vec<_>>(),
            })
        })
        .collect::<Vec<_>>();
    Json(json!(batches))
}

async fn clear_received(State(ctx): State<Arc<Context>>) -> Json<Value> {
    ctx.clear_travel_received();
    Json(json!({"cleared": true}))
}

async fn revoke_tokens(State(ctx): State<Arc<Context>>) -> Json<Value> {
    ctx.revoke_tokens();
    Json(json!({"revoked": true}))
}

async fn expire_scrolls(State(ctx): State<Arc<Context>>) -> Json<Value> {
    ctx.expire_scrolls();
    Json(json!({"expired": true}))
}

fn clock_json(ctx: &Context) -> Value {
    let now_ms = ctx
        .clock
        .system_now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64);
    json!({
        "offset_secs": ctx.clock.offset().as_secs_f64(),
        "now_epoch_ms": now_ms,
    })
}

async fn clock(State(ctx): State<Arc<Context>>) -> Json<Value> {
    Json(clock_json(&ctx))
}

/// `POST /_sandbox/clock/advance?seconds=N`: `N` a non-negative number,
/// fractions allowed.
async fn advance_clock(
    State(ctx): State<Arc<Context>>,
    RawQuery(query): RawQuery,
) -> (StatusCode, Json<Value>) {
    let seconds = query
        .as_deref()
        .unwrap_or_default()
        .split('&')
        .find_map(|pair| {
            let (key, value) = pair.split_once('=')?;
            (key == "seconds").then_some(value)
        });
    let by = seconds
        .and_then(|s| s.trim().parse::<f64>().ok())
        .and_then(|s| Duration::try_from_secs_f64(s).ok());
    let Some(by) = by else {
        return (
            StatusCode::BAD_REQUEST,
            Json(json!({
                "error": "expected ?seconds=N with N a non-negative number of seconds",
            })),
        );
    };
    ctx.clock.advance(by);
    let mut body = clock_json(&ctx);
    body["advanced_secs"] = json!(by.as_secs_f64());
    (StatusCode::OK, Json(body))
}

fn fault_json(spec: &FaultSpec) -> Value {
    json!({
        "error_500": spec.error_500,
        "throttle_429": spec.throttle_429,
        "retry_after_secs": spec.retry_after_secs,
        "reset": spec.reset,
        "latency_ms": spec.latency.as_millis() as u64,
        "jitter_ms": spec.jitter.as_millis() as u64,
    })
}

fn route_faults_json(faults: &RouteFaults) -> Value {
    let routes: serde_json::Map<String, Value> = faults
        .routes
        .iter()
        .map(|(path, spec)| (path.clone(), fault_json(spec)))
        .collect();
    json!({"default": fault_json(&faults.default), "routes": routes})
}

/// `GET /_sandbox/config`: the settings the sandbox runs with (credentials
/// are printed by the binary and left out here).
async fn config(State(ctx): State<Arc<Context>>) -> Json<Value> {
    let c = &ctx.config;
    let (b, i, t) = (&c.beisen, &c.isdp, &c.travel);
    let l = &b.rate_limits;
    let pair = |r: RateLimit| json!([r.per_second, r.per_minute]);
    Json(json!({
        "data": {
            "employees": ctx.data.len(),
            "hired": ctx.data.len() - ctx.data.generated_len(),
            "seed": c.data.seed,
            "span_start": c.data.span_start.to_string(),
            "span_days": c.data.span_days,
            "last_day": ctx.data.config().last_day().to_string(),
            "skew": c.data.skew.as_ref().map(|s| json!({"fraction": s.fraction, "day": s.day.to_string()})),
            "tenant_id": ctx.data.tenant_id(),
        },
        "beisen": {
            "token_ttl_secs": b.token_ttl.as_secs_f64(),
            "scroll_idle_secs": b.scroll_idle.as_secs_f64(),
            // Overrides of every route's limit; 0 keeps `rate_limits`.
            "rate_per_second": b.rate_per_second,
            "rate_per_minute": b.rate_per_minute,
            "rate_limits": {
                "time_window": pair(l.time_window),
                "recruiting": pair(l.recruiting),
                "data_source": pair(l.data_source),
                "other": pair(l.other),
            },
            "revoke_tokens_after": b.revoke_tokens_after,
            "is_last_data": match b.is_last_data {
                IsLastData::Exact => "exact",
                IsLastData::Early => "early",
                IsLastData::Never => "never",
            },
            "max_live_scrolls": b.max_live_scrolls,
            "oauth_expires_in": match b.oauth_expires_in {
                OAuthExpiresIn::EpochString => "epoch-string",
                OAuthExpiresIn::Seconds => "seconds",
            },
            "window_message_fullwidth_comma": b.window_message_fullwidth_comma,
        },
        "isdp": {
            "token_ttl_secs": i.token_ttl.as_secs_f64(),
            "revoke_tokens_after": i.revoke_tokens_after,
            "export_polls_per_step": i.export_polls_per_step,
            "expires_in_as_string": i.expires_in_as_string,
            "export_tasks_kept": i.export_tasks_kept,
            "accept_legacy_client": i.accept_legacy_client,
        },
        "travel": {
            "session_ttl_secs": t.session_ttl.as_secs_f64(),
            "batch_limit": t.batch_limit,
            "known_levels": t.known_levels,
            "max_body_bytes": t.max_body_bytes,
        },
        "faults": {
            "seed": c.faults.seed,
            "beisen": route_faults_json(&c.faults.beisen),
            "isdp": route_faults_json(&c.faults.isdp),
            "travel": route_faults_json(&c.faults.travel),
        },
        "clock": clock_json(&ctx),
    }))
}
