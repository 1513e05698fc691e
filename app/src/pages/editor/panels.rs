//! The palette (drag a kind onto the canvas, or press Enter on it to add one in view) and the
//! properties of the selection: the fields that matter for threats, each change one
//! `set_property` operation, text checked as it is typed and saved when it is left.

use super::canvas::{new_element, Canvas};
use super::state::{Editor, READ_ONLY};
use crate::diagram::{kind_icon, kind_type, PALETTE};
use crate::erase::{Erase, When};
use analysis::model::{DataFlow, Element, Kind, ThreatModel};
use analysis::Operation;
use leptos::prelude::*;
use serde_json::{json, Value};

/// The palette.
#[component]
pub fn Palette(hydrated: ReadSignal<bool>) -> impl IntoView {
    let ed = expect_context::<Editor>();
    let canvas = expect_context::<Canvas>();
    let add_in_view = move |kind: Kind| {
        let v = canvas.viewport.get_untracked();
        let (w, h) = canvas.size.get_untracked();
        let (x, y) = v.model_point(w / 2.0, h / 2.0);
        let element = ed.model.with_untracked(|m| new_element(m, kind, x, y));
        if let Some(element) = element {
            let id = element.id.clone();
            if ed.edit(vec![Operation::AddElement { element }]) {
                ed.selection.set(vec![id]);
            }
        }
    };
    let groups = PALETTE
        .iter()
        .map(|(group, kinds)| {
            let items = kinds
                .iter()
                .map(|&kind| {
                    let type_name = kind_type(kind);
                    let on_drag = move |ev: leptos::ev::DragEvent| set_drag_data(&ev, &type_name);
                    view! {
                        <li>
                            <button
                                type="button"
                                class="palette-item"
                                draggable="true"
                                disabled=move || !hydrated.get() || !ed.access.get().edit
                                title=format!("Drag onto the canvas, or press Enter to add a {} in view", kind.label())
                                on:dragstart=on_drag
                                on:click=move |_| add_in_view(kind)
                            >
                                <svg class="palette-icon" viewBox="0 0 24 24" aria-hidden="true">
                                    <path d=kind_icon(kind)></path>
                                </svg>
                                <span>{kind.label()}</span>
                            </button>
                        </li>
                    }
                })
                .collect_view();
            view! {
                <h3>{*group}</h3>
                <ul>{items}</ul>
            }
        })
        .collect_view();
    view! {
        <nav class="palette" aria-label="Element palette">
            <When when=move || hydrated.get() && !ed.access.get().edit>
                <p class="hint" data-testid="read-only">{READ_ONLY}</p>
            </When>
            {groups}
        </nav>
    }
    .erase()
}

#[cfg(feature = "hydrate")]
fn set_drag_data(ev: &leptos::ev::DragEvent, type_name: &str) {
    if let Some(data) = ev.data_transfer() {
        let _ = data.set_data("text/x-rampart-kind", type_name);
        data.set_effect_allowed("copy");
    }
}

#[cfg(not(feature = "hydrate"))]
fn set_drag_data(_ev: &leptos::ev::DragEvent, _type_name: &str) {}

