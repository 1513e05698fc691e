//! Authorisation: the one decision every handler asks for (issue 4; SECURITY.md R14-R16).
//!
//! [`authorize`] takes who is asking ([`Principal`]), what they want to do ([`Action`]) and on
//! what ([`Resource`]), looks up the caller's role when the resource is a team, and applies
//! [`decide`], a pure function over the role × action table [`required`]. The answers:
//!
//! - a member whose role is too low gets 403 `forbidden`;
//! - someone who is not a member of the team gets 404 `not_found`, the same answer as for a
//!   team that does not exist, so team ids reveal nothing (R16);
//! - administrators may do everything;
//! - an API token never manages credentials (tokens, password, sessions), and a read-only
//!   token only reads.

use crate::api::ApiError;
use crate::auth::Principal;
use axum::http::StatusCode;
use db::teams::Role;
use sqlx::PgPool;
use uuid::Uuid;

/// What a caller may ask to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// See the signed-in account.
    AccountRead,
    /// Change one's password, list or end one's sessions, make or revoke API tokens.
    ManageCredentials,
    /// List one's own API tokens.
    TokensRead,
    /// List the teams one belongs to, see one's invitations.
    TeamsList,
    /// Create a team (the creator becomes its owner).
    TeamCreate,
    /// Accept or decline an invitation addressed to one.
    InvitationRespond,
    /// See a team and its members.
    TeamRead,
    /// Leave a team (remove oneself).
    TeamLeave,
    /// Rename a team.
    TeamRename,
    /// Invite, change roles, remove members, see and revoke invitations.
    MembersManage,
    /// Read a team's audit events.
    TeamAuditRead,
    /// Read every audit event.
    AuditReadAll,
    /// See a team's models, their threats, decisions, versions and history.
    ModelRead,
    /// Create a model, change it, save versions.
    ModelEdit,
    /// Record decisions about threats.
    ModelDecide,
    /// Move a model to the trash.
    ModelDelete,
    /// See a team's trash and restore models from it.
    ModelRestore,
    /// List accounts, disable them, grant administration, make reset links.
    AdministerUsers,
}

impl Action {
    /// Whether the action changes nothing (the only kind a read-only token may do).
    pub fn is_read(self) -> bool {
        matches!(
            self,
            Action::AccountRead
                | Action::TokensRead
                | Action::TeamsList
                | Action::TeamRead
                | Action::TeamAuditRead
                | Action::AuditReadAll
                | Action::ModelRead
        )
    }
}

/// What an action is done on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resource {
    /// The caller's own account, tokens, sessions and invitations.
    OwnAccount,
    /// The instance as a whole (teams list, administration, the whole audit log).
    Instance,
    /// One team and what belongs to it.
    Team(Uuid),
}

/// Who may do an action: the role × action table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Requirement {
    /// Any signed-in account.
    SignedIn,
    /// Members of the team with at least this role.
    TeamRole(Role),
    /// Administrators only.
    Admin,
}

/// The table. Read it as "to do X you need Y"; administrators pass every row.
pub const fn required(action: Action) -> Requirement {
    match action {
        Action::AccountRead
        | Action::ManageCredentials
        | Action::TokensRead
        | Action::TeamsList
        | Action::TeamCreate
        | Action::InvitationRespond => Requirement::SignedIn,
        Action::TeamRead | Action::TeamLeave | Action::ModelRead => {
            Requirement::TeamRole(Role::Viewer)
        }
        Action::ModelEdit | Action::ModelDecide => Requirement::TeamRole(Role::Editor),
        Action::ModelDelete | Action::ModelRestore => Requirement::TeamRole(Role::Owner),
        Action::TeamRename | Action::MembersManage | Action::TeamAuditRead => {
            Requirement::TeamRole(Role::Owner)
        }
        Action::AuditReadAll | Action::AdministerUsers => Requirement::Admin,
    }
}

/// How the caller authenticated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    Session,
    Token { read_only: bool },
}

/// The facts [`decide`] needs about the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Facts {
    pub is_admin: bool,
    pub via: Via,
    /// The caller's role in the resource's team, when it is a team.
    pub role: Option<Role>,
}

/// The outcome of a decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Allow,
    /// 403: known to the caller but not theirs to do.
    Forbidden(&'static str),
    /// 404: the caller may not know the resource exists.
    NotFound,
}

/// The pure decision over the table.
pub fn decide(facts: Facts, action: Action, resource: Resource) -> Decision {
    if let Via::Token { read_only } = facts.via {
        if action == Action::ManageCredentials || action == Action::TokensRead {
            return Decision::Forbidden("API tokens cannot manage credentials; sign in instead");
        }
        if read_only && !action.is_read() {
            return Decision::Forbidden("this API token is read-only");
        }
    }
    if facts.is_admin {
        return Decision::Allow;
    }
    match required(action) {
        Requirement::SignedIn => Decision::Allow,
        Requirement::Admin => Decision::Forbidden("only administrators may do this"),
        Requirement::TeamRole(needed) => match (resource, facts.role) {
            (Resource::Team(_), Some(role)) if role >= needed => Decision::Allow,
            (Resource::Team(_), Some(_)) => Decision::Forbidden(match needed {
                Role::Owner => "only the team's owners may do this",
                Role::Editor => "only the team's editors and owners may do this",
                Role::Reviewer => "only the team's reviewers, editors and owners may do this",
                Role::Viewer => "only the team's members may do this",
            }),
            _ => Decision::NotFound,
        },
    }
}

