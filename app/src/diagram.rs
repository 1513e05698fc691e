//! What the diagram draws, as pure data shared by the editor's canvas and the server's SVG
//! export: each kind's label and icon, where a flow's line meets a box, which boundary a point
//! falls in, and the colours of severities. No signals and no DOM here. With `ssr`, [`svg`]
//! draws the whole diagram as a standalone SVG document for the export.

#[cfg(feature = "ssr")]
mod svg;

use analysis::model::{Element, Geometry, Kind, ThreatModel};
use analysis::{Report, Severity};
use std::collections::HashMap;
#[cfg(feature = "ssr")]
pub use svg::{render_svg, DiagramSvg};

/// The kind's `type` as written in files (`kubernetes_cluster`).
pub fn kind_type(kind: Kind) -> String {
    analysis::parse::kind_name(kind)
}

/// The kind named by its `type`.
pub fn kind_from_type(name: &str) -> Option<Kind> {
    Kind::ALL.into_iter().find(|k| kind_type(*k) == name)
}

/// The palette's groups, in DESIGN.md's order of the lines of defence.
pub const PALETTE: [(&str, &[Kind]); 6] = [
    ("Actors", &[Kind::Internet, Kind::ExternalActor, Kind::User]),
    (
        "Boundaries",
        &[
            Kind::CloudAccount,
            Kind::Vpc,
            Kind::Subnet,
            Kind::KubernetesCluster,
            Kind::Namespace,
        ],
    ),
    (
        "Perimeter",
        &[
            Kind::Waf,
            Kind::VnfFirewall,
            Kind::LoadBalancer,
            Kind::VpnGateway,
            Kind::EgressGateway,
            Kind::BastionHost,
        ],
    ),
    (
        "Network",
        &[
            Kind::TransitGateway,
            Kind::VpcPeering,
            Kind::RouteTable,
            Kind::NetworkAcl,
            Kind::SecurityGroup,
        ],
    ),
    (
        "Kubernetes and mesh",
        &[
            Kind::Workload,
            Kind::KubernetesService,
            Kind::Ingress,
            Kind::IstioGateway,
        ],
    ),
    (
        "Services and data",
        &[
            Kind::Iam,
            Kind::DataStore,
            Kind::CloudService,
            Kind::Monitoring,
        ],
    ),
];

/// Path data `d` scaled by `scale` about the origin, then moved by (`dx`, `dy`): the icon
/// drawn where a `translate(dx dy) scale(scale)` group would draw it, without the group. (On
/// the canvas every transformed group is one more piece Chromium re-layers on each frame of a
/// drag; without them a drag's frames cost about a third less.)
pub fn place_path(d: &str, scale: f64, dx: f64, dy: f64) -> String {
    let mut out = String::with_capacity(d.len() + d.len() / 2);
    let mut command = 'M';
    let mut index = 0usize;
    let mut rest = d.trim_start();
    while !rest.is_empty() {
        let first = rest.chars().next().unwrap_or(' ');
        if first.is_ascii_alphabetic() {
            command = first;
            index = 0;
            out.push(first);
            rest = rest[1..].trim_start_matches([' ', ',']);
            continue;
        }
        let Some((value, tail)) = leading_number(rest) else {
            // Not path data: leave the remainder as it was.
            out.push_str(rest);
            break;
        };
        let arity = match command.to_ascii_uppercase() {
            'H' | 'V' => 1,
            'C' => 6,
            'S' | 'Q' => 4,
            'A' => 7,
            _ => 2,
        };
        let slot = index % arity;
        let absolute = command.is_ascii_uppercase();
        let shift = |offset: f64| if absolute { offset } else { 0.0 };
        let placed = match command.to_ascii_uppercase() {
            'H' => value * scale + shift(dx),
            'V' => value * scale + shift(dy),
            // Radii scale, the rotation and the two flags stay, the end point moves.
            'A' => match slot {
                0 | 1 => value * scale,
                2..=4 => value,
                5 => value * scale + shift(dx),
                _ => value * scale + shift(dy),
            },
            _ if slot.is_multiple_of(2) => value * scale + shift(dx),
            _ => value * scale + shift(dy),
        };
        if !out.ends_with(|c: char| c.is_ascii_alphabetic()) {
            out.push(' ');
        }
        out.push_str(&short_number(placed));
        index += 1;
        rest = tail.trim_start_matches([' ', ',']);
    }
    out
}

