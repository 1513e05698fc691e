//! Reading an OTM 0.1 or 0.2 file into a Rampart model (mapping in the parent module).

use super::{status_of_state, FORMAT, STATE_NOTE};
use crate::common::{self, array, id_text, number, text, Ids, KIND_HINT};
use crate::{ImportError, Imported};
use analysis::model::*;
use analysis::{Dread, Stride};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, HashMap, HashSet};

const COMPONENT_FIELDS: &[&str] = &[
    "id",
    "name",
    "description",
    "type",
    "parent",
    "tags",
    "representations",
    "assets",
    "threats",
    "attributes",
    "properties",
    "risk",
];
pub(crate) const OUT_OF_SCOPE: &str = "rampartOutOfScope";
pub(crate) const DREAD_HINT: &str = "rampartDread";

/// Reads an OTM 0.1 or 0.2 model. Fails only when the input is not one at all.
pub fn import(input: &str) -> Result<Imported, ImportError> {
    let root = common::parse_object(input, FORMAT)?;
    common::check_version(
        &root,
        "otmVersion",
        FORMAT,
        &["0.1", "0.2"],
        "0.1.x or 0.2.x",
    )?;
    let root = Value::Object(root);
    let project = root.get("project").unwrap_or(&Value::Null);
    let mut r = Reader {
        model: ThreatModel::new(text(project, "name").trim()),
        warnings: Vec::new(),
        ids: Ids::default(),
        zones: HashMap::new(),
        components: HashMap::new(),
        flow_ids: HashMap::new(),
        ignored: BTreeMap::new(),
    };
    r.model.description = text(project, "description").to_owned();
    for key in ["owner", "ownerContact", "tags", "attributes"] {
        if project.get(key).is_some_and(|v| !v.is_null()) {
            r.warnings.push(format!("project.{key} not kept"));
        }
    }
    for z in array(&root, "trustZones") {
        r.zone(z);
    }
    for c in array(&root, "components") {
        r.component(c);
    }
    r.parents(&root);
    r.assets(&root);
    for f in array(&root, "dataflows") {
        r.dataflow(f);
    }
    r.threats(&root);
    for (field, count) in std::mem::take(&mut r.ignored) {
        r.warnings
            .push(format!("ignored field {field} ({count} occurrence(s))"));
    }
    Ok(common::finish(r.model, r.warnings))
}

struct Reader {
    model: ThreatModel,
    warnings: Vec<String>,
    ids: Ids,
    /// OTM trust zone id → element index.
    zones: HashMap<String, usize>,
    /// OTM component id → element index.
    components: HashMap<String, usize>,
    /// OTM dataflow id → flow id.
    flow_ids: HashMap<String, String>,
    ignored: BTreeMap<String, usize>,
}

impl Reader {
    fn note_unknown(&mut self, what: &str, v: &Value, known: &[&str]) {
        for key in v.as_object().into_iter().flat_map(Map::keys) {
            if !known.contains(&key.as_str()) {
                *self.ignored.entry(format!("{what}.{key}")).or_default() += 1;
            }
        }
    }

    fn element(&mut self, v: &Value, kind: ElementKind, fallback: &str) -> usize {
        let otm_id = id_text(v.get("id"));
        let mut attributes = kept_attributes(v);
        // The exporter writes Rampart's kind name as the type when the file had none.
        let written =
            hint(v).is_some() && text(v, "type") == analysis::parse::kind_name(kind.kind());
        for (key, field) in [("otm.type", "type"), ("otm.tags", "tags")] {
            if let Some(x) = v
                .get(field)
                .filter(|x| !(x.is_null() || written && field == "type"))
            {
                attributes.insert(key.to_owned(), x.clone());
            }
        }
        if let Some(rating) = v.pointer("/risk/trustRating") {
            attributes.insert("otm.trustRating".to_owned(), rating.clone());
        }
        if let Some(p) = v.pointer("/assets/processed").filter(|p| !p.is_null()) {
            attributes.insert("otm.processed".to_owned(), p.clone());
        }
        let out_of_scope = attributes
            .remove(OUT_OF_SCOPE)
            .and_then(|r| r.as_str().map(str::to_owned))
            .filter(|r| !r.trim().is_empty())
            .map(|reason| OutOfScope { reason });
        let name = text(v, "name").trim();
        let element = Element {
            id: self.ids.claim(&otm_id, fallback),
            name: if name.is_empty() {
                otm_id.clone()
            } else {
                name.to_owned()
            },
            kind,
            parent: None,
            security_groups: Vec::new(),
            description: text(v, "description").to_owned(),
            out_of_scope,
            geometry: geometry(v),
            attributes,
        };
        if element.name.trim().is_empty() {
            self.warnings
                .push(format!("{fallback} {:?} has no name", element.id));
        }
        self.model.elements.push(element);
        self.model.elements.len() - 1
    }

