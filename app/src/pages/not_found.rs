//! The page for any path no route matches; it also sets the HTTP status to 404.

use crate::erase::Erase;
use leptos::prelude::*;
use leptos_meta::Title;

/// Rendered for unknown paths, with status 404 on the server.
#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    {
        if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
            response.set_status(http::StatusCode::NOT_FOUND);
        }
    }

    view! {
        <Title text="Not found"/>
        <section class="page narrow">
            <h1>"Page not found"</h1>
            <p>"There is nothing at this address. It may have moved, or the link may be mistyped."</p>
            <p>
                <a href="/">"Back to the start page"</a>
            </p>
        </section>
    }
    .erase()
}
