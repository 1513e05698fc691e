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

fn record<const N: usize>(out: &mut impl Write, cells: [&str; N]) -> io::Result<()> {
    let mut line = String::new();
    for (i, value) in cells.iter().enumerate() {
        if i > 0 {
            line.push(',');
        }
        cell(value, &mut line);
    }
    line.push_str("\r\n");
    out.write_all(line.as_bytes())
}

/// Appends one cell: formula-guarded, then quoted when it needs to be.
fn cell(value: &str, line: &mut String) {
    let guard = value.starts_with(['=', '+', '-', '@', '\t', '\r']);
    let quote = value.contains([',', '"', '\n', '\r']);
    if quote {
        line.push('"');
    }
    if guard {
        line.push('\'');
    }
    for c in value.chars() {
        if c == '"' {
            line.push('"');
        }
        line.push(c);
    }
    if quote {
        line.push('"');
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::render::fixtures::{model_json, render, Fixture};
    use crate::config::ReportFormat;
    use analysis::Severity;

    fn one(value: &str) -> String {
        let mut line = String::new();
        cell(value, &mut line);
        line
    }

    #[test]
    fn cells_a_spreadsheet_would_run_as_formulas_are_defused() {
        assert_eq!(one("=1+2"), "'=1+2");
        assert_eq!(one("+1"), "'+1");
        assert_eq!(one("-1"), "'-1");
        assert_eq!(one("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(one("\tx"), "'\tx");
        assert_eq!(one("\rx"), "\"'\rx\"");
        assert_eq!(one("a=b"), "a=b");
        assert_eq!(one("7.25"), "7.25");
    }

    #[test]
    fn cells_with_commas_quotes_or_line_breaks_are_quoted() {
        assert_eq!(one("a,b"), "\"a,b\"");
        assert_eq!(one("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(one("a\nb"), "\"a\nb\"");
        assert_eq!(one("plain"), "plain");
        assert_eq!(
            one("=HYPERLINK(\"x\")"),
            "\"'=HYPERLINK(\"\"x\"\")\"",
            "guarded and quoted"
        );
    }

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
