//! Reading a Threat Dragon v2 file into a Rampart model (mapping in the parent module).

use super::FORMAT;
use crate::common::{self, array, flag, number, text, Ids, KEY_FIELD, KIND_HINT, RAMPART_FIELD};
use crate::{ImportError, Imported, RAMPART_MARKER};
use analysis::model::*;
use analysis::{Dread, Stride};
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};

/// Fields of `cell.data` that map to Rampart fields, or that Threat Dragon derives.
const CONSUMED: &[&str] = &[
    "name",
    "description",
    "type",
    "outOfScope",
    "reasonOutOfScope",
    "threats",
    "hasOpenThreats",
    "isTrustBoundary",
    KIND_HINT,
    RAMPART_FIELD,
];

/// Fields of a threat that are read, or that carry nothing to keep.
const THREAT_FIELDS: &[&str] = &[
    "id",
    "title",
    "type",
    "status",
    "severity",
    "description",
    "mitigation",
    "score",
    "modelType",
    "new",
    "number",
    "threatId",
    KEY_FIELD,
    RAMPART_FIELD,
];

/// Reads a Threat Dragon v2 model. Fails only when the input is not one at all.
pub fn import(input: &str) -> Result<Imported, ImportError> {
    let root = common::parse_object(input, FORMAT)?;
    common::check_version(&root, "version", FORMAT, &["2."], "2.x")?;
    let root = Value::Object(root);
    let Some(diagrams) = root.pointer("/detail/diagrams").and_then(Value::as_array) else {
        return Err(ImportError::Shape {
            format: FORMAT,
            message: "detail.diagrams is missing or not an array".to_owned(),
        });
    };
    let summary = root.get("summary").cloned().unwrap_or(Value::Null);
    let mut r = Reader {
        model: ThreatModel::new(text(&summary, "title").trim()),
        warnings: Vec::new(),
        ids: Ids::default(),
        threat_ids: Ids::default(),
        ignored: BTreeMap::new(),
        many: diagrams.len() > 1,
        skipped: 0,
    };
    r.model.description = text(&summary, "description").to_owned();
    for key in ["owner", "reviewer"] {
        let value = text(&summary, key).to_owned() + text(&root["detail"], key);
        if !value.is_empty() {
            r.warnings.push(format!("{key} {value:?} not kept"));
        }
    }
    if !array(&root["detail"], "contributors").is_empty() {
        r.warnings.push("contributors not kept".to_owned());
    }
    for (d, diagram) in diagrams.iter().enumerate() {
        r.diagram(d, diagram);
    }
    for (field, count) in std::mem::take(&mut r.ignored) {
        r.warnings
            .push(format!("ignored field {field} ({count} occurrence(s))"));
    }
    if r.skipped > 0 {
        r.warnings.push(format!(
            "skipped {} threat(s) computed by Rampart: analysis computes them again",
            r.skipped
        ));
    }
    credentials_asset(&mut r.model);
    Ok(common::finish(r.model, r.warnings))
}

struct Reader {
    model: ThreatModel,
    warnings: Vec<String>,
    ids: Ids,
    threat_ids: Ids,
    ignored: BTreeMap<String, usize>,
    /// More than one diagram: each element records its diagram's title.
    many: bool,
    skipped: usize,
}

/// A node read from a diagram, before membership is known.
struct Node<'a> {
    index: usize,
    hint_parent: Option<&'a str>,
}

impl Reader {
    fn diagram(&mut self, d: usize, diagram: &Value) {
        let title = text(diagram, "title").to_owned();
        let cells = array(diagram, "cells");
        let mut by_cell: HashMap<&str, Node> = HashMap::new();
        for cell in cells {
            if cell.get("source").is_some() || cell.get("target").is_some() {
                continue;
            }
            let data = cell.get("data").unwrap_or(&Value::Null);
            let ty = text(data, "type");
            let shape = text(cell, "shape");
            let Some(kind) = node_kind(ty, shape, data) else {
                let what = if ty.is_empty() { shape } else { ty };
                self.warnings.push(format!(
                    "diagram {d}: cell {:?} of type {what:?} has no Rampart counterpart: not kept",
                    text(cell, "id")
                ));
                continue;
            };
            let cell_id = text(cell, "id");
            let id = self.ids.claim(cell_id, "element");
            let name = display_name(cell, data, "Unnamed element");
            let mut element = Element {
                id,
                name,
                kind,
                parent: None,
                security_groups: Vec::new(),
                description: text(data, "description").to_owned(),
                out_of_scope: out_of_scope(data),
                geometry: geometry(cell),
                attributes: self.attributes(data, extra_consumed(ty)),
            };
            if self.many {
                element
                    .attributes
                    .insert("diagram".to_owned(), Value::String(title.clone()));
            }
            let hint_parent = data
                .pointer(&format!("/{RAMPART_FIELD}/parent"))
                .and_then(Value::as_str);
            let index = self.model.elements.len();
            let element_id = element.id.clone();
            self.model.elements.push(element);
            self.threats(cell, &element_id);
            by_cell.insert(cell_id, Node { index, hint_parent });
        }
        self.membership(&by_cell);
        for cell in cells {
            if cell.get("source").is_none() && cell.get("target").is_none() {
                continue;
            }
            self.edge(d, cell, &by_cell, &title);
        }
    }