/// How a property is edited.
#[derive(Clone, Copy)]
enum Field {
    Flag,
    Choice(&'static [(&'static str, &'static str)]),
    /// The id of an element of this kind, or none.
    Ref(Kind),
    /// Ids of elements of this kind.
    Refs(Kind),
    /// Rules written as JSON (ACL and security-group rules, routes).
    Rules,
}

/// The threat-relevant properties of each kind: (field in `kind`, label, editor).
fn kind_fields(kind: Kind) -> &'static [(&'static str, &'static str, Field)] {
    use Field::*;
    const ON_OFF: Field = Flag;
    match kind {
        Kind::User => &[
            ("mfa", "Signs in with MFA", ON_OFF),
            ("operator", "Operates the platform", ON_OFF),
        ],
        Kind::CloudAccount => &[("audit_trail", "Audit trail (e.g. CloudTrail)", ON_OFF)],
        Kind::Vpc => &[
            (
                "role",
                "Role",
                Choice(&[
                    ("workload", "Workload"),
                    ("transit", "Transit"),
                    ("management", "Management"),
                ]),
            ),
            ("flow_logs", "Flow logs", ON_OFF),
            ("internet_gateway", "Own internet gateway", ON_OFF),
        ],
        Kind::Subnet => &[
            ("public", "Public subnet", ON_OFF),
            ("acl", "Network ACL", Ref(Kind::NetworkAcl)),
            ("route_table", "Route table", Ref(Kind::RouteTable)),
        ],
        Kind::TransitGateway => &[("attachments", "Attached VPCs", Refs(Kind::Vpc))],
        Kind::VpcPeering => &[("peers", "Peered VPCs", Refs(Kind::Vpc))],
        Kind::RouteTable => &[("routes", "Routes", Rules)],
        Kind::NetworkAcl => &[
            ("inbound", "Inbound rules", Rules),
            ("outbound", "Outbound rules", Rules),
        ],
        Kind::SecurityGroup => &[
            ("inbound", "Inbound rules", Rules),
            ("outbound", "Outbound rules", Rules),
        ],
        Kind::Waf => &[
            (
                "mode",
                "Mode",
                Choice(&[("detect", "Detect only"), ("block", "Block")]),
            ),
            ("managed_rules", "Managed rule sets", ON_OFF),
        ],
        Kind::LoadBalancer => &[
            ("public", "Public", ON_OFF),
            ("layer", "Layer", Choice(&[("l4", "L4"), ("l7", "L7")])),
            ("highly_available", "Highly available", ON_OFF),
        ],
        Kind::BastionHost => &[("session_recording", "Session recording", ON_OFF)],
        Kind::Iam => &[("mfa_enforced", "MFA enforced for people", ON_OFF)],
        Kind::KubernetesCluster => &[
            (
                "cni",
                "Network plugin",
                Choice(&[
                    ("calico", "Calico"),
                    ("cilium", "Cilium"),
                    ("non_enforcing", "Not enforcing policies"),
                ]),
            ),
            ("cluster_policy", "Cluster-wide network policy", ON_OFF),
            ("audit_logging", "API audit logging", ON_OFF),
            ("rbac_iam", "RBAC tied to cloud IAM", ON_OFF),
            ("public_api", "Public API endpoint", ON_OFF),
        ],
        Kind::Namespace => &[(
            "network_policy",
            "Network policy",
            Choice(&[
                ("none", "None"),
                ("allow_listed", "Allow rules, no default deny"),
                ("default_deny", "Default deny"),
            ]),
        )],
        Kind::Workload => &[
            ("sidecar", "Envoy sidecar", ON_OFF),
            (
                "mtls",
                "mTLS",
                Choice(&[
                    ("disabled", "Disabled"),
                    ("permissive", "Permissive"),
                    ("strict", "Strict"),
                ]),
            ),
            ("authorization_policy", "Istio authorization policy", ON_OFF),
            ("privileged", "Privileged", ON_OFF),
            ("host_network", "Host network", ON_OFF),
        ],
        Kind::KubernetesService => &[(
            "service_type",
            "Service type",
            Choice(&[
                ("cluster_ip", "ClusterIP"),
                ("node_port", "NodePort"),
                ("load_balancer", "LoadBalancer"),
            ]),
        )],
        Kind::Ingress => &[("tls", "TLS", ON_OFF)],
        Kind::IstioGateway => &[(
            "direction",
            "Direction",
            Choice(&[("ingress", "Ingress"), ("egress", "Egress")]),
        )],
        Kind::DataStore => &[
            (
                "store",
                "Store",
                Choice(&[
                    ("managed_db", "Managed database"),
                    ("object_storage", "Object storage"),
                    ("cache", "Cache"),
                ]),
            ),
            ("encrypted", "Encrypted at rest", ON_OFF),
            ("public_access", "Public access", ON_OFF),
            ("backups", "Backups", ON_OFF),
        ],
        Kind::CloudService => &[(
            "endpoint",
            "Endpoint",
            Choice(&[("public", "Public"), ("private", "Private")]),
        )],
        Kind::Internet
        | Kind::ExternalActor
        | Kind::VnfFirewall
        | Kind::VpnGateway
        | Kind::EgressGateway
        | Kind::Monitoring => &[],
    }
}

const ENCRYPTION: &[(&str, &str)] = &[("none", "None"), ("tls", "TLS"), ("mtls", "mTLS")];
const AUTHENTICATION: &[(&str, &str)] = &[
    ("none", "None"),
    ("password", "Password"),
    ("token", "Token"),
    ("certificate", "Certificate"),
    ("iam", "Cloud IAM"),
];
const CLASSIFICATION: &[(&str, &str)] = &[
    ("public", "Public"),
    ("internal", "Internal"),
    ("confidential", "Confidential"),
    ("restricted", "Restricted"),
];

