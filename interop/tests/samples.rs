//! The real files in `tests/samples/` (verbatim copies of the shared samples; its README
//! gives origin and licence): each imports, its counts and key fields match the file, and a
//! round trip through the same format gives back the same model.

use analysis::model::{ElementKind, Encryption, Status};
use analysis::{analyze, Options, Stride, ThreatModel};
use interop::{otm, threat_dragon, Imported};

const TD: &str = include_str!("samples/OWASP__threat-dragon__v2-threat-model.json");
const OTM_MTMT: &str = include_str!("samples/OWASP__threat-dragon__mobile-cloud.otm.json");
const OTM_EXAMPLE: &str = include_str!("samples/iriusrisk__OpenThreatModel__EXAMPLE.json");

fn valid(imported: &Imported) -> &ThreatModel {
    let errors = analysis::parse::validate(&imported.model);
    assert!(errors.is_empty(), "{errors:?}");
    let text = serde_json::to_string(&imported.model).unwrap();
    assert_eq!(
        analysis::parse(&text).unwrap(),
        imported.model,
        "the model reparses as rampart/1"
    );
    &imported.model
}

fn decision_status(m: &ThreatModel, id: &str) -> Status {
    m.decisions
        .get(&format!("user:{id}"))
        .map_or(Status::Open, |d| d.status)
}

#[test]
fn the_threat_dragon_demo_imports_with_its_elements_flows_and_threats() {
    let imported = threat_dragon::import(TD).unwrap();
    let m = valid(&imported);
    assert_eq!(m.name, "Demo Threat Model");
    assert_eq!(m.elements.len(), 7, "4 stores, 2 processes, 1 actor");
    // 10 flows in the file; "Web Request" starts at a point, not an element.
    assert_eq!(m.flows.len(), 9);
    assert!(imported
        .warnings
        .iter()
        .any(|w| w.contains("2d84bfae") && w.contains("not attached")));
    assert_eq!(
        imported
            .warnings
            .iter()
            .filter(|w| w.contains("trust-boundary"))
            .count(),
        3
    );
    // 14 threats in the file, one of them on the unattached flow.
    assert_eq!(m.threats.len(), 13);
    let store = m.element("a25bbb4e-093f-4238-a620-31efdee452dc").unwrap();
    assert_eq!(store.name, "Worker Config");
    assert!(matches!(store.kind, ElementKind::DataStore(s) if !s.encrypted));
    assert_eq!(store.attributes["storesCredentials"], true);
    assert_eq!(store.geometry.unwrap().x, 685.0);
    assert!(matches!(
        m.element("b394f9f7-07ca-42bc-b616-ad77c6fbfcce")
            .unwrap()
            .kind,
        ElementKind::ExternalActor(_)
    ));
    assert!(matches!(
        m.element("3e75b596-9c70-41b6-a2cf-a15899c254d3")
            .unwrap()
            .kind,
        ElementKind::Workload(_)
    ));
    let config = m.element("bdd3e115-4b92-4020-90b7-c3351dba292b").unwrap();
    assert!(
        config.out_of_scope.is_some(),
        "out of scope without a reason gets one"
    );
    let read = m.flow("7e039c91-9a2e-4ded-890a-0d9bf06c8b47").unwrap();
    assert_eq!(
        read.out_of_scope.as_ref().unwrap().reason,
        "This data flow represents a read from the file system"
    );
    let response = m.flow("28d7c778-8fdf-43d6-9461-b25281743883").unwrap();
    assert_eq!(
        (response.protocol.as_str(), response.encryption),
        ("HTTP/S", Encryption::Tls)
    );
    assert_eq!(response.attributes["isPublicNetwork"], true);
    assert_eq!(response.attributes["isBidirectional"], false);
    let tampering = m
        .threats
        .iter()
        .find(|t| t.id == "52ba8c1d-8376-4ede-942d-e575d71eaef5")
        .unwrap();
    assert_eq!(
        (tampering.title.as_str(), tampering.stride),
        ("Message tampering", Stride::Tampering)
    );
    assert_eq!(tampering.dread.severity(), analysis::Severity::Medium);
    assert!(tampering.mitigations[0].starts_with("Sign all queue messages"));
    assert_eq!(
        decision_status(m, "b917c6dd-e2d5-455c-8b81-61407126abfa"),
        Status::Mitigated
    );
    assert_eq!(
        decision_status(m, "52ba8c1d-8376-4ede-942d-e575d71eaef5"),
        Status::Open
    );
    assert_eq!(
        m.assets.len(),
        1,
        "a credentials asset for the two stores flagged storesCredentials"
    );
    assert_eq!(m.assets[0].stored_in.len(), 2);
}

