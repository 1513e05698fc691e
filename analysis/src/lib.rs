//! Rampart's threat engine.
//!
//! A pure library: it never does file, network or database I/O, never reads the clock and
//! never spawns threads, so the same code runs in the server, in the command line and in
//! the browser (wasm32).
//!
//! Codemap: [`model`] (the `rampart/1` types) and [`parse()`] (reading and checking a file);
//! [`controls`] (the control catalogue); [`rules`] (the rule catalogue, a module per
//! family); [`findings`] (keys, DREAD, residual risk); [`paths`] (defence in depth);
//! [`blast`] (blast radius); [`dread`] (scoring). [`analyze`] ties them together and never
//! fails: problems in the model come back as [`Diagnostic`]s beside the findings.
//! Versions of a model: [`ops`] (edits applied all together or not at all, and their
//! summary for the audit log), [`canonical`] (one spelling of a model and its content
//! hash) and [`diff`](mod@diff) (what changed between two versions, threats included);
//! [`ops::between`] gives the operations from one version to another (undo and redo).
//! [`layout`] places elements that have no diagram geometry.

pub mod blast;
pub mod canonical;
pub mod controls;
pub mod diff;
pub mod dread;
pub mod findings;
mod index;
pub mod layout;
pub mod model;
pub mod ops;
pub mod parse;
pub mod paths;
mod report;
pub mod rules;
pub mod synth;

pub use blast::{blast_radius, BlastRadius};
pub use canonical::{canonical_json, content_hash};
pub use controls::Control;
pub use diff::{diff, Changed, ItemDiff, ModelDiff};
pub use dread::{Dread, Severity};
pub use findings::{ControlCheck, Finding, TargetKind};
pub use model::{Stride, ThreatModel};
pub use ops::{apply, summary, OpError, Operation};
pub use parse::{parse, ModelError};
pub use paths::DepthPath;
pub use report::{analyze, Diagnostic, Level, Options, Report, ScopeNote, SuppressedRule};
pub use rules::{rule, rules, Rule};

/// The reference architecture of DESIGN.md, as a `rampart/1` file: Rampart's starter
/// template.
pub fn reference_model_json() -> &'static str {
    include_str!("../fixtures/reference.json")
}

/// The reference architecture, parsed.
pub fn reference_model() -> ThreatModel {
    match parse(reference_model_json()) {
        Ok(model) => model,
        // The fixture is checked by tests; an empty model keeps this function total.
        Err(_) => ThreatModel::new("Reference architecture"),
    }
}

/// The JSON Schema of `rampart/1`, generated from the types.
pub fn json_schema() -> String {
    let schema = schemars::schema_for!(ThreatModel);
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}
