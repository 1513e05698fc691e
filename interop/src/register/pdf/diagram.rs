//! The register's diagram page: the model drawn with printpdf's own lines and shapes, scaled
//! to fit the page under its heading. Boundaries are dashed outlines with their names,
//! outermost first; flows are lines with arrowheads; elements are boxes with their name and
//! kind. Out-of-scope elements and flows are drawn in grey. Elements without geometry are
//! placed as the editor places them (`analysis::layout::fill_missing`, on a copy).

use super::{clean, text_width, Pages, MARGIN, WIDTH};
use analysis::layout::{border_point, depth, drawn_geometry as geometry, fill_missing};
use analysis::model::{Geometry, Kind};
use analysis::ThreatModel;
use printpdf::{
    BuiltinFont, Color, LineDashPattern, LinePoint, Op, PaintMode, Point, Polygon, PolygonRing, Pt,
    Rgb, WindingOrder,
};

/// Colours (0-255) shared with the SVG export's light theme.
const INK: (u8, u8, u8) = (0x14, 0x20, 0x2e);
const INK_SOFT: (u8, u8, u8) = (0x4a, 0x5a, 0x6c);
const LINE: (u8, u8, u8) = (0xa8, 0xb4, 0xc2);
const ACCENT: (u8, u8, u8) = (0x2f, 0x7f, 0xd0);
const FADED: (u8, u8, u8) = (0xb8, 0xbe, 0xc6);
/// The smallest text drawn; names that would need less are shortened.
const MIN_TEXT: f32 = 2.5;

fn colour((r, g, b): (u8, u8, u8)) -> Color {
    Color::Rgb(Rgb::new(
        f32::from(r) / 255.0,
        f32::from(g) / 255.0,
        f32::from(b) / 255.0,
        None,
    ))
}

/// A boundary's outline colour by kind, as the canvas has it.
fn frame_colour(kind: Kind) -> (u8, u8, u8) {
    match kind {
        Kind::Namespace | Kind::KubernetesCluster => (0x7b, 0x61, 0xc9),
        Kind::Subnet => (0x2e, 0x8f, 0x8f),
        Kind::CloudAccount => INK_SOFT,
        _ => ACCENT,
    }
}

/// Model coordinates (y down) to page points (y up), fitted into a box of the page.
struct Fit {
    x0: f64,
    y0: f64,
    scale: f64,
    left: f32,
    top: f32,
}

impl Fit {
    fn point(&self, x: f64, y: f64) -> Point {
        Point {
            x: Pt(self.left + ((x - self.x0) * self.scale) as f32),
            y: Pt(self.top - ((y - self.y0) * self.scale) as f32),
        }
    }

    fn len(&self, v: f64) -> f32 {
        (v * self.scale) as f32
    }
}

fn polygon(points: Vec<Point>, mode: PaintMode) -> Op {
    Op::DrawPolygon {
        polygon: Polygon {
            rings: vec![PolygonRing {
                points: points
                    .into_iter()
                    .map(|p| LinePoint { p, bezier: false })
                    .collect(),
            }],
            mode,
            winding_order: WindingOrder::NonZero,
        },
    }
}

fn rectangle(fit: &Fit, g: &Geometry, mode: PaintMode) -> Op {
    let (x1, y1) = (g.x + g.width, g.y + g.height);
    polygon(
        vec![
            fit.point(g.x, g.y),
            fit.point(x1, g.y),
            fit.point(x1, y1),
            fit.point(g.x, y1),
        ],
        mode,
    )
}

/// `text` at the largest size up to `size` that fits `width`, shortened when even the
/// smallest does not.
fn fitted(text: &str, size: f32, width: f32) -> (String, f32) {
    let text = clean(text);
    let full = text_width(&text, size);
    if full <= width {
        return (text, size);
    }
    let smaller = size * width / full;
    if smaller >= MIN_TEXT {
        return (text, smaller);
    }
    let mut short = text.clone();
    while !short.is_empty() && text_width(&format!("{short}..."), MIN_TEXT) > width {
        short.pop();
    }
    (format!("{short}..."), MIN_TEXT)
}

