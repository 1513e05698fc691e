//! Writing a Rampart model, and the threats analysis found in it, as an OTM 0.2 file.
//!
//! Each user threat becomes one OTM threat linked to its target, with one mitigation per
//! mitigation text; computed threats follow, named `[Rampart] ...` and carrying their key
//! in `attributes.rampartKey`. Rampart's kinds, out-of-scope reasons, exact DREAD scores and
//! decisions travel in `attributes` (`rampartKind`, `rampartOutOfScope`, `rampartDread`,
//! `rampart.decision`). Threat agents and suppressions have no place in the format.

use super::import::{DREAD_HINT, OUT_OF_SCOPE};
use super::{state_label, STATE_NOTE, VERSION};
use crate::common::{KEY_FIELD, KIND_HINT, RAMPART_FIELD};
use crate::RAMPART_MARKER;
use analysis::findings::USER_RULE;
use analysis::model::{AssetValue, Element, Status, ThreatModel};
use analysis::{Dread, Finding, Report};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

const DIAGRAM: &str = "rampart-diagram";

/// OTM likelihood and impact (0-100) of a DREAD score: reproducibility, exploitability and
/// discoverability make the likelihood, damage and affected users the impact.
pub(crate) fn likelihood_impact(d: &Dread) -> (u8, u8) {
    let mean = |xs: &[u8]| {
        let sum: u32 = xs.iter().map(|x| u32::from((*x).min(10))).sum();
        ((f64::from(sum) / xs.len() as f64).round() as u8) * 10
    };
    (
        mean(&[d.reproducibility, d.exploitability, d.discoverability]),
        mean(&[d.damage, d.affected_users]),
    )
}

/// The model as an OTM 0.2 file, with computed threats marked as Rampart's.
pub fn export(model: &ThreatModel, report: &Report) -> String {
    let mut zones = Vec::new();
    let mut components = Vec::new();
    let mut threats = Vec::new();
    let mut mitigations = Vec::new();
    let mut links: BTreeMap<&str, Vec<Value>> = BTreeMap::new();
    for t in &model.threats {
        let decision = model.decisions.get(&format!("{USER_RULE}:{}", t.id));
        let status = decision.map_or(Status::Open, |d| d.status);
        let state = decision
            .and_then(|d| d.notes.as_deref()?.strip_prefix(STATE_NOTE))
            .map_or_else(|| state_label(status).to_owned(), str::to_owned);
        let mut mitigation_links = Vec::new();
        for (n, text) in t.mitigations.iter().enumerate() {
            let id = format!("{}-m{}", t.id, n + 1);
            let s = t.mitigation_status.get(text).cloned().unwrap_or_default();
            mitigations.push(json!({
                "id": id,
                "name": text,
                "description": s.description,
                "riskReduction": s.risk_reduction.unwrap_or(0),
            }));
            mitigation_links.push(json!({"mitigation": id, "state": s.state}));
        }
        let (likelihood, impact) = likelihood_impact(&t.dread);
        let mut attributes = json!({DREAD_HINT: t.dread});
        if let Some(d) = decision {
            attributes[RAMPART_FIELD] = json!({"decision": d});
        }
        threats.push(json!({
            "id": t.id,
            "name": t.title,
            "description": t.description,
            "categories": [t.stride.to_string()],
            "risk": {"likelihood": likelihood, "impact": impact},
            "attributes": attributes,
        }));
        links.entry(t.target.as_str()).or_default().push(json!({
            "threat": t.id,
            "state": state,
            "mitigations": mitigation_links,
        }));
    }
    for f in report.findings.iter().filter(|f| f.rule != USER_RULE) {
        threats.push(computed_threat(f));
        links.entry(f.target.as_str()).or_default().push(json!({
            "threat": f.key,
            "state": state_label(f.status),
            "mitigations": [],
        }));
    }
    for e in &model.elements {
        let mut v = element(model, e);
        if e.kind.kind().is_boundary() {
            zones.push(v);
        } else {
            v["threats"] = json!(links.remove(e.id.as_str()).unwrap_or_default());
            components.push(v);
        }
    }
    let dataflows: Vec<Value> = model
        .flows
        .iter()
        .map(|f| {
            let mut attrs = split(&f.attributes);
            let (a, _) = &mut attrs;
            a.insert("protocol".into(), json!(f.protocol));
            a.insert("encryption".into(), json!(f.encryption));
            a.insert("authentication".into(), json!(f.authentication));
            a.insert("classification".into(), json!(f.classification));
            if let Some(p) = f.port {
                a.insert("port".into(), json!(p));
            }
            if let Some(o) = &f.out_of_scope {
                a.insert(OUT_OF_SCOPE.into(), json!(o.reason));
            }
            let mut v = json!({
                "id": f.id,
                "name": f.name,
                "description": f.description,
                "source": f.source,
                "destination": f.target,
                "bidirectional": f.attributes.get("bidirectional").and_then(Value::as_bool).unwrap_or(false),
                "attributes": attrs.0,
                "threats": links.remove(f.id.as_str()).unwrap_or_default(),
            });
            if !attrs.1.is_empty() {
                v["properties"] = Value::Object(attrs.1);
            }
            for (key, field) in [("otm.tags", "tags"), ("otm.assets", "assets")] {
                if let Some(x) = f.attributes.get(key) {
                    v[field] = x.clone();
                }
            }
            v
        })
        .collect();
    let assets: Vec<Value> = model
        .assets
        .iter()
        .map(|a| {
            let level = match a.value {
                AssetValue::Low => 25,
                AssetValue::Medium => 50,
                AssetValue::High => 75,
                AssetValue::Critical => 100,
            };
            json!({
                "id": a.id,
                "name": a.name,
                "description": a.description,
                "risk": {"confidentiality": level, "integrity": level, "availability": level},
            })
        })
        .collect();
    let file = json!({
        "otmVersion": VERSION,
        "project": {"name": model.name, "id": slug(&model.name), "description": model.description},
        "representations": [{"name": "Rampart diagram", "id": DIAGRAM, "type": "diagram"}],
        "assets": assets,
        "trustZones": zones,
        "components": components,
        "dataflows": dataflows,
        "threats": threats,
        "mitigations": mitigations,
    });
    let mut text = serde_json::to_string_pretty(&file).unwrap_or_default();
    text.push('\n');
    text
}

