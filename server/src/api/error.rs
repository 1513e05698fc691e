//! The REST API's error type: every failure is `{"error": {"code", "message", "details"}}`
//! with the matching status (SECURITY.md R33).
//!
//! A 5xx never tells the client why: the cause is logged (inside the request's span, so the
//! line carries its `x-request-id`, which the response echoes) and the client gets a generic
//! message.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use serde_json::Value;

/// A failed API request.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    /// Stable, machine-readable: `invalid_credentials`, `csrf_failed`, ...
    pub code: &'static str,
    /// For people; never holds internals.
    pub message: String,
    pub details: Option<Value>,
    /// Seconds to send as `Retry-After` (429, 503).
    retry_after: Option<u64>,
    /// The cause of a 5xx, for the log only.
    source: Option<anyhow::Error>,
}

#[derive(Serialize)]
struct Body<'a> {
    error: Inner<'a>,
}

#[derive(Serialize)]
struct Inner<'a> {
    code: &'a str,
    message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    details: Option<&'a Value>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code,
            message: message.into(),
            details: None,
            retry_after: None,
            source: None,
        }
    }

    pub fn with_retry_after(mut self, seconds: u64) -> ApiError {
        self.retry_after = Some(seconds);
        self
    }

    /// 413: the body is over `RAMPART_MAX_BODY_BYTES`.
    pub fn payload_too_large() -> ApiError {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            "the request body is larger than this server accepts (RAMPART_MAX_BODY_BYTES)",
        )
    }

    /// 404 for a resource the caller cannot see, named by `what` ("team", "token", ...).
    pub fn not_found(what: &str) -> ApiError {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("no such {what}"),
        )
    }

    pub fn with_details(mut self, details: Value) -> ApiError {
        self.details = Some(details);
        self
    }

    /// A 500 whose cause is logged and not shown.
    pub fn internal(err: impl Into<anyhow::Error>) -> ApiError {
        let mut error = ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "an internal error occurred; quote the x-request-id header when reporting it",
        );
        error.source = Some(err.into());
        error
    }

    /// 401: no valid session.
    pub fn unauthenticated() -> ApiError {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
            "sign in to continue",
        )
    }

    /// 401: the one answer to every failed sign-in (R4).
    pub fn invalid_credentials() -> ApiError {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "invalid_credentials",
            "the e-mail address or password is incorrect",
        )
    }

    /// 403: the CSRF checks failed.
    pub fn csrf() -> ApiError {
        ApiError::new(
            StatusCode::FORBIDDEN,
            "csrf_failed",
            "this request must come from Rampart's own pages with a valid X-CSRF-Token header; fetch one from GET /api/v1/auth/csrf",
        )
    }

    /// 422: input that parsed but breaks a rule; `field` names the culprit.
    pub fn invalid_field(field: &str, message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_input", message)
            .with_details(serde_json::json!({ "field": field }))
    }
}

/// A database failure is a 500 whose cause is logged (`?` on a `db` call).
impl From<sqlx::Error> for ApiError {
    fn from(err: sqlx::Error) -> ApiError {
        ApiError::internal(err)
    }
}

/// A failed password hash or other internal step is a 500 whose cause is logged.
impl From<anyhow::Error> for ApiError {
    fn from(err: anyhow::Error) -> ApiError {
        ApiError::internal(err)
    }
}

/// A session store failure is a 500 whose cause is logged.
impl From<tower_sessions::session::Error> for ApiError {
    fn from(err: tower_sessions::session::Error) -> ApiError {
        ApiError::internal(err)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if self.status.is_server_error() {
            match &self.source {
                Some(source) => tracing::error!(error = %format!("{source:#}"), "request failed"),
                None => tracing::error!(code = self.code, "request failed"),
            }
        }
        let body = Body {
            error: Inner {
                code: self.code,
                message: &self.message,
                details: self.details.as_ref(),
            },
        };
        let mut response = (self.status, Json(body)).into_response();
        if let Some(seconds) = self.retry_after {
            response
                .headers_mut()
                .insert(axum::http::header::RETRY_AFTER, seconds.into());
        }
        response
    }
}
