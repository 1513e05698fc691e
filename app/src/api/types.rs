//! The API's request and answer bodies, as `/work/contract.md`'s REST contract describes them.
//! Ids stay strings (UUIDs) and times stay RFC 3339 strings: the pages only show and send them.

use serde::{Deserialize, Serialize};

/// `UserView`: an account as the API shows it.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct UserView {
    pub id: String,
    pub email: String,
    pub name: String,
    pub is_admin: bool,
}

/// The roles of a team member, most powerful first.
pub const ROLES: [(&str, &str); 4] = [
    ("owner", "Owner"),
    ("editor", "Editor"),
    ("reviewer", "Reviewer"),
    ("viewer", "Viewer"),
];

/// A role's label for people ("editor" → "Editor").
pub fn role_label(role: &str) -> String {
    ROLES
        .iter()
        .find(|(value, _)| *value == role)
        .map(|(_, label)| (*label).to_string())
        .unwrap_or_else(|| role.to_string())
}

#[derive(Serialize)]
pub struct Credentials<'a> {
    pub email: &'a str,
    pub password: &'a str,
}

#[derive(Serialize)]
pub struct SetupRequest<'a> {
    pub token: &'a str,
    pub email: &'a str,
    pub name: &'a str,
    pub password: &'a str,
}

#[derive(Serialize)]
pub struct SignUpRequest<'a> {
    pub email: &'a str,
    pub password: &'a str,
    pub name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub invitation: Option<&'a str>,
}

/// The answer to sign-in and sign-up: the user and the session's new CSRF token.
#[derive(Clone, Debug, Deserialize)]
pub struct SignedIn {
    pub user: UserView,
    pub csrf_token: String,
}

/// `GET /auth/options`.
#[derive(Clone, Debug, Deserialize)]
pub struct AuthOptions {
    pub signup: String,
}

#[derive(Serialize)]
pub struct PasswordChange<'a> {
    pub current_password: &'a str,
    pub new_password: &'a str,
}

#[derive(Serialize)]
pub struct PasswordReset<'a> {
    pub token: &'a str,
    pub new_password: &'a str,
}

/// A session of the signed-in user (`GET /me/sessions`). The contract names `last_seen_at`;
/// the server sends `expires_at` (when the session ends unless used again): either is shown.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct SessionView {
    pub id: String,
    pub signed_in_at: String,
    #[serde(default)]
    pub last_seen_at: Option<String>,
    #[serde(default)]
    pub expires_at: Option<String>,
    pub client_addr: Option<String>,
    pub user_agent: Option<String>,
    pub current: bool,
}

/// An API token, without its secret (`GET /tokens`), or with it once (`POST /tokens`).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct TokenView {
    pub id: String,
    pub name: String,
    pub read_only: bool,
    pub created_at: String,
    pub expires_at: String,
    pub last_used_at: Option<String>,
    #[serde(default)]
    pub token: Option<String>,
}

#[derive(Serialize)]
pub struct NewToken<'a> {
    pub name: &'a str,
    pub expires_in_days: u32,
    pub read_only: bool,
}

/// A team as the signed-in user sees it; `role` is `None` for an administrator outside it.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct TeamView {
    pub id: String,
    pub name: String,
    pub role: Option<String>,
    pub created_at: String,
}

#[derive(Serialize)]
pub struct TeamName<'a> {
    pub name: &'a str,
}

#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct MemberView {
    pub user_id: String,
    pub email: String,
    pub name: String,
    pub role: String,
    pub joined_at: String,
}

#[derive(Serialize)]
pub struct NewInvitation<'a> {
    pub email: &'a str,
    pub role: &'a str,
}

#[derive(Serialize)]
pub struct RoleChange<'a> {
    pub role: &'a str,
}

/// The answer to an invitation: its link carries the token (shown to the owner to pass on).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct CreatedInvitation {
    pub id: String,
    pub email: String,
    pub role: String,
    pub expires_at: String,
    pub link: String,
}

/// A pending invitation of a team (`GET /teams/{id}/invitations`).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct TeamInvitation {
    pub id: String,
    pub email: String,
    pub role: String,
    pub created_at: String,
    pub expires_at: String,
    pub invited_by_name: Option<String>,
}

/// One of my pending invitations (`GET /invitations`).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct MyInvitation {
    pub id: String,
    pub team_id: String,
    pub team_name: String,
    pub role: String,
    pub invited_by_name: Option<String>,
    pub expires_at: String,
}

#[derive(Serialize)]
pub struct InvitationToken<'a> {
    pub token: &'a str,
}

/// `POST /invitations/preview`.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct InvitationPreview {
    pub team_name: String,
    pub email: String,
    pub role: String,
    pub expires_at: String,
}

/// An accepted invitation.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct Accepted {
    pub team_id: String,
    pub team_name: String,
    pub role: String,
}

/// One event of the audit log.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct AuditEvent {
    pub id: serde_json::Value,
    pub occurred_at: String,
    pub actor: Option<String>,
    pub actor_name: Option<String>,
    pub action: String,
    pub outcome: String,
    pub client_addr: Option<String>,
    pub request_id: Option<String>,
    pub target: Option<String>,
    #[serde(default)]
    pub details: serde_json::Value,
}

/// A page of the audit log, newest first; `next_before` fetches the older page.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct AuditPage {
    pub events: Vec<AuditEvent>,
    pub next_before: Option<serde_json::Value>,
}

/// An account in the administration list (`GET /users`).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct AdminUser {
    pub id: String,
    pub email: String,
    pub name: String,
    pub is_admin: bool,
    pub disabled: bool,
    pub created_at: String,
}

#[derive(Serialize, Default)]
pub struct UserChange {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disabled: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_admin: Option<bool>,
}

/// `POST /users/{id}/password-reset`.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct ResetLink {
    pub link: String,
    pub expires_at: String,
}

/// `GET /models/{id}`: a model with its decisions.
#[derive(Clone, Debug, Deserialize)]
pub struct ModelView {
    pub id: String,
    pub team_id: String,
    pub name: String,
    pub revision: i64,
    pub model: analysis::ThreatModel,
}

/// `POST /models/{id}/operations`.
#[derive(Serialize)]
pub struct OperationBatch<'a> {
    pub base_revision: i64,
    pub operations: &'a [analysis::Operation],
}

/// The answer to an accepted change.
#[derive(Clone, Debug, Deserialize)]
pub struct Revised {
    pub revision: i64,
}

/// `PUT /models/{id}/decisions/{key}`.
#[derive(Serialize)]
pub struct DecisionChange<'a> {
    pub decision: &'a analysis::model::Decision,
}
