//! Teams, members and roles, and the owners' side of invitations. Every handler asks
//! [`authorize`] first; a team the caller is not in answers 404 like one that does not exist.
//! Every change is an audit event whose `details.team_id` lets the team's owners find it.

use super::{ApiError, ApiJson, ApiPath, RequestMeta};
use crate::api::auth::valid_email;
use crate::auth::Principal;
use crate::authz::{authorize, Action, Resource};
use crate::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use db::audit::{append_audit_event, append_audit_event_with_pool, AuditOutcome};
use db::teams::{Invitation, Member, MembershipError, Role, TeamFor};
use serde::{Deserialize, Serialize};
use serde_json::json;
use time::OffsetDateTime;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

/// How long an invitation can be accepted.
pub const INVITATION_LIFETIME: time::Duration = time::Duration::days(7);

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_teams, create_team))
        .routes(routes!(get_team, rename_team))
        .routes(routes!(list_members, invite_member))
        .routes(routes!(change_role, remove_member))
        .routes(routes!(list_invitations))
        .routes(routes!(revoke_invitation))
}

/// A role as the API spells it.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum RoleName {
    Owner,
    Editor,
    Reviewer,
    Viewer,
}

impl From<Role> for RoleName {
    fn from(role: Role) -> RoleName {
        match role {
            Role::Owner => RoleName::Owner,
            Role::Editor => RoleName::Editor,
            Role::Reviewer => RoleName::Reviewer,
            Role::Viewer => RoleName::Viewer,
        }
    }
}

impl From<RoleName> for Role {
    fn from(role: RoleName) -> Role {
        match role {
            RoleName::Owner => Role::Owner,
            RoleName::Editor => Role::Editor,
            RoleName::Reviewer => Role::Reviewer,
            RoleName::Viewer => Role::Viewer,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct TeamView {
    id: Uuid,
    name: String,
    /// The caller's role; null for an administrator who is not a member.
    role: Option<RoleName>,
    #[serde(with = "time::serde::rfc3339")]
    created_at: OffsetDateTime,
}

impl From<TeamFor> for TeamView {
    fn from(team: TeamFor) -> TeamView {
        TeamView {
            id: team.id,
            name: team.name,
            role: team.role.map(RoleName::from),
            created_at: team.created_at,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct MemberView {
    user_id: Uuid,
    email: String,
    name: String,
    role: RoleName,
    #[serde(with = "time::serde::rfc3339")]
    joined_at: OffsetDateTime,
}

impl From<Member> for MemberView {
    fn from(member: Member) -> MemberView {
        MemberView {
            user_id: member.user_id,
            email: member.email,
            name: member.name,
            role: member.role.into(),
            joined_at: member.joined_at,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct InvitationView {
    id: Uuid,
    team_id: Uuid,
    team_name: String,
    email: String,
    role: RoleName,
    invited_by_name: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    expires_at: OffsetDateTime,
}

impl From<Invitation> for InvitationView {
    fn from(i: Invitation) -> InvitationView {
        InvitationView {
            id: i.id,
            team_id: i.team_id,
            team_name: i.team_name,
            email: i.email,
            role: i.role.into(),
            invited_by_name: i.invited_by_name,
            created_at: i.created_at,
            expires_at: i.expires_at,
        }
    }
}

/// Checks a team name: 1 to 100 characters after trimming.
fn valid_team_name(name: &str) -> Result<&str, ApiError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(ApiError::invalid_field(
            "name",
            "a team's name must have 1 to 100 characters",
        ));
    }
    Ok(name)
}

fn team_event(
    meta: &RequestMeta,
    principal: &Principal,
    action: &str,
    team: Uuid,
) -> db::audit::NewAuditEvent {
    let mut event = meta.event_by(principal.user.id, action, AuditOutcome::Success);
    event.target = Some(format!("team:{team}"));
    event.details = json!({ "team_id": team });
    event
}

/// The caller's teams (every team for an administrator), by name.
#[utoipa::path(get, path = "/teams", tag = "teams",
    responses((status = 200, body = Vec<TeamView>), (status = 401)))]
async fn list_teams(
    State(state): State<AppState>,
    principal: Principal,
) -> Result<Json<Vec<TeamView>>, ApiError> {
    authorize(
        &state.pool,
        &principal,
        Action::TeamsList,
        Resource::Instance,
    )
    .await?;
    let teams =
        db::teams::list_teams(&state.pool, principal.user.id, principal.user.is_admin).await?;
    Ok(Json(teams.into_iter().map(TeamView::from).collect()))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct TeamName {
    name: String,
}

/// Creates a team with the caller as its owner: 201.
#[utoipa::path(post, path = "/teams", tag = "teams", request_body = TeamName,
    responses((status = 201, body = TeamView), (status = 401), (status = 422)))]
async fn create_team(
    State(state): State<AppState>,
    principal: Principal,
    meta: RequestMeta,
    ApiJson(body): ApiJson<TeamName>,
) -> Result<(StatusCode, Json<TeamView>), ApiError> {
    authorize(
        &state.pool,
        &principal,
        Action::TeamCreate,
        Resource::Instance,
    )
    .await?;
    let name = valid_team_name(&body.name)?;
    let mut tx = state.pool.begin().await?;
    let team = db::teams::create_team(&mut tx, name, principal.user.id).await?;
    let mut event = team_event(&meta, &principal, "team.create", team.id);
    event.details["name"] = json!(team.name);
    append_audit_event(&mut tx, &event).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(team.into())))
}

/// One team, with the caller's role.
#[utoipa::path(get, path = "/teams/{id}", tag = "teams", params(("id" = Uuid, Path)),
    responses((status = 200, body = TeamView), (status = 401), (status = 404)))]
