//! A read-only index over a model, built once per analysis: ids to positions, containment
//! resolved to the nearest account, VPC, subnet, cluster and namespace, flows per element,
//! elements per kind. Rules read the model only through it, so each rule is a linear scan.
//!
//! It is built defensively: a model made in code (not through `parse`) may have dangling
//! references or cycles, which are skipped here and reported as diagnostics elsewhere.

use crate::model::*;
use std::collections::HashMap;

/// What a finding is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Subject {
    Element(usize),
    Flow(usize),
}

/// Containment is never deeper than this in a sane model; the cap keeps cycles harmless.
const MAX_DEPTH: usize = 64;

pub(crate) struct Index<'m> {
    pub m: &'m ThreatModel,
    pub by_id: HashMap<&'m str, usize>,
    pub parent: Vec<Option<usize>>,
    pub account: Vec<Option<usize>>,
    pub vpc: Vec<Option<usize>>,
    pub subnet: Vec<Option<usize>>,
    pub cluster: Vec<Option<usize>>,
    pub namespace: Vec<Option<usize>>,
    /// The innermost trust boundary strictly containing the element.
    pub boundary: Vec<Option<usize>>,
    pub flow_ends: Vec<Option<(usize, usize)>>,
    pub out_flows: Vec<Vec<usize>>,
    pub in_flows: Vec<Vec<usize>>,
    by_kind: Vec<Vec<usize>>,
    /// Bit `Kind as u32` set when the boundary contains an element of that kind.
    contains: Vec<u32>,
    pub security_groups: Vec<Vec<usize>>,
    pub exposed: Vec<bool>,
    pub asset_value: Vec<Option<AssetValue>>,
    /// VPCs attached to a transit gateway.
    pub tgw_attached: Vec<bool>,
    /// Peerings per VPC.
    pub peerings: Vec<Vec<usize>>,
}

impl<'m> Index<'m> {
    pub fn new(m: &'m ThreatModel) -> Self {
        let n = m.elements.len();
        let mut by_id = HashMap::with_capacity(n);
        for (i, e) in m.elements.iter().enumerate() {
            by_id.entry(e.id.as_str()).or_insert(i);
        }
        let parent: Vec<Option<usize>> = m
            .elements
            .iter()
            .map(|e| e.parent.as_deref().and_then(|p| by_id.get(p).copied()))
            .collect();
        let mut ix = Index {
            m,
            by_id,
            parent,
            account: vec![None; n],
            vpc: vec![None; n],
            subnet: vec![None; n],
            cluster: vec![None; n],
            namespace: vec![None; n],
            boundary: vec![None; n],
            flow_ends: Vec::with_capacity(m.flows.len()),
            out_flows: vec![Vec::new(); n],
            in_flows: vec![Vec::new(); n],
            by_kind: vec![Vec::new(); Kind::ALL.len()],
            contains: vec![0; n],
            security_groups: vec![Vec::new(); n],
            exposed: vec![false; n],
            asset_value: vec![None; n],
            tgw_attached: vec![false; n],
            peerings: vec![Vec::new(); n],
        };
        for i in 0..n {
            let kind = ix.kind(i);
            ix.by_kind[kind as usize].push(i);
            let mut at = Some(i);
            let mut depth = 0;
            while let Some(a) = at {
                if depth > MAX_DEPTH {
                    break;
                }
                let slot = match ix.kind(a) {
                    Kind::CloudAccount => Some(&mut ix.account),
                    Kind::Vpc => Some(&mut ix.vpc),
                    Kind::Subnet => Some(&mut ix.subnet),
                    Kind::KubernetesCluster => Some(&mut ix.cluster),
                    Kind::Namespace => Some(&mut ix.namespace),
                    _ => None,
                };
                if let Some(slot) = slot {
                    if slot[i].is_none() {
                        slot[i] = Some(a);
                    }
                }
                if a != i {
                    ix.contains[a] |= 1 << kind as u32;
                    if ix.boundary[i].is_none() && ix.kind(a).is_boundary() {
                        ix.boundary[i] = Some(a);
                    }
                }
                at = ix.parent[a];
                depth += 1;
            }
            ix.security_groups[i] = m.elements[i]
                .security_groups
                .iter()
                .filter_map(|s| ix.by_id.get(s.as_str()).copied())
                .filter(|s| ix.kind(*s) == Kind::SecurityGroup)
                .collect();
        }
        for (fi, f) in m.flows.iter().enumerate() {
            let ends = match (ix.id_of(&f.source), ix.id_of(&f.target)) {
                (Some(s), Some(t)) if s != t => Some((s, t)),
                _ => None,
            };
            if let Some((s, t)) = ends {
                ix.out_flows[s].push(fi);
                ix.in_flows[t].push(fi);
                if ix.kind(s).is_untrusted() {
                    ix.exposed[t] = true;
                }
            }
            ix.flow_ends.push(ends);
        }
        for i in 0..n {
            let exposed = match &m.elements[i].kind {
                ElementKind::LoadBalancer(lb) => lb.public,
                ElementKind::DataStore(d) => d.public_access,
                ElementKind::CloudService(c) => c.endpoint == Endpoint::Public,
                ElementKind::KubernetesCluster(c) => c.public_api,
                ElementKind::Internet(_) | ElementKind::ExternalActor(_) => true,
                _ => false,
            };
            ix.exposed[i] |= exposed;
            match &m.elements[i].kind {
                ElementKind::TransitGateway(t) => {
                    for v in &t.attachments {
                        if let Some(v) = ix.id_of(v) {
                            ix.tgw_attached[v] = true;
                        }
                    }
                }
                ElementKind::VpcPeering(p) => {
                    for v in &p.peers {
                        if let Some(v) = ix.id_of(v) {
                            ix.peerings[v].push(i);
                        }
                    }
                }
                _ => {}
            }
        }
        for a in &m.assets {
            for s in &a.stored_in {
                if let Some(s) = ix.id_of(s) {
                    ix.asset_value[s] = ix.asset_value[s].max(Some(a.value));
                }
            }
        }
        ix
    }

