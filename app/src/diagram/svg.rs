//! The diagram as a standalone SVG document (server only): the editor's drawing without its
//! stylesheet, for the diagram export and its PNG. Every colour, stroke and font is an
//! attribute (no class, no CSS, no external reference), so any viewer, and resvg, draws it as
//! the canvas does in the light theme: boundaries outermost first, then flows with their
//! arrowheads and labels, then nodes with icon, name and kind, each with its badge.

use super::{
    badges, bounds, depth, flow_label, flow_points, geometry_of, kind_icon, midpoint, path_data,
    severity_colour, severity_label,
};
use analysis::model::{Geometry, Kind, ThreatModel};
use analysis::{Report, Severity};
use leptos::prelude::*;

/// The fonts the canvas asks for, then ones a server is likely to have.
const FONTS: &str =
    "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, 'DejaVu Sans', \
     'Liberation Sans', sans-serif";
const INK: &str = "#14202e";
const INK_SOFT: &str = "#4a5a6c";
const CARD: &str = "#ffffff";
const LINE: &str = "#d8e0ea";
const ACCENT: &str = "#2f7fd0";
/// How much of an out-of-scope element shows.
const FADED: &str = "0.5";
const MARGIN: f64 = 30.0;

/// The model as an SVG document, with badges from `report`. Elements without geometry are
/// placed by [`analysis::layout::fill_missing`] first (on a copy).
pub fn render_svg(model: &ThreatModel, report: &Report) -> String {
    let mut model = model.clone();
    analysis::layout::fill_missing(&mut model);
    let report = report.clone();
    let owner = Owner::new();
    let html = owner.with(move || view! { <DiagramSvg model=model report=report/> }.to_html());
    // tachys marks where lists and empty options sit with `<!>` (for hydration); XML has no
    // such comment and a file needs none. It cannot come from the model: text and attribute
    // values are escaped (`&lt;!&gt;`).
    let body = html.replace("<!>", "");
    format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{body}\n")
}

fn num(v: f64) -> String {
    format!("{v:.1}")
}

fn translate(g: &Geometry) -> String {
    format!("translate({:.1} {:.1})", g.x, g.y)
}

/// A boundary's frame colour by kind, as the canvas's stylesheet has it.
fn frame_colour(kind: Kind) -> &'static str {
    match kind {
        Kind::Namespace | Kind::KubernetesCluster => "#7b61c9",
        Kind::Subnet => "#2e8f8f",
        Kind::CloudAccount => INK_SOFT,
        _ => ACCENT,
    }
}

/// The icon of `kind`, drawn in `colour` at `transform`.
fn icon(kind: Kind, transform: &'static str, colour: &'static str) -> impl IntoView {
    view! {
        <g transform=transform>
            <path
                d=kind_icon(kind)
                fill="none"
                stroke=colour
                stroke-width="1.6"
                stroke-linecap="round"
                stroke-linejoin="round"
            ></path>
        </g>
    }
}

/// The badge of the highest open residual severity, centred on the group's origin.
fn badge(severity: Option<Severity>, transform: &'static str) -> impl IntoView {
    severity.map(|s| {
        view! {
            <g transform=transform>
                <circle cx="0" cy="0" r="7" fill=severity_colour(s) stroke=CARD stroke-width="2">
                    <title>{format!("Highest open risk: {}", severity_label(s))}</title>
                </circle>
            </g>
        }
    })
}

