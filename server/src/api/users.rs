//! Administration of accounts: the list, disabling and enabling (a disabled account's
//! sessions stop working at their next request, and they are deleted too), granting and
//! withdrawing administration (never the last active administrator), and one-time
//! password-reset links (there is no e-mail channel: the administrator hands the link over).

use super::{ApiError, ApiJson, ApiPath, RequestMeta};
use crate::auth::Principal;
use crate::authz::{authorize, Action, Resource};
use crate::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use db::audit::{append_audit_event, AuditOutcome};
use db::users::{AccountChangeError, User};
use serde::{Deserialize, Serialize};
use serde_json::json;
use time::OffsetDateTime;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

/// How long a password-reset link works.
pub const RESET_LIFETIME: time::Duration = time::Duration::hours(24);

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_users))
        .routes(routes!(update_user))
        .routes(routes!(make_reset_link))
}

#[derive(Serialize, ToSchema)]
struct AccountView {
    id: Uuid,
    email: String,
    name: String,
    is_admin: bool,
    disabled: bool,
    #[serde(with = "time::serde::rfc3339")]
    created_at: OffsetDateTime,
}

impl From<User> for AccountView {
    fn from(user: User) -> AccountView {
        AccountView {
            disabled: !user.is_active(),
            id: user.id,
            email: user.email,
            name: user.name,
            is_admin: user.is_admin,
            created_at: user.created_at,
        }
    }
}

/// Every account (administrators).
#[utoipa::path(get, path = "/users", tag = "users",
    responses((status = 200, body = Vec<AccountView>), (status = 401), (status = 403)))]
async fn list_users(
    State(state): State<AppState>,
    principal: Principal,
) -> Result<Json<Vec<AccountView>>, ApiError> {
    authorize(
        &state.pool,
        &principal,
        Action::AdministerUsers,
        Resource::Instance,
    )
    .await?;
    let users = db::users::list_users(&state.pool).await?;
    Ok(Json(users.into_iter().map(AccountView::from).collect()))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct AccountChange {
    disabled: Option<bool>,
    is_admin: Option<bool>,
}

/// Disables or enables an account, grants or withdraws administration (administrators).
/// Disabling ends the account's sessions. 409 `last_admin` when no active administrator
/// would be left.
#[utoipa::path(patch, path = "/users/{id}", tag = "users", params(("id" = Uuid, Path)),
    request_body = AccountChange,
    responses((status = 200, body = AccountView), (status = 403), (status = 404), (status = 409)))]
async fn update_user(
    State(state): State<AppState>,
    principal: Principal,
    meta: RequestMeta,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<AccountChange>,
) -> Result<Json<AccountView>, ApiError> {
    authorize(
        &state.pool,
        &principal,
        Action::AdministerUsers,
        Resource::Instance,
    )
    .await?;
    let mut tx = state.pool.begin().await?;
    let user = db::users::update_account(&mut tx, id, body.disabled, body.is_admin)
        .await
        .map_err(|err| match err {
            AccountChangeError::NotFound => ApiError::not_found("account"),
            AccountChangeError::LastAdmin => ApiError::new(
                StatusCode::CONFLICT,
                "last_admin",
                "this is the last active administrator: make another account an administrator first",
            ),
            AccountChangeError::Database(err) => ApiError::internal(err),
        })?;
    let mut ended = 0;
    if body.disabled == Some(true) {
        ended = db::sessions::end_other_sessions(&mut *tx, id, None).await?;
    }
    let mut event = meta.event_by(
        principal.user.id,
        "admin.user.update",
        AuditOutcome::Success,
    );
    event.target = Some(format!("user:{id}"));
    event.details = json!({
        "disabled": body.disabled,
        "is_admin": body.is_admin,
        "sessions_ended": ended,
    });
    append_audit_event(&mut tx, &event).await?;
    tx.commit().await?;
    Ok(Json(user.into()))
}

#[derive(Serialize, ToSchema)]
struct ResetLink {
    /// The one-time link to hand to the account's owner; shown this once.
    link: String,
    #[serde(with = "time::serde::rfc3339")]
    expires_at: OffsetDateTime,
}

/// Makes a one-time password-reset link for an account (administrators): 201.
#[utoipa::path(post, path = "/users/{id}/password-reset", tag = "users", params(("id" = Uuid, Path)),
    responses((status = 201, body = ResetLink), (status = 403), (status = 404)))]
async fn make_reset_link(
    State(state): State<AppState>,
    principal: Principal,
    meta: RequestMeta,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<(StatusCode, Json<ResetLink>), ApiError> {
    authorize(
        &state.pool,
        &principal,
        Action::AdministerUsers,
        Resource::Instance,
    )
    .await?;
    let mut tx = state.pool.begin().await?;
    let user = db::users::get_user(&mut *tx, id)
        .await?
        .ok_or_else(|| ApiError::not_found("account"))?;
    let (link, expires_at) =
        create_reset_link(&mut tx, &state.public_url, user.id, Some(principal.user.id)).await?;
    let mut event = meta.event_by(
        principal.user.id,
        "admin.user.reset_link",
        AuditOutcome::Success,
    );
    event.target = Some(format!("user:{id}"));
    append_audit_event(&mut tx, &event).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(ResetLink { link, expires_at })))
}

/// Stores a new reset token for `user` and returns its link and expiry (shared with
/// `rampart user reset-password`).
pub async fn create_reset_link(
    conn: &mut sqlx::PgConnection,
    public_url: &str,
    user: Uuid,
    created_by: Option<Uuid>,
) -> Result<(String, OffsetDateTime), sqlx::Error> {
    let token = crate::auth::random_token();
    let expires_at = OffsetDateTime::now_utc() + RESET_LIFETIME;
    db::users::create_password_reset(
        &mut *conn,
        &crate::auth::secret_hash(&token),
        user,
        created_by,
        expires_at,
    )
    .await?;
    Ok((
        format!("{public_url}/reset-password#token={token}"),
        expires_at,
    ))
}
