//! What both importers and exporters share: reading JSON, making ids Rampart accepts, the
//! STRIDE, status and severity tables, and the last step of every import, which repairs the
//! model until [`analysis::parse::validate`] has nothing to say.

use crate::ImportError;
use analysis::model::{Decision, Status, ThreatModel, SCHEMA_VERSION};
use analysis::parse::{validate, ModelError, Section};
use analysis::{Dread, Severity, Stride};
use serde_json::{Map, Value};
use std::collections::HashSet;

/// Field name of the element kind Rampart writes into exports, so its own kinds come back.
pub const KIND_HINT: &str = "rampartKind";
/// Field name of a Rampart decision (or threat details) written into exports.
pub const RAMPART_FIELD: &str = "rampart";
/// Field name marking a threat Rampart computed, holding its key.
pub const KEY_FIELD: &str = "rampartKey";
/// The protocol given to flows whose file names none (Rampart requires one).
pub const NO_PROTOCOL: &str = "unspecified";

/// Parses the input as JSON and requires an object at the top.
pub fn parse_object(input: &str, format: &'static str) -> Result<Map<String, Value>, ImportError> {
    let value: Value = serde_json::from_str(input).map_err(|e| ImportError::Json {
        line: e.line(),
        column: e.column(),
        message: e.to_string(),
    })?;
    match value {
        Value::Object(map) => Ok(map),
        other => Err(ImportError::Shape {
            format,
            message: format!("the top level is {}, not an object", type_name(&other)),
        }),
    }
}

/// Checks the format's version field: present, a string, and starting with one of
/// `accepted` (e.g. `["0.1", "0.2"]`); `expected` names them in the error.
pub fn check_version(
    root: &Map<String, Value>,
    key: &str,
    format: &'static str,
    accepted: &[&str],
    expected: &'static str,
) -> Result<(), ImportError> {
    match root.get(key) {
        None => Err(ImportError::MissingVersion { format, expected }),
        Some(Value::String(v)) if accepted.iter().any(|a| v.starts_with(a)) => Ok(()),
        Some(other) => Err(ImportError::Version {
            format,
            found: other
                .as_str()
                .map_or_else(|| other.to_string(), str::to_owned),
            expected,
        }),
    }
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// The string at `key`, or "" when absent or not a string.
pub fn text<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or("")
}

/// The boolean at `key`; strings "true"/"false" count too (some exporters write them).
pub fn flag(v: &Value, key: &str) -> bool {
    match v.get(key) {
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) => s.eq_ignore_ascii_case("true"),
        _ => false,
    }
}

/// The number at `key` as an f64, when it is one.
pub fn number(v: &Value, key: &str) -> Option<f64> {
    v.get(key).and_then(Value::as_f64).filter(|n| n.is_finite())
}

/// The array at `key`, or an empty slice.
pub fn array<'a>(v: &'a Value, key: &str) -> &'a [Value] {
    v.get(key)
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

/// The text of a JSON id, which tools write as a string or a number.
pub fn id_text(v: Option<&Value>) -> String {
    match v {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    }
}

/// Hands out ids that are valid in Rampart and unique in one model.
#[derive(Default)]
pub struct Ids {
    used: HashSet<String>,
}

impl Ids {
    /// A valid, unused id as close to `raw` as possible (invalid characters become `-`);
    /// `fallback` is used when nothing of `raw` survives.
    pub fn claim(&mut self, raw: &str, fallback: &str) -> String {
        let mut base: String = raw
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                    c
                } else {
                    '-'
                }
            })
            .take(100)
            .collect();
        if base.trim_matches('-').is_empty() {
            base = fallback.to_owned();
        }
        let mut id = base.clone();
        let mut n = 2;
        while self.used.contains(&id) {
            id = format!("{base}-{n}");
            n += 1;
        }
        self.used.insert(id.clone());
        id
    }
}

fn letters(text: &str) -> String {
    text.chars()
        .filter(char::is_ascii_alphabetic)
        .collect::<String>()
        .to_ascii_lowercase()
}

/// The STRIDE category of a threat type as Threat Dragon, OTM or MTMT write it (STRIDE
/// names in any case and spacing, the CIA triad, and LINDDUN's categories).
pub fn stride_from(text: &str) -> Option<Stride> {
    let t = letters(text);
    Some(match t.as_str() {
        "spoofing" | "s" => Stride::Spoofing,
        "tampering" | "t" | "integrity" => Stride::Tampering,
        "repudiation" | "r" | "nonrepudiation" => Stride::Repudiation,
        "informationdisclosure"
        | "i"
        | "confidentiality"
        | "disclosureofinformation"
        | "linkability"
        | "identifiability"
        | "detectability"
        | "unawareness"
        | "noncompliance"
        | "privacy" => Stride::InformationDisclosure,
        "denialofservice" | "d" | "availability" => Stride::DenialOfService,
        "elevationofprivilege" | "elevationofprivileges" | "e" => Stride::ElevationOfPrivilege,
        _ => return None,
    })
}

/// A threat status as Threat Dragon writes it (also OTM link states that name one).
pub fn status_from(text: &str) -> Option<Status> {
    Some(match letters(text).as_str() {
        "open" => Status::Open,
        "mitigated" | "avoided" | "eliminated" | "fixed" | "closed" => Status::Mitigated,
        "accepted" => Status::Accepted,
        "transferred" => Status::Transferred,
        "notapplicable" | "na" | "falsepositive" => Status::NotApplicable,
        _ => return None,
    })
}

