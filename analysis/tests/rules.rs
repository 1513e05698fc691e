//! Every rule fires when its mitigating control is taken out of the reference architecture,
//! and does not fire on the reference itself, where the control is present. The same table
//! is the mutation test: each control of the catalogue is removed in turn.

use analysis::{analyze, parse, reference_model_json, Control, Options, Report};
use serde_json::{json, Value};

type Mutation = fn(&mut Value);

fn find<'a>(m: &'a mut Value, id: &str) -> &'a mut Value {
    for section in ["elements", "flows"] {
        if let Some(i) = m[section]
            .as_array()
            .unwrap()
            .iter()
            .position(|e| e["id"] == id)
        {
            return &mut m[section][i];
        }
    }
    panic!("no element or flow {id}");
}

fn set(m: &mut Value, id: &str, path: &str, value: Value) {
    let mut at = find(m, id);
    for part in path.split('.') {
        at = match part.parse::<usize>() {
            Ok(i) => &mut at[i],
            Err(_) => &mut at[part],
        };
    }
    *at = value;
}

fn remove(m: &mut Value, id: &str) {
    m["elements"]
        .as_array_mut()
        .unwrap()
        .retain(|e| e["id"] != id);
    m["flows"]
        .as_array_mut()
        .unwrap()
        .retain(|f| f["source"] != id && f["target"] != id);
}

fn add_flow(m: &mut Value, id: &str, source: &str, target: &str, protocol: &str, port: u16) {
    m["flows"].as_array_mut().unwrap().push(json!({
        "id": id, "source": source, "target": target, "protocol": protocol, "port": port,
        "encryption": "tls", "authentication": "token"
    }));
}

