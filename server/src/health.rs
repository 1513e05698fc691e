//! `GET /healthz`: is this instance able to serve, and does its database answer?
//!
//! Load balancers and the test scripts poll it. It never fails because the database is away:
//! it reports the outage, and reports recovery as soon as a connection can be made again.

use crate::AppState;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use std::time::Duration;

/// How long the database has to answer before the instance reports itself degraded.
pub const DATABASE_DEADLINE: Duration = Duration::from_secs(2);

/// The body of `/healthz`.
#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct Health {
    pub status: &'static str,
    pub database: &'static str,
}

/// GET /healthz
///
/// 200 `{"status":"ok","database":"ok"}` when Postgres answers within 2 s; otherwise 503
/// `{"status":"degraded","database":"unavailable"}` with `Retry-After`.
pub async fn healthz(State(state): State<AppState>) -> Response {
    let answered = tokio::time::timeout(DATABASE_DEADLINE, db::ping(&state.pool)).await;
    let (status, body) = match answered {
        Ok(Ok(())) => (
            StatusCode::OK,
            Health {
                status: "ok",
                database: "ok",
            },
        ),
        failed => {
            match failed {
                Ok(Err(err)) => tracing::warn!(error = %err, "health check: database error"),
                _ => tracing::warn!(
                    deadline_ms = DATABASE_DEADLINE.as_millis() as u64,
                    "health check: database did not answer in time"
                ),
            }
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Health {
                    status: "degraded",
                    database: "unavailable",
                },
            )
        }
    };
    let mut response = (status, Json(body)).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    if status == StatusCode::SERVICE_UNAVAILABLE {
        headers.insert(header::RETRY_AFTER, header::HeaderValue::from_static("5"));
    }
    response
}
