//! The audit log over REST: administrators read every event; a team's owners read that
//! team's events (`team=<id>`). Newest first, in keyset pages.

use super::{ApiError, ApiQuery};
use crate::auth::Principal;
use crate::authz::{authorize, Action, Resource};
use crate::AppState;
use axum::extract::State;
use axum::Json;
use db::audit::AuditFilter;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list_events))
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct AuditQuery {
    /// Only this actor's events (a user id, or `cli`, `system`).
    actor: Option<String>,
    /// Only this action, e.g. `auth.signin`.
    action: Option<String>,
    /// Only events at or after this time (RFC 3339).
    from: Option<String>,
    /// Only events before this time (RFC 3339).
    to: Option<String>,
    /// Only this team's events; required unless the caller is an administrator.
    team: Option<Uuid>,
    /// The previous page's `next_before`.
    before: Option<i64>,
    /// Page size, 1 to 500 (100 when absent).
    limit: Option<u32>,
}

#[derive(Serialize, ToSchema)]
struct EventView {
    id: i64,
    #[serde(with = "time::serde::rfc3339")]
    occurred_at: OffsetDateTime,
    actor: Option<String>,
    /// The actor's name when the actor is an account that still exists.
    actor_name: Option<String>,
    action: String,
    outcome: String,
    client_addr: Option<String>,
    request_id: Option<String>,
    target: Option<String>,
    #[schema(value_type = Object)]
    details: serde_json::Value,
}

#[derive(Serialize, ToSchema)]
struct EventPage {
    events: Vec<EventView>,
    /// Pass as `before` for the next (older) page; null on the last page.
    next_before: Option<i64>,
}

fn time_param(field: &str, value: Option<&str>) -> Result<Option<OffsetDateTime>, ApiError> {
    value
        .filter(|v| !v.is_empty())
        .map(|v| {
            OffsetDateTime::parse(v, &time::format_description::well_known::Rfc3339).map_err(|_| {
                ApiError::invalid_field(field, "use an RFC 3339 time such as 2026-11-26T09:30:00Z")
            })
        })
        .transpose()
}

/// Audit events, newest first. Administrators see everything; team owners pass `team`.
#[utoipa::path(get, path = "/audit", tag = "audit", params(AuditQuery),
    responses((status = 200, body = EventPage), (status = 401), (status = 403), (status = 404), (status = 422)))]
async fn list_events(
    State(state): State<AppState>,
    principal: Principal,
    ApiQuery(query): ApiQuery<AuditQuery>,
) -> Result<Json<EventPage>, ApiError> {
    match query.team {
        Some(team) => {
            authorize(
                &state.pool,
                &principal,
                Action::TeamAuditRead,
                Resource::Team(team),
            )
            .await?
        }
        None => {
            authorize(
                &state.pool,
                &principal,
                Action::AuditReadAll,
                Resource::Instance,
            )
            .await?
        }
    };
    let filter = AuditFilter {
        actor: query.actor.filter(|v| !v.is_empty()),
        action: query.action.filter(|v| !v.is_empty()),
        from: time_param("from", query.from.as_deref())?,
        to: time_param("to", query.to.as_deref())?,
        limit: query.limit,
        before_id: query.before,
        team: query.team,
    };
    let page = db::audit::list_audit_events(&state.pool, &filter).await?;
    let mut names: HashMap<Uuid, String> = HashMap::new();
    for entry in &page.entries {
        if let Some(id) = entry.actor.as_deref().and_then(|a| a.parse::<Uuid>().ok()) {
            if let std::collections::hash_map::Entry::Vacant(slot) = names.entry(id) {
                if let Some(user) = db::users::get_user(&state.pool, id).await? {
                    slot.insert(user.name);
                }
            }
        }
    }
    let events = page
        .entries
        .into_iter()
        .map(|entry| EventView {
            actor_name: entry
                .actor
                .as_deref()
                .and_then(|a| a.parse::<Uuid>().ok())
                .and_then(|id| names.get(&id).cloned()),
            id: entry.id,
            occurred_at: entry.occurred_at,
            actor: entry.actor,
            action: entry.action,
            outcome: entry.outcome.to_string(),
            client_addr: entry.client_addr.map(|a| a.to_string()),
            request_id: entry.request_id,
            target: entry.target,
            details: entry.details,
        })
        .collect();
    Ok(Json(EventPage {
        events,
        next_before: page.next_before_id,
    }))
}