/// What is selected, as the properties panel shows it.
#[derive(Clone, PartialEq)]
enum Selected {
    Nothing,
    Many(usize),
    Element(Box<Element>),
    Flow(Box<DataFlow>),
}

/// The properties panel.
#[component]
pub fn Properties() -> impl IntoView {
    let ed = expect_context::<Editor>();
    let selected = Memo::new(move |_| {
        let ids = ed.selection.get();
        match ids.as_slice() {
            [] => Selected::Nothing,
            [id] => ed.model.with(|m| {
                if let Some(e) = m.element(id) {
                    Selected::Element(Box::new(e.clone()))
                } else if let Some(f) = m.flow(id) {
                    Selected::Flow(Box::new(f.clone()))
                } else {
                    Selected::Nothing
                }
            }),
            many => Selected::Many(many.len()),
        }
    });
    // Rebuild the form only when another item is selected, not on every keystroke's save.
    let selected_id = Memo::new(move |_| match selected.get() {
        Selected::Element(e) => Some(e.id),
        Selected::Flow(f) => Some(f.id),
        _ => None,
    });
    move || {
        let _ = selected_id.get();
        match selected.get_untracked() {
            Selected::Nothing => view! {
                <p class="empty">
                    "Select an element or flow to see its properties. Drag a kind from the palette to add one; drag from the round handle on an element's right edge to another element to draw a data flow."
                </p>
            }
            .erase(),
            Selected::Many(n) => view! {
                <p class="empty">{format!("{n} items selected. Drag to move them together, or press Delete to remove them.")}</p>
            }
            .erase(),
            Selected::Element(e) => view! { <ElementForm id=e.id.clone()/> }.erase(),
            Selected::Flow(f) => view! { <FlowForm id=f.id.clone()/> }.erase(),
        }
    }
}

fn set(ed: Editor, target: &str, property: &str, value: Value) {
    ed.edit(vec![Operation::SetProperty {
        target: target.to_string(),
        property: property.to_string(),
        value,
    }]);
}

/// The current JSON of a field of an element or flow (`kind.public`).
fn current(model: &ThreatModel, target: &str, property: &str) -> Value {
    let json = if let Some(e) = model.element(target) {
        serde_json::to_value(e).unwrap_or_default()
    } else if let Some(f) = model.flow(target) {
        serde_json::to_value(f).unwrap_or_default()
    } else {
        return Value::Null;
    };
    property
        .split('.')
        .try_fold(&json, |at, key| at.get(key))
        .cloned()
        .unwrap_or(Value::Null)
}

#[component]
fn ElementForm(id: String) -> impl IntoView {
    let ed = expect_context::<Editor>();
    let read_only = move || !ed.access.get().edit;
    let kind = ed
        .model
        .with_untracked(|m| m.element(&id).map(|e| e.kind.kind()))
        .unwrap_or(Kind::Internet);
    let fields = kind_fields(kind)
        .iter()
        .map(|(name, label, field)| {
            view! { <KindField target=id.clone() property=format!("kind.{name}") label=*label field=*field/> }
        })
        .collect_view();
    let sg_field = (kind.class() != analysis::model::DfdClass::Boundary
        && kind.class() != analysis::model::DfdClass::Configuration)
        .then(|| {
            view! {
                <KindField target=id.clone() property="security_groups".to_string() label="Security groups" field=Field::Refs(Kind::SecurityGroup)/>
            }
        });
    view! {
        <form class="props" on:submit=|ev| ev.prevent_default() aria-label="Element properties">
            <fieldset class="bare" disabled=read_only>
            <p class="props-kind">
                <svg class="palette-icon" viewBox="0 0 24 24" aria-hidden="true"><path d=kind_icon(kind)></path></svg>
                {kind.label()} <code>{id.clone()}</code>
            </p>
            <TextField target=id.clone() property="name" label="Name" required=true/>
            <TextField target=id.clone() property="description" label="Description" required=false/>
            {fields}
            {sg_field}
            <ScopeField target=id.clone()/>
            <DeleteButton target=id.clone()/>
            </fieldset>
        </form>
    }
    .erase()
}

