//! The register as CSV (RFC 4180: CRLF record ends, quoted cells with doubled quotes).
//!
//! The provenance is four trailing columns (`model`, `revision`, `version`,
//! `content_hash`) repeated on every row, never comment lines, so the file stays one plain
//! table that spreadsheets and CSV readers take as it is; absent values are empty cells.
//!
//! Every cell is treated as hostile: one a spreadsheet would run as a formula (starting
//! with `=`, `+`, `-`, `@`, a tab or a carriage return) gets a leading `'` ([`defuse`]), then cells
//! holding a comma, quote or line break are quoted.

use super::{defuse, rows, Provenance};
use analysis::{Report, ThreatModel};

/// The register's own columns (the XLSX register sheet has these too).
pub(super) const HEADER: [&str; 22] = [
    "key",
    "source",
    "rule",
    "element",
    "element_name",
    "stride",
    "title",
    "description",
    "damage",
    "reproducibility",
    "exploitability",
    "affected_users",
    "discoverability",
    "risk",
    "residual_risk",
    "severity",
    "status",
    "justification",
    "mitigations",
    "owner",
    "due",
    "notes",
];

/// The provenance columns after [`HEADER`], the same on every row.
const PROVENANCE_HEADER: [&str; 4] = ["model", "revision", "version", "content_hash"];

/// The register as CSV, header first.
pub fn csv(model: &ThreatModel, report: &Report, provenance: &Provenance) -> String {
    let header: Vec<&str> = HEADER.iter().chain(&PROVENANCE_HEADER).copied().collect();
    let mut out = csv_record(&header);
    let trailer = [
        provenance.model.clone(),
        provenance
            .revision
            .map(|r| r.to_string())
            .unwrap_or_default(),
        provenance.version.clone().unwrap_or_default(),
        provenance.content_hash.clone().unwrap_or_default(),
    ];
    for r in rows(model, report) {
        let mitigations: Vec<String> = r.mitigations.iter().map(|m| m.label()).collect();
        let cells = [
            r.key,
            r.source.to_owned(),
            r.rule,
            r.element,
            r.element_name,
            r.stride.as_str().to_owned(),
            r.title,
            r.description,
            r.damage.to_string(),
            r.reproducibility.to_string(),
            r.exploitability.to_string(),
            r.affected_users.to_string(),
            r.discoverability.to_string(),
            format!("{:.2}", r.risk),
            format!("{:.2}", r.residual_risk),
            r.severity.as_str().to_owned(),
            r.status.as_str().to_owned(),
            r.justification,
            mitigations.join("; "),
            r.owner,
            r.due,
            r.notes,
        ];
        let cells: Vec<&str> = cells.iter().chain(&trailer).map(String::as_str).collect();
        out.push_str(&csv_record(&cells));
    }
    out
}

/// One CSV record with its CRLF.
pub fn csv_record<S: AsRef<str>>(cells: &[S]) -> String {
    let mut line = String::new();
    for (i, value) in cells.iter().enumerate() {
        if i > 0 {
            line.push(',');
        }
        line.push_str(&csv_cell(value.as_ref()));
    }
    line.push_str("\r\n");
    line
}

/// One cell: formula-guarded, then quoted when it needs to be.
pub fn csv_cell(value: &str) -> String {
    let guarded = defuse(value);
    if guarded.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", guarded.replace('"', "\"\""))
    } else {
        guarded.into_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_a_spreadsheet_would_run_as_formulas_are_defused() {
        for (input, expected) in [
            ("=1+2", "'=1+2"),
            ("+1", "'+1"),
            ("-1", "'-1"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tx", "'\tx"),
            ("\rx", "\"'\rx\""),
            ("a=b", "a=b"),
            ("7.25", "7.25"),
        ] {
            assert_eq!(csv_cell(input), expected, "{input:?}");
        }
    }

    #[test]
    fn cells_with_commas_quotes_or_line_breaks_are_quoted() {
        assert_eq!(csv_cell("a,b"), "\"a,b\"");
        assert_eq!(csv_cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_cell("a\nb"), "\"a\nb\"");
        assert_eq!(csv_cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
    }

    #[test]
    fn records_end_with_crlf() {
        assert_eq!(csv_record(&["a", "b,c"]), "a,\"b,c\"\r\n");
    }
}
