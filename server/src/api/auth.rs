//! Accounts and sessions over REST: the CSRF token, first-admin setup, sign-up, sign-in,
//! sign-out, password change and reset, the signed-in user and their sessions. Each success
//! and failure is an audit event.

use super::{ApiError, ApiJson, ApiPath, RequestMeta};
use crate::auth::{check_policy, csrf, session, throttle, Principal};
use crate::authz::{authorize, Action, Resource};
use crate::AppState;
use axum::extract::{FromRequestParts, State};
use axum::http::{header, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use db::audit::{append_audit_event, append_audit_event_with_pool, AuditOutcome};
use db::users::{InsertUserError, NewUser, User};
use serde::{Deserialize, Serialize};
use serde_json::json;
use time::OffsetDateTime;
use tower_sessions::Session;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(csrf_token))
        .routes(routes!(options))
        .routes(routes!(setup))
        .routes(routes!(sign_in))
        .routes(routes!(sign_up))
        .routes(routes!(sign_out))
        .routes(routes!(change_password))
        .routes(routes!(reset_password))
        .routes(routes!(me))
        .routes(routes!(list_sessions))
        .routes(routes!(end_session))
}

/// An account as the API shows it: never the hash.
#[derive(Debug, Serialize, ToSchema)]
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
pub(crate) struct Sess(pub Session);

impl<S: Send + Sync> FromRequestParts<S> for Sess {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _: &S,
    ) -> Result<Self, ApiError> {
        session::session_of(parts).map(Sess)
    }
}

#[derive(Serialize, ToSchema)]
struct CsrfToken {
    token: String,
}

/// The token to send as `X-CSRF-Token` on every unsafe request of this session. Makes a
/// (pre-)session, and so sets the cookie, when there is none.
#[utoipa::path(get, path = "/auth/csrf", tag = "auth",
    responses((status = 200, body = CsrfToken)))]
async fn csrf_token(Sess(session): Sess) -> Result<Json<CsrfToken>, ApiError> {
    let token = csrf::token_for(&session).await?;
    Ok(Json(CsrfToken { token }))
}

#[derive(Serialize, ToSchema)]
struct Options {
    /// `open`: anyone may sign up; `invitation`: only with a team invitation.
    signup: &'static str,
}

/// What this instance allows before sign-in.
#[utoipa::path(get, path = "/auth/options", tag = "auth",
    responses((status = 200, body = Options)))]
async fn options(State(state): State<AppState>) -> Json<Options> {
    Json(Options {
        signup: if state.auth.open_signup {
            "open"
        } else {
            "invitation"
        },
    })
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

/// Checks a new password against the policy (R2), naming `field` on failure.
pub fn valid_password_for(
    field: &str,
    password: &str,
    email: &str,
    name: &str,
) -> Result<(), ApiError> {
    check_policy(password, &[email, name])
        .map_err(|err| ApiError::invalid_field(field, err.to_string()))
}

/// Checks a new password against the policy (R2), naming the field `password`.
pub fn valid_password(password: &str, email: &str, name: &str) -> Result<(), ApiError> {
    valid_password_for("password", password, email, name)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct SetupRequest {
    token: String,
    email: String,
    name: String,
    password: String,
}

/// Creates the first administrator with the one-time token printed at start-up: 201 and the
/// account. 410 `setup_unavailable` when the token is unknown, expired or used, or an account
/// exists already; 422 when a field breaks a rule (the token is then still valid).
#[utoipa::path(post, path = "/auth/setup", tag = "auth", request_body = SetupRequest,
    responses((status = 201, body = UserView), (status = 410), (status = 422)))]