    fn zone(&mut self, z: &Value) {
        self.note_unknown("trustZone", z, COMPONENT_FIELDS);
        let kind = hint(z)
            .filter(|k| k.kind().is_boundary())
            .unwrap_or_else(|| ElementKind::Subnet(Subnet::default()));
        let i = self.element(z, kind, "zone");
        self.zones.insert(id_text(z.get("id")), i);
    }

    fn component(&mut self, c: &Value) {
        self.note_unknown("component", c, COMPONENT_FIELDS);
        let kind = hint(c).unwrap_or_else(|| guess_kind(text(c, "type"), text(c, "name")));
        let i = self.element(c, kind, "component");
        self.components.insert(id_text(c.get("id")), i);
    }

    /// Sets parents: trust zones directly; components in components via the nearest zone.
    fn parents(&mut self, root: &Value) {
        let zone_of = |v: &Value| id_text(v.pointer("/parent/trustZone"));
        let component_of = |v: &Value| id_text(v.pointer("/parent/component"));
        let mut by_id: HashMap<String, &Value> = HashMap::new();
        for c in array(root, "components") {
            by_id.insert(id_text(c.get("id")), c);
        }
        let mut sets = Vec::new();
        for z in array(root, "trustZones") {
            let (Some(&i), Some(&p)) = (
                self.zones.get(&id_text(z.get("id"))),
                self.zones.get(&zone_of(z)),
            ) else {
                continue;
            };
            sets.push((i, Some(p), None));
        }
        for c in array(root, "components") {
            let Some(&i) = self.components.get(&id_text(c.get("id"))) else {
                continue;
            };
            let parent_component = component_of(c);
            let mut at = c;
            let mut seen = HashSet::new();
            let zone = loop {
                if let Some(&z) = self.zones.get(&zone_of(at)) {
                    break Some(z);
                }
                let next = component_of(at);
                match by_id.get(&next) {
                    Some(n) if seen.insert(next.clone()) => at = n,
                    _ => break None,
                }
            };
            let via = self
                .components
                .get(&parent_component)
                .map(|&p| self.model.elements[p].id.clone());
            sets.push((i, zone, via));
        }
        for (i, zone, via) in sets {
            self.model.elements[i].parent = zone.map(|z| self.model.elements[z].id.clone());
            if let Some(via) = via {
                self.model.elements[i]
                    .attributes
                    .insert("otm.parentComponent".to_owned(), Value::String(via));
            }
        }
    }

    fn assets(&mut self, root: &Value) {
        let mut ids = Ids::default();
        for a in array(root, "assets") {
            let otm_id = id_text(a.get("id"));
            let stored_in = array(root, "components")
                .iter()
                .filter(|c| {
                    array(c.get("assets").unwrap_or(&Value::Null), "stored")
                        .iter()
                        .any(|s| id_text(Some(s)) == otm_id)
                })
                .filter_map(|c| self.components.get(&id_text(c.get("id"))))
                .map(|&i| self.model.elements[i].id.clone())
                .collect();
            let risk = a.get("risk").unwrap_or(&Value::Null);
            let top = ["confidentiality", "integrity", "availability"]
                .iter()
                .filter_map(|k| number(risk, k))
                .fold(None, |m: Option<f64>, x| Some(m.map_or(x, |m| m.max(x))));
            let value = match top {
                Some(t) if t >= 90.0 => AssetValue::Critical,
                Some(t) if t >= 60.0 => AssetValue::High,
                Some(t) if t < 30.0 => AssetValue::Low,
                _ => AssetValue::Medium,
            };
            if !text(risk, "comment").is_empty() {
                self.warnings
                    .push(format!("asset {otm_id:?}: risk comment not kept"));
            }
            let name = text(a, "name").trim();
            self.model.assets.push(Asset {
                id: ids.claim(&otm_id, "asset"),
                name: if name.is_empty() {
                    otm_id.clone()
                } else {
                    name.to_owned()
                },
                value,
                stored_in,
                description: text(a, "description").to_owned(),
            });
        }
    }

