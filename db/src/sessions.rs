//! Which signed-in user each session belongs to (SECURITY.md R11): the `user_sessions` index
//! beside tower-sessions' own `sessions` table, so a person can list and end their sessions,
//! a password change can end the others, and an administrator's disable ends them all.
//!
//! Sessions are shown by a public id, the hex SHA-256 of the session id: the session id
//! itself is a bearer secret and never leaves the server after it is set as the cookie.

use sqlx::{FromRow, PgExecutor};
use std::net::IpAddr;
use time::OffsetDateTime;
use uuid::Uuid;

/// Records that `session_id` (already saved in `sessions`) is signed in by `user`.
pub async fn record_sign_in(
    executor: impl PgExecutor<'_>,
    session_id: &str,
    user: Uuid,
    client_addr: Option<IpAddr>,
    user_agent: Option<&str>,
) -> Result<(), sqlx::Error> {
    let user_agent = user_agent.map(|ua| ua.chars().take(300).collect::<String>());
    sqlx::query(
        "insert into user_sessions (session_id, user_id, client_addr, user_agent) \
         values ($1, $2, $3::inet, $4) \
         on conflict (session_id) do update set user_id = excluded.user_id",
    )
    .bind(session_id)
    .bind(user)
    .bind(client_addr.map(|addr| addr.to_string()))
    .bind(user_agent)
    .execute(executor)
    .await?;
    Ok(())
}

/// A live session as its owner sees it.
#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct UserSession {
    /// The public id (hex SHA-256 of the session id).
    pub id: String,
    pub signed_in_at: OffsetDateTime,
    /// When the session's idle deadline was last moved: its last use, to the minute.
    pub expires_at: OffsetDateTime,
    pub client_addr: Option<String>,
    pub user_agent: Option<String>,
    /// Whether this is the session the listing was asked from.
    pub current: bool,
}

/// `user`'s unexpired sessions, the most recent sign-in first; `current` marks
/// `current_session_id`.
pub async fn list_sessions(
    executor: impl PgExecutor<'_>,
    user: Uuid,
    current_session_id: Option<&str>,
) -> Result<Vec<UserSession>, sqlx::Error> {
    sqlx::query_as(
        "select encode(sha256(convert_to(u.session_id, 'UTF8')), 'hex') as id, \
                u.signed_in_at, s.expiry_date as expires_at, \
                host(u.client_addr) as client_addr, u.user_agent, \
                coalesce(u.session_id = $2, false) as current \
         from user_sessions u join sessions s on s.id = u.session_id \
         where u.user_id = $1 and s.expiry_date > now() \
         order by u.signed_in_at desc",
    )
    .bind(user)
    .bind(current_session_id)
    .fetch_all(executor)
    .await
}

/// Ends one of `user`'s sessions by its public id; false when it has none such.
pub async fn end_session(
    executor: impl PgExecutor<'_>,
    user: Uuid,
    public_id: &str,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "delete from sessions where id in ( \
             select session_id from user_sessions \
             where user_id = $1 and encode(sha256(convert_to(session_id, 'UTF8')), 'hex') = $2)",
    )
    .bind(user)
    .bind(public_id)
    .execute(executor)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// Ends every session of `user` except `keep`; returns how many ended.
pub async fn end_other_sessions(
    executor: impl PgExecutor<'_>,
    user: Uuid,
    keep: Option<&str>,
) -> Result<u64, sqlx::Error> {
    let done = sqlx::query(
        "delete from sessions where id in ( \
             select session_id from user_sessions \
             where user_id = $1 and ($2::text is null or session_id <> $2))",
    )
    .bind(user)
    .bind(keep)
    .execute(executor)
    .await?;
    Ok(done.rows_affected())
}
