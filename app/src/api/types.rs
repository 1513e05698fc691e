//! The API's request and answer bodies, as `/work/contract.md`'s REST contract describes them.
//! Ids stay strings (UUIDs) and times stay RFC 3339 strings: the pages only show and send them.

use serde::{Deserialize, Serialize};
use std::collections::HashMap;

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

/// Open threats per severity band.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
pub struct SeverityCounts {
    pub low: usize,
    pub medium: usize,
    pub high: usize,
    pub critical: usize,
}

/// A model in a list (`GET /models`).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct ModelSummary {
    pub id: String,
    pub team_id: String,
    pub name: String,
    pub revision: i64,
    pub element_count: i32,
    pub updated_at: String,
    pub deleted_at: Option<String>,
    /// Who made the latest change; `None` when unknown.
    #[serde(default)]
    pub updated_by: Option<String>,
    #[serde(default)]
    pub open_by_severity: SeverityCounts,
}

/// A page of models.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct ModelPage {
    pub models: Vec<ModelSummary>,
    pub total: i64,
    pub page: u32,
    pub page_size: u32,
}

/// `POST /models`: a new model, empty or from a template.
#[derive(Serialize)]
pub struct NewModel<'a> {
    pub team_id: &'a str,
    pub name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub template: Option<&'a str>,
}

/// A whole model (`GET /models/{id}`); the document stays JSON: pages only look names up in it.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct ModelView {
    pub id: String,
    pub team_id: String,
    pub name: String,
    pub revision: i64,
    #[serde(default)]
    pub model: serde_json::Value,
    /// What the reader may do with it.
    #[serde(default)]
    pub access: Access,
}

/// The answer to an import: the new model and what could not be kept as it was.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct Imported {
    pub id: String,
    pub name: String,
    pub revision: i64,
    pub warnings: Vec<String>,
}

/// `GET /models/{id}/threats`: the engine's report with the decisions applied.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct ThreatsView {
    pub revision: i64,
    pub report: analysis::Report,
    #[serde(default)]
    pub orphaned_decisions: Vec<String>,
}

/// A saved version of a model (`GET /models/{id}/versions`).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct VersionView {
    pub id: String,
    pub name: String,
    pub model_revision: i64,
    pub content_hash: String,
    pub created_by: Option<String>,
    #[serde(default)]
    pub created_by_name: Option<String>,
    pub created_at: String,
}

#[derive(Serialize)]
pub struct NewVersion<'a> {
    pub name: &'a str,
}

/// Element and flow names by id, read from a model's JSON (`elements[].name`; a flow without
/// a name is shown as `source → target`).
pub fn element_names(model: &serde_json::Value) -> HashMap<String, String> {
    let mut out = HashMap::new();
    let text = |v: &serde_json::Value, key: &str| v[key].as_str().unwrap_or_default().to_string();
    for element in model["elements"].as_array().into_iter().flatten() {
        let (id, name) = (text(element, "id"), text(element, "name"));
        let name = if name.is_empty() { id.clone() } else { name };
        out.insert(id, name);
    }
    for flow in model["flows"].as_array().into_iter().flatten() {
        let id = text(flow, "id");
        let mut name = text(flow, "name");
        if name.is_empty() {
            let end = |key: &str| {
                let id = text(flow, key);
                out.get(&id).cloned().unwrap_or(id)
            };
            name = format!("{} → {}", end("source"), end("target"));
        }
        out.insert(id, name);
    }
    out
}

/// `GET /models/{id}` read as the engine's types, for the editor's working copy.
#[derive(Clone, Debug, Deserialize)]
pub struct ModelDocument {
    pub id: String,
    pub team_id: String,
    pub name: String,
    pub revision: i64,
    pub model: analysis::ThreatModel,
    pub access: Access,
}

/// What the signed-in person may do to a model (the server checks every request anyway).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
pub struct Access {
    /// Change the model: operations, versions.
    pub edit: bool,
    /// Record decisions about threats.
    pub decide: bool,
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