    fn end(&self, v: &Value, side: &str) -> Option<usize> {
        let id = id_text(v.get(side));
        self.components
            .get(&id)
            .or_else(|| self.zones.get(&id))
            .copied()
    }

    fn dataflow(&mut self, f: &Value) {
        self.note_unknown(
            "dataflow",
            f,
            &[
                &["source", "destination", "bidirectional"],
                COMPONENT_FIELDS,
            ]
            .concat(),
        );
        let otm_id = id_text(f.get("id"));
        let (Some(s), Some(t)) = (self.end(f, "source"), self.end(f, "destination")) else {
            self.warnings.push(format!(
                "dataflow {otm_id:?} does not connect two components: kept only as this warning"
            ));
            return;
        };
        let (source, target) = (&self.model.elements[s], &self.model.elements[t]);
        if s == t
            || !source.kind.kind().is_flow_endpoint()
            || !target.kind.kind().is_flow_endpoint()
        {
            self.warnings.push(format!(
                "dataflow {otm_id:?} loops to one component or ends at a trust zone: not kept"
            ));
            return;
        }
        let mut attributes = kept_attributes(f);
        for (key, field) in [
            ("otm.tags", "tags"),
            ("otm.assets", "assets"),
            ("bidirectional", "bidirectional"),
        ] {
            if let Some(x) = f.get(field).filter(|x| !x.is_null()) {
                attributes.insert(key.to_owned(), x.clone());
            }
        }
        let mut take = |k: &str| attributes.remove(k).unwrap_or(Value::Null);
        let protocol = take("protocol").as_str().unwrap_or("").trim().to_owned();
        let port = take("port").as_u64().and_then(|p| u16::try_from(p).ok());
        let encryption = serde_json::from_value(take("encryption")).unwrap_or_default();
        let authentication = serde_json::from_value(take("authentication")).unwrap_or_default();
        let classification = serde_json::from_value(take("classification")).unwrap_or_default();
        let out_of_scope = take(OUT_OF_SCOPE)
            .as_str()
            .filter(|r| !r.trim().is_empty())
            .map(|reason| OutOfScope {
                reason: reason.to_owned(),
            });
        let flow = DataFlow {
            id: self.ids.claim(&otm_id, "flow"),
            name: text(f, "name").to_owned(),
            source: source.id.clone(),
            target: target.id.clone(),
            protocol: if protocol.is_empty() {
                common::NO_PROTOCOL.to_owned()
            } else {
                protocol
            },
            port,
            encryption,
            authentication,
            classification,
            description: text(f, "description").to_owned(),
            out_of_scope,
            waypoints: Vec::new(),
            attributes,
        };
        self.flow_ids.insert(otm_id, flow.id.clone());
        self.model.flows.push(flow);
    }