#[test]
fn the_microsoft_tool_otm_file_imports_with_every_threat_link() {
    let imported = otm::import(OTM_MTMT).unwrap();
    let m = valid(&imported);
    assert_eq!(m.name, "mtmt_project_name");
    let boundaries = m
        .elements
        .iter()
        .filter(|e| e.kind.kind().is_boundary())
        .count();
    assert_eq!((boundaries, m.elements.len() - boundaries), (2, 4));
    assert_eq!(m.flows.len(), 6);
    assert_eq!(m.threats.len(), 43, "each of the 43 threats is linked once");
    let with_mitigation = m
        .threats
        .iter()
        .filter(|t| t.mitigations.len() == 1)
        .count();
    assert_eq!(with_mitigation, 43);
    let db = m.element("53245f54-0656-4ede-a393-357aeaa2e20f").unwrap();
    assert!(matches!(db.kind, ElementKind::DataStore(_)));
    assert_eq!(
        db.parent.as_deref(),
        Some("b61d6911-338d-46a8-9f39-8dcd24abfe91")
    );
    assert_eq!(
        db.attributes["properties.Azure Postgres DB TLS Enforced"],
        "Select"
    );
    let t55 = m.threats.iter().find(|t| t.id == "55").unwrap();
    assert_eq!(t55.stride, Stride::ElevationOfPrivilege);
    assert_eq!(t55.dread.factors(), [10; 5], "likelihood and impact 100");
    let status = &t55.mitigation_status[&t55.mitigations[0]];
    assert_eq!(
        (status.state.as_str(), status.risk_reduction),
        ("RECOMMENDED", Some(100))
    );
    let d = &m.decisions["user:55"];
    assert_eq!(
        (d.status, d.notes.as_deref()),
        (Status::Open, Some("OTM state: AutoGenerated"))
    );
}

#[test]
fn the_otm_reference_example_imports_with_assets_and_a_shared_threat() {
    let imported = otm::import(OTM_EXAMPLE).unwrap();
    let m = valid(&imported);
    assert_eq!(m.name, "Test project");
    assert_eq!(m.elements.len(), 6, "2 trust zones and 4 components");
    assert_eq!(m.flows.len(), 2);
    assert_eq!(m.flows[0].attributes["bidirectional"], true);
    // Threat 1 is linked from a component and a dataflow: two user threats.
    assert_eq!(m.threats.len(), 2);
    assert!(m.threats.iter().all(|t| t.stride == Stride::Spoofing
        && t.dread.damage == 10
        && t.dread.exploitability == 5));
    let on_service = m
        .threats
        .iter()
        .find(|t| t.target == "web-service")
        .unwrap();
    assert_eq!(on_service.mitigations, ["This is the name of mitigation 1"]);
    assert_eq!(
        on_service.mitigation_status["This is the name of mitigation 1"].state,
        "implemented"
    );
    assert_eq!(m.assets.len(), 2);
    let cc = m.assets.iter().find(|a| a.id == "cc-data").unwrap();
    assert_eq!(cc.value, analysis::model::AssetValue::Critical);
    assert!(imported
        .warnings
        .iter()
        .any(|w| w.contains("3b837730") && w.contains("linked to no threat")));
    assert!(
        m.element("class-customerdatabase")
            .unwrap()
            .geometry
            .is_none(),
        "a code representation has no position"
    );
}

fn round_trip(
    import: fn(&str) -> Result<Imported, interop::ImportError>,
    export: fn(&ThreatModel, &analysis::Report) -> String,
    input: &str,
) {
    let first = import(input).unwrap().model;
    let report = analyze(&first, &Options::default());
    assert!(
        report.findings.iter().any(|f| f.rule != "user"),
        "the export carries computed threats"
    );
    let exported = export(&first, &report);
    assert!(exported.contains(interop::RAMPART_MARKER));
    let second = import(&exported).unwrap();
    for (a, b) in first.elements.iter().zip(&second.model.elements) {
        assert_eq!(a, b);
    }
    for (a, b) in first.flows.iter().zip(&second.model.flows) {
        assert_eq!(a, b);
    }
    for (a, b) in first.threats.iter().zip(&second.model.threats) {
        assert_eq!(a, b);
    }
    assert_eq!(second.model, first);
    assert!(second
        .warnings
        .iter()
        .any(|w| w.contains("computed by Rampart")));
}

#[test]
fn the_threat_dragon_demo_survives_a_round_trip() {
    round_trip(threat_dragon::import, threat_dragon::export, TD);
}

#[test]
fn both_otm_samples_survive_a_round_trip() {
    round_trip(otm::import, otm::export, OTM_MTMT);
    round_trip(otm::import, otm::export, OTM_EXAMPLE);
}

#[test]
fn decisions_on_computed_threats_survive_a_round_trip() {
    let mut model = threat_dragon::import(TD).unwrap().model;
    let report = analyze(&model, &Options::default());
    let key = report
        .findings
        .iter()
        .find(|f| f.rule != "user")
        .unwrap()
        .key
        .clone();
    model.decisions.insert(
        key.clone(),
        analysis::model::Decision {
            status: Status::Accepted,
            justification: Some("risk owner signed off".into()),
            owner: Some("ciso".into()),
            ..Default::default()
        },
    );
    let report = analyze(&model, &Options::default());
    for (import, export) in [
        (
            threat_dragon::import as fn(&str) -> _,
            threat_dragon::export as fn(&_, &_) -> _,
        ),
        (otm::import, otm::export),
    ] {
        let back = import(&export(&model, &report)).unwrap().model;
        assert_eq!(back.decisions.get(&key), model.decisions.get(&key));
    }
}
