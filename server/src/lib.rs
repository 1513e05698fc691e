//! The `rampart` server: configuration, the HTTP router with its middleware, the REST API
//! ([`api`]), accounts and sessions ([`auth`]), the start-up and shutdown sequence, and the
//! subcommands ([`cli`]: `analyze`, `rules`, `audit verify`, `user create`).
//! `main.rs` only parses the command line and calls in here, so tests build exactly the
//! router production runs ([`router`]) and serve it on a port of their own ([`serve`]).

pub mod api;
pub mod auth;
pub mod authz;
pub mod cli;
pub mod config;
pub mod health;
pub mod http;
pub mod precompress;
pub mod shutdown;
pub mod telemetry;

use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use sqlx::PgPool;
use std::future::Future;
use std::net::SocketAddr;
use tokio::net::TcpListener;

pub use http::router;

/// The default largest request body: 5 MB.
pub const DEFAULT_MAX_BODY_BYTES: usize = 5 * 1024 * 1024;

/// What every request handler can reach. Cheap to clone: the pool and the options are shared.
#[derive(Clone)]
pub struct AppState {
    pub pool: PgPool,
    pub leptos: LeptosOptions,
    /// The origin users reach Rampart at, e.g. `https://rampart.example.com`.
    pub public_url: String,
    /// Password hashing, session, throttle and sign-up settings.
    pub auth: auth::Auth,
    /// Peers whose `X-Forwarded-For` names the client (`RAMPART_TRUSTED_PROXIES`).
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// Limits on models (`RAMPART_MAX_ELEMENTS`).
    pub limits: api::models::ModelLimits,
    /// The largest request body accepted, in bytes (`RAMPART_MAX_BODY_BYTES`).
    pub max_body_bytes: usize,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos.clone()
    }
}

impl FromRef<AppState> for PgPool {
    fn from_ref(state: &AppState) -> Self {
        state.pool.clone()
    }
}

/// Opens the pool for `database` and applies pending migrations, waiting for the database
/// as configured. Every command that writes (serve, migrate, user create) starts here.
pub async fn open_database(database: &config::DatabaseArgs) -> anyhow::Result<PgPool> {
    use anyhow::Context;
    let pool = db::lazy_pool(database.url()?, &database.pool_config())?;
    db::migrate(&pool, database.wait())
        .await
        .context("database start-up failed")?;
    Ok(pool)
}

/// Serves the application on `listener` until `shutdown` completes, then lets the requests
/// in flight finish.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    precompress::spawn(
        std::path::Path::new(&*state.leptos.site_root).join(&*state.leptos.site_pkg_dir),
    );
    let app = router(state).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
}
