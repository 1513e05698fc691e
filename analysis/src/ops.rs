//! Editing a model through small operations, applied all together or not at all.
//!
//! An [`Operation`] is one edit a person makes in the editor (add a box, drag it, rename it,
//! delete a flow, accept a threat...). [`apply`] runs a list of them in order on a copy of
//! the model, stops at the first one that cannot apply, then checks the result with
//! [`crate::parse::validate`]: the caller gets either a valid new model or an [`OpError`]
//! naming the operation, the id and the field, and the input is never half-changed.
//! [`summary`] describes a list in words for the audit log.
//!
//! Trust boundaries (cloud accounts, VPCs, subnets, clusters, namespaces) are elements of
//! boundary kinds, so the element operations cover them: `move_element` with a `parent`
//! puts an element into a boundary, and deleting a boundary hands its children to its own
//! parent.
//!
//! On the wire an operation is an object tagged by `op`:
//! `{"op": "move_element", "id": "web", "geometry": {"x": 10, "y": 20}, "parent": "sn-app"}`.

use crate::model::*;
use crate::parse::validate;
use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;
use std::fmt::Write as _;

/// One edit of a model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "op", rename_all = "snake_case", deny_unknown_fields)]
pub enum Operation {
    /// Adds an element (or a trust boundary); its id must be new among elements and flows.
    AddElement { element: Element },
    /// Replaces the element with the same id. When the new element has no geometry, the old
    /// geometry is kept (forms edit properties, the canvas edits positions).
    UpdateElement { element: Element },
    /// Moves an element on the canvas and, when `parent` is given, into another trust
    /// boundary (`null` takes it out of every boundary).
    MoveElement {
        id: String,
        geometry: Geometry,
        #[serde(
            default,
            skip_serializing_if = "Option::is_none",
            deserialize_with = "present"
        )]
        #[schemars(with = "Option<String>")]
        parent: Option<Option<String>>,
    },
    /// Deletes an element with the flows that touch it and the user threats on either. Its
    /// children move to its own parent; references to it from other elements' security
    /// groups, subnets (`acl`, `route_table`), transit gateway attachments, route-table
    /// routes, security-group rules and assets' `stored_in` are removed. Decisions stay, so
    /// adding the element back restores them.
    DeleteElement { id: String },
    /// Adds a data flow; its id must be new among elements and flows.
    AddFlow { flow: DataFlow },
    /// Replaces the flow with the same id. When the new flow has no waypoints, the old
    /// waypoints are kept (use `move_flow` to straighten a flow).
    UpdateFlow { flow: DataFlow },
    /// Sets a flow's bend points on the canvas.
    MoveFlow { id: String, waypoints: Vec<Point> },
    /// Deletes a flow and the user threats on it.
    DeleteFlow { id: String },
    /// Adds a threat written by a person; its id must be new among user threats.
    AddThreat { threat: UserThreat },
    /// Replaces the user threat with the same id.
    UpdateThreat { threat: UserThreat },
    /// Deletes a user threat.
    DeleteThreat { id: String },
    /// Sets one field of an element or flow, named as in the file: `name`, `description`,
    /// `protocol`, `port`, `encryption`, `kind`, `parent`, ..., or a dotted path into an
    /// object such as `kind.public`. `null` resets the field to its default (or removes it
    /// when optional). The id cannot be changed this way.
    SetProperty {
        target: String,
        property: String,
        value: Value,
    },
    /// Puts an element or flow out of scope with a reason, or back in scope with `null`.
    SetOutOfScope {
        target: String,
        reason: Option<String>,
    },
    /// Switches a rule off for the whole model with a justification, or back on with `null`.
    SuppressRule {
        rule: String,
        justification: Option<String>,
    },
    /// Records the decision on a threat (by its key, see [`crate::Finding::key`]), or removes
    /// it with `null`.
    SetDecision {
        key: String,
        decision: Option<Decision>,
    },
    /// Renames the model or changes its description; absent fields stay as they are.
    SetModel {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        name: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        description: Option<String>,
    },
    /// Adds an asset, or replaces the one with the same id.
    PutAsset { asset: Asset },
    /// Deletes an asset.
    DeleteAsset { id: String },
    /// Adds a threat agent, or replaces the one with the same id.
    PutThreatAgent { agent: ThreatAgent },
    /// Deletes a threat agent.
    DeleteThreatAgent { id: String },
}

