//! Defence in depth: for each pair (untrusted entry point, asset or data store), the path
//! along data flows that crosses the fewest layers of control, and its layers.
//!
//! Each flow is an edge weighted by the layers it crosses into its target (at most eight),
//! so one Dijkstra per entry point finds every weakest path in O(E log V) without ever
//! enumerating paths.

use crate::controls::Control;
use crate::index::Index;
use crate::model::{DfdClass, ElementKind, Encryption, Kind, Peer, PolicyMode, WafMode};
use serde::{Deserialize, Serialize};
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// The controls that count as layers, in the order of the DESIGN.md list.
pub const LAYER_CONTROLS: &[Control] = &[
    Control::Waf,
    Control::VnfFirewall,
    Control::NetworkAcl,
    Control::SecurityGroup,
    Control::PrivateLoadBalancer,
    Control::NamespaceNetworkPolicy,
    Control::Mtls,
    Control::AuthorizationPolicy,
];

/// The weakest path from an entry point to an asset or data store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DepthPath {
    pub entry: String,
    /// The asset id, or the data store id when the store holds no modelled asset.
    pub target: String,
    /// The data store the path ends at.
    pub store: String,
    /// How many layers the path crosses.
    pub layers: u32,
    pub hops: Vec<Hop>,
}

impl DepthPath {
    /// Every layer crossed, in path order.
    pub fn layer_list(&self) -> Vec<Control> {
        self.hops
            .iter()
            .flat_map(|h| h.layers.iter().copied())
            .collect()
    }

    /// Whether the path crosses a given layer.
    pub fn crosses(&self, c: Control) -> bool {
        self.hops.iter().any(|h| h.layers.contains(&c))
    }
}

/// One flow along a path and the layers crossed entering its target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hop {
    pub flow: String,
    pub from: String,
    pub to: String,
    pub layers: Vec<Control>,
}

fn bit(c: Control) -> u8 {
    let pos = LAYER_CONTROLS.iter().position(|x| *x == c).unwrap_or(0);
    1 << pos
}

/// The layers a flow crosses entering its target, as a bit set over [`LAYER_CONTROLS`].
pub(crate) fn edge_layers(ix: &Index, f: usize) -> u8 {
    let Some((s, t)) = ix.flow_ends(f) else {
        return 0;
    };
    let flow = ix.flow(f);
    let mut bits = 0;
    match ix.props(t) {
        ElementKind::Waf(w) if w.mode == WafMode::Block => bits |= bit(Control::Waf),
        ElementKind::VnfFirewall(_) => bits |= bit(Control::VnfFirewall),
        ElementKind::LoadBalancer(lb) if !lb.public => bits |= bit(Control::PrivateLoadBalancer),
        ElementKind::Workload(w) if w.sidecar && w.authorization_policy => {
            bits |= bit(Control::AuthorizationPolicy)
        }
        _ => {}
    }
    if ix.subnet[t].is_some() && ix.subnet[t] != ix.subnet[s] {
        if let Some((_, acl)) = ix.acl(t) {
            if !crate::controls::acl_allows_all(acl) {
                bits |= bit(Control::NetworkAcl);
            }
        }
    }
    let groups = ix.guarding_groups(t);
    // Pods inside one cluster share the nodes' groups: only a hop into the cluster (or
    // into an element with groups of its own) crosses them.
    let same_nodes = ix.cluster[t].is_some()
        && ix.cluster[t] == ix.cluster[s]
        && ix.security_groups[t].is_empty();
    let crosses_groups = !groups.is_empty() && !same_nodes;
    if crosses_groups && !groups.iter().any(|g| open_to_world(ix, *g, flow.port)) {
        bits |= bit(Control::SecurityGroup);
    }
    if ix.namespace[t].is_some() && ix.namespace[t] != ix.namespace[s] && policy_enforced(ix, t) {
        bits |= bit(Control::NamespaceNetworkPolicy);
    }
    if flow.encryption == Encryption::Mtls {
        bits |= bit(Control::Mtls);
    }
    bits
}

