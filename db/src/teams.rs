//! Teams, their members and roles, and invitations (issue 4; SECURITY.md R14-R16).
//!
//! A team always keeps at least one owner: [`set_member_role`] and [`remove_member`] lock
//! the team's row (`for update`) before counting its owners, so two concurrent demotions
//! cannot both see "another owner is left". Invitation tokens arrive here already hashed.

use sqlx::{FromRow, PgConnection, PgExecutor};
use time::OffsetDateTime;
use uuid::Uuid;

/// A member's role in a team, from most to least powerful.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    Viewer,
    Reviewer,
    Editor,
    Owner,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Owner, Role::Editor, Role::Reviewer, Role::Viewer];

    /// The stored and serialised name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Editor => "editor",
            Role::Reviewer => "reviewer",
            Role::Viewer => "viewer",
        }
    }

    pub fn parse(value: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|role| role.as_str() == value)
    }
}

fn role_of(value: &str) -> Result<Role, sqlx::Error> {
    Role::parse(value).ok_or_else(|| sqlx::Error::Decode(format!("unknown role {value:?}").into()))
}

/// A team as listed for someone: `role` is theirs (`None` for an administrator who is not a
/// member).
#[derive(Debug, Clone, PartialEq)]
pub struct TeamFor {
    pub id: Uuid,
    pub name: String,
    pub role: Option<Role>,
    pub created_at: OffsetDateTime,
}

#[derive(FromRow)]
struct TeamRow {
    team_id: Uuid,
    name: String,
    role: Option<String>,
    created_at: OffsetDateTime,
}

impl TeamRow {
    fn into_team(self) -> Result<TeamFor, sqlx::Error> {
        Ok(TeamFor {
            id: self.team_id,
            name: self.name,
            role: self.role.as_deref().map(role_of).transpose()?,
            created_at: self.created_at,
        })
    }
}

/// Creates a team with `owner` as its first owner, and returns it.
pub async fn create_team(
    conn: &mut PgConnection,
    name: &str,
    owner: Uuid,
) -> Result<TeamFor, sqlx::Error> {
    let (id, created_at): (Uuid, OffsetDateTime) =
        sqlx::query_as("insert into teams (name) values ($1) returning team_id, created_at")
            .bind(name)
            .fetch_one(&mut *conn)
            .await?;
    sqlx::query("insert into team_members (team_id, user_id, role) values ($1, $2, 'owner')")
        .bind(id)
        .bind(owner)
        .execute(&mut *conn)
        .await?;
    Ok(TeamFor {
        id,
        name: name.to_owned(),
        role: Some(Role::Owner),
        created_at,
    })
}

/// The teams `user` belongs to, or every team when `all` (administrators), by name.
pub async fn list_teams(
    executor: impl PgExecutor<'_>,
    user: Uuid,
    all: bool,
) -> Result<Vec<TeamFor>, sqlx::Error> {
    let rows: Vec<TeamRow> = sqlx::query_as(
        "select t.team_id, t.name, m.role, t.created_at \
         from teams t left join team_members m on m.team_id = t.team_id and m.user_id = $1 \
         where $2 or m.user_id is not null \
         order by lower(t.name), t.team_id",
    )
    .bind(user)
    .bind(all)
    .fetch_all(executor)
    .await?;
    rows.into_iter().map(TeamRow::into_team).collect()
}

/// One team, with `user`'s role in it (None when not a member); None when no such team.
pub async fn get_team(
    executor: impl PgExecutor<'_>,
    team: Uuid,
    user: Uuid,
) -> Result<Option<TeamFor>, sqlx::Error> {
    let row: Option<TeamRow> = sqlx::query_as(
        "select t.team_id, t.name, m.role, t.created_at \
         from teams t left join team_members m on m.team_id = t.team_id and m.user_id = $2 \
         where t.team_id = $1",
    )
    .bind(team)
    .bind(user)
    .fetch_optional(executor)
    .await?;
    row.map(TeamRow::into_team).transpose()
}

