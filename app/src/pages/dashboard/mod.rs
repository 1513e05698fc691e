//! `/models`: the dashboard. The person's teams, each with its models (revision, who changed
//! it last and when, open high and critical threats, a severity bar), a search, a new model
//! (blank or from the reference architecture) that opens in the editor, an import by drag and
//! drop or file button with the import's warnings, and for owners the delete to the trash and
//! each team's trash with Restore. [`summary`] is the pure part.

mod import;
mod summary;

use crate::api::{use_api, ApiError, ModelPage, ModelSummary, ModelView, NewModel, TeamView};
use crate::browser::short_time;
use crate::components::{error_message, invalid, FormError, Submit};
use crate::erase::Erase;
use crate::hooks::{redirect_on_401, use_error_report, use_hydrated};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_navigate;
use summary::{bar_label, bar_segments, models_path};

pub use import::ImportForm;

/// Teams in which the person may create models (owners and editors).
fn writable(teams: &[TeamView]) -> Vec<TeamView> {
    teams
        .iter()
        .filter(|t| matches!(t.role.as_deref(), Some("owner" | "editor")))
        .cloned()
        .collect()
}

/// The dashboard page.
#[component]
pub fn DashboardPage() -> impl IntoView {
    let api = use_api();
    let hydrated = use_hydrated();
    let teams = LocalResource::new(move || async move { api.get::<Vec<TeamView>>("/teams").await });
    redirect_on_401(teams);
    let q = RwSignal::new(String::new());
    // Bumped after every change, so each team's lists are fetched again.
    let refresh = RwSignal::new(0u32);
    let team_list = Signal::derive(move || teams.get().and_then(Result::ok).unwrap_or_default());

    let lists = move || match teams.get() {
        None => view! { <p class="hint" role="status">"Loading your teams…"</p> }.erase(),
        Some(Err(err)) => {
            view! { <p class="form-error" role="alert">{err.to_string()}</p> }.erase()
        }
        Some(Ok(list)) if list.is_empty() => view! {
            <section class="page">
                <p class="hint">
                    "You are in no team yet. Models belong to teams: "
                    <a href="/teams">"create a team"</a>
                    " or accept an "
                    <a href="/invitations">"invitation"</a>
                    ", then come back here."
                </p>
            </section>
        }
        .erase(),
        Some(Ok(list)) => list
            .into_iter()
            .map(|team| view! { <TeamModels team=team q=q refresh=refresh hydrated=hydrated/> })
            .collect_view()
            .erase(),
    };

    view! {
        <Title text="Models"/>
        <div class="page-stack wb-wide dashboard" data-hydrated=move || hydrated.get().to_string()>
            <section class="page" aria-labelledby="models-title">
                <div class="wb-head">
                    <h1 id="models-title">"Models"</h1>
                    <div class="field wb-search">
                        <label for="model-search">"Search models"</label>
                        <input
                            id="model-search"
                            type="search"
                            placeholder="Part of a name"
                            disabled=move || !hydrated.get()
                            prop:value=move || q.get()
                            on:input=move |ev| q.set(event_target_value(&ev))
                        />
                    </div>
                </div>
                <div class="wb-create">
                    <NewModelForm teams=team_list hydrated=hydrated/>
                    <ImportForm teams=team_list hydrated=hydrated refresh=refresh/>
                </div>
            </section>
            {lists}
        </div>
    }
    .erase()
}

/// The team select shared by the new-model and import forms.
#[component]
pub(crate) fn TeamSelect(
    id: &'static str,
    teams: Signal<Vec<TeamView>>,
    selected: RwSignal<String>,
    hydrated: ReadSignal<bool>,
) -> impl IntoView {
    // The first team the person can write to, once the teams are known.
    Effect::new(move |_| {
        let options = writable(&teams.get());
        let current = selected.get_untracked();
        if !options.iter().any(|t| t.id == current) {
            selected.set(options.first().map(|t| t.id.clone()).unwrap_or_default());
        }
    });
    let options = move || {
        writable(&teams.get())
            .into_iter()
            .map(|team| view! { <option value=team.id.clone()>{team.name}</option> })
            .collect_view()
    };
    view! {
        <div class="field">
            <label for=id>"Team"</label>
            <select
                id=id
                disabled=move || !hydrated.get() || writable(&teams.get()).is_empty()
                prop:value=move || selected.get()
                on:change=move |ev| selected.set(event_target_value(&ev))
            >
                {options}
            </select>
        </div>
    }
    .erase()
}

