//! Reading a `rampart/1` file: JSON syntax, then the strict types, then the checks the types
//! cannot express (references, containment, flows). Every error names the element (or flow,
//! asset, ...) and the field, so the editor can point at it.

use crate::model::*;
use serde_json::Value;
use std::collections::{HashMap, HashSet};
use std::fmt;

/// Why a model file was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ModelError {
    #[error("not valid JSON at line {line}, column {column}: {message}")]
    Json {
        line: usize,
        column: usize,
        message: String,
    },
    #[error("unsupported schema {found:?}, expected \"rampart/1\"")]
    Schema { found: String },
    #[error("{place}: {message}")]
    Invalid { place: Place, message: String },
}

/// Where in a model an error is: the section, the id of the item, and the field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    pub section: Section,
    /// The item's id (for decisions, the threat key), when known.
    pub id: Option<String>,
    /// The field path inside the item, e.g. `kind.acl`; empty for the item as a whole.
    pub field: String,
}

/// The parts of a model file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Section {
    Model,
    Element,
    Flow,
    Asset,
    ThreatAgent,
    Threat,
    Decision,
    Suppression,
}

impl Section {
    fn from_key(key: &str) -> Option<Section> {
        Some(match key {
            "elements" => Section::Element,
            "flows" => Section::Flow,
            "assets" => Section::Asset,
            "threat_agents" => Section::ThreatAgent,
            "threats" => Section::Threat,
            "decisions" => Section::Decision,
            "suppressions" => Section::Suppression,
            _ => return None,
        })
    }

    fn noun(self) -> &'static str {
        match self {
            Section::Model => "model",
            Section::Element => "element",
            Section::Flow => "flow",
            Section::Asset => "asset",
            Section::ThreatAgent => "threat agent",
            Section::Threat => "threat",
            Section::Decision => "decision",
            Section::Suppression => "suppression",
        }
    }
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.section.noun())?;
        if let Some(id) = &self.id {
            write!(f, " {id:?}")?;
        }
        if !self.field.is_empty() {
            write!(f, ", field {:?}", self.field)?;
        }
        Ok(())
    }
}

fn invalid(section: Section, id: &str, field: &str, message: impl Into<String>) -> ModelError {
    ModelError::Invalid {
        place: Place {
            section,
            id: Some(id.to_owned()),
            field: field.to_owned(),
        },
        message: message.into(),
    }
}

/// Reads and checks a model. The first problem found is returned.
pub fn parse(json: &str) -> Result<ThreatModel, ModelError> {
    let value: Value = serde_json::from_str(json).map_err(|e| ModelError::Json {
        line: e.line(),
        column: e.column(),
        message: e.to_string(),
    })?;
    if let Some(found) = value.get("schema").and_then(Value::as_str) {
        if found != SCHEMA_VERSION {
            return Err(ModelError::Schema {
                found: found.to_owned(),
            });
        }
    }
    let model: ThreatModel =
        serde_path_to_error::deserialize(&value).map_err(|e| typed_error(&value, e))?;
    match validate(&model).into_iter().next() {
        Some(error) => Err(error),
        None => Ok(model),
    }
}

/// Turns a serde error into one that names the item by id rather than by index.
fn typed_error(value: &Value, error: serde_path_to_error::Error<serde_json::Error>) -> ModelError {
    use serde_path_to_error::Segment;
    let segments: Vec<&Segment> = error.path().iter().collect();
    let mut section = Section::Model;
    let mut id = None;
    let mut rest = 0;
    if let Some(Segment::Map { key }) = segments.first() {
        if let Some(s) = Section::from_key(key) {
            section = s;
            rest = 1;
            match segments.get(1) {
                Some(Segment::Seq { index }) => {
                    rest = 2;
                    id = Some(
                        value[key.as_str()][*index]
                            .get("id")
                            .and_then(Value::as_str)
                            .map_or_else(|| format!("#{index}"), str::to_owned),
                    );
                }
                Some(Segment::Map { key: item }) => {
                    rest = 2;
                    id = Some(item.clone());
                }
                _ => {}
            }
        }
    }
    let field = segments[rest.min(segments.len())..]
        .iter()
        .filter_map(|s| match s {
            Segment::Seq { index } => Some(index.to_string()),
            Segment::Map { key } => Some(key.clone()),
            Segment::Enum { .. } | Segment::Unknown => None,
        })
        .collect::<Vec<_>>()
        .join(".");
    let field = if section == Section::Model && field.is_empty() {
        segments.first().map(|s| s.to_string()).unwrap_or_default()
    } else {
        field
    };
    ModelError::Invalid {
        place: Place { section, id, field },
        message: error.into_inner().to_string(),
    }
}

