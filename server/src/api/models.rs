//! Threat models over REST (issue 5): list, create, read, replace (models as code, with
//! `If-Match`), operations against a base revision, trash and restore, the analysis merged
//! with decisions, decisions, versions with content hashes, diffs and history.
//!
//! A model's document is stored without its decisions; they are rows of their own with their
//! own revision. Wherever a whole model is shown (GET, versions, the analysis), the
//! decisions are merged back into its `decisions` map.

use super::{ApiError, ApiJson, ApiPath, ApiQuery, RequestMeta};
use crate::auth::Principal;
use crate::authz::{authorize, Action, Grant, Resource};
use crate::AppState;
use analysis::ops::Operation;
use analysis::ThreatModel;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use db::audit::{append_audit_event, AuditOutcome};
use db::models::{Change, Model, Stale};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_models, create_model))
        .routes(routes!(get_model, replace_model, delete_model))
        .routes(routes!(restore_model))
        .routes(routes!(apply_operations))
        .routes(routes!(threats))
        .routes(routes!(list_decisions))
        .routes(routes!(put_decision))
        .routes(routes!(list_versions, create_version))
        .routes(routes!(get_version))
        .routes(routes!(diff))
        .routes(routes!(history))
}

/// Limits on models (`RAMPART_MAX_ELEMENTS`).
#[derive(Debug, Clone)]
pub struct ModelLimits {
    /// The most elements plus flows a model may have.
    pub max_elements: usize,
}

impl Default for ModelLimits {
    fn default() -> Self {
        ModelLimits { max_elements: 5000 }
    }
}

#[derive(Serialize, ToSchema)]
struct ModelSummaryView {
    id: Uuid,
    team_id: Uuid,
    name: String,
    revision: i64,
    element_count: i32,
    #[serde(with = "time::serde::rfc3339")]
    updated_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    deleted_at: Option<OffsetDateTime>,
    /// The display name of whoever made the latest change (or created the model); null
    /// when unknown (the account is gone).
    updated_by: Option<String>,
    /// Open threats by severity, as the engine finds them with the model's decisions.
    open_by_severity: SeverityCounts,
}

/// Counts per severity band.
#[derive(Serialize, ToSchema, Default, Debug, Clone, Copy, PartialEq, Eq)]
struct SeverityCounts {
    low: usize,
    medium: usize,
    high: usize,
    critical: usize,
}

impl From<[usize; 4]> for SeverityCounts {
    fn from([low, medium, high, critical]: [usize; 4]) -> Self {
        SeverityCounts {
            low,
            medium,
            high,
            critical,
        }
    }
}

/// Open threats by severity for each of these models: their stored documents analysed with
/// their decisions merged in (on the blocking pool: a page holds up to 50 models).
async fn open_counts(
    state: &AppState,
    models: &[Uuid],
) -> Result<BTreeMap<Uuid, SeverityCounts>, ApiError> {
    if models.is_empty() {
        return Ok(BTreeMap::new());
    }
    let (documents, decisions) = db::models::documents_with_decisions(&state.pool, models).await?;
    tokio::task::spawn_blocking(move || {
        let mut full: BTreeMap<Uuid, ThreatModel> = BTreeMap::new();
        for (id, document) in documents {
            full.insert(id, document_model(&document)?);
        }
        for (id, key, decision) in decisions {
            if let (Some(model), Ok(decision)) =
                (full.get_mut(&id), serde_json::from_value(decision))
            {
                model.decisions.insert(key, decision);
            }
        }
        Ok(full
            .into_iter()
            .map(|(id, model)| {
                let report = analysis::analyze(&model, &analysis::Options::default());
                (id, SeverityCounts::from(report.open_by_severity()))
            })
            .collect())
    })
    .await
    .map_err(ApiError::internal)?
}

#[derive(Serialize, ToSchema)]
struct ModelPage {
    models: Vec<ModelSummaryView>,
    total: i64,
    page: u32,
    page_size: u32,
}

#[derive(Serialize, ToSchema)]
struct ModelView {
    id: Uuid,
    team_id: Uuid,
    name: String,
    revision: i64,
    /// The `rampart/1` model, decisions included (see the `ThreatModel` schema).
    #[schema(value_type = Object)]
    model: Value,
    #[serde(with = "time::serde::rfc3339")]
    created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    updated_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    deleted_at: Option<OffsetDateTime>,
    /// What the caller may do to the model, so a client can offer only that.
    access: Access,
}

/// What the caller may do to a model: change it (operations, PUT, versions) and record
/// decisions. The server checks every request regardless.
#[derive(Serialize, ToSchema)]
struct Access {
    edit: bool,
    decide: bool,
}

/// The caller's [`Access`] to models of `team`.
fn access(principal: &Principal, grant: Grant, team: Uuid) -> Access {
    let allows = |action| grant.allows(principal, action, Resource::Team(team));
    Access {
        edit: allows(Action::ModelEdit),
        decide: allows(Action::ModelDecide),
    }
}

fn model_not_found() -> ApiError {
    ApiError::not_found("model")
}

