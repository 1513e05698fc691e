//! The sign-in throttle (SECURITY.md R3): at most `per_account` failed sign-ins per e-mail
//! address and `per_address` per client address within `window`; beyond that, sign-in answers
//! 429 with `Retry-After` until the oldest counted failure ages out. The counts live in
//! Postgres (`db::throttle`), so they hold across restarts and across server processes.
//! The account key is the address as typed, lower-cased, whether or not an account has it,
//! so the throttle itself reveals nothing about which accounts exist.

use crate::api::ApiError;
use axum::http::StatusCode;
use db::throttle::{blocked_for, Key};
use sqlx::PgPool;
use std::net::IpAddr;
use std::time::Duration;

/// The limits.
#[derive(Debug, Clone)]
pub struct ThrottleSettings {
    pub per_account: u32,
    pub per_address: u32,
    pub window: Duration,
}

impl Default for ThrottleSettings {
    fn default() -> Self {
        ThrottleSettings {
            per_account: 10,
            per_address: 50,
            window: Duration::from_secs(15 * 60),
        }
    }
}

impl ThrottleSettings {
    fn window(&self) -> time::Duration {
        time::Duration::try_from(self.window).unwrap_or(time::Duration::MINUTE)
    }
}

/// The account key of a typed e-mail address.
pub fn account_key(email: &str) -> String {
    email.trim().to_lowercase()
}

/// 429 when either limit is reached; the wait is the longer of the two.
pub async fn check(
    pool: &PgPool,
    settings: &ThrottleSettings,
    email: &str,
    client_addr: Option<IpAddr>,
) -> Result<(), ApiError> {
    let key = account_key(email);
    let window = settings.window();
    let mut wait = blocked_for(pool, Key::Account(&key), settings.per_account, window).await?;
    if let Some(addr) = client_addr {
        let by_addr = blocked_for(pool, Key::Address(addr), settings.per_address, window).await?;
        wait = wait.max(by_addr);
    }
    match wait {
        None => Ok(()),
        Some(wait) => {
            let secs = wait.whole_seconds().max(1) + i64::from(wait.subsec_nanoseconds() > 0);
            Err(ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "too_many_attempts",
                format!("too many failed sign-ins; try again in {secs} seconds"),
            )
            .with_details(serde_json::json!({ "retry_after_secs": secs }))
            .with_retry_after(secs as u64))
        }
    }
}

/// Counts a failure.
pub async fn record_failure(
    pool: &PgPool,
    email: &str,
    client_addr: Option<IpAddr>,
) -> Result<(), ApiError> {
    Ok(db::throttle::record_failure(pool, &account_key(email), client_addr).await?)
}

/// Forgets the account's failures after a successful sign-in.
pub async fn record_success(pool: &PgPool, email: &str) -> Result<(), ApiError> {
    Ok(db::throttle::clear_account(pool, &account_key(email)).await?)
}