/// Whether an id uses only letters, digits, `.`, `_` and `-` (so threat keys stay parseable).
pub fn is_valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 128
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
}

/// Every problem in a model that the types alone cannot rule out, in file order.
pub fn validate(model: &ThreatModel) -> Vec<ModelError> {
    let mut errors = Vec::new();
    if model.schema != SCHEMA_VERSION {
        errors.push(ModelError::Schema {
            found: model.schema.clone(),
        });
    }
    if model.name.trim().is_empty() {
        errors.push(ModelError::Invalid {
            place: Place {
                section: Section::Model,
                id: None,
                field: "name".into(),
            },
            message: "must not be empty".into(),
        });
    }
    let mut kinds: HashMap<&str, Kind> = HashMap::new();
    let mut flow_ids: HashSet<&str> = HashSet::new();
    for e in &model.elements {
        check_id(&mut errors, Section::Element, &e.id);
        if kinds.insert(&e.id, e.kind.kind()).is_some() {
            errors.push(invalid(Section::Element, &e.id, "id", "is used twice"));
        }
    }
    for f in &model.flows {
        check_id(&mut errors, Section::Flow, &f.id);
        if kinds.contains_key(f.id.as_str()) || !flow_ids.insert(&f.id) {
            errors.push(invalid(Section::Flow, &f.id, "id", "is used twice"));
        }
    }
    for e in &model.elements {
        check_element(&mut errors, &kinds, e);
    }
    check_cycles(&mut errors, model);
    for f in &model.flows {
        check_flow(&mut errors, &kinds, f);
    }
    check_people(&mut errors, model, &kinds, &flow_ids);
    errors
}

fn check_id(errors: &mut Vec<ModelError>, section: Section, id: &str) {
    if !is_valid_id(id) {
        errors.push(invalid(
            section,
            id,
            "id",
            "must be 1 to 128 letters, digits, '.', '_' or '-'",
        ));
    }
}

fn check_ref(
    errors: &mut Vec<ModelError>,
    kinds: &HashMap<&str, Kind>,
    owner: &str,
    field: &str,
    target: &str,
    allowed: &[Kind],
) {
    match kinds.get(target) {
        None => errors.push(invalid(
            Section::Element,
            owner,
            field,
            format!("references {target:?}, which does not exist"),
        )),
        Some(kind) if !allowed.is_empty() && !allowed.contains(kind) => {
            let names: Vec<String> = allowed.iter().map(|k| kind_name(*k)).collect();
            errors.push(invalid(
                Section::Element,
                owner,
                field,
                format!(
                    "references {target:?} of kind {}, expected {}",
                    kind_name(*kind),
                    names.join(" or ")
                ),
            ));
        }
        Some(_) => {}
    }
}