/// The model with `id`, authorised for `action`; a model of a team the caller cannot see is
/// 404, as is a deleted one unless `deleted_ok`.
pub(crate) async fn load(
    state: &AppState,
    principal: &Principal,
    id: Uuid,
    action: Action,
    deleted_ok: bool,
) -> Result<Model, ApiError> {
    Ok(load_granted(state, principal, id, action, deleted_ok)
        .await?
        .0)
}

/// [`load`], with the grant that let the caller in.
async fn load_granted(
    state: &AppState,
    principal: &Principal,
    id: Uuid,
    action: Action,
    deleted_ok: bool,
) -> Result<(Model, Grant), ApiError> {
    let model = db::models::get_model(&state.pool, id)
        .await?
        .filter(|m| deleted_ok || m.deleted_at.is_none())
        .ok_or_else(model_not_found)?;
    let grant = authorize(
        &state.pool,
        principal,
        action,
        Resource::Team(model.team_id),
    )
    .await
    .map_err(|err| {
        if err.status == StatusCode::NOT_FOUND {
            model_not_found()
        } else {
            err
        }
    })?;
    Ok((model, grant))
}

/// Reads a stored document as a model.
fn document_model(document: &Value) -> Result<ThreatModel, ApiError> {
    serde_json::from_value(document.clone()).map_err(ApiError::internal)
}

/// The model with its decisions merged in.
pub(crate) async fn full_model(state: &AppState, model: &Model) -> Result<ThreatModel, ApiError> {
    let mut full = document_model(&model.document)?;
    for record in db::models::list_decisions(&state.pool, model.model_id).await? {
        if let Ok(decision) = serde_json::from_value(record.decision) {
            full.decisions.insert(record.threat_key, decision);
        }
    }
    Ok(full)
}

fn view(model: &Model, full: &ThreatModel, access: Access) -> Result<ModelView, ApiError> {
    Ok(ModelView {
        id: model.model_id,
        team_id: model.team_id,
        name: model.name.clone(),
        revision: model.revision,
        model: serde_json::to_value(full).map_err(ApiError::internal)?,
        created_at: model.created_at,
        updated_at: model.updated_at,
        deleted_at: model.deleted_at,
        access,
    })
}

fn etag(revision: i64) -> HeaderValue {
    HeaderValue::from_str(&format!("\"{revision}\"")).expect("digits and quotes")
}

/// Checks a model for storing: valid `rampart/1`, within the element limit. Returns the
/// document without decisions, the decisions, and the element count.
fn checked(
    state: &AppState,
    mut model: ThreatModel,
    field: &str,
) -> Result<(Value, BTreeMap<String, analysis::model::Decision>, i32), ApiError> {
    let errors = analysis::parse::validate(&model);
    if !errors.is_empty() {
        let messages: Vec<String> = errors.iter().map(ToString::to_string).collect();
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_model",
            format!("the model is not valid: {}", messages.join("; ")),
        )
        .with_details(json!({ "field": field, "errors": messages })));
    }
    let count = model.elements.len() + model.flows.len();
    let limit = state.limits.max_elements;
    if count > limit {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "model_too_large",
            format!("the model has {count} elements and flows; the limit is {limit}"),
        )
        .with_details(json!({ "field": field, "limit": limit, "count": count })));
    }
    let decisions = std::mem::take(&mut model.decisions);
    let document = serde_json::to_value(&model).map_err(ApiError::internal)?;
    Ok((document, decisions, count as i32))
}

/// Parses a model given as JSON in a request, with the engine's strict reader (unknown
/// fields and broken references are refused, naming the element and field).
fn parse_model(value: &Value, field: &str) -> Result<ThreatModel, ApiError> {
    analysis::parse(&value.to_string()).map_err(|err| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_model",
            format!("the model is not valid: {err}"),
        )
        .with_details(json!({ "field": field }))
    })
}

fn model_event(
    meta: &RequestMeta,
    principal: &Principal,
    action: &str,
    model: &Model,
    revision: i64,
    summary: &str,
) -> db::audit::NewAuditEvent {
    let mut event = meta.event_by(principal.user.id, action, AuditOutcome::Success);
    event.target = Some(format!("model:{}", model.model_id));
    event.details = json!({
        "team_id": model.team_id,
        "model_id": model.model_id,
        "revision": revision,
        "summary": summary,
    });
    event
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct ListQuery {
    /// Only this team's models.
    team_id: Option<Uuid>,
    /// Only models whose name contains this.
    q: Option<String>,
    /// 1-based page (50 models a page).
    page: Option<u32>,
    /// `true` for the team's trash (deleted within 30 days).
    trash: Option<bool>,
}

const PAGE_SIZE: u32 = 50;

/// The models the caller can see, by name, each with who changed it last and its open
/// threats by severity; `trash=true` lists a team's trash (owners).
#[utoipa::path(get, path = "/models", tag = "models", params(ListQuery),
    responses((status = 200, body = ModelPage), (status = 401), (status = 404)))]
