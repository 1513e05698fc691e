//! The live threats panel: the engine's findings for the working copy (recomputed in the
//! browser on every edit), grouped by STRIDE category or by element, with counts; a threat's
//! details (why it fired, DREAD with the default and any override, status with its
//! justification, owner, due date, notes, controls); a person's own threat on any element or
//! flow; suppressing a rule for the model.

use super::state::Editor;
use crate::diagram::{severity_class, severity_label};
use crate::erase::{Erase, When};
use analysis::model::{Decision, Status, Stride, UserThreat};
use analysis::{Dread, Finding, Operation, Report};
use leptos::prelude::*;

const STATUSES: [(Status, &str); 5] = [
    (Status::Open, "Open"),
    (Status::Mitigated, "Mitigated"),
    (Status::Accepted, "Accepted"),
    (Status::Transferred, "Transferred"),
    (Status::NotApplicable, "Not applicable"),
];

fn status_label(s: Status) -> &'static str {
    STATUSES
        .iter()
        .find(|(x, _)| *x == s)
        .map(|(_, l)| *l)
        .unwrap_or("Open")
}

/// How the list is grouped.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Grouping {
    Stride,
    Element,
}

/// The threats panel.
#[component]
pub fn ThreatsPanel(report: Memo<Report>) -> impl IntoView {
    let ed = expect_context::<Editor>();
    let grouping = RwSignal::new(Grouping::Stride);
    let only_selection = RwSignal::new(false);
    let counts = move || {
        report.with(|r| {
            let open = r.findings.iter().filter(|f| f.is_open()).count();
            format!(
                "{}, {open} open",
                crate::browser::count(r.findings.len(), "threat")
            )
        })
    };
    let groups = Memo::new(move |_| {
        let selection = ed.selection.get();
        let only = only_selection.get();
        let by = grouping.get();
        let names = ed.model.with(|m| {
            m.elements
                .iter()
                .map(|e| (e.id.clone(), e.name.clone()))
                .chain(m.flows.iter().map(|f| {
                    let label = if f.name.is_empty() {
                        format!("{} → {}", f.source, f.target)
                    } else {
                        f.name.clone()
                    };
                    (f.id.clone(), label)
                }))
                .collect::<std::collections::HashMap<_, _>>()
        });
        report.with(|r| {
            let mut groups: Vec<(String, Vec<Row>)> = Vec::new();
            for f in &r.findings {
                if only && !selection.contains(&f.target) {
                    continue;
                }
                let group = match by {
                    Grouping::Stride => f.stride.to_string(),
                    Grouping::Element => names
                        .get(&f.target)
                        .cloned()
                        .unwrap_or_else(|| f.target.clone()),
                };
                let row = Row {
                    key: f.key.clone(),
                    title: f.title.clone(),
                    target: names
                        .get(&f.target)
                        .cloned()
                        .unwrap_or_else(|| f.target.clone()),
                    severity: f.severity,
                    open: f.is_open(),
                    status: f.status,
                    user: f.rule == "user",
                };
                match groups.iter_mut().find(|(g, _)| *g == group) {
                    Some((_, rows)) => rows.push(row),
                    None => groups.push((group, vec![row])),
                }
            }
            if by == Grouping::Stride {
                groups.sort_by_key(|(g, _)| {
                    Stride::ALL
                        .iter()
                        .position(|s| s.to_string() == *g)
                        .unwrap_or(9)
                });
            } else {
                groups.sort_by(|a, b| a.0.cmp(&b.0));
            }
            groups
        })
    });
    let empty = Memo::new(move |_| groups.with(Vec::is_empty));
    let list = move || {
        // Keyed by content: an edit re-renders only the groups whose threats changed.
        view! {
            <When when=move || !empty.get()>
                <For each=move || groups.get() key=|group| group.clone() let:group>
                    <ThreatGroup name=group.0 rows=group.1/>
                </For>
            </When>
            <When when=move || empty.get()>
                <p class="empty">
                    {move || if only_selection.get() {
                        "No threats on the selection."
                    } else {
                        "No threats yet. Add elements and flows; threats appear as you draw."
                    }}
                </p>
            </When>
        }
        .erase()
    };
    view! {
        <section class="threats" aria-label="Threats">
            <header class="panel-head">
                <h2>"Threats"</h2>
                <span class="hint" data-testid="threat-count" aria-live="polite">{counts}</span>
            </header>
            <div class="panel-tools">
                <label>
                    "Group by "
                    <select on:change=move |ev| grouping.set(if event_target_value(&ev) == "element" { Grouping::Element } else { Grouping::Stride })>
                        <option value="stride">"STRIDE"</option>
                        <option value="element">"Element"</option>
                    </select>
                </label>
                <label class="check">
                    <input type="checkbox" prop:checked=move || only_selection.get() on:change=move |ev| only_selection.set(event_target_checked(&ev))/>
                    " Selection only"
                </label>
            </div>
            <div class="threat-list" data-testid="threat-list">{list}</div>
            <When when=move || ed.threat.with(Option::is_some)>
                <ThreatDetails report=report/>
            </When>
            <NewThreat/>
        </section>
    }
    .erase()
}

