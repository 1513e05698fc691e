//! The control catalogue: every control DESIGN.md names, and how to tell from a model
//! whether one is in place for a given element or flow.
//!
//! [`state`] answers `Some(true)` (present), `Some(false)` (absent) or `None` (the control
//! does not apply to that subject, e.g. MFA on a load balancer).

use crate::index::{Index, Subject};
use crate::model::*;
use serde::{Deserialize, Serialize};

macro_rules! controls {
    ($($variant:ident => $id:literal, $name:literal, $desc:literal;)*) => {
        /// A control that mitigates threats.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum Control { $($variant,)* }

        impl Control {
            /// Every control in the catalogue.
            pub const ALL: &'static [Control] = &[$(Control::$variant,)*];

            /// The stable id, as used in files and reports.
            pub fn id(self) -> &'static str {
                match self { $(Control::$variant => $id,)* }
            }

            /// A short name.
            pub fn name(self) -> &'static str {
                match self { $(Control::$variant => $name,)* }
            }

            /// What the control is and how the model shows it.
            pub fn description(self) -> &'static str {
                match self { $(Control::$variant => $desc,)* }
            }

            /// The control with this id.
            pub fn from_id(id: &str) -> Option<Control> {
                match id { $($id => Some(Control::$variant),)* _ => None }
            }
        }
    };
}

controls! {
    Iam => "iam", "Cloud IAM", "Cloud IAM governs access to compute, storage and network services (an `iam` element in the account).";
    Mfa => "mfa", "Multi-factor authentication", "People sign in with a second factor (`user.mfa`, `iam.mfa_enforced`).";
    RbacIam => "rbac_iam", "Kubernetes RBAC tied to IAM", "Cluster roles are bound to cloud IAM identities (`kubernetes_cluster.rbac_iam`).";
    TransitVpc => "transit_vpc", "Transit VPC", "A hub VPC is the single entry and exit point; workload VPCs have no internet gateway of their own.";
    HaLoadBalancer => "ha_load_balancer", "Highly available load balancer", "The load balancer spans availability zones (`load_balancer.highly_available`).";
    VnfFirewall => "vnf_firewall", "Virtual network firewall", "VNF firewalls in the transit VPC inspect traffic with consistently managed rules.";
    EgressGateway => "egress_gateway", "Egress gateway", "Traffic to the internet leaves through a public egress gateway (or the transit firewalls).";
    ClientVpn => "client_vpn", "Client VPN", "Operators reach the management network only through a VPN gateway.";
    Waf => "waf", "Web application firewall", "A WAF in blocking mode, with managed rules, is the front line against DDoS, SQL injection and XSS.";
    TransitGateway => "transit_gateway", "Transit gateway", "VPCs connect through a transit gateway instead of a mesh of peerings.";
    NetworkAcl => "network_acl", "Network ACL", "A stateless subnet ACL with explicit rules (not allow-all).";
    SecurityGroup => "security_group", "Security group", "Per-instance stateful allow rules, never open to the world on admin ports.";
    RoutingRules => "routing_rules", "VPC routing rules", "Private subnets route the default route through the transit gateway, not the internet gateway.";
    PrivateLoadBalancer => "private_load_balancer", "Private load balancer", "Services in the cluster are reached only through a private (internal) load balancer.";
    ClusterNetworkPolicy => "cluster_network_policy", "Cluster-wide network policy", "A cluster-wide baseline policy (e.g. Calico global default deny).";
    NamespaceNetworkPolicy => "namespace_network_policy", "Namespace default-deny policy", "Each namespace denies by default and allows only declared traffic.";
    PolicyCni => "policy_cni", "Policy-enforcing CNI", "The CNI (Calico or Cilium) actually enforces network policies.";
    Sidecar => "sidecar", "Envoy sidecar", "The workload runs an Istio sidecar, giving mTLS, policy and telemetry for audit.";
    Mtls => "mtls", "Mutual TLS", "Service-to-service traffic uses strict mutual TLS (zero trust).";
    AuthorizationPolicy => "authorization_policy", "Istio authorization policy", "Requests are authorised on identity, source and HTTP attributes.";
    MeshEgressGateway => "mesh_egress_gateway", "Istio egress gateway", "Traffic from the mesh to external services leaves through an Istio egress gateway.";
    PrivateEndpoint => "private_endpoint", "Private service endpoint", "Cloud services and APIs are consumed only over the private network.";
    Bastion => "bastion", "Bastion host", "All operator access goes through a bastion host.";
    SessionRecording => "session_recording", "Bastion session tracking", "Operator sessions on the bastion are recorded and tracked.";
    ClusterAuditLogging => "cluster_audit_logging", "Kubernetes audit logging", "The Kubernetes API server writes audit logs.";
    FlowLogs => "flow_logs", "VPC flow logs", "Network flows of the VPC are logged.";
    CloudAuditTrail => "cloud_audit_trail", "Cloud audit trail", "The account records every cloud API call.";
    LogSink => "log_sink", "Monitoring and log sink", "A central monitoring / log sink in the account collects the logs.";
    EncryptionAtRest => "encryption_at_rest", "Encryption at rest", "The data store encrypts its data at rest.";
    Tls => "tls", "Encryption in transit", "Flows are encrypted with TLS or mTLS.";
    Authentication => "authentication", "Authentication", "The receiver authenticates the sender of each flow.";
    LeastPrivilege => "least_privilege", "Least-privilege workloads", "Workloads run unprivileged and without the host network.";
    PrivateSubnet => "private_subnet", "Private subnet", "The element sits in a subnet exposed only to the cloud's private network.";
    Backups => "backups", "Backups", "The data store is backed up.";
}

