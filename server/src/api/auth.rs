//! Accounts and sessions over REST: the CSRF token, first-admin setup, sign-in, sign-out and
//! the signed-in user. Each success and failure is an audit event.

use super::{ApiError, ApiJson, RequestMeta};
use crate::auth::{check_policy, csrf, session, CurrentUser};
use crate::AppState;
use axum::extract::{FromRequestParts, State};
use axum::http::{header, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use db::audit::{append_audit_event, append_audit_event_with_pool, AuditOutcome};
use db::users::{InsertUserError, NewUser, User};
use serde::{Deserialize, Serialize};
use serde_json::json;
use tower_sessions::Session;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/auth/csrf", get(csrf_token))
        .route("/auth/setup", post(setup))
        .route("/auth/signin", post(sign_in))
        .route("/auth/signout", post(sign_out))
        .route("/me", get(me))
}

/// An account as the API shows it: never the hash.
#[derive(Debug, Serialize)]
pub struct UserView {
    pub id: uuid::Uuid,
    pub email: String,
    pub name: String,
    pub is_admin: bool,
}

impl From<&User> for UserView {
    fn from(user: &User) -> UserView {
        UserView {
            id: user.id,
            email: user.email.clone(),
            name: user.name.clone(),
            is_admin: user.is_admin,
        }
    }
}

/// The session of the request (the session layer always provides one).
struct Sess(Session);

impl<S: Send + Sync> FromRequestParts<S> for Sess {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _: &S,
    ) -> Result<Self, ApiError> {
        session::session_of(parts).map(Sess)
    }
}

/// GET /api/v1/auth/csrf
///
/// 200 `{"token": "..."}`: the token to send as `X-CSRF-Token` on every unsafe request of this
/// session. Makes a (pre-)session, and so sets the cookie, when there is none.
async fn csrf_token(Sess(session): Sess) -> Result<Json<serde_json::Value>, ApiError> {
    let token = csrf::token_for(&session).await?;
    Ok(Json(json!({ "token": token })))
}

/// Checks an e-mail address's shape; returns it without surrounding spaces.
pub fn valid_email(email: &str) -> Result<&str, ApiError> {
    let email = email.trim();
    let shaped = email.len() <= 254
        && email
            .split_once('@')
            .is_some_and(|(local, domain)| !local.is_empty() && !domain.is_empty())
        && !email.chars().any(char::is_whitespace);
    if shaped {
        Ok(email)
    } else {
        Err(ApiError::invalid_field(
            "email",
            "enter an e-mail address such as name@example.com",
        ))
    }
}

/// Checks a display name: 1 to 200 characters after trimming.
pub fn valid_name(name: &str) -> Result<&str, ApiError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(ApiError::invalid_field(
            "name",
            "the name must have 1 to 200 characters",
        ));
    }
    Ok(name)
}