fn policy_enforced(ix: &Index, t: usize) -> bool {
    let ns = ix
        .namespace_props(t)
        .is_some_and(|n| n.network_policy == PolicyMode::DefaultDeny);
    ns && ix
        .cluster_props(t)
        .is_some_and(|c| c.cni.enforces_policies())
}

fn open_to_world(ix: &Index, g: usize, port: Option<u16>) -> bool {
    let ElementKind::SecurityGroup(sg) = ix.props(g) else {
        return false;
    };
    sg.inbound.iter().any(|r| {
        matches!(&r.peer, Peer::Cidr(c) if crate::model::is_world(c))
            && port.is_none_or(|p| r.ports.contains(p))
    })
}

fn layers_of(bits: u8) -> Vec<Control> {
    LAYER_CONTROLS
        .iter()
        .enumerate()
        .filter(|(i, _)| bits & (1 << i) != 0)
        .map(|(_, c)| *c)
        .collect()
}

/// The targets of path analysis: each asset (over the stores that hold it), then each data
/// store that holds no asset. Returns (target id, candidate stores).
fn targets(ix: &Index) -> Vec<(String, Vec<usize>)> {
    let mut held = vec![false; ix.len()];
    let mut out = Vec::new();
    for a in &ix.m.assets {
        let stores: Vec<usize> = a.stored_in.iter().filter_map(|s| ix.id_of(s)).collect();
        for s in &stores {
            held[*s] = true;
        }
        if !stores.is_empty() {
            out.push((a.id.clone(), stores));
        }
    }
    for &i in ix.of_kind(Kind::DataStore) {
        if !held[i] {
            out.push((ix.id(i).to_owned(), vec![i]));
        }
    }
    out
}

/// The weakest path for every reachable (entry, target) pair, entries in model order.
pub(crate) fn weakest_paths(ix: &Index) -> Vec<DepthPath> {
    let weights: Vec<u8> = (0..ix.m.flows.len()).map(|f| edge_layers(ix, f)).collect();
    let targets = targets(ix);
    let mut out = Vec::new();
    if targets.is_empty() {
        return out;
    }
    let n = ix.len();
    let mut dist = vec![u32::MAX; n];
    let mut pred: Vec<Option<usize>> = vec![None; n];
    let mut heap = BinaryHeap::new();
    for entry in 0..n {
        if !ix.kind(entry).is_untrusted() || ix.out_flows[entry].is_empty() {
            continue;
        }
        dist.fill(u32::MAX);
        pred.fill(None);
        dist[entry] = 0;
        heap.push(Reverse((0u32, entry)));
        while let Some(Reverse((d, u))) = heap.pop() {
            if d > dist[u] {
                continue;
            }
            // Paths stop at data stores: they answer, they do not forward.
            if u != entry && ix.kind(u).class() == DfdClass::DataStore {
                continue;
            }
            for &f in &ix.out_flows[u] {
                let Some((_, v)) = ix.flow_ends(f) else {
                    continue;
                };
                let nd = d + weights[f].count_ones();
                if nd < dist[v] {
                    dist[v] = nd;
                    pred[v] = Some(f);
                    heap.push(Reverse((nd, v)));
                }
            }
        }
        for (target, stores) in &targets {
            let best = stores
                .iter()
                .copied()
                .filter(|s| dist[*s] != u32::MAX && *s != entry)
                .min_by_key(|s| (dist[*s], *s));
            let Some(store) = best else { continue };
            let mut hops = Vec::new();
            let mut at = store;
            while let Some(f) = pred[at] {
                let Some((s, t)) = ix.flow_ends(f) else { break };
                hops.push(Hop {
                    flow: ix.flow(f).id.clone(),
                    from: ix.id(s).to_owned(),
                    to: ix.id(t).to_owned(),
                    layers: layers_of(weights[f]),
                });
                if s == entry || hops.len() > n {
                    break;
                }
                at = s;
            }
            hops.reverse();
            out.push(DepthPath {
                entry: ix.id(entry).to_owned(),
                target: target.clone(),
                store: ix.id(store).to_owned(),
                layers: dist[store],
                hops,
            });
        }
    }
    out
}