#[component]
fn FlowForm(id: String) -> impl IntoView {
    let ed = expect_context::<Editor>();
    let read_only = move || !ed.access.get().edit;
    let ends = ed.model.with_untracked(|m| {
        m.flow(&id).map(|f| {
            let name = |x: &str| {
                m.element(x)
                    .map(|e| e.name.clone())
                    .unwrap_or_else(|| x.to_string())
            };
            format!("{} → {}", name(&f.source), name(&f.target))
        })
    });
    view! {
        <form class="props" on:submit=|ev| ev.prevent_default() aria-label="Flow properties">
            <fieldset class="bare" disabled=read_only>
            <p class="props-kind">"Data flow " <code>{id.clone()}</code></p>
            <p class="hint">{ends}</p>
            <TextField target=id.clone() property="name" label="Name" required=false/>
            <TextField target=id.clone() property="protocol" label="Protocol" required=true/>
            <PortField target=id.clone()/>
            <KindField target=id.clone() property="encryption".to_string() label="Encryption" field=Field::Choice(ENCRYPTION)/>
            <KindField target=id.clone() property="authentication".to_string() label="Authentication" field=Field::Choice(AUTHENTICATION)/>
            <KindField target=id.clone() property="classification".to_string() label="Data classification" field=Field::Choice(CLASSIFICATION)/>
            <TextField target=id.clone() property="description" label="Description" required=false/>
            <ScopeField target=id.clone()/>
            <DeleteButton target=id.clone()/>
            </fieldset>
        </form>
    }
    .erase()
}

fn field_id(target: &str, property: &str) -> String {
    format!("prop-{target}-{}", property.replace('.', "-"))
}

/// A text field: checked as typed, saved on change (leaving the field or Enter).
#[component]
fn TextField(
    target: String,
    property: &'static str,
    label: &'static str,
    required: bool,
) -> impl IntoView {
    let ed = expect_context::<Editor>();
    let value = ed
        .model
        .with_untracked(|m| current(m, &target, property))
        .as_str()
        .unwrap_or_default()
        .to_string();
    let text = RwSignal::new(value);
    let problem = move || {
        let t = text.get();
        if required && t.trim().is_empty() {
            Some(format!("{label} cannot be empty."))
        } else if t.chars().count() > 2000 {
            Some(format!("{label} is too long (2000 characters at most)."))
        } else {
            None
        }
    };
    let id = field_id(&target, property);
    let error_id = format!("{id}-error");
    let on_change = move |_| {
        if problem().is_some() {
            return;
        }
        let t = text.get_untracked();
        let now = ed.model.with_untracked(|m| current(m, &target, property));
        if now.as_str().unwrap_or_default() != t {
            set(ed, &target, property, json!(t));
        }
    };
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            <input
                id=id
                type="text"
                prop:value=move || text.get()
                on:input=move |ev| text.set(event_target_value(&ev))
                on:change=on_change
                aria-invalid=move || problem().is_some().to_string()
                aria-describedby=error_id.clone()
            />
            <p class="field-error" id=error_id role="status">{problem}</p>
        </div>
    }
}

/// A flow's port: empty or 1 to 65535.
#[component]
fn PortField(target: String) -> impl IntoView {
    let ed = expect_context::<Editor>();
    let value = ed
        .model
        .with_untracked(|m| current(m, &target, "port"))
        .as_u64()
        .map(|p| p.to_string())
        .unwrap_or_default();
    let text = RwSignal::new(value);
    let parsed = move || -> Result<Option<u16>, String> {
        let t = text.get();
        let t = t.trim();
        if t.is_empty() {
            return Ok(None);
        }
        match t.parse::<u32>() {
            Ok(p) if (1..=65535).contains(&p) => Ok(Some(p as u16)),
            _ => Err("A port is a number from 1 to 65535.".to_string()),
        }
    };
    let id = field_id(&target, "port");
    let on_change = move |_| {
        if let Ok(port) = parsed() {
            let now = ed.model.with_untracked(|m| current(m, &target, "port"));
            let next = port.map_or(Value::Null, |p| json!(p));
            if now != next {
                set(ed, &target, "port", next);
            }
        }
    };
    view! {
        <div class="field">
            <label for=id.clone()>"Port"</label>
            <input
                id=id.clone()
                type="text"
                inputmode="numeric"
                prop:value=move || text.get()
                on:input=move |ev| text.set(event_target_value(&ev))
                on:change=on_change
                aria-invalid=move || parsed().is_err().to_string()
                aria-describedby=format!("{id}-error")
            />
            <p class="field-error" id=format!("{id}-error") role="status">{move || parsed().err()}</p>
        </div>
    }
    .erase()
}