async fn setup(
    State(state): State<AppState>,
    meta: RequestMeta,
    ApiJson(body): ApiJson<SetupRequest>,
) -> Result<Response, ApiError> {
    let email = valid_email(&body.email)?;
    let name = valid_name(&body.name)?;
    valid_password(&body.password, email, name)?;
    let hash = state.auth.hasher.hash(body.password).await?;

    let mut tx = state.pool.begin().await?;
    let token_hash = crate::auth::secret_hash(&body.token);
    if !db::users::consume_setup_token(&mut tx, &token_hash).await? {
        drop(tx);
        let event = meta.event("auth.setup", AuditOutcome::Failure);
        append_audit_event_with_pool(&state.pool, &event).await?;
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
    let mut event = meta.event_by(user.id, "auth.setup", AuditOutcome::Success);
    event.target = Some(format!("user:{}", user.id));
    event.details = json!({ "is_admin": true });
    append_audit_event(&mut tx, &event).await?;
    tx.commit().await?;
    tracing::info!(user_id = %user.id, "first administrator created");
    Ok((StatusCode::CREATED, Json(UserView::from(&user))).into_response())
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct SignInRequest {
    email: String,
    password: String,
}

#[derive(Serialize, ToSchema)]
struct SignedIn {
    user: UserView,
    /// The session's new CSRF token (the one from before sign-in no longer works).
    csrf_token: String,
}

/// Signs the session in as `user` under a new id, records it in `user_sessions`, and returns
/// the new CSRF token.
async fn start_session(
    state: &AppState,
    session: &Session,
    user: &User,
    meta: &RequestMeta,
) -> Result<String, ApiError> {
    session::sign_in(session, user.id).await?;
    let csrf_token = csrf::renew(session).await?;
    // Saved now rather than by the layer after the response, so the row exists for the
    // session index and the audited sign-in.
    session.save().await?;
    if let Some(id) = session.id() {
        db::sessions::record_sign_in(
            &state.pool,
            &id.to_string(),
            user.id,
            meta.client_addr,
            meta.user_agent.as_deref(),
        )
        .await?;
    }
    Ok(csrf_token)
}

/// 200 `{"user": {...}, "csrf_token": "..."}` and the session cookie under a new id. Every
/// failure (unknown address, wrong password, disabled account) is the same 401
/// `invalid_credentials`, after the same work: a password check runs even when no account
/// matches (R4). Too many failures for the address typed or from the client's address:
/// 429 `too_many_attempts` with `Retry-After` (R3).
#[utoipa::path(post, path = "/auth/signin", tag = "auth", request_body = SignInRequest,
    responses((status = 200, body = SignedIn), (status = 401), (status = 429)))]
async fn sign_in(
    State(state): State<AppState>,
    Sess(session): Sess,
    meta: RequestMeta,
    ApiJson(body): ApiJson<SignInRequest>,
) -> Result<Json<SignedIn>, ApiError> {
    if let Err(refused) = throttle::check(
        &state.pool,
        &state.auth.throttle,
        &body.email,
        meta.client_addr,
    )
    .await
    {
        if refused.status == StatusCode::TOO_MANY_REQUESTS {
            let mut event = meta.event("auth.signin", AuditOutcome::Denied);
            event.details = json!({ "reason": "throttled" });
            append_audit_event_with_pool(&state.pool, &event).await?;
        }
        return Err(refused);
    }
    let user = db::users::find_user_by_email(&state.pool, body.email.trim()).await?;
    let matches = state
        .auth
        .hasher
        .verify(
            body.password.clone(),
            user.as_ref().map(|u| u.password_hash.clone()),
        )
        .await?;
    let failure = match &user {
        None => Some("unknown_account"),
        Some(_) if !matches => Some("wrong_password"),
        Some(user) if !user.is_active() => Some("disabled"),
        Some(_) => None,
    };
    if let Some(reason) = failure {
        throttle::record_failure(&state.pool, &body.email, meta.client_addr).await?;
        let mut event = meta.event("auth.signin", AuditOutcome::Failure);
        if let Some(user) = &user {
            event.target = Some(format!("user:{}", user.id));
        }
        event.details = json!({ "reason": reason });
        append_audit_event_with_pool(&state.pool, &event).await?;
        return Err(ApiError::invalid_credentials());
    }
    let user = user.expect("a success has an account");
    throttle::record_success(&state.pool, &body.email).await?;
    upgrade_hash(&state, &user, body.password).await;
    let csrf_token = start_session(&state, &session, &user, &meta).await?;
    let mut event = meta.event_by(user.id, "auth.signin", AuditOutcome::Success);
    event.target = Some(format!("user:{}", user.id));
    append_audit_event_with_pool(&state.pool, &event).await?;
    Ok(Json(SignedIn {
        user: UserView::from(&user),
        csrf_token,
    }))
}

