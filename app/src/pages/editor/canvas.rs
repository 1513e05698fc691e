//! The diagram canvas: an SVG of trust boundaries (drawn first, outermost first), data flows
//! and nodes, with pan and zoom. One gesture at a time runs on the canvas (pan, move, rubber
//! band, new flow, resize); while it runs only its own signals change (an offset, a band, a
//! line). The model changes once, when the gesture ends, as one edit.
//!
//! What a gesture draws lies in two layers over the diagram, so the diagram itself is not
//! painted again on every frame of it (with hundreds of boxes, that painting is what made a
//! drag slow):
//! - the *lift* layer holds copies of the boxes being moved. They stay where they were in it,
//!   and the layer as a whole follows the pointer by a CSS transform, which the compositor
//!   applies without painting anything;
//! - the *sketch* layer holds the flows touching them, redrawn at each grid step, the rubber
//!   band and the flow being drawn.
//!
//! While the copies are shown, the originals are hidden (`lifted`).

use super::state::Editor;
use crate::diagram::{
    boundary_at, centre, flow_label, flow_points, geometry_of, kind_icon, midpoint, path_data,
    place_path, severity_class, with_descendants,
};
use crate::erase::Erase;
use analysis::model::{DataFlow, Element, ElementKind, Geometry, Kind, ThreatModel};
use analysis::{Operation, Report, Severity};
use leptos::prelude::*;
use std::collections::HashMap;

/// The grid moved boxes snap to.
pub const GRID: f64 = 10.0;

/// Pan (x, y in screen pixels) and zoom of the canvas.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Viewport {
    pub x: f64,
    pub y: f64,
    pub zoom: f64,
}

impl Viewport {
    pub fn model_point(self, sx: f64, sy: f64) -> (f64, f64) {
        ((sx - self.x) / self.zoom, (sy - self.y) / self.zoom)
    }
}

/// A line from one point to another.
type Segment = ((f64, f64), (f64, f64));

#[derive(Clone, Debug)]
enum Gesture {
    Pan {
        from: (f64, f64),
        origin: Viewport,
    },
    Move {
        start: (f64, f64),
        moved: bool,
    },
    Band {
        start: (f64, f64),
    },
    Flow {
        source: String,
    },
    Resize {
        id: String,
        start: (f64, f64),
        original: Geometry,
    },
}

/// The canvas's shared view state, in the context for the toolbar and the overview.
#[derive(Clone, Copy)]
pub struct Canvas {
    pub viewport: RwSignal<Viewport>,
    pub snap: RwSignal<bool>,
    pub show_paths: RwSignal<bool>,
    /// Size of the canvas on screen (width, height), read when fitting.
    pub size: RwSignal<(f64, f64)>,
    gesture: StoredValue<Option<Gesture>>,
    /// True while a gesture runs: the boxes then stop reacting to the pointer passing over
    /// them (a hover that comes and goes would repaint the whole diagram on each frame).
    busy: RwSignal<bool>,
    /// Ids being moved and the offset so far.
    moving: RwSignal<Vec<String>>,
    offset: RwSignal<(f64, f64)>,
    /// True once a move has left its starting point: the moving boxes and their flows are
    /// then drawn in the layers over the diagram, and hidden in it.
    lifted: RwSignal<bool>,
    band: RwSignal<Option<(f64, f64, f64, f64)>>,
    draft: RwSignal<Option<Segment>>,
    resizing: RwSignal<Option<(String, Geometry)>>,
    /// The canvas element, measured when fitting and zooming.
    pub svg: NodeRef<leptos::svg::Svg>,
}

impl Canvas {
    pub fn new() -> Canvas {
        Canvas {
            viewport: RwSignal::new(Viewport {
                x: 20.0,
                y: 20.0,
                zoom: 1.0,
            }),
            snap: RwSignal::new(true),
            show_paths: RwSignal::new(false),
            size: RwSignal::new((1000.0, 700.0)),
            gesture: StoredValue::new(None),
            busy: RwSignal::new(false),
            moving: RwSignal::new(Vec::new()),
            offset: RwSignal::new((0.0, 0.0)),
            lifted: RwSignal::new(false),
            band: RwSignal::new(None),
            draft: RwSignal::new(None),
            resizing: RwSignal::new(None),
            svg: NodeRef::new(),
        }
    }

    /// Zooms by `factor` around the screen point (sx, sy).
    pub fn zoom_at(&self, factor: f64, sx: f64, sy: f64) {
        self.viewport.update(|v| {
            let zoom = (v.zoom * factor).clamp(0.1, 4.0);
            let (mx, my) = v.model_point(sx, sy);
            v.x = sx - mx * zoom;
            v.y = sy - my * zoom;
            v.zoom = zoom;
        });
    }