/// Renames a team; false when there is no such team.
pub async fn rename_team(
    executor: impl PgExecutor<'_>,
    team: Uuid,
    name: &str,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query("update teams set name = $2 where team_id = $1")
        .bind(team)
        .bind(name)
        .execute(executor)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// `user`'s role in `team`, if a member.
pub async fn role_in(
    executor: impl PgExecutor<'_>,
    team: Uuid,
    user: Uuid,
) -> Result<Option<Role>, sqlx::Error> {
    let role: Option<String> =
        sqlx::query_scalar("select role from team_members where team_id = $1 and user_id = $2")
            .bind(team)
            .bind(user)
            .fetch_optional(executor)
            .await?;
    role.as_deref().map(role_of).transpose()
}

/// A member as listed.
#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    pub user_id: Uuid,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub joined_at: OffsetDateTime,
}

#[derive(FromRow)]
struct MemberRow {
    user_id: Uuid,
    email: String,
    name: String,
    role: String,
    joined_at: OffsetDateTime,
}

impl MemberRow {
    fn into_member(self) -> Result<Member, sqlx::Error> {
        Ok(Member {
            user_id: self.user_id,
            email: self.email,
            name: self.name,
            role: role_of(&self.role)?,
            joined_at: self.joined_at,
        })
    }
}

const MEMBER_SELECT: &str = "select m.user_id, u.email, u.name, m.role, m.joined_at \
     from team_members m join users u on u.user_id = m.user_id";

/// The members of a team, owners first, then by name.
pub async fn list_members(
    executor: impl PgExecutor<'_>,
    team: Uuid,
) -> Result<Vec<Member>, sqlx::Error> {
    let sql = format!(
        "{MEMBER_SELECT} where m.team_id = $1 \
         order by array_position(array['owner','editor','reviewer','viewer'], m.role), \
                  lower(u.name), m.user_id"
    );
    let rows: Vec<MemberRow> = sqlx::query_as(&sql).bind(team).fetch_all(executor).await?;
    rows.into_iter().map(MemberRow::into_member).collect()
}