/// The number at the start of `text` (`-1.5`, `.5`, `12`; the icons use no exponents) and
/// the rest. Read by hand: the standard float parser would add its tables to the bundle.
fn leading_number(text: &str) -> Option<(f64, &str)> {
    let bytes = text.as_bytes();
    let mut end = 0;
    let negative = bytes.first() == Some(&b'-');
    if matches!(bytes.first(), Some(b'-' | b'+')) {
        end = 1;
    }
    let (mut value, mut digits, mut fraction) = (0.0_f64, 0, None::<f64>);
    while let Some(&b) = bytes.get(end) {
        match (b, fraction) {
            (b'0'..=b'9', None) => value = value * 10.0 + f64::from(b - b'0'),
            (b'0'..=b'9', Some(unit)) => {
                value += f64::from(b - b'0') * unit;
                fraction = Some(unit / 10.0);
            }
            (b'.', None) => fraction = Some(0.1),
            _ => break,
        }
        if b != b'.' {
            digits += 1;
        }
        end += 1;
    }
    if digits == 0 {
        return None;
    }
    Some((if negative { -value } else { value }, &text[end..]))
}

/// `v` with at most three decimals and no trailing zeros.
fn short_number(v: f64) -> String {
    let text = format!("{v:.3}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    match text {
        "-0" | "" => "0".to_string(),
        _ => text.to_string(),
    }
}

/// The kind's icon: SVG path data in a 24 × 24 box, drawn with a stroke and no fill.
pub fn kind_icon(kind: Kind) -> &'static str {
    match kind {
        Kind::Internet => "M12 3a9 9 0 1 0 0 18a9 9 0 1 0 0-18M3 12h18M12 3c3 3 3 15 0 18M12 3c-3 3-3 15 0 18",
        Kind::ExternalActor => "M4 21V7l6-3v17M10 9h10v12M13 12h4M13 15h4M13 18h4M2 21h20",
        Kind::User => "M12 4a4 4 0 1 0 0 8a4 4 0 1 0 0-8M4 21c0-4 4-7 8-7s8 3 8 7",
        Kind::CloudAccount => "M7 18h10a4 4 0 0 0 0-8a6 6 0 0 0-11-1a4.5 4.5 0 0 0 1 9z",
        Kind::Vpc => "M3 5h18v14H3zM3 9h18M6 7h.01M9 7h.01",
        Kind::Subnet => "M3 3h8v8H3zM13 3h8v8h-8zM3 13h8v8H3zM13 13h8v8h-8z",
        Kind::TransitGateway => "M12 9a3 3 0 1 0 0 6a3 3 0 1 0 0-6M12 3v6M12 15v6M3 12h6M15 12h6",
        Kind::VpcPeering => "M8 8a4 4 0 1 0 0 8a4 4 0 1 0 0-8M16 8a4 4 0 1 0 0 8a4 4 0 1 0 0-8",
        Kind::RouteTable => "M3 4h18v16H3zM3 9h18M9 9v11M12 14h6M16 12l2 2l-2 2",
        Kind::NetworkAcl => "M4 5h10M4 12h10M4 19h10M17 4l2 2l3-3M17 11l4 4M21 11l-4 4M17 18l2 2l3-3",
        Kind::SecurityGroup => "M12 3l8 3v6c0 5-3.5 8-8 9c-4.5-1-8-4-8-9V6z",
        Kind::Waf => "M12 3l8 3v6c0 5-3.5 8-8 9c-4.5-1-8-4-8-9V6zM8 10h8M8 14h8M12 10v4",
        Kind::VnfFirewall => "M3 5h18v14H3zM3 10h18M3 15h18M9 5v5M15 10v5M9 15v4",
        Kind::LoadBalancer => "M12 3v6M12 9l-7 6M12 9v6M12 9l7 6M3 15h4v5H3zM10 15h4v5h-4zM17 15h4v5h-4z",
        Kind::VpnGateway => "M6 11h12v10H6zM8 11V7a4 4 0 0 1 8 0v4M12 15v2",
        Kind::EgressGateway => "M4 4h10v16H4zM10 12h11M17 8l4 4l-4 4",
        Kind::BastionHost => "M5 21V8h14v13M5 8V4h3v2h3V4h2v2h3V4h3v4M10 21v-5h4v5",
        Kind::Iam => "M8 10a4 4 0 1 0 0 .01M11 12h10M18 12v3M21 12v3",
        Kind::KubernetesCluster => "M12 2l8 4v9l-8 7l-8-7V6zM12 8v8M8.5 10l7 4M15.5 10l-7 4",
        Kind::Namespace => "M4 4h16v16H4zM4 8h16",
        Kind::Workload => "M12 3l8 4.5v9L12 21l-8-4.5v-9zM12 12l8-4.5M12 12v9M12 12L4 7.5",
        Kind::KubernetesService => "M7 4h10l5 8l-5 8H7l-5-8zM9 12h6",
        Kind::Ingress => "M10 4h10v16H10zM2 12h12M10 8l4 4l-4 4",
        Kind::IstioGateway => "M12 3v15M12 3l7 15H12M12 6l-6 12h6M4 21h16",
        Kind::DataStore => "M5 6c0-1.7 3-3 7-3s7 1.3 7 3v12c0 1.7-3 3-7 3s-7-1.3-7-3zM5 6c0 1.7 3 3 7 3s7-1.3 7-3M5 12c0 1.7 3 3 7 3s7-1.3 7-3",
        Kind::CloudService => "M7 18h10a4 4 0 0 0 0-8a6 6 0 0 0-11-1a4.5 4.5 0 0 0 1 9zM12 11v4M10 13h4",
        Kind::Monitoring => "M3 20h18M4 16l5-6l4 3l7-8",
    }
}

