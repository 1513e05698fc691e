//! Server-rendered pages and the headers every response carries.

use crate::helpers::{self, body_text, get, header, send};
use axum::body::Body;
use axum::http::{Request, StatusCode};

#[tokio::test]
async fn home_page_is_rendered_on_the_server_with_its_hydration_scripts() {
    let site = tempfile::tempdir().unwrap();
    let response = get(
        helpers::state(helpers::unreachable_pool(), site.path()),
        "/",
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(header(&response, "content-type")
        .unwrap()
        .starts_with("text/html"));
    assert_eq!(header(&response, "cache-control"), Some("no-store"));
    assert_eq!(header(&response, "x-content-type-options"), Some("nosniff"));
    assert_eq!(header(&response, "x-frame-options"), Some("DENY"));
    let html = body_text(response).await;
    assert!(html.contains("<h1>Rampart</h1>"), "{html}");
    assert!(html.contains("<title>Rampart</title>"), "{html}");
    assert!(
        html.contains("/pkg/rampart.js"),
        "the hydration script is linked: {html}"
    );
    assert!(
        html.contains("/pkg/rampart.css"),
        "the stylesheet is linked: {html}"
    );
    // The scorer renders its starting state, with inputs disabled until hydration.
    assert!(html.contains(r#"data-hydrated="false""#), "{html}");
    assert!(html.contains(r#"id="dread-risk">5.0<"#), "{html}");
}

#[tokio::test]
async fn unknown_paths_render_the_not_found_page_with_status_404() {
    let site = tempfile::tempdir().unwrap();
    let response = get(
        helpers::state(helpers::unreachable_pool(), site.path()),
        "/no/such/page",
    )
    .await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert!(header(&response, "content-type")
        .unwrap()
        .starts_with("text/html"));
    assert_eq!(header(&response, "cache-control"), Some("no-store"));
    let html = body_text(response).await;
    assert!(html.contains("Page not found"), "{html}");
}

#[tokio::test]
async fn every_response_carries_a_request_id_and_keeps_the_clients() {
    let site = tempfile::tempdir().unwrap();
    let state = helpers::state(helpers::unreachable_pool(), site.path());

    let response = get(state.clone(), "/").await;
    let id = header(&response, "x-request-id").expect("a request id is assigned");
    assert_eq!(id.len(), 36, "a UUID: {id}");

    let request = Request::get("/")
        .header("x-request-id", "trace-me-42")
        .body(Body::empty())
        .unwrap();
    let response = send(state, request).await;
    assert_eq!(header(&response, "x-request-id"), Some("trace-me-42"));
}

#[tokio::test]
async fn pages_are_compressed_for_clients_that_accept_it() {
    let site = tempfile::tempdir().unwrap();
    let request = Request::get("/")
        .header("accept-encoding", "gzip")
        .body(Body::empty())
        .unwrap();
    let response = send(
        helpers::state(helpers::unreachable_pool(), site.path()),
        request,
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(header(&response, "content-encoding"), Some("gzip"));
}
