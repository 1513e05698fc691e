//! The register as XLSX and PDF, read back with independent readers (calamine for the
//! workbook, pdf-extract for the document's text) and compared with `register::rows`.
#![cfg(feature = "documents")]

use analysis::{analyze, Options, Severity};
use calamine::{open_workbook_from_rs, Data, Reader, Xlsx};
use interop::register::{self, Provenance, RegisterRow};
use std::io::Cursor;

const TD: &str = include_str!("samples/OWASP__threat-dragon__v2-threat-model.json");
const FORMULA: &str = "=HYPERLINK(\"http://evil\",\"x\")";
const DATE: &str = "2026-05-04";
const HASH: &str = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
/// A version name a spreadsheet would run as a formula.
const VERSION: &str = "=1+1 release";

/// A stored model's provenance.
fn provenance() -> Provenance {
    Provenance {
        model: "Demo Threat Model".to_owned(),
        revision: Some(7),
        version: Some(VERSION.to_owned()),
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

/// The real Threat Dragon sample, its first user threat retitled as a formula.
fn sample() -> (analysis::ThreatModel, analysis::Report) {
    let mut model = interop::threat_dragon::import(TD).unwrap().model;
    model.threats[0].title = FORMULA.to_owned();
    let report = analyze(&model, &Options::default());
    (model, report)
}

fn workbook(bytes: Vec<u8>) -> Xlsx<Cursor<Vec<u8>>> {
    open_workbook_from_rs(Cursor::new(bytes)).expect("calamine opens the workbook")
}

/// What a spreadsheet-safe text cell must hold, written here independently of the writer.
fn guarded(text: &str) -> String {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{text}"),
        _ => text.to_owned(),
    }
}

fn cell_text(value: Option<&Data>) -> String {
    match value {
        None | Some(Data::Empty) => String::new(),
        Some(Data::String(s)) => s.clone(),
        Some(other) => panic!("expected text, found {other:?}"),
    }
}

fn cell_number(value: Option<&Data>) -> f64 {
    match value {
        Some(Data::Float(f)) => *f,
        Some(Data::Int(i)) => *i as f64,
        other => panic!("expected a number, found {other:?}"),
    }
}

fn expected_texts(r: &RegisterRow) -> Vec<(u32, String)> {
    let mitigations: Vec<String> = r.mitigations.iter().map(|m| m.label()).collect();
    vec![
        (0, r.key.clone()),
        (1, r.source.to_owned()),
        (2, r.rule.clone()),
        (3, r.element.clone()),
        (4, r.element_name.clone()),
        (5, r.stride.as_str().to_owned()),
        (6, r.title.clone()),
        (7, r.description.clone()),
        (15, r.severity.as_str().to_owned()),
        (16, r.status.as_str().to_owned()),
        (17, r.justification.clone()),
        (18, mitigations.join("; ")),
        (19, r.owner.clone()),
        (20, r.due.clone()),
        (21, r.notes.clone()),
    ]
}

#[test]
fn the_xlsx_register_sheet_holds_every_row_with_numbers_as_numbers() {
    let (model, report) = sample();
    let rows = register::rows(&model, &report);
    let mut book = workbook(register::xlsx(&model, &report, &provenance(), DATE).unwrap());
    assert_eq!(book.sheet_names(), ["Summary", "Register"]);
    let sheet = book.worksheet_range("Register").unwrap();
    assert_eq!(sheet.height(), rows.len() + 1);
    assert_eq!(sheet.width(), 22);
    assert_eq!(cell_text(sheet.get_value((0, 0))), "key");
    assert_eq!(cell_text(sheet.get_value((0, 21))), "notes");
    for (i, r) in rows.iter().enumerate() {
        let row = i as u32 + 1;
        for (col, text) in expected_texts(r) {
            assert_eq!(
                cell_text(sheet.get_value((row, col))),
                guarded(&text),
                "row {row} column {col} ({})",
                r.key
            );
        }
        let numbers = [
            f64::from(r.damage),
            f64::from(r.reproducibility),
            f64::from(r.exploitability),
            f64::from(r.affected_users),
            f64::from(r.discoverability),
            r.risk,
            r.residual_risk,
        ];
        for (j, n) in numbers.into_iter().enumerate() {
            let got = cell_number(sheet.get_value((row, 8 + j as u32)));
            assert!(
                (got - n).abs() < 1e-9,
                "row {row} column {}: {got} != {n}",
                8 + j
            );
        }
    }
}

#[test]
fn the_xlsx_neutralises_a_title_beginning_with_an_equals_sign() {
    let (model, report) = sample();
    let rows = register::rows(&model, &report);
    let i = rows.iter().position(|r| r.title == FORMULA).unwrap() as u32 + 1;
    let mut book = workbook(register::xlsx(&model, &report, &provenance(), DATE).unwrap());
    let sheet = book.worksheet_range("Register").unwrap();
    assert_eq!(
        sheet.get_value((i, 6)),
        Some(&Data::String(format!("'{FORMULA}")))
    );
    let summary = book.worksheet_range("Summary").unwrap();
    assert_eq!(
        summary.get_value((3, 1)),
        Some(&Data::String(format!("'{VERSION}")))
    );
    // No cell of either sheet is a formula.
    for name in ["Summary", "Register"] {
        let formulas = book.worksheet_formula(name).unwrap();
        assert!(
            formulas.used_cells().all(|(_, _, f)| f.is_empty()),
            "{name} has a formula"
        );
    }
}

#[test]
fn the_xlsx_has_an_autofilter_and_a_summary_sheet() {
    let (model, report) = sample();
    let rows = register::rows(&model, &report);
    let mut book = workbook(register::xlsx(&model, &report, &provenance(), DATE).unwrap());
    // Excel records an autofilter as the sheet's hidden `_FilterDatabase` name.
    let filter = book
        .defined_names()
        .iter()
        .find(|(name, _)| name == "_xlnm._FilterDatabase")
        .map(|(_, range)| range.clone())
        .expect("an autofilter");
    assert_eq!(filter, format!("Register!$A$1:$V${}", rows.len() + 1));

    let sheet = book.worksheet_range("Summary").unwrap();
    let labels: Vec<String> = (1..=8)
        .map(|row| cell_text(sheet.get_value((row, 0))))
        .collect();
    assert_eq!(
        labels,
        [
            "Model",
            "Revision",
            "Latest version",
            "Content hash (SHA-256)",
            "Date",
            "Threats",
            "Open",
            "Closed"
        ]
    );
    assert_eq!(cell_text(sheet.get_value((1, 1))), model.name);
    assert_eq!(cell_number(sheet.get_value((2, 1))), 7.0);
    assert_eq!(cell_text(sheet.get_value((3, 1))), guarded(VERSION));
    assert_eq!(cell_text(sheet.get_value((4, 1))), HASH);
    assert_eq!(cell_text(sheet.get_value((5, 1))), DATE);
    let open = rows.iter().filter(|r| r.status.is_open()).count();
    assert_eq!(cell_number(sheet.get_value((6, 1))), rows.len() as f64);
    assert_eq!(cell_number(sheet.get_value((7, 1))), open as f64);
    assert_eq!(
        cell_number(sheet.get_value((8, 1))),
        (rows.len() - open) as f64
    );
    for (i, (stride, counts)) in register::summary(&rows).iter().enumerate() {
        let row = 11 + i as u32;
        assert_eq!(cell_text(sheet.get_value((row, 0))), stride.as_str());
        for (j, c) in counts.iter().enumerate() {
            assert_eq!(cell_number(sheet.get_value((row, 1 + j as u32))), *c as f64);
        }
    }
    for (j, s) in Severity::ALL.iter().enumerate() {
        let n = rows.iter().filter(|r| r.severity == *s).count();
        assert_eq!(cell_number(sheet.get_value((17, 1 + j as u32))), n as f64);
    }
}

#[test]
fn the_xlsx_of_an_unsaved_model_says_so_on_the_summary_sheet() {
    let (model, report) = sample();
    let mut book = workbook(register::xlsx(&model, &report, &draft(), DATE).unwrap());
    let sheet = book.worksheet_range("Summary").unwrap();
    let values: Vec<String> = (1..=4)
        .map(|row| cell_text(sheet.get_value((row, 1))))
        .collect();
    assert_eq!(
        values,
        [
            "Demo Threat Model",
            "unsaved draft",
            "no saved version",
            "no saved version"
        ]
    );
}

#[test]
fn a_malformed_date_is_an_error_not_a_panic() {
    let (model, report) = sample();
    assert!(register::xlsx(&model, &report, &provenance(), "yesterday").is_err());
}

fn squash(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

#[test]
fn the_pdf_has_the_title_the_summary_counts_and_every_threat_title() {
    let (model, report) = sample();
    let rows = register::rows(&model, &report);
    let bytes = register::pdf(&model, &report, &provenance(), DATE);
    assert!(bytes.starts_with(b"%PDF-"));
    let pages = pdf_extract::extract_text_from_mem_by_pages(&bytes).unwrap();
    assert!(
        pages.len() >= 4,
        "title, summary, diagram and register pages"
    );
    let title_page = &pages[0];
    assert!(title_page.contains("Threat register"), "{title_page}");
    assert!(title_page.contains(&model.name), "{title_page}");
    for line in [
        "Model: Demo Threat Model".to_owned(),
        "Revision: 7".to_owned(),
        format!("Latest version: {VERSION}"),
        format!("Content hash (SHA-256): {HASH}"),
        format!("Date: {DATE}"),
    ] {
        assert!(title_page.contains(&line), "{line} not in {title_page}");
    }
    let open = rows.iter().filter(|r| r.status.is_open()).count();
    let counts = format!(
        "Threats: {} ({open} open, {} closed)",
        rows.len(),
        rows.len() - open
    );
    assert!(title_page.contains(&counts), "{title_page}");

    // The summary: one line per STRIDE category with its counts by severity and total.
    let summary_page = &pages[1];
    let lines: Vec<Vec<&str>> = summary_page
        .lines()
        .map(|l| l.split_whitespace().collect())
        .collect();
    for (stride, counts) in register::summary(&rows) {
        let mut expected = vec![stride.as_str().to_owned()];
        expected.extend(counts.iter().map(usize::to_string));
        expected.push(counts.iter().sum::<usize>().to_string());
        assert!(
            lines.iter().any(|l| *l == expected),
            "{expected:?} not in {summary_page}"
        );
    }

    // The diagram, on a page of its own: every element's name, and under each node's name
    // its kind as people write it (short ones: long ones may be shortened to fit the box).
    let diagram_page = squash(&pages[2]);
    assert!(diagram_page.starts_with("Diagram"), "{diagram_page}");
    for e in &model.elements {
        assert!(
            diagram_page.contains(&squash(&e.name)),
            "{} missing",
            e.name
        );
    }
    let short_kinds: Vec<&str> = model
        .elements
        .iter()
        .map(|e| e.kind.kind())
        .filter(|k| !k.is_boundary())
        .map(|k| k.label())
        .filter(|label| label.len() <= 12)
        .collect();
    assert!(!short_kinds.is_empty());
    for label in short_kinds {
        assert!(
            diagram_page.contains(&squash(label)),
            "{label} missing: {diagram_page}"
        );
    }

    // Every threat's title and key, wherever the table wrapped them.
    let text = squash(&pages[3..].concat());
    for r in &rows {
        assert!(text.contains(&squash(&r.title)), "{} missing", r.title);
        assert!(text.contains(&squash(&r.key)), "{} missing", r.key);
    }
}

#[test]
fn the_pdf_is_the_same_for_the_same_input() {
    let (model, report) = sample();
    let (a, b) = (
        register::pdf(&model, &report, &provenance(), DATE),
        register::pdf(&model, &report, &provenance(), DATE),
    );
    let first = a.iter().zip(&b).position(|(x, y)| x != y);
    assert!(
        a == b,
        "differ at {first:?}: {:?}",
        first.map(|i| String::from_utf8_lossy(&a[i.saturating_sub(60)..(i + 40).min(a.len())]))
    );
}

#[test]
fn the_pdf_of_an_unsaved_model_says_so_on_the_title_page() {
    let (model, report) = sample();
    let bytes = register::pdf(&model, &report, &draft(), DATE);
    let pages = pdf_extract::extract_text_from_mem_by_pages(&bytes).unwrap();
    let title_page = &pages[0];
    for line in [
        "Revision: unsaved draft",
        "Latest version: no saved version",
        "Content hash (SHA-256): no saved version",
    ] {
        assert!(title_page.contains(line), "{line} not in {title_page}");
    }
}
