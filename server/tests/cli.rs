//! The real `rampart` binary on model files: `rampart analyze` (exit statuses, formats) and
//! `rampart rules`. None of these needs a database: `DATABASE_URL` is removed from the
//! child's environment.

use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use tempfile::TempDir;

/// Runs `rampart` with `args`, without `DATABASE_URL` or any other Rampart setting from the
/// environment of the test run.
fn rampart(args: &[&str]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_rampart"));
    command.args(args).env_remove("DATABASE_URL");
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("RAMPART_") {
            command.env_remove(name);
        }
    }
    command.output().expect("the rampart binary runs")
}

fn code(output: &Output) -> i32 {
    output.status.code().expect("exited, not killed")
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}

fn reference() -> Value {
    serde_json::from_str(analysis::reference_model_json()).unwrap()
}

fn element<'a>(model: &'a mut Value, id: &str) -> &'a mut Value {
    model["elements"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|e| e["id"] == id)
        .unwrap_or_else(|| panic!("no element {id}"))
}

/// The reference architecture with its customer database unencrypted: one open high
/// finding (`data.unencrypted-store:db`) and nothing critical.
fn unencrypted_db() -> Value {
    let mut model = reference();
    element(&mut model, "db")["kind"]["encrypted"] = false.into();
    model
}

const HIGH_KEY: &str = "data.unencrypted-store:db";

fn write(dir: &TempDir, name: &str, model: &Value) -> PathBuf {
    write_text(dir, name, &serde_json::to_string_pretty(model).unwrap())
}