/// Why a membership change was refused.
#[derive(Debug, thiserror::Error)]
pub enum MembershipError {
    #[error("no such member")]
    NotAMember,
    /// The change would leave the team without an owner.
    #[error("a team must keep at least one owner")]
    LastOwner,
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// Locks the team's row and returns the member's current role and the number of owners.
async fn lock_for_change(
    conn: &mut PgConnection,
    team: Uuid,
    user: Uuid,
) -> Result<(Role, i64), MembershipError> {
    sqlx::query("select 1 from teams where team_id = $1 for update")
        .bind(team)
        .execute(&mut *conn)
        .await?;
    let role = role_in(&mut *conn, team, user)
        .await?
        .ok_or(MembershipError::NotAMember)?;
    let owners: i64 = sqlx::query_scalar(
        "select count(*) from team_members where team_id = $1 and role = 'owner'",
    )
    .bind(team)
    .fetch_one(&mut *conn)
    .await?;
    Ok((role, owners))
}

/// Changes a member's role, refusing to demote the last owner. Run it in a transaction.
/// Returns the member before and after.
pub async fn set_member_role(
    conn: &mut PgConnection,
    team: Uuid,
    user: Uuid,
    role: Role,
) -> Result<(Role, Member), MembershipError> {
    let (before, owners) = lock_for_change(conn, team, user).await?;
    if before == Role::Owner && role != Role::Owner && owners <= 1 {
        return Err(MembershipError::LastOwner);
    }
    sqlx::query("update team_members set role = $3 where team_id = $1 and user_id = $2")
        .bind(team)
        .bind(user)
        .bind(role.as_str())
        .execute(&mut *conn)
        .await?;
    let sql = format!("{MEMBER_SELECT} where m.team_id = $1 and m.user_id = $2");
    let row: MemberRow = sqlx::query_as(&sql)
        .bind(team)
        .bind(user)
        .fetch_one(&mut *conn)
        .await?;
    Ok((before, row.into_member()?))
}

/// Removes a member, refusing to remove the last owner. Run it in a transaction. Returns the
/// role the member had.
pub async fn remove_member(
    conn: &mut PgConnection,
    team: Uuid,
    user: Uuid,
) -> Result<Role, MembershipError> {
    let (role, owners) = lock_for_change(conn, team, user).await?;
    if role == Role::Owner && owners <= 1 {
        return Err(MembershipError::LastOwner);
    }
    sqlx::query("delete from team_members where team_id = $1 and user_id = $2")
        .bind(team)
        .bind(user)
        .execute(&mut *conn)
        .await?;
    Ok(role)
}

/// An invitation as its team's owners see it.
#[derive(Debug, Clone, PartialEq)]
pub struct Invitation {
    pub id: Uuid,
    pub team_id: Uuid,
    pub team_name: String,
    pub email: String,
    pub role: Role,
    pub invited_by_name: Option<String>,
    pub created_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
}

#[derive(FromRow)]
struct InvitationRow {
    invitation_id: Uuid,
    team_id: Uuid,
    team_name: String,
    email: String,
    role: String,
    invited_by_name: Option<String>,
    created_at: OffsetDateTime,
    expires_at: OffsetDateTime,
}

impl InvitationRow {
    fn into_invitation(self) -> Result<Invitation, sqlx::Error> {
        Ok(Invitation {
            id: self.invitation_id,
            team_id: self.team_id,
            team_name: self.team_name,
            email: self.email,
            role: role_of(&self.role)?,
            invited_by_name: self.invited_by_name,
            created_at: self.created_at,
            expires_at: self.expires_at,
        })
    }
}

const INVITATION_SELECT: &str = "select i.invitation_id, i.team_id, t.name as team_name, \
     i.email, i.role, u.name as invited_by_name, i.created_at, i.expires_at \
     from invitations i join teams t on t.team_id = i.team_id \
     left join users u on u.user_id = i.invited_by";

/// Pending: neither accepted nor revoked, and not expired.
const PENDING: &str = "i.accepted_at is null and i.revoked_at is null and i.expires_at > now()";

/// What [`create_invitation`] needs.
#[derive(Debug, Clone, Copy)]
pub struct NewInvitation<'a> {
    pub team: Uuid,
    pub email: &'a str,
    pub role: Role,
    pub token_hash: &'a [u8; 32],
    pub invited_by: Uuid,
    pub expires_at: OffsetDateTime,
}

/// Stores an invitation and returns it.
pub async fn create_invitation(
    conn: &mut PgConnection,
    new: &NewInvitation<'_>,
) -> Result<Invitation, sqlx::Error> {
    let id: Uuid = sqlx::query_scalar(
        "insert into invitations (team_id, email, role, token_hash, invited_by, expires_at) \
         values ($1, $2, $3, $4, $5, $6) returning invitation_id",
    )
    .bind(new.team)
    .bind(new.email)
    .bind(new.role.as_str())
    .bind(&new.token_hash[..])
    .bind(new.invited_by)
    .bind(new.expires_at)
    .fetch_one(&mut *conn)
    .await?;
    let sql = format!("{INVITATION_SELECT} where i.invitation_id = $1");
    let row: InvitationRow = sqlx::query_as(&sql).bind(id).fetch_one(&mut *conn).await?;
    row.into_invitation()
}

/// A team's pending invitations, newest first.
pub async fn list_team_invitations(
    executor: impl PgExecutor<'_>,
    team: Uuid,
) -> Result<Vec<Invitation>, sqlx::Error> {
    let sql = format!(
        "{INVITATION_SELECT} where i.team_id = $1 and {PENDING} order by i.created_at desc"
    );
    let rows: Vec<InvitationRow> = sqlx::query_as(&sql).bind(team).fetch_all(executor).await?;
    rows.into_iter()
        .map(InvitationRow::into_invitation)
        .collect()
}

/// The pending invitations addressed to `email` (without regard to case), newest first.
pub async fn list_invitations_for_email(
    executor: impl PgExecutor<'_>,
    email: &str,
) -> Result<Vec<Invitation>, sqlx::Error> {
    let sql = format!(
        "{INVITATION_SELECT} where lower(i.email) = lower($1) and {PENDING} \
         order by i.created_at desc"
    );
    let rows: Vec<InvitationRow> = sqlx::query_as(&sql).bind(email).fetch_all(executor).await?;
    rows.into_iter()
        .map(InvitationRow::into_invitation)
        .collect()
}