/// Reads a field that may be absent (`None`), `null` (`Some(None)`) or a value.
fn present<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    T::deserialize(deserializer).map(Some)
}

impl Operation {
    /// The operation's name as written in `op`, e.g. `add_element`.
    pub fn name(&self) -> &'static str {
        match self {
            Operation::AddElement { .. } => "add_element",
            Operation::UpdateElement { .. } => "update_element",
            Operation::MoveElement { .. } => "move_element",
            Operation::DeleteElement { .. } => "delete_element",
            Operation::AddFlow { .. } => "add_flow",
            Operation::UpdateFlow { .. } => "update_flow",
            Operation::MoveFlow { .. } => "move_flow",
            Operation::DeleteFlow { .. } => "delete_flow",
            Operation::AddThreat { .. } => "add_threat",
            Operation::UpdateThreat { .. } => "update_threat",
            Operation::DeleteThreat { .. } => "delete_threat",
            Operation::SetProperty { .. } => "set_property",
            Operation::SetOutOfScope { .. } => "set_out_of_scope",
            Operation::SuppressRule { .. } => "suppress_rule",
            Operation::SetDecision { .. } => "set_decision",
            Operation::SetModel { .. } => "set_model",
            Operation::PutAsset { .. } => "put_asset",
            Operation::DeleteAsset { .. } => "delete_asset",
            Operation::PutThreatAgent { .. } => "put_threat_agent",
            Operation::DeleteThreatAgent { .. } => "delete_threat_agent",
        }
    }

    /// What the operation does, in a few words: `added element web-lb`.
    pub fn describe(&self) -> String {
        match self {
            Operation::AddElement { element } => format!("added element {}", element.id),
            Operation::UpdateElement { element } => format!("updated element {}", element.id),
            Operation::MoveElement { id, parent, .. } => match parent {
                None => format!("moved element {id}"),
                Some(Some(p)) => format!("moved element {id} into {p}"),
                Some(None) => format!("moved element {id} out of its boundary"),
            },
            Operation::DeleteElement { id } => format!("deleted element {id}"),
            Operation::AddFlow { flow } => format!("added flow {}", flow.id),
            Operation::UpdateFlow { flow } => format!("updated flow {}", flow.id),
            Operation::MoveFlow { id, .. } => format!("moved flow {id}"),
            Operation::DeleteFlow { id } => format!("deleted flow {id}"),
            Operation::AddThreat { threat } => format!("added threat {}", threat.id),
            Operation::UpdateThreat { threat } => format!("updated threat {}", threat.id),
            Operation::DeleteThreat { id } => format!("deleted threat {id}"),
            Operation::SetProperty {
                target, property, ..
            } => format!("set {property} of {target}"),
            Operation::SetOutOfScope {
                target,
                reason: Some(_),
            } => format!("put {target} out of scope"),
            Operation::SetOutOfScope {
                target,
                reason: None,
            } => format!("brought {target} into scope"),
            Operation::SuppressRule {
                rule,
                justification: Some(_),
            } => format!("suppressed rule {rule}"),
            Operation::SuppressRule {
                rule,
                justification: None,
            } => format!("restored rule {rule}"),
            Operation::SetDecision {
                key,
                decision: Some(d),
            } => format!("marked {key} {}", d.status),
            Operation::SetDecision {
                key,
                decision: None,
            } => format!("cleared the decision on {key}"),
            Operation::SetModel { name, description } => {
                let fields: Vec<&str> = [
                    ("name", name.is_some()),
                    ("description", description.is_some()),
                ]
                .into_iter()
                .filter_map(|(f, set)| set.then_some(f))
                .collect();
                if fields.is_empty() {
                    "left the model as it was".to_owned()
                } else {
                    format!("changed the model's {}", fields.join(" and "))
                }
            }
            Operation::PutAsset { asset } => format!("saved asset {}", asset.id),
            Operation::DeleteAsset { id } => format!("deleted asset {id}"),
            Operation::PutThreatAgent { agent } => format!("saved threat agent {}", agent.id),
            Operation::DeleteThreatAgent { id } => format!("deleted threat agent {id}"),
        }
    }
}

