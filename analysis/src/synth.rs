//! Synthetic models shaped like the reference architecture, for benchmarks and property
//! tests: a transit VPC, then workload VPCs of three subnets, a private load balancer, a
//! cluster with namespaces of ten workloads each, and a database. Some controls are missing
//! on a fixed pattern, so the rules have something to find. Deterministic: no randomness.

use crate::model::*;
use std::collections::HashSet;

struct Gen {
    model: ThreatModel,
    limit: usize,
    ids: HashSet<String>,
    flows: usize,
}

impl Gen {
    fn full(&self) -> bool {
        self.model.elements.len() >= self.limit
    }

    fn add(&mut self, id: String, parent: Option<&str>, kind: ElementKind, sgs: &[&str]) -> bool {
        if self.full() {
            return false;
        }
        self.ids.insert(id.clone());
        self.model.elements.push(Element {
            name: id.replace('-', " "),
            id,
            kind,
            parent: parent.map(str::to_owned),
            security_groups: sgs.iter().map(|s| (*s).to_owned()).collect(),
            description: String::new(),
            out_of_scope: None,
            geometry: Some(Geometry {
                x: (self.model.elements.len() % 100) as f64 * 40.0,
                y: (self.model.elements.len() / 100) as f64 * 40.0,
                width: 32.0,
                height: 32.0,
            }),
            attributes: Default::default(),
        });
        true
    }

    fn flow(&mut self, source: &str, target: &str, protocol: &str, encryption: Encryption) {
        if !self.ids.contains(source) || !self.ids.contains(target) {
            return;
        }
        self.flows += 1;
        self.model.flows.push(DataFlow {
            id: format!("f{}", self.flows),
            name: String::new(),
            source: source.to_owned(),
            target: target.to_owned(),
            protocol: protocol.to_owned(),
            port: Some(443),
            encryption,
            authentication: Authentication::Token,
            classification: Classification::Confidential,
            description: String::new(),
            out_of_scope: None,
            waypoints: Vec::new(),
            attributes: Default::default(),
        });
    }
}

fn acl() -> ElementKind {
    ElementKind::NetworkAcl(NetworkAcl {
        inbound: vec![
            AclRule {
                action: AclAction::Allow,
                cidr: "10.0.0.0/8".into(),
                ports: Ports::single(443),
            },
            AclRule {
                action: AclAction::Deny,
                cidr: "0.0.0.0/0".into(),
                ports: Ports::ALL,
            },
        ],
        outbound: vec![AclRule {
            action: AclAction::Allow,
            cidr: "10.0.0.0/8".into(),
            ports: Ports::ALL,
        }],
    })
}

fn sg(peer: Peer) -> ElementKind {
    ElementKind::SecurityGroup(SecurityGroup {
        inbound: vec![SgRule {
            peer,
            ports: Ports::single(443),
        }],
        outbound: Vec::new(),
    })
}

