//! `/models/:id`: the diagram editor. The palette on the left, the canvas in the middle, the
//! selection's properties and the live threats on the right; a toolbar with the save state,
//! undo and redo, zoom and the way to the register and versions. The engine runs in the
//! browser on every edit (`analysis::analyze` over the working copy), so threats follow the
//! drawing at once; edits reach the server as operations (see [`state`]).
//!
//! Keys (outside text fields): Ctrl+Z undo, Ctrl+Shift+Z or Ctrl+Y redo, Delete remove the
//! selection, arrows nudge it (Shift: by 1), Ctrl+C / Ctrl+V copy and paste, Ctrl+A select all,
//! Escape cancel the gesture or clear the selection, + and - zoom, 0 fit.

mod canvas;
mod panels;
pub mod state;
mod threats;

use crate::components::VersionsPanel;
use crate::erase::{Erase, When};
use crate::hooks::{use_hydrated, use_signin_redirect};
#[cfg(feature = "hydrate")]
use analysis::model::{DataFlow, Element};
#[cfg(feature = "hydrate")]
use analysis::Operation;
use analysis::{analyze, Options};
use canvas::{Canvas, DiagramCanvas};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
#[cfg(feature = "hydrate")]
use panels::delete_selection;
use panels::{Palette, Properties};
use state::{Editor, SaveState};
use threats::ThreatsPanel;

/// What the right-hand panel shows.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Tab {
    Properties,
    Threats,
    Versions,
}

/// The editor page.
#[component]
pub fn EditorPage() -> impl IntoView {
    let api = crate::api::use_api();
    let hydrated = use_hydrated();
    let params = use_params_map();
    let model_id = params.with_untracked(|p| p.get("id")).unwrap_or_default();
    let ed = Editor::new(api, model_id.clone());
    let canvas = Canvas::new();
    provide_context(ed);
    provide_context(canvas);
    let redirect = use_signin_redirect();
    Effect::new(move |_| {
        if hydrated.get() {
            ed.load();
        }
    });
    Effect::new(move |_| {
        if let Some(Err(err)) = ed.loaded.get() {
            redirect(&err);
        }
    });
    let report = Memo::new(move |_| ed.model.with(|m| analyze(m, &Options::default())));
    let tab = RwSignal::new(Tab::Threats);
    // Selecting something shows its properties; choosing a threat shows the threats.
    Effect::new(move |previous: Option<usize>| {
        let n = ed.selection.with(Vec::len);
        if n > 0 && previous.is_some() {
            tab.set(Tab::Properties);
        }
        n
    });
    Effect::new(move |previous: Option<Option<String>>| {
        let t = ed.threat.get();
        if t.is_some() && previous.is_some() {
            tab.set(Tab::Threats);
        }
        t
    });
    #[cfg(feature = "hydrate")]
    keyboard(ed, canvas);

    let body = move || match ed.loaded.get() {
        None => view! { <p class="loading" role="status">"Loading the model…"</p> }.erase(),
        Some(Err(err)) => view! {
            <div class="page">
                <h1>"Model"</h1>
                <p class="form-error" role="alert">{err.to_string()}</p>
                <p><a href="/models">"Back to the models"</a></p>
            </div>
        }
        .erase(),
        Some(Ok(())) => view! { <Workbench report=report tab=tab hydrated=hydrated/> }.erase(),
    };
    view! {
        <Title text=move || ed.model.with(|m| if m.name.is_empty() { "Model".to_string() } else { m.name.clone() })/>
        <div class="editor-page" data-hydrated=move || hydrated.get().to_string()>
            {body}
        </div>
    }
    .erase()
}

