//! Perimeter: the transit VPC as the single way in and out, WAF, virtual firewalls, public
//! load balancer, egress gateways.

use super::{ctx, d, el, fl, flow_text, Family::Perimeter, Hit, Rule};
use crate::controls::Control as C;
use crate::index::Index;
use crate::model::{DfdClass, ElementKind, Kind, Stride::*, VpcRole, WafMode};

pub(super) const RULES: &[Rule] = &[
    ctx("perimeter.ingress-bypasses-waf", "Public ingress bypasses the WAF", Perimeter, Tampering,
        "Traffic from the internet reaches a component without passing a web application firewall, so injection, XSS and volumetric attacks meet the application directly.",
        "A flow from an internet or external-actor element targets anything but a WAF or a VPN gateway.",
        &[C::Waf], d(8, 7, 6, 8, 7), &["T1190", "T1498"], ingress_bypasses_waf),
    ctx("perimeter.ingress-bypasses-transit-vpc", "Public ingress bypasses the transit VPC", Perimeter, Tampering,
        "Traffic from outside enters somewhere other than the transit VPC, escaping the central inspection, logging and rule management of the hub.",
        "A flow from an internet or external-actor element targets an element that is not inside a transit VPC.",
        &[C::TransitVpc], d(8, 6, 6, 7, 6), &["T1190", "T1133"], ingress_bypasses_transit),
    ctx("perimeter.workload-vpc-internet-gateway", "Workload VPC has its own internet gateway", Perimeter, InformationDisclosure,
        "A workload VPC with its own internet gateway is a second, uninspected way in and out: data can leave and attackers can enter without passing the transit VPC.",
        "A vpc whose role is not transit has `internet_gateway: true`.",
        &[C::TransitVpc], d(8, 6, 6, 8, 6), &["T1048", "T1133"], workload_vpc_igw),
    ctx("perimeter.transit-without-firewall", "Transit VPC without virtual network firewalls", Perimeter, Tampering,
        "The hub forwards traffic without VNF firewalls, so there is no consistent, centrally managed inspection between the internet and the workloads.",
        "A transit vpc contains no vnf_firewall.",
        &[C::VnfFirewall], d(7, 6, 5, 8, 5), &["T1190", "T1599"], transit_without_vnf),
    ctx("perimeter.waf-not-blocking", "WAF only detects, or lacks managed rules", Perimeter, Tampering,
        "A WAF in detect mode, or without managed rule sets, reports known attack patterns (SQL injection, XSS) but lets them through.",
        "A waf has `mode: detect` or `managed_rules: false`.",
        &[C::Waf], d(7, 7, 6, 7, 6), &["T1190"], waf_not_blocking),
    ctx("perimeter.public-lb-not-highly-available", "Public load balancer is not highly available", Perimeter, DenialOfService,
        "The single public entry point lives in one availability zone: losing that zone, or flooding it, takes the whole service offline.",
        "A public load_balancer has `highly_available: false`.",
        &[C::HaLoadBalancer], d(6, 5, 4, 9, 5), &["T1498"], public_lb_not_ha),
    ctx("perimeter.public-lb-without-waf", "Public load balancer is not fronted by a WAF", Perimeter, Tampering,
        "The public load balancer takes traffic that did not pass the WAF, so application attacks reach the services behind it.",
        "A public load_balancer receives a flow straight from an untrusted element, or no flow from a WAF.",
        &[C::Waf], d(8, 7, 6, 8, 7), &["T1190"], public_lb_without_waf),
    ctx("perimeter.egress-bypasses-egress-gateway", "Internet egress bypasses the egress gateway", Perimeter, InformationDisclosure,
        "A component talks to the internet directly instead of through the transit VPC's egress gateway, so exfiltration and command-and-control traffic escape inspection.",
        "A flow to an internet or external-actor element starts at anything but an egress gateway or VNF firewall.",
        &[C::EgressGateway], d(8, 6, 6, 7, 5), &["T1041", "T1048"], egress_bypass),
];

fn untrusted_source(ix: &Index, f: usize) -> Option<(usize, usize)> {
    ix.flow_ends(f).filter(|(s, _)| ix.kind(*s).is_untrusted())
}

