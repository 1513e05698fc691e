//! Accounts and sessions on the server side (issue 4; SECURITY.md R1-R4, R6, R9-R12, R25).
//!
//! - [`password`]: argon2id hashing off the async threads, and the password policy.
//! - [`session`]: the session cookie and layer (tower-sessions over the `sessions` table),
//!   what a signed-in session holds, and [`CurrentUser`], the extractor that enforces the
//!   idle and absolute timeouts and the account's state on every request.
//! - [`csrf`]: the synchronizer token bound to the session, and the middleware that checks it
//!   together with `Origin` / `Sec-Fetch-Site` on every unsafe request.
//! - [`setup`]: the one-time first-admin setup token made at start-up.

pub mod csrf;
pub mod password;
pub mod session;
pub mod setup;

pub use password::{check_policy, Hasher, PolicyError};
pub use session::{CurrentUser, SessionSettings};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use rand::RngCore;

/// What the authentication code needs at run time; part of [`crate::AppState`].
#[derive(Debug, Clone, Default)]
pub struct Auth {
    pub hasher: Hasher,
    pub sessions: SessionSettings,
}

/// 32 bytes from the OS's CSPRNG, base64url without padding (43 characters): CSRF and setup
/// tokens.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}