async fn get_team(
    State(state): State<AppState>,
    principal: Principal,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<TeamView>, ApiError> {
    authorize(
        &state.pool,
        &principal,
        Action::TeamRead,
        Resource::Team(id),
    )
    .await?;
    let team = db::teams::get_team(&state.pool, id, principal.user.id)
        .await?
        .ok_or_else(|| ApiError::not_found("team"))?;
    Ok(Json(team.into()))
}

/// Renames a team (owners).
#[utoipa::path(patch, path = "/teams/{id}", tag = "teams", params(("id" = Uuid, Path)),
    request_body = TeamName,
    responses((status = 200, body = TeamView), (status = 403), (status = 404), (status = 422)))]
async fn rename_team(
    State(state): State<AppState>,
    principal: Principal,
    meta: RequestMeta,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<TeamName>,
) -> Result<Json<TeamView>, ApiError> {
    authorize(
        &state.pool,
        &principal,
        Action::TeamRename,
        Resource::Team(id),
    )
    .await?;
    let name = valid_team_name(&body.name)?;
    let mut tx = state.pool.begin().await?;
    db::teams::rename_team(&mut *tx, id, name).await?;
    let mut event = team_event(&meta, &principal, "team.rename", id);
    event.details["name"] = json!(name);
    append_audit_event(&mut tx, &event).await?;
    tx.commit().await?;
    let team = db::teams::get_team(&state.pool, id, principal.user.id)
        .await?
        .ok_or_else(|| ApiError::not_found("team"))?;
    Ok(Json(team.into()))
}

/// The team's members, owners first.
#[utoipa::path(get, path = "/teams/{id}/members", tag = "teams", params(("id" = Uuid, Path)),
    responses((status = 200, body = Vec<MemberView>), (status = 401), (status = 404)))]
async fn list_members(
    State(state): State<AppState>,
    principal: Principal,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<Vec<MemberView>>, ApiError> {
    authorize(
        &state.pool,
        &principal,
        Action::TeamRead,
        Resource::Team(id),
    )
    .await?;
    let members = db::teams::list_members(&state.pool, id).await?;
    Ok(Json(members.into_iter().map(MemberView::from).collect()))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct InviteRequest {
    email: String,
    role: RoleName,
}

#[derive(Serialize, ToSchema)]
struct CreatedInvitation {
    #[serde(flatten)]
    invitation: InvitationView,
    /// The link to hand to the invitee (there is no e-mail channel); it is shown this once.
    link: String,
}

/// Invites an e-mail address into the team with a role (owners): 201 and the invitation
/// with its one-time link. The answer is the same whether or not an account has the
/// address; an existing account also sees the invitation in the UI.
#[utoipa::path(post, path = "/teams/{id}/members", tag = "teams", params(("id" = Uuid, Path)),
    request_body = InviteRequest,
    responses((status = 201, body = CreatedInvitation), (status = 403), (status = 404), (status = 422)))]
async fn invite_member(
    State(state): State<AppState>,
    principal: Principal,
    meta: RequestMeta,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<InviteRequest>,
) -> Result<(StatusCode, Json<CreatedInvitation>), ApiError> {
    authorize(
        &state.pool,
        &principal,
        Action::MembersManage,
        Resource::Team(id),
    )
    .await?;
    let email = valid_email(&body.email)?;
    let token = crate::auth::random_token();
    let mut tx = state.pool.begin().await?;
    let invitation = db::teams::create_invitation(
        &mut tx,
        &db::teams::NewInvitation {
            team: id,
            email,
            role: body.role.into(),
            token_hash: &crate::auth::secret_hash(&token),
            invited_by: principal.user.id,
            expires_at: OffsetDateTime::now_utc() + INVITATION_LIFETIME,
        },
    )
    .await?;
    let mut event = team_event(&meta, &principal, "team.invite", id);
    event.details["invitation_id"] = json!(invitation.id);
    event.details["email"] = json!(invitation.email);
    event.details["role"] = json!(invitation.role.as_str());
    append_audit_event(&mut tx, &event).await?;
    tx.commit().await?;
    let link = format!("{}/invitations#token={token}", state.public_url);
    Ok((
        StatusCode::CREATED,
        Json(CreatedInvitation {
            invitation: invitation.into(),
            link,
        }),
    ))
}

