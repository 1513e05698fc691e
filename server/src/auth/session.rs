//! Server-side sessions (SECURITY.md R9-R12).
//!
//! tower-sessions keeps a 128-bit random id in the cookie and the record in the `sessions`
//! table (tower-sessions-sqlx-store's `PostgresStore`). The cookie is `__Host-rampart`,
//! `Secure`, `HttpOnly`, `SameSite=Lax`, `Path=/`, with no `Domain`. Only when the operator
//! serves plain HTTP on a host other than localhost (`RAMPART_INSECURE_COOKIES=1`) is it
//! `rampart`, without `Secure` (browsers refuse a `__Host-` cookie that is not `Secure`).
//!
//! A signed-in session holds the user's id, the time of sign-in (for the absolute timeout,
//! which tower-sessions does not have) and the time it was last used (for the idle timeout,
//! checked here as well as by the store's expiry date). [`signed_in_user`] checks both, and
//! that the account still exists and is not disabled, on every request; a session that fails
//! a check is deleted. The `user_sessions` table (`db::sessions`) records which user each
//! signed-in session belongs to.

use crate::api::error::ApiError;
use crate::AppState;
use axum::http::request::Parts;
use sqlx::PgPool;
use std::time::Duration;
use time::OffsetDateTime;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, Session, SessionManagerLayer};
use tower_sessions_sqlx_store::PostgresStore;
use uuid::Uuid;

/// The cookie's name when it is `Secure` (always, unless insecure cookies were asked for).
pub const COOKIE_NAME: &str = "__Host-rampart";
/// The cookie's name over plain HTTP on a host other than localhost.
pub const INSECURE_COOKIE_NAME: &str = "rampart";

/// Session keys.
pub(crate) const USER_ID: &str = "user_id";
pub(crate) const SIGNED_IN_AT: &str = "signed_in_at";
pub(crate) const LAST_SEEN_AT: &str = "last_seen_at";
pub(crate) const CSRF_TOKEN: &str = "csrf_token";

/// A session's last-use time is rewritten at most this often, so reads do not all write.
const TOUCH_EVERY_SECS: i64 = 60;

/// The session cookie and timeouts.
#[derive(Debug, Clone)]
pub struct SessionSettings {
    /// A session unused for this long is over (default 30 minutes).
    pub idle_timeout: Duration,
    /// A session is over this long after sign-in, however active (default 12 hours).
    pub absolute_timeout: Duration,
    /// Whether the cookie is `Secure` (and so may carry the `__Host-` prefix).
    pub secure_cookie: bool,
}

impl Default for SessionSettings {
    fn default() -> Self {
        SessionSettings {
            idle_timeout: Duration::from_secs(30 * 60),
            absolute_timeout: Duration::from_secs(12 * 60 * 60),
            secure_cookie: true,
        }
    }
}

impl SessionSettings {
    pub fn cookie_name(&self) -> &'static str {
        if self.secure_cookie {
            COOKIE_NAME
        } else {
            INSECURE_COOKIE_NAME
        }
    }
}

/// Whether a host is the local machine, where browsers treat plain HTTP as secure and accept
/// `Secure` cookies.
pub fn is_local_host(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host == "localhost"
        || host.ends_with(".localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// The layer that loads and saves sessions for every request.
pub fn layer(pool: PgPool, settings: &SessionSettings) -> SessionManagerLayer<PostgresStore> {
    let store = store(pool);
    let idle = time::Duration::try_from(settings.idle_timeout).unwrap_or(time::Duration::MINUTE);
    SessionManagerLayer::new(store)
        .with_name(settings.cookie_name())
        .with_secure(settings.secure_cookie)
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_path("/")
        .with_expiry(Expiry::OnInactivity(idle))
}

/// The session store over our `sessions` table (created by our migrations, not the store's).
pub fn store(pool: PgPool) -> PostgresStore {
    PostgresStore::new(pool)
        .with_schema_name("public")
        .and_then(|store| store.with_table_name("sessions"))
        .expect("valid identifiers")
}

/// The session of the request; a 500 if the session layer is missing (a wiring bug).
pub(crate) fn session_of(parts: &Parts) -> Result<Session, ApiError> {
    parts
        .extensions
        .get::<Session>()
        .cloned()
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("the session layer is not installed")))
}

/// Marks the session as signed in by `user_id`, under a new id (R10).
pub(crate) async fn sign_in(session: &Session, user_id: Uuid) -> Result<(), ApiError> {
    let now = OffsetDateTime::now_utc().unix_timestamp();
    session.cycle_id().await?;
    session.insert(USER_ID, user_id).await?;
    session.insert(SIGNED_IN_AT, now).await?;
    session.insert(LAST_SEEN_AT, now).await?;
    Ok(())
}

/// The signed-in, active user of the request's session, or 401. Checks the absolute and
/// idle timeouts and that the account exists and is not disabled; otherwise the session is
/// deleted on the server. Returns the user and the session (for its id).
pub(crate) async fn signed_in_user(
    parts: &Parts,
    state: &AppState,
) -> Result<(db::users::User, Session), ApiError> {
    let session = session_of(parts)?;
    let user_id: Option<Uuid> = session.get(USER_ID).await?;
    let Some(user_id) = user_id else {
        return Err(ApiError::unauthenticated());
    };
    let signed_in_at: i64 = session.get(SIGNED_IN_AT).await?.unwrap_or(0);
    let last_seen_at: i64 = session.get(LAST_SEEN_AT).await?.unwrap_or(0);
    let now = OffsetDateTime::now_utc().unix_timestamp();
    let settings = &state.auth.sessions;
    let expired = now - signed_in_at >= settings.absolute_timeout.as_secs() as i64
        || now - last_seen_at >= settings.idle_timeout.as_secs() as i64;
    let user = if expired {
        None
    } else {
        db::users::get_user(&state.pool, user_id)
            .await?
            .filter(db::users::User::is_active)
    };
    let Some(user) = user else {
        session.flush().await?;
        return Err(ApiError::unauthenticated());
    };
    let touch_every = TOUCH_EVERY_SECS.min(settings.idle_timeout.as_secs() as i64 / 2);
    if now - last_seen_at >= touch_every {
        // Modifying the session makes the layer save it, which also moves the store's
        // expiry date forward by the idle timeout.
        session.insert(LAST_SEEN_AT, now).await?;
    }
    Ok((user, session))
}
