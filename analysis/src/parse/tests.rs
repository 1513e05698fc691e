use super::*;
use expect_test::{expect, Expect};

/// Parses a model made of `elements` and `flows` (JSON arrays) and shows the outcome.
fn check(elements: &str, flows: &str, expect: Expect) {
    let json = format!(
        r#"{{"schema": "rampart/1", "name": "t", "elements": {elements}, "flows": {flows}}}"#
    );
    let actual = match parse(&json) {
        Ok(m) => format!("ok: {} elements, {} flows", m.elements.len(), m.flows.len()),
        Err(e) => e.to_string(),
    };
    expect.assert_eq(&actual);
}

const NET: &str = r#"{"id": "internet", "name": "Internet", "kind": {"type": "internet"}}"#;
const VPC: &str = r#"{"id": "vpc", "name": "VPC", "kind": {"type": "vpc"}}"#;

#[test]
fn a_minimal_model_parses() {
    check(
        &format!("[{NET}, {VPC}]"),
        "[]",
        expect!["ok: 2 elements, 0 flows"],
    );
}

#[test]
fn unknown_fields_are_rejected_naming_the_element() {
    check(
        r#"[{"id": "sn", "name": "s", "kind": {"type": "subnet", "pubic": true}}]"#,
        "[]",
        expect![[
            r#"element "sn", field "kind": unknown field `pubic`, expected one of `public`, `acl`, `route_table`"#
        ]],
    );
    check(
        r#"[{"id": "sn", "name": "s", "colour": "red", "kind": {"type": "subnet"}}]"#,
        "[]",
        expect![[
            r#"element "sn", field "colour": unknown field `colour`, expected one of `id`, `name`, `kind`, `parent`, `security_groups`, `description`, `out_of_scope`, `geometry`, `attributes`"#
        ]],
    );
}

#[test]
fn unknown_kinds_are_rejected() {
    check(
        r#"[{"id": "x", "name": "x", "kind": {"type": "mainframe"}}]"#,
        "[]",
        expect![[
            r#"element "x", field "kind.type": unknown variant `mainframe`, expected one of `internet`, `external_actor`, `user`, `cloud_account`, `vpc`, `subnet`, `transit_gateway`, `vpc_peering`, `route_table`, `network_acl`, `security_group`, `waf`, `vnf_firewall`, `load_balancer`, `vpn_gateway`, `egress_gateway`, `bastion_host`, `iam`, `kubernetes_cluster`, `namespace`, `workload`, `kubernetes_service`, `ingress`, `istio_gateway`, `data_store`, `cloud_service`, `monitoring`"#
        ]],
    );
}

#[test]
fn wrong_types_name_the_field() {
    check(
        r#"[{"id": "u", "name": "u", "kind": {"type": "user", "mfa": "yes"}}]"#,
        "[]",
        expect![[r#"element "u", field "kind": invalid type: string "yes", expected a boolean"#]],
    );
}

#[test]
fn dangling_references_name_the_element_and_field() {
    check(
        r#"[{"id": "sn", "name": "s", "parent": "vpc-x", "kind": {"type": "subnet"}}]"#,
        "[]",
        expect![[r#"element "sn", field "parent": references "vpc-x", which does not exist"#]],
    );
    check(
        &format!(
            r#"[{VPC}, {{"id": "sn", "name": "s", "parent": "vpc", "kind": {{"type": "subnet", "acl": "vpc"}}}}]"#
        ),
        "[]",
        expect![[
            r#"element "sn", field "kind.acl": references "vpc" of kind vpc, expected network_acl"#
        ]],
    );
    check(
        &format!("[{NET}]"),
        r#"[{"id": "f", "source": "internet", "target": "ghost", "protocol": "https"}]"#,
        expect![[r#"flow "f", field "target": references "ghost", which does not exist"#]],
    );
}

#[test]
fn parents_must_be_trust_boundaries() {
    check(
        &format!(
            r#"[{NET}, {{"id": "w", "name": "w", "parent": "internet", "kind": {{"type": "workload"}}}}]"#
        ),
        "[]",
        expect![[
            r#"element "w", field "parent": references "internet" of kind internet, which is not a trust boundary"#
        ]],
    );
}

#[test]
fn containment_cycles_are_rejected() {
    check(
        r#"[{"id": "a", "name": "a", "parent": "b", "kind": {"type": "vpc"}},
            {"id": "b", "name": "b", "parent": "a", "kind": {"type": "subnet"}}]"#,
        "[]",
        expect![[r#"element "a", field "parent": containment cycle: a -> b -> a"#]],
    );
}

#[test]
fn self_flows_are_rejected() {
    check(
        &format!("[{NET}]"),
        r#"[{"id": "f", "source": "internet", "target": "internet", "protocol": "https"}]"#,
        expect![[r#"flow "f", field "target": a flow cannot start and end at the same element"#]],
    );
}

#[test]
fn flows_cannot_end_at_a_boundary_or_configuration() {
    check(
        &format!("[{NET}, {VPC}]"),
        r#"[{"id": "f", "source": "internet", "target": "vpc", "protocol": "https"}]"#,
        expect![[
            r#"flow "f", field "target": references "vpc" of kind vpc; flows connect components, not boundaries or configuration"#
        ]],
    );
}

#[test]
fn ids_must_be_unique_and_well_formed() {
    check(
        &format!("[{NET}, {NET}]"),
        "[]",
        expect![[r#"element "internet", field "id": is used twice"#]],
    );
    check(
        r#"[{"id": "a b", "name": "x", "kind": {"type": "internet"}}]"#,
        "[]",
        expect![[
            r#"element "a b", field "id": must be 1 to 128 letters, digits, '.', '_' or '-'"#
        ]],
    );
}

#[test]
fn accepted_decisions_need_a_justification() {
    let json =
        r#"{"schema": "rampart/1", "name": "t", "decisions": {"k:x": {"status": "accepted"}}}"#;
    expect![[
        r#"decision "k:x", field "justification": a threat marked accepted needs a justification"#
    ]]
    .assert_eq(&parse(json).unwrap_err().to_string());
    let json = r#"{"schema": "rampart/1", "name": "t", "decisions": {"k:x": {"status": "open", "due": "tomorrow"}}}"#;
    expect![[r#"decision "k:x", field "due": "tomorrow" is not a date (YYYY-MM-DD)"#]]
        .assert_eq(&parse(json).unwrap_err().to_string());
}

#[test]
fn other_schemas_and_bad_json_are_rejected() {
    expect![[r#"unsupported schema "rampart/2", expected "rampart/1""#]].assert_eq(
        &parse(r#"{"schema": "rampart/2", "name": "t"}"#)
            .unwrap_err()
            .to_string(),
    );
    expect!["not valid JSON at line 1, column 10: EOF while parsing a value at line 1 column 10"]
        .assert_eq(&parse(r#"{"schema":"#).unwrap_err().to_string());
}

#[test]
fn security_group_rules_are_checked() {
    check(
        r#"[{"id": "sg", "name": "sg", "kind": {"type": "security_group",
            "inbound": [{"peer": {"cidr": "everywhere"}, "ports": {"from": 30, "to": 20}}]}}]"#,
        "[]",
        expect![[
            r#"element "sg", field "kind.inbound.0.peer": "everywhere" is not a CIDR range such as 10.0.0.0/16"#
        ]],
    );
}
