//! SARIF 2.1.0, for code-scanning dashboards (GitHub, GitLab, Azure DevOps).
//!
//! One run. `tool.driver.rules` is the whole rule catalogue (plus `user` when the model has
//! threats people wrote), so `ruleIndex` is stable across models. Each finding is a result:
//! level `error` for critical and high, `warning` for medium, `note` for low; the message is
//! the title and why it fired; the location is the model file (with the line of the
//! element's `"id"` when it can be found) and a logical location naming the element, flow or
//! path; `partialFingerprints` carries the stable finding key, so dashboards track a threat
//! across runs. Findings a decision closed are kept and carry a `suppressions` entry
//! (`inSource`, since the decision lives in the model file), which dashboards show as
//! dismissed; rules suppressed for the whole model produce no results and are listed in the
//! run's properties.
//!
//! The document is streamed through serde as it is written: results are never collected.

use crate::cli::Analysis;
use analysis::findings::USER_RULE;
use analysis::model::Status;
use analysis::rules::Family;
use analysis::{Dread, Finding, Rule, Severity, TargetKind};
use serde::ser::{Serialize, Serializer};
use std::collections::HashMap;
use std::io::{self, Write};

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

pub fn write(a: &Analysis, out: &mut impl Write) -> io::Result<()> {
    let mut rules: Vec<Descriptor> = analysis::rules().map(Descriptor::of_rule).collect();
    if a.report.findings.iter().any(|f| f.rule == USER_RULE) {
        rules.push(Descriptor::user());
    }
    let index: HashMap<&str, usize> = rules.iter().enumerate().map(|(i, r)| (r.id, i)).collect();
    let uri = uri_reference(a.source);
    let lines = id_lines(a.text);
    let results = Results {
        a,
        index: &index,
        uri: &uri,
        lines: &lines,
    };
    let log = Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: [Run {
            tool: Tool {
                driver: Driver {
                    name: "Rampart",
                    version: env!("CARGO_PKG_VERSION"),
                    semantic_version: env!("CARGO_PKG_VERSION"),
                    rules: &rules,
                },
            },
            results,
            properties: RunProperties {
                model_name: a.model_name,
                min_depth: a.report.min_depth,
                fail_on: a.gate.fail_on,
                gate_passed: a.gate.passed(),
                suppressed_rules: &a.report.suppressed,
                out_of_scope: &a.report.out_of_scope,
            },
        }],
    };
    serde_json::to_writer_pretty(&mut *out, &log)?;
    writeln!(out)
}

#[derive(serde::Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'a>; 1],
}

#[derive(serde::Serialize)]
struct Run<'a> {
    tool: Tool<'a>,
    results: Results<'a>,
    properties: RunProperties<'a>,
}

#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct RunProperties<'a> {
    model_name: &'a str,
    min_depth: u32,
    fail_on: Severity,
    gate_passed: bool,
    suppressed_rules: &'a [analysis::SuppressedRule],
    out_of_scope: &'a [analysis::ScopeNote],
}

#[derive(serde::Serialize)]
struct Tool<'a> {
    driver: Driver<'a>,
}

#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver<'a> {
    name: &'static str,
    version: &'static str,
    semantic_version: &'static str,
    rules: &'a [Descriptor],
}

/// A `reportingDescriptor`: one rule of the catalogue.
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct Descriptor {
    id: &'static str,
    name: String,
    short_description: Message,
    full_description: Message,
    help: Help,
    default_configuration: Configuration,
    properties: RuleProperties,
}

#[derive(serde::Serialize)]
struct Message {
    text: String,
}

#[derive(serde::Serialize)]
struct Help {
    text: String,
    markdown: String,
}

#[derive(serde::Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct RuleProperties {
    tags: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    stride: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    family: Option<Family>,
    controls: Vec<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    dread: Option<Dread>,
    references: &'static [&'static str],
    /// GitHub sorts and filters alerts on this (a number from 0.0 to 10.0, as a string).
    #[serde(rename = "security-severity", skip_serializing_if = "Option::is_none")]
    security_severity: Option<String>,
}

