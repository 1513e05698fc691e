//! `/teams/:id`: a team's members and, for its owners, role changes, removals, invitations by
//! e-mail (the invitation link is shown to copy and pass on) and the pending invitations.
//! Any member may leave.

use crate::api::{
    role_label, use_api, use_session, ApiError, CreatedInvitation, MemberView, NewInvitation,
    RoleChange, TeamInvitation, TeamView, ROLES,
};
use crate::browser::{short_date, short_time};
use crate::components::{error_message, invalid, CopyField, FormError, Submit};
use crate::erase::{Erase, When};
use crate::hooks::{redirect_on_401, use_error_report, use_hydrated};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_params_map};

/// The team page.
#[component]
pub fn TeamPage() -> impl IntoView {
    let api = use_api();
    let hydrated = use_hydrated();
    let params = use_params_map();
    // Keeps the last id: while the router leaves this page the parameter disappears, and the
    // resources must not ask for a team without one.
    let team_id = Memo::new(move |previous: Option<&String>| {
        match params.with(|p| p.get("id")).filter(|id| !id.is_empty()) {
            Some(id) => id,
            None => previous.cloned().unwrap_or_default(),
        }
    });

    let team = LocalResource::new(move || {
        let id = team_id.get();
        async move { api.get::<TeamView>(&format!("/teams/{id}")).await }
    });
    redirect_on_401(team);
    let members = LocalResource::new(move || {
        let id = team_id.get();
        async move {
            api.get::<Vec<MemberView>>(&format!("/teams/{id}/members"))
                .await
        }
    });
    redirect_on_401(members);
    let is_owner = Memo::new(move |_| {
        team.with(|t| matches!(t, Some(Ok(TeamView { role: Some(role), .. })) if role == "owner"))
    });

    let heading = move || match team.get() {
        None => view! { <h1>"Team"</h1> <p class="hint">"Loading…"</p> }.erase(),
        Some(Err(err)) => view! {
            <h1>"Team"</h1>
            <p class="form-error" role="alert">{err.to_string()}</p>
            <p><a href="/teams">"Back to your teams"</a></p>
        }
        .erase(),
        Some(Ok(team)) => {
            let role = team
                .role
                .as_deref()
                .map(|r| format!("Your role: {}", role_label(r)))
                .unwrap_or_else(|| "You are not a member (administrator view).".to_string());
            view! {
                <h1>{team.name.clone()}</h1>
                <p class="meta" data-testid="my-role">{role}</p>
            }
            .erase()
        }
    };

    view! {
        <Title text="Team"/>
        <div class="page-stack" data-hydrated=move || hydrated.get().to_string()>
            <section class="page">
                {heading}
                <p class="hint">
                    <a href="/teams">"All teams"</a>
                </p>
            </section>
            <MembersSection hydrated=hydrated team_id=team_id members=members is_owner=is_owner/>
            <When when=move || is_owner.get()>
                <InvitationsSection hydrated=hydrated team_id=team_id/>
            </When>
        </div>
    }
    .erase()
}