/// The pending invitation with this token hash.
pub async fn find_invitation_by_token(
    executor: impl PgExecutor<'_>,
    token_hash: &[u8; 32],
) -> Result<Option<Invitation>, sqlx::Error> {
    let sql = format!("{INVITATION_SELECT} where i.token_hash = $1 and {PENDING}");
    let row: Option<InvitationRow> = sqlx::query_as(&sql)
        .bind(&token_hash[..])
        .fetch_optional(executor)
        .await?;
    row.map(InvitationRow::into_invitation).transpose()
}

/// The pending invitation with this id.
pub async fn find_invitation(
    executor: impl PgExecutor<'_>,
    id: Uuid,
) -> Result<Option<Invitation>, sqlx::Error> {
    let sql = format!("{INVITATION_SELECT} where i.invitation_id = $1 and {PENDING}");
    let row: Option<InvitationRow> = sqlx::query_as(&sql)
        .bind(id)
        .fetch_optional(executor)
        .await?;
    row.map(InvitationRow::into_invitation).transpose()
}

/// Revokes a pending invitation of `team`; false when there is none.
pub async fn revoke_invitation(
    executor: impl PgExecutor<'_>,
    team: Uuid,
    id: Uuid,
) -> Result<bool, sqlx::Error> {
    let sql = format!(
        "update invitations i set revoked_at = now() \
         where i.invitation_id = $1 and i.team_id = $2 and {PENDING}"
    );
    let done = sqlx::query(&sql)
        .bind(id)
        .bind(team)
        .execute(executor)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Uses a pending invitation for `user`: marks it accepted (once: the row is locked) and
/// makes the user a member with its role, or, when already a member, keeps the higher of
/// the two roles. Run it in a transaction. None when the invitation is no longer pending.
pub async fn accept_invitation(
    conn: &mut PgConnection,
    id: Uuid,
    user: Uuid,
) -> Result<Option<Invitation>, sqlx::Error> {
    let sql = format!(
        "update invitations i set accepted_at = now(), accepted_by = $2 \
         where i.invitation_id = $1 and {PENDING} returning i.invitation_id"
    );
    let accepted: Option<Uuid> = sqlx::query_scalar(&sql)
        .bind(id)
        .bind(user)
        .fetch_optional(&mut *conn)
        .await?;
    if accepted.is_none() {
        return Ok(None);
    }
    let sql = format!("{INVITATION_SELECT} where i.invitation_id = $1");
    let invitation = sqlx::query_as::<_, InvitationRow>(&sql)
        .bind(id)
        .fetch_one(&mut *conn)
        .await?
        .into_invitation()?;
    let current = role_in(&mut *conn, invitation.team_id, user).await?;
    match current {
        None => {
            sqlx::query("insert into team_members (team_id, user_id, role) values ($1, $2, $3)")
                .bind(invitation.team_id)
                .bind(user)
                .bind(invitation.role.as_str())
                .execute(&mut *conn)
                .await?;
        }
        Some(role) if role < invitation.role => {
            sqlx::query("update team_members set role = $3 where team_id = $1 and user_id = $2")
                .bind(invitation.team_id)
                .bind(user)
                .bind(invitation.role.as_str())
                .execute(&mut *conn)
                .await?;
        }
        Some(_) => {}
    }
    Ok(Some(invitation))
}

/// Declines (revokes) a pending invitation addressed to `email`; false when there is none.
pub async fn decline_invitation(
    executor: impl PgExecutor<'_>,
    id: Uuid,
    email: &str,
) -> Result<bool, sqlx::Error> {
    let sql = format!(
        "update invitations i set revoked_at = now() \
         where i.invitation_id = $1 and lower(i.email) = lower($2) and {PENDING}"
    );
    let done = sqlx::query(&sql)
        .bind(id)
        .bind(email)
        .execute(executor)
        .await?;
    Ok(done.rows_affected() == 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::users::{insert_user, NewUser};
    use sqlx::PgPool;

    const HASH: &str =
        "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaA";

    async fn user(pool: &PgPool, email: &str) -> Uuid {
        insert_user(
            pool,
            &NewUser {
                email,
                name: email,
                password_hash: HASH,
                is_admin: false,
            },
        )
        .await
        .unwrap()
        .id
    }

    #[sqlx::test(migrator = "crate::MIGRATOR")]
    async fn the_last_owner_can_be_neither_demoted_nor_removed(pool: PgPool) {
        let ada = user(&pool, "ada@example.com").await;
        let bob = user(&pool, "bob@example.com").await;
        let mut tx = pool.begin().await.unwrap();
        let team = create_team(&mut tx, "Platform", ada).await.unwrap();
        tx.commit().await.unwrap();

        let mut conn = pool.acquire().await.unwrap();
        assert!(matches!(
            set_member_role(&mut conn, team.id, ada, Role::Editor).await,
            Err(MembershipError::LastOwner)
        ));
        assert!(matches!(
            remove_member(&mut conn, team.id, ada).await,
            Err(MembershipError::LastOwner)
        ));

        sqlx::query("insert into team_members (team_id, user_id, role) values ($1, $2, 'owner')")
            .bind(team.id)
            .bind(bob)
            .execute(&pool)
            .await
            .unwrap();
        let (before, after) = set_member_role(&mut conn, team.id, ada, Role::Viewer)
            .await
            .unwrap();
        assert_eq!((before, after.role), (Role::Owner, Role::Viewer));
        assert!(matches!(
            remove_member(&mut conn, team.id, bob).await,
            Err(MembershipError::LastOwner)
        ));
        assert_eq!(
            remove_member(&mut conn, team.id, ada).await.unwrap(),
            Role::Viewer
        );
    }

    #[sqlx::test(migrator = "crate::MIGRATOR")]
    async fn an_invitation_is_used_once_and_never_lowers_a_role(pool: PgPool) {
        let ada = user(&pool, "ada@example.com").await;
        let bob = user(&pool, "bob@example.com").await;
        let mut conn = pool.acquire().await.unwrap();
        let team = create_team(&mut conn, "Platform", ada).await.unwrap();
        let invite = |role, hash| NewInvitation {
            team: team.id,
            email: "BOB@example.com",
            role,
            token_hash: hash,
            invited_by: ada,
            expires_at: OffsetDateTime::now_utc() + time::Duration::DAY,
        };
        let first = create_invitation(&mut conn, &invite(Role::Editor, &[1; 32]))
            .await
            .unwrap();
        let found = find_invitation_by_token(&pool, &[1; 32]).await.unwrap();
        assert_eq!(found.as_ref().map(|i| i.id), Some(first.id));
        assert_eq!(
            list_invitations_for_email(&pool, "bob@EXAMPLE.com")
                .await
                .unwrap()
                .len(),
            1
        );
        assert!(accept_invitation(&mut conn, first.id, bob)
            .await
            .unwrap()
            .is_some());
        assert!(accept_invitation(&mut conn, first.id, bob)
            .await
            .unwrap()
            .is_none());
        assert_eq!(
            role_in(&pool, team.id, bob).await.unwrap(),
            Some(Role::Editor)
        );

        let lower = create_invitation(&mut conn, &invite(Role::Viewer, &[2; 32]))
            .await
            .unwrap();
        accept_invitation(&mut conn, lower.id, bob).await.unwrap();
        assert_eq!(
            role_in(&pool, team.id, bob).await.unwrap(),
            Some(Role::Editor)
        );

        let revoked = create_invitation(&mut conn, &invite(Role::Owner, &[3; 32]))
            .await
            .unwrap();
        assert!(revoke_invitation(&pool, team.id, revoked.id).await.unwrap());
        assert!(find_invitation_by_token(&pool, &[3; 32])
            .await
            .unwrap()
            .is_none());
        assert!(accept_invitation(&mut conn, revoked.id, bob)
            .await
            .unwrap()
            .is_none());
    }
}
