//! The dashboard's pure part: the severity bar's segments, the import format guessed from a
//! file's content, and the model list's query string.

use crate::api::SeverityCounts;
use crate::browser::encode;

/// The import formats of `POST /models/import`, with their labels.
pub const IMPORT_FORMATS: [(&str, &str); 3] = [
    ("rampart", "Rampart (rampart/1 JSON)"),
    ("threat-dragon", "OWASP Threat Dragon v2"),
    ("otm", "Open Threat Model (OTM)"),
];

/// A segment of the severity bar: its severity class, where it starts and how wide it is, in
/// hundredths of the bar.
#[derive(Clone, Debug, PartialEq)]
pub struct Segment {
    pub severity: &'static str,
    pub x: f64,
    pub width: f64,
}

/// The bar's segments, low to critical, in proportion to the open threats; severities without
/// threats have none. An empty bar for a model without open threats.
pub fn bar_segments(counts: SeverityCounts) -> Vec<Segment> {
    let parts = [
        ("low", counts.low),
        ("medium", counts.medium),
        ("high", counts.high),
        ("critical", counts.critical),
    ];
    let total: usize = parts.iter().map(|(_, n)| n).sum();
    if total == 0 {
        return Vec::new();
    }
    let mut x = 0.0;
    parts
        .into_iter()
        .filter(|(_, n)| *n > 0)
        .map(|(severity, n)| {
            let width = n as f64 * 100.0 / total as f64;
            let segment = Segment { severity, x, width };
            x += width;
            segment
        })
        .collect()
}

/// What the bar says to people who cannot see it.
pub fn bar_label(counts: SeverityCounts) -> String {
    let total = counts.low + counts.medium + counts.high + counts.critical;
    if total == 0 {
        return "No open threats".to_string();
    }
    format!(
        "Open threats: {} critical, {} high, {} medium, {} low",
        counts.critical, counts.high, counts.medium, counts.low
    )
}

/// The import format a file's content looks like: OTM has `otmVersion`, Rampart's own files
/// name their `schema`, Threat Dragon v2 has `summary` and `detail`. `None` when it cannot
/// tell (the person chooses).
pub fn guess_format(text: &str) -> Option<&'static str> {
    let value: serde_json::Value = serde_json::from_str(text).ok()?;
    let object = value.as_object()?;
    if object.contains_key("otmVersion") {
        Some("otm")
    } else if object
        .get("schema")
        .and_then(|s| s.as_str())
        .is_some_and(|s| s.starts_with("rampart/"))
    {
        Some("rampart")
    } else if object.contains_key("detail") && object.contains_key("summary") {
        Some("threat-dragon")
    } else {
        None
    }
}

/// `GET /models` for one team's live models or its trash, filtered by a search.
pub fn models_path(team_id: &str, q: &str, trash: bool) -> String {
    let mut path = format!("/models?team_id={}", encode(team_id));
    let q = q.trim();
    if !q.is_empty() {
        path.push_str(&format!("&q={}", encode(q)));
    }
    if trash {
        path.push_str("&trash=true");
    }
    path
}

/// `POST /models/import` for a team and a format, naming the model after the file when the
/// person gave no name.
pub fn import_path(team_id: &str, format: &str, name: &str) -> String {
    let mut path = format!(
        "/models/import?team_id={}&format={}",
        encode(team_id),
        encode(format)
    );
    let name = name.trim();
    if !name.is_empty() {
        path.push_str(&format!("&name={}", encode(name)));
    }
    path
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bar_is_split_in_proportion_and_skips_empty_severities() {
        let counts = SeverityCounts {
            low: 1,
            medium: 0,
            high: 2,
            critical: 1,
        };
        let segments = bar_segments(counts);
        assert_eq!(
            segments,
            [
                Segment {
                    severity: "low",
                    x: 0.0,
                    width: 25.0
                },
                Segment {
                    severity: "high",
                    x: 25.0,
                    width: 50.0
                },
                Segment {
                    severity: "critical",
                    x: 75.0,
                    width: 25.0
                },
            ]
        );
        assert!(bar_segments(SeverityCounts::default()).is_empty());
        assert_eq!(
            bar_label(counts),
            "Open threats: 1 critical, 2 high, 0 medium, 1 low"
        );
        assert_eq!(bar_label(SeverityCounts::default()), "No open threats");
    }

    #[test]
    fn the_format_is_guessed_from_the_content() {
        assert_eq!(
            guess_format(analysis::reference_model_json()),
            Some("rampart")
        );
        assert_eq!(
            guess_format(r#"{"otmVersion": "0.2.0", "project": {}}"#),
            Some("otm")
        );
        assert_eq!(
            guess_format(r#"{"version": "2.3.0", "summary": {}, "detail": {"diagrams": []}}"#),
            Some("threat-dragon")
        );
        assert_eq!(guess_format(r#"{"something": "else"}"#), None);
        assert_eq!(guess_format("not json"), None);
    }

    #[test]
    fn paths_encode_their_parameters() {
        assert_eq!(models_path("t1", "  ", false), "/models?team_id=t1");
        assert_eq!(
            models_path("t1", "shop & co", true),
            "/models?team_id=t1&q=shop%20%26%20co&trash=true"
        );
        assert_eq!(
            import_path("t1", "threat-dragon", ""),
            "/models/import?team_id=t1&format=threat-dragon"
        );
        assert_eq!(
            import_path("t1", "otm", "My model"),
            "/models/import?team_id=t1&format=otm&name=My%20model"
        );
    }
}