/// Admin ports that must never be open to the world.
pub const ADMIN_PORTS: [u16; 7] = [22, 3389, 5985, 5986, 6443, 2379, 10250];

fn all<I: IntoIterator<Item = bool>>(it: I) -> bool {
    it.into_iter().all(|b| b)
}

/// Whether the control is in place for the subject.
pub(crate) fn state(ix: &Index, c: Control, subject: Subject) -> Option<bool> {
    match subject {
        Subject::Element(i) => element_state(ix, c, i),
        Subject::Flow(f) => flow_state(ix, c, f),
    }
}

fn element_state(ix: &Index, c: Control, i: usize) -> Option<bool> {
    let props = ix.props(i);
    let kind = props.kind();
    let inbound_from_untrusted = || {
        ix.in_flows[i].iter().any(|f| {
            ix.flow_ends(*f)
                .is_some_and(|(s, _)| ix.kind(s).is_untrusted())
        })
    };
    match c {
        Control::Iam => {
            if kind.class() == DfdClass::ExternalEntity {
                return None;
            }
            Some(match ix.account[i] {
                Some(a) => ix.contains(a, Kind::Iam),
                None => ix.has_kind(Kind::Iam),
            })
        }
        Control::Mfa => match props {
            ElementKind::User(u) => Some(u.mfa),
            ElementKind::Iam(iam) => Some(iam.mfa_enforced),
            _ => None,
        },
        Control::RbacIam => ix.cluster_props(i).map(|c| c.rbac_iam),
        Control::TransitVpc => match props {
            ElementKind::Vpc(v) => {
                Some(v.role == VpcRole::Transit || (!v.internet_gateway && ix.tgw_attached[i]))
            }
            ElementKind::Subnet(_) | ElementKind::LoadBalancer(_) => {
                ix.vpc_props(i).map(|v| v.role == VpcRole::Transit)
            }
            _ if inbound_from_untrusted() => {
                Some(ix.vpc_props(i).is_some_and(|v| v.role == VpcRole::Transit))
            }
            _ => None,
        },
        Control::HaLoadBalancer => match props {
            ElementKind::LoadBalancer(lb) => Some(lb.highly_available),
            _ => None,
        },
        Control::VnfFirewall => match props {
            ElementKind::Vpc(v) if v.role == VpcRole::Transit => {
                Some(ix.contains(i, Kind::VnfFirewall))
            }
            _ => None,
        },
        Control::ClientVpn => match props {
            ElementKind::BastionHost(_) => Some(
                !ix.in_flows[i].is_empty()
                    && all(ix.in_flows[i].iter().map(|f| {
                        ix.flow_ends(*f)
                            .is_some_and(|(s, _)| ix.kind(s) == Kind::VpnGateway)
                    })),
            ),
            _ => None,
        },
        Control::Waf => match props {
            ElementKind::Waf(w) => Some(w.mode == WafMode::Block && w.managed_rules),
            ElementKind::LoadBalancer(lb) if lb.public => Some(
                !inbound_from_untrusted()
                    && ix.in_flows[i].iter().any(|f| {
                        ix.flow_ends(*f)
                            .is_some_and(|(s, _)| ix.kind(s) == Kind::Waf)
                    }),
            ),
            _ if inbound_from_untrusted() => Some(false),
            _ => None,
        },
        Control::TransitGateway => match props {
            ElementKind::Vpc(_) => Some(ix.tgw_attached[i]),
            _ => None,
        },
        Control::NetworkAcl => {
            if kind.class() == DfdClass::Configuration || ix.subnet[i].is_none() {
                return None;
            }
            Some(ix.acl(i).is_some_and(|(_, acl)| !acl_allows_all(acl)))
        }
        Control::SecurityGroup => match props {
            ElementKind::SecurityGroup(g) => Some(!sg_open_admin(g) && !sg_open_all(g)),
            ElementKind::BastionHost(_)
            | ElementKind::LoadBalancer(_)
            | ElementKind::VnfFirewall(_)
            | ElementKind::KubernetesCluster(_) => Some(!ix.security_groups[i].is_empty()),
            ElementKind::DataStore(d) if d.store != StoreKind::ObjectStorage => {
                Some(!ix.security_groups[i].is_empty())
            }
            _ => None,
        },
        Control::RoutingRules => {
            let subnet = ix.subnet_props(i)?;
            if subnet.public {
                return None;
            }
            Some(!ix.route_table(i).is_some_and(|(_, rt)| routes_to_internet(rt)))
        }
        Control::PrivateLoadBalancer => match props {
            ElementKind::LoadBalancer(lb) => Some(!lb.public),
            ElementKind::KubernetesService(s) => Some(s.service_type == ServiceType::ClusterIp),
            _ => {
                let cluster = ix.cluster[i].filter(|c| *c != i)?;
                Some(all(ix.in_flows[i].iter().map(|f| match ix.flow_ends(*f) {
                    Some((s, _)) if !ix.within(s, cluster) => is_private_lb(ix, s),
                    _ => true,
                })))
            }
        },
        Control::ClusterNetworkPolicy => ix.cluster_props(i).map(|c| c.cluster_policy),
        Control::NamespaceNetworkPolicy => ix
            .namespace_props(i)
            .map(|n| n.network_policy == PolicyMode::DefaultDeny),
        Control::PolicyCni => ix.cluster_props(i).map(|c| c.cni.enforces_policies()),
        Control::Sidecar => match props {
            ElementKind::Workload(w) => Some(w.sidecar),
            _ => None,
        },
        Control::Mtls => match props {
            ElementKind::Workload(w) => Some(w.sidecar && w.mtls == MtlsMode::Strict),
            _ => None,
        },
        Control::AuthorizationPolicy => match props {
            ElementKind::Workload(w) => Some(w.sidecar && w.authorization_policy),
            _ => None,
        },
        Control::MeshEgressGateway => match props {
            ElementKind::KubernetesCluster(_) => Some(ix.m.elements.iter().enumerate().any(
                |(j, e)| {
                    matches!(&e.kind, ElementKind::IstioGateway(g) if g.direction == Direction::Egress)
                        && ix.cluster[j] == Some(i)
                },
            )),
            _ => None,
        },
        Control::PrivateEndpoint => match props {
            ElementKind::CloudService(s) => Some(s.endpoint == Endpoint::Private),
            ElementKind::DataStore(d) => Some(!d.public_access),
            ElementKind::KubernetesCluster(c) => Some(!c.public_api),
            _ => None,
        },
        Control::Bastion => match props {
            ElementKind::SecurityGroup(g) => Some(admin_only_from_elements(g)),
            _ => None,
        },
        Control::SessionRecording => match props {
            ElementKind::BastionHost(b) => Some(b.session_recording),
            _ => None,
        },
        Control::ClusterAuditLogging => ix.cluster_props(i).map(|c| c.audit_logging),
        Control::FlowLogs => ix.vpc_props(i).map(|v| v.flow_logs),
        Control::CloudAuditTrail => ix.account_props(i).map(|a| a.audit_trail),
        Control::LogSink => {
            if kind == Kind::Monitoring {
                return None;
            }
            Some(match ix.account[i] {
                Some(a) => ix.contains(a, Kind::Monitoring),
                None => ix.has_kind(Kind::Monitoring),
            })
        }
        Control::EncryptionAtRest => match props {
            ElementKind::DataStore(d) => Some(d.encrypted),
            _ => None,
        },
        Control::Tls => {
            let flows = ix.in_flows[i].iter().chain(&ix.out_flows[i]);
            Some(all(
                flows.map(|f| ix.flow(*f).encryption != Encryption::None),
            ))
        }
        Control::Authentication => {
            let flows = if kind.class() == DfdClass::ExternalEntity {
                &ix.out_flows[i]
            } else {
                &ix.in_flows[i]
            };
            Some(all(
                flows
                    .iter()
                    .map(|f| ix.flow(*f).authentication != Authentication::None),
            ))
        }
        Control::LeastPrivilege => match props {
            ElementKind::Workload(w) => Some(!w.privileged && !w.host_network),
            _ => None,
        },
        Control::PrivateSubnet => ix.subnet_props(i).map(|s| !s.public),
        Control::Backups => match props {
            ElementKind::DataStore(d) => Some(d.backups),
            _ => None,
        },
        Control::EgressGateway => None,
    }
}

