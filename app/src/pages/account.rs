//! `/account`: the signed-in person's password, API tokens and sessions.
//!
//! A new token is shown once, with a Copy button; the list never shows secrets. Revoking the
//! session of this browser signs it out. Changing the password ends the other sessions, so the
//! list is reloaded afterwards.

use crate::api::{
    use_api, use_session, ApiError, NewToken, PasswordChange, SessionView, TokenView, Viewer,
};
use crate::browser::{short_date, short_time};
use crate::components::{error_message, invalid, CopyField, FormError, Submit};
use crate::erase::Erase;
use crate::hooks::{redirect_on_401, use_error_report, use_hydrated};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_navigate;

/// The account page.
#[component]
pub fn AccountPage() -> impl IntoView {
    let session = use_session();
    let hydrated = use_hydrated();
    let api = use_api();
    let sessions =
        LocalResource::new(
            move || async move { api.get::<Vec<SessionView>>("/me/sessions").await },
        );
    redirect_on_401(sessions);

    let who = move || {
        session.user().map(|user| {
            view! {
                <p class="lead">
                    {user.name} " · " <span class="mono">{user.email}</span>
                    {user.is_admin.then_some(" · administrator")}
                </p>
            }
        })
    };

    view! {
        <Title text="Account"/>
        <div class="page-stack" data-hydrated=move || hydrated.get().to_string()>
            <section class="page">
                <h1>"Account"</h1>
                {who}
            </section>
            <PasswordSection hydrated=hydrated on_changed=move || sessions.refetch()/>
            <TokensSection hydrated=hydrated/>
            <SessionsSection hydrated=hydrated sessions=sessions/>
        </div>
    }
    .erase()
}

