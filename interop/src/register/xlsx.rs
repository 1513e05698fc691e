//! The register as an Excel workbook (rust_xlsxwriter): a "Summary" sheet (the model and
//! its provenance, the date, counts open and closed, by severity and by STRIDE category)
//! and a "Register" sheet (the CSV's register columns, without the provenance ones, a bold
//! frozen header, an autofilter over the data).
//!
//! Text is always written as a string cell, never as a formula, and passes through
//! [`defuse`] like the CSV's, so a spreadsheet that re-reads a cell's text as input (a copy
//! into another tool, a CSV save) still cannot run it. DREAD factors and risks are numbers.

use super::csv::HEADER;
use super::{defuse, rows, summary, Provenance, RegisterRow};
use analysis::{Report, Severity, ThreatModel};
pub use rust_xlsxwriter::XlsxError;
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, Worksheet};

/// Column widths of the register sheet, in characters, in [`HEADER`] order.
const WIDTHS: [f64; 22] = [
    40.0, 9.0, 24.0, 28.0, 24.0, 22.0, 40.0, 60.0, 8.0, 8.0, 8.0, 8.0, 8.0, 8.0, 8.0, 10.0, 14.0,
    40.0, 50.0, 16.0, 12.0, 40.0,
];

/// The register as an `.xlsx` file. The provenance is a row each on the summary sheet
/// (the revision a number when there is one). `date` (`YYYY-MM-DD`) is the report's date,
/// shown on the summary sheet and stored as the workbook's creation date, so the same input
/// always gives the same bytes; a date that is not `YYYY-MM-DD` is an error.
pub fn xlsx(
    model: &ThreatModel,
    report: &Report,
    provenance: &Provenance,
    date: &str,
) -> Result<Vec<u8>, XlsxError> {
    let rows = rows(model, report);
    let mut workbook = Workbook::new();
    workbook.set_properties(
        &DocProperties::new()
            .set_title(format!("Threat register: {}", model.name))
            .set_creation_datetime(&ExcelDateTime::parse_from_str(date)?),
    );
    summary_sheet(workbook.add_worksheet(), provenance, date, &rows)?;
    register_sheet(workbook.add_worksheet(), &rows)?;
    workbook.save_to_buffer()
}

fn text(
    sheet: &mut Worksheet,
    row: u32,
    col: u16,
    value: &str,
    f: &Format,
) -> Result<(), XlsxError> {
    sheet.write_string_with_format(row, col, defuse(value).as_ref(), f)?;
    Ok(())
}

fn summary_sheet(
    sheet: &mut Worksheet,
    provenance: &Provenance,
    date: &str,
    rows: &[RegisterRow],
) -> Result<(), XlsxError> {
    let bold = Format::new().set_bold();
    let plain = Format::new();
    sheet.set_name("Summary")?;
    sheet.set_column_width(0, 24)?;
    sheet.set_column_width(1, 40)?;
    for col in 2..=5 {
        sheet.set_column_width(col, 10)?;
    }
    let open = rows.iter().filter(|r| r.status.is_open()).count();
    text(
        sheet,
        0,
        0,
        "Threat register",
        &bold.clone().set_font_size(14),
    )?;
    // Model, revision, latest version and content hash on rows 1 to 4; the revision is a
    // number when there is one, like every count here.
    for (i, (label, value)) in provenance.labels().iter().enumerate() {
        let row = 1 + i as u32;
        text(sheet, row, 0, label, &bold)?;
        match provenance.revision {
            Some(revision) if row == 2 => {
                sheet.write_number(row, 1, revision as f64)?;
            }
            _ => text(sheet, row, 1, value, &plain)?,
        }
    }
    text(sheet, 5, 0, "Date", &bold)?;
    text(sheet, 5, 1, date, &plain)?;
    for (i, (label, count)) in [
        ("Threats", rows.len()),
        ("Open", open),
        ("Closed", rows.len() - open),
    ]
    .into_iter()
    .enumerate()
    {
        let row = 6 + i as u32;
        text(sheet, row, 0, label, &bold)?;
        sheet.write_number(row, 1, count as f64)?;
    }

    let top = 10;
    text(sheet, top, 0, "STRIDE category", &bold)?;
    for (i, s) in Severity::ALL.iter().enumerate() {
        text(sheet, top, 1 + i as u16, s.as_str(), &bold)?;
    }
    text(sheet, top, 5, "total", &bold)?;
    let mut totals = [0usize; 4];
    let table = summary(rows);
    for (i, (stride, counts)) in table.iter().enumerate() {
        let row = top + 1 + i as u32;
        text(sheet, row, 0, stride.as_str(), &plain)?;
        for (j, c) in counts.iter().enumerate() {
            sheet.write_number(row, 1 + j as u16, *c as f64)?;
            totals[j] += c;
        }
        sheet.write_number(row, 5, counts.iter().sum::<usize>() as f64)?;
    }
    let row = top + 1 + table.len() as u32;
    text(sheet, row, 0, "total", &bold)?;
    for (j, c) in totals.iter().enumerate() {
        sheet.write_number_with_format(row, 1 + j as u16, *c as f64, &bold)?;
    }
    sheet.write_number_with_format(row, 5, rows.len() as f64, &bold)?;
    Ok(())
}

fn register_sheet(sheet: &mut Worksheet, rows: &[RegisterRow]) -> Result<(), XlsxError> {
    let bold = Format::new().set_bold();
    let plain = Format::new();
    let two = Format::new().set_num_format("0.00");
    sheet.set_name("Register")?;
    for (col, (name, width)) in HEADER.iter().zip(WIDTHS).enumerate() {
        let col = col as u16;
        text(sheet, 0, col, name, &bold)?;
        sheet.set_column_width(col, width)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    let last = (HEADER.len() - 1) as u16;
    sheet.autofilter(0, 0, rows.len() as u32, last)?;
    for (i, r) in rows.iter().enumerate() {
        let row = 1 + i as u32;
        let mitigations: Vec<String> = r.mitigations.iter().map(|m| m.label()).collect();
        let texts: [(u16, &str); 13] = [
            (0, &r.key),
            (1, r.source),
            (2, &r.rule),
            (3, &r.element),
            (4, &r.element_name),
            (5, r.stride.as_str()),
            (6, &r.title),
            (7, &r.description),
            (15, r.severity.as_str()),
            (16, r.status.as_str()),
            (17, &r.justification),
            (19, &r.owner),
            (20, &r.due),
        ];
        for (col, value) in texts {
            text(sheet, row, col, value, &plain)?;
        }
        text(sheet, row, 18, &mitigations.join("; "), &plain)?;
        text(sheet, row, 21, &r.notes, &plain)?;
        let factors = [
            r.damage,
            r.reproducibility,
            r.exploitability,
            r.affected_users,
            r.discoverability,
        ];
        for (j, f) in factors.into_iter().enumerate() {
            sheet.write_number(row, 8 + j as u16, f64::from(f))?;
        }
        sheet.write_number_with_format(row, 13, r.risk, &two)?;
        sheet.write_number_with_format(row, 14, r.residual_risk, &two)?;
    }
    Ok(())
}
