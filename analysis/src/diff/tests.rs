use super::*;
use crate::model::Geometry;
use crate::ops::{apply, Operation};
use crate::reference_model;
use expect_test::{expect, Expect};
use proptest::prelude::*;

/// Applies operations (JSON) to the reference model and shows the diff as JSON.
fn check(ops: &str, expect: Expect) {
    let before = reference_model();
    let ops: Vec<Operation> = serde_json::from_str(ops).unwrap();
    let after = apply(&before, &ops).unwrap();
    let d = diff(&before, &after);
    expect.assert_eq(&serde_json::to_string_pretty(&d).unwrap());
}

#[test]
fn a_model_compared_with_itself_has_no_changes() {
    let model = reference_model();
    let d = diff(&model, &model);
    assert!(d.is_empty());
    assert_eq!(d, ModelDiff::default());
}

#[test]
fn moving_and_renaming_are_changes_of_named_fields() {
    check(
        r#"[{"op": "move_element", "id": "web", "geometry": {"x": 1, "y": 2}},
            {"op": "set_property", "target": "web", "property": "name", "value": "Storefront"},
            {"op": "move_flow", "id": "f-web-api", "waypoints": [{"x": 3, "y": 4}]},
            {"op": "set_model", "description": "Changed"}]"#,
        expect![[r#"
            {
              "model": [
                "description"
              ],
              "elements": {
                "added": [],
                "removed": [],
                "changed": [
                  {
                    "id": "web",
                    "fields": [
                      "geometry",
                      "name"
                    ]
                  }
                ]
              },
              "flows": {
                "added": [],
                "removed": [],
                "changed": [
                  {
                    "id": "f-web-api",
                    "fields": [
                      "waypoints"
                    ]
                  }
                ]
              },
              "threats": {
                "added": [],
                "removed": [],
                "changed": []
              },
              "decisions": {
                "added": [],
                "removed": [],
                "changed": []
              }
            }"#]],
    );
}

#[test]
fn a_weaker_configuration_shows_the_threats_it_brings() {
    check(
        r#"[{"op": "set_property", "target": "f-web-api", "property": "encryption", "value": "none"}]"#,
        expect![[r#"
            {
              "model": [],
              "elements": {
                "added": [],
                "removed": [],
                "changed": []
              },
              "flows": {
                "added": [],
                "removed": [],
                "changed": [
                  {
                    "id": "f-web-api",
                    "fields": [
                      "encryption"
                    ]
                  }
                ]
              },
              "threats": {
                "added": [
                  "flow.sensitive-data-unencrypted:f-web-api",
                  "mesh.pod-to-pod-without-mtls:f-web-api",
                  "stride.flow.information_disclosure:f-web-api",
                  "stride.flow.tampering:f-web-api",
                  "stride.process.information_disclosure:api",
                  "stride.process.information_disclosure:web",
                  "stride.process.tampering:api",
                  "stride.process.tampering:web"
                ],
                "removed": [],
                "changed": []
              },
              "decisions": {
                "added": [],
                "removed": [],
                "changed": []
              }
            }"#]],
    );
}

#[test]
fn user_threats_and_decisions_are_compared_by_key() {
    check(
        r#"[{"op": "set_decision", "key": "user:image-supply-chain",
             "decision": {"status": "accepted", "justification": "admission control is planned", "owner": "platform-team"}},
            {"op": "add_threat", "threat": {"id": "t1", "target": "web", "title": "Session fixation", "stride": "spoofing",
              "dread": {"damage": 5, "reproducibility": 5, "exploitability": 5, "affected_users": 5, "discoverability": 5}}},
            {"op": "set_decision", "key": "user:t1", "decision": {"status": "open"}}]"#,
        expect![[r#"
            {
              "model": [],
              "elements": {
                "added": [],
                "removed": [],
                "changed": []
              },
              "flows": {
                "added": [],
                "removed": [],
                "changed": []
              },
              "threats": {
                "added": [
                  "user:t1"
                ],
                "removed": [],
                "changed": [
                  {
                    "id": "user:image-supply-chain",
                    "fields": [
                      "status"
                    ]
                  }
                ]
              },
              "decisions": {
                "added": [
                  "user:t1"
                ],
                "removed": [],
                "changed": [
                  {
                    "id": "user:image-supply-chain",
                    "fields": [
                      "due",
                      "justification",
                      "notes",
                      "status"
                    ]
                  }
                ]
              }
            }"#]],
    );
}

#[test]
fn a_rescored_user_threat_changes_its_risk() {
    let before = reference_model();
    let mut threat = before.threats[0].clone();
    threat.dread.damage = 10;
    threat.title = "Poisoned image".into();
    let after = apply(&before, &[Operation::UpdateThreat { threat }]).unwrap();
    let d = diff(&before, &after);
    assert_eq!(
        d.threats.changed,
        vec![Changed {
            id: "user:image-supply-chain".into(),
            fields: vec!["dread".into(), "residual_risk".into(), "title".into()],
        }]
    );
}

#[test]
fn deleting_an_element_lists_everything_that_went_with_it() {
    let before = reference_model();
    let after = apply(
        &before,
        &[Operation::DeleteElement {
            id: "orders".into(),
        }],
    )
    .unwrap();
    let d = diff(&before, &after);
    assert_eq!(d.elements.removed, vec!["orders"]);
    assert_eq!(d.flows.removed, vec!["f-igw-orders", "f-orders-cache"]);
    assert!(
        d.threats.removed.iter().all(|k| k.contains("orders")),
        "{:?}",
        d.threats
    );
    assert!(d.elements.added.is_empty() && d.flows.added.is_empty());
    // The reverse diff mirrors it.
    let back = diff(&after, &before);
    assert_eq!(back.elements.added, d.elements.removed);
    assert_eq!(back.flows.added, d.flows.removed);
    assert_eq!(back.threats.added, d.threats.removed);
}

#[test]
fn the_diff_has_a_schema() {
    let schema = serde_json::to_string(&schemars::schema_for!(ModelDiff)).unwrap();
    assert!(schema.contains("residual_risk") || schema.contains("changed"));
}

proptest! {
    #[test]
    fn any_model_compared_with_itself_is_unchanged(n in 1usize..150) {
        let model = crate::synth::synthetic_model(n);
        prop_assert!(diff(&model, &model.clone()).is_empty());
    }

    #[test]
    fn a_moved_element_is_the_only_change(n in 1usize..150, pick in any::<usize>(), x in -1e6f64..1e6) {
        let model = crate::synth::synthetic_model(n);
        let id = model.elements[pick % model.elements.len()].id.clone();
        let geometry = Geometry { x, y: -7.0, width: 1.0, height: 1.0 };
        let moved = apply(&model, &[Operation::MoveElement { id: id.clone(), geometry, parent: None }]).unwrap();
        let d = diff(&model, &moved);
        let expected = ModelDiff {
            elements: ItemDiff {
                changed: vec![Changed { id, fields: vec!["geometry".into()] }],
                ..ItemDiff::default()
            },
            ..ModelDiff::default()
        };
        prop_assert_eq!(d, expected);
    }
}