/// Change the password, with the current one.
#[component]
fn PasswordSection(
    hydrated: ReadSignal<bool>,
    /// Called after a change (other sessions have ended).
    on_changed: impl Fn() + Copy + 'static,
) -> impl IntoView {
    let api = use_api();
    let report = use_error_report();
    let current = RwSignal::new(String::new());
    let new = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let saved = RwSignal::new(false);

    let change = Action::new_local(move |(current, new): &(String, String)| {
        let (current, new) = (current.clone(), new.clone());
        async move {
            api.post::<_, ()>(
                "/auth/password",
                &PasswordChange {
                    current_password: &current,
                    new_password: &new,
                },
            )
            .await
        }
    });
    Effect::new(move |_| match change.value().get() {
        Some(Ok(())) => {
            current.set(String::new());
            new.set(String::new());
            saved.set(true);
            on_changed();
        }
        Some(Err(err)) => report(error, err),
        None => {}
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        error.set(None);
        saved.set(false);
        change.dispatch((current.get_untracked(), new.get_untracked()));
    };

    view! {
        <section class="page" aria-labelledby="password-title">
            <h2 id="password-title">"Password"</h2>
            <form class="stack narrow-form" method="post" on:submit=on_submit>
                <div class="field">
                    <label for="current-password">"Current password"</label>
                    <input
                        id="current-password"
                        type="password"
                        autocomplete="current-password"
                        required
                        bind:value=current
                        aria-invalid=invalid(error, "current_password")
                        disabled=move || !hydrated.get()
                    />
                </div>
                <div class="field">
                    <label for="new-password">"New password"</label>
                    <input
                        id="new-password"
                        type="password"
                        autocomplete="new-password"
                        required
                        minlength="12"
                        maxlength="128"
                        aria-describedby="new-password-hint"
                        bind:value=new
                        aria-invalid=invalid(error, "new_password")
                        disabled=move || !hydrated.get()
                    />
                    <small id="new-password-hint" class="hint">
                        "12 to 128 characters. Your other sessions end when it changes."
                    </small>
                </div>
                <FormError message=error_message(error)/>
                <p class="success" role="status">
                    {move || saved.get().then_some("Password changed; your other sessions have ended.")}
                </p>
                <Submit
                    label="Change password"
                    busy_label="Saving…"
                    pending=change.pending()
                    hydrated=hydrated
                />
            </form>
        </section>
    }
    .erase()
}

/// The expiry choices for a new token, in days.
const EXPIRY_DAYS: [u32; 5] = [7, 30, 90, 180, 365];

/// API tokens: create one (shown once), list, revoke.
#[component]
fn TokensSection(hydrated: ReadSignal<bool>) -> impl IntoView {
    let api = use_api();
    let report = use_error_report();
    let tokens =
        LocalResource::new(move || async move { api.get::<Vec<TokenView>>("/tokens").await });
    redirect_on_401(tokens);

    let name = RwSignal::new(String::new());
    let days = RwSignal::new(30_u32);
    let read_only = RwSignal::new(true);
    let error = RwSignal::new(None::<ApiError>);
    let created = RwSignal::new(None::<TokenView>);

    let create = Action::new_local(move |(name, days, read_only): &(String, u32, bool)| {
        let (name, days, read_only) = (name.clone(), *days, *read_only);
        async move {
            api.post::<_, TokenView>(
                "/tokens",
                &NewToken {
                    name: &name,
                    expires_in_days: days,
                    read_only,
                },
            )
            .await
        }
    });
    Effect::new({
        let report = report.clone();
        move |_| match create.value().get() {
            Some(Ok(token)) => {
                name.set(String::new());
                created.set(Some(token));
                tokens.refetch();
            }
            Some(Err(err)) => report(error, err),
            None => {}
        }
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        error.set(None);
        created.set(None);
        create.dispatch((
            name.get_untracked(),
            days.get_untracked(),
            read_only.get_untracked(),
        ));
    };

    let revoke = Action::new_local(move |id: &String| {
        let path = format!("/tokens/{id}");
        async move { api.delete(&path).await }
    });
    let revoke_error = RwSignal::new(None::<ApiError>);
    Effect::new(move |_| match revoke.value().get() {
        Some(Ok(())) => {
            revoke_error.set(None);
            tokens.refetch();
        }
        Some(Err(err)) => report(revoke_error, err),
        None => {}
    });

    let new_token = move || {
        created.get().and_then(|t| t.token).map(|secret| {
            view! {
                <div class="reveal" role="status">
                    <p>
                        <strong>"Copy this token now."</strong>
                        " It is shown only once; use it as "
                        <code>"Authorization: Bearer …"</code>
                        "."
                    </p>
                    <CopyField id="new-token" label="New API token" value=secret hydrated=hydrated/>
                </div>
            }
        })
    };

    let list = move || match tokens.get() {
        None => view! { <p class="hint">"Loading…"</p> }.erase(),
        Some(Err(err)) => {
            view! { <p class="form-error" role="alert">{err.to_string()}</p> }.erase()
        }
        Some(Ok(list)) if list.is_empty() => view! { <p class="hint">"No API tokens."</p> }.erase(),
        Some(Ok(list)) => {
            let rows = list
                .into_iter()
                .map(|token| {
                    let id = token.id.clone();
                    let label = format!("Revoke {}", token.name);
                    view! {
                        <tr>
                            <td>{token.name}</td>
                            <td>{if token.read_only { "Read only" } else { "Read and write" }}</td>
                            <td>{short_date(&token.created_at)}</td>
                            <td>{short_date(&token.expires_at)}</td>
                            <td>
                                {token.last_used_at.as_deref().map(short_time).unwrap_or_else(|| "Never".to_string())}
                            </td>
                            <td>
                                <button
                                    type="button"
                                    class="secondary danger"
                                    aria-label=label
                                    disabled=move || !hydrated.get() || revoke.pending().get()
                                    on:click=move |_| {
                                        revoke.dispatch(id.clone());
                                    }
                                >
                                    "Revoke"
                                </button>
                            </td>
                        </tr>
                    }
                })
                .collect_view();
            view! {
                <table class="table">
                    <caption class="visually-hidden">"Your API tokens"</caption>
                    <thead>
                        <tr>
                            <th scope="col">"Name"</th>
                            <th scope="col">"Access"</th>
                            <th scope="col">"Created"</th>
                            <th scope="col">"Expires"</th>
                            <th scope="col">"Last used"</th>
                            <th scope="col">
                                <span class="visually-hidden">"Actions"</span>
                            </th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            }
            .erase()
        }
    };

    let expiry_options = EXPIRY_DAYS
        .iter()
        .map(|d| view! { <option value=d.to_string() selected=*d == 30>{format!("{d} days")}</option> })
        .collect_view();

    view! {
        <section class="page" aria-labelledby="tokens-title">
            <h2 id="tokens-title">"API tokens"</h2>
            <p class="hint">
                "Tokens let scripts and CI use the REST API as you. A read-only token cannot "
                "change anything."
            </p>
            <form class="inline-form" method="post" on:submit=on_submit>
                <div class="field">
                    <label for="token-name">"Name"</label>
                    <input
                        id="token-name"
                        type="text"
                        required
                        maxlength="100"
                        bind:value=name
                        aria-invalid=invalid(error, "name")
                        disabled=move || !hydrated.get()
                    />
                </div>
                <div class="field">
                    <label for="token-expiry">"Expires after"</label>
                    <select
                        id="token-expiry"
                        disabled=move || !hydrated.get()
                        on:change=move |ev| {
                            if let Ok(d) = event_target_value(&ev).parse() {
                                days.set(d);
                            }
                        }
                    >
                        {expiry_options}
                    </select>
                </div>
                <div class="field checkbox">
                    <input
                        id="token-read-only"
                        type="checkbox"
                        bind:checked=read_only
                        disabled=move || !hydrated.get()
                    />
                    <label for="token-read-only">"Read only"</label>
                </div>
                <Submit
                    label="Create token"
                    busy_label="Creating…"
                    pending=create.pending()
                    hydrated=hydrated
                />
            </form>
            <FormError message=error_message(error)/>
            {new_token}
            <FormError message=error_message(revoke_error)/>
            {list}
        </section>
    }
    .erase()
}

/// The sessions of the account; this browser's is marked, and revoking it signs out.
#[component]
fn SessionsSection(
    hydrated: ReadSignal<bool>,
    sessions: LocalResource<Result<Vec<SessionView>, ApiError>>,
) -> impl IntoView {
    let api = use_api();
    let session = use_session();
    let navigate = use_navigate();
    let report = use_error_report();
    let error = RwSignal::new(None::<ApiError>);

    let revoke = Action::new_local(move |(id, current): &(String, bool)| {
        let (path, current) = (format!("/me/sessions/{id}"), *current);
        async move { api.delete(&path).await.map(|()| current) }
    });
    Effect::new(move |_| match revoke.value().get() {
        Some(Ok(true)) => {
            api.forget_csrf();
            session.viewer.set(Viewer::SignedOut);
            navigate("/signin", Default::default());
        }
        Some(Ok(false)) => {
            error.set(None);
            sessions.refetch();
        }
        Some(Err(err)) => report(error, err),
        None => {}
    });

    let list = move || match sessions.get() {
        None => view! { <p class="hint">"Loading…"</p> }.erase(),
        Some(Err(err)) => {
            view! { <p class="form-error" role="alert">{err.to_string()}</p> }.erase()
        }
        Some(Ok(list)) => {
            let rows = list
                .into_iter()
                .map(|s| {
                    let id = s.id.clone();
                    let current = s.current;
                    view! {
                        <tr class:current=current>
                            <td>
                                {s.user_agent.unwrap_or_else(|| "Unknown browser".to_string())}
                                {current.then(|| view! { <span class="badge">"This browser"</span> })}
                            </td>
                            <td>{s.client_addr.unwrap_or_default()}</td>
                            <td>{short_time(&s.signed_in_at)}</td>
                            <td>
                                {s
                                    .last_seen_at
                                    .as_deref()
                                    .map(|t| format!("last seen {}", short_time(t)))
                                    .or_else(|| {
                                        s.expires_at.as_deref().map(|t| format!("ends {}", short_time(t)))
                                    })
                                    .unwrap_or_default()}
                            </td>
                            <td>
                                <button
                                    type="button"
                                    class="secondary danger"
                                    disabled=move || !hydrated.get() || revoke.pending().get()
                                    on:click=move |_| {
                                        revoke.dispatch((id.clone(), current));
                                    }
                                >
                                    {if current { "Sign out here" } else { "Revoke" }}
                                </button>
                            </td>
                        </tr>
                    }
                })
                .collect_view();
            view! {
                <table class="table">
                    <caption class="visually-hidden">"Your sessions"</caption>
                    <thead>
                        <tr>
                            <th scope="col">"Browser"</th>
                            <th scope="col">"Address"</th>
                            <th scope="col">"Signed in"</th>
                            <th scope="col">"Activity"</th>
                            <th scope="col">
                                <span class="visually-hidden">"Actions"</span>
                            </th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            }
            .erase()
        }
    };

    view! {
        <section class="page" aria-labelledby="sessions-title">
            <h2 id="sessions-title">"Sessions"</h2>
            <FormError message=error_message(error)/>
            {list}
        </section>
    }
    .erase()
}