/// Draws the diagram of `model` on the current page, below its heading.
pub(super) fn diagram_page(out: &mut Pages, model: &ThreatModel) {
    out.paragraph(BuiltinFont::HelveticaBold, 16.0, "Diagram");
    let mut model = model.clone();
    fill_missing(&mut model);
    if model.elements.is_empty() {
        out.paragraph(
            BuiltinFont::Helvetica,
            10.0,
            "The model has no elements yet.",
        );
        return;
    }
    let boxes: Vec<Geometry> = model.elements.iter().map(geometry).collect();
    let x0 = boxes.iter().map(|g| g.x).fold(f64::INFINITY, f64::min);
    let y0 = boxes.iter().map(|g| g.y).fold(f64::INFINITY, f64::min);
    let x1 = boxes
        .iter()
        .map(|g| g.x + g.width)
        .fold(f64::NEG_INFINITY, f64::max);
    let y1 = boxes
        .iter()
        .map(|g| g.y + g.height)
        .fold(f64::NEG_INFINITY, f64::max);
    // The page below the heading, above the footer.
    let top = out.y - 12.0;
    let (area_w, area_h) = (WIDTH - 2.0 * MARGIN, top - MARGIN - 6.0);
    let (bw, bh) = ((x1 - x0).max(1.0), (y1 - y0).max(1.0));
    let scale = (f64::from(area_w) / bw)
        .min(f64::from(area_h) / bh)
        .min(1.0);
    let fit = Fit {
        x0,
        y0,
        scale,
        left: MARGIN + (area_w - (bw * scale) as f32) / 2.0,
        top,
    };
    let faded = |out_of_scope: bool, c: (u8, u8, u8)| if out_of_scope { FADED } else { c };

    // Boundaries, outermost first: dashed outlines with the name in the top-left corner.
    let mut frames: Vec<(usize, usize)> = model
        .elements
        .iter()
        .enumerate()
        .filter(|(_, e)| e.kind.kind().is_boundary())
        .map(|(i, e)| (depth(&model, &e.id), i))
        .collect();
    frames.sort();
    out.ops.push(Op::SaveGraphicsState);
    out.ops.push(Op::SetLineDashPattern {
        dash: LineDashPattern::new(0.0, &[3.0, 2.0]),
    });
    out.ops.push(Op::SetOutlineThickness { pt: Pt(0.6) });
    for &(_, i) in &frames {
        let e = &model.elements[i];
        let stroke = faded(e.out_of_scope.is_some(), frame_colour(e.kind.kind()));
        out.ops.push(Op::SetOutlineColor {
            col: colour(stroke),
        });
        out.ops.push(rectangle(&fit, &boxes[i], PaintMode::Stroke));
    }
    out.ops.push(Op::RestoreGraphicsState);
    for &(_, i) in &frames {
        let e = &model.elements[i];
        let g = &boxes[i];
        let (name, size) = fitted(
            &e.name,
            fit.len(12.5).max(MIN_TEXT),
            fit.len(g.width - 16.0),
        );
        let at = fit.point(g.x + 8.0, g.y + 18.0);
        let ink = faded(e.out_of_scope.is_some(), INK);
        out.coloured_text(at, BuiltinFont::HelveticaBold, size, &name, colour(ink));
    }

    // Flows: a line from border to border through the waypoints, and an arrowhead.
    out.ops.push(Op::SaveGraphicsState);
    out.ops.push(Op::SetOutlineThickness { pt: Pt(0.6) });
    for f in &model.flows {
        let (Some(si), Some(ti)) = (
            model.elements.iter().position(|e| e.id == f.source),
            model.elements.iter().position(|e| e.id == f.target),
        ) else {
            continue;
        };
        let (s, t) = (&boxes[si], &boxes[ti]);
        let waypoints: Vec<(f64, f64)> = f.waypoints.iter().map(|p| (p.x, p.y)).collect();
        let centre = |g: &Geometry| (g.x + g.width / 2.0, g.y + g.height / 2.0);
        let first = waypoints.first().copied().unwrap_or(centre(t));
        let last = waypoints.last().copied().unwrap_or(centre(s));
        let mut points = vec![border_point(s, first.0, first.1)];
        points.extend(waypoints);
        points.push(border_point(t, last.0, last.1));
        let ink = colour(faded(f.out_of_scope.is_some(), INK_SOFT));
        out.ops.push(Op::SetOutlineColor { col: ink.clone() });
        out.ops.push(Op::SetFillColor { col: ink });
        out.ops.push(Op::DrawLine {
            line: printpdf::Line {
                points: points
                    .iter()
                    .map(|&(x, y)| LinePoint {
                        p: fit.point(x, y),
                        bezier: false,
                    })
                    .collect(),
                is_closed: false,
            },
        });
        let n = points.len();
        let (ax, ay) = points[n - 2];
        let (bx, by) = points[n - 1];
        let (dx, dy) = (bx - ax, by - ay);
        let length = (dx * dx + dy * dy).sqrt();
        if length > 0.0 {
            // A 10 × 8 arrowhead in model units (at least 3 × 2.4 points on the page).
            let head = 10.0_f64.max(3.0 / scale);
            let (ux, uy) = (dx / length, dy / length);
            let (bx0, by0) = (bx - ux * head, by - uy * head);
            let (px, py) = (-uy * head * 0.4, ux * head * 0.4);
            out.ops.push(polygon(
                vec![
                    fit.point(bx, by),
                    fit.point(bx0 + px, by0 + py),
                    fit.point(bx0 - px, by0 - py),
                ],
                PaintMode::Fill,
            ));
        }
    }
    out.ops.push(Op::RestoreGraphicsState);

    // Elements: white boxes with a grey outline, the name and the kind.
    out.ops.push(Op::SaveGraphicsState);
    out.ops.push(Op::SetOutlineThickness { pt: Pt(0.6) });
    out.ops.push(Op::SetFillColor {
        col: colour((0xff, 0xff, 0xff)),
    });
    for (e, g) in model.elements.iter().zip(&boxes) {
        if e.kind.kind().is_boundary() {
            continue;
        }
        let stroke = faded(e.out_of_scope.is_some(), LINE);
        out.ops.push(Op::SetOutlineColor {
            col: colour(stroke),
        });
        out.ops.push(rectangle(&fit, g, PaintMode::FillStroke));
    }
    out.ops.push(Op::RestoreGraphicsState);
    for (e, g) in model.elements.iter().zip(&boxes) {
        if e.kind.kind().is_boundary() {
            continue;
        }
        let out_of_scope = e.out_of_scope.is_some();
        let width = fit.len(g.width - 16.0);
        let (name, size) = fitted(&e.name, fit.len(13.0).max(MIN_TEXT), width);
        let at = fit.point(g.x + 8.0, g.y + g.height * 0.45);
        let ink = colour(faded(out_of_scope, INK));
        out.coloured_text(at, BuiltinFont::HelveticaBold, size, &name, ink);
        let kind = e.kind.kind().label();
        let (kind, size) = fitted(kind, fit.len(11.0).max(MIN_TEXT), width);
        let at = fit.point(g.x + 8.0, g.y + g.height * 0.75);
        let ink = colour(faded(out_of_scope, INK_SOFT));
        out.coloured_text(at, BuiltinFont::Helvetica, size, &kind, ink);
    }
}

