//! `/signin`: e-mail and password. Every failure reads the same (the API never says why); a
//! 429 says how long to wait and keeps the button disabled that long. Afterwards the person goes
//! back to the page that sent them (`#next=`, local paths only) or to their models.

use crate::api::{use_api, use_session, ApiError, Credentials, SignedIn, Viewer};
use crate::browser::{local_path, signup_href};
use crate::components::{error_message, FormError, Submit};
use crate::erase::Erase;
use crate::hooks::{use_fragment_param, use_hydrated};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_navigate;
use std::time::Duration;

/// The sign-in page.
#[component]
pub fn SignInPage() -> impl IntoView {
    let api = use_api();
    let session = use_session();
    let hydrated = use_hydrated();
    let navigate = use_navigate();
    let next = use_fragment_param("next");

    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let waiting = RwSignal::new(false);

    let sign_in = Action::new_local(move |(email, password): &(String, String)| {
        let (email, password) = (email.clone(), password.clone());
        async move {
            api.post::<_, SignedIn>(
                "/auth/signin",
                &Credentials {
                    email: &email,
                    password: &password,
                },
            )
            .await
        }
    });
    Effect::new(move |_| match sign_in.value().get() {
        Some(Ok(signed)) => {
            api.set_csrf(signed.csrf_token);
            session.viewer.set(Viewer::SignedIn(signed.user));
            let to = next
                .get_untracked()
                .and_then(|n| local_path(&n))
                .unwrap_or_else(|| "/models".to_string());
            navigate(&to, Default::default());
        }
        Some(Err(err)) => {
            if let (429, Some(secs)) = (err.status, err.retry_after) {
                waiting.set(true);
                set_timeout(move || waiting.set(false), Duration::from_secs(secs));
            }
            password.set(String::new());
            error.set(Some(err));
        }
        None => {}
    });

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        error.set(None);
        sign_in.dispatch((email.get_untracked(), password.get_untracked()));
    };
    let signup_link = move || match next.get() {
        Some(next) => signup_href(&next),
        None => "/signup".to_string(),
    };

    view! {
        <Title text="Sign in"/>
        <section class="page narrow" data-hydrated=move || hydrated.get().to_string()>
            <h1>"Sign in"</h1>
            <form class="stack" method="post" on:submit=on_submit>
                <div class="field">
                    <label for="signin-email">"E-mail address"</label>
                    <input
                        id="signin-email"
                        type="email"
                        autocomplete="username"
                        required
                        bind:value=email
                        disabled=move || !hydrated.get()
                    />
                </div>
                <div class="field">
                    <label for="signin-password">"Password"</label>
                    <input
                        id="signin-password"
                        type="password"
                        autocomplete="current-password"
                        required
                        bind:value=password
                        disabled=move || !hydrated.get()
                    />
                </div>
                <FormError message=error_message(error)/>
                <Submit
                    label="Sign in"
                    busy_label="Signing in…"
                    pending=sign_in.pending()
                    hydrated=hydrated
                    blocked=waiting
                />
            </form>
            <p class="hint">
                "No account yet? " <a href=signup_link>"Create one"</a>
                " (when sign-up is open, or with an invitation). Forgot your password? "
                "Ask an administrator for a reset link."
            </p>
        </section>
    }
    .erase()
}
