//! `rampart audit verify`: recomputes the audit log's hash chain and reports the first event
//! that does not fit. It connects through a read-only pool and applies no migration, so
//! checking a database never changes it.

use super::Outcome;
use crate::config::AuditVerifyArgs;
use anyhow::{bail, Context};
use db::audit::ChainReport;
use std::io::Write;

/// Verifies the chain in the database `args` names: 0 (intact), 1 (broken) or 2 (the check
/// could not run), with the verdict on `out` and errors on `err`.
pub async fn audit_verify(
    args: &AuditVerifyArgs,
    out: &mut impl Write,
    err: &mut impl Write,
) -> Outcome {
    let report = match verify(args).await {
        Ok(report) => report,
        Err(error) => {
            let _ = writeln!(err, "error: {error:#}");
            return Outcome::Error;
        }
    };
    let (verdict, written) = match report {
        ChainReport::Intact { rows } => (
            Outcome::Pass,
            writeln!(out, "audit chain intact: {rows} events"),
        ),
        ChainReport::Broken {
            first_bad_id,
            reason,
        } => (
            Outcome::Fail,
            writeln!(out, "audit chain broken at event {first_bad_id}: {reason}"),
        ),
    };
    match written.and_then(|()| out.flush()) {
        Ok(()) => verdict,
        // A reader that went away is not worth a message; the verdict stands.
        Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => verdict,
        Err(error) => {
            let _ = writeln!(err, "error: cannot write the verdict: {error}");
            Outcome::Error
        }
    }
}

async fn verify(args: &AuditVerifyArgs) -> anyhow::Result<ChainReport> {
    let pool = db::lazy_read_only_pool(args.database.url()?, &args.database.pool_config())?;
    let report = verify_on(&pool).await;
    pool.close().await;
    report
}

async fn verify_on(pool: &sqlx::PgPool) -> anyhow::Result<ChainReport> {
    let exists = db::audit::audit_log_exists(pool)
        .await
        .context("cannot reach the database")?;
    if !exists {
        bail!("this database has no audit log: apply the migrations first (`rampart migrate`); `audit verify` changes nothing");
    }
    db::audit::verify_audit_chain(pool)
        .await
        .context("cannot read the audit log")
}
