//! The register's pure part: a row per finding (with element names looked up in the model),
//! sorting by column, the filters, and the STRIDE × severity heat map. No Leptos here, so it is
//! unit-tested natively.

use analysis::model::Status;
use analysis::{Finding, Report, Severity, Stride, TargetKind};
use std::cmp::Ordering;
use std::collections::HashMap;

pub use crate::api::element_names as names;

/// One threat of the register as the table shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    pub key: String,
    pub title: String,
    pub stride: Stride,
    /// The element or flow id (for a path, its entry point).
    pub element_id: String,
    /// The element's or flow's name (for a path, `entry → asset`).
    pub element: String,
    pub severity: Severity,
    pub residual_risk: f64,
    pub status: Status,
    pub owner: String,
    pub due: String,
}

/// The register's rows, in the report's order (highest severity first).
pub fn rows(report: &Report, names: &HashMap<String, String>) -> Vec<Row> {
    report.findings.iter().map(|f| row(f, names)).collect()
}

fn row(finding: &Finding, names: &HashMap<String, String>) -> Row {
    let name = |id: &str| names.get(id).cloned().unwrap_or_else(|| id.to_string());
    let element = match (&finding.target_kind, &finding.asset) {
        (TargetKind::Path, Some(asset)) => format!("{} → {}", name(&finding.target), name(asset)),
        _ => name(&finding.target),
    };
    let decision = finding.decision.as_ref();
    Row {
        key: finding.key.clone(),
        title: finding.title.clone(),
        stride: finding.stride,
        element_id: finding.target.clone(),
        element,
        severity: finding.severity,
        residual_risk: finding.residual_risk,
        status: finding.status,
        owner: decision.and_then(|d| d.owner.clone()).unwrap_or_default(),
        due: decision.and_then(|d| d.due.clone()).unwrap_or_default(),
    }
}

/// A sortable column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Column {
    Title,
    Stride,
    Element,
    Severity,
    Residual,
    Status,
    Owner,
    Due,
}

impl Column {
    /// Every column, in the table's order, with its header.
    pub const ALL: [(Column, &'static str); 8] = [
        (Column::Title, "Threat"),
        (Column::Stride, "STRIDE"),
        (Column::Element, "Element"),
        (Column::Severity, "Severity"),
        (Column::Residual, "Residual risk"),
        (Column::Status, "Status"),
        (Column::Owner, "Owner"),
        (Column::Due, "Due"),
    ];
}

/// Which way a column sorts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    Ascending,
    Descending,
}

/// The table's order: a column and a direction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sort {
    pub column: Column,
    pub direction: Direction,
}

impl Default for Sort {
    /// The report's own order: the most severe first.
    fn default() -> Self {
        Sort {
            column: Column::Severity,
            direction: Direction::Descending,
        }
    }
}

impl Sort {
    /// The order after clicking `column`'s header: the other direction for the current column;
    /// otherwise the column's natural first direction (most severe, highest risk first for the
    /// risk columns; A to Z for the others).
    pub fn toggled(self, column: Column) -> Sort {
        if self.column == column {
            let direction = match self.direction {
                Direction::Ascending => Direction::Descending,
                Direction::Descending => Direction::Ascending,
            };
            return Sort { column, direction };
        }
        let direction = match column {
            Column::Severity | Column::Residual => Direction::Descending,
            _ => Direction::Ascending,
        };
        Sort { column, direction }
    }

    /// `aria-sort` for a column's header.
    pub fn aria(self, column: Column) -> &'static str {
        match (self.column == column, self.direction) {
            (false, _) => "none",
            (true, Direction::Ascending) => "ascending",
            (true, Direction::Descending) => "descending",
        }
    }
}

fn text_order(a: &str, b: &str) -> Ordering {
    a.to_lowercase().cmp(&b.to_lowercase())
}

/// Sorts rows by a column; ties keep the severity order, then the key, so the order is stable
/// from one render to the next. Empty owners and due dates go last either way.
pub fn sort(rows: &mut [Row], order: Sort) {
    rows.sort_by(|a, b| {
        let empty_last = |x: &str, y: &str| match (x.is_empty(), y.is_empty()) {
            (true, false) => Some(Ordering::Greater),
            (false, true) => Some(Ordering::Less),
            _ => None,
        };
        let by_column = match order.column {
            Column::Title => text_order(&a.title, &b.title),
            Column::Stride => a.stride.cmp(&b.stride),
            Column::Element => text_order(&a.element, &b.element),
            Column::Severity => a
                .severity
                .cmp(&b.severity)
                .then(a.residual_risk.total_cmp(&b.residual_risk)),
            Column::Residual => a.residual_risk.total_cmp(&b.residual_risk),
            Column::Status => a.status.as_str().cmp(b.status.as_str()),
            Column::Owner => {
                if let Some(o) = empty_last(&a.owner, &b.owner) {
                    return o;
                }
                text_order(&a.owner, &b.owner)
            }
            Column::Due => {
                if let Some(o) = empty_last(&a.due, &b.due) {
                    return o;
                }
                a.due.cmp(&b.due)
            }
        };
        let by_column = match order.direction {
            Direction::Ascending => by_column,
            Direction::Descending => by_column.reverse(),
        };
        by_column
            .then(b.severity.cmp(&a.severity))
            .then(a.key.cmp(&b.key))
    });
}