/// Rehashes a verified password whose stored hash uses weaker parameters than today's (R1).
/// A failure is logged and changes nothing: the old hash still works.
async fn upgrade_hash(state: &AppState, user: &User, password: String) {
    if !state.auth.hasher.needs_rehash(&user.password_hash) {
        return;
    }
    let outcome = async {
        let hash = state.auth.hasher.hash(password).await?;
        db::users::set_password_hash(&state.pool, user.id, &hash).await?;
        anyhow::Ok(())
    }
    .await;
    match outcome {
        Ok(()) => {
            tracing::info!(user_id = %user.id, "password hash upgraded to the current parameters")
        }
        Err(err) => {
            tracing::warn!(user_id = %user.id, error = %err, "cannot upgrade a password hash")
        }
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct SignUpRequest {
    email: String,
    password: String,
    name: String,
    /// The token of a team invitation (from its link); required unless sign-up is open.
    #[serde(default)]
    invitation: Option<String>,
}

fn invitation_unavailable() -> ApiError {
    ApiError::new(
        StatusCode::GONE,
        "invitation_unavailable",
        "this invitation is invalid, expired, revoked or already used; ask the team's owner for a new one",
    )
}

fn invitation_for_another_address() -> ApiError {
    ApiError::new(
        StatusCode::FORBIDDEN,
        "invitation_for_another_address",
        "this invitation was sent to another e-mail address",
    )
}

/// Creates an account and signs it in: 201 `{"user", "csrf_token"}`. Without an invitation
/// only when sign-up is open (`RAMPART_SIGNUP=open`), otherwise 403 `signup_closed`. With one,
/// the e-mail address must be the invited one, and the invitation is accepted.
#[utoipa::path(post, path = "/auth/signup", tag = "auth", request_body = SignUpRequest,
    responses((status = 201, body = SignedIn), (status = 403), (status = 409), (status = 410), (status = 422)))]
async fn sign_up(
    State(state): State<AppState>,
    Sess(session): Sess,
    meta: RequestMeta,
    ApiJson(body): ApiJson<SignUpRequest>,
) -> Result<Response, ApiError> {
    let email = valid_email(&body.email)?;
    let name = valid_name(&body.name)?;
    let invitation = match body.invitation.as_deref().filter(|t| !t.is_empty()) {
        Some(token) => {
            let found =
                db::teams::find_invitation_by_token(&state.pool, &crate::auth::secret_hash(token))
                    .await?
                    .ok_or_else(invitation_unavailable)?;
            if !found.email.eq_ignore_ascii_case(email) {
                return Err(invitation_for_another_address());
            }
            Some(found)
        }
        None if state.auth.open_signup => None,
        None => {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "signup_closed",
                "accounts are made by invitation only: ask a team owner to invite you",
            ))
        }
    };
    valid_password(&body.password, email, name)?;
    let hash = state.auth.hasher.hash(body.password).await?;
    let mut tx = state.pool.begin().await?;
    let user = db::users::insert_user(
        &mut *tx,
        &NewUser {
            email,
            name,
            password_hash: &hash,
            is_admin: false,
        },
    )
    .await?;
    let mut event = meta.event_by(user.id, "auth.signup", AuditOutcome::Success);
    event.target = Some(format!("user:{}", user.id));
    if let Some(invitation) = &invitation {
        let accepted = db::teams::accept_invitation(&mut tx, invitation.id, user.id)
            .await?
            .ok_or_else(invitation_unavailable)?;
        event.details = json!({
            "invitation_id": accepted.id,
            "team_id": accepted.team_id,
            "role": accepted.role.as_str(),
        });
    }
    append_audit_event(&mut tx, &event).await?;
    tx.commit().await?;
    let csrf_token = start_session(&state, &session, &user, &meta).await?;
    Ok((
        StatusCode::CREATED,
        Json(SignedIn {
            user: UserView::from(&user),
            csrf_token,
        }),
    )
        .into_response())
}