async fn list_models(
    State(state): State<AppState>,
    principal: Principal,
    ApiQuery(query): ApiQuery<ListQuery>,
) -> Result<Json<ModelPage>, ApiError> {
    let trash = query.trash.unwrap_or(false);
    if let Some(team) = query.team_id {
        let action = if trash {
            Action::ModelRestore
        } else {
            Action::ModelRead
        };
        authorize(&state.pool, &principal, action, Resource::Team(team)).await?;
    } else {
        authorize(
            &state.pool,
            &principal,
            Action::TeamsList,
            Resource::Instance,
        )
        .await?;
        if trash {
            return Err(ApiError::invalid_field(
                "team_id",
                "name the team whose trash to list",
            ));
        }
    }
    let teams: Option<Vec<Uuid>> = if principal.user.is_admin {
        None
    } else {
        Some(
            db::teams::list_teams(&state.pool, principal.user.id, false)
                .await?
                .into_iter()
                .map(|t| t.id)
                .collect(),
        )
    };
    let page = query.page.unwrap_or(1).max(1);
    let (models, total) = db::models::list_models(
        &state.pool,
        &db::models::ModelFilter {
            teams: teams.as_deref(),
            team: query.team_id,
            query: query.q.as_deref().filter(|q| !q.is_empty()),
            trash,
            page,
            page_size: PAGE_SIZE,
        },
    )
    .await?;
    let ids: Vec<Uuid> = models.iter().map(|m| m.model_id).collect();
    let counts = open_counts(&state, &ids).await?;
    Ok(Json(ModelPage {
        models: models
            .into_iter()
            .map(|m| ModelSummaryView {
                open_by_severity: counts.get(&m.model_id).copied().unwrap_or_default(),
                id: m.model_id,
                team_id: m.team_id,
                name: m.name,
                revision: m.revision,
                element_count: m.element_count,
                updated_at: m.updated_at,
                deleted_at: m.deleted_at,
                updated_by: m.updated_by_name,
            })
            .collect(),
        total,
        page,
        page_size: PAGE_SIZE,
    }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct NewModel {
    team_id: Uuid,
    name: String,
    /// A `rampart/1` model to start from (see the `ThreatModel` schema); an empty model when
    /// absent. Its decisions, if any, become the model's decisions. Not with `template`.
    #[schema(value_type = Option<Object>)]
    model: Option<Value>,
    /// A starter model to begin from instead of an empty one. Not with `model`.
    #[schema(value_type = Option<Template>)]
    template: Option<String>,
}

/// The starter models `POST /models` can begin from.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code)] // Only describes the values of `NewModel::template` in the OpenAPI document.
enum Template {
    /// The reference architecture of DESIGN.md: a Kubernetes service in workload VPCs
    /// behind a transit VPC, with its defences.
    Reference,
}

/// The model a template names: 422 naming `template` for an unknown one.
fn template_model(name: &str) -> Result<ThreatModel, ApiError> {
    match name {
        "reference" => {
            // The reference file has no diagram geometry: place its elements.
            let mut model = analysis::reference_model();
            analysis::layout::fill_missing(&mut model);
            Ok(model)
        }
        _ => Err(ApiError::invalid_field(
            "template",
            format!("no template named {name:?}; the templates are: reference"),
        )),
    }
}

pub(crate) fn valid_model_name(name: &str) -> Result<&str, ApiError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(ApiError::invalid_field(
            "name",
            "a model's name must have 1 to 200 characters",
        ));
    }
    Ok(name)
}

/// Checks and stores a new model in `team` at revision 1 with its decisions, audited as
/// `model.create`; `how` starts the change's summary ("created", "imported from otm").
pub(crate) async fn store_new_model(
    state: &AppState,
    principal: &Principal,
    meta: &RequestMeta,
    team: Uuid,
    model: ThreatModel,
    how: &str,
) -> Result<Model, ApiError> {
    let name = model.name.clone();
    let (document, decisions, count) = checked(state, model, "model")?;
    let summary = format!("{how} with {count} elements and flows");
    let mut tx = state.pool.begin().await?;
    let created = db::models::create_model(
        &mut tx,
        team,
        &name,
        &document,
        count,
        &Change {
            kind: "create",
            payload: &document,
            summary: &summary,
            actor: principal.user.id,
        },
    )
    .await?;
    for (key, decision) in &decisions {
        let value = serde_json::to_value(decision).map_err(ApiError::internal)?;
        db::models::put_decision(
            &mut tx,
            created.model_id,
            key,
            &value,
            None,
            principal.user.id,
        )
        .await?
        .map_err(|_| ApiError::internal(anyhow::anyhow!("a new model has no decisions")))?;
    }
    let event = model_event(meta, principal, "model.create", &created, 1, &summary);
    append_audit_event(&mut tx, &event).await?;
    tx.commit().await?;
    Ok(created)
}

/// Creates a model in a team (editors and owners), empty, from a `rampart/1` model or from
/// a template (`"template": "reference"`): 201 and the model at revision 1.
#[utoipa::path(post, path = "/models", tag = "models", request_body = NewModel,
    responses((status = 201, body = ModelView), (status = 401), (status = 403), (status = 404), (status = 422)))]
