//! One spelling of a model, and its content hash: saved versions are identified by what they
//! hold, not by how a file happened to be written.
//!
//! The canonical JSON is the model as serde writes it (so omitted defaults stay omitted),
//! with the keys of every object sorted by their UTF-8 bytes, no whitespace outside strings,
//! and strings and numbers exactly as `serde_json` writes them. Arrays keep their order:
//! the order of elements and flows is part of the model. The sorting is done here rather
//! than left to `serde_json::Map`, which keeps insertion order when another crate in the
//! build turns on its `preserve_order` feature.

use crate::model::ThreatModel;
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::fmt::Write as _;

/// The model in canonical JSON: keys sorted at every depth, no insignificant whitespace.
pub fn canonical_json(model: &ThreatModel) -> String {
    let mut out = String::new();
    // Serializing the model cannot fail: every map key is a string.
    if let Ok(value) = serde_json::to_value(model) {
        write_value(&value, &mut out);
    }
    out
}

/// The lowercase hex SHA-256 of [`canonical_json`]: 64 characters.
pub fn content_hash(model: &ThreatModel) -> String {
    let digest = Sha256::digest(canonical_json(model).as_bytes());
    let mut hex = String::with_capacity(64);
    for byte in digest {
        let _ = write!(hex, "{byte:02x}");
    }
    hex
}

fn write_value(value: &Value, out: &mut String) {
    match value {
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_value(item, out);
            }
            out.push(']');
        }
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_unstable_by(|a, b| a.0.cmp(b.0));
            out.push('{');
            for (i, (key, item)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_scalar(&Value::String(key.clone()), out);
                out.push(':');
                write_value(item, out);
            }
            out.push('}');
        }
        scalar => write_scalar(scalar, out),
    }
}

/// Null, booleans, numbers and strings, exactly as `serde_json` writes them.
fn write_scalar(value: &Value, out: &mut String) {
    if let Ok(text) = serde_json::to_string(value) {
        out.push_str(&text);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{parse, reference_model, reference_model_json};
    use expect_test::expect;
    use proptest::prelude::*;

    /// `value` as JSON text with the keys of every object in reverse order and spaced out.
    fn reversed(value: &Value) -> String {
        match value {
            Value::Array(items) => {
                let items: Vec<String> = items.iter().map(reversed).collect();
                format!("[ {} ]", items.join(" , "))
            }
            Value::Object(map) => {
                let mut entries: Vec<(&String, &Value)> = map.iter().collect();
                entries.sort_by(|a, b| b.0.cmp(a.0));
                let entries: Vec<String> = entries
                    .into_iter()
                    .map(|(k, v)| format!("{} :\n {}", Value::String(k.clone()), reversed(v)))
                    .collect();
                format!("{{\n  {}\n}}", entries.join(",\n  "))
            }
            scalar => scalar.to_string(),
        }
    }

    #[test]
    fn the_reference_model_has_a_fixed_hash() {
        expect!["dff565978241d2d18bcd9ac2afa14ac503d48cbec35c0394b1134cab304d1952"]
            .assert_eq(&content_hash(&reference_model()));
    }

    #[test]
    fn the_hash_ignores_key_order_and_whitespace_in_the_file() {
        let value: Value = serde_json::from_str(reference_model_json()).unwrap();
        let shuffled = reversed(&value);
        assert_ne!(shuffled, reference_model_json());
        let model = parse(&shuffled).unwrap();
        assert_eq!(content_hash(&model), content_hash(&reference_model()));
    }

    #[test]
    fn keys_are_sorted_at_every_depth_without_whitespace() {
        let mut model = ThreatModel::new("Tiny \"quoted\" model");
        model.description = "é\n".into();
        model.elements.push(crate::model::Element {
            id: "sn".into(),
            name: "Subnet".into(),
            kind: crate::model::ElementKind::Subnet(crate::model::Subnet {
                public: true,
                acl: None,
                route_table: None,
            }),
            parent: None,
            security_groups: Vec::new(),
            description: String::new(),
            out_of_scope: None,
            geometry: Some(crate::model::Geometry {
                x: 1.5,
                y: -2.0,
                width: 0.1,
                height: 1e21,
            }),
            attributes: Default::default(),
        });
        expect![[r#"{"description":"é\n","elements":[{"geometry":{"height":1e+21,"width":0.1,"x":1.5,"y":-2.0},"id":"sn","kind":{"public":true,"type":"subnet"},"name":"Subnet"}],"flows":[],"name":"Tiny \"quoted\" model","schema":"rampart/1"}"#]]
            .assert_eq(&canonical_json(&model));
    }

    #[test]
    fn a_change_anywhere_changes_the_hash() {
        let before = reference_model();
        let mut after = before.clone();
        after.elements[0].name.push('!');
        assert_ne!(content_hash(&before), content_hash(&after));
        assert_eq!(content_hash(&before).len(), 64);
        assert!(content_hash(&before)
            .chars()
            .all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c)));
    }

    proptest! {
        #[test]
        fn canonical_json_reads_back_as_the_same_model(n in 1usize..200) {
            let model = crate::synth::synthetic_model(n);
            let text = canonical_json(&model);
            let back = parse(&text).unwrap();
            prop_assert_eq!(&back, &model);
            prop_assert_eq!(canonical_json(&back), text);
        }
    }
}
