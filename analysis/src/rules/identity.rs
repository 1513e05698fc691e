//! Identity: cloud IAM, MFA for people, Kubernetes RBAC tied to IAM.

use super::{ctx, d, el, Family::Identity, Hit, Rule};
use crate::controls::Control as C;
use crate::index::Index;
use crate::model::{ElementKind, Kind, Stride::*};

pub(super) const RULES: &[Rule] = &[
    ctx("identity.user-without-mfa", "Person signs in without MFA", Identity, Spoofing,
        "A stolen or guessed password is enough to act as this person. Phishing and credential stuffing make that likely for anyone with access to the platform.",
        "A user element has `mfa: false`.",
        &[C::Mfa], d(8, 6, 6, 6, 5), &["T1078", "T1110"], user_without_mfa),
    ctx("identity.iam-mfa-not-enforced", "Cloud IAM does not enforce MFA", Identity, Spoofing,
        "Cloud IAM lets people sign in with a password alone, so one leaked credential opens the cloud control plane.",
        "An iam element has `mfa_enforced: false`.",
        &[C::Mfa], d(9, 6, 6, 8, 5), &["T1078.004", "T1110"], iam_without_mfa),
    ctx("identity.rbac-not-tied-to-iam", "Kubernetes RBAC is not tied to cloud IAM", Identity, ElevationOfPrivilege,
        "Cluster access is managed apart from cloud IAM (static tokens, shared kubeconfigs), so leavers keep access and rights drift out of review.",
        "A kubernetes_cluster has `rbac_iam: false`.",
        &[C::RbacIam], d(8, 5, 5, 7, 4), &["T1078.004", "T1098"], rbac_not_iam),
    ctx("identity.account-without-iam", "Cloud account without IAM", Identity, ElevationOfPrivilege,
        "Nothing in the model governs who may act on the account's compute, storage and network services.",
        "A cloud_account contains no iam element.",
        &[C::Iam], d(9, 5, 5, 8, 4), &["T1078.004"], account_without_iam),
];

fn user_without_mfa(ix: &Index, out: &mut Vec<Hit>) {
    for &i in ix.of_kind(Kind::User) {
        if let ElementKind::User(u) = ix.props(i) {
            if !u.mfa {
                el(
                    out,
                    i,
                    format!("{} signs in without a second factor", ix.describe(i)),
                );
            }
        }
    }
}

fn iam_without_mfa(ix: &Index, out: &mut Vec<Hit>) {
    for &i in ix.of_kind(Kind::Iam) {
        if let ElementKind::Iam(iam) = ix.props(i) {
            if !iam.mfa_enforced {
                el(out, i, format!("{} does not enforce MFA", ix.describe(i)));
            }
        }
    }
}

fn rbac_not_iam(ix: &Index, out: &mut Vec<Hit>) {
    for &i in ix.of_kind(Kind::KubernetesCluster) {
        if let ElementKind::KubernetesCluster(c) = ix.props(i) {
            if !c.rbac_iam {
                el(
                    out,
                    i,
                    format!("{} manages RBAC apart from cloud IAM", ix.describe(i)),
                );
            }
        }
    }
}

fn account_without_iam(ix: &Index, out: &mut Vec<Hit>) {
    for &i in ix.of_kind(Kind::CloudAccount) {
        if !ix.contains(i, Kind::Iam) {
            el(
                out,
                i,
                format!("{} contains no iam element", ix.describe(i)),
            );
        }
    }
}
