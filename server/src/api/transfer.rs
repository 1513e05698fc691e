//! Moving models in and out (issue 6): import a file as a new model, export a model or its
//! threat register. The formats themselves are `interop`'s; this module is the HTTP side:
//! raw bodies within the size limit, authorisation, content types and file names.

use super::models::{full_model, load, store_new_model, valid_model_name};
use super::{ApiError, ApiQuery, RequestMeta};
use crate::auth::Principal;
use crate::authz::{authorize, Action, Resource};
use crate::AppState;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(import))
        .routes(routes!(export))
}

/// A format a model can be imported from.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
enum ImportFormat {
    /// Rampart's own `rampart/1` JSON, read strictly.
    Rampart,
    /// OWASP Threat Dragon v2 JSON, read tolerantly.
    ThreatDragon,
    /// Open Threat Model 0.1 or 0.2 JSON, read tolerantly.
    Otm,
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct ImportQuery {
    team_id: Uuid,
    #[param(inline)]
    format: ImportFormat,
    /// The new model's name; the file's when absent.
    name: Option<String>,
}

#[derive(Serialize, ToSchema)]
struct ImportedView {
    id: Uuid,
    name: String,
    revision: i64,
    /// What could not be kept, repaired or was ignored, one line each, in file order.
    warnings: Vec<String>,
}

/// Imports a file (the request body, as it is) as a new model of the team (editors and
/// owners): 201 with the warnings. A file that is not a model of the format is 422 naming
/// the problem, and nothing is stored.
#[utoipa::path(post, path = "/models/import", tag = "models", params(ImportQuery),
    request_body(content = String, content_type = "application/json",
        description = "the file, as it is"),
    responses((status = 201, body = ImportedView), (status = 401), (status = 403), (status = 404),
        (status = 413), (status = 422)))]
async fn import(
    State(state): State<AppState>,
    principal: Principal,
    meta: RequestMeta,
    ApiQuery(query): ApiQuery<ImportQuery>,
    body: Result<Bytes, BytesRejection>,
) -> Result<(StatusCode, Json<ImportedView>), ApiError> {
    authorize(
        &state.pool,
        &principal,
        Action::ModelEdit,
        Resource::Team(query.team_id),
    )
    .await?;
    let body = body.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::payload_too_large()
        } else {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "invalid_body",
                rejection.body_text(),
            )
        }
    })?;
    let text = std::str::from_utf8(&body).map_err(|_| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_file",
            "the file is not UTF-8 text",
        )
    })?;
    let format = query.format;
    let text = text.to_owned();
    let imported = tokio::task::spawn_blocking(move || match format {
        ImportFormat::Rampart => analysis::parse(&text)
            .map(|model| interop::Imported {
                model,
                warnings: Vec::new(),
            })
            .map_err(|err| err.to_string()),
        ImportFormat::ThreatDragon => {
            interop::threat_dragon::import(&text).map_err(|err| err.to_string())
        }
        ImportFormat::Otm => interop::otm::import(&text).map_err(|err| err.to_string()),
    })
    .await
    .map_err(ApiError::internal)?
    .map_err(|message| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_file",
            format!("the file cannot be imported: {message}"),
        )
    })?;
    let mut model = imported.model;
    if let Some(name) = query.name.as_deref() {
        model.name = valid_model_name(name)?.to_owned();
    } else if model.name.trim().is_empty() {
        model.name = "Imported model".to_owned();
    }
    let how = match format {
        ImportFormat::Rampart => "imported from a rampart/1 file",
        ImportFormat::ThreatDragon => "imported from Threat Dragon",
        ImportFormat::Otm => "imported from OTM",
    };
    let created = store_new_model(&state, &principal, &meta, query.team_id, model, how).await?;
    Ok((
        StatusCode::CREATED,
        Json(ImportedView {
            id: created.model_id,
            name: created.name,
            revision: created.revision,
            warnings: imported.warnings,
        }),
    ))
}

/// A format a model can be exported to.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
enum ExportFormat {
    Rampart,
    ThreatDragon,
    Otm,
    /// The threat register as CSV (formula-safe).
    Csv,
    /// The threat register as an Excel workbook (summary and register sheets).
    Xlsx,
    /// The threat register as JSON.
    Json,
    /// The threat register as Markdown.
    Md,
    /// The threat register as a PDF (title page, summary, register).
    Pdf,
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct ExportQuery {
    #[param(inline)]
    format: ExportFormat,
}

/// A download: `bytes` as `content_type`, saved by the browser as `file_name` (built from
/// [`file_stem`], so it needs no quoting).
pub(super) fn attachment(
    bytes: Vec<u8>,
    content_type: &'static str,
    file_name: &str,
) -> Result<Response, ApiError> {
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&format!("attachment; filename=\"{file_name}\""))
            .map_err(ApiError::internal)?,
    );
    Ok(response)
}