    /// Reads the canvas's size on screen.
    pub fn measure(&self) -> (f64, f64) {
        #[cfg(feature = "hydrate")]
        if let Some(el) = self.svg.get_untracked() {
            let rect = el.get_bounding_client_rect();
            if rect.width() > 0.0 && rect.height() > 0.0 {
                self.size.set((rect.width(), rect.height()));
            }
        }
        self.size.get_untracked()
    }

    /// Shows the whole model.
    pub fn fit(&self, model: &ThreatModel) {
        let (bx, by, bw, bh) = crate::diagram::bounds(model, 30.0);
        let (w, h) = self.measure();
        let zoom = (w / bw).min(h / bh).clamp(0.1, 2.0);
        self.viewport.set(Viewport {
            x: (w - bw * zoom) / 2.0 - bx * zoom,
            y: (h - bh * zoom) / 2.0 - by * zoom,
            zoom,
        });
    }

    /// Starts a gesture.
    fn begin(&self, gesture: Gesture) {
        self.gesture.set_value(Some(gesture));
        if !self.busy.get_untracked() {
            self.busy.set(true);
        }
    }

    /// Cancels the gesture in progress (Escape).
    pub fn cancel(&self) -> bool {
        let had = self.gesture.get_value().is_some();
        self.gesture.set_value(None);
        if self.busy.get_untracked() {
            self.busy.set(false);
        }
        // Only what a gesture changed is reset: setting a signal wakes all who read it, and
        // every box reads these.
        if self.moving.with_untracked(|m| !m.is_empty()) {
            self.moving.set(Vec::new());
        }
        if self.offset.get_untracked() != (0.0, 0.0) {
            self.offset.set((0.0, 0.0));
        }
        if self.lifted.get_untracked() {
            self.lifted.set(false);
        }
        if self.band.with_untracked(Option::is_some) {
            self.band.set(None);
        }
        if self.draft.with_untracked(Option::is_some) {
            self.draft.set(None);
        }
        if self.resizing.with_untracked(Option::is_some) {
            self.resizing.set(None);
        }
        had
    }
}

impl Default for Canvas {
    fn default() -> Self {
        Canvas::new()
    }
}

fn snapped(canvas: &Canvas, v: f64) -> f64 {
    if canvas.snap.get_untracked() {
        (v / GRID).round() * GRID
    } else {
        v
    }
}

