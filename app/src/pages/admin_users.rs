//! `/admin/users`: every account, for administrators: disable or enable it, make it an
//! administrator (or not), and make a password reset link to pass on.

use crate::api::{use_api, AdminUser, ApiError, ResetLink, UserChange};
use crate::browser::{short_date, short_time};
use crate::components::{error_message, CopyField, FormError};
use crate::erase::Erase;
use crate::hooks::{redirect_on_401, use_error_report, use_hydrated};
use leptos::prelude::*;
use leptos_meta::Title;

/// A reset link made for one account.
#[derive(Clone)]
struct MadeLink {
    name: String,
    link: ResetLink,
}

/// The administration page for accounts.
#[component]
pub fn AdminUsersPage() -> impl IntoView {
    let api = use_api();
    let hydrated = use_hydrated();
    let report = use_error_report();
    let users =
        LocalResource::new(move || async move { api.get::<Vec<AdminUser>>("/users").await });
    redirect_on_401(users);

    let error = RwSignal::new(None::<ApiError>);
    let status = RwSignal::new(String::new());
    let made = RwSignal::new(None::<MadeLink>);

    let change = Action::new_local(
        move |(id, change, done): &(String, (Option<bool>, Option<bool>), String)| {
            let path = format!("/users/{id}");
            let (disabled, is_admin) = *change;
            let done = done.clone();
            async move {
                api.patch::<_, AdminUser>(&path, &UserChange { disabled, is_admin })
                    .await
                    .map(|_| done)
            }
        },
    );
    let reset = Action::new_local(move |(id, name): &(String, String)| {
        let path = format!("/users/{id}/password-reset");
        let name = name.clone();
        async move {
            api.post_empty::<ResetLink>(&path)
                .await
                .map(|link| MadeLink { name, link })
        }
    });
    Effect::new({
        let report = report.clone();
        move |_| match change.value().get() {
            Some(Ok(done)) => {
                error.set(None);
                status.set(done);
                users.refetch();
            }
            Some(Err(err)) => {
                status.set(String::new());
                report(error, err);
            }
            None => {}
        }
    });
    Effect::new(move |_| match reset.value().get() {
        Some(Ok(link)) => {
            error.set(None);
            made.set(Some(link));
        }
        Some(Err(err)) => report(error, err),
        None => {}
    });
    let busy = move || change.pending().get() || reset.pending().get();

    let link = move || {
        made.get().map(|made| {
            view! {
                <div class="reveal" role="status">
                    <p>
                        "Reset link for " {made.name} ", valid until "
                        {short_time(&made.link.expires_at)}
                        ". Pass it on privately; it is shown only now."
                    </p>
                    <CopyField id="reset-link" label="Reset link" value=made.link.link hydrated=hydrated/>
                </div>
            }
        })
    };

    let table = move || match users.get() {
        None => view! { <p class="hint">"Loading…"</p> }.erase(),
        Some(Err(err)) => {
            view! { <p class="form-error" role="alert">{err.to_string()}</p> }.erase()
        }
        Some(Ok(list)) => {
            let rows = list
                .into_iter()
                .map(|user| {
                    let (id1, id2, id3) = (user.id.clone(), user.id.clone(), user.id.clone());
                    let name = user.name.clone();
                    let disabled = user.disabled;
                    let admin = user.is_admin;
                    let toggle_done = if disabled {
                        format!("{name} can sign in again.")
                    } else {
                        format!("{name} is disabled and signed out.")
                    };
                    let admin_done = if admin {
                        format!("{name} is no longer an administrator.")
                    } else {
                        format!("{name} is now an administrator.")
                    };
                    view! {
                        <tr class:disabled=disabled data-user=user.email.clone()>
                            <td>{user.name.clone()}</td>
                            <td class="mono">{user.email.clone()}</td>
                            <td>
                                {if disabled { "Disabled" } else { "Active" }}
                                {admin.then(|| view! { <span class="badge">"Administrator"</span> })}
                            </td>
                            <td>{short_date(&user.created_at)}</td>
                            <td class="actions">
                                <button
                                    type="button"
                                    class="secondary"
                                    aria-label=format!("{} {}", if disabled { "Enable" } else { "Disable" }, user.name)
                                    disabled=move || !hydrated.get() || busy()
                                    on:click=move |_| {
                                        change.dispatch((id1.clone(), (Some(!disabled), None), toggle_done.clone()));
                                    }
                                >
                                    {if disabled { "Enable" } else { "Disable" }}
                                </button>
                                <button
                                    type="button"
                                    class="secondary"
                                    aria-label=format!("{} {}", if admin { "Remove administrator rights of" } else { "Make administrator:" }, user.name)
                                    disabled=move || !hydrated.get() || busy()
                                    on:click=move |_| {
                                        change.dispatch((id2.clone(), (None, Some(!admin)), admin_done.clone()));
                                    }
                                >
                                    {if admin { "Remove admin" } else { "Make admin" }}
                                </button>
                                <button
                                    type="button"
                                    class="secondary"
                                    aria-label=format!("Make a reset link for {}", user.name)
                                    disabled=move || !hydrated.get() || busy()
                                    on:click=move |_| {
                                        reset.dispatch((id3.clone(), name.clone()));
                                    }
                                >
                                    "Reset link"
                                </button>
                            </td>
                        </tr>
                    }
                })
                .collect_view();
            view! {
                <div class="table-scroll">
                    <table class="table">
                        <caption class="visually-hidden">"Accounts"</caption>
                        <thead>
                            <tr>
                                <th scope="col">"Name"</th>
                                <th scope="col">"E-mail"</th>
                                <th scope="col">"Status"</th>
                                <th scope="col">"Created"</th>
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
    };

    view! {
        <Title text="Accounts"/>
        <section class="page" data-hydrated=move || hydrated.get().to_string()>
            <h1>"Accounts"</h1>
            <p class="success" role="status">{move || status.get()}</p>
            <FormError message=error_message(error)/>
            {link}
            {table}
        </section>
    }
    .erase()
}