async fn create_model(
    State(state): State<AppState>,
    principal: Principal,
    meta: RequestMeta,
    ApiJson(body): ApiJson<NewModel>,
) -> Result<Response, ApiError> {
    let grant = authorize(
        &state.pool,
        &principal,
        Action::ModelEdit,
        Resource::Team(body.team_id),
    )
    .await?;
    let name = valid_model_name(&body.name)?;
    let mut model = match (&body.model, body.template.as_deref()) {
        (Some(_), Some(_)) => {
            return Err(ApiError::invalid_field(
                "template",
                "give a model or a template to start from, not both",
            ))
        }
        (Some(value), None) => parse_model(value, "model")?,
        (None, Some(template)) => template_model(template)?,
        (None, None) => ThreatModel::new(name),
    };
    model.name = name.to_owned();
    let created =
        store_new_model(&state, &principal, &meta, body.team_id, model, "created").await?;
    let full = full_model(&state, &created).await?;
    let access = access(&principal, grant, created.team_id);
    let mut response = (StatusCode::CREATED, Json(view(&created, &full, access)?)).into_response();
    response.headers_mut().insert(header::ETAG, etag(1));
    Ok(response)
}

/// The model with its decisions; `ETag: "<revision>"`.
#[utoipa::path(get, path = "/models/{id}", tag = "models", params(("id" = Uuid, Path)),
    responses((status = 200, body = ModelView), (status = 401), (status = 404)))]
async fn get_model(
    State(state): State<AppState>,
    principal: Principal,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Response, ApiError> {
    let (model, grant) = load_granted(&state, &principal, id, Action::ModelRead, false).await?;
    let full = full_model(&state, &model).await?;
    let access = access(&principal, grant, model.team_id);
    let mut response = Json(view(&model, &full, access)?).into_response();
    response
        .headers_mut()
        .insert(header::ETAG, etag(model.revision));
    Ok(response)
}

/// The revision an `If-Match` header names: `"<revision>"` (quotes optional).
fn if_match(headers: &HeaderMap) -> Result<i64, ApiError> {
    let value = headers.get(header::IF_MATCH).ok_or_else(|| {
        ApiError::new(
            StatusCode::PRECONDITION_REQUIRED,
            "precondition_required",
            "send If-Match: \"<revision>\" with the revision you last read (the ETag of GET)",
        )
    })?;
    value
        .to_str()
        .ok()
        .map(|v| v.trim().trim_start_matches("W/").trim_matches('"'))
        .and_then(|v| v.parse::<i64>().ok())
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::PRECONDITION_FAILED,
                "precondition_failed",
                "If-Match must be a revision in quotes, e.g. \"7\"",
            )
        })
}

fn stale(stale: Stale, status: StatusCode, code: &'static str) -> ApiError {
    ApiError::new(
        status,
        code,
        format!(
            "someone changed this model meanwhile: it is at revision {}, and your change was \
             made against revision {}; reload it, then apply your change again",
            stale.current, stale.base
        ),
    )
    .with_details(json!({ "current_revision": stale.current, "base_revision": stale.base }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct ReplaceModel {
    /// The new name; unchanged when absent.
    name: Option<String>,
    /// The whole `rampart/1` model (see the `ThreatModel` schema). Decisions in it are
    /// stored as the model's decisions (created or replaced); others are kept.
    #[schema(value_type = Object)]
    model: Value,
}

#[derive(Serialize, ToSchema)]
struct Revised {
    id: Uuid,
    revision: i64,
    summary: String,
}

/// Replaces the whole model (models as code): needs `If-Match: "<revision>"`; 412 when it
/// is not the current revision, 428 without it.
#[utoipa::path(put, path = "/models/{id}", tag = "models", params(("id" = Uuid, Path)),
    request_body = ReplaceModel,
    responses((status = 200, body = Revised), (status = 401), (status = 403), (status = 404),
        (status = 412), (status = 422), (status = 428)))]
async fn replace_model(
    State(state): State<AppState>,
    principal: Principal,
    meta: RequestMeta,
    headers: HeaderMap,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<ReplaceModel>,
) -> Result<Response, ApiError> {
    let current = load(&state, &principal, id, Action::ModelEdit, false).await?;
    let base = if_match(&headers)?;
    let name = body.name.as_deref().map(valid_model_name).transpose()?;
    let mut model = parse_model(&body.model, "model")?;
    if let Some(name) = name {
        model.name = name.to_owned();
    }
    let (document, decisions, count) = checked(&state, model, "model")?;
    let summary = format!("replaced the whole model ({count} elements and flows)");
    let mut tx = state.pool.begin().await?;
    let locked = db::models::lock_model(&mut tx, id)
        .await?
        .ok_or_else(model_not_found)?;
    if locked.revision != base {
        return Err(stale(
            Stale {
                base,
                current: locked.revision,
            },
            StatusCode::PRECONDITION_FAILED,
            "precondition_failed",
        ));
    }
    let revision = db::models::commit_change(
        &mut tx,
        id,
        base,
        &document,
        count,
        name,
        &Change {
            kind: "replace",
            payload: &document,
            summary: &summary,
            actor: principal.user.id,
        },
    )
    .await?
    .map_err(|s| stale(s, StatusCode::PRECONDITION_FAILED, "precondition_failed"))?;
    for (key, decision) in &decisions {
        let value = serde_json::to_value(decision).map_err(ApiError::internal)?;
        db::models::put_decision(&mut tx, id, key, &value, None, principal.user.id)
            .await?
            .map_err(|_| {
                ApiError::internal(anyhow::anyhow!("an unconditional put is never stale"))
            })?;
    }
    let event = model_event(
        &meta,
        &principal,
        "model.replace",
        &current,
        revision,
        &summary,
    );
    append_audit_event(&mut tx, &event).await?;
    tx.commit().await?;
    let mut response = Json(Revised {
        id,
        revision,
        summary,
    })
    .into_response();
    response.headers_mut().insert(header::ETAG, etag(revision));
    Ok(response)
}

/// Moves the model to its team's trash (owners): 204. Owners can restore it for 30 days.
#[utoipa::path(delete, path = "/models/{id}", tag = "models", params(("id" = Uuid, Path)),
    responses((status = 204), (status = 401), (status = 403), (status = 404)))]