#[component]
fn Workbench(
    report: Memo<Report>,
    tab: RwSignal<Tab>,
    hydrated: ReadSignal<bool>,
) -> impl IntoView {
    let ed = expect_context::<Editor>();
    let model_id = ed.model_id.get_value();
    let tab_button = move |which: Tab, label: &'static str| {
        view! {
            <button
                type="button"
                role="tab"
                class="tab"
                aria-selected=move || (tab.get() == which).to_string()
                on:click=move |_| tab.set(which)
            >
                {label}
            </button>
        }
    };
    let revision = Signal::derive(move || ed.revision.get());
    view! {
        <Toolbar/>
        <Notice/>
        <div class="workbench">
            <Palette hydrated=hydrated/>
            <div class="canvas-wrap">
                <DiagramCanvas report=report/>
                <Overview/>
            </div>
            <aside class="side">
                <div class="tabs" role="tablist" aria-label="Panels">
                    {tab_button(Tab::Properties, "Properties")}
                    {tab_button(Tab::Threats, "Threats")}
                    {tab_button(Tab::Versions, "Versions")}
                </div>
                // The properties and the threats stay mounted and are only hidden: in a large
                // model, unmounting thousands of threat rows because a click selected something
                // froze the page for most of a second. The versions are fetched when shown.
                <div class="tab-body" role="tabpanel" aria-label="Properties" hidden=move || tab.get() != Tab::Properties>
                    <Properties/>
                </div>
                <div class="tab-body" role="tabpanel" aria-label="Threats" hidden=move || tab.get() != Tab::Threats>
                    <ThreatsPanel report=report/>
                </div>
                <div class="tab-body" role="tabpanel" aria-label="Versions" hidden=move || tab.get() != Tab::Versions>
                    <When when=move || tab.get() == Tab::Versions>
                        <VersionsPanel model_id=model_id.clone() revision=revision can_save=Signal::derive(move || ed.access.get().edit)/>
                    </When>
                </div>
            </aside>
        </div>
    }
}

use analysis::Report;

/// The toolbar: name, save state, undo and redo, zoom, and links.
#[component]
fn Toolbar() -> impl IntoView {
    let ed = expect_context::<Editor>();
    let canvas = expect_context::<Canvas>();
    let id = ed.model_id.get_value();
    let save_text = move || match ed.save.get() {
        _ if !ed.access.get().edit => "Read only".to_string(),
        SaveState::Saved => "All changes saved".to_string(),
        SaveState::Saving => format!("Saving {} change(s)…", ed.pending_count.get().max(1)),
        SaveState::Offline(reason) => format!("Offline: {reason} Edits are kept and retried."),
        SaveState::Refused(reason) => reason,
    };
    let save_class = move || match ed.save.get() {
        _ if !ed.access.get().edit => "save-state read-only",
        SaveState::Saved => "save-state saved",
        SaveState::Saving => "save-state saving",
        SaveState::Offline(_) => "save-state offline",
        SaveState::Refused(_) => "save-state refused",
    };
    let zoom_by = move |factor: f64| {
        let (w, h) = canvas.measure();
        canvas.zoom_at(factor, w / 2.0, h / 2.0);
    };
    view! {
        <div class="toolbar" role="toolbar" aria-label="Editor">
            <a class="back" href="/models" aria-label="All models">"←"</a>
            <h1 class="model-name">{move || ed.model.with(|m| m.name.clone())}</h1>
            <span
                class=save_class
                role="status"
                data-testid="save-state"
                title=move || (!ed.access.get().edit).then_some(state::READ_ONLY)
            >
                {save_text}
            </span>
            <When when=move || matches!(ed.save.get(), SaveState::Offline(_))>
                <button type="button" class="secondary small" on:click=move |_| ed.flush()>"Retry now"</button>
            </When>
            <span class="spacer"></span>
            <button type="button" class="icon-button" title="Undo (Ctrl+Z)" aria-label="Undo" disabled=move || ed.history.get().0 == 0 on:click=move |_| ed.undo()>"↶"</button>
            <button type="button" class="icon-button" title="Redo (Ctrl+Shift+Z)" aria-label="Redo" disabled=move || ed.history.get().1 == 0 on:click=move |_| ed.redo()>"↷"</button>
            <button type="button" class="icon-button" title="Zoom out (-)" aria-label="Zoom out" on:click=move |_| zoom_by(1.0 / 1.25)>"−"</button>
            <span class="zoom" aria-label="Zoom level">{move || format!("{:.0}%", canvas.viewport.get().zoom * 100.0)}</span>
            <button type="button" class="icon-button" title="Zoom in (+)" aria-label="Zoom in" on:click=move |_| zoom_by(1.25)>"+"</button>
            <button type="button" class="secondary small" title="Fit to screen (0)" on:click=move |_| ed.model.with_untracked(|m| canvas.fit(m))>"Fit"</button>
            <label class="check small">
                <input type="checkbox" prop:checked=move || canvas.snap.get() on:change=move |ev| canvas.snap.set(event_target_checked(&ev))/>
                " Snap"
            </label>
            <label class="check small">
                <input type="checkbox" prop:checked=move || canvas.show_paths.get() on:change=move |ev| canvas.show_paths.set(event_target_checked(&ev))/>
                " Thin paths"
            </label>
            <a class="button secondary small" href=format!("/models/{id}/register")>"Register"</a>
            <a class="button secondary small" href=format!("/api/v1/models/{id}/diagram?format=svg") download="" title="Download the diagram as an SVG file">"SVG"</a>
            <a class="button secondary small" href=format!("/api/v1/models/{id}/diagram?format=png") download="" title="Download the diagram as a PNG image">"PNG"</a>
        </div>
    }
    .erase()
}

