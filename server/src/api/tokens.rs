//! Personal API tokens (`Authorization: Bearer rpt_…`): named, expiring, optionally
//! read-only; only their hash is stored, the token is shown once; revocable. Managed from a
//! signed-in session only: a token cannot make or list tokens.

use super::{ApiError, ApiJson, ApiPath, RequestMeta};
use crate::auth::principal::new_api_token;
use crate::auth::Principal;
use crate::authz::{authorize, Action, Resource};
use crate::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use db::audit::{append_audit_event_with_pool, AuditOutcome};
use db::tokens::ApiToken;
use serde::{Deserialize, Serialize};
use serde_json::json;
use time::OffsetDateTime;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_tokens, create_token))
        .routes(routes!(revoke_token))
}

#[derive(Serialize, ToSchema)]
pub struct TokenView {
    id: Uuid,
    name: String,
    read_only: bool,
    #[serde(with = "time::serde::rfc3339")]
    created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    expires_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    last_used_at: Option<OffsetDateTime>,
}

impl From<ApiToken> for TokenView {
    fn from(token: ApiToken) -> TokenView {
        TokenView {
            id: token.id,
            name: token.name,
            read_only: token.read_only,
            created_at: token.created_at,
            expires_at: token.expires_at,
            last_used_at: token.last_used_at,
        }
    }
}

/// The signed-in user's live tokens, newest first (never the tokens themselves).
#[utoipa::path(get, path = "/tokens", tag = "tokens",
    responses((status = 200, body = Vec<TokenView>), (status = 401), (status = 403)))]
async fn list_tokens(
    State(state): State<AppState>,
    principal: Principal,
) -> Result<Json<Vec<TokenView>>, ApiError> {
    authorize(
        &state.pool,
        &principal,
        Action::TokensRead,
        Resource::OwnAccount,
    )
    .await?;
    let tokens = db::tokens::list_tokens(&state.pool, principal.user.id).await?;
    Ok(Json(tokens.into_iter().map(TokenView::from).collect()))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct NewToken {
    name: String,
    /// Days until the token stops working: 1 to 365.
    expires_in_days: u32,
    /// When true the token can only read.
    #[serde(default)]
    read_only: bool,
}

#[derive(Serialize, ToSchema)]
struct CreatedToken {
    #[serde(flatten)]
    view: TokenView,
    /// The token itself; it is shown this once and cannot be retrieved again.
    token: String,
}

/// Makes a token: 201 with the token, shown this once.
#[utoipa::path(post, path = "/tokens", tag = "tokens", request_body = NewToken,
    responses((status = 201, body = CreatedToken), (status = 401), (status = 403), (status = 422)))]
async fn create_token(
    State(state): State<AppState>,
    principal: Principal,
    meta: RequestMeta,
    ApiJson(body): ApiJson<NewToken>,
) -> Result<(StatusCode, Json<CreatedToken>), ApiError> {
    authorize(
        &state.pool,
        &principal,
        Action::ManageCredentials,
        Resource::OwnAccount,
    )
    .await?;
    let name = body.name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(ApiError::invalid_field(
            "name",
            "the token's name must have 1 to 100 characters",
        ));
    }
    if !(1..=365).contains(&body.expires_in_days) {
        return Err(ApiError::invalid_field(
            "expires_in_days",
            "a token expires after 1 to 365 days",
        ));
    }
    let token = new_api_token();
    let created = db::tokens::create_token(
        &state.pool,
        &db::tokens::NewToken {
            user_id: principal.user.id,
            name,
            token_hash: &crate::auth::secret_hash(&token),
            read_only: body.read_only,
            expires_at: OffsetDateTime::now_utc()
                + time::Duration::days(i64::from(body.expires_in_days)),
        },
    )
    .await?;
    let mut event = meta.event_by(principal.user.id, "token.create", AuditOutcome::Success);
    event.target = Some(format!("token:{}", created.id));
    event.details = json!({
        "name": created.name,
        "read_only": created.read_only,
        "expires_in_days": body.expires_in_days,
    });
    append_audit_event_with_pool(&state.pool, &event).await?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedToken {
            view: created.into(),
            token,
        }),
    ))
}

/// Revokes one of the signed-in user's tokens: 204; 404 when they have no such live token.
#[utoipa::path(delete, path = "/tokens/{id}", tag = "tokens",
    params(("id" = Uuid, Path)),
    responses((status = 204), (status = 401), (status = 403), (status = 404)))]
async fn revoke_token(
    State(state): State<AppState>,
    principal: Principal,
    meta: RequestMeta,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<StatusCode, ApiError> {
    authorize(
        &state.pool,
        &principal,
        Action::ManageCredentials,
        Resource::OwnAccount,
    )
    .await?;
    if !db::tokens::revoke_token(&state.pool, principal.user.id, id).await? {
        return Err(ApiError::not_found("token"));
    }
    let mut event = meta.event_by(principal.user.id, "token.revoke", AuditOutcome::Success);
    event.target = Some(format!("token:{id}"));
    append_audit_event_with_pool(&state.pool, &event).await?;
    Ok(StatusCode::NO_CONTENT)
}
