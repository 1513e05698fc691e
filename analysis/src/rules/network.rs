//! Network segmentation and load balancing: subnets, ACLs, security groups, routing,
//! transit gateways versus peering meshes, private load balancers.

use super::{ctx, d, el, fl, flow_text, Family::LoadBalancing, Family::Network, Hit, Rule};
use crate::controls::{self, Control as C};
use crate::index::Index;
use crate::model::{ElementKind, Kind, ServiceType, StoreKind, Stride::*, VpcRole};

pub(super) const RULES: &[Rule] = &[
    ctx("network.subnet-without-acl", "Subnet without a network ACL", Network, InformationDisclosure,
        "Nothing stateless guards the subnet boundary, so a single security-group mistake exposes everything in it and lateral movement between subnets is unchecked.",
        "A subnet has no `acl`.",
        &[C::NetworkAcl], d(7, 6, 5, 7, 5), &["T1599", "T1046"], subnet_without_acl),
    ctx("network.acl-allows-all", "Network ACL allows all inbound traffic", Network, InformationDisclosure,
        "The subnet's ACL lets every address in on every port before any deny rule, so it adds no protection.",
        "The subnet's network_acl has an allow from 0.0.0.0/0 on all ports before any deny (or no inbound rules).",
        &[C::NetworkAcl], d(7, 6, 5, 7, 5), &["T1599"], acl_allows_all),
    ctx("network.sg-admin-port-open-to-world", "Security group opens an admin port to the world", Network, ElevationOfPrivilege,
        "An administrative port (SSH, RDP, WinRM, Kubernetes API, etcd, kubelet) accepts connections from the whole internet, inviting brute force and exploitation.",
        "A security_group has an inbound rule from 0.0.0.0/0 or ::/0 covering an admin port.",
        &[C::SecurityGroup, C::Bastion], d(9, 8, 7, 8, 9), &["T1133", "T1110", "T1021.004"], sg_admin_open),
    ctx("network.sg-open-to-world-on-all-ports", "Security group open to the world on every port", Network, InformationDisclosure,
        "Every port of the members is reachable from anywhere: the security group is not a layer of defence at all.",
        "A security_group has an inbound rule from 0.0.0.0/0 or ::/0 on ports 0-65535.",
        &[C::SecurityGroup], d(8, 8, 7, 8, 9), &["T1046", "T1190"], sg_open_all),
    ctx("network.instance-without-security-group", "Instance without a security group", Network, ElevationOfPrivilege,
        "The instance has no per-instance allow list, so anything that reaches its subnet reaches every port.",
        "A bastion, load balancer, VNF firewall, cluster (nodes), managed database or cache has no security group.",
        &[C::SecurityGroup], d(7, 6, 6, 6, 5), &["T1021", "T1046"], instance_without_sg),
    ctx("network.admin-port-not-from-bastion", "Admin port open to an address range instead of the bastion", Network, ElevationOfPrivilege,
        "Administrative access is allowed from an address range rather than only from the bastion, so operators (or attackers) can bypass the bastion's tracking and controls.",
        "A security_group rule covering an admin port has a CIDR peer (other than the whole world, which a separate rule reports).",
        &[C::Bastion], d(7, 5, 5, 6, 4), &["T1021.004", "T1133"], admin_not_from_bastion),
    ctx("network.peering-mesh", "VPC peering mesh where a transit gateway belongs", Network, InformationDisclosure,
        "A VPC peers with several others: the mesh grows hard to reason about, routes leak reachability between VPCs, and traffic escapes central inspection.",
        "A vpc takes part in two or more vpc_peering elements.",
        &[C::TransitGateway], d(6, 4, 4, 6, 4), &["T1599"], peering_mesh),
    ctx("network.private-subnet-routes-to-internet", "Private subnet routes straight to the internet", Network, InformationDisclosure,
        "A private subnet's default route goes to the internet gateway, so its workloads reach (and can be reached from) the internet without the transit VPC.",
        "A subnet with `public: false` has a route table with 0.0.0.0/0 via the internet gateway.",
        &[C::RoutingRules, C::TransitVpc], d(8, 6, 6, 7, 5), &["T1048", "T1041"], private_routes_out),
    ctx("network.public-subnet-in-workload-vpc", "Public subnet in a workload VPC", Network, InformationDisclosure,
        "Workload VPCs should expose subnets only to the cloud's private network; a public subnet there is an entry point outside the transit VPC.",
        "A subnet with `public: true` sits in a vpc whose role is not transit.",
        &[C::PrivateSubnet, C::TransitVpc], d(7, 6, 5, 7, 6), &["T1190"], public_subnet_in_workload),
    ctx("network.cross-vpc-flow-without-transit", "Flow between VPCs without a transit gateway or peering", Network, InformationDisclosure,
        "Two VPCs exchange data with no transit gateway (or peering) between them in the model, so the traffic takes an unmodelled, probably public, route.",
        "A flow joins elements of two VPCs that are not both attached to a transit gateway and not peered.",
        &[C::TransitGateway], d(6, 5, 4, 6, 4), &["T1599", "T1040"], cross_vpc_flow),
    ctx("lb.public-lb-outside-transit-vpc", "Public load balancer in front of an internal service", LoadBalancing, InformationDisclosure,
        "A public load balancer sits in a workload VPC, putting internal services directly on the internet instead of behind the transit VPC and a private load balancer.",
        "A load_balancer with `public: true` is not inside a transit vpc.",
        &[C::PrivateLoadBalancer, C::TransitVpc], d(8, 7, 6, 8, 7), &["T1190"], public_lb_outside_transit),
    ctx("lb.cluster-entry-not-via-private-lb", "Cluster reached other than through a private load balancer", LoadBalancing, ElevationOfPrivilege,
        "Traffic enters the cluster's services without passing a private load balancer, the only intended way in, so its controls and logging are skipped.",
        "A flow from outside a cluster targets an element inside it (not the API server) and does not come from a private load_balancer.",
        &[C::PrivateLoadBalancer], d(7, 5, 5, 7, 5), &["T1190", "T1133"], cluster_entry_not_via_lb),
    ctx("lb.service-exposed-outside-private-lb", "Kubernetes service exposed as NodePort or LoadBalancer", LoadBalancing, InformationDisclosure,
        "A NodePort or LoadBalancer service opens the workload on the nodes or a cloud load balancer of its own, bypassing the private load balancer and ingress path.",
        "A kubernetes_service has `service_type` node_port or load_balancer.",
        &[C::PrivateLoadBalancer], d(6, 6, 5, 6, 6), &["T1133", "T1046"], service_exposed),
];