/// Attributes back into OTM's `attributes` and `properties` objects (`otm.*` are fields).
fn split(attrs: &BTreeMap<String, Value>) -> (Map<String, Value>, Map<String, Value>) {
    let mut a = Map::new();
    let mut p = Map::new();
    for (k, v) in attrs {
        if let Some(name) = k.strip_prefix("properties.") {
            p.insert(name.to_owned(), v.clone());
        } else if !k.starts_with("otm.") && k != "bidirectional" {
            a.insert(k.clone(), v.clone());
        }
    }
    (a, p)
}

fn element(model: &ThreatModel, e: &Element) -> Value {
    let (mut a, p) = split(&e.attributes);
    a.insert(KIND_HINT.into(), json!(e.kind));
    if let Some(o) = &e.out_of_scope {
        a.insert(OUT_OF_SCOPE.into(), json!(o.reason));
    }
    let parent_component = e
        .attributes
        .get("otm.parentComponent")
        .and_then(Value::as_str)
        .filter(|c| {
            model
                .element(c)
                .is_some_and(|c| !c.kind.kind().is_boundary())
        });
    let parent = match (parent_component, &e.parent) {
        (Some(c), _) => json!({"component": c}),
        (None, Some(z)) => json!({"trustZone": z}),
        (None, None) => Value::Null,
    };
    let kind_name = analysis::parse::kind_name(e.kind.kind());
    let mut v = json!({
        "id": e.id,
        "name": e.name,
        "description": e.description,
        "type": e.attributes.get("otm.type").cloned().unwrap_or(json!(kind_name)),
        "attributes": a,
    });
    if !parent.is_null() {
        v["parent"] = parent;
    }
    if !p.is_empty() {
        v["properties"] = Value::Object(p);
    }
    if let Some(tags) = e.attributes.get("otm.tags") {
        v["tags"] = tags.clone();
    }
    if let Some(rating) = e.attributes.get("otm.trustRating") {
        v["risk"] = json!({"trustRating": rating});
    }
    let stored: Vec<&str> = model
        .assets
        .iter()
        .filter(|a| a.stored_in.contains(&e.id))
        .map(|a| a.id.as_str())
        .collect();
    let processed = e.attributes.get("otm.processed");
    if !stored.is_empty() || processed.is_some() {
        v["assets"] =
            json!({"stored": stored, "processed": processed.cloned().unwrap_or(json!([]))});
    }
    if let Some(g) = e.geometry {
        v["representations"] = json!([{
            "representation": DIAGRAM,
            "id": format!("{}-shape", e.id),
            "position": {"x": g.x, "y": g.y},
            "size": {"width": g.width, "height": g.height},
        }]);
    }
    v
}

fn computed_threat(f: &Finding) -> Value {
    let (likelihood, impact) = likelihood_impact(&f.dread);
    let mut attributes = json!({KEY_FIELD: f.key, "rampartRule": f.rule, DREAD_HINT: f.dread});
    if let Some(d) = &f.decision {
        attributes[RAMPART_FIELD] = json!({"decision": d});
    }
    json!({
        "id": f.key,
        "name": format!("{RAMPART_MARKER}{}", f.title),
        "description": f.why,
        "categories": [f.stride.to_string()],
        "risk": {"likelihood": likelihood, "impact": impact},
        "attributes": attributes,
    })
}

fn slug(name: &str) -> String {
    let s: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    let s = s.trim_matches('-').to_owned();
    if s.is_empty() {
        "model".to_owned()
    } else {
        s
    }
}