/// A new element of `kind` centred at (x, y), inside the innermost boundary there.
pub fn new_element(model: &ThreatModel, kind: Kind, x: f64, y: f64) -> Option<Element> {
    let type_name = crate::diagram::kind_type(kind);
    // From text, like every other model read in the browser (one set of readers in the bundle).
    let kind_value: ElementKind =
        serde_json::from_str(&format!(r#"{{"type":"{type_name}"}}"#)).ok()?;
    let (w, h) = if kind.is_boundary() {
        (260.0, 160.0)
    } else {
        (analysis::layout::NODE_WIDTH, analysis::layout::NODE_HEIGHT)
    };
    let round = |v: f64| (v / GRID).round() * GRID;
    Some(Element {
        id: crate::diagram::fresh_id(model, &type_name.replace('_', "-")),
        name: kind.label().to_string(),
        kind: kind_value,
        parent: boundary_at(model, x, y, &[]),
        security_groups: Vec::new(),
        description: String::new(),
        out_of_scope: None,
        geometry: Some(Geometry {
            x: round(x - w / 2.0),
            y: round(y - h / 2.0),
            width: w,
            height: h,
        }),
        attributes: Default::default(),
    })
}

/// The element a flow can start or end at under (x, y): a node, or else a cluster.
fn endpoint_at(model: &ThreatModel, x: f64, y: f64) -> Option<String> {
    let inside = |e: &&Element| {
        let g = geometry_of(e);
        x >= g.x && x <= g.x + g.width && y >= g.y && y <= g.y + g.height
    };
    model
        .elements
        .iter()
        .rev()
        .filter(inside)
        .find(|e| !e.kind.kind().is_boundary() && e.kind.kind().is_flow_endpoint())
        .or_else(|| {
            model
                .elements
                .iter()
                .filter(inside)
                .filter(|e| e.kind.kind().is_flow_endpoint())
                .max_by_key(|e| crate::diagram::depth(model, &e.id))
        })
        .map(|e| e.id.clone())
}

#[cfg(feature = "hydrate")]
fn screen_point(svg: &NodeRef<leptos::svg::Svg>, cx: i32, cy: i32) -> (f64, f64) {
    match svg.get_untracked() {
        Some(el) => {
            let rect = el.get_bounding_client_rect();
            (f64::from(cx) - rect.left(), f64::from(cy) - rect.top())
        }
        None => (f64::from(cx), f64::from(cy)),
    }
}

#[cfg(not(feature = "hydrate"))]
fn screen_point(_svg: &NodeRef<leptos::svg::Svg>, cx: i32, cy: i32) -> (f64, f64) {
    (f64::from(cx), f64::from(cy))
}

#[cfg(feature = "hydrate")]
fn capture(svg: &NodeRef<leptos::svg::Svg>, pointer: i32) {
    if let Some(el) = svg.get_untracked() {
        let _ = el.set_pointer_capture(pointer);
    }
}

#[cfg(not(feature = "hydrate"))]
fn capture(_svg: &NodeRef<leptos::svg::Svg>, _pointer: i32) {}

/// The canvas.
#[component]
pub fn DiagramCanvas(report: Memo<Report>) -> impl IntoView {
    let ed = expect_context::<Editor>();
    let canvas = expect_context::<Canvas>();
    let svg = canvas.svg;

    // Draw order: boundaries outermost first, then flows, then nodes.
    let boundaries = Memo::new(move |_| {
        ed.model.with(|m| {
            let mut list: Vec<(usize, String)> = m
                .elements
                .iter()
                .filter(|e| e.kind.kind().is_boundary())
                .map(|e| (crate::diagram::depth(m, &e.id), e.id.clone()))
                .collect();
            list.sort();
            list.into_iter().map(|(_, id)| id).collect::<Vec<_>>()
        })
    });
    let nodes = Memo::new(move |_| {
        ed.model.with(|m| {
            m.elements
                .iter()
                .filter(|e| !e.kind.kind().is_boundary())
                .map(|e| e.id.clone())
                .collect::<Vec<_>>()
        })
    });
    let flows = Memo::new(move |_| {
        ed.model
            .with(|m| m.flows.iter().map(|f| f.id.clone()).collect::<Vec<_>>())
    });
    let badge_map = Memo::new(move |_| report.with(crate::diagram::badges));
    let highlighted = Memo::new(move |_| {
        let Some(key) = ed.threat.get() else {
            return Vec::new();
        };
        report.with(|r| {
            let Some(f) = r.finding(&key) else {
                return Vec::new();
            };
            let mut ids = vec![f.target.clone()];
            if let Some(asset) = &f.asset {
                if let Some(path) = r
                    .paths
                    .iter()
                    .find(|p| p.entry == f.target && p.target == *asset)
                {
                    for hop in &path.hops {
                        ids.extend([hop.flow.clone(), hop.from.clone(), hop.to.clone()]);
                    }
                }
            }
            ids
        })
    });
    provide_context(BadgeMap(badge_map));
    provide_context(Highlight(highlighted));

    let on_down = move |ev: leptos::ev::PointerEvent| {
        if ev.button() != 0 && ev.button() != 1 {
            return;
        }
        let (sx, sy) = screen_point(&svg, ev.client_x(), ev.client_y());
        capture(&svg, ev.pointer_id());
        if ev.shift_key() && ev.button() == 0 {
            let start = canvas.viewport.get_untracked().model_point(sx, sy);
            canvas.begin(Gesture::Band { start });
            canvas.band.set(Some((start.0, start.1, start.0, start.1)));
        } else {
            if ev.button() == 0 {
                ed.selection.set(Vec::new());
            }
            canvas.begin(Gesture::Pan {
                from: (sx, sy),
                origin: canvas.viewport.get_untracked(),
            });
        }
    };
    let on_move = move |ev: leptos::ev::PointerEvent| {
        let Some(gesture) = canvas.gesture.get_value() else {
            return;
        };
        let (sx, sy) = screen_point(&svg, ev.client_x(), ev.client_y());
        let (mx, my) = canvas.viewport.get_untracked().model_point(sx, sy);
        match gesture {
            Gesture::Pan { from, origin } => canvas.viewport.set(Viewport {
                x: origin.x + sx - from.0,
                y: origin.y + sy - from.1,
                zoom: origin.zoom,
            }),
            Gesture::Move { start, .. } => {
                canvas
                    .gesture
                    .set_value(Some(Gesture::Move { start, moved: true }));
                let offset = (
                    snapped(&canvas, mx - start.0),
                    snapped(&canvas, my - start.1),
                );
                // Between grid steps nothing moves: nothing is woken.
                if canvas.offset.get_untracked() != offset {
                    canvas.offset.set(offset);
                    if !canvas.lifted.get_untracked() {
                        canvas.lifted.set(true);
                    }
                }
            }
            Gesture::Band { start } => canvas.band.set(Some((start.0, start.1, mx, my))),
            Gesture::Flow { source } => {
                let from = ed.model.with_untracked(|m| {
                    m.element(&source)
                        .map(|e| centre(&geometry_of(e)))
                        .unwrap_or((mx, my))
                });
                canvas.draft.set(Some((from, (mx, my))));
            }
            Gesture::Resize {
                id,
                start,
                original,
            } => {
                let g = Geometry {
                    width: snapped(&canvas, (original.width + mx - start.0).max(120.0)),
                    height: snapped(&canvas, (original.height + my - start.1).max(80.0)),
                    ..original
                };
                canvas.resizing.set(Some((id, g)));
            }
        }
    };
    let on_up = move |ev: leptos::ev::PointerEvent| {
        let Some(gesture) = canvas.gesture.get_value() else {
            return;
        };
        let (sx, sy) = screen_point(&svg, ev.client_x(), ev.client_y());
        let (mx, my) = canvas.viewport.get_untracked().model_point(sx, sy);
        match gesture {
            Gesture::Pan { .. } => {}
            Gesture::Move { moved, .. } => {
                let (dx, dy) = canvas.offset.get_untracked();
                let ids = canvas.moving.get_untracked();
                if moved && (dx != 0.0 || dy != 0.0) {
                    let ops = ed.model.with_untracked(|m| move_ops(m, &ids, dx, dy));
                    ed.edit(ops);
                }
            }
            Gesture::Band { start } => {
                let (x0, x1) = (start.0.min(mx), start.0.max(mx));
                let (y0, y1) = (start.1.min(my), start.1.max(my));
                let picked = ed.model.with_untracked(|m| {
                    m.elements
                        .iter()
                        .filter(|e| {
                            let g = geometry_of(e);
                            g.x >= x0 && g.y >= y0 && g.x + g.width <= x1 && g.y + g.height <= y1
                        })
                        .map(|e| e.id.clone())
                        .collect::<Vec<_>>()
                });
                ed.selection.update(|s| {
                    for id in picked {
                        if !s.contains(&id) {
                            s.push(id);
                        }
                    }
                });
            }
            Gesture::Flow { source } => {
                let target = ed.model.with_untracked(|m| endpoint_at(m, mx, my));
                if let Some(target) = target.filter(|t| *t != source) {
                    let flow = ed.model.with_untracked(|m| DataFlow {
                        id: crate::diagram::fresh_id(m, "flow"),
                        name: String::new(),
                        source: source.clone(),
                        target,
                        protocol: "https".to_string(),
                        port: Some(443),
                        encryption: Default::default(),
                        authentication: Default::default(),
                        classification: Default::default(),
                        description: String::new(),
                        out_of_scope: None,
                        waypoints: Vec::new(),
                        attributes: Default::default(),
                    });
                    let id = flow.id.clone();
                    if ed.edit(vec![Operation::AddFlow { flow }]) {
                        ed.selection.set(vec![id]);
                    }
                }
            }
            Gesture::Resize { id, .. } => {
                if let Some((_, g)) = canvas.resizing.get_untracked() {
                    ed.edit(vec![Operation::MoveElement {
                        id,
                        geometry: g,
                        parent: None,
                    }]);
                }
            }
        }
        canvas.cancel();
    };
    let on_wheel = move |ev: leptos::ev::WheelEvent| {
        ev.prevent_default();
        let (sx, sy) = screen_point(&svg, ev.client_x(), ev.client_y());
        let factor = (-ev.delta_y() * 0.0015).exp();
        canvas.zoom_at(factor, sx, sy);
    };
    let on_dragover = move |ev: leptos::ev::DragEvent| ev.prevent_default();
    let on_drop = move |ev: leptos::ev::DragEvent| {
        ev.prevent_default();
        let Some(kind) = dropped_kind(&ev) else {
            return;
        };
        let (sx, sy) = screen_point(&svg, ev.client_x(), ev.client_y());
        let (mx, my) = canvas.viewport.get_untracked().model_point(sx, sy);
        let element = ed.model.with_untracked(|m| new_element(m, kind, mx, my));
        if let Some(element) = element {
            let id = element.id.clone();
            if ed.edit(vec![Operation::AddElement { element }]) {
                ed.selection.set(vec![id]);
            }
        }
    };

    // Fit the model once the canvas is on screen and laid out.
    svg.on_load(move |_| {
        request_animation_frame(move || {
            canvas.measure();
            ed.model.with_untracked(|m| canvas.fit(m));
        });
    });

    let transform = move || {
        let v = canvas.viewport.get();
        format!("translate({:.1} {:.1}) scale({:.4})", v.x, v.y, v.zoom)
    };
    // The copies in the layers over the diagram, in the diagram's order.
    let lifted_boxes = Memo::new(move |_| {
        if !canvas.lifted.get() {
            return Vec::new();
        }
        canvas.moving.with(|moving| {
            boundaries.with(|b| {
                nodes.with(|n| {
                    b.iter()
                        .chain(n)
                        .filter(|id| moving.contains(id))
                        .cloned()
                        .collect::<Vec<_>>()
                })
            })
        })
    });
    let lifted_flows = Memo::new(move |_| {
        if !canvas.lifted.get() {
            return Vec::new();
        }
        canvas.moving.with(|moving| {
            ed.model.with_untracked(|m| {
                m.flows
                    .iter()
                    .filter(|f| moving.contains(&f.source) || moving.contains(&f.target))
                    .map(|f| f.id.clone())
                    .collect::<Vec<_>>()
            })
        })
    });
    // The lift layer follows the drag on the compositor: a transform set through the style
    // object (the pages' policy allows no `style` attribute), in screen pixels. The zoom is
    // read only while there is an offset, so panning does not rerun this on every frame.
    let lift = NodeRef::<leptos::svg::Svg>::new();
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        let (dx, dy) = canvas.offset.get();
        let zoom = if (dx, dy) == (0.0, 0.0) {
            1.0
        } else {
            canvas.viewport.with(|v| v.zoom)
        };
        if let Some(el) = lift.get() {
            let shift = format!("translate({:.2}px, {:.2}px)", dx * zoom, dy * zoom);
            let _ = el.style().set_property("transform", &shift);
        }
    });
    let grid_size = move || format!("{:.2}", GRID * 2.0 * canvas.viewport.get().zoom);
    let grid_transform = move || {
        let v = canvas.viewport.get();
        format!("translate({:.1} {:.1})", v.x, v.y)
    };

    view! {
        <svg
            node_ref=svg
            class=move || if canvas.busy.get() { "canvas busy" } else { "canvas" }
            role="application"
            aria-label="Diagram canvas: drag to pan, Shift-drag to select, wheel to zoom"
            data-testid="canvas"
            on:pointerdown=on_down
            on:pointermove=on_move
            on:pointerup=on_up
            on:pointercancel=move |_| {
                canvas.cancel();
            }
            on:wheel=on_wheel
            on:dragover=on_dragover
            on:drop=on_drop
        >
            <defs>
                <pattern
                    id="grid"
                    patternUnits="userSpaceOnUse"
                    width=grid_size
                    height=grid_size
                    patternTransform=grid_transform
                >
                    <circle cx="1" cy="1" r="0.8" class="grid-dot"></circle>
                </pattern>
                <marker
                    id="arrow"
                    viewBox="0 0 10 10"
                    refX="9"
                    refY="5"
                    markerWidth="8"
                    markerHeight="8"
                    orient="auto-start-reverse"
                >
                    <path d="M0 0 L10 5 L0 10 z" class="arrowhead"></path>
                </marker>
            </defs>
            <rect class="canvas-bg" x="0" y="0" width="100%" height="100%" fill="url(#grid)"></rect>
            <g transform=transform>
                <g class="layer-boundaries">
                    <For each=move || boundaries.get() key=|id| id.clone() let:id>
                        <ElementBox id=id svg=svg/>
                    </For>
                </g>
                <g class="layer-flows">
                    <For each=move || flows.get() key=|id| id.clone() let:id>
                        <FlowLine id=id/>
                    </For>
                </g>
                <g class="layer-nodes">
                    <For each=move || nodes.get() key=|id| id.clone() let:id>
                        <ElementBox id=id svg=svg/>
                    </For>
                </g>
                <ThinPaths report=report/>
            </g>
        </svg>
        <svg class="canvas-layer" aria-hidden="true" data-testid="sketch-layer">
            <g transform=transform>
                <For each=move || lifted_flows.get() key=|id| id.clone() let:id>
                    <FlowLine id=id ghost=true/>
                </For>
                <Overlays/>
            </g>
        </svg>
        <svg node_ref=lift class="canvas-layer lift" aria-hidden="true" data-testid="lift-layer">
            <g transform=transform>
                <For each=move || lifted_boxes.get() key=|id| id.clone() let:id>
                    <ElementBox id=id svg=svg ghost=true/>
                </For>
            </g>
        </svg>
    }
    .erase()
}

