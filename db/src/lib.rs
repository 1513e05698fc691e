//! Rampart's persistence layer: the migrations, the connection pool and, as the product grows,
//! one module per aggregate holding every SQL statement that touches it ([`audit`]: the
//! hash-chained audit log; [`users`]: accounts, the first-admin setup token and password
//! resets; [`sessions`]: which user each session belongs to; [`teams`]: teams, roles and
//! invitations; [`tokens`]: API tokens; [`throttle`]: failed sign-ins).
//!
//! Functions take an executor or a pool from the caller; this crate keeps no global state, so
//! each test can run against a database of its own.

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::PgPool;
use std::str::FromStr;
use std::time::Duration;

pub mod audit;
pub mod sessions;
pub mod teams;
pub mod throttle;
pub mod tokens;
pub mod users;

pub use sqlx;
pub use uuid::Uuid;

/// The schema migrations, embedded at compile time from `migrations/`.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../migrations");

/// How long a request may wait for a pooled connection before it fails with an error instead
/// of hanging while the database is away.
pub const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(2);

/// Errors from opening the database.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error("invalid database url: {0}")]
    InvalidUrl(#[source] sqlx::Error),
    #[error("cannot reach the database: {0}")]
    Unreachable(#[source] sqlx::Error),
    #[error("cannot apply the migrations: {0}")]
    Migrate(#[source] sqlx::migrate::MigrateError),
}

/// Pool settings shared by the server and the command line.
#[derive(Debug, Clone)]
pub struct PoolConfig {
    pub max_connections: u32,
    pub acquire_timeout: Duration,
}

impl Default for PoolConfig {
    fn default() -> Self {
        PoolConfig {
            max_connections: 10,
            acquire_timeout: ACQUIRE_TIMEOUT,
        }
    }
}

/// Builds a pool that connects on first use. It never fails because the database is down:
/// connections are opened (and reopened after an outage) as requests need them, and each
/// pooled connection is checked before it is handed out.
pub fn lazy_pool(database_url: &str, config: &PoolConfig) -> Result<PgPool, ConnectError> {
    let options = PgConnectOptions::from_str(database_url).map_err(ConnectError::InvalidUrl)?;
    Ok(pool_options(config).connect_lazy_with(options))
}

/// Like [`lazy_pool`], but every session starts with `default_transaction_read_only` on, so
/// the database itself refuses writes: for commands that promise to change nothing.
pub fn lazy_read_only_pool(
    database_url: &str,
    config: &PoolConfig,
) -> Result<PgPool, ConnectError> {
    let options = PgConnectOptions::from_str(database_url).map_err(ConnectError::InvalidUrl)?;
    Ok(read_only_pool_with(options, config))
}

fn read_only_pool_with(options: PgConnectOptions, config: &PoolConfig) -> PgPool {
    pool_options(config)
        .connect_lazy_with(options.options([("default_transaction_read_only", "on")]))
}

fn pool_options(config: &PoolConfig) -> PgPoolOptions {
    PgPoolOptions::new()
        .max_connections(config.max_connections)
        .acquire_timeout(config.acquire_timeout)
        .test_before_acquire(true)
}

/// Applies every pending migration, retrying while the database is unreachable for at most
/// `wait`. Migrations run in a transaction each and take an advisory lock, so several servers
/// starting at once apply them exactly once.
pub async fn migrate(pool: &PgPool, wait: Duration) -> Result<(), ConnectError> {
    let deadline = tokio::time::Instant::now() + wait;
    let mut delay = Duration::from_millis(250);
    loop {
        match pool.acquire().await {
            Ok(conn) => {
                drop(conn);
                return MIGRATOR.run(pool).await.map_err(ConnectError::Migrate);
            }
            Err(err) if tokio::time::Instant::now() + delay < deadline => {
                tracing::warn!(error = %err, retry_in_ms = delay.as_millis() as u64, "database not reachable yet");
                tokio::time::sleep(delay).await;
                delay = (delay * 2).min(Duration::from_secs(2));
            }
            Err(err) => return Err(ConnectError::Unreachable(err)),
        }
    }
}

/// Checks that the database answers a trivial query.
pub async fn ping(pool: &PgPool) -> Result<(), sqlx::Error> {
    sqlx::query("select 1").execute(pool).await.map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[sqlx::test(migrations = false)]
    async fn migrations_apply_and_are_recorded(pool: PgPool) {
        MIGRATOR
            .run(&pool)
            .await
            .expect("migrations apply to an empty database");
        let applied: i64 =
            sqlx::query_scalar("select count(*) from _sqlx_migrations where success")
                .fetch_one(&pool)
                .await
                .unwrap();
        assert_eq!(applied as usize, MIGRATOR.iter().count());
        // Running them again is a no-op, as every server start does.
        MIGRATOR
            .run(&pool)
            .await
            .expect("migrations are idempotent");
    }

    #[sqlx::test(migrator = "MIGRATOR")]
    async fn updated_at_trigger_function_stamps_rows(pool: PgPool) {
        sqlx::query("create table t (t_id int primary key, v int, updated_at timestamptz not null default '2000-01-01')")
            .execute(&pool)
            .await
            .unwrap();
        sqlx::query("create trigger t_updated_at before update on t for each row execute function set_updated_at()")
            .execute(&pool)
            .await
            .unwrap();
        sqlx::query("insert into t (t_id, v) values (1, 1)")
            .execute(&pool)
            .await
            .unwrap();
        sqlx::query("update t set v = 2 where t_id = 1")
            .execute(&pool)
            .await
            .unwrap();
        let fresh: bool =
            sqlx::query_scalar("select updated_at > now() - interval '1 minute' from t")
                .fetch_one(&pool)
                .await
                .unwrap();
        assert!(fresh, "the trigger sets updated_at on update");
    }

    #[sqlx::test(migrations = false)]
    async fn a_read_only_pool_cannot_write(pool: PgPool) {
        let options = (*pool.connect_options()).clone();
        let read_only = read_only_pool_with(options, &PoolConfig::default());
        ping(&read_only).await.unwrap();
        let err = sqlx::query("create table t (t_id int)")
            .execute(&read_only)
            .await
            .unwrap_err();
        assert!(err.to_string().contains("read-only transaction"), "{err}");
        read_only.close().await;
    }

    #[sqlx::test(migrations = false)]
    async fn ping_answers_on_a_live_database(pool: PgPool) {
        ping(&pool).await.unwrap();
    }

    #[tokio::test]
    async fn migrate_gives_up_after_the_wait_when_nothing_listens() {
        // Port 9 (discard) on loopback: nothing listens there on a test machine.
        let pool = lazy_pool(
            "postgres://nobody@127.0.0.1:9/none",
            &PoolConfig {
                max_connections: 1,
                acquire_timeout: Duration::from_millis(200),
            },
        )
        .unwrap();
        let started = std::time::Instant::now();
        let err = migrate(&pool, Duration::from_millis(600))
            .await
            .unwrap_err();
        assert!(matches!(err, ConnectError::Unreachable(_)), "{err}");
        assert!(started.elapsed() < Duration::from_secs(5));
    }

    #[tokio::test]
    async fn a_malformed_url_is_rejected_up_front() {
        let err = lazy_pool("postgres://host:notaport/db", &PoolConfig::default()).unwrap_err();
        assert!(matches!(err, ConnectError::InvalidUrl(_)));
    }
}