    /// Scalar fields not mapped elsewhere become attributes; structures are ignored.
    fn attributes(&mut self, data: &Value, extra: &[&str]) -> BTreeMap<String, Value> {
        let mut out = BTreeMap::new();
        let Some(map) = data.as_object() else {
            return out;
        };
        for (key, value) in map {
            if CONSUMED.contains(&key.as_str()) || extra.contains(&key.as_str()) {
                continue;
            }
            if common::is_scalar(value) {
                out.insert(key.clone(), value.clone());
            } else {
                *self.ignored.entry(format!("data.{key}")).or_default() += 1;
            }
        }
        out
    }

    fn membership(&mut self, nodes: &HashMap<&str, Node>) {
        let elements = &self.model.elements;
        let boxes: Vec<(usize, Geometry)> = nodes
            .values()
            .map(|n| n.index)
            .filter(|i| elements[*i].kind.kind().is_boundary())
            .filter_map(|i| elements[i].geometry.map(|g| (i, g)))
            .collect();
        let mut parents = Vec::new();
        for node in nodes.values() {
            let e = &elements[node.index];
            let by_geometry = e.geometry.and_then(|g| {
                let (cx, cy) = (g.x + g.width / 2.0, g.y + g.height / 2.0);
                boxes
                    .iter()
                    .filter(|(i, b)| {
                        *i != node.index
                            && area(b) > area(&g)
                            && (b.x..=b.x + b.width).contains(&cx)
                            && (b.y..=b.y + b.height).contains(&cy)
                    })
                    .min_by(|a, b| area(&a.1).total_cmp(&area(&b.1)).then(a.0.cmp(&b.0)))
                    .map(|(i, _)| elements[*i].id.clone())
            });
            let by_hint = || {
                let hinted = nodes.get(node.hint_parent?)?;
                let p = &elements[hinted.index];
                (p.kind.kind().is_boundary() && hinted.index != node.index).then(|| p.id.clone())
            };
            parents.push((node.index, by_geometry.or_else(by_hint)));
        }
        for (i, parent) in parents {
            self.model.elements[i].parent = parent;
        }
    }

    fn edge(&mut self, d: usize, cell: &Value, nodes: &HashMap<&str, Node>, title: &str) {
        let data = cell.get("data").unwrap_or(&Value::Null);
        let ty = text(data, "type");
        let shape = text(cell, "shape");
        let cell_id = text(cell, "id");
        let name = display_name(cell, data, "");
        if ty != "tm.Flow" && shape != "flow" {
            self.warnings.push(format!(
                "diagram {d}: {} {cell_id:?} is a trust-boundary line, which Rampart does not draw: not kept",
                if shape.is_empty() { ty } else { shape }
            ));
            return;
        }
        let end = |side: &str| {
            let cell_ref = cell.get(side)?.get("cell")?.as_str()?;
            nodes.get(cell_ref).map(|n| n.index)
        };
        let threats = self.threat_count(cell);
        let lost = if threats > 0 {
            format!(" (with its {threats} threat(s))")
        } else {
            String::new()
        };
        let (Some(s), Some(t)) = (end("source"), end("target")) else {
            self.warnings.push(format!(
                "diagram {d}: flow {cell_id:?} {name:?} is not attached to an element at both ends: kept only as this warning{lost}"
            ));
            return;
        };
        let (source, target) = (&self.model.elements[s], &self.model.elements[t]);
        let reason = if s == t {
            Some("starts and ends at the same element")
        } else if !source.kind.kind().is_flow_endpoint() || !target.kind.kind().is_flow_endpoint() {
            Some("is attached to a trust boundary")
        } else {
            None
        };
        if let Some(reason) = reason {
            self.warnings.push(format!(
                "diagram {d}: flow {cell_id:?} {name:?} {reason}: not kept{lost}"
            ));
            return;
        }
        let protocol = text(data, "protocol").trim();
        let mut flow = DataFlow {
            id: self.ids.claim(cell_id, "flow"),
            name,
            source: source.id.clone(),
            target: target.id.clone(),
            protocol: if protocol.is_empty() {
                common::NO_PROTOCOL.to_owned()
            } else {
                protocol.to_owned()
            },
            port: None,
            encryption: if flag(data, "isEncrypted") {
                Encryption::Tls
            } else {
                Encryption::None
            },
            authentication: Authentication::None,
            classification: Classification::Internal,
            description: text(data, "description").to_owned(),
            out_of_scope: out_of_scope(data),
            waypoints: array(cell, "vertices")
                .iter()
                .filter_map(|v| {
                    Some(Point {
                        x: number(v, "x")?,
                        y: number(v, "y")?,
                    })
                })
                .collect(),
            attributes: self.attributes(data, &["protocol", "isEncrypted"]),
        };
        if self.many {
            flow.attributes
                .insert("diagram".to_owned(), Value::String(title.to_owned()));
        }
        if let Some(kept) = data.get(RAMPART_FIELD).and_then(|r| r.get("flow")) {
            restore_flow(&mut flow, kept);
        }
        let id = flow.id.clone();
        self.model.flows.push(flow);
        self.threats(cell, &id);
    }