/// The members, with role selects and Remove buttons for owners, and Leave for oneself.
#[component]
fn MembersSection(
    hydrated: ReadSignal<bool>,
    team_id: Memo<String>,
    members: LocalResource<Result<Vec<MemberView>, ApiError>>,
    is_owner: Memo<bool>,
) -> impl IntoView {
    let api = use_api();
    let session = use_session();
    let navigate = use_navigate();
    let report = use_error_report();
    let error = RwSignal::new(None::<ApiError>);
    let status = RwSignal::new(String::new());
    let me = Memo::new(move |_| session.user().map(|u| u.id));

    let change_role = Action::new_local(move |(user_id, name, role): &(String, String, String)| {
        let path = format!("/teams/{}/members/{user_id}", team_id.get_untracked());
        let (name, role) = (name.clone(), role.clone());
        async move {
            api.patch::<_, MemberView>(&path, &RoleChange { role: &role })
                .await
                .map(|m| format!("{name} is now {}.", role_label(&m.role)))
        }
    });
    let remove = Action::new_local(move |(user_id, name, myself): &(String, String, bool)| {
        let path = format!("/teams/{}/members/{user_id}", team_id.get_untracked());
        let (name, myself) = (name.clone(), *myself);
        async move { api.delete(&path).await.map(|()| (name, myself)) }
    });
    Effect::new({
        let report = report.clone();
        move |_| match change_role.value().get() {
            Some(Ok(done)) => {
                error.set(None);
                status.set(done);
                members.refetch();
            }
            Some(Err(err)) => {
                status.set(String::new());
                report(error, err);
                // Puts the select back to the role the server kept.
                members.refetch();
            }
            None => {}
        }
    });
    Effect::new(move |_| match remove.value().get() {
        Some(Ok((_, true))) => navigate("/teams", Default::default()),
        Some(Ok((name, false))) => {
            error.set(None);
            status.set(format!("{name} was removed from the team."));
            members.refetch();
        }
        Some(Err(err)) => report(error, err),
        None => {}
    });
    let busy = move || change_role.pending().get() || remove.pending().get();
    Effect::new(move |_| {
        if change_role.pending().get() {
            status.set("Saving…".to_string());
        }
    });

    let rows = move |list: Vec<MemberView>| {
        list.into_iter()
            .map(|member| {
                let myself = me.get().as_deref() == Some(member.user_id.as_str());
                let owner = is_owner.get();
                let role_cell = if owner {
                    let (user_id, name) = (member.user_id.clone(), member.name.clone());
                    let options = ROLES
                        .iter()
                        .map(|(value, label)| {
                            view! {
                                <option value=*value selected=*value == member.role>
                                    {*label}
                                </option>
                            }
                        })
                        .collect_view();
                    view! {
                        <select
                            aria-label=format!("Role of {}", member.name)
                            disabled=move || !hydrated.get() || busy()
                            on:change=move |ev| {
                                change_role.dispatch((user_id.clone(), name.clone(), event_target_value(&ev)));
                            }
                        >
                            {options}
                        </select>
                    }
                    .erase()
                } else {
                    view! { <span>{role_label(&member.role)}</span> }.erase()
                };
                let action = (owner || myself).then(|| {
                    let (user_id, name) = (member.user_id.clone(), member.name.clone());
                    let label = if myself {
                        "Leave team".to_string()
                    } else {
                        format!("Remove {}", member.name)
                    };
                    view! {
                        <button
                            type="button"
                            class="secondary danger"
                            disabled=move || !hydrated.get() || busy()
                            on:click=move |_| {
                                remove.dispatch((user_id.clone(), name.clone(), myself));
                            }
                        >
                            {label}
                        </button>
                    }
                });
                view! {
                    <tr data-member=member.email.clone()>
                        <td>{member.name.clone()}</td>
                        <td class="mono">{member.email.clone()}</td>
                        <td class="role">{role_cell}</td>
                        <td>{short_date(&member.joined_at)}</td>
                        <td>{action}</td>
                    </tr>
                }
            })
            .collect_view()
    };

    let table = move || match members.get() {
        None => view! { <p class="hint">"Loading…"</p> }.erase(),
        Some(Err(err)) => {
            view! { <p class="form-error" role="alert">{err.to_string()}</p> }.erase()
        }
        Some(Ok(list)) => view! {
            <table class="table" id="members">
                <caption class="visually-hidden">"Members"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Name"</th>
                        <th scope="col">"E-mail"</th>
                        <th scope="col">"Role"</th>
                        <th scope="col">"Joined"</th>
                        <th scope="col">
                            <span class="visually-hidden">"Actions"</span>
                        </th>
                    </tr>
                </thead>
                <tbody>{rows(list)}</tbody>
            </table>
        }
        .erase(),
    };

    view! {
        <section class="page" aria-labelledby="members-title">
            <h2 id="members-title">"Members"</h2>
            <p class="success" role="status">{move || status.get()}</p>
            <FormError message=error_message(error)/>
            {table}
        </section>
    }
    .erase()
}

