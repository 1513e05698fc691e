//! Reading the OpenAPI document for the reference page: pure functions over the parsed JSON
//! (`serde_json::Value`, walked rather than typed, to keep the wasm small). The operations with
//! their anchors and filter text, a schema's type in a few words ([`Ty`]), an object's fields,
//! the variants of a `oneOf`, and `$ref` resolution.

use serde_json::Value;

/// The HTTP methods a path item can hold, in the order the page lists them.
pub const METHODS: [&str; 8] = [
    "get", "post", "put", "patch", "delete", "head", "options", "trace",
];

/// Where `$ref`s to schemas point.
const SCHEMAS: &str = "#/components/schemas/";

/// A schema's type, compactly: what the page shows in a Type column.
#[derive(Clone, Debug, PartialEq)]
pub enum Ty {
    /// A named schema (`$ref`), shown as a link to it.
    Ref(String),
    /// A JSON type, with its format when there is one: `string (uuid)`.
    Plain(String),
    /// A constant or enum value, as JSON: `"add_element"`.
    Literal(String),
    Array(Box<Ty>),
    /// An object with arbitrary keys (`additionalProperties`).
    Map(Box<Ty>),
    /// `oneOf`, `anyOf`, an `enum` or a list of types.
    Union(Vec<Ty>),
    /// `allOf` of several schemas.
    All(Vec<Ty>),
    /// An object described by its properties (listed beside the type).
    Object,
    Any,
}

impl std::fmt::Display for Ty {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Ty::Ref(name) => f.write_str(name),
            Ty::Plain(text) | Ty::Literal(text) => f.write_str(text),
            Ty::Array(inner) => write!(f, "array of {}", Grouped(inner)),
            Ty::Map(inner) => write!(f, "map of {}", Grouped(inner)),
            Ty::Union(parts) | Ty::All(parts) => {
                let sep = if matches!(self, Ty::Union(_)) {
                    " | "
                } else {
                    " & "
                };
                for (i, part) in parts.iter().enumerate() {
                    if i > 0 {
                        f.write_str(sep)?;
                    }
                    write!(f, "{}", Grouped(part))?;
                }
                Ok(())
            }
            Ty::Object => f.write_str("object"),
            Ty::Any => f.write_str("any"),
        }
    }
}

/// A type inside another, parenthesised when it is a union.
struct Grouped<'a>(&'a Ty);

impl std::fmt::Display for Grouped<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            Ty::Union(_) | Ty::All(_) => write!(f, "({})", self.0),
            other => write!(f, "{other}"),
        }
    }
}

impl Ty {
    /// Whether the type needs parentheses inside an array or a union.
    pub fn is_compound(&self) -> bool {
        matches!(self, Ty::Union(_) | Ty::All(_))
    }
}

/// The schema name a `$ref` points at (`#/components/schemas/Name` → `Name`).
pub fn ref_name(reference: &str) -> &str {
    reference.strip_prefix(SCHEMAS).unwrap_or(reference)
}

/// `schema`'s type in a few words.
pub fn describe(schema: &Value) -> Ty {
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        return Ty::Ref(ref_name(reference).to_string());
    }
    if let Some(value) = schema.get("const") {
        return Ty::Literal(value.to_string());
    }
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        return union(values.iter().map(|v| Ty::Literal(v.to_string())).collect());
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(list) = schema.get(key).and_then(Value::as_array) {
            return union(list.iter().map(describe).collect());
        }
    }
    if let Some(list) = schema.get("allOf").and_then(Value::as_array) {
        let mut parts: Vec<Ty> = list.iter().map(describe).collect();
        if has_fields(schema) {
            parts.push(Ty::Object);
        }
        return match parts.len() {
            0 => Ty::Any,
            1 => parts.remove(0),
            _ => Ty::All(parts),
        };
    }
    match schema.get("type") {
        Some(Value::String(name)) => single(schema, name),
        Some(Value::Array(names)) => union(
            names
                .iter()
                .filter_map(Value::as_str)
                .map(|name| single(schema, name))
                .collect(),
        ),
        _ if has_fields(schema) => Ty::Object,
        _ => Ty::Any,
    }
}