/// A new model, blank or from the reference architecture; it opens in the editor.
#[component]
fn NewModelForm(teams: Signal<Vec<TeamView>>, hydrated: ReadSignal<bool>) -> impl IntoView {
    let api = use_api();
    let navigate = use_navigate();
    let report = use_error_report();
    let team = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let template = RwSignal::new("blank".to_string());
    let error = RwSignal::new(None::<ApiError>);

    let create = Action::new_local(move |(team, name, template): &(String, String, String)| {
        let (team, name, template) = (team.clone(), name.clone(), template.clone());
        async move {
            let body = NewModel {
                team_id: &team,
                name: &name,
                template: (template == "reference").then_some("reference"),
            };
            api.post::<_, ModelView>("/models", &body).await
        }
    });
    Effect::new(move |_| match create.value().get() {
        Some(Ok(model)) => navigate(&format!("/models/{}", model.id), Default::default()),
        Some(Err(err)) => report(error, err),
        None => {}
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        error.set(None);
        create.dispatch((
            team.get_untracked(),
            name.get_untracked(),
            template.get_untracked(),
        ));
    };
    let no_team = Signal::derive(move || writable(&teams.get()).is_empty());

    view! {
        <form class="wb-form" method="post" on:submit=on_submit aria-labelledby="new-model-title">
            <h2 id="new-model-title">"New model"</h2>
            <TeamSelect id="new-model-team" teams=teams selected=team hydrated=hydrated/>
            <div class="field">
                <label for="new-model-name">"Name"</label>
                <input
                    id="new-model-name"
                    type="text"
                    required
                    maxlength="200"
                    bind:value=name
                    aria-invalid=invalid(error, "name")
                    disabled=move || !hydrated.get()
                />
            </div>
            <fieldset class="wb-choice">
                <legend>"Start from"</legend>
                <label>
                    <input
                        type="radio"
                        name="template"
                        value="blank"
                        prop:checked=move || template.get() == "blank"
                        on:change=move |_| template.set("blank".to_string())
                        disabled=move || !hydrated.get()
                    />
                    "Blank"
                </label>
                <label>
                    <input
                        type="radio"
                        name="template"
                        value="reference"
                        prop:checked=move || template.get() == "reference"
                        on:change=move |_| template.set("reference".to_string())
                        disabled=move || !hydrated.get()
                    />
                    "Reference architecture"
                </label>
            </fieldset>
            <Submit
                label="Create model"
                busy_label="Creating…"
                pending=create.pending()
                hydrated=hydrated
                blocked=no_team
            />
            <FormError message=error_message(error)/>
        </form>
    }
    .erase()
}

/// One team's models, and for its owners, its trash.
#[component]
fn TeamModels(
    team: TeamView,
    q: RwSignal<String>,
    refresh: RwSignal<u32>,
    hydrated: ReadSignal<bool>,
) -> impl IntoView {
    let api = use_api();
    let team_id = StoredValue::new(team.id.clone());
    let is_owner = team.role.as_deref() == Some("owner");
    let can_create = matches!(team.role.as_deref(), Some("owner" | "editor"));
    let models = LocalResource::new(move || {
        let path = models_path(&team_id.get_value(), &q.get(), false);
        refresh.track();
        async move { api.get::<ModelPage>(&path).await }
    });
    redirect_on_401(models);
    let title_id = format!("team-{}-models", team.id);

    let list = move || match models.get() {
        None => view! { <p class="hint" role="status">"Loading models…"</p> }.erase(),
        Some(Err(err)) => {
            view! { <p class="form-error" role="alert">{err.to_string()}</p> }.erase()
        }
        Some(Ok(page)) if page.models.is_empty() => {
            let hint = if !q.with(|q| q.trim().is_empty()) {
                "No model of this team matches the search."
            } else if can_create {
                "No models yet. Create one above (the reference architecture is a good start), or import a file."
            } else {
                "No models yet. Editors and owners of this team can create them."
            };
            view! { <p class="hint">{hint}</p> }.erase()
        }
        Some(Ok(page)) => {
            let more = (page.total > page.models.len() as i64).then(|| {
                view! {
                    <p class="hint">
                        {format!(
                            "Showing {} of {} models; search to find the others.",
                            page.models.len(),
                            page.total,
                        )}
                    </p>
                }
            });
            view! {
                <ModelTable models=page.models is_owner=is_owner refresh=refresh hydrated=hydrated/>
                {more}
            }
            .erase()
        }
    };

    view! {
        <section class="page team-models" aria-labelledby=title_id.clone() data-team=team.name.clone()>
            <h2 id=title_id.clone()>{team.name.clone()}</h2>
            {list}
            {is_owner.then(|| view! { <Trash team_id=team_id refresh=refresh hydrated=hydrated/> })}
        </section>
    }
    .erase()
}

/// A team's models as a table.
#[component]
fn ModelTable(
    models: Vec<ModelSummary>,
    is_owner: bool,
    refresh: RwSignal<u32>,
    hydrated: ReadSignal<bool>,
) -> impl IntoView {
    let rows = models
        .into_iter()
        .map(|model| view! { <ModelRow model=model is_owner=is_owner refresh=refresh hydrated=hydrated/> })
        .collect_view();
    view! {
        <div class="table-scroll">
            <table class="table models-table">
                <caption class="visually-hidden">"Models"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Name"</th>
                        <th scope="col" class="num">"Revision"</th>
                        <th scope="col">"Last edited"</th>
                        <th scope="col" class="num">"Open critical"</th>
                        <th scope="col" class="num">"Open high"</th>
                        <th scope="col">"Open threats"</th>
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

/// One model: its link, figures, severity bar, register link and (owners) delete with a
/// confirmation in place.
#[component]
fn ModelRow(
    model: ModelSummary,
    is_owner: bool,
    refresh: RwSignal<u32>,
    hydrated: ReadSignal<bool>,
) -> impl IntoView {
    let api = use_api();
    let report = use_error_report();
    let confirming = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let id = StoredValue::new(model.id.clone());
    let delete = Action::new_local(move |_: &()| {
        let path = format!("/models/{}", id.get_value());
        async move { api.delete(&path).await }
    });
    Effect::new(move |_| match delete.value().get() {
        Some(Ok(())) => {
            confirming.set(false);
            refresh.update(|n| *n += 1);
        }
        Some(Err(err)) => report(error, err),
        None => {}
    });
    let counts = model.open_by_severity;
    let edited = match &model.updated_by {
        Some(name) => format!("{} by {name}", short_time(&model.updated_at)),
        None => short_time(&model.updated_at),
    };
    let name = StoredValue::new(model.name.clone());

    let actions = move || {
        if !is_owner {
            return ().erase();
        }
        if confirming.get() {
            view! {
                <span class="confirm" role="group" aria-label=format!("Confirm deleting {}", name.get_value())>
                    <span>"Move to the trash?"</span>
                    <button
                        type="button"
                        class="secondary danger"
                        disabled=move || !hydrated.get() || delete.pending().get()
                        on:click=move |_| {
                            delete.dispatch(());
                        }
                    >
                        {move || if delete.pending().get() { "Moving…" } else { "Move to trash" }}
                    </button>
                    <button
                        type="button"
                        class="secondary"
                        on:click=move |_| {
                            confirming.set(false);
                            error.set(None);
                        }
                    >
                        "Cancel"
                    </button>
                </span>
            }
            .erase()
        } else {
            view! {
                <button
                    type="button"
                    class="secondary danger"
                    aria-label=format!("Delete {}", name.get_value())
                    disabled=move || !hydrated.get()
                    on:click=move |_| confirming.set(true)
                >
                    "Delete"
                </button>
            }
            .erase()
        }
    };

    view! {
        <tr data-model=model.name.clone()>
            <td>
                <a class="model-link" href=format!("/models/{}", model.id)>{model.name.clone()}</a>
                <span class="meta">
                    {format!(" · {} elements and flows", model.element_count)}
                </span>
            </td>
            <td class="num">{model.revision}</td>
            <td>{edited}</td>
            <td class="num" data-testid="open-critical">{counts.critical}</td>
            <td class="num" data-testid="open-high">{counts.high}</td>
            <td>
                <SeverityBar counts=counts/>
            </td>
            <td class="row-actions">
                <a href=format!("/models/{}/register", model.id) aria-label=format!("Register of {}", model.name)>
                    "Register"
                </a>
                {actions}
                <FormError message=error_message(error)/>
            </td>
        </tr>
    }
    .erase()
}

/// A small bar of the open threats by severity (SVG: no inline style under the pages' policy).
#[component]
fn SeverityBar(counts: crate::api::SeverityCounts) -> impl IntoView {
    let rects = bar_segments(counts)
        .into_iter()
        .map(|s| {
            view! {
                <rect
                    class=format!("sev-{}", s.severity)
                    x=format!("{:.2}", s.x)
                    y="0"
                    width=format!("{:.2}", s.width)
                    height="8"
                ></rect>
            }
        })
        .collect_view();
    let label = bar_label(counts);
    view! {
        <svg
            class="sev-bar"
            viewBox="0 0 100 8"
            preserveAspectRatio="none"
            role="img"
            aria-label=label.clone()
        >
            <title>{label.clone()}</title>
            <rect class="sev-none" x="0" y="0" width="100" height="8"></rect>
            {rects}
        </svg>
    }
    .erase()
}

/// A team's trash (owners): models deleted within 30 days, with Restore.
#[component]
fn Trash(
    team_id: StoredValue<String>,
    refresh: RwSignal<u32>,
    hydrated: ReadSignal<bool>,
) -> impl IntoView {
    let api = use_api();
    let report = use_error_report();
    let error = RwSignal::new(None::<ApiError>);
    let status = RwSignal::new(String::new());
    let trash = LocalResource::new(move || {
        let path = models_path(&team_id.get_value(), "", true);
        refresh.track();
        async move { api.get::<ModelPage>(&path).await }
    });
    let restore = Action::new_local(move |(id, name): &(String, String)| {
        let (path, name) = (format!("/models/{id}/restore"), name.clone());
        async move { api.post_empty::<ModelView>(&path).await.map(|_| name) }
    });
    Effect::new(move |_| match restore.value().get() {
        Some(Ok(name)) => {
            error.set(None);
            status.set(format!("{name} is back."));
            refresh.update(|n| *n += 1);
        }
        Some(Err(err)) => report(error, err),
        None => {}
    });

    let list = move || {
        match trash.get() {
        None => view! { <p class="hint">"Loading the trash…"</p> }.erase(),
        Some(Err(err)) => {
            view! { <p class="form-error" role="alert">{err.to_string()}</p> }.erase()
        }
        Some(Ok(page)) if page.models.is_empty() => {
            view! { <p class="hint">"The trash is empty. Deleted models stay here for 30 days."</p> }
                .erase()
        }
        Some(Ok(page)) => {
            let items = page
            .models
            .into_iter()
            .map(|model| {
                let (id, name) = (model.id.clone(), model.name.clone());
                let deleted = model.deleted_at.as_deref().map(short_time).unwrap_or_default();
                view! {
                    <li data-model=model.name.clone()>
                        <span>
                            {model.name.clone()}
                            <span class="meta">{format!(" · deleted {deleted}")}</span>
                        </span>
                        <button
                            type="button"
                            class="secondary"
                            aria-label=format!("Restore {}", model.name)
                            disabled=move || !hydrated.get() || restore.pending().get()
                            on:click=move |_| {
                                restore.dispatch((id.clone(), name.clone()));
                            }
                        >
                            "Restore"
                        </button>
                    </li>
                }
            })
            .collect_view();
            view! { <ul class="item-list">{items}</ul> }.erase()
        }
    }
    };

    view! {
        <details class="trash">
            <summary>"Trash"</summary>
            <p class="success" role="status">{move || status.get()}</p>
            <FormError message=error_message(error)/>
            {list}
        </details>
    }
    .erase()
}