/// A message about a conflict or a refused edit, until dismissed.
#[component]
fn Notice() -> impl IntoView {
    let ed = expect_context::<Editor>();
    move || {
        ed.notice.get().map(|text| {
            view! {
                <div class="notice" role="alert" data-testid="notice">
                    <span>{text}</span>
                    <button type="button" class="secondary small" on:click=move |_| ed.notice.set(None)>"Dismiss"</button>
                </div>
            }
        })
    }
}

/// A small map of the whole model with the visible area; click to go there.
#[component]
fn Overview() -> impl IntoView {
    let ed = expect_context::<Editor>();
    let canvas = expect_context::<Canvas>();
    let bounds = Memo::new(move |_| ed.model.with(|m| crate::diagram::bounds(m, 40.0)));
    let boxes = Memo::new(move |_| {
        ed.model.with(|m| {
            m.elements
                .iter()
                .filter(|e| e.parent.is_none() || !e.kind.kind().is_boundary())
                .map(|e| (crate::diagram::geometry_of(e), e.kind.kind().is_boundary()))
                .collect::<Vec<_>>()
        })
    });
    let view_box = move || {
        let (x, y, w, h) = bounds.get();
        format!("{x:.0} {y:.0} {w:.0} {h:.0}")
    };
    let visible = move || {
        let v = canvas.viewport.get();
        let (w, h) = canvas.size.get();
        let (x0, y0) = v.model_point(0.0, 0.0);
        (x0, y0, w / v.zoom, h / v.zoom)
    };
    let on_click = move |ev: leptos::ev::MouseEvent| {
        let (bx, by, bw, bh) = bounds.get_untracked();
        let (ox, oy) = (f64::from(ev.offset_x()), f64::from(ev.offset_y()));
        // The overview is 180 × 120 with the bounds fitted inside (preserveAspectRatio meet).
        let scale = (180.0 / bw).min(120.0 / bh);
        let (px, py) = ((180.0 - bw * scale) / 2.0, (120.0 - bh * scale) / 2.0);
        let (mx, my) = (bx + (ox - px) / scale, by + (oy - py) / scale);
        let (w, h) = canvas.size.get_untracked();
        canvas.viewport.update(|v| {
            v.x = w / 2.0 - mx * v.zoom;
            v.y = h / 2.0 - my * v.zoom;
        });
    };
    view! {
        <svg class="overview" viewBox=view_box width="180" height="120" role="img" aria-label="Overview of the whole model; click to go there" on:click=on_click>
            {move || boxes.get().into_iter().map(|(g, b)| view! {
                <rect class=if b { "ov-boundary" } else { "ov-node" } x=g.x y=g.y width=g.width height=g.height></rect>
            }).collect_view()}
            {move || {
                let (x, y, w, h) = visible();
                view! { <rect class="ov-view" x=x y=y width=w height=h></rect> }
            }}
        </svg>
    }
    .erase()
}

