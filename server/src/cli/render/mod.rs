//! The report formats of `rampart analyze`, a module per format. Every renderer writes to
//! any `io::Write` and reads the same [`Analysis`]; the summary they share is here.

mod csv;
mod markdown;
mod sarif;
mod table;

use super::Analysis;
use crate::config::ReportFormat;
use analysis::{Finding, TargetKind};
use std::io::{self, Write};

/// Writes the report in `format`, then flushes.
pub fn write(format: ReportFormat, a: &Analysis, out: &mut impl Write) -> io::Result<()> {
    match format {
        ReportFormat::Table => table::write(a, out)?,
        ReportFormat::Json => {
            serde_json::to_writer_pretty(&mut *out, a.report)?;
            writeln!(out)?;
        }
        ReportFormat::Md => markdown::write(a, out)?,
        ReportFormat::Csv => csv::write(a, out)?,
        ReportFormat::Sarif => sarif::write(a, out)?,
    }
    out.flush()
}

/// Counts every format's summary shows.
struct Summary {
    open: usize,
    /// Open findings per severity, low to critical.
    by_severity: [usize; 4],
    /// Findings a decision closed (mitigated, accepted, transferred, not applicable).
    closed: usize,
}

impl Summary {
    fn of(a: &Analysis) -> Summary {
        let by_severity = a.report.open_by_severity();
        let open = by_severity.iter().sum();
        Summary {
            open,
            by_severity,
            closed: a.report.findings.len() - open,
        }
    }

    /// `3 open findings: 0 critical, 1 high, 2 medium, 0 low`.
    fn counts(&self) -> String {
        let [low, medium, high, critical] = self.by_severity;
        format!(
            "{} open {}: {critical} critical, {high} high, {medium} medium, {low} low",
            self.open,
            plural(self.open, "finding", "findings"),
        )
    }

    /// `4 closed by decisions; 1 rule suppressed; 2 out of scope` (the last two when any).
    fn notes(&self, a: &Analysis) -> String {
        let mut line = format!("{} closed by decisions", self.closed);
        let suppressed = a.report.suppressed.len();
        if suppressed > 0 {
            line.push_str(&format!(
                "; {suppressed} {} suppressed",
                plural(suppressed, "rule", "rules")
            ));
        }
        let out_of_scope = a.report.out_of_scope.len();
        if out_of_scope > 0 {
            line.push_str(&format!("; {out_of_scope} out of scope"));
        }
        line
    }
}

fn plural<'s>(n: usize, one: &'s str, many: &'s str) -> &'s str {
    if n == 1 {
        one
    } else {
        many
    }
}

/// What a finding is about, in one short cell: the element or flow id, `entry->asset` for
/// a path.
fn subject(f: &Finding) -> String {
    match (f.target_kind, &f.asset) {
        (TargetKind::Path, Some(asset)) => format!("{}->{asset}", f.target),
        _ => f.target.clone(),
    }
}

/// The names of the mitigating controls the model lacks for this finding.
fn missing_controls(f: &Finding) -> Vec<&'static str> {
    f.controls
        .iter()
        .filter(|c| !c.present)
        .map(|c| c.control.id())
        .collect()
}

#[cfg(test)]
pub(crate) mod fixtures {
    //! Reports built from small models, shared by the renderers' tests.

    use super::Analysis;
    use crate::cli::Gate;
    use analysis::{Report, Severity};

    /// The reference architecture with its private database made public and unencrypted,
    /// plus a user threat whose title tries a spreadsheet formula.
    pub fn model_json() -> String {
        let mut model: serde_json::Value =
            serde_json::from_str(analysis::reference_model_json()).unwrap();
        let elements = model["elements"].as_array_mut().unwrap();
        let db = elements
            .iter_mut()
            .find(|e| e["kind"]["type"] == "data_store")
            .unwrap();
        db["kind"]["public_access"] = true.into();
        db["kind"]["encrypted"] = false.into();
        let target = db["id"].clone();
        let nines = serde_json::json!({"damage": 9, "reproducibility": 9, "exploitability": 9,
                                       "affected_users": 9, "discoverability": 9});
        model["threats"] = serde_json::json!([{
            "id": "formula",
            "target": target,
            "title": "=HYPERLINK(\"http://evil\",\"click\") | pipe, comma",
            "stride": "tampering",
            "description": "line one\nline two",
            "dread": nines
        }, {
            "id": "waived",
            "target": target,
            "title": "Accepted by the risk owner",
            "stride": "repudiation",
            "dread": nines
        }]);
        model["decisions"] = serde_json::json!({
            "user:waived": {"status": "accepted", "justification": "signed off until Q3"}
        });
        serde_json::to_string_pretty(&model).unwrap()
    }

    pub struct Fixture {
        pub text: String,
        pub name: String,
        pub report: Report,
    }

    impl Fixture {
        pub fn new(text: String) -> Fixture {
            let model = analysis::parse(&text).unwrap();
            let report = analysis::analyze(&model, &analysis::Options::default());
            Fixture {
                text,
                name: model.name,
                report,
            }
        }

        pub fn analysis(&self, fail_on: Severity) -> Analysis<'_> {
            Analysis {
                source: "models/prod model.json",
                text: &self.text,
                model_name: &self.name,
                report: &self.report,
                gate: Gate::of(&self.report, fail_on),
            }
        }
    }

    pub fn render(format: crate::config::ReportFormat, a: &Analysis) -> String {
        let mut out = Vec::new();
        super::write(format, a, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }
}
