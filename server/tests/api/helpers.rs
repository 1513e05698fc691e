//! Shared test fixtures: application state, one-shot requests, and a TCP proxy that can cut
//! the application off from its database.

use axum::body::Body;
use axum::http::{Request, Response};
use http_body_util::BodyExt;
use leptos::config::LeptosOptions;
use server::AppState;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::PgPool;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tower::ServiceExt;

/// Application state over `pool`, serving static files from `site_root`.
pub fn state(pool: PgPool, site_root: &Path) -> AppState {
    let leptos = LeptosOptions::builder()
        .output_name(app::OUTPUT_NAME)
        .site_root(site_root.to_str().unwrap().to_owned())
        .site_pkg_dir("pkg")
        .build();
    AppState {
        pool,
        leptos,
        public_url: "http://localhost:3000".into(),
    }
}

/// Sends one request through a fresh router built from `state`.
pub async fn send(state: AppState, request: Request<Body>) -> Response<Body> {
    server::router(state).oneshot(request).await.unwrap()
}

pub async fn get(state: AppState, path: &str) -> Response<Body> {
    send(state, Request::get(path).body(Body::empty()).unwrap()).await
}

pub async fn body_text(response: Response<Body>) -> String {
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    String::from_utf8(bytes.to_vec()).unwrap()
}

pub fn header<'a>(response: &'a Response<Body>, name: &str) -> Option<&'a str> {
    response.headers().get(name).map(|v| v.to_str().unwrap())
}

/// A pool that connects nowhere: every acquisition fails as the database would when down.
pub fn unreachable_pool() -> PgPool {
    // Port 9 (discard) on loopback: nothing listens there on a test machine.
    PgPoolOptions::new()
        .max_connections(1)
        .acquire_timeout(Duration::from_secs(2))
        .connect_lazy_with(
            PgConnectOptions::new()
                .host("127.0.0.1")
                .port(9)
                .username("nobody"),
        )
}

/// What the proxy does with connections.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Pass bytes both ways, as if the proxy were not there.
    Forward,
    /// Close every connection at once, as a stopped database does.
    Refuse,
    /// Accept connections and never answer, as a hung database or a dropped network does.
    Blackhole,
}

/// A TCP proxy between the application and Postgres. Changing the mode cuts every connection
/// it holds, so the pool has to notice the outage and reconnect afterwards.
pub struct DbProxy {
    pub addr: SocketAddr,
    mode: watch::Sender<Mode>,
}

impl DbProxy {
    /// Starts a proxy to the database behind `pool` (TCP or unix socket).
    pub async fn start(pool: &PgPool) -> Arc<DbProxy> {
        let options = pool.connect_options();
        let upstream = Upstream::of(&options);
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (mode, _) = watch::channel(Mode::Forward);
        let proxy = Arc::new(DbProxy { addr, mode });
        let modes = proxy.mode.clone();
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let mut changes = modes.subscribe();
                let current = *changes.borrow_and_update();
                let upstream = upstream.clone();
                tokio::spawn(async move {
                    match current {
                        Mode::Refuse => drop(client),
                        Mode::Blackhole => {
                            let _ = changes.changed().await;
                            drop(client);
                        }
                        Mode::Forward => {
                            tokio::select! {
                                _ = upstream.pipe(client) => {}
                                _ = changes.changed() => {}
                            }
                        }
                    }
                });
            }
        });
        proxy
    }

    pub fn set(&self, mode: Mode) {
        self.mode.send_replace(mode);
    }

    /// A pool for the proxied database, with the production pool settings.
    pub fn pool(&self, behind: &PgPool) -> PgPool {
        let upstream = behind.connect_options();
        // Built afresh rather than modified: options parsed from a unix-socket URL keep
        // their socket path, which would bypass the proxy.
        let mut options = PgConnectOptions::new_without_pgpass()
            .host("127.0.0.1")
            .port(self.addr.port())
            .username(upstream.get_username())
            .ssl_mode(upstream.get_ssl_mode());
        if let Some(database) = upstream.get_database() {
            options = options.database(database);
        }
        if let Some(password) = password_in_database_url() {
            options = options.password(&password);
        }
        PgPoolOptions::new()
            .max_connections(2)
            .acquire_timeout(db::ACQUIRE_TIMEOUT)
            .test_before_acquire(true)
            .connect_lazy_with(options)
    }
}

/// The password in `DATABASE_URL` (`postgres://user:password@host/...`), if any.
fn password_in_database_url() -> Option<String> {
    let url = std::env::var("DATABASE_URL").ok()?;
    let credentials = url.split_once("://")?.1.split_once('@')?.0;
    credentials
        .split_once(':')
        .map(|(_, password)| password.to_owned())
}

#[derive(Clone)]
enum Upstream {
    Tcp(String, u16),
    Unix(std::path::PathBuf),
}

impl Upstream {
    fn of(options: &PgConnectOptions) -> Upstream {
        let port = options.get_port();
        match options.get_socket() {
            // A socket folder, as in `?host=/run/postgresql`, or the socket file itself.
            Some(socket) if socket.is_dir() => {
                Upstream::Unix(socket.join(format!(".s.PGSQL.{port}")))
            }
            Some(socket) => Upstream::Unix(socket.clone()),
            None => Upstream::Tcp(options.get_host().to_owned(), port),
        }
    }

    async fn pipe(&self, client: TcpStream) {
        match self {
            Upstream::Tcp(host, port) => {
                if let Ok(server) = TcpStream::connect((host.as_str(), *port)).await {
                    copy_both(client, server).await;
                }
            }
            Upstream::Unix(path) => {
                if let Ok(server) = tokio::net::UnixStream::connect(path).await {
                    copy_both(client, server).await;
                }
            }
        }
    }
}

async fn copy_both(
    mut a: impl AsyncRead + AsyncWrite + Unpin,
    mut b: impl AsyncRead + AsyncWrite + Unpin,
) {
    let _ = tokio::io::copy_bidirectional(&mut a, &mut b).await;
}