    fn threat_count(&self, cell: &Value) -> usize {
        let data = cell.get("data").unwrap_or(&Value::Null);
        array(data, "threats").len() + array(cell, "threats").len()
    }

    /// Reads the threats on one cell into user threats on `target`.
    fn threats(&mut self, cell: &Value, target: &str) {
        let data = cell.get("data").unwrap_or(&Value::Null);
        let mut seen: Vec<&str> = Vec::new();
        for t in array(data, "threats").iter().chain(array(cell, "threats")) {
            let source_id = text(t, "id");
            if !source_id.is_empty() && seen.contains(&source_id) {
                continue;
            }
            seen.push(source_id);
            self.threat(t, target);
        }
    }

    fn threat(&mut self, t: &Value, target: &str) {
        if !t.is_object() {
            self.warnings
                .push(format!("a threat on {target:?} is not an object: not kept"));
            return;
        }
        let status_text = text(t, "status");
        let status = common::status_from(status_text).unwrap_or_else(|| {
            if !status_text.is_empty() {
                self.warnings.push(format!(
                    "threat on {target:?}: unknown status {status_text:?}, read as open"
                ));
            }
            Status::Open
        });
        let title = text(t, "title").trim();
        if let Some(key) = t.get(KEY_FIELD).and_then(Value::as_str) {
            self.computed(key, status, t);
            return;
        }
        if title.starts_with(RAMPART_MARKER.trim_end()) {
            self.skipped += 1;
            return;
        }
        for key in t.as_object().into_iter().flat_map(|m| m.keys()) {
            if !THREAT_FIELDS.contains(&key.as_str()) {
                *self.ignored.entry(format!("threat.{key}")).or_default() += 1;
            }
        }
        let id = self.threat_ids.claim(text(t, "id"), "threat");
        if !text(t, "score").trim().is_empty() {
            self.warnings.push(format!(
                "threat {id:?}: score {:?} not kept",
                text(t, "score")
            ));
        }
        let ty = text(t, "type");
        let stride = common::stride_from(ty).unwrap_or_else(|| {
            self.warnings.push(format!(
                "threat {id:?}: type {ty:?} is not a STRIDE category, read as information disclosure"
            ));
            Stride::InformationDisclosure
        });
        let kept = t.get(RAMPART_FIELD);
        let severity = text(t, "severity");
        let dread = kept
            .and_then(|k| serde_json::from_value::<Dread>(k.get("dread")?.clone()).ok())
            .filter(|d| common::severity_label(d.severity()).eq_ignore_ascii_case(severity))
            .unwrap_or_else(|| common::severity_dread(severity));
        let mitigation = text(t, "mitigation");
        let mitigations = kept
            .and_then(|k| serde_json::from_value::<Vec<String>>(k.get("mitigations")?.clone()).ok())
            .filter(|m| m.join("\n\n") == mitigation)
            .unwrap_or_else(|| {
                if mitigation.trim().is_empty() {
                    Vec::new()
                } else {
                    vec![mitigation.to_owned()]
                }
            });
        let mitigation_status = kept
            .and_then(|k| serde_json::from_value(k.get("mitigationStatus")?.clone()).ok())
            .unwrap_or_default();
        let description = text(t, "description").to_owned();
        let why = if mitigation.trim().is_empty() {
            &description
        } else {
            mitigation
        };
        if let Some(d) = common::decision(status, FORMAT, why, common::kept_decision(t)) {
            self.model.decisions.insert(format!("user:{id}"), d);
        }
        self.model.threats.push(UserThreat {
            id,
            target: target.to_owned(),
            title: if title.is_empty() {
                "Untitled threat".to_owned()
            } else {
                title.to_owned()
            },
            stride,
            description,
            dread,
            mitigations,
            mitigation_status,
        });
    }

