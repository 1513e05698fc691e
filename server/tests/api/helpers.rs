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
        auth: server::auth::Auth::default(),
        trusted_proxies: Vec::new(),
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

/// The origin the test state's public URL names; unsafe requests must come from it.
pub const ORIGIN: &str = "http://localhost:3000";

/// A password the policy accepts.
pub const PASSWORD: &str = "violet-harbour-lantern-91";

/// A browser's view of a session: the cookie pair to send back and the CSRF token.
#[derive(Debug, Clone)]
pub struct Browser {
    /// `__Host-rampart=<id>`, as sent in a `Cookie` header.
    pub cookie: String,
    pub csrf: String,
}

/// The `__Host-rampart` cookie a response sets, as the whole `Set-Cookie` value.
pub fn set_cookie(response: &Response<Body>) -> Option<String> {
    response
        .headers()
        .get_all(axum::http::header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|v| v.starts_with("__Host-rampart="))
}

/// `name=value` of a `Set-Cookie` value.
pub fn cookie_pair(set_cookie: &str) -> String {
    set_cookie.split(';').next().unwrap().trim().to_owned()
}

pub async fn body_json(response: Response<Body>) -> serde_json::Value {
    let text = body_text(response).await;
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

/// Opens a pre-session: `GET /api/v1/auth/csrf`, returning its cookie and token.
pub async fn pre_session(state: AppState) -> Browser {
    let response = get(state, "/api/v1/auth/csrf").await;
    assert_eq!(response.status(), 200);
    let cookie = cookie_pair(&set_cookie(&response).expect("a session cookie"));
    let csrf = body_json(response).await["token"]
        .as_str()
        .unwrap()
        .to_owned();
    Browser { cookie, csrf }
}

/// A same-origin JSON request as the app's pages make it, with the session's cookie and
/// CSRF token when given.
pub fn json_request(
    method: &str,
    path: &str,
    body: serde_json::Value,
    browser: Option<&Browser>,
) -> Request<Body> {
    let mut request = Request::builder()
        .method(method)
        .uri(path)
        .header("content-type", "application/json")
        .header("origin", ORIGIN);
    if let Some(browser) = browser {
        request = request
            .header("cookie", &browser.cookie)
            .header("x-csrf-token", &browser.csrf);
    }
    request.body(Body::from(body.to_string())).unwrap()
}

/// Stores an account with `password`, hashed as the server does.
pub async fn create_user(
    pool: &PgPool,
    email: &str,
    password: &str,
    is_admin: bool,
) -> db::users::User {
    let hash = server::auth::Hasher::new(1)
        .hash(password.to_owned())
        .await
        .unwrap();
    db::users::insert_user(
        pool,
        &db::users::NewUser {
            email,
            name: "Test Person",
            password_hash: &hash,
            is_admin,
        },
    )
    .await
    .unwrap()
}

/// Signs in through the API from a fresh pre-session; returns the signed-in browser.
pub async fn sign_in(state: AppState, email: &str, password: &str) -> Browser {
    let before = pre_session(state.clone()).await;
    let body = serde_json::json!({ "email": email, "password": password });
    let response = send(
        state,
        json_request("POST", "/api/v1/auth/signin", body, Some(&before)),
    )
    .await;
    assert_eq!(response.status(), 200, "sign-in succeeds");
    let cookie = cookie_pair(&set_cookie(&response).expect("a new session cookie"));
    let csrf = body_json(response).await["csrf_token"]
        .as_str()
        .unwrap()
        .to_owned();
    Browser { cookie, csrf }
}
