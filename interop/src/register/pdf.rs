//! The register as a PDF an auditor can file (printpdf, the standard Helvetica fonts, so no
//! font file is embedded): a title page (model, provenance, date, counts), a summary page
//! (threats by STRIDE category and severity, and by status), the diagram ([`diagram`]), then
//! the register table on A4 landscape pages, its cells wrapped and its header repeated on
//! every page.
//!
//! The output depends only on its input: the date is a parameter, and the document ids
//! printpdf would draw at random are replaced by ones derived from the content.

mod diagram;

use super::{rows, summary, Provenance, RegisterRow};
use analysis::model::Status;
use analysis::{Report, Severity, ThreatModel};
use printpdf::{
    BuiltinFont, Color, Line, LinePoint, Mm, Op, PdfDocument, PdfFontHandle, PdfPage,
    PdfSaveOptions, Point, Pt, TextItem,
};

/// A4 landscape, in points.
const WIDTH: f32 = 841.89;
const HEIGHT: f32 = 595.28;
const MARGIN: f32 = 36.0;
const TABLE_SIZE: f32 = 7.0;
const TABLE_LEAD: f32 = 8.6;

/// The register table's columns: heading and width in points (they add up to the width
/// between the margins).
const COLUMNS: [(&str, f32); 9] = [
    ("Key", 112.0),
    ("Element", 80.0),
    ("STRIDE", 66.0),
    ("Title", 150.0),
    ("DREAD", 42.0),
    ("Risk / residual", 44.0),
    ("Severity", 40.0),
    ("Decision", 104.0),
    ("Mitigations", 131.89),
];

/// The register as a PDF document. The provenance is printed on the title page, a line
/// each for model, revision, latest version and content hash; `date` is printed there as
/// given (the caller chooses it: nothing here reads the clock).
pub fn pdf(model: &ThreatModel, report: &Report, provenance: &Provenance, date: &str) -> Vec<u8> {
    let rows = rows(model, report);
    let mut out = Pages::default();
    title_page(&mut out, &model.name, provenance, date, &rows);
    out.break_page(&model.name);
    summary_page(&mut out, &rows);
    out.break_page(&model.name);
    diagram::diagram_page(&mut out, model);
    out.break_page(&model.name);
    register_table(&mut out, &model.name, &rows);
    let pages = out.finish(&model.name);

    let mut doc = PdfDocument::new(&format!("Threat register: {}", clean(&model.name)));
    doc.metadata.info.subject = format!("Threat register, {}", clean(date));
    doc.metadata.info.creator = "Rampart".to_owned();
    doc.metadata.info.producer = "Rampart".to_owned();
    doc.with_pages(pages);
    let mut warnings = Vec::new();
    let bytes = doc.save(&PdfSaveOptions::default(), &mut warnings);
    stable_ids(bytes)
}

/// printpdf fills the trailer's `/ID` with two strings from a process-wide counter; replace
/// them (same length, so no offset moves) with a hash of everything before the trailer.
fn stable_ids(mut bytes: Vec<u8>) -> Vec<u8> {
    let Some(at) = find_last(&bytes, b"/ID") else {
        return bytes;
    };
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in &bytes[..at] {
        hash = (hash ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3);
    }
    let end = (at + 100).min(bytes.len());
    let mut i = at;
    let mut inside = false;
    while i < end {
        match bytes[i] {
            b'(' => inside = true,
            b')' => inside = false,
            b']' => break,
            b if inside && b.is_ascii_alphanumeric() => {
                hash = hash.wrapping_mul(0x0100_0000_01b3) ^ (hash >> 29);
                bytes[i] = b'A' + (hash % 26) as u8;
            }
            _ => {}
        }
        i += 1;
    }
    bytes
}

fn find_last(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).rposition(|w| w == needle)
}

/// Pages being laid out: the finished ones, the current one's operations, and the current
/// line's baseline, from the bottom.
struct Pages {
    pages: Vec<PdfPage>,
    ops: Vec<Op>,
    y: f32,
}

impl Default for Pages {
    fn default() -> Self {
        Pages {
            pages: Vec::new(),
            ops: Vec::new(),
            y: HEIGHT - MARGIN,
        }
    }
}