fn single(schema: &Value, name: &str) -> Ty {
    match name {
        "array" => Ty::Array(Box::new(
            schema.get("items").map(describe).unwrap_or(Ty::Any),
        )),
        "object" => match schema.get("additionalProperties") {
            Some(values @ Value::Object(_)) if !has_fields(schema) => {
                Ty::Map(Box::new(describe(values)))
            }
            _ => Ty::Object,
        },
        other => match schema.get("format").and_then(Value::as_str) {
            Some(format) => Ty::Plain(format!("{other} ({format})")),
            None => Ty::Plain(other.to_string()),
        },
    }
}

/// A union of `parts`, flattened, without repeats; a single part stands alone.
fn union(parts: Vec<Ty>) -> Ty {
    let mut flat = Vec::new();
    for part in parts {
        let inner = match part {
            Ty::Union(inner) => inner,
            other => vec![other],
        };
        for ty in inner {
            if !flat.contains(&ty) {
                flat.push(ty);
            }
        }
    }
    match flat.len() {
        0 => Ty::Any,
        1 => flat.remove(0),
        _ => Ty::Union(flat),
    }
}

fn has_fields(schema: &Value) -> bool {
    schema
        .get("properties")
        .and_then(Value::as_object)
        .is_some_and(|p| !p.is_empty())
}

/// A property of an object schema.
#[derive(Debug)]
pub struct Field<'a> {
    pub name: &'a str,
    pub schema: &'a Value,
    pub required: bool,
}

/// The properties of an object schema, including those of inline `allOf` members, in the
/// document's order.
pub fn fields(schema: &Value) -> Vec<Field<'_>> {
    let mut out = Vec::new();
    collect_fields(schema, &mut out);
    if let Some(list) = schema.get("allOf").and_then(Value::as_array) {
        for member in list {
            collect_fields(member, &mut out);
        }
    }
    out
}

fn collect_fields<'a>(schema: &'a Value, out: &mut Vec<Field<'a>>) {
    let Some(properties) = schema.get("properties").and_then(Value::as_object) else {
        return;
    };
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    for (name, property) in properties {
        out.push(Field {
            name,
            schema: property,
            required: required.contains(&name.as_str()),
        });
    }
}

/// The named schemas whose fields an object schema also has: a `$ref` beside its own
/// properties, or `$ref` members of its `allOf`.
pub fn included(schema: &Value) -> Vec<String> {
    let mut out = Vec::new();
    if has_fields(schema) {
        if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
            out.push(ref_name(reference).to_string());
        }
    }
    if let Some(list) = schema.get("allOf").and_then(Value::as_array) {
        for member in list {
            if let Some(reference) = member.get("$ref").and_then(Value::as_str) {
                out.push(ref_name(reference).to_string());
            }
        }
    }
    out
}

/// The members of a `oneOf` or `anyOf` worth listing one by one: those of a union where at
/// least one member is an object with fields (a tagged enum such as `Operation`), not a plain
/// `X | null`.
pub fn variants(schema: &Value) -> Option<&[Value]> {
    ["oneOf", "anyOf"].into_iter().find_map(|key| {
        let list = schema.get(key)?.as_array()?;
        list.iter()
            .any(|member| has_fields(member) || member.get("allOf").is_some())
            .then_some(list.as_slice())
    })
}