#[derive(Clone, PartialEq, Eq, Hash)]
struct Row {
    key: String,
    title: String,
    target: String,
    severity: analysis::Severity,
    open: bool,
    status: Status,
    user: bool,
}

#[component]
fn ThreatGroup(name: String, rows: Vec<Row>) -> impl IntoView {
    let open = rows.iter().filter(|r| r.open).count();
    view! {
        <details class="threat-group" open=true>
            <summary>
                <span>{name}</span>
                <span class="count" aria-label=format!("{}, {open} open", crate::browser::count(rows.len(), "threat"))>
                    {format!("{} · {open} open", rows.len())}
                </span>
            </summary>
            <ul>{rows.into_iter().map(|row| view! { <ThreatRow row=row/> }).collect_view()}</ul>
        </details>
    }
    .erase()
}

#[component]
fn ThreatRow(row: Row) -> impl IntoView {
    let ed = expect_context::<Editor>();
    let key = row.key.clone();
    let current = Memo::new(move |_| ed.threat.get().as_deref() == Some(key.as_str()));
    let key = row.key.clone();
    let status =
        (!row.open).then(|| view! { <span class="status">{status_label(row.status)}</span> });
    view! {
        <li>
            <button
                type="button"
                class=move || if current.get() { "threat-row current" } else { "threat-row" }
                aria-pressed=move || current.get().to_string()
                data-threat-key=row.key.clone()
                on:click=move |_| ed.threat.set(Some(key.clone()))
            >
                <span class=format!("sev {}", severity_class(row.severity))>{severity_label(row.severity)}</span>
                <span class="threat-title">{row.title.clone()}</span>
                <span class="threat-target">{row.target.clone()}{row.user.then_some(" · own")}</span>
                {status}
            </button>
        </li>
    }
    .erase()
}

/// Five DREAD sliders bound to `values`.
#[component]
fn DreadSliders(values: [RwSignal<u8>; 5], prefix: &'static str) -> impl IntoView {
    const NAMES: [&str; 5] = [
        "Damage",
        "Reproducibility",
        "Exploitability",
        "Affected users",
        "Discoverability",
    ];
    NAMES
        .iter()
        .zip(values)
        .map(|(name, value)| {
            let id = format!("{prefix}-{}", name.to_lowercase().replace(' ', "-"));
            view! {
                <div class="factor compact">
                    <label for=id.clone()>{*name}</label>
                    <input
                        id=id
                        type="range"
                        min="0"
                        max="10"
                        step="1"
                        prop:value=move || value.get().to_string()
                        on:input=move |ev| {
                            if let Ok(v) = event_target_value(&ev).parse::<u8>() {
                                value.set(v.min(10));
                            }
                        }
                    />
                    <output>{move || value.get()}</output>
                </div>
            }
        })
        .collect_view()
}

fn dread_of(values: &[RwSignal<u8>; 5]) -> Dread {
    let [d, r, e, a, di] = values.map(|v| v.get());
    Dread::new(d, r, e, a, di)
}

fn set_dread(values: &[RwSignal<u8>; 5], d: Dread) {
    let v = [
        d.damage,
        d.reproducibility,
        d.exploitability,
        d.affected_users,
        d.discoverability,
    ];
    for (s, x) in values.iter().zip(v) {
        s.set(x);
    }
}

/// The selected threat's details and decision form.
#[component]
fn ThreatDetails(report: Memo<Report>) -> impl IntoView {
    let ed = expect_context::<Editor>();
    // The form is rebuilt when another threat is chosen, not when this one's decision or score
    // changes (which would wipe what is being typed and the saved message).
    let key = Memo::new(move |_| ed.threat.get());
    move || {
        let finding = key
            .get()
            .and_then(|k| report.with_untracked(|r| r.finding(&k).cloned()));
        match finding {
            None => view! {
                <section class="details">
                    <p class="empty">"This threat no longer appears (its element or flow changed)."</p>
                    <button type="button" class="secondary" on:click=move |_| ed.threat.set(None)>"Close"</button>
                </section>
            }
            .erase(),
            Some(f) => view! { <DecisionForm finding=f/> }.erase(),
        }
    }
}