/// Why a list of operations was refused. `message` names the operation (by `index`, from 0,
/// and name), the id and the field, e.g. `operation 2 (delete_flow): there is no flow "f9"`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema, thiserror::Error)]
#[error("{message}")]
pub struct OpError {
    /// The position of the operation in the list, from 0.
    pub index: usize,
    pub message: String,
}

/// Applies `ops` in order to a copy of `model` and checks the result with
/// [`crate::parse::validate`]. Fails on the first operation that cannot apply (an unknown
/// id, an id used twice, a bad property) or, when every one applied, on the first problem
/// in the result, blamed on the operation that introduced it.
pub fn apply(model: &ThreatModel, ops: &[Operation]) -> Result<ThreatModel, OpError> {
    let mut next = model.clone();
    for (index, op) in ops.iter().enumerate() {
        apply_one(&mut next, op).map_err(|message| OpError {
            index,
            message: format!("operation {index} ({}): {message}", op.name()),
        })?;
    }
    let Some(problem) = validate(&next).into_iter().next() else {
        return Ok(next);
    };
    // Replay to find the operation after which the problem appeared for good; only
    // failures pay for this.
    let mut introduced = None;
    let mut replay = model.clone();
    for (i, op) in ops.iter().enumerate() {
        if !validate(&replay).contains(&problem) {
            introduced = Some(i);
        }
        if apply_one(&mut replay, op).is_err() {
            break;
        }
    }
    let (index, message) = match introduced.and_then(|i| Some((i, ops.get(i)?))) {
        Some((i, op)) => (
            i,
            format!(
                "operation {i} ({}) leaves the model invalid: {problem}",
                op.name()
            ),
        ),
        None => (
            0,
            format!("the model was invalid before these operations: {problem}"),
        ),
    };
    Err(OpError { index, message })
}

/// The operations in words, separated by `; `, for the audit log: `added element web-lb;
/// deleted flow f3`. Repeats in a row are counted: `moved element web (3 times)`.
pub fn summary(ops: &[Operation]) -> String {
    let mut parts: Vec<(String, usize)> = Vec::new();
    for op in ops {
        let text = op.describe();
        match parts.last_mut() {
            Some((last, n)) if *last == text => *n += 1,
            _ => parts.push((text, 1)),
        }
    }
    if parts.is_empty() {
        return "no changes".to_owned();
    }
    let mut out = String::new();
    for (i, (text, n)) in parts.iter().enumerate() {
        if i > 0 {
            out.push_str("; ");
        }
        out.push_str(text);
        if *n > 1 {
            let _ = write!(out, " ({n} times)");
        }
    }
    out
}

