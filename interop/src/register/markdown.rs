//! The register as Markdown: the model's name, its provenance (one line under the
//! heading), a summary by STRIDE category and severity, and the register table. Cells are
//! escaped so no text can break the table or inject HTML.

use super::{rows, summary, Provenance};
use analysis::{Report, Severity, ThreatModel};
use std::fmt::Write;

/// The register as a Markdown document.
pub fn markdown(model: &ThreatModel, report: &Report, provenance: &Provenance) -> String {
    let rows = rows(model, report);
    let mut out = String::new();
    let _ = writeln!(out, "# Threat register: {}\n", inline(&model.name));
    let line: Vec<String> = provenance
        .labels()
        .iter()
        .map(|(label, value)| format!("{label}: {}", inline(value)))
        .collect();
    let _ = writeln!(out, "{}\n", line.join("; "));
    let _ = writeln!(out, "{} threat(s).\n", rows.len());
    out.push_str("## Summary\n\n| STRIDE category |");
    for s in Severity::ALL {
        let _ = write!(out, " {s} |");
    }
    out.push_str(" total |\n|---|---:|---:|---:|---:|---:|\n");
    for (stride, counts) in summary(&rows) {
        let _ = write!(out, "| {stride} |");
        for c in counts {
            let _ = write!(out, " {c} |");
        }
        let _ = writeln!(out, " {} |", counts.iter().sum::<usize>());
    }
    out.push_str("\n## Register\n\n");
    out.push_str("| key | element | STRIDE | title | description | D | R | E | A | D | risk | residual | severity | status | justification | mitigations | owner | due | notes |\n");
    out.push_str(
        "|---|---|---|---|---|---:|---:|---:|---:|---:|---:|---:|---|---|---|---|---|---|---|\n",
    );
    for r in &rows {
        let element = if r.element_name.is_empty() {
            r.element.clone()
        } else {
            format!("{} ({})", r.element_name, r.element)
        };
        let mitigations: Vec<String> = r.mitigations.iter().map(|m| m.label()).collect();
        let cells = [
            r.key.clone(),
            element,
            r.stride.to_string(),
            r.title.clone(),
            r.description.clone(),
            r.damage.to_string(),
            r.reproducibility.to_string(),
            r.exploitability.to_string(),
            r.affected_users.to_string(),
            r.discoverability.to_string(),
            format!("{:.2}", r.risk),
            format!("{:.2}", r.residual_risk),
            r.severity.to_string(),
            r.status.to_string(),
            r.justification.clone(),
            mitigations.join("; "),
            r.owner.clone(),
            r.due.clone(),
            r.notes.clone(),
        ];
        out.push('|');
        for c in cells {
            let _ = write!(out, " {} |", cell(&c));
        }
        out.push('\n');
    }
    out
}

/// One-line text (a heading, a single-line cell): control characters, line breaks included,
/// become spaces; Markdown and HTML metacharacters are escaped.
pub fn inline(text: &str) -> String {
    let flat: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    cell(&flat)
}

/// A table cell: escapes Markdown and HTML metacharacters; line breaks become `<br>`.
pub fn cell(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' | '|' | '*' | '_' | '`' | '[' | ']' | '#' => {
                out.push('\\');
                out.push(c);
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\r' => {
                if chars.peek() != Some(&'\n') {
                    out.push_str("<br>");
                }
            }
            '\n' => out.push_str("<br>"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::cell;

    #[test]
    fn cells_cannot_break_the_table_or_inject_html() {
        assert_eq!(cell("a|b"), "a\\|b");
        assert_eq!(cell("line\r\nnext\nthird"), "line<br>next<br>third");
        assert_eq!(cell("<script>"), "&lt;script&gt;");
        assert_eq!(cell("[x](javascript:y)"), "\\[x\\](javascript:y)");
    }
}
