//! `/models/:id/versions`: the versions panel on a page of its own, with links back to the
//! editor and to the register.

use crate::api::{use_api, ModelView};
use crate::components::VersionsPanel;
use crate::erase::{Erase, When};
use crate::hooks::{redirect_on_401, use_hydrated};
use crate::pages::register::use_model_id;
use leptos::prelude::*;
use leptos_meta::Title;

/// The versions page.
#[component]
pub fn VersionsPage() -> impl IntoView {
    let api = use_api();
    let hydrated = use_hydrated();
    let model_id = use_model_id();
    let model = LocalResource::new(move || {
        let id = model_id.get();
        async move { api.get::<ModelView>(&format!("/models/{id}")).await }
    });
    redirect_on_401(model);
    let heading = move || {
        model.with(|model| match model {
            Some(Ok(model)) => format!("Versions: {}", model.name),
            _ => "Versions".to_string(),
        })
    };
    // The panel waits for the model's answer, which says whether this reader may save.
    let can_save = Signal::derive(move || {
        model.with(|model| matches!(model, Some(Ok(model)) if model.access.edit))
    });
    let loaded = move || model.with(|model| matches!(model, Some(Ok(_))));
    let problem = move || {
        model.get().and_then(Result::err).map(|err| {
            view! {
                <p class="form-error" role="alert">{err.to_string()}</p>
            }
        })
    };
    view! {
        <Title text="Versions"/>
        <div class="page-stack wb-wide" data-hydrated=move || hydrated.get().to_string()>
            <section class="page" aria-labelledby="versions-title">
                <h1 id="versions-title">{heading}</h1>
                <p class="wb-links">
                    <a href=move || format!("/models/{}", model_id.get())>"Back to the editor"</a>
                    <a href=move || format!("/models/{}/register", model_id.get())>"Threat register"</a>
                    <a href="/models">"All models"</a>
                </p>
                {problem}
                <When when=move || model.with(Option::is_none)>
                    <p class="hint" role="status">"Loading…"</p>
                </When>
                <When when=loaded>
                    {move || view! { <VersionsPanel model_id=model_id.get() can_save=can_save/> }}
                </When>
            </section>
        </div>
    }
    .erase()
}