/// A property of the kind (or a flow's enumerations): a checkbox, a select, a reference or
/// rules as JSON.
#[component]
fn KindField(target: String, property: String, label: &'static str, field: Field) -> impl IntoView {
    let ed = expect_context::<Editor>();
    let id = field_id(&target, &property);
    let value = {
        let (target, property) = (target.clone(), property.clone());
        Memo::new(move |_| ed.model.with(|m| current(m, &target, &property)))
    };
    match field {
        Field::Flag => {
            let (t, p) = (target.clone(), property.clone());
            view! {
                <div class="field check">
                    <input
                        id=id.clone()
                        type="checkbox"
                        prop:checked=move || value.get().as_bool().unwrap_or(false)
                        on:change=move |ev| set(ed, &t, &p, json!(event_target_checked(&ev)))
                    />
                    <label for=id>{label}</label>
                </div>
            }
            .erase()
        }
        Field::Choice(options) => {
            let (t, p) = (target.clone(), property.clone());
            let options = options
                .iter()
                .map(|(v, l)| {
                    let v = *v;
                    view! { <option value=v selected=move || value.get().as_str() == Some(v)>{*l}</option> }
                })
                .collect_view();
            view! {
                <div class="field">
                    <label for=id.clone()>{label}</label>
                    <select id=id on:change=move |ev| set(ed, &t, &p, json!(event_target_value(&ev)))>
                        {options}
                    </select>
                </div>
            }
            .erase()
        }
        Field::Ref(kind) => {
            let (t, p) = (target.clone(), property.clone());
            let choices = ed.model.with_untracked(|m| of_kind(m, kind));
            let options = choices
                .into_iter()
                .map(|(v, l)| {
                    let v2 = v.clone();
                    view! { <option value=v selected=move || value.get().as_str() == Some(v2.as_str())>{l}</option> }
                })
                .collect_view();
            view! {
                <div class="field">
                    <label for=id.clone()>{label}</label>
                    <select
                        id=id
                        on:change=move |ev| {
                            let v = event_target_value(&ev);
                            set(ed, &t, &p, if v.is_empty() { Value::Null } else { json!(v) })
                        }
                    >
                        <option value="" selected=move || value.get().is_null()>"None"</option>
                        {options}
                    </select>
                </div>
            }
            .erase()
        }
        Field::Refs(kind) => {
            let choices = ed.model.with_untracked(|m| of_kind(m, kind));
            let empty = choices.is_empty();
            let boxes = choices
                .into_iter()
                .map(|(v, l)| {
                    let (t, p) = (target.clone(), property.clone());
                    let box_id = format!("{id}-{v}");
                    let v2 = v.clone();
                    let checked = move || {
                        value.with(|x| x.as_array().is_some_and(|a| a.iter().any(|i| i.as_str() == Some(v2.as_str()))))
                    };
                    let on_change = move |ev| {
                        let on = event_target_checked(&ev);
                        let mut list: Vec<String> = value
                            .get_untracked()
                            .as_array()
                            .map(|a| a.iter().filter_map(|i| i.as_str().map(str::to_string)).collect())
                            .unwrap_or_default();
                        list.retain(|x| *x != v);
                        if on {
                            list.push(v.clone());
                        }
                        set(ed, &t, &p, json!(list));
                    };
                    view! {
                        <li class="check">
                            <input id=box_id.clone() type="checkbox" prop:checked=checked on:change=on_change/>
                            <label for=box_id>{l}</label>
                        </li>
                    }
                })
                .collect_view();
            view! {
                <fieldset class="field">
                    <legend>{label}</legend>
                    {empty.then(|| view! { <p class="hint">{format!("No {} in the model yet.", kind.label())}</p> })}
                    <ul class="checks">{boxes}</ul>
                </fieldset>
            }
            .erase()
        }
        Field::Rules => {
            let text = RwSignal::new(
                serde_json::to_string_pretty(&value.get_untracked())
                    .unwrap_or_else(|_| "[]".into()),
            );
            let problem = move || match serde_json::from_str::<Value>(&text.get()) {
                Ok(Value::Array(_)) => None,
                Ok(_) => Some("Write a JSON list of rules, e.g. [ ].".to_string()),
                Err(e) => Some(format!("Not valid JSON: {e}.")),
            };
            let (t, p) = (target.clone(), property.clone());
            let on_change = move |_| {
                if problem().is_none() {
                    if let Ok(v) = serde_json::from_str::<Value>(&text.get_untracked()) {
                        if v != value.get_untracked() {
                            set(ed, &t, &p, v);
                        }
                    }
                }
            };
            view! {
                <div class="field">
                    <label for=id.clone()>{label}</label>
                    <textarea
                        id=id.clone()
                        class="rules"
                        rows="4"
                        spellcheck="false"
                        prop:value=move || text.get()
                        on:input=move |ev| text.set(event_target_value(&ev))
                        on:change=on_change
                        aria-invalid=move || problem().is_some().to_string()
                    ></textarea>
                    <p class="field-error" role="status">{problem}</p>
                </div>
            }
            .erase()
        }
    }
}

