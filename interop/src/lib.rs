//! Rampart's interchange formats: models in and out of other tools, and the threat register.
//!
//! A pure library like `analysis`: no I/O, no async, no database, no UI, so it builds for
//! wasm32 and the server, the command line and the browser can share it. Codemap:
//! [`threat_dragon`] (OWASP Threat Dragon v2 JSON), [`otm`] (Open Threat Model 0.1 and 0.2
//! JSON), [`register`] (the threat register: rows, CSV, JSON, Markdown; XLSX and PDF with the
//! `documents` feature); `common` holds what the importers share (ids, STRIDE and status
//! tables, repairing a model until it validates).
//!
//! Importers read other tools' files tolerantly: anything they cannot keep becomes a warning
//! in [`Imported::warnings`], and the model they return always passes
//! [`analysis::parse::validate`]. Only input that is not a model of the format at all (not
//! JSON, not an object, a wrong or missing version) is an [`ImportError`].
//!
//! Exports mark the threats Rampart computed (a `[Rampart]` title prefix and a `rampartKey`
//! field). Importers skip them, since analysis computes them again, but keep the decision
//! people recorded on them (status, justification) under the same key, so a round trip
//! through another tool loses no triage.

mod common;
pub mod otm;
pub mod register;
pub mod threat_dragon;

use analysis::ThreatModel;

/// A model read from another tool's file, with what could not be kept.
#[derive(Debug, Clone, PartialEq)]
pub struct Imported {
    pub model: ThreatModel,
    /// One line per thing dropped, repaired or ignored, in file order.
    pub warnings: Vec<String>,
}

/// Why a file could not be read as a model at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImportError {
    #[error("not valid JSON at line {line}, column {column}: {message}")]
    Json {
        line: usize,
        column: usize,
        message: String,
    },
    #[error("not a {format} file: {message}")]
    Shape {
        format: &'static str,
        message: String,
    },
    #[error("unsupported {format} version {found:?}, expected {expected}")]
    Version {
        format: &'static str,
        found: String,
        expected: &'static str,
    },
    #[error("missing {format} version: expected {expected}")]
    MissingVersion {
        format: &'static str,
        expected: &'static str,
    },
}

/// The title prefix of threats Rampart computed, in exports.
pub const RAMPART_MARKER: &str = "[Rampart] ";