/// The caller's standing for a granted action: their role when the resource is a team.
#[derive(Debug, Clone, Copy)]
pub struct Grant {
    pub role: Option<Role>,
}

impl Grant {
    /// Whether the caller this grant was given to may also do `action` on `resource` of the
    /// same team, decided from the role already found (no further query).
    pub fn allows(self, principal: &Principal, action: Action, resource: Resource) -> bool {
        decide(Facts::of(principal, self.role), action, resource) == Decision::Allow
    }
}

impl Facts {
    fn of(principal: &Principal, role: Option<Role>) -> Facts {
        Facts {
            is_admin: principal.user.is_admin,
            via: principal.via,
            role,
        }
    }
}

/// Decides whether `principal` may do `action` on `resource`; `Err` is the response to give.
/// For a team, a team that does not exist is 404 just like one the caller is not in.
pub async fn authorize(
    pool: &PgPool,
    principal: &Principal,
    action: Action,
    resource: Resource,
) -> Result<Grant, ApiError> {
    let role = match resource {
        Resource::Team(team) => {
            let found = db::teams::get_team(pool, team, principal.user.id).await?;
            match found {
                None => return Err(not_found()),
                Some(team) => team.role,
            }
        }
        _ => None,
    };
    match decide(Facts::of(principal, role), action, resource) {
        Decision::Allow => Ok(Grant { role }),
        Decision::Forbidden(message) => {
            Err(ApiError::new(StatusCode::FORBIDDEN, "forbidden", message))
        }
        Decision::NotFound => Err(not_found()),
    }
}

fn not_found() -> ApiError {
    ApiError::not_found("team")
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: [Action; 18] = [
        Action::AccountRead,
        Action::ManageCredentials,
        Action::TokensRead,
        Action::TeamsList,
        Action::TeamCreate,
        Action::InvitationRespond,
        Action::TeamRead,
        Action::TeamLeave,
        Action::TeamRename,
        Action::MembersManage,
        Action::TeamAuditRead,
        Action::AuditReadAll,
        Action::AdministerUsers,
        Action::ModelRead,
        Action::ModelEdit,
        Action::ModelDecide,
        Action::ModelDelete,
        Action::ModelRestore,
    ];

    fn facts(role: Option<Role>) -> Facts {
        Facts {
            is_admin: false,
            via: Via::Session,
            role,
        }
    }

    #[test]
    fn a_team_role_grants_what_the_table_says_and_strangers_get_not_found() {
        let team = Resource::Team(Uuid::nil());
        for action in ALL {
            for role in Role::ALL {
                let expected = match required(action) {
                    Requirement::SignedIn => Decision::Allow,
                    Requirement::Admin => decide(facts(Some(role)), action, team),
                    Requirement::TeamRole(needed) if role >= needed => Decision::Allow,
                    Requirement::TeamRole(_) => decide(facts(Some(role)), action, team),
                };
                assert_eq!(decide(facts(Some(role)), action, team), expected);
            }
            if let Requirement::TeamRole(_) = required(action) {
                assert_eq!(decide(facts(None), action, team), Decision::NotFound);
                assert!(matches!(
                    decide(facts(Some(Role::Viewer)), action, team),
                    Decision::Allow | Decision::Forbidden(_)
                ));
            }
        }
        assert_eq!(
            decide(facts(Some(Role::Editor)), Action::MembersManage, team),
            Decision::Forbidden("only the team's owners may do this")
        );
    }

    #[test]
    fn administrators_pass_every_row_but_tokens_keep_their_limits() {
        let admin = Facts {
            is_admin: true,
            via: Via::Session,
            role: None,
        };
        for action in ALL {
            assert_eq!(
                decide(admin, action, Resource::Team(Uuid::nil())),
                Decision::Allow
            );
        }
        let read_only = Facts {
            via: Via::Token { read_only: true },
            ..admin
        };
        assert!(matches!(
            decide(read_only, Action::TeamCreate, Resource::Instance),
            Decision::Forbidden(_)
        ));
        assert_eq!(
            decide(read_only, Action::AuditReadAll, Resource::Instance),
            Decision::Allow
        );
        let writer = Facts {
            via: Via::Token { read_only: false },
            ..admin
        };
        assert!(matches!(
            decide(writer, Action::ManageCredentials, Resource::OwnAccount),
            Decision::Forbidden(_)
        ));
        assert_eq!(
            decide(writer, Action::TeamCreate, Resource::Instance),
            Decision::Allow
        );
    }
}