fn write_text(dir: &TempDir, name: &str, text: &str) -> PathBuf {
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn analyze(path: &Path, flags: &[&str]) -> Output {
    let mut args = vec!["analyze", path.to_str().unwrap()];
    args.extend_from_slice(flags);
    rampart(&args)
}

#[test]
fn the_reference_model_passes_the_default_gate() {
    let dir = TempDir::new().unwrap();
    let path = write_text(&dir, "reference.json", analysis::reference_model_json());
    let output = analyze(&path, &[]);
    assert_eq!(code(&output), 0, "{}{}", stdout(&output), stderr(&output));
    let out = stdout(&output);
    assert!(out.starts_with("SEVERITY  "), "{out}");
    assert!(
        out.contains("pass: no open finding at or above high (exit 0)"),
        "{out}"
    );
    assert!(stderr(&output).is_empty(), "{}", stderr(&output));
}

#[test]
fn an_open_high_finding_fails_the_gate_until_a_decision_closes_it() {
    let dir = TempDir::new().unwrap();
    let mut model = unencrypted_db();
    let path = write(&dir, "model.json", &model);

    let output = analyze(&path, &["--fail-on", "high"]);
    assert_eq!(code(&output), 1, "{}", stdout(&output));
    assert!(stdout(&output).contains("data.unencrypted-store"));
    assert!(stdout(&output).contains("fail: 1 open finding at or above high (exit 1)"));
    assert_eq!(
        code(&analyze(&path, &[])),
        1,
        "high is the default threshold"
    );
    assert_eq!(code(&analyze(&path, &["--fail-on", "critical"])), 0);
    assert_eq!(code(&analyze(&path, &["--fail-on", "low"])), 1);

    model["decisions"] = json!({ HIGH_KEY: { "status": "mitigated", "notes": "KMS key added" } });
    write(&dir, "model.json", &model);
    let output = analyze(&path, &["--fail-on", "high"]);
    assert_eq!(code(&output), 0, "{}{}", stdout(&output), stderr(&output));
    assert!(!stdout(&output).contains("data.unencrypted-store"));
    assert!(stdout(&output).contains("1 closed by decisions"));

    for (status, justification) in [
        ("accepted", Some("risk owner signed off")),
        ("transferred", Some("the provider encrypts")),
        ("not_applicable", None),
    ] {
        let mut decision = json!({ "status": status });
        if let Some(j) = justification {
            decision["justification"] = j.into();
        }
        model["decisions"] = json!({ HIGH_KEY: decision });
        write(&dir, "model.json", &model);
        let output = analyze(&path, &["--fail-on", "high"]);
        assert_eq!(code(&output), 0, "{status}: {}", stdout(&output));
    }

    model["decisions"] = json!({ HIGH_KEY: { "status": "open", "owner": "platform team" } });
    write(&dir, "model.json", &model);
    assert_eq!(code(&analyze(&path, &["--fail-on", "high"])), 1);
}

#[test]
fn invalid_json_exits_2_with_the_position() {
    let dir = TempDir::new().unwrap();
    let path = write_text(
        &dir,
        "broken.json",
        "{\"schema\": \"rampart/1\",\n  \"name\": }",
    );
    let output = analyze(&path, &[]);
    assert_eq!(code(&output), 2);
    let err = stderr(&output);
    assert!(err.contains("broken.json"), "{err}");
    assert!(err.contains("not valid JSON at line 2"), "{err}");
    assert!(stdout(&output).is_empty());
}

#[test]
fn an_unknown_field_exits_2_naming_the_element_and_field() {
    let dir = TempDir::new().unwrap();
    let mut model = reference();
    element(&mut model, "waf")["turbo"] = true.into();
    let path = write(&dir, "model.json", &model);
    let output = analyze(&path, &[]);
    assert_eq!(code(&output), 2);
    let err = stderr(&output);
    assert!(err.contains("element \"waf\""), "{err}");
    assert!(err.contains("field \"turbo\""), "{err}");
}

#[test]
fn a_dangling_reference_exits_2_naming_the_element_and_field() {
    let dir = TempDir::new().unwrap();
    let mut model = reference();
    element(&mut model, "iam")["parent"] = "no-such-account".into();
    let path = write(&dir, "model.json", &model);
    let output = analyze(&path, &[]);
    assert_eq!(code(&output), 2);
    let err = stderr(&output);
    assert!(err.contains("element \"iam\", field \"parent\""), "{err}");
    assert!(err.contains("no-such-account"), "{err}");
}

#[test]
fn a_file_that_cannot_be_read_exits_3() {
    let dir = TempDir::new().unwrap();
    let missing = dir.path().join("missing.json");
    let output = analyze(&missing, &[]);
    assert_eq!(code(&output), 3);
    let err = stderr(&output);
    assert!(
        err.contains("cannot read") && err.contains("missing.json"),
        "{err}"
    );
    // A directory is not readable as a file either.
    assert_eq!(code(&analyze(dir.path(), &[])), 3);
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(code(&rampart(&["analyze"])), 2);
    assert_eq!(code(&rampart(&["analyze", "m.json", "--format", "xml"])), 2);
    assert_eq!(
        code(&rampart(&["analyze", "m.json", "--fail-on", "severe"])),
        2
    );
    assert_eq!(
        code(&rampart(&["analyze", "m.json", "--min-depth", "-1"])),
        2
    );
}

#[test]
fn sarif_output_has_the_sarif_2_1_0_structure() {
    let dir = TempDir::new().unwrap();
    let mut model = unencrypted_db();
    model["decisions"] = json!({
        "stride.store.information_disclosure:db":
            { "status": "accepted", "justification": "public documents only" }
    });
    let path = write(&dir, "model.json", &model);
    let output = analyze(&path, &["--format", "sarif"]);
    assert_eq!(code(&output), 1, "the gate does not depend on the format");
    let log: Value = serde_json::from_str(&stdout(&output)).expect("SARIF is JSON");
    assert_eq!(log["version"], "2.1.0");
    assert!(log["$schema"].is_string());
    let run = &log["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "Rampart");
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert!(rules.len() >= analysis::rules().count());
    let results = run["results"].as_array().unwrap();
    let high = results
        .iter()
        .find(|r| r["partialFingerprints"]["rampartFindingKey/v1"] == HIGH_KEY)
        .expect("the high finding is a result");
    assert_eq!(high["ruleId"], "data.unencrypted-store");
    assert_eq!(high["level"], "error");
    let index = high["ruleIndex"].as_u64().unwrap() as usize;
    assert_eq!(rules[index]["id"], "data.unencrypted-store");
    assert!(high["message"]["text"].as_str().unwrap().contains("\"db\""));
    let location = &high["locations"][0];
    assert_eq!(
        location["physicalLocation"]["artifactLocation"]["uri"],
        path.to_str().unwrap()
    );
    assert!(
        location["physicalLocation"]["region"]["startLine"]
            .as_u64()
            .unwrap()
            > 1
    );
    assert_eq!(location["logicalLocations"][0]["name"], "db");
    let accepted = results
        .iter()
        .find(|r| {
            r["partialFingerprints"]["rampartFindingKey/v1"]
                == "stride.store.information_disclosure:db"
        })
        .expect("closed findings are kept");
    assert_eq!(accepted["suppressions"][0]["status"], "accepted");
    assert_eq!(
        accepted["suppressions"][0]["justification"],
        "public documents only"
    );
}

#[test]
fn every_format_reports_the_same_findings() {
    let dir = TempDir::new().unwrap();
    let path = write(&dir, "model.json", &unencrypted_db());
    let json = analyze(&path, &["--format", "json"]);
    assert_eq!(code(&json), 1);
    let report: analysis::Report = serde_json::from_str(&stdout(&json)).unwrap();
    assert!(report.finding(HIGH_KEY).is_some_and(|f| f.is_open()));

    let csv = analyze(&path, &["--format", "csv"]);
    assert_eq!(code(&csv), 1);
    let csv = stdout(&csv);
    assert!(csv.starts_with("key,severity,"), "{csv}");
    assert_eq!(csv.matches("\r\n").count(), report.findings.len() + 1);

    let md = analyze(&path, &["--format", "md"]);
    assert_eq!(code(&md), 1);
    let md = stdout(&md);
    assert!(md.starts_with("# Threat report: "), "{md}");
    assert!(
        md.contains(&format!("`{}`", "data.unencrypted-store")),
        "{md}"
    );
}

#[test]
fn min_depth_reaches_the_engine() {
    let dir = TempDir::new().unwrap();
    let path = write_text(&dir, "reference.json", analysis::reference_model_json());
    let output = analyze(&path, &["--format", "json", "--min-depth", "1000"]);
    let report: analysis::Report = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(report.min_depth, 1000);
    assert!(
        report
            .findings
            .iter()
            .any(|f| f.rule == "depth.insufficient-layers"),
        "no path crosses 1000 layers"
    );
}

#[test]
fn diagnostics_go_to_stderr_and_leave_stdout_parseable() {
    let dir = TempDir::new().unwrap();
    let mut model = reference();
    model["decisions"] = json!({ "network.gone:nowhere": { "status": "mitigated" } });
    let path = write(&dir, "model.json", &model);
    let output = analyze(&path, &["--format", "json"]);
    assert_eq!(code(&output), 0);
    let err = stderr(&output);
    assert!(
        err.starts_with("warning: ") && err.contains("network.gone:nowhere"),
        "{err}"
    );
    serde_json::from_str::<Value>(&stdout(&output)).expect("stdout is only the report");
}

#[test]
fn rules_json_lists_every_rule_of_the_catalogue() {
    let output = rampart(&["rules", "--format", "json"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let catalogue: Value = serde_json::from_str(&stdout(&output)).unwrap();
    let listed: Vec<&str> = catalogue["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    let expected: Vec<&str> = analysis::rules().map(|r| r.id).collect();
    assert_eq!(listed, expected);
    for rule in catalogue["rules"].as_array().unwrap() {
        assert!(
            rule["title"].is_string() && rule["stride"].is_string(),
            "{rule}"
        );
        assert!(
            rule["controls"].is_array() && rule["dread"].is_object(),
            "{rule}"
        );
    }
    assert_eq!(
        catalogue["controls"].as_array().unwrap().len(),
        analysis::Control::ALL.len()
    );
}

#[test]
fn rules_table_is_the_default() {
    let output = rampart(&["rules"]);
    assert_eq!(code(&output), 0);
    let out = stdout(&output);
    assert!(
        out.lines().any(|l| l == "depth.insufficient-layers"),
        "{out}"
    );
    assert!(out.contains("CONTROLS"), "{out}");
}
