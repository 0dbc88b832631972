//! (being written)

use std::sync::Arc;

use axum::Router;

use crate::state::Context;

pub(crate) fn router(_ctx: Arc<Context>) -> Router {
    Router::new()
}

/// Path of the employee-sync endpoint.
pub const SYNC_PATH: &str = "/userSyn";
/// Path of the session endpoint.
pub const SESSION_PATH: &str = "/getSessionId";