    /// A threat Rampart computed and exported: skipped, but its decision is kept.
    fn computed(&mut self, key: &str, status: Status, t: &Value) {
        self.skipped += 1;
        if let Some(d) = common::decision(status, FORMAT, "", common::kept_decision(t)) {
            self.model.decisions.insert(key.to_owned(), d);
        }
    }
}

fn extra_consumed(ty: &str) -> &'static [&'static str] {
    match ty {
        "tm.Store" => &["isEncrypted"],
        _ => &[],
    }
}

fn area(g: &Geometry) -> f64 {
    g.width * g.height
}

fn node_kind(ty: &str, shape: &str, data: &Value) -> Option<ElementKind> {
    if let Some(hint) = data.get(KIND_HINT) {
        if let Ok(kind) = serde_json::from_value::<ElementKind>(hint.clone()) {
            return Some(kind);
        }
    }
    Some(match (ty, shape) {
        ("tm.Actor", _) | ("", "actor") => ElementKind::ExternalActor(Empty {}),
        ("tm.Process", _) | ("", "process") => ElementKind::Workload(Workload {
            privileged: is_privileged(text(data, "privilegeLevel")),
            ..Workload::default()
        }),
        ("tm.Store", _) | ("", "store") => ElementKind::DataStore(DataStore {
            encrypted: flag(data, "isEncrypted"),
            ..DataStore::default()
        }),
        ("tm.BoundaryBox", _) | ("", "trust-boundary-box" | "trust-broundary-box") => {
            ElementKind::Subnet(Subnet::default())
        }
        _ => return None,
    })
}

/// Whether a free-text privilege level names more than an ordinary user.
fn is_privileged(level: &str) -> bool {
    let l = level.trim().to_ascii_lowercase();
    !l.is_empty()
        && !matches!(
            l.as_str(),
            "user" | "none" | "low" | "standard" | "unprivileged"
        )
}

fn display_name(cell: &Value, data: &Value, fallback: &str) -> String {
    let name = text(data, "name").trim();
    if !name.is_empty() {
        return name.to_owned();
    }
    let label = cell
        .pointer("/attrs/text/text")
        .and_then(Value::as_str)
        .unwrap_or("")
        .trim();
    if label.is_empty() {
        fallback.to_owned()
    } else {
        label.to_owned()
    }
}

fn out_of_scope(data: &Value) -> Option<OutOfScope> {
    flag(data, "outOfScope").then(|| {
        let reason = text(data, "reasonOutOfScope").trim();
        OutOfScope {
            reason: if reason.is_empty() {
                "out of scope in Threat Dragon (no reason given)".to_owned()
            } else {
                reason.to_owned()
            },
        }
    })
}

fn geometry(cell: &Value) -> Option<Geometry> {
    let position = cell.get("position")?;
    let size = cell.get("size").unwrap_or(&Value::Null);
    Some(Geometry {
        x: number(position, "x")?,
        y: number(position, "y")?,
        width: number(size, "width").unwrap_or(0.0),
        height: number(size, "height").unwrap_or(0.0),
    })
}

/// Flow details only Rampart has, written by the exporter.
fn restore_flow(flow: &mut DataFlow, kept: &Value) {
    if let Some(port) = kept.get("port").and_then(Value::as_u64) {
        flow.port = u16::try_from(port).ok();
    }
    if let Ok(a) = serde_json::from_value(kept.get("authentication").cloned().unwrap_or_default()) {
        flow.authentication = a;
    }
    if let Ok(c) = serde_json::from_value(kept.get("classification").cloned().unwrap_or_default()) {
        flow.classification = c;
    }
    if let Ok(Encryption::Mtls) =
        serde_json::from_value(kept.get("encryption").cloned().unwrap_or_default())
    {
        if flow.encryption == Encryption::Tls {
            flow.encryption = Encryption::Mtls;
        }
    }
}

/// Stores flagged `storesCredentials` hold one `credentials` asset, so the rules weigh them.
fn credentials_asset(model: &mut ThreatModel) {
    let stored_in: Vec<String> = model
        .elements
        .iter()
        .filter(|e| match e.attributes.get("storesCredentials") {
            Some(Value::Bool(b)) => *b,
            Some(Value::String(s)) => s.eq_ignore_ascii_case("true"),
            _ => false,
        })
        .map(|e| e.id.clone())
        .collect();
    if !stored_in.is_empty() && !model.assets.iter().any(|a| a.id == "credentials") {
        model.assets.push(Asset {
            id: "credentials".to_owned(),
            name: "Credentials".to_owned(),
            value: AssetValue::High,
            stored_in,
            description: "credentials held in stores Threat Dragon marks storesCredentials"
                .to_owned(),
        });
    }
}