#[cfg(test)]
mod tests {
    use super::super::HEIGHT;
    use super::*;

    #[test]
    fn names_shrink_to_fit_and_are_shortened_only_below_the_smallest_size() {
        assert_eq!(fitted("Web", 10.0, 100.0), ("Web".to_owned(), 10.0));
        let (text, size) = fitted("A longer name", 10.0, 40.0);
        assert_eq!(text, "A longer name");
        assert!((MIN_TEXT..10.0).contains(&size));
        let (text, size) = fitted(&"x".repeat(200), 10.0, 30.0);
        assert!(text.ends_with("..."));
        assert_eq!(size, MIN_TEXT);
        assert!(text_width(&text, MIN_TEXT) <= 30.0);
    }

    #[test]
    fn the_page_keeps_the_diagram_inside_its_margins() {
        let model = analysis::reference_model();
        let mut out = Pages::default();
        diagram_page(&mut out, &model);
        let mut seen = 0;
        for op in &out.ops {
            if let Op::DrawPolygon { polygon } = op {
                for p in &polygon.rings[0].points {
                    seen += 1;
                    assert!(p.p.x.0 >= MARGIN - 0.01 && p.p.x.0 <= WIDTH - MARGIN + 0.01);
                    assert!(p.p.y.0 >= MARGIN - 0.01 && p.p.y.0 <= HEIGHT - MARGIN + 0.01);
                }
            }
        }
        assert!(seen > 4 * model.elements.len());
    }
}
