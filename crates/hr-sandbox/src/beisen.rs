//! (being written)

use std::sync::Arc;

use axum::Router;

use crate::state::Context;

pub(crate) fn router(_ctx: Arc<Context>) -> Router {
    Router::new()
}
