//! Service mesh (Istio): sidecars, mTLS between services, authorization policies, the
//! egress gateway for traffic leaving the mesh.

use super::{ctx, d, el, fl, flow_text, Family::Mesh, Hit, Rule};
use crate::controls::{self, Control as C};
use crate::index::Index;
use crate::model::{ElementKind, Encryption, Endpoint, Kind, MtlsMode, Stride::*};

pub(super) const RULES: &[Rule] = &[
    ctx("mesh.workload-without-sidecar", "Workload outside the mesh (no sidecar)", Mesh, Tampering,
        "Without an Envoy sidecar the workload gets no mTLS, no authorization policy and no telemetry: its traffic can be read, altered and goes unaudited.",
        "A workload has `sidecar: false`.",
        &[C::Sidecar], d(7, 6, 5, 6, 5), &["T1557", "T1040"], without_sidecar),
    ctx("mesh.pod-to-pod-without-mtls", "Pod-to-pod traffic without mTLS", Mesh, InformationDisclosure,
        "Service-to-service traffic is not mutually authenticated and encrypted, so anyone on the pod network can read it or impersonate a service.",
        "A flow between two workloads has encryption other than mtls.",
        &[C::Mtls, C::Sidecar], d(7, 6, 5, 6, 5), &["T1557", "T1040"], pod_to_pod_without_mtls),
    ctx("mesh.mtls-not-strict", "Workload accepts plaintext (mTLS not strict)", Mesh, Spoofing,
        "In permissive or disabled mode the workload still accepts plaintext, so callers can skip mTLS and identities cannot be trusted.",
        "A workload with a sidecar has `mtls` permissive or disabled.",
        &[C::Mtls], d(6, 6, 5, 6, 4), &["T1557"], mtls_not_strict),
    ctx("mesh.no-authorization-policy", "Workload without an Istio authorization policy", Mesh, ElevationOfPrivilege,
        "Any service in the mesh may call this workload, so one compromised service can reach all of it.",
        "A workload that receives flows has `authorization_policy: false` or no sidecar to enforce one.",
        &[C::AuthorizationPolicy], d(7, 5, 5, 7, 4), &["T1210"], no_authz),
    ctx("mesh.egress-bypasses-mesh-gateway", "Traffic leaves the mesh without the Istio egress gateway", Mesh, InformationDisclosure,
        "A workload talks to the outside directly instead of through the Istio egress gateway, so external calls are neither restricted nor audited.",
        "A flow from an element inside a cluster (not an Istio egress gateway) targets an untrusted element, an egress gateway or a public cloud service outside the cluster.",
        &[C::MeshEgressGateway], d(7, 5, 5, 6, 4), &["T1041", "T1048"], egress_bypass),
];

fn workloads<'a>(ix: &'a Index) -> impl Iterator<Item = (usize, &'a crate::model::Workload)> + 'a {
    ix.of_kind(Kind::Workload)
        .iter()
        .filter_map(|&i| match ix.props(i) {
            ElementKind::Workload(w) => Some((i, w)),
            _ => None,
        })
}

fn without_sidecar(ix: &Index, out: &mut Vec<Hit>) {
    for (i, w) in workloads(ix) {
        if !w.sidecar {
            el(out, i, format!("{} has no Envoy sidecar", ix.describe(i)));
        }
    }
}

fn pod_to_pod_without_mtls(ix: &Index, out: &mut Vec<Hit>) {
    for f in 0..ix.m.flows.len() {
        let Some((s, t)) = ix.flow_ends(f) else {
            continue;
        };
        if ix.kind(s) == Kind::Workload
            && ix.kind(t) == Kind::Workload
            && ix.flow(f).encryption != Encryption::Mtls
        {
            fl(
                out,
                f,
                format!("{} between two workloads is not mTLS", flow_text(ix, f)),
            );
        }
    }
}

fn mtls_not_strict(ix: &Index, out: &mut Vec<Hit>) {
    for (i, w) in workloads(ix) {
        if w.sidecar && w.mtls != MtlsMode::Strict {
            el(
                out,
                i,
                format!("{} runs mTLS in {:?} mode", ix.describe(i), w.mtls),
            );
        }
    }
}

fn no_authz(ix: &Index, out: &mut Vec<Hit>) {
    for (i, w) in workloads(ix) {
        let enforced = w.sidecar && w.authorization_policy;
        if !ix.in_flows[i].is_empty() && !enforced {
            el(
                out,
                i,
                format!(
                    "{} receives {} flow(s) with no authorization policy",
                    ix.describe(i),
                    ix.in_flows[i].len()
                ),
            );
        }
    }
}

fn egress_bypass(ix: &Index, out: &mut Vec<Hit>) {
    for f in 0..ix.m.flows.len() {
        let Some((s, t)) = ix.flow_ends(f) else {
            continue;
        };
        let Some(cluster) = ix.cluster[s] else {
            continue;
        };
        if ix.within(t, cluster) || controls::is_mesh_egress(ix, s) {
            continue;
        }
        let external = ix.kind(t).is_untrusted()
            || ix.kind(t) == Kind::EgressGateway
            || matches!(ix.props(t), ElementKind::CloudService(c) if c.endpoint == Endpoint::Public);
        if external {
            fl(
                out,
                f,
                format!(
                    "{} leaves {} without the Istio egress gateway",
                    flow_text(ix, f),
                    ix.describe(cluster)
                ),
            );
        }
    }
}