/// The register's filters; an empty one lets every row through.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Filter {
    pub stride: Option<Stride>,
    pub severity: Option<Severity>,
    pub status: Option<Status>,
    /// An element or flow id (exact).
    pub element: String,
    /// Part of the owner's name, without regard to case.
    pub owner: String,
}

impl Filter {
    /// Whether a row passes every filter that is set.
    pub fn matches(&self, row: &Row) -> bool {
        self.stride.is_none_or(|s| s == row.stride)
            && self.severity.is_none_or(|s| s == row.severity)
            && self.status.is_none_or(|s| s == row.status)
            && (self.element.is_empty() || self.element == row.element_id)
            && (self.owner.trim().is_empty()
                || row
                    .owner
                    .to_lowercase()
                    .contains(&self.owner.trim().to_lowercase()))
    }

    /// Whether any filter is set.
    pub fn is_active(&self) -> bool {
        *self != Filter::default()
    }
}

/// Counts by STRIDE category (rows, in STRIDE order) and severity (columns, low to critical).
pub fn heat_map(rows: &[Row]) -> [[usize; 4]; 6] {
    let mut counts = [[0; 4]; 6];
    for row in rows {
        let s = Stride::ALL
            .iter()
            .position(|s| *s == row.stride)
            .unwrap_or(0);
        counts[s][row.severity as usize] += 1;
    }
    counts
}

/// How dark a heat-map cell is: 0 for none, then 1 to 4 in proportion to the largest count.
pub fn heat_level(count: usize, max: usize) -> u8 {
    if count == 0 || max == 0 {
        return 0;
    }
    // 1..=4, rounding up so that any count is visible.
    (count * 4).div_ceil(max).clamp(1, 4) as u8
}

/// Every status, for the filter.
pub const STATUSES: [Status; 5] = [
    Status::Open,
    Status::Mitigated,
    Status::Accepted,
    Status::Transferred,
    Status::NotApplicable,
];

/// A status as people read it.
pub fn status_label(status: Status) -> &'static str {
    match status {
        Status::Open => "Open",
        Status::Mitigated => "Mitigated",
        Status::Accepted => "Accepted",
        Status::Transferred => "Transferred",
        Status::NotApplicable => "Not applicable",
    }
}

/// A severity as people read it.
pub fn severity_label(severity: Severity) -> &'static str {
    match severity {
        Severity::Low => "Low",
        Severity::Medium => "Medium",
        Severity::High => "High",
        Severity::Critical => "Critical",
    }
}

/// The STRIDE category named in a select's value (`as_str`).
pub fn stride_from(value: &str) -> Option<Stride> {
    Stride::ALL.into_iter().find(|s| s.as_str() == value)
}

/// The severity named in a select's value.
pub fn severity_from(value: &str) -> Option<Severity> {
    Severity::ALL.into_iter().find(|s| s.as_str() == value)
}

