//! Turning rule hits into findings: stable keys, context-adjusted DREAD, the controls with
//! whether each is present, the decision people took, residual risk and severity.
//!
//! Residual risk: a finding whose decision is mitigated or not applicable has none; otherwise
//! each mitigating control that is present takes off an equal share of half the risk
//! (all present: half the risk remains, since a control can fail).

use crate::controls::{self, Control};
use crate::dread::{Dread, Severity};
use crate::index::{Index, Subject};
use crate::model::{AssetValue, Capability, Classification, Decision, Status, Stride};
use crate::rules::{BaseTarget, Hit, Rule};
use serde::{Deserialize, Serialize};

/// The rule id of threats people wrote; their keys are `user:<threat id>`.
pub const USER_RULE: &str = "user";

/// What a finding is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TargetKind {
    Element,
    Flow,
    /// A defence-in-depth path: `target` is the entry point, `asset` the asset or store.
    Path,
}

/// A mitigating control and whether the model shows it in place for this finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ControlCheck {
    pub control: Control,
    pub present: bool,
}

/// One threat: computed by a rule or written by a person.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// Stable identity: `rule:element`, `rule:entry->asset` for paths, `user:id`.
    pub key: String,
    /// The rule id, or `user`.
    pub rule: String,
    pub title: String,
    pub stride: Stride,
    pub target_kind: TargetKind,
    /// The element or flow id (for paths, the entry point).
    pub target: String,
    /// For paths, the asset (or data store) reached.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub asset: Option<String>,
    /// Why the rule fired: the element, containment, flow or path involved.
    pub why: String,
    /// The score used: the rule's default adjusted to the context, or the decision's override.
    pub dread: Dread,
    /// How the context changed the default score.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub adjustments: Vec<String>,
    /// The mean of `dread`.
    pub risk: f64,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub controls: Vec<ControlCheck>,
    /// For user threats: the mitigations they list.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub mitigations: Vec<String>,
    pub status: Status,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision: Option<Decision>,
    /// The risk left given the controls present and the decision.
    pub residual_risk: f64,
    /// The band of `residual_risk`.
    pub severity: Severity,
}

impl Finding {
    /// Whether the finding still needs action (status open).
    pub fn is_open(&self) -> bool {
        self.status.is_open()
    }
}

/// The key of a computed finding on an element or flow.
pub fn key(rule: &str, id: &str) -> String {
    format!("{rule}:{id}")
}