/// The snake_case name of a kind, as written in files.
pub fn kind_name(kind: Kind) -> String {
    serde_json::to_value(kind)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

fn check_cidr(errors: &mut Vec<ModelError>, owner: &str, field: &str, cidr: &str) {
    let ok = cidr.split_once('/').is_some_and(|(addr, bits)| {
        !addr.is_empty()
            && bits.parse::<u8>().is_ok_and(|b| b <= 128)
            && addr
                .chars()
                .all(|c| c.is_ascii_hexdigit() || c == '.' || c == ':')
    });
    if !ok {
        errors.push(invalid(
            Section::Element,
            owner,
            field,
            format!("{cidr:?} is not a CIDR range such as 10.0.0.0/16"),
        ));
    }
}

fn check_ports(errors: &mut Vec<ModelError>, owner: &str, field: &str, ports: Ports) {
    if ports.from > ports.to {
        errors.push(invalid(
            Section::Element,
            owner,
            field,
            format!("port range {}-{} is reversed", ports.from, ports.to),
        ));
    }
}

fn check_element(errors: &mut Vec<ModelError>, kinds: &HashMap<&str, Kind>, e: &Element) {
    let id = e.id.as_str();
    if let Some(parent) = &e.parent {
        match kinds.get(parent.as_str()) {
            None => errors.push(invalid(
                Section::Element,
                id,
                "parent",
                format!("references {parent:?}, which does not exist"),
            )),
            Some(k) if !k.is_boundary() => errors.push(invalid(
                Section::Element,
                id,
                "parent",
                format!(
                    "references {parent:?} of kind {}, which is not a trust boundary",
                    kind_name(*k)
                ),
            )),
            Some(_) => {}
        }
    }
    for (i, sg) in e.security_groups.iter().enumerate() {
        check_ref(
            errors,
            kinds,
            id,
            &format!("security_groups.{i}"),
            sg,
            &[Kind::SecurityGroup],
        );
    }
    if let Some(scope) = &e.out_of_scope {
        if scope.reason.trim().is_empty() {
            errors.push(invalid(
                Section::Element,
                id,
                "out_of_scope.reason",
                "must say why",
            ));
        }
    }
    match &e.kind {
        ElementKind::Subnet(s) => {
            if let Some(acl) = &s.acl {
                check_ref(errors, kinds, id, "kind.acl", acl, &[Kind::NetworkAcl]);
            }
            if let Some(rt) = &s.route_table {
                check_ref(
                    errors,
                    kinds,
                    id,
                    "kind.route_table",
                    rt,
                    &[Kind::RouteTable],
                );
            }
        }
        ElementKind::TransitGateway(t) => {
            for (i, vpc) in t.attachments.iter().enumerate() {
                check_ref(
                    errors,
                    kinds,
                    id,
                    &format!("kind.attachments.{i}"),
                    vpc,
                    &[Kind::Vpc],
                );
            }
        }
        ElementKind::VpcPeering(p) => {
            if p.peers.len() != 2 || p.peers[0] == p.peers[1] {
                errors.push(invalid(
                    Section::Element,
                    id,
                    "kind.peers",
                    "must name exactly two different VPCs",
                ));
            }
            for (i, vpc) in p.peers.iter().enumerate() {
                check_ref(
                    errors,
                    kinds,
                    id,
                    &format!("kind.peers.{i}"),
                    vpc,
                    &[Kind::Vpc],
                );
            }
        }
        ElementKind::RouteTable(t) => {
            for (i, r) in t.routes.iter().enumerate() {
                check_cidr(
                    errors,
                    id,
                    &format!("kind.routes.{i}.destination"),
                    &r.destination,
                );
                if let RouteVia::Element(via) = &r.via {
                    check_ref(
                        errors,
                        kinds,
                        id,
                        &format!("kind.routes.{i}.via"),
                        via,
                        &[
                            Kind::TransitGateway,
                            Kind::VpcPeering,
                            Kind::EgressGateway,
                            Kind::VnfFirewall,
                        ],
                    );
                }
            }
        }
        ElementKind::NetworkAcl(a) => {
            for (dir, rules) in [("inbound", &a.inbound), ("outbound", &a.outbound)] {
                for (i, r) in rules.iter().enumerate() {
                    check_cidr(errors, id, &format!("kind.{dir}.{i}.cidr"), &r.cidr);
                    check_ports(errors, id, &format!("kind.{dir}.{i}.ports"), r.ports);
                }
            }
        }
        ElementKind::SecurityGroup(g) => {
            for (dir, rules) in [("inbound", &g.inbound), ("outbound", &g.outbound)] {
                for (i, r) in rules.iter().enumerate() {
                    let field = format!("kind.{dir}.{i}.peer");
                    match &r.peer {
                        Peer::Cidr(c) => check_cidr(errors, id, &field, c),
                        Peer::Element(p) => check_ref(errors, kinds, id, &field, p, &[]),
                    }
                    check_ports(errors, id, &format!("kind.{dir}.{i}.ports"), r.ports);
                }
            }
        }
        _ => {}
    }
}

fn check_cycles(errors: &mut Vec<ModelError>, model: &ThreatModel) {
    let parent: HashMap<&str, &str> = model
        .elements
        .iter()
        .filter_map(|e| e.parent.as_deref().map(|p| (e.id.as_str(), p)))
        .collect();
    // 0 = unseen, 1 = on the current walk, 2 = known to reach a root.
    let mut state: HashMap<&str, u8> = HashMap::new();
    for e in &model.elements {
        let mut walk = Vec::new();
        let mut at = e.id.as_str();
        loop {
            match state.get(at) {
                Some(2) => break,
                Some(1) => {
                    let start = walk.iter().position(|w| *w == at).unwrap_or(0);
                    let mut cycle: Vec<&str> = walk[start..].to_vec();
                    cycle.push(at);
                    errors.push(invalid(
                        Section::Element,
                        at,
                        "parent",
                        format!("containment cycle: {}", cycle.join(" -> ")),
                    ));
                    break;
                }
                _ => {}
            }
            state.insert(at, 1);
            walk.push(at);
            match parent.get(at) {
                Some(p) => at = p,
                None => break,
            }
        }
        for w in walk {
            state.insert(w, 2);
        }
    }
}

fn check_flow(errors: &mut Vec<ModelError>, kinds: &HashMap<&str, Kind>, f: &DataFlow) {
    let id = f.id.as_str();
    for (field, end) in [("source", &f.source), ("target", &f.target)] {
        match kinds.get(end.as_str()) {
            None => errors.push(invalid(
                Section::Flow,
                id,
                field,
                format!("references {end:?}, which does not exist"),
            )),
            Some(k) if !k.is_flow_endpoint() => errors.push(invalid(
                Section::Flow,
                id,
                field,
                format!(
                    "references {end:?} of kind {}; flows connect components, not boundaries or configuration",
                    kind_name(*k)
                ),
            )),
            Some(_) => {}
        }
    }
    if f.source == f.target {
        errors.push(invalid(
            Section::Flow,
            id,
            "target",
            "a flow cannot start and end at the same element",
        ));
    }
    if f.protocol.trim().is_empty() {
        errors.push(invalid(Section::Flow, id, "protocol", "must not be empty"));
    }
    if let Some(scope) = &f.out_of_scope {
        if scope.reason.trim().is_empty() {
            errors.push(invalid(
                Section::Flow,
                id,
                "out_of_scope.reason",
                "must say why",
            ));
        }
    }
}

fn check_dread(
    errors: &mut Vec<ModelError>,
    section: Section,
    id: &str,
    field: &str,
    d: &crate::Dread,
) {
    if d.factors().iter().any(|f| *f > crate::dread::MAX_FACTOR) {
        errors.push(invalid(
            section,
            id,
            field,
            "every factor must be from 0 to 10",
        ));
    }
}

fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let num = |r: std::ops::Range<usize>| s.get(r).and_then(|p| p.parse::<u32>().ok());
    matches!(
        (num(0..4), num(5..7), num(8..10)),
        (Some(_), Some(1..=12), Some(1..=31))
    )
}