/// The status named in a select's value.
pub fn status_from(value: &str) -> Option<Status> {
    STATUSES.into_iter().find(|s| s.as_str() == value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(key: &str, stride: Stride, severity: Severity, risk: f64, owner: &str) -> Row {
        Row {
            key: key.to_string(),
            title: key.to_uppercase(),
            stride,
            element_id: format!("{key}-el"),
            element: format!("Element {key}"),
            severity,
            residual_risk: risk,
            status: Status::Open,
            owner: owner.to_string(),
            due: String::new(),
        }
    }

    fn keys(rows: &[Row]) -> Vec<&str> {
        rows.iter().map(|r| r.key.as_str()).collect()
    }

    fn sample() -> Vec<Row> {
        vec![
            row("b", Stride::Tampering, Severity::Low, 2.0, ""),
            row("a", Stride::Spoofing, Severity::Critical, 8.5, "Zoe"),
            row("c", Stride::Spoofing, Severity::High, 6.1, "amir"),
            row("d", Stride::ElevationOfPrivilege, Severity::High, 7.9, ""),
        ]
    }

    #[test]
    fn sorting_by_severity_puts_the_worst_first_and_toggles() {
        let mut rows = sample();
        let order = Sort::default();
        sort(&mut rows, order);
        assert_eq!(keys(&rows), ["a", "d", "c", "b"]);
        let order = order.toggled(Column::Severity);
        assert_eq!(order.direction, Direction::Ascending);
        assert_eq!(order.aria(Column::Severity), "ascending");
        assert_eq!(order.aria(Column::Title), "none");
        sort(&mut rows, order);
        assert_eq!(keys(&rows), ["b", "c", "d", "a"]);
    }

    #[test]
    fn sorting_by_text_ignores_case_and_empty_owners_go_last() {
        let mut rows = sample();
        let order = Sort::default().toggled(Column::Owner);
        assert_eq!(order.direction, Direction::Ascending);
        sort(&mut rows, order);
        assert_eq!(
            keys(&rows),
            ["c", "a", "d", "b"],
            "amir, Zoe, then the empty ones"
        );
        sort(&mut rows, order.toggled(Column::Owner));
        assert_eq!(
            keys(&rows),
            ["a", "c", "d", "b"],
            "still last when reversed"
        );
        sort(&mut rows, Sort::default().toggled(Column::Stride));
        assert_eq!(
            keys(&rows),
            ["a", "c", "b", "d"],
            "S, S, T, E: ties by severity"
        );
    }

    #[test]
    fn filters_combine_and_the_owner_matches_any_case() {
        let rows = sample();
        let pass = |f: &Filter| {
            rows.iter()
                .filter(|r| f.matches(r))
                .map(|r| r.key.as_str())
                .collect::<Vec<_>>()
        };
        assert!(!Filter::default().is_active());
        assert_eq!(pass(&Filter::default()).len(), 4);
        let spoofing = Filter {
            stride: Some(Stride::Spoofing),
            ..Filter::default()
        };
        assert_eq!(pass(&spoofing), ["a", "c"]);
        let high_spoofing = Filter {
            severity: Some(Severity::High),
            ..spoofing.clone()
        };
        assert_eq!(pass(&high_spoofing), ["c"]);
        let owner = Filter {
            owner: " ZO ".to_string(),
            ..Filter::default()
        };
        assert_eq!(pass(&owner), ["a"]);
        let element = Filter {
            element: "d-el".to_string(),
            ..Filter::default()
        };
        assert_eq!(pass(&element), ["d"]);
        let mitigated = Filter {
            status: Some(Status::Mitigated),
            ..Filter::default()
        };
        assert!(pass(&mitigated).is_empty());
    }

    #[test]
    fn the_heat_map_counts_stride_by_severity_and_shades_in_four_steps() {
        let map = heat_map(&sample());
        assert_eq!(map[0], [0, 0, 1, 1], "spoofing: one high, one critical");
        assert_eq!(map[1], [1, 0, 0, 0]);
        assert_eq!(map[5], [0, 0, 1, 0]);
        assert_eq!(map.iter().flatten().sum::<usize>(), 4);
        assert_eq!(heat_level(0, 9), 0);
        assert_eq!(heat_level(1, 9), 1, "any count shows");
        assert_eq!(heat_level(5, 9), 3);
        assert_eq!(heat_level(9, 9), 4);
        assert_eq!(heat_level(3, 0), 0);
    }

    #[test]
    fn names_come_from_the_model_and_unnamed_flows_read_as_their_ends() {
        let model = serde_json::json!({
            "elements": [{ "id": "lb", "name": "Load balancer" }, { "id": "db", "name": "" }],
            "flows": [{ "id": "f1", "source": "lb", "target": "db" }, { "id": "f2", "name": "Replication", "source": "db", "target": "db" }],
        });
        let names = names(&model);
        assert_eq!(names["lb"], "Load balancer");
        assert_eq!(names["db"], "db");
        assert_eq!(names["f1"], "Load balancer → db");
        assert_eq!(names["f2"], "Replication");
    }

    #[test]
    fn rows_take_names_and_the_decisions_owner_from_a_real_report() {
        let model = analysis::reference_model();
        let report = analysis::analyze(&model, &analysis::Options::default());
        let json = serde_json::to_value(&model).unwrap();
        let rows = rows(&report, &names(&json));
        assert_eq!(rows.len(), report.findings.len());
        assert!(rows.iter().all(|r| !r.element.is_empty()));
        for value in ["spoofing", "elevation_of_privilege"] {
            assert_eq!(stride_from(value).map(Stride::as_str), Some(value));
        }
        assert_eq!(severity_from("high"), Some(Severity::High));
        assert_eq!(status_from("not_applicable"), Some(Status::NotApplicable));
        assert_eq!(status_from("nonsense"), None);
    }
}