    pub fn id_of(&self, id: &str) -> Option<usize> {
        self.by_id.get(id).copied()
    }

    pub fn len(&self) -> usize {
        self.m.elements.len()
    }

    pub fn element(&self, i: usize) -> &'m Element {
        &self.m.elements[i]
    }

    pub fn props(&self, i: usize) -> &'m ElementKind {
        &self.m.elements[i].kind
    }

    pub fn kind(&self, i: usize) -> Kind {
        self.m.elements[i].kind.kind()
    }

    pub fn id(&self, i: usize) -> &'m str {
        &self.m.elements[i].id
    }

    pub fn flow(&self, f: usize) -> &'m DataFlow {
        &self.m.flows[f]
    }

    pub fn of_kind(&self, kind: Kind) -> &[usize] {
        &self.by_kind[kind as usize]
    }

    pub fn has_kind(&self, kind: Kind) -> bool {
        !self.of_kind(kind).is_empty()
    }

    /// Whether the boundary `b` contains (at any depth) an element of `kind`.
    pub fn contains(&self, b: usize, kind: Kind) -> bool {
        self.contains[b] & (1 << kind as u32) != 0
    }

    /// Whether `a` is `b` or inside it.
    pub fn within(&self, a: usize, b: usize) -> bool {
        let mut at = Some(a);
        let mut depth = 0;
        while let Some(x) = at {
            if x == b {
                return true;
            }
            if depth > MAX_DEPTH {
                return false;
            }
            at = self.parent[x];
            depth += 1;
        }
        false
    }

    pub fn vpc_props(&self, i: usize) -> Option<&'m Vpc> {
        match self.props(self.vpc[i]?) {
            ElementKind::Vpc(v) => Some(v),
            _ => None,
        }
    }

    pub fn subnet_props(&self, i: usize) -> Option<&'m Subnet> {
        match self.props(self.subnet[i]?) {
            ElementKind::Subnet(s) => Some(s),
            _ => None,
        }
    }

    pub fn cluster_props(&self, i: usize) -> Option<&'m KubernetesCluster> {
        match self.props(self.cluster[i]?) {
            ElementKind::KubernetesCluster(c) => Some(c),
            _ => None,
        }
    }

    pub fn namespace_props(&self, i: usize) -> Option<&'m Namespace> {
        match self.props(self.namespace[i]?) {
            ElementKind::Namespace(n) => Some(n),
            _ => None,
        }
    }

    pub fn account_props(&self, i: usize) -> Option<&'m CloudAccount> {
        match self.props(self.account[i]?) {
            ElementKind::CloudAccount(a) => Some(a),
            _ => None,
        }
    }

    /// The network ACL of the element's subnet, if the subnet has one.
    pub fn acl(&self, i: usize) -> Option<(usize, &'m NetworkAcl)> {
        let acl = self.id_of(self.subnet_props(i)?.acl.as_deref()?)?;
        match self.props(acl) {
            ElementKind::NetworkAcl(a) => Some((acl, a)),
            _ => None,
        }
    }

    /// The route table of the element's subnet.
    pub fn route_table(&self, i: usize) -> Option<(usize, &'m RouteTable)> {
        let rt = self.id_of(self.subnet_props(i)?.route_table.as_deref()?)?;
        match self.props(rt) {
            ElementKind::RouteTable(r) => Some((rt, r)),
            _ => None,
        }
    }

    /// The security groups that guard the element: its own, or its cluster's nodes'.
    pub fn guarding_groups(&self, i: usize) -> &[usize] {
        if !self.security_groups[i].is_empty() {
            return &self.security_groups[i];
        }
        match self.cluster[i] {
            Some(c) if c != i => &self.security_groups[c],
            _ => &[],
        }
    }

    /// Whether a namespace-level or cluster-wide policy restricts traffic to and from `i`,
    /// and the CNI enforces it.
    pub fn policy_restricted(&self, i: usize) -> bool {
        let Some(cluster) = self.cluster_props(i) else {
            return false;
        };
        let ns_deny = self
            .namespace_props(i)
            .is_some_and(|n| n.network_policy == PolicyMode::DefaultDeny);
        cluster.cni.enforces_policies() && (ns_deny || cluster.cluster_policy)
    }

    /// The element's name for a reason text: `kind "id"`.
    pub fn describe(&self, i: usize) -> String {
        format!("{} {:?}", crate::parse::kind_name(self.kind(i)), self.id(i))
    }

    pub fn flow_ends(&self, f: usize) -> Option<(usize, usize)> {
        self.flow_ends[f]
    }

    /// Whether a flow leaves the innermost trust boundary of its source.
    pub fn crosses_boundary(&self, f: usize) -> bool {
        match self.flow_ends(f) {
            Some((s, t)) => self.boundary[s] != self.boundary[t],
            None => false,
        }
    }
}
