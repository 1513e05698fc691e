//! The sign-in throttle's memory (SECURITY.md R3): failed sign-ins per account key (the
//! lower-cased e-mail address, whether or not an account has it) and per client address.
//!
//! The policy (how many failures in which window) belongs to the caller; this module answers
//! "how long until the oldest counted failure leaves the window". Nothing is ever locked for
//! good: every failure ages out.

use sqlx::PgExecutor;
use std::net::IpAddr;
use time::OffsetDateTime;

/// Records a failed sign-in.
pub async fn record_failure(
    executor: impl PgExecutor<'_>,
    email_key: &str,
    client_addr: Option<IpAddr>,
) -> Result<(), sqlx::Error> {
    sqlx::query("insert into signin_failures (email_key, client_addr) values ($1, $2::inet)")
        .bind(email_key)
        .bind(client_addr.map(|addr| addr.to_string()))
        .execute(executor)
        .await?;
    Ok(())
}

/// Which failures count against a limit.
#[derive(Debug, Clone, Copy)]
pub enum Key<'a> {
    Account(&'a str),
    Address(IpAddr),
}

/// When `limit` failures or more under `key` fall within the last `window`, how long until
/// the oldest of the newest `limit` leaves it (the wait before another attempt counts);
/// otherwise `None`.
pub async fn blocked_for(
    executor: impl PgExecutor<'_>,
    key: Key<'_>,
    limit: u32,
    window: time::Duration,
) -> Result<Option<time::Duration>, sqlx::Error> {
    let since = OffsetDateTime::now_utc() - window;
    let offset = i64::from(limit.max(1) - 1);
    let nth: Option<OffsetDateTime> = match key {
        Key::Account(email_key) => {
            sqlx::query_scalar(
                "select failed_at from signin_failures where email_key = $1 and failed_at > $2 \
                 order by failed_at desc offset $3 limit 1",
            )
            .bind(email_key)
            .bind(since)
            .bind(offset)
            .fetch_optional(executor)
            .await?
        }
        Key::Address(addr) => {
            sqlx::query_scalar(
                "select failed_at from signin_failures where client_addr = $1::inet and failed_at > $2 \
                 order by failed_at desc offset $3 limit 1",
            )
            .bind(addr.to_string())
            .bind(since)
            .bind(offset)
            .fetch_optional(executor)
            .await?
        }
    };
    Ok(nth.map(|at| {
        let wait = at + window - OffsetDateTime::now_utc();
        wait.max(time::Duration::SECOND)
    }))
}

/// Forgets an account key's failures (after a successful sign-in).
pub async fn clear_account(
    executor: impl PgExecutor<'_>,
    email_key: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("delete from signin_failures where email_key = $1")
        .bind(email_key)
        .execute(executor)
        .await?;
    Ok(())
}

/// Deletes failures older than `window`; they no longer count.
pub async fn purge(
    executor: impl PgExecutor<'_>,
    window: time::Duration,
) -> Result<u64, sqlx::Error> {
    let done = sqlx::query("delete from signin_failures where failed_at <= $1")
        .bind(OffsetDateTime::now_utc() - window)
        .execute(executor)
        .await?;
    Ok(done.rows_affected())
}

#[cfg(test)]
mod tests {
    use super::*;
    use sqlx::PgPool;

    #[sqlx::test(migrator = "crate::MIGRATOR")]
    async fn the_limit_counts_per_key_inside_the_window(pool: PgPool) {
        let window = time::Duration::minutes(15);
        let addr: IpAddr = "192.0.2.7".parse().unwrap();
        for _ in 0..3 {
            record_failure(&pool, "ada@example.com", Some(addr))
                .await
                .unwrap();
        }
        let account = Key::Account("ada@example.com");
        assert!(blocked_for(&pool, account, 4, window)
            .await
            .unwrap()
            .is_none());
        let wait = blocked_for(&pool, account, 3, window)
            .await
            .unwrap()
            .unwrap();
        assert!(
            wait > time::Duration::minutes(14) && wait <= window,
            "{wait}"
        );
        assert!(blocked_for(&pool, Key::Address(addr), 3, window)
            .await
            .unwrap()
            .is_some());
        let other: IpAddr = "192.0.2.8".parse().unwrap();
        assert!(blocked_for(&pool, Key::Address(other), 1, window)
            .await
            .unwrap()
            .is_none());

        // Failures older than the window neither count nor survive a purge.
        sqlx::query("update signin_failures set failed_at = now() - interval '16 minutes'")
            .execute(&pool)
            .await
            .unwrap();
        assert!(blocked_for(&pool, account, 1, window)
            .await
            .unwrap()
            .is_none());
        assert_eq!(purge(&pool, window).await.unwrap(), 3);

        record_failure(&pool, "ada@example.com", None)
            .await
            .unwrap();
        clear_account(&pool, "ada@example.com").await.unwrap();
        assert!(blocked_for(&pool, account, 1, window)
            .await
            .unwrap()
            .is_none());
    }
}