async fn delete_model(
    State(state): State<AppState>,
    principal: Principal,
    meta: RequestMeta,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<StatusCode, ApiError> {
    let model = load(&state, &principal, id, Action::ModelDelete, false).await?;
    let mut tx = state.pool.begin().await?;
    if !db::models::trash_model(&mut *tx, id, principal.user.id).await? {
        return Err(model_not_found());
    }
    let event = model_event(
        &meta,
        &principal,
        "model.delete",
        &model,
        model.revision,
        "moved to the trash",
    );
    append_audit_event(&mut tx, &event).await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Brings a model back from the trash (owners, within 30 days): 200 and the model.
#[utoipa::path(post, path = "/models/{id}/restore", tag = "models", params(("id" = Uuid, Path)),
    responses((status = 200, body = ModelView), (status = 401), (status = 403), (status = 404), (status = 410)))]
async fn restore_model(
    State(state): State<AppState>,
    principal: Principal,
    meta: RequestMeta,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<ModelView>, ApiError> {
    let (model, grant) = load_granted(&state, &principal, id, Action::ModelRestore, true).await?;
    if model.deleted_at.is_none() {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "not_deleted",
            "this model is not in the trash",
        ));
    }
    let mut tx = state.pool.begin().await?;
    if !db::models::restore_model(&mut *tx, id).await? {
        return Err(ApiError::new(
            StatusCode::GONE,
            "trash_expired",
            "this model was deleted more than 30 days ago and can no longer be restored",
        ));
    }
    let event = model_event(
        &meta,
        &principal,
        "model.restore",
        &model,
        model.revision,
        "restored from the trash",
    );
    append_audit_event(&mut tx, &event).await?;
    tx.commit().await?;
    let restored = db::models::get_model(&state.pool, id)
        .await?
        .ok_or_else(model_not_found)?;
    let full = full_model(&state, &restored).await?;
    let access = access(&principal, grant, restored.team_id);
    Ok(Json(view(&restored, &full, access)?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct OperationBatch {
    /// The revision the operations were made against.
    base_revision: i64,
    /// Applied in order, all or none (see the `Operation` schema).
    #[schema(value_type = Vec<Object>)]
    operations: Vec<Operation>,
}

/// Applies a batch of operations atomically against `base_revision`: 200 and the new
/// revision. 409 `stale_revision` (with the current revision) when the model changed
/// meanwhile; 422 naming the first operation that cannot apply. Nothing is written on
/// failure.
#[utoipa::path(post, path = "/models/{id}/operations", tag = "models", params(("id" = Uuid, Path)),
    request_body = OperationBatch,
    responses((status = 200, body = Revised), (status = 401), (status = 403), (status = 404),
        (status = 409), (status = 422)))]