impl Descriptor {
    fn of_rule(rule: &'static Rule) -> Descriptor {
        let controls: Vec<&'static str> = rule.controls.iter().map(|c| c.id()).collect();
        let names: Vec<&str> = rule.controls.iter().map(|c| c.name()).collect();
        let mut text = format!("{}\n\nCondition: {}", rule.description, rule.condition);
        let mut markdown = format!("{}\n\n**Condition:** {}", rule.description, rule.condition);
        if !names.is_empty() {
            text.push_str(&format!("\n\nMitigating controls: {}.", names.join(", ")));
            markdown.push_str(&format!(
                "\n\n**Mitigating controls:** {}.",
                names.join(", ")
            ));
        }
        if !rule.references.is_empty() {
            text.push_str(&format!("\n\nReferences: {}.", rule.references.join(", ")));
            markdown.push_str(&format!(
                "\n\n**References:** {}.",
                rule.references.join(", ")
            ));
        }
        Descriptor {
            id: rule.id,
            name: pascal_case(rule.id),
            short_description: Message {
                text: rule.title.to_owned(),
            },
            full_description: Message {
                text: rule.description.to_owned(),
            },
            help: Help { text, markdown },
            default_configuration: Configuration {
                level: level(rule.dread.severity()),
            },
            properties: RuleProperties {
                tags: vec![
                    "security".to_owned(),
                    "threat-model".to_owned(),
                    format!("stride/{}", rule.stride.as_str()),
                ],
                stride: Some(rule.stride.as_str()),
                family: Some(rule.family),
                controls,
                dread: Some(rule.dread),
                references: rule.references,
                security_severity: Some(format!("{:.1}", rule.dread.risk())),
            },
        }
    }

    /// The pseudo-rule of threats people wrote in the model; each carries its own STRIDE
    /// category and score in the result's properties.
    fn user() -> Descriptor {
        let about = "A threat written by a person in the model (or imported from another tool), scored with its own DREAD values.";
        Descriptor {
            id: USER_RULE,
            name: "UserWrittenThreat".to_owned(),
            short_description: Message {
                text: "Threat written in the model".to_owned(),
            },
            full_description: Message {
                text: about.to_owned(),
            },
            help: Help {
                text: about.to_owned(),
                markdown: about.to_owned(),
            },
            default_configuration: Configuration { level: "warning" },
            properties: RuleProperties {
                tags: vec!["security".to_owned(), "threat-model".to_owned()],
                stride: None,
                family: None,
                controls: Vec::new(),
                dread: None,
                references: &[],
                security_severity: None,
            },
        }
    }
}

/// The findings, serialized one by one as the writer asks for them.
struct Results<'a> {
    a: &'a Analysis<'a>,
    index: &'a HashMap<&'static str, usize>,
    uri: &'a str,
    lines: &'a HashMap<&'a str, usize>,
}

impl Serialize for Results<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.a.report.findings.iter().map(|f| self.result(f)))
    }
}

impl<'a> Results<'a> {
    fn result(&self, f: &'a Finding) -> SarifResult<'a> {
        let (prefix, name) = match f.target_kind {
            TargetKind::Element => ("elements", f.target.clone()),
            TargetKind::Flow => ("flows", f.target.clone()),
            TargetKind::Path => (
                "paths",
                format!("{}->{}", f.target, f.asset.as_deref().unwrap_or("?")),
            ),
        };
        let suppressions = (!f.is_open()).then(|| {
            let justification = f
                .decision
                .as_ref()
                .and_then(|d| d.justification.clone())
                .unwrap_or_else(|| format!("marked {} in the model", f.status.as_str()));
            [Suppression {
                kind: "inSource",
                status: "accepted",
                justification,
            }]
        });
        SarifResult {
            rule_id: &f.rule,
            rule_index: self.index.get(f.rule.as_str()).copied(),
            level: level(f.severity),
            message: Message {
                text: format!("{}: {}", f.title, f.why),
            },
            locations: [Location {
                physical_location: PhysicalLocation {
                    artifact_location: ArtifactLocation { uri: self.uri },
                    region: self
                        .lines
                        .get(f.target.as_str())
                        .map(|line| Region { start_line: *line }),
                },
                logical_locations: [LogicalLocation {
                    fully_qualified_name: format!("{prefix}/{name}"),
                    name,
                    kind: "resource",
                }],
            }],
            partial_fingerprints: Fingerprints { key: &f.key },
            suppressions,
            properties: ResultProperties {
                key: &f.key,
                severity: f.severity,
                risk: f.risk,
                residual_risk: f.residual_risk,
                status: f.status,
                stride: f.stride.as_str(),
                dread: f.dread,
                missing_controls: super::missing_controls(f),
            },
        }
    }
}

#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    rule_index: Option<usize>,
    level: &'static str,
    message: Message,
    locations: [Location<'a>; 1],
    partial_fingerprints: Fingerprints<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    suppressions: Option<[Suppression; 1]>,
    properties: ResultProperties<'a>,
}

#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct Location<'a> {
    physical_location: PhysicalLocation<'a>,
    logical_locations: [LogicalLocation; 1],
}

