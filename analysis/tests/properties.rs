//! Properties over many models: analysis never panics on a valid model, is deterministic,
//! and threat keys do not change when display names or diagram geometry change.

use analysis::model::{
    Authentication, Classification, DataFlow, Encryption, Geometry, ThreatModel,
};
use analysis::parse::validate;
use analysis::{analyze, parse, synth::synthetic_model, Options};
use proptest::prelude::*;

fn keys(m: &ThreatModel) -> Vec<String> {
    let mut k: Vec<String> = analyze(m, &Options::default())
        .findings
        .into_iter()
        .map(|f| f.key)
        .collect();
    k.sort();
    k
}

/// A synthetic model of `n` elements with some properties flipped by `flips`.
fn model(n: usize, flips: &[(usize, u8)]) -> ThreatModel {
    let mut m = synthetic_model(n);
    let len = m.elements.len();
    for (at, what) in flips {
        let mut v = serde_json::to_value(&m.elements[at % len].kind).unwrap();
        if let Some(obj) = v.as_object_mut() {
            let bools: Vec<String> = obj
                .iter()
                .filter(|(_, x)| x.is_boolean())
                .map(|(k, _)| k.clone())
                .collect();
            if !bools.is_empty() {
                let k = &bools[*what as usize % bools.len()];
                let old = obj[k].as_bool().unwrap();
                obj.insert(k.clone(), serde_json::Value::Bool(!old));
            }
        }
        m.elements[at % len].kind = serde_json::from_value(v).unwrap();
    }
    m
}

/// `m` with extra flows wired between arbitrary elements, each kept only if the model stays
/// valid: shapes the synthetic generator never makes (shortcuts past every layer, flows
/// back from stores, cycles).
fn rewired(mut m: ThreatModel, wires: &[(usize, usize, u8)]) -> ThreatModel {
    let len = m.elements.len();
    for (i, &(from, to, style)) in wires.iter().enumerate() {
        let flow = DataFlow {
            id: format!("wire-{i}"),
            name: String::new(),
            source: m.elements[from % len].id.clone(),
            target: m.elements[to % len].id.clone(),
            protocol: ["https", "grpc", "postgres", "ssh"][usize::from(style) % 4].into(),
            port: (style % 3 == 0).then_some(443),
            encryption: [Encryption::None, Encryption::Tls, Encryption::Mtls]
                [usize::from(style) % 3],
            authentication: [
                Authentication::None,
                Authentication::Password,
                Authentication::Token,
                Authentication::Certificate,
                Authentication::Iam,
            ][usize::from(style) % 5],
            classification: [
                Classification::Public,
                Classification::Internal,
                Classification::Confidential,
                Classification::Restricted,
            ][usize::from(style / 5) % 4],
            description: String::new(),
            out_of_scope: None,
            waypoints: Vec::new(),
            attributes: Default::default(),
        };
        m.flows.push(flow);
        if !validate(&m).is_empty() {
            m.flows.pop();
        }
    }
    m
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn analysis_of_arbitrarily_rewired_models_never_panics_and_is_deterministic(
        n in 1usize..200,
        wires in prop::collection::vec((0usize..200, 0usize..200, 0u8..20), 0..60),
        depth in 0u32..6,
    ) {
        let m = rewired(synthetic_model(n), &wires);
        prop_assert!(validate(&m).is_empty());
        let options = Options { min_depth: depth };
        let a = analyze(&m, &options);
        prop_assert!(a.diagnostics.is_empty(), "{:?}", a.diagnostics);
        let mut keys: Vec<&str> = a.findings.iter().map(|f| f.key.as_str()).collect();
        let total = keys.len();
        keys.sort_unstable();
        keys.dedup();
        prop_assert_eq!(keys.len(), total, "finding keys are unique");
        prop_assert_eq!(a, analyze(&m, &options));
    }

    #[test]
    fn analysis_never_panics_and_is_deterministic(
        n in 1usize..400,
        flips in prop::collection::vec((0usize..400, 0u8..8), 0..20),
        depth in 0u32..12,
    ) {
        let m = model(n, &flips);
        // Every generated model is valid, so it survives a round trip through the file format.
        let parsed = parse(&serde_json::to_string(&m).unwrap()).unwrap();
        prop_assert_eq!(&parsed, &m);
        let options = Options { min_depth: depth };
        let a = analyze(&m, &options);
        let b = analyze(&parsed, &options);
        prop_assert_eq!(a, b);
    }

    #[test]
    fn keys_are_stable_under_renames_and_moves(
        n in 20usize..300,
        flips in prop::collection::vec((0usize..300, 0u8..8), 0..10),
        dx in -500.0f64..500.0,
    ) {
        let m = model(n, &flips);
        let mut moved = m.clone();
        for (i, e) in moved.elements.iter_mut().enumerate() {
            e.name = format!("renamed {i}");
            e.geometry = Some(Geometry { x: dx * i as f64, y: -dx, width: 1.0, height: 2.0 });
        }
        for f in &mut moved.flows {
            f.name = "renamed".into();
        }
        prop_assert_eq!(keys(&m), keys(&moved));
    }
}

#[test]
fn analysis_of_an_inconsistent_model_reports_diagnostics_instead_of_panicking() {
    let mut m = synthetic_model(200);
    m.elements[5].parent = Some("nowhere".into());
    m.flows[0].target = "ghost".into();
    let last = m.elements.len() - 1;
    m.elements[last].parent = Some(m.elements[last].id.clone());
    let report = analyze(&m, &Options::default());
    assert!(report.diagnostics.len() >= 3, "{:?}", report.diagnostics);
}

#[test]
fn synthetic_models_have_the_requested_size_and_findings() {
    for n in [20, 1000, 2500] {
        let m = synthetic_model(n);
        assert_eq!(m.elements.len(), n);
        let report = analyze(&m, &Options::default());
        assert!(n < 1000 || !report.findings.is_empty());
        assert!(report.diagnostics.is_empty(), "{:?}", report.diagnostics);
    }
}
