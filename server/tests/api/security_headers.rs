//! Security headers on every kind of response (R26): pages carry a nonce-based policy that
//! matches their scripts; files, JSON and errors carry a policy that allows nothing.

use crate::helpers::{self, body_text, get, header};
use axum::http::StatusCode;
use server::AppState;

const BASELINE: [(&str, &str); 6] = [
    ("x-content-type-options", "nosniff"),
    ("x-frame-options", "DENY"),
    ("referrer-policy", "strict-origin-when-cross-origin"),
    ("cross-origin-opener-policy", "same-origin"),
    ("cross-origin-resource-policy", "same-origin"),
    (
        "permissions-policy",
        "camera=(), microphone=(), geolocation=()",
    ),
];

fn state(site: &std::path::Path) -> AppState {
    std::fs::create_dir_all(site.join("pkg")).unwrap();
    std::fs::write(site.join("pkg/rampart.js"), "export default 1;").unwrap();
    helpers::state(helpers::unreachable_pool(), site)
}

/// The values of every `nonce="..."` attribute in `html`.
fn script_nonces(html: &str) -> Vec<String> {
    html.match_indices("nonce=\"")
        .map(|(at, m)| {
            let rest = &html[at + m.len()..];
            rest[..rest.find('"').unwrap()].to_owned()
        })
        .collect()
}

#[tokio::test]
async fn every_response_carries_the_baseline_headers() {
    let site = tempfile::tempdir().unwrap();
    for path in [
        "/",
        "/no/such/page",
        "/healthz",
        "/pkg/rampart.js",
        "/pkg/missing.wasm",
    ] {
        let response = get(state(site.path()), path).await;
        for (name, value) in BASELINE {
            assert_eq!(header(&response, name), Some(value), "{name} on {path}");
        }
        assert!(
            header(&response, "content-security-policy").is_some(),
            "CSP on {path}"
        );
        assert!(
            header(&response, "server").is_none(),
            "no server banner on {path}"
        );
        assert!(
            header(&response, "access-control-allow-origin").is_none(),
            "no CORS on {path}"
        );
    }
}

#[tokio::test]
async fn pages_allow_only_scripts_with_the_requests_nonce() {
    let site = tempfile::tempdir().unwrap();
    let mut seen = Vec::new();
    for path in ["/", "/", "/no/such/page"] {
        let response = get(state(site.path()), path).await;
        let policy = header(&response, "content-security-policy")
            .unwrap()
            .to_owned();
        assert!(!policy.contains("unsafe-inline"), "{policy}");
        assert!(policy.contains("'wasm-unsafe-eval'"), "{policy}");
        let html = body_text(response).await;
        let nonces = script_nonces(&html);
        assert!(
            !nonces.is_empty(),
            "the hydration scripts carry a nonce: {html}"
        );
        for nonce in &nonces {
            assert!(
                policy.contains(&format!("'nonce-{nonce}'")),
                "{nonce} not in {policy}"
            );
        }
        seen.push(nonces[0].clone());
    }
    assert_ne!(seen[0], seen[1], "each response gets a new nonce");
}

#[tokio::test]
async fn files_and_json_get_a_policy_that_allows_nothing() {
    let site = tempfile::tempdir().unwrap();
    for path in ["/pkg/rampart.js", "/healthz"] {
        let response = get(state(site.path()), path).await;
        assert_eq!(
            header(&response, "content-security-policy"),
            Some("default-src 'none'; frame-ancestors 'none'; base-uri 'none'"),
            "{path}"
        );
    }
}

#[tokio::test]
async fn hsts_is_sent_only_when_users_arrive_over_https() {
    let site = tempfile::tempdir().unwrap();
    let plain = get(state(site.path()), "/").await;
    assert_eq!(plain.status(), StatusCode::OK);
    assert!(header(&plain, "strict-transport-security").is_none());

    let mut tls = state(site.path());
    tls.public_url = "https://rampart.example.com".into();
    let response = get(tls, "/").await;
    assert_eq!(
        header(&response, "strict-transport-security"),
        Some("max-age=63072000; includeSubDomains")
    );
}
