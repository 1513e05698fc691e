//! Personal API tokens (issue 4; SECURITY.md R5). Only the SHA-256 of a token is stored; the
//! token itself is shown once, when it is made.

use sqlx::{FromRow, PgExecutor};
use time::OffsetDateTime;
use uuid::Uuid;

/// A token as its owner sees it.
#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct ApiToken {
    #[sqlx(rename = "token_id")]
    pub id: Uuid,
    pub user_id: Uuid,
    pub name: String,
    pub read_only: bool,
    pub created_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
    pub last_used_at: Option<OffsetDateTime>,
}

const COLUMNS: &str = "token_id, user_id, name, read_only, created_at, expires_at, last_used_at";

/// What [`create_token`] needs.
#[derive(Debug, Clone, Copy)]
pub struct NewToken<'a> {
    pub user_id: Uuid,
    pub name: &'a str,
    pub token_hash: &'a [u8; 32],
    pub read_only: bool,
    pub expires_at: OffsetDateTime,
}

pub async fn create_token(
    executor: impl PgExecutor<'_>,
    new: &NewToken<'_>,
) -> Result<ApiToken, sqlx::Error> {
    let sql = format!(
        "insert into api_tokens (user_id, name, token_hash, read_only, expires_at) \
         values ($1, $2, $3, $4, $5) returning {COLUMNS}"
    );
    sqlx::query_as(&sql)
        .bind(new.user_id)
        .bind(new.name)
        .bind(&new.token_hash[..])
        .bind(new.read_only)
        .bind(new.expires_at)
        .fetch_one(executor)
        .await
}

/// A user's tokens that still work (neither revoked nor expired), newest first.
pub async fn list_tokens(
    executor: impl PgExecutor<'_>,
    user: Uuid,
) -> Result<Vec<ApiToken>, sqlx::Error> {
    let sql = format!(
        "select {COLUMNS} from api_tokens \
         where user_id = $1 and revoked_at is null and expires_at > now() \
         order by created_at desc, token_id"
    );
    sqlx::query_as(&sql).bind(user).fetch_all(executor).await
}

/// Revokes one of `user`'s tokens; false when it has no such live token.
pub async fn revoke_token(
    executor: impl PgExecutor<'_>,
    user: Uuid,
    id: Uuid,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "update api_tokens set revoked_at = now() \
         where token_id = $1 and user_id = $2 and revoked_at is null",
    )
    .bind(id)
    .bind(user)
    .execute(executor)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The live token with this hash, its last use stamped (at most once a minute, so reads do
/// not all write).
pub async fn use_token(
    executor: impl PgExecutor<'_>,
    token_hash: &[u8; 32],
) -> Result<Option<ApiToken>, sqlx::Error> {
    let sql = format!(
        "with found as ( \
             select token_id from api_tokens \
             where token_hash = $1 and revoked_at is null and expires_at > now() \
         ), touched as ( \
             update api_tokens t set last_used_at = now() from found \
             where t.token_id = found.token_id \
               and (t.last_used_at is null or t.last_used_at < now() - interval '1 minute') \
         ) \
         select {COLUMNS} from api_tokens where token_id = (select token_id from found)"
    );
    sqlx::query_as(&sql)
        .bind(&token_hash[..])
        .fetch_optional(executor)
        .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::users::{insert_user, NewUser};
    use sqlx::PgPool;

    const HASH: &str =
        "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaA";

    #[sqlx::test(migrator = "crate::MIGRATOR")]
    async fn a_token_works_until_it_is_revoked_or_expires(pool: PgPool) {
        let user = insert_user(
            &pool,
            &NewUser {
                email: "ada@example.com",
                name: "Ada",
                password_hash: HASH,
                is_admin: false,
            },
        )
        .await
        .unwrap()
        .id;
        let new = |hash, expires_at| NewToken {
            user_id: user,
            name: "ci",
            token_hash: hash,
            read_only: true,
            expires_at,
        };
        let later = OffsetDateTime::now_utc() + time::Duration::DAY;
        let live = create_token(&pool, &new(&[1; 32], later)).await.unwrap();
        let past = OffsetDateTime::now_utc() - time::Duration::SECOND;
        create_token(&pool, &new(&[2; 32], past)).await.unwrap();

        let used = use_token(&pool, &[1; 32]).await.unwrap().unwrap();
        assert_eq!(used.id, live.id);
        assert!(used.read_only);
        assert!(
            use_token(&pool, &[2; 32]).await.unwrap().is_none(),
            "expired"
        );
        assert_eq!(list_tokens(&pool, user).await.unwrap().len(), 1);

        assert!(revoke_token(&pool, user, live.id).await.unwrap());
        assert!(!revoke_token(&pool, user, live.id).await.unwrap());
        assert!(
            use_token(&pool, &[1; 32]).await.unwrap().is_none(),
            "revoked"
        );
        assert!(list_tokens(&pool, user).await.unwrap().is_empty());
    }
}