fn apply_one(m: &mut ThreatModel, op: &Operation) -> Result<(), String> {
    match op {
        Operation::AddElement { element } => {
            id_is_free(m, &element.id)?;
            m.elements.push(element.clone());
        }
        Operation::UpdateElement { element } => {
            let old = element_mut(m, &element.id)?;
            let geometry = element.geometry.or(old.geometry);
            *old = element.clone();
            old.geometry = geometry;
        }
        Operation::MoveElement {
            id,
            geometry,
            parent,
        } => {
            let e = element_mut(m, id)?;
            e.geometry = Some(*geometry);
            if let Some(parent) = parent {
                e.parent.clone_from(parent);
            }
        }
        Operation::DeleteElement { id } => delete_element(m, id)?,
        Operation::AddFlow { flow } => {
            id_is_free(m, &flow.id)?;
            m.flows.push(flow.clone());
        }
        Operation::UpdateFlow { flow } => {
            let old = flow_mut(m, &flow.id)?;
            let waypoints = if flow.waypoints.is_empty() {
                std::mem::take(&mut old.waypoints)
            } else {
                flow.waypoints.clone()
            };
            *old = flow.clone();
            old.waypoints = waypoints;
        }
        Operation::MoveFlow { id, waypoints } => {
            flow_mut(m, id)?.waypoints.clone_from(waypoints);
        }
        Operation::DeleteFlow { id } => {
            flow_mut(m, id)?;
            m.flows.retain(|f| f.id != *id);
            m.threats.retain(|t| t.target != *id);
        }
        Operation::AddThreat { threat } => {
            if m.threats.iter().any(|t| t.id == threat.id) {
                return Err(format!("a threat with id {:?} already exists", threat.id));
            }
            m.threats.push(threat.clone());
        }
        Operation::UpdateThreat { threat } => {
            *threat_mut(m, &threat.id)? = threat.clone();
        }
        Operation::DeleteThreat { id } => {
            threat_mut(m, id)?;
            m.threats.retain(|t| t.id != *id);
        }
        Operation::SetProperty {
            target,
            property,
            value,
        } => set_property(m, target, property, value)?,
        Operation::SetOutOfScope { target, reason } => {
            let scope = reason.as_ref().map(|reason| OutOfScope {
                reason: reason.clone(),
            });
            if let Some(e) = m.element_mut(target) {
                e.out_of_scope = scope;
            } else if let Some(f) = m.flow_mut(target) {
                f.out_of_scope = scope;
            } else {
                return Err(format!("there is no element or flow {target:?}"));
            }
        }
        Operation::SuppressRule {
            rule,
            justification,
        } => match justification {
            Some(justification) => {
                if crate::rules::rule(rule).is_none() {
                    return Err(format!("there is no rule {rule:?}"));
                }
                match m.suppressions.iter_mut().find(|s| s.rule == *rule) {
                    Some(s) => s.justification.clone_from(justification),
                    None => m.suppressions.push(Suppression {
                        rule: rule.clone(),
                        justification: justification.clone(),
                    }),
                }
            }
            None => {
                if !m.suppressions.iter().any(|s| s.rule == *rule) {
                    return Err(format!("rule {rule:?} is not suppressed"));
                }
                m.suppressions.retain(|s| s.rule != *rule);
            }
        },
        Operation::SetDecision { key, decision } => match decision {
            Some(d) => {
                m.decisions.insert(key.clone(), d.clone());
            }
            None => {
                if m.decisions.remove(key).is_none() {
                    return Err(format!("there is no decision on {key:?}"));
                }
            }
        },
        Operation::SetModel { name, description } => {
            if let Some(name) = name {
                m.name.clone_from(name);
            }
            if let Some(description) = description {
                m.description.clone_from(description);
            }
        }
        Operation::PutAsset { asset } => match m.assets.iter_mut().find(|a| a.id == asset.id) {
            Some(old) => *old = asset.clone(),
            None => m.assets.push(asset.clone()),
        },
        Operation::DeleteAsset { id } => {
            if !m.assets.iter().any(|a| a.id == *id) {
                return Err(format!("there is no asset {id:?}"));
            }
            m.assets.retain(|a| a.id != *id);
        }
        Operation::PutThreatAgent { agent } => {
            match m.threat_agents.iter_mut().find(|a| a.id == agent.id) {
                Some(old) => *old = agent.clone(),
                None => m.threat_agents.push(agent.clone()),
            }
        }
        Operation::DeleteThreatAgent { id } => {
            if !m.threat_agents.iter().any(|a| a.id == *id) {
                return Err(format!("there is no threat agent {id:?}"));
            }
            m.threat_agents.retain(|a| a.id != *id);
        }
    }
    Ok(())
}

fn id_is_free(m: &ThreatModel, id: &str) -> Result<(), String> {
    if m.element(id).is_some() {
        Err(format!("an element with id {id:?} already exists"))
    } else if m.flow(id).is_some() {
        Err(format!("a flow with id {id:?} already exists"))
    } else {
        Ok(())
    }
}

fn element_mut<'m>(m: &'m mut ThreatModel, id: &str) -> Result<&'m mut Element, String> {
    m.element_mut(id)
        .ok_or_else(|| format!("there is no element {id:?}"))
}

fn flow_mut<'m>(m: &'m mut ThreatModel, id: &str) -> Result<&'m mut DataFlow, String> {
    m.flow_mut(id)
        .ok_or_else(|| format!("there is no flow {id:?}"))
}

fn threat_mut<'m>(m: &'m mut ThreatModel, id: &str) -> Result<&'m mut UserThreat, String> {
    m.threats
        .iter_mut()
        .find(|t| t.id == id)
        .ok_or_else(|| format!("there is no user threat {id:?}"))
}

