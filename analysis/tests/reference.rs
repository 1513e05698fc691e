//! The reference architecture (Rampart's starter template): a snapshot of everything the
//! analysis says about it, so every change to its findings is reviewed.

use analysis::{analyze, blast_radius, parse, reference_model, reference_model_json, Options};
use expect_test::expect;
use std::fmt::Write;

fn render() -> String {
    let report = analyze(&reference_model(), &Options::default());
    let mut out = String::new();
    for f in &report.findings {
        writeln!(
            out,
            "{} {} [{}] risk {:.1} residual {:.1}: {}",
            f.severity, f.key, f.status, f.risk, f.residual_risk, f.why
        )
        .unwrap();
    }
    for p in &report.paths {
        let layers: Vec<&str> = p.layer_list().iter().map(|c| c.id()).collect();
        writeln!(
            out,
            "path {} -> {} via {}: {} layers ({})",
            p.entry,
            p.target,
            p.store,
            p.layers,
            layers.join(" ")
        )
        .unwrap();
    }
    for d in &report.diagnostics {
        writeln!(out, "diagnostic {:?}: {}", d.level, d.message).unwrap();
    }
    out
}

#[test]
fn the_reference_findings_match_the_snapshot() {
    expect![[r#"
        medium user:image-supply-chain [open] risk 5.0 residual 5.0: A poisoned base image or dependency ships attacker code into the api workload.
        path internet -> customer-data via db: 18 layers (waf network_acl vnf_firewall network_acl security_group network_acl security_group private_load_balancer network_acl security_group namespace_network_policy namespace_network_policy mtls authorization_policy mtls authorization_policy network_acl security_group)
        path internet -> order-history via cache: 27 layers (waf network_acl vnf_firewall network_acl security_group network_acl security_group private_load_balancer network_acl security_group namespace_network_policy namespace_network_policy mtls authorization_policy mtls authorization_policy network_acl security_group private_load_balancer network_acl security_group namespace_network_policy namespace_network_policy mtls authorization_policy network_acl security_group)
        path internet -> documents via bucket: 16 layers (waf network_acl vnf_firewall network_acl security_group network_acl security_group private_load_balancer network_acl security_group namespace_network_policy namespace_network_policy mtls authorization_policy mtls authorization_policy)
    "#]].assert_eq(&render());
}

#[test]
fn the_starter_template_is_the_reference_fixture() {
    let model = parse(reference_model_json()).unwrap();
    assert_eq!(model, reference_model());
    assert!(model.elements.len() > 50);
}

#[test]
fn blast_radius_of_a_fenced_workload_follows_only_its_flows() {
    let model = reference_model();
    let blast = blast_radius(&model, "web").unwrap();
    let reached: Vec<String> = blast
        .reached
        .iter()
        .map(|r| format!("{} ({} hops)", r.element, r.hops))
        .collect();
    expect!["api (1 hops), bucket (2 hops), db (2 hops), egw-a (2 hops), kms (2 hops), lb-b (2 hops), egw (3 hops), igw-b (3 hops), k8s-b (3 hops), cache (4 hops), logs (4 hops), orders (4 hops), vpn (4 hops), waf (4 hops), bastion (5 hops), lb-public (5 hops), k8s-a (6 hops), vnf (6 hops), lb-a (7 hops), igw-a (8 hops)"].assert_eq(&reached.join(", "));
}

#[test]
fn blast_radius_widens_when_namespace_policies_are_missing() {
    let mut model = reference_model();
    for e in &mut model.elements {
        if let analysis::model::ElementKind::Namespace(n) = &mut e.kind {
            n.network_policy = analysis::model::PolicyMode::None;
        }
        if let analysis::model::ElementKind::KubernetesCluster(c) = &mut e.kind {
            c.cluster_policy = false;
        }
    }
    let fenced = blast_radius(&reference_model(), "web")
        .unwrap()
        .reached
        .len();
    let open = blast_radius(&model, "web").unwrap();
    assert!(open.reached.len() > fenced);
    assert!(open
        .reached
        .iter()
        .any(|r| r.element == "egw-a" && matches!(r.via, analysis::blast::Reach::Cluster { .. })));
    assert!(blast_radius(&model, "nope").is_none());
}
