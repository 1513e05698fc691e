//! Bad input: errors for what is not a model at all, warnings for what can be repaired,
//! and never a panic.

use interop::{otm, threat_dragon, ImportError};
use proptest::prelude::*;
use serde_json::{json, Value};

fn td(cells: Value) -> String {
    json!({"version": "2.2.0", "summary": {"title": "t"}, "detail": {"diagrams": [{"title": "d", "cells": cells}]}}).to_string()
}

fn node(id: &str, ty: &str, x: f64, y: f64, w: f64, h: f64) -> Value {
    json!({"id": id, "shape": "x", "position": {"x": x, "y": y}, "size": {"width": w, "height": h}, "data": {"type": ty, "name": id}})
}

#[test]
fn input_that_is_not_json_is_an_error_naming_the_place() {
    for import in [threat_dragon::import, otm::import] {
        assert!(matches!(
            import("{\"version\": "),
            Err(ImportError::Json { line: 1, .. })
        ));
        assert!(matches!(import("[1, 2]"), Err(ImportError::Shape { .. })));
    }
}

#[test]
fn a_wrong_or_missing_version_is_an_error() {
    assert!(matches!(
        threat_dragon::import(r#"{"summary": {}}"#),
        Err(ImportError::MissingVersion { .. })
    ));
    let v1 = threat_dragon::import(r#"{"version": "1.6.1", "detail": {"diagrams": []}}"#);
    assert!(matches!(v1, Err(ImportError::Version { found, .. }) if found == "1.6.1"));
    assert!(matches!(
        otm::import(r#"{"project": {}}"#),
        Err(ImportError::MissingVersion { .. })
    ));
    assert!(matches!(
        otm::import(r#"{"otmVersion": 3}"#),
        Err(ImportError::Version { .. })
    ));
}

#[test]
fn huge_nesting_is_an_error_not_a_stack_overflow() {
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let text = format!(r#"{{"version": "2.0.0", "otmVersion": "0.2.0", "x": {deep}}}"#);
    assert!(matches!(
        threat_dragon::import(&text),
        Err(ImportError::Json { .. })
    ));
    assert!(matches!(otm::import(&text), Err(ImportError::Json { .. })));
}

#[test]
fn a_flow_to_nowhere_a_self_flow_and_a_flow_to_a_boundary_become_warnings() {
    let cells = json!([
        node("a", "tm.Process", 10.0, 10.0, 50.0, 50.0),
        node("box", "tm.BoundaryBox", 0.0, 0.0, 500.0, 500.0),
        {"id": "nowhere", "shape": "flow", "source": {"cell": "a"}, "target": {"cell": "ghost"}, "data": {"type": "tm.Flow", "threats": [{"title": "lost"}]}},
        {"id": "self", "shape": "flow", "source": {"cell": "a"}, "target": {"cell": "a"}, "data": {"type": "tm.Flow"}},
        {"id": "to-box", "shape": "flow", "source": {"cell": "a"}, "target": {"cell": "box"}, "data": {"type": "tm.Flow"}},
    ]);
    let imported = threat_dragon::import(&td(cells)).unwrap();
    assert!(imported.model.flows.is_empty());
    let w = imported.warnings.join("\n");
    assert!(w.contains("\"nowhere\"") && w.contains("1 threat"), "{w}");
    assert!(w.contains("\"self\"") && w.contains("\"to-box\""), "{w}");
    assert_eq!(
        imported.model.element("a").unwrap().parent.as_deref(),
        Some("box")
    );
}

#[test]
fn membership_is_the_smallest_box_containing_the_element() {
    let cells = json!([
        node("outer", "tm.BoundaryBox", 0.0, 0.0, 1000.0, 1000.0),
        node("inner", "tm.BoundaryBox", 100.0, 100.0, 300.0, 300.0),
        node("twin", "tm.BoundaryBox", 100.0, 100.0, 300.0, 300.0),
        node("in", "tm.Store", 150.0, 150.0, 50.0, 50.0),
        node("out", "tm.Actor", 600.0, 600.0, 50.0, 50.0),
        node("away", "tm.Actor", 2000.0, 0.0, 50.0, 50.0),
    ]);
    let m = threat_dragon::import(&td(cells)).unwrap().model;
    let parent = |id: &str| m.element(id).unwrap().parent.clone();
    assert_eq!(parent("in").as_deref(), Some("inner"));
    assert_eq!(parent("out").as_deref(), Some("outer"));
    assert_eq!(parent("inner").as_deref(), Some("outer"));
    assert_eq!(
        parent("twin").as_deref(),
        Some("outer"),
        "equal boxes never contain each other"
    );
    assert_eq!(parent("outer"), None);
    assert_eq!(parent("away"), None);
}

#[test]
fn threat_dragon_statuses_map_to_rampart_statuses() {
    use analysis::model::Status::*;
    for (text, status, justified) in [
        ("Open", Open, false),
        ("Mitigated", Mitigated, false),
        ("Avoided", Mitigated, false),
        ("Eliminated", Mitigated, false),
        ("Accepted", Accepted, true),
        ("Transferred", Transferred, true),
        ("NotApplicable", NotApplicable, false),
        ("N/A", NotApplicable, false),
        ("whatever", Open, false),
    ] {
        let cells = json!([{"id": "p", "shape": "process", "position": {"x": 0, "y": 0},
            "data": {"type": "tm.Process", "name": "p", "threats": [{"id": "t", "title": "x", "status": text, "type": "Spoofing", "mitigation": "vendor handles it"}]}}]);
        let m = threat_dragon::import(&td(cells)).unwrap().model;
        let d = m.decisions.get("user:t");
        assert_eq!(d.map_or(Open, |d| d.status), status, "{text}");
        let j = d.and_then(|d| d.justification.clone());
        assert_eq!(j.is_some(), justified, "{text}");
        if justified {
            assert_eq!(j.unwrap(), "imported from Threat Dragon: vendor handles it");
        }
    }
}

#[test]
fn threat_types_map_to_stride() {
    use analysis::Stride::*;
    for (text, stride) in [
        ("Spoofing", Spoofing),
        ("Tampering", Tampering),
        ("Repudiation", Repudiation),
        ("Information disclosure", InformationDisclosure),
        ("Denial of service", DenialOfService),
        ("Elevation of privilege", ElevationOfPrivilege),
        ("Elevation of Privileges", ElevationOfPrivilege),
        ("Confidentiality", InformationDisclosure),
        ("Integrity", Tampering),
        ("Availability", DenialOfService),
        ("Linkability", InformationDisclosure),
    ] {
        let cells = json!([{"id": "p", "shape": "process", "position": {"x": 0, "y": 0},
            "data": {"type": "tm.Process", "name": "p", "threats": [{"id": "t", "title": "x", "type": text}]}}]);
        let imported = threat_dragon::import(&td(cells)).unwrap();
        assert_eq!(imported.model.threats[0].stride, stride, "{text}");
        assert!(
            imported.warnings.iter().all(|w| !w.contains("STRIDE")),
            "{text}"
        );
    }
}

#[test]
fn older_threats_on_the_cell_are_read_and_unknown_fields_are_listed() {
    let cells = json!([{"id": "p", "shape": "process", "position": {"x": 0, "y": 0}, "threats": [{"id": "old", "title": "legacy", "status": "N/A"}],
        "data": {"type": "tm.Process", "name": "p", "threatFrequency": {"spoofing": 1}}}]);
    let imported = threat_dragon::import(&td(cells)).unwrap();
    assert_eq!(imported.model.threats[0].title, "legacy");
    assert!(imported
        .warnings
        .iter()
        .any(|w| w.contains("data.threatFrequency")));
}

#[test]
fn an_otm_component_in_a_cycle_of_trust_zones_is_repaired() {
    let text = json!({"otmVersion": "0.2.0", "project": {"name": "p"},
        "trustZones": [{"id": "a", "name": "a", "parent": {"trustZone": "b"}}, {"id": "b", "name": "b", "parent": {"trustZone": "a"}}],
        "components": [{"id": "c", "name": "c", "parent": {"component": "c"}}],
        "dataflows": [{"id": "f", "source": "c", "destination": "nowhere"}]}).to_string();
    let imported = otm::import(&text).unwrap();
    assert!(analysis::parse::validate(&imported.model).is_empty());
    assert!(imported
        .warnings
        .iter()
        .any(|w| w.contains("containment cycle")));
    assert!(imported.warnings.iter().any(|w| w.contains("\"f\"")));
}

fn arbitrary_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<f64>().prop_map(|f| json!(f)),
        any::<i64>().prop_map(|i| json!(i)),
        "[a-zA-Z0-9 ./:-]{0,12}".prop_map(Value::String),
        prop::sample::select(vec![
            "2.3.0",
            "0.2.0",
            "tm.Process",
            "tm.Flow",
            "tm.BoundaryBox",
            "flow",
            "Open",
            "Accepted",
            "a",
            "b"
        ])
        .prop_map(|s| json!(s)),
    ];
    leaf.prop_recursive(5, 64, 6, |inner| {
        let keys = prop::sample::select(vec![
            "version",
            "otmVersion",
            "detail",
            "diagrams",
            "cells",
            "data",
            "type",
            "id",
            "source",
            "target",
            "cell",
            "threats",
            "status",
            "position",
            "size",
            "x",
            "y",
            "width",
            "height",
            "shape",
            "trustZones",
            "components",
            "dataflows",
            "parent",
            "trustZone",
            "component",
            "destination",
            "mitigations",
            "threat",
            "mitigation",
            "name",
        ]);
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(keys, inner, 0..6).prop_map(|m| Value::Object(
                m.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
            )),
        ]
    })
}

proptest! {
    #[test]
    fn importers_never_panic_and_always_return_a_valid_model(value in arbitrary_json(), version in prop::sample::select(vec!["2.3.0", "0.1.0"])) {
        let mut value = value;
        if let Value::Object(m) = &mut value {
            m.insert("version".into(), json!(version));
            m.insert("otmVersion".into(), json!(version));
        }
        let text = value.to_string();
        for imported in [threat_dragon::import(&text), otm::import(&text)].into_iter().flatten() {
            prop_assert!(analysis::parse::validate(&imported.model).is_empty());
        }
    }
}