fn delete_element(m: &mut ThreatModel, id: &str) -> Result<(), String> {
    let parent = element_mut(m, id)?.parent.clone();
    m.elements.retain(|e| e.id != id);
    let mut gone: Vec<&str> = vec![id];
    let flows: Vec<String> = m
        .flows
        .iter()
        .filter(|f| f.source == id || f.target == id)
        .map(|f| f.id.clone())
        .collect();
    gone.extend(flows.iter().map(String::as_str));
    m.flows.retain(|f| f.source != id && f.target != id);
    m.threats.retain(|t| !gone.contains(&t.target.as_str()));
    for e in &mut m.elements {
        if e.parent.as_deref() == Some(id) {
            e.parent.clone_from(&parent);
        }
        e.security_groups.retain(|sg| sg != id);
        forget_in_kind(&mut e.kind, id);
    }
    for a in &mut m.assets {
        a.stored_in.retain(|s| s != id);
    }
    Ok(())
}

/// Removes references to a deleted element from another element's properties. A peering
/// keeps its peers: one VPC cannot be peered, so validation names the peering to delete.
fn forget_in_kind(kind: &mut ElementKind, id: &str) {
    match kind {
        ElementKind::Subnet(s) => {
            if s.acl.as_deref() == Some(id) {
                s.acl = None;
            }
            if s.route_table.as_deref() == Some(id) {
                s.route_table = None;
            }
        }
        ElementKind::TransitGateway(t) => t.attachments.retain(|a| a != id),
        ElementKind::RouteTable(t) => t
            .routes
            .retain(|r| !matches!(&r.via, RouteVia::Element(via) if via == id)),
        ElementKind::SecurityGroup(g) => {
            for rules in [&mut g.inbound, &mut g.outbound] {
                rules.retain(|r| !matches!(&r.peer, Peer::Element(p) if p == id));
            }
        }
        _ => {}
    }
}

fn set_property(
    m: &mut ThreatModel,
    target: &str,
    property: &str,
    value: &Value,
) -> Result<(), String> {
    let path: Vec<&str> = property.split('.').collect();
    if path.iter().any(|p| p.is_empty()) {
        return Err(format!("{property:?} is not a field name"));
    }
    if path == ["id"] {
        return Err(format!(
            "the id of {target:?} cannot be changed; delete it and add it again"
        ));
    }
    if let Some(e) = m.element_mut(target) {
        *e = with_field(e, "element", target, &path, value)?;
    } else if let Some(f) = m.flow_mut(target) {
        *f = with_field(f, "flow", target, &path, value)?;
    } else {
        return Err(format!("there is no element or flow {target:?}"));
    }
    Ok(())
}

/// `item` with the field at `path` set to `value`, through its JSON form so the types (and
/// `deny_unknown_fields`) check the result.
fn with_field<T>(item: &T, noun: &str, id: &str, path: &[&str], value: &Value) -> Result<T, String>
where
    T: Serialize + for<'de> Deserialize<'de>,
{
    let property = path.join(".");
    let mut json = serde_json::to_value(item).map_err(|e| e.to_string())?;
    let (last, parents) = path.split_last().ok_or("no field named")?;
    let mut at = &mut json;
    for (depth, key) in parents.iter().enumerate() {
        at = match at.get_mut(*key) {
            Some(next) if next.is_object() => next,
            _ => {
                return Err(format!(
                    "{noun} {id:?} has no object at {:?} to set {property:?} in",
                    parents[..=depth].join(".")
                ))
            }
        };
    }
    let Some(object) = at.as_object_mut() else {
        return Err(format!("{noun} {id:?} cannot set {property:?}"));
    };
    if value.is_null() {
        object.remove(*last);
    } else {
        object.insert((*last).to_owned(), value.clone());
    }
    // Read back from text: the browser's bundle already holds these types' readers for text
    // (API answers), so this adds no second set of them. The error names the property set;
    // its position in the generated text would mean nothing to the reader.
    serde_json::from_str(&json.to_string()).map_err(|e| {
        let message = e.to_string();
        let message = match message.rfind(" at line ") {
            Some(at) if e.line() > 0 => &message[..at],
            _ => &message[..],
        };
        format!("{noun} {id:?}, field {property:?}: {message}")
    })
}

