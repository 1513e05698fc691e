//! The command-line subcommands that report and exit: `rampart analyze` (a model file in, a
//! report and a CI verdict out) and `rampart rules` (the catalogue), which touch neither the
//! database nor the network, `rampart audit verify` (the audit log's hash chain), which
//! only reads the database, and `rampart user create` (an account, password on stdin).
//!
//! Each takes its parsed arguments and two writers (standard output for the report,
//! standard error for messages), so tests run them on in-memory buffers, and returns an
//! [`Outcome`] that `main.rs` turns into the exit status.

mod analyze;
mod audit;
pub mod render;
mod rules;
mod user;

pub use analyze::{analyze, Analysis, Gate};
pub use audit::audit_verify;
pub use rules::rules;
pub use user::{user_create, user_reset_password};

use std::process::ExitCode;

/// How a subcommand ended; each variant is one exit status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// 0: no open finding at or above the threshold (or the command simply succeeded).
    Pass,
    /// 1: one or more open findings at or above the threshold (or, for `audit verify`, a
    /// broken chain).
    Fail,
    /// 2: the model is invalid, or the command line is.
    Invalid,
    /// 3: the model file cannot be read, or the output cannot be written.
    Unreadable,
    /// 2, for `audit verify`: the check could not run (no database, no audit log, a failed
    /// query), so there is no verdict.
    Error,
}

impl Outcome {
    /// The process exit status.
    pub fn code(self) -> u8 {
        match self {
            Outcome::Pass => 0,
            Outcome::Fail => 1,
            Outcome::Invalid => 2,
            Outcome::Unreadable => 3,
            Outcome::Error => 2,
        }
    }
}

impl From<Outcome> for ExitCode {
    fn from(outcome: Outcome) -> ExitCode {
        ExitCode::from(outcome.code())
    }
}

/// Turns a failed write of the report into an outcome. A reader that went away (`rampart
/// analyze m.json | head`) is not worth a message; the verdict stands.
fn output_failed(
    error: std::io::Error,
    verdict: Outcome,
    err: &mut impl std::io::Write,
) -> Outcome {
    if error.kind() == std::io::ErrorKind::BrokenPipe {
        return verdict;
    }
    let _ = writeln!(err, "error: cannot write the report: {error}");
    Outcome::Unreadable
}