fn subnets<'a>(ix: &'a Index) -> impl Iterator<Item = usize> + 'a {
    ix.of_kind(Kind::Subnet).iter().copied()
}

fn subnet_without_acl(ix: &Index, out: &mut Vec<Hit>) {
    for i in subnets(ix) {
        if let ElementKind::Subnet(s) = ix.props(i) {
            if s.acl.is_none() {
                el(out, i, format!("{} has no network ACL", ix.describe(i)));
            }
        }
    }
}

fn acl_allows_all(ix: &Index, out: &mut Vec<Hit>) {
    for i in subnets(ix) {
        if let Some((a, acl)) = ix.acl(i) {
            if controls::acl_allows_all(acl) {
                el(
                    out,
                    i,
                    format!(
                        "{} uses {}, which allows all inbound traffic",
                        ix.describe(i),
                        ix.describe(a)
                    ),
                );
            }
        }
    }
}

fn security_groups<'a>(
    ix: &'a Index,
) -> impl Iterator<Item = (usize, &'a crate::model::SecurityGroup)> + 'a {
    ix.of_kind(Kind::SecurityGroup)
        .iter()
        .filter_map(|&i| match ix.props(i) {
            ElementKind::SecurityGroup(g) => Some((i, g)),
            _ => None,
        })
}

fn sg_admin_open(ix: &Index, out: &mut Vec<Hit>) {
    for (i, g) in security_groups(ix) {
        if controls::sg_open_admin(g) {
            el(
                out,
                i,
                format!(
                    "{} allows an admin port from the whole internet",
                    ix.describe(i)
                ),
            );
        }
    }
}

fn sg_open_all(ix: &Index, out: &mut Vec<Hit>) {
    for (i, g) in security_groups(ix) {
        if controls::sg_open_all(g) {
            el(
                out,
                i,
                format!(
                    "{} allows every port from the whole internet",
                    ix.describe(i)
                ),
            );
        }
    }
}

fn instance_without_sg(ix: &Index, out: &mut Vec<Hit>) {
    for i in 0..ix.len() {
        let needs = match ix.props(i) {
            ElementKind::BastionHost(_)
            | ElementKind::LoadBalancer(_)
            | ElementKind::VnfFirewall(_)
            | ElementKind::KubernetesCluster(_) => true,
            ElementKind::DataStore(d) => d.store != StoreKind::ObjectStorage,
            _ => false,
        };
        if needs && ix.security_groups[i].is_empty() {
            el(out, i, format!("{} has no security group", ix.describe(i)));
        }
    }
}

fn admin_not_from_bastion(ix: &Index, out: &mut Vec<Hit>) {
    for (i, g) in security_groups(ix) {
        if !controls::sg_open_admin(g) && !controls::admin_only_from_elements(g) {
            el(
                out,
                i,
                format!(
                    "{} allows an admin port from an address range rather than the bastion",
                    ix.describe(i)
                ),
            );
        }
    }
}

fn peering_mesh(ix: &Index, out: &mut Vec<Hit>) {
    for &i in ix.of_kind(Kind::Vpc) {
        let peerings = &ix.peerings[i];
        if peerings.len() >= 2 {
            let names: Vec<&str> = peerings.iter().map(|p| ix.id(*p)).collect();
            el(
                out,
                i,
                format!(
                    "{} takes part in {} peerings ({})",
                    ix.describe(i),
                    peerings.len(),
                    names.join(", ")
                ),
            );
        }
    }
}

fn private_routes_out(ix: &Index, out: &mut Vec<Hit>) {
    for i in subnets(ix) {
        let ElementKind::Subnet(s) = ix.props(i) else {
            continue;
        };
        if s.public {
            continue;
        }
        if let Some((rt, table)) = ix.route_table(i) {
            if controls::routes_to_internet(table) {
                el(
                    out,
                    i,
                    format!(
                        "private {} uses {}, whose default route goes to the internet gateway",
                        ix.describe(i),
                        ix.describe(rt)
                    ),
                );
            }
        }
    }
}

fn public_subnet_in_workload(ix: &Index, out: &mut Vec<Hit>) {
    for i in subnets(ix) {
        let ElementKind::Subnet(s) = ix.props(i) else {
            continue;
        };
        if s.public && ix.vpc_props(i).is_some_and(|v| v.role != VpcRole::Transit) {
            let vpc = ix.vpc[i].map(|v| ix.describe(v)).unwrap_or_default();
            el(
                out,
                i,
                format!(
                    "public {} is in {}, which is not the transit VPC",
                    ix.describe(i),
                    vpc
                ),
            );
        }
    }
}

fn peered(ix: &Index, a: usize, b: usize) -> bool {
    ix.peerings[a].iter().any(|p| ix.peerings[b].contains(p))
}

fn cross_vpc_flow(ix: &Index, out: &mut Vec<Hit>) {
    for f in 0..ix.m.flows.len() {
        let Some((s, t)) = ix.flow_ends(f) else {
            continue;
        };
        let (Some(a), Some(b)) = (ix.vpc[s], ix.vpc[t]) else {
            continue;
        };
        if a != b && !(ix.tgw_attached[a] && ix.tgw_attached[b]) && !peered(ix, a, b) {
            fl(
                out,
                f,
                format!(
                    "{} joins {} and {} with no transit gateway or peering between them",
                    flow_text(ix, f),
                    ix.describe(a),
                    ix.describe(b)
                ),
            );
        }
    }
}

fn public_lb_outside_transit(ix: &Index, out: &mut Vec<Hit>) {
    for &i in ix.of_kind(Kind::LoadBalancer) {
        let ElementKind::LoadBalancer(lb) = ix.props(i) else {
            continue;
        };
        if lb.public && !ix.vpc_props(i).is_some_and(|v| v.role == VpcRole::Transit) {
            el(
                out,
                i,
                format!("public {} is not in the transit VPC", ix.describe(i)),
            );
        }
    }
}

fn cluster_entry_not_via_lb(ix: &Index, out: &mut Vec<Hit>) {
    for f in 0..ix.m.flows.len() {
        let Some((s, t)) = ix.flow_ends(f) else {
            continue;
        };
        let Some(cluster) = ix.cluster[t] else {
            continue;
        };
        if cluster == t || ix.within(s, cluster) || controls::is_private_lb(ix, s) {
            continue;
        }
        fl(
            out,
            f,
            format!(
                "{} enters {} from {}, not from a private load balancer",
                flow_text(ix, f),
                ix.describe(cluster),
                ix.describe(s)
            ),
        );
    }
}

fn service_exposed(ix: &Index, out: &mut Vec<Hit>) {
    for &i in ix.of_kind(Kind::KubernetesService) {
        if let ElementKind::KubernetesService(s) = ix.props(i) {
            if s.service_type != ServiceType::ClusterIp {
                el(
                    out,
                    i,
                    format!("{} is exposed as {:?}", ix.describe(i), s.service_type),
                );
            }
        }
    }
}
