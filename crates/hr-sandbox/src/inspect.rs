//! `/_sandbox/*`: counters, received travel batches and control switches,
//! served by every simulator.

use std::sync::Arc;

use axum::extract::State;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{Value, json};

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
        .with_state(ctx)
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
