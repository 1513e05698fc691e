//! The dashboard's import: a file dropped on the drop zone or chosen with the file button
//! (for keyboards), its format guessed from the content when possible and otherwise chosen,
//! sent as it is to `POST /models/import`; the new model's link and the import's warnings are
//! shown afterwards.

use super::summary::{guess_format, import_path, IMPORT_FORMATS};
use super::TeamSelect;
use crate::api::{use_api, ApiError, Imported, Method, TeamView};
use crate::browser::{read_file, PickedFile};
use crate::components::{error_message, FormError, Submit};
use crate::erase::Erase;
use crate::hooks::use_error_report;
use leptos::prelude::*;

/// The import form.
#[component]
pub fn ImportForm(
    /// The person's teams.
    teams: Signal<Vec<TeamView>>,
    /// True once hydrated.
    hydrated: ReadSignal<bool>,
    /// Bumped after an import, so the lists show the new model.
    refresh: RwSignal<u32>,
) -> impl IntoView {
    let api = use_api();
    let report = use_error_report();
    let team = RwSignal::new(String::new());
    let format = RwSignal::new("threat-dragon".to_string());
    let file = RwSignal::new(None::<PickedFile>);
    let file_error = RwSignal::new(None::<String>);
    let guessed = RwSignal::new(false);
    let dragging = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let done = RwSignal::new(None::<Imported>);

    let import = Action::new_local(move |(team, format, file): &(String, String, PickedFile)| {
        let path = import_path(team, format, "");
        let text = file.text.clone();
        async move {
            api.send_raw::<Imported>(Method::Post, &path, "application/json", text)
                .await
        }
    });
    Effect::new(move |_| match import.value().get() {
        Some(Ok(imported)) => {
            error.set(None);
            file.set(None);
            done.set(Some(imported));
            refresh.update(|n| *n += 1);
        }
        Some(Err(err)) => report(error, err),
        None => {}
    });

    // A file arrived: keep it and guess its format.
    let picked = move |result: Result<PickedFile, String>| match result {
        Ok(picked) => {
            file_error.set(None);
            done.set(None);
            error.set(None);
            let guess = guess_format(&picked.text);
            guessed.set(guess.is_some());
            if let Some(guess) = guess {
                format.set(guess.to_string());
            }
            file.set(Some(picked));
        }
        Err(message) => {
            file.set(None);
            file_error.set(Some(message));
        }
    };

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        error.set(None);
        done.set(None);
        match file.get_untracked() {
            Some(picked) => {
                import.dispatch((team.get_untracked(), format.get_untracked(), picked));
            }
            None => file_error.set(Some(
                "Choose a file first: drop it on the zone or use Choose file.".to_string(),
            )),
        }
    };

    let format_options = IMPORT_FORMATS
        .iter()
        .map(|(value, label)| view! { <option value=*value>{*label}</option> })
        .collect_view();

    let chosen = move || match file.get() {
        Some(picked) => {
            let how = if guessed.get() {
                " (format recognised)"
            } else {
                ""
            };
            format!("{}{how}", picked.name)
        }
        None => "Drop a file here".to_string(),
    };

    let result = move || {
        done.get().map(|imported| {
            let warnings = if imported.warnings.is_empty() {
                view! { <p>"Imported without warnings."</p> }.erase()
            } else {
                let items = imported
                    .warnings
                    .iter()
                    .map(|w| view! { <li>{w.clone()}</li> })
                    .collect_view();
                view! {
                    <p>{format!("{} warnings:", imported.warnings.len())}</p>
                    <ul class="import-warnings" aria-label="Import warnings">{items}</ul>
                }
                .erase()
            };
            view! {
                <div class="reveal" role="status" data-testid="import-result">
                    <p>
                        "Imported "
                        <a href=format!("/models/{}", imported.id)>{imported.name.clone()}</a>
                        "."
                    </p>
                    {warnings}
                </div>
            }
        })
    };

    view! {
        <form class="wb-form" method="post" on:submit=on_submit aria-labelledby="import-title">
            <h2 id="import-title">"Import a file"</h2>
            <TeamSelect id="import-team" teams=teams selected=team hydrated=hydrated/>
            <div class="field">
                <label for="import-format">"Format"</label>
                <select
                    id="import-format"
                    disabled=move || !hydrated.get()
                    prop:value=move || format.get()
                    on:change=move |ev| {
                        guessed.set(false);
                        format.set(event_target_value(&ev));
                    }
                >
                    {format_options}
                </select>
            </div>
            <div
                class="drop-zone"
                class:dragging=move || dragging.get()
                data-testid="drop-zone"
                on:dragover=move |ev: leptos::ev::DragEvent| {
                    ev.prevent_default();
                    dragging.set(true);
                }
                on:dragleave=move |_| dragging.set(false)
                on:drop=move |ev: leptos::ev::DragEvent| {
                    ev.prevent_default();
                    dragging.set(false);
                    read_file(None, Some(&ev), picked);
                }
            >
                <p class="drop-name">{chosen}</p>
                <label class="file-button">
                    "Choose file"
                    <input
                        class="visually-hidden"
                        type="file"
                        accept=".json,application/json"
                        aria-label="File to import"
                        disabled=move || !hydrated.get()
                        on:change=move |ev| read_file(Some(&ev), None, picked)
                    />
                </label>
            </div>
            <p class="form-error" role="alert">{move || file_error.get().unwrap_or_default()}</p>
            <Submit label="Import" busy_label="Importing…" pending=import.pending() hydrated=hydrated/>
            <FormError message=error_message(error)/>
            {result}
        </form>
    }
    .erase()
}
