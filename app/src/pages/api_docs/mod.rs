//! `/api`: the API reference, Rampart's own rendering of its OpenAPI document (no Swagger UI).
//! The server renders the introduction and the filter box; after hydration the browser fetches
//! `GET /api/v1/openapi.json` (public) and shows the operations grouped by tag (parameters,
//! request body, responses) and the schemas, with `$ref`s as links between them. The filter
//! hides the operations that do not match; every operation and schema has an anchor id.

mod node;
mod spec;

use crate::api::{use_api, BASE};
use crate::erase::{Erase, When};
use crate::hooks::use_hydrated;
use leptos::prelude::*;
use leptos_meta::Title;
use node::{classed, el, link, render, render_all, Node};
use serde_json::Value;
use spec::{describe, fields, included, resolve, schema_anchor, text, variant_tag, variants, Ty};

/// How deep inline objects inside fields are unfolded.
const MAX_DEPTH: usize = 2;

/// The API reference page.
#[component]
pub fn ApiDocsPage() -> impl IntoView {
    let api = use_api();
    let hydrated = use_hydrated();
    let document =
        LocalResource::new(move || async move { api.get::<Value>("/openapi.json").await });
    let filter = RwSignal::new(String::new());
    let loaded = move || document.with(|d| matches!(d, Some(Ok(_))));

    // A link from elsewhere (`/api#op-…`) arrives before the operations exist: once they are
    // on the page, go to its target.
    Effect::new(move |previous: Option<bool>| {
        let now = loaded();
        if now && previous != Some(true) {
            request_animation_frame(scroll_to_fragment);
        }
        now
    });

    let introduction = move || {
        document.with(|d| match d {
            Some(Ok(doc)) => render_all(introduction_nodes(doc)).erase(),
            _ => view! {
                <dl class="api-facts">
                    <dt>"Server URL"</dt>
                    <dd><code>{BASE}</code></dd>
                </dl>
            }
            .erase(),
        })
    };

    let operations = move || {
        document.with(|d| match d {
            None => {
                view! { <p class="hint" role="status">"Loading the API description…"</p> }.erase()
            }
            Some(Err(err)) => view! {
                <div class="api-error" role="alert">
                    <p class="form-error">
                        {format!("The API description could not be loaded. {err}")}
                    </p>
                    <button type="button" class="secondary" on:click=move |_| document.refetch()>
                        "Try again"
                    </button>
                </div>
            }
            .erase(),
            Some(Ok(doc)) => operations_view(doc, filter).erase(),
        })
    };

    let schemas = move || {
        document.with(|d| match d {
            Some(Ok(doc)) => schemas_view(doc).erase(),
            _ => ().erase(),
        })
    };

    view! {
        <Title text="API reference"/>
        <div class="page-stack api-docs" data-hydrated=move || hydrated.get().to_string()>
            <section class="page" aria-labelledby="api-title">
                <h1 id="api-title">"API reference"</h1>
                <p class="lead">
                    "The contract for scripts and CI, described by its OpenAPI document."
                </p>
                {introduction}
                <h2>"Authentication"</h2>
                <ul class="api-auth">
                    <li>
                        <strong>"In the browser: "</strong>
                        "the session cookie, set by signing in. Every request other than GET, HEAD and OPTIONS also needs the "
                        <code>"X-CSRF-Token"</code>
                        " header (its value from "
                        <code>"GET /api/v1/auth/csrf"</code>
                        ") and a same-origin "
                        <code>"Origin"</code>
                        "."
                    </li>
                    <li>
                        <strong>"From scripts and CI: "</strong>
                        <code>"Authorization: Bearer <token>"</code>
                        ", with an API token made on the "
                        <a href="/account">"account page"</a>
                        ". No CSRF token is needed then."
                    </li>
                </ul>
                <p>
                    <a class="button secondary" href=format!("{BASE}/openapi.json") download="openapi.json">
                        "Download openapi.json"
                    </a>
                </p>
            </section>
            <section class="page" aria-labelledby="api-operations">
                <h2 id="api-operations">"Operations"</h2>
                <div class="field api-filter">
                    <label for="api-filter">"Filter operations"</label>
                    <input
                        id="api-filter"
                        type="search"
                        placeholder="Path or text, e.g. tokens"
                        bind:value=filter
                        disabled=move || !hydrated.get() || !loaded()
                    />
                </div>
                {operations}
            </section>
            {schemas}
        </div>
    }
    .erase()
}

/// Goes to the element the address's fragment names, if it exists now.
fn scroll_to_fragment() {
    #[cfg(feature = "hydrate")]
    {
        let Ok(hash) = window().location().hash() else {
            return;
        };
        let id = hash.trim_start_matches('#');
        if id.is_empty() {
            return;
        }
        if let Some(element) = document().get_element_by_id(id) {
            element.scroll_into_view();
        }
    }
}

