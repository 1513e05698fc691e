//! Blast radius: what an attacker who controls one element can reach next.
//!
//! Declared data flows are always usable. Beyond them, the network decides: inside a
//! cluster, a pod whose namespace (or cluster) has no enforced default-deny policy can reach
//! every pod that is not itself fenced by one; inside a VPC, a host can reach every host
//! that has no security group and is not behind another subnet's ACL; and security-group
//! rules that name the compromised element (or its group) let it in. Each cluster and VPC
//! is expanded at most once, so the walk stays linear in the model.

use crate::index::Index;
use crate::model::{DfdClass, ElementKind, Kind, Peer, ThreatModel};
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, VecDeque};

/// How an element was reached.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "via")]
pub enum Reach {
    /// Along a declared data flow.
    Flow { flow: String },
    /// Laterally inside a cluster without enforced network policies.
    Cluster { cluster: String },
    /// Laterally inside a VPC, to a host without a security group or subnet ACL.
    Vpc { vpc: String },
    /// Through a security-group rule that names the compromised element or its group.
    SecurityGroup { group: String },
}

/// One element within reach.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reached {
    pub element: String,
    /// Steps from the compromised element.
    pub hops: u32,
    /// The element it was reached from.
    pub from: String,
    pub via: Reach,
}

/// Everything reachable from a compromised element, nearest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlastRadius {
    pub compromised: String,
    pub reached: Vec<Reached>,
}

fn is_node(ix: &Index, i: usize) -> bool {
    matches!(ix.kind(i).class(), DfdClass::Process | DfdClass::DataStore)
        || ix.kind(i) == Kind::KubernetesCluster
}

/// The elements an attacker controlling `compromised` can reach, or `None` for an unknown id.
pub fn blast_radius(model: &ThreatModel, compromised: &str) -> Option<BlastRadius> {
    let ix = Index::new(model);
    let start = ix.id_of(compromised)?;
    let n = ix.len();
    // Members of each security group, and groups whose rules name an element or group.
    let mut members: HashMap<usize, Vec<usize>> = HashMap::new();
    for i in 0..n {
        for g in &ix.security_groups[i] {
            members.entry(*g).or_default().push(i);
        }
    }
    let mut admits: HashMap<usize, Vec<usize>> = HashMap::new();
    for &g in ix.of_kind(Kind::SecurityGroup) {
        if let ElementKind::SecurityGroup(sg) = ix.props(g) {
            for r in &sg.inbound {
                if let Peer::Element(p) = &r.peer {
                    if let Some(p) = ix.id_of(p) {
                        admits.entry(p).or_default().push(g);
                    }
                }
            }
        }
    }
    let mut cluster_members: HashMap<usize, Vec<usize>> = HashMap::new();
    let mut vpc_members: HashMap<usize, Vec<usize>> = HashMap::new();
    for i in 0..n {
        if !is_node(&ix, i) {
            continue;
        }
        match (ix.cluster[i], ix.vpc[i]) {
            (Some(c), _) if c != i => cluster_members.entry(c).or_default().push(i),
            (_, Some(v)) => vpc_members.entry(v).or_default().push(i),
            _ => {}
        }
    }
    let mut seen = vec![false; n];
    let mut expanded = vec![false; n];
    let mut reached = Vec::new();
    let mut queue = VecDeque::new();
    seen[start] = true;
    queue.push_back((start, 0u32));
    while let Some((u, hops)) = queue.pop_front() {
        let mut next: Vec<(usize, Reach)> = Vec::new();
        for &f in &ix.out_flows[u] {
            if let Some((_, t)) = ix.flow_ends(f) {
                next.push((
                    t,
                    Reach::Flow {
                        flow: ix.flow(f).id.clone(),
                    },
                ));
            }
        }
        let own_cluster = ix.cluster[u].filter(|c| *c != u);
        if let Some(c) = own_cluster {
            if !ix.policy_restricted(u) && !expanded[c] {
                expanded[c] = true;
                for &m in cluster_members.get(&c).into_iter().flatten() {
                    if !ix.policy_restricted(m) {
                        next.push((
                            m,
                            Reach::Cluster {
                                cluster: ix.id(c).to_owned(),
                            },
                        ));
                    }
                }
            }
        } else if let Some(v) = ix.vpc[u] {
            if !expanded[v] {
                expanded[v] = true;
                for &m in vpc_members.get(&v).into_iter().flatten() {
                    let fenced = !ix.security_groups[m].is_empty()
                        || (ix.subnet[m] != ix.subnet[u] && ix.acl(m).is_some());
                    if !fenced {
                        next.push((
                            m,
                            Reach::Vpc {
                                vpc: ix.id(v).to_owned(),
                            },
                        ));
                    }
                }
            }
        }
        let mut sources = vec![u];
        sources.extend(ix.security_groups[u].iter().copied());
        for s in sources {
            for &g in admits.get(&s).into_iter().flatten() {
                for &m in members.get(&g).into_iter().flatten() {
                    next.push((
                        m,
                        Reach::SecurityGroup {
                            group: ix.id(g).to_owned(),
                        },
                    ));
                }
            }
        }
        for (t, via) in next {
            if seen[t] || !is_node(&ix, t) {
                continue;
            }
            seen[t] = true;
            reached.push(Reached {
                element: ix.id(t).to_owned(),
                hops: hops + 1,
                from: ix.id(u).to_owned(),
                via,
            });
            queue.push_back((t, hops + 1));
        }
    }
    reached.sort_by(|a, b| (a.hops, &a.element).cmp(&(b.hops, &b.element)));
    Some(BlastRadius {
        compromised: compromised.to_owned(),
        reached,
    })
}
