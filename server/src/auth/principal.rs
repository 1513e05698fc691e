//! Who is making a request: [`Principal`], the extractor every authenticated handler takes.
//!
//! A request with `Authorization: Bearer rpt_…` is authenticated by that API token alone
//! (a bad token is 401, never a fall-back to the cookie); any other request by its session
//! ([`super::session::signed_in_user`]). Handlers then ask [`crate::authz::authorize`].

use super::session::signed_in_user;
use crate::api::ApiError;
use crate::authz::Via;
use crate::AppState;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use tower_sessions::Session;

/// The prefix of every API token, so leaked tokens are easy to recognise and scan for.
pub const TOKEN_PREFIX: &str = "rpt_";

/// A new API token: the prefix and 256 random bits.
pub fn new_api_token() -> String {
    format!("{TOKEN_PREFIX}{}", super::random_token())
}

/// The authenticated caller.
#[derive(Debug, Clone)]
pub struct Principal {
    pub user: db::users::User,
    pub via: Via,
    /// The session, when authenticated by one.
    pub session: Option<Session>,
}

impl Principal {
    /// The session's id, when authenticated by a saved session.
    pub fn session_id(&self) -> Option<String> {
        self.session
            .as_ref()
            .and_then(Session::id)
            .map(|id| id.to_string())
    }
}

fn bearer(parts: &Parts) -> Option<&str> {
    let value = parts.headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim())
        .filter(|token| !token.is_empty())
}

fn invalid_token() -> ApiError {
    ApiError::new(
        StatusCode::UNAUTHORIZED,
        "invalid_token",
        "the API token is unknown, expired or revoked",
    )
}

impl FromRequestParts<AppState> for Principal {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        if let Some(token) = bearer(parts) {
            let found = db::tokens::use_token(&state.pool, &super::secret_hash(token))
                .await?
                .ok_or_else(invalid_token)?;
            let user = db::users::get_user(&state.pool, found.user_id)
                .await?
                .filter(db::users::User::is_active)
                .ok_or_else(invalid_token)?;
            return Ok(Principal {
                user,
                via: Via::Token {
                    read_only: found.read_only,
                },
                session: None,
            });
        }
        let (user, session) = signed_in_user(parts, state).await?;
        Ok(Principal {
            user,
            via: Via::Session,
            session: Some(session),
        })
    }
}
