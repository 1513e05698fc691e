//! `rampart analyze`: read the file, parse it, analyse it, print the report, and decide the
//! exit status from the open findings and the `--fail-on` threshold.

use super::{output_failed, render, Outcome};
use crate::config::AnalyzeArgs;
use analysis::{Level, Options, Report, Severity};
use std::io::Write;

/// The CI gate: the threshold, and how many open findings reach it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Gate {
    pub fail_on: Severity,
    /// Open findings at or above `fail_on`.
    pub failing: usize,
}

impl Gate {
    pub fn of(report: &Report, fail_on: Severity) -> Gate {
        Gate {
            fail_on,
            failing: report.open_at_or_above(fail_on),
        }
    }

    pub fn passed(&self) -> bool {
        self.failing == 0
    }

    pub fn outcome(&self) -> Outcome {
        if self.passed() {
            Outcome::Pass
        } else {
            Outcome::Fail
        }
    }

    /// One sentence for people: `pass: no open finding at or above high (exit 0)`.
    pub fn verdict(&self) -> String {
        let code = self.outcome().code();
        match self.failing {
            0 => format!(
                "pass: no open finding at or above {} (exit {code})",
                self.fail_on
            ),
            1 => format!(
                "fail: 1 open finding at or above {} (exit {code})",
                self.fail_on
            ),
            n => format!(
                "fail: {n} open findings at or above {} (exit {code})",
                self.fail_on
            ),
        }
    }
}

/// One analysed model, as the renderers see it.
pub struct Analysis<'a> {
    /// The model path as given on the command line (SARIF's artifact location).
    pub source: &'a str,
    /// The file's text, which SARIF uses to point results at lines.
    pub text: &'a str,
    pub model_name: &'a str,
    pub report: &'a Report,
    pub gate: Gate,
}

/// Runs `rampart analyze`: the report goes to `out`, problems and diagnostics to `err`.
pub fn analyze(args: &AnalyzeArgs, out: &mut impl Write, err: &mut impl Write) -> Outcome {
    let source = args.model.display().to_string();
    let bytes = match std::fs::read(&args.model) {
        Ok(bytes) => bytes,
        Err(e) => {
            let _ = writeln!(err, "error: cannot read {source}: {e}");
            return Outcome::Unreadable;
        }
    };
    // The file was read, so bad content is an invalid model (2), not an unreadable file (3).
    let Ok(text) = String::from_utf8(bytes) else {
        let _ = writeln!(
            err,
            "error: invalid model {source}: the file is not UTF-8 text"
        );
        return Outcome::Invalid;
    };
    let model = match analysis::parse(&text) {
        Ok(model) => model,
        Err(e) => {
            let _ = writeln!(err, "error: invalid model {source}: {e}");
            return Outcome::Invalid;
        }
    };
    let options = Options {
        min_depth: args.min_depth,
    };
    let report = analysis::analyze(&model, &options);
    for d in &report.diagnostics {
        let level = match d.level {
            Level::Warning => "warning",
            Level::Error => "error",
        };
        let _ = writeln!(err, "{level}: {source}: {}", d.message);
    }
    let gate = Gate::of(&report, args.fail_on.severity());
    let analysis = Analysis {
        source: &source,
        text: &text,
        model_name: &model.name,
        report: &report,
        gate,
    };
    let verdict = gate.outcome();
    match render::write(args.format, &analysis, out) {
        Ok(()) => verdict,
        Err(e) => output_failed(e, verdict, err),
    }
}