#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation<'a> {
    artifact_location: ArtifactLocation<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<Region>,
}

#[derive(serde::Serialize)]
struct ArtifactLocation<'a> {
    uri: &'a str,
}

#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: usize,
}

#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct LogicalLocation {
    name: String,
    fully_qualified_name: String,
    kind: &'static str,
}

/// The partial fingerprint: the finding key; the suffix versions the key format.
#[derive(serde::Serialize)]
struct Fingerprints<'a> {
    #[serde(rename = "rampartFindingKey/v1")]
    key: &'a str,
}

#[derive(serde::Serialize)]
struct Suppression {
    kind: &'static str,
    status: &'static str,
    justification: String,
}

#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct ResultProperties<'a> {
    key: &'a str,
    severity: Severity,
    risk: f64,
    residual_risk: f64,
    status: Status,
    stride: &'static str,
    dread: Dread,
    missing_controls: Vec<&'static str>,
}

/// SARIF's level for a severity band.
fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low => "note",
    }
}

/// `network.subnet-without-acl` -> `NetworkSubnetWithoutAcl`, the form SARIF viewers show
/// as a rule name.
fn pascal_case(id: &str) -> String {
    id.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut cs = w.chars();
            cs.next()
                .map(|c| c.to_ascii_uppercase().to_string() + cs.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// The path as given, as a URI reference: unchanged when it is already one (the common
/// case), otherwise with spaces, `%`, `?`, `#` and non-ASCII bytes percent-encoded and
/// Windows separators turned into `/`.
fn uri_reference(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        match b {
            b'\\' => out.push('/'),
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' => out.push(b as char),
            b'-' | b'.' | b'_' | b'~' | b'/' | b':' | b'@' | b'!' | b'$' | b'&' | b'\'' => {
                out.push(b as char)
            }
            b'(' | b')' | b'*' | b'+' | b',' | b';' | b'=' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// The 1-based line of the first `"id": "<value>"` for every id in the file, so results can
/// point at the element. Best effort: it expects the key and its value on one line, as any
/// JSON formatter writes them; an id it misses only loses its line number.
fn id_lines(text: &str) -> HashMap<&str, usize> {
    let mut lines = HashMap::new();
    for (n, line) in text.lines().enumerate() {
        let mut rest = line;
        while let Some(at) = rest.find("\"id\"") {
            rest = &rest[at + 4..];
            let Some(value) = rest.trim_start().strip_prefix(':') else {
                continue;
            };
            let Some(value) = value.trim_start().strip_prefix('"') else {
                continue;
            };
            if let Some(end) = value.find('"') {
                lines.entry(&value[..end]).or_insert(n + 1);
            }
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::render::fixtures::{model_json, render, Fixture};
    use crate::config::ReportFormat;
    use serde_json::Value;

    fn sarif(fixture: &Fixture) -> Value {
        let text = render(ReportFormat::Sarif, &fixture.analysis(Severity::High));
        serde_json::from_str(&text).unwrap()
    }

    #[test]
    fn the_log_has_the_sarif_2_1_0_structure() {
        let fixture = Fixture::new(model_json());
        let log = sarif(&fixture);
        assert_eq!(log["version"], "2.1.0");
        assert!(log["$schema"].as_str().unwrap().contains("sarif-2.1.0"));
        let runs = log["runs"].as_array().unwrap();
        assert_eq!(runs.len(), 1);
        let driver = &runs[0]["tool"]["driver"];
        assert_eq!(driver["name"], "Rampart");
        assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
        let rules = driver["rules"].as_array().unwrap();
        assert_eq!(
            rules.len(),
            analysis::rules().count() + 1,
            "catalogue + user"
        );
        for rule in rules {
            for field in ["id", "name"] {
                assert!(rule[field].is_string(), "{field} in {rule}");
            }
            for field in ["shortDescription", "fullDescription", "help"] {
                assert!(!rule[field]["text"].as_str().unwrap().is_empty(), "{rule}");
            }
            assert!(rule["properties"]["tags"].is_array(), "{rule}");
        }
        let depth = rules
            .iter()
            .find(|r| r["id"] == "depth.insufficient-layers")
            .unwrap();
        assert_eq!(depth["name"], "DepthInsufficientLayers");
        assert_eq!(depth["properties"]["stride"], "elevation_of_privilege");
        assert!(depth["properties"]["tags"]
            .as_array()
            .unwrap()
            .contains(&Value::from("stride/elevation_of_privilege")));

        let results = runs[0]["results"].as_array().unwrap();
        assert_eq!(results.len(), fixture.report.findings.len());
        for (result, finding) in results.iter().zip(&fixture.report.findings) {
            assert_eq!(result["ruleId"], finding.rule.as_str());
            let index = result["ruleIndex"].as_u64().unwrap() as usize;
            assert_eq!(
                rules[index]["id"], result["ruleId"],
                "ruleIndex points at the rule"
            );
            let expected = match finding.severity {
                Severity::Critical | Severity::High => "error",
                Severity::Medium => "warning",
                Severity::Low => "note",
            };
            assert_eq!(result["level"], expected);
            let message = result["message"]["text"].as_str().unwrap();
            assert!(message.starts_with(&finding.title) && message.contains(&finding.why));
            assert_eq!(
                result["partialFingerprints"]["rampartFindingKey/v1"],
                finding.key.as_str()
            );
            let location = &result["locations"][0];
            assert_eq!(
                location["physicalLocation"]["artifactLocation"]["uri"],
                "models/prod%20model.json"
            );
            assert_eq!(location["logicalLocations"][0]["kind"], "resource");
            assert_eq!(result["suppressions"].is_array(), !finding.is_open());
        }
    }

    #[test]
    fn results_name_the_element_and_its_line_in_the_model() {
        let fixture = Fixture::new(model_json());
        let log = sarif(&fixture);
        let result = log["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["partialFingerprints"]["rampartFindingKey/v1"] == "user:formula")
            .unwrap();
        let target = fixture
            .report
            .finding("user:formula")
            .unwrap()
            .target
            .clone();
        let location = &result["locations"][0];
        assert_eq!(location["logicalLocations"][0]["name"], target.as_str());
        assert_eq!(
            location["logicalLocations"][0]["fullyQualifiedName"],
            format!("elements/{target}")
        );
        let line = location["physicalLocation"]["region"]["startLine"]
            .as_u64()
            .unwrap() as usize;
        let text_line = fixture.text.lines().nth(line - 1).unwrap();
        assert!(
            text_line.contains(&format!("\"id\": \"{target}\"")),
            "{text_line}"
        );
        assert_eq!(result["level"], "error");
        assert!(result.get("suppressions").is_none());
    }

    #[test]
    fn closed_findings_are_kept_as_suppressed_with_the_justification() {
        let fixture = Fixture::new(model_json());
        let log = sarif(&fixture);
        let waived = log["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["partialFingerprints"]["rampartFindingKey/v1"] == "user:waived")
            .unwrap();
        let suppression = &waived["suppressions"][0];
        assert_eq!(suppression["kind"], "inSource");
        assert_eq!(suppression["status"], "accepted");
        assert_eq!(suppression["justification"], "signed off until Q3");
        assert_eq!(waived["properties"]["status"], "accepted");
    }

    #[test]
    fn ids_are_found_on_their_lines() {
        let text = "{\n  \"id\": \"a\",\n  \"x\": {\"id\":\"b\", \"id\" : \"c\"},\n \"name\": \"id\", \"id\": \"a\"\n}";
        let lines = id_lines(text);
        assert_eq!(lines.get("a"), Some(&2), "first occurrence wins");
        assert_eq!(lines.get("b"), Some(&3));
        assert_eq!(lines.get("c"), Some(&3));
        assert_eq!(lines.len(), 3);
    }

    #[test]
    fn paths_become_uri_references() {
        assert_eq!(uri_reference("models/prod.json"), "models/prod.json");
        assert_eq!(uri_reference("a b#1.json"), "a%20b%231.json");
        assert_eq!(uri_reference("dir\\m.json"), "dir/m.json");
        assert_eq!(uri_reference("é.json"), "%C3%A9.json");
        assert_eq!(
            pascal_case("stride.process.spoofing"),
            "StrideProcessSpoofing"
        );
    }
}
