//! Cross-site request forgery protection (SECURITY.md R25).
//!
//! Every request with an unsafe method (anything but GET, HEAD, OPTIONS and TRACE), sign-in
//! and setup included, must pass two checks, or it gets 403 `csrf_failed` before reaching
//! a handler:
//!
//! 1. **Where it comes from.** `Sec-Fetch-Site: cross-site` or `same-site` is refused. An
//!    `Origin` header must equal `RAMPART_PUBLIC_URL` exactly; without one,
//!    `Sec-Fetch-Site: same-origin` is required (a browser sends one or the other).
//! 2. **The synchronizer token.** `X-CSRF-Token` must equal the token stored in the request's
//!    server-side session (compared in constant time). `GET /api/v1/auth/csrf` issues it,
//!    creating a pre-session when there is none, so sign-in is protected too.
//!
//! Requests carrying `Authorization: Bearer` are exempt: a browser never adds that header on
//! its own, so it cannot be forged cross-site (API tokens are checked by their own code).
//! Checking unsafe requests that carry no session cookie costs nothing (they fail the token
//! check) and leaves no unprotected route to forget.

use crate::api::error::ApiError;
use crate::auth::session::CSRF_TOKEN;
use crate::AppState;
use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderName, Method, Request};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use subtle::ConstantTimeEq;
use tower_sessions::Session;

/// The header that carries the token.
pub const HEADER: HeaderName = HeaderName::from_static("x-csrf-token");
const SEC_FETCH_SITE: HeaderName = HeaderName::from_static("sec-fetch-site");

/// The session's token, made and stored on first use.
pub async fn token_for(session: &Session) -> Result<String, ApiError> {
    let existing: Option<String> = session.get(CSRF_TOKEN).await?;
    match existing {
        Some(token) => Ok(token),
        None => renew(session).await,
    }
}

/// Replaces the session's token (at sign-in, so a token seen before is worthless after).
pub async fn renew(session: &Session) -> Result<String, ApiError> {
    let token = super::random_token();
    session.insert(CSRF_TOKEN, &token).await?;
    Ok(token)
}

fn is_safe(method: &Method) -> bool {
    matches!(
        *method,
        Method::GET | Method::HEAD | Method::OPTIONS | Method::TRACE
    )
}

fn has_bearer_token(headers: &HeaderMap) -> bool {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.len() > 7 && v[..7].eq_ignore_ascii_case("bearer "))
}

/// Check 1: the request comes from our own origin.
fn same_origin(headers: &HeaderMap, public_url: &str) -> bool {
    let fetch_site = headers.get(SEC_FETCH_SITE).and_then(|v| v.to_str().ok());
    if matches!(fetch_site, Some("cross-site") | Some("same-site")) {
        return false;
    }
    match headers.get(header::ORIGIN) {
        Some(origin) => origin.as_bytes() == public_url.as_bytes(),
        None => fetch_site == Some("same-origin"),
    }
}

/// Check 2: the header's token equals the session's.
async fn token_matches(headers: &HeaderMap, session: Option<&Session>) -> Result<bool, ApiError> {
    let Some(sent) = headers.get(&HEADER) else {
        return Ok(false);
    };
    let Some(session) = session else {
        return Ok(false);
    };
    let stored: Option<String> = session.get(CSRF_TOKEN).await?;
    Ok(stored.is_some_and(|stored| bool::from(stored.as_bytes().ct_eq(sent.as_bytes()))))
}

/// The middleware: lets safe and bearer-token requests through, checks every other one.
pub async fn protect(
    State(state): State<AppState>,
    request: Request<Body>,
    next: Next,
) -> Response {
    if is_safe(request.method()) || has_bearer_token(request.headers()) {
        return next.run(request).await;
    }
    if !same_origin(request.headers(), &state.public_url) {
        tracing::warn!("refused a state-changing request from another origin");
        return ApiError::csrf().into_response();
    }
    let session = request.extensions().get::<Session>();
    match token_matches(request.headers(), session).await {
        Ok(true) => next.run(request).await,
        Ok(false) => {
            tracing::warn!("refused a state-changing request without a valid CSRF token");
            ApiError::csrf().into_response()
        }
        Err(err) => err.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_static(value));
        }
        map
    }

    const PUBLIC: &str = "https://rampart.example.com";

    #[test]
    fn the_origin_must_be_the_public_url_exactly() {
        assert!(same_origin(&headers(&[("origin", PUBLIC)]), PUBLIC));
        for other in [
            "https://evil.example.com",
            "http://rampart.example.com",
            "https://rampart.example.com:8443",
            "null",
        ] {
            let mut map = HeaderMap::new();
            map.insert("origin", HeaderValue::from_str(other).unwrap());
            assert!(!same_origin(&map, PUBLIC), "{other}");
        }
    }

    #[test]
    fn without_an_origin_only_same_origin_fetch_metadata_passes() {
        assert!(same_origin(
            &headers(&[("sec-fetch-site", "same-origin")]),
            PUBLIC
        ));
        assert!(!same_origin(&headers(&[]), PUBLIC));
        assert!(!same_origin(
            &headers(&[("sec-fetch-site", "none")]),
            PUBLIC
        ));
    }

    #[test]
    fn cross_site_fetch_metadata_is_refused_even_with_the_right_origin() {
        let map = headers(&[("origin", PUBLIC), ("sec-fetch-site", "cross-site")]);
        assert!(!same_origin(&map, PUBLIC));
    }

    #[test]
    fn only_a_bearer_authorization_is_exempt() {
        assert!(has_bearer_token(&headers(&[(
            "authorization",
            "Bearer abc"
        )])));
        assert!(has_bearer_token(&headers(&[(
            "authorization",
            "bearer abc"
        )])));
        assert!(!has_bearer_token(&headers(&[(
            "authorization",
            "Basic abc"
        )])));
        assert!(!has_bearer_token(&headers(&[("authorization", "Bearer ")])));
    }
}