async fn apply_operations(
    State(state): State<AppState>,
    principal: Principal,
    meta: RequestMeta,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<OperationBatch>,
) -> Result<Response, ApiError> {
    load(&state, &principal, id, Action::ModelEdit, false).await?;
    if body.operations.is_empty() {
        return Err(ApiError::invalid_field(
            "operations",
            "send at least one operation",
        ));
    }
    if let Some(index) = body
        .operations
        .iter()
        .position(|op| matches!(op, Operation::SetDecision { .. }))
    {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_operation",
            format!(
                "operation {index}: decisions have their own revision; change them with PUT /api/v1/models/{{id}}/decisions/{{threat_key}}"
            ),
        )
        .with_details(json!({ "field": format!("operations[{index}]"), "index": index })));
    }
    let mut tx = state.pool.begin().await?;
    let locked = db::models::lock_model(&mut tx, id)
        .await?
        .filter(|m| m.deleted_at.is_none())
        .ok_or_else(model_not_found)?;
    if locked.revision != body.base_revision {
        return Err(stale(
            Stale {
                base: body.base_revision,
                current: locked.revision,
            },
            StatusCode::CONFLICT,
            "stale_revision",
        ));
    }
    let current = document_model(&locked.document)?;
    let next = analysis::ops::apply(&current, &body.operations).map_err(|err| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_operation",
            format!("operation {} cannot be applied: {}", err.index, err.message),
        )
        .with_details(json!({ "field": format!("operations[{}]", err.index), "index": err.index }))
    })?;
    let (document, _, count) = checked(&state, next, "operations")?;
    let summary = analysis::ops::summary(&body.operations);
    let payload = serde_json::to_value(&body.operations).map_err(ApiError::internal)?;
    let name = (document["name"].as_str() != Some(locked.name.as_str()))
        .then(|| document["name"].as_str().unwrap_or_default().to_owned());
    let revision = db::models::commit_change(
        &mut tx,
        id,
        body.base_revision,
        &document,
        count,
        name.as_deref(),
        &Change {
            kind: "operations",
            payload: &payload,
            summary: &summary,
            actor: principal.user.id,
        },
    )
    .await?
    .map_err(|s| stale(s, StatusCode::CONFLICT, "stale_revision"))?;
    let event = model_event(&meta, &principal, "model.edit", &locked, revision, &summary);
    append_audit_event(&mut tx, &event).await?;
    tx.commit().await?;
    let mut response = Json(Revised {
        id,
        revision,
        summary,
    })
    .into_response();
    response.headers_mut().insert(header::ETAG, etag(revision));
    Ok(response)
}

#[derive(Serialize, ToSchema)]
struct ThreatsView {
    revision: i64,
    /// The analysis report: findings (with their decisions), weakest paths, scope notes,
    /// suppressed rules and diagnostics.
    #[schema(value_type = Object)]
    report: Value,
    /// Decisions whose threat no longer appears.
    orphaned_decisions: Vec<String>,
}

/// The model's threats: the engine's analysis with the decisions applied, and the decisions
/// whose threat no longer appears.
#[utoipa::path(get, path = "/models/{id}/threats", tag = "models", params(("id" = Uuid, Path)),
    responses((status = 200, body = ThreatsView), (status = 401), (status = 404)))]
async fn threats(
    State(state): State<AppState>,
    principal: Principal,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<ThreatsView>, ApiError> {
    let model = load(&state, &principal, id, Action::ModelRead, false).await?;
    let full = full_model(&state, &model).await?;
    let (report, orphaned) = tokio::task::spawn_blocking(move || {
        let report = analysis::analyze(&full, &analysis::Options::default());
        let orphaned: Vec<String> = full
            .decisions
            .keys()
            .filter(|key| report.finding(key).is_none())
            .cloned()
            .collect();
        (report, orphaned)
    })
    .await
    .map_err(ApiError::internal)?;
    Ok(Json(ThreatsView {
        revision: model.revision,
        report: serde_json::to_value(&report).map_err(ApiError::internal)?,
        orphaned_decisions: orphaned,
    }))
}

#[derive(Serialize, ToSchema)]
struct DecisionView {
    threat_key: String,
    /// Status, justification, DREAD override, owner, due date, notes.
    #[schema(value_type = Object)]
    decision: Value,
    /// The decision's own revision (send it back as `base_revision` to change it).
    revision: i64,
    updated_by: Option<Uuid>,
    #[serde(with = "time::serde::rfc3339")]
    updated_at: OffsetDateTime,
    /// Whether its threat no longer appears in the model's analysis.
    orphaned: bool,
}

/// The model's decisions, by threat key, each marked orphaned when its threat is gone.
#[utoipa::path(get, path = "/models/{id}/decisions", tag = "models", params(("id" = Uuid, Path)),
    responses((status = 200, body = Vec<DecisionView>), (status = 401), (status = 404)))]