#[component]
fn DecisionForm(finding: Finding) -> impl IntoView {
    let ed = expect_context::<Editor>();
    let cannot_decide = move || !ed.access.get().decide;
    let decision = finding.decision.clone().unwrap_or_default();
    // The rule's score before any override: the finding's score when nothing overrides it.
    let default_dread = ed.model.with_untracked(|m| {
        let mut without = m.clone();
        without.decisions.remove(&finding.key);
        analysis::analyze(&without, &analysis::Options::default())
            .finding(&finding.key)
            .map(|f| f.dread)
            .unwrap_or(finding.dread)
    });
    let overridden = RwSignal::new(decision.dread.is_some());
    let values: [RwSignal<u8>; 5] = std::array::from_fn(|_| RwSignal::new(0));
    set_dread(&values, decision.dread.unwrap_or(default_dread));
    let status = RwSignal::new(decision.status);
    let justification = RwSignal::new(decision.justification.clone().unwrap_or_default());
    let owner = RwSignal::new(decision.owner.clone().unwrap_or_default());
    let due = RwSignal::new(decision.due.clone().unwrap_or_default());
    let notes = RwSignal::new(decision.notes.clone().unwrap_or_default());
    let busy = RwSignal::new(false);
    let message = RwSignal::new(None::<(bool, String)>);
    let needs_reason = move || status.get().needs_justification();
    let problem = move || {
        (needs_reason() && justification.get().trim().is_empty()).then(|| {
            format!(
                "A threat marked {} needs a justification.",
                status_label(status.get()).to_lowercase()
            )
        })
    };
    let preview = move || {
        let d = if overridden.get() {
            dread_of(&values)
        } else {
            default_dread
        };
        format!("Risk {:.1} ({})", d.risk(), severity_label(d.severity()))
    };
    let key = finding.key.clone();
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if problem().is_some() {
            return;
        }
        let text = |s: RwSignal<String>| {
            Some(s.get_untracked().trim().to_string()).filter(|t| !t.is_empty())
        };
        let decision = Decision {
            status: status.get_untracked(),
            justification: text(justification),
            dread: overridden.get_untracked().then(|| dread_of(&values)),
            owner: text(owner),
            due: text(due),
            notes: text(notes),
        };
        let key = key.clone();
        busy.set(true);
        leptos::task::spawn_local(async move {
            let result = ed.decide(key, decision).await;
            busy.set(false);
            message.set(Some(match result {
                Ok(()) => (true, "Decision saved.".to_string()),
                Err(err) => (false, err.to_string()),
            }));
        });
    };
    let controls = finding
        .controls
        .iter()
        .map(|c| {
            let (class, state) = if c.present {
                ("ok", "in place")
            } else {
                ("missing", "missing")
            };
            view! { <li class=class title=c.control.description()>{c.control.name()}" — "{state}</li> }
        })
        .collect_view();
    let mitigations = finding
        .mitigations
        .iter()
        .map(|m| view! { <li>{m.clone()}</li> })
        .collect_view();
    let rule = finding.rule.clone();
    let is_user = rule == "user";
    let adjustments = finding.adjustments.join("; ");
    // A rule's threat in words; a person's own threat carries its description in the model.
    let description = match analysis::rule(&finding.rule) {
        Some(rule) => Some(rule.description.to_string()),
        None => ed.model.with_untracked(|m| {
            m.threats
                .iter()
                .find(|t| format!("user:{}", t.id) == finding.key)
                .map(|t| t.description.clone())
                .filter(|d| !d.is_empty())
        }),
    };
    let d = default_dread;
    view! {
        <section class="details" aria-label="Threat details" data-testid="threat-details">
            <header class="panel-head">
                <h3>{finding.title.clone()}</h3>
                <button type="button" class="secondary small" aria-label="Close the threat details" on:click=move |_| ed.threat.set(None)>"×"</button>
            </header>
            <p class="meta">
                <span class=format!("sev {}", severity_class(finding.severity))>{severity_label(finding.severity)}</span>
                {format!(" {} · {} · residual {:.1}", finding.stride, finding.key, finding.residual_risk)}
            </p>
            {description.map(|d| view! { <p>{d}</p> })}
            <p><strong>"Why it fired: "</strong>{finding.why.clone()}</p>
            {(!adjustments.is_empty()).then(|| view! { <p class="hint">"Context: "{adjustments}</p> })}
            {(!finding.controls.is_empty()).then(|| view! { <h4>"Mitigating controls"</h4><ul class="controls">{controls}</ul> })}
            {(!finding.mitigations.is_empty()).then(|| view! { <h4>"Mitigations"</h4><ul>{mitigations}</ul> })}
            <form on:submit=save aria-label="Decision">
                <fieldset class="bare" disabled=cannot_decide>
                <h4>"DREAD"</h4>
                <p class="hint">
                    {format!("Default {}/{}/{}/{}/{}: risk {:.1}.", d.damage, d.reproducibility, d.exploitability, d.affected_users, d.discoverability, d.risk())}
                </p>
                <div class="field check">
                    <input id="override-dread" type="checkbox" prop:checked=move || overridden.get() on:change=move |ev| overridden.set(event_target_checked(&ev))/>
                    <label for="override-dread">"Override the score"</label>
                </div>
                <When when=move || overridden.get()>
                    <DreadSliders values=values prefix="decision-dread"/>
                </When>
                <p class="verdict" aria-live="polite">{preview}</p>
                <div class="field">
                    <label for="decision-status">"Status"</label>
                    <select id="decision-status" on:change=move |ev| {
                        let v = event_target_value(&ev);
                        if let Some((s, _)) = STATUSES.iter().find(|(s, _)| s.as_str() == v) {
                            status.set(*s);
                        }
                    }>
                        {STATUSES.iter().map(|(s, l)| {
                            let s = *s;
                            view! { <option value=s.as_str() selected=move || status.get() == s>{*l}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="decision-justification">{move || if needs_reason() { "Justification (required)" } else { "Justification" }}</label>
                    <textarea id="decision-justification" rows="2" prop:value=move || justification.get() on:input=move |ev| justification.set(event_target_value(&ev)) aria-invalid=move || problem().is_some().to_string()></textarea>
                    <p class="field-error" role="status">{problem}</p>
                </div>
                <div class="field-row">
                    <div class="field">
                        <label for="decision-owner">"Owner"</label>
                        <input id="decision-owner" type="text" prop:value=move || owner.get() on:input=move |ev| owner.set(event_target_value(&ev))/>
                    </div>
                    <div class="field">
                        <label for="decision-due">"Due"</label>
                        <input id="decision-due" type="date" prop:value=move || due.get() on:input=move |ev| due.set(event_target_value(&ev))/>
                    </div>
                </div>
                <div class="field">
                    <label for="decision-notes">"Notes"</label>
                    <textarea id="decision-notes" rows="2" prop:value=move || notes.get() on:input=move |ev| notes.set(event_target_value(&ev))></textarea>
                </div>
                <button type="submit" disabled=move || busy.get()>{move || if busy.get() { "Saving…" } else { "Save decision" }}</button>
                {move || message.get().map(|(ok, text)| view! { <p class=if ok { "form-ok" } else { "form-error" } role="status">{text}</p> })}
                </fieldset>
            </form>
            {(!is_user).then(|| view! { <Suppress rule=rule.clone()/> })}
            {is_user.then(|| {
                let id = finding.key.trim_start_matches("user:").to_string();
                view! {
                    <button type="button" class="danger" on:click=move |_| {
                        if ed.edit(vec![Operation::DeleteThreat { id: id.clone() }]) {
                            ed.threat.set(None);
                        }
                    }>"Delete this threat"</button>
                }
            })}
        </section>
    }
    .erase()
}

/// Switches a rule off for the whole model, with a justification.
#[component]
fn Suppress(rule: String) -> impl IntoView {
    let ed = expect_context::<Editor>();
    let read_only = move || !ed.access.get().edit;
    let open = RwSignal::new(false);
    let reason = RwSignal::new(String::new());
    let r = rule.clone();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let text = reason.get_untracked().trim().to_string();
        if text.is_empty() {
            return;
        }
        if ed.edit(vec![Operation::SuppressRule {
            rule: r.clone(),
            justification: Some(text),
        }]) {
            ed.threat.set(None);
        }
    };
    view! {
        <details class="suppress" prop:open=move || open.get()>
            <summary>{format!("Suppress rule {rule} for this model")}</summary>
            <form on:submit=on_submit>
                <fieldset class="bare" disabled=read_only>
                <label for="suppress-reason">"Why suppress it (required)"</label>
                <textarea id="suppress-reason" rows="2" prop:value=move || reason.get() on:input=move |ev| reason.set(event_target_value(&ev))></textarea>
                <button type="submit" class="secondary" disabled=move || reason.get().trim().is_empty()>"Suppress rule"</button>
                </fieldset>
            </form>
        </details>
    }
    .erase()
}

/// A person's own threat on an element or flow.
#[component]
fn NewThreat() -> impl IntoView {
    let ed = expect_context::<Editor>();
    let read_only = move || !ed.access.get().edit;
    let targets = Memo::new(move |_| {
        ed.model.with(|m| {
            m.elements
                .iter()
                .map(|e| (e.id.clone(), e.name.clone()))
                .chain(
                    m.flows
                        .iter()
                        .map(|f| (f.id.clone(), format!("Flow {} → {}", f.source, f.target))),
                )
                .collect::<Vec<_>>()
        })
    });
    let target = RwSignal::new(String::new());
    // Follow the selection, so the form names what was clicked last.
    Effect::new(move |_| {
        if let Some(first) = ed.selection.get().first() {
            target.set(first.clone());
        }
    });
    let title = RwSignal::new(String::new());
    let stride = RwSignal::new(Stride::Tampering);
    let description = RwSignal::new(String::new());
    let mitigations = RwSignal::new(String::new());
    let values: [RwSignal<u8>; 5] = std::array::from_fn(|_| RwSignal::new(5));
    let problem = move || {
        if target.get().is_empty() {
            Some("Choose the element or flow it is about.")
        } else if title.get().trim().is_empty() {
            Some("Give the threat a title.")
        } else {
            None
        }
    };
    let tried = RwSignal::new(false);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        tried.set(true);
        if problem().is_some() {
            return;
        }
        let id = ed
            .model
            .with_untracked(|m| crate::diagram::fresh_id(m, "threat"));
        let threat = UserThreat {
            id: id.clone(),
            target: target.get_untracked(),
            title: title.get_untracked().trim().to_string(),
            stride: stride.get_untracked(),
            description: description.get_untracked().trim().to_string(),
            dread: dread_of(&values),
            mitigations: mitigations
                .get_untracked()
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_string)
                .collect(),
            mitigation_status: Default::default(),
        };
        if ed.edit(vec![Operation::AddThreat { threat }]) {
            title.set(String::new());
            description.set(String::new());
            mitigations.set(String::new());
            tried.set(false);
            ed.threat.set(Some(format!("user:{id}")));
        }
    };
    view! {
        <details class="new-threat">
            <summary>"Add a threat of your own"</summary>
            <form on:submit=on_submit aria-label="New threat">
                <fieldset class="bare" disabled=read_only>
                <div class="field">
                    <label for="new-threat-target">"About"</label>
                    <select id="new-threat-target" on:change=move |ev| target.set(event_target_value(&ev))>
                        <option value="" selected=move || target.get().is_empty()>"Choose an element or flow"</option>
                        {move || targets.get().into_iter().map(|(id, name)| {
                            let id2 = id.clone();
                            view! { <option value=id selected=move || target.get() == id2>{name}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="new-threat-title">"Title"</label>
                    <input id="new-threat-title" type="text" prop:value=move || title.get() on:input=move |ev| title.set(event_target_value(&ev))/>
                </div>
                <div class="field">
                    <label for="new-threat-stride">"STRIDE category"</label>
                    <select id="new-threat-stride" on:change=move |ev| {
                        let v = event_target_value(&ev);
                        if let Some(s) = Stride::ALL.iter().find(|s| s.as_str() == v) {
                            stride.set(*s);
                        }
                    }>
                        {Stride::ALL.iter().map(|s| {
                            let s = *s;
                            view! { <option value=s.as_str() selected=move || stride.get() == s>{s.to_string()}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="new-threat-description">"Description"</label>
                    <textarea id="new-threat-description" rows="2" prop:value=move || description.get() on:input=move |ev| description.set(event_target_value(&ev))></textarea>
                </div>
                <DreadSliders values=values prefix="new-threat"/>
                <div class="field">
                    <label for="new-threat-mitigations">"Mitigations (one per line)"</label>
                    <textarea id="new-threat-mitigations" rows="2" prop:value=move || mitigations.get() on:input=move |ev| mitigations.set(event_target_value(&ev))></textarea>
                </div>
                <p class="field-error" role="status">{move || if tried.get() { problem() } else { None }}</p>
                <button type="submit">"Add threat"</button>
                </fieldset>
            </form>
        </details>
    }
    .erase()
}
