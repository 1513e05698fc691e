//! Accounts and the first-admin setup token (SECURITY.md R1, R6, R12).
//!
//! This module stores what the server hands it: password hashes are made and checked in
//! `server::auth`, and setup tokens arrive here already hashed (SHA-256), so no secret in
//! clear ever reaches a query.
//!
//! E-mail addresses are unique regardless of case (`users_email_key` on `lower(email)`), and
//! [`find_user_by_email`] matches the same way; the stored address keeps the case it was
//! given.

use sqlx::{PgConnection, PgExecutor};
use time::OffsetDateTime;
use uuid::Uuid;

/// The unique index on `lower(email)`.
const EMAIL_KEY: &str = "users_email_key";

/// Key of the transaction-scoped advisory lock that serialises first-admin setup: the ASCII
/// bytes `rampsetu` read as a big-endian integer.
pub const SETUP_LOCK_KEY: i64 = 0x7261_6d70_7365_7475;

const USER_COLUMNS: &str =
    "user_id, email, name, password_hash, is_admin, disabled_at, created_at, updated_at";

/// An account as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct User {
    #[sqlx(rename = "user_id")]
    pub id: Uuid,
    pub email: String,
    pub name: String,
    /// The argon2id PHC string. Never serialise it into a response or a log.
    pub password_hash: String,
    pub is_admin: bool,
    pub disabled_at: Option<OffsetDateTime>,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

impl User {
    /// Whether the account may sign in and use its sessions.
    pub fn is_active(&self) -> bool {
        self.disabled_at.is_none()
    }
}

/// What [`insert_user`] needs.
#[derive(Debug, Clone, Copy)]
pub struct NewUser<'a> {
    pub email: &'a str,
    pub name: &'a str,
    pub password_hash: &'a str,
    pub is_admin: bool,
}