/// (rule, the key it must produce, the control taken away, the mutation).
const CASES: &[(&str, &str, Option<Control>, Mutation)] = &[
    ("stride.external.spoofing", "operator", None, |m| {
        set(m, "f-operator-vpn", "authentication", json!("none"))
    }),
    ("stride.external.repudiation", "internet", None, |m| {
        remove(m, "logs")
    }),
    ("stride.process.spoofing", "lb-public", None, |m| {
        set(m, "f-waf-lb", "authentication", json!("none"))
    }),
    ("stride.process.tampering", "lb-public", None, |m| {
        set(m, "f-waf-lb", "encryption", json!("none"))
    }),
    ("stride.process.repudiation", "waf", None, |m| {
        set(m, "vpc-transit", "kind.flow_logs", json!(false))
    }),
    ("stride.process.information_disclosure", "vnf", None, |m| {
        set(m, "acl-inspect", "kind.inbound", json!([]))
    }),
    ("stride.process.denial_of_service", "lb-public", None, |m| {
        set(m, "lb-public", "kind.highly_available", json!(false))
    }),
    ("stride.process.elevation_of_privilege", "api", None, |m| {
        set(m, "api", "kind.privileged", json!(true))
    }),
    ("stride.store.tampering", "cache", None, |m| {
        set(m, "f-orders-cache", "authentication", json!("none"))
    }),
    ("stride.store.repudiation", "db", None, |m| {
        set(m, "acct", "kind.audit_trail", json!(false))
    }),
    ("stride.store.information_disclosure", "db", None, |m| {
        set(m, "db", "kind.encrypted", json!(false))
    }),
    ("stride.store.denial_of_service", "db", None, |m| {
        set(m, "db", "kind.backups", json!(false))
    }),
    ("stride.flow.tampering", "f-api-db", None, |m| {
        set(m, "f-api-db", "encryption", json!("none"))
    }),
    (
        "stride.flow.information_disclosure",
        "f-api-kms",
        Some(Control::PrivateEndpoint),
        |m| set(m, "kms", "kind.endpoint", json!("public")),
    ),
    (
        "stride.flow.denial_of_service",
        "f-internet-lb",
        None,
        |m| add_flow(m, "f-internet-lb", "internet", "lb-public", "https", 443),
    ),
    (
        "identity.user-without-mfa",
        "operator",
        Some(Control::Mfa),
        |m| set(m, "operator", "kind.mfa", json!(false)),
    ),
    ("identity.iam-mfa-not-enforced", "iam", None, |m| {
        set(m, "iam", "kind.mfa_enforced", json!(false))
    }),
    (
        "identity.rbac-not-tied-to-iam",
        "k8s-a",
        Some(Control::RbacIam),
        |m| set(m, "k8s-a", "kind.rbac_iam", json!(false)),
    ),
    (
        "identity.account-without-iam",
        "acct",
        Some(Control::Iam),
        |m| remove(m, "iam"),
    ),
    (
        "perimeter.ingress-bypasses-waf",
        "f-internet-lb",
        Some(Control::Waf),
        |m| add_flow(m, "f-internet-lb", "internet", "lb-public", "https", 443),
    ),
    (
        "perimeter.ingress-bypasses-transit-vpc",
        "f-internet-lb-a",
        Some(Control::TransitVpc),
        |m| add_flow(m, "f-internet-lb-a", "internet", "lb-a", "https", 443),
    ),
    (
        "perimeter.workload-vpc-internet-gateway",
        "vpc-a",
        None,
        |m| set(m, "vpc-a", "kind.internet_gateway", json!(true)),
    ),
    (
        "perimeter.transit-without-firewall",
        "vpc-transit",
        Some(Control::VnfFirewall),
        |m| remove(m, "vnf"),
    ),
    ("perimeter.waf-not-blocking", "waf", None, |m| {
        set(m, "waf", "kind.mode", json!("detect"))
    }),
    (
        "perimeter.public-lb-not-highly-available",
        "lb-public",
        Some(Control::HaLoadBalancer),
        |m| set(m, "lb-public", "kind.highly_available", json!(false)),
    ),
    ("perimeter.public-lb-without-waf", "lb-public", None, |m| {
        set(m, "f-waf-lb", "source", json!("internet"))
    }),
    (
        "perimeter.egress-bypasses-egress-gateway",
        "f-egw-payments",
        Some(Control::EgressGateway),
        |m| set(m, "f-egw-payments", "source", json!("bastion")),
    ),
    (
        "network.subnet-without-acl",
        "sn-a-data",
        Some(Control::NetworkAcl),
        |m| set(m, "sn-a-data", "kind.acl", Value::Null),
    ),
    ("network.acl-allows-all", "sn-a-data", None, |m| {
        set(
            m,
            "acl-a-data",
            "kind.inbound",
            json!([{"action": "allow", "cidr": "0.0.0.0/0", "ports": {"from": 0, "to": 65535}}]),
        )
    }),
    (
        "network.sg-admin-port-open-to-world",
        "sg-bastion",
        None,
        |m| {
            set(
                m,
                "sg-bastion",
                "kind.inbound.0.peer",
                json!({"cidr": "0.0.0.0/0"}),
            )
        },
    ),
    (
        "network.sg-open-to-world-on-all-ports",
        "sg-a-data",
        None,
        |m| {
            set(
                m,
                "sg-a-data",
                "kind.inbound",
                json!([{"peer": {"cidr": "::/0"}, "ports": {"from": 0, "to": 65535}}]),
            )
        },
    ),
    (
        "network.instance-without-security-group",
        "db",
        Some(Control::SecurityGroup),
        |m| set(m, "db", "security_groups", json!([])),
    ),
    (
        "network.admin-port-not-from-bastion",
        "sg-a-nodes",
        Some(Control::Bastion),
        |m| {
            set(
                m,
                "sg-a-nodes",
                "kind.inbound.1.peer",
                json!({"cidr": "10.0.0.0/8"}),
            )
        },
    ),
    ("network.peering-mesh", "vpc-a", None, |m| {
        for (id, other) in [("peer-ab", "vpc-b"), ("peer-am", "vpc-mgmt")] {
            m["elements"].as_array_mut().unwrap().push(json!({
                "id": id, "name": id, "parent": "acct",
                "kind": {"type": "vpc_peering", "peers": ["vpc-a", other]}
            }));
        }
    }),
    (
        "network.private-subnet-routes-to-internet",
        "sn-a-k8s",
        Some(Control::RoutingRules),
        |m| set(m, "rt-a", "kind.routes.0.via", json!("internet_gateway")),
    ),
    (
        "network.public-subnet-in-workload-vpc",
        "sn-a-lb",
        None,
        |m| set(m, "sn-a-lb", "kind.public", json!(true)),
    ),
    (
        "network.cross-vpc-flow-without-transit",
        "f-api-lb-b",
        Some(Control::TransitGateway),
        |m| {
            set(
                m,
                "tgw",
                "kind.attachments",
                json!(["vpc-transit", "vpc-mgmt", "vpc-a"]),
            )
        },
    ),
    (
        "lb.public-lb-outside-transit-vpc",
        "lb-a",
        Some(Control::PrivateLoadBalancer),
        |m| set(m, "lb-a", "kind.public", json!(true)),
    ),
    (
        "lb.cluster-entry-not-via-private-lb",
        "f-vnf-igw",
        None,
        |m| add_flow(m, "f-vnf-igw", "vnf", "igw-a", "https", 443),
    ),
    (
        "lb.service-exposed-outside-private-lb",
        "svc-api",
        None,
        |m| set(m, "svc-api", "kind.service_type", json!("node_port")),
    ),
    (
        "k8s.namespace-without-default-deny",
        "ns-shop",
        Some(Control::NamespaceNetworkPolicy),
        |m| set(m, "ns-shop", "kind.network_policy", json!("allow_listed")),
    ),
    (
        "k8s.no-cluster-wide-policy",
        "k8s-a",
        Some(Control::ClusterNetworkPolicy),
        |m| set(m, "k8s-a", "kind.cluster_policy", json!(false)),
    ),
    (
        "k8s.cni-does-not-enforce-policies",
        "k8s-b",
        Some(Control::PolicyCni),
        |m| set(m, "k8s-b", "kind.cni", json!("non_enforcing")),
    ),
    (
        "k8s.no-audit-logging",
        "k8s-a",
        Some(Control::ClusterAuditLogging),
        |m| set(m, "k8s-a", "kind.audit_logging", json!(false)),
    ),
    ("k8s.public-api-endpoint", "k8s-a", None, |m| {
        set(m, "k8s-a", "kind.public_api", json!(true))
    }),
    (
        "k8s.privileged-workload",
        "api",
        Some(Control::LeastPrivilege),
        |m| set(m, "api", "kind.privileged", json!(true)),
    ),
    ("k8s.host-network-workload", "web", None, |m| {
        set(m, "web", "kind.host_network", json!(true))
    }),
    ("k8s.ingress-without-tls", "ing", None, |m| {
        m["elements"].as_array_mut().unwrap().push(json!({
            "id": "ing", "name": "ingress", "parent": "ns-shop", "kind": {"type": "ingress", "tls": false}
        }));
    }),
    ("k8s.workload-outside-namespace", "api", None, |m| {
        set(m, "api", "parent", json!("k8s-a"))
    }),
    (
        "mesh.workload-without-sidecar",
        "web",
        Some(Control::Sidecar),
        |m| set(m, "web", "kind.sidecar", json!(false)),
    ),
    (
        "mesh.pod-to-pod-without-mtls",
        "f-web-api",
        Some(Control::Mtls),
        |m| set(m, "f-web-api", "encryption", json!("tls")),
    ),
    ("mesh.mtls-not-strict", "orders", None, |m| {
        set(m, "orders", "kind.mtls", json!("permissive"))
    }),
    (
        "mesh.no-authorization-policy",
        "api",
        Some(Control::AuthorizationPolicy),
        |m| set(m, "api", "kind.authorization_policy", json!(false)),
    ),
    (
        "mesh.egress-bypasses-mesh-gateway",
        "f-api-egw",
        Some(Control::MeshEgressGateway),
        |m| add_flow(m, "f-api-egw", "api", "egw", "https", 443),
    ),
    (
        "access.operator-access-not-through-bastion",
        "f-operator-k8s",
        None,
        |m| {
            add_flow(
                m,
                "f-operator-k8s",
                "operator",
                "k8s-a",
                "kubernetes-api",
                6443,
            )
        },
    ),
    (
        "access.bastion-reachable-without-vpn",
        "bastion",
        Some(Control::ClientVpn),
        |m| set(m, "f-vpn-bastion", "source", json!("operator")),
    ),
    (
        "access.bastion-without-session-recording",
        "bastion",
        Some(Control::SessionRecording),
        |m| set(m, "bastion", "kind.session_recording", json!(false)),
    ),
    ("endpoint.cloud-service-public-endpoint", "kms", None, |m| {
        set(m, "kms", "kind.endpoint", json!("public"))
    }),
    ("endpoint.data-store-public-access", "bucket", None, |m| {
        set(m, "bucket", "kind.public_access", json!(true))
    }),
    (
        "audit.vpc-without-flow-logs",
        "vpc-b",
        Some(Control::FlowLogs),
        |m| set(m, "vpc-b", "kind.flow_logs", json!(false)),
    ),
    (
        "audit.account-without-audit-trail",
        "acct",
        Some(Control::CloudAuditTrail),
        |m| set(m, "acct", "kind.audit_trail", json!(false)),
    ),
    (
        "audit.account-without-log-sink",
        "acct",
        Some(Control::LogSink),
        |m| remove(m, "logs"),
    ),
    (
        "data.unencrypted-store",
        "db",
        Some(Control::EncryptionAtRest),
        |m| set(m, "db", "kind.encrypted", json!(false)),
    ),
    (
        "data.store-without-backups",
        "cache",
        Some(Control::Backups),
        |m| set(m, "cache", "kind.backups", json!(false)),
    ),
    (
        "data.store-in-public-subnet",
        "db",
        Some(Control::PrivateSubnet),
        |m| set(m, "sn-a-data", "kind.public", json!(true)),
    ),
    (
        "flow.boundary-crossing-without-tls",
        "f-api-db",
        Some(Control::Tls),
        |m| set(m, "f-api-db", "encryption", json!("none")),
    ),
    (
        "flow.boundary-crossing-without-authentication",
        "f-api-db",
        Some(Control::Authentication),
        |m| set(m, "f-api-db", "authentication", json!("none")),
    ),
    ("flow.sensitive-data-unencrypted", "f-web-api", None, |m| {
        set(m, "f-web-api", "encryption", json!("none"))
    }),
    (
        "flow.untrusted-to-data-store",
        "f-internet-bucket",
        None,
        |m| add_flow(m, "f-internet-bucket", "internet", "bucket", "https", 443),
    ),
    (
        "depth.insufficient-layers",
        "internet->documents",
        None,
        |m| add_flow(m, "f-internet-docs", "internet", "bucket", "https", 443),
    ),
];

