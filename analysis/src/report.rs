//! [`analyze`]: from a model to a [`Report`] of findings, paths and diagnostics, in a
//! deterministic order.

use crate::findings::{path_key, Builder, Finding, TargetKind, USER_RULE};
use crate::index::{Index, Subject};
use crate::model::ThreatModel;
use crate::paths::{self, DepthPath, LAYER_CONTROLS};
use crate::rules::{self, Check, DEPTH_RULE};
use crate::{ControlCheck, Severity};
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};

/// Analysis settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Options {
    /// The fewest layers of control a path from an entry point to an asset may cross.
    pub min_depth: u32,
}

impl Default for Options {
    fn default() -> Self {
        Options { min_depth: 3 }
    }
}

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Warning,
    Error,
}

/// A problem with the model itself (not a threat): the analysis still ran.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    pub level: Level,
    pub message: String,
}

/// An element or flow that was left out, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScopeNote {
    pub id: String,
    pub reason: String,
}

/// A rule switched off for the model, and how many findings it hid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SuppressedRule {
    pub rule: String,
    pub justification: String,
    pub hidden: usize,
}

/// Everything one analysis produced.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub min_depth: u32,
    /// Highest severity first, then by key.
    pub findings: Vec<Finding>,
    /// The weakest path for every reachable (entry point, asset or store) pair.
    pub paths: Vec<DepthPath>,
    pub out_of_scope: Vec<ScopeNote>,
    pub suppressed: Vec<SuppressedRule>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Report {
    /// The findings still open.
    pub fn open(&self) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(|f| f.is_open())
    }

    /// How many open findings are at or above a severity (the CI gate).
    pub fn open_at_or_above(&self, severity: Severity) -> usize {
        self.open().filter(|f| f.severity >= severity).count()
    }

    /// Open findings per severity, low to critical.
    pub fn open_by_severity(&self) -> [usize; 4] {
        let mut counts = [0; 4];
        for f in self.open() {
            counts[f.severity as usize] += 1;
        }
        counts
    }

    /// The finding with this key.
    pub fn finding(&self, key: &str) -> Option<&Finding> {
        self.findings.iter().find(|f| f.key == key)
    }
}