/// Severity badges per element or flow id.
#[derive(Clone, Copy)]
struct BadgeMap(Memo<HashMap<String, Severity>>);

/// Ids lit up by the selected threat.
#[derive(Clone, Copy)]
struct Highlight(Memo<Vec<String>>);

#[cfg(feature = "hydrate")]
fn dropped_kind(ev: &leptos::ev::DragEvent) -> Option<Kind> {
    let data = ev.data_transfer()?;
    let value = data.get_data("text/x-rampart-kind").ok()?;
    crate::diagram::kind_from_type(&value)
}

#[cfg(not(feature = "hydrate"))]
fn dropped_kind(_ev: &leptos::ev::DragEvent) -> Option<Kind> {
    None
}

/// The operations for moving `ids` by (dx, dy): every box moves, and those whose parent did
/// not move with them land in the innermost boundary under their new centre.
pub fn move_ops(m: &ThreatModel, ids: &[String], dx: f64, dy: f64) -> Vec<Operation> {
    ids.iter()
        .filter_map(|id| m.element(id))
        .map(|e| {
            let g = geometry_of(e);
            let geometry = Geometry {
                x: g.x + dx,
                y: g.y + dy,
                ..g
            };
            let root = e.parent.as_ref().is_none_or(|p| !ids.contains(p));
            let parent = if root {
                let (cx, cy) = centre(&geometry);
                let new_parent = boundary_at(m, cx, cy, ids);
                (new_parent != e.parent).then_some(new_parent)
            } else {
                None
            };
            Operation::MoveElement {
                id: e.id.clone(),
                geometry,
                parent,
            }
        })
        .collect()
}