/// Checks a new password against the policy (R2), naming the field on failure.
pub fn valid_password(password: &str, email: &str, name: &str) -> Result<(), ApiError> {
    check_policy(password, &[email, name])
        .map_err(|err| ApiError::invalid_field("password", err.to_string()))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SetupRequest {
    token: String,
    email: String,
    name: String,
    password: String,
}

/// POST /api/v1/auth/setup `{token, email, name, password}`
///
/// Creates the first administrator with the one-time token printed at start-up: 201 and the
/// account. 410 `setup_unavailable` when the token is unknown, expired or used, or an account
/// exists already; 422 when a field breaks a rule (the token is then still valid).
async fn setup(
    State(state): State<AppState>,
    meta: RequestMeta,
    ApiJson(body): ApiJson<SetupRequest>,
) -> Result<Response, ApiError> {
    let email = valid_email(&body.email)?;
    let name = valid_name(&body.name)?;
    valid_password(&body.password, email, name)?;
    let hash = state
        .auth
        .hasher
        .hash(body.password)
        .await
        .map_err(ApiError::internal)?;

    let mut tx = state.pool.begin().await.map_err(ApiError::internal)?;
    let token_hash = crate::auth::setup::token_hash(&body.token);
    if !db::users::consume_setup_token(&mut tx, &token_hash)
        .await
        .map_err(ApiError::internal)?
    {
        drop(tx);
        let event = meta.event("auth.setup", AuditOutcome::Failure);
        append_audit_event_with_pool(&state.pool, &event)
            .await
            .map_err(ApiError::internal)?;
        return Err(ApiError::new(
            StatusCode::GONE,
            "setup_unavailable",
            "this setup link is invalid, expired or already used; ask an administrator for an account",
        ));
    }
    let user = db::users::insert_user(
        &mut *tx,
        &NewUser {
            email,
            name,
            password_hash: &hash,
            is_admin: true,
        },
    )
    .await?;
    let mut event = meta.event("auth.setup", AuditOutcome::Success);
    event.actor = Some(user.id.to_string());
    event.target = Some(format!("user:{}", user.id));
    event.details = json!({ "is_admin": true });
    append_audit_event(&mut tx, &event)
        .await
        .map_err(ApiError::internal)?;
    tx.commit().await.map_err(ApiError::internal)?;
    tracing::info!(user_id = %user.id, "first administrator created");
    Ok((StatusCode::CREATED, Json(UserView::from(&user))).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SignInRequest {
    email: String,
    password: String,
}

#[derive(Serialize)]
struct SignedIn {
    user: UserView,
    /// The session's new CSRF token (the one from before sign-in no longer works).
    csrf_token: String,
}

/// POST /api/v1/auth/signin `{email, password}`
///
/// 200 `{"user": {...}, "csrf_token": "..."}` and the session cookie under a new id. Every
/// failure (unknown address, wrong password, disabled account) is the same 401
/// `invalid_credentials`, after the same work: a password check runs even when no account
/// matches (R4).
async fn sign_in(
    State(state): State<AppState>,
    Sess(session): Sess,
    meta: RequestMeta,
    ApiJson(body): ApiJson<SignInRequest>,
) -> Result<Json<SignedIn>, ApiError> {
    let user = db::users::find_user_by_email(&state.pool, body.email.trim())
        .await
        .map_err(ApiError::internal)?;
    let matches = state
        .auth
        .hasher
        .verify(
            body.password,
            user.as_ref().map(|u| u.password_hash.clone()),
        )
        .await
        .map_err(ApiError::internal)?;
    let failure = match &user {
        None => Some("unknown_account"),
        Some(_) if !matches => Some("wrong_password"),
        Some(user) if !user.is_active() => Some("disabled"),
        Some(_) => None,
    };
    if let Some(reason) = failure {
        let mut event = meta.event("auth.signin", AuditOutcome::Failure);
        if let Some(user) = &user {
            event.target = Some(format!("user:{}", user.id));
        }
        event.details = json!({ "reason": reason });
        append_audit_event_with_pool(&state.pool, &event)
            .await
            .map_err(ApiError::internal)?;
        return Err(ApiError::invalid_credentials());
    }
    let user = user.expect("a success has an account");
    session::sign_in(&session, user.id).await?;
    let csrf_token = csrf::renew(&session).await?;
    // Saved now rather than by the layer after the response, so the audited sign-in exists.
    session.save().await.map_err(ApiError::internal)?;
    let mut event = meta.event("auth.signin", AuditOutcome::Success);
    event.actor = Some(user.id.to_string());
    event.target = Some(format!("user:{}", user.id));
    append_audit_event_with_pool(&state.pool, &event)
        .await
        .map_err(ApiError::internal)?;
    Ok(Json(SignedIn {
        user: UserView::from(&user),
        csrf_token,
    }))
}

/// POST /api/v1/auth/signout
///
/// 204: deletes the session on the server, expires the cookie and asks the browser to clear
/// what it kept (`Clear-Site-Data`).
async fn sign_out(
    State(state): State<AppState>,
    Sess(session): Sess,
    meta: RequestMeta,
) -> Result<Response, ApiError> {
    let user_id: Option<uuid::Uuid> = session
        .get(session::USER_ID)
        .await
        .map_err(ApiError::internal)?;
    session.flush().await.map_err(ApiError::internal)?;
    let mut event = meta.event("auth.signout", AuditOutcome::Success);
    event.actor = user_id.map(|id| id.to_string());
    append_audit_event_with_pool(&state.pool, &event)
        .await
        .map_err(ApiError::internal)?;
    let mut response = StatusCode::NO_CONTENT.into_response();
    response.headers_mut().insert(
        HeaderName::from_static("clear-site-data"),
        HeaderValue::from_static(r#""cache", "cookies", "storage""#),
    );
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

/// GET /api/v1/me
///
/// 200 `{id, email, name, is_admin}` for a signed-in session; 401 `unauthenticated`
/// otherwise.
async fn me(CurrentUser { user }: CurrentUser) -> Json<UserView> {
    Json(UserView::from(&user))
}

impl From<InsertUserError> for ApiError {
    fn from(err: InsertUserError) -> ApiError {
        match err {
            InsertUserError::EmailTaken => ApiError::new(
                StatusCode::CONFLICT,
                "email_taken",
                "an account with this e-mail address already exists",
            ),
            InsertUserError::Database(err) => ApiError::internal(err),
        }
    }
}