/// The key of a path finding.
pub fn path_key(rule: &str, entry: &str, asset: &str) -> String {
    format!("{rule}:{entry}->{asset}")
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// The risk left once present controls and the status are taken into account.
pub fn residual_risk(risk: f64, controls: &[ControlCheck], status: Status) -> f64 {
    if matches!(status, Status::Mitigated | Status::NotApplicable) {
        return 0.0;
    }
    if controls.is_empty() {
        return round2(risk);
    }
    let present = controls.iter().filter(|c| c.present).count() as f64;
    round2(risk * (1.0 - 0.5 * present / controls.len() as f64))
}

pub(crate) struct Builder<'a, 'm> {
    pub ix: &'a Index<'m>,
    high_capability_agent: bool,
}

impl<'a, 'm> Builder<'a, 'm> {
    pub fn new(ix: &'a Index<'m>) -> Self {
        let high_capability_agent =
            ix.m.threat_agents
                .iter()
                .any(|a| a.capability == Capability::High);
        Builder {
            ix,
            high_capability_agent,
        }
    }

    pub fn in_scope(&self, subject: Subject) -> bool {
        match subject {
            Subject::Element(i) => self.ix.element(i).out_of_scope.is_none(),
            Subject::Flow(f) => self.ix.flow(f).out_of_scope.is_none(),
        }
    }

    pub fn target_id(&self, subject: Subject) -> &'m str {
        match subject {
            Subject::Element(i) => self.ix.id(i),
            Subject::Flow(f) => &self.ix.flow(f).id,
        }
    }

    pub fn checks(&self, controls: &[Control], subject: Subject) -> Vec<ControlCheck> {
        controls
            .iter()
            .filter_map(|c| {
                controls::state(self.ix, *c, subject).map(|present| ControlCheck {
                    control: *c,
                    present,
                })
            })
            .collect()
    }

    /// The rule's default DREAD adjusted to where the subject sits.
    pub fn adjust(&self, base: Dread, subject: Subject) -> (Dread, Vec<String>) {
        let ix = self.ix;
        let (exposed, value, class) = match subject {
            Subject::Element(i) => (ix.exposed[i], ix.asset_value[i], None),
            Subject::Flow(f) => match ix.flow_ends(f) {
                Some((s, t)) => (
                    ix.kind(s).is_untrusted() || ix.exposed[t],
                    ix.asset_value[s].max(ix.asset_value[t]),
                    Some(ix.flow(f).classification),
                ),
                None => (false, None, Some(ix.flow(f).classification)),
            },
        };
        let [mut da, r, mut e, mut a, mut di] = base.factors();
        let mut notes = Vec::new();
        if exposed {
            e += 1;
            di += 2;
            notes.push("exposed to the internet: exploitability +1, discoverability +2".into());
            if self.high_capability_agent {
                e += 1;
                notes.push("high-capability threat agent: exploitability +1".into());
            }
        }
        match value {
            Some(AssetValue::Critical) => {
                da += 2;
                a += 1;
                notes.push("holds a critical asset: damage +2, affected users +1".into());
            }
            Some(AssetValue::High) => {
                da += 1;
                notes.push("holds a high-value asset: damage +1".into());
            }
            _ => {}
        }
        match class {
            Some(Classification::Restricted) => {
                da += 2;
                notes.push("carries restricted data: damage +2".into());
            }
            Some(Classification::Confidential) => {
                da += 1;
                notes.push("carries confidential data: damage +1".into());
            }
            _ => {}
        }
        (Dread::new(da, r, e, a, di), notes)
    }

    /// Completes a finding from its parts and the decision recorded under its key.
    #[allow(clippy::too_many_arguments)]
    pub fn finish(
        &self,
        key: String,
        rule: &str,
        title: &str,
        stride: Stride,
        target_kind: TargetKind,
        target: &str,
        asset: Option<String>,
        why: String,
        scored: (Dread, Vec<String>),
        controls: Vec<ControlCheck>,
    ) -> Finding {
        let decision = self.ix.m.decisions.get(&key).cloned();
        let status = decision.as_ref().map_or(Status::Open, |d| d.status);
        let (dread, adjustments) = match decision.as_ref().and_then(|d| d.dread) {
            Some(over) => (over, vec!["score set by decision".to_owned()]),
            None => scored,
        };
        let risk = dread.risk();
        let residual = residual_risk(risk, &controls, status);
        Finding {
            key,
            rule: rule.to_owned(),
            title: title.to_owned(),
            stride,
            target_kind,
            target: target.to_owned(),
            asset,
            why,
            dread,
            adjustments,
            risk,
            controls,
            mitigations: Vec::new(),
            status,
            decision,
            residual_risk: residual,
            severity: Severity::from_risk(residual),
        }
    }

    /// A finding for a rule hit on an element or flow.
    pub fn for_hit(&self, rule: &Rule, hit: Hit, controls: Option<Vec<ControlCheck>>) -> Finding {
        let target = self.target_id(hit.subject);
        let controls = controls.unwrap_or_else(|| self.checks(rule.controls, hit.subject));
        let kind = match hit.subject {
            Subject::Element(_) => TargetKind::Element,
            Subject::Flow(_) => TargetKind::Flow,
        };
        self.finish(
            key(rule.id, target),
            rule.id,
            rule.title,
            rule.stride,
            kind,
            target,
            None,
            hit.why,
            self.adjust(rule.dread, hit.subject),
            controls,
        )
    }
}

/// Base STRIDE rule: every subject of the class with an applicable control absent.
pub(crate) fn base_hits(b: &Builder, rule: &Rule, target: BaseTarget, out: &mut Vec<Finding>) {
    use crate::model::DfdClass;
    let ix = b.ix;
    let subjects: Box<dyn Iterator<Item = Subject>> = match target {
        BaseTarget::DataFlow => Box::new((0..ix.m.flows.len()).map(Subject::Flow)),
        BaseTarget::ExternalEntity | BaseTarget::Process | BaseTarget::DataStore => {
            let class = match target {
                BaseTarget::ExternalEntity => DfdClass::ExternalEntity,
                BaseTarget::Process => DfdClass::Process,
                _ => DfdClass::DataStore,
            };
            Box::new(
                (0..ix.len())
                    .filter(move |i| ix.kind(*i).class() == class)
                    .map(Subject::Element),
            )
        }
    };
    for subject in subjects {
        if !b.in_scope(subject) {
            continue;
        }
        if let Subject::Flow(f) = subject {
            if ix.flow_ends(f).is_none() {
                continue;
            }
        }
        let checks = b.checks(rule.controls, subject);
        let missing: Vec<&str> = checks
            .iter()
            .filter(|c| !c.present)
            .map(|c| c.control.name())
            .collect();
        if missing.is_empty() {
            continue;
        }
        let what = match subject {
            Subject::Element(i) => ix.describe(i),
            Subject::Flow(f) => crate::rules::flow_text(ix, f),
        };
        let why = format!("{what} lacks: {}", missing.join(", "));
        out.push(b.for_hit(rule, Hit { subject, why }, Some(checks)));
    }
}