/// One element: a boundary (a titled frame) or a node (icon, name, kind), with its badge.
/// A `ghost` is its copy in the lift layer while it is dragged: drawn where the element is in
/// the model (the layer itself follows the drag), without its id or name for tests and
/// assistive technology, which find the original.
#[component]
fn ElementBox(
    id: String,
    svg: NodeRef<leptos::svg::Svg>,
    #[prop(optional)] ghost: bool,
) -> impl IntoView {
    let ed = expect_context::<Editor>();
    let canvas = expect_context::<Canvas>();
    let BadgeMap(badge_map) = expect_context::<BadgeMap>();
    let Highlight(highlight) = expect_context::<Highlight>();
    let key = id.clone();
    let data = Memo::new(move |_| {
        ed.model.with(|m| {
            m.element(&key).map(|e| {
                (
                    e.name.clone(),
                    e.kind.kind(),
                    geometry_of(e),
                    e.out_of_scope.is_some(),
                )
            })
        })
    });
    // Where the box is drawn, and whether it is hidden while its copy is dragged. Memos keep
    // a gesture's signals from reaching every box: a box hears of a move only while it is one
    // of those moving, and of the resize only while it is the one resized.
    let key = id.clone();
    let moving = Memo::new(move |_| canvas.moving.with(|m| m.contains(&key)));
    let lifted = Memo::new(move |_| !ghost && moving.get() && canvas.lifted.get());
    let key = id.clone();
    let resized = Memo::new(move |_| {
        canvas
            .resizing
            .with(|r| r.as_ref().filter(|(rid, _)| *rid == key).map(|(_, g)| *g))
    });
    let geometry = Memo::new(move |_| {
        resized
            .get()
            .or_else(|| data.with(|d| d.as_ref().map(|d| d.2)))
            .unwrap_or_default()
    });
    let key = id.clone();
    let selected = Memo::new(move |_| ed.selection.with(|s| s.contains(&key)));
    let key = id.clone();
    let lit = Memo::new(move |_| highlight.with(|h| h.contains(&key)));
    let key = id.clone();
    let badge = Memo::new(move |_| badge_map.with(|b| b.get(&key).copied()));
    let boundary = data.with_untracked(|d| d.as_ref().is_some_and(|d| d.1.is_boundary()));

    let key = id.clone();
    let on_down = move |ev: leptos::ev::PointerEvent| {
        if ev.button() != 0 {
            return;
        }
        ev.stop_propagation();
        let (sx, sy) = screen_point(&svg, ev.client_x(), ev.client_y());
        capture(&svg, ev.pointer_id());
        if ev.shift_key() {
            ed.selection.update(|s| {
                if let Some(i) = s.iter().position(|x| *x == key) {
                    s.remove(i);
                } else {
                    s.push(key.clone());
                }
            });
            return;
        }
        if !ed.selection.with_untracked(|s| s.contains(&key)) {
            ed.selection.set(vec![key.clone()]);
        }
        // Reading only: selecting shows the properties, nothing moves.
        if !ed.access.get_untracked().edit {
            return;
        }
        let ids = ed.model.with_untracked(|m| {
            let mut ids: Vec<String> = Vec::new();
            for s in ed.selection.get_untracked() {
                if m.element(&s).is_some() {
                    for d in with_descendants(m, &s) {
                        if !ids.contains(&d) {
                            ids.push(d);
                        }
                    }
                }
            }
            ids
        });
        let start = canvas.viewport.get_untracked().model_point(sx, sy);
        canvas.moving.set(ids);
        canvas.offset.set((0.0, 0.0));
        canvas.begin(Gesture::Move {
            start,
            moved: false,
        });
    };
    let key = id.clone();
    let on_handle = move |ev: leptos::ev::PointerEvent| {
        ev.stop_propagation();
        if !ed.access.get_untracked().edit {
            return;
        }
        capture(&svg, ev.pointer_id());
        canvas.begin(Gesture::Flow {
            source: key.clone(),
        });
    };
    let key = id.clone();
    let on_resize = move |ev: leptos::ev::PointerEvent| {
        ev.stop_propagation();
        if !ed.access.get_untracked().edit {
            return;
        }
        let (sx, sy) = screen_point(&svg, ev.client_x(), ev.client_y());
        capture(&svg, ev.pointer_id());
        let original = data
            .with_untracked(|d| d.as_ref().map(|d| d.2))
            .unwrap_or_default();
        canvas.begin(Gesture::Resize {
            id: key.clone(),
            start: canvas.viewport.get_untracked().model_point(sx, sy),
            original,
        });
    };

    let class = move || {
        let mut c = String::from(if boundary { "el boundary" } else { "el node" });
        if let Some(kind) = data.with(|d| d.as_ref().map(|d| d.1)) {
            c.push_str(" k-");
            c.push_str(&crate::diagram::kind_type(kind));
        }
        if selected.get() {
            c.push_str(" selected");
        }
        if lit.get() {
            c.push_str(" lit");
        }
        if data.with(|d| d.as_ref().is_some_and(|d| d.3)) {
            c.push_str(" out-of-scope");
        }
        if lifted.get() {
            c.push_str(" lifted");
        }
        c
    };
    let label = move || data.with(|d| d.as_ref().map(|d| d.0.clone()).unwrap_or_default());
    let kind_text = move || data.with(|d| d.as_ref().map(|d| d.1.label()).unwrap_or_default());
    // The icon and the badge are placed by coordinates, not by transformed groups (see
    // `place_path`). The icon follows the kind alone, not every move or rename of the box.
    let kind = Memo::new(move |_| data.with(|d| d.as_ref().map(|d| d.1)));
    let icon = move || {
        let (scale, x, y) = if boundary {
            (0.75, 8.0, 4.0)
        } else {
            (1.1, 10.0, 10.0)
        };
        kind.get()
            .map(|k| place_path(kind_icon(k), scale, x, y))
            .unwrap_or_default()
    };
    let (badge_x, badge_y) = if boundary { ("12", "-4") } else { ("4", "4") };
    let aria = move || {
        if ghost {
            return None;
        }
        let sev = badge
            .get()
            .map(|s| format!(", highest open risk {}", crate::diagram::severity_label(s)))
            .unwrap_or_default();
        Some(format!("{} ({}){sev}", label(), kind_text()))
    };
    let translate = move || {
        let g = geometry.get();
        format!("translate({:.1} {:.1})", g.x, g.y)
    };
    let width = move || format!("{:.1}", geometry.get().width);
    let height = move || format!("{:.1}", geometry.get().height);
    let mid_y = move || format!("{:.1}", geometry.get().height / 2.0);
    let corner_x = move || format!("{:.1}", geometry.get().width - 12.0);
    let corner_y = move || format!("{:.1}", geometry.get().height - 12.0);
    let badge_view = move || {
        badge.get().map(|s| {
            view! {
                <circle class=format!("badge {}", severity_class(s)) cx=badge_x cy=badge_y r="7">
                    <title>{format!("Highest open risk: {}", crate::diagram::severity_label(s))}</title>
                </circle>
            }
        })
    };
    let id_attr = (!ghost).then(|| id.clone());

    if boundary {
        view! {
            <g class=class transform=translate data-element-id=id_attr aria-label=aria on:pointerdown=on_down>
                <rect class="frame" rx="10" width=width height=height></rect>
                <rect class="frame-title" rx="10" height="26" width=width></rect>
                <g class="icon">
                    <path d=icon></path>
                </g>
                <text class="title" x="30" y="18">{label}</text>
                {badge_view}
                <rect class="resize" x=corner_x y=corner_y width="12" height="12" on:pointerdown=on_resize>
                    <title>"Drag to resize"</title>
                </rect>
            </g>
        }
        .erase()
    } else {
        view! {
            <g class=class transform=translate data-element-id=id_attr aria-label=aria on:pointerdown=on_down>
                <rect class="box" rx="8" width=width height=height></rect>
                <g class="icon">
                    <path d=icon></path>
                </g>
                <text class="name" x="44" y="26">{label}</text>
                <text class="kind" x="44" y="44">{kind_text}</text>
                {badge_view}
                <circle class="handle" cx=width cy=mid_y r="6" on:pointerdown=on_handle>
                    <title>"Drag to another element to draw a data flow"</title>
                </circle>
            </g>
        }
        .erase()
    }
}