fn check_people(
    errors: &mut Vec<ModelError>,
    model: &ThreatModel,
    kinds: &HashMap<&str, Kind>,
    flow_ids: &HashSet<&str>,
) {
    let mut seen = HashSet::new();
    for a in &model.assets {
        check_id(errors, Section::Asset, &a.id);
        if !seen.insert(a.id.as_str()) {
            errors.push(invalid(Section::Asset, &a.id, "id", "is used twice"));
        }
        for (i, s) in a.stored_in.iter().enumerate() {
            if !kinds.contains_key(s.as_str()) {
                errors.push(invalid(
                    Section::Asset,
                    &a.id,
                    &format!("stored_in.{i}"),
                    format!("references {s:?}, which does not exist"),
                ));
            }
        }
    }
    let mut seen = HashSet::new();
    for a in &model.threat_agents {
        check_id(errors, Section::ThreatAgent, &a.id);
        if !seen.insert(a.id.as_str()) {
            errors.push(invalid(Section::ThreatAgent, &a.id, "id", "is used twice"));
        }
    }
    let mut seen = HashSet::new();
    for t in &model.threats {
        check_id(errors, Section::Threat, &t.id);
        if !seen.insert(t.id.as_str()) {
            errors.push(invalid(Section::Threat, &t.id, "id", "is used twice"));
        }
        if !kinds.contains_key(t.target.as_str()) && !flow_ids.contains(t.target.as_str()) {
            errors.push(invalid(
                Section::Threat,
                &t.id,
                "target",
                format!(
                    "references {:?}, which is neither an element nor a flow",
                    t.target
                ),
            ));
        }
        if t.title.trim().is_empty() {
            errors.push(invalid(
                Section::Threat,
                &t.id,
                "title",
                "must not be empty",
            ));
        }
        check_dread(errors, Section::Threat, &t.id, "dread", &t.dread);
    }
    for (key, d) in &model.decisions {
        if key.trim().is_empty() {
            errors.push(invalid(
                Section::Decision,
                key,
                "",
                "threat key must not be empty",
            ));
        }
        if d.status.needs_justification()
            && d.justification
                .as_deref()
                .is_none_or(|j| j.trim().is_empty())
        {
            errors.push(invalid(
                Section::Decision,
                key,
                "justification",
                format!("a threat marked {} needs a justification", d.status),
            ));
        }
        if let Some(due) = &d.due {
            if !is_date(due) {
                errors.push(invalid(
                    Section::Decision,
                    key,
                    "due",
                    format!("{due:?} is not a date (YYYY-MM-DD)"),
                ));
            }
        }
        if let Some(dread) = &d.dread {
            check_dread(errors, Section::Decision, key, "dread", dread);
        }
    }
    for s in &model.suppressions {
        if s.justification.trim().is_empty() {
            errors.push(invalid(
                Section::Suppression,
                &s.rule,
                "justification",
                "a suppressed rule needs a justification",
            ));
        }
    }
}

#[cfg(test)]
mod tests;