/// The diagram of `model` (its geometry already filled) as an `<svg>` element with the
/// namespace, sized by its bounds.
#[component]
pub fn DiagramSvg(
    /// The model, every element with geometry.
    model: ThreatModel,
    /// Its findings, for the badges.
    report: Report,
) -> impl IntoView {
    let sev = badges(&report);
    let (bx, by, bw, bh) = bounds(&model, MARGIN);
    let view_box = format!("{bx:.1} {by:.1} {bw:.1} {bh:.1}");

    let mut frames: Vec<_> = model
        .elements
        .iter()
        .filter(|e| e.kind.kind().is_boundary())
        .map(|e| (depth(&model, &e.id), e))
        .collect();
    frames.sort_by_key(|(d, _)| *d);
    let boundaries = frames
        .into_iter()
        .map(|(_, e)| {
            let g = geometry_of(e);
            let kind = e.kind.kind();
            let stroke = frame_colour(kind);
            let opacity = e.out_of_scope.as_ref().map(|_| FADED);
            view! {
                <g transform=translate(&g) opacity=opacity data-element-id=e.id.clone()>
                    <rect
                        rx="10"
                        width=num(g.width)
                        height=num(g.height)
                        fill=ACCENT
                        fill-opacity="0.05"
                        stroke=stroke
                        stroke-width="1.5"
                        stroke-dasharray="6 4"
                    ></rect>
                    <rect rx="10" width=num(g.width) height="26" fill=ACCENT fill-opacity="0.12"></rect>
                    {icon(kind, "translate(8 4) scale(0.75)", ACCENT)}
                    <text x="30" y="18" font-size="12.5" font-weight="600" fill=INK>{e.name.clone()}</text>
                    {badge(sev.get(&e.id).copied(), "translate(12 -4)")}
                </g>
            }
        })
        .collect_view();

    let flows = model
        .flows
        .iter()
        .filter_map(|f| {
            let s = geometry_of(model.element(&f.source)?);
            let t = geometry_of(model.element(&f.target)?);
            let waypoints: Vec<(f64, f64)> = f.waypoints.iter().map(|p| (p.x, p.y)).collect();
            let points = flow_points(&s, &t, &waypoints);
            let (lx, ly) = midpoint(&points);
            let stroke = match sev.get(&f.id) {
                Some(Severity::High | Severity::Critical) => severity_colour(Severity::High),
                _ => INK_SOFT,
            };
            let opacity = f.out_of_scope.as_ref().map(|_| FADED);
            Some(view! {
                <g opacity=opacity data-flow-id=f.id.clone()>
                    <path
                        d=path_data(&points)
                        fill="none"
                        stroke=stroke
                        stroke-width="1.6"
                        marker-end="url(#rampart-arrow)"
                    ></path>
                    <text
                        x=num(lx)
                        y=num(ly - 6.0)
                        text-anchor="middle"
                        font-size="11"
                        fill=INK
                        stroke=CARD
                        stroke-width="4"
                        stroke-linejoin="round"
                        paint-order="stroke"
                    >
                        {flow_label(f)}
                    </text>
                </g>
            })
        })
        .collect_view();

    let nodes = model
        .elements
        .iter()
        .filter(|e| !e.kind.kind().is_boundary())
        .map(|e| {
            let g = geometry_of(e);
            let kind = e.kind.kind();
            let opacity = e.out_of_scope.as_ref().map(|_| FADED);
            view! {
                <g transform=translate(&g) opacity=opacity data-element-id=e.id.clone()>
                    <rect
                        rx="8"
                        width=num(g.width)
                        height=num(g.height)
                        fill=CARD
                        stroke=LINE
                        stroke-width="1.5"
                    ></rect>
                    {icon(kind, "translate(10 10) scale(1.1)", ACCENT)}
                    <text x="44" y="26" font-size="13" font-weight="600" fill=INK>{e.name.clone()}</text>
                    <text x="44" y="44" font-size="11" fill=INK_SOFT>{kind.label()}</text>
                    {badge(sev.get(&e.id).copied(), "translate(4 4)")}
                </g>
            }
        })
        .collect_view();

    view! {
        <svg
            xmlns="http://www.w3.org/2000/svg"
            version="1.1"
            viewBox=view_box
            width=num(bw)
            height=num(bh)
            font-family=FONTS
        >
            <title>{model.name.clone()}</title>
            <defs>
                <marker
                    id="rampart-arrow"
                    viewBox="0 0 10 10"
                    refX="9"
                    refY="5"
                    markerWidth="8"
                    markerHeight="8"
                    orient="auto-start-reverse"
                >
                    <path d="M0 0 L10 5 L0 10 z" fill=INK_SOFT></path>
                </marker>
            </defs>
            <rect x=num(bx) y=num(by) width=num(bw) height=num(bh) fill="#ffffff"></rect>
            <g>{boundaries}</g>
            <g>{flows}</g>
            <g>{nodes}</g>
        </svg>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use analysis::{analyze, reference_model, Options};

    fn parsed(svg: &str) -> roxmltree::Document<'_> {
        roxmltree::Document::parse(svg).unwrap_or_else(|err| panic!("{err}: {svg}"))
    }

    #[test]
    fn the_reference_model_renders_every_element_and_flow() {
        let model = reference_model();
        let report = analyze(&model, &Options::default());
        let svg = render_svg(&model, &report);
        let doc = parsed(&svg);
        let root = doc.root_element();
        assert_eq!(root.tag_name().name(), "svg");
        assert_eq!(
            root.tag_name().namespace(),
            Some("http://www.w3.org/2000/svg")
        );
        assert!(root.attribute("viewBox").is_some());
        let texts: Vec<&str> = doc
            .descendants()
            .filter(|n| n.has_tag_name("text"))
            .filter_map(|n| n.text())
            .collect();
        for e in &model.elements {
            assert!(texts.contains(&e.name.as_str()), "{} missing", e.name);
            let groups = doc
                .descendants()
                .filter(|n| n.attribute("data-element-id") == Some(e.id.as_str()))
                .count();
            assert_eq!(groups, 1, "{}", e.id);
        }
        for f in &model.flows {
            assert!(
                doc.descendants()
                    .any(|n| n.attribute("data-flow-id") == Some(f.id.as_str())),
                "{}",
                f.id
            );
        }
        // Badges, presentation attributes only, and nothing fetched from elsewhere.
        assert!(doc.descendants().any(|n| n.has_tag_name("circle")));
        assert!(doc.descendants().all(|n| n.attribute("class").is_none()));
        assert!(!svg.contains("<style") && !svg.contains("href"));
    }

    #[test]
    fn boundaries_come_outermost_first_and_before_flows_and_nodes() {
        let mut model = reference_model();
        analysis::layout::fill_missing(&mut model);
        let report = analyze(&model, &Options::default());
        let svg = render_svg(&model, &report);
        let doc = parsed(&svg);
        let order: Vec<&str> = doc
            .descendants()
            .filter_map(|n| n.attribute("data-element-id"))
            .collect();
        let at = |id: &str| order.iter().position(|x| *x == id).unwrap();
        for e in &model.elements {
            if let Some(parent) = &e.parent {
                assert!(at(parent) < at(&e.id), "{parent} before {}", e.id);
            }
        }
        let first_flow = svg.find("data-flow-id").unwrap();
        let last_boundary = model
            .elements
            .iter()
            .filter(|e| e.kind.kind().is_boundary())
            .map(|e| svg.find(&format!("data-element-id=\"{}\"", e.id)).unwrap())
            .max()
            .unwrap();
        assert!(last_boundary < first_flow);
    }

    #[test]
    fn names_are_escaped_and_out_of_scope_elements_faded() {
        let mut model = reference_model();
        model.name = "<script>&\"".to_owned();
        model.elements[0].name = "A & <B> <!> \"quoted\"".to_owned();
        model.elements[0].out_of_scope = Some(analysis::model::OutOfScope {
            reason: "not ours".to_owned(),
        });
        let report = analyze(&model, &Options::default());
        let svg = render_svg(&model, &report);
        assert!(!svg.contains("<script>") && !svg.contains("<B>"));
        let doc = parsed(&svg);
        let first = doc
            .descendants()
            .find(|n| n.attribute("data-element-id") == Some(model.elements[0].id.as_str()))
            .unwrap();
        assert_eq!(first.attribute("opacity"), Some(FADED));
        assert!(first
            .descendants()
            .any(|n| n.text() == Some("A & <B> <!> \"quoted\"")));
    }

    #[test]
    fn an_empty_model_is_a_small_valid_svg() {
        let model: ThreatModel =
            analysis::parse(r#"{"schema":"rampart/1","name":"Empty"}"#).unwrap();
        let report = analyze(&model, &Options::default());
        let svg = render_svg(&model, &report);
        let doc = parsed(&svg);
        assert_eq!(
            doc.root_element().attribute("viewBox"),
            Some("0.0 0.0 800.0 500.0")
        );
        assert!(svg.len() < 2_000, "{svg}");
    }
}
