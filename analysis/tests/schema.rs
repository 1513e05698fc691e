//! The committed JSON Schema must match the types. After changing the model, regenerate it
//! with `UPDATE_SCHEMA=1 cargo test -p analysis --test schema` and review the diff.

use std::path::Path;

#[test]
fn the_committed_schema_matches_the_types() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("schema/rampart-1.schema.json");
    let generated = analysis::json_schema();
    if std::env::var_os("UPDATE_SCHEMA").is_some() {
        std::fs::write(&path, &generated).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "schema/rampart-1.schema.json is out of date: run `UPDATE_SCHEMA=1 cargo test -p analysis --test schema`"
    );
}

#[test]
fn the_schema_forbids_unknown_fields() {
    let schema: serde_json::Value = serde_json::from_str(&analysis::json_schema()).unwrap();
    assert_eq!(schema["additionalProperties"], serde_json::json!(false));
    assert_eq!(schema["title"], "ThreatModel");
}