/// The tag of a variant: the property whose value is fixed (`"op": {"const": "add_element"}`),
/// `op` first, as `(name, JSON value)`.
pub fn variant_tag(variant: &Value) -> Option<(String, String)> {
    let properties = variant.get("properties")?.as_object()?;
    let fixed = |schema: &Value| -> Option<String> {
        if let Some(value) = schema.get("const") {
            return Some(value.to_string());
        }
        match schema.get("enum")?.as_array()?.as_slice() {
            [one] => Some(one.to_string()),
            _ => None,
        }
    };
    if let Some(value) = properties.get("op").and_then(fixed) {
        return Some(("op".to_string(), value));
    }
    properties
        .iter()
        .find_map(|(name, schema)| fixed(schema).map(|value| (name.clone(), value)))
}

/// What a local `$ref` (`#/components/...`) points at, or `value` itself.
pub fn resolve<'a>(document: &'a Value, value: &'a Value) -> &'a Value {
    let mut current = value;
    // A few hops at most: a reference to a reference is rare, a cycle would be a bug.
    for _ in 0..4 {
        let Some(reference) = current.get("$ref").and_then(Value::as_str) else {
            break;
        };
        let Some(pointer) = reference.strip_prefix('#') else {
            break;
        };
        match document.pointer(pointer) {
            Some(target) => current = target,
            None => break,
        }
    }
    current
}

/// A string field of an object, when present and not blank.
pub fn text<'a>(value: &'a Value, key: &str) -> Option<&'a str> {
    value
        .get(key)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

/// An element id made of `prefix` and `name` in characters that need no escaping in a URL
/// fragment or a CSS selector.
pub fn anchor(prefix: &str, name: &str) -> String {
    let mut out = String::with_capacity(prefix.len() + name.len() + 1);
    out.push_str(prefix);
    out.push('-');
    let mut last_dash = true;
    for c in name.chars() {
        if c.is_ascii_alphanumeric() || c == '_' {
            out.push(c);
            last_dash = false;
        } else if !last_dash {
            out.push('-');
            last_dash = true;
        }
    }
    while out.ends_with('-') && out.len() > prefix.len() + 1 {
        out.pop();
    }
    out
}

/// The element id of a named schema's section.
pub fn schema_anchor(name: &str) -> String {
    anchor("schema", name)
}

/// An operation of the document.
#[derive(Debug)]
pub struct Operation<'a> {
    /// Lowercase, as in the document.
    pub method: &'static str,
    pub path: &'a str,
    /// The operation object.
    pub value: &'a Value,
    /// Its element id: `op-` and the `operationId`.
    pub anchor: String,
    /// What the filter searches, in ASCII lowercase: method, path, tag, id, summary, description,
    /// parameter names.
    pub haystack: String,
}

/// A tag and its operations.
#[derive(Debug)]
pub struct Group<'a> {
    pub tag: String,
    pub description: Option<&'a str>,
    pub operations: Vec<Operation<'a>>,
}

/// The document's operations grouped by their first tag: the tags the document lists first,
/// in its order, then the others alphabetically (`other` for untagged operations). Paths come
/// in the document's order, methods in [`METHODS`] order.
pub fn groups(document: &Value) -> Vec<Group<'_>> {
    let mut groups: Vec<Group<'_>> = Vec::new();
    let listed = document
        .get("tags")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    for tag in listed {
        if let Some(name) = text(tag, "name") {
            groups.push(Group {
                tag: name.to_string(),
                description: text(tag, "description"),
                operations: Vec::new(),
            });
        }
    }
    let listed_count = groups.len();
    let Some(paths) = document.get("paths").and_then(Value::as_object) else {
        return Vec::new();
    };
    for (path, item) in paths {
        for method in METHODS {
            let Some(value) = item.get(method).filter(|v| v.is_object()) else {
                continue;
            };
            let tag = value
                .get("tags")
                .and_then(|t| t.get(0))
                .and_then(Value::as_str)
                .unwrap_or("other")
                .to_string();
            let operation = operation(method, path, value, &tag);
            match groups.iter_mut().find(|g| g.tag == tag) {
                Some(group) => group.operations.push(operation),
                None => groups.push(Group {
                    tag,
                    description: None,
                    operations: vec![operation],
                }),
            }
        }
    }
    groups[listed_count..].sort_by(|a, b| a.tag.cmp(&b.tag));
    groups.retain(|g| !g.operations.is_empty());
    groups
}