/// 204: deletes the session on the server, expires the cookie and asks the browser to clear
/// what it kept (`Clear-Site-Data`).
#[utoipa::path(post, path = "/auth/signout", tag = "auth", responses((status = 204)))]
async fn sign_out(
    State(state): State<AppState>,
    Sess(session): Sess,
    meta: RequestMeta,
) -> Result<Response, ApiError> {
    let user_id: Option<uuid::Uuid> = session.get(session::USER_ID).await?;
    session.flush().await?;
    let mut event = meta.event("auth.signout", AuditOutcome::Success);
    event.actor = user_id.map(|id| id.to_string());
    append_audit_event_with_pool(&state.pool, &event).await?;
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

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct PasswordChange {
    current_password: String,
    new_password: String,
}

/// Changes the signed-in user's password: 204, and every other session of theirs ends.
/// 422 naming `current_password` when it is wrong, `new_password` when the policy refuses it.
#[utoipa::path(post, path = "/auth/password", tag = "auth", request_body = PasswordChange,
    responses((status = 204), (status = 401), (status = 422)))]
async fn change_password(
    State(state): State<AppState>,
    principal: Principal,
    meta: RequestMeta,
    ApiJson(body): ApiJson<PasswordChange>,
) -> Result<StatusCode, ApiError> {
    authorize(
        &state.pool,
        &principal,
        Action::ManageCredentials,
        Resource::OwnAccount,
    )
    .await?;
    let user = &principal.user;
    let matches = state
        .auth
        .hasher
        .verify(body.current_password, Some(user.password_hash.clone()))
        .await?;
    let mut event = meta.event_by(user.id, "auth.password.change", AuditOutcome::Failure);
    event.target = Some(format!("user:{}", user.id));
    if !matches {
        event.details = json!({ "reason": "wrong_current_password" });
        append_audit_event_with_pool(&state.pool, &event).await?;
        return Err(ApiError::invalid_field(
            "current_password",
            "the current password is incorrect",
        ));
    }
    valid_password_for("new_password", &body.new_password, &user.email, &user.name)?;
    let hash = state.auth.hasher.hash(body.new_password).await?;
    let mut tx = state.pool.begin().await?;
    db::users::set_password_hash(&mut *tx, user.id, &hash).await?;
    let ended =
        db::sessions::end_other_sessions(&mut *tx, user.id, principal.session_id().as_deref())
            .await?;
    event.outcome = AuditOutcome::Success;
    event.details = json!({ "other_sessions_ended": ended });
    append_audit_event(&mut tx, &event).await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct PasswordReset {
    /// The token of the reset link (`/reset-password#token=...`).
    token: String,
    new_password: String,
}

fn reset_unavailable() -> ApiError {
    ApiError::new(
        StatusCode::GONE,
        "reset_unavailable",
        "this reset link is invalid, expired or already used; ask an administrator for a new one",
    )
}

/// Sets a new password with a one-time reset link's token: 204, and every session of the
/// account ends. 410 `reset_unavailable`; 422 `new_password` when the policy refuses it
/// (the token then stays usable).
#[utoipa::path(post, path = "/auth/password-reset", tag = "auth", request_body = PasswordReset,
    responses((status = 204), (status = 410), (status = 422)))]
