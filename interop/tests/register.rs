//! The threat register: one row per threat, and writers that an independent reader can
//! parse back.

use analysis::{analyze, Options};
use interop::register::{self, Provenance};

const TD: &str = include_str!("samples/OWASP__threat-dragon__v2-threat-model.json");
const HASH: &str = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

/// A stored model's provenance, its version name trying a formula.
fn provenance() -> Provenance {
    Provenance {
        model: "Demo Threat Model".to_owned(),
        revision: Some(7),
        version: Some("-2 release, audited".to_owned()),
        content_hash: Some(HASH.to_owned()),
    }
}

/// A file analysed offline: a name and nothing else.
fn draft() -> Provenance {
    Provenance {
        model: "Demo Threat Model".to_owned(),
        ..Provenance::default()
    }
}

fn sample() -> (analysis::ThreatModel, analysis::Report) {
    let mut model = interop::threat_dragon::import(TD).unwrap().model;
    model.threats[0].title = "=HYPERLINK(\"http://evil\",\"click\")".to_owned();
    let report = analyze(&model, &Options::default());
    (model, report)
}

/// A minimal RFC 4180 reader, independent of the writer.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = vec![];
    let mut row = vec![];
    let mut cell = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                cell.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => cell.push(c),
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut cell)),
            (false, '\r') if chars.peek() == Some(&'\n') => {
                chars.next();
                row.push(std::mem::take(&mut cell));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => cell.push(c),
        }
    }
    rows
}

#[test]
fn the_register_has_a_row_per_threat_computed_and_user_written() {
    let (model, report) = sample();
    let rows = register::rows(&model, &report);
    assert_eq!(rows.len(), report.findings.len());
    let user = rows.iter().filter(|r| r.source == "user").count();
    // One of the 13 imported threats sits on an out-of-scope store.
    assert_eq!(user, 12);
    assert!(rows.iter().any(|r| r.source == "rampart"));
    let mitigated = rows
        .iter()
        .find(|r| r.key == "user:21fc4b20-ca29-4891-9691-d8f0331b2a11")
        .unwrap();
    assert_eq!(mitigated.status, analysis::model::Status::Mitigated);
    assert_eq!(mitigated.residual_risk, 0.0);
    assert_eq!(mitigated.element_name, "Database");
}

#[test]
fn the_csv_reads_back_row_for_row_with_formulas_neutralised() {
    let (model, report) = sample();
    let rows = register::rows(&model, &report);
    let parsed = parse_csv(&register::csv(&model, &report, &provenance()));
    assert_eq!(parsed.len(), rows.len() + 1);
    assert_eq!(parsed[0][0], "key");
    assert_eq!(parsed[0].len(), 26);
    assert_eq!(
        parsed[0][21..],
        ["notes", "model", "revision", "version", "content_hash"]
    );
    for (row, cells) in rows.iter().zip(&parsed[1..]) {
        assert_eq!(cells.len(), parsed[0].len());
        assert_eq!(cells[0], row.key);
        assert!(
            !cells.iter().any(|c| c.starts_with(['=', '+', '-', '@'])),
            "{cells:?}"
        );
        // The provenance on every row, the version name defused like any other cell.
        assert_eq!(
            cells[22..],
            ["Demo Threat Model", "7", "'-2 release, audited", HASH]
        );
    }
    let title = parsed.iter().find(|c| c[6].contains("HYPERLINK")).unwrap();
    assert_eq!(title[6], "'=HYPERLINK(\"http://evil\",\"click\")");
}

#[test]
fn the_csv_of_an_unsaved_model_has_empty_provenance_cells() {
    let (model, report) = sample();
    let parsed = parse_csv(&register::csv(&model, &report, &draft()));
    assert_eq!(parsed.len(), report.findings.len() + 1);
    for cells in &parsed[1..] {
        assert_eq!(cells[22..], ["Demo Threat Model", "", "", ""]);
    }
}

#[test]
fn the_json_register_lists_every_row() {
    let (model, report) = sample();
    let value: serde_json::Value =
        serde_json::from_str(&register::json(&model, &report, &provenance())).unwrap();
    assert_eq!(value["model"], "Demo Threat Model");
    assert_eq!(
        value["provenance"],
        serde_json::json!({
            "model": "Demo Threat Model",
            "revision": 7,
            "version": "-2 release, audited",
            "content_hash": HASH,
        })
    );
    assert_eq!(
        value["rows"].as_array().unwrap().len(),
        report.findings.len()
    );

    let value: serde_json::Value =
        serde_json::from_str(&register::json(&model, &report, &draft())).unwrap();
    assert_eq!(
        value["provenance"],
        serde_json::json!({
            "model": "Demo Threat Model",
            "revision": null,
            "version": null,
            "content_hash": null,
        })
    );
}

#[test]
fn the_markdown_register_has_a_summary_and_one_table_line_per_threat() {
    let (model, report) = sample();
    let md = register::markdown(&model, &report, &provenance());
    assert!(md.starts_with("# Threat register: Demo Threat Model\n"));
    let line = md.lines().nth(2).unwrap();
    assert_eq!(
        line,
        format!(
            "Model: Demo Threat Model; Revision: 7; Latest version: -2 release, audited; \
             Content hash (SHA-256): {HASH}"
        )
    );
    let summary_total: usize = register::summary(&register::rows(&model, &report))
        .iter()
        .map(|(_, c)| c.iter().sum::<usize>())
        .sum();
    assert_eq!(summary_total, report.findings.len());
    let table = md.split("## Register").nth(1).unwrap();
    let lines = table.lines().filter(|l| l.starts_with('|')).count();
    assert_eq!(lines, report.findings.len() + 2);
    for line in table.lines().filter(|l| l.starts_with("| ")) {
        assert_eq!(
            line.matches(" |").count() - line.matches("\\|").count(),
            19,
            "{line}"
        );
    }
}

#[test]
fn the_markdown_of_an_unsaved_model_says_so() {
    let (model, report) = sample();
    let md = register::markdown(&model, &report, &draft());
    assert_eq!(
        md.lines().nth(2).unwrap(),
        "Model: Demo Threat Model; Revision: unsaved draft; Latest version: no saved version; \
         Content hash (SHA-256): no saved version"
    );
}

#[test]
fn provenance_in_markdown_cannot_inject_markup() {
    let (model, report) = sample();
    let hostile = Provenance {
        model: "x\n# owned".to_owned(),
        revision: Some(1),
        version: Some("<script>v</script>|".to_owned()),
        content_hash: None,
    };
    let md = register::markdown(&model, &report, &hostile);
    let line = md.lines().nth(2).unwrap();
    assert!(line.starts_with("Model: x \\# owned; "), "{line}");
    assert!(line.contains("&lt;script&gt;v&lt;/script&gt;\\|"), "{line}");
    assert!(!md.lines().any(|l| l.starts_with("# owned")));
}