fn operation<'a>(
    method: &'static str,
    path: &'a str,
    value: &'a Value,
    tag: &str,
) -> Operation<'a> {
    let id = text(value, "operationId");
    let anchor = match id {
        Some(id) => anchor("op", id),
        None => anchor("op", &format!("{method} {path}")),
    };
    let mut haystack = format!("{method} {path} {tag}");
    for part in [id, text(value, "summary"), text(value, "description")]
        .into_iter()
        .flatten()
    {
        haystack.push(' ');
        haystack.push_str(part);
    }
    for parameter in value
        .get("parameters")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        if let Some(name) = text(parameter, "name") {
            haystack.push(' ');
            haystack.push_str(name);
        }
    }
    Operation {
        method,
        path,
        value,
        anchor,
        haystack: haystack.to_ascii_lowercase(),
    }
}

/// Whether an operation's filter text holds every word of `query`, ignoring ASCII case (the
/// Unicode case tables would add to the wasm for nothing: the document is ASCII).
pub fn matches(haystack: &str, query: &str) -> bool {
    query
        .split_whitespace()
        .all(|word| haystack.contains(&word.to_ascii_lowercase()))
}

/// The standard meaning of a status code, for responses the document does not describe.
pub fn reason(status: &str) -> Option<&'static str> {
    Some(match status {
        "200" => "OK",
        "201" => "Created",
        "204" => "No Content",
        "304" => "Not Modified",
        "400" => "Bad Request",
        "401" => "Unauthorized: not signed in, or a bad token",
        "403" => "Forbidden",
        "404" => "Not Found",
        "409" => "Conflict",
        "410" => "Gone",
        "412" => "Precondition Failed",
        "413" => "Content Too Large",
        "415" => "Unsupported Media Type",
        "422" => "Unprocessable Content",
        "428" => "Precondition Required",
        "429" => "Too Many Requests",
        _ => return None,
    })
}

/// Text with `backtick` spans, as `(is_code, part)` pieces.
pub fn code_spans(text: &str) -> Vec<(bool, &str)> {
    text.split('`')
        .enumerate()
        .filter(|(_, part)| !part.is_empty())
        .map(|(i, part)| (i % 2 == 1, part))
        .collect()
}