fn reference() -> Value {
    serde_json::from_str(reference_model_json()).unwrap()
}

fn run(m: &Value) -> Report {
    let model = parse(&m.to_string()).unwrap_or_else(|e| panic!("mutated model invalid: {e}"));
    analyze(&model, &Options::default())
}

#[test]
fn every_rule_fires_without_its_control_and_not_with_it() {
    let baseline = run(&reference());
    for (rule, target, _, mutate) in CASES {
        let key = format!("{rule}:{target}");
        assert!(
            baseline.findings.iter().all(|f| f.rule != *rule),
            "{rule} fires on the reference, where its controls are present"
        );
        let mut m = reference();
        mutate(&mut m);
        let report = run(&m);
        let f = report.finding(&key).unwrap_or_else(|| {
            let fired: Vec<&str> = report.findings.iter().map(|f| f.key.as_str()).collect();
            panic!("{key} did not fire; fired: {fired:?}")
        });
        assert!(!f.why.is_empty());
    }
}

#[test]
fn every_rule_in_the_catalogue_has_a_case() {
    for rule in analysis::rules() {
        assert!(
            CASES.iter().any(|(id, ..)| *id == rule.id),
            "rule {} has no fire/no-fire case",
            rule.id
        );
    }
}

#[test]
fn removing_each_control_from_the_reference_makes_its_rule_fire() {
    for control in Control::ALL {
        let (rule, target, _, mutate) = CASES
            .iter()
            .find(|(_, _, c, _)| *c == Some(*control))
            .unwrap_or_else(|| panic!("no mutation removes control {}", control.id()));
        let mut m = reference();
        mutate(&mut m);
        let report = run(&m);
        let f = report
            .finding(&format!("{rule}:{target}"))
            .unwrap_or_else(|| panic!("removing {} did not make {rule} fire", control.id()));
        let rule = analysis::rule(rule).unwrap();
        assert!(
            rule.controls.contains(control),
            "{} does not list {} as mitigating",
            rule.id,
            control.id()
        );
        assert!(
            f.controls
                .iter()
                .all(|c| c.control != *control || !c.present)
                || rule.id.starts_with("stride.")
        );
    }
}

#[test]
fn the_reference_architecture_has_no_high_or_critical_finding() {
    let report = run(&reference());
    let worst: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.severity >= analysis::Severity::High)
        .map(|f| &f.key)
        .collect();
    assert!(worst.is_empty(), "{worst:?}");
    assert!(report.diagnostics.is_empty(), "{:?}", report.diagnostics);
}