impl Pages {
    fn text(&mut self, x: f32, y: f32, font: BuiltinFont, size: f32, text: &str) {
        self.ops.extend(Self::text_ops(x, y, font, size, text));
    }

    /// Text in a colour other than black, leaving the fill colour as it was.
    fn coloured_text(&mut self, at: Point, font: BuiltinFont, size: f32, text: &str, col: Color) {
        self.ops.push(Op::SaveGraphicsState);
        self.ops.push(Op::SetFillColor { col });
        self.ops
            .extend(Self::text_ops(at.x.0, at.y.0, font, size, text));
        self.ops.push(Op::RestoreGraphicsState);
    }

    fn text_ops(x: f32, y: f32, font: BuiltinFont, size: f32, text: &str) -> [Op; 5] {
        [
            Op::StartTextSection,
            Op::SetFont {
                font: PdfFontHandle::Builtin(font),
                size: Pt(size),
            },
            Op::SetTextCursor {
                pos: Point { x: Pt(x), y: Pt(y) },
            },
            Op::ShowText {
                items: vec![TextItem::Text(clean(text))],
            },
            Op::EndTextSection,
        ]
    }

    /// A paragraph at the left margin, wrapped to the page's width.
    fn paragraph(&mut self, font: BuiltinFont, size: f32, text: &str) {
        for line in wrap(text, WIDTH - 2.0 * MARGIN, size) {
            self.y -= size * 1.25;
            self.text(MARGIN, self.y, font, size, &line);
        }
    }

    fn rule(&mut self, x0: f32, x1: f32, y: f32) {
        let point = |x: f32| LinePoint {
            p: Point { x: Pt(x), y: Pt(y) },
            bezier: false,
        };
        self.ops.push(Op::DrawLine {
            line: Line {
                points: vec![point(x0), point(x1)],
                is_closed: false,
            },
        });
    }

    fn break_page(&mut self, name: &str) {
        let number = self.pages.len() + 1;
        let footer = format!("Threat register: {name}. Page {number}");
        self.text(MARGIN, MARGIN / 2.0, BuiltinFont::Helvetica, 7.0, &footer);
        let ops = std::mem::take(&mut self.ops);
        self.pages
            .push(PdfPage::new(Mm::from(Pt(WIDTH)), Mm::from(Pt(HEIGHT)), ops));
        self.y = HEIGHT - MARGIN;
    }

    fn finish(mut self, name: &str) -> Vec<PdfPage> {
        self.break_page(name);
        self.pages
    }
}

fn title_page(
    out: &mut Pages,
    name: &str,
    provenance: &Provenance,
    date: &str,
    rows: &[RegisterRow],
) {
    let open = rows.iter().filter(|r| r.status.is_open()).count();
    out.y -= 120.0;
    out.paragraph(BuiltinFont::HelveticaBold, 28.0, "Threat register");
    out.y -= 16.0;
    out.paragraph(BuiltinFont::HelveticaBold, 18.0, name);
    out.y -= 12.0;
    // The provenance block names the model again: the heading is the document's name, the
    // block what the caller says it stored (the same for the server's exports).
    for (label, value) in provenance.labels() {
        out.paragraph(BuiltinFont::Helvetica, 12.0, &format!("{label}: {value}"));
    }
    out.paragraph(BuiltinFont::Helvetica, 12.0, &format!("Date: {date}"));
    out.paragraph(
        BuiltinFont::Helvetica,
        12.0,
        &format!(
            "Threats: {} ({open} open, {} closed)",
            rows.len(),
            rows.len() - open
        ),
    );
    out.y -= 24.0;
    out.paragraph(
        BuiltinFont::Helvetica,
        10.0,
        "One row per threat, computed by Rampart or written by people, with its DREAD \
         factors and risk, residual risk, severity, status and decision, and mitigations. \
         Threats on out-of-scope elements are not listed.",
    );
}

