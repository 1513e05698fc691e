//! `/api`: the API reference, Rampart's own rendering of its OpenAPI document (no Swagger UI).
//! The server renders the introduction and the filter box; after hydration the browser fetches
//! `GET /api/v1/openapi.json` (public) and shows the operations grouped by tag (parameters,
//! request body, responses) and the schemas, with `$ref`s as links between them. The filter
//! hides the operations that do not match; every operation and schema has an anchor id.

mod spec;

use crate::api::{use_api, BASE};
use crate::hooks::use_hydrated;
use leptos::prelude::*;
use leptos_meta::Title;
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
            Some(Ok(doc)) => {
                let info = doc.get("info").unwrap_or(&Value::Null);
                let version = text(info, "version").map(|v| format!("Version {v}"));
                let servers: Vec<String> = doc
                    .get("servers")
                    .and_then(Value::as_array)
                    .map(|list| {
                        list.iter()
                            .filter_map(|s| text(s, "url"))
                            .map(str::to_string)
                            .collect()
                    })
                    .unwrap_or_default();
                let servers = if servers.is_empty() {
                    vec![BASE.to_string()]
                } else {
                    servers
                };
                view! {
                    {text(info, "description").map(prose)}
                    <dl class="api-facts">
                        <dt>"Server URL"</dt>
                        <dd>
                            {servers
                                .into_iter()
                                .map(|url| view! { <code>{url}</code>" " })
                                .collect_view()}
                        </dd>
                        {version.map(|v| view! { <dt>"Version"</dt><dd>{v}</dd> })}
                    </dl>
                }
                .into_any()
            }
            _ => view! {
                <dl class="api-facts">
                    <dt>"Server URL"</dt>
                    <dd><code>{BASE}</code></dd>
                </dl>
            }
            .into_any(),
        })
    };

    let operations = move || {
        document.with(|d| match d {
            None => view! { <p class="hint" role="status">"Loading the API description…"</p> }
                .into_any(),
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
            .into_any(),
            Some(Ok(doc)) => operations_view(doc, filter).into_any(),
        })
    };

    let schemas = move || {
        document.with(|d| match d {
            Some(Ok(doc)) => schemas_view(doc).into_any(),
            _ => ().into_any(),
        })
    };

    view! {
        <Title text="API reference"/>
        <div class="page-stack api-docs" data-hydrated=move || hydrated.get().to_string()>
            <section class="page" aria-labelledby="api-title">
                <h1 id="api-title">"API reference"</h1>
                <p class="lead">
                    "Rampart's REST API: the contract for scripts and CI. Requests and answers are JSON; errors are "
                    <code>"{\"error\": {\"code\", \"message\", \"details\"}}"</code> "."
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
    .into_any()
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
    let toc = groups
        .iter()
        .map(|g| {
            let href = format!("#{}", spec::anchor("tag", &g.tag));
            let label = format!("{} ({})", g.tag, g.operations.len());
            view! { <li><a href=href>{label}</a></li> }
        })
        .collect_view();
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
            let operations = group
                .operations
                .iter()
                .map(|op| operation_view(doc, op, filter))
                .collect_view();
            view! {
                <section class="api-tag" id=id hidden=hidden>
                    <h3 class="api-tag-name">{group.tag.clone()}</h3>
                    {group.description.map(prose)}
                    {operations}
                </section>
            }
        })
        .collect_view();
    view! {
        <nav class="api-toc" aria-label="API contents">
            <ul>
                {toc}
                <li><a href="#schemas">"Schemas"</a></li>
            </ul>
        </nav>
        <p class="hint" role="status" aria-live="polite" data-testid="api-count">{count}</p>
        <Show when=move || shown() == 0>
            <p class="hint">"No operations match."</p>
        </Show>
        {sections}
    }
}

/// One operation: method and path (a link to itself), its description, parameters, request
/// body and responses.
fn operation_view(doc: &Value, op: &spec::Operation<'_>, filter: RwSignal<String>) -> AnyView {
    let value = op.value;
    let method = op.method.to_uppercase();
    let haystack = op.haystack.clone();
    let hidden = move || filter.with(|f| !spec::matches(&haystack, f));
    let badge = format!("method {}", op.method);
    let href = format!("#{}", op.anchor);
    let parameters: Vec<&Value> = value
        .get("parameters")
        .and_then(Value::as_array)
        .map(|list| list.iter().map(|p| resolve(doc, p)).collect())
        .unwrap_or_default();
    let deprecated = value.get("deprecated").and_then(Value::as_bool) == Some(true);
    view! {
        <article class="api-op" id=op.anchor.clone() hidden=hidden>
            <h4 class="api-op-title">
                <a href=href>
                    <span class=badge>{method}</span>
                    " "
                    <code class="api-path">{op.path.to_string()}</code>
                </a>
                {deprecated.then(|| view! { <span class="badge">"deprecated"</span> })}
            </h4>
            {text(value, "summary").map(prose)}
            {text(value, "description").map(prose)}
            {(!parameters.is_empty()).then(|| parameters_view(&parameters))}
            {value.get("requestBody").map(|body| request_body_view(doc, resolve(doc, body)))}
            {value.get("responses").and_then(Value::as_object).map(|r| responses_view(doc, r))}
        </article>
    }
    .into_any()
}

