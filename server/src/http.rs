//! The HTTP surface: routes, static files and the middleware stack every response passes.
//!
//! Order of the layers, outermost first: a request id is assigned (or taken from the client's
//! `x-request-id`), the request is traced under it, the id is copied to the response, panics
//! become generic 500s, baseline security and caching headers are set, bodies are
//! compressed, the session is attached (loaded from Postgres only when something reads it),
//! and unsafe requests pass the CSRF checks ([`crate::auth::csrf`]) or get 403.

use crate::auth::{csrf, session};
use crate::{api, health, AppState};
use app::{shell, App};
use axum::body::Body;
use axum::handler::HandlerWithoutStateExt;
use axum::http::{header, HeaderName, HeaderValue, Request, Response, StatusCode};
use axum::middleware::{self, Next};
use axum::routing::get;
use axum::Router;
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, LeptosRoutes};
use std::any::Any;
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tower_http::LatencyUnit;
use tracing::Level;

/// The header that carries the request id, in both directions.
pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Static files whose names carry no content hash: browsers must revalidate them (cheaply,
/// through `Last-Modified`) so a new release is picked up at once.
const REVALIDATE: HeaderValue = HeaderValue::from_static("no-cache");
/// Other static files (favicon, robots.txt) change rarely.
const STATIC_ASSET: HeaderValue = HeaderValue::from_static("public, max-age=86400");
/// Pages and API answers may carry private data: never stored by a browser or a proxy.
const NO_STORE: HeaderValue = HeaderValue::from_static("no-store");

/// Builds the application: the Leptos pages, `/healthz`, the static site, and the middleware.
pub fn router(state: AppState) -> Router {
    let leptos = state.leptos.clone();
    // HSTS only where users arrive over TLS (the public URL is https, typically behind a
    // TLS proxy): on plain-HTTP localhost it would be ignored or misleading.
    let hsts = state
        .public_url
        .starts_with("https://")
        .then(|| HeaderValue::from_static("max-age=63072000; includeSubDomains"));
    let routes = generate_route_list(App);
    let editor_bundle = app::EditorBundle(
        std::path::Path::new(&*leptos.site_root)
            .join(&*leptos.site_pkg_dir)
            .join(format!("{}.wasm", app::EDITOR_OUTPUT_NAME))
            .is_file(),
    );
    if !editor_bundle.0 {
        tracing::info!("no editor bundle in the site: every page loads the whole application");
    }
    let context = {
        let pool = state.pool.clone();
        move || {
            provide_context(pool.clone());
            provide_context(editor_bundle);
        }
    };

    // Anything that is neither a route nor a file under the site root renders the app's
    // not-found page (status 404) instead of a bare error.
    let not_found = leptos_axum::render_app_to_stream_with_context(context.clone(), {
        let leptos = leptos.clone();
        move || shell(leptos.clone())
    });
    // The bundle's brotli copies (`precompress`) go to browsers that accept them.
    let static_files = ServeDir::new(&*leptos.site_root)
        .precompressed_br()
        .append_index_html_on_directories(false)
        .not_found_service(not_found.into_service());

    let sessions = session::layer(state.pool.clone(), &state.auth.sessions);
    let csrf = middleware::from_fn_with_state(state.clone(), csrf::protect);

    Router::new()
        .route("/healthz", get(health::healthz))
        .nest(
            "/api/v1",
            api::router().layer(axum::extract::DefaultBodyLimit::max(state.max_body_bytes)),
        )
        .leptos_routes_with_context(&state, routes, context, move || shell(leptos.clone()))
        .fallback_service(static_files)
        .with_state(state)
        .layer(csrf)
        .layer(sessions)
        .layer(
            ServiceBuilder::new()
                .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
                .layer(
                    TraceLayer::new_for_http()
                        .make_span_with(|request: &Request<Body>| {
                            let id = request
                                .headers()
                                .get(REQUEST_ID)
                                .and_then(|v| v.to_str().ok())
                                .unwrap_or("-");
                            tracing::info_span!(
                                "request",
                                method = %request.method(),
                                path = %request.uri().path(),
                                request_id = %id,
                            )
                        })
                        .on_response(
                            DefaultOnResponse::new()
                                .level(Level::INFO)
                                .latency_unit(LatencyUnit::Millis),
                        ),
                )
                .layer(PropagateRequestIdLayer::new(REQUEST_ID))
                .layer(CatchPanicLayer::custom(panic_response))
                .layer(SetResponseHeaderLayer::if_not_present(
                    header::X_CONTENT_TYPE_OPTIONS,
                    HeaderValue::from_static("nosniff"),
                ))
                .layer(SetResponseHeaderLayer::if_not_present(
                    header::REFERRER_POLICY,
                    HeaderValue::from_static("strict-origin-when-cross-origin"),
                ))
                .layer(SetResponseHeaderLayer::if_not_present(
                    header::X_FRAME_OPTIONS,
                    HeaderValue::from_static("DENY"),
                ))
                // Pages set their own policy with the request's nonce (app::security);
                // everything else (files, JSON, errors) may run and embed nothing.
                .layer(SetResponseHeaderLayer::if_not_present(
                    header::CONTENT_SECURITY_POLICY,
                    HeaderValue::from_static(
                        "default-src 'none'; frame-ancestors 'none'; base-uri 'none'",
                    ),
                ))
                .layer(SetResponseHeaderLayer::if_not_present(
                    HeaderName::from_static("cross-origin-opener-policy"),
                    HeaderValue::from_static("same-origin"),
                ))
                .layer(SetResponseHeaderLayer::if_not_present(
                    HeaderName::from_static("cross-origin-resource-policy"),
                    HeaderValue::from_static("same-origin"),
                ))
                .layer(SetResponseHeaderLayer::if_not_present(
                    HeaderName::from_static("permissions-policy"),
                    HeaderValue::from_static("camera=(), microphone=(), geolocation=()"),
                ))
                .layer(SetResponseHeaderLayer::if_not_present(
                    header::STRICT_TRANSPORT_SECURITY,
                    hsts,
                ))
                .layer(middleware::from_fn(cache_control))
                .layer(CompressionLayer::new()),
        )
}

/// Sets `Cache-Control` where the handler did not: revalidation for the built bundle under
/// `/pkg/`, a day for other static files, `no-store` for pages, API answers and errors.
async fn cache_control(request: Request<Body>, next: Next) -> axum::response::Response {
    let is_bundle = request.uri().path().starts_with("/pkg/");
    let is_api = request.uri().path().starts_with("/api/");
    let mut response = next.run(request).await;
    if response.headers().contains_key(header::CACHE_CONTROL) {
        return response;
    }
    let is_html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    let served = response.status().is_success() || response.status() == StatusCode::NOT_MODIFIED;
    let value = if is_html || is_api || !served {
        NO_STORE
    } else if is_bundle {
        REVALIDATE
    } else {
        STATIC_ASSET
    };
    response.headers_mut().insert(header::CACHE_CONTROL, value);
    response
}

/// A panic in a handler becomes a generic 500: the details go to the log, never to the client.
fn panic_response(err: Box<dyn Any + Send + 'static>) -> Response<String> {
    let detail = err
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| err.downcast_ref::<&str>().copied())
        .unwrap_or("unknown panic");
    tracing::error!(panic = detail, "request handler panicked");
    let mut response = Response::new(
        r#"{"error":{"code":"internal","message":"an internal error occurred"}}"#.to_owned(),
    );
    *response.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}
