//! `/audit`: the audit log, newest first, with filters (actor, action, time range, team) and
//! "Older" paging. Administrators see every event; a team owner sees the events of a team
//! they own (the API refuses anything else, and the page says so).

use crate::api::{use_api, use_session, AuditEvent, AuditPage, TeamView};
use crate::browser::{encode, short_time, utc_from_input};
use crate::erase::{Erase, When};
use crate::hooks::{redirect_on_401, use_hydrated};
use leptos::prelude::*;
use leptos_meta::Title;

/// Events per page.
const PAGE_SIZE: u32 = 50;

/// One request of the log: the filters and where the page starts.
#[derive(Clone, Debug, Default, PartialEq)]
struct Query {
    actor: String,
    action: String,
    from: String,
    to: String,
    team: String,
    before: Option<String>,
}

impl Query {
    fn path(&self) -> String {
        let mut path = format!("/audit?limit={PAGE_SIZE}");
        let from = utc_from_input(&self.from).unwrap_or_default();
        let to = utc_from_input(&self.to).unwrap_or_default();
        let params = [
            ("actor", self.actor.trim()),
            ("action", self.action.trim()),
            ("from", from.as_str()),
            ("to", to.as_str()),
            ("team", self.team.as_str()),
            ("before", self.before.as_deref().unwrap_or_default()),
        ];
        for (key, value) in params {
            if !value.is_empty() {
                path.push_str(&format!("&{key}={}", encode(value)));
            }
        }
        path
    }
}