async fn list_decisions(
    State(state): State<AppState>,
    principal: Principal,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<Vec<DecisionView>>, ApiError> {
    let model = load(&state, &principal, id, Action::ModelRead, false).await?;
    let full = document_model(&model.document)?;
    let report = tokio::task::spawn_blocking(move || {
        analysis::analyze(&full, &analysis::Options::default())
    })
    .await
    .map_err(ApiError::internal)?;
    let records = db::models::list_decisions(&state.pool, id).await?;
    Ok(Json(
        records
            .into_iter()
            .map(|r| DecisionView {
                orphaned: report.finding(&r.threat_key).is_none(),
                threat_key: r.threat_key,
                decision: r.decision,
                revision: r.revision,
                updated_by: r.updated_by,
                updated_at: r.updated_at,
            })
            .collect(),
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct DecisionChange {
    /// The decision's revision you last read; 0 or absent when creating it. A different
    /// current revision is refused with 409.
    base_revision: Option<i64>,
    /// `{status, justification?, dread?, owner?, due?, notes?}`; accepted and transferred
    /// need a justification.
    #[schema(value_type = Object)]
    decision: analysis::model::Decision,
}

/// Creates or changes the decision on a threat (editors and owners). The model's revision
/// does not move.
#[utoipa::path(put, path = "/models/{id}/decisions/{threat_key}", tag = "models",
    params(("id" = Uuid, Path), ("threat_key" = String, Path)), request_body = DecisionChange,
    responses((status = 200, body = DecisionView), (status = 401), (status = 403), (status = 404),
        (status = 409), (status = 422)))]
async fn put_decision(
    State(state): State<AppState>,
    principal: Principal,
    meta: RequestMeta,
    ApiPath((id, key)): ApiPath<(Uuid, String)>,
    ApiJson(body): ApiJson<DecisionChange>,
) -> Result<Json<DecisionView>, ApiError> {
    let model = load(&state, &principal, id, Action::ModelDecide, false).await?;
    let decision = body.decision;
    if decision.status.needs_justification()
        && decision
            .justification
            .as_deref()
            .is_none_or(|j| j.trim().is_empty())
    {
        return Err(ApiError::invalid_field(
            "decision.justification",
            format!("a threat marked {} needs a justification", decision.status),
        ));
    }
    if key.is_empty() || key.len() > 500 {
        return Err(ApiError::invalid_field("threat_key", "no such threat key"));
    }
    let value = serde_json::to_value(&decision).map_err(ApiError::internal)?;
    let mut tx = state.pool.begin().await?;
    let record = db::models::put_decision(
        &mut tx,
        id,
        &key,
        &value,
        body.base_revision,
        principal.user.id,
    )
    .await?
    .map_err(|s| {
        ApiError::new(
            StatusCode::CONFLICT,
            "stale_revision",
            format!(
                "someone changed this decision meanwhile (it is at revision {}); reload it and decide again",
                s.current
            ),
        )
        .with_details(json!({ "current_revision": s.current, "base_revision": s.base }))
    })?;
    let mut event = model_event(
        &meta,
        &principal,
        "model.decision",
        &model,
        model.revision,
        &format!("{key}: {}", decision.status),
    );
    event.details["threat_key"] = json!(key);
    event.details["status"] = json!(decision.status.as_str());
    append_audit_event(&mut tx, &event).await?;
    tx.commit().await?;
    let full = document_model(&model.document)?;
    let orphaned = analysis::analyze(&full, &analysis::Options::default())
        .finding(&key)
        .is_none();
    Ok(Json(DecisionView {
        threat_key: record.threat_key,
        decision: record.decision,
        revision: record.revision,
        updated_by: record.updated_by,
        updated_at: record.updated_at,
        orphaned,
    }))
}

#[derive(Serialize, ToSchema)]
struct VersionView {
    id: Uuid,
    name: String,
    model_revision: i64,
    /// SHA-256 of the snapshot's canonical serialisation.
    content_hash: String,
    created_by: Option<Uuid>,
    /// The creator's display name, in lists (null when the account is gone).
    #[serde(skip_serializing_if = "Option::is_none")]
    created_by_name: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    created_at: OffsetDateTime,
    /// The snapshot (decisions included); only when one version is asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    model: Option<Value>,
}

fn version_view(version: db::models::Version, with_model: bool) -> VersionView {
    VersionView {
        id: version.version_id,
        name: version.name,
        model_revision: version.model_revision,
        content_hash: version.content_hash,
        created_by: version.created_by,
        created_by_name: version.created_by_name,
        created_at: version.created_at,
        model: with_model.then_some(version.snapshot),
    }
}

/// The model's saved versions, newest first.
#[utoipa::path(get, path = "/models/{id}/versions", tag = "models", params(("id" = Uuid, Path)),
    responses((status = 200, body = Vec<VersionView>), (status = 401), (status = 404)))]
async fn list_versions(
    State(state): State<AppState>,
    principal: Principal,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<Vec<VersionView>>, ApiError> {
    load(&state, &principal, id, Action::ModelRead, false).await?;
    let versions = db::models::list_versions(&state.pool, id).await?;
    Ok(Json(
        versions
            .into_iter()
            .map(|v| version_view(v, false))
            .collect(),
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct NewVersion {
    name: String,
}

/// Saves the current model and its decisions as a named, immutable version (editors and
/// owners): 201 with its content hash.
#[utoipa::path(post, path = "/models/{id}/versions", tag = "models", params(("id" = Uuid, Path)),
    request_body = NewVersion,
    responses((status = 201, body = VersionView), (status = 401), (status = 403), (status = 404),
        (status = 409), (status = 422)))]
async fn create_version(
    State(state): State<AppState>,
    principal: Principal,
    meta: RequestMeta,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<NewVersion>,
) -> Result<(StatusCode, Json<VersionView>), ApiError> {
    let model = load(&state, &principal, id, Action::ModelEdit, false).await?;
    let name = body.name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(ApiError::invalid_field(
            "name",
            "a version's name must have 1 to 200 characters",
        ));
    }
    let full = full_model(&state, &model).await?;
    let hash = analysis::canonical::content_hash(&full);
    let snapshot = serde_json::to_value(&full).map_err(ApiError::internal)?;
    let mut tx = state.pool.begin().await?;
    let version = db::models::create_version(
        &mut *tx,
        id,
        name,
        model.revision,
        &snapshot,
        &hash,
        principal.user.id,
    )
    .await
    .map_err(|err| match err {
        db::models::VersionError::NameTaken => ApiError::new(
            StatusCode::CONFLICT,
            "version_name_taken",
            "this model already has a version with that name",
        ),
        db::models::VersionError::Database(err) => ApiError::internal(err),
    })?;
    let mut event = model_event(
        &meta,
        &principal,
        "model.version",
        &model,
        model.revision,
        name,
    );
    event.details["version_id"] = json!(version.version_id);
    event.details["content_hash"] = json!(hash);
    append_audit_event(&mut tx, &event).await?;
    tx.commit().await?;
    let version = db::models::Version {
        created_by_name: Some(principal.user.name.clone()),
        ..version
    };
    Ok((StatusCode::CREATED, Json(version_view(version, false))))
}

/// One version with its snapshot.
#[utoipa::path(get, path = "/models/{id}/versions/{version_id}", tag = "models",
    params(("id" = Uuid, Path), ("version_id" = Uuid, Path)),
    responses((status = 200, body = VersionView), (status = 401), (status = 404)))]
