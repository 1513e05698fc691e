//! What changed between two versions of a model: elements and flows by id, threats by key,
//! decisions by threat key, each as lists of added, removed and changed items.
//!
//! Threats are compared as [`analyze`] sees them in each version (computed findings and the
//! threats people wrote), so a diff also shows what an edit did to the risk: a threat that
//! appears because a subnet became public, or one whose residual risk fell because a
//! control was added. The order of items in the file does not count as a change.

use crate::model::ThreatModel;
use crate::report::{analyze, Options};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};

/// The changes from one version of a model to another.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
pub struct ModelDiff {
    /// The model's own fields that differ: `name`, `description`, `assets`,
    /// `threat_agents`, `suppressions`.
    pub model: Vec<String>,
    /// Elements (trust boundaries included) by id.
    pub elements: ItemDiff,
    /// Data flows by id.
    pub flows: ItemDiff,
    /// Threats by key, computed and user-written alike.
    pub threats: ItemDiff,
    /// Decisions by threat key.
    pub decisions: ItemDiff,
}

impl ModelDiff {
    /// Whether nothing changed.
    pub fn is_empty(&self) -> bool {
        self.model.is_empty()
            && self.elements.is_empty()
            && self.flows.is_empty()
            && self.threats.is_empty()
            && self.decisions.is_empty()
    }
}

/// Added, removed and changed items of one kind, each list sorted by id.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
pub struct ItemDiff {
    pub added: Vec<String>,
    pub removed: Vec<String>,
    pub changed: Vec<Changed>,
}

impl ItemDiff {
    /// Whether nothing was added, removed or changed.
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.changed.is_empty()
    }
}

/// An item present in both versions, and which of its fields differ (sorted, as named in
/// the file; for threats also `severity`, `residual_risk` and `status`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Changed {
    pub id: String,
    pub fields: Vec<String>,
}

/// The changes from `from` to `to`.
pub fn diff(from: &ThreatModel, to: &ThreatModel) -> ModelDiff {
    ModelDiff {
        model: model_fields(from, to),
        elements: compare(
            &items(from.elements.iter().map(|e| (e.id.clone(), e))),
            &items(to.elements.iter().map(|e| (e.id.clone(), e))),
        ),
        flows: compare(
            &items(from.flows.iter().map(|f| (f.id.clone(), f))),
            &items(to.flows.iter().map(|f| (f.id.clone(), f))),
        ),
        threats: compare(&threats(from), &threats(to)),
        decisions: compare(&items(from.decisions.iter()), &items(to.decisions.iter())),
    }
}

/// Items by id as JSON objects (the first one when an id is used twice).
fn items<K, T>(iter: impl Iterator<Item = (K, T)>) -> BTreeMap<String, Map<String, Value>>
where
    K: Into<String>,
    T: Serialize,
{
    let mut out = BTreeMap::new();
    for (id, item) in iter {
        out.entry(id.into()).or_insert_with(|| object(&item));
    }
    out
}

fn object(item: &impl Serialize) -> Map<String, Value> {
    match serde_json::to_value(item) {
        Ok(Value::Object(map)) => map,
        Ok(other) => Map::from_iter([(String::new(), other)]),
        Err(_) => Map::new(),
    }
}

/// The threats of a model by key: each finding's severity, residual risk and status, and for
/// threats people wrote, the fields they wrote (also for those out of scope, which have no
/// finding).
fn threats(model: &ThreatModel) -> BTreeMap<String, Map<String, Value>> {
    let mut out = BTreeMap::new();
    for f in analyze(model, &Options::default()).findings {
        let mut map = Map::new();
        map.insert("severity".into(), serde_json::json!(f.severity));
        map.insert("residual_risk".into(), serde_json::json!(f.residual_risk));
        map.insert("status".into(), serde_json::json!(f.status));
        out.insert(f.key, map);
    }
    for t in &model.threats {
        let key = crate::findings::key(crate::findings::USER_RULE, &t.id);
        let map = out.entry(key).or_insert_with(Map::new);
        for (field, value) in object(t) {
            map.entry(field).or_insert(value);
        }
    }
    out
}

fn compare(
    from: &BTreeMap<String, Map<String, Value>>,
    to: &BTreeMap<String, Map<String, Value>>,
) -> ItemDiff {
    let mut diff = ItemDiff::default();
    for (id, old) in from {
        match to.get(id) {
            None => diff.removed.push(id.clone()),
            Some(new) => {
                let fields = differing(old, new);
                if !fields.is_empty() {
                    diff.changed.push(Changed {
                        id: id.clone(),
                        fields,
                    });
                }
            }
        }
    }
    diff.added = to
        .keys()
        .filter(|id| !from.contains_key(*id))
        .cloned()
        .collect();
    diff
}

/// The keys whose values differ between two objects (present in one only counts), sorted.
fn differing(old: &Map<String, Value>, new: &Map<String, Value>) -> Vec<String> {
    let keys: BTreeSet<&String> = old.keys().chain(new.keys()).collect();
    keys.into_iter()
        .filter(|k| old.get(*k) != new.get(*k))
        .cloned()
        .collect()
}

fn model_fields(from: &ThreatModel, to: &ThreatModel) -> Vec<String> {
    let strip = |m: &ThreatModel| {
        let mut map = object(m);
        for list in ["elements", "flows", "threats", "decisions"] {
            map.remove(list);
        }
        map
    };
    differing(&strip(from), &strip(to))
}

#[cfg(test)]
mod tests;