/// The document's own description, server URLs and version.
fn introduction_nodes(doc: &Value) -> Vec<Node> {
    let info = doc.get("info").unwrap_or(&Value::Null);
    let mut servers: Vec<Node> = doc
        .get("servers")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|s| text(s, "url"))
        .flat_map(|url| [code(url), node::text(" ")])
        .collect();
    if servers.is_empty() {
        servers.push(code(BASE));
    }
    let mut facts = vec![el("dt", vec![node::text("Server URL")]), el("dd", servers)];
    if let Some(version) = text(info, "version") {
        facts.push(el("dt", vec![node::text("Version")]));
        facts.push(el("dd", vec![node::text(version)]));
    }
    let mut out = text(info, "description").map(prose).unwrap_or_default();
    out.push(classed("dl", "api-facts", facts));
    out
}

/// The operations, grouped by tag, with their table of contents and the filter's count.
fn operations_view(doc: &Value, filter: RwSignal<String>) -> impl IntoView {
    let groups = spec::groups(doc);
    let haystacks: Vec<String> = groups
        .iter()
        .flat_map(|g| g.operations.iter().map(|o| o.haystack.clone()))
        .collect();
    let total = haystacks.len();
    let shown = move || filter.with(|f| haystacks.iter().filter(|h| spec::matches(h, f)).count());
    let count = {
        let shown = shown.clone();
        move || {
            let n = shown();
            if n == total {
                format!("{total} operations.")
            } else {
                format!("{n} of {total} operations match.")
            }
        }
    };
    let mut toc: Vec<Node> = groups
        .iter()
        .map(|g| {
            let href = format!("#{}", spec::anchor("tag", &g.tag));
            let label = format!("{} ({})", g.tag, g.operations.len());
            el("li", vec![link(href, None, vec![node::text(label)])])
        })
        .collect();
    toc.push(el(
        "li",
        vec![link("#schemas".into(), None, vec![node::text("Schemas")])],
    ));
    let toc = el("ul", toc);
    let sections = groups
        .into_iter()
        .map(|group| {
            let hays: Vec<String> = group
                .operations
                .iter()
                .map(|o| o.haystack.clone())
                .collect();
            let hidden = move || filter.with(|f| !hays.iter().any(|h| spec::matches(h, f)));
            let id = spec::anchor("tag", &group.tag);
            let mut heading = vec![classed(
                "h3",
                "api-tag-name",
                vec![node::text(group.tag.clone())],
            )];
            heading.extend(group.description.map(prose).unwrap_or_default());
            let operations = group
                .operations
                .iter()
                .map(|op| {
                    let haystack = op.haystack.clone();
                    let hidden = move || filter.with(|f| !spec::matches(&haystack, f));
                    view! {
                        <article class="api-op" id=op.anchor.clone() hidden=hidden>
                            {render_all(operation_nodes(doc, op))}
                        </article>
                    }
                })
                .collect_view();
            view! {
                <section class="api-tag" id=id hidden=hidden>
                    {render_all(heading)}
                    {operations}
                </section>
            }
        })
        .collect_view();
    view! {
        <nav class="api-toc" aria-label="API contents">{render(toc)}</nav>
        <p class="hint" role="status" aria-live="polite" data-testid="api-count">{count}</p>
        <When when=move || shown() == 0>
            <p class="hint">"No operations match."</p>
        </When>
        {sections}
    }
}