async fn get_version(
    State(state): State<AppState>,
    principal: Principal,
    ApiPath((id, version_id)): ApiPath<(Uuid, Uuid)>,
) -> Result<Json<VersionView>, ApiError> {
    load(&state, &principal, id, Action::ModelRead, false).await?;
    let version = db::models::get_version(&state.pool, id, version_id)
        .await?
        .ok_or_else(|| ApiError::not_found("version"))?;
    Ok(Json(version_view(version, true)))
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct DiffQuery {
    /// A version id, or `draft` for the current model.
    from: String,
    /// A version id, or `draft` for the current model.
    to: String,
}

/// What changed between two versions, or a version and the current draft: elements, flows,
/// threats and decisions added, removed and changed.
#[utoipa::path(get, path = "/models/{id}/diff", tag = "models",
    params(("id" = Uuid, Path), DiffQuery),
    responses((status = 200, description = "the differences", body = Object), (status = 401), (status = 404), (status = 422)))]
async fn diff(
    State(state): State<AppState>,
    principal: Principal,
    ApiPath(id): ApiPath<Uuid>,
    ApiQuery(query): ApiQuery<DiffQuery>,
) -> Result<Json<Value>, ApiError> {
    let model = load(&state, &principal, id, Action::ModelRead, false).await?;
    let mut sides = Vec::new();
    for (field, which) in [("from", &query.from), ("to", &query.to)] {
        let side = if which == "draft" {
            full_model(&state, &model).await?
        } else {
            let version_id: Uuid = which.parse().map_err(|_| {
                ApiError::invalid_field(field, "name a version id, or draft for the current model")
            })?;
            let version = db::models::get_version(&state.pool, id, version_id)
                .await?
                .ok_or_else(|| ApiError::not_found("version"))?;
            serde_json::from_value(version.snapshot).map_err(ApiError::internal)?
        };
        sides.push(side);
    }
    let to = sides.pop().expect("two sides");
    let from = sides.pop().expect("two sides");
    let diff = tokio::task::spawn_blocking(move || analysis::diff::diff(&from, &to))
        .await
        .map_err(ApiError::internal)?;
    Ok(Json(
        serde_json::to_value(diff).map_err(ApiError::internal)?,
    ))
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct HistoryQuery {
    /// 1-based page (50 changes a page), newest first.
    page: Option<u32>,
}

#[derive(Serialize, ToSchema)]
struct ChangeView {
    revision: i64,
    /// `create`, `operations` or `replace`.
    kind: String,
    summary: String,
    /// The operations (or, for create and replace, the whole document).
    #[schema(value_type = Object)]
    payload: Value,
    actor: Option<Uuid>,
    actor_name: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    changed_at: OffsetDateTime,
}

#[derive(Serialize, ToSchema)]
struct HistoryPage {
    changes: Vec<ChangeView>,
    total: i64,
    page: u32,
}

/// Every accepted change, newest first: who, when, what (replayable from revision 1).
#[utoipa::path(get, path = "/models/{id}/history", tag = "models",
    params(("id" = Uuid, Path), HistoryQuery),
    responses((status = 200, body = HistoryPage), (status = 401), (status = 404)))]
async fn history(
    State(state): State<AppState>,
    principal: Principal,
    ApiPath(id): ApiPath<Uuid>,
    ApiQuery(query): ApiQuery<HistoryQuery>,
) -> Result<Json<HistoryPage>, ApiError> {
    load(&state, &principal, id, Action::ModelRead, false).await?;
    let page = query.page.unwrap_or(1).max(1);
    let (changes, total) = db::models::list_changes(&state.pool, id, page, PAGE_SIZE).await?;
    Ok(Json(HistoryPage {
        changes: changes
            .into_iter()
            .map(|c| ChangeView {
                revision: c.revision,
                kind: c.kind,
                summary: c.summary,
                payload: c.payload,
                actor: c.actor,
                actor_name: c.actor_name,
                changed_at: c.changed_at,
            })
            .collect(),
        total,
        page,
    }))
}