fn parameters_view(parameters: &[&Value]) -> impl IntoView {
    let rows = parameters
        .iter()
        .map(|p| {
            let name = text(p, "name").unwrap_or("?").to_string();
            let place = text(p, "in").unwrap_or("").to_string();
            let required = p.get("required").and_then(Value::as_bool) == Some(true);
            let ty = p.get("schema").map(describe).unwrap_or(Ty::Any);
            view! {
                <tr>
                    <td class="mono">{name}</td>
                    <td>{place}</td>
                    <td>{required_label(required)}</td>
                    <td>{ty_view(&ty)}</td>
                    <td>{text(p, "description").map(inline_prose)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <h5>"Parameters"</h5>
        <div class="table-scroll">
            <table class="table api-table">
                <thead>
                    <tr>
                        <th scope="col">"Name"</th>
                        <th scope="col">"In"</th>
                        <th scope="col">"Required"</th>
                        <th scope="col">"Type"</th>
                        <th scope="col">"Description"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

fn request_body_view(doc: &Value, body: &Value) -> impl IntoView {
    let required = body.get("required").and_then(Value::as_bool) == Some(true);
    let contents = body
        .get("content")
        .and_then(Value::as_object)
        .map(|content| {
            content
                .iter()
                .map(|(media, spec)| {
                    let schema = spec.get("schema");
                    let ty = schema.map(describe).unwrap_or(Ty::Any);
                    let fields = schema.map(|s| fields_view(resolve(doc, s), 0));
                    view! {
                        <p class="api-media">
                            <code>{media.clone()}</code>
                            ": "
                            {ty_view(&ty)}
                        </p>
                        {fields}
                    }
                })
                .collect_view()
        });
    view! {
        <h5>
            "Request body"
            {(!required).then(|| view! { <span class="hint">" (optional)"</span> })}
        </h5>
        {text(body, "description").map(prose)}
        {contents}
    }
}

fn responses_view(doc: &Value, responses: &serde_json::Map<String, Value>) -> impl IntoView {
    let rows = responses
        .iter()
        .map(|(status, response)| {
            let response = resolve(doc, response);
            let bodies = response
                .get("content")
                .and_then(Value::as_object)
                .map(|content| {
                    content
                        .iter()
                        .filter_map(|(media, spec)| {
                            let schema = spec.get("schema")?;
                            Some(view! {
                                <span class="api-media">
                                    {ty_view(&describe(schema))}
                                    " "
                                    <span class="hint">{format!("({media})")}</span>
                                </span>
                            })
                        })
                        .collect_view()
                });
            let class = format!("status s{}", status.chars().next().unwrap_or('x'));
            view! {
                <tr>
                    <td><span class=class>{status.clone()}</span></td>
                    <td>
                        {match text(response, "description") {
                            Some(description) => inline_prose(description).into_any(),
                            None => spec::reason(status).unwrap_or_default().into_any(),
                        }}
                    </td>
                    <td>{bodies}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <h5>"Responses"</h5>
        <div class="table-scroll">
            <table class="table api-table">
                <thead>
                    <tr>
                        <th scope="col">"Status"</th>
                        <th scope="col">"Description"</th>
                        <th scope="col">"Body"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

/// The fields of an object schema as a table (none when it has no fields), with the named
/// schemas it also includes, and inline objects unfolded up to [`MAX_DEPTH`].
fn fields_view(schema: &Value, depth: usize) -> Option<AnyView> {
    let list = fields(schema);
    let includes = included(schema);
    if list.is_empty() && includes.is_empty() {
        return None;
    }
    let includes = (!includes.is_empty()).then(|| {
        let links = includes
            .iter()
            .enumerate()
            .map(|(i, name)| view! { {(i > 0).then_some(", ")} {ty_view(&Ty::Ref(name.clone()))} })
            .collect_view();
        view! { <p class="hint">"Also has the fields of " {links} "."</p> }
    });
    let rows = list
        .into_iter()
        .map(|field| {
            let ty = describe(field.schema);
            let inline = inline_object(field.schema);
            let nested = (depth < MAX_DEPTH)
                .then(|| inline.and_then(|s| fields_view(s, depth + 1)))
                .flatten();
            let default = field.schema.get("default").map(
                |d| view! { <span class="hint">" Default: " <code>{d.to_string()}</code></span> },
            );
            view! {
                <tr>
                    <td class="mono">{field.name.to_string()}</td>
                    <td>{ty_view(&ty)}</td>
                    <td>{required_label(field.required)}</td>
                    <td>
                        {text(field.schema, "description").map(inline_prose)}
                        {default}
                        {nested}
                    </td>
                </tr>
            }
        })
        .collect_view();
    let table = (!rows.is_empty()).then(|| {
        view! {
            <div class="table-scroll">
                <table class="table api-table api-fields">
                    <thead>
                        <tr>
                            <th scope="col">"Field"</th>
                            <th scope="col">"Type"</th>
                            <th scope="col">"Required"</th>
                            <th scope="col">"Description"</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        }
    });
    Some(view! { {includes} {table} }.into_any())
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
    let schemas = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|schemas| {
            schemas
                .iter()
                .map(|(name, schema)| schema_view(name, schema))
                .collect_view()
        });
    view! {
        <section class="page api-schemas" id="schemas" aria-labelledby="api-schemas-title">
            <h2 id="api-schemas-title">"Schemas"</h2>
            {schemas}
        </section>
    }
}

fn schema_view(name: &str, schema: &Value) -> AnyView {
    let body = if let Some(list) = variants(schema) {
        let items = list
            .iter()
            .enumerate()
            .map(|(i, variant)| variant_view(i, variant))
            .collect_view();
        view! {
            <p>"One of:"</p>
            <ol class="api-variants">{items}</ol>
        }
        .into_any()
    } else if let Some(table) = fields_view(schema, 0) {
        table
    } else {
        view! { <p>"Type: " {ty_view(&describe(schema))}</p> }.into_any()
    };
    view! {
        <section class="api-schema" id=schema_anchor(name)>
            <h3 class="mono">{name.to_string()}</h3>
            {text(schema, "description").map(prose)}
            {body}
        </section>
    }
    .into_any()
}

fn variant_view(index: usize, variant: &Value) -> impl IntoView {
    let title = match variant_tag(variant) {
        Some((tag, value)) => view! { <code>{format!("{tag}: {value}")}</code> }.into_any(),
        None => match text(variant, "title") {
            Some(title) => title.to_string().into_any(),
            None => view! { {format!("Variant {}: ", index + 1)} {ty_view(&describe(variant))} }
                .into_any(),
        },
    };
    view! {
        <li class="api-variant">
            <p class="api-variant-title">{title}</p>
            {text(variant, "description").map(prose)}
            {fields_view(variant, 1)}
        </li>
    }
}

/// A type, with named schemas as links to their sections.
fn ty_view(ty: &Ty) -> AnyView {
    let inner = |ty: &Ty| -> AnyView {
        if ty.is_compound() {
            view! { "(" {ty_view(ty)} ")" }.into_any()
        } else {
            ty_view(ty)
        }
    };
    match ty {
        Ty::Ref(name) => {
            let href = format!("#{}", schema_anchor(name));
            view! { <a class="mono" href=href>{name.clone()}</a> }.into_any()
        }
        Ty::Array(item) => view! { <span class="mono">"array of "</span>{inner(item)} }.into_any(),
        Ty::Map(value) => view! { <span class="mono">"map of "</span>{inner(value)} }.into_any(),
        Ty::Union(parts) | Ty::All(parts) => {
            let sep = if matches!(ty, Ty::Union(_)) {
                " | "
            } else {
                " & "
            };
            parts
                .iter()
                .enumerate()
                .map(|(i, part)| view! { {(i > 0).then_some(sep)} {inner(part)} })
                .collect_view()
                .into_any()
        }
        other => view! { <span class="mono">{other.to_string()}</span> }.into_any(),
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
fn prose(text: &str) -> impl IntoView {
    spec::paragraphs(text)
        .into_iter()
        .map(|p| view! { <p>{inline_prose(&p)}</p> })
        .collect_view()
}

/// A short description inline, with `code` spans.
fn inline_prose(text: &str) -> impl IntoView {
    spec::code_spans(text)
        .into_iter()
        .map(|(code, part)| {
            let part = part.to_string();
            if code {
                view! { <code>{part}</code> }.into_any()
            } else {
                part.into_any()
            }
        })
        .collect_view()
}