/// Threat Dragon's spelling of a status.
pub fn status_label(status: Status) -> &'static str {
    match status {
        Status::Open => "Open",
        Status::Mitigated => "Mitigated",
        Status::Accepted => "Accepted",
        Status::Transferred => "Transferred",
        Status::NotApplicable => "NotApplicable",
    }
}

/// An even DREAD score whose risk is `level`.
pub fn even(level: u8) -> Dread {
    Dread::new(level, level, level, level, level)
}

/// The DREAD score of a Threat Dragon severity: the middle of its band (TBD or unknown:
/// medium, so an untriaged threat is not hidden as low).
pub fn severity_dread(text: &str) -> Dread {
    match letters(text).as_str() {
        "low" => even(3),
        "high" => even(7),
        "critical" => even(9),
        _ => even(5),
    }
}

/// Threat Dragon's spelling of a severity band.
pub fn severity_label(severity: Severity) -> &'static str {
    match severity {
        Severity::Low => "Low",
        Severity::Medium => "Medium",
        Severity::High => "High",
        Severity::Critical => "Critical",
    }
}

/// The decision for an imported threat: none when open without details, and a synthesized
/// justification when the status needs one and the file gives none.
pub fn decision(
    status: Status,
    source: &str,
    why: &str,
    kept: Option<Decision>,
) -> Option<Decision> {
    let mut d = kept.unwrap_or_default();
    d.status = status;
    if status.needs_justification()
        && d.justification
            .as_deref()
            .is_none_or(|j| j.trim().is_empty())
    {
        let why = why.trim();
        d.justification = Some(if why.is_empty() {
            format!("imported from {source}: marked {status} without a reason")
        } else {
            format!("imported from {source}: {why}")
        });
    }
    (d != Decision::default()).then_some(d)
}

/// A Rampart decision written into an export, read back when it is well formed.
pub fn kept_decision(v: &Value) -> Option<Decision> {
    serde_json::from_value(v.get(RAMPART_FIELD)?.get("decision")?.clone()).ok()
}

/// Whether a JSON value is a scalar (kept as an attribute) rather than a structure.
pub fn is_scalar(v: &Value) -> bool {
    !matches!(v, Value::Array(_) | Value::Object(_))
}

/// The last step of every importer: repairs what would fail validation (with warnings) and
/// hands the result over.
pub fn finish(mut model: ThreatModel, mut warnings: Vec<String>) -> crate::Imported {
    repair(&mut model, &mut warnings);
    crate::Imported { model, warnings }
}

/// Repairs a model until it validates: dangling parents are cleared, and anything else
/// invalid is dropped, each with a warning.
pub fn repair(model: &mut ThreatModel, warnings: &mut Vec<String>) {
    if model.schema != SCHEMA_VERSION {
        model.schema = SCHEMA_VERSION.to_owned();
    }
    if model.name.trim().is_empty() {
        model.name = "Imported model".to_owned();
        warnings.push("the file names no model: named it \"Imported model\"".to_owned());
    }
    let budget = model.elements.len() + model.flows.len() + model.threats.len() + 16;
    for _ in 0..budget * 2 {
        let Some(error) = validate(model).into_iter().next() else {
            return;
        };
        if !fix(model, &error) {
            break;
        }
        warnings.push(format!("repaired: {error}"));
    }
    // Nothing left that a fix can name: keep only the bare structure rather than fail.
    if !validate(model).is_empty() {
        warnings.push("the model could not be repaired: kept its name only".to_owned());
        let name = std::mem::take(&mut model.name);
        *model = ThreatModel::new(name);
    }
}

fn fix(model: &mut ThreatModel, error: &ModelError) -> bool {
    let ModelError::Invalid { place, .. } = error else {
        return false;
    };
    let Some(id) = place.id.clone() else {
        return false;
    };
    match place.section {
        Section::Element if place.field == "parent" => {
            let cleared = model.elements.iter_mut().filter(|e| e.id == id);
            cleared.for_each(|e| e.parent = None);
        }
        Section::Element => {
            if let Some(i) = model.elements.iter().position(|e| e.id == id) {
                model.elements.remove(i);
            } else {
                return false;
            }
        }
        Section::Flow => model.flows.retain(|f| f.id != id),
        Section::Threat => model.threats.retain(|t| t.id != id),
        Section::Asset => model.assets.retain(|a| a.id != id),
        Section::ThreatAgent => model.threat_agents.retain(|a| a.id != id),
        Section::Decision => {
            model.decisions.remove(&id);
        }
        Section::Suppression => model.suppressions.retain(|s| s.rule != id),
        Section::Model => return false,
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_made_valid_and_unique() {
        let mut ids = Ids::default();
        assert_eq!(ids.claim("a b/c", "x"), "a-b-c");
        assert_eq!(ids.claim("a b/c", "x"), "a-b-c-2");
        assert_eq!(ids.claim("???", "fallback"), "fallback");
        assert_eq!(ids.claim("", "fallback"), "fallback-2");
        assert!(analysis::parse::is_valid_id(
            &ids.claim(&"é".repeat(300), "x")
        ));
    }

    #[test]
    fn severities_map_to_the_middle_of_their_band() {
        for (text, band) in [
            ("Low", Severity::Low),
            ("Medium", Severity::Medium),
            ("High", Severity::High),
            ("Critical", Severity::Critical),
            ("TBD", Severity::Medium),
            ("", Severity::Medium),
        ] {
            assert_eq!(severity_dread(text).severity(), band, "{text}");
            if !matches!(text, "TBD" | "") {
                assert_eq!(severity_label(band), text);
            }
        }
    }
}
