//! `/teams`: the teams the signed-in person belongs to (administrators see every team), and a
//! form to create one, which leads to the new team's page.

use crate::api::{role_label, use_api, ApiError, TeamName, TeamView};
use crate::browser::short_date;
use crate::components::{error_message, invalid, FormError, Submit};
use crate::erase::Erase;
use crate::hooks::{redirect_on_401, use_error_report, use_hydrated};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_navigate;

/// The teams page.
#[component]
pub fn TeamsPage() -> impl IntoView {
    let api = use_api();
    let hydrated = use_hydrated();
    let navigate = use_navigate();
    let report = use_error_report();
    let teams = LocalResource::new(move || async move { api.get::<Vec<TeamView>>("/teams").await });
    redirect_on_401(teams);

    let name = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let create = Action::new_local(move |name: &String| {
        let name = name.clone();
        async move {
            api.post::<_, TeamView>("/teams", &TeamName { name: &name })
                .await
        }
    });
    Effect::new(move |_| match create.value().get() {
        Some(Ok(team)) => navigate(&format!("/teams/{}", team.id), Default::default()),
        Some(Err(err)) => report(error, err),
        None => {}
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        error.set(None);
        create.dispatch(name.get_untracked());
    };

    let list = move || {
        match teams.get() {
        None => view! { <p class="hint">"Loading…"</p> }.erase(),
        Some(Err(err)) => view! { <p class="form-error" role="alert">{err.to_string()}</p> }.erase(),
        Some(Ok(list)) if list.is_empty() => {
            view! { <p class="hint">"You are in no team yet. Create one, or accept an invitation."</p> }
                .erase()
        }
        Some(Ok(list)) => {
            let items = list
                .into_iter()
                .map(|team| {
                    let role = team
                        .role
                        .as_deref()
                        .map(role_label)
                        .unwrap_or_else(|| "Not a member (administrator)".to_string());
                    view! {
                        <li>
                            <a href=format!("/teams/{}", team.id)>{team.name}</a>
                            <span class="meta">{role} " · since " {short_date(&team.created_at)}</span>
                        </li>
                    }
                })
                .collect_view();
            view! { <ul class="item-list">{items}</ul> }.erase()
        }
    }
    };

    view! {
        <Title text="Teams"/>
        <div class="page-stack" data-hydrated=move || hydrated.get().to_string()>
            <section class="page" aria-labelledby="teams-title">
                <h1 id="teams-title">"Teams"</h1>
                {list}
                <p class="hint">
                    <a href="/invitations">"Your invitations"</a>
                </p>
            </section>
            <section class="page" aria-labelledby="new-team-title">
                <h2 id="new-team-title">"New team"</h2>
                <form class="inline-form" method="post" on:submit=on_submit>
                    <div class="field">
                        <label for="team-name">"Team name"</label>
                        <input
                            id="team-name"
                            type="text"
                            required
                            maxlength="200"
                            bind:value=name
                            aria-invalid=invalid(error, "name")
                            disabled=move || !hydrated.get()
                        />
                    </div>
                    <Submit
                        label="Create team"
                        busy_label="Creating…"
                        pending=create.pending()
                        hydrated=hydrated
                    />
                </form>
                <FormError message=error_message(error)/>
            </section>
        </div>
    }
    .erase()
}
