//! The rule catalogue: the STRIDE-per-element base layer, the context rules of this domain
//! (a module per family), and the defence-in-depth path rule.
//!
//! A rule is data (id, title, STRIDE category, description, condition, controls, default
//! DREAD, references) plus a check that scans the [`Index`] and reports hits, each with the
//! reason it fired. Ids are stable: threat keys and decisions are built on them.

mod access;
mod base;
mod identity;
mod kubernetes;
mod mesh;
mod network;
mod perimeter;
mod stores;

use crate::controls::Control;
use crate::dread::Dread;
use crate::index::{Index, Subject};
use crate::model::Stride;
use serde::Serialize;

/// The id of the defence-in-depth path rule.
pub const DEPTH_RULE: &str = "depth.insufficient-layers";

/// Families of rules, following the lines of defence in DESIGN.md.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Family {
    /// The STRIDE-per-element base layer.
    Stride,
    Identity,
    Perimeter,
    Network,
    LoadBalancing,
    Kubernetes,
    Mesh,
    Endpoints,
    Access,
    Audit,
    Data,
    Flows,
    Depth,
}

/// One rule of the catalogue.
#[derive(Debug, Clone, Serialize)]
pub struct Rule {
    /// Stable id, e.g. `network.subnet-without-acl`.
    pub id: &'static str,
    pub title: &'static str,
    pub family: Family,
    pub stride: Stride,
    /// The threat, written for an architect.
    pub description: &'static str,
    /// When the rule fires, in terms of the model.
    pub condition: &'static str,
    /// Controls from the catalogue that mitigate it.
    pub controls: &'static [Control],
    /// Default DREAD before context adjustment.
    pub dread: Dread,
    /// MITRE ATT&CK technique ids and other references.
    pub references: &'static [&'static str],
    #[serde(skip)]
    pub(crate) check: Check,
}

/// How a rule finds its hits.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Check {
    /// A context rule: scans the index.
    Scan(fn(&Index, &mut Vec<Hit>)),
    /// A base STRIDE rule: fires on each subject of the class where one of the rule's
    /// applicable controls is absent.
    Base(BaseTarget),
    /// The path rule, evaluated by [`crate::paths`].
    Path,
}

/// The subjects of a base STRIDE rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BaseTarget {
    ExternalEntity,
    Process,
    DataStore,
    DataFlow,
}

/// One place a rule fired, and why.
#[derive(Debug, Clone)]
pub(crate) struct Hit {
    pub subject: Subject,
    pub why: String,
}

pub(crate) fn el(out: &mut Vec<Hit>, i: usize, why: String) {
    out.push(Hit {
        subject: Subject::Element(i),
        why,
    });
}

pub(crate) fn fl(out: &mut Vec<Hit>, f: usize, why: String) {
    out.push(Hit {
        subject: Subject::Flow(f),
        why,
    });
}

/// A DREAD score usable in constants.
pub(crate) const fn d(
    damage: u8,
    reproducibility: u8,
    exploitability: u8,
    affected_users: u8,
    discoverability: u8,
) -> Dread {
    Dread {
        damage,
        reproducibility,
        exploitability,
        affected_users,
        discoverability,
    }
}

const FAMILIES: &[&[Rule]] = &[
    base::RULES,
    identity::RULES,
    perimeter::RULES,
    network::RULES,
    kubernetes::RULES,
    mesh::RULES,
    access::RULES,
    stores::RULES,
    &[Rule {
        id: DEPTH_RULE,
        title: "Too few layers of defence between an entry point and an asset",
        family: Family::Depth,
        stride: Stride::ElevationOfPrivilege,
        description: "The weakest path from an untrusted entry point to an asset or data store crosses fewer layers of control than required. One misconfiguration or one exploited component is then enough to reach the data.",
        condition: "The path from an internet or external-actor element to a data store (or an asset's store), following data flows, that crosses the fewest layers (WAF, transit firewall, ACL, security group, private LB, network policy, mTLS, authorization policy) has fewer than the minimum (default 3).",
        controls: crate::paths::LAYER_CONTROLS,
        dread: d(8, 5, 5, 8, 5),
        references: &["T1190", "T1210", "TA0008"],
        check: Check::Path,
    }],
];

/// Every rule, in catalogue order (base layer first, then by family).
pub fn rules() -> impl Iterator<Item = &'static Rule> {
    FAMILIES.iter().flat_map(|f| f.iter())
}

/// The rule with this id.
pub fn rule(id: &str) -> Option<&'static Rule> {
    rules().find(|r| r.id == id)
}

/// Names the elements of a flow for reason texts: `web -> api`.
pub(crate) fn flow_text(ix: &Index, f: usize) -> String {
    let flow = ix.flow(f);
    format!(
        "flow {:?} ({} {} -> {})",
        flow.id, flow.protocol, flow.source, flow.target
    )
}

/// A context rule.
#[allow(clippy::too_many_arguments)]
pub(crate) const fn ctx(
    id: &'static str,
    title: &'static str,
    family: Family,
    stride: Stride,
    description: &'static str,
    condition: &'static str,
    controls: &'static [Control],
    dread: Dread,
    references: &'static [&'static str],
    scan: fn(&Index, &mut Vec<Hit>),
) -> Rule {
    Rule {
        id,
        title,
        family,
        stride,
        description,
        condition,
        controls,
        dread,
        references,
        check: Check::Scan(scan),
    }
}
