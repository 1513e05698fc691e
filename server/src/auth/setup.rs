//! The first-admin setup token (SECURITY.md R6).
//!
//! A fresh instance has no account, and none is built in. At start-up, while no account
//! exists, the server makes a random token, stores its SHA-256 with an expiry of one hour,
//! and prints the link `{public_url}/setup#token=…` to standard error once. The token
//! travels in the fragment, which browsers never send, so it stays out of access logs
//! (R27); the setup page posts it to `POST /api/v1/auth/setup`, which creates the first
//! administrator and burns every setup token.

use sha2::{Digest, Sha256};
use sqlx::PgPool;
use time::OffsetDateTime;

/// How long a setup token is valid.
pub const SETUP_TOKEN_LIFETIME: time::Duration = time::Duration::HOUR;

/// The SHA-256 of a token, as stored.
pub fn token_hash(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

/// The link that completes the setup.
pub fn setup_link(public_url: &str, token: &str) -> String {
    format!("{public_url}/setup#token={token}")
}

/// When no account exists, stores a new setup token and returns it (the caller prints the
/// link); otherwise returns `None`.
pub async fn prepare(pool: &PgPool) -> Result<Option<String>, sqlx::Error> {
    if db::users::any_user_exists(pool).await? {
        return Ok(None);
    }
    let token = super::random_token();
    let mut conn = pool.acquire().await?;
    db::users::create_setup_token(
        &mut conn,
        &token_hash(&token),
        OffsetDateTime::now_utc() + SETUP_TOKEN_LIFETIME,
    )
    .await?;
    Ok(Some(token))
}