async fn reset_password(
    State(state): State<AppState>,
    meta: RequestMeta,
    ApiJson(body): ApiJson<PasswordReset>,
) -> Result<StatusCode, ApiError> {
    let token_hash = crate::auth::secret_hash(&body.token);
    let mut tx = state.pool.begin().await?;
    let Some(user_id) = db::users::consume_password_reset(&mut tx, &token_hash).await? else {
        drop(tx);
        let mut event = meta.event("auth.password.reset", AuditOutcome::Failure);
        event.details = json!({ "reason": "unknown_token" });
        append_audit_event_with_pool(&state.pool, &event).await?;
        return Err(reset_unavailable());
    };
    let user = db::users::get_user(&mut *tx, user_id)
        .await?
        .ok_or_else(reset_unavailable)?;
    valid_password_for("new_password", &body.new_password, &user.email, &user.name)?;
    let hash = state.auth.hasher.hash(body.new_password).await?;
    db::users::set_password_hash(&mut *tx, user.id, &hash).await?;
    let ended = db::sessions::end_other_sessions(&mut *tx, user.id, None).await?;
    let mut event = meta.event_by(user.id, "auth.password.reset", AuditOutcome::Success);
    event.target = Some(format!("user:{}", user.id));
    event.details = json!({ "sessions_ended": ended });
    append_audit_event(&mut tx, &event).await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The signed-in user: 200 `{id, email, name, is_admin}`, or 401 `unauthenticated`.
#[utoipa::path(get, path = "/me", tag = "auth",
    responses((status = 200, body = UserView), (status = 401)))]
async fn me(
    State(state): State<AppState>,
    principal: Principal,
) -> Result<Json<UserView>, ApiError> {
    authorize(
        &state.pool,
        &principal,
        Action::AccountRead,
        Resource::OwnAccount,
    )
    .await?;
    Ok(Json(UserView::from(&principal.user)))
}

#[derive(Serialize, ToSchema)]
struct SessionView {
    /// A public id (not the session id, which never leaves the cookie).
    id: String,
    #[serde(with = "time::serde::rfc3339")]
    signed_in_at: OffsetDateTime,
    /// When the session ends unless used again.
    #[serde(with = "time::serde::rfc3339")]
    expires_at: OffsetDateTime,
    client_addr: Option<String>,
    user_agent: Option<String>,
    /// Whether this is the session making the request.
    current: bool,
}

/// The signed-in user's live sessions, the newest first.
#[utoipa::path(get, path = "/me/sessions", tag = "auth",
    responses((status = 200, body = Vec<SessionView>), (status = 401)))]
async fn list_sessions(
    State(state): State<AppState>,
    principal: Principal,
) -> Result<Json<Vec<SessionView>>, ApiError> {
    authorize(
        &state.pool,
        &principal,
        Action::ManageCredentials,
        Resource::OwnAccount,
    )
    .await?;
    let sessions = db::sessions::list_sessions(
        &state.pool,
        principal.user.id,
        principal.session_id().as_deref(),
    )
    .await?;
    Ok(Json(
        sessions
            .into_iter()
            .map(|s| SessionView {
                id: s.id,
                signed_in_at: s.signed_in_at,
                expires_at: s.expires_at,
                client_addr: s.client_addr,
                user_agent: s.user_agent,
                current: s.current,
            })
            .collect(),
    ))
}

/// Ends one of the signed-in user's sessions: 204 (ending the current one signs this
/// browser out); 404 when there is no such session of theirs.
#[utoipa::path(delete, path = "/me/sessions/{id}", tag = "auth",
    params(("id" = String, Path, description = "the session's public id")),
    responses((status = 204), (status = 404)))]
async fn end_session(
    State(state): State<AppState>,
    principal: Principal,
    meta: RequestMeta,
    ApiPath(id): ApiPath<String>,
) -> Result<StatusCode, ApiError> {
    authorize(
        &state.pool,
        &principal,
        Action::ManageCredentials,
        Resource::OwnAccount,
    )
    .await?;
    let ended = db::sessions::end_session(&state.pool, principal.user.id, &id).await?;
    if !ended {
        return Err(ApiError::not_found("session"));
    }
    let mut event = meta.event_by(principal.user.id, "auth.session.end", AuditOutcome::Success);
    event.target = Some(format!("user:{}", principal.user.id));
    append_audit_event_with_pool(&state.pool, &event).await?;
    Ok(StatusCode::NO_CONTENT)
}

impl From<InsertUserError> for ApiError {
    fn from(err: InsertUserError) -> ApiError {
        match err {
            InsertUserError::EmailTaken => ApiError::new(
                StatusCode::CONFLICT,
                "email_taken",
                "an account with this e-mail address already exists; sign in instead",
            ),
            InsertUserError::Database(err) => ApiError::internal(err),
        }
    }
}
