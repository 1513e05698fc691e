use super::*;
use crate::reference_model;
use expect_test::{expect, Expect};
use proptest::prelude::*;

/// Reads operations written as a JSON array.
fn ops(json: &str) -> Vec<Operation> {
    serde_json::from_str(json).unwrap()
}

/// Applies operations (JSON) to the reference model and shows the error, or `ok`.
fn check_error(json: &str, expect: Expect) {
    let actual = match apply(&reference_model(), &ops(json)) {
        Ok(_) => "ok".to_owned(),
        Err(e) => format!("{}: {e}", e.index),
    };
    expect.assert_eq(&actual);
}

fn applied(json: &str) -> ThreatModel {
    apply(&reference_model(), &ops(json)).unwrap()
}

fn workload(id: &str, parent: &str) -> Element {
    Element {
        id: id.into(),
        name: id.into(),
        kind: ElementKind::Workload(Workload::default()),
        parent: Some(parent.into()),
        security_groups: Vec::new(),
        description: String::new(),
        out_of_scope: None,
        geometry: None,
        attributes: Default::default(),
    }
}

#[test]
fn every_operation_reads_and_writes_the_same_json() {
    let examples = [
        r#"{"op":"add_element","element":{"id":"web-lb","name":"Web LB","kind":{"type":"load_balancer","public":false,"layer":"l7","highly_available":true},"parent":"sn-a-lb"}}"#,
        r#"{"op":"update_element","element":{"id":"web","name":"Web front end","kind":{"type":"workload","sidecar":true,"mtls":"strict","authorization_policy":true,"privileged":false,"host_network":false},"parent":"ns-shop"}}"#,
        r#"{"op":"move_element","id":"web","geometry":{"x":120.0,"y":40.0,"width":80.0,"height":40.0}}"#,
        r#"{"op":"move_element","id":"web","geometry":{"x":120.0,"y":40.0,"width":0.0,"height":0.0},"parent":"ns-a-istio"}"#,
        r#"{"op":"move_element","id":"web","geometry":{"x":120.0,"y":40.0,"width":0.0,"height":0.0},"parent":null}"#,
        r#"{"op":"delete_element","id":"web"}"#,
        r#"{"op":"add_flow","flow":{"id":"f3","source":"web","target":"api","protocol":"grpc","port":8443,"encryption":"mtls","authentication":"certificate","classification":"confidential"}}"#,
        r#"{"op":"update_flow","flow":{"id":"f-web-api","source":"web","target":"api","protocol":"https","encryption":"tls","authentication":"token","classification":"internal"}}"#,
        r#"{"op":"move_flow","id":"f-web-api","waypoints":[{"x":10.0,"y":20.0}]}"#,
        r#"{"op":"delete_flow","id":"f-web-api"}"#,
        r#"{"op":"add_threat","threat":{"id":"t1","target":"web","title":"Session fixation","stride":"spoofing","dread":{"damage":5,"reproducibility":5,"exploitability":5,"affected_users":5,"discoverability":5}}}"#,
        r#"{"op":"update_threat","threat":{"id":"t1","target":"web","title":"Session fixation","stride":"spoofing","dread":{"damage":6,"reproducibility":5,"exploitability":5,"affected_users":5,"discoverability":5}}}"#,
        r#"{"op":"delete_threat","id":"t1"}"#,
        r#"{"op":"set_property","target":"f-web-api","property":"port","value":8443}"#,
        r#"{"op":"set_out_of_scope","target":"payments","reason":"the provider's own assessment covers it"}"#,
        r#"{"op":"set_out_of_scope","target":"payments","reason":null}"#,
        r#"{"op":"suppress_rule","rule":"network.subnet-without-acl","justification":"ACLs are managed centrally"}"#,
        r#"{"op":"suppress_rule","rule":"network.subnet-without-acl","justification":null}"#,
        r#"{"op":"set_decision","key":"user:image-supply-chain","decision":{"status":"accepted","justification":"admission control is planned"}}"#,
        r#"{"op":"set_decision","key":"user:image-supply-chain","decision":null}"#,
        r#"{"op":"set_model","name":"Production"}"#,
        r#"{"op":"put_asset","asset":{"id":"secrets","name":"Signing keys","value":"critical","stored_in":["kms"]}}"#,
        r#"{"op":"delete_asset","id":"secrets"}"#,
        r#"{"op":"put_threat_agent","agent":{"id":"crime","name":"Organised crime","kind":"external_attacker","capability":"high"}}"#,
        r#"{"op":"delete_threat_agent","id":"crime"}"#,
    ];
    let mut names = std::collections::BTreeSet::new();
    for json in examples {
        let op: Operation = serde_json::from_str(json).unwrap_or_else(|e| panic!("{json}: {e}"));
        names.insert(op.name());
        assert_eq!(serde_json::to_string(&op).unwrap(), json);
        assert_eq!(
            json,
            format!(
                r#"{{"op":"{}"{}"#,
                op.name(),
                &json[json.find(',').unwrap()..]
            )
        );
    }
    assert_eq!(names.len(), 20, "an example for every operation");
}

