//! `/invitations`: where an invitation link lands (`/invitations#token=…`), and the signed-in
//! person's pending invitations.
//!
//! With a token the page shows what the invitation is for (no sign-in needed to look). A
//! signed-in person accepts it here; anyone else is offered to sign in (and come back here)
//! or to create an account with it. Without a token the page needs a signed-in person.

use crate::api::{
    role_label, use_api, use_session, Accepted, ApiError, InvitationPreview, InvitationToken,
    MyInvitation, Viewer,
};
use crate::browser::{encode, fragment_param, short_time, signin_href};
use crate::components::{error_message, FormError};
use crate::erase::{Erase, When};
use crate::hooks::{use_error_report, use_fragment, use_hydrated, use_signin_redirect};
use leptos::prelude::*;
use leptos_meta::Title;

/// The invitations page.
#[component]
pub fn InvitationsPage() -> impl IntoView {
    let api = use_api();
    let session = use_session();
    let hydrated = use_hydrated();
    let report = use_error_report();
    let fragment = use_fragment();
    let token = Signal::derive(move || {
        fragment.with(|f| f.as_deref().and_then(|f| fragment_param(f, "token")))
    });

    // The page needs a user only when it has no token to show.
    let redirect = use_signin_redirect();
    Effect::new(move |_| {
        let known = fragment.with(Option::is_some);
        if known && token.get().is_none() && session.viewer.get() == Viewer::SignedOut {
            redirect(&ApiError::signed_out());
        }
    });

    let preview = LocalResource::new(move || {
        let token = token.get();
        async move {
            match token {
                Some(token) => api
                    .post::<_, InvitationPreview>(
                        "/invitations/preview",
                        &InvitationToken { token: &token },
                    )
                    .await
                    .map(Some),
                None => Ok(None),
            }
        }
    });
    let mine = LocalResource::new(move || {
        let signed_in = matches!(session.viewer.get(), Viewer::SignedIn(_));
        async move {
            if signed_in {
                api.get::<Vec<MyInvitation>>("/invitations").await.map(Some)
            } else {
                Ok(None)
            }
        }
    });

    let error = RwSignal::new(None::<ApiError>);
    let accepted = RwSignal::new(None::<Accepted>);
    let accept_token = Action::new_local(move |token: &String| {
        let token = token.clone();
        async move {
            api.post::<_, Accepted>("/invitations/accept", &InvitationToken { token: &token })
                .await
        }
    });
    let accept_id = Action::new_local(move |id: &String| {
        let path = format!("/invitations/{id}/accept");
        async move { api.post_empty::<Accepted>(&path).await }
    });
    let decline_id = Action::new_local(move |id: &String| {
        let path = format!("/invitations/{id}/decline");
        async move { api.post_empty::<()>(&path).await }
    });
    let on_accepted = {
        let report = report.clone();
        move |result: Option<Result<Accepted, ApiError>>| match result {
            Some(Ok(done)) => {
                error.set(None);
                accepted.set(Some(done));
                mine.refetch();
            }
            Some(Err(err)) => report(error, err),
            None => {}
        }
    };
    Effect::new({
        let on_accepted = on_accepted.clone();
        move |_| on_accepted(accept_token.value().get())
    });
    Effect::new(move |_| on_accepted(accept_id.value().get()));
    Effect::new(move |_| match decline_id.value().get() {
        Some(Ok(())) => {
            error.set(None);
            mine.refetch();
        }
        Some(Err(err)) => report(error, err),
        None => {}
    });
    let busy = move || {
        accept_token.pending().get() || accept_id.pending().get() || decline_id.pending().get()
    };

    let done = move || {
        accepted.get().map(|done| {
            view! {
                <p class="success" role="status">
                    "You joined " <a href=format!("/teams/{}", done.team_id)>{done.team_name}</a>
                    " as " {role_label(&done.role)} "."
                </p>
            }
        })
    };

    let invitation = move || {
        let token = token.get()?;
        let body = match preview.get() {
            None => view! { <p class="hint">"Loading the invitation…"</p> }.erase(),
            Some(Err(err)) => {
                view! { <p class="form-error" role="alert">{err.to_string()}</p> }.erase()
            }
            Some(Ok(None)) => ().erase(),
            Some(Ok(Some(preview))) => {
                let here = format!("/invitations#token={}", encode(&token));
                let signup = format!("/signup#invitation={}", encode(&token));
                let summary = view! {
                    <p class="lead">
                        "You are invited to join " <strong>{preview.team_name.clone()}</strong>
                        " as " {role_label(&preview.role)} "."
                    </p>
                    <p class="meta">
                        "For " <span class="mono">{preview.email.clone()}</span> ", valid until "
                        {short_time(&preview.expires_at)} "."
                    </p>
                };
                let act = move || match session.viewer.get() {
                    Viewer::Unknown => view! { <p class="hint">"Loading…"</p> }.erase(),
                    Viewer::SignedOut => view! {
                        <p>"To accept, sign in or create an account with the invited address."</p>
                        <p class="actions">
                            <a class="button" href=signin_href(&here)>"Sign in to accept"</a>
                            <a class="button secondary" href=signup.clone()>"Create an account"</a>
                        </p>
                    }
                    .erase(),
                    Viewer::SignedIn(_) if accepted.get().is_some() => ().erase(),
                    Viewer::SignedIn(user) => {
                        let token = token.clone();
                        view! {
                            <p class="hint">
                                "Signed in as " <span class="mono">{user.email}</span> "."
                            </p>
                            <button
                                type="button"
                                disabled=move || !hydrated.get() || busy()
                                on:click=move |_| {
                                    error.set(None);
                                    accept_token.dispatch(token.clone());
                                }
                            >
                                {move || if accept_token.pending().get() { "Accepting…" } else { "Accept invitation" }}
                            </button>
                        }
                        .erase()
                    }
                };
                view! { {summary} {act} }.erase()
            }
        };
        Some(view! {
            <section class="page" aria-labelledby="invitation-title">
                <h1 id="invitation-title">"Invitation"</h1>
                {body}
            </section>
        })
    };

    let list = move || match mine.get() {
        None | Some(Ok(None)) => None,
        Some(Err(err)) => {
            Some(view! { <p class="form-error" role="alert">{err.to_string()}</p> }.erase())
        }
        Some(Ok(Some(list))) if list.is_empty() => {
            Some(view! { <p class="hint">"No pending invitations."</p> }.erase())
        }
        Some(Ok(Some(list))) => {
            let items = list
                .into_iter()
                .map(|inv| {
                    let (accept, decline) = (inv.id.clone(), inv.id.clone());
                    let by = inv
                        .invited_by_name
                        .map(|n| format!(", invited by {n}"))
                        .unwrap_or_default();
                    view! {
                        <li>
                            <span>
                                <strong>{inv.team_name.clone()}</strong> " as "
                                {role_label(&inv.role)}
                                <span class="meta">
                                    {by} " · until " {short_time(&inv.expires_at)}
                                </span>
                            </span>
                            <span class="actions">
                                <button
                                    type="button"
                                    aria-label=format!("Accept the invitation to {}", inv.team_name)
                                    disabled=move || !hydrated.get() || busy()
                                    on:click=move |_| {
                                        error.set(None);
                                        accept_id.dispatch(accept.clone());
                                    }
                                >
                                    "Accept"
                                </button>
                                <button
                                    type="button"
                                    class="secondary"
                                    aria-label=format!("Decline the invitation to {}", inv.team_name)
                                    disabled=move || !hydrated.get() || busy()
                                    on:click=move |_| {
                                        error.set(None);
                                        decline_id.dispatch(decline.clone());
                                    }
                                >
                                    "Decline"
                                </button>
                            </span>
                        </li>
                    }
                })
                .collect_view();
            Some(view! { <ul class="item-list">{items}</ul> }.erase())
        }
    };
    let signed_in = move || matches!(session.viewer.get(), Viewer::SignedIn(_));

    view! {
        <Title text="Invitations"/>
        <div class="page-stack" data-hydrated=move || hydrated.get().to_string()>
            {invitation}
            <section class="page" aria-labelledby="my-invitations-title">
                <h2 id="my-invitations-title">"Your pending invitations"</h2>
                {done}
                <FormError message=error_message(error)/>
                <When when=signed_in>{list}</When>
                <When when=move || !signed_in()>
                    <p class="hint">"Sign in to see the invitations sent to you."</p>
                </When>
            </section>
        </div>
    }
    .erase()
}
