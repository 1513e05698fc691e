//! The invitee's side of invitations: previewing a link before signing in, accepting by link
//! or from the list of invitations addressed to one's e-mail, declining. Accepting needs the
//! account whose address was invited.

use super::teams::{InvitationView, RoleName};
use super::{ApiError, ApiJson, ApiPath, RequestMeta};
use crate::auth::Principal;
use crate::authz::{authorize, Action, Resource};
use crate::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use db::audit::{append_audit_event, append_audit_event_with_pool, AuditOutcome};
use db::teams::Invitation;
use serde::{Deserialize, Serialize};
use serde_json::json;
use time::OffsetDateTime;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(my_invitations))
        .routes(routes!(preview))
        .routes(routes!(accept_by_token))
        .routes(routes!(accept_by_id))
        .routes(routes!(decline))
}

fn unavailable() -> ApiError {
    ApiError::new(
        StatusCode::GONE,
        "invitation_unavailable",
        "this invitation is invalid, expired, revoked or already used; ask the team's owner for a new one",
    )
}

/// The pending invitations addressed to the signed-in user's e-mail address.
#[utoipa::path(get, path = "/invitations", tag = "invitations",
    responses((status = 200, body = Vec<InvitationView>), (status = 401)))]
async fn my_invitations(
    State(state): State<AppState>,
    principal: Principal,
) -> Result<Json<Vec<InvitationView>>, ApiError> {
    authorize(
        &state.pool,
        &principal,
        Action::TeamsList,
        Resource::OwnAccount,
    )
    .await?;
    let invitations =
        db::teams::list_invitations_for_email(&state.pool, &principal.user.email).await?;
    Ok(Json(
        invitations.into_iter().map(InvitationView::from).collect(),
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct TokenBody {
    /// The token of the invitation link (`/invitations#token=...`).
    token: String,
}

#[derive(Serialize, ToSchema)]
struct Preview {
    team_name: String,
    email: String,
    role: RoleName,
    #[serde(with = "time::serde::rfc3339")]
    expires_at: OffsetDateTime,
}

async fn by_token(state: &AppState, token: &str) -> Result<Invitation, ApiError> {
    db::teams::find_invitation_by_token(&state.pool, &crate::auth::secret_hash(token))
        .await?
        .ok_or_else(unavailable)
}

/// What an invitation link offers, so its page can show it before sign-in or sign-up.
/// Anyone holding the link may ask; 410 when it is no longer usable.
#[utoipa::path(post, path = "/invitations/preview", tag = "invitations", request_body = TokenBody,
    responses((status = 200, body = Preview), (status = 410)))]
async fn preview(
    State(state): State<AppState>,
    ApiJson(body): ApiJson<TokenBody>,
) -> Result<Json<Preview>, ApiError> {
    let invitation = by_token(&state, &body.token).await?;
    Ok(Json(Preview {
        team_name: invitation.team_name,
        email: invitation.email,
        role: invitation.role.into(),
        expires_at: invitation.expires_at,
    }))
}

#[derive(Serialize, ToSchema)]
struct Accepted {
    team_id: Uuid,
    team_name: String,
    role: RoleName,
}

/// Accepts `invitation` for the principal, whose address must be the invited one.
async fn accept(
    state: &AppState,
    principal: &Principal,
    meta: &RequestMeta,
    invitation: Invitation,
) -> Result<Json<Accepted>, ApiError> {
    authorize(
        &state.pool,
        principal,
        Action::InvitationRespond,
        Resource::OwnAccount,
    )
    .await?;
    if !invitation.email.eq_ignore_ascii_case(&principal.user.email) {
        let mut event = meta.event_by(
            principal.user.id,
            "team.invitation.accept",
            AuditOutcome::Denied,
        );
        event.target = Some(format!("team:{}", invitation.team_id));
        event.details = json!({ "team_id": invitation.team_id, "invitation_id": invitation.id, "reason": "another_address" });
        append_audit_event_with_pool(&state.pool, &event).await?;
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "invitation_for_another_address",
            "this invitation was sent to another e-mail address; sign in with that account",
        ));
    }
    let mut tx = state.pool.begin().await?;
    let accepted = db::teams::accept_invitation(&mut tx, invitation.id, principal.user.id)
        .await?
        .ok_or_else(unavailable)?;
    let role = db::teams::role_in(&mut *tx, accepted.team_id, principal.user.id)
        .await?
        .unwrap_or(accepted.role);
    let mut event = meta.event_by(
        principal.user.id,
        "team.invitation.accept",
        AuditOutcome::Success,
    );
    event.target = Some(format!("team:{}", accepted.team_id));
    event.details = json!({
        "team_id": accepted.team_id,
        "invitation_id": accepted.id,
        "role": role.as_str(),
    });
    append_audit_event(&mut tx, &event).await?;
    tx.commit().await?;
    Ok(Json(Accepted {
        team_id: accepted.team_id,
        team_name: accepted.team_name,
        role: role.into(),
    }))
}

/// Accepts the invitation of a link: 200 and the team; 410 when it is no longer usable;
/// 403 `invitation_for_another_address`.
#[utoipa::path(post, path = "/invitations/accept", tag = "invitations", request_body = TokenBody,
    responses((status = 200, body = Accepted), (status = 401), (status = 403), (status = 410)))]
async fn accept_by_token(
    State(state): State<AppState>,
    principal: Principal,
    meta: RequestMeta,
    ApiJson(body): ApiJson<TokenBody>,
) -> Result<Json<Accepted>, ApiError> {
    let invitation = by_token(&state, &body.token).await?;
    accept(&state, &principal, &meta, invitation).await
}

/// Accepts one of the invitations listed for the signed-in user.
#[utoipa::path(post, path = "/invitations/{id}/accept", tag = "invitations",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = Accepted), (status = 401), (status = 403), (status = 410)))]
async fn accept_by_id(
    State(state): State<AppState>,
    principal: Principal,
    meta: RequestMeta,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<Accepted>, ApiError> {
    let invitation = db::teams::find_invitation(&state.pool, id)
        .await?
        .ok_or_else(unavailable)?;
    accept(&state, &principal, &meta, invitation).await
}

/// Declines an invitation addressed to the signed-in user: 204; 410 when there is no such
/// pending one.
#[utoipa::path(post, path = "/invitations/{id}/decline", tag = "invitations",
    params(("id" = Uuid, Path)),
    responses((status = 204), (status = 401), (status = 410)))]
async fn decline(
    State(state): State<AppState>,
    principal: Principal,
    meta: RequestMeta,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<StatusCode, ApiError> {
    authorize(
        &state.pool,
        &principal,
        Action::InvitationRespond,
        Resource::OwnAccount,
    )
    .await?;
    let invitation = db::teams::find_invitation(&state.pool, id)
        .await?
        .ok_or_else(unavailable)?;
    if !db::teams::decline_invitation(&state.pool, id, &principal.user.email).await? {
        return Err(unavailable());
    }
    let mut event = meta.event_by(
        principal.user.id,
        "team.invitation.decline",
        AuditOutcome::Success,
    );
    event.target = Some(format!("team:{}", invitation.team_id));
    event.details = json!({ "team_id": invitation.team_id, "invitation_id": id });
    append_audit_event_with_pool(&state.pool, &event).await?;
    Ok(StatusCode::NO_CONTENT)
}
