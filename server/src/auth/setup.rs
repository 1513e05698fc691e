//! The first-admin setup token (SECURITY.md R6).
//!
//! A fresh instance has no account, and none is built in. At start-up, while no account
//! exists, the server makes a random token, stores its SHA-256 with an expiry of one hour,
//! and prints the token to standard error once (never through the log). `POST
//! /api/v1/auth/setup` with the token creates the first administrator and burns every setup
//! token. The browser setup page, when it comes, should take the token from the URL
//! fragment (`/setup#token=…`), which browsers never send, so it stays out of access logs
//! (R27).

use sqlx::PgPool;
use time::OffsetDateTime;

/// How long a setup token is valid.
pub const SETUP_TOKEN_LIFETIME: time::Duration = time::Duration::HOUR;

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
        &super::secret_hash(&token),
        OffsetDateTime::now_utc() + SETUP_TOKEN_LIFETIME,
    )
    .await?;
    Ok(Some(token))
}