/// A valid model of exactly `n` elements (for `n` of 20 or more; fewer for smaller `n`).
pub fn synthetic_model(n: usize) -> ThreatModel {
    let mut g = Gen {
        model: ThreatModel::new(format!("Synthetic model of {n} elements")),
        limit: n,
        ids: HashSet::new(),
        flows: 0,
    };
    let tls = Encryption::Tls;
    g.add(
        "internet".into(),
        None,
        ElementKind::Internet(Empty {}),
        &[],
    );
    g.add(
        "acct".into(),
        None,
        ElementKind::CloudAccount(CloudAccount { audit_trail: true }),
        &[],
    );
    g.add(
        "iam".into(),
        Some("acct"),
        ElementKind::Iam(Iam { mfa_enforced: true }),
        &[],
    );
    g.add(
        "logs".into(),
        Some("acct"),
        ElementKind::Monitoring(Empty {}),
        &[],
    );
    g.add(
        "tgw".into(),
        Some("acct"),
        ElementKind::TransitGateway(TransitGateway::default()),
        &[],
    );
    g.add(
        "vpc-transit".into(),
        Some("acct"),
        ElementKind::Vpc(Vpc {
            role: VpcRole::Transit,
            flow_logs: true,
            internet_gateway: true,
        }),
        &[],
    );
    g.add("acl-edge".into(), Some("vpc-transit"), acl(), &[]);
    g.add(
        "sg-edge".into(),
        Some("vpc-transit"),
        sg(Peer::Cidr("0.0.0.0/0".into())),
        &[],
    );
    g.add(
        "sn-edge".into(),
        Some("vpc-transit"),
        ElementKind::Subnet(Subnet {
            public: true,
            acl: Some("acl-edge".into()),
            route_table: None,
        }),
        &[],
    );
    g.add(
        "waf".into(),
        Some("sn-edge"),
        ElementKind::Waf(Waf {
            mode: WafMode::Block,
            managed_rules: true,
        }),
        &[],
    );
    g.add(
        "lb-public".into(),
        Some("sn-edge"),
        ElementKind::LoadBalancer(LoadBalancer {
            public: true,
            layer: LbLayer::L7,
            highly_available: true,
        }),
        &["sg-edge"],
    );
    g.add(
        "vnf".into(),
        Some("sn-edge"),
        ElementKind::VnfFirewall(Empty {}),
        &["sg-edge"],
    );
    g.add(
        "egw".into(),
        Some("sn-edge"),
        ElementKind::EgressGateway(Empty {}),
        &[],
    );
    g.flow("internet", "waf", "https", tls);
    g.flow("waf", "lb-public", "https", tls);
    g.flow("lb-public", "vnf", "https", tls);
    let mut attachments = vec!["vpc-transit".to_owned()];
    let mut v = 0;
    while !g.full() {
        v += 1;
        let vpc = format!("vpc{v}");
        let gap = |every: usize| v % every == 0;
        g.add(
            vpc.clone(),
            Some("acct"),
            ElementKind::Vpc(Vpc {
                role: VpcRole::Workload,
                flow_logs: !gap(5),
                internet_gateway: gap(17),
            }),
            &[],
        );
        if !gap(4) {
            attachments.push(vpc.clone());
        }
        let (acl_id, sg_lb, sg_nodes, sg_db) = (
            format!("{vpc}-acl"),
            format!("{vpc}-sg-lb"),
            format!("{vpc}-sg-nodes"),
            format!("{vpc}-sg-db"),
        );
        g.add(acl_id.clone(), Some(&vpc), acl(), &[]);
        g.add(
            sg_lb.clone(),
            Some(&vpc),
            sg(Peer::Element("sg-edge".into())),
            &[],
        );
        g.add(
            sg_nodes.clone(),
            Some(&vpc),
            sg(Peer::Element(sg_lb.clone())),
            &[],
        );
        g.add(
            sg_db.clone(),
            Some(&vpc),
            sg(if gap(6) {
                Peer::Cidr("0.0.0.0/0".into())
            } else {
                Peer::Element(sg_nodes.clone())
            }),
            &[],
        );
        for sn in ["lb", "k8s", "data"] {
            let acl = (!(gap(3) && sn == "data")).then(|| acl_id.clone());
            g.add(
                format!("{vpc}-sn-{sn}"),
                Some(&vpc),
                ElementKind::Subnet(Subnet {
                    public: false,
                    acl,
                    route_table: None,
                }),
                &[],
            );
        }
        let (lb, k8s, db) = (
            format!("{vpc}-lb"),
            format!("{vpc}-k8s"),
            format!("{vpc}-db"),
        );
        g.add(
            lb.clone(),
            Some(&format!("{vpc}-sn-lb")),
            ElementKind::LoadBalancer(LoadBalancer {
                public: false,
                layer: LbLayer::L7,
                highly_available: true,
            }),
            &[&sg_lb],
        );
        g.add(
            k8s.clone(),
            Some(&format!("{vpc}-sn-k8s")),
            ElementKind::KubernetesCluster(KubernetesCluster {
                cni: Cni::Calico,
                cluster_policy: !gap(2),
                audit_logging: !gap(7),
                rbac_iam: true,
                public_api: false,
            }),
            &[&sg_nodes],
        );
        g.add(
            db.clone(),
            Some(&format!("{vpc}-sn-data")),
            ElementKind::DataStore(DataStore {
                store: StoreKind::ManagedDb,
                encrypted: !gap(9),
                public_access: false,
                backups: true,
            }),
            &[&sg_db],
        );
        g.flow("vnf", &lb, "https", tls);
        for ns in 0..8 {
            let ns_id = format!("{vpc}-ns{ns}");
            let deny = (v + ns) % 7 != 0;
            g.add(
                ns_id.clone(),
                Some(&k8s),
                ElementKind::Namespace(Namespace {
                    network_policy: if deny {
                        PolicyMode::DefaultDeny
                    } else {
                        PolicyMode::None
                    },
                }),
                &[],
            );
            let mut prev = lb.clone();
            for w in 0..10 {
                let id = format!("{ns_id}-w{w}");
                let weak = (v * 31 + ns * 7 + w) % 13 == 0;
                let workload = Workload {
                    sidecar: !weak,
                    mtls: MtlsMode::Strict,
                    authorization_policy: !weak,
                    privileged: (v + w) % 29 == 0,
                    host_network: false,
                };
                if !g.add(
                    id.clone(),
                    Some(&ns_id),
                    ElementKind::Workload(workload),
                    &[],
                ) {
                    break;
                }
                g.flow(
                    &prev,
                    &id,
                    "grpc",
                    if prev == lb || weak {
                        tls
                    } else {
                        Encryption::Mtls
                    },
                );
                prev = id;
            }
            g.flow(&prev, &db, "postgres", tls);
        }
    }
    attachments.retain(|a| g.ids.contains(a));
    if let Some(t) = g.model.elements.iter_mut().find(|e| e.id == "tgw") {
        t.kind = ElementKind::TransitGateway(TransitGateway { attachments });
    }
    g.model
}