/// A data flow: a line with an arrowhead from source to target and its protocol label. A
/// `ghost` is its copy in the sketch layer while an end of it is dragged: it follows the drag,
/// and the original is hidden.
#[component]
fn FlowLine(id: String, #[prop(optional)] ghost: bool) -> impl IntoView {
    let ed = expect_context::<Editor>();
    let canvas = expect_context::<Canvas>();
    let BadgeMap(badge_map) = expect_context::<BadgeMap>();
    let Highlight(highlight) = expect_context::<Highlight>();
    let key = id.clone();
    let ends = Memo::new(move |_| {
        ed.model
            .with(|m| m.flow(&key).map(|f| (f.source.clone(), f.target.clone())))
    });
    let dragged_end = Memo::new(move |_| {
        canvas.moving.with(|m| {
            ends.with(|e| {
                e.as_ref()
                    .is_some_and(|(s, t)| m.contains(s) || m.contains(t))
            })
        })
    });
    let lifted = Memo::new(move |_| !ghost && dragged_end.get() && canvas.lifted.get());
    let key = id.clone();
    let shape = Memo::new(move |_| {
        let (moving, offset) = if ghost && dragged_end.get() {
            (canvas.moving.get(), canvas.offset.get())
        } else {
            (Vec::new(), (0.0, 0.0))
        };
        ed.model.with(|m| {
            let f = m.flow(&key)?;
            let end = |id: &str| {
                let mut g = geometry_of(m.element(id)?);
                if moving.iter().any(|x| x == id) {
                    g.x += offset.0;
                    g.y += offset.1;
                }
                Some(g)
            };
            let (s, t) = (end(&f.source)?, end(&f.target)?);
            let waypoints: Vec<(f64, f64)> = f.waypoints.iter().map(|p| (p.x, p.y)).collect();
            let points = flow_points(&s, &t, &waypoints);
            Some((
                path_data(&points),
                midpoint(&points),
                flow_label(f),
                f.out_of_scope.is_some(),
            ))
        })
    });
    let key = id.clone();
    let selected = Memo::new(move |_| ed.selection.with(|s| s.contains(&key)));
    let key = id.clone();
    let lit = Memo::new(move |_| highlight.with(|h| h.contains(&key)));
    let key = id.clone();
    let badge = Memo::new(move |_| badge_map.with(|b| b.get(&key).copied()));
    let key = id.clone();
    let on_down = move |ev: leptos::ev::PointerEvent| {
        if ev.button() != 0 {
            return;
        }
        ev.stop_propagation();
        if ev.shift_key() {
            ed.selection.update(|s| s.push(key.clone()));
        } else {
            ed.selection.set(vec![key.clone()]);
        }
    };
    let class = move || {
        let mut c = String::from("flow");
        if lifted.get() {
            c.push_str(" lifted");
        }
        if selected.get() {
            c.push_str(" selected");
        }
        if lit.get() {
            c.push_str(" lit");
        }
        if let Some(s) = badge.get() {
            c.push(' ');
            c.push_str(severity_class(s));
        }
        c
    };
    let d = move || shape.with(|s| s.as_ref().map(|s| s.0.clone()).unwrap_or_default());
    let lx = move || {
        shape.with(|s| {
            s.as_ref()
                .map(|s| format!("{:.1}", s.1 .0))
                .unwrap_or_default()
        })
    };
    let ly = move || {
        shape.with(|s| {
            s.as_ref()
                .map(|s| format!("{:.1}", s.1 .1 - 6.0))
                .unwrap_or_default()
        })
    };
    let text = move || shape.with(|s| s.as_ref().map(|s| s.2.clone()).unwrap_or_default());
    let id_attr = (!ghost).then_some(id);
    view! {
        <g class=class data-flow-id=id_attr on:pointerdown=on_down>
            <path class="hit" d=d></path>
            <path class="line" d=d marker-end="url(#arrow)"></path>
            <text class="flow-label" x=lx y=ly text-anchor="middle">{text}</text>
        </g>
    }
    .erase()
}