/// Why [`insert_user`] failed.
#[derive(Debug, thiserror::Error)]
pub enum InsertUserError {
    /// Another account has this address, in any case.
    #[error("an account with this e-mail address already exists")]
    EmailTaken,
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// Creates an account and returns it.
pub async fn insert_user(
    executor: impl PgExecutor<'_>,
    user: &NewUser<'_>,
) -> Result<User, InsertUserError> {
    let sql = format!(
        "insert into users (email, name, password_hash, is_admin) values ($1, $2, $3, $4) \
         returning {USER_COLUMNS}"
    );
    sqlx::query_as::<_, User>(&sql)
        .bind(user.email)
        .bind(user.name)
        .bind(user.password_hash)
        .bind(user.is_admin)
        .fetch_one(executor)
        .await
        .map_err(|err| match &err {
            sqlx::Error::Database(db) if db.constraint() == Some(EMAIL_KEY) => {
                InsertUserError::EmailTaken
            }
            _ => InsertUserError::Database(err),
        })
}

/// The account with this e-mail address, compared without regard to case.
pub async fn find_user_by_email(
    executor: impl PgExecutor<'_>,
    email: &str,
) -> Result<Option<User>, sqlx::Error> {
    let sql = format!("select {USER_COLUMNS} from users where lower(email) = lower($1)");
    sqlx::query_as::<_, User>(&sql)
        .bind(email)
        .fetch_optional(executor)
        .await
}

/// The account with this id.
pub async fn get_user(
    executor: impl PgExecutor<'_>,
    id: Uuid,
) -> Result<Option<User>, sqlx::Error> {
    let sql = format!("select {USER_COLUMNS} from users where user_id = $1");
    sqlx::query_as::<_, User>(&sql)
        .bind(id)
        .fetch_optional(executor)
        .await
}

/// Whether any account exists (a fresh instance has none and offers first-admin setup).
pub async fn any_user_exists(executor: impl PgExecutor<'_>) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar("select exists (select 1 from users)")
        .fetch_one(executor)
        .await
}

/// Replaces an account's password hash; false when there is no such account.
pub async fn set_password_hash(
    executor: impl PgExecutor<'_>,
    id: Uuid,
    password_hash: &str,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query("update users set password_hash = $2 where user_id = $1")
        .bind(id)
        .bind(password_hash)
        .execute(executor)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Disables an account: it can no longer sign in, and its sessions are refused from their
/// next request on (`server::auth` checks the account on every authenticated request).
/// Disabling a disabled account keeps the first time. False when there is no such account.
pub async fn disable_user(executor: impl PgExecutor<'_>, id: Uuid) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "update users set disabled_at = coalesce(disabled_at, now()) where user_id = $1",
    )
    .bind(id)
    .execute(executor)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Stores the SHA-256 of a new setup token, valid until `expires_at`, and removes expired
/// ones.
pub async fn create_setup_token(
    conn: &mut PgConnection,
    token_hash: &[u8; 32],
    expires_at: OffsetDateTime,
) -> Result<(), sqlx::Error> {
    sqlx::query("delete from setup_tokens where expires_at <= now()")
        .execute(&mut *conn)
        .await?;
    sqlx::query("insert into setup_tokens (token_hash, expires_at) values ($1, $2)")
        .bind(&token_hash[..])
        .bind(expires_at)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Uses up a setup token: true exactly once for a stored, unexpired token while no account
/// exists. Call it inside the transaction that creates the first admin: it takes an advisory
/// lock ([`SETUP_LOCK_KEY`]) held until that transaction ends, so two set-ups (even with two
/// different tokens) cannot both see an empty `users` table; and the token row is deleted,
/// so a second use finds nothing. When it returns true, every other setup token is gone too.
pub async fn consume_setup_token(
    conn: &mut PgConnection,
    token_hash: &[u8; 32],
) -> Result<bool, sqlx::Error> {
    sqlx::query("select pg_advisory_xact_lock($1)")
        .bind(SETUP_LOCK_KEY)
        .execute(&mut *conn)
        .await?;
    let found: Option<i32> = sqlx::query_scalar(
        "delete from setup_tokens where token_hash = $1 and expires_at > now() returning 1",
    )
    .bind(&token_hash[..])
    .fetch_optional(&mut *conn)
    .await?;
    if found.is_none() || any_user_exists(&mut *conn).await? {
        return Ok(false);
    }
    sqlx::query("delete from setup_tokens")
        .execute(&mut *conn)
        .await?;
    Ok(true)
}

/// Every account, by e-mail address (administrators' list).
pub async fn list_users(executor: impl PgExecutor<'_>) -> Result<Vec<User>, sqlx::Error> {
    let sql = format!("select {USER_COLUMNS} from users order by lower(email), user_id");
    sqlx::query_as::<_, User>(&sql).fetch_all(executor).await
}

/// Key of the transaction-scoped advisory lock that serialises changes to who is an active
/// administrator (`rampadmn`), so two concurrent changes cannot remove the last one.
pub const ADMIN_LOCK_KEY: i64 = 0x7261_6d70_6164_6d6e;

/// Why [`update_account`] refused.
#[derive(Debug, thiserror::Error)]
pub enum AccountChangeError {
    #[error("no such account")]
    NotFound,
    /// The change would leave no active administrator.
    #[error("the last active administrator cannot be disabled or demoted")]
    LastAdmin,
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// Disables or enables an account and grants or withdraws administration, refusing to
/// leave the instance without an active administrator. Run it in a transaction (it takes
/// [`ADMIN_LOCK_KEY`]). Returns the account after the change.
pub async fn update_account(
    conn: &mut PgConnection,
    id: Uuid,
    disabled: Option<bool>,
    is_admin: Option<bool>,
) -> Result<User, AccountChangeError> {
    sqlx::query("select pg_advisory_xact_lock($1)")
        .bind(ADMIN_LOCK_KEY)
        .execute(&mut *conn)
        .await?;
    let before = get_user(&mut *conn, id)
        .await?
        .ok_or(AccountChangeError::NotFound)?;
    let active_admin_after =
        is_admin.unwrap_or(before.is_admin) && !disabled.unwrap_or(!before.is_active());
    if before.is_admin && before.is_active() && !active_admin_after {
        let others: i64 = sqlx::query_scalar(
            "select count(*) from users where is_admin and disabled_at is null and user_id <> $1",
        )
        .bind(id)
        .fetch_one(&mut *conn)
        .await?;
        if others == 0 {
            return Err(AccountChangeError::LastAdmin);
        }
    }
    let sql = format!(
        "update users set \
             disabled_at = case when $2::boolean is null then disabled_at \
                                when $2 then coalesce(disabled_at, now()) else null end, \
             is_admin = coalesce($3, is_admin) \
         where user_id = $1 returning {USER_COLUMNS}"
    );
    Ok(sqlx::query_as::<_, User>(&sql)
        .bind(id)
        .bind(disabled)
        .bind(is_admin)
        .fetch_one(&mut *conn)
        .await?)
}

/// Stores the SHA-256 of a one-time password-reset token for `user`.
pub async fn create_password_reset(
    executor: impl PgExecutor<'_>,
    token_hash: &[u8; 32],
    user: Uuid,
    created_by: Option<Uuid>,
    expires_at: OffsetDateTime,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "insert into password_resets (token_hash, user_id, created_by, expires_at) \
         values ($1, $2, $3, $4)",
    )
    .bind(&token_hash[..])
    .bind(user)
    .bind(created_by)
    .bind(expires_at)
    .execute(executor)
    .await?;
    Ok(())
}

/// Uses up a password-reset token: the account it was made for, exactly once, while it is
/// unexpired; every other unused reset token of that account is used up with it.
pub async fn consume_password_reset(
    conn: &mut PgConnection,
    token_hash: &[u8; 32],
) -> Result<Option<Uuid>, sqlx::Error> {
    let user: Option<Uuid> = sqlx::query_scalar(
        "update password_resets set used_at = now() \
         where token_hash = $1 and used_at is null and expires_at > now() returning user_id",
    )
    .bind(&token_hash[..])
    .fetch_optional(&mut *conn)
    .await?;
    if let Some(user) = user {
        sqlx::query(
            "update password_resets set used_at = now() where user_id = $1 and used_at is null",
        )
        .bind(user)
        .execute(&mut *conn)
        .await?;
    }
    Ok(user)
}

#[cfg(test)]
mod tests {
    use super::*;
    use sqlx::PgPool;
    use time::Duration;

    const HASH: &str =
        "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaA";

    fn alice() -> NewUser<'static> {
        NewUser {
            email: "Alice@Example.com",
            name: "Alice",
            password_hash: HASH,
            is_admin: false,
        }
    }

    #[sqlx::test(migrator = "crate::MIGRATOR")]
    async fn a_new_user_gets_an_id_and_is_found_by_email_in_any_case(pool: PgPool) {
        assert!(!any_user_exists(&pool).await.unwrap());
        let user = insert_user(&pool, &alice()).await.unwrap();
        assert_eq!(user.email, "Alice@Example.com", "the case is kept");
        assert!(user.is_active() && !user.is_admin);
        let found = find_user_by_email(&pool, "alice@EXAMPLE.COM")
            .await
            .unwrap()
            .expect("found without regard to case");
        assert_eq!(found, user);
        assert_eq!(get_user(&pool, user.id).await.unwrap(), Some(user));
        assert!(any_user_exists(&pool).await.unwrap());
        assert_eq!(
            find_user_by_email(&pool, "bob@example.com").await.unwrap(),
            None
        );
    }

    #[sqlx::test(migrator = "crate::MIGRATOR")]
    async fn an_email_differing_only_in_case_is_taken(pool: PgPool) {
        insert_user(&pool, &alice()).await.unwrap();
        let again = NewUser {
            email: "alice@example.COM",
            ..alice()
        };
        let err = insert_user(&pool, &again).await.unwrap_err();
        assert!(matches!(err, InsertUserError::EmailTaken), "{err}");
    }

    #[sqlx::test(migrator = "crate::MIGRATOR")]
    async fn a_plain_password_cannot_be_stored_as_the_hash(pool: PgPool) {
        let err = insert_user(
            &pool,
            &NewUser {
                password_hash: "correct horse battery staple",
                ..alice()
            },
        )
        .await
        .unwrap_err();
        assert!(matches!(err, InsertUserError::Database(_)), "{err}");
    }

    #[sqlx::test(migrator = "crate::MIGRATOR")]
    async fn the_password_hash_can_be_replaced(pool: PgPool) {
        let user = insert_user(&pool, &alice()).await.unwrap();
        let newer = "$argon2id$v=19$m=19456,t=2,p=1$bmV3c2FsdG5ld3NhbHQ$bmV3aGFzaG5ld2hhc2huZXdoYXNobmV3aGFzaA";
        assert!(set_password_hash(&pool, user.id, newer).await.unwrap());
        let stored = get_user(&pool, user.id).await.unwrap().unwrap();
        assert_eq!(stored.password_hash, newer);
        assert!(stored.updated_at >= user.updated_at);
        assert!(!set_password_hash(&pool, Uuid::new_v4(), newer)
            .await
            .unwrap());
    }

    #[sqlx::test(migrator = "crate::MIGRATOR")]
    async fn a_disabled_user_stays_disabled_from_the_first_time(pool: PgPool) {
        let user = insert_user(&pool, &alice()).await.unwrap();
        assert!(disable_user(&pool, user.id).await.unwrap());
        let first = get_user(&pool, user.id).await.unwrap().unwrap();
        assert!(!first.is_active());
        assert!(disable_user(&pool, user.id).await.unwrap());
        let second = get_user(&pool, user.id).await.unwrap().unwrap();
        assert_eq!(second.disabled_at, first.disabled_at);
        assert!(!disable_user(&pool, Uuid::new_v4()).await.unwrap());
    }

    #[sqlx::test(migrator = "crate::MIGRATOR")]
    async fn a_setup_token_works_once(pool: PgPool) {
        let token = [7u8; 32];
        let mut conn = pool.acquire().await.unwrap();
        create_setup_token(
            &mut conn,
            &token,
            OffsetDateTime::now_utc() + Duration::hours(1),
        )
        .await
        .unwrap();
        assert!(
            !consume_setup_token(&mut conn, &[8u8; 32]).await.unwrap(),
            "unknown token"
        );
        assert!(
            consume_setup_token(&mut conn, &token).await.unwrap(),
            "first use"
        );
        assert!(
            !consume_setup_token(&mut conn, &token).await.unwrap(),
            "second use"
        );
    }

    #[sqlx::test(migrator = "crate::MIGRATOR")]
    async fn an_expired_setup_token_is_refused(pool: PgPool) {
        let token = [7u8; 32];
        let mut conn = pool.acquire().await.unwrap();
        create_setup_token(
            &mut conn,
            &token,
            OffsetDateTime::now_utc() - Duration::seconds(1),
        )
        .await
        .unwrap();
        assert!(!consume_setup_token(&mut conn, &token).await.unwrap());
    }

    #[sqlx::test(migrator = "crate::MIGRATOR")]
    async fn no_setup_token_works_once_an_account_exists(pool: PgPool) {
        let token = [7u8; 32];
        let mut conn = pool.acquire().await.unwrap();
        create_setup_token(
            &mut conn,
            &token,
            OffsetDateTime::now_utc() + Duration::hours(1),
        )
        .await
        .unwrap();
        insert_user(&mut *conn, &alice()).await.unwrap();
        assert!(!consume_setup_token(&mut conn, &token).await.unwrap());
    }

    #[sqlx::test(migrator = "crate::MIGRATOR")]
    async fn a_successful_setup_removes_every_other_token(pool: PgPool) {
        let expires = OffsetDateTime::now_utc() + Duration::hours(1);
        let mut conn = pool.acquire().await.unwrap();
        create_setup_token(&mut conn, &[1u8; 32], expires)
            .await
            .unwrap();
        create_setup_token(&mut conn, &[2u8; 32], expires)
            .await
            .unwrap();
        assert!(consume_setup_token(&mut conn, &[1u8; 32]).await.unwrap());
        let left: i64 = sqlx::query_scalar("select count(*) from setup_tokens")
            .fetch_one(&mut *conn)
            .await
            .unwrap();
        assert_eq!(left, 0);
    }
}