    fn threats(&mut self, root: &Value) {
        let defs: HashMap<String, &Value> = array(root, "threats")
            .iter()
            .map(|t| (id_text(t.get("id")), t))
            .collect();
        let mitigations: HashMap<String, &Value> = array(root, "mitigations")
            .iter()
            .map(|m| (id_text(m.get("id")), m))
            .collect();
        // (Rampart target id, link) in file order.
        let mut links: Vec<(String, &Value)> = Vec::new();
        for list in ["components", "dataflows"] {
            for item in array(root, list) {
                let otm_id = id_text(item.get("id"));
                let target = if list == "components" {
                    self.components
                        .get(&otm_id)
                        .map(|&i| self.model.elements[i].id.clone())
                } else {
                    self.flow_ids.get(&otm_id).cloned()
                };
                for link in array(item, "threats") {
                    match &target {
                        Some(t) => links.push((t.clone(), link)),
                        None => self.warnings.push(format!(
                            "a threat link on {otm_id:?}, which was not kept: not kept"
                        )),
                    }
                }
            }
        }
        let mut count: HashMap<String, usize> = HashMap::new();
        for (_, link) in &links {
            *count.entry(id_text(link.get("threat"))).or_default() += 1;
        }
        for def in array(root, "threats") {
            let id = &id_text(def.get("id"));
            if !count.contains_key(id) {
                self.warnings.push(format!(
                    "threat {id:?} ({:?}) is linked to no component or dataflow: not kept",
                    text(def, "name")
                ));
            }
            self.note_unknown(
                "threat",
                def,
                &[
                    "id",
                    "name",
                    "description",
                    "categories",
                    "risk",
                    "cwes",
                    "tags",
                    "attributes",
                ],
            );
            for key in ["cwes", "tags"] {
                if !array(def, key).is_empty() {
                    *self.ignored.entry(format!("threat.{key}")).or_default() += 1;
                }
            }
        }
        let mut used: HashSet<String> = HashSet::new();
        let mut ids = Ids::default();
        let mut skipped = 0;
        for (target, link) in links {
            let tid = id_text(link.get("threat"));
            let Some(def) = defs.get(&tid) else {
                self.warnings.push(format!(
                    "a link on {target:?} names unknown threat {tid:?}: not kept"
                ));
                continue;
            };
            if let Some(key) = def
                .pointer(&format!("/attributes/{}", common::KEY_FIELD))
                .and_then(Value::as_str)
            {
                skipped += 1;
                let (status, _) = status_of_state(text(link, "state"));
                let kept = common::kept_decision(&def["attributes"]);
                if let Some(d) = common::decision(status, FORMAT, "", kept) {
                    self.model.decisions.insert(key.to_owned(), d);
                }
                continue;
            }
            if text(def, "name").starts_with(crate::RAMPART_MARKER.trim_end()) {
                skipped += 1;
                continue;
            }
            let raw = if count.get(&tid).copied().unwrap_or(0) > 1 {
                format!("{tid}.{target}")
            } else {
                tid.clone()
            };
            let id = ids.claim(&raw, "threat");
            let mut names = Vec::new();
            let mut status_map = BTreeMap::new();
            for m in array(link, "mitigations") {
                let mid = id_text(m.get("mitigation"));
                let Some(def) = mitigations.get(&mid) else {
                    self.warnings.push(format!(
                        "threat {id:?} links unknown mitigation {mid:?}: not kept"
                    ));
                    continue;
                };
                used.insert(mid.clone());
                let mut name = text(def, "name").trim().to_owned();
                if name.is_empty() {
                    name = mid.clone();
                }
                if names.contains(&name) {
                    continue;
                }
                status_map.insert(
                    name.clone(),
                    MitigationStatus {
                        state: text(m, "state").to_owned(),
                        risk_reduction: number(def, "riskReduction")
                            .map(|r| r.clamp(0.0, 100.0).round() as u8),
                        description: text(def, "description").to_owned(),
                    },
                );
                names.push(name);
            }
            self.user_threat(id, target, def, link, names, status_map);
        }
        let mut unused: Vec<&String> = mitigations.keys().filter(|m| !used.contains(*m)).collect();
        unused.sort();
        for id in unused {
            self.warnings.push(format!(
                "mitigation {id:?} is linked to no threat: not kept"
            ));
        }
        if skipped > 0 {
            self.warnings.push(format!(
                "skipped {skipped} threat(s) computed by Rampart: analysis computes them again"
            ));
        }
    }

