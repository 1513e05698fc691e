//! The REST API under `/api/v1`: the documented contract for scripts and CI. A module per
//! resource with its own `router()`; [`error`] is the one error format, [`json`] the body
//! extractor that uses it.

pub mod auth;
pub mod error;
pub mod json;

use crate::AppState;
use axum::extract::ConnectInfo;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::Router;
use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};

pub use error::ApiError;
pub use json::ApiJson;

/// The routes under `/api/v1`; unknown paths there answer 404 in the error format.
pub fn router() -> Router<AppState> {
    Router::new().merge(auth::router()).fallback(|| async {
        ApiError::new(StatusCode::NOT_FOUND, "not_found", "no such API endpoint")
    })
}

/// Where a request came from, for the audit log: the socket peer's address (no proxy header
/// is trusted yet) and the request id.
#[derive(Debug, Clone, Default)]
pub struct RequestMeta {
    pub client_addr: Option<IpAddr>,
    pub request_id: Option<String>,
}

impl<S: Send + Sync> FromRequestParts<S> for RequestMeta {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Infallible> {
        Ok(RequestMeta {
            client_addr: parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|ConnectInfo(addr)| addr.ip()),
            request_id: parts
                .headers
                .get(crate::http::REQUEST_ID)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned),
        })
    }
}

impl RequestMeta {
    /// An audit event stamped with this request's address and id.
    pub fn event(
        &self,
        action: &str,
        outcome: db::audit::AuditOutcome,
    ) -> db::audit::NewAuditEvent {
        let mut event = db::audit::NewAuditEvent::new(action, outcome);
        event.client_addr = self.client_addr;
        event.request_id = self.request_id.clone();
        event
    }
}
