//! Data at rest and in transit: store encryption, backups and placement; flows that cross
//! trust boundaries without TLS or authentication; sensitive data in the clear.

use super::{ctx, d, el, fl, flow_text, Family, Hit, Rule};
use crate::controls::Control as C;
use crate::index::Index;
use crate::model::{
    Authentication, Classification, DfdClass, ElementKind, Encryption, Kind, Stride::*,
};

pub(super) const RULES: &[Rule] = &[
    ctx("data.unencrypted-store", "Data store is not encrypted at rest", Family::Data, InformationDisclosure,
        "Snapshots, backups, disks or a misrouted bucket policy expose the data in readable form.",
        "A data_store has `encrypted: false`.",
        &[C::EncryptionAtRest], d(8, 5, 4, 8, 4), &["T1530"], unencrypted_store),
    ctx("data.store-without-backups", "Data store without backups", Family::Data, DenialOfService,
        "Deletion, corruption or ransomware destroys the data for good.",
        "A data_store has `backups: false`.",
        &[C::Backups], d(8, 4, 4, 8, 3), &["T1485", "T1486"], store_without_backups),
    ctx("data.store-in-public-subnet", "Data store in a public subnet", Family::Data, InformationDisclosure,
        "The store sits in a subnet routable from the internet, one security-group slip away from exposure.",
        "A data_store is inside a subnet with `public: true`.",
        &[C::PrivateSubnet], d(8, 6, 5, 8, 6), &["T1530", "T1190"], store_in_public_subnet),
    ctx("flow.boundary-crossing-without-tls", "Flow crosses a trust boundary unencrypted", Family::Flows, InformationDisclosure,
        "Data leaves one trust boundary for another in plaintext, readable and modifiable by anything on the path.",
        "A flow whose ends are in different innermost trust boundaries has `encryption: none`.",
        &[C::Tls], d(7, 6, 5, 7, 5), &["T1040", "T1557"], crossing_without_tls),
    ctx("flow.boundary-crossing-without-authentication", "Flow crosses a trust boundary unauthenticated", Family::Flows, Spoofing,
        "The receiver accepts data from another trust boundary without knowing who sent it, so anyone who can reach it can pose as the sender.",
        "A flow whose ends are in different innermost trust boundaries has `authentication: none`.",
        &[C::Authentication], d(7, 6, 6, 7, 5), &["T1557", "T1078"], crossing_without_authn),
    ctx("flow.sensitive-data-unencrypted", "Confidential data sent in the clear", Family::Flows, InformationDisclosure,
        "Confidential or restricted data travels unencrypted, even inside one boundary, where any compromised neighbour can sniff it.",
        "A flow inside one trust boundary with classification confidential or restricted has `encryption: none`.",
        &[C::Tls], d(7, 5, 4, 6, 4), &["T1040"], sensitive_unencrypted),
    ctx("flow.untrusted-to-data-store", "Untrusted source talks straight to a data store", Family::Flows, ElevationOfPrivilege,
        "An internet or external source reaches a data store directly, with no application, load balancer or WAF in between.",
        "A flow from an internet or external-actor element targets a data store or log sink.",
        &[C::Waf, C::PrivateLoadBalancer], d(9, 7, 7, 9, 8), &["T1190", "T1530"], untrusted_to_store),
];

fn stores<'a>(ix: &'a Index) -> impl Iterator<Item = (usize, &'a crate::model::DataStore)> + 'a {
    ix.of_kind(Kind::DataStore)
        .iter()
        .filter_map(|&i| match ix.props(i) {
            ElementKind::DataStore(s) => Some((i, s)),
            _ => None,
        })
}

fn unencrypted_store(ix: &Index, out: &mut Vec<Hit>) {
    for (i, s) in stores(ix) {
        if !s.encrypted {
            el(
                out,
                i,
                format!("{} is not encrypted at rest", ix.describe(i)),
            );
        }
    }
}

fn store_without_backups(ix: &Index, out: &mut Vec<Hit>) {
    for (i, s) in stores(ix) {
        if !s.backups {
            el(out, i, format!("{} is not backed up", ix.describe(i)));
        }
    }
}

fn store_in_public_subnet(ix: &Index, out: &mut Vec<Hit>) {
    for (i, _) in stores(ix) {
        if ix.subnet_props(i).is_some_and(|s| s.public) {
            let subnet = ix.subnet[i].map(|s| ix.describe(s)).unwrap_or_default();
            el(
                out,
                i,
                format!("{} is in public {}", ix.describe(i), subnet),
            );
        }
    }
}

fn crossing_without_tls(ix: &Index, out: &mut Vec<Hit>) {
    for f in 0..ix.m.flows.len() {
        if ix.crosses_boundary(f) && ix.flow(f).encryption == Encryption::None {
            fl(
                out,
                f,
                format!("{} crosses a trust boundary in plaintext", flow_text(ix, f)),
            );
        }
    }
}

fn crossing_without_authn(ix: &Index, out: &mut Vec<Hit>) {
    for f in 0..ix.m.flows.len() {
        if ix.crosses_boundary(f) && ix.flow(f).authentication == Authentication::None {
            fl(
                out,
                f,
                format!(
                    "{} crosses a trust boundary unauthenticated",
                    flow_text(ix, f)
                ),
            );
        }
    }
}

fn sensitive_unencrypted(ix: &Index, out: &mut Vec<Hit>) {
    for f in 0..ix.m.flows.len() {
        let flow = ix.flow(f);
        if flow.classification >= Classification::Confidential
            && flow.encryption == Encryption::None
            && !ix.crosses_boundary(f)
            && ix.flow_ends(f).is_some()
        {
            fl(
                out,
                f,
                format!(
                    "{} carries {:?} data in the clear",
                    flow_text(ix, f),
                    flow.classification
                ),
            );
        }
    }
}

fn untrusted_to_store(ix: &Index, out: &mut Vec<Hit>) {
    for f in 0..ix.m.flows.len() {
        let Some((s, t)) = ix.flow_ends(f) else {
            continue;
        };
        if ix.kind(s).is_untrusted() && ix.kind(t).class() == DfdClass::DataStore {
            fl(
                out,
                f,
                format!(
                    "{} reaches {} directly from {}",
                    flow_text(ix, f),
                    ix.describe(t),
                    ix.describe(s)
                ),
            );
        }
    }
}