/// The CSS class naming a severity (`sev-high`), shared by badges, bars and the register.
pub fn severity_class(severity: Severity) -> &'static str {
    match severity {
        Severity::Low => "sev-low",
        Severity::Medium => "sev-medium",
        Severity::High => "sev-high",
        Severity::Critical => "sev-critical",
    }
}

/// A severity for people.
pub fn severity_label(severity: Severity) -> &'static str {
    match severity {
        Severity::Low => "Low",
        Severity::Medium => "Medium",
        Severity::High => "High",
        Severity::Critical => "Critical",
    }
}

/// A severity's colour, for SVG drawn outside the page's stylesheet (the export).
pub fn severity_colour(severity: Severity) -> &'static str {
    match severity {
        Severity::Low => "#2e7d4f",
        Severity::Medium => "#a06b00",
        Severity::High => "#c0501b",
        Severity::Critical => "#b3132b",
    }
}

/// The highest open residual severity per element and flow id: the badges.
pub fn badges(report: &Report) -> HashMap<String, Severity> {
    let mut out: HashMap<String, Severity> = HashMap::new();
    for f in report.findings.iter().filter(|f| f.is_open()) {
        let slot = out.entry(f.target.clone()).or_insert(f.severity);
        if f.severity > *slot {
            *slot = f.severity;
        }
    }
    out
}

/// The geometry an element is drawn with (a default size when it has none).
pub fn geometry_of(e: &Element) -> Geometry {
    analysis::layout::drawn_geometry(e)
}

pub use analysis::layout::{border_point, centre, depth};

/// A flow's line: from the source's border to the target's, through its waypoints.
pub fn flow_points(
    source: &Geometry,
    target: &Geometry,
    waypoints: &[(f64, f64)],
) -> Vec<(f64, f64)> {
    let (tc, sc) = (centre(target), centre(source));
    let first_aim = waypoints.first().copied().unwrap_or(tc);
    let last_aim = waypoints.last().copied().unwrap_or(sc);
    let mut points = vec![border_point(source, first_aim.0, first_aim.1)];
    points.extend_from_slice(waypoints);
    points.push(border_point(target, last_aim.0, last_aim.1));
    points
}

/// SVG path data through `points`.
pub fn path_data(points: &[(f64, f64)]) -> String {
    let mut d = String::new();
    for (i, (x, y)) in points.iter().enumerate() {
        d.push_str(if i == 0 { "M" } else { " L" });
        d.push_str(&format!("{x:.1} {y:.1}"));
    }
    d
}

