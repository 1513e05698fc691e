//! `/reset-password`: a new password with the token of a reset link an administrator made
//! (`/reset-password#token=…`). Every session of the account ends; the person then signs in.

use crate::api::{use_api, use_session, ApiError, PasswordReset, Viewer};
use crate::components::{error_message, invalid, FormError, Submit};
use crate::erase::{Erase, When};
use crate::hooks::{use_fragment_param, use_hydrated};
use leptos::prelude::*;
use leptos_meta::Title;

/// The password reset page.
#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let api = use_api();
    let session = use_session();
    let hydrated = use_hydrated();
    let token = use_fragment_param("token");

    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let done = RwSignal::new(false);

    let reset = Action::new_local(move |(token, password): &(String, String)| {
        let (token, password) = (token.clone(), password.clone());
        async move {
            api.post::<_, ()>(
                "/auth/password-reset",
                &PasswordReset {
                    token: &token,
                    new_password: &password,
                },
            )
            .await
        }
    });
    Effect::new(move |_| match reset.value().get() {
        Some(Ok(())) => {
            password.set(String::new());
            api.forget_csrf();
            session.viewer.set(Viewer::SignedOut);
            done.set(true);
        }
        Some(Err(err)) => error.set(Some(err)),
        None => {}
    });

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(token) = token.get_untracked() else {
            return;
        };
        error.set(None);
        reset.dispatch((token, password.get_untracked()));
    };
    let no_token = move || hydrated.get() && token.get().is_none();

    view! {
        <Title text="Choose a new password"/>
        <section class="page narrow" data-hydrated=move || hydrated.get().to_string()>
            <h1>"Choose a new password"</h1>
            <When when=move || done.get()>
                <p role="status">
                    "Your password has been changed. " <a href="/signin">"Sign in"</a>
                    " with the new one."
                </p>
            </When>
            <When when=move || !done.get()>
                <When when=no_token>
                    <p class="notice" role="alert">
                        "This address has no reset token. Open the complete link an "
                        "administrator gave you (it ends with #token=…)."
                    </p>
                </When>
                <form class="stack" method="post" on:submit=on_submit>
                    <div class="field">
                        <label for="reset-password">"New password"</label>
                        <input
                            id="reset-password"
                            type="password"
                            autocomplete="new-password"
                            required
                            minlength="12"
                            maxlength="128"
                            aria-describedby="reset-password-hint"
                            bind:value=password
                            aria-invalid=invalid(error, "new_password")
                            disabled=move || !hydrated.get()
                        />
                        <small id="reset-password-hint" class="hint">
                            "12 to 128 characters. Every session of the account ends."
                        </small>
                    </div>
                    <FormError message=error_message(error)/>
                    <Submit
                        label="Set password"
                        busy_label="Saving…"
                        pending=reset.pending()
                        hydrated=hydrated
                        blocked=Signal::derive(move || token.get().is_none())
                    />
                </form>
            </When>
        </section>
    }
    .erase()
}
