//! The REST API under `/api/v1`: the documented contract for scripts, CI and the UI. A
//! module per resource with its own `router()`, registered through utoipa-axum's
//! `OpenApiRouter`, so every route is also in the OpenAPI document ([`openapi`], served at
//! `/api/v1/openapi.json`) and can be enumerated (the authorisation matrix test does).
//! [`error`] is the one error format, [`json`] the body extractor that uses it, [`ApiPath`]
//! and [`ApiQuery`] the path and query extractors.

pub mod audit;
pub mod auth;
pub mod diagram;
pub mod error;
pub mod invitations;
pub mod json;
pub mod models;
pub mod teams;
pub mod tokens;
pub mod transfer;
pub mod users;

use crate::AppState;
use axum::extract::ConnectInfo;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::{Json, Router};
use serde::de::DeserializeOwned;
use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};
use std::sync::OnceLock;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub use error::ApiError;
pub use json::ApiJson;

/// Every route of the API, relative to `/api/v1`, with its OpenAPI description.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(openapi_json))
        .merge(auth::router())
        .merge(tokens::router())
        .merge(teams::router())
        .merge(invitations::router())
        .merge(audit::router())
        .merge(users::router())
        .merge(models::router())
        .merge(transfer::router())
        .merge(diagram::router())
}

/// The OpenAPI document of the API (paths relative to the server URL `/api/v1`), as JSON.
/// The `rampart/1` model and the edit operations are described by the engine's own
/// JSON Schemas (schemars, 2020-12, which OpenAPI 3.1 uses), placed under
/// `components/schemas` and referenced from the request bodies that carry them.
pub fn openapi() -> &'static serde_json::Value {
    static DOCUMENT: OnceLock<serde_json::Value> = OnceLock::new();
    DOCUMENT.get_or_init(|| {
        let (_, mut document) = routes().split_for_parts();
        document.info.title = "Rampart API".to_owned();
        document.info.version = env!("CARGO_PKG_VERSION").to_owned();
        document.info.description = Some(
            "Rampart's REST API. Errors are {\"error\": {\"code\", \"message\", \"details\"}}. \
             Authenticate with the session cookie (unsafe methods then need X-CSRF-Token and \
             a same-origin Origin) or with Authorization: Bearer <API token>."
                .to_owned(),
        );
        document.servers = Some(vec![utoipa::openapi::Server::new("/api/v1")]);
        let mut json = serde_json::to_value(&document).expect("the document serialises");
        add_engine_schemas(&mut json);
        json
    })
}

/// Puts the schemas of `ThreatModel` and `Operation` (and what they use) into the document
/// and points the request bodies that carry them at them.
fn add_engine_schemas(document: &mut serde_json::Value) {
    use schemars::generate::SchemaSettings;
    let mut generator = SchemaSettings::draft2020_12()
        .with(|settings| {
            settings.definitions_path = "/components/schemas".into();
            settings.meta_schema = None;
        })
        .into_generator();
    let model = generator.subschema_for::<analysis::ThreatModel>();
    let operation = generator.subschema_for::<analysis::ops::Operation>();
    let definitions = generator.take_definitions(true);
    let schemas = document
        .pointer_mut("/components/schemas")
        .and_then(serde_json::Value::as_object_mut)
        .expect("utoipa writes components/schemas");
    for (name, schema) in definitions {
        schemas.entry(name).or_insert(schema);
    }
    let model = serde_json::to_value(model).expect("a schema serialises");
    let operation = serde_json::to_value(operation).expect("a schema serialises");
    for (pointer, schema) in [
        ("/NewModel/properties/model", &model),
        ("/ReplaceModel/properties/model", &model),
        ("/OperationBatch/properties/operations/items", &operation),
    ] {
        if let Some(slot) = schemas_pointer(schemas, pointer) {
            *slot = schema.clone();
        }
    }
}

fn schemas_pointer<'a>(
    schemas: &'a mut serde_json::Map<String, serde_json::Value>,
    pointer: &str,
) -> Option<&'a mut serde_json::Value> {
    let (name, rest) = pointer.trim_start_matches('/').split_once('/')?;
    schemas.get_mut(name)?.pointer_mut(&format!("/{rest}"))
}

/// The routes under `/api/v1`; unknown paths there answer 404 in the error format.
pub fn router() -> Router<AppState> {
    let (router, _) = routes().split_for_parts();
    router.fallback(|| async {
        ApiError::new(StatusCode::NOT_FOUND, "not_found", "no such API endpoint")
    })
}

/// This API's OpenAPI 3.1 document.
#[utoipa::path(get, path = "/openapi.json", tag = "meta",
    responses((status = 200, description = "the OpenAPI document")))]
async fn openapi_json() -> Json<&'static serde_json::Value> {
    Json(openapi())
}

/// The query string as `T`; one that does not fit (an unknown parameter, a wrong type) is a
/// 422 `invalid_input` in the API's error format, with serde's explanation in `details`.
#[derive(Debug, Clone)]
pub struct ApiQuery<T>(pub T);