fn of_kind(m: &ThreatModel, kind: Kind) -> Vec<(String, String)> {
    m.elements
        .iter()
        .filter(|e| e.kind.kind() == kind)
        .map(|e| (e.id.clone(), e.name.clone()))
        .collect()
}

/// Out of scope, with its reason.
#[component]
fn ScopeField(target: String) -> impl IntoView {
    let ed = expect_context::<Editor>();
    let reason = {
        let target = target.clone();
        Memo::new(move |_| {
            ed.model.with(|m| {
                m.element(&target)
                    .map(|e| e.out_of_scope.clone())
                    .or_else(|| m.flow(&target).map(|f| f.out_of_scope.clone()))
                    .flatten()
                    .map(|o| o.reason)
            })
        })
    };
    let draft = RwSignal::new(reason.get_untracked().unwrap_or_default());
    let open = RwSignal::new(reason.get_untracked().is_some());
    let id = field_id(&target, "scope");
    let t = target.clone();
    let save = move || {
        let r = draft.get_untracked();
        if r.trim().is_empty() {
            return;
        }
        if reason.get_untracked().as_deref() != Some(r.trim()) {
            ed.edit(vec![Operation::SetOutOfScope {
                target: t.clone(),
                reason: Some(r.trim().to_string()),
            }]);
        }
    };
    let t2 = target.clone();
    let on_toggle = move |ev| {
        let on = event_target_checked(&ev);
        open.set(on);
        if !on && reason.get_untracked().is_some() {
            ed.edit(vec![Operation::SetOutOfScope {
                target: t2.clone(),
                reason: None,
            }]);
        }
    };
    let save2 = save.clone();
    view! {
        <div class="field check">
            <input id=id.clone() type="checkbox" prop:checked=move || open.get() on:change=on_toggle/>
            <label for=id.clone()>"Out of scope"</label>
        </div>
        <When when=move || open.get()>
            <div class="field">
                <label for=format!("{id}-reason")>"Reason (required)"</label>
                <input
                    id=format!("{id}-reason")
                    type="text"
                    prop:value=move || draft.get()
                    on:input=move |ev| draft.set(event_target_value(&ev))
                    on:change={
                        let save = save2.clone();
                        move |_| save()
                    }
                />
                <p class="field-error" role="status">
                    {move || draft.get().trim().is_empty().then_some("Say why it is out of scope; it shows in the register.")}
                </p>
            </div>
        </When>
    }
    .erase()
}

#[component]
fn DeleteButton(target: String) -> impl IntoView {
    let ed = expect_context::<Editor>();
    let on_click = move |_| delete_selection(ed, std::slice::from_ref(&target));
    view! {
        <button type="button" class="danger" on:click=on_click>"Delete"</button>
    }
    .erase()
}

/// Deletes elements and flows (flows first; a deleted boundary's children move up).
pub fn delete_selection(ed: Editor, ids: &[String]) {
    let ops = ed.model.with_untracked(|m| {
        let mut ops: Vec<Operation> = ids
            .iter()
            .filter(|id| m.flow(id).is_some())
            .map(|id| Operation::DeleteFlow { id: id.clone() })
            .collect();
        // Flows that touch a deleted element go with it.
        let gone: Vec<&String> = ids.iter().filter(|id| m.element(id).is_some()).collect();
        ops.retain(|op| match op {
            Operation::DeleteFlow { id } => m
                .flow(id)
                .is_some_and(|f| !gone.contains(&&f.source) && !gone.contains(&&f.target)),
            _ => true,
        });
        ops.extend(
            gone.into_iter()
                .map(|id| Operation::DeleteElement { id: id.clone() }),
        );
        ops
    });
    if ed.edit(ops) {
        ed.selection.set(Vec::new());
    }
}
