//! The threat model: what a `rampart/1` file holds.
//!
//! Elements sit in trust boundaries through `parent`; data flows connect elements; assets,
//! threat agents, user-written threats, decisions, scope notes and suppressions travel with
//! them, so one file carries everything people decided. Diagram geometry is carried too, but
//! no rule ever reads it. The types are strict (`deny_unknown_fields` everywhere); use
//! [`crate::parse`] to read a file, which also checks references, containment and flows.

mod kinds;
mod people;

pub use kinds::*;
pub use people::*;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The value of the `schema` field this version reads and writes.
pub const SCHEMA_VERSION: &str = "rampart/1";

/// A whole threat model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ThreatModel {
    /// Always `"rampart/1"`.
    pub schema: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    #[serde(default)]
    pub elements: Vec<Element>,
    #[serde(default)]
    pub flows: Vec<DataFlow>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub assets: Vec<Asset>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub threat_agents: Vec<ThreatAgent>,
    /// Threats people wrote (or imported) on elements and flows.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub threats: Vec<UserThreat>,
    /// Decisions keyed by threat key (see [`crate::Finding::key`]).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub decisions: BTreeMap<String, Decision>,
    /// Rules switched off for this whole model.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub suppressions: Vec<Suppression>,
}

impl ThreatModel {
    /// An empty model with the current schema.
    pub fn new(name: impl Into<String>) -> Self {
        ThreatModel {
            schema: SCHEMA_VERSION.to_owned(),
            name: name.into(),
            description: String::new(),
            elements: Vec::new(),
            flows: Vec::new(),
            assets: Vec::new(),
            threat_agents: Vec::new(),
            threats: Vec::new(),
            decisions: BTreeMap::new(),
            suppressions: Vec::new(),
        }
    }

    /// The element with this id, if any.
    pub fn element(&self, id: &str) -> Option<&Element> {
        self.elements.iter().find(|e| e.id == id)
    }

    /// The element with this id, mutably.
    pub fn element_mut(&mut self, id: &str) -> Option<&mut Element> {
        self.elements.iter_mut().find(|e| e.id == id)
    }

    /// The flow with this id, if any.
    pub fn flow(&self, id: &str) -> Option<&DataFlow> {
        self.flows.iter().find(|f| f.id == id)
    }

    /// The flow with this id, mutably.
    pub fn flow_mut(&mut self, id: &str) -> Option<&mut DataFlow> {
        self.flows.iter_mut().find(|f| f.id == id)
    }
}

/// One box on the diagram: an actor, a component, a piece of network configuration or a
/// trust boundary (see [`Kind::is_boundary`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Element {
    /// Stable identity: letters, digits, `.`, `_` and `-`. Threat keys are built from it.
    pub id: String,
    /// Display name; renaming never changes a threat key.
    pub name: String,
    pub kind: ElementKind,
    /// The trust boundary (account, VPC, subnet, cluster or namespace) that contains it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    /// Security groups attached to this element (ids of `security_group` elements).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub security_groups: Vec<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// Set when the element is out of scope: it gets no findings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub out_of_scope: Option<OutOfScope>,
    /// Where the diagram draws it; never read by the rules.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub geometry: Option<Geometry>,
    /// What another tool recorded that Rampart has no field for (kept so imports and
    /// exports lose nothing); never read by the rules.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub attributes: BTreeMap<String, serde_json::Value>,
}

/// Position and size on the diagram canvas.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Geometry {
    pub x: f64,
    pub y: f64,
    #[serde(default)]
    pub width: f64,
    #[serde(default)]
    pub height: f64,
}

/// A bend point of a flow on the diagram.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Point {
    pub x: f64,
    pub y: f64,
}

/// Why something is out of scope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OutOfScope {
    pub reason: String,
}

/// A data flow: `source` initiates, `target` answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DataFlow {
    pub id: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    pub source: String,
    pub target: String,
    /// Application protocol, e.g. `https`, `grpc`, `postgres`, `ssh`.
    pub protocol: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<u16>,
    #[serde(default)]
    pub encryption: Encryption,
    #[serde(default)]
    pub authentication: Authentication,
    #[serde(default)]
    pub classification: Classification,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub out_of_scope: Option<OutOfScope>,
    /// Bend points on the diagram; never read by the rules.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub waypoints: Vec<Point>,
    /// What another tool recorded that Rampart has no field for (kept so imports and
    /// exports lose nothing); never read by the rules.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub attributes: BTreeMap<String, serde_json::Value>,
}

/// Encryption in transit on a flow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Encryption {
    #[default]
    None,
    Tls,
    Mtls,
}

/// How the target authenticates the source of a flow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Authentication {
    #[default]
    None,
    Password,
    Token,
    Certificate,
    Iam,
}

/// Classification of the data a flow carries.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Default,
    Serialize,
    Deserialize,
    JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Classification {
    Public,
    #[default]
    Internal,
    Confidential,
    Restricted,
}

/// Something worth protecting, and where it is stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Asset {
    pub id: String,
    pub name: String,
    pub value: AssetValue,
    /// Ids of the elements (usually data stores) that hold it.
    #[serde(default)]
    pub stored_in: Vec<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
}

/// How much an asset is worth to the business.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum AssetValue {
    Low,
    Medium,
    High,
    Critical,
}

/// Who attacks, and how capable they are.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ThreatAgent {
    pub id: String,
    pub name: String,
    pub kind: AgentKind,
    pub capability: Capability,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
}

/// The kinds of threat agent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum AgentKind {
    ExternalAttacker,
    MaliciousInsider,
    NationState,
    Other,
}

/// A threat agent's capability.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Capability {
    Low,
    Medium,
    High,
}