impl<S, T> FromRequestParts<S> for ApiQuery<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(value)) => Ok(ApiQuery(value)),
            Err(rejection) => Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_input",
                "the query parameters are not what this endpoint accepts",
            )
            .with_details(serde_json::json!({ "reason": rejection.body_text() }))),
        }
    }
}

/// A path parameter of type `T`; one that does not parse (e.g. a malformed id) is a 404 in
/// the API's error format, as no resource can have it.
#[derive(Debug, Clone)]
pub struct ApiPath<T>(pub T);

impl<S, T> FromRequestParts<S> for ApiPath<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(value)) => Ok(ApiPath(value)),
            Err(_) => Err(ApiError::new(
                StatusCode::NOT_FOUND,
                "not_found",
                "no such resource",
            )),
        }
    }
}

/// Where a request came from, for the audit log and the throttle: the client's address
/// ([`client_addr`]), the request id and the user agent.
#[derive(Debug, Clone, Default)]
pub struct RequestMeta {
    pub client_addr: Option<IpAddr>,
    pub request_id: Option<String>,
    pub user_agent: Option<String>,
}

impl FromRequestParts<AppState> for RequestMeta {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Infallible> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(addr)| addr.ip());
        let header = |name| {
            parts
                .headers
                .get(name)
                .and_then(|v: &axum::http::HeaderValue| v.to_str().ok())
                .map(str::to_owned)
        };
        Ok(RequestMeta {
            client_addr: peer.map(|peer| {
                let forwarded = parts.headers.get_all("x-forwarded-for");
                client_addr(
                    peer,
                    forwarded.iter().filter_map(|v| v.to_str().ok()),
                    &state.trusted_proxies,
                )
            }),
            request_id: header(crate::http::REQUEST_ID),
            user_agent: header(axum::http::header::USER_AGENT),
        })
    }
}

/// The client's address: the socket peer's, unless the peer is a trusted proxy; then the
/// `X-Forwarded-For` entries are read from the right (the nearest hop first), skipping
/// trusted proxies, and the first untrusted one is the client. Entries a client wrote
/// itself sit further left and are never reached while an untrusted hop precedes them; an
/// unparsable entry ends the walk at the last address known to be good.
pub fn client_addr<'a>(
    peer: IpAddr,
    forwarded_for: impl Iterator<Item = &'a str>,
    trusted: &[ipnet::IpNet],
) -> IpAddr {
    let is_trusted = |addr: &IpAddr| trusted.iter().any(|net| net.contains(addr));
    if !is_trusted(&peer) {
        return peer;
    }
    let hops: Vec<&str> = forwarded_for.flat_map(|v| v.split(',')).collect();
    let mut client = peer;
    for hop in hops.iter().rev() {
        match hop.trim().parse::<IpAddr>() {
            Ok(addr) => {
                client = addr;
                if !is_trusted(&addr) {
                    break;
                }
            }
            Err(_) => break,
        }
    }
    client
}

impl RequestMeta {
    /// An audit event stamped with this request's address and id.
    pub fn event(
        &self,
        action: &str,
        outcome: db::audit::AuditOutcome,
    ) -> db::audit::NewAuditEvent {
        let mut event = db::audit::NewAuditEvent::new(action, outcome);
        event.client_addr = self.client_addr;
        event.request_id = self.request_id.clone();
        event
    }

    /// An event of this request done by the account `actor`.
    pub fn event_by(
        &self,
        actor: uuid::Uuid,
        action: &str,
        outcome: db::audit::AuditOutcome,
    ) -> db::audit::NewAuditEvent {
        let mut event = self.event(action, outcome);
        event.actor = Some(actor.to_string());
        event
    }
}

#[cfg(test)]
mod tests {
    use super::client_addr;
    use std::net::IpAddr;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn forwarded_for_is_believed_only_from_a_trusted_proxy() {
        let trusted = ["10.0.0.0/8".parse().unwrap()];
        // A client that forges the header directly is its own address.
        assert_eq!(
            client_addr(ip("203.0.113.9"), ["198.51.100.1"].into_iter(), &trusted),
            ip("203.0.113.9")
        );
        // Through the proxy: the rightmost untrusted hop, not the forged leftmost one.
        assert_eq!(
            client_addr(
                ip("10.0.0.2"),
                ["198.51.100.1, 203.0.113.9"].into_iter(),
                &trusted
            ),
            ip("203.0.113.9")
        );
        // Two proxies, two headers.
        assert_eq!(
            client_addr(
                ip("10.0.0.2"),
                ["203.0.113.9", "10.0.0.7"].into_iter(),
                &trusted
            ),
            ip("203.0.113.9")
        );
        // Garbage ends the walk at the last good address; no header means the proxy itself.
        assert_eq!(
            client_addr(ip("10.0.0.2"), ["nonsense"].into_iter(), &trusted),
            ip("10.0.0.2")
        );
        assert_eq!(
            client_addr(ip("10.0.0.2"), std::iter::empty(), &trusted),
            ip("10.0.0.2")
        );
        assert_eq!(
            client_addr(ip("10.0.0.2"), ["198.51.100.1"].into_iter(), &[]),
            ip("10.0.0.2")
        );
    }
}
