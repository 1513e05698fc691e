//! CSV (RFC 4180, CRLF line ends): one row per finding, open or closed, for spreadsheets.
//!
//! Models are written by many hands, so every cell is treated as hostile: a cell that a
//! spreadsheet would read as a formula (starting with `=`, `+`, `-`, `@`, a tab or a
//! carriage return) gets a leading `'`, and cells holding a comma, quote or line break are
//! quoted with inner quotes doubled.

use super::{missing_controls, subject};
use crate::cli::Analysis;
use std::io::{self, Write};

const HEADER: [&str; 13] = [
    "key",
    "severity",
    "residual_risk",
    "risk",
    "status",
    "rule",
    "stride",
    "target_kind",
    "target",
    "title",
    "why",
    "missing_controls",
    "justification",
];

pub fn write(a: &Analysis, out: &mut impl Write) -> io::Result<()> {
    record(out, HEADER)?;
    for f in &a.report.findings {
        let target_kind = match f.target_kind {
            analysis::TargetKind::Element => "element",
            analysis::TargetKind::Flow => "flow",
            analysis::TargetKind::Path => "path",
        };
        let justification = f
            .decision
            .as_ref()
            .and_then(|d| d.justification.as_deref())
            .unwrap_or("");
        record(
            out,
            [
                &f.key,
                f.severity.as_str(),
                &format!("{:.2}", f.residual_risk),
                &format!("{:.2}", f.risk),
                f.status.as_str(),
                &f.rule,
                f.stride.as_str(),
                target_kind,
                &subject(f),
                &f.title,
                &f.why,
                &missing_controls(f).join(" "),
                justification,
            ],
        )?;
    }
    Ok(())
}

/// One record, escaped by the register's CSV writer so both exports defuse the same cells.
fn record<const N: usize>(out: &mut impl Write, cells: [&str; N]) -> io::Result<()> {
    out.write_all(interop::register::csv_record(&cells).as_bytes())
}

#[cfg(test)]
mod tests {
    use crate::cli::render::fixtures::{model_json, render, Fixture};
    use crate::config::ReportFormat;
    use analysis::Severity;

    #[test]
    fn the_file_has_a_header_and_a_row_per_finding() {
        let fixture = Fixture::new(model_json());
        let csv = render(ReportFormat::Csv, &fixture.analysis(Severity::High));
        assert!(csv.starts_with("key,severity,residual_risk,risk,status,rule,"));
        assert!(csv.ends_with("\r\n"));
        // Records end with CRLF; the multi-line description holds a bare LF only.
        let records = csv.split("\r\n").filter(|r| !r.is_empty()).count();
        assert_eq!(records, fixture.report.findings.len() + 1);
        let formula = csv
            .split("\r\n")
            .find(|r| r.starts_with("user:formula,"))
            .unwrap();
        assert!(
            formula.contains(",\"'=HYPERLINK(\"\"http://evil\"\",\"\"click\"\") | pipe, comma\","),
            "{formula}"
        );
        assert!(formula.contains(",\"line one\nline two\","), "{formula}");
        assert!(csv.contains(",accepted,"), "closed findings are listed");
        assert!(csv.contains(",signed off until Q3\r\n"), "{csv}");
    }
}
