//! The STRIDE-per-element base layer: external entities S and R; processes S, T, R, I, D
//! and E; data stores T, R, I and D; data flows T, I and D. A base rule fires on a subject
//! where one of its applicable controls is absent, and names the missing ones.

use super::{d, BaseTarget, Check, Family, Rule};
use crate::controls::Control as C;
use crate::model::Stride;

const fn base(
    id: &'static str,
    title: &'static str,
    target: BaseTarget,
    stride: Stride,
    description: &'static str,
    controls: &'static [C],
    references: &'static [&'static str],
) -> Rule {
    Rule {
        id,
        title,
        family: Family::Stride,
        stride,
        description,
        condition: "Fires on every element (or flow) of its class where one of the listed controls applies but is absent.",
        controls,
        dread: d(5, 4, 3, 4, 3),
        references,
        check: Check::Base(target),
    }
}

use BaseTarget::*;
use Stride::*;

pub(super) const RULES: &[Rule] = &[
    base("stride.external.spoofing", "External entity could be impersonated", ExternalEntity, Spoofing,
        "Someone could pretend to be this external entity if what it sends is not authenticated, or if a person signs in without a second factor.",
        &[C::Authentication, C::Mfa], &["T1078", "T1110"]),
    base("stride.external.repudiation", "External entity could deny its actions", ExternalEntity, Repudiation,
        "Without a central log of what this entity did, it can deny having done it.",
        &[C::LogSink], &["T1562"]),
    base("stride.process.spoofing", "Process could be reached by an impersonator", Process, Spoofing,
        "A caller could impersonate a legitimate client when inbound flows are not authenticated or service identities are not proven by mTLS.",
        &[C::Authentication, C::Mtls], &["T1078", "T1557"]),
    base("stride.process.tampering", "Process input or runtime could be tampered with", Process, Tampering,
        "Data in transit to the process, or the process itself, could be modified when flows are not encrypted or the workload runs with excess privilege or outside the mesh.",
        &[C::Tls, C::LeastPrivilege, C::Sidecar], &["T1557", "T1611"]),
    base("stride.process.repudiation", "Process actions may not be traceable", Process, Repudiation,
        "Without flow logs, audit logs and a log sink, actions through this process cannot be traced afterwards.",
        &[C::FlowLogs, C::ClusterAuditLogging, C::CloudAuditTrail, C::LogSink], &["T1562"]),
    base("stride.process.information_disclosure", "Process could leak data", Process, InformationDisclosure,
        "Data could be read in transit or by neighbours when flows are unencrypted or the process is not segmented.",
        &[C::Tls, C::NetworkAcl, C::NamespaceNetworkPolicy], &["T1040"]),
    base("stride.process.denial_of_service", "Process could be overwhelmed", Process, DenialOfService,
        "Floods or crashes could take the process down when it is not redundant, not shielded by a WAF, or not fenced by a security group.",
        &[C::HaLoadBalancer, C::Waf, C::SecurityGroup], &["T1498", "T1499"]),
    base("stride.process.elevation_of_privilege", "Process could be used to gain privileges", Process, ElevationOfPrivilege,
        "A compromised caller or workload could gain rights it should not have without IAM, least privilege, authorization policies and RBAC tied to IAM.",
        &[C::Iam, C::LeastPrivilege, C::AuthorizationPolicy, C::RbacIam], &["T1068", "T1611"]),
    base("stride.store.tampering", "Stored data could be modified", DataStore, Tampering,
        "Data could be altered or destroyed without authenticated access and backups to restore from.",
        &[C::Authentication, C::Backups], &["T1565", "T1485"]),
    base("stride.store.repudiation", "Changes to the store may not be traceable", DataStore, Repudiation,
        "Without an audit trail and a log sink, changes to the data cannot be attributed.",
        &[C::CloudAuditTrail, C::LogSink], &["T1562"]),
    base("stride.store.information_disclosure", "Stored data could be read", DataStore, InformationDisclosure,
        "Data could be read when it is not encrypted at rest, reachable through a public endpoint, or fetched over unencrypted flows.",
        &[C::EncryptionAtRest, C::PrivateEndpoint, C::Tls], &["T1530"]),
    base("stride.store.denial_of_service", "Store could be made unavailable", DataStore, DenialOfService,
        "The store could be exhausted, deleted or encrypted for ransom without backups and network fencing.",
        &[C::Backups, C::SecurityGroup], &["T1485", "T1486"]),
    base("stride.flow.tampering", "Flow could be tampered with", DataFlow, Tampering,
        "Data on this flow could be modified in transit when it is not encrypted and authenticated.",
        &[C::Tls, C::Authentication], &["T1557"]),
    base("stride.flow.information_disclosure", "Flow could be sniffed", DataFlow, InformationDisclosure,
        "Data on this flow could be read in transit when it is not encrypted or travels over a public endpoint.",
        &[C::Tls, C::PrivateEndpoint], &["T1040"]),
    base("stride.flow.denial_of_service", "Flow from an untrusted source could be flooded", DataFlow, DenialOfService,
        "Traffic from an untrusted source that does not pass a WAF could flood the receiver.",
        &[C::Waf], &["T1498"]),
];
