//! What people add to a model: their own threats, decisions on threats, and suppressions.

use crate::dread::Dread;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// A STRIDE category.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Stride {
    Spoofing,
    Tampering,
    Repudiation,
    InformationDisclosure,
    DenialOfService,
    ElevationOfPrivilege,
}

impl Stride {
    /// Every category, in STRIDE order.
    pub const ALL: [Stride; 6] = [
        Stride::Spoofing,
        Stride::Tampering,
        Stride::Repudiation,
        Stride::InformationDisclosure,
        Stride::DenialOfService,
        Stride::ElevationOfPrivilege,
    ];

    /// The category's letter: S, T, R, I, D or E.
    pub fn letter(self) -> char {
        match self {
            Stride::Spoofing => 'S',
            Stride::Tampering => 'T',
            Stride::Repudiation => 'R',
            Stride::InformationDisclosure => 'I',
            Stride::DenialOfService => 'D',
            Stride::ElevationOfPrivilege => 'E',
        }
    }

    /// The snake_case name used in files.
    pub fn as_str(self) -> &'static str {
        match self {
            Stride::Spoofing => "spoofing",
            Stride::Tampering => "tampering",
            Stride::Repudiation => "repudiation",
            Stride::InformationDisclosure => "information_disclosure",
            Stride::DenialOfService => "denial_of_service",
            Stride::ElevationOfPrivilege => "elevation_of_privilege",
        }
    }
}

impl fmt::Display for Stride {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Stride::Spoofing => "Spoofing",
            Stride::Tampering => "Tampering",
            Stride::Repudiation => "Repudiation",
            Stride::InformationDisclosure => "Information disclosure",
            Stride::DenialOfService => "Denial of service",
            Stride::ElevationOfPrivilege => "Elevation of privilege",
        })
    }
}

/// A threat a person wrote (or imported from another tool) on an element or a flow. Its key
/// is `user:<id>`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UserThreat {
    pub id: String,
    /// The element or flow it is about.
    pub target: String,
    pub title: String,
    pub stride: Stride,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    pub dread: Dread,
    /// Mitigations in the author's words.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub mitigations: Vec<String>,
    /// What is tracked about some of those mitigations (imported from tools that track
    /// it), keyed by the mitigation's text.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub mitigation_status: BTreeMap<String, MitigationStatus>,
}

/// The tracking state of one mitigation of a [`UserThreat`].
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MitigationStatus {
    /// In the tracking tool's words, e.g. `implemented`, `required`, `recommended`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub state: String,
    /// The share of the risk it removes once in place, from 0 to 100.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub risk_reduction: Option<u8>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
}

/// What people decided about one threat.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Decision {
    #[serde(default)]
    pub status: Status,
    /// Why; required when accepted or transferred.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub justification: Option<String>,
    /// Replaces the computed DREAD score.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dread: Option<Dread>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// `YYYY-MM-DD`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
}

/// A threat's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    #[default]
    Open,
    Mitigated,
    Accepted,
    Transferred,
    NotApplicable,
}

impl Status {
    /// Only open threats count against a CI gate.
    pub fn is_open(self) -> bool {
        self == Status::Open
    }

    /// Whether this status needs a justification.
    pub fn needs_justification(self) -> bool {
        matches!(self, Status::Accepted | Status::Transferred)
    }

    /// The snake_case name used in files.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::Mitigated => "mitigated",
            Status::Accepted => "accepted",
            Status::Transferred => "transferred",
            Status::NotApplicable => "not_applicable",
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A rule switched off for a whole model.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Suppression {
    pub rule: String,
    pub justification: String,
}