/// Analyses a model. Never fails and never panics: an inconsistent model (one built in code
/// rather than through [`crate::parse()`]) is analysed as far as it goes, with diagnostics.
pub fn analyze(model: &ThreatModel, options: &Options) -> Report {
    let ix = Index::new(model);
    let b = Builder::new(&ix);
    let mut diagnostics: Vec<Diagnostic> = crate::parse::validate(model)
        .into_iter()
        .map(|e| Diagnostic {
            level: Level::Error,
            message: e.to_string(),
        })
        .collect();
    let suppressed: HashMap<&str, &str> = model
        .suppressions
        .iter()
        .map(|s| (s.rule.as_str(), s.justification.as_str()))
        .collect();
    let mut hidden: HashMap<&str, usize> = HashMap::new();
    let mut findings = Vec::new();
    let mut path_list = Vec::new();
    for rule in rules::rules() {
        let before = findings.len();
        match rule.check {
            Check::Scan(scan) => {
                let mut hits = Vec::new();
                scan(&ix, &mut hits);
                for hit in hits {
                    if b.in_scope(hit.subject) {
                        findings.push(b.for_hit(rule, hit, None));
                    }
                }
            }
            Check::Base(target) => crate::findings::base_hits(&b, rule, target, &mut findings),
            Check::Path => {
                path_list = paths::weakest_paths(&ix);
                for p in &path_list {
                    if (p.layers) < options.min_depth {
                        if let Some(f) = path_finding(&b, rule, p, options.min_depth) {
                            findings.push(f);
                        }
                    }
                }
            }
        }
        if suppressed.contains_key(rule.id) {
            hidden.insert(rule.id, findings.len() - before);
            findings.truncate(before);
        }
    }
    for t in &model.threats {
        let subject = match (
            ix.id_of(&t.target),
            model.flows.iter().position(|f| f.id == t.target),
        ) {
            (Some(i), _) => Subject::Element(i),
            (None, Some(f)) => Subject::Flow(f),
            (None, None) => continue,
        };
        if !b.in_scope(subject) {
            continue;
        }
        let kind = match subject {
            Subject::Element(_) => TargetKind::Element,
            Subject::Flow(_) => TargetKind::Flow,
        };
        let mut f = b.finish(
            format!("{USER_RULE}:{}", t.id),
            USER_RULE,
            &t.title,
            t.stride,
            kind,
            &t.target,
            None,
            if t.description.is_empty() {
                "written by a person".to_owned()
            } else {
                t.description.clone()
            },
            (t.dread, Vec::new()),
            Vec::new(),
        );
        f.mitigations = t.mitigations.clone();
        findings.push(f);
    }
    findings.sort_by(|a, b| b.severity.cmp(&a.severity).then_with(|| a.key.cmp(&b.key)));
    findings.dedup_by(|a, b| a.key == b.key);

    let keys: HashSet<&str> = findings.iter().map(|f| f.key.as_str()).collect();
    for key in model.decisions.keys() {
        let suppressed_rule = key
            .split(':')
            .next()
            .is_some_and(|r| suppressed.contains_key(r));
        if !keys.contains(key.as_str()) && !suppressed_rule {
            diagnostics.push(Diagnostic {
                level: Level::Warning,
                message: format!("decision {key:?} matches no current threat (the rule no longer fires, or the element was renamed or removed)"),
            });
        }
    }
    let mut suppressed_rules = Vec::new();
    for s in &model.suppressions {
        if rules::rule(&s.rule).is_none() {
            diagnostics.push(Diagnostic {
                level: Level::Warning,
                message: format!("suppression names unknown rule {:?}", s.rule),
            });
        }
        suppressed_rules.push(SuppressedRule {
            rule: s.rule.clone(),
            justification: s.justification.clone(),
            hidden: hidden.get(s.rule.as_str()).copied().unwrap_or(0),
        });
    }
    let out_of_scope = model
        .elements
        .iter()
        .map(|e| (&e.id, &e.out_of_scope))
        .chain(model.flows.iter().map(|f| (&f.id, &f.out_of_scope)))
        .filter_map(|(id, s)| {
            s.as_ref().map(|s| ScopeNote {
                id: id.clone(),
                reason: s.reason.clone(),
            })
        })
        .collect();
    Report {
        min_depth: options.min_depth,
        findings,
        paths: path_list,
        out_of_scope,
        suppressed: suppressed_rules,
        diagnostics,
    }
}

fn path_finding(b: &Builder, rule: &rules::Rule, p: &DepthPath, min: u32) -> Option<Finding> {
    let ix = b.ix;
    let entry = ix.id_of(&p.entry)?;
    let store = ix.id_of(&p.store)?;
    if !b.in_scope(Subject::Element(entry)) || !b.in_scope(Subject::Element(store)) {
        return None;
    }
    let controls: Vec<ControlCheck> = LAYER_CONTROLS
        .iter()
        .map(|c| ControlCheck {
            control: *c,
            present: p.crosses(*c),
        })
        .collect();
    let mut route = vec![p.entry.as_str()];
    route.extend(p.hops.iter().map(|h| h.to.as_str()));
    let layers: Vec<&str> = p.layer_list().iter().map(|c| c.name()).collect();
    let why = format!(
        "weakest path {} crosses {} layer(s) ({}); {} required",
        route.join(" -> "),
        p.layers,
        if layers.is_empty() {
            "none".to_owned()
        } else {
            layers.join(", ")
        },
        min
    );
    let (dread, mut notes) = b.adjust(rule.dread, Subject::Element(store));
    notes.retain(|n| !n.starts_with("exposed"));
    Some(b.finish(
        path_key(DEPTH_RULE, &p.entry, &p.target),
        rule.id,
        rule.title,
        rule.stride,
        TargetKind::Path,
        &p.entry,
        Some(p.target.clone()),
        why,
        (dread, notes),
        controls,
    ))
}