/// A description's paragraphs (blank-line separated), each with its lines joined.
pub fn paragraphs(text: &str) -> Vec<String> {
    text.split("\n\n")
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|p| !p.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn types_read_compactly() {
        let cases = [
            (
                json!({"$ref": "#/components/schemas/ModelView"}),
                "ModelView",
            ),
            (json!({"type": "string", "format": "uuid"}), "string (uuid)"),
            (json!({"type": ["string", "null"]}), "string | null"),
            (
                json!({"type": "array", "items": {"$ref": "#/components/schemas/TokenView"}}),
                "array of TokenView",
            ),
            (
                json!({"oneOf": [{"type": "null"}, {"$ref": "#/components/schemas/Role"}]}),
                "null | Role",
            ),
            (
                json!({"type": "string", "enum": ["owner", "viewer"]}),
                r#""owner" | "viewer""#,
            ),
            (json!({"const": "add_element"}), r#""add_element""#),
            (
                json!({"type": "object", "additionalProperties": {"type": "integer"}}),
                "map of integer",
            ),
            (
                json!({"type": "array", "items": {"type": ["integer", "null"]}}),
                "array of (integer | null)",
            ),
            (json!({"allOf": [{"$ref": "#/components/schemas/A"}]}), "A"),
            (json!({"type": "object", "properties": {"a": {}}}), "object"),
            (json!({}), "any"),
        ];
        for (schema, expected) in cases {
            assert_eq!(describe(&schema).to_string(), expected, "{schema}");
        }
    }

    #[test]
    fn fields_keep_their_required_flag_and_include_all_of_members() {
        let schema = json!({
            "type": "object",
            "required": ["base_revision"],
            "properties": {"base_revision": {"type": "integer"}, "note": {"type": "string"}},
            "allOf": [{"$ref": "#/components/schemas/Base"}, {"properties": {"extra": {}}}]
        });
        let got: Vec<(&str, bool)> = fields(&schema)
            .iter()
            .map(|f| (f.name, f.required))
            .collect();
        assert_eq!(
            got,
            [("base_revision", true), ("note", false), ("extra", false)]
        );
        assert_eq!(included(&schema), ["Base"]);
    }

    #[test]
    fn tagged_variants_are_listed_with_their_tag_and_nullable_refs_are_not() {
        let operation = json!({"oneOf": [
            {"type": "object", "properties": {"op": {"type": "string", "const": "add_element"}}},
            {"type": "object", "properties": {"op": {"enum": ["remove_flow"]}, "id": {}}}
        ]});
        let list = variants(&operation).unwrap();
        let tags: Vec<_> = list.iter().filter_map(variant_tag).collect();
        assert_eq!(
            tags,
            [
                ("op".to_string(), r#""add_element""#.to_string()),
                ("op".to_string(), r#""remove_flow""#.to_string())
            ]
        );
        let nullable = json!({"oneOf": [{"type": "null"}, {"$ref": "#/components/schemas/X"}]});
        assert!(variants(&nullable).is_none());
    }

    #[test]
    fn operations_group_by_tag_with_anchors_and_filter_text() {
        let document = json!({
            "tags": [{"name": "tokens", "description": "API tokens"}],
            "paths": {
                "/models/{id}/operations": {"post": {
                    "tags": ["models"], "operationId": "apply_operations",
                    "summary": "Applies a batch", "parameters": [{"name": "id", "in": "path"}]
                }},
                "/tokens": {
                    "get": {"tags": ["tokens"], "operationId": "list_tokens"},
                    "post": {"tags": ["tokens"], "operationId": "create_token"}
                },
                "/healthz": {"get": {}}
            }
        });
        let groups = groups(&document);
        let summary: Vec<(&str, Vec<&str>)> = groups
            .iter()
            .map(|g| {
                (
                    g.tag.as_str(),
                    g.operations.iter().map(|o| o.anchor.as_str()).collect(),
                )
            })
            .collect();
        assert_eq!(
            summary,
            [
                ("tokens", vec!["op-list_tokens", "op-create_token"]),
                ("models", vec!["op-apply_operations"]),
                ("other", vec!["op-get-healthz"]),
            ]
        );
        let apply = &groups[1].operations[0];
        assert!(matches(&apply.haystack, "POST batch"));
        assert!(matches(&apply.haystack, ""));
        assert!(!matches(&apply.haystack, "tokens"));
        assert!(matches(&groups[0].operations[1].haystack, "tokens"));
    }

    #[test]
    fn references_resolve_within_the_document() {
        let document = json!({"components": {"schemas": {"A": {"$ref": "#/components/schemas/B"}, "B": {"type": "string"}}}});
        let reference = json!({"$ref": "#/components/schemas/A"});
        assert_eq!(resolve(&document, &reference), &json!({"type": "string"}));
        let missing = json!({"$ref": "#/components/schemas/Z"});
        assert_eq!(resolve(&document, &missing), &missing);
    }

    #[test]
    fn anchors_and_text_helpers() {
        assert_eq!(schema_anchor("Vec<TokenView>"), "schema-Vec-TokenView");
        assert_eq!(
            anchor("op", "post /models/{id}/operations"),
            "op-post-models-id-operations"
        );
        assert_eq!(
            code_spans("see the `Operation` schema"),
            [(false, "see the "), (true, "Operation"), (false, " schema")]
        );
        assert_eq!(paragraphs("one\ntwo\n\n three "), ["one two", "three"]);
    }
}
