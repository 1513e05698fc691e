//! `/setup`: the first administrator's account, with the one-time token of the setup link the
//! server prints at its first start (`/setup#token=…`; the fragment never reaches the server).
//! On success the page signs in with the same e-mail and password.

use crate::api::{
    use_api, use_session, ApiError, Credentials, SetupRequest, SignedIn, UserView, Viewer,
};
use crate::components::{error_message, invalid, FormError, Submit};
use crate::erase::{Erase, When};
use crate::hooks::{use_fragment_param, use_hydrated};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_navigate;

#[derive(Clone)]
struct Input {
    token: String,
    email: String,
    name: String,
    password: String,
}

/// The first-administrator setup page.
#[component]
pub fn SetupPage() -> impl IntoView {
    let api = use_api();
    let session = use_session();
    let hydrated = use_hydrated();
    let navigate = use_navigate();
    let token = use_fragment_param("token");

    let email = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);

    let create = Action::new_local(move |input: &Input| {
        let input = input.clone();
        async move {
            api.post::<_, UserView>(
                "/auth/setup",
                &SetupRequest {
                    token: &input.token,
                    email: &input.email,
                    name: &input.name,
                    password: &input.password,
                },
            )
            .await?;
            api.post::<_, SignedIn>(
                "/auth/signin",
                &Credentials {
                    email: &input.email,
                    password: &input.password,
                },
            )
            .await
        }
    });
    Effect::new(move |_| match create.value().get() {
        Some(Ok(signed)) => {
            api.set_csrf(signed.csrf_token);
            session.viewer.set(Viewer::SignedIn(signed.user));
            navigate("/models", Default::default());
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
        create.dispatch(Input {
            token,
            email: email.get_untracked(),
            name: name.get_untracked(),
            password: password.get_untracked(),
        });
    };
    let no_token = move || hydrated.get() && token.get().is_none();

    view! {
        <Title text="Set up Rampart"/>
        <section class="page narrow" data-hydrated=move || hydrated.get().to_string()>
            <h1>"Set up Rampart"</h1>
            <p>
                "Create the first administrator. The setup link printed by the server at its "
                "first start works once, for an hour."
            </p>
            <When when=no_token>
                <p class="notice" role="alert">
                    "This address has no setup token. Open the complete setup link from the "
                    "server's output (it ends with #token=…), or create the account with "
                    "`rampart user create`."
                </p>
            </When>
            <form class="stack" method="post" on:submit=on_submit>
                <div class="field">
                    <label for="setup-email">"E-mail address"</label>
                    <input
                        id="setup-email"
                        type="email"
                        autocomplete="username"
                        required
                        bind:value=email
                        aria-invalid=invalid(error, "email")
                        disabled=move || !hydrated.get()
                    />
                </div>
                <div class="field">
                    <label for="setup-name">"Name"</label>
                    <input
                        id="setup-name"
                        type="text"
                        autocomplete="name"
                        required
                        bind:value=name
                        aria-invalid=invalid(error, "name")
                        disabled=move || !hydrated.get()
                    />
                </div>
                <div class="field">
                    <label for="setup-password">"Password"</label>
                    <input
                        id="setup-password"
                        type="password"
                        autocomplete="new-password"
                        required
                        minlength="12"
                        maxlength="128"
                        aria-describedby="setup-password-hint"
                        bind:value=password
                        aria-invalid=invalid(error, "password")
                        disabled=move || !hydrated.get()
                    />
                    <small id="setup-password-hint" class="hint">
                        "12 to 128 characters; avoid common words and anything close to your "
                        "name or address."
                    </small>
                </div>
                <FormError message=error_message(error)/>
                <Submit
                    label="Create administrator"
                    busy_label="Creating…"
                    pending=create.pending()
                    hydrated=hydrated
                    blocked=Signal::derive(move || token.get().is_none())
                />
            </form>
        </section>
    }
    .erase()
}