    fn user_threat(
        &mut self,
        id: String,
        target: String,
        def: &Value,
        link: &Value,
        mitigations: Vec<String>,
        mitigation_status: BTreeMap<String, MitigationStatus>,
    ) {
        let categories = array(def, "categories");
        let stride = categories
            .iter()
            .filter_map(Value::as_str)
            .find_map(common::stride_from);
        if categories.len() > 1 {
            self.warnings.push(format!(
                "threat {id:?}: only the first STRIDE category is kept"
            ));
        }
        let stride = stride.unwrap_or_else(|| {
            self.warnings.push(format!(
                "threat {id:?}: no STRIDE category, read as information disclosure"
            ));
            Stride::InformationDisclosure
        });
        let risk = def.get("risk").unwrap_or(&Value::Null);
        let tenth = |k: &str| number(risk, k).map(|x| (x.clamp(0.0, 100.0) / 10.0).round() as u8);
        let (likelihood, impact) = (
            tenth("likelihood").unwrap_or(5),
            tenth("impact").unwrap_or(5),
        );
        let dread = def
            .pointer(&format!("/attributes/{DREAD_HINT}"))
            .and_then(|d| serde_json::from_value::<Dread>(d.clone()).ok())
            .filter(|d| super::export::likelihood_impact(d) == (likelihood * 10, impact * 10))
            .unwrap_or(Dread::new(
                impact, likelihood, likelihood, impact, likelihood,
            ));
        let state = text(link, "state");
        let (status, canonical) = status_of_state(state);
        let kept = common::kept_decision(&def["attributes"]);
        let mut decision = common::decision(status, FORMAT, text(def, "description"), kept.clone());
        if !canonical && !state.trim().is_empty() && kept.is_none() {
            let d = decision.get_or_insert_with(Decision::default);
            d.notes = Some(format!("{STATE_NOTE}{state}"));
        }
        if let Some(d) = decision {
            self.model.decisions.insert(format!("user:{id}"), d);
        }
        let title = text(def, "name").trim();
        self.model.threats.push(UserThreat {
            id,
            target,
            title: if title.is_empty() {
                "Untitled threat".to_owned()
            } else {
                title.to_owned()
            },
            stride,
            description: text(def, "description").to_owned(),
            dread,
            mitigations,
            mitigation_status,
        });
    }
}

fn hint(v: &Value) -> Option<ElementKind> {
    serde_json::from_value(v.get("attributes")?.get(KIND_HINT)?.clone()).ok()
}

/// `attributes` under their own names, `properties` under `properties.<name>`.
fn kept_attributes(v: &Value) -> BTreeMap<String, Value> {
    let mut out = BTreeMap::new();
    if let Some(a) = v.get("attributes").and_then(Value::as_object) {
        for (k, x) in a {
            if k != KIND_HINT && k != DREAD_HINT && k != common::RAMPART_FIELD {
                out.insert(k.clone(), x.clone());
            }
        }
    }
    if let Some(p) = v.get("properties").and_then(Value::as_object) {
        for (k, x) in p {
            out.insert(format!("properties.{k}"), x.clone());
        }
    }
    out
}

fn geometry(v: &Value) -> Option<Geometry> {
    array(v, "representations").iter().find_map(|r| {
        let p = r.get("position")?;
        let size = r.get("size").unwrap_or(&Value::Null);
        Some(Geometry {
            x: number(p, "x")?,
            y: number(p, "y")?,
            width: number(size, "width").unwrap_or(0.0),
            height: number(size, "height").unwrap_or(0.0),
        })
    })
}

/// The closest Rampart kind for an OTM component type and name.
pub(crate) fn guess_kind(ty: &str, name: &str) -> ElementKind {
    let s = format!("{ty} {name}").to_ascii_lowercase();
    let any = |words: &[&str]| words.iter().any(|w| s.contains(w));
    if any(&["storage", "bucket", "s3", "blob", "file"]) {
        ElementKind::DataStore(DataStore {
            store: StoreKind::ObjectStorage,
            ..DataStore::default()
        })
    } else if any(&["cache", "redis", "memcache"]) {
        ElementKind::DataStore(DataStore {
            store: StoreKind::Cache,
            ..DataStore::default()
        })
    } else if any(&[
        "database", "-db", "db-", "sql", "postgres", "mongo", "dynamo", "cosmos", "queue", "kafka",
        "store",
    ]) {
        ElementKind::DataStore(DataStore::default())
    } else if any(&["client", "browser", "device", "mobile", "actor", "external"]) {
        ElementKind::ExternalActor(Empty {})
    } else if any(&["load-balancer", "load balancer", "loadbalancer", "elb"]) {
        ElementKind::LoadBalancer(LoadBalancer::default())
    } else if any(&["waf", "firewall"]) {
        ElementKind::Waf(Waf::default())
    } else {
        ElementKind::Workload(Workload::default())
    }
}
