//! The versions panel (the editor's side panel and `/models/:id/versions`): save the model as a
//! named version, list the versions with their content hashes (shortened, the whole hash in the
//! title and a Copy), and a readable diff of a version against the draft or another version
//! (`GET /models/{id}/diff`): added, removed and changed elements, flows and threats with the
//! changed fields named, and decisions.

use crate::api::{element_names, use_api, ApiError, ModelView, NewVersion, VersionView};
use crate::browser::{copy_text, short_time};
use crate::components::{error_message, invalid, FormError, Submit};
use crate::erase::{Erase, When};
use crate::hooks::{redirect_on_401, use_error_report, use_hydrated};
use analysis::ModelDiff;
use leptos::prelude::*;
use std::collections::HashMap;

/// The first characters of a content hash, enough to tell versions apart.
pub fn short_hash(hash: &str) -> &str {
    hash.get(..12).unwrap_or(hash)
}

/// One kind of item in a diff, worded for people.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DiffSection {
    pub title: &'static str,
    pub added: Vec<String>,
    pub removed: Vec<String>,
    /// Each changed item with the fields that differ.
    pub changed: Vec<(String, String)>,
}

/// An element's or flow's id as `Name (id)` when the name is known.
fn label(id: &str, names: &HashMap<String, String>) -> String {
    match names.get(id) {
        Some(name) if name != id => format!("{name} ({id})"),
        _ => id.to_string(),
    }
}

/// A threat key (`rule:target`, `rule:entry->asset`, `user:id`) with the target's name.
fn threat_label(key: &str, names: &HashMap<String, String>) -> String {
    let Some((rule, target)) = key.split_once(':') else {
        return key.to_string();
    };
    let target = target.split("->").next().unwrap_or(target);
    match names.get(target) {
        Some(name) if rule != "user" => format!("{key} on {name}"),
        _ => key.to_string(),
    }
}

/// The diff's sections that hold something, in the order people read them; names come from
/// `names` (the draft's elements and flows; removed ones keep their ids).
pub fn diff_sections(diff: &ModelDiff, names: &HashMap<String, String>) -> Vec<DiffSection> {
    let mut out = Vec::new();
    if !diff.model.is_empty() {
        out.push(DiffSection {
            title: "Model",
            added: Vec::new(),
            removed: Vec::new(),
            changed: vec![("The model's own fields".to_string(), diff.model.join(", "))],
        });
    }
    let by_id = |id: &String| label(id, names);
    let by_key = |key: &String| threat_label(key, names);
    out.extend(section("Elements", &diff.elements, by_id));
    out.extend(section("Flows", &diff.flows, by_id));
    out.extend(section("Threats", &diff.threats, by_key));
    out.extend(section("Decisions", &diff.decisions, by_key));
    out
}

/// One kind of item, unless nothing of it changed.
fn section(
    title: &'static str,
    items: &analysis::ItemDiff,
    name: impl Fn(&String) -> String,
) -> Option<DiffSection> {
    (!items.is_empty()).then(|| DiffSection {
        title,
        added: items.added.iter().map(&name).collect(),
        removed: items.removed.iter().map(&name).collect(),
        changed: items
            .changed
            .iter()
            .map(|c| (name(&c.id), c.fields.join(", ")))
            .collect(),
    })
}

/// What `from`/`to` of the diff name: a version id, or `draft`.
pub const DRAFT: &str = "draft";

