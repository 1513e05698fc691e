//! Markdown, for pull-request comments and wikis: a heading, the summary with the gate's
//! verdict, and a table of every finding (open ones first, as the report orders them) with
//! its status.

use super::{subject, Summary};
use crate::cli::Analysis;
use analysis::Finding;
use std::io::{self, Write};

pub fn write(a: &Analysis, out: &mut impl Write) -> io::Result<()> {
    let summary = Summary::of(a);
    writeln!(out, "# Threat report: {}", text(a.model_name))?;
    writeln!(out)?;
    writeln!(
        out,
        "Model {}, analysed by Rampart {} with a minimum depth of {} layers.",
        code(a.source),
        env!("CARGO_PKG_VERSION"),
        a.report.min_depth
    )?;
    writeln!(out)?;
    writeln!(out, "**{}**", a.gate.verdict())?;
    writeln!(out)?;
    writeln!(out, "- {}", summary.counts())?;
    writeln!(out, "- {}", summary.notes(a))?;
    writeln!(out)?;
    writeln!(out, "## Findings")?;
    writeln!(out)?;
    if a.report.findings.is_empty() {
        writeln!(out, "None.")?;
        return Ok(());
    }
    writeln!(
        out,
        "| Severity | Risk | Status | Rule | Target | Title | Why |"
    )?;
    writeln!(out, "|---|---:|---|---|---|---|---|")?;
    // Open findings first; within each group the report's order (severity, then key).
    let (open, closed): (Vec<&Finding>, Vec<&Finding>) =
        a.report.findings.iter().partition(|f| f.is_open());
    for f in open.into_iter().chain(closed) {
        writeln!(
            out,
            "| {} | {:.2} | {} | {} | {} | {} | {} |",
            f.severity,
            f.residual_risk,
            f.status.as_str(),
            code(&f.rule),
            code(&subject(f)),
            text(&f.title),
            text(&f.why),
        )?;
    }
    Ok(())
}

/// Free text made safe for a one-line table cell, escaped as the threat register does.
fn text(s: &str) -> String {
    interop::register::markdown_inline(s)
}

/// An identifier as inline code. Ids cannot hold backticks, but a path can; those are
/// dropped rather than allowed to end the span, and pipes are escaped for the table.
fn code(s: &str) -> String {
    let inner: String = s.chars().filter(|c| *c != '`' && !c.is_control()).collect();
    format!("`{}`", inner.replace('|', "\\|"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::render::fixtures::{model_json, render, Fixture};
    use crate::config::ReportFormat;
    use analysis::Severity;

    #[test]
    fn the_report_has_a_heading_a_verdict_and_one_row_per_finding() {
        let fixture = Fixture::new(model_json());
        let md = render(ReportFormat::Md, &fixture.analysis(Severity::Critical));
        assert!(
            md.starts_with("# Threat report: Reference architecture\n"),
            "{md}"
        );
        assert!(md.contains("**fail: "), "{md}");
        let rows: Vec<&str> = md
            .lines()
            .skip_while(|l| !l.starts_with("|---"))
            .skip(1)
            .collect();
        assert_eq!(rows.len(), fixture.report.findings.len(), "{md}");
        assert!(rows
            .iter()
            .all(|r| r.starts_with("| ") && r.ends_with(" |")));
        assert!(rows.iter().any(|r| r.contains("| accepted |")), "{md}");
        let last_open = rows.iter().rposition(|r| r.contains("| open |")).unwrap();
        let first_closed = rows.iter().position(|r| !r.contains("| open |")).unwrap();
        assert!(last_open < first_closed, "open findings come first");
    }

    #[test]
    fn cells_cannot_break_the_table() {
        let fixture = Fixture::new(model_json());
        let md = render(ReportFormat::Md, &fixture.analysis(Severity::High));
        let row = md.lines().find(|l| l.contains("HYPERLINK")).unwrap();
        // 7 cells: 8 unescaped pipes.
        let pipes = row
            .match_indices('|')
            .filter(|(i, _)| !row[..*i].ends_with('\\'));
        assert_eq!(pipes.count(), 8, "{row}");
        assert!(row.contains("line one line two"), "{row}");
        assert_eq!(text("<b>a_b</b>"), "&lt;b&gt;a\\_b&lt;/b&gt;");
        assert_eq!(code("a`b|c"), "`ab\\|c`");
    }
}
