//! `/signup`: a new account. With an invitation link (`/signup#invitation=…`, where the
//! invitation page sends people without an account) the e-mail address comes from the
//! invitation and the invitation is accepted with the account; without one, the page asks
//! `GET /auth/options` whether sign-up is open.

use crate::api::{
    role_label, use_api, use_session, ApiError, AuthOptions, InvitationPreview, InvitationToken,
    SignUpRequest, SignedIn, Viewer,
};
use crate::browser::{fragment_param, local_path};
use crate::components::{error_message, invalid, FormError, Submit};
use crate::erase::Erase;
use crate::hooks::{use_fragment, use_hydrated};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_navigate;

#[derive(Clone)]
struct Input {
    email: String,
    name: String,
    password: String,
    invitation: Option<String>,
}

/// What the page knows about whether it may offer the form.
#[derive(Clone, PartialEq)]
enum Offer {
    Loading,
    Open,
    Invited(InvitationPreview),
    Closed(String),
}

/// The sign-up page.
#[component]
pub fn SignUpPage() -> impl IntoView {
    let api = use_api();
    let session = use_session();
    let hydrated = use_hydrated();
    let navigate = use_navigate();
    let fragment = use_fragment();
    let invitation = Signal::derive(move || {
        fragment.with(|f| f.as_deref().and_then(|f| fragment_param(f, "invitation")))
    });
    let next = Signal::derive(move || {
        fragment.with(|f| f.as_deref().and_then(|f| fragment_param(f, "next")))
    });

    let email = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);

    // Waits until the browser has read the fragment before deciding.
    let offer = LocalResource::new(move || {
        let fragment = fragment.get();
        async move {
            let Some(fragment) = fragment else {
                return Offer::Loading;
            };
            match fragment_param(&fragment, "invitation") {
                Some(token) => match api
                    .post::<_, InvitationPreview>(
                        "/invitations/preview",
                        &InvitationToken { token: &token },
                    )
                    .await
                {
                    Ok(preview) => Offer::Invited(preview),
                    Err(err) => Offer::Closed(err.to_string()),
                },
                None => match api.get::<AuthOptions>("/auth/options").await {
                    Ok(options) if options.signup == "open" => Offer::Open,
                    Ok(_) => Offer::Closed(
                        "Sign-up is by invitation only. Ask a team owner to invite you, then \
                         follow the link they send."
                            .to_string(),
                    ),
                    Err(err) => Offer::Closed(err.to_string()),
                },
            }
        }
    });
    let offer = Signal::derive(move || offer.get().unwrap_or(Offer::Loading));
    Effect::new(move |_| {
        if let Offer::Invited(preview) = offer.get() {
            email.set(preview.email);
        }
    });
    let invited = move || matches!(offer.get(), Offer::Invited(_));

    let create = Action::new_local(move |input: &Input| {
        let input = input.clone();
        async move {
            api.post::<_, SignedIn>(
                "/auth/signup",
                &SignUpRequest {
                    email: &input.email,
                    password: &input.password,
                    name: &input.name,
                    invitation: input.invitation.as_deref(),
                },
            )
            .await
        }
    });
    Effect::new(move |_| match create.value().get() {
        Some(Ok(signed)) => {
            api.set_csrf(signed.csrf_token);
            session.viewer.set(Viewer::SignedIn(signed.user));
            let to = next
                .get_untracked()
                .and_then(|n| local_path(&n))
                .unwrap_or_else(|| "/models".to_string());
            navigate(&to, Default::default());
        }
        Some(Err(err)) => error.set(Some(err)),
        None => {}
    });

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        error.set(None);
        create.dispatch(Input {
            email: email.get_untracked(),
            name: name.get_untracked(),
            password: password.get_untracked(),
            invitation: invitation.get_untracked(),
        });
    };

    let status = move || match offer.get() {
        Offer::Loading => view! { <p class="hint">"Loading…"</p> }.erase(),
        Offer::Open => ().erase(),
        Offer::Invited(preview) => view! {
            <p class="notice">
                "You are invited to join " <strong>{preview.team_name}</strong> " as "
                {role_label(&preview.role)} ". Your account will use the invited address."
            </p>
        }
        .erase(),
        Offer::Closed(message) => view! {
            <p class="notice" role="alert">
                {message}
            </p>
        }
        .erase(),
    };
    let form_usable = move || matches!(offer.get(), Offer::Open | Offer::Invited(_));

    view! {
        <Title text="Create an account"/>
        <section class="page narrow" data-hydrated=move || hydrated.get().to_string()>
            <h1>"Create an account"</h1>
            {status}
            <form class="stack" method="post" on:submit=on_submit>
                <div class="field">
                    <label for="signup-email">"E-mail address"</label>
                    <input
                        id="signup-email"
                        type="email"
                        autocomplete="username"
                        required
                        bind:value=email
                        readonly=invited
                        aria-invalid=invalid(error, "email")
                        disabled=move || !hydrated.get() || !form_usable()
                    />
                </div>
                <div class="field">
                    <label for="signup-name">"Name"</label>
                    <input
                        id="signup-name"
                        type="text"
                        autocomplete="name"
                        required
                        bind:value=name
                        aria-invalid=invalid(error, "name")
                        disabled=move || !hydrated.get() || !form_usable()
                    />
                </div>
                <div class="field">
                    <label for="signup-password">"Password"</label>
                    <input
                        id="signup-password"
                        type="password"
                        autocomplete="new-password"
                        required
                        minlength="12"
                        maxlength="128"
                        aria-describedby="signup-password-hint"
                        bind:value=password
                        aria-invalid=invalid(error, "password")
                        disabled=move || !hydrated.get() || !form_usable()
                    />
                    <small id="signup-password-hint" class="hint">
                        "12 to 128 characters; avoid common words and anything close to your "
                        "name or address."
                    </small>
                </div>
                <FormError message=error_message(error)/>
                <Submit
                    label="Create account"
                    busy_label="Creating…"
                    pending=create.pending()
                    hydrated=hydrated
                    blocked=Signal::derive(move || !form_usable())
                />
            </form>
            <p class="hint">"Already have an account? " <a href="/signin">"Sign in"</a></p>
        </section>
    }
    .erase()
}