/// The versions panel.
#[component]
pub fn VersionsPanel(
    /// The model's id.
    model_id: String,
    /// The model's revision, when the editor knows it: the draft's diff is fetched again when
    /// it moves.
    #[prop(optional, into)]
    revision: Option<Signal<i64>>,
    /// Whether the reader may save versions (the model's `access.edit`); a reader who may
    /// not sees the form disabled with the reason.
    #[prop(into)]
    can_save: Signal<bool>,
) -> impl IntoView {
    let api = use_api();
    let hydrated = use_hydrated();
    let report = use_error_report();
    let model_id = StoredValue::new(model_id);
    let refresh = RwSignal::new(0u32);
    let versions = LocalResource::new(move || {
        refresh.track();
        let path = format!("/models/{}/versions", model_id.get_value());
        async move { api.get::<Vec<VersionView>>(&path).await }
    });
    redirect_on_401(versions);

    let name = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let status = RwSignal::new(String::new());
    let save = Action::new_local(move |name: &String| {
        let (path, name) = (
            format!("/models/{}/versions", model_id.get_value()),
            name.clone(),
        );
        async move {
            api.post::<_, VersionView>(&path, &NewVersion { name: &name })
                .await
        }
    });
    // The comparison on show: (from, to).
    let compare = RwSignal::new(None::<(String, String)>);
    Effect::new(move |_| match save.value().get() {
        Some(Ok(version)) => {
            error.set(None);
            name.set(String::new());
            status.set(format!(
                "Saved {} at revision {}.",
                version.name, version.model_revision
            ));
            refresh.update(|n| *n += 1);
        }
        Some(Err(err)) => {
            status.set(String::new());
            report(error, err);
        }
        None => {}
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        error.set(None);
        save.dispatch(name.get_untracked());
    };

    let list = move || match versions.get() {
        None => view! { <p class="hint" role="status">"Loading versions…"</p> }.erase(),
        Some(Err(err)) => {
            view! { <p class="form-error" role="alert">{err.to_string()}</p> }.erase()
        }
        Some(Ok(list)) if list.is_empty() => {
            view! { <p class="hint">"No versions yet: save one to compare later."</p> }.erase()
        }
        Some(Ok(list)) => view! {
            <VersionList list=list.clone() compare=compare hydrated=hydrated/>
            <DiffChooser list=list compare=compare hydrated=hydrated/>
        }
        .erase(),
    };

    view! {
        <div class="versions-panel">
            <form class="inline-form" method="post" on:submit=on_submit>
                <fieldset class="bare" disabled=move || !can_save.get()>
                <div class="field">
                    <label for="version-name">"Version name"</label>
                    <input
                        id="version-name"
                        type="text"
                        required
                        maxlength="200"
                        placeholder="e.g. Design review 1"
                        bind:value=name
                        aria-invalid=invalid(error, "name")
                        disabled=move || !hydrated.get()
                    />
                </div>
                <Submit label="Save version" busy_label="Saving…" pending=save.pending() hydrated=hydrated/>
                </fieldset>
            </form>
            <When when=move || !can_save.get()>
                <p class="hint" data-testid="versions-read-only">
                    "Your role in this team may read versions but not save them."
                </p>
            </When>
            <FormError message=error_message(error)/>
            <p class="success" role="status">{move || status.get()}</p>
            {list}
            <DiffView model_id=model_id compare=compare revision=revision/>
        </div>
    }
    .erase()
}

/// The versions, newest first, each with its hash and a button to compare it with the draft.
#[component]
fn VersionList(
    list: Vec<VersionView>,
    compare: RwSignal<Option<(String, String)>>,
    hydrated: ReadSignal<bool>,
) -> impl IntoView {
    let rows = list
        .into_iter()
        .map(|v| view! { <VersionRow version=v compare=compare hydrated=hydrated/> })
        .collect_view();
    view! {
        <div class="table-scroll">
            <table class="table versions-table">
                <caption class="visually-hidden">"Saved versions"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Name"</th>
                        <th scope="col" class="num">"Revision"</th>
                        <th scope="col">"Saved"</th>
                        <th scope="col">"Content hash"</th>
                        <th scope="col">
                            <span class="visually-hidden">"Actions"</span>
                        </th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
    .erase()
}

#[component]
fn VersionRow(
    version: VersionView,
    compare: RwSignal<Option<(String, String)>>,
    hydrated: ReadSignal<bool>,
) -> impl IntoView {
    let copied = RwSignal::new(String::new());
    let hash = StoredValue::new(version.content_hash.clone());
    let copy = move |_| {
        let text = hash.get_value();
        leptos::task::spawn_local(async move {
            copied.set(if copy_text(&text).await {
                "Copied.".to_string()
            } else {
                "Copying was refused; select the hash in the title.".to_string()
            });
        });
    };
    let id = version.id.clone();
    let saved = match &version.created_by_name {
        Some(by) => format!("{} by {by}", short_time(&version.created_at)),
        None => short_time(&version.created_at),
    };
    view! {
        <tr data-version=version.name.clone()>
            <td>{version.name.clone()}</td>
            <td class="num">{version.model_revision}</td>
            <td>{saved}</td>
            <td>
                <span class="mono" title=version.content_hash.clone()>
                    {short_hash(&version.content_hash).to_string()}
                </span>
                " "
                <button
                    type="button"
                    class="secondary small"
                    aria-label=format!("Copy the content hash of {}", version.name)
                    disabled=move || !hydrated.get()
                    on:click=copy
                >
                    "Copy"
                </button>
                <span class="hint" role="status">{move || copied.get()}</span>
            </td>
            <td>
                <button
                    type="button"
                    class="secondary small"
                    aria-label=format!("Compare {} with the draft", version.name)
                    disabled=move || !hydrated.get()
                    on:click=move |_| compare.set(Some((id.clone(), DRAFT.to_string())))
                >
                    "Compare with draft"
                </button>
            </td>
        </tr>
    }
    .erase()
}

/// Two selects (from, to: a version or the draft) and Compare.
#[component]
fn DiffChooser(
    list: Vec<VersionView>,
    compare: RwSignal<Option<(String, String)>>,
    hydrated: ReadSignal<bool>,
) -> impl IntoView {
    let first = list.first().map(|v| v.id.clone()).unwrap_or_default();
    let from = RwSignal::new(first);
    let to = RwSignal::new(DRAFT.to_string());
    // Follow the rows' "Compare with draft" buttons.
    Effect::new(move |_| {
        if let Some((f, t)) = compare.get() {
            from.set(f);
            to.set(t);
        }
    });
    let options = move |with_draft: bool| {
        let draft =
            with_draft.then(|| view! { <option value=DRAFT>"Draft (current model)"</option> });
        let versions = list
            .iter()
            .map(|v| {
                view! {
                    <option value=v.id.clone()>
                        {format!("{} (revision {})", v.name, v.model_revision)}
                    </option>
                }
            })
            .collect_view();
        view! {
            {draft}
            {versions}
        }
    };
    let (from_options, to_options) = (options(false), options(true));
    view! {
        <form
            class="inline-form"
            on:submit=move |ev: leptos::ev::SubmitEvent| {
                ev.prevent_default();
                compare.set(Some((from.get_untracked(), to.get_untracked())));
            }
        >
            <div class="field">
                <label for="diff-from">"Compare version"</label>
                <select
                    id="diff-from"
                    disabled=move || !hydrated.get()
                    prop:value=move || from.get()
                    on:change=move |ev| from.set(event_target_value(&ev))
                >
                    {from_options}
                </select>
            </div>
            <div class="field">
                <label for="diff-to">"with"</label>
                <select
                    id="diff-to"
                    disabled=move || !hydrated.get()
                    prop:value=move || to.get()
                    on:change=move |ev| to.set(event_target_value(&ev))
                >
                    {to_options}
                </select>
            </div>
            <button type="submit" disabled=move || !hydrated.get()>
                "Show changes"
            </button>
        </form>
    }
    .erase()
}

/// The diff on show, fetched again when the comparison or the revision changes.
#[component]
fn DiffView(
    model_id: StoredValue<String>,
    compare: RwSignal<Option<(String, String)>>,
    revision: Option<Signal<i64>>,
) -> impl IntoView {
    let api = use_api();
    let diff = LocalResource::new(move || {
        let chosen = compare.get();
        if let Some(revision) = revision {
            revision.track();
        }
        let id = model_id.get_value();
        async move {
            let Some((from, to)) = chosen else {
                return Ok(None);
            };
            let path = format!(
                "/models/{id}/diff?from={}&to={}",
                crate::browser::encode(&from),
                crate::browser::encode(&to)
            );
            let diff = api.get::<ModelDiff>(&path).await?;
            // Names: the draft's, for the elements and flows that still exist.
            let model = api.get::<ModelView>(&format!("/models/{id}")).await?;
            Ok::<_, ApiError>(Some((diff, element_names(&model.model))))
        }
    });
    let body = move || match diff.get() {
        None => view! { <p class="hint" role="status">"Comparing…"</p> }.erase(),
        Some(Err(err)) => {
            view! { <p class="form-error" role="alert">{err.to_string()}</p> }.erase()
        }
        Some(Ok(None)) => ().erase(),
        Some(Ok(Some((diff, _)))) if diff.is_empty() => {
            view! { <p class="hint">"No differences: the two are the same."</p> }.erase()
        }
        Some(Ok(Some((diff, names)))) => diff_sections(&diff, &names)
            .into_iter()
            .map(|section| view! { <DiffSectionView section=section/> })
            .collect_view()
            .erase(),
    };
    view! {
        <section class="diff" aria-label="Changes" data-testid="diff">
            {body}
        </section>
    }
    .erase()
}

#[component]
fn DiffSectionView(section: DiffSection) -> impl IntoView {
    let list = |class: &'static str, heading: &'static str, items: Vec<String>| {
        (!items.is_empty()).then(|| {
            let items = items
                .into_iter()
                .map(|i| view! { <li>{i}</li> })
                .collect_view();
            view! {
                <div class=format!("diff-list {class}")>
                    <h4>{heading}</h4>
                    <ul>{items}</ul>
                </div>
            }
        })
    };
    let changed = (!section.changed.is_empty()).then(|| {
        let items = section
            .changed
            .into_iter()
            .map(|(item, fields)| {
                view! {
                    <li>
                        {item}
                        <span class="meta">{format!(": {fields}")}</span>
                    </li>
                }
            })
            .collect_view();
        view! {
            <div class="diff-list changed">
                <h4>"Changed"</h4>
                <ul>{items}</ul>
            </div>
        }
    });
    view! {
        <div class="diff-section" data-section=section.title>
            <h3>{section.title}</h3>
            {list("added", "Added", section.added)}
            {list("removed", "Removed", section.removed)}
            {changed}
        </div>
    }
    .erase()
}

#[cfg(test)]
mod tests {
    use super::*;
    use analysis::{Changed, ItemDiff};

    #[test]
    fn hashes_are_shortened_to_twelve_characters() {
        let hash = "0123456789abcdef".repeat(4);
        assert_eq!(short_hash(&hash), "0123456789ab");
        assert_eq!(short_hash("abc"), "abc");
    }

    #[test]
    fn a_diff_reads_with_names_and_skips_what_did_not_change() {
        let names = HashMap::from([
            ("lb".to_string(), "Load balancer".to_string()),
            ("f1".to_string(), "Load balancer → db".to_string()),
        ]);
        let diff = ModelDiff {
            model: vec!["name".to_string()],
            elements: ItemDiff {
                added: vec!["lb".to_string()],
                removed: vec!["gone".to_string()],
                changed: vec![Changed {
                    id: "lb".to_string(),
                    fields: vec!["name".to_string(), "kind".to_string()],
                }],
            },
            flows: ItemDiff::default(),
            threats: ItemDiff {
                added: vec!["no-tls:f1".to_string(), "user:t1".to_string()],
                ..ItemDiff::default()
            },
            decisions: ItemDiff::default(),
        };
        let sections = diff_sections(&diff, &names);
        let titles: Vec<_> = sections.iter().map(|s| s.title).collect();
        assert_eq!(titles, ["Model", "Elements", "Threats"]);
        assert_eq!(sections[0].changed[0].1, "name");
        let elements = &sections[1];
        assert_eq!(elements.added, ["Load balancer (lb)"]);
        assert_eq!(elements.removed, ["gone"]);
        assert_eq!(
            elements.changed,
            [("Load balancer (lb)".to_string(), "name, kind".to_string())]
        );
        assert_eq!(
            sections[2].added,
            ["no-tls:f1 on Load balancer → db", "user:t1"]
        );
        assert!(diff_sections(&ModelDiff::default(), &names).is_empty());
    }
}
