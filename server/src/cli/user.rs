//! `rampart user create`: makes an account from a script, the password read from standard
//! input so it never shows in the process list or the shell history. The same rules as the
//! API apply (address shape, password policy, argon2id), and the creation is an audit event
//! (`user.create`, actor `cli`) in the same transaction.
//!
//! `rampart user reset-password`: prints a one-time password-reset link for an account
//! (`user.reset_link`, actor `cli`).

use super::Outcome;
use crate::api::auth::{valid_email, valid_name, valid_password};
use crate::auth::Hasher;
use crate::config::{UserCreateArgs, UserResetArgs};
use db::audit::{append_audit_event, AuditOutcome, NewAuditEvent};
use db::users::{InsertUserError, NewUser};
use std::io::{BufRead, Write};

/// Reads the password's first line from `input` and creates the account. Exit 0 on success,
/// 1 when the address is taken, 2 for invalid input and when the database fails.
pub async fn user_create(
    args: &UserCreateArgs,
    input: &mut impl BufRead,
    out: &mut impl Write,
    err: &mut impl Write,
) -> Outcome {
    match create(args, input).await {
        Ok(user) => {
            let role = if user.is_admin {
                "administrator"
            } else {
                "user"
            };
            let _ = writeln!(out, "created {role} {} ({})", user.email, user.id);
            Outcome::Pass
        }
        Err(Failure::Taken) => {
            let _ = writeln!(
                err,
                "error: an account with this e-mail address already exists"
            );
            Outcome::Fail
        }
        Err(Failure::Invalid(message)) => {
            let _ = writeln!(err, "error: {message}");
            Outcome::Invalid
        }
        Err(Failure::Other(e)) => {
            let _ = writeln!(err, "error: {e:#}");
            Outcome::Error
        }
    }
}

enum Failure {
    Taken,
    Invalid(String),
    Other(anyhow::Error),
}

impl From<sqlx::Error> for Failure {
    fn from(e: sqlx::Error) -> Failure {
        Failure::Other(e.into())
    }
}

async fn create(
    args: &UserCreateArgs,
    input: &mut impl BufRead,
) -> Result<db::users::User, Failure> {
    let email = valid_email(&args.email).map_err(|e| Failure::Invalid(e.message))?;
    let default_name = email.split_once('@').map_or(email, |(local, _)| local);
    let name = valid_name(args.name.as_deref().unwrap_or(default_name))
        .map_err(|e| Failure::Invalid(e.message))?;
    let mut password = String::new();
    input.read_line(&mut password).map_err(|e| {
        Failure::Invalid(format!("cannot read the password from standard input: {e}"))
    })?;
    // Only the line ending goes: spaces are part of the password.
    let password = password
        .strip_suffix('\n')
        .map(|p| p.strip_suffix('\r').unwrap_or(p))
        .unwrap_or(&password)
        .to_owned();
    if password.is_empty() {
        return Err(Failure::Invalid(
            "no password on standard input: pipe it in, e.g. printf '%s\\n' \"$PASSWORD\" | rampart user create ...".into(),
        ));
    }
    valid_password(&password, email, name).map_err(|e| Failure::Invalid(e.message))?;
    let hash = Hasher::default()
        .hash(password)
        .await
        .map_err(Failure::Other)?;

    let pool = crate::open_database(&args.database)
        .await
        .map_err(Failure::Other)?;
    let mut tx = pool.begin().await?;
    let user = db::users::insert_user(
        &mut *tx,
        &NewUser {
            email,
            name,
            password_hash: &hash,
            is_admin: args.admin,
        },
    )
    .await
    .map_err(|e| match e {
        InsertUserError::EmailTaken => Failure::Taken,
        InsertUserError::Database(e) => Failure::Other(e.into()),
    })?;
    let mut event = NewAuditEvent::new("user.create", AuditOutcome::Success);
    event.actor = Some("cli".into());
    event.target = Some(format!("user:{}", user.id));
    event.details = serde_json::json!({ "is_admin": user.is_admin });
    append_audit_event(&mut tx, &event).await?;
    tx.commit().await?;
    pool.close().await;
    Ok(user)
}

/// Prints a one-time reset link for the account with `args.email`. Exit 0 with the link, 1
/// when no account has the address, 2 when the database fails.
pub async fn user_reset_password(
    args: &UserResetArgs,
    out: &mut impl Write,
    err: &mut impl Write,
) -> Outcome {
    let made = async {
        let pool = crate::open_database(&args.database).await?;
        let mut tx = pool.begin().await?;
        let Some(user) = db::users::find_user_by_email(&mut *tx, args.email.trim()).await? else {
            return Ok(None);
        };
        let (link, expires_at) =
            crate::api::users::create_reset_link(&mut tx, &args.public_url, user.id, None).await?;
        let mut event = NewAuditEvent::new("user.reset_link", AuditOutcome::Success);
        event.actor = Some("cli".into());
        event.target = Some(format!("user:{}", user.id));
        append_audit_event(&mut tx, &event).await?;
        tx.commit().await?;
        pool.close().await;
        anyhow::Ok(Some((user, link, expires_at)))
    }
    .await;
    match made {
        Ok(Some((user, link, expires_at))) => {
            let _ = writeln!(
                out,
                "one-time password reset link for {} (valid until {expires_at}):\n\n    {link}\n",
                user.email
            );
            Outcome::Pass
        }
        Ok(None) => {
            let _ = writeln!(
                err,
                "error: no account has the e-mail address {}",
                args.email.trim()
            );
            Outcome::Fail
        }
        Err(e) => {
            let _ = writeln!(err, "error: {e:#}");
            Outcome::Error
        }
    }
}