fn membership_error(err: MembershipError) -> ApiError {
    match err {
        MembershipError::NotAMember => ApiError::not_found("member"),
        MembershipError::LastOwner => ApiError::new(
            StatusCode::CONFLICT,
            "last_owner",
            "a team must keep at least one owner: make another member an owner first",
        ),
        MembershipError::Database(err) => ApiError::internal(err),
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct RoleChange {
    role: RoleName,
}

/// Changes a member's role (owners): 200 and the member; 409 `last_owner` when it would
/// leave the team without an owner.
#[utoipa::path(patch, path = "/teams/{id}/members/{user_id}", tag = "teams",
    params(("id" = Uuid, Path), ("user_id" = Uuid, Path)), request_body = RoleChange,
    responses((status = 200, body = MemberView), (status = 403), (status = 404), (status = 409)))]
async fn change_role(
    State(state): State<AppState>,
    principal: Principal,
    meta: RequestMeta,
    ApiPath((id, user_id)): ApiPath<(Uuid, Uuid)>,
    ApiJson(body): ApiJson<RoleChange>,
) -> Result<Json<MemberView>, ApiError> {
    authorize(
        &state.pool,
        &principal,
        Action::MembersManage,
        Resource::Team(id),
    )
    .await?;
    let mut tx = state.pool.begin().await?;
    let (before, member) = db::teams::set_member_role(&mut tx, id, user_id, body.role.into())
        .await
        .map_err(membership_error)?;
    let mut event = team_event(&meta, &principal, "team.member.role", id);
    event.details["user_id"] = json!(user_id);
    event.details["from"] = json!(before.as_str());
    event.details["to"] = json!(member.role.as_str());
    append_audit_event(&mut tx, &event).await?;
    tx.commit().await?;
    Ok(Json(member.into()))
}

/// Removes a member (owners), or leaves the team (any member, themself): 204; 409
/// `last_owner` when it would leave the team without an owner.
#[utoipa::path(delete, path = "/teams/{id}/members/{user_id}", tag = "teams",
    params(("id" = Uuid, Path), ("user_id" = Uuid, Path)),
    responses((status = 204), (status = 403), (status = 404), (status = 409)))]
async fn remove_member(
    State(state): State<AppState>,
    principal: Principal,
    meta: RequestMeta,
    ApiPath((id, user_id)): ApiPath<(Uuid, Uuid)>,
) -> Result<StatusCode, ApiError> {
    let action = if user_id == principal.user.id {
        Action::TeamLeave
    } else {
        Action::MembersManage
    };
    authorize(&state.pool, &principal, action, Resource::Team(id)).await?;
    let mut tx = state.pool.begin().await?;
    let role = db::teams::remove_member(&mut tx, id, user_id)
        .await
        .map_err(membership_error)?;
    let mut event = team_event(&meta, &principal, "team.member.remove", id);
    event.details["user_id"] = json!(user_id);
    event.details["role"] = json!(role.as_str());
    append_audit_event(&mut tx, &event).await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The team's pending invitations, newest first (owners).
#[utoipa::path(get, path = "/teams/{id}/invitations", tag = "teams", params(("id" = Uuid, Path)),
    responses((status = 200, body = Vec<InvitationView>), (status = 403), (status = 404)))]
async fn list_invitations(
    State(state): State<AppState>,
    principal: Principal,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<Vec<InvitationView>>, ApiError> {
    authorize(
        &state.pool,
        &principal,
        Action::MembersManage,
        Resource::Team(id),
    )
    .await?;
    let invitations = db::teams::list_team_invitations(&state.pool, id).await?;
    Ok(Json(
        invitations.into_iter().map(InvitationView::from).collect(),
    ))
}

/// Revokes a pending invitation (owners): 204; 404 when the team has no such pending one.
#[utoipa::path(delete, path = "/teams/{id}/invitations/{invitation_id}", tag = "teams",
    params(("id" = Uuid, Path), ("invitation_id" = Uuid, Path)),
    responses((status = 204), (status = 403), (status = 404)))]
async fn revoke_invitation(
    State(state): State<AppState>,
    principal: Principal,
    meta: RequestMeta,
    ApiPath((id, invitation_id)): ApiPath<(Uuid, Uuid)>,
) -> Result<StatusCode, ApiError> {
    authorize(
        &state.pool,
        &principal,
        Action::MembersManage,
        Resource::Team(id),
    )
    .await?;
    if !db::teams::revoke_invitation(&state.pool, id, invitation_id).await? {
        return Err(ApiError::not_found("invitation"));
    }
    let mut event = team_event(&meta, &principal, "team.invitation.revoke", id);
    event.details["invitation_id"] = json!(invitation_id);
    append_audit_event_with_pool(&state.pool, &event).await?;
    Ok(StatusCode::NO_CONTENT)
}