fn flow_state(ix: &Index, c: Control, f: usize) -> Option<bool> {
    let flow = ix.flow(f);
    let (s, t) = ix.flow_ends(f)?;
    match c {
        Control::Tls => Some(flow.encryption != Encryption::None),
        Control::Authentication => Some(flow.authentication != Authentication::None),
        Control::Mtls => Some(flow.encryption == Encryption::Mtls),
        Control::Sidecar => match (ix.props(s), ix.props(t)) {
            (ElementKind::Workload(a), ElementKind::Workload(b)) => Some(a.sidecar && b.sidecar),
            _ => None,
        },
        Control::Waf => ix
            .kind(s)
            .is_untrusted()
            .then(|| ix.kind(t) == Kind::Waf || ix.kind(t) == Kind::VpnGateway),
        Control::TransitVpc => ix
            .kind(s)
            .is_untrusted()
            .then(|| ix.vpc_props(t).is_some_and(|v| v.role == VpcRole::Transit)),
        Control::EgressGateway => ix
            .kind(t)
            .is_untrusted()
            .then(|| matches!(ix.kind(s), Kind::EgressGateway | Kind::VnfFirewall)),
        Control::MeshEgressGateway => {
            let cluster = ix.cluster[s]?;
            (!ix.within(t, cluster)).then(|| is_mesh_egress(ix, s))
        }
        Control::Bastion => Some(matches!(ix.kind(t), Kind::BastionHost | Kind::VpnGateway)),
        Control::ClientVpn => Some(ix.kind(t) == Kind::VpnGateway),
        Control::PrivateLoadBalancer => Some(is_private_lb(ix, s)),
        Control::TransitGateway => {
            let (a, b) = (ix.vpc[s]?, ix.vpc[t]?);
            (a != b).then(|| ix.tgw_attached[a] && ix.tgw_attached[b])
        }
        Control::PrivateEndpoint => match ix.props(t) {
            ElementKind::CloudService(c) => Some(c.endpoint == Endpoint::Private),
            ElementKind::DataStore(d) => Some(!d.public_access),
            _ => None,
        },
        _ => None,
    }
}

