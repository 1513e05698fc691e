//! The threat register auditors file: one [`RegisterRow`] per threat in the report (computed
//! and user-written, open or closed), and its writers: [`csv()`], [`json()`] and
//! [`markdown()`], and with the `documents` feature (native only) `xlsx()` and `pdf()`.
//! Every writer takes the model, its report and its [`Provenance`] (which revision and
//! saved version the register was made from), in that order; the documents then take the
//! date.
//!
//! Rows follow the report's order (highest severity first, then by key). Threats on
//! out-of-scope elements are not in the report, so not in the register; the report's
//! `out_of_scope` notes say what was left out.

mod csv;
mod markdown;
#[cfg(feature = "documents")]
mod pdf;
#[cfg(feature = "documents")]
mod xlsx;

pub use csv::{csv, csv_cell, csv_record};
pub use markdown::{inline as markdown_inline, markdown};
#[cfg(feature = "documents")]
pub use pdf::pdf;
#[cfg(feature = "documents")]
pub use xlsx::{xlsx, XlsxError};

use analysis::findings::USER_RULE;
use analysis::model::{Status, ThreatModel};
use analysis::{Finding, Report, Severity, Stride, TargetKind};
use serde::Serialize;
use std::borrow::Cow;

/// Text a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, a tab or a
/// carriage return) with a leading `'`, so it stays text; anything else unchanged. Every
/// spreadsheet writer (CSV, XLSX) passes every text cell through this.
pub fn defuse(value: &str) -> Cow<'_, str> {
    if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{value}"))
    } else {
        Cow::Borrowed(value)
    }
}

/// Where the register comes from: the model's name, its revision and its latest saved
/// version with that version's content hash. The caller fills in what it knows (a file
/// analysed offline has a name only); absent values are written empty where a program reads
/// them (CSV cells, JSON `null`) and in words where a person does (see [`Provenance::labels`]).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Provenance {
    /// The model's name.
    pub model: String,
    /// The model's revision; `None` for a model that was never stored.
    pub revision: Option<i64>,
    /// The name of the model's latest saved version, if any.
    pub version: Option<String>,
    /// That version's content hash (SHA-256 of its canonical JSON, in hex).
    pub content_hash: Option<String>,
}

impl Provenance {
    /// The four values as a person reads them, labelled: an absent revision says `unsaved
    /// draft`, an absent version (and so its hash) `no saved version`.
    pub fn labels(&self) -> [(&'static str, String); 4] {
        const NO_VERSION: &str = "no saved version";
        [
            ("Model", self.model.clone()),
            (
                "Revision",
                self.revision
                    .map_or_else(|| "unsaved draft".to_owned(), |r| r.to_string()),
            ),
            (
                "Latest version",
                self.version
                    .clone()
                    .unwrap_or_else(|| NO_VERSION.to_owned()),
            ),
            (
                "Content hash (SHA-256)",
                match (&self.content_hash, &self.version) {
                    (Some(hash), _) => hash.clone(),
                    (None, None) => NO_VERSION.to_owned(),
                    (None, Some(_)) => String::new(),
                },
            ),
        ]
    }
}

/// One threat in the register.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RegisterRow {
    /// The threat key: `rule:element`, `rule:entry->asset` or `user:id`.
    pub key: String,
    /// `rampart` for computed threats, `user` for threats people wrote.
    pub source: &'static str,
    /// The rule id (`user` for user threats).
    pub rule: String,
    /// The element or flow id (for paths, `entry->asset`).
    pub element: String,
    /// Its display name, when it is an element or flow of the model.
    pub element_name: String,
    pub stride: Stride,
    pub title: String,
    pub description: String,
    pub damage: u8,
    pub reproducibility: u8,
    pub exploitability: u8,
    pub affected_users: u8,
    pub discoverability: u8,
    pub risk: f64,
    pub residual_risk: f64,
    pub severity: Severity,
    pub status: Status,
    pub justification: String,
    pub mitigations: Vec<RegisterMitigation>,
    pub owner: String,
    pub due: String,
    pub notes: String,
}

/// A mitigation of a threat and its state: a control present or missing for computed
/// threats, the tracked state (if any) for user-written ones.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RegisterMitigation {
    pub text: String,
    pub status: String,
}

impl RegisterMitigation {
    /// `text (status)`, or the text alone when there is no status.
    pub fn label(&self) -> String {
        if self.status.is_empty() {
            self.text.clone()
        } else {
            format!("{} ({})", self.text, self.status)
        }
    }
}

/// One row per threat of the report.
pub fn rows(model: &ThreatModel, report: &Report) -> Vec<RegisterRow> {
    report.findings.iter().map(|f| row(model, f)).collect()
}

fn row(model: &ThreatModel, f: &Finding) -> RegisterRow {
    let user = f.rule == USER_RULE;
    let element = match (f.target_kind, &f.asset) {
        (TargetKind::Path, Some(asset)) => format!("{}->{asset}", f.target),
        _ => f.target.clone(),
    };
    let element_name = model
        .element(&f.target)
        .map(|e| e.name.clone())
        .or_else(|| model.flow(&f.target).map(|fl| fl.name.clone()))
        .unwrap_or_default();
    let mitigations = if user {
        let threat = f
            .key
            .strip_prefix("user:")
            .and_then(|id| model.threats.iter().find(|t| t.id == id));
        f.mitigations
            .iter()
            .map(|m| RegisterMitigation {
                text: m.clone(),
                status: threat
                    .and_then(|t| t.mitigation_status.get(m))
                    .map(|s| s.state.clone())
                    .unwrap_or_default(),
            })
            .collect()
    } else {
        f.controls
            .iter()
            .map(|c| RegisterMitigation {
                text: c.control.name().to_owned(),
                status: if c.present { "present" } else { "missing" }.to_owned(),
            })
            .collect()
    };
    let decision = f.decision.clone().unwrap_or_default();
    let [damage, reproducibility, exploitability, affected_users, discoverability] =
        f.dread.factors();
    RegisterRow {
        key: f.key.clone(),
        source: if user { "user" } else { "rampart" },
        rule: f.rule.clone(),
        element,
        element_name,
        stride: f.stride,
        title: f.title.clone(),
        description: f.why.clone(),
        damage,
        reproducibility,
        exploitability,
        affected_users,
        discoverability,
        risk: f.risk,
        residual_risk: f.residual_risk,
        severity: f.severity,
        status: f.status,
        justification: decision.justification.unwrap_or_default(),
        mitigations,
        owner: decision.owner.unwrap_or_default(),
        due: decision.due.unwrap_or_default(),
        notes: decision.notes.unwrap_or_default(),
    }
}

/// The register as JSON: `{"model": name, "provenance": {...}, "rows": [...]}`, absent
/// provenance values as `null`.
pub fn json(model: &ThreatModel, report: &Report, provenance: &Provenance) -> String {
    let value = serde_json::json!({
        "model": model.name,
        "provenance": provenance,
        "rows": rows(model, report),
    });
    let mut text = serde_json::to_string_pretty(&value).unwrap_or_default();
    text.push('\n');
    text
}

/// Open and closed threats per STRIDE category and severity, in STRIDE and band order.
pub fn summary(rows: &[RegisterRow]) -> Vec<(Stride, [usize; 4])> {
    Stride::ALL
        .iter()
        .map(|s| {
            let mut counts = [0; 4];
            for r in rows.iter().filter(|r| r.stride == *s) {
                counts[r.severity as usize] += 1;
            }
            (*s, counts)
        })
        .collect()
}
