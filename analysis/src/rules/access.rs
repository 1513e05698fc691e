//! Operator access (bastion behind a client VPN), private service endpoints, and audit:
//! flow logs, the cloud audit trail, a log sink.

use super::{ctx, d, el, fl, flow_text, Family, Hit, Rule};
use crate::controls::{Control as C, ADMIN_PORTS};
use crate::index::Index;
use crate::model::{ElementKind, Endpoint, Kind, Stride::*};

pub(super) const RULES: &[Rule] = &[
    ctx("access.operator-access-not-through-bastion", "Operator access that bypasses the bastion", Family::Access, ElevationOfPrivilege,
        "An operator reaches an internal component directly instead of through the bastion, so the access is neither restricted to the management network nor tracked.",
        "A flow from a user targets anything but a VPN gateway or bastion, and the user is an operator or the flow uses an admin protocol or port.",
        &[C::Bastion], d(8, 5, 5, 7, 4), &["T1133", "T1021"], operator_bypass),
    ctx("access.bastion-reachable-without-vpn", "Bastion reachable without the client VPN", Family::Access, Spoofing,
        "The bastion accepts connections that do not come through the client VPN, so it is exposed to anyone who can reach its network.",
        "A bastion_host has an inbound flow from anything but a VPN gateway.",
        &[C::ClientVpn], d(8, 6, 6, 7, 6), &["T1133", "T1110"], bastion_without_vpn),
    ctx("access.bastion-without-session-recording", "Bastion sessions are not recorded", Family::Access, Repudiation,
        "Operator sessions leave no record, so privileged actions cannot be reviewed or attributed.",
        "A bastion_host has `session_recording: false`.",
        &[C::SessionRecording], d(6, 5, 4, 6, 3), &["T1078"], bastion_without_recording),
    ctx("endpoint.cloud-service-public-endpoint", "Cloud service reached over a public endpoint", Family::Endpoints, InformationDisclosure,
        "The service is consumed over its public endpoint, so traffic and credentials leave the private network and the service accepts calls from anywhere.",
        "A cloud_service has `endpoint: public`.",
        &[C::PrivateEndpoint], d(6, 5, 5, 6, 6), &["T1530", "T1040"], public_cloud_service),
    ctx("endpoint.data-store-public-access", "Data store reachable through a public endpoint", Family::Endpoints, InformationDisclosure,
        "The store answers on a public endpoint: one leaked key or misconfigured policy exposes the data to the internet.",
        "A data_store has `public_access: true`.",
        &[C::PrivateEndpoint], d(9, 7, 6, 9, 8), &["T1530"], public_store),
    ctx("audit.vpc-without-flow-logs", "VPC without flow logs", Family::Audit, Repudiation,
        "Network activity in the VPC is not recorded, so scanning, lateral movement and exfiltration cannot be investigated.",
        "A vpc has `flow_logs: false`.",
        &[C::FlowLogs], d(5, 5, 4, 6, 3), &["T1562.008"], vpc_without_flow_logs),
    ctx("audit.account-without-audit-trail", "Cloud account without an audit trail", Family::Audit, Repudiation,
        "Calls to the cloud API (who created, changed or deleted what) are not recorded.",
        "A cloud_account has `audit_trail: false`.",
        &[C::CloudAuditTrail], d(7, 5, 4, 8, 3), &["T1562.008"], account_without_trail),
    ctx("audit.account-without-log-sink", "No monitoring or log sink in the account", Family::Audit, Repudiation,
        "Logs are not collected centrally, so they can be altered on the hosts that produced them and nobody watches them.",
        "A cloud_account contains no monitoring element.",
        &[C::LogSink], d(6, 5, 4, 7, 3), &["T1562", "T1070"], account_without_sink),
];

fn is_admin(protocol: &str, port: Option<u16>) -> bool {
    let p = protocol.to_ascii_lowercase();
    matches!(
        p.as_str(),
        "ssh" | "rdp" | "winrm" | "kubectl" | "kubernetes-api"
    ) || port.is_some_and(|p| ADMIN_PORTS.contains(&p))
}

fn operator_bypass(ix: &Index, out: &mut Vec<Hit>) {
    for &u in ix.of_kind(Kind::User) {
        let ElementKind::User(user) = ix.props(u) else {
            continue;
        };
        for &f in &ix.out_flows[u] {
            let Some((_, t)) = ix.flow_ends(f) else {
                continue;
            };
            let flow = ix.flow(f);
            if matches!(ix.kind(t), Kind::VpnGateway | Kind::BastionHost) {
                continue;
            }
            if user.operator || is_admin(&flow.protocol, flow.port) {
                fl(
                    out,
                    f,
                    format!(
                        "{} gives {} direct access to {}",
                        flow_text(ix, f),
                        ix.describe(u),
                        ix.describe(t)
                    ),
                );
            }
        }
    }
}

fn bastion_without_vpn(ix: &Index, out: &mut Vec<Hit>) {
    for &b in ix.of_kind(Kind::BastionHost) {
        for &f in &ix.in_flows[b] {
            let Some((s, _)) = ix.flow_ends(f) else {
                continue;
            };
            if ix.kind(s) != Kind::VpnGateway {
                el(
                    out,
                    b,
                    format!(
                        "{} is reached from {} by {}",
                        ix.describe(b),
                        ix.describe(s),
                        flow_text(ix, f)
                    ),
                );
                break;
            }
        }
    }
}

fn bastion_without_recording(ix: &Index, out: &mut Vec<Hit>) {
    for &b in ix.of_kind(Kind::BastionHost) {
        if let ElementKind::BastionHost(h) = ix.props(b) {
            if !h.session_recording {
                el(
                    out,
                    b,
                    format!("{} does not record sessions", ix.describe(b)),
                );
            }
        }
    }
}

fn public_cloud_service(ix: &Index, out: &mut Vec<Hit>) {
    for &i in ix.of_kind(Kind::CloudService) {
        if let ElementKind::CloudService(c) = ix.props(i) {
            if c.endpoint == Endpoint::Public {
                el(
                    out,
                    i,
                    format!("{} is consumed over a public endpoint", ix.describe(i)),
                );
            }
        }
    }
}

fn public_store(ix: &Index, out: &mut Vec<Hit>) {
    for &i in ix.of_kind(Kind::DataStore) {
        if let ElementKind::DataStore(s) = ix.props(i) {
            if s.public_access {
                el(out, i, format!("{} allows public access", ix.describe(i)));
            }
        }
    }
}

fn vpc_without_flow_logs(ix: &Index, out: &mut Vec<Hit>) {
    for &i in ix.of_kind(Kind::Vpc) {
        if let ElementKind::Vpc(v) = ix.props(i) {
            if !v.flow_logs {
                el(out, i, format!("{} records no flow logs", ix.describe(i)));
            }
        }
    }
}

fn account_without_trail(ix: &Index, out: &mut Vec<Hit>) {
    for &i in ix.of_kind(Kind::CloudAccount) {
        if let ElementKind::CloudAccount(a) = ix.props(i) {
            if !a.audit_trail {
                el(out, i, format!("{} has no audit trail", ix.describe(i)));
            }
        }
    }
}

fn account_without_sink(ix: &Index, out: &mut Vec<Hit>) {
    for &i in ix.of_kind(Kind::CloudAccount) {
        if !ix.contains(i, Kind::Monitoring) {
            el(
                out,
                i,
                format!("{} contains no monitoring or log sink", ix.describe(i)),
            );
        }
    }
}