/// The operations that turn `from` into `to`, decisions aside (they travel on their own): the
/// editor's undo (`between(after, before)`) and redo. Applying them to `from` gives `to` up to
/// the order of its lists (re-added items go to the end). Deletions come first (threats, flows,
/// elements, so an element's cascade never removes something re-added later), then additions
/// and replacements (elements, flows, threats), then the model's fields, suppressions, assets
/// and threat agents.
pub fn between(from: &ThreatModel, to: &ThreatModel) -> Vec<Operation> {
    let mut ops = Vec::new();
    for t in &from.threats {
        if !to.threats.iter().any(|n| n.id == t.id) {
            ops.push(Operation::DeleteThreat { id: t.id.clone() });
        }
    }
    for f in &from.flows {
        if to.flow(&f.id).is_none() {
            ops.push(Operation::DeleteFlow { id: f.id.clone() });
        }
    }
    for e in &from.elements {
        if to.element(&e.id).is_none() {
            ops.push(Operation::DeleteElement { id: e.id.clone() });
        }
    }
    // What the deletions leave (a deleted element's children move up, references to it go),
    // so the replacements below compare with what is really there.
    let mut now = from.clone();
    for op in &ops {
        // Every id above exists in `from`, and deleting a threat, flow or element only fails
        // for an unknown id.
        let _ = apply_one(&mut now, op);
    }
    for e in &to.elements {
        match now.element(&e.id) {
            None => ops.push(Operation::AddElement { element: e.clone() }),
            Some(old) if old != e => {
                ops.push(Operation::UpdateElement { element: e.clone() });
                if e.geometry.is_none() && old.geometry.is_some() {
                    ops.push(Operation::SetProperty {
                        target: e.id.clone(),
                        property: "geometry".to_owned(),
                        value: Value::Null,
                    });
                }
            }
            Some(_) => {}
        }
    }
    for f in &to.flows {
        match now.flow(&f.id) {
            None => ops.push(Operation::AddFlow { flow: f.clone() }),
            Some(old) if old != f => {
                ops.push(Operation::UpdateFlow { flow: f.clone() });
                if f.waypoints.is_empty() && !old.waypoints.is_empty() {
                    ops.push(Operation::MoveFlow {
                        id: f.id.clone(),
                        waypoints: Vec::new(),
                    });
                }
            }
            Some(_) => {}
        }
    }
    for t in &to.threats {
        match now.threats.iter().find(|o| o.id == t.id) {
            None => ops.push(Operation::AddThreat { threat: t.clone() }),
            Some(old) if old != t => ops.push(Operation::UpdateThreat { threat: t.clone() }),
            Some(_) => {}
        }
    }
    if from.name != to.name || from.description != to.description {
        ops.push(Operation::SetModel {
            name: (from.name != to.name).then(|| to.name.clone()),
            description: (from.description != to.description).then(|| to.description.clone()),
        });
    }
    for s in &from.suppressions {
        if !to.suppressions.iter().any(|n| n.rule == s.rule) {
            ops.push(Operation::SuppressRule {
                rule: s.rule.clone(),
                justification: None,
            });
        }
    }
    for s in &to.suppressions {
        if !from.suppressions.contains(s) {
            ops.push(Operation::SuppressRule {
                rule: s.rule.clone(),
                justification: Some(s.justification.clone()),
            });
        }
    }
    for a in &from.assets {
        if !to.assets.iter().any(|n| n.id == a.id) {
            ops.push(Operation::DeleteAsset { id: a.id.clone() });
        }
    }
    for a in &to.assets {
        if now.assets.iter().find(|o| o.id == a.id) != Some(a) {
            ops.push(Operation::PutAsset { asset: a.clone() });
        }
    }
    for a in &from.threat_agents {
        if !to.threat_agents.iter().any(|n| n.id == a.id) {
            ops.push(Operation::DeleteThreatAgent { id: a.id.clone() });
        }
    }
    for a in &to.threat_agents {
        if now.threat_agents.iter().find(|o| o.id == a.id) != Some(a) {
            ops.push(Operation::PutThreatAgent { agent: a.clone() });
        }
    }
    ops
}

#[cfg(test)]
mod tests;