/// A table of counts: a label column, then numeric columns.
fn count_table(out: &mut Pages, heading: &[&str], body: &[(String, Vec<usize>)]) {
    const LABEL: f32 = 150.0;
    const CELL: f32 = 60.0;
    let right = MARGIN + LABEL + CELL * (heading.len() - 1) as f32;
    let row = |out: &mut Pages, cells: Vec<String>, font: BuiltinFont| {
        out.y -= 14.0;
        for (i, cell) in cells.iter().enumerate() {
            let x = if i == 0 {
                MARGIN
            } else {
                // Right-aligned numbers.
                MARGIN + LABEL + CELL * i as f32 - 6.0 - text_width(cell, 10.0)
            };
            out.text(x, out.y, font, 10.0, cell);
        }
        out.rule(MARGIN, right, out.y - 4.0);
    };
    row(
        out,
        heading.iter().map(|h| (*h).to_owned()).collect(),
        BuiltinFont::HelveticaBold,
    );
    for (label, counts) in body {
        let mut cells = vec![label.clone()];
        cells.extend(counts.iter().map(usize::to_string));
        let font = if label == "total" {
            BuiltinFont::HelveticaBold
        } else {
            BuiltinFont::Helvetica
        };
        row(out, cells, font);
    }
}

fn summary_page(out: &mut Pages, rows: &[RegisterRow]) {
    out.paragraph(
        BuiltinFont::HelveticaBold,
        16.0,
        "Summary by STRIDE category and severity",
    );
    out.y -= 8.0;
    let mut heading = vec!["STRIDE category"];
    heading.extend(Severity::ALL.iter().map(|s| s.as_str()));
    heading.push("total");
    let mut totals = [0usize; 4];
    let mut body: Vec<(String, Vec<usize>)> = summary(rows)
        .into_iter()
        .map(|(stride, counts)| {
            for (t, c) in totals.iter_mut().zip(counts) {
                *t += c;
            }
            let mut cells = counts.to_vec();
            cells.push(counts.iter().sum());
            (stride.as_str().to_owned(), cells)
        })
        .collect();
    let mut last = totals.to_vec();
    last.push(rows.len());
    body.push(("total".to_owned(), last));
    count_table(out, &heading, &body);

    out.y -= 28.0;
    out.paragraph(BuiltinFont::HelveticaBold, 16.0, "Summary by status");
    out.y -= 8.0;
    let statuses = [
        Status::Open,
        Status::Mitigated,
        Status::Accepted,
        Status::Transferred,
        Status::NotApplicable,
    ];
    let body: Vec<(String, Vec<usize>)> = statuses
        .iter()
        .map(|s| {
            let n = rows.iter().filter(|r| r.status == *s).count();
            (s.as_str().to_owned(), vec![n])
        })
        .collect();
    count_table(out, &["status", "threats"], &body);
}

fn register_table(out: &mut Pages, name: &str, rows: &[RegisterRow]) {
    out.paragraph(BuiltinFont::HelveticaBold, 16.0, "Register");
    out.y -= 6.0;
    table_header(out);
    let bottom = MARGIN;
    let max_lines = ((HEIGHT - 2.0 * MARGIN - 3.0 * TABLE_LEAD) / TABLE_LEAD) as usize;
    for r in rows {
        let cells = register_cells(r);
        let mut wrapped: Vec<Vec<String>> = cells
            .iter()
            .zip(COLUMNS)
            .map(|(text, (_, w))| wrap(text, w - 4.0, TABLE_SIZE))
            .collect();
        // A cell longer than a page is cut there; the XLSX and CSV keep the whole text.
        for lines in &mut wrapped {
            if lines.len() > max_lines {
                lines.truncate(max_lines);
                if let Some(l) = lines.last_mut() {
                    l.push_str(" ...");
                }
            }
        }
        let height = wrapped.iter().map(Vec::len).max().unwrap_or(1) as f32 * TABLE_LEAD + 3.0;
        if out.y - height < bottom {
            out.break_page(name);
            table_header(out);
        }
        let top = out.y;
        let mut x = MARGIN;
        for (lines, (_, w)) in wrapped.iter().zip(COLUMNS) {
            let mut y = top;
            for line in lines {
                y -= TABLE_LEAD;
                out.text(x + 2.0, y, BuiltinFont::Helvetica, TABLE_SIZE, line);
            }
            x += w;
        }
        out.y = top - height;
        out.rule(MARGIN, WIDTH - MARGIN, out.y);
    }
}