/// One operation: method and path (a link to itself), its description, parameters, request
/// body and responses.
fn operation_nodes(doc: &Value, op: &spec::Operation<'_>) -> Vec<Node> {
    let value = op.value;
    let mut title = vec![link(
        format!("#{}", op.anchor),
        None,
        vec![
            classed(
                "span",
                method_class(op.method),
                vec![node::text(op.method.to_ascii_uppercase())],
            ),
            node::text(" "),
            classed("code", "api-path", vec![node::text(op.path)]),
        ],
    )];
    if value.get("deprecated").and_then(Value::as_bool) == Some(true) {
        title.push(classed("span", "badge", vec![node::text("deprecated")]));
    }
    let mut out = vec![classed("h4", "api-op-title", title)];
    for key in ["summary", "description"] {
        out.extend(text(value, key).map(prose).unwrap_or_default());
    }
    let parameters: Vec<&Value> = value
        .get("parameters")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|p| resolve(doc, p))
        .collect();
    if !parameters.is_empty() {
        out.push(el("h5", vec![node::text("Parameters")]));
        let rows = parameters
            .iter()
            .map(|p| {
                let required = p.get("required").and_then(Value::as_bool) == Some(true);
                vec![
                    vec![code(text(p, "name").unwrap_or("?"))],
                    vec![node::text(text(p, "in").unwrap_or(""))],
                    vec![node::text(required_label(required))],
                    ty_nodes(&p.get("schema").map(describe).unwrap_or(Ty::Any)),
                    text(p, "description").map(inline_prose).unwrap_or_default(),
                ]
            })
            .collect();
        out.push(table(
            &["Name", "In", "Required", "Type", "Description"],
            rows,
        ));
    }
    if let Some(body) = value.get("requestBody") {
        out.extend(request_body_nodes(doc, resolve(doc, body)));
    }
    if let Some(responses) = value.get("responses").and_then(Value::as_object) {
        out.push(el("h5", vec![node::text("Responses")]));
        let rows = responses
            .iter()
            .map(|(status, response)| {
                let response = resolve(doc, response);
                let description = match text(response, "description") {
                    Some(description) => inline_prose(description),
                    None => vec![node::text(spec::reason(status).unwrap_or_default())],
                };
                let mut bodies = Vec::new();
                for (media, spec) in response
                    .get("content")
                    .and_then(Value::as_object)
                    .into_iter()
                    .flatten()
                {
                    if let Some(schema) = spec.get("schema") {
                        let mut body = ty_nodes(&describe(schema));
                        body.push(node::text(" "));
                        body.push(classed(
                            "span",
                            "hint",
                            vec![node::text(format!("({media})"))],
                        ));
                        bodies.push(classed("span", "api-media", body));
                    }
                }
                vec![
                    vec![classed(
                        "span",
                        status_class(status),
                        vec![node::text(status.clone())],
                    )],
                    description,
                    bodies,
                ]
            })
            .collect();
        out.push(table(&["Status", "Description", "Body"], rows));
    }
    out
}

fn request_body_nodes(doc: &Value, body: &Value) -> Vec<Node> {
    let mut heading = vec![node::text("Request body")];
    if body.get("required").and_then(Value::as_bool) != Some(true) {
        heading.push(classed("span", "hint", vec![node::text(" (optional)")]));
    }
    let mut out = vec![el("h5", heading)];
    out.extend(text(body, "description").map(prose).unwrap_or_default());
    for (media, spec) in body
        .get("content")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let schema = spec.get("schema");
        let mut line = vec![code(media), node::text(": ")];
        line.extend(ty_nodes(&schema.map(describe).unwrap_or(Ty::Any)));
        out.push(classed("p", "api-media", line));
        if let Some(schema) = schema {
            out.extend(fields_nodes(resolve(doc, schema), 0));
        }
    }
    out
}

/// The fields of an object schema as a table (nothing when it has no fields), with the named
/// schemas it also includes, and inline objects unfolded up to [`MAX_DEPTH`].
fn fields_nodes(schema: &Value, depth: usize) -> Vec<Node> {
    let list = fields(schema);
    let includes = included(schema);
    let mut out = Vec::new();
    if !includes.is_empty() {
        let mut line = vec![node::text("Also has the fields of ")];
        for (i, name) in includes.into_iter().enumerate() {
            if i > 0 {
                line.push(node::text(", "));
            }
            line.extend(ty_nodes(&Ty::Ref(name)));
        }
        line.push(node::text("."));
        out.push(classed("p", "hint", line));
    }
    if list.is_empty() {
        return out;
    }
    let rows = list
        .into_iter()
        .map(|field| {
            let mut description = text(field.schema, "description")
                .map(inline_prose)
                .unwrap_or_default();
            if let Some(default) = field.schema.get("default") {
                description.push(classed(
                    "span",
                    "hint",
                    vec![node::text(" Default: "), code(&default.to_string())],
                ));
            }
            if depth < MAX_DEPTH {
                if let Some(inline) = inline_object(field.schema) {
                    description.extend(fields_nodes(inline, depth + 1));
                }
            }
            vec![
                vec![code(field.name)],
                ty_nodes(&describe(field.schema)),
                vec![node::text(required_label(field.required))],
                description,
            ]
        })
        .collect();
    out.push(table(&["Field", "Type", "Required", "Description"], rows));
    out
}

/// The inline object schema a field holds, directly or as the items of an array (named
/// schemas are linked instead).
fn inline_object(schema: &Value) -> Option<&Value> {
    let has = |s: &Value| s.get("properties").is_some() && s.get("$ref").is_none();
    if has(schema) {
        return Some(schema);
    }
    schema.get("items").filter(|items| has(items))
}

/// `components.schemas`, each with its fields, variants or type.
fn schemas_view(doc: &Value) -> impl IntoView {
    let schemas: Vec<Node> = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .map(|(name, schema)| schema_node(name, schema))
        .collect();
    view! {
        <section class="page api-schemas" id="schemas" aria-labelledby="api-schemas-title">
            <h2 id="api-schemas-title">"Schemas"</h2>
            {render_all(schemas)}
        </section>
    }
}

