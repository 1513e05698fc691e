//! The built site: the wasm bundle under `/pkg/` and public assets, with caching headers.

use crate::helpers::{self, body_text, get, header, send};
use axum::body::Body;
use axum::http::{Request, StatusCode};
use std::path::Path;

fn site() -> tempfile::TempDir {
    let site = tempfile::tempdir().unwrap();
    std::fs::create_dir(site.path().join("pkg")).unwrap();
    // Compressible content, large enough for the compression layer to act.
    std::fs::write(site.path().join("pkg/rampart.wasm"), b"\0asm".repeat(4096)).unwrap();
    std::fs::write(site.path().join("favicon.ico"), [0u8, 0, 1, 0]).unwrap();
    site
}

fn state(site: &Path) -> server::AppState {
    helpers::state(helpers::unreachable_pool(), site)
}

#[tokio::test]
async fn the_bundle_is_served_compressed_and_revalidated() {
    let site = site();
    let request = Request::get("/pkg/rampart.wasm")
        .header("accept-encoding", "br, gzip")
        .body(Body::empty())
        .unwrap();
    let response = send(state(site.path()), request).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(header(&response, "content-type"), Some("application/wasm"));
    assert_eq!(header(&response, "cache-control"), Some("no-cache"));
    assert!(matches!(
        header(&response, "content-encoding"),
        Some("br" | "gzip")
    ));
    assert!(header(&response, "last-modified").is_some());
}

#[tokio::test]
async fn an_unchanged_bundle_is_answered_with_304() {
    let site = site();
    let first = get(state(site.path()), "/pkg/rampart.wasm").await;
    let modified = header(&first, "last-modified").unwrap().to_owned();
    let request = Request::get("/pkg/rampart.wasm")
        .header("if-modified-since", modified)
        .body(Body::empty())
        .unwrap();
    let response = send(state(site.path()), request).await;
    assert_eq!(response.status(), StatusCode::NOT_MODIFIED);
}

#[tokio::test]
async fn public_assets_are_cached_for_a_day() {
    let site = site();
    let response = get(state(site.path()), "/favicon.ico").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        header(&response, "cache-control"),
        Some("public, max-age=86400")
    );
}

#[tokio::test]
async fn a_missing_file_is_a_404_page_not_a_cached_error() {
    let site = site();
    let response = get(state(site.path()), "/pkg/missing.js").await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert_eq!(header(&response, "cache-control"), Some("no-store"));
    assert!(body_text(response).await.contains("Page not found"));
}

#[tokio::test]
async fn paths_cannot_escape_the_site_root() {
    let outer = tempfile::tempdir().unwrap();
    std::fs::write(outer.path().join("secret.txt"), "secret").unwrap();
    let site = outer.path().join("site");
    std::fs::create_dir(&site).unwrap();
    for path in [
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "/pkg/..%2f..%2fsecret.txt",
    ] {
        let response = get(state(&site), path).await;
        assert_ne!(response.status(), StatusCode::OK, "{path}");
        assert_ne!(body_text(response).await, "secret", "{path}");
    }
}

#[tokio::test]
async fn api_answers_are_never_stored() {
    // Regression: successful JSON answers used to get the static files' one-day caching,
    // so a browser showed a stale list after a change.
    let site = site();
    for path in ["/api/v1/auth/options", "/api/v1/openapi.json"] {
        let response = get(state(site.path()), path).await;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        assert_eq!(
            header(&response, "cache-control"),
            Some("no-store"),
            "{path}"
        );
    }
}

#[tokio::test]
async fn the_bundles_brotli_copy_is_sent_as_it_is() {
    let site = site();
    server::precompress::compress_dir(&site.path().join("pkg")).unwrap();
    let copy = std::fs::read(site.path().join("pkg/rampart.wasm.br")).unwrap();
    let request = Request::get("/pkg/rampart.wasm")
        .header("accept-encoding", "gzip, br")
        .body(Body::empty())
        .unwrap();
    let response = send(state(site.path()), request).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(header(&response, "content-encoding"), Some("br"));
    assert_eq!(header(&response, "content-type"), Some("application/wasm"));
    assert_eq!(header(&response, "cache-control"), Some("no-cache"));
    let body = http_body_util::BodyExt::collect(response.into_body())
        .await
        .unwrap()
        .to_bytes();
    assert_eq!(body.as_ref(), copy.as_slice());

    // A browser without brotli still gets the file, compressed per response.
    let request = Request::get("/pkg/rampart.wasm")
        .header("accept-encoding", "gzip")
        .body(Body::empty())
        .unwrap();
    let response = send(state(site.path()), request).await;
    assert_eq!(header(&response, "content-encoding"), Some("gzip"));
}

/// The page's hydration script names the bundle: `pkg/<name>.js`, preloaded.
fn bundle_of(page: &str) -> Option<&str> {
    let marker = r#"<link rel="modulepreload" href="/pkg/"#;
    let start = page.find(marker)? + marker.len();
    let len = page[start..].find(".js\"")?;
    Some(&page[start..start + len])
}

#[tokio::test]
async fn a_models_editor_loads_the_editors_own_bundle_where_the_site_has_it() {
    let editor = "/models/00000000-0000-0000-0000-000000000000";
    // A site without it (as `cargo leptos watch` builds): every page loads the whole one.
    let site = site();
    for path in [editor, "/models", "/signin"] {
        let page = body_text(get(state(site.path()), path).await).await;
        assert_eq!(bundle_of(&page), Some("rampart"), "{path}: {page}");
    }
    // The release build's site: the editor's page, and only it, loads the editor's bundle.
    std::fs::write(site.path().join("pkg/rampart-editor.wasm"), b"\0asm").unwrap();
    let page = body_text(get(state(site.path()), editor).await).await;
    assert_eq!(bundle_of(&page), Some("rampart-editor"), "{page}");
    for path in [
        "/models",
        "/models/00000000-0000-0000-0000-000000000000/register",
    ] {
        let page = body_text(get(state(site.path()), path).await).await;
        assert_eq!(bundle_of(&page), Some("rampart"), "{path}: {page}");
    }
}