fn ingress_bypasses_waf(ix: &Index, out: &mut Vec<Hit>) {
    for f in 0..ix.m.flows.len() {
        if let Some((_, t)) = untrusted_source(ix, f) {
            if !matches!(ix.kind(t), Kind::Waf | Kind::VpnGateway) {
                fl(
                    out,
                    f,
                    format!(
                        "{} enters at {} without a WAF",
                        flow_text(ix, f),
                        ix.describe(t)
                    ),
                );
            }
        }
    }
}

fn ingress_bypasses_transit(ix: &Index, out: &mut Vec<Hit>) {
    for f in 0..ix.m.flows.len() {
        if let Some((_, t)) = untrusted_source(ix, f) {
            if !ix.vpc_props(t).is_some_and(|v| v.role == VpcRole::Transit) {
                fl(
                    out,
                    f,
                    format!(
                        "{} enters at {}, outside any transit VPC",
                        flow_text(ix, f),
                        ix.describe(t)
                    ),
                );
            }
        }
    }
}

fn workload_vpc_igw(ix: &Index, out: &mut Vec<Hit>) {
    for &i in ix.of_kind(Kind::Vpc) {
        if let ElementKind::Vpc(v) = ix.props(i) {
            if v.role != VpcRole::Transit && v.internet_gateway {
                el(
                    out,
                    i,
                    format!(
                        "{} is not the transit VPC but has an internet gateway",
                        ix.describe(i)
                    ),
                );
            }
        }
    }
}

fn transit_without_vnf(ix: &Index, out: &mut Vec<Hit>) {
    for &i in ix.of_kind(Kind::Vpc) {
        if let ElementKind::Vpc(v) = ix.props(i) {
            if v.role == VpcRole::Transit && !ix.contains(i, Kind::VnfFirewall) {
                el(
                    out,
                    i,
                    format!("transit {} contains no VNF firewall", ix.describe(i)),
                );
            }
        }
    }
}

fn waf_not_blocking(ix: &Index, out: &mut Vec<Hit>) {
    for &i in ix.of_kind(Kind::Waf) {
        if let ElementKind::Waf(w) = ix.props(i) {
            if w.mode != WafMode::Block {
                el(out, i, format!("{} is in detect mode", ix.describe(i)));
            } else if !w.managed_rules {
                el(
                    out,
                    i,
                    format!("{} has no managed rule sets", ix.describe(i)),
                );
            }
        }
    }
}

fn public_lb_not_ha(ix: &Index, out: &mut Vec<Hit>) {
    for &i in ix.of_kind(Kind::LoadBalancer) {
        if let ElementKind::LoadBalancer(lb) = ix.props(i) {
            if lb.public && !lb.highly_available {
                el(
                    out,
                    i,
                    format!(
                        "public {} runs in a single availability zone",
                        ix.describe(i)
                    ),
                );
            }
        }
    }
}

fn public_lb_without_waf(ix: &Index, out: &mut Vec<Hit>) {
    for &i in ix.of_kind(Kind::LoadBalancer) {
        let ElementKind::LoadBalancer(lb) = ix.props(i) else {
            continue;
        };
        if !lb.public {
            continue;
        }
        let sources = ix.in_flows[i]
            .iter()
            .filter_map(|f| ix.flow_ends(*f).map(|(s, _)| s));
        let (mut from_waf, mut direct) = (false, None);
        for s in sources {
            if ix.kind(s) == Kind::Waf {
                from_waf = true;
            } else if ix.kind(s).is_untrusted() && direct.is_none() {
                direct = Some(s);
            }
        }
        if let Some(s) = direct {
            el(
                out,
                i,
                format!(
                    "public {} takes traffic straight from {}",
                    ix.describe(i),
                    ix.describe(s)
                ),
            );
        } else if !from_waf {
            el(
                out,
                i,
                format!("public {} receives no traffic from a WAF", ix.describe(i)),
            );
        }
    }
}

fn egress_bypass(ix: &Index, out: &mut Vec<Hit>) {
    for f in 0..ix.m.flows.len() {
        let Some((s, t)) = ix.flow_ends(f) else {
            continue;
        };
        if ix.kind(t).is_untrusted()
            && ix.kind(s).class() != DfdClass::ExternalEntity
            && !matches!(ix.kind(s), Kind::EgressGateway | Kind::VnfFirewall)
        {
            fl(
                out,
                f,
                format!(
                    "{} leaves from {} without an egress gateway",
                    flow_text(ix, f),
                    ix.describe(s)
                ),
            );
        }
    }
}