fn schema_node(name: &str, schema: &Value) -> Node {
    let mut children = vec![classed("h3", "mono", vec![node::text(name)])];
    children.extend(text(schema, "description").map(prose).unwrap_or_default());
    if let Some(list) = variants(schema) {
        children.push(el("p", vec![node::text("One of:")]));
        let items = list
            .iter()
            .enumerate()
            .map(|(i, variant)| variant_node(i, variant))
            .collect();
        children.push(classed("ol", "api-variants", items));
    } else {
        let fields = fields_nodes(schema, 0);
        if fields.is_empty() {
            let mut line = vec![node::text("Type: ")];
            line.extend(ty_nodes(&describe(schema)));
            children.push(el("p", line));
        } else {
            children.extend(fields);
        }
    }
    classed("section", "api-schema", children).with_id(schema_anchor(name))
}

fn variant_node(index: usize, variant: &Value) -> Node {
    let title = match variant_tag(variant) {
        Some((tag, value)) => vec![code(&format!("{tag}: {value}"))],
        None => match text(variant, "title") {
            Some(title) => vec![node::text(title)],
            None => {
                let mut title = vec![node::text(format!("Variant {}: ", index + 1))];
                title.extend(ty_nodes(&describe(variant)));
                title
            }
        },
    };
    let mut children = vec![classed("p", "api-variant-title", title)];
    children.extend(text(variant, "description").map(prose).unwrap_or_default());
    children.extend(fields_nodes(variant, 1));
    classed("li", "api-variant", children)
}

/// A table with column headers and rows of cells.
fn table(headers: &[&str], rows: Vec<Vec<Vec<Node>>>) -> Node {
    let head = headers
        .iter()
        .map(|h| el("th", vec![node::text(*h)]))
        .collect();
    let body = rows
        .into_iter()
        .map(|cells| el("tr", cells.into_iter().map(|c| el("td", c)).collect()))
        .collect();
    classed(
        "div",
        "table-scroll",
        vec![classed(
            "table",
            "table api-table",
            vec![el("thead", vec![el("tr", head)]), el("tbody", body)],
        )],
    )
}

/// A type, with named schemas as links to their sections.
fn ty_nodes(ty: &Ty) -> Vec<Node> {
    let inner = |ty: &Ty| -> Vec<Node> {
        let mut out = ty_nodes(ty);
        if ty.is_compound() {
            out.insert(0, node::text("("));
            out.push(node::text(")"));
        }
        out
    };
    match ty {
        Ty::Ref(name) => vec![link(
            format!("#{}", schema_anchor(name)),
            Some("mono"),
            vec![node::text(name.clone())],
        )],
        Ty::Array(item) => {
            let mut out = vec![code("array of ")];
            out.extend(inner(item));
            out
        }
        Ty::Map(value) => {
            let mut out = vec![code("map of ")];
            out.extend(inner(value));
            out
        }
        Ty::Union(parts) | Ty::All(parts) => {
            let sep = if matches!(ty, Ty::Union(_)) {
                " | "
            } else {
                " & "
            };
            let mut out = Vec::new();
            for (i, part) in parts.iter().enumerate() {
                if i > 0 {
                    out.push(node::text(sep));
                }
                out.extend(inner(part));
            }
            out
        }
        other => vec![code(&other.to_string())],
    }
}

fn code(value: &str) -> Node {
    classed("span", "mono", vec![node::text(value)])
}

fn method_class(method: &str) -> &'static str {
    match method {
        "get" => "method get",
        "post" => "method post",
        "put" => "method put",
        "patch" => "method patch",
        "delete" => "method delete",
        _ => "method",
    }
}

fn status_class(status: &str) -> &'static str {
    match status.as_bytes().first() {
        Some(b'2') => "status s2",
        Some(b'4') => "status s4",
        Some(b'5') => "status s5",
        _ => "status",
    }
}

fn required_label(required: bool) -> &'static str {
    if required {
        "yes"
    } else {
        "no"
    }
}

/// A description as paragraphs, with `code` spans.
fn prose(value: &str) -> Vec<Node> {
    spec::paragraphs(value)
        .iter()
        .map(|p| el("p", inline_prose(p)))
        .collect()
}

/// A short description inline, with `code` spans.
fn inline_prose(value: &str) -> Vec<Node> {
    spec::code_spans(value)
        .into_iter()
        .map(|(is_code, part)| {
            if is_code {
                el("code", vec![node::text(part)])
            } else {
                node::text(part)
            }
        })
        .collect()
}
