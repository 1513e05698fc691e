//! The terminal table: open findings, highest severity first, in at most [`WIDTH`] columns,
//! then the summary and the gate's verdict. Closed findings are only counted: the table is
//! what still needs doing.

use super::{subject, Summary};
use crate::cli::Analysis;
use std::io::{self, Write};

/// The widest line the table prints.
pub const WIDTH: usize = 100;

const SEVERITY: usize = 8;
const RISK: usize = 5;
const GAP: usize = 2;
/// Caps on the rule and target columns, so the title keeps a useful share of the line.
const RULE_MAX: usize = 36;
const TARGET_MAX: usize = 24;

pub fn write(a: &Analysis, out: &mut impl Write) -> io::Result<()> {
    let open: Vec<_> = a.report.open().collect();
    let summary = Summary::of(a);
    if open.is_empty() {
        writeln!(out, "No open findings.")?;
    } else {
        let subjects: Vec<String> = open.iter().map(|f| subject(f)).collect();
        let rule_w = open
            .iter()
            .map(|f| f.rule.chars().count())
            .max()
            .unwrap_or(0)
            .clamp("RULE".len(), RULE_MAX);
        let target_w = subjects
            .iter()
            .map(|s| s.chars().count())
            .max()
            .unwrap_or(0)
            .clamp("TARGET".len(), TARGET_MAX);
        let title_w = WIDTH - SEVERITY - RISK - rule_w - target_w - 4 * GAP;
        let row = |out: &mut dyn Write, cells: [&str; 5]| -> io::Result<()> {
            let [severity, risk, rule, target, title] = cells;
            writeln!(
                out,
                "{severity:<SEVERITY$}  {risk:>RISK$}  {:<rule_w$}  {:<target_w$}  {}",
                fit(rule, rule_w),
                fit(target, target_w),
                fit(title, title_w),
            )
        };
        row(out, ["SEVERITY", "RISK", "RULE", "TARGET", "TITLE"])?;
        for (f, target) in open.iter().zip(&subjects) {
            let risk = format!("{:.2}", f.residual_risk);
            row(out, [f.severity.as_str(), &risk, &f.rule, target, &f.title])?;
        }
    }
    writeln!(out)?;
    writeln!(out, "{}", summary.counts())?;
    writeln!(out, "{}", summary.notes(a))?;
    writeln!(out, "{}", a.gate.verdict())
}

/// Cuts `text` to `width` characters, marking the cut with an ellipsis; line breaks become
/// spaces so that a row stays one line.
fn fit(text: &str, width: usize) -> String {
    let flat: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if flat.chars().count() <= width {
        return flat;
    }
    let mut cut: String = flat.chars().take(width.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::render::fixtures::{model_json, render, Fixture};
    use crate::config::ReportFormat;
    use analysis::Severity;

    #[test]
    fn every_line_fits_a_hundred_column_terminal() {
        let fixture = Fixture::new(model_json());
        let text = render(ReportFormat::Table, &fixture.analysis(Severity::High));
        for line in text.lines() {
            assert!(line.chars().count() <= WIDTH, "too wide: {line:?}");
            assert_eq!(line, line.trim_end(), "trailing spaces: {line:?}");
        }
    }

    #[test]
    fn the_table_lists_open_findings_and_ends_with_the_summary_and_verdict() {
        let fixture = Fixture::new(model_json());
        let text = render(ReportFormat::Table, &fixture.analysis(Severity::High));
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines[0].starts_with("SEVERITY"), "{text}");
        assert!(lines[1].starts_with("critical"), "{text}");
        assert!(text.contains("user"), "the user threat is listed: {text}");
        assert!(
            !text.contains("Accepted by the risk owner"),
            "closed findings are not listed: {text}"
        );
        let [_, _, high, critical] = fixture.report.open_by_severity();
        assert!(critical >= 1, "the fixture has a critical finding");
        let counts = lines[lines.len() - 3];
        assert!(
            counts.contains(&format!(
                " open findings: {critical} critical, {high} high, "
            )),
            "{counts}"
        );
        let notes = lines[lines.len() - 2];
        assert!(notes.starts_with("1 closed by decisions"), "{notes}");
        assert!(lines[lines.len() - 1].starts_with("fail: "), "{text}");
        assert!(lines[lines.len() - 1].ends_with("(exit 1)"), "{text}");
    }

    #[test]
    fn a_clean_model_says_so_and_passes() {
        let fixture = Fixture::new(analysis::reference_model_json().to_owned());
        let text = render(ReportFormat::Table, &fixture.analysis(Severity::High));
        assert!(text.contains("0 critical, 0 high"), "{text}");
        assert!(text
            .trim_end()
            .ends_with("pass: no open finding at or above high (exit 0)"));
    }

    #[test]
    fn long_cells_are_cut_with_an_ellipsis_and_flattened() {
        assert_eq!(fit("abcdef", 4), "abc…");
        assert_eq!(fit("abc", 4), "abc");
        assert_eq!(fit("a\nb", 4), "a b");
    }
}