/// The midpoint of a polyline (by length), where its label goes.
pub fn midpoint(points: &[(f64, f64)]) -> (f64, f64) {
    let lengths: Vec<f64> = points
        .windows(2)
        .map(|w| ((w[1].0 - w[0].0).powi(2) + (w[1].1 - w[0].1).powi(2)).sqrt())
        .collect();
    let total: f64 = lengths.iter().sum();
    let mut left = total / 2.0;
    for (w, len) in points.windows(2).zip(&lengths) {
        if left <= *len && *len > 0.0 {
            let t = left / len;
            return (
                w[0].0 + (w[1].0 - w[0].0) * t,
                w[0].1 + (w[1].1 - w[0].1) * t,
            );
        }
        left -= len;
    }
    points.first().copied().unwrap_or((0.0, 0.0))
}

/// `id` and everything nested in it, at any depth.
pub fn with_descendants(model: &ThreatModel, id: &str) -> Vec<String> {
    let mut out = vec![id.to_string()];
    let mut i = 0;
    while i < out.len() {
        let current = out[i].clone();
        for e in &model.elements {
            if e.parent.as_deref() == Some(current.as_str()) && !out.contains(&e.id) {
                out.push(e.id.clone());
            }
        }
        i += 1;
    }
    out
}

/// The innermost trust boundary containing the point, leaving out `excluded` (what is being
/// moved, which cannot contain itself).
pub fn boundary_at(model: &ThreatModel, x: f64, y: f64, excluded: &[String]) -> Option<String> {
    model
        .elements
        .iter()
        .filter(|e| e.kind.kind().is_boundary() && !excluded.contains(&e.id))
        .filter(|e| {
            let g = geometry_of(e);
            x >= g.x && x <= g.x + g.width && y >= g.y && y <= g.y + g.height
        })
        .max_by_key(|e| {
            (
                depth(model, &e.id),
                std::cmp::Reverse(area_key(&geometry_of(e))),
            )
        })
        .map(|e| e.id.clone())
}

fn area_key(g: &Geometry) -> u64 {
    (g.width * g.height).max(0.0) as u64
}

/// The box around every element (x, y, width, height), with a margin; a small default canvas
/// when there is nothing.
pub fn bounds(model: &ThreatModel, margin: f64) -> (f64, f64, f64, f64) {
    let mut it = model.elements.iter().map(geometry_of);
    let Some(first) = it.next() else {
        return (0.0, 0.0, 800.0, 500.0);
    };
    let (mut x0, mut y0, mut x1, mut y1) = (
        first.x,
        first.y,
        first.x + first.width,
        first.y + first.height,
    );
    for g in it {
        x0 = x0.min(g.x);
        y0 = y0.min(g.y);
        x1 = x1.max(g.x + g.width);
        y1 = y1.max(g.y + g.height);
    }
    (
        x0 - margin,
        y0 - margin,
        x1 - x0 + 2.0 * margin,
        y1 - y0 + 2.0 * margin,
    )
}

/// A fresh id for a new element or flow: `prefix-N`, unused among elements, flows and
/// threats.
pub fn fresh_id(model: &ThreatModel, prefix: &str) -> String {
    let taken = |id: &str| {
        model.element(id).is_some()
            || model.flow(id).is_some()
            || model.threats.iter().any(|t| t.id == id)
    };
    (1..)
        .map(|n| format!("{prefix}-{n}"))
        .find(|id| !taken(id))
        .unwrap_or_else(|| prefix.to_string())
}