/// A cursor or id as text, whether the API sends a number or a string.
fn as_text(value: &serde_json::Value) -> Option<String> {
    match value {
        serde_json::Value::Null => None,
        serde_json::Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

/// The audit log page.
#[component]
pub fn AuditPage() -> impl IntoView {
    let api = use_api();
    let session = use_session();
    let hydrated = use_hydrated();

    let teams = LocalResource::new(move || async move { api.get::<Vec<TeamView>>("/teams").await });
    redirect_on_401(teams);

    let actor = RwSignal::new(String::new());
    let action = RwSignal::new(String::new());
    let from = RwSignal::new(String::new());
    let to = RwSignal::new(String::new());
    let team = RwSignal::new(String::new());
    // `None` until the first search (made once the person and their teams are known).
    let query = RwSignal::new(None::<Query>);
    // The cursors of the pages before this one, for "Newer".
    let history = RwSignal::new(Vec::<Option<String>>::new());

    Effect::new(move |_| {
        if query.with_untracked(Option::is_some) {
            return;
        }
        let Some(user) = session.user() else {
            return;
        };
        let Some(Ok(list)) = teams.get() else {
            return;
        };
        if !user.is_admin {
            // An owner must name a team: start with the first one they own.
            if let Some(owned) = list.iter().find(|t| t.role.as_deref() == Some("owner")) {
                team.set(owned.id.clone());
            }
        }
        query.set(Some(Query {
            team: team.get_untracked(),
            ..Query::default()
        }));
    });

    let page = LocalResource::new(move || {
        let query = query.get();
        async move {
            match query {
                Some(query) => api.get::<AuditPage>(&query.path()).await.map(Some),
                None => Ok(None),
            }
        }
    });
    redirect_on_401(page);

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        history.set(Vec::new());
        query.set(Some(Query {
            actor: actor.get_untracked(),
            action: action.get_untracked(),
            from: from.get_untracked(),
            to: to.get_untracked(),
            team: team.get_untracked(),
            before: None,
        }));
    };
    let next_before = move || {
        page.with(|p| match p {
            Some(Ok(Some(page))) => page.next_before.as_ref().and_then(as_text),
            _ => None,
        })
    };
    let older = move |_| {
        let Some(cursor) = next_before() else {
            return;
        };
        let current = query.get_untracked().and_then(|q| q.before);
        history.update(|h| h.push(current));
        query.update(|q| {
            if let Some(q) = q {
                q.before = Some(cursor);
            }
        });
    };
    let newer = move |_| {
        let mut previous = None;
        history.update(|h| previous = h.pop());
        if let Some(before) = previous {
            query.update(|q| {
                if let Some(q) = q {
                    q.before = before;
                }
            });
        }
    };
    let loading = move || page.with(Option::is_none);

    let team_options = move || {
        let admin = session.user().is_some_and(|u| u.is_admin);
        let teams = teams.get().and_then(Result::ok).unwrap_or_default();
        let all = admin.then(|| view! { <option value="">"All teams and accounts"</option> });
        let options = teams
            .into_iter()
            .filter(|t| admin || t.role.as_deref() == Some("owner"))
            .map(|t| {
                let selected = team.get_untracked() == t.id;
                view! { <option value=t.id selected=selected>{t.name}</option> }
            })
            .collect_view();
        view! { {all} {options} }
    };

    let results = move || match page.get() {
        None | Some(Ok(None)) => view! { <p class="hint">"Loading…"</p> }.erase(),
        Some(Err(err)) => {
            view! { <p class="form-error" role="alert">{err.to_string()}</p> }.erase()
        }
        Some(Ok(Some(page))) if page.events.is_empty() => {
            view! { <p class="hint">"No events match."</p> }.erase()
        }
        Some(Ok(Some(page))) => {
            let rows = page.events.into_iter().map(event_row).collect_view();
            view! {
                <div class="table-scroll">
                    <table class="table audit">
                        <caption class="visually-hidden">"Audit events, newest first"</caption>
                        <thead>
                            <tr>
                                <th scope="col">"Time"</th>
                                <th scope="col">"Actor"</th>
                                <th scope="col">"Action"</th>
                                <th scope="col">"Outcome"</th>
                                <th scope="col">"Target"</th>
                                <th scope="col">"Address"</th>
                                <th scope="col">"Details"</th>
                            </tr>
                        </thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
            }
            .erase()
        }
    };

    view! {
        <Title text="Audit log"/>
        <section class="page" data-hydrated=move || hydrated.get().to_string()>
            <h1>"Audit log"</h1>
            <form class="filters" method="post" on:submit=on_submit>
                <div class="field">
                    <label for="audit-actor">"Actor (user id)"</label>
                    <input id="audit-actor" type="text" bind:value=actor disabled=move || !hydrated.get()/>
                </div>
                <div class="field">
                    <label for="audit-action">"Action"</label>
                    <input
                        id="audit-action"
                        type="text"
                        placeholder="auth.signin"
                        bind:value=action
                        disabled=move || !hydrated.get()
                    />
                </div>
                <div class="field">
                    <label for="audit-from">"From (UTC)"</label>
                    <input id="audit-from" type="datetime-local" bind:value=from disabled=move || !hydrated.get()/>
                </div>
                <div class="field">
                    <label for="audit-to">"To (UTC)"</label>
                    <input id="audit-to" type="datetime-local" bind:value=to disabled=move || !hydrated.get()/>
                </div>
                <div class="field">
                    <label for="audit-team">"Team"</label>
                    <select
                        id="audit-team"
                        disabled=move || !hydrated.get()
                        on:change=move |ev| team.set(event_target_value(&ev))
                    >
                        {team_options}
                    </select>
                </div>
                <button type="submit" disabled=move || !hydrated.get() || loading()>
                    {move || if loading() { "Searching…" } else { "Search" }}
                </button>
            </form>
            {results}
            <div class="pager">
                <When when=move || !history.with(Vec::is_empty)>
                    <button type="button" class="secondary" on:click=newer disabled=move || !hydrated.get() || loading()>
                        "Newer"
                    </button>
                </When>
                <When when=move || next_before().is_some()>
                    <button type="button" class="secondary" on:click=older disabled=move || !hydrated.get() || loading()>
                        "Older"
                    </button>
                </When>
            </div>
        </section>
    }
    .erase()
}

fn event_row(event: AuditEvent) -> impl IntoView {
    let actor = match (&event.actor_name, &event.actor) {
        (Some(name), _) => name.clone(),
        (None, Some(id)) => id.clone(),
        (None, None) => "—".to_string(),
    };
    let details = match &event.details {
        serde_json::Value::Null => String::new(),
        serde_json::Value::Object(map) if map.is_empty() => String::new(),
        other => other.to_string(),
    };
    let outcome_class = format!("outcome {}", event.outcome);
    let request = event.request_id.clone().unwrap_or_default();
    view! {
        <tr>
            <td class="nowrap">{short_time(&event.occurred_at)}</td>
            <td title=event.actor.clone().unwrap_or_default()>{actor}</td>
            <td class="mono">{event.action}</td>
            <td>
                <span class=outcome_class>{event.outcome.clone()}</span>
            </td>
            <td class="mono">{event.target.unwrap_or_default()}</td>
            <td class="mono">{event.client_addr.unwrap_or_default()}</td>
            <td class="mono details" title=request>{details}</td>
        </tr>
    }
    .erase()
}