/// The editor's keys, on the window while the page is open.
#[cfg(feature = "hydrate")]
fn keyboard(ed: Editor, canvas: Canvas) {
    use leptos::wasm_bindgen::JsCast;
    let clipboard = StoredValue::new((Vec::<Element>::new(), Vec::<DataFlow>::new()));
    let handle =
        window_event_listener(leptos::ev::keydown, move |ev: leptos::ev::KeyboardEvent| {
            let typing = ev
                .target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                .map(|el| matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT"))
                .unwrap_or(false);
            if typing {
                return;
            }
            let ctrl = ev.ctrl_key() || ev.meta_key();
            let key = ev.key();
            let handled = match key.as_str() {
                "z" | "Z" if ctrl && ev.shift_key() => {
                    ed.redo();
                    true
                }
                "z" | "Z" if ctrl => {
                    ed.undo();
                    true
                }
                "y" | "Y" if ctrl => {
                    ed.redo();
                    true
                }
                "Delete" | "Backspace" => {
                    let ids = ed.selection.get_untracked();
                    if !ids.is_empty() {
                        delete_selection(ed, &ids);
                    }
                    !ids.is_empty()
                }
                "Escape" => {
                    if !canvas.cancel() {
                        ed.selection.set(Vec::new());
                        ed.threat.set(None);
                    }
                    true
                }
                "ArrowLeft" | "ArrowRight" | "ArrowUp" | "ArrowDown" => {
                    let step = if ev.shift_key() { 1.0 } else { canvas::GRID };
                    let (dx, dy) = match key.as_str() {
                        "ArrowLeft" => (-step, 0.0),
                        "ArrowRight" => (step, 0.0),
                        "ArrowUp" => (0.0, -step),
                        _ => (0.0, step),
                    };
                    let ops = ed.model.with_untracked(|m| {
                        let mut ids = Vec::new();
                        for s in ed.selection.get_untracked() {
                            if m.element(&s).is_some() {
                                for d in crate::diagram::with_descendants(m, &s) {
                                    if !ids.contains(&d) {
                                        ids.push(d);
                                    }
                                }
                            }
                        }
                        canvas::move_ops(m, &ids, dx, dy)
                    });
                    let any = !ops.is_empty();
                    ed.edit(ops);
                    any
                }
                "a" | "A" if ctrl => {
                    let all = ed
                        .model
                        .with_untracked(|m| m.elements.iter().map(|e| e.id.clone()).collect());
                    ed.selection.set(all);
                    true
                }
                "c" | "C" if ctrl => {
                    let ids = ed.selection.get_untracked();
                    ed.model.with_untracked(|m| {
                        let elements: Vec<Element> = m
                            .elements
                            .iter()
                            .filter(|e| ids.contains(&e.id))
                            .cloned()
                            .collect();
                        let flows: Vec<DataFlow> = m
                            .flows
                            .iter()
                            .filter(|f| ids.contains(&f.source) && ids.contains(&f.target))
                            .cloned()
                            .collect();
                        clipboard.set_value((elements, flows));
                    });
                    true
                }
                "v" | "V" if ctrl => {
                    let (elements, flows) = clipboard.get_value();
                    if elements.is_empty() {
                        false
                    } else {
                        let (ops, ids) =
                            ed.model.with_untracked(|m| paste_ops(m, &elements, &flows));
                        if ed.edit(ops) {
                            ed.selection.set(ids);
                        }
                        true
                    }
                }
                "+" | "=" => {
                    let (w, h) = canvas.size.get_untracked();
                    canvas.zoom_at(1.25, w / 2.0, h / 2.0);
                    true
                }
                "-" => {
                    let (w, h) = canvas.size.get_untracked();
                    canvas.zoom_at(0.8, w / 2.0, h / 2.0);
                    true
                }
                "0" => {
                    ed.model.with_untracked(|m| canvas.fit(m));
                    true
                }
                _ => false,
            };
            if handled {
                ev.prevent_default();
            }
        });
    on_cleanup(move || handle.remove());
}

#[cfg(feature = "hydrate")]
/// Copies of `elements` (and the flows among them) with fresh ids, 30 units lower right;
/// parents inside the copy follow it, the others stay.
fn paste_ops(
    m: &analysis::ThreatModel,
    elements: &[Element],
    flows: &[DataFlow],
) -> (Vec<Operation>, Vec<String>) {
    let mut scratch = m.clone();
    let mut renamed = std::collections::HashMap::new();
    for e in elements {
        let id = crate::diagram::fresh_id(&scratch, &e.id);
        renamed.insert(e.id.clone(), id.clone());
        let mut placeholder = e.clone();
        placeholder.id = id;
        scratch.elements.push(placeholder);
    }
    let mut ops = Vec::new();
    let mut ids = Vec::new();
    for e in elements {
        let mut copy = e.clone();
        copy.id = renamed[&e.id].clone();
        copy.name = format!("{} (copy)", e.name);
        if let Some(p) = &e.parent {
            if let Some(np) = renamed.get(p) {
                copy.parent = Some(np.clone());
            }
        }
        if let Some(g) = copy.geometry.as_mut() {
            g.x += 30.0;
            g.y += 30.0;
        }
        ids.push(copy.id.clone());
        ops.push(Operation::AddElement { element: copy });
    }
    for f in flows {
        let mut copy = f.clone();
        copy.id = crate::diagram::fresh_id(&scratch, &f.id);
        scratch.flows.push(copy.clone());
        copy.source = renamed[&f.source].clone();
        copy.target = renamed[&f.target].clone();
        copy.waypoints.clear();
        ops.push(Operation::AddFlow { flow: copy });
    }
    (ops, ids)
}
