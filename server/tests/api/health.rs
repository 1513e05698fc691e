//! `GET /healthz`: up, down, hung, and back again.

use crate::helpers::{self, body_text, get, header, DbProxy, Mode};
use axum::http::StatusCode;
use sqlx::PgPool;
use std::time::{Duration, Instant};

const OK: &str = r#"{"status":"ok","database":"ok"}"#;
const DEGRADED: &str = r#"{"status":"degraded","database":"unavailable"}"#;

/// The acceptance bound: an outage shows within 3 s.
const REPORT_WITHIN: Duration = Duration::from_secs(3);

async fn healthz(pool: &PgPool) -> (StatusCode, String, Duration) {
    let site = tempfile::tempdir().unwrap();
    let started = Instant::now();
    let response = get(helpers::state(pool.clone(), site.path()), "/healthz").await;
    let status = response.status();
    let elapsed = started.elapsed();
    (status, body_text(response).await, elapsed)
}

#[sqlx::test(migrator = "db::MIGRATOR")]
async fn healthz_is_ok_when_the_database_answers(pool: PgPool) {
    let site = tempfile::tempdir().unwrap();
    let response = get(helpers::state(pool, site.path()), "/healthz").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(header(&response, "content-type"), Some("application/json"));
    assert_eq!(header(&response, "cache-control"), Some("no-store"));
    assert_eq!(body_text(response).await, OK);
}

#[tokio::test]
async fn healthz_is_degraded_when_the_database_is_unreachable() {
    let site = tempfile::tempdir().unwrap();
    let started = Instant::now();
    let response = get(
        helpers::state(helpers::unreachable_pool(), site.path()),
        "/healthz",
    )
    .await;
    assert!(started.elapsed() < REPORT_WITHIN);
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(header(&response, "retry-after"), Some("5"));
    assert_eq!(body_text(response).await, DEGRADED);
}

#[sqlx::test(migrator = "db::MIGRATOR")]
async fn healthz_follows_the_database_down_and_back_up(pool: PgPool) {
    let proxy = DbProxy::start(&pool).await;
    let proxied = proxy.pool(&pool);

    let (status, body, _) = healthz(&proxied).await;
    assert_eq!((status, body.as_str()), (StatusCode::OK, OK));

    // The database stops: the pooled connection dies and new ones are refused.
    proxy.set(Mode::Refuse);
    let (status, body, elapsed) = healthz(&proxied).await;
    assert_eq!(
        (status, body.as_str()),
        (StatusCode::SERVICE_UNAVAILABLE, DEGRADED)
    );
    assert!(elapsed < REPORT_WITHIN, "took {elapsed:?}");

    // It comes back: the same pool reconnects without any restart.
    proxy.set(Mode::Forward);
    let (status, body, _) = healthz(&proxied).await;
    assert_eq!((status, body.as_str()), (StatusCode::OK, OK));
}

#[sqlx::test(migrator = "db::MIGRATOR")]
async fn healthz_reports_a_hung_database_within_the_deadline(pool: PgPool) {
    let proxy = DbProxy::start(&pool).await;
    let proxied = proxy.pool(&pool);
    assert_eq!(healthz(&proxied).await.0, StatusCode::OK);

    // Connections are accepted but never answered: only the deadline ends the wait.
    proxy.set(Mode::Blackhole);
    let (status, body, elapsed) = healthz(&proxied).await;
    assert_eq!(
        (status, body.as_str()),
        (StatusCode::SERVICE_UNAVAILABLE, DEGRADED)
    );
    assert!(
        elapsed >= Duration::from_millis(1500),
        "answered before the deadline: {elapsed:?}"
    );
    assert!(elapsed < REPORT_WITHIN, "took {elapsed:?}");

    proxy.set(Mode::Forward);
    assert_eq!(healthz(&proxied).await.0, StatusCode::OK);
}