/// A file name made of the model's name: lower-case letters, digits and dashes.
pub(super) fn file_stem(name: &str) -> String {
    let mut stem = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            stem.push(c.to_ascii_lowercase());
        } else if !stem.ends_with('-') && !stem.is_empty() {
            stem.push('-');
        }
    }
    let stem = stem.trim_end_matches('-');
    if stem.is_empty() {
        "model".to_owned()
    } else {
        stem.chars().take(60).collect()
    }
}

/// The model, or its threat register, as a file: the right Content-Type and a
/// Content-Disposition file name such as `shop-r7-register.csv`. The register carries its
/// provenance: the model's name and revision, and its latest saved version with that
/// version's content hash.
#[utoipa::path(get, path = "/models/{id}/export", tag = "models",
    params(("id" = Uuid, Path), ExportQuery),
    responses((status = 200, description = "the file"), (status = 401), (status = 404), (status = 422)))]
async fn export(
    State(state): State<AppState>,
    principal: Principal,
    super::ApiPath(id): super::ApiPath<Uuid>,
    ApiQuery(query): ApiQuery<ExportQuery>,
) -> Result<Response, ApiError> {
    let stored = load(&state, &principal, id, Action::ModelRead, false).await?;
    let model = full_model(&state, &stored).await?;
    // The register says which revision and which saved version it was made from; the
    // model's own formats need no version (and listing them reads every snapshot).
    let register = !matches!(
        query.format,
        ExportFormat::Rampart | ExportFormat::ThreatDragon | ExportFormat::Otm
    );
    let latest = if register {
        db::models::list_versions(&state.pool, stored.model_id)
            .await?
            .into_iter()
            .next()
    } else {
        None
    };
    let provenance = interop::register::Provenance {
        model: stored.name.clone(),
        revision: Some(stored.revision),
        version: latest.as_ref().map(|v| v.name.clone()),
        content_hash: latest.map(|v| v.content_hash),
    };
    let stem = format!("{}-r{}", file_stem(&stored.name), stored.revision);
    let today = time::OffsetDateTime::now_utc().date().to_string();
    let format = query.format;
    let (bytes, content_type, file_name) = tokio::task::spawn_blocking(move || {
        let report = analysis::analyze(&model, &analysis::Options::default());
        let text = |body: String| body.into_bytes();
        Ok::<_, ApiError>(match format {
            ExportFormat::Rampart => (
                text(serde_json::to_string_pretty(&model).map_err(ApiError::internal)?),
                "application/json",
                format!("{stem}.rampart.json"),
            ),
            ExportFormat::ThreatDragon => (
                text(interop::threat_dragon::export(&model, &report)),
                "application/json",
                format!("{stem}.threat-dragon.json"),
            ),
            ExportFormat::Otm => (
                text(interop::otm::export(&model, &report)),
                "application/json",
                format!("{stem}.otm.json"),
            ),
            ExportFormat::Csv => (
                text(interop::register::csv(&model, &report, &provenance)),
                "text/csv; charset=utf-8",
                format!("{stem}-register.csv"),
            ),
            ExportFormat::Xlsx => (
                interop::register::xlsx(&model, &report, &provenance, &today)
                    .map_err(ApiError::internal)?,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                format!("{stem}-register.xlsx"),
            ),
            ExportFormat::Json => (
                text(interop::register::json(&model, &report, &provenance)),
                "application/json",
                format!("{stem}-register.json"),
            ),
            ExportFormat::Md => (
                text(interop::register::markdown(&model, &report, &provenance)),
                "text/markdown; charset=utf-8",
                format!("{stem}-register.md"),
            ),
            ExportFormat::Pdf => (
                interop::register::pdf(&model, &report, &provenance, &today),
                "application/pdf",
                format!("{stem}-register.pdf"),
            ),
        })
    })
    .await
    .map_err(ApiError::internal)??;
    attachment(bytes, content_type, &file_name)
}

#[cfg(test)]
mod tests {
    use super::file_stem;

    #[test]
    fn file_names_keep_only_safe_characters() {
        assert_eq!(file_stem("Shop: prod / EU"), "shop-prod-eu");
        assert_eq!(file_stem("\"; rm -rf"), "rm-rf");
        assert_eq!(file_stem("日本"), "model");
    }
}
