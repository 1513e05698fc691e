//! Accounts and sessions on the server side (issue 4; SECURITY.md R1-R4, R6, R9-R12, R25).
//!
//! - [`password`]: argon2id hashing off the async threads, and the password policy.
//! - [`session`]: the session cookie and layer (tower-sessions over the `sessions` table),
//!   what a signed-in session holds, and `signed_in_user`, which enforces the idle and
//!   absolute timeouts and the account's state on every request.
//! - [`principal`]: [`Principal`], the authenticated caller, by session or API token.
//! - [`throttle`]: the sign-in throttle per account and per client address (R3).
//! - [`csrf`]: the synchronizer token bound to the session, and the middleware that checks it
//!   together with `Origin` / `Sec-Fetch-Site` on every unsafe request.
//! - [`setup`]: the one-time first-admin setup token made at start-up.

pub mod csrf;
pub mod password;
pub mod principal;
pub mod session;
pub mod setup;
pub mod throttle;

pub use password::{check_policy, Hasher, PolicyError};
pub use principal::Principal;
pub use session::SessionSettings;
pub use throttle::ThrottleSettings;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use rand::RngCore;

/// What the authentication code needs at run time; part of [`crate::AppState`].
#[derive(Debug, Clone, Default)]
pub struct Auth {
    pub hasher: Hasher,
    pub sessions: SessionSettings,
    pub throttle: ThrottleSettings,
    /// Whether anyone may sign up (`RAMPART_SIGNUP=open`); otherwise only with an invitation.
    pub open_signup: bool,
}

/// 32 bytes from the OS's CSPRNG, base64url without padding (43 characters): CSRF and setup
/// tokens.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The SHA-256 of a secret handed to a person (setup, invitation, reset and API tokens): all
/// the database ever stores of it.
pub fn secret_hash(token: &str) -> [u8; 32] {
    use sha2::{Digest, Sha256};
    Sha256::digest(token.as_bytes()).into()
}

/// How often expired sessions and sign-in failures are deleted.
pub const PURGE_EVERY: std::time::Duration = std::time::Duration::from_secs(10 * 60);

/// Deletes expired session rows and sign-in failures older than the throttle's `window`
/// every [`PURGE_EVERY`], for as long as the server runs. A failed round (database away) is
/// logged and retried at the next one.
pub async fn purge_expired(pool: sqlx::PgPool, window: std::time::Duration) {
    use tower_sessions::ExpiredDeletion;
    let store = session::store(pool.clone());
    let window = time::Duration::try_from(window).unwrap_or(time::Duration::HOUR);
    let mut every = tokio::time::interval(PURGE_EVERY);
    loop {
        every.tick().await;
        if let Err(err) = store.delete_expired().await {
            tracing::warn!(error = %err, "cannot delete expired sessions");
        }
        if let Err(err) = db::throttle::purge(&pool, window).await {
            tracing::warn!(error = %err, "cannot delete old sign-in failures");
        }
    }
}