/// Owners only: invite by e-mail (the link is shown to copy), and the pending invitations.
#[component]
fn InvitationsSection(hydrated: ReadSignal<bool>, team_id: Memo<String>) -> impl IntoView {
    let api = use_api();
    let report = use_error_report();
    let pending = LocalResource::new(move || {
        let id = team_id.get();
        async move {
            api.get::<Vec<TeamInvitation>>(&format!("/teams/{id}/invitations"))
                .await
        }
    });
    redirect_on_401(pending);

    let email = RwSignal::new(String::new());
    let role = RwSignal::new("editor".to_string());
    let error = RwSignal::new(None::<ApiError>);
    let created = RwSignal::new(None::<CreatedInvitation>);

    let invite = Action::new_local(move |(email, role): &(String, String)| {
        let path = format!("/teams/{}/members", team_id.get_untracked());
        let (email, role) = (email.clone(), role.clone());
        async move {
            api.post::<_, CreatedInvitation>(
                &path,
                &NewInvitation {
                    email: &email,
                    role: &role,
                },
            )
            .await
        }
    });
    Effect::new({
        let report = report.clone();
        move |_| match invite.value().get() {
            Some(Ok(invitation)) => {
                email.set(String::new());
                created.set(Some(invitation));
                pending.refetch();
            }
            Some(Err(err)) => report(error, err),
            None => {}
        }
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        error.set(None);
        created.set(None);
        invite.dispatch((email.get_untracked(), role.get_untracked()));
    };

    let revoke = Action::new_local(move |id: &String| {
        let path = format!("/teams/{}/invitations/{id}", team_id.get_untracked());
        async move { api.delete(&path).await }
    });
    let revoke_error = RwSignal::new(None::<ApiError>);
    Effect::new(move |_| match revoke.value().get() {
        Some(Ok(())) => {
            revoke_error.set(None);
            pending.refetch();
        }
        Some(Err(err)) => report(revoke_error, err),
        None => {}
    });

    let link = move || {
        created.get().map(|invitation| {
            view! {
                <div class="reveal" role="status">
                    <p>
                        "Invitation for " <span class="mono">{invitation.email}</span> " as "
                        {role_label(&invitation.role)} ", valid until "
                        {short_time(&invitation.expires_at)}
                        ". Send them this link; it is shown only now."
                    </p>
                    <CopyField
                        id="invitation-link"
                        label="Invitation link"
                        value=invitation.link
                        hydrated=hydrated
                    />
                </div>
            }
        })
    };

    let list = move || match pending.get() {
        None => view! { <p class="hint">"Loading…"</p> }.erase(),
        Some(Err(err)) => {
            view! { <p class="form-error" role="alert">{err.to_string()}</p> }.erase()
        }
        Some(Ok(list)) if list.is_empty() => {
            view! { <p class="hint">"No pending invitations."</p> }.erase()
        }
        Some(Ok(list)) => {
            let rows = list
                .into_iter()
                .map(|inv| {
                    let id = inv.id.clone();
                    let label = format!("Revoke the invitation of {}", inv.email);
                    view! {
                        <tr>
                            <td class="mono">{inv.email}</td>
                            <td>{role_label(&inv.role)}</td>
                            <td>{inv.invited_by_name.unwrap_or_default()}</td>
                            <td>{short_time(&inv.expires_at)}</td>
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
                    <caption class="visually-hidden">"Pending invitations"</caption>
                    <thead>
                        <tr>
                            <th scope="col">"E-mail"</th>
                            <th scope="col">"Role"</th>
                            <th scope="col">"Invited by"</th>
                            <th scope="col">"Expires"</th>
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

    let role_options = ROLES
        .iter()
        .map(|(value, label)| {
            view! {
                <option value=*value selected=*value == "editor">
                    {*label}
                </option>
            }
        })
        .collect_view();

    view! {
        <section class="page" aria-labelledby="invite-title">
            <h2 id="invite-title">"Invite"</h2>
            <form class="inline-form" method="post" on:submit=on_submit>
                <div class="field">
                    <label for="invite-email">"E-mail address"</label>
                    <input
                        id="invite-email"
                        type="email"
                        required
                        bind:value=email
                        aria-invalid=invalid(error, "email")
                        disabled=move || !hydrated.get()
                    />
                </div>
                <div class="field">
                    <label for="invite-role">"Role"</label>
                    <select
                        id="invite-role"
                        disabled=move || !hydrated.get()
                        on:change=move |ev| role.set(event_target_value(&ev))
                    >
                        {role_options}
                    </select>
                </div>
                <Submit label="Invite" busy_label="Inviting…" pending=invite.pending() hydrated=hydrated/>
            </form>
            <FormError message=error_message(error)/>
            {link}
            <h3>"Pending invitations"</h3>
            <FormError message=error_message(revoke_error)/>
            {list}
        </section>
    }
    .erase()
}