pub(crate) fn is_private_lb(ix: &Index, i: usize) -> bool {
    matches!(ix.props(i), ElementKind::LoadBalancer(lb) if !lb.public)
}

pub(crate) fn is_mesh_egress(ix: &Index, i: usize) -> bool {
    matches!(ix.props(i), ElementKind::IstioGateway(g) if g.direction == Direction::Egress)
}

/// An ACL that lets the whole world in on every port, with no deny rule before it.
pub(crate) fn acl_allows_all(acl: &NetworkAcl) -> bool {
    for r in &acl.inbound {
        match r.action {
            AclAction::Deny => return false,
            AclAction::Allow if is_world(&r.cidr) && r.ports.is_all() => return true,
            AclAction::Allow => {}
        }
    }
    acl.inbound.is_empty()
}

/// A security group rule from the world that covers an admin port.
pub(crate) fn sg_open_admin(g: &SecurityGroup) -> bool {
    g.inbound.iter().any(|r| {
        matches!(&r.peer, Peer::Cidr(c) if is_world(c))
            && ADMIN_PORTS.iter().any(|p| r.ports.contains(*p))
    })
}

/// A security group rule from the world on every port.
pub(crate) fn sg_open_all(g: &SecurityGroup) -> bool {
    g.inbound
        .iter()
        .any(|r| matches!(&r.peer, Peer::Cidr(c) if is_world(c)) && r.ports.is_all())
}

/// Every rule covering an admin port names an element (the bastion), not an address range.
pub(crate) fn admin_only_from_elements(g: &SecurityGroup) -> bool {
    g.inbound.iter().all(|r| {
        !ADMIN_PORTS.iter().any(|p| r.ports.contains(*p)) || matches!(r.peer, Peer::Element(_))
    })
}

/// A default route straight to the internet gateway.
pub(crate) fn routes_to_internet(rt: &RouteTable) -> bool {
    rt.routes
        .iter()
        .any(|r| is_world(&r.destination) && r.via == RouteVia::InternetGateway)
}