fn table_header(out: &mut Pages) {
    let mut x = MARGIN;
    out.y -= TABLE_LEAD;
    for (heading, w) in COLUMNS {
        out.text(
            x + 2.0,
            out.y,
            BuiltinFont::HelveticaBold,
            TABLE_SIZE,
            heading,
        );
        x += w;
    }
    out.y -= 3.0;
    out.rule(MARGIN, WIDTH - MARGIN, out.y);
}

fn register_cells(r: &RegisterRow) -> [String; 9] {
    let element = if r.element_name.is_empty() {
        r.element.clone()
    } else {
        format!("{} ({})", r.element_name, r.element)
    };
    let mut decision = vec![r.status.as_str().to_owned()];
    for (label, value) in [
        ("", &r.justification),
        ("owner: ", &r.owner),
        ("due: ", &r.due),
        ("notes: ", &r.notes),
    ] {
        if !value.is_empty() {
            decision.push(format!("{label}{value}"));
        }
    }
    let mitigations: Vec<String> = r.mitigations.iter().map(|m| m.label()).collect();
    [
        r.key.clone(),
        element,
        r.stride.as_str().to_owned(),
        r.title.clone(),
        format!(
            "{} {} {} {} {}",
            r.damage, r.reproducibility, r.exploitability, r.affected_users, r.discoverability
        ),
        format!("{:.2} / {:.2}", r.risk, r.residual_risk),
        r.severity.as_str().to_owned(),
        decision.join("; "),
        mitigations.join("; "),
    ]
}

/// Text the standard fonts can show (WinAnsi): control characters become spaces and
/// characters outside Latin-1 become `?`.
fn clean(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            c if c.is_control() => ' ',
            ' '..='~' | '\u{a0}'..='\u{ff}' => c,
            _ => '?',
        })
        .collect()
}

/// Helvetica's advance widths (thousandths of an em) for ASCII 32 to 126; other
/// characters count as 556, and bold text is measured as regular (a little narrower, so
/// columns keep a margin).
const HELVETICA: [u16; 95] = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556,
    556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722, 722, 667,
    611, 778, 722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667,
    667, 611, 278, 278, 278, 469, 556, 333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500,
    222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
];

fn text_width(text: &str, size: f32) -> f32 {
    let units: u32 = text
        .chars()
        .map(|c| {
            let i = c as usize;
            if (32..127).contains(&i) {
                u32::from(HELVETICA[i - 32])
            } else {
                556
            }
        })
        .sum();
    units as f32 * size / 1000.0 * 1.06
}

/// Lines of at most `width` points: words are kept whole unless a word alone is wider,
/// then it is cut; explicit line breaks are kept. Never empty.
fn wrap(text: &str, width: f32, size: f32) -> Vec<String> {
    let mut lines = Vec::new();
    for paragraph in text.lines() {
        let mut line = String::new();
        for word in paragraph.split_whitespace() {
            let candidate = if line.is_empty() {
                word.to_owned()
            } else {
                format!("{line} {word}")
            };
            if text_width(&candidate, size) <= width {
                line = candidate;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            for c in word.chars() {
                line.push(c);
                if text_width(&line, size) > width {
                    line.pop();
                    lines.push(std::mem::take(&mut line));
                    line.push(c);
                }
            }
        }
        if !line.is_empty() {
            lines.push(line);
        }
    }
    if lines.is_empty() {
        lines.push(String::new());
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_wraps_at_words_and_cuts_words_wider_than_the_column() {
        let lines = wrap("alpha beta gamma delta", 60.0, 10.0);
        assert!(lines.len() > 1, "{lines:?}");
        assert_eq!(lines.join(" "), "alpha beta gamma delta");
        let long = "x".repeat(100);
        let lines = wrap(&long, 50.0, 10.0);
        assert!(lines.iter().all(|l| text_width(l, 10.0) <= 50.0));
        assert_eq!(lines.concat(), long);
        assert_eq!(wrap("", 50.0, 10.0), vec![String::new()]);
    }

    #[test]
    fn text_outside_the_standard_fonts_is_replaced() {
        assert_eq!(clean("a\tb\u{e9}\u{2603}"), "a b\u{e9}?");
    }
}