/// Defence-in-depth paths thinner than required, drawn through their hops when asked.
#[component]
fn ThinPaths(report: Memo<Report>) -> impl IntoView {
    let ed = expect_context::<Editor>();
    let canvas = expect_context::<Canvas>();
    let paths = move || {
        if !canvas.show_paths.get() {
            return Vec::new();
        }
        let min = report.with(|r| r.min_depth);
        report.with(|r| {
            ed.model.with(|m| {
                r.paths
                    .iter()
                    .filter(|p| p.layers < min)
                    .filter_map(|p| {
                        let mut points = Vec::new();
                        for hop in &p.hops {
                            if points.is_empty() {
                                points.push(centre(&geometry_of(m.element(&hop.from)?)));
                            }
                            points.push(centre(&geometry_of(m.element(&hop.to)?)));
                        }
                        Some((
                            path_data(&points),
                            format!("{} → {}: {} layer(s)", p.entry, p.target, p.layers),
                        ))
                    })
                    .collect::<Vec<_>>()
            })
        })
    };
    view! {
        <g class="thin-paths">
            {move || {
                paths()
                    .into_iter()
                    .map(|(d, title)| view! { <path class="thin-path" d=d><title>{title}</title></path> })
                    .collect_view()
            }}
        </g>
    }
    .erase()
}

/// The rubber band and the flow being drawn.
#[component]
fn Overlays() -> impl IntoView {
    let canvas = expect_context::<Canvas>();
    let band = move || {
        canvas.band.get().map(|(x0, y0, x1, y1)| {
            view! {
                <rect
                    class="band"
                    x=format!("{:.1}", x0.min(x1))
                    y=format!("{:.1}", y0.min(y1))
                    width=format!("{:.1}", (x1 - x0).abs())
                    height=format!("{:.1}", (y1 - y0).abs())
                ></rect>
            }
        })
    };
    let draft = move || {
        canvas.draft.get().map(|(a, b)| {
            view! { <path class="draft" d=path_data(&[a, b]) marker-end="url(#arrow)"></path> }
        })
    };
    view! { <g class="overlays">{band} {draft}</g> }
}
