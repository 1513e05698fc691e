//! Writing a Rampart model, and the threats analysis found in it, as a Threat Dragon v2 file.
//!
//! Elements without geometry are laid out on a grid; Rampart's own kind, a boundary
//! membership the geometry cannot show, and flow and threat details Threat Dragon has no
//! field for travel in `rampartKind` and `rampart` fields, which [`super::import`] reads
//! back. Assets, threat agents and suppressions have no place in the format and are left
//! out.

use super::VERSION;
use crate::common::{self, KEY_FIELD, KIND_HINT, NO_PROTOCOL, RAMPART_FIELD};
use crate::RAMPART_MARKER;
use analysis::findings::USER_RULE;
use analysis::model::{DfdClass, Element, Encryption, Geometry, ThreatModel};
use analysis::{Finding, Report};
use serde_json::{json, Map, Value};

/// The model as a Threat Dragon v2 file, with computed threats marked as Rampart's.
pub fn export(model: &ThreatModel, report: &Report) -> String {
    let mut titles: Vec<Option<String>> = Vec::new();
    let diagram_of = |attrs: &std::collections::BTreeMap<String, Value>| {
        attrs
            .get("diagram")
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    for t in model
        .elements
        .iter()
        .map(|e| diagram_of(&e.attributes))
        .chain(model.flows.iter().map(|f| diagram_of(&f.attributes)))
    {
        if !titles.contains(&t) {
            titles.push(t);
        }
    }
    if titles.is_empty() {
        titles.push(None);
    }
    let mut threat_count = 0;
    let diagrams: Vec<Value> = titles
        .iter()
        .enumerate()
        .map(|(n, title)| {
            let mut cells = Vec::new();
            let elements = model
                .elements
                .iter()
                .enumerate()
                .filter(|(_, e)| diagram_of(&e.attributes) == *title);
            for (i, e) in elements {
                let threats = threats_for(model, report, &e.id);
                threat_count += threats.len();
                cells.push(node(i, e, threats));
            }
            for f in model
                .flows
                .iter()
                .filter(|f| diagram_of(&f.attributes) == *title)
            {
                let threats = threats_for(model, report, &f.id);
                threat_count += threats.len();
                let mut data = attributes(&f.attributes);
                data.extend(object(json!({
                    "type": "tm.Flow",
                    "name": f.name,
                    "description": f.description,
                    "protocol": if f.protocol == NO_PROTOCOL { "" } else { f.protocol.as_str() },
                    "isEncrypted": f.encryption != Encryption::None,
                    "outOfScope": f.out_of_scope.is_some(),
                    "reasonOutOfScope": f.out_of_scope.as_ref().map_or("", |o| o.reason.as_str()),
                    "isTrustBoundary": false,
                    "hasOpenThreats": has_open(&threats),
                    "threats": threats,
                    RAMPART_FIELD: {"flow": {
                        "port": f.port,
                        "encryption": f.encryption,
                        "authentication": f.authentication,
                        "classification": f.classification,
                    }},
                })));
                cells.push(json!({
                    "id": f.id,
                    "shape": "flow",
                    "zIndex": 10,
                    "source": {"cell": f.source},
                    "target": {"cell": f.target},
                    "vertices": f.waypoints.iter().map(|p| json!({"x": p.x, "y": p.y})).collect::<Vec<_>>(),
                    "labels": [{"position": 0.5, "attrs": {"labelText": {"text": f.name}}}],
                    "data": data,
                }));
            }
            json!({
                "id": n,
                "version": VERSION,
                "title": title.clone().unwrap_or_else(|| model.name.clone()),
                "description": "",
                "diagramType": "STRIDE",
                "cells": cells,
            })
        })
        .collect();
    let file = json!({
        "version": VERSION,
        "summary": {"title": model.name, "owner": "", "description": model.description, "id": 0},
        "detail": {
            "contributors": [],
            "diagrams": diagrams,
            "diagramTop": titles.len(),
            "reviewer": "",
            "threatTop": threat_count,
        },
    });
    let mut text = serde_json::to_string_pretty(&file).unwrap_or_default();
    text.push('\n');
    text
}

fn object(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

fn attributes(attrs: &std::collections::BTreeMap<String, Value>) -> Map<String, Value> {
    attrs
        .iter()
        .filter(|(k, _)| k.as_str() != "diagram")
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

fn has_open(threats: &[Value]) -> bool {
    threats.iter().any(|t| t["status"] == "Open")
}

fn node(i: usize, e: &Element, threats: Vec<Value>) -> Value {
    let kind = e.kind.kind();
    let (shape, ty) = match kind.class() {
        DfdClass::ExternalEntity => ("actor", "tm.Actor"),
        DfdClass::DataStore => ("store", "tm.Store"),
        DfdClass::Boundary => ("trust-boundary-box", "tm.BoundaryBox"),
        DfdClass::Process | DfdClass::Configuration => ("process", "tm.Process"),
    };
    let g = e.geometry.unwrap_or(Geometry {
        x: 40.0 + (i % 6) as f64 * 220.0,
        y: 40.0 + (i / 6) as f64 * 160.0,
        width: 160.0,
        height: 80.0,
    });
    let mut data = attributes(&e.attributes);
    data.extend(object(json!({
        "type": ty,
        "name": e.name,
        "description": e.description,
        "outOfScope": e.out_of_scope.is_some(),
        "reasonOutOfScope": e.out_of_scope.as_ref().map_or("", |o| o.reason.as_str()),
        "isTrustBoundary": kind.is_boundary(),
        "hasOpenThreats": has_open(&threats),
        "threats": threats,
        KIND_HINT: e.kind,
        RAMPART_FIELD: {"parent": e.parent},
    })));
    if let analysis::model::ElementKind::DataStore(s) = &e.kind {
        data.insert("isEncrypted".to_owned(), Value::Bool(s.encrypted));
    }
    json!({
        "id": e.id,
        "shape": shape,
        "zIndex": if kind.is_boundary() { 0 } else { 1 },
        "position": {"x": g.x, "y": g.y},
        "size": {"width": g.width, "height": g.height},
        "attrs": {"text": {"text": e.name}},
        "data": data,
    })
}

/// The threats on one element or flow: user-written ones first, then Rampart's.
fn threats_for(model: &ThreatModel, report: &Report, target: &str) -> Vec<Value> {
    let mut out = Vec::new();
    for t in model.threats.iter().filter(|t| t.target == target) {
        let decision = model.decisions.get(&format!("{USER_RULE}:{}", t.id));
        let status = decision.map_or(analysis::model::Status::Open, |d| d.status);
        let mut kept = json!({"dread": t.dread, "mitigations": t.mitigations});
        if !t.mitigation_status.is_empty() {
            kept["mitigationStatus"] = json!(t.mitigation_status);
        }
        if let Some(d) = decision {
            kept["decision"] = json!(d);
        }
        out.push(json!({
            "id": t.id,
            "title": t.title,
            "type": t.stride.to_string(),
            "status": common::status_label(status),
            "severity": common::severity_label(t.dread.severity()),
            "description": t.description,
            "mitigation": t.mitigations.join("\n\n"),
            "modelType": "STRIDE",
            RAMPART_FIELD: kept,
        }));
    }
    let computed = report
        .findings
        .iter()
        .filter(|f| f.rule != USER_RULE && f.target == target);
    out.extend(computed.map(computed_threat));
    out
}

fn computed_threat(f: &Finding) -> Value {
    let missing: Vec<&str> = f
        .controls
        .iter()
        .filter(|c| !c.present)
        .map(|c| c.control.name())
        .collect();
    let mut t = json!({
        "id": f.key,
        "title": format!("{RAMPART_MARKER}{}", f.title),
        "type": f.stride.to_string(),
        "status": common::status_label(f.status),
        "severity": common::severity_label(f.severity),
        "description": f.why,
        "mitigation": if missing.is_empty() { String::new() } else { format!("Add: {}", missing.join(", ")) },
        "modelType": "STRIDE",
        KEY_FIELD: f.key,
        "rampartRule": f.rule,
    });
    if let Some(d) = &f.decision {
        t[RAMPART_FIELD] = json!({"decision": d});
    }
    t
}
