//! Kubernetes: network policies at cluster and namespace level, the CNI that enforces them,
//! audit logging, the API endpoint, workload privileges, ingress TLS.

use super::{ctx, d, el, Family::Kubernetes, Hit, Rule};
use crate::controls::Control as C;
use crate::index::Index;
use crate::model::{ElementKind, Kind, KubernetesCluster, PolicyMode, Stride::*};

pub(super) const RULES: &[Rule] = &[
    ctx("k8s.namespace-without-default-deny", "Namespace without a default-deny network policy", Kubernetes, ElevationOfPrivilege,
        "Every pod can talk to every pod in and out of the namespace, so one compromised workload can move laterally across the cluster.",
        "A namespace has `network_policy` none or allow_listed.",
        &[C::NamespaceNetworkPolicy], d(7, 6, 6, 7, 5), &["T1210", "TA0008"], namespace_without_deny),
    ctx("k8s.no-cluster-wide-policy", "No cluster-wide network policy", Kubernetes, ElevationOfPrivilege,
        "Without a cluster-wide baseline, every new namespace starts wide open until someone remembers its policy.",
        "A kubernetes_cluster has `cluster_policy: false`.",
        &[C::ClusterNetworkPolicy], d(6, 5, 5, 7, 4), &["T1210"], no_cluster_policy),
    ctx("k8s.cni-does-not-enforce-policies", "CNI does not enforce network policies", Kubernetes, ElevationOfPrivilege,
        "The cluster's network plugin ignores NetworkPolicy objects, so every policy in the model is decoration.",
        "A kubernetes_cluster has `cni: non_enforcing`.",
        &[C::PolicyCni], d(7, 6, 6, 8, 4), &["T1210"], cni_not_enforcing),
    ctx("k8s.no-audit-logging", "Kubernetes API audit logging is off", Kubernetes, Repudiation,
        "Changes made through the Kubernetes API (secrets read, roles bound, pods exec'd) leave no trace.",
        "A kubernetes_cluster has `audit_logging: false`.",
        &[C::ClusterAuditLogging], d(6, 5, 5, 7, 4), &["T1562.008"], no_audit_logging),
    ctx("k8s.public-api-endpoint", "Kubernetes API server has a public endpoint", Kubernetes, ElevationOfPrivilege,
        "The control plane of the cluster is reachable from the internet: any credential leak or API vulnerability is directly exploitable.",
        "A kubernetes_cluster has `public_api: true`.",
        &[C::PrivateEndpoint, C::Bastion], d(9, 6, 6, 9, 8), &["T1133", "T1078"], public_api),
    ctx("k8s.privileged-workload", "Workload runs privileged", Kubernetes, ElevationOfPrivilege,
        "A privileged container can escape to its node and from there reach every pod and secret on it.",
        "A workload has `privileged: true`.",
        &[C::LeastPrivilege], d(9, 5, 5, 8, 4), &["T1611", "T1610"], privileged),
    ctx("k8s.host-network-workload", "Workload uses the host network", Kubernetes, ElevationOfPrivilege,
        "A pod on the host network bypasses network policies and the mesh and can reach node-local services.",
        "A workload has `host_network: true`.",
        &[C::LeastPrivilege], d(7, 5, 5, 7, 4), &["T1611"], host_network),
    ctx("k8s.ingress-without-tls", "Ingress without TLS", Kubernetes, InformationDisclosure,
        "The ingress serves plain HTTP, so credentials and data cross the network readable and modifiable.",
        "An ingress has `tls: false`.",
        &[C::Tls], d(7, 6, 5, 7, 6), &["T1040", "T1557"], ingress_without_tls),
    ctx("k8s.workload-outside-namespace", "Workload not placed in a namespace", Kubernetes, ElevationOfPrivilege,
        "A workload outside any namespace gets no namespace policy, quota or RBAC scoping.",
        "A workload has no namespace among its parents.",
        &[C::NamespaceNetworkPolicy], d(5, 5, 4, 5, 3), &["T1210"], workload_outside_namespace),
];

fn clusters<'a>(ix: &'a Index) -> impl Iterator<Item = (usize, &'a KubernetesCluster)> + 'a {
    ix.of_kind(Kind::KubernetesCluster)
        .iter()
        .filter_map(|&i| match ix.props(i) {
            ElementKind::KubernetesCluster(c) => Some((i, c)),
            _ => None,
        })
}

fn namespace_without_deny(ix: &Index, out: &mut Vec<Hit>) {
    for &i in ix.of_kind(Kind::Namespace) {
        if let ElementKind::Namespace(n) = ix.props(i) {
            if n.network_policy != PolicyMode::DefaultDeny {
                el(
                    out,
                    i,
                    format!("{} has no default-deny network policy", ix.describe(i)),
                );
            }
        }
    }
}

fn no_cluster_policy(ix: &Index, out: &mut Vec<Hit>) {
    for (i, c) in clusters(ix) {
        if !c.cluster_policy {
            el(
                out,
                i,
                format!("{} has no cluster-wide network policy", ix.describe(i)),
            );
        }
    }
}

fn cni_not_enforcing(ix: &Index, out: &mut Vec<Hit>) {
    for (i, c) in clusters(ix) {
        if !c.cni.enforces_policies() {
            el(
                out,
                i,
                format!(
                    "{} runs a CNI that does not enforce network policies",
                    ix.describe(i)
                ),
            );
        }
    }
}

fn no_audit_logging(ix: &Index, out: &mut Vec<Hit>) {
    for (i, c) in clusters(ix) {
        if !c.audit_logging {
            el(
                out,
                i,
                format!("{} has API audit logging off", ix.describe(i)),
            );
        }
    }
}

fn public_api(ix: &Index, out: &mut Vec<Hit>) {
    for (i, c) in clusters(ix) {
        if c.public_api {
            el(
                out,
                i,
                format!("{} exposes its API server publicly", ix.describe(i)),
            );
        }
    }
}

fn privileged(ix: &Index, out: &mut Vec<Hit>) {
    for &i in ix.of_kind(Kind::Workload) {
        if let ElementKind::Workload(w) = ix.props(i) {
            if w.privileged {
                el(out, i, format!("{} runs privileged", ix.describe(i)));
            }
        }
    }
}

fn host_network(ix: &Index, out: &mut Vec<Hit>) {
    for &i in ix.of_kind(Kind::Workload) {
        if let ElementKind::Workload(w) = ix.props(i) {
            if w.host_network {
                el(out, i, format!("{} uses the host network", ix.describe(i)));
            }
        }
    }
}

fn ingress_without_tls(ix: &Index, out: &mut Vec<Hit>) {
    for &i in ix.of_kind(Kind::Ingress) {
        if let ElementKind::Ingress(g) = ix.props(i) {
            if !g.tls {
                el(out, i, format!("{} does not terminate TLS", ix.describe(i)));
            }
        }
    }
}

fn workload_outside_namespace(ix: &Index, out: &mut Vec<Hit>) {
    for &i in ix.of_kind(Kind::Workload) {
        if ix.namespace[i].is_none() {
            el(out, i, format!("{} is in no namespace", ix.describe(i)));
        }
    }
}