/// A flow's label: `https:443`, and `TLS`/`mTLS`.
pub fn flow_label(flow: &analysis::model::DataFlow) -> String {
    use analysis::model::Encryption;
    let mut label = flow.protocol.clone();
    if let Some(port) = flow.port {
        label.push_str(&format!(":{port}"));
    }
    match flow.encryption {
        Encryption::None => {}
        Encryption::Tls => label.push_str(" · TLS"),
        Encryption::Mtls => label.push_str(" · mTLS"),
    }
    label
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_placed_path_is_scaled_then_moved() {
        assert_eq!(
            place_path("M2 4h10v-2H0V1z", 2.0, 10.0, 20.0),
            "M14 28h20v-4H10V22z"
        );
        // Relative moves and lines only scale; packed numbers are read apart.
        assert_eq!(
            place_path("M0 0l3-4m.5.5L1 1", 2.0, 1.0, 1.0),
            "M1 1l6 -8m1 1L3 3"
        );
        // An arc's radii scale, its rotation and flags stay, its end point moves if absolute.
        assert_eq!(
            place_path("M12 3a9 9 0 1 0 0 18A4 4 0 0 1 2 2", 0.5, 1.0, 1.0),
            "M7 2.5a4.5 4.5 0 1 0 0 9A2 2 0 0 1 2 2"
        );
        assert_eq!(
            place_path("M1 1c1 2 3 4 5 6s1 1 2 2", 1.1, 10.0, 10.0),
            "M11.1 11.1c1.1 2.2 3.3 4.4 5.5 6.6s1.1 1.1 2.2 2.2"
        );
    }

    #[test]
    fn every_icon_is_placed_as_path_data_of_the_same_shape() {
        for kind in Kind::ALL {
            let d = kind_icon(kind);
            let placed = place_path(d, 1.0, 0.0, 0.0);
            // Same commands, same count of numbers.
            let letters = |s: &str| {
                s.chars()
                    .filter(char::is_ascii_alphabetic)
                    .collect::<String>()
            };
            assert_eq!(letters(d), letters(&placed), "{kind:?}");
            let count = |s: &str| {
                let mut n = 0;
                let mut rest = s;
                while !rest.is_empty() {
                    let c = rest.chars().next().unwrap();
                    if c.is_ascii_alphabetic() || c == ' ' || c == ',' {
                        rest = &rest[1..];
                    } else {
                        rest = leading_number(rest).expect(s).1;
                        n += 1;
                    }
                }
                n
            };
            assert_eq!(count(d), count(&placed), "{kind:?}");
        }
    }
    use analysis::reference_model;

    fn laid_out() -> ThreatModel {
        let mut m = reference_model();
        analysis::layout::fill_missing(&mut m);
        m
    }

    #[test]
    fn every_kind_has_a_label_an_icon_and_a_palette_place() {
        for kind in Kind::ALL {
            assert!(!kind.label().is_empty());
            assert!(kind_icon(kind).starts_with('M'));
            assert_eq!(kind_from_type(&kind_type(kind)), Some(kind));
            let places = PALETTE
                .iter()
                .filter(|(_, kinds)| kinds.contains(&kind))
                .count();
            assert_eq!(places, 1, "{kind:?} must be in the palette once");
        }
    }

    #[test]
    fn a_flow_ends_on_the_border_of_its_boxes() {
        let a = Geometry {
            x: 0.0,
            y: 0.0,
            width: 100.0,
            height: 50.0,
        };
        let b = Geometry {
            x: 300.0,
            y: 0.0,
            width: 100.0,
            height: 50.0,
        };
        let points = flow_points(&a, &b, &[]);
        assert_eq!(points, vec![(100.0, 25.0), (300.0, 25.0)]);
        assert_eq!(midpoint(&points), (200.0, 25.0));
        assert_eq!(path_data(&points), "M100.0 25.0 L300.0 25.0");
    }

    #[test]
    fn the_innermost_boundary_wins_and_the_moved_are_left_out() {
        let m = laid_out();
        let namespace = m
            .elements
            .iter()
            .find(|e| e.kind.kind() == Kind::Namespace)
            .unwrap();
        let (x, y) = centre(&geometry_of(namespace));
        // The namespace's centre may hold a child; the namespace or something inside it wins.
        let found = boundary_at(&m, x, y, &[]).unwrap();
        assert!(found == namespace.id || depth(&m, &found) > depth(&m, &namespace.id));
        let parent = boundary_at(&m, x, y, &with_descendants(&m, &namespace.id));
        assert_eq!(parent, namespace.parent);
    }

    #[test]
    fn fresh_ids_are_unused() {
        let m = laid_out();
        let id = fresh_id(&m, "workload");
        assert!(m.element(&id).is_none());
        assert!(analysis::parse::is_valid_id(&id));
    }
}