#[test]
fn move_element_tells_an_absent_parent_from_a_null_one() {
    let read = |json: &str| match serde_json::from_str(json).unwrap() {
        Operation::MoveElement { parent, .. } => parent,
        other => panic!("{other:?}"),
    };
    let at = r#""geometry": {"x": 1, "y": 2}"#;
    assert_eq!(
        read(&format!(r#"{{"op": "move_element", "id": "a", {at}}}"#)),
        None
    );
    assert_eq!(
        read(&format!(
            r#"{{"op": "move_element", "id": "a", {at}, "parent": null}}"#
        )),
        Some(None)
    );
    assert_eq!(
        read(&format!(
            r#"{{"op": "move_element", "id": "a", {at}, "parent": "b"}}"#
        )),
        Some(Some("b".into()))
    );
}

#[test]
fn unknown_operations_and_fields_are_rejected() {
    let err = |json: &str| {
        serde_json::from_str::<Operation>(json)
            .unwrap_err()
            .to_string()
    };
    expect!["unknown field `colour`, expected `id`"].assert_eq(&err(
        r#"{"op": "delete_flow", "id": "f1", "colour": "red"}"#,
    ));
    expect!["unknown variant `rename_element`, expected one of `add_element`, `update_element`, `move_element`, `delete_element`, `add_flow`, `update_flow`, `move_flow`, `delete_flow`, `add_threat`, `update_threat`, `delete_threat`, `set_property`, `set_out_of_scope`, `suppress_rule`, `set_decision`, `set_model`, `put_asset`, `delete_asset`, `put_threat_agent`, `delete_threat_agent` at line 1 column 23"]
        .assert_eq(&err(r#"{"op": "rename_element"}"#));
}

#[test]
fn no_operations_change_nothing() {
    assert_eq!(apply(&reference_model(), &[]), Ok(reference_model()));
}

#[test]
fn an_added_element_can_be_deleted_again() {
    let before = reference_model();
    let after = apply(
        &before,
        &[Operation::AddElement {
            element: workload("cart", "ns-shop"),
        }],
    )
    .unwrap();
    assert_eq!(after.element("cart"), Some(&workload("cart", "ns-shop")));
    let back = apply(&after, &[Operation::DeleteElement { id: "cart".into() }]).unwrap();
    assert_eq!(back, before);
}

#[test]
fn ids_already_used_are_refused() {
    check_error(
        r#"[{"op": "add_element", "element": {"id": "f-web-api", "name": "x", "kind": {"type": "workload"}}}]"#,
        expect![[r#"0: operation 0 (add_element): a flow with id "f-web-api" already exists"#]],
    );
    check_error(
        r#"[{"op": "delete_flow", "id": "f-web-api"},
            {"op": "add_flow", "flow": {"id": "web", "source": "web", "target": "api", "protocol": "https"}}]"#,
        expect![[r#"1: operation 1 (add_flow): an element with id "web" already exists"#]],
    );
    check_error(
        r#"[{"op": "add_threat", "threat": {"id": "image-supply-chain", "target": "web", "title": "t", "stride": "spoofing",
              "dread": {"damage": 1, "reproducibility": 1, "exploitability": 1, "affected_users": 1, "discoverability": 1}}}]"#,
        expect![[
            r#"0: operation 0 (add_threat): a threat with id "image-supply-chain" already exists"#
        ]],
    );
}

#[test]
fn unknown_ids_are_refused_naming_the_operation() {
    check_error(
        r#"[{"op": "set_model", "name": "x"}, {"op": "delete_flow", "id": "f9"}]"#,
        expect![[r#"1: operation 1 (delete_flow): there is no flow "f9""#]],
    );
    check_error(
        r#"[{"op": "move_element", "id": "nope", "geometry": {"x": 0, "y": 0}}]"#,
        expect![[r#"0: operation 0 (move_element): there is no element "nope""#]],
    );
    check_error(
        r#"[{"op": "update_threat", "threat": {"id": "t9", "target": "web", "title": "t", "stride": "spoofing",
              "dread": {"damage": 1, "reproducibility": 1, "exploitability": 1, "affected_users": 1, "discoverability": 1}}}]"#,
        expect![[r#"0: operation 0 (update_threat): there is no user threat "t9""#]],
    );
    check_error(
        r#"[{"op": "set_out_of_scope", "target": "nope", "reason": "x"}]"#,
        expect![[r#"0: operation 0 (set_out_of_scope): there is no element or flow "nope""#]],
    );
    check_error(
        r#"[{"op": "delete_asset", "id": "nope"}]"#,
        expect![[r#"0: operation 0 (delete_asset): there is no asset "nope""#]],
    );
    check_error(
        r#"[{"op": "delete_threat_agent", "id": "nope"}]"#,
        expect![[r#"0: operation 0 (delete_threat_agent): there is no threat agent "nope""#]],
    );
    check_error(
        r#"[{"op": "set_decision", "key": "nope:x", "decision": null}]"#,
        expect![[r#"0: operation 0 (set_decision): there is no decision on "nope:x""#]],
    );
}

#[test]
fn an_invalid_result_is_blamed_on_the_operation_that_made_it() {
    check_error(
        r#"[{"op": "set_model", "description": "d"},
            {"op": "add_flow", "flow": {"id": "f1", "source": "web", "target": "ghost", "protocol": "https"}},
            {"op": "set_model", "name": "n"}]"#,
        expect![[
            r#"1: operation 1 (add_flow) leaves the model invalid: flow "f1", field "target": references "ghost", which does not exist"#
        ]],
    );
    check_error(
        r#"[{"op": "set_out_of_scope", "target": "web", "reason": " "}]"#,
        expect![[
            r#"0: operation 0 (set_out_of_scope) leaves the model invalid: element "web", field "out_of_scope.reason": must say why"#
        ]],
    );
    check_error(
        r#"[{"op": "move_element", "id": "web", "geometry": {"x": 0, "y": 0}, "parent": "api"}]"#,
        expect![[
            r#"0: operation 0 (move_element) leaves the model invalid: element "web", field "parent": references "api" of kind workload, which is not a trust boundary"#
        ]],
    );
    check_error(
        r#"[{"op": "set_model", "name": ""}]"#,
        expect![[
            r#"0: operation 0 (set_model) leaves the model invalid: model, field "name": must not be empty"#
        ]],
    );
}

#[test]
fn a_problem_an_operation_repairs_is_not_blamed_on_it() {
    // The flow is added before its target exists: only the end state is checked.
    let model = applied(
        r#"[{"op": "add_flow", "flow": {"id": "f1", "source": "web", "target": "cart", "protocol": "https"}},
            {"op": "add_element", "element": {"id": "cart", "name": "Cart", "kind": {"type": "workload"}, "parent": "ns-shop"}}]"#,
    );
    assert!(model.flow("f1").is_some());
}

#[test]
fn a_model_that_was_already_invalid_says_so() {
    let mut model = reference_model();
    model.name = String::new();
    let err = apply(
        &model,
        &[Operation::DeleteThreat {
            id: "image-supply-chain".into(),
        }],
    )
    .unwrap_err();
    expect![[
        r#"the model was invalid before these operations: model, field "name": must not be empty"#
    ]]
    .assert_eq(&err.message);
}

#[test]
fn update_element_keeps_the_geometry_when_the_form_sends_none() {
    let model = applied(
        r#"[{"op": "move_element", "id": "web", "geometry": {"x": 5, "y": 6, "width": 7, "height": 8}},
            {"op": "update_element", "element": {"id": "web", "name": "Storefront", "kind": {"type": "workload", "sidecar": true}, "parent": "ns-shop"}}]"#,
    );
    let web = model.element("web").unwrap();
    assert_eq!(web.name, "Storefront");
    assert_eq!(
        web.geometry,
        Some(Geometry {
            x: 5.0,
            y: 6.0,
            width: 7.0,
            height: 8.0
        })
    );
}

#[test]
fn update_flow_keeps_the_waypoints_when_the_form_sends_none() {
    let model = applied(
        r#"[{"op": "move_flow", "id": "f-web-api", "waypoints": [{"x": 1, "y": 2}]},
            {"op": "update_flow", "flow": {"id": "f-web-api", "source": "web", "target": "api", "protocol": "grpc"}}]"#,
    );
    let flow = model.flow("f-web-api").unwrap();
    assert_eq!(flow.protocol, "grpc");
    assert_eq!(flow.waypoints, vec![Point { x: 1.0, y: 2.0 }]);
    let straight = apply(
        &model,
        &[Operation::MoveFlow {
            id: "f-web-api".into(),
            waypoints: Vec::new(),
        }],
    )
    .unwrap();
    assert!(straight.flow("f-web-api").unwrap().waypoints.is_empty());
}

#[test]
fn move_element_reparents_only_when_asked() {
    let at = r#""geometry": {"x": 1, "y": 1}"#;
    let model = applied(&format!(r#"[{{"op": "move_element", "id": "web", {at}}}]"#));
    assert_eq!(
        model.element("web").unwrap().parent.as_deref(),
        Some("ns-shop")
    );
    let model = applied(&format!(
        r#"[{{"op": "move_element", "id": "web", {at}, "parent": "ns-a-istio"}}]"#
    ));
    assert_eq!(
        model.element("web").unwrap().parent.as_deref(),
        Some("ns-a-istio")
    );
    let model = applied(&format!(
        r#"[{{"op": "move_element", "id": "web", {at}, "parent": null}}]"#
    ));
    assert_eq!(model.element("web").unwrap().parent, None);
}

#[test]
fn deleting_an_element_takes_its_flows_and_threats_with_it() {
    let before = reference_model();
    let model = applied(r#"[{"op": "delete_element", "id": "api"}]"#);
    assert!(model.element("api").is_none());
    assert!(model
        .flows
        .iter()
        .all(|f| f.source != "api" && f.target != "api"));
    assert_eq!(before.flows.len() - model.flows.len(), 6);
    assert!(model.threats.is_empty(), "the user threat on api is gone");
    assert_eq!(model.decisions, before.decisions, "decisions stay");
}

#[test]
fn deleting_a_flow_takes_the_threats_on_it() {
    let model = applied(
        r#"[{"op": "add_threat", "threat": {"id": "t1", "target": "f-web-api", "title": "Replay", "stride": "spoofing",
              "dread": {"damage": 1, "reproducibility": 1, "exploitability": 1, "affected_users": 1, "discoverability": 1}}},
            {"op": "delete_flow", "id": "f-web-api"}]"#,
    );
    assert!(model.threats.iter().all(|t| t.id != "t1"));
    assert_eq!(model.threats.len(), 1);
}

#[test]
fn deleting_a_boundary_hands_its_children_to_its_parent() {
    let model = applied(r#"[{"op": "delete_element", "id": "sn-a-lb"}]"#);
    assert_eq!(
        model.element("lb-a").unwrap().parent.as_deref(),
        Some("vpc-a")
    );
    let model = applied(r#"[{"op": "delete_element", "id": "acct"}]"#);
    assert_eq!(model.element("vpc-a").unwrap().parent, None);
}

#[test]
fn deleting_configuration_removes_references_to_it() {
    let before = reference_model();
    let holders = |m: &ThreatModel, sg: &str| {
        m.elements
            .iter()
            .filter(|e| e.security_groups.iter().any(|s| s == sg))
            .count()
    };
    assert!(holders(&before, "sg-a-lb") > 0);
    let model = applied(
        r#"[{"op": "delete_element", "id": "sg-a-lb"}, {"op": "delete_element", "id": "acl-a-lb"},
            {"op": "delete_element", "id": "vpc-b"}, {"op": "delete_element", "id": "db"}]"#,
    );
    assert_eq!(holders(&model, "sg-a-lb"), 0);
    match &model.element("sn-a-lb").unwrap().kind {
        ElementKind::Subnet(s) => assert_eq!(s.acl, None),
        other => panic!("{other:?}"),
    }
    match &model.element("tgw").unwrap().kind {
        ElementKind::TransitGateway(t) => assert!(!t.attachments.contains(&"vpc-b".to_owned())),
        other => panic!("{other:?}"),
    }
    let customer = model
        .assets
        .iter()
        .find(|a| a.id == "customer-data")
        .unwrap();
    assert!(customer.stored_in.is_empty());
}

#[test]
fn set_property_changes_one_field_through_its_json_name() {
    let model = applied(
        r#"[{"op": "set_property", "target": "web", "property": "name", "value": "Storefront"},
            {"op": "set_property", "target": "f-web-api", "property": "port", "value": 8443},
            {"op": "set_property", "target": "f-web-api", "property": "encryption", "value": "mtls"},
            {"op": "set_property", "target": "sn-a-lb", "property": "kind.public", "value": true},
            {"op": "set_property", "target": "lb-a", "property": "parent", "value": "vpc-a"},
            {"op": "set_property", "target": "waf", "property": "kind", "value": {"type": "waf", "mode": "block"}},
            {"op": "set_property", "target": "web", "property": "description", "value": "Serves the shop"},
            {"op": "set_property", "target": "web", "property": "description", "value": null}]"#,
    );
    assert_eq!(model.element("web").unwrap().name, "Storefront");
    assert_eq!(model.element("web").unwrap().description, "");
    let flow = model.flow("f-web-api").unwrap();
    assert_eq!((flow.port, flow.encryption), (Some(8443), Encryption::Mtls));
    assert!(matches!(
        model.element("sn-a-lb").unwrap().kind,
        ElementKind::Subnet(Subnet { public: true, .. })
    ));
    assert_eq!(
        model.element("lb-a").unwrap().parent.as_deref(),
        Some("vpc-a")
    );
    assert!(matches!(
        model.element("waf").unwrap().kind,
        ElementKind::Waf(Waf {
            mode: WafMode::Block,
            managed_rules: false
        })
    ));
}

#[test]
fn set_property_names_the_field_when_the_value_does_not_fit() {
    check_error(
        r#"[{"op": "set_property", "target": "f-web-api", "property": "port", "value": "https"}]"#,
        expect![[
            r#"0: operation 0 (set_property): flow "f-web-api", field "port": invalid type: string "https", expected u16"#
        ]],
    );
    check_error(
        r#"[{"op": "set_property", "target": "f-web-api", "property": "encryption", "value": "rot13"}]"#,
        expect![[
            r#"0: operation 0 (set_property): flow "f-web-api", field "encryption": unknown variant `rot13`, expected one of `none`, `tls`, `mtls`"#
        ]],
    );
    check_error(
        r#"[{"op": "set_property", "target": "sn-a-lb", "property": "kind.pubic", "value": true}]"#,
        expect![[
            r#"0: operation 0 (set_property): element "sn-a-lb", field "kind.pubic": unknown field `pubic`, expected one of `public`, `acl`, `route_table`"#
        ]],
    );
    check_error(
        r#"[{"op": "set_property", "target": "web", "property": "colour", "value": "red"}]"#,
        expect![[
            r#"0: operation 0 (set_property): element "web", field "colour": unknown field `colour`, expected one of `id`, `name`, `kind`, `parent`, `security_groups`, `description`, `out_of_scope`, `geometry`, `attributes`"#
        ]],
    );
    check_error(
        r#"[{"op": "set_property", "target": "web", "property": "name", "value": null}]"#,
        expect![[
            r#"0: operation 0 (set_property): element "web", field "name": missing field `name`"#
        ]],
    );
    check_error(
        r#"[{"op": "set_property", "target": "web", "property": "id", "value": "www"}]"#,
        expect![[
            r#"0: operation 0 (set_property): the id of "web" cannot be changed; delete it and add it again"#
        ]],
    );
    check_error(
        r#"[{"op": "set_property", "target": "web", "property": "out_of_scope.reason", "value": "x"}]"#,
        expect![[
            r#"0: operation 0 (set_property): element "web" has no object at "out_of_scope" to set "out_of_scope.reason" in"#
        ]],
    );
    check_error(
        r#"[{"op": "set_property", "target": "web", "property": "kind..x", "value": 1}]"#,
        expect![[r#"0: operation 0 (set_property): "kind..x" is not a field name"#]],
    );
    check_error(
        r#"[{"op": "set_property", "target": "ghost", "property": "name", "value": "x"}]"#,
        expect![[r#"0: operation 0 (set_property): there is no element or flow "ghost""#]],
    );
}

#[test]
fn scope_suppressions_and_decisions_can_be_set_and_cleared() {
    let model = applied(
        r#"[{"op": "set_out_of_scope", "target": "payments", "reason": "covered by the provider"},
            {"op": "set_out_of_scope", "target": "f-web-api", "reason": "loopback"},
            {"op": "suppress_rule", "rule": "network.subnet-without-acl", "justification": "central ACLs"},
            {"op": "suppress_rule", "rule": "network.subnet-without-acl", "justification": "managed centrally"},
            {"op": "set_decision", "key": "user:image-supply-chain", "decision": {"status": "mitigated"}}]"#,
    );
    assert_eq!(
        model.element("payments").unwrap().out_of_scope,
        Some(OutOfScope {
            reason: "covered by the provider".into()
        })
    );
    assert!(model.flow("f-web-api").unwrap().out_of_scope.is_some());
    assert_eq!(
        model.suppressions,
        vec![Suppression {
            rule: "network.subnet-without-acl".into(),
            justification: "managed centrally".into()
        }]
    );
    assert_eq!(
        model.decisions["user:image-supply-chain"].status,
        Status::Mitigated
    );
    let back = apply(
        &model,
        &ops(
            r#"[{"op": "set_out_of_scope", "target": "payments", "reason": null},
                {"op": "set_out_of_scope", "target": "f-web-api", "reason": null},
                {"op": "suppress_rule", "rule": "network.subnet-without-acl", "justification": null}]"#,
        ),
    )
    .unwrap();
    assert!(back.element("payments").unwrap().out_of_scope.is_none());
    assert!(back.flow("f-web-api").unwrap().out_of_scope.is_none());
    assert!(back.suppressions.is_empty());
    check_error(
        r#"[{"op": "suppress_rule", "rule": "no.such-rule", "justification": "x"}]"#,
        expect![[r#"0: operation 0 (suppress_rule): there is no rule "no.such-rule""#]],
    );
    check_error(
        r#"[{"op": "suppress_rule", "rule": "network.subnet-without-acl", "justification": null}]"#,
        expect![[
            r#"0: operation 0 (suppress_rule): rule "network.subnet-without-acl" is not suppressed"#
        ]],
    );
    check_error(
        r#"[{"op": "suppress_rule", "rule": "network.subnet-without-acl", "justification": ""}]"#,
        expect![[
            r#"0: operation 0 (suppress_rule) leaves the model invalid: suppression "network.subnet-without-acl", field "justification": a suppressed rule needs a justification"#
        ]],
    );
}

#[test]
fn assets_agents_and_the_model_fields_can_be_edited() {
    let model = applied(
        r#"[{"op": "set_model", "name": "Production", "description": "Live"},
            {"op": "put_asset", "asset": {"id": "secrets", "name": "Keys", "value": "high", "stored_in": ["kms"]}},
            {"op": "put_asset", "asset": {"id": "secrets", "name": "Signing keys", "value": "critical", "stored_in": ["kms"]}},
            {"op": "delete_asset", "id": "documents"},
            {"op": "put_threat_agent", "agent": {"id": "crime", "name": "Organised crime", "kind": "external_attacker", "capability": "high"}}]"#,
    );
    assert_eq!(
        (model.name.as_str(), model.description.as_str()),
        ("Production", "Live")
    );
    let secrets: Vec<&Asset> = model.assets.iter().filter(|a| a.id == "secrets").collect();
    assert_eq!(secrets.len(), 1);
    assert_eq!(secrets[0].value, AssetValue::Critical);
    assert!(model.assets.iter().all(|a| a.id != "documents"));
    let crime = |m: &ThreatModel| m.threat_agents.iter().filter(|a| a.id == "crime").count();
    assert_eq!(crime(&model), 1);
    let back = apply(
        &model,
        &[Operation::DeleteThreatAgent { id: "crime".into() }],
    )
    .unwrap();
    assert_eq!(crime(&back), 0);
    assert_eq!(back.threat_agents, reference_model().threat_agents);
}

#[test]
fn the_summary_reads_like_an_audit_entry() {
    let list = ops(
        r#"[{"op": "add_element", "element": {"id": "web-lb", "name": "x", "kind": {"type": "workload"}}},
            {"op": "move_element", "id": "web", "geometry": {"x": 1, "y": 1}},
            {"op": "move_element", "id": "web", "geometry": {"x": 2, "y": 1}},
            {"op": "move_element", "id": "web", "geometry": {"x": 3, "y": 1}, "parent": "ns-a-istio"},
            {"op": "set_property", "target": "f3", "property": "port", "value": 443},
            {"op": "set_out_of_scope", "target": "payments", "reason": "x"},
            {"op": "suppress_rule", "rule": "r", "justification": null},
            {"op": "set_decision", "key": "user:t", "decision": {"status": "accepted", "justification": "x"}},
            {"op": "set_model", "name": "n", "description": "d"},
            {"op": "delete_flow", "id": "f3"}]"#,
    );
    expect![[r#"added element web-lb; moved element web (2 times); moved element web into ns-a-istio; set port of f3; put payments out of scope; restored rule r; marked user:t accepted; changed the model's name and description; deleted flow f3"#]]
        .assert_eq(&summary(&list));
    assert_eq!(summary(&[]), "no changes");
}

#[test]
fn the_input_model_is_left_alone_when_an_operation_fails() {
    let model = reference_model();
    let result = apply(
        &model,
        &ops(r#"[{"op": "delete_element", "id": "web"}, {"op": "delete_element", "id": "web"}]"#),
    );
    assert_eq!(result.unwrap_err().index, 1);
    assert_eq!(model, reference_model());
}

#[test]
fn the_operation_schema_is_generated() {
    let schema = serde_json::to_value(schemars::schema_for!(Vec<Operation>)).unwrap();
    let text = schema.to_string();
    for name in [
        "add_element",
        "move_element",
        "set_property",
        "delete_threat_agent",
    ] {
        assert!(text.contains(name), "{name} in the schema");
    }
}

proptest! {
    #[test]
    fn adding_then_deleting_an_element_gives_back_the_model(
        n in 1usize..120,
        parent_pick in any::<usize>(),
        suffix in "[a-z0-9]{1,8}",
        placed in any::<bool>(),
    ) {
        let model = crate::synth::synthetic_model(n);
        let boundaries: Vec<&Element> =
            model.elements.iter().filter(|e| e.kind.kind().is_boundary()).collect();
        let mut element = workload(&format!("new-{suffix}"), "x");
        element.parent = (!boundaries.is_empty())
            .then(|| boundaries[parent_pick % boundaries.len()].id.clone());
        element.geometry = placed.then_some(Geometry { x: 1.0, y: 2.0, width: 3.0, height: 4.0 });
        let id = element.id.clone();
        let added = apply(&model, &[Operation::AddElement { element }]).unwrap();
        prop_assert_eq!(added.elements.len(), model.elements.len() + 1);
        let back = apply(&added, &[Operation::DeleteElement { id }]).unwrap();
        prop_assert_eq!(back, model);
    }

    #[test]
    fn adding_then_deleting_a_flow_gives_back_the_model(
        n in 2usize..120,
        ends in (any::<usize>(), any::<usize>()),
    ) {
        let model = crate::synth::synthetic_model(n);
        let endpoints: Vec<&Element> =
            model.elements.iter().filter(|e| e.kind.kind().is_flow_endpoint()).collect();
        prop_assume!(endpoints.len() >= 2);
        let source = ends.0 % endpoints.len();
        let target = (source + 1 + ends.1 % (endpoints.len() - 1)) % endpoints.len();
        let flow = DataFlow {
            id: "new-flow".into(),
            name: String::new(),
            source: endpoints[source].id.clone(),
            target: endpoints[target].id.clone(),
            protocol: "https".into(),
            port: Some(443),
            encryption: Encryption::Tls,
            authentication: Authentication::Token,
            classification: Classification::Internal,
            description: String::new(),
            out_of_scope: None,
            waypoints: Vec::new(),
            attributes: Default::default(),
        };
        let ops = [Operation::AddFlow { flow }, Operation::DeleteFlow { id: "new-flow".into() }];
        prop_assert_eq!(apply(&model, &ops).unwrap(), model);
    }

    #[test]
    fn deleting_any_element_leaves_a_valid_model_or_says_why(n in 1usize..150, pick in any::<usize>()) {
        let model = crate::synth::synthetic_model(n);
        let id = model.elements[pick % model.elements.len()].id.clone();
        match apply(&model, &[Operation::DeleteElement { id: id.clone() }]) {
            Ok(after) => {
                prop_assert!(validate(&after).is_empty());
                prop_assert!(after.element(&id).is_none());
                prop_assert!(after.flows.iter().all(|f| f.source != id && f.target != id));
            }
            Err(e) => prop_assert!(e.message.contains("leaves the model invalid"), "{}", e),
        }
    }
}

/// `model` with its lists in id order: `between` promises equality up to list order.
fn sorted(mut model: ThreatModel) -> ThreatModel {
    model.elements.sort_by(|a, b| a.id.cmp(&b.id));
    model.flows.sort_by(|a, b| a.id.cmp(&b.id));
    model.threats.sort_by(|a, b| a.id.cmp(&b.id));
    model.assets.sort_by(|a, b| a.id.cmp(&b.id));
    model.threat_agents.sort_by(|a, b| a.id.cmp(&b.id));
    model.suppressions.sort_by(|a, b| a.rule.cmp(&b.rule));
    model
}

/// Both ways: `between(a, b)` applied to `a` gives `b`, and back.
fn assert_round_trip(a: &ThreatModel, b: &ThreatModel) {
    let forward = apply(a, &between(a, b)).unwrap();
    assert_eq!(sorted(forward), sorted(b.clone()));
    let back = apply(b, &between(b, a)).unwrap();
    assert_eq!(sorted(back), sorted(a.clone()));
}

#[test]
fn between_equal_models_is_nothing() {
    let m = reference_model();
    assert!(between(&m, &m).is_empty());
}

#[test]
fn between_undoes_a_cascading_delete() {
    let before = reference_model();
    // A boundary with children, flows and references: its children move up, its flows go.
    let boundary = before
        .elements
        .iter()
        .find(|e| {
            e.kind.kind().is_boundary()
                && before
                    .elements
                    .iter()
                    .any(|c| c.parent.as_deref() == Some(&e.id))
        })
        .unwrap()
        .id
        .clone();
    let after = apply(&before, &[Operation::DeleteElement { id: boundary }]).unwrap();
    assert_round_trip(&before, &after);
}

#[test]
fn between_undoes_moves_properties_and_additions() {
    let before = reference_model();
    let first = before.elements[0].id.clone();
    let flow = before.flows[0].id.clone();
    let after = applied(&format!(
        r#"[
        {{"op": "move_element", "id": "{first}", "geometry": {{"x": 40, "y": 80, "width": 120, "height": 60}}}},
        {{"op": "set_property", "target": "{flow}", "property": "encryption", "value": "none"}},
        {{"op": "set_model", "name": "Renamed"}},
        {{"op": "suppress_rule", "rule": "{rule}", "justification": "handled elsewhere"}}
        ]"#,
        rule = crate::rules().next().unwrap().id
    ));
    let after = apply(
        &after,
        &[
            Operation::AddElement {
                element: workload("new-workload", "acct"),
            },
            Operation::MoveFlow {
                id: flow,
                waypoints: vec![Point { x: 1.0, y: 2.0 }],
            },
        ],
    )
    .unwrap();
    assert_round_trip(&before, &after);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    /// Any set of deletions, undone and redone, gives back both models.
    #[test]
    fn between_round_trips_random_deletions(picks in proptest::collection::vec(any::<prop::sample::Index>(), 0..6)) {
        let before = reference_model();
        let mut after = before.clone();
        for pick in picks {
            if after.elements.is_empty() {
                break;
            }
            let id = after.elements[pick.index(after.elements.len())].id.clone();
            after = apply(&after, &[Operation::DeleteElement { id }]).unwrap();
        }
        assert_round_trip(&before, &after);
    }
}
